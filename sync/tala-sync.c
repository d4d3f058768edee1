/* tala-sync.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tala-sync, the headless terminal: register, bootstrap, record ops
 * offline, sync once or every N seconds, status and the needs-attention
 * list.  Every command takes --replica PATH; the hub's URL and the
 * terminal's token live beside it in PATH.credentials (mode 0600).
 *
 * Exit codes: 0 done, 1 failed (the hub, the network or the replica), 2
 * bad usage.
 */

#define G_LOG_DOMAIN "tala-sync"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tala-sync-engine.h"

enum
{
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

static char *opt_replica = NULL;
static char *opt_ca_file = NULL;

static const GOptionEntry common_entries[] = {
  { "replica", 0, 0, G_OPTION_ARG_FILENAME, &opt_replica,
    "The terminal's replica (default ./tala-replica.db)", "PATH" },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca_file,
    "PEM CA certificates to trust for an https hub (kept for later commands)", "FILE" },
  { NULL }
};

static const char *
replica_path (void)
{
  return opt_replica ? opt_replica : "tala-replica.db";
}

static char *
credentials_path (void)
{
  return g_strconcat (replica_path (), ".credentials", NULL);
}

static int
usage (GOptionContext *context,
       const char     *problem)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("tala-sync: %s\n\n%s", problem, help);
  return EXIT_USAGE;
}

static int
fail (const GError *error)
{
  g_printerr ("tala-sync: %s\n", error->message);
  return EXIT_FAILED;
}

/* Parses the command's options; FALSE (after printing usage) when they
 * are wrong or positional arguments are not @want in number (-1: any). */
static gboolean
parse (GOptionContext  *context,
       int             *argc,
       char          ***argv,
       int              want,
       int             *status)
{
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, common_entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = usage (context, error->message);
      return FALSE;
    }
  if (want >= 0 && *argc != want + 1)
    {
      *status = usage (context, *argc > want + 1 ? "unexpected argument" : "missing argument");
      return FALSE;
    }
  return TRUE;
}

/* ---- Credentials --------------------------------------------------------- */

static const char *const counter_keys[] = { "last_receipt", "last_device_seq",
                                            "last_provisional" };

/* The hub, the terminal's token and its registration, for the commands
 * that come after register. */
static gboolean
save_credentials (const char  *url,
                  JsonObject  *reg,
                  const char  *ca_file,
                  GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = credentials_path ();
  g_autofree char *data = NULL;
  gsize length;

  g_key_file_set_string (keys, "hub", "url", url);
  g_key_file_set_string (keys, "hub", "token", json_object_get_string_member (reg, "device_token"));
  if (ca_file != NULL)
    g_key_file_set_string (keys, "hub", "ca_file", ca_file);
  g_key_file_set_string (keys, "terminal", "code", json_object_get_string_member (reg, "terminal"));
  g_key_file_set_string (keys, "terminal", "username",
                         json_object_get_string_member (reg, "username"));
  for (guint i = 0; i < G_N_ELEMENTS (counter_keys); i++)
    g_key_file_set_int64 (keys, "terminal", counter_keys[i],
                          json_object_get_int_member_with_default (reg, counter_keys[i], 0));
  data = g_key_file_to_data (keys, &length, NULL);
  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* A client for the hub the credentials name, carrying the terminal's
 * token; @url (nullable out) gets the hub's URL. */
static TalaSyncClient *
client_from_credentials (GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = credentials_path ();
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  TalaSyncClientOptions options = { 0 };
  TalaSyncClient *client;

  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "%s (run tala-sync register first): ", path);
      return NULL;
    }
  url = g_key_file_get_string (keys, "hub", "url", error);
  token = url ? g_key_file_get_string (keys, "hub", "token", error) : NULL;
  if (token == NULL)
    return NULL;
  ca_file = g_key_file_get_string (keys, "hub", "ca_file", NULL);
  options.ca_file = opt_ca_file ? opt_ca_file : ca_file;
  client = tala_sync_client_new (url, &options);
  tala_sync_client_set_token (client, token);
  return client;
}

