/* hub-seed-demo.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub seed --demo`: business-rules §16.7 as ops (D-S1).  The events
 * of the demo (catalog, eight scenario students with their enrollments,
 * payments, takes, grades and credits) are collected with their shifted
 * dates, sorted by day and applied through the seeder.  Choices are in
 * docs/academics.md.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hub-seed.h"

/* ---- The demo: business-rules §16.7 -------------------------------------- */

/* The original's calendar, shifted by D-S1 so that the active semester
 * (2025-FIRST, 2025-01-08) starts two days before the as-of day. */
typedef struct
{
  const char *code;          /* the original code; the year moves with the shift */
  const char *start, *end;   /* original dates */
  int         window_days;   /* enrollment window from the start */
} DemoSemester;

static const DemoSemester demo_semesters[] = {
  { "2023-FIRST",  "2023-08-01", "2023-12-15", 12 },
  { "2024-SECOND", "2024-01-08", "2024-05-15", 13 },
  { "2024-FIRST",  "2024-08-01", "2024-12-15", 14 },
  { "2025-FIRST",  "2025-01-08", "2025-05-15", 14 },   /* active */
};

static const struct
{
  const char *code, *name;
  int         units;
  const char *type, *prerequisite;
} demo_subjects[] = {
  { "CS101", "Programming Fundamentals", 3, "MAJOR", NULL },
  { "CS102", "Digital Logic", 3, "MAJOR", NULL },
  { "CS103", "Discrete Mathematics", 3, "MAJOR", NULL },
  { "CS104", "Web Basics", 3, "MINOR", NULL },
  { "CS105", "Data Structures Intro", 3, "MAJOR", NULL },
  { "CS201", "Object-Oriented Programming", 3, "MAJOR", "CS101" },
  { "CS202", "Computer Architecture", 3, "MAJOR", "CS102" },
  { "CS203", "Algorithms", 3, "MAJOR", "CS103" },
  { "CS204", "Advanced Web Development", 3, "MINOR", NULL },
  { "CS205", "Data Structures", 3, "MAJOR", "CS105" },
  { "CS301", "AI Fundamentals", 3, "MAJOR", "CS203" },
  { "CS302", "Advanced Databases", 3, "MAJOR", "CS205" },
  { "CS401", "Machine Learning", 3, "MAJOR", "CS301" },
  { "ELEC101", "Presentation Skills", 2, "MINOR", NULL },
};

/* Staff: username, role, first, last, password (set after the ops by
 * demo_credentials(); passwords are not ops). */
static const char * const demo_staff[][5] = {
  { "admin", "ADMIN", "Ana", "Reyes", "admin123" },
  { "cashier", "CASHIER", "Maria", "Santos", "password123" },
  { "registrar", "REGISTRAR", "Jose", "Mercado", "password123" },
  { "prof1", "PROFESSOR", "Liza", "Cruz", "password123" },
  { "prof2", "PROFESSOR", "Ramon", "Bautista", "password123" },
  { "prof3", "PROFESSOR", "Teresa", "Villanueva", "password123" },
  { "prof4", "PROFESSOR", "Andres", "Gonzales", "password123" },
  { "prof5", "PROFESSOR", "Carmela", "Aquino", "password123" },
};

/* One op of the demo, applied in (day, seq) order. */
typedef struct
{
  gint64      day;
  guint       seq;
  const char *kind;
  const char *actor;
  JsonObject *args;
} DemoEvent;

typedef struct
{
  GPtrArray *events;
  gint64     shift;         /* days added to the original calendar */
  int        year_shift;    /* years added to semester codes */
  gint64     as_of;         /* days since 1970 */
  const char *scale;        /* "LETTER" or "PH" */
  GPtrArray *strings;       /* owned strings the events borrow */
} Demo;

static void
demo_event_free (gpointer data)
{
  DemoEvent *e = data;

  json_object_unref (e->args);
  g_free (e);
}

static void
demo_add (Demo       *demo,
          gint64      day,
          const char *kind,
          const char *actor,
          JsonObject *args)
{
  DemoEvent *e = g_new0 (DemoEvent, 1);

  e->day = day;
  e->seq = demo->events->len;
  e->kind = kind;
  e->actor = actor;
  e->args = args;
  g_ptr_array_add (demo->events, e);
}

