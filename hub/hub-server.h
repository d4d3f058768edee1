/* hub-server.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TALA_TYPE_HUB_SERVER (tala_hub_server_get_type ())

G_DECLARE_FINAL_TYPE (TalaHubServer, tala_hub_server, TALA, HUB_SERVER, GObject)

typedef struct
{
  guint    readers;        /* reader connections (0: the default, 4) */
  gboolean no_group_commit; /* one transaction per write (measurements only) */
  gboolean quiet;          /* no log line per request */
  guint    rate_anon;      /* requests per hour per client address (0: 100) */
  guint    rate_auth;      /* requests per hour per token (0: 1000) */
  const char *tls_cert;    /* PEM certificate (chain) file: serve HTTPS only; nullable */
  const char *tls_key;     /* its PEM private key; NULL: the key is in @tls_cert */
  const gint64 *login_clock_us; /* tests: the login lockout reads its clock (µs) here;
                                 * NULL: the monotonic clock (hub-route-system.c) */
} TalaHubServerOptions;

TalaHubServer *tala_hub_server_new        (const char                 *db_path,
                                           const TalaHubServerOptions *options,
                                           GError                    **error);
gboolean       tala_hub_server_listen     (TalaHubServer              *self,
                                           const char                 *address,
                                           GError                    **error);
guint16        tala_hub_server_get_port   (TalaHubServer              *self);
gboolean       tala_hub_server_start_jobs (TalaHubServer              *self,
                                           const char                 *db_path,
                                           GError                    **error);
void           tala_hub_server_stop       (TalaHubServer              *self);
guint          tala_hub_server_in_flight  (TalaHubServer              *self);

G_END_DECLS
