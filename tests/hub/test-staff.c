/* test-staff.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The professor, catalog and admin routes end to end on a real hub over
 * fixture F0 plus: a second professor (prof2) teaching CS102-B, the
 * student 2025-00001 with month 1 paid (on terminal C01) and enrolled in
 * CS101-A (prof1's) and CS102-B (prof2's).
 */

#include "config.h"

#include <string.h>

#include "test-hub.h"

#define PROF "/api/v1/professor/sections/"
#define CAT "/api/v1/catalog/"
#define ADM "/api/v1/admin/"
#define STUDENT "2025-00001"

static void
prepare_staff (LedgerFixture *seed)
{
  g_autoptr(JsonObject) prof2 = NULL;
  g_autoptr(JsonObject) section = NULL;
  g_autoptr(JsonObject) payment = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(GError) error = NULL;

  prof2 = test_apply_ok (seed, "user.put", "admin",
                         "{\"username\":\"prof2\",\"role\":\"PROFESSOR\","
                         "\"first_name\":\"Ben\",\"last_name\":\"Tan\"}");
  section = test_apply_ok (seed, "catalog.section.put", "registrar1",
                           "{\"semester\":\"2025-FIRST\",\"code\":\"CS102-B\",\"subject\":\"CS102\","
                           "\"capacity\":30,\"professor\":\"prof2\",\"room\":\"R201\","
                           "\"slots\":[{\"day\":\"THU\",\"start\":\"13:00\",\"end\":\"14:30\"}]}");
  payment = test_apply_json (seed,
                             "{\"op_id\":\"00000000-0000-4000-8000-00000000c001\","
                             "\"kind\":\"payment.record\",\"actor\":\"cashier1\",\"device\":\"C01\","
                             "\"device_seq\":1,\"args\":{\"student\":\"" STUDENT "\","
                             "\"amount\":\"10000.00\",\"method\":\"CASH\","
                             "\"receipt_no\":\"C01-000001\"}}");
  g_assert_cmpstr (json_object_get_string_member (payment, "status"), ==, "applied");
  a = test_apply_ok (seed, "subject.enroll", "registrar1",
                     "{\"student\":\"" STUDENT "\",\"semester\":\"2025-FIRST\","
                     "\"subject\":\"CS101\",\"section\":\"CS101-A\"}");
  b = test_apply_ok (seed, "subject.enroll", "registrar1",
                     "{\"student\":\"" STUDENT "\",\"semester\":\"2025-FIRST\","
                     "\"subject\":\"CS102\",\"section\":\"CS102-B\"}");
  tala_ledger_set_password (seed->ledger, "prof2", "prof2-pass", NULL, seed->now, &error);
  g_assert_no_error (error);
}

static void
staff_setup (HubFixture    *fx,
             gconstpointer  data)
{
  hub_fixture_setup_with (fx, data, prepare_staff);
}

static const char *
string_at (JsonObject *object,
           const char *array,
           guint       index,
           const char *member)
{
  JsonArray *a = json_object_get_array_member (object, array);

  g_assert_cmpuint (json_array_get_length (a), >, index);
  return json_object_get_string_member (json_array_get_object_element (a, index), member);
}

/* ---- Professor ----------------------------------------------------------------- */

