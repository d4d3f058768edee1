/* hub-writer.h
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tala-ledger.h"

G_BEGIN_DECLS

typedef struct _TalaHubWriter TalaHubWriter;

/* Runs on the writer thread inside the open write transaction.  It applies
 * ops with tala_ledger_apply() (a savepoint each) and keeps what it needs
 * in @data.  Returns FALSE with @error set when the ledger failed. */
typedef gboolean (*TalaHubWriteFunc) (TalaLedger  *ledger,
                                      gpointer     data,
                                      GError     **error);
/* Runs on the main context of the writer's creator once the transaction
 * holding the job committed (@error NULL) or failed (@error set). */
typedef void     (*TalaHubDoneFunc)  (gpointer     data,
                                      const GError *error);

G_GNUC_WARN_UNUSED_RESULT
TalaHubWriter *tala_hub_writer_new         (const char     *db_path,
                                            gboolean        group_commit,
                                            GError        **error);
void           tala_hub_writer_submit      (TalaHubWriter  *self,
                                            TalaHubWriteFunc work,
                                            TalaHubDoneFunc  done,
                                            gpointer         data);
guint          tala_hub_writer_queue_depth (TalaHubWriter  *self);
guint64        tala_hub_writer_commits     (TalaHubWriter  *self);
void           tala_hub_writer_free        (TalaHubWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TalaHubWriter, tala_hub_writer_free)

G_END_DECLS
