/* bench-ledger-raw.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The raw SQLite baselines of bench-ledger, both in WAL mode at
 * synchronous=FULL with bound prepared statements and no rules:
 *
 * - raw: what a payment is about and nothing more: a row in a minimal
 *   payment table and an update of the student's balance row.  The budget
 *   of DESIGN.md is measured against this one.
 * - same rows: exactly the rows the ledger wrote for its payments (txn,
 *   allocation, bucket, enrollment, permit, notification, audit, journal,
 *   applied_op, device_counter), read back from the ledger after its run
 *   and written again into a ledger set up the same way.  The gap between
 *   the ledger and this one is the cost of the ledger's code; the gap
 *   between this one and raw is the cost of its schema.
 */

#define G_LOG_DOMAIN "bench-ledger"

#include "config.h"

#include <string.h>

#include "bench-ledger.h"

gboolean
bench_sqlite_check (sqlite3    *db,
                    int         rc,
                    const char *what,
                    GError    **error)
{
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  g_set_error (error, BENCH_ERROR, 0, "%s: SQLite error %d: %s", what, rc,
               db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

/* WAL (checked) and synchronous=FULL, as tala_ledger_set_durable() sets. */
static gboolean
durable_wal (sqlite3    *db,
             GError    **error)
{
  g_autoptr(RawStmt) mode = NULL;

  if (!bench_sqlite_check (db, sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &mode,
                                                   NULL), "journal_mode", error) ||
      !bench_sqlite_check (db, sqlite3_step (mode), "journal_mode", error))
    return FALSE;
  if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (mode, 0), "wal") != 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "cannot switch to WAL mode");
      return FALSE;
    }
  g_clear_pointer (&mode, sqlite3_finalize);
  return bench_sqlite_check (db, sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL,
                                               NULL), "synchronous", error);
}

static gboolean
exec (sqlite3    *db,
      const char *sql,
      GError    **error)
{
  return bench_sqlite_check (db, sqlite3_exec (db, sql, NULL, NULL, NULL), sql, error);
}

/* ---- raw ----------------------------------------------------------------- */

static const char raw_schema[] =
  "CREATE TABLE payment (\n"
  "  id          INTEGER PRIMARY KEY,\n"
  "  uuid        TEXT NOT NULL UNIQUE,\n"
  "  student     TEXT NOT NULL,\n"
  "  amount      INTEGER NOT NULL,\n"
  "  method      TEXT NOT NULL,\n"
  "  receipt_no  TEXT NOT NULL UNIQUE,\n"
  "  recorded_at INTEGER NOT NULL,\n"
  "  applied_at  INTEGER NOT NULL\n"
  ") STRICT;\n"
  "CREATE TABLE balance (\n"
  "  student    TEXT PRIMARY KEY,\n"
  "  paid       INTEGER NOT NULL,\n"
  "  updated_at INTEGER NOT NULL\n"
  ") STRICT;\n";

static const char raw_insert_sql[] =
  "INSERT INTO payment (uuid, student, amount, method, receipt_no, recorded_at, applied_at)"
  " VALUES (:uuid, :student, :amount, 'CASH', :receipt, :recorded, :applied)";
static const char raw_update_sql[] =
  "UPDATE balance SET paid = paid + :amount, updated_at = :at WHERE student = :student";

static int
bind_int (RawStmt    *stmt,
          const char *name,
          gint64      value)
{
  int idx = sqlite3_bind_parameter_index (stmt, name);

  g_assert (idx > 0);
  return sqlite3_bind_int64 (stmt, idx, value);
}

static int
bind_text (RawStmt    *stmt,
           const char *name,
           const char *value)
{
  int idx = sqlite3_bind_parameter_index (stmt, name);

  g_assert (idx > 0);
  return sqlite3_bind_text (stmt, idx, value, -1, SQLITE_STATIC);
}