static void
test_professor_sections (HubFixture    *fx,
                         gconstpointer  data)
{
  g_autofree char *prof1 = hub_login_as (fx, "prof1");
  g_autofree char *prof2 = hub_login (fx, "prof2", "prof2-pass");
  g_autoptr(JsonObject) all = hub_call_object (fx, "GET", PROF, prof1, NULL, 200);
  g_autoptr(JsonObject) one = hub_call_object (fx, "GET", PROF "?semester=2025-FIRST", prof1, NULL, 200);
  g_autoptr(JsonObject) none = hub_call_object (fx, "GET", PROF "?semester=2030-FIRST", prof1, NULL, 200);
  g_autoptr(JsonObject) other = hub_call_object (fx, "GET", PROF, prof2, NULL, 200);
  JsonObject *first;

  g_assert_cmpint (json_object_get_int_member (all, "count"), ==, 4);
  g_assert_true (json_object_get_null_member (all, "next"));
  g_assert_cmpstr (string_at (all, "results", 0, "code"), ==, "CS101-A");
  g_assert_cmpstr (string_at (all, "results", 3, "code"), ==, "OJT21-A");
  first = json_array_get_object_element (json_object_get_array_member (all, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "subject_name"), ==,
                   "Programming Fundamentals");
  g_assert_cmpint (json_object_get_int_member (first, "taken"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (first, "capacity"), ==, 40);
  g_assert_cmpstr (string_at (first, "slots", 0, "day"), ==, "MON");
  g_assert_cmpstr (string_at (first, "slots", 0, "start"), ==, "08:00");
  g_assert_cmpint (json_object_get_int_member (one, "count"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (none, "count"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (other, "count"), ==, 1);
  g_assert_cmpstr (string_at (other, "results", 0, "code"), ==, "CS102-B");
}

static void
test_professor_roles (HubFixture    *fx,
                      gconstpointer  data)
{
  const char *users[] = { "admin", "registrar1", "cashier1", STUDENT };

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *token = hub_login_as (fx, users[i]);

      hub_call_error (fx, "GET", PROF, token, NULL, 403, "forbidden");
      hub_call_error (fx, "GET", PROF "2025-FIRST/CS101-A/roster/", token, NULL, 403, "forbidden");
      hub_call_error (fx, "PUT", PROF "2025-FIRST/CS101-A/grades/" STUDENT "/", token,
                      "{\"grade\":\"1.75\"}", 403, "forbidden");
    }
}

static void
test_professor_roster (HubFixture    *fx,
                       gconstpointer  data)
{
  g_autofree char *prof1 = hub_login_as (fx, "prof1");
  g_autoptr(JsonObject) roster = hub_call_object (fx, "GET", PROF "2025-FIRST/CS101-A/roster/", prof1,
                                                  NULL, 200);
  g_autoptr(JsonObject) empty = hub_call_object (fx, "GET", PROF "2025-FIRST/CS103-A/roster/", prof1,
                                                 NULL, 200);
  JsonObject *row;

  g_assert_cmpstr (json_object_get_string_member (roster, "subject"), ==, "CS101");
  g_assert_cmpstr (json_object_get_string_member (roster, "professor"), ==, "prof1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (roster, "students")),
                    ==, 1);
  row = json_array_get_object_element (json_object_get_array_member (roster, "students"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "student"), ==, STUDENT);
  g_assert_cmpstr (json_object_get_string_member (row, "last_name"), ==, "Dela Cruz");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "ENROLLED");
  g_assert_cmpstr (json_object_get_string_member (row, "grade_status"), ==, "PENDING");
  g_assert_true (json_object_get_null_member (row, "grade"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (empty, "students")),
                    ==, 0);

  /* Another professor's section, and sections that do not exist. */
  hub_call_error (fx, "GET", PROF "2025-FIRST/CS102-B/roster/", prof1, NULL, 403, "forbidden");
  hub_call_error (fx, "GET", PROF "2025-FIRST/NOPE/roster/", prof1, NULL, 404, "not_found");
  hub_call_error (fx, "GET", PROF "2030-FIRST/CS101-A/roster/", prof1, NULL, 404, "not_found");
}

static void
test_professor_grade (HubFixture    *fx,
                      gconstpointer  data)
{
  g_autofree char *prof1 = hub_login_as (fx, "prof1");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) roster = NULL;

  first = hub_call_object (fx, "PUT", PROF "2025-FIRST/CS101-A/grades/" STUDENT "/", prof1,
                           "{\"grade\":\"1.75\",\"comments\":\"Good work\"}", 200);
  g_assert_cmpstr (json_object_get_string_member (first, "grade"), ==, "1.75");
  g_assert_cmpstr (json_object_get_string_member (first, "subject"), ==, "CS101");
  g_assert_cmpstr (json_object_get_string_member (first, "grade_status"), ==, "SUBMITTED");
  g_assert_false (json_object_has_member (first, "previous"));
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM take WHERE grade = '1.75'"
                                      " AND grade_status = 'SUBMITTED' AND comments = 'Good work'"),
                   ==, 1);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE action = "
                                      "'GRADE_SUBMITTED' AND actor = 'prof1'"), ==, 1);

  /* Until finalization the professor may change it. */
  second = hub_call_object (fx, "PUT", PROF "2025-FIRST/CS101-A/grades/" STUDENT "/", prof1,
                            "{\"grade\":\"2.00\"}", 200);
  g_assert_cmpstr (json_object_get_string_member (second, "previous"), ==, "1.75");
  roster = hub_call_object (fx, "GET", PROF "2025-FIRST/CS101-A/roster/", prof1, NULL, 200);
  g_assert_cmpstr (string_at (roster, "students", 0, "grade"), ==, "2.00");
}

