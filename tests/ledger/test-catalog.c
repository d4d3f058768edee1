/* test-catalog.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Catalog, users, configuration and student registration (ops.md §2.1,
 * §2.5, §3; D-A2, D-A3): puts create or replace and report what changed;
 * each rejection code of those kinds.
 */

#include "config.h"

#include <string.h>

#include "test-util.h"

static void
assert_changed (JsonObject *r,
                const char *expected)   /* comma-separated, sorted */
{
  JsonArray *changed = json_object_get_array_member (r, "changed");
  g_autoptr(GString) have = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (changed); i++)
    g_string_append_printf (have, "%s%s", i ? "," : "", json_array_get_string_element (changed, i));
  g_assert_cmpstr (have->str, ==, expected);
}

static void
test_program_put (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;

  test_load_f0 (fx);
  a = test_apply_ok (fx, "catalog.program.put", "registrar1",
                     "{\"code\":\"BSIT\",\"name\":\"BS Information Technology\"}");
  g_assert_true (json_object_get_boolean_member (a, "created"));
  assert_changed (a, "");
  b = test_apply_ok (fx, "catalog.program.put", "registrar1",
                     "{\"code\":\"BSIT\",\"name\":\"BS Information Technology\","
                     "\"duration_years\":5,\"is_active\":false}");
  g_assert_false (json_object_get_boolean_member (b, "created"));
  assert_changed (b, "duration_years,is_active");
  c = test_apply_ok (fx, "catalog.program.put", "registrar1",
                     "{\"code\":\"BSIT\",\"name\":\"BS Information Technology\","
                     "\"duration_years\":5,\"is_active\":false}");
  assert_changed (c, "");
  test_apply_rejected (fx, "catalog.program.put", "registrar1",
                       "{\"code\":\"BSX\",\"name\":\"BS Information Technology\"}", "duplicate_name");
  test_apply_rejected (fx, "catalog.program.put", "registrar1",
                       "{\"code\":\"bsx\",\"name\":\"Lower\"}", "invalid_args");
  test_apply_rejected (fx, "catalog.program.put", "registrar1",
                       "{\"code\":\"BSX\",\"name\":\"X\",\"duration_years\":9}", "invalid_args");
  test_apply_rejected (fx, "catalog.program.put", "cashier1",
                       "{\"code\":\"BSX\",\"name\":\"X\"}", "forbidden");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'CATALOG_CHANGED'"
                                    " AND target_model = 'Program' AND target_id = 'BSIT'"), ==, 3);
}

static void
test_subject_prerequisites (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;

  test_load_f0 (fx);
  a = test_apply_ok (fx, "catalog.subject.put", "registrar1",
                     "{\"code\":\"CS301\",\"name\":\"Algorithms\",\"units\":3,\"program\":\"BSCS\","
                     "\"prerequisites\":[\"CS103\",\"CS201\"]}");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM subject_prerequisite p JOIN subject s"
                                    " ON s.id = p.subject_id WHERE s.code = 'CS301'"), ==, 2);
  /* CS101 would require CS301, which requires CS201, which requires CS101. */
  test_apply_rejected (fx, "catalog.subject.put", "registrar1",
                       "{\"code\":\"CS101\",\"name\":\"Programming Fundamentals\",\"units\":3,"
                       "\"program\":\"BSCS\",\"prerequisites\":[\"CS301\"]}", "prerequisite_cycle");
  test_apply_rejected (fx, "catalog.subject.put", "registrar1",
                       "{\"code\":\"CS101\",\"name\":\"P\",\"units\":3,\"program\":\"BSCS\","
                       "\"prerequisites\":[\"CS101\"]}", "prerequisite_cycle");
  test_apply_rejected (fx, "catalog.subject.put", "registrar1",
                       "{\"code\":\"CS302\",\"name\":\"X\",\"units\":3,\"program\":\"BSCS\","
                       "\"prerequisites\":[\"CS999\"]}", "unknown_subject");
  test_apply_rejected (fx, "catalog.subject.put", "registrar1",
                       "{\"code\":\"CS302\",\"name\":\"X\",\"units\":3,\"program\":\"BSCS\","
                       "\"prerequisites\":[\"CS201\",\"CS103\"]}", "invalid_args");
  test_apply_rejected (fx, "catalog.subject.put", "registrar1",
                       "{\"code\":\"CS302\",\"name\":\"X\",\"units\":3,\"program\":\"NOPE\"}",
                       "unknown_program");
  test_apply_rejected (fx, "catalog.subject.put", "registrar1",
                       "{\"code\":\"CS302\",\"name\":\"X\",\"units\":31,\"program\":\"BSCS\"}",
                       "invalid_args");
  /* Prerequisites are replaced as a set. */
  b = test_apply_ok (fx, "catalog.subject.put", "registrar1",
                     "{\"code\":\"CS301\",\"name\":\"Algorithms\",\"units\":3,\"program\":\"BSCS\","
                     "\"prerequisites\":[\"CS201\"],\"subject_type\":\"MINOR\"}");
  assert_changed (b, "prerequisites,subject_type");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM subject_prerequisite p JOIN subject s"
                                    " ON s.id = p.subject_id WHERE s.code = 'CS301'"), ==, 1);
}

