/* fuzz-common.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "hub-server.h"
#include "tala-ledger-replica.h"

#define HUB_TIMEOUT_S 20

static const char *const *known_logs;

static void
log_handler (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      for (guint i = 0; known_logs != NULL && known_logs[i] != NULL; i++)
        if (strstr (message, known_logs[i]) != NULL)
          return;
      g_printerr ("%s: %s\n", domain ? domain : "(no domain)", message);
      __builtin_trap ();
    }
}

void
fuzz_fatal_logs (const char *const *known)
{
  known_logs = known;
  g_log_set_default_handler (log_handler, NULL);
}

gint64
fuzz_f0_now (void)
{
  gint64 now = 0;

  FUZZ_CHECK (tala_timestamp_parse ("2025-06-02T01:00:00Z", &now));
  return now;
}

char *
fuzz_scratch_dir (void)
{
  g_autoptr(GError) error = NULL;
  const char *parent = g_getenv ("TALA_FUZZ_TMPDIR");
  char *dir = NULL;

  if (parent != NULL && *parent != '\0')
    {
      g_autofree char *tmpl = g_build_filename (parent, "tala-fuzz-XXXXXX", NULL);

      dir = g_mkdtemp (g_steal_pointer (&tmpl));
      FUZZ_CHECK (dir != NULL);
      return dir;
    }
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
    {
      g_autofree char *tmpl = g_build_filename ("/dev/shm", "tala-fuzz-XXXXXX", NULL);

      dir = g_mkdtemp (g_steal_pointer (&tmpl));
    }
  if (dir == NULL)
    dir = g_dir_make_tmp ("tala-fuzz-XXXXXX", &error);
  FUZZ_CHECK (dir != NULL);
  return dir;
}

TalaLedger *
fuzz_ledger_f0 (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  TalaLedger *ledger = tala_ledger_open (path, &error);
  gint64 now = fuzz_f0_now ();

  FUZZ_CHECK (ledger != NULL);
  FUZZ_CHECK (g_file_get_contents (FUZZ_F0_PATH, &contents, NULL, &error));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonObject) result = NULL;

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      FUZZ_CHECK (json_parser_load_from_data (parser, lines[i], -1, &error));
      result = tala_ledger_apply (ledger, json_node_get_object (json_parser_get_root (parser)),
                                  TALA_CHANNEL_TRUSTED, now, NULL, &error);
      FUZZ_CHECK (result != NULL);
      FUZZ_CHECK (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") == 0);
    }
  return ledger;
}

char *
fuzz_string (const uint8_t *data,
             size_t         size)
{
  return g_strndup ((const char *) data, size);
}

/* ---- The in-process hub -------------------------------------------------- */

static struct
{
  GMainContext  *context;
  TalaHubServer *server;
  char          *dir;
  char          *tokens[FUZZ_AS_N];
  GInetSocketAddress *address;
} hub;

void
fuzz_hub_init (void)
{
  static const char *const users[FUZZ_AS_N] = {
    NULL, "admin", "cashier1", "registrar1", "prof1", "2025-00001", NULL
  };
  TalaHubServerOptions options = {
    .quiet = TRUE,
    .readers = 1,
    .rate_anon = G_MAXUINT,
    .rate_auth = G_MAXUINT,
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  TalaLedger *ledger;

  if (hub.server != NULL)
    return;
  hub.dir = fuzz_scratch_dir ();
  path = g_build_filename (hub.dir, "hub.db", NULL);
  ledger = fuzz_ledger_f0 (path);
  for (guint i = 0; i < FUZZ_AS_N; i++)
    if (users[i] != NULL)
      {
        hub.tokens[i] = tala_ledger_issue_token (ledger, users[i], fuzz_f0_now (), &error);
        FUZZ_CHECK (hub.tokens[i] != NULL);
      }
  device = tala_ledger_register_device (ledger, "cashier1", "T01", fuzz_f0_now (), &error);
  FUZZ_CHECK (device != NULL);
  hub.tokens[FUZZ_AS_TERMINAL] = g_strdup (json_object_get_string_member (device,
                                                                          "device_token"));
  tala_ledger_free (ledger);

  hub.context = g_main_context_new ();
  g_main_context_push_thread_default (hub.context);
  hub.server = tala_hub_server_new (path, &options, &error);
  FUZZ_CHECK (hub.server != NULL);
  FUZZ_CHECK (tala_hub_server_listen (hub.server, "127.0.0.1:0", &error));
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  hub.address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (
    loopback, tala_hub_server_get_port (hub.server)));
}

const char *
fuzz_hub_token (FuzzAs as)
{
  return hub.tokens[as];
}

typedef struct
{
  GString  *reply;
  gboolean  done;
} Receive;

/* Whether @reply holds a whole answer with a Content-Length.  libsoup
 * keeps some connections open after the answer even when the client has
 * shut its side (a folded Connection header makes it keep-alive), so the
 * end of the answer, not of the stream, ends the wait. */
static gboolean
answer_complete (GString *reply)
{
  const char *end = g_strstr_len (reply->str, (gssize) reply->len, "\r\n\r\n");
  g_autofree char *head = NULL;
  const char *cl;

  if (end == NULL)
    return FALSE;
  head = g_ascii_strdown (reply->str, end - reply->str);
  cl = strstr (head, "\r\ncontent-length:");
  if (cl == NULL)
    return FALSE;
  return reply->len >= (gsize) (end + 4 - reply->str) +
                       g_ascii_strtoull (cl + strlen ("\r\ncontent-length:"), NULL, 10);
}