static void
test_professor_grade_errors (HubFixture    *fx,
                             gconstpointer  data)
{
  g_autofree char *prof1 = hub_login_as (fx, "prof1");
  const char *path = PROF "2025-FIRST/CS101-A/grades/" STUDENT "/";

  hub_call_error (fx, "PUT", path, prof1, "{\"grade\":\"1.75\",\"extra\":1}", 400, "invalid_args");
  hub_call_error (fx, "PUT", path, prof1, "{\"grade\":1.75}", 400, "invalid_args");
  hub_call_error (fx, "PUT", path, prof1, "{}", 400, "invalid_args");
  hub_call_error (fx, "PUT", path, prof1, "{\"grade\":\"1.70\"}", 400, "invalid_grade");
  hub_call_error (fx, "PUT", path, prof1, "{\"grade\":\"1.75\",\"comments\":[]}", 400,
                  "invalid_args");
  /* prof2's section; a section the student is not in; no such section or student. */
  hub_call_error (fx, "PUT", PROF "2025-FIRST/CS102-B/grades/" STUDENT "/", prof1,
                  "{\"grade\":\"1.75\"}", 403, "forbidden");
  hub_call_error (fx, "PUT", PROF "2025-FIRST/CS103-A/grades/" STUDENT "/", prof1,
                  "{\"grade\":\"1.75\"}", 404, "not_found");
  hub_call_error (fx, "PUT", PROF "2025-FIRST/NOPE/grades/" STUDENT "/", prof1,
                  "{\"grade\":\"1.75\"}", 404, "not_found");
  hub_call_error (fx, "PUT", PROF "2025-FIRST/CS101-A/grades/2025-99999/", prof1,
                  "{\"grade\":\"1.75\"}", 404, "not_found");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM take WHERE grade IS NOT NULL"), ==, 0);
}

/* ---- Catalog ------------------------------------------------------------------- */

static void
test_catalog_get (HubFixture    *fx,
                  gconstpointer  data)
{
  g_autofree char *student = hub_login_as (fx, STUDENT);
  g_autoptr(JsonObject) program = hub_call_object (fx, "GET", CAT "programs/BSCS/", student, NULL, 200);
  g_autoptr(JsonObject) subject = hub_call_object (fx, "GET", CAT "subjects/CS201/", student, NULL, 200);
  g_autoptr(JsonObject) semester = hub_call_object (fx, "GET", CAT "semesters/2025-FIRST/", student, NULL,
                                                    200);
  g_autoptr(JsonObject) section = hub_call_object (fx, "GET", CAT "semesters/2025-FIRST/sections/CS102-B/",
                                                   student, NULL, 200);
  JsonArray *prerequisites = json_object_get_array_member (subject, "prerequisites");

  g_assert_cmpstr (json_object_get_string_member (program, "name"), ==,
                   "Bachelor of Science in Computer Science");
  g_assert_cmpint (json_object_get_int_member (program, "duration_years"), ==, 4);
  g_assert_true (json_object_get_boolean_member (program, "is_active"));
  g_assert_cmpuint (json_array_get_length (prerequisites), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (prerequisites, 0), ==, "CS101");
  g_assert_cmpstr (json_object_get_string_member (subject, "program"), ==, "BSCS");
  g_assert_cmpstr (json_object_get_string_member (subject, "subject_type"), ==, "MAJOR");
  g_assert_cmpstr (json_object_get_string_member (semester, "end_date"), ==, "2025-10-31");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (semester,
                                                                             "exam_months"),
                                               "FINAL"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (section, "professor"), ==, "prof2");
  g_assert_cmpstr (json_object_get_string_member (section, "room"), ==, "R201");
  g_assert_cmpstr (string_at (section, "slots", 0, "end"), ==, "14:30");

  hub_call_error (fx, "GET", CAT "programs/NOPE/", student, NULL, 404, "not_found");
  hub_call_error (fx, "GET", CAT "subjects/NOPE/", student, NULL, 404, "not_found");
  hub_call_error (fx, "GET", CAT "semesters/2030-FIRST/", student, NULL, 404, "not_found");
  hub_call_error (fx, "GET", CAT "semesters/2025-FIRST/sections/NOPE/", student, NULL, 404,
                  "not_found");
  hub_call_error (fx, "GET", CAT "programs/BSCS/", NULL, NULL, 401, "unauthorized");
}

