/* test-soak.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fault-injection soak test of sync.  Five terminals record hundreds
 * of random ops each while offline (payments mostly, enrollments, drops
 * and grades, and ops bound to collide with the other terminals' ones),
 * then sync through a proxy (sync-proxy.c) that drops requests, drops
 * answers after the hub committed, duplicates and delays requests, while
 * the hub is killed with SIGKILL mid-push and restarted on its port, four
 * rounds of this.  The
 * terminals retry until their outboxes are empty; then every op is in the
 * hub's journal exactly once or rejected exactly once, every replica is
 * the hub, receipt numbers are unique and gap-free per terminal, the money
 * adds up everywhere, each rejection is in its own terminal's
 * needs-attention list, and `tala-hub check --rebuild` passes.  A second
 * test kills `tala-sync sync` again and again mid-way (a terminal that
 * crashes), a third has one terminal record 5,000 payments offline and
 * sync in one go.
 *
 * Everything random comes from one seed: TALA_SOAK_SEED, or a fixed
 * default; the test prints it.  The ops of the first round and the fault
 * each terminal's n-th request meets depend only on the seed
 * (sync-proxy.h); which of two colliding ops the hub takes first, and so
 * what is rejected and what later rounds record, depends on how the
 * threads run.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sync-proxy.h"
#include "tala-ledger-replica.h"
#include "tala-sync-engine.h"
#include "test-hub.h"

#define SOAK_DEFAULT_SEED  20261125u
#define N_TERMINALS        5
#define N_PHASES           4
#define OPS_PER_PHASE      105          /* 420 ops per terminal in all */
#define N_STUDENTS         40           /* 2025-00002 .. 2025-00041, besides F0's */
#define N_BUSY             12           /* students the registrar ops fight over */
#define N_NEXT_TERM        8            /* students two terminals may enroll for 2100 */
#define N_SHARED_REFS      30           /* GCASH references two terminals may both use */
#define PHASE_DEADLINE_S   100
#define LONG_OFFLINE_OPS   5000

/* ---- The hub -------------------------------------------------------------- */

/* Every terminal talks through the one proxy address, and retries log in
 * again: the per-address limit of anonymous requests (D-S3) is not what
 * this test is about. */
static const char *const hub_args[] = { "--rate-anon", "1000000", "--rate-auth", "1000000",
                                        NULL };

typedef struct
{
  char        *dir;
  char        *db;
  char        *url;
  guint16      port;
  guint32      seed;

  GMutex       lock;            /* hub, kills, killer, armed, phase_pushes, rand */
  GSubprocess *hub;
  guint        kills;
  GThread     *killer;
  gboolean     armed;
  guint        phase_pushes;
  GRand       *rand;
} Soak;

static guint32
soak_seed (void)
{
  const char *env = g_getenv ("TALA_SOAK_SEED");

  if (env != NULL && *env != '\0')
    return (guint32) g_ascii_strtoull (env, NULL, 10);
  return SOAK_DEFAULT_SEED;
}

/* test_apply_ok() that says why when it was refused. */
static void
seed_op (LedgerFixture *seed,
         const char    *kind,
         const char    *actor,
         const char    *args)
{
  g_autoptr(JsonObject) result = test_apply (seed, kind, actor, args);

  if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
    {
      g_autofree char *text = test_canonical (result);

      g_error ("%s %s: %s", kind, args, text);
    }
}

static void
prepare_ledger (LedgerFixture *seed)
{
  g_autoptr(GError) error = NULL;
  static const char *const users[][2] = {
    { "cashier1", "cashier-pass" }, { "registrar1", "registrar-pass" },
  };
  static const char *const sections[] = {
    /* Capacity to spare; CS102-B overlaps CS101-A (Monday 08:30). */
    "{\"semester\":\"2025-FIRST\",\"code\":\"CS101-A\",\"subject\":\"CS101\",\"capacity\":100,"
    "\"professor\":\"prof1\",\"slots\":[{\"day\":\"MON\",\"start\":\"08:00\",\"end\":\"09:30\"}]}",
    "{\"semester\":\"2025-FIRST\",\"code\":\"CS102-A\",\"subject\":\"CS102\",\"capacity\":100,"
    "\"professor\":\"prof1\",\"slots\":[{\"day\":\"TUE\",\"start\":\"08:00\",\"end\":\"09:30\"}]}",
    "{\"semester\":\"2025-FIRST\",\"code\":\"CS102-B\",\"subject\":\"CS102\",\"capacity\":100,"
    "\"professor\":\"prof2\",\"slots\":[{\"day\":\"MON\",\"start\":\"08:30\",\"end\":\"10:00\"}]}",
    "{\"semester\":\"2025-FIRST\",\"code\":\"CS103-A\",\"subject\":\"CS103\",\"capacity\":100,"
    "\"professor\":\"prof1\",\"slots\":[{\"day\":\"WED\",\"start\":\"08:00\",\"end\":\"09:30\"}]}",
    "{\"semester\":\"2025-FIRST\",\"code\":\"OJT21-A\",\"subject\":\"OJT21\",\"capacity\":100,"
    "\"professor\":\"prof1\",\"slots\":[{\"day\":\"SAT\",\"start\":\"08:00\",\"end\":\"17:00\"}]}",
    "{\"semester\":\"2025-FIRST\",\"code\":\"THS25-A\",\"subject\":\"THS25\",\"capacity\":100,"
    "\"professor\":\"prof1\",\"slots\":[{\"day\":\"FRI\",\"start\":\"08:00\",\"end\":\"17:00\"}]}",
  };

  test_load_f0 (seed);
  /* The F0 semester ends in 2025: stretch it so that today's ops belong
   * to it.  A next semester to enroll students in. */
  seed_op (seed, "catalog.semester.put", "admin",
                                    "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                                    "\"end_date\":\"2099-12-31\",\"enrollment_start\":"
                                    "\"2025-05-26\",\"enrollment_end\":\"2099-12-31\","
                                    "\"is_active\":true}");
  seed_op (seed, "catalog.semester.put", "admin",
                                    "{\"code\":\"2100-FIRST\",\"start_date\":\"2100-06-01\","
                                    "\"end_date\":\"2100-10-31\",\"enrollment_start\":"
                                    "\"2100-05-25\",\"enrollment_end\":\"2100-06-12\"}");
  seed_op (seed, "user.put", "admin", "{\"username\":\"prof2\",\"role\":\"PROFESSOR\","
           "\"first_name\":\"Rosa\",\"last_name\":\"Diaz\"}");
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    seed_op (seed, "catalog.section.put", "registrar1", sections[i]);
  /* Students 2025-00002.. with month 1 paid, the first N_BUSY of them
   * taking CS103 (to be dropped and graded). */
  for (guint i = 0; i < N_STUDENTS; i++)
    {
      g_autofree char *reg = g_strdup_printf ("{\"first_name\":\"Soak\",\"last_name\":"
                                              "\"Student %u\",\"program\":\"BSCS\","
                                              "\"enrollment\":{\"semester\":\"2025-FIRST\","
                                              "\"monthly_commitment\":\"2000.00\"}}", i);
      g_autofree char *pay = g_strdup_printf ("{\"student\":\"2025-%05u\",\"amount\":\"2000.00\","
                                              "\"method\":\"CASH\"}", i + 2);
      g_autofree char *take = g_strdup_printf ("{\"student\":\"2025-%05u\",\"semester\":"
                                               "\"2025-FIRST\",\"subject\":\"CS103\","
                                               "\"section\":\"CS103-A\"}", i + 2);

      seed_op (seed, "student.register", "registrar1", reg);
      seed_op (seed, "payment.record", "cashier1", pay);
      if (i < N_BUSY)
        seed_op (seed, "subject.enroll", "registrar1", take);
    }
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      tala_ledger_set_password (seed->ledger, users[i][0], users[i][1], NULL, seed->now, &error);
      g_assert_no_error (error);
    }
}

