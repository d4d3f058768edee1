/* test-property.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A seeded, reproducible property test of the money engine: thousands of
 * random payments, voids and adjustments over hundreds of students, from
 * several terminals and the hub.  A small model kept beside the ledger (the
 * net of every account, from ops.md §1.10) predicts every bucket; after the
 * run the ledger must agree with it, every money invariant must hold,
 * receipt series must be unique and gap-free per terminal, and replaying the
 * journal must rebuild an identical database.
 *
 * TALA_PROPERTY_SEED and TALA_PROPERTY_OPS override the seed and the count.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "test-util.h"

#define N_STUDENTS 240
#define N_TERMINALS 4

typedef struct
{
  char   number[16];
  gint64 due;             /* monthly commitment, centavos; -1 = no enrollment */
  gint64 net;             /* model: net of the enrollment (or unassigned) account */
} ModelStudent;

typedef struct
{
  char   id[40];
  int    student;
  gint64 amount;
  char   actor[16];
  gboolean voided;
} ModelPayment;

typedef struct
{
  GRand        *rand;
  ModelStudent  students[N_STUDENTS];
  GArray       *payments;       /* ModelPayment */
  guint         receipt[N_TERMINALS + 1];
  guint         device_seq[N_TERMINALS + 1];
  guint         applied, rejected;
} Model;

static const char *terminals[N_TERMINALS + 1] = { "HUB", "C01", "C02", "C03", "C04" };

static char *
new_op_id (LedgerFixture *fx)
{
  return test_op_id (fx);
}

static JsonObject *
apply_text (LedgerFixture *fx,
            const char    *json)
{
  return test_apply_json (fx, json);
}

static void
setup_students (LedgerFixture *fx,
                Model         *m)
{
  g_assert_true (tala_ledger_begin (fx->ledger, NULL));
  for (int i = 0; i < N_STUDENTS; i++)
    {
      ModelStudent *s = &m->students[i];
      g_autofree char *args = NULL;
      g_autoptr(JsonObject) r = NULL;

      /* One in eight has no enrollment: their money stays unassigned. */
      s->due = g_rand_int_range (m->rand, 0, 8) == 0 ? -1
             : g_rand_int_range (m->rand, 0, 4) == 0 ? 0
             : g_rand_int_range (m->rand, 1, 1500) * 1000;
      if (s->due < 0)
        args = g_strdup_printf ("{\"first_name\":\"Student%d\",\"last_name\":\"Prop\","
                                "\"program\":\"BSCS\"}", i);
      else
        args = g_strdup_printf ("{\"first_name\":\"Student%d\",\"last_name\":\"Prop\","
                                "\"program\":\"BSCS\",\"enrollment\":{\"semester\":\"2025-FIRST\","
                                "\"monthly_commitment\":\"%" G_GINT64_FORMAT ".%02d\"}}", i,
                                s->due / 100, (int) (s->due % 100));
      r = test_apply_ok (fx, "student.register", "registrar1", args);
      g_strlcpy (s->number, json_object_get_string_member (r, "student"), sizeof s->number);
    }
  g_assert_true (tala_ledger_commit (fx->ledger, NULL));
}

static const char *
status_of (JsonObject *r)
{
  return json_object_get_string_member (r, "status");
}

