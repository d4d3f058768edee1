/* tala-registrar-page.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The registrar's area.  Every read is one TalaStoreReadFunc run by
 * tala_session_read_async() on the replica's read connection; every change
 * is one op recorded with tala_session_op_async().  A rejected op leaves
 * no trace in the replica, so ops are recorded directly and a rejection is
 * turned into plain words from its code and details (explain_rejection()).
 */

#define G_LOG_DOMAIN "tala-registrar"

#include "config.h"

#include <glib/gi18n.h>

#include "tala-items.h"
#include "tala-ledger-registrar.h"
#include "tala-ledger-staff.h"
#include "tala-registrar-items.h"
#include "tala-registrar-page.h"
#include "tala-student-list.h"

struct _TalaRegistrarPage
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkSearchEntry      *search;
  GtkListView         *results_view;
  GtkEntry            *semester;
  AdwViewStack        *views;
  GtkLabel            *name_label;
  GtkLabel            *profile_label;
  GtkLabel            *student_message;
  GtkDropDown         *status_choice;
  AdwEntryRow         *status_reason;
  AdwEntryRow         *loa_start;
  AdwEntryRow         *loa_end;
  AdwEntryRow         *loa_reason;
  AdwEntryRow         *commitment;
  GtkLabel            *load_label;
  GtkListView         *takes_view;
  AdwEntryRow         *add_subject;
  AdwEntryRow         *add_section;
  GtkLabel            *explain_label;
  AdwPreferencesGroup *override_group;
  AdwEntryRow         *override_reason;
  GtkButton           *override_button;
  GtkLabel            *gpa_label;
  GtkListView         *transcript_view;
  GtkListView         *permits_view;
  GtkListView         *notes_view;
  GtkLabel            *notes_empty;
  GtkDropDown         *note_period;
  AdwEntryRow         *note_date;
  AdwEntryRow         *note_reason;
  GtkLabel            *records_message;
  GtkDropDown         *section_choice;
  GtkLabel            *roster_label;
  GtkColumnView       *roster_view;
  GtkLabel            *grade_message;
  GtkListView         *inc_view;
  GListStore          *roster;       /* of TalaGradeRow, the grade sheet's model */

  /* Owned */
  TalaSession         *session;
  TalaStudentList     *results;
  GtkSingleSelection  *selection;
  GListStore          *takes;        /* of TalaRecord */
  GtkSingleSelection  *takes_selection;
  GListStore          *transcript;   /* of TalaRecord */
  GListStore          *permits;      /* of TalaRecord */
  GListStore          *notes;        /* of TalaRecord */
  GListStore          *inc;          /* of TalaRecord */
  GtkStringList       *sections;
  GHashTable          *section_text; /* code → its line in the section list */
  GCancellable        *cancellable;
  char                *student;
  char                *profile_text;
  char                *gpa_text;
  char                *message;
  char                *explanation;
  char                *grade_text;
  char                *roster_section;
  char                *roster_subject;
  JsonObject          *blocked;      /* args of the add an override may retry */
  GPtrArray           *grade_queue;  /* TalaGradeRow still to submit */
  guint                grades_sent;
  GString             *grade_errors;
  guint                busy;
  gboolean             loading_sections;
};

enum { PROP_0, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TalaRegistrarPage, tala_registrar_page, GTK_TYPE_WIDGET)

static const char *const statuses[] = { "ACTIVE", "WITHDRAWN", "GRADUATED", NULL };
static const char *const periods[] = { "PRELIM", "MIDTERM", "PREFINAL", "FINAL", NULL };

/* ---- Small helpers ------------------------------------------------------- */

static void
busy_begin (TalaRegistrarPage *self)
{
  if (self->busy++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
busy_end (TalaRegistrarPage *self)
{
  g_return_if_fail (self->busy > 0);
  if (--self->busy == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* The text of an entry, trimmed; NULL when blank. */
static char *
entry_text (gpointer editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static const char *
semester_code (TalaRegistrarPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->semester));

  return text[0] != '\0' ? text : NULL;
}

static void
set_text (GtkLabel  *label,
          char     **store,
          const char *text)
{
  g_free (*store);
  *store = g_strdup (text ? text : "");
  gtk_label_set_label (label, *store);
}

static gboolean
role_may_override (TalaRegistrarPage *self)
{
  const char *role = self->session ? tala_session_get_role (self->session) : NULL;

  /* D-E4, D-E5: capacity and schedule overrides, registrars and admins. */
  return g_strcmp0 (role, "REGISTRAR") == 0 || g_strcmp0 (role, "HEAD_REGISTRAR") == 0 ||
         g_strcmp0 (role, "ADMIN") == 0;
}

static gboolean
envelope_applied (JsonObject *envelope)
{
  const char *status = tala_member_str (envelope, "status");

  return g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "replayed") == 0;
}

/* What can be done now: the student's actions need a student, the
 * override a blocked add, the grade sheet's a section. */
static void
actions_update (TalaRegistrarPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean student = self->student != NULL;
  gboolean section = self->roster_section != NULL;
  static const char *const student_actions[] = {
    "registrar.change-status", "registrar.start-loa", "registrar.enroll-semester",
    "registrar.add-subject", "registrar.drop-subject", "registrar.promissory",
  };

  for (guint i = 0; i < G_N_ELEMENTS (student_actions); i++)
    gtk_widget_action_set_enabled (widget, student_actions[i], student);
  gtk_widget_action_set_enabled (widget, "registrar.override", self->blocked != NULL);
  gtk_widget_action_set_enabled (widget, "registrar.save-grades", section);
  gtk_widget_action_set_enabled (widget, "registrar.finalize", section);
}

/* ---- Reads (worker threads) ---------------------------------------------- */

typedef struct
{
  char      *student;
  char      *semester;
  char      *section;
  JsonArray *codes;
} Query;

static void
query_free (Query *q)
{
  g_free (q->student);
  g_free (q->semester);
  g_free (q->section);
  g_clear_pointer (&q->codes, json_array_unref);
  g_free (q);
}

static Query *
query_new (const char *student,
           const char *semester,
           const char *section)
{
  Query *q = g_new0 (Query, 1);

  q->student = g_strdup (student);
  q->semester = g_strdup (semester);
  q->section = g_strdup (section);
  return q;
}

static JsonNode *
node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* {profile, semester?, account?, subjects?, transcript?, notes?}: what the
 * student pages show.  Without a semester, the active one (the account's). */
static JsonNode *
read_student (TalaLedger *ledger,
              gpointer    data,
              GError    **error)
{
  Query *q = data;
  JsonObject *out = json_object_new ();
  JsonObject *profile, *account, *enrollment, *subjects, *transcript;
  JsonArray *enrollments, *notes;
  g_autofree char *semester = g_strdup (q->semester);

  profile = tala_ledger_registrar_student (ledger, q->student, g_get_real_time (), error);
  if (profile == NULL)
    {
      json_object_unref (out);
      return NULL;
    }
  json_object_set_object_member (out, "profile", profile);
  account = tala_ledger_account (ledger, q->student, semester, NULL);
  enrollment = tala_member_obj (account, "enrollment");
  if (semester == NULL && tala_member_str (enrollment, "semester") != NULL)
    semester = g_strdup (tala_member_str (enrollment, "semester"));
  enrollments = tala_member_arr (profile, "enrollments");
  if (semester == NULL && enrollments != NULL && json_array_get_length (enrollments) > 0)
    semester = g_strdup (tala_member_str (json_array_get_object_element (
                           enrollments, json_array_get_length (enrollments) - 1), "semester"));
  if (account != NULL)
    json_object_set_object_member (out, "account", account);
  if (semester != NULL)
    {
      json_object_set_string_member (out, "semester", semester);
      subjects = tala_ledger_subjects (ledger, q->student, semester, FALSE, NULL);
      if (subjects != NULL)
        json_object_set_object_member (out, "subjects", subjects);
    }
  transcript = tala_ledger_transcript (ledger, q->student, NULL);
  if (transcript != NULL)
    json_object_set_object_member (out, "transcript", transcript);
  notes = tala_ledger_registrar_promissory_notes (ledger, q->student, g_get_real_time (), NULL);
  if (notes != NULL)
    json_object_set_array_member (out, "notes", notes);
  return node_take_object (out);
}

/* The semester's sections by code (tala_ledger_registrar_semester_sections()). */
static JsonNode *
read_sections (TalaLedger *ledger,
               gpointer    data,
               GError    **error)
{
  Query *q = data;
  JsonArray *sections;
  JsonNode *node;

  sections = tala_ledger_registrar_semester_sections (ledger, q->semester, error);
  if (sections == NULL)
    return NULL;
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, sections);
  return node;
}

/* {"semester": the active semester's code} or {} when none is. */
static JsonNode *
read_active_semester (TalaLedger *ledger,
                      gpointer    data G_GNUC_UNUSED,
                      GError    **error)
{
  g_autofree char *code = NULL;
  JsonObject *out;

  if (!tala_ledger_registrar_active_semester (ledger, &code, error))
    return NULL;
  out = json_object_new ();
  if (code != NULL)
    json_object_set_string_member (out, "semester", code);
  return node_take_object (out);
}

static JsonNode *
read_roster (TalaLedger *ledger,
             gpointer    data,
             GError    **error)
{
  Query *q = data;
  JsonObject *roster = tala_ledger_registrar_roster (ledger, q->semester, q->section, error);

  return roster ? node_take_object (roster) : NULL;
}

static JsonNode *
read_inc (TalaLedger *ledger,
          gpointer    data G_GNUC_UNUSED,
          GError    **error)
{
  JsonArray *takes = tala_ledger_registrar_inc (ledger, g_get_real_time (), -1, error);
  JsonNode *node;

  if (takes == NULL)
    return NULL;
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, takes);
  return node;
}

/* {code: "MON 08:00–09:30, …"} for the sections in q->codes. */
static JsonNode *
read_times (TalaLedger *ledger,
            gpointer    data,
            GError    **error G_GNUC_UNUSED)
{
  Query *q = data;
  JsonObject *out = json_object_new ();

  for (guint i = 0; q->codes != NULL && i < json_array_get_length (q->codes); i++)
    {
      const char *code = json_array_get_string_element (q->codes, i);
      g_autoptr(JsonObject) section = tala_ledger_staff_section (ledger, q->semester, code, NULL);
      JsonArray *slots = tala_member_arr (section, "slots");
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint j = 0; slots != NULL && j < json_array_get_length (slots); j++)
        {
          JsonObject *slot = json_array_get_object_element (slots, j);

          g_string_append_printf (text, "%s%s %s–%s", j ? ", " : "",
                                  tala_member_str (slot, "day") ?: "",
                                  tala_member_str (slot, "start") ?: "",
                                  tala_member_str (slot, "end") ?: "");
        }
      json_object_set_string_member (out, code, text->str);
    }
  return node_take_object (out);
}