static const char *
demo_keep (Demo *demo,
           char *text)
{
  g_ptr_array_add (demo->strings, text);
  return text;
}

/* An original date moved by the shift, as days. */
static gint64
demo_day (Demo       *demo,
          const char *original)
{
  gint64 days = 0;

  _tala_seed_date_parse (original, &days);
  return days + demo->shift;
}

static const char *
demo_date (Demo  *demo,
           gint64 day)
{
  char text[11];

  _tala_seed_date_format (day, text);
  return demo_keep (demo, g_strdup (text));
}

/* A semester code with its year moved by the shift ("2025-FIRST" → …). */
static const char *
demo_sem (Demo *demo,
          int   index)
{
  const char *code = demo_semesters[index].code;

  return demo_keep (demo, g_strdup_printf ("%d%s", atoi (code) + demo->year_shift, code + 4));
}

/* A grade of the original (A, C, D, F, INC) on the scale the demo uses. */
static const char *
demo_grade (Demo       *demo,
            const char *letter)
{
  static const char * const ph[][2] = {
    { "A", "1.00" }, { "C", "2.00" }, { "D", "3.00" }, { "F", "5.00" }, { "INC", "INC" },
  };

  if (strcmp (demo->scale, "PH") != 0)
    return letter;
  for (guint i = 0; i < G_N_ELEMENTS (ph); i++)
    if (strcmp (ph[i][0], letter) == 0)
      return ph[i][1];
  return letter;
}

static int
demo_subject_index (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_subjects); i++)
    if (strcmp (demo_subjects[i].code, code) == 0)
      return (int) i;
  g_assert_not_reached ();
  return 0;
}

/* Two sections per subject and semester.  §16.7 gives every section the
 * same slots (MON 08:00–09:00, WED 10:00–11:00), which would make any two
 * subjects clash and every professor double-booked; the demo keeps the
 * shape (section -1 on MON and WED, -2 on TUE and THU, one hour each) but
 * gives subject i the hour 07:00 + i, so a student can take several. */
static JsonObject *
demo_section_args (Demo *demo,
                   int   sem,
                   int   subject,
                   int   which)
{
  static const char * const days[2][2] = { { "MON", "WED" }, { "TUE", "THU" } };
  JsonObject *args = _tala_seed_args ("semester", demo_sem (demo, sem),
                                      "subject", demo_subjects[subject].code,
                                      "professor", demo_staff[3 + subject % 5][0], NULL);
  JsonArray *slots = json_array_new ();
  g_autofree char *code = g_strdup_printf ("%s-%d", demo_subjects[subject].code, which + 1);
  g_autofree char *start = g_strdup_printf ("%02d:00", 7 + subject);
  g_autofree char *end = g_strdup_printf ("%02d:00", 8 + subject);

  json_object_set_string_member (args, "code", code);
  json_object_set_int_member (args, "capacity", 40);
  for (int d = 0; d < 2; d++)
    {
      JsonObject *slot = _tala_seed_args ("day", days[which][d], "start", start, "end", end, NULL);

      json_array_add_object_element (slots, slot);
    }
  json_object_set_array_member (args, "slots", slots);
  return args;
}

