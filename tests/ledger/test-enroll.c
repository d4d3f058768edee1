/* test-enroll.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Subject enrollment through tala_ledger_apply(): every scenario of
 * business-rules §16.4 (cases 20–49) and every enrollment decision
 * (D-E1…D-E8) as its own case, on Fixture F0 (ops.md §4.2).
 */

#include "config.h"

#include "academics.h"
#include "tala-ledger-registrar.h"

#define ENROLL(subject, section) \
  "{" STUDENT "," SEM ",\"subject\":\"" subject "\",\"section\":\"" section "\"}"
#define ENROLL_ANY(subject) "{" STUDENT "," SEM ",\"subject\":\"" subject "\"}"
#define DROP(subject) "{" STUDENT "," SEM ",\"subject\":\"" subject "\"}"

static JsonObject *
account (LedgerFixture *fx)
{
  g_autoptr(GError) error = NULL;
  JsonObject *a = tala_ledger_account (fx->ledger, "2025-00001", "2025-FIRST", &error);

  g_assert_no_error (error);
  return a;
}

static gboolean
month1_paid (LedgerFixture *fx)
{
  g_autoptr(JsonObject) a = account (fx);

  return acad_bool (json_object_get_object_member (a, "enrollment"), "month1_paid");
}

static JsonObject *
subjects (LedgerFixture *fx,
          gboolean       include_dropped)
{
  g_autoptr(GError) error = NULL;
  JsonObject *s = tala_ledger_subjects (fx->ledger, "2025-00001", "2025-FIRST", include_dropped,
                                        &error);

  g_assert_no_error (error);
  return s;
}

static gint64
total_units (LedgerFixture *fx)
{
  return acad_scalar (fx, "SELECT total_units FROM enrollment e JOIN semester m"
                          " ON m.id = e.semester_id WHERE m.code = '2025-FIRST'");
}

static gint64
audits (LedgerFixture *fx,
        const char    *action)
{
  return acad_scalar (fx, "SELECT count(*) FROM audit WHERE action = '%s'", action);
}

/* ---- §16.4 payment gate (20–23) ------------------------------------------ */

static void
test_br20_can_enroll_false (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;

  test_load_f0 (fx);
  g_assert_false (month1_paid (fx));
  err = acad_rej (fx, "subject.enroll", "registrar1", "month1_unpaid", ENROLL ("CS101", "CS101-A"));
  g_assert_nonnull (strstr (acad_str (err, "message"), "Month 1"));
}

static void
test_br21_unpaid_rejected (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"),
                       "month1_unpaid");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take"), ==, 0);
}

static void
test_br22_pay_then_eligible (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  g_assert_false (month1_paid (fx));
  acad_do (fx, "payment.record", "cashier1",
           "{" STUDENT ",\"amount\":\"10000.00\",\"method\":\"CASH\"}");
  g_assert_true (month1_paid (fx));
}

static void
test_br23_pay_then_add (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  g_assert_cmpstr (acad_str (r, "subject"), ==, "CS101");
  g_assert_cmpint (acad_int (r, "units_added"), ==, 3);
}

/* ---- §16.4 prerequisites (24–28) ----------------------------------------- */

static void
test_br24_no_prerequisites (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-A"));
}

static void
check_unmet (JsonObject *err,
             const char *subject,
             const char *status)
{
  JsonArray *unmet = json_object_get_array_member (json_object_get_object_member (err, "details"),
                                                   "unmet");
  JsonObject *first;

  g_assert_cmpuint (json_array_get_length (unmet), ==, 1);
  first = json_array_get_object_element (unmet, 0);
  g_assert_cmpstr (acad_str (first, "subject"), ==, subject);
  g_assert_cmpstr (acad_str (first, "status"), ==, status);
}

static void
test_br25_prerequisite_never_taken (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;

  acad_f0_paid (fx);
  err = acad_rej (fx, "subject.enroll", "registrar1", "prerequisite_not_met", ENROLL_ANY ("CS201"));
  check_unmet (err, "CS101", "NOT_TAKEN");
}

static void
cs201_section (LedgerFixture *fx)
{
  acad_section (fx, "2025-FIRST", "CS201-A", "CS201", 40, "THU", "08:00", "09:30");
}

static void
test_br26_prerequisite_passed (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_past_take (fx, "CS101", "1.00");
  cs201_section (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS201", "CS201-A"));
}

static void
test_br27_prerequisite_failed (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;

  acad_f0_paid (fx);
  acad_past_take (fx, "CS101", "5.00");
  cs201_section (fx);
  err = acad_rej (fx, "subject.enroll", "registrar1", "prerequisite_not_met",
                  ENROLL ("CS201", "CS201-A"));
  check_unmet (err, "CS101", "FAILED");
}

static void
test_br28_prerequisite_inc (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "grade.submit", "prof1", GRADE ("CS101", "INC"));
  acad_do (fx, "grade.finalize", "registrar1", "{" SEM ",\"section\":\"CS101-A\"}");
  err = acad_rej (fx, "subject.enroll", "registrar1", "prerequisite_not_met", ENROLL_ANY ("CS201"));
  check_unmet (err, "CS101", "INC");
}

/* ---- §16.4 unit cap (29–32) ---------------------------------------------- */

static void
test_br29_first_subject (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  g_assert_cmpint (acad_int (r, "units_added"), ==, 3);
  g_assert_cmpint (acad_int (r, "total_units"), ==, 3);
}

static void
nine_units (LedgerFixture *fx)
{
  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-A"));
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS103", "CS103-A"));
}

static void
test_br30_cap_9_plus_25 (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;
  JsonObject *details;

  nine_units (fx);
  err = acad_rej (fx, "subject.enroll", "registrar1", "unit_cap_exceeded", ENROLL_ANY ("THS25"));
  details = json_object_get_object_member (err, "details");
  g_assert_cmpint (acad_int (details, "current_units"), ==, 9);
  g_assert_cmpint (acad_int (details, "units"), ==, 25);
  g_assert_cmpint (acad_int (details, "max_units"), ==, 30);
  g_assert_cmpint (total_units (fx), ==, 9);
}

static void
test_br31_cap_exact_30 (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  nine_units (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("OJT21", "OJT21-A"));
  g_assert_cmpint (acad_int (r, "total_units"), ==, 30);
  g_assert_cmpint (total_units (fx), ==, 30);
}

