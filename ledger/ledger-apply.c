/* ledger-apply.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tala_ledger_apply(): the one path by which business data changes.  It
 * checks the envelope, answers replays from applied_op, validates the args
 * against the kind's spec, checks the actor's role, runs the kind's handler
 * inside a savepoint and, when it applies, appends the journal entry and
 * stores the result, all in the caller's write transaction (ops.md §1.4).
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

G_DEFINE_QUARK (tala-reject-quark, tala_reject)

/* The kinds this ledger knows.  scope: the arg that names the op's scope
 * (a student), or "=name" for a fixed scope. */
static const TalaKindInfo kinds[] = {
  { "catalog.program.put",  _tala_kind_program_put,       _tala_args_program_put,       ROLES_REG,   "=catalog" },
  { "catalog.section.put",  _tala_kind_section_put,       _tala_args_section_put,       ROLES_REG,   "=catalog" },
  { "catalog.semester.put", _tala_kind_semester_put,      _tala_args_semester_put,      ROLES_REG,   "=catalog" },
  { "catalog.subject.put",  _tala_kind_subject_put,       _tala_args_subject_put,       ROLES_REG,   "=catalog" },
  { "config.set",           _tala_kind_config_set,        _tala_args_config_set,        ROLES_ADM,   "=config" },
  { "credit.transfer",      _tala_kind_credit_transfer,   _tala_args_credit_transfer,   ROLES_REG,   "student" },
  { "enrollment.create",    _tala_kind_enrollment_create, _tala_args_enrollment_create, ROLES_ADMIT, "student" },
  { "grade.finalize",       _tala_kind_grade_finalize,    _tala_args_grade_finalize,    ROLES_REG,   "=grades" },
  { "grade.override",       _tala_kind_grade_override,    _tala_args_grade_override,    ROLES_REG,   "student" },
  { "grade.submit",         _tala_kind_grade_submit,      _tala_args_grade_submit,      ROLES_REG | ROLE_PROFESSOR, "student" },
  { "job.archive",          _tala_kind_job_archive,       _tala_args_job_archive,       ROLES_ADM,   "=jobs" },
  { "job.gpa_recalc",       _tala_kind_job_gpa_recalc,    _tala_args_job_gpa_recalc,    ROLES_ADM,   "=jobs" },
  { "job.inc_expiry",       _tala_kind_job_inc_expiry,    _tala_args_job_inc_expiry,    ROLES_ADM,   "=jobs" },
  { "job.payment_reminders", _tala_kind_job_payment_reminders, _tala_args_job_payment_reminders, ROLES_ADM, "=jobs" },
  { "job.permit_sweep",     _tala_kind_job_permit_sweep,  _tala_args_job_permit_sweep,  ROLES_ADM,   "=jobs" },
  { "loa.record",           _tala_kind_loa_record,        _tala_args_loa_record,        ROLES_REG,   "student" },
  { "payment.adjust",       _tala_kind_payment_adjust,    _tala_args_payment_adjust,    ROLES_CASH,  "payment" },
  { "payment.record",       _tala_kind_payment_record,    _tala_args_payment_record,    ROLES_CASH,  "student" },
  { "payment.void",         _tala_kind_payment_void,      _tala_args_payment_void,      ROLES_CASH,  "payment" },
  { "permit.promissory",    _tala_kind_permit_promissory, _tala_args_permit_promissory, ROLES_REG,   "student" },
  { "student.register",     _tala_kind_student_register,  _tala_args_student_register,  ROLES_ADMIT, "provisional_number" },
  { "student.update",       _tala_kind_student_update,    _tala_args_student_update,    ROLES_REG,   "student" },
  { "subject.drop",         _tala_kind_subject_drop,      _tala_args_subject_drop,      ROLES_REG | ROLE_STUDENT, "student" },
  { "subject.enroll",       _tala_kind_subject_enroll,    _tala_args_subject_enroll,    ROLES_REG | ROLE_STUDENT, "student" },
  { "user.put",             _tala_kind_user_put,          _tala_args_user_put,          ROLES_ADM,   "=users" },
};

const TalaKindInfo *
_tala_kind_lookup (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kinds[i].kind, kind) == 0)
      return &kinds[i];
  return NULL;
}

/* ---- Batches (deferral state of one push or apply file) ------------------ */

