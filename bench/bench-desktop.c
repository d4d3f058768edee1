/* bench-desktop.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop app's benchmark (DESIGN.md "Performance budgets"), on a
 * terminal set up by the app's own first-run code (tala_store_setup)
 * against a hub in this process over a generated college:
 *
 * (a) Search as you type: last names and student numbers are typed one
 *     character at a time into a TalaStudentList (the cashier page's model:
 *     tala_store_search on the replica's read connection, in a worker
 *     thread); each keystroke is timed from set_query to the model's
 *     update.  Budget: p95 ≤ 16 ms (one frame).  The baseline, measured on
 *     the same prefixes in the same run, is one SQL query a keystroke on a
 *     raw sqlite3 connection to the replica, prepared once, in this
 *     thread: LIKE over the number and the names, in number order (what
 *     the app ran before its in-memory index, tala-search-index.c).
 * (b) Cold start: build/desktop/tala is spawned --runs times with
 *     TALA_BENCH_FIRST_FRAME=1 (desktop/main.c), which prints the time from
 *     main() to the first painted frame and quits.  The figure is the wall
 *     time from the spawn to that line (it includes exec and loading the
 *     libraries).  Budget: < 500 ms.  Needs a display: run it under
 *     xvfb-run (and dbus-run-session).
 * (c) Resident memory: VmRSS and VmHWM of the app at its first frame, and
 *     of this process after (a) (the replica open and searched), for the
 *     record.
 *
 * The load average is printed with each figure: the machine may be shared.
 * Exit 1 when the run fails, 2 on wrong usage; a missed budget is printed,
 * not failed.
 */

#define G_LOG_DOMAIN "bench-desktop"

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>
#include <string.h>

#include <adwaita.h>

#include "bench-common.h"
#include "tala-ledger.h"
#include "tala-store.h"
#include "tala-student-list.h"

#define PASSWORD          "bench-desktop-pass"
#define CASHIER           "cashier"
#define BUDGET_KEY_MS     16.0
#define BUDGET_START_MS   500.0
#define EXIT_USAGE        2

/* One query a keystroke (ledger/ledger-people.c, tala_ledger_search_students). */
static const char search_sql[] =
  "SELECT s.id, s.number, u.username, u.email, u.first_name, u.last_name,"
  " u.phone_number, p.id, p.code, p.name, s.status, s.gpa, u.id,"
  " s.provisional_number"
  " FROM student s JOIN user u ON u.id = s.user_id"
  " JOIN program p ON p.id = s.program_id"
  " WHERE s.number LIKE :q ESCAPE '\\'"
  " OR s.provisional_number LIKE :q ESCAPE '\\'"
  " OR u.first_name LIKE :q ESCAPE '\\' OR u.last_name LIKE :q ESCAPE '\\'"
  " ORDER BY s.number LIMIT 50";

typedef struct
{
  int       students;
  int       words;
  int       runs;
  gboolean  quick;
  char     *db;
  char     *dir;
  char     *app;
} Options;

static char *
load_average (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");
  fields = g_strsplit (text, " ", 4);
  return g_strdup_printf ("load %s %s %s", fields[0], fields[1], fields[2]);
}