static gboolean
raw_setup (sqlite3    *db,
           GPtrArray  *numbers,
           GError    **error)
{
  g_autoptr(RawStmt) insert = NULL;
  int rc;

  if (!durable_wal (db, error) || !exec (db, raw_schema, error) ||
      !exec (db, "BEGIN IMMEDIATE", error) ||
      !bench_sqlite_check (db, sqlite3_prepare_v2 (db, "INSERT INTO balance (student, paid,"
                                                   " updated_at) VALUES (:student, 0, 0)",
                                                   -1, &insert, NULL), "balance", error))
    return FALSE;
  for (guint i = 0; i < numbers->len; i++)
    {
      rc = bind_text (insert, ":student", g_ptr_array_index (numbers, i));
      if (rc == SQLITE_OK)
        rc = sqlite3_step (insert);
      if (!bench_sqlite_check (db, rc, "balance", error))
        return FALSE;
      sqlite3_reset (insert);
    }
  return exec (db, "COMMIT", error);
}

/* One payment: its row and its student's balance.  @seq numbers the receipt. */
static int
raw_payment (RawStmt       *insert,
             RawStmt       *update,
             const Payment *p,
             const char    *number,
             int            seq)
{
  char receipt[32];
  gint64 now = g_get_real_time ();
  int rc;

  g_snprintf (receipt, sizeof receipt, "HUB-%06d", seq);
  if ((rc = bind_text (insert, ":uuid", p->uuid)) != SQLITE_OK ||
      (rc = bind_text (insert, ":student", number)) != SQLITE_OK ||
      (rc = bind_int (insert, ":amount", p->amount)) != SQLITE_OK ||
      (rc = bind_text (insert, ":receipt", receipt)) != SQLITE_OK ||
      (rc = bind_int (insert, ":recorded", now)) != SQLITE_OK ||
      (rc = bind_int (insert, ":applied", now)) != SQLITE_OK ||
      (rc = sqlite3_step (insert)) != SQLITE_DONE)
    return rc;
  sqlite3_reset (insert);
  if ((rc = bind_int (update, ":amount", p->amount)) != SQLITE_OK ||
      (rc = bind_int (update, ":at", now)) != SQLITE_OK ||
      (rc = bind_text (update, ":student", number)) != SQLITE_OK ||
      (rc = sqlite3_step (update)) != SQLITE_DONE)
    return rc;
  sqlite3_reset (update);
  return SQLITE_DONE;
}

static gboolean
raw_timed (sqlite3       *db,
           const Payment *plan,
           GPtrArray     *numbers,
           Measure       *m,
           GError       **error)
{
  g_autoptr(RawStmt) insert = NULL;
  g_autoptr(RawStmt) update = NULL;
  gint64 start;

  if (!bench_sqlite_check (db, sqlite3_prepare_v3 (db, raw_insert_sql, -1,
                                                   SQLITE_PREPARE_PERSISTENT, &insert, NULL),
                           "prepare", error) ||
      !bench_sqlite_check (db, sqlite3_prepare_v3 (db, raw_update_sql, -1,
                                                   SQLITE_PREPARE_PERSISTENT, &update, NULL),
                           "prepare", error))
    return FALSE;

  start = g_get_monotonic_time ();
  for (int i = 0; i < m->n_ops; i += m->batch)
    {
      if (!exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      for (int j = i; j < MIN (m->n_ops, i + m->batch); j++)
        if (!bench_sqlite_check (db, raw_payment (insert, update, &plan[j],
                                                  g_ptr_array_index (numbers, plan[j].student),
                                                  j + 1), "payment", error))
          return FALSE;
      if (!exec (db, "COMMIT", error))
        return FALSE;
    }
  m->elapsed_us = g_get_monotonic_time () - start;
  return TRUE;
}

gboolean
bench_raw_run (const Payment *plan,
               GPtrArray     *numbers,
               const char    *path,
               Measure       *m,
               GError       **error)
{
  sqlite3 *db = NULL;
  gboolean ok;

  ok = bench_sqlite_check (db, sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE |
                                                SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                                NULL), "open", error) &&
       raw_setup (db, numbers, error) &&
       raw_timed (db, plan, numbers, m, error);
  if (!ok)
    g_prefix_error (error, "raw baseline: ");
  sqlite3_close (db);
  return ok;
}

/* ---- same rows ----------------------------------------------------------- */

/* One kind of write a payment made.  @read selects, from the ledger after
 * its run, one row per write with the payment's hub_seq first (?1 is the
 * first payment's hub_seq).  @write writes it again, binding column i of
 * @read to ?(i+1); NULL means INSERT INTO @table the columns after the
 * first.  Within a payment the writes go in this order. */