static void
print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  g_print ("%s\n", text);
}

static void
print_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  print_json (node);
}

/* ---- Commands ------------------------------------------------------------ */

static char *
read_password (GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  char *line = g_data_input_stream_read_line_utf8 (data, NULL, NULL, error);

  if (line == NULL && error != NULL && *error == NULL)
    g_set_error (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID,
                 "no password on standard input");
  return line;
}

static int
cmd_register (int    argc,
              char **argv)
{
  g_autofree char *hub = NULL;
  g_autofree char *user = NULL;
  g_autofree char *terminal = NULL;
  GOptionEntry entries[] = {
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, "The hub's URL (http://host:8470)", "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "Who registers the terminal", "USER" },
    { "terminal", 0, 0, G_OPTION_ARG_STRING, &terminal, "The terminal's code (C01)", "CODE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— register this terminal with a hub");
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(JsonObject) reg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  TalaSyncClientOptions options = { 0 };
  int status;

  g_option_context_set_description (context,
                                    "Reads the user's password from standard input. Writes the "
                                    "terminal's token to REPLICA.credentials (mode 0600). "
                                    "Registering again (after restoring a replica from a "
                                    "backup) moves the terminal's numbers past all the hub "
                                    "has seen.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse (context, &argc, &argv, 0, &status))
    return status;
  if (hub == NULL || user == NULL || terminal == NULL)
    return usage (context, "--hub, --user and --terminal are required");
  password = read_password (&error);
  if (password == NULL)
    return fail (error);
  options.ca_file = opt_ca_file;
  client = tala_sync_client_new (hub, &options);
  reg = tala_sync_register (client, user, password, terminal, NULL, &error);
  if (reg == NULL ||
      !save_credentials (hub, reg, opt_ca_file, &error))
    return fail (error);
  if (g_file_test (replica_path (), G_FILE_TEST_EXISTS))
    {
      g_autoptr(TalaReplica) replica = tala_replica_open (replica_path (), &error);

      if (replica == NULL || !tala_replica_raise_counters (replica, reg, &error))
        return fail (error);
    }
  json_object_remove_member (reg, "device_token");
  print_object (reg);
  return EXIT_OK;
}

static void
progress_cb (gint64   done,
             gint64   total,
             gpointer data)
{
  gint64 *last = data;

  if (done - *last < 4 * 1024 * 1024 && done != total)
    return;
  *last = done;
  if (total > 0)
    g_printerr ("\rtala-sync: snapshot %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " KiB",
                done / 1024, total / 1024);
  else
    g_printerr ("\rtala-sync: snapshot %" G_GINT64_FORMAT " KiB", done / 1024);
}

static int
cmd_bootstrap (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— make the replica from the hub's snapshot");
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(TalaReplica) replica = NULL;
  g_autoptr(JsonObject) reg = json_object_new ();
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = credentials_path ();
  g_autofree char *terminal = NULL;
  g_autofree char *username = NULL;
  gint64 start = g_get_monotonic_time (), last = 0;
  int status;

  if (!parse (context, &argc, &argv, 0, &status))
    return status;
  client = client_from_credentials (&error);
  if (client == NULL)
    return fail (error);
  /* The registration that register stored. */
  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, &error))
    return fail (error);
  terminal = g_key_file_get_string (keys, "terminal", "code", &error);
  username = terminal ? g_key_file_get_string (keys, "terminal", "username", &error) : NULL;
  if (username == NULL)
    return fail (error);
  json_object_set_string_member (reg, "terminal", terminal);
  json_object_set_string_member (reg, "username", username);
  for (guint i = 0; i < G_N_ELEMENTS (counter_keys); i++)
    json_object_set_int_member (reg, counter_keys[i],
                                g_key_file_get_int64 (keys, "terminal", counter_keys[i], NULL));
  if (!tala_sync_bootstrap (client, reg, replica_path (), progress_cb, &last, NULL, &error))
    {
      g_printerr ("\n");
      return fail (error);
    }
  g_printerr ("\n");
  replica = tala_replica_open (replica_path (), &error);
  if (replica == NULL)
    return fail (error);
  state = tala_replica_status (replica, tala_now_us (), &error);
  if (state == NULL)
    return fail (error);
  json_object_set_double_member (state, "seconds",
                                 (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  print_object (state);
  return EXIT_OK;
}

static int
cmd_record (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("FILE.jsonl|- — record ops on this terminal, offline");
  g_autoptr(TalaReplica) replica = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autoptr(GError) error = NULL;
  guint applied = 0, refused = 0, line_no = 0;
  char *line;
  int status;

  g_option_context_set_description (context,
                                    "Each line is an op {kind, args, op_id?, actor?}; the "
                                    "terminal fills the rest (its numbers, the clock). Prints "
                                    "one result per line. Exit 1 when any op was refused.");
  if (!parse (context, &argc, &argv, 1, &status))
    return status;
  replica = tala_replica_open (replica_path (), &error);
  if (replica == NULL)
    return fail (error);
  if (strcmp (argv[1], "-") == 0)
    in = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[1]);

      in = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      if (in == NULL)
        return fail (error);
    }
  data = g_data_input_stream_new (in);
  while ((line = g_data_input_stream_read_line_utf8 (data, NULL, NULL, &error)) != NULL)
    {
      g_autofree char *text = line;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonObject) result = NULL;

      line_no++;
      if (g_strstrip (text)[0] == '\0')
        continue;
      if (!json_parser_load_from_data (parser, text, -1, &error) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_printerr ("tala-sync: line %u: %s\n", line_no,
                      error ? error->message : "not a JSON object");
          g_clear_error (&error);
          refused++;
          continue;
        }
      result = tala_replica_record (replica, json_node_get_object (json_parser_get_root (parser)),
                                    tala_now_us (), &error);
      if (result == NULL)
        {
          if (!g_error_matches (error, TALA_SYNC_ERROR, TALA_SYNC_ERROR_INVALID))
            return fail (error);
          g_printerr ("tala-sync: line %u: %s\n", line_no, error->message);
          g_clear_error (&error);
          refused++;
          continue;
        }
      print_object (result);
      if (g_strcmp0 (json_object_get_string_member_with_default (result, "status", ""),
                     "applied") == 0)
        applied++;
      else
        refused++;
    }
  if (error != NULL)
    return fail (error);
  g_printerr ("tala-sync: %u recorded, %u refused\n", applied, refused);
  return refused > 0 ? EXIT_FAILED : EXIT_OK;
}

