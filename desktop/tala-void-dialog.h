/* tala-void-dialog.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Voids or adjusts one payment (payment.void, payment.adjust): asks for
 * the reason (required) and, for an adjustment, the signed amount; shows
 * what the op would do (a preview), then records exactly that.
 */

#pragma once

#include <adwaita.h>

#include "tala-session.h"

G_BEGIN_DECLS

#define TALA_TYPE_VOID_DIALOG (tala_void_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TalaVoidDialog, tala_void_dialog, TALA, VOID_DIALOG, AdwWindow)

/* The op args, or NULL with @message (plain words) when the input is not
 * valid: @reason is required; @amount NULL for a void, else money ± and
 * not zero. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject     *tala_void_args              (const char     *payment,
                                             const char     *reason,
                                             const char     *amount,
                                             char          **message);
/* A rejection of payment.void or payment.adjust in plain words. */
const char     *tala_void_explain           (const char     *code);

/* @receipt_no and @amount ("1500.00") only describe the payment. */
TalaVoidDialog *tala_void_dialog_new        (GtkWindow      *parent,
                                             TalaSession    *session,
                                             const char     *payment_id,
                                             const char     *receipt_no,
                                             const char     *amount,
                                             gboolean        adjust);
void            tala_void_dialog_set_reason (TalaVoidDialog *self,
                                             const char     *reason);
void            tala_void_dialog_set_amount (TalaVoidDialog *self,
                                             const char     *amount);
/* What the dialog says now: the preview, a refusal, or the result. */
const char     *tala_void_dialog_get_message (TalaVoidDialog *self);
/* TRUE while a preview or the record runs. */
gboolean        tala_void_dialog_get_busy   (TalaVoidDialog *self);
/* TRUE once a preview of the current input succeeded. */
gboolean        tala_void_dialog_get_can_confirm (TalaVoidDialog *self);
/* The envelope of the recorded op, NULL before. */
JsonObject     *tala_void_dialog_get_recorded (TalaVoidDialog *self);

G_END_DECLS
