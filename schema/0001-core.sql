-- 0001-core.sql
--
-- The ledger's first schema: catalog, people, money accounts, permits,
-- notifications, and the exactly-once and journal tables.  Dates are ISO
-- 'YYYY-MM-DD' text, instants are INTEGER microseconds since the epoch (UTC),
-- money is INTEGER centavos.  Every replicated row carries the hub_seq of the
-- op that last changed it.

CREATE TABLE config (
  key     TEXT PRIMARY KEY,
  value   TEXT NOT NULL,          -- canonical JSON of the value
  hub_seq INTEGER NOT NULL
) STRICT;

CREATE TABLE user (
  id           INTEGER PRIMARY KEY,
  username     TEXT NOT NULL UNIQUE,
  role         TEXT NOT NULL CHECK (role IN ('STUDENT', 'PROFESSOR', 'CASHIER', 'REGISTRAR',
                                             'HEAD_REGISTRAR', 'ADMISSION_STAFF', 'ADMIN')),
  first_name   TEXT NOT NULL,
  last_name    TEXT NOT NULL,
  email        TEXT,
  phone_number TEXT,
  is_active    INTEGER NOT NULL DEFAULT 1,
  hub_seq      INTEGER NOT NULL
) STRICT;

CREATE TABLE program (
  id                   INTEGER PRIMARY KEY,
  code                 TEXT NOT NULL UNIQUE,
  name                 TEXT NOT NULL UNIQUE,
  description          TEXT,
  duration_years       INTEGER NOT NULL,
  total_units_required INTEGER NOT NULL,
  is_active            INTEGER NOT NULL,
  hub_seq              INTEGER NOT NULL
) STRICT;

CREATE TABLE subject (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  description  TEXT,
  units        INTEGER NOT NULL CHECK (units BETWEEN 1 AND 30),
  subject_type TEXT NOT NULL CHECK (subject_type IN ('MAJOR', 'MINOR', 'ELECTIVE')),
  program_id   INTEGER NOT NULL REFERENCES program (id),
  is_active    INTEGER NOT NULL,
  year_level   INTEGER,
  hub_seq      INTEGER NOT NULL
) STRICT;

CREATE TABLE subject_prerequisite (
  subject_id      INTEGER NOT NULL REFERENCES subject (id),
  prerequisite_id INTEGER NOT NULL REFERENCES subject (id),
  hub_seq         INTEGER NOT NULL,
  PRIMARY KEY (subject_id, prerequisite_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE semester (
  id               INTEGER PRIMARY KEY,
  code             TEXT NOT NULL UNIQUE,     -- YYYY-FIRST | YYYY-SECOND | YYYY-SUMMER
  start_date       TEXT NOT NULL,
  end_date         TEXT NOT NULL,
  enrollment_start TEXT NOT NULL,
  enrollment_end   TEXT NOT NULL,
  is_active        INTEGER NOT NULL,
  month_prelim     INTEGER NOT NULL CHECK (month_prelim BETWEEN 1 AND 6),
  month_midterm    INTEGER NOT NULL CHECK (month_midterm BETWEEN 1 AND 6),
  month_prefinal   INTEGER NOT NULL CHECK (month_prefinal BETWEEN 1 AND 6),
  month_final      INTEGER NOT NULL CHECK (month_final BETWEEN 1 AND 6),
  hub_seq          INTEGER NOT NULL
) STRICT;

CREATE TABLE section (
  id             INTEGER PRIMARY KEY,
  semester_id    INTEGER NOT NULL REFERENCES semester (id),
  code           TEXT NOT NULL,
  subject_id     INTEGER NOT NULL REFERENCES subject (id),
  capacity       INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100),
  professor_id   INTEGER REFERENCES user (id),
  room           TEXT,
  schedule_notes TEXT,
  hub_seq        INTEGER NOT NULL,
  UNIQUE (semester_id, code)
) STRICT;

CREATE TABLE section_slot (
  section_id INTEGER NOT NULL REFERENCES section (id),
  day        INTEGER NOT NULL CHECK (day BETWEEN 0 AND 6),          -- 0 = MON
  start_min  INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439), -- minutes after 00:00
  end_min    INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1439),
  room       TEXT,
  hub_seq    INTEGER NOT NULL,
  PRIMARY KEY (section_id, day, start_min),
  CHECK (start_min < end_min)
) STRICT, WITHOUT ROWID;