static void
soak_setup (Soak          *fx,
            gconstpointer  data)
{
  LedgerFixture seed = { 0 };

  fx->seed = soak_seed ();
  g_test_message ("seed %u (set TALA_SOAK_SEED to repeat or vary it)", fx->seed);
  fx->rand = g_rand_new_with_seed (fx->seed);
  g_mutex_init (&fx->lock);
  ledger_fixture_setup (&seed, NULL);
  prepare_ledger (&seed);
  fx->db = g_steal_pointer (&seed.path);
  g_clear_pointer (&seed.ledger, tala_ledger_free);
  fx->dir = g_path_get_dirname (fx->db);
  fx->hub = hub_spawn (fx->db, &fx->port, hub_args);
  fx->url = g_strdup_printf ("http://127.0.0.1:%u", fx->port);
}

static void
soak_teardown (Soak          *fx,
               gconstpointer  data)
{
  if (fx->killer != NULL)
    g_thread_join (fx->killer);
  if (fx->hub != NULL)
    hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  g_rand_free (fx->rand);
  g_mutex_clear (&fx->lock);
  g_free (fx->db);
  g_free (fx->dir);
  g_free (fx->url);
}

typedef struct
{
  Soak  *fx;
  guint  delay_ms;
} Kill;

/* SIGKILL a few ms after a push went to the hub, then the same port again. */
static gpointer
killer_thread (gpointer data)
{
  Kill *k = data;
  Soak *fx = k->fx;
  guint16 port = fx->port;

  g_usleep (k->delay_ms * G_TIME_SPAN_MILLISECOND);
  g_mutex_lock (&fx->lock);
  hub_spawn_stop (fx->hub, TRUE);
  g_clear_object (&fx->hub);
  fx->kills++;
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  fx->hub = hub_spawn (fx->db, &port, hub_args);
  g_assert_cmpuint (port, ==, fx->port);
  g_mutex_unlock (&fx->lock);
  g_free (k);
  return NULL;
}

/* The proxy's hook: the second push of each phase kills the hub. */
static void
on_push (guint    n,
         gpointer user_data)
{
  Soak *fx = user_data;

  g_mutex_lock (&fx->lock);
  if (fx->armed && ++fx->phase_pushes == 2)
    {
      Kill *k = g_new0 (Kill, 1);

      k->fx = fx;
      k->delay_ms = (guint) g_rand_int_range (fx->rand, 2, 40);
      fx->armed = FALSE;
      g_assert_null (fx->killer);
      fx->killer = g_thread_new ("hub-killer", killer_thread, k);
    }
  g_mutex_unlock (&fx->lock);
}

static void
wait_for_killer (Soak *fx)
{
  GThread *killer;

  g_mutex_lock (&fx->lock);
  killer = g_steal_pointer (&fx->killer);
  g_mutex_unlock (&fx->lock);
  if (killer != NULL)
    g_thread_join (killer);
}

static TalaLedger *
hub_ledger (Soak *fx)
{
  g_autoptr(GError) error = NULL;
  TalaLedger *ledger = tala_ledger_open (fx->db, &error);

  g_assert_no_error (error);
  return ledger;
}

