/* ledger-private.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of ledger/ share: the connection with its statement cache
 * and nested transactions, the context an op is applied in, argument specs,
 * rejections, and the helpers every rule file uses.
 */

#pragma once

#include <sqlite3.h>

#include "tala-ledger.h"

G_BEGIN_DECLS

typedef sqlite3_stmt TalaStmt;

struct _TalaLedger
{
  sqlite3    *db;
  GHashTable *stmts;          /* SQL text (static, by address) → sqlite3_stmt* */
  guint       depth;          /* nesting depth of tala_ledger_begin() */
  gint64      last_applied;   /* applied_at of the newest journal entry, µs */
  char       *path;
};

/* Reset a cached statement when it leaves scope (never finalize it). */
void tala_stmt_release (TalaStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaStmt, tala_stmt_release)

/* Binding tags for tala_db_query(): each bind is (":name", TAG, value). */
#define DB_INT  'i'           /* gint64 */
#define DB_TEXT 't'           /* const char * (NULL binds NULL) */
#define DB_NULL 'n'           /* gint64, ignored: binds NULL (for `c ? DB_INT : DB_NULL, v`) */

/* Prepare (cached) and bind.  The varargs are triples (":name", tag, value)
 * terminated by NULL.  A name the statement lacks is a programming error and
 * asserts.  Returns a borrowed statement to step, reset by g_autoptr. */
TalaStmt   *tala_db_query       (TalaLedger  *self,
                                 GError     **error,
                                 const char  *sql,
                                 ...) G_GNUC_NULL_TERMINATED;
/* Step once: SQLITE_ROW, SQLITE_DONE, or -1 with @error set. */
int         tala_db_step        (TalaLedger  *self,
                                 TalaStmt    *stmt,
                                 GError     **error);
/* Prepare, bind, step to the end. */
gboolean    tala_db_exec        (TalaLedger  *self,
                                 GError     **error,
                                 const char  *sql,
                                 ...) G_GNUC_NULL_TERMINATED;
/* Run SQL with no parameters (several statements allowed). */
gboolean    tala_db_exec_plain  (TalaLedger  *self,
                                 const char  *sql,
                                 GError     **error);
/* First column of the first row as an integer; @found tells if a row came. */
gboolean    tala_db_int         (TalaLedger  *self,
                                 gint64      *value,
                                 gboolean    *found,
                                 GError     **error,
                                 const char  *sql,
                                 ...) G_GNUC_NULL_TERMINATED;
gboolean    tala_db_set_error   (TalaLedger  *self,
                                 int          rc,
                                 GError     **error);
const char *tala_stmt_text      (TalaStmt    *stmt,
                                 int          col);
gint64      tala_stmt_int       (TalaStmt    *stmt,
                                 int          col);
gboolean    tala_stmt_is_null   (TalaStmt    *stmt,
                                 int          col);
gboolean    _tala_ledger_migrate (TalaLedger *self,
                                  GError    **error);

/* ---- Rejections ----------------------------------------------------------
 * A business rejection is a GError in TALA_REJECT; its message is for people
 * and the code string of ops.md §2.7 travels beside it in the context. */
#define TALA_REJECT (tala_reject_quark ())
GQuark tala_reject_quark (void);

enum
{
  TALA_REJECT_REJECTED = 1,   /* final: stored and replayed */
  TALA_REJECT_DEFERRED = 2,   /* not stored: unknown_reference or blocked */
};

/* ---- The apply context --------------------------------------------------- */

typedef enum
{
  ROLE_NONE            = 0,
  ROLE_STUDENT         = 1 << 0,
  ROLE_PROFESSOR       = 1 << 1,
  ROLE_CASHIER         = 1 << 2,
  ROLE_REGISTRAR       = 1 << 3,
  ROLE_HEAD_REGISTRAR  = 1 << 4,
  ROLE_ADMISSION_STAFF = 1 << 5,
  ROLE_ADMIN           = 1 << 6,
  ROLE_SYSTEM          = 1 << 7,  /* actor null */
} TalaRole;

