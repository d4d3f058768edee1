/* ledger-check.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `tala-hub check` runs: the journal and audit hash chains, the money
 * invariants of every account, and the rebuild that replays the journal
 * into a scratch database and compares every derived table.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ledger-private.h"
#include "tala-ledger-replica.h"

/* Walks one chained table in order; reports the first entry whose prev_hash
 * or hash does not match what its predecessor and content give. */
static gboolean
verify_chain (TalaLedger *self,
              const char *sql,
              const char *what,
              gboolean    journal,
              GString    *report,
              GError    **error)
{
  g_autoptr(TalaStmt) stmt = tala_db_query (self, error, sql, NULL);
  g_autofree char *prev = g_strdup ("");
  gint64 count = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) entry = json_object_new ();
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *canonical = NULL;
      g_autofree char *chained = NULL;
      g_autofree char *hash = NULL;
      gint64 id = tala_stmt_int (stmt, 0);
      gboolean parsed;

      if (journal)
        {
          parsed = json_parser_load_from_data (parser, tala_stmt_text (stmt, 1), -1, NULL) &&
                   JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser));
          json_object_set_int_member (entry, "applied_at", tala_stmt_int (stmt, 2));
          json_object_set_int_member (entry, "hub_seq", id);
          if (parsed)
            json_object_set_member (entry, "op", json_node_copy (json_parser_get_root (parser)));
        }
      else
        {
          g_autoptr(JsonParser) p2 = json_parser_new ();

          parsed = json_parser_load_from_data (parser, tala_stmt_text (stmt, 7), -1, NULL) &&
                   json_parser_load_from_data (p2, tala_stmt_text (stmt, 8), -1, NULL) &&
                   JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) &&
                   JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p2));
          json_object_set_string_member (entry, "action", tala_stmt_text (stmt, 3));
          obj_set_str (entry, "actor", tala_stmt_text (stmt, 4));
          if (parsed)
            {
              json_object_set_member (entry, "before", json_node_copy (json_parser_get_root (parser)));
              json_object_set_member (entry, "after", json_node_copy (json_parser_get_root (p2)));
            }
          json_object_set_int_member (entry, "at", tala_stmt_int (stmt, 9));
          if (!tala_stmt_is_null (stmt, 1))
            json_object_set_int_member (entry, "hub_seq", tala_stmt_int (stmt, 1));
          obj_set_str (entry, "op_id", tala_stmt_text (stmt, 2));
          json_object_set_string_member (entry, "target_id", tala_stmt_text (stmt, 6));
          json_object_set_string_member (entry, "target_model", tala_stmt_text (stmt, 5));
        }
      canonical = tala_json_canonical_object (entry);
      chained = g_strconcat (prev, canonical, NULL);
      hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, chained, -1);
      if (!parsed || g_strcmp0 (tala_stmt_text (stmt, journal ? 3 : 10), prev) != 0 ||
          g_strcmp0 (tala_stmt_text (stmt, journal ? 4 : 11), hash) != 0)
        {
          g_string_append_printf (report, "%s: entry %" G_GINT64_FORMAT " is broken: its content"
                                  " or link does not match the chain\n", what, id);
          return FALSE;
        }
      g_free (prev);
      prev = g_strdup (tala_stmt_text (stmt, journal ? 4 : 11));
      count++;
    }
  if (rc < 0)
    return FALSE;
  g_string_append_printf (report, "%s: %" G_GINT64_FORMAT " entries, chain intact\n", what, count);
  return TRUE;
}

/**
 * tala_ledger_verify_chains:
 * @report: where a line per chain goes
 *
 * Returns %TRUE when both chains verify; %FALSE with @error unset when a
 * link is broken (the report names the first broken entry), or with @error
 * set on a database failure.
 */
gboolean
tala_ledger_verify_chains (TalaLedger *self,
                           GString    *report,
                           GError    **error)
{
  GError *local = NULL;
  gboolean ok;

  ok = verify_chain (self, "SELECT hub_seq, op_json, applied_at, prev_hash, hash FROM journal"
                     " ORDER BY hub_seq", "journal", TRUE, report, &local);
  if (local == NULL)
    ok = verify_chain (self, "SELECT id, hub_seq, op_id, action, actor, target_model, target_id,"
                       " before_json, after_json, at, prev_hash, hash FROM audit ORDER BY id",
                       "audit", FALSE, report, &local) && ok;
  if (local != NULL)
    g_propagate_error (error, local);
  return ok;
}

