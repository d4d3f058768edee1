/* sync-proxy.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fault-injecting proxy of the sync tests (sync-proxy.h).  The server
 * side runs on the proxy's thread; each request is paused there and handed
 * to a worker thread, which sleeps its delay, forwards it with a SoupSession
 * of its own (blocking) and hands the answer back to the proxy's thread,
 * which either passes it on or closes the client's connection.
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "sync-proxy.h"

typedef enum
{
  FATE_FORWARD,
  FATE_DROP_REQUEST,
  FATE_DROP_RESPONSE,
  FATE_DUPLICATE,
} Fate;

struct _SyncProxy
{
  GMutex             lock;
  GCond              cond;
  GThread           *thread;
  GMainContext      *context;
  GMainLoop         *loop;
  SoupServer        *server;
  GThreadPool       *pool;
  GHashTable        *streams;        /* name → GRand */
  guint16            port;
  guint16            upstream;
  guint32            seed;
  gboolean           ready;
  double             drop_request;
  double             drop_response;
  double             duplicate;
  double             delay;
  guint              max_delay_ms;
  SyncProxyPushFunc  push_func;
  gpointer           push_data;
  SyncProxyStats     stats;
};

typedef struct
{
  SyncProxy          *proxy;
  SoupServerMessage  *msg;
  char               *method;
  char               *path;          /* what the hub sees, with the query */
  SoupMessageHeaders *headers;
  GBytes             *body;
  Fate                fate;
  gboolean            parallel;      /* a duplicate sent while the first is on its way */
  guint               delay_ms;
  /* The answer. */
  gboolean            close;
  guint               status;
  SoupMessageHeaders *answer_headers;
  GBytes             *answer;
} Job;

static void
job_free (Job *job)
{
  g_object_unref (job->msg);
  g_free (job->method);
  g_free (job->path);
  soup_message_headers_unref (job->headers);
  g_bytes_unref (job->body);
  g_clear_pointer (&job->answer_headers, soup_message_headers_unref);
  g_clear_pointer (&job->answer, g_bytes_unref);
  g_free (job);
}

static gboolean
hop_by_hop (const char *name)
{
  static const char *const skip[] = {
    "host", "content-length", "connection", "keep-alive", "transfer-encoding", "expect",
    "content-type", "date", "server", "proxy-connection", "te", "upgrade",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skip); i++)
    if (g_ascii_strcasecmp (name, skip[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    data)
{
  if (!hop_by_hop (name))
    soup_message_headers_append (data, name, value);
}

/* One blocking round trip to the hub; FALSE when it could not be made. */
static gboolean
forward (SyncProxy *self,
         Job       *job)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", self->upstream, job->path);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) m = soup_message_new (job->method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  const char *content_type;
  gboolean push;
  guint n = 0;

  if (m == NULL)
    return FALSE;
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  soup_session_set_timeout (session, 120);
  soup_message_headers_foreach (job->headers, copy_header, soup_message_get_request_headers (m));
  content_type = soup_message_headers_get_content_type (job->headers, NULL);
  if (g_bytes_get_size (job->body) > 0)
    soup_message_set_request_body_from_bytes (m, content_type, job->body);
  push = strcmp (job->method, "POST") == 0 && g_str_has_suffix (job->path, "/sync/push");
  g_mutex_lock (&self->lock);
  self->stats.forwarded++;
  if (push)
    n = ++self->stats.pushes;
  g_mutex_unlock (&self->lock);
  if (push && self->push_func != NULL)
    self->push_func (n, self->push_data);
  answer = soup_session_send_and_read (session, m, NULL, &error);
  if (answer == NULL)
    {
      if (push)
        {
          g_mutex_lock (&self->lock);
          self->stats.push_upstream_failed++;
          g_mutex_unlock (&self->lock);
        }
      return FALSE;
    }
  job->status = soup_message_get_status (m);
  g_clear_pointer (&job->answer_headers, soup_message_headers_unref);
  g_clear_pointer (&job->answer, g_bytes_unref);
  job->answer_headers = soup_message_headers_ref (soup_message_get_response_headers (m));
  job->answer = g_steal_pointer (&answer);
  return TRUE;
}

/* On the proxy's thread: answer, or hang up. */
static gboolean
finish (gpointer data)
{
  Job *job = data;

  if (job->close)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (job->msg);

      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
    }
  else
    {
      SoupMessageHeaders *out = soup_server_message_get_response_headers (job->msg);
      const char *type = soup_message_headers_get_one (job->answer_headers, "Content-Type");

      soup_message_headers_foreach (job->answer_headers, copy_header, out);
      if (type != NULL)
        soup_message_headers_replace (out, "Content-Type", type);
      soup_server_message_set_status (job->msg, job->status, NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (job->msg),
                                      job->answer);
      soup_server_message_unpause (job->msg);
    }
  job_free (job);
  return G_SOURCE_REMOVE;
}

static gpointer
forward_thread (gpointer data)
{
  Job *copy = data;

  return GINT_TO_POINTER (forward (copy->proxy, copy));
}

/* The request twice; the answer is the second copy's. */
static gboolean
forward_twice (SyncProxy *self,
               Job       *job)
{
  Job copy = *job;
  GThread *first;
  gboolean ok;

  if (!job->parallel)
    return forward (self, job) && forward (self, job);
  copy.answer_headers = NULL;
  copy.answer = NULL;
  first = g_thread_new ("sync-proxy-dup", forward_thread, &copy);
  g_usleep (2 * G_TIME_SPAN_MILLISECOND);
  ok = forward (self, job);
  ok = GPOINTER_TO_INT (g_thread_join (first)) && ok;
  g_clear_pointer (&copy.answer_headers, soup_message_headers_unref);
  g_clear_pointer (&copy.answer, g_bytes_unref);
  return ok;
}

