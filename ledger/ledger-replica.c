/* ledger-replica.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ledger's part of the sync protocol (tala-ledger-replica.h).
 *
 * The hub's change feed is its journal: every applied op in hub_seq order
 * with the time it was applied.  Applying an op is a pure function of the
 * database, the op and that time (ops.md §3), so a replica that replays
 * the entries after its snapshot's cursor holds exactly the hub's rows;
 * the same property makes `tala-hub check --rebuild` work.
 *
 * A terminal applies its own ops provisionally with the same code, and
 * keeps the SQLite session changeset of each.  Rebasing undoes those
 * changesets (newest first), replays what the hub decided, and applies the
 * still pending ops again; sync/ drives that.
 */

#define G_LOG_DOMAIN "tala-ledger"
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "ledger-private.h"
#include "tala-ledger-replica.h"

/* ---- The change feed ----------------------------------------------------- */

/**
 * tala_ledger_changes_json:
 * @after: the cursor the caller has
 * @limit: at most this many entries (1..5000)
 *
 * Returns: (transfer full): the JSON text, or %NULL with @error set
 */
char *
tala_ledger_changes_json (TalaLedger  *self,
                          gint64       after,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GString) out = g_string_new ("{\"changes\":[");
  gint64 cursor = after;
  gboolean more = FALSE;
  guint n = 0;
  int rc;

  g_return_val_if_fail (self != NULL && limit > 0, NULL);

  /* One statement reads one snapshot of the journal. */
  {
    g_autoptr(TalaStmt) stmt = tala_db_query (self, error,
                                              "SELECT hub_seq, applied_at, op_json FROM journal"
                                              " WHERE hub_seq > :after ORDER BY hub_seq"
                                              " LIMIT :limit",
                                              ":after", DB_INT, after,
                                              ":limit", DB_INT, (gint64) limit + 1, NULL);

    if (stmt == NULL)
      return NULL;
    while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
      {
        if (n == limit)
          {
            more = TRUE;
            break;
          }
        cursor = tala_stmt_int (stmt, 0);
        g_string_append_printf (out, "%s{\"hub_seq\":%" G_GINT64_FORMAT ",\"applied_at_us\":%"
                                G_GINT64_FORMAT ",\"op\":", n ? "," : "", cursor,
                                tala_stmt_int (stmt, 1));
        /* op_json is canonical JSON as the journal stored it. */
        g_string_append (out, tala_stmt_text (stmt, 2));
        g_string_append_c (out, '}');
        n++;
      }
    if (rc < 0)
      return NULL;
  }
  g_string_append_printf (out, "],\"cursor\":%" G_GINT64_FORMAT ",\"more\":%s}", cursor,
                          more ? "true" : "false");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- The snapshot -------------------------------------------------------- */

/* What a terminal must never receive, and what is the hub's own business. */
static const char *const private_tables[] = {
  "credential_password",
  "credential_token",
  "credential_alias",
  "job_run",
  "job_schedule",
  "device",
};

static gboolean
sqlite_fail (sqlite3     *db,
             const char  *what,
             GError     **error)
{
  g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB, "%s: %s", what,
               sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
scrub_copy (const char  *path,
            gint64      *cursor,
            GError     **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      sqlite_fail (db, "opening the snapshot", error);
      goto out;
    }
  /* secure_delete zeroes the freed pages, so no secret stays in the file. */
  if (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA secure_delete = ON;"
                    " BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      sqlite_fail (db, "preparing the snapshot", error);
      goto out;
    }
  for (guint i = 0; i < G_N_ELEMENTS (private_tables); i++)
    {
      g_autofree char *sql = NULL;
      int exists = 0;

      if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                              " AND name = ?1", -1, &stmt, NULL) != SQLITE_OK)
        {
          sqlite_fail (db, "reading the snapshot's schema", error);
          goto out;
        }
      sqlite3_bind_text (stmt, 1, private_tables[i], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        exists = sqlite3_column_int (stmt, 0);
      g_clear_pointer (&stmt, sqlite3_finalize);
      if (!exists)
        continue;
      /* The names are the constants above, never input. */
      sql = g_strdup_printf ("DELETE FROM %s", private_tables[i]);
      if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
        {
          sqlite_fail (db, "scrubbing the snapshot", error);
          goto out;
        }
    }
  if (sqlite3_prepare_v2 (db, "SELECT coalesce(max(hub_seq), 0) FROM journal", -1, &stmt,
                          NULL) != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite_fail (db, "reading the snapshot's cursor", error);
      goto out;
    }
  *cursor = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      sqlite_fail (db, "writing the snapshot", error);
      goto out;
    }
  ok = TRUE;

out:
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

/**
 * tala_ledger_snapshot:
 * @dest_path: a file that does not exist yet
 * @cursor: (out): the newest hub_seq in the copy
 *
 * VACUUM INTO copies the ledger as of one read transaction; the copy is
 * then scrubbed (private_tables) in rollback-journal mode, so that it is
 * one self-contained file.  On failure the file is removed.
 */
