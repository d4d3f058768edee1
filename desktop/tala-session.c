/* tala-session.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Workers get the TalaStore (reference counted, thread safe) and copies of
 * their inputs; they never see the session.  Results come back through
 * GTask on the main context, where the properties change.
 */

#define G_LOG_DOMAIN "tala-session"

#include "config.h"

#include <string.h>

#include "tala-items.h"
#include "tala-session.h"

struct _TalaSession
{
  GObject          parent_instance;

  /* Owned */
  TalaStore       *store;
  GListStore      *attention;     /* of TalaAttentionItem */
  GCancellable    *cancellable;   /* cancelled in dispose */
  TalaLogin       *login;         /* nullable: nobody logged in */
  GNetworkMonitor *monitor;       /* borrowed singleton, signal connected */

  guint            interval_s;    /* automatic sync period, seconds */
  guint            timer_id;
  gulong           network_id;
  double           progress;      /* bootstrap, 0..1 */
  gint64           oldest_age;    /* seconds, -1: nothing pending */
  guint            pending;
  guint64          refresh_started;  /* serial of the newest refresh started */
  guint64          refresh_shown;    /* serial of the refresh shown */
  guint            online : 1;
  guint            syncing : 1;
  guint            sync_again : 1;
};

G_DEFINE_FINAL_TYPE (TalaSession, tala_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SET_UP,
  PROP_ONLINE,
  PROP_SYNCING,
  PROP_PENDING,
  PROP_OLDEST_AGE,
  PROP_USERNAME,
  PROP_ROLE,
  PROP_FULL_NAME,
  PROP_AREA,
  PROP_PROGRESS,
  N_PROPS
};

enum {
  SIGNAL_SYNC_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
notify (TalaSession *self,
        guint        prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_online (TalaSession *self,
            gboolean     online)
{
  if (self->online == !!online)
    return;
  self->online = !!online;
  notify (self, PROP_ONLINE);
}

static void
set_syncing (TalaSession *self,
             gboolean     syncing)
{
  if (self->syncing == !!syncing)
    return;
  self->syncing = !!syncing;
  notify (self, PROP_SYNCING);
}

/* Takes pending and oldest_age_s from a tala_replica_status() object. */
static void
apply_status (TalaSession *self,
              JsonObject  *status)
{
  guint pending = (guint) json_object_get_int_member_with_default (status, "pending", 0);
  gint64 age = json_object_get_int_member_with_default (status, "oldest_age_s", -1);

  if (pending == 0)
    age = -1;
  if (pending != self->pending)
    {
      self->pending = pending;
      notify (self, PROP_PENDING);
    }
  if (age != self->oldest_age)
    {
      self->oldest_age = age;
      notify (self, PROP_OLDEST_AGE);
    }
}

/* ---- Refresh: status and attention list --------------------------------- */

typedef struct
{
  guint64     serial;
  JsonObject *status;
  JsonArray  *attention;
} Refresh;

static void
refresh_free (Refresh *r)
{
  g_clear_pointer (&r->status, json_object_unref);
  g_clear_pointer (&r->attention, json_array_unref);
  g_free (r);
}

static void
refresh_thread (GTask        *task,
                gpointer      source G_GNUC_UNUSED,
                gpointer      task_data,
                GCancellable *cancellable G_GNUC_UNUSED)
{
  TalaStore *store = task_data;
  Refresh *r = g_new0 (Refresh, 1);
  GError *error = NULL;

  r->serial = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "serial"));

  r->status = tala_store_status (store, &error);
  if (r->status != NULL)
    r->attention = tala_store_attention (store, &error);
  if (error != NULL)
    {
      refresh_free (r);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, r, (GDestroyNotify) refresh_free);
}

static void
refresh_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data G_GNUC_UNUSED)
{
  TalaSession *self = TALA_SESSION (object);
  g_autoptr(GError) error = NULL;
  Refresh *r = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (r == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the sync status: %s", error->message);
      return;
    }
  /* Refreshes run on workers and may finish out of order: an older one
   * must not overwrite what a newer one showed. */
  if (r->serial <= self->refresh_shown)
    {
      refresh_free (r);
      return;
    }
  self->refresh_shown = r->serial;
  apply_status (self, r->status);
  for (guint i = 0; i < json_array_get_length (r->attention); i++)
    g_ptr_array_add (items, tala_attention_item_new_from_json (
                              json_array_get_object_element (r->attention, i)));
  g_list_store_splice (self->attention, 0, g_list_model_get_n_items (G_LIST_MODEL (self->attention)),
                       items->pdata, items->len);
  refresh_free (r);
}