static void
test_br32_stored_total (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  gint64 before;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  before = total_units (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-A"));
  g_assert_cmpint (total_units (fx), ==, before + 3);
  g_assert_cmpint (acad_int (r, "total_units"), ==, total_units (fx));
}

/* ---- §16.4 schedule conflicts (33–35) ------------------------------------ */

static void
test_br33_no_conflict (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  g_assert_false (acad_bool (r, "has_conflict"));
  g_assert_false (acad_bool (r, "schedule_override_applied"));
  g_assert_false (acad_bool (r, "capacity_override_applied"));
}

/* The original rejected an override flag without a reason even when
 * nothing conflicts; D-E5 asks for a reason only when a conflict exists. */
static void
test_br34_override_flag_no_conflict (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1",
               "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"section\":\"CS101-A\","
               "\"override_schedule_conflict\":true}");
  g_assert_false (acad_bool (r, "schedule_override_applied"));
  g_assert_cmpint (audits (fx, "SCHEDULE_CONFLICT_OVERRIDE"), ==, 0);
}

/* A section of CS102 at CS101-A's time (MON 08:00–09:30). */
static void
clashing_section (LedgerFixture *fx)
{
  acad_section (fx, "2025-FIRST", "CS102-B", "CS102", 40, "MON", "09:00", "10:00");
}

static void
test_br35_override_with_reason (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  JsonArray *conflicts;

  acad_f0_paid (fx);
  clashing_section (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  r = acad_ok (fx, "subject.enroll", "registrar1",
               "{" STUDENT "," SEM ",\"subject\":\"CS102\",\"section\":\"CS102-B\","
               "\"override_schedule_conflict\":true,"
               "\"reason\":\"Special arrangement with registrar\"}");
  g_assert_true (acad_bool (r, "has_conflict"));
  g_assert_true (acad_bool (r, "schedule_override_applied"));
  conflicts = json_object_get_array_member (r, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (conflicts, 0), ==, "CS101-A");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action ="
                                    " 'SCHEDULE_CONFLICT_OVERRIDE' AND actor = 'registrar1'"
                                    " AND after_json LIKE '%%Special arrangement%%'"
                                    " AND after_json LIKE '%%CS101-A%%'"), ==, 1);
}

/* ---- §16.4 drop (36–39) -------------------------------------------------- */

static void
test_br36_drop (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  r = acad_ok (fx, "subject.drop", "registrar1", DROP ("CS101"));
  g_assert_cmpstr (acad_str (r, "subject"), ==, "CS101");
  g_assert_cmpint (acad_int (r, "units_removed"), ==, 3);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE status = 'DROPPED'"
                                    " AND dropped_at IS NOT NULL"), ==, 1);
}

static void
test_br37_drop_twice (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.drop", "registrar1", DROP ("CS101"));
  test_apply_rejected (fx, "subject.drop", "registrar1", DROP ("CS101"), "already_dropped");
}

static void
test_br38_drop_total (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-A"));
  r = acad_ok (fx, "subject.drop", "registrar1", DROP ("CS101"));
  g_assert_cmpint (total_units (fx), ==, 3);
  g_assert_cmpint (acad_int (r, "total_units"), ==, total_units (fx));
}

static void
test_br39_drop_both (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;

  acad_f0_paid (fx);
  acad_section (fx, "2025-FIRST", "CS101-C30", "CS101", 30, "FRI", "08:00", "09:00");
  acad_section (fx, "2025-FIRST", "CS102-C30", "CS102", 30, "FRI", "10:00", "11:00");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-C30"));
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-C30"));
  g_assert_cmpint (total_units (fx), ==, 6);
  a = acad_ok (fx, "subject.drop", "registrar1", DROP ("CS101"));
  g_assert_cmpint (acad_int (a, "total_units"), ==, 3);
  b = acad_ok (fx, "subject.drop", "registrar1", DROP ("CS102"));
  g_assert_cmpint (acad_int (b, "total_units"), ==, 0);
}

/* ---- §16.4 duplicates (40–41) -------------------------------------------- */

static void
test_br40_duplicate (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"),
                       "already_enrolled");
}

static void
test_br41_reenroll_new_row (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;

  acad_f0_paid (fx);
  first = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.drop", "registrar1", DROP ("CS101"));
  again = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  g_assert_cmpstr (acad_str (first, "subject_enrollment_id"), !=,
                   acad_str (again, "subject_enrollment_id"));
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take"), ==, 2);
}

/* ---- §16.4 sections (42–44) ---------------------------------------------- */

static void
test_br42_section_used (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  acad_section (fx, "2025-FIRST", "CS101-B", "CS101", 40, "FRI", "08:00", "09:00");
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-B"));
  g_assert_cmpstr (acad_str (r, "section"), ==, "CS101-B");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take t JOIN section x ON x.id ="
                                    " t.section_id WHERE x.code = 'CS101-B'"), ==, 1);
}

static void
test_br43_section_assigned (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL_ANY ("CS102"));
  g_assert_cmpstr (acad_str (r, "section"), ==, "CS102-A");
}

static void
test_br44_no_section (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL_ANY ("THS25"),
                       "no_section_available");
}

/* ---- §16.4 queries (45–49) ----------------------------------------------- */

static void
test_br45_list_one (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) s = NULL;
  JsonArray *list;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  s = subjects (fx, FALSE);
  list = json_object_get_array_member (s, "subjects");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (acad_str (json_array_get_object_element (list, 0), "subject"), ==, "CS101");
}

static void
test_br46_list_after_drop (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) s = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.drop", "registrar1", DROP ("CS101"));
  s = subjects (fx, FALSE);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s, "subjects")), ==, 0);
}

static void
test_br47_list_include_dropped (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) s = NULL;
  JsonArray *list;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.drop", "registrar1", DROP ("CS101"));
  s = subjects (fx, TRUE);
  list = json_object_get_array_member (s, "subjects");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (acad_str (json_array_get_object_element (list, 0), "status"), ==, "DROPPED");
}

static void
test_br48_load (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) s = NULL;
  JsonObject *load;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  s = subjects (fx, FALSE);
  load = json_object_get_object_member (s, "load");
  g_assert_cmpint (acad_int (load, "max_units"), ==, 30);
  g_assert_cmpint (acad_int (load, "current_units"), ==, 3);
  g_assert_cmpint (acad_int (load, "remaining_units"), ==, 27);
  g_assert_cmpstr (acad_str (load, "capacity_percent"), ==, "10.0");
}

