/* screenshots.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tools/screenshots: the desktop app's pages as PNG files, for the guides
 * and the metainfo.  It seeds the demo ledger (`tala-hub seed --demo` and
 * the demo passwords, as scripts/demo does), starts a hub on 127.0.0.1 on a
 * port the system picks, runs the app's first run and logins against it,
 * and renders each page of the table below at a fixed window size with
 * gtk_widget_paintable → GskRenderer → gdk_texture_save_to_png.  An image
 * with too few colours (a blank or half-drawn page) fails the run.
 *
 * A page whose widget or action does not exist yet is skipped with a
 * message; adding a page is one line in shots[].
 *
 * Usage: screenshots --hub PATH/tala-hub [--output DIR]
 * Run it under a display: scripts/screenshots wraps it in xvfb-run.
 */

#define G_LOG_DOMAIN "screenshots"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <adwaita.h>
#include <curl/curl.h>

#include "tala-application.h"
#include "tala-cashier-page.h"
#include "tala-registrar-items.h"
#include "tala-registrar-page.h"
#include "tala-session.h"
#include "tala-student-list.h"
#include "tala-window.h"

#define WIDTH            1280
#define HEIGHT           800
#define MIN_COLOURS      48      /* distinct colours in a page worth showing */
#define MAX_FLAT_SHARE   0.985   /* the commonest colour's share of the pixels */
#define DEMO_STUDENT     "Dela Cruz"
#define DEMO_AMOUNT      "2500.00"
#define DEMO_REG_SEARCH  "Santiago"
#define DEMO_REG_STUDENT "2024-00002"   /* Paolo Santiago: an INC, subjects this semester */
#define DEMO_FRESHMAN    "2026-00001"   /* Juan Dela Cruz: CS101 this semester */
#define DEMO_ADD_SUBJECT "CS201"
#define DEMO_SEMESTER    "2026-FIRST"   /* the demo's active semester */

typedef struct
{
  char            *tmp;       /* owned temporary folder (hub db, replica, log) */
  char            *db;
  char            *url;
  GSubprocess     *hub;
  TalaApplication *app;
  TalaSession     *session;
  TalaWindow      *window;
  const char      *output;
} Shots;

/* Returns the widget to render (the main window or a window it opened), or
 * NULL when the page cannot be reached yet (it is skipped). */
typedef GtkWidget *(*ShotReach) (Shots *s);

typedef struct
{
  const char *name;     /* docs/screenshots/<name>.png */
  const char *user;     /* who is logged in: SETUP (not set up yet), NULL (nobody) */
  const char *needs;    /* a type name that must exist, or NULL */
  const char *action;   /* a detailed action activated on the window, or NULL */
  ShotReach   reach;    /* extra steps, or NULL */
  gboolean    keep_toasts; /* a toast says what just happened: keep it in the picture */
} Shot;

#define SETUP "-"

static GtkWidget *reach_setup            (Shots *s);
static GtkWidget *reach_login            (Shots *s);
static GtkWidget *reach_cashier_search   (Shots *s);
static GtkWidget *reach_cashier_preview  (Shots *s);
static GtkWidget *reach_cashier_receipt  (Shots *s);
static GtkWidget *reach_attention        (Shots *s);
static GtkWidget *reach_page             (Shots *s);
static GtkWidget *reach_reg_student      (Shots *s);
static GtkWidget *reach_reg_subjects     (Shots *s);
static GtkWidget *reach_reg_records      (Shots *s);
static GtkWidget *reach_reg_grades       (Shots *s);
static GtkWidget *reach_reg_inc          (Shots *s);

/* The pages, in the order they are taken (a user's pages together).  An
 * action is activated on the widget of type `needs` when there is one in
 * the window (a page's own actions), else on the window. */
