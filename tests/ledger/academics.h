/* academics.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers the academic tests share (test-enroll, test-grades, test-jobs,
 * test-concurrency, test-seed): ops written printf-style, ops at a given
 * business date, and small reads of the ledger file.  Header-only (static
 * inline) so that each test program stays one source file.
 */

#pragma once

#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>

#include "test-util.h"

#define STUDENT "\"student\":\"2025-00001\""
#define SEM     "\"semester\":\"2025-FIRST\""
#define F0_DAY  "2025-06-02"

/* Args of a grade for 2025-00001 in 2025-FIRST. */
#define GRADE(subject, grade) \
  "{" STUDENT "," SEM ",\"subject\":\"" subject "\",\"grade\":\"" grade "\"}"

/* @date plus @days, as YYYY-MM-DD (caller frees). */
static inline char *
acad_date (const char *date,
           int         days)
{
  g_autoptr(GDate) d = g_date_new ();

  g_date_set_parse (d, date);
  g_assert_true (g_date_valid (d));
  if (days >= 0)
    g_date_add_days (d, days);
  else
    g_date_subtract_days (d, -days);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d),
                          g_date_get_day (d));
}

/* Applies {op_id, kind, actor, hub_time?, args} on the trusted channel;
 * @date (nullable) is the business date (hub time 01:00Z = 09:00 +08:00). */
