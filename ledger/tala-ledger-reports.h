/* tala-ledger-reports.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reports of the cashier's office (ledger-reports.c): the end-of-day
 * collections report.
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_collections_report (TalaLedger   *self,
                                             const char   *date,
                                             const char   *terminal,
                                             gint64        now_us,
                                             GError      **error);

G_END_DECLS
