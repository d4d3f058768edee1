/* tala-cashier-page.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cashier's page: search as you type, the selected student's account
 * (buckets, credit, permits, history) and the payment form.  A payment is
 * previewed first (the op applied and rolled back on a worker, see
 * tala_store_preview()), and only the confirm records it.  Once recorded,
 * its receipt goes to the printer or a PDF file (tala-receipt.c, as the
 * print-default setting says); a payment of the history can be voided or
 * adjusted with a reason (tala-void-dialog.c).
 */

#define G_LOG_DOMAIN "tala-cashier-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tala-cashier-page.h"
#include "tala-items.h"
#include "tala-ledger-staff.h"
#include "tala-preferences.h"
#include "tala-receipt.h"
#include "tala-student-list.h"
#include "tala-void-dialog.h"

struct _TalaCashierPage
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkSearchEntry  *search;
  GtkListView     *results_view;
  GtkLabel        *name_label;
  GtkLabel        *totals_label;
  GtkBox          *permits_box;
  GtkListView     *buckets_view;
  GtkListView     *history_view;
  GtkEntry        *amount;
  GtkDropDown     *method;
  GtkEntry        *reference;
  GtkLabel        *preview_label;
  GtkButton       *confirm_button;
  GtkWidget       *receipt_button;

  /* Owned */
  TalaSession     *session;
  TalaStudentList *results;
  GtkSingleSelection *selection;
  GListStore      *buckets;       /* of TalaBucket */
  GListStore      *history;       /* of TalaHistoryEntry */
  GtkSingleSelection *history_selection;
  GCancellable    *cancellable;
  char            *student;       /* the account shown */
  char            *previewed;     /* canonical args of the previewed payment */
  char            *student_name;  /* of the account shown */
  char            *institution;   /* config institution_name, for receipts */
  char            *balance_text;  /* "₱58,500.00", or "" */
  JsonObject      *receipt;       /* the last payment's receipt, nullable */
  guint            busy;          /* async calls running */
};

G_DEFINE_FINAL_TYPE (TalaCashierPage, tala_cashier_page, GTK_TYPE_WIDGET)

/* The name printed on receipts. */

static const char *const methods[] = {
  "CASH", "CHECK", "CREDIT_CARD", "BANK_TRANSFER", "ONLINE", "GCASH", "MAYA", NULL,
};

/* An exam permit as a small tag: "Prelim · Unlocked", green when it may
 * be used, dim while locked; its code and expiry in the tooltip. */
static GtkWidget *
permit_tag (JsonObject *permit)
{
  const char *period = json_object_get_string_member_with_default (permit, "period", "");
  const char *status = json_object_get_string_member_with_default (permit, "status", "");
  const char *code = json_object_get_string_member_with_default (permit, "code", NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label;
  g_autofree char *text = NULL;
  const char *style = "dim-label";

  if (g_str_equal (status, "UNLOCKED"))
    style = "success";
  else if (g_str_equal (status, "EXPIRED"))
    style = "error";
  /* Translators: an exam permit tag, "Prelim · Unlocked". */
  text = g_strdup_printf (_("%s · %s"), tala_period_words (period),
                          tala_permit_status_words (status));
  label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, style);
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_top (label, 2);
  gtk_widget_set_margin_bottom (label, 2);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (box, "card");
  if (code != NULL)
    {
      g_autofree char *tip = g_strdup_printf (_("Code %s, valid until %s"), code,
                                              json_object_get_string_member_with_default (
                                                permit, "expires", ""));

      gtk_widget_set_tooltip_text (box, tip);
    }
  return box;
}

