/* test-replica.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ledger's part of sync (tala-ledger-replica.h): the snapshot carries
 * no secrets and has the hub's checksum; replaying the change feed keeps a
 * replica equal to its hub; a provisional op's changeset undoes it exactly;
 * undo + replay + redo is the rebase.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tala-ledger-replica.h"
#include "test-util.h"

typedef struct
{
  LedgerFixture  hub;
  TalaLedger    *replica;
  char          *replica_path;
  gint64         cursor;
} ReplicaFixture;

static void
replica_setup (ReplicaFixture *fx,
               gconstpointer   data)
{
  g_autoptr(GError) error = NULL;

  ledger_fixture_setup (&fx->hub, NULL);
  test_load_f0 (&fx->hub);
  tala_ledger_set_password (fx->hub.ledger, "cashier1", "a-secret-password", NULL, fx->hub.now,
                            &error);
  g_assert_no_error (error);
  fx->replica_path = g_build_filename (g_get_user_runtime_dir (), "replica.db", NULL);
  tala_ledger_snapshot (fx->hub.ledger, fx->replica_path, &fx->cursor, &error);
  g_assert_no_error (error);
  fx->replica = tala_ledger_open (fx->replica_path, &error);
  g_assert_no_error (error);
  tala_ledger_make_replica (fx->replica, &error);
  g_assert_no_error (error);
}

static void
replica_teardown (ReplicaFixture *fx,
                  gconstpointer   data)
{
  g_clear_pointer (&fx->replica, tala_ledger_free);
  g_unlink (fx->replica_path);
  g_free (fx->replica_path);
  ledger_fixture_teardown (&fx->hub, NULL);
}

static char *
checksum (TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  char *sum = tala_ledger_checksum (ledger, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sum);
  return sum;
}

/* Pulls everything after the replica's cursor and replays it. */
static void
pull (ReplicaFixture *fx)
{
  g_autoptr(GError) error = NULL;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *text = tala_ledger_changes_json (fx->hub.ledger, fx->cursor, 3, &error);
      g_autoptr(JsonObject) feed = NULL;
      JsonArray *changes;

      g_assert_no_error (error);
      feed = test_parse_object (text);
      changes = json_object_get_array_member (feed, "changes");
      g_assert_true (tala_ledger_begin (fx->replica, &error));
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *c = json_array_get_object_element (changes, i);

          g_assert_cmpint (json_object_get_int_member (c, "hub_seq"), ==, fx->cursor + i + 1);
          tala_ledger_replay_entry (fx->replica, json_object_get_object_member (c, "op"),
                                    json_object_get_int_member (c, "applied_at_us"),
                                    json_object_get_int_member (c, "hub_seq"), &error);
          g_assert_no_error (error);
        }
      g_assert_true (tala_ledger_commit (fx->replica, &error));
      fx->cursor = json_object_get_int_member (feed, "cursor");
      more = json_object_get_boolean_member (feed, "more");
      g_assert_true (more == (json_array_get_length (changes) == 3 &&
                              fx->cursor < tala_ledger_get_hub_seq (fx->hub.ledger)));
    }
}

