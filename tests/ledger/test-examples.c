/* test-examples.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The worked examples of the op contract (ops.md §4.2), replayed through
 * tala_ledger_apply on Fixture F0.  Every result must equal the contract's
 * byte for byte in canonical form, except error messages; a line with "…"
 * must contain the members it shows.
 */

#include "config.h"

#include <string.h>

#include "test-util.h"

typedef struct
{
  char      *name;
  char      *after;   /* the example this one continues, or NULL */
  GPtrArray *lines;   /* "> op" and "< result" lines */
} Example;

static GPtrArray *examples;

static void
example_free (gpointer data)
{
  Example *ex = data;

  g_free (ex->name);
  g_free (ex->after);
  g_ptr_array_unref (ex->lines);
  g_free (ex);
}

static Example *
find_example (const char *name)
{
  for (guint i = 0; i < examples->len; i++)
    {
      Example *ex = g_ptr_array_index (examples, i);

      if (strcmp (ex->name, name) == 0)
        return ex;
    }
  return NULL;
}

static void
load_examples (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ops-examples.txt",
                                                 NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  Example *current = NULL;

  examples = g_ptr_array_new_with_free_func (example_free);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "# example "))
        {
          g_auto(GStrv) words = g_strsplit (lines[i] + 10, " ", -1);

          current = g_new0 (Example, 1);
          current->name = g_strdup (words[0]);
          if (words[1] && words[2])
            current->after = g_strdup (words[2]);
          current->lines = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (examples, current);
        }
      else if (current && (g_str_has_prefix (lines[i], "> ") || g_str_has_prefix (lines[i], "< ")))
        g_ptr_array_add (current->lines, g_strdup (lines[i]));
    }
}

/* Removes error.message, which the contract leaves free. */
static void
drop_message (JsonObject *result)
{
  if (json_object_has_member (result, "error"))
    json_object_remove_member (json_object_get_object_member (result, "error"), "message");
}

static gboolean node_contains (JsonNode *have, JsonNode *want);

/* @have contains every member of @want, recursively; arrays must have the
 * same length and match element by element. */
static gboolean
node_contains (JsonNode *have,
               JsonNode *want)
{
  if (JSON_NODE_HOLDS_OBJECT (want))
    {
      JsonObject *h, *w;
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (have))
        return FALSE;
      h = json_node_get_object (have);
      w = json_node_get_object (want);
      members = json_object_get_members (w);
      for (GList *l = members; l; l = l->next)
        if (!json_object_has_member (h, l->data) ||
            !node_contains (json_object_get_member (h, l->data), json_object_get_member (w, l->data)))
          return FALSE;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (want))
    {
      JsonArray *h, *w;

      if (!JSON_NODE_HOLDS_ARRAY (have))
        return FALSE;
      h = json_node_get_array (have);
      w = json_node_get_array (want);
      if (json_array_get_length (h) != json_array_get_length (w))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (w); i++)
        if (!node_contains (json_array_get_element (h, i), json_array_get_element (w, i)))
          return FALSE;
      return TRUE;
    }
  return json_node_equal (have, want);
}

static void
check_result (JsonObject *have,
              const char *want_text)
{
  g_autofree char *have_text = NULL;

  drop_message (have);
  have_text = test_canonical (have);
  if (strstr (want_text, "…") != NULL)
    {
      g_autoptr(GString) cleaned = g_string_new (want_text);
      g_autoptr(JsonObject) want = NULL;
      g_autoptr(JsonNode) have_node = json_node_init_object (json_node_alloc (), have);
      g_autoptr(JsonNode) want_node = NULL;

      g_string_replace (cleaned, "{…,", "{", 0);
      g_string_replace (cleaned, ",…}", "}", 0);
      g_string_replace (cleaned, ",…,", ",", 0);
      want = test_parse_object (cleaned->str);
      drop_message (want);
      want_node = json_node_init_object (json_node_alloc (), want);
      if (!node_contains (have_node, want_node))
        g_error ("result does not contain the expected members:\n  want %s\n  have %s",
                 cleaned->str, have_text);
    }
  else
    {
      g_autoptr(JsonObject) want = test_parse_object (want_text);
      g_autofree char *want_canonical = NULL;

      drop_message (want);
      want_canonical = test_canonical (want);
      if (strcmp (want_canonical, have_text) != 0)
        g_error ("result differs:\n  want %s\n  have %s", want_canonical, have_text);
    }
}

/* Runs @ex's ops on @fx; checks results when @check. */
static void
run_example (LedgerFixture *fx,
             Example       *ex,
             gboolean       check)
{
  g_autoptr(TalaBatch) batch = tala_batch_new ();
  JsonObject *pending = NULL;

  if (ex->after)
    run_example (fx, find_example (ex->after), FALSE);
  for (guint i = 0; i < ex->lines->len; i++)
    {
      const char *line = g_ptr_array_index (ex->lines, i);

      if (line[0] == '>')
        {
          g_autoptr(JsonObject) op = test_parse_object (line + 2);
          g_autoptr(GError) error = NULL;

          g_clear_pointer (&pending, json_object_unref);
          pending = tala_ledger_apply (fx->ledger, op, TALA_CHANNEL_TRUSTED, fx->now, batch,
                                       &error);
          g_assert_no_error (error);
        }
      else if (check)
        {
          g_assert_nonnull (pending);
          check_result (pending, line + 2);
        }
    }
  g_clear_pointer (&pending, json_object_unref);
}

static void
test_example (LedgerFixture *fx,
              gconstpointer  data)
{
  Example *ex = find_example (data);
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch = g_strconcat (fx->path, ".rebuild", NULL);

  test_load_f0 (fx);
  run_example (fx, ex, TRUE);

  /* Whatever an example did, the ledger stays consistent and replayable. */
  g_assert_true (tala_ledger_verify_chains (fx->ledger, report, &error));
  g_assert_true (tala_ledger_check_money (fx->ledger, report, &error));
  if (!tala_ledger_rebuild_compare (fx->ledger, scratch, report, &error))
    g_error ("%s", report->str);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  load_examples ();
  for (guint i = 0; i < examples->len; i++)
    {
      Example *ex = g_ptr_array_index (examples, i);
      g_autofree char *path = g_strdup_printf ("/ledger/examples/example-%s", ex->name);

      g_test_add (path, LedgerFixture, ex->name, ledger_fixture_setup, test_example,
                  ledger_fixture_teardown);
    }
  status = g_test_run ();
  g_ptr_array_unref (examples);
  return status;
}
