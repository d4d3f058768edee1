/* test-recovery.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal recovery drills of docs/operations.md, against a real hub
 * (`tala-hub serve` on 127.0.0.1, a free port) through the `tala-sync`
 * command line as an operator would type it: a terminal whose replica file
 * and credentials were deleted registers again and bootstraps, and its
 * receipt series resumes after the last number the hub has, with nothing
 * doubled at the hub; a replica lost with ops the hub never saw is replaced
 * under a new terminal code, so that no printed number is issued twice; and
 * a hub restored from an older backup than a terminal has synced.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "tala-ledger-replica.h"
#include "tala-sync-replica.h"
#include "test-hub.h"

typedef struct
{
  char        *dir;
  char        *db;
  GSubprocess *hub;
  guint16      port;
  char        *url;
} Recovery;

static void
recovery_setup (Recovery      *fx,
                gconstpointer  data)
{
  LedgerFixture seed = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sem = NULL;

  ledger_fixture_setup (&seed, NULL);
  test_load_f0 (&seed);
  /* The F0 semester ends in 2025: stretch it so that today's payments
   * belong to it. */
  sem = test_apply_ok (&seed, "catalog.semester.put", "admin",
                       "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                       "\"end_date\":\"2099-12-31\",\"enrollment_start\":\"2025-05-26\","
                       "\"enrollment_end\":\"2099-12-31\",\"is_active\":true}");
  tala_ledger_set_password (seed.ledger, "cashier1", "cashier-pass", NULL, seed.now, &error);
  g_assert_no_error (error);
  fx->db = g_steal_pointer (&seed.path);
  g_clear_pointer (&seed.ledger, tala_ledger_free);
  fx->dir = g_path_get_dirname (fx->db);
  fx->port = 0;
  fx->hub = hub_spawn (fx->db, &fx->port, NULL);
  fx->url = g_strdup_printf ("http://127.0.0.1:%u", fx->port);
}

static void
recovery_teardown (Recovery      *fx,
                   gconstpointer  data)
{
  if (fx->hub != NULL)
    hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_free (fx->db);
  g_free (fx->dir);
  g_free (fx->url);
}

/* Runs @program (TALA_SYNC or TALA_HUB) with @args, @input on its standard
 * input; returns the exit status, @out gets standard output. */
static int
run (const char         *program,
     const char         *input,
     char              **out,
     const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ignored = NULL;

  g_assert_nonnull (g_getenv (program));
  g_ptr_array_add (argv, (char *) g_getenv (program));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, out ? out : &ignored, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s %s → %d: %s", program, args[0], g_subprocess_get_exit_status (proc), err);
  return g_subprocess_get_exit_status (proc);
}

#define SYNC(input, out, ...) run ("TALA_SYNC", input, out, (const char *[]) { __VA_ARGS__, NULL })
#define HUB(out, ...) run ("TALA_HUB", NULL, out, (const char *[]) { __VA_ARGS__, NULL })

static gint64
hub_scalar (Recovery   *fx,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (fx->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

#define PAY(amount) \
  "{\"kind\":\"payment.record\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"" amount "\"," \
  "\"method\":\"CASH\"}}\n"

/* register + bootstrap as the runbook says; asserts both succeed. */
static void
enrol_terminal (Recovery   *fx,
                const char *replica,
                const char *code)
{
  g_assert_cmpint (SYNC ("cashier-pass\n", NULL, "register", "--hub", fx->url, "--user",
                         "cashier1", "--terminal", code, "--replica", replica), ==, 0);
  g_assert_cmpint (SYNC (NULL, NULL, "bootstrap", "--replica", replica), ==, 0);
}

/* Records the ops of @ops_text; returns standard output. */
static char *
record (Recovery   *fx,
        const char *replica,
        const char *ops_text)
{
  g_autofree char *ops = g_build_filename (fx->dir, "ops.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_file_set_contents (ops, ops_text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (SYNC (NULL, &out, "record", ops, "--replica", replica), ==, 0);
  return out;
}

static JsonObject *
status (const char *replica)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (SYNC (NULL, &out, "status", "--replica", replica), ==, 0);
  return test_parse_object (out);
}

/* What an operator deletes: the replica, its WAL files and credentials. */
static void
delete_replica (const char *replica)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", ".credentials" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (replica, suffixes[i], NULL);

      g_unlink (file);
      g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
    }
}

