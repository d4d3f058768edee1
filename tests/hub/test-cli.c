/* test-cli.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tala-hub's admin commands as a black box: exit codes (0 success, 1 failure
 * or failed check, 2 wrong usage), one result line per op line, and checks
 * that really fail on a damaged ledger.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "test-util.h"

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

/* Runs tala-hub with @args (NULL-terminated), feeding @input when given. */
static Run
hub (const char *input,
     ...)
{
  const char *hub_path = g_getenv ("TALA_HUB");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) in = input ? g_bytes_new (input, strlen (input)) : NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  Run r = { 0 };
  va_list ap;
  const char *arg;

  g_assert_nonnull (hub_path);
  g_ptr_array_add (argv, (char *) hub_path);
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            (in ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0) |
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, in, NULL, &out, &err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);
  r.out = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  r.err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
  return r;
}

static char *
db_path (const char *name)
{
  return g_build_filename (g_get_user_runtime_dir (), name, NULL);
}

static void
test_usage (void)
{
  Run a = hub (NULL, NULL);
  Run b = hub (NULL, "--help", NULL);
  Run c = hub (NULL, "frobnicate", NULL);
  Run d = hub (NULL, "init", NULL);
  Run e = hub (NULL, "apply", "--db", "x.db", NULL);
  Run f = hub (NULL, "check", "--bogus", NULL);
  Run g = hub (NULL, "audit", "--db", "x.db", NULL);

  g_assert_cmpint (a.status, ==, 2);
  g_assert_nonnull (strstr (a.out, "Usage: tala-hub COMMAND"));
  g_assert_cmpint (b.status, ==, 0);
  g_assert_nonnull (strstr (b.out, "apply"));
  g_assert_cmpint (c.status, ==, 2);
  g_assert_nonnull (strstr (c.err, "unknown command"));
  g_assert_cmpint (d.status, ==, 2);
  g_assert_nonnull (strstr (d.err, "--db PATH is required"));
  g_assert_cmpint (e.status, ==, 2);
  g_assert_cmpint (f.status, ==, 2);
  g_assert_cmpint (g.status, ==, 2);
  run_clear (&a); run_clear (&b); run_clear (&c); run_clear (&d);
  run_clear (&e); run_clear (&f); run_clear (&g);
}

static void
test_failures (void)
{
  g_autofree char *db = db_path ("fail.db");
  g_autofree char *junk = db_path ("junk.db");
  Run a = hub (NULL, "init", "--db", "/nonexistent-dir/x.db", NULL);
  Run b = hub (NULL, "apply", "--db", db, "/nonexistent-dir/ops.jsonl", NULL);
  Run c;

  g_assert_cmpint (a.status, ==, 1);
  g_assert_nonnull (strstr (a.err, "tala-hub:"));
  g_assert_cmpint (b.status, ==, 1);
  g_assert_true (g_file_set_contents (junk, "this is not a database, just text........"
                                      "................................................", -1,
                                      NULL));
  c = hub (NULL, "check", "--db", junk, NULL);
  g_assert_cmpint (c.status, ==, 1);
  run_clear (&a); run_clear (&b); run_clear (&c);
}

