/* tala-window.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: a header that always shows the sync state, and a stack
 * of pages (first run, login, the cashier and registrar areas, needs
 * attention).  The page follows the session: not set up → setup, nobody
 * logged in → login, then the user's area.
 */

#define G_LOG_DOMAIN "tala-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tala-cashier-page.h"
#include "tala-items.h"
#include "tala-registrar-page.h"
#include "tala-window.h"

struct _TalaWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toasts;
  AdwWindowTitle       *title;
  GtkLabel             *status_label;
  GtkImage             *status_icon;
  GtkStack             *stack;
  AdwEntryRow          *setup_url;
  AdwEntryRow          *setup_user;
  AdwPasswordEntryRow  *setup_password;
  AdwEntryRow          *setup_terminal;
  GtkButton            *setup_button;
  GtkProgressBar       *setup_progress;
  GtkLabel             *setup_error;
  AdwEntryRow          *login_user;
  AdwPasswordEntryRow  *login_password;
  GtkButton            *login_button;
  GtkLabel             *login_error;
  TalaCashierPage      *cashier_page;
  TalaRegistrarPage    *registrar_page;
  GtkListView          *attention_list;

  /* Owned */
  TalaSession          *session;
  GCancellable         *cancellable;
  char                 *status_text;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (TalaWindow, tala_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast (TalaWindow *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

/* "2 min", "3 h": the age of the oldest pending op. */
static char *
format_age (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf (ngettext ("%d second", "%d seconds", (int) seconds), (int) seconds);
  if (seconds < 3600)
    return g_strdup_printf (ngettext ("%d minute", "%d minutes", (int) (seconds / 60)),
                            (int) (seconds / 60));
  return g_strdup_printf (ngettext ("%d hour", "%d hours", (int) (seconds / 3600)),
                          (int) (seconds / 3600));
}

static void
update_status (TalaWindow *self)
{
  gboolean online = tala_session_get_online (self->session);
  guint pending = tala_session_get_pending (self->session);
  g_autofree char *age = NULL;
  g_autofree char *count = NULL;

  g_free (self->status_text);
  if (pending == 0)
    /* Translators: the sync state in the header. */
    self->status_text = g_strdup (online ? _("Online · all sent") : _("Offline · all sent"));
  else
    {
      age = format_age (MAX (tala_session_get_oldest_age (self->session), 0));
      count = g_strdup_printf (ngettext ("%u pending", "%u pending", pending), pending);
      /* Translators: "Online · 3 pending · oldest 2 minutes" */
      self->status_text = g_strdup_printf (online ? _("Online · %s · oldest %s")
                                                  : _("Offline · %s · oldest %s"),
                                           count, age);
    }
  gtk_label_set_label (self->status_label, self->status_text);
  gtk_image_set_from_icon_name (self->status_icon, online ? "network-transmit-receive-symbolic"
                                                          : "network-offline-symbolic");
}

static void
update_page (TalaWindow *self)
{
  const char *area = tala_session_get_area (self->session);
  const char *page;

  if (!tala_session_get_set_up (self->session))
    page = "setup";
  else if (area == NULL)
    page = "login";
  else
    page = area;
  gtk_stack_set_visible_child_name (self->stack, page);
  adw_window_title_set_subtitle (self->title, tala_session_get_full_name (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.logout", area != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-attention", area != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", area != NULL);
}

static void
session_changed_cb (TalaWindow *self)
{
  update_status (self);
}

static void
area_changed_cb (TalaWindow *self)
{
  update_page (self);
}

static void
sync_finished_cb (TalaSession *session G_GNUC_UNUSED,
                  gboolean     ok,
                  guint        applied,
                  guint        rejected,
                  const char  *message G_GNUC_UNUSED,
                  TalaWindow  *self)
{
  g_autofree char *text = NULL;

  if (ok && rejected > 0)
    text = g_strdup_printf (ngettext ("%u operation needs attention",
                                      "%u operations need attention", rejected), rejected);
  else if (ok && applied > 0)
    text = g_strdup_printf (ngettext ("%u operation sent to the hub",
                                      "%u operations sent to the hub", applied), applied);
  if (text != NULL)
    toast (self, text);
}

/* ---- First run and login ------------------------------------------------ */

static void
set_busy (TalaWindow *self,
          gboolean    busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->setup_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->login_button), !busy);
}

/* Plain words for what went wrong. */
static const char *
explain (const GError *error)
{
  if (g_error_matches (error, TALA_STORE_ERROR, TALA_STORE_ERROR_CREDENTIALS))
    return _("Wrong username or password.");
  if (g_error_matches (error, TALA_STORE_ERROR, TALA_STORE_ERROR_ROLE))
    return _("Only cashiers, registrars and administrators can use this app.");
  if (g_error_matches (error, TALA_STORE_ERROR, TALA_STORE_ERROR_NO_OFFLINE))
    return _("The hub cannot be reached, and you have not logged in on this computer "
             "while it was online. Log in once while connected.");
  if (error->domain == G_IO_ERROR)
    return _("The hub cannot be reached. Check the address and the network.");
  return error->message;
}

static void
setup_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TalaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!tala_session_setup_finish (TALA_SESSION (object), result, &error))
    {
      gtk_label_set_label (self->setup_error, explain (error));
      gtk_widget_set_visible (GTK_WIDGET (self->setup_error), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->setup_error), FALSE);
  toast (self, _("This terminal is ready"));
}

