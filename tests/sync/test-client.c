/* test-client.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal's HTTP client (sync/sync-client.c) against a SoupServer
 * running in its own thread with its own GMainContext, while the blocking
 * client runs on the test's main thread: JSON both ways with a token and an
 * Idempotency-Key, an error status that is not an error, gzip answers, one
 * kept-alive connection, a timeout, cancellations from another thread, a
 * refused connection, a streamed download with progress (and its removal on
 * an error status), and TLS with and without the CA file.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "tala-sync-client.h"

/* The server side; every field below @lock is guarded by it. */
typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;        /* owned by the server thread */
  guint16       port;
  gboolean      tls;
  GMutex        lock;
  GCond         ready;
  gboolean      started;
  GHashTable   *peers;         /* client ports seen, as strings */
  guint         requests;
  char         *last_key;      /* headers and body of the last request */
  char         *last_auth;
  char         *last_agent;
  char         *last_accept_encoding;
  char         *last_body;
  GPtrArray    *paused;        /* messages never answered (/hang) */
} Server;

#define SQUEEZED "{\"squeezed\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}"
#define BIG_SIZE (5 * 1024 * 1024)
#define OOPS "{\"error\":{\"code\":\"internal\",\"message\":\"oops\"}}"

static char *big_body;

static void
handle_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  Server *s = data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) sent = soup_message_body_flatten (body);
  gsize sent_length = g_bytes_get_size (sent);
  const char *sent_data = g_bytes_get_data (sent, NULL);

  g_mutex_lock (&s->lock);
  s->requests++;
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    g_hash_table_add (s->peers,
                      g_strdup_printf ("%u", g_inet_socket_address_get_port (
                                         G_INET_SOCKET_ADDRESS (remote))));
  g_free (s->last_key);
  s->last_key = g_strdup (soup_message_headers_get_one (in, "Idempotency-Key"));
  g_free (s->last_auth);
  s->last_auth = g_strdup (soup_message_headers_get_one (in, "Authorization"));
  g_free (s->last_agent);
  s->last_agent = g_strdup (soup_message_headers_get_one (in, "User-Agent"));
  g_free (s->last_accept_encoding);
  s->last_accept_encoding = g_strdup (soup_message_headers_get_one (in, "Accept-Encoding"));
  g_free (s->last_body);
  s->last_body = g_strndup (sent_data != NULL ? sent_data : "", sent_length);
  g_mutex_unlock (&s->lock);

  if (strcmp (path, "/echo") == 0)
    {
      g_autofree char *answer = g_strdup_printf ("{\"got\":%.*s}",
                                                 sent_length > 0 ? (int) sent_length : 4,
                                                 sent_length > 0 ? sent_data : "null");

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer,
                                        strlen (answer));
    }
  else if (strcmp (path, "/missing") == 0)
    {
      static const char answer[] = "{\"error\":{\"code\":\"not_found\",\"message\":\"no\"}}";

      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, answer,
                                        sizeof answer - 1);
    }
  else if (strcmp (path, "/gzip") == 0)
    {
      g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
      g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
      g_autoptr(GOutputStream) zout = g_converter_output_stream_new (mem, G_CONVERTER (gz));
      g_autoptr(GBytes) bytes = NULL;

      g_assert_true (g_output_stream_write_all (zout, SQUEEZED, strlen (SQUEEZED), NULL, NULL,
                                                NULL));
      g_assert_true (g_output_stream_close (zout, NULL, NULL));
      bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
      /* The bytes on the wire really are compressed. */
      g_assert_cmpuint (g_bytes_get_size (bytes), <, strlen (SQUEEZED));
      soup_message_headers_replace (out, "Content-Encoding", "gzip");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  else if (strcmp (path, "/big") == 0)
    {
      soup_message_headers_replace (out, "Tala-Cursor", "42");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC,
                                        big_body, BIG_SIZE);
    }
  else if (strcmp (path, "/broken") == 0)
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, OOPS,
                                        strlen (OOPS));
    }
  else if (strcmp (path, "/twice") == 0)
    {
      /* Two JSON texts in a row: json-glib 1.6 alone would take the second. */
      static const char answer[] = "{\"results\":[1]}{\"changes\":[]}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, answer,
                                        sizeof answer - 1);
    }
  else if (strcmp (path, "/hang") == 0)
    {
      /* Never answered; dropped when the server goes. */
      soup_server_message_pause (msg);
      g_ptr_array_add (s->paused, g_object_ref (msg));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static gpointer
server_thread (gpointer data)
{
  Server *s = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (s->context);
  if (s->tls)
    {
      g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "data", "test-tls-cert.pem",
                                                     NULL);
      g_autofree char *key = g_test_build_filename (G_TEST_DIST, "data", "test-tls-key.pem",
                                                    NULL);
      g_autoptr(GTlsCertificate) tls = g_tls_certificate_new_from_files (cert, key, &error);

      g_assert_no_error (error);
      s->server = soup_server_new ("tls-certificate", tls, NULL);
    }
  else
    s->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (s->server, NULL, handle_cb, s, NULL);
  soup_server_listen_local (s->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY | (s->tls ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (s->server);
  s->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&s->lock);
  s->started = TRUE;
  g_cond_signal (&s->ready);
  g_mutex_unlock (&s->lock);

  g_main_loop_run (s->loop);

  g_ptr_array_set_size (s->paused, 0);
  soup_server_disconnect (s->server);
  g_clear_object (&s->server);
  while (g_main_context_iteration (s->context, FALSE))
    ;
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

static void
server_start (Server   *s,
              gboolean  tls)
{
  memset (s, 0, sizeof *s);
  g_mutex_init (&s->lock);
  g_cond_init (&s->ready);
  s->tls = tls;
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  s->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->paused = g_ptr_array_new_with_free_func (g_object_unref);
  s->thread = g_thread_new ("server", server_thread, s);
  g_mutex_lock (&s->lock);
  while (!s->started)
    g_cond_wait (&s->ready, &s->lock);
  g_mutex_unlock (&s->lock);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
server_stop (Server *s)
{
  g_main_context_invoke (s->context, quit_cb, s->loop);
  g_thread_join (s->thread);
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->context);
  g_hash_table_unref (s->peers);
  g_ptr_array_unref (s->paused);
  g_free (s->last_key);
  g_free (s->last_auth);
  g_free (s->last_agent);
  g_free (s->last_accept_encoding);
  g_free (s->last_body);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->ready);
}

/* A copy of a string field read under the lock. */
static char *
server_dup (Server      *s,
            char *const *field)
{
  char *copy;

  g_mutex_lock (&s->lock);
  copy = g_strdup (*field);
  g_mutex_unlock (&s->lock);
  return copy;
}

static TalaSyncClient *
client_for (Server                      *s,
            const TalaSyncClientOptions *options)
{
  /* A trailing slash on the base URL is dropped. */
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u/", s->tls ? "https" : "http",
                                          s->port);

  return tala_sync_client_new (url, options);
}

