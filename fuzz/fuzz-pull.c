/* fuzz-pull.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal's decoders of the hub's sync answers (sync/sync-replica.c),
 * as sync-engine.c calls them.  The input is one JSON object standing for
 * what a hub (or an attacker in its place) answers:
 *
 *   "results": [...]   the answer to a push of the replica's pending ops:
 *                      tala_replica_note_results()
 *   "changes": [...]   a pull feed: tala_replica_rebase() with "cursor"
 *
 * on a scratch replica bootstrapped from F0 with three ops in its outbox
 * (two payments and a provisional student).  Each input runs inside a
 * transaction that is rolled back.  A crash, a sanitizer report or a
 * GLib critical is a finding; a refusal with an error is the right answer.
 *
 * With TALA_FUZZ_WRITE_SEEDS=DIR set, writes seed inputs made from a real
 * hub (its feed and its results) into DIR and exits.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "hub-server-private.h"
#include "ledger-private.h"
#include "tala-ledger-replica.h"
#include "tala-sync-client.h"
#include "tala-sync-replica.h"

/* Findings reported and not yet fixed (tests/fuzz/README.md) would be
 * listed here, a part of the message of each GLib critical they cause; F2
 * (a feed entry that is not an object) and F4 (applied_at_us out of
 * range) are fixed and their inputs are in tests/fuzz/fuzz-pull/. */
static const char *const known_logs[] = {
  NULL
};

