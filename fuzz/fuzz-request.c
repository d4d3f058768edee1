/* fuzz-request.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's request path, in process: route matching (match_pattern and
 * the 404/405 answers), query strings (pages, ?after=, filters), headers
 * (Authorization, Idempotency-Key, Content-Type) and the JSON body
 * (tala_json_is_strict, then json-glib, then each route's own checks),
 * through the real TalaHubServer and libsoup on a loopback connection.
 *
 * The input is text:
 *
 *   METHOD TARGET            the request line (TARGET: path and query)
 *   @role                    optional: admin, cashier, registrar, prof,
 *                            student or terminal (their tokens); none:
 *                            anonymous
 *   Name: value              headers, as they are (the framing ones,
 *   ...                      Host, Content-Length, Transfer-Encoding,
 *                            Connection and Expect, are left out)
 *                            an empty line, then
 *   BODY                     the body (sent with Content-Length; with
 *                            Content-Type: application/json unless a
 *                            header gave one)
 *
 * tala_json_is_strict also gets the body directly, in a buffer of exactly
 * its size.  A 5xx answer, an error answer that is not
 * {"error":{"code","message"}}, a sanitizer report or a GLib critical is
 * a finding.  Writes that pass every check are applied and stay.
 *
 * With TALA_FUZZ_WRITE_SEEDS=DIR set, writes one seed per route of the
 * hub's OpenAPI document into DIR and exits.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz-hub-check.h"
#include "hub-server-private.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const role_names[FUZZ_AS_N] = {
  NULL, "admin", "cashier", "registrar", "prof", "student", "terminal"
};

/* The role a route's x-tala-roles allows first, as a FuzzAs. */
static FuzzAs
seed_role (JsonObject *operation)
{
  JsonArray *roles = json_object_get_array_member (operation, "x-tala-roles");
  const char *first;

  if (json_array_get_length (roles) == 0)
    return FUZZ_AS_NOBODY;
  if (json_array_get_length (roles) == 1 &&
      strcmp (json_array_get_string_element (roles, 0), "STUDENT") == 0)
    return FUZZ_AS_STUDENT;
  first = json_array_get_string_element (roles, json_array_get_length (roles) - 1);
  if (strcmp (first, "ADMIN") == 0)
    {
      /* Prefer the desk roles the original had for these routes. */
      for (guint i = 0; i < json_array_get_length (roles); i++)
        {
          const char *r = json_array_get_string_element (roles, i);

          if (strcmp (r, "CASHIER") == 0)
            return FUZZ_AS_CASHIER;
          if (strcmp (r, "REGISTRAR") == 0)
            return FUZZ_AS_REGISTRAR;
          if (strcmp (r, "PROFESSOR") == 0)
            return FUZZ_AS_PROFESSOR;
        }
      return FUZZ_AS_ADMIN;
    }
  if (strcmp (first, "PROFESSOR") == 0)
    return FUZZ_AS_PROFESSOR;
  return FUZZ_AS_REGISTRAR;
}

/* A plausible value for a {name} segment. */
static const char *
seed_param (const char *name)
{
  if (strstr (name, "student") != NULL)
    return "2025-00001";
  if (strstr (name, "semester") != NULL)
    return "2025-FIRST";
  if (strstr (name, "subject") != NULL || strstr (name, "code") != NULL)
    return "CS101";
  if (strstr (name, "section") != NULL)
    return "CS101-A";
  if (strstr (name, "username") != NULL || strstr (name, "user") != NULL)
    return "cashier1";
  return "1";
}

