/* bench-hub.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's load benchmark (DESIGN.md "Performance budgets"): HTTP clients
 * over libcurl's multi interface (one easy handle and one keep-alive
 * connection per client, 64 by default) against a TalaHubServer on
 * 127.0.0.1, over a generated college (`tala-hub seed --students`,
 * hub-seed-college.c; 20,000 students by default).
 *
 * 1. Durable payments: N `POST .../payment/record_payment/` (random seeded
 *    students, CASH, a fresh Idempotency-Key each) with group commit on,
 *    then the same with one transaction per request.  Budgets: throughput
 *    on ≥ 10× off; p99 on < 20 ms.
 * 2. `GET /api/v1/student/profile/me/` by 64 students at once: p99 < 5 ms.
 * 3. 1,000 enroll requests for one student, all at once over 1,000 open
 *    connections (different subjects and sections): afterwards the
 *    student's units never exceed the cap, and no answer is a 5xx.
 *
 * The server runs in this process, in a thread with its own GMainContext,
 * as `tala-hub serve` runs it (quiet, no jobs, rate limits out of the
 * way): the serve command has no switch to turn group commit off
 * (TalaHubServerOptions.no_group_commit), and both modes must run the same
 * way.  Each mode works on a fresh copy of the same prepared ledger (the
 * seeded college plus passwords for the cashier and the benchmark's
 * students), flushed to the disk and read through once before the server
 * starts.  Every client logs in once (POST /api-token-auth/).
 *
 * A benchmark, not a test: a missed speed budget is printed, not failed.
 * Exit status 1 when a correctness check fails (units above the cap, a
 * 5xx or no answer, a 2xx payment missing from the ledger) or the run
 * fails; 2 on wrong usage; else 0.
 */

#define G_LOG_DOMAIN "bench-hub"

#include "config.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-common.h"
#include "hub-seed.h"
#include "hub-server.h"
#include "tala-ledger.h"

#define PASSWORD          "bench-hub-pass"
#define CASHIER           "cashier"      /* the seeded college's cashier */
#define ENROLL_LOGINS     8              /* tokens shared by the enroll requests */
#define ENROLL_ROOM       10             /* units left free under the cap */
#define OPEN_BATCH        8              /* connections opened at once */
#define RNG_SEED          20261125

#define BUDGET_RATIO      10.0           /* payments/s, group commit on ÷ off */
#define BUDGET_PAY_P99    20.0           /* ms, group commit on */
#define BUDGET_PROFILE_P99 5.0           /* ms */

#define EXIT_USAGE        2

static GQuark bench_error_quark (void);
G_DEFINE_QUARK (bench-hub-error-quark, bench_error)
#define BENCH_ERROR (bench_error_quark ())

typedef struct
{
  int       clients;
  int       requests;
  int       students;
  int       enroll;
  gint64    seed;
  double    rate;
  gboolean  quick;
  char     *db;
  char     *dir;
} Options;

/* ---- HTTP clients over libcurl multi ------------------------------------- */

typedef struct _Phase Phase;

typedef struct
{
  CURL              *easy;
  struct curl_slist *headers;
  GString           *response;
  char              *token;
  guint              index;
} Client;

typedef void (*PrepareFunc) (Phase  *phase,
                             Client *client,
                             guint   request);
typedef void (*FinishFunc)  (Phase  *phase,
                             Client *client,
                             long    status);

/* One measured series of requests. */
struct _Phase
{
  const char  *base;        /* "http://127.0.0.1:PORT" */
  guint        total;       /* requests to make */
  guint        sent;
  guint        done;
  PrepareFunc  prepare;
  FinishFunc   finish;      /* nullable */
  gpointer     data;
  GArray      *latency_ms;  /* double, one per answered request */
  GHashTable  *by_status;   /* "201" or "400 unit_cap_exceeded" → count */
  guint        n_2xx;
  guint        n_5xx;
  guint        n_failed;    /* no HTTP answer */
  double       seconds;
  double       rate;        /* requests per second offered; 0: each client's next
                             * request as soon as its last one is answered */
};

static size_t
write_cb (char  *data,
          size_t size,
          size_t n,
          void  *user_data)
{
  g_string_append_len (user_data, data, (gssize) (size * n));
  return size * n;
}

