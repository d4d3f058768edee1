/* tala-ledger-staff.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the professor, catalog and admin routes (sections and rosters, catalog entries, users, config, jobs, audit, devices).
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

/* Catalog entries in the shape of their put op's args (ops.md §2.5), so
 * that what a GET answers can be PUT back.  %NULL with
 * %TALA_LEDGER_ERROR_INVALID when the code names nothing. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_staff_program  (TalaLedger   *self,
                                         const char   *code,
                                         GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_staff_subject  (TalaLedger   *self,
                                         const char   *code,
                                         GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_staff_semester (TalaLedger   *self,
                                         const char   *code,
                                         GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_staff_section  (TalaLedger   *self,
                                         const char   *semester,
                                         const char   *code,
                                         GError      **error);

/* The professor's sections and a section's roster. */
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_staff_professor_sections (TalaLedger *self,
                                                   const char *professor,
                                                   const char *semester,
                                                   guint       offset,
                                                   guint       limit,
                                                   gint64     *count,
                                                   GError    **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_staff_roster   (TalaLedger   *self,
                                         const char   *semester,
                                         const char   *code,
                                         GError      **error);
gboolean     tala_ledger_staff_in_section (TalaLedger *self,
                                           const char *semester,
                                           const char *code,
                                           const char *student,
                                           gboolean   *found,
                                           GError    **error);

/* Administration. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_staff_config   (TalaLedger   *self,
                                         const char   *key,
                                         GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_staff_job_runs (TalaLedger   *self,
                                         const char   *name,
                                         guint         offset,
                                         guint         limit,
                                         gint64       *count,
                                         GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_staff_audit    (TalaLedger   *self,
                                         const char   *actor,
                                         const char   *action,
                                         const char   *target,
                                         gint64        since_us,
                                         guint         offset,
                                         guint         limit,
                                         gint64       *count,
                                         GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_staff_devices  (TalaLedger   *self,
                                         guint         offset,
                                         guint         limit,
                                         gint64       *count,
                                         GError      **error);

G_END_DECLS
