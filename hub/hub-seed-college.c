/* hub-seed-college.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub seed --students N`: a generated college for benchmarks and
 * load tests.  Six programs with a four-year curriculum (two terms a year,
 * five subjects a term, each FIRST-term major requiring the previous
 * SECOND term's), block sections of up to 40 students with conflict-free
 * timetables and professors, and two semesters: last year's SECOND (graded
 * and finalized, with INC, failures and drops, INC completions, leaves of
 * absence and withdrawals) and this year's FIRST (active, three days into
 * its enrollment window: most returning students have enrolled, some have
 * only paid, some not yet).  Payments come in several methods and
 * patterns; grades are on the PH scale.
 *
 * A student model decides everything first (so that no op is rejected:
 * prerequisites, unit cap and schedules hold by construction); the events
 * are then sorted by day and applied as ops.  A given seed and as-of day
 * give the same ops, op_ids included.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hub-seed.h"

#define N_TERMS      8      /* Y1F Y1S Y2F Y2S Y3F Y3S Y4F Y4S */
#define N_SLOTS      5      /* subjects per term: four majors and a general one */
#define BLOCK_SIZE   40     /* students per block section */
#define CAPACITY     45
#define N_TIMES      12     /* weekly time slots of a timetable */

/* ---- Deterministic randomness (splitmix64) ------------------------------- */

typedef struct
{
  guint64 state;
} Rng;

