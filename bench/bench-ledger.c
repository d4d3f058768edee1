/* bench-ledger.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ledger benchmark of issue 2 (DESIGN.md "Performance budgets"): how
 * many payment.record ops per second tala_ledger_apply() commits durably
 * (WAL, synchronous=FULL), in transactions of 1 op and of 500 ops, against
 * raw SQLite baselines measured in the same run on the same disk
 * (bench-ledger-raw.c).  Budget: at batch 500 the ledger reaches at least
 * 25% of the rate at which raw SQLite inserts the same rows ("same rows");
 * the minimal payment table ("raw") is measured too, for comparison.
 *
 * Every run starts from a fresh database in the scratch directory.  The
 * setup of a ledger (fixture F0 of ops.md §4.2, then S students with one
 * enrollment each) is not timed; the timed part is the payments with their
 * BEGIN IMMEDIATE/COMMIT.  Payments go round-robin over the S students with
 * deterministic amounts (500.00–9000.00) and op_ids from a fixed seed, so
 * every run applies the same ops.
 *
 * This is a benchmark, not a test: the exit status is 0 whatever the
 * verdict, 1 when something failed (an op not applied, a SQLite error) and
 * 2 on wrong usage.
 */

#define G_LOG_DOMAIN "bench-ledger"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "bench-ledger.h"
#include "tala-ledger.h"

#define BUDGET_RATIO   0.25     /* ledger/same rows at batch 500 (DESIGN.md) */
#define PLAN_SEED      2        /* GRand seed of the payments' op_ids */
#define SEMESTER       "2025-FIRST"
#define MAX_REPEAT     20

#define EXIT_FAILURE_RUN   1
#define EXIT_FAILURE_USAGE 2

G_DEFINE_QUARK (bench-ledger-error-quark, bench_error)

/* Fixture F0 (tests/data/fixture-f0.jsonl, ops.md §4.2), embedded so the
 * benchmark runs from any directory.  Its first op's hub_time sets the
 * business date every later op uses: 2025-06-02, inside 2025-FIRST. */
