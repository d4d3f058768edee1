/* hub-writer.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's single writer.  One thread owns the write connection (at
 * synchronous=FULL: money survives power loss) and group-commits: it takes
 * every job queued since its last commit (up to MAX_GROUP), runs them in one
 * transaction, each op in its own savepoint, commits once, and only then
 * reports each job done on the main context.  So many payments share one
 * fsync, and no answer is sent before its op is durable.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include "hub-writer.h"

#define MAX_GROUP 512

typedef struct
{
  TalaHubWriteFunc work;
  TalaHubDoneFunc  done;
  gpointer         data;
  GError          *error;
} Job;

struct _TalaHubWriter
{
  TalaLedger   *ledger;        /* owned by the writer thread after start */
  GAsyncQueue  *queue;         /* Job*; a Job with work == NULL stops the thread */
  GThread      *thread;
  GMainContext *context;       /* where done callbacks run */
  gboolean      group_commit;  /* FALSE: one transaction per job (for comparison) */
  guint64       commits;       /* transactions committed, for metrics */
};

static gboolean
finish_cb (gpointer user_data)
{
  Job *job = user_data;

  job->done (job->data, job->error);
  g_clear_error (&job->error);
  g_free (job);
  return G_SOURCE_REMOVE;
}

static void
report (TalaHubWriter *self,
        Job           *job)
{
  g_main_context_invoke (self->context, finish_cb, job);
}

/* Runs @jobs in one transaction; every job gets the failure when the
 * transaction cannot begin or commit. */
static void
run_group (TalaHubWriter *self,
           GPtrArray     *jobs)
{
  g_autoptr(GError) error = NULL;

  if (!tala_ledger_begin (self->ledger, &error))
    goto fail;
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      if (!job->work (self->ledger, job->data, &job->error))
        g_warning ("write job failed: %s", job->error->message);
    }
  if (!tala_ledger_commit (self->ledger, &error))
    goto fail;
  self->commits++;
  for (guint i = 0; i < jobs->len; i++)
    report (self, g_ptr_array_index (jobs, i));
  return;

fail:
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      g_clear_error (&job->error);
      job->error = g_error_copy (error);
      report (self, job);
    }
}

static gpointer
writer_thread (gpointer user_data)
{
  TalaHubWriter *self = user_data;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();
  gboolean stop = FALSE;

  while (!stop)
    {
      Job *job = g_async_queue_pop (self->queue);

      g_ptr_array_set_size (jobs, 0);
      if (job->work == NULL)
        {
          g_free (job);
          break;
        }
      g_ptr_array_add (jobs, job);
      while (self->group_commit && jobs->len < MAX_GROUP &&
             (job = g_async_queue_try_pop (self->queue)) != NULL)
        {
          if (job->work == NULL)
            {
              g_free (job);
              stop = TRUE;
              break;
            }
          g_ptr_array_add (jobs, job);
        }
      run_group (self, jobs);
    }
  return NULL;
}

/**
 * tala_hub_writer_new:
 * @db_path: the hub's ledger file
 * @group_commit: %FALSE to commit every job alone (only for measurements)
 *
 * Opens the write connection at synchronous=FULL and starts the writer
 * thread.  Done callbacks run on the thread-default main context of the
 * caller.
 */
TalaHubWriter *
tala_hub_writer_new (const char *db_path,
                     gboolean    group_commit,
                     GError    **error)
{
  g_autoptr(TalaLedger) ledger = tala_ledger_open (db_path, error);
  TalaHubWriter *self;

  if (ledger == NULL || !tala_ledger_set_durable (ledger, TRUE, error))
    return NULL;
  self = g_new0 (TalaHubWriter, 1);
  self->ledger = g_steal_pointer (&ledger);
  self->queue = g_async_queue_new ();
  self->context = g_main_context_ref_thread_default ();
  self->group_commit = group_commit;
  self->thread = g_thread_new ("tala-writer", writer_thread, self);
  return self;
}

/* Queues a job; never blocks.  Call from the main context. */
void
tala_hub_writer_submit (TalaHubWriter   *self,
                        TalaHubWriteFunc work,
                        TalaHubDoneFunc  done,
                        gpointer         data)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (work != NULL && done != NULL);
  job->work = work;
  job->done = done;
  job->data = data;
  g_async_queue_push (self->queue, job);
}

guint
tala_hub_writer_queue_depth (TalaHubWriter *self)
{
  return (guint) MAX (0, g_async_queue_length (self->queue));
}

guint64
tala_hub_writer_commits (TalaHubWriter *self)
{
  return self->commits;
}

/* Finishes every queued job, then stops the thread and closes the ledger
 * (checkpointing its WAL).  Done callbacks of the last jobs are queued on
 * the main context; iterate it afterwards to deliver them. */
void
tala_hub_writer_free (TalaHubWriter *self)
{
  if (self == NULL)
    return;
  g_async_queue_push (self->queue, g_new0 (Job, 1));
  g_thread_join (self->thread);
  g_async_queue_unref (self->queue);
  g_main_context_unref (self->context);
  tala_ledger_free (self->ledger);
  g_free (self);
}
