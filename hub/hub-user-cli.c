/* hub-user-cli.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub user add|passwd|disable`: staff accounts from the command
 * line.  Accounts change through user.put ops on the trusted channel
 * (actor null = SYSTEM); passwords and tokens are credentials, not ops
 * (ops.md §1.11).  Exit codes: 0 done, 1 database failure or a rejected
 * op, 2 wrong usage.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <string.h>

#include "hub-admin.h"
#include "hub-user-cli.h"
#include "tala-ledger.h"

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("tala-hub: %s\n\n%s", message, help);
  return TALA_HUB_EXIT_USAGE;
}

/* Parses the options; expects exactly one USERNAME after the verb and a
 * --db.  Returns -1 to go on, else the exit code. */
static int
parse (GOptionContext *context,
       int            *argc,
       char         ***argv,
       char          **db)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    return usage_error (context, error->message);
  if (*argc != 3)
    return usage_error (context, "exactly one USERNAME is required");
  if (*db == NULL)
    return usage_error (context, "--db PATH is required");
  return -1;
}

/* Reads the first line of standard input, without its line end. */
static char *
read_password (GError **error)
{
  g_autoptr(GInputStream) input = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (input);
  g_autoptr(GError) local_error = NULL;
  char *line;

  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  line = g_data_input_stream_read_line_utf8 (data, NULL, NULL, &local_error);
  if (line == NULL && local_error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "no password on standard input");
  else if (line == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return line;
}

/* Applies a user.put with @args (taken) as SYSTEM; prints a rejection. */
static int
apply_user_put (TalaLedger *ledger,
                JsonObject *args)
{
  g_autoptr(JsonObject) op = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *op_id = g_uuid_string_random ();

  json_object_set_string_member (op, "op_id", op_id);
  json_object_set_string_member (op, "kind", "user.put");
  json_object_set_null_member (op, "actor");
  json_object_set_object_member (op, "args", args);
  result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED, tala_now_us (), NULL, &error);
  if (result == NULL)
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (result, "status", ""),
                 "applied") != 0)
    {
      JsonObject *err = json_object_get_object_member (result, "error");

      g_printerr ("tala-hub: rejected %s: %s\n",
                  json_object_get_string_member_with_default (err, "code", "?"),
                  json_object_get_string_member_with_default (err, "message", ""));
      return TALA_HUB_EXIT_FAILURE;
    }
  return TALA_HUB_EXIT_OK;
}

static int
set_password (TalaLedger *ledger,
              const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = read_password (&error);

  if (password == NULL ||
      !tala_ledger_set_password (ledger, username, password, NULL, tala_now_us (), &error))
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  return TALA_HUB_EXIT_OK;
}

static int
cmd_add (int    argc,
         char **argv)
{
  g_autofree char *db = NULL, *role = NULL, *first = NULL, *last = NULL, *email = NULL;
  gboolean from_stdin = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "CASHIER, REGISTRAR, ADMIN, …", "ROLE" },
    { "first", 0, 0, G_OPTION_ARG_STRING, &first, "First name", "NAME" },
    { "last", 0, 0, G_OPTION_ARG_STRING, &last, "Last name", "NAME" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "E-mail address", "E" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &from_stdin,
      "Read the password from the first line of standard input", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("USERNAME — add a staff user");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *args;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  if ((rc = parse (context, &argc, &argv, &db)) >= 0)
    return rc;
  if (role == NULL || first == NULL || last == NULL)
    return usage_error (context, "--role, --first and --last are required");
  ledger = tala_ledger_open (db, &error);
  if (ledger == NULL)
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "username", argv[2]);
  json_object_set_string_member (args, "role", role);
  json_object_set_string_member (args, "first_name", first);
  json_object_set_string_member (args, "last_name", last);
  if (email != NULL)
    json_object_set_string_member (args, "email", email);
  if ((rc = apply_user_put (ledger, args)) != TALA_HUB_EXIT_OK)
    return rc;
  if (from_stdin && (rc = set_password (ledger, argv[2])) != TALA_HUB_EXIT_OK)
    return rc;
  g_print ("user %s added%s\n", argv[2], from_stdin ? " with a password" : "");
  return TALA_HUB_EXIT_OK;
}

static int
cmd_passwd (int    argc,
            char **argv)
{
  g_autofree char *db = NULL;
  gboolean from_stdin = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &from_stdin,
      "Read the password from the first line of standard input", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("USERNAME — set a password");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  if ((rc = parse (context, &argc, &argv, &db)) >= 0)
    return rc;
  if (!from_stdin)
    return usage_error (context, "--password-stdin is required");
  ledger = tala_ledger_open (db, &error);
  if (ledger == NULL)
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  if ((rc = set_password (ledger, argv[2])) != TALA_HUB_EXIT_OK)
    return rc;
  g_print ("password of %s set\n", argv[2]);
  return TALA_HUB_EXIT_OK;
}

/* user.put with the stored fields and is_active false, then every token
 * revoked: the disabled user can neither log in nor use a token. */
static int
cmd_disable (int    argc,
             char **argv)
{
  static const char *const copied[] = { "role", "first_name", "last_name", "email",
                                        "phone_number" };
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("USERNAME — disable a user");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *args;
  gint64 revoked;
  int rc;

  g_option_context_add_main_entries (context, entries, NULL);
  if ((rc = parse (context, &argc, &argv, &db)) >= 0)
    return rc;
  ledger = tala_ledger_open (db, &error);
  if (ledger == NULL || (user = tala_ledger_user (ledger, argv[2], &error)) == NULL)
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "username", argv[2]);
  json_object_set_boolean_member (args, "is_active", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      if (json_object_has_member (user, copied[i]))
        json_object_set_string_member (args, copied[i],
                                       json_object_get_string_member (user, copied[i]));
    }
  if ((rc = apply_user_put (ledger, args)) != TALA_HUB_EXIT_OK)
    return rc;
  if ((revoked = tala_ledger_revoke_tokens (ledger, argv[2], &error)) < 0)
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  g_print ("user %s disabled, %" G_GINT64_FORMAT " tokens revoked\n", argv[2], revoked);
  return TALA_HUB_EXIT_OK;
}

int
tala_hub_cmd_user (int    argc,
                   char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "add") == 0)
    return cmd_add (argc, argv);
  if (argc >= 2 && strcmp (argv[1], "passwd") == 0)
    return cmd_passwd (argc, argv);
  if (argc >= 2 && strcmp (argv[1], "disable") == 0)
    return cmd_disable (argc, argv);
  g_printerr ("Usage: tala-hub user add|passwd|disable USERNAME --db PATH [OPTIONS]\n");
  return TALA_HUB_EXIT_USAGE;
}
