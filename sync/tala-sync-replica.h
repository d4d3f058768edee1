/* tala-sync-replica.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A terminal's replica (DESIGN.md "Sync protocol"): a copy of the hub's
 * ledger as of a cursor, the terminal's own ops applied on top of it
 * provisionally, the outbox of those ops, and the "needs attention" list
 * of ops the hub rejected.  Blocking; one thread at a time.
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

typedef struct _TalaReplica TalaReplica;

#define TALA_SYNC_ERROR (tala_sync_error_quark ())
GQuark tala_sync_error_quark (void);

typedef enum
{
  TALA_SYNC_ERROR_NOT_REPLICA,   /* the file is not a bootstrapped replica */
  TALA_SYNC_ERROR_INVALID,       /* a bad op line, option or answer */
  TALA_SYNC_ERROR_HUB,           /* the hub refused (status and message) */
  TALA_SYNC_ERROR_DIVERGED,      /* the replica does not match the hub's feed */
} TalaSyncError;

/* Makes @replica_path from a snapshot file the hub sent (the file is moved
 * there), recording the registration (terminal, username, counters), the
 * hub's URL and the snapshot's @cursor.  @replica_path must not exist. */
gboolean      tala_replica_install    (const char   *snapshot_path,
                                       const char   *replica_path,
                                       const char   *hub_url,
                                       JsonObject   *registration,
                                       gint64        cursor,
                                       GError      **error);

TalaReplica  *tala_replica_open       (const char   *path,
                                       GError      **error);
void          tala_replica_free       (TalaReplica  *self);
TalaLedger   *tala_replica_get_ledger (TalaReplica  *self);

/* sync_state: hub_url, terminal, username, cursor, last_receipt,
 * last_device_seq, last_provisional, last_sync_at. */
char         *tala_replica_get_state  (TalaReplica  *self,
                                       const char   *key);
gint64        tala_replica_get_int    (TalaReplica  *self,
                                       const char   *key);

/* Raises the local series to at least what the hub has seen of this
 * terminal ({last_receipt, last_device_seq, last_provisional}), so that a
 * replica restored from an old backup never issues a number twice. */
gboolean      tala_replica_raise_counters (TalaReplica *self,
                                           JsonObject  *counters,
                                           GError     **error);

/* Records an op made on this terminal: {kind, args, op_id?, actor?}.
 * Fills op_id (a v4 UUID), device, device_seq, actor (default: the
 * registered user), recorded_at, and the terminal's own numbers the op
 * needs (receipt_no of payment.record, provisional_number of
 * student.register) when absent.  Applies it to the replica (channel
 * push, @now_us as the clock) and, when applied, appends it to the outbox
 * in the same transaction.  Returns the result envelope; a rejected op
 * leaves no trace.  %NULL with @error only when the replica failed. */
JsonObject   *tala_replica_record     (TalaReplica  *self,
                                       JsonObject   *op,
                                       gint64        now_us,
                                       GError      **error);

/* Up to @limit outbox ops not yet answered, oldest first, as ops, that
 * come after outbox position @after (0: from the start); @positions
 * (nullable out) gets each op's position (gint64), so that a caller can
 * walk on past ops the hub deferred. */
JsonArray    *tala_replica_pending    (TalaReplica  *self,
                                       gint64        after,
                                       guint         limit,
                                       GArray      **positions,
                                       GError      **error);

/* Stores the hub's answer to a push of @ops: one envelope per op. An
 * applied or replayed op is acknowledged (it stays provisional until the
 * pull brings its entry), a rejected one leaves the outbox for the
 * attention list, a deferred one stays pending. */
gboolean      tala_replica_note_results (TalaReplica *self,
                                         JsonArray   *ops,
                                         JsonArray   *results,
                                         gint64       now_us,
                                         GError     **error);

/* The rebase, in one transaction: undo every provisional op (newest
 * first), replay @changes (the hub's journal entries after the cursor, in
 * order), drop the acknowledged ops the feed now holds and the rejected
 * ones, apply the still pending ops again, and move the cursor to
 * @cursor.  Afterwards the replica is the hub at @cursor plus the pending
 * ops (DESIGN.md "Sync protocol" 6). */
gboolean      tala_replica_rebase     (TalaReplica  *self,
                                       JsonArray    *changes,
                                       gint64        cursor,
                                       gint64        now_us,
                                       GError      **error);

/* {terminal, username, hub_url, cursor, pending, acknowledged, deferred,
 * oldest_pending_at?, oldest_age_s?, attention, last_sync_at?}. */
JsonObject   *tala_replica_status     (TalaReplica  *self,
                                       gint64        now_us,
                                       GError      **error);

/* The needs-attention list, newest first: {op_id, kind, code, message, at,
 * op, dismissed_at?}.  Ops deferred for more than 24 hours are listed too
 * (code "deferred"), still pending. */
JsonArray    *tala_replica_attention  (TalaReplica  *self,
                                       gboolean      include_dismissed,
                                       gint64        now_us,
                                       GError      **error);
/* Marks a rejected op as seen and dealt with; a deferred one is cancelled
 * (taken out of the outbox and its provisional effect undone at the next
 * rebase).  FALSE with TALA_SYNC_ERROR_INVALID when @op_id is not listed. */
gboolean      tala_replica_dismiss    (TalaReplica  *self,
                                       const char   *op_id,
                                       gint64        now_us,
                                       GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaReplica, tala_replica_free)

G_END_DECLS
