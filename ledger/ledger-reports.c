/* ledger-reports.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cashier's end-of-day collections report (ops.md §5, D-P6, D-S4): the
 * payments, voids and adjustments of one business date, their totals, and
 * the receipt numbers each terminal's gap-free series skipped.
 *
 * What the ledger stores of a rejected op is its applied_op row (op_id and
 * the error envelope) and, for ops that came by push or apply, the audit
 * entry SYNC_REJECTED {kind, code}; neither keeps the op's args or device.
 * So the receipt number a rejected payment.record consumed cannot be read
 * back: the report finds such numbers as the gaps of the terminal's series
 * (up to the highest number the terminal used, device_counter), lists them
 * as cancelled, and lists the day's rejected payment.record ops beside them
 * without a terminal.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"
#include "tala-ledger-reports.h"

/* The most cancelled numbers listed one by one; the gaps (ranges) are
 * always complete. */
#define MAX_CANCELLED 1000

#define DAY_US (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

typedef struct
{
  char   *terminal;
  gint64  first;
  gint64  last;
  gint64  count;
} Series;

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->terminal);
  g_free (s);
}

/* A terminal code as ops.md §1.1 spells a device (HUB included). */
static gboolean
valid_terminal (const char *code)
{
  gsize n = strlen (code);

  if (n < 2 || n > 10 || !g_ascii_isupper (code[0]))
    return FALSE;
  for (gsize i = 1; i < n; i++)
    if (!g_ascii_isupper (code[i]) && !g_ascii_isdigit (code[i]))
      return FALSE;
  return TRUE;
}

static char *
receipt_number (const char *terminal,
                gint64      seq)
{
  return g_strdup_printf ("%s-%06" G_GINT64_FORMAT, terminal, seq);
}

static char *
full_name (TalaStmt *stmt,
           int       first_col)
{
  return g_strdup_printf ("%s %s", tala_stmt_text (stmt, first_col),
                          tala_stmt_text (stmt, first_col + 1));
}

static void
set_time (JsonObject *obj,
          const char *name,
          gint64      us)
{
  g_autofree char *text = tala_timestamp_format (us);

  json_object_set_string_member (obj, name, text);
}

/* The day's payments in receipt order; fills @series (one per terminal)
 * and the totals. */
static gboolean
add_receipts (TalaLedger *self,
              const char *date,
              const char *terminal,
              JsonObject *out,
              GPtrArray  *series,
              gint64     *net,
              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  JsonArray *receipts = json_array_new ();
  gint64 count = 0, total = 0;
  Series *current = NULL;
  int rc;

  json_object_set_array_member (out, "receipts", receipts);
  stmt = tala_db_query (self, error,
                        "SELECT t.uuid, t.receipt_no, t.receipt_series, t.receipt_seq, st.number,"
                        " u.first_name, u.last_name, t.amount, t.method, t.reference_number,"
                        " se.code, t.device, t.actor, t.applied_at, t.recorded_at, v.uuid"
                        " FROM txn t JOIN student st ON st.id = t.student_id"
                        " JOIN user u ON u.id = st.user_id"
                        " LEFT JOIN enrollment e ON e.id = t.enrollment_id"
                        " LEFT JOIN semester se ON se.id = e.semester_id"
                        " LEFT JOIN txn v ON v.id = t.voided_by"
                        " WHERE t.type = 'PAYMENT' AND t.business_date = :d"
                        " AND (:t IS NULL OR t.device = :t)"
                        " ORDER BY t.receipt_series, t.receipt_seq, t.id",
                        ":d", DB_TEXT, date, ":t", DB_TEXT, terminal, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *r = json_object_new ();
      g_autofree char *name = full_name (stmt, 5);
      const char *series_name = tala_stmt_text (stmt, 2);

      json_object_set_string_member (r, "receipt_no", tala_stmt_text (stmt, 1));
      json_object_set_string_member (r, "payment_id", tala_stmt_text (stmt, 0));
      json_object_set_string_member (r, "student", tala_stmt_text (stmt, 4));
      json_object_set_string_member (r, "student_name", name);
      obj_set_money (r, "amount", tala_stmt_int (stmt, 7));
      obj_set_str (r, "method", tala_stmt_text (stmt, 8));
      obj_set_str (r, "reference_number", tala_stmt_text (stmt, 9));
      obj_set_str (r, "semester", tala_stmt_text (stmt, 10));
      json_object_set_string_member (r, "terminal", tala_stmt_text (stmt, 11));
      obj_set_str (r, "cashier", tala_stmt_text (stmt, 12));
      set_time (r, "time", tala_stmt_int (stmt, 13));
      set_time (r, "recorded_at", tala_stmt_int (stmt, 14));
      json_object_set_boolean_member (r, "voided", !tala_stmt_is_null (stmt, 15));
      obj_set_str (r, "void_id", tala_stmt_text (stmt, 15));
      json_array_add_object_element (receipts, r);
      count++;
      total += tala_stmt_int (stmt, 7);

      if (series_name == NULL || tala_stmt_is_null (stmt, 3))
        continue;
      if (current == NULL || strcmp (current->terminal, series_name) != 0)
        {
          current = g_new0 (Series, 1);
          current->terminal = g_strdup (series_name);
          current->first = tala_stmt_int (stmt, 3);
          g_ptr_array_add (series, current);
        }
      current->last = tala_stmt_int (stmt, 3);
      current->count++;
    }
  if (rc < 0)
    return FALSE;
  json_object_set_int_member (out, "payment_count", count);
  obj_set_money (out, "total_collected", total);
  *net += total;
  return TRUE;
}