#define ROLES_CASH  (ROLE_CASHIER | ROLE_ADMIN)
#define ROLES_REG   (ROLE_REGISTRAR | ROLE_HEAD_REGISTRAR | ROLE_ADMIN)
#define ROLES_ADMIT (ROLES_REG | ROLE_ADMISSION_STAFF)
#define ROLES_ADM   (ROLE_ADMIN)

typedef struct _TalaCtx TalaCtx;

struct _TalaCtx
{
  TalaLedger  *ledger;
  TalaChannel  channel;
  const char  *op_id;
  const char  *kind;
  const char  *device;        /* terminal code or "HUB" */
  gint64       device_seq;
  const char  *actor;         /* NULL = SYSTEM */
  gint64       actor_id;      /* user.id, 0 for SYSTEM */
  TalaRole     role;
  gint64       recorded_at;   /* µs, device clock (audit only) */
  JsonObject  *args;
  const char  *args_json;     /* canonical text of args (borrowed) */
  gint64       applied_at;    /* µs, hub clock */
  char         today[11];     /* business date YYYY-MM-DD */
  gint64       hub_seq;       /* the seq this op takes if it applies */
  JsonObject  *result;        /* owned; filled by the kind's handler */
  /* A rejection's code and details (details may stay NULL). */
  const char  *reject_code;
  JsonObject  *reject_details;
  char        *creates_key;   /* a client-made key this op creates */
  const char  *waiting_for;   /* deferral: the key waited for */
};

typedef gboolean (*TalaKindFunc) (TalaCtx  *ctx,
                                  GError  **error);

/* ---- Argument specs ------------------------------------------------------ */

typedef enum
{
  ARG_TEXT,        /* text(max): trimmed, no control characters */
  ARG_NOTE,        /* text(max) that may contain LF */
  ARG_REASON,      /* text(500); missing/blank gives reason_required */
  ARG_CODE,        /* program/subject/section code */
  ARG_SEM,         /* YYYY-FIRST|SECOND|SUMMER */
  ARG_NUM,         /* student number */
  ARG_USERNAME,
  ARG_DATE,
  ARG_TIME,
  ARG_UUID,
  ARG_INT,         /* min..max */
  ARG_BOOL,
  ARG_MONEY,       /* min = TalaMoneyKind */
  ARG_ENUM,        /* one of choices; bad value gives spec->bad_code */
  ARG_OBJECT,      /* members per sub (NULL: checked by the handler) */
  ARG_ARRAY,       /* elements per sub (ARG_* of the elements in min) */
  ARG_ANY,         /* checked by the handler */
} TalaArgType;

typedef struct _TalaArgSpec TalaArgSpec;

struct _TalaArgSpec
{
  const char         *name;
  TalaArgType         type;
  gboolean            required;
  gint64              min;        /* ARG_INT range; ARG_MONEY kind; ARG_ARRAY element type */
  gint64              max;        /* ARG_INT range; text length in code points */
  const char * const *choices;    /* ARG_ENUM */
  const char         *bad_code;   /* rejection code for a bad value (default invalid_args) */
  const TalaArgSpec  *sub;        /* ARG_OBJECT members, ARG_ARRAY object elements; ends at name NULL */
};

typedef struct
{
  const char        *kind;
  TalaKindFunc       func;
  const TalaArgSpec *args;
  TalaRole           roles;
  const char        *scope;       /* arg naming the scope, or a fixed scope with a leading '=' */
} TalaKindInfo;

const TalaKindInfo *_tala_kind_lookup (const char *kind);

gboolean  _tala_args_validate (TalaCtx            *ctx,
                               JsonObject         *args,
                               const TalaArgSpec  *spec,
                               const char         *prefix,
                               GError            **error);

