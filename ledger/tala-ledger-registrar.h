/* tala-ledger-registrar.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the registrar's routes (students, enrollments, subjects, grades, LOA, promissory notes, transcript, payments, audit, INC list, unassigned payments, rosters).
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_registrar_students  (TalaLedger  *self,
                                              const char  *query,
                                              guint        offset,
                                              guint        limit,
                                              gint64      *count,
                                              GError     **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_registrar_student   (TalaLedger  *self,
                                              const char  *student,
                                              gint64       now_us,
                                              GError     **error);
gboolean     tala_ledger_registrar_check_refs (TalaLedger  *self,
                                               const char  *student,
                                               const char  *semester,
                                               const char  *subject,
                                               const char **unknown,
                                               GError     **error);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_registrar_loa_start (TalaLedger  *self,
                                              const char  *student,
                                              const char  *loa,
                                              GError     **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_registrar_audit     (TalaLedger  *self,
                                              const char  *student,
                                              guint        offset,
                                              guint        limit,
                                              gint64      *count,
                                              GError     **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_registrar_inc       (TalaLedger  *self,
                                              gint64       now_us,
                                              gint64       within_days,
                                              GError     **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_registrar_unassigned_payments (TalaLedger  *self,
                                                        guint        offset,
                                                        guint        limit,
                                                        gint64      *count,
                                                        GError     **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_registrar_roster    (TalaLedger  *self,
                                              const char  *semester,
                                              const char  *section,
                                              GError     **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_registrar_semester_sections (TalaLedger  *self,
                                                      const char  *semester,
                                                      GError     **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_registrar_promissory_notes (TalaLedger  *self,
                                                     const char  *student,
                                                     gint64       now_us,
                                                     GError     **error);
gboolean     tala_ledger_registrar_active_semester (TalaLedger  *self,
                                                    char       **code,
                                                    GError     **error);

G_END_DECLS
