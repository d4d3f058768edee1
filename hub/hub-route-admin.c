/* hub-route-admin.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The admin API (ops.md §5), ADMIN only: staff users (user.put) and their
 * passwords (a credential, not an op: §1.11), configuration (config.set),
 * running a job now (job.* with the admin as actor, recorded as a job run
 * like the scheduler's), and the reads of job runs, the audit log and the
 * terminals the hub has heard from.  Lists are pages of 20.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-jobs.h"
#include "hub-server-private.h"
#include "tala-ledger-staff.h"

#define MIN_PASSWORD_CHARS 8
#define MAX_PASSWORD_BYTES 1024

/* Sets @member of @args to the URL's @param; a body that gives @member
 * too must give the same string.  FALSE, answered 400, otherwise. */
static gboolean
url_member (HubRequest *req,
            JsonObject *args,
            const char *member,
            const char *param)
{
  JsonNode *node = json_object_get_member (args, member);
  const char *value = hub_request_param (req, param);

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
       g_strcmp0 (json_node_get_string (node), value) != 0))
    {
      hub_request_error (req, 400, "invalid_args", "%s in the body must be the URL's “%s”",
                         member, value);
      return FALSE;
    }
  json_object_set_string_member (args, member, value);
  return TRUE;
}

/* Writer thread: the op's result, 201 when it created something. */
static void
result_shape (HubRequest *req,
              TalaLedger *ledger,
              JsonObject *envelope)
{
  JsonObject *result = json_object_get_object_member (envelope, "result");

  hub_request_reply_object (req, json_object_get_boolean_member_with_default (result, "created",
                                                                              FALSE) ? 201 : 200,
                            json_object_ref (result));
}

/* ---- Users ------------------------------------------------------------------- */

static void
user_get_work (HubRequest *req,
               TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *user = tala_ledger_user (ledger, hub_request_param (req, "username"), &error);

  if (user != NULL)
    hub_request_reply_object (req, 200, user);
  else if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 404, "not_found", "no such user");
  else
    hub_request_ledger_error (req, error);
}

/* PUT admin/users/{username}/: user.put, the body being its args. */
static void
user_put_work (HubRequest *req,
               TalaLedger *ledger)
{
  g_autoptr(JsonNode) copy = json_node_copy (req->body);
  JsonObject *args = json_node_get_object (copy);

  if (url_member (req, args, "username", "username"))
    hub_request_set_op (req, "user.put", json_object_ref (args));
}

/* A password an admin may set: MIN_PASSWORD_CHARS characters or more of
 * valid UTF-8, not the username, not one character repeated.  NULL when
 * it is good, else why not. */
static const char *
password_weakness (const char *password,
                   const char *username)
{
  gboolean varied = FALSE;

  if (strlen (password) > MAX_PASSWORD_BYTES || !g_utf8_validate (password, -1, NULL))
    return "a password is valid UTF-8 of at most 1024 bytes";
  if (g_utf8_strlen (password, -1) < MIN_PASSWORD_CHARS)
    return "a password has at least 8 characters";
  if (g_ascii_strcasecmp (password, username) == 0)
    return "a password must not be the username";
  for (const char *p = password; *p != '\0' && !varied; p++)
    varied = *p != password[0];
  if (!varied)
    return "a password must not be one character repeated";
  return NULL;
}

/* Writer thread: stores the verifier the reader made (no hashing here) and
 * revokes the user's tokens, in one savepoint. */
