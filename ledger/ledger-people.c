/* ledger-people.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the REST API needs beside the account: the student search of the
 * cashier (C1), a student's profile (S1) and one payment as a receipt (C6).
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

/* Columns: s.id, number, username, email, first_name, last_name, phone,
 * program id, program code, program name, status, gpa, user id, provisional. */
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
                        "SELECT s.id, s.number, u.username, u.email, u.first_name, u.last_name,"
                        " u.phone_number, p.id, p.code, p.name, s.status, s.gpa, u.id,"
                        " s.provisional_number"
                        " FROM student s JOIN user u ON u.id = s.user_id"
                        " JOIN program p ON p.id = s.program_id"
                        " WHERE s.number LIKE :q ESCAPE '\\'"
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
                        "SELECT s.id, s.number, u.username, u.email, u.first_name, u.last_name,"
                        " u.phone_number, p.id, p.code, p.name, s.status, s.gpa, u.id,"
                        " s.provisional_number"
                        " FROM student s JOIN user u ON u.id = s.user_id"
                        " JOIN program p ON p.id = s.program_id"
                        " WHERE s.number = :n OR s.provisional_number = :n",
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
