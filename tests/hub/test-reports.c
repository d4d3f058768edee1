/* test-reports.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cashier's collections report, the API's HTML page (docs/, redoc/)
 * and the password routes that hash on a reader thread, end to end on a
 * real hub over fixture F0 plus the day 2025-06-02 of two terminals and
 * the hub: on C01 a cash payment (voided), a GCash payment, a payment
 * rejected for its reused reference (its receipt C01-000003 is consumed,
 * D-S4) and another cash payment; on C02 a cash payment; on the hub a
 * cash payment adjusted by -500.00.  On 2025-06-03 C01 records C01-000006:
 * C01-000005 was never seen.
 */

#include "config.h"

#include <string.h>

#include "hub-server-private.h"
#include "test-hub.h"

#define REPORT "/api/v1/cashier/reports/collections/"
#define STUDENT "2025-00001"

static JsonObject *
terminal_op (LedgerFixture *seed,
             const char    *op_id,
             const char    *kind,
             const char    *device,
             int            device_seq,
             const char    *args,
             const char    *status)
{
  g_autofree char *json = g_strdup_printf ("{\"op_id\":\"%s\",\"kind\":\"%s\",\"actor\":\"cashier1\","
                                           "\"device\":\"%s\",\"device_seq\":%d,\"args\":%s}",
                                           op_id, kind, device, device_seq, args);
  JsonObject *envelope = test_apply_json (seed, json);

  g_assert_cmpstr (json_object_get_string_member (envelope, "status"), ==, status);
  return envelope;
}

static void
prepare_day (LedgerFixture *seed)
{
  g_autoptr(JsonObject) e1 = NULL;
  g_autoptr(JsonObject) e2 = NULL;
  g_autoptr(JsonObject) e3 = NULL;
  g_autoptr(JsonObject) e4 = NULL;
  g_autoptr(JsonObject) e5 = NULL;
  g_autoptr(JsonObject) e6 = NULL;
  g_autoptr(JsonObject) e7 = NULL;
  g_autoptr(JsonObject) hub = NULL;
  g_autoptr(JsonObject) adjust = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *verifier = NULL;

  e1 = terminal_op (seed, "00000000-0000-4000-8000-00000000c001", "payment.record", "C01", 1,
                    "{\"student\":\"" STUDENT "\",\"amount\":\"10000.00\",\"method\":\"CASH\","
                    "\"receipt_no\":\"C01-000001\"}", "applied");
  e2 = terminal_op (seed, "00000000-0000-4000-8000-00000000c002", "payment.record", "C01", 2,
                    "{\"student\":\"" STUDENT "\",\"amount\":\"5000.00\",\"method\":\"GCASH\","
                    "\"reference_number\":\"GC-1\",\"receipt_no\":\"C01-000002\"}", "applied");
  e3 = terminal_op (seed, "00000000-0000-4000-8000-00000000c003", "payment.record", "C01", 3,
                    "{\"student\":\"" STUDENT "\",\"amount\":\"700.00\",\"method\":\"GCASH\","
                    "\"reference_number\":\"GC-1\",\"receipt_no\":\"C01-000003\"}", "rejected");
  e4 = terminal_op (seed, "00000000-0000-4000-8000-00000000c004", "payment.record", "C01", 4,
                    "{\"student\":\"" STUDENT "\",\"amount\":\"1500.00\",\"method\":\"CASH\","
                    "\"receipt_no\":\"C01-000004\"}", "applied");
  e5 = terminal_op (seed, "00000000-0000-4000-8000-00000000c005", "payment.void", "C01", 5,
                    "{\"payment\":\"00000000-0000-4000-8000-00000000c001\","
                    "\"reason\":\"wrong student\"}", "applied");
  e6 = terminal_op (seed, "00000000-0000-4000-8000-00000000c201", "payment.record", "C02", 1,
                    "{\"student\":\"" STUDENT "\",\"amount\":\"2500.00\",\"method\":\"CASH\","
                    "\"receipt_no\":\"C02-000001\"}", "applied");
  hub = test_apply_ok (seed, "payment.record", "cashier1",
                       "{\"student\":\"" STUDENT "\",\"amount\":\"300.00\",\"method\":\"CASH\"}");
  g_assert_cmpstr (json_object_get_string_member (hub, "receipt_no"), ==, "HUB-000001");
  adjust = test_apply_ok (seed, "payment.adjust", "admin",
                          "{\"payment\":\"00000000-0000-4000-8000-00000000c002\","
                          "\"amount\":\"-500.00\",\"reason\":\"overcharged\"}");

  /* The next day (hub clock), after C01-000005 went missing. */
  e7 = test_apply_json (seed, "{\"op_id\":\"00000000-0000-4000-8000-00000000c007\","
                              "\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                              "\"device\":\"C01\",\"device_seq\":7,"
                              "\"hub_time\":\"2025-06-03T01:00:00Z\",\"args\":{\"student\":\""
                              STUDENT "\",\"amount\":\"100.00\",\"method\":\"MAYA\","
                              "\"reference_number\":\"MY-7\",\"receipt_no\":\"C01-000006\"}}");
  g_assert_cmpstr (json_object_get_string_member (e7, "applied_at"), ==, "2025-06-03T01:00:00Z");

  /* The two halves of tala_ledger_set_password, as the routes use them. */
  g_assert_null (tala_ledger_hash_password ("", &error));
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tala_ledger_store_password (seed->ledger, "admit1", "plain-text", NULL,
                                              seed->now, &error));
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  verifier = tala_ledger_hash_password ("admit1-new-pass", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (verifier, "$argon2id$"));
  g_assert_false (tala_ledger_store_password (seed->ledger, "nobody", verifier, NULL, seed->now,
                                              &error));
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (tala_ledger_store_password (seed->ledger, "admit1", verifier, "admin",
                                             seed->now, &error));
  g_assert_no_error (error);
}