struct _TalaBatch
{
  GHashTable *deferred;  /* scope key → op_id of the first deferred op of it */
  gint64      clock;     /* the newest hub_time seen, µs */
  gboolean    forget_rejections;  /* the op_ids are not the client's */
};

TalaBatch *
tala_batch_new (void)
{
  TalaBatch *batch = g_new0 (TalaBatch, 1);

  batch->deferred = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return batch;
}

/**
 * tala_batch_set_forget_rejections:
 *
 * The ops of @batch carry op_ids the hub made (a REST call without an
 * Idempotency-Key): nobody can send them again, so a rejection is answered
 * but not stored (ops.md §1.4).
 */
void
tala_batch_set_forget_rejections (TalaBatch *batch,
                                  gboolean   forget)
{
  batch->forget_rejections = forget;
}

void
tala_batch_free (TalaBatch *batch)
{
  if (batch == NULL)
    return;
  g_hash_table_unref (batch->deferred);
  g_free (batch);
}

/* ---- Rejections ---------------------------------------------------------- */

gboolean
tala_reject (TalaCtx     *ctx,
             GError     **error,
             const char  *code,
             JsonObject  *details,
             const char  *format,
             ...)
{
  va_list ap;
  g_autofree char *message = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  ctx->reject_code = code;
  g_clear_pointer (&ctx->reject_details, json_object_unref);
  ctx->reject_details = details;
  g_set_error_literal (error, TALA_REJECT, TALA_REJECT_REJECTED, message);
  return FALSE;
}

gboolean
tala_defer (TalaCtx     *ctx,
            GError     **error,
            const char  *waiting_for,
            const char  *format,
            ...)
{
  va_list ap;
  g_autofree char *message = NULL;
  JsonObject *details = json_object_new ();

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  json_object_set_string_member (details, "waiting_for", waiting_for);
  ctx->reject_code = "unknown_reference";
  g_clear_pointer (&ctx->reject_details, json_object_unref);
  ctx->reject_details = details;
  g_set_error_literal (error, TALA_REJECT, TALA_REJECT_DEFERRED, message);
  return FALSE;
}

JsonObject *
details_field (const char *field)
{
  JsonObject *details = json_object_new ();

  json_object_set_string_member (details, "field", field);
  return details;
}

static JsonObject *
error_envelope (const char *op_id,
                const char *status,
                const char *code,
                const char *message,
                JsonObject *details)
{
  JsonObject *result = json_object_new ();
  JsonObject *err = json_object_new ();

  json_object_set_string_member (err, "code", code);
  json_object_set_string_member (err, "message", message);
  if (details != NULL)
    json_object_set_object_member (err, "details", json_object_ref (details));
  obj_set_str (result, "op_id", op_id);
  json_object_set_string_member (result, "status", status);
  json_object_set_object_member (result, "error", err);
  return result;
}

/* ---- Audit and notifications --------------------------------------------- */

gboolean
_tala_audit_append (TalaLedger *self,
                    gint64      hub_seq,
                    const char *op_id,
                    const char *action,
                    const char *actor,
                    const char *target_model,
                    const char *target_id,
                    JsonObject *before,
                    JsonObject *after,
                    gint64      at,
                    GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *before_json = tala_json_canonical_object (before);
  g_autofree char *after_json = tala_json_canonical_object (after);
  g_autoptr(GString) entry = g_string_sized_new (256);
  g_autofree char *hash = NULL;
  g_autofree char *prev = NULL;
  int rc;

  stmt = tala_db_query (self, error, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1", NULL);
  if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
    return FALSE;
  prev = g_strdup (rc == SQLITE_ROW ? tala_stmt_text (stmt, 0) : "");
  g_clear_pointer (&stmt, tala_stmt_release);

  /* The canonical entry, members in byte order (ops.md §1.2), built from
   * the already canonical before and after: prev_hash || entry is hashed. */
  g_string_append (entry, prev);
  g_string_append (entry, "{\"action\":");
  tala_json_append_string (entry, action);
  if (actor != NULL)
    {
      g_string_append (entry, ",\"actor\":");
      tala_json_append_string (entry, actor);
    }
  g_string_append_printf (entry, ",\"after\":%s,\"at\":%" G_GINT64_FORMAT ",\"before\":%s",
                          after_json, at, before_json);
  if (hub_seq > 0)
    g_string_append_printf (entry, ",\"hub_seq\":%" G_GINT64_FORMAT, hub_seq);
  if (op_id != NULL)
    {
      g_string_append (entry, ",\"op_id\":");
      tala_json_append_string (entry, op_id);
    }
  g_string_append (entry, ",\"target_id\":");
  tala_json_append_string (entry, target_id);
  g_string_append (entry, ",\"target_model\":");
  tala_json_append_string (entry, target_model);
  g_string_append_c (entry, '}');
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, entry->str, entry->len);

  return tala_db_exec (self, error,
                       "INSERT INTO audit (hub_seq, op_id, action, actor, target_model, target_id,"
                       " before_json, after_json, at, prev_hash, hash)"
                       " VALUES (:seq, :op, :action, :actor, :model, :target, :before, :after,"
                       " :at, :prev, :hash)",
                       ":seq", hub_seq > 0 ? DB_INT : DB_NULL, hub_seq,
                       ":op", DB_TEXT, op_id,
                       ":action", DB_TEXT, action,
                       ":actor", DB_TEXT, actor,
                       ":model", DB_TEXT, target_model,
                       ":target", DB_TEXT, target_id,
                       ":before", DB_TEXT, before_json,
                       ":after", DB_TEXT, after_json,
                       ":at", DB_INT, at,
                       ":prev", DB_TEXT, prev,
                       ":hash", DB_TEXT, hash,
                       NULL);
}

