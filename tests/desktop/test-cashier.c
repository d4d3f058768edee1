/* test-cashier.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cashier's side of the desktop app against a real hub (fixture F0),
 * driven through the cashier page's actions and getters: a payment and
 * its receipt saved as a PDF; a void with a reason, refused first without
 * one, then synced to the hub; the end-of-day collections report of this
 * terminal (totals per method, the CSV export); the preferences applied
 * at once.
 */

#include "config.h"

#include <sqlite3.h>

#include <string.h>

#include <glib/gstdio.h>

#include "desktop-fixture.h"
#include "tala-cashier-page.h"
#include "tala-items.h"
#include "tala-preferences.h"
#include "tala-receipt.h"
#include "tala-report-window.h"
#include "tala-void-dialog.h"
#include "test-hub.h"

static TalaCashierPage *
cashier_page (DesktopFixture *fx)
{
  return TALA_CASHIER_PAGE (tala_window_get_cashier_page (fx->window));
}

static void
wait_page (TalaCashierPage *page)
{
  desktop_wait_while ((DesktopBusyFunc) tala_cashier_page_get_busy, page);
}

static void
wait_dialog (TalaVoidDialog *dialog)
{
  desktop_wait_while ((DesktopBusyFunc) tala_void_dialog_get_busy, dialog);
}

/* A payment through the page's form: preview, then confirm.  Returns the
 * receipt (borrowed). */
static JsonObject *
pay (DesktopFixture *fx,
     const char     *amount,
     const char     *method,
     const char     *reference)
{
  TalaCashierPage *page = cashier_page (fx);
  JsonObject *before = tala_cashier_page_get_receipt (page);
  g_autofree char *before_no =
    before ? g_strdup (json_object_get_string_member (before, "receipt_no")) : NULL;
  JsonObject *receipt;

  tala_cashier_page_show_student (page, "2025-00001");
  wait_page (page);
  tala_cashier_page_set_payment (page, amount, method, reference);
  gtk_widget_activate_action (GTK_WIDGET (page), "cashier.preview", NULL);
  wait_page (page);
  g_assert_true (g_str_has_prefix (tala_cashier_page_get_message (page), "Month "));
  /* The preview kept nothing. */
  g_assert_true (tala_cashier_page_get_receipt (page) == before);
  gtk_widget_activate_action (GTK_WIDGET (page), "cashier.confirm", NULL);
  wait_page (page);
  receipt = tala_cashier_page_get_receipt (page);
  g_assert_nonnull (receipt);
  g_assert_cmpstr (json_object_get_string_member (receipt, "receipt_no"), !=, before_no);
  g_assert_cmpstr (json_object_get_string_member (receipt, "amount"), ==, amount);
  g_assert_cmpstr (json_object_get_string_member (receipt, "method"), ==, method);
  g_assert_true (g_str_has_prefix (tala_cashier_page_get_message (page), "Receipt C01-"));
  desktop_wait_sync_idle (fx);
  return receipt;
}

/* The receipt drawn on an image, for a look. */
static void
receipt_png (JsonObject *receipt)
{
  const char *dir = g_getenv ("TALA_SCREENSHOTS");
  double height;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  height = tala_receipt_draw (receipt, NULL, TALA_RECEIPT_WIDTH);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) TALA_RECEIPT_WIDTH * 2,
                                        (int) height * 2);
  cr = cairo_create (surface);
  cairo_scale (cr, 2, 2);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  tala_receipt_draw (receipt, cr, TALA_RECEIPT_WIDTH);
  cairo_destroy (cr);
  path = g_strdup_printf ("%s/receipt.png", dir);
  cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
}

static guint
count_substring (const char *haystack,
                 gsize       length,
                 const char *needle)
{
  gsize n = strlen (needle);
  guint count = 0;

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      count++;
  return count;
}

