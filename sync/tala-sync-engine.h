/* tala-sync-engine.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One terminal's conversation with its hub (DESIGN.md "Sync protocol"):
 * register, bootstrap, and the sync cycle (push the outbox, pull the
 * journal, rebase).  Blocking; run it on a worker thread.  Any step may be
 * cut off (a dropped answer, a killed hub): every step is safe to repeat.
 */

#pragma once

#include "tala-sync-client.h"
#include "tala-sync-replica.h"

G_BEGIN_DECLS

typedef struct
{
  guint pushed;        /* ops sent */
  guint applied;       /* answered applied or replayed */
  guint rejected;
  guint deferred;
  guint pulled;        /* journal entries replayed */
  guint pushes;        /* push requests */
  guint pulls;         /* pull requests */
  gint64 push_us;      /* time spent pushing and storing the answers */
  gint64 pull_us;      /* time spent pulling */
  gint64 rebase_us;    /* time spent rebasing */
} TalaSyncStats;

/* Logs @username in with @password (POST /api-token-auth/) and registers
 * terminal @terminal (POST sync/register).  @client must have no token.
 * Returns the registration {device_token, terminal, username, role,
 * last_receipt, last_device_seq, last_provisional}. */
JsonObject *tala_sync_register  (TalaSyncClient  *client,
                                 const char      *username,
                                 const char      *password,
                                 const char      *terminal,
                                 GCancellable    *cancellable,
                                 GError         **error);

/* Downloads the hub's snapshot, makes @replica_path of it and pulls what
 * the hub's journal holds beyond the image, so that the replica is the
 * hub's state when this returns.  @client carries the terminal's token. */
gboolean    tala_sync_bootstrap (TalaSyncClient       *client,
                                 JsonObject           *registration,
                                 const char           *replica_path,
                                 TalaSyncProgressFunc  progress,
                                 gpointer              progress_data,
                                 GCancellable         *cancellable,
                                 GError              **error);

/* One cycle: pushes every pending op (batches of at most 500), stores each
 * answer, pulls the journal to its end and rebases.  On failure what was
 * stored stays stored; the next cycle goes on from there. */
gboolean    tala_sync_once      (TalaReplica     *replica,
                                 TalaSyncClient  *client,
                                 TalaSyncStats   *stats,
                                 GCancellable    *cancellable,
                                 GError         **error);

/* tala_sync_once() for a replica that other threads use under @lock: the
 * lock is taken for each step on the replica and released while the hub
 * is asked, so that a payment recorded meanwhile never waits for the
 * network.  The caller must not hold @lock. */
gboolean    tala_sync_once_shared (TalaReplica     *replica,
                                   GMutex          *lock,
                                   TalaSyncClient  *client,
                                   TalaSyncStats   *stats,
                                   GCancellable    *cancellable,
                                   GError         **error);

G_END_DECLS