static gint64
scalar (TalaLedger *ledger,
        const char *sql,
        const char *text)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (tala_ledger_get_handle (ledger), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* ---- Terminals ------------------------------------------------------------ */

typedef struct
{
  char   *op_id;
  char   *kind;
  gint64  receipt;        /* receipt number of a payment, else 0 */
} Recorded;

static void
recorded_free (gpointer data)
{
  Recorded *r = data;

  g_free (r->op_id);
  g_free (r->kind);
  g_free (r);
}

typedef struct
{
  Soak           *fx;
  char           *code;
  char           *path;
  TalaReplica    *replica;
  TalaSyncClient *client;       /* through the proxy */
  char           *token;
  GRand          *rand;
  GPtrArray      *recorded;     /* Recorded, in order */
  GPtrArray      *payments;     /* op_ids of own payments not voided */
  GPtrArray      *students;     /* own provisional numbers */
  guint           refused;      /* ops the replica refused at once */
  guint           next_ref;
  /* The sync thread. */
  GThread        *thread;
  gboolean        done;
  guint           cycles;
  guint           errors;
  guint           extra;        /* times ops were recorded between cycles */
  guint           reopened;     /* times the replica was closed and opened */
  char           *last_error;
  TalaSyncStats   stats;
  gdouble         seconds;
} Terminal;

static void
terminal_free (Terminal *t)
{
  g_clear_pointer (&t->replica, tala_replica_free);
  g_clear_pointer (&t->client, tala_sync_client_free);
  g_rand_free (t->rand);
  g_ptr_array_unref (t->recorded);
  g_ptr_array_unref (t->payments);
  g_ptr_array_unref (t->students);
  g_free (t->code);
  g_free (t->path);
  g_free (t->last_error);
  g_free (t->token);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Terminal, terminal_free)

/* Registers and bootstraps straight at the hub, or through @base_url
 * (retrying each step until it works) when @late; syncs through
 * @base_url. */
static Terminal *
terminal_new_full (Soak       *fx,
                   const char *code,
                   const char *base_url,
                   gboolean    late)
{
  Terminal *t = g_new0 (Terminal, 1);
  g_autoptr(TalaSyncClient) direct = tala_sync_client_new (late ? base_url : fx->url, NULL);
  TalaSyncClientOptions options = { .connect_timeout_s = 5, .timeout_s = 60, .low_speed_s = 30 };
  g_autoptr(JsonObject) reg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("replica-%s.db", code);
  const char *token;
  gint64 deadline = g_get_monotonic_time () + PHASE_DEADLINE_S * G_USEC_PER_SEC;

  t->fx = fx;
  t->code = g_strdup (code);
  t->path = g_build_filename (fx->dir, name, NULL);
  t->rand = g_rand_new_with_seed (fx->seed ^ g_str_hash (code));
  t->recorded = g_ptr_array_new_with_free_func (recorded_free);
  t->payments = g_ptr_array_new_with_free_func (g_free);
  t->students = g_ptr_array_new_with_free_func (g_free);
  /* Through the proxy a register may be duplicated, which revokes the
   * token the first copy issued: then register and bootstrap again. */
  for (;;)
    {
      g_clear_pointer (&reg, json_object_unref);
      g_clear_error (&error);
      reg = tala_sync_register (direct, "cashier1", "cashier-pass", code, NULL, &error);
      if (reg != NULL)
        {
          token = json_object_get_string_member (reg, "device_token");
          g_free (t->token);
          t->token = g_strdup (token);
          tala_sync_client_set_token (direct, token);
          for (guint k = 0; k < 3; k++)
            {
              g_autofree char *wal = g_strconcat (t->path, "-wal", NULL);

              g_unlink (k == 0 ? t->path : wal);
            }
          if (tala_sync_bootstrap (direct, reg, t->path, NULL, NULL, NULL, &error))
            break;
          tala_sync_client_set_token (direct, NULL);
        }
      if (!late || g_get_monotonic_time () >= deadline)
        break;
      t->errors++;
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
  g_assert_no_error (error);
  t->replica = tala_replica_open (t->path, &error);
  g_assert_no_error (error);
  t->client = tala_sync_client_new (base_url, &options);
  tala_sync_client_set_token (t->client, t->token);
  return t;
}

static Terminal *
terminal_new (Soak       *fx,
              const char *code,
              const char *base_url)
{
  return terminal_new_full (fx, code, base_url, FALSE);
}

static gpointer
terminal_join_thread (gpointer data)
{
  Terminal **slot = data;
  Terminal *t = *slot;

  /* A placeholder carries the arguments in. */
  *slot = terminal_new_full (t->fx, t->code, t->path, TRUE);
  g_free (t->code);
  g_free (t->path);
  g_free (t);
  return NULL;
}

static const char *
pick (GRand             *rand,
      const char *const *items,
      guint              n)
{
  return items[g_rand_int_range (rand, 0, (gint32) n)];
}

static char *
any_student (Terminal *t)
{
  if (t->students->len > 0 && g_rand_int_range (t->rand, 0, 10) == 0)
    return g_strdup (g_ptr_array_index (t->students, g_rand_int_range (t->rand, 0,
                                                                       (gint32) t->students->len)));
  return g_strdup_printf ("2025-%05d", g_rand_int_range (t->rand, 1, N_STUDENTS + 2));
}

static char *
busy_student (Terminal *t)
{
  return g_strdup_printf ("2025-%05d", g_rand_int_range (t->rand, 2, N_BUSY + 2));
}

/* The op_id of a payment of any terminal that the replica holds, not
 * voided; NULL when there is none. */
static char *
synced_payment (Terminal *t)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = tala_ledger_get_handle (tala_replica_get_ledger (t->replica));
  char *payment = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT uuid FROM txn WHERE type = 'PAYMENT'"
                                       " AND voided_by IS NULL AND device <> 'HUB'"
                                       " ORDER BY id LIMIT 1 OFFSET ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, g_rand_int_range (t->rand, 0, 400));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    payment = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return payment;
}

/* One random op as {kind, actor?, args}; most are payments. */
static JsonObject *
random_op (Terminal *t)
{
  static const char *const takes[][2] = {
    { "CS101", "CS101-A" }, { "CS102", "CS102-A" }, { "CS102", "CS102-B" },
    { "OJT21", "OJT21-A" }, { "THS25", "THS25-A" }, { "CS103", "CS103-A" },
  };
  static const char *const graded[] = { "CS103", "CS103", "CS101", "OJT21" };
  static const char *const grades[] = { "1.00", "1.50", "2.00", "2.75", "3.00", "5.00", "INC" };
  g_autofree char *text = NULL;
  g_autofree char *student = NULL;
  guint dice = (guint) g_rand_int_range (t->rand, 0, 100);

  if (dice < 70)
    {
      guint how = (guint) g_rand_int_range (t->rand, 0, 20);
      g_autofree char *method = NULL;
      const char *semester = "";

      student = any_student (t);
      if (how < 17)
        method = g_strdup ("\"method\":\"CASH\"");
      else if (how < 19)
        method = g_strdup_printf ("\"method\":\"GCASH\",\"reference_number\":\"R-%s-%u\"",
                                  t->code, ++t->next_ref);
      else
        /* A reference another terminal may use too: duplicate_reference. */
        method = g_strdup_printf ("\"method\":\"GCASH\",\"reference_number\":\"SHARED-%d\"",
                                  g_rand_int_range (t->rand, 0, N_SHARED_REFS));
      /* Now and then for the next semester, which another terminal may
       * be enrolling the student in. */
      if (g_rand_int_range (t->rand, 0, 20) == 0)
        {
          g_free (student);
          student = g_strdup_printf ("2025-%05d", g_rand_int_range (t->rand, 2, N_NEXT_TERM + 2));
          semester = ",\"semester\":\"2100-FIRST\"";
        }
      text = g_strdup_printf ("{\"kind\":\"payment.record\",\"args\":{\"student\":\"%s\","
                              "\"amount\":\"%d.%02d\",%s%s}}", student,
                              g_rand_int_range (t->rand, 1, 3000),
                              g_rand_int_range (t->rand, 0, 100), method, semester);
    }
  else if (dice < 72 && t->payments->len > 0)
    {
      guint i = (guint) g_rand_int_range (t->rand, 0, (gint32) t->payments->len);

      text = g_strdup_printf ("{\"kind\":\"payment.void\",\"args\":{\"payment\":\"%s\","
                              "\"reason\":\"soak: wrong amount\"}}",
                              (char *) g_ptr_array_index (t->payments, i));
    }
  else if (dice < 75)
    {
      /* Any terminal's payment this replica knows of: two terminals may
       * void the same one (already_voided), or correct it. */
      g_autofree char *payment = synced_payment (t);

      if (payment == NULL)
        return random_op (t);
      if (g_rand_boolean (t->rand))
        text = g_strdup_printf ("{\"kind\":\"payment.void\",\"args\":{\"payment\":\"%s\","
                                "\"reason\":\"soak: duplicate\"}}", payment);
      else
        text = g_strdup_printf ("{\"kind\":\"payment.adjust\",\"args\":{\"payment\":"
                                "\"%s\",\"amount\":\"%s%d.00\",\"reason\":\"soak\"}}",
                                payment, g_rand_boolean (t->rand) ? "-" : "",
                                g_rand_int_range (t->rand, 1, 50));
    }
  else if (dice < 84)
    {
      guint i = (guint) g_rand_int_range (t->rand, 0, G_N_ELEMENTS (takes));

      student = busy_student (t);
      text = g_strdup_printf ("{\"kind\":\"subject.enroll\",\"actor\":\"registrar1\",\"args\":"
                              "{\"student\":\"%s\",\"semester\":\"2025-FIRST\",\"subject\":\"%s\","
                              "\"section\":\"%s\"}}", student, takes[i][0], takes[i][1]);
    }
  else if (dice < 89)
    {
      student = busy_student (t);
      text = g_strdup_printf ("{\"kind\":\"subject.drop\",\"actor\":\"registrar1\",\"args\":"
                              "{\"student\":\"%s\",\"semester\":\"2025-FIRST\",\"subject\":\"%s\","
                              "\"reason\":\"soak\"}}", student,
                              g_rand_int_range (t->rand, 0, 3) == 0
                              ? takes[g_rand_int_range (t->rand, 0, G_N_ELEMENTS (takes))][0]
                              : "CS103");
    }
  else if (dice < 95)
    {
      student = busy_student (t);
      text = g_strdup_printf ("{\"kind\":\"grade.submit\",\"actor\":\"registrar1\",\"args\":"
                              "{\"student\":\"%s\",\"semester\":\"2025-FIRST\",\"subject\":\"%s\","
                              "\"grade\":\"%s\"}}", student,
                              pick (t->rand, graded, G_N_ELEMENTS (graded)),
                              pick (t->rand, grades, G_N_ELEMENTS (grades)));
    }
  else if (dice < 96 && g_rand_int_range (t->rand, 0, 4) == 0)
    /* The registrar closes a section's grades: later grades and drops of
     * its takes are refused (grade_finalized). */
    text = g_strdup ("{\"kind\":\"grade.finalize\",\"actor\":\"registrar1\",\"args\":"
                     "{\"semester\":\"2025-FIRST\",\"section\":\"CS101-A\"}}");
  else if (dice < 97)
    {
      student = g_strdup_printf ("2025-%05d", g_rand_int_range (t->rand, 2, N_NEXT_TERM + 2));
      text = g_strdup_printf ("{\"kind\":\"enrollment.create\",\"actor\":\"registrar1\",\"args\":"
                              "{\"student\":\"%s\",\"semester\":\"2100-FIRST\","
                              "\"monthly_commitment\":\"1000.00\"}}", student);
    }
  else
    text = g_strdup_printf ("{\"kind\":\"student.register\",\"actor\":\"registrar1\",\"args\":"
                            "{\"first_name\":\"Walk\",\"last_name\":\"In %s %u\",\"program\":"
                            "\"BSCS\",\"enrollment\":{\"semester\":\"2025-FIRST\","
                            "\"monthly_commitment\":\"1500.00\"}}}", t->code,
                            t->recorded->len);
  return test_parse_object (text);
}

/* Records @n ops offline (refused ones do not count). */
static void
terminal_record (Terminal *t,
                 guint     n)
{
  guint done = 0, refused = 0;

  while (done < n)
    {
      g_autoptr(JsonObject) op = random_op (t);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) result = tala_replica_record (t->replica, op, tala_now_us (), &error);
      const char *kind = json_object_get_string_member (op, "kind");
      JsonObject *res;
      Recorded *r;

      g_assert_no_error (error);
      if (strcmp (json_object_get_string_member (result, "status"), "applied") != 0)
        {
          t->refused++;
          g_assert_cmpuint (++refused, <, 20 * n + 100);
          continue;
        }
      res = json_object_get_object_member (result, "result");
      r = g_new0 (Recorded, 1);
      r->op_id = g_strdup (json_object_get_string_member (result, "op_id"));
      r->kind = g_strdup (kind);
      if (strcmp (kind, "payment.record") == 0)
        {
          const char *no = json_object_get_string_member (res, "receipt_no");

          g_assert_true (g_str_has_prefix (no, t->code));
          r->receipt = g_ascii_strtoll (no + strlen (t->code) + 1, NULL, 10);
          g_ptr_array_add (t->payments, g_strdup (r->op_id));
        }
      else if (strcmp (kind, "payment.void") == 0)
        {
          const char *payment = json_object_get_string_member (
            json_object_get_object_member (op, "args"), "payment");

          for (guint i = 0; i < t->payments->len; i++)
            if (strcmp (g_ptr_array_index (t->payments, i), payment) == 0)
              {
                g_ptr_array_remove_index (t->payments, i);
                break;
              }
        }
      else if (strcmp (kind, "student.register") == 0)
        g_ptr_array_add (t->students,
                         g_strdup (json_object_get_string_member (res, "provisional_number")));
      g_ptr_array_add (t->recorded, r);
      done++;
    }
}

