/* ledger-db.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ledger's connection: opening, migrations from the schema resource,
 * the per-connection statement cache, nested write transactions and the
 * small binding helpers every rule file uses.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "ledger-private.h"
#include "ledger-resources.h"

#define TALA_APPLICATION_ID 0x54414c41  /* "TALA" */
#define SCHEMA_PREFIX "/org/tala/ledger/schema/"
#define BUSY_TIMEOUT_MS 10000

G_DEFINE_QUARK (tala-ledger-error-quark, tala_ledger_error)

/* SQLITE_BUSY and SQLITE_LOCKED (and their extended codes) are the busy
 * condition of the design: another connection held the lock past the busy
 * timeout, nothing was decided, and the caller may try again.  Every error
 * of SQLite is typed through here. */
static int
error_code (int rc)
{
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED
    ? TALA_LEDGER_ERROR_BUSY : TALA_LEDGER_ERROR_DB;
}

gboolean
tala_db_set_error (TalaLedger *self,
                   int         rc,
                   GError    **error)
{
  int code = error_code (rc);

  g_set_error (error, TALA_LEDGER_ERROR, code, "SQLite error %d: %s",
               rc, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  return FALSE;
}

void
tala_stmt_release (TalaStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static TalaStmt *
prepare (TalaLedger *self,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      tala_db_set_error (self, rc, error);
      g_prefix_error (error, "preparing “%.60s”: ", sql);
      return NULL;
    }
  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
bind_va (TalaLedger *self,
         TalaStmt   *stmt,
         va_list     ap,
         GError    **error)
{
  const char *name;

  while ((name = va_arg (ap, const char *)) != NULL)
    {
      int tag = va_arg (ap, int);
      int idx = sqlite3_bind_parameter_index (stmt, name);
      int rc = SQLITE_OK;

      g_assert (idx > 0);
      switch (tag)
        {
        case DB_INT:
          rc = sqlite3_bind_int64 (stmt, idx, va_arg (ap, gint64));
          break;

        case DB_TEXT:
          {
            const char *text = va_arg (ap, const char *);
            rc = text ? sqlite3_bind_text (stmt, idx, text, -1, SQLITE_TRANSIENT)
                      : sqlite3_bind_null (stmt, idx);
          }
          break;

        case DB_NULL:
          (void) va_arg (ap, gint64);
          rc = sqlite3_bind_null (stmt, idx);
          break;

        default:
          g_assert_not_reached ();
        }
      if (rc != SQLITE_OK)
        return tala_db_set_error (self, rc, error);
    }
  return TRUE;
}

TalaStmt *
tala_db_query (TalaLedger *self,
               GError    **error,
               const char *sql,
               ...)
{
  TalaStmt *stmt = prepare (self, sql, error);
  va_list ap;
  gboolean ok;

  if (stmt == NULL)
    return NULL;
  va_start (ap, sql);
  ok = bind_va (self, stmt, ap, error);
  va_end (ap);
  if (!ok)
    {
      tala_stmt_release (stmt);
      return NULL;
    }
  return stmt;
}

int
tala_db_step (TalaLedger *self,
              TalaStmt   *stmt,
              GError    **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  tala_db_set_error (self, rc, error);
  return -1;
}

gboolean
tala_db_exec (TalaLedger *self,
              GError    **error,
              const char *sql,
              ...)
{
  g_autoptr(TalaStmt) stmt = prepare (self, sql, error);
  va_list ap;
  gboolean ok;
  int rc;

  if (stmt == NULL)
    return FALSE;
  va_start (ap, sql);
  ok = bind_va (self, stmt, ap, error);
  va_end (ap);
  if (!ok)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE;
}

gboolean
tala_db_int (TalaLedger *self,
             gint64     *value,
             gboolean   *found,
             GError    **error,
             const char *sql,
             ...)
{
  g_autoptr(TalaStmt) stmt = prepare (self, sql, error);
  va_list ap;
  gboolean ok;
  int rc;

  *value = 0;
  if (found)
    *found = FALSE;
  if (stmt == NULL)
    return FALSE;
  va_start (ap, sql);
  ok = bind_va (self, stmt, ap, error);
  va_end (ap);
  if (!ok)
    return FALSE;
  rc = tala_db_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      if (found)
        *found = sqlite3_column_type (stmt, 0) != SQLITE_NULL;
    }
  return TRUE;
}

gboolean
tala_db_exec_plain (TalaLedger *self,
                    const char *sql,
                    GError    **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &msg);

  if (rc == SQLITE_OK)
    return TRUE;
  g_set_error (error, TALA_LEDGER_ERROR, error_code (rc),
               "SQLite error %d: %s", rc, msg ? msg : sqlite3_errstr (rc));
  sqlite3_free (msg);
  return FALSE;
}

