/* hub-route-public.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The public API (business-rules §10.4, ops.md §5) without a token: P1
 * the active programs and one program, P2 a program's subjects, P3
 * new_student, an online self-registration (student.register with `via`
 * ONLINE and a null actor).  The password never enters the op: the route's
 * shape sets it as a credential on the writer thread, inside the group
 * transaction that applied the op.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-server-private.h"

#define MAX_PASSWORD_BYTES 1024

/* ---- P1, P2 -------------------------------------------------------------- */

/* P1: the active programs, 20 a page: {count, next, previous, results};
 * a page past the last one (but the first) is 404, as in the original. */
static void
programs_work (HubRequest *req,
               TalaLedger *ledger)
{
  guint page = hub_request_page_number (req);
  gint64 count = 0;
  g_autoptr(GError) error = NULL;
  JsonArray *results;

  if (page == 0)
    return;
  results = tala_ledger_programs (ledger, (page - 1) * HUB_PAGE_SIZE, HUB_PAGE_SIZE, &count, &error);
  if (results == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  hub_request_reply_page (req, page, count, results);
}

/* The active program of the URL's {id} (its integer id or its code);
 * NULL, answered 404, when there is none. */
static JsonObject *
url_program (HubRequest *req,
             TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *program = tala_ledger_program (ledger, hub_request_param (req, "id"), &error);

  if (program == NULL && !g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    {
      hub_request_ledger_error (req, error);
      return NULL;
    }
  if (program == NULL || !json_object_get_boolean_member (program, "is_active"))
    {
      g_clear_pointer (&program, json_object_unref);
      hub_request_error (req, 404, "not_found", "no such program");
      return NULL;
    }
  return program;
}

static void
program_work (HubRequest *req,
              TalaLedger *ledger)
{
  JsonObject *program = url_program (req, ledger);

  if (program != NULL)
    hub_request_reply_object (req, 200, program);
}

/* P2: the program's active subjects with units, type and prerequisites. */
static void
program_subjects_work (HubRequest *req,
                       TalaLedger *ledger)
{
  g_autoptr(JsonObject) program = url_program (req, ledger);
  g_autoptr(GError) error = NULL;
  JsonArray *subjects;
  JsonNode *node;

  if (program == NULL)
    return;
  subjects = tala_ledger_program_subjects (ledger, json_object_get_string_member (program, "code"),
                                           &error);
  if (subjects == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, subjects);
  hub_request_reply (req, 200, node);
}

/* ---- P3 ------------------------------------------------------------------ */

/* A required non-blank string member of at most @max bytes; FALSE
 * (answered 400) otherwise. */
static gboolean
get_text (HubRequest  *req,
          JsonObject  *body,
          const char  *member,
          gsize        max,
          const char **out)
{
  JsonNode *node = json_object_get_member (body, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      hub_request_error (req, 400, "invalid_args", "%s is required (a string)", member);
      return FALSE;
    }
  *out = json_node_get_string (node);
  if ((*out)[0] == '\0' || strlen (*out) > max)
    {
      hub_request_error (req, 400, "invalid_args", "%s must be 1 to %" G_GSIZE_FORMAT " bytes",
                         member, max);
      return FALSE;
    }
  return TRUE;
}

static void
new_student_work (HubRequest *req,
                  TalaLedger *ledger)
{
  static const char *const allowed[] = { "email", "first_name", "last_name", "password",
                                         "program_id", NULL };
  JsonObject *body = hub_request_object (req);
  JsonNode *program = json_object_get_member (body, "program_id");
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;
  const char *email, *first, *last, *password;

  if (!hub_request_only_members (req, body, allowed) ||
      !get_text (req, body, "email", 254, &email) ||
      !get_text (req, body, "first_name", 150, &first) ||
      !get_text (req, body, "last_name", 150, &last) ||
      !get_text (req, body, "password", MAX_PASSWORD_BYTES, &password))
    return;
  if (program != NULL && JSON_NODE_HOLDS_VALUE (program) &&
      json_node_get_value_type (program) == G_TYPE_INT64)
    {
      /* The original's integer id → the code; the op judges the code. */
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (program));
      g_autoptr(JsonObject) found = tala_ledger_program (ledger, id, &error);

      if (found == NULL && !g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
        {
          hub_request_ledger_error (req, error);
          return;
        }
      if (found == NULL || json_node_get_int (program) <= 0 ||
          json_object_get_int_member (found, "id") != json_node_get_int (program))
        {
          hub_request_error (req, 404, "unknown_program", "no program %s", id);
          return;
        }
      code = g_strdup (json_object_get_string_member (found, "code"));
    }
  else if (program == NULL || !JSON_NODE_HOLDS_VALUE (program) ||
           json_node_get_value_type (program) != G_TYPE_STRING ||
           json_node_get_string (program)[0] == '\0' ||
           strlen (json_node_get_string (program)) > 64)
    {
      hub_request_error (req, 400, "invalid_args",
                         "program_id is required (a program code or integer id)");
      return;
    }
  else
    code = g_strdup (json_node_get_string (program));
  json_object_set_string_member (args, "first_name", first);
  json_object_set_string_member (args, "last_name", last);
  json_object_set_string_member (args, "email", email);
  json_object_set_string_member (args, "program", code);
  json_object_set_string_member (args, "via", "ONLINE");
  /* Argon2id runs here, on the reader thread; the writer only stores the
   * verifier. */
  g_free (req->write_data);
  req->write_data = tala_ledger_hash_password (password, &error);
  if (req->write_data == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  hub_request_set_op (req, "student.register", g_steal_pointer (&args));
}

/* Writer thread, inside the transaction that applied the op: the
 * verifier new_student_work made becomes the new user's credential (not
 * on a replay, whose student has one already), and the answer is the new
 * Profile. */
static void
new_student_shape (HubRequest *req,
                   TalaLedger *ledger,
                   JsonObject *envelope)
{
  JsonObject *r = json_object_get_object_member (envelope, "result");
  g_autoptr(GError) error = NULL;
  JsonObject *profile;

  if (!req->replayed &&
      !tala_ledger_store_password (ledger, json_object_get_string_member (r, "username"),
                                   req->write_data, NULL, tala_now_us (), &error))
    {
      hub_request_ledger_error (req, error);
      return;
    }
  profile = tala_ledger_student_profile (ledger, json_object_get_string_member (r, "student"),
                                         &error);
  if (profile == NULL)
    {
      hub_request_ledger_error (req, error);
      return;
    }
  hub_request_reply_object (req, 201, profile);
}

const HubRoute hub_routes_public[] = {
  { "GET", "/api/v1/public/programs/", HUB_ANONYMOUS, programs_work, NULL, NULL, NULL,
    "P1: the active programs, 20 a page" },
  { "GET", "/api/v1/public/programs/{id}/", HUB_ANONYMOUS, program_work, NULL, NULL, NULL,
    "An active program by its integer id or code" },
  { "GET", "/api/v1/public/programs/{id}/subjects/", HUB_ANONYMOUS, program_subjects_work,
    NULL, NULL, NULL, "P2: the program's active subjects with units, type and prerequisites" },
  { "POST", "/api/v1/public/enrollment/new_student/", HUB_ANONYMOUS, new_student_work, NULL,
    new_student_shape, "unknown_program",
    "P3: register online as a new student (student.register, via ONLINE)" },
  { NULL }
};
