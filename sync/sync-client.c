/* sync-client.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal's HTTP client (tala-sync-client.h) over one libcurl easy
 * handle.  The handle keeps the options that never change (timeouts, TLS,
 * encodings, callbacks); each request sets only its URL, method, body and
 * headers.  The handle is driven through a private multi handle so that
 * the wait for the network can also watch the GCancellable's file
 * descriptor: a cancel from another thread ends the request at once
 * instead of at the next progress callback (about one a second).  The
 * multi handle holds the connection cache, so one connection stays open
 * between requests.
 */

#define G_LOG_DOMAIN "tala-sync"

#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tala-ledger.h"
#include "tala-sync-client.h"

struct _TalaSyncClient
{
  CURL  *curl;                     /* the easy handle, reused for every request */
  CURLM *multi;                    /* drives @curl; owns the kept-alive connection */
  char  *base_url;                 /* without a trailing slash */
  char  *auth;                     /* "Authorization: Token …", nullable */
  char  *ca_file;                  /* nullable; CURLOPT_CAINFO keeps only a copy */
  char   detail[CURL_ERROR_SIZE];  /* CURLOPT_ERRORBUFFER */
};

/* What one transfer collects; lives on the caller's stack during perform(). */
typedef struct
{
  GByteArray           *body;      /* the answer, when not streamed to a file */
  FILE                 *file;      /* download(): the answer goes here instead */
  GHashTable           *headers;   /* lower-case name → last value */
  GCancellable         *cancellable;
  TalaSyncProgressFunc  progress;
  gpointer              progress_data;
  gboolean              write_failed; /* fwrite() to @file failed */
} Transfer;

static gpointer
global_init_cb (gpointer data)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

/* ---- Callbacks ----------------------------------------------------------- */

/* CURLOPT_WRITEFUNCTION: appends to the buffer or the file.  Returning less
 * than was given makes libcurl stop with CURLE_WRITE_ERROR, which is how a
 * cancel and a full disk end the transfer. */
static size_t
write_cb (char   *data,
          size_t  size,
          size_t  n,
          void   *user_data)
{
  Transfer *t = user_data;
  size_t bytes = size * n;

  if (g_cancellable_is_cancelled (t->cancellable))
    return 0;
  if (t->file != NULL)
    {
      if (fwrite (data, 1, bytes, t->file) != bytes)
        {
          t->write_failed = TRUE;
          return 0;
        }
    }
  else
    g_byte_array_append (t->body, (const guint8 *) data, (guint) bytes);
  return bytes;
}

/* CURLOPT_HEADERFUNCTION: one header line at a time, status lines included.
 * A status line starts a new answer (after a 1xx or a redirect), so the
 * table only ever holds the last answer's headers. */
static size_t
header_cb (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  Transfer *t = user_data;
  size_t bytes = size * n;
  g_autofree char *line = g_strndup (data, bytes);
  char *colon;

  if (g_str_has_prefix (line, "HTTP/"))
    {
      g_hash_table_remove_all (t->headers);
      return bytes;
    }
  colon = strchr (line, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      g_hash_table_replace (t->headers, g_ascii_strdown (g_strstrip (line), -1),
                            g_strdup (g_strstrip (colon + 1)));
    }
  return bytes;
}

/* CURLOPT_XFERINFOFUNCTION: reports download progress, and aborts the
 * transfer when the cancellable fired. */
static int
xferinfo_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Transfer *t = user_data;

  if (g_cancellable_is_cancelled (t->cancellable))
    return 1;
  if (t->progress != NULL && dlnow > 0)
    t->progress ((gint64) dlnow, (gint64) dltotal, t->progress_data);
  return 0;
}

/* ---- Construction -------------------------------------------------------- */

