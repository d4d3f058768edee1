/* test-jobs.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The jobs as ops (ops.md §2.6): examples 7 and 8 byte for byte, the INC
 * clock's thresholds (D-G4) and LOA pauses (D-G5), idempotency, per-item
 * errors, the permit sweep, the GPA batch, payment reminders, the archive
 * count, and `tala-hub jobs run`.
 */

#include "config.h"

#include "academics.h"

/* Example 6 of ops.md up to the finalization: CS101 INC since 2025-06-02. */
static const char * const example6[] = {
  "{\"op_id\":\"00000000-0000-4000-8000-000000000601\",\"kind\":\"payment.record\",\"actor\":"
  "\"cashier1\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"10000.00\",\"method\":\"CASH\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000602\",\"kind\":\"subject.enroll\",\"actor\":"
  "\"registrar1\",\"args\":{\"student\":\"2025-00001\",\"semester\":\"2025-FIRST\",\"subject\":"
  "\"CS101\",\"section\":\"CS101-A\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000603\",\"kind\":\"grade.submit\",\"actor\":"
  "\"prof1\",\"args\":{\"student\":\"2025-00001\",\"semester\":\"2025-FIRST\",\"subject\":"
  "\"CS101\",\"grade\":\"INC\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000604\",\"kind\":\"grade.finalize\",\"actor\":"
  "\"registrar1\",\"args\":{\"semester\":\"2025-FIRST\",\"section\":\"CS101-A\"}}",
};

static void
load_example6 (LedgerFixture *fx)
{
  test_load_f0 (fx);
  for (guint i = 0; i < G_N_ELEMENTS (example6); i++)
    {
      g_autoptr(JsonObject) r = test_apply_json (fx, example6[i]);

      acad_expect_status (r, "applied", NULL);
    }
}

static void
expect_line (LedgerFixture *fx,
             const char    *op,
             const char    *want)
{
  g_autoptr(JsonObject) r = test_apply_json (fx, op);
  g_autofree char *have = test_canonical (r);

  g_assert_cmpstr (have, ==, want);
}

static void
test_example7 (LedgerFixture *fx, gconstpointer d)
{
  load_example6 (fx);
  expect_line (fx,
    "{\"op_id\":\"00000000-0000-4000-8000-000000000701\",\"kind\":\"job.inc_expiry\","
    "\"actor\":null,"
    "\"hub_time\":\"2025-10-30T01:00:00Z\",\"args\":{}}",
    "{\"applied_at\":\"2025-10-30T01:00:00Z\",\"hub_seq\":23,\"op_id\":\"00000000-0000-4000-8000-"
    "000000000701\",\"result\":{\"errors\":[],\"expired\":[],\"gpa_updated\":[],\"warned\":[{"
    "\"clock_days\":150,\"days_left\":30,\"semester\":\"2025-FIRST\",\"student\":\"2025-00001\","
    "\"subject\":\"CS101\"}]},\"status\":\"applied\"}");
  expect_line (fx,
    "{\"op_id\":\"00000000-0000-4000-8000-000000000702\",\"kind\":\"job.inc_expiry\","
    "\"actor\":null,"
    "\"hub_time\":\"2025-12-29T01:00:00Z\",\"args\":{}}",
    "{\"applied_at\":\"2025-12-29T01:00:00Z\",\"hub_seq\":24,\"op_id\":\"00000000-0000-4000-8000-"
    "000000000702\",\"result\":{\"errors\":[],\"expired\":[{\"clock_days\":210,\"grade\":\"5.00\","
    "\"semester\":\"2025-FIRST\",\"student\":\"2025-00001\",\"subject\":\"CS101\"}],"
    "\"gpa_updated\":"
    "[{\"gpa\":\"5.00\",\"student\":\"2025-00001\"}],\"warned\":[]},\"status\":\"applied\"}");
  acad_assert_rebuild (fx);
}