static void
write_seeds (const char *dir)
{
  g_autoptr(GString) reply = g_string_new (NULL);
  g_autoptr(GString) request = fuzz_hub_request ("GET", "/api/v1/schema/", FUZZ_AS_ADMIN,
                                                 NULL, NULL, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GList) paths = NULL;
  const char *body;
  JsonObject *doc;
  guint n = 0;

  if (fuzz_hub_send (request->str, request->len, reply) != 200)
    g_printerr ("%s\n", reply->str);
  FUZZ_CHECK (g_str_has_prefix (reply->str, "HTTP/1.1 200"));
  body = strstr (reply->str, "\r\n\r\n");
  FUZZ_CHECK (body != NULL && json_parser_load_from_data (parser, body + 4, -1, NULL));
  doc = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                       "paths");
  paths = json_object_get_members (doc);
  for (GList *l = paths; l != NULL; l = l->next)
    {
      JsonObject *item = json_object_get_object_member (doc, l->data);
      g_autoptr(GList) methods = json_object_get_members (item);
      g_auto(GStrv) segs = g_strsplit (l->data, "/", -1);
      g_autoptr(GString) path = g_string_new (NULL);

      for (guint i = 0; segs[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (path, '/');
          if (segs[i][0] == '{')
            g_string_append (path, seed_param (segs[i]));
          else
            g_string_append (path, segs[i]);
        }
      for (GList *m = methods; m != NULL; m = m->next)
        {
          g_autofree char *method = g_ascii_strup (m->data, -1);
          FuzzAs as = seed_role (json_object_get_object_member (item, m->data));
          gboolean write = strcmp (method, "GET") != 0 && strcmp (method, "DELETE") != 0;
          g_autofree char *text = g_strdup_printf ("%s %s%s\n%s%s%s\n%s", method, path->str,
                                                   strcmp (method, "GET") == 0 ? "?page=1" : "",
                                                   as ? "@" : "", as ? role_names[as] : "",
                                                   as ? "\n" : "",
                                                   write ? "{}" : "");
          g_autofree char *name = g_strdup_printf ("route-%03u", ++n);
          g_autofree char *file = g_build_filename (dir, name, NULL);

          FUZZ_CHECK (g_file_set_contents (file, text, -1, NULL));
        }
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_fatal_logs (NULL);
  fuzz_hub_init ();
  if (g_getenv ("TALA_FUZZ_WRITE_SEEDS") != NULL)
    {
      write_seeds (g_getenv ("TALA_FUZZ_WRITE_SEEDS"));
      exit (0);
    }
  return 0;
}

static gboolean
framing_header (const char *line)
{
  static const char *const names[] = { "host:", "content-length:", "transfer-encoding:",
                                       "connection:", "expect:" };
  g_autofree char *lower = g_ascii_strdown (line, -1);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_has_prefix (lower, names[i]))
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *p = (const char *) data, *end = p + size;
  g_autofree char *method = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GString) headers = g_string_new (NULL);
  g_autoptr(GString) request = NULL;
  g_autoptr(GString) reply = g_string_new (NULL);
  const char *body = NULL;
  gsize body_length = 0;
  FuzzAs as = FUZZ_AS_NOBODY;
  gboolean first = TRUE;
  guint status;

  /* Lines up to the first empty one; the rest is the body. */
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t) (end - p));
      g_autofree char *line = g_strndup (p, (nl ? nl : end) - p);
      gsize len = strlen (line);

      p = nl ? nl + 1 : end;
      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (first)
        {
          char *space = strchr (line, ' ');

          first = FALSE;
          if (space == NULL || space == line)
            return 0;
          method = g_strndup (line, space - line);
          target = g_strdup (space + 1);
          continue;
        }
      if (len == 0)
        {
          body = p;
          body_length = (gsize) (end - p);
          break;
        }
      if (line[0] == '@')
        {
          for (guint i = 1; i < FUZZ_AS_N; i++)
            if (strcmp (line + 1, role_names[i]) == 0)
              as = (FuzzAs) i;
          continue;
        }
      if (framing_header (line))
        continue;
      g_string_append_printf (headers, "%s\r\n", line);
    }
  if (method == NULL || target[0] == '\0')
    return 0;

  if (body != NULL)
    {
      /* Exactly the body's bytes, so that an overread is seen. */
      char *copy = g_malloc (body_length ? body_length : 1);

      memcpy (copy, body, body_length);

      (void) tala_json_is_strict (copy, body_length);
      g_free (copy);
    }
  request = fuzz_hub_request (method, target, as, headers->str, body, body_length);
  status = fuzz_hub_send (request->str, request->len, reply);
  fuzz_hub_check_answer (status, reply);
  return 0;
}