TalaSyncClient *
tala_sync_client_new (const char                  *base_url,
                      const TalaSyncClientOptions *options)
{
  static GOnce once = G_ONCE_INIT;
  TalaSyncClientOptions defaults = { 0 };
  TalaSyncClient *self;
  gsize n;
  CURL *c;

  g_return_val_if_fail (base_url != NULL, NULL);

  g_once (&once, global_init_cb, NULL);
  if (options == NULL)
    options = &defaults;
  self = g_new0 (TalaSyncClient, 1);
  self->base_url = g_strdup (base_url);
  n = strlen (self->base_url);
  while (n > 0 && self->base_url[n - 1] == '/')
    self->base_url[--n] = '\0';
  self->ca_file = g_strdup (options->ca_file);
  self->multi = curl_multi_init ();
  self->curl = c = curl_easy_init ();
  g_assert (self->multi != NULL && c != NULL);

  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (c, CURLOPT_USERAGENT, "tala-sync/" PACKAGE_VERSION);
  curl_easy_setopt (c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT,
                    (long) (options->connect_timeout_s ? options->connect_timeout_s : 10));
  curl_easy_setopt (c, CURLOPT_TIMEOUT, (long) (options->timeout_s ? options->timeout_s : 300));
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME,
                    (long) (options->low_speed_s ? options->low_speed_s : 30));
  if (self->ca_file != NULL)
    curl_easy_setopt (c, CURLOPT_CAINFO, self->ca_file);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, self->detail);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (c, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
  curl_easy_setopt (c, CURLOPT_NOPROGRESS, 0L);
  return self;
}

void
tala_sync_client_free (TalaSyncClient *self)
{
  if (self == NULL)
    return;
  curl_easy_cleanup (self->curl);
  curl_multi_cleanup (self->multi);
  g_free (self->base_url);
  g_free (self->auth);
  g_free (self->ca_file);
  g_free (self);
}

const char *
tala_sync_client_get_base_url (TalaSyncClient *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->base_url;
}

void
tala_sync_client_set_token (TalaSyncClient *self,
                            const char     *token)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->auth, g_free);
  if (token != NULL)
    self->auth = g_strdup_printf ("Authorization: Token %s", token);
}

/* ---- One transfer -------------------------------------------------------- */

/* Turns a CURLcode into a G_IO_ERROR (see the header for the mapping). */
static void
set_curl_error (CURLcode    rc,
                const char *detail,
                Transfer   *t,
                GError    **error)
{
  GIOErrorEnum code = G_IO_ERROR_FAILED;
  const char *text = detail != NULL && detail[0] != '\0' ? detail : curl_easy_strerror (rc);

  switch (rc)
    {
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
      if (g_cancellable_is_cancelled (t->cancellable))
        code = G_IO_ERROR_CANCELLED;
      break;
    case CURLE_OPERATION_TIMEDOUT:
      code = G_IO_ERROR_TIMED_OUT;
      break;
    case CURLE_COULDNT_CONNECT:
      code = G_IO_ERROR_CONNECTION_REFUSED;
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
      code = G_IO_ERROR_HOST_NOT_FOUND;
      break;
    default:
      break;
    }
  g_set_error (error, G_IO_ERROR, code, "%s", text);
}

/* Runs the easy handle to completion on the private multi handle, waking
 * up when the cancellable's fd becomes readable (or every 100 ms when it
 * cannot give one); libcurl shortens the wait for its own timers.
 * Returns the transfer's CURLcode, or -1 when it was cancelled while
 * waiting. */
static int
run_transfer (TalaSyncClient *self,
              GCancellable   *cancellable)
{
  struct curl_waitfd extra = { 0 };
  GPollFD pollfd = { -1, 0, 0 };
  gboolean has_fd = FALSE;
  gboolean cancelled = FALSE;
  int result = CURLE_OK;
  CURLMsg *msg;
  CURLMcode mc;
  int running = 1;
  int left;

  if (cancellable != NULL)
    has_fd = g_cancellable_make_pollfd (cancellable, &pollfd);
  extra.fd = pollfd.fd;
  extra.events = CURL_WAIT_POLLIN;
  mc = curl_multi_add_handle (self->multi, self->curl);
  while (mc == CURLM_OK)
    {
      mc = curl_multi_perform (self->multi, &running);
      if (mc != CURLM_OK || running == 0)
        break;
      if (g_cancellable_is_cancelled (cancellable))
        {
          cancelled = TRUE;
          break;
        }
      /* Without a pollable cancellable, look at it every 100 ms. */
      mc = curl_multi_poll (self->multi, has_fd ? &extra : NULL, has_fd ? 1 : 0,
                            cancellable != NULL && !has_fd ? 100 : 1000, NULL);
    }
  if (cancelled)
    result = -1;
  else if (mc != CURLM_OK)
    {
      g_strlcpy (self->detail, curl_multi_strerror (mc), sizeof self->detail);
      result = CURLE_FAILED_INIT;
    }
  else
    while ((msg = curl_multi_info_read (self->multi, &left)) != NULL)
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == self->curl)
        result = msg->data.result;
  /* An unfinished transfer's connection is closed here; a finished one's
   * stays in the multi handle's cache for the next request. */
  curl_multi_remove_handle (self->multi, self->curl);
  if (has_fd)
    g_cancellable_release_fd (cancellable);
  return result;
}