CREATE TABLE student (
  id                 INTEGER PRIMARY KEY,
  number             TEXT NOT NULL UNIQUE,
  number_year        INTEGER,                  -- YYYY of a hub-issued YYYY-NNNNN
  number_seq         INTEGER,                  -- NNNNN of it
  provisional_number TEXT UNIQUE,
  user_id            INTEGER NOT NULL UNIQUE REFERENCES user (id),
  program_id         INTEGER NOT NULL REFERENCES program (id),
  address            TEXT,
  date_of_birth      TEXT,
  status             TEXT NOT NULL CHECK (status IN ('ACTIVE', 'WITHDRAWN', 'GRADUATED')),
  enrollment_year    INTEGER NOT NULL,
  is_transferee      INTEGER NOT NULL,
  via                TEXT NOT NULL CHECK (via IN ('DESK', 'ONLINE')),
  gpa                TEXT NOT NULL DEFAULT 'N/A',
  op_id              TEXT NOT NULL UNIQUE,
  hub_seq            INTEGER NOT NULL
) STRICT;
CREATE INDEX student_number_seq ON student (number_year, number_seq);

-- A semester enrollment is also a money account (buckets 1..6 and credit).
-- net = Σ signed transactions on it (≥ 0); buckets and credit are a function
-- of net and the dues (ops.md §1.10), stored so that reads are cheap.
CREATE TABLE enrollment (
  id                 INTEGER PRIMARY KEY,
  student_id         INTEGER NOT NULL REFERENCES student (id),
  semester_id        INTEGER NOT NULL REFERENCES semester (id),
  monthly_commitment INTEGER NOT NULL CHECK (monthly_commitment >= 0),
  total_units        INTEGER NOT NULL DEFAULT 0,
  net                INTEGER NOT NULL DEFAULT 0 CHECK (net >= 0),
  credit             INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
  op_id              TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  hub_seq            INTEGER NOT NULL,
  UNIQUE (student_id, semester_id)
) STRICT;

-- The unassigned account of a student (D-P4): credit only.
CREATE TABLE student_account (
  student_id INTEGER PRIMARY KEY REFERENCES student (id),
  net        INTEGER NOT NULL DEFAULT 0 CHECK (net >= 0),
  hub_seq    INTEGER NOT NULL
) STRICT;

CREATE TABLE bucket (
  enrollment_id INTEGER NOT NULL REFERENCES enrollment (id),
  month         INTEGER NOT NULL CHECK (month BETWEEN 1 AND 6),
  due           INTEGER NOT NULL CHECK (due >= 0),
  due_date      TEXT NOT NULL,
  paid_total    INTEGER NOT NULL DEFAULT 0 CHECK (paid_total >= 0 AND paid_total <= due),
  is_paid       INTEGER NOT NULL DEFAULT 0,
  hub_seq       INTEGER NOT NULL,
  PRIMARY KEY (enrollment_id, month)
) STRICT, WITHOUT ROWID;

-- Money transactions: PAYMENT (+), VOID (-), ADJUSTMENT (±), CARRY (±).
-- enrollment_id NULL means the student's unassigned account.
CREATE TABLE txn (
  id               INTEGER PRIMARY KEY,
  uuid             TEXT NOT NULL,            -- op_id of the op that made it
  type             TEXT NOT NULL CHECK (type IN ('PAYMENT', 'VOID', 'ADJUSTMENT', 'CARRY')),
  student_id       INTEGER NOT NULL REFERENCES student (id),
  enrollment_id    INTEGER REFERENCES enrollment (id),
  amount           INTEGER NOT NULL CHECK (amount <> 0 OR type = 'CARRY'),
  credit_delta     INTEGER NOT NULL,         -- change of the account's credit
  method           TEXT,
  reference_number TEXT,
  receipt_no       TEXT UNIQUE,
  receipt_series   TEXT,                     -- the receipt prefix: a terminal code or HUB
  receipt_seq      INTEGER,                  -- the receipt's number within its series
  notes            TEXT,
  payment_id       INTEGER REFERENCES txn (id), -- the payment a VOID or ADJUSTMENT corrects
  voided_by        INTEGER REFERENCES txn (id),
  reason           TEXT,
  actor            TEXT,
  device           TEXT NOT NULL,
  recorded_at      INTEGER NOT NULL,
  applied_at       INTEGER NOT NULL,
  business_date    TEXT NOT NULL,
  hub_seq          INTEGER NOT NULL
) STRICT;
CREATE INDEX txn_uuid ON txn (uuid);
CREATE INDEX txn_student ON txn (student_id, id);
CREATE INDEX txn_enrollment ON txn (enrollment_id);
CREATE INDEX txn_receipt ON txn (receipt_series, receipt_seq);
CREATE UNIQUE INDEX txn_reference ON txn (reference_number)
  WHERE reference_number IS NOT NULL AND type = 'PAYMENT';