/* What GET answers, PUT back unchanged, is a put that changes nothing. */
static void
test_catalog_round_trip (HubFixture    *fx,
                         gconstpointer  data)
{
  const char *paths[] = { CAT "programs/BSCS/", CAT "subjects/CS201/",
                          CAT "semesters/2025-FIRST/", CAT "semesters/2025-FIRST/sections/CS101-A/",
                          CAT "semesters/2025-FIRST/sections/CS102-B/" };
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  gint64 seq = hub_db_scalar (fx, "SELECT max(hub_seq) FROM journal");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(HubReply) got = hub_call (fx, "GET", paths[i], registrar, NULL);
      g_autoptr(JsonObject) put = NULL;

      g_assert_cmpuint (got.status, ==, 200);
      put = hub_call_object (fx, "PUT", paths[i], registrar, got.body, 200);
      g_assert_false (json_object_get_boolean_member (put, "created"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (put, "changed")), ==,
                        0);
    }
  g_assert_cmpint (hub_db_scalar (fx, "SELECT max(hub_seq) FROM journal"), ==,
                   seq + G_N_ELEMENTS (paths));
}

static void
test_catalog_put (HubFixture    *fx,
                  gconstpointer  data)
{
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  g_autofree char *head = hub_login_as (fx, "head1");
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) changed = NULL;
  g_autoptr(JsonObject) subject = NULL;
  g_autoptr(JsonObject) semester = NULL;

  created = hub_call_object (fx, "PUT", CAT "programs/BSIT/", registrar,
                             "{\"name\":\"BS Information Technology\",\"duration_years\":4}", 201);
  g_assert_cmpstr (json_object_get_string_member (created, "code"), ==, "BSIT");
  g_assert_true (json_object_get_boolean_member (created, "created"));
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM program WHERE code = 'BSIT'"
                                      " AND name = 'BS Information Technology'"), ==, 1);
  changed = hub_call_object (fx, "PUT", CAT "programs/BSIT/", head,
                             "{\"code\":\"BSIT\",\"name\":\"Information Technology\"}", 200);
  g_assert_false (json_object_get_boolean_member (changed, "created"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (changed,
                                                                               "changed"), 0),
                   ==, "name");
  subject = hub_call_object (fx, "PUT", CAT "subjects/IT101/", registrar,
                             "{\"name\":\"Intro to IT\",\"units\":3,\"program\":\"BSIT\","
                             "\"prerequisites\":[\"CS101\"]}", 201);
  semester = hub_call_object (fx, "PUT", CAT "semesters/2025-SECOND/", registrar,
                              "{\"start_date\":\"2025-11-10\",\"end_date\":\"2026-03-31\","
                              "\"enrollment_start\":\"2025-11-01\",\"enrollment_end\":\"2025-11-20\"}",
                              201);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM semester WHERE code = '2025-SECOND'"
                                      " AND NOT is_active"), ==, 1);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE action = "
                                      "'CATALOG_CHANGED' AND actor = 'registrar1'"
                                      " AND target_id = 'BSIT'"), ==, 1);

  /* Bodies: a code that is not the URL's, unknown members, wrong types. */
  hub_call_error (fx, "PUT", CAT "programs/BSIT/", registrar, "{\"code\":\"BSX\",\"name\":\"X\"}",
                  400, "invalid_args");
  hub_call_error (fx, "PUT", CAT "programs/BSIT/", registrar, "{\"code\":5,\"name\":\"X\"}",
                  400, "invalid_args");
  hub_call_error (fx, "PUT", CAT "programs/BSIT/", registrar, "{\"name\":\"X\",\"colour\":\"red\"}",
                  400, "invalid_args");
  hub_call_error (fx, "PUT", CAT "programs/BSIT/", registrar,
                  "{\"name\":\"X\",\"duration_years\":\"4\"}", 400, "invalid_args");
  hub_call_error (fx, "PUT", CAT "subjects/IT102/", registrar,
                  "{\"name\":\"X\",\"units\":3,\"program\":\"NOPE\"}", 400, "unknown_program");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM program WHERE name = 'X'"), ==, 0);

  /* Roles: REG only. */
  {
    g_autofree char *cashier = hub_login_as (fx, "cashier1");
    g_autofree char *prof = hub_login_as (fx, "prof1");

    hub_call_error (fx, "PUT", CAT "programs/BSIT/", cashier, "{\"name\":\"Y\"}", 403, "forbidden");
    hub_call_error (fx, "PUT", CAT "subjects/CS101/", prof, "{\"name\":\"Y\",\"units\":3,"
                    "\"program\":\"BSCS\"}", 403, "forbidden");
  }
}

