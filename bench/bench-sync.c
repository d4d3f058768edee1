/* bench-sync.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync benchmark (DESIGN.md "Performance budgets"), against a hub in
 * this process (bench-common.c) over a generated college with its
 * payments topped up to --payments:
 *
 * 1. Bootstrap a new terminal: register, download the snapshot, install
 *    the replica (budget < 5 s for 20,000 students and 200,000 payments).
 * 2. Record --push payments offline on that terminal, then push them and
 *    store the hub's answers (budget < 3 s for 10,000), then the pull and
 *    rebase that follow in the same cycle.
 * 3. --pull payments taken at the hub, then one sync: pull and rebase.
 *
 * Each figure is printed next to the hub-side raw apply rate measured in
 * the same run: the same kind of payments applied straight into a copy of
 * the hub's ledger, 500 to a transaction, no HTTP.  Afterwards the replica
 * must equal the hub (tala_ledger_checksum); exit 1 when it does not or
 * the run fails, 2 on wrong usage; a missed speed budget is printed, not
 * failed.
 */

#define G_LOG_DOMAIN "bench-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>
#include <string.h>

#include "bench-common.h"
#include "tala-ledger-replica.h"
#include "tala-sync-engine.h"

#define PASSWORD        "bench-sync-pass"
#define CASHIER         "cashier"
#define BATCH           500
#define BUDGET_BOOT_S   5.0
#define BUDGET_PUSH_S   3.0
#define EXIT_USAGE      2

typedef struct
{
  int       students;
  int       payments;
  int       push;
  int       pull;
  gboolean  quick;
  char     *db;
  char     *dir;
} Options;

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static GPtrArray *
active_students (TalaLedger  *ledger,
                 GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = tala_ledger_get_handle (ledger);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT s.number FROM student s JOIN enrollment e"
                          " ON e.student_id = s.id WHERE s.status = 'ACTIVE' GROUP BY s.id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB, "%s", sqlite3_errmsg (db));
      return NULL;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (out->len == 0)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB,
                   "the college has no enrolled student");
      return NULL;
    }
  return g_steal_pointer (&out);
}

static gint64
payments_in (TalaLedger *ledger)
{
  sqlite3 *db = tala_ledger_get_handle (ledger);
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM txn WHERE type = 'PAYMENT'", -1, &stmt,
                          NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static JsonObject *
payment_op (GRand      *rand,
            GPtrArray  *students,
            gboolean    with_id)
{
  JsonObject *op = json_object_new ();
  JsonObject *args = json_object_new ();
  g_autofree char *amount = g_strdup_printf ("%d.%02d", g_rand_int_range (rand, 100, 5000),
                                             g_rand_int_range (rand, 0, 100));

  if (with_id)
    {
      g_autofree char *id = g_uuid_string_random ();

      json_object_set_string_member (op, "op_id", id);
      json_object_set_string_member (op, "actor", CASHIER);
    }
  json_object_set_string_member (op, "kind", "payment.record");
  json_object_set_string_member (args, "student",
                                 g_ptr_array_index (students, g_rand_int_range (
                                                      rand, 0, (gint32) students->len)));
  json_object_set_string_member (args, "amount", amount);
  json_object_set_string_member (args, "method", "CASH");
  json_object_set_object_member (op, "args", args);
  return op;
}

/* Applies @n payments straight into @ledger, BATCH to a transaction; the
 * ops/s. */
static double
apply_payments (TalaLedger  *ledger,
                GPtrArray   *students,
                GRand       *rand,
                guint        n,
                gboolean     quiet,
                GError     **error)
{
  gint64 start = g_get_monotonic_time ();

  for (guint done = 0; done < n;)
    {
      if (!tala_ledger_begin (ledger, error))
        return -1;
      for (guint i = 0; i < BATCH && done < n; i++, done++)
        {
          g_autoptr(JsonObject) op = payment_op (rand, students, TRUE);
          g_autoptr(JsonObject) result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED,
                                                            tala_now_us (), NULL, error);

          if (result == NULL)
            {
              tala_ledger_rollback (ledger);
              return -1;
            }
        }
      if (!tala_ledger_commit (ledger, error))
        return -1;
      if (!quiet && done % 20000 == 0)
        g_print ("  %u of %u\n", done, n);
    }
  return n / seconds_since (start);
}

/* The seeded college, its payments topped up to opts->payments, cached in
 * opts->db. */