/* Replaces the items of @store with @items, in one change. */
static void
store_replace (GListStore *store,
               GPtrArray  *items)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
}

/* ---- Showing a student --------------------------------------------------- */

static void load_student (TalaRegistrarPage *self);

static void
show_student (TalaRegistrarPage *self,
              JsonObject        *data)
{
  JsonObject *profile = tala_member_obj (data, "profile");
  JsonObject *user = tala_member_obj (profile, "user");
  JsonObject *subjects = tala_member_obj (data, "subjects");
  JsonObject *load = tala_member_obj (subjects, "load");
  JsonObject *transcript = tala_member_obj (data, "transcript");
  JsonObject *account = tala_member_obj (data, "account");
  JsonObject *enrollment = tala_member_obj (account, "enrollment");
  JsonArray *leaves = tala_member_arr (profile, "leaves");
  JsonArray *takes = tala_member_arr (subjects, "subjects");
  JsonArray *semesters = tala_member_arr (transcript, "semesters");
  JsonArray *permits = tala_member_arr (enrollment, "permits");
  JsonArray *notes = tala_member_arr (data, "notes");
  const char *semester = tala_member_str (data, "semester");
  const char *status = tala_member_str (profile, "effective_status");
  g_autoptr(GString) profile_text = g_string_new (NULL);
  g_autofree char *name = NULL;
  g_autofree char *gpa = NULL;
  g_autofree char *load_text = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (semester != NULL && semester_code (self) == NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->semester), semester);
  name = g_strdup_printf ("%s %s", tala_member_str (user, "first_name") ?: "",
                          tala_member_str (user, "last_name") ?: "");
  gtk_label_set_label (self->name_label, name);
  /* Translators: the profile line: number · program · year · status. */
  g_string_append_printf (profile_text, _("%s · %s · entered %d · %s"),
                          tala_member_str (profile, "student_id") ?: "",
                          tala_member_str (profile, "program_code") ?: "",
                          (int) tala_member_int (profile, "enrollment_year"),
                          tala_registrar_status_words (status));
  for (guint i = 0; leaves != NULL && i < json_array_get_length (leaves); i++)
    {
      JsonObject *l = json_array_get_object_element (leaves, i);
      const char *end = tala_member_str (l, "end_date");

      if (end != NULL)
        g_string_append_printf (profile_text, _(" · leave %s to %s"),
                                tala_member_str (l, "start_date") ?: "", end);
      else
        g_string_append_printf (profile_text, _(" · leave from %s, open"),
                                tala_member_str (l, "start_date") ?: "");
    }
  set_text (self->profile_label, &self->profile_text, profile_text->str);

  for (guint i = 0; takes != NULL && i < json_array_get_length (takes); i++)
    {
      JsonObject *t = json_array_get_object_element (takes, i);
      g_autofree char *title = g_strdup_printf ("%s · %s", tala_member_str (t, "subject") ?: "",
                                                tala_member_str (t, "name") ?: "");
      g_autofree char *sub = g_strdup_printf ("%s · %s · %s", tala_member_str (t, "section") ?: "—",
                                              tala_member_str (t, "status") ?: "",
                                              tala_member_str (t, "grade_status") ?: "");
      g_autofree char *units = g_strdup_printf (ngettext ("%d unit", "%d units",
                                                          (int) tala_member_int (t, "units")),
                                                (int) tala_member_int (t, "units"));
      g_ptr_array_add (items, tala_record_new (tala_member_str (t, "subject"), title, sub,
                                               tala_member_str (t, "grade"), units,
                                               json_object_ref (t)));
    }
  store_replace (self->takes, items);
  g_ptr_array_set_size (items, 0);
  if (subjects == NULL)
    load_text = g_strdup (_("Not enrolled in this semester."));
  else
    load_text = g_strdup_printf (_("%s: %d of %d units, %d left"), semester ? semester : "",
                                 (int) tala_member_int (load, "current_units"),
                                 (int) tala_member_int (load, "max_units"),
                                 (int) tala_member_int (load, "remaining_units"));
  gtk_label_set_label (self->load_label, load_text);

  for (guint i = 0; semesters != NULL && i < json_array_get_length (semesters); i++)
    {
      JsonObject *s = json_array_get_object_element (semesters, i);
      JsonArray *lines = tala_member_arr (s, "subjects");

      for (guint j = 0; lines != NULL && j < json_array_get_length (lines); j++)
        {
          JsonObject *t = json_array_get_object_element (lines, j);
          g_autofree char *title = g_strdup_printf ("%s · %s", tala_member_str (t, "subject") ?: "",
                                                    tala_member_str (t, "name") ?: "");
          g_autofree char *sub = g_strdup_printf ("%s · %s", tala_member_str (s, "semester") ?: "",
                                                  tala_member_str (t, "status") ?: "");
          g_autofree char *units = g_strdup_printf (ngettext ("%d unit", "%d units",
                                                              (int) tala_member_int (t, "units")),
                                                    (int) tala_member_int (t, "units"));
          g_ptr_array_add (items, tala_record_new (tala_member_str (t, "subject"), title, sub,
                                                   tala_member_str (t, "grade"), units,
                                                   json_object_ref (t)));
        }
    }
  store_replace (self->transcript, items);
  g_ptr_array_set_size (items, 0);
  gpa = g_strdup_printf (_("GPA %s · %d units counted"),
                         tala_member_str (transcript, "cumulative_gpa") ?: "N/A",
                         (int) tala_member_int (transcript, "total_units"));
  set_text (self->gpa_label, &self->gpa_text, gpa);

  for (guint i = 0; permits != NULL && i < json_array_get_length (permits); i++)
    {
      JsonObject *p = json_array_get_object_element (permits, i);
      const char *code = tala_member_str (p, "code");
      g_autofree char *sub = code ? g_strdup_printf (_("Code %s, valid until %s"), code,
                                                     tala_member_str (p, "expires") ?: "")
                                  : g_strdup_printf (_("Unlocks when month %d is paid"),
                                                     (int) tala_member_int (p, "month"));
      g_ptr_array_add (items, tala_record_new (tala_member_str (p, "period"),
                                               tala_period_words (tala_member_str (p, "period")),
                                               sub,
                                               tala_permit_status_words (tala_member_str (p, "status")),
                                               NULL, json_object_ref (p)));
    }
  store_replace (self->permits, items);
  g_ptr_array_set_size (items, 0);

  for (guint i = 0; notes != NULL && i < json_array_get_length (notes); i++)
    g_ptr_array_add (items, tala_record_new_from_note (json_array_get_object_element (notes, i)));
  store_replace (self->notes, items);
  gtk_widget_set_visible (GTK_WIDGET (self->notes_empty), items->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->notes_view), items->len > 0);
}

