/* test-sync.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Terminals against a real hub (`tala-hub serve` on 127.0.0.1, a free
 * port) over fixture F0: register and bootstrap, ops recorded offline and
 * synced, a rejection landing in the needs-attention list with its
 * provisional effect gone, two terminals paying one student offline, a
 * student registered offline, numbers after a replica restore, and the
 * rebase invariant (replica = hub) after every sync.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "tala-ledger-replica.h"
#include "sync-proxy.h"
#include "tala-sync-engine.h"
#include "test-hub.h"

typedef struct
{
  char        *dir;
  char        *db;
  GSubprocess *hub;
  guint16      port;
  char        *url;
} SyncFixture;

static void
sync_setup (SyncFixture   *fx,
            gconstpointer  data)
{
  LedgerFixture seed = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sem = NULL;
  static const char *const users[][2] = {
    { "cashier1", "cashier-pass" }, { "registrar1", "registrar-pass" },
  };

  ledger_fixture_setup (&seed, NULL);
  test_load_f0 (&seed);
  /* The F0 semester ends in 2025: stretch it so that today's payments
   * belong to it. */
  sem = test_apply_ok (&seed, "catalog.semester.put", "admin",
                       "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                       "\"end_date\":\"2099-12-31\",\"enrollment_start\":\"2025-05-26\","
                       "\"enrollment_end\":\"2099-12-31\",\"is_active\":true}");
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      tala_ledger_set_password (seed.ledger, users[i][0], users[i][1], NULL, seed.now, &error);
      g_assert_no_error (error);
    }
  fx->db = g_steal_pointer (&seed.path);
  g_clear_pointer (&seed.ledger, tala_ledger_free);
  fx->dir = g_path_get_dirname (fx->db);
  fx->hub = hub_spawn (fx->db, &fx->port, NULL);
  fx->url = g_strdup_printf ("http://127.0.0.1:%u", fx->port);
}

static void
sync_teardown (SyncFixture   *fx,
               gconstpointer  data)
{
  if (fx->hub != NULL)
    hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_free (fx->db);
  g_free (fx->dir);
  g_free (fx->url);
}

typedef struct
{
  TalaSyncClient *client;
  TalaReplica    *replica;
  char           *path;
  char           *token;
} Terminal;

static void
terminal_clear (Terminal *t)
{
  g_clear_pointer (&t->replica, tala_replica_free);
  g_clear_pointer (&t->client, tala_sync_client_free);
  g_free (t->path);
  g_free (t->token);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Terminal, terminal_clear)

