/* test-grades.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Grades, GPA, INC and LOA through tala_ledger_apply(): every scenario of
 * business-rules §16.5 (cases 50–73) on the LETTER scale as in the
 * original, the GPA and INC cases (54–60, 63–68) again on the PH scale,
 * the grade decisions D-G1…D-G5, loa.record and student.update.
 */

#include "config.h"

#include "academics.h"

#define TAKE(subject) "{" STUDENT "," SEM ",\"subject\":\"" subject "\"}"

/* The original's letters on the scale under test (PH: A 1.00, B 2.00, C
 * 3.00, D 3.00, F 5.00). */
static const char *
grade_of (const char *scale,
          const char *letter)
{
  static const char * const ph[][2] = {
    { "A", "1.00" }, { "B+", "1.75" }, { "B", "2.00" }, { "C", "3.00" }, { "D", "3.00" },
    { "F", "5.00" }, { "INC", "INC" },
  };

  if (strcmp (scale, "LETTER") == 0)
    return letter;
  for (guint i = 0; i < G_N_ELEMENTS (ph); i++)
    if (strcmp (ph[i][0], letter) == 0)
      return ph[i][1];
  g_assert_not_reached ();
  return NULL;
}

/* BR §16.5's fixture: 2025-00001 enrolled in three MAJOR 3-unit subjects
 * (CS101, CS102, CS103; prof1's sections), no grades. */
static void
fixture_165 (LedgerFixture *fx,
             const char    *scale)
{
  acad_f0_paid (fx);
  if (strcmp (scale, "LETTER") == 0)
    acad_letter_scale (fx);
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"CS101\"}");
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"CS102\"}");
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"CS103\"}");
}

static void
submit (LedgerFixture *fx,
        const char    *subject,
        const char    *grade)
{
  acad_do (fx, "grade.submit", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"%s\",\"grade\":\"%s\"}", subject, grade);
}

static JsonObject *
finalize (LedgerFixture *fx)
{
  return acad_ok (fx, "grade.finalize", "registrar1", "{" SEM "}");
}

static void
finalize_quiet (LedgerFixture *fx)
{
  json_object_unref (finalize (fx));
}

static void
assert_gpa (LedgerFixture *fx,
            const char    *expected)
{
  g_autofree char *gpa = acad_gpa (fx, "2025-00001");

  g_assert_cmpstr (gpa, ==, expected);
}

/* ---- §16.5 submission (50–53) -------------------------------------------- */

static void
test_br50_submit (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *comments = NULL;

  fixture_165 (fx, "LETTER");
  r = acad_ok (fx, "grade.submit", "prof1",
               "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"A\","
               "\"comments\":\"Excellent project\"}");
  g_assert_cmpstr (acad_str (r, "grade"), ==, "A");
  g_assert_cmpstr (acad_str (r, "grade_status"), ==, "SUBMITTED");
  g_assert_false (json_object_has_member (r, "previous"));
  comments = acad_text (fx, "SELECT comments FROM take WHERE grade = 'A'");
  g_assert_cmpstr (comments, ==, "Excellent project");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'GRADE_SUBMITTED'"
                                    " AND actor = 'prof1'"), ==, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM grade_history WHERE old_grade IS NULL"
                                    " AND new_grade = 'A' AND actor = 'prof1'"), ==, 1);
}

static void
test_br51_resubmit (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;

  fixture_165 (fx, "LETTER");
  first = acad_ok (fx, "grade.submit", "prof1", GRADE ("CS101", "C"));
  again = acad_ok (fx, "grade.submit", "prof1", GRADE ("CS101", "B+"));
  g_assert_cmpstr (acad_str (first, "subject_enrollment_id"), ==,
                   acad_str (again, "subject_enrollment_id"));
  g_assert_cmpstr (acad_str (again, "grade"), ==, "B+");
  g_assert_cmpstr (acad_str (again, "previous"), ==, "C");
}

static void
test_br52_invalid_grade (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "LETTER");
  test_apply_rejected (fx, "grade.submit", "prof1",
                       GRADE ("CS101", "Z"), "invalid_grade");
}

static void
test_br53_finalized (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "LETTER");
  submit (fx, "CS101", "A");
  finalize_quiet (fx);
  test_apply_rejected (fx, "grade.submit", "prof1",
                       GRADE ("CS101", "B"),
                       "grade_finalized");
}

/* ---- §16.5 GPA (54–60), on either scale ---------------------------------- */

static void
test_br54_gpa_one (LedgerFixture *fx, gconstpointer scale)
{
  fixture_165 (fx, scale);
  submit (fx, "CS101", grade_of (scale, "A"));
  finalize_quiet (fx);
  assert_gpa (fx, strcmp (scale, "PH") == 0 ? "1.00" : "4.00");
}

static void
test_br55_gpa_two (LedgerFixture *fx, gconstpointer scale)
{
  fixture_165 (fx, scale);
  submit (fx, "CS101", grade_of (scale, "A"));
  submit (fx, "CS102", grade_of (scale, "B"));
  finalize_quiet (fx);
  assert_gpa (fx, strcmp (scale, "PH") == 0 ? "1.50" : "3.50");
}

