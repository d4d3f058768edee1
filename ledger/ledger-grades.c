/* ledger-grades.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Grades (ops.md §2.4; D-G1…D-G3): the grade scales as data, grade
 * submission, finalization per section or semester and override, the grade
 * history with true old values, the GPA in integer hundredths rounded half
 * up (D-G2, ops.md §1.10), and the transcript read grouped by semester.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

/* ---- Scales -------------------------------------------------------------- */

/* The scale in use: "PH" or "LETTER" (config grade_scale).  Allocates. */
char *
_tala_grade_scale (TalaLedger *self,
                   GError    **error)
{
  return tala_config_str (self, "grade_scale", error);
}

/* Looks @value up on the scale in use; @found tells whether it is on it. */
gboolean
_tala_grade_lookup (TalaLedger *self,
                    const char *value,
                    TalaGrade  *grade,
                    gboolean   *found,
                    GError    **error)
{
  g_autofree char *scale = _tala_grade_scale (self, error);
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  *found = FALSE;
  memset (grade, 0, sizeof *grade);
  if (scale == NULL)
    return FALSE;
  stmt = tala_db_query (self, error,
                        "SELECT value, points, counts_in_gpa, outcome FROM grade_scale_value"
                        " WHERE scale = :scale AND value = :v",
                        ":scale", DB_TEXT, scale, ":v", DB_TEXT, value, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return TRUE;
  *found = TRUE;
  g_strlcpy (grade->value, tala_stmt_text (stmt, 0), sizeof grade->value);
  grade->points = tala_stmt_int (stmt, 1);
  grade->counts_in_gpa = tala_stmt_int (stmt, 2) != 0;
  g_strlcpy (grade->outcome, tala_stmt_text (stmt, 3), sizeof grade->outcome);
  return TRUE;
}

/* Rejects invalid_grade unless @value is on the scale in use.  @grade may
 * be NULL. */
gboolean
_tala_grade_check (TalaCtx    *ctx,
                   const char *field,
                   const char *value,
                   TalaGrade  *grade,
                   GError    **error)
{
  TalaGrade local;
  gboolean found;
  g_autofree char *scale = NULL;

  if (!_tala_grade_lookup (ctx->ledger, value, grade ? grade : &local, &found, error))
    return FALSE;
  if (found)
    return TRUE;
  scale = _tala_grade_scale (ctx->ledger, error);
  if (scale == NULL)
    return FALSE;
  return tala_reject (ctx, error, "invalid_grade", details_field (field),
                      "%s is not a grade of the %s scale", value, scale);
}

/* The failing value of the scale in use ("5.00" or "F").  Allocates. */
char *
_tala_grade_failing (TalaLedger *self,
                     GError    **error)
{
  g_autofree char *scale = _tala_grade_scale (self, error);
  g_autoptr(TalaStmt) stmt = NULL;

  if (scale == NULL)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT value FROM grade_scale_value WHERE scale = :scale AND is_failing",
                        ":scale", DB_TEXT, scale, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return NULL;
  return g_strdup (tala_stmt_text (stmt, 0));
}

/* Validates the op's `reason` as a required reason (reason_required when
 * missing or blank).  For kinds whose spec leaves `reason` unchecked so
 * that an earlier rejection (invalid_grade) wins, as ops.md orders them. */
gboolean
_tala_reason_require (TalaCtx *ctx,
                      GError **error)
{
  static const TalaArgSpec spec[] = {
    { "reason", ARG_REASON, TRUE },
    { NULL }
  };
  g_autoptr(JsonObject) only = json_object_new ();
  JsonNode *node = json_object_get_member (ctx->args, "reason");

  if (node != NULL)
    json_object_set_member (only, "reason", json_node_copy (node));
  return _tala_args_validate (ctx, only, spec, NULL, error);
}

/* ---- History and GPA ----------------------------------------------------- */

/* One grade-history row: the true old value and the new one.  @actor NULL
 * is SYSTEM (jobs record SYSTEM whoever ran them). */
gboolean
_tala_grade_history_add (TalaCtx    *ctx,
                         gint64      take_id,
                         const char *old_grade,
                         const char *new_grade,
                         const char *reason,
                         const char *actor,
                         GError    **error)
{
  return tala_db_exec (ctx->ledger, error,
                       "INSERT INTO grade_history (take_id, op_id, old_grade, new_grade, reason,"
                       " actor, at, hub_seq) VALUES (:t, :op, :old, :new, :r, :a, :at, :seq)",
                       ":t", DB_INT, take_id, ":op", DB_TEXT, ctx->op_id,
                       ":old", DB_TEXT, old_grade, ":new", DB_TEXT, new_grade,
                       ":r", DB_TEXT, reason, ":a", DB_TEXT, actor,
                       ":at", DB_INT, ctx->applied_at, ":seq", DB_INT, ctx->hub_seq, NULL);
}

/* Σ(points × units) / Σ units in hundredths, half up; "N/A" without units. */
static void
gpa_format (gint64 weighted,
            gint64 units,
            char   out[8])
{
  gint64 h;

  if (units <= 0)
    {
      g_strlcpy (out, "N/A", 8);
      return;
    }
  h = (2 * weighted + units) / (2 * units);
  g_snprintf (out, 8, "%d.%02d", (int) (h / 100), (int) (h % 100));
}

/**
 * _tala_gpa_compute:
 * @gpa: (out): "3.33" or "N/A"
 * @unknown_grades: (out) (optional): finalized rows whose grade is not on
 *   the scale in use (left out; job.gpa_recalc reports them)
 *
 * D-G2: the unit-weighted mean of points over the student's FINALIZED
 * takes, without DROPPED, without CREDITED unless count_in_gpa, without
 * values that do not count (INC and DRP on PH), exact in integers.
 */
gboolean
_tala_gpa_compute (TalaLedger *self,
                   gint64      student_id,
                   char        gpa[8],
                   gint64     *unknown_grades,
                   GError    **error)
{
  g_autofree char *scale = _tala_grade_scale (self, error);
  g_autoptr(TalaStmt) stmt = NULL;

  if (scale == NULL)
    return FALSE;
  stmt = tala_db_query (self, error,
                        "SELECT coalesce (sum (CASE WHEN g.counts_in_gpa THEN g.points * t.units"
                        " END), 0), coalesce (sum (CASE WHEN g.counts_in_gpa THEN t.units END), 0),"
                        " coalesce (sum (g.value IS NULL), 0)"
                        " FROM enrollment e JOIN take t ON t.enrollment_id = e.id"
                        " LEFT JOIN grade_scale_value g ON g.scale = :scale AND g.value = t.grade"
                        " WHERE e.student_id = :s AND t.grade_status = 'FINALIZED'"
                        " AND t.status <> 'DROPPED' AND (t.status <> 'CREDITED' OR t.count_in_gpa)",
                        ":scale", DB_TEXT, scale, ":s", DB_INT, student_id, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  gpa_format (tala_stmt_int (stmt, 0), tala_stmt_int (stmt, 1), gpa);
  if (unknown_grades)
    *unknown_grades = tala_stmt_int (stmt, 2);
  return TRUE;
}

/* Recomputes and stores student.gpa; the row changes only when the value
 * does (so a second job run changes nothing). */
gboolean
_tala_gpa_update (TalaCtx  *ctx,
                  gint64    student_id,
                  char      gpa[8],
                  gboolean *changed,
                  GError  **error)
{
  if (!_tala_gpa_compute (ctx->ledger, student_id, gpa, NULL, error) ||
      !tala_db_exec (ctx->ledger, error,
                     "UPDATE student SET gpa = :g, hub_seq = :seq WHERE id = :s AND gpa <> :g",
                     ":g", DB_TEXT, gpa, ":seq", DB_INT, ctx->hub_seq,
                     ":s", DB_INT, student_id, NULL))
    return FALSE;
  if (changed)
    *changed = sqlite3_changes (ctx->ledger->db) > 0;
  return TRUE;
}

/* ---- grade.submit -------------------------------------------------------- */

const TalaArgSpec _tala_args_grade_submit[] = {
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, TRUE },
  { "subject", ARG_CODE, TRUE },
  { "grade", ARG_TEXT, TRUE, .max = 10, .bad_code = "invalid_grade" },
  { "comments", ARG_NOTE, FALSE, .max = 1000 },
  { NULL }
};

/* The take an op names that is not DROPPED, else not_enrolled. */
static gboolean
named_take (TalaCtx     *ctx,
            TalaTakeRef *ref,
            TalaTake    *take,
            GError     **error)
{
  gboolean found;

  if (!_tala_take_find_live (ctx->ledger, ref->enrollment_id, ref->subject_id, take, &found,
                             error))
    return FALSE;
  if (!found)
    return tala_reject (ctx, error, "not_enrolled", NULL, "%s does not take %s in %s",
                        ref->number, arg_str (ctx, "subject"), arg_str (ctx, "semester"));
  return TRUE;
}

/* D-G3: a professor submits only for the sections they teach. */
static gboolean
check_professor (TalaCtx  *ctx,
                 TalaTake *take,
                 GError  **error)
{
  gint64 professor = 0;

  if (ctx->role != ROLE_PROFESSOR)
    return TRUE;
  if (take->section_id != 0 &&
      !tala_db_int (ctx->ledger, &professor, NULL, error,
                    "SELECT coalesce (professor_id, 0) FROM section WHERE id = :x",
                    ":x", DB_INT, take->section_id, NULL))
    return FALSE;
  if (professor != ctx->actor_id)
    return tala_reject (ctx, error, "forbidden", NULL, "%s does not teach this section of %s",
                        ctx->actor, arg_str (ctx, "subject"));
  return TRUE;
}

static void
take_result (TalaCtx     *ctx,
             TalaTakeRef *ref,
             TalaTake    *take)
{
  json_object_set_string_member (ctx->result, "subject_enrollment_id", take->uuid);
  json_object_set_string_member (ctx->result, "student", ref->number);
  json_object_set_string_member (ctx->result, "semester", arg_str (ctx, "semester"));
  json_object_set_string_member (ctx->result, "subject", arg_str (ctx, "subject"));
}

static gboolean
submit_apply (TalaCtx     *ctx,
              TalaTakeRef *ref,
              TalaTake    *take,
              GError     **error)
{
  const char *grade = arg_str (ctx, "grade");
  JsonObject *before, *after;

  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE take SET grade = :g, comments = :c, grade_status = 'SUBMITTED',"
                     " hub_seq = :seq WHERE id = :t",
                     ":g", DB_TEXT, grade, ":c", DB_TEXT, arg_str (ctx, "comments"),
                     ":seq", DB_INT, ctx->hub_seq, ":t", DB_INT, take->id, NULL) ||
      !_tala_grade_history_add (ctx, take->id, take->grade, grade, NULL, ctx->actor, error))
    return FALSE;
  take_result (ctx, ref, take);
  json_object_set_string_member (ctx->result, "grade", grade);
  obj_set_str (ctx->result, "previous", take->grade);
  json_object_set_string_member (ctx->result, "grade_status", "SUBMITTED");

  before = json_object_new ();
  json_object_set_string_member (before, "grade_status", take->grade_status);
  obj_set_str (before, "grade", take->grade);
  after = json_object_new ();
  json_object_set_string_member (after, "grade_status", "SUBMITTED");
  json_object_set_string_member (after, "grade", grade);
  return tala_audit (ctx, "GRADE_SUBMITTED", "SubjectEnrollment", take->uuid, before, after,
                     error);
}

