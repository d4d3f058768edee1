/* ledger-credentials.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Credentials (ops.md §1.11): password verifiers and API tokens.  They are
 * not business data, so no op carries them: these functions write their
 * tables directly, and setting a password writes a USER_UPDATED audit
 * entry {password_set: true} outside the journal.  Passwords are Argon2id
 * (libsodium crypto_pwhash_str, interactive limits); tokens are 256 random
 * bits of which only the SHA-256 is stored.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "ledger-private.h"
#include "tala-ledger-replica.h"

#define MAX_PASSWORD_BYTES 1024
#define TOKEN_BYTES 32

static gboolean
ensure_sodium (GError **error)
{
  static gsize done = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&done))
    {
      ok = sodium_init () >= 0;
      g_once_init_leave (&done, 1);
    }
  if (!ok)
    g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB, "libsodium failed to start");
  return ok;
}

/* Columns: id, username, role, first_name, last_name, email, phone_number,
 * is_active, student number. */
static JsonObject *
user_json (TalaStmt *stmt)
{
  JsonObject *out = json_object_new ();

  json_object_set_int_member (out, "id", tala_stmt_int (stmt, 0));
  json_object_set_string_member (out, "username", tala_stmt_text (stmt, 1));
  json_object_set_string_member (out, "role", tala_stmt_text (stmt, 2));
  json_object_set_string_member (out, "first_name", tala_stmt_text (stmt, 3));
  json_object_set_string_member (out, "last_name", tala_stmt_text (stmt, 4));
  obj_set_str (out, "email", tala_stmt_text (stmt, 5));
  obj_set_str (out, "phone_number", tala_stmt_text (stmt, 6));
  json_object_set_boolean_member (out, "is_active", tala_stmt_int (stmt, 7) != 0);
  obj_set_str (out, "student", tala_stmt_text (stmt, 8));
  return out;
}

/**
 * tala_ledger_user:
 * @username: a username
 *
 * The user row: id, username, role, first_name, last_name, email?,
 * phone_number?, is_active and, for a student, student (the number).
 * %NULL with %TALA_LEDGER_ERROR_INVALID when there is no such user.
 * Blocks on SQLite.
 *
 * Returns: (transfer full): the user
 */
JsonObject *
tala_ledger_user (TalaLedger *self,
                  const char *username,
                  GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT u.id, u.username, u.role, u.first_name, u.last_name, u.email,"
                        " u.phone_number, u.is_active, s.number"
                        " FROM user u LEFT JOIN student s ON s.user_id = u.id"
                        " WHERE u.username = :u", ":u", DB_TEXT, username, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no user %s", username);
      return NULL;
    }
  return user_json (stmt);
}

static gboolean
check_password (const char *password,
                GError    **error)
{
  if (password == NULL || password[0] == '\0' || strlen (password) > MAX_PASSWORD_BYTES)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "a password has 1 to %d bytes", MAX_PASSWORD_BYTES);
      return FALSE;
    }
  return TRUE;
}

/**
 * tala_ledger_hash_password:
 * @password: a password (1–1024 bytes)
 *
 * The Argon2id verifier of @password (libsodium crypto_pwhash_str,
 * interactive limits), as tala_ledger_store_password() takes it.  Touches
 * no database, so it can run on any thread; it takes about 0.1 s and
 * 64 MiB.  %TALA_LEDGER_ERROR_INVALID for a bad password.
 *
 * Returns: (transfer full): the verifier, or %NULL with @error set
 */
char *
tala_ledger_hash_password (const char *password,
                           GError    **error)
{
  char verifier[crypto_pwhash_STRBYTES];
  char *out;

  if (!ensure_sodium (error) || !check_password (password, error))
    return NULL;
  if (crypto_pwhash_str (verifier, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_DB, "out of memory hashing");
      return NULL;
    }
  out = g_strdup (verifier);
  sodium_memzero (verifier, sizeof verifier);
  return out;
}