static void
test_semester_put (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;

  test_load_f0 (fx);
  a = test_apply_ok (fx, "catalog.semester.put", "registrar1",
                     "{\"code\":\"2025-SECOND\",\"start_date\":\"2025-11-10\","
                     "\"end_date\":\"2026-03-31\",\"enrollment_start\":\"2025-11-01\","
                     "\"enrollment_end\":\"2025-11-20\",\"is_active\":true}");
  /* At most one semester is active. */
  g_assert_cmpstr (json_object_get_string_member (a, "deactivated"), ==, "2025-FIRST");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM semester WHERE is_active"), ==, 1);
  test_apply_rejected (fx, "catalog.semester.put", "registrar1",
                       "{\"code\":\"2026-FIRST\",\"start_date\":\"2026-06-01\","
                       "\"end_date\":\"2026-05-01\",\"enrollment_start\":\"2026-05-01\","
                       "\"enrollment_end\":\"2026-05-02\"}", "invalid_args");
  test_apply_rejected (fx, "catalog.semester.put", "registrar1",
                       "{\"code\":\"2026-WINTER\",\"start_date\":\"2026-06-01\","
                       "\"end_date\":\"2026-10-01\",\"enrollment_start\":\"2026-05-01\","
                       "\"enrollment_end\":\"2026-05-02\"}", "invalid_args");
  test_apply_rejected (fx, "catalog.semester.put", "registrar1",
                       "{\"code\":\"2026-FIRST\",\"start_date\":\"2026-02-30\","
                       "\"end_date\":\"2026-10-01\",\"enrollment_start\":\"2026-05-01\","
                       "\"enrollment_end\":\"2026-05-02\"}", "invalid_args");
  test_apply_rejected (fx, "catalog.semester.put", "registrar1",
                       "{\"code\":\"2026-FIRST\",\"start_date\":\"2026-06-01\","
                       "\"end_date\":\"2026-10-01\",\"enrollment_start\":\"2026-05-01\","
                       "\"enrollment_end\":\"2026-05-02\",\"exam_months\":{\"PRELIM\":7,"
                       "\"MIDTERM\":2,\"PREFINAL\":3,\"FINAL\":4}}", "invalid_args");
}

