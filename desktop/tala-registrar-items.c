/* tala-registrar-items.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "tala-registrar"

#include "config.h"

#include <glib/gi18n.h>

#include "tala-items.h"
#include "tala-receipt.h"
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

/* ---- Plain words --------------------------------------------------------- */

/* The effective status of a student, in words. */
const char *
tala_registrar_status_words (const char *status)
{
  if (g_strcmp0 (status, "ACTIVE") == 0)
    return C_("student", "active");
  if (g_strcmp0 (status, "LOA") == 0)
    return C_("student", "on leave");
  if (g_strcmp0 (status, "WITHDRAWN") == 0)
    return C_("student", "withdrawn");
  if (g_strcmp0 (status, "GRADUATED") == 0)
    return C_("student", "graduated");
  return status ? status : "";
}

static const char *
note_status_words (const char *status)
{
  if (g_strcmp0 (status, "PAID") == 0)
    /* Translators: a promissory note whose month was paid. */
    return C_("note", "Kept");
  if (g_strcmp0 (status, "OVERDUE") == 0)
    return C_("note", "Overdue");
  if (g_strcmp0 (status, "OPEN") == 0)
    return C_("note", "Open");
  return status ? status : "";
}

TalaRecord *
tala_record_new_from_note (JsonObject *note)
{
  const char *period = json_object_get_string_member_with_default (note, "period", NULL);
  const char *promised = json_object_get_string_member_with_default (note, "promised_date", "");
  const char *by = json_object_get_string_member_with_default (note, "granted_by", NULL);
  const char *reason = json_object_get_string_member_with_default (note, "reason", "");
  int month = (int) json_object_get_int_member_with_default (note, "month", 0);
  g_autofree char *left = tala_format_pesos (
    json_object_get_string_member_with_default (note, "balance", NULL));
  g_autofree char *due = tala_format_pesos (
    json_object_get_string_member_with_default (note, "due", NULL));
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* Translators: "Midterm · month 3 to be paid by 2025-07-15". */
  title = g_strdup_printf (_("%s · month %d to be paid by %s"),
                           tala_period_words (period), month, promised);
  /* Translators: "2025-FIRST · ₱10,000.00 left of ₱10,000.00 · registrar1: reason". */
  subtitle = g_strdup_printf (_("%s · %s left of %s · %s: %s"),
                              json_object_get_string_member_with_default (note, "semester", ""),
                              left, due, by ? by : _("system"), reason);
  return tala_record_new (json_object_get_string_member_with_default (note, "note_id", NULL),
                          title, subtitle,
                          note_status_words (json_object_get_string_member_with_default (
                                               note, "status", NULL)),
                          NULL, json_object_ref (note));
}

static const char *
take_status_words (const char *status)
{
  if (g_strcmp0 (status, "NOT_TAKEN") == 0)
    return _("not taken yet");
  if (g_strcmp0 (status, "INC") == 0)
    return _("still incomplete (INC)");
  if (g_strcmp0 (status, "FAILED") == 0)
    return _("failed");
  if (g_strcmp0 (status, "ENROLLED") == 0)
    return _("still being taken, not yet passed");
  if (g_strcmp0 (status, "DROPPED") == 0)
    return _("dropped");
  return status ? status : "";
}

