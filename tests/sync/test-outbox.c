/* test-outbox.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The replica without a network (sync/sync-replica.c): a "hub" is a second
 * ledger in this process, its journal fed to the replica as a pull would.
 * The outbox keeps the order ops were made in, past deferred ops; answers
 * move ops to acknowledged, attention or nowhere; the codec of ops and
 * feeds round-trips; and the rebase invariant holds with ops pending.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tala-ledger-replica.h"
#include "tala-sync-replica.h"
#include "test-util.h"

typedef struct
{
  LedgerFixture  hub;
  TalaReplica   *replica;
  char          *path;
  gint64         now;
} OutboxFixture;

static void
outbox_setup (OutboxFixture *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reg = json_object_new ();
  g_autoptr(JsonObject) sem = NULL;
  g_autofree char *snapshot = NULL;
  gint64 cursor;

  ledger_fixture_setup (&fx->hub, NULL);
  test_load_f0 (&fx->hub);
  sem = test_apply_ok (&fx->hub, "catalog.semester.put", "admin",
                       "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                       "\"end_date\":\"2099-12-31\",\"enrollment_start\":\"2025-05-26\","
                       "\"enrollment_end\":\"2099-12-31\",\"is_active\":true}");
  snapshot = g_build_filename (g_get_user_runtime_dir (), "snapshot.db", NULL);
  fx->path = g_build_filename (g_get_user_runtime_dir (), "replica.db", NULL);
  tala_ledger_snapshot (fx->hub.ledger, snapshot, &cursor, &error);
  g_assert_no_error (error);
  json_object_set_string_member (reg, "terminal", "C01");
  json_object_set_string_member (reg, "username", "cashier1");
  json_object_set_int_member (reg, "last_receipt", 0);
  tala_replica_install (snapshot, fx->path, "http://hub.invalid", reg, cursor, &error);
  g_assert_no_error (error);
  fx->replica = tala_replica_open (fx->path, &error);
  g_assert_no_error (error);
  fx->now = tala_now_us ();
}

static void
outbox_teardown (OutboxFixture *fx,
                 gconstpointer  data)
{
  g_clear_pointer (&fx->replica, tala_replica_free);
  g_free (fx->path);
  ledger_fixture_teardown (&fx->hub, NULL);
}

static JsonObject *
record (OutboxFixture *fx,
        const char    *json)
{
  g_autoptr(JsonObject) op = test_parse_object (json);
  g_autoptr(GError) error = NULL;
  JsonObject *result = tala_replica_record (fx->replica, op, fx->now, &error);

  g_assert_no_error (error);
  return result;
}

#define PAY(amount) \
  "{\"kind\":\"payment.record\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"" amount "\"," \
  "\"method\":\"CASH\"}}"

/* The hub applies @ops as a push would, answering one envelope each. */
static JsonArray *
hub_push (OutboxFixture *fx,
          JsonArray     *ops)
{
  g_autoptr(TalaBatch) batch = tala_batch_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *results = json_array_new ();

  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonObject *envelope = tala_ledger_apply (fx->hub.ledger,
                                                json_array_get_object_element (ops, i),
                                                TALA_CHANNEL_PUSH, fx->now, batch, &error);

      g_assert_no_error (error);
      json_array_add_object_element (results, envelope);
    }
  return results;
}

/* The hub's journal after the replica's cursor, through the wire form a
 * pull carries (the codec round trip). */
static void
pull_and_rebase (OutboxFixture *fx)
{
  gint64 cursor = tala_replica_get_int (fx->replica, "cursor");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = tala_ledger_changes_json (fx->hub.ledger, cursor, 5000, &error);
  g_autoptr(JsonObject) feed = NULL;

  g_assert_no_error (error);
  feed = test_parse_object (text);
  tala_replica_rebase (fx->replica, json_object_get_array_member (feed, "changes"),
                       json_object_get_int_member (feed, "cursor"), fx->now, &error);
  g_assert_no_error (error);
}

