/* tala-store.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The replica is used by one thread at a time (tala-sync-replica.h): every
 * call that touches it takes @lock.  Searches and account reads use their
 * own connection to the same file under @read_lock, so that typing in the
 * search field never waits for a sync that is talking to a slow hub.
 */

#define G_LOG_DOMAIN "tala-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "tala-search-index.h"
#include "tala-store.h"

struct _TalaStore
{
  gatomicrefcount  ref;
  char            *path;          /* the replica file */
  char            *url_override;  /* --hub: used instead of the credentials' URL */
  GMutex           url_lock;      /* guards @url_override (set on the main thread) */

  GMutex           lock;          /* guards @replica */
  TalaReplica     *replica;       /* opened on first use, by a worker */

  GMutex           read_lock;     /* guards @reader and @search */
  TalaLedger      *reader;        /* a read connection to the replica file */
  TalaSearchIndex *search;        /* the students, for search as you type */
};

G_DEFINE_QUARK (tala-store-error-quark, tala_store_error)

static const char *const allowed_roles[] = {
  "CASHIER", "REGISTRAR", "HEAD_REGISTRAR", "ADMIN", NULL,
};

static const char *const counter_keys[] = {
  "last_receipt", "last_device_seq", "last_provisional",
};

void
tala_login_free (TalaLogin *login)
{
  g_free (login->username);
  g_free (login->role);
  g_free (login->full_name);
  g_free (login);
}

void
tala_sync_result_free (TalaSyncResult *result)
{
  g_free (result->message);
  g_clear_pointer (&result->status, json_object_unref);
  g_free (result);
}

TalaStore *
tala_store_new (const char *replica_path)
{
  TalaStore *self = g_new0 (TalaStore, 1);

  g_return_val_if_fail (replica_path != NULL, NULL);

  g_atomic_ref_count_init (&self->ref);
  self->path = g_strdup (replica_path);
  g_mutex_init (&self->lock);
  g_mutex_init (&self->read_lock);
  g_mutex_init (&self->url_lock);
  return self;
}

TalaStore *
tala_store_ref (TalaStore *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
tala_store_unref (TalaStore *self)
{
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_clear_pointer (&self->replica, tala_replica_free);
  g_clear_pointer (&self->reader, tala_ledger_free);
  g_clear_pointer (&self->search, tala_search_index_free);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->read_lock);
  g_mutex_clear (&self->url_lock);
  g_free (self->url_override);
  g_free (self->path);
  g_free (self);
}

const char *
tala_store_get_replica_path (TalaStore *self)
{
  return self->path;
}

/* @url NULL or empty: back to the URL of the credentials.  Takes effect
 * at the next sync. */
void
tala_store_set_hub_url_override (TalaStore  *self,
                                 const char *url)
{
  g_mutex_lock (&self->url_lock);
  g_free (self->url_override);
  self->url_override = url != NULL && url[0] != '\0' ? g_strdup (url) : NULL;
  g_mutex_unlock (&self->url_lock);
}

static char *
dup_url_override (TalaStore *self)
{
  char *url;

  g_mutex_lock (&self->url_lock);
  url = g_strdup (self->url_override);
  g_mutex_unlock (&self->url_lock);
  return url;
}

static char *
credentials_path (TalaStore *self)
{
  return g_strconcat (self->path, ".credentials", NULL);
}

static char *
logins_path (TalaStore *self)
{
  return g_strconcat (self->path, ".logins", NULL);
}

/* Set up means: the replica and its credentials both exist. */
gboolean
tala_store_is_set_up (TalaStore *self)
{
  g_autofree char *creds = credentials_path (self);

  return g_file_test (self->path, G_FILE_TEST_IS_REGULAR) &&
         g_file_test (creds, G_FILE_TEST_IS_REGULAR);
}

static GKeyFile *
load_keys (const char  *path,
           GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();

  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, error))
    return NULL;
  return g_steal_pointer (&keys);
}