static void
test_br56_gpa_weighted (LedgerFixture *fx, gconstpointer scale)
{
  acad_f0_paid (fx);
  if (strcmp (scale, "LETTER") == 0)
    acad_letter_scale (fx);
  acad_subject (fx, "LAB4", 4, "MAJOR", NULL);
  acad_subject (fx, "PE2", 2, "MINOR", NULL);
  acad_section (fx, "2025-FIRST", "LAB4-A", "LAB4", 40, "THU", "08:00", "11:00");
  acad_section (fx, "2025-FIRST", "PE2-A", "PE2", 40, "FRI", "08:00", "10:00");
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"LAB4\"}");
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"PE2\"}");
  submit (fx, "LAB4", grade_of (scale, "A"));
  submit (fx, "PE2", grade_of (scale, "C"));
  finalize_quiet (fx);
  /* LETTER (4 × 4.00 + 2 × 2.00) / 6 = 3.333…; PH (4 × 1.00 + 2 × 3.00) / 6 = 1.666… */
  assert_gpa (fx, strcmp (scale, "PH") == 0 ? "1.67" : "3.33");
}

static void
test_br57_gpa_failed (LedgerFixture *fx, gconstpointer scale)
{
  fixture_165 (fx, scale);
  submit (fx, "CS101", grade_of (scale, "A"));
  submit (fx, "CS102", grade_of (scale, "F"));
  finalize_quiet (fx);
  assert_gpa (fx, strcmp (scale, "PH") == 0 ? "3.00" : "2.00");
}

/* LETTER counts INC as 0 points (the original); PH leaves INC out (D-G2). */
static void
test_br58_gpa_inc (LedgerFixture *fx, gconstpointer scale)
{
  fixture_165 (fx, scale);
  submit (fx, "CS101", grade_of (scale, "A"));
  submit (fx, "CS102", "INC");
  finalize_quiet (fx);
  assert_gpa (fx, strcmp (scale, "PH") == 0 ? "1.00" : "2.00");
}

/* The original showed 0.00; D-G2 says "N/A" when no units count. */
static void
test_br59_gpa_none (LedgerFixture *fx, gconstpointer scale)
{
  g_autoptr(JsonObject) r = NULL;

  fixture_165 (fx, scale);
  r = finalize (fx);
  g_assert_cmpint (acad_int (r, "finalized_count"), ==, 0);
  assert_gpa (fx, "N/A");
}

static void
test_br60_gpa_recalc (LedgerFixture *fx, gconstpointer scale)
{
  g_autoptr(JsonObject) r = NULL;

  fixture_165 (fx, scale);
  submit (fx, "CS101", grade_of (scale, "A"));
  finalize_quiet (fx);
  r = acad_ok (fx, "job.gpa_recalc", NULL, "{}");
  g_assert_cmpint (acad_int (r, "checked"), ==, 1);
  assert_gpa (fx, strcmp (scale, "PH") == 0 ? "1.00" : "4.00");
}

/* ---- §16.5 finalization (61–62) ------------------------------------------ */

static void
test_br61_finalize (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  fixture_165 (fx, "LETTER");
  submit (fx, "CS101", "A");
  r = finalize (fx);
  g_assert_cmpint (acad_int (r, "finalized_count"), >=, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE grade_status = 'FINALIZED'"),
                   ==, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'GRADE_FINALIZED'"
                                    " AND actor = 'registrar1'"), ==, 1);
}

static void
test_br62_statuses (LedgerFixture *fx, gconstpointer scale)
{
  fixture_165 (fx, scale);
  submit (fx, "CS101", grade_of (scale, "A"));
  submit (fx, "CS102", grade_of (scale, "F"));
  submit (fx, "CS103", "INC");
  finalize_quiet (fx);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take t JOIN subject s ON s.id ="
                                    " t.subject_id WHERE (s.code = 'CS101' AND t.status = 'PASSED')"
                                    " OR (s.code = 'CS102' AND t.status = 'FAILED')"
                                    " OR (s.code = 'CS103' AND t.status = 'INC'"
                                    " AND t.inc_start = '2025-06-02')"), ==, 3);
}

/* ---- §16.5 INC expiry and LOA (63–68), on either scale ------------------- */

/* CS101 (MAJOR) finalized INC on 2025-06-02. */
static void
inc_fixture (LedgerFixture *fx,
             const char    *scale)
{
  fixture_165 (fx, scale);
  submit (fx, "CS101", "INC");
  finalize_quiet (fx);
}

static JsonObject *
expiry_at (LedgerFixture *fx,
           int            day)
{
  g_autofree char *date = acad_date (F0_DAY, day);

  return acad_ok_at (fx, date, "job.inc_expiry", NULL, "{}");
}

static JsonObject *
only_entry (JsonObject *result,
            const char *list)
{
  JsonArray *a = json_object_get_array_member (result, list);

  g_assert_cmpuint (json_array_get_length (a), ==, 1);
  return json_array_get_object_element (a, 0);
}

static void
test_br63_major_expired (LedgerFixture *fx, gconstpointer scale)
{
  g_autoptr(JsonObject) r = NULL;
  JsonObject *e;

  inc_fixture (fx, scale);
  r = expiry_at (fx, 210);
  e = only_entry (r, "expired");
  g_assert_cmpstr (acad_str (e, "subject"), ==, "CS101");
  g_assert_cmpint (acad_int (e, "clock_days"), ==, 210);
  g_assert_cmpstr (acad_str (e, "grade"), ==, grade_of (scale, "F"));
}

