/* ledger-staff.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the professor, catalog and admin routes (sections and rosters, catalog entries, users, config, jobs, audit, devices).
 *
 * Catalog entries come back in the shape of their put op's args (ops.md
 * §2.5) with every default spelled out and absent optionals left out, so
 * that a client may GET an entry, change a member and PUT it back.  Lists
 * are pages: @offset and @limit select the rows and @count gets how many
 * there are in all.  Every function blocks on SQLite and needs no
 * transaction.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"
#include "tala-ledger-registrar.h"
#include "tala-ledger-staff.h"

static const char * const day_names[] = { "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN" };

static gpointer
not_found (GError    **error,
           const char *what,
           const char *code)
{
  g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no %s %s", what, code);
  return NULL;
}

static void
set_time (JsonObject *obj,
          const char *name,
          TalaStmt   *stmt,
          int         col)
{
  g_autofree char *text = NULL;

  if (tala_stmt_is_null (stmt, col))
    {
      json_object_set_null_member (obj, name);
      return;
    }
  text = tala_timestamp_format (tala_stmt_int (stmt, col));
  json_object_set_string_member (obj, name, text);
}

/* A JSON text column parsed, or null when it is NULL or not JSON. */
static void
set_json (JsonObject *obj,
          const char *name,
          TalaStmt   *stmt,
          int         col)
{
  JsonNode *node = NULL;

  if (!tala_stmt_is_null (stmt, col))
    node = json_from_string (tala_stmt_text (stmt, col), NULL);
  json_object_set_member (obj, name, node ? node : json_node_new (JSON_NODE_NULL));
}

static char *
hhmm (gint64 minutes)
{
  return g_strdup_printf ("%02d:%02d", (int) (minutes / 60), (int) (minutes % 60));
}

/* ---- Catalog --------------------------------------------------------------- */

/**
 * tala_ledger_staff_program:
 * @code: a program code
 *
 * The program as catalog.program.put args: code, name, description?,
 * duration_years, total_units_required, is_active.
 *
 * Returns: (transfer full): the program
 */
JsonObject *
tala_ledger_staff_program (TalaLedger *self,
                           const char *code,
                           GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  JsonObject *out;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT code, name, description, duration_years, total_units_required,"
                        " is_active FROM program WHERE code = :c",
                        ":c", DB_TEXT, code, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    return not_found (error, "program", code);
  out = json_object_new ();
  json_object_set_string_member (out, "code", tala_stmt_text (stmt, 0));
  json_object_set_string_member (out, "name", tala_stmt_text (stmt, 1));
  obj_set_str (out, "description", tala_stmt_text (stmt, 2));
  json_object_set_int_member (out, "duration_years", tala_stmt_int (stmt, 3));
  json_object_set_int_member (out, "total_units_required", tala_stmt_int (stmt, 4));
  json_object_set_boolean_member (out, "is_active", tala_stmt_int (stmt, 5) != 0);
  return out;
}

