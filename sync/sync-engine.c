/* sync-engine.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Register, bootstrap and the sync cycle (tala-sync-engine.h).
 *
 * The cycle never trusts that an answer arrived: an op stays in the outbox
 * until its result is stored, and sending it again is harmless (the hub
 * answers "replayed").  The pull runs to the end of the journal before the
 * rebase, so that an acknowledged op's own entry is in the feed.
 */

#define G_LOG_DOMAIN "tala-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tala-sync-engine.h"

#define PUSH_MAX_OPS    500
#define PUSH_MAX_BYTES  (768 * 1024)     /* the hub takes bodies up to 1 MiB */
#define PULL_LIMIT      2000
#define REBASE_AT_MOST  20000            /* entries held in memory per rebase */

/* The hub's answers are input like any other: a member of the wrong type
 * is as good as missing, never a json-glib critical. */
static gboolean
holds (JsonObject   *object,
       const char   *name,
       JsonNodeType  type)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_TYPE (node) == type;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : "";
}

static gint64
int_member (JsonObject *object,
            const char *name,
            gint64      otherwise)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : otherwise;
}

static gboolean
bool_member (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static gboolean
hub_refused (guint        status,
             JsonNode    *reply,
             const char  *what,
             GError     **error)
{
  JsonObject *err = NULL;

  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply) &&
      holds (json_node_get_object (reply), "error", JSON_NODE_OBJECT))
    err = json_object_get_object_member (json_node_get_object (reply), "error");
  g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_HUB, "%s: the hub answered %u%s%s%s%s",
               what, status, err ? " " : "",
               err ? string_member (err, "code") : "",
               err ? ": " : "",
               err ? string_member (err, "message") : "");
  return FALSE;
}

JsonObject *
tala_sync_register (TalaSyncClient  *client,
                    const char      *username,
                    const char      *password,
                    const char      *terminal,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) login = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reg = NULL;
  guint status;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, username);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_end_object (b);
  login = json_builder_get_root (b);
  status = tala_sync_client_request_json (client, "POST", "/api-token-auth/", login, NULL,
                                          &reply, cancellable, error);
  if (status == 0)
    return NULL;
  if (status != 200 || reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply) ||
      *string_member (json_node_get_object (reply), "token") == '\0')
    {
      hub_refused (status, reply, "logging in", error);
      return NULL;
    }
  tala_sync_client_set_token (client, string_member (json_node_get_object (reply), "token"));
  json_builder_reset (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal");
  json_builder_add_string_value (b, terminal);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  status = tala_sync_client_request_json (client, "POST", "/api/v1/sync/register", body, NULL,
                                          &reg, cancellable, error);
  tala_sync_client_set_token (client, NULL);
  if (status == 0)
    return NULL;
  if (status != 201 || reg == NULL || !JSON_NODE_HOLDS_OBJECT (reg))
    {
      hub_refused (status, reg, "registering the terminal", error);
      return NULL;
    }
  if (*string_member (json_node_get_object (reg), "device_token") == '\0' ||
      *string_member (json_node_get_object (reg), "terminal") == '\0' ||
      *string_member (json_node_get_object (reg), "username") == '\0')
    {
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                   "registering the terminal: the hub's answer has no device_token, terminal"
                   " or username");
      return NULL;
    }
  return json_object_ref (json_node_get_object (reg));
}