static const char * const fixture_f0[] = {
  "{\"op_id\":\"00000000-0000-4000-8000-000000000001\",\"kind\":\"user.put\","
    "\"actor\":null,\"hub_time\":\"2025-06-02T01:00:00Z\","
    "\"args\":{\"username\":\"admin\",\"role\":\"ADMIN\",\"first_name\":\"Ana\","
    "\"last_name\":\"Reyes\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000002\",\"kind\":\"user.put\","
    "\"actor\":\"admin\",\"args\":{\"username\":\"cashier1\",\"role\":\"CASHIER\","
    "\"first_name\":\"Maria\",\"last_name\":\"Santos\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000003\",\"kind\":\"user.put\","
    "\"actor\":\"admin\",\"args\":{\"username\":\"registrar1\",\"role\":\"REGISTRAR\","
    "\"first_name\":\"Jose\",\"last_name\":\"Rizal\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000004\",\"kind\":\"user.put\","
    "\"actor\":\"admin\",\"args\":{\"username\":\"prof1\",\"role\":\"PROFESSOR\","
    "\"first_name\":\"Liza\",\"last_name\":\"Cruz\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000005\","
    "\"kind\":\"catalog.program.put\",\"actor\":\"registrar1\","
    "\"args\":{\"code\":\"BSCS\",\"name\":\"Bachelor of Science in Computer Science\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000006\","
    "\"kind\":\"catalog.semester.put\",\"actor\":\"registrar1\","
    "\"args\":{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
    "\"end_date\":\"2025-10-31\",\"enrollment_start\":\"2025-05-26\","
    "\"enrollment_end\":\"2025-06-13\",\"is_active\":true}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000007\","
    "\"kind\":\"catalog.subject.put\",\"actor\":\"registrar1\","
    "\"args\":{\"code\":\"CS101\",\"name\":\"Programming Fundamentals\",\"units\":3,"
    "\"program\":\"BSCS\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000008\","
    "\"kind\":\"catalog.subject.put\",\"actor\":\"registrar1\","
    "\"args\":{\"code\":\"CS102\",\"name\":\"Digital Logic\",\"units\":3,"
    "\"program\":\"BSCS\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000009\","
    "\"kind\":\"catalog.subject.put\",\"actor\":\"registrar1\","
    "\"args\":{\"code\":\"CS103\",\"name\":\"Discrete Mathematics\",\"units\":3,"
    "\"program\":\"BSCS\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000010\","
    "\"kind\":\"catalog.subject.put\",\"actor\":\"registrar1\","
    "\"args\":{\"code\":\"CS201\",\"name\":\"Object-Oriented Programming\",\"units\":3,"
    "\"program\":\"BSCS\",\"prerequisites\":[\"CS101\"]}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000011\","
    "\"kind\":\"catalog.subject.put\",\"actor\":\"registrar1\","
    "\"args\":{\"code\":\"THS25\",\"name\":\"Thesis Residency\",\"units\":25,"
    "\"program\":\"BSCS\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000012\","
    "\"kind\":\"catalog.subject.put\",\"actor\":\"registrar1\","
    "\"args\":{\"code\":\"OJT21\",\"name\":\"On-the-Job Training\",\"units\":21,"
    "\"program\":\"BSCS\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000013\","
    "\"kind\":\"catalog.section.put\",\"actor\":\"registrar1\","
    "\"args\":{\"semester\":\"2025-FIRST\",\"code\":\"CS101-A\",\"subject\":\"CS101\","
    "\"capacity\":40,\"professor\":\"prof1\",\"slots\":[{\"day\":\"MON\","
    "\"start\":\"08:00\",\"end\":\"09:30\"}]}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000014\","
    "\"kind\":\"catalog.section.put\",\"actor\":\"registrar1\","
    "\"args\":{\"semester\":\"2025-FIRST\",\"code\":\"CS102-A\",\"subject\":\"CS102\","
    "\"capacity\":40,\"professor\":\"prof1\",\"slots\":[{\"day\":\"TUE\","
    "\"start\":\"08:00\",\"end\":\"09:30\"}]}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000015\","
    "\"kind\":\"catalog.section.put\",\"actor\":\"registrar1\","
    "\"args\":{\"semester\":\"2025-FIRST\",\"code\":\"CS103-A\",\"subject\":\"CS103\","
    "\"capacity\":40,\"professor\":\"prof1\",\"slots\":[{\"day\":\"WED\","
    "\"start\":\"08:00\",\"end\":\"09:30\"}]}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000016\","
    "\"kind\":\"catalog.section.put\",\"actor\":\"registrar1\","
    "\"args\":{\"semester\":\"2025-FIRST\",\"code\":\"OJT21-A\",\"subject\":\"OJT21\","
    "\"capacity\":40,\"professor\":\"prof1\",\"slots\":[{\"day\":\"SAT\","
    "\"start\":\"08:00\",\"end\":\"17:00\"}]}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000017\",\"kind\":\"student.register\","
    "\"actor\":\"registrar1\",\"args\":{\"first_name\":\"Juan\","
    "\"last_name\":\"Dela Cruz\",\"program\":\"BSCS\",\"email\":\"juan@example.edu\"}}",
  "{\"op_id\":\"00000000-0000-4000-8000-000000000018\",\"kind\":\"enrollment.create\","
    "\"actor\":\"registrar1\",\"args\":{\"student\":\"2025-00001\","
    "\"semester\":\"2025-FIRST\",\"monthly_commitment\":\"10000.00\"}}",
};


/* Tables whose growth the ledger run reports per payment. */
static const struct
{
  const char *label;
  const char *sql;
} ledger_counts[] = {
  { "txn", "SELECT count(*) FROM txn" },
  { "allocation", "SELECT count(*) FROM allocation" },
  { "permit unlocks", "SELECT count(*) FROM permit WHERE code IS NOT NULL" },
  { "notification", "SELECT count(*) FROM notification" },
  { "audit", "SELECT count(*) FROM audit" },
  { "journal", "SELECT count(*) FROM journal" },
  { "applied_op", "SELECT count(*) FROM applied_op" },
};
#define N_COUNTS G_N_ELEMENTS (ledger_counts)

