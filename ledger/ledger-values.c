/* ledger-values.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Values of the op contract (ops.md §1.2, §1.6): money in centavos, dates,
 * times, timestamps, and the canonical JSON that body hashes, stored results
 * and the journal chain are computed over.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ledger-private.h"

G_DEFINE_QUARK (tala-money-error-quark, tala_money_error)

/**
 * tala_money_parse:
 * @text: a money string such as "2500.00" or "-150.25"
 * @kind: which signs and zero are allowed
 * @centavos: (out): the amount in centavos
 * @error: return location for a #GError in %TALA_MONEY_ERROR
 *
 * Parses ^-?(0|[1-9][0-9]{0,7})\.[0-9]{2}$ exactly (D-M1): two decimals, no
 * exponent, no white space, no leading zeros, at most 99,999,999.99.  A "-"
 * is allowed only for %TALA_MONEY_SIGNED; zero only for
 * %TALA_MONEY_NON_NEGATIVE.  Does not allocate.
 */
gboolean
tala_money_parse (const char    *text,
                  TalaMoneyKind  kind,
                  gint64        *centavos,
                  GError       **error)
{
  const char *p = text;
  gboolean negative = FALSE;
  gint64 whole = 0;
  int digits = 0;

  if (text == NULL || *text == '\0')
    goto syntax;
  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (*p == '0' && p[1] != '.')
    goto syntax;
  while (g_ascii_isdigit (*p))
    {
      if (++digits > 8)
        {
          g_set_error (error, TALA_MONEY_ERROR, TALA_MONEY_ERROR_RANGE,
                       "“%s” is above 99,999,999.99", text);
          return FALSE;
        }
      whole = whole * 10 + (*p++ - '0');
    }
  if (digits == 0 || p[0] != '.' || !g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]) ||
      p[3] != '\0')
    goto syntax;
  *centavos = whole * 100 + (p[1] - '0') * 10 + (p[2] - '0');

  if (negative && kind != TALA_MONEY_SIGNED)
    {
      g_set_error (error, TALA_MONEY_ERROR, TALA_MONEY_ERROR_SIGN,
                   "“%s”: a negative amount is not allowed here", text);
      return FALSE;
    }
  if (*centavos == 0 && (kind != TALA_MONEY_NON_NEGATIVE || negative))
    {
      g_set_error (error, TALA_MONEY_ERROR, TALA_MONEY_ERROR_SIGN,
                   "“%s”: the amount must not be zero", text);
      return FALSE;
    }
  if (negative)
    *centavos = -*centavos;
  return TRUE;

syntax:
  g_set_error (error, TALA_MONEY_ERROR, TALA_MONEY_ERROR_SYNTAX,
               "“%s” is not an amount with two decimals such as 2500.00", text ? text : "");
  return FALSE;
}

/* "2500.00", "-150.25": the form ops and results carry.  Allocates. */
char *
tala_money_format (gint64 centavos)
{
  guint64 abs = centavos < 0 ? -(guint64) centavos : (guint64) centavos;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u", centavos < 0 ? "-" : "",
                          abs / 100, (guint) (abs % 100));
}

void
obj_set_money (JsonObject *obj,
               const char *name,
               gint64      centavos)
{
  g_autofree char *text = tala_money_format (centavos);

  json_object_set_string_member (obj, name, text);
}

void
obj_set_str (JsonObject *obj,
             const char *name,
             const char *value)
{
  if (value != NULL)
    json_object_set_string_member (obj, name, value);
}

void
obj_set_str_or_null (JsonObject *obj,
                     const char *name,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (obj, name, value);
  else
    json_object_set_null_member (obj, name);
}

/* ---- Dates and times ----------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  z,
                 int    *y,
                 int    *m,
                 int    *d)
{
  gint64 era, doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = (int) (yoe + era * 400 + (*m <= 2));
}

static gboolean
digits (const char *p,
        int         n,
        int        *value)
{
  *value = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      *value = *value * 10 + (p[i] - '0');
    }
  return TRUE;
}

static gboolean
parse_ymd (const char *p,
           gint64     *days)
{
  int y, m, d;

  if (!digits (p, 4, &y) || p[4] != '-' || !digits (p + 5, 2, &m) || p[7] != '-' ||
      !digits (p + 8, 2, &d))
    return FALSE;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > g_date_get_days_in_month (m, y))
    return FALSE;
  *days = days_from_civil (y, m, d);
  return TRUE;
}

/* "YYYY-MM-DD", a real date, exactly. */
gboolean
tala_date_parse (const char *text,
                 gint64     *days)
{
  return text != NULL && strlen (text) == 10 && parse_ymd (text, days);
}

void
tala_date_format (gint64 days,
                  char   out[11])
{
  int y, m, d;

  civil_from_days (days, &y, &m, &d);
  g_snprintf (out, 11, "%04d-%02d-%02d", y, m, d);
}

