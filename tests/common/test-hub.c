/* test-hub.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>

#include "test-hub.h"

const char *const hub_test_users[7][2] = {
  { "admin", "admin-pass" },
  { "cashier1", "cashier-pass" },
  { "registrar1", "registrar-pass" },
  { "prof1", "prof-pass" },
  { "head1", "head-pass" },
  { "admit1", "admit-pass" },
  { "2025-00001", "student-pass" },
};

void
hub_reply_clear (HubReply *r)
{
  g_clear_pointer (&r->body, g_free);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
}

void
hub_fixture_setup_with (HubFixture    *fx,
                        gconstpointer  data,
                        void         (*prepare) (LedgerFixture *seed))
{
  LedgerFixture seed = { 0 };
  TalaHubServerOptions options = { .quiet = TRUE };
  const TalaHubServerOptions *given = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) head = NULL;
  g_autoptr(JsonObject) admit = NULL;

  ledger_fixture_setup (&seed, NULL);
  test_load_f0 (&seed);
  head = test_apply_ok (&seed, "user.put", "admin",
                        "{\"username\":\"head1\",\"role\":\"HEAD_REGISTRAR\","
                        "\"first_name\":\"Nora\",\"last_name\":\"Aquino\"}");
  admit = test_apply_ok (&seed, "user.put", "admin",
                         "{\"username\":\"admit1\",\"role\":\"ADMISSION_STAFF\","
                         "\"first_name\":\"Pia\",\"last_name\":\"Lim\"}");
  for (guint i = 0; i < G_N_ELEMENTS (hub_test_users); i++)
    {
      tala_ledger_set_password (seed.ledger, hub_test_users[i][0], hub_test_users[i][1], NULL,
                                seed.now, &error);
      g_assert_no_error (error);
    }
  if (prepare != NULL)
    prepare (&seed);
  /* Closed, not torn down: the teardown deletes the file. */
  fx->path = g_steal_pointer (&seed.path);
  g_clear_pointer (&seed.ledger, tala_ledger_free);

  fx->context = g_main_context_new ();
  g_main_context_push_thread_default (fx->context);
  if (given != NULL)
    options = *given;
  fx->server = tala_hub_server_new (fx->path, &options, &error);
  g_assert_no_error (error);
  tala_hub_server_listen (fx->server, "127.0.0.1:0", &error);
  g_assert_no_error (error);
  fx->port = tala_hub_server_get_port (fx->server);
  g_assert_cmpuint (fx->port, >, 0);
  fx->session = soup_session_new ();
}

void
hub_fixture_setup (HubFixture    *fx,
                   gconstpointer  data)
{
  hub_fixture_setup_with (fx, data, NULL);
}

void
hub_fixture_teardown (HubFixture    *fx,
                      gconstpointer  data)
{
  g_clear_object (&fx->session);
  while (tala_hub_server_in_flight (fx->server) > 0)
    g_main_context_iteration (fx->context, TRUE);
  g_assert_finalize_object (fx->server);
  while (g_main_context_iteration (fx->context, FALSE))
    ;
  g_main_context_pop_thread_default (fx->context);
  g_main_context_unref (fx->context);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strconcat (fx->path, (const char *[]) { "", "-wal", "-shm" }[i],
                                           NULL);

      g_unlink (file);
    }
  g_free (fx->path);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HubReply *r = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);

  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  r->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  r->done = TRUE;
}

void
hub_start (HubFixture *fx,
           HubReply   *r,
           const char *method,
           const char *path,
           const char *token,
           const char *idem_key,
           const char *content_type,
           const char *body)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", fx->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Token %s", token);

      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (idem_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idem_key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type ? content_type
                                                                  : "application/json", bytes);
    }
  soup_session_send_and_read_async (fx->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, r);
}

void
hub_send_message (HubFixture  *fx,
                  HubReply    *r,
                  SoupMessage *msg)
{
  soup_session_send_and_read_async (fx->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, r);
}

