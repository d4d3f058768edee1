/* hub-device-cli.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub device list|revoke`: the terminals registered for sync.  A
 * terminal's token is a credential, not business data, so revoking it is
 * no op: the token is marked revoked and the audit log gets a
 * DEVICE_REGISTERED entry {revoked: true} (docs/security.md).  It works on
 * a live hub's ledger: the next request made with the token is answered
 * 401.  Exit codes: 0 done, 1 database failure or unknown terminal, 2
 * wrong usage.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-admin.h"
#include "hub-device-cli.h"
#include "tala-ledger-replica.h"

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("tala-hub: %s\n\n%s", message, help);
  return TALA_HUB_EXIT_USAGE;
}

/* Parses the options; expects @n_args arguments after the verb and a
 * --db.  Returns -1 to go on, else the exit code. */
static int
parse (GOptionContext *context,
       int            *argc,
       char         ***argv,
       int             n_args,
       char          **db)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    return usage_error (context, error->message);
  if (*argc != 2 + n_args)
    return usage_error (context, n_args == 0 ? "no argument is expected"
                                             : "exactly one terminal CODE is required");
  if (*db == NULL)
    return usage_error (context, "--db PATH is required");
  return -1;
}

/* Opens the existing ledger @db (never creates one); prints the error. */
static TalaLedger *
open_ledger (const char *db)
{
  g_autoptr(GError) error = NULL;
  TalaLedger *ledger;

  if (!g_file_test (db, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("tala-hub: no ledger file at %s\n", db);
      return NULL;
    }
  ledger = tala_ledger_open (db, &error);
  if (ledger == NULL)
    g_printerr ("tala-hub: %s\n", error->message);
  return ledger;
}

/* One line per terminal: code, user, registered at (UTC), active|revoked. */
static int
cmd_list (int    argc,
          char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— list the registered terminals");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(JsonArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_option_context_set_description (context,
                                    "One line per terminal: CODE USER REGISTERED_AT (UTC) "
                                    "active|revoked.");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((rc = parse (context, &argc, &argv, 0, &db)) >= 0)
    return rc;
  if ((ledger = open_ledger (db)) == NULL)
    return TALA_HUB_EXIT_FAILURE;
  if ((devices = tala_ledger_devices (ledger, &error)) == NULL)
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *d = json_array_get_object_element (devices, i);
      g_autofree char *at =
        tala_timestamp_format (json_object_get_int_member (d, "registered_at"));

      g_print ("%-10s %-20s %s %s\n", json_object_get_string_member (d, "code"),
               json_object_get_string_member (d, "username"), at,
               json_object_get_boolean_member (d, "revoked") ? "revoked" : "active");
    }
  return TALA_HUB_EXIT_OK;
}

static int
cmd_revoke (int    argc,
            char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The ledger file", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("CODE — revoke a terminal's token");
  g_autoptr(TalaLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  gboolean was_revoked = FALSE;
  int rc;

  g_option_context_set_description (context,
                                    "Every request made with the terminal's token is refused "
                                    "(401) from then on, also on a running hub. The terminal "
                                    "can sync again only once a user registers it again "
                                    "(tala-sync register), which issues a new token. Audited "
                                    "as DEVICE_REGISTERED {revoked: true}.");
  g_option_context_add_main_entries (context, entries, NULL);
  if ((rc = parse (context, &argc, &argv, 1, &db)) >= 0)
    return rc;
  if ((ledger = open_ledger (db)) == NULL)
    return TALA_HUB_EXIT_FAILURE;
  if (!tala_ledger_revoke_device (ledger, argv[2], NULL, tala_now_us (), &was_revoked, &error))
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  g_print ("terminal %s %s\n", argv[2], was_revoked ? "was already revoked" : "revoked");
  return TALA_HUB_EXIT_OK;
}

int
tala_hub_cmd_device (int    argc,
                     char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return cmd_list (argc, argv);
  if (argc >= 2 && strcmp (argv[1], "revoke") == 0)
    return cmd_revoke (argc, argv);
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      g_print ("Usage: tala-hub device list --db PATH\n"
               "       tala-hub device revoke CODE --db PATH\n\n"
               "The terminals registered for sync: list them (code, user, registered at,\n"
               "active or revoked), or revoke one's token (its requests get 401 at once).\n");
      return TALA_HUB_EXIT_OK;
    }
  g_printerr ("Usage: tala-hub device list|revoke [CODE] --db PATH\n");
  return TALA_HUB_EXIT_USAGE;
}
