/* bench-common.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the hub's benchmarks share (bench-common.c): a TalaHubServer in a
 * thread of its own, the generated college, and ledger files.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BENCH_RATE_UNLIMITED 2000000000u

typedef struct _BenchHub
{
  char          *db;
  gboolean       group_commit;
  GThread       *thread;
  GMainContext  *context;
  GMutex         lock;
  GCond          cond;
  gboolean       ready;
  gboolean       stop;
  guint16        port;
  GError        *error;
} Hub;

/* Starts the hub on @db at 127.0.0.1 (a free port: hub->port), quiet, no
 * jobs, rate limits out of the way; @group_commit FALSE: one transaction
 * per write. */
Hub      *bench_hub_start     (const char *db,
                               gboolean    group_commit,
                               GError    **error);
/* Stops it gracefully (requests in flight finish) and frees it. */
void      bench_hub_stop      (Hub        *hub);
/* Seeds the college of `tala-hub seed --students N --seed S` (as of today)
 * into @path, printing what it did. */
gboolean  bench_seed_college  (const char *path,
                               guint       students,
                               guint64     seed_value,
                               GError    **error);
/* Copies a ledger file (and its WAL) and flushes the copy to the disk. */
gboolean  bench_copy_db       (const char *from,
                               const char *to,
                               GError    **error);
/* Reads a file through once (a running hub's database is in the page cache). */
gboolean  bench_warm_file     (const char *path,
                               GError    **error);
/* Removes a ledger file and its companions. */
void      bench_remove_db     (const char *path);

G_END_DECLS