static guint64
rng_next (Rng *rng)
{
  guint64 z = (rng->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static guint
rng_below (Rng  *rng,
           guint n)
{
  return (guint) (rng_next (rng) % n);
}

/* TRUE with probability @percent / 100. */
static gboolean
rng_chance (Rng  *rng,
            guint percent)
{
  return rng_below (rng, 100) < percent;
}

/* ---- The catalog --------------------------------------------------------- */

#include "hub-seed-college-data.h"

/* PH grades and how often they are given, in percent. */
static const struct
{
  const char *value;
  guint       weight;
} grade_table[] = {
  { "1.00", 5 }, { "1.25", 8 }, { "1.50", 12 }, { "1.75", 15 }, { "2.00", 15 },
  { "2.25", 12 }, { "2.50", 10 }, { "2.75", 8 }, { "3.00", 6 }, { "5.00", 5 },
  { "INC", 3 }, { "DRP", 1 },
};

enum { GRADE_FAILED = 9, GRADE_INC = 10, GRADE_DRP = 11 };

static gint64
subject_units (guint slot)
{
  static const gint64 units[N_SLOTS] = { 3, 3, 3, 4, 3 };

  return units[slot];
}

/* ---- The model ----------------------------------------------------------- */

enum { SEM_PAST, SEM_CURRENT, N_SEMS };

typedef enum
{
  EV_REGISTER, EV_ENROLLMENT, EV_PAY, EV_TAKE, EV_DROP, EV_GRADE, EV_FINALIZE, EV_OVERRIDE,
  EV_LOA, EV_WITHDRAW,
} EventType;

/* One op to make, applied in (day, seq) order; the payload's meaning
 * depends on the type. */
typedef struct
{
  gint32  day;
  guint32 seq;
  guint8  type;
  guint8  sem;
  guint8  term;       /* curriculum term of a take; method of a payment */
  guint8  slot;       /* subject slot of a take */
  guint32 student;
  gint32  value;      /* grade index, amount in pesos, LOA start day */
} Event;

typedef struct
{
  guint8  program;
  guint8  year;       /* year level this (current) semester, 1..4 */
  guint8  first, last;
  guint16 block;      /* block section within the cohort */
  gint64  commitment; /* centavos */
} Student;

typedef struct
{
  char      *codes[N_PROGRAMS][N_TERMS][N_SLOTS];
  guint      blocks[N_PROGRAMS][5];        /* block sections per cohort (program, year) */
  guint      prof_base[N_PROGRAMS][N_TERMS];
  GPtrArray *professors;                   /* usernames */
} Catalog;

typedef struct
{
  Rng          rng;
  const TalaCollegeOptions *options;
  GArray      *students;          /* Student */
  GArray      *events;            /* Event */
  guint        cohort[N_PROGRAMS][5];     /* students per (program, year level) */
  gint64       start[N_SEMS], end[N_SEMS];
  char        *codes[N_SEMS];
  char       **numbers;           /* student index → number, set at registration */
  guint        references;        /* counter of payment references */
  Catalog      cat;
  TalaSeeder   seeder;
} College;

static void
add_event (College  *c,
           gint64    day,
           EventType type,
           guint     sem,
           guint     student,
           guint     term,
           guint     slot,
           gint32    value)
{
  Event e = { (gint32) day, c->events->len, type, sem, term, slot, student, value };

  g_array_append_val (c->events, e);
}

/* The curriculum term a year level takes: the current FIRST term, or last
 * year's SECOND term. */
static guint
term_of (guint year,
         guint sem)
{
  return sem == SEM_CURRENT ? 2 * (year - 1) : 2 * (year - 2) + 1;
}

/* ---- Catalog and staff --------------------------------------------------- */

static void
catalog_clear (Catalog *cat)
{
  for (guint p = 0; p < N_PROGRAMS; p++)
    for (guint k = 0; k < N_TERMS; k++)
      for (guint j = 0; j < N_SLOTS; j++)
        g_free (cat->codes[p][k][j]);
  g_clear_pointer (&cat->professors, g_ptr_array_unref);
}

/* The cohort (year level) that takes term @k: FIRST terms now, SECOND
 * terms last year (by the students one year up). */
static guint
cohort_of (guint k)
{
  return k % 2 == 0 ? k / 2 + 1 : k / 2 + 2;
}

/* A professor teaches one subject of a term for four consecutive blocks:
 * their time slots (slot + block mod 12) never overlap. */
static const char *
professor_of (Catalog *cat,
              guint    p,
              guint    k,
              guint    j,
              guint    block)
{
  guint y = cohort_of (k), groups = y <= 4 ? (cat->blocks[p][y] + 3) / 4 : 0;

  return g_ptr_array_index (cat->professors, cat->prof_base[p][k] + j * groups + block / 4);
}

static void
catalog_plan (College *c)
{
  Catalog *cat = &c->cat;
  guint next = 0;

  cat->professors = g_ptr_array_new_with_free_func (g_free);
  for (guint p = 0; p < N_PROGRAMS; p++)
    for (guint y = 1; y <= 4; y++)
      cat->blocks[p][y] = (c->cohort[p][y] + BLOCK_SIZE - 1) / BLOCK_SIZE;
  for (guint p = 0; p < N_PROGRAMS; p++)
    for (guint k = 0; k < N_TERMS; k++)
      {
        guint y = cohort_of (k), groups = y <= 4 ? (cat->blocks[p][y] + 3) / 4 : 0;

        for (guint j = 0; j < N_SLOTS; j++)
          cat->codes[p][k][j] = g_strdup_printf ("%s%u%u%u", programs[p].prefix, k / 2 + 1,
                                                 k % 2 + 1, j + 1);
        cat->prof_base[p][k] = next;
        for (guint i = 0; i < N_SLOTS * groups; i++, next++)
          g_ptr_array_add (cat->professors, g_strdup_printf ("%s.prof%04u",
                                                             programs[p].prefix, next + 1));
      }
}

static char *
subject_name (guint p,
              guint k,
              guint j)
{
  if (j == 4)
    return g_strdup (general_education[k]);
  return g_strdup_printf ("%s %s", programs[p].topics[(k / 2) * 4 + j], roman[k % 2]);
}

static gboolean
put_staff (College *c,
           GError **error)
{
  static const char * const staff[][4] = {
    { "admin", "ADMIN", "Ana", "Reyes" }, { "registrar", "REGISTRAR", "Jose", "Mercado" },
    { "cashier", "CASHIER", "Maria", "Santos" },
  };
  Rng rng = { c->options->seed ^ G_GUINT64_CONSTANT (0x5eed) };

  for (guint i = 0; i < G_N_ELEMENTS (staff); i++)
    if (!_tala_seeder_run (&c->seeder, "user.put", i == 0 ? NULL : "admin",
                           _tala_seed_args ("username", staff[i][0], "role", staff[i][1],
                                            "first_name", staff[i][2], "last_name", staff[i][3],
                                            NULL), error))
      return FALSE;
  for (guint i = 0; i < c->cat.professors->len; i++)
    {
      const char *first = first_names[rng_below (&rng, G_N_ELEMENTS (first_names))];
      const char *last = last_names[rng_below (&rng, G_N_ELEMENTS (last_names))];

      if (!_tala_seeder_run (&c->seeder, "user.put", "admin",
                             _tala_seed_args ("username", g_ptr_array_index (c->cat.professors, i),
                                              "role", "PROFESSOR", "first_name", first,
                                              "last_name", last, NULL), error))
        return FALSE;
    }
  return TRUE;
}

static JsonObject *
subject_args (College *c,
              guint    p,
              guint    k,
              guint    j)
{
  g_autofree char *name = subject_name (p, k, j);
  JsonObject *args = _tala_seed_args ("code", c->cat.codes[p][k][j], "name", name,
                                      "program", programs[p].code,
                                      "subject_type", j < 4 ? "MAJOR"
                                      : (k == 5 || k == 7) ? "ELECTIVE" : "MINOR", NULL);
  JsonArray *prereqs = json_array_new ();

  /* A FIRST-term major needs the same major of the SECOND term before. */
  if (k % 2 == 0 && k > 0 && j < 4)
    json_array_add_string_element (prereqs, c->cat.codes[p][k - 1][j]);
  json_object_set_array_member (args, "prerequisites", prereqs);
  json_object_set_int_member (args, "units", subject_units (j));
  json_object_set_int_member (args, "year_level", k / 2 + 1);
  return args;
}

static gboolean
put_subjects (College *c,
              GError **error)
{
  for (guint p = 0; p < N_PROGRAMS; p++)
    {
      if (!_tala_seeder_run (&c->seeder, "catalog.program.put", "registrar",
                             _tala_seed_args ("code", programs[p].code, "name", programs[p].name,
                                              NULL), error))
        return FALSE;
      /* SECOND terms first: a FIRST-term subject names its prerequisite. */
      for (guint pass = 0; pass < 2; pass++)
        for (guint k = 1 - pass; k < N_TERMS; k += 2)
          for (guint j = 0; j < N_SLOTS; j++)
            if (!_tala_seeder_run (&c->seeder, "catalog.subject.put", "registrar",
                                   subject_args (c, p, k, j), error))
              return FALSE;
    }
  return TRUE;
}

static const char *
day_text (gint64 day,
          char   out[11])
{
  _tala_seed_date_format (day, out);
  return out;
}

static gboolean
put_semesters (College *c,
               GError **error)
{
  for (guint s = 0; s < N_SEMS; s++)
    {
      char start[11], end[11], window[11];
      JsonObject *args = _tala_seed_args ("code", c->codes[s],
                                          "start_date", day_text (c->start[s], start),
                                          "end_date", day_text (c->end[s], end),
                                          "enrollment_start", start,
                                          "enrollment_end", day_text (c->start[s] + 13, window),
                                          NULL);

      json_object_set_boolean_member (args, "is_active", s == SEM_CURRENT);
      if (!_tala_seeder_run (&c->seeder, "catalog.semester.put", "registrar", args, error))
        return FALSE;
    }
  return TRUE;
}

/* Time slot t: MON/WED, TUE/THU or FRI/SAT at one of four 90-minute times. */
static JsonArray *
slots_of (guint t)
{
  static const char * const days[3][2] = { { "MON", "WED" }, { "TUE", "THU" }, { "FRI", "SAT" } };
  static const char * const times[4][2] = {
    { "08:00", "09:30" }, { "09:30", "11:00" }, { "13:00", "14:30" }, { "14:30", "16:00" },
  };
  JsonArray *slots = json_array_new ();

  for (int d = 0; d < 2; d++)
    json_array_add_object_element (slots, _tala_seed_args ("day", days[t / 4][d],
                                                           "start", times[t % 4][0],
                                                           "end", times[t % 4][1], NULL));
  return slots;
}

/* Each semester has the sections of the terms its cohorts take: one per
 * block and subject, the block's subjects at distinct times. */
static gboolean
put_sections (College *c,
              GError **error)
{
  for (guint s = 0; s < N_SEMS; s++)
    for (guint p = 0; p < N_PROGRAMS; p++)
      for (guint y = s == SEM_PAST ? 2 : 1; y <= 4; y++)
        for (guint j = 0; j < N_SLOTS; j++)
          for (guint b = 0; b < c->cat.blocks[p][y]; b++)
            {
              guint k = term_of (y, s);
              g_autofree char *code = g_strdup_printf ("%s-%u", c->cat.codes[p][k][j], b + 1);
              JsonObject *args = _tala_seed_args ("semester", c->codes[s], "code", code,
                                                  "subject", c->cat.codes[p][k][j],
                                                  "professor", professor_of (&c->cat, p, k, j, b),
                                                  NULL);

              json_object_set_int_member (args, "capacity", CAPACITY);
              json_object_set_array_member (args, "slots", slots_of ((j + b) % N_TIMES));
              if (!_tala_seeder_run (&c->seeder, "catalog.section.put", "registrar", args, error))
                return FALSE;
            }
  return TRUE;
}

/* ---- Students and their events ------------------------------------------- */

static guint
pick_program (Rng *rng)
{
  guint total = 0, roll;

  for (guint p = 0; p < N_PROGRAMS; p++)
    total += programs[p].weight;
  roll = rng_below (rng, total);
  for (guint p = 0; p < N_PROGRAMS; p++)
    {
      if (roll < programs[p].weight)
        return p;
      roll -= programs[p].weight;
    }
  return 0;
}

static void
make_students (College *c)
{
  static const guint year_share[] = { 30, 27, 23, 20 };

  for (guint i = 0; i < c->options->students; i++)
    {
      Student st = { 0 };
      guint roll = rng_below (&c->rng, 100);

      st.program = pick_program (&c->rng);
      for (st.year = 1; st.year < 4 && roll >= year_share[st.year - 1]; st.year++)
        roll -= year_share[st.year - 1];
      st.first = rng_below (&c->rng, G_N_ELEMENTS (first_names));
      st.last = rng_below (&c->rng, G_N_ELEMENTS (last_names));
      st.block = c->cohort[st.program][st.year]++ / BLOCK_SIZE;
      st.commitment = programs[st.program].commitment + 10000 * rng_below (&c->rng, 11);
      g_array_append_val (c->students, st);
    }
}

static guint
pick_grade (Rng *rng,
            int  bias)
{
  guint roll = rng_below (rng, 100), sum = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (grade_table); i++)
    if (roll < (sum += grade_table[i].weight))
      break;
  /* Abler students move up to two steps toward 1.00 on passing grades. */
  if (i < GRADE_FAILED)
    i = (guint) MAX ((int) i - bias, 0);
  return i;
}

/* Methods: the event's term field; 0 is CASH (no reference). */
static const char * const methods[] = { "CASH", "GCASH", "MAYA", "BANK_TRANSFER", "ONLINE" };

static void
pay (College *c,
     guint    i,
     guint    sem,
     gint64   day,
     gint64   amount)
{
  guint roll = rng_below (&c->rng, 100);
  guint method = roll < 65 ? 0 : roll < 80 ? 1 : roll < 88 ? 2 : roll < 95 ? 3 : 4;

  add_event (c, day, EV_PAY, sem, i, method, 0, (gint32) (amount / 100));
}

/* Month 1 at least is paid at the start (the enrollment gate); last
 * semester's accounts were then paid in full, in halves, or left short. */
static void
make_payments (College *c,
               guint    i,
               guint    sem)
{
  gint64 m = g_array_index (c->students, Student, i).commitment, start = c->start[sem];
  guint roll = rng_below (&c->rng, 100);

  if (sem == SEM_CURRENT)
    pay (c, i, sem, start, roll < 80 ? m : roll < 95 ? 2 * m : 6 * m);
  else if (roll < 50)
    pay (c, i, sem, start, 6 * m);
  else if (roll < 85)
    {
      pay (c, i, sem, start, 3 * m);
      pay (c, i, sem, start + 90, 3 * m);
    }
  else
    pay (c, i, sem, start, 2 * m);
}

/* Last year's SECOND term: takes, a few drops, grades at the end, some INC
 * completed ten days later.  Fills @passed (prerequisites of this term). */
static void
make_past (College  *c,
           guint     i,
           int       bias,
           gboolean  passed[N_SLOTS])
{
  Student *st = &g_array_index (c->students, Student, i);
  guint k = term_of (st->year, SEM_PAST);

  add_event (c, c->start[SEM_PAST], EV_REGISTER, SEM_PAST, i, 0, 0, 0);
  make_payments (c, i, SEM_PAST);
  for (guint j = 0; j < N_SLOTS; j++)
    {
      guint grade;

      add_event (c, c->start[SEM_PAST], EV_TAKE, SEM_PAST, i, k, j, st->block);
      if (rng_chance (&c->rng, 2))
        {
          add_event (c, c->start[SEM_PAST] + 7, EV_DROP, SEM_PAST, i, k, j, 0);
          continue;
        }
      grade = pick_grade (&c->rng, bias);
      add_event (c, c->end[SEM_PAST], EV_GRADE, SEM_PAST, i, k, j, grade);
      passed[j] = grade < GRADE_FAILED;
      if (grade == GRADE_INC && rng_chance (&c->rng, 40))
        {
          add_event (c, c->end[SEM_PAST] + 10, EV_OVERRIDE, SEM_PAST, i, k, j,
                     3 + rng_below (&c->rng, 6));
          passed[j] = TRUE;
        }
    }
}

/* This FIRST term: the enrollment, month 1, and (@subjects) the takes
 * whose prerequisites were passed. */
static void
make_current (College  *c,
              guint     i,
              gboolean  first,
              gboolean  subjects,
              gboolean  passed[N_SLOTS])
{
  Student *st = &g_array_index (c->students, Student, i);
  guint k = term_of (st->year, SEM_CURRENT);

  add_event (c, c->start[SEM_CURRENT], first ? EV_REGISTER : EV_ENROLLMENT, SEM_CURRENT, i,
             0, 0, 0);
  make_payments (c, i, SEM_CURRENT);
  for (guint j = 0; subjects && j < N_SLOTS; j++)
    if (st->year == 1 || j == 4 || passed[j])
      add_event (c, c->start[SEM_CURRENT], EV_TAKE, SEM_CURRENT, i, k, j, st->block);
}

static void
make_events (College *c)
{
  for (guint i = 0; i < c->students->len; i++)
    {
      Student *st = &g_array_index (c->students, Student, i);
      gboolean passed[N_SLOTS] = { FALSE };
      guint roll;

      if (st->year == 1)
        {
          make_current (c, i, TRUE, TRUE, passed);
          continue;
        }
      make_past (c, i, (int) rng_below (&c->rng, 3), passed);
      roll = rng_below (&c->rng, 100);
      if (roll < 1)
        {
          add_event (c, c->end[SEM_PAST] + 15, EV_WITHDRAW, SEM_PAST, i, 0, 0, 0);
          continue;
        }
      if (roll < 3)
        add_event (c, roll < 2 ? c->end[SEM_PAST] + 5 : c->start[SEM_CURRENT], EV_LOA,
                   SEM_PAST, i, 0, 0, 0);
      /* Three days into the window: 80 % have paid, 65 % also enrolled. */
      roll = rng_below (&c->rng, 100);
      if (roll < 80)
        make_current (c, i, FALSE, roll < 65, passed);
    }
  add_event (c, c->end[SEM_PAST], EV_FINALIZE, SEM_PAST, 0, 0, 0, 0);
}

static int
event_compare (gconstpointer a,
               gconstpointer b)
{
  const Event *x = a, *y = b;

  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- Applying the events ------------------------------------------------- */

static JsonObject *
take_args (College *c,
           Event   *e)
{
  Student *st = &g_array_index (c->students, Student, e->student);

  return _tala_seed_args ("student", c->numbers[e->student], "semester", c->codes[e->sem],
                          "subject", c->cat.codes[st->program][e->term][e->slot], NULL);
}

static gboolean
apply_register (College *c,
                Event   *e,
                GError **error)
{
  Student *st = &g_array_index (c->students, Student, e->student);
  g_autofree char *commitment = tala_money_format (st->commitment);
  JsonObject *args = _tala_seed_args ("first_name", first_names[st->first],
                                      "last_name", last_names[st->last],
                                      "program", programs[st->program].code, NULL);
  g_autoptr(JsonObject) result = NULL;

  /* The year they entered the college (year level 1). */
  json_object_set_int_member (args, "enrollment_year",
                              atoi (c->codes[SEM_CURRENT]) - (st->year - 1));
  json_object_set_object_member (args, "enrollment",
                                 _tala_seed_args ("semester", c->codes[e->sem],
                                                  "monthly_commitment", commitment, NULL));
  result = _tala_seeder_op (&c->seeder, "student.register", "registrar", args, error);
  if (result == NULL)
    return FALSE;
  c->numbers[e->student] = g_strdup (json_object_get_string_member (result, "student"));
  return TRUE;
}

static gboolean
apply_pay (College *c,
           Event   *e,
           GError **error)
{
  g_autofree char *amount = g_strdup_printf ("%d.00", e->value);
  g_autofree char *reference = NULL;

  if (e->term != 0)
    reference = g_strdup_printf ("R%08x-%07u", (guint32) c->options->seed, ++c->references);
  return _tala_seeder_run (&c->seeder, "payment.record", "cashier",
                           _tala_seed_args ("student", c->numbers[e->student],
                                            "semester", c->codes[e->sem], "amount", amount,
                                            "method", methods[e->term],
                                            "reference_number", reference, NULL), error);
}

static gboolean
apply_take (College *c,
            Event   *e,
            GError **error)
{
  Student *st = &g_array_index (c->students, Student, e->student);
  JsonObject *args = take_args (c, e);
  g_autofree char *section = g_strdup_printf ("%s-%d",
                                              c->cat.codes[st->program][e->term][e->slot],
                                              e->value + 1);

  json_object_set_string_member (args, "section", section);
  return _tala_seeder_run (&c->seeder, "subject.enroll", "registrar", args, error);
}

static gboolean
apply_grade (College *c,
             Event   *e,
             GError **error)
{
  Student *st = &g_array_index (c->students, Student, e->student);
  JsonObject *args = take_args (c, e);

  json_object_set_string_member (args, "grade", grade_table[e->value].value);
  return _tala_seeder_run (&c->seeder, "grade.submit",
                           professor_of (&c->cat, st->program, e->term, e->slot, st->block),
                           args, error);
}

/* A leave between the semesters, [past end + 5, current start); recorded
 * when it began or, late, when the student came back. */
static gboolean
apply_loa (College *c,
           Event   *e,
           GError **error)
{
  char start[11], end[11];

  return _tala_seeder_run (&c->seeder, "loa.record", "registrar",
                           _tala_seed_args ("student", c->numbers[e->student],
                                            "start_date", day_text (c->end[SEM_PAST] + 5, start),
                                            "end_date", day_text (c->start[SEM_CURRENT], end),
                                            "reason", "Family emergency in the province", NULL),
                           error);
}

static gboolean
apply_other (College *c,
             Event   *e,
             GError **error)
{
  JsonObject *args;

  switch ((EventType) e->type)
    {
    case EV_ENROLLMENT:
      {
        g_autofree char *m = tala_money_format (g_array_index (c->students, Student,
                                                               e->student).commitment);

        return _tala_seeder_run (&c->seeder, "enrollment.create", "registrar",
                                 _tala_seed_args ("student", c->numbers[e->student],
                                                  "semester", c->codes[e->sem],
                                                  "monthly_commitment", m, NULL), error);
      }
    case EV_DROP:
      args = take_args (c, e);
      json_object_set_string_member (args, "reason", "Conflict with work schedule");
      return _tala_seeder_run (&c->seeder, "subject.drop", "registrar", args, error);
    case EV_FINALIZE:
      return _tala_seeder_run (&c->seeder, "grade.finalize", "registrar",
                               _tala_seed_args ("semester", c->codes[e->sem], NULL), error);
    case EV_OVERRIDE:
      args = take_args (c, e);
      json_object_set_string_member (args, "grade", grade_table[e->value].value);
      json_object_set_string_member (args, "reason", "INC completed: requirements submitted");
      return _tala_seeder_run (&c->seeder, "grade.override", "registrar", args, error);
    case EV_WITHDRAW:
      return _tala_seeder_run (&c->seeder, "student.update", "registrar",
                               _tala_seed_args ("student", c->numbers[e->student],
                                                "status", "WITHDRAWN",
                                                "reason", "Transferred to another school", NULL),
                               error);
    default:
      g_assert_not_reached ();
      return FALSE;
    }
}

static gboolean
apply_event (College *c,
             Event   *e,
             GError **error)
{
  _tala_seeder_set_day (&c->seeder, e->day);
  switch ((EventType) e->type)
    {
    case EV_REGISTER:
      return apply_register (c, e, error);
    case EV_PAY:
      return apply_pay (c, e, error);
    case EV_TAKE:
      return apply_take (c, e, error);
    case EV_GRADE:
      return apply_grade (c, e, error);
    case EV_LOA:
      return apply_loa (c, e, error);
    default:
      return apply_other (c, e, error);
    }
}

/* The calendar: this year's FIRST semester starts three days before the
 * as-of day (its 14-day window is open); last year's SECOND started 210
 * days before it.  Each lasts 130 days. */
static void
make_calendar (College *c,
               gint64   as_of)
{
  char start[11];
  int year;

  _tala_seed_date_format (as_of - 3, start);
  year = atoi (start);
  c->start[SEM_CURRENT] = as_of - 3;
  c->start[SEM_PAST] = as_of - 3 - 210;
  for (guint s = 0; s < N_SEMS; s++)
    c->end[s] = c->start[s] + 130;
  c->codes[SEM_PAST] = g_strdup_printf ("%d-SECOND", year - 1);
  c->codes[SEM_CURRENT] = g_strdup_printf ("%d-FIRST", year);
}

static gboolean
college_apply (College *c,
               GError **error)
{
  _tala_seeder_set_day (&c->seeder, c->start[SEM_PAST] - 10);
  if (!put_staff (c, error) || !put_subjects (c, error) || !put_semesters (c, error) ||
      !put_sections (c, error))
    return FALSE;
  g_array_sort (c->events, event_compare);
  for (guint i = 0; i < c->events->len; i++)
    if (!apply_event (c, &g_array_index (c->events, Event, i), error))
      return FALSE;
  return TRUE;
}

/**
 * tala_hub_seed_college:
 * @options: students (≥ 1), seed, as-of day
 *
 * Generates a college into an empty ledger (see the file comment), every
 * row through tala_ledger_apply() on the trusted channel, committed in
 * batches.  Deterministic for a given seed and as-of day.
 */
gboolean
tala_hub_seed_college (TalaLedger               *ledger,
                       const TalaCollegeOptions *options,
                       TalaSeedStats            *stats,
                       GError                  **error)
{
  College c = { .options = options };
  gint64 as_of;
  gboolean ok;

  g_return_val_if_fail (options->students > 0, FALSE);
  if (!_tala_seed_date_parse (options->as_of, &as_of))
    {
      g_set_error (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID, "bad date %s",
                   options->as_of);
      return FALSE;
    }
  c.rng.state = options->seed;
  c.students = g_array_new (FALSE, TRUE, sizeof (Student));
  c.events = g_array_new (FALSE, FALSE, sizeof (Event));
  c.numbers = g_new0 (char *, options->students);
  make_calendar (&c, as_of);
  make_students (&c);
  catalog_plan (&c);
  make_events (&c);

  ok = _tala_seeder_start (&c.seeder, ledger, (guint32) (options->seed * 2654435761u), stats,
                           error);
  if (ok && !(ok = college_apply (&c, error)))
    _tala_seeder_abort (&c.seeder);
  else if (ok)
    ok = _tala_seeder_finish (&c.seeder, error);

  catalog_clear (&c.cat);
  for (guint i = 0; i < options->students; i++)
    g_free (c.numbers[i]);
  g_free (c.numbers);
  for (guint s = 0; s < N_SEMS; s++)
    g_free (c.codes[s]);
  g_array_unref (c.students);
  g_array_unref (c.events);
  return ok;
}
