/* test-roles.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The role matrix: every route of the server's tables against an explicit
 * table written from ops.md §5 and D-A2, and a live request per route and
 * caller (anonymous and the seven users of the fixture).  The routes are
 * walked from the tables, so a route added without a row here fails; a row
 * whose route is not served yet fails /hub/roles/all-routes-present only.
 */

#include "config.h"

#include <string.h>

#include "hub-server-private.h"
#include "test-hub.h"

/* ADMIT = REG + ADMISSION_STAFF (ops.md §1.9). */
#define ADMIT (HUB_REG | HUB_ROLE_ADMISSION_STAFF)
#define ADM   HUB_ROLE_ADMIN
#define PROF  HUB_ROLE_PROFESSOR

#define V1 "/api/v1/"
#define SE V1 "student/enrollment/{id}/"
#define RS V1 "registrar/students/{number}/"
#define RE RS "enrollments/{semester}/"

typedef struct
{
  const char *method;
  const char *pattern;
  guint       roles;
  const char *body;     /* the body of a write; NULL: "{}" */
  gboolean    device;   /* takes a terminal's token: a person's is 403 even
                         * for a role the route admits */
} Expectation;

/* ops.md §5, one row per method and path; the roles per D-A2 (ADMIN
 * wherever CASHIER or REGISTRAR is).  The placeholders' names do not
 * matter: patterns are compared with every {…} alike. */