/* Sync cycles until the outbox is empty, retrying every failure, until
 * the deadline. */
static gpointer
terminal_sync_thread (gpointer data)
{
  Terminal *t = data;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + PHASE_DEADLINE_S * G_USEC_PER_SEC;

  t->done = FALSE;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) status = NULL;

      t->cycles++;
      if (!tala_sync_once (t->replica, t->client, &t->stats, NULL, &error))
        {
          t->errors++;
          g_free (t->last_error);
          t->last_error = g_strdup_printf ("%s (%s %d)", error->message,
                                           g_quark_to_string (error->domain), error->code);
          /* A replica that diverged will not heal by retrying. */
          if (g_error_matches (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_DIVERGED))
            break;
          g_usleep ((gulong) g_rand_int_range (t->rand, 20, 120) * G_TIME_SPAN_MILLISECOND);
          /* Meanwhile the cashier goes on working, or the terminal
           * restarts. */
          g_clear_error (&error);
          switch (g_rand_int_range (t->rand, 0, 4))
            {
            case 0:
              terminal_record (t, (guint) g_rand_int_range (t->rand, 1, 4));
              t->extra++;
              break;
            case 1:
              g_clear_pointer (&t->replica, tala_replica_free);
              t->replica = tala_replica_open (t->path, &error);
              g_assert_no_error (error);
              t->reopened++;
              break;
            default:
              break;
            }
          continue;
        }
      status = tala_replica_status (t->replica, tala_now_us (), &error);
      g_assert_no_error (error);
      if (json_object_get_int_member (status, "pending") == 0 &&
          json_object_get_int_member (status, "acknowledged") == 0)
        {
          t->done = TRUE;
          break;
        }
    }
  t->seconds = (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC;
  return NULL;
}

