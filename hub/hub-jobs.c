/* hub-jobs.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's in-process job scheduler (docs/jobs.md).  Five jobs fire at
 * fixed UTC times; each fire is one run of the job's op through a runner
 * (the server's runner applies it through the TalaHubWriter on the jobs
 * channel).  The next fire time of each job is persisted in job_schedule,
 * so a job whose time passed while the hub was down runs once when the
 * scheduler loads (catch-up), and the following fire time is computed from
 * now (missed fires are not replayed one by one: every job is idempotent on
 * its business date).  A failed run is retried TALA_HUB_JOB_RETRIES times
 * TALA_HUB_JOB_RETRY_US apart, with the same scheduled_for.  Every attempt
 * is a job_run row.  The clock is injectable so that tests never sleep;
 * tala_hub_scheduler_tick() does all the work, the timer only calls it.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-jobs.h"

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define DAY_US  (24 * HOUR_US)

typedef enum
{
  EVERY_HOUR,
  EVERY_DAY,
  EVERY_SUNDAY,
  EVERY_MONTH,
} Period;

typedef struct
{
  const char *name;
  const char *kind;
  const char *schedule;
  Period      period;
  int         mday;             /* EVERY_MONTH: the day of the month */
  int         hour;             /* UTC */
} JobSpec;

/* By CLI name; docs/jobs.md and D-A5. */
static const JobSpec specs[] = {
  { "archive", "job.archive", "monthly, day 1 at 01:00 UTC", EVERY_MONTH, 1, 1 },
  { "gpa-recalc", "job.gpa_recalc", "weekly, Sunday at 03:00 UTC", EVERY_SUNDAY, 0, 3 },
  { "inc-expiry", "job.inc_expiry", "daily at 02:00 UTC", EVERY_DAY, 0, 2 },
  { "payment-reminders", "job.payment_reminders", "monthly, day 25 at 08:00 UTC",
    EVERY_MONTH, 25, 8 },
  { "permit-sweep", "job.permit_sweep", "hourly, on the hour", EVERY_HOUR, 0, 0 },
};

static const char * const names[] = {
  "archive", "gpa-recalc", "inc-expiry", "payment-reminders", "permit-sweep", NULL
};

/* The state of one job in a scheduler. */
typedef struct
{
  const JobSpec *spec;
  gint64         next_run;      /* the next regular fire, µs */
  gint64         scheduled_for; /* the fire the current/pending attempt is for */
  gint64         attempt;       /* of the current or pending attempt, from 1 */
  gint64         retry_at;      /* a pending retry's time, 0 when none */
  gint64         run_id;        /* job_run of the current attempt */
} Job;

struct _TalaHubScheduler
{
  TalaLedger        *ledger;    /* owned: job_run and job_schedule */
  Job                jobs[G_N_ELEMENTS (specs)];
  Job               *current;   /* the job running now (borrowed), or NULL */
  TalaHubJobRunFunc  run;
  gpointer           run_data;
  TalaHubClockFunc   clock;
  gpointer           clock_data;
  guint              source;    /* the periodic tick, 0 when not started */
};

static const JobSpec *
spec_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    if (g_strcmp0 (specs[i].name, name) == 0)
      return &specs[i];
  return NULL;
}

/**
 * tala_hub_job_names:
 *
 * Returns: (transfer none): the jobs' CLI names, sorted, %NULL-terminated
 */
const char * const *
tala_hub_job_names (void)
{
  return names;
}

/* The op kind of job @name, or %NULL for an unknown name. */
const char *
tala_hub_job_kind (const char *name)
{
  const JobSpec *spec = spec_lookup (name);

  return spec ? spec->kind : NULL;
}

/* The schedule of job @name in words, or %NULL for an unknown name. */
const char *
tala_hub_job_schedule (const char *name)
{
  const JobSpec *spec = spec_lookup (name);

  return spec ? spec->schedule : NULL;
}

