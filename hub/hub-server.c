/* hub-server.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TalaHubServer: the REST API over libsoup 3.  libsoup's main loop only
 * parses, routes and answers; SQLite is touched by a small pool of reader
 * threads (one connection each, WAL) and by the single writer thread of
 * hub-writer.c (group commit, synchronous=FULL).  See hub-server-private.h
 * for the stages of a request.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-server-private.h"
#include "hub-jobs.h"
#include "hub-writer.h"

#define MAX_BODY_BYTES (1024 * 1024)
#define LISTEN_BACKLOG 1024
#define DEFAULT_READERS 4
#define DEFAULT_RATE_ANON 100
#define DEFAULT_RATE_AUTH 1000
#define RATE_WINDOW_US (G_USEC_PER_SEC * (gint64) 3600)
#define RATE_PRUNE_SIZE 4096

static const double latency_bounds[] = { 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define N_BOUNDS G_N_ELEMENTS (latency_bounds)

typedef struct
{
  GHashTable *by_status;            /* status → guint64 count */
  guint64     buckets[N_BOUNDS + 1];
  guint64     count;
  double      sum;
} RouteStats;

/* A fixed one-hour window of one token or client address (D-S3). */
typedef struct
{
  gint64 start_us;
  guint  count;
} RateWindow;

struct _TalaHubServer
{
  GObject        parent_instance;

  SoupServer    *soup;
  TalaHubWriter *writer;
  TalaHubScheduler *scheduler;  /* the jobs, or NULL (--no-jobs) */
  GThreadPool   *pool;
  GAsyncQueue   *readers;          /* TalaLedger*, one per pool thread */
  guint          n_readers;
  GMainContext  *context;          /* where answers are sent */
  GPtrArray     *routes;           /* const HubRoute* */
  RouteStats    *stats;            /* per route, plus one for unmatched */
  GHashTable    *in_flight;        /* op_id → NULL: queued writes */
  GHashTable    *op_outcomes;      /* code → guint64 */
  GHashTable    *rate;             /* "t:<token>", "a:<address>" (anonymous) or
                                    "b:<address>" (invalid tokens) → RateWindow */
  guint          rate_anon;        /* requests per hour and client address */
  guint          rate_auth;        /* requests per hour and token */
  guint          n_requests;       /* messages paused and not answered */
  gboolean       stopping;         /* tala_hub_server_stop() was called */
  gboolean       quiet;
  gint           refused_early;    /* bodies refused before they were read */
  gboolean       https;            /* listens with TLS only */
  HubSnapshotCache snapshot;       /* hub-route-sync.c */
};

G_DEFINE_FINAL_TYPE (TalaHubServer, tala_hub_server, G_TYPE_OBJECT)

static void        request_answer (HubRequest    *req);
static void        after_read     (HubRequest    *req);
static RateWindow *rate_window    (TalaHubServer *self,
                                   const char    *key,
                                   gint64         now);

/* ---- Requests ------------------------------------------------------------ */

static void
request_free (HubRequest *req)
{
  g_clear_pointer (&req->params, g_hash_table_unref);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, json_node_unref);
  g_clear_pointer (&req->user, json_object_unref);
  g_clear_pointer (&req->args, json_object_unref);
  g_clear_pointer (&req->reply, json_node_unref);
  g_clear_pointer (&req->raw, g_bytes_unref);
  g_clear_pointer (&req->headers, g_ptr_array_unref);
  g_free (req->raw_type);
  g_clear_error (&req->write_error);
  g_free (req->token);
  g_free (req->idem_key);
  g_free (req->write_data);
  g_free (req->kind);
  g_free (req->op_id);
  g_free (req->op_code);
  g_clear_object (&req->msg);
  g_clear_object (&req->server);
  g_free (req);
}

/* ---- Answering ----------------------------------------------------------- */

static void
record_stats (TalaHubServer *self,
              HubRequest    *req,
              double         seconds)
{
  RouteStats *s = &self->stats[req->route ? req->route_index : self->routes->len];
  gpointer key = GUINT_TO_POINTER (req->status);
  guint64 n = GPOINTER_TO_SIZE (g_hash_table_lookup (s->by_status, key));
  guint i;

  g_hash_table_insert (s->by_status, key, GSIZE_TO_POINTER (n + 1));
  for (i = 0; i < N_BOUNDS && seconds > latency_bounds[i]; i++)
    ;
  s->buckets[i]++;
  s->count++;
  s->sum += seconds;
  if (req->op_code != NULL)
    {
      guint64 c = GPOINTER_TO_SIZE (g_hash_table_lookup (self->op_outcomes, req->op_code));

      g_hash_table_insert (self->op_outcomes, g_strdup (req->op_code), GSIZE_TO_POINTER (c + 1));
    }
}

