/* sync-proxy.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fault-injecting HTTP proxy on 127.0.0.1 for the sync tests: a
 * SoupServer on its own thread and main context that forwards every
 * request to a hub on 127.0.0.1:UPSTREAM (the port stays fixed, so that
 * the hub may die and come back behind it), and, by a seeded schedule,
 * drops a request (closes the client's connection without forwarding),
 * drops a response (forwards, then closes the client's connection
 * instead of answering), duplicates a request (forwards it twice, one
 * copy after the other or both at once; the client gets the second copy's
 * answer) or delays it.
 *
 * Each client names its own stream of faults with a path prefix: a base
 * URL http://127.0.0.1:PORT/t/NAME sends "/t/NAME/api/..." and the hub
 * sees "/api/...".  The faults a stream gets depend only on the seed, the
 * name and how many requests came before on that stream, so one client's
 * schedule does not depend on how the threads interleave.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SyncProxy SyncProxy;

typedef struct
{
  guint requests;           /* requests received */
  guint forwarded;          /* requests sent to the hub (a duplicate counts twice) */
  guint answered;           /* answers passed back */
  guint dropped_requests;
  guint dropped_responses;
  guint duplicated;
  guint delayed;
  guint upstream_failed;    /* the hub could not be reached or died mid-request */
  guint pushes;             /* POST .../sync/push forwarded */
  guint push_faults[3];     /* pushes whose request was dropped, whose answer
                             * was dropped, that were duplicated */
  guint push_upstream_failed; /* pushes forwarded that got no answer from the hub */
  guint server_errors;      /* answers passed back with a 5xx status */
} SyncProxyStats;

/* Called on a worker thread just before the proxy forwards the @n-th push
 * (1, 2, 3… over every stream) to the hub. */
typedef void (*SyncProxyPushFunc) (guint    n,
                                   gpointer user_data);

/* Starts a proxy to 127.0.0.1:@upstream_port on a free port. */
SyncProxy *sync_proxy_new          (guint16           upstream_port,
                                    guint32           seed);
guint16    sync_proxy_get_port     (SyncProxy        *self);
/* Probabilities (0..1) of each fault per request, and the longest delay
 * in ms; all 0 at first (a transparent proxy). */
void       sync_proxy_set_faults   (SyncProxy        *self,
                                    double            drop_request,
                                    double            drop_response,
                                    double            duplicate,
                                    double            delay,
                                    guint             max_delay_ms);
void       sync_proxy_set_push_func (SyncProxy        *self,
                                     SyncProxyPushFunc func,
                                     gpointer          user_data);
void       sync_proxy_get_stats    (SyncProxy        *self,
                                    SyncProxyStats   *stats);
/* Stops the proxy and waits for its threads. */
void       sync_proxy_free         (SyncProxy        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncProxy, sync_proxy_free)

G_END_DECLS
