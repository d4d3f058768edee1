/* test-idempotency.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exactly-once application (DESIGN.md "Idempotency", ops.md §1.3–1.5):
 * replays, mismatches, stored rejections, deferral, and the same op raced
 * from two connections.
 */

#include "config.h"

#include <string.h>

#include "test-util.h"

#define PAY_101 "{\"op_id\":\"00000000-0000-4000-8000-000000000101\",\"kind\":\"payment.record\"," \
                "\"actor\":\"cashier1\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"15000.00\"," \
                "\"method\":\"CASH\"}}"

static void
test_replay (LedgerFixture *fx,
             gconstpointer  data)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  test_load_f0 (fx);
  first = test_apply_json (fx, PAY_101);
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "applied");
  fx->now += G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  /* A retry from another device and clock is the same op. */
  second = test_apply_json (fx, "{\"op_id\":\"00000000-0000-4000-8000-000000000101\","
                                "\"device\":\"C09\",\"device_seq\":77,"
                                "\"recorded_at\":\"2030-01-01T00:00:00Z\","
                                "\"args\":{\"method\":\"CASH\",\"amount\":\"15000.00\","
                                "\"student\":\"2025-00001\"},\"kind\":\"payment.record\","
                                "\"actor\":\"cashier1\"}");
  g_assert_cmpstr (json_object_get_string_member (second, "status"), ==, "replayed");
  json_object_set_string_member (second, "status", "applied");
  a = test_canonical (first);
  b = test_canonical (second);
  g_assert_cmpstr (a, ==, b);
  again = test_apply_json (fx, PAY_101);
  g_assert_cmpstr (json_object_get_string_member (again, "status"), ==, "replayed");

  /* No second effect anywhere. */
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn WHERE type = 'PAYMENT'"), ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT sum(paid_total) FROM bucket"), ==, 1500000);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM journal"), ==, 19);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action ="
                                    " 'PAYMENT_RECORDED'"), ==, 1);
}

static void
test_mismatch (LedgerFixture *fx,
               gconstpointer  data)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) other = NULL;

  test_load_f0 (fx);
  first = test_apply_json (fx, PAY_101);
  other = test_apply_json (fx, "{\"op_id\":\"00000000-0000-4000-8000-000000000101\","
                               "\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                               "\"args\":{\"student\":\"2025-00001\",\"amount\":\"16000.00\","
                               "\"method\":\"CASH\"}}");
  g_assert_cmpstr (json_object_get_string_member (other, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (other, "error"),
                                                  "code"), ==, "idempotency_mismatch");
  /* The mismatch is not stored: the original still replays. */
  g_assert_cmpint (test_scalar (fx, "SELECT sum(amount) FROM txn"), ==, 1500000);
  g_clear_pointer (&other, json_object_unref);
  other = test_apply_json (fx, PAY_101);
  g_assert_cmpstr (json_object_get_string_member (other, "status"), ==, "replayed");
}

static void
test_rejection_replayed (LedgerFixture *fx,
                         gconstpointer  data)
{
  const char *op = "{\"op_id\":\"00000000-0000-4000-8000-000000000301\",\"kind\":\"payment.record\","
                   "\"actor\":\"cashier1\",\"args\":{\"student\":\"2025-00001\","
                   "\"amount\":\"500.00\",\"method\":\"GCASH\"}}";
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  test_load_f0 (fx);
  first = test_apply_json (fx, op);
  second = test_apply_json (fx, op);
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "rejected");
  g_assert_false (json_object_has_member (first, "replayed"));
  g_assert_true (json_object_get_boolean_member (second, "replayed"));
  json_object_remove_member (second, "replayed");
  a = test_canonical (first);
  b = test_canonical (second);
  g_assert_cmpstr (a, ==, b);
  /* Stored once, with one SYNC_REJECTED audit entry, and no business rows. */
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM applied_op WHERE status = 'rejected'"),
                   ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'SYNC_REJECTED'"),
                   ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn"), ==, 0);
}

static void
test_envelope_not_stored (LedgerFixture *fx,
                          gconstpointer  data)
{
  static const char *bad[] = {
    "{\"kind\":\"payment.record\",\"args\":{}}",
    "{\"op_id\":\"00000000-0000-4000-8000-00000000000G\",\"kind\":\"payment.record\",\"args\":{}}",
    "{\"op_id\":\"00000000-0000-0000-0000-000000000000\",\"kind\":\"payment.record\",\"args\":{}}",
    "{\"op_id\":\"00000000-0000-4000-8000-000000000501\",\"kind\":\"payment.record\",\"args\":[]}",
    "{\"op_id\":\"00000000-0000-4000-8000-000000000502\",\"kind\":7,\"args\":{}}",
    "{\"op_id\":\"00000000-0000-4000-8000-000000000503\",\"kind\":\"x\",\"device\":\"c01\",\"args\":{}}",
    "{\"op_id\":\"00000000-0000-4000-8000-000000000504\",\"kind\":\"x\",\"device_seq\":0,\"args\":{}}",
  };

  test_load_f0 (fx);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) r = test_apply_json (fx, bad[i]);

      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                      "code"), ==, "invalid_envelope");
    }
  {
    g_autoptr(JsonObject) r = test_apply_json (fx, "{\"op_id\":\"00000000-0000-4000-8000-000000000505\","
                                                   "\"kind\":\"payment.teleport\",\"args\":{}}");

    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                    "code"), ==, "unknown_kind");
  }
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM applied_op WHERE status = 'rejected'"),
                   ==, 0);
}