static Terminal
terminal_new (SyncFixture *fx,
              const char  *user,
              const char  *password,
              const char  *code)
{
  Terminal t = { 0 };
  g_autoptr(JsonObject) reg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("replica-%s.db", code);

  t.path = g_build_filename (fx->dir, name, NULL);
  t.client = tala_sync_client_new (fx->url, NULL);
  reg = tala_sync_register (t.client, user, password, code, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (reg, "terminal"), ==, code);
  t.token = g_strdup (json_object_get_string_member (reg, "device_token"));
  tala_sync_client_set_token (t.client, t.token);
  tala_sync_bootstrap (t.client, reg, t.path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  t.replica = tala_replica_open (t.path, &error);
  g_assert_no_error (error);
  return t;
}

static char *
hub_checksum (SyncFixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = tala_ledger_open (fx->db, &error);
  char *sum;

  g_assert_no_error (error);
  sum = tala_ledger_checksum (ledger, &error);
  g_assert_no_error (error);
  return sum;
}

static gint64
scalar (TalaLedger *ledger,
        const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (tala_ledger_get_handle (ledger), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gint64
hub_scalar (SyncFixture *fx,
            const char  *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = tala_ledger_open (fx->db, &error);

  g_assert_no_error (error);
  return scalar (ledger, sql);
}

/* Syncs and checks the rebase invariant for a terminal with nothing
 * pending: its replica is the hub. */
static TalaSyncStats
sync_ok (SyncFixture *fx,
         Terminal    *t)
{
  TalaSyncStats stats = { 0 };
  g_autoptr(GError) error = NULL;

  tala_sync_once (t->replica, t->client, &stats, NULL, &error);
  g_assert_no_error (error);
  return stats;
}

static void
assert_same (SyncFixture *fx,
             Terminal    *t)
{
  g_autofree char *a = hub_checksum (fx);
  g_autoptr(GError) error = NULL;
  g_autofree char *b = tala_ledger_checksum (tala_replica_get_ledger (t->replica), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, b);
}

static JsonObject *
record (Terminal   *t,
        const char *json)
{
  g_autoptr(JsonObject) op = test_parse_object (json);
  g_autoptr(GError) error = NULL;
  JsonObject *result = tala_replica_record (t->replica, op, tala_now_us (), &error);

  g_assert_no_error (error);
  return result;
}

static const char *
status_of (JsonObject *envelope)
{
  return json_object_get_string_member (envelope, "status");
}

#define PAY(amount) \
  "{\"kind\":\"payment.record\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"" amount "\"," \
  "\"method\":\"CASH\"}}"

static void
test_bootstrap (SyncFixture   *fx,
                gconstpointer  data)
{
  g_auto(Terminal) t = terminal_new (fx, "cashier1", "cashier-pass", "C01");
  g_autofree char *terminal = tala_replica_get_state (t.replica, "terminal");
  g_autoptr(TalaSyncClient) bad = tala_sync_client_new (fx->url, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) none = NULL;

  g_assert_cmpstr (terminal, ==, "C01");
  g_assert_cmpint (tala_replica_get_int (t.replica, "cursor"), ==,
                   hub_scalar (fx, "SELECT max(hub_seq) FROM journal"));
  assert_same (fx, &t);
  /* No secret came along. */
  g_assert_cmpint (scalar (tala_replica_get_ledger (t.replica),
                           "SELECT count(*) FROM credential_password"), ==, 0);
  g_assert_cmpint (scalar (tala_replica_get_ledger (t.replica),
                           "SELECT count(*) FROM credential_token"), ==, 0);
  /* Wrong password; a second bootstrap. */
  none = tala_sync_register (bad, "cashier1", "wrong", "C02", NULL, &error);
  g_assert_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_HUB);
  g_clear_error (&error);
  g_assert_false (tala_sync_bootstrap (t.client, NULL, t.path, NULL, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
}

static void
test_offline_then_sync (SyncFixture   *fx,
                        gconstpointer  data)
{
  g_auto(Terminal) t = terminal_new (fx, "cashier1", "cashier-pass", "C01");
  g_autoptr(JsonObject) a = record (&t, PAY ("15000.00"));
  g_autoptr(JsonObject) b = record (&t, PAY ("500.00"));
  g_autoptr(JsonObject) status = NULL;
  TalaSyncStats stats;

  /* Offline: the replica shows it at once, numbered by the terminal. */
  g_assert_cmpstr (status_of (a), ==, "applied");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (a, "result"),
                                                  "receipt_no"), ==, "C01-000001");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (b, "result"),
                                                  "receipt_no"), ==, "C01-000002");
  g_assert_cmpint (scalar (tala_replica_get_ledger (t.replica),
                           "SELECT sum(paid_total) FROM bucket"), ==, 1550000);
  g_assert_cmpint (hub_scalar (fx, "SELECT coalesce(sum(paid_total), 0) FROM bucket"), ==, 0);
  status = tala_replica_status (t.replica, tala_now_us (), NULL);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 2);

  stats = sync_ok (fx, &t);
  g_assert_cmpuint (stats.pushed, ==, 2);
  g_assert_cmpuint (stats.applied, ==, 2);
  g_assert_cmpuint (stats.pulled, ==, 2);
  g_assert_cmpint (hub_scalar (fx, "SELECT sum(paid_total) FROM bucket"), ==, 1550000);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE receipt_no LIKE 'C01-%'"), ==,
                   2);
  assert_same (fx, &t);
  g_clear_pointer (&status, json_object_unref);
  status = tala_replica_status (t.replica, tala_now_us (), NULL);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (status, "acknowledged"), ==, 0);

  /* Once more: nothing to do, nothing doubled. */
  stats = sync_ok (fx, &t);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn"), ==, 2);
  assert_same (fx, &t);

  /* A terminal bootstrapped now gets the hub's cached snapshot, older than
   * the journal, and bootstrap catches up by pulling. */
  {
    g_auto(Terminal) late = terminal_new (fx, "cashier1", "cashier-pass", "C03");

    g_assert_cmpint (tala_replica_get_int (late.replica, "cursor"), ==,
                     hub_scalar (fx, "SELECT max(hub_seq) FROM journal"));
    assert_same (fx, &late);
    stats = sync_ok (fx, &late);
    g_assert_cmpuint (stats.pulled, ==, 0);
  }
}