gboolean
_tala_kind_grade_submit (TalaCtx *ctx,
                         GError **error)
{
  TalaTakeRef ref = { 0 };
  TalaTake take = { 0 };
  gboolean ok = FALSE;

  if (!_tala_grade_check (ctx, "grade", arg_str (ctx, "grade"), NULL, error) ||
      !_tala_take_ref_resolve (ctx, &ref, error) ||
      !named_take (ctx, &ref, &take, error) ||
      !check_professor (ctx, &take, error))
    goto out;
  if (strcmp (take.grade_status, "FINALIZED") == 0 || strcmp (take.status, "CREDITED") == 0)
    {
      tala_reject (ctx, error, "grade_finalized", NULL,
                   "the grade of %s in %s (%s) is final; a registrar may override it",
                   ref.number, arg_str (ctx, "subject"), arg_str (ctx, "semester"));
      goto out;
    }
  ok = submit_apply (ctx, &ref, &take, error);
out:
  _tala_take_clear (&take);
  _tala_take_ref_clear (&ref);
  return ok;
}

/* ---- grade.finalize ------------------------------------------------------ */

const TalaArgSpec _tala_args_grade_finalize[] = {
  { "semester", ARG_SEM, TRUE },
  { "section", ARG_CODE, FALSE },
  { NULL }
};