static void
op_payment (LedgerFixture *fx,
            Model         *m)
{
  int si = g_rand_int_range (m->rand, 0, N_STUDENTS);
  int t = g_rand_int_range (m->rand, 0, N_TERMINALS + 1);
  gint64 amount = g_rand_int_range (m->rand, 1, 2000000);
  g_autofree char *op_id = new_op_id (fx);
  g_autofree char *receipt = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) r = NULL;
  ModelPayment p = { .student = si, .amount = amount };

  if (t > 0)
    receipt = g_strdup_printf (",\"receipt_no\":\"%s-%06u\"", terminals[t], ++m->receipt[t]);
  else
    m->receipt[0]++;
  json = g_strdup_printf ("{\"op_id\":\"%s\",\"kind\":\"payment.record\",\"actor\":\"cashier1\","
                          "\"device\":\"%s\",\"device_seq\":%u,\"args\":{\"student\":\"%s\","
                          "\"amount\":\"%" G_GINT64_FORMAT ".%02d\",\"method\":\"CASH\"%s}}",
                          op_id, terminals[t], ++m->device_seq[t], m->students[si].number,
                          amount / 100, (int) (amount % 100), receipt ? receipt : "");
  r = apply_text (fx, json);
  g_assert_cmpstr (status_of (r), ==, "applied");
  m->students[si].net += amount;
  g_strlcpy (p.id, op_id, sizeof p.id);
  g_strlcpy (p.actor, "cashier1", sizeof p.actor);
  g_array_append_val (m->payments, p);
  m->applied++;
}

/* A void or an adjustment of a random earlier payment, by the admin. */
static void
op_correction (LedgerFixture *fx,
               Model         *m,
               gboolean       is_void)
{
  ModelPayment *p;
  ModelStudent *s;
  gint64 amount;
  g_autofree char *op_id = new_op_id (fx);
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) r = NULL;
  gboolean expect_ok;

  if (m->payments->len == 0)
    return;
  p = &g_array_index (m->payments, ModelPayment, g_rand_int_range (m->rand, 0, m->payments->len));
  s = &m->students[p->student];
  amount = is_void ? -p->amount
         : (g_rand_boolean (m->rand) ? 1 : -1) * (gint64) g_rand_int_range (m->rand, 1, 500000);
  if (is_void)
    json = g_strdup_printf ("{\"op_id\":\"%s\",\"kind\":\"payment.void\",\"actor\":\"admin\","
                            "\"args\":{\"payment\":\"%s\",\"reason\":\"property test\"}}",
                            op_id, p->id);
  else
    json = g_strdup_printf ("{\"op_id\":\"%s\",\"kind\":\"payment.adjust\",\"actor\":\"admin\","
                            "\"args\":{\"payment\":\"%s\",\"amount\":\"%s%" G_GINT64_FORMAT
                            ".%02d\",\"reason\":\"property test\"}}", op_id, p->id,
                            amount < 0 ? "-" : "", ABS (amount) / 100, (int) (ABS (amount) % 100));
  r = apply_text (fx, json);
  expect_ok = !p->voided && s->net + amount >= 0;
  if (expect_ok)
    {
      g_assert_cmpstr (status_of (r), ==, "applied");
      s->net += amount;
      p->voided |= is_void;
      m->applied++;
    }
  else
    {
      const char *code = json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                        "code");

      g_assert_cmpstr (status_of (r), ==, "rejected");
      g_assert_cmpstr (code, ==, p->voided ? "already_voided" : "amount_exceeds_paid");
      m->rejected++;
    }
}

/* The model's bucket state for month m (0-based) of a net, per §1.10. */
static gint64
model_paid (gint64 due,
            int    month,
            gint64 net)
{
  return MIN (due, MAX (0, net - due * month));
}

static void
compare_with_model (LedgerFixture *fx,
                    Model         *m)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (int i = 0; i < N_STUDENTS; i++)
    {
      ModelStudent *s = &m->students[i];
      sqlite3_stmt *stmt = NULL;

      if (s->due < 0)
        {
          sqlite3_prepare_v2 (db, "SELECT coalesce(max(a.net), 0) FROM student st"
                                  " LEFT JOIN student_account a ON a.student_id = st.id"
                                  " WHERE st.number = ?", -1, &stmt, NULL);
          sqlite3_bind_text (stmt, 1, s->number, -1, SQLITE_STATIC);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, s->net);
          sqlite3_finalize (stmt);
          continue;
        }
      sqlite3_prepare_v2 (db, "SELECT b.month, b.paid_total, b.is_paid, e.credit, e.net"
                              " FROM bucket b JOIN enrollment e ON e.id = b.enrollment_id"
                              " JOIN student st ON st.id = e.student_id WHERE st.number = ?"
                              " ORDER BY b.month", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, s->number, -1, SQLITE_STATIC);
      for (int month = 0; month < 6; month++)
        {
          gint64 paid = model_paid (s->due, month, s->net);

          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, paid);
          g_assert_cmpint (sqlite3_column_int64 (stmt, 2), ==, paid >= s->due);
          g_assert_cmpint (sqlite3_column_int64 (stmt, 3), ==, MAX (0, s->net - 6 * s->due));
          g_assert_cmpint (sqlite3_column_int64 (stmt, 4), ==, s->net);
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
}

