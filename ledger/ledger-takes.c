/* ledger-takes.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Takes, a student's subject enrollments (ops.md §2.2; D-E1…D-E7):
 * subject.enroll with every check in the order of D-E2 and subject.drop
 * with its history kept, plus the look-ups of takes the academic ops share
 * (credit.transfer is in ledger-credits.c, the reads in
 * ledger-takes-queries.c).  Everything runs inside the op's write
 * transaction (BEGIN IMMEDIATE), which serializes concurrent enrollments.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

/* ---- Shared look-ups ----------------------------------------------------- */

void
_tala_take_ref_clear (TalaTakeRef *ref)
{
  g_clear_pointer (&ref->number, g_free);
}

void
_tala_take_clear (TalaTake *take)
{
  g_clear_pointer (&take->uuid, g_free);
  g_clear_pointer (&take->status, g_free);
  g_clear_pointer (&take->grade_status, g_free);
  g_clear_pointer (&take->grade, g_free);
  g_clear_pointer (&take->inc_start, g_free);
}

/**
 * _tala_take_ref_resolve:
 *
 * Resolves the op's `student`, `semester` and `subject` and the student's
 * enrollment in that semester, rejecting in ops.md's order:
 * unknown_student (or deferral), unknown_semester, unknown_subject,
 * no_enrollment.
 */
gboolean
_tala_take_ref_resolve (TalaCtx     *ctx,
                        TalaTakeRef *ref,
                        GError     **error)
{
  const char *semester = arg_str (ctx, "semester"), *subject = arg_str (ctx, "subject");
  g_autoptr(TalaStmt) stmt = NULL;
  gboolean found;
  int rc;

  if (!tala_student_resolve (ctx, arg_str (ctx, "student"), &ref->student_id, error))
    return FALSE;
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT number, user_id, (SELECT id FROM semester WHERE code = :m)"
                        " FROM student WHERE id = :s",
                        ":m", DB_TEXT, semester, ":s", DB_INT, ref->student_id, NULL);
  if (stmt == NULL || tala_db_step (ctx->ledger, stmt, error) != SQLITE_ROW)
    return FALSE;
  ref->number = g_strdup (tala_stmt_text (stmt, 0));
  ref->user_id = tala_stmt_int (stmt, 1);
  ref->semester_id = tala_stmt_is_null (stmt, 2) ? 0 : tala_stmt_int (stmt, 2);
  g_clear_pointer (&stmt, tala_stmt_release);
  if (ref->semester_id == 0)
    return tala_reject (ctx, error, "unknown_semester", details_field ("semester"),
                        "no semester %s", semester);
  stmt = tala_db_query (ctx->ledger, error, "SELECT id, units FROM subject WHERE code = :c",
                        ":c", DB_TEXT, subject, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return tala_reject (ctx, error, "unknown_subject", details_field ("subject"),
                        "no subject %s", subject);
  ref->subject_id = tala_stmt_int (stmt, 0);
  ref->subject_units = tala_stmt_int (stmt, 1);
  g_clear_pointer (&stmt, tala_stmt_release);
  if (!tala_db_int (ctx->ledger, &ref->enrollment_id, &found, error,
                    "SELECT id FROM enrollment WHERE student_id = :s AND semester_id = :m",
                    ":s", DB_INT, ref->student_id, ":m", DB_INT, ref->semester_id, NULL))
    return FALSE;
  if (!found)
    return tala_reject (ctx, error, "no_enrollment", NULL, "%s is not enrolled in %s",
                        ref->number, semester);
  return TRUE;
}

/* The take of @subject_id in @enrollment_id that is not DROPPED (at most
 * one: the take_live index). */