typedef struct
{
  gint64 take_id;
  char  *uuid;
  char  *grade;
  char  *outcome;   /* NULL when the grade is off the scale (FAILED then) */
  gint64 student_id;
  gint64 user_id;
  char  *number;
} FinalRow;

static void
final_row_clear (gpointer data)
{
  FinalRow *r = data;

  g_free (r->uuid);
  g_free (r->grade);
  g_free (r->outcome);
  g_free (r->number);
}

/* The SUBMITTED takes in scope, by student number then subject code. */
static GArray *
submitted_takes (TalaCtx *ctx,
                 gint64   semester_id,
                 gint64   section_id,
                 GError **error)
{
  g_autofree char *scale = _tala_grade_scale (ctx->ledger, error);
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (FinalRow));
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  g_array_set_clear_func (rows, final_row_clear);
  if (scale == NULL)
    return NULL;
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT t.id, t.uuid, t.grade, g.outcome, st.id, st.user_id, st.number"
                        " FROM take t JOIN enrollment e ON e.id = t.enrollment_id"
                        " JOIN student st ON st.id = e.student_id"
                        " JOIN subject sub ON sub.id = t.subject_id"
                        " LEFT JOIN grade_scale_value g ON g.scale = :scale AND g.value = t.grade"
                        " WHERE e.semester_id = :m AND (:x = 0 OR t.section_id = :x)"
                        " AND t.grade_status = 'SUBMITTED' AND t.status = 'ENROLLED'"
                        " ORDER BY st.number, sub.code",
                        ":scale", DB_TEXT, scale, ":m", DB_INT, semester_id,
                        ":x", DB_INT, section_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    {
      FinalRow r = {
        .take_id = tala_stmt_int (stmt, 0),
        .uuid = g_strdup (tala_stmt_text (stmt, 1)),
        .grade = g_strdup (tala_stmt_text (stmt, 2)),
        .outcome = g_strdup (tala_stmt_text (stmt, 3)),
        .student_id = tala_stmt_int (stmt, 4),
        .user_id = tala_stmt_int (stmt, 5),
        .number = g_strdup (tala_stmt_text (stmt, 6)),
      };

      g_array_append_val (rows, r);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

static gboolean
finalize_take (TalaCtx  *ctx,
               FinalRow *r,
               GError  **error)
{
  const char *status = r->outcome ? r->outcome : "FAILED";
  gboolean inc = strcmp (status, "INC") == 0;
  JsonObject *before, *after;

  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE take SET grade_status = 'FINALIZED', status = :st,"
                     " inc_start = :inc, inc_warned = 0, hub_seq = :seq WHERE id = :t",
                     ":st", DB_TEXT, status, ":inc", DB_TEXT, inc ? ctx->today : NULL,
                     ":seq", DB_INT, ctx->hub_seq, ":t", DB_INT, r->take_id, NULL))
    return FALSE;
  before = json_object_new ();
  json_object_set_string_member (before, "grade_status", "SUBMITTED");
  json_object_set_string_member (before, "status", "ENROLLED");
  after = json_object_new ();
  json_object_set_string_member (after, "grade_status", "FINALIZED");
  json_object_set_string_member (after, "status", status);
  json_object_set_string_member (after, "grade", r->grade);
  obj_set_str (after, "inc_start", inc ? ctx->today : NULL);
  return tala_audit (ctx, "GRADE_FINALIZED", "SubjectEnrollment", r->uuid, before, after, error);
}

