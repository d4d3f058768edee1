/* hub-route-registrar.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The registrar API (ops.md §5): students (list, detail, student.register,
 * student.update), semester enrollments (enrollment.create), transfer
 * credits, LOA periods, subjects on a student's behalf (subject.enroll,
 * subject.drop), grades (grade.submit, grade.override, grade.finalize),
 * promissory notes, and the reads: transcript, payments, audit entries,
 * INC takes, unassigned payments and section rosters.
 *
 * Who (D-A2, ops.md §1.9): the student list and detail, registration and
 * semester enrollment admit ADMIT (the registrars, admission staff and
 * ADMIN); everything else REG.  A body's members are the op's args (ops.md
 * §2) minus those the URL gives; an unknown member or a wrong JSON type is
 * 400 invalid_args before any op is made, and an id of the URL that names
 * nothing is 404.  Registration takes neither `via` (REST desks are DESK;
 * P3 is the ONLINE route) nor `provisional_number` (terminals only).
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-server-private.h"
#include "tala-ledger-registrar.h"

#define HUB_ADMIT (HUB_REG | HUB_ROLE_ADMISSION_STAFF)

/* ---- Bodies -------------------------------------------------------------- */

typedef enum
{
  M_TEXT,         /* a string, trimmed; blank is absent */
  M_KEEP,         /* a string, trimmed; blank is kept ("" clears, student.update) */
  M_INT,          /* a JSON integer */
  M_BOOL,         /* true or false */
  M_MONEY,        /* a string or number with at most two decimals, as "123.45" */
  M_ENROLLMENT,   /* {semester, monthly_commitment} of student.register */
} MemberType;

typedef struct
{
  const char *name;       /* the body member and the op arg */
  MemberType  type;
  gboolean    required;   /* reasons never are: the op answers reason_required */
} Member;

static gboolean
wrong_type (HubRequest *req,
            const char *name,
            const char *what)
{
  hub_request_error (req, 400, "invalid_args", "%s must be %s", name, what);
  return FALSE;
}

static gboolean
holds (JsonNode *node,
       GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean copy_member (HubRequest   *req,
                             JsonObject   *body,
                             const Member *m,
                             JsonObject   *args);

static const Member enrollment_members[] = {
  { "semester", M_TEXT, TRUE },
  { "monthly_commitment", M_MONEY, TRUE },
  { NULL }
};

/* Copies the members of @body listed in @members to @args; FALSE (with a
 * 400) on a member not listed, a missing required one or a wrong type. */
static gboolean
copy_members (HubRequest   *req,
              JsonObject   *body,
              const Member *members,
              JsonObject   *args)
{
  const char *allowed[16];
  guint n = 0;

  for (const Member *m = members; m->name != NULL; m++)
    {
      g_assert (n < G_N_ELEMENTS (allowed) - 1);
      allowed[n++] = m->name;
    }
  allowed[n] = NULL;
  if (!hub_request_only_members (req, body, allowed))
    return FALSE;
  for (const Member *m = members; m->name != NULL; m++)
    if (!copy_member (req, body, m, args))
      return FALSE;
  return TRUE;
}

static gboolean
copy_member (HubRequest   *req,
             JsonObject   *body,
             const Member *m,
             JsonObject   *args)
{
  JsonNode *node = json_object_get_member (body, m->name);
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) sub = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    goto absent;
  switch (m->type)
    {
    case M_TEXT:
    case M_KEEP:
      if (!holds (node, G_TYPE_STRING))
        return wrong_type (req, m->name, "a string");
      text = g_strstrip (g_strdup (json_node_get_string (node)));
      if (text[0] == '\0' && m->type == M_TEXT)
        goto absent;
      json_object_set_string_member (args, m->name, text);
      return TRUE;
    case M_INT:
      if (!holds (node, G_TYPE_INT64))
        return wrong_type (req, m->name, "an integer");
      json_object_set_int_member (args, m->name, json_node_get_int (node));
      return TRUE;
    case M_BOOL:
      if (!holds (node, G_TYPE_BOOLEAN))
        return wrong_type (req, m->name, "true or false");
      json_object_set_boolean_member (args, m->name, json_node_get_boolean (node));
      return TRUE;
    case M_MONEY:
      if (!hub_normalize_amount (node, &text))
        {
          hub_request_error (req, 400, "invalid_amount",
                            "%s must be an amount with at most two decimals", m->name);
          return FALSE;
        }
      json_object_set_string_member (args, m->name, text);
      return TRUE;
    case M_ENROLLMENT:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return wrong_type (req, m->name, "an object {semester, monthly_commitment}");
      sub = json_object_new ();
      if (!copy_members (req, json_node_get_object (node), enrollment_members, sub))
        return FALSE;
      json_object_set_object_member (args, m->name, g_steal_pointer (&sub));
      return TRUE;
    default:
      g_assert_not_reached ();
      return FALSE;
    }

absent:
  if (m->required)
    {
      hub_request_error (req, 400, "invalid_args", "%s is required", m->name);
      return FALSE;
    }
  return TRUE;
}

