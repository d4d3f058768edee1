/* test-payments.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Payments, buckets and exam permits: the original's tested scenarios
 * (business-rules §16.1–16.3) and every money and permit decision (D-M1,
 * D-P1…D-P9, D-X1…D-X4), each its own case, all through tala_ledger_apply.
 *
 * Every case starts from Fixture F0: student 2025-00001 enrolled in the
 * active semester 2025-FIRST (2025-06-02 to 2025-10-31) with six buckets of
 * 10,000.00; the business date is 2025-06-02.
 */

#include "config.h"

#include <string.h>

#include "test-util.h"

#define STUDENT "\"student\":\"2025-00001\""

static JsonObject *
pay (LedgerFixture *fx,
     const char    *amount)
{
  g_autofree char *args = g_strdup_printf ("{" STUDENT ",\"amount\":\"%s\",\"method\":\"CASH\"}",
                                           amount);

  return test_apply_ok (fx, "payment.record", "cashier1", args);
}

static void
pay_ignore (LedgerFixture *fx,
            const char    *amount)
{
  g_autoptr(JsonObject) r = pay (fx, amount);
}

static JsonObject *
entry (JsonObject *result,
       const char *member,
       guint       i)
{
  return json_array_get_object_element (json_object_get_array_member (result, member), i);
}

static guint
n_entries (JsonObject *result,
           const char *member)
{
  return json_array_get_length (json_object_get_array_member (result, member));
}

static void
assert_entry (JsonObject *e,
              gint64      month,
              const char *applied,
              const char *paid_total,
              gboolean    is_paid)
{
  g_assert_cmpint (json_object_get_int_member (e, "month"), ==, month);
  g_assert_cmpstr (json_object_get_string_member (e, json_object_has_member (e, "applied")
                                                  ? "applied" : "removed"), ==, applied);
  g_assert_cmpstr (json_object_get_string_member (e, "paid_total"), ==, paid_total);
  g_assert_cmpint (json_object_get_boolean_member (e, "is_paid"), ==, is_paid);
}

static gint64
bucket_paid (LedgerFixture *fx,
             int            month)
{
  g_autofree char *sql = g_strdup_printf ("SELECT paid_total FROM bucket WHERE month = %d"
                                          " AND enrollment_id = 1", month);

  return test_scalar (fx, sql);
}

static gint64
bucket_is_paid (LedgerFixture *fx,
                int            month)
{
  g_autofree char *sql = g_strdup_printf ("SELECT is_paid FROM bucket WHERE month = %d"
                                          " AND enrollment_id = 1", month);

  return test_scalar (fx, sql);
}

static JsonObject *
account (LedgerFixture *fx)
{
  g_autoptr(GError) error = NULL;
  JsonObject *a = tala_ledger_account (fx->ledger, "2025-00001", NULL, &error);

  g_assert_no_error (error);
  return a;
}

/* ---- §16.1 Payment allocation -------------------------------------------- */

static void
test_s01_partial (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  r = pay (fx, "5000.00");
  g_assert_cmpuint (n_entries (r, "allocation"), ==, 1);
  assert_entry (entry (r, "allocation", 0), 1, "5000.00", "5000.00", FALSE);
  g_assert_cmpstr (json_object_get_string_member (r, "credit_added"), ==, "0.00");
  g_assert_cmpint (bucket_paid (fx, 1), ==, 500000);
  g_assert_cmpint (bucket_is_paid (fx, 1), ==, 0);
}

static void
test_s02_exact_month (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  r = pay (fx, "10000.00");
  g_assert_cmpuint (n_entries (r, "allocation"), ==, 1);
  assert_entry (entry (r, "allocation", 0), 1, "10000.00", "10000.00", TRUE);
  g_assert_cmpint (bucket_is_paid (fx, 1), ==, 1);
}

static void
test_s03_second_month (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  pay_ignore (fx, "10000.00");
  r = pay (fx, "10000.00");
  g_assert_cmpuint (n_entries (r, "allocation"), ==, 1);
  assert_entry (entry (r, "allocation", 0), 2, "10000.00", "10000.00", TRUE);
}

static void
test_s04_overflow_next (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  r = pay (fx, "15000.00");
  g_assert_cmpuint (n_entries (r, "allocation"), ==, 2);
  assert_entry (entry (r, "allocation", 0), 1, "10000.00", "10000.00", TRUE);
  assert_entry (entry (r, "allocation", 1), 2, "5000.00", "5000.00", FALSE);
  g_assert_cmpstr (json_object_get_string_member (r, "credit_added"), ==, "0.00");
}

static void
test_s05_full_semester (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  r = pay (fx, "60000.00");
  g_assert_cmpuint (n_entries (r, "allocation"), ==, 6);
  for (guint m = 0; m < 6; m++)
    assert_entry (entry (r, "allocation", m), m + 1, "10000.00", "10000.00", TRUE);
  g_assert_cmpstr (json_object_get_string_member (r, "credit_added"), ==, "0.00");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM bucket WHERE is_paid"), ==, 6);
}