static gboolean
password_write (HubRequest *req,
                TalaLedger *ledger,
                GError    **error)
{
  const char *username = hub_request_param (req, "username");
  g_autoptr(GError) local_error = NULL;
  gint64 revoked = 0;
  JsonObject *reply;
  gboolean ok;

  if (!tala_ledger_begin (ledger, error))
    return FALSE;
  ok = tala_ledger_store_password (ledger, username, req->write_data,
                                   hub_request_username (req), tala_now_us (), &local_error) &&
       (revoked = tala_ledger_revoke_tokens (ledger, username, &local_error)) >= 0;
  memset (req->write_data, 0, strlen (req->write_data));
  if (!ok)
    {
      tala_ledger_rollback (ledger);
      if (!g_error_matches (local_error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      hub_request_error (req, 404, "not_found", "%s", local_error->message);
      return TRUE;
    }
  if (!tala_ledger_commit (ledger, error))
    return FALSE;
  reply = json_object_new ();
  json_object_set_string_member (reply, "username", username);
  json_object_set_boolean_member (reply, "password_set", TRUE);
  json_object_set_int_member (reply, "tokens_revoked", revoked);
  hub_request_reply_object (req, 200, reply);
  return TRUE;
}

/* POST admin/users/{username}/password/ {password}: not an op.  Argon2id
 * runs here, on the reader thread; the writer only stores the verifier. */
static void
password_work (HubRequest *req,
               TalaLedger *ledger)
{
  static const char *const allowed[] = { "password", NULL };
  JsonObject *body = hub_request_object (req);
  JsonNode *node = json_object_get_member (body, "password");
  const char *username = hub_request_param (req, "username");
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;
  const char *weakness;

  if (!hub_request_only_members (req, body, allowed))
    return;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      hub_request_error (req, 400, "invalid_args", "password is required (a string)");
      return;
    }
  weakness = password_weakness (json_node_get_string (node), username);
  if (weakness != NULL)
    {
      hub_request_error (req, 400, "invalid_args", "%s", weakness);
      return;
    }
  user = tala_ledger_user (ledger, username, &error);
  if (user == NULL && g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 404, "not_found", "no such user");
  else if (user == NULL)
    hub_request_ledger_error (req, error);
  else if ((req->write_data = tala_ledger_hash_password (json_node_get_string (node),
                                                         &error)) == NULL)
    hub_request_ledger_error (req, error);
  else
    req->write = password_write;
}

/* ---- Configuration ----------------------------------------------------------- */

static void
config_get_work (HubRequest *req,
                 TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *entry = tala_ledger_staff_config (ledger, hub_request_param (req, "key"), &error);

  if (entry != NULL)
    hub_request_reply_object (req, 200, entry);
  else if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 404, "not_found", "no such configuration key");
  else
    hub_request_ledger_error (req, error);
}

/* PUT admin/config/{key}/ {value}: config.set. */
static void
config_put_work (HubRequest *req,
                 TalaLedger *ledger)
{
  static const char *const allowed[] = { "key", "value", NULL };
  g_autoptr(JsonNode) copy = json_node_copy (req->body);
  JsonObject *args = json_node_get_object (copy);
  JsonNode *value = json_object_get_member (args, "value");

  if (!hub_request_only_members (req, args, allowed) ||
      !url_member (req, args, "key", "key"))
    return;
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    hub_request_error (req, 400, "invalid_args", "value is required");
  else
    hub_request_set_op (req, "config.set", json_object_ref (args));
}

/* ---- Jobs -------------------------------------------------------------------- */

static JsonArray *
jobs_schedule (TalaLedger *ledger,
               GError    **error)
{
  g_autoptr(JsonArray) jobs = json_array_new ();
  const char * const *names = tala_hub_job_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonObject *job = json_object_new ();
      gint64 next_run = 0;
      gboolean found;

      json_array_add_object_element (jobs, job);
      json_object_set_string_member (job, "name", names[i]);
      json_object_set_string_member (job, "kind", tala_hub_job_kind (names[i]));
      json_object_set_string_member (job, "schedule", tala_hub_job_schedule (names[i]));
      if (!tala_ledger_job_next_run (ledger, names[i], &next_run, &found, error))
        return NULL;
      if (found)
        {
          g_autofree char *text = tala_timestamp_format (next_run);

          json_object_set_string_member (job, "next_run", text);
        }
      else
        json_object_set_null_member (job, "next_run");
    }
  return g_steal_pointer (&jobs);
}

/* GET admin/jobs/?name=: a page of job runs, newest first, and every job
 * with its schedule and next run under "jobs". */
