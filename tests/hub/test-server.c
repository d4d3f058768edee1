/* test-server.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real TalaHubServer on 127.0.0.1 (a free port) over a ledger seeded
 * with fixture F0, driven end to end by a SoupSession on a pushed main
 * context: login, 401/403, payments, Idempotency-Key (replay, mismatch,
 * two at once), the request checks (413, 415, 400, 404, 405), the OpenAPI
 * document and the metrics.
 */

#include "config.h"

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "hub-server-private.h"
#include "test-hub.h"

#define PAY "/api/v1/cashier/payment/record_payment/"
#define PAYMENT_15000 "{\"student_id\":\"2025-00001\",\"amount\":\"15000\",\"method\":\"CASH\"}"

/* ---- Auth ---------------------------------------------------------------- */

static void
test_login (HubFixture *fx,
            gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_autofree char *by_number = hub_login (fx, "2025-00001", "student-pass");
  g_autofree char *by_email = hub_login (fx, "JUAN@example.edu", "student-pass");
  g_auto(HubReply) bad = hub_call (fx, "POST", "/api-token-auth/", NULL,
                            "{\"username\":\"cashier1\",\"password\":\"wrong\"}");
  g_auto(HubReply) unknown = hub_call (fx, "POST", "/api-token-auth/", NULL,
                                "{\"username\":\"nobody\",\"password\":\"x\"}");
  g_auto(HubReply) no_pass = hub_call (fx, "POST", "/api-token-auth/", NULL,
                                "{\"username\":\"prof1\",\"password\":\"x\"}");

  g_assert_cmpstr (cashier, !=, by_number);
  g_assert_cmpstr (by_number, !=, by_email);
  hub_assert_error (&bad, 400, "invalid_credentials");
  hub_assert_error (&unknown, 400, "invalid_credentials");
  hub_assert_error (&no_pass, 400, "invalid_credentials");
}

static void
test_unauthorized (HubFixture *fx,
                   gconstpointer  data)
{
  g_auto(HubReply) none = hub_call (fx, "GET", "/api/v1/student/profile/me/", NULL, NULL);
  g_auto(HubReply) bad = hub_call (fx, "GET", "/api/v1/student/profile/me/",
                            "00000000000000000000000000000000000000000000000000000000deadbeef",
                            NULL);
  g_auto(HubReply) write = hub_call (fx, "POST", PAY, NULL, PAYMENT_15000);

  hub_assert_error (&none, 401, "unauthorized");
  hub_assert_error (&bad, 401, "unauthorized");
  hub_assert_error (&write, 401, "unauthorized");
}

static void
test_forbidden (HubFixture *fx,
                gconstpointer  data)
{
  g_autofree char *student = hub_login (fx, "2025-00001", "student-pass");
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) a = hub_call (fx, "GET", "/api/v1/cashier/search/search/?q=juan", student, NULL);
  g_auto(HubReply) b = hub_call (fx, "POST", PAY, student, PAYMENT_15000);
  g_auto(HubReply) c = hub_call (fx, "GET", "/api/v1/student/profile/me/", cashier, NULL);

  hub_assert_error (&a, 403, "forbidden");
  hub_assert_error (&b, 403, "forbidden");
  hub_assert_error (&c, 403, "forbidden");
}

/* ---- Payments ------------------------------------------------------------ */

static void
test_record_payment (HubFixture *fx,
                     gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_autofree char *student = hub_login (fx, "2025-00001", "student-pass");
  g_auto(HubReply) r = hub_call (fx, "POST", PAY, cashier, PAYMENT_15000);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *receipt_path = NULL;
  JsonArray *allocation;

  g_assert_cmpuint (r.status, ==, 201);
  body = hub_reply_object (&r);
  g_assert_cmpstr (json_object_get_string_member (body, "amount"), ==, "15000.00");
  g_assert_cmpstr (json_object_get_string_member (body, "balance"), ==, "45000.00");
  g_assert_cmpstr (json_object_get_string_member (body, "student_name"), ==, "Juan Dela Cruz");
  g_assert_true (json_object_get_boolean_member (body, "exam_permit_unlocked"));
  allocation = json_object_get_array_member (body, "allocation");
  g_assert_cmpuint (json_array_get_length (allocation), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (allocation, 1),
                                                  "applied"), ==, "5000.00");
  g_assert_nonnull (soup_message_headers_get_one (r.headers, "Tala-Op-Id"));
  g_assert_nonnull (soup_message_headers_get_one (r.headers, "Tala-Hub-Seq"));
  g_assert_null (soup_message_headers_get_one (r.headers, "Idempotent-Replayed"));

  /* The student sees it: S7 and their own receipt (C6). */
  {
    g_auto(HubReply) s7 = hub_call (fx, "GET", "/api/v1/student/enrollment/2025-FIRST/payment_status/",
                             student, NULL);
    g_auto(HubReply) s1 = hub_call (fx, "GET", "/api/v1/student/profile/me/", student, NULL);
    g_auto(HubReply) c4 = hub_call (fx, "GET", "/api/v1/cashier/payment/student/2025-00001/status/",
                             cashier, NULL);
    g_auto(HubReply) c4_unknown = hub_call (fx, "GET",
                                     "/api/v1/cashier/payment/student/INVALID999/status/",
                                     cashier, NULL);
    g_autoptr(JsonObject) profile = NULL;

    g_assert_cmpuint (s7.status, ==, 200);
    status = hub_reply_object (&s7);
    g_assert_true (json_object_get_boolean_member (status, "month_1_paid"));
    g_assert_cmpstr (json_object_get_string_member (status, "total_balance"), ==, "45000.00");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (status, "months")),
                      ==, 6);
    g_assert_cmpuint (s1.status, ==, 200);
    profile = hub_reply_object (&s1);
    g_assert_cmpstr (json_object_get_string_member (profile, "student_id"), ==, "2025-00001");
    g_assert_cmpuint (c4.status, ==, 200);
    hub_assert_error (&c4_unknown, 404, "not_found");
  }
  receipt_path = g_strdup_printf ("/api/v1/cashier/payment/%s/receipt/",
                                  json_object_get_string_member (body, "payment_id"));
  {
    g_auto(HubReply) own = hub_call (fx, "GET", receipt_path, student, NULL);
    g_auto(HubReply) by_cashier = hub_call (fx, "GET", receipt_path, cashier, NULL);

    g_assert_cmpuint (own.status, ==, 200);
    g_assert_cmpuint (by_cashier.status, ==, 200);
  }
}

static void
test_payment_errors (HubFixture *fx,
                     gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) unknown = hub_call (fx, "POST", PAY, cashier,
                                "{\"student_id\":\"INVALID999\",\"amount\":\"2500.00\","
                                "\"method\":\"CASH\"}");
  g_auto(HubReply) amount = hub_call (fx, "POST", PAY, cashier,
                               "{\"student_id\":\"2025-00001\",\"amount\":\"25.001\","
                               "\"method\":\"CASH\"}");
  g_auto(HubReply) method = hub_call (fx, "POST", PAY, cashier,
                               "{\"student_id\":\"2025-00001\",\"amount\":25.5,"
                               "\"method\":\"BITCOIN\"}");
  g_auto(HubReply) field = hub_call (fx, "POST", PAY, cashier,
                              "{\"student_id\":\"2025-00001\",\"amount\":\"1.00\","
                              "\"method\":\"CASH\",\"x\":1}");
  g_auto(HubReply) history = hub_call (fx, "GET", "/api/v1/cashier/payment/student/2025-00001/history/",
                                cashier, NULL);

  hub_assert_error (&unknown, 404, "unknown_student");
  hub_assert_error (&amount, 400, "invalid_amount");
  hub_assert_error (&method, 400, "invalid_method");
  hub_assert_error (&field, 400, "invalid_args");
  g_assert_cmpuint (history.status, ==, 200);
  g_assert_cmpstr (history.body, ==, "[]");
}

