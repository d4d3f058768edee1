/* bench-jobs.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The jobs benchmark of issue 3: job.inc_expiry over a generated college
 * with at least 100,000 grade rows (the seed generator of `tala-hub seed
 * --students`, hub-seed-college.c), timed as the scheduler runs it (one
 * op on the jobs channel, its own transaction, synchronous=FULL), then a
 * second run on the same day, which must change nothing.  Budget: the
 * first run under 1 s.  The job runs 257 days after the college's as-of
 * day, when last year's SECOND-term INC grades are 340 clock days old: the
 * MAJOR ones expire and the MINOR and ELECTIVE ones get their warning (a
 * backlog, as if the job had not run for months).
 *
 * Seeding is not timed (it prints its own time).  `--seed-file PATH` keeps
 * the seeded ledger at PATH and reuses it on later runs; every run works
 * on a fresh copy of it, so the first run always has the same work.  The
 * copy is read through once before the run (a running hub's database sits
 * in the page cache); `--cold` skips that and measures the disk too.
 *
 * A benchmark, not a test: exit status 0 whatever the verdict, 1 when
 * something failed, 2 on wrong usage.
 */

#define G_LOG_DOMAIN "bench-jobs"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <locale.h>
#include <sqlite3.h>
#include <string.h>

#include "hub-seed.h"
#include "tala-ledger.h"

#define AS_OF        "2025-08-18"   /* the seeded college's as-of day */
#define RUN_AFTER    257            /* the job runs this many days later */
#define BUDGET_S     1.0
#define MIN_GRADES   100000

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Seeds @path (a new file) with @students students. */
static gboolean
seed (const char *path,
      guint       students,
      guint64     seed_value,
      GError    **error)
{
  g_autoptr(TalaLedger) ledger = tala_ledger_open (path, error);
  g_autoptr(GTimer) timer = g_timer_new ();
  TalaCollegeOptions options = { .students = students, .seed = seed_value };
  TalaSeedStats stats;

  if (ledger == NULL)
    return FALSE;
  g_strlcpy (options.as_of, AS_OF, sizeof options.as_of);
  if (!tala_hub_seed_college (ledger, &options, &stats, error))
    return FALSE;
  g_print ("seeded %u students in %.1f s: %" G_GINT64_FORMAT " ops, %" G_GINT64_FORMAT
           " subject enrollments, %" G_GINT64_FORMAT " grades\n", students,
           g_timer_elapsed (timer, NULL), stats.ops, stats.takes, stats.grades);
  return TRUE;
}

/* One job.inc_expiry on the jobs channel at @now; returns the seconds. */
static double
run_expiry (TalaLedger *ledger,
            gint64      now,
            gint64     *expired,
            gint64     *warned,
            GError    **error)
{
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *op_id = g_uuid_string_random ();
  JsonObject *inner;
  double seconds;

  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", "job.inc_expiry");
  json_object_set_null_member (op, "actor");
  json_object_set_object_member (op, "args", json_object_new ());
  timer = g_timer_new ();
  result = tala_ledger_apply (ledger, op, TALA_CHANNEL_JOBS, now, NULL, error);
  seconds = g_timer_elapsed (timer, NULL);
  if (result == NULL)
    return -1;
  if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "the job was not applied");
      return -1;
    }
  inner = json_object_get_object_member (result, "result");
  *expired = json_array_get_length (json_object_get_array_member (inner, "expired"));
  *warned = json_array_get_length (json_object_get_array_member (inner, "warned"));
  return seconds;
}

/* Reads @path through once, as a hub's database sits in the page cache. */
static gboolean
warm_file (const char *path,
           GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  g_autofree char *buffer = g_malloc (1 << 20);
  gssize n;

  if (in == NULL)
    return FALSE;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 20, NULL, error)) > 0)
    ;
  return n == 0;
}

/* Copies the seeded ledger and flushes the copy to the disk, so that the
 * job's commit (its checkpoint syncs the main file) does not pay for
 * writing back the copy. */
