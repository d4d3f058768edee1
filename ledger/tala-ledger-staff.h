/* tala-ledger-staff.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the professor, catalog and admin routes (sections and rosters, catalog entries, users, config, jobs, audit, devices).
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

G_END_DECLS
