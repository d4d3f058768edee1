/* bench-common.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "bench-common.h"
#include "hub-seed.h"
#include "hub-server.h"
#include "tala-ledger.h"

/* ---- The server, in its own thread --------------------------------------- */


static gboolean
hub_stop_cb (gpointer data)
{
  Hub *hub = data;

  hub->stop = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
hub_thread (gpointer data)
{
  Hub *hub = data;
  TalaHubServerOptions options = { 0 };
  g_autoptr(TalaHubServer) server = NULL;
  GError *error = NULL;

  g_main_context_push_thread_default (hub->context);
  options.no_group_commit = !hub->group_commit;
  options.quiet = TRUE;
  options.rate_anon = BENCH_RATE_UNLIMITED;
  options.rate_auth = BENCH_RATE_UNLIMITED;
  server = tala_hub_server_new (hub->db, &options, &error);
  if (server != NULL && !tala_hub_server_listen (server, "127.0.0.1:0", &error))
    g_clear_object (&server);
  g_mutex_lock (&hub->lock);
  hub->ready = TRUE;
  hub->error = error;
  hub->port = server ? tala_hub_server_get_port (server) : 0;
  g_cond_signal (&hub->cond);
  g_mutex_unlock (&hub->lock);
  if (server != NULL)
    {
      while (!hub->stop)
        g_main_context_iteration (hub->context, TRUE);
      tala_hub_server_stop (server);
      while (tala_hub_server_in_flight (server) > 0)
        g_main_context_iteration (hub->context, TRUE);
      /* Frees the writer, which finishes its queue and closes the ledger. */
      g_clear_object (&server);
      while (g_main_context_iteration (hub->context, FALSE))
        ;
    }
  g_main_context_pop_thread_default (hub->context);
  return NULL;
}

Hub *
bench_hub_start (const char *db,
           gboolean    group_commit,
           GError    **error)
{
  Hub *hub = g_new0 (Hub, 1);

  hub->db = g_strdup (db);
  hub->group_commit = group_commit;
  hub->context = g_main_context_new ();
  g_mutex_init (&hub->lock);
  g_cond_init (&hub->cond);
  hub->thread = g_thread_new ("bench-hub-server", hub_thread, hub);
  g_mutex_lock (&hub->lock);
  while (!hub->ready)
    g_cond_wait (&hub->cond, &hub->lock);
  g_mutex_unlock (&hub->lock);
  if (hub->error == NULL)
    return hub;
  g_propagate_error (error, g_steal_pointer (&hub->error));
  g_thread_join (hub->thread);
  g_main_context_unref (hub->context);
  g_free (hub->db);
  g_free (hub);
  return NULL;
}

void
bench_hub_stop (Hub *hub)
{
  g_main_context_invoke (hub->context, hub_stop_cb, hub);
  g_thread_join (hub->thread);
  g_main_context_unref (hub->context);
  g_mutex_clear (&hub->lock);
  g_cond_clear (&hub->cond);
  g_free (hub->db);
  g_free (hub);
}

gboolean
bench_seed_college (const char *path,
      guint       students,
      guint64     seed_value,
      GError    **error)
{
  g_autoptr(TalaLedger) ledger = tala_ledger_open (path, error);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(GTimer) timer = g_timer_new ();
  TalaCollegeOptions options = { .students = students, .seed = seed_value };
  TalaSeedStats stats;

  if (ledger == NULL)
    return FALSE;
  g_print ("seeding %u students (as of %s; cached with --db PATH) ...\n", students, today);
  g_strlcpy (options.as_of, today, sizeof options.as_of);
  if (!tala_hub_seed_college (ledger, &options, &stats, error))
    return FALSE;
  g_print ("seeded %u students in %.1f s: %" G_GINT64_FORMAT " ops, %" G_GINT64_FORMAT
           " payments\n", students, g_timer_elapsed (timer, NULL), stats.ops, stats.payments);
  return TRUE;
}

/* Copies @from (and its WAL when there is one) to @to and flushes the copy
 * to the disk. */
gboolean
bench_copy_db (const char *from,
         const char *to,
         GError    **error)
{
  static const char * const suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *src_path = g_strconcat (from, suffixes[i], NULL);
      g_autofree char *dst_path = g_strconcat (to, suffixes[i], NULL);
      g_autoptr(GFile) src = g_file_new_for_path (src_path);
      g_autoptr(GFile) dst = g_file_new_for_path (dst_path);
      int fd;
      gboolean synced;

      g_unlink (dst_path);
      if (i > 0 && !g_file_test (src_path, G_FILE_TEST_EXISTS))
        continue;
      if (!g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
        return FALSE;
      fd = g_open (dst_path, O_RDWR, 0);
      synced = fd >= 0 && g_fsync (fd) == 0;
      if (fd >= 0)
        g_close (fd, NULL);
      if (!synced)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot flush %s", dst_path);
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads @path through once, as a running hub's database sits in the page
 * cache. */
gboolean
bench_warm_file (const char *path,
           GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  g_autofree char *buffer = g_malloc (1 << 20);
  gssize n;

  if (in == NULL)
    return FALSE;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 20, NULL, error)) > 0)
    ;
  return n == 0;
}

void
bench_remove_db (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

