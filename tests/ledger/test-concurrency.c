/* test-concurrency.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Eight threads, each with its own connection (TalaLedger) to the same
 * file, make 1,000 subject.enroll attempts for one student across many
 * subjects, with drops mixed in.  The 30-unit cap must hold in every
 * result and at the end, every answer must be a result (applied or a
 * typed rejection), and the journal must replay to the same tables.
 *
 * SQLITE_BUSY is the typed, retryable TALA_LEDGER_ERROR_BUSY (never
 * TALA_LEDGER_ERROR_DB): nothing was decided, and a client sends the same
 * op again.  At full speed the 10 s busy timeout absorbs every wait and no
 * busy answer comes back; under valgrind (fifty times slower, threads run
 * one at a time) a thread may starve past it, so there busy answers are
 * allowed, counted and retried, opening the connection included.
 */

#include "config.h"

#include "academics.h"
#include "tala-ledger-replica.h"

#define N_THREADS   8
#define N_ATTEMPTS  1000
#define N_SUBJECTS  40
/* How long a thread keeps retrying one busy op (or its connection). */
#define RETRY_FOR_US (600 * G_USEC_PER_SEC)

typedef struct
{
  const char *path;
  guint       index;
  gint64      now;
  /* Filled by the thread, read after the join. */
  guint       sent;          /* ops made (each sent until it is decided) */
  guint       applied;
  guint       rejected;
  guint       failures;      /* NULL results other than busy */
  guint       busy;          /* TALA_LEDGER_ERROR_BUSY answers (the op was retried) */
  guint       bad_codes;     /* rejections outside the expected codes */
  gint64      max_total;     /* the highest total_units an applied enroll answered */
  char       *first_problem;
} Worker;

static const char * const expected_codes[] = {
  "already_enrolled", "unit_cap_exceeded", "schedule_conflict", "already_dropped",
  "not_enrolled", NULL
};

/* CC00..CC39: 1–6 units; the sections of CC00..CC19 clash pairwise by
 * slot (two subjects share each Saturday hour), the rest have no slots. */
static void
make_catalog (LedgerFixture *fx)
{
  for (int i = 0; i < N_SUBJECTS; i++)
    {
      g_autofree char *code = g_strdup_printf ("CC%02d", i);
      g_autofree char *section = g_strdup_printf ("CC%02d-A", i);

      acad_subject (fx, code, 1 + i % 6, "MAJOR", NULL);
      if (i < 20)
        {
          g_autofree char *start = g_strdup_printf ("%02d:00", 7 + i / 2);
          g_autofree char *end = g_strdup_printf ("%02d:00", 8 + i / 2);

          acad_section (fx, "2025-FIRST", section, code, 100, "SAT", start, end);
        }
      else
        acad_do (fx, "catalog.section.put", "registrar1",
                 "{" SEM ",\"code\":\"%s\",\"subject\":\"%s\",\"capacity\":100}", section, code);
    }
}

static JsonObject *
make_op (Worker     *w,
         guint       n,
         const char *kind,
         guint       subject)
{
  g_autofree char *json = g_strdup_printf (
    "{\"op_id\":\"cccccccc-0000-4000-8%03u-%012u\",\"kind\":\"%s\",\"actor\":\"registrar1\","
    "\"args\":{" STUDENT "," SEM ",\"subject\":\"CC%02u\"}}", w->index, n, kind, subject);

  return test_parse_object (json);
}

static void
note_problem (Worker     *w,
              JsonObject *result,
              const char *what)
{
  if (w->first_problem == NULL)
    {
      g_autofree char *text = result ? test_canonical (result) : NULL;

      w->first_problem = g_strdup_printf ("%s: %s", what, text ? text : "(no result)");
    }
}

