/* hub-jobs-cli.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub jobs run NAME --db PATH [--today YYYY-MM-DD]`: runs one job
 * now, as the scheduler would (ops.md §2.6): a job.* op with actor null on
 * the jobs channel, applied in its own transaction; prints the canonical
 * result envelope on one line.  `jobs list|status|failed|retry ID|all`
 * read and act on the scheduler's records (hub-jobs.c, ledger-jobruns.c).
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-admin.h"
#include "hub-jobs-cli.h"
#include "hub-jobs.h"
#include "hub-seed.h"
#include "tala-ledger.h"

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
  result = tala_hub_job_apply (ledger, kind, student, now, &error);
  if (result == NULL)
    goto fail;
  text = tala_json_canonical_object (result);
  g_print ("%s\n", text);
  return result_status (result);

fail:
  g_printerr ("tala-hub: jobs: %s\n", error->message);
  return TALA_HUB_EXIT_FAILURE;
}

static TalaLedger *
open_ledger (const char *db)
{
  g_autoptr(GError) error = NULL;
  TalaLedger *ledger = tala_ledger_open (db, &error);

  if (ledger == NULL)
    g_printerr ("tala-hub: jobs: %s\n", error->message);
  return ledger;
}

static void
print_object (JsonObject *object)
{
  g_autofree char *text = tala_json_canonical_object (object);

  g_print ("%s\n", text);
}

/* `jobs list`: name, schedule and next run of each job, one per line. */
static int
list_jobs (const char *db)
{
  g_autoptr(TalaLedger) ledger = open_ledger (db);
  const char * const *names = tala_hub_job_names ();

  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *next = NULL;
      gboolean found;
      gint64 us;

      if (!tala_ledger_job_next_run (ledger, names[i], &us, &found, &error))
        {
          g_printerr ("tala-hub: jobs: %s\n", error->message);
          return TALA_HUB_EXIT_FAILURE;
        }
      next = tala_timestamp_format (found ? us : tala_hub_job_next_run (names[i], tala_now_us ()));
      g_print ("%-18s %-30s next %s%s\n", names[i], tala_hub_job_schedule (names[i]), next,
               found ? "" : " (not scheduled yet)");
    }
  return TALA_HUB_EXIT_OK;
}