/* A pushed op naming a provisional number the hub has not seen waits; the
 * same op later applies once. */
static void
test_deferral (LedgerFixture *fx,
               gconstpointer  data)
{
  const char *pay = "{\"op_id\":\"00000000-0000-4000-8000-000000000904\",\"kind\":\"payment.record\","
                    "\"actor\":\"cashier1\",\"device\":\"C02\",\"device_seq\":2,"
                    "\"recorded_at\":\"2025-06-02T01:00:00Z\",\"args\":{\"student\":\"P-C02-0001\","
                    "\"amount\":\"500.00\",\"method\":\"CASH\",\"receipt_no\":\"C02-000001\"}}";
  const char *reg = "{\"op_id\":\"00000000-0000-4000-8000-000000000903\",\"kind\":\"student.register\","
                    "\"actor\":\"registrar1\",\"device\":\"C02\",\"device_seq\":1,"
                    "\"recorded_at\":\"2025-06-02T01:00:00Z\",\"args\":{\"first_name\":\"Maria\","
                    "\"last_name\":\"Clara\",\"program\":\"BSCS\",\"provisional_number\":\"P-C02-0001\"}}";
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;
  g_autoptr(JsonObject) r3 = NULL;
  g_autoptr(JsonObject) op = NULL;
  g_autoptr(GError) error = NULL;

  test_load_f0 (fx);
  r1 = test_apply_json (fx, pay);
  g_assert_cmpstr (json_object_get_string_member (r1, "status"), ==, "deferred");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM applied_op WHERE op_id LIKE '%0904'"),
                   ==, 0);
  r2 = test_apply_json (fx, reg);
  g_assert_cmpstr (json_object_get_string_member (r2, "status"), ==, "applied");
  r3 = test_apply_json (fx, pay);
  g_assert_cmpstr (json_object_get_string_member (r3, "status"), ==, "applied");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r3, "result"),
                                                  "student"), ==, "2025-00002");

  /* By REST, an unknown number is an error, never a deferral. */
  op = test_parse_object ("{\"op_id\":\"00000000-0000-4000-8000-000000000906\","
                          "\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                          "\"args\":{\"student\":\"P-C03-0001\",\"amount\":\"1.00\","
                          "\"method\":\"CASH\"}}");
  g_clear_pointer (&r1, json_object_unref);
  r1 = tala_ledger_apply (fx->ledger, op, TALA_CHANNEL_REST, fx->now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r1, "error"),
                                                  "code"), ==, "unknown_student");
}

/* A provisional student whose registration was rejected: ops naming it are
 * rejected unknown_student, not deferred forever. */
static void
test_deferral_rejected_creator (LedgerFixture *fx,
                                gconstpointer  data)
{
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;

  test_load_f0 (fx);
  r1 = test_apply_json (fx, "{\"op_id\":\"00000000-0000-4000-8000-000000000911\","
                            "\"kind\":\"student.register\",\"actor\":\"registrar1\","
                            "\"device\":\"C02\",\"device_seq\":1,\"args\":{\"first_name\":\"A\","
                            "\"last_name\":\"B\",\"program\":\"NOPE\","
                            "\"provisional_number\":\"P-C02-0007\"}}");
  g_assert_cmpstr (json_object_get_string_member (r1, "status"), ==, "rejected");
  r2 = test_apply_json (fx, "{\"op_id\":\"00000000-0000-4000-8000-000000000912\","
                            "\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                            "\"device\":\"C02\",\"device_seq\":2,\"args\":{"
                            "\"student\":\"P-C02-0007\",\"amount\":\"1.00\",\"method\":\"CASH\","
                            "\"receipt_no\":\"C02-000001\"}}");
  g_assert_cmpstr (json_object_get_string_member (r2, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r2, "error"),
                                                  "code"), ==, "unknown_student");
}

/* ---- The same op from two connections at once ---------------------------- */

typedef struct
{
  const char  *path;
  const char  *op_json;
  GMutex      *lock;
  GCond       *cond;
  gboolean    *go;
  char        *status;
  gint64       hub_seq;
} Racer;

