/* tala-ledger.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TALA_LEDGER_ERROR (tala_ledger_error_quark ())

/* Failures of the ledger itself (never business rejections, which are
 * results; see tala_ledger_apply()). */
typedef enum
{
  TALA_LEDGER_ERROR_DB,        /* SQLite failed; the message has sqlite3_errmsg */
  TALA_LEDGER_ERROR_BUSY,      /* the database stayed locked past the timeout */
  TALA_LEDGER_ERROR_SCHEMA,    /* the file is newer than this program or not a ledger */
  TALA_LEDGER_ERROR_CORRUPT,   /* a check found a broken invariant or chain link */
  TALA_LEDGER_ERROR_INVALID,   /* bad input to a ledger function (not an op) */
} TalaLedgerError;

#define TALA_MONEY_ERROR (tala_money_error_quark ())

typedef enum
{
  TALA_MONEY_ERROR_SYNTAX,     /* not ^-?(0|[1-9][0-9]{0,7})\.[0-9]{2}$ */
  TALA_MONEY_ERROR_RANGE,      /* above 99,999,999.99 */
  TALA_MONEY_ERROR_SIGN,       /* a sign or zero where the context forbids it */
} TalaMoneyError;

typedef enum
{
  TALA_MONEY_POSITIVE,         /* money>0 */
  TALA_MONEY_NON_NEGATIVE,     /* money≥0 */
  TALA_MONEY_SIGNED,           /* money±: signed, not zero */
} TalaMoneyKind;

#define TALA_MONEY_MAX G_GINT64_CONSTANT (9999999999)

/* Where an op comes from (ops.md §1.9); it decides what the actor may be. */
typedef enum
{
  TALA_CHANNEL_TRUSTED,        /* tala-hub apply, seed, rebuild: actor null allowed */
  TALA_CHANNEL_PUSH,           /* a terminal's sync push: no job.*, actor required */
  TALA_CHANNEL_REST,           /* a REST call made into an op */
  TALA_CHANNEL_JOBS,           /* the scheduler or `tala-hub jobs run` */
} TalaChannel;

typedef struct _TalaLedger TalaLedger;
typedef struct _TalaBatch  TalaBatch;

GQuark       tala_ledger_error_quark  (void);
GQuark       tala_money_error_quark   (void);

/* Opening and closing. */
G_GNUC_WARN_UNUSED_RESULT
TalaLedger  *tala_ledger_open         (const char   *path,
                                       GError      **error);
void         tala_ledger_free         (TalaLedger   *self);
gboolean     tala_ledger_set_durable  (TalaLedger   *self,
                                       gboolean      durable,
                                       GError      **error);
gint64       tala_ledger_get_hub_seq  (TalaLedger   *self);
gboolean     tala_ledger_backup       (TalaLedger   *self,
                                       const char   *path,
                                       GError      **error);
int          tala_ledger_schema_version (void);

/* Write transactions nest; only the outermost commits. */
gboolean     tala_ledger_begin        (TalaLedger   *self,
                                       GError      **error);
gboolean     tala_ledger_commit       (TalaLedger   *self,
                                       GError      **error);
void         tala_ledger_rollback     (TalaLedger   *self);

/* Applying ops.  A batch carries the deferral state of one push or apply
 * file (ops.md §1.5); pass NULL for a lone op. */
G_GNUC_WARN_UNUSED_RESULT
TalaBatch   *tala_batch_new           (void);
void         tala_batch_free          (TalaBatch    *batch);
void         tala_batch_set_forget_rejections (TalaBatch *batch,
                                               gboolean   forget);

G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_apply        (TalaLedger   *self,
                                       JsonObject   *op,
                                       TalaChannel   channel,
                                       gint64        now_us,
                                       TalaBatch    *batch,
                                       GError      **error);

