/* ledger-staff.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the professor, catalog and admin routes (sections and rosters, catalog entries, users, config, jobs, audit, devices).
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include "ledger-private.h"
#include "tala-ledger-staff.h"