static gint64
month_fire (int year,
            int month,
            int mday,
            int hour)
{
  g_autoptr(GDateTime) dt = NULL;

  while (month > 12)
    {
      month -= 12;
      year++;
    }
  dt = g_date_time_new_utc (year, month, mday, hour, 0, 0);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

/**
 * tala_hub_job_next_run:
 * @name: a job's CLI name
 * @after_us: a time, µs since the epoch
 *
 * The first fire time of @name strictly after @after_us, all in UTC:
 * permit-sweep every hour on the hour, inc-expiry daily at 02:00,
 * gpa-recalc on Sundays at 03:00, payment-reminders on day 25 at 08:00,
 * archive on day 1 at 01:00.  Pure.
 *
 * Returns: the fire time in µs, or -1 for an unknown @name
 */
gint64
tala_hub_job_next_run (const char *name,
                       gint64      after_us)
{
  const JobSpec *spec = spec_lookup (name);
  gint64 day, t;

  if (spec == NULL)
    return -1;
  day = after_us >= 0 ? after_us / DAY_US : -((-after_us + DAY_US - 1) / DAY_US);
  switch (spec->period)
    {
    case EVERY_HOUR:
      t = after_us - (after_us % HOUR_US + HOUR_US) % HOUR_US;
      return t + HOUR_US;
    case EVERY_DAY:
      t = day * DAY_US + spec->hour * HOUR_US;
      return t > after_us ? t : t + DAY_US;
    case EVERY_SUNDAY:
      /* 1970-01-01 was a Thursday: day d is a Sunday when (d + 4) % 7 == 0. */
      t = (day + ((7 - (day + 4) % 7) % 7 + 7) % 7) * DAY_US + spec->hour * HOUR_US;
      return t > after_us ? t : t + 7 * DAY_US;
    case EVERY_MONTH:
    default:
      {
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (after_us / G_USEC_PER_SEC);
        int year = g_date_time_get_year (dt);
        int month = g_date_time_get_month (dt);

        t = month_fire (year, month, spec->mday, spec->hour);
        return t > after_us ? t : month_fire (year, month + 1, spec->mday, spec->hour);
      }
    }
}

/**
 * tala_hub_job_apply:
 * @kind: a job.* op kind
 * @student: (nullable): inc-expiry and gpa-recalc only: one student
 * @now_us: the op's hub time
 *
 * Builds the job's op (a fresh op_id, actor null) and applies it on the
 * jobs channel in its own transaction, as `tala-hub jobs run` does.
 *
 * Returns: (transfer full): the result envelope, or %NULL with @error set
 */
JsonObject *
tala_hub_job_apply (TalaLedger  *ledger,
                    const char  *kind,
                    const char  *student,
                    gint64       now_us,
                    GError     **error)
{
  g_autoptr(JsonObject) op = json_object_new ();
  JsonObject *args = json_object_new ();
  g_autofree char *op_id = g_uuid_string_random ();

  if (student != NULL)
    json_object_set_string_member (args, "student", student);
  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", kind);
  json_object_set_null_member (op, "actor");
  json_object_set_object_member (op, "args", args);
  return tala_ledger_apply (ledger, op, TALA_CHANNEL_JOBS, now_us, NULL, error);
}

static gint64
real_clock (gpointer data)
{
  return g_get_real_time ();
}

static gint64
scheduler_now (TalaHubScheduler *self)
{
  return self->clock (self->clock_data);
}

/**
 * tala_hub_scheduler_new:
 * @db_path: the ledger; the scheduler keeps its own connection for its
 *   bookkeeping (job_run, job_schedule)
 * @run: runs one job; see #TalaHubJobRunFunc
 *
 * Makes a stopped scheduler on the real clock.  Call
 * tala_hub_scheduler_load() (after setting a clock), then either
 * tala_hub_scheduler_start() or tala_hub_scheduler_tick().
 */
TalaHubScheduler *
tala_hub_scheduler_new (const char         *db_path,
                        TalaHubJobRunFunc   run,
                        gpointer            run_data,
                        GError            **error)
{
  g_autoptr(TalaLedger) ledger = tala_ledger_open (db_path, error);
  TalaHubScheduler *self;

  if (ledger == NULL)
    return NULL;
  self = g_new0 (TalaHubScheduler, 1);
  self->ledger = g_steal_pointer (&ledger);
  self->run = run;
  self->run_data = run_data;
  self->clock = real_clock;
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    self->jobs[i].spec = &specs[i];
  return self;
}

/* Replaces the clock (tests). */
void
tala_hub_scheduler_set_clock (TalaHubScheduler *self,
                              TalaHubClockFunc  clock,
                              gpointer          clock_data)
{
  self->clock = clock ? clock : real_clock;
  self->clock_data = clock_data;
}

/**
 * tala_hub_scheduler_load:
 *
 * Reads each job's persisted next fire time; a job without one gets the
 * first fire after now, stored.  A stored time already past makes the job
 * due: the next tick runs it once (catch-up after downtime).  A retry
 * that was pending when the hub stopped is pending again (its time is
 * the failed attempt's end plus the retry delay), and a run the hub was
 * in the middle of is recorded as failed and retried the same way.
 */
gboolean
tala_hub_scheduler_load (TalaHubScheduler  *self,
                         GError           **error)
{
  gint64 now = scheduler_now (self);
  g_autoptr(JsonArray) last = tala_ledger_job_runs (self->ledger, TALA_JOB_RUNS_LAST, error);

  if (last == NULL)
    return FALSE;
  for (guint r = 0; r < json_array_get_length (last); r++)
    {
      JsonObject *run = json_array_get_object_element (last, r);
      const char *status = json_object_get_string_member (run, "status");
      const char *finished = json_object_get_string_member_with_default (run, "finished_at",
                                                                          NULL);
      gint64 attempt = json_object_get_int_member (run, "attempt");
      gint64 ended = now;
      Job *job = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (self->jobs); i++)
        if (strcmp (self->jobs[i].spec->name, json_object_get_string_member (run, "name")) == 0)
          job = &self->jobs[i];
      if (job == NULL || strcmp (status, "ok") == 0)
        continue;
      if (strcmp (status, "running") == 0 &&
          !tala_ledger_job_run_finish (self->ledger, json_object_get_int_member (run, "id"), now,
                                       FALSE, NULL, "interrupted: the hub stopped during the run",
                                       error))
        return FALSE;
      if (finished != NULL && strcmp (status, "failed") == 0)
        (void) tala_timestamp_parse (finished, &ended);
      if (attempt > TALA_HUB_JOB_RETRIES)
        continue;
      job->scheduled_for = json_object_get_int_member (run, "scheduled_for_us");
      job->attempt = attempt + 1;
      job->retry_at = MAX (ended + TALA_HUB_JOB_RETRY_US, now);
    }

  for (guint i = 0; i < G_N_ELEMENTS (self->jobs); i++)
    {
      Job *job = &self->jobs[i];
      gboolean found;

      if (!tala_ledger_job_next_run (self->ledger, job->spec->name, &job->next_run, &found,
                                     error))
        return FALSE;
      if (!found)
        {
          job->next_run = tala_hub_job_next_run (job->spec->name, now);
          if (!tala_ledger_job_set_next_run (self->ledger, job->spec->name, job->next_run,
                                             error))
            return FALSE;
        }
    }
  return TRUE;
}

