-- 0003-grade-scales.sql
--
-- Grade scales as data (D-G1, ops.md §1.10) and the archive marks of
-- job.archive.  A scale value has its points in hundredths (1.75 → 175,
-- B+ → 330), whether it counts in the GPA, and the take status it gives at
-- finalization (PASSED, FAILED or INC).  Each scale has exactly one failing
-- value, the one an expired INC becomes.  The config key `grade_scale` names
-- the scale in use.

CREATE TABLE grade_scale_value (
  scale         TEXT NOT NULL CHECK (scale IN ('PH', 'LETTER')),
  value         TEXT NOT NULL,
  position      INTEGER NOT NULL,        -- display order within the scale
  points        INTEGER NOT NULL,        -- hundredths of a grade point
  counts_in_gpa INTEGER NOT NULL CHECK (counts_in_gpa IN (0, 1)),
  outcome       TEXT NOT NULL CHECK (outcome IN ('PASSED', 'FAILED', 'INC')),
  is_failing    INTEGER NOT NULL DEFAULT 0 CHECK (is_failing IN (0, 1)),
  PRIMARY KEY (scale, value)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX grade_scale_failing ON grade_scale_value (scale) WHERE is_failing;

-- The Philippine scale: 1.00 is best, 3.00 the lowest pass, 5.00 failed;
-- INC and DRP stay out of the GPA.
INSERT INTO grade_scale_value (scale, value, position, points, counts_in_gpa, outcome, is_failing)
VALUES
  ('PH', '1.00',  1, 100, 1, 'PASSED', 0),
  ('PH', '1.25',  2, 125, 1, 'PASSED', 0),
  ('PH', '1.50',  3, 150, 1, 'PASSED', 0),
  ('PH', '1.75',  4, 175, 1, 'PASSED', 0),
  ('PH', '2.00',  5, 200, 1, 'PASSED', 0),
  ('PH', '2.25',  6, 225, 1, 'PASSED', 0),
  ('PH', '2.50',  7, 250, 1, 'PASSED', 0),
  ('PH', '2.75',  8, 275, 1, 'PASSED', 0),
  ('PH', '3.00',  9, 300, 1, 'PASSED', 0),
  ('PH', '5.00', 10, 500, 1, 'FAILED', 1),
  ('PH', 'INC',  11,   0, 0, 'INC',    0),
  ('PH', 'DRP',  12,   0, 0, 'FAILED', 0);

-- The original's letter scale, kept so its tested scenarios replay: INC
-- counts in the GPA with 0 points, as the original did.
INSERT INTO grade_scale_value (scale, value, position, points, counts_in_gpa, outcome, is_failing)
VALUES
  ('LETTER', 'A',    1, 400, 1, 'PASSED', 0),
  ('LETTER', 'A-',   2, 370, 1, 'PASSED', 0),
  ('LETTER', 'B+',   3, 330, 1, 'PASSED', 0),
  ('LETTER', 'B',    4, 300, 1, 'PASSED', 0),
  ('LETTER', 'B-',   5, 270, 1, 'PASSED', 0),
  ('LETTER', 'C+',   6, 230, 1, 'PASSED', 0),
  ('LETTER', 'C',    7, 200, 1, 'PASSED', 0),
  ('LETTER', 'C-',   8, 170, 1, 'PASSED', 0),
  ('LETTER', 'D+',   9, 130, 1, 'PASSED', 0),
  ('LETTER', 'D',   10, 100, 1, 'PASSED', 0),
  ('LETTER', 'F',   11,   0, 1, 'FAILED', 1),
  ('LETTER', 'INC', 12,   0, 1, 'INC',    0);

-- Records job.archive has counted as past the archive cut-off (BR §11 T7):
-- marked once, never moved or deleted.  model is 'Enrollment' or 'Payment';
-- row_id the enrollment.id or txn.id.
CREATE TABLE archive_mark (
  model   TEXT NOT NULL CHECK (model IN ('Enrollment', 'Payment')),
  row_id  INTEGER NOT NULL,
  hub_seq INTEGER NOT NULL,
  PRIMARY KEY (model, row_id)
) STRICT, WITHOUT ROWID;

-- Look-ups of subject.enroll, the INC clock and the GPA: a student's takes
-- through the enrollment, a semester's enrollments, a subject's sections.
CREATE INDEX take_enrollment_status ON take (enrollment_id, status);
CREATE INDEX enrollment_semester ON enrollment (semester_id);
CREATE INDEX section_semester_subject ON section (semester_id, subject_id);

-- Look-ups of every registration and user.put: duplicate e-mails
-- (case-insensitive), possible duplicates by birth date, the active admins.
CREATE INDEX user_email_nocase ON user (lower (email));
CREATE INDEX student_birth ON student (date_of_birth) WHERE date_of_birth IS NOT NULL;
CREATE INDEX user_role_active ON user (role, is_active);
