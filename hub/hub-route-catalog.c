/* hub-route-catalog.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalog API (ops.md §5): programs, subjects, semesters and the
 * sections of a semester, each by its code.  GET is open to every logged-in
 * user and answers the entry in the shape of its put op's args, so that it
 * can be changed and PUT back; PUT (REG) is catalog.*.put with the code
 * (and semester) of the URL, creating or replacing the whole entry: 201
 * when it created it, else 200, with the op's result {code, created,
 * changed, …}.  The ledger judges the body (unknown members and wrong
 * types are 400 invalid_args).
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include "hub-server-private.h"
#include "tala-ledger-staff.h"

/* Answers a catalog read: the entry, 404 when there is none. */
static void
reply_entry (HubRequest   *req,
             JsonObject   *entry,
             const GError *error,
             const char   *what)
{
  if (entry != NULL)
    hub_request_reply_object (req, 200, entry);
  else if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 404, "not_found", "no such %s", what);
  else
    hub_request_ledger_error (req, error);
}

static void
program_get_work (HubRequest *req,
                  TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *entry = tala_ledger_staff_program (ledger, hub_request_param (req, "code"), &error);

  reply_entry (req, entry, error, "program");
}

static void
subject_get_work (HubRequest *req,
                  TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *entry = tala_ledger_staff_subject (ledger, hub_request_param (req, "code"), &error);

  reply_entry (req, entry, error, "subject");
}

static void
semester_get_work (HubRequest *req,
                   TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *entry = tala_ledger_staff_semester (ledger, hub_request_param (req, "code"),
                                                  &error);

  reply_entry (req, entry, error, "semester");
}

static void
section_get_work (HubRequest *req,
                  TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  JsonObject *entry = tala_ledger_staff_section (ledger, hub_request_param (req, "semester"),
                                                 hub_request_param (req, "code"), &error);

  reply_entry (req, entry, error, "section");
}

/* ---- PUT --------------------------------------------------------------------- */

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

/* The body, with the URL's code (and semester), as the args of @kind. */
static void
put_work (HubRequest *req,
          const char *kind,
          gboolean    in_semester)
{
  g_autoptr(JsonNode) copy = json_node_copy (req->body);
  JsonObject *args = json_node_get_object (copy);

  if (!url_member (req, args, "code", "code") ||
      (in_semester && !url_member (req, args, "semester", "semester")))
    return;
  hub_request_set_op (req, kind, json_object_ref (args));
}

/* Writer thread: the op's result, 201 when the put created the entry. */
static void
put_shape (HubRequest *req,
           TalaLedger *ledger,
           JsonObject *envelope)
{
  JsonObject *result = json_object_get_object_member (envelope, "result");

  hub_request_reply_object (req, json_object_get_boolean_member_with_default (result, "created",
                                                                              FALSE) ? 201 : 200,
                            json_object_ref (result));
}

static void
program_put_work (HubRequest *req,
                  TalaLedger *ledger)
{
  put_work (req, "catalog.program.put", FALSE);
}

static void
subject_put_work (HubRequest *req,
                  TalaLedger *ledger)
{
  put_work (req, "catalog.subject.put", FALSE);
}

static void
semester_put_work (HubRequest *req,
                   TalaLedger *ledger)
{
  put_work (req, "catalog.semester.put", FALSE);
}

static void
section_put_work (HubRequest *req,
                  TalaLedger *ledger)
{
  put_work (req, "catalog.section.put", TRUE);
}

#define P "/api/v1/catalog/"

const HubRoute hub_routes_catalog[] = {
  { "GET", P "programs/{code}/", HUB_ANY_USER, program_get_work, NULL, NULL, NULL,
    "A program as catalog.program.put args" },
  { "PUT", P "programs/{code}/", HUB_REG, program_put_work, NULL, put_shape, NULL,
    "Create or replace a program (catalog.program.put)" },
  { "GET", P "subjects/{code}/", HUB_ANY_USER, subject_get_work, NULL, NULL, NULL,
    "A subject as catalog.subject.put args" },
  { "PUT", P "subjects/{code}/", HUB_REG, subject_put_work, NULL, put_shape, NULL,
    "Create or replace a subject (catalog.subject.put)" },
  { "GET", P "semesters/{code}/", HUB_ANY_USER, semester_get_work, NULL, NULL, NULL,
    "A semester as catalog.semester.put args" },
  { "PUT", P "semesters/{code}/", HUB_REG, semester_put_work, NULL, put_shape, NULL,
    "Create or replace a semester (catalog.semester.put)" },
  { "GET", P "semesters/{semester}/sections/{code}/", HUB_ANY_USER, section_get_work, NULL,
    NULL, NULL, "A section of a semester as catalog.section.put args" },
  { "PUT", P "semesters/{semester}/sections/{code}/", HUB_REG, section_put_work, NULL,
    put_shape, "unknown_semester",
    "Create or replace a section of a semester (catalog.section.put)" },
  { NULL }
};