static gpointer
race_cb (gpointer data)
{
  Racer *r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = tala_ledger_open (r->path, &error);
  g_autoptr(JsonObject) op = NULL;
  g_autoptr(JsonObject) result = NULL;

  g_assert_no_error (error);
  op = test_parse_object (r->op_json);
  g_mutex_lock (r->lock);
  while (!*r->go)
    g_cond_wait (r->cond, r->lock);
  g_mutex_unlock (r->lock);
  result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED, tala_now_us (), NULL, &error);
  g_assert_no_error (error);
  r->status = g_strdup (json_object_get_string_member (result, "status"));
  r->hub_seq = json_object_get_int_member_with_default (result, "hub_seq", -1);
  return NULL;
}

static void
test_concurrent_same_op (LedgerFixture *fx,
                         gconstpointer  data)
{
  enum { N = 8 };
  Racer racers[N];
  GThread *threads[N];
  GMutex lock;
  GCond cond;
  gboolean go = FALSE;
  guint applied = 0, replayed = 0;

  test_load_f0 (fx);
  g_mutex_init (&lock);
  g_cond_init (&cond);
  for (guint round = 0; round < 5; round++)
    {
      g_autofree char *op = g_strdup_printf ("{\"op_id\":\"00000000-0000-4000-8000-00000000770%u\","
                                             "\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                                             "\"args\":{\"student\":\"2025-00001\","
                                             "\"amount\":\"1000.00\",\"method\":\"CASH\"}}", round);

      go = FALSE;
      for (guint i = 0; i < N; i++)
        {
          racers[i] = (Racer) { fx->path, op, &lock, &cond, &go, NULL, 0 };
          threads[i] = g_thread_new ("racer", race_cb, &racers[i]);
        }
      g_usleep (20000);
      g_mutex_lock (&lock);
      go = TRUE;
      g_cond_broadcast (&cond);
      g_mutex_unlock (&lock);
      for (guint i = 0; i < N; i++)
        {
          g_thread_join (threads[i]);
          applied += g_strcmp0 (racers[i].status, "applied") == 0;
          replayed += g_strcmp0 (racers[i].status, "replayed") == 0;
          g_assert_cmpint (racers[i].hub_seq, ==, racers[0].hub_seq);
          g_free (racers[i].status);
        }
    }
  g_mutex_clear (&lock);
  g_cond_clear (&cond);
  g_assert_cmpuint (applied, ==, 5);
  g_assert_cmpuint (replayed, ==, 5 * (N - 1));
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn WHERE type = 'PAYMENT'"), ==, 5);
  g_assert_cmpint (test_scalar (fx, "SELECT sum(paid_total) FROM bucket"), ==, 500000);
}

/* Pushed ops need device, device_seq and recorded_at, and never jobs. */
static void
test_push_channel (LedgerFixture *fx,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) op = NULL;
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(GError) error = NULL;

  test_load_f0 (fx);
  op = test_parse_object ("{\"op_id\":\"00000000-0000-4000-8000-000000000931\","
                          "\"kind\":\"payment.record\",\"actor\":\"cashier1\",\"args\":{"
                          "\"student\":\"2025-00001\",\"amount\":\"1.00\",\"method\":\"CASH\"}}");
  r = tala_ledger_apply (fx->ledger, op, TALA_CHANNEL_PUSH, fx->now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                  "code"), ==, "invalid_envelope");
  g_clear_pointer (&op, json_object_unref);
  g_clear_pointer (&r, json_object_unref);
  op = test_parse_object ("{\"op_id\":\"00000000-0000-4000-8000-000000000932\","
                          "\"kind\":\"payment.record\",\"actor\":null,\"device\":\"C01\","
                          "\"device_seq\":1,\"recorded_at\":\"2025-06-02T01:00:00Z\",\"args\":{"
                          "\"student\":\"2025-00001\",\"amount\":\"1.00\",\"method\":\"CASH\","
                          "\"receipt_no\":\"C01-000001\"}}");
  r = tala_ledger_apply (fx->ledger, op, TALA_CHANNEL_PUSH, fx->now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                  "code"), ==, "forbidden");
  /* The receipt number it carried stays used (D-S4). */
  g_assert_cmpint (test_scalar (fx, "SELECT max_receipt FROM device_counter WHERE device = 'C01'"),
                   ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) \
  g_test_add (path, LedgerFixture, NULL, ledger_fixture_setup, fn, ledger_fixture_teardown)
  ADD ("/ledger/idempotency/replay", test_replay);
  ADD ("/ledger/idempotency/mismatch", test_mismatch);
  ADD ("/ledger/idempotency/rejection-replayed", test_rejection_replayed);
  ADD ("/ledger/idempotency/envelope-not-stored", test_envelope_not_stored);
  ADD ("/ledger/idempotency/deferral", test_deferral);
  ADD ("/ledger/idempotency/deferral-rejected-creator", test_deferral_rejected_creator);
  ADD ("/ledger/idempotency/concurrent-same-op", test_concurrent_same_op);
  ADD ("/ledger/idempotency/push-channel", test_push_channel);
#undef ADD
  return g_test_run ();
}