/* ---- Ops ----------------------------------------------------------------- */

/* Answers 404 with the op's own code (unknown_student, unknown_semester,
 * unknown_subject) when the URL's student, semester or subject names
 * nothing, so that no op is made for it. */
static gboolean
url_known (HubRequest *req,
           TalaLedger *ledger)
{
  const char *unknown = NULL;
  g_autoptr(GError) error = NULL;

  if (!tala_ledger_registrar_check_refs (ledger, hub_request_param (req, "number"),
                                         hub_request_param (req, "semester"),
                                         hub_request_param (req, "subject"), &unknown, &error))
    {
      hub_request_ledger_error (req, error);
      return FALSE;
    }
  if (unknown == NULL)
    return TRUE;
  hub_request_error (req, 404, unknown, "no such %s", strchr (unknown, '_') + 1);
  return FALSE;
}

/* The args of an op: the URL's ids (number → student, semester, subject,
 * period) and the body's members.  NULL when answered. */
static JsonObject *
op_args (HubRequest   *req,
         TalaLedger   *ledger,
         const Member *members)
{
  static const char *const url[][2] = {
    { "number", "student" }, { "semester", "semester" }, { "subject", "subject" },
    { "period", "period" },
  };
  g_autoptr(JsonObject) args = json_object_new ();

  if (!copy_members (req, hub_request_object (req), members, args) || !url_known (req, ledger))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (url); i++)
    if (hub_request_param (req, url[i][0]) != NULL)
      json_object_set_string_member (args, url[i][1], hub_request_param (req, url[i][0]));
  return g_steal_pointer (&args);
}

static void
op_work (HubRequest   *req,
         TalaLedger   *ledger,
         const char   *kind,
         const Member *members)
{
  JsonObject *args = op_args (req, ledger, members);

  if (args != NULL)
    hub_request_set_op (req, kind, args);
}

/* Writer thread: the reply of an applied (or replayed) op is its result;
 * 201 when the op created something (ops.md §5), else 200. */
static void
shape_created (HubRequest *req,
               TalaLedger *ledger,
               JsonObject *envelope)
{
  hub_request_reply_object (req, 201, json_object_ref (
                              json_object_get_object_member (envelope, "result")));
}

static void
shape_ok (HubRequest *req,
          TalaLedger *ledger,
          JsonObject *envelope)
{
  hub_request_reply_object (req, 200, json_object_ref (
                              json_object_get_object_member (envelope, "result")));
}

static const Member register_members[] = {
  { "first_name", M_TEXT, TRUE }, { "last_name", M_TEXT, TRUE }, { "program", M_TEXT, TRUE },
  { "email", M_TEXT }, { "phone_number", M_TEXT }, { "address", M_TEXT },
  { "date_of_birth", M_TEXT }, { "is_transferee", M_BOOL }, { "enrollment_year", M_INT },
  { "enrollment", M_ENROLLMENT },
  { NULL }
};

static void
register_work (HubRequest *req,
               TalaLedger *ledger)
{
  op_work (req, ledger, "student.register", register_members);
}

static const Member update_members[] = {
  { "first_name", M_KEEP }, { "last_name", M_KEEP }, { "email", M_KEEP },
  { "phone_number", M_KEEP }, { "address", M_KEEP }, { "date_of_birth", M_KEEP },
  { "program", M_KEEP }, { "is_transferee", M_BOOL }, { "status", M_KEEP },
  { "reason", M_TEXT },
  { NULL }
};

static void
update_work (HubRequest *req,
             TalaLedger *ledger)
{
  op_work (req, ledger, "student.update", update_members);
}