static void
test_example8 (LedgerFixture *fx, gconstpointer d)
{
  load_example6 (fx);
  expect_line (fx,
    "{\"op_id\":\"00000000-0000-4000-8000-000000000801\",\"kind\":\"loa.record\",\"actor\":"
    "\"registrar1\",\"hub_time\":\"2025-12-19T01:00:00Z\",\"args\":{\"student\":\"2025-00001\","
    "\"start_date\":\"2025-11-19\",\"end_date\":\"2025-12-19\",\"reason\":\"Medical leave\"}}",
    "{\"applied_at\":\"2025-12-19T01:00:00Z\",\"hub_seq\":23,\"op_id\":\"00000000-0000-4000-8000-"
    "000000000801\",\"result\":{\"days\":30,\"end_date\":\"2025-12-19\",\"inc_takes_affected\":1,"
    "\"loa_id\":\"00000000-0000-4000-8000-000000000801\",\"start_date\":\"2025-11-19\",\"status\":"
    "\"ACTIVE\",\"student\":\"2025-00001\"},\"status\":\"applied\"}");
  expect_line (fx,
    "{\"op_id\":\"00000000-0000-4000-8000-000000000802\",\"kind\":\"job.inc_expiry\","
    "\"actor\":null,"
    "\"args\":{}}",
    "{\"applied_at\":\"2025-12-19T01:00:00Z\",\"hub_seq\":24,\"op_id\":\"00000000-0000-4000-8000-"
    "000000000802\",\"result\":{\"errors\":[],\"expired\":[],\"gpa_updated\":[],\"warned\":[{"
    "\"clock_days\":170,\"days_left\":10,\"semester\":\"2025-FIRST\",\"student\":\"2025-00001\","
    "\"subject\":\"CS101\"}]},\"status\":\"applied\"}");
  expect_line (fx,
    "{\"op_id\":\"00000000-0000-4000-8000-000000000803\",\"kind\":\"job.inc_expiry\","
    "\"actor\":null,"
    "\"hub_time\":\"2025-12-29T01:00:00Z\",\"args\":{}}",
    "{\"applied_at\":\"2025-12-29T01:00:00Z\",\"hub_seq\":25,\"op_id\":\"00000000-0000-4000-8000-"
    "000000000803\",\"result\":{\"errors\":[],\"expired\":[{\"clock_days\":180,\"grade\":\"5.00\","
    "\"semester\":\"2025-FIRST\",\"student\":\"2025-00001\",\"subject\":\"CS101\"}],"
    "\"gpa_updated\":"
    "[{\"gpa\":\"5.00\",\"student\":\"2025-00001\"}],\"warned\":[]},\"status\":\"applied\"}");
  acad_assert_rebuild (fx);
}

/* ---- The INC clock (D-G4) ------------------------------------------------ */

static JsonObject *
expiry_at (LedgerFixture *fx,
           int            day)
{
  g_autofree char *date = acad_date (F0_DAY, day);

  return acad_ok_at (fx, date, "job.inc_expiry", NULL, "{}");
}

static guint
count (JsonObject *result,
       const char *list)
{
  return json_array_get_length (json_object_get_array_member (result, list));
}

/* An INC of @subject (added with @type when not in F0) finalized today. */
static void
inc_of (LedgerFixture *fx,
        const char    *subject,
        const char    *type)
{
  if (type != NULL)
    {
      g_autofree char *section = g_strdup_printf ("%s-A", subject);

      acad_subject (fx, subject, 3, type, NULL);
      acad_section (fx, "2025-FIRST", section, subject, 40, "SUN", "08:00", "09:00");
    }
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"%s\"}", subject);
  acad_do (fx, "grade.submit", "registrar1",
           "{" STUDENT "," SEM ",\"subject\":\"%s\",\"grade\":\"INC\"}", subject);
  acad_do (fx, "grade.finalize", "registrar1", "{" SEM "}");
}

