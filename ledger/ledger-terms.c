/* ledger-terms.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Semesters (with their exam-month mapping) and sections with their weekly
 * slots (ops.md §2.5).
 */

#define G_LOG_DOMAIN "tala-ledger"

#include "config.h"

#include <string.h>

#include "ledger-private.h"

static const char * const days[] = { "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN", NULL };
static const char * const period_names[] = { "PRELIM", "MIDTERM", "PREFINAL", "FINAL" };

static const TalaArgSpec exam_months_sub[] = {
  { "PRELIM", ARG_INT, TRUE, 1, 6 },
  { "MIDTERM", ARG_INT, TRUE, 1, 6 },
  { "PREFINAL", ARG_INT, TRUE, 1, 6 },
  { "FINAL", ARG_INT, TRUE, 1, 6 },
  { NULL }
};

const TalaArgSpec _tala_args_semester_put[] = {
  { "code", ARG_SEM, TRUE },
  { "start_date", ARG_DATE, TRUE },
  { "end_date", ARG_DATE, TRUE },
  { "enrollment_start", ARG_DATE, TRUE },
  { "enrollment_end", ARG_DATE, TRUE },
  { "is_active", ARG_BOOL, FALSE },
  { "exam_months", ARG_OBJECT, FALSE, .sub = exam_months_sub },
  { NULL }
};

static void
diff_text (JsonArray  *changed,
           const char *name,
           const char *a,
           const char *b)
{
  if (g_strcmp0 (a, b) != 0)
    json_array_add_string_element (changed, name);
}