static void
test_s06_accumulate (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;
  g_autoptr(JsonObject) r3 = NULL;

  test_load_f0 (fx);
  r1 = pay (fx, "3000.00");
  assert_entry (entry (r1, "allocation", 0), 1, "3000.00", "3000.00", FALSE);
  r2 = pay (fx, "4000.00");
  assert_entry (entry (r2, "allocation", 0), 1, "4000.00", "7000.00", FALSE);
  r3 = pay (fx, "3000.00");
  assert_entry (entry (r3, "allocation", 0), 1, "3000.00", "10000.00", TRUE);
  g_assert_cmpuint (n_entries (r3, "allocation"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (r3, "credit_added"), ==, "0.00");
}

static void
test_s07_reference_kept (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) a = NULL;
  JsonObject *h;

  test_load_f0 (fx);
  r = test_apply_ok (fx, "payment.record", "cashier1",
                     "{" STUDENT ",\"amount\":\"5000.00\",\"method\":\"CASH\","
                     "\"reference_number\":\"REF001\"}");
  a = account (fx);
  h = json_array_get_object_element (json_object_get_array_member (a, "history"), 0);
  g_assert_cmpstr (json_object_get_string_member (h, "id"), ==,
                   json_object_get_string_member (r, "payment_id"));
  g_assert_cmpstr (json_object_get_string_member (h, "reference_number"), ==, "REF001");
  g_assert_cmpstr (json_object_get_string_member (h, "amount"), ==, "5000.00");
  g_assert_cmpstr (json_object_get_string_member (h, "method"), ==, "CASH");
  g_assert_cmpstr (json_object_get_string_member (h, "status"), ==, "COMPLETED");
  g_assert_cmpstr (json_object_get_string_member (h, "semester"), ==, "2025-FIRST");
}

static void
test_s08_zero (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"0.00\",\"method\":\"CASH\"}", "invalid_amount");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn"), ==, 0);
}

static void
test_s09_negative (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"-1000.00\",\"method\":\"CASH\"}",
                       "invalid_amount");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn"), ==, 0);
}

/* §16.1 case 10 paid into an enrollment without buckets and was refused.
 * Here every enrollment has its buckets (D-P1), and money for a student with
 * no enrollment is kept on the unassigned account (D-P4), allocating nothing. */
static void
test_s10_no_buckets (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) reg = NULL;
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  reg = test_apply_ok (fx, "student.register", "registrar1",
                       "{\"first_name\":\"Ana\",\"last_name\":\"Lim\",\"program\":\"BSCS\"}");
  r = test_apply_ok (fx, "payment.record", "cashier1",
                     "{\"student\":\"2025-00002\",\"amount\":\"5000.00\",\"method\":\"CASH\"}");
  g_assert_true (json_object_get_boolean_member (r, "unassigned"));
  g_assert_cmpuint (n_entries (r, "allocation"), ==, 0);
  g_assert_false (json_object_has_member (r, "balance"));
  g_assert_cmpstr (json_object_get_string_member (r, "credit"), ==, "5000.00");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM allocation"), ==, 0);
}

/* ---- §16.2 Exam permit ---------------------------------------------------- */

static void
test_s11_permit_defaults (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM permit WHERE status = 'LOCKED'"
                                    " AND code IS NULL AND expires IS NULL AND unlocked_at IS NULL"),
                   ==, 4);
}

static void
test_s12_unlock_on_month1 (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  JsonObject *p;

  test_load_f0 (fx);
  r = pay (fx, "10000.00");
  g_assert_cmpuint (n_entries (r, "permits_unlocked"), ==, 1);
  p = entry (r, "permits_unlocked", 0);
  g_assert_cmpstr (json_object_get_string_member (p, "period"), ==, "PRELIM");
  g_assert_cmpstr (json_object_get_string_member (p, "expires"), ==, "2025-10-31");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM permit WHERE period = 'PRELIM'"
                                    " AND status = 'UNLOCKED' AND unlocked_at IS NOT NULL"
                                    " AND expires = '2025-10-31'"), ==, 1);
}

static void
test_s13_partial_stays_locked (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  r = pay (fx, "5000.00");
  g_assert_cmpuint (n_entries (r, "permits_unlocked"), ==, 0);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM permit WHERE status = 'LOCKED'"), ==, 4);
}

static void
test_s14_no_double_unlock (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  pay_ignore (fx, "10000.00");
  r = pay (fx, "5000.00");
  g_assert_cmpuint (n_entries (r, "permits_unlocked"), ==, 0);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PERMIT_UNLOCKED'"),
                   ==, 1);
}

/* ---- §16.3 Payment queries and gates ------------------------------------- */