-- The months a transaction filled (positive) or emptied (negative).
CREATE TABLE allocation (
  txn_id INTEGER NOT NULL REFERENCES txn (id),
  month  INTEGER NOT NULL CHECK (month BETWEEN 1 AND 6),
  amount INTEGER NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (txn_id, month)
) STRICT, WITHOUT ROWID;

CREATE TABLE permit (
  enrollment_id INTEGER NOT NULL REFERENCES enrollment (id),
  period        TEXT NOT NULL CHECK (period IN ('PRELIM', 'MIDTERM', 'PREFINAL', 'FINAL')),
  month         INTEGER NOT NULL CHECK (month BETWEEN 1 AND 6),
  status        TEXT NOT NULL CHECK (status IN ('LOCKED', 'UNLOCKED', 'USED', 'EXPIRED')),
  code          TEXT UNIQUE,
  code_date     TEXT,                        -- YYYYMMDD of the code
  code_seq      INTEGER,                     -- NNNNN of the code
  unlocked_at   INTEGER,
  unlocked_by   TEXT CHECK (unlocked_by IN ('PAYMENT', 'PROMISSORY', 'SWEEP')),
  expires       TEXT,
  hub_seq       INTEGER NOT NULL,
  PRIMARY KEY (enrollment_id, period)
) STRICT, WITHOUT ROWID;

CREATE INDEX permit_code_seq ON permit (code_date, code_seq);

CREATE TABLE promissory_note (
  id            INTEGER PRIMARY KEY,
  uuid          TEXT NOT NULL UNIQUE,
  enrollment_id INTEGER NOT NULL REFERENCES enrollment (id),
  period        TEXT NOT NULL,
  promised_date TEXT NOT NULL,
  reason        TEXT NOT NULL,
  actor         TEXT,
  hub_seq       INTEGER NOT NULL
) STRICT;

CREATE TABLE notification (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES user (id),
  type       TEXT NOT NULL CHECK (type IN ('PAYMENT', 'PERMIT', 'GRADE', 'INC_EXPIRY',
                                           'ENROLLMENT', 'SYSTEM', 'INC_WARNING',
                                           'PAYMENT_REMINDER')),
  title      TEXT NOT NULL,
  message    TEXT NOT NULL,
  related    TEXT,
  created_at INTEGER NOT NULL,
  hub_seq    INTEGER NOT NULL
) STRICT;
CREATE INDEX notification_user ON notification (user_id, id);

-- Not business data (ops.md §1.11): read flags of notifications.
CREATE TABLE notification_read (
  notification_id INTEGER PRIMARY KEY REFERENCES notification (id),
  read_at         INTEGER NOT NULL
) STRICT;

-- Series the hub issues (receipt HUB-, student numbers per year, permit codes
-- per date) are derived from the rows that hold them; this table keeps what
-- terminals told us: the highest receipt, device_seq and provisional numbers
-- seen per device, applied or rejected.
CREATE TABLE device_counter (
  device          TEXT PRIMARY KEY,
  max_receipt     INTEGER NOT NULL DEFAULT 0,
  max_device_seq  INTEGER NOT NULL DEFAULT 0,
  max_provisional INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Exactly-once: every op the ledger decided, applied or rejected.
CREATE TABLE applied_op (
  op_id       TEXT PRIMARY KEY,
  body_hash   TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
  result_json TEXT NOT NULL,     -- canonical result envelope as first answered
  hub_seq     INTEGER,           -- NULL for rejections
  creates_key TEXT,              -- a client-made key the op creates (provisional number)
  decided_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX applied_op_key ON applied_op (creates_key) WHERE creates_key IS NOT NULL;

-- The journal: every applied op in hub_seq order, append-only and
-- hash-chained: hash = sha256(prev_hash || canonical entry).
CREATE TABLE journal (
  hub_seq    INTEGER PRIMARY KEY,
  op_id      TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL,
  op_json    TEXT NOT NULL,      -- canonical op: op_id, kind, device, device_seq, actor, recorded_at, args
  applied_at INTEGER NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
) STRICT;

-- The audit log (D-A1), append-only and hash-chained like the journal.
CREATE TABLE audit (
  id           INTEGER PRIMARY KEY,
  hub_seq      INTEGER,          -- the op that wrote it; NULL for SYNC_REJECTED and credentials
  op_id        TEXT,
  action       TEXT NOT NULL,
  actor        TEXT,             -- NULL = SYSTEM
  target_model TEXT NOT NULL,
  target_id    TEXT NOT NULL,
  before_json  TEXT NOT NULL,
  after_json   TEXT NOT NULL,
  at           INTEGER NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
) STRICT;
CREATE INDEX audit_target ON audit (target_model, target_id);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE (ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE (ABORT, 'journal is append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE (ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE (ABORT, 'audit log is append-only'); END;