static Client *
clients_new (guint n)
{
  Client *clients = g_new0 (Client, n);

  for (guint i = 0; i < n; i++)
    {
      clients[i].easy = curl_easy_init ();
      clients[i].response = g_string_new (NULL);
      clients[i].index = i;
      curl_easy_setopt (clients[i].easy, CURLOPT_PRIVATE, &clients[i]);
      curl_easy_setopt (clients[i].easy, CURLOPT_WRITEFUNCTION, write_cb);
      curl_easy_setopt (clients[i].easy, CURLOPT_WRITEDATA, clients[i].response);
      curl_easy_setopt (clients[i].easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt (clients[i].easy, CURLOPT_TCP_NODELAY, 1L);
      curl_easy_setopt (clients[i].easy, CURLOPT_CONNECTTIMEOUT_MS, 60000L);
      curl_easy_setopt (clients[i].easy, CURLOPT_TIMEOUT_MS, 120000L);
    }
  return clients;
}

static void
clients_free (Client *clients,
              guint   n)
{
  for (guint i = 0; i < n; i++)
    {
      curl_easy_cleanup (clients[i].easy);
      curl_slist_free_all (clients[i].headers);
      g_string_free (clients[i].response, TRUE);
      g_free (clients[i].token);
    }
  g_free (clients);
}

/* Sets up @client's next request: a POST of @body (a JSON object) or,
 * when @body is NULL, a GET. */
static void
client_request (Client     *client,
                const char *base,
                const char *path,
                const char *body,
                const char *idempotency_key)
{
  g_autofree char *url = g_strconcat (base, path, NULL);

  curl_slist_free_all (client->headers);
  client->headers = curl_slist_append (NULL, "Expect:");
  if (client->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Authorization: Token ", client->token, NULL);

      client->headers = curl_slist_append (client->headers, auth);
    }
  if (idempotency_key != NULL)
    {
      g_autofree char *key = g_strconcat ("Idempotency-Key: ", idempotency_key, NULL);

      client->headers = curl_slist_append (client->headers, key);
    }
  if (body != NULL)
    client->headers = curl_slist_append (client->headers, "Content-Type: application/json");
  curl_easy_setopt (client->easy, CURLOPT_URL, url);
  curl_easy_setopt (client->easy, CURLOPT_HTTPHEADER, client->headers);
  if (body != NULL)
    {
      curl_easy_setopt (client->easy, CURLOPT_POSTFIELDSIZE, -1L);
      curl_easy_setopt (client->easy, CURLOPT_COPYPOSTFIELDS, body);
    }
  else
    curl_easy_setopt (client->easy, CURLOPT_HTTPGET, 1L);
  g_string_truncate (client->response, 0);
}

static void
phase_init (Phase      *phase,
            const char *base,
            guint       total,
            PrepareFunc prepare,
            FinishFunc  finish,
            gpointer    data)
{
  memset (phase, 0, sizeof *phase);
  phase->base = base;
  phase->total = total;
  phase->prepare = prepare;
  phase->finish = finish;
  phase->data = data;
  phase->latency_ms = g_array_sized_new (FALSE, FALSE, sizeof (double), total);
  phase->by_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
phase_clear (Phase *phase)
{
  g_clear_pointer (&phase->latency_ms, g_array_unref);
  g_clear_pointer (&phase->by_status, g_hash_table_unref);
}

/* The error code of an error reply, or NULL. */
static char *
error_code (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *error;

  if (!json_parser_load_from_data (parser, body, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  error = json_object_get_object_member (json_node_get_object (root), "error");
  if (error == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (error, "code", NULL));
}

static void
phase_count (Phase *phase,
             char  *key)
{
  gpointer n = g_hash_table_lookup (phase->by_status, key);

  g_hash_table_insert (phase->by_status, key, GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
}

static void
phase_record (Phase   *phase,
              Client  *client,
              CURLcode result)
{
  long status = 0;
  curl_off_t total_us = 0;
  double ms;

  phase->done++;
  if (result != CURLE_OK)
    {
      phase->n_failed++;
      phase_count (phase, g_strdup_printf ("no answer (%s)", curl_easy_strerror (result)));
      return;
    }
  curl_easy_getinfo (client->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (client->easy, CURLINFO_TOTAL_TIME_T, &total_us);
  ms = total_us / 1000.0;
  g_array_append_val (phase->latency_ms, ms);
  if (status >= 200 && status < 300)
    {
      phase->n_2xx++;
      phase_count (phase, g_strdup_printf ("%ld", status));
    }
  else
    {
      g_autofree char *code = error_code (client->response->str);

      if (status >= 500)
        phase->n_5xx++;
      phase_count (phase, g_strdup_printf ("%ld %s", status, code ? code : "(no error code)"));
    }
  if (phase->finish != NULL)
    phase->finish (phase, client, status);
}

static void
phase_send (CURLM  *multi,
            Phase  *phase,
            Client *client)
{
  phase->prepare (phase, client, phase->sent++);
  curl_multi_add_handle (multi, client->easy);
}

/* Runs @phase on @n clients until phase->total are answered.  Closed loop
 * (phase->rate 0): a client sends its next request as soon as its last one
 * is answered.  Paced (rate > 0): request k is due at k / rate seconds and
 * goes out on an idle client then (a request waits only when all @n are
 * busy). */
static void
phase_run (CURLM  *multi,
           Client *clients,
           guint   n,
           Phase  *phase)
{
  gint64 start = g_get_monotonic_time ();
  GQueue idle = G_QUEUE_INIT;

  for (guint i = 0; i < n; i++)
    g_queue_push_tail (&idle, &clients[i]);
  while (phase->done < phase->total)
    {
      CURLMsg *msg;
      int running, left, wait_ms = 100;
      gint64 now = g_get_monotonic_time ();

      while (phase->sent < phase->total && !g_queue_is_empty (&idle))
        {
          gint64 due = phase->rate > 0 ? start + (gint64) (phase->sent * 1e6 / phase->rate)
                                       : now;

          if (due > now)
            {
              wait_ms = (int) MIN (100, (due - now + 999) / 1000);
              break;
            }
          phase_send (multi, phase, g_queue_pop_head (&idle));
        }
      curl_multi_perform (multi, &running);
      while ((msg = curl_multi_info_read (multi, &left)) != NULL)
        {
          Client *client = NULL;
          CURL *easy = msg->easy_handle;
          CURLcode result = msg->data.result;

          if (msg->msg != CURLMSG_DONE)
            continue;
          curl_easy_getinfo (easy, CURLINFO_PRIVATE, (char **) &client);
          curl_multi_remove_handle (multi, easy);
          phase_record (phase, client, result);
          g_queue_push_tail (&idle, client);
          wait_ms = 0;
        }
      if (phase->done < phase->total && wait_ms > 0)
        curl_multi_poll (multi, NULL, 0, wait_ms, NULL);
    }
  g_queue_clear (&idle);
  phase->seconds = (g_get_monotonic_time () - start) / 1e6;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The nearest-rank percentile @p (0..100) of the answered requests. */
static double
phase_percentile (Phase *phase,
                  double p)
{
  guint n = phase->latency_ms->len, rank;

  if (n == 0)
    return 0;
  g_array_sort (phase->latency_ms, compare_double);
  rank = (guint) MAX (1.0, (p / 100.0) * n + 0.999999);
  return g_array_index (phase->latency_ms, double, MIN (rank, n) - 1);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* "201: 9, 400 unit_cap_exceeded: 12" */
static char *
phase_statuses (Phase *phase)
{
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (phase->by_status, NULL);
  guint n = g_hash_table_size (phase->by_status);
  GString *out = g_string_new (NULL);

  qsort (keys, n, sizeof (gpointer), compare_keys);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%s: %u", i ? ", " : "", (char *) keys[i],
                            GPOINTER_TO_UINT (g_hash_table_lookup (phase->by_status, keys[i])));
  return g_string_free (out, FALSE);
}

/* ---- Logging in ---------------------------------------------------------- */

typedef struct
{
  const char * const *usernames;   /* one per client, or ... */
  const char         *username;    /* ... the same for all */
} Logins;

static void
login_prepare (Phase  *phase,
               Client *client,
               guint   request)
{
  Logins *logins = phase->data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, logins->usernames ? logins->usernames[client->index]
                                                            : logins->username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, PASSWORD);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  g_clear_pointer (&client->token, g_free);
  client_request (client, phase->base, "/api-token-auth/", body, NULL);
}

static void
login_finish (Phase  *phase,
              Client *client,
              long    status)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (status != 200 || !json_parser_load_from_data (parser, client->response->str, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    client->token = g_strdup (json_object_get_string_member_with_default (
                                json_node_get_object (root), "token", NULL));
}

/* Logs each of @n clients in once; fails unless every one got a token. */
static gboolean
login_all (CURLM       *multi,
           const char  *base,
           Client      *clients,
           guint        n,
           Logins      *logins,
           GError     **error)
{
  Phase phase;
  gboolean ok;

  phase_init (&phase, base, n, login_prepare, login_finish, logins);
  phase_run (multi, clients, n, &phase);
  ok = phase.n_2xx == n;
  for (guint i = 0; ok && i < n; i++)
    ok = clients[i].token != NULL;
  if (!ok)
    {
      g_autofree char *statuses = phase_statuses (&phase);

      g_set_error (error, BENCH_ERROR, 0, "logging in failed: %s", statuses);
    }
  phase_clear (&phase);
  return ok;
}

/* ---- The ledger: seeding and preparing ----------------------------------- */

/* Everything the requests need, read from the prepared ledger. */
typedef struct
{
  GPtrArray *students;         /* every student number, for payments */
  GPtrArray *profile_users;    /* student numbers with PASSWORD, one per client */
  char      *enroll_student;   /* the student of the enroll phase (has PASSWORD) */
  char      *semester;         /* the active semester */
  gint64     enrollment_id;    /* enroll_student's enrollment in it */
  GPtrArray *enroll_bodies;    /* JSON bodies of the enroll requests */
  gint64     max_units;
  gint64     prefilled;        /* enroll_student's units before the requests */
  gint64     payments_before;  /* PAYMENT rows of the prepared ledger */
  gboolean   window_open;      /* today is inside the enrollment window */
} Plan;

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->students, g_ptr_array_unref);
  g_clear_pointer (&plan->profile_users, g_ptr_array_unref);
  g_clear_pointer (&plan->enroll_bodies, g_ptr_array_unref);
  g_clear_pointer (&plan->enroll_student, g_free);
  g_clear_pointer (&plan->semester, g_free);
}

static gboolean
sql_fail (sqlite3  *db,
          GError  **error)
{
  g_set_error (error, BENCH_ERROR, 0, "SQLite: %s", sqlite3_errmsg (db));
  return FALSE;
}

/* The first column of @sql's rows as strings (integer @arg bound to ?1
 * when ≥ 0). */
static GPtrArray *
sql_strings (sqlite3    *db,
             const char *sql,
             GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_fail (db, error);
      g_ptr_array_unref (out);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      sql_fail (db, error);
      g_clear_pointer (&out, g_ptr_array_unref);
    }
  sqlite3_finalize (stmt);
  return out;
}

static gint64
sql_int (sqlite3    *db,
         const char *sql,
         gint64      arg,
         gint64      fallback)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = fallback;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, arg);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        n = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  return n;
}

/* Pays what is left of month 1 of @enrollment_id (so that the student may
 * enroll in subjects), on the trusted channel as the cashier. */
static gboolean
pay_month1 (TalaLedger *ledger,
            sqlite3    *db,
            const char *student,
            const char *semester,
            gint64      enrollment_id,
            GError    **error)
{
  gint64 left = sql_int (db, "SELECT due - paid_total FROM bucket"
                         " WHERE enrollment_id = ?1 AND month = 1", enrollment_id, 0);
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *op_id = g_uuid_string_random ();
  g_autofree char *amount = NULL;
  JsonObject *args = json_object_new ();

  if (left <= 0)
    return TRUE;
  amount = tala_money_format (left);
  json_object_set_string_member (args, "student", student);
  json_object_set_string_member (args, "semester", semester);
  json_object_set_string_member (args, "amount", amount);
  json_object_set_string_member (args, "method", "CASH");
  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", "payment.record");
  json_object_set_string_member (op, "actor", CASHIER);
  json_object_set_object_member (op, "args", args);
  result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED, g_get_real_time (), NULL, error);
  if (result == NULL)
    return FALSE;
  if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "paying month 1 of %s was not applied", student);
      return FALSE;
    }
  return TRUE;
}

