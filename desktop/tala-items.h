/* tala-items.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model objects the lists show.  Each is a final GObject with
 * read-only string properties, made from one JSON object of a ledger read
 * and never changed afterwards.
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TALA_TYPE_STUDENT (tala_student_get_type ())
G_DECLARE_FINAL_TYPE (TalaStudent, tala_student, TALA, STUDENT, GObject)
#define TALA_TYPE_BUCKET (tala_bucket_get_type ())
G_DECLARE_FINAL_TYPE (TalaBucket, tala_bucket, TALA, BUCKET, GObject)
#define TALA_TYPE_HISTORY_ENTRY (tala_history_entry_get_type ())
G_DECLARE_FINAL_TYPE (TalaHistoryEntry, tala_history_entry, TALA, HISTORY_ENTRY, GObject)
#define TALA_TYPE_ATTENTION_ITEM (tala_attention_item_get_type ())
G_DECLARE_FINAL_TYPE (TalaAttentionItem, tala_attention_item, TALA, ATTENTION_ITEM, GObject)

/* A search result (a Profile): number, full-name, program, status. */
TalaStudent       *tala_student_new_from_json        (JsonObject *profile);
const char        *tala_student_get_number           (TalaStudent *self);
/* An account bucket: month, due, paid, remaining, due-date (as the ledger
 * has them), state (Paid, Overdue, Partly paid or Due, in words),
 * due-text, paid-text, remaining-text (₱1,500.00) and style (a style
 * class: success, error, warning or ""). */
TalaBucket        *tala_bucket_new_from_json         (JsonObject *bucket);
/* The same, overdue when its due date is before @today (YYYY-MM-DD,
 * nullable) and it is not paid. */
TalaBucket        *tala_bucket_new_from_json_on      (JsonObject *bucket,
                                                      const char *today);
/* A history line: id, date, kind, amount, method, receipt, status (as
 * the ledger has them) and amount-text, kind-text, method-text,
 * status-text (in words). */
TalaHistoryEntry  *tala_history_entry_new_from_json  (JsonObject *entry);
/* An exam period (PRELIM, ...) and a permit's status (LOCKED, ...) in words. */
const char        *tala_period_words                 (const char *period);
const char        *tala_permit_status_words          (const char *status);
/* A payment method (CASH, GCASH, ...) in words. */
const char        *tala_method_words                 (const char *method);
/* A rejected op: op-id, kind, code, message, advice. */
TalaAttentionItem *tala_attention_item_new_from_json (JsonObject *item);
const char        *tala_attention_item_get_op_id     (TalaAttentionItem *self);
const char        *tala_attention_item_get_code      (TalaAttentionItem *self);

/* Members of a JSON answer, NULL (0) when absent, of another type, or when
 * @object is NULL. */
const char        *tala_member_str (JsonObject *object, const char *name);
JsonObject        *tala_member_obj (JsonObject *object, const char *name);
JsonArray         *tala_member_arr (JsonObject *object, const char *name);
gint64             tala_member_int (JsonObject *object, const char *name);

G_END_DECLS
