/* hub-route-system.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The routes that are not a resource: login (/api-token-auth/, D-S2, with
 * a lockout after repeated bad logins), health, readiness, Prometheus
 * metrics, the OpenAPI document and its HTML page (docs/, redoc/), and the
 * generic op endpoint POST /api/v1/ops/.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-server-private.h"

static const char *
string_member (JsonObject *body,
               const char *name)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* ---- Login --------------------------------------------------------------- */

/* Lockout after repeated bad logins: at most LOGIN_MAX_FAILURES attempts
 * without a success per login name in a fixed window of LOGIN_WINDOW_US
 * that starts at the first of them; until the window ends, further
 * attempts for that name are answered 429 login_locked with Retry-After,
 * even with the right password, and no password is checked.  A success
 * clears the name's count.  An attempt is counted before the password is
 * checked (and uncounted when it succeeds), so that concurrent attempts on
 * the reader threads cannot get more guesses in.  Kept in memory (a
 * restart forgets it), per server, under a mutex: the reader threads
 * share it.  The per-address rate limit (D-S3) still counts every attempt,
 * so one address cannot lock out more than a few names an hour. */
#define LOGIN_MAX_FAILURES 5
#define LOGIN_WINDOW_US (15 * 60 * G_USEC_PER_SEC)
#define LOGIN_PRUNE_SIZE 4096

typedef struct
{
  gint64 start_us;
  guint  attempts;
} LoginWindow;

typedef struct
{
  GMutex        lock;
  GHashTable   *by_login;   /* case-folded login → LoginWindow */
  const gint64 *clock_us;   /* TalaHubServerOptions.login_clock_us, nullable */
} LoginLockout;

static void
login_lockout_free (gpointer data)
{
  LoginLockout *l = data;

  g_hash_table_unref (l->by_login);
  g_mutex_clear (&l->lock);
  g_free (l);
}

/* The server's lockout table, made on first use. */
static LoginLockout *
login_lockout (TalaHubServer *server)
{
  static GMutex create;
  LoginLockout *l;

  g_mutex_lock (&create);
  l = g_object_get_data (G_OBJECT (server), "hub-login-lockout");
  if (l == NULL)
    {
      l = g_new0 (LoginLockout, 1);
      g_mutex_init (&l->lock);
      l->by_login = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      l->clock_us = g_object_get_data (G_OBJECT (server), "hub-login-clock");
      g_object_set_data_full (G_OBJECT (server), "hub-login-lockout", l, login_lockout_free);
    }
  g_mutex_unlock (&create);
  return l;
}

static gint64
login_now (const LoginLockout *l)
{
  return l->clock_us != NULL ? *(const volatile gint64 *) l->clock_us
                             : g_get_monotonic_time ();
}

static gboolean
login_window_expired (gpointer key,
                      gpointer value,
                      gpointer user_data)
{
  const LoginWindow *w = value;

  return *(const gint64 *) user_data - w->start_us >= LOGIN_WINDOW_US;
}

/* Counts an attempt for @key; FALSE with @retry_s (seconds to the end of
 * the window) when @key is locked out. */
static gboolean
login_attempt (LoginLockout *l,
               const char   *key,
               gint64       *retry_s)
{
  gint64 now;
  LoginWindow *w;
  gboolean ok = TRUE;

  g_mutex_lock (&l->lock);
  now = login_now (l);
  w = g_hash_table_lookup (l->by_login, key);
  if (w != NULL && now - w->start_us >= LOGIN_WINDOW_US)
    {
      w->start_us = now;
      w->attempts = 0;
    }
  if (w == NULL)
    {
      if (g_hash_table_size (l->by_login) >= LOGIN_PRUNE_SIZE)
        g_hash_table_foreach_remove (l->by_login, login_window_expired, &now);
      w = g_new0 (LoginWindow, 1);
      w->start_us = now;
      g_hash_table_insert (l->by_login, g_strdup (key), w);
    }
  if (w->attempts >= LOGIN_MAX_FAILURES)
    {
      *retry_s = MAX ((w->start_us + LOGIN_WINDOW_US - now + G_USEC_PER_SEC - 1) /
                      G_USEC_PER_SEC, 1);
      ok = FALSE;
    }
  else
    w->attempts++;
  g_mutex_unlock (&l->lock);
  return ok;
}

/* A success: @key (and the user's own username) start again from zero. */
static void
login_success (LoginLockout *l,
               const char   *key,
               const char   *username)
{
  g_autofree char *folded = g_utf8_casefold (username, -1);

  g_mutex_lock (&l->lock);
  g_hash_table_remove (l->by_login, key);
  g_hash_table_remove (l->by_login, folded);
  g_mutex_unlock (&l->lock);
}