typedef struct
{
  int       n_ops;          /* payments timed at batch 500 (--ops), ≥ 1 */
  int       n_single;       /* payments timed at batch 1 (--single-ops), ≥ 1 */
  int       n_students;     /* students paid round-robin (--students), ≥ 1 */
  int       repeat;         /* rounds of every run (--repeat), 1..MAX_REPEAT */
  char     *commitment;     /* monthly commitment of each student, money text */
  char     *dir;            /* scratch directory (--dir) */
  gboolean  own_dir;        /* dir was made here and is removed at the end */
  gboolean  keep;           /* leave the databases behind (--keep) */
} BenchOptions;

/* The rounds of one batch size: ops/s of each run, by round. */
typedef struct
{
  int    batch;
  int    n_ops;
  double ledger[MAX_REPEAT];
  double rows[MAX_REPEAT];
  double raw[MAX_REPEAT];
} Series;

/* ---- Plan ---------------------------------------------------------------- */

static void
make_uuid (GRand *rand,
           char   out[37])
{
  guint32 w[4];

  for (int i = 0; i < 4; i++)
    w[i] = g_rand_int (rand);
  w[1] = (w[1] & 0xffff0fffu) | 0x00004000u;    /* version 4 */
  w[2] = (w[2] & 0x3fffffffu) | 0x80000000u;    /* variant 10 */
  g_snprintf (out, 37, "%08x-%04x-%04x-%04x-%04x%08x",
              w[0], w[1] >> 16, w[1] & 0xffffu, w[2] >> 16, w[2] & 0xffffu, w[3]);
}

/* Payment i goes to student i mod S, for 500.00 + ((i × 2654435761) mod
 * 850001) centavos: spread over 500.00–9000.00 without a visible period. */
static Payment *
plan_payments (int n_ops,
               int n_students)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (PLAN_SEED);
  Payment *plan = g_new0 (Payment, n_ops);

  for (int i = 0; i < n_ops; i++)
    {
      make_uuid (rand, plan[i].uuid);
      plan[i].student = (guint) (i % n_students);
      plan[i].amount = 50000 + (gint64) (((guint64) i * 2654435761u) % 850001u);
    }
  return plan;
}

/* ---- Ledger -------------------------------------------------------------- */

/* Applies @op on the trusted channel and insists that it applied. */
static JsonObject *
apply_applied (TalaLedger *ledger,
               JsonObject *op,
               TalaBatch  *batch,
               GError    **error)
{
  g_autoptr(JsonObject) result = NULL;

  result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED, tala_now_us (), batch, error);
  if (result == NULL)
    return NULL;
  if (g_strcmp0 (json_object_get_string_member_with_default (result, "status", ""),
                 "applied") != 0)
    {
      g_autofree char *text = tala_json_canonical_object (result);

      g_set_error (error, BENCH_ERROR, 0, "op was not applied: %s", text);
      return NULL;
    }
  return g_steal_pointer (&result);
}

static JsonObject *
new_op (const char *op_id,
        const char *kind,
        const char *actor,
        JsonObject *args)
{
  JsonObject *op = json_object_new ();

  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", kind);
  json_object_set_string_member (op, "actor", actor);
  json_object_set_object_member (op, "args", args);
  return op;
}

/* Registers student @index (0-based) with an enrollment in SEMESTER and
 * returns the number the ledger gave it. */
static char *
setup_student (TalaLedger         *ledger,
               TalaBatch          *batch,
               const BenchOptions *opts,
               int                 index,
               GError            **error)
{
  g_autofree char *last_name = g_strdup_printf ("Student %05d", index + 1);
  g_autofree char *register_id = g_strdup_printf ("00000000-0000-4000-8001-%012x", 2 * index + 1);
  g_autofree char *enroll_id = g_strdup_printf ("00000000-0000-4000-8001-%012x", 2 * index + 2);
  g_autofree char *number = NULL;
  g_autoptr(JsonObject) op = NULL;
  g_autoptr(JsonObject) result = NULL;
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "first_name", "Bench");
  json_object_set_string_member (args, "last_name", last_name);
  json_object_set_string_member (args, "program", "BSCS");
  op = new_op (register_id, "student.register", "registrar1", args);
  result = apply_applied (ledger, op, batch, error);
  if (result == NULL)
    return NULL;
  number = g_strdup (json_object_get_string_member (json_object_get_object_member (result,
                                                                                    "result"),
                                                    "student"));
  g_clear_pointer (&op, json_object_unref);
  g_clear_pointer (&result, json_object_unref);

  args = json_object_new ();
  json_object_set_string_member (args, "student", number);
  json_object_set_string_member (args, "semester", SEMESTER);
  json_object_set_string_member (args, "monthly_commitment", opts->commitment);
  op = new_op (enroll_id, "enrollment.create", "registrar1", args);
  result = apply_applied (ledger, op, batch, error);
  if (result == NULL)
    return NULL;
  return g_steal_pointer (&number);
}

