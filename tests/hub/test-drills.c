/* test-drills.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's operations drills of docs/operations.md, each on real
 * `tala-hub` processes: a backup taken while payments arrive, restored into
 * a fresh hub in a new directory; an upgrade of a ledger made at an older
 * schema version (and a migration that fails leaving the file as it was,
 * and a file newer than the program refused); and a disk that fills during
 * writes: the failing request gets a clean JSON error, nothing is
 * half-written, and the hub works again once there is space.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* prlimit() */
#endif

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "test-hub.h"

#define PAY_PATH "/api/v1/cashier/payment/record_payment/"
#define STATUS_PATH "/api/v1/cashier/payment/student/2025-00001/status/"

/* Rates high enough that a drill's requests are never limited. */
static const char *const fast[] = { "--rate-anon", "100000", "--rate-auth", "1000000", NULL };

/* ---- Running tala-hub's commands ----------------------------------------- */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs TALA_HUB with the NULL-terminated @args, @input (nullable) on its
 * standard input. */
static Run
hub_run (const char *input,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Run r = { 0 };
  va_list ap;
  const char *arg;

  g_assert_nonnull (g_getenv ("TALA_HUB"));
  g_ptr_array_add (argv, (char *) g_getenv ("TALA_HUB"));
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);
  g_test_message ("tala-hub %s → %d: %s%s", (char *) argv->pdata[1], r.status, r.out, r.err);
  return r;
}

/* `check`, `check --rebuild` and `audit verify` all pass on @db. */
static void
assert_ledger_whole (const char *db)
{
  g_auto(Run) check = hub_run (NULL, "check", "--db", db, NULL);
  g_auto(Run) rebuild = hub_run (NULL, "check", "--rebuild", "--db", db, NULL);
  g_auto(Run) audit = hub_run (NULL, "audit", "verify", "--db", db, NULL);

  g_assert_cmpint (check.status, ==, 0);
  g_assert_nonnull (strstr (check.out, "check: OK"));
  g_assert_cmpint (rebuild.status, ==, 0);
  g_assert_nonnull (strstr (rebuild.out, "tables identical"));
  g_assert_cmpint (audit.status, ==, 0);
}

/* ---- Files and SQL -------------------------------------------------------- */