gboolean
_tala_take_find_live (TalaLedger *self,
                      gint64      enrollment_id,
                      gint64      subject_id,
                      TalaTake   *take,
                      gboolean   *found,
                      GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  *found = FALSE;
  stmt = tala_db_query (self, error,
                        "SELECT id, uuid, status, grade_status, grade, inc_start,"
                        " coalesce (section_id, 0), units FROM take"
                        " WHERE enrollment_id = :e AND subject_id = :s AND status <> 'DROPPED'",
                        ":e", DB_INT, enrollment_id, ":s", DB_INT, subject_id, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return TRUE;
  *found = TRUE;
  take->id = tala_stmt_int (stmt, 0);
  take->uuid = g_strdup (tala_stmt_text (stmt, 1));
  take->status = g_strdup (tala_stmt_text (stmt, 2));
  take->grade_status = g_strdup (tala_stmt_text (stmt, 3));
  take->grade = g_strdup (tala_stmt_text (stmt, 4));
  take->inc_start = g_strdup (tala_stmt_text (stmt, 5));
  take->section_id = tala_stmt_int (stmt, 6);
  take->units = tala_stmt_int (stmt, 7);
  return TRUE;
}

/* Step 4 of ops.md §1.4 for STU kinds: a STUDENT names only their own
 * number (their username) and sets no override flag. */
static gboolean
check_self (TalaCtx *ctx,
            GError **error)
{
  if (ctx->role != ROLE_STUDENT)
    return TRUE;
  if (g_strcmp0 (arg_str (ctx, "student"), ctx->actor) != 0)
    return tala_reject (ctx, error, "forbidden", NULL,
                        "a student may change only their own subjects");
  if (arg_bool (ctx, "override_schedule_conflict", FALSE) ||
      arg_bool (ctx, "override_capacity", FALSE))
    return tala_reject (ctx, error, "forbidden", NULL,
                        "only a registrar may override a schedule conflict or a full section");
  return TRUE;
}

/* D-E7: students add and drop only inside the semester's window. */
static gboolean
check_window (TalaCtx     *ctx,
              TalaTakeRef *ref,
              GError     **error)
{
  g_autoptr(TalaStmt) stmt = NULL;

  if (ctx->role != ROLE_STUDENT)
    return TRUE;
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT enrollment_start, enrollment_end FROM semester WHERE id = :m",
                        ":m", DB_INT, ref->semester_id, NULL);
  if (stmt == NULL || tala_db_step (ctx->ledger, stmt, error) != SQLITE_ROW)
    return FALSE;
  if (strcmp (ctx->today, tala_stmt_text (stmt, 0)) < 0 ||
      strcmp (ctx->today, tala_stmt_text (stmt, 1)) > 0)
    return tala_reject (ctx, error, "outside_enrollment_window", NULL,
                        "the enrollment window of %s is %s to %s; ask the registrar",
                        arg_str (ctx, "semester"), tala_stmt_text (stmt, 0),
                        tala_stmt_text (stmt, 1));
  return TRUE;
}

/* ---- subject.enroll: the checks of D-E2 ---------------------------------- */

const TalaArgSpec _tala_args_subject_enroll[] = {
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, TRUE },
  { "subject", ARG_CODE, TRUE },
  { "section", ARG_CODE, FALSE },
  { "override_schedule_conflict", ARG_BOOL, FALSE },
  { "override_capacity", ARG_BOOL, FALSE },
  { "reason", ARG_REASON, FALSE },
  { NULL }
};

static gboolean
check_active (TalaCtx     *ctx,
              TalaTakeRef *ref,
              GError     **error)
{
  char status[10];

  if (!_tala_student_effective_status (ctx->ledger, ref->student_id, ctx->today, status, error))
    return FALSE;
  if (strcmp (status, "ACTIVE") != 0)
    return tala_reject (ctx, error, "student_not_active", NULL, "%s is %s", ref->number,
                        status);
  return TRUE;
}

/* already_enrolled (a live take in this enrollment), then already_passed
 * (a PASSED or CREDITED take in another semester). */