/* Applies fixture F0 and the students in the caller's transaction; fills
 * @numbers with the students' numbers. */
static gboolean
setup_ops (TalaLedger         *ledger,
           const BenchOptions *opts,
           GPtrArray          *numbers,
           GError            **error)
{
  g_autoptr(TalaBatch) batch = tala_batch_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fixture_f0); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonObject) result = NULL;

      if (!json_parser_load_from_data (parser, fixture_f0[i], -1, error))
        return FALSE;
      result = apply_applied (ledger, json_node_get_object (json_parser_get_root (parser)),
                              batch, error);
      if (result == NULL)
        return FALSE;
    }
  for (int s = 0; s < opts->n_students; s++)
    {
      char *number = setup_student (ledger, batch, opts, s, error);

      if (number == NULL)
        return FALSE;
      g_ptr_array_add (numbers, number);
    }
  return TRUE;
}

/* Opens a fresh ledger at @path and sets it up (untimed, not durable, in
 * one transaction), then switches it to synchronous=FULL. */
static TalaLedger *
ledger_setup (const char         *path,
              const BenchOptions *opts,
              GPtrArray          *numbers,
              GError            **error)
{
  g_autoptr(TalaLedger) ledger = tala_ledger_open (path, error);

  if (ledger == NULL || !tala_ledger_begin (ledger, error))
    return NULL;
  if (!setup_ops (ledger, opts, numbers, error))
    {
      tala_ledger_rollback (ledger);
      return NULL;
    }
  if (!tala_ledger_commit (ledger, error) ||
      !tala_ledger_set_durable (ledger, TRUE, error))
    return NULL;
  return g_steal_pointer (&ledger);
}

static JsonObject *
payment_op (const Payment *p,
            const char    *number)
{
  JsonObject *args = json_object_new ();
  g_autofree char *amount = tala_money_format (p->amount);

  json_object_set_string_member (args, "student", number);
  json_object_set_string_member (args, "amount", amount);
  json_object_set_string_member (args, "method", "CASH");
  return new_op (p->uuid, "payment.record", "cashier1", args);
}

/* One transaction of ops [@from, @to), as one push would apply them. */
static gboolean
ledger_transaction (TalaLedger *ledger,
                    GPtrArray  *ops,
                    guint       from,
                    guint       to,
                    GError    **error)
{
  g_autoptr(TalaBatch) batch = tala_batch_new ();

  if (!tala_ledger_begin (ledger, error))
    return FALSE;
  for (guint i = from; i < to; i++)
    {
      g_autoptr(JsonObject) result = apply_applied (ledger, g_ptr_array_index (ops, i), batch,
                                                    error);

      if (result == NULL)
        {
          tala_ledger_rollback (ledger);
          return FALSE;
        }
    }
  return tala_ledger_commit (ledger, error);
}

/* Row counts of ledger_counts[], read on a connection of our own. */
static gboolean
ledger_count_rows (const char *path,
                   gint64      counts[N_COUNTS],
                   GError    **error)
{
  sqlite3 *db = NULL;
  gboolean ok;

  ok = bench_sqlite_check (db, sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), path,
                           error);
  for (guint i = 0; ok && i < N_COUNTS; i++)
    {
      g_autoptr(RawStmt) stmt = NULL;

      ok = bench_sqlite_check (db, sqlite3_prepare_v2 (db, ledger_counts[i].sql, -1, &stmt,
                                                       NULL), ledger_counts[i].label, error) &&
           bench_sqlite_check (db, sqlite3_step (stmt), ledger_counts[i].label, error);
      if (ok)
        counts[i] = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_close (db);
  return ok;
}

