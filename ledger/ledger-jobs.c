/* ledger-jobs.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The jobs as system ops (ops.md §2.6; BR §11): INC expiry with its
 * warnings, the permit sweep, the GPA batch, the monthly payment reminders
 * and the archive count.  Each is judged on the op's business date and is
 * idempotent: a second run on the same date changes no business data.  An
 * item that fails on its data (checked before it writes) is listed in
 * `errors` [{item, code}] and audited with the job's *_ERROR action; the
 * other items still apply.  A failure of the database itself fails the op.
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ledger-private.h"

/* ---- Items and their errors ---------------------------------------------- */

typedef gboolean (*ItemFunc) (TalaCtx  *ctx,
                              gpointer  item,
                              GError  **error);

/* Runs @func on @item.  An item reads and checks everything that can fail
 * on its data before it writes anything, so a rejection (TALA_REJECT) or
 * bad data (TALA_LEDGER_ERROR_CORRUPT) leaves no trace of it: the failure
 * becomes an entry of @errors and an @error_action audit entry.  (A
 * savepoint per item would do the same at a price: on a large ledger,
 * SQLite's savepoint bookkeeping costs more than the item.)  Returns FALSE
 * only when the ledger failed; *@applied tells whether the item applied. */
static gboolean
run_item (TalaCtx    *ctx,
          const char *name,
          const char *error_action,
          JsonArray  *errors,
          ItemFunc    func,
          gpointer    item,
          gboolean   *applied,
          GError    **error)
{
  g_autoptr(GError) local = NULL;
  JsonObject *entry, *after;
  const char *code;

  *applied = func (ctx, item, &local);
  if (*applied)
    return TRUE;
  if (local->domain != TALA_REJECT &&
      !(local->domain == TALA_LEDGER_ERROR && local->code == TALA_LEDGER_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  code = local->domain == TALA_REJECT && ctx->reject_code ? ctx->reject_code : "invalid_data";
  entry = json_object_new ();
  json_object_set_string_member (entry, "item", name);
  json_object_set_string_member (entry, "code", code);
  json_array_add_object_element (errors, entry);
  after = json_object_new ();
  json_object_set_string_member (after, "job", ctx->kind);
  json_object_set_string_member (after, "code", code);
  json_object_set_string_member (after, "message", local->message);
  ctx->reject_code = NULL;
  g_clear_pointer (&ctx->reject_details, json_object_unref);
  return tala_audit (ctx, error_action, "Job", name, NULL, after, error);
}

static char *
take_item (const char *student,
           const char *semester,
           const char *subject)
{
  return g_strdup_printf ("%s/%s/%s", student, semester, subject);
}

/* The optional `student` arg: 0 for all. */
static gboolean
job_student (TalaCtx *ctx,
             gint64  *student_id,
             GError **error)
{
  *student_id = 0;
  return !arg_has (ctx, "student") ||
         tala_student_resolve (ctx, arg_str (ctx, "student"), student_id, error);
}

/* The business date @days before (negative: after) today. */
static void
date_before (TalaCtx *ctx,
             gint64   days,
             char     out[11])
{
  gint64 today;

  tala_date_parse (ctx->today, &today);
  tala_date_format (today - days, out);
}

/* ---- job.inc_expiry ------------------------------------------------------ */

const TalaArgSpec _tala_args_job_inc_expiry[] = {
  { "student", ARG_NUM, FALSE },
  { NULL }
};

typedef struct
{
  gint64  take_id;
  char   *uuid;
  char   *inc_start;
  gboolean warned;
  gboolean major;
  char   *subject;
  char   *semester;
  gint64  student_id;
  gint64  user_id;
  char   *number;
} IncRow;

typedef struct
{
  gint64      major, minor, warning;
  char       *failing;        /* the scale's failing value */
  JsonArray  *expired;
  JsonArray  *warned;
  GArray     *expired_students;   /* student ids, in list order */
} IncJob;

static void
inc_row_clear (gpointer data)
{
  IncRow *r = data;

  g_free (r->uuid);
  g_free (r->inc_start);
  g_free (r->subject);
  g_free (r->semester);
  g_free (r->number);
}

/* FINALIZED INC takes whose raw age already reaches the earliest warning
 * threshold (LOA days only lower the clock), by student, semester, subject. */
static GArray *
inc_candidates (TalaCtx *ctx,
                IncJob  *job,
                gint64   student_id,
                GError **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (IncRow));
  g_autoptr(TalaStmt) stmt = NULL;
  char cutoff[11];
  int rc;

  g_array_set_clear_func (rows, inc_row_clear);
  date_before (ctx, MAX (0, MIN (job->major, job->minor) - job->warning), cutoff);
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT t.id, t.uuid, t.inc_start, t.inc_warned,"
                        " sub.subject_type = 'MAJOR', sub.code, m.code, st.id, st.user_id,"
                        " st.number FROM take t"
                        " JOIN enrollment e ON e.id = t.enrollment_id"
                        " JOIN semester m ON m.id = e.semester_id"
                        " JOIN student st ON st.id = e.student_id"
                        " JOIN subject sub ON sub.id = t.subject_id"
                        " WHERE t.status = 'INC' AND t.grade_status = 'FINALIZED'"
                        " AND t.inc_start IS NOT NULL AND t.inc_start <= :cutoff"
                        " AND (:s = 0 OR st.id = :s)"
                        " ORDER BY st.number, m.start_date, m.code, sub.code",
                        ":cutoff", DB_TEXT, cutoff, ":s", DB_INT, student_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    {
      IncRow r = {
        .take_id = tala_stmt_int (stmt, 0), .uuid = g_strdup (tala_stmt_text (stmt, 1)),
        .inc_start = g_strdup (tala_stmt_text (stmt, 2)), .warned = tala_stmt_int (stmt, 3) != 0,
        .major = tala_stmt_int (stmt, 4) != 0, .subject = g_strdup (tala_stmt_text (stmt, 5)),
        .semester = g_strdup (tala_stmt_text (stmt, 6)), .student_id = tala_stmt_int (stmt, 7),
        .user_id = tala_stmt_int (stmt, 8), .number = g_strdup (tala_stmt_text (stmt, 9)),
      };

      g_array_append_val (rows, r);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

static JsonObject *
inc_entry (IncRow *r,
           gint64  clock_days)
{
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "student", r->number);
  json_object_set_string_member (entry, "semester", r->semester);
  json_object_set_string_member (entry, "subject", r->subject);
  json_object_set_int_member (entry, "clock_days", clock_days);
  return entry;
}

static gboolean
inc_expire (TalaCtx *ctx,
            IncJob  *job,
            IncRow  *r,
            gint64   clock_days,
            GError **error)
{
  g_autofree char *why = g_strdup_printf ("INC expired after %" G_GINT64_FORMAT " clock days",
                                          clock_days);
  g_autofree char *message = g_strdup_printf ("Your INC in %s (%s) expired after %"
                                              G_GINT64_FORMAT " days and is now %s (FAILED).",
                                              r->subject, r->semester, clock_days, job->failing);
  JsonObject *entry, *before, *after;

  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE take SET grade = :g, status = 'FAILED', hub_seq = :seq WHERE id = :t",
                     ":g", DB_TEXT, job->failing, ":seq", DB_INT, ctx->hub_seq,
                     ":t", DB_INT, r->take_id, NULL) ||
      !_tala_grade_history_add (ctx, r->take_id, "INC", job->failing, why, NULL, error) ||
      !tala_notify (ctx, r->user_id, "INC_EXPIRY", "Incomplete grade expired", message, r->uuid,
                    error))
    return FALSE;
  before = json_object_new ();
  json_object_set_string_member (before, "status", "INC");
  json_object_set_string_member (before, "grade", "INC");
  after = json_object_new ();
  json_object_set_string_member (after, "status", "FAILED");
  json_object_set_string_member (after, "grade", job->failing);
  json_object_set_int_member (after, "clock_days", clock_days);
  json_object_set_string_member (after, "by", "SYSTEM");
  if (!tala_audit (ctx, "INC_EXPIRED", "SubjectEnrollment", r->uuid, before, after, error))
    return FALSE;
  entry = inc_entry (r, clock_days);
  json_object_set_string_member (entry, "grade", job->failing);
  json_array_add_object_element (job->expired, entry);
  return TRUE;
}