static char *
checksum (TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  char *sum = tala_ledger_checksum (ledger, &error);

  g_assert_no_error (error);
  return sum;
}

/* Ops and feed entries survive the wire: canonical text → parse → the same
 * canonical text, and a journal entry replays to the same body hash. */
static void
test_codec (OutboxFixture *fx,
            gconstpointer  data)
{
  g_autoptr(JsonObject) r = record (fx, PAY ("1.00"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) ops = tala_replica_pending (fx->replica, 0, 10, NULL, &error);
  JsonObject *op = json_array_get_object_element (ops, 0);
  g_autofree char *a = tala_json_canonical_object (op);
  g_autoptr(JsonObject) again = test_parse_object (a);
  g_autofree char *b = tala_json_canonical_object (again);
  g_autofree char *h1 = tala_op_body_hash (op);
  g_autofree char *h2 = tala_op_body_hash (again);
  g_autoptr(JsonArray) results = hub_push (fx, ops);
  g_autofree char *feed = tala_ledger_changes_json (fx->hub.ledger, 0, 1000, &error);
  g_autoptr(JsonObject) parsed = test_parse_object (feed);
  JsonArray *changes = json_object_get_array_member (parsed, "changes");
  JsonObject *last = json_array_get_object_element (changes, json_array_get_length (changes) - 1);
  g_autofree char *h3 = tala_op_body_hash (json_object_get_object_member (last, "op"));

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (h1, ==, h2);
  /* The fields the terminal fills are there. */
  g_assert_cmpstr (json_object_get_string_member (op, "device"), ==, "C01");
  g_assert_cmpint (json_object_get_int_member (op, "device_seq"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (op, "args"),
                                                  "receipt_no"), ==, "C01-000001");
  /* The journal's entry is the op the terminal sent. */
  g_assert_cmpstr (h3, ==, h1);
  g_assert_false (json_object_get_boolean_member (parsed, "more"));
  g_assert_cmpint (json_object_get_int_member (parsed, "cursor"), ==,
                   json_object_get_int_member (last, "hub_seq"));
}

/* The outbox hands ops out in the order they were made, and lets a caller
 * walk past deferred ones. */
static void
test_order (OutboxFixture *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) positions = NULL;
  g_autoptr(JsonArray) first = NULL;
  g_autoptr(JsonArray) rest = NULL;

  for (guint i = 1; i <= 7; i++)
    {
      g_autofree char *op = g_strdup_printf (PAY ("%u.00"), i);
      g_autoptr(JsonObject) r = record (fx, op);

      g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "applied");
    }
  first = tala_replica_pending (fx->replica, 0, 3, &positions, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (first), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (first, i),
                                                 "device_seq"), ==, i + 1);
  rest = tala_replica_pending (fx->replica, g_array_index (positions, gint64, 2), 100, NULL,
                               &error);
  g_assert_cmpuint (json_array_get_length (rest), ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rest, 0),
                                               "device_seq"), ==, 4);
}

/* Answers: applied → acknowledged, then gone once the feed holds it;
 * rejected → the attention list, effect undone; deferred → still pending,
 * in place. */
