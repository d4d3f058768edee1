/* tala-ledger-registrar.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads of the registrar's routes (students, enrollments, subjects, grades, LOA, promissory notes, transcript, payments, audit, INC list, unassigned payments, rosters).
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

G_END_DECLS