static void
test_void (HubFixture *fx,
           gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) paid = hub_call (fx, "POST", PAY, cashier, PAYMENT_15000);
  g_autoptr(JsonObject) payment = hub_reply_object (&paid);
  g_autofree char *void_path = g_strdup_printf ("/api/v1/cashier/payment/%s/void/",
                                                json_object_get_string_member (payment,
                                                                               "receipt_number"));
  g_auto(HubReply) no_reason = hub_call (fx, "POST", void_path, cashier, "{}");
  g_auto(HubReply) voided = hub_call (fx, "POST", void_path, cashier, "{\"reason\":\"wrong student\"}");
  g_auto(HubReply) again = hub_call (fx, "POST", void_path, cashier, "{\"reason\":\"again\"}");
  g_auto(HubReply) missing = hub_call (fx, "POST", "/api/v1/cashier/payment/HUB-999999/void/", cashier,
                                "{\"reason\":\"x\"}");
  g_autoptr(JsonObject) result = NULL;

  hub_assert_error (&no_reason, 400, "reason_required");
  g_assert_cmpuint (voided.status, ==, 201);
  result = hub_reply_object (&voided);
  g_assert_cmpstr (json_object_get_string_member (result, "amount"), ==, "-15000.00");
  g_assert_cmpstr (json_object_get_string_member (result, "balance"), ==, "60000.00");
  hub_assert_error (&again, 400, "already_voided");
  hub_assert_error (&missing, 404, "not_found");
}

static void
test_ops_endpoint (HubFixture *fx,
                   gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) applied = hub_call (fx, "POST", "/api/v1/ops/", cashier,
                                "{\"kind\":\"payment.record\",\"args\":{\"student\":\"2025-00001\","
                                "\"amount\":\"100.00\",\"method\":\"CASH\"}}");
  g_auto(HubReply) job = hub_call (fx, "POST", "/api/v1/ops/", cashier,
                            "{\"kind\":\"job.inc_expiry\",\"args\":{}}");
  g_auto(HubReply) not_allowed = hub_call (fx, "POST", "/api/v1/ops/", cashier,
                                    "{\"kind\":\"grade.finalize\",\"args\":{\"semester\":"
                                    "\"2025-FIRST\",\"section\":\"CS101-A\"}}");
  g_autoptr(JsonObject) envelope = NULL;

  g_assert_cmpuint (applied.status, ==, 201);
  envelope = hub_reply_object (&applied);
  g_assert_cmpstr (json_object_get_string_member (envelope, "status"), ==, "applied");
  hub_assert_error (&job, 400, "unknown_kind");
  hub_assert_error (&not_allowed, 403, "forbidden");
}

static void
test_adjust_and_rejected_replay (HubFixture *fx,
                                 gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_autofree char *student = hub_login (fx, "2025-00001", "student-pass");
  g_autofree char *adjust_path = NULL;
  g_autofree char *bearer = NULL;
  g_auto(HubReply) paid = hub_call (fx, "POST", PAY, cashier, PAYMENT_15000);
  g_auto(HubReply) adjusted = { 0 };
  g_auto(HubReply) rejected = { 0 };
  g_auto(HubReply) replayed = { 0 };
  g_auto(HubReply) s7 = { 0 };
  g_auto(HubReply) other = { 0 };
  g_autoptr(JsonObject) payment = hub_reply_object (&paid);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) status = NULL;
  SoupMessageHeaders *headers;

  adjust_path = g_strdup_printf ("/api/v1/cashier/payment/%s/adjust/",
                                 json_object_get_string_member (payment, "payment_id"));
  adjusted = hub_call (fx, "POST", adjust_path, cashier,
                   "{\"amount\":\"-5000.00\",\"reason\":\"keyed twice\"}");
  g_assert_cmpuint (adjusted.status, ==, 201);
  result = hub_reply_object (&adjusted);
  g_assert_cmpstr (json_object_get_string_member (result, "balance"), ==, "50000.00");

  /* A rejection under a key is stored: the replay repeats it exactly. */
  hub_start (fx, &rejected, "POST", adjust_path, cashier, "adj-2", NULL,
         "{\"amount\":\"-99000.00\",\"reason\":\"too much\"}");
  hub_wait (fx, &rejected);
  hub_start (fx, &replayed, "POST", adjust_path, cashier, "adj-2", NULL,
         "{\"reason\":\"too much\",\"amount\":\"-99000.00\"}");
  hub_wait (fx, &replayed);
  hub_assert_error (&rejected, 400, "amount_exceeds_paid");
  g_assert_cmpuint (replayed.status, ==, 400);
  g_assert_cmpstr (replayed.body, ==, rejected.body);
  g_assert_cmpstr (soup_message_headers_get_one (replayed.headers, "Idempotent-Replayed"), ==,
                   "true");

  /* Bearer works like Token; S7 takes the original's integer id too. */
  bearer = g_strdup_printf ("Bearer %s", student);
  {
    g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/student/enrollment/1/"
                                            "payment_status/", fx->port);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

    headers = soup_message_get_request_headers (msg);
    soup_message_headers_replace (headers, "Authorization", bearer);
    hub_send_message (fx, &s7, msg);
    hub_wait (fx, &s7);
  }
  g_assert_cmpuint (s7.status, ==, 200);
  status = hub_reply_object (&s7);
  g_assert_cmpstr (json_object_get_string_member (status, "total_balance"), ==, "50000.00");
  other = hub_call (fx, "GET", "/api/v1/student/enrollment/2/payment_status/", student, NULL);
  hub_assert_error (&other, 404, "not_found");
}

/* ---- Idempotency --------------------------------------------------------- */

static void
test_idempotency (HubFixture *fx,
                  gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) first = { 0 };
  g_auto(HubReply) replay = { 0 };
  g_auto(HubReply) mismatch = { 0 };
  g_auto(HubReply) history = { 0 };
  g_autoptr(JsonObject) h = NULL;

  hub_start (fx, &first, "POST", PAY, cashier, "pay-1", NULL, PAYMENT_15000);
  hub_wait (fx, &first);
  hub_start (fx, &replay, "POST", PAY, cashier, "pay-1", NULL,
         "{\"method\":\"CASH\",\"amount\":\"15000.00\",\"student_id\":\"2025-00001\"}");
  hub_wait (fx, &replay);
  hub_start (fx, &mismatch, "POST", PAY, cashier, "pay-1", NULL,
         "{\"student_id\":\"2025-00001\",\"amount\":\"15001\",\"method\":\"CASH\"}");
  hub_wait (fx, &mismatch);

  g_assert_cmpuint (first.status, ==, 201);
  g_assert_cmpuint (replay.status, ==, 201);
  g_assert_cmpstr (replay.body, ==, first.body);
  g_assert_cmpstr (soup_message_headers_get_one (replay.headers, "Idempotent-Replayed"), ==,
                   "true");
  g_assert_cmpstr (soup_message_headers_get_one (replay.headers, "Tala-Op-Id"), ==,
                   soup_message_headers_get_one (first.headers, "Tala-Op-Id"));
  /* UUIDv5 of "cashier1:pay-1" in the namespace of ops.md §5 (checked
   * with Python's uuid.uuid5). */
  g_assert_cmpstr (soup_message_headers_get_one (first.headers, "Tala-Op-Id"), ==,
                   "6f2d5db6-cb07-5951-890e-bf3bdbd4ed62");
  hub_assert_error (&mismatch, 422, "idempotency_mismatch");

  history = hub_call (fx, "GET", "/api/v1/cashier/payment/student/2025-00001/status/", cashier,
                  NULL);
  h = hub_reply_object (&history);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (h, "enrollment"),
                                                  "balance"), ==, "45000.00");
}

static void
test_idempotency_concurrent (HubFixture *fx,
                             gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) a = { 0 };
  g_auto(HubReply) b = { 0 };
  g_auto(HubReply) status = { 0 };
  g_autoptr(JsonObject) s = NULL;
  guint applied = 0;

  hub_start (fx, &a, "POST", PAY, cashier, "same-key", NULL, PAYMENT_15000);
  hub_start (fx, &b, "POST", PAY, cashier, "same-key", NULL, PAYMENT_15000);
  hub_wait (fx, &a);
  hub_wait (fx, &b);

  /* Exactly one applied; the other waited its turn (409) or was replayed. */
  for (guint i = 0; i < 2; i++)
    {
      HubReply *r = i == 0 ? &a : &b;

      if (r->status == 201 &&
          soup_message_headers_get_one (r->headers, "Idempotent-Replayed") == NULL)
        applied++;
      else if (r->status == 201)
        g_assert_cmpstr (a.body, ==, b.body);
      else
        hub_assert_error (r, 409, "op_in_progress");
    }
  g_assert_cmpuint (applied, ==, 1);
  g_test_message ("same key at once: %u and %u", a.status, b.status);

  status = hub_call (fx, "GET", "/api/v1/cashier/payment/student/2025-00001/status/", cashier, NULL);
  s = hub_reply_object (&status);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (s, "enrollment"),
                                                  "balance"), ==, "45000.00");
}

