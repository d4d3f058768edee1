/* hub-admin.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

enum
{
  TALA_HUB_EXIT_OK = 0,
  TALA_HUB_EXIT_FAILURE = 1,   /* database or I/O failure, or a failed check */
  TALA_HUB_EXIT_USAGE = 2,
};

int tala_hub_cmd_init    (int argc, char **argv);
int tala_hub_cmd_apply   (int argc, char **argv);
int tala_hub_cmd_check   (int argc, char **argv);
int tala_hub_cmd_audit   (int argc, char **argv);
int tala_hub_cmd_summary (int argc, char **argv);
int tala_hub_cmd_account (int argc, char **argv);
int tala_hub_cmd_backup  (int argc, char **argv);
int tala_hub_main        (int argc, char **argv);

G_END_DECLS
