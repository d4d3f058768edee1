/* test-seed.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub seed` driven as a black box on the fixture's file: the demo of
 * business-rules §16.7 (its scenarios, its shifted calendar, what a
 * newcomer can do with it today) and the generated college (deterministic
 * per seed).  Both replay to identical tables, also after a random mix of
 * academic and payment ops on top.
 */

#include "config.h"

#include "academics.h"

#define AS_OF "2026-03-10"

static int
run_hub (const char * const *args,
         char              **out)
{
  const char *hub = g_getenv ("TALA_HUB");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (hub);
  g_ptr_array_add (argv, (gpointer) hub);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, out,
                NULL, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
seed_demo (LedgerFixture *fx,
           const char    *scale)
{
  g_autofree char *out = NULL;
  const char *args[] = { "seed", "--demo", "--db", fx->path, "--as-of", AS_OF,
                         scale ? "--scale" : NULL, scale, NULL };

  g_assert_cmpint (run_hub (args, &out), ==, 0);
  g_assert_nonnull (strstr (out, "seeded"));
}

/* The number of the scenario student whose e-mail is <key>@demo.tala.ph. */
static char *
demo_number (LedgerFixture *fx,
             const char    *key)
{
  g_autofree char *sql = g_strdup_printf ("SELECT s.number FROM student s JOIN user u"
                                          " ON u.id = s.user_id WHERE u.email = '%s@demo.tala.ph'",
                                          key);

  return acad_text (fx, sql);
}

static char *
inc_start_of (LedgerFixture *fx,
              const char    *key)
{
  g_autofree char *sql = g_strdup_printf ("SELECT t.inc_start FROM take t JOIN enrollment e"
                                          " ON e.id = t.enrollment_id JOIN student s"
                                          " ON s.id = e.student_id JOIN user u ON u.id = s.user_id"
                                          " WHERE u.email = '%s@demo.tala.ph'"
                                          " AND t.status = 'INC'", key);

  return acad_text (fx, sql);
}

static void
test_demo_catalog (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *active = NULL;

  seed_demo (fx, NULL);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM student"), ==, 8);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM subject"), ==, 14);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM subject_prerequisite"), ==, 7);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM semester"), ==, 4);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM section"), ==, 4 * 14 * 2);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM user WHERE role = 'PROFESSOR'"), ==, 5);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM user WHERE username IN"
                                    " ('cashier', 'registrar', 'admin')"), ==, 3);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM user WHERE username = 'cashier'"
                                    " AND first_name = 'Maria' AND last_name = 'Santos'"), ==, 1);
  g_assert_cmpint (test_scalar (fx, "SELECT total_units_required FROM program WHERE code = 'CS'"),
                   ==, 120);
  /* D-S1: the active semester contains the as-of day, its window is open. */
  active = acad_text (fx, "SELECT code FROM semester WHERE is_active AND start_date <= '" AS_OF "'"
                          " AND end_date >= '" AS_OF "' AND enrollment_start <= '" AS_OF "'"
                          " AND enrollment_end >= '" AS_OF "'");
  g_assert_cmpstr (active, ==, "2026-FIRST");
  /* Earlier semesters keep their order and spacing (2023-08-01 … 2025-01-08). */
  g_assert_cmpint (test_scalar (fx, "SELECT julianday ((SELECT start_date FROM semester"
                                    " WHERE is_active)) - julianday (min (start_date))"
                                    " FROM semester"), ==, 526);
}