/* The terminal voids a payment offline while the hub's own cashier voids
 * it too: the hub rejects the terminal's void, the provisional effect goes,
 * and the op waits in the needs-attention list. */
static void
test_rejection (SyncFixture   *fx,
                gconstpointer  data)
{
  g_auto(Terminal) t = terminal_new (fx, "cashier1", "cashier-pass", "C01");
  g_autoptr(JsonObject) paid = record (&t, PAY ("1000.00"));
  const char *payment = json_object_get_string_member (
    json_object_get_object_member (paid, "result"), "payment_id");
  g_autofree char *void_op = g_strdup_printf ("{\"kind\":\"payment.void\",\"args\":"
                                              "{\"payment\":\"%s\",\"reason\":\"wrong student\"}}",
                                              payment);
  g_autoptr(JsonObject) voided = NULL;
  g_autoptr(JsonArray) attention = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) hub_void = NULL;
  TalaSyncStats stats;

  sync_ok (fx, &t);
  voided = record (&t, void_op);
  g_assert_cmpstr (status_of (voided), ==, "applied");
  g_assert_cmpint (scalar (tala_replica_get_ledger (t.replica),
                           "SELECT count(*) FROM txn WHERE type = 'VOID'"), ==, 1);
  /* Meanwhile at the hub. */
  {
    g_autoptr(TalaLedger) hub = tala_ledger_open (fx->db, &error);
    g_autoptr(JsonObject) op = NULL;
    g_autofree char *text = g_strdup_printf ("{\"op_id\":\"00000000-0000-4000-8000-00000000f00d\","
                                             "\"kind\":\"payment.void\",\"actor\":\"cashier1\","
                                             "\"args\":{\"payment\":\"%s\",\"reason\":\"dup\"}}",
                                             payment);

    g_assert_no_error (error);
    op = test_parse_object (text);
    hub_void = tala_ledger_apply (hub, op, TALA_CHANNEL_REST, tala_now_us (), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (status_of (hub_void), ==, "applied");
  }
  stats = sync_ok (fx, &t);
  g_assert_cmpuint (stats.rejected, ==, 1);
  assert_same (fx, &t);
  g_assert_cmpint (scalar (tala_replica_get_ledger (t.replica),
                           "SELECT count(*) FROM txn WHERE type = 'VOID'"), ==, 1);
  attention = tala_replica_attention (t.replica, FALSE, tala_now_us (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (attention), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attention, 0),
                                                  "code"), ==, "already_voided");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attention, 0),
                                                  "kind"), ==, "payment.void");
  tala_replica_dismiss (t.replica, json_object_get_string_member (
                          json_array_get_object_element (attention, 0), "op_id"),
                        tala_now_us (), &error);
  g_assert_no_error (error);
  g_clear_pointer (&attention, json_array_unref);
  attention = tala_replica_attention (t.replica, FALSE, tala_now_us (), &error);
  g_assert_cmpuint (json_array_get_length (attention), ==, 0);
  g_assert_false (tala_replica_dismiss (t.replica, "nope", tala_now_us (), &error));
  g_assert_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID);
}

/* Two terminals take money from one student while both are offline: both
 * payments land, allocated in the order the hub received them. */