static const Expectation expected[] = {
  /* Login, documents, health and the generic op endpoint. */
  { "POST", "/api-token-auth/", HUB_ANONYMOUS, NULL },
  { "GET", "/healthz", HUB_ANONYMOUS, NULL },
  { "GET", "/readyz", HUB_ANONYMOUS, NULL },
  { "GET", "/metrics", HUB_ANONYMOUS, NULL },
  { "GET", V1 "schema/", HUB_ANY_USER, NULL },
  { "GET", V1 "docs/", HUB_ANY_USER, NULL },
  { "GET", V1 "redoc/", HUB_ANY_USER, NULL },
  { "POST", V1 "ops/", HUB_ANY_USER, NULL },

  /* Student (S1–S9 and the original's list and detail routes). */
  { "GET", V1 "student/profile/me/", HUB_STU, NULL },
  { "GET", V1 "student/profile/", HUB_STU, NULL },
  { "GET", V1 "student/profile/{id}/", HUB_STU, NULL },
  { "GET", V1 "student/notifications/", HUB_STU, NULL },
  { "GET", V1 "student/enrollment/", HUB_STU, NULL },
  { "GET", SE, HUB_STU, NULL },
  { "GET", SE "subjects/", HUB_STU, NULL },
  { "GET", SE "available_subjects/", HUB_STU, NULL },
  { "POST", SE "enroll_subject/", HUB_STU, NULL },
  { "POST", SE "drop_subject/", HUB_STU, NULL },
  { "GET", SE "payment_status/", HUB_STU, NULL },
  { "GET", SE "exam_permit/", HUB_STU, NULL },
  { "GET", SE "exam_permits/", HUB_STU, NULL },
  { "GET", SE "transcript/", HUB_STU, NULL },

  /* Cashier (C1–C6, corrections, the collections report). */
  { "GET", V1 "cashier/search/search/", HUB_CASH | HUB_REG, NULL },
  { "GET", V1 "cashier/payment/payment_methods/", HUB_CASH, NULL },
  { "POST", V1 "cashier/payment/record_payment/", HUB_CASH, NULL },
  { "GET", V1 "cashier/payment/student/{student_id}/status/", HUB_CASH, NULL },
  { "GET", V1 "cashier/payment/student/{student_id}/history/", HUB_CASH, NULL },
  { "GET", V1 "cashier/payment/{payment_id}/receipt/", HUB_CASH | HUB_STU, NULL },
  { "POST", V1 "cashier/payment/{payment_id}/void/", HUB_CASH, NULL },
  { "POST", V1 "cashier/payment/{payment_id}/adjust/", HUB_CASH, NULL },
  { "GET", V1 "cashier/reports/collections/", HUB_CASH, NULL },

  /* Public (P1–P3). */
  { "GET", V1 "public/programs/", HUB_ANONYMOUS, NULL },
  { "GET", V1 "public/programs/{id}/", HUB_ANONYMOUS, NULL },
  { "GET", V1 "public/programs/{id}/subjects/", HUB_ANONYMOUS, NULL },
  { "POST", V1 "public/enrollment/new_student/", HUB_ANONYMOUS, NULL },

  /* Registrar. */
  { "GET", V1 "registrar/students/", ADMIT, NULL },
  { "GET", RS, ADMIT, NULL },
  { "POST", V1 "registrar/students/", ADMIT, NULL },
  /* An empty PATCH would be an applied no-op: ask for a refused status. */
  { "PATCH", RS, HUB_REG, "{\"status\":\"LOA\"}" },
  { "POST", RS "enrollments/", ADMIT, NULL },
  { "POST", RS "transfer_credits/", HUB_REG, NULL },
  { "POST", RS "loa/", HUB_REG, NULL },
  { "PATCH", RS "loa/{loa_id}/", HUB_REG, NULL },
  { "POST", RE "subjects/", HUB_REG, NULL },
  { "POST", RE "subjects/{subject}/drop/", HUB_REG, NULL },
  { "PUT", RE "subjects/{subject}/grade/", HUB_REG, NULL },
  { "POST", RE "subjects/{subject}/grade/override/", HUB_REG, NULL },
  { "POST", RE "permits/{period}/promissory/", HUB_REG, NULL },
  { "POST", V1 "registrar/grades/finalize/", HUB_REG, NULL },
  { "GET", RS "transcript/", HUB_REG, NULL },
  { "GET", RS "payments/", HUB_REG, NULL },
  { "GET", RS "audit/", HUB_REG, NULL },
  { "GET", V1 "registrar/inc/", HUB_REG, NULL },
  { "GET", V1 "registrar/unassigned_payments/", HUB_REG, NULL },
  { "GET", V1 "registrar/sections/{semester}/{code}/roster/", HUB_REG, NULL },

  /* Professor (own sections; prof1 teaches CS101-A). */
  { "GET", V1 "professor/sections/", PROF, NULL },
  { "GET", V1 "professor/sections/{semester}/{code}/roster/", PROF, NULL },
  { "PUT", V1 "professor/sections/{semester}/{code}/grades/{number}/", PROF, NULL },

  /* Catalog: GET any user, PUT REG. */
  { "GET", V1 "catalog/programs/{code}/", HUB_ANY_USER, NULL },
  { "PUT", V1 "catalog/programs/{code}/", HUB_REG, NULL },
  { "GET", V1 "catalog/subjects/{code}/", HUB_ANY_USER, NULL },
  { "PUT", V1 "catalog/subjects/{code}/", HUB_REG, NULL },
  { "GET", V1 "catalog/semesters/{code}/", HUB_ANY_USER, NULL },
  { "PUT", V1 "catalog/semesters/{code}/", HUB_REG, NULL },
  { "GET", V1 "catalog/semesters/{semester}/sections/{code}/", HUB_ANY_USER, NULL },
  { "PUT", V1 "catalog/semesters/{semester}/sections/{code}/", HUB_REG, NULL },

  /* Admin. */
  { "GET", V1 "admin/users/{username}/", ADM, NULL },
  { "PUT", V1 "admin/users/{username}/", ADM, NULL },
  { "POST", V1 "admin/users/{username}/password/", ADM, NULL },
  { "GET", V1 "admin/config/{key}/", ADM, NULL },
  { "PUT", V1 "admin/config/{key}/", ADM, NULL },
  { "POST", V1 "admin/jobs/{name}/run/", ADM, NULL },
  { "GET", V1 "admin/jobs/", ADM, NULL },
  { "GET", V1 "admin/audit/", ADM, NULL },
  { "GET", V1 "admin/devices/", ADM, NULL },

  /* Sync (docs/sync.md): a person at a desk registers a terminal; the
   * rest takes the terminal's own token. */
  { "POST", V1 "sync/register", HUB_CASH | HUB_REG, NULL, FALSE },
  { "GET", V1 "sync/snapshot", HUB_CASH | HUB_REG, NULL, TRUE },
  { "POST", V1 "sync/push", HUB_CASH | HUB_REG, NULL, TRUE },
  { "GET", V1 "sync/pull", HUB_CASH | HUB_REG, NULL, TRUE },
};

