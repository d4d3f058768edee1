/* hub-request.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The request helpers of the routes: parameters, the caller and their
 * role, the one way to answer (hub_request_reply, hub_request_error), the
 * map from rejection codes to HTTP statuses (ops.md §2.7, §5) and the
 * Idempotency-Key → op_id rule.  Callable from any thread that holds the
 * request.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-server-private.h"

#define IDEMPOTENCY_NAMESPACE "a3564e6f-4064-4dc8-b046-5cb619d1bed4"

const char *
hub_request_param (HubRequest *req,
                   const char *name)
{
  return g_hash_table_lookup (req->params, name);
}

const char *
hub_request_query (HubRequest *req,
                   const char *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

JsonObject *
hub_request_object (HubRequest *req)
{
  return req->body ? json_node_get_object (req->body) : NULL;
}

const char *
hub_request_username (HubRequest *req)
{
  return req->user ? json_object_get_string_member (req->user, "username") : NULL;
}

static guint
role_bit (const char *role)
{
  static const char *const names[] = { "STUDENT", "PROFESSOR", "CASHIER", "REGISTRAR",
                                       "HEAD_REGISTRAR", "ADMISSION_STAFF", "ADMIN" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (role, names[i]) == 0)
      return 1u << i;
  return 0;
}

gboolean
hub_request_has_role (HubRequest *req,
                      guint       roles)
{
  return req->user != NULL &&
         (role_bit (json_object_get_string_member (req->user, "role")) & roles) != 0;
}

void
hub_request_reply (HubRequest *req,
                   guint       status,
                   JsonNode   *reply)
{
  if (req->status != 0)
    {
      json_node_unref (reply);
      return;
    }
  req->status = status;
  req->reply = reply;
}

void
hub_request_reply_object (HubRequest *req,
                          guint       status,
                          JsonObject *reply)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, reply);
  hub_request_reply (req, status, node);
}

void
hub_request_reply_raw (HubRequest *req,
                       guint       status,
                       const char *content_type,
                       GBytes     *body)
{
  if (req->status != 0)
    {
      g_bytes_unref (body);
      return;
    }
  req->status = status;
  req->raw = body;
  req->raw_type = g_strdup (content_type);
}

void
hub_request_add_header (HubRequest *req,
                        const char *name,
                        const char *value)
{
  if (req->headers == NULL)
    req->headers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (req->headers, g_strdup (name));
  g_ptr_array_add (req->headers, g_strdup (value));
}

void
hub_request_error (HubRequest *req,
                   guint       status,
                   const char *code,
                   const char *format,
                   ...)
{
  JsonObject *body = json_object_new ();
  JsonObject *err = json_object_new ();
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  /* A message may echo bytes of the request (the method of a 405, …):
   * the answer must stay UTF-8 JSON whatever they are (fuzz finding F3). */
  if (!g_utf8_validate (message, -1, NULL))
    {
      char *valid = g_utf8_make_valid (message, -1);

      g_free (message);
      message = valid;
    }
  json_object_set_string_member (err, "code", code);
  json_object_set_string_member (err, "message", message);
  json_object_set_object_member (body, "error", err);
  hub_request_reply_object (req, status, body);
}

/* A failure of the ledger itself: busy → 503, anything else is a bug. */
void
hub_request_ledger_error (HubRequest   *req,
                          const GError *error)
{
  if (g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_BUSY))
    hub_request_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "%s", error->message);
  else
    hub_request_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "%s", error->message);
}

void
hub_request_set_op (HubRequest *req,
                    const char *kind,
                    JsonObject *args)
{
  g_free (req->kind);
  g_clear_pointer (&req->args, json_object_unref);
  req->kind = g_strdup (kind);
  req->args = args;
}