static void
reports_setup (HubFixture    *fx,
               gconstpointer  data)
{
  hub_fixture_setup_with (fx, data, prepare_day);
}

static JsonObject *
get_ok (HubFixture *fx,
        const char *path,
        const char *token)
{
  g_auto(HubReply) r = hub_call (fx, "GET", path, token, NULL);

  if (r.status != 200)
    g_printerr ("GET %s: %u %s\n", path, r.status, r.body);
  g_assert_cmpuint (r.status, ==, 200);
  return hub_reply_object (&r);
}

static void
get_error (HubFixture *fx,
           const char *path,
           const char *token,
           guint       status,
           const char *code)
{
  g_auto(HubReply) r = hub_call (fx, "GET", path, token, NULL);

  hub_assert_error (&r, status, code);
}

static JsonObject *
item (JsonObject *report,
      const char *list,
      guint       index)
{
  JsonArray *a = json_object_get_array_member (report, list);

  g_assert_nonnull (a);
  g_assert_cmpuint (json_array_get_length (a), >, index);
  return json_array_get_object_element (a, index);
}

static guint
length (JsonObject *report,
        const char *list)
{
  JsonArray *a = json_object_get_array_member (report, list);

  g_assert_nonnull (a);
  return json_array_get_length (a);
}

#define assert_member(obj, name, value) \
  g_assert_cmpstr (json_object_get_string_member ((obj), (name)), ==, (value))

/* ---- The collections report ------------------------------------------------ */