/* The callers: anonymous, then hub_test_users with their role bits. */
typedef struct
{
  const char *username;   /* NULL: anonymous */
  guint       role;
} Caller;

static const Caller callers[] = {
  { NULL, 0 },
  { "admin", HUB_ROLE_ADMIN },
  { "cashier1", HUB_ROLE_CASHIER },
  { "registrar1", HUB_ROLE_REGISTRAR },
  { "prof1", HUB_ROLE_PROFESSOR },
  { "head1", HUB_ROLE_HEAD_REGISTRAR },
  { "admit1", HUB_ROLE_ADMISSION_STAFF },
  { "2025-00001", HUB_ROLE_STUDENT },
};

static const HubRoute *const *
route_tables (guint *n)
{
  static const HubRoute *const tables[] = {
    hub_routes_system, hub_routes_cashier, hub_routes_student, hub_routes_public,
    hub_routes_registrar, hub_routes_professor, hub_routes_catalog, hub_routes_admin,
    hub_routes_sync,
  };

  *n = G_N_ELEMENTS (tables);
  return tables;
}

/* @pattern with every {name} as {}. */
static char *
shape_of (const char *pattern)
{
  GString *out = g_string_new (NULL);

  for (const char *p = pattern; *p != '\0'; p++)
    {
      g_string_append_c (out, *p);
      if (*p == '{')
        {
          while (*p != '\0' && *p != '}')
            p++;
          if (*p == '\0')
            break;
          g_string_append_c (out, '}');
        }
    }
  return g_string_free (out, FALSE);
}

static const Expectation *
find_expectation (const char *method,
                  const char *pattern)
{
  g_autofree char *shape = shape_of (pattern);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *other = shape_of (expected[i].pattern);

      if (strcmp (expected[i].method, method) == 0 && strcmp (other, shape) == 0)
        return &expected[i];
    }
  return NULL;
}

static const HubRoute *
find_route (const Expectation *e)
{
  g_autofree char *shape = shape_of (e->pattern);
  const HubRoute *const *tables;
  guint n;

  tables = route_tables (&n);
  for (guint t = 0; t < n; t++)
    for (const HubRoute *r = tables[t]; r->method != NULL; r++)
      {
        g_autofree char *other = shape_of (r->pattern);

        if (strcmp (r->method, e->method) == 0 && strcmp (other, shape) == 0)
          return r;
      }
  return NULL;
}

