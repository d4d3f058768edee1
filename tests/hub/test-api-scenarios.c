/* test-api-scenarios.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The 22 API scenarios of business-rules §16.6 (numbers 74–95), one case
 * each, over the fixture each block describes, built on F0 with ops.
 *
 * The hub's clock is the real one while F0's semester is in 2025: the
 * student block stretches 2025-FIRST's end and enrollment window over
 * today (as test-server.c does), so that the student may enroll (D-E7).
 * Its start stays F0's 2025-06-02 rather than §16.6's 2025-06-01: the
 * buckets were made from it.
 */

#include "config.h"

#include <string.h>

#include "test-hub.h"

/* The student of the student block and its password. */
#define STUDENT_PASS "maria-pass-74"
#define ENR "/api/v1/student/enrollment/2025-FIRST/"

static char *block_student;

static JsonArray *
reply_array (HubReply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, r->body, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

/* 2025-FIRST over today, enrollment open; CS101-A capacity 30, MON
 * 08:00–09:30 (§16.6). */
static void
stretch_semester (LedgerFixture *seed)
{
  g_autoptr(JsonObject) semester = NULL;
  g_autoptr(JsonObject) section = NULL;

  semester = test_apply_ok (seed, "catalog.semester.put", "registrar1",
                            "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                            "\"end_date\":\"2099-12-31\",\"enrollment_start\":\"2025-05-26\","
                            "\"enrollment_end\":\"2099-12-31\",\"is_active\":true}");
  section = test_apply_ok (seed, "catalog.section.put", "registrar1",
                           "{\"semester\":\"2025-FIRST\",\"code\":\"CS101-A\","
                           "\"subject\":\"CS101\",\"capacity\":30,\"professor\":\"prof1\","
                           "\"slots\":[{\"day\":\"MON\",\"start\":\"08:00\",\"end\":\"09:30\"}]}");
}

/* A new student (F0's 2025-00001 stays as "another student") with 6 ×
 * 5,000.00 in 2025-FIRST; returns the number. */
static char *
register_student (LedgerFixture *seed)
{
  g_autoptr(JsonObject) registered = NULL;
  g_autoptr(JsonObject) enrolled = NULL;
  g_autoptr(GError) error = NULL;
  char *number;

  registered = test_apply_ok (seed, "student.register", "registrar1",
                              "{\"first_name\":\"Maria\",\"last_name\":\"Clara\","
                              "\"program\":\"BSCS\",\"email\":\"maria@example.edu\"}");
  number = g_strdup (json_object_get_string_member (registered, "student"));
  tala_ledger_set_password (seed->ledger, number, STUDENT_PASS, NULL, seed->now, &error);
  g_assert_no_error (error);
  {
    g_autofree char *args = g_strdup_printf ("{\"student\":\"%s\",\"semester\":\"2025-FIRST\","
                                             "\"monthly_commitment\":\"5000.00\"}", number);

    enrolled = test_apply_ok (seed, "enrollment.create", "registrar1", args);
  }
  g_assert_cmpstr (json_object_get_string_member (enrolled, "balance"), ==, "30000.00");
  return number;
}

/* An op whose args name the block's student as %s. */
static void
apply_for (LedgerFixture *seed,
           const char    *kind,
           const char    *actor,
           const char    *args_format)
{
  g_auto(GStrv) parts = g_strsplit (args_format, "%s", -1);
  g_autofree char *args = g_strjoinv (block_student, parts);
  g_autoptr(JsonObject) result = test_apply_ok (seed, kind, actor, args);
}

/* §16.6's student block: gpa 3.50 from an earlier semester (PH scale:
 * 2.00 and 5.00 on 3 units each), 6 × 5,000.00 in 2025-FIRST with month 1
 * paid, so the PRELIM permit is UNLOCKED. */
static void
prepare_student_block (LedgerFixture *seed)
{
  g_autoptr(JsonObject) term = NULL;
  g_autoptr(JsonObject) cs102 = NULL;
  g_autoptr(JsonObject) cs103 = NULL;
  g_autoptr(JsonObject) finalized = NULL;
  JsonArray *gpas;

  stretch_semester (seed);
  block_student = register_student (seed);

  term = test_apply_ok (seed, "catalog.semester.put", "registrar1",
                        "{\"code\":\"2024-SECOND\",\"start_date\":\"2024-11-04\","
                        "\"end_date\":\"2025-03-28\",\"enrollment_start\":\"2024-10-28\","
                        "\"enrollment_end\":\"2024-11-15\"}");
  cs102 = test_apply_ok (seed, "catalog.section.put", "registrar1",
                         "{\"semester\":\"2024-SECOND\",\"code\":\"CS102-B\","
                         "\"subject\":\"CS102\",\"capacity\":30,\"professor\":\"prof1\","
                         "\"slots\":[{\"day\":\"TUE\",\"start\":\"10:00\",\"end\":\"11:30\"}]}");
  cs103 = test_apply_ok (seed, "catalog.section.put", "registrar1",
                         "{\"semester\":\"2024-SECOND\",\"code\":\"CS103-B\","
                         "\"subject\":\"CS103\",\"capacity\":30,\"professor\":\"prof1\","
                         "\"slots\":[{\"day\":\"WED\",\"start\":\"10:00\",\"end\":\"11:30\"}]}");
  apply_for (seed, "enrollment.create", "registrar1",
             "{\"student\":\"%s\",\"semester\":\"2024-SECOND\",\"monthly_commitment\":\"0.00\"}");
  apply_for (seed, "subject.enroll", "registrar1",
             "{\"student\":\"%s\",\"semester\":\"2024-SECOND\",\"subject\":\"CS102\","
             "\"section\":\"CS102-B\"}");
  apply_for (seed, "subject.enroll", "registrar1",
             "{\"student\":\"%s\",\"semester\":\"2024-SECOND\",\"subject\":\"CS103\","
             "\"section\":\"CS103-B\"}");
  apply_for (seed, "grade.submit", "prof1",
             "{\"student\":\"%s\",\"semester\":\"2024-SECOND\",\"subject\":\"CS102\","
             "\"grade\":\"2.00\"}");
  apply_for (seed, "grade.submit", "prof1",
             "{\"student\":\"%s\",\"semester\":\"2024-SECOND\",\"subject\":\"CS103\","
             "\"grade\":\"5.00\"}");
  finalized = test_apply_ok (seed, "grade.finalize", "registrar1",
                             "{\"semester\":\"2024-SECOND\"}");
  g_assert_cmpint (json_object_get_int_member (finalized, "finalized_count"), ==, 2);
  gpas = json_object_get_array_member (finalized, "gpa_updated");
  g_assert_cmpuint (json_array_get_length (gpas), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (gpas, 0),
                                                  "gpa"), ==, "3.50");

  apply_for (seed, "payment.record", "cashier1",
             "{\"student\":\"%s\",\"amount\":\"5000.00\",\"method\":\"CASH\","
             "\"semester\":\"2025-FIRST\"}");
}