static void
job_done (TalaHubScheduler *self,
          const char       *result_json,
          const GError     *error)
{
  g_autoptr(GError) local_error = NULL;
  Job *job = self->current;
  gint64 now = scheduler_now (self);

  g_return_if_fail (job != NULL);

  self->current = NULL;
  if (!tala_ledger_job_run_finish (self->ledger, job->run_id, now, error == NULL,
                                   error ? NULL : result_json,
                                   error ? error->message : NULL, &local_error))
    g_printerr ("tala-hub: jobs: cannot record run %" G_GINT64_FORMAT ": %s\n",
                job->run_id, local_error->message);
  if (error != NULL && job->attempt <= TALA_HUB_JOB_RETRIES)
    {
      g_printerr ("tala-hub: jobs: %s failed (attempt %" G_GINT64_FORMAT "): %s\n",
                  job->spec->name, job->attempt, error->message);
      job->attempt++;
      job->retry_at = now + TALA_HUB_JOB_RETRY_US;
    }
  else
    {
      if (error != NULL)
        g_printerr ("tala-hub: jobs: %s failed (attempt %" G_GINT64_FORMAT "), giving up: %s\n",
                    job->spec->name, job->attempt, error->message);
      job->retry_at = 0;
    }
}

static gboolean
job_start (TalaHubScheduler  *self,
           Job               *job,
           gint64             now,
           GError           **error)
{
  if (!tala_ledger_job_run_start (self->ledger, job->spec->name, job->scheduled_for, now,
                                  job->attempt, &job->run_id, error))
    return FALSE;
  self->current = job;
  self->run (self, job->spec->name, job->spec->kind, now, self->run_data, job_done);
  return TRUE;
}

/**
 * tala_hub_scheduler_tick:
 *
 * Starts every job due at the clock's now, one after the other: a pending
 * retry whose time came, or a regular fire whose time came (its next fire
 * is then computed from now and stored first).  While a run is in flight
 * (an asynchronous runner) nothing else starts; the next tick goes on.
 * Returns FALSE with @error set when the bookkeeping failed.
 */
gboolean
tala_hub_scheduler_tick (TalaHubScheduler  *self,
                         GError           **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->jobs) && self->current == NULL; i++)
    {
      Job *job = &self->jobs[i];
      gint64 now = scheduler_now (self);

      if (job->retry_at != 0)
        {
          if (now >= job->retry_at && !job_start (self, job, now, error))
            return FALSE;
        }
      else if (now >= job->next_run)
        {
          job->scheduled_for = job->next_run;
          job->attempt = 1;
          job->next_run = tala_hub_job_next_run (job->spec->name, now);
          if (!tala_ledger_job_set_next_run (self->ledger, job->spec->name, job->next_run,
                                             error) ||
              !job_start (self, job, now, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* The earliest time anything is due: a pending retry or a regular fire. */
gint64
tala_hub_scheduler_next_wakeup (TalaHubScheduler *self)
{
  gint64 wakeup = G_MAXINT64;

  for (guint i = 0; i < G_N_ELEMENTS (self->jobs); i++)
    {
      const Job *job = &self->jobs[i];

      wakeup = MIN (wakeup, job->retry_at != 0 ? job->retry_at : job->next_run);
    }
  return wakeup;
}

static gboolean
tick_cb (gpointer user_data)
{
  TalaHubScheduler *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tala_hub_scheduler_tick (self, &error))
    g_printerr ("tala-hub: jobs: %s\n", error->message);
  return G_SOURCE_CONTINUE;
}

/* Ticks now (catch-up) and then every 10 s on the global default main
 * context. */
void
tala_hub_scheduler_start (TalaHubScheduler *self)
{
  g_return_if_fail (self->source == 0);

  tick_cb (self);
  self->source = g_timeout_add_seconds (10, tick_cb, self);
}

void
tala_hub_scheduler_free (TalaHubScheduler *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->source, g_source_remove);
  g_clear_pointer (&self->ledger, tala_ledger_free);
  g_free (self);
}