static const Shot shots[] = {
  /* name                user         needs                    action */
  { "first-run",         SETUP,       NULL,                    NULL,
    reach_setup },
  { "cashier-search",    "cashier",   NULL,                    NULL,
    reach_cashier_search },
  { "cashier-preview",   "cashier",   NULL,                    NULL,
    reach_cashier_preview },
  { "cashier-receipt",   "cashier",   NULL,                    NULL,
    reach_cashier_receipt, TRUE },
  { "needs-attention",   "cashier",   NULL,                    NULL,
    reach_attention },
  { "collections-report", "cashier",  "TalaReportWindow",      "app.collections-report",
    reach_page },
  { "preferences",       "cashier",   "TalaPreferencesWindow", "app.preferences",
    reach_page },
  { "registrar-student", "registrar", "TalaRegistrarPage",     NULL,
    reach_reg_student },
  { "registrar-records", "registrar", "TalaRegistrarPage",     NULL,
    reach_reg_records },
  { "registrar-inc",     "registrar", "TalaRegistrarPage",     NULL,
    reach_reg_inc },
  { "registrar-subjects", "registrar", "TalaRegistrarPage",    NULL,
    reach_reg_subjects },
  { "registrar-grades",  "registrar", "TalaRegistrarPage",     NULL,
    reach_reg_grades },
  { "login",             NULL,        NULL,                    NULL,
    reach_login },
};

static const struct
{
  const char *user;
  const char *password;
} logins[] = {
  { "cashier", "password123" },
  { "registrar", "password123" },
  { "admin", "admin123" },
};

static Shots *the_shots;

/* ---- Helpers --------------------------------------------------------------- */

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

static void
cleanup (Shots *s)
{
  if (s->hub != NULL)
    {
      g_subprocess_send_signal (s->hub, SIGTERM);
      g_subprocess_wait (s->hub, NULL, NULL);
      g_clear_object (&s->hub);
    }
  if (s->tmp != NULL && g_getenv ("TALA_SCREENSHOTS_KEEP") == NULL)
    rm_rf (s->tmp);
  g_clear_pointer (&s->tmp, g_free);
}

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
die (const char *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("screenshots: %s\n", message);
  if (the_shots != NULL)
    cleanup (the_shots);
  exit (1);
}

static gboolean
wake_cb (gpointer data G_GNUC_UNUSED)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (Shots *s, gconstpointer data);

/* Runs the main loop until @cond holds; dies after 60 s. */
static void
wait_until (Shots         *s,
            Condition      cond,
            gconstpointer  data,
            const char    *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (10, wake_cb, NULL);

  while (!cond (s, data))
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () > deadline)
        die ("timed out waiting for %s", what);
    }
  g_source_remove (wake);
}

static gboolean
flag_set (Shots         *s G_GNUC_UNUSED,
          gconstpointer  data)
{
  return *(const gboolean *) data;
}

static gboolean
idle_and_synced (Shots         *s,
                 gconstpointer  data G_GNUC_UNUSED)
{
  return !g_main_context_pending (NULL) && !tala_session_get_syncing (s->session);
}

static gboolean
on_page (Shots         *s,
         gconstpointer  data)
{
  return g_strcmp0 (tala_window_get_page (s->window), data) == 0;
}

static void
after_paint_cb (GdkFrameClock *clock G_GNUC_UNUSED,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Lets pending work, timers (search-as-you-type waits a moment) and a
 * repaint of @widget happen before it is rendered. */
static gboolean
has_toast (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (gtk_widget_get_css_name (child), "toast") || has_toast (child))
      return TRUE;
  return FALSE;
}

static gboolean
no_toast (Shots         *s G_GNUC_UNUSED,
          gconstpointer  data)
{
  return !has_toast (GTK_WIDGET (data));
}

static void
settle (Shots     *s,
        GtkWidget *widget,
        gboolean   keep_toasts)
{
  gint64 until = g_get_monotonic_time () + 400 * 1000;
  guint wake = g_timeout_add (10, wake_cb, NULL);
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  wait_until (s, idle_and_synced, NULL, "the app to be idle");
  if (!keep_toasts)
    wait_until (s, no_toast, widget, "the toasts to go");
  clock = gtk_widget_get_frame_clock (widget);
  if (clock == NULL)
    return;
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  wait_until (s, flag_set, &painted, "a frame");
  g_signal_handler_disconnect (clock, id);
}