static char *
runtime_path (const char *name)
{
  return g_build_filename (g_get_user_runtime_dir (), name, NULL);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) a = g_file_new_for_path (from);
  g_autoptr(GFile) b = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_file_copy (a, b, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static gint64
db_scalar (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The payments whose notes are @notes. */
static gint64
count_notes (const char *db,
             const char *notes)
{
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (db, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (raw, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT count(*) FROM txn WHERE notes = ?", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, notes, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  return n;
}

static void
db_exec (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* A ledger with fixture F0, its semester stretched over today, one
 * payment and @bulk more, and the passwords of cashier1 and admin unless
 * @passwords is FALSE. */
static char *
seed_ledger (gboolean passwords,
             guint    bulk)
{
  LedgerFixture seed = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sem = NULL;
  g_autoptr(JsonObject) paid = NULL;

  ledger_fixture_setup (&seed, NULL);
  test_load_f0 (&seed);
  sem = test_apply_ok (&seed, "catalog.semester.put", "admin",
                       "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                       "\"end_date\":\"2099-12-31\",\"enrollment_start\":\"2025-05-26\","
                       "\"enrollment_end\":\"2099-12-31\",\"is_active\":true}");
  paid = test_apply_ok (&seed, "payment.record", "cashier1",
                        "{\"student\":\"2025-00001\",\"amount\":\"1000.00\","
                        "\"method\":\"CASH\",\"notes\":\"seed\"}");
  g_assert_true (tala_ledger_begin (seed.ledger, NULL));
  for (guint i = 0; i < bulk; i++)
    {
      g_autoptr(JsonObject) more = test_apply_ok (&seed, "payment.record", "cashier1",
                                                  "{\"student\":\"2025-00001\","
                                                  "\"amount\":\"0.01\",\"method\":\"CASH\","
                                                  "\"notes\":\"bulk\"}");
    }
  g_assert_true (tala_ledger_commit (seed.ledger, NULL));
  for (guint i = 0; passwords && i < 2; i++)
    {
      const char *user = i == 0 ? "cashier1" : "admin";
      g_autofree char *password = g_strconcat (user, "-pass", NULL);

      tala_ledger_set_password (seed.ledger, user, password, NULL, seed.now, &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&seed.ledger, tala_ledger_free);
  return g_steal_pointer (&seed.path);
}

/* ---- A client of a spawned hub ------------------------------------------- */

static void
client_open (HubFixture *c,
             const char *db,
             guint16     port)
{
  c->context = g_main_context_new ();
  g_main_context_push_thread_default (c->context);
  c->session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  c->path = g_strdup (db);
  c->port = port;
}

static void
client_close (HubFixture *c)
{
  g_clear_object (&c->session);
  while (g_main_context_iteration (c->context, FALSE))
    ;
  g_main_context_pop_thread_default (c->context);
  g_main_context_unref (c->context);
  g_free (c->path);
}

static char *
pay_body (const char *notes)
{
  return g_strdup_printf ("{\"student_id\":\"2025-00001\",\"amount\":\"1.00\","
                          "\"method\":\"CASH\",\"notes\":\"%s\"}", notes);
}

/* Starts a payment of 1.00 with @notes, and @notes as its Idempotency-Key. */
static void
pay_start (HubFixture *c,
           HubReply   *r,
           const char *token,
           const char *notes)
{
  g_autofree char *body = pay_body (notes);

  hub_start (c, r, "POST", PAY_PATH, token, notes, NULL, body);
}

static HubReply
pay (HubFixture *c,
     const char *token,
     const char *notes)
{
  HubReply r = { 0 };

  pay_start (c, &r, token, notes);
  hub_wait (c, &r);
  return r;
}

static gint64
reply_hub_seq (HubReply *r)
{
  const char *seq = soup_message_headers_get_one (r->headers, "Tala-Hub-Seq");

  g_assert_nonnull (seq);
  return g_ascii_strtoll (seq, NULL, 10);
}

/* ---- Backup of a live hub, restored into a fresh one ---------------------- */

typedef struct
{
  gboolean  done;
  int       status;
  char     *out;
  char     *err;
} Backup;

static void
backup_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Backup *b = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &b->out, &b->err,
                                        &error);
  g_assert_no_error (error);
  b->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  b->done = TRUE;
}

#define IN_FLIGHT 4

static void
test_backup_restore (void)
{
  g_autofree char *db = seed_ledger (TRUE, 2000);
  g_autofree char *copy = runtime_path ("backup.db");
  g_autofree char *fresh_dir = runtime_path ("restored");
  g_autofree char *restored = g_build_filename (fresh_dir, "tala-hub.db", NULL);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) live = NULL;
  g_autoptr(GSubprocess) fresh = NULL;
  g_autoptr(GSubprocess) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  HubReply slots[IN_FLIGHT] = { { 0 } };
  HubFixture c = { 0 };
  Backup b = { 0 };
  guint16 port = 0;
  guint during = 0, serial = 0;
  gint64 backup_seq, restored_txns, started;
  GStatBuf st;
  const char *ops;

  /* A live hub taking payments, over a ledger of several MiB (the online
   * backup copies 1 MiB a step and starts again when a write lands). */
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  live = hub_spawn (db, &port, fast);
  client_open (&c, db, port);
  token = hub_login (&c, "cashier1", "cashier1-pass");
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *notes = g_strdup_printf ("before-%u", i);
      g_auto(HubReply) r = pay (&c, token, notes);
      g_autoptr(JsonObject) body = NULL;

      g_assert_cmpuint (r.status, ==, 201);
      body = hub_reply_object (&r);
      g_ptr_array_add (before, g_strdup (json_object_get_string_member (body, "payment_id")));
    }

  /* `tala-hub backup` while IN_FLIGHT payments are always under way. */
  for (guint i = 0; i < IN_FLIGHT; i++)
    {
      g_autofree char *notes = g_strdup_printf ("during-%u", serial++);

      pay_start (&c, &slots[i], token, notes);
    }
  backup = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error, g_getenv ("TALA_HUB"), "backup", "--db", db, copy, NULL);
  g_assert_no_error (error);
  started = g_get_monotonic_time ();
  g_subprocess_communicate_utf8_async (backup, NULL, NULL, backup_done_cb, &b);
  while (!b.done)
    {
      g_main_context_iteration (c.context, TRUE);
      for (guint i = 0; i < IN_FLIGHT && !b.done; i++)
        if (slots[i].done)
          {
            g_autofree char *notes = g_strdup_printf ("during-%u", serial++);

            g_assert_cmpuint (slots[i].status, ==, 201);
            during++;
            hub_reply_clear (&slots[i]);
            memset (&slots[i], 0, sizeof slots[i]);
            pay_start (&c, &slots[i], token, notes);
          }
    }
  for (guint i = 0; i < IN_FLIGHT; i++)
    {
      hub_wait (&c, &slots[i]);
      g_assert_cmpuint (slots[i].status, ==, 201);
      hub_reply_clear (&slots[i]);
    }
  g_test_message ("backup of %" G_GINT64_FORMAT " KiB in %.2f s: %s%s; %u payments answered "
                  "while it ran", (gint64) st.st_size / 1024,
                  (g_get_monotonic_time () - started) / 1e6, b.out, b.err, during);
  g_assert_cmpint (b.status, ==, 0);
  g_assert_nonnull (strstr (b.out, "chains intact"));
  ops = strstr (b.out, ": ");
  g_assert_nonnull (ops);
  backup_seq = g_ascii_strtoll (ops + 2, NULL, 10);
  g_clear_pointer (&b.out, g_free);
  g_clear_pointer (&b.err, g_free);
  g_assert_cmpint (backup_seq, ==, db_scalar (copy, "SELECT max(hub_seq) FROM journal"));

  /* Verify the copy. */
  assert_ledger_whole (copy);

  /* Restore into a fresh hub: a new directory, the copy as its ledger. */
  g_assert_cmpint (g_mkdir_with_parents (fresh_dir, 0700), ==, 0);
  copy_file (copy, restored);
  g_assert_cmpint (g_chmod (restored, 0600), ==, 0);
  restored_txns = db_scalar (restored, "SELECT count(*) FROM txn");
  /* The seed's payment, the 20 before and whatever was committed before the
   * backup's read began. */
  g_assert_cmpint (restored_txns, >=, 2021);
  g_assert_cmpint (restored_txns, <=, 2021 + serial);
  port = 0;
  fresh = hub_spawn (restored, &port, fast);
  c.port = port;
  {
    g_autofree char *token2 = hub_login (&c, "cashier1", "cashier1-pass");
    g_auto(HubReply) ready = hub_call (&c, "GET", "/readyz", NULL, NULL);
    g_autoptr(JsonObject) state = hub_reply_object (&ready);
    g_auto(HubReply) paid = { 0 };

    g_assert_cmpuint (ready.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (state, "hub_seq"), ==, backup_seq);
    /* Every payment acknowledged before the backup is there. */
    for (guint i = 0; i < before->len; i++)
      {
        g_autofree char *path = g_strdup_printf ("/api/v1/cashier/payment/%s/receipt/",
                                                 (char *) before->pdata[i]);
        g_auto(HubReply) receipt = hub_call (&c, "GET", path, token2, NULL);

        g_assert_cmpuint (receipt.status, ==, 200);
      }
    /* And it takes new payments, after the backup's last op. */
    paid = pay (&c, token2, "after-restore");
    g_assert_cmpuint (paid.status, ==, 201);
    g_assert_cmpint (reply_hub_seq (&paid), ==, backup_seq + 1);
  }
  hub_spawn_stop (fresh, FALSE);
  g_assert_cmpint (g_subprocess_get_exit_status (fresh), ==, 0);
  assert_ledger_whole (restored);
  g_assert_cmpint (db_scalar (restored, "SELECT count(*) FROM txn"), ==, restored_txns + 1);

  hub_spawn_stop (live, FALSE);
  assert_ledger_whole (db);
  client_close (&c);
}

/* ---- scripts/hub-backup: dated, verified copies of a live hub -------------- */

/* Runs scripts/hub-backup with @args (NULL-terminated). */
static Run
backup_script (const char *first,
               ...)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "scripts", "hub-backup",
                                                   NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Run r = { 0 };
  va_list ap;
  const char *arg;

  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, script);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);
  g_test_message ("hub-backup → %d: %s%s", r.status, r.out, r.err);
  return r;
}