/* All terminals sync at once through the faults until every outbox is
 * empty; the second push kills the hub. */
static void
sync_phase (Soak      *fx,
            Terminal **terms,
            guint      n_terms,
            guint      phase)
{
  g_mutex_lock (&fx->lock);
  fx->armed = TRUE;
  fx->phase_pushes = 0;
  g_mutex_unlock (&fx->lock);
  for (guint i = 0; i < n_terms; i++)
    terms[i]->thread = g_thread_new (terms[i]->code, terminal_sync_thread, terms[i]);
  for (guint i = 0; i < n_terms; i++)
    {
      Terminal *t = terms[i];

      g_thread_join (g_steal_pointer (&t->thread));
      g_test_message ("phase %u: %s %s after %.1f s: %u cycles, %u failed (last: %s), "
                      "recorded between cycles %u times, reopened %u times; "
                      "pushed %u, applied %u, rejected %u, deferred %u, pulled %u",
                      phase, t->code, t->done ? "converged" : "DID NOT CONVERGE", t->seconds,
                      t->cycles, t->errors, t->last_error ? t->last_error : "-", t->extra,
                      t->reopened,
                      t->stats.pushed, t->stats.applied, t->stats.rejected, t->stats.deferred,
                      t->stats.pulled);
    }
  wait_for_killer (fx);
  for (guint i = 0; i < n_terms; i++)
    {
      if (!terms[i]->done)
        g_error ("seed %u: terminal %s did not converge in %d s: %s", fx->seed, terms[i]->code,
                 PHASE_DEADLINE_S, terms[i]->last_error ? terms[i]->last_error : "-");
    }
}

static char *
checksum (TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  char *sum = tala_ledger_checksum (ledger, &error);

  g_assert_no_error (error);
  return sum;
}

static void
assert_money (TalaLedger *ledger,
              const char *who,
              guint32     seed)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  if (!tala_ledger_check_money (ledger, report, &error))
    {
      g_assert_no_error (error);
      g_error ("seed %u: the money does not add up on %s:\n%s", seed, who, report->str);
    }
}

/* Σ allocations + credit = Σ transactions, directly on the rows. */
static void
assert_balanced (TalaLedger *ledger)
{
  gint64 txns = scalar (ledger, "SELECT coalesce(sum(amount), 0) FROM txn", NULL);
  gint64 paid = scalar (ledger, "SELECT coalesce(sum(paid_total), 0) FROM bucket", NULL);
  gint64 credit = scalar (ledger, "SELECT (SELECT coalesce(sum(credit), 0) FROM enrollment) +"
                                  " (SELECT coalesce(sum(net), 0) FROM student_account)",
                          NULL);

  g_assert_cmpint (paid + credit, ==, txns);
}

/* Everything the soak asserts at the end, the hub stopped afterwards:
 * every op of @terms once in the journal or rejected once and listed in
 * its terminal's attention list, every replica the hub, the series
 * gap-free, the money balanced, and `tala-hub check --rebuild`.  Returns
 * the number of rejected ops. */