static void
student_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TalaRegistrarPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = tala_session_read_finish (TALA_SESSION (object), result, &error);

  if (self->session == NULL)
    return;
  busy_end (self);
  if (node == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_text (self->student_message, &self->message, error->message);
      return;
    }
  show_student (self, json_node_get_object (node));
}

static void
load_student (TalaRegistrarPage *self)
{
  if (self->student == NULL || self->session == NULL)
    return;
  busy_begin (self);
  tala_session_read_async (self->session, read_student,
                           query_new (self->student, semester_code (self), NULL),
                           (GDestroyNotify) query_free, self->cancellable,
                           student_done_cb, g_object_ref (self));
}

static void
selection_changed_cb (TalaRegistrarPage *self)
{
  TalaStudent *student = gtk_single_selection_get_selected_item (self->selection);

  if (student != NULL)
    tala_registrar_page_select_student (self, tala_student_get_number (student));
}

static void
search_changed_cb (TalaRegistrarPage *self)
{
  if (self->results != NULL)
    tala_student_list_set_query (self->results,
                                 gtk_editable_get_text (GTK_EDITABLE (self->search)));
}

/* ---- Ops ----------------------------------------------------------------- */

typedef struct _OpCall OpCall;
typedef void (*OpDone) (TalaRegistrarPage *self,
                        OpCall            *call,
                        JsonObject        *envelope,
                        GError            *error);

struct _OpCall
{
  TalaRegistrarPage *self;
  char              *kind;
  JsonObject        *args;
  OpDone             done;
};

static void
op_call_free (OpCall *c)
{
  g_object_unref (c->self);
  g_free (c->kind);
  json_object_unref (c->args);
  g_free (c);
}

static void
op_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  OpCall *c = user_data;
  TalaRegistrarPage *self = c->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) envelope = tala_session_op_finish (TALA_SESSION (object), result, &error);

  if (self->session != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      busy_end (self);
      c->done (self, c, envelope, error);
    }
  op_call_free (c);
}

/* Records op @kind (@args taken). */
static void
run_op (TalaRegistrarPage *self,
        const char        *kind,
        JsonObject        *args,
        OpDone             done)
{
  OpCall *c = g_new0 (OpCall, 1);

  c->self = g_object_ref (self);
  c->kind = g_strdup (kind);
  c->args = args;
  c->done = done;
  busy_begin (self);
  tala_session_op_async (self->session, kind, args, FALSE, self->cancellable, op_done_cb, c);
}

/* The outcome of a student op in the Student page's message line. */
static void
student_op_done (TalaRegistrarPage *self,
                 OpCall            *call,
                 JsonObject        *envelope,
                 GError            *error)
{
  g_autofree char *text = NULL;

  if (envelope == NULL)
    text = g_strdup (error->message);
  else if (!envelope_applied (envelope))
    text = tala_registrar_explain (call->args, envelope, NULL);
  else if (g_strcmp0 (call->kind, "enrollment.create") == 0)
    text = g_strdup_printf (_("Enrolled in %s."), tala_member_str (call->args, "semester"));
  else if (g_strcmp0 (call->kind, "loa.record") == 0)
    text = g_strdup (_("Leave recorded."));
  else
    text = g_strdup (_("Status changed."));
  set_text (self->student_message, &self->message, text);
  if (envelope != NULL && envelope_applied (envelope))
    {
      /* The form that was sent starts over. */
      if (g_strcmp0 (call->kind, "student.update") == 0)
        gtk_editable_set_text (GTK_EDITABLE (self->status_reason), "");
      else if (g_strcmp0 (call->kind, "loa.record") == 0)
        tala_registrar_page_set_loa_form (self, NULL, NULL, NULL);
      else
        gtk_editable_set_text (GTK_EDITABLE (self->commitment), "");
      load_student (self);
    }
}

static gboolean
need_student (TalaRegistrarPage *self,
              GtkLabel          *label,
              char             **store)
{
  if (self->student != NULL && self->session != NULL)
    return TRUE;
  set_text (label, store, _("Choose a student first."));
  return FALSE;
}

static void
change_status_action (GtkWidget  *widget,
                      const char *name G_GNUC_UNUSED,
                      GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  g_autofree char *reason = entry_text (self->status_reason);
  guint status = gtk_drop_down_get_selected (self->status_choice);
  JsonObject *args;

  if (!need_student (self, self->student_message, &self->message))
    return;
  if (reason == NULL)
    {
      set_text (self->student_message, &self->message, _("Type the reason for the change."));
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "student", self->student);
  json_object_set_string_member (args, "status", statuses[MIN (status, 2)]);
  json_object_set_string_member (args, "reason", reason);
  run_op (self, "student.update", args, student_op_done);
}

