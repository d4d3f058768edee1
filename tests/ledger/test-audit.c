/* test-audit.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The journal and the audit log (D-A1): append-only in the database,
 * hash-chained, and verification names the first broken entry.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "test-util.h"

/* Runs SQL on a second, plain connection, as someone with the file would. */
static int
raw_exec (LedgerFixture *fx,
          const char    *sql,
          char         **message)
{
  sqlite3 *db = NULL;
  char *err = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  rc = sqlite3_exec (db, sql, NULL, NULL, &err);
  if (message)
    *message = g_strdup (err);
  sqlite3_free (err);
  sqlite3_close (db);
  return rc;
}

static void
load_some (LedgerFixture *fx)
{
  g_autoptr(JsonObject) r1 = NULL;
  g_autoptr(JsonObject) r2 = NULL;

  test_load_f0 (fx);
  r1 = test_apply_ok (fx, "payment.record", "cashier1",
                      "{\"student\":\"2025-00001\",\"amount\":\"15000.00\",\"method\":\"CASH\"}");
  r2 = test_apply_ok (fx, "payment.record", "cashier1",
                      "{\"student\":\"2025-00001\",\"amount\":\"500.00\",\"method\":\"GCASH\","
                      "\"reference_number\":\"GC-1\"}");
}

static void
test_update_delete_refused (LedgerFixture *fx,
                            gconstpointer  data)
{
  static const char *sql[] = {
    "UPDATE journal SET kind = 'x' WHERE hub_seq = 3",
    "DELETE FROM journal WHERE hub_seq = 3",
    "UPDATE audit SET action = 'x' WHERE id = 2",
    "DELETE FROM audit",
  };

  load_some (fx);
  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      g_autofree char *message = NULL;

      g_assert_cmpint (raw_exec (fx, sql[i], &message), !=, SQLITE_OK);
      g_assert_nonnull (strstr (message, "append-only"));
    }
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM journal"), ==, 20);
}

static void
check_tamper (LedgerFixture *fx,
              const char    *sql,
              const char    *expected)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_assert_true (tala_ledger_verify_chains (fx->ledger, report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_exec (fx, sql, &message), ==, SQLITE_OK);
  g_string_truncate (report, 0);
  g_assert_false (tala_ledger_verify_chains (fx->ledger, report, &error));
  g_assert_no_error (error);
  if (strstr (report->str, expected) == NULL)
    g_error ("report “%s” does not name “%s”", report->str, expected);
}

/* Someone drops the trigger and edits one entry: verify names that entry. */
static void
test_tamper_journal (LedgerFixture *fx,
                     gconstpointer  data)
{
  load_some (fx);
  check_tamper (fx, "DROP TRIGGER journal_no_update;"
                    " UPDATE journal SET op_json = replace (op_json, '15000.00', '1500.00')"
                    " WHERE hub_seq = 19", "journal: entry 19 is broken");
}

static void
test_tamper_audit (LedgerFixture *fx,
                   gconstpointer  data)
{
  gint64 id;
  g_autofree char *expected = NULL;

  load_some (fx);
  id = test_scalar (fx, "SELECT min(id) FROM audit WHERE action = 'PAYMENT_RECORDED'");
  expected = g_strdup_printf ("audit: entry %" G_GINT64_FORMAT " is broken", id);
  check_tamper (fx, "DROP TRIGGER audit_no_update;"
                    " UPDATE audit SET after_json = replace (after_json, 'CASH', 'GCASH')"
                    " WHERE action = 'PAYMENT_RECORDED' AND after_json LIKE '%CASH%'", expected);
}

/* Deleting an entry breaks the link of the one after it. */
static void
test_tamper_delete (LedgerFixture *fx,
                    gconstpointer  data)
{
  load_some (fx);
  check_tamper (fx, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE hub_seq = 5",
                "journal: entry 6 is broken");
}

/* Exactly one PAYMENT_RECORDED per payment, with the bucket state before
 * the allocation and the allocation after (D-P9). */
static void
test_payment_audit (LedgerFixture *fx,
                    gconstpointer  data)
{
  load_some (fx);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PAYMENT_RECORDED'"),
                   ==, 2);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PAYMENT_RECORDED'"
                                    " AND before_json LIKE '%\"paid_total\":\"10000.00\"%'"
                                    " AND after_json LIKE '%\"receipt_no\":\"HUB-000002\"%'"
                                    " AND after_json LIKE '%\"allocation\":[{\"applied\":\"500.00\"%'"),
                   ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'PERMIT_UNLOCKED'"),
                   ==, 1);
  /* Actor null is SYSTEM: F0's first op. */
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE actor IS NULL"
                                    " AND action = 'USER_CREATED' AND target_id = 'admin'"), ==, 1);
}

static void
test_cli_verify (LedgerFixture *fx,
                 gconstpointer  data)
{
  const char *hub = g_getenv ("TALA_HUB");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (hub == NULL)
    {
      g_test_skip ("TALA_HUB is not set");
      return;
    }
  load_some (fx);
  {
    const char *argv[] = { hub, "audit", "verify", "--db", fx->path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "chain intact"));
  }
  g_assert_cmpint (raw_exec (fx, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory'"
                                 " WHERE id = 7", &message), ==, SQLITE_OK);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { hub, "audit", "verify", "--db", fx->path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 1);
    g_assert_nonnull (strstr (out, "audit: entry 7 is broken"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) \
  g_test_add (path, LedgerFixture, NULL, ledger_fixture_setup, fn, ledger_fixture_teardown)
  ADD ("/ledger/audit/update-delete-refused", test_update_delete_refused);
  ADD ("/ledger/audit/tamper-journal", test_tamper_journal);
  ADD ("/ledger/audit/tamper-audit", test_tamper_audit);
  ADD ("/ledger/audit/tamper-delete", test_tamper_delete);
  ADD ("/ledger/audit/payment-recorded", test_payment_audit);
  ADD ("/ledger/audit/cli-verify", test_cli_verify);
#undef ADD
  return g_test_run ();
}
