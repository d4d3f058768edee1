/* tala-store.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the desktop app does with its files and the hub, as blocking
 * calls for worker threads (TalaSession wraps them in GTasks): the
 * terminal's credentials, the offline login verifiers, the replica behind
 * a lock, a second read connection for searches, and the sync cycle.
 * No GTK.  A TalaStore is reference counted so that a worker can hold it
 * after its window is gone.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tala-sync-engine.h"

G_BEGIN_DECLS

#define TALA_STORE_ERROR (tala_store_error_quark ())
GQuark tala_store_error_quark (void);

typedef enum
{
  TALA_STORE_ERROR_NOT_SET_UP,      /* no replica yet: the first run is needed */
  TALA_STORE_ERROR_CREDENTIALS,     /* wrong username or password */
  TALA_STORE_ERROR_ROLE,            /* this role may not use the desktop app */
  TALA_STORE_ERROR_NO_OFFLINE,      /* offline, and this user never logged in here online */
  TALA_STORE_ERROR_HUB,             /* the hub answered with an error */
  TALA_STORE_ERROR_INVALID,         /* bad input (a URL, a terminal code) */
} TalaStoreError;

typedef struct _TalaStore TalaStore;

/* What a login found out. */
typedef struct
{
  char     *username;
  char     *role;        /* CASHIER, REGISTRAR, HEAD_REGISTRAR or ADMIN */
  char     *full_name;
  gboolean  offline;     /* verified against the local verifier */
} TalaLogin;

void         tala_login_free          (TalaLogin     *login);

/* The outcome of one sync cycle. */
typedef struct
{
  gboolean      ok;
  gboolean      reachable;   /* FALSE: the hub could not be reached */
  TalaSyncStats stats;
  char         *message;     /* the failure, in English; NULL when ok */
  JsonObject   *status;      /* tala_replica_status() after the cycle, nullable */
} TalaSyncResult;

void         tala_sync_result_free    (TalaSyncResult *result);

G_GNUC_WARN_UNUSED_RESULT
TalaStore   *tala_store_new           (const char    *replica_path);
TalaStore   *tala_store_ref           (TalaStore     *self);
void         tala_store_unref         (TalaStore     *self);
const char  *tala_store_get_replica_path (TalaStore  *self);
gboolean     tala_store_is_set_up     (TalaStore     *self);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_store_dup_hub_url   (TalaStore     *self);
void         tala_store_set_hub_url_override (TalaStore  *self,
                                              const char *url);
/* The terminal code the first run registered (such as "C01"), or NULL. */
G_GNUC_WARN_UNUSED_RESULT
char        *tala_store_dup_terminal  (TalaStore     *self);

/* First run: logs in, registers @terminal, downloads the snapshot into the
 * replica path and keeps the credentials (PATH.credentials, mode 0600)
 * and the user's offline verifier.  @progress is called on this thread. */
G_GNUC_WARN_UNUSED_RESULT
TalaLogin   *tala_store_setup         (TalaStore            *self,
                                       const char           *hub_url,
                                       const char           *username,
                                       const char           *password,
                                       const char           *terminal,
                                       TalaSyncProgressFunc  progress,
                                       gpointer              progress_data,
                                       GCancellable         *cancellable,
                                       GError              **error);

/* Logs in online (POST /api-token-auth/) and stores the verifier; when the
 * hub cannot be reached, checks the stored Argon2id verifier instead. */
G_GNUC_WARN_UNUSED_RESULT
TalaLogin   *tala_store_login         (TalaStore     *self,
                                       const char    *username,
                                       const char    *password,
                                       GCancellable  *cancellable,
                                       GError       **error);

/* Reads on the search connection. */
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_store_search        (TalaStore     *self,
                                       const char    *query,
                                       guint          limit,
                                       GError       **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_store_account       (TalaStore     *self,
                                       const char    *student,
                                       GError       **error);

/* Runs @func on the read connection (under its lock) and returns what it
 * returns: any ledger read a page needs, without a function here for each. */
typedef JsonNode *(*TalaStoreReadFunc) (TalaLedger  *ledger,
                                        gpointer     data,
                                        GError     **error);

G_GNUC_WARN_UNUSED_RESULT
JsonNode    *tala_store_read          (TalaStore          *self,
                                       TalaStoreReadFunc   func,
                                       gpointer            data,
                                       GError            **error);

/* The result envelope @op would get, from applying it to the replica in a
 * transaction that is then rolled back. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_store_preview       (TalaStore     *self,
                                       const char    *actor,
                                       const char    *kind,
                                       JsonObject    *args,
                                       GError       **error);
/* tala_replica_record() of {kind, args, actor}. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_store_record        (TalaStore     *self,
                                       const char    *actor,
                                       const char    *kind,
                                       JsonObject    *args,
                                       GError       **error);

G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_store_status        (TalaStore     *self,
                                       GError       **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_store_attention     (TalaStore     *self,
                                       GError       **error);
/* tala_replica_dismiss(): the rejected op leaves the attention list (a
 * deferred one is cancelled). */
gboolean     tala_store_dismiss       (TalaStore     *self,
                                       const char    *op_id,
                                       GError       **error);
G_GNUC_WARN_UNUSED_RESULT
TalaSyncResult *tala_store_sync       (TalaStore     *self,
                                       GCancellable  *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaStore, tala_store_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaLogin, tala_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaSyncResult, tala_sync_result_free)

G_END_DECLS