static char *
roles_text (guint roles)
{
  static const char *const names[] = { "STUDENT", "PROFESSOR", "CASHIER", "REGISTRAR",
                                       "HEAD_REGISTRAR", "ADMISSION_STAFF", "ADMIN" };
  GString *out = g_string_new (NULL);

  if (roles == HUB_ANONYMOUS)
    return g_string_free (g_string_append (out, "anonymous"), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (roles & (1u << i))
      g_string_append_printf (out, "%s%s", out->len ? "|" : "", names[i]);
  return g_string_free (out, FALSE);
}

static gboolean fillable (const char *pattern);

/* ---- (a) every served route has a row ------------------------------------ */

static void
test_table_covers_routes (void)
{
  const HubRoute *const *tables;
  guint n, routes = 0, missing = 0;

  tables = route_tables (&n);
  for (guint t = 0; t < n; t++)
    for (const HubRoute *r = tables[t]; r->method != NULL; r++)
      {
        routes++;
        if (find_expectation (r->method, r->pattern) == NULL)
          {
            g_test_message ("route %s %s has no row in the expectation table", r->method,
                            r->pattern);
            missing++;
          }
      }
  /* The live matrix can reach every route of the table once served. */
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (!fillable (expected[i].pattern))
      {
        g_test_message ("no fixture value for a placeholder of %s", expected[i].pattern);
        missing++;
      }
  g_test_message ("%u routes served", routes);
  g_assert_cmpuint (routes, >, 0);
  if (missing > 0)
    g_test_fail_printf ("%u routes or placeholders without a row", missing);
}

/* ---- (b) the route table's role bits are the expected ones --------------- */

static void
test_role_bits (void)
{
  guint checked = 0, wrong = 0;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const HubRoute *r = find_route (&expected[i]);

      if (r == NULL)
        continue;
      checked++;
      if (r->roles != expected[i].roles)
        {
          g_autofree char *have = roles_text (r->roles);
          g_autofree char *want = roles_text (expected[i].roles);

          g_test_message ("%s %s admits %s; ops.md section 5 says %s", r->method, r->pattern, have,
                          want);
          wrong++;
        }
    }
  g_test_message ("%u routes checked", checked);
  g_assert_cmpuint (checked, >, 0);
  if (wrong > 0)
    g_test_fail_printf ("%u routes admit other roles than ops.md section 5", wrong);
}

/* ---- (d) every row of the table is served -------------------------------- */

static void
test_all_routes_present (void)
{
  guint missing = 0;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (find_route (&expected[i]) == NULL)
      {
        g_test_message ("not served: %s %s", expected[i].method, expected[i].pattern);
        missing++;
      }
  /* A failure, not an abort: the cases after this one still run. */
  if (missing > 0)
    g_test_fail_printf ("%u of %u routes of ops.md section 5 are not served", missing,
                        (guint) G_N_ELEMENTS (expected));
}

/* ---- (c) live requests --------------------------------------------------- */

static char *payment_id;
static char *loa_id;

/* A payment to void or adjust and a closed LOA period in the past (it
 * changes no status today) give the URLs real ids. */
static void
prepare_matrix (LedgerFixture *seed)
{
  g_autoptr(JsonObject) paid = NULL;
  g_autoptr(JsonObject) loa = NULL;

  paid = test_apply_ok (seed, "payment.record", "cashier1",
                        "{\"student\":\"2025-00001\",\"amount\":\"2500.00\",\"method\":\"CASH\"}");
  payment_id = g_strdup (json_object_get_string_member (paid, "payment_id"));
  loa = test_apply_ok (seed, "loa.record", "registrar1",
                       "{\"student\":\"2025-00001\",\"start_date\":\"2024-01-08\","
                       "\"end_date\":\"2024-02-05\",\"reason\":\"Family matter\"}");
  loa_id = g_strdup (json_object_get_string_member (loa, "loa_id"));
}

typedef struct
{
  const char *after;   /* the pattern segment before the placeholder; NULL: any */
  const char *name;
  const char *value;   /* NULL: filled at run time */
} Fill;

/* Real values of the fixture for each placeholder.  {name} of a job is one
 * that does not exist, so that ADMIN's request runs nothing. */