gboolean
_tala_kind_semester_put (TalaCtx *ctx,
                         GError **error)
{
  TalaLedger *self = ctx->ledger;
  const char *code = arg_str (ctx, "code");
  const char *start = arg_str (ctx, "start_date");
  const char *end = arg_str (ctx, "end_date");
  const char *en_start = arg_str (ctx, "enrollment_start");
  const char *en_end = arg_str (ctx, "enrollment_end");
  gboolean active = arg_bool (ctx, "is_active", FALSE);
  JsonObject *exam = arg_has (ctx, "exam_months")
    ? json_object_get_object_member (ctx->args, "exam_months") : NULL;
  gint64 months[4] = { 1, 2, 3, 4 }, semester_id, unlocked = 0;
  g_autoptr(JsonArray) changed = json_array_new ();
  g_autoptr(TalaStmt) stmt = NULL;
  g_autofree char *deactivated = NULL;
  g_autoptr(GArray) enrollments = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean created;
  int rc;

  if (strcmp (end, start) <= 0)
    return tala_reject (ctx, error, "invalid_args", details_field ("end_date"),
                        "end_date must be after start_date");
  if (strcmp (en_start, en_end) > 0 || strcmp (en_end, end) > 0)
    return tala_reject (ctx, error, "invalid_args", details_field ("enrollment_end"),
                        "the enrollment window must satisfy"
                        " enrollment_start ≤ enrollment_end ≤ end_date");
  for (int i = 0; exam && i < 4; i++)
    months[i] = json_object_get_int_member (exam, period_names[i]);

  if (!tala_semester_find (self, code, &semester_id, error))
    return FALSE;
  created = semester_id == 0;
  if (!created)
    {
      stmt = tala_db_query (self, error,
                            "SELECT start_date, end_date, enrollment_start, enrollment_end,"
                            " is_active, month_prelim, month_midterm, month_prefinal, month_final"
                            " FROM semester WHERE id = :id", ":id", DB_INT, semester_id, NULL);
      if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
        return FALSE;
      diff_text (changed, "end_date", tala_stmt_text (stmt, 1), end);
      diff_text (changed, "enrollment_end", tala_stmt_text (stmt, 3), en_end);
      diff_text (changed, "enrollment_start", tala_stmt_text (stmt, 2), en_start);
      for (int i = 0; i < 4; i++)
        if (tala_stmt_int (stmt, 5 + i) != months[i])
          {
            json_array_add_string_element (changed, "exam_months");
            break;
          }
      if (tala_stmt_int (stmt, 4) != active)
        json_array_add_string_element (changed, "is_active");
      diff_text (changed, "start_date", tala_stmt_text (stmt, 0), start);
      g_clear_pointer (&stmt, tala_stmt_release);
    }

  if (active)
    {
      stmt = tala_db_query (self, error, "SELECT code FROM semester WHERE is_active AND code <> :c",
                            ":c", DB_TEXT, code, NULL);
      if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
        return FALSE;
      if (rc == SQLITE_ROW)
        deactivated = g_strdup (tala_stmt_text (stmt, 0));
      g_clear_pointer (&stmt, tala_stmt_release);
      if (!tala_db_exec (self, error,
                         "UPDATE semester SET is_active = 0, hub_seq = :seq"
                         " WHERE is_active AND code <> :c",
                         ":seq", DB_INT, ctx->hub_seq, ":c", DB_TEXT, code, NULL))
        return FALSE;
    }
  if (!tala_db_exec (self, error,
                     "INSERT INTO semester (code, start_date, end_date, enrollment_start,"
                     " enrollment_end, is_active, month_prelim, month_midterm, month_prefinal,"
                     " month_final, hub_seq)"
                     " VALUES (:c, :s, :e, :es, :ee, :a, :m1, :m2, :m3, :m4, :seq)"
                     " ON CONFLICT (code) DO UPDATE SET start_date = excluded.start_date,"
                     " end_date = excluded.end_date, enrollment_start = excluded.enrollment_start,"
                     " enrollment_end = excluded.enrollment_end, is_active = excluded.is_active,"
                     " month_prelim = excluded.month_prelim, month_midterm = excluded.month_midterm,"
                     " month_prefinal = excluded.month_prefinal,"
                     " month_final = excluded.month_final, hub_seq = excluded.hub_seq",
                     ":c", DB_TEXT, code, ":s", DB_TEXT, start, ":e", DB_TEXT, end,
                     ":es", DB_TEXT, en_start, ":ee", DB_TEXT, en_end, ":a", DB_INT, (gint64) active,
                     ":m1", DB_INT, months[0], ":m2", DB_INT, months[1], ":m3", DB_INT, months[2],
                     ":m4", DB_INT, months[3], ":seq", DB_INT, ctx->hub_seq, NULL) ||
      !tala_semester_find (self, code, &semester_id, error))
    return FALSE;

  if (!created)
    {
      /* A new mapping moves LOCKED permits only (D-X1); a new end date
       * becomes the expiry of the UNLOCKED ones. */
      for (int i = 0; i < 4; i++)
        if (!tala_db_exec (self, error,
                           "UPDATE permit SET month = :m, hub_seq = :seq"
                           " WHERE status = 'LOCKED' AND period = :p AND month <> :m"
                           " AND enrollment_id IN (SELECT id FROM enrollment WHERE semester_id = :s)",
                           ":m", DB_INT, months[i], ":seq", DB_INT, ctx->hub_seq,
                           ":p", DB_TEXT, period_names[i], ":s", DB_INT, semester_id, NULL))
          return FALSE;
      if (!tala_db_exec (self, error,
                         "UPDATE permit SET expires = :e, hub_seq = :seq"
                         " WHERE status = 'UNLOCKED' AND expires <> :e"
                         " AND enrollment_id IN (SELECT id FROM enrollment WHERE semester_id = :s)",
                         ":e", DB_TEXT, end, ":seq", DB_INT, ctx->hub_seq,
                         ":s", DB_INT, semester_id, NULL))
        return FALSE;
      stmt = tala_db_query (self, error,
                            "SELECT e.id FROM enrollment e JOIN student st ON st.id = e.student_id"
                            " WHERE e.semester_id = :s ORDER BY st.number",
                            ":s", DB_INT, semester_id, NULL);
      if (stmt == NULL)
        return FALSE;
      while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
        {
          gint64 id = tala_stmt_int (stmt, 0);

          g_array_append_val (enrollments, id);
        }
      if (rc < 0)
        return FALSE;
      g_clear_pointer (&stmt, tala_stmt_release);
      for (guint i = 0; i < enrollments->len; i++)
        {
          g_autoptr(JsonArray) list = json_array_new ();

          if (!_tala_permits_unlock_paid (ctx, g_array_index (enrollments, gint64, i), "PAYMENT",
                                          list, error))
            return FALSE;
          unlocked += json_array_get_length (list);
        }
    }

  json_object_set_string_member (ctx->result, "code", code);
  json_object_set_boolean_member (ctx->result, "created", created);
  json_object_set_array_member (ctx->result, "changed", json_array_ref (changed));
  obj_set_str (ctx->result, "deactivated", deactivated);
  json_object_set_int_member (ctx->result, "permits_unlocked", unlocked);
  {
    JsonObject *after = json_object_new ();

    json_object_set_array_member (after, "changed", json_array_ref (changed));
    obj_set_str (after, "deactivated", deactivated);
    return tala_audit (ctx, "CATALOG_CHANGED", "Semester", code, NULL, after, error);
  }
}