static void
show_account (TalaCashierPage *self,
              JsonObject      *account)
{
  JsonObject *e = json_object_has_member (account, "enrollment")
                  ? json_object_get_object_member (account, "enrollment") : NULL;
  JsonArray *history = json_object_get_array_member (account, "history");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  GtkWidget *child;
  g_autofree char *name = g_strdup_printf ("%s %s · %s",
                                           json_object_get_string_member (account, "first_name"),
                                           json_object_get_string_member (account, "last_name"),
                                           json_object_get_string_member (account, "student"));
  g_autofree char *totals = NULL;

  gtk_label_set_label (self->name_label, name);
  g_free (self->student_name);
  self->student_name = g_strdup_printf ("%s %s",
                                        json_object_get_string_member (account, "first_name"),
                                        json_object_get_string_member (account, "last_name"));
  g_list_store_remove_all (self->buckets);
  g_list_store_remove_all (self->history);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->permits_box))) != NULL)
    gtk_box_remove (self->permits_box, child);
  g_free (self->balance_text);
  self->balance_text = g_strdup ("");
  if (e != NULL)
    {
      JsonArray *b = json_object_get_array_member (e, "buckets");
      JsonArray *p = json_object_get_array_member (e, "permits");
      g_autofree char *due = tala_format_pesos (json_object_get_string_member (e, "total_due"));
      g_autofree char *paid = tala_format_pesos (json_object_get_string_member (e, "total_paid"));
      g_autofree char *balance = tala_format_pesos (json_object_get_string_member (e, "balance"));
      g_autofree char *credit = tala_format_pesos (json_object_get_string_member (e, "credit"));

      totals = g_strdup_printf (_("Due %s · Paid %s · Balance %s · Credit %s"),
                                due, paid, balance, credit);
      g_free (self->balance_text);
      self->balance_text = g_strdup (balance);
      for (guint i = 0; b != NULL && i < json_array_get_length (b); i++)
        {
          g_autoptr(TalaBucket) bucket =
            tala_bucket_new_from_json_on (json_array_get_object_element (b, i), today);

          g_list_store_append (self->buckets, bucket);
        }
      for (guint i = 0; p != NULL && i < json_array_get_length (p); i++)
        gtk_box_append (self->permits_box,
                        permit_tag (json_array_get_object_element (p, i)));
    }
  else
    {
      g_autofree char *unassigned =
        tala_format_pesos (json_object_get_string_member (account, "unassigned_credit"));

      totals = g_strdup_printf (_("Not enrolled this semester · Unassigned credit %s"),
                                unassigned);
    }
  gtk_label_set_label (self->totals_label, totals);
  for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
    {
      g_autoptr(TalaHistoryEntry) h =
        tala_history_entry_new_from_json (json_array_get_object_element (history, i));

      g_list_store_append (self->history, h);
    }
}

static void
account_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TalaCashierPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) account = tala_session_account_finish (TALA_SESSION (object), result,
                                                               &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy--;
  if (account == NULL)
    {
      gtk_label_set_label (self->totals_label, error->message);
      return;
    }
  show_account (self, account);
}

/* The institution's name as the replica has it (a worker thread). */
static JsonNode *
institution_read (TalaLedger  *ledger,
                  gpointer     data G_GNUC_UNUSED,
                  GError     **error)
{
  g_autoptr(JsonObject) config = tala_ledger_staff_config (ledger, "institution_name", error);
  JsonNode *node;

  if (config == NULL)
    return NULL;
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, json_object_get_string_member_with_default (config, "value", ""));
  return node;
}

static void
institution_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TalaCashierPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = tala_session_read_finish (TALA_SESSION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy--;
  if (node == NULL)
    {
      g_debug ("institution name: %s", error->message);
      return;
    }
  g_free (self->institution);
  self->institution = g_strdup (json_node_get_string (node));
}

static void
load_account (TalaCashierPage *self)
{
  if (self->student == NULL || self->session == NULL)
    return;
  /* The name may change with a sync: read it with every account. */
  self->busy++;
  tala_session_read_async (self->session, institution_read, NULL, NULL, self->cancellable,
                           institution_done_cb, self);
  self->busy++;
  tala_session_account_async (self->session, self->student, self->cancellable,
                              account_done_cb, self);
}