static void
demo_catalog (Demo *demo)
{
  gint64 day = demo_day (demo, "2023-07-25");

  for (guint i = 0; i < G_N_ELEMENTS (demo_staff); i++)
    demo_add (demo, day, "user.put", i == 0 ? NULL : "admin",
              _tala_seed_args ("username", demo_staff[i][0], "role", demo_staff[i][1],
                               "first_name", demo_staff[i][2], "last_name", demo_staff[i][3],
                               "email", demo_keep (demo, g_strdup_printf ("%s@demo.tala.ph",
                                                                          demo_staff[i][0])),
                               NULL));
  demo_add (demo, day, "config.set", "admin",
            _tala_seed_args ("key", "institution_name", "value", "Tala Demo College", NULL));
  if (strcmp (demo->scale, "LETTER") == 0)
    {
      JsonObject *args = _tala_seed_args ("key", "grade_scale", "value", "LETTER", NULL);

      demo_add (demo, day, "config.set", "admin", args);
    }
  demo_add (demo, day, "catalog.program.put", "registrar",
            _tala_seed_args ("code", "CS", "name", "Bachelor of Science in Computer Science",
                             NULL));
  for (guint i = 0; i < G_N_ELEMENTS (demo_subjects); i++)
    {
      JsonObject *args = _tala_seed_args ("code", demo_subjects[i].code,
                                          "name", demo_subjects[i].name,
                                          "subject_type", demo_subjects[i].type,
                                          "program", "CS", NULL);
      JsonArray *prereqs = json_array_new ();

      if (demo_subjects[i].prerequisite)
        json_array_add_string_element (prereqs, demo_subjects[i].prerequisite);
      json_object_set_array_member (args, "prerequisites", prereqs);
      json_object_set_int_member (args, "units", demo_subjects[i].units);
      json_object_set_int_member (args, "year_level", demo_subjects[i].code[strlen (
                                    demo_subjects[i].code) - 3] - '0');
      demo_add (demo, day, "catalog.subject.put", "registrar", args);
    }
  for (guint s = 0; s < G_N_ELEMENTS (demo_semesters); s++)
    {
      gint64 start = demo_day (demo, demo_semesters[s].start);
      JsonObject *args = _tala_seed_args ("code", demo_sem (demo, s),
                                          "start_date", demo_date (demo, start),
                                          "end_date", demo_date (demo, demo_day (
                                                                   demo, demo_semesters[s].end)),
                                          "enrollment_start", demo_date (demo, start),
                                          "enrollment_end", demo_date (
                                            demo, start + demo_semesters[s].window_days - 1),
                                          NULL);

      json_object_set_boolean_member (args, "is_active", s == G_N_ELEMENTS (demo_semesters) - 1);
      demo_add (demo, day, "catalog.semester.put", "registrar", args);
      for (guint i = 0; i < G_N_ELEMENTS (demo_subjects); i++)
        for (int which = 0; which < 2; which++)
          demo_add (demo, day, "catalog.section.put", "registrar",
                    demo_section_args (demo, s, i, which));
    }
}

/* The eight scenario students of §16.7.  Their username is their student
 * number (student.register); their `seed_*` key becomes a login alias
 * (D-S2) and their e-mail's local part: <key>@demo.tala.ph. */
typedef struct
{
  const char *key;
  const char *first_name, *last_name;
  int         first_sem;     /* index of the semester they register in */
  gboolean    transferee;
  const char *current;       /* active-semester payment: NULL (no enrollment), "0" or an amount */
} DemoStudent;

static const DemoStudent demo_students[] = {
  { "seed_freshman", "Juan", "Dela Cruz", 3, FALSE, "2000.00" },
  { "seed_passing", "Angelica", "Ramos", 0, FALSE, "0" },
  { "seed_inc", "Paolo", "Santiago", 0, FALSE, "0" },
  { "seed_old_inc", "Kristine", "Navarro", 1, FALSE, NULL },
  { "seed_failed", "Miguel", "Torres", 2, FALSE, NULL },
  { "seed_prerequisite", "Patricia", "Mendoza", 2, FALSE, "2000.00" },
  { "seed_transfer", "Rafael", "Castillo", 2, TRUE, NULL },
  { "seed_low_gpa", "Bea", "Lim", 2, FALSE, "0" },
};

typedef struct
{
  Demo      *demo;
  GPtrArray *finals;     /* "day|semester|section" in first-use order */
  GHashTable *seen;
} DemoFinals;

static const char *
demo_ref (Demo       *demo,
          const char *key)
{
  return demo_keep (demo, g_strdup_printf ("@%s", key));
}

