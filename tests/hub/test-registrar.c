/* test-registrar.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The registrar API end to end on the shared hub fixture (F0 plus a user
 * of every role), with one more semester "2099-FIRST" that contains the
 * real today (the hub clock is the real one) and a section CS102-B whose
 * slot clashes with CS101-A.
 */

#include "config.h"

#include <string.h>

#include "test-hub.h"

#define R "/api/v1/registrar/"
#define JUAN R "students/2025-00001/"
#define FIRST JUAN "enrollments/2025-FIRST/"
#define PAY "/api/v1/cashier/payment/record_payment/"

/* The business date (+08:00) of the real clock shifted by @days. */
static char *
today_plus (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) local = g_date_time_add_hours (now, 8);
  g_autoptr(GDateTime) shifted = g_date_time_add_days (local, days);

  return g_date_time_format (shifted, "%Y-%m-%d");
}

static void
prepare (LedgerFixture *seed)
{
  g_autofree char *start = today_plus (-10);
  g_autofree char *end = today_plus (170);
  g_autofree char *open = today_plus (-20);
  g_autofree char *close = today_plus (10);
  g_autofree char *semester = g_strdup_printf (
    "{\"code\":\"2099-FIRST\",\"start_date\":\"%s\",\"end_date\":\"%s\","
    "\"enrollment_start\":\"%s\",\"enrollment_end\":\"%s\"}", start, end, open, close);
  g_autoptr(JsonObject) a = test_apply_ok (seed, "catalog.semester.put", "registrar1", semester);
  g_autoptr(JsonObject) b = test_apply_ok (
    seed, "catalog.section.put", "registrar1",
    "{\"semester\":\"2025-FIRST\",\"code\":\"CS102-B\",\"subject\":\"CS102\",\"capacity\":40,"
    "\"slots\":[{\"day\":\"MON\",\"start\":\"08:30\",\"end\":\"10:00\"}]}");
}

static void
setup (HubFixture    *fx,
       gconstpointer  data)
{
  hub_fixture_setup_with (fx, data, prepare);
}

/* Month 1 of 2025-FIRST paid by the cashier, so that subjects may be added. */
static void
pay_month1 (HubFixture *fx)
{
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autoptr(JsonObject) paid = hub_call_object (fx, "POST", PAY, cashier,
                                                "{\"student_id\":\"2025-00001\",\"amount\":\"10000.00\","
                                                "\"method\":\"CASH\"}", 201);
}

static JsonObject *
enroll (HubFixture *fx,
        const char *token,
        const char *subject,
        const char *section)
{
  g_autofree char *body = g_strdup_printf ("{\"subject\":\"%s\",\"section\":\"%s\"}", subject,
                                           section);

  return hub_call_object (fx, "POST", FIRST "subjects/", token, body, 201);
}

static gint64
takes (HubFixture *fx)
{
  return hub_db_scalar (fx, "SELECT count(*) FROM take WHERE status <> 'DROPPED'");
}

/* ---- Students ------------------------------------------------------------ */

static void
test_students_list (HubFixture    *fx,
                    gconstpointer  data)
{
  g_autofree char *admit = hub_login_as (fx, "admit1");
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autofree char *student = hub_login_as (fx, "2025-00001");
  g_autoptr(JsonObject) found = hub_call_object (fx, "GET", R "students/?q=dela%20cruz", admit, NULL, 200);
  g_autoptr(JsonObject) by_admin = hub_call_object (fx, "GET", R "students/?q=2025-0000", admin, NULL, 200);
  g_autoptr(JsonObject) none = hub_call_object (fx, "GET", R "students/?q=nobody", admit, NULL, 200);
  g_autoptr(JsonObject) all = hub_call_object (fx, "GET", R "students/", admit, NULL, 200);
  JsonArray *results = json_object_get_array_member (found, "results");

  g_assert_cmpint (json_object_get_int_member (found, "count"), ==, 1);
  g_assert_true (json_object_get_null_member (found, "next"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "student_id"), ==, "2025-00001");
  g_assert_cmpint (json_object_get_int_member (none, "count"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (all, "count"), ==, 1);
  hub_call_error (fx, "GET", R "students/?page=2", admit, NULL, 404, "not_found");
  g_assert_cmpint (json_object_get_int_member (by_admin, "count"), ==, 1);
  hub_call_error (fx, "GET", R "students/?q=juan", cashier, NULL, 403, "forbidden");
  hub_call_error (fx, "GET", JUAN, student, NULL, 403, "forbidden");
  hub_call_error (fx, "GET", R "students/", NULL, NULL, 401, "unauthorized");
}

static void
test_students_pages (HubFixture    *fx,
                     gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;

  for (guint i = 0; i < 21; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"first_name\":\"Pat%u\",\"last_name\":\"Garcia\","
                                               "\"program\":\"BSCS\"}", i);
      g_autoptr(JsonObject) made = hub_call_object (fx, "POST", R "students/", registrar, body, 201);
    }
  first = hub_call_object (fx, "GET", R "students/?q=garcia", registrar, NULL, 200);
  second = hub_call_object (fx, "GET", R "students/?q=garcia&page=2", registrar, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (first, "count"), ==, 21);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "results")), ==,
                    20);
  g_assert_nonnull (strstr (json_object_get_string_member (first, "next"), "page=2"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (second, "results")), ==,
                    1);
  g_assert_true (json_object_get_null_member (second, "next"));
}

