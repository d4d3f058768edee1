/* tala-report-window.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The end-of-day collections report of this terminal: totals per method,
 * a chart, the list of payments; printable, and savable as PDF or CSV.
 */

#pragma once

#include <adwaita.h>

#include "tala-report-model.h"
#include "tala-session.h"

G_BEGIN_DECLS

#define TALA_TYPE_REPORT_WINDOW (tala_report_window_get_type ())
G_DECLARE_FINAL_TYPE (TalaReportWindow, tala_report_window, TALA, REPORT_WINDOW, AdwWindow)

/* Opens on today's business date and starts loading. */
TalaReportWindow *tala_report_window_new        (GtkWindow        *parent,
                                                 TalaSession      *session);
/* Loads @date (YYYY-MM-DD; NULL or "" for today). */
void              tala_report_window_set_date   (TalaReportWindow *self,
                                                 const char       *date);
/* The report shown, NULL while none has loaded. */
TalaReport       *tala_report_window_get_report (TalaReportWindow *self);
gboolean          tala_report_window_get_loading (TalaReportWindow *self);

/* The print operation's pages, exported to a PDF file (what the printer
 * would get), without a dialog. */
gboolean          tala_report_print_to_file     (TalaReport       *report,
                                                 const char       *path,
                                                 GError          **error);

G_END_DECLS