/* §16.6's cashier block: a student with 6 × 5,000.00, nothing paid. */
static void
prepare_cashier_block (LedgerFixture *seed)
{
  stretch_semester (seed);
  block_student = register_student (seed);
}

/* §16.6's public block: program NURS (130 units, active) with NURS101 (4
 * units), which has a section. */
static void
prepare_public_block (LedgerFixture *seed)
{
  g_autoptr(JsonObject) program = NULL;
  g_autoptr(JsonObject) subject = NULL;
  g_autoptr(JsonObject) section = NULL;

  program = test_apply_ok (seed, "catalog.program.put", "registrar1",
                           "{\"code\":\"NURS\",\"name\":\"Bachelor of Science in Nursing\","
                           "\"total_units_required\":130,\"is_active\":true}");
  subject = test_apply_ok (seed, "catalog.subject.put", "registrar1",
                           "{\"code\":\"NURS101\",\"name\":\"Fundamentals of Nursing\","
                           "\"units\":4,\"program\":\"NURS\"}");
  section = test_apply_ok (seed, "catalog.section.put", "registrar1",
                           "{\"semester\":\"2025-FIRST\",\"code\":\"NURS101-A\","
                           "\"subject\":\"NURS101\",\"capacity\":30,"
                           "\"slots\":[{\"day\":\"THU\",\"start\":\"13:00\",\"end\":\"15:00\"}]}");
}