static gboolean
inc_warn (TalaCtx *ctx,
          IncJob  *job,
          IncRow  *r,
          gint64   clock_days,
          gint64   days_left,
          GError **error)
{
  g_autofree char *message = g_strdup_printf ("Your INC in %s (%s) becomes %s in %" G_GINT64_FORMAT
                                              " days unless it is completed.", r->subject,
                                              r->semester, job->failing, days_left);
  JsonObject *entry;

  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE take SET inc_warned = 1, hub_seq = :seq WHERE id = :t",
                     ":seq", DB_INT, ctx->hub_seq, ":t", DB_INT, r->take_id, NULL) ||
      !tala_notify (ctx, r->user_id, "INC_WARNING", "Incomplete grade expiring", message,
                    r->uuid, error))
    return FALSE;
  entry = inc_entry (r, clock_days);
  json_object_set_int_member (entry, "days_left", days_left);
  json_array_add_object_element (job->warned, entry);
  return TRUE;
}

typedef struct
{
  IncJob *job;
  IncRow *row;
} IncItem;

static gboolean
inc_item (TalaCtx  *ctx,
          gpointer  data,
          GError  **error)
{
  IncItem *item = data;
  IncRow *r = item->row;
  gint64 clock_days, threshold = r->major ? item->job->major : item->job->minor;

  if (!_tala_inc_clock (ctx->ledger, r->student_id, r->inc_start, ctx->today, &clock_days, error))
    return FALSE;
  if (clock_days >= threshold)
    {
      if (!inc_expire (ctx, item->job, r, clock_days, error))
        return FALSE;
      g_array_append_val (item->job->expired_students, r->student_id);
      return TRUE;
    }
  if (!r->warned && clock_days >= threshold - item->job->warning)
    return inc_warn (ctx, item->job, r, clock_days, threshold - clock_days, error);
  return TRUE;
}