static void
test_major_180_not_179 (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) at179 = NULL;
  g_autoptr(JsonObject) at180 = NULL;

  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  at179 = expiry_at (fx, 179);
  g_assert_cmpuint (count (at179, "expired"), ==, 0);
  at180 = expiry_at (fx, 180);
  g_assert_cmpuint (count (at180, "expired"), ==, 1);
  g_assert_cmpint (acad_int (json_array_get_object_element (
                     json_object_get_array_member (at180, "expired"), 0), "clock_days"), ==, 180);
}

static void
test_minor_365_not_364 (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) at364 = NULL;
  g_autoptr(JsonObject) at365 = NULL;

  acad_f0_paid (fx);
  inc_of (fx, "GE101", "MINOR");
  at364 = expiry_at (fx, 364);
  g_assert_cmpuint (count (at364, "expired"), ==, 0);
  at365 = expiry_at (fx, 365);
  g_assert_cmpuint (count (at365, "expired"), ==, 1);
}

static void
test_elective_365 (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) at300 = NULL;
  g_autoptr(JsonObject) at365 = NULL;

  acad_f0_paid (fx);
  inc_of (fx, "EL101", "ELECTIVE");
  at300 = expiry_at (fx, 300);
  g_assert_cmpuint (count (at300, "expired"), ==, 0);
  at365 = expiry_at (fx, 365);
  g_assert_cmpuint (count (at365, "expired"), ==, 1);
}

static void
test_thresholds_are_config (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "config.set", "admin", "{\"key\":\"inc_expiry_major_days\",\"value\":90}");
  acad_do (fx, "config.set", "admin", "{\"key\":\"inc_warning_days\",\"value\":0}");
  inc_of (fx, "CS101", NULL);
  r = expiry_at (fx, 90);
  g_assert_cmpuint (count (r, "expired"), ==, 1);
}

static void
test_warned_once (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) early = NULL;

  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  early = expiry_at (fx, 149);
  g_assert_cmpuint (count (early, "warned"), ==, 0);
  first = expiry_at (fx, 150);
  g_assert_cmpuint (count (first, "warned"), ==, 1);
  second = expiry_at (fx, 160);
  g_assert_cmpuint (count (second, "warned"), ==, 0);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM notification WHERE type = 'INC_WARNING'"),
                   ==, 1);
}

static void
test_expiry_audited_and_notified (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  json_object_unref (expiry_at (fx, 200));
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'INC_EXPIRED'"
                                    " AND actor IS NULL"
                                    " AND after_json LIKE '%%\"clock_days\":200%%'"),
                   ==, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM notification WHERE type = 'INC_EXPIRY'"),
                   ==, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM grade_history WHERE old_grade = 'INC'"
                                    " AND new_grade = '5.00' AND actor IS NULL"), ==, 1);
}

/* An admin may run a job through the admin API (actor admin): the history
 * still says SYSTEM. */
static void
test_admin_runs_job (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *date = acad_date (F0_DAY, 200);

  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  json_object_unref (acad_rej_at (fx, date, "job.inc_expiry", "registrar1", "forbidden", "{}"));
  acad_do_at (fx, date, "job.inc_expiry", "admin", "{}");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM grade_history WHERE actor IS NULL"
                                    " AND new_grade = '5.00'"), ==, 1);
}

static void
test_job_one_student (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *date = acad_date (F0_DAY, 200);
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) mine = NULL;

  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  acad_do (fx, "student.register", "registrar1",
           "{\"first_name\":\"Pedro\",\"last_name\":\"Penduko\",\"program\":\"BSCS\"}");
  other = acad_ok_at (fx, date, "job.inc_expiry", NULL, "{\"student\":\"2025-00002\"}");
  g_assert_cmpuint (count (other, "expired"), ==, 0);
  mine = acad_ok_at (fx, date, "job.inc_expiry", NULL, "{\"student\":\"2025-00001\"}");
  g_assert_cmpuint (count (mine, "expired"), ==, 1);
}

/* ---- LOA and the clock (D-G5) -------------------------------------------- */