gboolean
tala_audit (TalaCtx    *ctx,
            const char *action,
            const char *target_model,
            const char *target_id,
            JsonObject *before,
            JsonObject *after,
            GError    **error)
{
  g_autoptr(JsonObject) b = before ? before : json_object_new ();
  g_autoptr(JsonObject) a = after ? after : json_object_new ();

  return _tala_audit_append (ctx->ledger, ctx->hub_seq, ctx->op_id, action, ctx->actor,
                             target_model, target_id, b, a, ctx->applied_at, error);
}

gboolean
tala_notify (TalaCtx    *ctx,
             gint64      user_id,
             const char *type,
             const char *title,
             const char *message,
             const char *related,
             GError    **error)
{
  return tala_db_exec (ctx->ledger, error,
                       "INSERT INTO notification (user_id, type, title, message, related,"
                       " created_at, hub_seq)"
                       " VALUES (:user, :type, :title, :message, :related, :at, :seq)",
                       ":user", DB_INT, user_id,
                       ":type", DB_TEXT, type,
                       ":title", DB_TEXT, title,
                       ":message", DB_TEXT, message,
                       ":related", DB_TEXT, related,
                       ":at", DB_INT, ctx->applied_at,
                       ":seq", DB_INT, ctx->hub_seq,
                       NULL);
}

/* ---- The envelope -------------------------------------------------------- */