static void
test_two_terminals (SyncFixture   *fx,
                    gconstpointer  data)
{
  g_auto(Terminal) c1 = terminal_new (fx, "cashier1", "cashier-pass", "C01");
  g_auto(Terminal) c2 = terminal_new (fx, "cashier1", "cashier-pass", "C02");
  g_autoptr(JsonObject) a = record (&c1, PAY ("7000.00"));
  g_autoptr(JsonObject) b = record (&c2, PAY ("6000.00"));

  g_assert_cmpstr (status_of (a), ==, "applied");
  g_assert_cmpstr (status_of (b), ==, "applied");
  sync_ok (fx, &c2);
  sync_ok (fx, &c1);
  sync_ok (fx, &c2);
  assert_same (fx, &c1);
  assert_same (fx, &c2);
  g_assert_cmpint (hub_scalar (fx, "SELECT sum(paid_total) FROM bucket"), ==, 1300000);
  /* C02's 6,000 came first: month 1 holds it and 4,000 of C01's. */
  g_assert_cmpint (hub_scalar (fx, "SELECT a.amount FROM allocation a JOIN txn t ON"
                                   " t.id = a.txn_id WHERE t.receipt_no = 'C02-000001'"), ==,
                   600000);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM allocation a JOIN txn t ON"
                                   " t.id = a.txn_id WHERE t.receipt_no = 'C01-000001'"), ==, 2);
}

/* A student registered offline has a provisional number; ops naming it
 * go through, and after the sync the replica holds the hub's number. */
static void
test_provisional_student (SyncFixture   *fx,
                          gconstpointer  data)
{
  g_auto(Terminal) t = terminal_new (fx, "registrar1", "registrar-pass", "R01");
  g_autoptr(JsonObject) reg = record (&t, "{\"kind\":\"student.register\",\"args\":"
                                          "{\"first_name\":\"Maria\",\"last_name\":\"Clara\","
                                          "\"program\":\"BSCS\"}}");
  g_autoptr(JsonObject) enr = record (&t, "{\"kind\":\"enrollment.create\",\"args\":"
                                          "{\"student\":\"P-R01-0001\",\"semester\":"
                                          "\"2025-FIRST\",\"monthly_commitment\":\"8000.00\"}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) profile = NULL;

  g_assert_cmpstr (status_of (reg), ==, "applied");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reg, "result"),
                                                  "provisional_number"), ==, "P-R01-0001");
  g_assert_cmpstr (status_of (enr), ==, "applied");
  sync_ok (fx, &t);
  assert_same (fx, &t);
  profile = tala_ledger_student_profile (tala_replica_get_ledger (t.replica), "P-R01-0001",
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (profile, "student_id"), ==, "2025-00002");
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM enrollment e JOIN student s ON"
                                   " s.id = e.student_id WHERE s.number = '2025-00002'"), ==, 1);
}

/* A replica restored from a backup older than its last ops resumes its
 * series past what the hub has seen, never issuing a number twice. */
static void
test_restore_numbers (SyncFixture   *fx,
                      gconstpointer  data)
{
  g_auto(Terminal) t = terminal_new (fx, "cashier1", "cashier-pass", "C01");
  g_autofree char *backup = g_strconcat (t.path, ".bak", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;

  g_clear_pointer (&t.replica, tala_replica_free);
  {
    g_autoptr(GFile) from = g_file_new_for_path (t.path);
    g_autoptr(GFile) to = g_file_new_for_path (backup);

    g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  t.replica = tala_replica_open (t.path, &error);
  a = record (&t, PAY ("100.00"));
  b = record (&t, PAY ("100.00"));
  sync_ok (fx, &t);
  g_clear_pointer (&t.replica, tala_replica_free);
  g_rename (backup, t.path);
  t.replica = tala_replica_open (t.path, &error);
  g_assert_no_error (error);
  /* The first sync brings the hub's record of this terminal. */
  sync_ok (fx, &t);
  c = record (&t, PAY ("100.00"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (c, "result"),
                                                  "receipt_no"), ==, "C01-000003");
  sync_ok (fx, &t);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(DISTINCT receipt_no) FROM txn"
                                   " WHERE receipt_no LIKE 'C01-%'"), ==, 3);
  assert_same (fx, &t);
}

/* A hub that is down: the cycle fails, nothing is lost, the next one
 * delivers. */