static gboolean
check_not_taken (TalaCtx     *ctx,
                 TalaTakeRef *ref,
                 GError     **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  TalaTake take = { 0 };
  gboolean found;
  int rc;

  if (!_tala_take_find_live (ctx->ledger, ref->enrollment_id, ref->subject_id, &take, &found,
                             error))
    return FALSE;
  if (found)
    {
      tala_reject (ctx, error, "already_enrolled", NULL, "%s already takes %s in %s (%s)",
                   ref->number, arg_str (ctx, "subject"), arg_str (ctx, "semester"),
                   take.status);
      _tala_take_clear (&take);
      return FALSE;
    }
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT m.code, t.status FROM enrollment e"
                        " JOIN take t ON t.enrollment_id = e.id"
                        " JOIN semester m ON m.id = e.semester_id"
                        " WHERE e.student_id = :st AND +t.subject_id = :sub"
                        " AND t.status IN ('PASSED', 'CREDITED') ORDER BY m.start_date LIMIT 1",
                        ":st", DB_INT, ref->student_id, ":sub", DB_INT, ref->subject_id, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    return tala_reject (ctx, error, "already_passed", NULL, "%s already has %s %s in %s",
                        ref->number, arg_str (ctx, "subject"), tala_stmt_text (stmt, 1),
                        tala_stmt_text (stmt, 0));
  return TRUE;
}

static gboolean
check_month1 (TalaCtx     *ctx,
              TalaTakeRef *ref,
              GError     **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *paid = NULL;
  g_autofree char *due = NULL;

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT paid_total, due, is_paid FROM bucket"
                        " WHERE enrollment_id = :e AND month = 1",
                        ":e", DB_INT, ref->enrollment_id, NULL);
  if (stmt == NULL || tala_db_step (ctx->ledger, stmt, error) != SQLITE_ROW)
    return FALSE;
  if (tala_stmt_int (stmt, 2))
    return TRUE;
  paid = tala_money_format (tala_stmt_int (stmt, 0));
  due = tala_money_format (tala_stmt_int (stmt, 1));
  return tala_reject (ctx, error, "month1_unpaid", NULL,
                      "Month 1 of %s is not fully paid (%s of %s)", arg_str (ctx, "semester"),
                      paid, due);
}

/**
 * _tala_prerequisites:
 * @all: (nullable): receives every direct prerequisite of @subject_id as
 *   {subject, status}, by code
 * @unmet: (nullable): receives those that are not met
 *
 * D-E1, the one place the prerequisite rule lives: a direct prerequisite is
 * met when the student's latest take of it that is not DROPPED (by semester
 * start, then take) is PASSED or CREDITED; its status is that take's, or
 * NOT_TAKEN.  Blocks on SQLite.
 */
gboolean
_tala_prerequisites (TalaLedger *self,
                     gint64      student_id,
                     gint64      subject_id,
                     JsonArray  *all,
                     JsonArray  *unmet,
                     GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT p.code, coalesce ((SELECT t.status FROM enrollment e"
                        " JOIN take t ON t.enrollment_id = e.id"
                        " JOIN semester m ON m.id = e.semester_id"
                        " WHERE e.student_id = :st AND +t.subject_id = p.id"
                        " AND t.status <> 'DROPPED' ORDER BY m.start_date DESC, t.id DESC LIMIT 1),"
                        " 'NOT_TAKEN') FROM subject_prerequisite sp"
                        " JOIN subject p ON p.id = sp.prerequisite_id"
                        " WHERE sp.subject_id = :sub ORDER BY p.code",
                        ":st", DB_INT, student_id, ":sub", DB_INT, subject_id, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      const char *status = tala_stmt_text (stmt, 1);
      gboolean met = strcmp (status, "PASSED") == 0 || strcmp (status, "CREDITED") == 0;
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "subject", tala_stmt_text (stmt, 0));
      json_object_set_string_member (entry, "status", status);
      if (all != NULL)
        json_array_add_object_element (all, json_object_ref (entry));
      if (!met && unmet != NULL)
        json_array_add_object_element (unmet, json_object_ref (entry));
      json_object_unref (entry);
    }
  return rc == SQLITE_DONE;
}