static gboolean
valid_uuid (const char *s)
{
  static const int dash[] = { 8, 13, 18, 23 };
  gboolean nonzero = FALSE;

  if (s == NULL || strlen (s) != 36)
    return FALSE;
  for (int i = 0, d = 0; i < 36; i++)
    {
      if (d < 4 && i == dash[d])
        {
          if (s[i] != '-')
            return FALSE;
          d++;
          continue;
        }
      if (!g_ascii_isdigit (s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
        return FALSE;
      nonzero |= s[i] != '0';
    }
  return nonzero;
}

gboolean
_tala_valid_uuid (const char *s)
{
  return valid_uuid (s);
}

static gboolean
valid_device (const char *s)
{
  gsize len = s ? strlen (s) : 0;

  if (len < 2 || len > 8 || !g_ascii_isupper (s[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isupper (s[i]) && !g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static const char *
member_string (JsonObject *obj,
               const char *name,
               gboolean   *bad)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *bad = TRUE;
      return NULL;
    }
  return json_node_get_string (node);
}

/* Checks step 1 of ops.md §1.4 and fills the envelope fields of @ctx.
 * Returns a message on failure (static or owned by @ctx's op). */
static const char *
parse_envelope (TalaCtx    *ctx,
                JsonObject *op,
                gint64     *hub_time,
                gboolean   *has_hub_time)
{
  gboolean bad = FALSE;
  const char *recorded, *hub_time_text;
  JsonNode *node;

  ctx->op_id = member_string (op, "op_id", &bad);
  if (!valid_uuid (ctx->op_id))
    return "op_id must be a lower-case UUID";
  ctx->kind = member_string (op, "kind", &bad);
  if (ctx->kind == NULL)
    return "kind is required";
  ctx->device = member_string (op, "device", &bad);
  if (ctx->device != NULL && !valid_device (ctx->device))
    return "device must be a terminal code such as C01";
  ctx->actor = member_string (op, "actor", &bad);
  recorded = member_string (op, "recorded_at", &bad);
  if (recorded != NULL && !tala_timestamp_parse (recorded, &ctx->recorded_at))
    return "recorded_at must be an RFC 3339 UTC timestamp";
  /* Kept in whole seconds, as the journal writes it. */
  ctx->recorded_at -= ctx->recorded_at % G_USEC_PER_SEC;
  hub_time_text = member_string (op, "hub_time", &bad);
  *has_hub_time = hub_time_text != NULL;
  if (hub_time_text != NULL && !tala_timestamp_parse (hub_time_text, hub_time))
    return "hub_time must be an RFC 3339 UTC timestamp";
  if (bad)
    return "envelope members have the wrong type";
  node = json_object_get_member (op, "device_seq");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 1)
        return "device_seq must be an integer ≥ 1";
      ctx->device_seq = json_node_get_int (node);
    }
  node = json_object_get_member (op, "args");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return "args must be an object";
  ctx->args = json_node_get_object (node);
  if (ctx->channel == TALA_CHANNEL_PUSH &&
      (ctx->device == NULL || ctx->device_seq == 0 || recorded == NULL))
    return "a pushed op needs device, device_seq and recorded_at";
  return NULL;
}

/* ---- Business date ------------------------------------------------------- */

/* The business date of @applied_at (ops.md §1.8): its UTC date shifted by
 * config utc_offset, as YYYY-MM-DD. */
gboolean
_tala_business_date (TalaLedger *self,
                     gint64      applied_at,
                     char        out[11],
                     GError    **error)
{
  g_autofree char *offset = tala_config_str (self, "utc_offset", error);
  gint64 shift, secs;
  int sign;

  if (offset == NULL)
    return FALSE;
  sign = offset[0] == '-' ? -1 : 1;
  shift = sign * ((offset[1] - '0') * 10 + (offset[2] - '0')) * 3600 +
          sign * ((offset[4] - '0') * 10 + (offset[5] - '0')) * 60;
  secs = applied_at / 1000000 + shift;
  tala_date_format (secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400), out);
  return TRUE;
}

/* ---- Applying ------------------------------------------------------------ */

static const char *
role_name_to_flag_name (TalaRole role)
{
  switch (role)
    {
    case ROLE_STUDENT: return "STUDENT";
    case ROLE_PROFESSOR: return "PROFESSOR";
    case ROLE_CASHIER: return "CASHIER";
    case ROLE_REGISTRAR: return "REGISTRAR";
    case ROLE_HEAD_REGISTRAR: return "HEAD_REGISTRAR";
    case ROLE_ADMISSION_STAFF: return "ADMISSION_STAFF";
    case ROLE_ADMIN: return "ADMIN";
    default: return "SYSTEM";
    }
}

TalaRole
_tala_role_from_name (const char *name)
{
  for (TalaRole r = ROLE_STUDENT; r <= ROLE_ADMIN; r <<= 1)
    if (g_strcmp0 (role_name_to_flag_name (r), name) == 0)
      return r;
  return ROLE_NONE;
}

/* Step 4: the actor exists and its role admits the kind. */
static gboolean
check_actor (TalaCtx            *ctx,
             const TalaKindInfo *info,
             GError            **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  if (ctx->actor == NULL)
    {
      if (ctx->channel == TALA_CHANNEL_TRUSTED || ctx->channel == TALA_CHANNEL_JOBS ||
          (ctx->channel == TALA_CHANNEL_REST && strcmp (ctx->kind, "student.register") == 0))
        {
          ctx->role = ROLE_SYSTEM;
          return TRUE;
        }
      return tala_reject (ctx, error, "forbidden", NULL, "an actor is required");
    }
  stmt = tala_db_query (ctx->ledger, error, "SELECT id, role FROM user WHERE username = :u",
                        ":u", DB_TEXT, ctx->actor, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return tala_reject (ctx, error, "forbidden", NULL, "unknown actor %s", ctx->actor);
  ctx->actor_id = tala_stmt_int (stmt, 0);
  ctx->role = _tala_role_from_name (tala_stmt_text (stmt, 1));
  if ((ctx->role & info->roles) == 0)
    return tala_reject (ctx, error, "forbidden", NULL, "%s (%s) may not %s", ctx->actor,
                        role_name_to_flag_name (ctx->role), ctx->kind);
  return TRUE;
}

static char *
op_scope (TalaCtx            *ctx,
          const TalaKindInfo *info)
{
  const char *value;

  if (info->scope[0] == '=')
    return g_strdup (info->scope + 1);
  value = arg_str (ctx, info->scope);
  return value ? g_strdup (value) : NULL;
}

static gboolean
store_decision (TalaCtx    *ctx,
                const char *body_hash,
                const char *status,
                JsonObject *result,
                GError    **error)
{
  g_autofree char *text = tala_json_canonical_object (result);

  return tala_db_exec (ctx->ledger, error,
                       "INSERT INTO applied_op (op_id, body_hash, status, result_json, hub_seq,"
                       " creates_key, decided_at)"
                       " VALUES (:op, :hash, :status, :result, :seq, :key, :at)",
                       ":op", DB_TEXT, ctx->op_id,
                       ":hash", DB_TEXT, body_hash,
                       ":status", DB_TEXT, status,
                       ":result", DB_TEXT, text,
                       ":seq", strcmp (status, "applied") == 0 ? DB_INT : DB_NULL, ctx->hub_seq,
                       ":key", DB_TEXT, ctx->creates_key,
                       ":at", DB_INT, ctx->applied_at,
                       NULL);
}

static gboolean
append_journal (TalaCtx  *ctx,
                GError  **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *recorded = tala_timestamp_format (ctx->recorded_at);
  g_autoptr(GString) op = g_string_sized_new (strlen (ctx->args_json) + 256);
  g_autoptr(GString) entry = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *prev = NULL;
  int rc;

  /* The canonical op: members in byte order, the args' canonical text
   * reused from the body hash. */
  g_string_append_c (op, '{');
  if (ctx->actor != NULL)
    {
      g_string_append (op, "\"actor\":");
      tala_json_append_string (op, ctx->actor);
      g_string_append_c (op, ',');
    }
  g_string_append_printf (op, "\"args\":%s,\"device\":", ctx->args_json);
  tala_json_append_string (op, ctx->device);
  g_string_append_printf (op, ",\"device_seq\":%" G_GINT64_FORMAT ",\"kind\":", ctx->device_seq);
  tala_json_append_string (op, ctx->kind);
  g_string_append (op, ",\"op_id\":");
  tala_json_append_string (op, ctx->op_id);
  g_string_append (op, ",\"recorded_at\":");
  tala_json_append_string (op, recorded);
  g_string_append_c (op, '}');

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT hash FROM journal ORDER BY hub_seq DESC LIMIT 1", NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  prev = g_strdup (rc == SQLITE_ROW ? tala_stmt_text (stmt, 0) : "");
  g_clear_pointer (&stmt, tala_stmt_release);

  /* hash = sha256 (prev_hash || canonical {applied_at, hub_seq, op}). */
  entry = g_string_sized_new (op->len + 128);
  g_string_append_printf (entry, "%s{\"applied_at\":%" G_GINT64_FORMAT ",\"hub_seq\":%"
                          G_GINT64_FORMAT ",\"op\":%s}", prev, ctx->applied_at, ctx->hub_seq,
                          op->str);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, entry->str, entry->len);

  return tala_db_exec (ctx->ledger, error,
                       "INSERT INTO journal (hub_seq, op_id, kind, op_json, applied_at,"
                       " prev_hash, hash)"
                       " VALUES (:seq, :op, :kind, :json, :at, :prev, :hash)",
                       ":seq", DB_INT, ctx->hub_seq,
                       ":op", DB_TEXT, ctx->op_id,
                       ":kind", DB_TEXT, ctx->kind,
                       ":json", DB_TEXT, op->str,
                       ":at", DB_INT, ctx->applied_at,
                       ":prev", DB_TEXT, prev,
                       ":hash", DB_TEXT, hash,
                       NULL);
}

/* Terminal counters: the highest device_seq, receipt and provisional
 * numbers a device has used, whatever became of the op (ops.md §3). */
static gboolean
note_device_numbers (TalaCtx  *ctx,
                     GError  **error)
{
  gint64 receipt = 0, provisional = 0;
  const char *text;
  gsize len = strlen (ctx->device);

  if ((text = arg_str (ctx, "receipt_no")) != NULL &&
      strncmp (text, ctx->device, len) == 0 && text[len] == '-')
    receipt = g_ascii_strtoll (text + len + 1, NULL, 10);
  if ((text = arg_str (ctx, "provisional_number")) != NULL &&
      g_str_has_prefix (text, "P-") && strncmp (text + 2, ctx->device, len) == 0 &&
      text[2 + len] == '-')
    provisional = g_ascii_strtoll (text + 3 + len, NULL, 10);
  return tala_db_exec (ctx->ledger, error,
                       "INSERT INTO device_counter (device, max_receipt, max_device_seq,"
                       " max_provisional) VALUES (:d, :r, :s, :p)"
                       " ON CONFLICT (device) DO UPDATE SET"
                       " max_receipt = max (max_receipt, excluded.max_receipt),"
                       " max_device_seq = max (max_device_seq, excluded.max_device_seq),"
                       " max_provisional = max (max_provisional, excluded.max_provisional)",
                       ":d", DB_TEXT, ctx->device,
                       ":r", DB_INT, receipt,
                       ":s", DB_INT, ctx->device_seq,
                       ":p", DB_INT, provisional,
                       NULL);
}

/* Looks up a stored decision.  Returns TRUE and sets *@result when @op_id
 * was decided before (a replay, or idempotency_mismatch). */
static gboolean
lookup_decision (TalaCtx     *ctx,
                 const char  *body_hash,
                 JsonObject **result,
                 GError     **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *stored;
  int rc;

  *result = NULL;
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT body_hash, status, result_json FROM applied_op WHERE op_id = :op",
                        ":op", DB_TEXT, ctx->op_id, NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return TRUE;
  if (strcmp (tala_stmt_text (stmt, 0), body_hash) != 0)
    {
      g_autofree char *message = g_strdup_printf ("op %s was already used with a different body",
                                                  ctx->op_id);

      *result = error_envelope (ctx->op_id, "rejected", "idempotency_mismatch", message, NULL);
      return TRUE;
    }
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, tala_stmt_text (stmt, 2), -1, error))
    return FALSE;
  stored = json_node_get_object (json_parser_get_root (parser));
  *result = json_object_ref (stored);
  if (strcmp (tala_stmt_text (stmt, 1), "applied") == 0)
    json_object_set_string_member (*result, "status", "replayed");
  else
    json_object_set_boolean_member (*result, "replayed", TRUE);
  return TRUE;
}