/**
 * tala_ledger_store_password:
 * @username: an existing user
 * @verifier: a verifier as tala_ledger_hash_password() made it
 * @actor: (nullable): who sets it, for the audit entry (%NULL = SYSTEM)
 * @now_us: the hub clock, µs
 *
 * Stores @verifier as @username's password, replacing any earlier one,
 * and appends the audit entry USER_UPDATED {password_set: true}, in one
 * transaction (nested in the caller's when one is open).  Tokens issued
 * before stay valid.  Fast: no hashing here.  %TALA_LEDGER_ERROR_INVALID
 * for an unknown user or a string that is not an Argon2id verifier.
 */
gboolean
tala_ledger_store_password (TalaLedger *self,
                            const char *username,
                            const char *verifier,
                            const char *actor,
                            gint64      now_us,
                            GError    **error)
{
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(JsonObject) after = json_object_new ();
  gint64 user_id;

  if (verifier == NULL || strlen (verifier) >= crypto_pwhash_STRBYTES ||
      !g_str_has_prefix (verifier, crypto_pwhash_argon2id_STRPREFIX))
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "not an Argon2id password verifier");
      return FALSE;
    }
  if (!tala_ledger_begin (self, error))
    return FALSE;
  user = tala_ledger_user (self, username, error);
  if (user == NULL)
    goto fail;
  user_id = json_object_get_int_member (user, "id");
  json_object_set_boolean_member (after, "password_set", TRUE);
  if (!tala_db_exec (self, error,
                     "INSERT INTO credential_password (user_id, verifier, set_at)"
                     " VALUES (:u, :v, :at) ON CONFLICT (user_id) DO UPDATE"
                     " SET verifier = excluded.verifier, set_at = excluded.set_at",
                     ":u", DB_INT, user_id, ":v", DB_TEXT, verifier, ":at", DB_INT, now_us, NULL) ||
      !_tala_audit_append (self, 0, NULL, "USER_UPDATED", actor, "User", username, before, after,
                           now_us, error))
    goto fail;
  return tala_ledger_commit (self, error);

fail:
  tala_ledger_rollback (self);
  return FALSE;
}

/**
 * tala_ledger_set_password:
 * @username: an existing user
 * @password: the new password (1–1024 bytes)
 * @actor: (nullable): who sets it, for the audit entry (%NULL = SYSTEM)
 * @now_us: the hub clock, µs
 *
 * tala_ledger_hash_password() then tala_ledger_store_password().  An
 * unknown user is found before hashing.  Hashing takes about 0.1 s and
 * 64 MiB; blocks: a server hashes on a reader thread and only stores on
 * its writer.  %TALA_LEDGER_ERROR_INVALID for an unknown user or a bad
 * password.
 */
gboolean
tala_ledger_set_password (TalaLedger *self,
                          const char *username,
                          const char *password,
                          const char *actor,
                          gint64      now_us,
                          GError    **error)
{
  g_autoptr(JsonObject) user = NULL;
  g_autofree char *verifier = NULL;
  gboolean ok;

  if (!check_password (password, error))
    return FALSE;
  user = tala_ledger_user (self, username, error);
  if (user == NULL)
    return FALSE;
  verifier = tala_ledger_hash_password (password, error);
  if (verifier == NULL)
    return FALSE;
  ok = tala_ledger_store_password (self, username, verifier, actor, now_us, error);
  sodium_memzero (verifier, strlen (verifier));
  return ok;
}

/**
 * tala_ledger_verify_login:
 * @login: a username, a student number, an e-mail address (D-S2; the
 *   e-mail compared case-insensitively) or a login alias
 * @password: the password given
 *
 * Finds the active user @login names whose stored verifier accepts
 * @password.  Returns that user (as tala_ledger_user()), or %NULL: with
 * @error unset for bad credentials (unknown login, no password, inactive
 * user, wrong password), with @error set only when SQLite failed.  Runs
 * Argon2id (about 0.1 s); blocks.
 *
 * Returns: (transfer full) (nullable): the user
 */