/* The files of @dir, but the WAL files that reading a copy makes. */
static guint
count_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (!g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
      n++;
  return n;
}

static void
test_backup_script (void)
{
  g_autofree char *db = seed_ledger (TRUE, 0);
  g_autofree char *dir = runtime_path ("backups");
  g_autofree char *missing = runtime_path ("no-such.db");
  g_autofree char *first = NULL;
  g_autoptr(GSubprocess) hub = NULL;
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);
  HubFixture c = { 0 };
  GStatBuf st;
  guint16 port = 0;

  hub = hub_spawn (db, &port, fast);
  client_open (&c, db, port);
  {
    g_autofree char *token = hub_login (&c, "cashier1", "cashier1-pass");

    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *notes = g_strdup_printf ("script-%u", i);
        g_auto(HubReply) paid = pay (&c, token, notes);
        g_auto(Run) r = { 0 };

        g_assert_cmpuint (paid.status, ==, 201);
        if (i > 0)
          g_usleep (1100 * 1000);   /* the copies are named by the second */
        r = backup_script (db, dir, "2", NULL);
        g_assert_cmpint (r.status, ==, 0);
        g_ptr_array_add (copies, g_strdup (g_strchomp (r.out)));
        g_assert_true (g_str_has_prefix (copies->pdata[i], dir));
        g_assert_cmpint (count_notes (copies->pdata[i], notes), ==, 1);
      }
  }
  /* Two kept, the oldest gone; nothing partial left; private files. */
  g_assert_cmpuint (count_dir (dir), ==, 2);
  g_assert_false (g_file_test (copies->pdata[0], G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (copies->pdata[2], &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  assert_ledger_whole (copies->pdata[2]);
  {
    g_auto(Run) usage = backup_script (db, NULL);
    g_auto(Run) bad_keep = backup_script (db, dir, "x", NULL);
    g_auto(Run) no_ledger = backup_script (missing, dir, NULL);

    g_assert_cmpint (usage.status, ==, 2);
    g_assert_cmpint (bad_keep.status, ==, 2);
    g_assert_cmpint (no_ledger.status, ==, 1);
  }
  /* A copy that fails its checks never gets a name: a ledger whose money
   * was changed behind the hub's back. */
  hub_spawn_stop (hub, FALSE);
  g_clear_object (&hub);
  db_exec (db, "UPDATE bucket SET paid_total = 9000 WHERE month = 2");
  g_usleep (1100 * 1000);
  {
    g_auto(Run) broken = backup_script (db, dir, "2", NULL);

    g_assert_cmpint (broken.status, ==, 1);
    g_assert_cmpuint (count_dir (dir), ==, 2);
  }
  client_close (&c);
}

/* ---- Upgrade: a ledger at an older schema version ------------------------- */

static GStrv
schema_names (void)
{
  GStrv names = g_resources_enumerate_children ("/org/tala/ledger/schema/", 0, NULL);

  g_assert_nonnull (names);
  return names;
}

/* A plain SQLite file with the migrations up to @version applied. */
static void
make_version (const char *path,
              int         version)
{
  g_auto(GStrv) names = schema_names ();
  sqlite3 *db = NULL;

  g_unlink (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  for (int v = 1; v <= version; v++)
    for (guint i = 0; names[i] != NULL; i++)
      if (atoi (names[i]) == v)
        {
          g_autofree char *res = g_strconcat ("/org/tala/ledger/schema/", names[i], NULL);
          g_autoptr(GBytes) bytes = g_resources_lookup_data (res, 0, NULL);
          g_autofree char *sql = g_strndup (g_bytes_get_data (bytes, NULL),
                                            g_bytes_get_size (bytes));
          char *message = NULL;

          if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
            g_error ("%s: %s", names[i], message);
        }
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* name → "type sql" of every schema object of @path. */
static GHashTable *
schema_objects (const char *path)
{
  GHashTable *objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name, type || ' ' || coalesce(sql, '')"
                                           " FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (objects, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return objects;
}

static gboolean
same_objects (GHashTable *a,
              GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;
  return TRUE;
}

/* The objects of @latest that version @version lacks, when taking them
 * away from the ledger @db loses no row and leaves exactly that version's
 * schema; else NULL. */
static GPtrArray *
objects_after (const char *db,
               GHashTable *latest,
               int         version)
{
  g_autofree char *scratch = runtime_path ("scratch.db");
  g_autoptr(GHashTable) old = NULL;
  g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  make_version (scratch, version);
  old = schema_objects (scratch);
  g_hash_table_iter_init (&iter, old);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (latest, key)) != 0)
      return NULL;
  g_hash_table_iter_init (&iter, latest);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (old, key))
      {
        if (g_str_has_prefix (value, "table "))
          {
            g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"",
                                                    (char *) key);

            if (db_scalar (db, sql) != 0)
              return NULL;
          }
        else if (!g_str_has_prefix (value, "index "))
          return NULL;
        g_ptr_array_add (extra, g_strdup (key));
      }
  return g_steal_pointer (&extra);
}

