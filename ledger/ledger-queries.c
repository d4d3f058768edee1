/* ledger-queries.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the ledger that the cashier screens, the API and the CLI share:
 * a student's account (buckets, balance, credit, permits, history) and a
 * summary of the whole ledger.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

static JsonObject *
enrollment_json (TalaLedger *self,
                 gint64      enrollment_id,
                 GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  JsonArray *buckets = json_array_new ();
  JsonArray *paid_months = json_array_new ();
  JsonArray *permits;
  gint64 due = 0, paid = 0;
  gboolean month1 = FALSE;
  int rc;

  json_object_set_array_member (out, "buckets", buckets);
  json_object_set_array_member (out, "months_paid", paid_months);
  stmt = tala_db_query (self, error,
                        "SELECT s.code, e.monthly_commitment, e.credit, e.total_units"
                        " FROM enrollment e JOIN semester s ON s.id = e.semester_id WHERE e.id = :e",
                        ":e", DB_INT, enrollment_id, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return NULL;
  json_object_set_string_member (out, "semester", tala_stmt_text (stmt, 0));
  obj_set_money (out, "monthly_commitment", tala_stmt_int (stmt, 1));
  obj_set_money (out, "credit", tala_stmt_int (stmt, 2));
  json_object_set_int_member (out, "total_units", tala_stmt_int (stmt, 3));
  g_clear_pointer (&stmt, tala_stmt_release);

  stmt = tala_db_query (self, error,
                        "SELECT month, due, due_date, paid_total, is_paid FROM bucket"
                        " WHERE enrollment_id = :e ORDER BY month", ":e", DB_INT, enrollment_id,
                        NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *b = json_object_new ();

      json_object_set_int_member (b, "month", tala_stmt_int (stmt, 0));
      obj_set_money (b, "due", tala_stmt_int (stmt, 1));
      json_object_set_string_member (b, "due_date", tala_stmt_text (stmt, 2));
      obj_set_money (b, "paid_total", tala_stmt_int (stmt, 3));
      obj_set_money (b, "remaining", tala_stmt_int (stmt, 1) - tala_stmt_int (stmt, 3));
      json_object_set_boolean_member (b, "is_paid", tala_stmt_int (stmt, 4));
      json_array_add_object_element (buckets, b);
      due += tala_stmt_int (stmt, 1);
      paid += tala_stmt_int (stmt, 3);
      if (tala_stmt_int (stmt, 4))
        json_array_add_int_element (paid_months, tala_stmt_int (stmt, 0));
      if (tala_stmt_int (stmt, 0) == 1)
        month1 = tala_stmt_int (stmt, 4);
    }
  if (rc < 0)
    return NULL;
  g_clear_pointer (&stmt, tala_stmt_release);
  obj_set_money (out, "total_due", due);
  obj_set_money (out, "total_paid", paid);
  obj_set_money (out, "balance", due - paid);
  json_object_set_boolean_member (out, "month1_paid", month1);

  permits = _tala_permits_json (self, enrollment_id, error);
  if (permits == NULL)
    return NULL;
  json_object_set_array_member (out, "permits", permits);
  return g_steal_pointer (&out);
}

static JsonArray *
history_json (TalaLedger *self,
              gint64      student_id,
              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT t.uuid, t.type, t.amount, t.method, t.reference_number,"
                        " t.receipt_no, t.business_date, t.applied_at, s.code, v.uuid, p.uuid,"
                        " t.reason, t.notes, t.actor"
                        " FROM txn t LEFT JOIN enrollment e ON e.id = t.enrollment_id"
                        " LEFT JOIN semester s ON s.id = e.semester_id"
                        " LEFT JOIN txn v ON v.id = t.voided_by"
                        " LEFT JOIN txn p ON p.id = t.payment_id"
                        " WHERE t.student_id = :s AND t.type <> 'CARRY' ORDER BY t.id DESC",
                        ":s", DB_INT, student_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *h = json_object_new ();
      g_autofree char *at = tala_timestamp_format (tala_stmt_int (stmt, 7));

      json_object_set_string_member (h, "id", tala_stmt_text (stmt, 0));
      json_object_set_string_member (h, "type", tala_stmt_text (stmt, 1));
      obj_set_money (h, "amount", tala_stmt_int (stmt, 2));
      obj_set_str (h, "method", tala_stmt_text (stmt, 3));
      obj_set_str (h, "reference_number", tala_stmt_text (stmt, 4));
      obj_set_str (h, "receipt_no", tala_stmt_text (stmt, 5));
      json_object_set_string_member (h, "date", tala_stmt_text (stmt, 6));
      json_object_set_string_member (h, "applied_at", at);
      obj_set_str (h, "semester", tala_stmt_text (stmt, 8));
      obj_set_str (h, "voided_by", tala_stmt_text (stmt, 9));
      obj_set_str (h, "payment", tala_stmt_text (stmt, 10));
      obj_set_str (h, "reason", tala_stmt_text (stmt, 11));
      obj_set_str (h, "notes", tala_stmt_text (stmt, 12));
      obj_set_str (h, "recorded_by", tala_stmt_text (stmt, 13));
      json_object_set_string_member (h, "status", tala_stmt_is_null (stmt, 9) ? "COMPLETED"
                                                                              : "VOIDED");
      json_array_add_object_element (out, h);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_account:
 * @student: a student number or provisional alias
 * @semester: (nullable): a semester code; %NULL for the active semester
 *
 * The student's account as the cashier sees it: the enrollment in
 * @semester (buckets, total due and paid, balance, months paid, month-1
 * check, credit, permits), the unassigned credit, and the history of
 * payments, voids and adjustments newest first.  %NULL with
 * %TALA_LEDGER_ERROR_INVALID for an unknown student.  Blocks on SQLite.
 */