/* VmRSS and VmHWM of this process, in kB. */
static void
own_memory (gint64 *rss,
            gint64 *hwm)
{
  g_autofree char *status = NULL;
  const char *at;

  *rss = *hwm = -1;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  if ((at = strstr (status, "VmRSS:")) != NULL)
    *rss = g_ascii_strtoll (at + 6, NULL, 10);
  if ((at = strstr (status, "VmHWM:")) != NULL)
    *hwm = g_ascii_strtoll (at + 6, NULL, 10);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The @p-th percentile (nearest rank) of @values, which it sorts. */
static double
percentile (GArray *values,
            double  p)
{
  guint rank;

  g_array_sort (values, compare_doubles);
  rank = (guint) MAX (1.0, p / 100.0 * values->len + 0.999999);
  return g_array_index (values, double, MIN (rank, values->len) - 1);
}

static const char *
verdict (gboolean ok)
{
  return ok ? "PASS" : "FAIL";
}

/* ---- Setup ------------------------------------------------------------------ */

/* The hub's copy of the college, with the cashier's password. */
static gboolean
prepare_hub_db (Options    *opts,
                const char *hub_db,
                GError    **error)
{
  g_autoptr(TalaLedger) ledger = NULL;

  if (!g_file_test (opts->db, G_FILE_TEST_EXISTS) &&
      !bench_seed_college (opts->db, (guint) opts->students, 1, error))
    return FALSE;
  bench_remove_db (hub_db);
  if (!bench_copy_db (opts->db, hub_db, error) || !bench_warm_file (hub_db, error))
    return FALSE;
  ledger = tala_ledger_open (hub_db, error);
  return ledger != NULL &&
         tala_ledger_set_password (ledger, CASHIER, PASSWORD, NULL, tala_now_us (), error);
}

/* What is typed: @n last names and @n student numbers of the replica,
 * drawn with a fixed seed. */
static GPtrArray *
pick_words (const char *replica,
            int         n,
            GError    **error)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (replica, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT s.number, u.last_name FROM student s"
                              " JOIN user u ON u.id = s.user_id"
                              " ORDER BY (s.id * 2654435761) % 1000003 LIMIT ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", replica, sqlite3_errmsg (db));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_bind_int (stmt, 1, n);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (words, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      g_ptr_array_add (words, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_steal_pointer (&words);
}

/* ---- (a) Search as you type ------------------------------------------------- */

static gboolean
wake_cb (gpointer data G_GNUC_UNUSED)
{
  return G_SOURCE_CONTINUE;
}

/* Types each word into @list; the time of each keystroke in ms. */
static GArray *
type_into_list (TalaStudentList *list,
                GPtrArray       *words,
                guint           *results)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));

  *results = 0;
  for (guint w = 0; w < words->len; w++)
    {
      const char *word = g_ptr_array_index (words, w);

      for (const char *end = g_utf8_next_char (word); ; end = g_utf8_next_char (end))
        {
          g_autofree char *prefix = g_strndup (word, (gsize) (end - word));
          gint64 start = g_get_monotonic_time ();
          double ms;

          tala_student_list_set_query (list, prefix);
          while (tala_student_list_get_loading (list))
            g_main_context_iteration (NULL, TRUE);
          ms = (g_get_monotonic_time () - start) / 1000.0;
          g_array_append_val (times, ms);
          *results += g_list_model_get_n_items (G_LIST_MODEL (list));
          if (*end == '\0')
            break;
        }
      tala_student_list_set_query (list, "");
    }
  return times;
}

