/* ledger-accounts.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Money accounts and exam permits (ops.md §1.10, §2.2–2.3; D-P1…D-P9,
 * D-X1…D-X3).  Each semester enrollment is an account with six buckets and a
 * credit; each student also has an unassigned, credit-only account.  Every
 * account's state is a function of its net (the sum of its transactions):
 *
 *   paid(m)  = min (due(m), max (0, net − Σ_{k<m} due(k)))
 *   credit   = max (0, net − Σ due)
 *
 * so a positive amount fills the lowest unpaid month first and then credit,
 * and a negative one comes off credit first and then off the highest months.
 * Buckets and credit are stored (cheap reads) and rewritten from net by
 * account_move(), the only function that changes them.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

#define N_MONTHS 6

static const char * const periods[] = { "PRELIM", "MIDTERM", "PREFINAL", "FINAL", NULL };

/* One account: an enrollment's (enrollment_id > 0) or the student's
 * unassigned one (enrollment_id == 0, no buckets). */
typedef struct
{
  gint64 enrollment_id;
  gint64 student_id;
  gint64 net;                 /* centavos, ≥ 0 */
  gint64 due[N_MONTHS];       /* centavos */
} Account;

static gint64
paid_at (const Account *a,
         int            m,
         gint64         net)
{
  gint64 before = 0;

  for (int k = 0; k < m; k++)
    before += a->due[k];
  return MIN (a->due[m], MAX (0, net - before));
}

static gint64
total_due (const Account *a)
{
  gint64 sum = 0;

  for (int m = 0; m < N_MONTHS; m++)
    sum += a->due[m];
  return sum;
}

static gint64
credit_at (const Account *a,
           gint64         net)
{
  return MAX (0, net - total_due (a));
}

static gint64
balance_at (const Account *a,
            gint64         net)
{
  gint64 paid = 0;

  for (int m = 0; m < N_MONTHS; m++)
    paid += paid_at (a, m, net);
  return total_due (a) - paid;
}