static void
test_answers (OutboxFixture *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = record (fx, PAY ("100.00"));
  g_autoptr(JsonObject) b = record (fx, PAY ("200.00"));
  g_autoptr(JsonArray) ops = tala_replica_pending (fx->replica, 0, 10, NULL, &error);
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonArray) attention = NULL;
  g_autoptr(JsonArray) applied = NULL;
  g_autoptr(JsonArray) first_only = json_array_new ();
  g_autofree char *hub_sum = NULL;
  g_autofree char *replica_sum = NULL;
  JsonObject *rejected = json_object_new ();
  JsonObject *err = json_object_new ();

  /* The hub takes the first; the second is refused (as if it were). */
  json_array_add_object_element (first_only,
                                 json_object_ref (json_array_get_object_element (ops, 0)));
  applied = hub_push (fx, first_only);
  json_array_add_object_element (results,
                                 json_object_ref (json_array_get_object_element (applied, 0)));
  json_object_set_string_member (rejected, "op_id", json_object_get_string_member (
                                   json_array_get_object_element (ops, 1), "op_id"));
  json_object_set_string_member (rejected, "status", "rejected");
  json_object_set_string_member (err, "code", "duplicate_receipt_no");
  json_object_set_string_member (err, "message", "that receipt number is used");
  json_object_set_object_member (rejected, "error", err);
  json_array_add_object_element (results, rejected);
  tala_replica_note_results (fx->replica, ops, results, fx->now, &error);
  g_assert_no_error (error);
  status = tala_replica_status (fx->replica, fx->now, &error);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (status, "acknowledged"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (status, "attention"), ==, 1);
  attention = tala_replica_attention (fx->replica, FALSE, fx->now, &error);
  g_assert_cmpuint (json_array_get_length (attention), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attention, 0),
                                                  "code"), ==, "duplicate_receipt_no");
  /* A wrong answer is refused and changes nothing. */
  g_assert_false (tala_replica_note_results (fx->replica, ops, first_only, fx->now, &error));
  g_assert_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID);
  g_clear_error (&error);

  pull_and_rebase (fx);
  g_clear_pointer (&status, json_object_unref);
  status = tala_replica_status (fx->replica, fx->now, &error);
  g_assert_cmpint (json_object_get_int_member (status, "acknowledged"), ==, 0);
  hub_sum = checksum (fx->hub.ledger);
  replica_sum = checksum (tala_replica_get_ledger (fx->replica));
  g_assert_cmpstr (hub_sum, ==, replica_sum);
}

/* With ops still pending, the replica is the hub plus those ops applied
 * again: the same as a copy of the hub that applies them. */
static void
test_rebase_with_pending (OutboxFixture *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = record (fx, PAY ("3000.00"));
  g_autoptr(JsonObject) b = record (fx, PAY ("4000.00"));
  g_autoptr(JsonArray) ops = NULL;
  g_autoptr(JsonObject) hub_pay = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autofree char *expect_path = g_build_filename (g_get_user_runtime_dir (), "expect.db",
                                                   NULL);
  g_autoptr(TalaLedger) expect = NULL;
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  gint64 cursor;

  /* Meanwhile the hub took a payment of its own. */
  hub_pay = test_apply_ok (&fx->hub, "payment.record", "cashier1",
                           "{\"student\":\"2025-00001\",\"amount\":\"5000.00\","
                           "\"method\":\"CASH\"}");
  pull_and_rebase (fx);
  /* Expected: the hub's state with the two pending ops applied after it. */
  tala_ledger_snapshot (fx->hub.ledger, expect_path, &cursor, &error);
  g_assert_no_error (error);
  expect = tala_ledger_open (expect_path, &error);
  tala_ledger_make_replica (expect, &error);
  g_assert_no_error (error);
  ops = tala_replica_pending (fx->replica, 0, 10, NULL, &error);
  g_assert_cmpuint (json_array_get_length (ops), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) changeset = NULL;
      g_autoptr(JsonObject) r = tala_ledger_apply_recorded (expect,
                                                            json_array_get_object_element (ops,
                                                                                           i),
                                                            TALA_CHANNEL_PUSH, fx->now,
                                                            &changeset, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "applied");
    }
  want = checksum (expect);
  got = checksum (tala_replica_get_ledger (fx->replica));
  g_assert_cmpstr (want, ==, got);
  /* Month 1 went to the hub's own 5,000 first. */
  g_assert_cmpint (test_scalar (&fx->hub, "SELECT paid_total FROM bucket WHERE month = 1"), ==,
                   500000);
  /* Then the hub takes them, and the replica is the hub. */
  results = hub_push (fx, ops);
  tala_replica_note_results (fx->replica, ops, results, fx->now, &error);
  g_assert_no_error (error);
  pull_and_rebase (fx);
  g_clear_pointer (&want, g_free);
  g_clear_pointer (&got, g_free);
  want = checksum (fx->hub.ledger);
  got = checksum (tala_replica_get_ledger (fx->replica));
  g_assert_cmpstr (want, ==, got);
}