static void
test_hub_down (SyncFixture   *fx,
               gconstpointer  data)
{
  g_auto(Terminal) t = terminal_new (fx, "cashier1", "cashier-pass", "C01");
  g_autoptr(JsonObject) a = record (&t, PAY ("2500.00"));
  g_autoptr(GError) error = NULL;
  TalaSyncStats stats = { 0 };
  const char *const args[] = { NULL };

  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_assert_false (tala_sync_once (t.replica, t.client, &stats, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);
  fx->hub = hub_spawn (fx->db, &fx->port, args);
  sync_ok (fx, &t);
  assert_same (fx, &t);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn"), ==, 1);
}

/* Runs tala-sync with @args, @input on its standard input; returns the
 * exit status, @out gets standard output. */
static int
run_cli (const char         *input,
         char              **out,
         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("TALA_SYNC"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("tala-sync %s: %s", args[0], err);
  return g_subprocess_get_exit_status (proc);
}

/* The headless terminal, end to end as a script would use it. */
static void
test_cli (SyncFixture   *fx,
          gconstpointer  data)
{
  g_autofree char *replica = g_build_filename (fx->dir, "cli.db", NULL);
  g_autofree char *creds = g_strconcat (replica, ".credentials", NULL);
  g_autofree char *ops = g_build_filename (fx->dir, "ops.jsonl", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = NULL;
  GStatBuf st;

  g_assert_nonnull (g_getenv ("TALA_SYNC"));
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "--help", NULL }), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "frobnicate", NULL }), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "status", "--replica", replica,
                                                           NULL }), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli ("wrong\n", &out,
                            (const char *[]) { "register", "--hub", fx->url, "--user", "cashier1",
                                               "--terminal", "C07", "--replica", replica, NULL }),
                   ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli ("cashier-pass\n", &out,
                            (const char *[]) { "register", "--hub", fx->url, "--user", "cashier1",
                                               "--terminal", "C07", "--replica", replica, NULL }),
                   ==, 0);
  g_assert_null (strstr (out, "device_token"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (g_stat (creds, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "bootstrap", "--replica", replica,
                                                           NULL }), ==, 0);
  g_clear_pointer (&out, g_free);
  g_file_set_contents (ops, PAY ("100.00") "\n" PAY ("0.00") "\nnot json\n" PAY ("250.50") "\n",
                       -1, &error);
  g_assert_no_error (error);
  /* Two recorded, a refused amount and a bad line: exit 1, nothing lost. */
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "record", ops, "--replica", replica,
                                                           NULL }), ==, 1);
  g_assert_nonnull (strstr (out, "C07-000001"));
  g_assert_nonnull (strstr (out, "C07-000002"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "status", "--replica", replica,
                                                           NULL }), ==, 0);
  status = test_parse_object (out);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&status, json_object_unref);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "sync", "--once", "--replica",
                                                           replica, NULL }), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "status", "--replica", replica,
                                                           NULL }), ==, 0);
  status = test_parse_object (out);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (status, "attention"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C07'"), ==, 2);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "attention", "list", "--replica",
                                                           replica, NULL }), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "attention", "dismiss", "nope",
                                                           "--replica", replica, NULL }), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (NULL, &out, (const char *[]) { "sync", "--once", "--every", "5",
                                                           "--replica", replica, NULL }), ==, 2);
}

/* A sync waiting for the hub holds no lock: a payment recorded on another
 * thread meanwhile is kept at once, and the next cycle sends it. */
typedef struct
{
  GMutex       lock;       /* guards the fields below */
  GCond        cond;
  gboolean     arrived;    /* the push reached the proxy */
  gboolean     released;   /* the test lets it go on */
  TalaReplica *replica;
  GMutex      *replica_lock;
  TalaSyncClient *client;
  gboolean     ok;
  gboolean     done;
  char        *message;
} Stall;

static void
stall_push (guint    n,
            gpointer user_data)
{
  Stall *st = user_data;

  g_mutex_lock (&st->lock);
  st->arrived = TRUE;
  g_cond_broadcast (&st->cond);
  while (n == 1 && !st->released)
    g_cond_wait (&st->cond, &st->lock);
  g_mutex_unlock (&st->lock);
}

