/* fuzz-push.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's push payload decoder: the input is the body of
 * POST /api/v1/sync/push, sent with terminal T01's token to an in-process
 * hub holding F0 (the body checks of hub-server.c, push_work's checks of
 * hub-route-sync.c, then the writer applying each op on the push channel).
 * A 5xx answer, an error answer that is not {"error":{"code","message"}},
 * a sanitizer report or a GLib critical is a finding.
 *
 * The hub keeps what an applied push changed: later inputs see that state
 * (the push path has no way to roll back from outside).
 */

#include "config.h"

#include "fuzz-hub-check.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_fatal_logs (NULL);
  fuzz_hub_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GString) request = NULL;
  g_autoptr(GString) reply = g_string_new (NULL);
  guint status;

  request = fuzz_hub_request ("POST", "/api/v1/sync/push", FUZZ_AS_TERMINAL, NULL,
                              data != NULL ? (const char *) data : "", size);
  status = fuzz_hub_send (request->str, request->len, reply);
  fuzz_hub_check_answer (status, reply);
  return 0;
}
