/* ledger-args.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Step 3 of ops.md §1.4: an op's args against its kind's spec.  Types,
 * formats, ranges, required and unknown members, checked in spec order so
 * that the first failure is the one the contract lists first.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* text(n): 1..n code points of valid UTF-8, no control characters (LF only
 * where @lf), no leading or trailing white space. */
static gboolean
valid_text (const char *s,
            gint64      max,
            gboolean    lf)
{
  glong len;

  if (!g_utf8_validate (s, -1, NULL) || *s == '\0')
    return FALSE;
  len = g_utf8_strlen (s, -1);
  if (max > 0 && len > max)
    return FALSE;
  if (g_unichar_isspace (g_utf8_get_char (s)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (s + strlen (s)))))
    return FALSE;
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && !(lf && c == '\n')) || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

static gboolean
valid_code (const char *s)
{
  gsize len = strlen (s);

  if (len < 1 || len > 50 || !(g_ascii_isupper (s[0]) || g_ascii_isdigit (s[0])))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isupper (s[i]) && !g_ascii_isdigit (s[i]) && !strchr ("._-", s[i]))
      return FALSE;
  return TRUE;
}

gboolean
_tala_valid_semester_code (const char *s)
{
  int year = 0;

  if (strlen (s) < 10)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      year = year * 10 + (s[i] - '0');
    }
  return year >= 2000 && s[4] == '-' &&
         (strcmp (s + 5, "FIRST") == 0 || strcmp (s + 5, "SECOND") == 0 ||
          strcmp (s + 5, "SUMMER") == 0);
}

static gboolean
valid_number (const char *s)
{
  gsize len = strlen (s);

  if (len < 1 || len > 20)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (s[i] <= 0x20 || s[i] >= 0x7f)
      return FALSE;
  return TRUE;
}

static gboolean
valid_username (const char *s)
{
  gsize len = strlen (s);

  if (len < 1 || len > 150)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && !strchr ("@.+_-", s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
bad (TalaCtx           *ctx,
     GError           **error,
     const TalaArgSpec *spec,
     const char        *field,
     const char        *why)
{
  const char *code = spec->bad_code ? spec->bad_code : "invalid_args";

  if (spec->type == ARG_MONEY)
    code = "invalid_amount";
  return tala_reject (ctx, error, code, details_field (field), "%s: %s", field, why);
}

static gboolean
check_value (TalaCtx           *ctx,
             const TalaArgSpec *spec,
             JsonNode          *node,
             const char        *field,
             GError           **error)
{
  const char *s = is_string (node) ? json_node_get_string (node) : NULL;
  gint64 i64;
  int minutes;

  switch (spec->type)
    {
    case ARG_TEXT:
    case ARG_NOTE:
      if (s == NULL || !valid_text (s, spec->max, spec->type == ARG_NOTE))
        return bad (ctx, error, spec, field, "must be text without surrounding blanks");
      return TRUE;

    case ARG_REASON:
      if (s == NULL || !valid_text (s, 500, TRUE))
        return tala_reject (ctx, error, "reason_required", details_field (field),
                            "%s must be a non-blank text of at most 500 characters", field);
      return TRUE;

    case ARG_CODE:
      if (s == NULL || !valid_code (s))
        return bad (ctx, error, spec, field, "must be a code such as CS101");
      return TRUE;

    case ARG_SEM:
      if (s == NULL || !_tala_valid_semester_code (s))
        return bad (ctx, error, spec, field, "must be a semester such as 2026-FIRST");
      return TRUE;

    case ARG_NUM:
      if (s == NULL || !valid_number (s))
        return bad (ctx, error, spec, field, "must be a student number");
      return TRUE;

    case ARG_USERNAME:
      if (s == NULL || !valid_username (s))
        return bad (ctx, error, spec, field, "must be a username");
      return TRUE;

    case ARG_DATE:
      if (s == NULL || !tala_date_parse (s, &i64))
        return bad (ctx, error, spec, field, "must be a date YYYY-MM-DD");
      return TRUE;

    case ARG_TIME:
      if (s == NULL || !tala_time_parse (s, &minutes))
        return bad (ctx, error, spec, field, "must be a time HH:MM");
      return TRUE;

    case ARG_UUID:
      if (s == NULL || !_tala_valid_uuid (s))
        return bad (ctx, error, spec, field, "must be a lower-case UUID");
      return TRUE;

    case ARG_INT:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < spec->min || json_node_get_int (node) > spec->max)
        {
          g_autofree char *why = g_strdup_printf ("must be an integer from %" G_GINT64_FORMAT
                                                  " to %" G_GINT64_FORMAT, spec->min, spec->max);
          return bad (ctx, error, spec, field, why);
        }
      return TRUE;

    case ARG_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return bad (ctx, error, spec, field, "must be true or false");
      return TRUE;

    case ARG_MONEY:
      {
        g_autoptr(GError) money_error = NULL;

        if (s == NULL)
          return bad (ctx, error, spec, field, "must be an amount string such as \"2500.00\"");
        if (!tala_money_parse (s, (TalaMoneyKind) spec->min, &i64, &money_error))
          return bad (ctx, error, spec, field, money_error->message);
        return TRUE;
      }

    case ARG_ENUM:
      if (s == NULL || !g_strv_contains ((const char * const *) spec->choices, s))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) spec->choices);
          g_autofree char *why = g_strdup_printf ("must be one of %s", list);

          return bad (ctx, error, spec, field, why);
        }
      return TRUE;

    case ARG_OBJECT:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad (ctx, error, spec, field, "must be an object");
      return spec->sub == NULL ||
             _tala_args_validate (ctx, json_node_get_object (node), spec->sub, field, error);

    case ARG_ARRAY:
      {
        JsonArray *array;
        TalaArgSpec element = { .name = spec->name, .type = (TalaArgType) spec->min,
                                .bad_code = spec->bad_code, .sub = spec->sub, .max = 50 };

        if (!JSON_NODE_HOLDS_ARRAY (node))
          return bad (ctx, error, spec, field, "must be an array");
        array = json_node_get_array (node);
        if (json_array_get_length (array) > (guint) (spec->max > 0 ? spec->max : 100))
          return bad (ctx, error, spec, field, "has too many elements");
        if (element.type == ARG_OBJECT)
          element.sub = spec->sub;
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *sub = g_strdup_printf ("%s[%u]", field, i);

            if (!check_value (ctx, &element, json_array_get_element (array, i), sub, error))
              return FALSE;
          }
        return TRUE;
      }

    case ARG_ANY:
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/**
 * _tala_args_validate:
 * @ctx: the op's context (for rejections)
 * @args: an object of args
 * @spec: its members, ending with a %NULL name
 * @prefix: (nullable): the path of @args for details.field
 *
 * Checks members in spec order, then rejects any member the spec lacks
 * (invalid_args).  A null member counts as absent.  Does not touch SQLite.
 */
