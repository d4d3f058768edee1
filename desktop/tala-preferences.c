/* tala-preferences.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The interval and the receipt default are bound to their keys directly;
 * the hub address is written only when applied and valid, so that a
 * half-typed address never reaches a sync.
 */

#define G_LOG_DOMAIN "tala-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "tala-preferences.h"

struct _TalaPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwEntryRow          *hub_url;
  GtkLabel             *hub_url_error;
  GtkSpinButton        *interval;
  AdwComboRow          *print_default;

  /* Owned */
  GSettings            *settings;   /* nullable: no schema installed */
};

G_DEFINE_FINAL_TYPE (TalaPreferencesWindow, tala_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

GSettings *
tala_preferences_dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) == NULL)
    return NULL;
  return g_settings_new (APP_ID);
}

gboolean
tala_preferences_receipt_to_pdf (void)
{
  g_autoptr(GSettings) settings = tala_preferences_dup_settings ();

  return settings != NULL && g_settings_get_enum (settings, "print-default") == 1;
}

static void
hub_url_apply_cb (TalaPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->hub_url));
  g_autofree char *url = g_strstrip (g_strdup (text));

  if (url[0] != '\0' && !g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    {
      gtk_label_set_label (self->hub_url_error,
                           _("Type the whole address, starting with https:// (or http://)."));
      gtk_widget_set_visible (GTK_WIDGET (self->hub_url_error), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->hub_url_error), FALSE);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "hub-url", url);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("The next sync uses this address")));
}

static gboolean
get_print_default (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data G_GNUC_UNUSED)
{
  g_value_set_uint (value, g_strcmp0 (g_variant_get_string (variant, NULL), "pdf") == 0 ? 1 : 0);
  return TRUE;
}

static GVariant *
set_print_default (const GValue       *value,
                   const GVariantType *type G_GNUC_UNUSED,
                   gpointer            user_data G_GNUC_UNUSED)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? "pdf" : "printer");
}

TalaPreferencesWindow *
tala_preferences_window_new (GtkWindow   *parent,
                             TalaSession *session)
{
  TalaPreferencesWindow *self = g_object_new (TALA_TYPE_PREFERENCES_WINDOW,
                                              "transient-for", parent, NULL);
  g_autofree char *url = NULL;

  if (self->settings != NULL)
    url = g_settings_get_string (self->settings, "hub-url");
  if ((url == NULL || url[0] == '\0') && session != NULL)
    {
      g_free (url);
      url = tala_store_dup_hub_url (tala_session_get_store (session));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->hub_url), url ? url : "");
  return self;
}

static void
tala_preferences_window_dispose (GObject *object)
{
  TalaPreferencesWindow *self = TALA_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TALA_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (tala_preferences_window_parent_class)->dispose (object);
}

static void
tala_preferences_window_class_init (TalaPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tala_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tala/Tala/ui/tala-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, TalaPreferencesWindow, hub_url);
  gtk_widget_class_bind_template_child (widget_class, TalaPreferencesWindow, hub_url_error);
  gtk_widget_class_bind_template_child (widget_class, TalaPreferencesWindow, interval);
  gtk_widget_class_bind_template_child (widget_class, TalaPreferencesWindow, print_default);
  gtk_widget_class_bind_template_callback (widget_class, hub_url_apply_cb);
}

static void
tala_preferences_window_init (TalaPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = tala_preferences_dup_settings ();
  if (self->settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
      return;
    }
  g_settings_bind (self->settings, "sync-interval", self->interval, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "print-default", self->print_default, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_print_default, set_print_default,
                                NULL, NULL);
}