/* ---- Request checks ------------------------------------------------------ */

static void
test_request_checks (HubFixture *fx,
                     gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_autofree char *huge = g_strnfill (1024 * 1024 + 1, ' ');
  g_auto(HubReply) big = { 0 };
  g_auto(HubReply) form = { 0 };
  g_auto(HubReply) malformed = hub_call (fx, "POST", PAY, cashier, "{\"student_id\":");
  g_auto(HubReply) array = hub_call (fx, "POST", PAY, cashier, "[1,2]");
  g_auto(HubReply) unknown = hub_call (fx, "GET", "/api/v1/nope/", cashier, NULL);
  g_auto(HubReply) method = hub_call (fx, "GET", PAY, cashier, NULL);
  g_auto(HubReply) bad_key = { 0 };

  hub_start (fx, &big, "POST", PAY, cashier, NULL, NULL, huge);
  hub_wait (fx, &big);
  hub_start (fx, &form, "POST", PAY, cashier, NULL, "application/x-www-form-urlencoded",
         "student_id=2025-00001&amount=1.00&method=CASH");
  hub_wait (fx, &form);
  hub_start (fx, &bad_key, "POST", PAY, cashier, "bad key with spaces", NULL, PAYMENT_15000);
  hub_wait (fx, &bad_key);

  hub_assert_error (&big, 413, "body_too_large");
  hub_assert_error (&form, 415, "unsupported_media_type");
  hub_assert_error (&malformed, 400, "invalid_json");
  hub_assert_error (&array, 400, "invalid_json");
  hub_assert_error (&unknown, 404, "not_found");
  hub_assert_error (&method, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (method.headers, "Allow"), ==, "POST");
  hub_assert_error (&bad_key, 400, "invalid_idempotency_key");
}

typedef struct
{
  guint16   port;
  char     *answer;
  gboolean  done;
} RawRequest;

/* Sends headers that announce 100 MiB and no body at all, then reads
 * what comes back: the hub must answer without waiting for the body. */
static gpointer
raw_oversized_thread (gpointer data)
{
  RawRequest *raw = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = g_strdup_printf (
    "POST " PAY " HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Type: application/json\r\n"
    "Content-Length: 104857600\r\n\r\n", raw->port);
  char buf[4096];
  gssize n;

  g_socket_client_set_timeout (client, 10);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", raw->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), head,
                             strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf,
                           sizeof buf - 1, NULL, &error);
  g_assert_no_error (error);
  buf[MAX (n, 0)] = '\0';
  raw->answer = g_strdup (buf);
  g_atomic_int_set (&raw->done, TRUE);
  return NULL;
}

static void
test_body_refused_early (HubFixture    *fx,
                         gconstpointer  data)
{
  RawRequest raw = { .port = fx->port };
  GThread *thread = g_thread_new ("raw", raw_oversized_thread, &raw);

  while (!g_atomic_int_get (&raw.done))
    g_main_context_iteration (fx->context, TRUE);
  g_thread_join (thread);
  g_assert_true (g_str_has_prefix (raw.answer, "HTTP/1.1 413"));
  g_assert_nonnull (strstr (raw.answer, "\"body_too_large\""));
  g_free (raw.answer);
}

static TalaHubServerOptions tls_options = { .quiet = TRUE };

typedef struct
{
  guint    status;
  GError  *error;
  gboolean done;
} TlsReply;

static void
tls_sent_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TlsReply *r = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &r->error);

  r->status = soup_message_get_status (msg);
  r->done = TRUE;
}

static TlsReply
tls_get (HubFixture  *fx,
         SoupSession *session,
         const char  *scheme)
{
  g_autofree char *uri = g_strdup_printf ("%s://127.0.0.1:%u/healthz", scheme, fx->port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  TlsReply r = { 0 };

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, tls_sent_cb, &r);
  while (!r.done)
    g_main_context_iteration (fx->context, TRUE);
  return r;
}

/* --tls-cert/--tls-key: HTTPS with a certificate the client trusts works;
 * a client that does not trust it, and plain HTTP, get nothing. */
static void
test_tls (HubFixture    *fx,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) trust = g_tls_file_database_new (tls_options.tls_cert, &error);
  g_autoptr(SoupSession) trusting = NULL;
  TlsReply good, untrusted, plain;

  g_assert_no_error (error);
  trusting = soup_session_new_with_options ("tls-database", trust, NULL);
  good = tls_get (fx, trusting, "https");
  g_assert_no_error (good.error);
  g_assert_cmpuint (good.status, ==, 200);
  untrusted = tls_get (fx, fx->session, "https");
  g_assert_error (untrusted.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  plain = tls_get (fx, fx->session, "http");
  g_assert_nonnull (plain.error);
  g_clear_error (&untrusted.error);
  g_clear_error (&plain.error);
}

/* ---- Operations ---------------------------------------------------------- */

static void
test_health (HubFixture *fx,
             gconstpointer  data)
{
  g_auto(HubReply) health = hub_call (fx, "GET", "/healthz", NULL, NULL);
  g_auto(HubReply) ready = hub_call (fx, "GET", "/readyz", NULL, NULL);

  g_assert_cmpuint (health.status, ==, 200);
  g_assert_cmpuint (ready.status, ==, 200);
}

static guint
count_routes (void)
{
  const HubRoute *tables[] = { hub_routes_system, hub_routes_cashier, hub_routes_student,
                               hub_routes_public, hub_routes_registrar, hub_routes_professor,
                               hub_routes_catalog, hub_routes_admin, hub_routes_sync };
  guint n = 0;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (const HubRoute *r = tables[t]; r->method != NULL; r++)
      n++;
  return n;
}

static void
test_openapi (HubFixture *fx,
              gconstpointer  data)
{
  static const char *const expected[][2] = {
    { "post", "/api-token-auth/" },
    { "get", "/healthz" },
    { "get", "/readyz" },
    { "get", "/metrics" },
    { "get", "/api/v1/schema/" },
    { "post", "/api/v1/ops/" },
    { "get", "/api/v1/cashier/search/search/" },
    { "post", "/api/v1/cashier/payment/record_payment/" },
    { "get", "/api/v1/cashier/payment/payment_methods/" },
    { "get", "/api/v1/cashier/payment/student/{student_id}/status/" },
    { "get", "/api/v1/cashier/payment/student/{student_id}/history/" },
    { "get", "/api/v1/cashier/payment/{payment_id}/receipt/" },
    { "post", "/api/v1/cashier/payment/{payment_id}/void/" },
    { "post", "/api/v1/cashier/payment/{payment_id}/adjust/" },
    { "get", "/api/v1/student/profile/me/" },
    { "get", "/api/v1/student/profile/" },
    { "get", "/api/v1/student/profile/{id}/" },
    { "get", "/api/v1/student/enrollment/" },
    { "get", "/api/v1/student/enrollment/{id}/" },
    { "get", "/api/v1/student/enrollment/{id}/subjects/" },
    { "get", "/api/v1/student/enrollment/{id}/available_subjects/" },
    { "post", "/api/v1/student/enrollment/{id}/enroll_subject/" },
    { "post", "/api/v1/student/enrollment/{id}/drop_subject/" },
    { "get", "/api/v1/student/enrollment/{id}/payment_status/" },
    { "get", "/api/v1/student/enrollment/{id}/exam_permit/" },
    { "get", "/api/v1/student/enrollment/{id}/exam_permits/" },
    { "get", "/api/v1/student/enrollment/{id}/transcript/" },
    { "get", "/api/v1/student/notifications/" },
    { "get", "/api/v1/public/programs/" },
    { "get", "/api/v1/public/programs/{id}/" },
    { "get", "/api/v1/public/programs/{id}/subjects/" },
    { "post", "/api/v1/public/enrollment/new_student/" },
  };
  g_autofree char *student = hub_login (fx, "2025-00001", "student-pass");
  g_auto(HubReply) anon = hub_call (fx, "GET", "/api/v1/schema/", NULL, NULL);
  g_auto(HubReply) r = hub_call (fx, "GET", "/api/v1/schema/", student, NULL);
  g_autoptr(JsonObject) doc = NULL;
  JsonObject *paths;
  guint operations = 0;
  g_autoptr(GList) names = NULL;

  hub_assert_error (&anon, 401, "unauthorized");
  g_assert_cmpuint (r.status, ==, 200);
  doc = hub_reply_object (&r);
  g_assert_cmpstr (json_object_get_string_member (doc, "openapi"), ==, "3.0.3");
  paths = json_object_get_object_member (doc, "paths");
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *item = json_object_get_object_member (paths, expected[i][1]);

      g_assert_nonnull (item);
      g_assert_true (json_object_has_member (item, expected[i][0]));
    }
  names = json_object_get_members (paths);
  for (GList *l = names; l != NULL; l = l->next)
    operations += json_object_get_size (json_object_get_object_member (paths, l->data));
  /* Every route the server dispatches on, and nothing else. */
  g_assert_cmpuint (operations, ==, count_routes ());
}