/* "HH:MM", 00:00..23:59, into minutes after midnight. */
gboolean
tala_time_parse (const char *text,
                 int        *minutes)
{
  int h, m;

  if (text == NULL || strlen (text) != 5 || !digits (text, 2, &h) || text[2] != ':' ||
      !digits (text + 3, 2, &m) || h > 23 || m > 59)
    return FALSE;
  *minutes = h * 60 + m;
  return TRUE;
}

/* "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" into µs since the epoch. */
gboolean
tala_timestamp_parse (const char *text,
                      gint64     *us)
{
  gint64 days;
  int h, mi, s, frac = 0;
  const char *p;

  if (text == NULL || strlen (text) < 20 || !parse_ymd (text, &days) || text[10] != 'T' ||
      !digits (text + 11, 2, &h) || text[13] != ':' || !digits (text + 14, 2, &mi) ||
      text[16] != ':' || !digits (text + 17, 2, &s) || h > 23 || mi > 59 || s > 59)
    return FALSE;
  p = text + 19;
  if (*p == '.')
    {
      int n = 0;

      p++;
      while (g_ascii_isdigit (*p) && n < 6)
        {
          frac = frac * 10 + (*p++ - '0');
          n++;
        }
      if (n == 0)
        return FALSE;
      for (; n < 6; n++)
        frac *= 10;
    }
  if (p[0] != 'Z' || p[1] != '\0')
    return FALSE;
  *us = ((days * 86400 + h * 3600 + mi * 60 + s) * G_GINT64_CONSTANT (1000000)) + frac;
  return TRUE;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (seconds; the fraction is dropped).  Allocates.
 * Any gint64 is taken: the divisions round towards minus infinity without
 * negating @us (-G_MININT64 overflows).  Outside years 1..9999 the year has
 * other than four digits, which tala_timestamp_parse() refuses. */
char *
tala_timestamp_format (gint64 us)
{
  gint64 secs = us / 1000000 - (us % 1000000 < 0);
  gint64 days = secs / 86400 - (secs % 86400 < 0);
  gint64 rem = secs - days * 86400;
  int y, m, d;

  civil_from_days (days, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int) (rem / 3600),
                          (int) (rem / 60 % 60), (int) (rem % 60));
}

gint64
tala_now_us (void)
{
  return g_get_real_time ();
}

/* ---- Canonical JSON ------------------------------------------------------ */

static void canonical_node (GString *out, JsonNode *node);
void tala_json_append_string (GString *out, const char *s);

