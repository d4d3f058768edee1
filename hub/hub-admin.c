/* hub-admin.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The admin subcommands of tala-hub that work on a ledger file directly:
 * init, apply, check, audit verify and summary.  Exit codes: 0 success,
 * 1 a database or I/O failure or a failed check, 2 wrong usage.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <string.h>

#include "hub-admin.h"
#include "tala-ledger.h"

#define MAX_OP_BYTES (64 * 1024)
#define APPLY_BATCH 500

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("tala-hub: %s\n\n%s", message, help);
  return TALA_HUB_EXIT_USAGE;
}

/* Parses the options of one subcommand; returns -1 to go on, else the exit
 * code (usage errors print the subcommand's help). */
static int
parse_options (GOptionContext *context,
               int            *argc,
               char         ***argv,
               gboolean        want_db,
               char          **db)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    return usage_error (context, error->message);
  if (want_db && *db == NULL)
    return usage_error (context, "--db PATH is required");
  return -1;
}

static TalaLedger *
open_ledger (const char *path)
{
  g_autoptr(GError) error = NULL;
  TalaLedger *ledger = tala_ledger_open (path, &error);

  if (ledger == NULL)
    g_printerr ("tala-hub: %s\n", error->message);
  return ledger;
}

/* ---- init ---------------------------------------------------------------- */

int
tala_hub_cmd_init (int    argc,
                   char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file to create or migrate", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— create or migrate a ledger");
  g_autoptr(TalaLedger) ledger = NULL;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Creates the ledger file when it is missing and brings its schema up to date.\n"
    "Exit status: 0 done, 1 database failure, 2 wrong usage.\n");
  if ((rc = parse_options (context, &argc, &argv, TRUE, &db)) >= 0)
    return rc;
  ledger = open_ledger (db);
  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  g_print ("%s: ledger schema version %d, %" G_GINT64_FORMAT " ops in the journal\n", db,
           tala_ledger_schema_version (), tala_ledger_get_hub_seq (ledger));
  return TALA_HUB_EXIT_OK;
}

/* ---- apply --------------------------------------------------------------- */

static char *
invalid_line (const char *message)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonObject *err = json_object_new ();

  json_object_set_string_member (err, "code", "invalid_envelope");
  json_object_set_string_member (err, "message", message);
  json_object_set_object_member (result, "error", err);
  json_object_set_string_member (result, "status", "rejected");
  return tala_json_canonical_object (result);
}

/* Applies one line; returns its canonical result, or NULL on a failure. */
static char *
apply_line (TalaLedger *ledger,
            TalaBatch  *batch,
            const char *line,
            GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) result = NULL;

  if (strlen (line) > MAX_OP_BYTES)
    return invalid_line ("an op is at most 64 KiB");
  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return invalid_line ("a line must be one JSON object");
  result = tala_ledger_apply (ledger, json_node_get_object (json_parser_get_root (parser)),
                              TALA_CHANNEL_TRUSTED, tala_now_us (), batch, error);
  return result ? tala_json_canonical_object (result) : NULL;
}

static gboolean
flush (TalaLedger *ledger,
       GPtrArray  *pending,
       GError    **error)
{
  if (!tala_ledger_commit (ledger, error))
    return FALSE;
  for (guint i = 0; i < pending->len; i++)
    g_print ("%s\n", (char *) g_ptr_array_index (pending, i));
  g_ptr_array_set_size (pending, 0);
  return TRUE;
}

int
tala_hub_cmd_apply (int    argc,
                    char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.jsonl|- — apply ops");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(TalaBatch) batch = tala_batch_new ();
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  char *line;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Reads one op per line (ops.md) from FILE or standard input (-) and writes one\n"
    "canonical result per line, in input order, each once its op is committed.\n"
    "Blank lines give no result.  Ops may use actor null and hub_time.\n"
    "Exit status: 0 every line got a result, 1 database or I/O failure, 2 wrong usage.\n");
  if ((rc = parse_options (context, &argc, &argv, TRUE, &db)) >= 0)
    return rc;
  if (argc != 2)
    return usage_error (context, "give one FILE.jsonl, or - for standard input");
  if (strcmp (argv[1], "-") == 0)
    input = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[1]);

      input = G_INPUT_STREAM (g_file_read (file, NULL, &error));
    }
  if (input == NULL)
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  ledger = open_ledger (db);
  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  if (!tala_ledger_set_durable (ledger, TRUE, &error))
    goto fail;
  data = g_data_input_stream_new (input);
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  if (!tala_ledger_begin (ledger, &error))
    goto fail;
  while ((line = g_data_input_stream_read_line_utf8 (data, NULL, NULL, &error)) != NULL)
    {
      g_autofree char *owned = line;
      char *result;

      if (*g_strstrip (owned) == '\0')
        continue;
      result = apply_line (ledger, batch, owned, &error);
      if (result == NULL)
        goto fail_tx;
      g_ptr_array_add (pending, result);
      if (pending->len >= APPLY_BATCH &&
          (!flush (ledger, pending, &error) || !tala_ledger_begin (ledger, &error)))
        goto fail;
    }
  if (error != NULL)
    goto fail_tx;
  if (!flush (ledger, pending, &error))
    goto fail;
  return TALA_HUB_EXIT_OK;