static void
judge (Worker     *w,
       JsonObject *result,
       gboolean    enroll)
{
  const char *status = json_object_get_string_member (result, "status");

  if (g_strcmp0 (status, "applied") == 0)
    {
      JsonObject *r = json_object_get_object_member (result, "result");

      w->applied++;
      if (enroll)
        w->max_total = MAX (w->max_total, json_object_get_int_member (r, "total_units"));
      return;
    }
  w->rejected++;
  if (g_strcmp0 (status, "rejected") != 0 ||
      !g_strv_contains (expected_codes,
                        json_object_get_string_member (json_object_get_object_member (result,
                                                                                      "error"),
                                                       "code")))
    {
      w->bad_codes++;
      note_problem (w, result, "unexpected answer");
    }
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) ledger = NULL;
  GRand *rand = g_rand_new_with_seed (w->index * 7919 + 17);
  gint64 give_up = g_get_monotonic_time () + RETRY_FOR_US;
  guint n = 0;

  /* Opening needs no write lock on a current ledger; were it busy all the
   * same, that too is retried. */
  while ((ledger = tala_ledger_open (w->path, &error)) == NULL &&
         g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_BUSY) &&
         g_get_monotonic_time () < give_up)
    {
      w->busy++;
      g_clear_error (&error);
    }
  if (ledger == NULL)
    {
      w->failures++;
      w->first_problem = g_strdup (error->message);
      g_rand_free (rand);
      return NULL;
    }
  for (guint attempt = 0; attempt < N_ATTEMPTS / N_THREADS; attempt++)
    {
      gboolean drop = g_rand_int_range (rand, 0, 100) < 30;
      guint subject = g_rand_int_range (rand, 0, N_SUBJECTS);

      for (int k = drop ? 0 : 1; k < 2; k++)
        {
          guint which = k == 0 ? (guint) g_rand_int_range (rand, 0, N_SUBJECTS) : subject;
          g_autoptr(JsonObject) op = make_op (w, ++n, k == 0 ? "subject.drop" : "subject.enroll",
                                              which);
          g_autoptr(JsonObject) result = NULL;

          w->sent++;
          give_up = g_get_monotonic_time () + RETRY_FOR_US;
          /* A busy answer decides nothing: the same op (same op_id) is sent
           * again, as a client would, until it is decided.  Any other
           * failure is one. */
          while (result == NULL)
            {
              g_autoptr(GError) apply_error = NULL;

              result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED, w->now, NULL,
                                          &apply_error);
              if (result != NULL)
                break;
              if (w->first_problem == NULL)
                w->first_problem = g_strdup (apply_error->message);
              if (!g_error_matches (apply_error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_BUSY) ||
                  g_get_monotonic_time () >= give_up)
                {
                  w->failures++;
                  break;
                }
              w->busy++;
            }
          if (result == NULL)
            continue;
          judge (w, result, k == 1);
        }
    }
  g_rand_free (rand);
  return NULL;
}

static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "vgpreload") != NULL;
}