static void
test_demo_scenarios (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *passing = NULL;
  g_autofree char *gpa = NULL;
  g_autofree char *inc = NULL;
  g_autofree char *old_inc = NULL;
  g_autofree char *prereq = NULL;
  g_autofree char *want75 = acad_date (AS_OF, -75);
  g_autofree char *want165 = acad_date (AS_OF, -165);
  g_autofree char *want45 = acad_date (AS_OF, -45);

  seed_demo (fx, NULL);
  passing = demo_number (fx, "seed_passing");
  g_assert_nonnull (passing);
  gpa = acad_gpa (fx, passing);
  g_assert_cmpstr (gpa, ==, "4.00");
  inc = inc_start_of (fx, "seed_inc");
  old_inc = inc_start_of (fx, "seed_old_inc");
  prereq = inc_start_of (fx, "seed_prerequisite");
  g_assert_cmpstr (inc, ==, want75);
  g_assert_cmpstr (old_inc, ==, want165);
  g_assert_cmpstr (prereq, ==, want45);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM take WHERE status = 'CREDITED'"
                                    " AND grade = 'A' AND count_in_gpa = 0"), ==, 2);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM take t JOIN subject s ON s.id ="
                                    " t.subject_id WHERE t.status = 'FAILED' AND s.code = 'CS101'"),
                   ==, 2);
  g_assert_cmpint (test_scalar (fx, "SELECT e.total_units FROM enrollment e JOIN student s"
                                    " ON s.id = e.student_id JOIN user u ON u.id = s.user_id"
                                    " JOIN semester m ON m.id = e.semester_id"
                                    " WHERE m.is_active AND u.email LIKE 'seed_freshman@%'"),
                   ==, 9);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM bucket b JOIN enrollment e"
                                    " ON e.id = b.enrollment_id JOIN semester m"
                                    " ON m.id = e.semester_id WHERE m.is_active"
                                    " AND b.due = 200000"), ==, 6 * 5);
}

/* What a newcomer does with the demo today: the blocked student is told
 * why, the freshman enrolls by themself, a cashier takes a payment and a
 * registrar encodes a grade. */
static void
test_demo_usable_today (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *prereq = NULL;
  g_autofree char *freshman = NULL;
  g_autofree char *passing = NULL;
  g_autoptr(JsonObject) err = NULL;

  seed_demo (fx, NULL);
  prereq = demo_number (fx, "seed_prerequisite");
  freshman = demo_number (fx, "seed_freshman");
  passing = demo_number (fx, "seed_passing");
  err = acad_rej_at (fx, AS_OF, "subject.enroll", "registrar", "prerequisite_not_met",
                     "{\"student\":\"%s\",\"semester\":\"2026-FIRST\",\"subject\":\"CS201\"}",
                     prereq);
  g_assert_nonnull (strstr (acad_str (err, "message"), "CS101 (INC)"));
  acad_do_at (fx, AS_OF, "subject.enroll", freshman,
              "{\"student\":\"%s\",\"semester\":\"2026-FIRST\",\"subject\":\"CS105\"}", freshman);
  acad_do_at (fx, AS_OF, "payment.record", "cashier",
              "{\"student\":\"%s\",\"amount\":\"2000.00\",\"method\":\"CASH\"}", passing);
  acad_do_at (fx, AS_OF, "grade.submit", "registrar",
              "{\"student\":\"%s\",\"semester\":\"2026-FIRST\",\"subject\":\"CS101\","
              "\"grade\":\"B+\"}", freshman);
}

static void
test_demo_rebuild (LedgerFixture *fx, gconstpointer d)
{
  seed_demo (fx, NULL);
  acad_assert_rebuild (fx);
}

static void
test_demo_ph_scale (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *passing = NULL;
  g_autofree char *gpa = NULL;

  seed_demo (fx, "PH");
  passing = demo_number (fx, "seed_passing");
  gpa = acad_gpa (fx, passing);
  g_assert_cmpstr (gpa, ==, "1.00");
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM config WHERE key = 'grade_scale'"),
                   ==, 0);
  acad_assert_rebuild (fx);
}

static void
test_demo_cli_errors (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *e = NULL;

  g_assert_cmpint (run_hub ((const char * const[]) { "seed", "--db", fx->path, NULL }, &a), ==, 2);
  g_assert_cmpint (run_hub ((const char * const[]) { "seed", "--demo", "--students", "5", "--db",
                                                     fx->path, NULL }, &b), ==, 2);
  g_assert_cmpint (run_hub ((const char * const[]) { "seed", "--demo", "--db", fx->path,
                                                     "--as-of", "2026-13-01", NULL }, &c), ==, 2);
  seed_demo (fx, NULL);
  /* A ledger that already holds ops is not seeded again. */
  g_assert_cmpint (run_hub ((const char * const[]) { "seed", "--demo", "--db", fx->path,
                                                     "--as-of", AS_OF, NULL }, &e), ==, 1);
}