/* Sends one request with @headers (the caller's list, freed by the caller)
 * and @body (ignored for GET and HEAD), filling @t.  Returns the status,
 * or 0 with @error. */
static guint
perform (TalaSyncClient      *self,
         const char          *method,
         const char          *path,
         struct curl_slist   *headers,
         GBytes              *body,
         Transfer            *t,
         GError             **error)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  CURL *c = self->curl;
  long status = 0;
  int rc;

  if (g_cancellable_set_error_if_cancelled (t->cancellable, error))
    return 0;
  self->detail[0] = '\0';
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (c, CURLOPT_XFERINFODATA, t);
  if (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0)
    {
      curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, NULL);
      curl_easy_setopt (c, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt (c, CURLOPT_NOBODY, strcmp (method, "HEAD") == 0 ? 1L : 0L);
    }
  else
    {
      curl_easy_setopt (c, CURLOPT_NOBODY, 0L);
      curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE_LARGE,
                        (curl_off_t) (body != NULL ? g_bytes_get_size (body) : 0));
      curl_easy_setopt (c, CURLOPT_POSTFIELDS,
                        body != NULL ? g_bytes_get_data (body, NULL) : (gconstpointer) "");
      curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
    }

  rc = run_transfer (self, t->cancellable);

  /* Nothing that dies with this call stays in the handle. */
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, NULL);
  curl_easy_setopt (c, CURLOPT_POSTFIELDS, NULL);
  if (rc == -1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      return 0;
    }
  if (rc != CURLE_OK)
    {
      set_curl_error ((CURLcode) rc, self->detail, t, error);
      return 0;
    }
  curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
  if (status <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "No HTTP status in the answer");
      return 0;
    }
  return (guint) status;
}

/* The request's headers: no "Expect: 100-continue" round trip, the token,
 * and the optional Content-Type and Idempotency-Key. */
static struct curl_slist *
make_headers (TalaSyncClient *self,
              const char     *content_type,
              const char     *idempotency_key)
{
  struct curl_slist *list = curl_slist_append (NULL, "Expect:");

  if (self->auth != NULL)
    list = curl_slist_append (list, self->auth);
  if (content_type != NULL)
    {
      g_autofree char *line = g_strdup_printf ("Content-Type: %s", content_type);

      list = curl_slist_append (list, line);
    }
  if (idempotency_key != NULL)
    {
      g_autofree char *line = g_strdup_printf ("Idempotency-Key: %s", idempotency_key);

      list = curl_slist_append (list, line);
    }
  return list;
}

static guint
request (TalaSyncClient  *self,
         const char      *method,
         const char      *path,
         const char      *content_type,
         const char      *idempotency_key,
         GBytes          *body,
         GBytes         **response,
         GHashTable     **response_headers,
         GCancellable    *cancellable,
         GError         **error)
{
  struct curl_slist *headers = make_headers (self, body != NULL ? content_type : NULL,
                                             idempotency_key);
  Transfer t = { 0 };
  guint status;

  t.body = g_byte_array_new ();
  t.headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t.cancellable = cancellable;
  status = perform (self, method, path, headers, body, &t, error);
  curl_slist_free_all (headers);
  if (status > 0)
    {
      if (response != NULL)
        *response = g_byte_array_free_to_bytes (g_steal_pointer (&t.body));
      if (response_headers != NULL)
        *response_headers = g_steal_pointer (&t.headers);
    }
  g_clear_pointer (&t.body, g_byte_array_unref);
  g_clear_pointer (&t.headers, g_hash_table_unref);
  return status;
}