/* A child of @root by its id in a .ui file (template children keep theirs). */
static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (child)), id) == 0)
        return child;
      if ((found = find_by_id (child, id)) != NULL)
        return found;
    }
  return NULL;
}

/* The widget of type @type in @root, or NULL. */
static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_by_type (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
need_by_id (GtkWidget  *root,
            const char *id)
{
  GtkWidget *widget = find_by_id (root, id);

  if (widget == NULL)
    die ("no widget \"%s\" in %s", id, G_OBJECT_TYPE_NAME (root));
  return widget;
}

static void
set_text (GtkWidget  *root,
          const char *id,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (need_by_id (root, id)), text);
}

/* ---- The hub --------------------------------------------------------------- */

static void
run_hub_command (const char * const *argv,
                 const char         *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                  | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, input, NULL, &out, NULL, &error))
    die ("%s %s: %s", argv[0], argv[1], error->message);
  if (!g_subprocess_get_successful (proc))
    die ("%s %s failed:\n%s", argv[0], argv[1], out);
}

/* The hub goes when this program does, even when it crashes. */
static void
hub_child_setup (gpointer data G_GNUC_UNUSED)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

/* The demo ledger of scripts/demo, then `tala-hub serve` on a free port. */
static void
start_hub (Shots      *s,
           const char *hub)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *log = g_build_filename (s->tmp, "hub.log", NULL);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  s->db = g_build_filename (s->tmp, "tala-hub.db", NULL);
  run_hub_command ((const char *[]) { hub, "seed", "--demo", "--db", s->db, NULL }, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (logins); i++)
    {
      g_autofree char *input = g_strconcat (logins[i].password, "\n", NULL);

      run_hub_command ((const char *[]) { hub, "user", "passwd", "--db", s->db,
                                          "--password-stdin", logins[i].user, NULL }, input);
    }
  g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/null");
  g_subprocess_launcher_set_child_setup (launcher, hub_child_setup, NULL, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  s->hub = g_subprocess_launcher_spawn (launcher, &error, hub, "serve", "--db", s->db,
                                        "--listen", "127.0.0.1:0", "--no-jobs", NULL);
  if (s->hub == NULL)
    die ("%s serve: %s", hub, error->message);
  for (;;)
    {
      g_autofree char *text = NULL;
      const char *at;

      if (g_file_get_contents (log, &text, NULL, NULL) &&
          (at = strstr (text, "listening on port ")) != NULL)
        {
          s->url = g_strdup_printf ("http://127.0.0.1:%d",
                                    atoi (at + strlen ("listening on port ")));
          return;
        }
      if (g_get_monotonic_time () > deadline)
        die ("tala-hub serve did not start: %s", text ? text : "(no log)");
      g_usleep (20 * 1000);
    }
}

/* ---- Sessions -------------------------------------------------------------- */

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject      *object G_GNUC_UNUSED,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

static const char *
password_of (const char *user)
{
  for (guint i = 0; i < G_N_ELEMENTS (logins); i++)
    if (g_str_equal (logins[i].user, user))
      return logins[i].password;
  die ("no demo password for %s", user);
}

/* Makes @user the one logged in (SETUP: the terminal is not set up yet;
 * NULL: nobody), by the first run or a logout and a login. */
