/* sync-replica.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal's replica (tala-sync-replica.h).  It is a ledger file (the
 * hub's snapshot, then the hub's journal entries replayed in order) with
 * three tables of its own, never replicated and never recorded in the
 * ops' changesets:
 *
 *   sync_state      key → value: the registration, the cursor, the series
 *   sync_outbox     the terminal's ops in the order they were made, with
 *                   the SQLite changeset of their provisional effect
 *   sync_attention  ops the hub rejected, for a person to resolve
 *
 * An outbox op is pending (not yet answered), acked (the hub applied it;
 * provisional until the pull brings its journal entry), rejected (on its
 * way to the attention list) or cancelled (a person gave up on it).
 */

#define G_LOG_DOMAIN "tala-sync"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "tala-ledger-replica.h"
#include "tala-sync-replica.h"

#define DEFERRED_ATTENTION_US (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)

G_DEFINE_QUARK (tala-sync-error-quark, tala_sync_error)

struct _TalaReplica
{
  TalaLedger *ledger;
  sqlite3    *db;
  char       *path;
};

static const char sync_schema[] =
  "CREATE TABLE IF NOT EXISTS sync_state ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") STRICT;"
  "CREATE TABLE IF NOT EXISTS sync_outbox ("
  "  seq            INTEGER PRIMARY KEY,"
  "  op_id          TEXT NOT NULL UNIQUE,"
  "  kind           TEXT NOT NULL,"
  "  op_json        TEXT NOT NULL,"
  "  changeset      BLOB,"
  "  status         TEXT NOT NULL DEFAULT 'pending'"
  "                 CHECK (status IN ('pending', 'acked', 'rejected', 'cancelled')),"
  "  hub_seq        INTEGER,"
  "  recorded_at    INTEGER NOT NULL,"
  "  attempts       INTEGER NOT NULL DEFAULT 0,"
  "  deferred_since INTEGER,"
  "  last_code      TEXT"
  ") STRICT;"
  "CREATE TABLE IF NOT EXISTS sync_attention ("
  "  op_id        TEXT PRIMARY KEY,"
  "  kind         TEXT NOT NULL,"
  "  op_json      TEXT NOT NULL,"
  "  code         TEXT NOT NULL,"
  "  message      TEXT NOT NULL,"
  "  at           INTEGER NOT NULL,"
  "  dismissed_at INTEGER"
  ") STRICT;";

/* ---- SQLite helpers ------------------------------------------------------ */

static gboolean
db_fail (sqlite3     *db,
         GError     **error)
{
  g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB, "replica: %s",
               sqlite3_errmsg (db));
  return FALSE;
}

/* Prepares @sql and binds the varargs in order: 'i' gint64, 't' text
 * (NULL binds NULL), 'b' GBytes* (NULL binds NULL), given by @types. */
static sqlite3_stmt *
prepare (sqlite3     *db,
         GError     **error,
         const char  *sql,
         const char  *types,
         ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list ap;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      db_fail (db, error);
      return NULL;
    }
  va_start (ap, types);
  for (int i = 0; types != NULL && types[i] != '\0'; i++)
    {
      if (types[i] == 'i')
        sqlite3_bind_int64 (stmt, i + 1, va_arg (ap, gint64));
      else if (types[i] == 't')
        sqlite3_bind_text (stmt, i + 1, va_arg (ap, const char *), -1, SQLITE_TRANSIENT);
      else
        {
          GBytes *bytes = va_arg (ap, GBytes *);

          if (bytes == NULL)
            sqlite3_bind_null (stmt, i + 1);
          else
            sqlite3_bind_blob64 (stmt, i + 1, g_bytes_get_data (bytes, NULL),
                                 g_bytes_get_size (bytes), SQLITE_TRANSIENT);
        }
    }
  va_end (ap);
  return stmt;
}

/* Steps a statement that returns no rows, and finalizes it. */
static gboolean
run (sqlite3       *db,
     sqlite3_stmt  *stmt,
     GError       **error)
{
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return db_fail (db, error);
  return TRUE;
}

