/* test-security.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub against an attacker (docs/security.md): `tala-hub device
 * list|revoke` and a revoked terminal's token answered 401 at once; the
 * lockout after repeated bad logins (429 login_locked with Retry-After,
 * per login, cleared by a success, over when the window ends, driven by
 * an injected clock); and what a stolen terminal token can and cannot do.
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tala-ledger.h"
#include "test-hub.h"

#define REGISTER "/api/v1/sync/register"
#define PUSH     "/api/v1/sync/push"
#define PULL     "/api/v1/sync/pull?after=0"
#define SNAPSHOT "/api/v1/sync/snapshot"
#define LOGIN    "/api-token-auth/"

/* Runs tala-hub with @args (NULL-terminated); returns the exit status,
 * @out (nullable) gets standard output. */
static int
run_hub (char              **out,
         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (g_getenv ("TALA_HUB"));
  g_ptr_array_add (argv, (char *) g_getenv ("TALA_HUB"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &text, &err, &error);
  g_assert_no_error (error);
  g_test_message ("tala-hub %s %s: %s", args[0], args[1] ? args[1] : "", err);
  if (out != NULL)
    *out = g_steal_pointer (&text);
  return g_subprocess_get_exit_status (proc);
}

/* Registers terminal @code as @username; returns its token. */
static char *
register_terminal (HubFixture *fx,
                   const char *username,
                   const char *code)
{
  g_autofree char *token = hub_login_as (fx, username);
  g_autofree char *body = g_strdup_printf ("{\"terminal\":\"%s\"}", code);
  g_auto(HubReply) r = hub_call (fx, "POST", REGISTER, token, body);
  g_autoptr(JsonObject) reply = NULL;

  g_assert_cmpuint (r.status, ==, 201);
  reply = hub_reply_object (&r);
  g_assert_cmpstr (json_object_get_string_member (reply, "terminal"), ==, code);
  return g_strdup (json_object_get_string_member (reply, "device_token"));
}

/* A push body of one CASH payment recorded on terminal @device. */
static char *
push_body (const char *device,
           gint64      seq)
{
  g_autofree char *op_id = g_uuid_string_random ();
  g_autofree char *at = tala_timestamp_format (g_get_real_time ());

  return g_strdup_printf ("{\"ops\":[{\"op_id\":\"%s\",\"kind\":\"payment.record\","
                          "\"actor\":\"cashier1\",\"device\":\"%s\",\"device_seq\":%"
                          G_GINT64_FORMAT ",\"recorded_at\":\"%s\",\"args\":{\"student\":"
                          "\"2025-00001\",\"amount\":\"100.00\",\"method\":\"CASH\","
                          "\"receipt_no\":\"%s-%06" G_GINT64_FORMAT "\"}}]}",
                          op_id, device, seq, at, device, seq);
}

static guint
status_of (HubFixture *fx,
           const char *method,
           const char *path,
           const char *token,
           const char *body)
{
  g_auto(HubReply) r = hub_call (fx, method, path, token, body);

  return r.status;
}

/* The line of @code in `device list`'s output (NULL when absent). */
static char *
list_line (const char *out,
           const char *code)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (lines[i], " ", -1);

      if (g_strcmp0 (fields[0], code) == 0)
        return g_strdup (lines[i]);
    }
  return NULL;
}

/* ---- tala-hub device list|revoke ------------------------------------------ */