static void
test_collections_day (HubFixture    *fx,
                      gconstpointer  data)
{
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autoptr(JsonObject) r = get_ok (fx, REPORT "?date=2025-06-02", cashier);
  JsonObject *x;

  assert_member (r, "date", "2025-06-02");
  g_assert_false (json_object_has_member (r, "terminal"));
  assert_member (r, "utc_offset", "+08:00");

  /* The receipts in receipt order, the voided one still listed. */
  g_assert_cmpuint (length (r, "receipts"), ==, 5);
  assert_member (item (r, "receipts", 0), "receipt_no", "C01-000001");
  assert_member (item (r, "receipts", 1), "receipt_no", "C01-000002");
  assert_member (item (r, "receipts", 2), "receipt_no", "C01-000004");
  assert_member (item (r, "receipts", 3), "receipt_no", "C02-000001");
  assert_member (item (r, "receipts", 4), "receipt_no", "HUB-000001");
  x = item (r, "receipts", 0);
  assert_member (x, "student", STUDENT);
  assert_member (x, "student_name", "Juan Dela Cruz");
  assert_member (x, "amount", "10000.00");
  assert_member (x, "method", "CASH");
  assert_member (x, "method_display", "Cash");
  assert_member (x, "terminal", "C01");
  assert_member (x, "cashier", "cashier1");
  assert_member (x, "time", "2025-06-02T01:00:00Z");
  g_assert_true (json_object_get_boolean_member (x, "voided"));
  assert_member (x, "void_id", "00000000-0000-4000-8000-00000000c005");
  x = item (r, "receipts", 1);
  assert_member (x, "method", "GCASH");
  assert_member (x, "method_display", "GCash");
  assert_member (x, "reference_number", "GC-1");
  g_assert_false (json_object_get_boolean_member (x, "voided"));
  assert_member (item (r, "receipts", 4), "terminal", "HUB");

  /* Totals: every payment of the day, then the corrections. */
  g_assert_cmpint (json_object_get_int_member (r, "payment_count"), ==, 5);
  assert_member (r, "total_collected", "19300.00");
  g_assert_cmpuint (length (r, "totals_by_method"), ==, 2);
  x = item (r, "totals_by_method", 0);
  assert_member (x, "method", "CASH");
  g_assert_cmpint (json_object_get_int_member (x, "count"), ==, 4);
  assert_member (x, "amount", "14300.00");
  x = item (r, "totals_by_method", 1);
  assert_member (x, "method", "GCASH");
  g_assert_cmpint (json_object_get_int_member (x, "count"), ==, 1);
  assert_member (x, "amount", "5000.00");

  g_assert_cmpint (json_object_get_int_member (r, "void_count"), ==, 1);
  assert_member (r, "total_voided", "-10000.00");
  x = item (r, "voids", 0);
  assert_member (x, "void_id", "00000000-0000-4000-8000-00000000c005");
  assert_member (x, "receipt_no", "C01-000001");
  assert_member (x, "amount", "-10000.00");
  assert_member (x, "reason", "wrong student");
  assert_member (x, "terminal", "C01");
  g_assert_cmpint (json_object_get_int_member (r, "adjustment_count"), ==, 1);
  assert_member (r, "total_adjusted", "-500.00");
  x = item (r, "adjustments", 0);
  assert_member (x, "receipt_no", "C01-000002");
  assert_member (x, "method", "GCASH");
  assert_member (x, "amount", "-500.00");
  assert_member (x, "by", "admin");
  assert_member (x, "terminal", "HUB");
  assert_member (r, "net_total", "8800.00");

  /* D-S4: C01-000003 went to a rejected op; the series shows the gap and
   * the report lists the number as cancelled.  C01-000005 belongs to the
   * next day (it comes before that day's C01-000006). */
  g_assert_cmpuint (length (r, "series"), ==, 3);
  x = item (r, "series", 0);
  assert_member (x, "terminal", "C01");
  assert_member (x, "first", "C01-000001");
  assert_member (x, "last", "C01-000004");
  g_assert_cmpint (json_object_get_int_member (x, "issued"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (x, "gap_count"), ==, 1);
  assert_member (item (x, "gaps", 0), "from", "C01-000003");
  assert_member (item (x, "gaps", 0), "to", "C01-000003");
  g_assert_cmpint (length (item (r, "series", 1), "gaps"), ==, 0);
  assert_member (item (r, "series", 2), "terminal", "HUB");
  g_assert_cmpint (length (item (r, "series", 2), "gaps"), ==, 0);
  g_assert_cmpuint (length (r, "cancelled"), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (r, "cancelled"),
                                                  0), ==, "C01-000003");
  g_assert_false (json_object_get_boolean_member (r, "cancelled_truncated"));
  g_assert_cmpuint (length (r, "rejected_payment_ops"), ==, 1);
  x = item (r, "rejected_payment_ops", 0);
  assert_member (x, "op_id", "00000000-0000-4000-8000-00000000c003");
  assert_member (x, "code", "duplicate_reference");
  assert_member (x, "actor", "cashier1");
}