static JsonObject *
applied_envelope (TalaCtx *ctx)
{
  JsonObject *result = json_object_new ();
  g_autofree char *at = tala_timestamp_format (ctx->applied_at);

  json_object_set_string_member (result, "applied_at", at);
  json_object_set_int_member (result, "hub_seq", ctx->hub_seq);
  json_object_set_string_member (result, "op_id", ctx->op_id);
  json_object_set_object_member (result, "result", json_object_ref (ctx->result));
  json_object_set_string_member (result, "status", "applied");
  return result;
}

/* Stores a rejection for replay, notes the device's numbers and, for ops
 * that came by push or apply, writes a SYNC_REJECTED audit entry. */
static gboolean
store_rejection (TalaCtx    *ctx,
                 const char *body_hash,
                 JsonObject *result,
                 GError    **error)
{
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;

  if (!store_decision (ctx, body_hash, "rejected", result, error) ||
      !note_device_numbers (ctx, error))
    return FALSE;
  if (ctx->channel != TALA_CHANNEL_PUSH && ctx->channel != TALA_CHANNEL_TRUSTED)
    return TRUE;
  before = json_object_new ();
  after = json_object_new ();
  json_object_set_string_member (after, "kind", ctx->kind);
  json_object_set_string_member (after, "code", ctx->reject_code);
  /* A receipt number a terminal printed is used even when the op is
   * rejected (D-S4): the report of the day can name it. */
  obj_set_str (after, "device", ctx->device);
  obj_set_str (after, "receipt_no", arg_str (ctx, "receipt_no"));
  return _tala_audit_append (ctx->ledger, 0, ctx->op_id, "SYNC_REJECTED", ctx->actor, "Op",
                             ctx->op_id, before, after, ctx->applied_at, error);
}

