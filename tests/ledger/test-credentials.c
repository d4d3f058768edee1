/* test-credentials.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Credentials, which are not ops (ops.md §1.11): password verifiers, the
 * logins D-S2 accepts (username, student number, e-mail, alias), and API
 * tokens stored hashed.
 */

#include "config.h"

#include <string.h>

#include "test-util.h"

static JsonObject *
login (LedgerFixture *fx,
       const char    *name,
       const char    *password)
{
  g_autoptr(GError) error = NULL;
  JsonObject *user = tala_ledger_verify_login (fx->ledger, name, password, &error);

  g_assert_no_error (error);
  return user;
}

static void
assert_login (LedgerFixture *fx,
              const char    *name,
              const char    *password,
              const char    *expected_username)
{
  g_autoptr(JsonObject) user = login (fx, name, password);

  if (expected_username == NULL)
    g_assert_null (user);
  else
    {
      g_assert_nonnull (user);
      g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, expected_username);
    }
}

static void
test_logins (LedgerFixture *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_load_f0 (fx);
  g_assert_true (tala_ledger_set_password (fx->ledger, "cashier1", "s3cret-pass", "admin",
                                           fx->now, &error));
  g_assert_true (tala_ledger_set_password (fx->ledger, "2025-00001", "juan-pass", NULL, fx->now,
                                           &error));
  g_assert_no_error (error);
  assert_login (fx, "cashier1", "s3cret-pass", "cashier1");
  assert_login (fx, "cashier1", "wrong", NULL);
  assert_login (fx, "nobody", "s3cret-pass", NULL);
  /* A student logs in with the number or the e-mail (any case). */
  assert_login (fx, "2025-00001", "juan-pass", "2025-00001");
  assert_login (fx, "JUAN@example.edu", "juan-pass", "2025-00001");
  /* An alias, such as the demo's seed_* names. */
  g_assert_true (tala_ledger_set_login_alias (fx->ledger, "2025-00001", "seed_juan", &error));
  g_assert_no_error (error);
  assert_login (fx, "seed_juan", "juan-pass", "2025-00001");
  g_assert_false (tala_ledger_set_login_alias (fx->ledger, "cashier1", "seed_juan", &error));
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tala_ledger_set_login_alias (fx->ledger, "cashier1", "admin", &error));
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  /* The verifier is Argon2id, never the password. */
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM credential_password"
                                    " WHERE verifier LIKE '$argon2id$%'"), ==, 2);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM credential_password"
                                    " WHERE verifier LIKE '%s3cret%'"), ==, 0);
  /* Setting a password is audited, and the chain stays intact. */
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM audit WHERE action = 'USER_UPDATED'"
                                    " AND after_json LIKE '%password_set%'"), ==, 2);
  {
    g_autoptr(GString) report = g_string_new (NULL);

    g_assert_true (tala_ledger_verify_chains (fx->ledger, report, &error));
  }
  /* A disabled user cannot log in. */
  {
    g_autoptr(JsonObject) r = test_apply_ok (fx, "user.put", "admin",
                                             "{\"username\":\"cashier1\",\"role\":\"CASHIER\","
                                             "\"first_name\":\"Maria\",\"last_name\":\"Santos\","
                                             "\"is_active\":false}");
  }
  assert_login (fx, "cashier1", "s3cret-pass", NULL);
}

static void
test_tokens (LedgerFixture *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *other = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) gone = NULL;

  test_load_f0 (fx);
  token = tala_ledger_issue_token (fx->ledger, "registrar1", fx->now, &error);
  other = tala_ledger_issue_token (fx->ledger, "registrar1", fx->now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (token), ==, 64);
  g_assert_cmpstr (token, !=, other);
  user = tala_ledger_token_user (fx->ledger, token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "registrar1");
  /* Only the hash is stored. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM credential_token"
                                            " WHERE token_hash = '%s'", token);

    g_assert_cmpint (test_scalar (fx, sql), ==, 0);
  }
  g_assert_cmpint (tala_ledger_revoke_tokens (fx->ledger, "registrar1", &error), ==, 2);
  gone = tala_ledger_token_user (fx->ledger, token, &error);
  g_assert_null (gone);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/ledger/credentials/logins", LedgerFixture, NULL, ledger_fixture_setup,
              test_logins, ledger_fixture_teardown);
  g_test_add ("/ledger/credentials/tokens", LedgerFixture, NULL, ledger_fixture_setup,
              test_tokens, ledger_fixture_teardown);
  return g_test_run ();
}
