/* test-util.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "test-util.h"

void
ledger_fixture_setup (LedgerFixture *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static guint counter;

  fx->path = g_strdup_printf ("%s/ledger-%u-%u.db", g_get_user_runtime_dir (), (guint) getpid (),
                              ++counter);
  fx->ledger = tala_ledger_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->ledger);
  tala_timestamp_parse ("2025-06-02T01:00:00Z", &fx->now);
  fx->next_op = 0;
}

void
ledger_fixture_teardown (LedgerFixture *fx,
                         gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fx->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fx->path, "-shm", NULL);

  g_clear_pointer (&fx->ledger, tala_ledger_free);
  g_unlink (fx->path);
  g_unlink (wal);
  g_unlink (shm);
  g_clear_pointer (&fx->path, g_free);
}

char *
test_op_id (LedgerFixture *fx)
{
  return g_strdup_printf ("00000000-0000-4000-8000-%012u", 900000 + ++fx->next_op);
}

JsonObject *
test_parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

JsonObject *
test_apply_json (LedgerFixture *fx,
                 const char    *json)
{
  g_autoptr(JsonObject) op = test_parse_object (json);
  g_autoptr(GError) error = NULL;
  JsonObject *result;

  result = tala_ledger_apply (fx->ledger, op, TALA_CHANNEL_TRUSTED, fx->now, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

JsonObject *
test_apply (LedgerFixture *fx,
            const char    *kind,
            const char    *actor,
            const char    *args_json)
{
  g_autofree char *op_id = test_op_id (fx);
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *result;

  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", kind);
  if (actor)
    json_object_set_string_member (op, "actor", actor);
  else
    json_object_set_null_member (op, "actor");
  json_object_set_object_member (op, "args", test_parse_object (args_json));
  /* The trusted channel keeps the previous op's time unless given hub_time:
   * pass the fixture's clock so that tests can move it forward. */
  {
    g_autofree char *hub_time = tala_timestamp_format (fx->now);

    json_object_set_string_member (op, "hub_time", hub_time);
  }
  result = tala_ledger_apply (fx->ledger, op, TALA_CHANNEL_TRUSTED, fx->now, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
print_unexpected (JsonObject *result,
                  const char *wanted)
{
  g_autofree char *text = test_canonical (result);

  g_test_message ("expected %s, got %s", wanted, text);
}

JsonObject *
test_apply_ok (LedgerFixture *fx,
               const char    *kind,
               const char    *actor,
               const char    *args_json)
{
  g_autoptr(JsonObject) result = test_apply (fx, kind, actor, args_json);

  if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
    print_unexpected (result, "applied");
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  return json_object_ref (json_object_get_object_member (result, "result"));
}

void
test_apply_rejected (LedgerFixture *fx,
                     const char    *kind,
                     const char    *actor,
                     const char    *args_json,
                     const char    *code)
{
  g_autoptr(JsonObject) result = test_apply (fx, kind, actor, args_json);
  JsonObject *err;

  if (g_strcmp0 (json_object_get_string_member (result, "status"), "rejected") != 0)
    print_unexpected (result, code);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  err = json_object_get_object_member (result, "error");
  if (g_strcmp0 (json_object_get_string_member (err, "code"), code) != 0)
    print_unexpected (result, code);
  g_assert_cmpstr (json_object_get_string_member (err, "code"), ==, code);
}

void
test_load_f0 (LedgerFixture *fx)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "fixture-f0.jsonl",
                                                 NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonObject) result = NULL;

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      result = test_apply_json (fx, lines[i]);
      g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
    }
}

gint64
test_scalar (LedgerFixture *fx,
             const char    *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

char *
test_canonical (JsonObject *object)
{
  return tala_json_canonical_object (object);
}