guint
tala_sync_client_request (TalaSyncClient  *self,
                          const char      *method,
                          const char      *path,
                          const char      *content_type,
                          GBytes          *body,
                          GBytes         **response,
                          GHashTable     **response_headers,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (method != NULL, 0);
  g_return_val_if_fail (path != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  return request (self, method, path, content_type, NULL, body, response, response_headers,
                  cancellable, error);
}

guint
tala_sync_client_request_json (TalaSyncClient  *self,
                               const char      *method,
                               const char      *path,
                               JsonNode        *body,
                               const char      *idempotency_key,
                               JsonNode       **reply,
                               GCancellable    *cancellable,
                               GError         **error)
{
  g_autoptr(GBytes) sent = NULL;
  g_autoptr(GBytes) answer = NULL;
  guint status;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (method != NULL, 0);
  g_return_val_if_fail (path != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (reply != NULL)
    *reply = NULL;
  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize length = strlen (text);

      sent = g_bytes_new_take (g_steal_pointer (&text), length);
    }
  status = request (self, method, path, "application/json", idempotency_key, sent, &answer,
                    NULL, cancellable, error);
  if (status > 0 && reply != NULL && g_bytes_get_size (answer) > 0)
    *reply = tala_sync_parse_strict (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  return status;
}

/**
 * tala_sync_parse_strict:
 * @data: (array length=length): a hub's answer
 * @length: its size in bytes
 *
 * Parses @data when it is one JSON text as RFC 8259 writes it, in UTF-8,
 * with the check the hub applies to request bodies (tala_json_is_strict());
 * json-glib 1.6 alone also takes two texts in a row ("{…}{…}", the second
 * wins, the first leaks), comments and bare words.
 *
 * Returns: (transfer full) (nullable): the root node, or %NULL when @data
 *   is anything else
 */
JsonNode *
tala_sync_parse_strict (const char *data,
                        gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;

  if (data == NULL || !g_utf8_validate (data, (gssize) length, NULL) ||
      !tala_json_is_strict (data, length))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

guint
tala_sync_client_download (TalaSyncClient        *self,
                           const char            *path,
                           const char            *dest_file,
                           TalaSyncProgressFunc   progress,
                           gpointer               progress_data,
                           GHashTable           **response_headers,
                           GBytes               **error_body,
                           GCancellable          *cancellable,
                           GError               **error)
{
  struct curl_slist *headers = NULL;
  Transfer t = { 0 };
  guint status;
  int saved;
  int fd;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (path != NULL, 0);
  g_return_val_if_fail (dest_file != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (error_body != NULL)
    *error_body = NULL;
  fd = g_open (dest_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || (t.file = fdopen (fd, "wb")) == NULL)
    {
      saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dest_file,
                   g_strerror (saved));
      return 0;
    }
  headers = make_headers (self, NULL, NULL);
  t.headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t.cancellable = cancellable;
  t.progress = progress;
  t.progress_data = progress_data;
  status = perform (self, "GET", path, headers, NULL, &t, error);
  curl_slist_free_all (headers);
  if (status == 0 && t.write_failed)
    g_prefix_error (error, "writing %s: ", dest_file);
  if (fclose (t.file) != 0 && status >= 200 && status < 300)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dest_file,
                   g_strerror (saved));
      status = 0;
    }
  if (status < 200 || status >= 300)
    {
      if (status > 0 && error_body != NULL)
        {
          char *contents = NULL;
          gsize length = 0;

          if (g_file_get_contents (dest_file, &contents, &length, NULL))
            *error_body = g_bytes_new_take (contents, length);
        }
      g_unlink (dest_file);
    }
  if (status > 0 && response_headers != NULL)
    *response_headers = g_steal_pointer (&t.headers);
  g_clear_pointer (&t.headers, g_hash_table_unref);
  return status;
}