static void
test_student_detail (HubFixture    *fx,
                     gconstpointer  data)
{
  g_autofree char *admit = hub_login_as (fx, "admit1");
  g_autoptr(JsonObject) juan = hub_call_object (fx, "GET", JUAN, admit, NULL, 200);
  JsonArray *enrollments = json_object_get_array_member (juan, "enrollments");

  g_assert_cmpstr (json_object_get_string_member (juan, "student_id"), ==, "2025-00001");
  g_assert_cmpstr (json_object_get_string_member (juan, "effective_status"), ==, "ACTIVE");
  g_assert_cmpint (json_object_get_int_member (juan, "enrollment_year"), ==, 2025);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (juan, "leaves")), ==, 0);
  g_assert_cmpuint (json_array_get_length (enrollments), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (enrollments, 0),
                                                  "balance"), ==, "60000.00");
  hub_call_error (fx, "GET", R "students/2025-99999/", admit, NULL, 404, "not_found");
}

static void
test_register (HubFixture    *fx,
               gconstpointer  data)
{
  g_autofree char *admit = hub_login_as (fx, "admit1");
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autoptr(JsonObject) made = NULL;
  JsonObject *enrollment;

  made = hub_call_object (fx, "POST", R "students/", admit,
                          "{\"first_name\":\" Maria \",\"last_name\":\"Clara\",\"program\":\"BSCS\","
                          "\"email\":\"maria@example.edu\",\"is_transferee\":true,"
                          "\"enrollment\":{\"semester\":\"2025-FIRST\",\"monthly_commitment\":5000}}", 201);
  g_assert_cmpstr (json_object_get_string_member (made, "student"), ==, "2025-00002");
  g_assert_cmpstr (json_object_get_string_member (made, "status"), ==, "ACTIVE");
  enrollment = json_object_get_object_member (made, "enrollment");
  g_assert_cmpstr (json_object_get_string_member (enrollment, "balance"), ==, "30000.00");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM student"), ==, 2);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM user WHERE first_name = 'Maria'"
                                      " AND last_name = 'Clara' AND role = 'STUDENT'"), ==, 1);

  hub_call_error (fx, "POST", R "students/", admit,
                  "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"NOPE\"}",
                  400, "unknown_program");
  hub_call_error (fx, "POST", R "students/", admit,
                  "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\","
                  "\"email\":\"MARIA@example.edu\"}", 400, "duplicate_email");
  hub_call_error (fx, "POST", R "students/", admit,
                  "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\",\"via\":\"ONLINE\"}",
                  400, "invalid_args");
  hub_call_error (fx, "POST", R "students/", admit,
                  "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\","
                  "\"is_transferee\":\"yes\"}", 400, "invalid_args");
  hub_call_error (fx, "POST", R "students/", admit,
                  "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\","
                  "\"enrollment\":{\"semester\":\"2025-FIRST\"}}", 400, "invalid_args");
  hub_call_error (fx, "POST", R "students/", admit, "{\"first_name\":\"A\",\"program\":\"BSCS\"}",
                  400, "invalid_args");
  hub_call_error (fx, "POST", R "students/", cashier,
                  "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\"}",
                  403, "forbidden");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM student"), ==, 2);
}

static void
test_register_idempotent (HubFixture    *fx,
                          gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  const char *body = "{\"first_name\":\"Jose\",\"last_name\":\"Ramos\",\"program\":\"BSCS\"}";
  g_auto(HubReply) first = { 0 };
  g_auto(HubReply) again = { 0 };

  hub_start (fx, &first, "POST", R "students/", registrar, "reg-ramos-1", NULL, body);
  hub_wait (fx, &first);
  hub_start (fx, &again, "POST", R "students/", registrar, "reg-ramos-1", NULL, body);
  hub_wait (fx, &again);
  g_assert_cmpuint (first.status, ==, 201);
  g_assert_cmpuint (again.status, ==, 201);
  g_assert_cmpstr (first.body, ==, again.body);
  g_assert_cmpstr (soup_message_headers_get_one (again.headers, "Idempotent-Replayed"), ==,
                   "true");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM student"), ==, 2);
}