/* Count and amount of the day's payments per method. */
static gboolean
add_method_totals (TalaLedger *self,
                   const char *date,
                   const char *terminal,
                   JsonObject *out,
                   GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  JsonArray *list = json_array_new ();
  int rc;

  json_object_set_array_member (out, "totals_by_method", list);
  stmt = tala_db_query (self, error,
                        "SELECT method, count(*), sum(amount) FROM txn"
                        " WHERE type = 'PAYMENT' AND business_date = :d"
                        " AND (:t IS NULL OR device = :t)"
                        " GROUP BY method ORDER BY method",
                        ":d", DB_TEXT, date, ":t", DB_TEXT, terminal, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *m = json_object_new ();

      json_object_set_string_member (m, "method", tala_stmt_text (stmt, 0));
      json_object_set_int_member (m, "count", tala_stmt_int (stmt, 1));
      obj_set_money (m, "amount", tala_stmt_int (stmt, 2));
      json_array_add_object_element (list, m);
    }
  return rc >= 0;
}

/* The day's voids and adjustments (made at @terminal when given), with the
 * payment each corrects. */
static gboolean
add_corrections (TalaLedger *self,
                 const char *date,
                 const char *terminal,
                 JsonObject *out,
                 gint64     *net,
                 GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  JsonArray *voids = json_array_new ();
  JsonArray *adjustments = json_array_new ();
  gint64 n_voids = 0, n_adjustments = 0, voided = 0, adjusted = 0;
  int rc;

  json_object_set_array_member (out, "voids", voids);
  json_object_set_array_member (out, "adjustments", adjustments);
  stmt = tala_db_query (self, error,
                        "SELECT t.uuid, t.type, p.uuid, p.receipt_no, p.method, p.business_date,"
                        " st.number, u.first_name, u.last_name, t.amount, t.reason, t.device,"
                        " t.actor, t.applied_at"
                        " FROM txn t JOIN txn p ON p.id = t.payment_id"
                        " JOIN student st ON st.id = t.student_id"
                        " JOIN user u ON u.id = st.user_id"
                        " WHERE t.type IN ('VOID', 'ADJUSTMENT') AND t.business_date = :d"
                        " AND (:t IS NULL OR t.device = :t)"
                        " ORDER BY t.id",
                        ":d", DB_TEXT, date, ":t", DB_TEXT, terminal, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *c = json_object_new ();
      g_autofree char *name = full_name (stmt, 7);
      gboolean is_void = strcmp (tala_stmt_text (stmt, 1), "VOID") == 0;
      gint64 amount = tala_stmt_int (stmt, 9);

      json_object_set_string_member (c, is_void ? "void_id" : "adjustment_id",
                                     tala_stmt_text (stmt, 0));
      json_object_set_string_member (c, "payment", tala_stmt_text (stmt, 2));
      obj_set_str (c, "receipt_no", tala_stmt_text (stmt, 3));
      obj_set_str (c, "method", tala_stmt_text (stmt, 4));
      json_object_set_string_member (c, "payment_date", tala_stmt_text (stmt, 5));
      json_object_set_string_member (c, "student", tala_stmt_text (stmt, 6));
      json_object_set_string_member (c, "student_name", name);
      obj_set_money (c, "amount", amount);
      obj_set_str (c, "reason", tala_stmt_text (stmt, 10));
      json_object_set_string_member (c, "terminal", tala_stmt_text (stmt, 11));
      obj_set_str (c, "by", tala_stmt_text (stmt, 12));
      set_time (c, "time", tala_stmt_int (stmt, 13));
      if (is_void)
        {
          json_array_add_object_element (voids, c);
          n_voids++;
          voided += amount;
        }
      else
        {
          json_array_add_object_element (adjustments, c);
          n_adjustments++;
          adjusted += amount;
        }
    }
  if (rc < 0)
    return FALSE;
  json_object_set_int_member (out, "void_count", n_voids);
  obj_set_money (out, "total_voided", voided);
  json_object_set_int_member (out, "adjustment_count", n_adjustments);
  obj_set_money (out, "total_adjusted", adjusted);
  *net += voided + adjusted;
  return TRUE;
}