static void
test_pesos (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "1500.00", "₱1,500.00" }, { "0.50", "₱0.50" }, { "999.99", "₱999.99" },
    { "1000.00", "₱1,000.00" }, { "12345678.90", "₱12,345,678.90" },
    { "-15000.00", "-₱15,000.00" }, { "0.00", "₱0.00" }, { "junk", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = tala_format_pesos (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static char *
prop (gpointer    item,
      const char *name)
{
  char *value = NULL;

  g_object_get (item, name, &value, NULL);
  return value;
}

/* The words and style classes of the account's rows. */
static void
test_rows (void)
{
  static const struct {
    const char *json, *state, *style, *due, *remaining;
  } buckets[] = {
    { "{\"month\":1,\"due\":\"12000.00\",\"paid_total\":\"12000.00\",\"remaining\":\"0.00\","
      "\"due_date\":\"2025-06-02\",\"is_paid\":true}", "Paid", "success", "₱12,000.00", "₱0.00" },
    { "{\"month\":2,\"due\":\"12000.00\",\"paid_total\":\"500.00\",\"remaining\":\"11500.00\","
      "\"due_date\":\"2025-07-02\",\"is_paid\":false}", "Overdue", "error", "₱12,000.00",
      "₱11,500.00" },
    { "{\"month\":3,\"due\":\"12000.00\",\"paid_total\":\"500.00\",\"remaining\":\"11500.00\","
      "\"due_date\":\"2025-08-01\",\"is_paid\":false}", "Partly paid", "warning", "₱12,000.00",
      "₱11,500.00" },
    { "{\"month\":4,\"due\":\"1234567.00\",\"paid_total\":\"0.00\",\"remaining\":\"1234567.00\","
      "\"due_date\":\"2025-07-15\",\"is_paid\":false}", "Due", "", "₱1,234,567.00",
      "₱1,234,567.00" },
  };
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(TalaHistoryEntry) history = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *amount_text = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *method = NULL;
  g_autofree char *status = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (buckets); i++)
    {
      g_autoptr(JsonObject) json = test_parse_object (buckets[i].json);
      /* The 15th of July: months 1 and 2 are past their due date. */
      g_autoptr(TalaBucket) bucket = tala_bucket_new_from_json_on (json, "2025-07-15");
      g_autofree char *state = prop (bucket, "state");
      g_autofree char *style = prop (bucket, "style");
      g_autofree char *due = prop (bucket, "due-text");
      g_autofree char *remaining = prop (bucket, "remaining-text");

      g_assert_cmpstr (state, ==, buckets[i].state);
      g_assert_cmpstr (style, ==, buckets[i].style);
      g_assert_cmpstr (due, ==, buckets[i].due);
      g_assert_cmpstr (remaining, ==, buckets[i].remaining);
    }

  entry = test_parse_object ("{\"id\":\"p1\",\"date\":\"2025-06-02\",\"type\":\"PAYMENT\","
                             "\"amount\":\"15000.00\",\"method\":\"BANK_TRANSFER\","
                             "\"receipt_no\":\"C01-000001\",\"status\":\"VOIDED\"}");
  history = tala_history_entry_new_from_json (entry);
  g_object_get (history, "amount", &amount, "amount-text", &amount_text, "kind-text", &kind,
                "method-text", &method, "status-text", &status, NULL);
  /* The void dialog still gets the ledger's decimal. */
  g_assert_cmpstr (amount, ==, "15000.00");
  g_assert_cmpstr (amount_text, ==, "₱15,000.00");
  g_assert_cmpstr (kind, ==, "Payment");
  g_assert_cmpstr (method, ==, "Bank transfer");
  g_assert_cmpstr (status, ==, "Voided");
}

static void
test_receipt_pdf (DesktopFixture *fx,
                  gconstpointer   data G_GNUC_UNUSED)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fx->db);
  g_autofree char *path = g_build_filename (dir, "receipt.pdf", NULL);
  g_autofree char *printed = g_build_filename (dir, "printed.pdf", NULL);
  g_autofree char *contents = NULL;
  JsonObject *receipt;
  JsonArray *allocation;
  gsize length;

  /* The hub's institution_name heads the receipt (set here behind the
   * hub's back; the terminal gets it with its snapshot). */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (fx->db, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "INSERT INTO config (key, value, hub_seq) VALUES"
                                       " ('institution_name', '\"Kolehiyo ng Sta. Cruz\"', 0)",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  desktop_first_run (fx, "cashier1", "cashier-pass", "c01", "cashier");
  g_assert_null (tala_cashier_page_get_receipt (cashier_page (fx)));
  receipt = pay (fx, "1500.00", "CASH", NULL);
  g_assert_cmpstr (json_object_get_string_member (receipt, "school"), ==, "Kolehiyo ng Sta. Cruz");
  g_assert_cmpstr (json_object_get_string_member (receipt, "receipt_no"), ==, "C01-000001");
  g_assert_cmpstr (json_object_get_string_member (receipt, "student"), ==, "2025-00001");
  g_assert_cmpstr (json_object_get_string_member (receipt, "amount"), ==, "1500.00");
  g_assert_cmpstr (json_object_get_string_member (receipt, "method"), ==, "CASH");
  g_assert_cmpstr (json_object_get_string_member (receipt, "cashier"), !=, "");
  g_assert_cmpstr (json_object_get_string_member (receipt, "student_name"), !=, "");
  allocation = json_object_get_array_member (receipt, "allocation");
  g_assert_cmpuint (json_array_get_length (allocation), >, 0);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (allocation, 0),
                                                  "applied"), ==, "1500.00");

  /* The account reads in pesos: balance, receipt, month 1 part paid and
   * (its due date, 2025-06-02, long past) overdue. */
  {
    TalaCashierPage *page = cashier_page (fx);
    g_autoptr(TalaBucket) first = NULL;
    g_autofree char *remaining = NULL;
    g_autofree char *state = NULL;
    g_autofree char *style = NULL;

    g_assert_cmpstr (tala_cashier_page_get_balance_text (page), ==, "₱58,500.00");
    g_assert_cmpstr (tala_cashier_page_get_message (page), ==,
                     "Receipt C01-000001: ₱1,500.00 received");
    g_assert_cmpuint (g_list_model_get_n_items (tala_cashier_page_get_buckets (page)), ==, 6);
    first = g_list_model_get_item (tala_cashier_page_get_buckets (page), 0);
    g_object_get (first, "remaining-text", &remaining, "state", &state, "style", &style, NULL);
    g_assert_cmpstr (remaining, ==, "₱8,500.00");
    g_assert_cmpstr (state, ==, "Overdue");
    g_assert_cmpstr (style, ==, "error");
  }
  receipt_png (receipt);
  desktop_screenshot (tala_window_get_cashier_page (fx->window), "cashier");
  g_assert_true (tala_receipt_save_pdf (receipt, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpuint (length, >, 1500);
  g_assert_cmpuint (count_substring (contents, length, "%%EOF"), >=, 1);
  /* One page: one "/Type /Page" that is not "/Type /Pages". */
  g_assert_cmpuint (count_substring (contents, length, "/Type /Page")
                    - count_substring (contents, length, "/Type /Pages"), ==, 1);
  /* The title (an uncompressed dictionary) names the receipt. */
  g_assert_cmpuint (count_substring (contents, length, "Receipt C01-000001"), ==, 1);
  /* What the printer gets: the same drawing through GtkPrintOperation. */
  g_clear_pointer (&contents, g_free);
  g_assert_true (tala_receipt_print_to_file (receipt, printed, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (printed, &contents, &length, &error));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpuint (count_substring (contents, length, "/Type /Page")
                    - count_substring (contents, length, "/Type /Pages"), ==, 1);
  /* An unwritable path is an error, not a crash. */
  g_assert_false (tala_receipt_save_pdf (receipt, "/nonexistent/dir/r.pdf", &error));
  g_assert_nonnull (error);
}

static void
test_void (DesktopFixture *fx,
           gconstpointer   data G_GNUC_UNUSED)
{
  TalaCashierPage *page;
  g_autoptr(TalaVoidDialog) dialog = NULL;
  g_autoptr(TalaVoidDialog) again = NULL;
  g_autofree char *message = NULL;
  g_autofree char *payment = NULL;
  JsonObject *receipt;
  JsonObject *args;
  gint64 deadline;

  /* Every refusal of these ops has its plain words. */
  {
    static const char *const codes[] = {
      "reason_required", "forbidden", "already_voided", "not_a_payment",
      "amount_exceeds_paid", "unknown_payment", "invalid_amount",
    };

    for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
      g_assert_nonnull (tala_void_explain (codes[i]));
    g_assert_null (tala_void_explain ("something_else"));
  }

  /* The input checks, before anything reaches the ledger. */
  args = tala_void_args ("p", "  ", NULL, &message);
  g_assert_null (args);
  g_assert_cmpstr (message, ==, "Type the reason first: every void or adjustment needs one.");
  g_clear_pointer (&message, g_free);
  g_assert_null (tala_void_args ("p", "typo", "0.00", &message));
  g_assert_true (g_str_has_prefix (message, "Type the adjustment like 250.00"));
  g_clear_pointer (&message, g_free);
  args = tala_void_args ("p", " typo ", "-250", &message);
  g_assert_null (args);
  g_clear_pointer (&message, g_free);
  args = tala_void_args ("p", " typo ", "-250.00", &message);
  g_assert_nonnull (args);
  g_assert_cmpstr (json_object_get_string_member (args, "reason"), ==, "typo");
  g_assert_cmpstr (json_object_get_string_member (args, "amount"), ==, "-250.00");
  json_object_unref (args);

  desktop_first_run (fx, "cashier1", "cashier-pass", "c01", "cashier");
  page = cashier_page (fx);
  receipt = pay (fx, "1500.00", "CASH", NULL);
  payment = g_strdup (json_object_get_string_member (receipt, "payment_id"));
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn"
                                          " WHERE receipt_no = 'C01-000001'"), ==, 1);
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);

  /* Without a reason: refused in plain words, nothing previewed or recorded. */
  dialog = g_object_ref (tala_cashier_page_open_void (page, payment, FALSE));
  desktop_screenshot (GTK_WIDGET (dialog), "void");
  tala_void_dialog_set_reason (dialog, "   ");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL);
  g_assert_false (tala_void_dialog_get_busy (dialog));
  g_assert_cmpstr (tala_void_dialog_get_message (dialog), ==,
                   "Type the reason first: every void or adjustment needs one.");
  g_assert_false (tala_void_dialog_get_can_confirm (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.preview", NULL);
  g_assert_false (tala_void_dialog_get_busy (dialog));
  g_assert_null (tala_void_dialog_get_recorded (dialog));
  desktop_wait_sync_idle (fx);
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn WHERE type = 'VOID'"), ==, 0);

  /* With one: the first confirm previews, the second records. */
  tala_void_dialog_set_reason (dialog, "Recorded for the wrong student; cash returned");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL);
  wait_dialog (dialog);
  g_assert_true (tala_void_dialog_get_can_confirm (dialog));
  g_assert_nonnull (strstr (tala_void_dialog_get_message (dialog), "taken off"));
  g_assert_null (tala_void_dialog_get_recorded (dialog));
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);
  desktop_screenshot (GTK_WIDGET (dialog), "void-preview");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL);
  wait_dialog (dialog);
  g_assert_nonnull (tala_void_dialog_get_recorded (dialog));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  desktop_wait_sync_idle (fx);
  g_assert_true (fx->last_sync_ok);
  g_assert_cmpuint (tala_session_get_pending (fx->session), ==, 0);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn WHERE type = 'VOID'"
                                          " AND reason = 'Recorded for the wrong student;"
                                          " cash returned' AND amount = -150000"), ==, 1);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn p"
                                          " JOIN txn v ON v.id = p.voided_by"
                                          " WHERE p.receipt_no = 'C01-000001'"
                                          " AND v.reason = 'Recorded for the wrong student;"
                                          " cash returned'"), ==, 1);

  /* The account reloaded: the history shows the payment voided. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      GListModel *history = tala_cashier_page_get_history (page);
      gboolean voided = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (history); i++)
        {
          g_autoptr(GObject) entry = g_list_model_get_item (history, i);
          g_autofree char *id = NULL;
          g_autofree char *status = NULL;

          g_object_get (entry, "id", &id, "status", &status, NULL);
          if (g_strcmp0 (id, payment) == 0 && g_strcmp0 (status, "VOIDED") == 0)
            voided = TRUE;
        }
      if (voided)
        break;
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }

  /* A second void is refused by the ledger, in plain words. */
  again = g_object_ref (tala_cashier_page_open_void (page, payment, FALSE));
  tala_void_dialog_set_reason (again, "again");
  gtk_widget_activate_action (GTK_WIDGET (again), "void.confirm", NULL);
  wait_dialog (again);
  g_assert_cmpstr (tala_void_dialog_get_message (again), ==, tala_void_explain ("already_voided"));
  g_assert_false (tala_void_dialog_get_can_confirm (again));
  gtk_window_destroy (GTK_WINDOW (again));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn WHERE type = 'VOID'"), ==, 1);
}