/* Reads. */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_account      (TalaLedger   *self,
                                       const char   *student,
                                       const char   *semester,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_exam_eligibility (TalaLedger *self,
                                           const char *student,
                                           const char *semester,
                                           const char *period,
                                           const char *date,
                                           GError    **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_summary      (TalaLedger   *self,
                                       GError      **error);

/* Academic reads (ledger-grades.c, ledger-takes-queries.c, ledger-jobs.c). */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_transcript   (TalaLedger   *self,
                                       const char   *student,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_subjects     (TalaLedger   *self,
                                       const char   *student,
                                       const char   *semester,
                                       gboolean      include_dropped,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_sections     (TalaLedger   *self,
                                       const char   *student,
                                       const char   *semester,
                                       const char   *subject,
                                       GError      **error);
gint64       tala_ledger_get_last_applied (TalaLedger *self);

/* Checks. */
gboolean     tala_ledger_verify_chains (TalaLedger  *self,
                                        GString     *report,
                                        GError     **error);
gboolean     tala_ledger_check_money  (TalaLedger   *self,
                                       GString      *report,
                                       GError      **error);
gboolean     tala_ledger_rebuild_compare (TalaLedger *self,
                                          const char *scratch_path,
                                          GString    *report,
                                          GError    **error);

/* Values (D-M1). */
gboolean     tala_money_parse         (const char   *text,
                                       TalaMoneyKind kind,
                                       gint64       *centavos,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_money_format        (gint64        centavos);

/* Canonical JSON (ops.md §1.2). */
G_GNUC_WARN_UNUSED_RESULT
char        *tala_json_canonical      (JsonNode     *node);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_json_canonical_object (JsonObject *object);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_op_body_hash        (JsonObject   *op);
/* One JSON text as RFC 8259 writes it, no more: json-glib 1.6 takes more
 * (two texts in a row, comments, single quotes).  Used on the hub's
 * request bodies and on the terminal's answers from the hub. */
gboolean     tala_json_is_strict      (const char   *data,
                                       gsize         length);

/* Time helpers: RFC 3339 UTC in and out. */
gboolean     tala_timestamp_parse     (const char   *text,
                                       gint64       *us);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_timestamp_format    (gint64        us);
gint64       tala_now_us              (void);

/* The hub scheduler's runs and schedule; not ops (docs/jobs.md,
 * ledger-jobruns.c). */
typedef enum
{
  TALA_JOB_RUNS_ALL,
  TALA_JOB_RUNS_LAST,
  TALA_JOB_RUNS_FAILED,
} TalaJobRuns;

gboolean     tala_ledger_job_run_start    (TalaLedger   *self,
                                           const char   *name,
                                           gint64        scheduled_for,
                                           gint64        started_at,
                                           gint64        attempt,
                                           gint64       *id,
                                           GError      **error);
gboolean     tala_ledger_job_run_finish   (TalaLedger   *self,
                                           gint64        id,
                                           gint64        finished_at,
                                           gboolean      ok,
                                           const char   *result_json,
                                           const char   *error_text,
                                           GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_job_runs         (TalaLedger   *self,
                                           TalaJobRuns   which,
                                           GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_job_run_get      (TalaLedger   *self,
                                           gint64        id,
                                           gboolean     *found,
                                           GError      **error);
gboolean     tala_ledger_job_next_run     (TalaLedger   *self,
                                           const char   *name,
                                           gint64       *next_run,
                                           gboolean     *found,
                                           GError      **error);
gboolean     tala_ledger_job_set_next_run (TalaLedger   *self,
                                           const char   *name,
                                           gint64        next_run,
                                           GError      **error);

/* Credentials, not ops (ops.md §1.11; ledger-credentials.c). */
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_user         (TalaLedger   *self,
                                       const char   *username,
                                       GError      **error);
gboolean     tala_ledger_set_password (TalaLedger   *self,
                                       const char   *username,
                                       const char   *password,
                                       const char   *actor,
                                       gint64        now_us,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_hash_password (const char  *password,
                                        GError     **error);
gboolean     tala_ledger_store_password (TalaLedger *self,
                                         const char *username,
                                         const char *verifier,
                                         const char *actor,
                                         gint64      now_us,
                                         GError    **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_verify_login (TalaLedger   *self,
                                       const char   *login,
                                       const char   *password,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_issue_token  (TalaLedger   *self,
                                       const char   *username,
                                       gint64        now_us,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_token_user   (TalaLedger   *self,
                                       const char   *token,
                                       GError      **error);
gboolean     tala_ledger_set_login_alias (TalaLedger *self,
                                          const char *username,
                                          const char *alias,
                                          GError    **error);
gint64       tala_ledger_revoke_tokens (TalaLedger  *self,
                                        const char  *username,
                                        GError     **error);

/* Reads of the REST API's people and receipts (ledger-people.c). */
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_search_students (TalaLedger *self,
                                          const char *query,
                                          guint       limit,
                                          GError    **error);

typedef void (*TalaStudentNameFunc) (gint64      id,
                                     const char *number,
                                     const char *provisional_number,
                                     const char *first_name,
                                     const char *last_name,
                                     gpointer    data);

gboolean     tala_ledger_foreach_student_name (TalaLedger          *self,
                                               TalaStudentNameFunc  func,
                                               gpointer             data,
                                               GError             **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_students_by_id (TalaLedger   *self,
                                         const gint64 *ids,
                                         guint         n_ids,
                                         GError      **error);
gint64       tala_ledger_data_version (TalaLedger   *self);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_student_profile (TalaLedger *self,
                                          const char *student,
                                          GError    **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_payment      (TalaLedger   *self,
                                       const char   *payment,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_enrollment_semester (TalaLedger *self,
                                              const char *student,
                                              gint64      enrollment_id,
                                              GError    **error);

/* Reads of the REST API's lists and the original's integer ids
 * (ledger-people.c). */
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_student_enrollments (TalaLedger *self,
                                              const char *student,
                                              guint       offset,
                                              guint       limit,
                                              gint64     *count,
                                              GError    **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_programs     (TalaLedger   *self,
                                       guint         offset,
                                       guint         limit,
                                       gint64       *count,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonObject  *tala_ledger_program      (TalaLedger   *self,
                                       const char   *program,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_program_subjects (TalaLedger *self,
                                           const char *program,
                                           GError    **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_notifications (TalaLedger  *self,
                                        const char  *username,
                                        guint        offset,
                                        guint        limit,
                                        gint64      *count,
                                        GError     **error);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_subject_code (TalaLedger   *self,
                                       gint64        subject_id,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_section_code (TalaLedger   *self,
                                       const char   *semester,
                                       gint64        section_id,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
char        *tala_ledger_take_uuid    (TalaLedger   *self,
                                       const char   *student,
                                       const char   *semester,
                                       gint64        take_id,
                                       GError      **error);
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *tala_ledger_available_subjects (TalaLedger *self,
                                             const char *student,
                                             const char *semester,
                                             GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaLedger, tala_ledger_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaBatch, tala_batch_free)

G_END_DECLS