/* Main context: sends the answer, unpauses once, logs, frees @req. */
static void
request_answer (HubRequest *req)
{
  TalaHubServer *self = req->server;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  g_autofree char *text = NULL;
  double seconds;

  if (req->status == 0)
    hub_request_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "no answer");
  if (req->op_id != NULL)
    soup_message_headers_replace (headers, "Tala-Op-Id", req->op_id);
  if (req->hub_seq > 0)
    {
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, req->hub_seq);

      soup_message_headers_replace (headers, "Tala-Hub-Seq", seq);
    }
  if (req->replayed)
    soup_message_headers_replace (headers, "Idempotent-Replayed", "true");
  for (guint i = 0; req->headers != NULL && i + 1 < req->headers->len; i += 2)
    soup_message_headers_replace (headers, g_ptr_array_index (req->headers, i),
                                  g_ptr_array_index (req->headers, i + 1));
  if (req->status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Token");
  if (req->status == SOUP_STATUS_UNAUTHORIZED && req->token != NULL)
    {
      const char *host = soup_server_message_get_remote_host (req->msg);
      g_autofree char *bad_key = g_strconcat ("b:", host ? host : "", NULL);

      rate_window (self, bad_key, g_get_monotonic_time ())->count++;
    }
  soup_server_message_set_status (req->msg, req->status, NULL);
  if (req->reply != NULL && JSON_NODE_HOLDS_VALUE (req->reply) &&
      json_node_get_value_type (req->reply) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (req->reply));   /* text/plain (metrics) */
  else if (req->reply != NULL && req->kind != NULL)
    text = tala_json_canonical (req->reply);   /* a replay repeats the body byte for byte */
  else if (req->reply != NULL)
    text = json_to_string (req->reply, FALSE);
  if (req->raw != NULL)
    soup_server_message_set_response (req->msg, req->raw_type, SOUP_MEMORY_COPY,
                                      g_bytes_get_data (req->raw, NULL),
                                      g_bytes_get_size (req->raw));
  else if (text != NULL)
    soup_server_message_set_response (req->msg,
                                      req->reply && JSON_NODE_HOLDS_VALUE (req->reply)
                                        ? "text/plain; version=0.0.4; charset=utf-8"
                                        : "application/json",
                                      SOUP_MEMORY_COPY, text, strlen (text));
  seconds = (g_get_monotonic_time () - req->start_us) / 1e6;
  record_stats (self, req, seconds);
  if (!self->quiet)
    g_message ("%s %s %u %.1f ms", soup_server_message_get_method (req->msg),
               g_uri_get_path (soup_server_message_get_uri (req->msg)), req->status,
               seconds * 1000);
  if (req->paused)
    {
      soup_server_message_unpause (req->msg);
      self->n_requests--;
    }
  request_free (req);
}

/* ---- The writer stage ---------------------------------------------------- */

static gboolean
apply_op_work (HubRequest *req,
               TalaLedger *ledger,
               GError    **error)
{
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(TalaBatch) batch = NULL;
  guint status;

  json_object_set_string_member (op, "op_id", req->op_id);
  json_object_set_string_member (op, "kind", req->kind);
  json_object_set_string_member (op, "actor", hub_request_username (req));
  json_object_set_object_member (op, "args", json_object_ref (req->args));
  /* Without an Idempotency-Key the op_id is ours: a rejection of it is
   * answered, not stored (ops.md §1.4). */
  if (req->idem_key == NULL)
    {
      batch = tala_batch_new ();
      tala_batch_set_forget_rejections (batch, TRUE);
    }
  envelope = tala_ledger_apply (ledger, op, TALA_CHANNEL_REST, tala_now_us (), batch, error);
  if (envelope == NULL)
    return FALSE;
  status = hub_status_for_envelope (req, envelope);
  if (req->route->shape != NULL && status < 300)
    req->route->shape (req, ledger, envelope);
  else if (req->route->shape != NULL)
    {
      /* A resource route answers a rejection as {"error": …} alone, so
       * that its replay (marked by the header) repeats the body exactly. */
      JsonObject *reply = json_object_new ();

      json_object_set_object_member (reply, "error", json_object_ref (
                                       json_object_get_object_member (envelope, "error")));
      hub_request_reply_object (req, status, reply);
    }
  if (req->status == 0)
    hub_request_reply_object (req, status, json_object_ref (envelope));
  return TRUE;
}

static void
write_done (gpointer      data,
            const GError *error)
{
  HubRequest *req = data;

  if (req->op_id != NULL)
    g_hash_table_remove (req->server->in_flight, req->op_id);
  if (error != NULL)
    {
      /* The group's commit failed (a full disk, an I/O error): whatever the
       * request answered inside it was not saved, so that answer must not
       * go out.  The client sends it again (same Idempotency-Key). */
      g_warning ("a group commit failed: %s", error->message);
      req->status = 0;
      g_clear_pointer (&req->reply, json_node_unref);
      g_clear_pointer (&req->raw, g_bytes_unref);
      g_clear_pointer (&req->headers, g_ptr_array_unref);
      req->hub_seq = 0;
      req->replayed = FALSE;
      hub_request_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy",
                         "the hub could not save this; nothing was changed, send it again"
                         " (%s)", error->message);
    }
  else if (req->write_error != NULL)
    hub_request_ledger_error (req, req->write_error);
  request_answer (req);
}

static gboolean
write_work (TalaLedger *ledger,
            gpointer    data,
            GError    **error)
{
  HubRequest *req = data;

  /* A ledger failure of one request must not fail the others of the
   * group: it is kept for that request's answer. */
  if (!req->write (req, ledger, &req->write_error))
    g_debug ("write failed: %s", req->write_error->message);
  return TRUE;
}