static void
test_section_put (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;
  g_autoptr(JsonObject) u = NULL;

  test_load_f0 (fx);
  a = test_apply_ok (fx, "catalog.section.put", "registrar1",
                     "{\"semester\":\"2025-FIRST\",\"code\":\"CS201-A\",\"subject\":\"CS201\","
                     "\"capacity\":30,\"slots\":[{\"day\":\"MON\",\"start\":\"09:30\","
                     "\"end\":\"11:00\"}]}");
  g_assert_true (json_object_get_boolean_member (a, "created"));
  b = test_apply_ok (fx, "catalog.section.put", "registrar1",
                     "{\"semester\":\"2025-FIRST\",\"code\":\"CS201-A\",\"subject\":\"CS201\","
                     "\"capacity\":35,\"room\":\"R204\",\"slots\":[{\"day\":\"MON\","
                     "\"start\":\"09:30\",\"end\":\"11:00\"}]}");
  assert_changed (b, "capacity,room");
  /* prof1 teaches CS101-A on MON 08:00–09:30: back to back is fine. */
  c = test_apply_ok (fx, "catalog.section.put", "registrar1",
                     "{\"semester\":\"2025-FIRST\",\"code\":\"CS201-A\",\"subject\":\"CS201\","
                     "\"capacity\":35,\"room\":\"R204\",\"professor\":\"prof1\",\"slots\":"
                     "[{\"day\":\"MON\",\"start\":\"09:30\",\"end\":\"11:00\"}]}");
  assert_changed (c, "professor");
  test_apply_rejected (fx, "catalog.section.put", "registrar1",
                       "{\"semester\":\"2025-FIRST\",\"code\":\"CS201-B\",\"subject\":\"CS201\","
                       "\"capacity\":35,\"professor\":\"prof1\",\"slots\":[{\"day\":\"MON\","
                       "\"start\":\"09:00\",\"end\":\"10:00\"}]}", "professor_conflict");
  test_apply_rejected (fx, "catalog.section.put", "registrar1",
                       "{\"semester\":\"2025-FIRST\",\"code\":\"CS201-B\",\"subject\":\"CS201\","
                       "\"capacity\":35,\"professor\":\"prof1\",\"override_professor_conflict\":true,"
                       "\"slots\":[{\"day\":\"MON\",\"start\":\"09:00\",\"end\":\"10:00\"}]}",
                       "reason_required");
  u = test_apply_ok (fx, "catalog.section.put", "registrar1",
                     "{\"semester\":\"2025-FIRST\",\"code\":\"CS201-B\",\"subject\":\"CS201\","
                     "\"capacity\":35,\"professor\":\"prof1\",\"override_professor_conflict\":true,"
                     "\"reason\":\"Team teaching\",\"slots\":[{\"day\":\"MON\",\"start\":\"09:00\","
                     "\"end\":\"10:00\"}]}");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action ="
                                    " 'SCHEDULE_CONFLICT_OVERRIDE' AND after_json LIKE"
                                    " '%Team teaching%'"), ==, 1);
  test_apply_rejected (fx, "catalog.section.put", "registrar1",
                       "{\"semester\":\"2025-FIRST\",\"code\":\"X-1\",\"subject\":\"CS201\","
                       "\"capacity\":5,\"professor\":\"cashier1\"}", "not_a_professor");
  test_apply_rejected (fx, "catalog.section.put", "registrar1",
                       "{\"semester\":\"2025-FIRST\",\"code\":\"X-1\",\"subject\":\"CS201\","
                       "\"capacity\":5,\"professor\":\"ghost\"}", "unknown_user");
  test_apply_rejected (fx, "catalog.section.put", "registrar1",
                       "{\"semester\":\"2030-FIRST\",\"code\":\"X-1\",\"subject\":\"CS201\","
                       "\"capacity\":5}", "unknown_semester");
  test_apply_rejected (fx, "catalog.section.put", "registrar1",
                       "{\"semester\":\"2025-FIRST\",\"code\":\"X-1\",\"subject\":\"CS201\","
                       "\"capacity\":5,\"slots\":[{\"day\":\"TUE\",\"start\":\"10:00\","
                       "\"end\":\"09:00\"}]}", "invalid_args");
  test_apply_rejected (fx, "catalog.section.put", "registrar1",
                       "{\"semester\":\"2025-FIRST\",\"code\":\"X-1\",\"subject\":\"CS201\","
                       "\"capacity\":5,\"slots\":[{\"day\":\"TUE\",\"start\":\"08:00\","
                       "\"end\":\"10:00\"},{\"day\":\"TUE\",\"start\":\"09:00\",\"end\":\"11:00\"}]}",
                       "invalid_args");
  test_apply_rejected (fx, "catalog.section.put", "registrar1",
                       "{\"semester\":\"2025-FIRST\",\"code\":\"X-1\",\"subject\":\"CS201\","
                       "\"capacity\":101}", "invalid_args");
}

