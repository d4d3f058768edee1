/* tala-registrar-page.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The registrar's area: search as you type, the selected student's
 * profile, status, leave and semester enrollment; the subjects taken with
 * add and drop (every blocked check explained, overrides with a reason);
 * transcript, permits and promissory notes; a section's grade sheet; the
 * INC list.  Reads run on the replica's read connection, changes are ops
 * (previewed where a check may block them).
 */

#pragma once

#include <adwaita.h>

#include "tala-session.h"

G_BEGIN_DECLS

#define TALA_TYPE_REGISTRAR_PAGE (tala_registrar_page_get_type ())
G_DECLARE_FINAL_TYPE (TalaRegistrarPage, tala_registrar_page, TALA, REGISTRAR_PAGE, GtkWidget)

void         tala_registrar_page_set_session     (TalaRegistrarPage *self,
                                                  TalaSession       *session);
void         tala_registrar_page_focus_search    (TalaRegistrarPage *self);

/* TRUE while a read or an op of the page runs. */
gboolean     tala_registrar_page_get_busy        (TalaRegistrarPage *self);
GListModel  *tala_registrar_page_get_results     (TalaRegistrarPage *self);
/* Shows @student (a number) as if picked from the results. */
void         tala_registrar_page_select_student  (TalaRegistrarPage *self,
                                                  const char        *student);
const char  *tala_registrar_page_get_student     (TalaRegistrarPage *self);
const char  *tala_registrar_page_get_semester    (TalaRegistrarPage *self);
void         tala_registrar_page_set_semester    (TalaRegistrarPage *self,
                                                  const char        *semester);
/* Shows one of "student", "subjects", "records", "grades", "inc". */
void         tala_registrar_page_show            (TalaRegistrarPage *self,
                                                  const char        *view);

/* The forms of the Student and Records pages ("registrar.change-status",
 * "registrar.start-loa", "registrar.enroll-semester", "registrar.promissory"
 * send them); nullable strings leave a field empty. */
void         tala_registrar_page_set_status_form (TalaRegistrarPage *self,
                                                  const char        *status,
                                                  const char        *reason);
void         tala_registrar_page_set_loa_form    (TalaRegistrarPage *self,
                                                  const char        *start,
                                                  const char        *end,
                                                  const char        *reason);
void         tala_registrar_page_set_commitment  (TalaRegistrarPage *self,
                                                  const char        *amount);
void         tala_registrar_page_set_note_form   (TalaRegistrarPage *self,
                                                  const char        *period,
                                                  const char        *promised_date,
                                                  const char        *reason);

/* The profile line: number · program · year · status (· LOA). */
const char  *tala_registrar_page_get_profile_text (TalaRegistrarPage *self);
const char  *tala_registrar_page_get_message     (TalaRegistrarPage *self);
/* TalaRecord models: the takes of the semester, the transcript lines, the
 * permits, the INC takes. */
GListModel  *tala_registrar_page_get_takes       (TalaRegistrarPage *self);
GListModel  *tala_registrar_page_get_transcript  (TalaRegistrarPage *self);
const char  *tala_registrar_page_get_gpa_text    (TalaRegistrarPage *self);
GListModel  *tala_registrar_page_get_permits     (TalaRegistrarPage *self);
/* The student's promissory notes (tala_record_new_from_note()), newest
 * semester first. */
GListModel  *tala_registrar_page_get_notes       (TalaRegistrarPage *self);
GListModel  *tala_registrar_page_get_inc         (TalaRegistrarPage *self);

/* The add-subject form ("registrar.add-subject" sends it); @section
 * nullable.  The explanation of the last blocked add or drop, and whether
 * an override is offered. */
void         tala_registrar_page_set_add_form    (TalaRegistrarPage *self,
                                                  const char        *subject,
                                                  const char        *section);
void         tala_registrar_page_set_override_reason (TalaRegistrarPage *self,
                                                      const char        *reason);
/* The selection of the takes list: the subject "registrar.drop-subject" drops. */
GtkSingleSelection *tala_registrar_page_get_take_selection (TalaRegistrarPage *self);
const char  *tala_registrar_page_get_explanation (TalaRegistrarPage *self);
gboolean     tala_registrar_page_get_override_offered (TalaRegistrarPage *self);

/* The grade sheet: picks a section of the semester and loads its roster
 * (TalaGradeRow items); "registrar.save-grades" and "registrar.finalize". */
GListModel  *tala_registrar_page_get_sections    (TalaRegistrarPage *self);
/* The line of @section in the list: code, subject, seats, professor. */
const char  *tala_registrar_page_get_section_text (TalaRegistrarPage *self,
                                                   const char        *section);
void         tala_registrar_page_set_section     (TalaRegistrarPage *self,
                                                  const char        *section);
GListModel  *tala_registrar_page_get_roster      (TalaRegistrarPage *self);
const char  *tala_registrar_page_get_grade_message (TalaRegistrarPage *self);

G_END_DECLS