static void
test_update (HubFixture    *fx,
             gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autofree char *admit = hub_login_as (fx, "admit1");
  g_autoptr(JsonObject) phone = NULL;
  g_autoptr(JsonObject) name = NULL;
  JsonArray *changed;

  phone = hub_call_object (fx, "PATCH", JUAN, registrar, "{\"phone_number\":\"0917 555 0101\"}", 200);
  changed = json_object_get_array_member (phone, "changed");
  g_assert_cmpuint (json_array_get_length (changed), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (changed, 0), ==, "phone_number");
  hub_call_error (fx, "PATCH", JUAN, registrar, "{\"last_name\":\"Santos\"}", 400,
                  "reason_required");
  name = hub_call_object (fx, "PATCH", JUAN, registrar,
                          "{\"last_name\":\"Santos\",\"reason\":\"Court order\"}", 200);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (name, "changed"),
                                                  0), ==, "last_name");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM user WHERE username = '2025-00001'"
                                      " AND last_name = 'Santos'"
                                      " AND phone_number = '0917 555 0101'"), ==, 1);
  hub_call_error (fx, "PATCH", JUAN, registrar, "{\"status\":\"LOA\",\"reason\":\"x\"}", 400,
                  "invalid_status");
  hub_call_error (fx, "PATCH", JUAN, registrar, "{\"student\":\"2025-00002\"}", 400, "invalid_args");
  hub_call_error (fx, "PATCH", R "students/2025-99999/", registrar, "{\"phone_number\":\"1\"}", 404,
                  "unknown_student");
  hub_call_error (fx, "PATCH", JUAN, admit, "{\"phone_number\":\"1\"}", 403, "forbidden");
}

/* ---- Enrollments, credits, LOA ------------------------------------------- */

static void
test_enrollment_create (HubFixture    *fx,
                        gconstpointer  data)
{
  g_autofree char *admit = hub_login_as (fx, "admit1");
  g_autoptr(JsonObject) made = NULL;

  made = hub_call_object (fx, "POST", JUAN "enrollments/", admit,
                          "{\"semester\":\"2099-FIRST\",\"monthly_commitment\":\"8000\"}", 201);
  g_assert_cmpstr (json_object_get_string_member (made, "balance"), ==, "48000.00");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (made, "buckets")), ==, 6);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM enrollment"), ==, 2);
  hub_call_error (fx, "POST", JUAN "enrollments/", admit,
                  "{\"semester\":\"2099-FIRST\",\"monthly_commitment\":\"8000.00\"}", 400,
                  "enrollment_exists");
  hub_call_error (fx, "POST", JUAN "enrollments/", admit,
                  "{\"semester\":\"2098-FIRST\",\"monthly_commitment\":\"8000.00\"}", 400,
                  "unknown_semester");
  hub_call_error (fx, "POST", JUAN "enrollments/", admit,
                  "{\"semester\":\"2098-FIRST\",\"monthly_commitment\":\"80.001\"}", 400,
                  "invalid_amount");
  hub_call_error (fx, "POST", R "students/2025-99999/enrollments/", admit,
                  "{\"semester\":\"2099-FIRST\",\"monthly_commitment\":\"8000.00\"}", 404,
                  "unknown_student");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM enrollment"), ==, 2);
}

static void
test_transfer_credit (HubFixture    *fx,
                      gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autofree char *admit = hub_login_as (fx, "admit1");
  const char *body = "{\"semester\":\"2025-FIRST\",\"subject\":\"CS101\","
                     "\"prior_institution\":\"Mapua\",\"prior_subject_code\":\"IT101\","
                     "\"prior_subject_name\":\"Intro to Programming\",\"grade\":\"1.50\"}";
  g_autoptr(JsonObject) credit = hub_call_object (fx, "POST", JUAN "transfer_credits/", registrar, body, 201);

  g_assert_cmpint (json_object_get_int_member (credit, "units"), ==, 3);
  g_assert_false (json_object_get_boolean_member (credit, "count_in_gpa"));
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM take WHERE status = 'CREDITED'"
                                      " AND prior_institution = 'Mapua'"), ==, 1);
  hub_call_error (fx, "POST", JUAN "transfer_credits/", registrar, body, 400, "already_credited");
  hub_call_error (fx, "POST", JUAN "transfer_credits/", registrar,
                  "{\"semester\":\"2025-FIRST\",\"subject\":\"CS102\",\"prior_institution\":\"X\","
                  "\"prior_subject_code\":\"Y\",\"prior_subject_name\":\"Z\",\"units\":\"3\"}",
                  400, "invalid_args");
  hub_call_error (fx, "POST", JUAN "transfer_credits/", admit, body, 403, "forbidden");
}

