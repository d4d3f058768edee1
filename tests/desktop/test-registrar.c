/* test-registrar.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The registrar's area against a real hub (fixture F0, month 1 of
 * 2025-00001 paid), driven through the page's actions, models and
 * getters: an add-subject recorded offline that the hub then rejects (the
 * student was enrolled in it on the hub meanwhile) lands under "Needs
 * attention" with plain words and goes away with Dismiss; a grade sheet
 * encoded and finalized reaches the hub; a missing prerequisite is named,
 * a clash gives the other class and its time, a full section its seats
 * (both overridden with a reason), the unit limit what is left; profile,
 * transcript, permits, promissory note, leave, status, the next semester's
 * enrollment and the INC list; and the plain words of rejections without
 * a hub.
 */

#include "config.h"

#include <string.h>

#include "desktop-fixture.h"
#include "tala-items.h"
#include "tala-registrar-items.h"
#include "tala-registrar-page.h"
#include "tala-student-list.h"
#include "test-hub.h"
#include "test-util.h"

/* Runs @func on the hub's database while the hub is down, then starts the
 * hub again on the same port when @restart. */
static void
edit_hub (DesktopFixture *fx,
          void          (*func) (LedgerFixture *hub),
          gboolean        restart)
{
  static guint next_op = 9000;   /* op ids stay unique across edits */
  g_autoptr(GError) error = NULL;
  LedgerFixture hub = { 0 };

  if (fx->hub != NULL)
    {
      hub_spawn_stop (fx->hub, FALSE);
      g_clear_object (&fx->hub);
    }
  hub.ledger = tala_ledger_open (fx->db, &error);
  g_assert_no_error (error);
  hub.path = g_strdup (fx->db);
  hub.now = g_get_real_time ();
  hub.next_op = next_op;
  func (&hub);
  next_op = hub.next_op;
  g_clear_pointer (&hub.ledger, tala_ledger_free);
  g_free (hub.path);
  if (restart)
    fx->hub = hub_spawn (fx->db, &fx->port, NULL);
}

/* The registrar's password, and month 1 of 2025-00001 paid (subjects
 * need it). */
static void
prepare_hub (LedgerFixture *hub)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) paid = NULL;
  g_autoptr(JsonObject) section = NULL;
  g_autoptr(JsonObject) semester = NULL;
  g_autoptr(JsonObject) full = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) seat = NULL;

  tala_ledger_set_password (hub->ledger, "registrar1", "registrar1-pass", NULL, hub->now,
                            &error);
  g_assert_no_error (error);
  paid = test_apply_ok (hub, "payment.record", "cashier1",
                        "{\"student\":\"2025-00001\",\"amount\":\"10000.00\",\"method\":\"CASH\"}");
  section = test_apply_ok (hub, "catalog.section.put", "registrar1",
                           "{\"semester\":\"2025-FIRST\",\"code\":\"CS103-B\",\"subject\":\"CS103\","
                           "\"capacity\":5,\"slots\":[{\"day\":\"MON\",\"start\":\"08:30\","
                           "\"end\":\"10:00\"}]}");
  /* CS102-B has one seat, taken by a second student. */
  full = test_apply_ok (hub, "catalog.section.put", "registrar1",
                        "{\"semester\":\"2025-FIRST\",\"code\":\"CS102-B\",\"subject\":\"CS102\","
                        "\"capacity\":1,\"slots\":[{\"day\":\"TUE\",\"start\":\"13:00\","
                        "\"end\":\"14:30\"}]}");
  other = test_apply_ok (hub, "student.register", "registrar1",
                         "{\"first_name\":\"Maria\",\"last_name\":\"Clara\",\"program\":\"BSCS\","
                         "\"enrollment\":{\"semester\":\"2025-FIRST\",\"monthly_commitment\":\"0.00\"}}");
  seat = test_apply_ok (hub, "subject.enroll", "registrar1",
                        "{\"student\":\"2025-00002\",\"semester\":\"2025-FIRST\","
                        "\"subject\":\"CS102\",\"section\":\"CS102-B\"}");
  semester = test_apply_ok (hub, "catalog.semester.put", "registrar1",
                            "{\"code\":\"2099-FIRST\",\"start_date\":\"2099-06-01\","
                            "\"end_date\":\"2099-10-31\",\"enrollment_start\":\"2099-05-20\","
                            "\"enrollment_end\":\"2099-06-15\"}");
}

