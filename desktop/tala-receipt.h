/* tala-receipt.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A payment's receipt: one drawing function that renders it onto any
 * cairo_t, shared by the printer (GtkPrintOperation) and the PDF file
 * (a cairo PDF surface).
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The receipt's page width in points (80 mm, a receipt printer's roll). */
#define TALA_RECEIPT_WIDTH 226.77

/* "2500.00" → "₱2,500.00" ("-₱15.00" for a negative amount); NULL or junk
 * gives an empty string. */
G_GNUC_WARN_UNUSED_RESULT
char       *tala_format_pesos         (const char  *decimal);

/* The receipt's data from a payment.record result: @result (receipt_no,
 * student, amount, method, reference_number?, allocation, credit_added),
 * the student's @student_name, the @cashier's name, the @school's name and
 * the time it was recorded (@when, local).  @provisional: the hub has not
 * confirmed the allocation yet. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject *tala_receipt_new          (JsonObject  *result,
                                       const char  *student_name,
                                       const char  *cashier,
                                       const char  *school,
                                       GDateTime   *when,
                                       gboolean     provisional);

/* Draws @receipt from (0, 0), @width points wide; returns the height used.
 * With @cr NULL nothing is drawn, only measured. */
double      tala_receipt_draw         (JsonObject  *receipt,
                                       cairo_t     *cr,
                                       double       width);

/* Writes @receipt as a one-page PDF file at @path, without any UI. */
gboolean    tala_receipt_save_pdf     (JsonObject  *receipt,
                                       const char  *path,
                                       GError     **error);

/* Opens the print dialog for @receipt. */
void        tala_receipt_print        (JsonObject  *receipt,
                                       GtkWindow   *parent);

/* The print operation's drawing, exported to a PDF file at @path (what
 * the printer would get), without a dialog. */
gboolean    tala_receipt_print_to_file (JsonObject *receipt,
                                        const char *path,
                                        GError    **error);

/* Asks where to save (GtkFileChooserNative), then saves the PDF; a failure
 * is shown in a dialog. */
void        tala_receipt_save_as      (JsonObject  *receipt,
                                       GtkWindow   *parent);

G_END_DECLS