/* ---- The generated college ----------------------------------------------- */

#define COLLEGE_AS_OF "2025-08-18"

static void
seed_college (const char *path,
              const char *students,
              const char *seed)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_hub ((const char * const[]) { "seed", "--students", students, "--seed", seed,
                                                     "--as-of", COLLEGE_AS_OF, "--db", path, NULL },
                            &out), ==, 0);
}

static char *
last_journal_hash (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *hash = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT hash FROM journal ORDER BY hub_seq DESC LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return hash;
}

static void
test_college_deterministic (LedgerFixture *fx, gconstpointer d)
{
  g_autofree char *again = g_strconcat (fx->path, ".again", NULL);
  g_autofree char *other = g_strconcat (fx->path, ".other", NULL);
  g_autofree char *h1 = NULL;
  g_autofree char *h2 = NULL;
  g_autofree char *h3 = NULL;

  seed_college (fx->path, "150", "5");
  seed_college (again, "150", "5");
  seed_college (other, "150", "6");
  h1 = last_journal_hash (fx->path);
  h2 = last_journal_hash (again);
  h3 = last_journal_hash (other);
  g_assert_cmpstr (h1, ==, h2);
  g_assert_cmpstr (h1, !=, h3);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM student"), ==, 150);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM program"), ==, 6);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM take WHERE grade IS NOT NULL"), >, 100);
  g_assert_cmpint (test_scalar (fx, "SELECT count(DISTINCT method) FROM txn"
                                    " WHERE type = 'PAYMENT'"), >=, 3);
  g_assert_cmpint (test_scalar (fx, "SELECT count(*) FROM semester WHERE is_active"
                                    " AND enrollment_start <= '" COLLEGE_AS_OF "'"
                                    " AND enrollment_end >= '" COLLEGE_AS_OF "'"), ==, 1);
}

/* A random mix of academic and payment ops on top of a college, from a
 * fixed seed; whatever each op's fate, the journal replays exactly. */
typedef struct
{
  LedgerFixture *fx;
  GRand         *rand;
  GPtrArray     *students;
  GPtrArray     *subjects;
  GPtrArray     *payments;
  char          *day;
} Mix;

static GPtrArray *
column (LedgerFixture *fx,
        const char    *sql)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return out;
}

static const char *
pick (Mix       *m,
      GPtrArray *from)
{
  return g_ptr_array_index (from, g_rand_int_range (m->rand, 0, from->len));
}

static void
mix_op (Mix        *m,
        const char *kind,
        const char *actor,
        const char *args)
{
  g_autoptr(JsonObject) r = acad_apply_at (m->fx, m->day, kind, actor, args);
  const char *status = json_object_get_string_member (r, "status");

  g_assert_true (g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "rejected") == 0);
  if (g_strcmp0 (status, "applied") == 0 && strcmp (kind, "payment.record") == 0)
    g_ptr_array_add (m->payments, g_strdup (json_object_get_string_member (
                                              json_object_get_object_member (r, "result"),
                                              "payment_id")));
}