/* Someone at the hub enrolls 2025-00001 in CS102 meanwhile. */
static void
hub_enrolls_cs102 (LedgerFixture *hub)
{
  g_autoptr(JsonObject) result =
    test_apply_ok (hub, "subject.enroll", "registrar1",
                   "{\"student\":\"2025-00001\",\"semester\":\"2025-FIRST\","
                   "\"subject\":\"CS102\",\"section\":\"CS102-A\"}");
}


static TalaRegistrarPage *
first_run (DesktopFixture *fx)
{
  edit_hub (fx, prepare_hub, TRUE);
  desktop_first_run (fx, "registrar1", "registrar1-pass", "r01", "registrar");
  return TALA_REGISTRAR_PAGE (tala_window_get_registrar_page (fx->window));
}

static void
wait_idle (TalaRegistrarPage *page)
{
  desktop_wait_while ((DesktopBusyFunc) tala_registrar_page_get_busy, page);
}

static void
wait_items (GListModel *model,
            guint       n)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_list_model_get_n_items (model) != n)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
activate (TalaRegistrarPage *page,
          const char        *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), action, NULL));
  wait_idle (page);
}

static void
select_student (TalaRegistrarPage *page)
{
  tala_registrar_page_select_student (page, "2025-00001");
  wait_idle (page);
}

static void
add_subject (TalaRegistrarPage *page,
             const char        *subject,
             const char        *section)
{
  tala_registrar_page_set_add_form (page, subject, section);
  activate (page, "registrar.add-subject");
}

