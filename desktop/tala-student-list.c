/* tala-student-list.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "tala-student-list"

#include "config.h"

#include "tala-items.h"
#include "tala-student-list.h"

#define SEARCH_LIMIT 50

struct _TalaStudentList
{
  GObject       parent_instance;

  TalaStore    *store;        /* owned */
  GPtrArray    *items;        /* of TalaStudent, owned */
  char         *query;
  GCancellable *cancellable;  /* the search in flight, nullable */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TalaStudentList, tala_student_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_QUERY,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model G_GNUC_UNUSED)
{
  return TALA_TYPE_STUDENT;
}

static guint
get_n_items (GListModel *model)
{
  return TALA_STUDENT_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  TalaStudentList *self = TALA_STUDENT_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* A worker's copy of what it needs. */
typedef struct
{
  TalaStore *store;
  char      *query;
} Search;

static void
search_free (Search *search)
{
  tala_store_unref (search->store);
  g_free (search->query);
  g_free (search);
}

static void
search_thread (GTask        *task,
               gpointer      source G_GNUC_UNUSED,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Search *search = task_data;
  GError *error = NULL;
  JsonArray *found;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_error_if_cancelled (task);
      return;
    }
  found = tala_store_search (search->store, search->query, SEARCH_LIMIT, &error);
  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) json_array_unref);
}

static void
search_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data G_GNUC_UNUSED)
{
  TalaStudentList *self = TALA_STUDENT_LIST (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) found = g_task_propagate_pointer (G_TASK (result), &error);
  guint removed = self->items->len;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  g_ptr_array_set_size (self->items, 0);
  if (found == NULL)
    g_warning ("Search failed: %s", error->message);
  else
    for (guint i = 0; i < json_array_get_length (found); i++)
      g_ptr_array_add (self->items,
                       tala_student_new_from_json (json_array_get_object_element (found, i)));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

void
tala_student_list_set_query (TalaStudentList *self,
                             const char      *query)
{
  g_autoptr(GTask) task = NULL;
  Search *search;
  guint removed;

  g_return_if_fail (TALA_IS_STUDENT_LIST (self));

  if (g_strcmp0 (self->query, query) == 0)
    return;
  g_free (self->query);
  self->query = g_strdup (query);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (query == NULL || query[0] == '\0')
    {
      removed = self->items->len;
      g_ptr_array_set_size (self->items, 0);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      return;
    }
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, search_done_cb, NULL);
  g_task_set_source_tag (task, tala_student_list_set_query);
  search = g_new0 (Search, 1);
  search->store = tala_store_ref (self->store);
  search->query = g_strdup (query);
  g_task_set_task_data (task, search, (GDestroyNotify) search_free);
  g_task_run_in_thread (task, search_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

const char *
tala_student_list_get_query (TalaStudentList *self)
{
  return self->query;
}

gboolean
tala_student_list_get_loading (TalaStudentList *self)
{
  return self->cancellable != NULL;
}

TalaStudentList *
tala_student_list_new (TalaStore *store)
{
  TalaStudentList *self = g_object_new (TALA_TYPE_STUDENT_LIST, NULL);

  self->store = tala_store_ref (store);
  return self;
}

static void
tala_student_list_dispose (GObject *object)
{
  TalaStudentList *self = TALA_STUDENT_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tala_student_list_parent_class)->dispose (object);
}

static void
tala_student_list_finalize (GObject *object)
{
  TalaStudentList *self = TALA_STUDENT_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->store, tala_store_unref);
  g_free (self->query);
  G_OBJECT_CLASS (tala_student_list_parent_class)->finalize (object);
}

static void
tala_student_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TalaStudentList *self = TALA_STUDENT_LIST (object);

  switch (prop_id)
    {
    case PROP_QUERY:
      g_value_set_string (value, self->query);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, tala_student_list_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tala_student_list_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_QUERY:
      tala_student_list_set_query (TALA_STUDENT_LIST (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tala_student_list_class_init (TalaStudentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tala_student_list_dispose;
  object_class->finalize = tala_student_list_finalize;
  object_class->get_property = tala_student_list_get_property;
  object_class->set_property = tala_student_list_set_property;

  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tala_student_list_init (TalaStudentList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}
