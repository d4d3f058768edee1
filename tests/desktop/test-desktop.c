/* test-desktop.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop app against a real hub (`tala-hub serve` over fixture F0),
 * driven through its session, models and actions: the first run, a
 * payment taken while the hub is down (receipt number issued, op in the
 * outbox, the header says so), the sync once the hub is back (the hub has
 * the payment exactly once, the header shows all sent), and offline desktop_login
 * after one online desktop_login with a wrong password refused.
 */

#include "config.h"

#include "desktop-fixture.h"
#include "tala-cashier-page.h"
#include "tala-student-list.h"
#include "test-hub.h"

static JsonObject *
payment (DesktopFixture *fx,
         gboolean        preview)
{
  g_autoptr(JsonObject) args = json_object_new ();
  JsonObject *envelope;

  json_object_set_string_member (args, "student", "2025-00001");
  json_object_set_string_member (args, "amount", "1500.00");
  json_object_set_string_member (args, "method", "CASH");
  envelope = desktop_op (fx, "payment.record", args, preview);
  g_assert_cmpstr (json_object_get_string_member (envelope, "status"), ==, "applied");
  return envelope;
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

  desktop_first_run (fx, "cashier1", "cashier-pass", "c01", "cashier");
  g_assert_cmpstr (tala_window_get_status_text (fx->window), ==, "Online · all sent");

  /* The hub goes down; the cashier logs in again, offline. */
  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  tala_session_logout (fx->session);
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "login");
  g_assert_false (desktop_login (fx, "cashier1", "wrong-pass", &error));
  g_assert_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_CREDENTIALS);
  g_clear_error (&error);
  g_assert_true (desktop_login (fx, "cashier1", "cashier-pass", &error));
  g_assert_no_error (error);
  g_assert_false (tala_session_get_online (fx->session));
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "cashier");
  desktop_wait_sync_idle (fx);

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
  desktop_wait_sync_idle (fx);
  g_assert_false (fx->last_sync_ok);
  g_assert_false (tala_session_get_online (fx->session));
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 1);
  g_assert_true (g_str_has_prefix (tala_window_get_status_text (fx->window),
                                   "Offline · 1 pending · oldest "));
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C01-000001'"),
                   ==, 0);

  /* The hub comes back on the same address: Sync now sends it once. */
  fx->hub = hub_spawn (fx->db, &fx->port, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "sync-now", NULL);
  desktop_wait_sync_idle (fx);
  g_assert_true (fx->last_sync_ok);
  g_assert_true (tala_session_get_online (fx->session));
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);
  g_assert_cmpstr (tala_window_get_status_text (fx->window), ==, "Online · all sent");
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C01-000001'"),
                   ==, 1);
  /* Another sync sends nothing again. */
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "sync-now", NULL);
  desktop_wait_sync_idle (fx);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn WHERE receipt_no = 'C01-000001'"),
                   ==, 1);
}

static void
test_login_rules (DesktopFixture *fx,
                  gconstpointer   data G_GNUC_UNUSED)
{
  g_autoptr(GError) error = NULL;

  desktop_first_run (fx, "cashier1", "cashier-pass", "c01", "cashier");
  tala_session_logout (fx->session);
  /* Online: a wrong password and a role without the app are refused. */
  g_assert_false (desktop_login (fx, "cashier1", "nope", &error));
  g_assert_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_CREDENTIALS);
  g_clear_error (&error);
  g_assert_false (desktop_login (fx, "prof1", "prof-pass", &error));
  g_assert_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_ROLE);
  g_clear_error (&error);
  g_assert_null (tala_session_get_area (fx->session));

  /* Offline: only a user who logged in here online before. */
  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_assert_false (desktop_login (fx, "prof1", "prof-pass", &error));
  g_assert_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_NO_OFFLINE);
  g_clear_error (&error);
  g_assert_true (desktop_login (fx, "cashier1", "cashier-pass", &error));
  g_assert_no_error (error);
  desktop_wait_sync_idle (fx);
}

int
main (int   argc,
      char *argv[])
{
  if (!desktop_main_init (&argc, &argv))
    return 77;
  g_test_add ("/desktop/offline-payment-then-sync", DesktopFixture, NULL,
              desktop_setup, test_offline_payment, desktop_teardown);
  g_test_add ("/desktop/login-rules", DesktopFixture, NULL,
              desktop_setup, test_login_rules, desktop_teardown);
  return desktop_main_run ();
}
