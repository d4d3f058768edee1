/* hub-route-cashier.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cashier API (business-rules §10.3, ops.md §5): C1 search, C2
 * record_payment (payment.record), C3 payment methods, C4 status, C5
 * history, C6 receipt, void and adjust (payment.void, payment.adjust), and
 * the end-of-day collections report.
 * CASHIER and ADMIN (D-A2); C1 also the registrars, C6 also the student
 * the payment belongs to.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hub-server-private.h"
#include "tala-ledger-reports.h"

static const struct
{
  const char *value;
  const char *label;
} methods[] = {
  { "CASH", "Cash" }, { "CHECK", "Check" }, { "CREDIT_CARD", "Credit Card" },
  { "BANK_TRANSFER", "Bank Transfer" }, { "ONLINE", "Online Payment" },
  { "GCASH", "GCash" }, { "MAYA", "Maya" },
};

static const char *
method_label (const char *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_strcmp0 (value, methods[i].value) == 0)
      return methods[i].label;
  return value;
}

/* An amount as a JSON string or number with at most two decimals, as the
 * ledger's "123.45" (ops.md §5 C2).  FALSE when it is neither. */
gboolean
hub_normalize_amount (JsonNode *node,
                      char    **out)
{
  const char *text, *dot;
  gsize digits = 0, decimals = 0;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = g_strdup_printf ("%" G_GINT64_FORMAT ".00", json_node_get_int (node));
      return TRUE;
    }
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double cents = json_node_get_double (node) * 100;

      if (cents != cents || cents > 1e13 || cents < -1e13 ||
          (cents - (double) (gint64) (cents + (cents < 0 ? -0.5 : 0.5))) > 1e-6 ||
          (cents - (double) (gint64) (cents + (cents < 0 ? -0.5 : 0.5))) < -1e-6)
        return FALSE;
      *out = g_strdup_printf ("%.2f", json_node_get_double (node));
      return TRUE;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  text = json_node_get_string (node);
  dot = strchr (text, '.');
  for (const char *p = text[0] == '-' ? text + 1 : text; *p; p++)
    {
      if (p == dot)
        continue;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      if (dot != NULL && p > dot)
        decimals++;
      else
        digits++;
    }
  if (digits == 0 || decimals > 2 || (dot != NULL && decimals == 0))
    return FALSE;
  *out = g_strdup_printf ("%s%s%s", text, dot ? "" : ".", decimals == 2 ? "" :
                          decimals == 1 ? "0" : "00");
  return TRUE;
}

/* Copies a string member of the request to @args under @to; a blank one is
 * left out.  FALSE (with a 400) when it is there but not a string. */
static gboolean
copy_string (HubRequest *req,
             JsonObject *body,
             const char *from,
             JsonObject *args,
             const char *to)
{
  JsonNode *node = json_object_get_member (body, from);
  g_autofree char *text = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      hub_request_error (req, 400, "invalid_args", "%s must be a string", from);
      return FALSE;
    }
  text = g_strstrip (g_strdup (json_node_get_string (node)));
  if (text[0] != '\0')
    json_object_set_string_member (args, to, text);
  return TRUE;
}

/* The reply of an applied void or adjustment (both create a transaction,
 * so 201, replays too) is its result object. */
static void
shape_result (HubRequest *req,
              TalaLedger *ledger,
              JsonObject *envelope)
{
  JsonObject *result = json_object_get_object_member (envelope, "result");

  hub_request_reply_object (req, 201, json_object_ref (result));
}

/* ---- C1, C3 -------------------------------------------------------------- */

static void
search_work (HubRequest *req,
             TalaLedger *ledger)
{
  g_autofree char *q = g_strstrip (g_strdup (hub_request_query (req, "q") ?: ""));
  g_autoptr(GError) error = NULL;
  JsonArray *found;
  JsonNode *node;

  if (q[0] == '\0')
    {
      hub_request_error (req, 400, "invalid_args", "q (the text to search) is required");
      return;
    }
  found = tala_ledger_search_students (ledger, q, 0, &error);
  if (found == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, found);
  hub_request_reply (req, 200, node);
}