static void
test_br64_minor_expired (LedgerFixture *fx, gconstpointer scale)
{
  g_autoptr(JsonObject) r = NULL;

  fixture_165 (fx, scale);
  acad_subject (fx, "CS104", 3, "MINOR", NULL);
  acad_section (fx, "2025-FIRST", "CS104-A", "CS104", 40, "THU", "08:00", "09:00");
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"CS104\"}");
  submit (fx, "CS104", "INC");
  finalize_quiet (fx);
  r = expiry_at (fx, 390);
  g_assert_cmpstr (acad_str (only_entry (r, "expired"), "subject"), ==, "CS104");
}

static void
test_br65_major_not_expired (LedgerFixture *fx, gconstpointer scale)
{
  g_autoptr(JsonObject) r = NULL;

  inc_fixture (fx, scale);
  r = expiry_at (fx, 150);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "expired")), ==, 0);
  g_assert_cmpint (acad_int (only_entry (r, "warned"), "days_left"), ==, 30);
}

static void
test_br66_major_failed (LedgerFixture *fx, gconstpointer scale)
{
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *grade = NULL;

  inc_fixture (fx, scale);
  r = expiry_at (fx, 210);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE status = 'FAILED'"), ==, 1);
  grade = acad_text (fx, "SELECT grade FROM take WHERE status = 'FAILED'");
  g_assert_cmpstr (grade, ==, grade_of (scale, "F"));
}

/* The original credited future LOA days at once (BR §7.3); the overlap
 * rule counts them as they pass: LOA [200, 230) pauses 30 days by day 230. */
static void
test_br67_loa_pauses_30 (LedgerFixture *fx, gconstpointer scale)
{
  g_autoptr(JsonObject) loa = NULL;
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *start = acad_date (F0_DAY, 200);
  g_autofree char *end = acad_date (F0_DAY, 230);

  inc_fixture (fx, scale);
  loa = acad_ok_at (fx, start, "loa.record", "registrar1",
                    "{" STUDENT ",\"start_date\":\"%s\",\"end_date\":\"%s\","
                    "\"reason\":\"Medical leave\"}", start, end);
  g_assert_cmpint (acad_int (loa, "days"), ==, 30);
  g_assert_cmpint (acad_int (loa, "inc_takes_affected"), ==, 1);
  g_assert_cmpstr (acad_str (loa, "status"), ==, "LOA");
  r = expiry_at (fx, 230);
  g_assert_cmpint (acad_int (only_entry (r, "expired"), "clock_days"), ==, 200);
}

/* Example 8 of ops.md: 200 days − 30 of LOA = 170, not expired. */
static void
test_br68_loa_170 (LedgerFixture *fx, gconstpointer scale)
{
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *start = acad_date (F0_DAY, 170);
  g_autofree char *end = acad_date (F0_DAY, 200);

  inc_fixture (fx, scale);
  acad_do_at (fx, end, "loa.record", "registrar1",
              "{" STUDENT ",\"start_date\":\"%s\",\"end_date\":\"%s\","
              "\"reason\":\"Medical leave\"}",
              start, end);
  r = expiry_at (fx, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "expired")), ==, 0);
  g_assert_cmpint (acad_int (only_entry (r, "warned"), "clock_days"), ==, 170);
}

/* ---- §16.5 overrides (69–71) --------------------------------------------- */

static void
test_br69_override (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *reason = NULL;

  fixture_165 (fx, "LETTER");
  submit (fx, "CS101", "B");
  finalize_quiet (fx);
  r = acad_ok (fx, "grade.override", "registrar1",
               "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"A\","
               "\"reason\":\"Score calculation error corrected\"}");
  g_assert_cmpstr (acad_str (r, "grade"), ==, "A");
  g_assert_cmpstr (acad_str (r, "previous"), ==, "B");
  g_assert_cmpstr (acad_str (r, "status"), ==, "PASSED");
  g_assert_cmpstr (acad_str (r, "gpa"), ==, "4.00");
  reason = acad_text (fx, "SELECT reason FROM grade_history WHERE old_grade = 'B'"
                          " AND new_grade = 'A'");
  g_assert_cmpstr (reason, ==, "Score calculation error corrected");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'GRADE_OVERRIDDEN'"
                                    " AND before_json LIKE '%%\"grade\":\"B\"%%'"
                                    " AND after_json LIKE '%%Score calculation%%'"), ==, 1);
}

static void
test_br70_override_empty_reason (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "LETTER");
  submit (fx, "CS101", "B");
  finalize_quiet (fx);
  test_apply_rejected (fx, "grade.override", "registrar1",
                       "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"A\","
                       "\"reason\":\"\"}",
                       "reason_required");
  test_apply_rejected (fx, "grade.override", "registrar1",
                       GRADE ("CS101", "A"),
                       "reason_required");
}

static void
test_br71_override_invalid (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "LETTER");
  submit (fx, "CS101", "B");
  finalize_quiet (fx);
  /* invalid_grade comes before reason_required (ops.md §2.4). */
  test_apply_rejected (fx, "grade.override", "registrar1",
                       GRADE ("CS101", "Z"),
                       "invalid_grade");
}

/* ---- §16.5 transcript (72–73) -------------------------------------------- */

static JsonObject *
transcript (LedgerFixture *fx)
{
  g_autoptr(GError) error = NULL;
  JsonObject *t = tala_ledger_transcript (fx->ledger, "2025-00001", &error);

  g_assert_no_error (error);
  return t;
}