/* One series' gaps that belong to @date: the numbers no payment holds
 * after the terminal's highest number of earlier dates and before the
 * day's last one; on the terminal's latest date, also those after it up to
 * the highest number the terminal used at all (rejected ops included).
 * The hub's own series has no such trailing numbers: it issues HUB-
 * numbers only to applied payments. */
static gboolean
add_series (TalaLedger *self,
            const char *date,
            Series     *s,
            JsonArray  *list,
            JsonArray  *cancelled,
            gint64     *n_cancelled,
            GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  JsonObject *entry = json_object_new ();
  JsonArray *gaps = json_array_new ();
  g_autofree char *first = receipt_number (s->terminal, s->first);
  g_autofree char *last = receipt_number (s->terminal, s->last);
  gint64 lo = 0, hi = s->last, later = 0, used = 0, expected, gap_total = 0;
  gboolean found;
  int rc;

  json_object_set_string_member (entry, "terminal", s->terminal);
  json_object_set_string_member (entry, "first", first);
  json_object_set_string_member (entry, "last", last);
  json_object_set_int_member (entry, "issued", s->count);
  json_object_set_array_member (entry, "gaps", gaps);
  json_array_add_object_element (list, entry);

  if (!tala_db_int (self, &lo, NULL, error,
                    "SELECT coalesce(max(receipt_seq), 0) FROM txn WHERE type = 'PAYMENT'"
                    " AND receipt_series = :s AND business_date < :d",
                    ":s", DB_TEXT, s->terminal, ":d", DB_TEXT, date, NULL) ||
      !tala_db_int (self, &later, &found, error,
                    "SELECT 1 FROM txn WHERE type = 'PAYMENT' AND receipt_series = :s"
                    " AND business_date > :d LIMIT 1",
                    ":s", DB_TEXT, s->terminal, ":d", DB_TEXT, date, NULL))
    return FALSE;
  if (!found && strcmp (s->terminal, "HUB") != 0)
    {
      gint64 max_receipt = 0;

      if (!tala_db_int (self, &max_receipt, NULL, error,
                        "SELECT coalesce(max(max_receipt), 0) FROM device_counter"
                        " WHERE device = :s", ":s", DB_TEXT, s->terminal, NULL))
        return FALSE;
      hi = MAX (hi, max_receipt);
    }

  stmt = tala_db_query (self, error,
                        "SELECT DISTINCT receipt_seq FROM txn WHERE type = 'PAYMENT'"
                        " AND receipt_series = :s AND receipt_seq > :lo AND receipt_seq <= :hi"
                        " ORDER BY receipt_seq",
                        ":s", DB_TEXT, s->terminal, ":lo", DB_INT, lo, ":hi", DB_INT, hi, NULL);
  if (stmt == NULL)
    return FALSE;
  expected = lo + 1;
  for (;;)
    {
      rc = tala_db_step (self, stmt, error);
      if (rc < 0)
        return FALSE;
      used = rc == SQLITE_ROW ? tala_stmt_int (stmt, 0) : hi + 1;
      if (used > expected)
        {
          JsonObject *gap = json_object_new ();
          g_autofree char *from = receipt_number (s->terminal, expected);
          g_autofree char *to = receipt_number (s->terminal, used - 1);

          json_object_set_string_member (gap, "from", from);
          json_object_set_string_member (gap, "to", to);
          json_object_set_int_member (gap, "count", used - expected);
          json_array_add_object_element (gaps, gap);
          gap_total += used - expected;
          for (gint64 n = expected; n < used && *n_cancelled < MAX_CANCELLED; n++, (*n_cancelled)++)
            {
              g_autofree char *number = receipt_number (s->terminal, n);

              json_array_add_string_element (cancelled, number);
            }
        }
      if (rc != SQLITE_ROW)
        break;
      expected = used + 1;
    }
  json_object_set_int_member (entry, "gap_count", gap_total);
  return TRUE;
}