/* The same keystrokes as SQL queries on a raw connection, in ms. */
static GArray *
type_into_sqlite (const char  *replica,
                  GPtrArray   *words,
                  guint       *results,
                  GError     **error)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  *results = 0;
  if (sqlite3_open_v2 (replica, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK ||
      sqlite3_prepare_v3 (db, search_sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", replica, sqlite3_errmsg (db));
      sqlite3_close (db);
      g_array_unref (times);
      return NULL;
    }
  for (guint w = 0; w < words->len; w++)
    {
      const char *word = g_ptr_array_index (words, w);

      for (const char *end = g_utf8_next_char (word); ; end = g_utf8_next_char (end))
        {
          g_autofree char *pattern = g_strdup_printf ("%%%.*s%%", (int) (end - word), word);
          gint64 start = g_get_monotonic_time ();
          double ms;

          sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            (*results)++;
          sqlite3_reset (stmt);
          sqlite3_clear_bindings (stmt);
          ms = (g_get_monotonic_time () - start) / 1000.0;
          g_array_append_val (times, ms);
          if (*end == '\0')
            break;
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return times;
}

static void
free_kinds (GArray    **app_kind,
            GArray    **raw_kind,
            GPtrArray **kind)
{
  for (guint k = 0; k < 2; k++)
    {
      g_clear_pointer (&app_kind[k], g_array_unref);
      g_clear_pointer (&raw_kind[k], g_array_unref);
      g_clear_pointer (&kind[k], g_ptr_array_unref);
    }
}

static gboolean
bench_search (TalaStore   *store,
              const char  *replica,
              Options     *opts,
              GError     **error)
{
  g_autoptr(GPtrArray) words = pick_words (replica, opts->words, error);
  g_autoptr(TalaStudentList) list = NULL;
  g_autoptr(GArray) app = NULL;
  g_autoptr(GArray) raw = NULL;
  g_autoptr(GArray) warm = NULL;
  GArray *app_kind[2] = { NULL, NULL };   /* owned */
  GArray *raw_kind[2] = { NULL, NULL };   /* owned */
  GPtrArray *kind[2] = { NULL, NULL };    /* owned, of borrowed strings */
  g_autofree char *load = NULL;
  guint app_results = 0, raw_results = 0, wake, n;
  double app50, app95, raw50, raw95, app_max;

  if (words == NULL)
    return FALSE;
  list = tala_student_list_new (store);
  wake = g_timeout_add (1000, wake_cb, NULL);
  /* One untimed word first: the read connection opens and the cache warms. */
  g_ptr_array_insert (words, 0, g_strdup ("Santos"));
  warm = type_into_list (list, words, &n);
  g_ptr_array_remove_index (words, 0);
  load = load_average ();
  /* Last names and numbers apart (pick_words alternates them), then together. */
  kind[0] = g_ptr_array_new ();
  kind[1] = g_ptr_array_new ();
  for (guint i = 0; i < words->len; i++)
    g_ptr_array_add (kind[i % 2], g_ptr_array_index (words, i));
  app = g_array_new (FALSE, FALSE, sizeof (double));
  raw = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint k = 0; k < 2; k++)
    {
      app_kind[k] = type_into_list (list, kind[k], &n);
      app_results += n;
      raw_kind[k] = type_into_sqlite (replica, kind[k], &n, error);
      raw_results += n;
      if (raw_kind[k] == NULL)
        break;
      g_array_append_vals (app, app_kind[k]->data, app_kind[k]->len);
      g_array_append_vals (raw, raw_kind[k]->data, raw_kind[k]->len);
    }
  g_source_remove (wake);
  if (raw_kind[0] == NULL || raw_kind[1] == NULL)
    {
      free_kinds (app_kind, raw_kind, kind);
      return FALSE;
    }
  if (app_results != raw_results)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the app's search found %u rows in all, the raw query %u",
                   app_results, raw_results);
      return FALSE;
    }
  app50 = percentile (app, 50);
  app95 = percentile (app, 95);
  app_max = g_array_index (app, double, app->len - 1);
  raw50 = percentile (raw, 50);
  raw95 = percentile (raw, 95);
  g_print ("(a) search as you type: %u words (%u last names, %u numbers), %u keystrokes,"
           " %u rows shown in all (%s)\n",
           words->len, words->len / 2, words->len / 2, app->len, app_results, load);
  g_print ("    app (TalaStudentList → tala_store_search, worker thread):"
           " p50 %.2f ms, p95 %.2f ms, max %.2f ms\n", app50, app95, app_max);
  g_print ("    raw (one LIKE query a key, sqlite3, prepared once):       "
           " p50 %.2f ms, p95 %.2f ms\n", raw50, raw95);
  g_print ("    by kind, p95 app / raw: last names %.2f / %.2f ms, student numbers %.2f / %.2f ms\n",
           percentile (app_kind[0], 95), percentile (raw_kind[0], 95),
           percentile (app_kind[1], 95), percentile (raw_kind[1], 95));
  g_print ("    app ÷ raw: p50 %.2f×, p95 %.2f×\n", app50 / raw50, app95 / raw95);
  g_print ("    budget p95 ≤ %.0f ms: %.2f ms → %s\n", BUDGET_KEY_MS, app95,
           verdict (app95 <= BUDGET_KEY_MS));
  free_kinds (app_kind, raw_kind, kind);
  return TRUE;
}

/* ---- (b) Cold start --------------------------------------------------------- */

typedef struct
{
  double ms;        /* spawn → first frame, wall time */
  double own_ms;    /* main() → first frame, as the app measured it */
  gint64 rss_kb;
  gint64 hwm_kb;
} Start;

/* Spawns @argv (which prints "first-frame-us N" at its first frame) once. */
static gboolean
start_once (const char * const *argv,
            Start              *out,
            GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  gboolean seen = FALSE;
  gint64 start;
  char *line;

  g_subprocess_launcher_setenv (launcher, "TALA_BENCH_FIRST_FRAME", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", FALSE);
  start = g_get_monotonic_time ();
  proc = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (proc == NULL)
    return FALSE;
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  out->rss_kb = out->hwm_kb = -1;
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL)) != NULL)
    {
      if (g_str_has_prefix (line, "first-frame-us "))
        {
          out->ms = (g_get_monotonic_time () - start) / 1000.0;
          out->own_ms = g_ascii_strtoll (line + 15, NULL, 10) / 1000.0;
          seen = TRUE;
        }
      else if (g_str_has_prefix (line, "VmRSS:"))
        out->rss_kb = g_ascii_strtoll (line + 6, NULL, 10);
      else if (g_str_has_prefix (line, "VmHWM:"))
        out->hwm_kb = g_ascii_strtoll (line + 6, NULL, 10);
      g_free (line);
    }
  if (!g_subprocess_wait (proc, NULL, error))
    return FALSE;
  if (!seen)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s printed no first frame (no display? run under xvfb-run)", argv[0]);
      return FALSE;
    }
  return TRUE;
}