/* The enroll requests: @n bodies over the active semester's sections,
 * shuffled (many subjects, many sections, some repeated when there are
 * fewer sections than requests). */
static GPtrArray *
enroll_bodies (sqlite3 *db,
               guint    n,
               GRand   *rand,
               GError **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *out;

  if (sqlite3_prepare_v2 (db, "SELECT j.code, x.code FROM section x"
                          " JOIN subject j ON j.id = x.subject_id"
                          " JOIN semester m ON m.id = x.semester_id"
                          " WHERE m.is_active ORDER BY x.id", -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_fail (db, error);
      return NULL;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) body = json_object_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_object_set_string_member (body, "subject_id",
                                     (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (body, "section_id",
                                     (const char *) sqlite3_column_text (stmt, 1));
      json_node_set_object (node, body);
      g_ptr_array_add (sections, json_to_string (node, FALSE));
    }
  sqlite3_finalize (stmt);
  if (sections->len == 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "the active semester has no sections");
      return NULL;
    }
  for (guint i = sections->len - 1; i > 0; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1);
      gpointer t = sections->pdata[i];

      sections->pdata[i] = sections->pdata[j];
      sections->pdata[j] = t;
    }
  out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (sections, i % sections->len)));
  return out;
}

/* Enrolls @student, as the registrar overriding schedule conflicts, in
 * subjects without prerequisites until fewer than ENROLL_ROOM units are
 * left under the cap, so that the simultaneous requests race for the last
 * units.  Returns the units reached, or -1. */