/* Accessors of validated args (absent → default). */
const char *arg_str   (TalaCtx *ctx, const char *name);
gint64      arg_int   (TalaCtx *ctx, const char *name, gint64 def);
gboolean    arg_bool  (TalaCtx *ctx, const char *name, gboolean def);
gint64      arg_money (TalaCtx *ctx, const char *name);
gboolean    arg_has   (TalaCtx *ctx, const char *name);

/* Reject the op: sets @error in TALA_REJECT and the code; returns FALSE. */
gboolean  tala_reject   (TalaCtx     *ctx,
                         GError     **error,
                         const char  *code,
                         JsonObject  *details,
                         const char  *format,
                         ...) G_GNUC_PRINTF (5, 6);
gboolean  tala_defer    (TalaCtx     *ctx,
                         GError     **error,
                         const char  *waiting_for,
                         const char  *format,
                         ...) G_GNUC_PRINTF (4, 5);
JsonObject *details_field (const char *field);

/* ---- Audit, notifications ------------------------------------------------ */

gboolean  tala_audit    (TalaCtx     *ctx,
                         const char  *action,
                         const char  *target_model,
                         const char  *target_id,
                         JsonObject  *before,     /* transfer full, NULL = {} */
                         JsonObject  *after,      /* transfer full, NULL = {} */
                         GError     **error);
gboolean  _tala_audit_append (TalaLedger *self,
                              gint64      hub_seq,
                              const char *op_id,
                              const char *action,
                              const char *actor,
                              const char *target_model,
                              const char *target_id,
                              JsonObject *before,
                              JsonObject *after,
                              gint64      at,
                              GError    **error);
gboolean  tala_notify   (TalaCtx     *ctx,
                         gint64       user_id,
                         const char  *type,
                         const char  *title,
                         const char  *message,
                         const char  *related,
                         GError     **error);

/* ---- Dates --------------------------------------------------------------- */

gboolean  tala_date_parse   (const char *text, gint64 *days);   /* days since 1970-01-01 */
void      tala_date_format  (gint64 days, char out[11]);
gboolean  tala_time_parse   (const char *text, int *minutes);

/* ---- Shared lookups and config ------------------------------------------- */

gboolean  tala_config_int   (TalaLedger *self, const char *key, gint64 *value, GError **error);
char     *tala_config_str   (TalaLedger *self, const char *key, GError **error);
gboolean  _tala_business_date (TalaLedger *self, gint64 applied_at, char out[11], GError **error);
gboolean  tala_config_bool  (TalaLedger *self, const char *key, gboolean *value, GError **error);

/* Resolve a student number or provisional alias: id, or 0 when unknown.
 * With @ctx, an unknown provisional number defers the op (or rejects it
 * unknown_student when its creating op was rejected). */
gboolean  tala_student_resolve (TalaCtx     *ctx,
                                const char  *number,
                                gint64      *student_id,
                                GError     **error);
char     *tala_student_number  (TalaLedger *self, gint64 student_id, GError **error);
gboolean  tala_semester_find   (TalaLedger *self, const char *code, gint64 *id, GError **error);
gboolean  tala_active_semester (TalaLedger *self, gint64 *id, GError **error);
gboolean  _tala_program_find   (TalaLedger *self, const char *code, gint64 *id, GError **error);
gboolean  _tala_subject_find   (TalaLedger *self, const char *code, gint64 *id, GError **error);
gboolean  _tala_permits_unlock_paid (TalaCtx    *ctx,
                                     gint64      enrollment_id,
                                     const char *via,
                                     JsonArray  *unlocked,
                                     GError    **error);

/* Accounts (ledger-accounts.c). */
gboolean  _tala_enrollment_create (TalaCtx    *ctx,
                                   gint64      student_id,
                                   const char *semester,
                                   gint64      commitment,
                                   gboolean    carry_credit,
                                   JsonObject *result,
                                   GError    **error);

/* ---- Academics (ledger-takes.c, ledger-grades.c, ledger-leave.c) --------- */