/* ---- catalog.section.put ------------------------------------------------- */

static const TalaArgSpec slot_sub[] = {
  { "day", ARG_ENUM, TRUE, .choices = days },
  { "start", ARG_TIME, TRUE },
  { "end", ARG_TIME, TRUE },
  { "room", ARG_TEXT, FALSE, .max = 50 },
  { NULL }
};

const TalaArgSpec _tala_args_section_put[] = {
  { "semester", ARG_SEM, TRUE },
  { "code", ARG_CODE, TRUE },
  { "subject", ARG_CODE, TRUE },
  { "capacity", ARG_INT, TRUE, 1, 100 },
  { "professor", ARG_USERNAME, FALSE },
  { "room", ARG_TEXT, FALSE, .max = 50 },
  { "slots", ARG_ARRAY, FALSE, ARG_OBJECT, 50, .sub = slot_sub },
  { "schedule_notes", ARG_NOTE, FALSE, .max = 500 },
  { "override_professor_conflict", ARG_BOOL, FALSE },
  { "reason", ARG_REASON, FALSE },
  { NULL }
};

typedef struct
{
  int day;        /* 0 = MON */
  int start_min;
  int end_min;
} Slot;

static int
day_index (const char *day)
{
  for (int i = 0; days[i]; i++)
    if (strcmp (days[i], day) == 0)
      return i;
  return -1;
}

static GArray *
parse_slots (TalaCtx *ctx)
{
  JsonNode *node = json_object_get_member (ctx->args, "slots");
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  GArray *slots = g_array_new (FALSE, FALSE, sizeof (Slot));

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      Slot s = { .day = day_index (json_object_get_string_member (o, "day")) };

      tala_time_parse (json_object_get_string_member (o, "start"), &s.start_min);
      tala_time_parse (json_object_get_string_member (o, "end"), &s.end_min);
      g_array_append_val (slots, s);
    }
  return slots;
}

/* Sections whose slots overlap @slots on the same day (back to back is
 * fine), among sections selected by @sql (bound :s = semester, :x = the
 * section itself, :k = key). */
static gboolean
overlapping (TalaLedger *self,
             GArray     *slots,
             const char *sql,
             gint64      semester_id,
             gint64      section_id,
             gint64      key,
             JsonArray  *out,
             GError    **error)
{
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);
      g_autoptr(TalaStmt) stmt = tala_db_query (self, error, sql,
                                                ":s", DB_INT, semester_id,
                                                ":x", DB_INT, section_id,
                                                ":k", DB_INT, key,
                                                ":day", DB_INT, (gint64) s->day,
                                                ":start", DB_INT, (gint64) s->start_min,
                                                ":end", DB_INT, (gint64) s->end_min, NULL);
      int rc;

      if (stmt == NULL)
        return FALSE;
      while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
        {
          gboolean seen = FALSE;

          for (guint j = 0; j < json_array_get_length (out) && !seen; j++)
            seen = strcmp (json_array_get_string_element (out, j), tala_stmt_text (stmt, 0)) == 0;
          if (!seen)
            json_array_add_string_element (out, tala_stmt_text (stmt, 0));
        }
      if (rc < 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_slot_order (TalaCtx *ctx,
                  GArray  *slots,
                  GError **error)
{
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);

      if (s->start_min >= s->end_min)
        return tala_reject (ctx, error, "invalid_args", details_field ("slots"),
                            "a slot must start before it ends");
      if (i > 0)
        {
          Slot *p = &g_array_index (slots, Slot, i - 1);

          if (p->day > s->day || (p->day == s->day && p->start_min >= s->start_min))
            return tala_reject (ctx, error, "invalid_args", details_field ("slots"),
                                "slots must be sorted by day, then start");
          if (p->day == s->day && p->end_min > s->start_min)
            return tala_reject (ctx, error, "invalid_args", details_field ("slots"),
                                "slots of a section must not overlap");
        }
    }
  return TRUE;
}

