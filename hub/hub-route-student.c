/* hub-route-student.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The student API (business-rules §10.2, ops.md §5): S1 the caller's
 * profile, S2 their enrollments, their notifications; of one of their
 * enrollments the detail, S3 its subjects, S4 the available subjects, S5
 * enroll_subject (subject.enroll), S6 drop_subject (subject.drop), S7 the
 * payment status, S8 the PRELIM permit, all four permits, and S9 the
 * transcript.  Every answer is scoped to the caller's own student record.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hub-server-private.h"

static const char *
own_number (HubRequest *req)
{
  const char *number = json_object_get_string_member_with_default (req->user, "student", NULL);

  if (number == NULL)
    hub_request_error (req, 404, "not_found", "you have no student record");
  return number;
}

static void
profile_work (HubRequest *req,
              TalaLedger *ledger)
{
  const char *number = own_number (req);
  g_autoptr(GError) error = NULL;
  JsonObject *profile;

  if (number == NULL)
    return;
  profile = tala_ledger_student_profile (ledger, number, &error);
  if (profile == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_object (req, 200, profile);
}

/* The original's paginated profile list holds the caller's profile only:
 * one page of 20 (`?page=1`; any other page is 404, as in the original). */
static void
profile_list_work (HubRequest *req,
                   TalaLedger *ledger)
{
  const char *number = own_number (req);
  const char *page = hub_request_query (req, "page");
  g_autoptr(GError) error = NULL;
  JsonObject *profile, *out;
  JsonArray *results;

  if (number == NULL)
    return;
  if (page != NULL && strcmp (page, "1") != 0)
    {
      hub_request_error (req, 404, "not_found", "invalid page");
      return;
    }
  profile = tala_ledger_student_profile (ledger, number, &error);
  if (profile == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  out = json_object_new ();
  results = json_array_new ();
  json_array_add_object_element (results, profile);
  json_object_set_int_member (out, "count", 1);
  json_object_set_null_member (out, "next");
  json_object_set_null_member (out, "previous");
  json_object_set_array_member (out, "results", results);
  hub_request_reply_object (req, 200, out);
}

/* {id}: the profile's integer id; another student's is 404. */
static void
profile_detail_work (HubRequest *req,
                     TalaLedger *ledger)
{
  const char *number = own_number (req);
  const char *id = hub_request_param (req, "id");
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *own_id = NULL;

  if (number == NULL)
    return;
  profile = tala_ledger_student_profile (ledger, number, &error);
  if (profile == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  own_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (profile, "id"));
  if (strcmp (id, own_id) != 0)
    {
      hub_request_error (req, 404, "not_found", "no such profile of yours");
      return;
    }
  hub_request_reply_object (req, 200, g_steal_pointer (&profile));
}

/* {id} is a semester code (2025-FIRST) or the original's integer id. */
static char *
enrollment_semester (HubRequest *req,
                     TalaLedger *ledger,
                     const char *number)
{
  const char *id = hub_request_param (req, "id");
  g_autoptr(GError) error = NULL;
  char *end = NULL;
  gint64 n;
  char *semester;

  if (!g_ascii_isdigit (id[0]) || strchr (id, '-') != NULL)
    return g_strdup (id);
  n = g_ascii_strtoll (id, &end, 10);
  if (*end != '\0' || n <= 0)
    return g_strdup (id);
  semester = tala_ledger_enrollment_semester (ledger, number, n, &error);
  if (semester == NULL && !g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_ledger_error (req, error);
  else if (semester == NULL)
    hub_request_error (req, 404, "not_found", "no such enrollment of yours");
  return semester;
}

/* The caller's number and the semester of the URL's enrollment, which
 * must be theirs; answers 404 (and returns FALSE) otherwise.  @subjects
 * (nullable) gets tala_ledger_subjects() of that enrollment, with the
 * DROPPED takes when @include_dropped. */
static gboolean
own_enrollment (HubRequest  *req,
                TalaLedger  *ledger,
                gboolean     include_dropped,
                const char **number,
                char       **semester,
                JsonObject **subjects)
{
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(GError) error = NULL;

  *number = own_number (req);
  if (*number == NULL || (*semester = enrollment_semester (req, ledger, *number)) == NULL)
    return FALSE;
  found = tala_ledger_subjects (ledger, *number, *semester, include_dropped, &error);
  if (found == NULL && !g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    {
      hub_request_ledger_error (req, error);
      return FALSE;
    }
  if (found == NULL || !json_object_get_boolean_member (found, "enrolled"))
    {
      hub_request_error (req, 404, "not_found", "no such enrollment of yours");
      return FALSE;
    }
  if (subjects != NULL)
    *subjects = g_steal_pointer (&found);
  return TRUE;
}

/* The enrollment member of the caller's account in the URL's semester;
 * NULL (answered 404) when there is none. */
static JsonObject *
own_account (HubRequest  *req,
             TalaLedger  *ledger,
             char       **semester)
{
  const char *number = own_number (req);
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *enrollment;

  if (number == NULL || (*semester = enrollment_semester (req, ledger, number)) == NULL)
    return NULL;
  account = tala_ledger_account (ledger, number, *semester, &error);
  if (account == NULL && !g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    {
      hub_request_ledger_error (req, error);
      return NULL;
    }
  enrollment = account && json_object_has_member (account, "enrollment")
               ? json_object_get_object_member (account, "enrollment") : NULL;
  if (enrollment == NULL)
    {
      hub_request_error (req, 404, "not_found", "no such enrollment of yours");
      return NULL;
    }
  return json_object_ref (enrollment);
}

static JsonObject *
payment_month (JsonObject *bucket)
{
  JsonObject *m = json_object_new ();

  json_object_set_int_member (m, "month_number", json_object_get_int_member (bucket, "month"));
  json_object_set_string_member (m, "amount_due", json_object_get_string_member (bucket, "due"));
  json_object_set_string_member (m, "amount_paid",
                                 json_object_get_string_member (bucket, "paid_total"));
  json_object_set_string_member (m, "remaining_balance",
                                 json_object_get_string_member (bucket, "remaining"));
  json_object_set_boolean_member (m, "is_paid", json_object_get_boolean_member (bucket, "is_paid"));
  json_object_set_string_member (m, "due_date", json_object_get_string_member (bucket, "due_date"));
  return m;
}

static void
payment_status_work (HubRequest *req,
                     TalaLedger *ledger)
{
  const char *number = own_number (req);
  g_autofree char *semester = NULL;
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *enrollment, *out;
  JsonArray *buckets, *months;

  if (number == NULL || (semester = enrollment_semester (req, ledger, number)) == NULL)
    return;
  account = tala_ledger_account (ledger, number, semester, &error);
  if (account == NULL && !g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    {
      hub_request_ledger_error (req, error);
      return;
    }
  enrollment = account && json_object_has_member (account, "enrollment")
               ? json_object_get_object_member (account, "enrollment") : NULL;
  if (enrollment == NULL)
    {
      hub_request_error (req, 404, "not_found", "no such enrollment of yours");
      return;
    }
  out = json_object_new ();
  months = json_array_new ();
  buckets = json_object_get_array_member (enrollment, "buckets");
  for (guint i = 0; i < json_array_get_length (buckets); i++)
    json_array_add_object_element (months,
                                   payment_month (json_array_get_object_element (buckets, i)));
  json_object_set_string_member (out, "semester", semester);
  json_object_set_boolean_member (out, "month_1_paid",
                                  json_object_get_boolean_member (enrollment, "month1_paid"));
  json_object_set_string_member (out, "total_balance",
                                 json_object_get_string_member (enrollment, "balance"));
  json_object_set_string_member (out, "credit",
                                 json_object_get_string_member (enrollment, "credit"));
  json_object_set_array_member (out, "months", months);
  hub_request_reply_object (req, 200, out);
}


/* S2: the caller's enrollments, newest semester first. */
static void
enrollment_list_work (HubRequest *req,
                      TalaLedger *ledger)
{
  const char *number = own_number (req);
  guint page;
  gint64 count = 0;
  g_autoptr(GError) error = NULL;
  JsonArray *results;

  if (number == NULL || (page = hub_request_page_number (req)) == 0)
    return;
  results = tala_ledger_student_enrollments (ledger, number, (page - 1) * HUB_PAGE_SIZE, HUB_PAGE_SIZE,
                                             &count, &error);
  if (results == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_page (req, page, count, results);
}

/* The caller's notifications, newest first, with their read flags. */
static void
notifications_work (HubRequest *req,
                    TalaLedger *ledger)
{
  guint page = hub_request_page_number (req);
  gint64 count = 0;
  g_autoptr(GError) error = NULL;
  JsonArray *results;

  if (page == 0)
    return;
  results = tala_ledger_notifications (ledger, hub_request_username (req),
                                       (page - 1) * HUB_PAGE_SIZE, HUB_PAGE_SIZE, &count, &error);
  if (results == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_page (req, page, count, results);
}

/* ---- Detail, S3 ---------------------------------------------------------- */

static void
detail_work (HubRequest *req,
             TalaLedger *ledger)
{
  g_autofree char *semester = NULL;
  JsonObject *enrollment = own_account (req, ledger, &semester);

  if (enrollment == NULL)
    return;
  json_object_set_string_member (enrollment, "semester", semester);
  hub_request_reply_object (req, 200, enrollment);
}

static void
subjects_work (HubRequest *req,
               TalaLedger *ledger)
{
  const char *number;
  g_autofree char *semester = NULL;
  g_autoptr(JsonObject) subjects = NULL;
  JsonNode *node;

  if (!own_enrollment (req, ledger, FALSE, &number, &semester, &subjects))
    return;
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, json_object_get_array_member (subjects, "subjects"));
  hub_request_reply (req, 200, node);
}

/* S4: the program's subjects with a section in this semester that the
 * caller neither takes nor has passed, with sections and the status of
 * each prerequisite (subject.enroll judges them). */
static void
available_work (HubRequest *req,
                TalaLedger *ledger)
{
  const char *number;
  g_autofree char *semester = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *subjects;
  JsonNode *node;

  if (!own_enrollment (req, ledger, FALSE, &number, &semester, NULL))
    return;
  subjects = tala_ledger_available_subjects (ledger, number, semester, &error);
  if (subjects == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, subjects);
  hub_request_reply (req, 200, node);
}

/* ---- S5, S6 -------------------------------------------------------------- */

/* A code (or a take's UUID) from a JSON string member, or the original's
 * integer id into @id (0 when a code came); FALSE (answered 400) when it
 * is missing but @required, or neither a string of 1 to 64 bytes nor an
 * integer. */
static gboolean
get_code (HubRequest  *req,
          JsonObject  *body,
          const char  *member,
          gboolean     required,
          const char **out,
          gint64      *id)
{
  JsonNode *node = json_object_get_member (body, member);

  *out = NULL;
  *id = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        hub_request_error (req, 400, "invalid_args", "%s is required", member);
      return !required;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      /* Ids start at 1: any other integer names nothing. */
      *id = MAX (json_node_get_int (node), -1);
      if (*id == 0)
        *id = -1;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      json_node_get_string (node)[0] == '\0' || strlen (json_node_get_string (node)) > 64)
    {
      hub_request_error (req, 400, "invalid_args", "%s must be a code (a string) or an integer id",
                         member);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

/* Answers a failed ledger lookup of an integer id: @status @code when the
 * id names nothing, else as the ledger's error. */
static void
lookup_failed (HubRequest   *req,
               const GError *error,
               guint         status,
               const char   *code,
               const char   *message)
{
  if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, status, code, "%s", message);
  else
    hub_request_ledger_error (req, error);
}

static void
enroll_work (HubRequest *req,
             TalaLedger *ledger)
{
  static const char *const allowed[] = { "subject_id", "section_id",
                                         "override_schedule_conflict", "conflict_reason",
                                         NULL };
  JsonObject *body = hub_request_object (req);
  JsonNode *override = json_object_get_member (body, "override_schedule_conflict");
  JsonNode *reason = json_object_get_member (body, "conflict_reason");
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *semester = NULL;
  g_autofree char *subject_code = NULL;
  g_autofree char *section_code = NULL;
  g_autoptr(GError) error = NULL;
  const char *number, *subject, *section;
  gint64 subject_id, section_id;

  if (!hub_request_only_members (req, body, allowed) ||
      !get_code (req, body, "subject_id", TRUE, &subject, &subject_id) ||
      !get_code (req, body, "section_id", FALSE, &section, &section_id))
    return;
  if (override != NULL && !JSON_NODE_HOLDS_NULL (override) &&
      (!JSON_NODE_HOLDS_VALUE (override) ||
       json_node_get_value_type (override) != G_TYPE_BOOLEAN))
    {
      hub_request_error (req, 400, "invalid_args", "override_schedule_conflict must be a boolean");
      return;
    }
  if (reason != NULL && !JSON_NODE_HOLDS_NULL (reason) &&
      (!JSON_NODE_HOLDS_VALUE (reason) || json_node_get_value_type (reason) != G_TYPE_STRING))
    {
      hub_request_error (req, 400, "invalid_args", "conflict_reason must be a string");
      return;
    }
  /* D-E5: only a registrar may override a schedule conflict. */
  if (override != NULL && JSON_NODE_HOLDS_VALUE (override) && json_node_get_boolean (override))
    {
      hub_request_error (req, 403, "forbidden",
                         "only a registrar may override a schedule conflict");
      return;
    }
  if (!own_enrollment (req, ledger, FALSE, &number, &semester, NULL))
    return;
  /* The original's integer ids → codes; the op judges the codes. */
  if (subject_id != 0)
    {
      subject = subject_code = tala_ledger_subject_code (ledger, subject_id, &error);
      if (subject == NULL)
        {
          lookup_failed (req, error, 400, "unknown_subject", "no such subject");
          return;
        }
    }
  if (section_id != 0)
    {
      section = section_code = tala_ledger_section_code (ledger, semester, section_id, &error);
      if (section == NULL)
        {
          lookup_failed (req, error, 400, "section_mismatch", "no such section in this semester");
          return;
        }
    }
  json_object_set_string_member (args, "student", number);
  json_object_set_string_member (args, "semester", semester);
  json_object_set_string_member (args, "subject", subject);
  if (section != NULL)
    json_object_set_string_member (args, "section", section);
  if (reason != NULL && JSON_NODE_HOLDS_VALUE (reason) && json_node_get_string (reason)[0] != '\0')
    json_object_set_string_member (args, "reason", json_node_get_string (reason));
  hub_request_set_op (req, "subject.enroll", g_steal_pointer (&args));
}

/* Writer thread: the original's SubjectEnrollment plus the result. */
static void
enroll_shape (HubRequest *req,
              TalaLedger *ledger,
              JsonObject *envelope)
{
  JsonObject *r = json_object_get_object_member (envelope, "result");
  JsonObject *out = json_object_new ();
  g_autoptr(GList) names = json_object_get_members (r);

  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (out, l->data, json_node_copy (json_object_get_member (r, l->data)));
  json_object_set_string_member (out, "id", json_object_get_string_member (
                                   r, "subject_enrollment_id"));
  json_object_set_string_member (out, "enrollment", json_object_get_string_member (r, "semester"));
  json_object_set_string_member (out, "enrollment_status", "ENROLLED");
  json_object_set_string_member (out, "grade_status", "PENDING");
  json_object_set_null_member (out, "subject_status");
  json_object_set_string_member (out, "enrolled_date", json_object_get_string_member_with_default (
                                   envelope, "applied_at", ""));
  hub_request_reply_object (req, 201, out);
}

static void
drop_work (HubRequest *req,
           TalaLedger *ledger)
{
  static const char *const allowed[] = { "subject_enrollment_id", "reason", NULL };
  JsonObject *body = hub_request_object (req);
  JsonNode *reason = json_object_get_member (body, "reason");
  g_autoptr(JsonObject) subjects = NULL;
  g_autoptr(JsonObject) args = NULL;
  g_autofree char *semester = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GError) error = NULL;
  const char *number, *id, *subject = NULL, *status = NULL;
  gint64 take_id;
  JsonArray *takes;

  if (!hub_request_only_members (req, body, allowed) ||
      !get_code (req, body, "subject_enrollment_id", TRUE, &id, &take_id))
    return;
  if (reason != NULL && !JSON_NODE_HOLDS_NULL (reason) &&
      (!JSON_NODE_HOLDS_VALUE (reason) || json_node_get_value_type (reason) != G_TYPE_STRING))
    {
      hub_request_error (req, 400, "invalid_args", "reason must be a string");
      return;
    }
  if (!own_enrollment (req, ledger, TRUE, &number, &semester, &subjects))
    return;
  /* The original's integer id of a take → its UUID. */
  if (take_id != 0)
    {
      id = uuid = tala_ledger_take_uuid (ledger, number, semester, take_id, &error);
      if (id == NULL)
        {
          lookup_failed (req, error, 404, "not_found",
                         "no such subject enrollment in this enrollment");
          return;
        }
    }
  takes = json_object_get_array_member (subjects, "subjects");
  for (guint i = 0; i < json_array_get_length (takes) && subject == NULL; i++)
    {
      JsonObject *t = json_array_get_object_element (takes, i);

      if (g_ascii_strcasecmp (json_object_get_string_member (t, "subject_enrollment_id"), id) == 0)
        {
          subject = json_object_get_string_member (t, "subject");
          status = json_object_get_string_member (t, "status");
        }
    }
  if (subject == NULL)
    {
      hub_request_error (req, 404, "not_found", "no such subject enrollment in this enrollment");
      return;
    }
  /* The op drops the subject's live take: a dropped one (perhaps taken
   * again since) is answered here. */
  if (g_strcmp0 (status, "DROPPED") == 0)
    {
      hub_request_error (req, 400, "already_dropped", "this subject enrollment is already dropped");
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "student", number);
  json_object_set_string_member (args, "semester", semester);
  json_object_set_string_member (args, "subject", subject);
  if (reason != NULL && JSON_NODE_HOLDS_VALUE (reason) && json_node_get_string (reason)[0] != '\0')
    json_object_set_string_member (args, "reason", json_node_get_string (reason));
  hub_request_set_op (req, "subject.drop", g_steal_pointer (&args));
}

static void
drop_shape (HubRequest *req,
            TalaLedger *ledger,
            JsonObject *envelope)
{
  JsonObject *r = json_object_get_object_member (envelope, "result");
  JsonObject *out = json_object_new ();
  g_autofree char *message = g_strdup_printf ("Successfully dropped %s",
                                              json_object_get_string_member (r, "subject"));

  json_object_set_string_member (out, "message", message);
  json_object_set_object_member (out, "result", json_object_ref (r));
  hub_request_reply_object (req, 200, out);
}

/* ---- S8, permits, S9 ----------------------------------------------------- */

static JsonObject *
permit_json (JsonObject *permit,
             const char *semester)
{
  JsonObject *out = json_object_new ();
  const char *status = json_object_get_string_member (permit, "status");
  g_autofree char *display = g_ascii_strdown (status, -1);

  display[0] = g_ascii_toupper (display[0]);
  json_object_set_string_member (out, "enrollment", semester);
  json_object_set_string_member (out, "period", json_object_get_string_member (permit, "period"));
  json_object_set_int_member (out, "month", json_object_get_int_member (permit, "month"));
  json_object_set_string_member (out, "status", status);
  json_object_set_string_member (out, "status_display", display);
  if (json_object_has_member (permit, "code"))
    json_object_set_string_member (out, "code", json_object_get_string_member (permit, "code"));
  else
    json_object_set_null_member (out, "code");
  if (json_object_has_member (permit, "expires"))
    json_object_set_string_member (out, "expiry_date",
                                   json_object_get_string_member (permit, "expires"));
  else
    json_object_set_null_member (out, "expiry_date");
  return out;
}

static void
permits_reply (HubRequest *req,
               TalaLedger *ledger,
               gboolean    prelim_only)
{
  g_autofree char *semester = NULL;
  g_autoptr(JsonObject) enrollment = own_account (req, ledger, &semester);
  g_autoptr(JsonArray) out = NULL;
  JsonArray *permits;
  JsonNode *node;

  if (enrollment == NULL)
    return;
  permits = json_object_get_array_member (enrollment, "permits");
  out = json_array_new ();
  for (guint i = 0; i < json_array_get_length (permits); i++)
    {
      JsonObject *p = json_array_get_object_element (permits, i);

      if (prelim_only &&
          g_strcmp0 (json_object_get_string_member (p, "period"), "PRELIM") != 0)
        continue;
      if (prelim_only)
        {
          hub_request_reply_object (req, 200, permit_json (p, semester));
          return;
        }
      json_array_add_object_element (out, permit_json (p, semester));
    }
  if (prelim_only)
    {
      hub_request_error (req, 404, "not_found", "this enrollment has no PRELIM permit");
      return;
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, g_steal_pointer (&out));
  hub_request_reply (req, 200, node);
}

static void
permit_work (HubRequest *req,
             TalaLedger *ledger)
{
  permits_reply (req, ledger, TRUE);
}

static void
permits_work (HubRequest *req,
              TalaLedger *ledger)
{
  permits_reply (req, ledger, FALSE);
}

static void
transcript_work (HubRequest *req,
                 TalaLedger *ledger)
{
  const char *number;
  g_autofree char *semester = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *transcript;

  if (!own_enrollment (req, ledger, FALSE, &number, &semester, NULL))
    return;
  transcript = tala_ledger_transcript (ledger, number, &error);
  if (transcript == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_object (req, 200, transcript);
}

#define E "/api/v1/student/enrollment/{id}/"

const HubRoute hub_routes_student[] = {
  { "GET", "/api/v1/student/profile/me/", HUB_STU, profile_work, NULL, NULL, NULL,
    "S1: the caller's student profile" },
  { "GET", "/api/v1/student/profile/", HUB_STU, profile_list_work, NULL, NULL, NULL,
    "The caller's profile as the original's paginated list" },
  { "GET", "/api/v1/student/profile/{id}/", HUB_STU, profile_detail_work, NULL, NULL, NULL,
    "The caller's profile by its integer id" },
  { "GET", "/api/v1/student/enrollment/", HUB_STU, enrollment_list_work, NULL, NULL, NULL,
    "S2: the caller's enrollments, newest first, 20 a page" },
  { "GET", E, HUB_STU, detail_work, NULL, NULL, NULL,
    "One of the caller's enrollments: buckets, balance, credit and permits" },
  { "GET", E "subjects/", HUB_STU, subjects_work, NULL, NULL, NULL,
    "S3: the enrollment's subjects that are not dropped" },
  { "GET", E "available_subjects/", HUB_STU, available_work, NULL, NULL, NULL,
    "S4: subjects the caller may enroll in this semester, with sections and prerequisites" },
  { "POST", E "enroll_subject/", HUB_STU, enroll_work, NULL, enroll_shape, NULL,
    "S5: enroll in a subject (subject.enroll)" },
  { "POST", E "drop_subject/", HUB_STU, drop_work, NULL, drop_shape, NULL,
    "S6: drop a subject (subject.drop)" },
  { "GET", E "payment_status/", HUB_STU, payment_status_work,
    NULL, NULL, NULL, "S7: month-1 check, balance and the six months of an enrollment" },
  { "GET", E "exam_permit/", HUB_STU, permit_work, NULL, NULL, NULL,
    "S8: the enrollment's PRELIM exam permit" },
  { "GET", E "exam_permits/", HUB_STU, permits_work, NULL, NULL, NULL,
    "The enrollment's four exam permits (D-X4)" },
  { "GET", E "transcript/", HUB_STU, transcript_work, NULL, NULL, NULL,
    "S9: the caller's transcript" },
  { "GET", "/api/v1/student/notifications/", HUB_STU, notifications_work, NULL, NULL, NULL,
    "The caller's notifications, newest first, 20 a page" },
  { NULL }
};