static void
selection_changed_cb (TalaCashierPage *self)
{
  TalaStudent *student = gtk_single_selection_get_selected_item (self->selection);

  if (student == NULL)
    return;
  g_free (self->student);
  self->student = g_strdup (tala_student_get_number (student));
  g_clear_pointer (&self->previewed, g_free);
  gtk_label_set_label (self->preview_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  load_account (self);
}

static void
search_changed_cb (TalaCashierPage *self)
{
  if (self->results != NULL)
    tala_student_list_set_query (self->results, gtk_editable_get_text (GTK_EDITABLE (self->search)));
}

/* The payment in the form as op args; NULL (and a message) when invalid. */
static JsonObject *
payment_args (TalaCashierPage *self)
{
  const char *amount = gtk_editable_get_text (GTK_EDITABLE (self->amount));
  const char *reference = gtk_editable_get_text (GTK_EDITABLE (self->reference));
  guint method = gtk_drop_down_get_selected (self->method);
  g_autoptr(JsonObject) args = json_object_new ();
  gint64 centavos;
  g_autofree char *normal = NULL;

  if (self->student == NULL)
    {
      gtk_label_set_label (self->preview_label, _("Choose a student first."));
      return NULL;
    }
  if (!tala_money_parse (amount, TALA_MONEY_POSITIVE, &centavos, NULL))
    {
      gtk_label_set_label (self->preview_label, _("Type the amount like 2500.00."));
      return NULL;
    }
  normal = tala_money_format (centavos);
  json_object_set_string_member (args, "student", self->student);
  json_object_set_string_member (args, "amount", normal);
  json_object_set_string_member (args, "method", methods[MIN (method, G_N_ELEMENTS (methods) - 2)]);
  if (reference[0] != '\0')
    json_object_set_string_member (args, "reference_number", reference);
  return g_steal_pointer (&args);
}

static char *
describe_allocation (JsonObject *envelope)
{
  JsonObject *result = json_object_get_object_member (envelope, "result");
  JsonArray *allocation = result ? json_object_get_array_member (result, "allocation") : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; allocation != NULL && i < json_array_get_length (allocation); i++)
    {
      JsonObject *a = json_array_get_object_element (allocation, i);

      g_autofree char *applied = tala_format_pesos (json_object_get_string_member (a, "applied"));

      /* Translators: one line of a payment's allocation preview: "Month 1: ₱1,500.00 (part paid)". */
      g_string_append_printf (text, _("Month %d: %s (%s)\n"),
                              (int) json_object_get_int_member (a, "month"), applied,
                              json_object_get_boolean_member (a, "is_paid") ? _("now paid")
                                                                            : _("part paid"));
    }
  if (result != NULL && json_object_has_member (result, "credit_added"))
    {
      g_autofree char *credit = tala_format_pesos (json_object_get_string_member (result,
                                                                                 "credit_added"));

      g_string_append_printf (text, _("Credit added: %s"), credit);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
rejection (JsonObject *envelope)
{
  JsonObject *err = json_object_get_object_member (envelope, "error");

  if (err != NULL && json_object_has_member (err, "message"))
    return json_object_get_string_member (err, "message");
  return json_object_get_string_member_with_default (envelope, "code", _("Refused"));
}

static void
preview_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TalaCashierPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) envelope = tala_session_op_finish (TALA_SESSION (object), result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy--;
  if (envelope == NULL)
    {
      gtk_label_set_label (self->preview_label, error->message);
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (envelope, "status", ""),
                 "applied") != 0)
    {
      gtk_label_set_label (self->preview_label, rejection (envelope));
      return;
    }
  text = describe_allocation (envelope);
  gtk_label_set_label (self->preview_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), TRUE);
}

static void
preview_action (GtkWidget  *widget,
                const char *name G_GNUC_UNUSED,
                GVariant   *param G_GNUC_UNUSED)
{
  TalaCashierPage *self = TALA_CASHIER_PAGE (widget);
  g_autoptr(JsonObject) args = payment_args (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  g_clear_pointer (&self->previewed, g_free);
  if (args == NULL || self->session == NULL)
    return;
  self->previewed = tala_json_canonical_object (args);
  self->busy++;
  tala_session_op_async (self->session, "payment.record", args, TRUE, self->cancellable,
                         preview_done_cb, self);
}

static void
record_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TalaCashierPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) envelope = tala_session_op_finish (TALA_SESSION (object), result, &error);
  JsonObject *r;
  g_autofree char *text = NULL;
  g_autofree char *amount = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *cashier;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy--;
  if (envelope == NULL)
    {
      gtk_label_set_label (self->preview_label, error->message);
      return;
    }
  r = json_object_get_object_member (envelope, "result");
  if (r == NULL)
    {
      gtk_label_set_label (self->preview_label, rejection (envelope));
      return;
    }
  now = g_date_time_new_now_local ();
  cashier = tala_session_get_full_name (self->session);
  if (cashier == NULL || cashier[0] == '\0')
    cashier = tala_session_get_username (self->session);
  g_clear_pointer (&self->receipt, json_object_unref);
  /* Until the hub has it, the allocation may still change (DESIGN.md,
   * Sync 3); the amount and the receipt number never do. */
  self->receipt = tala_receipt_new (r, self->student_name, cashier, self->institution, now,
                                    TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.receipt", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.print-receipt", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.save-receipt", TRUE);
  amount = tala_format_pesos (json_object_get_string_member (r, "amount"));
  text = g_strdup_printf (_("Receipt %s: %s received"),
                          json_object_get_string_member (r, "receipt_no"), amount);
  gtk_label_set_label (self->preview_label, text);
  gtk_editable_set_text (GTK_EDITABLE (self->amount), "");
  gtk_editable_set_text (GTK_EDITABLE (self->reference), "");
  load_account (self);
}