static guint
verify (Soak      *fx,
        Terminal **terms,
        guint      n_terms)
{
  g_autoptr(TalaLedger) hub = NULL;
  g_autofree char *hub_sum = NULL;
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) histogram = g_string_new (NULL);
  guint applied = 0, rejected = 0, total = 0;

  hub = hub_ledger (fx);
  hub_sum = checksum (hub);
  assert_money (hub, "the hub", fx->seed);
  assert_balanced (hub);
  for (guint i = 0; i < n_terms; i++)
    {
      Terminal *t = terms[i];
      TalaLedger *replica = tala_replica_get_ledger (t->replica);
      g_autofree char *sum = checksum (replica);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonArray) attention = tala_replica_attention (t->replica, TRUE, tala_now_us (),
                                                               &error);
      g_autoptr(JsonObject) status = tala_replica_status (t->replica, tala_now_us (), &error);
      g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GArray) receipts = g_array_new (FALSE, TRUE, sizeof (guint8));
      guint t_rejected = 0, payments = 0;

      g_assert_no_error (error);
      /* The replica is the hub; the outbox is empty. */
      if (g_strcmp0 (sum, hub_sum) != 0)
        g_error ("seed %u: replica %s differs from the hub", fx->seed, t->code);
      g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (status, "acknowledged"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (status, "deferred"), ==, 0);
      assert_money (replica, t->code, fx->seed);
      assert_balanced (replica);

      for (guint j = 0; j < json_array_get_length (attention); j++)
        {
          JsonObject *a = json_array_get_object_element (attention, j);
          const char *op_id = json_object_get_string_member (a, "op_id");

          /* Listed once, and only here. */
          g_assert_false (g_hash_table_contains (listed, op_id));
          g_hash_table_add (listed, (gpointer) op_id);
          for (guint k = 0; k < n_terms; k++)
            if (k != i)
              {
                g_autoptr(JsonArray) other = tala_replica_attention (terms[k]->replica, TRUE,
                                                                     tala_now_us (), &error);

                g_assert_no_error (error);
                for (guint m = 0; m < json_array_get_length (other); m++)
                  g_assert_cmpstr (json_object_get_string_member (
                                     json_array_get_object_element (other, m), "op_id"),
                                   !=, op_id);
              }
        }

      g_array_set_size (receipts, t->recorded->len + 2);
      for (guint j = 0; j < t->recorded->len; j++)
        {
          Recorded *r = g_ptr_array_index (t->recorded, j);
          gint64 in_journal = scalar (hub, "SELECT count(*) FROM journal WHERE op_id = ?1",
                                      r->op_id);
          gint64 was_rejected = scalar (hub, "SELECT count(*) FROM applied_op WHERE op_id = ?1"
                                             " AND status = 'rejected'", r->op_id);
          gint64 decided = scalar (hub, "SELECT count(*) FROM applied_op WHERE op_id = ?1",
                                   r->op_id);

          total++;
          if (in_journal + was_rejected != 1 || decided != 1)
            g_error ("seed %u: %s's op %s (%s): %" G_GINT64_FORMAT " journal entries, %"
                     G_GINT64_FORMAT " rejections, %" G_GINT64_FORMAT " decisions",
                     fx->seed, t->code, r->op_id, r->kind, in_journal, was_rejected, decided);
          if (in_journal == 1)
            {
              applied++;
              g_assert_false (g_hash_table_contains (listed, r->op_id));
            }
          else
            {
              g_autofree char *code = NULL;
              sqlite3_stmt *stmt = NULL;

              rejected++;
              t_rejected++;
              if (!g_hash_table_contains (listed, r->op_id))
                g_error ("seed %u: %s's rejected op %s (%s) is not in its attention list",
                         fx->seed, t->code, r->op_id, r->kind);
              g_assert_cmpint (sqlite3_prepare_v2 (tala_ledger_get_handle (hub),
                                                   "SELECT json_extract (result_json,"
                                                   " '$.error.code') FROM applied_op"
                                                   " WHERE op_id = ?1", -1, &stmt, NULL),
                               ==, SQLITE_OK);
              sqlite3_bind_text (stmt, 1, r->op_id, -1, SQLITE_STATIC);
              g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
              code = g_strdup_printf ("%s %s", r->kind,
                                      (const char *) sqlite3_column_text (stmt, 0));
              sqlite3_finalize (stmt);
              g_hash_table_insert (codes, (gpointer) g_intern_string (code),
                                   GUINT_TO_POINTER (GPOINTER_TO_UINT (
                                     g_hash_table_lookup (codes, g_intern_string (code))) + 1));
            }
          /* Receipt numbers: each of 1..payments once, applied or not. */
          if (r->receipt > 0)
            {
              g_assert_cmpint (r->receipt, <, receipts->len);
              g_assert_cmpuint (g_array_index (receipts, guint8, r->receipt), ==, 0);
              g_array_index (receipts, guint8, r->receipt) = 1;
              payments++;
            }
        }
      for (guint j = 1; j <= payments; j++)
        g_assert_cmpuint (g_array_index (receipts, guint8, j), ==, 1);
      g_assert_cmpuint (g_hash_table_size (listed), ==, t_rejected);
      {
        g_autofree char *like = g_strdup_printf ("%s-%%", t->code);
        gint64 on_hub = scalar (hub, "SELECT count(*) FROM txn WHERE receipt_no LIKE ?1", like);
        gint64 distinct = scalar (hub, "SELECT count(DISTINCT receipt_no) FROM txn"
                                       " WHERE receipt_no LIKE ?1", like);
        gint64 rejected_pay = 0;

        for (guint j = 0; j < t->recorded->len; j++)
          {
            Recorded *r = g_ptr_array_index (t->recorded, j);

            if (r->receipt > 0 &&
                scalar (hub, "SELECT count(*) FROM journal WHERE op_id = ?1", r->op_id) == 0)
              rejected_pay++;
          }
        g_assert_cmpint (on_hub, ==, distinct);
        g_assert_cmpint (on_hub + rejected_pay, ==, payments);
        /* The hub's record of the series matches. */
        g_assert_cmpint (scalar (hub, "SELECT coalesce(max(receipt_seq), 0) FROM txn"
                                      " WHERE receipt_series = ?1", t->code), <=, payments);
      }
      /* The hub's record of the terminal's series: every op recorded took
       * the next device_seq, every payment the next receipt. */
      g_assert_cmpint (scalar (hub, "SELECT max_device_seq FROM device_counter WHERE device = ?1",
                               t->code), ==, t->recorded->len);
      g_assert_cmpint (scalar (hub, "SELECT max_receipt FROM device_counter WHERE device = ?1",
                               t->code), ==, payments);
      /* No stray op of this terminal. */
      g_assert_cmpint (scalar (hub, "SELECT count(*) FROM journal WHERE"
                                    " json_extract (op_json, '$.device') = ?1", t->code),
                       ==, t->recorded->len - t_rejected);
    }
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, codes);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_string_append_printf (histogram, " %s ×%u;", (char *) key, GPOINTER_TO_UINT (value));
  }
  g_test_message ("%u ops: %u applied, %u rejected:%s", total, applied, rejected,
                  histogram->str);
  g_clear_pointer (&hub, tala_ledger_free);

  /* `tala-hub check --rebuild` on the stopped hub's database. */
  hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  {
    const char *argv[] = { g_getenv ("TALA_HUB"), "check", "--rebuild", "--db", fx->db, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    int wait_status;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                  &wait_status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (wait_status, NULL))
      g_error ("seed %u: tala-hub check --rebuild failed:\n%s%s", fx->seed, out, err);
  }
  return rejected;
}

