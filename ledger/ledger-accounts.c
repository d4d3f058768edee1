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

#include "ledger-accounts-private.h"

const char * const _tala_periods[] = { "PRELIM", "MIDTERM", "PREFINAL", "FINAL", NULL };


gint64
_tala_account_paid (const Account *a,
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

gint64
_tala_account_balance (const Account *a,
            gint64         net)
{
  gint64 paid = 0;

  for (int m = 0; m < N_MONTHS; m++)
    paid += _tala_account_paid (a, m, net);
  return total_due (a) - paid;
}

gboolean
_tala_account_load (TalaLedger *self,
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
  gint64 paid = _tala_account_paid (a, m, net);

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
gboolean
_tala_account_move (TalaCtx     *ctx,
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
      gint64 moved = _tala_account_paid (a, m, new_net) - _tala_account_paid (a, m, old_net);

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
                         ":p", DB_INT, _tala_account_paid (a, m, new_net),
                         ":paid", DB_INT, (gint64) (_tala_account_paid (a, m, new_net) >= a->due[m]),
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

gint64
_tala_account_credit (const Account *a)
{
  return a->enrollment_id ? credit_at (a, a->net) : a->net;
}

/* Inserts a money transaction and returns its row id. */

gboolean
_tala_txn_insert (TalaCtx      *ctx,
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

gboolean
_tala_txn_set_credit_delta (TalaCtx *ctx,
                      gint64   txn_id,
                      gint64   delta,
                      GError **error)
{
  return tala_db_exec (ctx->ledger, error, "UPDATE txn SET credit_delta = :d WHERE id = :t",
                       ":d", DB_INT, delta, ":t", DB_INT, txn_id, NULL);
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

/* An enrollment's four permits, PRELIM to FINAL: {period, month, status,
 * code?, expires?}.  Shared by op results and account reads. */
JsonArray *
_tala_permits_json (TalaLedger *self,
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

      if (!_tala_account_load (ctx->ledger, g_array_index (sources, gint64, i), target->student_id,
                         &src, error))
        return FALSE;
      amount = _tala_account_credit (&src);
      if (amount == 0)
        continue;
      out.amount = -amount;
      in.amount = amount;
      if (!_tala_txn_insert (ctx, &src, &out, &txn_id, error) ||
          !_tala_account_move (ctx, &src, txn_id, -amount, &src_entries, &delta, error) ||
          !_tala_txn_set_credit_delta (ctx, txn_id, delta, error) ||
          !_tala_txn_insert (ctx, target, &in, &txn_id, error) ||
          !_tala_account_move (ctx, target, txn_id, amount, &dst_entries, &delta, error) ||
          !_tala_txn_set_credit_delta (ctx, txn_id, delta, error))
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
                       ":e", DB_INT, account.enrollment_id, ":p", DB_TEXT, _tala_periods[p],
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
                                _tala_permits_json (self, account.enrollment_id, error));
  obj_set_money (result, "credit_carried", carried);
  obj_set_money (result, "credit", _tala_account_credit (&account));
  obj_set_money (result, "balance", _tala_account_balance (&account, account.net));
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