static const Member enroll_semester_members[] = {
  { "semester", M_TEXT, TRUE }, { "monthly_commitment", M_MONEY, TRUE },
  { "carry_credit", M_BOOL },
  { NULL }
};

static void
enrollment_work (HubRequest *req,
                 TalaLedger *ledger)
{
  op_work (req, ledger, "enrollment.create", enroll_semester_members);
}

static const Member credit_members[] = {
  { "semester", M_TEXT, TRUE }, { "subject", M_TEXT, TRUE },
  { "prior_institution", M_TEXT, TRUE }, { "prior_subject_code", M_TEXT, TRUE },
  { "prior_subject_name", M_TEXT, TRUE }, { "units", M_INT }, { "grade", M_TEXT },
  { "count_in_gpa", M_BOOL },
  { NULL }
};

static void
credit_work (HubRequest *req,
             TalaLedger *ledger)
{
  op_work (req, ledger, "credit.transfer", credit_members);
}

static const Member loa_new_members[] = {
  { "start_date", M_TEXT, TRUE }, { "end_date", M_TEXT }, { "reason", M_TEXT },
  { NULL }
};

static void
loa_new_work (HubRequest *req,
              TalaLedger *ledger)
{
  op_work (req, ledger, "loa.record", loa_new_members);
}

static const Member loa_close_members[] = {
  { "start_date", M_TEXT }, { "end_date", M_TEXT, TRUE }, { "reason", M_TEXT },
  { NULL }
};

/* Closes the URL's LOA period: `start_date` defaults to the period's own,
 * which loa.record wants repeated. */
static void
loa_close_work (HubRequest *req,
                TalaLedger *ledger)
{
  g_autoptr(JsonObject) args = op_args (req, ledger, loa_close_members);
  g_autofree char *loa = g_ascii_strdown (hub_request_param (req, "loa_id"), -1);
  g_autofree char *start = NULL;
  g_autoptr(GError) error = NULL;

  if (args == NULL)
    return;
  if (g_uuid_string_is_valid (loa))
    start = tala_ledger_registrar_loa_start (ledger, json_object_get_string_member (args,
                                                                                  "student"),
                                             loa, &error);
  if (start == NULL && error != NULL &&
      !g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    {
      hub_request_ledger_error (req, error);
      return;
    }
  if (start == NULL)
    {
      hub_request_error (req, 404, "unknown_loa", "no such leave of absence of this student");
      return;
    }
  json_object_set_string_member (args, "loa", loa);
  if (!json_object_has_member (args, "start_date"))
    json_object_set_string_member (args, "start_date", start);
  hub_request_set_op (req, "loa.record", g_steal_pointer (&args));
}

static const Member enroll_members[] = {
  { "subject", M_TEXT, TRUE }, { "section", M_TEXT },
  { "override_schedule_conflict", M_BOOL }, { "override_capacity", M_BOOL },
  { "reason", M_TEXT },
  { NULL }
};

static void
enroll_work (HubRequest *req,
             TalaLedger *ledger)
{
  op_work (req, ledger, "subject.enroll", enroll_members);
}

static const Member drop_members[] = {
  { "reason", M_TEXT },
  { NULL }
};

static void
drop_work (HubRequest *req,
           TalaLedger *ledger)
{
  op_work (req, ledger, "subject.drop", drop_members);
}

static const Member grade_members[] = {
  { "grade", M_TEXT, TRUE }, { "comments", M_TEXT },
  { NULL }
};

static void
grade_work (HubRequest *req,
            TalaLedger *ledger)
{
  op_work (req, ledger, "grade.submit", grade_members);
}

static const Member override_members[] = {
  { "grade", M_TEXT, TRUE }, { "reason", M_TEXT },
  { NULL }
};

static void
override_work (HubRequest *req,
               TalaLedger *ledger)
{
  op_work (req, ledger, "grade.override", override_members);
}

static const Member promissory_members[] = {
  { "promised_date", M_TEXT, TRUE }, { "reason", M_TEXT },
  { NULL }
};

static void
promissory_work (HubRequest *req,
                 TalaLedger *ledger)
{
  static const char *const periods[] = { "PRELIM", "MIDTERM", "PREFINAL", "FINAL", NULL };

  if (!g_strv_contains (periods, hub_request_param (req, "period")))
    {
      hub_request_error (req, 404, "not_found",
                         "an exam period is PRELIM, MIDTERM, PREFINAL or FINAL");
      return;
    }
  op_work (req, ledger, "permit.promissory", promissory_members);
}

static const Member finalize_members[] = {
  { "semester", M_TEXT, TRUE }, { "section", M_TEXT },
  { NULL }
};

static void
finalize_work (HubRequest *req,
               TalaLedger *ledger)
{
  op_work (req, ledger, "grade.finalize", finalize_members);
}

/* ---- Reads --------------------------------------------------------------- */

/* Answers a failed read: 404 not_found when the URL names nothing. */
static void
read_failed (HubRequest   *req,
             const GError *error)
{
  if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 404, "not_found", "%s", error->message);
  else
    hub_request_ledger_error (req, error);
}