fail_tx:
  tala_ledger_rollback (ledger);
fail:
  g_printerr ("tala-hub: apply: %s\n", error ? error->message : "failed");
  return TALA_HUB_EXIT_FAILURE;
}

/* ---- check, audit verify ------------------------------------------------- */

int
tala_hub_cmd_check (int    argc,
                    char **argv)
{
  g_autofree char *db = NULL;
  gboolean rebuild = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { "rebuild", 0, 0, G_OPTION_ARG_NONE, &rebuild,
      "Also replay the journal into a scratch database and compare every derived table", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— verify a ledger");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Verifies the hash chains of the journal and the audit log and every money\n"
    "invariant; with --rebuild, also replays the journal and compares.\n"
    "Exit status: 0 all checks pass, 1 a check failed or the database failed, 2 wrong usage.\n");
  if ((rc = parse_options (context, &argc, &argv, TRUE, &db)) >= 0)
    return rc;
  ledger = open_ledger (db);
  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  ok = tala_ledger_verify_chains (ledger, report, &error);
  if (error == NULL)
    ok = tala_ledger_check_money (ledger, report, &error) && ok;
  if (error == NULL && rebuild)
    {
      g_autofree char *scratch = g_strconcat (db, ".rebuild", NULL);

      ok = tala_ledger_rebuild_compare (ledger, scratch, report, &error) && ok;
    }
  g_print ("%s", report->str);
  if (error != NULL)
    {
      g_printerr ("tala-hub: check: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  g_print ("%s\n", ok ? "check: OK" : "check: FAILED");
  return ok ? TALA_HUB_EXIT_OK : TALA_HUB_EXIT_FAILURE;
}

int
tala_hub_cmd_audit (int    argc,
                    char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("verify — check the audit chains");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Recomputes the hash chains of the journal and the audit log and reports the\n"
    "first broken entry.  Exit status: 0 intact, 1 broken or failure, 2 wrong usage.\n");
  if ((rc = parse_options (context, &argc, &argv, TRUE, &db)) >= 0)
    return rc;
  if (argc != 2 || strcmp (argv[1], "verify") != 0)
    return usage_error (context, "the audit subcommand is: audit verify --db PATH");
  ledger = open_ledger (db);
  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  ok = tala_ledger_verify_chains (ledger, report, &error);
  g_print ("%s", report->str);
  if (error != NULL)
    {
      g_printerr ("tala-hub: audit: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  return ok ? TALA_HUB_EXIT_OK : TALA_HUB_EXIT_FAILURE;
}

/* ---- summary, account ---------------------------------------------------- */

static int
print_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, TRUE);

  g_print ("%s\n", text);
  return TALA_HUB_EXIT_OK;
}

int
tala_hub_cmd_summary (int    argc,
                      char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— print counts and totals");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  if ((rc = parse_options (context, &argc, &argv, TRUE, &db)) >= 0)
    return rc;
  ledger = open_ledger (db);
  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  summary = tala_ledger_summary (ledger, &error);
  if (summary == NULL)
    {
      g_printerr ("tala-hub: summary: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  return print_json (summary);
}

int
tala_hub_cmd_account (int    argc,
                      char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *semester = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { "semester", 0, 0, G_OPTION_ARG_STRING, &semester,
      "The semester (default: the active one)", "CODE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("STUDENT — print a student's account");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  if ((rc = parse_options (context, &argc, &argv, TRUE, &db)) >= 0)
    return rc;
  if (argc != 2)
    return usage_error (context, "give one student number");
  ledger = open_ledger (db);
  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  account = tala_ledger_account (ledger, argv[1], semester, &error);
  if (account == NULL)
    {
      g_printerr ("tala-hub: account: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  return print_json (account);
}

/* ---- backup -------------------------------------------------------------- */

int
tala_hub_cmd_backup (int    argc,
                     char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("BACKUP-PATH — copy a live ledger");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Writes a consistent copy of the ledger to BACKUP-PATH while the hub keeps\n"
    "serving (SQLite online backup), then verifies the copy's hash chains.\n"
    "Restore by stopping the hub and putting the copy in place of the ledger.\n"
    "Exit status: 0 done, 1 failure (BACKUP-PATH exists, I/O, or a broken copy),\n"
    "2 wrong usage.\n");
  if ((rc = parse_options (context, &argc, &argv, TRUE, &db)) >= 0)
    return rc;
  if (argc != 2)
    return usage_error (context, "give the path of the backup file to write");
  ledger = open_ledger (db);
  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  if (!tala_ledger_backup (ledger, argv[1], &error))
    {
      g_printerr ("tala-hub: backup: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  g_clear_pointer (&ledger, tala_ledger_free);
  ledger = open_ledger (argv[1]);
  if (ledger == NULL)
    return TALA_HUB_EXIT_FAILURE;
  if (!tala_ledger_verify_chains (ledger, report, &error))
    {
      g_printerr ("tala-hub: backup: the copy does not verify: %s%s\n", report->str,
                  error ? error->message : "");
      return TALA_HUB_EXIT_FAILURE;
    }
  g_print ("%s: %" G_GINT64_FORMAT " ops, chains intact\n", argv[1],
           tala_ledger_get_hub_seq (ledger));
  return TALA_HUB_EXIT_OK;
}
