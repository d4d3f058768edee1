/* ledger-catalog.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Catalog, user and configuration ops (ops.md §2.5): each `put` creates or
 * replaces a whole entity and answers which fields changed.  Also the shared
 * look-ups of configuration, semesters and students.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

/* ---- Configuration ------------------------------------------------------- */

typedef struct
{
  const char *key;
  char        type;      /* i: int, b: bool, s: scale, o: UTC offset, n: a name */
  gint64      min, max;
  const char *def;       /* canonical JSON */
} ConfigKey;

static const ConfigKey config_keys[] = {
  { "archive_after_days",      'i', 30, 36500, "730" },
  { "enrollment_link_enabled", 'b', 0, 0,      "true" },
  { "grade_scale",             's', 0, 0,      "\"PH\"" },
  { "inc_expiry_major_days",   'i', 1, 3650,   "180" },
  { "inc_expiry_minor_days",   'i', 1, 3650,   "365" },
  { "inc_warning_days",        'i', 0, 365,    "30" },
  /* Printed at the head of receipts and reports; "" prints none. */
  { "institution_name",        'n', 0, 120,    "\"\"" },
  { "max_units_per_semester",  'i', 1, 60,     "30" },
  { "utc_offset",              'o', 0, 0,      "\"+08:00\"" },
};

static const ConfigKey *
config_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    if (strcmp (config_keys[i].key, key) == 0)
      return &config_keys[i];
  return NULL;
}

/* The type of @key's values (i integer, b boolean, s scale, o UTC offset,
 * n name: the last three are strings), or '\0' for no such key. */
char
_tala_config_key_type (const char *key)
{
  const ConfigKey *k = config_key (key);

  return k != NULL ? k->type : '\0';
}

