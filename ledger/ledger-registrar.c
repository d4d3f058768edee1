/* ledger-registrar.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the registrar's routes (students, enrollments, subjects, grades, LOA, promissory notes, transcript, payments, audit, INC list, unassigned payments, rosters).
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include "ledger-private.h"
#include "tala-ledger-registrar.h"