static void
students_work (HubRequest *req,
               TalaLedger *ledger)
{
  g_autofree char *q = g_strstrip (g_strdup (hub_request_query (req, "q") ?: ""));
  guint page = hub_request_page_number (req);
  g_autoptr(GError) error = NULL;
  gint64 count = 0;
  JsonArray *results;

  if (page == 0)
    return;
  results = tala_ledger_registrar_students (ledger, q, (page - 1) * HUB_PAGE_SIZE, HUB_PAGE_SIZE,
                                            &count, &error);
  if (results == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_page (req, page, count, results);
}

static void
student_work (HubRequest *req,
              TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *student;

  student = tala_ledger_registrar_student (ledger, hub_request_param (req, "number"),
                                           tala_now_us (), &error);
  if (student == NULL)
    read_failed (req, error);
  else
    hub_request_reply_object (req, 200, student);
}

static void
transcript_work (HubRequest *req,
                 TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *transcript;

  transcript = tala_ledger_transcript (ledger, hub_request_param (req, "number"), &error);
  if (transcript == NULL)
    read_failed (req, error);
  else
    hub_request_reply_object (req, 200, transcript);
}

/* The student's money: each enrollment's summary, the unassigned credit,
 * and every payment, void and adjustment, newest first. */
static void
payments_work (HubRequest *req,
               TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) account = NULL;
  JsonArray *enrollments;
  JsonObject *out;
  gint64 count;

  account = tala_ledger_account (ledger, hub_request_param (req, "number"), NULL, &error);
  if (account == NULL)
    {
      read_failed (req, error);
      return;
    }
  enrollments = tala_ledger_student_enrollments (ledger, hub_request_param (req, "number"), 0, 0,
                                                 &count, &error);
  if (enrollments == NULL)
    {
      read_failed (req, error);
      return;
    }
  out = json_object_new ();
  json_object_set_string_member (out, "student", json_object_get_string_member (account,
                                                                                "student"));
  json_object_set_string_member (out, "unassigned_credit", json_object_get_string_member (
                                   account, "unassigned_credit"));
  json_object_set_array_member (out, "enrollments", enrollments);
  json_object_set_array_member (out, "payments", json_array_ref (
                                  json_object_get_array_member (account, "history")));
  hub_request_reply_object (req, 200, out);
}

static void
audit_work (HubRequest *req,
            TalaLedger *ledger)
{
  guint page = hub_request_page_number (req);
  g_autoptr(GError) error = NULL;
  gint64 count = 0;
  JsonArray *results;

  if (page == 0)
    return;
  results = tala_ledger_registrar_audit (ledger, hub_request_param (req, "number"),
                                         (page - 1) * HUB_PAGE_SIZE, HUB_PAGE_SIZE, &count,
                                         &error);
  if (results == NULL)
    read_failed (req, error);
  else
    hub_request_reply_page (req, page, count, results);
}

static void
inc_work (HubRequest *req,
          TalaLedger *ledger)
{
  const char *within = hub_request_query (req, "within_days");
  g_autoptr(GError) error = NULL;
  gint64 days = -1;
  JsonArray *takes;
  JsonNode *node;

  if (within != NULL && within[0] != '\0' &&
      !g_ascii_string_to_signed (within, 10, 0, 36500, &days, NULL))
    {
      hub_request_error (req, 400, "invalid_args",
                         "within_days must be a whole number of days from 0 to 36500");
      return;
    }
  takes = tala_ledger_registrar_inc (ledger, tala_now_us (), days, &error);
  if (takes == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, takes);
  hub_request_reply (req, 200, node);
}

