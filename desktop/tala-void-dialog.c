/* tala-void-dialog.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Like the payment form: the input is checked here first (a reason is
 * required before anything reaches the ledger), then previewed on a
 * worker (applied and rolled back), and only the confirm of the same
 * input records the op.  Any change to the input needs a new preview.
 */

#define G_LOG_DOMAIN "tala-void-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "tala-receipt.h"
#include "tala-void-dialog.h"

struct _TalaVoidDialog
{
  AdwWindow       parent_instance;

  /* Template widgets */
  AdwWindowTitle *title;
  GtkLabel       *payment_label;
  AdwEntryRow    *amount_row;
  AdwEntryRow    *reason_row;
  GtkLabel       *message_label;
  GtkButton      *confirm_button;

  /* Owned */
  TalaSession    *session;
  GCancellable   *cancellable;
  char           *payment;
  char           *previewed;    /* canonical args of the last good preview */
  JsonObject     *recorded;     /* the envelope, once recorded */
  gboolean        adjust;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (TalaVoidDialog, tala_void_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_RECORDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

JsonObject *
tala_void_args (const char  *payment,
                const char  *reason,
                const char  *amount,
                char       **message)
{
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *why = g_strstrip (g_strdup (reason ? reason : ""));
  g_autofree char *normal = NULL;
  gint64 centavos;

  if (amount != NULL)
    {
      g_autofree char *text = g_strstrip (g_strdup (amount));

      if (!tala_money_parse (text, TALA_MONEY_SIGNED, &centavos, NULL))
        {
          *message = g_strdup (_("Type the adjustment like 250.00 to add, or -250.00 to take "
                                 "off; it cannot be zero."));
          return NULL;
        }
      normal = tala_money_format (centavos);
    }
  if (why[0] == '\0')
    {
      *message = g_strdup (_("Type the reason first: every void or adjustment needs one."));
      return NULL;
    }
  if (g_utf8_strlen (why, -1) > 500)
    {
      *message = g_strdup (_("The reason is too long: keep it under 500 characters."));
      return NULL;
    }
  json_object_set_string_member (args, "payment", payment);
  if (normal != NULL)
    json_object_set_string_member (args, "amount", normal);
  json_object_set_string_member (args, "reason", why);
  return g_steal_pointer (&args);
}

const char *
tala_void_explain (const char *code)
{
  if (g_strcmp0 (code, "reason_required") == 0)
    return _("Type the reason first: every void or adjustment needs one.");
  if (g_strcmp0 (code, "forbidden") == 0)
    return _("A cashier can void or adjust only a payment they recorded themselves, on the "
             "same day. Ask an administrator to do it.");
  if (g_strcmp0 (code, "already_voided") == 0)
    return _("This payment is already voided: nothing more to do.");
  if (g_strcmp0 (code, "not_a_payment") == 0)
    return _("Only a payment can be voided or adjusted, not a void or an adjustment.");
  if (g_strcmp0 (code, "amount_exceeds_paid") == 0)
    return _("The account would go below zero paid: part of this money was already used "
             "(for example, credit carried to another semester). Ask an administrator.");
  if (g_strcmp0 (code, "unknown_payment") == 0)
    return _("This payment is not on this computer yet. Sync, then try again.");
  if (g_strcmp0 (code, "invalid_amount") == 0)
    return _("Type the adjustment like 250.00 to add, or -250.00 to take off; it cannot be "
             "zero.");
  return NULL;
}

static void
set_message (TalaVoidDialog *self,
             const char     *text)
{
  gtk_label_set_label (self->message_label, text);
}

static const char *
rejection (JsonObject *envelope)
{
  JsonObject *err = json_object_get_object_member (envelope, "error");
  const char *code = err ? json_object_get_string_member_with_default (err, "code", NULL) : NULL;
  const char *plain = tala_void_explain (code);

  if (plain != NULL)
    return plain;
  if (err != NULL && json_object_has_member (err, "message"))
    return json_object_get_string_member (err, "message");
  return _("Refused");
}

static JsonObject *
current_args (TalaVoidDialog *self)
{
  g_autofree char *message = NULL;
  JsonObject *args;

  args = tala_void_args (self->payment,
                         gtk_editable_get_text (GTK_EDITABLE (self->reason_row)),
                         self->adjust ? gtk_editable_get_text (GTK_EDITABLE (self->amount_row))
                                      : NULL,
                         &message);
  if (args == NULL)
    set_message (self, message);
  return args;
}

static const char *
kind (TalaVoidDialog *self)
{
  return self->adjust ? "payment.adjust" : "payment.void";
}

/* "Month 2: −₱5,000.00" lines of a removal or allocation. */
static char *
describe (JsonObject *result)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *lines = NULL;
  gboolean removal = json_object_has_member (result, "removal");
  g_autofree char *balance = NULL;

  lines = json_object_get_array_member (result, removal ? "removal" : "allocation");
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *l = json_array_get_object_element (lines, i);
      g_autofree char *pesos =
        tala_format_pesos (json_object_get_string_member_with_default (l, removal ? "removed"
                                                                                  : "applied",
                                                                       "0.00"));

      /* Translators: a line of a void or adjustment preview. */
      g_string_append_printf (text, removal ? _("Month %d: %s taken off\n")
                                            : _("Month %d: %s added\n"),
                              (int) json_object_get_int_member_with_default (l, "month", 0), pesos);
    }
  if (json_object_has_member (result, "balance"))
    {
      balance = tala_format_pesos (json_object_get_string_member (result, "balance"));
      g_string_append_printf (text, _("Balance afterwards: %s"), balance);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_busy (TalaVoidDialog *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "void.preview",
                                 !busy && self->recorded == NULL);
}

static void
preview_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TalaVoidDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) envelope = tala_session_op_finish (TALA_SESSION (object), result, &error);
  g_autofree char *text = NULL;

  set_busy (self, FALSE);
  if (envelope == NULL)
    {
      g_clear_pointer (&self->previewed, g_free);
      set_message (self, error->message);
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (envelope, "status", ""),
                 "applied") != 0)
    {
      g_clear_pointer (&self->previewed, g_free);
      set_message (self, rejection (envelope));
      return;
    }
  text = describe (json_object_get_object_member (envelope, "result"));
  set_message (self, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), TRUE);
}