/* The fields of a stored section as text, in the order of section_fields,
 * for the "changed" list of a put.  Slots are one string. */
static const char * const section_fields[] = {
  "capacity", "professor", "room", "schedule_notes", "slots", "subject", NULL
};

static GPtrArray *
section_snapshot (TalaLedger *self,
                  gint64      section_id,
                  GError    **error)
{
  g_autoptr(TalaStmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) slots = g_string_new (NULL);
  int rc;

  stmt = tala_db_query (self, error,
                        "SELECT x.capacity, u.username, x.room, x.schedule_notes, s.code"
                        " FROM section x JOIN subject s ON s.id = x.subject_id"
                        " LEFT JOIN user u ON u.id = x.professor_id WHERE x.id = :x",
                        ":x", DB_INT, section_id, NULL);
  if (stmt == NULL || tala_db_step (self, stmt, error) != SQLITE_ROW)
    return NULL;
  g_ptr_array_add (out, g_strdup_printf ("%" G_GINT64_FORMAT, tala_stmt_int (stmt, 0)));
  g_ptr_array_add (out, g_strdup (tala_stmt_text (stmt, 1)));
  g_ptr_array_add (out, g_strdup (tala_stmt_text (stmt, 2)));
  g_ptr_array_add (out, g_strdup (tala_stmt_text (stmt, 3)));
  g_ptr_array_add (out, NULL);
  g_ptr_array_add (out, g_strdup (tala_stmt_text (stmt, 4)));
  g_clear_pointer (&stmt, tala_stmt_release);
  stmt = tala_db_query (self, error,
                        "SELECT day, start_min, end_min, coalesce (room, '') FROM section_slot"
                        " WHERE section_id = :x ORDER BY day, start_min",
                        ":x", DB_INT, section_id, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = tala_db_step (self, stmt, error)) == SQLITE_ROW)
    g_string_append_printf (slots, "%s %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " %s;",
                            days[tala_stmt_int (stmt, 0)], tala_stmt_int (stmt, 1),
                            tala_stmt_int (stmt, 2), tala_stmt_text (stmt, 3));
  if (rc < 0)
    return NULL;
  g_ptr_array_index (out, 4) = g_strdup (slots->str);
  return g_steal_pointer (&out);
}