static void
setup_student (HubFixture    *fx,
               gconstpointer  data)
{
  hub_fixture_setup_with (fx, data, prepare_student_block);
}

static void
setup_cashier (HubFixture    *fx,
               gconstpointer  data)
{
  hub_fixture_setup_with (fx, data, prepare_cashier_block);
}

static void
setup_public (HubFixture    *fx,
              gconstpointer  data)
{
  hub_fixture_setup_with (fx, data, prepare_public_block);
}

static void
teardown (HubFixture    *fx,
          gconstpointer  data)
{
  hub_fixture_teardown (fx, data);
  g_clear_pointer (&block_student, g_free);
}

static char *
student_token (HubFixture *fx)
{
  return hub_login (fx, block_student, STUDENT_PASS);
}

/* ---- Student API (74–82) -------------------------------------------------- */

static void
test_74_profile_me (HubFixture    *fx,
                    gconstpointer  data)
{
  g_autofree char *token = student_token (fx);
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/student/profile/me/", token, NULL);
  g_autoptr(JsonObject) profile = NULL;

  g_assert_cmpuint (r.status, ==, 200);
  profile = hub_reply_object (&r);
  g_assert_cmpstr (json_object_get_string_member (profile, "student_id"), ==, block_student);
  g_assert_cmpstr (json_object_get_string_member (profile, "gpa"), ==, "3.50");
  g_assert_cmpstr (json_object_get_string_member (profile, "gpa_display"), ==, "3.50");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (profile, "user"),
                                                  "email"), ==, "maria@example.edu");
}

static void
test_75_profile_me_no_token (HubFixture    *fx,
                             gconstpointer  data)
{
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/student/profile/me/", NULL, NULL);

  hub_assert_error (&r, 401, "unauthorized");
}

static void
test_76_profile_list_own_only (HubFixture    *fx,
                               gconstpointer  data)
{
  g_autofree char *token = student_token (fx);
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/student/profile/", token, NULL);
  g_autoptr(JsonObject) page = NULL;
  JsonArray *results;

  /* Another student is present: F0's 2025-00001. */
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM student"), ==, 2);
  g_assert_cmpuint (r.status, ==, 200);
  page = hub_reply_object (&r);
  g_assert_cmpint (json_object_get_int_member (page, "count"), ==, 1);
  results = json_object_get_array_member (page, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "student_id"), ==, block_student);
}

static void
test_77_enrollment_list (HubFixture    *fx,
                         gconstpointer  data)
{
  g_autofree char *token = student_token (fx);
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/student/enrollment/", token, NULL);
  g_autoptr(JsonObject) page = NULL;
  JsonArray *results;
  gboolean current = FALSE;

  g_assert_cmpuint (r.status, ==, 200);
  page = hub_reply_object (&r);
  results = json_object_get_array_member (page, "results");
  g_assert_cmpuint (json_array_get_length (results), >=, 1);
  for (guint i = 0; i < json_array_get_length (results); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (results, i),
                                                  "semester"), "2025-FIRST") == 0)
      current = TRUE;
  g_assert_true (current);
}