static gint64
prefill (TalaLedger *ledger,
         sqlite3    *db,
         const Plan *plan,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 units = 0;

  if (sqlite3_prepare_v2 (db, "SELECT j.code, min (x.code) FROM section x"
                          " JOIN subject j ON j.id = x.subject_id"
                          " JOIN semester m ON m.id = x.semester_id"
                          " WHERE m.is_active AND NOT EXISTS (SELECT 1 FROM subject_prerequisite p"
                          " WHERE p.subject_id = j.id) GROUP BY j.id ORDER BY j.id DESC", -1,
                          &stmt, NULL) != SQLITE_OK)
    {
      sql_fail (db, error);
      return -1;
    }
  while (units < plan->max_units - ENROLL_ROOM && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) op = json_object_new ();
      g_autoptr(JsonObject) result = NULL;
      g_autofree char *op_id = g_uuid_string_random ();
      JsonObject *args = json_object_new ();

      json_object_set_string_member (args, "student", plan->enroll_student);
      json_object_set_string_member (args, "semester", plan->semester);
      json_object_set_string_member (args, "subject", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (args, "section", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_boolean_member (args, "override_schedule_conflict", TRUE);
      json_object_set_boolean_member (args, "override_capacity", TRUE);
      json_object_set_string_member (args, "reason", "bench-hub: near the unit cap");
      json_object_set_string_member (op, "op_id", op_id);
      json_object_set_string_member (op, "kind", "subject.enroll");
      json_object_set_string_member (op, "actor", "registrar");
      json_object_set_object_member (op, "args", args);
      result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED, g_get_real_time (), NULL,
                                  error);
      if (result == NULL)
        {
          units = -1;
          break;
        }
      if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") == 0)
        units = json_object_get_int_member (json_object_get_object_member (result, "result"),
                                            "total_units");
    }
  sqlite3_finalize (stmt);
  return units;
}

/* Sets passwords (and pays month 1 of the enroll student) in @base, a copy
 * of the seeded ledger, and reads what the requests need. */
static gboolean
prepare (const char    *base,
         const Options *opts,
         Plan          *plan,
         GError       **error)
{
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (RNG_SEED);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint distinct;
  gboolean ok = FALSE;

  ledger = tala_ledger_open (base, error);
  if (ledger == NULL)
    return FALSE;
  if (sqlite3_open_v2 (base, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      sql_fail (db, error);
      goto out;
    }
  sqlite3_busy_timeout (db, 10000);
  plan->students = sql_strings (db, "SELECT number FROM student ORDER BY id", error);
  active = sql_strings (db, "SELECT number FROM student WHERE status = 'ACTIVE' ORDER BY id",
                        error);
  if (plan->students == NULL || active == NULL)
    goto out;
  if (active->len < 2)
    {
      g_set_error (error, BENCH_ERROR, 0, "the college has too few active students");
      goto out;
    }
  /* The enroll student: in the active semester, no subjects yet. */
  if (sqlite3_prepare_v2 (db, "SELECT s.number, m.code, e.id,"
                          " m.enrollment_start <= ?1 AND ?1 <= m.enrollment_end"
                          " FROM enrollment e JOIN student s ON s.id = e.student_id"
                          " JOIN semester m ON m.id = e.semester_id"
                          " WHERE m.is_active AND s.status = 'ACTIVE' AND e.total_units = 0"
                          " ORDER BY s.id LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_fail (db, error);
      goto out;
    }
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, BENCH_ERROR, 0, "no active student without subjects in the active "
                   "semester");
      goto out;
    }
  plan->enroll_student = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  plan->semester = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  plan->enrollment_id = sqlite3_column_int64 (stmt, 2);
  plan->window_open = sqlite3_column_int (stmt, 3) != 0;
  g_clear_pointer (&stmt, sqlite3_finalize);
  plan->enroll_bodies = enroll_bodies (db, (guint) opts->enroll, rand, error);
  if (plan->enroll_bodies == NULL)
    goto out;
  plan->max_units = sql_int (db, "SELECT CAST (value AS INTEGER) FROM config"
                             " WHERE key = 'max_units_per_semester'", 0, 30);
  /* Passwords: the cashier, the enroll student and one student per
   * client (distinct, random, not the enroll student). */
  plan->profile_users = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; plan->profile_users->len < (guint) opts->clients && i < active->len; i++)
    {
      guint j = (guint) g_rand_int_range (rand, (gint32) i, (gint32) active->len);
      gpointer t = active->pdata[i];

      active->pdata[i] = active->pdata[j];
      active->pdata[j] = t;
      if (g_strcmp0 (active->pdata[i], plan->enroll_student) != 0)
        g_ptr_array_add (plan->profile_users, g_strdup (active->pdata[i]));
    }
  /* More clients than students: some log in as the same student. */
  distinct = plan->profile_users->len;
  while (plan->profile_users->len < (guint) opts->clients)
    g_ptr_array_add (plan->profile_users,
                     g_strdup (g_ptr_array_index (plan->profile_users,
                                                  plan->profile_users->len % distinct)));
  if (!tala_ledger_set_password (ledger, CASHIER, PASSWORD, NULL, g_get_real_time (), error) ||
      !tala_ledger_set_password (ledger, plan->enroll_student, PASSWORD, NULL,
                                 g_get_real_time (), error))
    goto out;
  for (guint i = 0; i < distinct; i++)
    if (!tala_ledger_set_password (ledger, g_ptr_array_index (plan->profile_users, i), PASSWORD,
                                   NULL, g_get_real_time (), error))
      goto out;
  if (!pay_month1 (ledger, db, plan->enroll_student, plan->semester, plan->enrollment_id, error))
    goto out;
  plan->prefilled = prefill (ledger, db, plan, error);
  if (plan->prefilled < 0)
    goto out;
  plan->payments_before = sql_int (db, "SELECT count(*) FROM txn WHERE type = 'PAYMENT'", 0, -1);
  g_print ("prepared in %.1f s: passwords for the cashier and %u students; enroll student %s"
           " (enrollment %" G_GINT64_FORMAT " in %s, window %s, %" G_GINT64_FORMAT " units"
           " already)\n", g_timer_elapsed (timer, NULL), distinct + 1, plan->enroll_student,
           plan->enrollment_id, plan->semester, plan->window_open ? "open" : "CLOSED",
           plan->prefilled);
  ok = TRUE;