/* GPA of every student with an expiry, once each, in list order. */
static gboolean
inc_gpas (TalaCtx   *ctx,
          IncJob    *job,
          JsonArray *gpa_updated,
          GError   **error)
{
  for (guint i = 0; i < job->expired_students->len; i++)
    {
      gint64 id = g_array_index (job->expired_students, gint64, i);
      g_autofree char *number = NULL;
      JsonObject *entry;
      char gpa[8];

      if (i > 0 && g_array_index (job->expired_students, gint64, i - 1) == id)
        continue;
      number = tala_student_number (ctx->ledger, id, error);
      if (number == NULL || !_tala_gpa_update (ctx, id, gpa, NULL, error))
        return FALSE;
      entry = json_object_new ();
      json_object_set_string_member (entry, "student", number);
      json_object_set_string_member (entry, "gpa", gpa);
      json_array_add_object_element (gpa_updated, entry);
    }
  return TRUE;
}

static gboolean
inc_job_init (TalaCtx *ctx,
              IncJob  *job,
              GError **error)
{
  job->expired = json_array_new ();
  job->warned = json_array_new ();
  job->expired_students = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!tala_config_int (ctx->ledger, "inc_expiry_major_days", &job->major, error) ||
      !tala_config_int (ctx->ledger, "inc_expiry_minor_days", &job->minor, error) ||
      !tala_config_int (ctx->ledger, "inc_warning_days", &job->warning, error))
    return FALSE;
  job->failing = _tala_grade_failing (ctx->ledger, error);
  return job->failing != NULL;
}

static void
inc_job_clear (IncJob *job)
{
  g_free (job->failing);
  g_clear_pointer (&job->expired, json_array_unref);
  g_clear_pointer (&job->warned, json_array_unref);
  g_clear_pointer (&job->expired_students, g_array_unref);
}

