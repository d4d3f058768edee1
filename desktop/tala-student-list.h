/* tala-student-list.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of TalaStudent: the students matching "query", found on a
 * worker thread.  Setting a new query cancels the search in flight; the
 * items change once, when the answer arrives.
 */

#pragma once

#include <gio/gio.h>

#include "tala-store.h"

G_BEGIN_DECLS

#define TALA_TYPE_STUDENT_LIST (tala_student_list_get_type ())
G_DECLARE_FINAL_TYPE (TalaStudentList, tala_student_list, TALA, STUDENT_LIST, GObject)

TalaStudentList *tala_student_list_new       (TalaStore       *store);
const char      *tala_student_list_get_query (TalaStudentList *self);
void             tala_student_list_set_query (TalaStudentList *self,
                                              const char      *query);
gboolean         tala_student_list_get_loading (TalaStudentList *self);

G_END_DECLS