out:
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

/* ---- The phases ---------------------------------------------------------- */

typedef struct
{
  const Plan *plan;
  GRand      *rand;
  const char *mode;
} PayData;

static void
pay_prepare (Phase  *phase,
             Client *client,
             guint   request)
{
  PayData *pay = phase->data;
  const char *student = g_ptr_array_index (pay->plan->students,
                                           g_rand_int_range (pay->rand, 0,
                                                             (gint32) pay->plan->students->len));
  g_autofree char *body = g_strdup_printf ("{\"student_id\":\"%s\",\"amount\":\"%d.%02d\","
                                           "\"method\":\"CASH\"}", student,
                                           g_rand_int_range (pay->rand, 100, 5000),
                                           g_rand_int_range (pay->rand, 0, 100));
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key = g_strdup_printf ("bench-%s-%u-%s", pay->mode, request, uuid);

  client_request (client, phase->base, "/api/v1/cashier/payment/record_payment/", body, key);
}

static void
profile_prepare (Phase  *phase,
                 Client *client,
                 guint   request)
{
  client_request (client, phase->base, "/api/v1/student/profile/me/", NULL, NULL);
}

static void
healthz_prepare (Phase  *phase,
                 Client *client,
                 guint   request)
{
  client_request (client, phase->base, "/healthz", NULL, NULL);
}

static void
enroll_prepare (Phase  *phase,
                Client *client,
                guint   request)
{
  const Plan *plan = phase->data;
  g_autofree char *path = g_strdup_printf ("/api/v1/student/enrollment/%" G_GINT64_FORMAT
                                           "/enroll_subject/", plan->enrollment_id);

  client_request (client, phase->base, path, g_ptr_array_index (plan->enroll_bodies, request),
                  NULL);
}

/* tala_writer_commits_total from /metrics, or -1. */
static gint64
writer_commits (const char *base)
{
  g_autofree char *url = g_strconcat (base, "/metrics", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  CURL *easy = curl_easy_init ();
  const char *line;
  gint64 n = -1;

  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, text);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform (easy) == CURLE_OK &&
      (line = strstr (text->str, "\ntala_writer_commits_total ")) != NULL)
    n = g_ascii_strtoll (line + strlen ("\ntala_writer_commits_total "), NULL, 10);
  curl_easy_cleanup (easy);
  return n;
}

/* Requests of a paced phase: 20 seconds' worth, at most @requests. */
static guint
paced_count (guint  requests,
             double rate)
{
  return (guint) MAX (1, MIN ((double) requests, rate * 20));
}

/* What a mode measured. */
typedef struct
{
  Phase   pay;
  Phase   profile;
  Phase   enroll;
  Phase   pay_paced;        /* --rate: the same requests at a fixed pace */
  Phase   profile_paced;
  gint64  commits;          /* writer commits during the payments */
  gint64  payments_added;   /* PAYMENT rows the payments added */
  gint64  total_units;      /* of the enroll student, after */
  gint64  take_units;       /* the same, summed over its takes */
  gboolean has_reads;       /* profile and enroll ran */
} Mode;

static void
mode_clear (Mode *mode)
{
  phase_clear (&mode->pay);
  phase_clear (&mode->profile);
  phase_clear (&mode->enroll);
  phase_clear (&mode->pay_paced);
  phase_clear (&mode->profile_paced);
}

static gboolean
run_reads (CURLM      *multi,
           const char *base,
           Client     *clients,
           guint       n,
           const Plan *plan,
           guint       requests,
           double      rate,
           Mode       *mode,
           GError    **error)
{
  Logins logins = { (const char * const *) plan->profile_users->pdata, NULL };
  Logins enroll_login = { NULL, plan->enroll_student };
  guint n_enroll = plan->enroll_bodies->len;
  g_autoptr(GTimer) timer = NULL;
  guint opened = 0;
  Client *many;
  Phase warm;
  gboolean ok;

  /* 2. Student profiles, one student per client. */
  if (!login_all (multi, base, clients, n, &logins, error))
    return FALSE;
  phase_init (&mode->profile, base, requests, profile_prepare, NULL, NULL);
  phase_run (multi, clients, n, &mode->profile);
  g_print ("  profile GET: %u in %.2f s\n", mode->profile.done, mode->profile.seconds);
  if (rate > 0)
    {
      phase_init (&mode->profile_paced, base, paced_count (requests, rate), profile_prepare,
                  NULL, NULL);
      mode->profile_paced.rate = rate;
      phase_run (multi, clients, n, &mode->profile_paced);
      g_print ("  profile GET paced at %.0f/s: %u in %.2f s\n", rate, mode->profile_paced.done,
               mode->profile_paced.seconds);
    }

  /* 3. Enroll requests for one student, all at once over their own,
   *    already open connections. */
  many = clients_new (n_enroll);
  ok = login_all (multi, base, many, MIN (n_enroll, ENROLL_LOGINS), &enroll_login, error);
  for (guint i = ENROLL_LOGINS; ok && i < n_enroll; i++)
    many[i].token = g_strdup (many[i % ENROLL_LOGINS].token);
  if (ok)
    {
      /* A fresh connection per client, OPEN_BATCH connecting at a time
       * (the server's listen backlog is small: a SYN it drops is sent
       * again only a second or more later). */
      timer = g_timer_new ();
      for (guint i = 0; i < n_enroll; i += OPEN_BATCH)
        {
          guint k = MIN (OPEN_BATCH, n_enroll - i);

          for (guint j = i; j < i + k; j++)
            curl_easy_setopt (many[j].easy, CURLOPT_FRESH_CONNECT, 1L);
          phase_init (&warm, base, k, healthz_prepare, NULL, NULL);
          phase_run (multi, many + i, k, &warm);
          opened += warm.n_2xx;
          phase_clear (&warm);
          for (guint j = i; j < i + k; j++)
            curl_easy_setopt (many[j].easy, CURLOPT_FRESH_CONNECT, 0L);
        }
      g_print ("  %u of %u connections opened in %.2f s\n", opened, n_enroll,
               g_timer_elapsed (timer, NULL));
      phase_init (&mode->enroll, base, n_enroll, enroll_prepare, NULL, (gpointer) plan);
      phase_run (multi, many, n_enroll, &mode->enroll);
      g_print ("  enroll: %u in %.2f s\n", mode->enroll.done, mode->enroll.seconds);
      mode->has_reads = TRUE;
    }
  clients_free (many, n_enroll);
  return ok;
}

