/* ledger-students.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Students: registration with hub-issued numbers (D-A3), provisional
 * aliases from terminals, and resolving a number named in an op.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

static const char * const vias[] = { "DESK", "ONLINE", NULL };

static const TalaArgSpec enrollment_sub[] = {
  { "semester", ARG_SEM, TRUE },
  { "monthly_commitment", ARG_MONEY, TRUE, TALA_MONEY_NON_NEGATIVE },
  { NULL }
};

const TalaArgSpec _tala_args_student_register[] = {
  { "first_name", ARG_TEXT, TRUE, .max = 150 },
  { "last_name", ARG_TEXT, TRUE, .max = 150 },
  { "program", ARG_CODE, TRUE },
  { "email", ARG_TEXT, FALSE, .max = 254 },
  { "phone_number", ARG_TEXT, FALSE, .max = 20 },
  { "address", ARG_NOTE, FALSE, .max = 500 },
  { "date_of_birth", ARG_DATE, FALSE },
  { "is_transferee", ARG_BOOL, FALSE },
  { "enrollment_year", ARG_INT, FALSE, 2000, 2999 },
  { "provisional_number", ARG_NUM, FALSE },
  { "via", ARG_ENUM, FALSE, .choices = vias },
  { "enrollment", ARG_OBJECT, FALSE, .sub = enrollment_sub },
  { NULL }
};

/**
 * tala_student_resolve:
 * @ctx: the op's context
 * @number: a student number or a provisional alias
 * @student_id: (out): the student's row id
 *
 * Rejects unknown_student for a number no student holds, except a
 * provisional number the hub has not seen yet: that defers the op (ops.md
 * §1.5), unless its registering op was rejected, or the op came by REST.
 */
gboolean
tala_student_resolve (TalaCtx    *ctx,
                      const char *number,
                      gint64     *student_id,
                      GError    **error)
{
  gboolean found;
  gint64 rejected;

  if (!tala_db_int (ctx->ledger, student_id, &found, error,
                    "SELECT id FROM student WHERE number = :n"
                    " UNION ALL SELECT id FROM student WHERE provisional_number = :n LIMIT 1",
                    ":n", DB_TEXT, number, NULL))
    return FALSE;
  if (found)
    return TRUE;
  if (g_str_has_prefix (number, "P-") && ctx->channel != TALA_CHANNEL_REST)
    {
      if (!tala_db_int (ctx->ledger, &rejected, &found, error,
                        "SELECT 1 FROM applied_op WHERE creates_key = :n AND status = 'rejected'",
                        ":n", DB_TEXT, number, NULL))
        return FALSE;
      if (!found)
        return tala_defer (ctx, error, number, "student %s has not reached the hub yet", number);
    }
  return tala_reject (ctx, error, "unknown_student", NULL,
                      "no student %s", number);
}

char *
tala_student_number (TalaLedger *self,
                     gint64      student_id,
                     GError    **error)
{
  g_autoptr(TalaStmt) stmt = tala_db_query (self, error,
                                            "SELECT number FROM student WHERE id = :s",
                                            ":s", DB_INT, student_id, NULL);

  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return NULL;
  return g_strdup (tala_stmt_text (stmt, 0));
}

/* Checks the provisional number rule: required exactly when the op comes
 * from a terminal, and of the form P-<device>-NNNN. */
static gboolean
check_provisional (TalaCtx    *ctx,
                   const char *provisional,
                   GError    **error)
{
  gboolean hub = strcmp (ctx->device, "HUB") == 0;
  g_autofree char *prefix = g_strdup_printf ("P-%s-", ctx->device);
  const char *digits;

  if (hub && provisional == NULL)
    return TRUE;
  if (hub || provisional == NULL)
    return tala_reject (ctx, error, "invalid_args", details_field ("provisional_number"),
                        hub ? "the hub numbers students itself; provisional_number must be absent"
                            : "a terminal's registration needs a provisional_number");
  digits = provisional + strlen (prefix);
  if (!g_str_has_prefix (provisional, prefix) || strlen (digits) < 4 ||
      strspn (digits, "0123456789") != strlen (digits))
    return tala_reject (ctx, error, "invalid_args", details_field ("provisional_number"),
                        "provisional_number must be %sNNNN", prefix);
  return TRUE;
}