static void
test_br49_available_sections (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) s = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *sections;
  JsonObject *first;

  acad_f0_paid (fx);
  s = tala_ledger_sections (fx->ledger, "2025-00001", "2025-FIRST", "CS101", &error);
  g_assert_no_error (error);
  sections = json_object_get_array_member (s, "sections");
  g_assert_cmpuint (json_array_get_length (sections), >=, 1);
  first = json_array_get_object_element (sections, 0);
  g_assert_cmpstr (acad_str (first, "section"), ==, "CS101-A");
  g_assert_cmpstr (acad_str (first, "professor"), ==, "prof1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "schedule")), ==,
                    1);
  g_assert_true (json_object_has_member (first, "has_conflict"));
}

/* ---- The registrar's reads of sections, notes and the active semester ---- */

static JsonObject *
section_named (JsonArray  *sections,
               const char *code)
{
  for (guint i = 0; i < json_array_get_length (sections); i++)
    {
      JsonObject *s = json_array_get_object_element (sections, i);

      if (g_strcmp0 (acad_str (s, "code"), code) == 0)
        return s;
    }
  return NULL;
}

/* Every section of a semester, by code, without any student: the
 * professor (or null), seats taken and the slots. */
static void
test_registrar_semester_sections (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) sections = NULL;
  g_autoptr(JsonArray) later = NULL;
  g_autoptr(JsonArray) none = NULL;
  JsonObject *cs101, *cs201;
  JsonArray *slots;

  acad_f0_paid (fx);
  acad_do (fx, "catalog.section.put", "registrar1",
           "{" SEM ",\"code\":\"CS201-A\",\"subject\":\"CS201\",\"capacity\":2,"
           "\"room\":\"R-12\",\"slots\":[{\"day\":\"MON\",\"start\":\"13:00\","
           "\"end\":\"14:00\"},{\"day\":\"THU\",\"start\":\"10:00\",\"end\":\"11:30\"}]}");
  acad_do (fx, "catalog.semester.put", "registrar1",
           "{\"code\":\"2025-SECOND\",\"start_date\":\"2025-11-10\",\"end_date\":\"2026-03-31\","
           "\"enrollment_start\":\"2025-11-01\",\"enrollment_end\":\"2025-11-20\"}");
  acad_do (fx, "catalog.section.put", "registrar1",
           "{\"semester\":\"2025-SECOND\",\"code\":\"CS201-A\",\"subject\":\"CS201\","
           "\"capacity\":30,\"slots\":[]}");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));

  sections = tala_ledger_registrar_semester_sections (fx->ledger, "2025-FIRST", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (sections), ==, 5);
  g_assert_cmpstr (acad_str (json_array_get_object_element (sections, 0), "code"), ==, "CS101-A");
  g_assert_cmpstr (acad_str (json_array_get_object_element (sections, 4), "code"), ==, "OJT21-A");
  cs101 = section_named (sections, "CS101-A");
  g_assert_cmpstr (acad_str (cs101, "subject"), ==, "CS101");
  g_assert_cmpstr (acad_str (cs101, "subject_name"), ==, "Programming Fundamentals");
  g_assert_cmpstr (acad_str (cs101, "professor"), ==, "prof1");
  g_assert_cmpstr (acad_str (cs101, "semester"), ==, "2025-FIRST");
  g_assert_cmpint (acad_int (cs101, "capacity"), ==, 40);
  g_assert_cmpint (acad_int (cs101, "taken"), ==, 1);
  g_assert_cmpint (acad_int (cs101, "units"), ==, 3);
  cs201 = section_named (sections, "CS201-A");
  g_assert_nonnull (cs201);
  g_assert_true (json_object_has_member (cs201, "professor"));
  g_assert_true (json_object_get_null_member (cs201, "professor"));
  g_assert_cmpint (acad_int (cs201, "taken"), ==, 0);
  g_assert_cmpstr (acad_str (cs201, "room"), ==, "R-12");
  slots = json_object_get_array_member (cs201, "slots");
  g_assert_cmpuint (json_array_get_length (slots), ==, 2);
  g_assert_cmpstr (acad_str (json_array_get_object_element (slots, 0), "day"), ==, "MON");
  g_assert_cmpstr (acad_str (json_array_get_object_element (slots, 0), "start"), ==, "13:00");
  g_assert_cmpstr (acad_str (json_array_get_object_element (slots, 1), "end"), ==, "11:30");

  /* Only the semester asked for; a dropped take frees its seat. */
  later = tala_ledger_registrar_semester_sections (fx->ledger, "2025-SECOND", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (later), ==, 1);
  g_assert_cmpint (acad_int (json_array_get_object_element (later, 0), "capacity"), ==, 30);
  acad_do (fx, "subject.drop", "registrar1", DROP ("CS101"));
  g_clear_pointer (&sections, json_array_unref);
  sections = tala_ledger_registrar_semester_sections (fx->ledger, "2025-FIRST", &error);
  g_assert_no_error (error);
  g_assert_cmpint (acad_int (section_named (sections, "CS101-A"), "taken"), ==, 0);

  none = tala_ledger_registrar_semester_sections (fx->ledger, "2030-FIRST", &error);
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID);
  g_assert_null (none);
}