static void
test_br72_transcript (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) t = NULL;
  JsonArray *semesters;
  JsonObject *first;

  fixture_165 (fx, "LETTER");
  submit (fx, "CS101", "A");
  submit (fx, "CS102", "A");
  submit (fx, "CS103", "A");
  finalize_quiet (fx);
  t = transcript (fx);
  g_assert_cmpstr (acad_str (t, "student"), ==, "2025-00001");
  semesters = json_object_get_array_member (t, "semesters");
  g_assert_cmpuint (json_array_get_length (semesters), ==, 1);
  first = json_array_get_object_element (semesters, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "subjects")), >=,
                    2);
  g_assert_cmpstr (acad_str (first, "semester_gpa"), ==, "4.00");
  g_assert_cmpstr (acad_str (t, "cumulative_gpa"), ==, "4.00");
  g_assert_cmpint (acad_int (t, "total_units"), ==, 9);
  g_assert_cmpstr (acad_str (t, "gpa_order"), ==, "higher_is_better");
}

static void
test_br73_transcript_semesters (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) t = NULL;
  JsonArray *semesters;

  acad_f0_paid (fx);
  acad_letter_scale (fx);
  acad_past_take (fx, "CS101", "B");
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"CS102\"}");
  t = transcript (fx);
  semesters = json_object_get_array_member (t, "semesters");
  g_assert_cmpuint (json_array_get_length (semesters), ==, 2);
  g_assert_cmpstr (acad_str (json_array_get_object_element (semesters, 0), "semester"), ==,
                   "2024-SECOND");
  g_assert_cmpstr (acad_str (json_array_get_object_element (semesters, 0), "semester_gpa"), ==,
                   "3.00");
  g_assert_cmpstr (acad_str (json_array_get_object_element (semesters, 1), "semester"), ==,
                   "2025-FIRST");
  g_assert_cmpstr (acad_str (json_array_get_object_element (semesters, 1), "semester_gpa"), ==,
                   "N/A");
}

/* ---- D-G1: scales as data ------------------------------------------------ */

static void
test_dg1_ph_default (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  test_apply_rejected (fx, "grade.submit", "prof1",
                       GRADE ("CS101", "A"), "invalid_grade");
  test_apply_rejected (fx, "grade.submit", "prof1",
                       GRADE ("CS101", "1.1"),
                       "invalid_grade");
  for (const char * const *g = (const char * const[]) { "1.00", "1.25", "1.50", "1.75", "2.00",
                                                        "2.25", "2.50", "2.75", "3.00", "5.00",
                                                        "INC", "DRP", NULL }; *g; g++)
    submit (fx, "CS101", *g);
}

static void
test_dg1_scales_are_data (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *ph = NULL;
  g_autofree char *letter = NULL;

  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM grade_scale_value WHERE scale = 'PH'"),
                   ==, 12);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM grade_scale_value"
                                    " WHERE scale = 'LETTER'"), ==, 12);
  ph = acad_text (fx, "SELECT value FROM grade_scale_value WHERE scale = 'PH' AND is_failing");
  letter = acad_text (fx, "SELECT value FROM grade_scale_value WHERE scale = 'LETTER'"
                          " AND is_failing");
  g_assert_cmpstr (ph, ==, "5.00");
  g_assert_cmpstr (letter, ==, "F");
  g_assert_cmpint (test_scalar (fx, "SELECT points FROM grade_scale_value WHERE scale = 'LETTER'"
                                    " AND value = 'B+'"), ==, 330);
  g_assert_cmpint (test_scalar (fx, "SELECT counts_in_gpa FROM grade_scale_value"
                                    " WHERE scale = 'PH' AND value = 'INC'"), ==, 0);
}

static void
test_dg1_scale_in_use (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  submit (fx, "CS101", "2.00");
  test_apply_rejected (fx, "config.set", "admin", "{\"key\":\"grade_scale\",\"value\":\"LETTER\"}",
                       "scale_in_use");
}

static void
test_dg1_drp_fails_outside_gpa (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  submit (fx, "CS101", "DRP");
  submit (fx, "CS102", "1.50");
  finalize_quiet (fx);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE grade = 'DRP'"
                                    " AND status = 'FAILED'"), ==, 1);
  assert_gpa (fx, "1.50");
}

/* ---- D-G2: GPA ------------------------------------------------------------ */

/* (1.25 + 1.00) / 2 = 1.125: half-up gives 1.13 (banker's would give 1.12). */
static void
test_dg2_half_up (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  submit (fx, "CS101", "1.25");
  submit (fx, "CS102", "1.00");
  finalize_quiet (fx);
  assert_gpa (fx, "1.13");
}

static void
test_dg2_credited_excluded (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "LETTER");
  acad_do (fx, "credit.transfer", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"CS201\",\"prior_institution\":\"Mapua\","
           "\"prior_subject_code\":\"IT 1\",\"prior_subject_name\":\"Basics\",\"grade\":\"F\"}");
  submit (fx, "CS101", "A");
  finalize_quiet (fx);
  assert_gpa (fx, "4.00");
  acad_do (fx, "credit.transfer", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"THS25\",\"prior_institution\":\"Mapua\","
           "\"prior_subject_code\":\"IT 2\",\"prior_subject_name\":\"Thesis\",\"units\":3,"
           "\"grade\":\"B\",\"count_in_gpa\":true}");
  assert_gpa (fx, "3.50");
}

static void
test_dg2_finalized_only (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  submit (fx, "CS101", "1.00");
  submit (fx, "CS102", "3.00");
  acad_do (fx, "grade.finalize", "registrar1", "{" SEM ",\"section\":\"CS101-A\"}");
  assert_gpa (fx, "1.00");
}

