/* hub-jobs-cli.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub jobs run NAME --db PATH [--today YYYY-MM-DD]`: runs one job
 * now, as the scheduler would (ops.md §2.6): a job.* op with actor null on
 * the jobs channel, applied in its own transaction; prints the canonical
 * result envelope on one line.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-admin.h"
#include "hub-jobs-cli.h"
#include "hub-seed.h"
#include "tala-ledger.h"

/* The CLI's job names and their op kinds. */
static const char * const jobs[][2] = {
  { "archive", "job.archive" },
  { "gpa-recalc", "job.gpa_recalc" },
  { "inc-expiry", "job.inc_expiry" },
  { "payment-reminders", "job.payment_reminders" },
  { "permit-sweep", "job.permit_sweep" },
};

static const char *
job_kind (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    if (strcmp (jobs[i][0], name) == 0)
      return jobs[i][1];
  return NULL;
}

/* --today D runs the job at D 02:00 +08:00 (D−1 18:00Z), when the nightly
 * jobs run in Manila; with the default utc_offset its business date is D. */
static gboolean
today_hub_time (const char *today,
                gint64     *us)
{
  gint64 days;

  if (!_tala_seed_date_parse (today, &days))
    return FALSE;
  *us = ((days - 1) * 86400 + 18 * 3600) * G_GINT64_CONSTANT (1000000);
  return TRUE;
}

static JsonObject *
job_op (const char *kind,
        const char *student)
{
  JsonObject *op = json_object_new ();
  JsonObject *args = json_object_new ();
  g_autofree char *op_id = g_uuid_string_random ();

  if (student != NULL)
    json_object_set_string_member (args, "student", student);
  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", kind);
  json_object_set_null_member (op, "actor");
  json_object_set_object_member (op, "args", args);
  return op;
}

/* Exit status of a result: 0 applied without item errors, 1 otherwise. */
static int
result_status (JsonObject *result)
{
  JsonObject *inner;

  if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
    return TALA_HUB_EXIT_FAILURE;
  inner = json_object_get_object_member (result, "result");
  if (json_object_has_member (inner, "errors") &&
      json_array_get_length (json_object_get_array_member (inner, "errors")) > 0)
    return TALA_HUB_EXIT_FAILURE;
  return TALA_HUB_EXIT_OK;
}

static int
run_job (const char *db,
         const char *kind,
         const char *today,
         const char *student)
{
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonObject) op = job_op (kind, student);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 now = tala_now_us ();

  if (today != NULL)
    today_hub_time (today, &now);
  ledger = tala_ledger_open (db, &error);
  if (ledger == NULL || !tala_ledger_set_durable (ledger, TRUE, &error))
    goto fail;
  if (now < tala_ledger_get_last_applied (ledger))
    {
      g_autofree char *last = tala_timestamp_format (tala_ledger_get_last_applied (ledger));

      g_printerr ("tala-hub: jobs: the ledger's clock is already at %s; a job cannot run"
                  " earlier\n", last);
      return TALA_HUB_EXIT_FAILURE;
    }
  result = tala_ledger_apply (ledger, op, TALA_CHANNEL_JOBS, now, NULL, &error);
  if (result == NULL)
    goto fail;
  text = tala_json_canonical_object (result);
  g_print ("%s\n", text);
  return result_status (result);

fail:
  g_printerr ("tala-hub: jobs: %s\n", error->message);
  return TALA_HUB_EXIT_FAILURE;
}

int
tala_hub_cmd_jobs (int    argc,
                   char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *today = NULL;
  g_autofree char *student = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { "today", 0, 0, G_OPTION_ARG_STRING, &today,
      "Run as of this day, at 02:00 +08:00 (default: now)", "YYYY-MM-DD" },
    { "student", 0, 0, G_OPTION_ARG_STRING, &student,
      "inc-expiry and gpa-recalc only: one student", "NUMBER" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("run NAME — run one job now");
  g_autoptr(GError) error = NULL;
  const char *kind = NULL;
  gint64 ignored;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "NAME is inc-expiry, permit-sweep, gpa-recalc, payment-reminders or archive.\n"
    "The job is an op (actor null, device HUB) judged on its business date; it prints\n"
    "the canonical result envelope.  A second run on the same day changes nothing.\n"
    "Exit status: 0 applied without item errors, 1 a database failure, a rejection or\n"
    "item errors (listed in the result), 2 wrong usage.\n");
  if (g_option_context_parse (context, &argc, &argv, &error) && argc == 3 &&
      strcmp (argv[1], "run") == 0)
    kind = job_kind (argv[2]);
  if (kind == NULL || db == NULL || (today != NULL && !_tala_seed_date_parse (today, &ignored)) ||
      (student != NULL && strcmp (kind, "job.inc_expiry") != 0 &&
       strcmp (kind, "job.gpa_recalc") != 0))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("tala-hub: %s\n\n%s", error ? error->message
                  : "usage: tala-hub jobs run NAME --db PATH [--today YYYY-MM-DD]", help);
      return TALA_HUB_EXIT_USAGE;
    }
  return run_job (db, kind, today, student);
}