/* Each query returns rows that break an invariant: (what, detail). */
static const struct
{
  const char *name;
  const char *sql;
} money_checks[] = {
  { "account net = Σ its transactions",
    "SELECT e.id, e.net - coalesce((SELECT sum(amount) FROM txn t WHERE t.enrollment_id = e.id), 0)"
    " FROM enrollment e WHERE e.net <> coalesce((SELECT sum(amount) FROM txn t"
    " WHERE t.enrollment_id = e.id), 0)" },
  { "unassigned net = Σ its transactions",
    "SELECT a.student_id, a.net FROM student_account a WHERE a.net <> coalesce((SELECT sum(amount)"
    " FROM txn t WHERE t.student_id = a.student_id AND t.enrollment_id IS NULL), 0)" },
  { "Σ allocations + credit = net",
    "SELECT e.id, e.net FROM enrollment e WHERE e.net <> e.credit + coalesce((SELECT sum(a.amount)"
    " FROM allocation a JOIN txn t ON t.id = a.txn_id WHERE t.enrollment_id = e.id), 0)" },
  { "bucket paid_total = Σ its allocations",
    "SELECT b.enrollment_id, b.month FROM bucket b WHERE b.paid_total <> coalesce((SELECT"
    " sum(a.amount) FROM allocation a JOIN txn t ON t.id = a.txn_id"
    " WHERE t.enrollment_id = b.enrollment_id AND a.month = b.month), 0)" },
  { "no bucket paid beyond its due; is_paid matches",
    "SELECT enrollment_id, month FROM bucket WHERE paid_total > due OR paid_total < 0"
    " OR is_paid <> (paid_total >= due)" },
  { "buckets fill in month order",
    "SELECT b.enrollment_id, b.month FROM bucket b JOIN bucket p ON p.enrollment_id ="
    " b.enrollment_id AND p.month < b.month WHERE b.paid_total > 0 AND p.paid_total < p.due" },
  { "credit only once every month is paid",
    "SELECT e.id, e.credit FROM enrollment e WHERE e.credit > 0 AND EXISTS (SELECT 1 FROM bucket b"
    " WHERE b.enrollment_id = e.id AND b.paid_total < b.due)" },
  { "six buckets and four permits per enrollment",
    "SELECT e.id, 0 FROM enrollment e WHERE (SELECT count(*) FROM bucket b"
    " WHERE b.enrollment_id = e.id) <> 6 OR (SELECT count(*) FROM permit p"
    " WHERE p.enrollment_id = e.id) <> 4" },
  { "a permit whose month is paid is unlocked",
    "SELECT p.enrollment_id, p.period FROM permit p JOIN bucket b ON b.enrollment_id ="
    " p.enrollment_id AND b.month = p.month WHERE b.is_paid AND p.status = 'LOCKED'" },
  { "a void reverses its payment exactly",
    "SELECT v.id, v.amount FROM txn v JOIN txn p ON p.id = v.payment_id WHERE v.type = 'VOID'"
    " AND (v.amount <> -p.amount OR p.voided_by <> v.id)" },
  { "hub receipt numbers gap-free",
    "SELECT 'HUB', count(*) FROM txn WHERE receipt_series = 'HUB'"
    " HAVING count(*) > 0 AND max(receipt_seq) <> count(*)" },
};

/**
 * tala_ledger_check_money:
 *
 * Runs every money invariant; appends a line per broken one (with up to
 * five offending rows) to @report.  Returns %FALSE when one broke.
 */