/* `jobs status` / `jobs failed`: runs as canonical JSON, one per line. */
static int
list_runs (const char  *db,
           TalaJobRuns  which)
{
  g_autoptr(TalaLedger) ledger = open_ledger (db);
  g_autoptr(JsonArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  runs = tala_ledger_job_runs (ledger, which, &error);
  if (runs == NULL)
    {
      g_printerr ("tala-hub: jobs: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  for (guint i = 0; i < json_array_get_length (runs); i++)
    print_object (json_array_get_object_element (runs, i));
  return TALA_HUB_EXIT_OK;
}

/* Runs failed run @run's job again now, recorded as its next attempt for the
 * same fire time; prints the new run. */
static gboolean
retry_run (TalaLedger *ledger,
           JsonObject *run)
{
  const char *name = json_object_get_string_member (run, "name");
  gint64 scheduled_for = json_object_get_int_member (run, "scheduled_for_us");
  gint64 attempt = json_object_get_int_member (run, "attempt") + 1;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok, found;
  gint64 id, now = tala_now_us ();

  if (now < tala_ledger_get_last_applied (ledger))
    now = tala_ledger_get_last_applied (ledger);
  if (!tala_ledger_job_run_start (ledger, name, scheduled_for, now, attempt, &id, &error))
    goto fail;
  result = tala_hub_job_apply (ledger, tala_hub_job_kind (name), NULL, now, &error);
  ok = result != NULL && result_status (result) == TALA_HUB_EXIT_OK;
  if (result != NULL)
    text = tala_json_canonical_object (result);
  if (!tala_ledger_job_run_finish (ledger, id, tala_now_us (), ok, text,
                                   ok ? NULL : error ? error->message : text, NULL))
    ok = FALSE;
  row = tala_ledger_job_run_get (ledger, id, &found, NULL);
  if (row != NULL)
    print_object (row);
  return ok;

fail:
  g_printerr ("tala-hub: jobs: %s\n", error->message);
  return FALSE;
}

/* `jobs retry ID|all`: 0 when every retried run applied, 1 otherwise (also
 * when ID is not a failed run awaiting a retry). */
static int
retry_runs (const char *db,
            const char *which)
{
  g_autoptr(TalaLedger) ledger = open_ledger (db);
  g_autoptr(JsonArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all = strcmp (which, "all") == 0;
  gint64 id = all ? 0 : g_ascii_strtoll (which, NULL, 10);
  int status = TALA_HUB_EXIT_OK;
  gboolean matched = FALSE;

  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  runs = tala_ledger_job_runs (ledger, TALA_JOB_RUNS_FAILED, &error);
  if (runs == NULL)
    {
      g_printerr ("tala-hub: jobs: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);

      if (!all && json_object_get_int_member (run, "id") != id)
        continue;
      matched = TRUE;
      if (!retry_run (ledger, run))
        status = TALA_HUB_EXIT_FAILURE;
    }
  if (!all && !matched)
    {
      g_printerr ("tala-hub: jobs: run %s is not a failed run awaiting a retry\n", which);
      return TALA_HUB_EXIT_FAILURE;
    }
  return status;
}

static gboolean
is_run_id (const char *text)
{
  guint64 id;

  return strcmp (text, "all") == 0 ||
         (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &id, NULL));
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
      "run only: run as of this day, at 02:00 +08:00 (default: now)", "YYYY-MM-DD" },
    { "student", 0, 0, G_OPTION_ARG_STRING, &student,
      "run only: inc-expiry and gpa-recalc: one student", "NUMBER" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("run NAME | list | status | failed | retry ID|all — the jobs");
  g_autoptr(GError) error = NULL;
  const char *kind = NULL;
  const char *cmd = NULL;
  gboolean usage_ok = FALSE;
  gint64 ignored;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Commands:\n"
    "  run NAME    run one job now and print the canonical result envelope\n"
    "  list        each job's name, schedule (UTC) and next run\n"
    "  status      the last run of each job, one JSON object a line\n"
    "  failed      failed runs not yet retried, one JSON object a line\n"
    "  retry ID|all  run a failed run's job again now (its next attempt)\n"
    "NAME is inc-expiry, permit-sweep, gpa-recalc, payment-reminders or archive.\n"
    "A job is an op (actor null, device HUB) judged on its business date; a second\n"
    "run on the same day changes nothing.  `tala-hub serve` runs the jobs on their\n"
    "schedule unless given --no-jobs.\n"
    "Exit status: 0 success (run/retry: applied without item errors), 1 a database\n"
    "failure, a rejection, item errors or an unknown run ID, 2 wrong usage.\n");
  if (g_option_context_parse (context, &argc, &argv, &error) && argc >= 2)
    cmd = argv[1];
  if (cmd != NULL && db != NULL && strcmp (cmd, "run") == 0 && argc == 3)
    {
      kind = tala_hub_job_kind (argv[2]);
      usage_ok = kind != NULL &&
                 (today == NULL || _tala_seed_date_parse (today, &ignored)) &&
                 (student == NULL || strcmp (kind, "job.inc_expiry") == 0 ||
                  strcmp (kind, "job.gpa_recalc") == 0);
    }
  else if (cmd != NULL && db != NULL && today == NULL && student == NULL)
    usage_ok = (argc == 2 && (strcmp (cmd, "list") == 0 || strcmp (cmd, "status") == 0 ||
                              strcmp (cmd, "failed") == 0)) ||
               (argc == 3 && strcmp (cmd, "retry") == 0 && is_run_id (argv[2]));
  if (!usage_ok)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("tala-hub: %s\n\n%s", error ? error->message
                  : "usage: tala-hub jobs run NAME|list|status|failed|retry ID|all --db PATH",
                  help);
      return TALA_HUB_EXIT_USAGE;
    }
  if (strcmp (cmd, "run") == 0)
    return run_job (db, kind, today, student);
  if (strcmp (cmd, "list") == 0)
    return list_jobs (db);
  if (strcmp (cmd, "status") == 0)
    return list_runs (db, TALA_JOB_RUNS_LAST);
  if (strcmp (cmd, "failed") == 0)
    return list_runs (db, TALA_JOB_RUNS_FAILED);
  return retry_runs (db, argv[2]);
}