static void
test_catalog_put_section (HubFixture    *fx,
                          gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autoptr(JsonObject) created = NULL;

  created = hub_call_object (fx, "PUT", CAT "semesters/2025-FIRST/sections/CS103-B/", admin,
                             "{\"subject\":\"CS103\",\"capacity\":25,\"professor\":\"prof2\","
                             "\"slots\":[{\"day\":\"FRI\",\"start\":\"10:00\",\"end\":\"11:30\"}]}", 201);
  g_assert_cmpstr (json_object_get_string_member (created, "code"), ==, "CS103-B");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT capacity FROM section WHERE code = 'CS103-B'"), ==,
                   25);
  /* The URL's semester does not exist: 404; the body's subject: 400. */
  hub_call_error (fx, "PUT", CAT "semesters/2030-FIRST/sections/CS103-B/", admin,
                  "{\"subject\":\"CS103\",\"capacity\":25}", 404, "unknown_semester");
  hub_call_error (fx, "PUT", CAT "semesters/2025-FIRST/sections/CS103-C/", admin,
                  "{\"subject\":\"NOPE\",\"capacity\":25}", 400, "unknown_subject");
  hub_call_error (fx, "PUT", CAT "semesters/2025-FIRST/sections/CS103-C/", admin,
                  "{\"semester\":\"2025-SECOND\",\"subject\":\"CS103\",\"capacity\":25}", 400,
                  "invalid_args");
  hub_call_error (fx, "PUT", CAT "semesters/2025-FIRST/sections/CS103-C/", admin,
                  "{\"subject\":\"CS103\",\"capacity\":0}", 400, "invalid_args");
}

/* ---- Admin: users and passwords ----------------------------------------------- */

static void
test_admin_users (HubFixture    *fx,
                  gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autoptr(JsonObject) prof = hub_call_object (fx, "GET", ADM "users/prof1/", admin, NULL, 200);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) updated = NULL;

  g_assert_cmpstr (json_object_get_string_member (prof, "role"), ==, "PROFESSOR");
  g_assert_cmpstr (json_object_get_string_member (prof, "last_name"), ==, "Cruz");
  hub_call_error (fx, "GET", ADM "users/nobody/", admin, NULL, 404, "not_found");

  created = hub_call_object (fx, "PUT", ADM "users/cashier2/", admin,
                             "{\"role\":\"CASHIER\",\"first_name\":\"Rosa\",\"last_name\":\"Lopez\"}",
                             201);
  g_assert_true (json_object_get_boolean_member (created, "created"));
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM user WHERE username = 'cashier2'"
                                      " AND role = 'CASHIER' AND is_active"), ==, 1);
  updated = hub_call_object (fx, "PUT", ADM "users/cashier2/", admin,
                             "{\"username\":\"cashier2\",\"role\":\"CASHIER\",\"first_name\":\"Rosa\","
                             "\"last_name\":\"Lopez\",\"is_active\":false}", 200);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (updated,
                                                                               "changed"), 0),
                   ==, "is_active");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT is_active FROM user WHERE username = 'cashier2'"),
                   ==, 0);

  hub_call_error (fx, "PUT", ADM "users/cashier2/", admin,
                  "{\"username\":\"other\",\"role\":\"CASHIER\",\"first_name\":\"R\","
                  "\"last_name\":\"L\"}", 400, "invalid_args");
  hub_call_error (fx, "PUT", ADM "users/cashier3/", admin,
                  "{\"role\":\"CASHIER\",\"first_name\":\"R\",\"last_name\":\"L\",\"age\":3}", 400,
                  "invalid_args");
  hub_call_error (fx, "PUT", ADM "users/" STUDENT "/", admin,
                  "{\"role\":\"CASHIER\",\"first_name\":\"R\",\"last_name\":\"L\"}", 400,
                  "invalid_role");
  hub_call_error (fx, "PUT", ADM "users/admin/", admin,
                  "{\"role\":\"CASHIER\",\"first_name\":\"Ana\",\"last_name\":\"Reyes\"}", 400,
                  "last_admin");
}