static void
start_loa_action (GtkWidget  *widget,
                  const char *name G_GNUC_UNUSED,
                  GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  g_autofree char *start = entry_text (self->loa_start);
  g_autofree char *end = entry_text (self->loa_end);
  g_autofree char *reason = entry_text (self->loa_reason);
  JsonObject *args;

  if (!need_student (self, self->student_message, &self->message))
    return;
  if (start == NULL || reason == NULL)
    {
      set_text (self->student_message, &self->message,
                _("Type the first day of the leave (YYYY-MM-DD) and its reason."));
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "student", self->student);
  json_object_set_string_member (args, "start_date", start);
  if (end != NULL)
    json_object_set_string_member (args, "end_date", end);
  json_object_set_string_member (args, "reason", reason);
  run_op (self, "loa.record", args, student_op_done);
}

static void
enroll_semester_action (GtkWidget  *widget,
                        const char *name G_GNUC_UNUSED,
                        GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  g_autofree char *amount = entry_text (self->commitment);
  g_autofree char *normal = NULL;
  gint64 centavos;
  JsonObject *args;

  if (!need_student (self, self->student_message, &self->message))
    return;
  if (semester_code (self) == NULL)
    {
      set_text (self->student_message, &self->message,
                _("Type the semester at the top, like 2025-FIRST."));
      return;
    }
  if (amount == NULL || !tala_money_parse (amount, TALA_MONEY_NON_NEGATIVE, &centavos, NULL))
    {
      set_text (self->student_message, &self->message,
                _("Type the monthly commitment like 10000.00."));
      return;
    }
  normal = tala_money_format (centavos);
  args = json_object_new ();
  json_object_set_string_member (args, "student", self->student);
  json_object_set_string_member (args, "semester", semester_code (self));
  json_object_set_string_member (args, "monthly_commitment", normal);
  run_op (self, "enrollment.create", args, student_op_done);
}

/* ---- Add and drop -------------------------------------------------------- */

static void
set_explanation (TalaRegistrarPage *self,
                 const char        *text,
                 gboolean           offer_override)
{
  set_text (self->explain_label, &self->explanation, text);
  actions_update (self);
  gtk_widget_set_visible (GTK_WIDGET (self->override_group), offer_override);
  gtk_widget_set_visible (GTK_WIDGET (self->override_button), offer_override);
}

typedef struct
{
  TalaRegistrarPage *self;
  JsonObject        *args;
  JsonObject        *envelope;
} Blocked;

static void
blocked_free (Blocked *b)
{
  g_object_unref (b->self);
  json_object_unref (b->args);
  json_object_unref (b->envelope);
  g_free (b);
}

static void
show_blocked (TalaRegistrarPage *self,
              JsonObject        *args,
              JsonObject        *envelope,
              JsonObject        *times)
{
  const char *code = tala_member_str (tala_member_obj (envelope, "error"), "code");
  gboolean overridable = g_strcmp0 (code, "section_full") == 0 ||
                         g_strcmp0 (code, "schedule_conflict") == 0;
  g_autofree char *text = tala_registrar_explain (args, envelope, times);

  g_clear_pointer (&self->blocked, json_object_unref);
  if (overridable && role_may_override (self))
    {
      self->blocked = json_object_ref (args);
      json_object_set_boolean_member (self->blocked,
                                      g_strcmp0 (code, "section_full") == 0
                                      ? "override_capacity" : "override_schedule_conflict",
                                      TRUE);
    }
  set_explanation (self, text, self->blocked != NULL);
}

static void
times_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Blocked *b = user_data;
  g_autoptr(JsonNode) node = tala_session_read_finish (TALA_SESSION (object), result, NULL);

  if (b->self->session != NULL)
    {
      busy_end (b->self);
      show_blocked (b->self, b->args, b->envelope, node ? json_node_get_object (node) : NULL);
    }
  blocked_free (b);
}

static void
add_done (TalaRegistrarPage *self,
          OpCall            *call,
          JsonObject        *envelope,
          GError            *error)
{
  JsonObject *err = tala_member_obj (envelope, "error");
  JsonObject *result = tala_member_obj (envelope, "result");
  g_autofree char *text = NULL;

  if (envelope == NULL)
    {
      set_explanation (self, error->message, FALSE);
      return;
    }
  if (envelope_applied (envelope))
    {
      g_clear_pointer (&self->blocked, json_object_unref);
      text = g_strdup_printf (_("Added %s, section %s: %d units now."),
                              tala_member_str (result, "subject") ?: "",
                              tala_member_str (result, "section") ?: "",
                              (int) tala_member_int (result, "total_units"));
      set_explanation (self, text, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->override_reason), "");
      load_student (self);
      return;
    }
  if (g_strcmp0 (tala_member_str (err, "code"), "schedule_conflict") == 0)
    {
      Blocked *b = g_new0 (Blocked, 1);
      Query *q = query_new (NULL, tala_member_str (call->args, "semester"), NULL);
      JsonArray *conflicts = tala_member_arr (tala_member_obj (err, "details"), "conflicts");

      q->codes = json_array_new ();
      for (guint i = 0; conflicts != NULL && i < json_array_get_length (conflicts); i++)
        json_array_add_string_element (q->codes,
                                       tala_member_str (json_array_get_object_element (conflicts, i),
                                                   "section") ?: "");
      b->self = g_object_ref (self);
      b->args = json_object_ref (call->args);
      b->envelope = json_object_ref (envelope);
      busy_begin (self);
      tala_session_read_async (self->session, read_times, q, (GDestroyNotify) query_free,
                               self->cancellable, times_done_cb, b);
      return;
    }
  show_blocked (self, call->args, envelope, NULL);
}

static void
add_subject_action (GtkWidget  *widget,
                    const char *name G_GNUC_UNUSED,
                    GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  g_autofree char *subject = entry_text (self->add_subject);
  g_autofree char *section = entry_text (self->add_section);
  g_autofree char *subject_code = subject ? g_ascii_strup (subject, -1) : NULL;
  g_autofree char *section_code = section ? g_ascii_strup (section, -1) : NULL;
  JsonObject *args;

  if (!need_student (self, self->explain_label, &self->explanation))
    return;
  if (subject == NULL || semester_code (self) == NULL)
    {
      set_explanation (self, _("Type the subject code, and the semester at the top."), FALSE);
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "student", self->student);
  json_object_set_string_member (args, "semester", semester_code (self));
  json_object_set_string_member (args, "subject", subject_code);
  if (section_code != NULL)
    json_object_set_string_member (args, "section", section_code);
  run_op (self, "subject.enroll", args, add_done);
}

static void
override_action (GtkWidget  *widget,
                 const char *name G_GNUC_UNUSED,
                 GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  g_autofree char *reason = entry_text (self->override_reason);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;
  JsonObject *args;

  if (self->blocked == NULL || !role_may_override (self))
    return;
  if (reason == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->override_reason));
      gtk_label_set_label (self->explain_label, _("Type the reason for the override first."));
      return;
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, self->blocked);
  copy = json_node_copy (node);
  args = json_node_dup_object (copy);
  json_object_set_string_member (args, "reason", reason);
  run_op (self, "subject.enroll", args, add_done);
}

static void
drop_done (TalaRegistrarPage *self,
           OpCall            *call,
           JsonObject        *envelope,
           GError            *error)
{
  g_autofree char *text = NULL;

  if (envelope == NULL)
    text = g_strdup (error->message);
  else if (!envelope_applied (envelope))
    text = tala_registrar_explain (call->args, envelope, NULL);
  else
    text = g_strdup_printf (_("Dropped %s."), tala_member_str (call->args, "subject"));
  set_explanation (self, text, FALSE);
  if (envelope != NULL && envelope_applied (envelope))
    load_student (self);
}