gboolean
tala_ledger_snapshot (TalaLedger  *self,
                      const char  *dest_path,
                      gint64      *cursor,
                      GError     **error)
{
  g_return_val_if_fail (self != NULL && dest_path != NULL && cursor != NULL, FALSE);

  if (g_file_test (dest_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "%s already exists", dest_path);
      return FALSE;
    }
  if (!tala_db_exec (self, error, "VACUUM INTO :dest", ":dest", DB_TEXT, dest_path, NULL) ||
      !scrub_copy (dest_path, cursor, error))
    {
      g_unlink (dest_path);
      return FALSE;
    }
  return TRUE;
}

/* ---- The replica --------------------------------------------------------- */

sqlite3 *
tala_ledger_get_handle (TalaLedger *self)
{
  return self->db;
}

gboolean
tala_ledger_make_replica (TalaLedger  *self,
                          GError     **error)
{
  return tala_db_exec_plain (self,
                             "DROP TRIGGER IF EXISTS journal_no_update;"
                             " DROP TRIGGER IF EXISTS journal_no_delete;"
                             " DROP TRIGGER IF EXISTS audit_no_update;"
                             " DROP TRIGGER IF EXISTS audit_no_delete", error);
}

static int
record_table (void       *data,
              const char *table)
{
  return !g_str_has_prefix (table, "sync_");
}

/**
 * tala_ledger_apply_recorded:
 * @changeset: (out) (transfer full) (nullable): what the op wrote
 *
 * Returns: (transfer full): the result envelope, or %NULL with @error set
 */
JsonObject *
tala_ledger_apply_recorded (TalaLedger  *self,
                            JsonObject  *op,
                            TalaChannel  channel,
                            gint64       now_us,
                            GBytes     **changeset,
                            GError     **error)
{
  sqlite3_session *session = NULL;
  g_autoptr(TalaBatch) batch = NULL;
  JsonObject *result;
  void *data = NULL;
  int size = 0;

  g_return_val_if_fail (self != NULL && op != NULL && changeset != NULL, NULL);

  *changeset = NULL;
  if (sqlite3session_create (self->db, "main", &session) != SQLITE_OK)
    {
      tala_db_set_error (self, sqlite3_errcode (self->db), error);
      return NULL;
    }
  sqlite3session_table_filter (session, record_table, NULL);
  if (sqlite3session_attach (session, NULL) != SQLITE_OK)
    {
      sqlite3session_delete (session);
      tala_db_set_error (self, sqlite3_errcode (self->db), error);
      return NULL;
    }
  /* A replica never keeps a rejection: the hub decides, and a stored local
   * one would answer for the op when the hub's entry is replayed. */
  batch = tala_batch_new ();
  tala_batch_set_forget_rejections (batch, TRUE);
  result = tala_ledger_apply (self, op, channel, now_us, batch, error);
  if (result != NULL && !sqlite3session_isempty (session))
    {
      int rc = sqlite3session_changeset (session, &size, &data);

      if (rc != SQLITE_OK)
        {
          g_clear_pointer (&result, json_object_unref);
          g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB,
                       "recording an op's changes: %s", sqlite3_errstr (rc));
        }
      else
        *changeset = g_bytes_new_with_free_func (data, (gsize) size, sqlite3_free, data);
    }
  sqlite3session_delete (session);
  return result;
}

typedef struct
{
  int conflicts;
} UndoState;

static int
undo_conflict (void                 *data,
               int                   type,
               sqlite3_changeset_iter *iter)
{
  UndoState *state = data;

  state->conflicts++;
  return SQLITE_CHANGESET_ABORT;
}

gboolean
tala_ledger_undo (TalaLedger  *self,
                  GBytes      *changeset,
                  GError     **error)
{
  UndoState state = { 0 };
  void *inverse = NULL;
  int size = 0;
  int rc;

  g_return_val_if_fail (self != NULL && changeset != NULL, FALSE);

  rc = sqlite3changeset_invert ((int) g_bytes_get_size (changeset),
                                (void *) g_bytes_get_data (changeset, NULL), &size, &inverse);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB,
                   "undoing a provisional op: %s", sqlite3_errstr (rc));
      return FALSE;
    }
  rc = sqlite3changeset_apply (self->db, size, inverse, NULL, undo_conflict, &state);
  sqlite3_free (inverse);
  if (rc != SQLITE_OK || state.conflicts > 0)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB,
                   "undoing a provisional op: the replica was changed under it (%s)",
                   sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

gboolean
tala_ledger_replay_entry (TalaLedger  *self,
                          JsonObject  *op,
                          gint64       applied_at_us,
                          gint64       hub_seq,
                          GError     **error)
{
  g_autoptr(JsonObject) result = NULL;
  const char *status;

  g_return_val_if_fail (self != NULL && op != NULL, FALSE);

  result = _tala_ledger_apply_at (self, op, TALA_CHANNEL_TRUSTED, applied_at_us, TRUE, NULL,
                                  error);
  if (result == NULL)
    return FALSE;
  status = json_object_get_string_member_with_default (result, "status", "");
  if (strcmp (status, "applied") != 0 ||
      json_object_get_int_member_with_default (result, "hub_seq", 0) != hub_seq)
    {
      g_autofree char *text = tala_json_canonical_object (result);

      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB,
                   "the hub's entry %" G_GINT64_FORMAT " did not replay here: %s", hub_seq,
                   text);
      return FALSE;
    }
  return TRUE;
}