static gboolean
save_keys (GKeyFile    *keys,
           const char  *path,
           GError     **error)
{
  g_autofree char *data = NULL;
  gsize length;

  data = g_key_file_to_data (keys, &length, NULL);
  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

char *
tala_store_dup_hub_url (TalaStore *self)
{
  g_autofree char *path = credentials_path (self);
  g_autoptr(GKeyFile) keys = NULL;
  char *url = dup_url_override (self);

  if (url != NULL)
    return url;
  keys = load_keys (path, NULL);
  return keys != NULL ? g_key_file_get_string (keys, "hub", "url", NULL) : NULL;
}

char *
tala_store_dup_terminal (TalaStore *self)
{
  g_autofree char *path = credentials_path (self);
  g_autoptr(GKeyFile) keys = load_keys (path, NULL);

  return keys != NULL ? g_key_file_get_string (keys, "terminal", "code", NULL) : NULL;
}

/* The same key file as tala-sync's, so that either can use the replica. */
static gboolean
save_credentials (TalaStore   *self,
                  const char  *url,
                  JsonObject  *reg,
                  GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = credentials_path (self);

  g_key_file_set_string (keys, "hub", "url", url);
  g_key_file_set_string (keys, "hub", "token",
                         json_object_get_string_member (reg, "device_token"));
  g_key_file_set_string (keys, "terminal", "code",
                         json_object_get_string_member (reg, "terminal"));
  g_key_file_set_string (keys, "terminal", "username",
                         json_object_get_string_member (reg, "username"));
  for (guint i = 0; i < G_N_ELEMENTS (counter_keys); i++)
    g_key_file_set_int64 (keys, "terminal", counter_keys[i],
                          json_object_get_int_member_with_default (reg, counter_keys[i], 0));
  return save_keys (keys, path, error);
}

/* A client for the hub with the terminal's token. */
static TalaSyncClient *
terminal_client (TalaStore  *self,
                 GError    **error)
{
  g_autofree char *path = credentials_path (self);
  g_autoptr(GKeyFile) keys = load_keys (path, error);
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;
  TalaSyncClientOptions options = { 0 };
  TalaSyncClient *client;

  if (keys == NULL)
    return NULL;
  url = dup_url_override (self);
  if (url == NULL)
    url = g_key_file_get_string (keys, "hub", "url", error);
  token = url ? g_key_file_get_string (keys, "hub", "token", error) : NULL;
  if (token == NULL)
    return NULL;
  ca_file = g_key_file_get_string (keys, "hub", "ca_file", NULL);
  options.ca_file = ca_file;
  options.connect_timeout_s = 5;
  options.timeout_s = 120;
  client = tala_sync_client_new (url, &options);
  tala_sync_client_set_token (client, token);
  return client;
}

/* Called with @lock held. */
static TalaReplica *
replica_locked (TalaStore  *self,
                GError    **error)
{
  if (self->replica == NULL)
    {
      if (!tala_store_is_set_up (self))
        {
          g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_NOT_SET_UP,
                       "this terminal is not set up yet");
          return NULL;
        }
      self->replica = tala_replica_open (self->path, error);
    }
  return self->replica;
}

/* Called with @read_lock held. */
static TalaLedger *
reader_locked (TalaStore  *self,
               GError    **error)
{
  if (self->reader == NULL)
    {
      if (!tala_store_is_set_up (self))
        {
          g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_NOT_SET_UP,
                       "this terminal is not set up yet");
          return NULL;
        }
      self->reader = tala_ledger_open (self->path, error);
    }
  return self->reader;
}

static gboolean
role_allowed (const char  *role,
              GError     **error)
{
  if (role != NULL && g_strv_contains (allowed_roles, role))
    return TRUE;
  g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_ROLE,
               "role %s may not use the desktop app", role ? role : "(none)");
  return FALSE;
}