static void
setup_clicked_cb (TalaWindow *self)
{
  if (self->busy)
    return;
  set_busy (self, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->setup_progress), TRUE);
  tala_session_setup_async (self->session,
                            gtk_editable_get_text (GTK_EDITABLE (self->setup_url)),
                            gtk_editable_get_text (GTK_EDITABLE (self->setup_user)),
                            gtk_editable_get_text (GTK_EDITABLE (self->setup_password)),
                            gtk_editable_get_text (GTK_EDITABLE (self->setup_terminal)),
                            self->cancellable, setup_done_cb, g_object_ref (self));
}

static void
login_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TalaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->login_password), "");
  if (!tala_session_login_finish (TALA_SESSION (object), result, &error))
    {
      gtk_label_set_label (self->login_error, explain (error));
      gtk_widget_set_visible (GTK_WIDGET (self->login_error), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->login_error), FALSE);
  if (!tala_session_get_online (self->session))
    toast (self, _("Logged in offline: payments are kept here until the hub is back"));
}

static void
login_clicked_cb (TalaWindow *self)
{
  if (self->busy)
    return;
  set_busy (self, TRUE);
  tala_session_login_async (self->session,
                            gtk_editable_get_text (GTK_EDITABLE (self->login_user)),
                            gtk_editable_get_text (GTK_EDITABLE (self->login_password)),
                            self->cancellable, login_done_cb, g_object_ref (self));
}

/* ---- Actions ------------------------------------------------------------- */

static void
find_action (GtkWidget  *widget,
             const char *name G_GNUC_UNUSED,
             GVariant   *param G_GNUC_UNUSED)
{
  TalaWindow *self = TALA_WINDOW (widget);

  /* The search of the user's area. */
  if (g_strcmp0 (tala_session_get_area (self->session), "registrar") == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "registrar");
      tala_registrar_page_focus_search (self->registrar_page);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "cashier");
  tala_cashier_page_focus_search (self->cashier_page);
}

static void
dismiss_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TalaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tala_session_dismiss_finish (TALA_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, _("This item could not be dismissed. Sync, then try again."));
}

static void
dismiss_attention_action (GtkWidget  *widget,
                          const char *name G_GNUC_UNUSED,
                          GVariant   *param)
{
  TalaWindow *self = TALA_WINDOW (widget);

  tala_session_dismiss_async (self->session, g_variant_get_string (param, NULL),
                              self->cancellable, dismiss_done_cb, g_object_ref (self));
}

