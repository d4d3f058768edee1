/* ledger-jobruns.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub scheduler's bookkeeping (docs/jobs.md, schema 0006): one job_run
 * row per attempt of a job and the persisted next fire time of each job in
 * job_schedule.  Not business data, so no op carries it: these functions
 * write their tables directly, each statement in autocommit unless the
 * caller holds a transaction.  All times are µs since the epoch, UTC.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include "ledger-private.h"
#include "tala-ledger.h"

/**
 * tala_ledger_job_run_start:
 * @name: the job's CLI name (inc-expiry, ...)
 * @scheduled_for: the fire time this run is for
 * @started_at: now
 * @attempt: 1 for the first try, then 2, 3, ...
 * @id: (out): the new run's id
 *
 * Records a run of @name as `running`.  Blocks.
 */
gboolean
tala_ledger_job_run_start (TalaLedger  *self,
                           const char  *name,
                           gint64       scheduled_for,
                           gint64       started_at,
                           gint64       attempt,
                           gint64      *id,
                           GError     **error)
{
  g_return_val_if_fail (self != NULL && name != NULL && attempt >= 1, FALSE);

  if (!tala_db_exec (self, error,
                     "INSERT INTO job_run (name, scheduled_for, started_at, status, attempt)"
                     " VALUES (:n, :s, :t, 'running', :a)",
                     ":n", DB_TEXT, name, ":s", DB_INT, scheduled_for,
                     ":t", DB_INT, started_at, ":a", DB_INT, attempt, NULL))
    return FALSE;
  *id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/**
 * tala_ledger_job_run_finish:
 * @id: a run from tala_ledger_job_run_start()
 * @finished_at: now
 * @ok: whether the job applied
 * @result_json: (nullable): the result envelope, when @ok
 * @error_text: (nullable): what failed, when not @ok
 *
 * Marks run @id `ok` or `failed`.  Blocks.
 */
gboolean
tala_ledger_job_run_finish (TalaLedger  *self,
                            gint64       id,
                            gint64       finished_at,
                            gboolean     ok,
                            const char  *result_json,
                            const char  *error_text,
                            GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return tala_db_exec (self, error,
                       "UPDATE job_run SET finished_at = :f, status = :st,"
                       " result_json = :r, error = :e WHERE id = :id",
                       ":f", DB_INT, finished_at, ":st", DB_TEXT, ok ? "ok" : "failed",
                       ":r", DB_TEXT, result_json, ":e", DB_TEXT, error_text,
                       ":id", DB_INT, id, NULL);
}

static void
set_time (JsonObject *row,
          const char *member,
          TalaStmt   *stmt,
          int         col)
{
  g_autofree char *text = NULL;

  if (tala_stmt_is_null (stmt, col))
    {
      json_object_set_null_member (row, member);
      return;
    }
  text = tala_timestamp_format (tala_stmt_int (stmt, col));
  json_object_set_string_member (row, member, text);
}

static JsonObject *
run_json (TalaStmt *stmt)
{
  JsonObject *row = json_object_new ();

  json_object_set_int_member (row, "id", tala_stmt_int (stmt, 0));
  json_object_set_string_member (row, "name", tala_stmt_text (stmt, 1));
  set_time (row, "scheduled_for", stmt, 2);
  set_time (row, "started_at", stmt, 3);
  set_time (row, "finished_at", stmt, 4);
  json_object_set_string_member (row, "status", tala_stmt_text (stmt, 5));
  json_object_set_int_member (row, "attempt", tala_stmt_int (stmt, 6));
  json_object_set_int_member (row, "scheduled_for_us", tala_stmt_int (stmt, 2));
  obj_set_str_or_null (row, "error", tala_stmt_text (stmt, 7));
  return row;
}

#define RUN_COLUMNS "id, name, scheduled_for, started_at, finished_at, status, attempt, error"

/**
 * tala_ledger_job_runs:
 * @which: %TALA_JOB_RUNS_LAST (the newest run of each job, by name),
 *   %TALA_JOB_RUNS_FAILED (each failed run that is the newest run of its
 *   job and fire time, i.e. not yet retried; by id) or %TALA_JOB_RUNS_ALL
 *   (every run, by id)
 *
 * Lists runs as objects {id, name, scheduled_for, started_at, finished_at
 * (RFC 3339 or null), status, attempt, scheduled_for_us, error}.  Blocks.
 *
 * Returns: (transfer full): the runs, or %NULL with @error set
 */
JsonArray *
tala_ledger_job_runs (TalaLedger   *self,
                      TalaJobRuns   which,
                      GError      **error)
{
  static const char *sql[] = {
    [TALA_JOB_RUNS_ALL] = "SELECT " RUN_COLUMNS " FROM job_run ORDER BY id",
    [TALA_JOB_RUNS_LAST] = "SELECT " RUN_COLUMNS " FROM job_run r"
      " WHERE id = (SELECT max (id) FROM job_run WHERE name = r.name) ORDER BY name",
    [TALA_JOB_RUNS_FAILED] = "SELECT " RUN_COLUMNS " FROM job_run r WHERE status = 'failed'"
      " AND id = (SELECT max (id) FROM job_run"
      "           WHERE name = r.name AND scheduled_for = r.scheduled_for) ORDER BY id",
  };
  g_autoptr(JsonArray) runs = json_array_new ();
  TalaStmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL && which <= TALA_JOB_RUNS_FAILED, NULL);

  stmt = tala_db_query (self, error, sql[which], NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    json_array_add_object_element (runs, run_json (stmt));
  tala_stmt_release (stmt);
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&runs);
}