static JsonArray *
notes (LedgerFixture *fx,
       const char    *student)
{
  g_autoptr(GError) error = NULL;
  JsonArray *n = tala_ledger_registrar_promissory_notes (fx->ledger, student, fx->now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (n);
  return n;
}

/* A student's notes with the month they wait for: open, overdue after the
 * promised date, paid once the month is. */
static void
test_registrar_promissory_notes (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) before = NULL;
  g_autoptr(JsonArray) open = NULL;
  g_autoptr(JsonArray) overdue = NULL;
  g_autoptr(JsonArray) paid = NULL;
  g_autoptr(JsonArray) unknown = NULL;
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *due = NULL;
  JsonObject *n;
  gint64 month;

  acad_f0_paid (fx);
  before = notes (fx, "2025-00001");
  g_assert_cmpuint (json_array_get_length (before), ==, 0);
  r = acad_ok (fx, "permit.promissory", "registrar1",
               "{" STUDENT "," SEM ",\"period\":\"MIDTERM\",\"promised_date\":\"2025-07-15\","
               "\"reason\":\"Waiting for a scholarship\"}");
  month = acad_scalar (fx, "SELECT month FROM permit WHERE period = 'MIDTERM'");
  due = g_strdup_printf ("%" G_GINT64_FORMAT ".00",
                         acad_scalar (fx, "SELECT b.due / 100 FROM bucket b JOIN permit p"
                                          " ON p.enrollment_id = b.enrollment_id"
                                          " AND p.month = b.month WHERE p.period = 'MIDTERM'"));
  g_assert_cmpint (month, >, 1);

  open = notes (fx, "2025-00001");
  g_assert_cmpuint (json_array_get_length (open), ==, 1);
  n = json_array_get_object_element (open, 0);
  g_assert_cmpstr (acad_str (n, "note_id"), ==, acad_str (r, "note_id"));
  g_assert_cmpstr (acad_str (n, "semester"), ==, "2025-FIRST");
  g_assert_cmpstr (acad_str (n, "period"), ==, "MIDTERM");
  g_assert_cmpint (acad_int (n, "month"), ==, month);
  g_assert_cmpstr (acad_str (n, "promised_date"), ==, "2025-07-15");
  g_assert_cmpstr (acad_str (n, "reason"), ==, "Waiting for a scholarship");
  g_assert_cmpstr (acad_str (n, "granted_by"), ==, "registrar1");
  g_assert_cmpstr (acad_str (n, "permit_status"), ==, "UNLOCKED");
  g_assert_cmpstr (acad_str (n, "permit_code"), ==, acad_str (r, "code"));
  g_assert_cmpstr (acad_str (n, "due"), ==, due);
  g_assert_cmpstr (acad_str (n, "balance"), ==, due);
  g_assert_cmpstr (acad_str (n, "status"), ==, "OPEN");

  /* The day after the promised date, still unpaid. */
  tala_timestamp_parse ("2025-07-16T01:00:00Z", &fx->now);
  overdue = notes (fx, "2025-00001");
  g_assert_cmpstr (acad_str (json_array_get_object_element (overdue, 0), "status"), ==,
                   "OVERDUE");

  /* The months up to the note's are paid: the promise was kept. */
  acad_do (fx, "payment.record", "cashier1",
           "{" STUDENT ",\"amount\":\"%" G_GINT64_FORMAT "0000.00\",\"method\":\"CASH\"}",
           month - 1);
  paid = notes (fx, "2025-00001");
  n = json_array_get_object_element (paid, 0);
  g_assert_cmpstr (acad_str (n, "status"), ==, "PAID");
  g_assert_cmpstr (acad_str (n, "balance"), ==, "0.00");

  unknown = tala_ledger_registrar_promissory_notes (fx->ledger, "2025-99999", fx->now, &error);
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID);
  g_assert_null (unknown);
}

static void
test_registrar_active_semester (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *first = NULL;
  g_autofree char *next = NULL;

  g_assert_true (tala_ledger_registrar_active_semester (fx->ledger, &empty, &error));
  g_assert_no_error (error);
  g_assert_null (empty);
  test_load_f0 (fx);
  g_assert_true (tala_ledger_registrar_active_semester (fx->ledger, &first, &error));
  g_assert_cmpstr (first, ==, "2025-FIRST");
  acad_do (fx, "catalog.semester.put", "registrar1",
           "{\"code\":\"2025-SECOND\",\"start_date\":\"2025-11-10\",\"end_date\":\"2026-03-31\","
           "\"enrollment_start\":\"2025-11-01\",\"enrollment_end\":\"2025-11-20\","
           "\"is_active\":true}");
  g_assert_true (tala_ledger_registrar_active_semester (fx->ledger, &next, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (next, ==, "2025-SECOND");
}

/* ---- D-E1 ---------------------------------------------------------------- */

static void
test_de1_enrolled_does_not_satisfy (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) err = NULL;

  acad_f0_paid (fx);
  cs201_section (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE status = 'ENROLLED'"
                                    " AND grade_status = 'PENDING'"), ==, 1);
  err = acad_rej (fx, "subject.enroll", "registrar1", "prerequisite_not_met",
                  ENROLL ("CS201", "CS201-A"));
  check_unmet (err, "CS101", "ENROLLED");
}

/* The latest take by semester start counts: FAILED in 2024-SECOND, then
 * PASSED in a later summer, so CS201 opens. */
static void
test_de1_latest_take_counts (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_past_take (fx, "CS101", "5.00");
  acad_do (fx, "catalog.semester.put", "registrar1",
           "{\"code\":\"2024-SUMMER\",\"start_date\":\"2025-05-19\",\"end_date\":\"2025-05-30\","
           "\"enrollment_start\":\"2025-05-19\",\"enrollment_end\":\"2025-05-20\"}");
  acad_do (fx, "enrollment.create", "registrar1",
           "{" STUDENT ",\"semester\":\"2024-SUMMER\",\"monthly_commitment\":\"0.00\"}");
  acad_section (fx, "2024-SUMMER", "CS101-S", "CS101", 40, "MON", "08:00", "12:00");
  acad_do (fx, "subject.enroll", "registrar1",
           "{" STUDENT ",\"semester\":\"2024-SUMMER\",\"subject\":\"CS101\","
           "\"section\":\"CS101-S\"}");
  acad_do (fx, "grade.submit", "registrar1",
           "{" STUDENT ",\"semester\":\"2024-SUMMER\",\"subject\":\"CS101\",\"grade\":\"2.00\"}");
  acad_do (fx, "grade.finalize", "registrar1", "{\"semester\":\"2024-SUMMER\"}");
  cs201_section (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS201", "CS201-A"));
}

static void
test_de1_every_unmet_listed (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;
  JsonArray *unmet;

  acad_f0_paid (fx);
  acad_subject (fx, "CS301", 3, "MAJOR", NULL);
  acad_do (fx, "catalog.subject.put", "registrar1",
           "{\"code\":\"CS302\",\"name\":\"Two prerequisites\",\"units\":3,\"program\":\"BSCS\","
           "\"prerequisites\":[\"CS102\",\"CS301\"]}");
  acad_past_take (fx, "CS102", "5.00");
  err = acad_rej (fx, "subject.enroll", "registrar1", "prerequisite_not_met", ENROLL_ANY ("CS302"));
  unmet = json_object_get_array_member (json_object_get_object_member (err, "details"), "unmet");
  g_assert_cmpuint (json_array_get_length (unmet), ==, 2);
  g_assert_cmpstr (acad_str (json_array_get_object_element (unmet, 0), "subject"), ==, "CS102");
  g_assert_cmpstr (acad_str (json_array_get_object_element (unmet, 0), "status"), ==, "FAILED");
  g_assert_cmpstr (acad_str (json_array_get_object_element (unmet, 1), "subject"), ==, "CS301");
  g_assert_cmpstr (acad_str (json_array_get_object_element (unmet, 1), "status"), ==, "NOT_TAKEN");
}

static void
test_de1_dropped_blocks (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.drop", "registrar1", DROP ("CS101"));
  err = acad_rej (fx, "subject.enroll", "registrar1", "prerequisite_not_met", ENROLL_ANY ("CS201"));
  check_unmet (err, "CS101", "NOT_TAKEN");
}

static void
test_de1_already_passed (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_past_take (fx, "CS101", "1.50");
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"),
                       "already_passed");
}