static JsonArray *
prerequisites_json (TalaLedger *self,
                    gint64      subject_id,
                    GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT p.code FROM subject_prerequisite sp"
                        " JOIN subject p ON p.id = sp.prerequisite_id"
                        " WHERE sp.subject_id = :s ORDER BY p.code",
                        ":s", DB_INT, subject_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    json_array_add_string_element (out, tala_stmt_text (stmt, 0));
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_staff_subject:
 * @code: a subject code
 *
 * The subject as catalog.subject.put args: code, name, description?,
 * units, subject_type, program, prerequisites (sorted codes), is_active,
 * year_level?.
 *
 * Returns: (transfer full): the subject
 */
JsonObject *
tala_ledger_staff_subject (TalaLedger *self,
                           const char *code,
                           GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  JsonArray *prerequisites;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT s.id, s.code, s.name, s.description, s.units, s.subject_type,"
                        " p.code, s.is_active, s.year_level"
                        " FROM subject s JOIN program p ON p.id = s.program_id WHERE s.code = :c",
                        ":c", DB_TEXT, code, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    return not_found (error, "subject", code);
  json_object_set_string_member (out, "code", tala_stmt_text (stmt, 1));
  json_object_set_string_member (out, "name", tala_stmt_text (stmt, 2));
  obj_set_str (out, "description", tala_stmt_text (stmt, 3));
  json_object_set_int_member (out, "units", tala_stmt_int (stmt, 4));
  json_object_set_string_member (out, "subject_type", tala_stmt_text (stmt, 5));
  json_object_set_string_member (out, "program", tala_stmt_text (stmt, 6));
  json_object_set_boolean_member (out, "is_active", tala_stmt_int (stmt, 7) != 0);
  if (!tala_stmt_is_null (stmt, 8))
    json_object_set_int_member (out, "year_level", tala_stmt_int (stmt, 8));
  prerequisites = prerequisites_json (self, tala_stmt_int (stmt, 0), error);
  if (prerequisites == NULL)
    return NULL;
  json_object_set_array_member (out, "prerequisites", prerequisites);
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_staff_semester:
 * @code: a semester code
 *
 * The semester as catalog.semester.put args: code, start_date, end_date,
 * enrollment_start, enrollment_end, is_active, exam_months {PRELIM,
 * MIDTERM, PREFINAL, FINAL}.
 *
 * Returns: (transfer full): the semester
 */
JsonObject *
tala_ledger_staff_semester (TalaLedger *self,
                            const char *code,
                            GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  JsonObject *out, *months;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT code, start_date, end_date, enrollment_start, enrollment_end,"
                        " is_active, month_prelim, month_midterm, month_prefinal, month_final"
                        " FROM semester WHERE code = :c",
                        ":c", DB_TEXT, code, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    return not_found (error, "semester", code);
  out = json_object_new ();
  months = json_object_new ();
  json_object_set_string_member (out, "code", tala_stmt_text (stmt, 0));
  json_object_set_string_member (out, "start_date", tala_stmt_text (stmt, 1));
  json_object_set_string_member (out, "end_date", tala_stmt_text (stmt, 2));
  json_object_set_string_member (out, "enrollment_start", tala_stmt_text (stmt, 3));
  json_object_set_string_member (out, "enrollment_end", tala_stmt_text (stmt, 4));
  json_object_set_boolean_member (out, "is_active", tala_stmt_int (stmt, 5) != 0);
  json_object_set_int_member (months, "PRELIM", tala_stmt_int (stmt, 6));
  json_object_set_int_member (months, "MIDTERM", tala_stmt_int (stmt, 7));
  json_object_set_int_member (months, "PREFINAL", tala_stmt_int (stmt, 8));
  json_object_set_int_member (months, "FINAL", tala_stmt_int (stmt, 9));
  json_object_set_object_member (out, "exam_months", months);
  return out;
}

/* The section's slots as catalog.section.put args: sorted by day, then
 * start. */
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
                        " WHERE section_id = :s ORDER BY day, start_min",
                        ":s", DB_INT, section_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *slot = json_object_new ();
      g_autofree char *start = hhmm (tala_stmt_int (stmt, 1));
      g_autofree char *end = hhmm (tala_stmt_int (stmt, 2));

      json_object_set_string_member (slot, "day", day_names[tala_stmt_int (stmt, 0) % 7]);
      json_object_set_string_member (slot, "start", start);
      json_object_set_string_member (slot, "end", end);
      obj_set_str (slot, "room", tala_stmt_text (stmt, 3));
      json_array_add_object_element (out, slot);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

#define SECTION_SQL \
  "SELECT sec.id, se.code, sec.code, su.code, sec.capacity, u.username, sec.room," \
  " sec.schedule_notes, su.name, su.units," \
  " (SELECT count(*) FROM take t WHERE t.section_id = sec.id AND t.status <> 'DROPPED')" \
  " FROM section sec JOIN semester se ON se.id = sec.semester_id" \
  " JOIN subject su ON su.id = sec.subject_id" \
  " LEFT JOIN user u ON u.id = sec.professor_id"

/* A row of SECTION_SQL as catalog.section.put args. */
static JsonObject *
section_json (TalaLedger *self,
              TalaStmt   *stmt,
              GError    **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  JsonArray *slots = slots_json (self, tala_stmt_int (stmt, 0), error);

  if (slots == NULL)
    return NULL;
  json_object_set_string_member (out, "semester", tala_stmt_text (stmt, 1));
  json_object_set_string_member (out, "code", tala_stmt_text (stmt, 2));
  json_object_set_string_member (out, "subject", tala_stmt_text (stmt, 3));
  json_object_set_int_member (out, "capacity", tala_stmt_int (stmt, 4));
  obj_set_str (out, "professor", tala_stmt_text (stmt, 5));
  obj_set_str (out, "room", tala_stmt_text (stmt, 6));
  obj_set_str (out, "schedule_notes", tala_stmt_text (stmt, 7));
  json_object_set_array_member (out, "slots", slots);
  return g_steal_pointer (&out);
}

/* The section of SECTION_SQL for (@semester, @code), stepped to its row. */
static TalaStmt *
section_row (TalaLedger *self,
             const char *semester,
             const char *code,
             GError    **error)
{
  TalaStmt *stmt;
  int rc;

  stmt = tala_db_query (self, error, SECTION_SQL " WHERE se.code = :sem AND sec.code = :c",
                        ":sem", DB_TEXT, semester, ":c", DB_TEXT, code, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    {
      if (stmt != NULL)
        tala_stmt_release (stmt);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      g_autofree char *name = g_strdup_printf ("%s/%s", semester, code);

      tala_stmt_release (stmt);
      return not_found (error, "section", name);
    }
  return stmt;
}

/**
 * tala_ledger_staff_section:
 * @semester: a semester code
 * @code: a section code within it
 *
 * The section as catalog.section.put args: semester, code, subject,
 * capacity, professor?, room?, schedule_notes?, slots [{day, start, end,
 * room?}].
 *
 * Returns: (transfer full): the section
 */
JsonObject *
tala_ledger_staff_section (TalaLedger *self,
                           const char *semester,
                           const char *code,
                           GError    **error)
{
  g_autoptr(TalaStmt) stmt = section_row (self, semester, code, error);

  if (stmt == NULL)
    return NULL;
  return section_json (self, stmt, error);
}

/* ---- Professors -------------------------------------------------------------- */

/* A row of SECTION_SQL as a professor sees it: the put args (less the
 * professor) plus subject_name, units and taken (seats held). */
static JsonObject *
teaching_json (TalaLedger *self,
               TalaStmt   *stmt,
               GError    **error)
{
  JsonObject *out = section_json (self, stmt, error);

  if (out == NULL)
    return NULL;
  json_object_remove_member (out, "professor");
  json_object_set_string_member (out, "subject_name", tala_stmt_text (stmt, 8));
  json_object_set_int_member (out, "units", tala_stmt_int (stmt, 9));
  json_object_set_int_member (out, "taken", tala_stmt_int (stmt, 10));
  return out;
}

#define SECTION_FILTER \
  " WHERE (:p IS NULL OR u.username = :p) AND (:sem IS NULL OR se.code = :sem)"

/**
 * _tala_section_list:
 * @semester: (nullable): only this semester's sections
 * @professor: (nullable): only the sections this username teaches
 * @with_professor: whether each section names its professor (a string,
 *   or null when none is assigned)
 * @limit: at most this many rows; -1 for all
 *
 * Sections newest semester first, then by code, as
 * tala_ledger_staff_section() gives them without professor, plus
 * subject_name, units and taken (the takes that are not DROPPED).  The
 * professor's list and the registrar's list of a semester share it.
 *
 * Returns: (transfer full): the page's sections
 */
JsonArray *
_tala_section_list (TalaLedger *self,
                    const char *semester,
                    const char *professor,
                    gboolean    with_professor,
                    gint64      offset,
                    gint64      limit,
                    gint64     *count,
                    GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  if (!tala_db_int (self, count, NULL, error,
                    "SELECT count(*) FROM section sec JOIN semester se ON se.id = sec.semester_id"
                    " LEFT JOIN user u ON u.id = sec.professor_id" SECTION_FILTER,
                    ":p", DB_TEXT, professor, ":sem", DB_TEXT, semester, NULL))
    return NULL;
  stmt = tala_db_query (self, error,
                        SECTION_SQL SECTION_FILTER
                        " ORDER BY se.start_date DESC, sec.code LIMIT :lim OFFSET :off",
                        ":p", DB_TEXT, professor, ":sem", DB_TEXT, semester,
                        ":lim", DB_INT, limit, ":off", DB_INT, offset, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *section = teaching_json (self, stmt, error);

      if (section == NULL)
        return NULL;
      if (with_professor)
        obj_set_str_or_null (section, "professor", tala_stmt_text (stmt, 5));
      json_array_add_object_element (out, section);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_staff_professor_sections:
 * @professor: a username
 * @semester: (nullable): only this semester's sections
 *
 * The sections @professor teaches, newest semester first, then by code,
 * as tala_ledger_staff_section() without professor, plus subject_name,
 * units and taken (the takes that are not DROPPED).
 *
 * Returns: (transfer full): the page's sections
 */
JsonArray *
tala_ledger_staff_professor_sections (TalaLedger *self,
                                      const char *professor,
                                      const char *semester,
                                      guint       offset,
                                      guint       limit,
                                      gint64     *count,
                                      GError    **error)
{
  g_return_val_if_fail (professor != NULL, NULL);

  return _tala_section_list (self, semester, professor, FALSE, offset, limit, count, error);
}

static JsonArray *
roster_students (TalaLedger *self,
                 gint64      section_id,
                 GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT st.number, u.first_name, u.last_name, p.code, t.uuid, t.status,"
                        " t.grade_status, t.grade, t.comments, t.is_retake, t.units"
                        " FROM take t JOIN enrollment e ON e.id = t.enrollment_id"
                        " JOIN student st ON st.id = e.student_id"
                        " JOIN user u ON u.id = st.user_id"
                        " JOIN program p ON p.id = st.program_id"
                        " WHERE t.section_id = :s AND t.status <> 'DROPPED'"
                        " ORDER BY u.last_name, u.first_name, st.number",
                        ":s", DB_INT, section_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();

      json_object_set_string_member (row, "student", tala_stmt_text (stmt, 0));
      json_object_set_string_member (row, "first_name", tala_stmt_text (stmt, 1));
      json_object_set_string_member (row, "last_name", tala_stmt_text (stmt, 2));
      json_object_set_string_member (row, "program", tala_stmt_text (stmt, 3));
      json_object_set_string_member (row, "subject_enrollment_id", tala_stmt_text (stmt, 4));
      json_object_set_string_member (row, "status", tala_stmt_text (stmt, 5));
      json_object_set_string_member (row, "grade_status", tala_stmt_text (stmt, 6));
      obj_set_str_or_null (row, "grade", tala_stmt_text (stmt, 7));
      obj_set_str (row, "comments", tala_stmt_text (stmt, 8));
      json_object_set_boolean_member (row, "is_retake", tala_stmt_int (stmt, 9) != 0);
      json_object_set_int_member (row, "units", tala_stmt_int (stmt, 10));
      json_array_add_object_element (out, row);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_staff_roster:
 * @semester: a semester code
 * @code: a section code within it
 *
 * The section (as tala_ledger_staff_section(), plus subject_name, units
 * and taken) with `students`: its takes that are not DROPPED, by last
 * name, first name and number, each {student, first_name, last_name,
 * program, subject_enrollment_id, status, grade_status, grade (or null),
 * comments?, is_retake, units}.  %TALA_LEDGER_ERROR_INVALID when there is
 * no such section.
 *
 * Returns: (transfer full): the roster
 */
JsonObject *
tala_ledger_staff_roster (TalaLedger *self,
                          const char *semester,
                          const char *code,
                          GError    **error)
{
  g_autoptr(TalaStmt) stmt = section_row (self, semester, code, error);
  g_autoptr(JsonObject) out = NULL;
  JsonArray *students;

  if (stmt == NULL)
    return NULL;
  out = teaching_json (self, stmt, error);
  if (out == NULL)
    return NULL;
  obj_set_str (out, "professor", tala_stmt_text (stmt, 5));
  students = roster_students (self, tala_stmt_int (stmt, 0), error);
  if (students == NULL)
    return NULL;
  json_object_set_array_member (out, "students", students);
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_staff_in_section:
 * @semester: a semester code
 * @code: a section code within it
 * @student: a student number or provisional alias
 * @found: (out): whether @student holds a take of that section that is not
 *   DROPPED
 */
gboolean
tala_ledger_staff_in_section (TalaLedger *self,
                              const char *semester,
                              const char *code,
                              const char *student,
                              gboolean   *found,
                              GError    **error)
{
  gint64 take;

  return tala_db_int (self, &take, found, error,
                      "SELECT t.id FROM take t JOIN section sec ON sec.id = t.section_id"
                      " JOIN semester se ON se.id = sec.semester_id"
                      " JOIN enrollment e ON e.id = t.enrollment_id"
                      " JOIN student st ON st.id = e.student_id"
                      " WHERE se.code = :sem AND sec.code = :c AND t.status <> 'DROPPED'"
                      " AND (st.number = :n OR st.provisional_number = :n)",
                      ":sem", DB_TEXT, semester, ":c", DB_TEXT, code, ":n", DB_TEXT, student,
                      NULL);
}

/* ---- Administration ---------------------------------------------------------- */

/* Sets @out's "value" to @key's value (stored or default). */
static gboolean
config_value (TalaLedger *self,
              JsonObject *out,
              const char *key,
              char        type,
              GError    **error)
{
  g_autofree char *text = NULL;
  gint64 i;
  gboolean b;

  switch (type)
    {
    case 'i':
      if (!tala_config_int (self, key, &i, error))
        return FALSE;
      json_object_set_int_member (out, "value", i);
      return TRUE;
    case 'b':
      if (!tala_config_bool (self, key, &b, error))
        return FALSE;
      json_object_set_boolean_member (out, "value", b);
      return TRUE;
    default:
      text = tala_config_str (self, key, error);
      if (text == NULL)
        return FALSE;
      json_object_set_string_member (out, "value", text);
      return TRUE;
    }
}

/**
 * tala_ledger_staff_config:
 * @key: a configuration key (ops.md §2.5)
 *
 * {key, value, is_default}: the stored value, or the default while none
 * was set.  %TALA_LEDGER_ERROR_INVALID for a key that does not exist.
 *
 * Returns: (transfer full): the entry
 */
JsonObject *
tala_ledger_staff_config (TalaLedger *self,
                          const char *key,
                          GError    **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  char type = _tala_config_key_type (key);
  gboolean stored;
  gint64 hub_seq;

  if (type == '\0')
    return not_found (error, "configuration key", key);
  if (!tala_db_int (self, &hub_seq, &stored, error,
                    "SELECT hub_seq FROM config WHERE key = :k", ":k", DB_TEXT, key, NULL))
    return NULL;
  json_object_set_string_member (out, "key", key);
  if (!config_value (self, out, key, type, error))
    return NULL;
  json_object_set_boolean_member (out, "is_default", !stored);
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_staff_job_runs:
 * @name: (nullable): only this job's runs
 *
 * Runs of the hub's jobs, newest first: {id, name, scheduled_for,
 * started_at, finished_at (RFC 3339 or null), status (running, ok or
 * failed), attempt, result (the result envelope, or null), error}.
 *
 * Returns: (transfer full): the page's runs
 */
JsonArray *
tala_ledger_staff_job_runs (TalaLedger *self,
                            const char *name,
                            guint       offset,
                            guint       limit,
                            gint64     *count,
                            GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  if (!tala_db_int (self, count, NULL, error,
                    "SELECT count(*) FROM job_run WHERE :n IS NULL OR name = :n",
                    ":n", DB_TEXT, name, NULL))
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT id, name, scheduled_for, started_at, finished_at, status, attempt,"
                        " result_json, error FROM job_run WHERE :n IS NULL OR name = :n"
                        " ORDER BY id DESC LIMIT :lim OFFSET :off",
                        ":n", DB_TEXT, name, ":lim", DB_INT, (gint64) limit,
                        ":off", DB_INT, (gint64) offset, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();

      json_object_set_int_member (row, "id", tala_stmt_int (stmt, 0));
      json_object_set_string_member (row, "name", tala_stmt_text (stmt, 1));
      set_time (row, "scheduled_for", stmt, 2);
      set_time (row, "started_at", stmt, 3);
      set_time (row, "finished_at", stmt, 4);
      json_object_set_string_member (row, "status", tala_stmt_text (stmt, 5));
      json_object_set_int_member (row, "attempt", tala_stmt_int (stmt, 6));
      set_json (row, "result", stmt, 7);
      obj_set_str_or_null (row, "error", tala_stmt_text (stmt, 8));
      json_array_add_object_element (out, row);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

#define AUDIT_WHERE \
  " WHERE (:actor IS NULL OR actor = :actor) AND (:action IS NULL OR action = :action)" \
  " AND (:target IS NULL OR target_id = :target) AND at >= :since"

/**
 * tala_ledger_staff_audit:
 * @actor: (nullable): only entries of this username
 * @action: (nullable): only this action (PAYMENT_RECORDED, ...)
 * @target: (nullable): only entries about this target id
 * @since_us: only entries at or after this time (0: all)
 *
 * The audit log, newest first: {id, hub_seq, op_id, action, actor (null =
 * SYSTEM), target_model, target_id, before, after, at}.
 *
 * Returns: (transfer full): the page's entries
 */
JsonArray *
tala_ledger_staff_audit (TalaLedger *self,
                         const char *actor,
                         const char *action,
                         const char *target,
                         gint64      since_us,
                         guint       offset,
                         guint       limit,
                         gint64     *count,
                         GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  if (!tala_db_int (self, count, NULL, error, "SELECT count(*) FROM audit" AUDIT_WHERE,
                    ":actor", DB_TEXT, actor, ":action", DB_TEXT, action,
                    ":target", DB_TEXT, target, ":since", DB_INT, since_us, NULL))
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT id, hub_seq, op_id, action, actor, target_model, target_id,"
                        " before_json, after_json, at FROM audit" AUDIT_WHERE
                        " ORDER BY id DESC LIMIT :lim OFFSET :off",
                        ":actor", DB_TEXT, actor, ":action", DB_TEXT, action,
                        ":target", DB_TEXT, target, ":since", DB_INT, since_us,
                        ":lim", DB_INT, (gint64) limit, ":off", DB_INT, (gint64) offset, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();

      json_object_set_int_member (row, "id", tala_stmt_int (stmt, 0));
      if (tala_stmt_is_null (stmt, 1))
        json_object_set_null_member (row, "hub_seq");
      else
        json_object_set_int_member (row, "hub_seq", tala_stmt_int (stmt, 1));
      obj_set_str_or_null (row, "op_id", tala_stmt_text (stmt, 2));
      json_object_set_string_member (row, "action", tala_stmt_text (stmt, 3));
      obj_set_str_or_null (row, "actor", tala_stmt_text (stmt, 4));
      json_object_set_string_member (row, "target_model", tala_stmt_text (stmt, 5));
      json_object_set_string_member (row, "target_id", tala_stmt_text (stmt, 6));
      set_json (row, "before", stmt, 7);
      set_json (row, "after", stmt, 8);
      set_time (row, "at", stmt, 9);
      json_array_add_object_element (out, row);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_staff_devices:
 *
 * What the hub heard from each terminal (device_counter), by device:
 * {device, max_receipt, max_device_seq, max_provisional}.
 *
 * Returns: (transfer full): the page's devices
 */
JsonArray *
tala_ledger_staff_devices (TalaLedger *self,
                           guint       offset,
                           guint       limit,
                           gint64     *count,
                           GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  if (!tala_db_int (self, count, NULL, error, "SELECT count(*) FROM device_counter", NULL))
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT device, max_receipt, max_device_seq, max_provisional"
                        " FROM device_counter ORDER BY device LIMIT :lim OFFSET :off",
                        ":lim", DB_INT, (gint64) limit, ":off", DB_INT, (gint64) offset, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();

      json_object_set_string_member (row, "device", tala_stmt_text (stmt, 0));
      json_object_set_int_member (row, "max_receipt", tala_stmt_int (stmt, 1));
      json_object_set_int_member (row, "max_device_seq", tala_stmt_int (stmt, 2));
      json_object_set_int_member (row, "max_provisional", tala_stmt_int (stmt, 3));
      json_array_add_object_element (out, row);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}
