/* hub-device-cli.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int tala_hub_cmd_device (int    argc,
                         char **argv);

G_END_DECLS