static void
test_s15_balance (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  JsonObject *e;
  JsonArray *months;

  test_load_f0 (fx);
  a = account (fx);
  e = json_object_get_object_member (a, "enrollment");
  g_assert_cmpstr (json_object_get_string_member (e, "total_due"), ==, "60000.00");
  g_assert_cmpstr (json_object_get_string_member (e, "total_paid"), ==, "0.00");
  g_assert_cmpstr (json_object_get_string_member (e, "balance"), ==, "60000.00");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (e, "buckets")), ==, 6);
  pay_ignore (fx, "25000.00");
  b = account (fx);
  e = json_object_get_object_member (b, "enrollment");
  g_assert_cmpstr (json_object_get_string_member (e, "total_paid"), ==, "25000.00");
  g_assert_cmpstr (json_object_get_string_member (e, "balance"), ==, "35000.00");
  months = json_object_get_array_member (e, "months_paid");
  g_assert_cmpuint (json_array_get_length (months), ==, 2);
  g_assert_cmpint (json_array_get_int_element (months, 0), ==, 1);
  g_assert_cmpint (json_array_get_int_element (months, 1), ==, 2);
}

static void
test_s16_month1_check (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;

  test_load_f0 (fx);
  a = account (fx);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (a, "enrollment"),
                                                  "month1_paid"));
  pay_ignore (fx, "10000.00");
  b = account (fx);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (b, "enrollment"),
                                                 "month1_paid"));
}

static void
test_s17_enroll_gate (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) ok = NULL;
  const char *args = "{" STUDENT ",\"semester\":\"2025-FIRST\",\"subject\":\"CS101\"}";
  const char *message;

  test_load_f0 (fx);
  r = test_apply (fx, "subject.enroll", "registrar1", args);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                  "code"), ==, "month1_unpaid");
  message = json_object_get_string_member (json_object_get_object_member (r, "error"), "message");
  g_assert_nonnull (strstr (message, "Month 1"));
  pay_ignore (fx, "10000.00");
  ok = test_apply_ok (fx, "subject.enroll", "registrar1", args);
  g_assert_cmpint (json_object_get_int_member (ok, "total_units"), ==, 3);
}

static void
test_s18_exam_gate (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;

  test_load_f0 (fx);
  before = tala_ledger_exam_eligibility (fx->ledger, "2025-00001", "2025-FIRST", "PRELIM",
                                         "2025-06-20", &error);
  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (before, "eligible"));
  pay_ignore (fx, "10000.00");
  after = tala_ledger_exam_eligibility (fx->ledger, "2025-00001", "2025-FIRST", "PRELIM",
                                        "2025-06-20", &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (after, "eligible"));
}

static void
test_s19_history_order (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;
  g_autoptr(JsonObject) a = NULL;
  JsonArray *h;

  test_load_f0 (fx);
  r1 = test_apply_ok (fx, "payment.record", "cashier1",
                      "{" STUDENT ",\"amount\":\"5000.00\",\"method\":\"CASH\","
                      "\"reference_number\":\"REF001\"}");
  r2 = test_apply_ok (fx, "payment.record", "cashier1",
                      "{" STUDENT ",\"amount\":\"10000.00\",\"method\":\"CASH\","
                      "\"reference_number\":\"REF002\"}");
  a = account (fx);
  h = json_object_get_array_member (a, "history");
  g_assert_cmpuint (json_array_get_length (h), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (h, 0),
                                                  "reference_number"), ==, "REF002");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (h, 1),
                                                  "reference_number"), ==, "REF001");
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (h, i),
                                                    "status"), ==, "COMPLETED");
}

/* ---- Decisions: money ---------------------------------------------------- */

static void
test_dm1_centavos (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  pay_ignore (fx, "1234.56");
  g_assert_cmpint (test_scalar (fx, "SELECT amount FROM txn"), ==, 123456);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn WHERE typeof (amount) = 'integer'"),
                   ==, 1);
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"100000000.00\",\"method\":\"CASH\"}",
                       "invalid_amount");
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":1234.56,\"method\":\"CASH\"}", "invalid_amount");
}

static void
test_dp1_buckets (LedgerFixture *fx, gconstpointer d)
{
  static const char *dates[] = { "2025-06-02", "2025-07-02", "2025-08-01", "2025-08-31",
                                 "2025-09-30", "2025-10-30" };

  test_load_f0 (fx);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM bucket WHERE due = 1000000"), ==, 6);
  for (int m = 1; m <= 6; m++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bucket WHERE month = %d"
                                              " AND due_date = '%s'", m, dates[m - 1]);

      g_assert_cmpint (test_scalar (fx, sql), ==, 1);
    }
}

static void
test_dp2_no_targeting (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"10000.00\",\"method\":\"CASH\",\"month\":3}",
                       "invalid_args");
  pay_ignore (fx, "2500.00");
  r = pay (fx, "10000.00");
  /* Month 2 never receives money while month 1 is unpaid. */
  assert_entry (entry (r, "allocation", 0), 1, "7500.00", "10000.00", TRUE);
  assert_entry (entry (r, "allocation", 1), 2, "2500.00", "2500.00", FALSE);
}