static void
test_loa (HubFixture    *fx,
          gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autofree char *start = today_plus (-5);
  g_autofree char *back = today_plus (25);
  g_autofree char *body = g_strdup_printf ("{\"start_date\":\"%s\",\"reason\":\"Medical leave\"}",
                                           start);
  g_autofree char *close = g_strdup_printf ("{\"end_date\":\"%s\",\"reason\":\"Back from leave\"}",
                                            back);
  g_autoptr(JsonObject) loa = hub_call_object (fx, "POST", JUAN "loa/", registrar, body, 201);
  g_autoptr(JsonObject) juan = NULL;
  g_autoptr(JsonObject) closed = NULL;
  g_autofree char *path = NULL;

  g_assert_cmpstr (json_object_get_string_member (loa, "status"), ==, "LOA");
  juan = hub_call_object (fx, "GET", JUAN, registrar, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (juan, "effective_status"), ==, "LOA");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (juan, "leaves")), ==, 1);
  hub_call_error (fx, "POST", JUAN "loa/", registrar, body, 400, "loa_overlap");
  hub_call_error (fx, "POST", JUAN "loa/", registrar, "{\"start_date\":\"2026-01-01\"}", 400,
                  "reason_required");

  path = g_strdup_printf (JUAN "loa/%s/", json_object_get_string_member (loa, "loa_id"));
  closed = hub_call_object (fx, "PATCH", path, registrar, close, 200);
  g_assert_cmpint (json_object_get_int_member (closed, "days"), ==, 30);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM loa WHERE end_date IS NOT NULL"),
                   ==, 1);
  hub_call_error (fx, "PATCH", path, registrar, close, 400, "loa_closed");
  hub_call_error (fx, "PATCH", JUAN "loa/00000000-0000-4000-8000-00000000abcd/", registrar, close,
                  404, "unknown_loa");
  hub_call_error (fx, "PATCH", JUAN "loa/not-a-uuid/", registrar, close, 404, "unknown_loa");
}

/* ---- Subjects ------------------------------------------------------------ */

static void
test_enroll_month1 (HubFixture    *fx,
                    gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autoptr(JsonObject) take = NULL;

  hub_call_error (fx, "POST", FIRST "subjects/", registrar,
                  "{\"subject\":\"CS101\",\"section\":\"CS101-A\"}", 400, "month1_unpaid");
  g_assert_cmpint (takes (fx), ==, 0);
  pay_month1 (fx);
  take = enroll (fx, registrar, "CS101", "CS101-A");
  g_assert_cmpint (json_object_get_int_member (take, "total_units"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (take, "section"), ==, "CS101-A");
  g_assert_cmpint (takes (fx), ==, 1);
  hub_call_error (fx, "POST", FIRST "subjects/", registrar, "{\"subject\":\"CS101\"}", 400,
                  "already_enrolled");
  hub_call_error (fx, "POST", FIRST "subjects/", registrar, "{\"subject\":\"NOPE1\"}", 400,
                  "unknown_subject");
  hub_call_error (fx, "POST", JUAN "enrollments/2098-FIRST/subjects/", registrar,
                  "{\"subject\":\"CS102\"}", 404, "unknown_semester");
  hub_call_error (fx, "POST", JUAN "enrollments/2099-FIRST/subjects/", registrar,
                  "{\"subject\":\"CS102\"}", 400, "no_enrollment");
}

static void
test_enroll_unit_cap (HubFixture    *fx,
                      gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_auto(HubReply) r = { 0 };
  JsonObject *details;

  pay_month1 (fx);
  a = enroll (fx, registrar, "CS101", "CS101-A");
  b = enroll (fx, registrar, "CS102", "CS102-A");
  c = enroll (fx, registrar, "CS103", "CS103-A");
  r = hub_call (fx, "POST", FIRST "subjects/", registrar, "{\"subject\":\"THS25\"}");
  hub_assert_error (&r, 400, "unit_cap_exceeded");
  body = hub_reply_object (&r);
  details = json_object_get_object_member (json_object_get_object_member (body, "error"),
                                           "details");
  g_assert_cmpint (json_object_get_int_member (details, "current_units"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (details, "units"), ==, 25);
  g_assert_cmpint (takes (fx), ==, 3);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT total_units FROM enrollment"), ==, 9);
}

static void
test_enroll_schedule_override (HubFixture    *fx,
                               gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) forced = NULL;

  pay_month1 (fx);
  first = enroll (fx, registrar, "CS101", "CS101-A");
  hub_call_error (fx, "POST", FIRST "subjects/", registrar,
                  "{\"subject\":\"CS102\",\"section\":\"CS102-B\"}", 400, "schedule_conflict");
  hub_call_error (fx, "POST", FIRST "subjects/", registrar,
                  "{\"subject\":\"CS102\",\"section\":\"CS102-B\","
                  "\"override_schedule_conflict\":true}", 400, "reason_required");
  hub_call_error (fx, "POST", FIRST "subjects/", registrar,
                  "{\"subject\":\"CS102\",\"section\":\"CS102-B\","
                  "\"override_schedule_conflict\":\"yes\",\"reason\":\"x\"}", 400, "invalid_args");
  g_assert_cmpint (takes (fx), ==, 1);
  forced = hub_call_object (fx, "POST", FIRST "subjects/", registrar,
                            "{\"subject\":\"CS102\",\"section\":\"CS102-B\","
                            "\"override_schedule_conflict\":true,\"reason\":\"Dean approved\"}", 201);
  g_assert_true (json_object_get_boolean_member (forced, "schedule_override_applied"));
  g_assert_cmpint (takes (fx), ==, 2);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM audit"
                                      " WHERE action = 'SCHEDULE_CONFLICT_OVERRIDE'"), ==, 1);
}