/* The payment.record ops rejected on @date that came by push or apply
 * (their SYNC_REJECTED audit entries).  REST payments take a HUB- number
 * only when applied, so their rejections consume none. */
static gboolean
add_rejected (TalaLedger *self,
              const char *date,
              gint64      days,
              JsonObject *out,
              GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  JsonArray *list = json_array_new ();
  int rc;

  json_object_set_array_member (out, "rejected_payment_ops", list);
  /* Any utc_offset is within a day of UTC: look two days either way and
   * keep the entries whose business date is @date. */
  stmt = tala_db_query (self, error,
                        "SELECT a.op_id, a.actor, json_extract (a.after_json, '$.code'), a.at,"
                        " json_extract (o.result_json, '$.error.message')"
                        " FROM audit a LEFT JOIN applied_op o ON o.op_id = a.op_id"
                        " WHERE a.action = 'SYNC_REJECTED' AND a.at >= :from AND a.at < :to"
                        " AND json_extract (a.after_json, '$.kind') = 'payment.record'"
                        " ORDER BY a.id",
                        ":from", DB_INT, (days - 2) * DAY_US, ":to", DB_INT, (days + 3) * DAY_US,
                        NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      JsonObject *r;
      char day[11];

      if (!_tala_business_date (self, tala_stmt_int (stmt, 3), day, error))
        return FALSE;
      if (strcmp (day, date) != 0)
        continue;
      r = json_object_new ();
      obj_set_str (r, "op_id", tala_stmt_text (stmt, 0));
      obj_set_str (r, "actor", tala_stmt_text (stmt, 1));
      obj_set_str (r, "code", tala_stmt_text (stmt, 2));
      obj_set_str (r, "message", tala_stmt_text (stmt, 4));
      set_time (r, "time", tala_stmt_int (stmt, 3));
      json_array_add_object_element (list, r);
    }
  return rc >= 0;
}