static gboolean
bench_start (Options     *opts,
             const char  *replica,
             const char  *url,
             GError     **error)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *app_argv[] = { opts->app, "--replica", replica, "--hub", url, NULL };
  const char *bare_argv[] = { self, "--bare-window", NULL };
  g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) own = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *load = NULL;
  g_autofree char *load_after = NULL;
  gint64 rss = 0, hwm = 0;
  Start first = { 0 };
  double median, worst, bare_median;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "(b) needs a display: run under xvfb-run -a (and dbus-run-session)");
      return FALSE;
    }
  load = load_average ();
  /* The app and the bare window take turns, so that both see the same load. */
  for (int i = 0; i < opts->runs; i++)
    {
      Start s = { 0 }, b = { 0 };

      if (!start_once (app_argv, &s, error) || !start_once (bare_argv, &b, error))
        return FALSE;
      if (i == 0)
        first = s;
      g_array_append_val (wall, s.ms);
      g_array_append_val (own, s.own_ms);
      g_array_append_val (bare, b.ms);
      rss = MAX (rss, s.rss_kb);
      hwm = MAX (hwm, s.hwm_kb);
    }
  load_after = load_average ();
  median = percentile (wall, 50);
  worst = g_array_index (wall, double, wall->len - 1);
  bare_median = percentile (bare, 50);
  g_print ("(b) cold start to the first frame (login page), %d runs, GSK_RENDERER=%s"
           " (before: %s; after: %s):\n", opts->runs,
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "(default)", load, load_after);
  g_print ("    app, spawn → first frame: first run %.0f ms, median %.0f ms, max %.0f ms"
           " (main() → first frame: median %.0f ms)\n",
           first.ms, median, worst, percentile (own, 50));
  g_print ("    bare libadwaita window (the baseline), spawn → first frame: median %.0f ms,"
           " max %.0f ms\n", bare_median, g_array_index (bare, double, bare->len - 1));
  g_print ("    app ÷ bare window: median %.2f×\n", median / bare_median);
  g_print ("    budget < %.0f ms: median %.0f ms → %s; max %.0f ms → %s\n",
           BUDGET_START_MS, median, verdict (median < BUDGET_START_MS),
           worst, verdict (worst < BUDGET_START_MS));
  g_print ("(c) the app at its first frame: VmRSS up to %" G_GINT64_FORMAT " kB, VmHWM up to %"
           G_GINT64_FORMAT " kB\n", rss, hwm);
  return TRUE;
}

/* ---- The bare window (the cold start's baseline) ----------------------------- */

/* `bench-desktop --bare-window`: an AdwApplication whose window holds one
 * label, timed as desktop/main.c times the app (main() → first frame). */
static gint64 bare_start_us;

static void
bare_after_paint_cb (GdkFrameClock *clock,
                     GtkWindow     *window)
{
  g_signal_handlers_disconnect_by_func (clock, bare_after_paint_cb, window);
  g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - bare_start_us);
  fflush (stdout);
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
bare_map_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (bare_after_paint_cb), window);
}