static void
test_device_revoke (HubFixture    *fx,
                    gconstpointer  data)
{
  g_autofree char *c01 = register_terminal (fx, "cashier1", "C01");
  g_autofree char *c02 = register_terminal (fx, "registrar1", "C02");
  g_autofree char *person = hub_login_as (fx, "cashier1");
  g_autofree char *missing = g_strconcat (fx->path, ".missing", NULL);
  g_autofree char *out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *body = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;

  /* The terminal's token works for its own sync. */
  body = push_body ("C01", 1);
  g_assert_cmpuint (status_of (fx, "POST", PUSH, c01, body), ==, 200);
  g_assert_cmpuint (status_of (fx, "GET", PULL, c01, NULL), ==, 200);
  g_assert_cmpuint (status_of (fx, "GET", SNAPSHOT, c01, NULL), ==, 200);

  /* Usage: --help 0, wrong usage 2, an unknown terminal or no ledger 1. */
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", "--help", NULL }), ==, 0);
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", NULL }), ==, 2);
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", "frob", NULL }), ==, 2);
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", "revoke", "--db", fx->path,
                                                     NULL }), ==, 2);
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", "revoke", "C01", NULL }), ==, 2);
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", "list", "C01", "--db", fx->path,
                                                     NULL }), ==, 2);
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", "revoke", "C99", "--db",
                                                     fx->path, NULL }), ==, 1);
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", "list", "--db", missing, NULL }),
                   ==, 1);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run_hub (&out, (const char *[]) { "device", "list", "--db", fx->path,
                                                     NULL }), ==, 0);
  line = list_line (out, "C01");
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, " cashier1 "));
  g_assert_true (g_str_has_suffix (line, " active"));
  g_clear_pointer (&line, g_free);
  line = list_line (out, "C02");
  g_assert_nonnull (strstr (line, " registrar1 "));
  g_clear_pointer (&line, g_free);
  g_clear_pointer (&out, g_free);

  /* Revoke C01 on the running hub: its token is refused at once. */
  g_assert_cmpint (run_hub (&out, (const char *[]) { "device", "revoke", "C01", "--db",
                                                     fx->path, NULL }), ==, 0);
  g_assert_cmpstr (out, ==, "terminal C01 revoked\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&body, g_free);
  body = push_body ("C01", 2);
  {
    g_auto(HubReply) push = hub_call (fx, "POST", PUSH, c01, body);
    g_auto(HubReply) pull = hub_call (fx, "GET", PULL, c01, NULL);
    g_auto(HubReply) snap = hub_call (fx, "GET", SNAPSHOT, c01, NULL);

    hub_assert_error (&push, 401, "unauthorized");
    hub_assert_error (&pull, 401, "unauthorized");
    hub_assert_error (&snap, 401, "unauthorized");
  }
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C01'"), ==, 1);
  /* The other terminal and the user's own login are untouched. */
  g_assert_cmpuint (status_of (fx, "GET", PULL, c02, NULL), ==, 200);
  g_assert_cmpuint (status_of (fx, "GET", "/api/v1/cashier/payment/payment_methods/", person,
                               NULL), ==, 200);

  /* Listed as revoked; audited once, as DEVICE_REGISTERED {revoked: true}. */
  g_assert_cmpint (run_hub (&out, (const char *[]) { "device", "list", "--db", fx->path,
                                                     NULL }), ==, 0);
  line = list_line (out, "C01");
  g_assert_true (g_str_has_suffix (line, " revoked"));
  g_clear_pointer (&line, g_free);
  line = list_line (out, "C02");
  g_assert_true (g_str_has_suffix (line, " active"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE action ="
                                      " 'DEVICE_REGISTERED' AND target_model = 'Device' AND"
                                      " target_id = 'C01' AND actor IS NULL AND"
                                      " json_extract (after_json, '$.revoked') = 1 AND"
                                      " json_extract (before_json, '$.revoked') = 0"), ==, 1);
  g_assert_cmpint (run_hub (&out, (const char *[]) { "device", "revoke", "C01", "--db",
                                                     fx->path, NULL }), ==, 0);
  g_assert_cmpstr (out, ==, "terminal C01 was already revoked\n");
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM audit WHERE target_id = 'C01' AND"
                                      " json_extract (after_json, '$.revoked') = 1"), ==, 1);
  ledger = tala_ledger_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_true (tala_ledger_verify_chains (ledger, report, &error));
  g_assert_no_error (error);

  /* Registering again (a user's password) is the way back: a new token. */
  again = register_terminal (fx, "cashier1", "C01");
  g_assert_cmpstr (again, !=, c01);
  g_assert_cmpuint (status_of (fx, "GET", PULL, again, NULL), ==, 200);
  g_assert_cmpuint (status_of (fx, "GET", PULL, c01, NULL), ==, 401);
}

/* ---- Lockout after bad logins -------------------------------------------- */

static gint64 fake_clock_us = G_USEC_PER_SEC * (gint64) 1000000;
static TalaHubServerOptions lockout_options = { .login_clock_us = &fake_clock_us };

static HubReply
login (HubFixture *fx,
       const char *username,
       const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);

  return hub_call (fx, "POST", LOGIN, NULL, body);
}

