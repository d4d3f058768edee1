/* desktop-fixture.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every desktop test program shares: a real tala-hub over fixture F0
 * (with users cashier1, registrar1, prof1 and their "<user>-pass"
 * passwords), one registered TalaApplication per program, and helpers that
 * run the main loop until an async call or a sync has finished.
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "tala-application.h"
#include "tala-session.h"
#include "tala-window.h"

G_BEGIN_DECLS

typedef struct
{
  char            *db;
  char            *replica;
  GSubprocess     *hub;
  guint16          port;
  char            *url;
  TalaApplication *app;
  TalaSession     *session;
  TalaWindow      *window;
  guint            syncs;
  gboolean         last_sync_ok;
} DesktopFixture;

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

/* The one application of the program; desktop_main_init() registers it. */
extern TalaApplication *desktop_the_app;

/* g_test_init, GTK and libadwaita, curl, the application.  FALSE without a
 * display (the caller returns 77). */
gboolean  desktop_main_init      (int             *argc,
                                  char          ***argv);
int       desktop_main_run       (void);

void      desktop_setup          (DesktopFixture  *fx,
                                  gconstpointer    data);
void      desktop_teardown       (DesktopFixture  *fx,
                                  gconstpointer    data);
void      desktop_wait_for       (gboolean        *flag);
void      desktop_wait_sync_idle (DesktopFixture  *fx);
/* Runs the main loop while @busy (@object) holds, a minute at most. */
typedef gboolean (*DesktopBusyFunc) (gpointer object);
void      desktop_wait_while     (DesktopBusyFunc  busy,
                                  gpointer         object);
void      desktop_done_cb        (GObject         *object,
                                  GAsyncResult    *result,
                                  gpointer         user_data);
gboolean  desktop_login          (DesktopFixture  *fx,
                                  const char      *user,
                                  const char      *password,
                                  GError         **error);
/* The first run as @user on terminal @terminal; the window must then show
 * @area ("cashier" or "registrar"), the hub being online. */
void      desktop_first_run      (DesktopFixture  *fx,
                                  const char      *user,
                                  const char      *password,
                                  const char      *terminal,
                                  const char      *area);
/* Records (@preview FALSE) or previews op @kind; asserts no GError and
 * returns the envelope, whatever its status. */
JsonObject *desktop_op           (DesktopFixture  *fx,
                                  const char      *kind,
                                  JsonObject      *args,
                                  gboolean         preview);
/* An integer from the hub's database file. */
gint64    desktop_hub_count      (DesktopFixture  *fx,
                                  const char      *sql);

/* With TALA_SCREENSHOTS=DIR, saves @widget (shown first) as DIR/NAME.png,
 * for a look at the pages; no assertion depends on it. */
void      desktop_screenshot     (GtkWidget       *widget,
                                  const char      *name);

G_END_DECLS