/* ---- D-G3: who submits, finalizes and overrides -------------------------- */

static void
test_dg3_professor_own_section (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  acad_do (fx, "user.put", "admin",
           "{\"username\":\"prof2\",\"role\":\"PROFESSOR\",\"first_name\":\"Ramon\","
           "\"last_name\":\"Bautista\"}");
  test_apply_rejected (fx, "grade.submit", "prof2",
                       GRADE ("CS101", "1.00"), "forbidden");
  acad_do (fx, "grade.submit", "prof1", GRADE ("CS101", "1.00"));
  test_apply_rejected (fx, "grade.submit", "cashier1",
                       GRADE ("CS102", "1.00"), "forbidden");
  test_apply_rejected (fx, "grade.submit", "2025-00001",
                       GRADE ("CS102", "1.00"), "forbidden");
}

static void
test_dg3_submit_rejections (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  test_apply_rejected (fx, "grade.submit", "prof1",
                       GRADE ("CS201", "1.00"),
                       "not_enrolled");
  test_apply_rejected (fx, "grade.submit", "prof1",
                       "{" STUDENT ",\"semester\":\"2031-FIRST\",\"subject\":\"CS101\","
                       "\"grade\":\"1.00\"}", "unknown_semester");
  acad_do (fx, "subject.drop", "registrar1", TAKE ("CS103"));
  test_apply_rejected (fx, "grade.submit", "prof1",
                       GRADE ("CS103", "1.00"),
                       "not_enrolled");
}

/* Example 6's finalization result, exactly (ops.md §4.2). */
static void
test_dg3_finalize_section (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *text = NULL;

  fixture_165 (fx, "PH");
  submit (fx, "CS101", "INC");
  submit (fx, "CS102", "2.00");
  r = acad_ok (fx, "grade.finalize", "registrar1", "{" SEM ",\"section\":\"CS101-A\"}");
  text = test_canonical (r);
  g_assert_cmpstr (text, ==, "{\"finalized_count\":1,\"gpa_updated\":[{\"gpa\":\"N/A\","
                   "\"student\":\"2025-00001\"}],\"inc_started\":1,\"pending_count\":0,"
                   "\"section\":\"CS101-A\",\"semester\":\"2025-FIRST\"}");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE grade_status = 'SUBMITTED'"),
                   ==, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM notification WHERE type = 'GRADE'"),
                   ==, 1);
}

static void
test_dg3_finalize_semester_counts_pending (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  fixture_165 (fx, "PH");
  submit (fx, "CS101", "1.75");
  r = finalize (fx);
  g_assert_cmpint (acad_int (r, "finalized_count"), ==, 1);
  g_assert_cmpint (acad_int (r, "pending_count"), ==, 2);
  g_assert_false (json_object_has_member (r, "section"));
}

static void
test_dg3_finalize_rejections (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  test_apply_rejected (fx, "grade.finalize", "prof1", "{" SEM "}", "forbidden");
  test_apply_rejected (fx, "grade.finalize", "registrar1", "{\"semester\":\"2031-FIRST\"}",
                       "unknown_semester");
  test_apply_rejected (fx, "grade.finalize", "registrar1", "{" SEM ",\"section\":\"NOPE-1\"}",
                       "unknown_section");
}

static void
test_dg3_history_true_old_values (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "LETTER");
  submit (fx, "CS101", "C");
  submit (fx, "CS101", "B");
  finalize_quiet (fx);
  acad_do (fx, "grade.override", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"A\",\"reason\":\"Recount\"}");
  acad_do (fx, "grade.override", "admin",
           "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"A-\",\"reason\":\"Appeal\"}");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM grade_history"), ==, 4);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM grade_history WHERE"
                                    " (old_grade IS NULL AND new_grade = 'C')"
                                    " OR (old_grade = 'C' AND new_grade = 'B')"
                                    " OR (old_grade = 'B' AND new_grade = 'A'"
                                    " AND reason = 'Recount')"
                                    " OR (old_grade = 'A' AND new_grade = 'A-'"
                                    " AND reason = 'Appeal' AND actor = 'admin')"), ==, 4);
}

static void
test_dg3_override_rejections (LedgerFixture *fx, gconstpointer d)
{
  fixture_165 (fx, "PH");
  submit (fx, "CS101", "2.00");
  test_apply_rejected (fx, "grade.override", "registrar1",
                       "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"1.00\","
                       "\"reason\":\"Early\"}", "grade_not_finalized");
  test_apply_rejected (fx, "grade.override", "prof1",
                       "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"1.00\","
                       "\"reason\":\"Mine\"}", "forbidden");
  test_apply_rejected (fx, "grade.override", "registrar1",
                       "{" STUDENT "," SEM ",\"subject\":\"CS201\",\"grade\":\"1.00\","
                       "\"reason\":\"None\"}", "not_enrolled");
}

static void
test_dg3_override_credit_stays (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  fixture_165 (fx, "PH");
  acad_do (fx, "credit.transfer", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"CS201\",\"prior_institution\":\"Mapua\","
           "\"prior_subject_code\":\"IT 1\",\"prior_subject_name\":\"Basics\",\"grade\":\"2.00\"}");
  r = acad_ok (fx, "grade.override", "registrar1",
               "{" STUDENT "," SEM ",\"subject\":\"CS201\",\"grade\":\"1.50\","
               "\"reason\":\"TOR re-evaluated\"}");
  g_assert_cmpstr (acad_str (r, "status"), ==, "CREDITED");
  g_assert_cmpstr (acad_str (r, "previous"), ==, "2.00");
}