/* Recorded at day 190 for days [10, 40): the clock says 160, not 190. */
static void
test_loa_recorded_late (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *start = acad_date (F0_DAY, 10);
  g_autofree char *end = acad_date (F0_DAY, 40);
  g_autofree char *late = acad_date (F0_DAY, 190);
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  acad_do_at (fx, late, "loa.record", "registrar1",
              "{" STUDENT ",\"start_date\":\"%s\",\"end_date\":\"%s\",\"reason\":\"Medical\"}",
              start, end);
  r = expiry_at (fx, 190);
  g_assert_cmpuint (count (r, "expired"), ==, 0);
  g_assert_cmpint (acad_int (json_array_get_object_element (
                     json_object_get_array_member (r, "warned"), 0), "clock_days"), ==, 160);
}

/* An LOA before the INC started does not pause it; an open one does until
 * it is closed. */
static void
test_loa_overlap_only (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *open_start = acad_date (F0_DAY, 100);
  g_autoptr(JsonObject) r = NULL;

  acad_f0_paid (fx);
  acad_do (fx, "loa.record", "registrar1",
           "{" STUDENT ",\"start_date\":\"2025-05-01\",\"end_date\":\"2025-06-01\","
           "\"reason\":\"Before\"}");
  inc_of (fx, "CS101", NULL);
  acad_do_at (fx, open_start, "loa.record", "registrar1",
              "{" STUDENT ",\"start_date\":\"%s\",\"reason\":\"Open leave\"}", open_start);
  r = expiry_at (fx, 300);
  g_assert_cmpuint (count (r, "expired"), ==, 0);
  g_assert_cmpuint (count (r, "warned"), ==, 0);
}

/* ---- Idempotency and per-item errors ------------------------------------- */

static gint64
rows_changed_by_last_op (LedgerFixture *fx)
{
  static const char * const tables[] = {
    "take", "student", "notification", "grade_history", "permit", "archive_mark",
  };
  gint64 seq = tala_ledger_get_hub_seq (fx->ledger), n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    n += acad_scalar (fx, "SELECT count(*) FROM %s WHERE hub_seq = %" G_GINT64_FORMAT, tables[i],
                      seq);
  return n;
}

static void
test_inc_expiry_idempotent (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) second = NULL;

  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  json_object_unref (expiry_at (fx, 200));
  g_assert_cmpint (rows_changed_by_last_op (fx), >, 0);
  second = expiry_at (fx, 200);
  g_assert_cmpuint (count (second, "expired") + count (second, "warned") +
                    count (second, "gpa_updated"), ==, 0);
  g_assert_cmpint (rows_changed_by_last_op (fx), ==, 0);
}

static void
test_inc_expiry_item_error (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  JsonObject *e;

  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  inc_of (fx, "CS102", NULL);
  acad_tamper (fx, "UPDATE take SET inc_start = '2025-02-30' WHERE subject_id ="
                   " (SELECT id FROM subject WHERE code = 'CS101')");
  r = expiry_at (fx, 200);
  g_assert_cmpuint (count (r, "errors"), ==, 1);
  e = json_array_get_object_element (json_object_get_array_member (r, "errors"), 0);
  g_assert_cmpstr (acad_str (e, "item"), ==, "2025-00001/2025-FIRST/CS101");
  g_assert_cmpstr (acad_str (e, "code"), ==, "invalid_data");
  g_assert_cmpuint (count (r, "expired"), ==, 1);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'INC_EXPIRY_ERROR'"
                                    " AND target_id = '2025-00001/2025-FIRST/CS101'"), ==, 1);
}

/* ---- job.permit_sweep ---------------------------------------------------- */