void
tala_session_refresh (TalaSession *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TALA_IS_SESSION (self));

  if (!tala_store_is_set_up (self->store))
    return;
  task = g_task_new (self, self->cancellable, refresh_done_cb, NULL);
  g_task_set_source_tag (task, tala_session_refresh);
  g_object_set_data (G_OBJECT (task), "serial", GSIZE_TO_POINTER (++self->refresh_started));
  g_task_set_task_data (task, tala_store_ref (self->store), (GDestroyNotify) tala_store_unref);
  g_task_run_in_thread (task, refresh_thread);
}

/* ---- Sync ---------------------------------------------------------------- */

static void
sync_thread (GTask        *task,
             gpointer      source G_GNUC_UNUSED,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_pointer (task, tala_store_sync (task_data, cancellable),
                         (GDestroyNotify) tala_sync_result_free);
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data G_GNUC_UNUSED)
{
  TalaSession *self = TALA_SESSION (object);
  g_autoptr(TalaSyncResult) r = g_task_propagate_pointer (G_TASK (result), NULL);

  set_syncing (self, FALSE);
  if (r == NULL)
    return;
  set_online (self, r->reachable);
  if (r->status != NULL)
    apply_status (self, r->status);
  g_signal_emit (self, signals[SIGNAL_SYNC_FINISHED], 0, r->ok, r->stats.applied,
                 r->stats.rejected, r->message);
  tala_session_refresh (self);
  if (self->sync_again)
    {
      self->sync_again = FALSE;
      tala_session_sync (self);
    }
}

void
tala_session_sync (TalaSession *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TALA_IS_SESSION (self));

  if (!tala_store_is_set_up (self->store))
    return;
  if (self->syncing)
    {
      self->sync_again = TRUE;
      return;
    }
  set_syncing (self, TRUE);
  task = g_task_new (self, self->cancellable, sync_done_cb, NULL);
  g_task_set_source_tag (task, tala_session_sync);
  g_task_set_task_data (task, tala_store_ref (self->store), (GDestroyNotify) tala_store_unref);
  g_task_run_in_thread (task, sync_thread);
}

static gboolean
sync_tick_cb (gpointer user_data)
{
  tala_session_sync (user_data);
  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (GNetworkMonitor *monitor G_GNUC_UNUSED,
                    gboolean         available,
                    TalaSession     *self)
{
  if (available && !self->online)
    tala_session_sync (self);
}

void
tala_session_set_sync_interval (TalaSession *self,
                                guint        seconds)
{
  g_return_if_fail (TALA_IS_SESSION (self));

  self->interval_s = MAX (seconds, 1);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->login != NULL)
    self->timer_id = g_timeout_add_seconds (self->interval_s, sync_tick_cb, self);
}

guint
tala_session_get_sync_interval (TalaSession *self)
{
  g_return_val_if_fail (TALA_IS_SESSION (self), 0);

  return self->interval_s;
}

/* ---- Setup and login ----------------------------------------------------- */

typedef struct
{
  TalaStore    *store;
  char         *hub_url;
  char         *username;
  char         *password;
  char         *terminal;
  GMainContext *context;      /* where progress is reported */
  GWeakRef      session;      /* for progress only; read on @context */
} LoginData;

static void
login_data_free (LoginData *d)
{
  tala_store_unref (d->store);
  g_free (d->hub_url);
  g_free (d->username);
  if (d->password != NULL)
    memset (d->password, 0, strlen (d->password));
  g_free (d->password);
  g_free (d->terminal);
  g_main_context_unref (d->context);
  g_weak_ref_clear (&d->session);
  g_free (d);
}

typedef struct
{
  GWeakRef *session;
  double    fraction;
} Progress;

static gboolean
progress_idle_cb (gpointer user_data)
{
  Progress *p = user_data;
  g_autoptr(TalaSession) self = g_weak_ref_get (p->session);

  if (self != NULL && self->progress != p->fraction)
    {
      self->progress = p->fraction;
      notify (self, PROP_PROGRESS);
    }
  return G_SOURCE_REMOVE;
}