/* Main context, after the reader (or local) stage. */
static void
after_read (HubRequest *req)
{
  TalaHubServer *self = req->server;

  if (req->status == 0 && req->route->local != NULL)
    req->route->local (req);
  if (req->status == 0 && req->kind != NULL)
    {
      req->op_id = hub_request_op_id (req);
      if (g_hash_table_contains (self->in_flight, req->op_id))
        {
          hub_request_error (req, SOUP_STATUS_CONFLICT, "op_in_progress",
                             "a request with this Idempotency-Key is still being applied");
          req->op_code = g_strdup ("op_in_progress");
          request_answer (req);
          return;
        }
      g_hash_table_add (self->in_flight, g_strdup (req->op_id));
      req->write = apply_op_work;
    }
  if (req->status == 0 && req->write != NULL)
    {
      tala_hub_writer_submit (self->writer, write_work, write_done, req);
      return;
    }
  request_answer (req);
}

/* ---- The reader stage ---------------------------------------------------- */

static gboolean
after_read_cb (gpointer data)
{
  after_read (data);
  return G_SOURCE_REMOVE;
}

static void
reader_run (gpointer data,
            gpointer user_data)
{
  HubRequest *req = data;
  TalaHubServer *self = user_data;
  TalaLedger *ledger = g_async_queue_pop (self->readers);
  g_autoptr(GError) error = NULL;

  if (req->token != NULL)
    {
      req->user = tala_ledger_token_user (ledger, req->token, &error);
      if (error != NULL)
        hub_request_ledger_error (req, error);
      else if (req->user == NULL)
        hub_request_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "invalid token");
    }
  if (req->status == 0 && req->route->roles != HUB_ANONYMOUS &&
      !hub_request_has_role (req, req->route->roles))
    hub_request_error (req, SOUP_STATUS_FORBIDDEN, "forbidden",
                       "your role may not use this endpoint");
  /* A terminal's token is for syncing that terminal, nothing else: a
   * stolen one reads and writes no REST route and mints no new terminal. */
  if (req->status == 0 && req->user != NULL && req->route->roles != HUB_ANONYMOUS &&
      json_object_has_member (req->user, "device") &&
      (!g_str_has_prefix (req->route->pattern, "/api/v1/sync/") ||
       strcmp (req->route->pattern, "/api/v1/sync/register") == 0))
    hub_request_error (req, SOUP_STATUS_FORBIDDEN, "forbidden",
                       "a terminal's token is for syncing only");
  if (req->status == 0 && req->route->work != NULL)
    req->route->work (req, ledger);
  g_async_queue_push (self->readers, ledger);
  g_main_context_invoke (self->context, after_read_cb, req);
}

/* ---- Dispatch ------------------------------------------------------------ */

/* Matches @path against @pattern; fills @params on success. */
static gboolean
match_pattern (const char *pattern,
               char      **segs,
               GHashTable *params)
{
  g_auto(GStrv) pat = g_strsplit (pattern, "/", -1);
  guint i;

  for (i = 0; pat[i] != NULL && segs[i] != NULL; i++)
    {
      gsize len = strlen (pat[i]);

      if (len > 2 && pat[i][0] == '{' && pat[i][len - 1] == '}')
        {
          g_autofree char *value = g_uri_unescape_string (segs[i], "/");

          if (segs[i][0] == '\0' || value == NULL)
            return FALSE;
          if (params != NULL)
            g_hash_table_insert (params, g_strndup (pat[i] + 1, len - 2),
                                 g_steal_pointer (&value));
        }
      else if (strcmp (pat[i], segs[i]) != 0)
        return FALSE;
    }
  return pat[i] == NULL && segs[i] == NULL;
}

static gboolean
check_body (HubRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (body->length > MAX_BODY_BYTES)
    hub_request_error (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                       "a request body is at most 1 MiB");
  else if (g_strcmp0 (type, "application/json") != 0)
    hub_request_error (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                       "send Content-Type: application/json");
  else if (!tala_json_is_strict (body->data, body->length))
    hub_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_json",
                       "the body is not valid JSON (RFC 8259)");
  else if (!json_parser_load_from_data (parser, body->data ? body->data : "", body->length,
                                        &error))
    hub_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_json", "%s", error->message);
  else if (json_parser_get_root (parser) == NULL ||
           !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    hub_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_json",
                       "the body must be a JSON object");
  else
    req->body = json_parser_steal_root (parser);
  return req->status == 0;
}

static gboolean
check_headers (HubRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");

  if (auth != NULL)
    {
      if (g_str_has_prefix (auth, "Token ") || g_str_has_prefix (auth, "Bearer "))
        req->token = g_strstrip (g_strdup (strchr (auth, ' ') + 1));
      else
        hub_request_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                           "use Authorization: Token <key> or Bearer <key>");
    }
  if (req->status == 0 && req->token == NULL && req->route->roles != HUB_ANONYMOUS)
    hub_request_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                       "authentication credentials were not provided");
  if (req->status == 0 && key != NULL)
    {
      if (!hub_valid_idempotency_key (key))
        hub_request_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_idempotency_key",
                           "an Idempotency-Key is 1 to 255 visible ASCII characters");
      else
        req->idem_key = g_strdup (key);
    }
  return req->status == 0;
}

