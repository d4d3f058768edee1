/* ledger-payments.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Payments and their corrections (ops.md §2.3; D-P2…D-P9): payment.record
 * on the right account, payment.void and payment.adjust as new linked
 * transactions.  All money moves through _tala_account_move().
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-accounts-private.h"

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
  return _tala_account_load (ctx->ledger, found ? enrollment_id : 0, student_id, a, error);
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
      obj_set_money (b, "paid_total", _tala_account_paid (a, m, a->net));
      json_object_set_boolean_member (b, "is_paid", _tala_account_paid (a, m, a->net) >= a->due[m]);
      json_array_add_object_element (months, b);
    }
  json_object_set_array_member (state, "buckets", months);
  obj_set_money (state, "credit", _tala_account_credit (a));
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
      obj_set_money (ctx->result, "balance", _tala_account_balance (a, a->net));
    }
  obj_set_money (ctx->result, "credit", _tala_account_credit (a));
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
  if (!_tala_txn_insert (ctx, &a, &row, &txn_id, error) ||
      !_tala_account_move (ctx, &a, txn_id, amount, &entries, &credit_delta, error) ||
      !_tala_txn_set_credit_delta (ctx, txn_id, credit_delta, error))
    {
      json_object_unref (before);
      return FALSE;
    }
  if (a.enrollment_id && _tala_entries_filled_a_month (entries) &&
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
  obj_set_money (after, "credit", _tala_account_credit (&a));
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

  if (!_tala_account_load (ctx->ledger, p->enrollment_id, p->student_id, a, error))
    return FALSE;
  if (a->net + amount < 0)
    {
      g_autofree char *net = tala_money_format (a->net);

      return tala_reject (ctx, error, "amount_exceeds_paid", NULL,
                          "the account holds only %s; its credit may have been carried on", net);
    }
  if (!_tala_txn_insert (ctx, a, &row, &txn_id, error) ||
      !_tala_account_move (ctx, a, txn_id, amount, &entries, &delta, error) ||
      !_tala_txn_set_credit_delta (ctx, txn_id, delta, error))
    return FALSE;
  if (amount > 0 && a->enrollment_id && _tala_entries_filled_a_month (entries) &&
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

