/* ledger-registrar.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the registrar's routes (students, enrollments, subjects, grades, LOA, promissory notes, transcript, payments, audit, INC list, unassigned payments, rosters).
 * They only read, each on the caller's connection, outside any transaction.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"
#include "tala-ledger-registrar.h"

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

/* The student's row id and number (not the alias) for a number or
 * provisional alias; FALSE with TALA_LEDGER_ERROR_INVALID when unknown. */
static gboolean
student_find (TalaLedger *self,
              const char *student,
              gint64     *student_id,
              char      **number,
              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT id, number FROM student WHERE number = :n"
                        " UNION ALL SELECT id, number FROM student WHERE provisional_number = :n"
                        " LIMIT 1",
                        ":n", DB_TEXT, student, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no student %s", student);
      return FALSE;
    }
  *student_id = tala_stmt_int (stmt, 0);
  if (number != NULL)
    *number = g_strdup (tala_stmt_text (stmt, 1));
  return TRUE;
}

/* The business date of @now_us (ops.md §1.8): its UTC date shifted by
 * config utc_offset, as YYYY-MM-DD. */
static gboolean
business_today (TalaLedger *self,
                gint64      now_us,
                char        out[11],
                GError    **error)
{
  g_autofree char *offset = tala_config_str (self, "utc_offset", error);
  gint64 shift, secs;
  int sign;

  if (offset == NULL)
    return FALSE;
  sign = offset[0] == '-' ? -1 : 1;
  shift = sign * ((offset[1] - '0') * 10 + (offset[2] - '0')) * 3600 +
          sign * ((offset[4] - '0') * 10 + (offset[5] - '0')) * 60;
  secs = now_us / G_USEC_PER_SEC + shift;
  tala_date_format (secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400), out);
  return TRUE;
}

/* ---- The student list and one student ------------------------------------ */

