/* tala-search-index.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Search as you type over every student of the replica, in memory: the
 * numbers and names are read once (again whenever another connection has
 * committed to the file since), case-folded, and each keystroke is a
 * substring scan of that array, not a query.  No GTK; used on the
 * store's read connection under its lock.
 */

#pragma once

#include <glib.h>

#include "tala-ledger.h"

G_BEGIN_DECLS

typedef struct _TalaSearchIndex TalaSearchIndex;

TalaSearchIndex *tala_search_index_new     (void);
void             tala_search_index_free    (TalaSearchIndex  *self);
/* Reads the students again when @ledger's data changed since the last
 * read (or never was). */
gboolean         tala_search_index_refresh (TalaSearchIndex  *self,
                                            TalaLedger       *ledger,
                                            GError          **error);
guint            tala_search_index_get_size (TalaSearchIndex *self);
/* The ids of at most @limit students whose number, provisional number,
 * first name, last name, "first last" or "last, first" holds @query, case
 * not minded: in number order when @query has a digit, else by last
 * name, first name and number.  An empty query finds nothing. */
GArray          *tala_search_index_find    (TalaSearchIndex  *self,
                                            const char       *query,
                                            guint             limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaSearchIndex, tala_search_index_free)

G_END_DECLS
