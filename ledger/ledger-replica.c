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

/* What a terminal never receives: secrets and the hub's own bookkeeping. */
static const char *const private_tables[] = {
  "credential_password",
  "credential_token",
  "credential_alias",
  "job_run",
  "job_schedule",
  "device",
};

/* History a replica does not need in full: the journal and the audit log
 * keep their newest entry (the next hub_seq and the next link of each
 * chain come from it); decisions are the hub's business. */
static const struct
{
  const char *table;
  const char *rows;   /* a constant WHERE clause, NULL: every row */
} copied_partly[] = {
  { "journal", "hub_seq = (SELECT max(hub_seq) FROM main.journal)" },
  { "audit", "id = (SELECT max(id) FROM main.audit)" },
  { "applied_op", "0" },
};

static gboolean
is_private (const char *table)
{
  for (guint i = 0; i < G_N_ELEMENTS (private_tables); i++)
    if (strcmp (table, private_tables[i]) == 0)
      return TRUE;
  return g_str_has_prefix (table, "sqlite_") || g_str_has_prefix (table, "sync_");
}

/* The tables of the ledger, by name (a constant list from the schema). */
static GPtrArray *
table_names (TalaLedger  *self,
             GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "SELECT name FROM main.sqlite_schema WHERE type = 'table'"
                          " ORDER BY name", -1, &stmt, NULL) != SQLITE_OK)
    {
      tala_db_set_error (self, sqlite3_errcode (self->db), error);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      tala_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&names);
}

/* Copies what a replica needs from main into the attached "snap", in the
 * caller's read transaction. */
static gboolean
copy_tables (TalaLedger  *self,
             GError     **error)
{
  g_autoptr(GPtrArray) names = table_names (self, error);

  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      const char *table = g_ptr_array_index (names, i);
      const char *rows = NULL;
      g_autofree char *sql = NULL;

      if (is_private (table))
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (copied_partly); j++)
        if (strcmp (table, copied_partly[j].table) == 0)
          rows = copied_partly[j].rows;
      /* The names come from the schema; a quote in one would be a bug. */
      g_assert (strchr (table, '"') == NULL);
      /* The migrations put rows of their own in some tables (scales). */
      sql = g_strdup_printf ("DELETE FROM snap.\"%s\"; INSERT INTO snap.\"%s\""
                             " SELECT * FROM main.\"%s\"%s%s", table, table, table,
                             rows ? " WHERE " : "", rows ? rows : "");
      if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        {
          tala_db_set_error (self, sqlite3_errcode (self->db), error);
          g_prefix_error (error, "copying %s: ", table);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * tala_ledger_snapshot:
 * @dest_path: a file that does not exist yet
 * @cursor: (out): the newest hub_seq in the copy
 *
 * Makes a fresh ledger at @dest_path (the same migrations) and copies into
 * it, in one read transaction of @self (consistent; the writer never
 * waits), every table but the private ones, and only the newest entry of
 * the journal and the audit log.  Nothing secret is ever written to the
 * file.  The copy is one self-contained file (rollback journal).  On
 * failure the file is removed.  Not inside a transaction of @self.
 */
gboolean
tala_ledger_snapshot (TalaLedger  *self,
                      const char  *dest_path,
                      gint64      *cursor,
                      GError     **error)
{
  g_autoptr(TalaLedger) dest = NULL;
  g_autofree char *wal = g_strconcat (dest_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (dest_path, "-shm", NULL);
  gboolean attached = FALSE, ok = FALSE;

  g_return_val_if_fail (self != NULL && dest_path != NULL && cursor != NULL, FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);

  if (g_file_test (dest_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "%s already exists", dest_path);
      return FALSE;
    }
  dest = tala_ledger_open (dest_path, error);
  if (dest == NULL || !tala_db_exec_plain (dest, "PRAGMA journal_mode = DELETE", error))
    goto out;
  g_clear_pointer (&dest, tala_ledger_free);

  /* Parents and children arrive in table order: no key checks while
   * copying rows that already satisfy them. */
  if (!tala_db_exec_plain (self, "PRAGMA foreign_keys = OFF", error) ||
      !tala_db_exec (self, error, "ATTACH DATABASE :path AS snap", ":path", DB_TEXT, dest_path,
                     NULL))
    goto out;
  attached = TRUE;
  if (!tala_db_exec_plain (self, "PRAGMA snap.synchronous = OFF; BEGIN", error))
    goto out;
  if (!copy_tables (self, error) ||
      !tala_db_int (self, cursor, NULL, error,
                    "SELECT coalesce(max(hub_seq), 0) FROM snap.journal", NULL))
    {
      tala_db_exec_plain (self, "ROLLBACK", NULL);
      goto out;
    }
  ok = tala_db_exec_plain (self, "COMMIT", error);

out:
  if (attached)
    tala_db_exec_plain (self, "DETACH DATABASE snap", NULL);
  tala_db_exec_plain (self, "PRAGMA foreign_keys = ON", NULL);
  g_clear_pointer (&dest, tala_ledger_free);
  if (!ok)
    g_unlink (dest_path);
  g_unlink (wal);
  g_unlink (shm);
  return ok;
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

/**
 * tala_ledger_undo_all:
 * @changesets: (element-type GBytes): in the order they were made
 *
 * Undoes all of @changesets at once: they are combined into one changeset
 * (an SQLite changegroup), which is inverted and applied, so that undoing
 * many ops costs about what one does.  A conflict undoes nothing.
 */
gboolean
tala_ledger_undo_all (TalaLedger  *self,
                      GPtrArray   *changesets,
                      GError     **error)
{
  sqlite3_changegroup *group = NULL;
  g_autoptr(GBytes) combined = NULL;
  void *data = NULL;
  int size = 0;
  int rc;

  g_return_val_if_fail (self != NULL && changesets != NULL, FALSE);

  if (changesets->len == 0)
    return TRUE;
  rc = sqlite3changegroup_new (&group);
  for (guint i = 0; rc == SQLITE_OK && i < changesets->len; i++)
    {
      GBytes *c = g_ptr_array_index (changesets, i);

      rc = sqlite3changegroup_add (group, (int) g_bytes_get_size (c),
                                   (void *) g_bytes_get_data (c, NULL));
    }
  if (rc == SQLITE_OK)
    rc = sqlite3changegroup_output (group, &size, &data);
  sqlite3changegroup_delete (group);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB,
                   "combining provisional ops: %s", sqlite3_errstr (rc));
      return FALSE;
    }
  combined = g_bytes_new_with_free_func (data, (gsize) size, sqlite3_free, data);
  return size == 0 || tala_ledger_undo (self, combined, error);
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