static void
test_de1_retake_flag (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  acad_past_take (fx, "CS101", "5.00");
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  g_assert_true (acad_bool (r, "is_retake"));
}

/* ---- D-E2: the order of checks, nothing partial -------------------------- */

static void
test_de2_active_before_month1 (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  acad_do (fx, "student.update", "registrar1",
           "{" STUDENT ",\"status\":\"WITHDRAWN\",\"reason\":\"Moved abroad\"}");
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"),
                       "student_not_active");
}

static void
test_de2_loa_not_active (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "loa.record", "registrar1",
           "{" STUDENT ",\"start_date\":\"2025-06-01\",\"reason\":\"Medical leave\"}");
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"),
                       "student_not_active");
}

/* already_enrolled comes before the month-1 gate: enroll, void the payment
 * (month 1 unpaid again), then the same subject. */
static void
test_de2_enrolled_before_month1 (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) pay = NULL;

  test_load_f0 (fx);
  pay = acad_ok (fx, "payment.record", "cashier1",
                 "{" STUDENT ",\"amount\":\"10000.00\",\"method\":\"CASH\"}");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "payment.void", "admin", "{\"payment\":\"%s\",\"reason\":\"Bounced\"}",
           acad_str (pay, "payment_id"));
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"),
                       "already_enrolled");
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-A"),
                       "month1_unpaid");
}

static void
test_de2_month1_before_prerequisites (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL_ANY ("CS201"), "month1_unpaid");
}

static void
test_de2_prerequisites_before_cap (LedgerFixture *fx, gconstpointer d)
{
  nine_units (fx);
  acad_subject (fx, "BIG25", 25, "MAJOR", "CS201");
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL_ANY ("BIG25"),
                       "prerequisite_not_met");
}

static void
test_de2_cap_before_section (LedgerFixture *fx, gconstpointer d)
{
  nine_units (fx);
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("THS25", "NO-SUCH"),
                       "unit_cap_exceeded");
}

static void
test_de2_section_mismatch (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS102-A"),
                       "section_mismatch");
}

static void
test_de2_capacity_before_conflict (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_section (fx, "2025-FIRST", "CS102-Z", "CS102", 1, "MON", "08:00", "09:00");
  acad_do (fx, "student.register", "registrar1",
           "{\"first_name\":\"Pedro\",\"last_name\":\"Penduko\",\"program\":\"BSCS\","
           "\"enrollment\":{\"semester\":\"2025-FIRST\",\"monthly_commitment\":\"0.00\"}}");
  acad_do (fx, "subject.enroll", "registrar1",
           "{\"student\":\"2025-00002\"," SEM ",\"subject\":\"CS102\",\"section\":\"CS102-Z\"}");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-Z"),
                       "section_full");
}

static void
test_de2_nothing_partial (LedgerFixture *fx, gconstpointer d)
{
  gint64 takes, audit, seq = tala_ledger_get_hub_seq (fx->ledger);

  nine_units (fx);
  takes = acad_scalar (fx, "SELECT count(*) FROM take");
  audit = acad_scalar (fx, "SELECT count(*) FROM audit WHERE hub_seq IS NOT NULL");
  seq = tala_ledger_get_hub_seq (fx->ledger);
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL_ANY ("THS25"),
                       "unit_cap_exceeded");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take"), ==, takes);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE hub_seq IS NOT NULL"), ==,
                   audit);
  g_assert_cmpint (total_units (fx), ==, 9);
  g_assert_cmpint (tala_ledger_get_hub_seq (fx->ledger), ==, seq);
}

static void
test_de2_unknown_references (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  test_apply_rejected (fx, "subject.enroll", "registrar1",
                       "{\"student\":\"2025-09999\"," SEM ",\"subject\":\"CS101\"}",
                       "unknown_student");
  test_apply_rejected (fx, "subject.enroll", "registrar1",
                       "{" STUDENT ",\"semester\":\"2030-FIRST\",\"subject\":\"CS101\"}",
                       "unknown_semester");
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL_ANY ("CS999"),
                       "unknown_subject");
  acad_past_semester (fx);
  acad_do (fx, "student.register", "registrar1",
           "{\"first_name\":\"Pedro\",\"last_name\":\"Penduko\",\"program\":\"BSCS\"}");
  test_apply_rejected (fx, "subject.enroll", "registrar1",
                       "{\"student\":\"2025-00002\"," SEM ",\"subject\":\"CS101\"}",
                       "no_enrollment");
}

/* ---- D-E3 ---------------------------------------------------------------- */

static void
test_de3_no_override (LedgerFixture *fx, gconstpointer d)
{
  nine_units (fx);
  acad_section (fx, "2025-FIRST", "THS25-A", "THS25", 40, "SUN", "08:00", "17:00");
  test_apply_rejected (fx, "subject.enroll", "admin",
                       "{" STUDENT "," SEM ",\"subject\":\"THS25\",\"section\":\"THS25-A\","
                       "\"override_capacity\":true,\"override_schedule_conflict\":true,"
                       "\"reason\":\"Please\"}", "unit_cap_exceeded");
}

static void
test_de3_cap_is_config (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "config.set", "admin", "{\"key\":\"max_units_per_semester\",\"value\":6}");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-A"));
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS103", "CS103-A"),
                       "unit_cap_exceeded");
}

/* ---- D-E4 ---------------------------------------------------------------- */