static gboolean
prepare_base (Options  *opts,
              GError  **error)
{
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GPtrArray) students = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 have;

  if (!g_file_test (opts->db, G_FILE_TEST_EXISTS) &&
      !bench_seed_college (opts->db, (guint) opts->students, 1, error))
    return FALSE;
  ledger = tala_ledger_open (opts->db, error);
  if (ledger == NULL)
    return FALSE;
  students = active_students (ledger, error);
  if (students == NULL)
    return FALSE;
  have = payments_in (ledger);
  if (have < opts->payments)
    {
      g_print ("topping up payments: %" G_GINT64_FORMAT " to %d ...\n", have, opts->payments);
      if (apply_payments (ledger, students, rand, (guint) (opts->payments - have), FALSE,
                          error) < 0)
        return FALSE;
    }
  return tala_ledger_set_password (ledger, CASHIER, PASSWORD, NULL, tala_now_us (), error);
}

static gboolean
same_state (const char  *hub_db,
            TalaReplica *replica,
            GError     **error)
{
  g_autoptr(TalaLedger) hub = tala_ledger_open (hub_db, error);
  g_autofree char *a = hub ? tala_ledger_checksum (hub, error) : NULL;
  g_autofree char *b = a ? tala_ledger_checksum (tala_replica_get_ledger (replica), error)
                         : NULL;

  if (b == NULL)
    return FALSE;
  if (strcmp (a, b) != 0)
    {
      g_printerr ("bench-sync: the replica differs from the hub (%s / %s)\n", b, a);
      return FALSE;
    }
  return TRUE;
}

static const char *
verdict (double value,
         double budget)
{
  return value < budget ? "PASS" : "FAIL";
}