/* Records exactly what was previewed; a changed form needs a new preview. */
static void
confirm_action (GtkWidget  *widget,
                const char *name G_GNUC_UNUSED,
                GVariant   *param G_GNUC_UNUSED)
{
  TalaCashierPage *self = TALA_CASHIER_PAGE (widget);
  g_autoptr(JsonObject) args = payment_args (self);
  g_autofree char *canonical = args ? tala_json_canonical_object (args) : NULL;

  if (args == NULL || g_strcmp0 (canonical, self->previewed) != 0 ||
      !gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_button)))
    {
      preview_action (widget, NULL, NULL);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  g_clear_pointer (&self->previewed, g_free);
  self->busy++;
  tala_session_op_async (self->session, "payment.record", args, FALSE, self->cancellable,
                         record_done_cb, self);
}

/* Enter in the amount: the first previews, the second confirms. */
static void
amount_activate_cb (TalaCashierPage *self)
{
  confirm_action (GTK_WIDGET (self), NULL, NULL);
}

/* ---- Receipts ------------------------------------------------------------ */

static GtkWindow *
parent_window (TalaCashierPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* The allocation is provisional while ops wait for the hub. */
static void
update_provisional (TalaCashierPage *self)
{
  json_object_set_boolean_member (self->receipt, "provisional",
                                  tala_session_get_pending (self->session) > 0);
}

static void
print_receipt_action (GtkWidget  *widget,
                      const char *name G_GNUC_UNUSED,
                      GVariant   *param G_GNUC_UNUSED)
{
  TalaCashierPage *self = TALA_CASHIER_PAGE (widget);

  if (self->receipt == NULL)
    return;
  update_provisional (self);
  tala_receipt_print (self->receipt, parent_window (self));
}

static void
save_receipt_action (GtkWidget  *widget,
                     const char *name G_GNUC_UNUSED,
                     GVariant   *param G_GNUC_UNUSED)
{
  TalaCashierPage *self = TALA_CASHIER_PAGE (widget);

  if (self->receipt == NULL)
    return;
  update_provisional (self);
  tala_receipt_save_as (self->receipt, parent_window (self));
}

/* The receipt button: the printer or a PDF file, as the preferences say. */
static void
receipt_action (GtkWidget  *widget,
                const char *name G_GNUC_UNUSED,
                GVariant   *param G_GNUC_UNUSED)
{
  if (tala_preferences_receipt_to_pdf ())
    save_receipt_action (widget, NULL, NULL);
  else
    print_receipt_action (widget, NULL, NULL);
}

/* ---- Void and adjust ----------------------------------------------------- */

static TalaHistoryEntry *
selected_payment (TalaCashierPage *self)
{
  TalaHistoryEntry *entry = gtk_single_selection_get_selected_item (self->history_selection);
  g_autofree char *kind = NULL;
  g_autofree char *status = NULL;

  if (entry == NULL)
    return NULL;
  g_object_get (entry, "kind", &kind, "status", &status, NULL);
  if (g_strcmp0 (kind, "PAYMENT") != 0 || g_strcmp0 (status, "VOIDED") == 0)
    return NULL;
  return entry;
}

static void
history_selection_changed_cb (TalaCashierPage *self)
{
  gboolean can = selected_payment (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.void", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.adjust", can);
}

static void
void_recorded_cb (TalaCashierPage *self,
                  JsonObject      *envelope G_GNUC_UNUSED,
                  TalaVoidDialog  *dialog G_GNUC_UNUSED)
{
  load_account (self);
}

TalaVoidDialog *
tala_cashier_page_open_void (TalaCashierPage *self,
                             const char      *payment_id,
                             gboolean         adjust)
{
  g_autofree char *receipt = NULL;
  g_autofree char *amount = NULL;
  TalaVoidDialog *dialog;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->history));

  g_return_val_if_fail (TALA_IS_CASHIER_PAGE (self), NULL);
  g_return_val_if_fail (payment_id != NULL, NULL);

  for (guint i = 0; i < n && receipt == NULL; i++)
    {
      g_autoptr(TalaHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->history), i);
      g_autofree char *id = NULL;

      g_object_get (entry, "id", &id, NULL);
      if (g_strcmp0 (id, payment_id) == 0)
        g_object_get (entry, "receipt", &receipt, "amount", &amount, NULL);
    }
  dialog = tala_void_dialog_new (parent_window (self), self->session, payment_id, receipt,
                                 amount, adjust);
  g_signal_connect_object (dialog, "recorded", G_CALLBACK (void_recorded_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
void_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param G_GNUC_UNUSED)
{
  TalaCashierPage *self = TALA_CASHIER_PAGE (widget);
  TalaHistoryEntry *entry = selected_payment (self);
  g_autofree char *id = NULL;

  if (entry == NULL)
    return;
  g_object_get (entry, "id", &id, NULL);
  tala_cashier_page_open_void (self, id, g_str_equal (name, "cashier.adjust"));
}

/* ---- Public -------------------------------------------------------------- */

void
tala_cashier_page_show_student (TalaCashierPage *self,
                                const char      *student)
{
  g_return_if_fail (TALA_IS_CASHIER_PAGE (self));

  g_free (self->student);
  self->student = g_strdup (student);
  g_clear_pointer (&self->previewed, g_free);
  gtk_label_set_label (self->preview_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  load_account (self);
}

void
tala_cashier_page_set_payment (TalaCashierPage *self,
                               const char      *amount,
                               const char      *method,
                               const char      *reference)
{
  g_return_if_fail (TALA_IS_CASHIER_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->amount), amount ? amount : "");
  gtk_editable_set_text (GTK_EDITABLE (self->reference), reference ? reference : "");
  for (guint i = 0; method != NULL && methods[i] != NULL; i++)
    if (g_str_equal (methods[i], method))
      gtk_drop_down_set_selected (self->method, i);
}

gboolean
tala_cashier_page_get_busy (TalaCashierPage *self)
{
  return self->busy > 0;
}

const char *
tala_cashier_page_get_message (TalaCashierPage *self)
{
  return gtk_label_get_label (self->preview_label);
}

const char *
tala_cashier_page_get_balance_text (TalaCashierPage *self)
{
  g_return_val_if_fail (TALA_IS_CASHIER_PAGE (self), NULL);

  return self->balance_text;
}

GListModel *
tala_cashier_page_get_buckets (TalaCashierPage *self)
{
  g_return_val_if_fail (TALA_IS_CASHIER_PAGE (self), NULL);

  return G_LIST_MODEL (self->buckets);
}

JsonObject *
tala_cashier_page_get_receipt (TalaCashierPage *self)
{
  return self->receipt;
}

GListModel *
tala_cashier_page_get_history (TalaCashierPage *self)
{
  return G_LIST_MODEL (self->history);
}

void
tala_cashier_page_set_session (TalaCashierPage *self,
                               TalaSession     *session)
{
  g_return_if_fail (TALA_IS_CASHIER_PAGE (self));

  g_set_object (&self->session, session);
  g_clear_object (&self->results);
  self->results = tala_student_list_new (tala_session_get_store (session));
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->results));
}