static void
test_collections_filters (HubFixture    *fx,
                          gconstpointer  data)
{
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autoptr(JsonObject) c01 = get_ok (fx, REPORT "?date=2025-06-02&terminal=C01", cashier);
  g_autoptr(JsonObject) hub = get_ok (fx, REPORT "?terminal=HUB&date=2025-06-02", admin);
  g_autoptr(JsonObject) next = get_ok (fx, REPORT "?date=2025-06-03", cashier);
  g_autoptr(JsonObject) empty = get_ok (fx, REPORT "?date=2025-06-05", cashier);
  g_autoptr(JsonObject) c03 = get_ok (fx, REPORT "?date=2025-06-02&terminal=C03", cashier);

  /* One terminal: its payments and the corrections made there. */
  assert_member (c01, "terminal", "C01");
  g_assert_cmpuint (length (c01, "receipts"), ==, 3);
  assert_member (item (c01, "receipts", 2), "receipt_no", "C01-000004");
  assert_member (c01, "total_collected", "16500.00");
  g_assert_cmpuint (length (c01, "totals_by_method"), ==, 2);
  assert_member (item (c01, "totals_by_method", 0), "amount", "11500.00");
  g_assert_cmpuint (length (c01, "voids"), ==, 1);
  g_assert_cmpuint (length (c01, "adjustments"), ==, 0);
  assert_member (c01, "net_total", "6500.00");
  g_assert_cmpuint (length (c01, "series"), ==, 1);
  g_assert_cmpuint (length (c01, "cancelled"), ==, 1);

  g_assert_cmpuint (length (hub, "receipts"), ==, 1);
  assert_member (item (hub, "receipts", 0), "receipt_no", "HUB-000001");
  g_assert_cmpuint (length (hub, "voids"), ==, 0);
  g_assert_cmpuint (length (hub, "adjustments"), ==, 1);
  assert_member (hub, "net_total", "-200.00");
  g_assert_cmpuint (length (hub, "cancelled"), ==, 0);

  /* The next day: its receipt, and the number skipped before it. */
  g_assert_cmpuint (length (next, "receipts"), ==, 1);
  assert_member (item (next, "receipts", 0), "receipt_no", "C01-000006");
  assert_member (item (next, "receipts", 0), "method_display", "Maya");
  g_assert_cmpuint (length (next, "cancelled"), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (next,
                                                                                "cancelled"),
                                                  0), ==, "C01-000005");
  g_assert_cmpuint (length (next, "rejected_payment_ops"), ==, 0);
  g_assert_cmpuint (length (next, "voids"), ==, 0);

  /* A day without money, and a terminal that took none. */
  assert_member (empty, "date", "2025-06-05");
  g_assert_cmpint (json_object_get_int_member (empty, "payment_count"), ==, 0);
  assert_member (empty, "total_collected", "0.00");
  assert_member (empty, "net_total", "0.00");
  g_assert_cmpuint (length (empty, "receipts"), ==, 0);
  g_assert_cmpuint (length (empty, "totals_by_method"), ==, 0);
  g_assert_cmpuint (length (empty, "voids"), ==, 0);
  g_assert_cmpuint (length (empty, "adjustments"), ==, 0);
  g_assert_cmpuint (length (empty, "series"), ==, 0);
  g_assert_cmpuint (length (empty, "cancelled"), ==, 0);
  g_assert_cmpuint (length (c03, "receipts"), ==, 0);
  assert_member (c03, "total_collected", "0.00");
}

/* The business date now at +08:00 (config utc_offset of F0). */
static char *
business_today (void)
{
  g_autoptr(GDateTime) utc = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) local = g_date_time_add_hours (utc, 8);

  return g_date_time_format (local, "%Y-%m-%d");
}

static void
test_collections_today (HubFixture    *fx,
                        gconstpointer  data)
{
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autofree char *today = business_today ();
  g_auto(HubReply) paid = hub_call (fx, "POST", "/api/v1/cashier/payment/record_payment/",
                                    cashier, "{\"student_id\":\"" STUDENT "\","
                                    "\"amount\":\"2500\",\"method\":\"CASH\"}");
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) blank = NULL;

  g_assert_cmpuint (paid.status, ==, 201);
  /* No date: today's business date, with the REST payment (terminal HUB). */
  r = get_ok (fx, REPORT, cashier);
  assert_member (r, "date", today);
  g_assert_cmpuint (length (r, "receipts"), ==, 1);
  assert_member (item (r, "receipts", 0), "receipt_no", "HUB-000002");
  assert_member (item (r, "receipts", 0), "terminal", "HUB");
  assert_member (item (r, "receipts", 0), "amount", "2500.00");
  assert_member (r, "total_collected", "2500.00");
  assert_member (item (r, "totals_by_method", 0), "amount", "2500.00");
  /* HUB-000001 is an earlier day's: no gap. */
  g_assert_cmpuint (length (r, "cancelled"), ==, 0);
  blank = get_ok (fx, REPORT "?date=&terminal=", cashier);
  assert_member (blank, "date", today);
  g_assert_false (json_object_has_member (blank, "terminal"));
}