static gboolean
copy_file (const char *from,
           const char *to,
           GError    **error)
{
  g_autoptr(GFile) src = g_file_new_for_path (from);
  g_autoptr(GFile) dst = g_file_new_for_path (to);
  int fd;
  gboolean synced;

  if (!g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return FALSE;
  fd = g_open (to, O_RDWR, 0);
  synced = fd >= 0 && g_fsync (fd) == 0;
  if (fd >= 0)
    g_close (fd, NULL);
  if (!synced)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot flush %s", to);
  return synced;
}

static gboolean
bench (const char *seed_file,
       const char *scratch,
       guint       students,
       guint64     seed_value,
       gboolean    cold,
       GError    **error)
{
  g_autoptr(TalaLedger) ledger = NULL;
  gint64 grades, inc, expired = 0, warned = 0, expired2 = 0, warned2 = 0, days;
  g_autoptr(GDate) date = g_date_new ();
  double first, second;

  if (!g_file_test (seed_file, G_FILE_TEST_EXISTS) &&
      !seed (seed_file, students, seed_value, error))
    return FALSE;
  grades = count_rows (seed_file, "SELECT count(*) FROM take WHERE grade IS NOT NULL");
  inc = count_rows (seed_file, "SELECT count(*) FROM take WHERE status = 'INC'");
  if (grades < MIN_GRADES)
    g_printerr ("bench-jobs: only %" G_GINT64_FORMAT " grade rows; use more --students\n", grades);
  if (!copy_file (seed_file, scratch, error) || (!cold && !warm_file (scratch, error)))
    return FALSE;
  ledger = tala_ledger_open (scratch, error);
  if (ledger == NULL || !tala_ledger_set_durable (ledger, TRUE, error))
    return FALSE;
  /* The day RUN_AFTER days after the as-of day, 02:00 +08:00. */
  g_date_set_parse (date, AS_OF);
  g_date_add_days (date, RUN_AFTER - 1);
  days = (gint64) g_date_get_julian (date) - 719163;
  first = run_expiry (ledger, (days * 86400 + 18 * 3600) * G_GINT64_CONSTANT (1000000),
                      &expired, &warned, error);
  if (first < 0)
    return FALSE;
  second = run_expiry (ledger, (days * 86400 + 18 * 3600) * G_GINT64_CONSTANT (1000000),
                       &expired2, &warned2, error);
  if (second < 0)
    return FALSE;
  g_print ("first run: %" G_GINT64_FORMAT " INC takes, %" G_GINT64_FORMAT " expired, %"
           G_GINT64_FORMAT " warned; second run: %" G_GINT64_FORMAT " expired, %" G_GINT64_FORMAT
           " warned\n", inc, expired, warned, expired2, warned2);
  g_print ("inc-expiry: %" G_GINT64_FORMAT " grade rows, first run %.2f s, second run %.2f s"
           " (budget %.0f s%s): %s\n", grades, first, second, BUDGET_S,
           cold ? ", cold page cache" : "",
           first < BUDGET_S ? "WITHIN BUDGET" : "OVER BUDGET");
  return TRUE;
}

/* Removes a database file with its WAL and shared-memory files. */
static void
remove_db (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *seed_file = NULL;
  int students = 30000;
  gboolean cold = FALSE;
  gint64 seed_value = 1;
  GOptionEntry entries[] = {
    { "students", 0, 0, G_OPTION_ARG_INT, &students,
      "Students of the generated college (default 30000: about 100,000 grade rows)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed_value, "The generator's seed (default 1)", "S" },
    { "seed-file", 0, 0, G_OPTION_ARG_FILENAME, &seed_file,
      "Keep the seeded ledger here and reuse it when it exists", "PATH" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Scratch directory (default: a new temporary one)",
      "DIR" },
    { "cold", 0, 0, G_OPTION_ARG_NONE, &cold,
      "Do not read the database through first (default: warm, as a running hub's)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— time job.inc_expiry");
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch = NULL;
  gboolean own_dir = FALSE, own_seed = FALSE, ok;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || students < 1)
    {
      g_printerr ("bench-jobs: %s\n", error ? error->message : "--students must be at least 1");
      return 2;
    }
  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("bench-jobs-XXXXXX", &error);
      if (dir == NULL)
        {
          g_printerr ("bench-jobs: %s\n", error->message);
          return 1;
        }
      own_dir = TRUE;
    }
  if (seed_file == NULL)
    {
      seed_file = g_build_filename (dir, "college.db", NULL);
      own_seed = TRUE;
    }
  scratch = g_build_filename (dir, "run.db", NULL);
  ok = bench (seed_file, scratch, students, seed_value, cold, &error);
  remove_db (scratch);
  if (own_seed)
    remove_db (seed_file);
  if (own_dir)
    g_rmdir (dir);
  if (!ok)
    {
      g_printerr ("bench-jobs: %s\n", error->message);
      return 1;
    }
  return 0;
}