/* One server over a fresh copy of @base: payments, and with group commit
 * the profile and enroll phases too. */
static gboolean
run_mode (const char    *base,
          const char    *path,
          gboolean       group_commit,
          const Options *opts,
          const Plan    *plan,
          Mode          *mode,
          GError       **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (RNG_SEED + 1);
  PayData pay = { plan, rand, group_commit ? "on" : "off" };
  Logins cashier = { NULL, CASHIER };
  g_autofree char *url = NULL;
  guint n = (guint) opts->clients;
  Client *clients = NULL;
  CURLM *multi = NULL;
  Hub *hub;
  gint64 commits;
  gboolean ok = FALSE;

  memset (mode, 0, sizeof *mode);
  if (!bench_copy_db (base, path, error) || !bench_warm_file (path, error))
    return FALSE;
  hub = bench_hub_start (path, group_commit, error);
  if (hub == NULL)
    return FALSE;
  url = g_strdup_printf ("http://127.0.0.1:%u", hub->port);
  multi = curl_multi_init ();
  curl_multi_setopt (multi, CURLMOPT_MAXCONNECTS, (long) (2 * (n + plan->enroll_bodies->len)));
  clients = clients_new (n);
  g_print ("group commit %s: server on %s\n", group_commit ? "ON" : "OFF", url);
  if (!login_all (multi, url, clients, n, &cashier, error))
    goto out;

  /* 1. Durable payments. */
  commits = writer_commits (url);
  phase_init (&mode->pay, url, (guint) opts->requests, pay_prepare, NULL, &pay);
  phase_run (multi, clients, n, &mode->pay);
  mode->commits = writer_commits (url) - commits;
  g_print ("  payments: %u in %.2f s, %" G_GINT64_FORMAT " commits\n", mode->pay.done,
           mode->pay.seconds, mode->commits);
  if (group_commit && opts->rate > 0)
    {
      phase_init (&mode->pay_paced, url, paced_count ((guint) opts->requests, opts->rate),
                  pay_prepare, NULL, &pay);
      mode->pay_paced.rate = opts->rate;
      phase_run (multi, clients, n, &mode->pay_paced);
      g_print ("  payments paced at %.0f/s: %u in %.2f s\n", opts->rate, mode->pay_paced.done,
               mode->pay_paced.seconds);
    }

  if (group_commit &&
      !run_reads (multi, url, clients, n, plan, (guint) opts->requests, opts->rate, mode,
                  error))
    goto out;
  ok = TRUE;

out:
  clients_free (clients, n);
  curl_multi_cleanup (multi);
  bench_hub_stop (hub);
  if (ok)
    {
      sqlite3 *db = NULL;

      if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        ok = sql_fail (db, error);
      else
        {
          mode->payments_added = sql_int (db, "SELECT count(*) FROM txn WHERE type = 'PAYMENT'",
                                          0, -1) - plan->payments_before;
          mode->total_units = sql_int (db, "SELECT total_units FROM enrollment WHERE id = ?1",
                                       plan->enrollment_id, -1);
          mode->take_units = sql_int (db, "SELECT coalesce (sum (units), 0) FROM take"
                                      " WHERE enrollment_id = ?1 AND status <> 'DROPPED'",
                                      plan->enrollment_id, -1);
        }
      sqlite3_close (db);
    }
  bench_remove_db (path);
  return ok;
}

/* The mean time of a 4 KiB write and fdatasync() in @dir, ms: what one
 * commit at synchronous=FULL pays at least. */
static double
sync_cost_ms (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "fsync-probe", NULL);
  char block[4096];
  gint64 start;
  int fd = g_open (path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  guint i, n = 200;

  if (fd < 0)
    return -1;
  memset (block, 'x', sizeof block);
  start = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    if (pwrite (fd, block, sizeof block, (off_t) (i % 16) * sizeof block) != sizeof block ||
        fdatasync (fd) != 0)
      break;
  g_close (fd, NULL);
  g_unlink (path);
  return i == n ? (g_get_monotonic_time () - start) / 1000.0 / n : -1;
}

/* ---- Report -------------------------------------------------------------- */

static void
print_row (const char *what,
           Phase      *phase)
{
  g_print ("| %-28s | %8u | %8.0f | %7.2f | %7.2f | %7.2f | %7u |\n", what, phase->done,
           phase->done / MAX (phase->seconds, 1e-9), phase_percentile (phase, 50),
           phase_percentile (phase, 99), phase_percentile (phase, 100),
           phase->done - phase->n_2xx);
}

static const char *
verdict (gboolean pass)
{
  return pass ? "PASS" : "FAIL";
}

/* Prints the table and the verdicts; returns FALSE on a correctness
 * failure. */