void
tala_cashier_page_focus_search (TalaCashierPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search));
}

const char *
tala_cashier_page_get_student (TalaCashierPage *self)
{
  return self->student;
}

GListModel *
tala_cashier_page_get_results (TalaCashierPage *self)
{
  return G_LIST_MODEL (self->results);
}

/* ---- The tables' rows ----------------------------------------------------- */

/* css-classes of a cell: @base (nullable, "" for none) and @style. */
static char **
tala_cashier_style_classes (GtkListItem *item G_GNUC_UNUSED,
                            const char  *base,
                            const char  *style)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (base != NULL && base[0] != '\0')
    g_strv_builder_add (builder, base);
  if (style != NULL && style[0] != '\0')
    g_strv_builder_add (builder, style);
  return g_strv_builder_end (builder);
}

/* css-classes of a history entry's status: a voided payment is dimmed. */
static char **
tala_cashier_status_classes (GtkListItem *item,
                             const char  *base,
                             const char  *status)
{
  return tala_cashier_style_classes (item, base,
                                     g_strcmp0 (status, "VOIDED") == 0 ? "dim-label" : NULL);
}

static GtkListItemFactory *
row_factory (const char *resource)
{
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();

  gtk_builder_cscope_add_callback_symbol (GTK_BUILDER_CSCOPE (scope),
                                          "tala_cashier_style_classes",
                                          G_CALLBACK (tala_cashier_style_classes));
  gtk_builder_cscope_add_callback_symbol (GTK_BUILDER_CSCOPE (scope),
                                          "tala_cashier_status_classes",
                                          G_CALLBACK (tala_cashier_status_classes));
  return gtk_builder_list_item_factory_new_from_resource (scope, resource);
}