const char *
tala_stmt_text (TalaStmt *stmt,
                int       col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

gint64
tala_stmt_int (TalaStmt *stmt,
               int       col)
{
  return sqlite3_column_int64 (stmt, col);
}

gboolean
tala_stmt_is_null (TalaStmt *stmt,
                   int       col)
{
  return sqlite3_column_type (stmt, col) == SQLITE_NULL;
}

/* ---- Transactions -------------------------------------------------------- */

/* BEGIN IMMEDIATE at depth 0, a savepoint deeper.  The busy handler waits up
 * to BUSY_TIMEOUT_MS; past that the caller gets TALA_LEDGER_ERROR_BUSY. */
gboolean
tala_ledger_begin (TalaLedger *self,
                   GError    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* Prepared once and cached like any statement: a transaction per op
   * should not parse SQL. */
  if (!tala_db_exec (self, error, self->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT tala", NULL))
    return FALSE;
  self->depth++;
  return TRUE;
}

gboolean
tala_ledger_commit (TalaLedger *self,
                    GError    **error)
{
  g_return_val_if_fail (self != NULL && self->depth > 0, FALSE);

  if (!tala_db_exec (self, error, self->depth == 1 ? "COMMIT" : "RELEASE tala", NULL))
    {
      tala_ledger_rollback (self);
      return FALSE;
    }
  self->depth--;
  return TRUE;
}

void
tala_ledger_rollback (TalaLedger *self)
{
  g_return_if_fail (self != NULL && self->depth > 0);

  if (self->depth == 1)
    tala_db_exec (self, NULL, "ROLLBACK", NULL);
  else
    {
      tala_db_exec (self, NULL, "ROLLBACK TO tala", NULL);
      tala_db_exec (self, NULL, "RELEASE tala", NULL);
    }
  self->depth--;
}

/* ---- Opening and migrations ---------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char **) a, *(char **) b);
}

static GPtrArray *
schema_files (void)
{
  g_auto(GStrv) names = NULL;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  /* Referencing the resource keeps its object file in the static library's
   * users; its constructor registers it. */
  (void) ledger_get_resource ();
  names = g_resources_enumerate_children (SCHEMA_PREFIX, 0, NULL);

  for (guint i = 0; names && names[i]; i++)
    if (g_str_has_suffix (names[i], ".sql"))
      g_ptr_array_add (files, g_strdup (names[i]));
  g_ptr_array_sort (files, compare_names);
  return files;
}

int
tala_ledger_schema_version (void)
{
  g_autoptr(GPtrArray) files = schema_files ();

  return files->len == 0 ? 0 : atoi (g_ptr_array_index (files, files->len - 1));
}

gboolean
_tala_ledger_migrate (TalaLedger *self,
                      GError    **error)
{
  g_autoptr(GPtrArray) files = schema_files ();
  gint64 version, app_id;

  /* A ledger that is already current needs no write lock to open: the
   * connections of a busy hub (or of test-concurrency's eight threads) must
   * not queue for it, nor fail to open when the writer keeps it past the
   * busy timeout.  Otherwise the check is made again under the lock. */
  if (!tala_db_int (self, &version, NULL, error, "PRAGMA user_version", NULL) ||
      !tala_db_int (self, &app_id, NULL, error, "PRAGMA application_id", NULL))
    return FALSE;
  if (app_id == TALA_APPLICATION_ID && version == tala_ledger_schema_version ())
    return TRUE;
  if (!tala_ledger_begin (self, error))
    return FALSE;
  if (!tala_db_int (self, &version, NULL, error, "PRAGMA user_version", NULL) ||
      !tala_db_int (self, &app_id, NULL, error, "PRAGMA application_id", NULL))
    goto fail;
  if (app_id != 0 && app_id != TALA_APPLICATION_ID)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_SCHEMA,
                   "%s is not a Tala ledger (application_id %" G_GINT64_FORMAT ")",
                   self->path, app_id);
      goto fail;
    }
  if (version > tala_ledger_schema_version ())
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_SCHEMA,
                   "%s has schema version %" G_GINT64_FORMAT ", newer than this "
                   "program's %d", self->path, version, tala_ledger_schema_version ());
      goto fail;
    }
  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autofree char *path = g_strconcat (SCHEMA_PREFIX, name, NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *sql = NULL;
      g_autofree char *pragma = NULL;

      if (atoi (name) <= version)
        continue;
      bytes = g_resources_lookup_data (path, 0, error);
      if (bytes == NULL)
        goto fail;
      sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      if (!tala_db_exec_plain (self, sql, error))
        {
          g_prefix_error (error, "migration %s: ", name);
          goto fail;
        }
      pragma = g_strdup_printf ("PRAGMA user_version = %d", atoi (name));
      if (!tala_db_exec_plain (self, pragma, error))
        goto fail;
    }
  if (!tala_db_exec_plain (self, "PRAGMA application_id = 1413565505", error))
    goto fail;
  return tala_ledger_commit (self, error);