static void
methods_local (HubRequest *req)
{
  JsonArray *list = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      JsonObject *m = json_object_new ();

      json_object_set_string_member (m, "value", methods[i].value);
      json_object_set_string_member (m, "label", methods[i].label);
      json_array_add_object_element (list, m);
    }
  json_node_take_array (node, list);
  hub_request_reply (req, 200, node);
}

/* ---- C2 ------------------------------------------------------------------ */

static void
record_work (HubRequest *req,
             TalaLedger *ledger)
{
  static const char *const allowed[] = { "student_id", "amount", "method", "reference_number",
                                         "notes", "semester", "enrollment", NULL };
  JsonObject *body = hub_request_object (req);
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *amount = NULL;
  JsonNode *enrollment = json_object_get_member (body, "enrollment");

  if (!hub_request_only_members (req, body, allowed) ||
      !copy_string (req, body, "student_id", args, "student") ||
      !copy_string (req, body, "method", args, "method") ||
      !copy_string (req, body, "reference_number", args, "reference_number") ||
      !copy_string (req, body, "notes", args, "notes") ||
      !copy_string (req, body, "semester", args, "semester"))
    return;
  if (!json_object_has_member (args, "student"))
    {
      hub_request_error (req, 400, "invalid_args", "student_id is required");
      return;
    }
  if (!hub_normalize_amount (json_object_get_member (body, "amount"), &amount))
    {
      hub_request_error (req, 400, "invalid_amount",
                         "amount must be a positive amount with at most two decimals");
      return;
    }
  json_object_set_string_member (args, "amount", amount);
  if (enrollment != NULL && !JSON_NODE_HOLDS_NULL (enrollment))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *semester = NULL;

      if (!JSON_NODE_HOLDS_VALUE (enrollment) ||
          json_node_get_value_type (enrollment) != G_TYPE_INT64)
        {
          hub_request_error (req, 400, "invalid_args", "enrollment must be an integer id");
          return;
        }
      semester = tala_ledger_enrollment_semester (ledger,
                                                  json_object_get_string_member (args, "student"),
                                                  json_node_get_int (enrollment), &error);
      if (semester == NULL)
        {
          if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
            hub_request_error (req, 404, "not_found", "%s", error->message);
          else
            hub_request_ledger_error (req, error);
          return;
        }
      json_object_set_string_member (args, "semester", semester);
    }
  hub_request_set_op (req, "payment.record", g_steal_pointer (&args));
}

static gboolean
prelim_unlocked (JsonArray *unlocked)
{
  for (guint i = 0; unlocked != NULL && i < json_array_get_length (unlocked); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (
                     json_array_get_object_element (unlocked, i), "period", ""), "PRELIM") == 0)
      return TRUE;
  return FALSE;
}

/* Writer thread: the original's C2 shape plus Tala's members. */
static void
record_shape (HubRequest *req,
              TalaLedger *ledger,
              JsonObject *envelope)
{
  JsonObject *r = json_object_get_object_member (envelope, "result");
  JsonObject *out = json_object_new ();
  g_autoptr(JsonObject) profile = NULL;
  g_autofree char *date = NULL;
  const char *applied_at = json_object_get_string_member_with_default (envelope,
                                                                        "applied_at", "");
  const char *method = json_object_get_string_member_with_default (r, "method", "");
  JsonArray *unlocked = json_object_get_array_member (r, "permits_unlocked");

  profile = tala_ledger_student_profile (ledger, json_object_get_string_member (r, "student"),
                                         NULL);
  date = g_strndup (applied_at, 10);
  json_object_set_string_member (out, "id", json_object_get_string_member (r, "payment_id"));
  if (json_object_has_member (r, "semester"))
    json_object_set_string_member (out, "enrollment",
                                   json_object_get_string_member (r, "semester"));
  else
    json_object_set_null_member (out, "enrollment");
  json_object_set_string_member (out, "student", json_object_get_string_member (r, "student"));
  if (profile != NULL)
    json_object_set_string_member (out, "student_name",
                                   json_object_get_string_member (
                                     json_object_get_object_member (profile, "user"),
                                     "full_name"));
  json_object_set_string_member (out, "amount", json_object_get_string_member (r, "amount"));
  json_object_set_string_member (out, "payment_method", method);
  json_object_set_string_member (out, "payment_method_display", method_label (method));
  json_object_set_string_member (out, "reference_number",
                                 json_object_get_string_member_with_default (
                                   r, "reference_number", ""));
  json_object_set_string_member (out, "notes", json_object_get_string_member_with_default (
                                   req->args, "notes", ""));
  json_object_set_string_member (out, "payment_date", date);
  json_object_set_string_member (out, "status", "COMPLETED");
  json_object_set_string_member (out, "payment_id",
                                 json_object_get_string_member (r, "payment_id"));
  json_object_set_string_member (out, "receipt_number",
                                 json_object_get_string_member (r, "receipt_no"));
  json_object_set_array_member (out, "allocation",
                                json_array_ref (json_object_get_array_member (r, "allocation")));
  json_object_set_string_member (out, "overpayment_carried",
                                 json_object_get_string_member (r, "credit_added"));
  json_object_set_string_member (out, "credit", json_object_get_string_member (r, "credit"));
  json_object_set_boolean_member (out, "exam_permit_unlocked", prelim_unlocked (unlocked));
  json_object_set_array_member (out, "permits_unlocked", json_array_ref (unlocked));
  if (json_object_has_member (r, "balance"))
    json_object_set_string_member (out, "balance", json_object_get_string_member (r, "balance"));
  json_object_set_boolean_member (out, "unassigned",
                                  json_object_get_boolean_member (r, "unassigned"));
  hub_request_reply_object (req, 201, out);
}