static gboolean
stop_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_CONTINUE;
}

static int
cmd_sync (int    argc,
          char **argv)
{
  gboolean once = FALSE;
  int every = 0;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, "One cycle, then exit (the default)", NULL },
    { "every", 0, 0, G_OPTION_ARG_INT, &every, "A cycle every SECONDS until stopped",
      "SECONDS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— push the outbox, pull the hub's changes, rebase");
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(TalaReplica) replica = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse (context, &argc, &argv, 0, &status))
    return status;
  if (every < 0 || (once && every > 0))
    return usage (context, "give --once or --every SECONDS (a positive number)");
  client = client_from_credentials (&error);
  replica = client ? tala_replica_open (replica_path (), &error) : NULL;
  if (replica == NULL)
    return fail (error);
  g_unix_signal_add (SIGTERM, stop_cb, cancellable);
  g_unix_signal_add (SIGINT, stop_cb, cancellable);
  for (;;)
    {
      TalaSyncStats stats = { 0 };
      gint64 start = g_get_monotonic_time ();
      gboolean ok = tala_sync_once (replica, client, &stats, cancellable, &error);
      g_autoptr(JsonObject) line = tala_replica_status (replica, tala_now_us (), NULL);

      if (line != NULL)
        {
          json_object_set_int_member (line, "pushed", stats.pushed);
          json_object_set_int_member (line, "applied", stats.applied);
          json_object_set_int_member (line, "rejected", stats.rejected);
          json_object_set_int_member (line, "deferred_now", stats.deferred);
          json_object_set_int_member (line, "pulled", stats.pulled);
          json_object_set_double_member (line, "seconds",
                                         (g_get_monotonic_time () - start) / 1e6);
          if (!ok)
            json_object_set_string_member (line, "error", error->message);
          print_object (line);
        }
      if (every == 0)
        return ok ? EXIT_OK : fail (error);
      g_clear_error (&error);
      /* Wait, waking for signals. */
      {
        gint64 until = g_get_monotonic_time () + (gint64) every * G_USEC_PER_SEC;

        while (!g_cancellable_is_cancelled (cancellable) && g_get_monotonic_time () < until)
          g_main_context_iteration (NULL, TRUE);
      }
      if (g_cancellable_is_cancelled (cancellable))
        return EXIT_OK;
    }
}

