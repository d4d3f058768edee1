/* hub-jobs.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tala-ledger.h"

G_BEGIN_DECLS

#define TALA_HUB_JOB_RETRIES    3
#define TALA_HUB_JOB_RETRY_US   (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

typedef struct _TalaHubScheduler TalaHubScheduler;

/* The scheduler's clock: now, µs since the epoch (UTC). */
typedef gint64 (*TalaHubClockFunc)    (gpointer      data);
/* Reports one run's end: @result_json (the result envelope) on success,
 * @error set on failure.  Must be called exactly once per run. */
typedef void   (*TalaHubJobDoneFunc)  (TalaHubScheduler *scheduler,
                                       const char    *result_json,
                                       const GError  *error);
/* Runs job @name (op kind @kind) as of @now_us and then calls @done, now
 * or later on the scheduler's main context. */
typedef void   (*TalaHubJobRunFunc)   (TalaHubScheduler  *scheduler,
                                       const char        *name,
                                       const char        *kind,
                                       gint64             now_us,
                                       gpointer           data,
                                       TalaHubJobDoneFunc done);

const char * const *tala_hub_job_names    (void);
const char         *tala_hub_job_kind     (const char *name);
const char         *tala_hub_job_schedule (const char *name);
gint64              tala_hub_job_next_run (const char *name,
                                           gint64      after_us);
G_GNUC_WARN_UNUSED_RESULT
JsonObject         *tala_hub_job_apply    (TalaLedger  *ledger,
                                           const char  *kind,
                                           const char  *student,
                                           gint64       now_us,
                                           GError     **error);

G_GNUC_WARN_UNUSED_RESULT
TalaHubScheduler   *tala_hub_scheduler_new       (const char         *db_path,
                                                  TalaHubJobRunFunc   run,
                                                  gpointer            run_data,
                                                  GError            **error);
void                tala_hub_scheduler_set_clock (TalaHubScheduler   *self,
                                                  TalaHubClockFunc    clock,
                                                  gpointer            clock_data);
gboolean            tala_hub_scheduler_load      (TalaHubScheduler   *self,
                                                  GError            **error);
gboolean            tala_hub_scheduler_tick      (TalaHubScheduler   *self,
                                                  GError            **error);
gint64              tala_hub_scheduler_next_wakeup (TalaHubScheduler *self);
void                tala_hub_scheduler_start     (TalaHubScheduler   *self);
void                tala_hub_scheduler_free      (TalaHubScheduler   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaHubScheduler, tala_hub_scheduler_free)

G_END_DECLS