static void
tala_cashier_page_dispose (GObject *object)
{
  TalaCashierPage *self = TALA_CASHIER_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TALA_TYPE_CASHIER_PAGE);
  /* The paned has no id, so the template leaves it to us. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->history_selection);
  g_clear_object (&self->results);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (tala_cashier_page_parent_class)->dispose (object);
}

static void
tala_cashier_page_finalize (GObject *object)
{
  TalaCashierPage *self = TALA_CASHIER_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->buckets);
  g_clear_object (&self->history);
  g_free (self->student);
  g_free (self->previewed);
  g_free (self->institution);
  g_free (self->student_name);
  g_free (self->balance_text);
  g_clear_pointer (&self->receipt, json_object_unref);
  G_OBJECT_CLASS (tala_cashier_page_parent_class)->finalize (object);
}

static void
tala_cashier_page_class_init (TalaCashierPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tala_cashier_page_dispose;
  object_class->finalize = tala_cashier_page_finalize;

  g_type_ensure (TALA_TYPE_STUDENT);
  g_type_ensure (TALA_TYPE_BUCKET);
  g_type_ensure (TALA_TYPE_HISTORY_ENTRY);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tala/Tala/ui/tala-cashier-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, search);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, results_view);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, totals_label);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, permits_box);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, buckets_view);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, history_view);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, amount);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, method);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, reference);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, preview_label);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, TalaCashierPage, receipt_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, amount_activate_cb);
  gtk_widget_class_install_action (widget_class, "cashier.preview", NULL, preview_action);
  gtk_widget_class_install_action (widget_class, "cashier.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "cashier.receipt", NULL, receipt_action);
  gtk_widget_class_install_action (widget_class, "cashier.print-receipt", NULL,
                                   print_receipt_action);
  gtk_widget_class_install_action (widget_class, "cashier.save-receipt", NULL,
                                   save_receipt_action);
  gtk_widget_class_install_action (widget_class, "cashier.void", NULL, void_action);
  gtk_widget_class_install_action (widget_class, "cashier.adjust", NULL, void_action);
}

static void
tala_cashier_page_init (TalaCashierPage *self)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  GtkNoSelection *no_selection;
  g_autoptr(GtkListItemFactory) bucket_factory = row_factory ("/org/tala/Tala/ui/tala-bucket-row.ui");
  g_autoptr(GtkListItemFactory) history_factory =
    row_factory ("/org/tala/Tala/ui/tala-history-row.ui");

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->buckets = g_list_store_new (TALA_TYPE_BUCKET);
  self->history = g_list_store_new (TALA_TYPE_HISTORY_ENTRY);
  self->balance_text = g_strdup ("");
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (self->selection));
  gtk_list_view_set_factory (self->buckets_view, bucket_factory);
  gtk_list_view_set_factory (self->history_view, history_factory);
  no_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->buckets)));
  gtk_list_view_set_model (self->buckets_view, GTK_SELECTION_MODEL (no_selection));
  g_object_unref (no_selection);
  self->history_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->history)));
  gtk_single_selection_set_autoselect (self->history_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->history_selection, TRUE);
  g_signal_connect_swapped (self->history_selection, "notify::selected-item",
                            G_CALLBACK (history_selection_changed_cb), self);
  gtk_list_view_set_model (self->history_view, GTK_SELECTION_MODEL (self->history_selection));
  /* The methods in words, in the order of methods[]. */
  for (guint i = 0; methods[i] != NULL; i++)
    gtk_string_list_append (strings, tala_method_words (methods[i]));
  gtk_drop_down_set_model (self->method, G_LIST_MODEL (strings));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.receipt", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.print-receipt", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.save-receipt", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.void", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cashier.adjust", FALSE);
}
