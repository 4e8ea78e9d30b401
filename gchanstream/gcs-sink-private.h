/* gcs-sink-private.h: sinks whose sends complete at once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A watch or broadcast send never waits, nor does closing a sender handle:
 * their GcsSink methods answer with a GTask completed at once, made here.
 */

#pragma once

#include "gcs-sink.h"

G_BEGIN_DECLS

/* Completes a new task on @sink: with @error (taken) if set, else TRUE. */
void     gcs_sink_return_now (gpointer             sink,
                              gpointer             source_tag,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data,
                              GError              *error);
gboolean gcs_sink_finish_now (gpointer             sink,
                              GAsyncResult        *result,
                              gpointer             source_tag,
                              GError             **error);

G_END_DECLS
