/* test-jobs-scheduler.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's job scheduler (docs/jobs.md) on an injected clock and runner,
 * so nothing sleeps: the next-run computation of every job across day,
 * week, month and year boundaries; each job fires at its time exactly once;
 * catch-up after downtime runs a missed job once; a failing job is retried
 * 3 × 60 s; every attempt is recorded and `tala-hub jobs list/status/failed/
 * retry` read and act on the records (black box via TALA_HUB).
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "hub-jobs.h"
#include "tala-ledger.h"

typedef struct
{
  gint64      now;             /* the injected clock, µs */
  const char *fail;            /* the job that fails, or NULL */
  GHashTable *fires;           /* name → GArray of gint64 fire times */
  guint       total;
} Fake;

static gint64
us (int y,
    int mo,
    int d,
    int h,
    int mi)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, 0);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static gint64
fake_clock (gpointer data)
{
  Fake *fake = data;

  return fake->now;
}

static void
fake_run (TalaHubScheduler  *scheduler,
          const char        *name,
          const char        *kind,
          gint64             now_us,
          gpointer           data,
          TalaHubJobDoneFunc done)
{
  Fake *fake = data;
  GArray *times = g_hash_table_lookup (fake->fires, name);

  g_assert_cmpstr (kind, ==, tala_hub_job_kind (name));
  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (fake->fires, g_strdup (name), times);
    }
  g_array_append_val (times, now_us);
  fake->total++;
  if (g_strcmp0 (fake->fail, name) == 0)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                     "injected failure");

      done (scheduler, NULL, error);
    }
  else
    done (scheduler, "{\"status\":\"applied\"}", NULL);
}

static void
fake_init (Fake   *fake,
           gint64  now)
{
  fake->now = now;
  fake->fail = NULL;
  fake->total = 0;
  fake->fires = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_array_unref);
}

static guint
fires (Fake       *fake,
       const char *name)
{
  GArray *times = g_hash_table_lookup (fake->fires, name);

  return times ? times->len : 0;
}

static gint64
fire_at (Fake       *fake,
         const char *name,
         guint       i)
{
  GArray *times = g_hash_table_lookup (fake->fires, name);

  g_assert_nonnull (times);
  g_assert_cmpuint (i, <, times->len);
  return g_array_index (times, gint64, i);
}

static char *
db_path (const char *name)
{
  return g_build_filename (g_get_user_runtime_dir (), name, NULL);
}

static TalaHubScheduler *
scheduler_new (const char *path,
               Fake       *fake)
{
  g_autoptr(GError) error = NULL;
  TalaHubScheduler *scheduler = tala_hub_scheduler_new (path, fake_run, fake, &error);

  g_assert_no_error (error);
  tala_hub_scheduler_set_clock (scheduler, fake_clock, fake);
  tala_hub_scheduler_load (scheduler, &error);
  g_assert_no_error (error);
  return scheduler;
}

static void
tick (TalaHubScheduler *scheduler)
{
  g_autoptr(GError) error = NULL;

  tala_hub_scheduler_tick (scheduler, &error);
  g_assert_no_error (error);
}

