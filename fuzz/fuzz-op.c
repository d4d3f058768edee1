/* fuzz-op.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The op JSON decoder: each line of the input is parsed as JSON, put
 * through the canonical form (which must be stable: canonical of the
 * re-parsed canonical text is the same text) and the body hash, and, when
 * it is an object, applied with tala_ledger_apply() on a ledger holding
 * fixture F0.  A first line "#push", "#rest" or "#jobs" picks the channel
 * (default: trusted); the lines share one deferral batch.  Everything runs
 * in a transaction that is rolled back, so each input starts from F0.
 *
 * A ledger failure (TALA_LEDGER_ERROR_DB or _CORRUPT: what the hub answers
 * 500) or an envelope without a known status is a crash.
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "hub-server-private.h"
#include "ledger-private.h"

#define MAX_LINES 16

static TalaLedger *ledger;
static gint64 now_us;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *dir = fuzz_scratch_dir ();
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);

  fuzz_fatal_logs (NULL);
  ledger = fuzz_ledger_f0 (path);
  now_us = fuzz_f0_now () + (gint64) G_USEC_PER_SEC * 3600;
  return 0;
}

static void
check_canonical (JsonNode *root)
{
  g_autofree char *canonical = tala_json_canonical (root);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *again = NULL;

  /* F1 (tests/fuzz/README.md), fixed: a number beyond a double is written
   * 1e999, so the canonical text is always JSON. */
  FUZZ_TRAP_UNLESS (canonical != NULL);
  FUZZ_TRAP_UNLESS (tala_json_is_strict (canonical, strlen (canonical)));
  FUZZ_TRAP_UNLESS (json_parser_load_from_data (parser, canonical, -1, NULL));
  again = tala_json_canonical (json_parser_get_root (parser));
  FUZZ_TRAP_UNLESS (strcmp (canonical, again) == 0);
}

static void
apply_line (const char  *line,
            TalaChannel  channel,
            TalaBatch   *batch)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  JsonNode *root;
  const char *status;

  /* Strict JSON only, as the hub takes it (tala_json_is_strict):
   * json-glib 1.6 also takes two texts in a row and leaks the first. */
  if (!tala_json_is_strict (line, strlen (line)) ||
      !json_parser_load_from_data (parser, line, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return;
  check_canonical (root);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return;
  hash = tala_op_body_hash (json_node_get_object (root));
  FUZZ_TRAP_UNLESS (hash != NULL);
  envelope = tala_ledger_apply (ledger, json_node_get_object (root), channel, now_us, batch,
                                &error);
  if (envelope == NULL)
    {
      FUZZ_TRAP_UNLESS (error != NULL);
      if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB) ||
          g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_CORRUPT))
        {
          g_printerr ("ledger failure on a fuzzed op: %s\n", error->message);
          __builtin_trap ();
        }
      return;
    }
  status = json_object_get_string_member_with_default (envelope, "status", "");
  FUZZ_TRAP_UNLESS (strcmp (status, "applied") == 0 || strcmp (status, "rejected") == 0 ||
                    strcmp (status, "deferred") == 0 || strcmp (status, "replayed") == 0);
  if (strcmp (status, "rejected") == 0)
    FUZZ_TRAP_UNLESS (json_object_has_member (envelope, "error"));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_string (data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", MAX_LINES + 1);
  g_autoptr(GError) error = NULL;
  TalaChannel channel = TALA_CHANNEL_TRUSTED;
  TalaBatch *batch;
  gint64 last_applied = ledger->last_applied;
  guint first = 0;

  if (lines[0] != NULL && lines[0][0] == '#')
    {
      first = 1;
      if (strcmp (lines[0], "#push") == 0)
        channel = TALA_CHANNEL_PUSH;
      else if (strcmp (lines[0], "#rest") == 0)
        channel = TALA_CHANNEL_REST;
      else if (strcmp (lines[0], "#jobs") == 0)
        channel = TALA_CHANNEL_JOBS;
    }
  FUZZ_CHECK (tala_ledger_begin (ledger, &error));
  batch = tala_batch_new ();
  for (guint i = first; lines[i] != NULL && i < MAX_LINES; i++)
    apply_line (lines[i], channel, batch);
  tala_batch_free (batch);
  FUZZ_TRAP_UNLESS (ledger->depth == 1);
  tala_ledger_rollback (ledger);
  /* The clock the rolled-back ops moved. */
  ledger->last_applied = last_applied;
  return 0;
}