static void
jobs_work (HubRequest *req,
           TalaLedger *ledger)
{
  const char *name = hub_request_query (req, "name");
  guint page = hub_request_page_number (req);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) jobs = NULL;
  JsonArray *runs;
  gint64 count = 0;

  if (page == 0)
    return;
  if (name != NULL && name[0] == '\0')
    name = NULL;
  if (name != NULL && tala_hub_job_kind (name) == NULL)
    {
      hub_request_error (req, 404, "not_found", "no job %s", name);
      return;
    }
  jobs = jobs_schedule (ledger, &error);
  runs = jobs ? tala_ledger_staff_job_runs (ledger, name, (page - 1) * HUB_PAGE_SIZE,
                                            HUB_PAGE_SIZE, &count, &error) : NULL;
  if (runs == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  hub_request_reply_page (req, page, count, runs);
  if (req->status == 200)
    json_object_set_array_member (json_node_get_object (req->reply), "jobs",
                                  g_steal_pointer (&jobs));
}

/* The answer of a job run: the op's error when it was rejected, else the
 * run and the op's result. */
static void
job_reply (HubRequest *req,
           gint64      run_id,
           JsonObject *envelope,
           guint       status)
{
  const char *name = hub_request_param (req, "name");
  JsonObject *reply = json_object_new ();

  if (status >= 300)
    json_object_set_object_member (reply, "error", json_object_ref (
                                     json_object_get_object_member (envelope, "error")));
  else
    {
      json_object_set_string_member (reply, "job", name);
      json_object_set_string_member (reply, "kind", tala_hub_job_kind (name));
      json_object_set_int_member (reply, "run_id", run_id);
      json_object_set_string_member (reply, "op_id", req->op_id);
      json_object_set_int_member (reply, "hub_seq", req->hub_seq);
      json_object_set_object_member (reply, "result", json_object_ref (
                                       json_object_get_object_member (envelope, "result")));
    }
  hub_request_reply_object (req, status, reply);
}

/* Writer thread: one run of the job, as the scheduler records it (a
 * job_run row, attempt 1, scheduled for now), applying the job's op with
 * the admin as actor, all in one savepoint.  A rejected op (a bad
 * `student`) is a failed run. */
static gboolean
job_write (HubRequest *req,
           TalaLedger *ledger,
           GError    **error)
{
  const char *name = hub_request_param (req, "name");
  gint64 now = MAX (tala_now_us (), tala_ledger_get_last_applied (ledger));
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(JsonObject) envelope = NULL;
  g_autofree char *text = NULL;
  gint64 run_id;
  guint status;

  if (!tala_ledger_begin (ledger, error))
    return FALSE;
  json_object_set_string_member (op, "op_id", req->op_id);
  json_object_set_string_member (op, "kind", tala_hub_job_kind (name));
  json_object_set_string_member (op, "actor", hub_request_username (req));
  json_object_set_object_member (op, "args", json_object_ref (hub_request_object (req)));
  if (!tala_ledger_job_run_start (ledger, name, now, now, 1, &run_id, error) ||
      (envelope = tala_ledger_apply (ledger, op, TALA_CHANNEL_REST, now, NULL, error)) == NULL)
    goto fail;
  status = hub_status_for_envelope (req, envelope);
  text = tala_json_canonical_object (envelope);
  if (!tala_ledger_job_run_finish (ledger, run_id, tala_now_us (), status < 300,
                                   status < 300 ? text : NULL, status < 300 ? NULL : text,
                                   error))
    goto fail;
  /* A failed commit has rolled back already. */
  if (!tala_ledger_commit (ledger, error))
    return FALSE;
  job_reply (req, run_id, envelope, status);
  return TRUE;

fail:
  tala_ledger_rollback (ledger);
  return FALSE;
}

