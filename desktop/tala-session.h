/* tala-session.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app's state on the main thread: who is logged in, whether the hub
 * is reachable, what waits in the outbox, and the needs-attention list.
 * Every slow call runs a TalaStore function on a worker (GTask) and
 * reports back here; nothing in it blocks.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tala-store.h"

G_BEGIN_DECLS

#define TALA_TYPE_SESSION (tala_session_get_type ())
G_DECLARE_FINAL_TYPE (TalaSession, tala_session, TALA, SESSION, GObject)

TalaSession *tala_session_new              (const char          *replica_path,
                                            const char          *hub_url);
TalaStore   *tala_session_get_store        (TalaSession         *self);
gboolean     tala_session_get_set_up       (TalaSession         *self);
gboolean     tala_session_get_online       (TalaSession         *self);
gboolean     tala_session_get_syncing      (TalaSession         *self);
guint        tala_session_get_pending      (TalaSession         *self);
gint64       tala_session_get_oldest_age   (TalaSession         *self);
const char  *tala_session_get_username     (TalaSession         *self);
const char  *tala_session_get_role         (TalaSession         *self);
const char  *tala_session_get_full_name    (TalaSession         *self);
/* "cashier", "registrar" or NULL when nobody is logged in. */
const char  *tala_session_get_area         (TalaSession         *self);
double       tala_session_get_progress     (TalaSession         *self);
GListModel  *tala_session_get_attention    (TalaSession         *self);
void         tala_session_set_sync_interval (TalaSession        *self,
                                             guint               seconds);
guint        tala_session_get_sync_interval (TalaSession        *self);

void         tala_session_setup_async      (TalaSession         *self,
                                            const char          *hub_url,
                                            const char          *username,
                                            const char          *password,
                                            const char          *terminal,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     tala_session_setup_finish     (TalaSession         *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void         tala_session_login_async      (TalaSession         *self,
                                            const char          *username,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     tala_session_login_finish     (TalaSession         *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void         tala_session_logout           (TalaSession         *self);

void         tala_session_account_async    (TalaSession         *self,
                                            const char          *student,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JsonObject  *tala_session_account_finish   (TalaSession         *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* Runs @func (tala_store_read()) on a worker; @destroy frees @data after. */
void         tala_session_read_async       (TalaSession         *self,
                                            TalaStoreReadFunc    func,
                                            gpointer             data,
                                            GDestroyNotify       destroy,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JsonNode    *tala_session_read_finish      (TalaSession         *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* @preview TRUE: the envelope the op would get, nothing kept.  FALSE: the
 * op is recorded in the replica and its outbox, then a sync starts. */
void         tala_session_op_async         (TalaSession         *self,
                                            const char          *kind,
                                            JsonObject          *args,
                                            gboolean             preview,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
JsonObject  *tala_session_op_finish        (TalaSession         *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Takes a rejected op off the attention list (tala_store_dismiss()), then
 * refreshes the list. */
void         tala_session_dismiss_async    (TalaSession         *self,
                                            const char          *op_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean     tala_session_dismiss_finish   (TalaSession         *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Starts a sync unless one runs; "sync-finished" reports it. */
void         tala_session_sync             (TalaSession         *self);
/* Reloads pending count, oldest age and the attention list. */
void         tala_session_refresh          (TalaSession         *self);

G_END_DECLS