/* Runs steps 3–6 inside a savepoint.  Returns FALSE with @error set: in
 * TALA_REJECT for a rejection or deferral, else for a failure. */
static gboolean
run_kind (TalaCtx            *ctx,
          const TalaKindInfo *info,
          GError            **error)
{
  if (!_tala_args_validate (ctx, ctx->args, info->args, NULL, error))
    return FALSE;
  if (!check_actor (ctx, info, error))
    return FALSE;
  if (!info->func (ctx, error))
    return FALSE;
  return append_journal (ctx, error);
}

static void
ctx_clear (TalaCtx *ctx)
{
  g_clear_pointer (&ctx->result, json_object_unref);
  g_clear_pointer (&ctx->reject_details, json_object_unref);
  g_clear_pointer (&ctx->creates_key, g_free);
}

JsonObject *
_tala_ledger_apply_at (TalaLedger  *self,
                       JsonObject  *op,
                       TalaChannel  channel,
                       gint64       now_us,
                       gboolean     exact_time,
                       TalaBatch   *batch,
                       GError     **error)
{
  TalaCtx ctx = { .ledger = self, .channel = channel };
  const TalaKindInfo *info;
  const char *problem;
  g_autofree char *args_json = NULL;
  g_autofree char *body = NULL;
  g_autofree char *body_hash = NULL;
  g_autofree char *scope = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *result = NULL;
  gint64 hub_time = 0, seq;
  gboolean has_hub_time = FALSE, own;

  problem = parse_envelope (&ctx, op, &hub_time, &has_hub_time);
  if (problem != NULL)
    return error_envelope (valid_uuid (ctx.op_id) ? ctx.op_id : NULL, "rejected",
                           "invalid_envelope", problem, NULL);
  info = _tala_kind_lookup (ctx.kind);
  if (info == NULL || (channel == TALA_CHANNEL_PUSH && g_str_has_prefix (ctx.kind, "job.")))
    {
      g_autofree char *message = g_strdup_printf ("unknown op kind “%s”", ctx.kind);

      return error_envelope (ctx.op_id, "rejected", "unknown_kind", message, NULL);
    }

  /* The clock: apply's hub_time, else the previous op's time (apply), else
   * the hub clock, never going back along hub_seq (ops.md §1.8, §4.1). */
  if (exact_time)
    ctx.applied_at = now_us;
  else if (has_hub_time && channel == TALA_CHANNEL_TRUSTED)
    {
      gint64 floor = MAX (self->last_applied, batch ? batch->clock : 0);

      if (hub_time < floor)
        return error_envelope (ctx.op_id, "rejected", "invalid_hub_time",
                               "hub_time is earlier than the previous op's time", NULL);
      ctx.applied_at = hub_time;
      if (batch)
        batch->clock = hub_time;
    }
  else if (channel == TALA_CHANNEL_TRUSTED && (self->last_applied > 0 || (batch && batch->clock)))
    ctx.applied_at = MAX (self->last_applied, batch ? batch->clock : 0);
  else
    ctx.applied_at = MAX (now_us, self->last_applied);

  args_json = tala_json_canonical (json_object_get_member (op, "args"));
  body = _tala_op_body (op, args_json);
  body_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, body, -1);
  ctx.args_json = args_json;

  /* In the caller's transaction when there is one (then only the op's own
   * savepoint is opened), else in a transaction of its own. */
  own = self->depth == 0;
  if (own && !tala_ledger_begin (self, error))
    return NULL;
  if (!lookup_decision (&ctx, body_hash, &result, error))
    goto fail;
  if (result != NULL)
    goto done;

  if (ctx.device == NULL)
    ctx.device = "HUB";
  if (ctx.device_seq == 0 &&
      !tala_db_int (self, &ctx.device_seq, NULL, error,
                    "SELECT coalesce(max(max_device_seq), 0) + 1 FROM device_counter"
                    " WHERE device = :d", ":d", DB_TEXT, ctx.device, NULL))
    goto fail;
  /* Whole seconds, as the journal's op spells it: a replay of the entry
   * must store the same value (ops.md §1.6). */
  if (!json_object_has_member (op, "recorded_at"))
    ctx.recorded_at = ctx.applied_at - ctx.applied_at % G_USEC_PER_SEC;
  if (!_tala_business_date (self, ctx.applied_at, ctx.today, error) ||
      !tala_db_int (self, &seq, NULL, error,
                    "SELECT coalesce(max(hub_seq), 0) + 1 FROM journal", NULL))
    goto fail;
  ctx.hub_seq = seq;
  ctx.result = json_object_new ();

  /* In one batch, a scope with a deferred op defers the rest of it. */
  scope = op_scope (&ctx, info);
  if (batch && scope && g_hash_table_contains (batch->deferred, scope))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "waiting_for",
                                     g_hash_table_lookup (batch->deferred, scope));
      result = error_envelope (ctx.op_id, "deferred", "blocked",
                               "an earlier op of the same scope is deferred", details);
      goto done;
    }

  /* The client-made key a registration creates is remembered even when the
   * op is rejected, so that ops waiting for it are rejected too (§1.5). */
  if (strcmp (ctx.kind, "student.register") == 0)
    ctx.creates_key = g_strdup (arg_str (&ctx, "provisional_number"));

  /* The op's savepoint holds its effects, its journal entry and its stored
   * result: all or nothing. */
  if (!tala_ledger_begin (self, error))
    goto fail;
  if (run_kind (&ctx, info, &local_error))
    {
      result = applied_envelope (&ctx);
      if (!store_decision (&ctx, body_hash, "applied", result, error) ||
          !note_device_numbers (&ctx, error))
        {
          tala_ledger_rollback (self);
          goto fail_result;
        }
      if (!tala_ledger_commit (self, error))
        goto fail_result;
      self->last_applied = ctx.applied_at;
      goto done;
    }
  tala_ledger_rollback (self);

  if (local_error->domain != TALA_REJECT)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }
  if (local_error->code == TALA_REJECT_DEFERRED)
    {
      result = error_envelope (ctx.op_id, "deferred", ctx.reject_code, local_error->message,
                               ctx.reject_details);
      if (batch && scope)
        g_hash_table_insert (batch->deferred, g_strdup (scope), g_strdup (ctx.op_id));
      goto done;
    }

  /* A rejection changes no business data; its decision is stored. */
  result = error_envelope (ctx.op_id, "rejected", ctx.reject_code, local_error->message,
                           ctx.reject_details);
  if (batch != NULL && batch->forget_rejections)
    goto done;
  if (!tala_ledger_begin (self, error))
    goto fail_result;
  if (!store_rejection (&ctx, body_hash, result, error))
    {
      tala_ledger_rollback (self);
      goto fail_result;
    }
  if (!tala_ledger_commit (self, error))
    goto fail_result;