static void
test_admin_password (HubFixture    *fx,
                     gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autofree char *old_token = hub_login_as (fx, "prof1");
  g_autofree char *new_token = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) sections = NULL;
  g_auto(HubReply) old_login = { 0 };

  reply = hub_call_object (fx, "POST", ADM "users/prof1/password/", admin,
                           "{\"password\":\"correct horse battery\"}", 200);
  g_assert_true (json_object_get_boolean_member (reply, "password_set"));
  g_assert_cmpint (json_object_get_int_member (reply, "tokens_revoked"), ==, 1);

  /* The old token is revoked, the old password refused, the new one works. */
  hub_call_error (fx, "GET", PROF, old_token, NULL, 401, "unauthorized");
  old_login = hub_call (fx, "POST", "/api-token-auth/", NULL,
                        "{\"username\":\"prof1\",\"password\":\"prof-pass\"}");
  hub_assert_error (&old_login, 400, "invalid_credentials");
  new_token = hub_login (fx, "prof1", "correct horse battery");
  sections = hub_call_object (fx, "GET", PROF, new_token, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (sections, "count"), ==, 4);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'USER_UPDATED'"
                                      " AND actor = 'admin' AND target_id = 'prof1'"
                                      " AND after_json LIKE '%password_set%'"), ==, 1);
  /* The admin's own token still works. */
  g_clear_pointer (&reply, json_object_unref);
  reply = hub_call_object (fx, "GET", ADM "users/prof1/", admin, NULL, 200);
}

static void
test_admin_password_errors (HubFixture    *fx,
                            gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autofree char *registrar = hub_login_as (fx, "registrar1");
  const char *path = ADM "users/prof1/password/";

  hub_call_error (fx, "POST", path, admin, "{\"password\":\"short\"}", 400, "invalid_args");
  hub_call_error (fx, "POST", path, admin, "{\"password\":\"aaaaaaaaaaaa\"}", 400, "invalid_args");
  hub_call_error (fx, "POST", path, admin, "{\"password\":\"PROF1\"}", 400, "invalid_args");
  hub_call_error (fx, "POST", ADM "users/prof1xyz/password/", admin, "{\"password\":\"prof1xyz\"}",
                  400, "invalid_args");
  hub_call_error (fx, "POST", path, admin, "{\"password\":12345678}", 400, "invalid_args");
  hub_call_error (fx, "POST", path, admin, "{\"password\":\"long enough 1\",\"user\":\"x\"}", 400,
                  "invalid_args");
  hub_call_error (fx, "POST", ADM "users/nobody/password/", admin,
                  "{\"password\":\"long enough 1\"}", 404, "not_found");
  hub_call_error (fx, "POST", path, registrar, "{\"password\":\"long enough 1\"}", 403, "forbidden");
  /* Nothing changed: the old password still logs in. */
  g_free (hub_login (fx, "prof1", "prof-pass"));
}

/* ---- Admin: configuration -------------------------------------------------------- */

static void
test_admin_config (HubFixture    *fx,
                   gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autoptr(JsonObject) before = hub_call_object (fx, "GET", ADM "config/max_units_per_semester/", admin,
                                                  NULL, 200);
  g_autoptr(JsonObject) set = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) name = NULL;
  g_autoptr(JsonObject) scale = hub_call_object (fx, "GET", ADM "config/grade_scale/", admin, NULL, 200);

  g_assert_cmpint (json_object_get_int_member (before, "value"), ==, 30);
  g_assert_true (json_object_get_boolean_member (before, "is_default"));
  g_assert_cmpstr (json_object_get_string_member (scale, "value"), ==, "PH");

  set = hub_call_object (fx, "PUT", ADM "config/max_units_per_semester/", admin, "{\"value\":24}", 200);
  g_assert_cmpint (json_object_get_int_member (set, "previous"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (set, "value"), ==, 24);
  after = hub_call_object (fx, "GET", ADM "config/max_units_per_semester/", admin, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (after, "value"), ==, 24);
  g_assert_false (json_object_get_boolean_member (after, "is_default"));
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE action ="
                                      " 'CONFIG_CHANGED' AND actor = 'admin'"), ==, 1);

  /* The institution's name, printed on receipts; none by default. */
  name = hub_call_object (fx, "PUT", ADM "config/institution_name/", admin,
                          "{\"value\":\"Kolehiyo ng Sta. Cruz\"}", 200);
  g_assert_cmpstr (json_object_get_string_member (name, "previous"), ==, "");
  g_clear_pointer (&name, json_object_unref);
  name = hub_call_object (fx, "GET", ADM "config/institution_name/", admin, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (name, "value"), ==, "Kolehiyo ng Sta. Cruz");
  g_assert_false (json_object_get_boolean_member (name, "is_default"));

  hub_call_error (fx, "GET", ADM "config/no_such_key/", admin, NULL, 404, "not_found");
  hub_call_error (fx, "PUT", ADM "config/no_such_key/", admin, "{\"value\":1}", 404,
                  "unknown_config_key");
  hub_call_error (fx, "PUT", ADM "config/max_units_per_semester/", admin, "{\"value\":99}", 400,
                  "invalid_config_value");
  hub_call_error (fx, "PUT", ADM "config/max_units_per_semester/", admin, "{\"value\":\"20\"}", 400,
                  "invalid_config_value");
  hub_call_error (fx, "PUT", ADM "config/max_units_per_semester/", admin, "{}", 400, "invalid_args");
  hub_call_error (fx, "PUT", ADM "config/max_units_per_semester/", admin,
                  "{\"key\":\"grade_scale\",\"value\":20}", 400, "invalid_args");
  hub_call_error (fx, "PUT", ADM "config/max_units_per_semester/", admin,
                  "{\"value\":20,\"note\":\"x\"}", 400, "invalid_args");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT value FROM config WHERE key ="
                                      " 'max_units_per_semester'"), ==, 24);
}