static void
test_dp3_credit_kept (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) sem = NULL;
  g_autoptr(JsonObject) next = NULL;

  test_load_f0 (fx);
  r = pay (fx, "70000.00");
  g_assert_cmpstr (json_object_get_string_member (r, "credit_added"), ==, "10000.00");
  g_assert_cmpstr (json_object_get_string_member (r, "credit"), ==, "10000.00");
  g_assert_cmpstr (json_object_get_string_member (r, "balance"), ==, "0.00");
  g_assert_cmpint (test_scalar (fx, "SELECT credit FROM enrollment"), ==, 1000000);
  /* The credit carries into the next semester's enrollment. */
  sem = test_apply_ok (fx, "catalog.semester.put", "registrar1",
                       "{\"code\":\"2025-SECOND\",\"start_date\":\"2025-11-10\","
                       "\"end_date\":\"2026-03-31\",\"enrollment_start\":\"2025-11-01\","
                       "\"enrollment_end\":\"2025-11-20\"}");
  next = test_apply_ok (fx, "enrollment.create", "registrar1",
                        "{" STUDENT ",\"semester\":\"2025-SECOND\",\"monthly_commitment\":\"8000.00\"}");
  g_assert_cmpstr (json_object_get_string_member (next, "credit_carried"), ==, "10000.00");
  g_assert_cmpstr (json_object_get_string_member (next, "balance"), ==, "38000.00");
  g_assert_cmpint (test_scalar (fx, "SELECT credit FROM enrollment WHERE id = 1"), ==, 0);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn WHERE type = 'CARRY'"), ==, 2);
}

static void
test_dp4_active_semester (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) sem = NULL;
  g_autoptr(JsonObject) en = NULL;
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;

  test_load_f0 (fx);
  sem = test_apply_ok (fx, "catalog.semester.put", "registrar1",
                       "{\"code\":\"2025-SECOND\",\"start_date\":\"2025-11-10\","
                       "\"end_date\":\"2026-03-31\",\"enrollment_start\":\"2025-11-01\","
                       "\"enrollment_end\":\"2025-11-20\"}");
  en = test_apply_ok (fx, "enrollment.create", "registrar1",
                      "{" STUDENT ",\"semester\":\"2025-SECOND\",\"monthly_commitment\":\"1.00\"}");
  r1 = pay (fx, "100.00");
  g_assert_cmpstr (json_object_get_string_member (r1, "semester"), ==, "2025-FIRST");
  r2 = test_apply_ok (fx, "payment.record", "cashier1",
                      "{" STUDENT ",\"amount\":\"100.00\",\"method\":\"CASH\","
                      "\"semester\":\"2025-SECOND\"}");
  g_assert_cmpstr (json_object_get_string_member (r2, "semester"), ==, "2025-SECOND");
  g_assert_false (json_object_get_boolean_member (r2, "unassigned"));
}

static void
test_dp4_unassigned (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) reg = NULL;
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(JsonObject) en = NULL;

  test_load_f0 (fx);
  reg = test_apply_ok (fx, "student.register", "registrar1",
                       "{\"first_name\":\"Ana\",\"last_name\":\"Lim\",\"program\":\"BSCS\"}");
  r = test_apply_ok (fx, "payment.record", "cashier1",
                     "{\"student\":\"2025-00002\",\"amount\":\"12000.00\",\"method\":\"CASH\","
                     "\"semester\":\"2031-FIRST\"}");
  g_assert_true (json_object_get_boolean_member (r, "unassigned"));
  g_assert_false (json_object_has_member (r, "semester"));
  /* Unknown students are the one refusal. */
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{\"student\":\"2025-09999\",\"amount\":\"1.00\",\"method\":\"CASH\"}",
                       "unknown_student");
  /* Enrolling later moves the money in. */
  en = test_apply_ok (fx, "enrollment.create", "registrar1",
                      "{\"student\":\"2025-00002\",\"semester\":\"2025-FIRST\","
                      "\"monthly_commitment\":\"10000.00\"}");
  g_assert_cmpstr (json_object_get_string_member (en, "credit_carried"), ==, "12000.00");
  g_assert_cmpstr (json_object_get_string_member (en, "balance"), ==, "48000.00");
  g_assert_cmpuint (n_entries (en, "permits_unlocked"), ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT net FROM student_account WHERE student_id = 2"), ==, 0);
}

static void
test_dp5_references (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;

  test_load_f0 (fx);
  /* CASH needs no reference, and two blank references do not collide. */
  a = pay (fx, "1.00");
  b = pay (fx, "1.00");
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"1.00\",\"method\":\"CHECK\"}",
                       "reference_required");
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"1.00\",\"method\":\"CHECK\","
                       "\"reference_number\":\"\"}", "invalid_args");
  c = test_apply_ok (fx, "payment.record", "cashier1",
                     "{" STUDENT ",\"amount\":\"1.00\",\"method\":\"CHECK\","
                     "\"reference_number\":\"BPI-0001\"}");
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"2.00\",\"method\":\"CASH\","
                       "\"reference_number\":\"BPI-0001\"}", "duplicate_reference");
}