static void
check_receipts (LedgerFixture *fx,
                Model         *m)
{
  for (int t = 0; t <= N_TERMINALS; t++)
    {
      g_autofree char *count = g_strdup_printf ("SELECT count(DISTINCT receipt_no) FROM txn"
                                                " WHERE receipt_series = '%s'", terminals[t]);
      g_autofree char *max = g_strdup_printf ("SELECT coalesce(max(receipt_seq), 0) FROM txn"
                                              " WHERE receipt_series = '%s'", terminals[t]);
      g_autofree char *min = g_strdup_printf ("SELECT coalesce(min(receipt_seq), 1) FROM txn"
                                              " WHERE receipt_series = '%s'", terminals[t]);

      g_assert_cmpint (test_scalar (fx, count), ==, m->receipt[t]);
      g_assert_cmpint (test_scalar (fx, max), ==, m->receipt[t]);
      g_assert_cmpint (test_scalar (fx, min), ==, 1);
    }
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) - count(DISTINCT receipt_no) FROM txn"
                                    " WHERE receipt_no IS NOT NULL"), ==, 0);
}

static void
test_property (LedgerFixture *fx,
               gconstpointer  data)
{
  const char *seed_env = g_getenv ("TALA_PROPERTY_SEED");
  const char *ops_env = g_getenv ("TALA_PROPERTY_OPS");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20261125;
  guint n_ops = ops_env ? (guint) g_ascii_strtoull (ops_env, NULL, 10) : 12000;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch = g_strconcat (fx->path, ".rebuild", NULL);
  Model m = { 0 };

  g_test_message ("seed %u, %u ops (TALA_PROPERTY_SEED, TALA_PROPERTY_OPS)", seed, n_ops);
  m.rand = g_rand_new_with_seed (seed);
  m.payments = g_array_new (FALSE, FALSE, sizeof (ModelPayment));
  test_load_f0 (fx);
  setup_students (fx, &m);

  g_assert_true (tala_ledger_begin (fx->ledger, NULL));
  for (guint i = 0; i < n_ops; i++)
    {
      int dice = g_rand_int_range (m.rand, 0, 100);

      if (dice < 70)
        op_payment (fx, &m);
      else
        op_correction (fx, &m, dice < 82);
      if (i % 500 == 499)
        {
          g_assert_true (tala_ledger_commit (fx->ledger, NULL));
          g_assert_true (tala_ledger_begin (fx->ledger, NULL));
        }
    }
  g_assert_true (tala_ledger_commit (fx->ledger, NULL));
  g_test_message ("%u applied, %u rejected", m.applied, m.rejected);
  g_assert_cmpuint (m.applied + m.rejected, >=, n_ops * 9 / 10);

  compare_with_model (fx, &m);
  check_receipts (fx, &m);
  if (!tala_ledger_check_money (fx->ledger, report, &error) ||
      !tala_ledger_verify_chains (fx->ledger, report, &error) ||
      !tala_ledger_rebuild_compare (fx->ledger, scratch, report, &error))
    g_error ("%s%s", report->str, error ? error->message : "");
  g_test_message ("%s", report->str);

  g_array_unref (m.payments);
  g_rand_free (m.rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/ledger/property/random-money-ops", LedgerFixture, NULL, ledger_fixture_setup,
              test_property, ledger_fixture_teardown);
  return g_test_run ();
}