static gboolean
account_load (TalaLedger *self,
              gint64      enrollment_id,
              gint64      student_id,
              Account    *a,
              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  memset (a, 0, sizeof *a);
  a->enrollment_id = enrollment_id;
  a->student_id = student_id;
  if (enrollment_id == 0)
    return tala_db_int (self, &a->net, NULL, error,
                        "SELECT net FROM student_account WHERE student_id = :s",
                        ":s", DB_INT, student_id, NULL);
  if (!tala_db_int (self, &a->net, NULL, error, "SELECT net FROM enrollment WHERE id = :e",
                    ":e", DB_INT, enrollment_id, NULL))
    return FALSE;
  stmt = tala_db_query (self, error, "SELECT month, due FROM bucket WHERE enrollment_id = :e",
                        ":e", DB_INT, enrollment_id, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    a->due[tala_stmt_int (stmt, 0) - 1] = tala_stmt_int (stmt, 1);
  return rc == SQLITE_DONE;
}

static JsonObject *
month_entry (const Account *a,
             int            m,
             gint64         net,
             const char    *moved_name,
             gint64         moved)
{
  JsonObject *entry = json_object_new ();
  gint64 paid = paid_at (a, m, net);

  json_object_set_int_member (entry, "month", m + 1);
  obj_set_money (entry, moved_name, moved);
  obj_set_money (entry, "paid_total", paid);
  obj_set_money (entry, "due", a->due[m]);
  json_object_set_boolean_member (entry, "is_paid", paid >= a->due[m]);
  return entry;
}

/* Moves @amount (signed, may be 0) on @a for transaction @txn_id: writes the
 * allocation rows, the buckets that changed, net and credit.  Returns the
 * month entries (ascending for a positive amount, highest first for a
 * negative one) and the credit change.  The caller has checked that net
 * stays ≥ 0. */
static gboolean
account_move (TalaCtx     *ctx,
              Account     *a,
              gint64       txn_id,
              gint64       amount,
              JsonArray  **entries,
              gint64      *credit_delta,
              GError     **error)
{
  TalaLedger *self = ctx->ledger;
  gint64 old_net = a->net, new_net = a->net + amount;

  g_assert (new_net >= 0);
  *entries = json_array_new ();
  *credit_delta = credit_at (a, new_net) - credit_at (a, old_net);
  for (int i = 0; a->enrollment_id && i < N_MONTHS; i++)
    {
      int m = amount >= 0 ? i : N_MONTHS - 1 - i;
      gint64 moved = paid_at (a, m, new_net) - paid_at (a, m, old_net);

      if (moved == 0)
        continue;
      json_array_add_object_element (*entries,
                                     month_entry (a, m, new_net, amount >= 0 ? "applied" : "removed",
                                                  ABS (moved)));
      if (!tala_db_exec (self, error,
                         "INSERT INTO allocation (txn_id, month, amount) VALUES (:t, :m, :a)",
                         ":t", DB_INT, txn_id, ":m", DB_INT, (gint64) m + 1, ":a", DB_INT, moved,
                         NULL) ||
          !tala_db_exec (self, error,
                         "UPDATE bucket SET paid_total = :p, is_paid = :paid, hub_seq = :seq"
                         " WHERE enrollment_id = :e AND month = :m",
                         ":p", DB_INT, paid_at (a, m, new_net),
                         ":paid", DB_INT, (gint64) (paid_at (a, m, new_net) >= a->due[m]),
                         ":seq", DB_INT, ctx->hub_seq, ":e", DB_INT, a->enrollment_id,
                         ":m", DB_INT, (gint64) m + 1, NULL))
        return FALSE;
    }
  a->net = new_net;
  if (a->enrollment_id)
    return tala_db_exec (self, error,
                         "UPDATE enrollment SET net = :n, credit = :c, hub_seq = :seq"
                         " WHERE id = :e",
                         ":n", DB_INT, new_net, ":c", DB_INT, credit_at (a, new_net),
                         ":seq", DB_INT, ctx->hub_seq, ":e", DB_INT, a->enrollment_id, NULL);
  return tala_db_exec (self, error,
                       "INSERT INTO student_account (student_id, net, hub_seq)"
                       " VALUES (:s, :n, :seq) ON CONFLICT (student_id) DO UPDATE"
                       " SET net = excluded.net, hub_seq = excluded.hub_seq",
                       ":s", DB_INT, a->student_id, ":n", DB_INT, new_net,
                       ":seq", DB_INT, ctx->hub_seq, NULL);
}

static gint64
account_credit (const Account *a)
{
  return a->enrollment_id ? credit_at (a, a->net) : a->net;
}

/* Inserts a money transaction and returns its row id. */
typedef struct
{
  const char *type;
  gint64      amount;
  const char *method;
  const char *reference;
  const char *receipt_no;
  const char *receipt_series;
  gint64      receipt_seq;
  const char *notes;
  gint64      payment_id;
  const char *reason;
} TxnRow;

static gboolean
txn_insert (TalaCtx      *ctx,
            const Account *a,
            const TxnRow *row,
            gint64       *txn_id,
            GError      **error)
{
  if (!tala_db_exec (ctx->ledger, error,
                     "INSERT INTO txn (uuid, type, student_id, enrollment_id, amount, credit_delta,"
                     " method, reference_number, receipt_no, receipt_series, receipt_seq, notes,"
                     " payment_id, reason, actor, device, recorded_at, applied_at, business_date,"
                     " hub_seq)"
                     " VALUES (:uuid, :type, :student, :enrollment, :amount, 0, :method, :ref,"
                     " :receipt, :series, :seq_no, :notes, :payment, :reason, :actor, :device,"
                     " :recorded, :applied, :date, :seq)",
                     ":uuid", DB_TEXT, ctx->op_id,
                     ":type", DB_TEXT, row->type,
                     ":student", DB_INT, a->student_id,
                     ":enrollment", a->enrollment_id ? DB_INT : DB_NULL, a->enrollment_id,
                     ":amount", DB_INT, row->amount,
                     ":method", DB_TEXT, row->method,
                     ":ref", DB_TEXT, row->reference,
                     ":receipt", DB_TEXT, row->receipt_no,
                     ":series", DB_TEXT, row->receipt_series,
                     ":seq_no", row->receipt_series ? DB_INT : DB_NULL, row->receipt_seq,
                     ":notes", DB_TEXT, row->notes,
                     ":payment", row->payment_id ? DB_INT : DB_NULL, row->payment_id,
                     ":reason", DB_TEXT, row->reason,
                     ":actor", DB_TEXT, ctx->actor,
                     ":device", DB_TEXT, ctx->device,
                     ":recorded", DB_INT, ctx->recorded_at,
                     ":applied", DB_INT, ctx->applied_at,
                     ":date", DB_TEXT, ctx->today,
                     ":seq", DB_INT, ctx->hub_seq,
                     NULL))
    return FALSE;
  *txn_id = sqlite3_last_insert_rowid (ctx->ledger->db);
  return TRUE;
}

static gboolean
txn_set_credit_delta (TalaCtx *ctx,
                      gint64   txn_id,
                      gint64   delta,
                      GError **error)
{
  return tala_db_exec (ctx->ledger, error, "UPDATE txn SET credit_delta = :d WHERE id = :t",
                       ":d", DB_INT, delta, ":t", DB_INT, txn_id, NULL);
}

/* ---- Permits ------------------------------------------------------------- */

static gboolean
next_permit_code (TalaCtx *ctx,
                  char   **code,
                  char    *date,
                  gint64  *seq,
                  GError **error)
{
  for (int i = 0, j = 0; ctx->today[i]; i++)
    if (ctx->today[i] != '-')
      date[j++] = ctx->today[i], date[j] = '\0';
  if (!tala_db_int (ctx->ledger, seq, NULL, error,
                    "SELECT coalesce(max(code_seq), 0) + 1 FROM permit WHERE code_date = :d",
                    ":d", DB_TEXT, date, NULL))
    return FALSE;
  *code = g_strdup_printf ("EXP-%s-%05" G_GINT64_FORMAT, date, *seq);
  return TRUE;
}

/* Unlocks one LOCKED permit: a code for today, expiry = semester end. */
static gboolean
permit_unlock (TalaCtx     *ctx,
               gint64       enrollment_id,
               const char  *period,
               const char  *via,
               JsonArray   *unlocked,
               GError     **error)
{
  g_autofree char *code = NULL;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *semester = NULL;
  g_autofree char *number = NULL;
  JsonObject *entry, *after;
  char date[9];
  gint64 seq, student_id, user_id;
  int rc;

  if (!next_permit_code (ctx, &code, date, &seq, error))
    return FALSE;
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT s.end_date, s.code, e.student_id, st.user_id FROM enrollment e"
                        " JOIN semester s ON s.id = e.semester_id"
                        " JOIN student st ON st.id = e.student_id WHERE e.id = :e",
                        ":e", DB_INT, enrollment_id, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) != SQLITE_ROW)
    return FALSE;
  expires = g_strdup (tala_stmt_text (stmt, 0));
  semester = g_strdup (tala_stmt_text (stmt, 1));
  student_id = tala_stmt_int (stmt, 2);
  user_id = tala_stmt_int (stmt, 3);
  g_clear_pointer (&stmt, tala_stmt_release);

  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE permit SET status = 'UNLOCKED', code = :code, code_date = :d,"
                     " code_seq = :n, unlocked_at = :at, unlocked_by = :via, expires = :exp,"
                     " hub_seq = :seq WHERE enrollment_id = :e AND period = :p",
                     ":code", DB_TEXT, code, ":d", DB_TEXT, date, ":n", DB_INT, seq,
                     ":at", DB_INT, ctx->applied_at, ":via", DB_TEXT, via,
                     ":exp", DB_TEXT, expires, ":seq", DB_INT, ctx->hub_seq,
                     ":e", DB_INT, enrollment_id, ":p", DB_TEXT, period, NULL))
    return FALSE;

  if (unlocked != NULL)
    {
      entry = json_object_new ();
      json_object_set_string_member (entry, "period", period);
      json_object_set_string_member (entry, "code", code);
      json_object_set_string_member (entry, "expires", expires);
      json_array_add_object_element (unlocked, entry);
    }

  number = tala_student_number (ctx->ledger, student_id, error);
  if (number == NULL)
    return FALSE;
  after = json_object_new ();
  json_object_set_string_member (after, "status", "UNLOCKED");
  json_object_set_string_member (after, "period", period);
  json_object_set_string_member (after, "code", code);
  json_object_set_string_member (after, "expires", expires);
  json_object_set_string_member (after, "student", number);
  json_object_set_string_member (after, "semester", semester);
  json_object_set_string_member (after, "via", via);
  {
    g_autofree char *target = g_strdup_printf ("%s/%s/%s", number, semester, period);
    g_autofree char *message = g_strdup_printf ("Your %s exam permit for %s is available: %s",
                                                period, semester, code);
    JsonObject *before = json_object_new ();

    json_object_set_string_member (before, "status", "LOCKED");
    if (!tala_audit (ctx, "PERMIT_UNLOCKED", "ExamPermit", target, before, after, error))
      return FALSE;
    return tala_notify (ctx, user_id, "PERMIT", "Exam permit available", message, code, error);
  }
}