/* ops.md §2.7 plus the REST-only codes of §5. */
guint
hub_status_for_code (const char *code)
{
  static const struct { const char *code; guint status; } table[] = {
    { "forbidden", 403 }, { "enrollment_link_disabled", 403 },
    { "unknown_student", 404 }, { "unknown_reference", 404 }, { "blocked", 404 },
    { "not_found", 404 }, { "unauthorized", 401 }, { "method_not_allowed", 405 },
    { "op_in_progress", 409 }, { "body_too_large", 413 }, { "unsupported_media_type", 415 },
    { "idempotency_mismatch", 422 }, { "rate_limited", 429 }, { "busy", 503 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_strcmp0 (code, table[i].code) == 0)
      return table[i].status;
  return 400;
}

static gboolean
kind_creates (const char *kind,
              JsonObject *args)
{
  static const char *const creating[] = {
    "student.register", "enrollment.create", "subject.enroll", "credit.transfer",
    "payment.record", "payment.void", "payment.adjust", "permit.promissory",
  };

  if (g_strcmp0 (kind, "loa.record") == 0)
    return args == NULL || !json_object_has_member (args, "loa");
  for (guint i = 0; i < G_N_ELEMENTS (creating); i++)
    if (g_strcmp0 (kind, creating[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The HTTP status of an op's envelope (ops.md §5): 201 when an applied op
 * created something, 200 otherwise, the code's status for a rejection.
 * Also notes replay, hub_seq and the outcome for metrics. */
guint
hub_status_for_envelope (HubRequest *req,
                         JsonObject *envelope)
{
  const char *status = json_object_get_string_member_with_default (envelope, "status", "");
  JsonObject *err;
  const char *code;

  req->replayed = g_strcmp0 (status, "replayed") == 0 ||
                  json_object_get_boolean_member_with_default (envelope, "replayed", FALSE);
  req->hub_seq = json_object_get_int_member_with_default (envelope, "hub_seq", 0);
  if (g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "replayed") == 0)
    {
      req->op_code = g_strdup (req->replayed ? "replayed" : "applied");
      return kind_creates (req->kind, req->args) ? 201 : 200;
    }
  err = json_object_get_object_member (envelope, "error");
  code = err ? json_object_get_string_member_with_default (err, "code", "") : "";
  req->op_code = g_strdup (code);
  if (req->route->url_ref != NULL && g_strcmp0 (code, req->route->url_ref) == 0)
    return 404;
  return hub_status_for_code (code);
}

/* ---- Idempotency-Key → op_id (ops.md §5) ---------------------------------- */

static gboolean
parse_uuid (const char *text,
            guint8      out[16])
{
  guint n = 0;

  if (!g_uuid_string_is_valid (text))
    return FALSE;
  for (const char *p = text; *p && n < 16; p++)
    {
      if (*p == '-')
        continue;
      out[n++] = (g_ascii_xdigit_value (p[0]) << 4) | g_ascii_xdigit_value (p[1]);
      p++;
    }
  return n == 16;
}

/* RFC 9562 UUIDv5: SHA-1 of the namespace's bytes and @name. */
char *
hub_uuid_v5 (const char *namespace_uuid,
             const char *name)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 ns[16], digest[20];
  gsize len = sizeof digest;

  if (!parse_uuid (namespace_uuid, ns))
    g_return_val_if_reached (NULL);
  g_checksum_update (sha1, ns, sizeof ns);
  g_checksum_update (sha1, (const guchar *) name, strlen (name));
  g_checksum_get_digest (sha1, digest, &len);
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

gboolean
hub_valid_idempotency_key (const char *key)
{
  gsize len = strlen (key);

  if (len < 1 || len > 255)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (key[i] < 0x21 || key[i] > 0x7e)
      return FALSE;
  return TRUE;
}

/* The op_id of a write (ops.md §5): the Idempotency-Key lower-cased when
 * it is a UUID, else UUIDv5 of "<username>:<key>" (keys are per user), or a
 * fresh UUIDv4 without a key. */
char *
hub_request_op_id (HubRequest *req)
{
  g_autofree char *name = NULL;

  if (req->idem_key == NULL)
    return g_uuid_string_random ();
  if (g_uuid_string_is_valid (req->idem_key))
    return g_ascii_strdown (req->idem_key, -1);
  name = g_strdup_printf ("%s:%s", req->user ? hub_request_username (req) : "", req->idem_key);
  return hub_uuid_v5 (IDEMPOTENCY_NAMESPACE, name);
}

/* Only @allowed members (NULL-terminated) may appear in @body. */
gboolean
hub_request_only_members (HubRequest         *req,
                          JsonObject         *body,
                          const char * const *allowed)
{
  g_autoptr(GList) names = json_object_get_members (body);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        hub_request_error (req, 400, "invalid_args", "unknown field “%s”",
                           (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

/* ---- Pages of 20 (the original's paginated lists) ------------------------ */

/* The page of `?page=` (1 when absent); 0, answered 404 as in the
 * original, when it is not a positive integer. */
guint
hub_request_page_number (HubRequest *req)
{
  const char *page = hub_request_query (req, "page");
  guint64 n = 0;

  if (page == NULL)
    return 1;
  if (!g_ascii_string_to_unsigned (page, 10, 1, G_MAXUINT / HUB_PAGE_SIZE, &n, NULL))
    {
      hub_request_error (req, 404, "not_found", "invalid page");
      return 0;
    }
  return (guint) n;
}

/* The request's absolute URL with `?page=@page`. */
static char *
page_url (HubRequest *req,
          guint       page)
{
  GUri *uri = soup_server_message_get_uri (req->msg);
  g_autoptr(GString) query = g_string_new (NULL);
  g_autoptr(GUri) out = NULL;
  g_autoptr(GList) names = NULL;

  /* The request's other parameters (filters) stay, in a stable order. */
  if (req->query != NULL)
    names = g_list_sort (g_hash_table_get_keys (req->query), (GCompareFunc) strcmp);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (strcmp (l->data, "page") == 0)
        continue;
      key = g_uri_escape_string (l->data, NULL, FALSE);
      value = g_uri_escape_string (g_hash_table_lookup (req->query, l->data), NULL, FALSE);
      g_string_append_printf (query, "%s=%s&", key, value);
    }
  g_string_append_printf (query, "page=%u", page);
  out = g_uri_build (G_URI_FLAGS_ENCODED_QUERY, g_uri_get_scheme (uri), NULL,
                     g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                     query->str, NULL);
  return g_uri_to_string (out);
}

/* Answers {count, next, previous, results} for @page; @results (taken)
 * holds the page's rows of @count in all.  A page past the last one (but
 * the first) is 404, as in the original. */
void
hub_request_reply_page (HubRequest *req,
                        guint       page,
                        gint64      count,
                        JsonArray  *results)
{
  JsonObject *out;

  if (page > 1 && (gint64) (page - 1) * HUB_PAGE_SIZE >= count)
    {
      json_array_unref (results);
      hub_request_error (req, 404, "not_found", "invalid page");
      return;
    }
  out = json_object_new ();
  json_object_set_int_member (out, "count", count);
  if ((gint64) page * HUB_PAGE_SIZE < count)
    {
      g_autofree char *next = page_url (req, page + 1);

      json_object_set_string_member (out, "next", next);
    }
  else
    json_object_set_null_member (out, "next");
  if (page > 1)
    {
      g_autofree char *previous = page_url (req, page - 1);

      json_object_set_string_member (out, "previous", previous);
    }
  else
    json_object_set_null_member (out, "previous");
  json_object_set_array_member (out, "results", results);
  hub_request_reply_object (req, 200, out);
}