/* Takes @extra away from @path and stamps it @version. */
static void
downgrade (const char *path,
           GHashTable *latest,
           GPtrArray  *extra,
           int         version)
{
  g_autoptr(GString) sql = g_string_new ("PRAGMA foreign_keys = OFF; BEGIN;");

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < extra->len; i++)
      {
        const char *what = g_hash_table_lookup (latest, extra->pdata[i]);

        if (pass == 0 && g_str_has_prefix (what, "index "))
          g_string_append_printf (sql, " DROP INDEX IF EXISTS \"%s\";", (char *) extra->pdata[i]);
        else if (pass == 1 && g_str_has_prefix (what, "table "))
          g_string_append_printf (sql, " DROP TABLE \"%s\";", (char *) extra->pdata[i]);
      }
  g_string_append_printf (sql, " PRAGMA user_version = %d; COMMIT;", version);
  db_exec (path, sql->str);
}

static void
test_upgrade (void)
{
  int latest = tala_ledger_schema_version ();
  g_autofree char *db = seed_ledger (FALSE, 0);
  g_autofree char *pre = runtime_path ("pre-upgrade.db");
  g_autofree char *broken = runtime_path ("broken.db");
  g_autofree char *newer = runtime_path ("newer.db");
  g_autofree char *scratch = runtime_path ("scratch.db");
  g_autofree char *set_newer = g_strdup_printf ("PRAGMA user_version = %d", latest + 1);
  g_autofree char *token = NULL;
  g_autoptr(GHashTable) latest_objects = schema_objects (db);
  g_autoptr(GHashTable) old_objects = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GPtrArray) extra = NULL;
  g_autoptr(GPtrArray) last_only = NULL;
  g_autoptr(GSubprocess) hub = NULL;
  HubFixture c = { 0 };
  gint64 seq;
  guint16 port = 0;
  int version = 0;

  /* The oldest version this ledger can be taken back to without losing a
   * row (the later migrations only added what is still empty). */
  for (int v = latest - 1; v >= 1; v--)
    {
      g_autoptr(GPtrArray) e = objects_after (db, latest_objects, v);

      if (e == NULL)
        break;
      version = v;
      g_clear_pointer (&extra, g_ptr_array_unref);
      extra = g_steal_pointer (&e);
    }
  g_assert_cmpint (version, >=, 1);
  g_test_message ("upgrade drill: from schema version %d to %d (%u objects added)", version,
                  latest, extra->len);
  last_only = objects_after (db, latest_objects, latest - 1);
  g_assert_nonnull (last_only);
  g_assert_cmpuint (last_only->len, >, 0);
  downgrade (db, latest_objects, extra, version);
  old_objects = schema_objects (db);
  make_version (scratch, version);
  {
    g_autoptr(GHashTable) expected = schema_objects (scratch);

    g_assert_true (same_objects (old_objects, expected));
  }
  seq = db_scalar (db, "SELECT max(hub_seq) FROM journal");

  /* Back up first (the hub is stopped: a copy of the file). */
  copy_file (db, pre);

  /* `tala-hub init` migrates a copy ahead of the start, and says so. */
  {
    g_autofree char *early = runtime_path ("init.db");
    g_autofree char *said = g_strdup_printf ("ledger schema version %d, %" G_GINT64_FORMAT
                                             " ops in the journal", latest, seq);
    g_auto(Run) init = { 0 };

    copy_file (db, early);
    init = hub_run (NULL, "init", "--db", early, NULL);
    g_assert_cmpint (init.status, ==, 0);
    g_assert_nonnull (strstr (init.out, said));
    g_assert_cmpint (db_scalar (early, "PRAGMA user_version"), ==, latest);
  }

  /* A migration that fails leaves the file as it was: here the last
   * migration meets an object in its way, and the earlier ones, run in the
   * same transaction, are undone too. */
  copy_file (db, broken);
  {
    g_autofree char *in_the_way = g_strdup_printf ("CREATE TABLE \"%s\" (x)",
                                                   (char *) last_only->pdata[0]);
    g_auto(Run) serve = { 0 };
    g_autoptr(GHashTable) left = NULL;

    db_exec (broken, in_the_way);
    serve = hub_run (NULL, "serve", "--db", broken, "--listen", "127.0.0.1:0", "--no-jobs", NULL);
    g_assert_cmpint (serve.status, ==, 1);
    g_assert_nonnull (strstr (serve.err, "migration"));
    g_assert_cmpint (db_scalar (broken, "PRAGMA user_version"), ==, version);
    left = schema_objects (broken);
    g_assert_cmpuint (g_hash_table_size (left), ==, g_hash_table_size (old_objects) + 1);
    g_hash_table_remove (left, last_only->pdata[0]);
    g_assert_true (same_objects (left, old_objects));
  }

  /* The upgrade: the new program migrates the ledger as it opens it. */
  hub = hub_spawn (db, &port, fast);
  g_assert_cmpint (db_scalar (db, "PRAGMA user_version"), ==, latest);
  after = schema_objects (db);
  g_assert_true (same_objects (after, latest_objects));
  {
    g_auto(Run) passwd = hub_run ("cashier1-pass\n", "user", "passwd", "cashier1", "--db", db,
                                  "--password-stdin", NULL);
    g_auto(HubReply) status = { 0 };
    g_auto(HubReply) paid = { 0 };
    g_autoptr(JsonObject) account = NULL;

    g_assert_cmpint (passwd.status, ==, 0);
    client_open (&c, db, port);
    token = hub_login (&c, "cashier1", "cashier1-pass");
    /* The data is there. */
    status = hub_call (&c, "GET", STATUS_PATH, token, NULL);
    g_assert_cmpuint (status.status, ==, 200);
    account = hub_reply_object (&status);
    g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (account, "enrollment"), "balance"), ==,
                     "59000.00");
    paid = pay (&c, token, "after-upgrade");
    g_assert_cmpuint (paid.status, ==, 201);
    g_assert_cmpint (reply_hub_seq (&paid), ==, seq + 1);
  }
  hub_spawn_stop (hub, FALSE);
  g_assert_cmpint (g_subprocess_get_exit_status (hub), ==, 0);
  assert_ledger_whole (db);
  /* The copy taken before is still the old version: the way back. */
  g_assert_cmpint (db_scalar (pre, "PRAGMA user_version"), ==, version);

  /* A file newer than the program is refused, and left alone. */
  copy_file (db, newer);
  db_exec (newer, set_newer);
  {
    g_auto(Run) serve = hub_run (NULL, "serve", "--db", newer, "--listen", "127.0.0.1:0",
                                 "--no-jobs", NULL);
    g_auto(Run) check = hub_run (NULL, "check", "--db", newer, NULL);

    g_assert_cmpint (serve.status, ==, 1);
    g_assert_nonnull (strstr (serve.err, "newer than this program"));
    g_assert_cmpint (check.status, ==, 1);
    g_assert_cmpint (db_scalar (newer, "PRAGMA user_version"), ==, latest + 1);
  }
  client_close (&c);
}