/* Did a move fill some month?  Only then can a payment unlock a permit
 * (mapping changes unlock their own, and the sweep catches the rest). */
static gboolean
entries_filled_a_month (JsonArray *entries)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (entries, i), "is_paid"))
      return TRUE;
  return FALSE;
}

/* Unlocks every LOCKED permit of @enrollment_id whose mapped month is paid,
 * PRELIM to FINAL (D-X2). */
gboolean
_tala_permits_unlock_paid (TalaCtx    *ctx,
                           gint64      enrollment_id,
                           const char *via,
                           JsonArray  *unlocked,
                           GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT p.period FROM permit p"
                        " JOIN bucket b ON b.enrollment_id = p.enrollment_id AND b.month = p.month"
                        " WHERE p.enrollment_id = :e AND p.status = 'LOCKED' AND b.is_paid"
                        " ORDER BY CASE p.period WHEN 'PRELIM' THEN 1 WHEN 'MIDTERM' THEN 2"
                        " WHEN 'PREFINAL' THEN 3 ELSE 4 END",
                        ":e", DB_INT, enrollment_id, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (due, g_strdup (tala_stmt_text (stmt, 0)));
  if (rc < 0)
    return FALSE;
  g_clear_pointer (&stmt, tala_stmt_release);
  for (guint i = 0; i < due->len; i++)
    if (!permit_unlock (ctx, enrollment_id, g_ptr_array_index (due, i), via, unlocked, error))
      return FALSE;
  return TRUE;
}

/* ---- Reading an account for results -------------------------------------- */

static JsonArray *
buckets_json (TalaLedger *self,
              gint64      enrollment_id,
              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT month, due, due_date, paid_total, is_paid FROM bucket"
                        " WHERE enrollment_id = :e ORDER BY month", ":e", DB_INT, enrollment_id,
                        NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *b = json_object_new ();

      json_object_set_int_member (b, "month", tala_stmt_int (stmt, 0));
      obj_set_money (b, "due", tala_stmt_int (stmt, 1));
      json_object_set_string_member (b, "due_date", tala_stmt_text (stmt, 2));
      obj_set_money (b, "paid_total", tala_stmt_int (stmt, 3));
      json_object_set_boolean_member (b, "is_paid", tala_stmt_int (stmt, 4));
      json_array_add_object_element (out, b);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

static JsonArray *
permits_json (TalaLedger *self,
              gint64      enrollment_id,
              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) out = json_array_new ();
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT period, month, status, code, expires, unlocked_by FROM permit"
                        " WHERE enrollment_id = :e ORDER BY CASE period WHEN 'PRELIM' THEN 1"
                        " WHEN 'MIDTERM' THEN 2 WHEN 'PREFINAL' THEN 3 ELSE 4 END",
                        ":e", DB_INT, enrollment_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *p = json_object_new ();

      json_object_set_string_member (p, "period", tala_stmt_text (stmt, 0));
      json_object_set_int_member (p, "month", tala_stmt_int (stmt, 1));
      json_object_set_string_member (p, "status", tala_stmt_text (stmt, 2));
      obj_set_str (p, "code", tala_stmt_text (stmt, 3));
      obj_set_str (p, "expires", tala_stmt_text (stmt, 4));
      json_array_add_object_element (out, p);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* ---- enrollment.create --------------------------------------------------- */

const TalaArgSpec _tala_args_enrollment_create[] = {
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, TRUE },
  { "monthly_commitment", ARG_MONEY, TRUE, TALA_MONEY_NON_NEGATIVE },
  { "carry_credit", ARG_BOOL, FALSE },
  { NULL }
};

/* Moves the credit of the unassigned account and of earlier enrollments
 * (oldest semester first) into @target as CARRY transactions. */
