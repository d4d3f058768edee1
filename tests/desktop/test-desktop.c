/* test-desktop.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop app against a real hub (`tala-hub serve` over fixture F0),
 * driven through its session, models and actions: the first run, a
 * payment taken while the hub is down (receipt number issued, op in the
 * outbox, the header says so), the sync once the hub is back (the hub has
 * the payment exactly once, the header shows all sent), and offline login
 * after one online login with a wrong password refused.
 */

#include "config.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tala-application.h"
#include "tala-cashier-page.h"
#include "tala-student-list.h"
#include "tala-window.h"
#include "test-hub.h"

typedef struct
{
  char            *db;
  char            *replica;
  GSubprocess     *hub;
  guint16          port;
  char            *url;
  TalaApplication *app;
  TalaSession     *session;
  TalaWindow      *window;
  guint            syncs;
  gboolean         last_sync_ok;
} DesktopFixture;

static void
sync_finished_cb (TalaSession    *session G_GNUC_UNUSED,
                  gboolean        ok,
                  guint           applied G_GNUC_UNUSED,
                  guint           rejected G_GNUC_UNUSED,
                  const char     *message G_GNUC_UNUSED,
                  DesktopFixture *fx)
{
  fx->syncs++;
  fx->last_sync_ok = ok;
}

static TalaApplication *the_app;

static void
desktop_setup (DesktopFixture *fx,
               gconstpointer   data G_GNUC_UNUSED)
{
  LedgerFixture seed = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sem = NULL;
  g_autofree char *dir = NULL;

  ledger_fixture_setup (&seed, NULL);
  test_load_f0 (&seed);
  /* Today's payments must fall in the active semester. */
  sem = test_apply_ok (&seed, "catalog.semester.put", "admin",
                       "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                       "\"end_date\":\"2099-12-31\",\"enrollment_start\":\"2025-05-26\","
                       "\"enrollment_end\":\"2099-12-31\",\"is_active\":true}");
  tala_ledger_set_password (seed.ledger, "cashier1", "cashier-pass", NULL, seed.now, &error);
  g_assert_no_error (error);
  tala_ledger_set_password (seed.ledger, "prof1", "prof-pass", NULL, seed.now, &error);
  g_assert_no_error (error);
  fx->db = g_steal_pointer (&seed.path);
  g_clear_pointer (&seed.ledger, tala_ledger_free);
  dir = g_path_get_dirname (fx->db);
  fx->replica = g_build_filename (dir, "terminal", "replica.db", NULL);
  fx->hub = hub_spawn (fx->db, &fx->port, NULL);
  fx->url = g_strdup_printf ("http://127.0.0.1:%u", fx->port);

  /* One registered application per program: each test gets a session. */
  fx->app = g_object_ref (the_app);
  tala_application_set_paths (fx->app, fx->replica, NULL);
  fx->session = g_object_ref (tala_application_get_session (fx->app));
  g_signal_connect (fx->session, "sync-finished", G_CALLBACK (sync_finished_cb), fx);
  fx->window = g_object_ref_sink (tala_window_new (fx->app, fx->session));
}

static void
desktop_teardown (DesktopFixture *fx,
                  gconstpointer   data G_GNUC_UNUSED)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  g_clear_object (&fx->window);
  g_clear_object (&fx->session);
  g_clear_object (&fx->app);
  if (fx->hub != NULL)
    hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_free (fx->db);
  g_free (fx->replica);
  g_free (fx->url);
}

static void
wait_for (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

/* Waits until no sync runs (one may have been started by the last call). */
static void
wait_sync_idle (DesktopFixture *fx)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_main_context_pending (NULL) || tala_session_get_syncing (fx->session))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject      *object G_GNUC_UNUSED,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

static gboolean
login (DesktopFixture *fx,
       const char     *user,
       const char     *password,
       GError        **error)
{
  Wait w = { 0 };
  gboolean ok;

  tala_session_login_async (fx->session, user, password, NULL, done_cb, &w);
  wait_for (&w.done);
  ok = tala_session_login_finish (fx->session, w.result, error);
  g_object_unref (w.result);
  return ok;
}

