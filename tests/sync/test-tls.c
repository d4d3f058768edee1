/* test-tls.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TLS end to end: the test makes a throwaway CA and a hub certificate it
 * signs (IP 127.0.0.1) with the openssl command, serves `tala-hub serve
 * --tls-cert --tls-key`, and runs the headless terminal against it over
 * HTTPS with `--cacert`: register, bootstrap, record, sync.  A terminal
 * that trusts another CA, or only the system's, is refused with an error
 * about the certificate, and plain HTTP gets no answer.  Skipped when
 * openssl is not installed.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "test-hub.h"

#define PAY(amount) \
  "{\"kind\":\"payment.record\",\"args\":{\"student\":\"2025-00001\",\"amount\":\"" amount "\"," \
  "\"method\":\"CASH\"}}"

typedef struct
{
  char        *dir;        /* certificates, replicas */
  char        *db;
  GSubprocess *hub;
  guint16      port;
  char        *url;        /* https://127.0.0.1:PORT */
  char        *ca;         /* the CA that signed the hub's certificate */
  char        *other_ca;   /* a CA that did not */
} TlsFixture;

/* Runs openssl with @args (NULL-terminated) in @dir; asserts it worked. */
static void
openssl (const char         *dir,
         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, (char *) "openssl");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_cwd (launcher, dir);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (proc) != 0)
    g_error ("openssl %s failed: %s", args[0], out);
}