char *
tala_registrar_explain (JsonObject *args,
                        JsonObject *envelope,
                        JsonObject *times)
{
  JsonObject *err = tala_member_obj (envelope, "error");
  JsonObject *details = tala_member_obj (err, "details");
  const char *code = tala_member_str (err, "code");
  const char *message = tala_member_str (err, "message");
  const char *subject = tala_member_str (args, "subject") ?: "";
  const char *semester = tala_member_str (args, "semester") ?: "";
  const char *section = tala_member_str (args, "section");
  g_autoptr(GString) text = g_string_new (NULL);

  if (g_strcmp0 (code, "prerequisite_not_met") == 0)
    {
      JsonArray *unmet = tala_member_arr (details, "unmet");

      /* Translators: "CS201 cannot be added yet: it needs CS101 (not taken yet)." */
      g_string_append_printf (text, _("%s cannot be added yet: it needs "), subject);
      for (guint i = 0; unmet != NULL && i < json_array_get_length (unmet); i++)
        {
          JsonObject *u = json_array_get_object_element (unmet, i);

          if (i > 0)
            g_string_append (text, i + 1 == json_array_get_length (unmet) ? _(" and ") : ", ");
          g_string_append_printf (text, "%s (%s)", tala_member_str (u, "subject") ?: "",
                                  take_status_words (tala_member_str (u, "status")));
        }
      g_string_append (text, _(". The student must pass it first."));
    }
  else if (g_strcmp0 (code, "unit_cap_exceeded") == 0)
    {
      gint64 current = tala_member_int (details, "current_units");
      gint64 units = tala_member_int (details, "units");
      gint64 max = tala_member_int (details, "max_units");

      g_string_append_printf (text,
                              _("%s has %d units, but the student already carries %d of the "
                                "%d-unit limit: only %d units are left. Drop a subject first; "
                                "nobody can override the limit."),
                              subject, (int) units, (int) current, (int) max,
                              (int) MAX (0, max - current));
    }
  else if (g_strcmp0 (code, "section_full") == 0)
    g_string_append_printf (text, _("Section %s is full: %d of %d seats are taken. Choose "
                                    "another section, or add the student anyway with a reason."),
                            section ? section : subject, (int) tala_member_int (details, "taken"),
                            (int) tala_member_int (details, "capacity"));
  else if (g_strcmp0 (code, "schedule_conflict") == 0)
    {
      JsonArray *conflicts = tala_member_arr (details, "conflicts");

      g_string_append_printf (text, _("%s clashes with the student's schedule: "), subject);
      for (guint i = 0; conflicts != NULL && i < json_array_get_length (conflicts); i++)
        {
          JsonObject *c = json_array_get_object_element (conflicts, i);
          const char *code_i = tala_member_str (c, "section") ?: "";
          const char *when = tala_member_str (times, code_i);

          if (i > 0)
            g_string_append (text, "; ");
          if (when != NULL && when[0] != '\0')
            /* Translators: "CS101-A (CS101), MON 08:00–09:30" */
            g_string_append_printf (text, _("%s (%s), %s"), code_i,
                                    tala_member_str (c, "subject") ?: "", when);
          else
            g_string_append_printf (text, "%s (%s)", code_i, tala_member_str (c, "subject") ?: "");
        }
      g_string_append (text, _(". Choose another section, or add it anyway with a reason."));
    }
  else if (g_strcmp0 (code, "month1_unpaid") == 0)
    g_string_append_printf (text, _("Month 1 of %s is not fully paid. The student must pay "
                                    "month 1 at the cashier before subjects can be added."),
                            semester);
  else if (g_strcmp0 (code, "no_enrollment") == 0)
    g_string_append_printf (text, _("The student is not enrolled in %s. Create the semester "
                                    "enrollment first (Student page)."), semester);
  else if (g_strcmp0 (code, "already_enrolled") == 0)
    g_string_append_printf (text, _("The student already takes %s."), subject);
  else if (g_strcmp0 (code, "already_passed") == 0)
    g_string_append_printf (text, _("The student already passed or was credited %s; it "
                                    "cannot be taken again."), subject);
  else if (g_strcmp0 (code, "student_not_active") == 0)
    g_string_append (text, _("The student is not active (withdrawn, graduated or on leave). "
                             "Change the status first."));
  else if (g_strcmp0 (code, "no_section_available") == 0)
    g_string_append_printf (text, _("%s has no section in %s. Ask for a section to be "
                                    "opened."), subject, semester);
  else if (g_strcmp0 (code, "section_mismatch") == 0)
    g_string_append_printf (text, _("There is no section %s of %s in %s. Check the section "
                                    "code, or leave it empty to take the first free one."),
                            section ? section : "", subject, semester);
  else if (g_strcmp0 (code, "unknown_subject") == 0)
    g_string_append_printf (text, _("There is no subject %s. Check the code."), subject);
  else if (g_strcmp0 (code, "unknown_semester") == 0)
    g_string_append_printf (text, _("There is no semester %s. Type it like 2025-FIRST."),
                            semester);
  else if (g_strcmp0 (code, "unknown_student") == 0)
    g_string_append (text, _("This student is not known here."));
  else if (g_strcmp0 (code, "reason_required") == 0)
    g_string_append (text, _("Type a reason first."));
  else if (g_strcmp0 (code, "not_enrolled") == 0)
    g_string_append_printf (text, _("The student does not take %s this semester."), subject);
  else if (g_strcmp0 (code, "already_dropped") == 0)
    g_string_append_printf (text, _("%s is already dropped."), subject);
  else if (g_strcmp0 (code, "grade_finalized") == 0)
    g_string_append_printf (text, _("The grade of %s is final: it can no longer be dropped or "
                                    "changed here."), subject);
  else if (g_strcmp0 (code, "enrollment_exists") == 0)
    g_string_append_printf (text, _("The student is already enrolled in %s."), semester);
  else if (g_strcmp0 (code, "invalid_amount") == 0)
    g_string_append (text, _("Type the amount like 10000.00."));
  else if (g_strcmp0 (code, "invalid_status") == 0)
    g_string_append (text, _("That status cannot be set here; a leave is recorded below."));
  else if (g_strcmp0 (code, "invalid_period") == 0)
    g_string_append (text, _("The first day back must come after the first day of the leave."));
  else if (g_strcmp0 (code, "loa_overlap") == 0)
    g_string_append (text, _("The student already has a leave in that time."));
  else if (g_strcmp0 (code, "permit_already_unlocked") == 0)
    g_string_append (text, _("That exam permit is already unlocked; no note is needed."));
  else if (g_strcmp0 (code, "semester_ended") == 0)
    g_string_append (text, _("The semester has ended."));
  else if (g_strcmp0 (code, "invalid_grade") == 0)
    g_string_append (text, _("That grade is not on the grading scale (e.g. 1.75, 5.00, INC)."));
  else if (g_strcmp0 (code, "forbidden") == 0)
    g_string_append (text, _("Your role may not do this. Ask an administrator."));
  else if (g_strcmp0 (code, "invalid_args") == 0)
    g_string_append (text, _("Something typed is not in the right form: check the dates "
                             "(YYYY-MM-DD) and codes."));
  else
    g_string_append (text, message ? message : _("The change was refused."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