static void
drop_subject_action (GtkWidget  *widget,
                     const char *name G_GNUC_UNUSED,
                     GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  TalaRecord *take = gtk_single_selection_get_selected_item (self->takes_selection);
  JsonObject *args;

  if (!need_student (self, self->explain_label, &self->explanation))
    return;
  if (take == NULL || semester_code (self) == NULL)
    {
      set_explanation (self, _("Select the subject to drop in the list."), FALSE);
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "student", self->student);
  json_object_set_string_member (args, "semester", semester_code (self));
  json_object_set_string_member (args, "subject", tala_record_get_key (take));
  run_op (self, "subject.drop", args, drop_done);
}

/* ---- Promissory notes ---------------------------------------------------- */

static void
promissory_done (TalaRegistrarPage *self,
                 OpCall            *call,
                 JsonObject        *envelope,
                 GError            *error)
{
  JsonObject *result = tala_member_obj (envelope, "result");
  g_autofree char *text = NULL;

  if (envelope == NULL)
    text = g_strdup (error->message);
  else if (!envelope_applied (envelope))
    text = tala_registrar_explain (call->args, envelope, NULL);
  else
    text = g_strdup_printf (_("The %s permit is unlocked: code %s (the code may change "
                              "when the hub confirms it)."),
                            tala_member_str (result, "period") ?: "",
                            tala_member_str (result, "code") ?: _("pending"));
  set_text (self->records_message, &self->message, text);
  if (envelope != NULL && envelope_applied (envelope))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->note_date), "");
      gtk_editable_set_text (GTK_EDITABLE (self->note_reason), "");
      load_student (self);
    }
}

static void
promissory_action (GtkWidget  *widget,
                   const char *name G_GNUC_UNUSED,
                   GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  g_autofree char *date = entry_text (self->note_date);
  g_autofree char *reason = entry_text (self->note_reason);
  guint period = gtk_drop_down_get_selected (self->note_period);
  JsonObject *args;

  if (!need_student (self, self->records_message, &self->message))
    return;
  if (date == NULL || reason == NULL || semester_code (self) == NULL)
    {
      set_text (self->records_message, &self->message,
                _("Type the promised date (YYYY-MM-DD) and the reason."));
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "student", self->student);
  json_object_set_string_member (args, "semester", semester_code (self));
  json_object_set_string_member (args, "period", periods[MIN (period, 3)]);
  json_object_set_string_member (args, "promised_date", date);
  json_object_set_string_member (args, "reason", reason);
  run_op (self, "permit.promissory", args, promissory_done);
}

/* ---- Grade sheet --------------------------------------------------------- */

static void load_roster (TalaRegistrarPage *self);

static void
roster_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TalaRegistrarPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = tala_session_read_finish (TALA_SESSION (object), result, &error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *roster;
  JsonArray *students;
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;
  busy_end (self);
  if (node == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->roster_label, error->message);
      g_list_store_remove_all (self->roster);
      return;
    }
  roster = json_node_get_object (node);
  g_free (self->roster_subject);
  self->roster_subject = g_strdup (tala_member_str (roster, "subject"));
  students = tala_member_arr (roster, "students");
  for (guint i = 0; students != NULL && i < json_array_get_length (students); i++)
    {
      JsonObject *s = json_array_get_object_element (students, i);

      if (g_strcmp0 (tala_member_str (s, "status"), "DROPPED") != 0)
        g_ptr_array_add (rows, tala_grade_row_new_from_json (s));
    }
  store_replace (self->roster, rows);
  text = g_strdup_printf (_("%s · %s · %s · %d of %d seats taken"),
                          tala_member_str (roster, "section") ?: "",
                          tala_member_str (roster, "subject") ?: "",
                          tala_member_str (roster, "subject_name") ?: "",
                          (int) tala_member_int (roster, "taken"), (int) tala_member_int (roster, "capacity"));
  gtk_label_set_label (self->roster_label, text);
}

static void
load_roster (TalaRegistrarPage *self)
{
  if (self->session == NULL || self->roster_section == NULL || semester_code (self) == NULL)
    return;
  busy_begin (self);
  tala_session_read_async (self->session, read_roster,
                           query_new (NULL, semester_code (self), self->roster_section),
                           (GDestroyNotify) query_free, self->cancellable,
                           roster_done_cb, g_object_ref (self));
}

static void
section_chosen_cb (TalaRegistrarPage *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->section_choice);

  if (self->loading_sections || item == NULL)
    return;
  g_free (self->roster_section);
  self->roster_section = g_strdup (gtk_string_object_get_string (item));
  actions_update (self);
  load_roster (self);
}

static void
sections_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TalaRegistrarPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = tala_session_read_finish (TALA_SESSION (object), result, &error);
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  JsonArray *array;
  guint keep = GTK_INVALID_LIST_POSITION;

  if (self->session == NULL)
    return;
  busy_end (self);
  if (node == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID))
        text = g_strdup_printf (_("There is no semester %s. Type a semester code at the top, "
                                  "like 2025-FIRST."), semester_code (self) ?: "");
      else
        text = g_strdup (error->message);
      gtk_label_set_label (self->roster_label, text);
      self->loading_sections = TRUE;
      gtk_string_list_splice (self->sections, 0,
                              g_list_model_get_n_items (G_LIST_MODEL (self->sections)), NULL);
      self->loading_sections = FALSE;
      return;
    }
  array = json_node_get_array (node);
  g_hash_table_remove_all (self->section_text);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *section = json_array_get_object_element (array, i);
      const char *code = tala_member_str (section, "code");
      const char *professor = tala_member_str (section, "professor");
      /* Translators: a section in the grade sheet's list:
       * "CS101-A · Programming Fundamentals · 12 of 40 seats · prof1". */
      g_autofree char *text = g_strdup_printf (_("%s · %s · %d of %d seats · %s"), code,
                                               tala_member_str (section, "subject_name") ?: "",
                                               (int) tala_member_int (section, "taken"),
                                               (int) tala_member_int (section, "capacity"),
                                               professor ? professor : _("no professor"));

      g_hash_table_insert (self->section_text, g_strdup (code), g_steal_pointer (&text));
      g_ptr_array_add (codes, (gpointer) code);
      if (g_strcmp0 (code, self->roster_section) == 0)
        keep = i;
    }
  g_ptr_array_add (codes, NULL);
  self->loading_sections = TRUE;
  gtk_string_list_splice (self->sections, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->sections)),
                          (const char *const *) codes->pdata);
  gtk_drop_down_set_selected (self->section_choice, keep);
  self->loading_sections = FALSE;
}

static void
load_sections_action (GtkWidget  *widget,
                      const char *name G_GNUC_UNUSED,
                      GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);

  if (self->session == NULL || semester_code (self) == NULL)
    return;
  busy_begin (self);
  tala_session_read_async (self->session, read_sections,
                           query_new (NULL, semester_code (self), NULL),
                           (GDestroyNotify) query_free, self->cancellable,
                           sections_done_cb, g_object_ref (self));
}

static void submit_next_grade (TalaRegistrarPage *self);

static void
grade_done (TalaRegistrarPage *self,
            OpCall            *call,
            JsonObject        *envelope,
            GError            *error)
{
  if (envelope != NULL && envelope_applied (envelope))
    self->grades_sent++;
  else
    {
      g_autofree char *why = envelope ? tala_registrar_explain (call->args, envelope, NULL)
                                      : g_strdup (error->message);

      g_string_append_printf (self->grade_errors, "%s: %s\n",
                              tala_member_str (call->args, "student"), why);
    }
  submit_next_grade (self);
}