gboolean
_tala_args_validate (TalaCtx           *ctx,
                     JsonObject        *args,
                     const TalaArgSpec *spec,
                     const char        *prefix,
                     GError           **error)
{
  g_autoptr(GList) members = NULL;

  for (const TalaArgSpec *a = spec; a->name; a++)
    {
      JsonNode *node = json_object_get_member (args, a->name);
      g_autofree char *field = prefix ? g_strdup_printf ("%s.%s", prefix, a->name)
                                      : g_strdup (a->name);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          if (!a->required)
            continue;
          if (a->type == ARG_REASON)
            return tala_reject (ctx, error, "reason_required", details_field (field),
                                "%s is required", field);
          if (a->type == ARG_MONEY)
            return tala_reject (ctx, error, "invalid_amount", details_field (field),
                                "%s is required", field);
          return tala_reject (ctx, error, "invalid_args", details_field (field),
                              "%s is required", field);
        }
      if (!check_value (ctx, a, node, field, error))
        return FALSE;
    }

  members = json_object_get_members (args);
  for (GList *l = members; l; l = l->next)
    {
      gboolean known = FALSE;

      for (const TalaArgSpec *a = spec; a->name && !known; a++)
        known = strcmp (a->name, l->data) == 0;
      if (!known)
        {
          g_autofree char *field = prefix ? g_strdup_printf ("%s.%s", prefix, (char *) l->data)
                                          : g_strdup (l->data);

          return tala_reject (ctx, error, "invalid_args", details_field (field),
                              "unknown member %s", field);
        }
    }
  return TRUE;
}

/* ---- Accessors of validated args ----------------------------------------- */

static JsonNode *
arg_node (TalaCtx    *ctx,
          const char *name)
{
  JsonNode *node = json_object_get_member (ctx->args, name);

  return node == NULL || JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

gboolean
arg_has (TalaCtx    *ctx,
         const char *name)
{
  return arg_node (ctx, name) != NULL;
}

const char *
arg_str (TalaCtx    *ctx,
         const char *name)
{
  JsonNode *node = arg_node (ctx, name);

  return node && is_string (node) ? json_node_get_string (node) : NULL;
}

gint64
arg_int (TalaCtx    *ctx,
         const char *name,
         gint64      def)
{
  JsonNode *node = arg_node (ctx, name);

  return node && json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : def;
}

gboolean
arg_bool (TalaCtx    *ctx,
          const char *name,
          gboolean    def)
{
  JsonNode *node = arg_node (ctx, name);

  return node && json_node_get_value_type (node) == G_TYPE_BOOLEAN
    ? json_node_get_boolean (node) : def;
}

/* Only for args the spec validated as ARG_MONEY. */
gint64
arg_money (TalaCtx    *ctx,
           const char *name)
{
  gint64 value = 0;

  if (!tala_money_parse (arg_str (ctx, name), TALA_MONEY_SIGNED, &value, NULL))
    tala_money_parse (arg_str (ctx, name), TALA_MONEY_NON_NEGATIVE, &value, NULL);
  return value;
}
