/* fuzz-values.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The money, date, time, timestamp and number parsers, each with its round
 * trip: what a parser accepts, its formatter writes back as the same text
 * (these forms are canonical), and parsing that text again gives the same
 * value.  The input (up to an inner NUL) goes to every parser:
 *
 *   tala_money_parse (three kinds) / tala_money_format
 *   tala_date_parse / tala_date_format, tala_time_parse
 *   tala_timestamp_parse / tala_timestamp_format
 *   hub_normalize_amount (the REST amount: a JSON number or string),
 *   then tala_money_parse of what it makes
 *   hub_valid_idempotency_key
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "hub-server-private.h"
#include "ledger-private.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_fatal_logs (NULL);
  return 0;
}

static void
check_money (const char *text)
{
  static const TalaMoneyKind kinds[] = { TALA_MONEY_POSITIVE, TALA_MONEY_NON_NEGATIVE,
                                         TALA_MONEY_SIGNED };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *formatted = NULL;
      gint64 centavos = G_MININT64, again = G_MININT64;

      if (!tala_money_parse (text, kinds[k], &centavos, &error))
        {
          FUZZ_TRAP_UNLESS (error != NULL && error->domain == TALA_MONEY_ERROR);
          continue;
        }
      FUZZ_TRAP_UNLESS (error == NULL);
      FUZZ_TRAP_UNLESS (centavos >= -TALA_MONEY_MAX && centavos <= TALA_MONEY_MAX);
      FUZZ_TRAP_UNLESS (kinds[k] == TALA_MONEY_SIGNED || centavos >= 0);
      FUZZ_TRAP_UNLESS (kinds[k] == TALA_MONEY_NON_NEGATIVE || centavos != 0);
      formatted = tala_money_format (centavos);
      FUZZ_TRAP_UNLESS (strcmp (formatted, text) == 0);
      FUZZ_TRAP_UNLESS (tala_money_parse (formatted, kinds[k], &again, NULL));
      FUZZ_TRAP_UNLESS (again == centavos);
    }
}

static void
check_dates (const char *text)
{
  gint64 days = 0, again = 0, us = 0, us_again = 0;
  char out[11], date_part[11];
  int minutes = -1;

  if (tala_date_parse (text, &days))
    {
      tala_date_format (days, out);
      FUZZ_TRAP_UNLESS (strcmp (out, text) == 0);
      FUZZ_TRAP_UNLESS (tala_date_parse (out, &again) && again == days);
    }
  if (tala_time_parse (text, &minutes))
    {
      g_autofree char *formatted = g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);

      FUZZ_TRAP_UNLESS (minutes >= 0 && minutes < 24 * 60);
      FUZZ_TRAP_UNLESS (strcmp (formatted, text) == 0);
    }
  if (tala_timestamp_parse (text, &us))
    {
      g_autofree char *formatted = tala_timestamp_format (us);
      gint64 floor_us = us >= 0 ? us / G_USEC_PER_SEC * G_USEC_PER_SEC
                                : -((-us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) * G_USEC_PER_SEC;

      /* The format drops the fraction of a second: the same instant,
       * floored to the second. */
      FUZZ_TRAP_UNLESS (tala_timestamp_parse (formatted, &us_again));
      FUZZ_TRAP_UNLESS (us_again == floor_us);
      if (strlen (text) == 20)
        FUZZ_TRAP_UNLESS (strcmp (formatted, text) == 0);
      /* Its date part is a date. */
      memcpy (date_part, text, 10);
      date_part[10] = '\0';
      FUZZ_TRAP_UNLESS (tala_date_parse (date_part, &days));
    }
}

/* The REST amount: @text as a JSON value (a number or a string). */
static void
check_amount (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *amount = NULL;
  gint64 centavos = 0;

  /* Strict JSON only, as the hub takes a body (tala_json_is_strict):
   * json-glib 1.6 alone takes "-0255[]" as two texts and leaks the first
   * (F5, tests/fuzz/fuzz-values/). */
  if (!tala_json_is_strict (text, strlen (text)) ||
      !json_parser_load_from_data (parser, text, -1, NULL) ||
      json_parser_get_root (parser) == NULL)
    return;
  if (!hub_normalize_amount (json_parser_get_root (parser), &amount))
    return;
  FUZZ_TRAP_UNLESS (amount != NULL);
  /* What money_parse then accepts is canonical: it formats back as it is. */
  if (tala_money_parse (amount, TALA_MONEY_SIGNED, &centavos, NULL) ||
      tala_money_parse (amount, TALA_MONEY_NON_NEGATIVE, &centavos, NULL))
    {
      g_autofree char *formatted = tala_money_format (centavos);

      FUZZ_TRAP_UNLESS (strcmp (formatted, amount) == 0);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_string (data, size);

  check_money (text);
  check_dates (text);
  check_amount (text);
  if (hub_valid_idempotency_key (text))
    {
      gsize len = strlen (text);

      FUZZ_TRAP_UNLESS (len >= 1 && len <= 255);
      for (gsize i = 0; i < len; i++)
        FUZZ_TRAP_UNLESS (text[i] > ' ' && text[i] < 0x7f);
    }
  return 0;
}
