/* ledger-leave.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Leaves of absence and student records (ops.md §2.1; D-G4, D-G5): LOA
 * periods [start, end) with the overlap rule, the effective student status
 * (LOA while a period holds the business date), the INC clock that LOA
 * periods pause, and student.update.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

/* ---- Effective status and the INC clock ---------------------------------- */

/**
 * _tala_student_effective_status:
 * @today: the business date
 * @status: (out): ACTIVE, LOA, WITHDRAWN or GRADUATED
 *
 * The stored status, except LOA while the stored one is ACTIVE and an LOA
 * period [start_date, end_date) contains @today (ops.md §1.10).
 */
gboolean
_tala_student_effective_status (TalaLedger *self,
                                gint64      student_id,
                                const char *today,
                                char        status[10],
                                GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;

  stmt = tala_db_query (self, error,
                        "SELECT s.status, EXISTS (SELECT 1 FROM loa l WHERE l.student_id = s.id"
                        " AND l.start_date <= :today AND (l.end_date IS NULL"
                        " OR l.end_date > :today)) FROM student s WHERE s.id = :s",
                        ":today", DB_TEXT, today, ":s", DB_INT, student_id, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  g_strlcpy (status, tala_stmt_text (stmt, 0), 10);
  if (strcmp (status, "ACTIVE") == 0 && tala_stmt_int (stmt, 1))
    g_strlcpy (status, "LOA", 10);
  return TRUE;
}

/* Days of [a, b) ∩ [c, d); d < 0 means open-ended. */
static gint64
overlap_days (gint64 a,
              gint64 b,
              gint64 c,
              gint64 d)
{
  gint64 lo = MAX (a, c), hi = d < 0 ? b : MIN (b, d);

  return hi > lo ? hi - lo : 0;
}

/**
 * _tala_inc_clock:
 * @inc_start: the business date the INC clock started
 * @today: the business date
 * @clock_days: (out): (today − inc_start) − the days of the student's LOA
 *   periods inside [inc_start, today) (D-G4)
 *
 * An LOA recorded late counts in full, since only the periods are stored.
 */
gboolean
_tala_inc_clock (TalaLedger *self,
                 gint64      student_id,
                 const char *inc_start,
                 const char *today,
                 gint64     *clock_days,
                 GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  gint64 start, now, paused = 0;
  int rc;

  if (!tala_date_parse (inc_start, &start) || !tala_date_parse (today, &now))
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_CORRUPT,
                   "a take has the INC start date “%s”", inc_start ? inc_start : "");
      return FALSE;
    }
  stmt = tala_db_query (self, error,
                        "SELECT start_date, end_date FROM loa WHERE student_id = :s"
                        " AND start_date < :today AND (end_date IS NULL OR end_date > :inc)",
                        ":s", DB_INT, student_id, ":today", DB_TEXT, today,
                        ":inc", DB_TEXT, inc_start, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 s = 0, e = -1;

      tala_date_parse (tala_stmt_text (stmt, 0), &s);
      if (!tala_stmt_is_null (stmt, 1))
        tala_date_parse (tala_stmt_text (stmt, 1), &e);
      paused += overlap_days (start, now, s, e);
    }
  if (rc < 0)
    return FALSE;
  *clock_days = (now - start) - paused;
  return TRUE;
}

/* ---- loa.record ---------------------------------------------------------- */

const TalaArgSpec _tala_args_loa_record[] = {
  { "student", ARG_NUM, TRUE },
  { "start_date", ARG_DATE, TRUE },
  { "end_date", ARG_DATE, FALSE },
  { "reason", ARG_REASON, TRUE },
  { "loa", ARG_UUID, FALSE },
  { NULL }
};

/* The open period an op closes: unknown_loa (or deferral: an LOA recorded
 * on a terminal the hub has not seen), loa_closed, invalid_period. */