gboolean
tala_ledger_check_money (TalaLedger *self,
                         GString    *report,
                         GError    **error)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (money_checks); i++)
    {
      g_autoptr(TalaStmt) stmt = tala_db_query (self, error, money_checks[i].sql, NULL);
      guint bad = 0;
      int rc;

      if (stmt == NULL)
        return FALSE;
      while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
        {
          if (bad++ < 5)
            g_string_append_printf (report, "money: %s: broken at %s (%s)\n", money_checks[i].name,
                                    tala_stmt_text (stmt, 0), tala_stmt_text (stmt, 1));
        }
      if (rc < 0)
        return FALSE;
      if (bad > 0)
        ok = FALSE;
    }
  if (ok)
    g_string_append_printf (report, "money: %u invariants hold\n",
                            (guint) G_N_ELEMENTS (money_checks));
  return ok;
}

/* The tables a replay must reproduce row for row, with the columns that
 * take part (all but those that depend on what is not an op). */
static const struct
{
  const char *table;
  const char *columns;
} derived[] = {
  { "config", "*" },
  { "user", "*" },
  { "program", "*" },
  { "subject", "*" },
  { "subject_prerequisite", "*" },
  { "semester", "*" },
  { "section", "*" },
  { "section_slot", "*" },
  { "student", "*" },
  { "enrollment", "*" },
  { "student_account", "*" },
  { "bucket", "*" },
  { "txn", "*" },
  { "allocation", "*" },
  { "permit", "*" },
  { "promissory_note", "*" },
  { "notification", "*" },
  { "take", "*" },
  { "grade_history", "*" },
  { "loa", "*" },
  { "archive_mark", "*" },
  /* History: a rebuild reproduces it, a replica keeps only its newest
   * entry (tala_ledger_snapshot()); tala_ledger_checksum() stops here. */
  { "journal", "*" },
  { "applied_op", "op_id, body_hash, status, result_json, hub_seq, creates_key FROM %s.applied_op"
                  " WHERE status = 'applied'" },
  { "audit", "hub_seq, op_id, action, actor, target_model, target_id, before_json, after_json, at"
             " FROM %s.audit WHERE hub_seq IS NOT NULL" },
};

/* The columns part holds a fixed "FROM %s." naming the schema; splice it
 * in without a non-literal format. */

static char *
select_sql (guint       i,
            const char *schema)
{
  if (strcmp (derived[i].columns, "*") == 0)
    return g_strdup_printf ("SELECT * FROM %s.%s", schema, derived[i].table);
  {
    g_auto(GStrv) parts = g_strsplit (derived[i].columns, "%s", 2);

    return g_strconcat ("SELECT ", parts[0], schema, parts[1], NULL);
  }
}

/**
 * tala_ledger_checksum:
 *
 * Hashes the rows of the business tables a rebuild compares (derived[],
 * up to the history: journal, decisions and audit log are not in it),
 * each table read in its primary-key order, so that two ledgers with the
 * same rows have the same checksum.  Blocks; reads the whole ledger.
 *
 * Returns: (transfer full): SHA-256 in hex, or %NULL with @error set
 */
char *
tala_ledger_checksum (TalaLedger  *self,
                      GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < G_N_ELEMENTS (derived) && strcmp (derived[i].table, "journal") != 0; i++)
    {
      g_autofree char *select = select_sql (i, "main");
      /* NOT INDEXED: a scan of the table itself, in rowid or key order. */
      g_autofree char *sql = NULL;
      sqlite3_stmt *stmt = NULL;
      int rc;

      if (strcmp (derived[i].columns, "*") == 0)
        sql = g_strdup_printf ("%s NOT INDEXED", select);
      else
        {
          g_auto(GStrv) parts = g_strsplit (select, " WHERE ", 2);

          sql = g_strconcat (parts[0], " NOT INDEXED WHERE ", parts[1], NULL);
        }
      if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          tala_db_set_error (self, sqlite3_errcode (self->db), error);
          return NULL;
        }
      g_checksum_update (sum, (const guchar *) derived[i].table, -1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            const guchar *text = sqlite3_column_text (stmt, c);
            char tag = (char) ('0' + sqlite3_column_type (stmt, c));

            g_checksum_update (sum, (const guchar *) &tag, 1);
            if (text != NULL)
              g_checksum_update (sum, text, sqlite3_column_bytes (stmt, c));
            g_checksum_update (sum, (const guchar *) "", 1);
          }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          tala_db_set_error (self, rc, error);
          return NULL;
        }
    }
  return g_strdup (g_checksum_get_string (sum));
}

