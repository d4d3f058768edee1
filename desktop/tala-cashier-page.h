/* tala-cashier-page.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tala-session.h"

G_BEGIN_DECLS

#define TALA_TYPE_CASHIER_PAGE (tala_cashier_page_get_type ())
G_DECLARE_FINAL_TYPE (TalaCashierPage, tala_cashier_page, TALA, CASHIER_PAGE, GtkWidget)

void        tala_cashier_page_set_session  (TalaCashierPage *self,
                                            TalaSession     *session);
void        tala_cashier_page_focus_search (TalaCashierPage *self);
/* The student whose account is shown, nullable. */
const char *tala_cashier_page_get_student  (TalaCashierPage *self);
GListModel *tala_cashier_page_get_results  (TalaCashierPage *self);

G_END_DECLS