gboolean
tala_sync_bootstrap (TalaSyncClient       *client,
                     JsonObject           *registration,
                     const char           *replica_path,
                     TalaSyncProgressFunc  progress,
                     gpointer              progress_data,
                     GCancellable         *cancellable,
                     GError              **error)
{
  g_autofree char *download = g_strconcat (replica_path, ".snapshot", NULL);
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GBytes) error_body = NULL;
  const char *cursor_text;
  guint status;

  if (g_file_test (replica_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   "%s already exists: a terminal bootstraps once", replica_path);
      return FALSE;
    }
  status = tala_sync_client_download (client, "/api/v1/sync/snapshot", download, progress,
                                      progress_data, &headers, &error_body, cancellable, error);
  if (status == 0)
    return FALSE;
  if (status != 200)
    {
      g_autoptr(JsonNode) body = NULL;

      if (error_body != NULL)
        body = tala_sync_parse_strict (g_bytes_get_data (error_body, NULL),
                                       g_bytes_get_size (error_body));
      return hub_refused (status, body, "downloading the snapshot", error);
    }
  cursor_text = headers ? g_hash_table_lookup (headers, "tala-cursor") : NULL;
  if (cursor_text == NULL)
    {
      g_unlink (download);
      g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                   "the snapshot came without its cursor (Tala-Cursor)");
      return FALSE;
    }
  if (!tala_replica_install (download, replica_path,
                             tala_sync_client_get_base_url (client), registration,
                             g_ascii_strtoll (cursor_text, NULL, 10), error))
    {
      g_unlink (download);
      return FALSE;
    }
  /* The hub may have served an image older than its journal: catch up. */
  {
    g_autoptr(TalaReplica) replica = tala_replica_open (replica_path, error);
    TalaSyncStats stats = { 0 };

    return replica != NULL && tala_sync_once (replica, client, &stats, cancellable, error);
  }
}

static void
replica_lock (GMutex *lock)
{
  if (lock != NULL)
    g_mutex_lock (lock);
}

static void
replica_unlock (GMutex *lock)
{
  if (lock != NULL)
    g_mutex_unlock (lock);
}

/* Sends the pending ops, in order, in batches; stores every answer. */
static gboolean
push_all (TalaReplica     *replica,
          GMutex          *lock,
          TalaSyncClient  *client,
          TalaSyncStats   *stats,
          GCancellable    *cancellable,
          GError         **error)
{
  gint64 after = 0;

  for (;;)
    {
      g_autoptr(GArray) positions = NULL;
      g_autoptr(JsonArray) ops = NULL;
      g_autoptr(JsonArray) batch = json_array_new ();
      g_autoptr(JsonObject) body = json_object_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonNode) reply = NULL;
      JsonObject *answer;
      gsize bytes = 0;
      guint status;
      gboolean noted;

      replica_lock (lock);
      ops = tala_replica_pending (replica, after, PUSH_MAX_OPS, &positions, error);
      replica_unlock (lock);
      if (ops == NULL)
        return FALSE;
      if (json_array_get_length (ops) == 0)
        return TRUE;
      /* Keep under the hub's body limit; the rest goes next time round. */
      for (guint i = 0; i < json_array_get_length (ops); i++)
        {
          JsonObject *op = json_array_get_object_element (ops, i);
          g_autofree char *text = tala_json_canonical_object (op);

          if (i > 0 && bytes + strlen (text) > PUSH_MAX_BYTES)
            break;
          bytes += strlen (text) + 1;
          json_array_add_object_element (batch, json_object_ref (op));
        }
      after = g_array_index (positions, gint64, json_array_get_length (batch) - 1);
      json_object_set_array_member (body, "ops", json_array_ref (batch));
      json_node_set_object (node, body);
      status = tala_sync_client_request_json (client, "POST", "/api/v1/sync/push", node, NULL,
                                              &reply, cancellable, error);
      stats->pushes++;
      if (status == 0)
        return FALSE;
      if (status != 200 || reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
        return hub_refused (status, reply, "pushing", error);
      answer = json_node_get_object (reply);
      if (!holds (answer, "results", JSON_NODE_ARRAY))
        return hub_refused (status, reply, "pushing (no results)", error);
      replica_lock (lock);
      noted = tala_replica_note_results (replica, batch,
                                         json_object_get_array_member (answer, "results"),
                                         tala_now_us (), error) &&
              (!holds (answer, "device", JSON_NODE_OBJECT) ||
               tala_replica_raise_counters (replica,
                                            json_object_get_object_member (answer, "device"),
                                            error));
      replica_unlock (lock);
      if (!noted)
        return FALSE;
      stats->pushed += json_array_get_length (batch);
      for (guint i = 0; i < json_array_get_length (batch); i++)
        {
          JsonObject *r = json_array_get_object_element (
            json_object_get_array_member (answer, "results"), i);
          const char *s = string_member (r, "status");

          if (strcmp (s, "applied") == 0 || strcmp (s, "replayed") == 0)
            stats->applied++;
          else if (strcmp (s, "rejected") == 0)
            stats->rejected++;
          else
            stats->deferred++;
        }
    }
}