static void
test_next_run (void)
{
  static const struct
  {
    const char *name;
    int after[5];
    int next[5];
  } cases[] = {
    { "permit-sweep", { 2026, 11, 25, 20, 18 }, { 2026, 11, 25, 21, 0 } },
    { "permit-sweep", { 2026, 11, 25, 21, 0 }, { 2026, 11, 25, 22, 0 } },
    { "permit-sweep", { 2026, 12, 31, 23, 30 }, { 2027, 1, 1, 0, 0 } },
    { "inc-expiry", { 2026, 11, 25, 1, 59 }, { 2026, 11, 25, 2, 0 } },
    { "inc-expiry", { 2026, 11, 25, 2, 0 }, { 2026, 11, 26, 2, 0 } },
    { "inc-expiry", { 2026, 11, 30, 3, 0 }, { 2026, 12, 1, 2, 0 } },
    { "inc-expiry", { 2026, 12, 31, 3, 0 }, { 2027, 1, 1, 2, 0 } },
    { "inc-expiry", { 2028, 2, 28, 2, 0 }, { 2028, 2, 29, 2, 0 } },
    { "gpa-recalc", { 2026, 11, 25, 12, 0 }, { 2026, 11, 29, 3, 0 } },
    { "gpa-recalc", { 2026, 11, 29, 2, 59 }, { 2026, 11, 29, 3, 0 } },
    { "gpa-recalc", { 2026, 11, 29, 3, 0 }, { 2026, 12, 6, 3, 0 } },
    { "gpa-recalc", { 2026, 12, 31, 0, 0 }, { 2027, 1, 3, 3, 0 } },
    { "gpa-recalc", { 1970, 1, 1, 0, 0 }, { 1970, 1, 4, 3, 0 } },
    { "payment-reminders", { 2026, 11, 25, 7, 59 }, { 2026, 11, 25, 8, 0 } },
    { "payment-reminders", { 2026, 11, 25, 8, 0 }, { 2026, 12, 25, 8, 0 } },
    { "payment-reminders", { 2026, 12, 26, 0, 0 }, { 2027, 1, 25, 8, 0 } },
    { "payment-reminders", { 2027, 2, 1, 0, 0 }, { 2027, 2, 25, 8, 0 } },
    { "archive", { 2026, 11, 25, 0, 0 }, { 2026, 12, 1, 1, 0 } },
    { "archive", { 2026, 12, 1, 0, 59 }, { 2026, 12, 1, 1, 0 } },
    { "archive", { 2026, 12, 1, 1, 0 }, { 2027, 1, 1, 1, 0 } },
    { "archive", { 2027, 1, 31, 23, 0 }, { 2027, 2, 1, 1, 0 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 after = us (cases[i].after[0], cases[i].after[1], cases[i].after[2],
                         cases[i].after[3], cases[i].after[4]);
      gint64 next = us (cases[i].next[0], cases[i].next[1], cases[i].next[2],
                        cases[i].next[3], cases[i].next[4]);

      g_test_message ("case %u: %s", i, cases[i].name);
      g_assert_cmpint (tala_hub_job_next_run (cases[i].name, after), ==, next);
      /* One µs earlier than the fire still gives the fire. */
      g_assert_cmpint (tala_hub_job_next_run (cases[i].name, next - 1), ==, next);
    }
  g_assert_cmpint (tala_hub_job_next_run ("frobnicate", 0), ==, -1);
  g_assert_null (tala_hub_job_kind ("frobnicate"));
}

/* From Tue 2026-11-24 23:30 to Wed 2026-12-02 00:00 in 5-minute steps,
 * ticking twice a step: every job fires at its exact time, once. */
static void
test_fires_once (void)
{
  g_autofree char *path = db_path ("fires.db");
  g_autoptr(TalaHubScheduler) scheduler = NULL;
  Fake fake;
  gint64 end = us (2026, 12, 2, 0, 0);

  fake_init (&fake, us (2026, 11, 24, 23, 30));
  scheduler = scheduler_new (path, &fake);
  for (; fake.now <= end; fake.now += 5 * 60 * G_USEC_PER_SEC)
    {
      tick (scheduler);
      tick (scheduler);
    }

  /* 2026-11-25 00:00 … 2026-12-02 00:00: 7 × 24 + 1 hours. */
  g_assert_cmpuint (fires (&fake, "permit-sweep"), ==, 7 * 24 + 1);
  g_assert_cmpint (fire_at (&fake, "permit-sweep", 0), ==, us (2026, 11, 25, 0, 0));
  g_assert_cmpuint (fires (&fake, "inc-expiry"), ==, 7);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (fire_at (&fake, "inc-expiry", i), ==,
                     us (2026, 11, 25, 2, 0) + (gint64) i * 86400 * G_USEC_PER_SEC);
  g_assert_cmpuint (fires (&fake, "gpa-recalc"), ==, 1);
  g_assert_cmpint (fire_at (&fake, "gpa-recalc", 0), ==, us (2026, 11, 29, 3, 0));
  g_assert_cmpuint (fires (&fake, "payment-reminders"), ==, 1);
  g_assert_cmpint (fire_at (&fake, "payment-reminders", 0), ==, us (2026, 11, 25, 8, 0));
  g_assert_cmpuint (fires (&fake, "archive"), ==, 1);
  g_assert_cmpint (fire_at (&fake, "archive", 0), ==, us (2026, 12, 1, 1, 0));
  g_assert_cmpint (tala_hub_scheduler_next_wakeup (scheduler), ==, us (2026, 12, 2, 1, 0));
  g_hash_table_unref (fake.fires);
}

/* The hub is down from Tue 2026-11-24 12:00 to Mon 2026-11-30 12:00: on
 * start each missed job runs once, and the schedule moves on from now. */
static void
test_catch_up (void)
{
  g_autofree char *path = db_path ("catchup.db");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  TalaHubScheduler *scheduler;
  Fake fake;
  gint64 next;
  gboolean found;

  fake_init (&fake, us (2026, 11, 24, 12, 0));
  scheduler = scheduler_new (path, &fake);
  tick (scheduler);
  g_assert_cmpuint (fake.total, ==, 0);
  tala_hub_scheduler_free (scheduler);

  fake.now = us (2026, 11, 30, 12, 0);
  scheduler = scheduler_new (path, &fake);
  tick (scheduler);
  tick (scheduler);
  g_assert_cmpuint (fires (&fake, "permit-sweep"), ==, 1);
  g_assert_cmpuint (fires (&fake, "inc-expiry"), ==, 1);
  g_assert_cmpuint (fires (&fake, "gpa-recalc"), ==, 1);
  g_assert_cmpuint (fires (&fake, "payment-reminders"), ==, 1);
  g_assert_cmpuint (fires (&fake, "archive"), ==, 0);
  tala_hub_scheduler_free (scheduler);

  ledger = tala_ledger_open (path, &error);
  g_assert_no_error (error);
  tala_ledger_job_next_run (ledger, "inc-expiry", &next, &found, &error);
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpint (next, ==, us (2026, 12, 1, 2, 0));
  runs = tala_ledger_job_runs (ledger, TALA_JOB_RUNS_ALL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (runs), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);

      g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "ok");
      g_assert_cmpint (json_object_get_int_member (run, "attempt"), ==, 1);
      if (g_strcmp0 (json_object_get_string_member (run, "name"), "inc-expiry") == 0)
        /* The run is for the missed fire (Tue 25th 02:00). */
        g_assert_cmpint (json_object_get_int_member (run, "scheduled_for_us"), ==,
                         us (2026, 11, 25, 2, 0));
    }
  g_hash_table_unref (fake.fires);
}

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* Runs tala-hub with @args (NULL-terminated). */
static Run
hub (const char *first,
     ...)
{
  const char *hub_path = g_getenv ("TALA_HUB");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  Run r = { 0 };
  va_list ap;
  const char *arg;

  g_assert_nonnull (hub_path);
  g_ptr_array_add (argv, (char *) hub_path);
  g_ptr_array_add (argv, (char *) first);
  va_start (ap, first);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);
  r.out = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "",
                     g_bytes_get_size (out));
  r.err = g_strndup (g_bytes_get_size (err) ? g_bytes_get_data (err, NULL) : "",
                     g_bytes_get_size (err));
  return r;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    if (*p == '\n')
      n++;
  return n;
}

