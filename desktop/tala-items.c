/* tala-items.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The four item types share one layout: a parent GObject and an array of
 * strings, one per property, filled at construction.  The helpers below
 * install, read and fill those properties.
 */

#define G_LOG_DOMAIN "tala-items"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tala-items.h"
#include "tala-ledger.h"
#include "tala-receipt.h"

#define MAX_FIELDS 12

typedef struct
{
  GObject  parent_instance;
  char    *values[MAX_FIELDS];     /* indexed by property id - 1; owned */
} Item;

static void
item_install (GObjectClass      *klass,
              const char *const *names,
              guint              n)
{
  g_assert (n < MAX_FIELDS);
  for (guint i = 0; i < n; i++)
    g_object_class_install_property (klass, i + 1,
                                     g_param_spec_string (names[i], NULL, NULL, NULL,
                                                          G_PARAM_READABLE |
                                                          G_PARAM_STATIC_STRINGS));
}

static void
item_get_property (GObject    *object,
                   guint       prop_id,
                   GValue     *value,
                   GParamSpec *pspec)
{
  Item *self = (Item *) object;

  if (prop_id >= 1 && prop_id <= MAX_FIELDS)
    g_value_set_string (value, self->values[prop_id - 1]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
item_finalize_values (Item *self)
{
  for (guint i = 0; i < MAX_FIELDS; i++)
    g_clear_pointer (&self->values[i], g_free);
}

static const char *
str (JsonObject *object,
     const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

#define DEFINE_ITEM(TypeName, type_name)                                       \
  struct _##TypeName { Item item; };                                           \
  G_DEFINE_FINAL_TYPE (TypeName, type_name, G_TYPE_OBJECT)                     \
  static void                                                                  \
  type_name##_finalize (GObject *object)                                       \
  {                                                                            \
    item_finalize_values ((Item *) object);                                    \
    G_OBJECT_CLASS (type_name##_parent_class)->finalize (object);              \
  }                                                                            \
  static void                                                                  \
  type_name##_init (TypeName *self G_GNUC_UNUSED)                              \
  {                                                                            \
  }                                                                            \
  static void                                                                  \
  type_name##_class_init (TypeName##Class *klass)                              \
  {                                                                            \
    GObjectClass *object_class = G_OBJECT_CLASS (klass);                       \
    object_class->finalize = type_name##_finalize;                             \
    object_class->get_property = item_get_property;                            \
    item_install (object_class, type_name##_fields,                            \
                  G_N_ELEMENTS (type_name##_fields));                          \
  }

static const char *const tala_student_fields[] = { "number", "full-name", "program", "status" };
static const char *const tala_bucket_fields[] = {
  "month", "due", "paid", "remaining", "due-date", "state",
  "due-text", "paid-text", "remaining-text", "style",
};
static const char *const tala_history_entry_fields[] = {
  "id", "date", "kind", "amount", "method", "receipt", "status",
  "amount-text", "kind-text", "method-text", "status-text",
};
static const char *const tala_attention_item_fields[] = {
  "op-id", "kind", "code", "message", "advice", "summary",
};

DEFINE_ITEM (TalaStudent, tala_student)
DEFINE_ITEM (TalaBucket, tala_bucket)
DEFINE_ITEM (TalaHistoryEntry, tala_history_entry)
DEFINE_ITEM (TalaAttentionItem, tala_attention_item)

TalaStudent *
tala_student_new_from_json (JsonObject *profile)
{
  Item *self = g_object_new (TALA_TYPE_STUDENT, NULL);
  JsonObject *user = json_object_get_object_member (profile, "user");

  self->values[0] = g_strdup (str (profile, "student_id"));
  self->values[1] = g_strdup (user ? str (user, "full_name") : "");
  self->values[2] = g_strdup (str (profile, "program_code"));
  self->values[3] = g_strdup (str (profile, "status"));
  return (TalaStudent *) self;
}

const char *
tala_student_get_number (TalaStudent *self)
{
  return ((Item *) self)->values[0];
}

TalaBucket *
tala_bucket_new_from_json (JsonObject *bucket)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  return tala_bucket_new_from_json_on (bucket, today);
}

TalaBucket *
tala_bucket_new_from_json_on (JsonObject *bucket,
                              const char *today)
{
  Item *self = g_object_new (TALA_TYPE_BUCKET, NULL);
  gboolean paid = json_object_get_boolean_member_with_default (bucket, "is_paid", FALSE);
  gint64 paid_total = 0;
  gboolean overdue;

  tala_money_parse (str (bucket, "paid_total"), TALA_MONEY_NON_NEGATIVE, &paid_total, NULL);
  overdue = !paid && today != NULL && str (bucket, "due_date")[0] != '\0' &&
            strcmp (str (bucket, "due_date"), today) < 0;
  self->values[0] = g_strdup_printf ("%" G_GINT64_FORMAT,
                                     json_object_get_int_member_with_default (bucket, "month", 0));
  self->values[1] = g_strdup (str (bucket, "due"));
  self->values[2] = g_strdup (str (bucket, "paid_total"));
  self->values[3] = g_strdup (str (bucket, "remaining"));
  self->values[4] = g_strdup (str (bucket, "due_date"));
  /* Translators: the state of one month's bucket of fees. */
  if (paid)
    self->values[5] = g_strdup (C_("bucket", "Paid"));
  else if (overdue)
    self->values[5] = g_strdup (C_("bucket", "Overdue"));
  else if (paid_total > 0)
    self->values[5] = g_strdup (C_("bucket", "Partly paid"));
  else
    self->values[5] = g_strdup (C_("bucket", "Due"));
  self->values[6] = tala_format_pesos (str (bucket, "due"));
  self->values[7] = tala_format_pesos (str (bucket, "paid_total"));
  self->values[8] = tala_format_pesos (str (bucket, "remaining"));
  /* A style class of libadwaita: paid green, overdue red, part paid amber. */
  self->values[9] = g_strdup (paid ? "success" : overdue ? "error"
                              : paid_total > 0 ? "warning" : "");
  return (TalaBucket *) self;
}

const char *
tala_period_words (const char *period)
{
  if (g_strcmp0 (period, "PRELIM") == 0)
    return _("Prelim");
  if (g_strcmp0 (period, "MIDTERM") == 0)
    return _("Midterm");
  if (g_strcmp0 (period, "PREFINAL") == 0)
    return _("Pre-final");
  if (g_strcmp0 (period, "FINAL") == 0)
    return _("Final");
  return period ? period : "";
}

const char *
tala_permit_status_words (const char *status)
{
  if (g_strcmp0 (status, "LOCKED") == 0)
    return C_("permit", "Locked");
  if (g_strcmp0 (status, "UNLOCKED") == 0)
    return C_("permit", "Unlocked");
  if (g_strcmp0 (status, "USED") == 0)
    return C_("permit", "Used");
  if (g_strcmp0 (status, "EXPIRED") == 0)
    return C_("permit", "Expired");
  return status ? status : "";
}

/* The words of a history entry's type, method and status. */
static const char *
kind_words (const char *kind)
{
  if (g_strcmp0 (kind, "PAYMENT") == 0)
    return C_("history", "Payment");
  if (g_strcmp0 (kind, "VOID") == 0)
    return C_("history", "Void");
  if (g_strcmp0 (kind, "ADJUSTMENT") == 0)
    return C_("history", "Adjustment");
  if (g_strcmp0 (kind, "CARRY") == 0)
    return C_("history", "Carried credit");
  return kind;
}

const char *
tala_method_words (const char *method)
{
  static const struct { const char *code; const char *words; } names[] = {
    { "CASH", N_("Cash") }, { "CHECK", N_("Check") }, { "CREDIT_CARD", N_("Credit card") },
    { "BANK_TRANSFER", N_("Bank transfer") }, { "ONLINE", N_("Online") },
    { "GCASH", N_("GCash") }, { "MAYA", N_("Maya") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (method, names[i].code) == 0)
      return _(names[i].words);
  return method;
}

static const char *
history_status_words (const char *status)
{
  if (g_strcmp0 (status, "COMPLETED") == 0)
    return C_("history", "Completed");
  if (g_strcmp0 (status, "VOIDED") == 0)
    return C_("history", "Voided");
  return status;
}

TalaHistoryEntry *
tala_history_entry_new_from_json (JsonObject *entry)
{
  Item *self = g_object_new (TALA_TYPE_HISTORY_ENTRY, NULL);

  self->values[0] = g_strdup (str (entry, "id"));
  self->values[1] = g_strdup (str (entry, "date"));
  self->values[2] = g_strdup (str (entry, "type"));
  self->values[3] = g_strdup (str (entry, "amount"));
  self->values[4] = g_strdup (str (entry, "method"));
  self->values[5] = g_strdup (str (entry, "receipt_no"));
  self->values[6] = g_strdup (str (entry, "status"));
  self->values[7] = tala_format_pesos (str (entry, "amount"));
  self->values[8] = g_strdup (kind_words (str (entry, "type")));
  self->values[9] = g_strdup (tala_method_words (str (entry, "method")));
  self->values[10] = g_strdup (history_status_words (str (entry, "status")));
  return (TalaHistoryEntry *) self;
}

/* What the user should do about a rejection, by its code. */
static const char *
advice_for (const char *code)
{
  if (g_strcmp0 (code, "deferred") == 0)
    return _("The hub is still waiting for something this depends on. Dismiss it to cancel it.");
  if (g_strcmp0 (code, "duplicate_reference") == 0 ||
      g_strcmp0 (code, "duplicate_receipt_no") == 0)
    return _("Another payment already holds this number. Check the receipt and record it again.");
  if (g_strcmp0 (code, "forbidden") == 0)
    return _("Your role may not do this. Ask an administrator.");
  /* The registrar's ops: what changed on the hub while this terminal was
   * offline, and what to do about it. */
  if (g_strcmp0 (code, "already_enrolled") == 0)
    return _("The student already takes this subject on the hub (someone else added it). "
             "Check the student's subjects; nothing else is needed.");
  if (g_strcmp0 (code, "section_full") == 0)
    return _("The section filled up on the hub. Add the student to another section, or add "
             "them again with a capacity override and a reason.");
  if (g_strcmp0 (code, "schedule_conflict") == 0)
    return _("The class now clashes with another of the student's classes. Choose another "
             "section, or add it again with a schedule override and a reason.");
  if (g_strcmp0 (code, "prerequisite_not_met") == 0)
    return _("The student no longer meets a prerequisite (a grade or a prerequisite changed "
             "on the hub). Check the transcript before adding the subject again.");
  if (g_strcmp0 (code, "unit_cap_exceeded") == 0)
    return _("The student would carry more than the unit limit. Drop another subject first, "
             "then add this one again.");
  if (g_strcmp0 (code, "month1_unpaid") == 0)
    return _("Month 1 is not fully paid on the hub. Ask the student to pay month 1, then add "
             "the subject again.");
  if (g_strcmp0 (code, "no_enrollment") == 0)
    return _("The student has no enrollment in that semester. Create the semester enrollment, "
             "then redo this.");
  if (g_strcmp0 (code, "enrollment_exists") == 0)
    return _("The student is already enrolled in that semester. Nothing more is needed.");
  if (g_strcmp0 (code, "student_not_active") == 0)
    return _("The student is withdrawn, graduated or on leave on the hub. Check the status, "
             "then redo this if still needed.");
  if (g_strcmp0 (code, "already_passed") == 0 || g_strcmp0 (code, "already_credited") == 0)
    return _("The student already has credit for this subject. Nothing more is needed.");
  if (g_strcmp0 (code, "not_enrolled") == 0 || g_strcmp0 (code, "already_dropped") == 0)
    return _("The subject was already dropped or never taken. Nothing more is needed.");
  if (g_strcmp0 (code, "grade_finalized") == 0)
    return _("The grade was finalized on the hub first. Use a grade override with a reason "
             "if it must change.");
  if (g_strcmp0 (code, "loa_overlap") == 0 || g_strcmp0 (code, "loa_closed") == 0)
    return _("The leave overlaps or was closed on the hub. Check the student's leaves and "
             "record it again if needed.");
  if (g_strcmp0 (code, "permit_already_unlocked") == 0)
    return _("The exam permit was already unlocked. No promissory note is needed.");
  if (g_strcmp0 (code, "semester_ended") == 0)
    return _("The semester has ended; this can no longer be done.");
  return _("The hub refused this. Check the student's record, then redo it if still needed.");
}

/* What the op was, in words, from its args: "GCash payment of ₱1,500.00
 * for 2025-00001, receipt C01-000004 · recorded 2026-11-26 10:02". */
static char *
attention_summary (JsonObject *item)
{
  JsonObject *op = json_object_get_object_member (item, "op");
  JsonObject *args = op && json_object_has_member (op, "args") &&
                     JSON_NODE_HOLDS_OBJECT (json_object_get_member (op, "args"))
                     ? json_object_get_object_member (op, "args") : NULL;
  const char *at = str (item, "at");
  const char *recorded = op ? str (op, "recorded_at") : "";
  g_autofree char *when = NULL;
  g_autofree char *what = NULL;
  const char *student, *kind;

  /* "2026-11-26T02:02:33Z" → "2026-11-26 10:02", in this computer's time */
  if (recorded[0] == '\0')
    recorded = at;
  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (recorded, NULL);
    g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

    if (local != NULL)
      when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  }
  if (args == NULL)
    return g_strdup (when ? when : "");
  student = str (args, "student");
  kind = str (op, "kind");
  if (g_strcmp0 (kind, "payment.record") == 0)
    {
      g_autofree char *amount = tala_format_pesos (str (args, "amount"));

      /* Translators: "GCash payment of ₱1,500.00 for 2025-00001, receipt C01-000004". */
      what = g_strdup_printf (_("%s payment of %s for %s, receipt %s"),
                              tala_method_words (str (args, "method")), amount, student,
                              str (args, "receipt_no"));
    }
  else if (g_strcmp0 (kind, "subject.enroll") == 0 || g_strcmp0 (kind, "subject.drop") == 0)
    /* Translators: "CS102 for 2025-00001 in 2025-FIRST". */
    what = g_strdup_printf (_("%s for %s in %s"), str (args, "subject"), student,
                            str (args, "semester"));
  else if (student[0] != '\0')
    /* Translators: the student an op was about. */
    what = g_strdup_printf (_("Student %s"), student);
  if (what == NULL)
    return g_strdup (when ? when : "");
  if (when == NULL)
    return g_steal_pointer (&what);
  /* Translators: "<what the op was> · recorded 2026-11-26 10:02". */
  return g_strdup_printf (_("%s · recorded %s"), what, when);
}

TalaAttentionItem *
tala_attention_item_new_from_json (JsonObject *item)
{
  Item *self = g_object_new (TALA_TYPE_ATTENTION_ITEM, NULL);

  self->values[0] = g_strdup (str (item, "op_id"));
  self->values[1] = g_strdup (str (item, "kind"));
  self->values[2] = g_strdup (str (item, "code"));
  self->values[3] = g_strdup (str (item, "message"));
  self->values[4] = g_strdup (advice_for (self->values[2]));
  self->values[5] = attention_summary (item);
  return (TalaAttentionItem *) self;
}

const char *
tala_attention_item_get_op_id (TalaAttentionItem *self)
{
  return ((Item *) self)->values[0];
}

const char *
tala_attention_item_get_code (TalaAttentionItem *self)
{
  return ((Item *) self)->values[2];
}

/* ---- Reading JSON answers ------------------------------------------------ */

/* A member of @object of the given type, or NULL (0); @object may be NULL. */
const char *
tala_member_str (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
tala_member_obj (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
tala_member_arr (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

gint64
tala_member_int (JsonObject *object,
                 const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}