static gboolean
rate_expired (gpointer key,
              gpointer value,
              gpointer user_data)
{
  const RateWindow *w = value;

  return *(const gint64 *) user_data - w->start_us >= RATE_WINDOW_US;
}

/* The current window of @key, created or restarted when needed. */
static RateWindow *
rate_window (TalaHubServer *self,
             const char    *key,
             gint64         now)
{
  RateWindow *w = g_hash_table_lookup (self->rate, key);

  if (w == NULL)
    {
      if (g_hash_table_size (self->rate) >= RATE_PRUNE_SIZE)
        g_hash_table_foreach_remove (self->rate, rate_expired, &now);
      w = g_new0 (RateWindow, 1);
      w->start_us = now;
      g_hash_table_insert (self->rate, g_strdup (key), w);
    }
  else if (now - w->start_us >= RATE_WINDOW_US)
    {
      w->start_us = now;
      w->count = 0;
    }
  return w;
}

static gboolean
rate_refuse (HubRequest       *req,
             const RateWindow *w,
             guint             limit,
             gint64            now)
{
  g_autofree char *retry = NULL;

  retry = g_strdup_printf ("%" G_GINT64_FORMAT,
                           MAX ((w->start_us + RATE_WINDOW_US - now + G_USEC_PER_SEC - 1) /
                                G_USEC_PER_SEC, 1));
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Retry-After", retry);
  hub_request_error (req, 429, "rate_limited",
                     "at most %u requests per hour; retry in %s s", limit, retry);
  return FALSE;
}

/* D-S3: counts the request against its token, or its client address when
 * it has none, in a fixed one-hour window kept on the main context, and
 * answers 429 rate_limited with Retry-After (seconds) when the window is
 * full.  Requests with a token that turned out invalid count against the
 * address ("b:", see request_answer()) with the anonymous limit, so that
 * made-up tokens do not escape it.  /healthz, /readyz and /metrics are not
 * counted. */
static gboolean
check_rate (HubRequest *req)
{
  TalaHubServer *self = req->server;
  const char *path = g_uri_get_path (soup_server_message_get_uri (req->msg));
  const char *host = soup_server_message_get_remote_host (req->msg);
  const char *auth = soup_message_headers_get_one (
    soup_server_message_get_request_headers (req->msg), "Authorization");
  gint64 now = g_get_monotonic_time ();
  g_autofree char *key = NULL;
  RateWindow *w;
  guint limit = self->rate_anon;

  if (strcmp (path, "/healthz") == 0 || strcmp (path, "/readyz") == 0 ||
      strcmp (path, "/metrics") == 0)
    return TRUE;
  if (auth != NULL && (g_str_has_prefix (auth, "Token ") || g_str_has_prefix (auth, "Bearer ")))
    {
      g_autofree char *bad_key = g_strconcat ("b:", host ? host : "", NULL);
      g_autofree char *token = g_strstrip (g_strdup (strchr (auth, ' ') + 1));

      w = rate_window (self, bad_key, now);
      if (w->count >= self->rate_anon)
        return rate_refuse (req, w, self->rate_anon, now);
      key = g_strconcat ("t:", token, NULL);
      limit = self->rate_auth;
    }
  else
    key = g_strconcat ("a:", host ? host : "", NULL);
  w = rate_window (self, key, now);
  if (w->count >= limit)
    return rate_refuse (req, w, limit, now);
  w->count++;
  return TRUE;
}

/* Finds the route; answers 404 or 405 (with Allow) when there is none. */
static gboolean
route_request (HubRequest *req)
{
  TalaHubServer *self = req->server;
  const char *method = soup_server_message_get_method (req->msg);
  g_auto(GStrv) segs = g_strsplit (g_uri_get_path (soup_server_message_get_uri (req->msg)),
                                   "/", -1);
  g_autoptr(GString) allow = g_string_new (NULL);

  for (guint i = 0; i < self->routes->len; i++)
    {
      const HubRoute *route = g_ptr_array_index (self->routes, i);

      if (!match_pattern (route->pattern, segs, NULL))
        continue;
      if (strcmp (route->method, method) == 0)
        {
          req->route = route;
          req->route_index = i;
          match_pattern (route->pattern, segs, req->params);
          return TRUE;
        }
      g_string_append_printf (allow, "%s%s", allow->len ? ", " : "", route->method);
    }
  if (allow->len > 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Allow", allow->str);
      hub_request_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                         "%s is not allowed here", method);
    }
  else
    hub_request_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "no such endpoint");
  return FALSE;
}

/* A connection whose request was refused before its body was read: the
 * answer is written, then whatever the client still sends is read and
 * dropped (never kept) until it closes, so that a client that insists on
 * sending the whole body still gets to read the 413.  At most
 * REFUSED_DRAIN_BYTES are drained. */
#define REFUSED_DRAIN_BYTES (64 * 1024 * 1024)