/* D-E1 as a check of subject.enroll: every unmet prerequisite is listed. */
static gboolean
check_prerequisites (TalaCtx     *ctx,
                     TalaTakeRef *ref,
                     GError     **error)
{
  g_autoptr(JsonArray) unmet = json_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *details;

  if (!_tala_prerequisites (ctx->ledger, ref->student_id, ref->subject_id, NULL, unmet, error))
    return FALSE;
  if (json_array_get_length (unmet) == 0)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (unmet); i++)
    {
      JsonObject *e = json_array_get_object_element (unmet, i);

      g_string_append_printf (text, "%s%s (%s)", i ? ", " : "",
                              json_object_get_string_member (e, "subject"),
                              json_object_get_string_member (e, "status"));
    }
  details = json_object_new ();
  json_object_set_array_member (details, "unmet", json_array_ref (unmet));
  return tala_reject (ctx, error, "prerequisite_not_met", details, "%s requires %s",
                      arg_str (ctx, "subject"), text->str);
}

/* D-E3: the cap holds exactly; no override by anyone. */
static gboolean
check_unit_cap (TalaCtx     *ctx,
                TalaTakeRef *ref,
                gint64      *current,
                GError     **error)
{
  gint64 max;
  JsonObject *details;

  if (!tala_config_int (ctx->ledger, "max_units_per_semester", &max, error) ||
      !tala_db_int (ctx->ledger, current, NULL, error,
                    "SELECT total_units FROM enrollment WHERE id = :e",
                    ":e", DB_INT, ref->enrollment_id, NULL))
    return FALSE;
  if (*current + ref->subject_units <= max)
    return TRUE;
  details = json_object_new ();
  json_object_set_int_member (details, "current_units", *current);
  json_object_set_int_member (details, "units", ref->subject_units);
  json_object_set_int_member (details, "max_units", max);
  return tala_reject (ctx, error, "unit_cap_exceeded", details,
                      "%" G_GINT64_FORMAT " + %" G_GINT64_FORMAT " units would exceed the %"
                      G_GINT64_FORMAT "-unit cap", *current, ref->subject_units, max);
}

/* ---- subject.enroll: sections, capacity and conflicts -------------------- */

typedef struct
{
  gint64     id;
  char      *code;
  gint64     capacity;
  gint64     taken;         /* takes of the section that are not DROPPED */
  JsonArray *conflicts;     /* [{section, subject}] of the student's takes */
} SectionFit;

static void
section_fit_clear (gpointer data)
{
  SectionFit *fit = data;

  g_free (fit->code);
  g_clear_pointer (&fit->conflicts, json_array_unref);
}

/* The student's takes of the semester (not DROPPED) whose slots overlap
 * @section_id's on the same day; back to back is fine (D-E5). */