static void
mix_one (Mix *m)
{
  const char *st = pick (m, m->students), *sub = pick (m, m->subjects);
  g_autofree char *args = NULL;

  switch (g_rand_int_range (m->rand, 0, 9))
    {
    case 0: case 1:
      args = g_strdup_printf ("{\"student\":\"%s\",\"semester\":\"2025-FIRST\",\"subject\":\"%s\"}",
                              st, sub);
      mix_op (m, "subject.enroll", "registrar", args);
      break;
    case 2:
      args = g_strdup_printf ("{\"student\":\"%s\",\"semester\":\"2025-FIRST\",\"subject\":\"%s\"}",
                              st, sub);
      mix_op (m, "subject.drop", "registrar", args);
      break;
    case 3:
      args = g_strdup_printf ("{\"student\":\"%s\",\"amount\":\"%d.00\",\"method\":\"CASH\"}", st,
                              g_rand_int_range (m->rand, 100, 20000));
      mix_op (m, "payment.record", "cashier", args);
      break;
    case 4:
      if (m->payments->len == 0)
        break;
      args = g_strdup_printf ("{\"payment\":\"%s\",\"reason\":\"Correction\"}",
                              pick (m, m->payments));
      mix_op (m, "payment.void", "admin", args);
      break;
    case 5:
      args = g_strdup_printf ("{\"student\":\"%s\",\"semester\":\"2025-FIRST\",\"subject\":\"%s\","
                              "\"grade\":\"%s\"}", st, sub,
                              g_rand_boolean (m->rand) ? "2.25" : "INC");
      mix_op (m, "grade.submit", "registrar", args);
      break;
    case 6:
      args = g_strdup_printf ("{\"student\":\"%s\",\"semester\":\"2024-SECOND\",\"subject\":\"%s\","
                              "\"grade\":\"1.75\",\"reason\":\"Re-evaluated\"}", st, sub);
      mix_op (m, "grade.override", "registrar", args);
      break;
    case 7:
      args = g_strdup_printf ("{\"student\":\"%s\",\"start_date\":\"%s\","
                              "\"end_date\":\"2026-01-10\",\"reason\":\"Leave\"}", st, m->day);
      mix_op (m, "loa.record", "registrar", args);
      break;
    default:
      mix_op (m, g_rand_boolean (m->rand) ? "job.inc_expiry" : "job.permit_sweep", NULL, "{}");
    }
}

static void
test_college_random_mix_rebuild (LedgerFixture *fx, gconstpointer d)
{
  Mix m = { fx, g_rand_new_with_seed (20251), NULL, NULL, NULL, NULL };

  seed_college (fx->path, "60", "11");
  m.students = column (fx, "SELECT number FROM student ORDER BY number");
  m.subjects = column (fx, "SELECT code FROM subject ORDER BY code");
  m.payments = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < 400; i++)
    {
      g_free (m.day);
      m.day = acad_date (COLLEGE_AS_OF, i / 4);
      if (i == 200)
        mix_op (&m, "grade.finalize", "registrar", "{\"semester\":\"2025-FIRST\"}");
      mix_one (&m);
    }
  acad_assert_rebuild (fx);
  g_free (m.day);
  g_rand_free (m.rand);
  g_ptr_array_unref (m.students);
  g_ptr_array_unref (m.subjects);
  g_ptr_array_unref (m.payments);
}

/* The demo's logins work as printed (D-S2): staff by username, scenario
 * students by their seed_* name, number or e-mail. */
static void
test_demo_logins (LedgerFixture *fx, gconstpointer d)
{
  static const char *logins[][3] = {
    { "admin", "admin123", "admin" },
    { "cashier", "password123", "cashier" },
    { "registrar", "password123", "registrar" },
    { "seed_freshman", "password123", NULL },
    { "seed_freshman@demo.tala.ph", "password123", NULL },
  };
  g_autofree char *freshman = NULL;

  seed_demo (fx, NULL);
  freshman = demo_number (fx, "seed_freshman");
  for (guint i = 0; i < G_N_ELEMENTS (logins); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) user = tala_ledger_verify_login (fx->ledger, logins[i][0],
                                                             logins[i][1], &error);

      g_assert_no_error (error);
      g_assert_nonnull (user);
      g_assert_cmpstr (json_object_get_string_member (user, "username"), ==,
                       logins[i][2] ? logins[i][2] : freshman);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) nobody = tala_ledger_verify_login (fx->ledger, "cashier", "wrong",
                                                             &error);

    g_assert_no_error (error);
    g_assert_null (nobody);
  }
}

#define ADD(path, func) \
  g_test_add ("/ledger/seed/" path, LedgerFixture, NULL, ledger_fixture_setup, func, \
              ledger_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ADD ("demo-catalog-and-calendar", test_demo_catalog);
  ADD ("demo-scenarios", test_demo_scenarios);
  ADD ("demo-usable-today", test_demo_usable_today);
  ADD ("demo-rebuild-identical", test_demo_rebuild);
  ADD ("demo-ph-scale", test_demo_ph_scale);
  ADD ("demo-logins", test_demo_logins);
  ADD ("demo-cli-errors", test_demo_cli_errors);
  ADD ("college-deterministic", test_college_deterministic);
  ADD ("college-random-mix-rebuild-identical", test_college_random_mix_rebuild);

  return g_test_run ();
}