gboolean
_tala_kind_job_inc_expiry (TalaCtx *ctx,
                           GError **error)
{
  IncJob job = { 0 };
  g_autoptr(GArray) rows = NULL;
  g_autoptr(JsonArray) errors = json_array_new ();
  g_autoptr(JsonArray) gpa_updated = json_array_new ();
  gint64 student_id;
  gboolean ok = FALSE, applied;

  if (!job_student (ctx, &student_id, error) || !inc_job_init (ctx, &job, error))
    goto out;
  rows = inc_candidates (ctx, &job, student_id, error);
  if (rows == NULL)
    goto out;
  for (guint i = 0; i < rows->len; i++)
    {
      IncRow *r = &g_array_index (rows, IncRow, i);
      IncItem item = { &job, r };
      g_autofree char *name = take_item (r->number, r->semester, r->subject);

      if (!run_item (ctx, name, "INC_EXPIRY_ERROR", errors, inc_item, &item, &applied, error))
        goto out;
    }
  if (!inc_gpas (ctx, &job, gpa_updated, error))
    goto out;
  json_object_set_array_member (ctx->result, "expired", json_array_ref (job.expired));
  json_object_set_array_member (ctx->result, "warned", json_array_ref (job.warned));
  json_object_set_array_member (ctx->result, "gpa_updated", json_array_ref (gpa_updated));
  json_object_set_array_member (ctx->result, "errors", json_array_ref (errors));
  ok = TRUE;
out:
  inc_job_clear (&job);
  return ok;
}

/* ---- job.permit_sweep ---------------------------------------------------- */

const TalaArgSpec _tala_args_job_permit_sweep[] = {
  { NULL }
};

typedef struct
{
  gint64  enrollment_id;
  char   *number;
  char   *semester;
  char   *start;
  GPtrArray *unlocked;       /* JsonObject* entries, filled by the item */
} SweepRow;

static void
sweep_row_clear (gpointer data)
{
  SweepRow *r = data;

  g_free (r->number);
  g_free (r->semester);
  g_free (r->start);
  g_clear_pointer (&r->unlocked, g_ptr_array_unref);
}

static gboolean
sweep_item (TalaCtx  *ctx,
            gpointer  data,
            GError  **error)
{
  SweepRow *r = data;
  g_autoptr(JsonArray) list = json_array_new ();

  if (!_tala_permits_unlock_paid (ctx, r->enrollment_id, "SWEEP", list, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *p = json_array_get_object_element (list, i);
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "student", r->number);
      json_object_set_string_member (entry, "semester", r->semester);
      json_object_set_string_member (entry, "period", json_object_get_string_member (p, "period"));
      json_object_set_string_member (entry, "code", json_object_get_string_member (p, "code"));
      g_ptr_array_add (r->unlocked, entry);
    }
  return TRUE;
}

/* Enrollments of semesters not yet ended with a LOCKED permit whose month
 * is paid, in the order permit codes are issued (ops.md §3): semester
 * start, student number. */
static GArray *
sweep_candidates (TalaCtx *ctx,
                  GError **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (SweepRow));
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  g_array_set_clear_func (rows, sweep_row_clear);
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT DISTINCT e.id, st.number, m.code, m.start_date FROM permit p"
                        " JOIN bucket b ON b.enrollment_id = p.enrollment_id AND b.month = p.month"
                        " JOIN enrollment e ON e.id = p.enrollment_id"
                        " JOIN semester m ON m.id = e.semester_id"
                        " JOIN student st ON st.id = e.student_id"
                        " WHERE p.status = 'LOCKED' AND b.is_paid AND m.end_date >= :today"
                        " ORDER BY m.start_date, st.number",
                        ":today", DB_TEXT, ctx->today, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    {
      SweepRow r = {
        .enrollment_id = tala_stmt_int (stmt, 0), .number = g_strdup (tala_stmt_text (stmt, 1)),
        .semester = g_strdup (tala_stmt_text (stmt, 2)),
        .start = g_strdup (tala_stmt_text (stmt, 3)),
        .unlocked = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref),
      };

      g_array_append_val (rows, r);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

/* Results list by student, then semester (start date), then period. */
static int
sweep_row_compare (gconstpointer a,
                   gconstpointer b)
{
  const SweepRow *x = a, *y = b;
  int c = strcmp (x->number, y->number);

  return c != 0 ? c : strcmp (x->start, y->start);
}