gboolean
_tala_kind_section_put (TalaCtx *ctx,
                        GError **error)
{
  TalaLedger *self = ctx->ledger;
  const char *code = arg_str (ctx, "code");
  const char *professor = arg_str (ctx, "professor");
  gint64 capacity = arg_int (ctx, "capacity", 0);
  g_autoptr(GArray) slots = parse_slots (ctx);
  g_autoptr(JsonArray) changed = json_array_new ();
  g_autoptr(JsonArray) prof_conflicts = json_array_new ();
  g_autoptr(JsonArray) student_conflicts = json_array_new ();
  g_autoptr(TalaStmt) stmt = NULL;
  gint64 semester_id, subject_id, section_id = 0, prof_id = 0, taken = 0, old_subject = 0;
  gboolean found, created;
  g_autofree char *target = NULL;
  g_autoptr(GPtrArray) before = NULL;

  if (!check_slot_order (ctx, slots, error) ||
      !tala_semester_find (self, arg_str (ctx, "semester"), &semester_id, error))
    return FALSE;
  if (semester_id == 0)
    return tala_reject (ctx, error, "unknown_semester", NULL,
                        "no semester %s", arg_str (ctx, "semester"));
  if (!tala_db_int (self, &subject_id, &found, error, "SELECT id FROM subject WHERE code = :c",
                    ":c", DB_TEXT, arg_str (ctx, "subject"), NULL))
    return FALSE;
  if (!found)
    return tala_reject (ctx, error, "unknown_subject", NULL,
                        "no subject %s", arg_str (ctx, "subject"));
  if (professor != NULL)
    {
      g_autofree char *role = NULL;
      int rc;

      stmt = tala_db_query (self, error, "SELECT id, role FROM user WHERE username = :u",
                            ":u", DB_TEXT, professor, NULL);
      if (stmt == NULL || (rc = tala_db_step (self, stmt, error)) < 0)
        return FALSE;
      if (rc != SQLITE_ROW)
        return tala_reject (ctx, error, "unknown_user", NULL,
                            "no user %s", professor);
      prof_id = tala_stmt_int (stmt, 0);
      role = g_strdup (tala_stmt_text (stmt, 1));
      g_clear_pointer (&stmt, tala_stmt_release);
      if (strcmp (role, "PROFESSOR") != 0)
        return tala_reject (ctx, error, "not_a_professor", NULL,
                            "%s is a %s, not a professor", professor, role);
    }
  if (!tala_db_int (self, &section_id, &found, error,
                    "SELECT id FROM section WHERE semester_id = :s AND code = :c",
                    ":s", DB_INT, semester_id, ":c", DB_TEXT, code, NULL))
    return FALSE;
  created = !found;
  if (!created)
    {
      before = section_snapshot (self, section_id, error);
      if (before == NULL)
        return FALSE;
      if (!tala_db_int (self, &old_subject, NULL, error,
                        "SELECT subject_id FROM section WHERE id = :x", ":x", DB_INT, section_id,
                        NULL) ||
          !tala_db_int (self, &taken, NULL, error,
                        "SELECT count(*) FROM take WHERE section_id = :x AND status <> 'DROPPED'",
                        ":x", DB_INT, section_id, NULL))
        return FALSE;
      if (old_subject != subject_id && taken > 0)
        return tala_reject (ctx, error, "section_in_use", NULL,
                            "section %s has %" G_GINT64_FORMAT " students; its subject stays",
                            code, taken);
      if (capacity < taken)
        return tala_reject (ctx, error, "capacity_below_taken", NULL,
                            "section %s already has %" G_GINT64_FORMAT " students", code, taken);
    }
  if (prof_id != 0 &&
      !overlapping (self, slots,
                    "SELECT DISTINCT x.code FROM section x JOIN section_slot sl ON sl.section_id = x.id"
                    " WHERE x.semester_id = :s AND x.professor_id = :k AND x.id <> :x"
                    " AND sl.day = :day AND sl.start_min < :end AND sl.end_min > :start",
                    semester_id, section_id, prof_id, prof_conflicts, error))
    return FALSE;
  if (json_array_get_length (prof_conflicts) > 0)
    {
      if (!arg_bool (ctx, "override_professor_conflict", FALSE))
        {
          JsonObject *details = json_object_new ();

          json_object_set_array_member (details, "conflicts", json_array_ref (prof_conflicts));
          return tala_reject (ctx, error, "professor_conflict", details,
                              "%s already teaches at that time", professor);
        }
      if (!arg_has (ctx, "reason"))
        return tala_reject (ctx, error, "reason_required", details_field ("reason"),
                            "overriding a professor's conflict needs a reason");
    }

  if (!tala_db_exec (self, error,
                     "INSERT INTO section (semester_id, code, subject_id, capacity, professor_id,"
                     " room, schedule_notes, hub_seq) VALUES (:s, :c, :subj, :cap, :prof, :room,"
                     " :notes, :seq) ON CONFLICT (semester_id, code) DO UPDATE SET"
                     " subject_id = excluded.subject_id, capacity = excluded.capacity,"
                     " professor_id = excluded.professor_id, room = excluded.room,"
                     " schedule_notes = excluded.schedule_notes, hub_seq = excluded.hub_seq",
                     ":s", DB_INT, semester_id, ":c", DB_TEXT, code, ":subj", DB_INT, subject_id,
                     ":cap", DB_INT, capacity, ":prof", prof_id ? DB_INT : DB_NULL, prof_id,
                     ":room", DB_TEXT, arg_str (ctx, "room"),
                     ":notes", DB_TEXT, arg_str (ctx, "schedule_notes"),
                     ":seq", DB_INT, ctx->hub_seq, NULL) ||
      !tala_db_int (self, &section_id, NULL, error,
                    "SELECT id FROM section WHERE semester_id = :s AND code = :c",
                    ":s", DB_INT, semester_id, ":c", DB_TEXT, code, NULL) ||
      !tala_db_exec (self, error, "DELETE FROM section_slot WHERE section_id = :x",
                     ":x", DB_INT, section_id, NULL))
    return FALSE;
  {
    JsonNode *node = json_object_get_member (ctx->args, "slots");
    JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

    for (guint i = 0; i < slots->len; i++)
      {
        Slot *s = &g_array_index (slots, Slot, i);
        JsonObject *o = json_array_get_object_element (array, i);

        if (!tala_db_exec (self, error,
                           "INSERT INTO section_slot (section_id, day, start_min, end_min, room,"
                           " hub_seq) VALUES (:x, :d, :s, :e, :r, :seq)",
                           ":x", DB_INT, section_id, ":d", DB_INT, (gint64) s->day,
                           ":s", DB_INT, (gint64) s->start_min, ":e", DB_INT, (gint64) s->end_min,
                           ":r", DB_TEXT, json_object_has_member (o, "room")
                                          ? json_object_get_string_member (o, "room") : NULL,
                           ":seq", DB_INT, ctx->hub_seq, NULL))
          return FALSE;
      }
  }

  /* Students holding the section keep it even when its new slots clash with
   * their other takes; they are listed for the registrar. */
  if (!created &&
      !overlapping (self, slots,
                    "SELECT DISTINCT st.number FROM take t"
                    " JOIN take mine ON mine.enrollment_id = t.enrollment_id"
                    "  AND mine.section_id = :x AND mine.status <> 'DROPPED'"
                    " JOIN enrollment e ON e.id = t.enrollment_id"
                    " JOIN student st ON st.id = e.student_id"
                    " JOIN section_slot sl ON sl.section_id = t.section_id"
                    " WHERE t.status <> 'DROPPED' AND t.section_id <> :x AND :s = :s AND :k = :k"
                    " AND sl.day = :day AND sl.start_min < :end AND sl.end_min > :start",
                    semester_id, section_id, 0, student_conflicts, error))
    return FALSE;

  if (!created)
    {
      g_autoptr(GPtrArray) after = section_snapshot (self, section_id, error);

      if (after == NULL)
        return FALSE;
      for (guint i = 0; section_fields[i]; i++)
        diff_text (changed, section_fields[i], g_ptr_array_index (before, i),
                   g_ptr_array_index (after, i));
    }
  target = g_strdup_printf ("%s/%s", arg_str (ctx, "semester"), code);
  json_object_set_string_member (ctx->result, "semester", arg_str (ctx, "semester"));
  json_object_set_string_member (ctx->result, "code", code);
  json_object_set_boolean_member (ctx->result, "created", created);
  json_object_set_array_member (ctx->result, "changed", json_array_ref (changed));
  json_object_set_array_member (ctx->result, "student_conflicts", json_array_ref (student_conflicts));
  if (json_array_get_length (prof_conflicts) > 0)
    {
      JsonObject *after = json_object_new ();

      json_object_set_string_member (after, "reason", arg_str (ctx, "reason"));
      json_object_set_array_member (after, "conflicts", json_array_ref (prof_conflicts));
      if (!tala_audit (ctx, "SCHEDULE_CONFLICT_OVERRIDE", "Section", target, NULL, after, error))
        return FALSE;
    }
  {
    JsonObject *after = json_object_new ();

    json_object_set_array_member (after, "changed", json_array_ref (changed));
    return tala_audit (ctx, "CATALOG_CHANGED", "Section", target, NULL, after, error);
  }
}
