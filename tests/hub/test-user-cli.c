/* test-user-cli.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub user add|passwd|disable` and `tala-hub serve` (with --rate-anon) as black boxes:
 * exit codes (0 done, 1 failure or rejected op, 2 wrong usage), what they
 * leave in the ledger, and a graceful stop on SIGTERM.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

/* Runs tala-hub with @args (NULL-terminated), feeding @input when given;
 * returns the exit status. */
static int
hub (const char *input,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) in = input ? g_bytes_new (input, strlen (input)) : NULL;
  va_list ap;
  const char *arg;

  g_ptr_array_add (argv, (char *) g_getenv ("TALA_HUB"));
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            (in ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0) |
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, in, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

static char *
seeded_ledger (void)
{
  LedgerFixture fx = { 0 };
  char *path;

  ledger_fixture_setup (&fx, NULL);
  test_load_f0 (&fx);
  path = g_steal_pointer (&fx.path);
  g_clear_pointer (&fx.ledger, tala_ledger_free);
  return path;
}

static gboolean
can_login (const char *path,
           const char *login,
           const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = tala_ledger_open (path, &error);
  g_autoptr(JsonObject) user = NULL;

  g_assert_no_error (error);
  user = tala_ledger_verify_login (ledger, login, password, &error);
  g_assert_no_error (error);
  return user != NULL;
}

static void
test_user_add (void)
{
  g_autofree char *db = seeded_ledger ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GString) report = g_string_new (NULL);

  g_assert_cmpint (hub ("s3cret pass\n", "user", "add", "cashier2", "--role", "CASHIER",
                        "--first", "Rosa", "--last", "Luna", "--email", "rosa@example.edu",
                        "--db", db, "--password-stdin", NULL), ==, 0);
  g_assert_true (can_login (db, "cashier2", "s3cret pass"));
  g_assert_true (can_login (db, "ROSA@example.edu", "s3cret pass"));
  g_assert_false (can_login (db, "cashier2", "s3cret"));

  ledger = tala_ledger_open (db, &error);
  g_assert_no_error (error);
  user = tala_ledger_user (ledger, "cashier2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "CASHIER");
  g_assert_true (tala_ledger_verify_chains (ledger, report, &error));
  g_assert_no_error (error);

  /* Wrong usage, then a rejected op (a student's username). */
  g_assert_cmpint (hub (NULL, "user", "add", "x", "--db", db, NULL), ==, 2);
  g_assert_cmpint (hub (NULL, "user", "add", "--role", "ADMIN", "--first", "A", "--last", "B",
                        "--db", db, NULL), ==, 2);
  g_assert_cmpint (hub (NULL, "user", "frob", NULL), ==, 2);
  g_assert_cmpint (hub (NULL, "user", "add", "2025-00001", "--role", "ADMIN", "--first", "A",
                        "--last", "B", "--db", db, NULL), ==, 1);
}

static void
test_user_passwd_disable (void)
{
  g_autofree char *db = seeded_ledger ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) by_token = NULL;
  g_autofree char *token = NULL;

  g_assert_cmpint (hub ("first\n", "user", "passwd", "cashier1", "--db", db,
                        "--password-stdin", NULL), ==, 0);
  g_assert_cmpint (hub ("second\n", "user", "passwd", "cashier1", "--db", db,
                        "--password-stdin", NULL), ==, 0);
  g_assert_false (can_login (db, "cashier1", "first"));
  g_assert_true (can_login (db, "cashier1", "second"));
  g_assert_cmpint (hub (NULL, "user", "passwd", "cashier1", "--db", db, NULL), ==, 2);
  g_assert_cmpint (hub ("x\n", "user", "passwd", "nobody", "--db", db, "--password-stdin",
                        NULL), ==, 1);

  ledger = tala_ledger_open (db, &error);
  g_assert_no_error (error);
  token = tala_ledger_issue_token (ledger, "cashier1", tala_now_us (), &error);
  g_assert_no_error (error);
  by_token = tala_ledger_token_user (ledger, token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (by_token, "username"), ==, "cashier1");
  g_clear_pointer (&ledger, tala_ledger_free);

  g_assert_cmpint (hub (NULL, "user", "disable", "cashier1", "--db", db, NULL), ==, 0);
  g_assert_false (can_login (db, "cashier1", "second"));
  ledger = tala_ledger_open (db, &error);
  g_assert_no_error (error);
  g_clear_pointer (&by_token, json_object_unref);
  by_token = tala_ledger_token_user (ledger, token, &error);
  g_assert_no_error (error);
  g_assert_null (by_token);
  user = tala_ledger_user (ledger, "cashier1", &error);
  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (user, "is_active"));
  g_assert_cmpint (hub (NULL, "user", "disable", "nobody", "--db", db, NULL), ==, 1);
}

static void
got_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  guint *status = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               NULL);

  *status = soup_message_get_status (msg);
}

static void
test_serve (void)
{
  g_autofree char *db = seeded_ledger ();
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *line = NULL;
  g_autofree char *base = NULL;
  const char *port;
  /* --rate-anon 1: /readyz is not counted, the first schema request is
   * (401), the second is limited. */
  static const struct
  {
    const char *path;
    guint       status;
  } requests[] = {
    { "/readyz", 200 }, { "/readyz", 200 }, { "/api/v1/schema/", 401 }, { "/api/v1/schema/", 429 },
  };

  g_assert_cmpint (hub (NULL, "serve", "--db", db, "--rate-auth", "-5", NULL), ==, 2);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                           &error, g_getenv ("TALA_HUB"), "serve", "--db", db, "--listen",
                           "127.0.0.1:0", "--rate-anon", "1", NULL);
  g_assert_no_error (error);
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  port = strstr (line, "listening on port ");
  g_assert_nonnull (port);
  base = g_strdup_printf ("http://127.0.0.1:%d", atoi (port + strlen ("listening on port ")));

  g_main_context_push_thread_default (context);
  session = soup_session_new ();
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *uri = g_strconcat (base, requests[i].path, NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      guint status = 0;

      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, got_cb, &status);
      while (status == 0)
        g_main_context_iteration (context, TRUE);
      g_assert_cmpuint (status, ==, requests[i].status);
    }
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  /* The last connection closed checkpointed and removed the WAL. */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hub/user-cli/add", test_user_add);
  g_test_add_func ("/hub/user-cli/passwd-disable", test_user_passwd_disable);
  g_test_add_func ("/hub/serve-cli/sigterm", test_serve);

  return g_test_run ();
}