gboolean
_tala_kind_job_permit_sweep (TalaCtx *ctx,
                             GError **error)
{
  g_autoptr(GArray) rows = sweep_candidates (ctx, error);
  g_autoptr(JsonArray) unlocked = json_array_new ();
  g_autoptr(JsonArray) errors = json_array_new ();
  gboolean applied;

  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      SweepRow *r = &g_array_index (rows, SweepRow, i);
      g_autofree char *name = g_strdup_printf ("%s/%s", r->number, r->semester);

      if (!run_item (ctx, name, "PERMIT_UNLOCK_ERROR", errors, sweep_item, r, &applied, error))
        return FALSE;
      if (!applied)
        g_ptr_array_set_size (r->unlocked, 0);
    }
  g_array_sort (rows, sweep_row_compare);
  for (guint i = 0; i < rows->len; i++)
    {
      SweepRow *r = &g_array_index (rows, SweepRow, i);

      for (guint j = 0; j < r->unlocked->len; j++)
        json_array_add_object_element (unlocked, json_object_ref (g_ptr_array_index (r->unlocked,
                                                                                     j)));
    }
  if (!tala_db_exec (ctx->ledger, error,
                     "UPDATE permit SET status = 'EXPIRED', hub_seq = :seq"
                     " WHERE status IN ('LOCKED', 'UNLOCKED') AND enrollment_id IN"
                     " (SELECT e.id FROM enrollment e JOIN semester m ON m.id = e.semester_id"
                     " WHERE m.end_date < :today)",
                     ":seq", DB_INT, ctx->hub_seq, ":today", DB_TEXT, ctx->today, NULL))
    return FALSE;
  json_object_set_array_member (ctx->result, "unlocked", json_array_ref (unlocked));
  json_object_set_int_member (ctx->result, "expired", sqlite3_changes (ctx->ledger->db));
  json_object_set_array_member (ctx->result, "errors", json_array_ref (errors));
  return TRUE;
}

/* ---- job.gpa_recalc ------------------------------------------------------ */

const TalaArgSpec _tala_args_job_gpa_recalc[] = {
  { "student", ARG_NUM, FALSE },
  { NULL }
};

typedef struct
{
  gint64   student_id;
  gboolean updated;
} GpaItem;

static gboolean
gpa_item (TalaCtx  *ctx,
          gpointer  data,
          GError  **error)
{
  GpaItem *item = data;
  gint64 unknown;
  char gpa[8];

  if (!_tala_gpa_compute (ctx->ledger, item->student_id, gpa, &unknown, error))
    return FALSE;
  if (unknown > 0)
    return tala_reject (ctx, error, "invalid_grade", NULL,
                        "%" G_GINT64_FORMAT " final grades are not on the scale in use", unknown);
  return _tala_gpa_update (ctx, item->student_id, gpa, &item->updated, error);
}

static GArray *
gpa_students (TalaCtx *ctx,
              gint64   student_id,
              GPtrArray *numbers,
              GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TalaStmt) stmt = NULL;
  int rc;

  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT id, number FROM student WHERE status = 'ACTIVE'"
                        " AND (:s = 0 OR id = :s) ORDER BY number",
                        ":s", DB_INT, student_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = tala_stmt_int (stmt, 0);

      g_array_append_val (ids, id);
      g_ptr_array_add (numbers, g_strdup (tala_stmt_text (stmt, 1)));
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&ids) : NULL;
}

gboolean
_tala_kind_job_gpa_recalc (TalaCtx *ctx,
                           GError **error)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) errors = json_array_new ();
  g_autoptr(GArray) ids = NULL;
  gint64 student_id, updated = 0;
  gboolean applied;
  JsonObject *after;

  if (!job_student (ctx, &student_id, error))
    return FALSE;
  ids = gpa_students (ctx, student_id, numbers, error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      GpaItem item = { g_array_index (ids, gint64, i), FALSE };

      if (!run_item (ctx, g_ptr_array_index (numbers, i), "GPA_RECALCULATION_ERROR", errors,
                     gpa_item, &item, &applied, error))
        return FALSE;
      updated += applied && item.updated;
    }
  json_object_set_int_member (ctx->result, "checked", ids->len);
  json_object_set_int_member (ctx->result, "updated", updated);
  json_object_set_array_member (ctx->result, "errors", json_array_ref (errors));
  after = json_object_new ();
  json_object_set_int_member (after, "checked", ids->len);
  json_object_set_int_member (after, "updated", updated);
  json_object_set_int_member (after, "errors", json_array_get_length (errors));
  return tala_audit (ctx, "BATCH_GPA_RECALCULATION", "Job", ctx->kind, NULL, after, error);
}