static void
submit_next_grade (TalaRegistrarPage *self)
{
  g_autoptr(TalaGradeRow) row = NULL;
  g_autofree char *text = NULL;
  JsonObject *args;

  if (self->grade_queue->len == 0)
    {
      text = g_strdup_printf (ngettext ("%u grade saved.", "%u grades saved.", self->grades_sent),
                              self->grades_sent);
      if (self->grade_errors->len > 0)
        {
          g_autofree char *all = g_strdup_printf ("%s\n%s", text, self->grade_errors->str);

          g_free (text);
          text = g_strdup (g_strchomp (all));
        }
      set_text (self->grade_message, &self->grade_text, text);
      load_roster (self);
      return;
    }
  row = g_ptr_array_steal_index (self->grade_queue, 0);
  args = json_object_new ();
  json_object_set_string_member (args, "student", tala_grade_row_get_student (row));
  json_object_set_string_member (args, "semester", semester_code (self));
  json_object_set_string_member (args, "subject", self->roster_subject);
  json_object_set_string_member (args, "grade", tala_grade_row_get_grade (row));
  run_op (self, "grade.submit", args, grade_done);
}

static void
save_grades_action (GtkWidget  *widget,
                    const char *name G_GNUC_UNUSED,
                    GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roster));

  if (self->session == NULL || self->roster_subject == NULL || self->grade_queue->len > 0)
    return;
  self->grades_sent = 0;
  g_string_truncate (self->grade_errors, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TalaGradeRow) row = g_list_model_get_item (G_LIST_MODEL (self->roster), i);
      const char *grade = tala_grade_row_get_grade (row);

      if (!tala_grade_row_get_locked (row) && grade[0] != '\0' &&
          g_strcmp0 (grade, tala_grade_row_get_saved (row)) != 0)
        g_ptr_array_add (self->grade_queue, g_object_ref (row));
    }
  submit_next_grade (self);
}

static void
finalize_done (TalaRegistrarPage *self,
               OpCall            *call,
               JsonObject        *envelope,
               GError            *error)
{
  JsonObject *result = tala_member_obj (envelope, "result");
  g_autofree char *text = NULL;

  if (envelope == NULL)
    text = g_strdup (error->message);
  else if (!envelope_applied (envelope))
    text = tala_registrar_explain (call->args, envelope, NULL);
  else
    {
      int finalized = (int) tala_member_int (result, "finalized_count");
      int pending = (int) tala_member_int (result, "pending_count");
      g_autofree char *first = g_strdup_printf (ngettext ("%d grade finalized.",
                                                          "%d grades finalized.", finalized),
                                                finalized);

      if (pending > 0)
        text = g_strdup_printf (ngettext ("%s %d student has no grade yet.",
                                          "%s %d students have no grade yet.", pending),
                                first, pending);
      else
        text = g_steal_pointer (&first);
    }
  set_text (self->grade_message, &self->grade_text, text);
  load_roster (self);
}

static void
finalize_action (GtkWidget  *widget,
                 const char *name G_GNUC_UNUSED,
                 GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);
  JsonObject *args;

  if (self->session == NULL || self->roster_section == NULL || semester_code (self) == NULL)
    {
      set_text (self->grade_message, &self->grade_text, _("Choose a section first."));
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "semester", semester_code (self));
  json_object_set_string_member (args, "section", self->roster_section);
  run_op (self, "grade.finalize", args, finalize_done);
}

/* ---- INC list ------------------------------------------------------------ */

static void
inc_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TalaRegistrarPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = tala_session_read_finish (TALA_SESSION (object), result, &error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *takes;

  if (self->session == NULL)
    return;
  busy_end (self);
  if (node == NULL)
    return;
  takes = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (takes); i++)
    {
      JsonObject *t = json_array_get_object_element (takes, i);
      gint64 left = tala_member_int (t, "days_left");
      g_autofree char *title = g_strdup_printf ("%s · %s", tala_member_str (t, "student") ?: "",
                                                tala_member_str (t, "student_name") ?: "");
      g_autofree char *sub = g_strdup_printf (_("%s in %s, INC since %s"),
                                              tala_member_str (t, "subject") ?: "",
                                              tala_member_str (t, "semester") ?: "",
                                              tala_member_str (t, "inc_start") ?: "");
      g_autofree char *days = left > 0
                              ? g_strdup_printf (ngettext ("%d day left", "%d days left",
                                                           (int) left), (int) left)
                              : g_strdup (_("Expired"));

      g_ptr_array_add (rows, tala_record_new (tala_member_str (t, "subject_enrollment_id"), title, sub,
                                              days, tala_member_str (t, "subject_type"),
                                              json_object_ref (t)));
    }
  store_replace (self->inc, rows);
}

static void
load_inc_action (GtkWidget  *widget,
                 const char *name G_GNUC_UNUSED,
                 GVariant   *param G_GNUC_UNUSED)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (widget);

  if (self->session == NULL)
    return;
  busy_begin (self);
  tala_session_read_async (self->session, read_inc, NULL, NULL, self->cancellable,
                           inc_done_cb, g_object_ref (self));
}

static void
add_activate_cb (TalaRegistrarPage *self)
{
  add_subject_action (GTK_WIDGET (self), NULL, NULL);
}

static void
override_activate_cb (TalaRegistrarPage *self)
{
  override_action (GTK_WIDGET (self), NULL, NULL);
}

static void
semester_activate_cb (TalaRegistrarPage *self)
{
  load_student (self);
  load_sections_action (GTK_WIDGET (self), NULL, NULL);
}

static void
view_changed_cb (TalaRegistrarPage *self)
{
  const char *view = adw_view_stack_get_visible_child_name (self->views);

  if (g_strcmp0 (view, "inc") == 0)
    load_inc_action (GTK_WIDGET (self), NULL, NULL);
  else if (g_strcmp0 (view, "grades") == 0 &&
           g_list_model_get_n_items (G_LIST_MODEL (self->sections)) == 0)
    load_sections_action (GTK_WIDGET (self), NULL, NULL);
}

/* ---- The section list ----------------------------------------------------- */

static void
section_setup_cb (GtkSignalListItemFactory *factory G_GNUC_UNUSED,
                  GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

/* The popup of the section list shows each section's subject, seats and
 * professor; the button shows the code. */
static void
section_bind_cb (GtkSignalListItemFactory *factory G_GNUC_UNUSED,
                 GtkListItem              *item,
                 TalaRegistrarPage        *self)
{
  const char *code = gtk_string_object_get_string (gtk_list_item_get_item (item));
  const char *text = g_hash_table_lookup (self->section_text, code);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text ? text : code);
}

/* ---- The roster's columns ------------------------------------------------ */

static void
grade_setup_cb (GtkSignalListItemFactory *factory G_GNUC_UNUSED,
                GtkListItem              *item)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 6);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Grade"));
  gtk_list_item_set_child (item, entry);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
grade_bind_cb (GtkSignalListItemFactory *factory G_GNUC_UNUSED,
               GtkListItem              *item)
{
  TalaGradeRow *row = gtk_list_item_get_item (item);
  GtkWidget *entry = gtk_list_item_get_child (item);
  GBinding *binding = g_object_bind_property (row, "grade", entry, "text",
                                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  gtk_widget_set_sensitive (entry, !tala_grade_row_get_locked (row));
  g_object_set_data (G_OBJECT (item), "binding", binding);
}

static void
grade_unbind_cb (GtkSignalListItemFactory *factory G_GNUC_UNUSED,
                 GtkListItem              *item)
{
  GBinding *binding = g_object_get_data (G_OBJECT (item), "binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (item), "binding", NULL);
}

/* ---- The active semester ------------------------------------------------- */

static void
active_semester_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(TalaRegistrarPage) self = user_data;
  g_autoptr(JsonNode) node = tala_session_read_finish (TALA_SESSION (object), result, NULL);
  const char *active = node ? tala_member_str (json_node_get_object (node), "semester") : NULL;
  const char *view;

  if (self->session == NULL)
    return;
  busy_end (self);
  /* Only a field nobody filled in meanwhile takes the default. */
  if (active == NULL || semester_code (self) != NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->semester), active);
  view = adw_view_stack_get_visible_child_name (self->views);
  if (g_strcmp0 (view, "grades") == 0)
    load_sections_action (GTK_WIDGET (self), NULL, NULL);
}

