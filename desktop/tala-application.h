/* tala-application.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tala-session.h"

G_BEGIN_DECLS

#define TALA_TYPE_APPLICATION (tala_application_get_type ())
G_DECLARE_FINAL_TYPE (TalaApplication, tala_application, TALA, APPLICATION, AdwApplication)

TalaApplication *tala_application_new         (void);
/* The session, made at startup from --replica and --hub (or the user
 * data dir and the settings); NULL before startup. */
TalaSession     *tala_application_get_session (TalaApplication *self);
/* For tests: makes the session now, as the command line would. */
void             tala_application_set_paths   (TalaApplication *self,
                                               const char      *replica_path,
                                               const char      *hub_url);

G_END_DECLS
