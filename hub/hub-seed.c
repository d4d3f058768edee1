/* hub-seed.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub seed`: the seeder both seeds use (every op through
 * tala_ledger_apply() on the trusted channel, with a deterministic op_id
 * and a hub_time, committed in batches) and the command.  The demo of
 * business-rules §16.7 is in hub-seed-demo.c, the generated college in
 * hub-seed-college.c.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub-admin.h"
#include "hub-seed.h"

#define SEED_BATCH 20000
#define SEED_HOUR  1               /* ops are applied at 01:00Z = 09:00 +08:00 */

/* ---- Dates --------------------------------------------------------------- */

#define JULIAN_1970 719163     /* g_date_get_julian () of 1970-01-01 */

gboolean
_tala_seed_date_parse (const char *text,
                       gint64     *days)
{
  g_autoptr(GDate) date = NULL;
  int y, m, d;
  char end;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 ||
      !g_date_valid_dmy (d, m, y))
    return FALSE;
  date = g_date_new_dmy (d, m, y);
  *days = (gint64) g_date_get_julian (date) - JULIAN_1970;
  return TRUE;
}

void
_tala_seed_date_format (gint64 days,
                        char   out[11])
{
  g_autoptr(GDate) date = g_date_new_julian ((guint32) (days + JULIAN_1970));

  g_snprintf (out, 11, "%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
              g_date_get_day (date));
}

/* ---- The seeder ---------------------------------------------------------- */

JsonObject *
_tala_seed_args (const char *first_name,
                 ...)
{
  JsonObject *args = json_object_new ();
  const char *name = first_name;
  va_list ap;

  va_start (ap, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (ap, const char *);

      if (value != NULL)
        json_object_set_string_member (args, name, value);
      name = va_arg (ap, const char *);
    }
  va_end (ap);
  return args;
}

gboolean
_tala_seeder_start (TalaSeeder    *seeder,
                    TalaLedger    *ledger,
                    guint32        prefix,
                    TalaSeedStats *stats,
                    GError       **error)
{
  memset (seeder, 0, sizeof *seeder);
  memset (stats, 0, sizeof *stats);
  seeder->ledger = ledger;
  seeder->prefix = prefix;
  seeder->stats = stats;
  seeder->batch = tala_batch_new ();
  if (tala_ledger_get_hub_seq (ledger) != 0)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "the ledger already holds ops; seed an empty one");
      g_clear_pointer (&seeder->batch, tala_batch_free);
      return FALSE;
    }
  if (!tala_ledger_begin (ledger, error))
    {
      g_clear_pointer (&seeder->batch, tala_batch_free);
      return FALSE;
    }
  return TRUE;
}

gboolean
_tala_seeder_finish (TalaSeeder *seeder,
                     GError    **error)
{
  gboolean ok = tala_ledger_commit (seeder->ledger, error);

  g_clear_pointer (&seeder->batch, tala_batch_free);
  return ok;
}

void
_tala_seeder_abort (TalaSeeder *seeder)
{
  if (seeder->batch == NULL)
    return;
  tala_ledger_rollback (seeder->ledger);
  g_clear_pointer (&seeder->batch, tala_batch_free);
}

/* Moves the clock to @day (days since 1970) at SEED_HOUR; never back. */
void
_tala_seeder_set_day (TalaSeeder *seeder,
                      gint64      day)
{
  gint64 at = (day * 86400 + SEED_HOUR * 3600) * G_GINT64_CONSTANT (1000000);

  seeder->clock = MAX (seeder->clock, at);
}

static void
count_op (TalaSeedStats *stats,
          const char    *kind)
{
  stats->ops++;
  if (strcmp (kind, "student.register") == 0)
    stats->students++;
  else if (strcmp (kind, "subject.enroll") == 0 || strcmp (kind, "credit.transfer") == 0)
    stats->takes++;
  else if (strcmp (kind, "grade.submit") == 0)
    stats->grades++;
  else if (strcmp (kind, "payment.record") == 0)
    stats->payments++;
}

/**
 * _tala_seeder_op:
 * @args: (transfer full): the op's args
 *
 * Applies one op with a fresh op_id at the seeder's clock.  An op that is
 * not applied fails the seed with its result in the message.
 *
 * Returns: (transfer full): the op's `result` member, or %NULL with @error
 */
