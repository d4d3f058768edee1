/* tala-registrar-items.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of the registrar's lists.  A TalaRecord is one line of a read
 * (a subject taken, a transcript line, an INC take, a permit): a key and
 * four display strings, plus the JSON object it was made from.  A
 * TalaGradeRow is one student of a grade sheet, whose "grade" the
 * registrar types in.  And the plain words the registrar's pages show for
 * a rejected op, testable without a display.
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TALA_TYPE_RECORD (tala_record_get_type ())
G_DECLARE_FINAL_TYPE (TalaRecord, tala_record, TALA, RECORD, GObject)
#define TALA_TYPE_GRADE_ROW (tala_grade_row_get_type ())
G_DECLARE_FINAL_TYPE (TalaGradeRow, tala_grade_row, TALA, GRADE_ROW, GObject)

/* Takes @json (nullable).  Properties "key", "title", "subtitle",
 * "detail", "extra": read-only strings. */
TalaRecord   *tala_record_new             (const char   *key,
                                           const char   *title,
                                           const char   *subtitle,
                                           const char   *detail,
                                           const char   *extra,
                                           JsonObject   *json);
const char   *tala_record_get_key         (TalaRecord   *self);
const char   *tala_record_get_title       (TalaRecord   *self);
const char   *tala_record_get_subtitle    (TalaRecord   *self);
const char   *tala_record_get_detail      (TalaRecord   *self);
const char   *tala_record_get_extra       (TalaRecord   *self);
JsonObject   *tala_record_get_json        (TalaRecord   *self);

/* From a roster student {student, first_name, last_name, status,
 * grade_status, grade}.  "grade" is read-write: what the sheet shows. */
TalaGradeRow *tala_grade_row_new_from_json (JsonObject  *student);
const char   *tala_grade_row_get_student  (TalaGradeRow *self);
const char   *tala_grade_row_get_grade    (TalaGradeRow *self);
void          tala_grade_row_set_grade    (TalaGradeRow *self,
                                           const char   *grade);
/* The grade the ledger holds (NULL when none). */
const char   *tala_grade_row_get_saved    (TalaGradeRow *self);
/* FINALIZED or CREDITED: the grade can no longer be submitted. */
gboolean      tala_grade_row_get_locked   (TalaGradeRow *self);

/* A promissory note of tala_ledger_registrar_promissory_notes(): key
 * note_id, title "Midterm · month 3 to be paid by 2025-07-15", subtitle
 * semester, what is left of the month, who granted it and why; detail
 * its status in words (Open, Overdue, Kept). */
TalaRecord   *tala_record_new_from_note   (JsonObject   *note);

/* Plain words for the effective status of a student (ACTIVE, LOA, ...). */
const char   *tala_registrar_status_words (const char *status);
/* What blocked an op with @args (its "error" in @envelope: code and
 * details), in words that say what to do: the missing prerequisites, the
 * units left, the full section's seats, the clashing classes with their
 * times from @times ({section code: "MON 08:00–09:30"}, nullable), ...
 * Unknown codes give the hub's message. */
char         *tala_registrar_explain     (JsonObject *args,
                                          JsonObject *envelope,
                                          JsonObject *times);

G_END_DECLS
