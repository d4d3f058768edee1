/* tala-report-model.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The end-of-day collections report of this terminal, read from the
 * replica (tala_ledger_collections_report()): the payments as a GListModel,
 * the totals per method, and its exports (CSV per RFC 4180, and a drawing
 * shared by the printer and the PDF file).
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "tala-session.h"

G_BEGIN_DECLS

#define TALA_TYPE_REPORT_PAYMENT (tala_report_payment_get_type ())
G_DECLARE_FINAL_TYPE (TalaReportPayment, tala_report_payment, TALA, REPORT_PAYMENT, GObject)
#define TALA_TYPE_REPORT (tala_report_get_type ())
G_DECLARE_FINAL_TYPE (TalaReport, tala_report, TALA, REPORT, GObject)

/* One payment line: receipt, time, student, name, amount ("₱1,500.00"),
 * method, reference, cashier, status ("" or "Voided"). */
const char *tala_report_payment_get_receipt   (TalaReportPayment *self);
const char *tala_report_payment_get_payment_id (TalaReportPayment *self);
gint64      tala_report_payment_get_centavos  (TalaReportPayment *self);

/* The report from a tala_ledger_collections_report() object. */
TalaReport *tala_report_new_from_json         (JsonObject        *report);
/* Reads the report of @date (NULL: today's business date) for this
 * terminal from the replica, on a worker. */
void        tala_report_load_async            (TalaSession       *session,
                                               const char        *date,
                                               GCancellable      *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer           user_data);
G_GNUC_WARN_UNUSED_RESULT
TalaReport *tala_report_load_finish           (TalaSession       *session,
                                               GAsyncResult      *result,
                                               GError           **error);

const char *tala_report_get_date              (TalaReport        *self);
const char *tala_report_get_terminal          (TalaReport        *self);
/* Of TalaReportPayment, in receipt order. */
GListModel *tala_report_get_payments          (TalaReport        *self);
/* The methods with payments, sorted; NULL-terminated, owned by @self. */
const char *const *tala_report_get_methods    (TalaReport        *self);
/* Centavos and number of the day's payments by @method (0 when none). */
gint64      tala_report_get_method_total      (TalaReport        *self,
                                               const char        *method);
guint       tala_report_get_method_count      (TalaReport        *self,
                                               const char        *method);
/* Every payment of the day, voided ones too (centavos). */
gint64      tala_report_get_total_collected   (TalaReport        *self);
/* The day's voids (negative) and adjustments (signed), centavos. */
gint64      tala_report_get_total_voided      (TalaReport        *self);
gint64      tala_report_get_total_adjusted    (TalaReport        *self);
/* One line per void or adjustment, with its reason; "" when none. */
G_GNUC_WARN_UNUSED_RESULT
char       *tala_report_dup_corrections       (TalaReport        *self);
/* Collected, less voids, plus adjustments (centavos). */
gint64      tala_report_get_net_total         (TalaReport        *self);

/* The payments as CSV (RFC 4180: CRLF lines, a header row, fields with a
 * comma, quote or line break quoted, quotes doubled). */
G_GNUC_WARN_UNUSED_RESULT
char       *tala_report_to_csv                (TalaReport        *self);
gboolean    tala_report_save_csv              (TalaReport        *self,
                                               const char        *path,
                                               GError           **error);
/* Bars of the amount per method, in @width × @height. */
void        tala_report_draw_chart            (TalaReport        *self,
                                               cairo_t           *cr,
                                               double             width,
                                               double             height);
/* Pages of the printed report at this page size (points), and one page. */
int         tala_report_count_pages           (TalaReport        *self,
                                               double             width,
                                               double             height);
void        tala_report_draw_page             (TalaReport        *self,
                                               cairo_t           *cr,
                                               double             width,
                                               double             height,
                                               int                page);
/* An A4 PDF of the report. */
gboolean    tala_report_save_pdf              (TalaReport        *self,
                                               const char        *path,
                                               GError           **error);

G_END_DECLS