JsonArray *
_tala_section_conflicts (TalaLedger *self,
                         gint64      enrollment_id,
                         gint64      section_id,
                         GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT DISTINCT x.code, sub.code FROM take t"
                        " JOIN section x ON x.id = t.section_id"
                        " JOIN subject sub ON sub.id = t.subject_id"
                        " JOIN section_slot a ON a.section_id = x.id"
                        " JOIN section_slot b ON b.section_id = :new"
                        " WHERE t.enrollment_id = :e AND t.status <> 'DROPPED' AND x.id <> :new"
                        " AND a.day = b.day AND a.start_min < b.end_min AND b.start_min < a.end_min"
                        " ORDER BY x.code",
                        ":e", DB_INT, enrollment_id, ":new", DB_INT, section_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *c = json_object_new ();

      json_object_set_string_member (c, "section", tala_stmt_text (stmt, 0));
      json_object_set_string_member (c, "subject", tala_stmt_text (stmt, 1));
      json_array_add_object_element (out, c);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* The sections of the subject in the semester by code (only @code when
 * given), with their seats; conflicts are filled by fit_conflicts(). */
static GArray *
section_fits (TalaLedger *self,
              gint64      semester_id,
              gint64      subject_id,
              const char *code,
              GError    **error)
{
  g_autoptr(GArray) fits = g_array_new (FALSE, TRUE, sizeof (SectionFit));
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  g_array_set_clear_func (fits, section_fit_clear);
  stmt = tala_db_query (self, error,
                        "SELECT x.id, x.code, x.capacity, (SELECT count(*) FROM take t"
                        " WHERE t.section_id = x.id AND t.status <> 'DROPPED')"
                        " FROM section x WHERE x.semester_id = :m AND x.subject_id = :s"
                        " AND (:code IS NULL OR x.code = :code) ORDER BY x.code",
                        ":m", DB_INT, semester_id, ":s", DB_INT, subject_id,
                        ":code", DB_TEXT, code, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      SectionFit fit = { .id = tala_stmt_int (stmt, 0), .code = g_strdup (tala_stmt_text (stmt, 1)),
                         .capacity = tala_stmt_int (stmt, 2), .taken = tala_stmt_int (stmt, 3) };

      g_array_append_val (fits, fit);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&fits) : NULL;
}

static gboolean
fit_conflicts (TalaLedger *self,
               SectionFit *fit,
               gint64      enrollment_id,
               GError    **error)
{
  if (fit->conflicts == NULL)
    fit->conflicts = _tala_section_conflicts (self, enrollment_id, fit->id, error);
  return fit->conflicts != NULL;
}

/* What the op will do with its section. */
typedef struct
{
  SectionFit *fit;              /* borrowed from the fits array */
  gboolean    capacity_override;
  gboolean    schedule_override;
} EnrollPlan;

/* Judges one section: section_full, then schedule_conflict, each
 * overridable (an override flag is used only where its check fails, and
 * then needs a reason).  @overrides FALSE when the section was picked
 * automatically (never an override). */
static gboolean
judge_section (TalaCtx    *ctx,
               SectionFit *fit,
               gboolean    overrides,
               EnrollPlan *plan,
               GError    **error)
{
  gboolean full = fit->taken >= fit->capacity;
  gboolean clash = json_array_get_length (fit->conflicts) > 0;
  JsonObject *details;

  plan->fit = fit;
  plan->capacity_override = full && overrides && arg_bool (ctx, "override_capacity", FALSE);
  plan->schedule_override = clash && overrides &&
                            arg_bool (ctx, "override_schedule_conflict", FALSE);
  if (full && !plan->capacity_override)
    {
      details = json_object_new ();
      json_object_set_int_member (details, "capacity", fit->capacity);
      json_object_set_int_member (details, "taken", fit->taken);
      return tala_reject (ctx, error, "section_full", details,
                          "section %s is full (%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT ")",
                          fit->code, fit->taken, fit->capacity);
    }
  if (plan->capacity_override && !arg_has (ctx, "reason"))
    return tala_reject (ctx, error, "reason_required", details_field ("reason"),
                        "overriding the capacity of %s needs a reason", fit->code);
  if (clash && !plan->schedule_override)
    {
      details = json_object_new ();
      json_object_set_array_member (details, "conflicts", json_array_ref (fit->conflicts));
      return tala_reject (ctx, error, "schedule_conflict", details,
                          "section %s overlaps %u of the student's classes", fit->code,
                          json_array_get_length (fit->conflicts));
    }
  if (plan->schedule_override && !arg_has (ctx, "reason"))
    return tala_reject (ctx, error, "reason_required", details_field ("reason"),
                        "overriding a schedule conflict needs a reason");
  return TRUE;
}

/* no_section_available, section_mismatch, then the named section, or the
 * first section by code that fits (else the first one's failure). */