static void
test_drop (HubFixture    *fx,
           gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autoptr(JsonObject) take = NULL;
  g_autoptr(JsonObject) dropped = NULL;

  pay_month1 (fx);
  take = enroll (fx, registrar, "CS101", "CS101-A");
  dropped = hub_call_object (fx, "POST", FIRST "subjects/CS101/drop/", registrar,
                             "{\"reason\":\"Schedule change\"}", 200);
  g_assert_cmpint (json_object_get_int_member (dropped, "units_removed"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (dropped, "total_units"), ==, 0);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM take WHERE status = 'DROPPED'"
                                      " AND drop_reason = 'Schedule change'"), ==, 1);
  hub_call_error (fx, "POST", FIRST "subjects/CS101/drop/", registrar, "{}", 400, "already_dropped");
  hub_call_error (fx, "POST", FIRST "subjects/CS102/drop/", registrar, "{}", 400, "not_enrolled");
  hub_call_error (fx, "POST", FIRST "subjects/NOPE1/drop/", registrar, "{}", 404, "unknown_subject");
  hub_call_error (fx, "POST", JUAN "enrollments/2098-FIRST/subjects/CS101/drop/", registrar, "{}",
                  404, "unknown_semester");
  hub_call_error (fx, "POST", FIRST "subjects/CS101/drop/", registrar, "{\"why\":\"x\"}", 400,
                  "invalid_args");
}

/* ---- Grades -------------------------------------------------------------- */

static void
test_grades (HubFixture    *fx,
             gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autofree char *head = hub_login_as (fx, "head1");
  g_autoptr(JsonObject) take = NULL;
  g_autoptr(JsonObject) submitted = NULL;
  g_autoptr(JsonObject) finalized = NULL;
  g_autoptr(JsonObject) overridden = NULL;
  g_autoptr(JsonObject) transcript = NULL;

  pay_month1 (fx);
  take = enroll (fx, registrar, "CS101", "CS101-A");
  hub_call_error (fx, "PUT", FIRST "subjects/CS101/grade/", registrar, "{\"grade\":\"9.99\"}", 400,
                  "invalid_grade");
  hub_call_error (fx, "PUT", FIRST "subjects/CS101/grade/", registrar, "{\"grade\":1.75}", 400,
                  "invalid_args");
  submitted = hub_call_object (fx, "PUT", FIRST "subjects/CS101/grade/", registrar,
                               "{\"grade\":\"1.75\",\"comments\":\"Good work\"}", 200);
  g_assert_cmpstr (json_object_get_string_member (submitted, "grade_status"), ==, "SUBMITTED");
  hub_call_error (fx, "PUT", FIRST "subjects/CS102/grade/", registrar, "{\"grade\":\"1.75\"}", 400,
                  "not_enrolled");

  hub_call_error (fx, "POST", R "grades/finalize/", registrar, "{\"semester\":\"2025-FIRST\","
                  "\"section\":\"NOPE-A\"}", 400, "unknown_section");
  finalized = hub_call_object (fx, "POST", R "grades/finalize/", head,
                               "{\"semester\":\"2025-FIRST\",\"section\":\"CS101-A\"}", 200);
  g_assert_cmpint (json_object_get_int_member (finalized, "finalized_count"), ==, 1);
  hub_call_error (fx, "PUT", FIRST "subjects/CS101/grade/", registrar, "{\"grade\":\"2.00\"}", 400,
                  "grade_finalized");

  hub_call_error (fx, "POST", FIRST "subjects/CS101/grade/override/", registrar,
                  "{\"grade\":\"2.00\"}", 400, "reason_required");
  overridden = hub_call_object (fx, "POST", FIRST "subjects/CS101/grade/override/", registrar,
                                "{\"grade\":\"2.00\",\"reason\":\"Recomputed class standing\"}", 200);
  g_assert_cmpstr (json_object_get_string_member (overridden, "previous"), ==, "1.75");
  g_assert_cmpstr (json_object_get_string_member (overridden, "gpa"), ==, "2.00");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM take WHERE grade = '2.00'"
                                      " AND status = 'PASSED' AND grade_status = 'FINALIZED'"),
                   ==, 1);

  transcript = hub_call_object (fx, "GET", JUAN "transcript/", registrar, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (transcript, "student"), ==, "2025-00001");
  hub_call_error (fx, "GET", R "students/2025-99999/transcript/", registrar, NULL, 404, "not_found");
}