/* ---- D-G4: the clock starts, stops and restarts -------------------------- */

static void
test_dg4_override_leaving_inc (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) job = NULL;

  inc_fixture (fx, "PH");
  r = acad_ok_at (fx, "2025-08-01", "grade.override", "registrar1",
                  "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"2.25\","
                  "\"reason\":\"Requirements completed\"}");
  g_assert_cmpstr (acad_str (r, "status"), ==, "PASSED");
  g_assert_cmpstr (acad_str (r, "gpa"), ==, "2.25");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE inc_start IS NULL"
                                    " AND status = 'PASSED'"), ==, 1);
  job = expiry_at (fx, 400);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (job, "expired")), ==, 0);
}

static void
test_dg4_override_entering_inc (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) job = NULL;

  fixture_165 (fx, "PH");
  submit (fx, "CS101", "2.00");
  finalize_quiet (fx);
  r = acad_ok_at (fx, "2025-07-02", "grade.override", "registrar1",
                  "{" STUDENT "," SEM ",\"subject\":\"CS101\",\"grade\":\"INC\","
                  "\"reason\":\"Missing final project discovered\"}");
  g_assert_cmpstr (acad_str (r, "status"), ==, "INC");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take WHERE inc_start = '2025-07-02'"),
                   ==, 1);
  job = expiry_at (fx, 209);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (job, "expired")), ==, 0);
}

/* ---- D-G5: LOA periods --------------------------------------------------- */

#define LOA(start, end) \
  "{" STUDENT ",\"start_date\":\"" start "\",\"end_date\":\"" end "\",\"reason\":\"Leave\"}"

static void
test_dg5_status_during_period (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) u = NULL;

  test_load_f0 (fx);
  r = acad_ok (fx, "loa.record", "registrar1", LOA ("2025-06-01", "2025-07-01"));
  g_assert_cmpstr (acad_str (r, "status"), ==, "LOA");
  g_assert_cmpint (acad_int (r, "days"), ==, 30);
  g_assert_cmpint (acad_int (r, "inc_takes_affected"), ==, 0);
  g_assert_cmpstr (acad_str (r, "loa_id"), ==, "00000000-0000-4000-8000-000000900001");
  u = acad_ok_at (fx, "2025-07-01", "student.update", "registrar1",
                  "{" STUDENT ",\"phone_number\":\"09171234567\"}");
  g_assert_cmpstr (acad_str (u, "status"), ==, "ACTIVE");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'LOA_RECORDED'"),
                   ==, 1);
}

static void
test_dg5_open_then_close (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) open = NULL;
  g_autoptr(JsonObject) closed = NULL;

  test_load_f0 (fx);
  open = acad_ok (fx, "loa.record", "registrar1",
                  "{" STUDENT ",\"start_date\":\"2025-06-02\",\"reason\":\"Medical leave\"}");
  g_assert_false (json_object_has_member (open, "end_date"));
  g_assert_false (json_object_has_member (open, "days"));
  closed = acad_ok_at (fx, "2025-08-01", "loa.record", "registrar1",
                       "{" STUDENT ",\"start_date\":\"2025-06-02\",\"end_date\":\"2025-08-01\","
                       "\"reason\":\"Back from leave\",\"loa\":\"%s\"}", acad_str (open, "loa_id"));
  g_assert_cmpstr (acad_str (closed, "loa_id"), ==, acad_str (open, "loa_id"));
  g_assert_cmpint (acad_int (closed, "days"), ==, 60);
  g_assert_cmpstr (acad_str (closed, "status"), ==, "ACTIVE");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM loa WHERE end_date = '2025-08-01'"),
                   ==, 1);
  json_object_unref (acad_rej (fx, "loa.record", "registrar1", "loa_closed",
                               "{" STUDENT ",\"start_date\":\"2025-06-02\","
                               "\"end_date\":\"2025-09-01\",\"reason\":\"Again\","
                               "\"loa\":\"%s\"}", acad_str (open, "loa_id")));
}

static void
test_dg5_rejections (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) open = NULL;
  g_autofree char *wrong_start = NULL;

  test_load_f0 (fx);
  test_apply_rejected (fx, "loa.record", "registrar1", LOA ("2025-07-01", "2025-07-01"),
                       "invalid_period");
  test_apply_rejected (fx, "loa.record", "registrar1",
                       "{" STUDENT ",\"start_date\":\"2025-06-01\"}", "reason_required");
  test_apply_rejected (fx, "loa.record", "registrar1",
                       "{\"student\":\"2025-09999\",\"start_date\":\"2025-06-01\","
                       "\"reason\":\"x\"}",
                       "unknown_student");
  open = acad_ok (fx, "loa.record", "registrar1",
                  "{" STUDENT ",\"start_date\":\"2025-06-10\",\"reason\":\"Leave\"}");
  test_apply_rejected (fx, "loa.record", "registrar1", LOA ("2025-05-01", "2025-06-11"),
                       "loa_overlap");
  test_apply_rejected (fx, "loa.record", "registrar1", LOA ("2026-01-01", "2026-02-01"),
                       "loa_overlap");
  acad_do (fx, "loa.record", "registrar1", LOA ("2025-05-01", "2025-06-10"));
  wrong_start = g_strdup_printf ("{" STUDENT ",\"start_date\":\"2025-06-11\","
                                 "\"end_date\":\"2025-07-01\",\"reason\":\"Back\",\"loa\":\"%s\"}",
                                 acad_str (open, "loa_id"));
  test_apply_rejected (fx, "loa.record", "registrar1", wrong_start, "invalid_period");
  test_apply_rejected (fx, "loa.record", "cashier1", LOA ("2027-01-01", "2027-02-01"), "forbidden");
}