static void
test_collections_errors (HubFixture    *fx,
                         gconstpointer  data)
{
  static const char *const bad[] = {
    "?date=2025-13-01", "?date=2025-02-30", "?date=2025-6-2", "?date=yesterday",
    "?date=2025-06-02T00:00:00Z", "?date=2025-06-02%27%20OR%201%3D1", "?terminal=c01",
    "?terminal=C-01", "?date=2025-06-02&terminal=" "ABCDEFGHIJKLMNOP",
  };
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autofree char *student = hub_login (fx, STUDENT, "student-pass");
  g_autofree char *registrar = hub_login_as (fx, "registrar1");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strconcat (REPORT, bad[i], NULL);

      get_error (fx, path, cashier, 400, "invalid_args");
    }
  get_error (fx, REPORT "?date=2025-06-02", student, 403, "forbidden");
  get_error (fx, REPORT "?date=2025-06-02", registrar, 403, "forbidden");
  get_error (fx, REPORT "?date=2025-06-02", NULL, 401, "unauthorized");
}

/* ---- docs/ and redoc/ -------------------------------------------------------- */

static void
assert_docs_page (HubFixture *fx,
                  const char *path,
                  const char *token)
{
  const HubRoute *tables[] = { hub_routes_system, hub_routes_cashier, hub_routes_student,
                               hub_routes_public, hub_routes_registrar, hub_routes_professor,
                               hub_routes_catalog, hub_routes_admin, hub_routes_sync };
  g_auto(HubReply) r = hub_call (fx, "GET", path, token, NULL);
  const char *p;
  guint rows = 0, found = 0;

  g_assert_cmpuint (r.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r.headers, NULL), ==, "text/html");
  g_assert_cmpstr (soup_message_headers_get_one (r.headers, "Content-Type"), ==,
                   "text/html; charset=utf-8");
  g_assert_true (g_str_has_prefix (r.body, "<!DOCTYPE html>"));
  g_assert_true (g_utf8_validate (r.body, -1, NULL));
  /* Self-contained: nothing to run or fetch. */
  g_assert_null (strstr (r.body, "<script"));
  g_assert_null (strstr (r.body, "http://"));
  g_assert_null (strstr (r.body, "https://"));
  g_assert_null (strstr (r.body, " src="));
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const HubRoute *route = tables[t]; route->method != NULL; route++)
      {
        g_autofree char *cell = g_strdup_printf ("<code>%s</code>", route->pattern);
        g_autofree char *summary = g_markup_escape_text (route->summary, -1);

        g_assert_nonnull (strstr (r.body, cell));
        g_assert_nonnull (strstr (r.body, summary));
        rows++;
      }
  /* One row per operation, summaries escaped. */
  for (p = strstr (r.body, "<tr><td class=\"m\">"); p != NULL;
       p = strstr (p + 1, "<tr><td class=\"m\">"))
    found++;
  g_assert_cmpuint (found, ==, rows);
  g_assert_null (strstr (r.body, "a user's password"));
  g_assert_nonnull (strstr (r.body, "a user&apos;s password"));
  g_assert_nonnull (strstr (r.body, "<td class=\"m\">GET</td><td><code>/api/v1/cashier/reports/"
                                    "collections/</code></td><td>CASHIER, ADMIN</td>"));
  g_assert_nonnull (strstr (r.body, "<code>/api-token-auth/</code></td><td>anyone</td>"));
  g_assert_nonnull (strstr (r.body, "<code>/api/v1/docs/</code></td><td>any user</td>"));
}

static void
test_docs (HubFixture    *fx,
           gconstpointer  data)
{
  g_autofree char *student = hub_login (fx, STUDENT, "student-pass");
  g_autofree char *prof = hub_login_as (fx, "prof1");
  g_auto(HubReply) anon_docs = hub_call (fx, "GET", "/api/v1/docs/", NULL, NULL);
  g_auto(HubReply) anon_redoc = hub_call (fx, "GET", "/api/v1/redoc/", NULL, NULL);
  g_auto(HubReply) bad_token = hub_call (fx, "GET", "/api/v1/docs/", "0123", NULL);

  assert_docs_page (fx, "/api/v1/docs/", student);
  assert_docs_page (fx, "/api/v1/redoc/", prof);
  hub_assert_error (&anon_docs, 401, "unauthorized");
  hub_assert_error (&anon_redoc, 401, "unauthorized");
  hub_assert_error (&bad_token, 401, "unauthorized");
}