static void
test_78_payment_status (HubFixture    *fx,
                        gconstpointer  data)
{
  g_autofree char *token = student_token (fx);
  g_auto(HubReply) r = hub_call (fx, "GET", ENR "payment_status/", token, NULL);
  g_autoptr(JsonObject) status = NULL;
  JsonArray *months;
  JsonObject *first;

  g_assert_cmpuint (r.status, ==, 200);
  status = hub_reply_object (&r);
  g_assert_true (json_object_get_boolean_member (status, "month_1_paid"));
  g_assert_cmpstr (json_object_get_string_member (status, "total_balance"), ==, "25000.00");
  months = json_object_get_array_member (status, "months");
  g_assert_cmpuint (json_array_get_length (months), ==, 6);
  first = json_array_get_object_element (months, 0);
  g_assert_cmpint (json_object_get_int_member (first, "month_number"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (first, "amount_due"), ==, "5000.00");
  g_assert_true (json_object_get_boolean_member (first, "is_paid"));
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (months, 1),
                                                  "is_paid"));
}

static void
test_79_exam_permit (HubFixture    *fx,
                     gconstpointer  data)
{
  g_autofree char *token = student_token (fx);
  g_auto(HubReply) r = hub_call (fx, "GET", ENR "exam_permit/", token, NULL);
  g_autoptr(JsonObject) permit = NULL;

  g_assert_cmpuint (r.status, ==, 200);
  permit = hub_reply_object (&r);
  g_assert_cmpstr (json_object_get_string_member (permit, "status"), ==, "UNLOCKED");
  g_assert_cmpstr (json_object_get_string_member (permit, "period"), ==, "PRELIM");
}

static void
test_80_available_subjects (HubFixture    *fx,
                            gconstpointer  data)
{
  g_autofree char *token = student_token (fx);
  g_auto(HubReply) r = hub_call (fx, "GET", ENR "available_subjects/", token, NULL);
  g_autoptr(JsonArray) subjects = NULL;
  gboolean cs101 = FALSE;

  g_assert_cmpuint (r.status, ==, 200);
  subjects = reply_array (&r);
  for (guint i = 0; i < json_array_get_length (subjects); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (subjects, i),
                                                  "code"), "CS101") == 0)
      cs101 = TRUE;
  g_assert_true (cs101);
}

static void
test_81_enroll_subject (HubFixture    *fx,
                        gconstpointer  data)
{
  g_autofree char *token = student_token (fx);
  g_auto(HubReply) r = { 0 };
  g_auto(HubReply) list = { 0 };
  g_autoptr(JsonObject) take = NULL;
  g_autoptr(JsonArray) subjects = NULL;

  r = hub_call (fx, "POST", ENR "enroll_subject/", token,
                "{\"subject_id\":\"CS101\",\"section_id\":\"CS101-A\","
                "\"override_schedule_conflict\":false}");
  g_assert_cmpuint (r.status, ==, 201);
  take = hub_reply_object (&r);
  g_assert_cmpstr (json_object_get_string_member (take, "subject"), ==, "CS101");
  g_assert_cmpstr (json_object_get_string_member (take, "section"), ==, "CS101-A");
  g_assert_cmpint (json_object_get_int_member (take, "units_added"), ==, 3);
  g_assert_false (json_object_get_boolean_member (take, "schedule_override_applied"));

  /* The take is the student's, in that section. */
  list = hub_call (fx, "GET", ENR "subjects/", token, NULL);
  g_assert_cmpuint (list.status, ==, 200);
  subjects = reply_array (&list);
  g_assert_cmpuint (json_array_get_length (subjects), ==, 1);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM take t JOIN section s"
                                      " ON s.id = t.section_id WHERE s.code = 'CS101-A'"
                                      " AND t.status = 'ENROLLED'"), ==, 1);
}

static void
test_82_enroll_unknown_subject (HubFixture    *fx,
                                gconstpointer  data)
{
  g_autofree char *token = student_token (fx);
  g_auto(HubReply) r = hub_call (fx, "POST", ENR "enroll_subject/", token,
                                 "{\"subject_id\":99999}");

  hub_assert_error (&r, 400, "unknown_subject");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM take WHERE status = 'ENROLLED'"), ==,
                   0);
}