/* The canonical JSON text of a key's value (stored or default). */
static char *
config_json (TalaLedger *self,
             const char *key,
             GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  const ConfigKey *k = config_key (key);
  int rc;

  g_assert (k != NULL);
  stmt = tala_db_query (self, error, "SELECT value FROM config WHERE key = :k",
                        ":k", DB_TEXT, key, NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return NULL;
  return g_strdup (rc == SQLITE_ROW ? tala_stmt_text (stmt, 0) : k->def);
}

gboolean
tala_config_int (TalaLedger *self,
                 const char *key,
                 gint64     *value,
                 GError    **error)
{
  g_autofree char *json = config_json (self, key, error);

  if (json == NULL)
    return FALSE;
  *value = g_ascii_strtoll (json, NULL, 10);
  return TRUE;
}

gboolean
tala_config_bool (TalaLedger *self,
                  const char *key,
                  gboolean   *value,
                  GError    **error)
{
  g_autofree char *json = config_json (self, key, error);

  if (json == NULL)
    return FALSE;
  *value = strcmp (json, "true") == 0;
  return TRUE;
}

/* A string-valued key without its quotes.  Allocates. */
char *
tala_config_str (TalaLedger *self,
                 const char *key,
                 GError    **error)
{
  g_autofree char *json = config_json (self, key, error);

  if (json == NULL)
    return NULL;
  return g_strndup (json + 1, strlen (json) - 2);
}

/* A name to print: valid UTF-8, at most @max characters, no control
 * characters; "" clears it. */
static gboolean
valid_name (const char *s,
            gint64      max)
{
  if (s == NULL || !g_utf8_validate (s, -1, NULL) || g_utf8_strlen (s, -1) > max)
    return FALSE;
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static gboolean
valid_offset (const char *s)
{
  return strlen (s) == 6 && (s[0] == '+' || s[0] == '-') && g_ascii_isdigit (s[1]) &&
         g_ascii_isdigit (s[2]) && s[3] == ':' && g_ascii_isdigit (s[4]) &&
         g_ascii_isdigit (s[5]) && (s[1] - '0') * 10 + (s[2] - '0') <= 14 && s[4] <= '5';
}

const TalaArgSpec _tala_args_config_set[] = {
  { "key", ARG_TEXT, TRUE, .max = 100 },
  { "value", ARG_ANY, TRUE },
  { NULL }
};

gboolean
_tala_kind_config_set (TalaCtx *ctx,
                       GError **error)
{
  const char *key = arg_str (ctx, "key");
  const ConfigKey *k = config_key (key);
  JsonNode *value = json_object_get_member (ctx->args, "value");
  GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_NONE;
  g_autofree char *previous = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *before, *after;
  gboolean ok;

  if (k == NULL)
    return tala_reject (ctx, error, "unknown_config_key", details_field ("key"),
                        "unknown configuration key %s", key);
  switch (k->type)
    {
    case 'i':
      ok = type == G_TYPE_INT64 && json_node_get_int (value) >= k->min &&
           json_node_get_int (value) <= k->max;
      break;
    case 'b':
      ok = type == G_TYPE_BOOLEAN;
      break;
    case 's':
      ok = type == G_TYPE_STRING && (g_strcmp0 (json_node_get_string (value), "PH") == 0 ||
                                     g_strcmp0 (json_node_get_string (value), "LETTER") == 0);
      break;
    case 'n':
      ok = type == G_TYPE_STRING && valid_name (json_node_get_string (value), k->max);
      break;
    default:
      ok = type == G_TYPE_STRING && valid_offset (json_node_get_string (value));
    }
  if (!ok)
    return tala_reject (ctx, error, "invalid_config_value", details_field ("value"),
                        "not a valid value for %s", key);

  previous = config_json (ctx->ledger, key, error);
  if (previous == NULL)
    return FALSE;
  json = tala_json_canonical (value);
  if (k->type == 's' && strcmp (json, previous) != 0)
    {
      gint64 graded;

      if (!tala_db_int (ctx->ledger, &graded, NULL, error,
                        "SELECT count(*) FROM take WHERE grade IS NOT NULL", NULL))
        return FALSE;
      if (graded > 0)
        return tala_reject (ctx, error, "scale_in_use", NULL,
                            "the grade scale cannot change once grades exist");
    }
  if (!tala_db_exec (ctx->ledger, error,
                     "INSERT INTO config (key, value, hub_seq) VALUES (:k, :v, :seq)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                     " hub_seq = excluded.hub_seq",
                     ":k", DB_TEXT, key, ":v", DB_TEXT, json, ":seq", DB_INT, ctx->hub_seq, NULL))
    return FALSE;

  if (!json_parser_load_from_data (parser, previous, -1, error))
    return FALSE;
  json_object_set_string_member (ctx->result, "key", key);
  json_object_set_member (ctx->result, "value", json_node_copy (value));
  json_object_set_member (ctx->result, "previous", json_node_copy (json_parser_get_root (parser)));

  before = json_object_new ();
  json_object_set_member (before, "value", json_node_copy (json_parser_get_root (parser)));
  after = json_object_new ();
  json_object_set_member (after, "value", json_node_copy (value));
  return tala_audit (ctx, "CONFIG_CHANGED", "Config", key, before, after, error);
}

/* ---- Put helpers: "changed" lists ---------------------------------------- */

/* Compares the current text of a column with the new value; appends @name
 * to @changed when they differ. */
static void
diff_text (JsonArray  *changed,
           const char *name,
           const char *old_value,
           const char *new_value)
{
  if (g_strcmp0 (old_value, new_value) != 0)
    json_array_add_string_element (changed, name);
}

static void
diff_int (JsonArray  *changed,
          const char *name,
          gint64      old_value,
          gint64      new_value)
{
  if (old_value != new_value)
    json_array_add_string_element (changed, name);
}

static void
put_result (TalaCtx    *ctx,
            const char *key_name,
            const char *key,
            gboolean    created,
            JsonArray  *changed)
{
  json_object_set_string_member (ctx->result, key_name, key);
  json_object_set_boolean_member (ctx->result, "created", created);
  json_object_set_array_member (ctx->result, "changed", changed);
}

static JsonObject *
changed_after (JsonArray *changed)
{
  JsonObject *after = json_object_new ();

  json_object_set_array_member (after, "changed", json_array_ref (changed));
  return after;
}

/* ---- user.put ------------------------------------------------------------ */

static const char * const staff_roles[] = {
  "PROFESSOR", "CASHIER", "REGISTRAR", "HEAD_REGISTRAR", "ADMISSION_STAFF", "ADMIN", NULL
};

const TalaArgSpec _tala_args_user_put[] = {
  { "username", ARG_USERNAME, TRUE },
  { "role", ARG_ENUM, TRUE, .choices = staff_roles, .bad_code = "invalid_role" },
  { "first_name", ARG_TEXT, TRUE, .max = 150 },
  { "last_name", ARG_TEXT, TRUE, .max = 150 },
  { "email", ARG_TEXT, FALSE, .max = 254 },
  { "phone_number", ARG_TEXT, FALSE, .max = 20 },
  { "is_active", ARG_BOOL, FALSE },
  { NULL }
};

gboolean
_tala_kind_user_put (TalaCtx *ctx,
                     GError **error)
{
  const char *username = arg_str (ctx, "username");
  const char *role = arg_str (ctx, "role");
  const char *first = arg_str (ctx, "first_name");
  const char *last = arg_str (ctx, "last_name");
  const char *email = arg_str (ctx, "email");
  const char *phone = arg_str (ctx, "phone_number");
  gboolean active = arg_bool (ctx, "is_active", TRUE);
  g_autoptr(TalaStmt) stmt = NULL;
  JsonArray *changed = json_array_new ();
  gboolean created, was_admin = FALSE;
  gint64 admins;
  int rc;

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT role, first_name, last_name, email, phone_number, is_active"
                        " FROM user WHERE username = :u", ":u", DB_TEXT, username, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    goto fail;
  created = rc != SQLITE_ROW;
  if (!created)
    {
      if (strcmp (tala_stmt_text (stmt, 0), "STUDENT") == 0)
        {
          json_array_unref (changed);
          return tala_reject (ctx, error, "invalid_role", details_field ("username"),
                              "%s belongs to a student", username);
        }
      was_admin = strcmp (tala_stmt_text (stmt, 0), "ADMIN") == 0 && tala_stmt_int (stmt, 5);
      diff_text (changed, "email", tala_stmt_text (stmt, 3), email);
      diff_text (changed, "first_name", tala_stmt_text (stmt, 1), first);
      diff_int (changed, "is_active", tala_stmt_int (stmt, 5), active);
      diff_text (changed, "last_name", tala_stmt_text (stmt, 2), last);
      diff_text (changed, "phone_number", tala_stmt_text (stmt, 4), phone);
      diff_text (changed, "role", tala_stmt_text (stmt, 0), role);
    }
  g_clear_pointer (&stmt, tala_stmt_release);

  if (!tala_db_exec (ctx->ledger, error,
                     "INSERT INTO user (username, role, first_name, last_name, email,"
                     " phone_number, is_active, hub_seq)"
                     " VALUES (:u, :role, :first, :last, :email, :phone, :active, :seq)"
                     " ON CONFLICT (username) DO UPDATE SET role = excluded.role,"
                     " first_name = excluded.first_name, last_name = excluded.last_name,"
                     " email = excluded.email, phone_number = excluded.phone_number,"
                     " is_active = excluded.is_active, hub_seq = excluded.hub_seq",
                     ":u", DB_TEXT, username, ":role", DB_TEXT, role, ":first", DB_TEXT, first,
                     ":last", DB_TEXT, last, ":email", DB_TEXT, email, ":phone", DB_TEXT, phone,
                     ":active", DB_INT, (gint64) active, ":seq", DB_INT, ctx->hub_seq, NULL))
    goto fail;
  if (!tala_db_int (ctx->ledger, &admins, NULL, error,
                    "SELECT count(*) FROM user WHERE role = 'ADMIN' AND is_active", NULL))
    goto fail;
  if (admins == 0 && was_admin)
    {
      json_array_unref (changed);
      return tala_reject (ctx, error, "last_admin", NULL, "no active ADMIN would remain");
    }

  put_result (ctx, "username", username, created, json_array_ref (changed));
  {
    JsonObject *after = changed_after (changed);

    json_object_set_string_member (after, "role", role);
    json_array_unref (changed);
    return tala_audit (ctx, created ? "USER_CREATED" : "USER_UPDATED", "User", username,
                       NULL, after, error);
  }

fail:
  json_array_unref (changed);
  return FALSE;
}

/* ---- catalog.program.put ------------------------------------------------- */

const TalaArgSpec _tala_args_program_put[] = {
  { "code", ARG_CODE, TRUE },
  { "name", ARG_TEXT, TRUE, .max = 255 },
  { "description", ARG_NOTE, FALSE, .max = 2000 },
  { "duration_years", ARG_INT, FALSE, 1, 8 },
  { "total_units_required", ARG_INT, FALSE, 1, 400 },
  { "is_active", ARG_BOOL, FALSE },
  { NULL }
};

gboolean
_tala_kind_program_put (TalaCtx *ctx,
                        GError **error)
{
  const char *code = arg_str (ctx, "code");
  const char *name = arg_str (ctx, "name");
  const char *description = arg_str (ctx, "description");
  gint64 years = arg_int (ctx, "duration_years", 4);
  gint64 units = arg_int (ctx, "total_units_required", 120);
  gboolean active = arg_bool (ctx, "is_active", TRUE);
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonArray) changed = json_array_new ();
  gboolean created, taken;
  gint64 other;
  int rc;

  if (!tala_db_int (ctx->ledger, &other, &taken, error,
                    "SELECT id FROM program WHERE name = :n AND code <> :c",
                    ":n", DB_TEXT, name, ":c", DB_TEXT, code, NULL))
    return FALSE;
  if (taken)
    return tala_reject (ctx, error, "duplicate_name", NULL,
                        "another program is named %s", name);
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT name, description, duration_years, total_units_required,"
                        " is_active FROM program WHERE code = :c", ":c", DB_TEXT, code, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  created = rc != SQLITE_ROW;
  if (!created)
    {
      diff_text (changed, "description", tala_stmt_text (stmt, 1), description);
      diff_int (changed, "duration_years", tala_stmt_int (stmt, 2), years);
      diff_int (changed, "is_active", tala_stmt_int (stmt, 4), active);
      diff_text (changed, "name", tala_stmt_text (stmt, 0), name);
      diff_int (changed, "total_units_required", tala_stmt_int (stmt, 3), units);
    }
  g_clear_pointer (&stmt, tala_stmt_release);
  if (!tala_db_exec (ctx->ledger, error,
                     "INSERT INTO program (code, name, description, duration_years,"
                     " total_units_required, is_active, hub_seq)"
                     " VALUES (:c, :n, :d, :y, :u, :a, :seq)"
                     " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                     " description = excluded.description,"
                     " duration_years = excluded.duration_years,"
                     " total_units_required = excluded.total_units_required,"
                     " is_active = excluded.is_active, hub_seq = excluded.hub_seq",
                     ":c", DB_TEXT, code, ":n", DB_TEXT, name, ":d", DB_TEXT, description,
                     ":y", DB_INT, years, ":u", DB_INT, units, ":a", DB_INT, (gint64) active,
                     ":seq", DB_INT, ctx->hub_seq, NULL))
    return FALSE;
  put_result (ctx, "code", code, created, json_array_ref (changed));
  return tala_audit (ctx, "CATALOG_CHANGED", "Program", code, NULL, changed_after (changed),
                     error);
}

/* ---- catalog.subject.put ------------------------------------------------- */

static const char * const subject_types[] = { "MAJOR", "MINOR", "ELECTIVE", NULL };

const TalaArgSpec _tala_args_subject_put[] = {
  { "code", ARG_CODE, TRUE },
  { "name", ARG_TEXT, TRUE, .max = 255 },
  { "description", ARG_NOTE, FALSE, .max = 2000 },
  { "units", ARG_INT, TRUE, 1, 30 },
  { "subject_type", ARG_ENUM, FALSE, .choices = subject_types },
  { "program", ARG_CODE, TRUE },
  { "prerequisites", ARG_ARRAY, FALSE, ARG_CODE, 50 },
  { "is_active", ARG_BOOL, FALSE },
  { "year_level", ARG_INT, FALSE, 1, 8 },
  { NULL }
};

static gboolean
id_of (TalaLedger *self,
       const char *sql,
       const char *key,
       gint64     *id,
       GError    **error)
{
  gboolean found;

  if (!tala_db_int (self, id, &found, error, sql, ":k", DB_TEXT, key, NULL))
    return FALSE;
  if (!found)
    *id = 0;
  return TRUE;
}

gboolean
_tala_program_find (TalaLedger *self,
                    const char *code,
                    gint64     *id,
                    GError    **error)
{
  return id_of (self, "SELECT id FROM program WHERE code = :k", code, id, error);
}

gboolean
_tala_subject_find (TalaLedger *self,
                    const char *code,
                    gint64     *id,
                    GError    **error)
{
  return id_of (self, "SELECT id FROM subject WHERE code = :k", code, id, error);
}

gboolean
tala_semester_find (TalaLedger *self,
                    const char *code,
                    gint64     *id,
                    GError    **error)
{
  return id_of (self, "SELECT id FROM semester WHERE code = :k", code, id, error);
}

gboolean
tala_active_semester (TalaLedger *self,
                      gint64     *id,
                      GError    **error)
{
  gboolean found;

  if (!tala_db_int (self, id, &found, error, "SELECT id FROM semester WHERE is_active", NULL))
    return FALSE;
  if (!found)
    *id = 0;
  return TRUE;
}

static char *
prerequisite_list (TalaLedger *self,
                   gint64      subject_id,
                   GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT s.code FROM subject_prerequisite p"
                        " JOIN subject s ON s.id = p.prerequisite_id"
                        " WHERE p.subject_id = :id ORDER BY s.code",
                        ":id", DB_INT, subject_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    g_string_append_printf (out, "%s,", tala_stmt_text (stmt, 0));
  if (rc < 0)
    return NULL;
  return g_strdup (out->str);
}

/* Would @subject_id requiring @prereq_id close a cycle? */
static gboolean
reaches (TalaLedger *self,
         gint64      prereq_id,
         gint64      subject_id,
         gboolean   *cycle,
         GError    **error)
{
  gint64 hit;

  if (!tala_db_int (self, &hit, cycle, error,
                    "WITH RECURSIVE r (id) AS (SELECT :p UNION"
                    " SELECT sp.prerequisite_id FROM subject_prerequisite sp"
                    " JOIN r ON sp.subject_id = r.id)"
                    " SELECT id FROM r WHERE id = :s",
                    ":p", DB_INT, prereq_id, ":s", DB_INT, subject_id, NULL))
    return FALSE;
  return TRUE;
}

gboolean
_tala_kind_subject_put (TalaCtx *ctx,
                        GError **error)
{
  TalaLedger *self = ctx->ledger;
  const char *code = arg_str (ctx, "code");
  const char *name = arg_str (ctx, "name");
  const char *description = arg_str (ctx, "description");
  const char *type = arg_str (ctx, "subject_type") ? arg_str (ctx, "subject_type") : "MAJOR";
  gint64 units = arg_int (ctx, "units", 0);
  gint64 year_level = arg_int (ctx, "year_level", 0);
  gboolean active = arg_bool (ctx, "is_active", TRUE);
  JsonNode *prereq_node = json_object_get_member (ctx->args, "prerequisites");
  JsonArray *prereqs = prereq_node && JSON_NODE_HOLDS_ARRAY (prereq_node)
    ? json_node_get_array (prereq_node) : NULL;
  g_autoptr(GArray) prereq_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonArray) changed = json_array_new ();
  g_autoptr(GString) new_list = g_string_new (NULL);
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *old_list = NULL;
  gint64 program_id, subject_id = 0;
  gboolean created;
  int rc;

  for (guint i = 0; prereqs && i + 1 < json_array_get_length (prereqs); i++)
    if (strcmp (json_array_get_string_element (prereqs, i),
                json_array_get_string_element (prereqs, i + 1)) >= 0)
      return tala_reject (ctx, error, "invalid_args", details_field ("prerequisites"),
                          "prerequisites must be ascending without repeats");
  if (!_tala_program_find (self, arg_str (ctx, "program"), &program_id, error))
    return FALSE;
  if (program_id == 0)
    return tala_reject (ctx, error, "unknown_program", NULL,
                        "no program %s", arg_str (ctx, "program"));
  if (!_tala_subject_find (self, code, &subject_id, error))
    return FALSE;
  for (guint i = 0; prereqs && i < json_array_get_length (prereqs); i++)
    {
      const char *p = json_array_get_string_element (prereqs, i);
      gint64 id;
      gboolean cycle = FALSE;

      if (strcmp (p, code) == 0)
        return tala_reject (ctx, error, "prerequisite_cycle", NULL,
                            "%s cannot require itself", code);
      if (!_tala_subject_find (self, p, &id, error))
        return FALSE;
      if (id == 0)
        return tala_reject (ctx, error, "unknown_subject", NULL,
                            "no subject %s", p);
      if (subject_id != 0 && !reaches (self, id, subject_id, &cycle, error))
        return FALSE;
      if (cycle)
        return tala_reject (ctx, error, "prerequisite_cycle", NULL,
                            "%s already requires %s through its prerequisites", p, code);
      g_array_append_val (prereq_ids, id);
      g_string_append_printf (new_list, "%s,", p);
    }

  created = subject_id == 0;
  if (!created)
    {
      stmt = tala_db_query (self, error,
                            "SELECT s.name, s.description, s.units, s.subject_type, p.code,"
                            " s.is_active, s.year_level FROM subject s"
                            " JOIN program p ON p.id = s.program_id WHERE s.id = :id",
                            ":id", DB_INT, subject_id, NULL);
      if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) != SQLITE_ROW)
        return FALSE;
      old_list = prerequisite_list (self, subject_id, error);
      if (old_list == NULL)
        return FALSE;
      diff_text (changed, "description", tala_stmt_text (stmt, 1), description);
      diff_int (changed, "is_active", tala_stmt_int (stmt, 5), active);
      diff_text (changed, "name", tala_stmt_text (stmt, 0), name);
      diff_text (changed, "prerequisites", old_list, new_list->str);
      diff_text (changed, "program", tala_stmt_text (stmt, 4), arg_str (ctx, "program"));
      diff_text (changed, "subject_type", tala_stmt_text (stmt, 3), type);
      diff_int (changed, "units", tala_stmt_int (stmt, 2), units);
      diff_int (changed, "year_level", tala_stmt_int (stmt, 6), year_level);
      g_clear_pointer (&stmt, tala_stmt_release);
    }

  if (!tala_db_exec (self, error,
                     "INSERT INTO subject (code, name, description, units, subject_type,"
                     " program_id, is_active, year_level, hub_seq)"
                     " VALUES (:c, :n, :d, :u, :t, :p, :a, :y, :seq)"
                     " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                     " description = excluded.description, units = excluded.units,"
                     " subject_type = excluded.subject_type, program_id = excluded.program_id,"
                     " is_active = excluded.is_active, year_level = excluded.year_level,"
                     " hub_seq = excluded.hub_seq",
                     ":c", DB_TEXT, code, ":n", DB_TEXT, name, ":d", DB_TEXT, description,
                     ":u", DB_INT, units, ":t", DB_TEXT, type, ":p", DB_INT, program_id,
                     ":a", DB_INT, (gint64) active,
                     ":y", year_level ? DB_INT : DB_NULL, year_level,
                     ":seq", DB_INT, ctx->hub_seq, NULL) ||
      !_tala_subject_find (self, code, &subject_id, error) ||
      !tala_db_exec (self, error, "DELETE FROM subject_prerequisite WHERE subject_id = :s",
                     ":s", DB_INT, subject_id, NULL))
    return FALSE;
  for (guint i = 0; i < prereq_ids->len; i++)
    if (!tala_db_exec (self, error,
                       "INSERT INTO subject_prerequisite (subject_id, prerequisite_id, hub_seq)"
                       " VALUES (:s, :p, :seq)",
                       ":s", DB_INT, subject_id, ":p", DB_INT, g_array_index (prereq_ids, gint64, i),
                       ":seq", DB_INT, ctx->hub_seq, NULL))
      return FALSE;
  put_result (ctx, "code", code, created, json_array_ref (changed));
  return tala_audit (ctx, "CATALOG_CHANGED", "Subject", code, NULL, changed_after (changed),
                     error);
}