static gboolean
carry_credit_into (TalaCtx  *ctx,
                   Account  *target,
                   gint64    start_date_days,
                   gint64   *carried,
                   GError  **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(GArray) sources = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  *carried = 0;
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT e.id, s.start_date FROM enrollment e"
                        " JOIN semester s ON s.id = e.semester_id"
                        " WHERE e.student_id = :st AND e.id <> :e AND e.credit > 0"
                        " ORDER BY s.start_date, e.id",
                        ":st", DB_INT, target->student_id, ":e", DB_INT, target->enrollment_id,
                        NULL);
  if (stmt == NULL)
    return FALSE;
  {
    gint64 zero = 0;

    g_array_append_val (sources, zero);   /* the unassigned account first */
  }
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = tala_stmt_int (stmt, 0), days;

      if (tala_date_parse (tala_stmt_text (stmt, 1), &days) && days < start_date_days)
        g_array_append_val (sources, id);
    }
  if (rc < 0)
    return FALSE;
  g_clear_pointer (&stmt, tala_stmt_release);

  for (guint i = 0; i < sources->len; i++)
    {
      Account src;
      g_autoptr(JsonArray) src_entries = NULL;
      g_autoptr(JsonArray) dst_entries = NULL;
      gint64 amount, txn_id, delta;
      TxnRow out = { .type = "CARRY" }, in = { .type = "CARRY" };

      if (!account_load (ctx->ledger, g_array_index (sources, gint64, i), target->student_id,
                         &src, error))
        return FALSE;
      amount = account_credit (&src);
      if (amount == 0)
        continue;
      out.amount = -amount;
      in.amount = amount;
      if (!txn_insert (ctx, &src, &out, &txn_id, error) ||
          !account_move (ctx, &src, txn_id, -amount, &src_entries, &delta, error) ||
          !txn_set_credit_delta (ctx, txn_id, delta, error) ||
          !txn_insert (ctx, target, &in, &txn_id, error) ||
          !account_move (ctx, target, txn_id, amount, &dst_entries, &delta, error) ||
          !txn_set_credit_delta (ctx, txn_id, delta, error))
        return FALSE;
      *carried += amount;
    }
  return TRUE;
}

gboolean
_tala_enrollment_create (TalaCtx    *ctx,
                         gint64      student_id,
                         const char *semester,
                         gint64      commitment,
                         gboolean    carry,
                         JsonObject *result,
                         GError    **error)
{
  TalaLedger *self = ctx->ledger;
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *number = NULL;
  g_autofree char *status = NULL;
  g_autoptr(JsonArray) unlocked = json_array_new ();
  gint64 semester_id, start_days, months[4], exists, carried = 0;
  Account account = { .student_id = student_id };
  int rc;

  if (!tala_semester_find (self, semester, &semester_id, error))
    return FALSE;
  if (semester_id == 0)
    return tala_reject (ctx, error, "unknown_semester", NULL,
                        "no semester %s", semester);
  stmt = tala_db_query (self, error, "SELECT status FROM student WHERE id = :s",
                        ":s", DB_INT, student_id, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  status = g_strdup (tala_stmt_text (stmt, 0));
  g_clear_pointer (&stmt, tala_stmt_release);
  number = tala_student_number (self, student_id, error);
  if (number == NULL)
    return FALSE;
  if (strcmp (status, "ACTIVE") != 0)
    return tala_reject (ctx, error, "student_not_active", NULL, "student %s is %s", number,
                        status);
  if (!tala_db_int (self, &exists, NULL, error,
                    "SELECT count(*) FROM enrollment WHERE student_id = :s AND semester_id = :m",
                    ":s", DB_INT, student_id, ":m", DB_INT, semester_id, NULL))
    return FALSE;
  if (exists)
    return tala_reject (ctx, error, "enrollment_exists", NULL,
                        "student %s is already enrolled in %s", number, semester);

  stmt = tala_db_query (self, error,
                        "SELECT start_date, month_prelim, month_midterm, month_prefinal,"
                        " month_final FROM semester WHERE id = :m",
                        ":m", DB_INT, semester_id, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) != SQLITE_ROW)
    return FALSE;
  tala_date_parse (tala_stmt_text (stmt, 0), &start_days);
  for (int i = 0; i < 4; i++)
    months[i] = tala_stmt_int (stmt, i + 1);
  g_clear_pointer (&stmt, tala_stmt_release);

  if (!tala_db_exec (self, error,
                     "INSERT INTO enrollment (student_id, semester_id, monthly_commitment, op_id,"
                     " created_at, hub_seq) VALUES (:s, :m, :c, :op, :at, :seq)",
                     ":s", DB_INT, student_id, ":m", DB_INT, semester_id, ":c", DB_INT, commitment,
                     ":op", DB_TEXT, ctx->op_id, ":at", DB_INT, ctx->applied_at,
                     ":seq", DB_INT, ctx->hub_seq, NULL))
    return FALSE;
  account.enrollment_id = sqlite3_last_insert_rowid (self->db);
  for (int m = 0; m < N_MONTHS; m++)
    {
      char due_date[11];

      account.due[m] = commitment;
      tala_date_format (start_days + 30 * m, due_date);
      if (!tala_db_exec (self, error,
                         "INSERT INTO bucket (enrollment_id, month, due, due_date, paid_total,"
                         " is_paid, hub_seq) VALUES (:e, :m, :d, :dd, 0, :paid, :seq)",
                         ":e", DB_INT, account.enrollment_id, ":m", DB_INT, (gint64) m + 1,
                         ":d", DB_INT, commitment, ":dd", DB_TEXT, due_date,
                         ":paid", DB_INT, (gint64) (commitment == 0),
                         ":seq", DB_INT, ctx->hub_seq, NULL))
        return FALSE;
    }
  for (int p = 0; p < 4; p++)
    if (!tala_db_exec (self, error,
                       "INSERT INTO permit (enrollment_id, period, month, status, hub_seq)"
                       " VALUES (:e, :p, :m, 'LOCKED', :seq)",
                       ":e", DB_INT, account.enrollment_id, ":p", DB_TEXT, periods[p],
                       ":m", DB_INT, months[p], ":seq", DB_INT, ctx->hub_seq, NULL))
      return FALSE;

  if (carry && !carry_credit_into (ctx, &account, start_days, &carried, error))
    return FALSE;
  if (!_tala_permits_unlock_paid (ctx, account.enrollment_id, "PAYMENT", unlocked, error))
    return FALSE;

  json_object_set_string_member (result, "student", number);
  json_object_set_string_member (result, "semester", semester);
  obj_set_money (result, "monthly_commitment", commitment);
  json_object_set_array_member (result, "buckets",
                                buckets_json (self, account.enrollment_id, error));
  json_object_set_array_member (result, "permits",
                                permits_json (self, account.enrollment_id, error));
  obj_set_money (result, "credit_carried", carried);
  obj_set_money (result, "credit", account_credit (&account));
  obj_set_money (result, "balance", balance_at (&account, account.net));
  json_object_set_array_member (result, "permits_unlocked", json_array_ref (unlocked));

  {
    JsonObject *after = json_object_new ();
    g_autofree char *target = g_strdup_printf ("%s/%s", number, semester);

    json_object_set_string_member (after, "student", number);
    json_object_set_string_member (after, "semester", semester);
    obj_set_money (after, "monthly_commitment", commitment);
    obj_set_money (after, "credit_carried", carried);
    return tala_audit (ctx, "ENROLLMENT_CREATED", "Enrollment", target, NULL, after, error);
  }
}