static const struct
{
  const char *table;
  const char *read;
  const char *write;
} row_kinds[] = {
  { "txn", "SELECT hub_seq, * FROM txn WHERE hub_seq >= ?1 ORDER BY id", NULL },
  { "allocation", "SELECT t.hub_seq, a.* FROM allocation a JOIN txn t ON t.id = a.txn_id"
    " WHERE t.hub_seq >= ?1 ORDER BY a.txn_id, a.month", NULL },
  { "bucket", "SELECT t.hub_seq, a.amount, t.enrollment_id, a.month FROM allocation a"
    " JOIN txn t ON t.id = a.txn_id WHERE t.hub_seq >= ?1 ORDER BY a.txn_id, a.month",
    "UPDATE bucket SET paid_total = paid_total + ?2, is_paid = paid_total + ?2 >= due,"
    " hub_seq = ?1 WHERE enrollment_id = ?3 AND month = ?4" },
  { "enrollment", "SELECT hub_seq, amount, credit_delta, enrollment_id FROM txn"
    " WHERE hub_seq >= ?1 AND enrollment_id IS NOT NULL ORDER BY id",
    "UPDATE enrollment SET net = net + ?2, credit = credit + ?3, hub_seq = ?1 WHERE id = ?4" },
  { "permit", "SELECT hub_seq, status, code, code_date, code_seq, unlocked_at, unlocked_by,"
    " expires, enrollment_id, period FROM permit WHERE hub_seq >= ?1 ORDER BY hub_seq",
    "UPDATE permit SET hub_seq = ?1, status = ?2, code = ?3, code_date = ?4, code_seq = ?5,"
    " unlocked_at = ?6, unlocked_by = ?7, expires = ?8 WHERE enrollment_id = ?9"
    " AND period = ?10" },
  { "notification", "SELECT hub_seq, * FROM notification WHERE hub_seq >= ?1 ORDER BY id", NULL },
  { "audit", "SELECT hub_seq, * FROM audit WHERE hub_seq >= ?1 ORDER BY id", NULL },
  { "journal", "SELECT hub_seq, * FROM journal WHERE hub_seq >= ?1 ORDER BY hub_seq", NULL },
  { "applied_op", "SELECT hub_seq, * FROM applied_op WHERE hub_seq >= ?1 ORDER BY rowid", NULL },
  { "device_counter", "SELECT hub_seq FROM journal WHERE hub_seq >= ?1 ORDER BY hub_seq",
    "UPDATE device_counter SET max_device_seq = max (max_device_seq, ?1) WHERE device = 'HUB'" },
};

/* The rows of one row_kinds[] entry. */
typedef struct
{
  RawStmt   *write;         /* prepared on the target */
  int        n_cols;        /* values per row; the first is the hub_seq */
  GPtrArray *rows;          /* sqlite3_value *[n_cols] each, in hub_seq order */
  guint      next;          /* the first row not yet written */
} RowSet;

static void
row_set_clear (RowSet *set)
{
  for (guint i = 0; set->rows && i < set->rows->len; i++)
    {
      sqlite3_value **row = g_ptr_array_index (set->rows, i);

      for (int c = 0; c < set->n_cols; c++)
        sqlite3_value_free (row[c]);
      g_free (row);
    }
  g_clear_pointer (&set->rows, g_ptr_array_unref);
  g_clear_pointer (&set->write, sqlite3_finalize);
}

static char *
insert_sql (const char *table,
            int         n_cols)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO %s VALUES (", table);
  for (int c = 2; c <= n_cols; c++)
    g_string_append_printf (sql, "%s?%d", c > 2 ? ", " : "", c);
  g_string_append_c (sql, ')');
  return g_string_free (sql, FALSE);
}