/* ---- Cashier API (83–86) -------------------------------------------------- */

static void
test_83_cashier_profile_me (HubFixture    *fx,
                            gconstpointer  data)
{
  g_autofree char *token = hub_login_as (fx, "cashier1");
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/student/profile/me/", token, NULL);

  hub_assert_error (&r, 403, "forbidden");
}

static void
test_84_payment_methods (HubFixture    *fx,
                         gconstpointer  data)
{
  g_autofree char *token = hub_login_as (fx, "cashier1");
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/cashier/payment/payment_methods/", token,
                                 NULL);
  g_autoptr(JsonArray) methods = NULL;

  g_assert_cmpuint (r.status, ==, 200);
  methods = reply_array (&r);
  /* The 7 of D-P7. */
  g_assert_cmpuint (json_array_get_length (methods), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (methods, 0),
                                                  "value"), ==, "CASH");
}

static void
test_85_record_payment (HubFixture    *fx,
                        gconstpointer  data)
{
  g_autofree char *token = hub_login_as (fx, "cashier1");
  g_autofree char *reference = g_strdup_printf ("PAY-%08X", g_random_int ());
  g_autofree char *body = g_strdup_printf ("{\"student_id\":\"%s\",\"amount\":\"2500.00\","
                                           "\"method\":\"CASH\",\"reference_number\":\"%s\","
                                           "\"notes\":\"Scenario 85\"}", block_student,
                                           reference);
  g_auto(HubReply) r = hub_call (fx, "POST", "/api/v1/cashier/payment/record_payment/", token,
                                 body);
  g_autoptr(JsonObject) payment = NULL;

  g_assert_cmpuint (r.status, ==, 201);
  payment = hub_reply_object (&r);
  g_assert_cmpstr (json_object_get_string_member (payment, "amount"), ==, "2500.00");
  g_assert_cmpstr (json_object_get_string_member (payment, "reference_number"), ==, reference);
  g_assert_cmpstr (json_object_get_string_member (payment, "notes"), ==, "Scenario 85");
  g_assert_cmpstr (json_object_get_string_member (payment, "student"), ==, block_student);
  g_assert_cmpstr (json_object_get_string_member (payment, "balance"), ==, "27500.00");
  /* Half of month 1: the PRELIM permit stays locked. */
  g_assert_false (json_object_get_boolean_member (payment, "exam_permit_unlocked"));
}

static void
test_86_record_payment_unknown_student (HubFixture    *fx,
                                        gconstpointer  data)
{
  g_autofree char *token = hub_login_as (fx, "cashier1");
  gint64 payments = hub_db_scalar (fx, "SELECT count(*) FROM txn");
  g_auto(HubReply) r = hub_call (fx, "POST", "/api/v1/cashier/payment/record_payment/", token,
                                 "{\"student_id\":\"INVALID999\",\"amount\":\"2500.00\","
                                 "\"method\":\"CASH\",\"reference_number\":\"PAY-0000INV1\"}");

  hub_assert_error (&r, 404, "unknown_student");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM txn"), ==, payments);
}

/* ---- Public API (87–91) --------------------------------------------------- */

/* NURS's integer id, from P1. */
static gint64
nurs_id (HubFixture *fx)
{
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/public/programs/", NULL, NULL);
  g_autoptr(JsonObject) page = hub_reply_object (&r);
  JsonArray *results = json_object_get_array_member (page, "results");

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *p = json_array_get_object_element (results, i);

      if (g_strcmp0 (json_object_get_string_member (p, "code"), "NURS") == 0)
        return json_object_get_int_member (p, "id");
    }
  g_assert_not_reached ();
}