static const Fill fills[] = {
  { "profile", "id", NULL },           /* the caller's profile id, see fill_value() */
  { "enrollment", "id", "2025-FIRST" },
  { "programs", "id", "BSCS" },
  { "programs", "code", "BSCS" },
  { "subjects", "code", "CS101" },
  { "semesters", "code", "2025-FIRST" },
  { "sections", "code", "CS101-A" },
  { "{semester}", "code", "CS101-A" },
  { NULL, "student_id", "2025-00001" },
  { NULL, "number", "2025-00001" },
  { NULL, "semester", "2025-FIRST" },
  { NULL, "subject", "CS101" },
  { NULL, "period", "PRELIM" },
  { NULL, "payment_id", NULL },
  { NULL, "loa_id", NULL },
  { NULL, "username", "cashier1" },
  { NULL, "key", "max_units_per_semester" },
  { NULL, "name", "no-such-job" },
  /* Other spellings a route file may use for the same things. */
  { NULL, "student", "2025-00001" },
  { NULL, "section", "CS101-A" },
  { NULL, "program", "BSCS" },
  { NULL, "loa", NULL },
  { NULL, "job", "no-such-job" },
  { NULL, "user", "cashier1" },
};

static char *profile_id;

/* TRUE when every placeholder of @pattern has a row in fills[]. */
static gboolean
fillable (const char *pattern)
{
  g_auto(GStrv) pat = g_strsplit (pattern, "/", -1);

  for (guint i = 0; pat[i] != NULL; i++)
    {
      gsize len = strlen (pat[i]);
      gboolean found = FALSE;

      if (len <= 2 || pat[i][0] != '{' || pat[i][len - 1] != '}')
        continue;
      for (guint f = 0; f < G_N_ELEMENTS (fills) && !found; f++)
        found = strncmp (fills[f].name, pat[i] + 1, len - 2) == 0 &&
                fills[f].name[len - 2] == '\0' &&
                (fills[f].after == NULL || g_strcmp0 (fills[f].after, pat[i - 1]) == 0);
      if (!found)
        return FALSE;
    }
  return TRUE;
}

static const char *
fill_value (const char *after,
            const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (fills); i++)
    {
      if (strcmp (fills[i].name, name) != 0 ||
          (fills[i].after != NULL && g_strcmp0 (fills[i].after, after) != 0))
        continue;
      if (fills[i].value != NULL)
        return fills[i].value;
      if (strcmp (name, "id") == 0)
        return profile_id;
      if (strcmp (name, "payment_id") == 0)
        return payment_id;
      if (strcmp (name, "loa_id") == 0 || strcmp (name, "loa") == 0)
        return loa_id;
    }
  return NULL;
}

/* The route's path with real values; NULL when a placeholder has none. */
static char *
fill_path (const char *pattern)
{
  g_auto(GStrv) pat = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) segs = g_strsplit (pattern, "/", -1);

  for (guint i = 0; pat[i] != NULL; i++)
    {
      gsize len = strlen (pat[i]);

      if (len > 2 && pat[i][0] == '{' && pat[i][len - 1] == '}')
        {
          g_autofree char *name = g_strndup (pat[i] + 1, len - 2);
          const char *value = fill_value (i > 0 ? pat[i - 1] : NULL, name);

          if (value == NULL)
            return NULL;
          g_free (segs[i]);
          segs[i] = g_uri_escape_string (value, NULL, FALSE);
        }
    }
  return g_strjoinv ("/", segs);
}

static const char *
error_code (HubReply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  static char code[64];
  JsonNode *root;
  JsonObject *err;

  code[0] = '\0';
  if (r->body == NULL || !json_parser_load_from_data (parser, r->body, -1, NULL))
    return code;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "error") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root), "error")))
    return code;
  err = json_object_get_object_member (json_node_get_object (root), "error");
  g_strlcpy (code, json_object_get_string_member_with_default (err, "code", ""), sizeof code);
  return code;
}

static gint64
journal_seq (HubFixture *fx)
{
  return hub_db_scalar (fx, "SELECT coalesce(max(hub_seq), 0) * 1000000 + count(*)"
                            " FROM journal");
}