static void
test_rejected_offline_add (DesktopFixture *fx,
                           gconstpointer   data G_GNUC_UNUSED)
{
  g_autoptr(GError) error = NULL;
  TalaRegistrarPage *page = first_run (fx);
  GListModel *attention = tala_session_get_attention (fx->session);
  g_autoptr(TalaAttentionItem) item = NULL;
  g_autofree char *advice = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *kind = NULL;

  /* Ctrl+F goes to the registrar's search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.find", NULL));
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "registrar");

  /* The hub goes down; meanwhile someone there enrolls the student in CS102. */
  edit_hub (fx, hub_enrolls_cs102, FALSE);
  tala_session_logout (fx->session);
  g_assert_true (desktop_login (fx, "registrar1", "registrar1-pass", &error));
  g_assert_no_error (error);
  g_assert_false (tala_session_get_online (fx->session));
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "registrar");
  desktop_wait_sync_idle (fx);

  /* Offline, the replica does not know: the add is accepted and waits. */
  select_student (page);
  g_assert_cmpstr (tala_registrar_page_get_semester (page), ==, "2025-FIRST");
  add_subject (page, "CS102", "CS102-A");
  g_assert_true (g_str_has_prefix (tala_registrar_page_get_explanation (page), "Added CS102"));
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_takes (page)), ==, 1);
  desktop_wait_sync_idle (fx);
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (attention), ==, 0);

  /* The hub is back: it refuses the add, which needs attention. */
  fx->hub = hub_spawn (fx->db, &fx->port, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "sync-now", NULL);
  desktop_wait_sync_idle (fx);
  g_assert_true (fx->last_sync_ok);
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);
  wait_items (attention, 1);
  item = g_list_model_get_item (attention, 0);
  g_assert_cmpstr (tala_attention_item_get_code (item), ==, "already_enrolled");
  g_object_get (item, "advice", &advice, "kind", &kind, NULL);
  g_assert_cmpstr (kind, ==, "subject.enroll");
  g_assert_nonnull (strstr (advice, "already takes this subject"));
  /* What it was, in words, not the hub's message. */
  g_object_get (item, "summary", &summary, NULL);
  g_assert_true (g_str_has_prefix (summary, "CS102 for 2025-00001 in 2025-FIRST · recorded 2"));
  /* The hub holds one take of CS102 for the student, the one made there. */
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM take t"
                                          " JOIN subject s ON s.id = t.subject_id"
                                          " JOIN enrollment e ON e.id = t.enrollment_id"
                                          " JOIN student st ON st.id = e.student_id"
                                          " WHERE s.code = 'CS102' AND st.number = '2025-00001'"),
                   ==, 1);

  /* The attention page shows it; Dismiss takes it off the list. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.show-attention",
                                             NULL));
  g_assert_cmpstr (tala_window_get_page (fx->window), ==, "attention");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.dismiss-attention",
                                             "s", tala_attention_item_get_op_id (item)));
  wait_items (attention, 0);
  tala_session_refresh (fx->session);
  desktop_wait_sync_idle (fx);
  g_assert_cmpuint (g_list_model_get_n_items (attention), ==, 0);
}

static void
test_grade_sheet (DesktopFixture *fx,
                  gconstpointer   data G_GNUC_UNUSED)
{
  TalaRegistrarPage *page = first_run (fx);
  GListModel *roster = tala_registrar_page_get_roster (page);
  GListModel *inc = tala_registrar_page_get_inc (page);
  g_autoptr(TalaGradeRow) row = NULL;
  g_autoptr(TalaRecord) line = NULL;
  g_autoptr(TalaRecord) pending = NULL;

  select_student (page);
  add_subject (page, "CS101", "CS101-A");
  add_subject (page, "CS103", NULL);
  g_assert_true (g_str_has_prefix (tala_registrar_page_get_explanation (page),
                                   "Added CS103, section CS103-A"));
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_takes (page)), ==, 2);

  /* The sections of the semester, then CS101-A's class. */
  tala_registrar_page_show (page, "grades");
  wait_idle (page);
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_sections (page)), ==, 6);
  tala_registrar_page_set_section (page, "CS101-A");
  wait_idle (page);
  g_assert_cmpuint (g_list_model_get_n_items (roster), ==, 1);
  row = g_list_model_get_item (roster, 0);
  g_assert_cmpstr (tala_grade_row_get_student (row), ==, "2025-00001");
  g_object_set (row, "grade", " 1.50 ", NULL);
  activate (page, "registrar.save-grades");
  g_assert_cmpstr (tala_registrar_page_get_grade_message (page), ==, "1 grade saved.");
  activate (page, "registrar.finalize");
  g_assert_cmpstr (tala_registrar_page_get_grade_message (page), ==,
                   "1 grade finalized.");
  g_clear_object (&row);
  row = g_list_model_get_item (roster, 0);
  g_assert_true (tala_grade_row_get_locked (row));

  /* CS103-A: an INC. */
  tala_registrar_page_set_section (page, "CS103-A");
  wait_idle (page);
  g_clear_object (&row);
  row = g_list_model_get_item (roster, 0);
  tala_grade_row_set_grade (row, "inc");
  activate (page, "registrar.save-grades");
  g_assert_cmpstr (tala_registrar_page_get_grade_message (page), ==, "1 grade saved.");
  activate (page, "registrar.finalize");

  /* The hub has both after the sync. */
  desktop_wait_sync_idle (fx);
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "sync-now", NULL);
  desktop_wait_sync_idle (fx);
  g_assert_true (fx->last_sync_ok);
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM take WHERE grade = '1.50'"
                                          " AND grade_status = 'FINALIZED' AND status = 'PASSED'"),
                   ==, 1);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM take WHERE grade = 'INC'"
                                          " AND grade_status = 'FINALIZED' AND status = 'INC'"),
                   ==, 1);

  /* Transcript and GPA. */
  tala_registrar_page_select_student (page, "2025-00001");
  wait_idle (page);
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_transcript (page)), ==, 2);
  line = g_list_model_get_item (tala_registrar_page_get_transcript (page), 0);
  g_assert_cmpstr (tala_record_get_key (line), ==, "CS101");
  g_assert_cmpstr (tala_record_get_detail (line), ==, "1.50");
  g_assert_cmpstr (tala_registrar_page_get_gpa_text (page), ==, "GPA 1.50 · 3 units counted");

  /* The INC list, with its days left (MAJOR: 180). */
  tala_registrar_page_show (page, "inc");
  wait_idle (page);
  g_assert_cmpuint (g_list_model_get_n_items (inc), ==, 1);
  pending = g_list_model_get_item (inc, 0);
  g_assert_cmpstr (tala_record_get_detail (pending), ==, "180 days left");
  g_assert_true (g_str_has_prefix (tala_record_get_subtitle (pending), "CS103 in 2025-FIRST"));
}