JsonObject *
tala_ledger_account (TalaLedger *self,
                     const char *student,
                     const char *semester,
                     GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  gint64 student_id, semester_id = 0, enrollment_id = 0, unassigned = 0;
  gboolean found;
  JsonArray *history;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT s.id, s.number, u.first_name, u.last_name, p.code, s.status,"
                        " s.provisional_number FROM student s JOIN user u ON u.id = s.user_id"
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
  student_id = tala_stmt_int (stmt, 0);
  json_object_set_string_member (out, "student", tala_stmt_text (stmt, 1));
  json_object_set_string_member (out, "first_name", tala_stmt_text (stmt, 2));
  json_object_set_string_member (out, "last_name", tala_stmt_text (stmt, 3));
  json_object_set_string_member (out, "program", tala_stmt_text (stmt, 4));
  json_object_set_string_member (out, "status", tala_stmt_text (stmt, 5));
  obj_set_str (out, "provisional_number", tala_stmt_text (stmt, 6));
  g_clear_pointer (&stmt, tala_stmt_release);

  if (semester != NULL ? !tala_semester_find (self, semester, &semester_id, error)
                       : !tala_active_semester (self, &semester_id, error))
    return NULL;
  if (semester_id != 0 &&
      !tala_db_int (self, &enrollment_id, &found, error,
                    "SELECT id FROM enrollment WHERE student_id = :s AND semester_id = :m",
                    ":s", DB_INT, student_id, ":m", DB_INT, semester_id, NULL))
    return NULL;
  if (enrollment_id != 0)
    {
      JsonObject *e = enrollment_json (self, enrollment_id, error);

      if (e == NULL)
        return NULL;
      json_object_set_object_member (out, "enrollment", e);
    }
  if (!tala_db_int (self, &unassigned, NULL, error,
                    "SELECT net FROM student_account WHERE student_id = :s",
                    ":s", DB_INT, student_id, NULL))
    return NULL;
  obj_set_money (out, "unassigned_credit", unassigned);
  history = history_json (self, student_id, error);
  if (history == NULL)
    return NULL;
  json_object_set_array_member (out, "history", history);
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_summary:
 *
 * Counts and totals of the whole ledger, for `tala-hub summary` and the
 * demo: rows per entity, money received, voided and adjusted, balances
 * outstanding, permits by status, the journal head.
 */
JsonObject *
tala_ledger_summary (TalaLedger *self,
                     GError    **error)
{
  static const struct { const char *name; const char *sql; gboolean money; } rows[] = {
    { "users", "SELECT count(*) FROM user WHERE role <> 'STUDENT'", FALSE },
    { "students", "SELECT count(*) FROM student", FALSE },
    { "programs", "SELECT count(*) FROM program", FALSE },
    { "subjects", "SELECT count(*) FROM subject", FALSE },
    { "semesters", "SELECT count(*) FROM semester", FALSE },
    { "sections", "SELECT count(*) FROM section", FALSE },
    { "enrollments", "SELECT count(*) FROM enrollment", FALSE },
    { "takes", "SELECT count(*) FROM take WHERE status <> 'DROPPED'", FALSE },
    { "payments", "SELECT count(*) FROM txn WHERE type = 'PAYMENT'", FALSE },
    { "received", "SELECT coalesce(sum(amount), 0) FROM txn WHERE type = 'PAYMENT'", TRUE },
    { "voided", "SELECT coalesce(-sum(amount), 0) FROM txn WHERE type = 'VOID'", TRUE },
    { "adjusted", "SELECT coalesce(sum(amount), 0) FROM txn WHERE type = 'ADJUSTMENT'", TRUE },
    { "outstanding", "SELECT coalesce(sum(due - paid_total), 0) FROM bucket", TRUE },
    { "credit", "SELECT coalesce(sum(credit), 0) FROM enrollment", TRUE },
    { "unassigned_credit", "SELECT coalesce(sum(net), 0) FROM student_account", TRUE },
    { "permits_unlocked", "SELECT count(*) FROM permit WHERE status = 'UNLOCKED'", FALSE },
    { "permits_locked", "SELECT count(*) FROM permit WHERE status = 'LOCKED'", FALSE },
    { "ops_applied", "SELECT count(*) FROM applied_op WHERE status = 'applied'", FALSE },
    { "ops_rejected", "SELECT count(*) FROM applied_op WHERE status = 'rejected'", FALSE },
    { "hub_seq", "SELECT coalesce(max(hub_seq), 0) FROM journal", FALSE },
    { "audit_entries", "SELECT count(*) FROM audit", FALSE },
  };
  g_autoptr(JsonObject) out = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gint64 value;

      if (!tala_db_int (self, &value, NULL, error, rows[i].sql, NULL))
        return NULL;
      if (rows[i].money)
        obj_set_money (out, rows[i].name, value);
      else
        json_object_set_int_member (out, rows[i].name, value);
    }
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_exam_eligibility:
 * @student: a student number
 * @semester: a semester code
 * @period: PRELIM, MIDTERM, PREFINAL or FINAL
 * @date: the day of the exam, YYYY-MM-DD
 *
 * D-X4: a student may sit an exam when the period's permit is UNLOCKED and
 * its expiry is not before @date.  Returns {eligible, reason?, code?}; the
 * reason says in plain words what is missing.  %NULL with
 * %TALA_LEDGER_ERROR_INVALID for an unknown student, semester or period.
 */
JsonObject *
tala_ledger_exam_eligibility (TalaLedger *self,
                              const char *student,
                              const char *semester,
                              const char *period,
                              const char *date,
                              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  const char *reason = NULL;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT p.status, p.expires, p.code, p.month FROM permit p"
                        " JOIN enrollment e ON e.id = p.enrollment_id"
                        " JOIN student st ON st.id = e.student_id"
                        " JOIN semester s ON s.id = e.semester_id"
                        " WHERE (st.number = :n OR st.provisional_number = :n) AND s.code = :sem"
                        " AND p.period = :p",
                        ":n", DB_TEXT, student, ":sem", DB_TEXT, semester,
                        ":p", DB_TEXT, period, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "no %s permit for %s in %s", period, student, semester);
      return NULL;
    }
  if (strcmp (tala_stmt_text (stmt, 0), "UNLOCKED") != 0)
    reason = strcmp (tala_stmt_text (stmt, 0), "LOCKED") == 0
      ? "the permit is locked: its month is not fully paid" : "the permit has expired";
  else if (g_strcmp0 (tala_stmt_text (stmt, 1), date) < 0)
    reason = "the permit has expired";
  json_object_set_boolean_member (out, "eligible", reason == NULL);
  obj_set_str (out, "reason", reason);
  obj_set_str (out, "code", tala_stmt_text (stmt, 2));
  json_object_set_int_member (out, "month", tala_stmt_int (stmt, 3));
  return g_steal_pointer (&out);
}
