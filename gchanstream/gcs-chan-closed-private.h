/* gcs-chan-closed-private.h: the senders' closed_async, written once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every sender kind (mpsc, oneshot, watch, broadcast) has
 * closed_async/_finish: it completes once no receiver of its channel is
 * left. The four public pairs are one line each around these two.
 */

#pragma once

#include <gio/gio.h>

#include "gcs-chan-core-private.h"

G_BEGIN_DECLS

void     gcs_chan_closed_async  (GcsChanCore         *core,
                                 gpointer             sender,
                                 gpointer             source_tag,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean gcs_chan_closed_finish (gpointer             sender,
                                 GAsyncResult        *result,
                                 gpointer             source_tag,
                                 GError             **error);

G_END_DECLS