static void
test_87_programs (HubFixture    *fx,
                  gconstpointer  data)
{
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/public/programs/", NULL, NULL);
  g_autoptr(JsonObject) page = NULL;

  g_assert_cmpuint (r.status, ==, 200);
  page = hub_reply_object (&r);
  g_assert_cmpint (json_object_get_int_member (page, "count"), ==, 2);
  g_assert_cmpint (nurs_id (fx), >, 0);
}

static void
test_88_program_detail (HubFixture    *fx,
                        gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/public/programs/%" G_GINT64_FORMAT "/",
                                           nurs_id (fx));
  g_auto(HubReply) r = hub_call (fx, "GET", path, NULL, NULL);
  g_autoptr(JsonObject) program = NULL;

  g_assert_cmpuint (r.status, ==, 200);
  program = hub_reply_object (&r);
  g_assert_cmpstr (json_object_get_string_member (program, "code"), ==, "NURS");
  g_assert_cmpint (json_object_get_int_member (program, "total_units_required"), ==, 130);
  g_assert_true (json_object_get_boolean_member (program, "is_active"));
}

static void
test_89_program_subjects (HubFixture    *fx,
                          gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/public/programs/%" G_GINT64_FORMAT
                                           "/subjects/", nurs_id (fx));
  g_auto(HubReply) r = hub_call (fx, "GET", path, NULL, NULL);
  g_autoptr(JsonArray) subjects = NULL;
  JsonObject *nurs101;

  g_assert_cmpuint (r.status, ==, 200);
  subjects = reply_array (&r);
  g_assert_cmpuint (json_array_get_length (subjects), ==, 1);
  nurs101 = json_array_get_object_element (subjects, 0);
  g_assert_cmpstr (json_object_get_string_member (nurs101, "code"), ==, "NURS101");
  g_assert_cmpint (json_object_get_int_member (nurs101, "units"), ==, 4);
}

static void
test_90_new_student (HubFixture    *fx,
                     gconstpointer  data)
{
  gint64 id = nurs_id (fx);
  g_autofree char *body = g_strdup_printf ("{\"email\":\"newstudent@test.com\","
                                           "\"first_name\":\"New\",\"last_name\":\"Student\","
                                           "\"password\":\"testpass123\",\"program_id\":%"
                                           G_GINT64_FORMAT "}", id);
  g_auto(HubReply) r = hub_call (fx, "POST", "/api/v1/public/enrollment/new_student/", NULL,
                                 body);
  g_autoptr(JsonObject) profile = NULL;

  g_assert_cmpuint (r.status, ==, 201);
  profile = hub_reply_object (&r);
  g_assert_cmpint (json_object_get_int_member (profile, "program"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (profile, "program_code"), ==, "NURS");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM user"
                                      " WHERE email = 'newstudent@test.com' AND role = 'STUDENT'"),
                   ==, 1);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM student s JOIN user u"
                                      " ON u.id = s.user_id"
                                      " WHERE u.email = 'newstudent@test.com'"), ==, 1);
}

static void
test_91_new_student_unknown_program (HubFixture    *fx,
                                     gconstpointer  data)
{
  gint64 students = hub_db_scalar (fx, "SELECT count(*) FROM student");
  g_auto(HubReply) r = hub_call (fx, "POST", "/api/v1/public/enrollment/new_student/", NULL,
                                 "{\"email\":\"newstudent@test.com\",\"first_name\":\"New\","
                                 "\"last_name\":\"Student\",\"password\":\"testpass123\","
                                 "\"program_id\":99999}");

  hub_assert_error (&r, 404, "unknown_program");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM student"), ==, students);
}

/* ---- Authentication (92–95) ----------------------------------------------- */