static gboolean
choose_section (TalaCtx     *ctx,
                TalaTakeRef *ref,
                GArray     **fits,
                EnrollPlan  *plan,
                GError     **error)
{
  const char *wanted = arg_str (ctx, "section");
  gint64 any = 0;

  *fits = section_fits (ctx->ledger, ref->semester_id, ref->subject_id, wanted, error);
  if (*fits == NULL ||
      (wanted != NULL && (*fits)->len == 0 &&
       !tala_db_int (ctx->ledger, &any, NULL, error,
                     "SELECT count(*) FROM section WHERE semester_id = :m AND subject_id = :s",
                     ":m", DB_INT, ref->semester_id, ":s", DB_INT, ref->subject_id, NULL)))
    return FALSE;
  if ((*fits)->len == 0 && any == 0)
    return tala_reject (ctx, error, "no_section_available", NULL, "%s has no section in %s",
                        arg_str (ctx, "subject"), arg_str (ctx, "semester"));
  if ((*fits)->len == 0)
    return tala_reject (ctx, error, "section_mismatch", details_field ("section"),
                        "%s has no section %s of %s", arg_str (ctx, "semester"), wanted,
                        arg_str (ctx, "subject"));
  for (guint i = 0; wanted == NULL && i < (*fits)->len; i++)
    {
      SectionFit *fit = &g_array_index (*fits, SectionFit, i);

      if (fit->taken >= fit->capacity)
        continue;
      if (!fit_conflicts (ctx->ledger, fit, ref->enrollment_id, error))
        return FALSE;
      if (json_array_get_length (fit->conflicts) == 0)
        return judge_section (ctx, fit, FALSE, plan, error);
    }
  if (!fit_conflicts (ctx->ledger, &g_array_index (*fits, SectionFit, 0), ref->enrollment_id,
                      error))
    return FALSE;
  return judge_section (ctx, &g_array_index (*fits, SectionFit, 0), wanted != NULL, plan, error);
}

/* ---- subject.enroll: writing --------------------------------------------- */

static gboolean
override_audits (TalaCtx    *ctx,
                 EnrollPlan *plan,
                 GError    **error)
{
  const char *reason = arg_str (ctx, "reason");
  JsonObject *after;

  if (plan->capacity_override)
    {
      after = json_object_new ();
      json_object_set_string_member (after, "reason", reason);
      json_object_set_string_member (after, "section", plan->fit->code);
      json_object_set_int_member (after, "capacity", plan->fit->capacity);
      json_object_set_int_member (after, "taken", plan->fit->taken);
      if (!tala_audit (ctx, "CAPACITY_OVERRIDE", "SubjectEnrollment", ctx->op_id, NULL, after,
                       error))
        return FALSE;
    }
  if (plan->schedule_override)
    {
      JsonArray *codes = json_array_new ();

      for (guint i = 0; i < json_array_get_length (plan->fit->conflicts); i++)
        json_array_add_string_element (codes, json_object_get_string_member (
                                         json_array_get_object_element (plan->fit->conflicts, i),
                                         "section"));
      after = json_object_new ();
      json_object_set_string_member (after, "reason", reason);
      json_object_set_string_member (after, "section", plan->fit->code);
      json_object_set_array_member (after, "conflicts", codes);
      if (!tala_audit (ctx, "SCHEDULE_CONFLICT_OVERRIDE", "SubjectEnrollment", ctx->op_id, NULL,
                       after, error))
        return FALSE;
    }
  return TRUE;
}

static void
enroll_result (TalaCtx     *ctx,
               TalaTakeRef *ref,
               EnrollPlan  *plan,
               gint64       total,
               gboolean     retake)
{
  JsonArray *codes = json_array_new ();
  JsonArray *conflicts = plan->fit->conflicts;

  for (guint i = 0; i < json_array_get_length (conflicts); i++)
    json_array_add_string_element (codes, json_object_get_string_member (
                                     json_array_get_object_element (conflicts, i), "section"));
  json_object_set_string_member (ctx->result, "subject_enrollment_id", ctx->op_id);
  json_object_set_string_member (ctx->result, "student", ref->number);
  json_object_set_string_member (ctx->result, "semester", arg_str (ctx, "semester"));
  json_object_set_string_member (ctx->result, "subject", arg_str (ctx, "subject"));
  json_object_set_string_member (ctx->result, "section", plan->fit->code);
  json_object_set_int_member (ctx->result, "units_added", ref->subject_units);
  json_object_set_int_member (ctx->result, "total_units", total);
  json_object_set_boolean_member (ctx->result, "is_retake", retake);
  json_object_set_boolean_member (ctx->result, "has_conflict",
                                  json_array_get_length (conflicts) > 0);
  json_object_set_array_member (ctx->result, "conflicts", codes);
  json_object_set_boolean_member (ctx->result, "schedule_override_applied",
                                  plan->schedule_override);
  json_object_set_boolean_member (ctx->result, "capacity_override_applied",
                                  plan->capacity_override);
}