fail:
  tala_ledger_rollback (self);
  return FALSE;
}

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

/**
 * tala_ledger_open:
 * @path: a database file; created when missing
 * @error: return location for a #GError
 *
 * Opens (creating if needed) and migrates a ledger.  The connection is for
 * one thread at a time (NOMUTEX), in WAL mode, with foreign keys on,
 * synchronous=NORMAL (see tala_ledger_set_durable()) and a 10 s busy
 * timeout.  Blocks on disk I/O.
 *
 * Returns: (transfer full): the ledger, or %NULL with @error set
 */
TalaLedger *
tala_ledger_open (const char *path,
                  GError    **error)
{
  g_autoptr(TalaLedger) self = g_new0 (TalaLedger, 1);
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  self->stmts = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      tala_db_set_error (self, rc, error);
      g_prefix_error (error, "opening %s: ", path);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  /* temp_store stays FILE.  With MEMORY, a statement's sub-journal never
   * spills to a temporary file, and SQLite truncates an in-memory journal
   * by walking its chunks from the start: every statement inside a long
   * transaction then costs time in proportion to everything the
   * transaction wrote before it (a replica undoing 5,000 offline payments
   * took a minute).  A spilled sub-journal truncates in constant time. */
  if (!tala_db_exec_plain (self, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                           " PRAGMA cache_size = -32768", error))
    return NULL;
  if (strcmp (path, ":memory:") != 0)
    {
      stmt = tala_db_query (self, error, "PRAGMA journal_mode = WAL", NULL);
      if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
        return NULL;
      if (g_ascii_strcasecmp (tala_stmt_text (stmt, 0), "wal") != 0)
        {
          g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB,
                       "%s: cannot switch to WAL mode", path);
          return NULL;
        }
      g_clear_pointer (&stmt, tala_stmt_release);
    }
  if (!_tala_ledger_migrate (self, error))
    return NULL;
  if (!tala_db_int (self, &self->last_applied, NULL, error,
                    "SELECT applied_at FROM journal ORDER BY hub_seq DESC LIMIT 1",
                    NULL))
    return NULL;
  return g_steal_pointer (&self);
}

void
tala_ledger_free (TalaLedger *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db)
    sqlite3_close (self->db);
  g_free (self->path);
  g_free (self);
}

/* synchronous=FULL (durable: every commit survives power loss) or NORMAL. */
gboolean
tala_ledger_set_durable (TalaLedger *self,
                         gboolean    durable,
                         GError    **error)
{
  return tala_db_exec_plain (self, durable ? "PRAGMA synchronous = FULL"
                                           : "PRAGMA synchronous = NORMAL", error);
}

gint64
tala_ledger_get_hub_seq (TalaLedger *self)
{
  gint64 seq = 0;

  tala_db_int (self, &seq, NULL, NULL, "SELECT coalesce(max(hub_seq), 0) FROM journal", NULL);
  return seq;
}

/**
 * tala_ledger_backup:
 * @path: the file to write; must not exist
 *
 * Writes a consistent copy of the ledger to @path while others keep
 * working: SQLite's online backup, copying 256 pages a step and starting
 * again when another connection writes meanwhile (WAL readers are never
 * blocked).  The copy is then checkpointed into one self-contained file.
 * %TALA_LEDGER_ERROR_INVALID when @path exists.  Blocks; call it off any
 * main loop.
 */
gboolean
tala_ledger_backup (TalaLedger *self,
                    const char *path,
                    GError    **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "%s exists; a backup never overwrites a file", path);
      return FALSE;
    }
  rc = sqlite3_open_v2 (path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  backup = sqlite3_backup_init (dest, "main", self->db, "main");
  if (backup == NULL)
    {
      rc = sqlite3_errcode (dest);
      goto fail;
    }
  do
    {
      rc = sqlite3_backup_step (backup, 256);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep (5);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    goto fail;
  rc = sqlite3_exec (dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  sqlite3_close (dest);
  return TRUE;

fail:
  g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB, "backup to %s: %s", path,
               dest ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
  sqlite3_close (dest);
  g_unlink (path);
  return FALSE;
}
