/* tala-ledger-replica.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the sync protocol needs from the ledger (DESIGN.md "Sync protocol";
 * ledger-replica.c).  On the hub: the change feed (journal entries after a
 * cursor) and the snapshot a new terminal starts from.  On a terminal's
 * replica: ops applied provisionally with a record of their changes, the
 * undoing of those changes, and the replay of the hub's journal entries.
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

/* ---- Hub side ------------------------------------------------------------ */

/* The journal entries after @after, at most @limit, as the JSON text
 * {"changes":[{"hub_seq","applied_at_us","op"}...],"cursor":N,"more":B}
 * where cursor is the last entry's hub_seq (or @after when none) and more
 * tells whether entries remain.  One read transaction.  Blocks. */
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_changes_json   (TalaLedger   *self,
                                         gint64        after,
                                         guint         limit,
                                         GError      **error);

/* Writes a consistent copy of the ledger to @dest_path (which must not
 * exist) for a terminal: no credentials, no scheduler bookkeeping, no
 * device tokens, and of the journal and the audit log only their newest
 * entry.  @cursor gets the copy's newest hub_seq.  Blocks for as long as
 * the copy takes; not inside a transaction. */
gboolean     tala_ledger_snapshot       (TalaLedger   *self,
                                         const char   *dest_path,
                                         gint64       *cursor,
                                         GError      **error);

/* Registers terminal @code for @username (ledger-credentials.c). */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_register_device (TalaLedger *self,
                                          const char *username,
                                          const char *code,
                                          gint64      now_us,
                                          GError    **error);

/* The registered terminals, by code: [{code, username, registered_at,
 * revoked}] (ledger-credentials.c). */
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_devices        (TalaLedger *self,
                                         GError    **error);

/* Revokes terminal @code's token and audits it (DEVICE_REGISTERED
 * {revoked: true}); @was_revoked (nullable) tells whether it already was,
 * in which case nothing changes. */
gboolean     tala_ledger_revoke_device  (TalaLedger *self,
                                         const char *code,
                                         const char *actor,
                                         gint64      now_us,
                                         gboolean   *was_revoked,
                                         GError    **error);

/* {last_receipt, last_device_seq, last_provisional} of terminal @code. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_device_counters (TalaLedger *self,
                                          const char *code,
                                          GError    **error);

/* ---- Replica side -------------------------------------------------------- */

/* The SQLite connection, for a replica's own sync_* tables (sync/).  Use
 * tala_ledger_begin()/commit() around writes so that they nest with the
 * ledger's. */
struct sqlite3;
struct sqlite3 *tala_ledger_get_handle (TalaLedger *self);

/* Makes this database a replica: its journal and audit log are a cache of
 * the hub's, so provisional entries may be undone (the append-only
 * triggers go).  Idempotent. */
gboolean     tala_ledger_make_replica   (TalaLedger   *self,
                                         GError      **error);

/* tala_ledger_apply() that also returns, when the op changed anything, the
 * SQLite changeset of everything it wrote (@changeset; NULL when nothing
 * changed).  Tables whose names start with "sync_" are not recorded.  A
 * rejection is answered but never stored: the hub decides. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_apply_recorded (TalaLedger   *self,
                                         JsonObject   *op,
                                         TalaChannel   channel,
                                         gint64        now_us,
                                         GBytes      **changeset,
                                         GError      **error);

/* Undoes @changeset (from tala_ledger_apply_recorded()); changesets are
 * undone newest first.  Any row that is not as the changeset left it is a
 * conflict: nothing is undone and the error is TALA_LEDGER_ERROR_DB. */
gboolean     tala_ledger_undo           (TalaLedger   *self,
                                         GBytes       *changeset,
                                         GError      **error);

/* Undoes many changesets (@changesets: GBytes, oldest first) at once. */
gboolean     tala_ledger_undo_all       (TalaLedger   *self,
                                         GPtrArray    *changesets,
                                         GError      **error);

/* Applies one of the hub's journal entries exactly as the hub did
 * (trusted channel, its applied_at).  The result envelope must say
 * "applied" with @hub_seq; anything else means the replica is not the
 * hub's state and is an error. */
gboolean     tala_ledger_replay_entry   (TalaLedger   *self,
                                         JsonObject   *op,
                                         gint64        applied_at_us,
                                         gint64        hub_seq,
                                         GError      **error);

/* SHA-256 (hex) of the replicated tables: the business rows a rebuild
 * reproduces, without the history (journal, decisions, audit log), so
 * that a replica and its hub can be compared (ledger-check.c). */
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_checksum       (TalaLedger   *self,
                                         GError      **error);

G_END_DECLS