static inline JsonObject *
acad_apply_at (LedgerFixture *fx,
               const char    *date,
               const char    *kind,
               const char    *actor,
               const char    *args)
{
  g_autofree char *op_id = test_op_id (fx);
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *result;

  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", kind);
  if (actor)
    json_object_set_string_member (op, "actor", actor);
  else
    json_object_set_null_member (op, "actor");
  if (date)
    {
      g_autofree char *hub_time = g_strdup_printf ("%sT01:00:00Z", date);

      json_object_set_string_member (op, "hub_time", hub_time);
    }
  json_object_set_object_member (op, "args", test_parse_object (args));
  result = tala_ledger_apply (fx->ledger, op, TALA_CHANNEL_TRUSTED, fx->now, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static inline void
acad_expect_status (JsonObject *envelope,
                    const char *status,
                    const char *code)
{
  g_autofree char *text = test_canonical (envelope);

  if (g_strcmp0 (json_object_get_string_member (envelope, "status"), status) != 0 ||
      (code && g_strcmp0 (json_object_get_string_member (
                            json_object_get_object_member (envelope, "error"), "code"), code) != 0))
    g_error ("expected %s %s, got %s", status, code ? code : "", text);
}

/* An op that must apply; returns its result member. */
static inline JsonObject *
acad_ok_at (LedgerFixture *fx,
            const char    *date,
            const char    *kind,
            const char    *actor,
            const char    *format,
            ...) G_GNUC_PRINTF (5, 6);

static inline JsonObject *
acad_ok_at (LedgerFixture *fx,
            const char    *date,
            const char    *kind,
            const char    *actor,
            const char    *format,
            ...)
{
  g_autofree char *args = NULL;
  g_autoptr(JsonObject) envelope = NULL;
  va_list ap;

  va_start (ap, format);
  args = g_strdup_vprintf (format, ap);
  va_end (ap);
  envelope = acad_apply_at (fx, date, kind, actor, args);
  acad_expect_status (envelope, "applied", NULL);
  return json_object_ref (json_object_get_object_member (envelope, "result"));
}

/* An op that must be rejected with @code; returns its error member. */
static inline JsonObject *
acad_rej_at (LedgerFixture *fx,
             const char    *date,
             const char    *kind,
             const char    *actor,
             const char    *code,
             const char    *format,
             ...) G_GNUC_PRINTF (6, 7);

static inline JsonObject *
acad_rej_at (LedgerFixture *fx,
             const char    *date,
             const char    *kind,
             const char    *actor,
             const char    *code,
             const char    *format,
             ...)
{
  g_autofree char *args = NULL;
  g_autoptr(JsonObject) envelope = NULL;
  va_list ap;

  va_start (ap, format);
  args = g_strdup_vprintf (format, ap);
  va_end (ap);
  envelope = acad_apply_at (fx, date, kind, actor, args);
  acad_expect_status (envelope, "rejected", code);
  return json_object_ref (json_object_get_object_member (envelope, "error"));
}

#define acad_ok(fx, kind, actor, ...) acad_ok_at ((fx), NULL, (kind), (actor), __VA_ARGS__)
#define acad_rej(fx, kind, actor, code, ...) \
  acad_rej_at ((fx), NULL, (kind), (actor), (code), __VA_ARGS__)

/* Applies and drops the result (setup steps). */
#define acad_do(fx, kind, actor, ...) \
  json_object_unref (acad_ok ((fx), (kind), (actor), __VA_ARGS__))
#define acad_do_at(fx, date, kind, actor, ...) \
  json_object_unref (acad_ok_at ((fx), (date), (kind), (actor), __VA_ARGS__))

/* One integer from the ledger file (formatted SQL; tests only). */
static inline gint64
acad_scalar (LedgerFixture *fx,
             const char    *format,
             ...) G_GNUC_PRINTF (2, 3);

static inline gint64
acad_scalar (LedgerFixture *fx,
             const char    *format,
             ...)
{
  g_autofree char *sql = NULL;
  va_list ap;

  va_start (ap, format);
  sql = g_strdup_vprintf (format, ap);
  va_end (ap);
  return test_scalar (fx, sql);
}

/* One text value from the ledger file (caller frees; NULL for none). */
static inline char *
acad_text (LedgerFixture *fx,
           const char    *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* Changes the file behind the ledger's back (to plant bad data for the
 * jobs' per-item errors); never used for a rebuild test. */
static inline void
acad_tamper (LedgerFixture *fx,
             const char    *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("tamper: %s", message);
  sqlite3_close (db);
}

/* The student's GPA as stored. */
static inline char *
acad_gpa (LedgerFixture *fx,
          const char    *number)
{
  g_autofree char *sql = g_strdup_printf ("SELECT gpa FROM student WHERE number = '%s'", number);

  return acad_text (fx, sql);
}

/* F0, then month 1 paid for 2025-00001 (BR §16.4's "month 1 paid"). */
static inline void
acad_f0_paid (LedgerFixture *fx)
{
  test_load_f0 (fx);
  acad_do (fx, "payment.record", "cashier1",
           "{" STUDENT ",\"amount\":\"10000.00\",\"method\":\"CASH\"}");
}

/* A subject of BSCS (no prerequisite when @prereq is NULL). */
static inline void
acad_subject (LedgerFixture *fx,
              const char    *code,
              int            units,
              const char    *type,
              const char    *prereq)
{
  g_autofree char *prereqs = prereq ? g_strdup_printf (",\"prerequisites\":[\"%s\"]", prereq)
                                    : g_strdup ("");

  acad_do (fx, "catalog.subject.put", "registrar1",
           "{\"code\":\"%s\",\"name\":\"Subject %s\",\"units\":%d,\"subject_type\":\"%s\","
           "\"program\":\"BSCS\"%s}", code, code, units, type, prereqs);
}

/* A section with one slot (@day, @start–@end) and no professor (F0's
 * sections are prof1's; a registrar encodes the grades of these). */
static inline void
acad_section (LedgerFixture *fx,
              const char    *semester,
              const char    *code,
              const char    *subject,
              int            capacity,
              const char    *day,
              const char    *start,
              const char    *end)
{
  acad_do (fx, "catalog.section.put", "registrar1",
           "{\"semester\":\"%s\",\"code\":\"%s\",\"subject\":\"%s\",\"capacity\":%d,"
           "\"slots\":[{\"day\":\"%s\",\"start\":\"%s\",\"end\":\"%s\"}]}",
           semester, code, subject, capacity, day, start, end);
}

/* 2024-SECOND (2025-01-06 .. 2025-05-16), an enrollment of 2025-00001 in
 * it (0.00 a month: all paid), created once. */
static inline void
acad_past_semester (LedgerFixture *fx)
{
  if (acad_scalar (fx, "SELECT count(*) FROM semester WHERE code = '2024-SECOND'") > 0)
    return;
  acad_do (fx, "catalog.semester.put", "registrar1",
           "{\"code\":\"2024-SECOND\",\"start_date\":\"2025-01-06\",\"end_date\":\"2025-05-16\","
           "\"enrollment_start\":\"2025-01-01\",\"enrollment_end\":\"2025-01-15\"}");
  acad_do (fx, "enrollment.create", "registrar1",
           "{" STUDENT ",\"semester\":\"2024-SECOND\",\"monthly_commitment\":\"0.00\"}");
}

/* A finalized take of @subject in 2024-SECOND graded @grade (a section
 * "<subject>-P" is made for it). */
static inline void
acad_past_take (LedgerFixture *fx,
                const char    *subject,
                const char    *grade)
{
  g_autofree char *section = g_strdup_printf ("%s-P", subject);
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  gint64 n;

  acad_past_semester (fx);
  n = acad_scalar (fx, "SELECT count(*) FROM section x JOIN semester m ON m.id = x.semester_id"
                       " WHERE m.code = '2024-SECOND'");
  start = g_strdup_printf ("%02d:00", (int) (7 + n));
  end = g_strdup_printf ("%02d:00", (int) (8 + n));
  acad_section (fx, "2024-SECOND", section, subject, 40, "FRI", start, end);
  acad_do (fx, "subject.enroll", "registrar1",
           "{" STUDENT ",\"semester\":\"2024-SECOND\",\"subject\":\"%s\",\"section\":\"%s\"}",
           subject, section);
  acad_do (fx, "grade.submit", "registrar1",
           "{" STUDENT ",\"semester\":\"2024-SECOND\",\"subject\":\"%s\",\"grade\":\"%s\"}",
           subject, grade);
  acad_do (fx, "grade.finalize", "registrar1",
           "{\"semester\":\"2024-SECOND\",\"section\":\"%s\"}", section);
}

static inline void
acad_letter_scale (LedgerFixture *fx)
{
  acad_do (fx, "config.set", "admin", "{\"key\":\"grade_scale\",\"value\":\"LETTER\"}");
}

/* Replays the journal into a scratch file; the tables must be identical. */
static inline void
acad_assert_rebuild (LedgerFixture *fx)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch = g_strconcat (fx->path, ".rebuild", NULL);

  if (!tala_ledger_rebuild_compare (fx->ledger, scratch, report, &error))
    g_error ("rebuild differs: %s%s", report->str, error ? error->message : "");
  g_assert_true (tala_ledger_check_money (fx->ledger, report, &error));
  g_assert_true (tala_ledger_verify_chains (fx->ledger, report, &error));
}

static inline const char *
acad_str (JsonObject *object,
          const char *member)
{
  return json_object_get_string_member (object, member);
}

static inline gint64
acad_int (JsonObject *object,
          const char *member)
{
  return json_object_get_int_member (object, member);
}

static inline gboolean
acad_bool (JsonObject *object,
           const char *member)
{
  return json_object_get_boolean_member (object, member);
}