static gboolean
enroll_write (TalaCtx     *ctx,
              TalaTakeRef *ref,
              EnrollPlan  *plan,
              gint64       current,
              GError     **error)
{
  gint64 retake;
  JsonObject *after;

  if (!tala_db_int (ctx->ledger, &retake, NULL, error,
                    "SELECT count(*) FROM enrollment e JOIN take t ON t.enrollment_id = e.id"
                    " WHERE e.student_id = :st AND +t.subject_id = :sub"
                    " AND t.status IN ('FAILED', 'DROPPED')",
                    ":st", DB_INT, ref->student_id, ":sub", DB_INT, ref->subject_id, NULL) ||
      !tala_db_exec (ctx->ledger, error,
                     "INSERT INTO take (uuid, enrollment_id, subject_id, section_id, units, status,"
                     " grade_status, is_retake, created_at, hub_seq)"
                     " VALUES (:u, :e, :sub, :x, :units, 'ENROLLED', 'PENDING', :retake, :at,"
                     " :seq)",
                     ":u", DB_TEXT, ctx->op_id, ":e", DB_INT, ref->enrollment_id,
                     ":sub", DB_INT, ref->subject_id, ":x", DB_INT, plan->fit->id,
                     ":units", DB_INT, ref->subject_units, ":retake", DB_INT, (gint64) (retake > 0),
                     ":at", DB_INT, ctx->applied_at, ":seq", DB_INT, ctx->hub_seq, NULL) ||
      !tala_db_exec (ctx->ledger, error,
                     "UPDATE enrollment SET total_units = total_units + :u, hub_seq = :seq"
                     " WHERE id = :e", ":u", DB_INT, ref->subject_units,
                     ":seq", DB_INT, ctx->hub_seq, ":e", DB_INT, ref->enrollment_id, NULL))
    return FALSE;
  enroll_result (ctx, ref, plan, current + ref->subject_units, retake > 0);

  after = json_object_new ();
  json_object_set_string_member (after, "student", ref->number);
  json_object_set_string_member (after, "semester", arg_str (ctx, "semester"));
  json_object_set_string_member (after, "subject", arg_str (ctx, "subject"));
  json_object_set_string_member (after, "section", plan->fit->code);
  json_object_set_int_member (after, "units", ref->subject_units);
  json_object_set_string_member (after, "status", "ENROLLED");
  json_object_set_boolean_member (after, "is_retake", retake > 0);
  return tala_audit (ctx, "SUBJECT_ENROLLED", "SubjectEnrollment", ctx->op_id, NULL, after,
                     error) &&
         override_audits (ctx, plan, error);
}

gboolean
_tala_kind_subject_enroll (TalaCtx *ctx,
                           GError **error)
{
  TalaTakeRef ref = { 0 };
  EnrollPlan plan = { 0 };
  g_autoptr(GArray) fits = NULL;
  gint64 current = 0;
  gboolean ok = FALSE;

  if (!check_self (ctx, error) ||
      !_tala_take_ref_resolve (ctx, &ref, error) ||
      !check_active (ctx, &ref, error) ||
      !check_window (ctx, &ref, error) ||
      !check_not_taken (ctx, &ref, error) ||
      !check_month1 (ctx, &ref, error) ||
      !check_prerequisites (ctx, &ref, error) ||
      !check_unit_cap (ctx, &ref, &current, error))
    goto out;
  if (!choose_section (ctx, &ref, &fits, &plan, error) ||
      !enroll_write (ctx, &ref, &plan, current, error))
    goto out;
  ok = TRUE;
out:
  _tala_take_ref_clear (&ref);
  return ok;
}

/* ---- subject.drop -------------------------------------------------------- */

const TalaArgSpec _tala_args_subject_drop[] = {
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, TRUE },
  { "subject", ARG_CODE, TRUE },
  { "reason", ARG_REASON, FALSE },
  { NULL }
};

/* The live take, else already_dropped (only DROPPED ones) or not_enrolled;
 * then grade_finalized. */