/* An LOA id the hub has never seen defers the op, like a payment id;
 * one whose creating op was rejected is unknown_loa. */
static void
test_dg5_unknown_loa_deferred (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) deferred = NULL;
  g_autoptr(JsonObject) rejected = NULL;
  const char *unseen = "00000000-0000-4000-8000-00000000abcd";

  test_load_f0 (fx);
  deferred = test_apply_json (fx, "{\"op_id\":\"00000000-0000-4000-8000-00000000f001\","
                                  "\"kind\":\"loa.record\",\"actor\":\"registrar1\",\"args\":{"
                                  STUDENT ",\"start_date\":\"2025-06-02\",\"end_date\":"
                                  "\"2025-07-01\",\"reason\":\"Back\","
                                  "\"loa\":\"00000000-0000-4000-8000-00000000abcd\"}}");
  acad_expect_status (deferred, "deferred", "unknown_reference");
  g_assert_cmpstr (acad_str (json_object_get_object_member (json_object_get_object_member (
                               deferred, "error"), "details"), "waiting_for"), ==, unseen);
  /* The creating op arrives and is rejected: now the close is final. */
  rejected = test_apply_json (fx, "{\"op_id\":\"00000000-0000-4000-8000-00000000abcd\","
                                  "\"kind\":\"loa.record\",\"actor\":\"registrar1\",\"args\":{"
                                  STUDENT ",\"start_date\":\"2025-06-02\"}}");
  acad_expect_status (rejected, "rejected", "reason_required");
  json_object_unref (test_apply_json (fx, "{\"op_id\":\"00000000-0000-4000-8000-00000000f002\","
                                          "\"kind\":\"loa.record\",\"actor\":\"registrar1\","
                                          "\"args\":{" STUDENT ",\"start_date\":\"2025-06-02\","
                                          "\"end_date\":\"2025-07-01\",\"reason\":\"Back\","
                                          "\"loa\":\"00000000-0000-4000-8000-00000000abcd\"}}"));
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM applied_op WHERE op_id ="
                                    " '00000000-0000-4000-8000-00000000f002'"
                                    " AND result_json LIKE '%unknown_loa%'"), ==, 1);
}

/* ---- student.update ------------------------------------------------------ */

static void
test_update_fields (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) none = NULL;
  g_autoptr(JsonObject) cleared = NULL;
  JsonArray *changed;

  test_load_f0 (fx);
  r = acad_ok (fx, "student.update", "registrar1",
               "{" STUDENT ",\"last_name\":\"Dela Cruz-Santos\",\"phone_number\":\"09171234567\","
               "\"reason\":\"Marriage\"}");
  changed = json_object_get_array_member (r, "changed");
  g_assert_cmpuint (json_array_get_length (changed), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (changed, 0), ==, "last_name");
  g_assert_cmpstr (json_array_get_string_element (changed, 1), ==, "phone_number");
  none = acad_ok (fx, "student.update", "registrar1",
                  "{" STUDENT ",\"phone_number\":\"09171234567\"}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (none, "changed")), ==, 0);
  cleared = acad_ok (fx, "student.update", "registrar1", "{" STUDENT ",\"email\":\"\"}");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (cleared, "changed"),
                                                  0), ==, "email");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM user WHERE username = '2025-00001'"
                                    " AND email IS NULL AND last_name = 'Dela Cruz-Santos'"),
                   ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'USER_UPDATED'"),
                   ==, 2);
}

static void
test_update_status (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  test_apply_rejected (fx, "student.update", "registrar1", "{" STUDENT ",\"status\":\"LOA\"}",
                       "invalid_status");
  test_apply_rejected (fx, "student.update", "registrar1", "{" STUDENT ",\"status\":\"GRADUATED\"}",
                       "reason_required");
  test_apply_rejected (fx, "student.update", "registrar1",
                       "{" STUDENT ",\"program\":\"NOPE\",\"reason\":\"Shift\"}",
                       "unknown_program");
  r = acad_ok (fx, "student.update", "registrar1",
               "{" STUDENT ",\"status\":\"GRADUATED\",\"reason\":\"Completed the program\"}");
  g_assert_cmpstr (acad_str (r, "status"), ==, "GRADUATED");
  test_apply_rejected (fx, "student.update", "cashier1", "{" STUDENT ",\"phone_number\":\"1\"}",
                       "forbidden");
}

static void
test_update_duplicate_email (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  acad_do (fx, "student.register", "registrar1",
           "{\"first_name\":\"Pedro\",\"last_name\":\"Penduko\",\"program\":\"BSCS\"}");
  test_apply_rejected (fx, "student.update", "registrar1",
                       "{\"student\":\"2025-00002\",\"email\":\"JUAN@example.edu\"}",
                       "duplicate_email");
  test_apply_rejected (fx, "student.update", "registrar1",
                       "{\"student\":\"2025-00002\",\"email\":\" x\"}", "invalid_args");
}