/* inc-expiry fails at 02:00: attempts at +0, +60, +120, +180 s, then none;
 * each is a job_run; the CLI lists and retries the failure. */
static void
test_retry (void)
{
  g_autofree char *path = db_path ("retry.db");
  g_autoptr(TalaHubScheduler) scheduler = NULL;
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = us (2026, 11, 25, 2, 0);
  Fake fake;
  Run r;

  fake_init (&fake, us (2026, 11, 25, 1, 30));
  fake.fail = "inc-expiry";
  scheduler = scheduler_new (path, &fake);
  for (fake.now = start; fake.now <= start + 10 * 60 * G_USEC_PER_SEC;
       fake.now += G_USEC_PER_SEC)
    tick (scheduler);
  g_assert_cmpuint (fires (&fake, "inc-expiry"), ==, 1 + TALA_HUB_JOB_RETRIES);
  for (guint i = 0; i <= TALA_HUB_JOB_RETRIES; i++)
    g_assert_cmpint (fire_at (&fake, "inc-expiry", i), ==, start + i * TALA_HUB_JOB_RETRY_US);
  g_clear_pointer (&scheduler, tala_hub_scheduler_free);

  ledger = tala_ledger_open (path, &error);
  g_assert_no_error (error);
  runs = tala_ledger_job_runs (ledger, TALA_JOB_RUNS_ALL, &error);
  g_assert_no_error (error);
  /* permit-sweep at 02:00 (ok) and the four inc-expiry attempts. */
  g_assert_cmpuint (json_array_get_length (runs), ==, 5);
  g_clear_pointer (&runs, json_array_unref);
  runs = tala_ledger_job_runs (ledger, TALA_JOB_RUNS_FAILED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (runs), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (runs, 0),
                                               "attempt"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (runs, 0),
                                               "scheduled_for_us"), ==, start);
  g_clear_pointer (&ledger, tala_ledger_free);

  r = hub ("jobs", "list", "--db", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (count_lines (r.out), ==, 5);
  g_assert_nonnull (strstr (r.out, "inc-expiry"));
  g_assert_nonnull (strstr (r.out, "2026-11-26T02:00:00"));
  run_clear (&r);

  r = hub ("jobs", "status", "--db", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (count_lines (r.out), ==, 2);
  g_assert_nonnull (strstr (r.out, "\"status\":\"failed\""));
  g_assert_nonnull (strstr (r.out, "\"status\":\"ok\""));
  run_clear (&r);

  r = hub ("jobs", "failed", "--db", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (count_lines (r.out), ==, 1);
  g_assert_nonnull (strstr (r.out, "injected failure"));
  run_clear (&r);

  r = hub ("jobs", "retry", "999", "--db", path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  r = hub ("jobs", "retry", "x", "--db", path, NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  r = hub ("jobs", "status", NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  /* The real job applies on the (empty) ledger: the failure is retried. */
  r = hub ("jobs", "retry", "all", "--db", path, NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (count_lines (r.out), ==, 1);
  g_assert_nonnull (strstr (r.out, "\"attempt\":5"));
  g_assert_nonnull (strstr (r.out, "\"status\":\"ok\""));
  run_clear (&r);

  r = hub ("jobs", "failed", "--db", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  run_clear (&r);
  g_hash_table_unref (fake.fires);
}

/* A retry that was pending when the hub stopped is still due after a
 * restart, at its time; a run the hub died in is failed and retried. */
static void
test_retry_after_restart (void)
{
  g_autofree char *path = db_path ("restart.db");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  TalaHubScheduler *scheduler;
  gint64 start = us (2026, 11, 25, 2, 0);
  gint64 archive_run;
  Fake fake;

  fake_init (&fake, us (2026, 11, 25, 1, 30));
  fake.fail = "inc-expiry";
  scheduler = scheduler_new (path, &fake);
  fake.now = start;
  tick (scheduler);
  g_assert_cmpuint (fires (&fake, "inc-expiry"), ==, 1);
  tala_hub_scheduler_free (scheduler);

  /* The hub also died in the middle of an archive run. */
  ledger = tala_ledger_open (path, &error);
  g_assert_no_error (error);
  tala_ledger_job_run_start (ledger, "archive", us (2026, 11, 1, 1, 0), start, 1, &archive_run,
                             &error);
  g_assert_no_error (error);
  g_clear_pointer (&ledger, tala_ledger_free);

  fake.fail = NULL;
  fake.now = start + 30 * G_USEC_PER_SEC;
  scheduler = scheduler_new (path, &fake);
  tick (scheduler);
  g_assert_cmpuint (fires (&fake, "inc-expiry"), ==, 1);
  g_assert_cmpuint (fires (&fake, "archive"), ==, 0);
  g_assert_cmpint (tala_hub_scheduler_next_wakeup (scheduler), ==, start + TALA_HUB_JOB_RETRY_US);
  fake.now = start + TALA_HUB_JOB_RETRY_US;
  tick (scheduler);
  g_assert_cmpuint (fires (&fake, "inc-expiry"), ==, 2);
  fake.now = start + 30 * G_USEC_PER_SEC + TALA_HUB_JOB_RETRY_US;
  tick (scheduler);
  g_assert_cmpuint (fires (&fake, "archive"), ==, 1);
  tala_hub_scheduler_free (scheduler);

  ledger = tala_ledger_open (path, &error);
  g_assert_no_error (error);
  runs = tala_ledger_job_runs (ledger, TALA_JOB_RUNS_ALL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      const char *name = json_object_get_string_member (run, "name");
      gint64 attempt = json_object_get_int_member (run, "attempt");

      if (json_object_get_int_member (run, "id") == archive_run)
        {
          g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "failed");
          g_assert_nonnull (strstr (json_object_get_string_member (run, "error"), "interrupted"));
        }
      else if (strcmp (name, "archive") == 0)
        {
          g_assert_cmpint (attempt, ==, 2);
          g_assert_cmpint (json_object_get_int_member (run, "scheduled_for_us"), ==,
                           us (2026, 11, 1, 1, 0));
          g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "ok");
        }
      else if (strcmp (name, "inc-expiry") == 0 && attempt == 2)
        {
          g_assert_cmpint (json_object_get_int_member (run, "scheduled_for_us"), ==, start);
          g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "ok");
        }
    }
  g_hash_table_unref (fake.fires);
}

/* Starts `tala-hub serve` on @db with @extra (or NULL); returns once it
 * listens. */
static GSubprocess *
serve (const char *db,
       const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autofree char *line = NULL;
  GSubprocess *proc;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                           &error, g_getenv ("TALA_HUB"), "serve", "--db", db, "--listen",
                           "127.0.0.1:0", extra, NULL);
  g_assert_no_error (error);
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "listening on port "));
  return proc;
}

static JsonArray *
all_runs (const char *path)
{
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *runs;

  ledger = tala_ledger_open (path, &error);
  g_assert_no_error (error);
  runs = tala_ledger_job_runs (ledger, TALA_JOB_RUNS_ALL, &error);
  g_assert_no_error (error);
  return runs;
}

/* `tala-hub serve` catches up a missed inc-expiry through its writer;
 * with --no-jobs it runs nothing. */
static void
test_serve (void)
{
  g_autofree char *path = db_path ("serve.db");
  const char * const *names = tala_hub_job_names ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *run = NULL;

  ledger = tala_ledger_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      tala_ledger_job_set_next_run (ledger, names[i],
                                    strcmp (names[i], "inc-expiry") == 0 ? 1 : G_MAXINT64,
                                    &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&ledger, tala_ledger_free);

  proc = serve (path, "--no-jobs");
  runs = all_runs (path);
  g_assert_cmpuint (json_array_get_length (runs), ==, 0);
  g_clear_pointer (&runs, json_array_unref);
  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&proc);

  proc = serve (path, NULL);
  for (guint i = 0; i < 200 && run == NULL; i++)
    {
      g_clear_pointer (&runs, json_array_unref);
      runs = all_runs (path);
      g_assert_cmpuint (json_array_get_length (runs), ==, 1);
      run = json_array_get_object_element (runs, 0);
      if (g_strcmp0 (json_object_get_string_member (run, "status"), "running") == 0)
        {
          run = NULL;
          g_usleep (50 * 1000);
        }
    }
  g_assert_nonnull (run);
  g_assert_cmpstr (json_object_get_string_member (run, "name"), ==, "inc-expiry");
  g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (run, "scheduled_for_us"), ==, 1);
  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hub/jobs/next-run", test_next_run);
  g_test_add_func ("/hub/jobs/fires-once", test_fires_once);
  g_test_add_func ("/hub/jobs/catch-up", test_catch_up);
  g_test_add_func ("/hub/jobs/retry", test_retry);
  g_test_add_func ("/hub/jobs/retry-after-restart", test_retry_after_restart);
  g_test_add_func ("/hub/jobs/serve", test_serve);

  return g_test_run ();
}
