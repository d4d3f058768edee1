/* fuzz-common.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the libFuzzer targets share: a scratch directory, a ledger loaded
 * with fixture F0, and an in-process hub (server and client in the
 * fuzzer's process, one loopback connection per request).
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tala-ledger.h"

G_BEGIN_DECLS

/* Fails loudly: a harness that cannot set itself up must not report
 * "no crash". */
#define FUZZ_CHECK(cond) \
  G_STMT_START { if (!(cond)) { g_printerr ("fuzz setup failed: %s (%s:%d)\n", #cond, \
                                            __FILE__, __LINE__); abort (); } } G_STMT_END

/* A crash that libFuzzer records with its input. */
#define FUZZ_TRAP_UNLESS(cond) \
  G_STMT_START { if (!(cond)) { g_printerr ("invariant broken: %s (%s:%d)\n", #cond, \
                                            __FILE__, __LINE__); __builtin_trap (); } } G_STMT_END

/* Makes every GLib critical and warning a crash (g_return_if_fail() in
 * GLib or json-glib means the caller passed what it must not), except
 * those whose message contains one of @known (NULL-terminated, nullable):
 * findings already reported, listed in the target with their number in
 * tests/fuzz/README.md, to be taken out once fixed. */
void         fuzz_fatal_logs    (const char *const *known);

/* The hub clock of F0: 2025-06-02T01:00:00Z, µs. */
gint64       fuzz_f0_now        (void);

/* A fresh directory for this process (tmpfs when there is one). */
char        *fuzz_scratch_dir   (void);

/* Opens @path and applies fixture F0 on the trusted channel. */
TalaLedger  *fuzz_ledger_f0     (const char *path);

/* @data as a NUL-terminated string (a copy; stops at an inner NUL). */
char        *fuzz_string        (const uint8_t *data,
                                 size_t         size);

/* ---- The in-process hub -------------------------------------------------- */

typedef enum
{
  FUZZ_AS_NOBODY,
  FUZZ_AS_ADMIN,
  FUZZ_AS_CASHIER,
  FUZZ_AS_REGISTRAR,
  FUZZ_AS_PROFESSOR,
  FUZZ_AS_STUDENT,
  FUZZ_AS_TERMINAL,      /* terminal T01, registered by cashier1 */
  FUZZ_AS_N
} FuzzAs;

/* The hub with F0, a token per FuzzAs, no rate limits; made once. */
void         fuzz_hub_init      (void);
const char  *fuzz_hub_token     (FuzzAs as);

/* Sends @request (a whole HTTP/1.1 request, sent as it is) on a new
 * connection, shuts the sending side and runs the main context until the
 * hub has answered (or closed the connection).  Returns the status code of
 * the answer (0 when there was no status line); @reply (nullable) gets the
 * raw answer. */
guint        fuzz_hub_send      (const char *request,
                                 gsize       length,
                                 GString    *reply);

/* Builds a request: @method, @target (path and query, as they are),
 * @headers ("Name: value\r\n" lines, nullable), Authorization for @as,
 * Content-Type: application/json when @body is not NULL, Content-Length
 * and Connection: close. */
GString     *fuzz_hub_request   (const char *method,
                                 const char *target,
                                 FuzzAs      as,
                                 const char *headers,
                                 const char *body,
                                 gsize       body_length);

G_END_DECLS