/* ---- Requests ------------------------------------------------------------ */

/* request_json(): the body, the token and the Idempotency-Key reach the
 * server, and the JSON answer comes back parsed. */
static void
test_json (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(JsonNode) body = json_from_string ("{\"ops\":[1,2,3]}", NULL);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *base = NULL;
  JsonObject *got;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  base = g_strdup_printf ("http://127.0.0.1:%u", s.port);
  g_assert_cmpstr (tala_sync_client_get_base_url (client), ==, base);
  tala_sync_client_set_token (client, "abc");
  status = tala_sync_client_request_json (client, "POST", "/echo", body, "key-1", &reply, NULL,
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (reply);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  got = json_object_get_object_member (json_node_get_object (reply), "got");
  g_assert_nonnull (got);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (got, "ops")), ==, 3);
  key = server_dup (&s, &s.last_key);
  sent = server_dup (&s, &s.last_body);
  auth = server_dup (&s, &s.last_auth);
  agent = server_dup (&s, &s.last_agent);
  g_assert_cmpstr (key, ==, "key-1");
  g_assert_cmpstr (sent, ==, "{\"ops\":[1,2,3]}");
  g_assert_cmpstr (auth, ==, "Token abc");
  g_assert_cmpstr (agent, ==, "tala-sync/" PACKAGE_VERSION);

  /* Without a key, a token or a body, none is sent. */
  g_clear_pointer (&reply, json_node_unref);
  g_clear_pointer (&key, g_free);
  g_clear_pointer (&auth, g_free);
  tala_sync_client_set_token (client, NULL);
  status = tala_sync_client_request_json (client, "GET", "/echo", NULL, NULL, &reply, NULL,
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_node_is_null (json_object_get_member (json_node_get_object (reply),
                                                            "got")));
  key = server_dup (&s, &s.last_key);
  auth = server_dup (&s, &s.last_auth);
  g_assert_null (key);
  g_assert_null (auth);

  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