static gpointer
stall_sync_thread (gpointer user_data)
{
  Stall *st = user_data;
  TalaSyncStats stats = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = tala_sync_once_shared (st->replica, st->replica_lock, st->client, &stats, NULL,
                                       &error);

  g_mutex_lock (&st->lock);
  st->ok = ok;
  st->message = error ? g_strdup (error->message) : NULL;
  st->done = TRUE;
  g_cond_broadcast (&st->cond);
  g_mutex_unlock (&st->lock);
  return NULL;
}

static void
test_record_during_sync (SyncFixture   *fx,
                         gconstpointer  data)
{
  g_auto(Terminal) t = terminal_new (fx, "cashier1", "cashier-pass", "C01");
  g_autoptr(SyncProxy) proxy = sync_proxy_new (fx->port, 1);
  g_autofree char *via = NULL;
  g_autoptr(TalaSyncClient) slow = NULL;
  g_autoptr(JsonObject) first = record (&t, PAY ("1000.00"));
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GError) error = NULL;
  GMutex replica_lock;
  Stall st = { 0 };
  GThread *thread;
  gint64 start, took;

  g_mutex_init (&replica_lock);
  g_mutex_init (&st.lock);
  g_cond_init (&st.cond);
  via = g_strdup_printf ("http://127.0.0.1:%u/t/slow", sync_proxy_get_port (proxy));
  slow = tala_sync_client_new (via, NULL);
  tala_sync_client_set_token (slow, t.token);
  sync_proxy_set_push_func (proxy, stall_push, &st);
  st.replica = t.replica;
  st.replica_lock = &replica_lock;
  st.client = slow;
  thread = g_thread_new ("sync", stall_sync_thread, &st);

  /* The push is held at the proxy: the sync waits for the hub. */
  g_mutex_lock (&st.lock);
  while (!st.arrived)
    g_cond_wait (&st.cond, &st.lock);
  g_mutex_unlock (&st.lock);

  start = g_get_monotonic_time ();
  while (!g_mutex_trylock (&replica_lock))
    {
      /* A sync that kept the lock while it waits would stop us here. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
      g_usleep (1000);
    }
  second = record (&t, PAY ("2000.00"));
  g_mutex_unlock (&replica_lock);
  took = g_get_monotonic_time () - start;
  g_assert_cmpstr (status_of (second), ==, "applied");
  g_assert_cmpint (took, <, 5 * G_USEC_PER_SEC);
  g_mutex_lock (&st.lock);
  g_assert_false (st.done);
  st.released = TRUE;
  g_cond_broadcast (&st.cond);
  while (!st.done)
    g_cond_wait (&st.cond, &st.lock);
  g_mutex_unlock (&st.lock);
  g_thread_join (thread);
  g_assert_cmpstr (st.message, ==, NULL);
  g_assert_true (st.ok);

  /* Both reach the hub, once each; the replica is the hub's again. */
  sync_ok (fx, &t);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE receipt_no LIKE 'C01-%'"), ==,
                   2);
  assert_same (fx, &t);
  status = tala_replica_status (t.replica, tala_now_us (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_free (st.message);
  g_cond_clear (&st.cond);
  g_mutex_clear (&st.lock);
  g_mutex_clear (&replica_lock);
}

int
main (int   argc,
      char *argv[])
{
  /* The proxy's SoupServer must not look for the desktop's proxy settings
   * (GSettings schemas are not installed in a test's isolated dirs). */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/" path, SyncFixture, NULL, sync_setup, func, sync_teardown)
  ADD ("bootstrap", test_bootstrap);
  ADD ("offline-then-sync", test_offline_then_sync);
  ADD ("rejection", test_rejection);
  ADD ("two-terminals", test_two_terminals);
  ADD ("provisional-student", test_provisional_student);
  ADD ("restore-numbers", test_restore_numbers);
  ADD ("hub-down", test_hub_down);
  ADD ("record-during-sync", test_record_during_sync);
  ADD ("cli", test_cli);
#undef ADD

  return g_test_run ();
}