/* An enrollment in @sem at its start, paid with @amount (none for "0"). */
static void
demo_enroll (Demo       *demo,
             const char *key,
             int         sem,
             const char *amount)
{
  gint64 day = demo_day (demo, demo_semesters[sem].start);

  demo_add (demo, day, "enrollment.create", "registrar",
            _tala_seed_args ("student", demo_ref (demo, key), "semester", demo_sem (demo, sem),
                             "monthly_commitment", "2000.00", NULL));
  if (strcmp (amount, "0") != 0)
    demo_add (demo, day, "payment.record", "cashier",
              _tala_seed_args ("student", demo_ref (demo, key), "semester", demo_sem (demo, sem),
                               "amount", amount, "method", "CASH", NULL));
}

/* A take in section @which (0: -1, 1: -2) of @sem, graded @grade (NULL:
 * pending) and finalized on @final_day (0: the semester's last day). */
static void
demo_take (DemoFinals *f,
           const char *key,
           int         sem,
           const char *subject,
           int         which,
           const char *grade,
           gint64      final_day)
{
  Demo *demo = f->demo;
  int i = demo_subject_index (subject);
  const char *section = demo_keep (demo, g_strdup_printf ("%s-%d", subject, which + 1));
  g_autofree char *final = NULL;

  demo_add (demo, demo_day (demo, demo_semesters[sem].start), "subject.enroll", "registrar",
            _tala_seed_args ("student", demo_ref (demo, key), "semester", demo_sem (demo, sem),
                             "subject", subject, "section", section, NULL));
  if (grade == NULL)
    return;
  if (final_day == 0)
    final_day = demo_day (demo, demo_semesters[sem].end);
  demo_add (demo, final_day, "grade.submit", demo_staff[3 + i % 5][0],
            _tala_seed_args ("student", demo_ref (demo, key), "semester", demo_sem (demo, sem),
                             "subject", subject, "grade", demo_grade (demo, grade), NULL));
  final = g_strdup_printf ("%" G_GINT64_FORMAT "|%d|%s", final_day, sem, section);
  if (g_hash_table_add (f->seen, g_strdup (final)))
    g_ptr_array_add (f->finals, g_steal_pointer (&final));
}

static void
demo_register (Demo              *demo,
               const DemoStudent *st)
{
  int sem = st->first_sem;
  const char *code = demo_sem (demo, sem);
  JsonObject *args = _tala_seed_args ("first_name", st->first_name, "last_name", st->last_name,
                                      "program", "CS",
                                      "email", demo_keep (demo, g_strdup_printf (
                                                            "%s@demo.tala.ph", st->key)),
                                      NULL);
  JsonObject *enrollment = _tala_seed_args ("semester", code, "monthly_commitment", "2000.00",
                                            NULL);

  json_object_set_int_member (args, "enrollment_year", atoi (code));
  json_object_set_boolean_member (args, "is_transferee", st->transferee);
  json_object_set_object_member (args, "enrollment", enrollment);
  /* The placeholder tells demo_apply() whose number the result holds. */
  json_object_set_string_member (args, "@key", st->key);
  demo_add (demo, demo_day (demo, demo_semesters[sem].start), "student.register", "registrar",
            args);
  if (sem != 3 || st->current == NULL || strcmp (st->current, "0") != 0)
    demo_add (demo, demo_day (demo, demo_semesters[sem].start), "payment.record", "cashier",
              _tala_seed_args ("student", demo_ref (demo, st->key), "semester", code,
                               "amount", sem == 3 ? st->current : "12000.00", "method", "CASH",
                               NULL));
}

static void
demo_credit (Demo       *demo,
             const char *key,
             int         sem,
             const char *subject,
             const char *prior_code,
             const char *prior_name)
{
  JsonObject *args = _tala_seed_args ("student", demo_ref (demo, key),
                                      "semester", demo_sem (demo, sem), "subject", subject,
                                      "prior_institution",
                                      "Polytechnic University of the Philippines",
                                      "prior_subject_code", prior_code,
                                      "prior_subject_name", prior_name,
                                      "grade", demo_grade (demo, "A"), NULL);

  json_object_set_boolean_member (args, "count_in_gpa", FALSE);
  demo_add (demo, demo_day (demo, demo_semesters[sem].start), "credit.transfer", "registrar",
            args);
}

/* The histories of §16.7, in the shifted calendar; INC clocks are relative
 * to the as-of day (75, 165 and 45 days). */