static void
test_soak_faults (Soak          *fx,
                  gconstpointer  data)
{
  g_autoptr(SyncProxy) proxy = sync_proxy_new (fx->port, fx->seed);
  Terminal *terms[N_TERMINALS + 1] = { NULL };
  guint n_terms = N_TERMINALS;
  SyncProxyStats ps;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < N_TERMINALS; i++)
    {
      g_autofree char *code = g_strdup_printf ("C%02u", i + 1);
      g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u/t/%s",
                                               sync_proxy_get_port (proxy), code);

      terms[i] = terminal_new (fx, code, base);
    }
  sync_proxy_set_push_func (proxy, on_push, fx);
  /* A fault on about a third of the requests; a delay on half. */
  sync_proxy_set_faults (proxy, 0.10, 0.12, 0.10, 0.5, 200);

  for (guint phase = 1; phase <= N_PHASES; phase++)
    {
      GThread *joiner = NULL;

      for (guint i = 0; i < n_terms; i++)
        terminal_record (terms[i], OPS_PER_PHASE);
      /* In the second round a new terminal registers and bootstraps
       * through the faults while the others push. */
      if (phase == 2)
        {
          Terminal *args = g_new0 (Terminal, 1);

          args->fx = fx;
          args->code = g_strdup ("C06");
          args->path = g_strdup_printf ("http://127.0.0.1:%u/t/C06", sync_proxy_get_port (proxy));
          terms[N_TERMINALS] = args;
          joiner = g_thread_new ("C06-join", terminal_join_thread, &terms[N_TERMINALS]);
        }
      sync_phase (fx, terms, n_terms, phase);
      if (joiner != NULL)
        {
          g_thread_join (joiner);
          g_test_message ("C06 joined after %u failed attempts", terms[N_TERMINALS]->errors);
          terms[N_TERMINALS]->errors = 0;
          n_terms++;
        }
    }
  g_assert_cmpuint (fx->kills, ==, N_PHASES);

  /* A last quiet round, so that every replica has every entry. */
  sync_proxy_set_faults (proxy, 0, 0, 0, 0, 0);
  g_assert_cmpuint (n_terms, ==, N_TERMINALS + 1);
  for (guint i = 0; i < n_terms; i++)
    {
      g_autoptr(GError) error = NULL;
      TalaSyncStats stats = { 0 };

      tala_sync_once (terms[i]->replica, terms[i]->client, &stats, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (stats.pushed, ==, 0);
    }
  sync_proxy_get_stats (proxy, &ps);
  g_test_message ("proxy: %u requests, %u forwarded, %u answered, %u requests dropped, "
                  "%u answers dropped, %u duplicated, %u delayed, %u failed upstream, "
                  "%u pushes forwarded (of the pushes: %u dropped, %u answers dropped, "
                  "%u duplicated, %u found no hub: killed under them or down); "
                  "hub killed %u times",
                  ps.requests, ps.forwarded, ps.answered, ps.dropped_requests,
                  ps.dropped_responses, ps.duplicated, ps.delayed, ps.upstream_failed,
                  ps.pushes, ps.push_faults[0], ps.push_faults[1], ps.push_faults[2],
                  ps.push_upstream_failed, fx->kills);
  /* A 5xx is a bug, faults or not. */
  g_assert_cmpuint (ps.server_errors, ==, 0);
  g_assert_cmpuint (ps.dropped_requests, >, 0);
  g_assert_cmpuint (ps.dropped_responses, >, 0);
  g_assert_cmpuint (ps.duplicated, >, 0);

  for (guint i = 0; i < N_TERMINALS; i++)
    g_assert_cmpuint (terms[i]->recorded->len, >=, 400);
  /* The collisions are built in: some must have been refused. */
  g_assert_cmpuint (verify (fx, terms, n_terms), >=, 5);
  for (guint i = 0; i < n_terms; i++)
    terminal_free (terms[i]);
  g_test_message ("soak: %.1f s in all",
                  (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC);
}

/* A terminal killed mid-sync: `tala-sync sync --once` on a replica with
 * 300 ops pending, through the faults, SIGKILLed after a random few ms,
 * again and again, while another terminal keeps the journal moving; then
 * left to finish.  Nothing is lost or doubled. */
static void
test_soak_terminal_crash (Soak          *fx,
                          gconstpointer  data)
{
  g_autofree char *hub_dir = g_path_get_dirname (g_getenv ("TALA_HUB"));
  g_autofree char *top = g_path_get_dirname (hub_dir);
  g_autofree char *tala_sync = g_build_filename (top, "sync", "tala-sync", NULL);
  g_autoptr(SyncProxy) proxy = NULL;
  g_autofree char *base = NULL;
  g_autofree char *keys_path = NULL;
  g_autofree char *keys_data = NULL;
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  Terminal *terms[2];
  guint killed = 0, runs = 0;
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  gboolean done = FALSE;

  if (!g_file_test (tala_sync, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("tala-sync is not built beside tala-hub");
      return;
    }
  proxy = sync_proxy_new (fx->port, fx->seed);
  base = g_strdup_printf ("http://127.0.0.1:%u/t/C07", sync_proxy_get_port (proxy));
  terms[0] = terminal_new (fx, "C07", base);
  terms[1] = terminal_new (fx, "C08", fx->url);
  sync_proxy_set_faults (proxy, 0.05, 0.05, 0.05, 0.5, 50);
  /* The credentials tala-sync reads beside the replica. */
  keys_path = g_strconcat (terms[0]->path, ".credentials", NULL);
  g_key_file_set_string (keys, "hub", "url", base);
  g_key_file_set_string (keys, "hub", "token", terms[0]->token);
  g_key_file_set_string (keys, "terminal", "code", "C07");
  g_key_file_set_string (keys, "terminal", "username", "cashier1");
  keys_data = g_key_file_to_data (keys, NULL, NULL);
  g_file_set_contents_full (keys_path, keys_data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                            &error);
  g_assert_no_error (error);

  terminal_record (terms[0], 300);
  terminal_record (terms[1], 100);
  g_clear_pointer (&terms[0]->replica, tala_replica_free);
  while (!done)
    {
      const char *argv[] = { tala_sync, "sync", "--once", "--replica", terms[0]->path, NULL };
      g_autoptr(GSubprocess) proc = NULL;
      TalaSyncStats stats = { 0 };
      gboolean kill = runs < 25;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      /* The other terminal moves the journal on. */
      terminal_record (terms[1], 3);
      tala_sync_once (terms[1]->replica, terms[1]->client, &stats, NULL, &error);
      g_assert_no_error (error);

      proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      runs++;
      if (kill)
        {
          g_usleep ((gulong) g_rand_int_range (terms[0]->rand, 5, 400) *
                    G_TIME_SPAN_MILLISECOND);
          g_subprocess_force_exit (proc);
        }
      g_subprocess_wait (proc, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (proc))
        killed++;
      else if (!kill && g_subprocess_get_exit_status (proc) == 0)
        {
          g_autoptr(TalaReplica) replica = tala_replica_open (terms[0]->path, &error);
          g_autoptr(JsonObject) status = NULL;

          g_assert_no_error (error);
          status = tala_replica_status (replica, tala_now_us (), &error);
          g_assert_no_error (error);
          done = json_object_get_int_member (status, "pending") == 0 &&
                 json_object_get_int_member (status, "acknowledged") == 0;
        }
    }
  g_test_message ("tala-sync ran %u times, %u of them killed mid-way", runs, killed);
  g_assert_cmpuint (killed, >=, 1);

  /* Both terminals to the end of the journal, quietly. */
  sync_proxy_set_faults (proxy, 0, 0, 0, 0, 0);
  terms[0]->replica = tala_replica_open (terms[0]->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      TalaSyncStats stats = { 0 };

      tala_sync_once (terms[i]->replica, terms[i]->client, &stats, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (stats.pushed, ==, 0);
    }
  verify (fx, terms, 2);
  for (guint i = 0; i < 2; i++)
    terminal_free (terms[i]);
}

/* One terminal records 5,000 payments offline and syncs in one go. */
static void
test_soak_long_offline (Soak          *fx,
                        gconstpointer  data)
{
  g_autoptr(Terminal) t = terminal_new (fx, "C09", fx->url);
  g_autoptr(TalaLedger) hub = NULL;
  g_autofree char *hub_sum = NULL;
  g_autofree char *sum = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = NULL;
  TalaSyncStats stats = { 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 synced;

  for (guint i = 0; i < LONG_OFFLINE_OPS; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"kind\":\"payment.record\",\"args\":"
                                               "{\"student\":\"2025-%05d\",\"amount\":"
                                               "\"%d.%02d\",\"method\":\"CASH\"}}",
                                               g_rand_int_range (t->rand, 1, N_STUDENTS + 2),
                                               g_rand_int_range (t->rand, 1, 500),
                                               g_rand_int_range (t->rand, 0, 100));
      g_autoptr(JsonObject) op = test_parse_object (text);
      g_autoptr(JsonObject) result = tala_replica_record (t->replica, op, tala_now_us (), &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
    }
  synced = g_get_monotonic_time ();
  g_test_message ("recorded %d payments offline in %.1f s", LONG_OFFLINE_OPS,
                  (synced - start) / (gdouble) G_USEC_PER_SEC);
  tala_sync_once (t->replica, t->client, &stats, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("synced %d payments in one go in %.1f s (%u pushes, %u pulls)",
                  LONG_OFFLINE_OPS, (g_get_monotonic_time () - synced) / (gdouble) G_USEC_PER_SEC,
                  stats.pushes, stats.pulls);
  g_assert_cmpuint (stats.pushed, ==, LONG_OFFLINE_OPS);
  g_assert_cmpuint (stats.applied, ==, LONG_OFFLINE_OPS);
  g_assert_cmpuint (stats.rejected, ==, 0);
  g_assert_cmpuint (stats.pulled, ==, LONG_OFFLINE_OPS);
  status = tala_replica_status (t->replica, tala_now_us (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (status, "acknowledged"), ==, 0);
  hub = hub_ledger (fx);
  g_assert_cmpint (scalar (hub, "SELECT count(*) FROM txn WHERE receipt_series = 'C09'", NULL),
                   ==, LONG_OFFLINE_OPS);
  g_assert_cmpint (scalar (hub, "SELECT max(receipt_seq) FROM txn WHERE receipt_series = 'C09'",
                           NULL), ==, LONG_OFFLINE_OPS);
  hub_sum = checksum (hub);
  sum = checksum (tala_replica_get_ledger (t->replica));
  g_assert_cmpstr (sum, ==, hub_sum);
  assert_money (hub, "the hub", fx->seed);
  assert_money (tala_replica_get_ledger (t->replica), "C09", fx->seed);
  assert_balanced (hub);
}

int
main (int   argc,
      char *argv[])
{
  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/soak/" path, Soak, NULL, soak_setup, func, soak_teardown)
  ADD ("faults", test_soak_faults);
  ADD ("terminal-crash", test_soak_terminal_crash);
  ADD ("long-offline", test_soak_long_offline);
#undef ADD

  return g_test_run ();
}