/* After finalizing: each affected student's GPA and a GRADE notification,
 * once per student, in student-number order. */
static gboolean
finalize_students (TalaCtx   *ctx,
                   GArray    *rows,
                   JsonArray *gpa_updated,
                   GError   **error)
{
  const char *where = arg_has (ctx, "section") ? arg_str (ctx, "section")
                                               : arg_str (ctx, "semester");

  for (guint i = 0; i < rows->len; i++)
    {
      FinalRow *r = &g_array_index (rows, FinalRow, i);
      g_autofree char *message = NULL;
      JsonObject *entry;
      char gpa[8];

      if (i > 0 && g_array_index (rows, FinalRow, i - 1).student_id == r->student_id)
        continue;
      if (!_tala_gpa_update (ctx, r->student_id, gpa, NULL, error))
        return FALSE;
      entry = json_object_new ();
      json_object_set_string_member (entry, "student", r->number);
      json_object_set_string_member (entry, "gpa", gpa);
      json_array_add_object_element (gpa_updated, entry);
      message = g_strdup_printf ("Your grades for %s are posted. Your GPA is %s.", where, gpa);
      if (!tala_notify (ctx, r->user_id, "GRADE", "Grades posted", message,
                        arg_str (ctx, "semester"), error))
        return FALSE;
    }
  return TRUE;
}