/* ---- C4, C5, C6 ---------------------------------------------------------- */

static JsonObject *
load_account (HubRequest *req,
              TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *account;

  account = tala_ledger_account (ledger, hub_request_param (req, "student_id"), NULL, &error);
  if (account == NULL && g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 404, "not_found", "%s", error->message);
  else if (account == NULL)
    hub_request_ledger_error (req, error);
  return account;
}

static void
status_work (HubRequest *req,
             TalaLedger *ledger)
{
  JsonObject *account = load_account (req, ledger);
  JsonObject *enrollment;

  if (account == NULL)
    return;
  json_object_remove_member (account, "history");
  enrollment = json_object_get_object_member (account, "enrollment");
  json_object_set_boolean_member (account, "month_1_paid",
                                  enrollment != NULL &&
                                  json_object_get_boolean_member (enrollment, "month1_paid"));
  hub_request_reply_object (req, 200, account);
}

static void
history_work (HubRequest *req,
              TalaLedger *ledger)
{
  g_autoptr(JsonObject) account = load_account (req, ledger);
  JsonNode *node;

  if (account == NULL)
    return;
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, json_object_get_array_member (account, "history"));
  hub_request_reply (req, 200, node);
}

/* The payment the URL names (id or receipt number); answers 404 when none,
 * and when a student asks for another student's. */
