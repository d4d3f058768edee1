/* tala-application.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application: command-line options, settings, the session and the
 * app.* actions (sync-now, about, quit).  Toasts for sync results are the
 * window's business.
 */

#define G_LOG_DOMAIN "tala-application"

#include "config.h"

#include <glib/gi18n.h>

#include "tala-application.h"
#include "tala-preferences.h"
#include "tala-report-window.h"
#include "tala-window.h"

struct _TalaApplication
{
  AdwApplication  parent_instance;

  TalaSession    *session;      /* owned; made at startup or by set_paths */
  GSettings      *settings;     /* owned; NULL when the schema is not installed */
  char           *replica_path; /* --replica */
  char           *hub_url;      /* --hub */
};

G_DEFINE_FINAL_TYPE (TalaApplication, tala_application, ADW_TYPE_APPLICATION)

static const GOptionEntry options[] = {
  { "replica", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("The replica file to use instead of the one in the user data folder"), N_("PATH") },
  { "hub", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The hub address to use instead of the one stored"), N_("URL") },
  { NULL }
};

TalaApplication *
tala_application_new (void)
{
  return g_object_new (TALA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/org/tala/Tala",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

TalaSession *
tala_application_get_session (TalaApplication *self)
{
  return self->session;
}

void
tala_application_set_paths (TalaApplication *self,
                            const char      *replica_path,
                            const char      *hub_url)
{
  g_autofree char *default_path = NULL;

  g_return_if_fail (TALA_IS_APPLICATION (self));

  if (replica_path == NULL)
    replica_path = default_path = g_build_filename (g_get_user_data_dir (), "tala",
                                                    "replica.db", NULL);
  g_clear_object (&self->session);
  self->session = tala_session_new (replica_path, hub_url);
  if (self->settings != NULL)
    tala_session_set_sync_interval (self->session,
                                    g_settings_get_uint (self->settings, "sync-interval"));
  if (self->settings != NULL && hub_url == NULL)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "hub-url");

      tala_store_set_hub_url_override (tala_session_get_store (self->session), url);
    }
}

/* The preferences take effect at once: the interval restarts the timer,
 * the address is used by the next sync (an empty one: the first run's). */
static void
settings_changed_cb (GSettings       *settings,
                     const char      *key,
                     TalaApplication *self)
{
  g_autofree char *url = NULL;

  if (self->session == NULL)
    return;
  if (g_str_equal (key, "sync-interval"))
    tala_session_set_sync_interval (self->session, g_settings_get_uint (settings, key));
  else if (g_str_equal (key, "hub-url") && self->hub_url == NULL)
    {
      url = g_settings_get_string (settings, key);
      tala_store_set_hub_url_override (tala_session_get_store (self->session), url);
    }
}

static int
tala_application_handle_local_options (GApplication *app,
                                       GVariantDict *dict)
{
  TalaApplication *self = TALA_APPLICATION (app);

  g_variant_dict_lookup (dict, "replica", "^ay", &self->replica_path);
  g_variant_dict_lookup (dict, "hub", "s", &self->hub_url);
  return -1;
}

static void
sync_now_cb (GSimpleAction *action G_GNUC_UNUSED,
             GVariant      *param G_GNUC_UNUSED,
             gpointer       user_data)
{
  TalaApplication *self = user_data;

  if (self->session != NULL)
    tala_session_sync (self->session);
}

static void
about_cb (GSimpleAction *action G_GNUC_UNUSED,
          GVariant      *param G_GNUC_UNUSED,
          gpointer       user_data)
{
  static const char *developers[] = { "The Tala authors", NULL };
  GtkApplication *app = user_data;
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "Tala",
                        "application-icon", APP_ID,
                        "developer-name", "The Tala authors",
                        "version", PACKAGE_VERSION,
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_cb (GSimpleAction *action G_GNUC_UNUSED,
                GVariant      *param G_GNUC_UNUSED,
                gpointer       user_data)
{
  TalaApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (tala_preferences_window_new (parent, self->session)));
}

static void
collections_report_cb (GSimpleAction *action G_GNUC_UNUSED,
                       GVariant      *param G_GNUC_UNUSED,
                       gpointer       user_data)
{
  TalaApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->session != NULL && tala_session_get_set_up (self->session))
    gtk_window_present (GTK_WINDOW (tala_report_window_new (parent, self->session)));
}

static void
quit_cb (GSimpleAction *action G_GNUC_UNUSED,
         GVariant      *param G_GNUC_UNUSED,
         gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Closing the windows lets them save their state. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_destroy (windows->data);
      windows = next;
    }
}

static const GActionEntry app_actions[] = {
  { .name = "sync-now", .activate = sync_now_cb },
  { .name = "about", .activate = about_cb },
  { .name = "preferences", .activate = preferences_cb },
  { .name = "collections-report", .activate = collections_report_cb },
  { .name = "quit", .activate = quit_cb },
};

static void
tala_application_startup (GApplication *app)
{
  TalaApplication *self = TALA_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  G_APPLICATION_CLASS (tala_application_parent_class)->startup (app);

  if (source != NULL && (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)))
    self->settings = g_settings_new (APP_ID);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb),
                             self, 0);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.sync-now",
                                         (const char *[]) { "<Control>r", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.collections-report",
                                         (const char *[]) { "<Control><Shift>r", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.find",
                                         (const char *[]) { "<Control>f", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-attention",
                                         (const char *[]) { "<Control>i", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.logout",
                                         (const char *[]) { "<Control><Shift>l", NULL });
  if (self->session == NULL)
    tala_application_set_paths (self, self->replica_path, self->hub_url);
}

static void
tala_application_activate (GApplication *app)
{
  TalaApplication *self = TALA_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (tala_window_new (self, self->session));
  gtk_window_present (window);
}

static void
tala_application_dispose (GObject *object)
{
  TalaApplication *self = TALA_APPLICATION (object);

  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (tala_application_parent_class)->dispose (object);
}

static void
tala_application_finalize (GObject *object)
{
  TalaApplication *self = TALA_APPLICATION (object);

  g_free (self->replica_path);
  g_free (self->hub_url);
  G_OBJECT_CLASS (tala_application_parent_class)->finalize (object);
}

static void
tala_application_class_init (TalaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tala_application_dispose;
  object_class->finalize = tala_application_finalize;
  app_class->handle_local_options = tala_application_handle_local_options;
  app_class->startup = tala_application_startup;
  app_class->activate = tala_application_activate;
}

static void
tala_application_init (TalaApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}