/* The semester and, when named, the section; rejects unknown_*. */
static gboolean
finalize_scope (TalaCtx *ctx,
                gint64  *semester_id,
                gint64  *section_id,
                GError **error)
{
  gboolean found;

  *section_id = 0;
  if (!tala_semester_find (ctx->ledger, arg_str (ctx, "semester"), semester_id, error))
    return FALSE;
  if (*semester_id == 0)
    return tala_reject (ctx, error, "unknown_semester", details_field ("semester"),
                        "no semester %s", arg_str (ctx, "semester"));
  if (!arg_has (ctx, "section"))
    return TRUE;
  if (!tala_db_int (ctx->ledger, section_id, &found, error,
                    "SELECT id FROM section WHERE semester_id = :m AND code = :c",
                    ":m", DB_INT, *semester_id, ":c", DB_TEXT, arg_str (ctx, "section"), NULL))
    return FALSE;
  if (!found)
    return tala_reject (ctx, error, "unknown_section", details_field ("section"),
                        "no section %s in %s", arg_str (ctx, "section"),
                        arg_str (ctx, "semester"));
  return TRUE;
}

gboolean
_tala_kind_grade_finalize (TalaCtx *ctx,
                           GError **error)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(JsonArray) gpa_updated = json_array_new ();
  gint64 semester_id, section_id, pending, inc_started = 0;

  if (!finalize_scope (ctx, &semester_id, &section_id, error) ||
      !tala_db_int (ctx->ledger, &pending, NULL, error,
                    "SELECT count(*) FROM take t JOIN enrollment e ON e.id = t.enrollment_id"
                    " WHERE e.semester_id = :m AND (:x = 0 OR t.section_id = :x)"
                    " AND t.grade_status = 'PENDING' AND t.status = 'ENROLLED'",
                    ":m", DB_INT, semester_id, ":x", DB_INT, section_id, NULL))
    return FALSE;
  rows = submitted_takes (ctx, semester_id, section_id, error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      FinalRow *r = &g_array_index (rows, FinalRow, i);

      if (!finalize_take (ctx, r, error))
        return FALSE;
      inc_started += g_strcmp0 (r->outcome, "INC") == 0;
    }
  if (!finalize_students (ctx, rows, gpa_updated, error))
    return FALSE;
  json_object_set_string_member (ctx->result, "semester", arg_str (ctx, "semester"));
  obj_set_str (ctx->result, "section", arg_str (ctx, "section"));
  json_object_set_int_member (ctx->result, "finalized_count", rows->len);
  json_object_set_int_member (ctx->result, "pending_count", pending);
  json_object_set_int_member (ctx->result, "inc_started", inc_started);
  json_object_set_array_member (ctx->result, "gpa_updated", json_array_ref (gpa_updated));
  return TRUE;
}