static char *
saved_token (const char *replica)
{
  g_autofree char *creds = g_strconcat (replica, ".credentials", NULL);
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  char *token;

  g_key_file_load_from_file (keys, creds, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  token = g_key_file_get_string (keys, "hub", "token", &error);
  g_assert_no_error (error);
  return token;
}

/* The HTTP status of a pull with @token. */
static guint
pull_status (Recovery   *fx,
             const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL,
                                                                  NULL);
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/sync/pull?after=0&limit=1", fx->url);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autofree char *auth = g_strdup_printf ("Token %s", token);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

/* The replica's replicated tables are the hub's. */
static void
assert_replica_is_hub (Recovery   *fx,
                       const char *replica)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) hub = tala_ledger_open (fx->db, &error);
  g_autoptr(TalaReplica) local = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_no_error (error);
  a = tala_ledger_checksum (hub, &error);
  g_assert_no_error (error);
  local = tala_replica_open (replica, &error);
  g_assert_no_error (error);
  b = tala_ledger_checksum (tala_replica_get_ledger (local), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, b);
}

/* Runbook "A terminal's replica was deleted": everything it recorded had
 * reached the hub.  Register again under the same code, bootstrap, and the
 * series resumes at C01-000004. */
static void
test_replica_deleted (Recovery      *fx,
                      gconstpointer  data)
{
  g_autofree char *replica = g_build_filename (fx->dir, "c01.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *old_token = NULL;
  g_autofree char *new_token = NULL;
  g_autoptr(JsonObject) st = NULL;

  enrol_terminal (fx, replica, "C01");
  out = record (fx, replica, PAY ("100.00") PAY ("200.00") PAY ("300.00"));
  g_assert_nonnull (strstr (out, "C01-000001"));
  g_assert_nonnull (strstr (out, "C01-000002"));
  g_assert_nonnull (strstr (out, "C01-000003"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (SYNC (NULL, NULL, "sync", "--once", "--replica", replica), ==, 0);
  st = status (replica);
  g_assert_cmpint (json_object_get_int_member (st, "pending"), ==, 0);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C01'"), ==, 3);
  old_token = saved_token (replica);
  g_assert_cmpuint (pull_status (fx, old_token), ==, 200);

  /* The file is gone, and so are the credentials. */
  delete_replica (replica);
  g_assert_cmpint (SYNC (NULL, NULL, "status", "--replica", replica), ==, 1);
  g_assert_cmpint (SYNC (NULL, NULL, "sync", "--once", "--replica", replica), ==, 1);

  /* Recovery: register the same code again, bootstrap. */
  enrol_terminal (fx, replica, "C01");
  new_token = saved_token (replica);
  g_assert_cmpstr (new_token, !=, old_token);
  /* Registering again revoked the lost replica's token. */
  g_assert_cmpuint (pull_status (fx, old_token), ==, 401);
  g_assert_cmpuint (pull_status (fx, new_token), ==, 200);
  g_clear_pointer (&st, json_object_unref);
  st = status (replica);
  g_assert_cmpint (json_object_get_int_member (st, "pending"), ==, 0);
  assert_replica_is_hub (fx, replica);

  out = record (fx, replica, PAY ("400.00"));
  g_assert_nonnull (strstr (out, "C01-000004"));
  g_assert_null (strstr (out, "C01-000001"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (SYNC (NULL, NULL, "sync", "--once", "--replica", replica), ==, 0);

  /* Nothing doubled at the hub: four payments, four numbers, 1,000.00. */
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C01'"), ==, 4);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(DISTINCT receipt_no) FROM txn"
                                   " WHERE receipt_no LIKE 'C01-%'"), ==, 4);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C01-000004'"),
                   ==, 1);
  g_assert_cmpint (hub_scalar (fx, "SELECT sum(amount) FROM txn WHERE device = 'C01'"), ==,
                   100000);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM device WHERE code = 'C01'"), ==, 1);
  assert_replica_is_hub (fx, replica);

  /* The hub's ledger is whole. */
  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_assert_cmpint (HUB (&out, "check", "--rebuild", "--db", fx->db), ==, 0);
  g_assert_nonnull (strstr (out, "check: OK"));
}

/* Runbook, second case: the replica is lost with ops the hub never saw
 * (`tala-sync status` showed pending > 0, or cannot be run).  Their paper
 * receipts carry numbers the hub cannot know, so the terminal comes back
 * under a new code: its series starts afresh and no printed number is
 * issued twice; the lost payments are entered again from the paper
 * receipts. */
static void
test_replica_lost_with_pending (Recovery      *fx,
                                gconstpointer  data)
{
  g_autofree char *replica = g_build_filename (fx->dir, "c02.db", NULL);
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) st = NULL;

  enrol_terminal (fx, replica, "C02");
  out = record (fx, replica, PAY ("100.00"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (SYNC (NULL, NULL, "sync", "--once", "--replica", replica), ==, 0);
  out = record (fx, replica, PAY ("250.00"));
  g_assert_nonnull (strstr (out, "C02-000002"));
  g_clear_pointer (&out, g_free);
  st = status (replica);
  g_assert_cmpint (json_object_get_int_member (st, "pending"), ==, 1);
  delete_replica (replica);

  /* A new code for the same desk. */
  enrol_terminal (fx, replica, "C12");
  out = record (fx, replica, PAY ("250.00"));
  g_assert_nonnull (strstr (out, "C12-000001"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (SYNC (NULL, NULL, "sync", "--once", "--replica", replica), ==, 0);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C02-000002'"),
                   ==, 0);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C02-000001'"),
                   ==, 1);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C12-000001'"),
                   ==, 1);
  g_assert_cmpint (hub_scalar (fx, "SELECT sum(amount) FROM txn"), ==, 35000);
  assert_replica_is_hub (fx, replica);
}

/* The hub's ledger was restored from a backup older than what a terminal
 * has synced: the terminal's cursor is past the hub's journal, and the
 * hub's next entries reuse hub_seq numbers the terminal already holds.
 * The terminal must not go on as if nothing happened; the runbook brings
 * it back under a new code. */
static void
test_hub_restored_older (Recovery      *fx,
                         gconstpointer  data)
{
  g_autofree char *replica = g_build_filename (fx->dir, "c03.db", NULL);
  g_autofree char *backup = g_strconcat (fx->db, ".bak", NULL);
  g_autofree char *out = NULL;
  g_autofree char *hub_sum = NULL;
  g_autofree char *local_sum = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) st = NULL;
  int rc;

  enrol_terminal (fx, replica, "C03");
  out = record (fx, replica, PAY ("100.00"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (SYNC (NULL, NULL, "sync", "--once", "--replica", replica), ==, 0);

  /* The backup: a copy of the cleanly stopped hub's ledger. */
  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  {
    g_autoptr(GFile) from = g_file_new_for_path (fx->db);
    g_autoptr(GFile) to = g_file_new_for_path (backup);

    g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  fx->hub = hub_spawn (fx->db, &fx->port, NULL);
  out = record (fx, replica, PAY ("200.00") PAY ("300.00"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (SYNC (NULL, NULL, "sync", "--once", "--replica", replica), ==, 0);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C03'"), ==, 3);

  /* The hub is restored from the backup, and takes a payment at its desk. */
  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_assert_cmpint (g_rename (backup, fx->db), ==, 0);
  fx->hub = hub_spawn (fx->db, &fx->port, NULL);
  {
    g_autoptr(TalaLedger) hub = tala_ledger_open (fx->db, &error);
    g_autoptr(JsonObject) op = test_parse_object (
      "{\"op_id\":\"00000000-0000-4000-8000-00000000beef\",\"kind\":\"payment.record\","
      "\"actor\":\"cashier1\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"50.00\","
      "\"method\":\"CASH\"}}");
    g_autoptr(JsonObject) result = NULL;

    g_assert_no_error (error);
    result = tala_ledger_apply (hub, op, TALA_CHANNEL_REST, tala_now_us (), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  }
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C03'"), ==, 1);

  rc = SYNC (NULL, NULL, "sync", "--once", "--replica", replica);
  {
    g_autoptr(TalaLedger) hub = tala_ledger_open (fx->db, &error);
    g_autoptr(TalaReplica) local = NULL;

    g_assert_no_error (error);
    hub_sum = tala_ledger_checksum (hub, &error);
    g_assert_no_error (error);
    local = tala_replica_open (replica, &error);
    g_assert_no_error (error);
    local_sum = tala_ledger_checksum (tala_replica_get_ledger (local), &error);
    g_assert_no_error (error);
  }
  g_test_message ("sync after the hub was restored from an older backup: exit %d, replica %s "
                  "the hub", rc, g_strcmp0 (hub_sum, local_sum) == 0 ? "equals" : "differs from");
  /* The terminal is told, and nothing is taken for the hub's. */
  g_assert_cmpint (rc, ==, 1);

  /* The runbook: a new code, a fresh replica. */
  delete_replica (replica);
  enrol_terminal (fx, replica, "C13");
  assert_replica_is_hub (fx, replica);
  out = record (fx, replica, PAY ("200.00"));
  g_assert_nonnull (strstr (out, "C13-000001"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (SYNC (NULL, NULL, "sync", "--once", "--replica", replica), ==, 0);
  st = status (replica);
  g_assert_cmpint (json_object_get_int_member (st, "pending"), ==, 0);
  assert_replica_is_hub (fx, replica);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/recovery/" path, Recovery, NULL, recovery_setup, func, recovery_teardown)
  ADD ("replica-deleted", test_replica_deleted);
  ADD ("replica-lost-with-pending", test_replica_lost_with_pending);
  ADD ("hub-restored-older", test_hub_restored_older);
#undef ADD

  return g_test_run ();
}
