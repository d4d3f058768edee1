/* ledger-takes-queries.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of a student's takes that the registrar screens and the student
 * API share (BR §5.3, §5.5; API S3, S4): the subjects of a semester with
 * the unit load, and the sections of a subject with seats and conflicts.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

static const char * const day_names[] = { "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN" };

/* The student (number or alias), the semester and their enrollment there
 * (0 when none).  Unknown student or semester: TALA_LEDGER_ERROR_INVALID. */
static gboolean
resolve (TalaLedger *self,
         const char *student,
         const char *semester,
         gint64     *student_id,
         gint64     *semester_id,
         gint64     *enrollment_id,
         GError    **error)
{
  gboolean found;

  if (!tala_db_int (self, student_id, &found, error,
                    "SELECT id FROM student WHERE number = :n"
                    " UNION ALL SELECT id FROM student WHERE provisional_number = :n LIMIT 1",
                    ":n", DB_TEXT, student, NULL))
    return FALSE;
  if (!found)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no student %s", student);
      return FALSE;
    }
  if (!tala_semester_find (self, semester, semester_id, error))
    return FALSE;
  if (*semester_id == 0)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no semester %s",
                   semester);
      return FALSE;
    }
  if (!tala_db_int (self, enrollment_id, &found, error,
                    "SELECT id FROM enrollment WHERE student_id = :s AND semester_id = :m",
                    ":s", DB_INT, *student_id, ":m", DB_INT, *semester_id, NULL))
    return FALSE;
  if (!found)
    *enrollment_id = 0;
  return TRUE;
}

static JsonObject *
take_json (TalaStmt *stmt)
{
  JsonObject *t = json_object_new ();

  json_object_set_string_member (t, "subject_enrollment_id", tala_stmt_text (stmt, 0));
  json_object_set_string_member (t, "subject", tala_stmt_text (stmt, 1));
  json_object_set_string_member (t, "name", tala_stmt_text (stmt, 2));
  json_object_set_int_member (t, "units", tala_stmt_int (stmt, 3));
  obj_set_str (t, "section", tala_stmt_text (stmt, 4));
  json_object_set_string_member (t, "status", tala_stmt_text (stmt, 5));
  json_object_set_string_member (t, "grade_status", tala_stmt_text (stmt, 6));
  obj_set_str (t, "grade", tala_stmt_text (stmt, 7));
  json_object_set_boolean_member (t, "is_retake", tala_stmt_int (stmt, 8));
  if (!tala_stmt_is_null (stmt, 9))
    {
      g_autofree char *at = tala_timestamp_format (tala_stmt_int (stmt, 9));

      json_object_set_string_member (t, "dropped_at", at);
    }
  obj_set_str (t, "drop_reason", tala_stmt_text (stmt, 10));
  return t;
}