/* A value of the grade scale in use (D-G1, schema/0003-grade-scales.sql). */
typedef struct
{
  char     value[8];        /* as spelled in ops: "1.75", "B+", "INC" */
  gint64   points;          /* hundredths of a grade point */
  gboolean counts_in_gpa;
  char     outcome[8];      /* the take status at finalization: PASSED, FAILED or INC */
} TalaGrade;

/* What student + semester + subject name in an op, resolved in the order of
 * ops.md §2.2: unknown_student (or deferral), unknown_semester,
 * unknown_subject, no_enrollment.  Strings are owned; clear with
 * _tala_take_ref_clear(). */
typedef struct
{
  gint64  student_id;
  gint64  user_id;          /* the student's user row, for notifications */
  char   *number;           /* the student's number (not the alias the op used) */
  gint64  semester_id;
  gint64  subject_id;
  gint64  subject_units;    /* the subject's units now (a take keeps its own) */
  gint64  enrollment_id;
} TalaTakeRef;

/* One take row (a subject enrollment).  Strings are owned; clear with
 * _tala_take_clear(). */
typedef struct
{
  gint64  id;
  char   *uuid;
  char   *status;           /* ENROLLED DROPPED PASSED FAILED INC CREDITED */
  char   *grade_status;     /* PENDING SUBMITTED FINALIZED */
  char   *grade;            /* NULL when none */
  char   *inc_start;        /* NULL unless the INC clock runs */
  gint64  section_id;       /* 0 when none (credits) */
  gint64  units;
} TalaTake;

gboolean  _tala_take_ref_resolve (TalaCtx      *ctx,
                                  TalaTakeRef  *ref,
                                  GError      **error);
void      _tala_take_ref_clear   (TalaTakeRef  *ref);
gboolean  _tala_take_find_live   (TalaLedger   *self,
                                  gint64        enrollment_id,
                                  gint64        subject_id,
                                  TalaTake     *take,
                                  gboolean     *found,
                                  GError      **error);
void      _tala_take_clear       (TalaTake     *take);

char     *_tala_grade_scale      (TalaLedger   *self,
                                  GError      **error);
gboolean  _tala_grade_lookup     (TalaLedger   *self,
                                  const char   *value,
                                  TalaGrade    *grade,
                                  gboolean     *found,
                                  GError      **error);
gboolean  _tala_grade_check      (TalaCtx      *ctx,
                                  const char   *field,
                                  const char   *value,
                                  TalaGrade    *grade,
                                  GError      **error);
char     *_tala_grade_failing    (TalaLedger   *self,
                                  GError      **error);
gboolean  _tala_grade_history_add (TalaCtx     *ctx,
                                   gint64       take_id,
                                   const char  *old_grade,
                                   const char  *new_grade,
                                   const char  *reason,
                                   const char  *actor,
                                   GError     **error);
gboolean  _tala_gpa_compute      (TalaLedger   *self,
                                  gint64        student_id,
                                  char          gpa[8],
                                  gint64       *unknown_grades,
                                  GError      **error);
gboolean  _tala_gpa_update       (TalaCtx      *ctx,
                                  gint64        student_id,
                                  char          gpa[8],
                                  gboolean     *changed,
                                  GError      **error);
gboolean  _tala_reason_require   (TalaCtx      *ctx,
                                  GError      **error);

JsonArray *_tala_section_conflicts (TalaLedger  *self,
                                    gint64       enrollment_id,
                                    gint64       section_id,
                                    GError     **error);
gboolean  _tala_student_effective_status (TalaLedger  *self,
                                          gint64       student_id,
                                          const char  *today,
                                          char         status[10],
                                          GError     **error);
gboolean  _tala_inc_clock        (TalaLedger   *self,
                                  gint64        student_id,
                                  const char   *inc_start,
                                  const char   *today,
                                  gint64       *clock_days,
                                  GError      **error);