static void
test_user_put (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) s = NULL;

  test_load_f0 (fx);
  a = test_apply_ok (fx, "user.put", "admin",
                     "{\"username\":\"head1\",\"role\":\"HEAD_REGISTRAR\",\"first_name\":\"Gabriela\","
                     "\"last_name\":\"Silang\",\"email\":\"gsilang@example.edu\"}");
  g_assert_true (json_object_get_boolean_member (a, "created"));
  b = test_apply_ok (fx, "user.put", "admin",
                     "{\"username\":\"head1\",\"role\":\"REGISTRAR\",\"first_name\":\"Gabriela\","
                     "\"last_name\":\"Silang\"}");
  assert_changed (b, "email,role");
  test_apply_rejected (fx, "user.put", "registrar1",
                       "{\"username\":\"x\",\"role\":\"ADMIN\",\"first_name\":\"X\","
                       "\"last_name\":\"Y\"}", "forbidden");
  test_apply_rejected (fx, "user.put", "admin",
                       "{\"username\":\"x\",\"role\":\"STUDENT\",\"first_name\":\"X\","
                       "\"last_name\":\"Y\"}", "invalid_role");
  test_apply_rejected (fx, "user.put", "admin",
                       "{\"username\":\"bad name\",\"role\":\"CASHIER\",\"first_name\":\"X\","
                       "\"last_name\":\"Y\"}", "invalid_args");
  /* A student's account is not a staff account. */
  test_apply_rejected (fx, "user.put", "admin",
                       "{\"username\":\"2025-00001\",\"role\":\"CASHIER\",\"first_name\":\"X\","
                       "\"last_name\":\"Y\"}", "invalid_role");
  /* The only active admin cannot be demoted or disabled. */
  test_apply_rejected (fx, "user.put", "admin",
                       "{\"username\":\"admin\",\"role\":\"ADMIN\",\"first_name\":\"Ana\","
                       "\"last_name\":\"Reyes\",\"is_active\":false}", "last_admin");
  test_apply_rejected (fx, "user.put", "admin",
                       "{\"username\":\"admin\",\"role\":\"CASHIER\",\"first_name\":\"Ana\","
                       "\"last_name\":\"Reyes\"}", "last_admin");
  s = test_apply_ok (fx, "user.put", "admin",
                     "{\"username\":\"admin2\",\"role\":\"ADMIN\",\"first_name\":\"Ben\","
                     "\"last_name\":\"Go\"}");
  {
    g_autoptr(JsonObject) ok = test_apply_ok (fx, "user.put", "admin2",
                                              "{\"username\":\"admin\",\"role\":\"ADMIN\","
                                              "\"first_name\":\"Ana\",\"last_name\":\"Reyes\","
                                              "\"is_active\":false}");

    assert_changed (ok, "is_active");
  }
  /* A disabled user's ops still apply: the cash was taken (ops.md §1.4). */
  {
    g_autoptr(JsonObject) r = test_apply_ok (fx, "config.set", "admin",
                                             "{\"key\":\"inc_warning_days\",\"value\":15}");
  }
}