static void
test_metrics (HubFixture *fx,
              gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) health = hub_call (fx, "GET", "/healthz", NULL, NULL);
  g_auto(HubReply) paid = hub_call (fx, "POST", PAY, cashier, PAYMENT_15000);
  g_auto(HubReply) bad = hub_call (fx, "POST", PAY, cashier,
                            "{\"student_id\":\"2025-00001\",\"amount\":\"1.00\","
                            "\"method\":\"BITCOIN\"}");
  g_auto(HubReply) r = hub_call (fx, "GET", "/metrics", NULL, NULL);

  g_assert_cmpuint (r.status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (r.headers, NULL),
                                   "text/plain"));
  g_assert_nonnull (strstr (r.body, "tala_http_requests_total{method=\"GET\",route=\"/healthz\","
                                    "status=\"200\"} 1\n"));
  g_assert_nonnull (strstr (r.body, "tala_http_request_duration_seconds_bucket{method=\"POST\","
                                    "route=\"" PAY "\",le=\"+Inf\"} 2\n"));
  g_assert_nonnull (strstr (r.body, "tala_ops_total{outcome=\"applied\"} 1\n"));
  g_assert_nonnull (strstr (r.body, "tala_ops_total{outcome=\"invalid_method\"} 1\n"));
  g_assert_nonnull (strstr (r.body, "tala_writer_queue_depth "));
}

/* ---- Student routes ------------------------------------------------------ */

#define ENR "/api/v1/student/enrollment/2025-FIRST/"

/* The hub's clock is today's: stretch F0's enrollment window over it (the
 * registrar, over /api/v1/ops/) and pay month 1, so that the student may
 * enroll (D-E7, month-1 check). */
static void
open_enrollment (HubFixture *fx)
{
  g_autofree char *registrar = hub_login (fx, "registrar1", "registrar-pass");
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) put = hub_call (fx, "POST", "/api/v1/ops/", registrar,
                            "{\"kind\":\"catalog.semester.put\",\"args\":{\"code\":\"2025-FIRST\","
                            "\"start_date\":\"2025-06-02\",\"end_date\":\"2099-12-31\","
                            "\"enrollment_start\":\"2025-05-26\",\"enrollment_end\":\"2099-12-31\","
                            "\"is_active\":true}}");
  g_auto(HubReply) paid = hub_call (fx, "POST", PAY, cashier,
                             "{\"student_id\":\"2025-00001\",\"amount\":\"10000\","
                             "\"method\":\"CASH\"}");

  g_assert_cmpuint (put.status, ==, 200);
  g_assert_cmpuint (paid.status, ==, 201);
}

static JsonArray *
reply_array (HubReply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, r->body, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static void
test_student_enroll_drop (HubFixture *fx,
                          gconstpointer  data)
{
  g_autofree char *student = NULL;
  g_autofree char *drop_body = NULL;
  g_auto(HubReply) none = { 0 };
  g_auto(HubReply) enrolled = { 0 };
  g_auto(HubReply) again = { 0 };
  g_auto(HubReply) override = { 0 };
  g_auto(HubReply) integer = { 0 };
  g_auto(HubReply) unknown = { 0 };
  g_auto(HubReply) mismatch = { 0 };
  g_auto(HubReply) extra = { 0 };
  g_auto(HubReply) by_int_id = { 0 };
  g_auto(HubReply) list = { 0 };
  g_auto(HubReply) not_take = { 0 };
  g_auto(HubReply) dropped = { 0 };
  g_auto(HubReply) twice = { 0 };
  g_auto(HubReply) after = { 0 };
  g_auto(HubReply) int_mismatch = { 0 };
  g_auto(HubReply) int_no_section = { 0 };
  g_auto(HubReply) int_enrolled = { 0 };
  g_auto(HubReply) int_not_take = { 0 };
  g_auto(HubReply) int_dropped_before = { 0 };
  g_auto(HubReply) int_drop = { 0 };
  g_autoptr(JsonObject) int_take = NULL;
  g_autoptr(JsonObject) int_dropped = NULL;
  g_autoptr(JsonArray) subjects = NULL;
  g_autoptr(JsonArray) rest = NULL;
  g_autoptr(JsonArray) empty = NULL;
  g_autoptr(JsonObject) take = NULL;
  g_autoptr(JsonObject) drop = NULL;

  open_enrollment (fx);
  student = hub_login (fx, "2025-00001", "student-pass");
  none = hub_call (fx, "GET", ENR "subjects/", student, NULL);
  g_assert_cmpuint (none.status, ==, 200);
  empty = reply_array (&none);
  g_assert_cmpuint (json_array_get_length (empty), ==, 0);

  enrolled = hub_call (fx, "POST", ENR "enroll_subject/", student,
                   "{\"subject_id\":\"CS101\",\"section_id\":\"CS101-A\","
                   "\"override_schedule_conflict\":false}");
  g_assert_cmpuint (enrolled.status, ==, 201);
  take = hub_reply_object (&enrolled);
  g_assert_cmpstr (json_object_get_string_member (take, "subject"), ==, "CS101");
  g_assert_cmpstr (json_object_get_string_member (take, "section"), ==, "CS101-A");
  g_assert_cmpstr (json_object_get_string_member (take, "enrollment"), ==, "2025-FIRST");
  g_assert_cmpstr (json_object_get_string_member (take, "enrollment_status"), ==, "ENROLLED");
  g_assert_cmpint (json_object_get_int_member (take, "total_units"), ==, 3);

  again = hub_call (fx, "POST", ENR "enroll_subject/", student, "{\"subject_id\":\"CS101\"}");
  hub_assert_error (&again, 400, "already_enrolled");
  override = hub_call (fx, "POST", ENR "enroll_subject/", student,
                   "{\"subject_id\":\"CS102\",\"override_schedule_conflict\":true,"
                   "\"conflict_reason\":\"please\"}");
  hub_assert_error (&override, 403, "forbidden");
  integer = hub_call (fx, "POST", ENR "enroll_subject/", student, "{\"subject_id\":77}");
  hub_assert_error (&integer, 400, "unknown_subject");
  unknown = hub_call (fx, "POST", ENR "enroll_subject/", student, "{\"subject_id\":\"NOPE1\"}");
  hub_assert_error (&unknown, 400, "unknown_subject");
  mismatch = hub_call (fx, "POST", ENR "enroll_subject/", student,
                   "{\"subject_id\":\"CS102\",\"section_id\":\"CS101-A\"}");
  hub_assert_error (&mismatch, 400, "section_mismatch");
  extra = hub_call (fx, "POST", ENR "enroll_subject/", student,
                "{\"subject_id\":\"CS102\",\"student\":\"2025-00002\"}");
  hub_assert_error (&extra, 400, "invalid_args");

  /* The original's integer id of the same enrollment. */
  by_int_id = hub_call (fx, "GET", "/api/v1/student/enrollment/1/subjects/", student, NULL);
  g_assert_cmpuint (by_int_id.status, ==, 200);
  list = hub_call (fx, "GET", ENR "subjects/", student, NULL);
  g_assert_cmpstr (list.body, ==, by_int_id.body);
  subjects = reply_array (&list);
  g_assert_cmpuint (json_array_get_length (subjects), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (subjects, 0),
                                                  "subject_enrollment_id"), ==,
                   json_object_get_string_member (take, "id"));

  not_take = hub_call (fx, "POST", ENR "drop_subject/", student,
                   "{\"subject_enrollment_id\":\"00000000-0000-4000-8000-00000000dead\"}");
  hub_assert_error (&not_take, 404, "not_found");
  drop_body = g_strdup_printf ("{\"subject_enrollment_id\":\"%s\",\"reason\":\"schedule\"}",
                               json_object_get_string_member (take, "id"));
  dropped = hub_call (fx, "POST", ENR "drop_subject/", student, drop_body);
  g_assert_cmpuint (dropped.status, ==, 200);
  drop = hub_reply_object (&dropped);
  g_assert_cmpstr (json_object_get_string_member (drop, "message"), ==,
                   "Successfully dropped CS101");
  twice = hub_call (fx, "POST", ENR "drop_subject/", student, drop_body);
  hub_assert_error (&twice, 400, "already_dropped");
  after = hub_call (fx, "GET", ENR "subjects/", student, NULL);
  rest = reply_array (&after);
  g_assert_cmpuint (json_array_get_length (rest), ==, 0);

  /* The original's integer ids (ops.md §5): F0's subjects 1–6 are CS101,
   * CS102, CS103, CS201, THS25, OJT21 and its sections 1–4 CS101-A,
   * CS102-A, CS103-A, OJT21-A; the takes are numbered 1 (CS101) and on. */
  int_mismatch = hub_call (fx, "POST", ENR "enroll_subject/", student,
                       "{\"subject_id\":2,\"section_id\":1}");
  hub_assert_error (&int_mismatch, 400, "section_mismatch");
  int_no_section = hub_call (fx, "POST", ENR "enroll_subject/", student,
                         "{\"subject_id\":2,\"section_id\":999}");
  hub_assert_error (&int_no_section, 400, "section_mismatch");
  int_enrolled = hub_call (fx, "POST", ENR "enroll_subject/", student,
                       "{\"subject_id\":2,\"section_id\":2}");
  g_assert_cmpuint (int_enrolled.status, ==, 201);
  int_take = hub_reply_object (&int_enrolled);
  g_assert_cmpstr (json_object_get_string_member (int_take, "subject"), ==, "CS102");
  g_assert_cmpstr (json_object_get_string_member (int_take, "section"), ==, "CS102-A");
  int_not_take = hub_call (fx, "POST", ENR "drop_subject/", student,
                       "{\"subject_enrollment_id\":999}");
  hub_assert_error (&int_not_take, 404, "not_found");
  int_dropped_before = hub_call (fx, "POST", ENR "drop_subject/", student,
                             "{\"subject_enrollment_id\":1}");
  hub_assert_error (&int_dropped_before, 400, "already_dropped");
  int_drop = hub_call (fx, "POST", ENR "drop_subject/", student, "{\"subject_enrollment_id\":2}");
  g_assert_cmpuint (int_drop.status, ==, 200);
  int_dropped = hub_reply_object (&int_drop);
  g_assert_cmpstr (json_object_get_string_member (int_dropped, "message"), ==,
                   "Successfully dropped CS102");
}