/* ---- Passwords set by the routes still log in -------------------------------- */

static void
test_passwords (HubFixture    *fx,
                gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autofree char *admit = hub_login (fx, "admit1", "admit1-new-pass");
  g_autofree char *cashier = NULL;
  g_autofree char *rosa = NULL;
  g_autofree char *again = NULL;
  g_auto(HubReply) set = hub_call (fx, "POST", "/api/v1/admin/users/cashier1/password/", admin,
                                   "{\"password\":\"a new cashier pass\"}");
  g_auto(HubReply) old = { 0 };
  g_auto(HubReply) weak = { 0 };
  g_auto(HubReply) unknown = { 0 };
  g_auto(HubReply) created = { 0 };
  g_auto(HubReply) replay = { 0 };
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) profile = NULL;
  gint64 verifiers;

  /* The admin route: 200, the new password logs in, the old one not. */
  g_assert_cmpuint (set.status, ==, 200);
  reply = hub_reply_object (&set);
  g_assert_true (json_object_get_boolean_member (reply, "password_set"));
  cashier = hub_login (fx, "cashier1", "a new cashier pass");
  old = hub_call (fx, "POST", "/api-token-auth/", NULL,
                  "{\"username\":\"cashier1\",\"password\":\"cashier-pass\"}");
  hub_assert_error (&old, 400, "invalid_credentials");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'USER_UPDATED'"
                                      " AND actor = 'admin' AND target_id = 'cashier1'"
                                      " AND after_json LIKE '%password_set%'"), ==, 1);
  weak = hub_call (fx, "POST", "/api/v1/admin/users/cashier1/password/", admin,
                   "{\"password\":\"short\"}");
  hub_assert_error (&weak, 400, "invalid_args");
  unknown = hub_call (fx, "POST", "/api/v1/admin/users/nobody/password/", admin,
                      "{\"password\":\"long enough pass\"}");
  hub_assert_error (&unknown, 404, "not_found");
  g_free (cashier);
  cashier = hub_login (fx, "cashier1", "a new cashier pass");

  /* P3: the password given at sign-up logs in; a replay stores nothing. */
  hub_start (fx, &created, "POST", "/api/v1/public/enrollment/new_student/", NULL, "signup-r",
             NULL, "{\"email\":\"rosa@example.org\",\"first_name\":\"Rosa\","
             "\"last_name\":\"Reyes\",\"password\":\"rosa-secret-9\",\"program_id\":\"BSCS\"}");
  hub_wait (fx, &created);
  g_assert_cmpuint (created.status, ==, 201);
  profile = hub_reply_object (&created);
  rosa = hub_login (fx, "rosa@example.org", "rosa-secret-9");
  verifiers = hub_db_scalar (fx, "SELECT count(*) FROM credential_password");
  hub_start (fx, &replay, "POST", "/api/v1/public/enrollment/new_student/", NULL, "signup-r",
             NULL, "{\"email\":\"rosa@example.org\",\"first_name\":\"Rosa\","
             "\"last_name\":\"Reyes\",\"password\":\"rosa-secret-9\",\"program_id\":\"BSCS\"}");
  hub_wait (fx, &replay);
  g_assert_cmpuint (replay.status, ==, 201);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM credential_password"), ==, verifiers);
  again = hub_login (fx, json_object_get_string_member (profile, "student_id"), "rosa-secret-9");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM credential_password"
                                      " WHERE verifier NOT LIKE '$argon2id$%'"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/hub/reports/" path, HubFixture, NULL, reports_setup, func, hub_fixture_teardown)
  ADD ("collections-day", test_collections_day);
  ADD ("collections-filters", test_collections_filters);
  ADD ("collections-today", test_collections_today);
  ADD ("collections-errors", test_collections_errors);
  ADD ("docs", test_docs);
  ADD ("passwords", test_passwords);
#undef ADD

  return g_test_run ();
}