/* Pulls up to REBASE_AT_MOST entries after the cursor; tells whether the
 * journal has more. */
static gboolean
pull_some (TalaReplica     *replica,
           TalaSyncClient  *client,
           TalaSyncStats   *stats,
           JsonArray       *changes,
           gint64          *cursor,
           gboolean        *more,
           GCancellable    *cancellable,
           GError         **error)
{
  *more = TRUE;
  while (*more && json_array_get_length (changes) < REBASE_AT_MOST)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/sync/pull?after=%" G_GINT64_FORMAT
                                               "&limit=%d", *cursor, PULL_LIMIT);
      g_autoptr(JsonNode) reply = NULL;
      JsonObject *feed;
      JsonArray *got;
      guint status;

      status = tala_sync_client_request_json (client, "GET", path, NULL, NULL, &reply,
                                              cancellable, error);
      stats->pulls++;
      if (status == 0)
        return FALSE;
      if (status == 409)
        {
          hub_refused (status, reply, "pulling", error);
          (*error)->code = TALA_SYNC_ERROR_DIVERGED;
          return FALSE;
        }
      if (status != 200 || reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
        return hub_refused (status, reply, "pulling", error);
      feed = json_node_get_object (reply);
      if (!holds (feed, "changes", JSON_NODE_ARRAY))
        return hub_refused (status, reply, "pulling (no changes)", error);
      got = json_object_get_array_member (feed, "changes");
      for (guint i = 0; i < json_array_get_length (got); i++)
        json_array_add_element (changes, json_node_copy (json_array_get_element (got, i)));
      *cursor = int_member (feed, "cursor", *cursor);
      *more = bool_member (feed, "more");
      stats->pulled += json_array_get_length (got);
    }
  return TRUE;
}

gboolean
tala_sync_once_shared (TalaReplica     *replica,
                       GMutex          *lock,
                       TalaSyncClient  *client,
                       TalaSyncStats   *stats,
                       GCancellable    *cancellable,
                       GError         **error)
{
  gint64 cursor;
  gboolean more = TRUE, ok;
  gint64 start = g_get_monotonic_time ();

  replica_lock (lock);
  cursor = tala_replica_get_int (replica, "cursor");
  replica_unlock (lock);
  ok = push_all (replica, lock, client, stats, cancellable, error);
  stats->push_us += g_get_monotonic_time () - start;
  if (!ok)
    return FALSE;
  while (more)
    {
      g_autoptr(JsonArray) changes = json_array_new ();

      start = g_get_monotonic_time ();
      ok = pull_some (replica, client, stats, changes, &cursor, &more, cancellable, error);
      stats->pull_us += g_get_monotonic_time () - start;
      if (!ok)
        return FALSE;
      start = g_get_monotonic_time ();
      replica_lock (lock);
      ok = tala_replica_rebase (replica, changes, cursor, tala_now_us (), error);
      replica_unlock (lock);
      stats->rebase_us += g_get_monotonic_time () - start;
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

gboolean
tala_sync_once (TalaReplica     *replica,
                TalaSyncClient  *client,
                TalaSyncStats   *stats,
                GCancellable    *cancellable,
                GError         **error)
{
  return tala_sync_once_shared (replica, NULL, client, stats, cancellable, error);
}
