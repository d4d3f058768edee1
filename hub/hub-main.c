/* hub-main.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dispatch of tala-hub's subcommands.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <string.h>

#include "hub-admin.h"
#include "hub-device-cli.h"
#include "hub-jobs-cli.h"
#include "hub-seed.h"
#include "hub-serve-cli.h"
#include "hub-user-cli.h"

static const struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} commands[] = {
  { "init",    tala_hub_cmd_init,    "Create or migrate a ledger file" },
  { "apply",   tala_hub_cmd_apply,   "Apply ops from a JSONL file, one result line per op" },
  { "check",   tala_hub_cmd_check,   "Verify chains and money invariants (--rebuild: replay)" },
  { "audit",   tala_hub_cmd_audit,   "audit verify: check the hash chains" },
  { "summary", tala_hub_cmd_summary, "Print counts and totals of a ledger" },
  { "account", tala_hub_cmd_account, "Print a student's account" },
  { "backup",  tala_hub_cmd_backup,  "backup PATH: a consistent copy of the live ledger" },
  { "jobs",    tala_hub_cmd_jobs,    "jobs run NAME|list|status|failed|retry ID: the jobs" },
  { "seed",    tala_hub_cmd_seed,    "Load the demo (--demo) or generate a college (--students N)" },
  { "user",    tala_hub_cmd_user,    "user add|passwd|disable USERNAME: staff accounts" },
  { "device",  tala_hub_cmd_device,  "device list|revoke CODE: the terminals registered for sync" },
  { "serve",   tala_hub_cmd_serve,   "Run the hub server (--db, --listen, --rate-*)" },
};

static void
print_help (void)
{
  g_print ("Usage: tala-hub COMMAND [OPTIONS]\n\nThe Tala hub's admin commands:\n\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-9s %s\n", commands[i].name, commands[i].summary);
  g_print ("\nRun tala-hub COMMAND --help for a command's options.\n"
           "Exit status: 0 success, 1 database or I/O failure or failed check, 2 wrong usage.\n");
}

int
tala_hub_main (int    argc,
               char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_help ();
      return argc < 2 ? TALA_HUB_EXIT_USAGE : TALA_HUB_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("tala-hub %s\n", PACKAGE_VERSION);
      return TALA_HUB_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prgname = g_strdup_printf ("tala-hub %s", commands[i].name);

        g_set_prgname (prgname);
        return commands[i].run (argc - 1, argv + 1);
      }
  g_printerr ("tala-hub: unknown command “%s”\n\n", argv[1]);
  print_help ();
  return TALA_HUB_EXIT_USAGE;
}
