/* main.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n.h>

#include "tala-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TalaApplication) app = NULL;
  int status;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  app = tala_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  g_clear_object (&app);
  curl_global_cleanup ();
  return status;
}