/* ---- Admin: jobs, audit, devices ---------------------------------------------- */

static void
test_admin_jobs (HubFixture    *fx,
                 gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autoptr(JsonObject) run = NULL;
  g_autoptr(JsonObject) one = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(JsonObject) sweeps = NULL;
  JsonObject *newest;

  run = hub_call_object (fx, "POST", ADM "jobs/permit-sweep/run/", admin, "{}", 200);
  g_assert_cmpstr (json_object_get_string_member (run, "kind"), ==, "job.permit_sweep");
  g_assert_true (json_object_has_member (json_object_get_object_member (run, "result"),
                                         "unlocked"));
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM job_run WHERE name = 'permit-sweep'"
                                      " AND status = 'ok' AND finished_at IS NOT NULL"), ==, 1);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM journal WHERE kind ="
                                      " 'job.permit_sweep' AND op_json LIKE '%\"actor\":\"admin\"%'"),
                   ==, 1);
  one = hub_call_object (fx, "POST", ADM "jobs/gpa-recalc/run/", admin,
                         "{\"student\":\"" STUDENT "\"}", 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (one, "result"),
                                               "checked"), ==, 1);

  /* A rejected job op is its error, and a failed run. */
  hub_call_error (fx, "POST", ADM "jobs/permit-sweep/run/", admin, "{\"student\":\"" STUDENT "\"}",
                  400, "invalid_args");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM job_run WHERE status = 'failed'"),
                   ==, 1);
  hub_call_error (fx, "POST", ADM "jobs/no-such-job/run/", admin, "{}", 404, "not_found");
  hub_call_error (fx, "POST", ADM "jobs/archive/run/", admin, "{\"when\":1}", 400, "invalid_args");

  list = hub_call_object (fx, "GET", ADM "jobs/", admin, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (list, "count"), ==, 3);
  newest = json_array_get_object_element (json_object_get_array_member (list, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (newest, "status"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (newest, "name"), ==, "permit-sweep");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "jobs")), ==, 5);
  g_assert_cmpstr (string_at (list, "jobs", 0, "name"), ==, "archive");
  g_assert_nonnull (string_at (list, "jobs", 0, "schedule"));
  sweeps = hub_call_object (fx, "GET", ADM "jobs/?name=gpa-recalc", admin, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (sweeps, "count"), ==, 1);
  g_assert_cmpstr (string_at (sweeps, "results", 0, "status"), ==, "ok");
  hub_call_error (fx, "GET", ADM "jobs/?name=bogus", admin, NULL, 404, "not_found");
}