static void
unassigned_work (HubRequest *req,
                 TalaLedger *ledger)
{
  guint page = hub_request_page_number (req);
  g_autoptr(GError) error = NULL;
  gint64 count = 0;
  JsonArray *results;

  if (page == 0)
    return;
  results = tala_ledger_registrar_unassigned_payments (ledger, (page - 1) * HUB_PAGE_SIZE,
                                                       HUB_PAGE_SIZE, &count, &error);
  if (results == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_page (req, page, count, results);
}

static void
roster_work (HubRequest *req,
             TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *roster;

  roster = tala_ledger_registrar_roster (ledger, hub_request_param (req, "semester"),
                                         hub_request_param (req, "code"), &error);
  if (roster == NULL)
    read_failed (req, error);
  else
    hub_request_reply_object (req, 200, roster);
}

#define R "/api/v1/registrar/"
#define S R "students/{number}/"
#define T S "enrollments/{semester}/subjects/{subject}/"

const HubRoute hub_routes_registrar[] = {
  { "GET", R "students/", HUB_ADMIT, students_work, NULL, NULL, NULL,
    "Students whose number, name or e-mail contains ?q= (all without), 20 a page" },
  { "POST", R "students/", HUB_ADMIT, register_work, NULL, shape_created, NULL,
    "Register a student, optionally enrolled in a semester (student.register)" },
  { "GET", S, HUB_ADMIT, student_work, NULL, NULL, NULL,
    "A student's profile, details, LOA periods and enrollments" },
  { "PATCH", S, HUB_REG, update_work, NULL, shape_ok, NULL,
    "Change a student's profile, program or status (student.update)" },
  { "POST", S "enrollments/", HUB_ADMIT, enrollment_work, NULL, shape_created, NULL,
    "Enroll a student in a semester with a monthly commitment (enrollment.create)" },
  { "POST", S "transfer_credits/", HUB_REG, credit_work, NULL, shape_created, NULL,
    "Credit a subject taken at a prior school (credit.transfer)" },
  { "POST", S "loa/", HUB_REG, loa_new_work, NULL, shape_created, NULL,
    "Record a leave of absence (loa.record)" },
  { "PATCH", S "loa/{loa_id}/", HUB_REG, loa_close_work, NULL, shape_ok, "unknown_loa",
    "Close an open leave of absence with its end date (loa.record)" },
  { "POST", S "enrollments/{semester}/subjects/", HUB_REG, enroll_work, NULL, shape_created,
    "unknown_semester", "Enroll a student in a subject on their behalf (subject.enroll)" },
  { "POST", T "drop/", HUB_REG, drop_work, NULL, shape_ok, "unknown_subject",
    "Drop a student's subject (subject.drop)" },
  { "PUT", T "grade/", HUB_REG, grade_work, NULL, shape_ok, "unknown_subject",
    "Submit or replace a grade before finalization (grade.submit)" },
  { "POST", T "grade/override/", HUB_REG, override_work, NULL, shape_ok, "unknown_subject",
    "Change a finalized grade with a reason (grade.override)" },
  { "POST", S "enrollments/{semester}/permits/{period}/promissory/", HUB_REG, promissory_work,
    NULL, shape_created, "unknown_semester",
    "Unlock an exam permit on a promissory note (permit.promissory)" },
  { "POST", R "grades/finalize/", HUB_REG, finalize_work, NULL, shape_ok, NULL,
    "Finalize the submitted grades of a section or semester (grade.finalize)" },
  { "GET", S "transcript/", HUB_REG, transcript_work, NULL, NULL, NULL,
    "A student's transcript with GPAs" },
  { "GET", S "payments/", HUB_REG, payments_work, NULL, NULL, NULL,
    "A student's enrollments' balances, unassigned credit and payment history" },
  { "GET", S "audit/", HUB_REG, audit_work, NULL, NULL, NULL,
    "The audit entries about a student, newest first, 20 a page" },
  { "GET", R "inc/", HUB_REG, inc_work, NULL, NULL, NULL,
    "INC grades with days left before expiry (?within_days= to limit), fewest first" },
  { "GET", R "unassigned_payments/", HUB_REG, unassigned_work, NULL, NULL, NULL,
    "Payments on students' unassigned accounts, newest first, 20 a page" },
  { "GET", R "sections/{semester}/{code}/roster/", HUB_REG, roster_work, NULL, NULL, NULL,
    "A section's class list with take statuses and grades" },
  { NULL }
};