static void
ensure_user (Shots      *s,
             const char *user)
{
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };
  gboolean first;
  gboolean ok;

  if (g_strcmp0 (user, SETUP) == 0)
    {
      if (tala_session_get_set_up (s->session))
        die ("the first-run page must come first in the table");
      return;
    }
  if (user != NULL && g_strcmp0 (tala_session_get_username (s->session), user) == 0)
    return;
  if (tala_session_get_set_up (s->session) && tala_session_get_username (s->session) != NULL)
    tala_session_logout (s->session);
  if (user == NULL)
    {
      wait_until (s, on_page, "login", "the login page");
      return;
    }
  first = !tala_session_get_set_up (s->session);
  if (first)
    tala_session_setup_async (s->session, s->url, user, password_of (user), "c01",
                              NULL, done_cb, &w);
  else
    tala_session_login_async (s->session, user, password_of (user), NULL, done_cb, &w);
  wait_until (s, flag_set, &w.done, "the login");
  ok = first ? tala_session_setup_finish (s->session, w.result, &error)
             : tala_session_login_finish (s->session, w.result, &error);
  g_clear_object (&w.result);
  if (!ok)
    die ("cannot log in as %s: %s", user, error ? error->message : "?");
  wait_until (s, idle_and_synced, NULL, "the first sync");
}

/* ---- How each page is reached --------------------------------------------- */

static GtkWidget *
reach_setup (Shots *s)
{
  GtkWidget *window = GTK_WIDGET (s->window);

  set_text (window, "setup_url", s->url);
  set_text (window, "setup_user", "cashier");
  set_text (window, "setup_terminal", "c01");
  return window;
}

static GtkWidget *
reach_login (Shots *s)
{
  set_text (GTK_WIDGET (s->window), "login_user", "cashier");
  return GTK_WIDGET (s->window);
}

static gboolean
search_done (Shots         *s,
             gconstpointer  data)
{
  TalaCashierPage *page = TALA_CASHIER_PAGE (tala_window_get_cashier_page (s->window));
  TalaStudentList *list = TALA_STUDENT_LIST (tala_cashier_page_get_results (page));

  return g_strcmp0 (tala_student_list_get_query (list), data) == 0 &&
         !tala_student_list_get_loading (list) &&
         g_list_model_get_n_items (G_LIST_MODEL (list)) > 0;
}

static GtkWidget *
reach_cashier_search (Shots *s)
{
  GtkWidget *page = tala_window_get_cashier_page (s->window);

  set_text (page, "search", DEMO_STUDENT);
  wait_until (s, search_done, DEMO_STUDENT, "the search results");
  return GTK_WIDGET (s->window);
}

static gboolean
label_has_text (Shots         *s G_GNUC_UNUSED,
                gconstpointer  data)
{
  return gtk_label_get_label (GTK_LABEL (data))[0] != '\0';
}

static gboolean
label_has_receipt (Shots         *s G_GNUC_UNUSED,
                   gconstpointer  data)
{
  return strstr (gtk_label_get_label (GTK_LABEL (data)), "C01-") != NULL;
}

static GtkWidget *
reach_cashier_preview (Shots *s)
{
  GtkWidget *page = tala_window_get_cashier_page (s->window);
  GtkListView *results = GTK_LIST_VIEW (need_by_id (page, "results_view"));

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (results)), 0);
  wait_until (s, label_has_text, need_by_id (page, "name_label"), "the account");
  set_text (page, "amount", DEMO_AMOUNT);
  gtk_widget_activate_action (page, "cashier.preview", NULL);
  wait_until (s, label_has_text, need_by_id (page, "preview_label"), "the preview");
  return GTK_WIDGET (s->window);
}

static GtkWidget *
reach_cashier_receipt (Shots *s)
{
  GtkWidget *page = tala_window_get_cashier_page (s->window);

  gtk_widget_activate_action (page, "cashier.confirm", NULL);
  wait_until (s, label_has_receipt, need_by_id (page, "preview_label"), "the receipt number");
  return GTK_WIDGET (s->window);
}

static size_t
append_cb (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  g_string_append_len (user_data, data, (gssize) (size * n));
  return size * n;
}