static void
assert_locked (HubFixture *fx,
               const char *username,
               const char *password,
               gint64      retry_after)
{
  g_auto(HubReply) r = login (fx, username, password);

  hub_assert_error (&r, 429, "login_locked");
  g_assert_cmpstr (soup_message_headers_get_one (r.headers, "Retry-After"), !=, NULL);
  g_assert_cmpint (g_ascii_strtoll (soup_message_headers_get_one (r.headers, "Retry-After"),
                                    NULL, 10), ==, retry_after);
}

static void
bad_logins (HubFixture *fx,
            const char *username,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_auto(HubReply) r = login (fx, username, "wrong");

      hub_assert_error (&r, 400, "invalid_credentials");
    }
}

static void
test_lockout (HubFixture    *fx,
              gconstpointer  data)
{
  fake_clock_us = G_USEC_PER_SEC * (gint64) 1000000;

  /* Five bad attempts, then even the right password is refused. */
  bad_logins (fx, "cashier1", 5);
  assert_locked (fx, "cashier1", "cashier-pass", 900);
  /* The same login in other letter case is the same login. */
  assert_locked (fx, "CASHIER1", "cashier-pass", 900);
  /* Another user is not affected. */
  g_free (hub_login_as (fx, "registrar1"));

  /* Until the window (15 minutes from the first attempt) ends. */
  fake_clock_us += 899 * G_USEC_PER_SEC;
  assert_locked (fx, "cashier1", "cashier-pass", 1);
  fake_clock_us += G_USEC_PER_SEC;
  g_free (hub_login_as (fx, "cashier1"));

  /* A success clears the count: 4 + success + 4 bad ones never lock. */
  bad_logins (fx, "cashier1", 4);
  g_free (hub_login_as (fx, "cashier1"));
  bad_logins (fx, "cashier1", 4);
  g_free (hub_login_as (fx, "cashier1"));

  /* Nor does a success with another login of the same user (by e-mail
   * or number) leave the username's count behind. */
  bad_logins (fx, "2025-00001", 4);
  g_free (hub_login (fx, "JUAN@example.edu", "student-pass"));
  bad_logins (fx, "2025-00001", 4);
  g_free (hub_login (fx, "2025-00001", "student-pass"));

  /* Counting goes on after a success: 5 more bad ones lock again, the
   * window starting at the first of them. */
  fake_clock_us += 60 * G_USEC_PER_SEC;
  bad_logins (fx, "cashier1", 1);
  fake_clock_us += 100 * G_USEC_PER_SEC;
  bad_logins (fx, "cashier1", 4);
  assert_locked (fx, "cashier1", "cashier-pass", 800);
  /* An unknown name is locked out the same way (no hint that it is). */
  bad_logins (fx, "nobody", 5);
  assert_locked (fx, "nobody", "x", 900);
  /* A request that is not an attempt (no password) is not counted. */
  {
    g_auto(HubReply) r = hub_call (fx, "POST", LOGIN, NULL, "{\"username\":\"registrar1\"}");

    hub_assert_error (&r, 400, "invalid_args");
  }
}

/* ---- A stolen terminal token --------------------------------------------- */