static void
preview_action (GtkWidget  *widget,
                const char *name G_GNUC_UNUSED,
                GVariant   *param G_GNUC_UNUSED)
{
  TalaVoidDialog *self = TALA_VOID_DIALOG (widget);
  g_autoptr(JsonObject) args = NULL;

  if (self->busy || self->recorded != NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  g_clear_pointer (&self->previewed, g_free);
  args = current_args (self);
  if (args == NULL)
    return;
  self->previewed = tala_json_canonical_object (args);
  set_busy (self, TRUE);
  set_message (self, _("Checking…"));
  tala_session_op_async (self->session, kind (self), args, TRUE, self->cancellable,
                         preview_done_cb, g_object_ref (self));
}

static void
record_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TalaVoidDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) envelope = tala_session_op_finish (TALA_SESSION (object), result, &error);

  set_busy (self, FALSE);
  if (envelope == NULL)
    {
      set_message (self, error->message);
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (envelope, "status", ""),
                 "applied") != 0)
    {
      set_message (self, rejection (envelope));
      return;
    }
  self->recorded = json_object_ref (envelope);
  set_busy (self, FALSE);
  set_message (self, self->adjust ? _("The adjustment is recorded.")
                                  : _("The payment is voided."));
  g_signal_emit (self, signals[SIGNAL_RECORDED], 0, envelope);
  gtk_window_close (GTK_WINDOW (self));
}

static void
confirm_action (GtkWidget  *widget,
                const char *name G_GNUC_UNUSED,
                GVariant   *param G_GNUC_UNUSED)
{
  TalaVoidDialog *self = TALA_VOID_DIALOG (widget);
  g_autoptr(JsonObject) args = NULL;
  g_autofree char *canonical = NULL;

  if (self->busy || self->recorded != NULL)
    return;
  args = current_args (self);
  if (args == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
      g_clear_pointer (&self->previewed, g_free);
      return;
    }
  canonical = tala_json_canonical_object (args);
  if (g_strcmp0 (canonical, self->previewed) != 0 ||
      !gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_button)))
    {
      preview_action (widget, NULL, NULL);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  set_busy (self, TRUE);
  tala_session_op_async (self->session, kind (self), args, FALSE, self->cancellable,
                         record_done_cb, g_object_ref (self));
}