/* Worker thread: hands the fraction to the main context. */
static void
bootstrap_progress_cb (gint64   done,
                       gint64   total,
                       gpointer user_data)
{
  LoginData *d = user_data;
  Progress *p = g_new0 (Progress, 1);

  p->session = &d->session;
  p->fraction = total > 0 ? CLAMP ((double) done / (double) total, 0.0, 1.0) : 0.5;
  /* LoginData outlives these idles: the task finishes on the same context
   * after them. */
  g_main_context_invoke_full (d->context, G_PRIORITY_DEFAULT, progress_idle_cb, p, g_free);
}

static void
login_thread (GTask        *task,
              gpointer      source G_GNUC_UNUSED,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LoginData *d = task_data;
  GError *error = NULL;
  TalaLogin *login;

  if (d->terminal != NULL)
    login = tala_store_setup (d->store, d->hub_url, d->username, d->password, d->terminal,
                              bootstrap_progress_cb, d, cancellable, &error);
  else
    login = tala_store_login (d->store, d->username, d->password, cancellable, &error);
  if (login == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, login, (GDestroyNotify) tala_login_free);
}

static void
start_login (TalaSession         *self,
             LoginData           *d,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  d->store = tala_store_ref (self->store);
  d->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&d->session, self);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, d, (GDestroyNotify) login_data_free);
  g_task_run_in_thread (task, login_thread);
}

void
tala_session_setup_async (TalaSession         *self,
                          const char          *hub_url,
                          const char          *username,
                          const char          *password,
                          const char          *terminal,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  LoginData *d = g_new0 (LoginData, 1);

  g_return_if_fail (TALA_IS_SESSION (self));

  d->hub_url = g_strstrip (g_strdup (hub_url));
  d->username = g_strstrip (g_strdup (username));
  d->password = g_strdup (password);
  d->terminal = g_strstrip (g_ascii_strup (terminal, -1));
  self->progress = 0.0;
  notify (self, PROP_PROGRESS);
  start_login (self, d, tala_session_setup_async, cancellable, callback, user_data);
}

static void
logged_in (TalaSession *self,
           TalaLogin   *login)
{
  g_clear_pointer (&self->login, tala_login_free);
  self->login = login;
  set_online (self, !login->offline);
  notify (self, PROP_USERNAME);
  notify (self, PROP_ROLE);
  notify (self, PROP_FULL_NAME);
  notify (self, PROP_AREA);
  tala_session_set_sync_interval (self, self->interval_s);
  tala_session_refresh (self);
  tala_session_sync (self);
}

gboolean
tala_session_setup_finish (TalaSession   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  TalaLogin *login = g_task_propagate_pointer (G_TASK (result), error);

  if (login == NULL)
    return FALSE;
  self->progress = 1.0;
  notify (self, PROP_PROGRESS);
  notify (self, PROP_SET_UP);
  logged_in (self, login);
  return TRUE;
}

void
tala_session_login_async (TalaSession         *self,
                          const char          *username,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  LoginData *d = g_new0 (LoginData, 1);

  g_return_if_fail (TALA_IS_SESSION (self));

  d->username = g_strstrip (g_strdup (username));
  d->password = g_strdup (password);
  start_login (self, d, tala_session_login_async, cancellable, callback, user_data);
}

gboolean
tala_session_login_finish (TalaSession   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  TalaLogin *login = g_task_propagate_pointer (G_TASK (result), error);

  if (login == NULL)
    return FALSE;
  logged_in (self, login);
  return TRUE;
}

void
tala_session_logout (TalaSession *self)
{
  g_return_if_fail (TALA_IS_SESSION (self));

  if (self->login == NULL)
    return;
  g_clear_pointer (&self->login, tala_login_free);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  notify (self, PROP_USERNAME);
  notify (self, PROP_ROLE);
  notify (self, PROP_FULL_NAME);
  notify (self, PROP_AREA);
}

/* ---- Reads and ops ------------------------------------------------------- */

typedef struct
{
  TalaStore  *store;
  char       *student;
  char       *actor;
  char       *kind;
  JsonObject *args;        /* a private copy */
  gboolean    preview;
} OpData;

static void
op_data_free (OpData *d)
{
  tala_store_unref (d->store);
  g_free (d->student);
  g_free (d->actor);
  g_free (d->kind);
  g_clear_pointer (&d->args, json_object_unref);
  g_free (d);
}

static void
account_thread (GTask        *task,
                gpointer      source G_GNUC_UNUSED,
                gpointer      task_data,
                GCancellable *cancellable G_GNUC_UNUSED)
{
  OpData *d = task_data;
  GError *error = NULL;
  JsonObject *account = tala_store_account (d->store, d->student, &error);

  if (account == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, account, (GDestroyNotify) json_object_unref);
}