void
hub_wait (HubFixture *fx,
          HubReply   *r)
{
  while (!r->done)
    g_main_context_iteration (fx->context, TRUE);
}

HubReply
hub_call (HubFixture *fx,
          const char *method,
          const char *path,
          const char *token,
          const char *body)
{
  HubReply r = { 0 };

  hub_start (fx, &r, method, path, token, NULL, NULL, body);
  hub_wait (fx, &r);
  return r;
}

JsonObject *
hub_reply_object (HubReply *r)
{
  return test_parse_object (r->body);
}

void
hub_assert_error (HubReply   *r,
                  guint       status,
                  const char *code)
{
  g_autoptr(JsonObject) body = NULL;

  if (r->status != status)
    g_printerr ("unexpected reply %u: %s\n", r->status, r->body);
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==,
                   "application/json");
  body = hub_reply_object (r);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "error"),
                                                  "code"), ==, code);
}

JsonObject *
hub_call_object (HubFixture *fx,
                 const char *method,
                 const char *path,
                 const char *token,
                 const char *body,
                 guint       status)
{
  g_auto(HubReply) r = hub_call (fx, method, path, token, body);

  if (r.status != status)
    g_printerr ("%s %s: unexpected reply %u: %s\n", method, path, r.status, r.body);
  g_assert_cmpuint (r.status, ==, status);
  return hub_reply_object (&r);
}

void
hub_call_error (HubFixture *fx,
                const char *method,
                const char *path,
                const char *token,
                const char *body,
                guint       status,
                const char *code)
{
  g_auto(HubReply) r = hub_call (fx, method, path, token, body);

  hub_assert_error (&r, status, code);
}

JsonArray *
hub_call_array (HubFixture *fx,
                const char *path,
                const char *token)
{
  g_auto(HubReply) r = hub_call (fx, "GET", path, token, NULL);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (r.status, ==, 200);
  node = json_from_string (r.body, NULL);
  g_assert_true (node != NULL && JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

char *
hub_login (HubFixture *fx,
           const char *username,
           const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_auto(HubReply) r = { 0 };
  g_autoptr(JsonObject) reply = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  r = hub_call (fx, "POST", "/api-token-auth/", NULL, body);
  g_assert_cmpuint (r.status, ==, 200);
  reply = hub_reply_object (&r);
  g_assert_cmpuint (strlen (json_object_get_string_member (reply, "token")), ==, 64);
  return g_strdup (json_object_get_string_member (reply, "token"));
}

char *
hub_login_as (HubFixture *fx,
              const char *username)
{
  for (guint i = 0; i < G_N_ELEMENTS (hub_test_users); i++)
    if (strcmp (hub_test_users[i][0], username) == 0)
      return hub_login (fx, username, hub_test_users[i][1]);
  g_assert_not_reached ();
}

gint64
hub_db_scalar (HubFixture *fx,
               const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

GSubprocess *
hub_spawn (const char         *db,
           guint16            *port,
           const char * const *extra)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *log = g_strconcat (db, ".log", NULL);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", *port);
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_assert_nonnull (g_getenv ("TALA_HUB"));
  g_ptr_array_add (argv, g_strdup (g_getenv ("TALA_HUB")));
  g_ptr_array_add (argv, g_strdup ("serve"));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (db));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup (listen));
  g_ptr_array_add (argv, g_strdup ("--no-jobs"));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra[i]));
  g_ptr_array_add (argv, NULL);
  g_unlink (log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  for (;;)
    {
      g_autofree char *text = NULL;
      const char *at;

      if (g_file_get_contents (log, &text, NULL, NULL) &&
          (at = strstr (text, "listening on port ")) != NULL)
        {
          *port = (guint16) atoi (at + strlen ("listening on port "));
          return proc;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("tala-hub serve did not start: %s", text ? text : "(no log)");
      g_usleep (20 * 1000);
    }
}

void
hub_spawn_stop (GSubprocess *proc,
                gboolean     kill)
{
  if (kill)
    g_subprocess_force_exit (proc);
  else
    g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, NULL);
}