JsonObject *
_tala_seeder_op (TalaSeeder *seeder,
                 const char *kind,
                 const char *actor,
                 JsonObject *args,
                 GError    **error)
{
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *op_id = g_strdup_printf ("%08x-5eed-4000-8000-%012" G_GINT64_MODIFIER "x",
                                            seeder->prefix, (guint64) ++seeder->counter);
  g_autofree char *hub_time = tala_timestamp_format (seeder->clock);

  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", kind);
  if (actor)
    json_object_set_string_member (op, "actor", actor);
  else
    json_object_set_null_member (op, "actor");
  json_object_set_string_member (op, "hub_time", hub_time);
  json_object_set_object_member (op, "args", args);
  result = tala_ledger_apply (seeder->ledger, op, TALA_CHANNEL_TRUSTED, seeder->clock,
                              seeder->batch, error);
  if (result == NULL)
    return NULL;
  if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
    {
      g_autofree char *text = tala_json_canonical_object (result);
      g_autofree char *body = tala_json_canonical_object (op);

      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "seed op %s was not applied: %s", body, text);
      return NULL;
    }
  count_op (seeder->stats, kind);
  if (++seeder->pending >= SEED_BATCH)
    {
      seeder->pending = 0;
      if (!tala_ledger_commit (seeder->ledger, error) || !tala_ledger_begin (seeder->ledger, error))
        {
          /* The commit failed and rolled back: nothing stays open. */
          g_clear_pointer (&seeder->batch, tala_batch_free);
          return NULL;
        }
    }
  return json_object_ref (json_object_get_object_member (result, "result"));
}

gboolean
_tala_seeder_run (TalaSeeder *seeder,
                  const char *kind,
                  const char *actor,
                  JsonObject *args,
                  GError    **error)
{
  g_autoptr(JsonObject) result = _tala_seeder_op (seeder, kind, actor, args, error);

  return result != NULL;
}

/* ---- tala-hub seed ------------------------------------------------------- */

static void
print_stats (const TalaSeedStats *stats,
             double               seconds)
{
  g_print ("seeded %" G_GINT64_FORMAT " ops in %.1f s: %" G_GINT64_FORMAT " students, %"
           G_GINT64_FORMAT " subject enrollments, %" G_GINT64_FORMAT " grades, %" G_GINT64_FORMAT
           " payments\n", stats->ops, seconds, stats->students, stats->takes, stats->grades,
           stats->payments);
}

static gboolean
today_local (char out[11])
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = g_date_time_format (now, "%Y-%m-%d");

  g_strlcpy (out, text, 11);
  return TRUE;
}

int
tala_hub_cmd_seed (int    argc,
                   char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *scale = NULL;
  gboolean demo = FALSE;
  int students = 0;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file (empty or new)", "PATH" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Load the demo of business-rules §16.7", NULL },
    { "students", 0, 0, G_OPTION_ARG_INT, &students, "Generate a college of N students", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "The generator's seed (default 1)", "S" },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of,
      "The day the active semester's enrollment window contains (default: today)", "YYYY-MM-DD" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &scale,
      "The demo's grade scale: LETTER (the original's, default) or PH", "SCALE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— fill an empty ledger with ops");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GTimer) timer = NULL;
  TalaSeedStats stats;
  char day[11];
  gint64 ignored;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "--demo loads business-rules §16.7 (users, program CS, 14 subjects, 4 semesters, sections,\n"
    "8 scenario students with payments and grades), its calendar shifted so that the active\n"
    "semester's enrollment window is open on the --as-of day.  --students N generates a\n"
    "college (several programs, sections, enrollments, payments, grades); the same --seed\n"
    "and --as-of give the same ops.  Every row comes from ops applied through the ledger.\n"
    "Exit status: 0 seeded, 1 database failure or the ledger is not empty, 2 wrong usage.\n");
  if (!g_option_context_parse (context, &argc, &argv, &parse_error) || db == NULL ||
      demo == (students > 0) || students < 0 || argc != 1 ||
      (as_of != NULL && !_tala_seed_date_parse (as_of, &ignored)) ||
      (scale != NULL && (!demo || (strcmp (scale, "LETTER") != 0 && strcmp (scale, "PH") != 0))))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("tala-hub: %s\n\n%s", parse_error ? parse_error->message
                  : "give --db PATH and either --demo or --students N (with valid options)", help);
      return TALA_HUB_EXIT_USAGE;
    }
  if (as_of == NULL)
    today_local (day);
  else
    g_strlcpy (day, as_of, sizeof day);
  ledger = tala_ledger_open (db, &error);
  if (ledger == NULL)
    goto fail;
  timer = g_timer_new ();
  if (demo)
    ok = tala_hub_seed_demo (ledger, day, scale, &stats, &error);
  else
    {
      TalaCollegeOptions options = { .students = students, .seed = seed };

      g_strlcpy (options.as_of, day, sizeof options.as_of);
      ok = tala_hub_seed_college (ledger, &options, &stats, &error);
    }
  if (!ok)
    goto fail;
  print_stats (&stats, g_timer_elapsed (timer, NULL));
  if (demo)
    _tala_seed_demo_print_logins ();
  return TALA_HUB_EXIT_OK;

fail:
  g_printerr ("tala-hub: seed: %s\n", error->message);
  return TALA_HUB_EXIT_FAILURE;
}
