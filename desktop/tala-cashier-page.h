/* tala-cashier-page.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tala-session.h"
#include "tala-void-dialog.h"

G_BEGIN_DECLS

#define TALA_TYPE_CASHIER_PAGE (tala_cashier_page_get_type ())
G_DECLARE_FINAL_TYPE (TalaCashierPage, tala_cashier_page, TALA, CASHIER_PAGE, GtkWidget)

void        tala_cashier_page_set_session  (TalaCashierPage *self,
                                            TalaSession     *session);
void        tala_cashier_page_focus_search (TalaCashierPage *self);
/* The student whose account is shown, nullable. */
const char *tala_cashier_page_get_student  (TalaCashierPage *self);
GListModel *tala_cashier_page_get_results  (TalaCashierPage *self);
/* The account shown, as if the student had been picked in the results. */
void        tala_cashier_page_show_student (TalaCashierPage *self,
                                            const char      *student);
/* Fills the payment form (@method one of the ledger's, such as "GCASH"). */
void        tala_cashier_page_set_payment  (TalaCashierPage *self,
                                            const char      *amount,
                                            const char      *method,
                                            const char      *reference);
/* TRUE while an account load, a preview or a payment runs. */
gboolean    tala_cashier_page_get_busy     (TalaCashierPage *self);
/* What the form says now: the preview, a refusal or the receipt number. */
const char *tala_cashier_page_get_message  (TalaCashierPage *self);
/* The balance of the account shown, in pesos ("₱58,500.00"); "" when
 * none (no enrollment in the semester, no student). */
const char *tala_cashier_page_get_balance_text (TalaCashierPage *self);
/* The account's months, of TalaBucket. */
GListModel *tala_cashier_page_get_buckets  (TalaCashierPage *self);
/* The receipt of the last payment recorded here (tala_receipt_new()). */
JsonObject *tala_cashier_page_get_receipt  (TalaCashierPage *self);
/* The account's history, of TalaHistoryEntry. */
GListModel *tala_cashier_page_get_history  (TalaCashierPage *self);
/* Opens the void (or adjust) dialog for @payment_id; borrowed. */
TalaVoidDialog *tala_cashier_page_open_void (TalaCashierPage *self,
                                             const char      *payment_id,
                                             gboolean         adjust);

G_END_DECLS