gboolean
_tala_kind_enrollment_create (TalaCtx *ctx,
                              GError **error)
{
  gint64 student_id;

  if (!tala_student_resolve (ctx, arg_str (ctx, "student"), &student_id, error))
    return FALSE;
  return _tala_enrollment_create (ctx, student_id, arg_str (ctx, "semester"),
                                  arg_money (ctx, "monthly_commitment"),
                                  arg_bool (ctx, "carry_credit", TRUE), ctx->result, error);
}

/* ---- payment.record ------------------------------------------------------ */

static const char * const methods[] = {
  "CASH", "CHECK", "CREDIT_CARD", "BANK_TRANSFER", "ONLINE", "GCASH", "MAYA", NULL
};

const TalaArgSpec _tala_args_payment_record[] = {
  { "amount", ARG_MONEY, TRUE, TALA_MONEY_POSITIVE },
  { "method", ARG_ENUM, TRUE, .choices = methods, .bad_code = "invalid_method" },
  { "reference_number", ARG_TEXT, FALSE, .max = 100 },
  { "receipt_no", ARG_TEXT, FALSE, .max = 30, .bad_code = "invalid_receipt_no" },
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, FALSE },
  { "notes", ARG_NOTE, FALSE, .max = 500 },
  { NULL }
};

/* Checks a terminal's receipt number `<device>-NNNNNN` and returns NNNNNN. */
static gboolean
check_receipt_no (TalaCtx    *ctx,
                  const char *receipt_no,
                  gint64     *seq,
                  GError    **error)
{
  gboolean hub = strcmp (ctx->device, "HUB") == 0;
  gsize len = strlen (ctx->device);
  const char *digits;

  if (hub && receipt_no != NULL)
    return tala_reject (ctx, error, "invalid_receipt_no", details_field ("receipt_no"),
                        "the hub numbers its own receipts; receipt_no must be absent");
  if (hub)
    return TRUE;
  if (receipt_no == NULL)
    return tala_reject (ctx, error, "invalid_receipt_no", details_field ("receipt_no"),
                        "a terminal's payment needs its receipt_no");
  digits = receipt_no + len + 1;
  if (strncmp (receipt_no, ctx->device, len) != 0 || receipt_no[len] != '-' ||
      strlen (digits) < 6 || strspn (digits, "0123456789") != strlen (digits) ||
      strlen (digits) > 12 || (*seq = g_ascii_strtoll (digits, NULL, 10)) < 1)
    return tala_reject (ctx, error, "invalid_receipt_no", details_field ("receipt_no"),
                        "receipt_no must be %s-NNNNNN", ctx->device);
  return TRUE;
}

/* The account a payment lands on (D-P4): the enrollment in @semester or the
 * active semester, else the unassigned account. */
static gboolean
payment_account (TalaCtx    *ctx,
                 gint64      student_id,
                 const char *semester,
                 Account    *a,
                 GError    **error)
{
  gint64 semester_id = 0, enrollment_id = 0;
  gboolean found = FALSE;

  if (semester != NULL ? !tala_semester_find (ctx->ledger, semester, &semester_id, error)
                       : !tala_active_semester (ctx->ledger, &semester_id, error))
    return FALSE;
  if (semester_id != 0 &&
      !tala_db_int (ctx->ledger, &enrollment_id, &found, error,
                    "SELECT id FROM enrollment WHERE student_id = :s AND semester_id = :m",
                    ":s", DB_INT, student_id, ":m", DB_INT, semester_id, NULL))
    return FALSE;
  return account_load (ctx->ledger, found ? enrollment_id : 0, student_id, a, error);
}