typedef struct
{
  GIOStream *stream;
  char      *answer;
  gsize      drained;
  char       buf[64 * 1024];
} Refused;

static void
refused_closed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
}

static void
refused_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Refused *refused = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0 && refused->drained + (gsize) n <= REFUSED_DRAIN_BYTES)
    {
      refused->drained += (gsize) n;
      g_input_stream_read_async (G_INPUT_STREAM (source), refused->buf, sizeof refused->buf,
                                 G_PRIORITY_LOW, NULL, refused_read_cb, refused);
      return;
    }
  g_io_stream_close_async (refused->stream, G_PRIORITY_DEFAULT, NULL, refused_closed_cb, NULL);
  g_object_unref (refused->stream);
  g_free (refused->answer);
  g_free (refused);
}

static void
refused_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refused *refused = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (refused->stream), refused->buf,
                             sizeof refused->buf, G_PRIORITY_LOW, NULL, refused_read_cb,
                             refused);
}

/* Runs once the headers are in, before the body is read.  A body
 * announced as larger than the limit is refused at once: the connection
 * is taken from libsoup (which would otherwise read and buffer the whole
 * body first), answered 413 and closed.  A chunked body has no length up
 * front; check_body() measures it once it is in. */
static void
early_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  TalaHubServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  static const char body[] =
    "{\"error\":{\"code\":\"body_too_large\",\"message\":\"a request body is at most 1 MiB\"}}";
  Refused *refused;

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
      soup_message_headers_get_content_length (headers) <= MAX_BODY_BYTES)
    return;
  g_atomic_int_inc (&self->refused_early);
  refused = g_new0 (Refused, 1);
  refused->stream = soup_server_message_steal_connection (msg);
  refused->answer = g_strdup_printf ("HTTP/1.1 413 Payload Too Large\r\n"
                                     "Content-Type: application/json\r\n"
                                     "Content-Length: %zu\r\n"
                                     "Connection: close\r\n\r\n%s", sizeof body - 1, body);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (refused->stream),
                                   refused->answer, strlen (refused->answer), G_PRIORITY_DEFAULT,
                                   NULL, refused_written_cb, refused);
}

static void
handle_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  TalaHubServer *self = user_data;
  HubRequest *req = g_new0 (HubRequest, 1);
  const char *method = soup_server_message_get_method (msg);
  gboolean write;

  req->start_us = g_get_monotonic_time ();
  req->server = g_object_ref (self);
  req->msg = g_object_ref (msg);
  req->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  req->query = query ? g_hash_table_ref (query) : NULL;
  if (self->stopping)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      hub_request_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "the hub is stopping");
      request_answer (req);
      return;
    }
  write = strcmp (method, "POST") == 0 || strcmp (method, "PUT") == 0 ||
          strcmp (method, "PATCH") == 0;
  if (!check_rate (req) || !route_request (req) || !check_headers (req) ||
      (write && !check_body (req)))
    {
      request_answer (req);
      return;
    }
  soup_server_message_pause (msg);
  req->paused = TRUE;
  self->n_requests++;
  if (req->token == NULL && req->route->work == NULL)
    {
      after_read (req);
      return;
    }
  g_thread_pool_push (self->pool, req, NULL);
}

/* ---- The object ---------------------------------------------------------- */

static void
tala_hub_server_finalize (GObject *object)
{
  TalaHubServer *self = TALA_HUB_SERVER (object);
  TalaLedger *ledger;

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  while (self->readers != NULL && (ledger = g_async_queue_try_pop (self->readers)) != NULL)
    tala_ledger_free (ledger);
  g_clear_pointer (&self->readers, g_async_queue_unref);
  g_clear_pointer (&self->scheduler, tala_hub_scheduler_free);
  g_clear_pointer (&self->writer, tala_hub_writer_free);
  for (guint i = 0; self->stats != NULL && i <= self->routes->len; i++)
    g_hash_table_unref (self->stats[i].by_status);
  g_free (self->stats);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->op_outcomes, g_hash_table_unref);
  g_clear_pointer (&self->rate, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->snapshot.gz, g_bytes_unref);
  g_mutex_clear (&self->snapshot.lock);
  G_OBJECT_CLASS (tala_hub_server_parent_class)->finalize (object);
}

static void
tala_hub_server_class_init (TalaHubServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tala_hub_server_finalize;
}

static void
tala_hub_server_init (TalaHubServer *self)
{
  const HubRoute *tables[] = { hub_routes_system, hub_routes_cashier, hub_routes_student,
                               hub_routes_public, hub_routes_registrar, hub_routes_professor,
                               hub_routes_catalog, hub_routes_admin, hub_routes_sync };

  self->context = g_main_context_ref_thread_default ();
  self->routes = g_ptr_array_new ();
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const HubRoute *r = tables[t]; r->method != NULL; r++)
      g_ptr_array_add (self->routes, (gpointer) r);
  self->stats = g_new0 (RouteStats, self->routes->len + 1);
  for (guint i = 0; i <= self->routes->len; i++)
    self->stats[i].by_status = g_hash_table_new (NULL, NULL);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->op_outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rate = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->readers = g_async_queue_new ();
  g_mutex_init (&self->snapshot.lock);
}

