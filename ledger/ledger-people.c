/* ledger-people.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the REST API needs beside the account: the student search of the
 * cashier (C1), a student's profile (S1), one payment as a receipt (C6),
 * a student's enrollments (S2), the subjects a student may look at
 * enrolling in (S4), the programs and their subjects (P1, P2), a user's
 * notifications, and the lookups from the original's integer ids to codes.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

/* Columns: s.id, number, username, email, first_name, last_name, phone,
 * program id, program code, program name, status, gpa, user id, provisional. */
/* The columns profile_json() reads, in its order. */
#define PROFILE_SELECT \
  "SELECT s.id, s.number, u.username, u.email, u.first_name, u.last_name," \
  " u.phone_number, p.id, p.code, p.name, s.status, s.gpa, u.id, s.provisional_number" \
  " FROM student s JOIN user u ON u.id = s.user_id JOIN program p ON p.id = s.program_id"

static JsonObject *
profile_json (TalaStmt *stmt)
{
  JsonObject *out = json_object_new ();
  JsonObject *user = json_object_new ();
  const char *gpa = tala_stmt_text (stmt, 11);
  g_autofree char *full = g_strdup_printf ("%s %s", tala_stmt_text (stmt, 4),
                                           tala_stmt_text (stmt, 5));

  json_object_set_int_member (user, "id", tala_stmt_int (stmt, 12));
  json_object_set_string_member (user, "username", tala_stmt_text (stmt, 2));
  obj_set_str (user, "email", tala_stmt_text (stmt, 3));
  json_object_set_string_member (user, "first_name", tala_stmt_text (stmt, 4));
  json_object_set_string_member (user, "last_name", tala_stmt_text (stmt, 5));
  json_object_set_string_member (user, "full_name", full);
  json_object_set_string_member (user, "role", "STUDENT");
  obj_set_str (user, "phone_number", tala_stmt_text (stmt, 6));
  json_object_set_int_member (out, "id", tala_stmt_int (stmt, 0));
  json_object_set_object_member (out, "user", user);
  json_object_set_string_member (out, "student_id", tala_stmt_text (stmt, 1));
  obj_set_str (out, "provisional_number", tala_stmt_text (stmt, 13));
  json_object_set_int_member (out, "program", tala_stmt_int (stmt, 7));
  json_object_set_string_member (out, "program_code", tala_stmt_text (stmt, 8));
  json_object_set_string_member (out, "program_name", tala_stmt_text (stmt, 9));
  json_object_set_string_member (out, "status", tala_stmt_text (stmt, 10));
  if (strcmp (gpa, "N/A") == 0)
    json_object_set_null_member (out, "gpa");
  else
    json_object_set_string_member (out, "gpa", gpa);
  json_object_set_string_member (out, "gpa_display", gpa);
  return out;
}

/**
 * tala_ledger_search_students:
 * @query: text to find, case-insensitively, in the student number (or
 *   provisional alias), first name or last name
 * @limit: at most this many results (0 = no limit)
 *
 * Matching students as Profile objects (business-rules §10.2), ordered by
 * number.  Blocks on SQLite.
 *
 * Returns: (transfer full): the profiles
 */