static void
test_stolen_terminal_token (HubFixture    *fx,
                            gconstpointer  data)
{
  g_autofree char *c01 = register_terminal (fx, "cashier1", "C01");
  g_autofree char *c02 = register_terminal (fx, "registrar1", "C02");
  g_autofree char *own = push_body ("C01", 1);
  g_autofree char *other = push_body ("C02", 1);
  g_autofree char *login_body = NULL;
  g_autofree char *both = NULL;
  g_autoptr(JsonObject) reply = NULL;
  static const char *const admin_routes[][2] = {
    { "GET", "/api/v1/admin/users/cashier1/" },
    { "GET", "/api/v1/admin/config/receipt_footer/" },
    { "GET", "/api/v1/admin/jobs/" },
  };

  /* It can do its terminal's sync. */
  {
    g_auto(HubReply) push = hub_call (fx, "POST", PUSH, c01, own);
    JsonArray *results;

    g_assert_cmpuint (push.status, ==, 200);
    reply = hub_reply_object (&push);
    results = json_object_get_array_member (reply, "results");
    g_assert_cmpuint (json_array_get_length (results), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                    "status"), ==, "applied");
  }
  g_assert_cmpuint (status_of (fx, "GET", PULL, c01, NULL), ==, 200);
  g_assert_cmpuint (status_of (fx, "GET", SNAPSHOT, c01, NULL), ==, 200);

  /* It cannot push another terminal's ops, alone or in a batch with its
   * own: 403 and nothing applied. */
  {
    g_auto(HubReply) r = hub_call (fx, "POST", PUSH, c01, other);

    hub_assert_error (&r, 403, "forbidden");
  }
  both = g_strdup_printf ("{\"ops\":[%.*s,%.*s]}",
                          (int) (strlen (own) - strlen ("{\"ops\":[") - 2),
                          own + strlen ("{\"ops\":["),
                          (int) (strlen (other) - strlen ("{\"ops\":[") - 2),
                          other + strlen ("{\"ops\":["));
  {
    g_auto(HubReply) r = hub_call (fx, "POST", PUSH, c01, both);

    hub_assert_error (&r, 403, "forbidden");
  }
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C02'"), ==, 0);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C01'"), ==, 1);

  /* It is for syncing only: not even its user's own routes, and it mints
   * no other terminal. */
  {
    g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/cashier/payment/payment_methods/", c01,
                                   NULL);
    g_auto(HubReply) reg = hub_call (fx, "POST", "/api/v1/sync/register", c01,
                                     "{\"terminal\":\"C09\"}");

    hub_assert_error (&r, 403, "forbidden");
    hub_assert_error (&reg, 403, "forbidden");
    g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM device WHERE code = 'C09'"), ==, 0);
  }

  /* It cannot use the admin routes (its user is a cashier). */
  for (guint i = 0; i < G_N_ELEMENTS (admin_routes); i++)
    {
      g_auto(HubReply) r = hub_call (fx, admin_routes[i][0], admin_routes[i][1], c01, NULL);

      hub_assert_error (&r, 403, "forbidden");
    }

  /* It is not a password: it cannot log in, as its user or its terminal. */
  login_body = g_strdup_printf ("{\"username\":\"cashier1\",\"password\":\"%s\"}", c01);
  {
    g_auto(HubReply) r = hub_call (fx, "POST", LOGIN, c01, login_body);

    hub_assert_error (&r, 400, "invalid_credentials");
  }
  g_clear_pointer (&login_body, g_free);
  login_body = g_strdup_printf ("{\"username\":\"C01\",\"password\":\"%s\"}", c01);
  {
    g_auto(HubReply) r = hub_call (fx, "POST", LOGIN, NULL, login_body);

    hub_assert_error (&r, 400, "invalid_credentials");
  }

  /* Once revoked, nothing. */
  g_assert_cmpint (run_hub (NULL, (const char *[]) { "device", "revoke", "C01", "--db",
                                                     fx->path, NULL }), ==, 0);
  g_clear_pointer (&own, g_free);
  own = push_body ("C01", 2);
  g_assert_cmpuint (status_of (fx, "POST", PUSH, c01, own), ==, 401);
  g_assert_cmpuint (status_of (fx, "GET", PULL, c01, NULL), ==, 401);
  g_assert_cmpuint (status_of (fx, "GET", SNAPSHOT, c01, NULL), ==, 401);
  g_assert_cmpuint (status_of (fx, "POST", REGISTER, c01, "{\"terminal\":\"C09\"}"), ==, 401);
  g_assert_cmpuint (status_of (fx, "GET", "/api/v1/cashier/payment/payment_methods/", c01,
                               NULL), ==, 401);
  g_assert_cmpuint (status_of (fx, "GET", "/api/v1/schema/", c01, NULL), ==, 401);
  g_assert_cmpint (hub_db_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C01'"), ==, 1);
  /* The other terminal goes on. */
  g_assert_cmpuint (status_of (fx, "GET", PULL, c02, NULL), ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hub/security/device-revoke", HubFixture, NULL, hub_fixture_setup,
              test_device_revoke, hub_fixture_teardown);
  g_test_add ("/hub/security/lockout", HubFixture, &lockout_options, hub_fixture_setup,
              test_lockout, hub_fixture_teardown);
  g_test_add ("/hub/security/stolen-terminal-token", HubFixture, NULL, hub_fixture_setup,
              test_stolen_terminal_token, hub_fixture_teardown);
  return g_test_run ();
}