static void
test_grades_forbidden (HubFixture    *fx,
                       gconstpointer  data)
{
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autofree char *prof = hub_login_as (fx, "prof1");
  g_autofree char *admit = hub_login_as (fx, "admit1");
  gint64 ops = hub_db_scalar (fx, "SELECT count(*) FROM applied_op");

  hub_call_error (fx, "PUT", FIRST "subjects/CS101/grade/", cashier, "{\"grade\":\"1.00\"}", 403,
                  "forbidden");
  hub_call_error (fx, "PUT", FIRST "subjects/CS101/grade/", prof, "{\"grade\":\"1.00\"}", 403,
                  "forbidden");
  hub_call_error (fx, "POST", R "grades/finalize/", admit, "{\"semester\":\"2025-FIRST\"}", 403,
                  "forbidden");
  hub_call_error (fx, "POST", FIRST "subjects/", cashier, "{\"subject\":\"CS101\"}", 403,
                  "forbidden");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM applied_op"), ==, ops);
}

/* ---- Promissory notes ---------------------------------------------------- */

static void
test_promissory (HubFixture    *fx,
                 gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autofree char *promised = today_plus (14);
  g_autofree char *body = g_strdup_printf ("{\"promised_date\":\"%s\",\"reason\":\"Parents"
                                           " pay on the 15th\"}", promised);
  g_autoptr(JsonObject) made = NULL;
  g_autoptr(JsonObject) note = NULL;

  made = hub_call_object (fx, "POST", JUAN "enrollments/", registrar,
                          "{\"semester\":\"2099-FIRST\",\"monthly_commitment\":\"8000.00\"}", 201);
  note = hub_call_object (fx, "POST", JUAN "enrollments/2099-FIRST/permits/PRELIM/promissory/", registrar,
                          body, 201);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (note, "code"), "EXP-"));
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM permit WHERE status = 'UNLOCKED'"
                                      " AND unlocked_by = 'PROMISSORY'"), ==, 1);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM promissory_note"), ==, 1);
  hub_call_error (fx, "POST", JUAN "enrollments/2099-FIRST/permits/PRELIM/promissory/", registrar,
                  body, 400, "permit_already_unlocked");
  hub_call_error (fx, "POST", JUAN "enrollments/2099-FIRST/permits/MIDTERM/promissory/", registrar,
                  "{\"promised_date\":\"2030-01-01\"}", 400, "reason_required");
  hub_call_error (fx, "POST", JUAN "enrollments/2099-FIRST/permits/BOGUS/promissory/", registrar,
                  body, 404, "not_found");
  hub_call_error (fx, "POST", JUAN "enrollments/2098-FIRST/permits/PRELIM/promissory/", registrar,
                  body, 404, "unknown_semester");
  hub_call_error (fx, "POST", FIRST "permits/PRELIM/promissory/", registrar, body, 400,
                  "semester_ended");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM promissory_note"), ==, 1);
}

/* ---- Reads --------------------------------------------------------------- */

static void
test_payments_and_unassigned (HubFixture    *fx,
                              gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autofree char *cashier = hub_login_as (fx, "cashier1");
  g_autoptr(JsonObject) made = NULL;
  g_autoptr(JsonObject) paid = NULL;
  g_autoptr(JsonObject) money = NULL;
  g_autoptr(JsonObject) list = NULL;
  JsonObject *row;

  pay_month1 (fx);
  money = hub_call_object (fx, "GET", JUAN "payments/", registrar, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (money, "payments")), ==,
                    1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (money, "enrollments"), 0), "balance"), ==,
                   "50000.00");

  made = hub_call_object (fx, "POST", R "students/", registrar,
                          "{\"first_name\":\"Lea\",\"last_name\":\"Salonga\",\"program\":\"BSCS\"}", 201);
  paid = hub_call_object (fx, "POST", PAY, cashier, "{\"student_id\":\"2025-00002\",\"amount\":\"500.00\","
                          "\"method\":\"CASH\"}", 201);
  g_assert_true (json_object_get_boolean_member (paid, "unassigned"));
  list = hub_call_object (fx, "GET", R "unassigned_payments/", registrar, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (list, "count"), ==, 1);
  row = json_array_get_object_element (json_object_get_array_member (list, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "student"), ==, "2025-00002");
  g_assert_cmpstr (json_object_get_string_member (row, "amount"), ==, "500.00");
  g_assert_cmpstr (json_object_get_string_member (row, "unassigned_credit"), ==, "500.00");
  hub_call_error (fx, "GET", R "unassigned_payments/", cashier, NULL, 403, "forbidden");
  hub_call_error (fx, "GET", R "students/2025-99999/payments/", registrar, NULL, 404, "not_found");
}