/* Fuzz finding F5: the hub's answers are checked as strictly as the hub
 * checks request bodies (tala_json_is_strict(), one code path): two texts
 * in a row, comments, bare words or bytes that are not UTF-8 are no JSON
 * answer at all (@reply stays NULL, the status still comes back). */
static void
test_strict_json (void)
{
  static const char *const refused[] = {
    "{\"a\":1}{\"b\":2}", "{\"a\":1} x", "// c\n{}", "{'a':1}", "{a:1}", "{\"a\":\"\xff\"}",
    "[1,]", "",
  };
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) good = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "fuzz-op",
                                                 "f5-two-texts-json-glib-leak.json", NULL);
  g_autofree char *f5 = NULL;
  gsize length;
  guint status;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_null (tala_sync_parse_strict (refused[i], strlen (refused[i])));
  g_assert_null (tala_sync_parse_strict (NULL, 0));
  g_assert_true (g_file_get_contents (path, &f5, &length, &error));
  g_assert_no_error (error);
  g_assert_null (tala_sync_parse_strict (f5, length));
  good = tala_sync_parse_strict (" {\"a\":[1,\"é\"]}\n", strlen (" {\"a\":[1,\"é\"]}\n"));
  g_assert_nonnull (good);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (good));

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  status = tala_sync_client_request_json (client, "GET", "/twice", NULL, NULL, &reply, NULL,
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (reply);
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

/* A 404 answer is a status with its JSON body, not a GError. */
static void
test_error_status (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *err;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  status = tala_sync_client_request_json (client, "GET", "/missing", NULL, NULL, &reply, NULL,
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
  g_assert_nonnull (reply);
  err = json_object_get_object_member (json_node_get_object (reply), "error");
  g_assert_cmpstr (json_object_get_string_member (err, "code"), ==, "not_found");

  /* The same through request(), and a 404 without a body: no JSON. */
  status = tala_sync_client_request (client, "GET", "/missing", NULL, NULL, &raw, &headers, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpstr (g_hash_table_lookup (headers, "content-type"), ==, "application/json");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (raw, NULL), (gssize) g_bytes_get_size (raw),
                                  "not_found"));
  g_clear_pointer (&reply, json_node_unref);
  status = tala_sync_client_request_json (client, "GET", "/nothing-here", NULL, NULL, &reply,
                                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
  g_assert_null (reply);

  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

/* A Content-Encoding: gzip answer comes back decoded. */
static void
test_gzip (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *accepted = NULL;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  status = tala_sync_client_request (client, "GET", "/gzip", NULL, NULL, &answer, &headers, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (g_hash_table_lookup (headers, "content-encoding"), ==, "gzip");
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), SQUEEZED,
                   strlen (SQUEEZED));
  accepted = server_dup (&s, &s.last_accept_encoding);
  g_assert_nonnull (accepted);
  g_assert_nonnull (strstr (accepted, "gzip"));
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

/* Three requests of one client share one connection; a second client opens
 * its own. */
static void
test_keepalive (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(TalaSyncClient) other = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  const char *methods[] = { "GET", "POST", "GET" };
  g_autoptr(GError) error = NULL;
  guint peers;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(GBytes) answer = NULL;
      guint status = tala_sync_client_request (client, methods[i], "/echo", "application/json",
                                               strcmp (methods[i], "POST") == 0 ? body : NULL,
                                               &answer, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                       strcmp (methods[i], "POST") == 0 ? "{\"got\":{}}" : "{\"got\":null}",
                       strcmp (methods[i], "POST") == 0 ? 10 : 12);
    }
  g_mutex_lock (&s.lock);
  peers = g_hash_table_size (s.peers);
  g_assert_cmpuint (s.requests, ==, 3);
  g_mutex_unlock (&s.lock);
  g_assert_cmpuint (peers, ==, 1);

  other = client_for (&s, NULL);
  g_assert_cmpuint (tala_sync_client_request (other, "GET", "/echo", NULL, NULL, NULL, NULL, NULL,
                                              &error), ==, 200);
  g_assert_no_error (error);
  g_mutex_lock (&s.lock);
  peers = g_hash_table_size (s.peers);
  g_mutex_unlock (&s.lock);
  g_assert_cmpuint (peers, ==, 2);

  g_clear_pointer (&client, tala_sync_client_free);
  g_clear_pointer (&other, tala_sync_client_free);
  server_stop (&s);
}

/* ---- Failures ------------------------------------------------------------ */

/* A server that never answers: G_IO_ERROR_TIMED_OUT after timeout_s. */
static void
test_timeout (void)
{
  Server s;
  TalaSyncClientOptions options = { .timeout_s = 1 };
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, &options);
  start = g_get_monotonic_time ();
  status = tala_sync_client_request (client, "GET", "/hang", NULL, NULL, &answer, NULL, NULL,
                                     &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpuint (status, ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (answer);
  g_assert_cmpint (elapsed, >=, 900 * 1000);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

typedef struct
{
  GCancellable *cancellable;
  gint64        at;          /* monotonic time of the cancel */
} Canceller;

static gpointer
cancel_later_cb (gpointer data)
{
  Canceller *c = data;

  g_usleep (300 * 1000);
  c->at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

/* The client's promise is ~100 ms; 500 ms leaves room for a loaded machine
 * while still failing for a client that only notices once a second. */
#define CANCEL_BOUND (500 * 1000)

/* A cancel from another thread ends a request that waits for an answer. */
static void
test_cancel (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Canceller c = { cancellable, 0 };
  GThread *thread;
  gint64 end;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  thread = g_thread_new ("cancel", cancel_later_cb, &c);
  status = tala_sync_client_request (client, "GET", "/hang", NULL, NULL, NULL, NULL, cancellable,
                                     &error);
  end = g_get_monotonic_time ();
  g_thread_join (thread);
  g_assert_cmpuint (status, ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (c.at, >, 0);
  g_assert_cmpint (end - c.at, <, CANCEL_BOUND);

  /* An already cancelled request does not start; the client still works. */
  g_clear_error (&error);
  g_assert_cmpuint (tala_sync_client_request (client, "GET", "/echo", NULL, NULL, NULL, NULL,
                                              cancellable, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (tala_sync_client_request (client, "GET", "/echo", NULL, NULL, NULL, NULL,
                                              NULL, &error), ==, 200);
  g_assert_no_error (error);

  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

/* A closed port: G_IO_ERROR_CONNECTION_REFUSED. */
static void
test_refused (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  /* A port that was free a moment ago and is closed now. */
  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (sock, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  client = tala_sync_client_new (url, NULL);
  g_assert_cmpuint (tala_sync_client_request (client, "GET", "/", NULL, NULL, NULL, NULL, NULL,
                                              &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

/* ---- Downloads ----------------------------------------------------------- */

typedef struct
{
  guint  calls;
  gint64 done;
  gint64 total;
} Progress;

static void
progress_cb (gint64   done,
             gint64   total,
             gpointer data)
{
  Progress *p = data;

  g_assert_cmpint (done, >=, p->done);
  p->calls++;
  p->done = done;
  p->total = total;
}

/* 5 MB streamed into a 0600 file with progress, the answer's headers
 * returned. */
static void
test_download (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GBytes) error_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_runtime_dir (), "big.bin", NULL);
  g_autofree char *contents = NULL;
  Progress p = { 0 };
  GStatBuf st;
  gsize length;
  guint status;

  /* An existing file is truncated. */
  g_assert_true (g_file_set_contents (path, "old old old", -1, NULL));
  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  status = tala_sync_client_download (client, "/big", path, progress_cb, &p, &headers,
                                      &error_body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (error_body);
  g_assert_cmpuint (p.calls, >, 0);
  g_assert_cmpint (p.done, ==, BIG_SIZE);
  g_assert_cmpint (p.total, ==, BIG_SIZE);
  g_assert_cmpstr (g_hash_table_lookup (headers, "tala-cursor"), ==, "42");
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, big_body, BIG_SIZE);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_unlink (path);

  /* A fresh file is created 0600. */
  status = tala_sync_client_download (client, "/big", path, NULL, NULL, NULL, NULL, NULL,
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, BIG_SIZE);
  g_unlink (path);

  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

/* A 500 leaves no file, and its body comes back in @error_body. */
static void
test_download_error (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GBytes) error_body = NULL;
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_runtime_dir (), "broken.bin", NULL);
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  status = tala_sync_client_download (client, "/broken", path, NULL, NULL, &headers, &error_body,
                                      NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 500);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (error_body);
  g_assert_cmpmem (g_bytes_get_data (error_body, NULL), g_bytes_get_size (error_body),
                   OOPS, strlen (OOPS));
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

/* A cancelled download returns CANCELLED promptly and leaves no file. */
static void
test_download_cancel (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) error_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_runtime_dir (), "hang.bin", NULL);
  Canceller c = { cancellable, 0 };
  GThread *thread;
  gint64 end;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  thread = g_thread_new ("cancel", cancel_later_cb, &c);
  status = tala_sync_client_download (client, "/hang", path, NULL, NULL, NULL, &error_body,
                                      cancellable, &error);
  end = g_get_monotonic_time ();
  g_thread_join (thread);
  g_assert_cmpuint (status, ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (end - c.at, <, CANCEL_BOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (error_body);
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

/* ---- TLS ----------------------------------------------------------------- */

/* With the self-signed certificate as ca_file the request goes through;
 * without it the handshake fails with an error. */
static void
test_tls (void)
{
  Server s;
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "data", "test-tls-cert.pem", NULL);
  TalaSyncClientOptions trusting = { .ca_file = cert };
  g_autoptr(TalaSyncClient) good = NULL;
  g_autoptr(TalaSyncClient) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint requests;

  server_start (&s, TRUE);
  good = client_for (&s, &trusting);
  g_assert_cmpuint (tala_sync_client_request_json (good, "GET", "/echo", NULL, NULL, &reply, NULL,
                                                   &error), ==, 200);
  g_assert_no_error (error);
  g_assert_nonnull (reply);

  bad = client_for (&s, NULL);
  g_assert_cmpuint (tala_sync_client_request (bad, "GET", "/echo", NULL, NULL, NULL, NULL, NULL,
                                              &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (error->message, !=, "");
  g_mutex_lock (&s.lock);
  requests = s.requests;
  g_mutex_unlock (&s.lock);
  g_assert_cmpuint (requests, ==, 1);

  g_clear_pointer (&good, tala_sync_client_free);
  g_clear_pointer (&bad, tala_sync_client_free);
  server_stop (&s);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  big_body = g_malloc (BIG_SIZE);
  for (gsize i = 0; i < BIG_SIZE; i++)
    big_body[i] = (char) ('a' + (i * 7 + i / 4096) % 26);

  g_test_add_func ("/sync/client/json", test_json);
  g_test_add_func ("/sync/client/strict-json", test_strict_json);
  g_test_add_func ("/sync/client/error-status", test_error_status);
  g_test_add_func ("/sync/client/gzip", test_gzip);
  g_test_add_func ("/sync/client/keepalive", test_keepalive);
  g_test_add_func ("/sync/client/timeout", test_timeout);
  g_test_add_func ("/sync/client/cancel", test_cancel);
  g_test_add_func ("/sync/client/refused", test_refused);
  g_test_add_func ("/sync/client/download", test_download);
  g_test_add_func ("/sync/client/download-error", test_download_error);
  g_test_add_func ("/sync/client/download-cancel", test_download_cancel);
  g_test_add_func ("/sync/client/tls", test_tls);

  status = g_test_run ();
  g_free (big_body);
  return status;
}