/* The user as the replica knows them: role and full name. */
static TalaLogin *
login_from_replica (TalaStore   *self,
                    const char  *username,
                    GError     **error)
{
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(TalaLogin) login = g_new0 (TalaLogin, 1);
  TalaLedger *ledger;

  g_mutex_lock (&self->read_lock);
  ledger = reader_locked (self, error);
  user = ledger ? tala_ledger_user (ledger, username, error) : NULL;
  g_mutex_unlock (&self->read_lock);
  if (user == NULL)
    return NULL;
  if (!role_allowed (json_object_get_string_member_with_default (user, "role", NULL), error))
    return NULL;
  login->username = g_strdup (json_object_get_string_member (user, "username"));
  login->role = g_strdup (json_object_get_string_member (user, "role"));
  login->full_name = g_strdup_printf ("%s %s",
                                      json_object_get_string_member_with_default (user, "first_name", ""),
                                      json_object_get_string_member_with_default (user, "last_name", ""));
  g_strstrip (login->full_name);
  return g_steal_pointer (&login);
}

/* Keeps the Argon2id verifier of @password for offline logins. */
static gboolean
store_verifier (TalaStore   *self,
                TalaLogin   *login,
                const char  *password,
                GError     **error)
{
  g_autofree char *path = logins_path (self);
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *verifier = tala_ledger_hash_password (password, error);

  if (verifier == NULL)
    return FALSE;
  /* A missing or unreadable file starts a new one. */
  g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, NULL);
  g_key_file_set_string (keys, login->username, "verifier", verifier);
  g_key_file_set_string (keys, login->username, "role", login->role);
  g_key_file_set_string (keys, login->username, "full_name", login->full_name);
  g_key_file_set_int64 (keys, login->username, "verified_at", g_get_real_time ());
  return save_keys (keys, path, error);
}

static TalaLogin *
login_offline (TalaStore   *self,
               const char  *username,
               const char  *password,
               GError     **error)
{
  g_autofree char *path = logins_path (self);
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *verifier = NULL;
  g_autoptr(TalaLogin) login = NULL;

  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, NULL) ||
      (verifier = g_key_file_get_string (keys, username, "verifier", NULL)) == NULL)
    {
      g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_NO_OFFLINE,
                   "%s has not logged in on this terminal while it was online", username);
      return NULL;
    }
  if (sodium_init () < 0 ||
      crypto_pwhash_str_verify (verifier, password, strlen (password)) != 0)
    {
      g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_CREDENTIALS,
                   "wrong username or password");
      return NULL;
    }
  login = login_from_replica (self, username, error);
  if (login != NULL)
    login->offline = TRUE;
  return g_steal_pointer (&login);
}

static gboolean
is_unreachable (const GError *error)
{
  return error->domain == G_IO_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* POST /api-token-auth/: TRUE when the hub took the password, FALSE with
 * CREDENTIALS when it did not, FALSE with a G_IO_ERROR when unreachable. */
static gboolean
login_online (const char    *url,
              const char    *username,
              const char    *password,
              GCancellable  *cancellable,
              GError       **error)
{
  TalaSyncClientOptions options = { .connect_timeout_s = 5, .timeout_s = 30 };
  g_autoptr(TalaSyncClient) client = tala_sync_client_new (url, &options);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  status = tala_sync_client_request_json (client, "POST", "/api-token-auth/", body, NULL,
                                          &reply, cancellable, error);
  if (status == 0)
    return FALSE;
  if (status == 200)
    return TRUE;
  if (status == 400 || status == 401 || status == 403)
    g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_CREDENTIALS,
                 "wrong username or password");
  else
    g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_HUB,
                 "the hub answered %u to the login", status);
  return FALSE;
}

