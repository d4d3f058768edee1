/* tala-sync-client.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal's HTTP client to the hub (libcurl easy, one connection kept
 * alive per client): gzip answers, timeouts, cancellation from another
 * thread, TLS with an optional CA file.  Blocking: call it from a worker
 * thread, never from a GTK main thread.  One client per thread.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _TalaSyncClient TalaSyncClient;

typedef struct
{
  const char *ca_file;           /* PEM CA bundle to trust; NULL: the system's */
  guint       connect_timeout_s; /* 0: 10 s */
  guint       timeout_s;         /* a whole request, 0: 300 s */
  guint       low_speed_s;       /* give up after this long under 1 byte/s, 0: 30 s */
} TalaSyncClientOptions;

/* Progress of a download: bytes so far and the total (0 when unknown). */
typedef void (*TalaSyncProgressFunc) (gint64   done,
                                      gint64   total,
                                      gpointer user_data);

/* @base_url: "http://127.0.0.1:8470" or "https://hub.example.edu" (no
 * trailing slash needed); request paths are appended to it. */
TalaSyncClient *tala_sync_client_new       (const char                  *base_url,
                                            const TalaSyncClientOptions *options);
void            tala_sync_client_free      (TalaSyncClient              *self);
const char     *tala_sync_client_get_base_url (TalaSyncClient           *self);

/* Sends "Authorization: Token <token>" from now on; NULL stops sending it. */
void            tala_sync_client_set_token (TalaSyncClient              *self,
                                            const char                  *token);

/* One request.  @body (nullable) is sent with @content_type.  Returns the
 * HTTP status (> 0) with the decoded answer in @response (never NULL then)
 * and, when @response_headers is not NULL, a table of the answer's headers
 * (names lower-case → last value).  A transport failure returns 0 with
 * @error in G_IO_ERROR: TIMED_OUT, CONNECTION_REFUSED, CANCELLED (when
 * @cancellable fired, within ~100 ms), HOST_NOT_FOUND, or FAILED (TLS and
 * everything else, with libcurl's message).  A 4xx/5xx is not an error. */
guint           tala_sync_client_request   (TalaSyncClient              *self,
                                            const char                  *method,
                                            const char                  *path,
                                            const char                  *content_type,
                                            GBytes                      *body,
                                            GBytes                     **response,
                                            GHashTable                 **response_headers,
                                            GCancellable                *cancellable,
                                            GError                     **error);

/* The same with JSON both ways: @body (nullable) is serialised; the answer
 * is parsed into @reply (NULL when it is not one strict JSON text, see
 * tala_sync_parse_strict(); the status still comes back).  Idempotency-Key
 * is sent when @idempotency_key is not NULL. */
guint           tala_sync_client_request_json (TalaSyncClient           *self,
                                               const char               *method,
                                               const char               *path,
                                               JsonNode                 *body,
                                               const char               *idempotency_key,
                                               JsonNode                **reply,
                                               GCancellable             *cancellable,
                                               GError                  **error);

/* @data parsed when it is one strict JSON text in UTF-8, else NULL. */
JsonNode       *tala_sync_parse_strict     (const char                  *data,
                                            gsize                        length);

/* A GET streamed into @dest_file (created or truncated; decoded when the
 * answer is gzip), reporting @progress (nullable) as it goes.  Returns the
 * status; only a 2xx leaves the file, otherwise it is removed and the
 * answer's body is in @error_body (nullable out). */
guint           tala_sync_client_download  (TalaSyncClient              *self,
                                            const char                  *path,
                                            const char                  *dest_file,
                                            TalaSyncProgressFunc         progress,
                                            gpointer                     progress_data,
                                            GHashTable                 **response_headers,
                                            GBytes                     **error_body,
                                            GCancellable                *cancellable,
                                            GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaSyncClient, tala_sync_client_free)

G_END_DECLS