done:
  if (own && !tala_ledger_commit (self, error))
    {
      g_clear_pointer (&result, json_object_unref);
      own = FALSE;
      goto fail;
    }
  ctx_clear (&ctx);
  return result;

fail_result:
  g_clear_pointer (&result, json_object_unref);
fail:
  if (own)
    tala_ledger_rollback (self);
  ctx_clear (&ctx);
  return NULL;
}

/**
 * tala_ledger_apply:
 * @self: a ledger
 * @op: the op envelope (ops.md §1.1)
 * @channel: where the op came from; decides whether a null actor is allowed
 * @now_us: the hub clock in µs (used unless the trusted channel gives hub_time)
 * @batch: (nullable): deferral state of the push or file the op belongs to
 * @error: return location for a #GError
 *
 * Applies @op exactly once, in the caller's transaction if one is open
 * (a savepoint per op), else in its own BEGIN IMMEDIATE transaction.  The
 * result envelope of ops.md §1.3 comes back for every business outcome:
 * applied, replayed, rejected (stored and replayed identically) or deferred
 * (not stored).  %NULL with @error set means the ledger failed (SQLite error
 * or busy past the timeout) and nothing was decided.  Blocks on SQLite.
 *
 * Returns: (transfer full): the result envelope
 */
JsonObject *
tala_ledger_apply (TalaLedger  *self,
                   JsonObject  *op,
                   TalaChannel  channel,
                   gint64       now_us,
                   TalaBatch   *batch,
                   GError     **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (op != NULL, NULL);

  return _tala_ledger_apply_at (self, op, channel, now_us, FALSE, batch, error);
}