static void
test_live_matrix (void)
{
  static const TalaHubServerOptions options = { .quiet = TRUE, .rate_anon = 1000000,
                                                .rate_auth = 1000000 };
  HubFixture fx = { 0 };
  char *tokens[G_N_ELEMENTS (callers)] = { NULL };
  const HubRoute *const *tables;
  guint n, requests = 0, failures = 0;
  gint64 before;
  gint64 start = g_get_monotonic_time ();

  hub_fixture_setup_with (&fx, &options, prepare_matrix);
  for (guint c = 1; c < G_N_ELEMENTS (callers); c++)
    tokens[c] = hub_login_as (&fx, callers[c].username);
  {
    g_auto(HubReply) me = hub_call (&fx, "GET", "/api/v1/student/profile/me/",
                                    tokens[G_N_ELEMENTS (callers) - 1], NULL);
    g_autoptr(JsonObject) profile = NULL;

    g_assert_cmpuint (me.status, ==, 200);
    profile = hub_reply_object (&me);
    profile_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (profile,
                                                                                  "id"));
  }
  before = journal_seq (&fx);

  tables = route_tables (&n);
  for (guint t = 0; t < n; t++)
    for (const HubRoute *r = tables[t]; r->method != NULL; r++)
      {
        const Expectation *e = find_expectation (r->method, r->pattern);
        g_autofree char *path = fill_path (r->pattern);
        gboolean write = strcmp (r->method, "GET") != 0 && strcmp (r->method, "DELETE") != 0;
        const char *body = write ? (e && e->body ? e->body : "{}") : NULL;
        guint roles = e ? e->roles : r->roles;

        if (path == NULL)
          {
            g_test_message ("FAIL %s %s: no fixture value for a placeholder", r->method,
                            r->pattern);
            failures++;
            continue;
          }
        for (guint c = 0; c < G_N_ELEMENTS (callers); c++)
          {
            g_auto(HubReply) reply = { 0 };
            const char *who = callers[c].username ? callers[c].username : "anonymous";
            const char *code;
            gboolean allowed = roles == HUB_ANONYMOUS || (roles & callers[c].role) != 0;
            gboolean ok;

            hub_start (&fx, &reply, r->method, path, tokens[c], NULL, NULL, body);
            hub_wait (&fx, &reply);
            requests++;
            code = error_code (&reply);
            if (reply.status >= 500)
              ok = FALSE;
            else if (c == 0 && !allowed)
              ok = reply.status == 401 && strcmp (code, "unauthorized") == 0;
            else if (!allowed || (e != NULL && e->device))
              ok = reply.status == 403 && strcmp (code, "forbidden") == 0;
            else
              ok = reply.status != 401 && reply.status != 403;
            if (!ok)
              {
                g_test_message ("FAIL %s %s as %s (%s): %u %s", r->method, path, who,
                                allowed ? "allowed" : "not allowed", reply.status,
                                reply.body);
                failures++;
              }
          }
      }
  g_test_message ("%u requests in %.1f s, %u failures", requests,
                  (g_get_monotonic_time () - start) / 1e6, failures);
  /* The bodies were empty or refused: nothing was applied. */
  g_assert_cmpint (journal_seq (&fx), ==, before);
  for (guint c = 0; c < G_N_ELEMENTS (callers); c++)
    g_free (tokens[c]);
  hub_fixture_teardown (&fx, NULL);
  g_clear_pointer (&profile_id, g_free);
  g_clear_pointer (&payment_id, g_free);
  g_clear_pointer (&loa_id, g_free);
  g_assert_cmpuint (requests, >, 0);
  if (failures > 0)
    g_test_fail_printf ("%u of %u requests got an unexpected answer", failures, requests);
}

int
main (int   argc,
      char *argv[])
{
  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hub/roles/table-covers-routes", test_table_covers_routes);
  g_test_add_func ("/hub/roles/role-bits", test_role_bits);
  g_test_add_func ("/hub/roles/live-matrix", test_live_matrix);
  g_test_add_func ("/hub/roles/all-routes-present", test_all_routes_present);

  return g_test_run ();
}