static void
test_student_reads (HubFixture *fx,
                    gconstpointer  data)
{
  g_autofree char *student = NULL;
  g_autofree char *cashier = NULL;
  g_auto(HubReply) detail = { 0 };
  g_auto(HubReply) permit = { 0 };
  g_auto(HubReply) permits = { 0 };
  g_auto(HubReply) transcript = { 0 };
  g_auto(HubReply) unknown = { 0 };
  g_auto(HubReply) other_int = { 0 };
  g_auto(HubReply) not_student = { 0 };
  g_auto(HubReply) anon = { 0 };
  g_auto(HubReply) list = { 0 };
  g_auto(HubReply) page2 = { 0 };
  g_auto(HubReply) mine = { 0 };
  g_auto(HubReply) by_id = { 0 };
  g_auto(HubReply) other_id = { 0 };
  g_autoptr(JsonObject) l = NULL;
  g_autoptr(JsonObject) m = NULL;
  g_autofree char *by_id_path = NULL;
  g_autoptr(JsonObject) d = NULL;
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(JsonObject) t = NULL;

  open_enrollment (fx);
  student = hub_login (fx, "2025-00001", "student-pass");
  cashier = hub_login (fx, "cashier1", "cashier-pass");
  detail = hub_call (fx, "GET", ENR, student, NULL);
  g_assert_cmpuint (detail.status, ==, 200);
  d = hub_reply_object (&detail);
  g_assert_cmpstr (json_object_get_string_member (d, "semester"), ==, "2025-FIRST");
  g_assert_cmpstr (json_object_get_string_member (d, "balance"), ==, "50000.00");

  permit = hub_call (fx, "GET", ENR "exam_permit/", student, NULL);
  g_assert_cmpuint (permit.status, ==, 200);
  p = hub_reply_object (&permit);
  g_assert_cmpstr (json_object_get_string_member (p, "period"), ==, "PRELIM");
  g_assert_cmpstr (json_object_get_string_member (p, "status"), ==, "UNLOCKED");
  g_assert_cmpstr (json_object_get_string_member (p, "status_display"), ==, "Unlocked");
  g_assert_cmpstr (json_object_get_string_member (p, "enrollment"), ==, "2025-FIRST");

  permits = hub_call (fx, "GET", ENR "exam_permits/", student, NULL);
  g_assert_cmpuint (permits.status, ==, 200);
  all = reply_array (&permits);
  g_assert_cmpuint (json_array_get_length (all), ==, 4);

  transcript = hub_call (fx, "GET", ENR "transcript/", student, NULL);
  g_assert_cmpuint (transcript.status, ==, 200);
  t = hub_reply_object (&transcript);
  g_assert_nonnull (t);

  unknown = hub_call (fx, "GET", "/api/v1/student/enrollment/2024-FIRST/exam_permits/", student,
                  NULL);
  hub_assert_error (&unknown, 404, "not_found");
  other_int = hub_call (fx, "GET", "/api/v1/student/enrollment/999/transcript/", student, NULL);
  hub_assert_error (&other_int, 404, "not_found");
  not_student = hub_call (fx, "GET", ENR "exam_permit/", cashier, NULL);
  hub_assert_error (&not_student, 403, "forbidden");
  anon = hub_call (fx, "GET", ENR "subjects/", NULL, NULL);
  hub_assert_error (&anon, 401, "unauthorized");

  /* The original's profile list and detail: the caller's profile only. */
  list = hub_call (fx, "GET", "/api/v1/student/profile/", student, NULL);
  g_assert_cmpuint (list.status, ==, 200);
  l = hub_reply_object (&list);
  g_assert_cmpint (json_object_get_int_member (l, "count"), ==, 1);
  g_assert_true (json_object_get_null_member (l, "next"));
  g_assert_true (json_object_get_null_member (l, "previous"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (l, "results"), 0), "student_id"), ==,
                   "2025-00001");
  page2 = hub_call (fx, "GET", "/api/v1/student/profile/?page=2", student, NULL);
  hub_assert_error (&page2, 404, "not_found");
  mine = hub_call (fx, "GET", "/api/v1/student/profile/me/", student, NULL);
  m = hub_reply_object (&mine);
  by_id_path = g_strdup_printf ("/api/v1/student/profile/%" G_GINT64_FORMAT "/",
                                json_object_get_int_member (m, "id"));
  by_id = hub_call (fx, "GET", by_id_path, student, NULL);
  g_assert_cmpuint (by_id.status, ==, 200);
  g_assert_cmpstr (by_id.body, ==, mine.body);
  other_id = hub_call (fx, "GET", "/api/v1/student/profile/999/", student, NULL);
  hub_assert_error (&other_id, 404, "not_found");
}