static gboolean
closing_target (TalaCtx *ctx,
                gint64   student_id,
                gint64  *loa_id,
                GError **error)
{
  const char *uuid = arg_str (ctx, "loa");
  g_autoptr(TalaStmt) stmt = NULL;
  gint64 seen;
  gboolean found;
  int rc;

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT id, start_date, end_date FROM loa"
                        " WHERE uuid = :u AND student_id = :s",
                        ":u", DB_TEXT, uuid, ":s", DB_INT, student_id, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_clear_pointer (&stmt, tala_stmt_release);
      if (!tala_db_int (ctx->ledger, &seen, &found, error,
                        "SELECT 1 FROM applied_op WHERE op_id = :u", ":u", DB_TEXT, uuid, NULL))
        return FALSE;
      if (found || ctx->channel == TALA_CHANNEL_REST || ctx->channel == TALA_CHANNEL_JOBS)
        return tala_reject (ctx, error, "unknown_loa", details_field ("loa"),
                            "no leave of absence %s for this student", uuid);
      return tala_defer (ctx, error, uuid, "leave of absence %s has not reached the hub yet",
                         uuid);
    }
  *loa_id = tala_stmt_int (stmt, 0);
  if (!tala_stmt_is_null (stmt, 2))
    return tala_reject (ctx, error, "loa_closed", NULL,
                        "leave of absence %s already ended on %s", uuid, tala_stmt_text (stmt, 2));
  if (strcmp (tala_stmt_text (stmt, 1), arg_str (ctx, "start_date")) != 0)
    return tala_reject (ctx, error, "invalid_period", details_field ("start_date"),
                        "leave of absence %s started on %s", uuid, tala_stmt_text (stmt, 1));
  return TRUE;
}

/* loa_overlap: another period of the student meets [start, end). */
static gboolean
check_overlap (TalaCtx *ctx,
               gint64   student_id,
               gint64   self_id,
               GError **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT start_date, coalesce (end_date, 'open') FROM loa"
                        " WHERE student_id = :s AND id <> :self"
                        " AND (end_date IS NULL OR end_date > :start)"
                        " AND (:end IS NULL OR start_date < :end) ORDER BY start_date LIMIT 1",
                        ":s", DB_INT, student_id, ":self", DB_INT, self_id,
                        ":start", DB_TEXT, arg_str (ctx, "start_date"),
                        ":end", DB_TEXT, arg_str (ctx, "end_date"), NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    return tala_reject (ctx, error, "loa_overlap", NULL,
                        "the student already has a leave of absence %s to %s",
                        tala_stmt_text (stmt, 0), tala_stmt_text (stmt, 1));
  return TRUE;
}

static gboolean
loa_write (TalaCtx *ctx,
           gint64   student_id,
           gint64   loa_id,
           GError **error)
{
  if (loa_id != 0)
    return tala_db_exec (ctx->ledger, error,
                         "UPDATE loa SET end_date = :e, hub_seq = :seq WHERE id = :id",
                         ":e", DB_TEXT, arg_str (ctx, "end_date"), ":seq", DB_INT, ctx->hub_seq,
                         ":id", DB_INT, loa_id, NULL);
  return tala_db_exec (ctx->ledger, error,
                       "INSERT INTO loa (uuid, student_id, start_date, end_date, reason, hub_seq)"
                       " VALUES (:u, :s, :start, :e, :r, :seq)",
                       ":u", DB_TEXT, ctx->op_id, ":s", DB_INT, student_id,
                       ":start", DB_TEXT, arg_str (ctx, "start_date"),
                       ":e", DB_TEXT, arg_str (ctx, "end_date"),
                       ":r", DB_TEXT, arg_str (ctx, "reason"), ":seq", DB_INT, ctx->hub_seq, NULL);
}

static gboolean
loa_result (TalaCtx    *ctx,
            gint64      student_id,
            const char *loa_uuid,
            GError    **error)
{
  g_autofree char *number = tala_student_number (ctx->ledger, student_id, error);
  const char *start = arg_str (ctx, "start_date"), *end = arg_str (ctx, "end_date");
  gint64 affected, s, e;
  char status[10];

  if (number == NULL ||
      !_tala_student_effective_status (ctx->ledger, student_id, ctx->today, status, error) ||
      !tala_db_int (ctx->ledger, &affected, NULL, error,
                    "SELECT count(*) FROM take t JOIN enrollment en ON en.id = t.enrollment_id"
                    " WHERE en.student_id = :s AND t.status = 'INC' AND t.inc_start IS NOT NULL"
                    " AND (:end IS NULL OR t.inc_start < :end)",
                    ":s", DB_INT, student_id, ":end", DB_TEXT, end, NULL))
    return FALSE;
  json_object_set_string_member (ctx->result, "loa_id", loa_uuid);
  json_object_set_string_member (ctx->result, "student", number);
  json_object_set_string_member (ctx->result, "start_date", start);
  obj_set_str (ctx->result, "end_date", end);
  if (end != NULL && tala_date_parse (start, &s) && tala_date_parse (end, &e))
    json_object_set_int_member (ctx->result, "days", e - s);
  json_object_set_string_member (ctx->result, "status", status);
  json_object_set_int_member (ctx->result, "inc_takes_affected", affected);
  return TRUE;
}