void
tala_session_account_async (TalaSession         *self,
                            const char          *student,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  OpData *d = g_new0 (OpData, 1);

  d->store = tala_store_ref (self->store);
  d->student = g_strdup (student);
  g_task_set_source_tag (task, tala_session_account_async);
  g_task_set_task_data (task, d, (GDestroyNotify) op_data_free);
  g_task_run_in_thread (task, account_thread);
}

JsonObject *
tala_session_account_finish (TalaSession   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  TalaStore         *store;
  TalaStoreReadFunc  func;
  gpointer           data;
  GDestroyNotify     destroy;
} ReadData;

static void
read_data_free (ReadData *d)
{
  tala_store_unref (d->store);
  if (d->destroy != NULL)
    d->destroy (d->data);
  g_free (d);
}

static void
read_thread (GTask        *task,
             gpointer      source G_GNUC_UNUSED,
             gpointer      task_data,
             GCancellable *cancellable G_GNUC_UNUSED)
{
  ReadData *d = task_data;
  GError *error = NULL;
  JsonNode *node = tala_store_read (d->store, d->func, d->data, &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

void
tala_session_read_async (TalaSession         *self,
                         TalaStoreReadFunc    func,
                         gpointer             data,
                         GDestroyNotify       destroy,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ReadData *d = g_new0 (ReadData, 1);

  d->store = tala_store_ref (self->store);
  d->func = func;
  d->data = data;
  d->destroy = destroy;
  g_task_set_source_tag (task, tala_session_read_async);
  g_task_set_task_data (task, d, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_thread);
}

JsonNode *
tala_session_read_finish (TalaSession   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dismiss_thread (GTask        *task,
                gpointer      source G_GNUC_UNUSED,
                gpointer      task_data,
                GCancellable *cancellable G_GNUC_UNUSED)
{
  OpData *d = task_data;
  GError *error = NULL;

  if (tala_store_dismiss (d->store, d->kind, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tala_session_dismiss_async (TalaSession         *self,
                            const char          *op_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  OpData *d = g_new0 (OpData, 1);

  d->store = tala_store_ref (self->store);
  d->kind = g_strdup (op_id);   /* the op to dismiss */
  g_task_set_source_tag (task, tala_session_dismiss_async);
  g_task_set_task_data (task, d, (GDestroyNotify) op_data_free);
  g_task_run_in_thread (task, dismiss_thread);
}

gboolean
tala_session_dismiss_finish (TalaSession   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  tala_session_refresh (self);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
op_thread (GTask        *task,
           gpointer      source G_GNUC_UNUSED,
           gpointer      task_data,
           GCancellable *cancellable G_GNUC_UNUSED)
{
  OpData *d = task_data;
  GError *error = NULL;
  JsonObject *envelope;

  if (d->preview)
    envelope = tala_store_preview (d->store, d->actor, d->kind, d->args, &error);
  else
    envelope = tala_store_record (d->store, d->actor, d->kind, d->args, &error);
  if (envelope == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, envelope, (GDestroyNotify) json_object_unref);
}

void
tala_session_op_async (TalaSession         *self,
                       const char          *kind,
                       JsonObject          *args,
                       gboolean             preview,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;
  OpData *d = g_new0 (OpData, 1);

  json_node_set_object (node, args);
  copy = json_node_copy (node);
  d->store = tala_store_ref (self->store);
  d->actor = g_strdup (self->login ? self->login->username : NULL);
  d->kind = g_strdup (kind);
  d->args = json_node_dup_object (copy);
  d->preview = preview;
  g_task_set_source_tag (task, tala_session_op_async);
  g_task_set_task_data (task, d, (GDestroyNotify) op_data_free);
  if (self->login == NULL)
    {
      g_task_return_new_error (task, TALA_STORE_ERROR, TALA_STORE_ERROR_CREDENTIALS,
                               "nobody is logged in");
      return;
    }
  g_task_run_in_thread (task, op_thread);
}

JsonObject *
tala_session_op_finish (TalaSession   *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  JsonObject *envelope;
  OpData *d;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  d = g_task_get_task_data (G_TASK (result));
  envelope = g_task_propagate_pointer (G_TASK (result), error);
  if (envelope != NULL && !d->preview)
    {
      tala_session_refresh (self);
      tala_session_sync (self);
    }
  return envelope;
}

/* ---- GObject ------------------------------------------------------------- */

TalaSession *
tala_session_new (const char *replica_path,
                  const char *hub_url)
{
  TalaSession *self = g_object_new (TALA_TYPE_SESSION, NULL);

  self->store = tala_store_new (replica_path);
  if (hub_url != NULL)
    tala_store_set_hub_url_override (self->store, hub_url);
  return self;
}

static void
tala_session_dispose (GObject *object)
{
  TalaSession *self = TALA_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_signal_handler (&self->network_id, self->monitor);
  G_OBJECT_CLASS (tala_session_parent_class)->dispose (object);
}

static void
tala_session_finalize (GObject *object)
{
  TalaSession *self = TALA_SESSION (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->attention);
  g_clear_pointer (&self->login, tala_login_free);
  g_clear_pointer (&self->store, tala_store_unref);
  G_OBJECT_CLASS (tala_session_parent_class)->finalize (object);
}

static void
tala_session_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TalaSession *self = TALA_SESSION (object);

  switch (prop_id)
    {
    case PROP_SET_UP:
      g_value_set_boolean (value, tala_session_get_set_up (self));
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_OLDEST_AGE:
      g_value_set_int64 (value, self->oldest_age);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, tala_session_get_username (self));
      break;
    case PROP_ROLE:
      g_value_set_string (value, tala_session_get_role (self));
      break;
    case PROP_FULL_NAME:
      g_value_set_string (value, tala_session_get_full_name (self));
      break;
    case PROP_AREA:
      g_value_set_string (value, tala_session_get_area (self));
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
ro_string (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
ro_boolean (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
tala_session_class_init (TalaSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tala_session_dispose;
  object_class->finalize = tala_session_finalize;
  object_class->get_property = tala_session_get_property;

  properties[PROP_SET_UP] = ro_boolean ("set-up");
  properties[PROP_ONLINE] = ro_boolean ("online");
  properties[PROP_SYNCING] = ro_boolean ("syncing");
  properties[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_OLDEST_AGE] = g_param_spec_int64 ("oldest-age", NULL, NULL,
                                                    -1, G_MAXINT64, -1, flags);
  properties[PROP_USERNAME] = ro_string ("username");
  properties[PROP_ROLE] = ro_string ("role");
  properties[PROP_FULL_NAME] = ro_string ("full-name");
  properties[PROP_AREA] = ro_string ("area");
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TalaSession::sync-finished:
   * @ok: whether the cycle completed
   * @applied: ops the hub applied
   * @rejected: ops the hub rejected
   * @message: (nullable): the failure, in English
   */
  signals[SIGNAL_SYNC_FINISHED] =
    g_signal_new ("sync-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_BOOLEAN, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
tala_session_init (TalaSession *self)
{
  self->attention = g_list_store_new (TALA_TYPE_ATTENTION_ITEM);
  self->cancellable = g_cancellable_new ();
  self->interval_s = 60;
  self->oldest_age = -1;
  self->monitor = g_network_monitor_get_default ();
  self->network_id = g_signal_connect (self->monitor, "network-changed",
                                       G_CALLBACK (network_changed_cb), self);
}

TalaStore *
tala_session_get_store (TalaSession *self)
{
  return self->store;
}

gboolean
tala_session_get_set_up (TalaSession *self)
{
  return tala_store_is_set_up (self->store);
}

gboolean
tala_session_get_online (TalaSession *self)
{
  return self->online;
}

gboolean
tala_session_get_syncing (TalaSession *self)
{
  return self->syncing;
}

guint
tala_session_get_pending (TalaSession *self)
{
  return self->pending;
}

gint64
tala_session_get_oldest_age (TalaSession *self)
{
  return self->oldest_age;
}

const char *
tala_session_get_username (TalaSession *self)
{
  return self->login ? self->login->username : NULL;
}

const char *
tala_session_get_role (TalaSession *self)
{
  return self->login ? self->login->role : NULL;
}

const char *
tala_session_get_full_name (TalaSession *self)
{
  return self->login ? self->login->full_name : NULL;
}

const char *
tala_session_get_area (TalaSession *self)
{
  const char *role = tala_session_get_role (self);

  if (role == NULL)
    return NULL;
  if (g_str_equal (role, "REGISTRAR") || g_str_equal (role, "HEAD_REGISTRAR"))
    return "registrar";
  return "cashier";
}

double
tala_session_get_progress (TalaSession *self)
{
  return self->progress;
}

GListModel *
tala_session_get_attention (TalaSession *self)
{
  return G_LIST_MODEL (self->attention);
}