static void
test_config_set (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;
  g_autofree char *long_name = NULL;

  test_load_f0 (fx);
  a = test_apply_ok (fx, "config.set", "admin", "{\"key\":\"max_units_per_semester\",\"value\":24}");
  g_assert_cmpint (json_object_get_int_member (a, "previous"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (a, "value"), ==, 24);
  b = test_apply_ok (fx, "config.set", "admin", "{\"key\":\"utc_offset\",\"value\":\"+09:00\"}");
  g_assert_cmpstr (json_object_get_string_member (b, "previous"), ==, "+08:00");
  test_apply_rejected (fx, "config.set", "admin", "{\"key\":\"colour\",\"value\":1}",
                       "unknown_config_key");
  test_apply_rejected (fx, "config.set", "admin",
                       "{\"key\":\"max_units_per_semester\",\"value\":0}", "invalid_config_value");
  test_apply_rejected (fx, "config.set", "admin",
                       "{\"key\":\"max_units_per_semester\",\"value\":\"30\"}", "invalid_config_value");
  test_apply_rejected (fx, "config.set", "admin", "{\"key\":\"grade_scale\",\"value\":\"GPA5\"}",
                       "invalid_config_value");
  test_apply_rejected (fx, "config.set", "admin", "{\"key\":\"utc_offset\",\"value\":\"8\"}",
                       "invalid_config_value");
  test_apply_rejected (fx, "config.set", "registrar1",
                       "{\"key\":\"max_units_per_semester\",\"value\":20}", "forbidden");
  /* The institution's name, printed on receipts: text, no control
   * characters, at most 120 characters. */
  c = test_apply_ok (fx, "config.set", "admin",
                     "{\"key\":\"institution_name\",\"value\":\"Kolehiyo ng Sta. Cruz\"}");
  g_assert_cmpstr (json_object_get_string_member (c, "previous"), ==, "");
  test_apply_rejected (fx, "config.set", "admin",
                       "{\"key\":\"institution_name\",\"value\":\"Line\\nbreak\"}",
                       "invalid_config_value");
  test_apply_rejected (fx, "config.set", "admin", "{\"key\":\"institution_name\",\"value\":7}",
                       "invalid_config_value");
  long_name = g_strdup_printf ("{\"key\":\"institution_name\",\"value\":\"%0121d\"}", 0);
  test_apply_rejected (fx, "config.set", "admin", long_name, "invalid_config_value");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'CONFIG_CHANGED'"),
                   ==, 3);
}

/* The business date is the hub time at config utc_offset (ops.md §1.8):
 * 2025-06-02T17:00Z is already 2025-06-03 in Manila. */
static void
test_business_date (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  tala_timestamp_parse ("2025-06-02T17:00:00Z", &fx->now);
  r = test_apply_ok (fx, "payment.record", "cashier1",
                     "{\"student\":\"2025-00001\",\"amount\":\"10000.00\",\"method\":\"CASH\"}");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (r, "permits_unlocked"), 0), "code"), ==,
                   "EXP-20250603-00001");
}