static JsonObject *
collections_report (TalaLedger *self,
                    const char *date,
                    gint64      days,
                    const char *terminal,
                    GError    **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func (series_free);
  g_autofree char *offset = NULL;
  JsonArray *series_list = json_array_new ();
  JsonArray *cancelled = json_array_new ();
  gint64 n_cancelled = 0, net = 0;

  json_object_set_string_member (out, "date", date);
  obj_set_str (out, "terminal", terminal);
  offset = tala_config_str (self, "utc_offset", error);
  if (offset == NULL)
    return NULL;
  json_object_set_string_member (out, "utc_offset", offset);
  json_object_set_array_member (out, "series", series_list);
  json_object_set_array_member (out, "cancelled", cancelled);
  if (!add_receipts (self, date, terminal, out, series, &net, error) ||
      !add_method_totals (self, date, terminal, out, error) ||
      !add_corrections (self, date, terminal, out, &net, error))
    return NULL;
  for (guint i = 0; i < series->len; i++)
    if (!add_series (self, date, g_ptr_array_index (series, i), series_list, cancelled,
                     &n_cancelled, error))
      return NULL;
  json_object_set_boolean_member (out, "cancelled_truncated", n_cancelled >= MAX_CANCELLED);
  obj_set_money (out, "net_total", net);
  if (!add_rejected (self, date, days, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/**
 * tala_ledger_collections_report:
 * @date: (nullable): the business date YYYY-MM-DD; %NULL for the business
 *   date of @now_us
 * @terminal: (nullable): only the payments, voids and adjustments made at
 *   this terminal (their `device`; REST and CLI ones are HUB)
 * @now_us: the hub clock, µs
 *
 * The end-of-day collections report of @date: {date, terminal?,
 * utc_offset, receipts [{receipt_no, payment_id, student, student_name,
 * amount, method, reference_number?, semester?, terminal, cashier, time,
 * recorded_at, voided, void_id?}] in receipt order, payment_count,
 * total_collected (every payment of the day, voided ones too),
 * totals_by_method [{method, count, amount}], voids and adjustments
 * [{void_id or adjustment_id, payment, receipt_no, method, payment_date,
 * student, student_name, amount (signed), reason, terminal, by, time}],
 * void_count, total_voided, adjustment_count, total_adjusted, net_total
 * (collected + voided + adjusted), series [{terminal, first, last, issued,
 * gaps [{from, to, count}], gap_count}] of the terminals with receipts that
 * day, cancelled (the gaps' receipt numbers, at most 1000:
 * cancelled_truncated), rejected_payment_ops [{op_id, actor, code,
 * message, time}] (pushed or applied, of every terminal: the ledger does
 * not keep a rejected op's device)}.  Amounts are "2500.00" strings, times
 * the hub's, UTC.  %TALA_LEDGER_ERROR_INVALID for a bad @date or
 * @terminal.  Reads in one snapshot; blocks.
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
JsonObject *
tala_ledger_collections_report (TalaLedger *self,
                                const char *date,
                                const char *terminal,
                                gint64      now_us,
                                GError    **error)
{
  char today[11];
  gint64 days;
  gboolean own_snapshot;
  JsonObject *out;

  g_return_val_if_fail (self != NULL, NULL);

  if (date == NULL)
    {
      if (!_tala_business_date (self, now_us, today, error))
        return NULL;
      date = today;
    }
  if (!tala_date_parse (date, &days))
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "date must be a date YYYY-MM-DD");
      return NULL;
    }
  if (terminal != NULL && !valid_terminal (terminal))
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID,
                   "terminal must be a terminal code such as C01, or HUB");
      return NULL;
    }
  /* A deferred read transaction: every part of the report sees the same
   * ledger, whatever the writer commits meanwhile. */
  own_snapshot = self->depth == 0;
  if (own_snapshot && !tala_db_exec_plain (self, "BEGIN DEFERRED", error))
    return NULL;
  out = collections_report (self, date, days, terminal, error);
  if (own_snapshot)
    {
      g_autoptr(GError) end_error = NULL;

      if (!tala_db_exec_plain (self, out != NULL ? "COMMIT" : "ROLLBACK", &end_error) &&
          out != NULL)
        {
          g_clear_pointer (&out, json_object_unref);
          g_propagate_error (error, g_steal_pointer (&end_error));
        }
    }
  return out;
}