static void
test_rebuild_after_grades (LedgerFixture *fx, gconstpointer d)
{
  inc_fixture (fx, "PH");
  submit (fx, "CS102", "1.75");
  acad_do (fx, "grade.finalize", "registrar1", "{" SEM ",\"section\":\"CS102-A\"}");
  acad_do (fx, "grade.override", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"CS102\",\"grade\":\"1.50\",\"reason\":\"Recount\"}");
  acad_do_at (fx, "2025-12-19", "loa.record", "registrar1", LOA ("2025-11-19", "2025-12-19"));
  json_object_unref (expiry_at (fx, 210));
  acad_do_at (fx, "2025-12-29", "student.update", "registrar1",
              "{" STUDENT ",\"status\":\"WITHDRAWN\",\"reason\":\"Moved\"}");
  acad_assert_rebuild (fx);
}

#define ADD(path, func) \
  g_test_add ("/ledger/grades/" path, LedgerFixture, NULL, ledger_fixture_setup, func, \
              ledger_fixture_teardown)
#define ADD_SCALE(path, func) \
  G_STMT_START { \
    g_test_add ("/ledger/grades/" path, LedgerFixture, "LETTER", ledger_fixture_setup, func, \
                ledger_fixture_teardown); \
    g_test_add ("/ledger/grades/ph/" path, LedgerFixture, "PH", ledger_fixture_setup, func, \
                ledger_fixture_teardown); \
  } G_STMT_END

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ADD ("br50-submit-with-comment", test_br50_submit);
  ADD ("br51-resubmit-same-take", test_br51_resubmit);
  ADD ("br52-invalid-grade", test_br52_invalid_grade);
  ADD ("br53-submit-after-finalize", test_br53_finalized);
  ADD_SCALE ("br54-gpa-one-subject", test_br54_gpa_one);
  ADD_SCALE ("br55-gpa-two-subjects", test_br55_gpa_two);
  ADD_SCALE ("br56-gpa-unit-weighted", test_br56_gpa_weighted);
  ADD_SCALE ("br57-gpa-with-failure", test_br57_gpa_failed);
  ADD_SCALE ("br58-gpa-with-inc", test_br58_gpa_inc);
  ADD_SCALE ("br59-gpa-none", test_br59_gpa_none);
  ADD_SCALE ("br60-gpa-recalc-stored", test_br60_gpa_recalc);
  ADD ("br61-finalize-by-registrar", test_br61_finalize);
  ADD_SCALE ("br62-passed-failed-inc", test_br62_statuses);
  ADD_SCALE ("br63-major-inc-expired-at-210", test_br63_major_expired);
  ADD_SCALE ("br64-minor-inc-expired-at-390", test_br64_minor_expired);
  ADD_SCALE ("br65-major-inc-not-expired-at-150", test_br65_major_not_expired);
  ADD_SCALE ("br66-expired-inc-failed", test_br66_major_failed);
  ADD_SCALE ("br67-loa-pauses-30-days", test_br67_loa_pauses_30);
  ADD_SCALE ("br68-loa-overlap-170-not-expired", test_br68_loa_170);
  ADD ("br69-override-with-reason", test_br69_override);
  ADD ("br70-override-empty-reason", test_br70_override_empty_reason);
  ADD ("br71-override-invalid-grade", test_br71_override_invalid);
  ADD ("br72-transcript", test_br72_transcript);
  ADD ("br73-transcript-two-semesters", test_br73_transcript_semesters);

  ADD ("d-g1-ph-default", test_dg1_ph_default);
  ADD ("d-g1-scales-are-data", test_dg1_scales_are_data);
  ADD ("d-g1-scale-in-use", test_dg1_scale_in_use);
  ADD ("d-g1-drp-fails-outside-gpa", test_dg1_drp_fails_outside_gpa);
  ADD ("d-g2-half-up", test_dg2_half_up);
  ADD ("d-g2-credited-excluded", test_dg2_credited_excluded);
  ADD ("d-g2-finalized-only", test_dg2_finalized_only);
  ADD ("d-g3-professor-own-section", test_dg3_professor_own_section);
  ADD ("d-g3-submit-rejections", test_dg3_submit_rejections);
  ADD ("d-g3-finalize-section", test_dg3_finalize_section);
  ADD ("d-g3-finalize-semester-counts-pending", test_dg3_finalize_semester_counts_pending);
  ADD ("d-g3-finalize-rejections", test_dg3_finalize_rejections);
  ADD ("d-g3-history-true-old-values", test_dg3_history_true_old_values);
  ADD ("d-g3-override-rejections", test_dg3_override_rejections);
  ADD ("d-g3-override-credit-stays-credited", test_dg3_override_credit_stays);
  ADD ("d-g4-override-leaving-inc-stops-clock", test_dg4_override_leaving_inc);
  ADD ("d-g4-override-entering-inc-starts-clock", test_dg4_override_entering_inc);
  ADD ("d-g5-status-during-period", test_dg5_status_during_period);
  ADD ("d-g5-open-then-close", test_dg5_open_then_close);
  ADD ("d-g5-rejections", test_dg5_rejections);
  ADD ("d-g5-unknown-loa-deferred", test_dg5_unknown_loa_deferred);
  ADD ("student-update-fields", test_update_fields);
  ADD ("student-update-status", test_update_status);
  ADD ("student-update-duplicate-email", test_update_duplicate_email);
  ADD ("rebuild-after-grades", test_rebuild_after_grades);

  return g_test_run ();
}
