/* tala-registrar-items.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "tala-registrar"

#include "config.h"

#include "tala-registrar-items.h"

/* ---- TalaRecord ---------------------------------------------------------- */

enum { REC_PROP_0, REC_PROP_KEY, REC_PROP_TITLE, REC_PROP_SUBTITLE, REC_PROP_DETAIL,
       REC_PROP_EXTRA, REC_N_PROPS };

struct _TalaRecord
{
  GObject     parent_instance;
  char       *values[REC_N_PROPS - 1];   /* by property id - 1 */
  JsonObject *json;
};

G_DEFINE_FINAL_TYPE (TalaRecord, tala_record, G_TYPE_OBJECT)

static void
tala_record_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TalaRecord *self = TALA_RECORD (object);

  if (prop_id > REC_PROP_0 && prop_id < REC_N_PROPS)
    g_value_set_string (value, self->values[prop_id - 1]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tala_record_finalize (GObject *object)
{
  TalaRecord *self = TALA_RECORD (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->values); i++)
    g_free (self->values[i]);
  g_clear_pointer (&self->json, json_object_unref);
  G_OBJECT_CLASS (tala_record_parent_class)->finalize (object);
}

static void
tala_record_class_init (TalaRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *const names[] = { "key", "title", "subtitle", "detail", "extra" };

  object_class->get_property = tala_record_get_property;
  object_class->finalize = tala_record_finalize;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_object_class_install_property (object_class, i + 1,
                                     g_param_spec_string (names[i], NULL, NULL, NULL,
                                                          G_PARAM_READABLE |
                                                          G_PARAM_STATIC_STRINGS));
}

static void
tala_record_init (TalaRecord *self G_GNUC_UNUSED)
{
}

TalaRecord *
tala_record_new (const char *key,
                 const char *title,
                 const char *subtitle,
                 const char *detail,
                 const char *extra,
                 JsonObject *json)
{
  TalaRecord *self = g_object_new (TALA_TYPE_RECORD, NULL);

  self->values[0] = g_strdup (key ? key : "");
  self->values[1] = g_strdup (title ? title : "");
  self->values[2] = g_strdup (subtitle ? subtitle : "");
  self->values[3] = g_strdup (detail ? detail : "");
  self->values[4] = g_strdup (extra ? extra : "");
  self->json = json;
  return self;
}

const char *
tala_record_get_key (TalaRecord *self)
{
  return self->values[0];
}

const char *
tala_record_get_title (TalaRecord *self)
{
  return self->values[1];
}

const char *
tala_record_get_subtitle (TalaRecord *self)
{
  return self->values[2];
}

const char *
tala_record_get_detail (TalaRecord *self)
{
  return self->values[3];
}

const char *
tala_record_get_extra (TalaRecord *self)
{
  return self->values[4];
}

JsonObject *
tala_record_get_json (TalaRecord *self)
{
  return self->json;
}

/* ---- TalaGradeRow -------------------------------------------------------- */

enum { GR_PROP_0, GR_PROP_STUDENT, GR_PROP_NAME, GR_PROP_STATUS, GR_PROP_GRADE, GR_N_PROPS };

static GParamSpec *grade_props[GR_N_PROPS];

struct _TalaGradeRow
{
  GObject   parent_instance;
  char     *student;
  char     *name;
  char     *status;      /* "ENROLLED · PENDING" */
  char     *grade;       /* what the sheet shows, never NULL */
  char     *saved;       /* what the ledger holds, nullable */
  gboolean  locked;
};

G_DEFINE_FINAL_TYPE (TalaGradeRow, tala_grade_row, G_TYPE_OBJECT)

static void
tala_grade_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TalaGradeRow *self = TALA_GRADE_ROW (object);

  switch (prop_id)
    {
    case GR_PROP_STUDENT:
      g_value_set_string (value, self->student);
      break;
    case GR_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case GR_PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case GR_PROP_GRADE:
      g_value_set_string (value, self->grade);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tala_grade_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TalaGradeRow *self = TALA_GRADE_ROW (object);

  if (prop_id == GR_PROP_GRADE)
    tala_grade_row_set_grade (self, g_value_get_string (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tala_grade_row_finalize (GObject *object)
{
  TalaGradeRow *self = TALA_GRADE_ROW (object);

  g_free (self->student);
  g_free (self->name);
  g_free (self->status);
  g_free (self->grade);
  g_free (self->saved);
  G_OBJECT_CLASS (tala_grade_row_parent_class)->finalize (object);
}

static void
tala_grade_row_class_init (TalaGradeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tala_grade_row_get_property;
  object_class->set_property = tala_grade_row_set_property;
  object_class->finalize = tala_grade_row_finalize;
  grade_props[GR_PROP_STUDENT] = g_param_spec_string ("student", NULL, NULL, NULL,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  grade_props[GR_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  grade_props[GR_PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  grade_props[GR_PROP_GRADE] = g_param_spec_string ("grade", NULL, NULL, "",
                                                    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                    G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, GR_N_PROPS, grade_props);
}

static void
tala_grade_row_init (TalaGradeRow *self)
{
  self->grade = g_strdup ("");
}

static const char *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

TalaGradeRow *
tala_grade_row_new_from_json (JsonObject *student)
{
  TalaGradeRow *self = g_object_new (TALA_TYPE_GRADE_ROW, NULL);
  const char *status = member (student, "status");
  const char *grade_status = member (student, "grade_status");

  self->student = g_strdup (member (student, "student"));
  self->name = g_strdup_printf ("%s, %s", member (student, "last_name") ?: "",
                                member (student, "first_name") ?: "");
  self->status = g_strdup_printf ("%s · %s", status ?: "", grade_status ?: "");
  self->saved = g_strdup (member (student, "grade"));
  g_free (self->grade);
  self->grade = g_strdup (self->saved ? self->saved : "");
  self->locked = g_strcmp0 (grade_status, "FINALIZED") == 0 ||
                 g_strcmp0 (status, "CREDITED") == 0;
  return self;
}

const char *
tala_grade_row_get_student (TalaGradeRow *self)
{
  return self->student;
}

const char *
tala_grade_row_get_grade (TalaGradeRow *self)
{
  return self->grade;
}

void
tala_grade_row_set_grade (TalaGradeRow *self,
                          const char   *grade)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (grade ? grade : ""));
  /* Scale values are upper case: "INC", "B+". */
  g_autofree char *text = g_ascii_strup (trimmed, -1);

  if (g_strcmp0 (text, self->grade) == 0)
    return;
  g_free (self->grade);
  self->grade = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), grade_props[GR_PROP_GRADE]);
}

const char *
tala_grade_row_get_saved (TalaGradeRow *self)
{
  return self->saved;
}

gboolean
tala_grade_row_get_locked (TalaGradeRow *self)
{
  return self->locked;
}