JsonObject *
tala_ledger_verify_login (TalaLedger *self,
                          const char *login,
                          const char *password,
                          GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  gboolean checked = FALSE;
  int rc;

  if (!ensure_sodium (error))
    return NULL;
  if (login == NULL || password == NULL || strlen (password) > MAX_PASSWORD_BYTES)
    return NULL;
  stmt = tala_db_query (self, error,
                        "SELECT u.id, u.username, u.role, u.first_name, u.last_name, u.email,"
                        " u.phone_number, u.is_active, s.number, c.verifier"
                        " FROM user u LEFT JOIN student s ON s.user_id = u.id"
                        " JOIN credential_password c ON c.user_id = u.id"
                        " WHERE u.is_active AND (u.username = :l OR s.number = :l"
                        " OR s.provisional_number = :l OR lower (u.email) = lower (:l)"
                        " OR u.id IN (SELECT user_id FROM credential_alias WHERE alias = :l))"
                        " ORDER BY u.username = :l DESC, u.id",
                        ":l", DB_TEXT, login, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      const char *verifier = tala_stmt_text (stmt, 9);

      checked = TRUE;
      if (crypto_pwhash_str_verify (verifier, password, strlen (password)) == 0)
        return user_json (stmt);
    }
  /* An unknown login costs what a wrong password costs, so that the time
   * of the answer does not tell which logins exist. */
  if (rc != -1 && !checked)
    {
      static gsize once;
      static char dummy[crypto_pwhash_STRBYTES];

      if (g_once_init_enter (&once))
        {
          if (crypto_pwhash_str (dummy, "tala", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                 crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
            dummy[0] = '\0';
          g_once_init_leave (&once, 1);
        }
      if (dummy[0] != '\0' &&
          crypto_pwhash_str_verify (dummy, password, strlen (password)) == 0)
        g_debug ("the dummy verifier matched");
    }
  return NULL;
}

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/**
 * tala_ledger_issue_token:
 * @username: an existing user
 * @now_us: the hub clock, µs
 *
 * Makes a new API token for @username: 256 random bits as 64 lower-case
 * hex characters.  Only its SHA-256 is stored, so the returned text is the
 * only copy.  %TALA_LEDGER_ERROR_INVALID for an unknown user.  Blocks.
 *
 * Returns: (transfer full): the token
 */
char *
tala_ledger_issue_token (TalaLedger *self,
                         const char *username,
                         gint64      now_us,
                         GError    **error)
{
  guint8 raw[TOKEN_BYTES];
  char token[TOKEN_BYTES * 2 + 1];
  g_autofree char *hash = NULL;
  g_autoptr(JsonObject) user = NULL;

  if (!ensure_sodium (error))
    return NULL;
  user = tala_ledger_user (self, username, error);
  if (user == NULL)
    return NULL;
  randombytes_buf (raw, sizeof raw);
  sodium_bin2hex (token, sizeof token, raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
  hash = token_hash (token);
  if (!tala_db_exec (self, error,
                     "INSERT INTO credential_token (token_hash, user_id, created_at)"
                     " VALUES (:h, :u, :at)",
                     ":h", DB_TEXT, hash,
                     ":u", DB_INT, json_object_get_int_member (user, "id"),
                     ":at", DB_INT, now_us, NULL))
    return NULL;
  return g_strdup (token);
}

/**
 * tala_ledger_token_user:
 * @token: a token as tala_ledger_issue_token() returned it
 *
 * The active user an unrevoked @token belongs to (as tala_ledger_user(),
 * plus "device": the terminal code when it is a terminal's token), or %NULL: with @error unset when the token is unknown, revoked or its
 * user disabled, set only when SQLite failed.  Blocks.
 *
 * Returns: (transfer full) (nullable): the user
 */
JsonObject *
tala_ledger_token_user (TalaLedger *self,
                        const char *token,
                        GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *hash = NULL;
  JsonObject *user;
  int rc;

  if (token == NULL || strlen (token) != TOKEN_BYTES * 2)
    return NULL;
  hash = token_hash (token);
  stmt = tala_db_query (self, error,
                        "SELECT u.id, u.username, u.role, u.first_name, u.last_name, u.email,"
                        " u.phone_number, u.is_active, s.number, d.code"
                        " FROM credential_token t JOIN user u ON u.id = t.user_id"
                        " LEFT JOIN student s ON s.user_id = u.id"
                        " LEFT JOIN device d ON d.token_id = t.id"
                        " WHERE t.token_hash = :h AND NOT t.revoked AND u.is_active",
                        ":h", DB_TEXT, hash, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    return NULL;
  user = user_json (stmt);
  obj_set_str (user, "device", tala_stmt_text (stmt, 9));
  return user;
}

/**
 * tala_ledger_revoke_tokens:
 * @username: a user
 *
 * Revokes every token of @username (`tala-hub user disable`).  Returns the
 * number revoked, or -1 with @error set.  An unknown user has none.  Blocks.
 */
gint64
tala_ledger_revoke_tokens (TalaLedger *self,
                           const char *username,
                           GError    **error)
{
  if (!tala_db_exec (self, error,
                     "UPDATE credential_token SET revoked = 1 WHERE NOT revoked AND user_id ="
                     " (SELECT id FROM user WHERE username = :u)",
                     ":u", DB_TEXT, username, NULL))
    return -1;
  return sqlite3_changes (self->db);
}

/**
 * tala_ledger_set_login_alias:
 * @username: an existing user
 * @alias: another name the user may log in with
 *
 * Lets @username log in as @alias too (D-S2: the demo's scenario students
 * keep their seed_* usernames).  An alias that is already a username, or
 * another user's alias, is %TALA_LEDGER_ERROR_INVALID.  Not an op: writes
 * no journal entry.  Blocks.
 */
gboolean
tala_ledger_set_login_alias (TalaLedger *self,
                             const char *username,
                             const char *alias,
                             GError    **error)
{
  gint64 user_id, taken;
  gboolean found, clash;

  if (!tala_db_int (self, &user_id, &found, error, "SELECT id FROM user WHERE username = :u",
                    ":u", DB_TEXT, username, NULL))
    return FALSE;
  if (!found)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "no user %s", username);
      return FALSE;
    }
  if (!tala_db_int (self, &taken, &clash, error,
                    "SELECT id FROM user WHERE username = :a"
                    " UNION ALL SELECT user_id FROM credential_alias"
                    " WHERE alias = :a AND user_id <> :u LIMIT 1",
                    ":a", DB_TEXT, alias, ":u", DB_INT, user_id, NULL))
    return FALSE;
  if (clash)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "%s is already someone's login", alias);
      return FALSE;
    }
  return tala_db_exec (self, error,
                       "INSERT INTO credential_alias (alias, user_id) VALUES (:a, :u)"
                       " ON CONFLICT (alias) DO NOTHING",
                       ":a", DB_TEXT, alias, ":u", DB_INT, user_id, NULL);
}