static int
cmd_status (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— pending ops, oldest age, cursor, needs-attention count");
  g_autoptr(TalaReplica) replica = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!parse (context, &argc, &argv, 0, &status))
    return status;
  replica = tala_replica_open (replica_path (), &error);
  state = replica ? tala_replica_status (replica, tala_now_us (), &error) : NULL;
  if (state == NULL)
    return fail (error);
  print_object (state);
  return EXIT_OK;
}

static int
cmd_attention (int    argc,
               char **argv)
{
  gboolean all = FALSE;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, "list: dismissed ones too", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("list | dismiss OP_ID — ops the hub rejected or has long deferred");
  g_autoptr(TalaReplica) replica = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse (context, &argc, &argv, -1, &status))
    return status;
  if (argc < 2 || (strcmp (argv[1], "list") == 0 && argc != 2) ||
      (strcmp (argv[1], "dismiss") == 0 && argc != 3) ||
      (strcmp (argv[1], "list") != 0 && strcmp (argv[1], "dismiss") != 0))
    return usage (context, "say list, or dismiss OP_ID");
  replica = tala_replica_open (replica_path (), &error);
  if (replica == NULL)
    return fail (error);
  if (strcmp (argv[1], "list") == 0)
    {
      g_autoptr(JsonArray) items = tala_replica_attention (replica, all, tala_now_us (), &error);

      if (items == NULL)
        return fail (error);
      for (guint i = 0; i < json_array_get_length (items); i++)
        print_object (json_array_get_object_element (items, i));
      return EXIT_OK;
    }
  if (!tala_replica_dismiss (replica, argv[2], tala_now_us (), &error))
    return fail (error);
  return EXIT_OK;
}

static const struct
{
  const char *name;
  int (*func) (int argc, char **argv);
  const char *summary;
} commands[] = {
  { "register", cmd_register, "register this terminal with a hub (password on stdin)" },
  { "bootstrap", cmd_bootstrap, "make the replica from the hub's snapshot" },
  { "record", cmd_record, "record ops from FILE.jsonl or - (works offline)" },
  { "sync", cmd_sync, "push, pull and rebase: --once or --every SECONDS" },
  { "status", cmd_status, "pending ops, oldest age, cursor, needs-attention count" },
  { "attention", cmd_attention, "list | dismiss OP_ID: the needs-attention list" },
};

static int
main_usage (FILE *out)
{
  fprintf (out, "Usage: tala-sync COMMAND [--replica PATH] [OPTION…]\n\n"
                "The headless Tala terminal.\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun tala-sync COMMAND --help for a command's options.\n");
  return out == stdout ? EXIT_OK : EXIT_USAGE;
}

int
main (int    argc,
      char **argv)
{
  if (argc < 2)
    return main_usage (stderr);
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    return main_usage (stdout);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prgname = g_strdup_printf ("tala-sync %s", argv[1]);

        g_set_prgname (prgname);
        return commands[i].func (argc - 1, argv + 1);
      }
  g_printerr ("tala-sync: unknown command “%s”\n\n", argv[1]);
  return main_usage (stderr);
}
