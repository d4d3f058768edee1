/* hub-server-private.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What hub-server.c shares with the hub-route-*.c files: the route table's
 * types, the request a route works on, and the reply helpers.
 *
 * A request goes through at most three stages.  The main context matches
 * the route, checks method, size, Content-Type and JSON, then pauses the
 * message.  A reader thread (own connection) checks the token and role and
 * runs the route's @work: it either answers (hub_request_reply*) or leaves
 * an op (@kind, @args) or a @write function.  The single writer applies the
 * op (a savepoint in a group commit) and the route's @shape turns the
 * envelope into the answer.  The main context sends it and unpauses once.
 */

#pragma once

#include <libsoup/soup.h>

#include "hub-server.h"
#include "tala-ledger.h"

G_BEGIN_DECLS

/* Roles (D-A2) as bits; a route admits the users whose bit it has. */
enum
{
  HUB_ROLE_STUDENT         = 1 << 0,
  HUB_ROLE_PROFESSOR       = 1 << 1,
  HUB_ROLE_CASHIER         = 1 << 2,
  HUB_ROLE_REGISTRAR       = 1 << 3,
  HUB_ROLE_HEAD_REGISTRAR  = 1 << 4,
  HUB_ROLE_ADMISSION_STAFF = 1 << 5,
  HUB_ROLE_ADMIN           = 1 << 6,
};

#define HUB_ANONYMOUS 0
#define HUB_ANY_USER  0x7f
#define HUB_CASH      (HUB_ROLE_CASHIER | HUB_ROLE_ADMIN)
#define HUB_REG       (HUB_ROLE_REGISTRAR | HUB_ROLE_HEAD_REGISTRAR | HUB_ROLE_ADMIN)
#define HUB_STU       (HUB_ROLE_STUDENT)

typedef struct _HubRequest HubRequest;

/* Reader thread: answer, or set kind + args (an op) or write. */
typedef void     (*HubWorkFunc)  (HubRequest *req,
                                  TalaLedger *ledger);
/* Writer thread, after the op's envelope came back: set req->reply. */
typedef void     (*HubShapeFunc) (HubRequest *req,
                                  TalaLedger *ledger,
                                  JsonObject *envelope);
/* Main context, for routes that need no database read. */
typedef void     (*HubLocalFunc) (HubRequest *req);
/* Writer thread, inside the group's transaction. */
typedef gboolean (*HubWriteFunc) (HubRequest *req,
                                  TalaLedger *ledger,
                                  GError    **error);

typedef struct
{
  const char   *method;
  const char   *pattern;    /* absolute path; {name} matches one segment */
  guint         roles;      /* HUB_ANONYMOUS or role bits */
  HubWorkFunc   work;
  HubLocalFunc  local;
  HubShapeFunc  shape;      /* op routes; NULL answers the envelope */
  const char   *url_ref;    /* rejection code that means the URL's id is unknown (404) */
  const char   *summary;
} HubRoute;

struct _HubRequest
{
  TalaHubServer     *server;    /* owned ref */
  SoupServerMessage *msg;       /* owned ref */
  const HubRoute    *route;
  guint              route_index;
  GHashTable        *params;    /* {name} → decoded segment */
  GHashTable        *query;     /* nullable */
  JsonNode          *body;      /* a write's JSON object, else NULL */
  char              *token;
  char              *idem_key;  /* Idempotency-Key, nullable */
  JsonObject        *user;      /* the token's user; NULL for anonymous */
  gint64             start_us;
  gboolean           paused;

  /* The op a route builds (REST channel). */
  char              *kind;
  JsonObject        *args;
  char              *op_id;
  HubWriteFunc       write;
  char              *write_data;  /* owned by the route's write */
  GError            *write_error;

  /* The answer. */
  guint              status;
  JsonNode          *reply;
  GBytes            *raw;        /* an answer that is not a JSON node: its bytes */
  char              *raw_type;   /* and their Content-Type */
  GPtrArray         *headers;    /* extra answer headers: name, value, name, … */
  gboolean           replayed;
  gint64             hub_seq;
  char              *op_code;   /* outcome for metrics: "applied" or a rejection code */
};

const char *hub_request_param     (HubRequest *req,
                                   const char *name);
const char *hub_request_query     (HubRequest *req,
                                   const char *name);
JsonObject *hub_request_object    (HubRequest *req);
const char *hub_request_username  (HubRequest *req);
gboolean    hub_request_has_role  (HubRequest *req,
                                   guint       roles);
/* FALSE, answering 400 invalid_args, when @body has a member not in
 * @allowed (NULL-terminated). */
gboolean    hub_request_only_members (HubRequest         *req,
                                      JsonObject         *body,
                                      const char * const *allowed);
/* Any thread; the first answer wins.  @reply is taken. */
void        hub_request_reply     (HubRequest *req,
                                   guint       status,
                                   JsonNode   *reply);
void        hub_request_reply_object (HubRequest *req,
                                      guint       status,
                                      JsonObject *reply);
/* Any thread; answers @body as it is (already encoded JSON, an image…);
 * @body is taken. */
void        hub_request_reply_raw (HubRequest *req,
                                   guint       status,
                                   const char *content_type,
                                   GBytes     *body);
/* Adds a header to the answer (any thread, before it is sent). */
void        hub_request_add_header (HubRequest *req,
                                    const char *name,
                                    const char *value);
void        hub_request_error     (HubRequest *req,
                                   guint       status,
                                   const char *code,
                                   const char *format,
                                   ...) G_GNUC_PRINTF (4, 5);
void        hub_request_ledger_error (HubRequest   *req,
                                      const GError *error);
/* An op for the writer; @args is taken. */
void        hub_request_set_op    (HubRequest *req,
                                   const char *kind,
                                   JsonObject *args);
guint       hub_status_for_code   (const char *code);
guint       hub_status_for_envelope (HubRequest *req,
                                     JsonObject *envelope);

/* The newest snapshot made for terminals (hub-route-sync.c), shared by
 * the reader threads under @lock. */
typedef struct
{
  GMutex  lock;
  GBytes *gz;          /* the gzip SQLite image, or NULL */
  gint64  cursor;      /* its hub_seq */
  gint64  made_at;     /* monotonic µs */
} HubSnapshotCache;

HubSnapshotCache *hub_server_snapshot_cache (TalaHubServer *self);

/* The server, for the system routes. */
char       *hub_server_metrics_text (TalaHubServer *self);
JsonNode   *hub_server_openapi      (TalaHubServer *self);

/* The route tables of the hub-route-*.c files, each ending at method NULL. */
extern const HubRoute hub_routes_system[];
extern const HubRoute hub_routes_cashier[];
extern const HubRoute hub_routes_student[];
extern const HubRoute hub_routes_public[];
extern const HubRoute hub_routes_registrar[];
extern const HubRoute hub_routes_professor[];
extern const HubRoute hub_routes_catalog[];
extern const HubRoute hub_routes_admin[];
extern const HubRoute hub_routes_sync[];

/* Helpers of the route files. */
char       *hub_uuid_v5           (const char *namespace_uuid,
                                   const char *name);
gboolean    hub_valid_idempotency_key (const char *key);
char       *hub_request_op_id     (HubRequest *req);
gboolean    hub_normalize_amount  (JsonNode   *node,
                                   char      **out);

/* Pages of the original's paginated lists: {count, next, previous, results}. */
#define HUB_PAGE_SIZE 20

guint  hub_request_page_number (HubRequest *req);
void   hub_request_reply_page  (HubRequest *req,
                                guint       page,
                                gint64      count,
                                JsonArray  *results);

G_END_DECLS