/* The semester field starts as the active semester.  The replica may not
 * know it before the first sync: then it is looked up again after each
 * sync while the field stays empty. */
static void
load_active_semester (TalaRegistrarPage *self)
{
  if (self->session == NULL || semester_code (self) != NULL ||
      !tala_session_get_set_up (self->session))
    return;
  busy_begin (self);
  tala_session_read_async (self->session, read_active_semester, NULL, NULL, self->cancellable,
                           active_semester_done_cb, g_object_ref (self));
}

/* ---- Public -------------------------------------------------------------- */

void
tala_registrar_page_set_session (TalaRegistrarPage *self,
                                 TalaSession       *session)
{
  g_return_if_fail (TALA_IS_REGISTRAR_PAGE (self));

  g_set_object (&self->session, session);
  g_clear_object (&self->results);
  self->results = tala_student_list_new (tala_session_get_store (session));
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->results));
  g_signal_connect_object (session, "sync-finished", G_CALLBACK (load_active_semester), self,
                           G_CONNECT_SWAPPED);
  load_active_semester (self);
}

void
tala_registrar_page_focus_search (TalaRegistrarPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search));
}

gboolean
tala_registrar_page_get_busy (TalaRegistrarPage *self)
{
  return self->busy > 0;
}

GListModel *
tala_registrar_page_get_results (TalaRegistrarPage *self)
{
  return G_LIST_MODEL (self->results);
}

void
tala_registrar_page_select_student (TalaRegistrarPage *self,
                                    const char        *student)
{
  g_return_if_fail (student != NULL);

  if (g_strcmp0 (student, self->student) != 0)
    {
      g_free (self->student);
      self->student = g_strdup (student);
      g_clear_pointer (&self->blocked, json_object_unref);
      set_explanation (self, "", FALSE);
      set_text (self->student_message, &self->message, "");
    }
  load_student (self);
}

const char *
tala_registrar_page_get_student (TalaRegistrarPage *self)
{
  return self->student;
}

const char *
tala_registrar_page_get_semester (TalaRegistrarPage *self)
{
  return semester_code (self);
}

void
tala_registrar_page_set_semester (TalaRegistrarPage *self,
                                  const char        *semester)
{
  gtk_editable_set_text (GTK_EDITABLE (self->semester), semester ? semester : "");
}

void
tala_registrar_page_show (TalaRegistrarPage *self,
                          const char        *view)
{
  adw_view_stack_set_visible_child_name (self->views, view);
}

void
tala_registrar_page_set_status_form (TalaRegistrarPage *self,
                                     const char        *status,
                                     const char        *reason)
{
  for (guint i = 0; statuses[i] != NULL; i++)
    if (g_strcmp0 (statuses[i], status) == 0)
      gtk_drop_down_set_selected (self->status_choice, i);
  gtk_editable_set_text (GTK_EDITABLE (self->status_reason), reason ? reason : "");
}

void
tala_registrar_page_set_loa_form (TalaRegistrarPage *self,
                                  const char        *start,
                                  const char        *end,
                                  const char        *reason)
{
  gtk_editable_set_text (GTK_EDITABLE (self->loa_start), start ? start : "");
  gtk_editable_set_text (GTK_EDITABLE (self->loa_end), end ? end : "");
  gtk_editable_set_text (GTK_EDITABLE (self->loa_reason), reason ? reason : "");
}

void
tala_registrar_page_set_commitment (TalaRegistrarPage *self,
                                    const char        *amount)
{
  gtk_editable_set_text (GTK_EDITABLE (self->commitment), amount ? amount : "");
}

void
tala_registrar_page_set_note_form (TalaRegistrarPage *self,
                                   const char        *period,
                                   const char        *promised_date,
                                   const char        *reason)
{
  for (guint i = 0; periods[i] != NULL; i++)
    if (g_strcmp0 (periods[i], period) == 0)
      gtk_drop_down_set_selected (self->note_period, i);
  gtk_editable_set_text (GTK_EDITABLE (self->note_date), promised_date ? promised_date : "");
  gtk_editable_set_text (GTK_EDITABLE (self->note_reason), reason ? reason : "");
}

const char *
tala_registrar_page_get_profile_text (TalaRegistrarPage *self)
{
  return self->profile_text;
}

const char *
tala_registrar_page_get_message (TalaRegistrarPage *self)
{
  return self->message;
}

GListModel *
tala_registrar_page_get_takes (TalaRegistrarPage *self)
{
  return G_LIST_MODEL (self->takes);
}

GListModel *
tala_registrar_page_get_transcript (TalaRegistrarPage *self)
{
  return G_LIST_MODEL (self->transcript);
}

const char *
tala_registrar_page_get_gpa_text (TalaRegistrarPage *self)
{
  return self->gpa_text;
}

GListModel *
tala_registrar_page_get_permits (TalaRegistrarPage *self)
{
  return G_LIST_MODEL (self->permits);
}

GListModel *
tala_registrar_page_get_notes (TalaRegistrarPage *self)
{
  return G_LIST_MODEL (self->notes);
}

GListModel *
tala_registrar_page_get_inc (TalaRegistrarPage *self)
{
  return G_LIST_MODEL (self->inc);
}

void
tala_registrar_page_set_add_form (TalaRegistrarPage *self,
                                  const char        *subject,
                                  const char        *section)
{
  gtk_editable_set_text (GTK_EDITABLE (self->add_subject), subject ? subject : "");
  gtk_editable_set_text (GTK_EDITABLE (self->add_section), section ? section : "");
}

void
tala_registrar_page_set_override_reason (TalaRegistrarPage *self,
                                         const char        *reason)
{
  gtk_editable_set_text (GTK_EDITABLE (self->override_reason), reason ? reason : "");
}

GtkSingleSelection *
tala_registrar_page_get_take_selection (TalaRegistrarPage *self)
{
  return self->takes_selection;
}

const char *
tala_registrar_page_get_explanation (TalaRegistrarPage *self)
{
  return self->explanation;
}

gboolean
tala_registrar_page_get_override_offered (TalaRegistrarPage *self)
{
  return self->blocked != NULL;
}

GListModel *
tala_registrar_page_get_sections (TalaRegistrarPage *self)
{
  return G_LIST_MODEL (self->sections);
}

const char *
tala_registrar_page_get_section_text (TalaRegistrarPage *self,
                                      const char        *section)
{
  return g_hash_table_lookup (self->section_text, section);
}

void
tala_registrar_page_set_section (TalaRegistrarPage *self,
                                 const char        *section)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sections));
  guint position = GTK_INVALID_LIST_POSITION;

  g_free (self->roster_section);
  self->roster_section = g_strdup (section);
  actions_update (self);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->sections, i), section) == 0)
      position = i;
  self->loading_sections = TRUE;
  gtk_drop_down_set_selected (self->section_choice, position);
  self->loading_sections = FALSE;
  load_roster (self);
}