static JsonObject *
terminal_pay (LedgerFixture *fx,
              const char    *device,
              gint64         seq,
              const char    *receipt)
{
  g_autofree char *op_id = test_op_id (fx);
  g_autofree char *receipt_member = receipt ? g_strdup_printf (",\"receipt_no\":\"%s\"", receipt)
                                            : g_strdup ("");
  g_autofree char *json = g_strdup_printf ("{\"op_id\":\"%s\",\"kind\":\"payment.record\","
                                           "\"actor\":\"cashier1\",\"device\":\"%s\","
                                           "\"device_seq\":%" G_GINT64_FORMAT ",\"args\":{" STUDENT
                                           ",\"amount\":\"1.00\",\"method\":\"CASH\"%s}}",
                                           op_id, device, seq, receipt_member);

  return test_apply_json (fx, json);
}

static const char *
code_of (JsonObject *r)
{
  return json_object_has_member (r, "error")
    ? json_object_get_string_member (json_object_get_object_member (r, "error"), "code")
    : json_object_get_string_member (r, "status");
}

static void
test_dp6_receipts (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;
  g_autoptr(JsonObject) r3 = NULL;
  g_autoptr(JsonObject) r4 = NULL;
  g_autoptr(JsonObject) r5 = NULL;
  g_autoptr(JsonObject) h1 = NULL;
  g_autoptr(JsonObject) h2 = NULL;

  test_load_f0 (fx);
  r1 = terminal_pay (fx, "C01", 1, "C01-000124");
  g_assert_cmpstr (code_of (r1), ==, "applied");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r1, "result"),
                                                  "receipt_no"), ==, "C01-000124");
  r2 = terminal_pay (fx, "C01", 2, "C01-000124");
  g_assert_cmpstr (code_of (r2), ==, "duplicate_receipt_no");
  r3 = terminal_pay (fx, "C01", 3, "C02-000125");
  g_assert_cmpstr (code_of (r3), ==, "invalid_receipt_no");
  r4 = terminal_pay (fx, "C01", 4, NULL);
  g_assert_cmpstr (code_of (r4), ==, "invalid_receipt_no");
  r5 = terminal_pay (fx, "HUB", 5, "HUB-000001");
  g_assert_cmpstr (code_of (r5), ==, "invalid_receipt_no");
  /* The hub numbers its own: HUB-000001, HUB-000002. */
  h1 = pay (fx, "1.00");
  h2 = pay (fx, "1.00");
  g_assert_cmpstr (json_object_get_string_member (h1, "receipt_no"), ==, "HUB-000001");
  g_assert_cmpstr (json_object_get_string_member (h2, "receipt_no"), ==, "HUB-000002");
  /* The terminal's highest receipt number is remembered (D-S4). */
  g_assert_cmpint (test_scalar (fx, "SELECT max_receipt FROM device_counter WHERE device = 'C01'"),
                   ==, 124);
}

static void
test_dp7_methods (LedgerFixture *fx, gconstpointer d)
{
  static const char *methods[] = { "CASH", "CHECK", "CREDIT_CARD", "BANK_TRANSFER", "ONLINE",
                                   "GCASH", "MAYA" };

  test_load_f0 (fx);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *args = g_strdup_printf ("{" STUDENT ",\"amount\":\"1.00\",\"method\":\"%s\","
                                               "\"reference_number\":\"R-%u\"}", methods[i], i);
      g_autoptr(JsonObject) r = test_apply_ok (fx, "payment.record", "cashier1", args);

      g_assert_cmpstr (json_object_get_string_member (r, "method"), ==, methods[i]);
    }
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"1.00\",\"method\":\"BITCOIN\"}", "invalid_method");
  test_apply_rejected (fx, "payment.record", "cashier1",
                       "{" STUDENT ",\"amount\":\"1.00\",\"method\":\"cash\"}", "invalid_method");
}

static char *
void_args (JsonObject *payment,
           const char *extra)
{
  return g_strdup_printf ("{\"payment\":\"%s\"%s}",
                          json_object_get_string_member (payment, "payment_id"), extra);
}

static void
test_dp8_void (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonObject) v = NULL;
  g_autofree char *args = NULL;
  g_autofree char *no_reason = NULL;

  test_load_f0 (fx);
  p = pay (fx, "15000.00");
  no_reason = void_args (p, "");
  test_apply_rejected (fx, "payment.void", "cashier1", no_reason, "reason_required");
  args = void_args (p, ",\"reason\":\"Wrong student\"");
  v = test_apply_ok (fx, "payment.void", "cashier1", args);
  g_assert_cmpstr (json_object_get_string_member (v, "amount"), ==, "-15000.00");
  /* Highest month first. */
  assert_entry (entry (v, "removal", 0), 2, "5000.00", "0.00", FALSE);
  assert_entry (entry (v, "removal", 1), 1, "10000.00", "0.00", FALSE);
  g_assert_cmpstr (json_object_get_string_member (v, "balance"), ==, "60000.00");
  /* Nothing edited or deleted: the payment stays, a VOID row is added. */
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn"), ==, 2);
  g_assert_cmpint (test_scalar (fx, "SELECT amount FROM txn WHERE type = 'PAYMENT'"), ==, 1500000);
  /* Permits already unlocked stay unlocked. */
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM permit WHERE status = 'UNLOCKED'"), ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PAYMENT_VOIDED'"
                                    " AND after_json LIKE '%Wrong student%'"), ==, 1);
  test_apply_rejected (fx, "payment.void", "cashier1", args, "already_voided");
  {
    g_autofree char *void_of_void = g_strdup_printf ("{\"payment\":\"%s\",\"reason\":\"x\"}",
                                                     json_object_get_string_member (v, "void_id"));

    test_apply_rejected (fx, "payment.void", "admin", void_of_void, "not_a_payment");
  }
}