/* POSTs @body to the hub; returns the answer, dies unless it is a 2xx. */
static char *
hub_post (Shots      *s,
          const char *path,
          const char *token,
          const char *body)
{
  g_autofree char *url = g_strconcat (s->url, path, NULL);
  g_autofree char *auth = token ? g_strconcat ("Authorization: Token ", token, NULL) : NULL;
  GString *answer = g_string_new (NULL);
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  CURL *curl = curl_easy_init ();
  long status = 0;
  CURLcode rc;

  if (auth != NULL)
    headers = curl_slist_append (headers, auth);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, append_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  if (rc != CURLE_OK || status / 100 != 2)
    die ("POST %s: %s %ld %s", path, curl_easy_strerror (rc), status, answer->str);
  return g_string_free (answer, FALSE);
}

static gboolean
has_attention (Shots         *s,
               gconstpointer  data G_GNUC_UNUSED)
{
  return g_list_model_get_n_items (tala_session_get_attention (s->session)) > 0;
}

/* Two cashiers take the same GCash reference: one at the hub (another
 * terminal, by REST), then this one before its next pull.  The hub refuses
 * the second (duplicate_reference) and it lands in Needs attention. */
static GtkWidget *
reach_attention (Shots *s)
{
  static const char rest[] =
    "{\"student_id\":\"2025-00005\",\"amount\":\"1000.00\",\"method\":\"GCASH\","
    "\"reference_number\":\"GC-778812\"}";
  static const char payment[] =
    "{\"student\":\"2025-00005\",\"amount\":\"1000.00\",\"method\":\"GCASH\","
    "\"reference_number\":\"GC-778812\"}";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *login = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) args = NULL;
  JsonObject *envelope;
  const char *token;
  Wait w = { 0 };

  login = hub_post (s, "/api-token-auth/", NULL,
                    "{\"username\":\"cashier\",\"password\":\"password123\"}");
  if (!json_parser_load_from_data (parser, login, -1, &error))
    die ("login: %s", error->message);
  token = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                         "token");
  answer = hub_post (s, "/api/v1/cashier/payment/record_payment/", token, rest);
  if (!json_parser_load_from_data (parser, payment, -1, &error))
    die ("%s", error->message);
  args = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  tala_session_op_async (s->session, "payment.record", args, FALSE, NULL, done_cb, &w);
  wait_until (s, flag_set, &w.done, "the payment");
  envelope = tala_session_op_finish (s->session, w.result, &error);
  g_clear_object (&w.result);
  if (envelope == NULL)
    die ("payment.record: %s", error->message);
  json_object_unref (envelope);
  wait_until (s, idle_and_synced, NULL, "the sync");
  tala_session_refresh (s->session);
  wait_until (s, has_attention, NULL, "the needs-attention list");
  gtk_widget_activate_action (GTK_WIDGET (s->window), "win.show-attention", NULL);
  wait_until (s, on_page, "attention", "the needs-attention page");
  return GTK_WIDGET (s->window);
}

/* The page the action (if any) or the login showed: a window the action
 * opened, else the main window. */
static GtkWidget *
reach_page (Shots *s)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* borrowed */
  GtkWidget *target = GTK_WIDGET (s->window);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (window != GTK_WIDGET (s->window) && gtk_widget_get_visible (window))
        target = window;
    }
  return target;
}

/* ---- The registrar's pages -------------------------------------------------- */

static TalaRegistrarPage *
registrar_page (Shots *s)
{
  GtkWidget *page = find_by_type (GTK_WIDGET (s->window), TALA_TYPE_REGISTRAR_PAGE);

  if (page == NULL)
    die ("no registrar page in the window");
  return TALA_REGISTRAR_PAGE (page);
}

static gboolean
registrar_idle (Shots         *s G_GNUC_UNUSED,
                gconstpointer  data)
{
  return !tala_registrar_page_get_busy (TALA_REGISTRAR_PAGE ((gpointer) data));
}

static gboolean
has_items (Shots         *s G_GNUC_UNUSED,
           gconstpointer  data)
{
  return g_list_model_get_n_items (G_LIST_MODEL ((gpointer) data)) > 0;
}

/* The registrar's page on @view, for the demo student. */
static TalaRegistrarPage *
registrar_view (Shots      *s,
                const char *view)
{
  TalaRegistrarPage *page = registrar_page (s);

  tala_registrar_page_show (page, view);
  wait_until (s, registrar_idle, page, "the registrar page");
  return page;
}