/**
 * tala_ledger_device_counters:
 * @code: a terminal code
 *
 * Where the terminal's series stand on the hub: the highest receipt,
 * device_seq and provisional number seen in its ops, applied or rejected,
 * as {last_receipt, last_device_seq, last_provisional} (0 when none).
 *
 * Returns: (transfer full): the counters, or %NULL with @error set
 */
JsonObject *
tala_ledger_device_counters (TalaLedger *self,
                             const char *code,
                             GError    **error)
{
  g_autoptr(TalaStmt) stmt = tala_db_query (self, error,
                                            "SELECT coalesce(max(max_receipt), 0),"
                                            " coalesce(max(max_device_seq), 0),"
                                            " coalesce(max(max_provisional), 0)"
                                            " FROM device_counter WHERE device = :c",
                                            ":c", DB_TEXT, code, NULL);
  JsonObject *out;

  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return NULL;
  out = json_object_new ();
  json_object_set_int_member (out, "last_receipt", tala_stmt_int (stmt, 0));
  json_object_set_int_member (out, "last_device_seq", tala_stmt_int (stmt, 1));
  json_object_set_int_member (out, "last_provisional", tala_stmt_int (stmt, 2));
  return out;
}

static gboolean
valid_terminal_code (const char *code)
{
  gsize n = code ? strlen (code) : 0;

  if (n == 0 || n > 10 || !g_ascii_isupper (code[0]) || strcmp (code, "HUB") == 0)
    return FALSE;
  for (gsize i = 1; i < n; i++)
    if (!g_ascii_isupper (code[i]) && !g_ascii_isdigit (code[i]))
      return FALSE;
  return TRUE;
}