static JsonArray *
possible_duplicates (TalaCtx    *ctx,
                     gint64      student_id,
                     GError    **error)
{
  g_autoptr(JsonArray) out = json_array_new ();
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  if (!arg_has (ctx, "date_of_birth"))
    return g_steal_pointer (&out);
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT s.number FROM student s JOIN user u ON u.id = s.user_id"
                        " WHERE s.id <> :id AND s.date_of_birth = :dob"
                        " AND lower (u.first_name) = lower (:f) AND lower (u.last_name) = lower (:l)"
                        " ORDER BY s.number",
                        ":id", DB_INT, student_id, ":dob", DB_TEXT, arg_str (ctx, "date_of_birth"),
                        ":f", DB_TEXT, arg_str (ctx, "first_name"),
                        ":l", DB_TEXT, arg_str (ctx, "last_name"), NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    json_array_add_string_element (out, tala_stmt_text (stmt, 0));
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* The enrollment year: given, else the active semester's, else today's. */
static gboolean
enrollment_year (TalaCtx *ctx,
                 gint64  *year,
                 GError **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  *year = arg_int (ctx, "enrollment_year", 0);
  if (*year != 0)
    return TRUE;
  stmt = tala_db_query (ctx->ledger, error, "SELECT code FROM semester WHERE is_active", NULL);
  if (stmt == NULL || (rc = tala_db_step (ctx->ledger, stmt, error)) < 0)
    return FALSE;
  *year = g_ascii_strtoll (rc == SQLITE_ROW ? tala_stmt_text (stmt, 0) : ctx->today, NULL, 10);
  return TRUE;
}

gboolean
_tala_kind_student_register (TalaCtx *ctx,
                             GError **error)
{
  TalaLedger *self = ctx->ledger;
  const char *via = arg_str (ctx, "via") ? arg_str (ctx, "via") : "DESK";
  const char *provisional = arg_str (ctx, "provisional_number");
  const char *email = arg_str (ctx, "email");
  g_autofree char *number = NULL;
  g_autoptr(JsonArray) duplicates = NULL;
  gint64 program_id, active, year, seq, user_id, student_id, other;
  gboolean link, found;
  JsonObject *after;

  if (!check_provisional (ctx, provisional, error))
    return FALSE;
  if (strcmp (via, "ONLINE") == 0 && email == NULL)
    return tala_reject (ctx, error, "invalid_args", details_field ("email"),
                        "an online registration needs an email");
  if (strcmp (via, "ONLINE") == 0)
    {
      if (!tala_config_bool (self, "enrollment_link_enabled", &link, error))
        return FALSE;
      if (!link)
        return tala_reject (ctx, error, "enrollment_link_disabled", NULL,
                            "online enrollment is closed");
    }
  if (!tala_db_int (self, &program_id, &found, error, "SELECT id FROM program WHERE code = :c",
                    ":c", DB_TEXT, arg_str (ctx, "program"), NULL) ||
      !tala_db_int (self, &active, NULL, error, "SELECT is_active FROM program WHERE code = :c",
                    ":c", DB_TEXT, arg_str (ctx, "program"), NULL))
    return FALSE;
  if (!found)
    return tala_reject (ctx, error, "unknown_program", NULL,
                        "no program %s", arg_str (ctx, "program"));
  if (!active)
    return tala_reject (ctx, error, "program_inactive", NULL,
                        "program %s is not accepting students", arg_str (ctx, "program"));
  if (provisional != NULL)
    {
      if (!tala_db_int (self, &other, &found, error,
                        "SELECT id FROM student WHERE provisional_number = :p OR number = :p",
                        ":p", DB_TEXT, provisional, NULL))
        return FALSE;
      if (found)
        return tala_reject (ctx, error, "duplicate_number", NULL,
                            "provisional number %s is already used", provisional);
    }
  if (email != NULL)
    {
      if (!tala_db_int (self, &other, &found, error,
                        "SELECT s.id FROM student s JOIN user u ON u.id = s.user_id"
                        " WHERE lower (u.email) = lower (:e)", ":e", DB_TEXT, email, NULL))
        return FALSE;
      if (found)
        return tala_reject (ctx, error, "duplicate_email", NULL,
                            "a student already uses %s", email);
    }

  if (!enrollment_year (ctx, &year, error) ||
      !tala_db_int (self, &seq, NULL, error,
                    "SELECT coalesce(max(number_seq), 0) + 1 FROM student WHERE number_year = :y",
                    ":y", DB_INT, year, NULL))
    return FALSE;
  number = g_strdup_printf ("%04" G_GINT64_FORMAT "-%05" G_GINT64_FORMAT, year, seq);
  if (!tala_db_exec (self, error,
                     "INSERT INTO user (username, role, first_name, last_name, email, phone_number,"
                     " is_active, hub_seq) VALUES (:u, 'STUDENT', :f, :l, :e, :p, 1, :seq)",
                     ":u", DB_TEXT, number, ":f", DB_TEXT, arg_str (ctx, "first_name"),
                     ":l", DB_TEXT, arg_str (ctx, "last_name"), ":e", DB_TEXT, email,
                     ":p", DB_TEXT, arg_str (ctx, "phone_number"), ":seq", DB_INT, ctx->hub_seq,
                     NULL))
    return FALSE;
  user_id = sqlite3_last_insert_rowid (self->db);
  if (!tala_db_exec (self, error,
                     "INSERT INTO student (number, number_year, number_seq, provisional_number,"
                     " user_id, program_id, address, date_of_birth, status, enrollment_year,"
                     " is_transferee, via, op_id, hub_seq)"
                     " VALUES (:n, :y, :s, :p, :u, :prog, :a, :dob, 'ACTIVE', :y, :t, :via, :op,"
                     " :seq)",
                     ":n", DB_TEXT, number, ":y", DB_INT, year, ":s", DB_INT, seq,
                     ":p", DB_TEXT, provisional, ":u", DB_INT, user_id, ":prog", DB_INT, program_id,
                     ":a", DB_TEXT, arg_str (ctx, "address"),
                     ":dob", DB_TEXT, arg_str (ctx, "date_of_birth"),
                     ":t", DB_INT, (gint64) arg_bool (ctx, "is_transferee", FALSE),
                     ":via", DB_TEXT, via, ":op", DB_TEXT, ctx->op_id,
                     ":seq", DB_INT, ctx->hub_seq, NULL))
    return FALSE;
  student_id = sqlite3_last_insert_rowid (self->db);

  duplicates = possible_duplicates (ctx, student_id, error);
  if (duplicates == NULL)
    return FALSE;
  json_object_set_string_member (ctx->result, "student", number);
  obj_set_str (ctx->result, "provisional_number", provisional);
  json_object_set_string_member (ctx->result, "username", number);
  json_object_set_string_member (ctx->result, "program", arg_str (ctx, "program"));
  json_object_set_string_member (ctx->result, "status", "ACTIVE");
  json_object_set_int_member (ctx->result, "enrollment_year", year);
  json_object_set_array_member (ctx->result, "possible_duplicates", json_array_ref (duplicates));

  after = json_object_new ();
  json_object_set_string_member (after, "student", number);
  obj_set_str (after, "provisional_number", provisional);
  json_object_set_string_member (after, "program", arg_str (ctx, "program"));
  json_object_set_string_member (after, "via", via);
  if (!tala_audit (ctx, "USER_CREATED", "User", number, NULL, after, error))
    return FALSE;
  {
    g_autofree char *message = g_strdup_printf ("Welcome to the college. Your student number is %s.",
                                                number);

    if (!tala_notify (ctx, user_id, "SYSTEM", "Welcome", message, number, error))
      return FALSE;
  }

  if (arg_has (ctx, "enrollment"))
    {
      JsonObject *sub = json_object_get_object_member (ctx->args, "enrollment");
      JsonObject *result = json_object_new ();
      gint64 commitment = 0;

      tala_money_parse (json_object_get_string_member (sub, "monthly_commitment"),
                        TALA_MONEY_NON_NEGATIVE, &commitment, NULL);
      json_object_set_object_member (ctx->result, "enrollment", result);
      if (!_tala_enrollment_create (ctx, student_id,
                                    json_object_get_string_member (sub, "semester"),
                                    commitment, TRUE, result, error))
        return FALSE;
    }
  return TRUE;
}