static void
test_permit_sweep (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) ended = NULL;
  g_autoptr(JsonObject) again = NULL;
  JsonObject *u;

  acad_f0_paid (fx);
  /* A permit missed by its payment (planted): the sweep unlocks it. */
  acad_tamper (fx, "UPDATE permit SET status = 'LOCKED', code = NULL, code_date = NULL,"
                   " code_seq = NULL, unlocked_at = NULL, unlocked_by = NULL, expires = NULL"
                   " WHERE period = 'PRELIM'");
  first = acad_ok_at (fx, "2025-06-03", "job.permit_sweep", NULL, "{}");
  g_assert_cmpuint (count (first, "unlocked"), ==, 1);
  u = json_array_get_object_element (json_object_get_array_member (first, "unlocked"), 0);
  g_assert_cmpstr (acad_str (u, "period"), ==, "PRELIM");
  g_assert_cmpstr (acad_str (u, "code"), ==, "EXP-20250603-00001");
  g_assert_cmpint (acad_int (first, "expired"), ==, 0);
  second = acad_ok_at (fx, "2025-06-03", "job.permit_sweep", NULL, "{}");
  g_assert_cmpuint (count (second, "unlocked"), ==, 0);
  g_assert_cmpint (rows_changed_by_last_op (fx), ==, 0);
  ended = acad_ok_at (fx, "2025-11-01", "job.permit_sweep", NULL, "{}");
  g_assert_cmpint (acad_int (ended, "expired"), ==, 4);
  again = acad_ok_at (fx, "2025-11-01", "job.permit_sweep", NULL, "{}");
  g_assert_cmpint (acad_int (again, "expired"), ==, 0);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM permit WHERE status = 'EXPIRED'"), ==, 4);
}

/* ---- job.gpa_recalc ------------------------------------------------------ */

static void
test_gpa_recalc (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) bad = NULL;
  JsonObject *e;

  acad_f0_paid (fx);
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"CS101\"}");
  acad_do (fx, "grade.submit", "prof1", GRADE ("CS101", "1.50"));
  acad_do (fx, "grade.finalize", "registrar1", "{" SEM "}");
  acad_tamper (fx, "UPDATE student SET gpa = '9.99'");
  first = acad_ok (fx, "job.gpa_recalc", NULL, "{}");
  g_assert_cmpint (acad_int (first, "checked"), ==, 1);
  g_assert_cmpint (acad_int (first, "updated"), ==, 1);
  second = acad_ok (fx, "job.gpa_recalc", NULL, "{}");
  g_assert_cmpint (acad_int (second, "updated"), ==, 0);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit"
                                    " WHERE action = 'BATCH_GPA_RECALCULATION'"), ==, 2);
  acad_tamper (fx, "UPDATE take SET grade = 'Z'");
  bad = acad_ok (fx, "job.gpa_recalc", NULL, "{}");
  e = json_array_get_object_element (json_object_get_array_member (bad, "errors"), 0);
  g_assert_cmpstr (acad_str (e, "item"), ==, "2025-00001");
  g_assert_cmpstr (acad_str (e, "code"), ==, "invalid_grade");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit"
                                    " WHERE action = 'GPA_RECALCULATION_ERROR'"), ==, 1);
}

/* ---- job.payment_reminders ----------------------------------------------- */

static void
test_payment_reminders (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) next_month = NULL;
  g_autoptr(JsonObject) paid = NULL;

  acad_f0_paid (fx);
  first = acad_ok_at (fx, "2025-06-25", "job.payment_reminders", NULL, "{}");
  g_assert_cmpint (acad_int (first, "reminded"), ==, 1);
  second = acad_ok_at (fx, "2025-06-30", "job.payment_reminders", NULL, "{}");
  g_assert_cmpint (acad_int (second, "reminded"), ==, 0);
  g_assert_cmpint (acad_int (second, "skipped"), ==, 1);
  g_assert_cmpint (rows_changed_by_last_op (fx), ==, 0);
  next_month = acad_ok_at (fx, "2025-07-25", "job.payment_reminders", NULL, "{}");
  g_assert_cmpint (acad_int (next_month, "reminded"), ==, 1);
  acad_do (fx, "payment.record", "cashier1",
           "{" STUDENT ",\"amount\":\"50000.00\",\"method\":\"CASH\"}");
  paid = acad_ok_at (fx, "2025-08-25", "job.payment_reminders", NULL, "{}");
  g_assert_cmpint (acad_int (paid, "reminded") + acad_int (paid, "skipped"), ==, 0);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM notification"
                                    " WHERE type = 'PAYMENT_REMINDER'"), ==, 2);
}