void
tala_json_append_string (GString    *out,
                         const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static int
compare_bytes (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
canonical_object (GString    *out,
                  JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  gboolean first = TRUE;

  for (GList *l = members; l; l = l->next)
    g_ptr_array_add (names, l->data);
  g_ptr_array_sort (names, compare_bytes);
  g_string_append_c (out, '{');
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      JsonNode *value = json_object_get_member (object, name);

      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      tala_json_append_string (out, name);
      g_string_append_c (out, ':');
      canonical_node (out, value);
    }
  g_string_append_c (out, '}');
}

static void
canonical_node (GString  *out,
                JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      canonical_object (out, json_node_get_object (node));
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            canonical_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;

        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;

        case G_TYPE_DOUBLE:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            double value = json_node_get_double (node);

            /* Not valid in an op (numbers are integers), but an invalid op
             * still needs a stable hash, and its canonical text must be
             * JSON.  A number beyond a double (1e400) arrives as an
             * infinity, which g_ascii_dtostr() writes "inf": write a number
             * that parses back to the same infinity instead.  A NaN cannot
             * come from JSON text; it is written null. */
            if (isnan (value))
              g_string_append (out, "null");
            else if (isinf (value))
              g_string_append (out, value > 0 ? "1e999" : "-1e999");
            else
              g_string_append (out, g_ascii_dtostr (buf, sizeof buf, value));
          }
          break;

        case G_TYPE_STRING:
          tala_json_append_string (out, json_node_get_string (node));
          break;

        default:
          g_string_append (out, "null");
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * tala_json_canonical:
 * @node: any JSON value
 *
 * The canonical form of ops.md §1.2: members sorted by their UTF-8 bytes,
 * null members omitted, no white space, minimal escapes.  Allocates.
 */
char *
tala_json_canonical (JsonNode *node)
{
  GString *out = g_string_sized_new (256);

  canonical_node (out, node);
  return g_string_free (out, FALSE);
}

char *
tala_json_canonical_object (JsonObject *object)
{
  GString *out = g_string_sized_new (256);

  canonical_object (out, object);
  return g_string_free (out, FALSE);
}

/* The canonical body {actor, args, kind} of @op, built from the canonical
 * text of its args (which the journal entry reuses).  Allocates. */
char *
_tala_op_body (JsonObject *op,
               const char *args_json)
{
  GString *out = g_string_sized_new (strlen (args_json) + 64);
  JsonNode *actor = json_object_get_member (op, "actor");
  JsonNode *kind = json_object_get_member (op, "kind");

  g_string_append_c (out, '{');
  if (actor != NULL && !JSON_NODE_HOLDS_NULL (actor))
    {
      g_string_append (out, "\"actor\":");
      canonical_node (out, actor);
      g_string_append_c (out, ',');
    }
  g_string_append (out, "\"args\":");
  g_string_append (out, args_json);
  if (kind != NULL && !JSON_NODE_HOLDS_NULL (kind))
    {
      g_string_append (out, ",\"kind\":");
      canonical_node (out, kind);
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* Lower-case hex SHA-256 of the canonical {actor, args, kind} of @op. */
char *
tala_op_body_hash (JsonObject *op)
{
  JsonNode *args = json_object_get_member (op, "args");
  g_autofree char *args_json = args && !JSON_NODE_HOLDS_NULL (args) ? tala_json_canonical (args)
                                                                     : NULL;
  g_autofree char *body = NULL;

  if (args_json == NULL)
    {
      g_autoptr(JsonObject) copy = json_object_new ();

      if (json_object_has_member (op, "actor"))
        json_object_set_member (copy, "actor", json_node_copy (json_object_get_member (op, "actor")));
      if (json_object_has_member (op, "kind"))
        json_object_set_member (copy, "kind", json_node_copy (json_object_get_member (op, "kind")));
      body = tala_json_canonical_object (copy);
    }
  else
    body = _tala_op_body (op, args_json);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, body, -1);
}

/* ---- Strict JSON --------------------------------------------------------- */

/* json-glib 1.6 also takes what RFC 8259 does not (single quotes, bare
 * words, comments); the hub answers those invalid_json, and the terminal
 * refuses such answers from the hub (sync-client.c).  A recursive
 * descent over the text, deep nesting refused. */

#define JSON_MAX_DEPTH 64

typedef struct
{
  const char *p;
  const char *end;
} Scan;

static gboolean scan_value (Scan *s, guint depth);

static void
scan_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_literal (Scan       *s,
              const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (s->end - s->p) < n || memcmp (s->p, word, n) != 0)
    return FALSE;
  s->p += n;
  return TRUE;
}

static gboolean
scan_string (Scan *s)
{
  if (s->p >= s->end || *s->p != '"')
    return FALSE;
  for (s->p++; s->p < s->end; s->p++)
    {
      unsigned char c = (unsigned char) *s->p;

      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c == '\\')
        {
          if (++s->p >= s->end)
            return FALSE;
          if (*s->p == 'u')
            {
              for (guint i = 0; i < 4; i++)
                if (++s->p >= s->end || !g_ascii_isxdigit (*s->p))
                  return FALSE;
            }
          else if (strchr ("\"\\/bfnrt", *s->p) == NULL)
            return FALSE;
        }
    }
  return FALSE;
}

static gboolean
scan_digits (Scan *s)
{
  const char *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start;
}

static gboolean
scan_number (Scan *s)
{
  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    return FALSE;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  return TRUE;
}

static gboolean
scan_container (Scan  *s,
                guint  depth,
                char   close)
{
  gboolean first = TRUE;

  s->p++;
  scan_space (s);
  if (s->p < s->end && *s->p == close)
    {
      s->p++;
      return TRUE;
    }
  while (s->p < s->end)
    {
      if (!first)
        {
          if (*s->p != ',')
            return FALSE;
          s->p++;
          scan_space (s);
        }
      first = FALSE;
      if (close == '}')
        {
          if (!scan_string (s))
            return FALSE;
          scan_space (s);
          if (s->p >= s->end || *s->p != ':')
            return FALSE;
          s->p++;
        }
      if (!scan_value (s, depth + 1))
        return FALSE;
      scan_space (s);
      if (s->p < s->end && *s->p == close)
        {
          s->p++;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
scan_value (Scan  *s,
            guint  depth)
{
  scan_space (s);
  if (s->p >= s->end || depth > JSON_MAX_DEPTH)
    return FALSE;
  switch (*s->p)
    {
    case '{':
      return scan_container (s, depth, '}');
    case '[':
      return scan_container (s, depth, ']');
    case '"':
      return scan_string (s);
    case 't':
      return scan_literal (s, "true");
    case 'f':
      return scan_literal (s, "false");
    case 'n':
      return scan_literal (s, "null");
    default:
      return scan_number (s);
    }
}

/* TRUE when @data (@length bytes, no NUL needed) is one JSON text as
 * RFC 8259 writes it, nothing before or after it (json-glib 1.6 takes
 * "{…}{…}", keeps the second and leaks the first).  UTF-8 is checked
 * apart. */
gboolean
tala_json_is_strict (const char *data,
                     gsize       length)
{
  Scan s = { data, data + length };

  if (data == NULL || !scan_value (&s, 0))
    return FALSE;
  scan_space (&s);
  return s.p == s.end;
}