static GtkWidget *
reach_reg_student (Shots *s)
{
  TalaRegistrarPage *page = registrar_page (s);

  tala_registrar_page_set_semester (page, DEMO_SEMESTER);
  set_text (GTK_WIDGET (page), "search", DEMO_REG_SEARCH);
  wait_until (s, has_items, tala_registrar_page_get_results (page), "the search results");
  tala_registrar_page_select_student (page, DEMO_REG_STUDENT);
  registrar_view (s, "student");
  return GTK_WIDGET (s->window);
}

/* A freshman's subjects, and one more added (or why not, in plain words). */
static GtkWidget *
reach_reg_subjects (Shots *s)
{
  TalaRegistrarPage *page = registrar_page (s);

  set_text (GTK_WIDGET (page), "search", DEMO_STUDENT);
  wait_until (s, has_items, tala_registrar_page_get_results (page), "the search results");
  tala_registrar_page_select_student (page, DEMO_FRESHMAN);
  page = registrar_view (s, "subjects");
  tala_registrar_page_set_add_form (page, DEMO_ADD_SUBJECT, NULL);
  if (!gtk_widget_activate_action (GTK_WIDGET (page), "registrar.add-subject", NULL))
    die ("no action registrar.add-subject");
  wait_until (s, registrar_idle, page, "the added subject");
  return GTK_WIDGET (s->window);
}

static GtkWidget *
reach_reg_records (Shots *s)
{
  registrar_view (s, "records");
  return GTK_WIDGET (s->window);
}

/* The grade sheet of the first section of the semester with a class. */
static GtkWidget *
reach_reg_grades (Shots *s)
{
  TalaRegistrarPage *page = registrar_view (s, "grades");
  GListModel *sections = tala_registrar_page_get_sections (page);
  GListModel *roster = tala_registrar_page_get_roster (page);

  wait_until (s, has_items, sections, "the sections");
  for (guint i = 0; i < g_list_model_get_n_items (sections); i++)
    {
      g_autoptr(TalaRecord) section = g_list_model_get_item (sections, i);

      tala_registrar_page_set_section (page, tala_record_get_key (section));
      wait_until (s, registrar_idle, page, "the class");
      if (g_list_model_get_n_items (roster) > 0)
        break;
    }
  return GTK_WIDGET (s->window);
}

static GtkWidget *
reach_reg_inc (Shots *s)
{
  TalaRegistrarPage *page = registrar_view (s, "inc");

  wait_until (s, has_items, tala_registrar_page_get_inc (page), "the INC list");
  return GTK_WIDGET (s->window);
}

/* ---- Rendering ------------------------------------------------------------- */

static guint
count_colours (GdkTexture *texture,
               double     *flat_share)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  guint top = 0;

  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      gpointer key = GUINT_TO_POINTER (pixels[i] | 1);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (colours, key)) + 1;

      g_hash_table_insert (colours, key, GUINT_TO_POINTER (n));
      top = MAX (top, n);
    }
  *flat_share = (double) top / ((double) width * height);
  return g_hash_table_size (colours);
}

/* Renders @widget into <output>/<name>.png; FALSE when the image is blank. */
static gboolean
take (Shots      *s,
      GtkWidget  *widget,
      const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s.png", s->output, name);
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  double flat;
  guint colours;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  if (node == NULL || renderer == NULL)
    die ("%s: nothing to render", name);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    die ("cannot write %s", path);
  colours = count_colours (texture, &flat);
  g_print ("%-22s %dx%d, %u colours, commonest %.1f%% → %s\n",
           name, width, height, colours, flat * 100, path);
  if (colours < MIN_COLOURS || flat > MAX_FLAT_SHARE)
    {
      g_printerr ("screenshots: %s looks blank (%u colours, commonest %.1f%%)\n",
                  name, colours, flat * 100);
      return FALSE;
    }
  return TRUE;
}