/* A refused op uses no number and leaves nothing. */
static void
test_refused_locally (OutboxFixture *fx,
                      gconstpointer  data)
{
  g_autoptr(JsonObject) bad = record (fx, PAY ("0.00"));
  g_autoptr(JsonObject) good = record (fx, PAY ("10.00"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = tala_replica_status (fx->replica, fx->now, &error);
  g_autoptr(JsonObject) missing = test_parse_object ("{\"args\":{}}");
  JsonObject *none;

  g_assert_cmpstr (json_object_get_string_member (bad, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (good, "result"),
                                                  "receipt_no"), ==, "C01-000001");
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 1);
  none = tala_replica_record (fx->replica, missing, fx->now, &error);
  g_assert_null (none);
  g_assert_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID);
}

/* A feed from a hub (or from whoever answers in its place) is input: a
 * malformed one is refused with a TALA_SYNC_ERROR and changes nothing,
 * never a crash or a json-glib critical (fatal in this test).  Fuzz
 * findings F2 (an entry that is not an object) and F4 (applied_at_us out
 * of range) with their committed inputs, and the neighbours of both. */
static void
test_malformed_feed (OutboxFixture *fx,
                     gconstpointer  data)
{
  static const char *const files[] = {
    "f2-feed-entry-not-object.json",
    "f4-applied-at-out-of-range.json",
  };
  static const char *const feeds[] = {
    "{\"changes\":[1]}",
    "{\"changes\":[null]}",
    "{\"changes\":[\"x\",{}]}",
    "{\"changes\":[[]]}",
    "{\"changes\":[{\"hub_seq\":1}]}",
    "{\"changes\":[{\"op\":1}]}",
    "{\"changes\":[{\"op\":[]}]}",
    "{\"changes\":[{\"op\":{},\"applied_at_us\":\"x\"}]}",
    "{\"changes\":[{\"op\":{},\"applied_at_us\":{}}]}",
    "{\"changes\":[{\"op\":{},\"applied_at_us\":1e400}]}",
    "{\"changes\":[{\"op\":{},\"applied_at_us\":1.5}]}",
    "{\"changes\":[{\"op\":{},\"hub_seq\":[1]}]}",
    "{\"changes\":[{\"op\":{},\"hub_seq\":true}]}",
    "{\"changes\":[{\"op\":{\"kind\":1}}]}",
    /* Integers at the ends of gint64: tala_timestamp_format() takes them. */
    "{\"changes\":[{\"hub_seq\":-9223372036854775808,\"applied_at_us\":-9223372036854775808,"
    "\"op\":{\"op_id\":\"00000000-0000-4000-8000-000000000201\",\"kind\":\"payment.record\","
    "\"actor\":\"cashier1\",\"device\":\"HUB\",\"device_seq\":1,"
    "\"args\":{\"student\":\"2025-00001\",\"amount\":\"700.00\",\"method\":\"CASH\"}}}]}",
    "{\"changes\":[{\"hub_seq\":9223372036854775807,\"applied_at_us\":9223372036854775807,"
    "\"op\":{\"op_id\":\"00000000-0000-4000-8000-000000000202\",\"kind\":\"payment.record\","
    "\"actor\":\"cashier1\",\"device\":\"HUB\",\"device_seq\":1,"
    "\"args\":{\"student\":\"2025-00001\",\"amount\":\"700.00\",\"method\":\"CASH\"}}}]}",
  };
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) pending = record (fx, PAY ("100.00"));
  g_autofree char *before = checksum (tala_replica_get_ledger (fx->replica));
  gint64 cursor = tala_replica_get_int (fx->replica, "cursor");

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "fuzz-pull", files[i],
                                                     NULL);
      g_autoptr(GError) error = NULL;
      char *text = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, &error));
      g_assert_no_error (error);
      g_ptr_array_add (inputs, text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++)
    g_ptr_array_add (inputs, g_strdup (feeds[i]));

  for (guint i = 0; i < inputs->len; i++)
    {
      const char *text = g_ptr_array_index (inputs, i);
      g_autoptr(JsonObject) feed = test_parse_object (text);
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      g_test_message ("feed %u: %.80s", i, text);
      g_assert_false (tala_replica_rebase (fx->replica,
                                           json_object_get_array_member (feed, "changes"),
                                           cursor + 100, fx->now, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == TALA_SYNC_ERROR);
      g_assert_true (error->code == TALA_SYNC_ERROR_INVALID ||
                     error->code == TALA_SYNC_ERROR_DIVERGED);
      /* Nothing changed: the cursor, the tables, the pending op. */
      g_assert_cmpint (tala_replica_get_int (fx->replica, "cursor"), ==, cursor);
      after = checksum (tala_replica_get_ledger (fx->replica));
      g_assert_cmpstr (after, ==, before);
    }
  /* F2 and F4 are refused as malformed, before any replay. */
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(JsonObject) feed = test_parse_object (g_ptr_array_index (inputs, i));
      g_autoptr(GError) error = NULL;

      g_assert_false (tala_replica_rebase (fx->replica,
                                           json_object_get_array_member (feed, "changes"),
                                           cursor + 100, fx->now, &error));
      g_assert_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID);
    }
  /* The replica still syncs. */
  pull_and_rebase (fx);
}

