/* test-hub.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real TalaHubServer on 127.0.0.1 (a free port) over a ledger seeded with
 * fixture F0 plus one user of every role, driven by a SoupSession on a
 * pushed main context.  The tests of hub/ share it.
 */

#pragma once

#include <libsoup/soup.h>

#include "hub-server.h"
#include "test-util.h"

G_BEGIN_DECLS

typedef struct
{
  GMainContext  *context;
  char          *path;
  TalaHubServer *server;
  SoupSession   *session;
  guint16        port;
} HubFixture;

typedef struct
{
  guint               status;
  char               *body;
  SoupMessageHeaders *headers;
  gboolean            done;
} HubReply;

void hub_reply_clear (HubReply *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HubReply, hub_reply_clear)

/* The password of every user of the fixture: "<username>-pass", and
 * "student-pass" for the student 2025-00001 (login by number or by
 * JUAN@example.edu).  Users: admin (ADMIN), cashier1, registrar1, prof1,
 * head1 (HEAD_REGISTRAR), admit1 (ADMISSION_STAFF). */
extern const char *const hub_test_users[7][2];

/* @data: NULL or a TalaHubServerOptions.  The hub clock is the real one;
 * extra ops can go in through @fx->path before the server is made by
 * calling hub_fixture_setup_with(). */
void        hub_fixture_setup    (HubFixture    *fx,
                                  gconstpointer  data);
/* Same, but @prepare runs on the seeded ledger (F0 loaded, passwords set)
 * before the server opens it. */
void        hub_fixture_setup_with (HubFixture    *fx,
                                    gconstpointer  data,
                                    void         (*prepare) (LedgerFixture *seed));
void        hub_fixture_teardown (HubFixture    *fx,
                                  gconstpointer  data);

/* Starts a request; @content_type NULL sends application/json when there is
 * a body.  @token and @idem_key are nullable. */
void        hub_start            (HubFixture    *fx,
                                  HubReply      *r,
                                  const char    *method,
                                  const char    *path,
                                  const char    *token,
                                  const char    *idem_key,
                                  const char    *content_type,
                                  const char    *body);
/* Sends a message the caller built. */
void        hub_send_message     (HubFixture    *fx,
                                  HubReply      *r,
                                  SoupMessage   *msg);
void        hub_wait             (HubFixture    *fx,
                                  HubReply      *r);
HubReply    hub_call             (HubFixture    *fx,
                                  const char    *method,
                                  const char    *path,
                                  const char    *token,
                                  const char    *body);
JsonObject *hub_reply_object     (HubReply      *r);
/* Asserts the status, a JSON body and its error code. */
/* hub_call() that asserts the status and returns the object answered. */
JsonObject *hub_call_object      (HubFixture    *fx,
                                  const char    *method,
                                  const char    *path,
                                  const char    *token,
                                  const char    *body,
                                  guint          status);
/* hub_call() that asserts an error reply with @status and @code. */
void        hub_call_error       (HubFixture    *fx,
                                  const char    *method,
                                  const char    *path,
                                  const char    *token,
                                  const char    *body,
                                  guint          status,
                                  const char    *code);
/* GET @path, asserts 200 and returns the array answered. */
JsonArray  *hub_call_array       (HubFixture    *fx,
                                  const char    *path,
                                  const char    *token);
void        hub_assert_error     (HubReply      *r,
                                  guint          status,
                                  const char    *code);
/* Logs in (asserting 200) and returns the token. */
char       *hub_login            (HubFixture    *fx,
                                  const char    *username,
                                  const char    *password);
/* Logs in as one of hub_test_users by name. */
char       *hub_login_as         (HubFixture    *fx,
                                  const char    *username);
/* A scalar read of the fixture's database file on a fresh connection. */
gint64      hub_db_scalar        (HubFixture    *fx,
                                  const char    *sql);

/* Starts `tala-hub serve --db @db --listen 127.0.0.1:@port --no-jobs` (port 0:
 * a free one) plus @extra (NULL-terminated, nullable), its log in
 * @db.log, and waits until it listens; @port gets the port. */
GSubprocess *hub_spawn           (const char         *db,
                                  guint16            *port,
                                  const char * const *extra);
/* SIGTERM (or SIGKILL when @kill) and wait. */
void         hub_spawn_stop      (GSubprocess        *proc,
                                  gboolean            kill);

G_END_DECLS