static char *
fixture_text (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "fixture-f0.jsonl", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_apply_and_check (void)
{
  g_autofree char *db = db_path ("apply.db");
  g_autofree char *f0 = fixture_text ();
  g_autofree char *input = g_strconcat (f0, "\n\n   \nnot json\n[1,2]\n"
                                        "{\"op_id\":\"00000000-0000-4000-8000-000000000101\","
                                        "\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                                        "\"args\":{\"student\":\"2025-00001\","
                                        "\"amount\":\"15000.00\",\"method\":\"CASH\"}}\n", NULL);
  g_auto(GStrv) lines = NULL;
  Run init = hub (NULL, "init", "--db", db, NULL);
  Run apply = hub (input, "apply", "--db", db, "-", NULL);
  Run check, rebuild, summary, account;

  g_assert_cmpint (init.status, ==, 0);
  g_assert_cmpint (apply.status, ==, 0);
  lines = g_strsplit (g_strchomp (apply.out), "\n", -1);
  /* 18 fixture ops, two bad lines, one payment; blank lines give nothing. */
  g_assert_cmpuint (g_strv_length (lines), ==, 21);
  g_assert_nonnull (strstr (lines[18], "\"invalid_envelope\""));
  g_assert_nonnull (strstr (lines[19], "\"invalid_envelope\""));
  g_assert_true (g_str_has_prefix (lines[20], "{\"applied_at\":\"2025-06-02T01:00:00Z\","
                                              "\"hub_seq\":19,"));

  check = hub (NULL, "check", "--db", db, NULL);
  g_assert_cmpint (check.status, ==, 0);
  g_assert_nonnull (strstr (check.out, "check: OK"));
  rebuild = hub (NULL, "check", "--rebuild", "--db", db, NULL);
  g_assert_cmpint (rebuild.status, ==, 0);
  g_assert_nonnull (strstr (rebuild.out, "tables identical"));
  summary = hub (NULL, "summary", "--db", db, NULL);
  g_assert_cmpint (summary.status, ==, 0);
  g_assert_nonnull (strstr (summary.out, "\"received\" : \"15000.00\""));
  account = hub (NULL, "account", "--db", db, "2025-00001", NULL);
  g_assert_cmpint (account.status, ==, 0);
  g_assert_nonnull (strstr (account.out, "\"balance\" : \"45000.00\""));
  run_clear (&init); run_clear (&apply); run_clear (&check); run_clear (&rebuild);
  run_clear (&summary); run_clear (&account);
}

/* A money row changed behind the ledger's back: check fails, and so does
 * the rebuild comparison. */
static void
test_check_detects_damage (void)
{
  g_autofree char *db = db_path ("damage.db");
  g_autofree char *f0 = fixture_text ();
  g_autofree char *input = g_strconcat (f0, "{\"op_id\":\"00000000-0000-4000-8000-000000000101\","
                                        "\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                                        "\"args\":{\"student\":\"2025-00001\","
                                        "\"amount\":\"15000.00\",\"method\":\"CASH\"}}\n", NULL);
  sqlite3 *raw = NULL;
  Run apply = hub (input, "apply", "--db", db, "-", NULL);
  Run check, rebuild;

  g_assert_cmpint (apply.status, ==, 0);
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "UPDATE bucket SET paid_total = 9000 WHERE month = 2",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  check = hub (NULL, "check", "--db", db, NULL);
  g_assert_cmpint (check.status, ==, 1);
  g_assert_nonnull (strstr (check.out, "bucket paid_total = Σ its allocations"));
  rebuild = hub (NULL, "check", "--rebuild", "--db", db, NULL);
  g_assert_cmpint (rebuild.status, ==, 1);
  g_assert_nonnull (strstr (rebuild.out, "rebuild: table bucket differs"));
  run_clear (&apply); run_clear (&check); run_clear (&rebuild);
}

/* Payments keep arriving on another connection while the backup runs. */
typedef struct
{
  const char *path;
  gint        stop;
  guint       applied;
} Writer;

static gpointer
writer_cb (gpointer data)
{
  Writer *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = tala_ledger_open (w->path, &error);

  g_assert_no_error (error);
  while (!g_atomic_int_get (&w->stop) && w->applied < 5000)
    {
      g_autofree char *json = g_strdup_printf ("{\"op_id\":\"00000000-0000-4000-8000-%012u\","
                                               "\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                                               "\"args\":{\"student\":\"2025-00001\","
                                               "\"amount\":\"1.00\",\"method\":\"CASH\"}}",
                                               700000 + w->applied);
      g_autoptr(JsonObject) op = test_parse_object (json);
      g_autoptr(JsonObject) result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED,
                                                        tala_now_us (), NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
      w->applied++;
    }
  return NULL;
}

/* An online backup is consistent while writes go on, verifies, and works as
 * a ledger once restored; it never overwrites a file. */
static void
test_backup_restore (void)
{
  g_autofree char *db = db_path ("live.db");
  g_autofree char *copy = db_path ("copy.db");
  g_autofree char *f0 = fixture_text ();
  Writer w = { db, 0, 0 };
  GThread *thread;
  Run apply = hub (f0, "apply", "--db", db, "-", NULL);
  Run backup, again, check, more;

  g_assert_cmpint (apply.status, ==, 0);
  thread = g_thread_new ("writer", writer_cb, &w);
  while (g_atomic_int_get ((gint *) &w.applied) < 50)
    g_usleep (1000);
  backup = hub (NULL, "backup", "--db", db, copy, NULL);
  g_atomic_int_set (&w.stop, 1);
  g_thread_join (thread);
  g_assert_cmpint (backup.status, ==, 0);
  g_assert_nonnull (strstr (backup.out, "chains intact"));

  /* The copy is a consistent ledger: checks and the replay agree. */
  check = hub (NULL, "check", "--rebuild", "--db", copy, NULL);
  g_assert_cmpint (check.status, ==, 0);
  /* Restored, it takes new ops. */
  more = hub ("{\"op_id\":\"00000000-0000-4000-8000-000000000999\",\"kind\":\"payment.record\","
              "\"actor\":\"cashier1\",\"args\":{\"student\":\"2025-00001\","
              "\"amount\":\"2.00\",\"method\":\"CASH\"}}\n", "apply", "--db", copy, "-", NULL);
  g_assert_cmpint (more.status, ==, 0);
  g_assert_nonnull (strstr (more.out, "\"status\":\"applied\""));
  /* Never over an existing file. */
  again = hub (NULL, "backup", "--db", db, copy, NULL);
  g_assert_cmpint (again.status, ==, 1);
  g_assert_nonnull (strstr (again.err, "exists"));
  run_clear (&apply); run_clear (&backup); run_clear (&again); run_clear (&check);
  run_clear (&more);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hub/cli/usage", test_usage);
  g_test_add_func ("/hub/cli/failures", test_failures);
  g_test_add_func ("/hub/cli/apply-and-check", test_apply_and_check);
  g_test_add_func ("/hub/cli/check-detects-damage", test_check_detects_damage);
  g_test_add_func ("/hub/cli/backup-restore", test_backup_restore);
  return g_test_run ();
}