/* ---- grade.override ------------------------------------------------------ */

const TalaArgSpec _tala_args_grade_override[] = {
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, TRUE },
  { "subject", ARG_CODE, TRUE },
  { "grade", ARG_TEXT, TRUE, .max = 10, .bad_code = "invalid_grade" },
  { "reason", ARG_ANY, FALSE },     /* checked after the grade (ops.md order) */
  { NULL }
};

/* The new status and INC clock start of an overridden take: CREDITED stays;
 * entering INC starts the clock today, staying INC keeps it, leaving stops it. */
static const char *
override_status (TalaCtx    *ctx,
                 TalaTake   *take,
                 TalaGrade  *grade,
                 const char **inc_start)
{
  const char *status = strcmp (take->status, "CREDITED") == 0 ? "CREDITED" : grade->outcome;

  if (strcmp (status, "INC") != 0)
    *inc_start = NULL;
  else if (strcmp (take->status, "INC") == 0 && take->inc_start != NULL)
    *inc_start = take->inc_start;
  else
    *inc_start = ctx->today;
  return status;
}

static gboolean
override_apply (TalaCtx     *ctx,
                TalaTakeRef *ref,
                TalaTake    *take,
                TalaGrade   *grade,
                GError     **error)
{
  const char *inc_start, *status = override_status (ctx, take, grade, &inc_start);
  const char *reason = arg_str (ctx, "reason");
  JsonObject *before, *after;
  char gpa[8];

  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE take SET grade = :g, status = :st, inc_start = :inc,"
                     " inc_warned = CASE WHEN :inc IS inc_start THEN inc_warned ELSE 0 END,"
                     " hub_seq = :seq WHERE id = :t",
                     ":g", DB_TEXT, grade->value, ":st", DB_TEXT, status,
                     ":inc", DB_TEXT, inc_start, ":seq", DB_INT, ctx->hub_seq,
                     ":t", DB_INT, take->id, NULL) ||
      !_tala_grade_history_add (ctx, take->id, take->grade, grade->value, reason, ctx->actor,
                                error) ||
      !_tala_gpa_update (ctx, ref->student_id, gpa, NULL, error))
    return FALSE;
  take_result (ctx, ref, take);
  obj_set_str (ctx->result, "previous", take->grade);
  json_object_set_string_member (ctx->result, "grade", grade->value);
  json_object_set_string_member (ctx->result, "status", status);
  json_object_set_string_member (ctx->result, "gpa", gpa);

  before = json_object_new ();
  obj_set_str (before, "grade", take->grade);
  json_object_set_string_member (before, "status", take->status);
  after = json_object_new ();
  json_object_set_string_member (after, "grade", grade->value);
  json_object_set_string_member (after, "status", status);
  json_object_set_string_member (after, "reason", reason);
  return tala_audit (ctx, "GRADE_OVERRIDDEN", "SubjectEnrollment", take->uuid, before, after,
                     error);
}