/* CS101-ONE has one seat, taken by 2025-00002. */
static void
full_section (LedgerFixture *fx)
{
  acad_f0_paid (fx);
  acad_section (fx, "2025-FIRST", "CS101-ONE", "CS101", 1, "FRI", "08:00", "09:00");
  acad_do (fx, "student.register", "registrar1",
           "{\"first_name\":\"Pedro\",\"last_name\":\"Penduko\",\"program\":\"BSCS\","
           "\"enrollment\":{\"semester\":\"2025-FIRST\",\"monthly_commitment\":\"0.00\"}}");
  acad_do (fx, "subject.enroll", "registrar1",
           "{\"student\":\"2025-00002\"," SEM ",\"subject\":\"CS101\",\"section\":\"CS101-ONE\"}");
}

static void
test_de4_full_refused (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;
  JsonObject *details;

  full_section (fx);
  err = acad_rej (fx, "subject.enroll", "registrar1", "section_full",
                  ENROLL ("CS101", "CS101-ONE"));
  details = json_object_get_object_member (err, "details");
  g_assert_cmpint (acad_int (details, "capacity"), ==, 1);
  g_assert_cmpint (acad_int (details, "taken"), ==, 1);
}

static void
test_de4_override_audited (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  full_section (fx);
  r = acad_ok (fx, "subject.enroll", "registrar1",
               "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"section\":\"CS101-ONE\","
               "\"override_capacity\":true,\"reason\":\"Graduating student\"}");
  g_assert_true (acad_bool (r, "capacity_override_applied"));
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'CAPACITY_OVERRIDE'"
                                    " AND actor = 'registrar1'"
                                    " AND after_json LIKE '%%Graduating student%%'"), ==, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take t JOIN section x ON x.id ="
                                    " t.section_id WHERE x.code = 'CS101-ONE'"), ==, 2);
}

static void
test_de4_override_needs_reason (LedgerFixture *fx, gconstpointer d)
{
  full_section (fx);
  test_apply_rejected (fx, "subject.enroll", "registrar1",
                       "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"section\":\"CS101-ONE\","
                       "\"override_capacity\":true}", "reason_required");
}

static void
test_de4_student_override_forbidden (LedgerFixture *fx, gconstpointer d)
{
  full_section (fx);
  test_apply_rejected (fx, "subject.enroll", "2025-00001",
                       "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"section\":\"CS101-ONE\","
                       "\"override_capacity\":true,\"reason\":\"Please\"}", "forbidden");
}

static void
test_de4_auto_pick_skips_full (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "catalog.section.put", "registrar1",
           "{" SEM ",\"code\":\"CS101-A\",\"subject\":\"CS101\",\"capacity\":1,"
           "\"professor\":\"prof1\",\"slots\":[{\"day\":\"MON\",\"start\":\"08:00\","
           "\"end\":\"09:30\"}]}");
  acad_do (fx, "student.register", "registrar1",
           "{\"first_name\":\"Pedro\",\"last_name\":\"Penduko\",\"program\":\"BSCS\","
           "\"enrollment\":{\"semester\":\"2025-FIRST\",\"monthly_commitment\":\"0.00\"}}");
  other = acad_ok (fx, "subject.enroll", "registrar1",
                   "{\"student\":\"2025-00002\"," SEM ",\"subject\":\"CS101\"}");
  g_assert_cmpstr (acad_str (other, "section"), ==, "CS101-A");
  acad_section (fx, "2025-FIRST", "CS101-B", "CS101", 5, "THU", "13:00", "14:00");
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL_ANY ("CS101"));
  g_assert_cmpstr (acad_str (r, "section"), ==, "CS101-B");
}

/* ---- D-E5 ---------------------------------------------------------------- */

static void
test_de5_back_to_back (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  acad_section (fx, "2025-FIRST", "CS102-B", "CS102", 40, "MON", "09:30", "11:00");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  r = acad_ok (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-B"));
  g_assert_false (acad_bool (r, "has_conflict"));
}

static void
test_de5_conflicts_listed (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;
  JsonArray *conflicts;

  acad_f0_paid (fx);
  acad_section (fx, "2025-FIRST", "CS102-B", "CS102", 40, "MON", "09:00", "10:00");
  acad_do (fx, "catalog.section.put", "registrar1",
           "{" SEM ",\"code\":\"CS103-W\",\"subject\":\"CS103\",\"capacity\":40,"
           "\"slots\":[{\"day\":\"MON\",\"start\":\"10:00\",\"end\":\"11:00\"}]}");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS103", "CS103-W"));
  acad_section (fx, "2025-FIRST", "OJT21-B", "OJT21", 40, "MON", "08:00", "17:00");
  err = acad_rej (fx, "subject.enroll", "registrar1", "schedule_conflict",
                  ENROLL ("OJT21", "OJT21-B"));
  conflicts = json_object_get_array_member (json_object_get_object_member (err, "details"),
                                            "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 2);
  g_assert_cmpstr (acad_str (json_array_get_object_element (conflicts, 0), "section"), ==,
                   "CS101-A");
  g_assert_cmpstr (acad_str (json_array_get_object_element (conflicts, 0), "subject"), ==,
                   "CS101");
  g_assert_cmpstr (acad_str (json_array_get_object_element (conflicts, 1), "section"), ==,
                   "CS103-W");
}

static void
test_de5_dropped_ignored (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  clashing_section (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.drop", "registrar1", DROP ("CS101"));
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-B"));
}

static void
test_de5_student_override_forbidden (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  clashing_section (fx);
  acad_do (fx, "subject.enroll", "2025-00001", ENROLL ("CS101", "CS101-A"));
  test_apply_rejected (fx, "subject.enroll", "2025-00001",
                       "{" STUDENT "," SEM ",\"subject\":\"CS102\",\"section\":\"CS102-B\","
                       "\"override_schedule_conflict\":true,\"reason\":\"I can manage\"}",
                       "forbidden");
}

static void
test_de5_override_needs_reason (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  clashing_section (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  test_apply_rejected (fx, "subject.enroll", "registrar1",
                       "{" STUDENT "," SEM ",\"subject\":\"CS102\",\"section\":\"CS102-B\","
                       "\"override_schedule_conflict\":true}", "reason_required");
}

static void
test_de5_auto_pick_never_overrides (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "catalog.section.put", "registrar1",
           "{" SEM ",\"code\":\"CS102-A\",\"subject\":\"CS102\",\"capacity\":40,"
           "\"slots\":[{\"day\":\"MON\",\"start\":\"08:00\","
           "\"end\":\"09:00\"}]}");
  err = acad_rej (fx, "subject.enroll", "registrar1", "schedule_conflict",
                  "{" STUDENT "," SEM ",\"subject\":\"CS102\",\"override_schedule_conflict\":true,"
                  "\"reason\":\"Auto\"}");
  g_assert_nonnull (json_object_get_object_member (err, "details"));
}

/* ---- D-E6 ---------------------------------------------------------------- */

static void
test_de6_drop_history (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *reason = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.drop", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"reason\":\"Work schedule\"}");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  reason = acad_text (fx, "SELECT drop_reason FROM take WHERE status = 'DROPPED'");
  g_assert_cmpstr (reason, ==, "Work schedule");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE status = 'ENROLLED'"), ==, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action IN"
                                    " ('SUBJECT_ENROLLED', 'SUBJECT_DROPPED')"), ==, 3);
  g_assert_cmpint (total_units (fx), ==, 3);
}

