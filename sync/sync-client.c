/* sync-client.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal's HTTP client (tala-sync-client.h) over one libcurl easy
 * handle, kept between requests so that its connection stays open.
 */

#define G_LOG_DOMAIN "tala-sync"

#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "tala-sync-client.h"

struct _TalaSyncClient
{
  CURL       *curl;
  char       *base_url;
  char       *auth;          /* "Authorization: Token …", nullable */
  char       *ca_file;
  guint       connect_timeout_s;
  guint       timeout_s;
  guint       low_speed_s;
};

/* What one transfer collects. */
typedef struct
{
  GByteArray           *body;      /* the answer, when not streamed to a file */
  FILE                 *file;      /* download() */
  GHashTable           *headers;   /* lower-case name → value */
  GCancellable         *cancellable;
  TalaSyncProgressFunc  progress;
  gpointer              progress_data;
  gboolean              write_failed;
} Transfer;

static gpointer
global_init (gpointer data)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

TalaSyncClient *
tala_sync_client_new (const char                  *base_url,
                      const TalaSyncClientOptions *options)
{
  static GOnce once = G_ONCE_INIT;
  TalaSyncClient *self = g_new0 (TalaSyncClient, 1);
  gsize n;

  g_return_val_if_fail (base_url != NULL, NULL);

  g_once (&once, global_init, NULL);
  self->curl = curl_easy_init ();
  self->base_url = g_strdup (base_url);
  n = strlen (self->base_url);
  while (n > 0 && self->base_url[n - 1] == '/')
    self->base_url[--n] = '\0';
  self->ca_file = g_strdup (options ? options->ca_file : NULL);
  self->connect_timeout_s = options && options->connect_timeout_s ? options->connect_timeout_s
                                                                  : 10;
  self->timeout_s = options && options->timeout_s ? options->timeout_s : 300;
  self->low_speed_s = options && options->low_speed_s ? options->low_speed_s : 30;
  return self;
}

void
tala_sync_client_free (TalaSyncClient *self)
{
  if (self == NULL)
    return;
  curl_easy_cleanup (self->curl);
  g_free (self->base_url);
  g_free (self->auth);
  g_free (self->ca_file);
  g_free (self);
}

const char *
tala_sync_client_get_base_url (TalaSyncClient *self)
{
  return self->base_url;
}

void
tala_sync_client_set_token (TalaSyncClient *self,
                            const char     *token)
{
  g_clear_pointer (&self->auth, g_free);
  if (token != NULL)
    self->auth = g_strdup_printf ("Authorization: Token %s", token);
}

/* ---- Callbacks ----------------------------------------------------------- */

static size_t
write_cb (char   *data,
          size_t  size,
          size_t  n,
          void   *user_data)
{
  Transfer *t = user_data;
  size_t bytes = size * n;

  if (t->cancellable != NULL && g_cancellable_is_cancelled (t->cancellable))
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

  /* A new status line (a redirect, a 1xx): only the last answer counts. */
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

static int
progress_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Transfer *t = user_data;

  if (t->cancellable != NULL && g_cancellable_is_cancelled (t->cancellable))
    return 1;
  if (t->progress != NULL && dlnow > 0)
    t->progress ((gint64) dlnow, (gint64) dltotal, t->progress_data);
  return 0;
}

/* ---- One transfer -------------------------------------------------------- */

static void
set_error (CURLcode      rc,
           const char   *detail,
           Transfer     *t,
           GError      **error)
{
  GIOErrorEnum code = G_IO_ERROR_FAILED;
  const char *text = detail && detail[0] ? detail : curl_easy_strerror (rc);

  switch (rc)
    {
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
      if (t->cancellable != NULL && g_cancellable_is_cancelled (t->cancellable))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
          return;
        }
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
  char detail[CURL_ERROR_SIZE] = "";
  long status = 0;
  CURLcode rc;
  CURL *c = self->curl;

  if (t->cancellable != NULL && g_cancellable_set_error_if_cancelled (t->cancellable, error))
    return 0;
  curl_easy_reset (c);
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_USERAGENT, "tala-sync/" PACKAGE_VERSION);
  curl_easy_setopt (c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, (long) self->connect_timeout_s);
  curl_easy_setopt (c, CURLOPT_TIMEOUT, (long) self->timeout_s);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, (long) self->low_speed_s);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (self->ca_file != NULL)
    curl_easy_setopt (c, CURLOPT_CAINFO, self->ca_file);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (c, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (c, CURLOPT_XFERINFODATA, t);
  curl_easy_setopt (c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);
  if (strcmp (method, "GET") == 0)
    curl_easy_setopt (c, CURLOPT_HTTPGET, 1L);
  else
    {
      curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE_LARGE,
                        (curl_off_t) (body ? g_bytes_get_size (body) : 0));
      curl_easy_setopt (c, CURLOPT_POSTFIELDS, body ? g_bytes_get_data (body, NULL) : "");
    }
  rc = curl_easy_perform (c);
  if (rc != CURLE_OK)
    {
      set_error (rc, detail, t, error);
      return 0;
    }
  curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
  return (guint) status;
}

static struct curl_slist *
base_headers (TalaSyncClient *self,
              const char     *content_type,
              const char     *idempotency_key)
{
  struct curl_slist *list = NULL;

  /* No "Expect: 100-continue" round trip for bodies. */
  list = curl_slist_append (list, "Expect:");
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
  Transfer t = { 0 };
  struct curl_slist *headers = base_headers (self, body ? content_type : NULL, idempotency_key);
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
  if (t.body != NULL)
    g_byte_array_unref (t.body);
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
  g_return_val_if_fail (self != NULL && method != NULL && path != NULL, 0);

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

  g_return_val_if_fail (self != NULL && method != NULL && path != NULL, 0);

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
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                      (gssize) g_bytes_get_size (answer), NULL) &&
          json_parser_get_root (parser) != NULL)
        *reply = json_node_copy (json_parser_get_root (parser));
    }
  return status;
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
  Transfer t = { 0 };
  struct curl_slist *headers = base_headers (self, NULL, NULL);
  guint status;
  int fd;

  g_return_val_if_fail (self != NULL && path != NULL && dest_file != NULL, 0);

  fd = g_open (dest_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || (t.file = fdopen (fd, "wb")) == NULL)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      curl_slist_free_all (headers);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dest_file,
                   g_strerror (saved));
      return 0;
    }
  t.headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t.cancellable = cancellable;
  t.progress = progress;
  t.progress_data = progress_data;
  status = perform (self, "GET", path, headers, NULL, &t, error);
  curl_slist_free_all (headers);
  if (fclose (t.file) != 0 && status >= 200 && status < 300)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dest_file,
                   g_strerror (saved));
      status = 0;
    }
  if (t.write_failed && status == 0 && error != NULL && *error != NULL &&
      !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (error, "writing %s: ", dest_file);
  if (status < 200 || status >= 300)
    {
      if (status > 0 && error_body != NULL)
        {
          gchar *contents = NULL;
          gsize length = 0;

          if (g_file_get_contents (dest_file, &contents, &length, NULL))
            *error_body = g_bytes_new_take (contents, length);
        }
      g_unlink (dest_file);
    }
  else if (response_headers != NULL)
    *response_headers = g_steal_pointer (&t.headers);
  g_clear_pointer (&t.headers, g_hash_table_unref);
  return status;
}