static void
test_blocked_and_profile (DesktopFixture *fx,
                          gconstpointer   data G_GNUC_UNUSED)
{
  TalaRegistrarPage *page = first_run (fx);
  GListModel *results = tala_registrar_page_get_results (page);
  g_autoptr(TalaRecord) permit = NULL;
  g_autoptr(TalaRecord) note = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* Search as you type finds the student. */
  tala_student_list_set_query (TALA_STUDENT_LIST (results), "dela cruz");
  while (tala_student_list_get_loading (TALA_STUDENT_LIST (results)))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 1);

  /* The profile and the permits of the active semester. */
  select_student (page);
  g_assert_cmpstr (tala_registrar_page_get_profile_text (page), ==,
                   "2025-00001 · BSCS · entered 2025 · active");
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_permits (page)), ==, 4);
  permit = g_list_model_get_item (tala_registrar_page_get_permits (page), 0);
  g_assert_cmpstr (tala_record_get_key (permit), ==, "PRELIM");
  g_assert_cmpstr (tala_record_get_title (permit), ==, "Prelim");
  g_assert_cmpstr (tala_record_get_detail (permit), ==, "Unlocked");
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_transcript (page)), ==, 0);

  /* CS201 needs CS101, never taken: the explanation names it, no override. */
  add_subject (page, "cs201", NULL);
  g_assert_cmpstr (tala_registrar_page_get_explanation (page), ==,
                   "CS201 cannot be added yet: it needs CS101 (not taken yet). "
                   "The student must pass it first.");
  g_assert_false (tala_registrar_page_get_override_offered (page));
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);

  /* THS25 has no section at all. */
  add_subject (page, "THS25", NULL);
  g_assert_cmpstr (tala_registrar_page_get_explanation (page), ==,
                   "THS25 has no section in 2025-FIRST. Ask for a section to be opened.");

  /* CS103-B meets on Monday 08:30, during CS101-A: the clash is named with
   * its time, and a registrar may override it with a reason. */
  add_subject (page, "CS101", "CS101-A");
  add_subject (page, "CS103", "CS103-B");
  g_assert_cmpstr (tala_registrar_page_get_explanation (page), ==,
                   "CS103 clashes with the student's schedule: CS101-A (CS101), MON 08:00–09:30. "
                   "Choose another section, or add it anyway with a reason.");
  g_assert_true (tala_registrar_page_get_override_offered (page));
  activate (page, "registrar.override");
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_takes (page)), ==, 1);
  tala_registrar_page_set_override_reason (page, "Student works mornings; agreed with dean");
  activate (page, "registrar.override");
  g_assert_cmpstr (tala_registrar_page_get_explanation (page), ==,
                   "Added CS103, section CS103-B: 6 units now.");
  g_assert_false (tala_registrar_page_get_override_offered (page));
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_takes (page)), ==, 2);

  /* CS102-B is full: the seats are named, a registrar may override. */
  add_subject (page, "CS102", "CS102-B");
  g_assert_cmpstr (tala_registrar_page_get_explanation (page), ==,
                   "Section CS102-B is full: 1 of 1 seats are taken. Choose another section, "
                   "or add the student anyway with a reason.");
  g_assert_true (tala_registrar_page_get_override_offered (page));
  tala_registrar_page_set_override_reason (page, "Thesis adviser's request");
  activate (page, "registrar.override");
  g_assert_cmpstr (tala_registrar_page_get_explanation (page), ==,
                   "Added CS102, section CS102-B: 9 units now.");

  /* The unit limit: 9 + 25 does not fit, and nobody may override it. */
  add_subject (page, "THS25", NULL);
  g_assert_cmpstr (tala_registrar_page_get_explanation (page), ==,
                   "THS25 has 25 units, but the student already carries 9 of the 30-unit "
                   "limit: only 21 units are left. Drop a subject first; nobody can override "
                   "the limit.");
  g_assert_false (tala_registrar_page_get_override_offered (page));

  /* Drop the selected subject. */
  gtk_single_selection_set_selected (tala_registrar_page_get_take_selection (page), 0);
  activate (page, "registrar.drop-subject");
  g_assert_cmpstr (tala_registrar_page_get_explanation (page), ==, "Dropped CS101.");
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_takes (page)), ==, 2);
  desktop_wait_sync_idle (fx);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM take WHERE status = 'DROPPED'"),
                   ==, 1);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM audit"
                                          " WHERE action = 'SCHEDULE_CONFLICT_OVERRIDE'"),
                   ==, 1);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM audit"
                                          " WHERE action = 'CAPACITY_OVERRIDE'"),
                   ==, 1);

  /* A promissory note unlocks the MIDTERM permit. */
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_notes (page)), ==, 0);
  tala_registrar_page_set_note_form (page, "MIDTERM", "2099-01-15", NULL);
  activate (page, "registrar.promissory");
  g_assert_cmpstr (tala_registrar_page_get_message (page), ==,
                   "Type the promised date (YYYY-MM-DD) and the reason.");
  tala_registrar_page_set_note_form (page, "MIDTERM", "2099-01-15", "Waiting for a scholarship");
  activate (page, "registrar.promissory");
  g_assert_true (g_str_has_prefix (tala_registrar_page_get_message (page),
                                   "The MIDTERM permit is unlocked: code EXP-"));
  g_clear_object (&permit);
  permit = g_list_model_get_item (tala_registrar_page_get_permits (page), 1);
  g_assert_cmpstr (tala_record_get_detail (permit), ==, "Unlocked");
  /* The note is listed next to the form: month 2 unpaid, due by the date. */
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_notes (page)), ==, 1);
  note = g_list_model_get_item (tala_registrar_page_get_notes (page), 0);
  g_assert_cmpstr (tala_record_get_title (note), ==, "Midterm · month 2 to be paid by 2099-01-15");
  g_assert_cmpstr (tala_record_get_subtitle (note), ==,
                   "2025-FIRST · ₱10,000.00 left of ₱10,000.00 · registrar1: "
                   "Waiting for a scholarship");
  g_assert_cmpstr (tala_record_get_detail (note), ==, "Open");
  tala_registrar_page_show (page, "records");
  desktop_screenshot (GTK_WIDGET (page), "registrar-records");
  tala_registrar_page_set_note_form (page, "MIDTERM", "2099-01-15", "Again");
  activate (page, "registrar.promissory");
  g_assert_cmpstr (tala_registrar_page_get_message (page), ==,
                   "That exam permit is already unlocked; no note is needed.");
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_notes (page)), ==, 1);

  /* The next semester's enrollment with its monthly commitment. */
  tala_registrar_page_show (page, "student");
  tala_registrar_page_set_semester (page, "2099-FIRST");
  tala_registrar_page_set_commitment (page, "8,000");
  activate (page, "registrar.enroll-semester");
  g_assert_cmpstr (tala_registrar_page_get_message (page), ==,
                   "Type the monthly commitment like 10000.00.");
  tala_registrar_page_set_commitment (page, "8000.00");
  activate (page, "registrar.enroll-semester");
  g_assert_cmpstr (tala_registrar_page_get_message (page), ==, "Enrolled in 2099-FIRST.");
  tala_registrar_page_set_commitment (page, "8000.00");
  activate (page, "registrar.enroll-semester");
  g_assert_cmpstr (tala_registrar_page_get_message (page), ==,
                   "The student is already enrolled in 2099-FIRST.");
  g_assert_cmpuint (g_list_model_get_n_items (tala_registrar_page_get_permits (page)), ==, 4);

  /* A leave that started yesterday: the student is on LOA now. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
    g_autofree char *start = g_date_time_format (yesterday, "%Y-%m-%d");
    g_autofree char *expected = g_strdup_printf ("2025-00001 · BSCS · entered 2025 · on leave"
                                                 " · leave from %s, open", start);

    activate (page, "registrar.start-loa");
    g_assert_cmpstr (tala_registrar_page_get_message (page), ==,
                     "Type the first day of the leave (YYYY-MM-DD) and its reason.");
    tala_registrar_page_set_loa_form (page, start, NULL, "Medical leave");
    activate (page, "registrar.start-loa");
    g_assert_cmpstr (tala_registrar_page_get_message (page), ==, "Leave recorded.");
    g_assert_cmpstr (tala_registrar_page_get_profile_text (page), ==, expected);
  }

  /* A status change needs a reason; LOA is not a status to set. */
  tala_registrar_page_set_status_form (page, "WITHDRAWN", NULL);
  activate (page, "registrar.change-status");
  g_assert_cmpstr (tala_registrar_page_get_message (page), ==, "Type the reason for the change.");
  tala_registrar_page_set_status_form (page, "WITHDRAWN", "Moved abroad");
  activate (page, "registrar.change-status");
  g_assert_cmpstr (tala_registrar_page_get_message (page), ==, "Status changed.");
  g_assert_true (g_str_has_prefix (tala_registrar_page_get_profile_text (page),
                                   "2025-00001 · BSCS · entered 2025 · withdrawn"));

  desktop_wait_sync_idle (fx);
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "sync-now", NULL);
  desktop_wait_sync_idle (fx);
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM promissory_note"), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM promissory_note"
                                            " WHERE uuid = '%s' AND period = 'MIDTERM'"
                                            " AND promised_date = '2099-01-15'"
                                            " AND reason = 'Waiting for a scholarship'"
                                            " AND actor = 'registrar1'",
                                            tala_record_get_key (note));

    g_assert_cmpint (desktop_hub_count (fx, sql), ==, 1);
  }
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM loa"), ==, 1);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM student WHERE status = 'WITHDRAWN'"),
                   ==, 1);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM enrollment e JOIN semester s"
                                          " ON s.id = e.semester_id WHERE s.code = '2099-FIRST'"),
                   ==, 1);
}