JsonArray *
tala_ledger_search_students (TalaLedger *self,
                             const char *query,
                             guint       limit,
                             GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  g_autoptr(GString) pattern = g_string_new ("%");
  int rc;

  /* LIKE is case-insensitive for ASCII; escape its wildcards. */
  for (const char *p = query; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  stmt = tala_db_query (self, error,
                        PROFILE_SELECT " WHERE s.number LIKE :q ESCAPE '\\'"
                        " OR s.provisional_number LIKE :q ESCAPE '\\'"
                        " OR u.first_name LIKE :q ESCAPE '\\' OR u.last_name LIKE :q ESCAPE '\\'"
                        " ORDER BY s.number LIMIT :lim",
                        ":q", DB_TEXT, pattern->str,
                        ":lim", DB_INT, limit == 0 ? G_GINT64_CONSTANT (-1) : (gint64) limit,
                        NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    json_array_add_object_element (out, profile_json (stmt));
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_foreach_student_name:
 * @func: called once a student, in student-number order
 *
 * What a search field needs of every student: id, number, provisional
 * number (nullable), first and last name.  Blocks on SQLite.
 *
 * Returns: %FALSE with @error set when the read failed
 */
gboolean
tala_ledger_foreach_student_name (TalaLedger          *self,
                                  TalaStudentNameFunc  func,
                                  gpointer             data,
                                  GError             **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT s.id, s.number, s.provisional_number, u.first_name, u.last_name"
                        " FROM student s JOIN user u ON u.id = s.user_id ORDER BY s.number", NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    func (tala_stmt_int (stmt, 0), tala_stmt_text (stmt, 1), tala_stmt_text (stmt, 2),
          tala_stmt_text (stmt, 3), tala_stmt_text (stmt, 4), data);
  return rc == SQLITE_DONE;
}

/**
 * tala_ledger_students_by_id:
 * @ids: student ids
 * @n_ids: how many
 *
 * The Profiles of tala_ledger_student_profile() of @ids, in the order of
 * @ids; an id that names no student is left out.  Blocks on SQLite.
 *
 * Returns: (transfer full): the profiles, or %NULL with @error set
 */
JsonArray *
tala_ledger_students_by_id (TalaLedger   *self,
                            const gint64 *ids,
                            guint         n_ids,
                            GError      **error)
{
  g_autoptr(GString) list = g_string_new ("[");
  g_autoptr(JsonArray) out = json_array_new ();
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       (GDestroyNotify) json_object_unref);
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  /* The ids go in as one bound JSON array. */
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (list, ']');
  stmt = tala_db_query (self, error,
                        PROFILE_SELECT " WHERE s.id IN (SELECT value FROM json_each(:ids))",
                        ":ids", DB_TEXT, list->str, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    g_hash_table_insert (found, g_memdup2 (&(gint64) { tala_stmt_int (stmt, 0) }, sizeof (gint64)),
                         profile_json (stmt));
  if (rc != SQLITE_DONE)
    return NULL;
  for (guint i = 0; i < n_ids; i++)
    {
      JsonObject *profile = g_hash_table_lookup (found, &ids[i]);

      if (profile != NULL)
        json_array_add_object_element (out, json_object_ref (profile));
    }
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_data_version:
 *
 * SQLite's data_version of this connection: it changes whenever another
 * connection commits to the file.  A cache of a read connection is stale
 * when it changed.
 */
gint64
tala_ledger_data_version (TalaLedger *self)
{
  gint64 version = 0;

  if (!tala_db_int (self, &version, NULL, NULL, "PRAGMA data_version", NULL))
    return -1;
  return version;
}

/**
 * tala_ledger_student_profile:
 * @student: a student number or provisional alias
 *
 * The student's Profile (business-rules §10.2): id, user {…}, student_id,
 * program, program_code, program_name, status (stored), gpa, gpa_display.
 * %NULL with %TALA_LEDGER_ERROR_INVALID for an unknown student.  Blocks.
 *
 * Returns: (transfer full): the profile
 */
JsonObject *
tala_ledger_student_profile (TalaLedger *self,
                             const char *student,
                             GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (self, error,
                        PROFILE_SELECT " WHERE s.number = :n OR s.provisional_number = :n",
                        ":n", DB_TEXT, student, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no student %s", student);
      return NULL;
    }
  return profile_json (stmt);
}

/**
 * tala_ledger_payment:
 * @payment: a payment's id (the op_id that recorded it) or its receipt number
 *
 * One PAYMENT as a receipt: payment_id, receipt_no, student, student_name,
 * semester?, amount, method, reference_number?, notes?, date (business
 * date), applied_at, recorded_by?, device, status (COMPLETED or VOIDED),
 * voided_by?.  %NULL with %TALA_LEDGER_ERROR_INVALID when @payment names no
 * payment (voids and adjustments are not receipts).  Blocks.
 *
 * Returns: (transfer full): the receipt
 */
JsonObject *
tala_ledger_payment (TalaLedger *self,
                     const char *payment,
                     GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  g_autofree char *at = NULL;
  g_autofree char *name = NULL;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT t.uuid, t.receipt_no, st.number, u.first_name, u.last_name,"
                        " se.code, t.amount, t.method, t.reference_number, t.notes,"
                        " t.business_date, t.applied_at, t.actor, t.device, v.uuid"
                        " FROM txn t JOIN student st ON st.id = t.student_id"
                        " JOIN user u ON u.id = st.user_id"
                        " LEFT JOIN enrollment e ON e.id = t.enrollment_id"
                        " LEFT JOIN semester se ON se.id = e.semester_id"
                        " LEFT JOIN txn v ON v.id = t.voided_by"
                        " WHERE t.type = 'PAYMENT' AND (t.uuid = :p OR t.receipt_no = :p)",
                        ":p", DB_TEXT, payment, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no payment %s", payment);
      return NULL;
    }
  at = tala_timestamp_format (tala_stmt_int (stmt, 11));
  name = g_strdup_printf ("%s %s", tala_stmt_text (stmt, 3), tala_stmt_text (stmt, 4));
  json_object_set_string_member (out, "payment_id", tala_stmt_text (stmt, 0));
  obj_set_str (out, "receipt_no", tala_stmt_text (stmt, 1));
  json_object_set_string_member (out, "student", tala_stmt_text (stmt, 2));
  json_object_set_string_member (out, "student_name", name);
  obj_set_str (out, "semester", tala_stmt_text (stmt, 5));
  obj_set_money (out, "amount", tala_stmt_int (stmt, 6));
  obj_set_str (out, "method", tala_stmt_text (stmt, 7));
  obj_set_str (out, "reference_number", tala_stmt_text (stmt, 8));
  obj_set_str (out, "notes", tala_stmt_text (stmt, 9));
  json_object_set_string_member (out, "date", tala_stmt_text (stmt, 10));
  json_object_set_string_member (out, "applied_at", at);
  obj_set_str (out, "recorded_by", tala_stmt_text (stmt, 12));
  json_object_set_string_member (out, "device", tala_stmt_text (stmt, 13));
  obj_set_str (out, "voided_by", tala_stmt_text (stmt, 14));
  json_object_set_string_member (out, "status", tala_stmt_is_null (stmt, 14) ? "COMPLETED"
                                                                             : "VOIDED");
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_enrollment_semester:
 * @student: a student number or provisional alias
 * @enrollment_id: the integer id of a semester enrollment (the original
 *   API's enrollment ids)
 *
 * The semester code of that enrollment when it is @student's, else %NULL
 * with %TALA_LEDGER_ERROR_INVALID.  Blocks.
 *
 * Returns: (transfer full): the semester code
 */
char *
tala_ledger_enrollment_semester (TalaLedger *self,
                                 const char *student,
                                 gint64      enrollment_id,
                                 GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT se.code FROM enrollment e JOIN semester se ON se.id = e.semester_id"
                        " JOIN student st ON st.id = e.student_id"
                        " WHERE e.id = :e AND (st.number = :n OR st.provisional_number = :n)",
                        ":e", DB_INT, enrollment_id, ":n", DB_TEXT, student, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "no enrollment %" G_GINT64_FORMAT " of %s", enrollment_id, student);
      return NULL;
    }
  return g_strdup (tala_stmt_text (stmt, 0));
}

/* A page's LIMIT for SQLite: -1 is no limit. */
static gint64
page_limit (guint limit)
{
  return limit == 0 ? G_GINT64_CONSTANT (-1) : (gint64) limit;
}

/* The one integer of a `SELECT count(*) …` statement; -1 on failure. */
static gint64
count_of (TalaLedger *self,
          TalaStmt   *stmt,
          GError    **error)
{
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return -1;
  return tala_stmt_int (stmt, 0);
}

/**
 * tala_ledger_student_enrollments:
 * @student: a student number or provisional alias
 * @offset: rows to skip
 * @limit: at most this many rows (0 = no limit)
 * @count: (out): the number of the student's enrollments in all
 *
 * The student's semester enrollments, newest semester first (start date,
 * then code, descending; API S2): id (the integer enrollment id),
 * semester (code), start_date, end_date, semester_active, total_units,
 * monthly_commitment, and the balance summary of its buckets total_due,
 * total_paid, balance, plus credit.  %NULL with %TALA_LEDGER_ERROR_INVALID
 * for an unknown student.  Blocks on SQLite.
 *
 * Returns: (transfer full): the enrollments of the page
 */
JsonArray *
tala_ledger_student_enrollments (TalaLedger *self,
                                 const char *student,
                                 guint       offset,
                                 guint       limit,
                                 gint64     *count,
                                 GError    **error)
{
  g_autoptr(TalaStmt) who = NULL;
  g_autoptr(TalaStmt) n = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  gint64 student_id;
  int rc;

  who = tala_db_query (self, error,
                       "SELECT id FROM student WHERE number = :n OR provisional_number = :n",
                       ":n", DB_TEXT, student, NULL);
  if (who == NULL || (rc = tala_db_step (self, who, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no student %s", student);
      return NULL;
    }
  student_id = tala_stmt_int (who, 0);
  n = tala_db_query (self, error, "SELECT count(*) FROM enrollment WHERE student_id = :s",
                     ":s", DB_INT, student_id, NULL);
  if ((*count = count_of (self, n, error)) < 0)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT e.id, se.code, se.start_date, se.end_date, se.is_active,"
                        " e.total_units, e.monthly_commitment, e.credit,"
                        " (SELECT coalesce (sum (b.due), 0) FROM bucket b"
                        "  WHERE b.enrollment_id = e.id),"
                        " (SELECT coalesce (sum (b.paid_total), 0) FROM bucket b"
                        "  WHERE b.enrollment_id = e.id)"
                        " FROM enrollment e JOIN semester se ON se.id = e.semester_id"
                        " WHERE e.student_id = :s"
                        " ORDER BY se.start_date DESC, se.code DESC LIMIT :lim OFFSET :off",
                        ":s", DB_INT, student_id, ":lim", DB_INT, page_limit (limit),
                        ":off", DB_INT, (gint64) offset, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *e = json_object_new ();

      json_object_set_int_member (e, "id", tala_stmt_int (stmt, 0));
      json_object_set_string_member (e, "semester", tala_stmt_text (stmt, 1));
      json_object_set_string_member (e, "start_date", tala_stmt_text (stmt, 2));
      json_object_set_string_member (e, "end_date", tala_stmt_text (stmt, 3));
      json_object_set_boolean_member (e, "semester_active", tala_stmt_int (stmt, 4) != 0);
      json_object_set_int_member (e, "total_units", tala_stmt_int (stmt, 5));
      obj_set_money (e, "monthly_commitment", tala_stmt_int (stmt, 6));
      obj_set_money (e, "total_due", tala_stmt_int (stmt, 8));
      obj_set_money (e, "total_paid", tala_stmt_int (stmt, 9));
      obj_set_money (e, "balance", tala_stmt_int (stmt, 8) - tala_stmt_int (stmt, 9));
      obj_set_money (e, "credit", tala_stmt_int (stmt, 7));
      json_array_add_object_element (out, e);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* Columns: id, code, name, description, duration_years,
 * total_units_required, is_active. */
static JsonObject *
program_json (TalaStmt *stmt)
{
  JsonObject *p = json_object_new ();

  json_object_set_int_member (p, "id", tala_stmt_int (stmt, 0));
  json_object_set_string_member (p, "code", tala_stmt_text (stmt, 1));
  json_object_set_string_member (p, "name", tala_stmt_text (stmt, 2));
  obj_set_str_or_null (p, "description", tala_stmt_text (stmt, 3));
  json_object_set_int_member (p, "duration_years", tala_stmt_int (stmt, 4));
  json_object_set_int_member (p, "total_units_required", tala_stmt_int (stmt, 5));
  json_object_set_boolean_member (p, "is_active", tala_stmt_int (stmt, 6) != 0);
  return p;
}

/**
 * tala_ledger_programs:
 * @offset: rows to skip
 * @limit: at most this many rows (0 = no limit)
 * @count: (out): the number of active programs in all
 *
 * The active programs by code (API P1): id, code, name, description
 * (nullable), duration_years, total_units_required, is_active.  Blocks on
 * SQLite.
 *
 * Returns: (transfer full): the programs of the page, or %NULL with @error
 */
JsonArray *
tala_ledger_programs (TalaLedger *self,
                      guint       offset,
                      guint       limit,
                      gint64     *count,
                      GError    **error)
{
  g_autoptr(TalaStmt) n = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  n = tala_db_query (self, error, "SELECT count(*) FROM program WHERE is_active <> 0", NULL);
  if ((*count = count_of (self, n, error)) < 0)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT id, code, name, description, duration_years,"
                        " total_units_required, is_active FROM program WHERE is_active <> 0"
                        " ORDER BY code LIMIT :lim OFFSET :off",
                        ":lim", DB_INT, page_limit (limit), ":off", DB_INT, (gint64) offset,
                        NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    json_array_add_object_element (out, program_json (stmt));
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_program:
 * @program: a program code, or the decimal integer id of a program
 *
 * One program, active or not, as tala_ledger_programs() shows it.  %NULL
 * with %TALA_LEDGER_ERROR_INVALID when @program names none.  Blocks.
 *
 * Returns: (transfer full): the program
 */
JsonObject *
tala_ledger_program (TalaLedger *self,
                     const char *program,
                     GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  char *end = NULL;
  gint64 id = -1;
  int rc;

  if (g_ascii_isdigit (program[0]))
    {
      id = g_ascii_strtoll (program, &end, 10);
      if (*end != '\0')
        id = -1;
    }
  stmt = tala_db_query (self, error,
                        "SELECT id, code, name, description, duration_years,"
                        " total_units_required, is_active FROM program"
                        " WHERE code = :c OR id = :i",
                        ":c", DB_TEXT, program, ":i", DB_INT, id, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no program %s", program);
      return NULL;
    }
  return program_json (stmt);
}

/**
 * tala_ledger_program_subjects:
 * @program: a program code
 *
 * The program's active subjects by code (API P2): id, code, name,
 * description (nullable), units, subject_type, year_level (nullable),
 * program (code) and prerequisites (their codes, sorted).  An unknown
 * program has none (an empty array).  Blocks on SQLite.
 *
 * Returns: (transfer full): the subjects, or %NULL with @error
 */
JsonArray *
tala_ledger_program_subjects (TalaLedger *self,
                              const char *program,
                              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT s.id, s.code, s.name, s.description, s.units, s.subject_type,"
                        " s.year_level, p.code,"
                        " (SELECT group_concat (code, ' ') FROM (SELECT r.code FROM"
                        "  subject_prerequisite sp JOIN subject r ON r.id = sp.prerequisite_id"
                        "  WHERE sp.subject_id = s.id ORDER BY r.code))"
                        " FROM subject s JOIN program p ON p.id = s.program_id"
                        " WHERE p.code = :p AND s.is_active <> 0 ORDER BY s.code",
                        ":p", DB_TEXT, program, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *s = json_object_new ();
      JsonArray *prerequisites = json_array_new ();

      if (!tala_stmt_is_null (stmt, 8))
        {
          g_auto(GStrv) codes = g_strsplit (tala_stmt_text (stmt, 8), " ", -1);

          for (guint i = 0; codes[i] != NULL; i++)
            json_array_add_string_element (prerequisites, codes[i]);
        }
      json_object_set_int_member (s, "id", tala_stmt_int (stmt, 0));
      json_object_set_string_member (s, "code", tala_stmt_text (stmt, 1));
      json_object_set_string_member (s, "name", tala_stmt_text (stmt, 2));
      obj_set_str_or_null (s, "description", tala_stmt_text (stmt, 3));
      json_object_set_int_member (s, "units", tala_stmt_int (stmt, 4));
      json_object_set_string_member (s, "subject_type", tala_stmt_text (stmt, 5));
      if (tala_stmt_is_null (stmt, 6))
        json_object_set_null_member (s, "year_level");
      else
        json_object_set_int_member (s, "year_level", tala_stmt_int (stmt, 6));
      json_object_set_string_member (s, "program", tala_stmt_text (stmt, 7));
      json_object_set_array_member (s, "prerequisites", prerequisites);
      json_array_add_object_element (out, s);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_notifications:
 * @username: the user whose notifications are listed
 * @offset: rows to skip
 * @limit: at most this many rows (0 = no limit)
 * @count: (out): the number of the user's notifications in all
 *
 * The user's notifications, newest first: id, type, title, message,
 * related (nullable), created_at (RFC 3339), is_read and read_at
 * (nullable) from notification_read.  An unknown user has none.  Blocks
 * on SQLite.
 *
 * Returns: (transfer full): the notifications of the page, or %NULL with
 *   @error
 */
JsonArray *
tala_ledger_notifications (TalaLedger *self,
                           const char *username,
                           guint       offset,
                           guint       limit,
                           gint64     *count,
                           GError    **error)
{
  g_autoptr(TalaStmt) n = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  n = tala_db_query (self, error,
                     "SELECT count(*) FROM notification n JOIN user u ON u.id = n.user_id"
                     " WHERE u.username = :u", ":u", DB_TEXT, username, NULL);
  if ((*count = count_of (self, n, error)) < 0)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT n.id, n.type, n.title, n.message, n.related, n.created_at,"
                        " r.read_at FROM notification n JOIN user u ON u.id = n.user_id"
                        " LEFT JOIN notification_read r ON r.notification_id = n.id"
                        " WHERE u.username = :u ORDER BY n.created_at DESC, n.id DESC"
                        " LIMIT :lim OFFSET :off",
                        ":u", DB_TEXT, username, ":lim", DB_INT, page_limit (limit),
                        ":off", DB_INT, (gint64) offset, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();
      g_autofree char *created = tala_timestamp_format (tala_stmt_int (stmt, 5));

      json_object_set_int_member (o, "id", tala_stmt_int (stmt, 0));
      json_object_set_string_member (o, "notification_type", tala_stmt_text (stmt, 1));
      json_object_set_string_member (o, "title", tala_stmt_text (stmt, 2));
      json_object_set_string_member (o, "message", tala_stmt_text (stmt, 3));
      obj_set_str_or_null (o, "related", tala_stmt_text (stmt, 4));
      json_object_set_string_member (o, "created_at", created);
      json_object_set_boolean_member (o, "is_read", !tala_stmt_is_null (stmt, 6));
      if (tala_stmt_is_null (stmt, 6))
        json_object_set_null_member (o, "read_at");
      else
        {
          g_autofree char *read_at = tala_timestamp_format (tala_stmt_int (stmt, 6));

          json_object_set_string_member (o, "read_at", read_at);
        }
      json_array_add_object_element (out, o);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* The text of the first column of the first row, or %NULL with
 * TALA_LEDGER_ERROR_INVALID ("no @what") when there is none. */
static char *
lookup_text (TalaLedger *self,
             TalaStmt   *stmt,
             const char *what,
             gint64      id,
             GError    **error)
{
  int rc;

  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "no %s %" G_GINT64_FORMAT, what, id);
      return NULL;
    }
  return g_strdup (tala_stmt_text (stmt, 0));
}

/**
 * tala_ledger_subject_code:
 * @subject_id: the integer id of a subject (the original API's ids)
 *
 * The subject's code; %NULL with %TALA_LEDGER_ERROR_INVALID when there is
 * no such subject.  Blocks.
 *
 * Returns: (transfer full): the code
 */
char *
tala_ledger_subject_code (TalaLedger *self,
                          gint64      subject_id,
                          GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;

  stmt = tala_db_query (self, error, "SELECT code FROM subject WHERE id = :i",
                        ":i", DB_INT, subject_id, NULL);
  return lookup_text (self, stmt, "subject", subject_id, error);
}

/**
 * tala_ledger_section_code:
 * @semester: a semester code
 * @section_id: the integer id of a section
 *
 * The code of that section when it is a section of @semester; %NULL with
 * %TALA_LEDGER_ERROR_INVALID otherwise.  Blocks.
 *
 * Returns: (transfer full): the code
 */
char *
tala_ledger_section_code (TalaLedger *self,
                          const char *semester,
                          gint64      section_id,
                          GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;

  stmt = tala_db_query (self, error,
                        "SELECT c.code FROM section c JOIN semester se ON se.id = c.semester_id"
                        " WHERE c.id = :i AND se.code = :s",
                        ":i", DB_INT, section_id, ":s", DB_TEXT, semester, NULL);
  return lookup_text (self, stmt, "section", section_id, error);
}

/**
 * tala_ledger_take_uuid:
 * @student: a student number or provisional alias
 * @semester: a semester code
 * @take_id: the integer id of a take (the original API's subject
 *   enrollment ids)
 *
 * The take's UUID when it is a take of @student's enrollment in
 * @semester (any status); %NULL with %TALA_LEDGER_ERROR_INVALID otherwise.
 * Blocks.
 *
 * Returns: (transfer full): the UUID
 */
char *
tala_ledger_take_uuid (TalaLedger *self,
                       const char *student,
                       const char *semester,
                       gint64      take_id,
                       GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;

  stmt = tala_db_query (self, error,
                        "SELECT t.uuid FROM take t JOIN enrollment e ON e.id = t.enrollment_id"
                        " JOIN semester se ON se.id = e.semester_id"
                        " JOIN student st ON st.id = e.student_id"
                        " WHERE t.id = :t AND se.code = :s"
                        " AND (st.number = :n OR st.provisional_number = :n)",
                        ":t", DB_INT, take_id, ":s", DB_TEXT, semester, ":n", DB_TEXT, student,
                        NULL);
  return lookup_text (self, stmt, "take", take_id, error);
}

/**
 * tala_ledger_available_subjects:
 * @student: a student number or provisional alias
 * @semester: a semester code where @student is enrolled
 *
 * The subjects @student may look at enrolling in @semester (API S4), by
 * code: the active subjects of the student's program that have a section
 * in @semester, that the student does not take there already (a take not
 * DROPPED) and has not PASSED or been CREDITED in any semester.  Each has
 * id, code, name, units, subject_type, year_level (nullable), sections
 * (as tala_ledger_sections() gives them, with seats and conflicts) and
 * prerequisites: [{subject, status}], the status of the latest take of
 * each direct prerequisite that is not DROPPED, or NOT_TAKEN, and
 * prerequisites_met, judged by the same rule as subject.enroll (D-E1).
 * %NULL with %TALA_LEDGER_ERROR_INVALID when the student, the semester or
 * the enrollment is unknown.  Blocks on SQLite.
 *
 * Returns: (transfer full): the subjects
 */
JsonArray *
tala_ledger_available_subjects (TalaLedger *self,
                                const char *student,
                                const char *semester,
                                GError    **error)
{
  g_autoptr(TalaStmt) who = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  gint64 student_id, program_id, enrollment_id;
  int rc;

  who = tala_db_query (self, error,
                       "SELECT st.id, st.program_id, e.id FROM student st"
                       " JOIN enrollment e ON e.student_id = st.id"
                       " JOIN semester se ON se.id = e.semester_id"
                       " WHERE (st.number = :n OR st.provisional_number = :n) AND se.code = :s",
                       ":n", DB_TEXT, student, ":s", DB_TEXT, semester, NULL);
  if (who == NULL || (rc = tala_db_step (self, who, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "no enrollment of %s in %s", student, semester);
      return NULL;
    }
  student_id = tala_stmt_int (who, 0);
  program_id = tala_stmt_int (who, 1);
  enrollment_id = tala_stmt_int (who, 2);
  stmt = tala_db_query (self, error,
                        "SELECT s.id, s.code, s.name, s.units, s.subject_type, s.year_level"
                        " FROM subject s WHERE s.program_id = :p AND s.is_active <> 0"
                        " AND EXISTS (SELECT 1 FROM section c JOIN semester se"
                        "  ON se.id = c.semester_id WHERE c.subject_id = s.id AND se.code = :s)"
                        " AND NOT EXISTS (SELECT 1 FROM take t WHERE t.enrollment_id = :e"
                        "  AND t.subject_id = s.id AND t.status <> 'DROPPED')"
                        " AND NOT EXISTS (SELECT 1 FROM take t JOIN enrollment e"
                        "  ON e.id = t.enrollment_id WHERE e.student_id = :st"
                        "  AND t.subject_id = s.id AND t.status IN ('PASSED', 'CREDITED'))"
                        " ORDER BY s.code",
                        ":p", DB_INT, program_id, ":s", DB_TEXT, semester,
                        ":e", DB_INT, enrollment_id, ":st", DB_INT, student_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *s = json_object_new ();

      json_object_set_int_member (s, "id", tala_stmt_int (stmt, 0));
      json_object_set_string_member (s, "code", tala_stmt_text (stmt, 1));
      json_object_set_string_member (s, "name", tala_stmt_text (stmt, 2));
      json_object_set_int_member (s, "units", tala_stmt_int (stmt, 3));
      json_object_set_string_member (s, "subject_type", tala_stmt_text (stmt, 4));
      if (tala_stmt_is_null (stmt, 5))
        json_object_set_null_member (s, "year_level");
      else
        json_object_set_int_member (s, "year_level", tala_stmt_int (stmt, 5));
      json_array_add_object_element (out, s);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  g_clear_pointer (&stmt, tala_stmt_release);

  for (guint i = 0; i < json_array_get_length (out); i++)
    {
      JsonObject *s = json_array_get_object_element (out, i);
      g_autoptr(JsonObject) sections = NULL;
      g_autoptr(JsonArray) unmet = NULL;
      JsonArray *prerequisites;

      sections = tala_ledger_sections (self, student, semester,
                                       json_object_get_string_member (s, "code"), error);
      if (sections == NULL)
        return NULL;
      json_object_set_array_member (s, "sections", json_array_ref (
                                      json_object_get_array_member (sections, "sections")));
      prerequisites = json_array_new ();
      unmet = json_array_new ();
      json_object_set_array_member (s, "prerequisites", prerequisites);
      if (!_tala_prerequisites (self, student_id, json_object_get_int_member (s, "id"),
                                prerequisites, unmet, error))
        return NULL;
      json_object_set_boolean_member (s, "prerequisites_met", json_array_get_length (unmet) == 0);
    }
  return g_steal_pointer (&out);
}
