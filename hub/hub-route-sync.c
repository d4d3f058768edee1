/* hub-route-sync.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's side of the sync protocol (DESIGN.md "Sync protocol"; ops.md
 * §5, last row; docs/sync.md):
 *
 *   POST sync/register   a user's token + {terminal} → the terminal's token and
 *                        where its receipt, device_seq and provisional series
 *                        stand on the hub (201)
 *   GET  sync/snapshot   the replicated tables as a gzip SQLite file, with the
 *                        cursor in Tala-Cursor
 *   POST sync/push       {ops: [≤ 500]} → {results: [one envelope per op]},
 *                        applied in order in the writer's transaction with one
 *                        deferral batch
 *   GET  sync/pull       ?after=SEQ&limit=N → the journal entries after SEQ
 *
 * Snapshot, push and pull take a terminal's token only, and a push may only
 * carry ops of that terminal.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub-server-private.h"
#include "tala-ledger-replica.h"

#define HUB_DESK      (HUB_ROLE_CASHIER | HUB_ROLE_REGISTRAR | HUB_ROLE_HEAD_REGISTRAR | \
                       HUB_ROLE_ADMIN)
#define PUSH_MAX_OPS  500
#define PULL_DEFAULT  1000
#define PULL_MAX      5000

/* The terminal of the request's token; answers 403 when it is a person's
 * token rather than a terminal's. */
static const char *
own_terminal (HubRequest *req)
{
  const char *device = json_object_get_string_member_with_default (req->user, "device", NULL);

  if (device == NULL)
    hub_request_error (req, 403, "forbidden",
                       "this endpoint takes a terminal's token (POST sync/register)");
  return device;
}

/* ---- Register ------------------------------------------------------------ */

