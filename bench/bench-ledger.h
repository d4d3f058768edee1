/* bench-ledger.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What bench-ledger.c (options, ledger runs, report) shares with
 * bench-ledger-raw.c (the two raw SQLite baselines).
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define BENCH_ERROR (bench_error_quark ())

GQuark bench_error_quark (void);

typedef sqlite3_stmt RawStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawStmt, sqlite3_finalize)

/* One planned payment; the same plan feeds every run. */
typedef struct
{
  char   uuid[37];          /* op_id: a version 4 UUID drawn from a fixed seed */
  guint  student;           /* index into the student numbers */
  gint64 amount;            /* centavos, 50000..900000 */
} Payment;

/* One timed run. */
typedef struct
{
  int    batch;             /* ops per transaction, ≥ 1 */
  int    n_ops;             /* payments timed, ≥ 1 */
  gint64 elapsed_us;        /* wall time of the timed part, BEGIN to last COMMIT */
} Measure;

/* SQLITE_OK, SQLITE_ROW and SQLITE_DONE pass; anything else sets @error
 * with sqlite3_errmsg() and returns FALSE. */
gboolean bench_sqlite_check (sqlite3     *db,
                             int          rc,
                             const char  *what,
                             GError     **error);

/* The minimal baseline: a fresh database at @path (WAL, synchronous=FULL)
 * with a payment table and a balance row per student of @numbers; times
 * @m->n_ops payments of @plan, @m->batch per transaction. */
gboolean bench_raw_run      (const Payment *plan,
                             GPtrArray     *numbers,
                             const char    *path,
                             Measure       *m,
                             GError       **error);

/* The same-rows baseline: reads the rows the payments wrote in the ledger
 * at @source, then times writing exactly those rows with raw SQL into
 * @target, a ledger set up like @source was before its payments, with
 * @m->batch payments per transaction. */
gboolean bench_rows_run     (const char    *source,
                             const char    *target,
                             Measure       *m,
                             GError       **error);

G_END_DECLS