static void
input_changed_cb (TalaVoidDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  g_clear_pointer (&self->previewed, g_free);
}

/* Enter in the reason: the first previews, the second confirms. */
static void
reason_activated_cb (TalaVoidDialog *self)
{
  confirm_action (GTK_WIDGET (self), NULL, NULL);
}

TalaVoidDialog *
tala_void_dialog_new (GtkWindow   *parent,
                      TalaSession *session,
                      const char  *payment_id,
                      const char  *receipt_no,
                      const char  *amount,
                      gboolean     adjust)
{
  TalaVoidDialog *self = g_object_new (TALA_TYPE_VOID_DIALOG, "transient-for", parent, NULL);
  g_autofree char *pesos = tala_format_pesos (amount);
  g_autofree char *what = NULL;

  self->session = g_object_ref (session);
  self->payment = g_strdup (payment_id);
  self->adjust = adjust;
  adw_window_title_set_title (self->title, adjust ? _("Adjust Payment") : _("Void Payment"));
  /* Translators: "Receipt C01-000001, ₱1,500.00" */
  what = g_strdup_printf (_("Receipt %s, %s"), receipt_no && receipt_no[0] ? receipt_no : "—",
                          pesos);
  gtk_label_set_label (self->payment_label, what);
  gtk_widget_set_visible (GTK_WIDGET (self->amount_row), adjust);
  return self;
}

void
tala_void_dialog_set_reason (TalaVoidDialog *self,
                             const char     *reason)
{
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason);
}

void
tala_void_dialog_set_amount (TalaVoidDialog *self,
                             const char     *amount)
{
  gtk_editable_set_text (GTK_EDITABLE (self->amount_row), amount);
}

const char *
tala_void_dialog_get_message (TalaVoidDialog *self)
{
  return gtk_label_get_label (self->message_label);
}

gboolean
tala_void_dialog_get_busy (TalaVoidDialog *self)
{
  return self->busy;
}

gboolean
tala_void_dialog_get_can_confirm (TalaVoidDialog *self)
{
  return self->previewed != NULL && gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_button));
}

JsonObject *
tala_void_dialog_get_recorded (TalaVoidDialog *self)
{
  return self->recorded;
}

static void
tala_void_dialog_dispose (GObject *object)
{
  TalaVoidDialog *self = TALA_VOID_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TALA_TYPE_VOID_DIALOG);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (tala_void_dialog_parent_class)->dispose (object);
}

static void
tala_void_dialog_finalize (GObject *object)
{
  TalaVoidDialog *self = TALA_VOID_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->recorded, json_object_unref);
  g_free (self->payment);
  g_free (self->previewed);
  G_OBJECT_CLASS (tala_void_dialog_parent_class)->finalize (object);
}

static void
tala_void_dialog_class_init (TalaVoidDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tala_void_dialog_dispose;
  object_class->finalize = tala_void_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tala/Tala/ui/tala-void-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TalaVoidDialog, title);
  gtk_widget_class_bind_template_child (widget_class, TalaVoidDialog, payment_label);
  gtk_widget_class_bind_template_child (widget_class, TalaVoidDialog, amount_row);
  gtk_widget_class_bind_template_child (widget_class, TalaVoidDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, TalaVoidDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, TalaVoidDialog, confirm_button);
  gtk_widget_class_bind_template_callback (widget_class, input_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reason_activated_cb);
  gtk_widget_class_install_action (widget_class, "void.preview", NULL, preview_action);
  gtk_widget_class_install_action (widget_class, "void.confirm", NULL, confirm_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * TalaVoidDialog::recorded:
   * @envelope: the op's result envelope
   *
   * The void or adjustment was recorded (the dialog then closes).
   */
  signals[SIGNAL_RECORDED] =
    g_signal_new ("recorded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
tala_void_dialog_init (TalaVoidDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The button's action is enabled; only a good preview makes it usable. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  self->cancellable = g_cancellable_new ();
}
