/* desktop-fixture.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "desktop-fixture.h"
#include "test-hub.h"

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

TalaApplication *desktop_the_app;

void
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
  fx->app = g_object_ref (desktop_the_app);
  tala_application_set_paths (fx->app, fx->replica, NULL);
  fx->session = g_object_ref (tala_application_get_session (fx->app));
  g_signal_connect (fx->session, "sync-finished", G_CALLBACK (sync_finished_cb), fx);
  fx->window = g_object_ref_sink (tala_window_new (fx->app, fx->session));
}

void
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

void
desktop_wait_for (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

/* Waits until no sync runs (one may have been started by the last call). */
void
desktop_wait_while (DesktopBusyFunc busy,
                    gpointer        object)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (busy (object))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

void
desktop_wait_sync_idle (DesktopFixture *fx)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_main_context_pending (NULL) || tala_session_get_syncing (fx->session))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}



void
desktop_done_cb (GObject      *object G_GNUC_UNUSED,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

gboolean
desktop_login (DesktopFixture *fx,
       const char     *user,
       const char     *password,
       GError        **error)
{
  Wait w = { 0 };
  gboolean ok;

  tala_session_login_async (fx->session, user, password, NULL, desktop_done_cb, &w);
  desktop_wait_for (&w.done);
  ok = tala_session_login_finish (fx->session, w.result, error);
  g_object_unref (w.result);
  return ok;
}

void
desktop_first_run (DesktopFixture *fx,
                   const char     *user,
                   const char     *password,
                   const char     *terminal,
                   const char     *area)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *creds = g_strconcat (fx->replica, ".credentials", NULL);
  g_autofree char *logins = g_strconcat (fx->replica, ".logins", NULL);
  Wait w = { 0 };
  GStatBuf st;

  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "setup");
  tala_session_setup_async (fx->session, fx->url, user, password, terminal,
                            NULL, desktop_done_cb, &w);
  desktop_wait_for (&w.done);
  tala_session_setup_finish (fx->session, w.result, &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  g_assert_cmpstr (tala_session_get_area (fx->session), ==, area);
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, area);
  g_assert_cmpfloat (tala_session_get_progress (fx->session), ==, 1.0);
  /* The token and the verifier are the user's alone. */
  g_assert_cmpint (g_stat (creds, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (logins, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  desktop_wait_sync_idle (fx);
  g_assert_true (tala_session_get_online (fx->session));
}

gint64
desktop_hub_count (DesktopFixture *fx,
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

JsonObject *
desktop_op (DesktopFixture *fx,
            const char     *kind,
            JsonObject     *args,
            gboolean        preview)
{
  g_autoptr(GError) error = NULL;
  JsonObject *envelope;
  Wait w = { 0 };

  tala_session_op_async (fx->session, kind, args, preview, NULL, desktop_done_cb, &w);
  desktop_wait_for (&w.done);
  envelope = tala_session_op_finish (fx->session, w.result, &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  g_assert_nonnull (envelope);
  return envelope;
}

gboolean
desktop_main_init (int    *argc,
                   char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return FALSE;
    }
  adw_init ();
  curl_global_init (CURL_GLOBAL_DEFAULT);
  desktop_the_app = tala_application_new ();
  if (!g_application_register (G_APPLICATION (desktop_the_app), NULL, NULL))
    g_error ("cannot register the application");
  return TRUE;
}

int
desktop_main_run (void)
{
  int status = g_test_run ();

  g_clear_object (&desktop_the_app);
  curl_global_cleanup ();
  return status;
}

/* With TALA_SCREENSHOTS=DIR, saves @widget (shown first) as DIR/NAME.png,
 * for a look at the pages; no assertion depends on it. */
void
desktop_screenshot (GtkWidget  *widget,
                    const char *name)
{
  const char *dir = g_getenv ("TALA_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  gint64 until;

  if (dir == NULL)
    return;
  /* A missing icon loader warns; only for the pictures, not fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  gtk_window_present (GTK_WINDOW (gtk_widget_get_root (widget)));
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, NULL);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
}