static void
test_audit (HubFixture    *fx,
            gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autoptr(JsonObject) before = hub_call_object (fx, "GET", JUAN "audit/", registrar, NULL, 200);
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) take = NULL;
  gint64 n = json_object_get_int_member (before, "count");
  JsonObject *newest;

  /* F0's USER_CREATED and ENROLLMENT_CREATED, the fixture's password
   * (USER_UPDATED). */
  g_assert_cmpint (n, ==, 3);
  pay_month1 (fx);
  take = enroll (fx, registrar, "CS101", "CS101-A");
  after = hub_call_object (fx, "GET", JUAN "audit/", registrar, NULL, 200);
  /* + PAYMENT_RECORDED, PERMIT_UNLOCKED, SUBJECT_ENROLLED. */
  g_assert_cmpint (json_object_get_int_member (after, "count"), ==, n + 3);
  newest = json_array_get_object_element (json_object_get_array_member (after, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (newest, "action"), ==, "SUBJECT_ENROLLED");
  g_assert_cmpstr (json_object_get_string_member (newest, "actor"), ==, "registrar1");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (newest, "after")));

  other = hub_call_object (fx, "POST", R "students/", registrar,
                           "{\"first_name\":\"Lea\",\"last_name\":\"Salonga\",\"program\":\"BSCS\"}", 201);
  g_clear_pointer (&after, json_object_unref);
  after = hub_call_object (fx, "GET", JUAN "audit/", registrar, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (after, "count"), ==, n + 3);
  hub_call_error (fx, "GET", JUAN "audit/?page=2", registrar, NULL, 404, "not_found");
  hub_call_error (fx, "GET", R "students/2025-99999/audit/", registrar, NULL, 404, "not_found");
}

static void
test_inc (HubFixture    *fx,
          gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autoptr(JsonObject) take = NULL;
  g_autoptr(JsonObject) submitted = NULL;
  g_autoptr(JsonObject) finalized = NULL;
  g_autoptr(JsonArray) none = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(JsonArray) soon = NULL;
  g_autoptr(JsonArray) later = NULL;
  JsonObject *row;

  none = hub_call_array (fx, R "inc/", registrar);
  g_assert_cmpuint (json_array_get_length (none), ==, 0);
  pay_month1 (fx);
  take = enroll (fx, registrar, "CS101", "CS101-A");
  submitted = hub_call_object (fx, "PUT", FIRST "subjects/CS101/grade/", registrar, "{\"grade\":\"INC\"}",
                               200);
  finalized = hub_call_object (fx, "POST", R "grades/finalize/", registrar, "{\"semester\":\"2025-FIRST\"}",
                               200);
  g_assert_cmpint (json_object_get_int_member (finalized, "inc_started"), ==, 1);

  all = hub_call_array (fx, R "inc/", registrar);
  g_assert_cmpuint (json_array_get_length (all), ==, 1);
  row = json_array_get_object_element (all, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "subject"), ==, "CS101");
  g_assert_cmpint (json_object_get_int_member (row, "clock_days"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (row, "expiry_days"), ==, 180);
  g_assert_cmpint (json_object_get_int_member (row, "days_left"), ==, 180);
  g_assert_false (json_object_get_boolean_member (row, "expired"));
  soon = hub_call_array (fx, R "inc/?within_days=30", registrar);
  g_assert_cmpuint (json_array_get_length (soon), ==, 0);
  later = hub_call_array (fx, R "inc/?within_days=180", registrar);
  g_assert_cmpuint (json_array_get_length (later), ==, 1);
  hub_call_error (fx, "GET", R "inc/?within_days=soon", registrar, NULL, 400, "invalid_args");
  hub_call_error (fx, "GET", R "inc/?within_days=-1", registrar, NULL, 400, "invalid_args");
}