/* S2: the caller's enrollments as the original's paginated list. */
static void
test_student_enrollment_list (HubFixture *fx,
                              gconstpointer  data)
{
  g_autofree char *student = NULL;
  g_autofree char *cashier = NULL;
  g_auto(HubReply) list = { 0 };
  g_auto(HubReply) page1 = { 0 };
  g_auto(HubReply) page2 = { 0 };
  g_auto(HubReply) bad_page = { 0 };
  g_auto(HubReply) not_student = { 0 };
  g_autoptr(JsonObject) l = NULL;
  JsonObject *e;

  open_enrollment (fx);
  student = hub_login (fx, "2025-00001", "student-pass");
  cashier = hub_login (fx, "cashier1", "cashier-pass");
  list = hub_call (fx, "GET", "/api/v1/student/enrollment/", student, NULL);
  g_assert_cmpuint (list.status, ==, 200);
  l = hub_reply_object (&list);
  g_assert_cmpint (json_object_get_int_member (l, "count"), ==, 1);
  g_assert_true (json_object_get_null_member (l, "next"));
  g_assert_true (json_object_get_null_member (l, "previous"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (l, "results")), ==, 1);
  e = json_array_get_object_element (json_object_get_array_member (l, "results"), 0);
  g_assert_cmpint (json_object_get_int_member (e, "id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (e, "semester"), ==, "2025-FIRST");
  g_assert_cmpstr (json_object_get_string_member (e, "start_date"), ==, "2025-06-02");
  g_assert_cmpint (json_object_get_int_member (e, "total_units"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (e, "total_due"), ==, "60000.00");
  g_assert_cmpstr (json_object_get_string_member (e, "total_paid"), ==, "10000.00");
  g_assert_cmpstr (json_object_get_string_member (e, "balance"), ==, "50000.00");
  page1 = hub_call (fx, "GET", "/api/v1/student/enrollment/?page=1", student, NULL);
  g_assert_cmpstr (page1.body, ==, list.body);
  page2 = hub_call (fx, "GET", "/api/v1/student/enrollment/?page=2", student, NULL);
  hub_assert_error (&page2, 404, "not_found");
  bad_page = hub_call (fx, "GET", "/api/v1/student/enrollment/?page=x", student, NULL);
  hub_assert_error (&bad_page, 404, "not_found");
  not_student = hub_call (fx, "GET", "/api/v1/student/enrollment/", cashier, NULL);
  hub_assert_error (&not_student, 403, "forbidden");
}

static JsonObject *
find_code (JsonArray  *subjects,
           const char *code)
{
  for (guint i = 0; i < json_array_get_length (subjects); i++)
    {
      JsonObject *s = json_array_get_object_element (subjects, i);

      if (g_strcmp0 (json_object_get_string_member (s, "code"), code) == 0)
        return s;
    }
  return NULL;
}

/* S4: subjects with a section this semester, not taken, each with its
 * sections and the status of each prerequisite. */
static void
test_student_available_subjects (HubFixture *fx,
                                 gconstpointer  data)
{
  g_autofree char *student = NULL;
  g_autofree char *registrar = NULL;
  g_auto(HubReply) section = { 0 };
  g_auto(HubReply) before = { 0 };
  g_auto(HubReply) enrolled = { 0 };
  g_auto(HubReply) after = { 0 };
  g_auto(HubReply) other = { 0 };
  g_autoptr(JsonArray) b = NULL;
  g_autoptr(JsonArray) a = NULL;
  JsonObject *cs101, *cs201, *pre;
  JsonArray *sections;

  open_enrollment (fx);
  registrar = hub_login (fx, "registrar1", "registrar-pass");
  section = hub_call (fx, "POST", "/api/v1/ops/", registrar,
                  "{\"kind\":\"catalog.section.put\",\"args\":{\"semester\":\"2025-FIRST\","
                  "\"code\":\"CS201-A\",\"subject\":\"CS201\",\"capacity\":30,"
                  "\"slots\":[{\"day\":\"THU\",\"start\":\"08:00\",\"end\":\"09:30\"}]}}");
  g_assert_cmpuint (section.status, ==, 200);
  student = hub_login (fx, "2025-00001", "student-pass");
  before = hub_call (fx, "GET", ENR "available_subjects/", student, NULL);
  g_assert_cmpuint (before.status, ==, 200);
  b = reply_array (&before);
  /* CS101, CS102, CS103, CS201, OJT21; THS25 has no section. */
  g_assert_cmpuint (json_array_get_length (b), ==, 5);
  g_assert_null (find_code (b, "THS25"));
  cs101 = find_code (b, "CS101");
  g_assert_nonnull (cs101);
  g_assert_cmpint (json_object_get_int_member (cs101, "units"), ==, 3);
  sections = json_object_get_array_member (cs101, "sections");
  g_assert_cmpuint (json_array_get_length (sections), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sections, 0),
                                                  "section"), ==, "CS101-A");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (cs101,
                                                                         "prerequisites")), ==, 0);
  cs201 = find_code (b, "CS201");
  g_assert_nonnull (cs201);
  pre = json_array_get_object_element (json_object_get_array_member (cs201, "prerequisites"), 0);
  g_assert_cmpstr (json_object_get_string_member (pre, "subject"), ==, "CS101");
  g_assert_cmpstr (json_object_get_string_member (pre, "status"), ==, "NOT_TAKEN");
  g_assert_false (json_object_get_boolean_member (cs201, "prerequisites_met"));
  g_assert_true (json_object_get_boolean_member (cs101, "prerequisites_met"));

  enrolled = hub_call (fx, "POST", ENR "enroll_subject/", student, "{\"subject_id\":\"CS101\"}");
  g_assert_cmpuint (enrolled.status, ==, 201);
  after = hub_call (fx, "GET", "/api/v1/student/enrollment/1/available_subjects/", student, NULL);
  g_assert_cmpuint (after.status, ==, 200);
  a = reply_array (&after);
  g_assert_cmpuint (json_array_get_length (a), ==, 4);
  g_assert_null (find_code (a, "CS101"));
  cs201 = find_code (a, "CS201");
  pre = json_array_get_object_element (json_object_get_array_member (cs201, "prerequisites"), 0);
  g_assert_cmpstr (json_object_get_string_member (pre, "status"), ==, "ENROLLED");
  /* Only PASSED or CREDITED meet a prerequisite (D-E1). */
  g_assert_false (json_object_get_boolean_member (cs201, "prerequisites_met"));
  other = hub_call (fx, "GET", "/api/v1/student/enrollment/2024-FIRST/available_subjects/", student,
                NULL);
  hub_assert_error (&other, 404, "not_found");
}

/* Marks the notification @id read, as the read flags are kept (ops.md
 * §1.11: not an op), with a connection of its own. */
static void
mark_read (HubFixture *fx,
           gint64         id)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO notification_read (notification_id,"
                                          " read_at) VALUES (%" G_GINT64_FORMAT ", 1000000)", id);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The caller's notifications, newest first, with the read flag. */
static void
test_student_notifications (HubFixture *fx,
                            gconstpointer  data)
{
  g_autofree char *student = NULL;
  g_autofree char *cashier = NULL;
  g_auto(HubReply) before = { 0 };
  g_auto(HubReply) list = { 0 };
  g_auto(HubReply) read = { 0 };
  g_auto(HubReply) page2 = { 0 };
  g_auto(HubReply) not_student = { 0 };
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) l = NULL;
  g_autoptr(JsonObject) r = NULL;
  JsonArray *results;
  JsonObject *first;
  gint64 count;
  gboolean saw_payment = FALSE;

  student = hub_login (fx, "2025-00001", "student-pass");
  cashier = hub_login (fx, "cashier1", "cashier-pass");
  before = hub_call (fx, "GET", "/api/v1/student/notifications/", student, NULL);
  g_assert_cmpuint (before.status, ==, 200);
  b = hub_reply_object (&before);
  count = json_object_get_int_member (b, "count");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (b, "results")), ==,
                    count);

  open_enrollment (fx);
  list = hub_call (fx, "GET", "/api/v1/student/notifications/", student, NULL);
  g_assert_cmpuint (list.status, ==, 200);
  l = hub_reply_object (&list);
  /* The payment's PAYMENT notification and its permit's (D-X2). */
  g_assert_cmpint (json_object_get_int_member (l, "count"), >, count);
  g_assert_true (json_object_get_null_member (l, "next"));
  g_assert_true (json_object_get_null_member (l, "previous"));
  results = json_object_get_array_member (l, "results");
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *n = json_array_get_object_element (results, i);

      if (g_strcmp0 (json_object_get_string_member (n, "notification_type"), "PAYMENT") == 0)
        saw_payment = TRUE;
      if (i > 0)
        g_assert_cmpstr (json_object_get_string_member (
                           json_array_get_object_element (results, i - 1), "created_at"), >=,
                         json_object_get_string_member (n, "created_at"));
    }
  g_assert_true (saw_payment);
  first = json_array_get_object_element (results, 0);
  g_assert_false (json_object_get_boolean_member (first, "is_read"));
  g_assert_true (json_object_get_null_member (first, "read_at"));

  mark_read (fx, json_object_get_int_member (first, "id"));
  read = hub_call (fx, "GET", "/api/v1/student/notifications/", student, NULL);
  r = hub_reply_object (&read);
  first = json_array_get_object_element (json_object_get_array_member (r, "results"), 0);
  g_assert_true (json_object_get_boolean_member (first, "is_read"));
  g_assert_cmpstr (json_object_get_string_member (first, "read_at"), ==,
                   "1970-01-01T00:00:01Z");

  page2 = hub_call (fx, "GET", "/api/v1/student/notifications/?page=2", student, NULL);
  hub_assert_error (&page2, 404, "not_found");
  not_student = hub_call (fx, "GET", "/api/v1/student/notifications/", cashier, NULL);
  hub_assert_error (&not_student, 403, "forbidden");
}