gboolean
_tala_kind_grade_override (TalaCtx *ctx,
                           GError **error)
{
  TalaTakeRef ref = { 0 };
  TalaTake take = { 0 };
  TalaGrade grade;
  gboolean ok = FALSE;

  if (!_tala_grade_check (ctx, "grade", arg_str (ctx, "grade"), &grade, error) ||
      !_tala_reason_require (ctx, error) ||
      !_tala_take_ref_resolve (ctx, &ref, error) ||
      !named_take (ctx, &ref, &take, error))
    goto out;
  if (strcmp (take.grade_status, "FINALIZED") != 0)
    {
      tala_reject (ctx, error, "grade_not_finalized", NULL,
                   "the grade of %s in %s is not final yet; submit it instead",
                   ref.number, arg_str (ctx, "subject"));
      goto out;
    }
  ok = override_apply (ctx, &ref, &take, &grade, error);
out:
  _tala_take_clear (&take);
  _tala_take_ref_clear (&ref);
  return ok;
}

/* ---- The transcript ------------------------------------------------------ */

typedef struct
{
  JsonObject *semester;   /* the semester entry being filled (borrowed) */
  JsonArray  *subjects;   /* its subjects (borrowed) */
  gint64      weighted;   /* Σ points × units of its counted rows */
  gint64      units;      /* Σ units of its counted rows */
} SemesterSum;

static void
semester_close (SemesterSum *sum)
{
  char gpa[8];

  if (sum->semester == NULL)
    return;
  gpa_format (sum->weighted, sum->units, gpa);
  json_object_set_string_member (sum->semester, "semester_gpa", gpa);
  json_object_set_int_member (sum->semester, "units_completed", sum->units);
  memset (sum, 0, sizeof *sum);
}

/* One transcript row: code, name, units, grade, status, points, counted,
 * prior institution.  Returns the units it adds to the GPA (0 if none). */
static gint64
subject_entry (TalaStmt  *stmt,
               JsonArray *subjects,
               gint64    *weighted)
{
  JsonObject *s = json_object_new ();
  gboolean credited = g_strcmp0 (tala_stmt_text (stmt, 7), "CREDITED") == 0;
  gboolean counted = !tala_stmt_is_null (stmt, 9) && tala_stmt_int (stmt, 10) &&
                     (!credited || tala_stmt_int (stmt, 8));
  gint64 units = tala_stmt_int (stmt, 5);

  json_object_set_string_member (s, "subject", tala_stmt_text (stmt, 3));
  json_object_set_string_member (s, "name", tala_stmt_text (stmt, 4));
  json_object_set_int_member (s, "units", units);
  obj_set_str (s, "grade", tala_stmt_text (stmt, 6));
  json_object_set_string_member (s, "status", tala_stmt_text (stmt, 7));
  if (!tala_stmt_is_null (stmt, 9))
    {
      char points[8];

      gpa_format (tala_stmt_int (stmt, 9), 1, points);
      json_object_set_string_member (s, "points", points);
    }
  json_object_set_boolean_member (s, "counts_in_gpa", counted);
  obj_set_str (s, "prior_institution", tala_stmt_text (stmt, 11));
  json_array_add_object_element (subjects, s);
  if (!counted)
    return 0;
  *weighted += tala_stmt_int (stmt, 9) * units;
  return units;
}