static void
test_roster (HubFixture    *fx,
             gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autofree char *prof = hub_login_as (fx, "prof1");
  g_autoptr(JsonObject) take = NULL;
  g_autoptr(JsonObject) roster = NULL;
  g_autoptr(JsonObject) empty = NULL;
  JsonObject *row;

  pay_month1 (fx);
  take = enroll (fx, registrar, "CS101", "CS101-A");
  roster = hub_call_object (fx, "GET", R "sections/2025-FIRST/CS101-A/roster/", registrar, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (roster, "subject"), ==, "CS101");
  g_assert_cmpstr (json_object_get_string_member (roster, "professor"), ==, "prof1");
  g_assert_cmpint (json_object_get_int_member (roster, "taken"), ==, 1);
  row = json_array_get_object_element (json_object_get_array_member (roster, "students"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "student"), ==, "2025-00001");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "ENROLLED");
  g_assert_true (json_object_get_null_member (row, "grade"));
  empty = hub_call_object (fx, "GET", R "sections/2025-FIRST/CS102-A/roster/", registrar, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (empty, "taken"), ==, 0);
  hub_call_error (fx, "GET", R "sections/2025-FIRST/NOPE-A/roster/", registrar, NULL, 404,
                  "not_found");
  hub_call_error (fx, "GET", R "sections/2025-FIRST/CS101-A/roster/", prof, NULL, 403, "forbidden");
}

/* Bodies the route refuses before any op: nothing reaches the journal. */
static void
test_bad_bodies (HubFixture    *fx,
                 gconstpointer  data)
{
  static const struct { const char *method, *path, *body; } cases[] = {
    { "POST", R "students/", "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":7}" },
    { "POST", R "students/", "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\","
                             "\"enrollment_year\":\"2025\"}" },
    { "POST", R "students/", "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\","
                             "\"enrollment\":{\"semester\":\"2025-FIRST\","
                             "\"monthly_commitment\":\"1.00\",\"x\":1}}" },
    { "POST", R "students/", "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\","
                             "\"enrollment\":[]}" },
    { "PATCH", JUAN, "{\"is_transferee\":1}" },
    { "POST", JUAN "enrollments/", "{\"semester\":\"2099-FIRST\"}" },
    { "POST", JUAN "loa/", "{\"start_date\":[],\"reason\":\"x\"}" },
    { "POST", FIRST "subjects/", "{\"subject\":\"CS101\",\"student\":\"2025-00002\"}" },
    { "PUT", FIRST "subjects/CS101/grade/", "{}" },
    { "POST", R "grades/finalize/", "{\"semester\":\"2025-FIRST\",\"section\":{}}" },
  };
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  gint64 ops = hub_db_scalar (fx, "SELECT count(*) FROM applied_op");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    hub_call_error (fx, cases[i].method, cases[i].path, registrar, cases[i].body, 400,
                    "invalid_args");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM applied_op"), ==, ops);
}

static void
test_openapi (HubFixture    *fx,
              gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/schema/", registrar, NULL);

  g_assert_cmpuint (r.status, ==, 200);
  g_assert_nonnull (strstr (r.body, "/api/v1/registrar/students/{number}/loa/{loa_id}/"));
  g_assert_nonnull (strstr (r.body, "Finalize the submitted grades"));
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *path; void (*func) (HubFixture *, gconstpointer); } tests[] = {
    { "/hub/registrar/students/list", test_students_list },
    { "/hub/registrar/students/pages", test_students_pages },
    { "/hub/registrar/students/detail", test_student_detail },
    { "/hub/registrar/students/register", test_register },
    { "/hub/registrar/students/register-idempotent", test_register_idempotent },
    { "/hub/registrar/students/update", test_update },
    { "/hub/registrar/enrollments/create", test_enrollment_create },
    { "/hub/registrar/enrollments/transfer-credit", test_transfer_credit },
    { "/hub/registrar/loa/record-and-close", test_loa },
    { "/hub/registrar/subjects/enroll-month1", test_enroll_month1 },
    { "/hub/registrar/subjects/unit-cap", test_enroll_unit_cap },
    { "/hub/registrar/subjects/schedule-override", test_enroll_schedule_override },
    { "/hub/registrar/subjects/drop", test_drop },
    { "/hub/registrar/grades/submit-finalize-override", test_grades },
    { "/hub/registrar/grades/forbidden", test_grades_forbidden },
    { "/hub/registrar/permits/promissory", test_promissory },
    { "/hub/registrar/reads/payments-and-unassigned", test_payments_and_unassigned },
    { "/hub/registrar/reads/audit", test_audit },
    { "/hub/registrar/reads/inc", test_inc },
    { "/hub/registrar/reads/roster", test_roster },
    { "/hub/registrar/bad-bodies", test_bad_bodies },
    { "/hub/registrar/openapi", test_openapi },
  };

  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add (tests[i].path, HubFixture, NULL, setup, tests[i].func, hub_fixture_teardown);
  return g_test_run ();
}