/* Reads the rows of row_kinds[@k] from @src and prepares their write on @dst. */
static gboolean
row_set_load (sqlite3  *src,
              sqlite3  *dst,
              guint     k,
              gint64    first,
              RowSet   *set,
              GError  **error)
{
  g_autoptr(RawStmt) read = NULL;
  g_autofree char *sql = NULL;
  int rc;

  if (!bench_sqlite_check (src, sqlite3_prepare_v2 (src, row_kinds[k].read, -1, &read, NULL),
                           row_kinds[k].table, error))
    return FALSE;
  sqlite3_bind_int64 (read, 1, first);
  set->n_cols = sqlite3_column_count (read);
  set->rows = g_ptr_array_new ();
  while ((rc = sqlite3_step (read)) == SQLITE_ROW)
    {
      sqlite3_value **row = g_new (sqlite3_value *, set->n_cols);

      for (int c = 0; c < set->n_cols; c++)
        row[c] = sqlite3_value_dup (sqlite3_column_value (read, c));
      g_ptr_array_add (set->rows, row);
    }
  if (!bench_sqlite_check (src, rc, row_kinds[k].table, error))
    return FALSE;
  sql = row_kinds[k].write ? g_strdup (row_kinds[k].write)
                           : insert_sql (row_kinds[k].table, set->n_cols);
  return bench_sqlite_check (dst, sqlite3_prepare_v3 (dst, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                                      &set->write, NULL),
                             row_kinds[k].table, error);
}

/* Writes every row of @set that payment @seq wrote. */
static int
row_set_write (RowSet *set,
               gint64  seq)
{
  while (set->next < set->rows->len)
    {
      sqlite3_value **row = g_ptr_array_index (set->rows, set->next);
      int rc = SQLITE_OK;

      if (sqlite3_value_int64 (row[0]) > seq)
        break;
      for (int c = 0; c < set->n_cols && rc == SQLITE_OK; c++)
        rc = sqlite3_bind_value (set->write, c + 1, row[c]);
      if (rc == SQLITE_OK)
        rc = sqlite3_step (set->write);
      sqlite3_reset (set->write);
      set->next++;
      if (rc != SQLITE_DONE)
        return rc;
    }
  return SQLITE_DONE;
}

static gboolean
rows_timed (sqlite3  *dst,
            RowSet   *sets,
            gint64    first,
            Measure  *m,
            GError  **error)
{
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < m->n_ops; i += m->batch)
    {
      if (!exec (dst, "BEGIN IMMEDIATE", error))
        return FALSE;
      for (int j = i; j < MIN (m->n_ops, i + m->batch); j++)
        for (guint k = 0; k < G_N_ELEMENTS (row_kinds); k++)
          if (!bench_sqlite_check (dst, row_set_write (&sets[k], first + j),
                                   row_kinds[k].table, error))
            return FALSE;
      if (!exec (dst, "COMMIT", error))
        return FALSE;
    }
  m->elapsed_us = g_get_monotonic_time () - start;
  return TRUE;
}

static gboolean
rows_load_and_time (sqlite3  *src,
                    sqlite3  *dst,
                    Measure  *m,
                    GError  **error)
{
  RowSet sets[G_N_ELEMENTS (row_kinds)] = { { 0 } };
  g_autoptr(RawStmt) stmt = NULL;
  gint64 first;
  gboolean ok = TRUE;

  if (!bench_sqlite_check (src, sqlite3_prepare_v2 (src, "SELECT min(hub_seq) FROM journal"
                                                    " WHERE kind = 'payment.record'", -1,
                                                    &stmt, NULL), "journal", error) ||
      !bench_sqlite_check (src, sqlite3_step (stmt), "journal", error))
    return FALSE;
  first = sqlite3_column_int64 (stmt, 0);
  for (guint k = 0; ok && k < G_N_ELEMENTS (row_kinds); k++)
    ok = row_set_load (src, dst, k, first, &sets[k], error);
  ok = ok && durable_wal (dst, error) && exec (dst, "PRAGMA foreign_keys = ON", error) &&
       rows_timed (dst, sets, first, m, error);
  for (guint k = 0; k < G_N_ELEMENTS (row_kinds); k++)
    row_set_clear (&sets[k]);
  return ok;
}

gboolean
bench_rows_run (const char *source,
                const char *target,
                Measure    *m,
                GError    **error)
{
  sqlite3 *src = NULL, *dst = NULL;
  gboolean ok;

  ok = bench_sqlite_check (src, sqlite3_open_v2 (source, &src, SQLITE_OPEN_READONLY, NULL),
                           source, error) &&
       bench_sqlite_check (dst, sqlite3_open_v2 (target, &dst, SQLITE_OPEN_READWRITE |
                                                 SQLITE_OPEN_NOMUTEX, NULL), target, error) &&
       rows_load_and_time (src, dst, m, error);
  if (!ok)
    g_prefix_error (error, "same-rows baseline: ");
  sqlite3_close (src);
  sqlite3_close (dst);
  return ok;
}