static void
test_admin_audit (HubFixture    *fx,
                  gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autoptr(JsonObject) all = hub_call_object (fx, "GET", ADM "audit/", admin, NULL, 200);
  g_autoptr(JsonObject) page2 = hub_call_object (fx, "GET", ADM "audit/?page=2", admin, NULL, 200);
  g_autoptr(JsonObject) created = hub_call_object (fx, "GET", ADM "audit/?action=USER_CREATED&actor=admin",
                                                   admin, NULL, 200);
  g_autoptr(JsonObject) target = hub_call_object (fx, "GET", ADM "audit/?target=prof2", admin, NULL, 200);
  g_autoptr(JsonObject) future = hub_call_object (fx, "GET", ADM "audit/?since=2999-01-01", admin, NULL,
                                                  200);
  g_autoptr(JsonObject) past = hub_call_object (fx, "GET", ADM "audit/?since=2000-01-01T00:00:00Z", admin,
                                                NULL, 200);
  gint64 total = hub_db_scalar (fx, "SELECT count(*) FROM audit");
  JsonArray *results = json_object_get_array_member (all, "results");
  JsonObject *newest = json_array_get_object_element (results, 0);

  g_assert_cmpint (total, >, 20);
  g_assert_cmpint (json_object_get_int_member (all, "count"), ==, total);
  g_assert_cmpuint (json_array_get_length (results), ==, 20);
  g_assert_nonnull (json_object_get_string_member (all, "next"));
  g_assert_cmpint (json_object_get_int_member (newest, "id"), ==,
                   hub_db_scalar (fx, "SELECT max(id) FROM audit"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (newest, "after")));
  g_assert_nonnull (json_object_get_string_member (page2, "previous"));
  /* A page link keeps the filters. */
  g_assert_true (g_str_has_suffix (json_object_get_string_member (past, "next"),
                                   "/api/v1/admin/audit/?since=2000-01-01T00%3A00%3A00Z&page=2"));
  g_assert_cmpint (json_object_get_int_member (created, "count"), ==,
                   hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'USER_CREATED'"
                                      " AND actor = 'admin'"));
  g_assert_cmpint (json_object_get_int_member (created, "count"), >=, 4);
  g_assert_cmpstr (string_at (created, "results", 0, "action"), ==, "USER_CREATED");
  g_assert_cmpint (json_object_get_int_member (target, "count"), ==,
                   hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE target_id = 'prof2'"));
  g_assert_cmpint (json_object_get_int_member (future, "count"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (past, "count"), ==, total);

  hub_call_error (fx, "GET", ADM "audit/?since=yesterday", admin, NULL, 400, "invalid_args");
  hub_call_error (fx, "GET", ADM "audit/?page=99", admin, NULL, 404, "not_found");
}

static void
test_admin_devices (HubFixture    *fx,
                    gconstpointer  data)
{
  g_autofree char *admin = hub_login_as (fx, "admin");
  g_autoptr(JsonObject) devices = hub_call_object (fx, "GET", ADM "devices/", admin, NULL, 200);
  JsonArray *results = json_object_get_array_member (devices, "results");
  gboolean seen = FALSE;

  g_assert_cmpint (json_object_get_int_member (devices, "count"), ==,
                   hub_db_scalar (fx, "SELECT count(*) FROM device_counter"));
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *row = json_array_get_object_element (results, i);

      if (g_strcmp0 (json_object_get_string_member (row, "device"), "C01") != 0)
        continue;
      seen = TRUE;
      g_assert_cmpint (json_object_get_int_member (row, "max_receipt"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (row, "max_device_seq"), ==, 1);
    }
  g_assert_true (seen);
}

static void
test_admin_roles (HubFixture    *fx,
                  gconstpointer  data)
{
  const char *users[] = { "registrar1", "head1", "cashier1", "prof1", STUDENT };

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *token = hub_login_as (fx, users[i]);

      hub_call_error (fx, "GET", ADM "users/prof1/", token, NULL, 403, "forbidden");
      hub_call_error (fx, "PUT", ADM "config/inc_warning_days/", token, "{\"value\":10}", 403,
                      "forbidden");
      hub_call_error (fx, "POST", ADM "jobs/archive/run/", token, "{}", 403, "forbidden");
      hub_call_error (fx, "GET", ADM "jobs/", token, NULL, 403, "forbidden");
      hub_call_error (fx, "GET", ADM "audit/", token, NULL, 403, "forbidden");
      hub_call_error (fx, "GET", ADM "devices/", token, NULL, 403, "forbidden");
    }
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM job_run"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/hub/staff/" path, HubFixture, NULL, staff_setup, func, hub_fixture_teardown)

  ADD ("professor/sections", test_professor_sections);
  ADD ("professor/roles", test_professor_roles);
  ADD ("professor/roster", test_professor_roster);
  ADD ("professor/grade", test_professor_grade);
  ADD ("professor/grade-errors", test_professor_grade_errors);
  ADD ("catalog/get", test_catalog_get);
  ADD ("catalog/round-trip", test_catalog_round_trip);
  ADD ("catalog/put", test_catalog_put);
  ADD ("catalog/put-section", test_catalog_put_section);
  ADD ("admin/users", test_admin_users);
  ADD ("admin/password", test_admin_password);
  ADD ("admin/password-errors", test_admin_password_errors);
  ADD ("admin/config", test_admin_config);
  ADD ("admin/jobs", test_admin_jobs);
  ADD ("admin/audit", test_admin_audit);
  ADD ("admin/devices", test_admin_devices);
  ADD ("admin/roles", test_admin_roles);

#undef ADD

  return g_test_run ();
}