/* Before any student is chosen, the semester field holds the active
 * semester and the grade sheet lists every section of it. */
static void
test_sections_without_student (DesktopFixture *fx,
                               gconstpointer   data G_GNUC_UNUSED)
{
  TalaRegistrarPage *page = first_run (fx);
  GListModel *sections = tala_registrar_page_get_sections (page);
  GListModel *roster = tala_registrar_page_get_roster (page);
  static const char *const codes[] = { "CS101-A", "CS102-A", "CS102-B", "CS103-A", "CS103-B",
                                       "OJT21-A" };
  g_autoptr(TalaGradeRow) row = NULL;

  wait_idle (page);
  g_assert_null (tala_registrar_page_get_student (page));
  g_assert_cmpstr (tala_registrar_page_get_semester (page), ==, "2025-FIRST");
  tala_registrar_page_show (page, "grades");
  wait_idle (page);
  g_assert_cmpuint (g_list_model_get_n_items (sections), ==, G_N_ELEMENTS (codes));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (sections), i), ==, codes[i]);

  g_assert_cmpstr (tala_registrar_page_get_section_text (page, "CS101-A"), ==,
                   "CS101-A · Programming Fundamentals · 0 of 40 seats · prof1");
  g_assert_cmpstr (tala_registrar_page_get_section_text (page, "CS102-B"), ==,
                   "CS102-B · Digital Logic · 1 of 1 seats · no professor");

  /* CS102-B's one seat is 2025-00002's. */
  tala_registrar_page_set_section (page, "CS102-B");
  wait_idle (page);
  g_assert_cmpuint (g_list_model_get_n_items (roster), ==, 1);
  row = g_list_model_get_item (roster, 0);
  g_assert_cmpstr (tala_grade_row_get_student (row), ==, "2025-00002");
  desktop_screenshot (GTK_WIDGET (page), "registrar-grades");

  /* A semester with no sections, then one that does not exist. */
  tala_registrar_page_set_semester (page, "2099-FIRST");
  activate (page, "registrar.load-sections");
  g_assert_cmpuint (g_list_model_get_n_items (sections), ==, 0);
  tala_registrar_page_set_semester (page, "2025-FIRST");
  activate (page, "registrar.load-sections");
  g_assert_cmpuint (g_list_model_get_n_items (sections), ==, G_N_ELEMENTS (codes));
  tala_registrar_page_set_semester (page, "2030-FIRST");
  activate (page, "registrar.load-sections");
  g_assert_cmpuint (g_list_model_get_n_items (sections), ==, 0);
}