static JsonObject *
load_payment (HubRequest *req,
              TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payment = NULL;

  payment = tala_ledger_payment (ledger, hub_request_param (req, "payment_id"), &error);
  if (payment == NULL && !g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    {
      hub_request_ledger_error (req, error);
      return NULL;
    }
  if (payment == NULL ||
      (!hub_request_has_role (req, HUB_CASH) &&
       g_strcmp0 (json_object_get_string_member (payment, "student"),
                  json_object_get_string_member_with_default (req->user, "student", "")) != 0))
    {
      hub_request_error (req, 404, "not_found", "no such payment");
      return NULL;
    }
  return g_steal_pointer (&payment);
}

static void
receipt_work (HubRequest *req,
              TalaLedger *ledger)
{
  JsonObject *payment = load_payment (req, ledger);

  if (payment != NULL)
    {
      json_object_set_string_member (payment, "method_display", method_label (
                                       json_object_get_string_member_with_default (
                                         payment, "method", "")));
      hub_request_reply_object (req, 200, payment);
    }
}

/* ---- Void and adjust ----------------------------------------------------- */

static void
correction_work (HubRequest *req,
                 TalaLedger *ledger,
                 const char *kind)
{
  static const char *const allowed_void[] = { "reason", NULL };
  static const char *const allowed_adjust[] = { "amount", "reason", NULL };
  gboolean adjust = strcmp (kind, "payment.adjust") == 0;
  JsonObject *body = hub_request_object (req);
  g_autoptr(JsonObject) payment = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *amount = NULL;

  if (!hub_request_only_members (req, body, adjust ? allowed_adjust : allowed_void) ||
      !copy_string (req, body, "reason", args, "reason"))
    return;
  if (adjust && !hub_normalize_amount (json_object_get_member (body, "amount"), &amount))
    {
      hub_request_error (req, 400, "invalid_amount",
                         "amount must be a signed amount with at most two decimals");
      return;
    }
  payment = load_payment (req, ledger);
  if (payment == NULL)
    return;
  json_object_set_string_member (args, "payment",
                                 json_object_get_string_member (payment, "payment_id"));
  if (amount != NULL)
    json_object_set_string_member (args, "amount", amount);
  hub_request_set_op (req, kind, g_steal_pointer (&args));
}

static void
void_work (HubRequest *req,
           TalaLedger *ledger)
{
  correction_work (req, ledger, "payment.void");
}

static void
adjust_work (HubRequest *req,
             TalaLedger *ledger)
{
  correction_work (req, ledger, "payment.adjust");
}

/* ---- The collections report --------------------------------------------- */

/* Adds method_display beside each method of the report's lists. */
static void
label_methods (JsonObject *report)
{
  static const char *const lists[] = { "receipts", "totals_by_method", "voids", "adjustments" };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonArray *list = json_object_get_array_member (report, lists[i]);

      for (guint j = 0; j < json_array_get_length (list); j++)
        {
          JsonObject *item = json_array_get_object_element (list, j);
          const char *method = json_object_get_string_member_with_default (item, "method", NULL);

          if (method != NULL)
            json_object_set_string_member (item, "method_display", method_label (method));
        }
    }
}

/* GET reports/collections/?date=&terminal=: a blank or absent date is
 * today's business date; a blank terminal is every terminal. */
static void
collections_work (HubRequest *req,
                  TalaLedger *ledger)
{
  const char *date = hub_request_query (req, "date");
  const char *terminal = hub_request_query (req, "terminal");
  g_autoptr(GError) error = NULL;
  JsonObject *report;

  report = tala_ledger_collections_report (ledger, date && date[0] ? date : NULL,
                                           terminal && terminal[0] ? terminal : NULL,
                                           tala_now_us (), &error);
  if (report == NULL && g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 400, "invalid_args", "%s", error->message);
  else if (report == NULL)
    hub_request_ledger_error (req, error);
  else
    {
      label_methods (report);
      hub_request_reply_object (req, 200, report);
    }
}

#define P "/api/v1/cashier/"

const HubRoute hub_routes_cashier[] = {
  { "GET", P "search/search/", HUB_CASH | HUB_REG, search_work, NULL, NULL, NULL,
    "C1: students whose number or name contains ?q=" },
  { "POST", P "payment/record_payment/", HUB_CASH, record_work, NULL, record_shape, NULL,
    "C2: record a payment (payment.record)" },
  { "GET", P "payment/payment_methods/", HUB_CASH, NULL, methods_local, NULL, NULL,
    "C3: the payment methods" },
  { "GET", P "payment/student/{student_id}/status/", HUB_CASH, status_work, NULL, NULL, NULL,
    "C4: a student's buckets, balance, month-1 check and permits" },
  { "GET", P "payment/student/{student_id}/history/", HUB_CASH, history_work, NULL, NULL, NULL,
    "C5: a student's payments, voids and adjustments, newest first" },
  { "GET", P "payment/{payment_id}/receipt/", HUB_CASH | HUB_STU, receipt_work, NULL, NULL,
    NULL, "C6: a payment's receipt (a student: their own)" },
  { "POST", P "payment/{payment_id}/void/", HUB_CASH, void_work, NULL, shape_result,
    "unknown_payment", "Void a payment (payment.void)" },
  { "POST", P "payment/{payment_id}/adjust/", HUB_CASH, adjust_work, NULL, shape_result,
    "unknown_payment", "Adjust a payment by a signed amount (payment.adjust)" },
  { "GET", P "reports/collections/", HUB_CASH, collections_work, NULL, NULL, NULL,
    "End-of-day collections of a business date (?date=YYYY-MM-DD, default today;"
    " ?terminal=C01): receipts, totals by method, voids, adjustments, cancelled numbers" },
  { NULL }
};