static void
test_student_register (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;
  g_autoptr(JsonObject) off = NULL;

  test_load_f0 (fx);
  a = test_apply_ok (fx, "student.register", "registrar1",
                     "{\"first_name\":\"Jose\",\"last_name\":\"Cruz\",\"program\":\"BSCS\","
                     "\"date_of_birth\":\"2007-01-15\",\"email\":\"JCruz@Example.edu\"}");
  g_assert_cmpstr (json_object_get_string_member (a, "student"), ==, "2025-00002");
  g_assert_cmpstr (json_object_get_string_member (a, "username"), ==, "2025-00002");
  test_apply_rejected (fx, "student.register", "registrar1",
                       "{\"first_name\":\"Jo\",\"last_name\":\"Cruz\",\"program\":\"BSCS\","
                       "\"email\":\"jcruz@example.edu\"}", "duplicate_email");
  /* Same name and birth date: a warning, never a rejection. */
  b = test_apply_ok (fx, "student.register", "registrar1",
                     "{\"first_name\":\"JOSE\",\"last_name\":\"cruz\",\"program\":\"BSCS\","
                     "\"date_of_birth\":\"2007-01-15\",\"enrollment_year\":2026}");
  g_assert_cmpstr (json_object_get_string_member (b, "student"), ==, "2026-00001");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                     b, "possible_duplicates"), 0), ==, "2025-00002");
  test_apply_rejected (fx, "student.register", "registrar1",
                       "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"NOPE\"}",
                       "unknown_program");
  test_apply_rejected (fx, "student.register", "cashier1",
                       "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\"}",
                       "forbidden");
  test_apply_rejected (fx, "student.register", "registrar1",
                       "{\"first_name\":\" A\",\"last_name\":\"B\",\"program\":\"BSCS\"}",
                       "invalid_args");
  /* The hub issues numbers; a terminal's op must carry its provisional one. */
  test_apply_rejected (fx, "student.register", "registrar1",
                       "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\","
                       "\"provisional_number\":\"P-HUB-0001\"}", "invalid_args");
  off = test_apply_ok (fx, "config.set", "admin",
                       "{\"key\":\"enrollment_link_enabled\",\"value\":false}");
  test_apply_rejected (fx, "student.register", NULL,
                       "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSCS\","
                       "\"via\":\"ONLINE\",\"email\":\"ab@example.com\"}", "enrollment_link_disabled");
  c = test_apply_ok (fx, "catalog.program.put", "registrar1",
                     "{\"code\":\"BSED\",\"name\":\"BS Education\",\"is_active\":false}");
  test_apply_rejected (fx, "student.register", "registrar1",
                       "{\"first_name\":\"A\",\"last_name\":\"B\",\"program\":\"BSED\"}",
                       "program_inactive");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM notification WHERE type = 'SYSTEM'"
                                    " AND message LIKE '%2025-00002%'"), ==, 1);
}

static void
test_enrollment_create (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) sem = NULL;

  test_load_f0 (fx);
  test_apply_rejected (fx, "enrollment.create", "registrar1",
                       "{\"student\":\"2025-00001\",\"semester\":\"2025-FIRST\","
                       "\"monthly_commitment\":\"10000.00\"}", "enrollment_exists");
  test_apply_rejected (fx, "enrollment.create", "registrar1",
                       "{\"student\":\"2025-00001\",\"semester\":\"2027-FIRST\","
                       "\"monthly_commitment\":\"10000.00\"}", "unknown_semester");
  test_apply_rejected (fx, "enrollment.create", "registrar1",
                       "{\"student\":\"2025-00001\",\"semester\":\"2025-FIRST\","
                       "\"monthly_commitment\":\"-1.00\"}", "invalid_amount");
  test_apply_rejected (fx, "enrollment.create", "cashier1",
                       "{\"student\":\"2025-00001\",\"semester\":\"2025-FIRST\","
                       "\"monthly_commitment\":\"1.00\"}", "forbidden");
  sem = test_apply_ok (fx, "catalog.semester.put", "registrar1",
                       "{\"code\":\"2025-SECOND\",\"start_date\":\"2025-11-10\","
                       "\"end_date\":\"2026-03-31\",\"enrollment_start\":\"2025-11-01\","
                       "\"enrollment_end\":\"2025-11-20\"}");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action ="
                                    " 'ENROLLMENT_CREATED'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) \
  g_test_add (path, LedgerFixture, NULL, ledger_fixture_setup, fn, ledger_fixture_teardown)
  ADD ("/ledger/catalog/program-put", test_program_put);
  ADD ("/ledger/catalog/subject-prerequisites", test_subject_prerequisites);
  ADD ("/ledger/catalog/semester-put", test_semester_put);
  ADD ("/ledger/catalog/section-put", test_section_put);
  ADD ("/ledger/catalog/user-put", test_user_put);
  ADD ("/ledger/catalog/config-set", test_config_set);
  ADD ("/ledger/catalog/business-date", test_business_date);
  ADD ("/ledger/students/register", test_student_register);
  ADD ("/ledger/students/enrollment-create", test_enrollment_create);
#undef ADD
  return g_test_run ();
}