gboolean
_tala_kind_loa_record (TalaCtx *ctx,
                       GError **error)
{
  const char *start = arg_str (ctx, "start_date"), *end = arg_str (ctx, "end_date");
  gint64 student_id, loa_id = 0;
  JsonObject *after;

  if (end != NULL && strcmp (end, start) <= 0)
    return tala_reject (ctx, error, "invalid_period", details_field ("end_date"),
                        "end_date (the first day back) must be after start_date");
  if (arg_has (ctx, "loa") && end == NULL)
    return tala_reject (ctx, error, "invalid_args", details_field ("end_date"),
                        "closing a leave of absence needs its end_date");
  if (!tala_student_resolve (ctx, arg_str (ctx, "student"), &student_id, error))
    return FALSE;
  if (arg_has (ctx, "loa") && !closing_target (ctx, student_id, &loa_id, error))
    return FALSE;
  if (!check_overlap (ctx, student_id, loa_id, error) ||
      !loa_write (ctx, student_id, loa_id, error) ||
      !loa_result (ctx, student_id, loa_id ? arg_str (ctx, "loa") : ctx->op_id, error))
    return FALSE;

  after = json_object_new ();
  json_object_set_string_member (after, "student", json_object_get_string_member (ctx->result,
                                                                                "student"));
  json_object_set_string_member (after, "start_date", start);
  obj_set_str (after, "end_date", end);
  json_object_set_string_member (after, "reason", arg_str (ctx, "reason"));
  json_object_set_boolean_member (after, "closed", loa_id != 0);
  return tala_audit (ctx, "LOA_RECORDED", "LeaveOfAbsence",
                     json_object_get_string_member (ctx->result, "loa_id"), NULL, after, error);
}

/* ---- student.update ------------------------------------------------------ */

static const char * const statuses[] = { "ACTIVE", "WITHDRAWN", "GRADUATED", NULL };

const TalaArgSpec _tala_args_student_update[] = {
  { "student", ARG_NUM, TRUE },
  { "first_name", ARG_TEXT, FALSE, .max = 150 },
  { "last_name", ARG_TEXT, FALSE, .max = 150 },
  { "email", ARG_ANY, FALSE },           /* text(254), or "" to clear */
  { "phone_number", ARG_ANY, FALSE },    /* text(20), or "" to clear */
  { "address", ARG_ANY, FALSE },         /* note(500), or "" to clear */
  { "date_of_birth", ARG_DATE, FALSE },
  { "program", ARG_CODE, FALSE },
  { "is_transferee", ARG_BOOL, FALSE },
  { "status", ARG_ENUM, FALSE, .choices = statuses, .bad_code = "invalid_status" },
  { "reason", ARG_REASON, FALSE },
  { NULL }
};

/* The clearable members: "" clears, anything else is checked as text. */
static const TalaArgSpec clearable[][2] = {
  { { "email", ARG_TEXT, FALSE, .max = 254 }, { NULL } },
  { { "phone_number", ARG_TEXT, FALSE, .max = 20 }, { NULL } },
  { { "address", ARG_NOTE, FALSE, .max = 500 }, { NULL } },
};