/* The hub's answers to a push are input too: results of the wrong shape
 * are refused, never a critical. */
static void
test_malformed_results (OutboxFixture *fx,
                        gconstpointer  data)
{
  static const char *const shapes[] = {
    "1", "null", "[]", "{}", "{\"op_id\":1}", "{\"op_id\":\"%s\",\"status\":[1]}",
    "{\"op_id\":\"%s\",\"status\":1}", "{\"op_id\":\"%s\",\"status\":\"applied\"}",
    "{\"op_id\":\"%s\",\"status\":\"applied\",\"hub_seq\":\"7\"}",
    "{\"op_id\":\"%s\",\"status\":\"applied\",\"hub_seq\":1e400}",
    "{\"op_id\":\"%s\",\"status\":\"rejected\",\"error\":1}",
    "{\"op_id\":\"%s\",\"status\":\"rejected\",\"error\":{\"code\":[],\"message\":{}}}",
  };
  g_autoptr(JsonObject) a = record (fx, PAY ("100.00"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) ops = tala_replica_pending (fx->replica, 0, 10, NULL, &error);
  const char *op_id = json_object_get_string_member (json_array_get_object_element (ops, 0),
                                                     "op_id");

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *json = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonArray) results = json_array_new ();
      g_autoptr(GError) local = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      json = g_strdup_printf (shapes[i], op_id);
#pragma GCC diagnostic pop
      node = json_from_string (json, NULL);
      g_assert_nonnull (node);
      json_array_add_element (results, g_steal_pointer (&node));
      g_test_message ("result %u: %s", i, json);
      /* Refused, or taken as an answer that is neither applied nor
       * rejected (the op stays pending); never a critical. */
      if (!tala_replica_note_results (fx->replica, ops, results, fx->now, &local))
        g_assert_true (local != NULL && local->domain == TALA_SYNC_ERROR);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/outbox/" path, OutboxFixture, NULL, outbox_setup, func, outbox_teardown)
  ADD ("codec", test_codec);
  ADD ("order", test_order);
  ADD ("answers", test_answers);
  ADD ("rebase-with-pending", test_rebase_with_pending);
  ADD ("refused-locally", test_refused_locally);
  ADD ("malformed-feed", test_malformed_feed);
  ADD ("malformed-results", test_malformed_results);
#undef ADD

  return g_test_run ();
}
