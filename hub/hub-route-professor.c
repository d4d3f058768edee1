/* hub-route-professor.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hub-server-private.h"

const HubRoute hub_routes_professor[] = {
  { NULL }
};
