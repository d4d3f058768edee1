/* tala-window.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tala-application.h"
#include "tala-session.h"

G_BEGIN_DECLS

#define TALA_TYPE_WINDOW (tala_window_get_type ())
G_DECLARE_FINAL_TYPE (TalaWindow, tala_window, TALA, WINDOW, AdwApplicationWindow)

TalaWindow  *tala_window_new             (TalaApplication *app,
                                          TalaSession     *session);
/* The name of the visible page: setup, login, cashier, registrar, attention. */
const char  *tala_window_get_page        (TalaWindow      *self);
/* The header's sync status line, as shown ("Offline · 1 pending · 2 min"). */
const char  *tala_window_get_status_text (TalaWindow      *self);
GtkWidget   *tala_window_get_registrar_page (TalaWindow      *self);
GtkWidget   *tala_window_get_cashier_page (TalaWindow     *self);

G_END_DECLS