static void
test_de6_drop_rejections (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  test_apply_rejected (fx, "subject.drop", "registrar1", DROP ("CS101"), "not_enrolled");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "grade.submit", "prof1", GRADE ("CS101", "2.00"));
  acad_do (fx, "grade.finalize", "registrar1", "{" SEM "}");
  test_apply_rejected (fx, "subject.drop", "registrar1", DROP ("CS101"), "grade_finalized");
}

/* ---- D-E7 ---------------------------------------------------------------- */

static void
test_de7_student_inside_window (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "2025-00001", ENROLL ("CS101", "CS101-A"));
  acad_do (fx, "subject.drop", "2025-00001", DROP ("CS101"));
}

static void
test_de7_student_outside_window (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) err = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "2025-00001", ENROLL ("CS101", "CS101-A"));
  err = acad_rej_at (fx, "2025-06-14", "subject.enroll", "2025-00001",
                     "outside_enrollment_window", ENROLL ("CS102", "CS102-A"));
  json_object_unref (acad_rej_at (fx, "2025-06-14", "subject.drop", "2025-00001",
                                  "outside_enrollment_window", DROP ("CS101")));
  /* The registrar is exempt. */
  acad_do_at (fx, "2025-06-20", "subject.enroll", "registrar1", ENROLL ("CS102", "CS102-A"));
  acad_do_at (fx, "2025-06-20", "subject.drop", "registrar1", DROP ("CS101"));
}

static void
test_de7_student_other_forbidden (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "student.register", "registrar1",
           "{\"first_name\":\"Pedro\",\"last_name\":\"Penduko\",\"program\":\"BSCS\","
           "\"enrollment\":{\"semester\":\"2025-FIRST\",\"monthly_commitment\":\"0.00\"}}");
  test_apply_rejected (fx, "subject.enroll", "2025-00002", ENROLL ("CS101", "CS101-A"),
                       "forbidden");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"));
  test_apply_rejected (fx, "subject.drop", "2025-00002", DROP ("CS101"), "forbidden");
  test_apply_rejected (fx, "subject.enroll", "cashier1", ENROLL ("CS102", "CS102-A"), "forbidden");
  test_apply_rejected (fx, "subject.enroll", "prof1", ENROLL ("CS102", "CS102-A"), "forbidden");
}

/* ---- D-E8 ---------------------------------------------------------------- */

#define CREDIT(subject, extra) \
  "{" STUDENT "," SEM ",\"subject\":\"" subject "\",\"prior_institution\":\"University of the " \
  "Philippines\",\"prior_subject_code\":\"CMSC 11\",\"prior_subject_name\":\"Intro\"" extra "}"

static void
test_de8_credit_satisfies_prerequisite (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  r = acad_ok (fx, "credit.transfer", "registrar1", CREDIT ("CS101", ",\"grade\":\"1.25\""));
  g_assert_cmpint (acad_int (r, "units"), ==, 3);
  g_assert_false (acad_bool (r, "count_in_gpa"));
  g_assert_cmpstr (acad_str (r, "gpa"), ==, "N/A");
  cs201_section (fx);
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS201", "CS201-A"));
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE status = 'CREDITED'"
                                    " AND grade_status = 'FINALIZED' AND section_id IS NULL"),
                   ==, 1);
}

static void
test_de8_credit_outside_units (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "credit.transfer", "registrar1", CREDIT ("CS101", ",\"units\":5"));
  g_assert_cmpint (total_units (fx), ==, 0);
  g_assert_cmpint (acad_scalar (fx, "SELECT units FROM take"), ==, 5);
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL ("CS101", "CS101-A"),
                       "already_enrolled");
}

static void
test_de8_credit_count_in_gpa (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  test_apply_rejected (fx, "credit.transfer", "registrar1",
                       CREDIT ("CS101", ",\"count_in_gpa\":true"), "invalid_grade");
  test_apply_rejected (fx, "credit.transfer", "registrar1", CREDIT ("CS101", ",\"grade\":\"A\""),
                       "invalid_grade");
  r = acad_ok (fx, "credit.transfer", "registrar1",
               CREDIT ("CS101", ",\"grade\":\"1.25\",\"count_in_gpa\":true"));
  g_assert_cmpstr (acad_str (r, "gpa"), ==, "1.25");
}

static void
test_de8_already_credited (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  acad_do (fx, "credit.transfer", "registrar1", CREDIT ("CS101", ""));
  test_apply_rejected (fx, "credit.transfer", "registrar1", CREDIT ("CS101", ""),
                       "already_credited");
  acad_past_take (fx, "CS102", "2.00");
  test_apply_rejected (fx, "credit.transfer", "registrar1", CREDIT ("CS102", ""), "already_passed");
  acad_do (fx, "subject.enroll", "registrar1", ENROLL ("CS103", "CS103-A"));
  test_apply_rejected (fx, "credit.transfer", "registrar1", CREDIT ("CS103", ""),
                       "already_enrolled");
}

static void
test_de8_registrar_only (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  test_apply_rejected (fx, "credit.transfer", "2025-00001", CREDIT ("CS101", ""), "forbidden");
  test_apply_rejected (fx, "credit.transfer", "prof1", CREDIT ("CS101", ""), "forbidden");
}

/* ---- Replays ------------------------------------------------------------- */