static int
run (Options  *opts,
     GError  **error)
{
  g_autofree char *hub_db = g_build_filename (opts->dir, "hub.db", NULL);
  g_autofree char *raw_db = g_build_filename (opts->dir, "raw.db", NULL);
  g_autofree char *replica_path = g_build_filename (opts->dir, "replica.db", NULL);
  g_autofree char *url = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  g_autoptr(GPtrArray) students = NULL;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(JsonObject) reg = NULL;
  g_autoptr(TalaReplica) replica = NULL;
  TalaSyncStats push_stats = { 0 }, pull_stats = { 0 };
  double raw_rate, boot_s, record_s, push_s;
  gint64 start;
  GStatBuf st;
  Hub *hub;
  gboolean same;

  if (!prepare_base (opts, error))
    return 1;
  {
    g_autoptr(TalaLedger) ledger = NULL;

    bench_remove_db (raw_db);
    if (!bench_copy_db (opts->db, raw_db, error) ||
        (ledger = tala_ledger_open (raw_db, error)) == NULL ||
        (students = active_students (ledger, error)) == NULL)
      return 1;
    tala_ledger_set_durable (ledger, TRUE, NULL);
    g_print ("hub ledger: %" G_GINT64_FORMAT " payments, %u enrolled students\n",
             payments_in (ledger), students->len);
    raw_rate = apply_payments (ledger, students, rand, (guint) opts->push, TRUE, error);
    if (raw_rate < 0)
      return 1;
  }
  bench_remove_db (raw_db);
  g_print ("raw apply rate (%d payments straight into the hub's ledger, %d to a transaction,"
           " synchronous=FULL): %.0f ops/s\n", opts->push, BATCH, raw_rate);

  bench_remove_db (hub_db);
  if (!bench_copy_db (opts->db, hub_db, error) || !bench_warm_file (hub_db, error))
    return 1;
  hub = bench_hub_start (hub_db, TRUE, error);
  if (hub == NULL)
    return 1;
  url = g_strdup_printf ("http://127.0.0.1:%u", hub->port);

  /* 1. Bootstrap. */
  bench_remove_db (replica_path);
  start = g_get_monotonic_time ();
  client = tala_sync_client_new (url, NULL);
  reg = tala_sync_register (client, CASHIER, PASSWORD, "B01", NULL, error);
  if (reg == NULL)
    goto fail;
  tala_sync_client_set_token (client, json_object_get_string_member (reg, "device_token"));
  if (!tala_sync_bootstrap (client, reg, replica_path, NULL, NULL, NULL, error) ||
      (replica = tala_replica_open (replica_path, error)) == NULL)
    goto fail;
  boot_s = seconds_since (start);
  g_stat (replica_path, &st);
  g_print ("bootstrap: %.2f s (register, snapshot, download, install; replica %.1f MB)\n",
           boot_s, st.st_size / 1e6);

  /* 2. Offline, then push. */
  start = g_get_monotonic_time ();
  for (int i = 0; i < opts->push; i++)
    {
      g_autoptr(JsonObject) op = payment_op (rand, students, FALSE);
      g_autoptr(JsonObject) result = tala_replica_record (replica, op, tala_now_us (), error);

      if (result == NULL)
        goto fail;
    }
  record_s = seconds_since (start);
  g_print ("recorded %d payments offline in %.2f s (%.0f ops/s on the terminal)\n", opts->push,
           record_s, opts->push / record_s);
  if (!tala_sync_once (replica, client, &push_stats, NULL, error))
    goto fail;
  push_s = push_stats.push_us / 1e6;
  g_print ("push: %u ops in %u requests, %u applied, acknowledged in %.2f s (%.0f ops/s = %.0f%%"
           " of the raw apply rate); then pull %u entries %.2f s, rebase %.2f s\n",
           push_stats.pushed, push_stats.pushes, push_stats.applied, push_s,
           push_stats.pushed / push_s, 100 * push_stats.pushed / push_s / raw_rate,
           push_stats.pulled, push_stats.pull_us / 1e6, push_stats.rebase_us / 1e6);

  /* 3. Changes made at the hub, pulled. */
  {
    g_autoptr(TalaLedger) ledger = tala_ledger_open (hub_db, error);

    if (ledger == NULL || apply_payments (ledger, students, rand, (guint) opts->pull, TRUE,
                                          error) < 0)
      goto fail;
  }
  if (!tala_sync_once (replica, client, &pull_stats, NULL, error))
    goto fail;
  g_print ("pull: %u entries in %u requests, %.2f s; rebase (replay) %.2f s; together %.0f"
           " entries/s = %.0f%% of the raw apply rate\n", pull_stats.pulled, pull_stats.pulls,
           pull_stats.pull_us / 1e6, pull_stats.rebase_us / 1e6,
           pull_stats.pulled / ((pull_stats.pull_us + pull_stats.rebase_us) / 1e6),
           100 * pull_stats.pulled / ((pull_stats.pull_us + pull_stats.rebase_us) / 1e6) /
           raw_rate);
  bench_hub_stop (hub);
  hub = NULL;

  same = same_state (hub_db, replica, error);
  g_print ("\nbudgets (DESIGN.md, 2 CPUs):\n"
           "  bootstrap %d students / %d payments: %.2f s (budget < %.0f s): %s\n"
           "  %d offline ops pushed and acknowledged: %.2f s (budget < %.0f s): %s\n"
           "correctness:\n"
           "  replica = hub after the syncs: %s\n",
           opts->students, opts->payments, boot_s, BUDGET_BOOT_S,
           verdict (boot_s, BUDGET_BOOT_S), opts->push, push_s, BUDGET_PUSH_S,
           verdict (push_s, BUDGET_PUSH_S), same ? "PASS" : "FAIL");
  return same ? 0 : 1;

fail:
  if (hub != NULL)
    bench_hub_stop (hub);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  Options opts = { .students = 20000, .payments = 200000, .push = 10000, .pull = 1000 };
  GOptionEntry entries[] = {
    { "students", 0, 0, G_OPTION_ARG_INT, &opts.students, "Students in the college (20000)",
      "N" },
    { "payments", 0, 0, G_OPTION_ARG_INT, &opts.payments,
      "Payments in the hub's ledger before the run (200000)", "N" },
    { "push", 0, 0, G_OPTION_ARG_INT, &opts.push, "Offline ops to push (10000)", "N" },
    { "pull", 0, 0, G_OPTION_ARG_INT, &opts.pull, "Hub changes to pull (1000)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opts.db,
      "The prepared hub ledger: made when missing, reused when present (it is only read)",
      "PATH" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &opts.dir,
      "Scratch directory (default: a new one under the temporary directory)", "DIR" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &opts.quick,
      "A small run (2,000 students, 20,000 payments, 1,000 pushed, 200 pulled)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the sync benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *made_dir = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-sync: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opts.quick)
    {
      opts.students = 2000;
      opts.payments = 20000;
      opts.push = opts.push == 10000 ? 1000 : opts.push;
      opts.pull = opts.pull == 1000 ? 200 : opts.pull;
    }
  if (opts.students < 10 || opts.payments < 0 || opts.push < 1 || opts.pull < 1)
    {
      g_printerr ("bench-sync: the counts must be positive (students at least 10)\n");
      return EXIT_USAGE;
    }
  if (opts.dir == NULL)
    {
      made_dir = g_dir_make_tmp ("bench-sync-XXXXXX", &error);
      if (made_dir == NULL)
        {
          g_printerr ("bench-sync: %s\n", error->message);
          return 1;
        }
      opts.dir = g_strdup (made_dir);
    }
  if (opts.db == NULL)
    opts.db = g_strdup_printf ("%s/college-%d-%d.db", opts.dir, opts.students, opts.payments);
  g_print ("bench-sync: %d students, %d payments at the hub, push %d, pull %d (scratch %s)\n",
           opts.students, opts.payments, opts.push, opts.pull, opts.dir);
  status = run (&opts, &error);
  if (error != NULL)
    g_printerr ("bench-sync: %s\n", error->message);
  g_free (opts.db);
  g_free (opts.dir);
  return status;
}