static gboolean
report (const Options *opts,
        const Plan    *plan,
        Mode          *on,
        Mode          *off,
        double         sync_ms)
{
  double rate_on = on->pay.done / MAX (on->pay.seconds, 1e-9);
  double rate_off = off->pay.done / MAX (off->pay.seconds, 1e-9);
  double ratio = rate_on / MAX (rate_off, 1e-9);
  double pay_p99 = phase_percentile (&on->pay, 99);
  double profile_p99 = phase_percentile (&on->profile, 99);
  g_autofree char *pay_on = phase_statuses (&on->pay);
  g_autofree char *pay_off = phase_statuses (&off->pay);
  g_autofree char *profile = phase_statuses (&on->profile);
  g_autofree char *enroll = phase_statuses (&on->enroll);
  guint bad_answers = on->pay.n_5xx + on->pay.n_failed + off->pay.n_5xx + off->pay.n_failed +
                      on->profile.n_5xx + on->profile.n_failed + on->enroll.n_5xx +
                      on->enroll.n_failed;
  gboolean units_ok = on->total_units >= 0 && on->total_units <= plan->max_units &&
                      on->take_units == on->total_units;
  gboolean payments_ok = on->payments_added == on->pay.n_2xx + on->pay_paced.n_2xx &&
                         off->payments_added == off->pay.n_2xx;

  g_print ("\n| %-28s | %8s | %8s | %7s | %7s | %7s | %7s |\n", "measurement", "requests",
           "req/s", "p50 ms", "p99 ms", "max ms", "non-2xx");
  g_print ("| %-28s | %8s | %8s | %7s | %7s | %7s | %7s |\n", "---", "---:", "---:", "---:",
           "---:", "---:", "---:");
  print_row ("payment POST, group commit ON", &on->pay);
  print_row ("payment POST, one txn/request", &off->pay);
  print_row ("student profile GET", &on->profile);
  print_row ("enroll POST, one student", &on->enroll);
  if (opts->rate > 0)
    {
      g_autofree char *pay_label = g_strdup_printf ("payment POST at %.0f/s", opts->rate);
      g_autofree char *profile_label = g_strdup_printf ("profile GET at %.0f/s", opts->rate);

      print_row (pay_label, &on->pay_paced);
      print_row (profile_label, &on->profile_paced);
      bad_answers += on->pay_paced.n_5xx + on->pay_paced.n_failed + on->profile_paced.n_5xx +
                     on->profile_paced.n_failed;
    }
  g_print ("\nanswers: payments ON {%s}; OFF {%s}; profile {%s}\n", pay_on, pay_off, profile);
  g_print ("writer commits during the payments: ON %" G_GINT64_FORMAT " (%.1f payments each),"
           " OFF %" G_GINT64_FORMAT "\n", on->commits,
           on->pay.done / (double) MAX (on->commits, 1), off->commits);
  /* Group commit saves the cost of a commit per request; the ratio can
   * reach 10× only when that is 9× the rest of a payment's cost. */
  g_print ("a payment costs %.2f ms of wall time with group commit, %.2f ms without: a commit"
           " per request adds %.2f ms; one 4 KiB write + fdatasync in the scratch directory"
           " takes %.2f ms\n", 1000.0 / MAX (rate_on, 1e-9), 1000.0 / MAX (rate_off, 1e-9),
           1000.0 / MAX (rate_off, 1e-9) - 1000.0 / MAX (rate_on, 1e-9), sync_ms);
  g_print ("enroll: %u requests at once for %s over %u connections: {%s}\n",
           on->enroll.done, plan->enroll_student, on->enroll.done, enroll);
  g_print ("  units: %" G_GINT64_FORMAT " before, %" G_GINT64_FORMAT " after"
           " (enrollment.total_units), %" G_GINT64_FORMAT " (sum over its takes); cap %"
           G_GINT64_FORMAT "\n", plan->prefilled, on->total_units, on->take_units,
           plan->max_units);
  if (!plan->window_open)
    g_print ("  warning: today is outside the seeded semester's enrollment window, so every "
             "enroll was refused; seed again (a fresh --db)\n");

  g_print ("\nbudgets (DESIGN.md; %u clients, %d CPUs):\n", (guint) opts->clients,
           (int) g_get_num_processors ());
  g_print ("  payments/s group commit ON ÷ OFF: %.0f ÷ %.0f = %.1f× (budget ≥ %.0f×): %s\n",
           rate_on, rate_off, ratio, BUDGET_RATIO, verdict (ratio >= BUDGET_RATIO));
  g_print ("  payment p99, group commit ON: %.2f ms (budget < %.0f ms): %s\n", pay_p99,
           BUDGET_PAY_P99, verdict (pay_p99 < BUDGET_PAY_P99));
  g_print ("  profile GET p99: %.2f ms (budget < %.0f ms): %s\n", profile_p99,
           BUDGET_PROFILE_P99, verdict (profile_p99 < BUDGET_PROFILE_P99));
  if (opts->rate > 0)
    {
      double paced_pay = phase_percentile (&on->pay_paced, 99);
      double paced_profile = phase_percentile (&on->profile_paced, 99);

      g_print ("  at a fixed %.0f requests/s over the same %u clients:\n", opts->rate,
               (guint) opts->clients);
      g_print ("    payment p99: %.2f ms (budget < %.0f ms): %s\n", paced_pay, BUDGET_PAY_P99,
               verdict (paced_pay < BUDGET_PAY_P99));
      g_print ("    profile GET p99: %.2f ms (budget < %.0f ms): %s\n", paced_profile,
               BUDGET_PROFILE_P99, verdict (paced_profile < BUDGET_PROFILE_P99));
    }
  g_print ("correctness:\n");
  g_print ("  enrolled units ≤ %" G_GINT64_FORMAT " after %u simultaneous enrolls: %s\n",
           plan->max_units, on->enroll.done, verdict (units_ok));
  g_print ("  no 5xx and no request without an answer (%u): %s\n", bad_answers,
           verdict (bad_answers == 0));
  g_print ("  every 2xx payment is in the ledger (ON %" G_GINT64_FORMAT "/%u, OFF %"
           G_GINT64_FORMAT "/%u): %s\n", on->payments_added, on->pay.n_2xx + on->pay_paced.n_2xx,
           off->payments_added, off->pay.n_2xx, verdict (payments_ok));
  return units_ok && bad_answers == 0 && payments_ok;
}