static JsonArray *
takes_json (TalaLedger *self,
            gint64      enrollment_id,
            gboolean    include_dropped,
            GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT t.uuid, sub.code, sub.name, t.units, x.code, t.status,"
                        " t.grade_status, t.grade, t.is_retake, t.dropped_at, t.drop_reason"
                        " FROM take t JOIN subject sub ON sub.id = t.subject_id"
                        " LEFT JOIN section x ON x.id = t.section_id"
                        " WHERE t.enrollment_id = :e AND (:all OR t.status <> 'DROPPED')"
                        " ORDER BY sub.code, t.id",
                        ":e", DB_INT, enrollment_id, ":all", DB_INT, (gint64) include_dropped,
                        NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    json_array_add_object_element (out, take_json (stmt));
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* BR §5.3's load summary: current, max, remaining, percent ("10.0"). */
static JsonObject *
load_json (TalaLedger *self,
           gint64      enrollment_id,
           GError    **error)
{
  JsonObject *load;
  gint64 current = 0, max;
  char percent[16];

  if (!tala_config_int (self, "max_units_per_semester", &max, error) ||
      (enrollment_id != 0 &&
       !tala_db_int (self, &current, NULL, error,
                     "SELECT total_units FROM enrollment WHERE id = :e",
                     ":e", DB_INT, enrollment_id, NULL)))
    return NULL;
  load = json_object_new ();
  json_object_set_int_member (load, "current_units", current);
  json_object_set_int_member (load, "max_units", max);
  json_object_set_int_member (load, "remaining_units", MAX (0, max - current));
  /* Tenths, half up, in integers. */
  g_snprintf (percent, sizeof percent, "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT,
              (current * 2000 / max + 1) / 2 / 10, (current * 2000 / max + 1) / 2 % 10);
  json_object_set_string_member (load, "capacity_percent", percent);
  return load;
}

/**
 * tala_ledger_subjects:
 * @student: a student number or provisional alias
 * @semester: a semester code
 * @include_dropped: list DROPPED takes too (the drop history)
 *
 * The student's takes in @semester by subject code (credits included) and
 * the unit load {current_units, max_units, remaining_units,
 * capacity_percent}.  `enrolled` is false when the student has no
 * enrollment in @semester (then the list is empty).  Reads only.
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
JsonObject *
tala_ledger_subjects (TalaLedger *self,
                      const char *student,
                      const char *semester,
                      gboolean    include_dropped,
                      GError    **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  g_autofree char *number = NULL;
  gint64 student_id, semester_id, enrollment_id;
  JsonArray *subjects;
  JsonObject *load;

  g_return_val_if_fail (self != NULL && student != NULL && semester != NULL, NULL);

  if (!resolve (self, student, semester, &student_id, &semester_id, &enrollment_id, error))
    return NULL;
  number = tala_student_number (self, student_id, error);
  subjects = number ? takes_json (self, enrollment_id, include_dropped, error) : NULL;
  if (subjects == NULL)
    return NULL;
  json_object_set_string_member (out, "student", number);
  json_object_set_string_member (out, "semester", semester);
  json_object_set_boolean_member (out, "enrolled", enrollment_id != 0);
  json_object_set_array_member (out, "subjects", subjects);
  load = load_json (self, enrollment_id, error);
  if (load == NULL)
    return NULL;
  json_object_set_object_member (out, "load", load);
  return g_steal_pointer (&out);
}

static JsonArray *
slots_json (TalaLedger *self,
            gint64      section_id,
            GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT day, start_min, end_min, room FROM section_slot"
                        " WHERE section_id = :x ORDER BY day, start_min",
                        ":x", DB_INT, section_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *slot = json_object_new ();
      char start[6], end[6];
      int s = (int) tala_stmt_int (stmt, 1), e = (int) tala_stmt_int (stmt, 2);

      g_snprintf (start, sizeof start, "%02d:%02d", s / 60, s % 60);
      g_snprintf (end, sizeof end, "%02d:%02d", e / 60, e % 60);
      json_object_set_string_member (slot, "day", day_names[tala_stmt_int (stmt, 0) % 7]);
      json_object_set_string_member (slot, "start", start);
      json_object_set_string_member (slot, "end", end);
      obj_set_str (slot, "room", tala_stmt_text (stmt, 3));
      json_array_add_object_element (out, slot);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

typedef struct
{
  gint64  id;
  char   *code;
  char   *professor;
  gint64  capacity;
  gint64  taken;
} SectionRow;

static void
section_row_clear (gpointer data)
{
  SectionRow *r = data;

  g_free (r->code);
  g_free (r->professor);
}

static GArray *
section_rows (TalaLedger *self,
              gint64      semester_id,
              gint64      subject_id,
              GError    **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (SectionRow));
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  g_array_set_clear_func (rows, section_row_clear);
  stmt = tala_db_query (self, error,
                        "SELECT x.id, x.code, u.username, x.capacity, (SELECT count(*) FROM take t"
                        " WHERE t.section_id = x.id AND t.status <> 'DROPPED')"
                        " FROM section x LEFT JOIN user u ON u.id = x.professor_id"
                        " WHERE x.semester_id = :m AND x.subject_id = :s ORDER BY x.code",
                        ":m", DB_INT, semester_id, ":s", DB_INT, subject_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      SectionRow r = { tala_stmt_int (stmt, 0), g_strdup (tala_stmt_text (stmt, 1)),
                       g_strdup (tala_stmt_text (stmt, 2)), tala_stmt_int (stmt, 3),
                       tala_stmt_int (stmt, 4) };

      g_array_append_val (rows, r);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

/**
 * tala_ledger_sections:
 * @student: the student the conflicts are judged for
 * @semester: a semester code
 * @subject: a subject code
 *
 * Every section of @subject in @semester by code (BR §5.5): professor,
 * capacity, enrollment_count (takes not DROPPED), available seats,
 * schedule, and has_conflict / conflicts with the student's takes of the
 * semester (the overlap rule of D-E5).  Reads only.
 *
 * Returns: (transfer full): {subject, semester, sections}, or %NULL with
 *   @error set
 */
JsonObject *
tala_ledger_sections (TalaLedger *self,
                      const char *student,
                      const char *semester,
                      const char *subject,
                      GError    **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonArray) sections = json_array_new ();
  g_autoptr(GArray) rows = NULL;
  gint64 student_id, semester_id, enrollment_id, subject_id;

  g_return_val_if_fail (self != NULL && student && semester && subject, NULL);

  if (!resolve (self, student, semester, &student_id, &semester_id, &enrollment_id, error) ||
      !_tala_subject_find (self, subject, &subject_id, error))
    return NULL;
  rows = section_rows (self, semester_id, subject_id, error);
  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      SectionRow *r = &g_array_index (rows, SectionRow, i);
      JsonObject *s = json_object_new ();
      JsonArray *slots = slots_json (self, r->id, error);
      JsonArray *conflicts = _tala_section_conflicts (self, enrollment_id, r->id, error);

      json_array_add_object_element (sections, s);
      if (slots == NULL || conflicts == NULL)
        {
          g_clear_pointer (&slots, json_array_unref);
          g_clear_pointer (&conflicts, json_array_unref);
          return NULL;
        }
      json_object_set_string_member (s, "section", r->code);
      obj_set_str (s, "professor", r->professor);
      json_object_set_int_member (s, "capacity", r->capacity);
      json_object_set_int_member (s, "enrollment_count", r->taken);
      json_object_set_int_member (s, "available", MAX (0, r->capacity - r->taken));
      json_object_set_array_member (s, "schedule", slots);
      json_object_set_boolean_member (s, "has_conflict", json_array_get_length (conflicts) > 0);
      json_object_set_array_member (s, "conflicts", conflicts);
    }
  json_object_set_string_member (out, "subject", subject);
  json_object_set_string_member (out, "semester", semester);
  json_object_set_array_member (out, "sections", g_steal_pointer (&sections));
  return g_steal_pointer (&out);
}