static gboolean
readable_cb (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  Receive *r = user_data;
  char buf[16 * 1024];
  gssize n;

  for (;;)
    {
      g_autoptr(GError) error = NULL;

      n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      if (n > 0)
        {
          g_string_append_len (r->reply, buf, n);
          if (answer_complete (r->reply))
            {
              r->done = TRUE;
              return G_SOURCE_REMOVE;
            }
          continue;
        }
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      /* End of the stream, or the connection was reset. */
      r->done = TRUE;
      return G_SOURCE_REMOVE;
    }
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_printerr ("the hub did not answer within %d s\n", HUB_TIMEOUT_S);
  abort ();
  return G_SOURCE_REMOVE;
}

guint
fuzz_hub_send (const char *request,
               gsize       length,
               GString    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GString) local = NULL;
  Receive r = { reply, FALSE };
  guint status = 0;
  gsize sent = 0;

  if (r.reply == NULL)
    r.reply = local = g_string_new (NULL);
  if (g_getenv ("TALA_FUZZ_DUMP") != NULL)
    g_file_set_contents (g_getenv ("TALA_FUZZ_DUMP"), request, (gssize) length, NULL);
  g_string_truncate (r.reply, 0);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  FUZZ_CHECK (socket != NULL);
  /* The kernel completes a loopback handshake without the server's
   * accept(), and the request fits the socket buffers (libFuzzer inputs
   * are small), so both may block. */
  FUZZ_CHECK (g_socket_connect (socket, G_SOCKET_ADDRESS (hub.address), NULL, &error));
  while (sent < length)
    {
      gssize n = g_socket_send (socket, request + sent, length - sent, NULL, &error);

      FUZZ_CHECK (n > 0);
      sent += (gsize) n;
    }
  /* No more from us: a request that libsoup still finds incomplete (a
   * NUL in the headers, …) ends there instead of waiting for more. */
  FUZZ_CHECK (g_socket_shutdown (socket, FALSE, TRUE, &error));
  g_socket_set_blocking (socket, FALSE);
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (readable_cb), &r, NULL);
  g_source_attach (source, hub.context);
  timeout = g_timeout_source_new_seconds (HUB_TIMEOUT_S);
  g_source_set_callback (timeout, timeout_cb, NULL, NULL);
  g_source_attach (timeout, hub.context);
  while (!r.done)
    g_main_context_iteration (hub.context, TRUE);
  g_source_destroy (source);
  g_source_destroy (timeout);
  g_socket_close (socket, NULL);
  /* Let the server see the close and free the connection. */
  while (g_main_context_iteration (hub.context, FALSE))
    ;
  if (r.reply->len > 12 && g_str_has_prefix (r.reply->str, "HTTP/1."))
    status = (guint) g_ascii_strtoull (r.reply->str + 9, NULL, 10);
  return status;
}

/* Whether @headers has a line named @name (lower case). */
static gboolean
has_header (const char *headers,
            const char *name)
{
  g_auto(GStrv) lines = g_strsplit (headers, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (lines[i], -1);

      if (g_str_has_prefix (lower, name) && lower[strlen (name)] == ':')
        return TRUE;
    }
  return FALSE;
}

GString *
fuzz_hub_request (const char *method,
                  const char *target,
                  FuzzAs      as,
                  const char *headers,
                  const char *body,
                  gsize       body_length)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
                          method, target);
  if (hub.tokens[as] != NULL)
    g_string_append_printf (out, "Authorization: Token %s\r\n", hub.tokens[as]);
  if (headers != NULL)
    g_string_append (out, headers);
  if (body != NULL && (headers == NULL || !has_header (headers, "content-type")))
    g_string_append (out, "Content-Type: application/json\r\n");
  if (body != NULL)
    g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", body_length);
  else
    g_string_append (out, "\r\n");
  if (body != NULL)
    g_string_append_len (out, body, (gssize) body_length);
  return out;
}

/* ---- What an answer must be ---------------------------------------------- */

#include "fuzz-hub-check.h"

void
fuzz_hub_check_answer (guint          status,
                       const GString *reply)
{
  const char *end = strstr (reply->str, "\r\n\r\n");
  g_autofree char *head = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *err;

  /* 0: the connection closed without an answer (libsoup drops a request
   * it cannot read); not a hub answer, and not an error of the hub. */
  if (status >= 500)
    {
      g_printerr ("the hub answered %u:\n%.*s\n", status, (int) MIN (reply->len, 2000),
                  reply->str);
      __builtin_trap ();
    }
  if (end == NULL || status < 400)
    return;
  /* F3 (tests/fuzz/README.md), fixed: an error message that echoes bytes
   * of the request (the method of a 405, …) is made valid UTF-8. */
  FUZZ_TRAP_UNLESS (g_utf8_validate (end + 4, (gssize) (reply->len - (end + 4 - reply->str)),
                                     NULL));
  head = g_ascii_strdown (reply->str, end - reply->str);
  if (g_getenv ("TALA_FUZZ_VERBOSE") != NULL)
    g_printerr ("%s\n", reply->str);
  if (strstr (head, "\r\ncontent-type: application/json") == NULL)
    return;   /* libsoup's own answer to a malformed request: no body */
  FUZZ_TRAP_UNLESS (json_parser_load_from_data (parser, end + 4,
                                                (gssize) (reply->len - (end + 4 - reply->str)),
                                                NULL));
  root = json_parser_get_root (parser);
  FUZZ_TRAP_UNLESS (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
  FUZZ_TRAP_UNLESS (json_object_has_member (json_node_get_object (root), "error"));
  FUZZ_TRAP_UNLESS (JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root),
                                                                    "error")));
  err = json_object_get_object_member (json_node_get_object (root), "error");
  FUZZ_TRAP_UNLESS (JSON_NODE_HOLDS_VALUE (json_object_get_member (err, "code")) &&
                    json_object_get_string_member (err, "code") != NULL);
  FUZZ_TRAP_UNLESS (json_object_has_member (err, "message"));
}
