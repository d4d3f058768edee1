/* test-search.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Search as you type (TalaSearchIndex over a read connection): numbers in
 * number order, names in name order, "first last" and "last, first",
 * case not minded, the limit; the index reads the students again once
 * another connection has committed, and only then; the profiles come back
 * in the order of the ids.  No display is needed.
 */

#include "config.h"

#include "tala-search-index.h"
#include "test-util.h"

typedef struct
{
  LedgerFixture  seed;     /* the writer */
  TalaLedger    *reader;   /* a second connection, as the app's */
  TalaSearchIndex *index;
} SearchFixture;

static void
register_student (SearchFixture *fx,
                  const char    *first,
                  const char    *last)
{
  g_autofree char *args = g_strdup_printf ("{\"first_name\":\"%s\",\"last_name\":\"%s\","
                                           "\"program\":\"BSCS\"}", first, last);
  g_autoptr(JsonObject) result = test_apply_ok (&fx->seed, "student.register", "registrar1",
                                                args);
}

static void
search_setup (SearchFixture *fx,
              gconstpointer  data G_GNUC_UNUSED)
{
  g_autoptr(GError) error = NULL;

  ledger_fixture_setup (&fx->seed, NULL);
  test_load_f0 (&fx->seed);
  register_student (fx, "Maria", "Santos");
  register_student (fx, "José", "Rizal");
  register_student (fx, "Ana", "Dela Cruz");
  fx->reader = tala_ledger_open (fx->seed.path, &error);
  g_assert_no_error (error);
  fx->index = tala_search_index_new ();
}

static void
search_teardown (SearchFixture *fx,
                 gconstpointer  data G_GNUC_UNUSED)
{
  tala_search_index_free (fx->index);
  tala_ledger_free (fx->reader);
  ledger_fixture_teardown (&fx->seed, NULL);
}

/* The numbers of what @query finds, comma-separated. */
static char *
find (SearchFixture *fx,
      const char    *query,
      guint          limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(JsonArray) profiles = NULL;
  g_autoptr(GString) out = g_string_new ("");

  g_assert_true (tala_search_index_refresh (fx->index, fx->reader, &error));
  g_assert_no_error (error);
  ids = tala_search_index_find (fx->index, query, limit);
  profiles = tala_ledger_students_by_id (fx->reader, (const gint64 *) (gpointer) ids->data,
                                         ids->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (profiles), ==, ids->len);
  for (guint i = 0; i < json_array_get_length (profiles); i++)
    {
      JsonObject *p = json_array_get_object_element (profiles, i);
      JsonObject *user = json_object_get_object_member (p, "user");

      g_assert_cmpint (json_object_get_int_member (p, "id"), ==, g_array_index (ids, gint64, i));
      g_string_append_printf (out, "%s%s %s", i > 0 ? "," : "",
                              json_object_get_string_member (user, "first_name"),
                              json_object_get_string_member (user, "last_name"));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_find(fx, query, limit, expected) \
  G_STMT_START { \
    g_autofree char *found_ = find ((fx), (query), (limit)); \
    g_assert_cmpstr (found_, ==, (expected)); \
  } G_STMT_END

static void
test_find (SearchFixture *fx,
           gconstpointer  data G_GNUC_UNUSED)
{
  /* Names: by last name, then first name, case and accents as typed. */
  assert_find (fx, "dela cruz", 50, "Ana Dela Cruz,Juan Dela Cruz");
  assert_find (fx, "  DELA  ", 50, "Ana Dela Cruz,Juan Dela Cruz");
  assert_find (fx, "juan dela", 50, "Juan Dela Cruz");
  assert_find (fx, "cruz, ana", 50, "Ana Dela Cruz");
  assert_find (fx, "josé", 50, "José Rizal");
  assert_find (fx, "a", 2, "Ana Dela Cruz,Juan Dela Cruz");
  /* A field's end does not run into the next one. */
  assert_find (fx, "cruz dela", 50, "");
  assert_find (fx, "cruz\1", 50, "");
  assert_find (fx, "nobody", 50, "");
  assert_find (fx, "", 50, "");
  assert_find (fx, "   ", 50, "");
  /* Numbers: in number order, the order they were registered in. */
  assert_find (fx, "-0000", 50, "Juan Dela Cruz,Maria Santos,José Rizal,Ana Dela Cruz");
  assert_find (fx, "-00003", 50, "José Rizal");
}

static void
test_refresh (SearchFixture *fx,
              gconstpointer  data G_GNUC_UNUSED)
{
  g_autoptr(GError) error = NULL;
  gint64 version;

  assert_find (fx, "santos", 50, "Maria Santos");
  g_assert_cmpuint (tala_search_index_get_size (fx->index), ==, 4);
  version = tala_ledger_data_version (fx->reader);
  g_assert_cmpint (version, ==, tala_ledger_data_version (fx->reader));

  /* Another connection commits: the next search reads again. */
  register_student (fx, "Pedro", "Santos");
  g_assert_cmpint (tala_ledger_data_version (fx->reader), !=, version);
  assert_find (fx, "santos", 50, "Maria Santos,Pedro Santos");
  g_assert_cmpuint (tala_search_index_get_size (fx->index), ==, 5);

  /* Unknown ids are left out; the order is the caller's. */
  {
    gint64 ids[] = { 3, 999999, 1 };
    g_autoptr(JsonArray) profiles = tala_ledger_students_by_id (fx->reader, ids, 3, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (profiles), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (profiles, 0),
                                                 "id"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (profiles, 1),
                                                 "id"), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/search/find", SearchFixture, NULL, search_setup, test_find, search_teardown);
  g_test_add ("/search/refresh", SearchFixture, NULL, search_setup, test_refresh,
              search_teardown);
  return g_test_run ();
}
