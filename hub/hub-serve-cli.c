/* hub-serve-cli.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `tala-hub serve [--db PATH] [--listen ADDR:PORT] [--rate-anon N]
 * [--rate-auth N] [--no-jobs]`: runs the hub server and, unless --no-jobs,
 * its job scheduler (hub-jobs.c),
 * until SIGTERM or SIGINT, then shuts down gracefully: stop accepting,
 * answer every request in flight, free the writer (which finishes its
 * queue) and close the ledger (checkpointing the WAL).  Exit codes: 0 after
 * a clean shutdown, 1 when the ledger or the address failed, 2 wrong usage.
 */

#define G_LOG_DOMAIN "tala-hub"

#include "config.h"

#include <glib-unix.h>
#include <signal.h>

#include "hub-admin.h"
#include "hub-serve-cli.h"
#include "hub-server.h"

static gboolean
stop_cb (gpointer data)
{
  gboolean *stop = data;

  *stop = TRUE;
  return G_SOURCE_CONTINUE;
}

int
tala_hub_cmd_serve (int    argc,
                    char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *listen = NULL;
  int rate_anon = 0, rate_auth = 0;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  gboolean no_jobs = FALSE;
  gboolean no_group_commit = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The hub's ledger (default ./tala-hub.db)", "PATH" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      "Address to listen on (default 127.0.0.1:8470)", "ADDR:PORT" },
    { "rate-anon", 0, 0, G_OPTION_ARG_INT, &rate_anon,
      "Requests per hour per client address without a token (default 100)", "N" },
    { "rate-auth", 0, 0, G_OPTION_ARG_INT, &rate_auth,
      "Requests per hour per token (default 1000)", "N" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      "Serve HTTPS only, with this PEM certificate (chain)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      "The certificate's PEM private key (needs --tls-cert)", "FILE" },
    { "no-jobs", 0, 0, G_OPTION_ARG_NONE, &no_jobs,
      "Do not run the scheduled jobs (see `tala-hub jobs --help`)", NULL },
    { "no-group-commit", 0, 0, G_OPTION_ARG_NONE, &no_group_commit,
      "One transaction per write (for measurements only: much slower)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— run the hub server");
  g_autoptr(TalaHubServer) server = NULL;
  g_autoptr(GError) error = NULL;
  TalaHubServerOptions options = { 0 };
  gboolean stop = FALSE;
  guint term, intr;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 1 ||
      rate_anon < 0 || rate_auth < 0 || (tls_key != NULL && tls_cert == NULL))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("tala-hub: %s\n\n%s", error ? error->message
                                        : argc != 1 ? "unexpected argument"
                                        : tls_key != NULL && tls_cert == NULL
                                        ? "--tls-key needs --tls-cert"
                                        : "a rate must be positive", help);
      return TALA_HUB_EXIT_USAGE;
    }
  options.rate_anon = (guint) rate_anon;
  options.rate_auth = (guint) rate_auth;
  options.tls_cert = tls_cert;
  options.tls_key = tls_key;
  options.no_group_commit = no_group_commit;
  server = tala_hub_server_new (db ? db : "tala-hub.db", &options, &error);
  if (server == NULL ||
      !tala_hub_server_listen (server, listen ? listen : "127.0.0.1:8470", &error) ||
      (!no_jobs && !tala_hub_server_start_jobs (server, db ? db : "tala-hub.db", &error)))
    {
      g_printerr ("tala-hub: %s\n", error->message);
      return TALA_HUB_EXIT_FAILURE;
    }
  /* Before the line that tells a supervisor we are up. */
  term = g_unix_signal_add (SIGTERM, stop_cb, &stop);
  intr = g_unix_signal_add (SIGINT, stop_cb, &stop);
  g_message ("listening on port %u%s (ledger %s)", tala_hub_server_get_port (server),
             tls_cert ? " with TLS" : "", db ? db : "tala-hub.db");
  while (!stop)
    g_main_context_iteration (NULL, TRUE);
  g_message ("shutting down: %u requests in flight", tala_hub_server_in_flight (server));
  tala_hub_server_stop (server);
  while (tala_hub_server_in_flight (server) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (term);
  g_source_remove (intr);
  g_clear_object (&server);
  g_message ("stopped");
  return TALA_HUB_EXIT_OK;
}