/**
 * tala_ledger_register_device:
 * @username: the user registering the terminal (must exist and be active)
 * @code: the terminal code: an upper-case letter, then up to 9 upper-case
 *   letters or digits, not HUB
 * @now_us: the hub clock
 *
 * Issues the terminal's token (bound to @username and @code), revoking the
 * token of an earlier registration of @code, and appends the audit entry
 * DEVICE_REGISTERED, in one transaction.  The answer tells the terminal
 * where its series stand on the hub (ops.md §3): {device_token, terminal,
 * username, role, last_receipt, last_device_seq, last_provisional}.
 * %TALA_LEDGER_ERROR_INVALID for a bad code or an unknown user.  Blocks.
 *
 * Returns: (transfer full): the registration, or %NULL with @error set
 */
JsonObject *
tala_ledger_register_device (TalaLedger *self,
                             const char *username,
                             const char *code,
                             gint64      now_us,
                             GError    **error)
{
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(JsonObject) after = json_object_new ();
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(JsonObject) counters = NULL;
  JsonObject *out;
  gint64 token_id = 0, old_token = 0;
  gboolean found;

  if (!valid_terminal_code (code))
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "a terminal code is an upper-case letter and up to 9 more upper-case"
                   " letters or digits (not HUB)");
      return NULL;
    }
  if (!tala_ledger_begin (self, error))
    return NULL;
  user = tala_ledger_user (self, username, error);
  if (user == NULL)
    goto fail;
  if (!tala_db_int (self, &old_token, &found, error,
                    "SELECT token_id FROM device WHERE code = :c", ":c", DB_TEXT, code, NULL) ||
      (found && !tala_db_exec (self, error,
                               "UPDATE credential_token SET revoked = 1 WHERE id = :t",
                               ":t", DB_INT, old_token, NULL)))
    goto fail;
  token = tala_ledger_issue_token (self, username, now_us, error);
  hash = token ? token_hash (token) : NULL;
  if (token == NULL ||
      !tala_db_int (self, &token_id, NULL, error,
                    "SELECT id FROM credential_token WHERE token_hash = :h",
                    ":h", DB_TEXT, hash, NULL) ||
      !tala_db_exec (self, error,
                     "INSERT INTO device (code, token_id, user_id, registered_at)"
                     " VALUES (:c, :t, :u, :at) ON CONFLICT (code) DO UPDATE SET"
                     " token_id = excluded.token_id, user_id = excluded.user_id,"
                     " registered_at = excluded.registered_at",
                     ":c", DB_TEXT, code, ":t", DB_INT, token_id,
                     ":u", DB_INT, json_object_get_int_member (user, "id"),
                     ":at", DB_INT, now_us, NULL) ||
      (counters = tala_ledger_device_counters (self, code, error)) == NULL)
    goto fail;
  json_object_set_string_member (after, "terminal", code);
  json_object_set_string_member (after, "username", username);
  if (!_tala_audit_append (self, 0, NULL, "DEVICE_REGISTERED", username, "Device", code,
                           before, after, now_us, error) ||
      !tala_ledger_commit (self, error))
    goto fail;
  out = json_object_new ();
  json_object_set_string_member (out, "device_token", token);
  json_object_set_string_member (out, "terminal", code);
  json_object_set_string_member (out, "username", username);
  json_object_set_string_member (out, "role", json_object_get_string_member (user, "role"));
  json_object_set_int_member (out, "last_receipt",
                              json_object_get_int_member (counters, "last_receipt"));
  json_object_set_int_member (out, "last_device_seq",
                              json_object_get_int_member (counters, "last_device_seq"));
  json_object_set_int_member (out, "last_provisional",
                              json_object_get_int_member (counters, "last_provisional"));
  return out;

