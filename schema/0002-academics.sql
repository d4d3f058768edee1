-- 0002-academics.sql
--
-- Takes (subject enrollments), grade history and LOA periods.

CREATE TABLE take (
  id                 INTEGER PRIMARY KEY,
  uuid               TEXT NOT NULL UNIQUE,   -- op_id of subject.enroll or credit.transfer
  enrollment_id      INTEGER NOT NULL REFERENCES enrollment (id),
  subject_id         INTEGER NOT NULL REFERENCES subject (id),
  section_id         INTEGER REFERENCES section (id),
  units              INTEGER NOT NULL CHECK (units BETWEEN 1 AND 30),
  status             TEXT NOT NULL CHECK (status IN ('ENROLLED', 'DROPPED', 'PASSED', 'FAILED',
                                                     'INC', 'CREDITED')),
  grade_status       TEXT NOT NULL CHECK (grade_status IN ('PENDING', 'SUBMITTED', 'FINALIZED')),
  grade              TEXT,
  comments           TEXT,
  is_retake          INTEGER NOT NULL DEFAULT 0,
  inc_start          TEXT,                   -- business date the INC clock started
  inc_warned         INTEGER NOT NULL DEFAULT 0,
  count_in_gpa       INTEGER NOT NULL DEFAULT 0,
  prior_institution  TEXT,
  prior_subject_code TEXT,
  prior_subject_name TEXT,
  dropped_at         INTEGER,
  drop_reason        TEXT,
  created_at         INTEGER NOT NULL,
  hub_seq            INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX take_live ON take (enrollment_id, subject_id) WHERE status <> 'DROPPED';
CREATE INDEX take_section ON take (section_id);
CREATE INDEX take_subject ON take (subject_id);
CREATE INDEX take_inc ON take (status) WHERE status = 'INC';

CREATE TABLE grade_history (
  id        INTEGER PRIMARY KEY,
  take_id   INTEGER NOT NULL REFERENCES take (id),
  op_id     TEXT NOT NULL,
  old_grade TEXT,
  new_grade TEXT,
  reason    TEXT,
  actor     TEXT,                          -- NULL = SYSTEM
  at        INTEGER NOT NULL,
  hub_seq   INTEGER NOT NULL,
  UNIQUE (op_id, take_id)
) STRICT;

CREATE TABLE loa (
  id         INTEGER PRIMARY KEY,
  uuid       TEXT NOT NULL UNIQUE,
  student_id INTEGER NOT NULL REFERENCES student (id),
  start_date TEXT NOT NULL,
  end_date   TEXT,                           -- first day back, exclusive; NULL = open
  reason     TEXT NOT NULL,
  hub_seq    INTEGER NOT NULL
) STRICT;
CREATE INDEX loa_student ON loa (student_id, start_date);