static gboolean
check_clearable (TalaCtx *ctx,
                 GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (clearable); i++)
    {
      const char *name = clearable[i][0].name;
      JsonNode *node = json_object_get_member (ctx->args, name);
      g_autoptr(JsonObject) only = json_object_new ();

      if (node == NULL || JSON_NODE_HOLDS_NULL (node) ||
          (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
           *json_node_get_string (node) == '\0'))
        continue;
      json_object_set_member (only, name, json_node_copy (node));
      if (!_tala_args_validate (ctx, only, clearable[i], NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* The student's record as text fields, sorted by name (so `changed` comes
 * out sorted). */
enum { F_ADDRESS, F_DOB, F_EMAIL, F_FIRST, F_TRANSFEREE, F_LAST, F_PHONE, F_PROGRAM, F_STATUS,
       N_FIELDS };

static const char * const field_names[N_FIELDS] = {
  "address", "date_of_birth", "email", "first_name", "is_transferee", "last_name",
  "phone_number", "program", "status"
};

static gboolean
load_record (TalaLedger *self,
             gint64      student_id,
             char       *old[N_FIELDS],
             GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;

  stmt = tala_db_query (self, error,
                        "SELECT s.address, s.date_of_birth, u.email, u.first_name,"
                        " CASE WHEN s.is_transferee THEN 'true' ELSE 'false' END, u.last_name,"
                        " u.phone_number, p.code, s.status FROM student s"
                        " JOIN user u ON u.id = s.user_id JOIN program p ON p.id = s.program_id"
                        " WHERE s.id = :s", ":s", DB_INT, student_id, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  for (int i = 0; i < N_FIELDS; i++)
    old[i] = g_strdup (tala_stmt_text (stmt, i));
  return TRUE;
}

/* The new value of each field: given (with "" → NULL) or the old one. */
static void
new_record (TalaCtx *ctx,
            char    *old[N_FIELDS],
            char    *new[N_FIELDS])
{
  for (int i = 0; i < N_FIELDS; i++)
    {
      const char *given = arg_str (ctx, field_names[i]);

      if (i == F_TRANSFEREE && arg_has (ctx, "is_transferee"))
        given = arg_bool (ctx, "is_transferee", FALSE) ? "true" : "false";
      if (!arg_has (ctx, field_names[i]))
        new[i] = g_strdup (old[i]);
      else
        new[i] = given && *given ? g_strdup (given) : NULL;
    }
}

/* Rejections that depend on the new values, in ops.md's order after
 * unknown_student: reason_required, unknown_program, program_inactive,
 * duplicate_email. */
static gboolean
check_update (TalaCtx  *ctx,
              gint64    student_id,
              char     *old[N_FIELDS],
              char     *new[N_FIELDS],
              gint64   *program_id,
              GError  **error)
{
  static const int need_reason[] = { F_FIRST, F_LAST, F_PROGRAM, F_STATUS };
  gint64 active = 1, other;
  gboolean found;

  for (guint i = 0; i < G_N_ELEMENTS (need_reason); i++)
    if (g_strcmp0 (old[need_reason[i]], new[need_reason[i]]) != 0 && !arg_has (ctx, "reason"))
      return tala_reject (ctx, error, "reason_required", details_field ("reason"),
                          "changing %s needs a reason", field_names[need_reason[i]]);
  if (!_tala_program_find (ctx->ledger, new[F_PROGRAM], program_id, error))
    return FALSE;
  if (*program_id == 0)
    return tala_reject (ctx, error, "unknown_program", details_field ("program"),
                        "no program %s", new[F_PROGRAM]);
  if (g_strcmp0 (old[F_PROGRAM], new[F_PROGRAM]) != 0 &&
      !tala_db_int (ctx->ledger, &active, NULL, error,
                    "SELECT is_active FROM program WHERE id = :p", ":p", DB_INT, *program_id, NULL))
    return FALSE;
  if (!active)
    return tala_reject (ctx, error, "program_inactive", details_field ("program"),
                        "program %s is not accepting students", new[F_PROGRAM]);
  if (new[F_EMAIL] == NULL ||
      g_ascii_strcasecmp (new[F_EMAIL], old[F_EMAIL] ? old[F_EMAIL] : "") == 0)
    return TRUE;
  if (!tala_db_int (ctx->ledger, &other, &found, error,
                    "SELECT s.id FROM student s JOIN user u ON u.id = s.user_id"
                    " WHERE lower (u.email) = lower (:e) AND s.id <> :s",
                    ":e", DB_TEXT, new[F_EMAIL], ":s", DB_INT, student_id, NULL))
    return FALSE;
  if (found)
    return tala_reject (ctx, error, "duplicate_email", details_field ("email"),
                        "another student uses %s", new[F_EMAIL]);
  return TRUE;
}

static gboolean
write_record (TalaCtx *ctx,
              gint64   student_id,
              char    *new[N_FIELDS],
              gint64   program_id,
              GError **error)
{
  return tala_db_exec (ctx->ledger, error,
                       "UPDATE user SET first_name = :f, last_name = :l, email = :e,"
                       " phone_number = :p, hub_seq = :seq"
                       " WHERE id = (SELECT user_id FROM student WHERE id = :s)",
                       ":f", DB_TEXT, new[F_FIRST], ":l", DB_TEXT, new[F_LAST],
                       ":e", DB_TEXT, new[F_EMAIL], ":p", DB_TEXT, new[F_PHONE],
                       ":seq", DB_INT, ctx->hub_seq, ":s", DB_INT, student_id, NULL) &&
         tala_db_exec (ctx->ledger, error,
                       "UPDATE student SET address = :a, date_of_birth = :dob, program_id = :prog,"
                       " is_transferee = :t, status = :st, hub_seq = :seq WHERE id = :s",
                       ":a", DB_TEXT, new[F_ADDRESS], ":dob", DB_TEXT, new[F_DOB],
                       ":prog", DB_INT, program_id,
                       ":t", DB_INT, (gint64) (g_strcmp0 (new[F_TRANSFEREE], "true") == 0),
                       ":st", DB_TEXT, new[F_STATUS], ":seq", DB_INT, ctx->hub_seq,
                       ":s", DB_INT, student_id, NULL);
}

/* Fills `changed` (sorted names) and the audit's before/after with the
 * fields whose value changes.  Returns the number changed. */
static guint
diff_record (char       *old[N_FIELDS],
             char       *new[N_FIELDS],
             JsonArray  *changed,
             JsonObject *before,
             JsonObject *after)
{
  guint n = 0;

  for (int i = 0; i < N_FIELDS; i++)
    if (g_strcmp0 (old[i], new[i]) != 0)
      {
        json_array_add_string_element (changed, field_names[i]);
        obj_set_str (before, field_names[i], old[i]);
        obj_set_str (after, field_names[i], new[i]);
        n++;
      }
  return n;
}

gboolean
_tala_kind_student_update (TalaCtx *ctx,
                           GError **error)
{
  char *old[N_FIELDS] = { NULL }, *new[N_FIELDS] = { NULL };
  g_autoptr(JsonArray) changed = json_array_new ();
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(JsonObject) after = json_object_new ();
  g_autofree char *number = NULL;
  gint64 student_id, program_id;
  gboolean ok = FALSE;
  char status[10];

  if (!check_clearable (ctx, error) ||
      !tala_student_resolve (ctx, arg_str (ctx, "student"), &student_id, error) ||
      !load_record (ctx->ledger, student_id, old, error))
    goto out;
  new_record (ctx, old, new);
  if (!check_update (ctx, student_id, old, new, &program_id, error))
    goto out;
  if (diff_record (old, new, changed, before, after) > 0)
    {
      obj_set_str (after, "reason", arg_str (ctx, "reason"));
      number = tala_student_number (ctx->ledger, student_id, error);
      if (number == NULL || !write_record (ctx, student_id, new, program_id, error) ||
          !tala_audit (ctx, "USER_UPDATED", "User", number, g_steal_pointer (&before),
                       g_steal_pointer (&after), error))
        goto out;
    }
  g_clear_pointer (&number, g_free);
  number = tala_student_number (ctx->ledger, student_id, error);
  if (number == NULL ||
      !_tala_student_effective_status (ctx->ledger, student_id, ctx->today, status, error))
    goto out;
  json_object_set_string_member (ctx->result, "student", number);
  json_object_set_array_member (ctx->result, "changed", json_array_ref (changed));
  json_object_set_string_member (ctx->result, "status", status);
  ok = TRUE;
out:
  for (int i = 0; i < N_FIELDS; i++)
    {
      g_free (old[i]);
      g_free (new[i]);
    }
  return ok;
}
