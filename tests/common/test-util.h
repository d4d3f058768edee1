/* test-util.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers the ledger tests share: a fresh ledger per test, applying ops
 * written as JSON text, and reading members of results.
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

typedef struct
{
  TalaLedger *ledger;
  char       *path;
  gint64      now;      /* hub clock handed to tala_ledger_apply, µs */
  guint       next_op;  /* counter for test_op_id() */
} LedgerFixture;

void        ledger_fixture_setup     (LedgerFixture *fx,
                                      gconstpointer  data);
void        ledger_fixture_teardown  (LedgerFixture *fx,
                                      gconstpointer  data);

/* A fresh op_id "00000000-0000-4000-8000-00000000NNNN" (caller frees). */
char       *test_op_id               (LedgerFixture *fx);

/* Applies one op given as JSON text on the trusted channel; asserts that the
 * ledger did not fail.  Returns the result envelope. */
JsonObject *test_apply_json          (LedgerFixture *fx,
                                      const char    *json);
/* Builds {op_id (fresh), kind, actor, args, hub_time = fx->now} and applies it. */
JsonObject *test_apply               (LedgerFixture *fx,
                                      const char    *kind,
                                      const char    *actor,
                                      const char    *args_json);
/* Same, asserting status "applied"; returns the "result" member (owned). */
JsonObject *test_apply_ok            (LedgerFixture *fx,
                                      const char    *kind,
                                      const char    *actor,
                                      const char    *args_json);
/* Same, asserting status "rejected" with @code. */
void        test_apply_rejected      (LedgerFixture *fx,
                                      const char    *kind,
                                      const char    *actor,
                                      const char    *args_json,
                                      const char    *code);

/* Fixture F0 of ops.md §4.2: users admin, cashier1, registrar1, prof1;
 * program BSCS; active semester 2025-FIRST (2025-06-02 .. 2025-10-31); subjects
 * CS101, CS102, CS103, CS201 (needs CS101), THS25, OJT21; sections; student
 * 2025-00001 enrolled with 6 × 10,000.00.  The hub clock is 2025-06-02T01:00Z. */
void        test_load_f0             (LedgerFixture *fx);

gint64      test_scalar              (LedgerFixture *fx,
                                      const char    *sql);
char       *test_canonical           (JsonObject    *object);
JsonObject *test_parse_object        (const char    *json);

G_END_DECLS
