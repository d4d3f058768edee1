/* main.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "hub-admin.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  return tala_hub_main (argc, argv);
}