static void
test_rebuild_after_enrollments (LedgerFixture *fx, gconstpointer d)
{
  nine_units (fx);
  clashing_section (fx);
  acad_do (fx, "subject.enroll", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"OJT21\",\"section\":\"OJT21-A\"}");
  acad_do (fx, "subject.drop", "registrar1", DROP ("CS102"));
  acad_do (fx, "subject.enroll", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"CS102\",\"section\":\"CS102-B\","
           "\"override_schedule_conflict\":true,\"reason\":\"Make-up class\"}");
  acad_do (fx, "credit.transfer", "registrar1", CREDIT ("CS201", ""));
  test_apply_rejected (fx, "subject.enroll", "registrar1", ENROLL_ANY ("THS25"),
                       "unit_cap_exceeded");
  acad_assert_rebuild (fx);
}

#define ADD(path, func) \
  g_test_add ("/ledger/enroll/" path, LedgerFixture, NULL, ledger_fixture_setup, func, \
              ledger_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ADD ("br20-can-enroll-false-mentions-month-1", test_br20_can_enroll_false);
  ADD ("br21-month1-unpaid-rejected", test_br21_unpaid_rejected);
  ADD ("br22-pay-then-eligible", test_br22_pay_then_eligible);
  ADD ("br23-pay-then-add", test_br23_pay_then_add);
  ADD ("br24-no-prerequisites", test_br24_no_prerequisites);
  ADD ("br25-prerequisite-never-taken", test_br25_prerequisite_never_taken);
  ADD ("br26-prerequisite-passed", test_br26_prerequisite_passed);
  ADD ("br27-prerequisite-failed-blocks", test_br27_prerequisite_failed);
  ADD ("br28-prerequisite-inc-blocks", test_br28_prerequisite_inc);
  ADD ("br29-first-subject-total-3", test_br29_first_subject);
  ADD ("br30-unit-cap-9-plus-25-rejected", test_br30_cap_9_plus_25);
  ADD ("br31-unit-cap-exact-30", test_br31_cap_exact_30);
  ADD ("br32-stored-total", test_br32_stored_total);
  ADD ("br33-section-no-conflict", test_br33_no_conflict);
  ADD ("br34-override-flag-without-conflict", test_br34_override_flag_no_conflict);
  ADD ("br35-registrar-override-audited", test_br35_override_with_reason);
  ADD ("br36-drop", test_br36_drop);
  ADD ("br37-drop-twice", test_br37_drop_twice);
  ADD ("br38-drop-total", test_br38_drop_total);
  ADD ("br39-drop-both", test_br39_drop_both);
  ADD ("br40-duplicate", test_br40_duplicate);
  ADD ("br41-reenroll-new-row", test_br41_reenroll_new_row);
  ADD ("br42-specified-section-used", test_br42_section_used);
  ADD ("br43-section-assigned", test_br43_section_assigned);
  ADD ("br44-no-section-available", test_br44_no_section);
  ADD ("br45-list-one", test_br45_list_one);
  ADD ("br46-list-after-drop", test_br46_list_after_drop);
  ADD ("br47-list-include-dropped", test_br47_list_include_dropped);
  ADD ("br48-load-summary", test_br48_load);
  ADD ("br49-available-sections", test_br49_available_sections);
  ADD ("registrar-semester-sections", test_registrar_semester_sections);
  ADD ("registrar-promissory-notes", test_registrar_promissory_notes);
  ADD ("registrar-active-semester", test_registrar_active_semester);

  ADD ("d-e1-enrolled-does-not-satisfy", test_de1_enrolled_does_not_satisfy);
  ADD ("d-e1-latest-take-counts", test_de1_latest_take_counts);
  ADD ("d-e1-every-unmet-listed", test_de1_every_unmet_listed);
  ADD ("d-e1-dropped-blocks", test_de1_dropped_blocks);
  ADD ("d-e1-already-passed", test_de1_already_passed);
  ADD ("d-e1-retake-flag", test_de1_retake_flag);
  ADD ("d-e2-active-before-month1", test_de2_active_before_month1);
  ADD ("d-e2-loa-not-active", test_de2_loa_not_active);
  ADD ("d-e2-enrolled-before-month1", test_de2_enrolled_before_month1);
  ADD ("d-e2-month1-before-prerequisites", test_de2_month1_before_prerequisites);
  ADD ("d-e2-prerequisites-before-cap", test_de2_prerequisites_before_cap);
  ADD ("d-e2-cap-before-section", test_de2_cap_before_section);
  ADD ("d-e2-section-mismatch", test_de2_section_mismatch);
  ADD ("d-e2-capacity-before-conflict", test_de2_capacity_before_conflict);
  ADD ("d-e2-nothing-partial", test_de2_nothing_partial);
  ADD ("d-e2-unknown-references", test_de2_unknown_references);
  ADD ("d-e3-no-override", test_de3_no_override);
  ADD ("d-e3-cap-is-config", test_de3_cap_is_config);
  ADD ("d-e4-capacity-full-refused", test_de4_full_refused);
  ADD ("d-e4-capacity-override-audited", test_de4_override_audited);
  ADD ("d-e4-capacity-override-needs-reason", test_de4_override_needs_reason);
  ADD ("d-e4-student-override-forbidden", test_de4_student_override_forbidden);
  ADD ("d-e4-auto-pick-skips-full", test_de4_auto_pick_skips_full);
  ADD ("d-e5-back-to-back-fine", test_de5_back_to_back);
  ADD ("d-e5-conflicts-listed", test_de5_conflicts_listed);
  ADD ("d-e5-dropped-ignored", test_de5_dropped_ignored);
  ADD ("d-e5-student-override-forbidden", test_de5_student_override_forbidden);
  ADD ("d-e5-override-needs-reason", test_de5_override_needs_reason);
  ADD ("d-e5-auto-pick-never-overrides", test_de5_auto_pick_never_overrides);
  ADD ("d-e6-drop-history-kept", test_de6_drop_history);
  ADD ("d-e6-drop-rejections", test_de6_drop_rejections);
  ADD ("d-e7-student-inside-window", test_de7_student_inside_window);
  ADD ("d-e7-student-outside-window", test_de7_student_outside_window);
  ADD ("d-e7-student-other-forbidden", test_de7_student_other_forbidden);
  ADD ("d-e8-credit-satisfies-prerequisite", test_de8_credit_satisfies_prerequisite);
  ADD ("d-e8-credit-outside-total-units", test_de8_credit_outside_units);
  ADD ("d-e8-credit-count-in-gpa", test_de8_credit_count_in_gpa);
  ADD ("d-e8-already-credited", test_de8_already_credited);
  ADD ("d-e8-registrar-only", test_de8_registrar_only);
  ADD ("rebuild-after-enrollments", test_rebuild_after_enrollments);

  return g_test_run ();
}