/* An attempt that proved nothing (the database failed): not counted. */
static void
login_uncount (LoginLockout *l,
               const char   *key)
{
  LoginWindow *w;

  g_mutex_lock (&l->lock);
  w = g_hash_table_lookup (l->by_login, key);
  if (w != NULL && w->attempts > 0)
    w->attempts--;
  g_mutex_unlock (&l->lock);
}

static gboolean
login_write (HubRequest *req,
             TalaLedger *ledger,
             GError    **error)
{
  g_autofree char *token = NULL;
  JsonObject *reply;

  token = tala_ledger_issue_token (ledger, req->write_data, tala_now_us (), error);
  if (token == NULL)
    return FALSE;
  reply = json_object_new ();
  json_object_set_string_member (reply, "token", token);
  hub_request_reply_object (req, 200, reply);
  return TRUE;
}

/* Reader thread: Argon2id runs here, never on the main loop or the writer;
 * only the token is written. */
static void
login_work (HubRequest *req,
            TalaLedger *ledger)
{
  static const char *const allowed[] = { "username", "password", NULL };
  JsonObject *body = hub_request_object (req);
  const char *login = string_member (body, "username");
  const char *password = string_member (body, "password");
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  LoginLockout *lockout = login_lockout (req->server);
  gint64 retry_s = 0;

  if (!hub_request_only_members (req, body, allowed))
    return;
  if (login == NULL || password == NULL)
    {
      hub_request_error (req, 400, "invalid_args", "username and password are required");
      return;
    }
  key = g_utf8_casefold (login, -1);
  if (!login_attempt (lockout, key, &retry_s))
    {
      g_autofree char *retry = g_strdup_printf ("%" G_GINT64_FORMAT, retry_s);

      hub_request_add_header (req, "Retry-After", retry);
      hub_request_error (req, 429, "login_locked",
                         "too many failed logins for this user; retry in %s s", retry);
      return;
    }
  user = tala_ledger_verify_login (ledger, login, password, &error);
  if (error != NULL)
    {
      login_uncount (lockout, key);
      hub_request_ledger_error (req, error);
    }
  else if (user == NULL)
    hub_request_error (req, 400, "invalid_credentials",
                       "unable to log in with the provided credentials");
  else
    {
      login_success (lockout, key, json_object_get_string_member (user, "username"));
      req->write_data = g_strdup (json_object_get_string_member (user, "username"));
      req->write = login_write;
    }
}

/* ---- Health, readiness, metrics, schema ---------------------------------- */

static void
healthz_local (HubRequest *req)
{
  JsonObject *reply = json_object_new ();

  json_object_set_string_member (reply, "status", "ok");
  hub_request_reply_object (req, 200, reply);
}

/* The writer begins and commits an (empty) immediate transaction around
 * this: answering proves the database takes writes. */
static gboolean
readyz_write (HubRequest *req,
              TalaLedger *ledger,
              GError    **error)
{
  JsonObject *reply = json_object_new ();

  json_object_set_string_member (reply, "status", "ready");
  json_object_set_int_member (reply, "hub_seq", tala_ledger_get_hub_seq (ledger));
  hub_request_reply_object (req, 200, reply);
  return TRUE;
}

static void
readyz_local (HubRequest *req)
{
  req->write = readyz_write;
}

static void
metrics_local (HubRequest *req)
{
  g_autofree char *text = hub_server_metrics_text (req->server);
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  /* A string node is sent as text/plain (see request_answer). */
  json_node_set_string (node, text);
  hub_request_reply (req, 200, node);
}

static void
schema_local (HubRequest *req)
{
  hub_request_reply (req, 200, hub_server_openapi (req->server));
}

/* ---- The API's HTML page (docs/, redoc/) --------------------------------- */

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);

  g_string_append (out, escaped);
}

/* One row per operation of the OpenAPI document: method, path, roles,
 * summary.  Self-contained: no script, no style sheet or font to fetch. */