static void
demo_histories (Demo       *demo,
                DemoFinals *f)
{
  static const char * const first3[] = { "CS101", "CS102", "CS103" };
  static const char * const second3[] = { "CS201", "CS202", "CS203" };

  for (guint i = 0; i < G_N_ELEMENTS (demo_students); i++)
    demo_register (demo, &demo_students[i]);
  demo_take (f, "seed_freshman", 3, "CS101", 0, NULL, 0);
  demo_take (f, "seed_freshman", 3, "CS102", 0, NULL, 0);
  demo_take (f, "seed_freshman", 3, "CS104", 0, NULL, 0);
  for (int i = 0; i < 3; i++)
    demo_take (f, "seed_passing", 0, first3[i], 0, "A", 0);
  demo_enroll (demo, "seed_passing", 1, "12000.00");
  for (int i = 0; i < 3; i++)
    demo_take (f, "seed_passing", 1, second3[i], 0, "A", 0);
  demo_take (f, "seed_inc", 0, "CS101", 0, "A", 0);
  demo_take (f, "seed_inc", 0, "CS102", 0, "A", 0);
  demo_take (f, "seed_inc", 0, "CS103", 1, "INC", demo->as_of - 75);
  demo_take (f, "seed_old_inc", 1, "CS101", 1, "INC", demo->as_of - 165);
  demo_take (f, "seed_failed", 2, "CS101", 0, "F", 0);
  demo_take (f, "seed_failed", 2, "CS102", 0, "C", 0);
  demo_take (f, "seed_failed", 2, "CS103", 0, "C", 0);
  demo_take (f, "seed_prerequisite", 2, "CS101", 1, "INC", demo->as_of - 45);
  demo_credit (demo, "seed_transfer", 2, "CS101", "COMP 101", "Computer Programming 1");
  demo_credit (demo, "seed_transfer", 2, "CS102", "COMP 102", "Logic Design");
  demo_take (f, "seed_low_gpa", 2, "CS101", 0, "F", 0);
  demo_take (f, "seed_low_gpa", 2, "CS102", 0, "D", 0);
  demo_take (f, "seed_low_gpa", 2, "CS103", 0, "D", 0);
  for (guint i = 0; i < G_N_ELEMENTS (demo_students); i++)
    if (demo_students[i].current != NULL && demo_students[i].first_sem != 3)
      demo_enroll (demo, demo_students[i].key, 3, demo_students[i].current);
}

static void
demo_finals (Demo       *demo,
             DemoFinals *f)
{
  for (guint i = 0; i < f->finals->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (f->finals, i), "|", 3);

      demo_add (demo, g_ascii_strtoll (parts[0], NULL, 10), "grade.finalize", "registrar",
                _tala_seed_args ("semester", demo_sem (demo, atoi (parts[1])),
                                 "section", demo_keep (demo, g_strdup (parts[2])), NULL));
    }
}