static void
work (gpointer data,
      gpointer user_data)
{
  Job *job = data;
  SyncProxy *self = job->proxy;
  gboolean ok = TRUE;

  if (job->delay_ms > 0)
    g_usleep (job->delay_ms * G_TIME_SPAN_MILLISECOND);
  if (job->fate == FATE_DROP_REQUEST)
    job->close = TRUE;
  else
    {
      if (job->fate == FATE_DUPLICATE)
        ok = forward_twice (self, job);
      else
        ok = forward (self, job);
      job->close = !ok || job->fate == FATE_DROP_RESPONSE;
    }
  g_mutex_lock (&self->lock);
  if (!ok)
    self->stats.upstream_failed++;
  else if (!job->close)
    {
      self->stats.answered++;
      if (job->status >= 500)
        self->stats.server_errors++;
    }
  g_mutex_unlock (&self->lock);
  g_main_context_invoke (self->context, finish, job);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           data)
{
  SyncProxy *self = data;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *raw = g_uri_get_path (uri);
  const char *q = g_uri_get_query (uri);
  g_autofree char *name = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GRand *rand;
  Job *job = g_new0 (Job, 1);
  double r;

  /* "/t/NAME/rest" names the stream; anything else is the "" stream. */
  if (g_str_has_prefix (raw, "/t/") && strchr (raw + 3, '/') != NULL)
    {
      const char *end = strchr (raw + 3, '/');

      name = g_strndup (raw + 3, end - (raw + 3));
      raw = end;
    }
  else
    name = g_strdup ("");
  job->proxy = self;
  job->msg = g_object_ref (msg);
  job->method = g_strdup (soup_server_message_get_method (msg));
  job->path = q ? g_strconcat (raw, "?", q, NULL) : g_strdup (raw);
  job->headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  job->body = soup_message_body_flatten (body);

  g_mutex_lock (&self->lock);
  rand = g_hash_table_lookup (self->streams, name);
  if (rand == NULL)
    {
      rand = g_rand_new_with_seed (self->seed ^ g_str_hash (name));
      g_hash_table_insert (self->streams, g_strdup (name), rand);
    }
  /* Always three draws per request, so that a stream's schedule depends
   * on nothing but its position. */
  r = g_rand_double (rand);
  if (r < self->drop_request)
    job->fate = FATE_DROP_REQUEST;
  else if (r < self->drop_request + self->drop_response)
    job->fate = FATE_DROP_RESPONSE;
  else if (r < self->drop_request + self->drop_response + self->duplicate)
    job->fate = FATE_DUPLICATE;
  else
    job->fate = FATE_FORWARD;
  r = g_rand_double (rand);
  if (r < self->delay && self->max_delay_ms > 0)
    job->delay_ms = (guint) (r / self->delay * (self->max_delay_ms + 1));
  job->parallel = g_rand_boolean (rand);
  self->stats.requests++;
  if (job->fate == FATE_DROP_REQUEST)
    self->stats.dropped_requests++;
  else if (job->fate == FATE_DROP_RESPONSE)
    self->stats.dropped_responses++;
  else if (job->fate == FATE_DUPLICATE)
    self->stats.duplicated++;
  if (job->delay_ms > 0)
    self->stats.delayed++;
  if (job->fate != FATE_FORWARD && strcmp (job->method, "POST") == 0 &&
      g_str_has_suffix (raw, "/sync/push"))
    self->stats.push_faults[job->fate - 1]++;
  g_mutex_unlock (&self->lock);

  soup_server_message_pause (msg);
  g_thread_pool_push (self->pool, job, NULL);
}

static gpointer
run (gpointer data)
{
  SyncProxy *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_handler (self->server, NULL, handle, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);

  g_mutex_lock (&self->lock);
  self->port = (guint16) g_uri_get_port (uris->data);
  self->ready = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

SyncProxy *
sync_proxy_new (guint16 upstream_port,
                guint32 seed)
{
  SyncProxy *self = g_new0 (SyncProxy, 1);
  g_autoptr(GError) error = NULL;

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->upstream = upstream_port;
  self->seed = seed;
  self->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_rand_free);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->pool = g_thread_pool_new (work, self, 16, FALSE, &error);
  g_assert_no_error (error);
  self->thread = g_thread_new ("sync-proxy", run, self);
  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

guint16
sync_proxy_get_port (SyncProxy *self)
{
  return self->port;
}

void
sync_proxy_set_faults (SyncProxy *self,
                       double     drop_request,
                       double     drop_response,
                       double     duplicate,
                       double     delay,
                       guint      max_delay_ms)
{
  g_mutex_lock (&self->lock);
  self->drop_request = drop_request;
  self->drop_response = drop_response;
  self->duplicate = duplicate;
  self->delay = delay;
  self->max_delay_ms = max_delay_ms;
  g_mutex_unlock (&self->lock);
}

void
sync_proxy_set_push_func (SyncProxy         *self,
                          SyncProxyPushFunc  func,
                          gpointer           user_data)
{
  g_mutex_lock (&self->lock);
  self->push_func = func;
  self->push_data = user_data;
  g_mutex_unlock (&self->lock);
}

void
sync_proxy_get_stats (SyncProxy      *self,
                      SyncProxyStats *stats)
{
  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}

static gboolean
quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
sync_proxy_free (SyncProxy *self)
{
  /* The workers finish first; their answers are queued before the quit. */
  g_thread_pool_free (self->pool, FALSE, TRUE);
  g_main_context_invoke (self->context, quit, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->streams);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