static char *
account_semester (TalaLedger *self,
                  gint64      enrollment_id,
                  GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;

  stmt = tala_db_query (self, error,
                        "SELECT s.code FROM enrollment e JOIN semester s ON s.id = e.semester_id"
                        " WHERE e.id = :e", ":e", DB_INT, enrollment_id, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return NULL;
  return g_strdup (tala_stmt_text (stmt, 0));
}

static JsonObject *
bucket_state (const Account *a)
{
  JsonObject *state = json_object_new ();
  JsonArray *months = json_array_new ();

  for (int m = 0; a->enrollment_id && m < N_MONTHS; m++)
    {
      JsonObject *b = json_object_new ();

      json_object_set_int_member (b, "month", m + 1);
      obj_set_money (b, "paid_total", paid_at (a, m, a->net));
      json_object_set_boolean_member (b, "is_paid", paid_at (a, m, a->net) >= a->due[m]);
      json_array_add_object_element (months, b);
    }
  json_object_set_array_member (state, "buckets", months);
  obj_set_money (state, "credit", account_credit (a));
  return state;
}

/* Common tail of every money op's result: semester?, credit, balance?. */
static gboolean
money_result (TalaCtx       *ctx,
              const Account *a,
              GError       **error)
{
  if (a->enrollment_id)
    {
      g_autofree char *semester = account_semester (ctx->ledger, a->enrollment_id, error);

      if (semester == NULL)
        return FALSE;
      json_object_set_string_member (ctx->result, "semester", semester);
      obj_set_money (ctx->result, "balance", balance_at (a, a->net));
    }
  obj_set_money (ctx->result, "credit", account_credit (a));
  return TRUE;
}

gboolean
_tala_kind_payment_record (TalaCtx *ctx,
                           GError **error)
{
  TalaLedger *self = ctx->ledger;
  const char *method = arg_str (ctx, "method");
  const char *reference = arg_str (ctx, "reference_number");
  const char *receipt_no = arg_str (ctx, "receipt_no");
  gint64 amount = arg_money (ctx, "amount");
  g_autofree char *hub_receipt = NULL;
  g_autofree char *number = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) unlocked = json_array_new ();
  JsonObject *before, *after;
  TxnRow row = { .type = "PAYMENT", .amount = amount, .method = method,
                 .reference = reference, .notes = arg_str (ctx, "notes") };
  Account a;
  gint64 student_id, receipt_seq = 0, other, txn_id, credit_delta, user_id;
  gboolean found;

  if (strcmp (method, "CASH") != 0 && reference == NULL)
    return tala_reject (ctx, error, "reference_required", details_field ("reference_number"),
                        "method %s needs a reference_number", method);
  if (!check_receipt_no (ctx, receipt_no, &receipt_seq, error))
    return FALSE;
  if (!tala_student_resolve (ctx, arg_str (ctx, "student"), &student_id, error))
    return FALSE;
  if (receipt_no != NULL)
    {
      if (!tala_db_int (self, &other, &found, error,
                        "SELECT id FROM txn WHERE receipt_no = :r", ":r", DB_TEXT, receipt_no,
                        NULL))
        return FALSE;
      if (found)
        return tala_reject (ctx, error, "duplicate_receipt_no", NULL,
                            "receipt %s is already used", receipt_no);
    }
  if (reference != NULL)
    {
      g_autoptr(TalaStmt) stmt = tala_db_query (self, error,
                                                "SELECT uuid FROM txn WHERE type = 'PAYMENT'"
                                                " AND reference_number = :r",
                                                ":r", DB_TEXT, reference, NULL);
      int rc;

      if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
        return FALSE;
      if (rc == SQLITE_ROW)
        return tala_reject (ctx, error, "duplicate_reference", NULL,
                            "reference_number %s is already used by payment %s", reference,
                            tala_stmt_text (stmt, 0));
    }

  if (!payment_account (ctx, student_id, arg_str (ctx, "semester"), &a, error))
    return FALSE;
  if (receipt_no == NULL)
    {
      if (!tala_db_int (self, &receipt_seq, NULL, error,
                        "SELECT coalesce(max(receipt_seq), 0) + 1 FROM txn"
                        " WHERE receipt_series = 'HUB'", NULL))
        return FALSE;
      hub_receipt = g_strdup_printf ("HUB-%06" G_GINT64_FORMAT, receipt_seq);
      receipt_no = hub_receipt;
    }
  row.receipt_no = receipt_no;
  row.receipt_series = ctx->device;
  row.receipt_seq = receipt_seq;

  before = bucket_state (&a);
  if (!txn_insert (ctx, &a, &row, &txn_id, error) ||
      !account_move (ctx, &a, txn_id, amount, &entries, &credit_delta, error) ||
      !txn_set_credit_delta (ctx, txn_id, credit_delta, error))
    {
      json_object_unref (before);
      return FALSE;
    }
  if (a.enrollment_id && entries_filled_a_month (entries) &&
      !_tala_permits_unlock_paid (ctx, a.enrollment_id, "PAYMENT", unlocked, error))
    {
      json_object_unref (before);
      return FALSE;
    }

  number = tala_student_number (self, student_id, error);
  if (number == NULL)
    {
      json_object_unref (before);
      return FALSE;
    }
  json_object_set_string_member (ctx->result, "payment_id", ctx->op_id);
  json_object_set_string_member (ctx->result, "receipt_no", receipt_no);
  json_object_set_string_member (ctx->result, "student", number);
  json_object_set_boolean_member (ctx->result, "unassigned", a.enrollment_id == 0);
  obj_set_money (ctx->result, "amount", amount);
  json_object_set_string_member (ctx->result, "method", method);
  obj_set_str (ctx->result, "reference_number", reference);
  json_object_set_array_member (ctx->result, "allocation", json_array_ref (entries));
  obj_set_money (ctx->result, "credit_added", credit_delta);
  json_object_set_array_member (ctx->result, "permits_unlocked", json_array_ref (unlocked));
  if (!money_result (ctx, &a, error))
    {
      json_object_unref (before);
      return FALSE;
    }

  after = json_object_new ();
  obj_set_money (after, "amount", amount);
  json_object_set_string_member (after, "method", method);
  obj_set_str (after, "reference_number", reference);
  json_object_set_string_member (after, "receipt_no", receipt_no);
  json_object_set_string_member (after, "student", number);
  json_object_set_array_member (after, "allocation", json_array_ref (entries));
  obj_set_money (after, "credit", account_credit (&a));
  json_object_set_boolean_member (after, "unassigned", a.enrollment_id == 0);
  if (!tala_audit (ctx, "PAYMENT_RECORDED", "Payment", ctx->op_id, before, after, error))
    return FALSE;

  if (!tala_db_int (self, &user_id, NULL, error, "SELECT user_id FROM student WHERE id = :s",
                    ":s", DB_INT, student_id, NULL))
    return FALSE;
  {
    g_autofree char *text = tala_money_format (amount);
    g_autofree char *message = g_strdup_printf ("We received your payment of PHP %s (receipt %s).",
                                                text, receipt_no);

    return tala_notify (ctx, user_id, "PAYMENT", "Payment received", message, ctx->op_id, error);
  }
}

/* ---- payment.void and payment.adjust ------------------------------------- */

const TalaArgSpec _tala_args_payment_void[] = {
  { "payment", ARG_UUID, TRUE },
  { "reason", ARG_REASON, TRUE },
  { NULL }
};

const TalaArgSpec _tala_args_payment_adjust[] = {
  { "amount", ARG_MONEY, TRUE, TALA_MONEY_SIGNED },
  { "payment", ARG_UUID, TRUE },
  { "reason", ARG_REASON, TRUE },
  { NULL }
};

typedef struct
{
  gint64 id;
  gint64 student_id;
  gint64 enrollment_id;
  gint64 amount;
  char  *type;
  char  *actor;
  char  *business_date;
  char  *voided_by;       /* uuid of the void, or NULL */
} PaymentRow;

