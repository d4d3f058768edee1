/* ledger-permits.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exam permits (D-X1…D-X3): codes, unlocking when a mapped month is paid,
 * and promissory notes.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-accounts-private.h"

/* ---- Permits ------------------------------------------------------------- */

static gboolean
next_permit_code (TalaCtx *ctx,
                  char   **code,
                  char    *date,
                  gint64  *seq,
                  GError **error)
{
  for (int i = 0, j = 0; ctx->today[i]; i++)
    if (ctx->today[i] != '-')
      date[j++] = ctx->today[i], date[j] = '\0';
  if (!tala_db_int (ctx->ledger, seq, NULL, error,
                    "SELECT coalesce(max(code_seq), 0) + 1 FROM permit WHERE code_date = :d",
                    ":d", DB_TEXT, date, NULL))
    return FALSE;
  *code = g_strdup_printf ("EXP-%s-%05" G_GINT64_FORMAT, date, *seq);
  return TRUE;
}

/* Unlocks one LOCKED permit: a code for today, expiry = semester end. */
gboolean
_tala_permit_unlock (TalaCtx     *ctx,
               gint64       enrollment_id,
               const char  *period,
               const char  *via,
               JsonArray   *unlocked,
               GError     **error)
{
  g_autofree char *code = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *semester = NULL;
  g_autofree char *number = NULL;
  JsonObject *entry, *after;
  char date[9];
  gint64 seq, student_id, user_id;
  int rc;

  if (!next_permit_code (ctx, &code, date, &seq, error))
    return FALSE;
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT s.end_date, s.code, e.student_id, st.user_id FROM enrollment e"
                        " JOIN semester s ON s.id = e.semester_id"
                        " JOIN student st ON st.id = e.student_id WHERE e.id = :e",
                        ":e", DB_INT, enrollment_id, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) != SQLITE_ROW)
    return FALSE;
  expires = g_strdup (tala_stmt_text (stmt, 0));
  semester = g_strdup (tala_stmt_text (stmt, 1));
  student_id = tala_stmt_int (stmt, 2);
  user_id = tala_stmt_int (stmt, 3);
  g_clear_pointer (&stmt, tala_stmt_release);

  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE permit SET status = 'UNLOCKED', code = :code, code_date = :d,"
                     " code_seq = :n, unlocked_at = :at, unlocked_by = :via, expires = :exp,"
                     " hub_seq = :seq WHERE enrollment_id = :e AND period = :p",
                     ":code", DB_TEXT, code, ":d", DB_TEXT, date, ":n", DB_INT, seq,
                     ":at", DB_INT, ctx->applied_at, ":via", DB_TEXT, via,
                     ":exp", DB_TEXT, expires, ":seq", DB_INT, ctx->hub_seq,
                     ":e", DB_INT, enrollment_id, ":p", DB_TEXT, period, NULL))
    return FALSE;

  if (unlocked != NULL)
    {
      entry = json_object_new ();
      json_object_set_string_member (entry, "period", period);
      json_object_set_string_member (entry, "code", code);
      json_object_set_string_member (entry, "expires", expires);
      json_array_add_object_element (unlocked, entry);
    }

  number = tala_student_number (ctx->ledger, student_id, error);
  if (number == NULL)
    return FALSE;
  after = json_object_new ();
  json_object_set_string_member (after, "status", "UNLOCKED");
  json_object_set_string_member (after, "period", period);
  json_object_set_string_member (after, "code", code);
  json_object_set_string_member (after, "expires", expires);
  json_object_set_string_member (after, "student", number);
  json_object_set_string_member (after, "semester", semester);
  json_object_set_string_member (after, "via", via);
  {
    g_autofree char *target = g_strdup_printf ("%s/%s/%s", number, semester, period);
    g_autofree char *message = g_strdup_printf ("Your %s exam permit for %s is available: %s",
                                                period, semester, code);
    JsonObject *before = json_object_new ();

    json_object_set_string_member (before, "status", "LOCKED");
    if (!tala_audit (ctx, "PERMIT_UNLOCKED", "ExamPermit", target, before, after, error))
      return FALSE;
    return tala_notify (ctx, user_id, "PERMIT", "Exam permit available", message, code, error);
  }
}

/* Did a move fill some month?  Only then can a payment unlock a permit
 * (mapping changes unlock their own, and the sweep catches the rest). */
gboolean
_tala_entries_filled_a_month (JsonArray *entries)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (entries, i), "is_paid"))
      return TRUE;
  return FALSE;
}

/* Unlocks every LOCKED permit of @enrollment_id whose mapped month is paid,
 * PRELIM to FINAL (D-X2). */
gboolean
_tala_permits_unlock_paid (TalaCtx    *ctx,
                           gint64      enrollment_id,
                           const char *via,
                           JsonArray  *unlocked,
                           GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT p.period FROM permit p"
                        " JOIN bucket b ON b.enrollment_id = p.enrollment_id AND b.month = p.month"
                        " WHERE p.enrollment_id = :e AND p.status = 'LOCKED' AND b.is_paid"
                        " ORDER BY CASE p.period WHEN 'PRELIM' THEN 1 WHEN 'MIDTERM' THEN 2"
                        " WHEN 'PREFINAL' THEN 3 ELSE 4 END",
                        ":e", DB_INT, enrollment_id, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (due, g_strdup (tala_stmt_text (stmt, 0)));
  if (rc < 0)
    return FALSE;
  g_clear_pointer (&stmt, tala_stmt_release);
  for (guint i = 0; i < due->len; i++)
    if (!_tala_permit_unlock (ctx, enrollment_id, g_ptr_array_index (due, i), via, unlocked, error))
      return FALSE;
  return TRUE;
}

