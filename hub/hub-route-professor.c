/* hub-route-professor.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The professor API (ops.md §5, D-G3): the sections the caller teaches,
 * one section's roster, and grade.submit for a student of that section.
 * PROFESSOR only: the table's "PROF (own sections)" is not a group that
 * D-A2 widens to ADMIN, and registrars submit grades through their own
 * route.  Another professor's section is 403 forbidden; an unknown section
 * 404 not_found.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include "hub-server-private.h"
#include "tala-ledger-staff.h"

static void
sections_work (HubRequest *req,
               TalaLedger *ledger)
{
  const char *semester = hub_request_query (req, "semester");
  guint page = hub_request_page_number (req);
  g_autoptr(GError) error = NULL;
  gint64 count = 0;
  JsonArray *results;

  if (page == 0)
    return;
  if (semester != NULL && semester[0] == '\0')
    semester = NULL;
  results = tala_ledger_staff_professor_sections (ledger, hub_request_username (req), semester,
                                                  (page - 1) * HUB_PAGE_SIZE, HUB_PAGE_SIZE,
                                                  &count, &error);
  if (results == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_page (req, page, count, results);
}

/* The URL's section (as catalog.section.put args) when the caller teaches
 * it; NULL, answered 404 or 403, otherwise. */
static JsonObject *
own_section (HubRequest *req,
             TalaLedger *ledger)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) section = NULL;

  section = tala_ledger_staff_section (ledger, hub_request_param (req, "semester"),
                                       hub_request_param (req, "code"), &error);
  if (section == NULL && g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
    hub_request_error (req, 404, "not_found", "no such section");
  else if (section == NULL)
    hub_request_ledger_error (req, error);
  else if (g_strcmp0 (json_object_get_string_member_with_default (section, "professor", ""),
                      hub_request_username (req)) != 0)
    hub_request_error (req, 403, "forbidden", "you do not teach this section");
  else
    return g_steal_pointer (&section);
  return NULL;
}

static void
roster_work (HubRequest *req,
             TalaLedger *ledger)
{
  g_autoptr(JsonObject) section = own_section (req, ledger);
  g_autoptr(GError) error = NULL;
  JsonObject *roster;

  if (section == NULL)
    return;
  roster = tala_ledger_staff_roster (ledger, hub_request_param (req, "semester"),
                                     hub_request_param (req, "code"), &error);
  if (roster == NULL)
    hub_request_ledger_error (req, error);
  else
    hub_request_reply_object (req, 200, roster);
}

/* A string member of @body (absent is fine unless @required); FALSE,
 * answered 400, otherwise. */
static gboolean
string_member (HubRequest  *req,
               JsonObject  *body,
               const char  *name,
               gboolean     required,
               const char **out)
{
  JsonNode *node = json_object_get_member (body, name);

  *out = NULL;
  if ((node == NULL || JSON_NODE_HOLDS_NULL (node)) && !required)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      hub_request_error (req, 400, "invalid_args", "%s must be a string", name);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

/* PUT …/grades/{number}/ {grade, comments?}: grade.submit for the
 * student's take in this section. */
static void
grade_work (HubRequest *req,
            TalaLedger *ledger)
{
  static const char *const allowed[] = { "grade", "comments", NULL };
  JsonObject *body = hub_request_object (req);
  const char *number = hub_request_param (req, "number");
  const char *grade, *comments;
  g_autoptr(JsonObject) section = NULL;
  g_autoptr(JsonObject) args = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found;

  if (!hub_request_only_members (req, body, allowed) ||
      !string_member (req, body, "grade", TRUE, &grade) ||
      !string_member (req, body, "comments", FALSE, &comments))
    return;
  section = own_section (req, ledger);
  if (section == NULL)
    return;
  if (!tala_ledger_staff_in_section (ledger, hub_request_param (req, "semester"),
                                     hub_request_param (req, "code"), number, &found, &error))
    {
      hub_request_ledger_error (req, error);
      return;
    }
  if (!found)
    {
      hub_request_error (req, 404, "not_found", "%s is not on this section's roster", number);
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "student", number);
  json_object_set_string_member (args, "semester", hub_request_param (req, "semester"));
  json_object_set_string_member (args, "subject",
                                 json_object_get_string_member (section, "subject"));
  json_object_set_string_member (args, "grade", grade);
  if (comments != NULL)
    json_object_set_string_member (args, "comments", comments);
  hub_request_set_op (req, "grade.submit", g_steal_pointer (&args));
}

/* Writer thread: the op's result (nothing is created: 200). */
static void
grade_shape (HubRequest *req,
             TalaLedger *ledger,
             JsonObject *envelope)
{
  hub_request_reply_object (req, 200, json_object_ref (
                              json_object_get_object_member (envelope, "result")));
}

#define P "/api/v1/professor/sections/"

const HubRoute hub_routes_professor[] = {
  { "GET", P, HUB_ROLE_PROFESSOR, sections_work, NULL, NULL, NULL,
    "The caller's sections, newest semester first (?semester= one semester), 20 a page" },
  { "GET", P "{semester}/{code}/roster/", HUB_ROLE_PROFESSOR, roster_work, NULL, NULL, NULL,
    "One of the caller's sections with its students and their grades" },
  { "PUT", P "{semester}/{code}/grades/{number}/", HUB_ROLE_PROFESSOR, grade_work, NULL,
    grade_shape, NULL, "Submit a student's grade in one of the caller's sections (grade.submit)" },
  { NULL }
};