GListModel *
tala_registrar_page_get_roster (TalaRegistrarPage *self)
{
  return G_LIST_MODEL (self->roster);
}

const char *
tala_registrar_page_get_grade_message (TalaRegistrarPage *self)
{
  return self->grade_text;
}

/* ---- GObject ------------------------------------------------------------- */

static void
tala_registrar_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (object);

  if (prop_id == PROP_BUSY)
    g_value_set_boolean (value, self->busy > 0);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tala_registrar_page_dispose (GObject *object)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TALA_TYPE_REGISTRAR_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->takes_selection);
  g_clear_object (&self->results);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (tala_registrar_page_parent_class)->dispose (object);
}

static void
tala_registrar_page_finalize (GObject *object)
{
  TalaRegistrarPage *self = TALA_REGISTRAR_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->takes);
  g_clear_object (&self->transcript);
  g_clear_object (&self->permits);
  g_clear_object (&self->notes);
  g_clear_object (&self->inc);
  g_clear_object (&self->sections);
  g_clear_pointer (&self->section_text, g_hash_table_unref);
  g_clear_pointer (&self->blocked, json_object_unref);
  g_ptr_array_unref (self->grade_queue);
  g_string_free (self->grade_errors, TRUE);
  g_free (self->student);
  g_free (self->profile_text);
  g_free (self->gpa_text);
  g_free (self->message);
  g_free (self->explanation);
  g_free (self->grade_text);
  g_free (self->roster_section);
  g_free (self->roster_subject);
  G_OBJECT_CLASS (tala_registrar_page_parent_class)->finalize (object);
}

static void
tala_registrar_page_class_init (TalaRegistrarPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tala_registrar_page_get_property;
  object_class->dispose = tala_registrar_page_dispose;
  object_class->finalize = tala_registrar_page_finalize;

  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TALA_TYPE_STUDENT);
  g_type_ensure (TALA_TYPE_RECORD);
  g_type_ensure (TALA_TYPE_GRADE_ROW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tala/Tala/ui/tala-registrar-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TalaRegistrarPage, name)
  BIND (search);
  BIND (results_view);
  BIND (semester);
  BIND (views);
  BIND (name_label);
  BIND (profile_label);
  BIND (student_message);
  BIND (status_choice);
  BIND (status_reason);
  BIND (loa_start);
  BIND (loa_end);
  BIND (loa_reason);
  BIND (commitment);
  BIND (load_label);
  BIND (takes_view);
  BIND (add_subject);
  BIND (add_section);
  BIND (explain_label);
  BIND (override_group);
  BIND (override_reason);
  BIND (override_button);
  BIND (gpa_label);
  BIND (transcript_view);
  BIND (permits_view);
  BIND (notes_view);
  BIND (notes_empty);
  BIND (note_period);
  BIND (note_date);
  BIND (note_reason);
  BIND (records_message);
  BIND (section_choice);
  BIND (roster_label);
  BIND (roster_view);
  BIND (grade_message);
  BIND (inc_view);
  BIND (roster);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, semester_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, override_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, grade_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, grade_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, grade_unbind_cb);
  gtk_widget_class_install_action (widget_class, "registrar.change-status", NULL,
                                   change_status_action);
  gtk_widget_class_install_action (widget_class, "registrar.start-loa", NULL, start_loa_action);
  gtk_widget_class_install_action (widget_class, "registrar.enroll-semester", NULL,
                                   enroll_semester_action);
  gtk_widget_class_install_action (widget_class, "registrar.add-subject", NULL,
                                   add_subject_action);
  gtk_widget_class_install_action (widget_class, "registrar.override", NULL, override_action);
  gtk_widget_class_install_action (widget_class, "registrar.drop-subject", NULL,
                                   drop_subject_action);
  gtk_widget_class_install_action (widget_class, "registrar.promissory", NULL,
                                   promissory_action);
  gtk_widget_class_install_action (widget_class, "registrar.load-sections", NULL,
                                   load_sections_action);
  gtk_widget_class_install_action (widget_class, "registrar.save-grades", NULL,
                                   save_grades_action);
  gtk_widget_class_install_action (widget_class, "registrar.finalize", NULL, finalize_action);
  gtk_widget_class_install_action (widget_class, "registrar.load-inc", NULL, load_inc_action);
}

static GtkSelectionModel *
no_selection (GListStore *store)
{
  return GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (store))));
}

static void
tala_registrar_page_init (TalaRegistrarPage *self)
{
  /* Translators: the statuses a registrar may set, in the order of statuses[]. */
  const char *status_labels[] = { C_("student", "Active"), C_("student", "Withdrawn"),
                                  C_("student", "Graduated"), NULL };
  /* Translators: the exam periods, in the order of periods[]. */
  const char *period_labels[] = { tala_period_words (periods[0]),
                                  tala_period_words (periods[1]),
                                  tala_period_words (periods[2]),
                                  tala_period_words (periods[3]), NULL };
  g_autoptr(GtkStringList) status_list = gtk_string_list_new (status_labels);
  g_autoptr(GtkStringList) period_list = gtk_string_list_new (period_labels);
  g_autoptr(GtkSelectionModel) model = NULL;
  g_autoptr(GtkListItemFactory) section_factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->takes = g_list_store_new (TALA_TYPE_RECORD);
  self->transcript = g_list_store_new (TALA_TYPE_RECORD);
  self->permits = g_list_store_new (TALA_TYPE_RECORD);
  self->notes = g_list_store_new (TALA_TYPE_RECORD);
  self->inc = g_list_store_new (TALA_TYPE_RECORD);
  self->sections = gtk_string_list_new (NULL);
  self->section_text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->grade_queue = g_ptr_array_new_with_free_func (g_object_unref);
  self->grade_errors = g_string_new (NULL);
  self->profile_text = g_strdup ("");
  self->gpa_text = g_strdup ("");
  self->message = g_strdup ("");
  self->explanation = g_strdup ("");
  self->grade_text = g_strdup ("");

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (self->selection));
  self->takes_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->takes)));
  gtk_single_selection_set_autoselect (self->takes_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->takes_selection, TRUE);
  gtk_list_view_set_model (self->takes_view, GTK_SELECTION_MODEL (self->takes_selection));
  model = no_selection (self->transcript);
  gtk_list_view_set_model (self->transcript_view, model);
  g_clear_object (&model);
  model = no_selection (self->permits);
  gtk_list_view_set_model (self->permits_view, model);
  g_clear_object (&model);
  model = no_selection (self->notes);
  gtk_list_view_set_model (self->notes_view, model);
  g_clear_object (&model);
  model = no_selection (self->inc);
  gtk_list_view_set_model (self->inc_view, model);
  g_clear_object (&model);

  gtk_drop_down_set_model (self->status_choice, G_LIST_MODEL (status_list));
  gtk_drop_down_set_model (self->note_period, G_LIST_MODEL (period_list));
  gtk_drop_down_set_model (self->section_choice, G_LIST_MODEL (self->sections));
  section_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (section_factory, "setup", G_CALLBACK (section_setup_cb), NULL);
  g_signal_connect (section_factory, "bind", G_CALLBACK (section_bind_cb), self);
  gtk_drop_down_set_list_factory (self->section_choice, section_factory);
  g_signal_connect_swapped (self->section_choice, "notify::selected",
                            G_CALLBACK (section_chosen_cb), self);
  g_signal_connect_swapped (self->views, "notify::visible-child-name",
                            G_CALLBACK (view_changed_cb), self);
  set_explanation (self, "", FALSE);
}