/* ---- job.payment_reminders ----------------------------------------------- */

const TalaArgSpec _tala_args_job_payment_reminders[] = {
  { NULL }
};

/* [from, to) in µs: the business date's calendar month at utc_offset. */
static gboolean
business_month (TalaCtx *ctx,
                gint64  *from,
                gint64  *to,
                GError **error)
{
  g_autofree char *offset = tala_config_str (ctx->ledger, "utc_offset", error);
  char first[11], next[11];
  gint64 start, end, shift;
  int year, month;

  if (offset == NULL)
    return FALSE;
  year = atoi (ctx->today);
  month = atoi (ctx->today + 5);
  g_snprintf (first, sizeof first, "%04d-%02d-01", year, month);
  g_snprintf (next, sizeof next, "%04d-%02d-01", month == 12 ? year + 1 : year,
              month == 12 ? 1 : month + 1);
  tala_date_parse (first, &start);
  tala_date_parse (next, &end);
  shift = (offset[0] == '-' ? -1 : 1) *
          (((offset[1] - '0') * 10 + (offset[2] - '0')) * 3600 +
           ((offset[4] - '0') * 10 + (offset[5] - '0')) * 60);
  *from = (start * 86400 - shift) * G_GINT64_CONSTANT (1000000);
  *to = (end * 86400 - shift) * G_GINT64_CONSTANT (1000000);
  return TRUE;
}

typedef struct
{
  gint64  user_id;
  gint64  balance;
  char   *number;
  char   *semester;
} ReminderItem;

static void
reminder_item_clear (gpointer data)
{
  ReminderItem *item = data;

  g_free (item->number);
  g_free (item->semester);
}

static gboolean
reminder_item (TalaCtx  *ctx,
               gpointer  data,
               GError  **error)
{
  ReminderItem *item = data;
  g_autofree char *amount = tala_money_format (item->balance);
  g_autofree char *message = g_strdup_printf ("Payment reminder: your outstanding balance for %s"
                                              " is PHP %s.", item->semester, amount);

  return tala_notify (ctx, item->user_id, "PAYMENT_REMINDER", "Payment reminder", message,
                      item->semester, error);
}

/* Enrollments of the active semester with a balance and no reminder this
 * month; @skipped counts those with a balance already reminded. */
static GArray *
reminder_candidates (TalaCtx *ctx,
                     gint64  *skipped,
                     GError **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(GArray) due = g_array_new (FALSE, TRUE, sizeof (ReminderItem));
  gint64 semester_id, from, to;
  int rc;

  g_array_set_clear_func (due, reminder_item_clear);
  *skipped = 0;
  if (!tala_active_semester (ctx->ledger, &semester_id, error) ||
      !business_month (ctx, &from, &to, error))
    return NULL;
  stmt = tala_db_query (ctx->ledger, error,
                        "SELECT st.user_id, st.number, m.code, (SELECT sum (due - paid_total)"
                        " FROM bucket b WHERE b.enrollment_id = e.id),"
                        " EXISTS (SELECT 1 FROM notification n WHERE n.user_id = st.user_id"
                        " AND n.type = 'PAYMENT_REMINDER' AND n.created_at >= :from"
                        " AND n.created_at < :to)"
                        " FROM enrollment e JOIN student st ON st.id = e.student_id"
                        " JOIN semester m ON m.id = e.semester_id"
                        " WHERE e.semester_id = :m ORDER BY st.number",
                        ":from", DB_INT, from, ":to", DB_INT, to, ":m", DB_INT, semester_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (ctx->ledger, stmt, error)) == SQLITE_ROW)
    {
      ReminderItem item = { tala_stmt_int (stmt, 0), tala_stmt_int (stmt, 3), NULL, NULL };

      if (item.balance <= 0)
        continue;
      if (tala_stmt_int (stmt, 4))
        {
          (*skipped)++;
          continue;
        }
      item.number = g_strdup (tala_stmt_text (stmt, 1));
      item.semester = g_strdup (tala_stmt_text (stmt, 2));
      g_array_append_val (due, item);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&due) : NULL;
}