static void
test_dp8_adjust (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonObject) plus = NULL;
  g_autoptr(JsonObject) minus = NULL;
  g_autofree char *a1 = NULL;
  g_autofree char *a2 = NULL;
  g_autofree char *a3 = NULL;

  test_load_f0 (fx);
  p = pay (fx, "59000.00");
  a1 = void_args (p, ",\"amount\":\"3000.00\",\"reason\":\"Under-recorded\"");
  plus = test_apply_ok (fx, "payment.adjust", "cashier1", a1);
  /* +3,000 fills month 6 (1,000) and adds 2,000 credit. */
  assert_entry (entry (plus, "allocation", 0), 6, "1000.00", "10000.00", TRUE);
  g_assert_cmpstr (json_object_get_string_member (plus, "credit_added"), ==, "2000.00");
  a2 = void_args (p, ",\"amount\":\"-2500.00\",\"reason\":\"Over-recorded\"");
  minus = test_apply_ok (fx, "payment.adjust", "cashier1", a2);
  /* −2,500 comes off credit (2,000) first, then month 6. */
  g_assert_cmpstr (json_object_get_string_member (minus, "credit_removed"), ==, "2000.00");
  assert_entry (entry (minus, "removal", 0), 6, "500.00", "9500.00", FALSE);
  g_assert_cmpstr (json_object_get_string_member (minus, "credit"), ==, "0.00");
  a3 = void_args (p, ",\"amount\":\"0.00\",\"reason\":\"x\"");
  test_apply_rejected (fx, "payment.adjust", "cashier1", a3, "invalid_amount");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PAYMENT_ADJUSTED'"),
                   ==, 2);
}

static void
test_dp8_cashier_limits (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) u = NULL;
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonObject) v = NULL;
  g_autofree char *args = NULL;

  test_load_f0 (fx);
  u = test_apply_ok (fx, "user.put", "admin",
                     "{\"username\":\"cashier2\",\"role\":\"CASHIER\",\"first_name\":\"Rosa\","
                     "\"last_name\":\"Diaz\"}");
  p = pay (fx, "5000.00");
  args = void_args (p, ",\"reason\":\"Duplicate entry\"");
  /* Another cashier may not void it. */
  test_apply_rejected (fx, "payment.void", "cashier2", args, "forbidden");
  /* The next business day, neither may its own cashier; an admin may. */
  fx->now += G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
  test_apply_rejected (fx, "payment.void", "cashier1", args, "forbidden");
  test_apply_rejected (fx, "payment.void", "registrar1", args, "forbidden");
  v = test_apply_ok (fx, "payment.void", "admin", args);
  g_assert_cmpstr (json_object_get_string_member (v, "amount"), ==, "-5000.00");
}

static void
test_dp8_exceeds_paid (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonObject) sem = NULL;
  g_autoptr(JsonObject) en = NULL;
  g_autofree char *args = NULL;

  test_load_f0 (fx);
  p = pay (fx, "65000.00");
  /* The 5,000 credit moves on to the next semester... */
  sem = test_apply_ok (fx, "catalog.semester.put", "registrar1",
                       "{\"code\":\"2025-SECOND\",\"start_date\":\"2025-11-10\","
                       "\"end_date\":\"2026-03-31\",\"enrollment_start\":\"2025-11-01\","
                       "\"enrollment_end\":\"2025-11-20\"}");
  en = test_apply_ok (fx, "enrollment.create", "registrar1",
                      "{" STUDENT ",\"semester\":\"2025-SECOND\",\"monthly_commitment\":\"1000.00\"}");
  /* ...so the first account no longer holds 65,000 to give back. */
  args = void_args (p, ",\"reason\":\"Bounced\"");
  test_apply_rejected (fx, "payment.void", "admin", args, "amount_exceeds_paid");
}

static void
test_dp9_one_audit (LedgerFixture *fx, gconstpointer d)
{
  test_load_f0 (fx);
  pay_ignore (fx, "70000.00");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PAYMENT_RECORDED'"),
                   ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PAYMENT_RECORDED'"
                                    " AND before_json LIKE '%\"credit\":\"0.00\"%'"
                                    " AND after_json LIKE '%\"credit\":\"10000.00\"%'"
                                    " AND after_json LIKE '%\"receipt_no\":\"HUB-000001\"%'"
                                    " AND after_json LIKE '%\"method\":\"CASH\"%'"), ==, 1);
}

/* ---- Decisions: permits -------------------------------------------------- */

