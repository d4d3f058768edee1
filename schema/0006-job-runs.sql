-- 0006-job-runs.sql
--
-- The hub scheduler's bookkeeping (docs/jobs.md): every run of a job and
-- the next time each job fires.  Not business data: no op carries it, and
-- the job's own op is in the journal as for any op.

-- One attempt of one job.  scheduled_for is the fire time the run is for
-- (µs since the epoch, UTC); a retry keeps it and counts attempt up from 1.
CREATE TABLE job_run (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  scheduled_for INTEGER NOT NULL,
  started_at    INTEGER NOT NULL,
  finished_at   INTEGER,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'running')),
  attempt       INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  result_json   TEXT,
  error         TEXT
) STRICT;

CREATE INDEX job_run_name ON job_run (name, id);

-- The persisted next fire time of each job (µs, UTC).
CREATE TABLE job_schedule (
  name     TEXT PRIMARY KEY,
  next_run INTEGER NOT NULL
) STRICT;