TalaLogin *
tala_store_login (TalaStore     *self,
                  const char    *username,
                  const char    *password,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *url = tala_store_dup_hub_url (self);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TalaLogin) login = NULL;

  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  if (url == NULL || !tala_store_is_set_up (self))
    {
      g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_NOT_SET_UP,
                   "this terminal is not set up yet");
      return NULL;
    }
  if (!login_online (url, username, password, cancellable, &local_error))
    {
      if (is_unreachable (local_error))
        return login_offline (self, username, password, error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  login = login_from_replica (self, username, error);
  if (login == NULL || !store_verifier (self, login, password, error))
    return NULL;
  return g_steal_pointer (&login);
}

TalaLogin *
tala_store_setup (TalaStore            *self,
                  const char           *hub_url,
                  const char           *username,
                  const char           *password,
                  const char           *terminal,
                  TalaSyncProgressFunc  progress,
                  gpointer              progress_data,
                  GCancellable         *cancellable,
                  GError              **error)
{
  TalaSyncClientOptions options = { .connect_timeout_s = 10 };
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(JsonObject) reg = NULL;
  g_autoptr(TalaLogin) login = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);

  if (!g_str_has_prefix (hub_url, "http://") && !g_str_has_prefix (hub_url, "https://"))
    {
      g_set_error (error, TALA_STORE_ERROR, TALA_STORE_ERROR_INVALID,
                   "the hub address must start with http:// or https://");
      return NULL;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot make %s: %s", dir, g_strerror (errno));
      return NULL;
    }
  client = tala_sync_client_new (hub_url, &options);
  reg = tala_sync_register (client, username, password, terminal, cancellable, error);
  if (reg == NULL)
    return NULL;
  if (!role_allowed (json_object_get_string_member_with_default (reg, "role", NULL), error))
    return NULL;
  tala_sync_client_set_token (client, json_object_get_string_member (reg, "device_token"));
  /* A replica left by a failed bootstrap is no use: start again. */
  g_unlink (self->path);
  if (!tala_sync_bootstrap (client, reg, self->path, progress, progress_data,
                            cancellable, error) ||
      !save_credentials (self, hub_url, reg, error))
    return NULL;
  login = login_from_replica (self, json_object_get_string_member (reg, "username"), error);
  if (login == NULL || !store_verifier (self, login, password, error))
    return NULL;
  return g_steal_pointer (&login);
}

JsonArray *
tala_store_search (TalaStore   *self,
                   const char  *query,
                   guint        limit,
                   GError     **error)
{
  TalaLedger *ledger;
  JsonArray *out = NULL;

  g_mutex_lock (&self->read_lock);
  ledger = reader_locked (self, error);
  if (ledger != NULL && self->search == NULL)
    self->search = tala_search_index_new ();
  if (ledger != NULL && tala_search_index_refresh (self->search, ledger, error))
    {
      g_autoptr(GArray) ids = tala_search_index_find (self->search, query, limit);

      out = tala_ledger_students_by_id (ledger, (const gint64 *) (gpointer) ids->data, ids->len,
                                        error);
    }
  g_mutex_unlock (&self->read_lock);
  return out;
}

JsonObject *
tala_store_account (TalaStore   *self,
                    const char  *student,
                    GError     **error)
{
  TalaLedger *ledger;
  JsonObject *out;

  g_mutex_lock (&self->read_lock);
  ledger = reader_locked (self, error);
  out = ledger ? tala_ledger_account (ledger, student, NULL, error) : NULL;
  g_mutex_unlock (&self->read_lock);
  return out;
}

JsonNode *
tala_store_read (TalaStore          *self,
                 TalaStoreReadFunc   func,
                 gpointer            data,
                 GError            **error)
{
  TalaLedger *ledger;
  JsonNode *out;

  g_return_val_if_fail (func != NULL, NULL);

  g_mutex_lock (&self->read_lock);
  ledger = reader_locked (self, error);
  out = ledger ? func (ledger, data, error) : NULL;
  g_mutex_unlock (&self->read_lock);
  return out;
}

static JsonObject *
make_op (const char *actor,
         const char *kind,
         JsonObject *args)
{
  JsonObject *op = json_object_new ();
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, args);
  copy = json_node_copy (node);
  json_object_set_string_member (op, "kind", kind);
  json_object_set_string_member (op, "actor", actor);
  json_object_set_object_member (op, "args", json_node_dup_object (copy));
  return op;
}

