/* ledger-credits.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * credit.transfer (ops.md §2.2; D-E8, BR §14.5): a transferee's credit from
 * a prior school becomes a CREDITED, FINALIZED take without a section,
 * outside the unit load; it satisfies prerequisites and counts in the GPA
 * only with count_in_gpa.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"


#include "ledger-private.h"

const TalaArgSpec _tala_args_credit_transfer[] = {
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, TRUE },
  { "subject", ARG_CODE, TRUE },
  { "prior_institution", ARG_TEXT, TRUE, .max = 255 },
  { "prior_subject_code", ARG_TEXT, TRUE, .max = 50 },
  { "prior_subject_name", ARG_TEXT, TRUE, .max = 255 },
  { "units", ARG_INT, FALSE, 1, 30 },
  { "grade", ARG_TEXT, FALSE, .max = 10, .bad_code = "invalid_grade" },
  { "count_in_gpa", ARG_BOOL, FALSE },
  { NULL }
};

/* already_credited, already_passed, already_enrolled: by the status of the
 * student's takes of the subject in any semester (a live take in the
 * enrollment the credit is filed under blocks it too). */
static gboolean
check_creditable (TalaCtx     *ctx,
                  TalaTakeRef *ref,
                  GError     **error)
{
  static const char * const order[][2] = {
    { "CREDITED", "already_credited" }, { "PASSED", "already_passed" },
    { "ENROLLED", "already_enrolled" },
  };
  gint64 n;
  gboolean found;
  TalaTake take = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      if (!tala_db_int (ctx->ledger, &n, NULL, error,
                        "SELECT count(*) FROM enrollment e JOIN take t ON t.enrollment_id = e.id"
                        " WHERE e.student_id = :st AND +t.subject_id = :sub AND t.status = :status",
                        ":st", DB_INT, ref->student_id, ":sub", DB_INT, ref->subject_id,
                        ":status", DB_TEXT, order[i][0], NULL))
        return FALSE;
      if (n > 0)
        return tala_reject (ctx, error, order[i][1], NULL, "%s already has %s %s", ref->number,
                            arg_str (ctx, "subject"), order[i][0]);
    }
  if (!_tala_take_find_live (ctx->ledger, ref->enrollment_id, ref->subject_id, &take, &found,
                             error))
    return FALSE;
  if (found)
    tala_reject (ctx, error, "already_enrolled", NULL,
                 "%s has a %s take of %s in %s; file the credit under another semester",
                 ref->number, take.status, arg_str (ctx, "subject"), arg_str (ctx, "semester"));
  _tala_take_clear (&take);
  return !found;
}

static gboolean
credit_write (TalaCtx     *ctx,
              TalaTakeRef *ref,
              GError     **error)
{
  gint64 units = arg_int (ctx, "units", ref->subject_units);
  gboolean counted = arg_bool (ctx, "count_in_gpa", FALSE);
  JsonObject *after;
  char gpa[8];

  if (!tala_db_exec (ctx->ledger, error,
                     "INSERT INTO take (uuid, enrollment_id, subject_id, units, status,"
                     " grade_status, grade, count_in_gpa, prior_institution, prior_subject_code,"
                     " prior_subject_name, created_at, hub_seq)"
                     " VALUES (:u, :e, :sub, :units, 'CREDITED', 'FINALIZED', :g, :c, :pi, :pc,"
                     " :pn, :at, :seq)",
                     ":u", DB_TEXT, ctx->op_id, ":e", DB_INT, ref->enrollment_id,
                     ":sub", DB_INT, ref->subject_id, ":units", DB_INT, units,
                     ":g", DB_TEXT, arg_str (ctx, "grade"), ":c", DB_INT, (gint64) counted,
                     ":pi", DB_TEXT, arg_str (ctx, "prior_institution"),
                     ":pc", DB_TEXT, arg_str (ctx, "prior_subject_code"),
                     ":pn", DB_TEXT, arg_str (ctx, "prior_subject_name"),
                     ":at", DB_INT, ctx->applied_at, ":seq", DB_INT, ctx->hub_seq, NULL) ||
      !_tala_gpa_update (ctx, ref->student_id, gpa, NULL, error))
    return FALSE;
  json_object_set_string_member (ctx->result, "subject_enrollment_id", ctx->op_id);
  json_object_set_string_member (ctx->result, "student", ref->number);
  json_object_set_string_member (ctx->result, "semester", arg_str (ctx, "semester"));
  json_object_set_string_member (ctx->result, "subject", arg_str (ctx, "subject"));
  json_object_set_int_member (ctx->result, "units", units);
  json_object_set_boolean_member (ctx->result, "count_in_gpa", counted);
  json_object_set_string_member (ctx->result, "gpa", gpa);

  after = json_object_new ();
  json_object_set_string_member (after, "status", "CREDITED");
  json_object_set_string_member (after, "subject", arg_str (ctx, "subject"));
  json_object_set_string_member (after, "prior_institution", arg_str (ctx, "prior_institution"));
  json_object_set_string_member (after, "prior_subject_code", arg_str (ctx, "prior_subject_code"));
  json_object_set_int_member (after, "units", units);
  obj_set_str (after, "grade", arg_str (ctx, "grade"));
  json_object_set_boolean_member (after, "count_in_gpa", counted);
  return tala_audit (ctx, "SUBJECT_ENROLLED", "SubjectEnrollment", ctx->op_id, NULL, after,
                     error);
}

gboolean
_tala_kind_credit_transfer (TalaCtx *ctx,
                            GError **error)
{
  TalaTakeRef ref = { 0 };
  gboolean ok;

  if (arg_has (ctx, "grade") &&
      !_tala_grade_check (ctx, "grade", arg_str (ctx, "grade"), NULL, error))
    return FALSE;
  if (arg_bool (ctx, "count_in_gpa", FALSE) && !arg_has (ctx, "grade"))
    return tala_reject (ctx, error, "invalid_grade", details_field ("grade"),
                        "a credit that counts in the GPA needs its grade");
  ok = _tala_take_ref_resolve (ctx, &ref, error) &&
       check_creditable (ctx, &ref, error) &&
       credit_write (ctx, &ref, error);
  _tala_take_ref_clear (&ref);
  return ok;
}