static void
first_run (DesktopFixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *creds = g_strconcat (fx->replica, ".credentials", NULL);
  g_autofree char *logins = g_strconcat (fx->replica, ".logins", NULL);
  Wait w = { 0 };
  GStatBuf st;

  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "setup");
  tala_session_setup_async (fx->session, fx->url, "cashier1", "cashier-pass", "c01",
                            NULL, done_cb, &w);
  wait_for (&w.done);
  tala_session_setup_finish (fx->session, w.result, &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  g_assert_cmpstr (tala_session_get_area (fx->session), ==, "cashier");
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "cashier");
  g_assert_cmpfloat (tala_session_get_progress (fx->session), ==, 1.0);
  /* The token and the verifier are the user's alone. */
  g_assert_cmpint (g_stat (creds, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (logins, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  wait_sync_idle (fx);
  g_assert_true (tala_session_get_online (fx->session));
}

static JsonObject *
payment (DesktopFixture *fx,
         gboolean        preview)
{
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *envelope;
  Wait w = { 0 };

  json_object_set_string_member (args, "student", "2025-00001");
  json_object_set_string_member (args, "amount", "1500.00");
  json_object_set_string_member (args, "method", "CASH");
  tala_session_op_async (fx->session, "payment.record", args, preview, NULL, done_cb, &w);
  wait_for (&w.done);
  envelope = tala_session_op_finish (fx->session, w.result, &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (envelope, "status"), ==, "applied");
  return envelope;
}

static gint64
hub_count (DesktopFixture *fx,
           const char     *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (fx->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
search (DesktopFixture *fx,
        const char     *query)
{
  TalaCashierPage *page = TALA_CASHIER_PAGE (tala_window_get_cashier_page (fx->window));
  g_autoptr(TalaStudentList) list = g_object_ref (TALA_STUDENT_LIST (
                                                    tala_cashier_page_get_results (page)));
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  tala_student_list_set_query (list, query);
  g_assert_true (tala_student_list_get_loading (list));
  while (tala_student_list_get_loading (list))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
test_offline_payment (DesktopFixture *fx,
                      gconstpointer   data G_GNUC_UNUSED)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) preview = NULL;
  g_autoptr(JsonObject) recorded = NULL;
  TalaCashierPage *page;
  GListModel *results;
  JsonObject *result;

  first_run (fx);
  g_assert_cmpstr (tala_window_get_status_text (fx->window), ==, "Online · all sent");

  /* The hub goes down; the cashier logs in again, offline. */
  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  tala_session_logout (fx->session);
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "login");
  g_assert_false (login (fx, "cashier1", "wrong-pass", &error));
  g_assert_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_CREDENTIALS);
  g_clear_error (&error);
  g_assert_true (login (fx, "cashier1", "cashier-pass", &error));
  g_assert_no_error (error);
  g_assert_false (tala_session_get_online (fx->session));
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "cashier");
  wait_sync_idle (fx);

  /* Search as you type finds the student by part of the number. */
  page = TALA_CASHIER_PAGE (tala_window_get_cashier_page (fx->window));
  results = tala_cashier_page_get_results (page);
  search (fx, "2025-0000");
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 1);
  search (fx, "no such student");
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 0);

  /* The preview shows the allocation and keeps nothing. */
  preview = payment (fx, TRUE);
  result = json_object_get_object_member (preview, "result");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "allocation")),
                    >, 0);
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);

  /* The payment itself: a receipt number of this terminal, an op waiting. */
  recorded = payment (fx, FALSE);
  result = json_object_get_object_member (recorded, "result");
  g_assert_cmpstr (json_object_get_string_member (result, "receipt_no"), ==, "C01-000001");
  wait_sync_idle (fx);
  g_assert_false (fx->last_sync_ok);
  g_assert_false (tala_session_get_online (fx->session));
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 1);
  g_assert_true (g_str_has_prefix (tala_window_get_status_text (fx->window),
                                   "Offline · 1 pending · oldest "));
  g_assert_cmpint (hub_count (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C01-000001'"),
                   ==, 0);

  /* The hub comes back on the same address: Sync now sends it once. */
  fx->hub = hub_spawn (fx->db, &fx->port, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "sync-now", NULL);
  wait_sync_idle (fx);
  g_assert_true (fx->last_sync_ok);
  g_assert_true (tala_session_get_online (fx->session));
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);
  g_assert_cmpstr (tala_window_get_status_text (fx->window), ==, "Online · all sent");
  g_assert_cmpint (hub_count (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C01-000001'"),
                   ==, 1);
  /* Another sync sends nothing again. */
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "sync-now", NULL);
  wait_sync_idle (fx);
  g_assert_cmpint (hub_count (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C01-000001'"),
                   ==, 1);
}

static void
test_login_rules (DesktopFixture *fx,
                  gconstpointer   data G_GNUC_UNUSED)
{
  g_autoptr(GError) error = NULL;

  first_run (fx);
  tala_session_logout (fx->session);
  /* Online: a wrong password and a role without the app are refused. */
  g_assert_false (login (fx, "cashier1", "nope", &error));
  g_assert_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_CREDENTIALS);
  g_clear_error (&error);
  g_assert_false (login (fx, "prof1", "prof-pass", &error));
  g_assert_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_ROLE);
  g_clear_error (&error);
  g_assert_null (tala_session_get_area (fx->session));

  /* Offline: only a user who logged in here online before. */
  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_assert_false (login (fx, "prof1", "prof-pass", &error));
  g_assert_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_NO_OFFLINE);
  g_clear_error (&error);
  g_assert_true (login (fx, "cashier1", "cashier-pass", &error));
  g_assert_no_error (error);
  wait_sync_idle (fx);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }
  adw_init ();
  curl_global_init (CURL_GLOBAL_DEFAULT);
  the_app = tala_application_new ();
  if (!g_application_register (G_APPLICATION (the_app), NULL, NULL))
    g_error ("cannot register the application");
  g_test_add ("/desktop/offline-payment-then-sync", DesktopFixture, NULL,
              desktop_setup, test_offline_payment, desktop_teardown);
  g_test_add ("/desktop/login-rules", DesktopFixture, NULL,
              desktop_setup, test_login_rules, desktop_teardown);
  status = g_test_run ();
  g_clear_object (&the_app);
  curl_global_cleanup ();
  return status;
}