/* ---- Main ------------------------------------------------------------------ */

static void
start_app (Shots *s)
{
  g_autofree char *replica = g_build_filename (s->tmp, "terminal", "replica.db", NULL);
  g_autoptr(GError) error = NULL;

  s->app = tala_application_new ();
  if (!g_application_register (G_APPLICATION (s->app), NULL, &error))
    die ("cannot register the application: %s", error->message);
  tala_application_set_paths (s->app, replica, NULL);
  s->session = g_object_ref (tala_application_get_session (s->app));
  s->window = g_object_ref_sink (tala_window_new (s->app, s->session));
  gtk_window_set_default_size (GTK_WINDOW (s->window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (s->window));
  settle (s, GTK_WIDGET (s->window), TRUE);
}

/* Takes one page; FALSE when its image is blank.  A page whose action or
 * widget type does not exist (yet) is skipped.  The type is looked up after
 * the action: a window's type is registered when it is first made. */
static gboolean
run_shot (Shots      *s,
          const Shot *shot)
{
  GtkWidget *window = GTK_WIDGET (s->window);
  GtkWidget *owner = NULL;
  GtkWidget *target;
  GType type;
  gboolean ok;

  ensure_user (s, shot->user);
  type = shot->needs ? g_type_from_name (shot->needs) : G_TYPE_INVALID;
  if (type != G_TYPE_INVALID)
    owner = find_by_type (window, type);
  if (shot->action != NULL &&
      !gtk_widget_activate_action (owner ? owner : window, shot->action, NULL))
    {
      g_print ("%-22s skipped: no action %s yet\n", shot->name, shot->action);
      return TRUE;
    }
  settle (s, window, TRUE);
  if (shot->needs != NULL && g_type_from_name (shot->needs) == G_TYPE_INVALID)
    {
      g_print ("%-22s skipped: %s does not exist yet\n", shot->name, shot->needs);
      return TRUE;
    }
  target = shot->reach (s);
  settle (s, target, shot->keep_toasts);
  ok = take (s, target, shot->name);
  if (target != window)
    gtk_window_destroy (GTK_WINDOW (target));
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— the desktop app's screenshots");
  g_autoptr(GError) error = NULL;
  g_autofree char *hub = NULL;
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "hub", 0, 0, G_OPTION_ARG_FILENAME, &hub, "The tala-hub program", "PATH" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output,
      "Where the PNG files go (default docs/screenshots)", "DIR" },
    { NULL }
  };
  Shots s = { 0 };
  guint failed = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  if (hub == NULL)
    hub = g_strdup (g_getenv ("TALA_HUB"));
  if (hub == NULL)
    die ("give the tala-hub program with --hub PATH");
  s.output = output ? output : "docs/screenshots";
  /* The same pixels on every machine: software rendering, no animations,
   * no settings of the user's. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", FALSE);
  if (!gtk_init_check ())
    die ("no display (run it under xvfb-run, or use scripts/screenshots)");
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* The app's own icon, as it will be once installed. */
  gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                  SOURCE_ROOT "/data/icons");
  curl_global_init (CURL_GLOBAL_DEFAULT);
  if (g_mkdir_with_parents (s.output, 0755) != 0)
    die ("cannot make %s: %s", s.output, g_strerror (errno));

  the_shots = &s;
  s.tmp = g_dir_make_tmp ("tala-screenshots-XXXXXX", &error);
  if (s.tmp == NULL)
    die ("%s", error->message);
  start_hub (&s, hub);
  start_app (&s);
  for (guint i = 0; i < G_N_ELEMENTS (shots); i++)
    if (!run_shot (&s, &shots[i]))
      failed++;

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_clear_object (&s.window);
  g_clear_object (&s.session);
  g_clear_object (&s.app);
  cleanup (&s);
  curl_global_cleanup ();
  if (failed > 0)
    g_printerr ("screenshots: %u blank page(s)\n", failed);
  return failed > 0 ? 1 : 0;
}