/* ---- job.archive --------------------------------------------------------- */

static void
test_archive (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autofree char *text = NULL;

  acad_f0_paid (fx);
  acad_past_semester (fx);
  first = acad_ok_at (fx, "2027-07-01", "job.archive", NULL, "{}");
  text = test_canonical (first);
  g_assert_cmpstr (text, ==, "{\"cutoff\":\"2025-07-01\",\"enrollments\":1,\"payments\":1}");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM archive_mark"), ==, 2);
  second = acad_ok_at (fx, "2027-07-01", "job.archive", NULL, "{}");
  g_assert_cmpint (acad_int (second, "payments"), ==, 1);
  g_assert_cmpint (rows_changed_by_last_op (fx), ==, 0);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM audit WHERE action ="
                                    " 'ARCHIVE_OLD_RECORDS'"), ==, 2);
  acad_assert_rebuild (fx);
}

/* ---- Channels ------------------------------------------------------------ */

static void
test_jobs_not_pushed (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) op = test_parse_object (
    "{\"op_id\":\"00000000-0000-4000-8000-00000000c001\",\"kind\":\"job.archive\","
    "\"actor\":\"admin\",\"device\":\"C01\",\"device_seq\":1,"
    "\"recorded_at\":\"2025-06-02T01:00:00Z\",\"args\":{}}");
  g_autoptr(JsonObject) pushed = NULL;
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(JsonObject) jobs_op = test_parse_object (
    "{\"op_id\":\"00000000-0000-4000-8000-00000000c002\",\"kind\":\"job.archive\","
    "\"actor\":null,\"args\":{}}");
  g_autoptr(GError) error = NULL;

  test_load_f0 (fx);
  pushed = tala_ledger_apply (fx->ledger, op, TALA_CHANNEL_PUSH, fx->now, NULL, &error);
  g_assert_no_error (error);
  acad_expect_status (pushed, "rejected", "unknown_kind");
  job = tala_ledger_apply (fx->ledger, jobs_op, TALA_CHANNEL_JOBS, fx->now, NULL, &error);
  g_assert_no_error (error);
  acad_expect_status (job, "applied", NULL);
}

/* ---- tala-hub jobs run --------------------------------------------------- */

static int
run_hub (const char * const *args,
         char              **out)
{
  const char *hub = g_getenv ("TALA_HUB");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (hub);
  g_ptr_array_add (argv, (gpointer) hub);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, out,
                NULL, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_cli_jobs_run (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *out = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonObject) result = NULL;
  JsonObject *inner;

  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  g_assert_cmpint (run_hub ((const char * const[]) { "jobs", "run", "inc-expiry", "--db", fx->path,
                                                     "--today", "2025-12-29", NULL }, &out), ==, 0);
  result = test_parse_object (out);
  g_assert_cmpstr (acad_str (result, "applied_at"), ==, "2025-12-28T18:00:00Z");
  inner = json_object_get_object_member (result, "result");
  g_assert_cmpuint (count (inner, "expired"), ==, 1);
  g_assert_cmpint (acad_int (json_array_get_object_element (
                     json_object_get_array_member (inner, "expired"), 0), "clock_days"), ==, 210);
  g_assert_cmpint (run_hub ((const char * const[]) { "jobs", "run", "inc-expiry", "--db", fx->path,
                                                     "--today", "2025-12-29", NULL }, &again),
                   ==, 0);
  g_assert_nonnull (strstr (again, "\"expired\":[]"));
}