/* Kind handlers. */
gboolean  _tala_kind_user_put           (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_config_set         (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_program_put        (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_subject_put        (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_semester_put       (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_section_put        (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_student_register   (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_enrollment_create  (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_payment_record     (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_payment_void       (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_payment_adjust     (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_permit_promissory  (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_credit_transfer    (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_grade_finalize     (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_grade_override     (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_grade_submit       (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_job_archive        (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_job_gpa_recalc     (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_job_inc_expiry     (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_job_payment_reminders (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_job_permit_sweep   (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_loa_record         (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_student_update     (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_subject_drop       (TalaCtx *ctx, GError **error);
gboolean  _tala_kind_subject_enroll     (TalaCtx *ctx, GError **error);

extern const TalaArgSpec _tala_args_user_put[];
extern const TalaArgSpec _tala_args_config_set[];
extern const TalaArgSpec _tala_args_program_put[];
extern const TalaArgSpec _tala_args_subject_put[];
extern const TalaArgSpec _tala_args_semester_put[];
extern const TalaArgSpec _tala_args_section_put[];
extern const TalaArgSpec _tala_args_student_register[];
extern const TalaArgSpec _tala_args_enrollment_create[];
extern const TalaArgSpec _tala_args_payment_record[];
extern const TalaArgSpec _tala_args_payment_void[];
extern const TalaArgSpec _tala_args_payment_adjust[];
extern const TalaArgSpec _tala_args_permit_promissory[];
extern const TalaArgSpec _tala_args_credit_transfer[];
extern const TalaArgSpec _tala_args_grade_finalize[];
extern const TalaArgSpec _tala_args_grade_override[];
extern const TalaArgSpec _tala_args_grade_submit[];
extern const TalaArgSpec _tala_args_job_archive[];
extern const TalaArgSpec _tala_args_job_gpa_recalc[];
extern const TalaArgSpec _tala_args_job_inc_expiry[];
extern const TalaArgSpec _tala_args_job_payment_reminders[];
extern const TalaArgSpec _tala_args_job_permit_sweep[];
extern const TalaArgSpec _tala_args_loa_record[];
extern const TalaArgSpec _tala_args_student_update[];
extern const TalaArgSpec _tala_args_subject_drop[];
extern const TalaArgSpec _tala_args_subject_enroll[];

JsonObject *_tala_ledger_apply_at (TalaLedger  *self,
                                   JsonObject  *op,
                                   TalaChannel  channel,
                                   gint64       now_us,
                                   gboolean     exact_time,
                                   TalaBatch   *batch,
                                   GError     **error);
gboolean    _tala_valid_uuid      (const char *s);
gboolean    _tala_valid_semester_code (const char *s);
TalaRole    _tala_role_from_name  (const char *name);

JsonArray *_tala_permits_json (TalaLedger *self,
                               gint64      enrollment_id,
                               GError    **error);

/* D-E1, shared by subject.enroll and the reads that show it (ledger-takes.c). */
gboolean  _tala_prerequisites (TalaLedger *self,
                               gint64      student_id,
                               gint64      subject_id,
                               JsonArray  *all,
                               JsonArray  *unmet,
                               GError    **error);

/* Canonical JSON pieces, for building entries by concatenation. */
void        tala_json_append_string (GString *out, const char *s);
char       *_tala_op_body            (JsonObject *op, const char *args_json);

/* JSON helpers. */
void  obj_set_money (JsonObject *obj, const char *name, gint64 centavos);
void  obj_set_str   (JsonObject *obj, const char *name, const char *value); /* NULL: skipped */
void  obj_set_str_or_null (JsonObject *obj, const char *name, const char *value); /* NULL: null */

/* The section lists of ledger-staff.c, shared with
 * tala_ledger_registrar_semester_sections() (see ledger-staff.c). */
G_GNUC_WARN_UNUSED_RESULT
JsonArray   *_tala_section_list (TalaLedger  *self,
                                 const char  *semester,
                                 const char  *professor,
                                 gboolean     with_professor,
                                 gint64       offset,
                                 gint64       limit,
                                 gint64      *count,
                                 GError     **error);

/* ledger-catalog.c: the type letter of a configuration key, '\0' when unknown. */
char         _tala_config_key_type (const char *key);

G_END_DECLS
