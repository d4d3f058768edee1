/* main.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n.h>

#include "tala-application.h"

/* TALA_BENCH_FIRST_FRAME=1 (bench/bench-desktop.c): once the first window
 * has painted its first frame, print the time since main() began and the
 * memory in use, then quit. */
static gint64 start_us;

static void
bench_after_paint_cb (GdkFrameClock *clock,
                      GtkWindow     *window)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, window);
  g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - start_us);
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:") || g_str_has_prefix (lines[i], "VmHWM:"))
      g_print ("%s\n", lines[i]);
  fflush (stdout);
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
bench_map_cb (GtkWidget *window)
{
  g_signal_handlers_disconnect_by_func (window, bench_map_cb, NULL);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (bench_after_paint_cb), window);
}

static void
bench_window_added_cb (GtkApplication *app,
                       GtkWindow      *window)
{
  g_signal_handlers_disconnect_by_func (app, bench_window_added_cb, NULL);
  g_signal_connect (window, "map", G_CALLBACK (bench_map_cb), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TalaApplication) app = NULL;
  int status;

  start_us = g_get_monotonic_time ();
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  app = tala_application_new ();
  if (g_strcmp0 (g_getenv ("TALA_BENCH_FIRST_FRAME"), "1") == 0)
    g_signal_connect (app, "window-added", G_CALLBACK (bench_window_added_cb), NULL);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  g_clear_object (&app);
  curl_global_cleanup ();
  return status;
}