/* ---- Disk full during writes ---------------------------------------------- */

static rlim_t file_size_limit;

/* In the child, before exec: no file of the hub may grow past the limit,
 * and a write past it fails with EFBIG instead of killing the process. */
static void
limit_child (gpointer data)
{
  struct rlimit limit = { file_size_limit, RLIM_INFINITY };

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

/* hub_spawn() with a file size limit, and the environment of production
 * (no G_DEBUG=fatal-warnings: a failed write is logged, not fatal). */
static GSubprocess *
spawn_limited (const char *db,
               guint16    *port,
               rlim_t      limit)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *log = g_strconcat (db, ".log", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  file_size_limit = limit;
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_set_child_setup (launcher, limit_child, NULL, NULL);
  g_unlink (log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("TALA_HUB"), "serve", "--db",
                                      db, "--listen", "127.0.0.1:0", "--no-jobs", fast[0],
                                      fast[1], fast[2], fast[3], NULL);
  g_assert_no_error (error);
  for (;;)
    {
      g_autofree char *text = NULL;
      const char *at;

      if (g_file_get_contents (log, &text, NULL, NULL) &&
          (at = strstr (text, "listening on port ")) != NULL)
        {
          *port = (guint16) atoi (at + strlen ("listening on port "));
          return proc;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("tala-hub serve did not start: %s", text ? text : "(no log)");
      g_usleep (20 * 1000);
    }
}

/* A failed write's answer: 5xx, JSON {"error": {"code", "message"}}. */
static char *
assert_clean_failure (HubReply *r)
{
  g_autoptr(JsonObject) body = NULL;
  JsonObject *err;

  g_test_message ("the failing write was answered %u %s", r->status, r->body);
  g_assert_cmpuint (r->status, >=, 500);
  g_assert_cmpuint (r->status, <, 600);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==,
                   "application/json");
  body = hub_reply_object (r);
  g_assert_true (json_object_has_member (body, "error"));
  err = json_object_get_object_member (body, "error");
  g_assert_nonnull (json_object_get_string_member (err, "code"));
  g_assert_nonnull (json_object_get_string_member (err, "message"));
  return g_strdup (json_object_get_string_member (err, "code"));
}

/* Runbook "The disk is full".  The drill's disk: RLIMIT_FSIZE on the hub's
 * process, so that no file of it grows 256 KiB past the ledger's size: the
 * WAL fills first, and a commit fails as it would on a full disk. */
static void
test_disk_full (void)
{
  g_autofree char *db = seed_ledger (TRUE, 0);
  g_autoptr(GSubprocess) hub = NULL;
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;
  g_autofree char *failed = NULL;
  g_autofree char *lost = NULL;
  g_autofree char *code = NULL;
  HubFixture c = { 0 };
  GStatBuf st;
  guint16 port = 0;
  gint64 base_txns, base_seq;
  struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };

  g_assert_cmpint (g_stat (db, &st), ==, 0);
  base_txns = db_scalar (db, "SELECT count(*) FROM txn");
  base_seq = db_scalar (db, "SELECT max(hub_seq) FROM journal");
  hub = spawn_limited (db, &port, (rlim_t) st.st_size + 256 * 1024);
  client_open (&c, db, port);
  token = hub_login (&c, "cashier1", "cashier1-pass");

  /* Payments until one fails; each one answered 201 must be in the
   * ledger at once (the answer is sent after the commit). */
  for (guint i = 0; i < 2000 && failed == NULL && lost == NULL; i++)
    {
      g_autofree char *notes = g_strdup_printf ("full-%u", i);
      g_auto(HubReply) r = pay (&c, token, notes);

      if (r.status == 201 && count_notes (db, notes) == 1)
        g_ptr_array_add (acknowledged, g_steal_pointer (&notes));
      else if (r.status == 201)
        lost = g_steal_pointer (&notes);
      else
        {
          code = assert_clean_failure (&r);
          failed = g_steal_pointer (&notes);
        }
    }
  /* Every 201 was saved; the first write that could not be is refused. */
  g_assert_null (lost);
  g_assert_nonnull (failed);
  g_test_message ("disk full after %u payments: %s", acknowledged->len, code);
  {
    g_autofree char *log_path = g_strconcat (db, ".log", NULL);
    g_autofree char *log = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
    lines = g_strsplit (log, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      if (strstr (lines[i], " 201 ") == NULL && strstr (lines[i], " 200 ") == NULL &&
          *lines[i] != '\0')
        g_test_message ("hub log: %s", lines[i]);
  }

  /* While the disk is full: the process is up, and reads are answered. */
  {
    g_auto(HubReply) health = hub_call (&c, "GET", "/healthz", NULL, NULL);
    g_auto(HubReply) status = hub_call (&c, "GET", STATUS_PATH, token, NULL);
    g_auto(HubReply) ready = hub_call (&c, "GET", "/readyz", NULL, NULL);

    /* /readyz takes the write lock but writes no page: it does not see a
     * full disk. */
    g_test_message ("/readyz while the disk is full: %u %s", ready.status, ready.body);
    g_assert_cmpuint (health.status, ==, 200);
    g_assert_cmpuint (status.status, ==, 200);
  }
  if (code != NULL)
    {
      /* Every write fails cleanly until there is space again. */
      g_auto(HubReply) again = pay (&c, token, "still-full");
      g_autofree char *again_code = assert_clean_failure (&again);
    }

  /* Nothing half-written: exactly the acknowledged payments are there. */
  for (guint i = 0; i < acknowledged->len; i++)
    g_assert_cmpint (count_notes (db, acknowledged->pdata[i]), ==, 1);
  g_assert_cmpint (count_notes (db, failed), ==, 0);
  g_assert_cmpint (count_notes (db, "still-full"), ==, 0);
  g_assert_cmpint (db_scalar (db, "SELECT count(*) FROM txn"), ==, base_txns + acknowledged->len);
  g_assert_cmpint (db_scalar (db, "SELECT max(hub_seq) FROM journal"), ==,
                   base_seq + acknowledged->len);

  /* Space is freed (the limit is lifted from the running hub): the failed
   * request, sent again with its Idempotency-Key, is applied once, and new
   * ones are too. */
  g_assert_cmpint (prlimit (atoi (g_subprocess_get_identifier (hub)), RLIMIT_FSIZE, &unlimited,
                            NULL), ==, 0);
  {
    g_auto(HubReply) retry = pay (&c, token, failed);
    g_auto(HubReply) next = { 0 };
    g_auto(HubReply) ready = { 0 };

    if (retry.status != 201)
      g_test_message ("after space was freed: %u %s", retry.status, retry.body);
    g_assert_cmpuint (retry.status, ==, 201);
    next = pay (&c, token, "after-space");
    g_assert_cmpuint (next.status, ==, 201);
    ready = hub_call (&c, "GET", "/readyz", NULL, NULL);
    g_assert_cmpuint (ready.status, ==, 200);
  }
  hub_spawn_stop (hub, FALSE);
  g_assert_cmpint (g_subprocess_get_exit_status (hub), ==, 0);
  g_clear_object (&hub);

  /* The ledger is whole, each payment once. */
  assert_ledger_whole (db);
  g_assert_cmpint (count_notes (db, failed), ==, 1);
  g_assert_cmpint (count_notes (db, "still-full"), ==, 0);
  g_assert_cmpint (count_notes (db, "after-space"), ==, 1);
  g_assert_cmpint (db_scalar (db, "SELECT max(hub_seq) FROM journal"), ==,
                   base_seq + acknowledged->len + 2);

  /* And a hub started again on it (no limit) takes payments. */
  port = 0;
  hub = hub_spawn (db, &port, fast);
  c.port = port;
  {
    g_autofree char *token2 = hub_login (&c, "cashier1", "cashier1-pass");
    g_auto(HubReply) paid = pay (&c, token2, "after-restart");

    g_assert_cmpuint (paid.status, ==, 201);
  }
  hub_spawn_stop (hub, FALSE);
  assert_ledger_whole (db);
  client_close (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hub/drills/backup-restore", test_backup_restore);
  g_test_add_func ("/hub/drills/backup-script", test_backup_script);
  g_test_add_func ("/hub/drills/upgrade", test_upgrade);
  g_test_add_func ("/hub/drills/disk-full", test_disk_full);
  return g_test_run ();
}