/* ---- Public routes ------------------------------------------------------- */

/* P1, the program detail and P2, anonymous. */
static void
test_public_programs (HubFixture *fx,
                      gconstpointer  data)
{
  g_auto(HubReply) list = { 0 };
  g_auto(HubReply) page2 = { 0 };
  g_auto(HubReply) by_id = { 0 };
  g_auto(HubReply) by_code = { 0 };
  g_auto(HubReply) unknown = { 0 };
  g_auto(HubReply) subjects = { 0 };
  g_auto(HubReply) unknown_subjects = { 0 };
  g_auto(HubReply) full = { 0 };
  g_auto(HubReply) second = { 0 };
  g_auto(HubReply) third = { 0 };
  g_autofree char *registrar = NULL;
  g_autofree char *next = NULL;
  g_autoptr(JsonObject) f = NULL;
  g_autoptr(JsonObject) sp = NULL;
  g_autoptr(JsonObject) l = NULL;
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonArray) s = NULL;
  JsonObject *first, *cs201;
  JsonArray *pre;

  list = hub_call (fx, "GET", "/api/v1/public/programs/", NULL, NULL);
  g_assert_cmpuint (list.status, ==, 200);
  l = hub_reply_object (&list);
  g_assert_cmpint (json_object_get_int_member (l, "count"), ==, 1);
  g_assert_true (json_object_get_null_member (l, "next"));
  g_assert_true (json_object_get_null_member (l, "previous"));
  first = json_array_get_object_element (json_object_get_array_member (l, "results"), 0);
  g_assert_cmpint (json_object_get_int_member (first, "id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, "BSCS");
  g_assert_true (json_object_get_boolean_member (first, "is_active"));
  g_assert_true (json_object_has_member (first, "duration_years"));
  g_assert_true (json_object_has_member (first, "total_units_required"));
  g_assert_true (json_object_has_member (first, "description"));
  page2 = hub_call (fx, "GET", "/api/v1/public/programs/?page=2", NULL, NULL);
  hub_assert_error (&page2, 404, "not_found");

  by_id = hub_call (fx, "GET", "/api/v1/public/programs/1/", NULL, NULL);
  g_assert_cmpuint (by_id.status, ==, 200);
  p = hub_reply_object (&by_id);
  g_assert_cmpstr (json_object_get_string_member (p, "name"), ==,
                   "Bachelor of Science in Computer Science");
  by_code = hub_call (fx, "GET", "/api/v1/public/programs/BSCS/", NULL, NULL);
  g_assert_cmpstr (by_code.body, ==, by_id.body);
  unknown = hub_call (fx, "GET", "/api/v1/public/programs/99/", NULL, NULL);
  hub_assert_error (&unknown, 404, "not_found");

  subjects = hub_call (fx, "GET", "/api/v1/public/programs/BSCS/subjects/", NULL, NULL);
  g_assert_cmpuint (subjects.status, ==, 200);
  s = reply_array (&subjects);
  g_assert_cmpuint (json_array_get_length (s), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (s, 0), "code"),
                   ==, "CS101");
  cs201 = find_code (s, "CS201");
  g_assert_nonnull (cs201);
  g_assert_cmpint (json_object_get_int_member (cs201, "units"), ==, 3);
  g_assert_nonnull (json_object_get_string_member (cs201, "subject_type"));
  pre = json_object_get_array_member (cs201, "prerequisites");
  g_assert_cmpuint (json_array_get_length (pre), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (pre, 0), ==, "CS101");
  unknown_subjects = hub_call (fx, "GET", "/api/v1/public/programs/NURS/subjects/", NULL, NULL);
  hub_assert_error (&unknown_subjects, 404, "not_found");

  /* 21 programs: two pages of 20 and 1. */
  registrar = hub_login (fx, "registrar1", "registrar-pass");
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *op = g_strdup_printf ("{\"kind\":\"catalog.program.put\",\"args\":"
                                             "{\"code\":\"P%02u\",\"name\":\"Program %u\"}}",
                                             i, i);
      g_auto(HubReply) put = hub_call (fx, "POST", "/api/v1/ops/", registrar, op);

      g_assert_cmpuint (put.status, ==, 200);
    }
  full = hub_call (fx, "GET", "/api/v1/public/programs/", NULL, NULL);
  f = hub_reply_object (&full);
  g_assert_cmpint (json_object_get_int_member (f, "count"), ==, 21);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (f, "results")), ==, 20);
  next = g_strdup_printf ("http://127.0.0.1:%u/api/v1/public/programs/?page=2", fx->port);
  g_assert_cmpstr (json_object_get_string_member (f, "next"), ==, next);
  g_assert_true (json_object_get_null_member (f, "previous"));
  second = hub_call (fx, "GET", "/api/v1/public/programs/?page=2", NULL, NULL);
  g_assert_cmpuint (second.status, ==, 200);
  sp = hub_reply_object (&second);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sp, "results")), ==, 1);
  g_assert_true (json_object_get_null_member (sp, "next"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (sp, "previous"),
                                   "/api/v1/public/programs/?page=1"));
  third = hub_call (fx, "GET", "/api/v1/public/programs/?page=3", NULL, NULL);
  hub_assert_error (&third, 404, "not_found");
}


#define NEW_STUDENT "/api/v1/public/enrollment/new_student/"
#define ANA "{\"email\":\"ana@example.org\",\"first_name\":\"Ana\",\"last_name\":\"Lim\"," \
            "\"password\":\"ana-secret-1\",\"program_id\":\"BSCS\"}"