static gboolean
droppable_take (TalaCtx     *ctx,
                TalaTakeRef *ref,
                TalaTake    *take,
                GError     **error)
{
  gboolean found;
  gint64 dropped;

  if (!_tala_take_find_live (ctx->ledger, ref->enrollment_id, ref->subject_id, take, &found,
                             error))
    return FALSE;
  if (!found)
    {
      if (!tala_db_int (ctx->ledger, &dropped, NULL, error,
                        "SELECT count(*) FROM take WHERE enrollment_id = :e AND +subject_id = :s",
                        ":e", DB_INT, ref->enrollment_id, ":s", DB_INT, ref->subject_id, NULL))
        return FALSE;
      if (dropped > 0)
        return tala_reject (ctx, error, "already_dropped", NULL, "%s already dropped %s in %s",
                            ref->number, arg_str (ctx, "subject"), arg_str (ctx, "semester"));
      return tala_reject (ctx, error, "not_enrolled", NULL, "%s does not take %s in %s",
                          ref->number, arg_str (ctx, "subject"), arg_str (ctx, "semester"));
    }
  if (strcmp (take->grade_status, "FINALIZED") == 0 || strcmp (take->status, "CREDITED") == 0)
    return tala_reject (ctx, error, "grade_finalized", NULL,
                        "%s in %s has a final grade and cannot be dropped",
                        arg_str (ctx, "subject"), arg_str (ctx, "semester"));
  return TRUE;
}

static gboolean
drop_write (TalaCtx     *ctx,
            TalaTakeRef *ref,
            TalaTake    *take,
            GError     **error)
{
  gint64 total;
  JsonObject *before, *after;

  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE take SET status = 'DROPPED', dropped_at = :at, drop_reason = :r,"
                     " hub_seq = :seq WHERE id = :t",
                     ":at", DB_INT, ctx->applied_at, ":r", DB_TEXT, arg_str (ctx, "reason"),
                     ":seq", DB_INT, ctx->hub_seq, ":t", DB_INT, take->id, NULL) ||
      !tala_db_exec (ctx->ledger, error,
                     "UPDATE enrollment SET total_units = total_units - :u, hub_seq = :seq"
                     " WHERE id = :e", ":u", DB_INT, take->units, ":seq", DB_INT, ctx->hub_seq,
                     ":e", DB_INT, ref->enrollment_id, NULL) ||
      !tala_db_int (ctx->ledger, &total, NULL, error,
                    "SELECT total_units FROM enrollment WHERE id = :e",
                    ":e", DB_INT, ref->enrollment_id, NULL))
    return FALSE;
  json_object_set_string_member (ctx->result, "subject_enrollment_id", take->uuid);
  json_object_set_string_member (ctx->result, "student", ref->number);
  json_object_set_string_member (ctx->result, "semester", arg_str (ctx, "semester"));
  json_object_set_string_member (ctx->result, "subject", arg_str (ctx, "subject"));
  json_object_set_int_member (ctx->result, "units_removed", take->units);
  json_object_set_int_member (ctx->result, "total_units", total);

  before = json_object_new ();
  json_object_set_string_member (before, "subject", arg_str (ctx, "subject"));
  json_object_set_string_member (before, "status", take->status);
  after = json_object_new ();
  json_object_set_string_member (after, "status", "DROPPED");
  obj_set_str (after, "reason", arg_str (ctx, "reason"));
  json_object_set_int_member (after, "units_removed", take->units);
  return tala_audit (ctx, "SUBJECT_DROPPED", "SubjectEnrollment", take->uuid, before, after,
                     error);
}

gboolean
_tala_kind_subject_drop (TalaCtx *ctx,
                         GError **error)
{
  TalaTakeRef ref = { 0 };
  TalaTake take = { 0 };
  gboolean ok;

  ok = check_self (ctx, error) &&
       _tala_take_ref_resolve (ctx, &ref, error) &&
       check_window (ctx, &ref, error) &&
       droppable_take (ctx, &ref, &take, error) &&
       drop_write (ctx, &ref, &take, error);
  _tala_take_clear (&take);
  _tala_take_ref_clear (&ref);
  return ok;
}