static JsonArray *
transcript_semesters (TalaLedger *self,
                      gint64      student_id,
                      const char *scale,
                      gint64     *weighted,
                      gint64     *units,
                      GError    **error)
{
  g_autoptr(JsonArray) out = json_array_new ();
  g_autoptr(TalaStmt) stmt = NULL;
  SemesterSum sum = { 0 };
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT m.code, m.start_date, m.end_date, sub.code, sub.name, t.units,"
                        " t.grade, t.status, t.count_in_gpa, g.points, g.counts_in_gpa,"
                        " t.prior_institution, t.id IS NOT NULL"
                        " FROM enrollment e JOIN semester m ON m.id = e.semester_id"
                        " LEFT JOIN take t ON t.enrollment_id = e.id"
                        "  AND t.grade_status = 'FINALIZED' AND t.status <> 'DROPPED'"
                        " LEFT JOIN subject sub ON sub.id = t.subject_id"
                        " LEFT JOIN grade_scale_value g ON g.scale = :scale AND g.value = t.grade"
                        " WHERE e.student_id = :s ORDER BY m.start_date, m.code, sub.code",
                        ":scale", DB_TEXT, scale, ":s", DB_INT, student_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 added;

      if (sum.semester == NULL ||
          g_strcmp0 (json_object_get_string_member (sum.semester, "semester"),
                     tala_stmt_text (stmt, 0)) != 0)
        {
          semester_close (&sum);
          sum.semester = json_object_new ();
          sum.subjects = json_array_new ();
          json_object_set_string_member (sum.semester, "semester", tala_stmt_text (stmt, 0));
          json_object_set_string_member (sum.semester, "start_date", tala_stmt_text (stmt, 1));
          json_object_set_string_member (sum.semester, "end_date", tala_stmt_text (stmt, 2));
          json_object_set_array_member (sum.semester, "subjects", sum.subjects);
          json_array_add_object_element (out, sum.semester);
        }
      if (!tala_stmt_int (stmt, 12))
        continue;
      added = subject_entry (stmt, sum.subjects, &sum.weighted);
      sum.units += added;
      *units += added;
      *weighted += added ? tala_stmt_int (stmt, 9) * added : 0;
    }
  semester_close (&sum);
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/**
 * tala_ledger_transcript:
 * @student: a student number or provisional alias
 *
 * The student's finalized takes grouped by semester (oldest first), each
 * semester with its GPA and the units counted in it, and the cumulative
 * GPA (D-G2; "N/A" without units).  `gpa_order` says whether lower is
 * better (PH) or higher (LETTER).  Every semester the student has an
 * enrollment in is listed, even without finalized takes.  Reads only.
 *
 * Returns: (transfer full): the transcript, or %NULL with @error set
 *   (%TALA_LEDGER_ERROR_INVALID for an unknown student)
 */
JsonObject *
tala_ledger_transcript (TalaLedger *self,
                        const char *student,
                        GError    **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *scale = NULL;
  JsonArray *semesters;
  gint64 student_id, weighted = 0, units = 0;
  char gpa[8];
  int rc;

  g_return_val_if_fail (self != NULL && student != NULL, NULL);

  scale = _tala_grade_scale (self, error);
  if (scale == NULL)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT s.id, s.number, u.first_name, u.last_name, p.code, s.status"
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
  student_id = tala_stmt_int (stmt, 0);
  json_object_set_string_member (out, "student", tala_stmt_text (stmt, 1));
  json_object_set_string_member (out, "first_name", tala_stmt_text (stmt, 2));
  json_object_set_string_member (out, "last_name", tala_stmt_text (stmt, 3));
  json_object_set_string_member (out, "program", tala_stmt_text (stmt, 4));
  json_object_set_string_member (out, "status", tala_stmt_text (stmt, 5));
  g_clear_pointer (&stmt, tala_stmt_release);

  semesters = transcript_semesters (self, student_id, scale, &weighted, &units, error);
  if (semesters == NULL)
    return NULL;
  gpa_format (weighted, units, gpa);
  json_object_set_string_member (out, "scale", scale);
  json_object_set_string_member (out, "gpa_order",
                                 strcmp (scale, "PH") == 0 ? "lower_is_better"
                                                           : "higher_is_better");
  json_object_set_string_member (out, "cumulative_gpa", gpa);
  json_object_set_int_member (out, "total_units", units);
  json_object_set_array_member (out, "semesters", semesters);
  return g_steal_pointer (&out);
}