static int
demo_event_compare (gconstpointer a,
                    gconstpointer b)
{
  const DemoEvent *x = *(DemoEvent **) a, *y = *(DemoEvent **) b;

  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Applies the events in order, replacing "@key" students by the numbers
 * their registrations got. */
static gboolean
demo_apply (Demo       *demo,
            TalaSeeder *seeder,
            GHashTable *numbers,
            GError    **error)
{
  g_ptr_array_sort (demo->events, demo_event_compare);
  for (guint i = 0; i < demo->events->len; i++)
    {
      DemoEvent *e = g_ptr_array_index (demo->events, i);
      JsonObject *args = json_object_ref (e->args);
      g_autoptr(JsonObject) result = NULL;
      g_autofree char *key = NULL;
      const char *student = json_object_get_string_member_with_default (args, "student", "");

      if (student[0] == '@')
        json_object_set_string_member (args, "student",
                                       g_hash_table_lookup (numbers, student + 1));
      if (json_object_has_member (args, "@key"))
        {
          key = g_strdup (json_object_get_string_member (args, "@key"));
          json_object_remove_member (args, "@key");
        }
      _tala_seeder_set_day (seeder, e->day);
      result = _tala_seeder_op (seeder, e->kind, e->actor, args, error);
      if (result == NULL)
        return FALSE;
      if (key != NULL)
        g_hash_table_insert (numbers, g_steal_pointer (&key),
                             g_strdup (json_object_get_string_member (result, "student")));
    }
  return TRUE;
}

/* The demo's logins (not ops, ops.md §1.11): the staff's passwords, and
 * for each scenario student the password "password123" and their seed_*
 * name as a login alias (D-S2). */
static gboolean
demo_credentials (TalaLedger *ledger,
                  GHashTable *numbers,
                  GError    **error)
{
  gint64 now = tala_ledger_get_last_applied (ledger);

  for (guint i = 0; i < G_N_ELEMENTS (demo_staff); i++)
    if (!tala_ledger_set_password (ledger, demo_staff[i][0], demo_staff[i][4], NULL, now, error))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (demo_students); i++)
    {
      const char *number = g_hash_table_lookup (numbers, demo_students[i].key);

      if (number == NULL)
        continue;
      if (!tala_ledger_set_password (ledger, number, "password123", NULL, now, error) ||
          !tala_ledger_set_login_alias (ledger, number, demo_students[i].key, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * tala_hub_seed_demo:
 * @as_of: YYYY-MM-DD, the day the active semester's enrollment window
 *   contains (D-S1)
 * @scale: "LETTER" (the original's grades, the default) or "PH"
 *
 * Loads business-rules §16.7 into an empty ledger: staff (admin, cashier,
 * registrar, five professors), program CS with its 14 subjects, four
 * semesters with two sections per subject, and the eight scenario
 * students with their enrollments, payments, takes and grades.  The
 * calendar is shifted so that the active semester starts two days before
 * @as_of and its enrollment window is open on @as_of.
 */
gboolean
tala_hub_seed_demo (TalaLedger    *ledger,
                    const char    *as_of,
                    const char    *scale,
                    TalaSeedStats *stats,
                    GError       **error)
{
  Demo demo = { 0 };
  DemoFinals finals = { &demo, NULL, NULL };
  TalaSeeder seeder;
  g_autoptr(GHashTable) numbers = NULL;
  gint64 active;
  gboolean ok;

  if (!_tala_seed_date_parse (as_of, &demo.as_of))
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "bad date %s", as_of);
      return FALSE;
    }
  _tala_seed_date_parse (demo_semesters[3].start, &active);
  demo.shift = demo.as_of - 2 - active;
  {
    char start[11];

    _tala_seed_date_format (demo.as_of - 2, start);
    demo.year_shift = atoi (start) - 2025;
  }
  demo.scale = scale ? scale : "LETTER";
  demo.events = g_ptr_array_new_with_free_func (demo_event_free);
  demo.strings = g_ptr_array_new_with_free_func (g_free);
  finals.finals = g_ptr_array_new_with_free_func (g_free);
  finals.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  demo_catalog (&demo);
  demo_histories (&demo, &finals);
  demo_finals (&demo, &finals);

  numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ok = _tala_seeder_start (&seeder, ledger, 0x5eedde30, stats, error);
  if (ok && !(ok = demo_apply (&demo, &seeder, numbers, error)))
    _tala_seeder_abort (&seeder);
  else if (ok)
    ok = _tala_seeder_finish (&seeder, error) && demo_credentials (ledger, numbers, error);
  g_ptr_array_unref (demo.events);
  g_ptr_array_unref (demo.strings);
  g_ptr_array_unref (finals.finals);
  g_hash_table_unref (finals.seen);
  return ok;
}

/* The demo's logins and intended passwords (not ops, ops.md §1.11). */
void
_tala_seed_demo_print_logins (void)
{
  g_print ("\nLogins (change a password with `tala-hub user passwd`):\n");
  for (guint i = 0; i < G_N_ELEMENTS (demo_staff); i++)
    g_print ("  %-10s %-16s %s\n", demo_staff[i][0], demo_staff[i][1], demo_staff[i][4]);
  g_print ("  the eight scenario students log in with their seed_* name (or student number,"
           " or <name>@demo.tala.ph) and password123:\n");
  for (guint i = 0; i < G_N_ELEMENTS (demo_students); i++)
    g_print ("    %s\n", demo_students[i].key);
}