static gboolean
replay_into (TalaLedger *self,
             TalaLedger *scratch,
             GString    *report,
             GError    **error)
{
  g_autoptr(TalaStmt) stmt = tala_db_query (self, error,
                                            "SELECT j.op_json, j.applied_at, a.result_json"
                                            " FROM journal j JOIN applied_op a USING (op_id)"
                                            " ORDER BY j.hub_seq", NULL);
  gboolean same = TRUE;
  int rc;

  if (stmt == NULL || !tala_ledger_begin (scratch, error))
    return FALSE;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonObject) result = NULL;
      g_autofree char *text = NULL;

      if (!json_parser_load_from_data (parser, tala_stmt_text (stmt, 0), -1, error))
        goto fail;
      result = _tala_ledger_apply_at (scratch, json_node_get_object (json_parser_get_root (parser)),
                                      TALA_CHANNEL_TRUSTED, tala_stmt_int (stmt, 1), TRUE, NULL,
                                      error);
      if (result == NULL)
        goto fail;
      text = tala_json_canonical_object (result);
      if (strcmp (text, tala_stmt_text (stmt, 2)) != 0 && same)
        {
          g_string_append_printf (report, "rebuild: the replayed result differs:\n  stored  %s\n"
                                  "  replay  %s\n", tala_stmt_text (stmt, 2), text);
          same = FALSE;
        }
    }
  if (rc < 0)
    goto fail;
  if (!tala_ledger_commit (scratch, error))
    return FALSE;
  return same;

fail:
  tala_ledger_rollback (scratch);
  return FALSE;
}

/**
 * tala_ledger_rebuild_compare:
 * @scratch_path: a file to create for the replay (removed first and after)
 *
 * Replays the journal into a fresh database at @scratch_path and compares
 * every derived table row for row, and each replayed result with the stored
 * one.  Returns %TRUE when identical; %FALSE with @error unset and lines in
 * @report naming each table that differs.  Blocks; reads the whole ledger.
 */
gboolean
tala_ledger_rebuild_compare (TalaLedger *self,
                             const char *scratch_path,
                             GString    *report,
                             GError    **error)
{
  g_autoptr(TalaLedger) scratch = NULL;
  g_autofree char *attach = NULL;
  GError *local = NULL;
  gboolean same = TRUE;

  g_unlink (scratch_path);
  scratch = tala_ledger_open (scratch_path, error);
  if (scratch == NULL)
    return FALSE;
  if (!replay_into (self, scratch, report, &local))
    {
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      same = FALSE;
    }
  g_clear_pointer (&scratch, tala_ledger_free);

  {
    /* ATTACH takes the file name as an expression; %Q quotes it safely. */
    char *quoted = sqlite3_mprintf ("ATTACH DATABASE %Q AS scratch", scratch_path);

    attach = g_strdup (quoted);
    sqlite3_free (quoted);
  }
  if (!tala_db_exec_plain (self, attach, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (derived); i++)
    {
      g_autofree char *a = select_sql (i, "main");
      g_autofree char *b = select_sql (i, "scratch");
      g_autofree char *sql = g_strdup_printf ("SELECT (SELECT count(*) FROM (%s EXCEPT %s))"
                                              " + (SELECT count(*) FROM (%s EXCEPT %s))",
                                              a, b, b, a);
      sqlite3_stmt *stmt = NULL;
      gint64 differ = -1;

      if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        differ = sqlite3_column_int64 (stmt, 0);
      else
        g_string_append_printf (report, "rebuild: comparing %s failed: %s\n", derived[i].table,
                                sqlite3_errmsg (self->db));
      sqlite3_finalize (stmt);
      if (differ != 0)
        {
          g_string_append_printf (report, "rebuild: table %s differs (%" G_GINT64_FORMAT
                                  " rows)\n", derived[i].table, differ);
          same = FALSE;
        }
    }
  tala_db_exec_plain (self, "DETACH DATABASE scratch", NULL);
  g_unlink (scratch_path);
  {
    g_autofree char *wal = g_strconcat (scratch_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (scratch_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  if (same)
    g_string_append_printf (report, "rebuild: %u tables identical after replaying the journal\n",
                            (guint) G_N_ELEMENTS (derived));
  return same;
}