fail:
  tala_ledger_rollback (self);
  return NULL;
}

/**
 * tala_ledger_devices:
 *
 * The terminals registered on the hub, by code: [{code, username,
 * registered_at (µs), revoked}], where revoked tells whether the
 * terminal's token has been revoked (`tala-hub device revoke`, or a
 * disabled user).  Blocks.
 *
 * Returns: (transfer full): the terminals, or %NULL with @error set
 */
JsonArray *
tala_ledger_devices (TalaLedger *self,
                     GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT d.code, u.username, d.registered_at, t.revoked"
                        " FROM device d JOIN user u ON u.id = d.user_id"
                        " JOIN credential_token t ON t.id = d.token_id ORDER BY d.code", NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();

      json_object_set_string_member (row, "code", tala_stmt_text (stmt, 0));
      json_object_set_string_member (row, "username", tala_stmt_text (stmt, 1));
      json_object_set_int_member (row, "registered_at", tala_stmt_int (stmt, 2));
      json_object_set_boolean_member (row, "revoked", tala_stmt_int (stmt, 3) != 0);
      json_array_add_object_element (out, row);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_revoke_device:
 * @code: a registered terminal
 * @actor: (nullable): who revokes it, for the audit entry (%NULL = SYSTEM)
 * @now_us: the hub clock, µs
 * @was_revoked: (out) (optional): set to whether the token was already
 *   revoked, in which case nothing is written
 *
 * Revokes terminal @code's token (every request made with it is then
 * answered 401) and appends the audit entry DEVICE_REGISTERED (Device
 * @code) before {terminal, username, revoked: false}, after {terminal,
 * username, revoked: true}, in one transaction: the action list is closed
 * (decisions.md D-A1) and this is a change of the terminal's
 * registration.  The terminal comes back only by registering again (a
 * user's password, a new token).  %TALA_LEDGER_ERROR_INVALID for a code
 * that is not registered.  Blocks.
 */
gboolean
tala_ledger_revoke_device (TalaLedger *self,
                           const char *code,
                           const char *actor,
                           gint64      now_us,
                           gboolean   *was_revoked,
                           GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonObject) before = json_object_new ();
  g_autoptr(JsonObject) after = json_object_new ();
  g_autofree char *username = NULL;
  gint64 token_id;
  gboolean revoked;
  int rc;

  if (!tala_ledger_begin (self, error))
    return FALSE;
  stmt = tala_db_query (self, error,
                        "SELECT d.token_id, t.revoked, u.username FROM device d"
                        " JOIN credential_token t ON t.id = d.token_id"
                        " JOIN user u ON u.id = d.user_id WHERE d.code = :c",
                        ":c", DB_TEXT, code, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    goto fail;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "no terminal %s is registered", code);
      goto fail;
    }
  token_id = tala_stmt_int (stmt, 0);
  revoked = tala_stmt_int (stmt, 1) != 0;
  username = g_strdup (tala_stmt_text (stmt, 2));
  g_clear_pointer (&stmt, tala_stmt_release);
  if (was_revoked != NULL)
    *was_revoked = revoked;
  if (revoked)
    return tala_ledger_commit (self, error);
  json_object_set_string_member (before, "terminal", code);
  json_object_set_string_member (before, "username", username);
  json_object_set_boolean_member (before, "revoked", FALSE);
  json_object_set_string_member (after, "terminal", code);
  json_object_set_string_member (after, "username", username);
  json_object_set_boolean_member (after, "revoked", TRUE);
  if (!tala_db_exec (self, error, "UPDATE credential_token SET revoked = 1 WHERE id = :t",
                     ":t", DB_INT, token_id, NULL) ||
      !_tala_audit_append (self, 0, NULL, "DEVICE_REGISTERED", actor, "Device", code,
                           before, after, now_us, error))
    goto fail;
  return tala_ledger_commit (self, error);

fail:
  tala_ledger_rollback (self);
  return FALSE;
}