/* POST admin/jobs/{name}/run/ {student?}: the job now. */
static void
job_run_work (HubRequest *req,
              TalaLedger *ledger)
{
  static const char *const allowed[] = { "student", NULL };
  const char *name = hub_request_param (req, "name");

  if (tala_hub_job_kind (name) == NULL)
    hub_request_error (req, 404, "not_found", "no job %s", name);
  else if (hub_request_only_members (req, hub_request_object (req), allowed))
    {
      req->op_id = hub_request_op_id (req);
      req->write = job_write;
    }
}

/* ---- Audit log, devices ------------------------------------------------------- */

/* ?since= as µs: an RFC 3339 UTC time or a date (its midnight UTC). */
static gboolean
parse_since (const char *text,
             gint64     *us)
{
  g_autofree char *midnight = NULL;

  if (text == NULL || text[0] == '\0')
    {
      *us = 0;
      return TRUE;
    }
  if (strlen (text) == 10)
    text = midnight = g_strconcat (text, "T00:00:00Z", NULL);
  return tala_timestamp_parse (text, us);
}

static const char *
query_filter (HubRequest *req,
              const char *name)
{
  const char *value = hub_request_query (req, name);

  return value != NULL && value[0] != '\0' ? value : NULL;
}

/* GET admin/audit/?actor=&action=&target=&since=: newest first. */
static void
audit_work (HubRequest *req,
            TalaLedger *ledger)
{
  guint page = hub_request_page_number (req);
  g_autoptr(GError) error = NULL;
  JsonArray *entries;
  gint64 count = 0, since;

  if (page == 0)
    return;
  if (!parse_since (hub_request_query (req, "since"), &since))
    {
      hub_request_error (req, 400, "invalid_args",
                         "since must be a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ");
      return;
    }
  entries = tala_ledger_staff_audit (ledger, query_filter (req, "actor"),
                                     query_filter (req, "action"), query_filter (req, "target"),
                                     since, (page - 1) * HUB_PAGE_SIZE, HUB_PAGE_SIZE, &count,
                                     &error);
  if (entries == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_page (req, page, count, entries);
}

static void
devices_work (HubRequest *req,
              TalaLedger *ledger)
{
  guint page = hub_request_page_number (req);
  g_autoptr(GError) error = NULL;
  JsonArray *devices;
  gint64 count = 0;

  if (page == 0)
    return;
  devices = tala_ledger_staff_devices (ledger, (page - 1) * HUB_PAGE_SIZE, HUB_PAGE_SIZE,
                                       &count, &error);
  if (devices == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_page (req, page, count, devices);
}

#define P "/api/v1/admin/"
#define ADM HUB_ROLE_ADMIN

const HubRoute hub_routes_admin[] = {
  { "GET", P "users/{username}/", ADM, user_get_work, NULL, NULL, NULL,
    "A user: role, names, contact, is_active (and a student's number)" },
  { "PUT", P "users/{username}/", ADM, user_put_work, NULL, result_shape, NULL,
    "Create or replace a staff user (user.put)" },
  { "POST", P "users/{username}/password/", ADM, password_work, NULL, NULL, NULL,
    "Set a user's password and revoke their tokens (not an op)" },
  { "GET", P "config/{key}/", ADM, config_get_work, NULL, NULL, NULL,
    "A configuration key's value, stored or default" },
  { "PUT", P "config/{key}/", ADM, config_put_work, NULL, result_shape, "unknown_config_key",
    "Set a configuration key (config.set)" },
  { "GET", P "jobs/", ADM, jobs_work, NULL, NULL, NULL,
    "Job runs, newest first (?name= one job), 20 a page, and each job's schedule" },
  { "POST", P "jobs/{name}/run/", ADM, job_run_work, NULL, NULL, NULL,
    "Run a job now (job.*), recorded as a job run" },
  { "GET", P "audit/", ADM, audit_work, NULL, NULL, NULL,
    "The audit log, newest first (?actor=, ?action=, ?target=, ?since=), 20 a page" },
  { "GET", P "devices/", ADM, devices_work, NULL, NULL, NULL,
    "Each terminal's highest receipt, device_seq and provisional number seen, 20 a page" },
  { NULL }
};