/**
 * tala_ledger_job_run_get:
 * @id: a run
 * @found: (out): whether run @id exists
 *
 * One run as in tala_ledger_job_runs().  Blocks.
 *
 * Returns: (transfer full) (nullable): the run; %NULL with @found FALSE
 *   when there is none, %NULL with @error set when the database failed
 */
JsonObject *
tala_ledger_job_run_get (TalaLedger  *self,
                         gint64       id,
                         gboolean    *found,
                         GError     **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  *found = FALSE;
  stmt = tala_db_query (self, error, "SELECT " RUN_COLUMNS " FROM job_run WHERE id = :id",
                        ":id", DB_INT, id, NULL);
  if (stmt == NULL)
    return NULL;
  rc = tala_db_step (self, stmt, error);
  if (rc != SQLITE_ROW)
    return NULL;
  *found = TRUE;
  return run_json (stmt);
}

/**
 * tala_ledger_job_next_run:
 * @name: a job
 * @next_run: (out): its persisted next fire time, 0 when none
 * @found: (out): whether one is stored
 *
 * Reads job_schedule.  Blocks.
 */
gboolean
tala_ledger_job_next_run (TalaLedger  *self,
                          const char  *name,
                          gint64      *next_run,
                          gboolean    *found,
                          GError     **error)
{
  return tala_db_int (self, next_run, found, error,
                      "SELECT next_run FROM job_schedule WHERE name = :n",
                      ":n", DB_TEXT, name, NULL);
}

/**
 * tala_ledger_job_set_next_run:
 * @name: a job
 * @next_run: its next fire time
 *
 * Stores (replacing) the next fire time of @name.  Blocks.
 */
gboolean
tala_ledger_job_set_next_run (TalaLedger  *self,
                              const char  *name,
                              gint64       next_run,
                              GError     **error)
{
  return tala_db_exec (self, error,
                       "INSERT INTO job_schedule (name, next_run) VALUES (:n, :r)"
                       " ON CONFLICT (name) DO UPDATE SET next_run = excluded.next_run",
                       ":n", DB_TEXT, name, ":r", DB_INT, next_run, NULL);
}
