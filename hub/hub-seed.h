/* hub-seed.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seed data made of ops: the demo of business-rules §16.7 and a generated
 * college for benchmarks.  Every op goes through tala_ledger_apply() on the
 * trusted channel with a hub_time, in big transactions; an op that does
 * not apply is a bug of the seed and fails it (nothing is committed).
 */

#pragma once

#include "tala-ledger.h"

G_BEGIN_DECLS

/* What a seed applied. */
typedef struct
{
  gint64 ops;          /* ops applied */
  gint64 students;     /* student.register */
  gint64 takes;        /* subject.enroll and credit.transfer */
  gint64 grades;       /* grade.submit */
  gint64 payments;     /* payment.record */
} TalaSeedStats;

/* The generated college (tala_hub_seed_college()). */
typedef struct
{
  guint   students;    /* how many students to register (≥ 1) */
  guint64 seed;        /* the generator's seed: same seed, same ops */
  char    as_of[11];   /* YYYY-MM-DD inside the active semester's enrollment window */
} TalaCollegeOptions;

/* Applies generated ops in order, each with its hub_time (internal to the
 * seed files; exposed for the benchmarks' own extra ops). */
typedef struct
{
  TalaLedger    *ledger;
  TalaBatch     *batch;
  guint32        prefix;     /* first 8 hex digits of every op_id */
  guint64        counter;    /* op_ids are prefix + counter */
  gint64         clock;      /* hub time of the next op, µs; never goes back */
  guint          pending;    /* ops in the open transaction */
  TalaSeedStats *stats;
} TalaSeeder;

gboolean    tala_hub_seed_demo        (TalaLedger               *ledger,
                                       const char               *as_of,
                                       const char               *scale,
                                       TalaSeedStats            *stats,
                                       GError                  **error);
gboolean    tala_hub_seed_college     (TalaLedger               *ledger,
                                       const TalaCollegeOptions *options,
                                       TalaSeedStats            *stats,
                                       GError                  **error);
int         tala_hub_cmd_seed         (int                       argc,
                                       char                    **argv);

/* The seeder (hub-seed.c). */
gboolean    _tala_seeder_start        (TalaSeeder               *seeder,
                                       TalaLedger               *ledger,
                                       guint32                   prefix,
                                       TalaSeedStats            *stats,
                                       GError                  **error);
gboolean    _tala_seeder_finish       (TalaSeeder               *seeder,
                                       GError                  **error);
void        _tala_seeder_abort        (TalaSeeder               *seeder);
void        _tala_seeder_set_day      (TalaSeeder               *seeder,
                                       gint64                    day);
JsonObject *_tala_seeder_op           (TalaSeeder               *seeder,
                                       const char               *kind,
                                       const char               *actor,
                                       JsonObject               *args,
                                       GError                  **error);
gboolean    _tala_seeder_run          (TalaSeeder               *seeder,
                                       const char               *kind,
                                       const char               *actor,
                                       JsonObject               *args,
                                       GError                  **error);

/* Dates as days since 1970-01-01 ("YYYY-MM-DD", a real date). */
gboolean    _tala_seed_date_parse     (const char               *text,
                                       gint64                   *days);
void        _tala_seed_date_format    (gint64                    days,
                                       char                      out[11]);

void        _tala_seed_demo_print_logins (void);

/* JSON helpers for building args. */
JsonObject *_tala_seed_args           (const char               *first_name,
                                       ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