static GBytes *
docs_html (JsonObject *doc)
{
  JsonObject *info = json_object_get_object_member (doc, "info");
  JsonObject *paths = json_object_get_object_member (doc, "paths");
  g_autoptr(GList) names = json_object_get_members (paths);
  GString *out = g_string_sized_new (32 * 1024);
  guint n = 0;

  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<title>");
  append_escaped (out, json_object_get_string_member (info, "title"));
  g_string_append (out, "</title>\n<style>\n"
                        "body{font-family:sans-serif;margin:2em;color:#222}\n"
                        "table{border-collapse:collapse;width:100%}\n"
                        "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;"
                        "vertical-align:top}\n"
                        "th{background:#eee}\ncode{font-size:.95em}\n"
                        ".m{font-weight:bold;font-family:monospace}\n"
                        "</style>\n</head>\n<body>\n<h1>");
  append_escaped (out, json_object_get_string_member (info, "title"));
  g_string_append (out, " <small>");
  append_escaped (out, json_object_get_string_member (info, "version"));
  g_string_append (out, "</small></h1>\n<p>Generated from the OpenAPI document "
                        "<a href=\"/api/v1/schema/\"><code>/api/v1/schema/</code></a>. "
                        "Authenticate with <code>Authorization: Token &lt;key&gt;</code> (or "
                        "<code>Bearer &lt;key&gt;</code>) from <code>POST /api-token-auth/</code>. "
                        "Errors are <code>{\"error\":{\"code\",\"message\"}}</code>; writes "
                        "accept an <code>Idempotency-Key</code> header.</p>\n"
                        "<table>\n<thead><tr><th>Method</th><th>Path</th><th>Roles</th>"
                        "<th>Summary</th></tr></thead>\n<tbody>\n");
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *item = json_object_get_object_member (paths, l->data);
      g_autoptr(GList) methods = json_object_get_members (item);

      for (GList *m = methods; m != NULL; m = m->next)
        {
          JsonObject *op = json_object_get_object_member (item, m->data);
          JsonArray *roles = json_object_get_array_member (op, "x-tala-roles");
          g_autofree char *method = g_ascii_strup (m->data, -1);
          guint n_roles = roles ? json_array_get_length (roles) : 0;

          g_string_append (out, "<tr><td class=\"m\">");
          append_escaped (out, method);
          g_string_append (out, "</td><td><code>");
          append_escaped (out, l->data);
          g_string_append (out, "</code></td><td>");
          if (n_roles == 0)
            g_string_append (out, "anyone");
          else if (n_roles == 7)
            g_string_append (out, "any user");
          for (guint i = 0; n_roles < 7 && i < n_roles; i++)
            {
              if (i > 0)
                g_string_append (out, ", ");
              append_escaped (out, json_array_get_string_element (roles, i));
            }
          g_string_append (out, "</td><td>");
          append_escaped (out, json_object_get_string_member_with_default (op, "summary", ""));
          g_string_append (out, "</td></tr>\n");
          n++;
        }
    }
  g_string_append_printf (out, "</tbody>\n</table>\n<p>%u operations.</p>\n</body>\n</html>\n",
                          n);
  return g_string_free_to_bytes (out);
}

/* GET docs/ and redoc/: the same page, made now from the route table. */
static void
docs_local (HubRequest *req)
{
  g_autoptr(JsonNode) doc = hub_server_openapi (req->server);

  hub_request_add_header (req, "Content-Security-Policy",
                          "default-src 'none'; style-src 'unsafe-inline'");
  hub_request_reply_raw (req, 200, "text/html; charset=utf-8",
                         docs_html (json_node_get_object (doc)));
}

/* ---- POST /api/v1/ops/ --------------------------------------------------- */

static void
ops_work (HubRequest *req,
          TalaLedger *ledger)
{
  static const char *const allowed[] = { "kind", "args", NULL };
  JsonObject *body = hub_request_object (req);
  const char *kind = string_member (body, "kind");
  JsonNode *args = json_object_get_member (body, "args");

  if (!hub_request_only_members (req, body, allowed))
    return;
  if (kind == NULL || args == NULL || !JSON_NODE_HOLDS_OBJECT (args))
    hub_request_error (req, 400, "invalid_envelope", "kind (a string) and args (an object) "
                       "are required");
  else if (g_str_has_prefix (kind, "job."))
    hub_request_error (req, 400, "unknown_kind", "jobs are run by the scheduler, not over REST");
  else
    hub_request_set_op (req, kind, json_object_ref (json_node_get_object (args)));
}

const HubRoute hub_routes_system[] = {
  { "POST", "/api-token-auth/", HUB_ANONYMOUS, login_work, NULL, NULL, NULL,
    "Log in with a username, student number or e-mail and a password; returns a token" },
  { "GET", "/healthz", HUB_ANONYMOUS, NULL, healthz_local, NULL, NULL,
    "The process is up" },
  { "GET", "/readyz", HUB_ANONYMOUS, NULL, readyz_local, NULL, NULL,
    "The database takes writes" },
  { "GET", "/metrics", HUB_ANONYMOUS, NULL, metrics_local, NULL, NULL,
    "Prometheus metrics" },
  { "GET", "/api/v1/schema/", HUB_ANY_USER, NULL, schema_local, NULL, NULL,
    "This OpenAPI document, generated from the route table" },
  { "GET", "/api/v1/docs/", HUB_ANY_USER, NULL, docs_local, NULL, NULL,
    "This API as an HTML page: every operation with its roles, from the OpenAPI document" },
  { "GET", "/api/v1/redoc/", HUB_ANY_USER, NULL, docs_local, NULL, NULL,
    "The same HTML page as docs/" },
  { "POST", "/api/v1/ops/", HUB_ANY_USER, ops_work, NULL, NULL, NULL,
    "Apply an op {kind, args} as the caller; answers the result envelope" },
  { NULL }
};