/* ---- permit.promissory --------------------------------------------------- */

const TalaArgSpec _tala_args_permit_promissory[] = {
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, TRUE },
  { "period", ARG_ENUM, TRUE, .choices = _tala_periods },
  { "promised_date", ARG_DATE, TRUE },
  { "reason", ARG_REASON, TRUE },
  { NULL }
};

gboolean
_tala_kind_permit_promissory (TalaCtx *ctx,
                              GError **error)
{
  TalaLedger *self = ctx->ledger;
  const char *semester = arg_str (ctx, "semester");
  const char *period = arg_str (ctx, "period");
  const char *promised = arg_str (ctx, "promised_date");
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) unlocked = json_array_new ();
  g_autofree char *number = NULL;
  g_autofree char *end_date = NULL;
  gint64 student_id, semester_id, enrollment_id, promised_days, today_days;
  gboolean found;
  JsonObject *entry, *after;
  int rc;

  tala_date_parse (promised, &promised_days);
  tala_date_parse (ctx->today, &today_days);
  if (promised_days < today_days)
    return tala_reject (ctx, error, "invalid_args", details_field ("promised_date"),
                        "promised_date %s is before today (%s)", promised, ctx->today);
  if (!tala_student_resolve (ctx, arg_str (ctx, "student"), &student_id, error) ||
      !tala_semester_find (self, semester, &semester_id, error))
    return FALSE;
  if (semester_id == 0)
    return tala_reject (ctx, error, "unknown_semester", NULL,
                        "no semester %s", semester);
  number = tala_student_number (self, student_id, error);
  if (number == NULL ||
      !tala_db_int (self, &enrollment_id, &found, error,
                    "SELECT id FROM enrollment WHERE student_id = :s AND semester_id = :m",
                    ":s", DB_INT, student_id, ":m", DB_INT, semester_id, NULL))
    return FALSE;
  if (!found)
    return tala_reject (ctx, error, "no_enrollment", NULL, "student %s is not enrolled in %s",
                        number, semester);
  stmt = tala_db_query (self, error,
                        "SELECT s.end_date, p.status FROM permit p"
                        " JOIN enrollment e ON e.id = p.enrollment_id"
                        " JOIN semester s ON s.id = e.semester_id"
                        " WHERE p.enrollment_id = :e AND p.period = :p",
                        ":e", DB_INT, enrollment_id, ":p", DB_TEXT, period, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) != SQLITE_ROW)
    return FALSE;
  end_date = g_strdup (tala_stmt_text (stmt, 0));
  if (strcmp (end_date, ctx->today) < 0)
    return tala_reject (ctx, error, "semester_ended", NULL, "%s ended on %s", semester,
                        end_date);
  if (strcmp (tala_stmt_text (stmt, 1), "LOCKED") != 0)
    return tala_reject (ctx, error, "permit_already_unlocked", NULL,
                        "the %s permit of %s in %s is already %s", period, number, semester,
                        tala_stmt_text (stmt, 1));
  g_clear_pointer (&stmt, tala_stmt_release);

  if (!_tala_permit_unlock (ctx, enrollment_id, period, "PROMISSORY", unlocked, error) ||
      !tala_db_exec (self, error,
                     "INSERT INTO promissory_note (uuid, enrollment_id, period, promised_date,"
                     " reason, actor, hub_seq) VALUES (:u, :e, :p, :d, :r, :a, :seq)",
                     ":u", DB_TEXT, ctx->op_id, ":e", DB_INT, enrollment_id,
                     ":p", DB_TEXT, period, ":d", DB_TEXT, promised,
                     ":r", DB_TEXT, arg_str (ctx, "reason"), ":a", DB_TEXT, ctx->actor,
                     ":seq", DB_INT, ctx->hub_seq, NULL))
    return FALSE;

  entry = json_array_get_object_element (unlocked, 0);
  json_object_set_string_member (ctx->result, "note_id", ctx->op_id);
  json_object_set_string_member (ctx->result, "student", number);
  json_object_set_string_member (ctx->result, "semester", semester);
  json_object_set_string_member (ctx->result, "period", period);
  json_object_set_string_member (ctx->result, "code", json_object_get_string_member (entry, "code"));
  json_object_set_string_member (ctx->result, "expires", end_date);
  json_object_set_string_member (ctx->result, "promised_date", promised);

  after = json_object_new ();
  json_object_set_string_member (after, "period", period);
  json_object_set_string_member (after, "code", json_object_get_string_member (entry, "code"));
  json_object_set_string_member (after, "promised_date", promised);
  json_object_set_string_member (after, "reason", arg_str (ctx, "reason"));
  return tala_audit (ctx, "PROMISSORY_GRANTED", "ExamPermit", ctx->op_id, NULL, after, error);
}