static TalaReplica *replica;
static JsonArray *pending;
static gint64 now_us;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  FUZZ_CHECK (json_parser_load_from_data (parser, text, -1, NULL));
  FUZZ_CHECK (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
record (const char *json)
{
  g_autoptr(JsonObject) op = parse_object (json);
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(GError) error = NULL;

  envelope = tala_replica_record (replica, op, now_us, &error);
  FUZZ_CHECK (envelope != NULL);
  if (g_strcmp0 (json_object_get_string_member (envelope, "status"), "applied") != 0)
    {
      g_autofree char *text = tala_json_canonical_object (envelope);

      g_printerr ("%s\n", text);
    }
  FUZZ_CHECK (g_strcmp0 (json_object_get_string_member (envelope, "status"), "applied") == 0);
}

static void
write_seed (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  FUZZ_CHECK (g_file_set_contents (path, text, -1, NULL));
}

/* Seeds from a real hub: the feed of ops applied there after the snapshot,
 * and its answer to a push of the pending ops. */
static void
write_seeds (TalaLedger *hub,
             gint64      cursor,
             const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(TalaBatch) batch = tala_batch_new ();
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *feed = NULL;
  g_autofree char *text = NULL;
  static const char *const hub_ops[] = {
    "{\"op_id\":\"00000000-0000-4000-8000-000000000201\",\"kind\":\"payment.record\","
    "\"actor\":\"cashier1\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"700.00\","
    "\"method\":\"GCASH\",\"reference_number\":\"GC-778812\"}}",
    "{\"op_id\":\"00000000-0000-4000-8000-000000000401\",\"kind\":\"subject.enroll\","
    "\"actor\":\"registrar1\",\"args\":{\"student\":\"2025-00001\",\"semester\":\"2025-FIRST\","
    "\"subject\":\"CS101\",\"section\":\"CS101-A\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hub_ops); i++)
    {
      g_autoptr(JsonObject) op = parse_object (hub_ops[i]);
      g_autoptr(JsonObject) envelope = tala_ledger_apply (hub, op, TALA_CHANNEL_REST, now_us,
                                                          NULL, &error);

      FUZZ_CHECK (envelope != NULL);
    }
  for (guint i = 0; i < json_array_get_length (pending); i++)
    {
      JsonObject *envelope = tala_ledger_apply (hub, json_array_get_object_element (pending, i),
                                                TALA_CHANNEL_PUSH, now_us, batch, &error);

      FUZZ_CHECK (envelope != NULL);
      json_array_add_object_element (results, envelope);
    }
  json_object_set_array_member (answer, "results", json_array_ref (results));
  json_node_set_object (node, answer);
  text = json_to_string (node, FALSE);
  write_seed (dir, "results-applied.json", text);
  g_clear_pointer (&text, g_free);

  feed = tala_ledger_changes_json (hub, cursor, 1000, &error);
  FUZZ_CHECK (feed != NULL);
  write_seed (dir, "feed-real.json", feed);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *dir = fuzz_scratch_dir ();
  g_autofree char *hub_path = g_build_filename (dir, "hub.db", NULL);
  g_autofree char *snapshot = g_build_filename (dir, "snapshot.db", NULL);
  g_autofree char *replica_path = g_build_filename (dir, "replica.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) registration = NULL;
  TalaLedger *hub;
  gint64 cursor = 0;

  fuzz_fatal_logs (known_logs);
  now_us = fuzz_f0_now () + (gint64) G_USEC_PER_SEC * 3600;
  hub = fuzz_ledger_f0 (hub_path);
  registration = tala_ledger_register_device (hub, "cashier1", "T01", now_us, &error);
  FUZZ_CHECK (registration != NULL);
  FUZZ_CHECK (tala_ledger_snapshot (hub, snapshot, &cursor, &error));
  FUZZ_CHECK (tala_replica_install (snapshot, replica_path, "http://127.0.0.1:1", registration,
                                    cursor, &error));
  replica = tala_replica_open (replica_path, &error);
  FUZZ_CHECK (replica != NULL);
  record ("{\"op_id\":\"00000000-0000-4000-8000-00000000a001\",\"kind\":\"payment.record\","
          "\"args\":{\"student\":\"2025-00001\",\"amount\":\"1500.00\",\"method\":\"CASH\"}}");
  record ("{\"op_id\":\"00000000-0000-4000-8000-00000000a002\",\"kind\":\"student.register\","
          "\"actor\":\"registrar1\",\"args\":{\"first_name\":\"Maria\",\"last_name\":\"Clara\","
          "\"program\":\"BSCS\"}}");
  record ("{\"op_id\":\"00000000-0000-4000-8000-00000000a003\",\"kind\":\"payment.record\","
          "\"args\":{\"student\":\"2025-00001\",\"amount\":\"250.50\",\"method\":\"GCASH\","
          "\"reference_number\":\"GC-1\"}}");
  pending = tala_replica_pending (replica, 0, 100, NULL, &error);
  FUZZ_CHECK (pending != NULL && json_array_get_length (pending) >= 2);
  if (g_getenv ("TALA_FUZZ_WRITE_SEEDS") != NULL)
    {
      write_seeds (hub, cursor, g_getenv ("TALA_FUZZ_WRITE_SEEDS"));
      exit (0);
    }
  tala_ledger_free (hub);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  TalaLedger *ledger = tala_replica_get_ledger (replica);
  gint64 last_applied = ledger->last_applied;
  JsonObject *answer;
  JsonNode *member;

  /* As the terminal's client takes an answer (sync-client.c): one strict
   * JSON text in UTF-8, or nothing. */
  root = tala_sync_parse_strict ((const char *) data, size);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  answer = json_node_get_object (root);
  FUZZ_CHECK (tala_ledger_begin (ledger, &error));
  /* As sync-engine.c: an answer with "results" (an array) is noted ... */
  member = json_object_get_member (answer, "results");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      g_autoptr(GError) local = NULL;

      if (!tala_replica_note_results (replica, pending, json_node_get_array (member), now_us,
                                      &local))
        FUZZ_TRAP_UNLESS (local != NULL);
    }
  /* ... and a feed with "changes" (an array) is rebased on. */
  member = json_object_get_member (answer, "changes");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      g_autoptr(GError) local = NULL;
      JsonNode *at = json_object_get_member (answer, "cursor");
      gint64 cursor = at != NULL && JSON_NODE_HOLDS_VALUE (at) &&
                      json_node_get_value_type (at) == G_TYPE_INT64 ? json_node_get_int (at) : 0;

      if (!tala_replica_rebase (replica, json_node_get_array (member), cursor, now_us, &local))
        FUZZ_TRAP_UNLESS (local != NULL);
    }
  FUZZ_TRAP_UNLESS (ledger->depth == 1);
  tala_ledger_rollback (ledger);
  ledger->last_applied = last_applied;
  return 0;
}