static void
test_cli_jobs_exit_codes (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *e = NULL;
  g_autofree char *f = NULL;

  acad_f0_paid (fx);
  g_assert_cmpint (run_hub ((const char * const[]) { "jobs", "run", "nonsense", "--db", fx->path,
                                                     NULL }, &a), ==, 2);
  g_assert_cmpint (run_hub ((const char * const[]) { "jobs", "run", "archive", NULL }, &b), ==, 2);
  g_assert_cmpint (run_hub ((const char * const[]) { "jobs", "run", "archive", "--db", fx->path,
                                                     "--today", "2025-02-30", NULL }, &c), ==, 2);
  /* The ledger's clock is at 2025-06-02: a job cannot run before it. */
  g_assert_cmpint (run_hub ((const char * const[]) { "jobs", "run", "archive", "--db", fx->path,
                                                     "--today", "2025-01-01", NULL }, &e), ==, 1);
  /* Item errors are reported with exit status 1 (the result still applies). */
  acad_do (fx, "subject.enroll", "registrar1", "{" STUDENT "," SEM ",\"subject\":\"CS101\"}");
  acad_do (fx, "grade.submit", "prof1", GRADE ("CS101", "1.50"));
  acad_do (fx, "grade.finalize", "registrar1", "{" SEM "}");
  acad_tamper (fx, "UPDATE take SET grade = 'Z'");
  g_assert_cmpint (run_hub ((const char * const[]) { "jobs", "run", "gpa-recalc", "--db", fx->path,
                                                     "--today", "2025-07-01", NULL }, &f), ==, 1);
  g_assert_nonnull (strstr (f, "invalid_grade"));
}

static void
test_rebuild_after_jobs (LedgerFixture *fx, gconstpointer d)
{
  acad_f0_paid (fx);
  inc_of (fx, "CS101", NULL);
  inc_of (fx, "CS102", NULL);
  acad_do_at (fx, "2025-09-01", "loa.record", "registrar1",
              "{" STUDENT ",\"start_date\":\"2025-08-01\",\"end_date\":\"2025-08-21\","
              "\"reason\":\"Leave\"}");
  json_object_unref (expiry_at (fx, 160));
  acad_do_at (fx, "2025-11-15", "grade.override", "registrar1",
              "{" STUDENT "," SEM ",\"subject\":\"CS102\",\"grade\":\"2.00\",\"reason\":\"Done\"}");
  acad_do_at (fx, "2025-11-15", "job.payment_reminders", NULL, "{}");
  acad_do_at (fx, "2025-11-15", "job.permit_sweep", NULL, "{}");
  json_object_unref (expiry_at (fx, 210));
  acad_do_at (fx, "2026-01-01", "job.gpa_recalc", NULL, "{}");
  acad_assert_rebuild (fx);
}

#define ADD(path, func) \
  g_test_add ("/ledger/jobs/" path, LedgerFixture, NULL, ledger_fixture_setup, func, \
              ledger_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ADD ("example-7", test_example7);
  ADD ("example-8", test_example8);
  ADD ("inc-major-180-not-179", test_major_180_not_179);
  ADD ("inc-minor-365-not-364", test_minor_365_not_364);
  ADD ("inc-elective-365", test_elective_365);
  ADD ("inc-thresholds-are-config", test_thresholds_are_config);
  ADD ("inc-warned-once", test_warned_once);
  ADD ("inc-expiry-audited-and-notified", test_expiry_audited_and_notified);
  ADD ("inc-admin-runs-job", test_admin_runs_job);
  ADD ("inc-one-student", test_job_one_student);
  ADD ("inc-loa-recorded-late", test_loa_recorded_late);
  ADD ("inc-loa-overlap-only", test_loa_overlap_only);
  ADD ("inc-expiry-idempotent", test_inc_expiry_idempotent);
  ADD ("inc-expiry-item-error", test_inc_expiry_item_error);
  ADD ("permit-sweep", test_permit_sweep);
  ADD ("gpa-recalc", test_gpa_recalc);
  ADD ("payment-reminders", test_payment_reminders);
  ADD ("archive", test_archive);
  ADD ("not-pushed", test_jobs_not_pushed);
  ADD ("cli-run", test_cli_jobs_run);
  ADD ("cli-exit-codes", test_cli_jobs_exit_codes);
  ADD ("rebuild-after-jobs", test_rebuild_after_jobs);

  return g_test_run ();
}