HubSnapshotCache *
hub_server_snapshot_cache (TalaHubServer *self)
{
  return &self->snapshot;
}

/**
 * tala_hub_server_new:
 * @db_path: the hub's ledger file (created and migrated when needed)
 * @options: (nullable): tuning; %NULL for the defaults
 *
 * Opens the writer (synchronous=FULL) and the reader connections and sets
 * up the routes.  Answers are sent on the caller's thread-default main
 * context, which must run for the server to work.  Blocks while opening.
 */
TalaHubServer *
tala_hub_server_new (const char                 *db_path,
                     const TalaHubServerOptions *options,
                     GError                    **error)
{
  g_autoptr(TalaHubServer) self = g_object_new (TALA_TYPE_HUB_SERVER, NULL);
  guint n = options && options->readers ? options->readers : DEFAULT_READERS;

  self->quiet = options ? options->quiet : FALSE;
  self->rate_anon = options && options->rate_anon ? options->rate_anon : DEFAULT_RATE_ANON;
  self->rate_auth = options && options->rate_auth ? options->rate_auth : DEFAULT_RATE_AUTH;
  /* Read by the login route's lockout (hub-route-system.c). */
  if (options != NULL && options->login_clock_us != NULL)
    g_object_set_data (G_OBJECT (self), "hub-login-clock", (gpointer) options->login_clock_us);
  self->writer = tala_hub_writer_new (db_path, !(options && options->no_group_commit), error);
  if (self->writer == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      TalaLedger *ledger = tala_ledger_open (db_path, error);

      if (ledger == NULL)
        return NULL;
      g_async_queue_push (self->readers, ledger);
    }
  self->n_readers = n;
  self->pool = g_thread_pool_new (reader_run, self, (int) n, FALSE, error);
  if (self->pool == NULL)
    return NULL;
  if (options != NULL && options->tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) cert = NULL;

      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "TLS is not available (install glib-networking)");
          return NULL;
        }
      cert = options->tls_key ? g_tls_certificate_new_from_files (options->tls_cert,
                                                                  options->tls_key, error)
                              : g_tls_certificate_new_from_file (options->tls_cert, error);
      if (cert == NULL)
        return NULL;
      self->soup = soup_server_new ("server-header", "tala-hub/" PACKAGE_VERSION,
                                    "tls-certificate", cert, NULL);
      self->https = TRUE;
    }
  else
    self->soup = soup_server_new ("server-header", "tala-hub/" PACKAGE_VERSION, NULL);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_cb, self, NULL);
  return g_steal_pointer (&self);
}

/**
 * tala_hub_server_listen:
 * @address: "HOST:PORT" (an IP address; port 0 picks a free one)
 *
 * Starts accepting connections on the thread-default main context.
 */
