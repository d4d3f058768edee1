/* hub-route-student.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The student API's reads of this slice (business-rules §10.2): S1 the
 * caller's profile and S7 the payment status of one of their enrollments.
 * Every answer is scoped to the caller's own student record.
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
  enrollment = account ? json_object_get_object_member (account, "enrollment") : NULL;
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
  json_object_set_string_member (out, "credit", json_object_get_string_member (enrollment, "credit"));
  json_object_set_array_member (out, "months", months);
  hub_request_reply_object (req, 200, out);
}

const HubRoute hub_routes_student[] = {
  { "GET", "/api/v1/student/profile/me/", HUB_STU, profile_work, NULL, NULL, NULL,
    "S1: the caller's student profile" },
  { "GET", "/api/v1/student/enrollment/{id}/payment_status/", HUB_STU, payment_status_work,
    NULL, NULL, NULL, "S7: month-1 check, balance and the six months of an enrollment" },
  { NULL }
};