static void
test_dx1_periods (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonObject) remap = NULL;

  test_load_f0 (fx);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM permit WHERE (period, month) IN"
                                    " (VALUES ('PRELIM', 1), ('MIDTERM', 2), ('PREFINAL', 3),"
                                    " ('FINAL', 4)) AND status = 'LOCKED'"), ==, 4);
  p = pay (fx, "20000.00");
  g_assert_cmpuint (n_entries (p, "permits_unlocked"), ==, 2);
  /* A new mapping never relocks an issued permit; a LOCKED one whose new
   * month is already paid unlocks now. */
  remap = test_apply_ok (fx, "catalog.semester.put", "registrar1",
                         "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                         "\"end_date\":\"2025-10-31\",\"enrollment_start\":\"2025-05-26\","
                         "\"enrollment_end\":\"2025-06-13\",\"is_active\":true,"
                         "\"exam_months\":{\"PRELIM\":3,\"MIDTERM\":4,\"PREFINAL\":2,\"FINAL\":6}}");
  g_assert_cmpint (json_object_get_int_member (remap, "permits_unlocked"), ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM permit WHERE status = 'UNLOCKED'"
                                    " AND period IN ('PRELIM', 'MIDTERM', 'PREFINAL')"), ==, 3);
  g_assert_cmpint (test_scalar (fx, "SELECT month FROM permit WHERE period = 'FINAL'"), ==, 6);
  g_assert_cmpint (test_scalar (fx, "SELECT month FROM permit WHERE period = 'PRELIM'"), ==, 1);
  test_apply_rejected (fx, "catalog.semester.put", "cashier1",
                       "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                       "\"end_date\":\"2025-10-31\",\"enrollment_start\":\"2025-05-26\","
                       "\"enrollment_end\":\"2025-06-13\"}", "forbidden");
}

static void
test_dx2_codes (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonObject) reg = NULL;
  g_autoptr(JsonObject) en = NULL;
  g_autoptr(JsonObject) q = NULL;

  test_load_f0 (fx);
  p = pay (fx, "40000.00");
  g_assert_cmpstr (json_object_get_string_member (entry (p, "permits_unlocked", 3), "code"), ==,
                   "EXP-20250602-00004");
  reg = test_apply_ok (fx, "student.register", "registrar1",
                       "{\"first_name\":\"Ana\",\"last_name\":\"Lim\",\"program\":\"BSCS\","
                       "\"enrollment\":{\"semester\":\"2025-FIRST\",\"monthly_commitment\":\"100.00\"}}");
  /* The next day's codes start again at 00001. */
  fx->now += G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
  q = test_apply_ok (fx, "payment.record", "cashier1",
                     "{\"student\":\"2025-00002\",\"amount\":\"100.00\",\"method\":\"CASH\"}");
  g_assert_cmpstr (json_object_get_string_member (entry (q, "permits_unlocked", 0), "code"), ==,
                   "EXP-20250603-00001");
  g_assert_cmpint (test_scalar (fx, "SELECT count(DISTINCT code) FROM permit WHERE code IS NOT NULL"),
                   ==, 5);
}

static void
test_dx3_promissory (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) r = NULL;
  const char *args = "{" STUDENT ",\"semester\":\"2025-FIRST\",\"period\":\"MIDTERM\","
                     "\"promised_date\":\"2025-07-15\",\"reason\":\"Parent's salary on the 15th\"}";

  test_load_f0 (fx);
  test_apply_rejected (fx, "permit.promissory", "cashier1", args, "forbidden");
  test_apply_rejected (fx, "permit.promissory", "registrar1",
                       "{" STUDENT ",\"semester\":\"2025-FIRST\",\"period\":\"MIDTERM\","
                       "\"promised_date\":\"2025-07-15\"}", "reason_required");
  test_apply_rejected (fx, "permit.promissory", "registrar1",
                       "{" STUDENT ",\"semester\":\"2025-FIRST\",\"period\":\"MIDTERM\","
                       "\"promised_date\":\"2025-05-01\",\"reason\":\"x\"}", "invalid_args");
  r = test_apply_ok (fx, "permit.promissory", "registrar1", args);
  g_assert_cmpstr (json_object_get_string_member (r, "code"), ==, "EXP-20250602-00001");
  g_assert_cmpstr (json_object_get_string_member (r, "expires"), ==, "2025-10-31");
  /* Buckets are untouched; the note and the audit entry are kept. */
  g_assert_cmpint (test_scalar (fx, "SELECT sum(paid_total) FROM bucket"), ==, 0);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM promissory_note"), ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PROMISSORY_GRANTED'"
                                    " AND after_json LIKE '%salary%'"), ==, 1);
  test_apply_rejected (fx, "permit.promissory", "registrar1", args, "permit_already_unlocked");
  /* After the semester's end, no more notes. */
  tala_timestamp_parse ("2025-11-05T01:00:00Z", &fx->now);
  test_apply_rejected (fx, "permit.promissory", "registrar1",
                       "{" STUDENT ",\"semester\":\"2025-FIRST\",\"period\":\"FINAL\","
                       "\"promised_date\":\"2025-12-01\",\"reason\":\"x\"}", "semester_ended");
}