/* The heading of an attention row: what the op was, in words. */
static char *
attention_title (GtkListItem *item G_GNUC_UNUSED,
                 const char  *kind)
{
  static const struct { const char *kind; const char *title; } titles[] = {
    { "payment.record", N_("Record a payment") },
    { "payment.void", N_("Void a payment") },
    { "payment.adjust", N_("Adjust a payment") },
    { "subject.enroll", N_("Add a subject") },
    { "subject.drop", N_("Drop a subject") },
    { "grade.submit", N_("Encode a grade") },
    { "grade.finalize", N_("Finalize grades") },
    { "grade.override", N_("Change a final grade") },
    { "enrollment.create", N_("Enroll in a semester") },
    { "student.register", N_("Register a student") },
    { "student.update", N_("Change a student's record") },
    { "loa.record", N_("Record a leave of absence") },
    { "permit.promissory", N_("Grant a promissory note") },
    { "credit.transfer", N_("Credit a subject") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (titles[i].kind, kind) == 0)
      return g_strdup (_(titles[i].title));
  return g_strdup (kind ? kind : "");
}

/* The Dismiss button of an attention row: its op id as the action target. */
static GVariant *
attention_target (GtkListItem *item G_GNUC_UNUSED,
                  const char  *op_id)
{
  return g_variant_new_string (op_id ? op_id : "");
}

static void
show_attention_action (GtkWidget  *widget,
                       const char *name G_GNUC_UNUSED,
                       GVariant   *param G_GNUC_UNUSED)
{
  TalaWindow *self = TALA_WINDOW (widget);

  tala_session_refresh (self->session);
  gtk_stack_set_visible_child_name (self->stack, "attention");
}

static void
back_action (GtkWidget  *widget,
             const char *name G_GNUC_UNUSED,
             GVariant   *param G_GNUC_UNUSED)
{
  update_page (TALA_WINDOW (widget));
}

static void
logout_action (GtkWidget  *widget,
               const char *name G_GNUC_UNUSED,
               GVariant   *param G_GNUC_UNUSED)
{
  tala_session_logout (TALA_WINDOW (widget)->session);
}

/* ---- GObject ------------------------------------------------------------- */

TalaWindow *
tala_window_new (TalaApplication *app,
                 TalaSession     *session)
{
  TalaWindow *self = g_object_new (TALA_TYPE_WINDOW, "application", app, NULL);
  g_autoptr(GtkNoSelection) no_selection = NULL;
  g_autofree char *hub_url = NULL;
  g_autoptr(GtkBuilderScope) scope = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::online", G_CALLBACK (session_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::pending", G_CALLBACK (session_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::oldest-age", G_CALLBACK (session_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::area", G_CALLBACK (area_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::set-up", G_CALLBACK (area_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "sync-finished", G_CALLBACK (sync_finished_cb), self, 0);
  g_object_bind_property (session, "progress", self->setup_progress, "fraction",
                          G_BINDING_SYNC_CREATE);
  scope = gtk_builder_cscope_new ();
  gtk_builder_cscope_add_callback_symbol (GTK_BUILDER_CSCOPE (scope), "attention_target",
                                          G_CALLBACK (attention_target));
  gtk_builder_cscope_add_callback_symbol (GTK_BUILDER_CSCOPE (scope), "attention_title",
                                          G_CALLBACK (attention_title));
  factory = gtk_builder_list_item_factory_new_from_resource (
              scope, "/org/tala/Tala/ui/tala-attention-row.ui");
  gtk_list_view_set_factory (self->attention_list, factory);
  no_selection = gtk_no_selection_new (g_object_ref (tala_session_get_attention (session)));
  gtk_list_view_set_model (self->attention_list, GTK_SELECTION_MODEL (no_selection));
  tala_cashier_page_set_session (self->cashier_page, session);
  tala_registrar_page_set_session (self->registrar_page, session);
  /* The first run's hub address comes from --hub when given. */
  if (!tala_session_get_set_up (session) &&
      (hub_url = tala_store_dup_hub_url (tala_session_get_store (session))) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->setup_url), hub_url);
  update_status (self);
  update_page (self);
  if (tala_session_get_set_up (session))
    tala_session_refresh (session);
  return self;
}

const char *
tala_window_get_page (TalaWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
tala_window_get_status_text (TalaWindow *self)
{
  return self->status_text;
}

GtkWidget *
tala_window_get_cashier_page (TalaWindow *self)
{
  return GTK_WIDGET (self->cashier_page);
}

GtkWidget *
tala_window_get_registrar_page (TalaWindow *self)
{
  return GTK_WIDGET (self->registrar_page);
}

static void
tala_window_dispose (GObject *object)
{
  TalaWindow *self = TALA_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TALA_TYPE_WINDOW);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (tala_window_parent_class)->dispose (object);
}

static void
tala_window_finalize (GObject *object)
{
  TalaWindow *self = TALA_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->status_text);
  G_OBJECT_CLASS (tala_window_parent_class)->finalize (object);
}

static void
tala_window_class_init (TalaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tala_window_dispose;
  object_class->finalize = tala_window_finalize;

  g_type_ensure (TALA_TYPE_CASHIER_PAGE);
  g_type_ensure (TALA_TYPE_REGISTRAR_PAGE);
  g_type_ensure (TALA_TYPE_ATTENTION_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/tala/Tala/ui/tala-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, title);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, setup_url);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, setup_user);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, setup_password);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, setup_terminal);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, setup_button);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, setup_progress);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, setup_error);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, login_user);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, login_password);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, login_button);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, login_error);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, cashier_page);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, registrar_page);
  gtk_widget_class_bind_template_child (widget_class, TalaWindow, attention_list);
  gtk_widget_class_bind_template_callback (widget_class, setup_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, login_clicked_cb);

  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.show-attention", NULL,
                                   show_attention_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-attention", "s",
                                   dismiss_attention_action);
  gtk_widget_class_install_action (widget_class, "win.logout", NULL, logout_action);
}

static void
tala_window_init (TalaWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