static void
test_public_new_student (HubFixture *fx,
                         gconstpointer  data)
{
  g_auto(HubReply) created = { 0 };
  g_auto(HubReply) replay = { 0 };
  g_auto(HubReply) duplicate = { 0 };
  g_auto(HubReply) unknown = { 0 };
  g_auto(HubReply) integer = { 0 };
  g_auto(HubReply) unknown_int = { 0 };
  g_autoptr(JsonObject) by_int = NULL;
  g_auto(HubReply) no_password = { 0 };
  g_auto(HubReply) extra = { 0 };
  g_auto(HubReply) profile = { 0 };
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autofree char *token = NULL;
  g_autofree char *by_number = NULL;

  hub_start (fx, &created, "POST", NEW_STUDENT, NULL, "signup-1", NULL, ANA);
  hub_wait (fx, &created);
  g_assert_cmpuint (created.status, ==, 201);
  p = hub_reply_object (&created);
  g_assert_cmpstr (json_object_get_string_member (p, "program_code"), ==, "BSCS");
  g_assert_cmpstr (json_object_get_string_member (p, "status"), ==, "ACTIVE");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (p, "user"),
                                                  "email"), ==, "ana@example.org");
  hub_start (fx, &replay, "POST", NEW_STUDENT, NULL, "signup-1", NULL, ANA);
  hub_wait (fx, &replay);
  g_assert_cmpuint (replay.status, ==, 201);
  g_assert_cmpstr (soup_message_headers_get_one (replay.headers, "Idempotent-Replayed"), ==,
                   "true");
  g_assert_cmpstr (replay.body, ==, created.body);

  /* The password became a credential: the new student can log in. */
  token = hub_login (fx, "ana@example.org", "ana-secret-1");
  by_number = hub_login (fx, json_object_get_string_member (p, "student_id"), "ana-secret-1");
  profile = hub_call (fx, "GET", "/api/v1/student/profile/me/", token, NULL);
  g_assert_cmpuint (profile.status, ==, 200);
  me = hub_reply_object (&profile);
  g_assert_cmpstr (json_object_get_string_member (me, "student_id"), ==,
                   json_object_get_string_member (p, "student_id"));

  duplicate = hub_call (fx, "POST", NEW_STUDENT, NULL, ANA);
  hub_assert_error (&duplicate, 400, "duplicate_email");
  unknown = hub_call (fx, "POST", NEW_STUDENT, NULL,
                  "{\"email\":\"b@example.org\",\"first_name\":\"B\",\"last_name\":\"C\","
                  "\"password\":\"pw\",\"program_id\":\"NURS\"}");
  hub_assert_error (&unknown, 404, "unknown_program");
  integer = hub_call (fx, "POST", NEW_STUDENT, NULL,
                  "{\"email\":\"b@example.org\",\"first_name\":\"B\",\"last_name\":\"C\","
                  "\"password\":\"pw\",\"program_id\":1}");
  g_assert_cmpuint (integer.status, ==, 201);
  by_int = hub_reply_object (&integer);
  g_assert_cmpstr (json_object_get_string_member (by_int, "program_code"), ==, "BSCS");
  unknown_int = hub_call (fx, "POST", NEW_STUDENT, NULL,
                      "{\"email\":\"d@example.org\",\"first_name\":\"D\",\"last_name\":\"E\","
                      "\"password\":\"pw\",\"program_id\":99}");
  hub_assert_error (&unknown_int, 404, "unknown_program");
  no_password = hub_call (fx, "POST", NEW_STUDENT, NULL,
                      "{\"email\":\"b@example.org\",\"first_name\":\"B\","
                      "\"last_name\":\"C\",\"program_id\":\"BSCS\"}");
  hub_assert_error (&no_password, 400, "invalid_args");
  extra = hub_call (fx, "POST", NEW_STUDENT, NULL,
                "{\"email\":\"b@example.org\",\"first_name\":\"B\",\"last_name\":\"C\","
                "\"password\":\"pw\",\"program_id\":\"BSCS\",\"role\":\"ADMIN\"}");
  hub_assert_error (&extra, 400, "invalid_args");
}

/* D-S3 with 3 requests per hour: per token when authenticated, per client
 * address when anonymous; the health routes are not counted. */
static const TalaHubServerOptions small_rates = { .quiet = TRUE, .rate_anon = 3, .rate_auth = 3 };

static void
test_rate_limits (HubFixture *fx,
                  gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_autofree char *registrar = hub_login (fx, "registrar1", "registrar-pass");
  const char *path = "/api/v1/cashier/search/search/?q=juan";
  g_auto(HubReply) limited = { 0 };
  g_auto(HubReply) other = { 0 };
  g_auto(HubReply) anon = { 0 };
  g_auto(HubReply) anon_limited = { 0 };
  g_auto(HubReply) after_bad = { 0 };
  gint64 retry;

  for (guint i = 0; i < 3; i++)
    {
      g_auto(HubReply) r = hub_call (fx, "GET", path, cashier, NULL);

      g_assert_cmpuint (r.status, ==, 200);
    }
  limited = hub_call (fx, "GET", path, cashier, NULL);
  hub_assert_error (&limited, 429, "rate_limited");
  retry = g_ascii_strtoll (soup_message_headers_get_one (limited.headers, "Retry-After"), NULL,
                           10);
  g_assert_cmpint (retry, >, 3500);
  g_assert_cmpint (retry, <=, 3600);
  /* Another token has its own window. */
  other = hub_call (fx, "GET", path, registrar, NULL);
  g_assert_cmpuint (other.status, ==, 200);

  /* Two logins were anonymous: one more passes, the next is limited. */
  anon = hub_call (fx, "POST", "/api-token-auth/", NULL,
               "{\"username\":\"cashier1\",\"password\":\"wrong\"}");
  hub_assert_error (&anon, 400, "invalid_credentials");
  anon_limited = hub_call (fx, "POST", "/api-token-auth/", NULL,
                       "{\"username\":\"cashier1\",\"password\":\"cashier-pass\"}");
  hub_assert_error (&anon_limited, 429, "rate_limited");
  g_assert_nonnull (soup_message_headers_get_one (anon_limited.headers, "Retry-After"));

  for (guint i = 0; i < 5; i++)
    {
      g_auto(HubReply) health = hub_call (fx, "GET", "/healthz", NULL, NULL);
      g_auto(HubReply) ready = hub_call (fx, "GET", "/readyz", NULL, NULL);
      g_auto(HubReply) metrics = hub_call (fx, "GET", "/metrics", NULL, NULL);

      g_assert_cmpuint (health.status, ==, 200);
      g_assert_cmpuint (ready.status, ==, 200);
      g_assert_cmpuint (metrics.status, ==, 200);
    }

  /* Made-up tokens count against the address with the anonymous limit;
   * once it is full, the address's requests with any token are limited. */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *fake = g_strdup_printf ("%064u", i);
      g_auto(HubReply) r = hub_call (fx, "GET", path, fake, NULL);

      if (i < 3)
        hub_assert_error (&r, 401, "unauthorized");
      else
        hub_assert_error (&r, 429, "rate_limited");
    }
  after_bad = hub_call (fx, "GET", path, registrar, NULL);
  hub_assert_error (&after_bad, 429, "rate_limited");
}

/* Stopping waits for nothing itself: a request already paused (in the
 * reader or writer stage) is still answered while the context runs. */
static void
test_stop_in_flight (HubFixture *fx,
                     gconstpointer  data)
{
  g_autofree char *cashier = hub_login (fx, "cashier1", "cashier-pass");
  g_auto(HubReply) r = { 0 };

  hub_start (fx, &r, "POST", PAY, cashier, NULL, NULL, PAYMENT_15000);
  while (tala_hub_server_in_flight (fx->server) == 0)
    g_main_context_iteration (fx->context, TRUE);
  tala_hub_server_stop (fx->server);
  hub_wait (fx, &r);
  g_assert_cmpuint (r.status, ==, 201);
  g_assert_cmpuint (tala_hub_server_in_flight (fx->server), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* The default proxy resolver (gnome) would read GSettings schemas. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/hub/server/" path, HubFixture, NULL, hub_fixture_setup, func, hub_fixture_teardown)
  ADD ("login", test_login);
  ADD ("unauthorized", test_unauthorized);
  ADD ("forbidden", test_forbidden);
  ADD ("record-payment", test_record_payment);
  ADD ("payment-errors", test_payment_errors);
  ADD ("void", test_void);
  ADD ("ops-endpoint", test_ops_endpoint);
  ADD ("adjust-and-rejected-replay", test_adjust_and_rejected_replay);
  ADD ("idempotency", test_idempotency);
  ADD ("idempotency-concurrent", test_idempotency_concurrent);
  ADD ("request-checks", test_request_checks);
  ADD ("body-refused-early", test_body_refused_early);
  ADD ("health", test_health);
  ADD ("openapi", test_openapi);
  ADD ("metrics", test_metrics);
  ADD ("stop-in-flight", test_stop_in_flight);
  ADD ("student-enroll-drop", test_student_enroll_drop);
  ADD ("student-reads", test_student_reads);
  ADD ("student-enrollment-list", test_student_enrollment_list);
  ADD ("student-available-subjects", test_student_available_subjects);
  ADD ("student-notifications", test_student_notifications);
  ADD ("public-programs", test_public_programs);
  ADD ("public-new-student", test_public_new_student);
#undef ADD
  g_test_add ("/hub/server/rate-limits", HubFixture, &small_rates, hub_fixture_setup,
              test_rate_limits, hub_fixture_teardown);
  tls_options.tls_cert = g_test_build_filename (G_TEST_DIST, "data", "test-tls-cert.pem", NULL);
  tls_options.tls_key = g_test_build_filename (G_TEST_DIST, "data", "test-tls-key.pem", NULL);
  g_test_add ("/hub/server/tls", HubFixture, &tls_options, hub_fixture_setup, test_tls,
              hub_fixture_teardown);

  status = g_test_run ();
  g_free ((char *) tls_options.tls_cert);
  g_free ((char *) tls_options.tls_key);
  return status;
}