static gboolean
set_state (sqlite3     *db,
           const char  *key,
           const char  *value,
           GError     **error)
{
  return run (db, prepare (db, error,
                           "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           "tt", key, value), error);
}

static gboolean
set_state_int (sqlite3     *db,
               const char  *key,
               gint64       value,
               GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return set_state (db, key, text, error);
}

static char *
get_state (sqlite3    *db,
           const char *key)
{
  sqlite3_stmt *stmt = prepare (db, NULL, "SELECT value FROM sync_state WHERE key = ?1", "t",
                                key);
  char *value = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static JsonObject *
parse_object (const char  *text,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID, "not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Members of the hub's answers, which are input like any other: a member
 * of the wrong type is as good as missing, never a json-glib critical. */
static const char *
string_member (JsonObject *object,
               const char *name,
               const char *otherwise)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node)
                                                          : otherwise;
}

/* Only a JSON integer: json-glib turns 1e400 into a double, which it then
 * casts to gint64 for json_node_get_int(). */
static gboolean
int_member (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* ---- Opening ------------------------------------------------------------- */

gboolean
tala_replica_install (const char  *snapshot_path,
                      const char  *replica_path,
                      const char  *hub_url,
                      JsonObject  *registration,
                      gint64       cursor,
                      GError     **error)
{
  static const char *const counters[] = { "last_receipt", "last_device_seq",
                                          "last_provisional" };
  g_autofree char *tmp = g_strconcat (replica_path, ".new", NULL);
  g_autoptr(GFile) from = g_file_new_for_path (snapshot_path);
  g_autoptr(GFile) to = g_file_new_for_path (tmp);
  g_autoptr(TalaLedger) ledger = NULL;
  sqlite3 *db;

  if (g_file_test (replica_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   "%s already exists: a terminal bootstraps once", replica_path);
      return FALSE;
    }
  if (string_member (registration, "terminal", NULL) == NULL ||
      string_member (registration, "username", NULL) == NULL)
    {
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                   "the hub's registration has no terminal or username");
      return FALSE;
    }
  if (!g_file_move (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return FALSE;
  ledger = tala_ledger_open (tmp, error);
  if (ledger == NULL || !tala_ledger_make_replica (ledger, error))
    goto fail;
  db = tala_ledger_get_handle (ledger);
  if (sqlite3_exec (db, sync_schema, NULL, NULL, NULL) != SQLITE_OK)
    {
      db_fail (db, error);
      goto fail;
    }
  if (!tala_ledger_begin (ledger, error))
    goto fail;
  if (!set_state (db, "hub_url", hub_url, error) ||
      !set_state (db, "terminal", string_member (registration, "terminal", NULL),
                  error) ||
      !set_state (db, "username", string_member (registration, "username", NULL),
                  error) ||
      !set_state_int (db, "cursor", cursor, error))
    {
      tala_ledger_rollback (ledger);
      goto fail;
    }
  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      gint64 value = 0;

      int_member (registration, counters[i], &value);
      if (!set_state_int (db, counters[i], value, error))
        {
          tala_ledger_rollback (ledger);
          goto fail;
        }
    }
  if (!tala_ledger_commit (ledger, error))
    goto fail;
  g_clear_pointer (&ledger, tala_ledger_free);
  if (g_rename (tmp, replica_path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "renaming %s: %s", tmp,
                   g_strerror (saved));
      goto fail;
    }
  return TRUE;

fail:
  g_clear_pointer (&ledger, tala_ledger_free);
  g_unlink (tmp);
  {
    g_autofree char *wal = g_strconcat (tmp, "-wal", NULL);
    g_autofree char *shm = g_strconcat (tmp, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  return FALSE;
}

TalaReplica *
tala_replica_open (const char  *path,
                   GError     **error)
{
  g_autoptr(TalaReplica) self = g_new0 (TalaReplica, 1);
  g_autofree char *terminal = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_NOT_REPLICA,
                   "%s does not exist: register and bootstrap this terminal first", path);
      return NULL;
    }
  self->path = g_strdup (path);
  self->ledger = tala_ledger_open (path, error);
  if (self->ledger == NULL)
    return NULL;
  self->db = tala_ledger_get_handle (self->ledger);
  if (sqlite3_exec (self->db, sync_schema, NULL, NULL, NULL) != SQLITE_OK)
    {
      db_fail (self->db, error);
      return NULL;
    }
  terminal = get_state (self->db, "terminal");
  if (terminal == NULL)
    {
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_NOT_REPLICA,
                   "%s is not a terminal's replica (no registration in it)", path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
tala_replica_free (TalaReplica *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->ledger, tala_ledger_free);
  g_free (self->path);
  g_free (self);
}

TalaLedger *
tala_replica_get_ledger (TalaReplica *self)
{
  return self->ledger;
}

char *
tala_replica_get_state (TalaReplica *self,
                        const char  *key)
{
  return get_state (self->db, key);
}

gint64
tala_replica_get_int (TalaReplica *self,
                      const char  *key)
{
  g_autofree char *text = get_state (self->db, key);

  return text ? g_ascii_strtoll (text, NULL, 10) : 0;
}

/* ---- Numbers ------------------------------------------------------------- */

/* The next number of one of the terminal's series: one past the highest of
 * the local record (@key) and what the replica's device_counter (the hub's
 * feed) knows of the terminal (@column, a constant). */
static gboolean
next_number (TalaReplica  *self,
             const char   *key,
             const char   *column,
             gint64       *next,
             GError      **error)
{
  g_autofree char *terminal = get_state (self->db, "terminal");
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce(max(%s), 0) FROM device_counter"
                                          " WHERE device = ?1", column);
  sqlite3_stmt *stmt = prepare (self->db, error, sql, "t", terminal);
  gint64 fed = 0;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    fed = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  *next = MAX (fed, tala_replica_get_int (self, key)) + 1;
  return TRUE;
}

gboolean
tala_replica_raise_counters (TalaReplica  *self,
                             JsonObject   *counters,
                             GError      **error)
{
  static const char *const keys[] = { "last_receipt", "last_device_seq", "last_provisional" };

  if (!tala_ledger_begin (self->ledger, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      gint64 hub = 0;

      if (int_member (counters, keys[i], &hub) && hub > tala_replica_get_int (self, keys[i]) &&
          !set_state_int (self->db, keys[i], hub, error))
        {
          tala_ledger_rollback (self->ledger);
          return FALSE;
        }
    }
  return tala_ledger_commit (self->ledger, error);
}

/* ---- Recording ----------------------------------------------------------- */

JsonObject *
tala_replica_record (TalaReplica  *self,
                     JsonObject   *in,
                     gint64        now_us,
                     GError      **error)
{
  g_autofree char *terminal = get_state (self->db, "terminal");
  g_autofree char *username = get_state (self->db, "username");
  g_autofree char *op_id = NULL;
  g_autofree char *recorded_at = tala_timestamp_format (now_us);
  g_autofree char *op_json = NULL;
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(JsonObject) args = NULL;
  g_autoptr(GBytes) changeset = NULL;
  JsonObject *result;
  const char *kind, *actor;
  gint64 seq, receipt = 0, provisional = 0;

  kind = json_object_get_string_member_with_default (in, "kind", NULL);
  if (kind == NULL || !json_object_has_member (in, "args") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (in, "args")))
    {
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                   "an op needs a kind and an args object");
      return NULL;
    }
  {
    JsonNode *copy = json_node_copy (json_object_get_member (in, "args"));

    args = json_object_ref (json_node_get_object (copy));
    json_node_unref (copy);
  }
  op_id = g_strdup (json_object_get_string_member_with_default (in, "op_id", NULL));
  if (op_id == NULL)
    op_id = g_uuid_string_random ();
  actor = json_object_get_string_member_with_default (in, "actor", username);
  if (!next_number (self, "last_device_seq", "max_device_seq", &seq, error))
    return NULL;
  if (strcmp (kind, "payment.record") == 0 && !json_object_has_member (args, "receipt_no"))
    {
      g_autofree char *no = NULL;

      if (!next_number (self, "last_receipt", "max_receipt", &receipt, error))
        return NULL;
      no = g_strdup_printf ("%s-%06" G_GINT64_FORMAT, terminal, receipt);
      json_object_set_string_member (args, "receipt_no", no);
    }
  if (strcmp (kind, "student.register") == 0 &&
      !json_object_has_member (args, "provisional_number"))
    {
      g_autofree char *no = NULL;

      if (!next_number (self, "last_provisional", "max_provisional", &provisional, error))
        return NULL;
      no = g_strdup_printf ("P-%s-%04" G_GINT64_FORMAT, terminal, provisional);
      json_object_set_string_member (args, "provisional_number", no);
    }
  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", kind);
  json_object_set_string_member (op, "actor", actor);
  json_object_set_string_member (op, "device", terminal);
  json_object_set_int_member (op, "device_seq", seq);
  json_object_set_string_member (op, "recorded_at", recorded_at);
  json_object_set_object_member (op, "args", json_object_ref (args));
  op_json = tala_json_canonical_object (op);

  if (!tala_ledger_begin (self->ledger, error))
    return NULL;
  result = tala_ledger_apply_recorded (self->ledger, op, TALA_CHANNEL_PUSH, now_us, &changeset,
                                       error);
  if (result == NULL)
    goto fail;
  if (g_strcmp0 (json_object_get_string_member_with_default (result, "status", ""),
                 "applied") != 0)
    {
      /* Refused here already: nothing is kept, no number is used. */
      tala_ledger_rollback (self->ledger);
      return result;
    }
  if (!run (self->db, prepare (self->db, error,
                               "INSERT INTO sync_outbox (op_id, kind, op_json, changeset,"
                               " recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                               "tttbi", op_id, kind, op_json, changeset, now_us), error) ||
      !set_state_int (self->db, "last_device_seq", seq, error) ||
      (receipt > 0 && !set_state_int (self->db, "last_receipt", receipt, error)) ||
      (provisional > 0 && !set_state_int (self->db, "last_provisional", provisional, error)) ||
      !tala_ledger_commit (self->ledger, error))
    {
      json_object_unref (result);
      goto fail;
    }
  return result;

fail:
  tala_ledger_rollback (self->ledger);
  return NULL;
}

JsonArray *
tala_replica_pending (TalaReplica  *self,
                      gint64        after,
                      guint         limit,
                      GArray      **positions,
                      GError      **error)
{
  g_autoptr(JsonArray) ops = json_array_new ();
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 seq;
  sqlite3_stmt *stmt = prepare (self->db, error,
                                "SELECT op_json, seq FROM sync_outbox WHERE status = 'pending'"
                                " AND seq > ?2 ORDER BY seq LIMIT ?1", "ii", (gint64) limit,
                                after);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *op = parse_object ((const char *) sqlite3_column_text (stmt, 0), error);

      if (op == NULL)
        {
          sqlite3_finalize (stmt);
          return NULL;
        }
      json_array_add_object_element (ops, op);
      seq = sqlite3_column_int64 (stmt, 1);
      g_array_append_val (seqs, seq);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      db_fail (self->db, error);
      return NULL;
    }
  if (positions != NULL)
    *positions = g_steal_pointer (&seqs);
  return g_steal_pointer (&ops);
}

/* ---- The hub's answers --------------------------------------------------- */

gboolean
tala_replica_note_results (TalaReplica  *self,
                           JsonArray    *ops,
                           JsonArray    *results,
                           gint64        now_us,
                           GError      **error)
{
  guint n = json_array_get_length (ops);

  if (json_array_get_length (results) != n)
    {
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                   "the hub answered %u results for %u ops", json_array_get_length (results), n);
      return FALSE;
    }
  if (!tala_ledger_begin (self->ledger, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *op = json_array_get_object_element (ops, i);
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *envelope = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *op_id = json_object_get_string_member (op, "op_id");
      const char *status = envelope ? string_member (envelope, "status", "") : "";
      JsonObject *err = envelope ? object_member (envelope, "error") : NULL;
      const char *code = err ? string_member (err, "code", "") : "";
      const char *message = err ? string_member (err, "message", "") : "";
      gint64 hub_seq = 0;
      gboolean ok;

      if (envelope == NULL || g_strcmp0 (string_member (envelope, "op_id", NULL), op_id) != 0)
        {
          tala_ledger_rollback (self->ledger);
          g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                       "the hub's result %u is not for op %s", i, op_id);
          return FALSE;
        }
      if ((strcmp (status, "applied") == 0 || strcmp (status, "replayed") == 0) &&
          int_member (envelope, "hub_seq", &hub_seq) && hub_seq > 0)
        ok = run (self->db, prepare (self->db, error,
                                     "UPDATE sync_outbox SET status = 'acked', hub_seq = ?2,"
                                     " last_code = NULL WHERE op_id = ?1", "ti", op_id,
                                     hub_seq), error);
      else if (strcmp (status, "rejected") == 0)
        {
          g_autofree char *op_json = tala_json_canonical_object (op);

          ok = run (self->db, prepare (self->db, error,
                                       "INSERT INTO sync_attention (op_id, kind, op_json, code,"
                                       " message, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                                       " ON CONFLICT (op_id) DO NOTHING",
                                       "ttttti", op_id,
                                       json_object_get_string_member (op, "kind"), op_json, code,
                                       message, now_us), error) &&
               run (self->db, prepare (self->db, error,
                                       "UPDATE sync_outbox SET status = 'rejected',"
                                       " last_code = ?2 WHERE op_id = ?1", "tt", op_id, code),
                    error);
        }
      else if (strcmp (status, "deferred") == 0)
        ok = run (self->db, prepare (self->db, error,
                                     "UPDATE sync_outbox SET attempts = attempts + 1,"
                                     " deferred_since = coalesce(deferred_since, ?2),"
                                     " last_code = ?3 WHERE op_id = ?1", "tit", op_id, now_us,
                                     code), error);
      else
        {
          g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                       "the hub answered op %s with status “%s”", op_id, status);
          ok = FALSE;
        }
      if (!ok)
        goto fail;
    }
  return tala_ledger_commit (self->ledger, error);

fail:
  tala_ledger_rollback (self->ledger);
  return FALSE;
}

/* ---- The rebase ---------------------------------------------------------- */

static gboolean
undo_all (TalaReplica  *self,
          GError      **error)
{
  g_autoptr(GPtrArray) changesets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  sqlite3_stmt *stmt = prepare (self->db, error,
                                "SELECT changeset FROM sync_outbox WHERE changeset IS NOT NULL"
                                " ORDER BY seq", NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (changesets, g_bytes_new (sqlite3_column_blob (stmt, 0),
                                              (gsize) sqlite3_column_bytes (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return db_fail (self->db, error);
  return tala_ledger_undo_all (self->ledger, changesets, error);
}

static gboolean
replay_all (TalaReplica  *self,
            JsonArray    *changes,
            GError      **error)
{
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonNode *node = json_array_get_element (changes, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *op = c ? object_member (c, "op") : NULL;
      gint64 applied_at = 0, hub_seq = 0;
      g_autoptr(GError) local = NULL;

      /* Each change is {hub_seq, applied_at_us, op} (docs/sync.md); a feed
       * with anything else in it is refused whole. */
      if (op == NULL ||
          (json_object_has_member (c, "applied_at_us") &&
           !int_member (c, "applied_at_us", &applied_at)) ||
          (json_object_has_member (c, "hub_seq") && !int_member (c, "hub_seq", &hub_seq)))
        {
          g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                       "change %u of the feed is not an entry", i);
          return FALSE;
        }
      if (!tala_ledger_replay_entry (self->ledger, op, applied_at, hub_seq, &local))
        {
          g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_DIVERGED, "%s", local->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* Applies the outbox ops still pending or acked again, in order, keeping
 * their new changesets.  An op the replica now refuses (the hub's state
 * moved under it) keeps no effect here and waits for the hub's answer. */
static gboolean
redo_all (TalaReplica  *self,
          gint64        now_us,
          GError      **error)
{
  sqlite3_stmt *stmt = prepare (self->db, error,
                                "SELECT seq, op_json FROM sync_outbox"
                                " WHERE status IN ('pending', 'acked') ORDER BY seq", NULL);
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (seqs, seq);
      g_ptr_array_add (texts, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return db_fail (self->db, error);
  for (guint i = 0; i < seqs->len; i++)
    {
      g_autoptr(JsonObject) op = parse_object (g_ptr_array_index (texts, i), error);
      g_autoptr(JsonObject) result = NULL;
      g_autoptr(GBytes) changeset = NULL;

      if (op == NULL)
        return FALSE;
      result = tala_ledger_apply_recorded (self->ledger, op, TALA_CHANNEL_PUSH, now_us,
                                           &changeset, error);
      if (result == NULL ||
          !run (self->db, prepare (self->db, error,
                                   "UPDATE sync_outbox SET changeset = ?2 WHERE seq = ?1", "ib",
                                   g_array_index (seqs, gint64, i), changeset), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
tala_replica_rebase (TalaReplica  *self,
                     JsonArray    *changes,
                     gint64        cursor,
                     gint64        now_us,
                     GError      **error)
{
  gint64 start = g_get_monotonic_time (), undone, replayed;

  if (!tala_ledger_begin (self->ledger, error))
    return FALSE;
  if (!undo_all (self, error) ||
      !run (self->db, prepare (self->db, error, "UPDATE sync_outbox SET changeset = NULL", NULL),
            error))
    goto fail;
  undone = g_get_monotonic_time ();
  if (!replay_all (self, changes, error))
    goto fail;
  replayed = g_get_monotonic_time ();
  /* What the feed holds is the hub's now; rejected and cancelled ops go. */
  if (!run (self->db, prepare (self->db, error,
                               "DELETE FROM sync_outbox WHERE status IN ('rejected', 'cancelled')"
                               " OR op_id IN (SELECT op_id FROM journal)", NULL), error) ||
      !redo_all (self, now_us, error) ||
      !set_state_int (self->db, "cursor", cursor, error) ||
      !set_state_int (self->db, "last_sync_at", now_us, error))
    goto fail;
  g_debug ("rebase: undo %.3f s, replay %u entries %.3f s, redo %.3f s",
           (undone - start) / 1e6, json_array_get_length (changes), (replayed - undone) / 1e6,
           (g_get_monotonic_time () - replayed) / 1e6);
  return tala_ledger_commit (self->ledger, error);

fail:
  tala_ledger_rollback (self->ledger);
  return FALSE;
}

/* ---- Status and attention ------------------------------------------------ */

static gint64
count (TalaReplica *self,
       const char  *sql,
       gint64       arg)
{
  sqlite3_stmt *stmt = prepare (self->db, NULL, sql, "i", arg);
  gint64 n = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

JsonObject *
tala_replica_status (TalaReplica  *self,
                     gint64        now_us,
                     GError      **error)
{
  static const char *const texts[] = { "terminal", "username", "hub_url" };
  JsonObject *out = json_object_new ();
  gint64 oldest = count (self, "SELECT coalesce(min(recorded_at), 0) FROM sync_outbox"
                               " WHERE status IN ('pending', 'acked') AND ?1 = ?1", 0);
  gint64 last_sync = tala_replica_get_int (self, "last_sync_at");

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *value = get_state (self->db, texts[i]);

      json_object_set_string_member (out, texts[i], value ? value : "");
    }
  json_object_set_int_member (out, "cursor", tala_replica_get_int (self, "cursor"));
  json_object_set_int_member (out, "pending",
                              count (self, "SELECT count(*) FROM sync_outbox"
                                           " WHERE status = 'pending' AND ?1 = ?1", 0));
  json_object_set_int_member (out, "acknowledged",
                              count (self, "SELECT count(*) FROM sync_outbox"
                                           " WHERE status = 'acked' AND ?1 = ?1", 0));
  json_object_set_int_member (out, "deferred",
                              count (self, "SELECT count(*) FROM sync_outbox"
                                           " WHERE status = 'pending' AND deferred_since"
                                           " IS NOT NULL AND ?1 = ?1", 0));
  if (oldest > 0)
    {
      g_autofree char *at = tala_timestamp_format (oldest);

      json_object_set_string_member (out, "oldest_pending_at", at);
      json_object_set_int_member (out, "oldest_age_s", MAX (now_us - oldest, 0) / G_USEC_PER_SEC);
    }
  json_object_set_int_member (out, "attention",
                              count (self, "SELECT (SELECT count(*) FROM sync_attention"
                                           " WHERE dismissed_at IS NULL) + (SELECT count(*)"
                                           " FROM sync_outbox WHERE status = 'pending'"
                                           " AND deferred_since < ?1)",
                                     now_us - DEFERRED_ATTENTION_US));
  if (last_sync > 0)
    {
      g_autofree char *at = tala_timestamp_format (last_sync);

      json_object_set_string_member (out, "last_sync_at", at);
    }
  return out;
}

JsonArray *
tala_replica_attention (TalaReplica  *self,
                        gboolean      include_dismissed,
                        gint64        now_us,
                        GError      **error)
{
  g_autoptr(JsonArray) out = json_array_new ();
  sqlite3_stmt *stmt = prepare (self->db, error,
                                "SELECT op_id, kind, op_json, code, message, at, dismissed_at"
                                " FROM sync_attention WHERE ?1 OR dismissed_at IS NULL"
                                " UNION ALL SELECT op_id, kind, op_json, 'deferred',"
                                " 'the hub is still waiting for what this op names ('"
                                " || coalesce(last_code, '') || ')', deferred_since, NULL"
                                " FROM sync_outbox WHERE status = 'pending'"
                                " AND deferred_since < ?2 ORDER BY 6 DESC",
                                "ii", (gint64) include_dismissed,
                                now_us - DEFERRED_ATTENTION_US);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *item = json_object_new ();
      JsonObject *op = parse_object ((const char *) sqlite3_column_text (stmt, 2), NULL);
      g_autofree char *at = tala_timestamp_format (sqlite3_column_int64 (stmt, 5));

      json_object_set_string_member (item, "op_id", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (item, "kind", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (item, "code", (const char *) sqlite3_column_text (stmt, 3));
      json_object_set_string_member (item, "message",
                                     (const char *) sqlite3_column_text (stmt, 4));
      json_object_set_string_member (item, "at", at);
      if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
        {
          g_autofree char *dismissed = tala_timestamp_format (sqlite3_column_int64 (stmt, 6));

          json_object_set_string_member (item, "dismissed_at", dismissed);
        }
      if (op != NULL)
        json_object_set_object_member (item, "op", op);
      json_array_add_object_element (out, item);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      db_fail (self->db, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
tala_replica_dismiss (TalaReplica  *self,
                      const char   *op_id,
                      gint64        now_us,
                      GError      **error)
{
  gint64 changed;

  if (!tala_ledger_begin (self->ledger, error))
    return FALSE;
  if (!run (self->db, prepare (self->db, error,
                               "UPDATE sync_attention SET dismissed_at = ?2"
                               " WHERE op_id = ?1 AND dismissed_at IS NULL", "ti", op_id,
                               now_us), error))
    goto fail;
  changed = sqlite3_changes (self->db);
  if (changed == 0)
    {
      if (!run (self->db, prepare (self->db, error,
                                   "UPDATE sync_outbox SET status = 'cancelled'"
                                   " WHERE op_id = ?1 AND status = 'pending'"
                                   " AND deferred_since < ?2", "ti", op_id,
                                   now_us - DEFERRED_ATTENTION_US), error))
        goto fail;
      changed = sqlite3_changes (self->db);
    }
  if (changed == 0)
    {
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                   "%s is not in the needs-attention list", op_id);
      goto fail;
    }
  return tala_ledger_commit (self->ledger, error);

fail:
  tala_ledger_rollback (self->ledger);
  return FALSE;
}
