/* fuzz-hub-check.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every answer of the hub must be, whatever was asked (shared by the
 * request and push targets).
 */

#pragma once

#include "fuzz-common.h"

G_BEGIN_DECLS

/* Traps when the hub answered 5xx (a bug: ops.md §5), or when a JSON
 * error answer is not {"error":{"code","message"}}. */
void fuzz_hub_check_answer (guint          status,
                            const GString *reply);

G_END_DECLS