static void
test_adjust (DesktopFixture *fx,
             gconstpointer   data G_GNUC_UNUSED)
{
  g_autoptr(TalaVoidDialog) dialog = NULL;
  g_autofree char *payment = NULL;
  JsonObject *receipt;

  desktop_first_run (fx, "cashier1", "cashier-pass", "c01", "cashier");
  receipt = pay (fx, "1500.00", "CASH", NULL);
  payment = g_strdup (json_object_get_string_member (receipt, "payment_id"));
  dialog = g_object_ref (tala_cashier_page_open_void (cashier_page (fx), payment, TRUE));

  /* A zero amount and a missing reason are refused before the ledger. */
  tala_void_dialog_set_amount (dialog, "0.00");
  tala_void_dialog_set_reason (dialog, "Miscounted");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL);
  g_assert_false (tala_void_dialog_get_busy (dialog));
  g_assert_true (g_str_has_prefix (tala_void_dialog_get_message (dialog),
                                   "Type the adjustment like 250.00"));
  tala_void_dialog_set_amount (dialog, "-250.00");
  tala_void_dialog_set_reason (dialog, "");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL);
  g_assert_false (tala_void_dialog_get_busy (dialog));
  g_assert_cmpstr (tala_void_dialog_get_message (dialog), ==,
                   "Type the reason first: every void or adjustment needs one.");

  /* Taking off more than was paid: the ledger's refusal, in plain words. */
  tala_void_dialog_set_amount (dialog, "-1600.00");
  tala_void_dialog_set_reason (dialog, "Miscounted");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.preview", NULL);
  wait_dialog (dialog);
  g_assert_false (tala_void_dialog_get_can_confirm (dialog));
  g_assert_cmpstr (tala_void_dialog_get_message (dialog), ==,
                   tala_void_explain ("amount_exceeds_paid"));

  /* A change after a preview needs a new preview. */
  tala_void_dialog_set_amount (dialog, "-250.00");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.preview", NULL);
  wait_dialog (dialog);
  g_assert_true (tala_void_dialog_get_can_confirm (dialog));
  g_assert_nonnull (strstr (tala_void_dialog_get_message (dialog), "taken off"));
  tala_void_dialog_set_amount (dialog, "-200.00");
  g_assert_false (tala_void_dialog_get_can_confirm (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL);
  wait_dialog (dialog);
  g_assert_null (tala_void_dialog_get_recorded (dialog));
  g_assert_true (tala_void_dialog_get_can_confirm (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "void.confirm", NULL);
  wait_dialog (dialog);
  g_assert_nonnull (tala_void_dialog_get_recorded (dialog));
  desktop_wait_sync_idle (fx);
  g_assert_true (fx->last_sync_ok);
  g_assert_cmpint (desktop_hub_count (fx, "SELECT count(*) FROM txn WHERE type = 'ADJUSTMENT'"
                                          " AND amount = -20000 AND reason = 'Miscounted'"), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The report model over a made-up report: quoting of awkward names,
 * totals, and the pages of a long day. */
static void
test_report_model (void)
{
  g_autoptr(GString) json = g_string_new ("{\"date\":\"2026-06-30\",\"terminal\":\"C01\","
                                          "\"total_collected\":\"12000.00\",\"net_total\":"
                                          "\"12000.00\",\"totals_by_method\":["
                                          "{\"method\":\"CASH\",\"count\":120,"
                                          "\"amount\":\"12000.00\"}],\"receipts\":[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(TalaReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tala-report-XXXXXX", &error);
  g_autofree char *pdf = g_build_filename (dir, "long.pdf", NULL);
  g_autofree char *printed = g_build_filename (dir, "printed.pdf", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;
  int pages;

  for (guint i = 1; i <= 120; i++)
    g_string_append_printf (json, "%s{\"receipt_no\":\"C01-%06u\",\"payment_id\":\"p%u\","
                            "\"student\":\"2025-00001\",\"student_name\":%s,"
                            "\"amount\":\"100.00\",\"method\":\"CASH\","
                            "\"time\":\"2026-06-30T01:00:00Z\",\"cashier\":\"cashier1\","
                            "\"voided\":false}",
                            i > 1 ? "," : "", i, i,
                            i == 1 ? "\"Cruz, Juan \\\"JC\\\"\"" :
                            i == 2 ? "\"Two\\nLines\"" : "\"Ana Reyes\"");
  g_string_append (json, "]}");
  node = json_from_string (json->str, &error);
  g_assert_no_error (error);
  report = tala_report_new_from_json (json_node_get_object (node));
  g_assert_cmpuint (g_list_model_get_n_items (tala_report_get_payments (report)), ==, 120);
  g_assert_cmpint (tala_report_get_method_total (report, "CASH"), ==, 1200000);
  g_assert_cmpuint (tala_report_get_method_count (report, "CASH"), ==, 120);

  csv = tala_report_to_csv (report);
  lines = g_strsplit (csv, "\r\n", -1);
  /* The header, 120 payments and the empty rest; the line break inside a
   * quoted field is a bare LF, so it does not split. */
  g_assert_cmpuint (g_strv_length (lines), ==, 122);
  g_assert_cmpstr (lines[1], ==, "C01-000001,2026-06-30T01:00:00Z,2025-00001,"
                                 "\"Cruz, Juan \"\"JC\"\"\",100.00,CASH,,cashier1,no");
  g_assert_cmpstr (lines[2], ==, "C01-000002,2026-06-30T01:00:00Z,2025-00001,"
                                 "\"Two\nLines\",100.00,CASH,,cashier1,no");
  g_assert_cmpstr (lines[3], ==, "C01-000003,2026-06-30T01:00:00Z,2025-00001,Ana Reyes,"
                                 "100.00,CASH,,cashier1,no");

  pages = tala_report_count_pages (report, 595.28, 841.89);
  g_assert_cmpint (pages, >=, 3);
  g_assert_true (tala_report_save_pdf (report, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &contents, &length, &error));
  g_assert_cmpuint (count_substring (contents, length, "/Type /Page")
                    - count_substring (contents, length, "/Type /Pages"), ==, (guint) pages);
  g_clear_pointer (&contents, g_free);
  g_assert_true (tala_report_print_to_file (report, printed, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (printed, &contents, &length, &error));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpuint (count_substring (contents, length, "/Type /Page")
                    - count_substring (contents, length, "/Type /Pages"), >=, 3);
  g_unlink (pdf);
  g_unlink (printed);
  g_rmdir (dir);
}

static TalaReport *
load_report (DesktopFixture *fx,
             const char     *date)
{
  g_autoptr(GError) error = NULL;
  TalaReport *report;
  Wait w = { 0 };

  tala_report_load_async (fx->session, date, NULL, desktop_done_cb, &w);
  desktop_wait_for (&w.done);
  report = tala_report_load_finish (fx->session, w.result, &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  return report;
}

static void
test_collections_report (DesktopFixture *fx,
                         gconstpointer   data G_GNUC_UNUSED)
{
  g_autoptr(TalaReport) empty = NULL;
  g_autoptr(TalaReport) report = NULL;
  g_autoptr(TalaReportWindow) window = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *dir = g_path_get_dirname (fx->db);
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "report.csv", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  gsize length;

  desktop_first_run (fx, "cashier1", "cashier-pass", "c01", "cashier");
  empty = load_report (fx, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (tala_report_get_payments (empty)), ==, 0);
  g_assert_cmpstr (tala_report_get_terminal (empty), ==, "C01");
  g_assert_cmpint (tala_report_get_method_total (empty, "CASH"), ==, 0);

  pay (fx, "1500.00", "CASH", NULL);
  pay (fx, "2000.50", "GCASH", "GC-1,\"A\"");
  pay (fx, "250.00", "CASH", NULL);
  g_assert_true (fx->last_sync_ok);

  report = load_report (fx, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (tala_report_get_payments (report)), ==, 3);
  g_assert_cmpint (tala_report_get_method_total (report, "CASH"), ==, 175000);
  g_assert_cmpuint (tala_report_get_method_count (report, "CASH"), ==, 2);
  g_assert_cmpint (tala_report_get_method_total (report, "GCASH"), ==, 200050);
  g_assert_cmpuint (tala_report_get_method_count (report, "GCASH"), ==, 1);
  g_assert_cmpint (tala_report_get_method_total (report, "MAYA"), ==, 0);
  g_assert_cmpint (tala_report_get_total_collected (report), ==, 375050);
  g_assert_cmpint (tala_report_get_net_total (report), ==, 375050);
  g_assert_cmpuint (g_strv_length ((GStrv) tala_report_get_methods (report)), ==, 2);

  /* Another date has nothing; a bad one is an error. */
  g_clear_object (&empty);
  empty = load_report (fx, "2020-01-01");
  g_assert_cmpuint (g_list_model_get_n_items (tala_report_get_payments (empty)), ==, 0);
  {
    Wait w = { 0 };
    g_autoptr(GError) bad = NULL;

    tala_report_load_async (fx->session, "30/06/2026", NULL, desktop_done_cb, &w);
    desktop_wait_for (&w.done);
    g_assert_null (tala_report_load_finish (fx->session, w.result, &bad));
    g_assert_error (bad, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID);
    g_object_unref (w.result);
  }

  /* CSV: a header, one CRLF line per payment, RFC 4180 quoting. */
  csv = tala_report_to_csv (report);
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[0], ==, "receipt_no,time,student,student_name,amount,method,"
                                 "reference_number,cashier,voided");
  g_assert_true (g_str_has_prefix (lines[1], "C01-000001,"));
  g_assert_true (g_str_has_suffix (lines[1], ",1500.00,CASH,,cashier1,no"));
  g_assert_true (g_str_has_prefix (lines[2], "C01-000002,"));
  g_assert_true (g_str_has_suffix (lines[2], ",2000.50,GCASH,\"GC-1,\"\"A\"\"\",cashier1,no"));
  g_assert_true (g_str_has_prefix (lines[3], "C01-000003,"));
  g_assert_cmpstr (lines[4], ==, "");
  g_assert_true (tala_report_save_csv (report, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &saved, NULL, &error));
  g_assert_cmpstr (saved, ==, csv);

  if (g_getenv ("TALA_SCREENSHOTS") != NULL)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 595, 842);
      cairo_t *cr = cairo_create (surface);
      g_autofree char *png = g_build_filename (g_getenv ("TALA_SCREENSHOTS"), "report-page.png",
                                               NULL);

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      tala_report_draw_page (report, cr, 595, 842, 0);
      cairo_destroy (cr);
      cairo_surface_write_to_png (surface, png);
      cairo_surface_destroy (surface);
    }

  /* PDF: a valid file, one page for three payments. */
  g_assert_true (tala_report_save_pdf (report, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &contents, &length, &error));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpuint (count_substring (contents, length, "/Type /Page")
                    - count_substring (contents, length, "/Type /Pages"), ==, 1);

  /* A void: the payment stays listed, marked voided; the net falls. */
  {
    g_autoptr(TalaReportPayment) second =
      g_list_model_get_item (tala_report_get_payments (report), 1);
    g_autoptr(JsonObject) args = json_object_new ();
    g_autoptr(JsonObject) envelope = NULL;
    g_autoptr(TalaReport) after = NULL;
    g_autofree char *corrections = NULL;
    g_autofree char *csv_after = NULL;
    g_auto(GStrv) rows = NULL;

    g_assert_cmpstr (tala_report_payment_get_receipt (second), ==, "C01-000002");
    g_assert_cmpint (tala_report_payment_get_centavos (second), ==, 200050);
    json_object_set_string_member (args, "payment", tala_report_payment_get_payment_id (second));
    json_object_set_string_member (args, "reason", "Paid twice");
    envelope = desktop_op (fx, "payment.void", args, FALSE);
    g_assert_cmpstr (json_object_get_string_member (envelope, "status"), ==, "applied");
    desktop_wait_sync_idle (fx);
    after = load_report (fx, NULL);
    g_assert_cmpint (tala_report_get_total_collected (after), ==, 375050);
    g_assert_cmpint (tala_report_get_total_voided (after), ==, -200050);
    g_assert_cmpint (tala_report_get_net_total (after), ==, 175000);
    corrections = tala_report_dup_corrections (after);
    g_assert_cmpstr (corrections, ==, "C01-000002 voided, -₱2,000.50, by cashier1: Paid twice");
    csv_after = tala_report_to_csv (after);
    rows = g_strsplit (csv_after, "\r\n", -1);
    g_assert_true (g_str_has_suffix (rows[2], ",cashier1,yes"));
    g_assert_true (g_str_has_suffix (rows[1], ",cashier1,no"));
  }

  /* The window shows the same report. */
  window = g_object_ref_sink (tala_report_window_new (GTK_WINDOW (fx->window), fx->session));
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (tala_report_window_get_loading (window))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_assert_nonnull (tala_report_window_get_report (window));
  desktop_screenshot (GTK_WIDGET (window), "report");
  g_assert_cmpint (tala_report_get_method_total (tala_report_window_get_report (window), "GCASH"),
                   ==, 200050);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
wait_interval (DesktopFixture *fx,
               guint           seconds)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (tala_session_get_sync_interval (fx->session) != seconds)
    {
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
test_preferences (DesktopFixture *fx,
                  gconstpointer   data G_GNUC_UNUSED)
{
  g_autoptr(GSettings) settings = tala_preferences_dup_settings ();
  TalaPreferencesWindow *prefs;
  g_autofree char *url = NULL;
  gint64 deadline;

  g_assert_nonnull (settings);
  desktop_first_run (fx, "cashier1", "cashier-pass", "c01", "cashier");
  g_assert_cmpuint (tala_session_get_sync_interval (fx->session), ==,
                    g_settings_get_uint (settings, "sync-interval"));

  /* The interval takes effect at once. */
  g_settings_set_uint (settings, "sync-interval", 17);
  wait_interval (fx, 17);
  g_settings_set_uint (settings, "sync-interval", 300);
  wait_interval (fx, 300);

  /* The hub address is used from the next sync; empty: the first run's. */
  g_settings_set_string (settings, "hub-url", "http://127.0.0.1:1");
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_free (url);
      url = tala_store_dup_hub_url (tala_session_get_store (fx->session));
      if (g_strcmp0 (url, "http://127.0.0.1:1") == 0)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  tala_session_sync (fx->session);
  desktop_wait_sync_idle (fx);
  g_assert_false (fx->last_sync_ok);
  g_assert_false (tala_session_get_online (fx->session));
  g_settings_set_string (settings, "hub-url", "");
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_free (url);
      url = tala_store_dup_hub_url (tala_session_get_store (fx->session));
      if (g_strcmp0 (url, fx->url) == 0)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  tala_session_sync (fx->session);
  desktop_wait_sync_idle (fx);
  g_assert_true (fx->last_sync_ok);

  /* Where receipts go. */
  g_assert_false (tala_preferences_receipt_to_pdf ());
  g_settings_set_string (settings, "print-default", "pdf");
  g_assert_true (tala_preferences_receipt_to_pdf ());

  /* The window builds over the keys (not shown: the test's GTK has no
   * SVG loader for the search icon). */
  prefs = tala_preferences_window_new (GTK_WINDOW (fx->window), fx->session);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (prefs)));
  desktop_screenshot (GTK_WIDGET (prefs), "preferences");
  gtk_window_destroy (GTK_WINDOW (prefs));

  g_settings_reset (settings, "print-default");
  g_settings_reset (settings, "sync-interval");
  wait_interval (fx, 60);
}

int
main (int   argc,
      char *argv[])
{
  if (!desktop_main_init (&argc, &argv))
    return 77;
  g_test_add_func ("/cashier/pesos", test_pesos);
  g_test_add_func ("/cashier/rows", test_rows);
  g_test_add_func ("/cashier/report-model", test_report_model);
  g_test_add ("/cashier/receipt-pdf", DesktopFixture, NULL,
              desktop_setup, test_receipt_pdf, desktop_teardown);
  g_test_add ("/cashier/void-with-reason", DesktopFixture, NULL,
              desktop_setup, test_void, desktop_teardown);
  g_test_add ("/cashier/adjust-with-reason", DesktopFixture, NULL,
              desktop_setup, test_adjust, desktop_teardown);
  g_test_add ("/cashier/collections-report", DesktopFixture, NULL,
              desktop_setup, test_collections_report, desktop_teardown);
  g_test_add ("/cashier/preferences", DesktopFixture, NULL,
              desktop_setup, test_preferences, desktop_teardown);
  return desktop_main_run ();
}
