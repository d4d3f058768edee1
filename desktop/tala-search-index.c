/* tala-search-index.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "tala-search"

#include "config.h"

#include <string.h>

#include "tala-search-index.h"

typedef struct
{
  gint64  id;
  char   *text;      /* case-folded: "number\1provisional\1first last\1last, first" */
  char   *name_key;  /* collation key of "last\1first" */
} Entry;

struct _TalaSearchIndex
{
  GArray *entries;   /* of Entry, in number order */
  GArray *by_name;   /* of guint, indexes into @entries in name order */
  gint64  version;   /* the data_version read with them; -1: never read */
};

static void
entry_clear (Entry *e)
{
  g_free (e->text);
  g_free (e->name_key);
}

TalaSearchIndex *
tala_search_index_new (void)
{
  TalaSearchIndex *self = g_new0 (TalaSearchIndex, 1);

  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (self->entries, (GDestroyNotify) entry_clear);
  self->by_name = g_array_new (FALSE, FALSE, sizeof (guint));
  self->version = -1;
  return self;
}

void
tala_search_index_free (TalaSearchIndex *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_array_unref (self->by_name);
  g_free (self);
}

guint
tala_search_index_get_size (TalaSearchIndex *self)
{
  return self->entries->len;
}

static void
add_student (gint64      id,
             const char *number,
             const char *provisional,
             const char *first,
             const char *last,
             gpointer    data)
{
  TalaSearchIndex *self = data;
  g_autofree char *raw = g_strdup_printf ("%s\1%s\1%s %s\1%s, %s", number,
                                          provisional ? provisional : "", first, last, last,
                                          first);
  g_autofree char *name = g_strdup_printf ("%s\1%s", last, first);
  Entry e = { id, g_utf8_casefold (raw, -1), g_utf8_collate_key (name, -1) };

  g_array_append_val (self->entries, e);
}

static int
by_name_cmp (gconstpointer a,
             gconstpointer b,
             gpointer      data)
{
  GArray *entries = data;
  guint i = *(const guint *) a, j = *(const guint *) b;
  int c = strcmp (g_array_index (entries, Entry, i).name_key,
                  g_array_index (entries, Entry, j).name_key);

  /* Same name: number order, which is the order of @entries. */
  return c != 0 ? c : (i > j) - (i < j);
}

gboolean
tala_search_index_refresh (TalaSearchIndex  *self,
                           TalaLedger       *ledger,
                           GError          **error)
{
  gint64 version = tala_ledger_data_version (ledger);
  gint64 start;

  if (version >= 0 && version == self->version)
    return TRUE;
  start = g_get_monotonic_time ();
  g_array_set_size (self->entries, 0);
  g_array_set_size (self->by_name, 0);
  self->version = -1;
  if (!tala_ledger_foreach_student_name (ledger, add_student, self, error))
    {
      g_array_set_size (self->entries, 0);
      return FALSE;
    }
  for (guint i = 0; i < self->entries->len; i++)
    g_array_append_val (self->by_name, i);
  g_array_sort_with_data (self->by_name, by_name_cmp, self->entries);
  self->version = version;
  g_debug ("search index: %u students read in %.1f ms", self->entries->len,
           (g_get_monotonic_time () - start) / 1000.0);
  return TRUE;
}

static gboolean
has_digit (const char *s)
{
  for (; *s; s++)
    if (g_ascii_isdigit (*s))
      return TRUE;
  return FALSE;
}

GArray *
tala_search_index_find (TalaSearchIndex *self,
                        const char      *query,
                        guint            limit)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *stripped = g_strstrip (g_strdup (query != NULL ? query : ""));
  g_autofree char *needle = NULL;
  gboolean numbers;

  /* The separators of the entries never match. */
  if (*stripped == '\0' || limit == 0 || strchr (stripped, '\1') != NULL)
    return ids;
  needle = g_utf8_casefold (stripped, -1);
  numbers = has_digit (needle);
  for (guint i = 0; i < self->entries->len && ids->len < limit; i++)
    {
      guint at = numbers ? i : g_array_index (self->by_name, guint, i);
      const Entry *e = &g_array_index (self->entries, Entry, at);

      if (strstr (e->text, needle) != NULL)
        g_array_append_val (ids, e->id);
    }
  return ids;
}