static void
bare_activate_cb (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window),
                                      gtk_label_new ("Tala"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  g_signal_connect (window, "map", G_CALLBACK (bare_map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static int
bare_window (void)
{
  g_autoptr(AdwApplication) app = adw_application_new ("org.tala.BenchBareWindow",
                                                        G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (bare_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), 0, NULL);
}

/* ---- Main ------------------------------------------------------------------- */

static int
run (Options  *opts,
     GError  **error)
{
  g_autofree char *hub_db = g_build_filename (opts->dir, "hub.db", NULL);
  g_autofree char *terminal = g_build_filename (opts->dir, "terminal", NULL);
  g_autofree char *replica = g_build_filename (terminal, "replica.db", NULL);
  g_autofree char *url = NULL;
  g_autofree char *load = NULL;
  g_autoptr(TalaStore) store = NULL;
  TalaLogin *login;
  gint64 rss, hwm, start;
  gboolean ok;
  Hub *hub;

  if (!prepare_hub_db (opts, hub_db, error))
    return 1;
  hub = bench_hub_start (hub_db, TRUE, error);
  if (hub == NULL)
    return 1;
  url = g_strdup_printf ("http://127.0.0.1:%u", hub->port);
  g_mkdir_with_parents (terminal, 0700);
  store = tala_store_new (replica);
  start = g_get_monotonic_time ();
  login = tala_store_setup (store, url, CASHIER, PASSWORD, "B01", NULL, NULL, NULL, error);
  if (login == NULL)
    {
      bench_hub_stop (hub);
      return 1;
    }
  tala_login_free (login);
  g_print ("first run (register, snapshot, install the replica): %.2f s\n",
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  ok = bench_search (store, replica, opts, error);
  own_memory (&rss, &hwm);
  load = load_average ();
  if (ok)
    g_print ("(c) this process after (a) (replica open, %d students searched):"
             " VmRSS %" G_GINT64_FORMAT " kB, VmHWM %" G_GINT64_FORMAT " kB (%s)\n",
             opts->students, rss, hwm, load);
  ok = ok && (opts->runs == 0 || bench_start (opts, replica, url, error));
  bench_hub_stop (hub);
  return ok ? 0 : 1;
}

static char *
default_app (const char *argv0)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self ? self : argv0);

  return g_build_filename (dir, "..", "desktop", "tala", NULL);
}

int
main (int   argc,
      char *argv[])
{
  Options opts = { .students = 20000, .words = 20, .runs = 10 };
  GOptionEntry entries[] = {
    { "students", 0, 0, G_OPTION_ARG_INT, &opts.students,
      "Students in the college when it is seeded (20000)", "N" },
    { "words", 0, 0, G_OPTION_ARG_INT, &opts.words,
      "Last names and as many student numbers typed (20 each)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &opts.runs, "Cold starts (10; 0 skips them)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opts.db,
      "The seeded college: made when missing, reused when present (it is only read)", "PATH" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &opts.dir,
      "Scratch directory (default: a new one under the temporary directory)", "DIR" },
    { "app", 0, 0, G_OPTION_ARG_FILENAME, &opts.app,
      "The desktop app (default: build/desktop/tala beside this program)", "PATH" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &opts.quick,
      "A small run (2,000 students, 5 words, 3 cold starts)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the desktop benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *made_dir = NULL;
  int status;

  bare_start_us = g_get_monotonic_time ();
  if (argc == 2 && g_str_equal (argv[1], "--bare-window"))
    return bare_window ();
  setlocale (LC_ALL, "");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-desktop: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opts.quick)
    {
      opts.students = opts.students == 20000 ? 2000 : opts.students;
      opts.words = opts.words == 20 ? 5 : opts.words;
      opts.runs = opts.runs == 10 ? 3 : opts.runs;
    }
  if (opts.students < 10 || opts.words < 1 || opts.runs < 0)
    {
      g_printerr ("bench-desktop: --students at least 10, --words at least 1, --runs ≥ 0\n");
      return EXIT_USAGE;
    }
  if (opts.dir == NULL)
    {
      made_dir = g_dir_make_tmp ("bench-desktop-XXXXXX", &error);
      if (made_dir == NULL)
        {
          g_printerr ("bench-desktop: %s\n", error->message);
          return 1;
        }
      opts.dir = g_strdup (made_dir);
    }
  if (opts.db == NULL)
    opts.db = g_strdup_printf ("%s/college-%d.db", opts.dir, opts.students);
  if (opts.app == NULL)
    opts.app = default_app (argv[0]);
  g_print ("bench-desktop: %d students (%s), app %s, scratch %s\n",
           opts.students, opts.db, opts.app, opts.dir);
  status = run (&opts, &error);
  if (error != NULL)
    g_printerr ("bench-desktop: %s\n", error->message);
  /* A scratch directory of our own goes (keep a college with --db elsewhere). */
  if (made_dir != NULL)
    rm_rf (made_dir);
  g_free (opts.db);
  g_free (opts.dir);
  g_free (opts.app);
  return status;
}
