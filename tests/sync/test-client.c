/* test-client.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal's HTTP client (sync/sync-client.c) against a SoupServer
 * running in its own thread: JSON both ways with an Idempotency-Key, an
 * error status that is not an error, gzip answers, one kept-alive
 * connection, a timeout, a cancellation from another thread, a refused
 * connection, a streamed download with progress (and its removal on an
 * error status), and TLS with and without the CA file.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "tala-sync-client.h"

typedef struct
{
  GThread       *thread;
  GMainContext  *context;
  GMainLoop     *loop;
  SoupServer    *server;
  guint16        port;
  GMutex         lock;
  GCond          ready;
  gboolean       started;
  gboolean       tls;
  GHashTable    *peers;        /* remote "address:port" seen */
  char          *last_key;     /* Idempotency-Key of the last request */
  char          *last_body;
  GPtrArray     *paused;       /* messages never answered (the hang route) */
} Server;

#define SQUEEZED "{\"squeezed\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}"

static char *big_body;
#define BIG_SIZE (5 * 1024 * 1024)

static void
handle_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  Server *s = data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Idempotency-Key");

  g_mutex_lock (&s->lock);
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    g_hash_table_add (s->peers, g_strdup_printf ("%u", g_inet_socket_address_get_port (
                                                   G_INET_SOCKET_ADDRESS (remote))));
  g_free (s->last_key);
  s->last_key = g_strdup (key);
  g_free (s->last_body);
  s->last_body = g_strndup (body->data ? body->data : "", body->length);
  g_mutex_unlock (&s->lock);

  if (strcmp (path, "/echo") == 0)
    {
      g_autofree char *answer = g_strdup_printf ("{\"got\":%s}", body->length ? body->data
                                                                              : "null");

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
      g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (gz));
      const char *text = SQUEEZED;
      g_autoptr(GBytes) bytes = NULL;

      g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
      g_output_stream_close (out, NULL, NULL);
      bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Content-Encoding", "gzip");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  else if (strcmp (path, "/big") == 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Tala-Cursor",
                                    "42");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC,
                                        big_body, BIG_SIZE);
    }
  else if (strcmp (path, "/broken") == 0)
    {
      static const char answer[] = "{\"error\":{\"code\":\"busy\",\"message\":\"later\"}}";

      soup_server_message_set_status (msg, 503, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, answer,
                                        sizeof answer - 1);
    }
  else if (strcmp (path, "/hang") == 0)
    {
      /* Never answered until the server goes. */
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
  soup_server_listen_local (s->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY |
                            (s->tls ? SOUP_SERVER_LISTEN_HTTPS : 0), &error);
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
  g_free (s->last_body);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->ready);
}

static TalaSyncClient *
client_for (Server                      *s,
            const TalaSyncClientOptions *options)
{
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u/", s->tls ? "https" : "http",
                                          s->port);

  return tala_sync_client_new (url, options);
}

static void
test_json (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(JsonNode) body = json_from_string ("{\"ops\":[1,2,3]}", NULL);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  tala_sync_client_set_token (client, "abc");
  status = tala_sync_client_request_json (client, "POST", "/echo", body, "key-1", &reply, NULL,
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (
                     json_object_get_object_member (json_node_get_object (reply), "got"),
                     "ops")), ==, 3);
  g_assert_cmpstr (s.last_key, ==, "key-1");
  g_assert_cmpstr (s.last_body, ==, "{\"ops\":[1,2,3]}");
  /* A 404 is an answer, not an error. */
  status = tala_sync_client_request_json (client, "GET", "/missing", NULL, NULL, &missing, NULL,
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_node_get_object (missing), "error"), "code"), ==, "not_found");
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

static void
test_gzip_keepalive (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GHashTable) headers = NULL;
      guint status = tala_sync_client_request (client, "GET", "/gzip", NULL, NULL, &answer,
                                               &headers, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (g_hash_table_lookup (headers, "content-encoding"), ==, "gzip");
      g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), SQUEEZED,
                       strlen (SQUEEZED));
    }
  /* One connection for all three. */
  g_assert_cmpuint (g_hash_table_size (s.peers), ==, 1);
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

static void
test_timeout (void)
{
  Server s;
  TalaSyncClientOptions options = { .timeout_s = 1 };
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, &options);
  start = g_get_monotonic_time ();
  status = tala_sync_client_request (client, "GET", "/hang", NULL, NULL, NULL, NULL, NULL,
                                     &error);
  g_assert_cmpuint (status, ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (void)
{
  Server s;
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *canceller;
  gint64 start;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  start = g_get_monotonic_time ();
  canceller = g_thread_new ("cancel", cancel_later, cancellable);
  status = tala_sync_client_request (client, "GET", "/hang", NULL, NULL, NULL, NULL, cancellable,
                                     &error);
  g_thread_join (canceller);
  g_assert_cmpuint (status, ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Within a second of the cancel at 0.3 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1300 * 1000);
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

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

static void
progress_cb (gint64   done,
             gint64   total,
             gpointer data)
{
  gint64 *last = data;

  g_assert_cmpint (done, >=, *last);
  *last = done;
}

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
  GStatBuf st;
  gint64 last = 0;
  gsize length;
  guint status;

  server_start (&s, FALSE);
  client = client_for (&s, NULL);
  status = tala_sync_client_download (client, "/big", path, progress_cb, &last, &headers,
                                      &error_body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (last, ==, BIG_SIZE);
  g_assert_cmpstr (g_hash_table_lookup (headers, "tala-cursor"), ==, "42");
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, big_body, BIG_SIZE);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* An error status leaves no file, and its body comes back. */
  status = tala_sync_client_download (client, "/broken", path, NULL, NULL, NULL, &error_body,
                                      NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 503);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (error_body);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (error_body, NULL),
                                  (gssize) g_bytes_get_size (error_body), "busy"));
  g_clear_pointer (&client, tala_sync_client_free);
  server_stop (&s);
}

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

  server_start (&s, TRUE);
  good = client_for (&s, &trusting);
  g_assert_cmpuint (tala_sync_client_request_json (good, "GET", "/echo", NULL, NULL, &reply, NULL,
                                                   &error), ==, 200);
  g_assert_no_error (error);
  bad = client_for (&s, NULL);
  g_assert_cmpuint (tala_sync_client_request (bad, "GET", "/echo", NULL, NULL, NULL, NULL, NULL,
                                              &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_pointer (&good, tala_sync_client_free);
  g_clear_pointer (&bad, tala_sync_client_free);
  server_stop (&s);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  big_body = g_malloc (BIG_SIZE);
  for (gsize i = 0; i < BIG_SIZE; i++)
    big_body[i] = (char) ('a' + (i * 7 + i / 4096) % 26);

  g_test_add_func ("/sync/client/json", test_json);
  g_test_add_func ("/sync/client/gzip-keepalive", test_gzip_keepalive);
  g_test_add_func ("/sync/client/timeout", test_timeout);
  g_test_add_func ("/sync/client/cancel", test_cancel);
  g_test_add_func ("/sync/client/refused", test_refused);
  g_test_add_func ("/sync/client/download", test_download);
  g_test_add_func ("/sync/client/tls", test_tls);

  status = g_test_run ();
  g_free (big_body);
  return status;
}