gboolean
_tala_kind_job_payment_reminders (TalaCtx *ctx,
                                  GError **error)
{
  g_autoptr(GArray) due = NULL;
  g_autoptr(JsonArray) errors = json_array_new ();
  gint64 reminded = 0, skipped;
  gboolean applied;

  due = reminder_candidates (ctx, &skipped, error);
  if (due == NULL)
    return FALSE;
  for (guint i = 0; i < due->len; i++)
    {
      ReminderItem *item = &g_array_index (due, ReminderItem, i);

      if (!run_item (ctx, item->number, "PAYMENT_REMINDER_ERROR", errors, reminder_item, item,
                     &applied, error))
        return FALSE;
      reminded += applied;
    }
  json_object_set_int_member (ctx->result, "reminded", reminded);
  json_object_set_int_member (ctx->result, "skipped", skipped);
  json_object_set_array_member (ctx->result, "errors", json_array_ref (errors));
  return TRUE;
}

/* ---- job.archive --------------------------------------------------------- */

const TalaArgSpec _tala_args_job_archive[] = {
  { NULL }
};

gboolean
_tala_kind_job_archive (TalaCtx *ctx,
                        GError **error)
{
  gint64 days, enrollments, payments;
  char cutoff[11];
  JsonObject *after;

  if (!tala_config_int (ctx->ledger, "archive_after_days", &days, error))
    return FALSE;
  date_before (ctx, days, cutoff);
  if (!tala_db_exec (ctx->ledger, error,
                     "INSERT OR IGNORE INTO archive_mark (model, row_id, hub_seq)"
                     " SELECT 'Enrollment', e.id, :seq FROM enrollment e"
                     " JOIN semester m ON m.id = e.semester_id WHERE m.end_date < :cutoff",
                     ":seq", DB_INT, ctx->hub_seq, ":cutoff", DB_TEXT, cutoff, NULL) ||
      !tala_db_exec (ctx->ledger, error,
                     "INSERT OR IGNORE INTO archive_mark (model, row_id, hub_seq)"
                     " SELECT 'Payment', t.id, :seq FROM txn t"
                     " WHERE t.type = 'PAYMENT' AND t.business_date < :cutoff",
                     ":seq", DB_INT, ctx->hub_seq, ":cutoff", DB_TEXT, cutoff, NULL) ||
      !tala_db_int (ctx->ledger, &enrollments, NULL, error,
                    "SELECT count(*) FROM enrollment e JOIN semester m ON m.id = e.semester_id"
                    " WHERE m.end_date < :cutoff", ":cutoff", DB_TEXT, cutoff, NULL) ||
      !tala_db_int (ctx->ledger, &payments, NULL, error,
                    "SELECT count(*) FROM txn WHERE type = 'PAYMENT' AND business_date < :cutoff",
                    ":cutoff", DB_TEXT, cutoff, NULL))
    return FALSE;
  json_object_set_string_member (ctx->result, "cutoff", cutoff);
  json_object_set_int_member (ctx->result, "enrollments", enrollments);
  json_object_set_int_member (ctx->result, "payments", payments);
  after = json_object_new ();
  json_object_set_string_member (after, "cutoff", cutoff);
  json_object_set_int_member (after, "enrollments", enrollments);
  json_object_set_int_member (after, "payments", payments);
  return tala_audit (ctx, "ARCHIVE_OLD_RECORDS", "Job", ctx->kind, NULL, after, error);
}

/**
 * tala_ledger_get_last_applied:
 *
 * The hub time of the newest applied op (µs), or 0 for an empty journal.
 * An op applied through tala_ledger_apply() never gets an earlier
 * `applied_at`, so a job run "as of" an earlier day runs at this time.
 */
gint64
tala_ledger_get_last_applied (TalaLedger *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->last_applied;
}