static void
test_dx4_exam_expired (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) during = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(GError) error = NULL;

  test_load_f0 (fx);
  pay_ignore (fx, "10000.00");
  during = tala_ledger_exam_eligibility (fx->ledger, "2025-00001", "2025-FIRST", "PRELIM",
                                         "2025-10-31", &error);
  after = tala_ledger_exam_eligibility (fx->ledger, "2025-00001", "2025-FIRST", "PRELIM",
                                        "2025-11-01", &error);
  other = tala_ledger_exam_eligibility (fx->ledger, "2025-00001", "2025-FIRST", "MIDTERM",
                                        "2025-07-01", &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (during, "eligible"));
  g_assert_false (json_object_get_boolean_member (after, "eligible"));
  g_assert_false (json_object_get_boolean_member (other, "eligible"));
}

/* Commitment 0.00 pays every month at once (ops.md enrollment.create). */
static void
test_zero_commitment (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(JsonObject) reg = NULL;
  JsonObject *en;

  test_load_f0 (fx);
  reg = test_apply_ok (fx, "student.register", "registrar1",
                       "{\"first_name\":\"Scholar\",\"last_name\":\"Santos\",\"program\":\"BSCS\","
                       "\"enrollment\":{\"semester\":\"2025-FIRST\",\"monthly_commitment\":\"0.00\"}}");
  en = json_object_get_object_member (reg, "enrollment");
  g_assert_cmpuint (n_entries (en, "permits_unlocked"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (en, "balance"), ==, "0.00");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) \
  g_test_add (path, LedgerFixture, NULL, ledger_fixture_setup, fn, ledger_fixture_teardown)
  ADD ("/ledger/payments/br16-01-partial", test_s01_partial);
  ADD ("/ledger/payments/br16-02-exact-month", test_s02_exact_month);
  ADD ("/ledger/payments/br16-03-second-month", test_s03_second_month);
  ADD ("/ledger/payments/br16-04-overflow-next", test_s04_overflow_next);
  ADD ("/ledger/payments/br16-05-full-semester", test_s05_full_semester);
  ADD ("/ledger/payments/br16-06-accumulate", test_s06_accumulate);
  ADD ("/ledger/payments/br16-07-reference-kept", test_s07_reference_kept);
  ADD ("/ledger/payments/br16-08-zero", test_s08_zero);
  ADD ("/ledger/payments/br16-09-negative", test_s09_negative);
  ADD ("/ledger/payments/br16-10-no-enrollment", test_s10_no_buckets);
  ADD ("/ledger/permits/br16-11-defaults-locked", test_s11_permit_defaults);
  ADD ("/ledger/permits/br16-12-unlock-on-month1", test_s12_unlock_on_month1);
  ADD ("/ledger/permits/br16-13-partial-stays-locked", test_s13_partial_stays_locked);
  ADD ("/ledger/permits/br16-14-no-double-unlock", test_s14_no_double_unlock);
  ADD ("/ledger/queries/br16-15-balance", test_s15_balance);
  ADD ("/ledger/queries/br16-16-month1-check", test_s16_month1_check);
  ADD ("/ledger/queries/br16-17-enroll-gate", test_s17_enroll_gate);
  ADD ("/ledger/queries/br16-18-exam-gate", test_s18_exam_gate);
  ADD ("/ledger/queries/br16-19-history-order", test_s19_history_order);
  ADD ("/ledger/decisions/d-m1-centavos", test_dm1_centavos);
  ADD ("/ledger/decisions/d-p1-buckets", test_dp1_buckets);
  ADD ("/ledger/decisions/d-p2-sequential", test_dp2_no_targeting);
  ADD ("/ledger/decisions/d-p3-credit-kept", test_dp3_credit_kept);
  ADD ("/ledger/decisions/d-p4-active-semester", test_dp4_active_semester);
  ADD ("/ledger/decisions/d-p4-unassigned", test_dp4_unassigned);
  ADD ("/ledger/decisions/d-p5-references", test_dp5_references);
  ADD ("/ledger/decisions/d-p6-receipts", test_dp6_receipts);
  ADD ("/ledger/decisions/d-p7-methods", test_dp7_methods);
  ADD ("/ledger/decisions/d-p8-void", test_dp8_void);
  ADD ("/ledger/decisions/d-p8-adjust", test_dp8_adjust);
  ADD ("/ledger/decisions/d-p8-cashier-limits", test_dp8_cashier_limits);
  ADD ("/ledger/decisions/d-p8-exceeds-paid", test_dp8_exceeds_paid);
  ADD ("/ledger/decisions/d-p9-one-audit", test_dp9_one_audit);
  ADD ("/ledger/decisions/d-x1-periods", test_dx1_periods);
  ADD ("/ledger/decisions/d-x2-codes", test_dx2_codes);
  ADD ("/ledger/decisions/d-x3-promissory", test_dx3_promissory);
  ADD ("/ledger/decisions/d-x4-exam-expired", test_dx4_exam_expired);
  ADD ("/ledger/decisions/zero-commitment", test_zero_commitment);
#undef ADD
  return g_test_run ();
}