/* The preview applies the op as the hub would (a trusted op, no terminal
 * numbers) inside a transaction that is always rolled back: the allocation
 * shown is computed by the very code that will record it. */
JsonObject *
tala_store_preview (TalaStore   *self,
                    const char  *actor,
                    const char  *kind,
                    JsonObject  *args,
                    GError     **error)
{
  g_autoptr(JsonObject) op = make_op (actor, kind, args);
  g_autofree char *op_id = g_uuid_string_random ();
  TalaReplica *replica;
  TalaLedger *ledger;
  JsonObject *result = NULL;

  json_object_set_string_member (op, "op_id", op_id);
  g_mutex_lock (&self->lock);
  replica = replica_locked (self, error);
  if (replica != NULL)
    {
      ledger = tala_replica_get_ledger (replica);
      if (tala_ledger_begin (ledger, error))
        {
          result = tala_ledger_apply (ledger, op, TALA_CHANNEL_TRUSTED, g_get_real_time (),
                                      NULL, error);
          tala_ledger_rollback (ledger);
        }
    }
  g_mutex_unlock (&self->lock);
  return result;
}

JsonObject *
tala_store_record (TalaStore   *self,
                   const char  *actor,
                   const char  *kind,
                   JsonObject  *args,
                   GError     **error)
{
  g_autoptr(JsonObject) op = make_op (actor, kind, args);
  TalaReplica *replica;
  JsonObject *result = NULL;

  g_mutex_lock (&self->lock);
  replica = replica_locked (self, error);
  if (replica != NULL)
    result = tala_replica_record (replica, op, g_get_real_time (), error);
  g_mutex_unlock (&self->lock);
  return result;
}

JsonObject *
tala_store_status (TalaStore  *self,
                   GError    **error)
{
  TalaReplica *replica;
  JsonObject *status = NULL;

  g_mutex_lock (&self->lock);
  replica = replica_locked (self, error);
  if (replica != NULL)
    status = tala_replica_status (replica, g_get_real_time (), error);
  g_mutex_unlock (&self->lock);
  return status;
}

JsonArray *
tala_store_attention (TalaStore  *self,
                      GError    **error)
{
  TalaReplica *replica;
  JsonArray *list = NULL;

  g_mutex_lock (&self->lock);
  replica = replica_locked (self, error);
  if (replica != NULL)
    list = tala_replica_attention (replica, FALSE, g_get_real_time (), error);
  g_mutex_unlock (&self->lock);
  return list;
}

gboolean
tala_store_dismiss (TalaStore   *self,
                    const char  *op_id,
                    GError     **error)
{
  TalaReplica *replica;
  gboolean ok = FALSE;

  g_mutex_lock (&self->lock);
  replica = replica_locked (self, error);
  if (replica != NULL)
    ok = tala_replica_dismiss (replica, op_id, g_get_real_time (), error);
  g_mutex_unlock (&self->lock);
  return ok;
}

TalaSyncResult *
tala_store_sync (TalaStore    *self,
                 GCancellable *cancellable)
{
  g_autoptr(TalaSyncResult) result = g_new0 (TalaSyncResult, 1);
  g_autoptr(TalaSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  TalaReplica *replica;

  result->reachable = TRUE;
  client = terminal_client (self, &error);
  g_mutex_lock (&self->lock);
  replica = client ? replica_locked (self, &error) : NULL;
  g_mutex_unlock (&self->lock);
  /* The replica stays open until the store goes; the lock is held only
   * while the cycle works on it, never while it waits for the hub. */
  if (replica != NULL)
    {
      result->ok = tala_sync_once_shared (replica, &self->lock, client, &result->stats,
                                          cancellable, &error);
      g_mutex_lock (&self->lock);
      result->status = tala_replica_status (replica, g_get_real_time (), NULL);
      g_mutex_unlock (&self->lock);
    }
  if (error != NULL)
    {
      result->reachable = !is_unreachable (error);
      result->message = g_strdup (error->message);
    }
  return g_steal_pointer (&result);
}