static void
test_eight_threads (LedgerFixture *fx, gconstpointer d)
{
  Worker workers[N_THREADS] = { { 0 } };
  GThread *threads[N_THREADS];
  guint applied = 0, attempts = 0;
  gint64 total;

  acad_f0_paid (fx);
  make_catalog (fx);
  for (guint i = 0; i < N_THREADS; i++)
    {
      workers[i] = (Worker) { .path = fx->path, .index = i, .now = fx->now };
      threads[i] = g_thread_new ("enroll", worker_main, &workers[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < N_THREADS; i++)
    {
      Worker *w = &workers[i];

      if (w->first_problem)
        g_test_message ("thread %u: %s", i, w->first_problem);
      g_test_message ("thread %u: %u applied, %u rejected, %u busy answers retried", i,
                      w->applied, w->rejected, w->busy);
      g_assert_cmpuint (w->failures, ==, 0);
      /* Every op was decided (busy answers were retried until it was). */
      g_assert_cmpuint (w->applied + w->rejected, ==, w->sent);
      /* The 10 s busy timeout absorbs the waits; only under valgrind, where
       * every op is fifty times slower, may a thread starve past it. */
      if (!under_valgrind ())
        g_assert_cmpuint (w->busy, ==, 0);
      g_assert_cmpuint (w->bad_codes, ==, 0);
      g_assert_cmpint (w->max_total, <=, 30);
      applied += w->applied;
      attempts += w->applied + w->rejected;
      g_free (w->first_problem);
    }
  g_test_message ("%u answers, %u applied", attempts, applied);
  g_assert_cmpuint (attempts, >=, N_ATTEMPTS);
  g_assert_cmpuint (applied, >, 0);

  total = acad_scalar (fx, "SELECT total_units FROM enrollment e JOIN semester m"
                           " ON m.id = e.semester_id WHERE m.code = '2025-FIRST'");
  g_assert_cmpint (total, <=, 30);
  g_assert_cmpint (total, ==, acad_scalar (fx, "SELECT coalesce (sum (units), 0) FROM take"
                                               " WHERE status NOT IN ('DROPPED', 'CREDITED')"));
  /* No two live takes of one subject, no live takes that clash. */
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM (SELECT subject_id FROM take"
                                    " WHERE status <> 'DROPPED' GROUP BY subject_id"
                                    " HAVING count(*) > 1)"), ==, 0);
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM take a JOIN take b ON a.id < b.id"
                                    " JOIN section_slot x ON x.section_id = a.section_id"
                                    " JOIN section_slot y ON y.section_id = b.section_id"
                                    " WHERE a.status <> 'DROPPED' AND b.status <> 'DROPPED'"
                                    " AND x.day = y.day AND x.start_min < y.end_min"
                                    " AND y.start_min < x.end_min"), ==, 0);
  acad_assert_rebuild (fx);
}

/* Finding F6: a lock held past the busy timeout is the typed, retryable
 * TALA_LEDGER_ERROR_BUSY, for an op, a read and a transaction alike;
 * opening a current ledger needs no write lock; and the op sent again
 * once the lock is gone is applied, once. */
static void
test_busy_is_typed (LedgerFixture *fx, gconstpointer d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TalaLedger) holder = NULL;
  g_autoptr(TalaLedger) other = NULL;
  g_autoptr(TalaLedger) late = NULL;
  g_autoptr(JsonObject) op = test_parse_object (
    "{\"op_id\":\"cccccccc-0000-4000-8000-00000000b001\",\"kind\":\"payment.record\","
    "\"actor\":\"cashier1\",\"args\":{" STUDENT ",\"amount\":\"10.00\",\"method\":\"CASH\"}}");
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) again = NULL;
  gint64 before;

  acad_f0_paid (fx);
  before = acad_scalar (fx, "SELECT count(*) FROM txn");
  holder = tala_ledger_open (fx->path, &error);
  g_assert_no_error (error);
  other = tala_ledger_open (fx->path, &error);
  g_assert_no_error (error);
  /* 50 ms instead of 10 s, so that the test does not wait. */
  sqlite3_busy_timeout (tala_ledger_get_handle (other), 50);
  g_assert_true (tala_ledger_begin (holder, &error));

  /* While another connection writes: a connection still opens ... */
  late = tala_ledger_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (late);
  /* ... an op is busy, not a database error, and decides nothing ... */
  g_assert_null (tala_ledger_apply (other, op, TALA_CHANNEL_TRUSTED, fx->now, NULL, &error));
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (tala_ledger_begin (other, &error));
  g_assert_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_BUSY);
  g_clear_error (&error);

  /* ... and sent again once the lock is gone, it is applied, once. */
  tala_ledger_rollback (holder);
  result = tala_ledger_apply (other, op, TALA_CHANNEL_TRUSTED, fx->now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  again = tala_ledger_apply (late, op, TALA_CHANNEL_TRUSTED, fx->now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (again, "status"), ==, "replayed");
  g_assert_cmpint (acad_scalar (fx, "SELECT count(*) FROM txn"), ==, before + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/ledger/concurrency/eight-connections-unit-cap", LedgerFixture, NULL,
              ledger_fixture_setup, test_eight_threads, ledger_fixture_teardown);
  g_test_add ("/ledger/concurrency/busy-is-typed", LedgerFixture, NULL,
              ledger_fixture_setup, test_busy_is_typed, ledger_fixture_teardown);
  return g_test_run ();
}