static void
test_92_login (HubFixture    *fx,
               gconstpointer  data)
{
  g_auto(HubReply) r = hub_call (fx, "POST", "/api-token-auth/", NULL,
                                 "{\"username\":\"cashier1\",\"password\":\"cashier-pass\"}");
  g_autoptr(JsonObject) reply = NULL;
  g_auto(HubReply) use = { 0 };
  g_autofree char *token = NULL;

  g_assert_cmpuint (r.status, ==, 200);
  reply = hub_reply_object (&r);
  token = g_strdup (json_object_get_string_member (reply, "token"));
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), ==, 64);
  use = hub_call (fx, "GET", "/api/v1/cashier/payment/payment_methods/", token, NULL);
  g_assert_cmpuint (use.status, ==, 200);
}

static void
test_93_login_wrong_password (HubFixture    *fx,
                              gconstpointer  data)
{
  g_auto(HubReply) r = hub_call (fx, "POST", "/api-token-auth/", NULL,
                                 "{\"username\":\"cashier1\",\"password\":\"wrong\"}");
  g_autoptr(JsonObject) reply = NULL;

  hub_assert_error (&r, 400, "invalid_credentials");
  reply = hub_reply_object (&r);
  g_assert_false (json_object_has_member (reply, "token"));
}

static void
test_94_no_credentials (HubFixture    *fx,
                        gconstpointer  data)
{
  g_auto(HubReply) read = hub_call (fx, "GET", "/api/v1/cashier/payment/payment_methods/", NULL,
                                    NULL);
  g_auto(HubReply) write = hub_call (fx, "POST", "/api/v1/cashier/payment/record_payment/", NULL,
                                     "{\"student_id\":\"2025-00001\",\"amount\":\"1.00\","
                                     "\"method\":\"CASH\"}");

  hub_assert_error (&read, 401, "unauthorized");
  hub_assert_error (&write, 401, "unauthorized");
}

static void
test_95_invalid_token (HubFixture    *fx,
                       gconstpointer  data)
{
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/student/profile/me/",
                                 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                 NULL);

  hub_assert_error (&r, 401, "unauthorized");
}

int
main (int   argc,
      char *argv[])
{
  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, setup, func) \
  g_test_add ("/hub/api-scenarios/" name, HubFixture, NULL, setup, func, teardown)
  ADD ("74-profile-me", setup_student, test_74_profile_me);
  ADD ("75-profile-me-no-token", setup_student, test_75_profile_me_no_token);
  ADD ("76-profile-list-own-only", setup_student, test_76_profile_list_own_only);
  ADD ("77-enrollment-list", setup_student, test_77_enrollment_list);
  ADD ("78-payment-status", setup_student, test_78_payment_status);
  ADD ("79-exam-permit", setup_student, test_79_exam_permit);
  ADD ("80-available-subjects", setup_student, test_80_available_subjects);
  ADD ("81-enroll-subject", setup_student, test_81_enroll_subject);
  ADD ("82-enroll-unknown-subject", setup_student, test_82_enroll_unknown_subject);
  ADD ("83-cashier-profile-me-forbidden", setup_cashier, test_83_cashier_profile_me);
  ADD ("84-payment-methods", setup_cashier, test_84_payment_methods);
  ADD ("85-record-payment", setup_cashier, test_85_record_payment);
  ADD ("86-record-payment-unknown-student", setup_cashier,
       test_86_record_payment_unknown_student);
  ADD ("87-programs", setup_public, test_87_programs);
  ADD ("88-program-detail", setup_public, test_88_program_detail);
  ADD ("89-program-subjects", setup_public, test_89_program_subjects);
  ADD ("90-new-student", setup_public, test_90_new_student);
  ADD ("91-new-student-unknown-program", setup_public, test_91_new_student_unknown_program);
  ADD ("92-login", hub_fixture_setup, test_92_login);
  ADD ("93-login-wrong-password", hub_fixture_setup, test_93_login_wrong_password);
  ADD ("94-no-credentials", hub_fixture_setup, test_94_no_credentials);
  ADD ("95-invalid-token", hub_fixture_setup, test_95_invalid_token);
#undef ADD

  return g_test_run ();
}