/* A self-signed CA: @name.pem and @name.key in @dir. */
static void
make_ca (const char *dir,
         const char *name,
         const char *common_name)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *pem = g_strconcat (name, ".pem", NULL);
  g_autofree char *subject = g_strconcat ("/CN=", common_name, NULL);

  openssl (dir, (const char *[]) { "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                   "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                                   "-out", pem, "-days", "2", "-subj", subject,
                                   "-addext", "basicConstraints=critical,CA:TRUE",
                                   "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL });
}

/* hub.pem (IP 127.0.0.1, signed by ca) and hub.key in @dir. */
static void
make_hub_certificate (const char *dir)
{
  g_autofree char *ext = g_build_filename (dir, "hub.ext", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (ext, "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                            "extendedKeyUsage=serverAuth\n", -1, &error);
  g_assert_no_error (error);
  openssl (dir, (const char *[]) { "req", "-new", "-newkey", "ec", "-pkeyopt",
                                   "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                                   "hub.key", "-out", "hub.csr", "-subj", "/CN=127.0.0.1",
                                   NULL });
  openssl (dir, (const char *[]) { "x509", "-req", "-in", "hub.csr", "-CA", "ca.pem", "-CAkey",
                                   "ca.key", "-set_serial", "2", "-days", "2", "-out",
                                   "hub.pem", "-extfile", "hub.ext", NULL });
}

static void
tls_setup (TlsFixture    *fx,
           gconstpointer  data)
{
  LedgerFixture seed = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sem = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *program = g_find_program_in_path ("openssl");

  if (program == NULL)
    return;
  ledger_fixture_setup (&seed, NULL);
  test_load_f0 (&seed);
  /* Today's payments belong to the F0 semester. */
  sem = test_apply_ok (&seed, "catalog.semester.put", "admin",
                       "{\"code\":\"2025-FIRST\",\"start_date\":\"2025-06-02\","
                       "\"end_date\":\"2099-12-31\",\"enrollment_start\":\"2025-05-26\","
                       "\"enrollment_end\":\"2099-12-31\",\"is_active\":true}");
  tala_ledger_set_password (seed.ledger, "cashier1", "cashier-pass", NULL, seed.now, &error);
  g_assert_no_error (error);
  fx->db = g_steal_pointer (&seed.path);
  g_clear_pointer (&seed.ledger, tala_ledger_free);

  fx->dir = g_build_filename (g_get_user_runtime_dir (), "tls-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (fx->dir));
  make_ca (fx->dir, "ca", "Tala Test CA");
  make_ca (fx->dir, "other-ca", "Some Other CA");
  make_hub_certificate (fx->dir);
  fx->ca = g_build_filename (fx->dir, "ca.pem", NULL);
  fx->other_ca = g_build_filename (fx->dir, "other-ca.pem", NULL);
  cert = g_build_filename (fx->dir, "hub.pem", NULL);
  key = g_build_filename (fx->dir, "hub.key", NULL);
  fx->hub = hub_spawn (fx->db, &fx->port,
                       (const char *[]) { "--tls-cert", cert, "--tls-key", key, NULL });
  fx->url = g_strdup_printf ("https://127.0.0.1:%u", fx->port);
}

static void
tls_teardown (TlsFixture    *fx,
              gconstpointer  data)
{
  if (fx->hub != NULL)
    hub_spawn_stop (fx->hub, FALSE);
  g_clear_object (&fx->hub);
  if (fx->dir != NULL)
    {
      static const char *const files[] = { "ca.pem", "ca.key", "other-ca.pem", "other-ca.key",
                                           "hub.pem", "hub.key", "hub.csr", "hub.ext" };

      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *path = g_build_filename (fx->dir, files[i], NULL);

          g_unlink (path);
        }
    }
  g_free (fx->dir);
  g_free (fx->db);
  g_free (fx->url);
  g_free (fx->ca);
  g_free (fx->other_ca);
}

/* Runs tala-sync with @args, @input on its standard input; returns the
 * exit status, @out and @err (nullable) get its output. */
static int
run_cli (const char         *input,
         char              **out,
         char              **err,
         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *errors = NULL;

  g_assert_nonnull (g_getenv ("TALA_SYNC"));
  g_ptr_array_add (argv, (char *) g_getenv ("TALA_SYNC"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &text, &errors, &error);
  g_assert_no_error (error);
  g_test_message ("tala-sync %s: %s", args[0], errors);
  if (out != NULL)
    *out = g_steal_pointer (&text);
  if (err != NULL)
    *err = g_steal_pointer (&errors);
  return g_subprocess_get_exit_status (proc);
}

static gint64
hub_scalar (TlsFixture *fx,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (fx->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gboolean
skip_without_openssl (void)
{
  g_autofree char *path = g_find_program_in_path ("openssl");

  if (path == NULL)
    g_test_skip ("openssl is not installed");
  return path == NULL;
}

/* Register, bootstrap, record and sync over HTTPS with --cacert. */
static void
test_https_sync (TlsFixture    *fx,
                 gconstpointer  data)
{
  g_autofree char *replica = NULL;
  g_autofree char *creds = NULL;
  g_autofree char *ops = NULL;
  g_autofree char *out = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_openssl ())
    return;
  replica = g_build_filename (fx->dir, "tls.db", NULL);
  creds = g_strconcat (replica, ".credentials", NULL);
  ops = g_build_filename (fx->dir, "ops.jsonl", NULL);
  g_assert_cmpint (run_cli ("cashier-pass\n", &out, NULL,
                            (const char *[]) { "register", "--hub", fx->url, "--cacert", fx->ca,
                                               "--user", "cashier1", "--terminal", "C05",
                                               "--replica", replica, NULL }), ==, 0);
  g_assert_null (strstr (out, "device_token"));
  g_clear_pointer (&out, g_free);
  /* The CA file is kept with the credentials for the later commands. */
  g_file_get_contents (creds, &saved, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (saved, fx->ca));
  g_assert_nonnull (strstr (saved, "https://127.0.0.1:"));

  g_assert_cmpint (run_cli (NULL, &out, NULL, (const char *[]) { "bootstrap", "--replica",
                                                                 replica, NULL }), ==, 0);
  g_clear_pointer (&out, g_free);
  g_file_set_contents (ops, PAY ("100.00") "\n" PAY ("250.50") "\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_cli (NULL, &out, NULL, (const char *[]) { "record", ops, "--replica",
                                                                 replica, NULL }), ==, 0);
  g_assert_nonnull (strstr (out, "C05-000001"));
  g_assert_nonnull (strstr (out, "C05-000002"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (NULL, &out, NULL, (const char *[]) { "sync", "--once", "--replica",
                                                                 replica, NULL }), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (NULL, &out, NULL, (const char *[]) { "status", "--replica", replica,
                                                                 NULL }), ==, 0);
  status = test_parse_object (out);
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (status, "attention"), ==, 0);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM txn WHERE device = 'C05'"), ==, 2);
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM device WHERE code = 'C05'"), ==, 1);
  g_unlink (ops);
  g_unlink (creds);
  g_unlink (replica);
}

/* Another CA, or none but the system's: exit 1 and an error about the
 * certificate, no registration on the hub, no credentials written.  Plain
 * HTTP to the HTTPS port gets no answer either. */
static void
test_wrong_ca (TlsFixture    *fx,
               gconstpointer  data)
{
  g_autofree char *replica = NULL;
  g_autofree char *creds = NULL;
  g_autofree char *http = NULL;
  g_autofree char *err = NULL;

  if (skip_without_openssl ())
    return;
  replica = g_build_filename (fx->dir, "wrong.db", NULL);
  creds = g_strconcat (replica, ".credentials", NULL);
  g_assert_cmpint (run_cli ("cashier-pass\n", NULL, &err,
                            (const char *[]) { "register", "--hub", fx->url, "--cacert",
                                               fx->other_ca, "--user", "cashier1",
                                               "--terminal", "C06", "--replica", replica,
                                               NULL }), ==, 1);
  g_assert_nonnull (strstr (err, "certificate"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli ("cashier-pass\n", NULL, &err,
                            (const char *[]) { "register", "--hub", fx->url, "--user",
                                               "cashier1", "--terminal", "C06", "--replica",
                                               replica, NULL }), ==, 1);
  g_assert_nonnull (strstr (err, "certificate"));
  g_clear_pointer (&err, g_free);
  http = g_strdup_printf ("http://127.0.0.1:%u", fx->port);
  g_assert_cmpint (run_cli ("cashier-pass\n", NULL, &err,
                            (const char *[]) { "register", "--hub", http, "--user", "cashier1",
                                               "--terminal", "C06", "--replica", replica,
                                               NULL }), ==, 1);
  g_assert_false (g_file_test (creds, G_FILE_TEST_EXISTS));
  g_assert_cmpint (hub_scalar (fx, "SELECT count(*) FROM device WHERE code = 'C06'"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/sync/tls/https-sync", TlsFixture, NULL, tls_setup, test_https_sync,
              tls_teardown);
  g_test_add ("/sync/tls/wrong-ca", TlsFixture, NULL, tls_setup, test_wrong_ca, tls_teardown);
  return g_test_run ();
}
