/* test-db.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening and migrating a ledger: from empty, from every older schema
 * version, and refusing files that are newer or not ledgers at all.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "test-util.h"

static char *
temp_db (const char *name)
{
  return g_build_filename (g_get_user_runtime_dir (), name, NULL);
}

static gint64
pragma (const char *path,
        const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_from_empty (void)
{
  g_autofree char *path = temp_db ("empty.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = tala_ledger_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ledger);
  g_assert_cmpint (tala_ledger_schema_version (), >=, 2);
  g_assert_cmpint (pragma (path, "PRAGMA user_version"), ==, tala_ledger_schema_version ());
  g_assert_cmpint (pragma (path, "PRAGMA application_id"), ==, 0x54414c41);
  g_assert_cmpint (pragma (path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                 " AND sql LIKE '%STRICT%'"), >=, 20);
  g_assert_cmpint (pragma (path, "SELECT count(*) FROM pragma_journal_mode"
                                 " WHERE journal_mode = 'wal'"), ==, 1);
  g_clear_pointer (&ledger, tala_ledger_free);
  /* Opening again changes nothing. */
  ledger = tala_ledger_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma (path, "PRAGMA user_version"), ==, tala_ledger_schema_version ());
}

/* A file at each older version, made by running the first migrations by
 * hand, is brought to the latest version with its rows kept. */
static void
test_from_each_version (void)
{
  int latest = tala_ledger_schema_version ();
  g_auto(GStrv) names = NULL;

  /* Make sure the resource is registered. */
  {
    g_autofree char *p = temp_db ("warmup.db");
    g_autoptr(TalaLedger) l = tala_ledger_open (p, NULL);
  }
  names = g_resources_enumerate_children ("/org/tala/ledger/schema/", 0, NULL);
  g_assert_nonnull (names);
  for (int version = 1; version < latest; version++)
    {
      g_autofree char *path = g_strdup_printf ("%s/v%d.db", g_get_user_runtime_dir (), version);
      g_autoptr(TalaLedger) ledger = NULL;
      g_autoptr(GError) error = NULL;
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      for (int v = 1; v <= version; v++)
        for (guint i = 0; names[i]; i++)
          if (atoi (names[i]) == v)
            {
              g_autofree char *res = g_strconcat ("/org/tala/ledger/schema/", names[i], NULL);
              g_autoptr(GBytes) bytes = g_resources_lookup_data (res, 0, NULL);
              g_autofree char *sql = g_strndup (g_bytes_get_data (bytes, NULL),
                                                g_bytes_get_size (bytes));

              char *message = NULL;

              if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
                g_error ("%s: %s", names[i], message);
            }
      {
        g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %d;"
                                                " INSERT INTO config VALUES ('inc_warning_days',"
                                                " '10', 1)", version);

        g_assert_cmpint (sqlite3_exec (db, set, NULL, NULL, NULL), ==, SQLITE_OK);
      }
      sqlite3_close (db);
      ledger = tala_ledger_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (pragma (path, "PRAGMA user_version"), ==, latest);
      g_assert_cmpint (pragma (path, "SELECT count(*) FROM config"), ==, 1);
    }
}

static void
test_refuses_newer (void)
{
  g_autofree char *path = temp_db ("newer.db");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %d",
                                          tala_ledger_schema_version () + 1);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, set, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  ledger = tala_ledger_open (path, &error);
  g_assert_null (ledger);
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer"));
}

static void
test_refuses_foreign (void)
{
  g_autofree char *path = temp_db ("foreign.db");
  g_autofree char *text = temp_db ("text.db");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA application_id = 42; CREATE TABLE t (x)", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  ledger = tala_ledger_open (path, &error);
  g_assert_null (ledger);
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_SCHEMA);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (text, "plain text, not SQLite, long enough to have a "
                                      "header of a hundred bytes or so, which it lacks........",
                                      -1, NULL));
  ledger = tala_ledger_open (text, &error);
  g_assert_null (ledger);
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB);
}

/* Nested transactions: only the outermost commits; an inner rollback
 * undoes only its own level. */
static void
test_nesting (LedgerFixture *fx,
              gconstpointer  data)
{
  g_autoptr(JsonObject) r = NULL;

  test_load_f0 (fx);
  g_assert_true (tala_ledger_begin (fx->ledger, NULL));
  r = test_apply_ok (fx, "payment.record", "cashier1",
                     "{\"student\":\"2025-00001\",\"amount\":\"1.00\",\"method\":\"CASH\"}");
  g_assert_true (tala_ledger_begin (fx->ledger, NULL));
  g_clear_pointer (&r, json_object_unref);
  r = test_apply_ok (fx, "payment.record", "cashier1",
                     "{\"student\":\"2025-00001\",\"amount\":\"2.00\",\"method\":\"CASH\"}");
  tala_ledger_rollback (fx->ledger);
  /* Not yet visible to another connection. */
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn"), ==, 0);
  g_assert_true (tala_ledger_commit (fx->ledger, NULL));
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM txn"), ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT amount FROM txn"), ==, 100);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/ledger/db/migrate-from-empty", test_from_empty);
  g_test_add_func ("/ledger/db/migrate-from-each-version", test_from_each_version);
  g_test_add_func ("/ledger/db/refuses-newer", test_refuses_newer);
  g_test_add_func ("/ledger/db/refuses-foreign", test_refuses_foreign);
  g_test_add ("/ledger/db/nested-transactions", LedgerFixture, NULL, ledger_fixture_setup,
              test_nesting, ledger_fixture_teardown);
  return g_test_run ();
}