/* ---- Main ---------------------------------------------------------------- */

static gboolean
bench (const Options *opts,
       const char    *seed_file,
       gboolean      *correct,
       GError       **error)
{
  g_autofree char *base = g_build_filename (opts->dir, "base.db", NULL);
  g_autofree char *run = g_build_filename (opts->dir, "run.db", NULL);
  Plan plan = { 0 };
  Mode on, off;
  gboolean ok = FALSE;

  memset (&on, 0, sizeof on);
  memset (&off, 0, sizeof off);
  if (!g_file_test (seed_file, G_FILE_TEST_EXISTS))
    {
      if (!bench_seed_college (seed_file, (guint) opts->students, (guint64) opts->seed, error))
        {
          bench_remove_db (seed_file);
          return FALSE;
        }
    }
  else
    g_print ("reusing the seeded ledger %s\n", seed_file);
  if (!bench_copy_db (seed_file, base, error) || !prepare (base, opts, &plan, error))
    goto out;
  g_print ("bench-hub: %u students, %d clients, %d payments per mode, %d profile GETs, %u "
           "enrolls; %d CPUs, scratch %s\n", plan.students->len, opts->clients, opts->requests,
           opts->requests, plan.enroll_bodies->len, (int) g_get_num_processors (), opts->dir);
  if (!run_mode (base, run, TRUE, opts, &plan, &on, error) ||
      !run_mode (base, run, FALSE, opts, &plan, &off, error))
    goto out;
  *correct = report (opts, &plan, &on, &off, sync_cost_ms (opts->dir));
  ok = TRUE;

out:
  mode_clear (&on);
  mode_clear (&off);
  plan_clear (&plan);
  bench_remove_db (base);
  return ok;
}

int
main (int    argc,
      char **argv)
{
  Options opts = { .clients = 64, .requests = 0, .students = 0, .enroll = 1000, .seed = 1 };
  GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT, &opts.clients,
      "Concurrent clients, one keep-alive connection each (default 64)", "N" },
    { "requests", 0, 0, G_OPTION_ARG_INT, &opts.requests,
      "Payments per mode, and profile GETs (default 10000; --quick 1000)", "N" },
    { "students", 0, 0, G_OPTION_ARG_INT, &opts.students,
      "Students of the generated college (default 20000; --quick 2000)", "N" },
    { "enroll", 0, 0, G_OPTION_ARG_INT, &opts.enroll,
      "Simultaneous enroll requests for one student (default 1000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &opts.seed, "The generator's bench_seed_college (default 1)", "S" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opts.db,
      "Keep the seeded ledger here and reuse it when it exists (never written to)", "PATH" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &opts.dir,
      "Scratch directory, on a real disk (default: a new temporary one)", "DIR" },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &opts.rate,
      "Also measure payments and profile GETs at a fixed R requests/s (open loop, same clients)",
      "R" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &opts.quick,
      "A smoke test: 2000 students and 1000 requests unless given", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— load-test the hub over HTTP");
  g_autoptr(GError) error = NULL;
  g_autofree char *seed_file = NULL;
  gboolean own_dir = FALSE, own_seed = FALSE, correct = FALSE, ok;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Measures, against an in-process hub server on 127.0.0.1 (DESIGN.md budgets): durable\n"
    "payment POSTs with group commit on and off (ratio ≥ 10×, p99 on < 20 ms), student\n"
    "profile GETs (p99 < 5 ms), and simultaneous enroll requests for one student (never\n"
    "above the unit cap, no 5xx).  Seeding takes about 2 minutes for 20,000 students: give\n"
    "--db PATH to keep the seeded ledger and reuse it (a ledger seeded on an earlier day may\n"
    "have its enrollment window closed).  Exit status: 0 (speed budgets are reported, not\n"
    "enforced), 1 a correctness check failed or the run failed, 2 wrong usage.");
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 1)
    {
      g_printerr ("bench-hub: %s (see --help)\n", error ? error->message : "takes no arguments");
      return EXIT_USAGE;
    }
  if (opts.requests == 0)
    opts.requests = opts.quick ? 1000 : 10000;
  if (opts.students == 0)
    opts.students = opts.quick ? 2000 : 20000;
  if (opts.rate < 0 || opts.clients < 1 || opts.clients > 4096 || opts.requests < 1 || opts.students < 100 ||
      opts.enroll < 1 || opts.enroll > 8192)
    {
      g_printerr ("bench-hub: need 1 ≤ --clients ≤ 4096, --requests ≥ 1, --students ≥ 100, "
                  "1 ≤ --enroll ≤ 8192\n");
      return EXIT_USAGE;
    }
  if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
    {
      g_printerr ("bench-hub: cannot initialize libcurl\n");
      return 1;
    }
  if (opts.dir == NULL)
    {
      opts.dir = g_dir_make_tmp ("bench-hub-XXXXXX", &error);
      if (opts.dir == NULL)
        {
          g_printerr ("bench-hub: %s\n", error->message);
          return 1;
        }
      own_dir = TRUE;
    }
  if (opts.db != NULL)
    seed_file = g_strdup (opts.db);
  else
    {
      seed_file = g_build_filename (opts.dir, "college.db", NULL);
      own_seed = TRUE;
    }
  ok = bench (&opts, seed_file, &correct, &error);
  if (own_seed)
    bench_remove_db (seed_file);
  if (own_dir)
    g_rmdir (opts.dir);
  g_free (opts.db);
  g_free (opts.dir);
  curl_global_cleanup ();
  if (!ok)
    {
      g_printerr ("bench-hub: %s\n", error->message);
      return 1;
    }
  return correct ? 0 : 1;
}