/* "%text%" for LIKE with its wildcards escaped; NULL for no filter. */
static char *
like_pattern (const char *query)
{
  GString *pattern;

  if (query == NULL || query[0] == '\0')
    return NULL;
  pattern = g_string_new ("%");
  for (const char *p = query; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

#define STUDENT_MATCH \
  " FROM student s JOIN user u ON u.id = s.user_id" \
  " WHERE :q IS NULL OR s.number LIKE :q ESCAPE '\\'" \
  " OR s.provisional_number LIKE :q ESCAPE '\\'" \
  " OR u.first_name LIKE :q ESCAPE '\\' OR u.last_name LIKE :q ESCAPE '\\'" \
  " OR (u.first_name || ' ' || u.last_name) LIKE :q ESCAPE '\\'" \
  " OR u.email LIKE :q ESCAPE '\\'"

/**
 * tala_ledger_registrar_students:
 * @query: (nullable): text to find, case-insensitively (ASCII), in the
 *   number, provisional alias, first name, last name, "first last" or
 *   e-mail; %NULL or "" lists every student
 * @offset: rows to skip
 * @limit: at most this many rows (0 = no limit)
 * @count: (out): the number of matching students in all
 *
 * The matching students by number, each as tala_ledger_student_profile()
 * gives it.  Blocks on SQLite.
 *
 * Returns: (transfer full): the profiles of the page, or %NULL with @error
 */
JsonArray *
tala_ledger_registrar_students (TalaLedger *self,
                                const char *query,
                                guint       offset,
                                guint       limit,
                                gint64     *count,
                                GError    **error)
{
  g_autoptr(TalaStmt) n = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) out = json_array_new ();
  g_autofree char *pattern = like_pattern (query);
  int rc;

  g_return_val_if_fail (self != NULL && count != NULL, NULL);

  n = tala_db_query (self, error, "SELECT count(*)" STUDENT_MATCH,
                     ":q", DB_TEXT, pattern, NULL);
  if ((*count = count_of (self, n, error)) < 0)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT s.number" STUDENT_MATCH
                        " ORDER BY s.number LIMIT :lim OFFSET :off",
                        ":q", DB_TEXT, pattern, ":lim", DB_INT, page_limit (limit),
                        ":off", DB_INT, (gint64) offset, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (numbers, g_strdup (tala_stmt_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return NULL;
  g_clear_pointer (&stmt, tala_stmt_release);
  for (guint i = 0; i < numbers->len; i++)
    {
      JsonObject *profile = tala_ledger_student_profile (self, numbers->pdata[i], error);

      if (profile == NULL)
        return NULL;
      json_array_add_object_element (out, profile);
    }
  return g_steal_pointer (&out);
}

/* The student's LOA periods, oldest first. */
static JsonArray *
leaves_json (TalaLedger *self,
             gint64      student_id,
             GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT uuid, start_date, end_date, reason FROM loa"
                        " WHERE student_id = :s ORDER BY start_date, id",
                        ":s", DB_INT, student_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *l = json_object_new ();

      json_object_set_string_member (l, "loa_id", tala_stmt_text (stmt, 0));
      json_object_set_string_member (l, "start_date", tala_stmt_text (stmt, 1));
      obj_set_str_or_null (l, "end_date", tala_stmt_text (stmt, 2));
      json_object_set_string_member (l, "reason", tala_stmt_text (stmt, 3));
      json_array_add_object_element (out, l);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* Adds the student row's members that the profile lacks. */
static gboolean
add_student_details (TalaLedger *self,
                     gint64      student_id,
                     JsonObject *out,
                     GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;

  stmt = tala_db_query (self, error,
                        "SELECT s.address, s.date_of_birth, s.is_transferee, s.enrollment_year,"
                        " s.via, coalesce ((SELECT a.net FROM student_account a"
                        "  WHERE a.student_id = s.id), 0)"
                        " FROM student s WHERE s.id = :s",
                        ":s", DB_INT, student_id, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  obj_set_str_or_null (out, "address", tala_stmt_text (stmt, 0));
  obj_set_str_or_null (out, "date_of_birth", tala_stmt_text (stmt, 1));
  json_object_set_boolean_member (out, "is_transferee", tala_stmt_int (stmt, 2) != 0);
  json_object_set_int_member (out, "enrollment_year", tala_stmt_int (stmt, 3));
  json_object_set_string_member (out, "via", tala_stmt_text (stmt, 4));
  obj_set_money (out, "unassigned_credit", tala_stmt_int (stmt, 5));
  return TRUE;
}

/**
 * tala_ledger_registrar_student:
 * @student: a student number or provisional alias
 * @now_us: the hub clock, for the effective status (LOA today or not)
 *
 * The student as the registrar sees it: the profile of
 * tala_ledger_student_profile() plus address, date_of_birth,
 * is_transferee, enrollment_year, via, unassigned_credit,
 * effective_status (ACTIVE, LOA, WITHDRAWN or GRADUATED on the business
 * date of @now_us), leaves [{loa_id, start_date, end_date, reason}]
 * oldest first, and enrollments as tala_ledger_student_enrollments()
 * lists them.  %NULL with %TALA_LEDGER_ERROR_INVALID for an unknown
 * student.  Blocks on SQLite.
 *
 * Returns: (transfer full): the student
 */
JsonObject *
tala_ledger_registrar_student (TalaLedger *self,
                               const char *student,
                               gint64      now_us,
                               GError    **error)
{
  g_autoptr(JsonObject) out = NULL;
  g_autofree char *number = NULL;
  JsonArray *leaves, *enrollments;
  gint64 student_id, count;
  char today[11], status[10];

  g_return_val_if_fail (self != NULL && student != NULL, NULL);

  if (!student_find (self, student, &student_id, &number, error))
    return NULL;
  out = tala_ledger_student_profile (self, number, error);
  if (out == NULL || !add_student_details (self, student_id, out, error) ||
      !business_today (self, now_us, today, error) ||
      !_tala_student_effective_status (self, student_id, today, status, error))
    return NULL;
  json_object_set_string_member (out, "effective_status", status);
  leaves = leaves_json (self, student_id, error);
  if (leaves == NULL)
    return NULL;
  json_object_set_array_member (out, "leaves", leaves);
  enrollments = tala_ledger_student_enrollments (self, number, 0, 0, &count, error);
  if (enrollments == NULL)
    return NULL;
  json_object_set_array_member (out, "enrollments", enrollments);
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_registrar_check_refs:
 * @student: (nullable): a student number or provisional alias
 * @semester: (nullable): a semester code
 * @subject: (nullable): a subject code
 * @unknown: (out): the rejection code of the first of them (in this
 *   order) that names nothing: unknown_student, unknown_semester or
 *   unknown_subject; %NULL when all are known
 *
 * Lets a route answer 404 for an id of its URL before it makes an op.
 * Blocks on SQLite.
 *
 * Returns: %FALSE only when the database failed
 */
gboolean
tala_ledger_registrar_check_refs (TalaLedger  *self,
                                  const char  *student,
                                  const char  *semester,
                                  const char  *subject,
                                  const char **unknown,
                                  GError     **error)
{
  g_autoptr(GError) local = NULL;
  gint64 id;

  g_return_val_if_fail (self != NULL && unknown != NULL, FALSE);

  *unknown = NULL;
  if (student != NULL && !student_find (self, student, &id, NULL, &local))
    {
      if (!g_error_matches (local, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      *unknown = "unknown_student";
      return TRUE;
    }
  if (semester != NULL && !tala_semester_find (self, semester, &id, error))
    return FALSE;
  if (semester != NULL && id == 0)
    {
      *unknown = "unknown_semester";
      return TRUE;
    }
  if (subject != NULL && !_tala_subject_find (self, subject, &id, error))
    return FALSE;
  if (subject != NULL && id == 0)
    *unknown = "unknown_subject";
  return TRUE;
}

/**
 * tala_ledger_registrar_loa_start:
 * @student: a student number or provisional alias
 * @loa: the id of one of the student's LOA periods (the op_id of the
 *   loa.record that made it)
 *
 * The period's start_date, which loa.record repeats when it closes the
 * period.  %NULL with %TALA_LEDGER_ERROR_INVALID when @loa is not a
 * period of @student.  Blocks on SQLite.
 *
 * Returns: (transfer full): YYYY-MM-DD
 */
char *
tala_ledger_registrar_loa_start (TalaLedger *self,
                                 const char *student,
                                 const char *loa,
                                 GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL && student != NULL && loa != NULL, NULL);

  stmt = tala_db_query (self, error,
                        "SELECT l.start_date FROM loa l JOIN student s ON s.id = l.student_id"
                        " WHERE l.uuid = :u AND (s.number = :n OR s.provisional_number = :n)",
                        ":u", DB_TEXT, loa, ":n", DB_TEXT, student, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "no leave of absence %s of %s", loa, student);
      return NULL;
    }
  return g_strdup (tala_stmt_text (stmt, 0));
}

/* ---- The student's audit entries ----------------------------------------- */

/* Audit entries about a student (:s its id, :n its number): the user,
 * targets "<number>/…" (enrollments, permits), and the entities that
 * belong to the student by id (promissory notes, takes, payments, LOA). */
#define STUDENT_AUDIT \
  " FROM audit a WHERE (a.target_model = 'User' AND a.target_id = :n)" \
  " OR (a.target_model IN ('Enrollment', 'ExamPermit')" \
  "  AND substr (a.target_id, 1, length (:n) + 1) = :n || '/')" \
  " OR (a.target_model = 'ExamPermit' AND a.target_id IN (SELECT pn.uuid" \
  "  FROM promissory_note pn JOIN enrollment e ON e.id = pn.enrollment_id" \
  "  WHERE e.student_id = :s))" \
  " OR (a.target_model = 'SubjectEnrollment' AND a.target_id IN (SELECT t.uuid FROM take t" \
  "  JOIN enrollment e ON e.id = t.enrollment_id WHERE e.student_id = :s))" \
  " OR (a.target_model = 'Payment' AND a.target_id IN (SELECT x.uuid FROM txn x" \
  "  WHERE x.student_id = :s AND x.type = 'PAYMENT'))" \
  " OR (a.target_model = 'LeaveOfAbsence' AND a.target_id IN (SELECT l.uuid FROM loa l" \
  "  WHERE l.student_id = :s))"

static JsonNode *
parse_or_empty (const char *json)
{
  JsonNode *node = json_from_string (json, NULL);

  if (node == NULL)
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
    }
  return node;
}

/* Columns: id, hub_seq, op_id, action, actor, target_model, target_id,
 * before_json, after_json, at. */
static JsonObject *
audit_json (TalaStmt *stmt)
{
  JsonObject *e = json_object_new ();
  g_autofree char *at = tala_timestamp_format (tala_stmt_int (stmt, 9));

  json_object_set_int_member (e, "id", tala_stmt_int (stmt, 0));
  if (tala_stmt_is_null (stmt, 1))
    json_object_set_null_member (e, "hub_seq");
  else
    json_object_set_int_member (e, "hub_seq", tala_stmt_int (stmt, 1));
  obj_set_str (e, "op_id", tala_stmt_text (stmt, 2));
  json_object_set_string_member (e, "action", tala_stmt_text (stmt, 3));
  obj_set_str_or_null (e, "actor", tala_stmt_text (stmt, 4));
  json_object_set_string_member (e, "target_model", tala_stmt_text (stmt, 5));
  json_object_set_string_member (e, "target_id", tala_stmt_text (stmt, 6));
  json_object_set_member (e, "before", parse_or_empty (tala_stmt_text (stmt, 7)));
  json_object_set_member (e, "after", parse_or_empty (tala_stmt_text (stmt, 8)));
  json_object_set_string_member (e, "at", at);
  return e;
}

/**
 * tala_ledger_registrar_audit:
 * @student: a student number or provisional alias
 * @offset: rows to skip
 * @limit: at most this many rows (0 = no limit)
 * @count: (out): the number of the student's entries in all
 *
 * The audit entries about @student, newest first: its user (created,
 * updated), its enrollments and permits, promissory notes, takes (enrolled,
 * dropped, grades, overrides, INC expiry), payments (recorded, voided,
 * adjusted) and LOA periods.  Each is {id, hub_seq, op_id, action, actor
 * (null = SYSTEM), target_model, target_id, before, after, at}.  %NULL
 * with %TALA_LEDGER_ERROR_INVALID for an unknown student.  Blocks on SQLite.
 *
 * Returns: (transfer full): the entries of the page
 */
JsonArray *
tala_ledger_registrar_audit (TalaLedger *self,
                             const char *student,
                             guint       offset,
                             guint       limit,
                             gint64     *count,
                             GError    **error)
{
  g_autoptr(TalaStmt) n = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  g_autofree char *number = NULL;
  gint64 student_id;
  int rc;

  g_return_val_if_fail (self != NULL && student != NULL && count != NULL, NULL);

  if (!student_find (self, student, &student_id, &number, error))
    return NULL;
  n = tala_db_query (self, error, "SELECT count(*)" STUDENT_AUDIT,
                     ":n", DB_TEXT, number, ":s", DB_INT, student_id, NULL);
  if ((*count = count_of (self, n, error)) < 0)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT a.id, a.hub_seq, a.op_id, a.action, a.actor, a.target_model,"
                        " a.target_id, a.before_json, a.after_json, a.at" STUDENT_AUDIT
                        " ORDER BY a.id DESC LIMIT :lim OFFSET :off",
                        ":n", DB_TEXT, number, ":s", DB_INT, student_id,
                        ":lim", DB_INT, page_limit (limit), ":off", DB_INT, (gint64) offset,
                        NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    json_array_add_object_element (out, audit_json (stmt));
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* ---- INC grades ---------------------------------------------------------- */

static int
inc_compare (gconstpointer a,
             gconstpointer b)
{
  JsonObject *x = *(JsonObject **) a, *y = *(JsonObject **) b;
  gint64 dx = json_object_get_int_member (x, "days_left");
  gint64 dy = json_object_get_int_member (y, "days_left");
  static const char *const keys[] = { "student", "semester", "subject" };

  if (dx != dy)
    return dx < dy ? -1 : 1;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      int c = g_strcmp0 (json_object_get_string_member (x, keys[i]),
                         json_object_get_string_member (y, keys[i]));

      if (c != 0)
        return c;
    }
  return 0;
}

/* Columns: student id, number, first, last, semester, subject, type,
 * section, take uuid, inc_start, inc_warned. */
static JsonObject *
inc_json (TalaStmt *stmt,
          gint64    clock_days,
          gint64    expiry_days)
{
  JsonObject *e = json_object_new ();
  g_autofree char *name = g_strdup_printf ("%s %s", tala_stmt_text (stmt, 2),
                                           tala_stmt_text (stmt, 3));

  json_object_set_string_member (e, "student", tala_stmt_text (stmt, 1));
  json_object_set_string_member (e, "student_name", name);
  json_object_set_string_member (e, "semester", tala_stmt_text (stmt, 4));
  json_object_set_string_member (e, "subject", tala_stmt_text (stmt, 5));
  json_object_set_string_member (e, "subject_type", tala_stmt_text (stmt, 6));
  obj_set_str (e, "section", tala_stmt_text (stmt, 7));
  json_object_set_string_member (e, "subject_enrollment_id", tala_stmt_text (stmt, 8));
  json_object_set_string_member (e, "inc_start", tala_stmt_text (stmt, 9));
  json_object_set_int_member (e, "clock_days", clock_days);
  json_object_set_int_member (e, "expiry_days", expiry_days);
  json_object_set_int_member (e, "days_left", expiry_days - clock_days);
  json_object_set_boolean_member (e, "expired", clock_days >= expiry_days);
  json_object_set_boolean_member (e, "warned", tala_stmt_int (stmt, 10) != 0);
  return e;
}

/**
 * tala_ledger_registrar_inc:
 * @now_us: the hub clock; its business date is "today" of the INC clock
 * @within_days: list only the takes with at most this many days left
 *   (expired ones have 0 or fewer); negative lists all
 *
 * The FINALIZED INC takes whose clock runs (D-G4, BR §7), fewest days left
 * first, then by student, semester and subject.  Each has student,
 * student_name, semester, subject, subject_type, section?,
 * subject_enrollment_id, inc_start, clock_days (LOA days excluded),
 * expiry_days (inc_expiry_major_days for MAJOR, inc_expiry_minor_days
 * otherwise), days_left, expired (awaiting the inc-expiry job) and warned.
 * Blocks on SQLite.
 *
 * Returns: (transfer full): the takes, or %NULL with @error
 */
JsonArray *
tala_ledger_registrar_inc (TalaLedger *self,
                           gint64      now_us,
                           gint64      within_days,
                           GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JsonArray) out = json_array_new ();
  gint64 major, minor;
  char today[11];
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!business_today (self, now_us, today, error) ||
      !tala_config_int (self, "inc_expiry_major_days", &major, error) ||
      !tala_config_int (self, "inc_expiry_minor_days", &minor, error))
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT st.id, st.number, u.first_name, u.last_name, m.code, sub.code,"
                        " sub.subject_type, x.code, t.uuid, t.inc_start, t.inc_warned FROM take t"
                        " JOIN enrollment e ON e.id = t.enrollment_id"
                        " JOIN semester m ON m.id = e.semester_id"
                        " JOIN student st ON st.id = e.student_id"
                        " JOIN user u ON u.id = st.user_id"
                        " JOIN subject sub ON sub.id = t.subject_id"
                        " LEFT JOIN section x ON x.id = t.section_id"
                        " WHERE t.status = 'INC' AND t.grade_status = 'FINALIZED'"
                        " AND t.inc_start IS NOT NULL",
                        NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 clock_days;
      gint64 expiry = strcmp (tala_stmt_text (stmt, 6), "MAJOR") == 0 ? major : minor;

      if (!_tala_inc_clock (self, tala_stmt_int (stmt, 0), tala_stmt_text (stmt, 9), today,
                            &clock_days, error))
        return NULL;
      if (within_days < 0 || expiry - clock_days <= within_days)
        g_ptr_array_add (rows, inc_json (stmt, clock_days, expiry));
    }
  if (rc != SQLITE_DONE)
    return NULL;
  g_ptr_array_sort (rows, inc_compare);
  for (guint i = 0; i < rows->len; i++)
    json_array_add_object_element (out, json_object_ref (rows->pdata[i]));
  return g_steal_pointer (&out);
}

/* ---- Unassigned payments ------------------------------------------------- */

/**
 * tala_ledger_registrar_unassigned_payments:
 * @offset: rows to skip
 * @limit: at most this many rows (0 = no limit)
 * @count: (out): the number of such payments in all
 *
 * The payments recorded on a student's unassigned account (D-P4: no
 * enrollment in the semester, so the registrar should look), newest
 * first: payment_id, receipt_no?, student, student_name, amount, method,
 * reference_number?, date (business date), applied_at, recorded_by?,
 * status (COMPLETED or VOIDED), voided_by?, and unassigned_credit, the
 * student's unassigned credit now (0.00 once enrollment.create carried it
 * into an enrollment).  Blocks on SQLite.
 *
 * Returns: (transfer full): the payments of the page, or %NULL with @error
 */
JsonArray *
tala_ledger_registrar_unassigned_payments (TalaLedger *self,
                                           guint       offset,
                                           guint       limit,
                                           gint64     *count,
                                           GError    **error)
{
  g_autoptr(TalaStmt) n = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  g_return_val_if_fail (self != NULL && count != NULL, NULL);

  n = tala_db_query (self, error,
                     "SELECT count(*) FROM txn WHERE type = 'PAYMENT' AND enrollment_id IS NULL",
                     NULL);
  if ((*count = count_of (self, n, error)) < 0)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT t.uuid, t.receipt_no, st.number, u.first_name, u.last_name,"
                        " t.amount, t.method, t.reference_number, t.business_date, t.applied_at,"
                        " t.actor, v.uuid, coalesce (a.net, 0)"
                        " FROM txn t JOIN student st ON st.id = t.student_id"
                        " JOIN user u ON u.id = st.user_id"
                        " LEFT JOIN txn v ON v.id = t.voided_by"
                        " LEFT JOIN student_account a ON a.student_id = st.id"
                        " WHERE t.type = 'PAYMENT' AND t.enrollment_id IS NULL"
                        " ORDER BY t.id DESC LIMIT :lim OFFSET :off",
                        ":lim", DB_INT, page_limit (limit), ":off", DB_INT, (gint64) offset,
                        NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *p = json_object_new ();
      g_autofree char *name = g_strdup_printf ("%s %s", tala_stmt_text (stmt, 3),
                                               tala_stmt_text (stmt, 4));
      g_autofree char *at = tala_timestamp_format (tala_stmt_int (stmt, 9));

      json_object_set_string_member (p, "payment_id", tala_stmt_text (stmt, 0));
      obj_set_str (p, "receipt_no", tala_stmt_text (stmt, 1));
      json_object_set_string_member (p, "student", tala_stmt_text (stmt, 2));
      json_object_set_string_member (p, "student_name", name);
      obj_set_money (p, "amount", tala_stmt_int (stmt, 5));
      obj_set_str (p, "method", tala_stmt_text (stmt, 6));
      obj_set_str (p, "reference_number", tala_stmt_text (stmt, 7));
      json_object_set_string_member (p, "date", tala_stmt_text (stmt, 8));
      json_object_set_string_member (p, "applied_at", at);
      obj_set_str (p, "recorded_by", tala_stmt_text (stmt, 10));
      json_object_set_string_member (p, "status", tala_stmt_is_null (stmt, 11) ? "COMPLETED"
                                                                               : "VOIDED");
      obj_set_str (p, "voided_by", tala_stmt_text (stmt, 11));
      obj_set_money (p, "unassigned_credit", tala_stmt_int (stmt, 12));
      json_array_add_object_element (out, p);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* ---- A section's roster -------------------------------------------------- */

static JsonArray *
roster_students (TalaLedger *self,
                 gint64      section_id,
                 GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT st.number, u.first_name, u.last_name, p.code,"
                        " t.uuid, t.units, t.status, t.grade_status, t.grade, t.is_retake"
                        " FROM take t JOIN enrollment e ON e.id = t.enrollment_id"
                        " JOIN student st ON st.id = e.student_id"
                        " JOIN user u ON u.id = st.user_id"
                        " JOIN program p ON p.id = st.program_id"
                        " WHERE t.section_id = :x AND t.status <> 'DROPPED'"
                        " ORDER BY u.last_name, u.first_name, st.number",
                        ":x", DB_INT, section_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *s = json_object_new ();

      json_object_set_string_member (s, "student", tala_stmt_text (stmt, 0));
      json_object_set_string_member (s, "first_name", tala_stmt_text (stmt, 1));
      json_object_set_string_member (s, "last_name", tala_stmt_text (stmt, 2));
      json_object_set_string_member (s, "program", tala_stmt_text (stmt, 3));
      json_object_set_string_member (s, "subject_enrollment_id", tala_stmt_text (stmt, 4));
      json_object_set_int_member (s, "units", tala_stmt_int (stmt, 5));
      json_object_set_string_member (s, "status", tala_stmt_text (stmt, 6));
      json_object_set_string_member (s, "grade_status", tala_stmt_text (stmt, 7));
      obj_set_str_or_null (s, "grade", tala_stmt_text (stmt, 8));
      json_object_set_boolean_member (s, "is_retake", tala_stmt_int (stmt, 9) != 0);
      json_array_add_object_element (out, s);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_registrar_roster:
 * @semester: a semester code
 * @section: a section code of that semester
 *
 * The section's class list: semester, section, subject, subject_name,
 * professor (username or null), capacity, taken (takes not DROPPED) and
 * students [{student, first_name, last_name, program,
 * subject_enrollment_id, units, status, grade_status, grade, is_retake}]
 * by last name, first name and number.  %NULL with
 * %TALA_LEDGER_ERROR_INVALID when there is no such section.  Blocks.
 *
 * Returns: (transfer full): the roster
 */
JsonObject *
tala_ledger_registrar_roster (TalaLedger *self,
                              const char *semester,
                              const char *section,
                              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  JsonArray *students;
  gint64 section_id;
  int rc;

  g_return_val_if_fail (self != NULL && semester != NULL && section != NULL, NULL);

  stmt = tala_db_query (self, error,
                        "SELECT x.id, sub.code, sub.name, u.username, x.capacity"
                        " FROM section x JOIN semester m ON m.id = x.semester_id"
                        " JOIN subject sub ON sub.id = x.subject_id"
                        " LEFT JOIN user u ON u.id = x.professor_id"
                        " WHERE m.code = :m AND x.code = :c",
                        ":m", DB_TEXT, semester, ":c", DB_TEXT, section, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "no section %s in %s", section, semester);
      return NULL;
    }
  section_id = tala_stmt_int (stmt, 0);
  json_object_set_string_member (out, "semester", semester);
  json_object_set_string_member (out, "section", section);
  json_object_set_string_member (out, "subject", tala_stmt_text (stmt, 1));
  json_object_set_string_member (out, "subject_name", tala_stmt_text (stmt, 2));
  obj_set_str_or_null (out, "professor", tala_stmt_text (stmt, 3));
  json_object_set_int_member (out, "capacity", tala_stmt_int (stmt, 4));
  g_clear_pointer (&stmt, tala_stmt_release);
  students = roster_students (self, section_id, error);
  if (students == NULL)
    return NULL;
  json_object_set_int_member (out, "taken", json_array_get_length (students));
  json_object_set_array_member (out, "students", students);
  return g_steal_pointer (&out);
}

/* ---- A semester's sections ----------------------------------------------- */

/**
 * tala_ledger_registrar_semester_sections:
 * @semester: a semester code
 *
 * Every section of @semester by code, as tala_ledger_staff_section()
 * gives it (semester, code, subject, capacity, room?, schedule_notes?,
 * slots [{day, start, end, room?}]) plus professor (username or null),
 * subject_name, units and taken (takes not DROPPED).  %NULL with
 * %TALA_LEDGER_ERROR_INVALID for an unknown semester.  Blocks on SQLite.
 *
 * Returns: (transfer full): the sections
 */
JsonArray *
tala_ledger_registrar_semester_sections (TalaLedger *self,
                                         const char *semester,
                                         GError    **error)
{
  gint64 semester_id, count;

  g_return_val_if_fail (self != NULL && semester != NULL, NULL);

  if (!tala_semester_find (self, semester, &semester_id, error))
    return NULL;
  if (semester_id == 0)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "no semester %s", semester);
      return NULL;
    }
  return _tala_section_list (self, semester, NULL, TRUE, 0, -1, &count, error);
}

/* ---- Promissory notes ---------------------------------------------------- */

/**
 * tala_ledger_registrar_promissory_notes:
 * @student: a student number or provisional alias
 * @now_us: the hub clock; its business date tells an overdue note
 *
 * The student's promissory notes (D-X3), newest semester first, then
 * newest note first: note_id, semester, period, month (the month whose
 * payment the permit waits for), promised_date, reason, granted_by
 * (username or null), permit_status and permit_code (or null) of the
 * period's permit now, due and balance of that month, and status: PAID
 * (the month is paid: the promise was kept), OVERDUE (unpaid after the
 * promised date) or OPEN.  %NULL with %TALA_LEDGER_ERROR_INVALID for an
 * unknown student.  Blocks on SQLite.
 *
 * Returns: (transfer full): the notes
 */
JsonArray *
tala_ledger_registrar_promissory_notes (TalaLedger *self,
                                        const char *student,
                                        gint64      now_us,
                                        GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  gint64 student_id;
  char today[11];
  int rc;

  g_return_val_if_fail (self != NULL && student != NULL, NULL);

  if (!student_find (self, student, &student_id, NULL, error) ||
      !business_today (self, now_us, today, error))
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT pn.uuid, m.code, pn.period, p.month, pn.promised_date, pn.reason,"
                        " pn.actor, p.status, p.code, coalesce (b.due, 0),"
                        " coalesce (b.due - b.paid_total, 0), coalesce (b.is_paid, 0)"
                        " FROM promissory_note pn JOIN enrollment e ON e.id = pn.enrollment_id"
                        " JOIN semester m ON m.id = e.semester_id"
                        " JOIN permit p ON p.enrollment_id = pn.enrollment_id"
                        "  AND p.period = pn.period"
                        " LEFT JOIN bucket b ON b.enrollment_id = p.enrollment_id"
                        "  AND b.month = p.month"
                        " WHERE e.student_id = :s ORDER BY m.start_date DESC, pn.id DESC",
                        ":s", DB_INT, student_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *n = json_object_new ();
      const char *promised = tala_stmt_text (stmt, 4);
      const char *status = tala_stmt_int (stmt, 11) != 0 ? "PAID"
                           : strcmp (promised, today) < 0 ? "OVERDUE" : "OPEN";

      json_object_set_string_member (n, "note_id", tala_stmt_text (stmt, 0));
      json_object_set_string_member (n, "semester", tala_stmt_text (stmt, 1));
      json_object_set_string_member (n, "period", tala_stmt_text (stmt, 2));
      json_object_set_int_member (n, "month", tala_stmt_int (stmt, 3));
      json_object_set_string_member (n, "promised_date", promised);
      json_object_set_string_member (n, "reason", tala_stmt_text (stmt, 5));
      obj_set_str_or_null (n, "granted_by", tala_stmt_text (stmt, 6));
      json_object_set_string_member (n, "permit_status", tala_stmt_text (stmt, 7));
      obj_set_str_or_null (n, "permit_code", tala_stmt_text (stmt, 8));
      obj_set_money (n, "due", tala_stmt_int (stmt, 9));
      obj_set_money (n, "balance", tala_stmt_int (stmt, 10));
      json_object_set_string_member (n, "status", status);
      json_array_add_object_element (out, n);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* ---- The active semester ------------------------------------------------- */

/**
 * tala_ledger_registrar_active_semester:
 * @code: (out) (transfer full) (nullable): the code of the semester marked
 *   is_active, or %NULL when none is
 *
 * Blocks on SQLite.
 *
 * Returns: %FALSE only when the database failed
 */
gboolean
tala_ledger_registrar_active_semester (TalaLedger *self,
                                       char      **code,
                                       GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL && code != NULL, FALSE);

  *code = NULL;
  stmt = tala_db_query (self, error, "SELECT code FROM semester WHERE is_active LIMIT 1", NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    *code = g_strdup (tala_stmt_text (stmt, 0));
  return TRUE;
}