static void
payment_row_clear (PaymentRow *p)
{
  g_free (p->type);
  g_free (p->actor);
  g_free (p->business_date);
  g_free (p->voided_by);
}

/* Finds the payment a correction names, with the checks both corrections
 * share, in the contract's order: unknown_payment (or deferral), forbidden,
 * not_a_payment, already_voided. */
static gboolean
correction_target (TalaCtx    *ctx,
                   PaymentRow *p,
                   GError    **error)
{
  const char *uuid = arg_str (ctx, "payment");
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT t.id, t.student_id, t.enrollment_id, t.amount, t.type, t.actor,"
                        " t.business_date, v.uuid FROM txn t LEFT JOIN txn v ON v.id = t.voided_by"
                        " WHERE t.uuid = :u AND t.type <> 'CARRY'",
                        ":u", DB_TEXT, uuid, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      gint64 decided;
      gboolean seen;

      g_clear_pointer (&stmt, tala_stmt_release);
      if (!tala_db_int (ctx->ledger, &decided, &seen, error,
                        "SELECT 1 FROM applied_op WHERE op_id = :u", ":u", DB_TEXT, uuid, NULL))
        return FALSE;
      if (seen || ctx->channel == TALA_CHANNEL_REST || ctx->channel == TALA_CHANNEL_JOBS)
        return tala_reject (ctx, error, "unknown_payment", NULL,
                            "no payment %s", uuid);
      return tala_defer (ctx, error, uuid, "payment %s has not reached the hub yet", uuid);
    }
  p->id = tala_stmt_int (stmt, 0);
  p->student_id = tala_stmt_int (stmt, 1);
  p->enrollment_id = tala_stmt_is_null (stmt, 2) ? 0 : tala_stmt_int (stmt, 2);
  p->amount = tala_stmt_int (stmt, 3);
  p->type = g_strdup (tala_stmt_text (stmt, 4));
  p->actor = g_strdup (tala_stmt_text (stmt, 5));
  p->business_date = g_strdup (tala_stmt_text (stmt, 6));
  p->voided_by = g_strdup (tala_stmt_text (stmt, 7));

  /* D-P8: a cashier corrects only their own payments of the same day. */
  if ((ctx->role & ROLE_ADMIN) == 0 && (ctx->role & ROLE_SYSTEM) == 0 &&
      (g_strcmp0 (p->actor, ctx->actor) != 0 || strcmp (p->business_date, ctx->today) != 0))
    return tala_reject (ctx, error, "forbidden", NULL,
                        "a cashier may correct only their own payments of the same day;"
                        " ask an administrator");
  if (strcmp (p->type, "PAYMENT") != 0)
    return tala_reject (ctx, error, "not_a_payment", NULL,
                        "%s is a %s, not a payment", uuid, p->type);
  if (p->voided_by != NULL)
    return tala_reject (ctx, error, "already_voided", NULL,
                        "payment %s is already voided by %s", uuid, p->voided_by);
  return TRUE;
}

/* Applies a correction of @amount to the payment's account; fills the
 * result's allocation/removal, credit_added/credit_removed and the tail. */
static gboolean
apply_correction (TalaCtx    *ctx,
                  PaymentRow *p,
                  const char *type,
                  gint64      amount,
                  Account    *a,
                  GError    **error)
{
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) unlocked = json_array_new ();
  g_autofree char *number = NULL;
  TxnRow row = { .type = type, .amount = amount, .payment_id = p->id,
                 .reason = arg_str (ctx, "reason") };
  gint64 txn_id, delta;

  if (!account_load (ctx->ledger, p->enrollment_id, p->student_id, a, error))
    return FALSE;
  if (a->net + amount < 0)
    {
      g_autofree char *net = tala_money_format (a->net);

      return tala_reject (ctx, error, "amount_exceeds_paid", NULL,
                          "the account holds only %s; its credit may have been carried on", net);
    }
  if (!txn_insert (ctx, a, &row, &txn_id, error) ||
      !account_move (ctx, a, txn_id, amount, &entries, &delta, error) ||
      !txn_set_credit_delta (ctx, txn_id, delta, error))
    return FALSE;
  if (amount > 0 && a->enrollment_id && entries_filled_a_month (entries) &&
      !_tala_permits_unlock_paid (ctx, a->enrollment_id, "PAYMENT", unlocked, error))
    return FALSE;
  number = tala_student_number (ctx->ledger, p->student_id, error);
  if (number == NULL)
    return FALSE;
  json_object_set_string_member (ctx->result, "payment", arg_str (ctx, "payment"));
  json_object_set_string_member (ctx->result, "student", number);
  obj_set_money (ctx->result, "amount", amount);
  json_object_set_array_member (ctx->result, amount > 0 ? "allocation" : "removal",
                                json_array_ref (entries));
  obj_set_money (ctx->result, amount > 0 ? "credit_added" : "credit_removed", ABS (delta));
  if (strcmp (type, "ADJUSTMENT") == 0)
    json_object_set_array_member (ctx->result, "permits_unlocked", json_array_ref (unlocked));
  return money_result (ctx, a, error);
}

static JsonObject *
correction_audit (TalaCtx *ctx,
                  gint64   amount)
{
  JsonObject *after = json_object_new ();

  json_object_set_string_member (after, "payment", arg_str (ctx, "payment"));
  obj_set_money (after, "amount", amount);
  json_object_set_string_member (after, "reason", arg_str (ctx, "reason"));
  return after;
}

gboolean
_tala_kind_payment_void (TalaCtx *ctx,
                         GError **error)
{
  PaymentRow p = { 0 };
  Account a;
  gboolean ok = FALSE;

  if (!correction_target (ctx, &p, error) ||
      !apply_correction (ctx, &p, "VOID", -p.amount, &a, error))
    goto out;
  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE txn SET voided_by = (SELECT id FROM txn WHERE uuid = :u"
                     " AND type = 'VOID'), hub_seq = :seq WHERE id = :p",
                     ":u", DB_TEXT, ctx->op_id, ":seq", DB_INT, ctx->hub_seq,
                     ":p", DB_INT, p.id, NULL))
    goto out;
  json_object_set_string_member (ctx->result, "void_id", ctx->op_id);
  ok = tala_audit (ctx, "PAYMENT_VOIDED", "Payment", arg_str (ctx, "payment"), NULL,
                   correction_audit (ctx, -p.amount), error);