gboolean
tala_hub_server_listen (TalaHubServer *self,
                        const char    *address,
                        GError       **error)
{
  g_autoptr(GSocketConnectable) conn = NULL;
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GSocketAddressEnumerator) e = NULL;
  g_autoptr(GSocket) sock = NULL;

  g_return_val_if_fail (TALA_IS_HUB_SERVER (self), FALSE);

  conn = g_network_address_parse (address, 8470, error);
  if (conn == NULL)
    return FALSE;
  e = g_socket_connectable_enumerate (conn);
  addr = g_socket_address_enumerator_next (e, NULL, error);
  if (addr == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad address %s", address);
      return FALSE;
    }
  /* Our own socket, for a backlog that holds a crowd of clients connecting
   * at once (GSocket's default is 10). */
  sock = g_socket_new (g_socket_address_get_family (addr), G_SOCKET_TYPE_STREAM,
                       G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL)
    return FALSE;
  g_socket_set_listen_backlog (sock, LISTEN_BACKLOG);
  if (!g_socket_bind (sock, addr, TRUE, error) || !g_socket_listen (sock, error))
    return FALSE;
  return soup_server_listen_socket (self->soup, sock,
                                    self->https ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

guint16
tala_hub_server_get_port (TalaHubServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  guint16 port = uris ? (guint16) g_uri_get_port (uris->data) : 0;

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

/* Stops accepting: the listening sockets close, and a request that still
 * arrives on an open keep-alive connection is answered 503.  Requests in
 * flight finish while the main context runs (watch
 * tala_hub_server_in_flight()); finalizing closes the connections. */
void
tala_hub_server_stop (TalaHubServer *self)
{
  GSList *listeners = soup_server_get_listeners (self->soup);

  self->stopping = TRUE;
  g_clear_pointer (&self->scheduler, tala_hub_scheduler_free);
  for (GSList *l = listeners; l != NULL; l = l->next)
    g_socket_close (l->data, NULL);
  g_slist_free (listeners);
}

guint
tala_hub_server_in_flight (TalaHubServer *self)
{
  return self->n_requests;
}

/* ---- The jobs ------------------------------------------------------------ */

/* One run of a job through the writer. */
typedef struct
{
  TalaHubServer      *server;     /* owned ref */
  TalaHubScheduler   *scheduler;  /* the scheduler that started it (not owned) */
  TalaHubJobDoneFunc  done;
  const char         *kind;       /* static */
  gint64              now_us;
  char               *result;     /* the canonical result envelope */
  GError             *failure;    /* a rejection */
} JobRun;

static gboolean
job_work (TalaLedger *ledger,
          gpointer    data,
          GError    **error)
{
  JobRun *run = data;
  g_autoptr(JsonObject) envelope = NULL;

  /* The hub clock never goes back along hub_seq (ops.md §1.8). */
  envelope = tala_hub_job_apply (ledger, run->kind, NULL,
                                 MAX (run->now_us, tala_ledger_get_last_applied (ledger)),
                                 error);
  if (envelope == NULL)
    return FALSE;
  run->result = tala_json_canonical_object (envelope);
  if (g_strcmp0 (json_object_get_string_member (envelope, "status"), "applied") != 0)
    run->failure = g_error_new (TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                                "rejected: %s", run->result);
  return TRUE;
}

static void
job_done (gpointer      data,
          const GError *error)
{
  JobRun *run = data;

  /* A scheduler freed by stop() no longer hears of its run. */
  if (run->server->scheduler == run->scheduler)
    run->done (run->scheduler, run->result, error ? error : run->failure);
  g_clear_error (&run->failure);
  g_free (run->result);
  g_object_unref (run->server);
  g_free (run);
}

static void
job_run_cb (TalaHubScheduler  *scheduler,
            const char        *name,
            const char        *kind,
            gint64             now_us,
            gpointer           data,
            TalaHubJobDoneFunc done)
{
  TalaHubServer *self = data;
  JobRun *run = g_new0 (JobRun, 1);

  run->server = g_object_ref (self);
  run->scheduler = scheduler;
  run->done = done;
  run->kind = kind;
  run->now_us = now_us;
  tala_hub_writer_submit (self->writer, job_work, job_done, run);
}

/**
 * tala_hub_server_start_jobs:
 * @db_path: the server's ledger (the scheduler's bookkeeping connection)
 *
 * Starts the job scheduler (hub-jobs.c) on the thread-default main
 * context: missed jobs run now, then each at its time, applied through the
 * server's writer on the jobs channel.  stop() ends it.
 */
gboolean
tala_hub_server_start_jobs (TalaHubServer  *self,
                            const char     *db_path,
                            GError        **error)
{
  g_autoptr(TalaHubScheduler) scheduler = NULL;

  g_return_val_if_fail (self->scheduler == NULL, FALSE);

  scheduler = tala_hub_scheduler_new (db_path, job_run_cb, self, error);
  if (scheduler == NULL || !tala_hub_scheduler_load (scheduler, error))
    return FALSE;
  self->scheduler = g_steal_pointer (&scheduler);
  tala_hub_scheduler_start (self->scheduler);
  return TRUE;
}

/* ---- Metrics and the OpenAPI document ------------------------------------ */

static void
append_route_metrics (GString        *out,
                      const char     *method,
                      const char     *pattern,
                      const RouteStats *s)
{
  GHashTableIter iter;
  gpointer key, value;
  guint64 cumulative = 0;

  g_hash_table_iter_init (&iter, s->by_status);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_string_append_printf (out, "tala_http_requests_total{method=\"%s\",route=\"%s\","
                            "status=\"%u\"} %" G_GUINT64_FORMAT "\n", method, pattern,
                            GPOINTER_TO_UINT (key), (guint64) GPOINTER_TO_SIZE (value));
  if (s->count == 0)
    return;
  for (guint i = 0; i <= N_BOUNDS; i++)
    {
      char le[32];

      cumulative += s->buckets[i];
      if (i < N_BOUNDS)
        g_ascii_dtostr (le, sizeof le, latency_bounds[i]);
      else
        strcpy (le, "+Inf");
      g_string_append_printf (out, "tala_http_request_duration_seconds_bucket{method=\"%s\","
                              "route=\"%s\",le=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              method, pattern, le, cumulative);
    }
  g_string_append_printf (out, "tala_http_request_duration_seconds_sum{method=\"%s\","
                          "route=\"%s\"} %.6f\n", method, pattern, s->sum);
  g_string_append_printf (out, "tala_http_request_duration_seconds_count{method=\"%s\","
                          "route=\"%s\"} %" G_GUINT64_FORMAT "\n", method, pattern, s->count);
}

char *
hub_server_metrics_text (TalaHubServer *self)
{
  GString *out = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_string_append (out, "# HELP tala_http_requests_total Requests answered, by route and status.\n"
                        "# TYPE tala_http_requests_total counter\n"
                        "# HELP tala_http_request_duration_seconds Time to answer a request.\n"
                        "# TYPE tala_http_request_duration_seconds histogram\n");
  for (guint i = 0; i < self->routes->len; i++)
    {
      const HubRoute *r = g_ptr_array_index (self->routes, i);

      append_route_metrics (out, r->method, r->pattern, &self->stats[i]);
    }
  append_route_metrics (out, "ANY", "unmatched", &self->stats[self->routes->len]);
  g_string_append (out, "# HELP tala_ops_total Ops by outcome: applied, replayed or a "
                        "rejection code.\n# TYPE tala_ops_total counter\n");
  g_hash_table_iter_init (&iter, self->op_outcomes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_string_append_printf (out, "tala_ops_total{outcome=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            (const char *) key, (guint64) GPOINTER_TO_SIZE (value));
  g_string_append_printf (out, "# HELP tala_writer_queue_depth Writes waiting for the writer.\n"
                          "# TYPE tala_writer_queue_depth gauge\ntala_writer_queue_depth %u\n"
                          "# HELP tala_writer_commits_total Group commits.\n"
                          "# TYPE tala_writer_commits_total counter\n"
                          "tala_writer_commits_total %" G_GUINT64_FORMAT "\n"
                          "# TYPE tala_requests_in_flight gauge\ntala_requests_in_flight %u\n"
                          "# HELP tala_http_bodies_refused_total Requests answered 413 before "
                          "their body was read.\n"
                          "# TYPE tala_http_bodies_refused_total counter\n"
                          "tala_http_bodies_refused_total %d\n",
                          tala_hub_writer_queue_depth (self->writer),
                          tala_hub_writer_commits (self->writer), self->n_requests,
                          g_atomic_int_get (&self->refused_early));
  return g_string_free (out, FALSE);
}

/* The role names of @roles (bits in the order of D-A2); empty = anyone. */
static JsonArray *
roles_array (guint roles)
{
  static const char *const names[] = { "STUDENT", "PROFESSOR", "CASHIER", "REGISTRAR",
                                       "HEAD_REGISTRAR", "ADMISSION_STAFF", "ADMIN" };
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (roles & (1u << i))
      json_array_add_string_element (out, names[i]);
  return out;
}

static JsonObject *
openapi_operation (const HubRoute *r)
{
  JsonObject *op = json_object_new ();
  JsonArray *params = json_array_new ();
  JsonObject *responses = json_object_new ();
  g_auto(GStrv) segs = g_strsplit (r->pattern, "/", -1);
  g_autofree char *id = g_strdup_printf ("%s %s", r->method, r->pattern);

  json_object_set_string_member (op, "summary", r->summary);
  json_object_set_string_member (op, "operationId", id);
  for (guint i = 0; segs[i] != NULL; i++)
    if (segs[i][0] == '{')
      {
        JsonObject *p = json_object_new ();
        JsonObject *schema = json_object_new ();
        g_autofree char *name = g_strndup (segs[i] + 1, strlen (segs[i]) - 2);

        json_object_set_string_member (p, "name", name);
        json_object_set_string_member (p, "in", "path");
        json_object_set_boolean_member (p, "required", TRUE);
        json_object_set_string_member (schema, "type", "string");
        json_object_set_object_member (p, "schema", schema);
        json_array_add_object_element (params, p);
      }
  json_object_set_array_member (op, "parameters", params);
  if (r->roles != HUB_ANONYMOUS)
    {
      JsonArray *security = json_array_new ();
      JsonObject *scheme = json_object_new ();

      json_object_set_array_member (scheme, "tokenAuth", json_array_new ());
      json_array_add_object_element (security, scheme);
      json_object_set_array_member (op, "security", security);
    }
  json_object_set_array_member (op, "x-tala-roles", roles_array (r->roles));
  json_object_set_object_member (responses, "default", json_object_new ());
  json_object_set_string_member (json_object_get_object_member (responses, "default"),
                                 "description",
                                 "JSON; errors are {\"error\":{\"code\",\"message\"}}");
  json_object_set_object_member (op, "responses", responses);
  return op;
}

/* The OpenAPI 3 document, generated from the same route table that
 * dispatch uses. */
JsonNode *
hub_server_openapi (TalaHubServer *self)
{
  JsonObject *doc = json_object_new ();
  JsonObject *info = json_object_new ();
  JsonObject *paths = json_object_new ();
  JsonObject *components = json_object_new ();
  JsonObject *schemes = json_object_new ();
  JsonObject *token = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (doc, "openapi", "3.0.3");
  json_object_set_string_member (info, "title", "Tala hub API");
  json_object_set_string_member (info, "version", PACKAGE_VERSION);
  json_object_set_object_member (doc, "info", info);
  for (guint i = 0; i < self->routes->len; i++)
    {
      const HubRoute *r = g_ptr_array_index (self->routes, i);
      g_autofree char *method = g_ascii_strdown (r->method, -1);
      JsonObject *item;

      if (!json_object_has_member (paths, r->pattern))
        json_object_set_object_member (paths, r->pattern, json_object_new ());
      item = json_object_get_object_member (paths, r->pattern);
      json_object_set_object_member (item, method, openapi_operation (r));
    }
  json_object_set_object_member (doc, "paths", paths);
  json_object_set_string_member (token, "type", "apiKey");
  json_object_set_string_member (token, "in", "header");
  json_object_set_string_member (token, "name", "Authorization");
  json_object_set_string_member (token, "description", "Token <key> or Bearer <key>");
  json_object_set_object_member (schemes, "tokenAuth", token);
  json_object_set_object_member (components, "securitySchemes", schemes);
  json_object_set_object_member (doc, "components", components);
  json_node_take_object (node, doc);
  return node;
}
