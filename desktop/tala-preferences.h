/* tala-preferences.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preferences window: the hub's address, the sync interval and where
 * receipts go, each bound to its GSettings key.  The application applies
 * the keys (tala-application.c): the interval at once, the address at the
 * next sync.
 */

#pragma once

#include <adwaita.h>

#include "tala-session.h"

G_BEGIN_DECLS

#define TALA_TYPE_PREFERENCES_WINDOW (tala_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TalaPreferencesWindow, tala_preferences_window, TALA,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

/* The app's settings, or NULL when its schema is not installed. */
G_GNUC_WARN_UNUSED_RESULT
GSettings             *tala_preferences_dup_settings (void);
/* TRUE when receipts go to a PDF file rather than the printer. */
gboolean               tala_preferences_receipt_to_pdf (void);

TalaPreferencesWindow *tala_preferences_window_new   (GtkWindow   *parent,
                                                      TalaSession *session);

G_END_DECLS
