/* ledger-accounts-private.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the money files share: the account model (ledger-accounts.c), used
 * by payments (ledger-payments.c) and permits (ledger-permits.c).
 */

#pragma once

#include "ledger-private.h"

G_BEGIN_DECLS

#define N_MONTHS 6

extern const char * const _tala_periods[];

/* One account: an enrollment's (enrollment_id > 0) or the student's
 * unassigned one (enrollment_id == 0, no buckets). */
typedef struct
{
  gint64 enrollment_id;
  gint64 student_id;
  gint64 net;                 /* centavos, ≥ 0 */
  gint64 due[N_MONTHS];       /* centavos */
} Account;

/* A money transaction to insert (see _tala_txn_insert()). */
typedef struct
{
  const char *type;
  gint64      amount;
  const char *method;
  const char *reference;
  const char *receipt_no;
  const char *receipt_series;
  gint64      receipt_seq;
  const char *notes;
  gint64      payment_id;
  const char *reason;
} TxnRow;

gint64    _tala_account_paid           (const Account *a, int month, gint64 net);
gint64    _tala_account_balance        (const Account *a, gint64 net);
gint64    _tala_account_credit         (const Account *a);
gboolean  _tala_account_load           (TalaLedger *self, gint64 enrollment_id, gint64 student_id,
                                        Account *a, GError **error);
gboolean  _tala_account_move           (TalaCtx *ctx, Account *a, gint64 txn_id, gint64 amount,
                                        JsonArray **entries, gint64 *credit_delta, GError **error);
gboolean  _tala_txn_insert             (TalaCtx *ctx, const Account *a, const TxnRow *row,
                                        gint64 *txn_id, GError **error);
gboolean  _tala_txn_set_credit_delta   (TalaCtx *ctx, gint64 txn_id, gint64 delta, GError **error);
gboolean  _tala_entries_filled_a_month (JsonArray *entries);
gboolean  _tala_permit_unlock          (TalaCtx *ctx, gint64 enrollment_id, const char *period,
                                        const char *via, JsonArray *unlocked, GError **error);

G_END_DECLS