static gboolean
register_write (HubRequest *req,
                TalaLedger *ledger,
                GError    **error)
{
  g_autoptr(GError) local = NULL;
  JsonObject *reg;

  reg = tala_ledger_register_device (ledger, hub_request_username (req), req->write_data,
                                     tala_now_us (), &local);
  if (reg != NULL)
    hub_request_reply_object (req, 201, reg);
  else if (g_error_matches (local, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 400, "invalid_args", "%s", local->message);
  else
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static void
register_work (HubRequest *req,
               TalaLedger *ledger)
{
  static const char *const allowed[] = { "terminal", NULL };
  JsonObject *body = hub_request_object (req);
  JsonNode *terminal = json_object_get_member (body, "terminal");

  if (!hub_request_only_members (req, body, allowed))
    return;
  if (terminal == NULL || !JSON_NODE_HOLDS_VALUE (terminal) ||
      json_node_get_value_type (terminal) != G_TYPE_STRING)
    {
      hub_request_error (req, 400, "invalid_args", "terminal (a terminal code) is required");
      return;
    }
  req->write_data = g_strdup (json_node_get_string (terminal));
  req->write = register_write;
}

/* ---- Snapshot ------------------------------------------------------------ */

static GBytes *
gzip_file (const char  *path,
           GError     **error)
{
  g_autoptr(GZlibCompressor) gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  raw = G_INPUT_STREAM (g_file_read (file, NULL, error));
  if (raw == NULL)
    return NULL;
  in = g_converter_input_stream_new (raw, G_CONVERTER (gzip));
  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                              G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Makes a fresh snapshot; the gzip image, or NULL with @error set. */
static GBytes *
make_snapshot (TalaLedger  *ledger,
               gint64      *cursor,
               GError     **error)
{
  g_autofree char *dir = g_dir_make_tmp ("tala-snapshot-XXXXXX", error);
  g_autofree char *path = NULL;
  GBytes *gz = NULL;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "snapshot.db", NULL);
  if (tala_ledger_snapshot (ledger, path, cursor, error))
    gz = gzip_file (path, error);
  g_unlink (path);
  g_rmdir (dir);
  return gz;
}

/* A snapshot may be older than the journal: the terminal pulls what came
 * after its cursor.  So one image serves every bootstrap until it is
 * SNAPSHOT_MAX_BEHIND entries or SNAPSHOT_MAX_AGE old; one reader makes a
 * new one while the others wait for it. */
#define SNAPSHOT_MAX_BEHIND 5000
#define SNAPSHOT_MAX_AGE    (G_GINT64_CONSTANT (15) * 60 * G_USEC_PER_SEC)

static void
snapshot_work (HubRequest *req,
               TalaLedger *ledger)
{
  HubSnapshotCache *cache = hub_server_snapshot_cache (req->server);
  g_autofree char *cursor_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) gz = NULL;
  gint64 cursor = 0, now = g_get_monotonic_time ();

  if (own_terminal (req) == NULL)
    return;
  g_mutex_lock (&cache->lock);
  if (cache->gz == NULL || now - cache->made_at > SNAPSHOT_MAX_AGE ||
      tala_ledger_get_hub_seq (ledger) - cache->cursor > SNAPSHOT_MAX_BEHIND)
    {
      GBytes *fresh = make_snapshot (ledger, &cursor, &error);

      if (fresh != NULL)
        {
          g_clear_pointer (&cache->gz, g_bytes_unref);
          cache->gz = fresh;
          cache->cursor = cursor;
          cache->made_at = now;
        }
    }
  if (cache->gz != NULL)
    {
      gz = g_bytes_ref (cache->gz);
      cursor = cache->cursor;
    }
  g_mutex_unlock (&cache->lock);
  if (gz == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  cursor_text = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
  hub_request_add_header (req, "Tala-Cursor", cursor_text);
  hub_request_add_header (req, "Content-Encoding", "gzip");
  hub_request_reply_raw (req, 200, "application/vnd.sqlite3", g_steal_pointer (&gz));
}

/* ---- Pull ---------------------------------------------------------------- */

static gboolean
query_int (HubRequest *req,
           const char *name,
           gint64      fallback,
           gint64      min,
           gint64      max,
           gint64     *out)
{
  const char *text = hub_request_query (req, name);
  char *end = NULL;
  gint64 value;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  errno = 0;
  value = g_ascii_strtoll (text, &end, 10);
  if (text[0] == '\0' || *end != '\0' || errno != 0 || value < min || value > max)
    {
      hub_request_error (req, 400, "invalid_args",
                         "%s must be a whole number from %" G_GINT64_FORMAT " to %"
                         G_GINT64_FORMAT, name, min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static void
pull_work (HubRequest *req,
           TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  gint64 after, limit;
  char *text;

  if (own_terminal (req) == NULL ||
      !query_int (req, "after", 0, 0, G_MAXINT64, &after) ||
      !query_int (req, "limit", PULL_DEFAULT, 1, PULL_MAX, &limit))
    return;
  /* A cursor past the journal: the terminal holds entries the hub lost
   * (restored from an older backup).  Its replica cannot be trusted. */
  if (after > tala_ledger_get_hub_seq (ledger))
    {
      hub_request_error (req, 409, "cursor_ahead",
                         "this terminal has seen entries up to %" G_GINT64_FORMAT " but the hub's"
                         " journal ends at %" G_GINT64_FORMAT " (was the hub restored from an"
                         " older backup?): register the terminal under a new code and"
                         " bootstrap it again", after, tala_ledger_get_hub_seq (ledger));
      return;
    }
  text = tala_ledger_changes_json (ledger, after, (guint) limit, &error);
  if (text == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  hub_request_reply_raw (req, 200, "application/json", g_bytes_new_take (text, strlen (text)));
}

/* ---- Push ---------------------------------------------------------------- */

static gboolean
push_write (HubRequest *req,
            TalaLedger *ledger,
            GError    **error)
{
  JsonArray *ops = json_object_get_array_member (hub_request_object (req), "ops");
  g_autoptr(TalaBatch) batch = tala_batch_new ();
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(JsonObject) counters = NULL;
  JsonObject *reply;
  gint64 now = tala_now_us ();

  /* The whole push is one savepoint of the group: a ledger failure in the
   * middle leaves none of it. */
  if (!tala_ledger_begin (ledger, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonObject *envelope = tala_ledger_apply (ledger, json_array_get_object_element (ops, i),
                                                TALA_CHANNEL_PUSH, now, batch, error);

      if (envelope == NULL)
        {
          tala_ledger_rollback (ledger);
          return FALSE;
        }
      json_array_add_object_element (results, envelope);
    }
  counters = tala_ledger_device_counters (ledger,
                                         json_object_get_string_member (req->user, "device"),
                                         error);
  if (counters == NULL)
    {
      tala_ledger_rollback (ledger);
      return FALSE;
    }
  if (!tala_ledger_commit (ledger, error))
    return FALSE;
  reply = json_object_new ();
  json_object_set_array_member (reply, "results", g_steal_pointer (&results));
  json_object_set_int_member (reply, "hub_seq", tala_ledger_get_hub_seq (ledger));
  /* Where the terminal's series stand here, rejected ops' numbers too. */
  json_object_set_object_member (reply, "device", g_steal_pointer (&counters));
  hub_request_reply_object (req, 200, reply);
  return TRUE;
}

static void
push_work (HubRequest *req,
           TalaLedger *ledger)
{
  static const char *const allowed[] = { "ops", "outbox", NULL };
  JsonObject *body = hub_request_object (req);
  JsonNode *ops = json_object_get_member (body, "ops");
  const char *terminal = own_terminal (req);
  JsonArray *list;
  guint n;

  if (terminal == NULL || !hub_request_only_members (req, body, allowed))
    return;
  if (ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops))
    {
      hub_request_error (req, 400, "invalid_args", "ops (an array of ops) is required");
      return;
    }
  list = json_node_get_array (ops);
  n = json_array_get_length (list);
  if (n == 0 || n > PUSH_MAX_OPS)
    {
      hub_request_error (req, 400, "invalid_args", "a push carries 1 to %d ops", PUSH_MAX_OPS);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *op = json_array_get_element (list, i);
      const char *device;

      if (!JSON_NODE_HOLDS_OBJECT (op))
        {
          hub_request_error (req, 400, "invalid_envelope", "op %u is not an object", i);
          return;
        }
      device = json_object_get_string_member_with_default (json_node_get_object (op), "device",
                                                           NULL);
      if (g_strcmp0 (device, terminal) != 0)
        {
          hub_request_error (req, 403, "forbidden",
                             "op %u is not this terminal's (device must be %s)", i, terminal);
          return;
        }
    }
  req->write = push_write;
}

const HubRoute hub_routes_sync[] = {
  { "POST", "/api/v1/sync/register", HUB_DESK, register_work, NULL, NULL, NULL,
    "Register this terminal: its token and where its numbers stand" },
  { "GET", "/api/v1/sync/snapshot", HUB_DESK, snapshot_work, NULL, NULL, NULL,
    "The replicated tables as a gzip SQLite file (cursor in Tala-Cursor)" },
  { "POST", "/api/v1/sync/push", HUB_DESK, push_work, NULL, NULL, NULL,
    "Apply a terminal's ops in order: one result per op" },
  { "GET", "/api/v1/sync/pull", HUB_DESK, pull_work, NULL, NULL, NULL,
    "The journal entries after ?after= (at most ?limit=, default 1000)" },
  { NULL }
};