/* The plain words of each subject.enroll rejection, from its details. */
static void
test_explain (void)
{
  static const struct { const char *envelope; const char *times; const char *words; } cases[] = {
    { "{\"status\":\"rejected\",\"error\":{\"code\":\"prerequisite_not_met\","
      "\"details\":{\"unmet\":[{\"subject\":\"CS101\",\"status\":\"INC\"},"
      "{\"subject\":\"CS102\",\"status\":\"FAILED\"}]}}}", NULL,
      "CS201 cannot be added yet: it needs CS101 (still incomplete (INC)) and CS102 (failed). "
      "The student must pass it first." },
    { "{\"status\":\"rejected\",\"error\":{\"code\":\"schedule_conflict\","
      "\"details\":{\"conflicts\":[{\"section\":\"CS101-A\",\"subject\":\"CS101\"},"
      "{\"section\":\"X-1\",\"subject\":\"X\"}]}}}",
      "{\"CS101-A\":\"MON 08:00–09:30\"}",
      "CS201 clashes with the student's schedule: CS101-A (CS101), MON 08:00–09:30; X-1 (X). "
      "Choose another section, or add it anyway with a reason." },
    { "{\"status\":\"rejected\",\"error\":{\"code\":\"month1_unpaid\"}}", NULL,
      "Month 1 of 2025-FIRST is not fully paid. The student must pay month 1 at the cashier "
      "before subjects can be added." },
    { "{\"status\":\"rejected\",\"error\":{\"code\":\"no_enrollment\"}}", NULL,
      "The student is not enrolled in 2025-FIRST. Create the semester enrollment first "
      "(Student page)." },
    { "{\"status\":\"rejected\",\"error\":{\"code\":\"section_mismatch\"}}", NULL,
      "There is no section S-9 of CS201 in 2025-FIRST. Check the section code, or leave it "
      "empty to take the first free one." },
    { "{\"status\":\"rejected\",\"error\":{\"code\":\"not_a_code_we_know\","
      "\"message\":\"something else\"}}", NULL, "something else" },
  };
  g_autoptr(JsonObject) args = test_parse_object ("{\"student\":\"2025-00001\","
                                                  "\"semester\":\"2025-FIRST\","
                                                  "\"subject\":\"CS201\",\"section\":\"S-9\"}");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) envelope = test_parse_object (cases[i].envelope);
      g_autoptr(JsonObject) times = cases[i].times ? test_parse_object (cases[i].times) : NULL;
      g_autofree char *words = tala_registrar_explain (args, envelope, times);

      g_assert_cmpstr (words, ==, cases[i].words);
    }
  g_assert_cmpstr (tala_registrar_status_words ("LOA"), ==, "on leave");
}

int
main (int   argc,
      char *argv[])
{
  if (!desktop_main_init (&argc, &argv))
    return 77;
  g_test_add_func ("/registrar/explain", test_explain);
  g_test_add ("/registrar/rejected-offline-add-needs-attention", DesktopFixture, NULL,
              desktop_setup, test_rejected_offline_add, desktop_teardown);
  g_test_add ("/registrar/grade-sheet-inc-transcript", DesktopFixture, NULL,
              desktop_setup, test_grade_sheet, desktop_teardown);
  g_test_add ("/registrar/sections-without-student", DesktopFixture, NULL,
              desktop_setup, test_sections_without_student, desktop_teardown);
  g_test_add ("/registrar/blocked-add-and-profile", DesktopFixture, NULL,
              desktop_setup, test_blocked_and_profile, desktop_teardown);
  return desktop_main_run ();
}