static void
print_rows_added (const gint64 before[N_COUNTS],
                  const gint64 after[N_COUNTS],
                  int          n_ops)
{
  g_print ("  rows added per payment:");
  for (guint i = 0; i < N_COUNTS; i++)
    g_print ("%s %s %.2f", i ? "," : "", ledger_counts[i].label,
             (after[i] - before[i]) / (double) n_ops);
  g_print ("\n");
}

/* Sets up a ledger at @path (filling @numbers with its students' numbers),
 * then times @m->n_ops payments of @plan, @m->batch per transaction.
 * Prints the rows each payment added when @show_rows. */
static gboolean
ledger_run (const BenchOptions *opts,
            const Payment      *plan,
            const char         *path,
            gboolean            show_rows,
            GPtrArray          *numbers,
            Measure            *m,
            GError            **error)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(TalaLedger) ledger = NULL;
  gint64 before[N_COUNTS], after[N_COUNTS], start;

  g_ptr_array_set_size (numbers, 0);
  ledger = ledger_setup (path, opts, numbers, error);
  if (ledger == NULL)
    return FALSE;
  for (int i = 0; i < m->n_ops; i++)
    g_ptr_array_add (ops, payment_op (&plan[i], g_ptr_array_index (numbers, plan[i].student)));
  if (show_rows && !ledger_count_rows (path, before, error))
    return FALSE;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ops->len; i += m->batch)
    if (!ledger_transaction (ledger, ops, i, MIN (ops->len, i + (guint) m->batch), error))
      return FALSE;
  m->elapsed_us = g_get_monotonic_time () - start;

  if (show_rows)
    {
      if (!ledger_count_rows (path, after, error))
        return FALSE;
      print_rows_added (before, after, m->n_ops);
    }
  return TRUE;
}

/* A fresh ledger at @path in the state a ledger run starts its payments
 * from, closed again: the target of the same-rows baseline. */
static gboolean
rows_target_setup (const BenchOptions *opts,
                   const char         *path,
                   GError            **error)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TalaLedger) ledger = ledger_setup (path, opts, numbers, error);

  return ledger != NULL;
}

/* ---- Scratch files ------------------------------------------------------- */

static void
remove_database (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_remove (file);
    }
}

static char *
filesystem_type (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_TYPE, NULL, NULL);
  if (info == NULL || !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_TYPE))
    return g_strdup ("unknown");
  return g_strdup (g_file_info_get_attribute_string (info, G_FILE_ATTRIBUTE_FILESYSTEM_TYPE));
}