out:
  payment_row_clear (&p);
  return ok;
}

gboolean
_tala_kind_payment_adjust (TalaCtx *ctx,
                           GError **error)
{
  PaymentRow p = { 0 };
  gint64 amount = arg_money (ctx, "amount");
  Account a;
  gboolean ok = FALSE;

  if (!correction_target (ctx, &p, error) ||
      !apply_correction (ctx, &p, "ADJUSTMENT", amount, &a, error))
    goto out;
  json_object_set_string_member (ctx->result, "adjustment_id", ctx->op_id);
  ok = tala_audit (ctx, "PAYMENT_ADJUSTED", "Payment", arg_str (ctx, "payment"), NULL,
                   correction_audit (ctx, amount), error);
out:
  payment_row_clear (&p);
  return ok;
}

/* ---- permit.promissory --------------------------------------------------- */

const TalaArgSpec _tala_args_permit_promissory[] = {
  { "student", ARG_NUM, TRUE },
  { "semester", ARG_SEM, TRUE },
  { "period", ARG_ENUM, TRUE, .choices = periods },
  { "promised_date", ARG_DATE, TRUE },
  { "reason", ARG_REASON, TRUE },
  { NULL }
};

gboolean
_tala_kind_permit_promissory (TalaCtx *ctx,
                              GError **error)
{
  TalaLedger *self = ctx->ledger;
  const char *semester = arg_str (ctx, "semester");
  const char *period = arg_str (ctx, "period");
  const char *promised = arg_str (ctx, "promised_date");
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) unlocked = json_array_new ();
  g_autofree char *number = NULL;
  g_autofree char *end_date = NULL;
  gint64 student_id, semester_id, enrollment_id, promised_days, today_days;
  gboolean found;
  JsonObject *entry, *after;
  int rc;

  tala_date_parse (promised, &promised_days);
  tala_date_parse (ctx->today, &today_days);
  if (promised_days < today_days)
    return tala_reject (ctx, error, "invalid_args", details_field ("promised_date"),
                        "promised_date %s is before today (%s)", promised, ctx->today);
  if (!tala_student_resolve (ctx, arg_str (ctx, "student"), &student_id, error) ||
      !tala_semester_find (self, semester, &semester_id, error))
    return FALSE;
  if (semester_id == 0)
    return tala_reject (ctx, error, "unknown_semester", NULL,
                        "no semester %s", semester);
  number = tala_student_number (self, student_id, error);
  if (number == NULL ||
      !tala_db_int (self, &enrollment_id, &found, error,
                    "SELECT id FROM enrollment WHERE student_id = :s AND semester_id = :m",
                    ":s", DB_INT, student_id, ":m", DB_INT, semester_id, NULL))
    return FALSE;
  if (!found)
    return tala_reject (ctx, error, "no_enrollment", NULL, "student %s is not enrolled in %s",
                        number, semester);
  stmt = tala_db_query (self, error,
                        "SELECT s.end_date, p.status FROM permit p"
                        " JOIN enrollment e ON e.id = p.enrollment_id"
                        " JOIN semester s ON s.id = e.semester_id"
                        " WHERE p.enrollment_id = :e AND p.period = :p",
                        ":e", DB_INT, enrollment_id, ":p", DB_TEXT, period, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) != SQLITE_ROW)
    return FALSE;
  end_date = g_strdup (tala_stmt_text (stmt, 0));
  if (strcmp (end_date, ctx->today) < 0)
    return tala_reject (ctx, error, "semester_ended", NULL, "%s ended on %s", semester,
                        end_date);
  if (strcmp (tala_stmt_text (stmt, 1), "LOCKED") != 0)
    return tala_reject (ctx, error, "permit_already_unlocked", NULL,
                        "the %s permit of %s in %s is already %s", period, number, semester,
                        tala_stmt_text (stmt, 1));
  g_clear_pointer (&stmt, tala_stmt_release);

  if (!permit_unlock (ctx, enrollment_id, period, "PROMISSORY", unlocked, error) ||
      !tala_db_exec (self, error,
                     "INSERT INTO promissory_note (uuid, enrollment_id, period, promised_date,"
                     " reason, actor, hub_seq) VALUES (:u, :e, :p, :d, :r, :a, :seq)",
                     ":u", DB_TEXT, ctx->op_id, ":e", DB_INT, enrollment_id,
                     ":p", DB_TEXT, period, ":d", DB_TEXT, promised,
                     ":r", DB_TEXT, arg_str (ctx, "reason"), ":a", DB_TEXT, ctx->actor,
                     ":seq", DB_INT, ctx->hub_seq, NULL))
    return FALSE;

  entry = json_array_get_object_element (unlocked, 0);
  json_object_set_string_member (ctx->result, "note_id", ctx->op_id);
  json_object_set_string_member (ctx->result, "student", number);
  json_object_set_string_member (ctx->result, "semester", semester);
  json_object_set_string_member (ctx->result, "period", period);
  json_object_set_string_member (ctx->result, "code", json_object_get_string_member (entry, "code"));
  json_object_set_string_member (ctx->result, "expires", end_date);
  json_object_set_string_member (ctx->result, "promised_date", promised);

  after = json_object_new ();
  json_object_set_string_member (after, "period", period);
  json_object_set_string_member (after, "code", json_object_get_string_member (entry, "code"));
  json_object_set_string_member (after, "promised_date", promised);
  json_object_set_string_member (after, "reason", arg_str (ctx, "reason"));
  return tala_audit (ctx, "PROMISSORY_GRANTED", "ExamPermit", ctx->op_id, NULL, after, error);
}