static void
test_snapshot (ReplicaFixture *fx,
               gconstpointer   data)
{
  g_autofree char *a = checksum (fx->hub.ledger);
  g_autofree char *b = checksum (fx->replica);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  gint64 other;

  g_assert_cmpint (fx->cursor, ==, 18);
  g_assert_cmpstr (a, ==, b);
  /* Not the credentials, not even in freed pages. */
  g_file_get_contents (fx->replica_path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_null (g_strstr_len (contents, (gssize) length, "$argon2id$"));
  g_assert_cmpint (test_scalar (&fx->hub, "SELECT count(*) FROM credential_password"), ==, 1);
  /* The destination must be new. */
  g_assert_false (tala_ledger_snapshot (fx->hub.ledger, fx->replica_path, &other, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
}

static void
test_pull_converges (ReplicaFixture *fx,
                     gconstpointer   data)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *args = g_strdup_printf ("{\"student\":\"2025-00001\",\"amount\":\"%u.25\","
                                               "\"method\":\"CASH\"}", 1000 + i);
      g_autoptr(JsonObject) r = test_apply_ok (&fx->hub, "payment.record", "cashier1", args);

      fx->hub.now += G_USEC_PER_SEC * 61;
    }
  pull (fx);
  g_assert_cmpint (fx->cursor, ==, 25);
  a = checksum (fx->hub.ledger);
  b = checksum (fx->replica);
  g_assert_cmpstr (a, ==, b);
}

static JsonObject *
provisional (ReplicaFixture *fx,
             const char     *op_id,
             guint           seq,
             const char     *amount,
             GBytes        **changeset)
{
  g_autofree char *text = g_strdup_printf (
    "{\"op_id\":\"%s\",\"kind\":\"payment.record\",\"actor\":\"cashier1\",\"device\":\"C01\","
    "\"device_seq\":%u,\"recorded_at\":\"2025-06-02T02:00:00Z\",\"args\":{\"student\":"
    "\"2025-00001\",\"amount\":\"%s\",\"method\":\"CASH\",\"receipt_no\":\"C01-%06u\"}}",
    op_id, seq, amount, seq);
  g_autoptr(JsonObject) op = test_parse_object (text);
  g_autoptr(GError) error = NULL;
  JsonObject *result;

  result = tala_ledger_apply_recorded (fx->replica, op, TALA_CHANNEL_PUSH, fx->hub.now,
                                       changeset, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  g_assert_nonnull (*changeset);
  return result;
}

static void
test_undo (ReplicaFixture *fx,
           gconstpointer   data)
{
  g_autofree char *before = checksum (fx->replica);
  g_autofree char *after = NULL;
  g_autofree char *undone = NULL;
  g_autoptr(GBytes) c1 = NULL;
  g_autoptr(GBytes) c2 = NULL;
  g_autoptr(JsonObject) r1 = provisional (fx, "00000000-0000-4000-8000-0000000000c1", 1,
                                          "12000.00", &c1);
  g_autoptr(JsonObject) r2 = provisional (fx, "00000000-0000-4000-8000-0000000000c2", 2,
                                          "500.00", &c2);
  g_autoptr(GError) error = NULL;

  after = checksum (fx->replica);
  g_assert_cmpstr (before, !=, after);
  g_assert_cmpint (json_object_get_int_member (r2, "hub_seq"), ==, 20);
  /* Undoing out of order finds rows changed under the older changeset. */
  g_assert_true (tala_ledger_begin (fx->replica, &error));
  g_assert_false (tala_ledger_undo (fx->replica, c1, &error));
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB);
  g_clear_error (&error);
  tala_ledger_rollback (fx->replica);

  g_assert_true (tala_ledger_begin (fx->replica, &error));
  tala_ledger_undo (fx->replica, c2, &error);
  g_assert_no_error (error);
  tala_ledger_undo (fx->replica, c1, &error);
  g_assert_no_error (error);
  g_assert_true (tala_ledger_commit (fx->replica, &error));
  undone = checksum (fx->replica);
  g_assert_cmpstr (undone, ==, before);
  /* Nothing of them is left, not the idempotency record either. */
  g_assert_true (tala_ledger_get_hub_seq (fx->replica) == 18);
}

/* Rebase: the terminal paid provisionally; meanwhile the hub took another
 * payment for the same student first, then the terminal's op arrived.  The
 * replica undoes, replays the hub's two entries, and equals the hub; the
 * allocation is the hub's (in hub order), not the provisional one. */
static void
test_rebase (ReplicaFixture *fx,
             gconstpointer   data)
{
  g_autoptr(GBytes) c1 = NULL;
  g_autoptr(JsonObject) local = provisional (fx, "00000000-0000-4000-8000-0000000000c1", 1,
                                             "12000.00", &c1);
  g_autoptr(JsonObject) cash = NULL;
  g_autoptr(JsonObject) pushed = NULL;
  g_autoptr(JsonObject) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  cash = test_apply_ok (&fx->hub, "payment.record", "cashier1",
                        "{\"student\":\"2025-00001\",\"amount\":\"10000.00\",\"method\":\"CASH\"}");
  op = test_parse_object ("{\"op_id\":\"00000000-0000-4000-8000-0000000000c1\","
                          "\"kind\":\"payment.record\",\"actor\":\"cashier1\",\"device\":\"C01\","
                          "\"device_seq\":1,\"recorded_at\":\"2025-06-02T02:00:00Z\",\"args\":"
                          "{\"student\":\"2025-00001\",\"amount\":\"12000.00\",\"method\":\"CASH\","
                          "\"receipt_no\":\"C01-000001\"}}");
  pushed = tala_ledger_apply (fx->hub.ledger, op, TALA_CHANNEL_PUSH, fx->hub.now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (pushed, "status"), ==, "applied");

  g_assert_true (tala_ledger_begin (fx->replica, &error));
  tala_ledger_undo (fx->replica, c1, &error);
  g_assert_no_error (error);
  g_assert_true (tala_ledger_commit (fx->replica, &error));
  pull (fx);
  a = checksum (fx->hub.ledger);
  b = checksum (fx->replica);
  g_assert_cmpstr (a, ==, b);
  /* Month 1 went to the hub's own payment first. */
  g_assert_cmpint (test_scalar (&fx->hub, "SELECT paid_total FROM bucket WHERE month = 2"), ==,
                   1000000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/ledger/replica/" path, ReplicaFixture, NULL, replica_setup, func, \
              replica_teardown)
  ADD ("snapshot", test_snapshot);
  ADD ("pull-converges", test_pull_converges);
  ADD ("undo", test_undo);
  ADD ("rebase", test_rebase);
#undef ADD

  return g_test_run ();
}