static gboolean
prepare_dir (BenchOptions *opts,
             GError      **error)
{
  if (opts->dir == NULL)
    {
      opts->dir = g_dir_make_tmp ("bench-ledger-XXXXXX", error);
      opts->own_dir = opts->dir != NULL;
      return opts->dir != NULL;
    }
  if (g_mkdir_with_parents (opts->dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", opts->dir,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* ---- Report -------------------------------------------------------------- */

static double
ops_per_s (const Measure *m)
{
  return m->elapsed_us > 0 ? m->n_ops * (double) G_USEC_PER_SEC / m->elapsed_us : 0.0;
}

static void
print_measure (const BenchOptions *opts,
               int                 round,
               const char         *what,
               const Measure      *m)
{
  if (opts->repeat > 1)
    g_print ("[%d/%d] ", round + 1, opts->repeat);
  g_print ("%-9s batch %3d: %6d ops in %7.3f s = %7.0f ops/s\n", what, m->batch, m->n_ops,
           m->elapsed_us / (double) G_USEC_PER_SEC, ops_per_s (m));
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (const double *values,
        int           n)
{
  double sorted[MAX_REPEAT];

  memcpy (sorted, values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* "batch B: ledger L ops/s, <name> R ops/s, ratio X%", medians over the
 * rounds; with @budget, the verdict against BUDGET_RATIO. */
static void
print_ratio (const Series *s,
             int           n,
             const char   *name,
             const double *base,
             gboolean      budget)
{
  double ledger = median (s->ledger, n), other = median (base, n);
  double ratio = other > 0 ? ledger / other : 0.0;

  g_print ("batch %d: ledger %.0f ops/s, %s %.0f ops/s, ratio %.1f%%", s->batch, ledger, name,
           other, 100.0 * ratio);
  if (budget)
    g_print (" (budget >= %.0f%%): %s", 100.0 * BUDGET_RATIO,
             ratio >= BUDGET_RATIO ? "WITHIN BUDGET" : "BELOW BUDGET");
  g_print ("\n");
}

/* ---- Main ---------------------------------------------------------------- */

/* One round of one batch size: ledger, same rows, raw. */
static gboolean
run_series (const BenchOptions *opts,
            const Payment      *plan,
            Series             *s,
            int                 round,
            GError            **error)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *ledger_name = g_strdup_printf ("ledger-batch%d.db", s->batch);
  g_autofree char *rows_name = g_strdup_printf ("rows-batch%d.db", s->batch);
  g_autofree char *raw_name = g_strdup_printf ("raw-batch%d.db", s->batch);
  g_autofree char *ledger = g_build_filename (opts->dir, ledger_name, NULL);
  g_autofree char *rows = g_build_filename (opts->dir, rows_name, NULL);
  g_autofree char *raw = g_build_filename (opts->dir, raw_name, NULL);
  Measure m = { s->batch, s->n_ops, 0 };
  gboolean ok;

  remove_database (ledger);
  remove_database (rows);
  remove_database (raw);
  ok = ledger_run (opts, plan, ledger, round == 0 && s->batch > 1, numbers, &m, error);
  if (ok)
    {
      s->ledger[round] = ops_per_s (&m);
      print_measure (opts, round, "ledger", &m);
      ok = rows_target_setup (opts, rows, error) && bench_rows_run (ledger, rows, &m, error);
    }
  if (ok)
    {
      s->rows[round] = ops_per_s (&m);
      print_measure (opts, round, "same rows", &m);
      ok = bench_raw_run (plan, numbers, raw, &m, error);
    }
  if (ok)
    {
      s->raw[round] = ops_per_s (&m);
      print_measure (opts, round, "raw", &m);
    }
  if (!opts->keep)
    {
      remove_database (ledger);
      remove_database (rows);
      remove_database (raw);
    }
  return ok;
}

static gboolean
run_all (const BenchOptions *opts,
         GError            **error)
{
  g_autofree Payment *plan = plan_payments (MAX (opts->n_ops, opts->n_single),
                                            opts->n_students);
  Series single = { .batch = 1, .n_ops = opts->n_single };
  Series group = { .batch = 500, .n_ops = opts->n_ops };

  for (int r = 0; r < opts->repeat; r++)
    if (!run_series (opts, plan, &single, r, error) ||
        !run_series (opts, plan, &group, r, error))
      return FALSE;

  if (opts->repeat > 1)
    g_print ("medians of %d rounds:\n", opts->repeat);
  /* The budget's baseline is "the same rows inserted with raw SQLite"
   * (issue 2, DESIGN.md); the minimal payment table is printed beside it to
   * show what the ledger's row set costs. */
  print_ratio (&single, opts->repeat, "raw", single.raw, FALSE);
  print_ratio (&group, opts->repeat, "raw", group.raw, FALSE);
  print_ratio (&single, opts->repeat, "same rows", single.rows, FALSE);
  print_ratio (&group, opts->repeat, "same rows", group.rows, TRUE);
  return TRUE;
}

static gboolean
check_options (BenchOptions *opts,
               GError      **error)
{
  gint64 centavos;

  if (opts->n_single == 0)
    opts->n_single = MAX (1, opts->n_ops / 10);
  if (opts->commitment == NULL)
    opts->commitment = g_strdup ("5000.00");
  if (opts->n_ops < 1 || opts->n_single < 1 || opts->n_students < 1 ||
      opts->repeat < 1 || opts->repeat > MAX_REPEAT)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--ops, --single-ops and --students must be >= 1, --repeat 1 to %d",
                   MAX_REPEAT);
      return FALSE;
    }
  if (!tala_money_parse (opts->commitment, TALA_MONEY_NON_NEGATIVE, &centavos, error))
    {
      g_prefix_error (error, "--commitment: ");
      return FALSE;
    }
  return TRUE;
}

static void
print_header (const BenchOptions *opts)
{
  g_autofree char *fs = filesystem_type (opts->dir);

  g_print ("bench-ledger: %d payments at batch 500, %d at batch 1, over %d students "
           "(commitment %s/month), %d round%s\n", opts->n_ops, opts->n_single,
           opts->n_students, opts->commitment, opts->repeat, opts->repeat > 1 ? "s" : "");
  g_print ("  WAL, synchronous=FULL, SQLite %s, %u CPUs, scratch %s (%s)\n",
           sqlite3_libversion (), g_get_num_processors (), opts->dir, fs);
  if (g_strcmp0 (fs, "tmpfs") == 0)
    g_print ("  warning: fsync costs nothing on tmpfs; give --dir on a disk\n");
}

int
main (int   argc,
      char *argv[])
{
  BenchOptions opts = { .n_ops = 20000, .n_students = 200, .repeat = 1 };
  GOptionEntry entries[] = {
    { "ops", 'n', 0, G_OPTION_ARG_INT, &opts.n_ops,
      "Payments timed in transactions of 500 (default 20000)", "N" },
    { "single-ops", 0, 0, G_OPTION_ARG_INT, &opts.n_single,
      "Payments timed one per transaction (default N/10)", "M" },
    { "students", 's', 0, G_OPTION_ARG_INT, &opts.n_students,
      "Students the payments go to, round-robin (default 200)", "S" },
    { "commitment", 0, 0, G_OPTION_ARG_STRING, &opts.commitment,
      "Monthly commitment of every student (default 5000.00)", "MONEY" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &opts.repeat,
      "Rounds of every run; the summary gives medians (default 1)", "R" },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &opts.dir,
      "Scratch directory (default: a new temporary directory, removed at the end)", "DIR" },
    { "keep", 'k', 0, G_OPTION_ARG_NONE, &opts.keep,
      "Keep the last round's databases in the scratch directory", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- ledger vs raw SQLite payments");
  g_autoptr(GError) error = NULL;
  gboolean ok;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Times payment.record ops applied through tala_ledger_apply() at synchronous=FULL\n"
    "in transactions of 1 and of 500 ops, and in the same run two raw SQLite\n"
    "baselines on the same disk: \"raw\" (a payment row and a balance update) and\n"
    "\"same rows\" (exactly the rows the ledger wrote, written again by plain SQL).\n"
    "Prints ops/s, the ratios, and the verdict against the budget: ledger >= 25%\n"
    "of the same rows inserted by raw SQLite, at batch 500 (DESIGN.md \"Performance\n"
    "budgets\").  The ratio to the minimal raw table is printed for comparison.");
  g_option_context_set_description (context,
    "Setup (fixture F0, then S students with an enrollment each) is not timed.\n"
    "Exit status: 0 when the benchmark ran, whatever the verdict; 1 when it\n"
    "failed; 2 on wrong usage.\n");
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !check_options (&opts, &error))
    {
      g_printerr ("bench-ledger: %s\n", error->message);
      return EXIT_FAILURE_USAGE;
    }
  if (argc > 1)
    {
      g_printerr ("bench-ledger: takes no arguments (see --help)\n");
      return EXIT_FAILURE_USAGE;
    }
  if (!prepare_dir (&opts, &error))
    {
      g_printerr ("bench-ledger: %s\n", error->message);
      return EXIT_FAILURE_RUN;
    }

  print_header (&opts);
  ok = run_all (&opts, &error);
  if (!ok)
    g_printerr ("bench-ledger: %s\n", error->message);
  if (opts.keep)
    g_print ("  databases kept in %s\n", opts.dir);
  else if (opts.own_dir)
    g_rmdir (opts.dir);
  g_free (opts.dir);
  g_free (opts.commitment);
  return ok ? 0 : EXIT_FAILURE_RUN;
}
