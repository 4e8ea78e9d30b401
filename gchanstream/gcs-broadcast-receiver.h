/* gcs-broadcast-receiver.h: a receiving end of a broadcast channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_BROADCAST_RECEIVER:
 *
 * The #GType of #GcsBroadcastReceiver.
 */
#define GCS_TYPE_BROADCAST_RECEIVER (gcs_broadcast_receiver_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsBroadcastReceiver, gcs_broadcast_receiver, GCS, BROADCAST_RECEIVER, GObject)

GCS_AVAILABLE_IN_ALL
const GValue *gcs_broadcast_receiver_try_recv      (GcsBroadcastReceiver  *self,
                                                    GError               **error);
GCS_AVAILABLE_IN_ALL
void          gcs_broadcast_receiver_recv_async    (GcsBroadcastReceiver  *self,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_broadcast_receiver_recv_finish   (GcsBroadcastReceiver  *self,
                                                    GAsyncResult          *result,
                                                    GError               **error);
GCS_AVAILABLE_IN_ALL
GType         gcs_broadcast_receiver_get_item_type (GcsBroadcastReceiver  *self);
GCS_AVAILABLE_IN_ALL
guint         gcs_broadcast_receiver_get_capacity  (GcsBroadcastReceiver  *self);
GCS_AVAILABLE_IN_ALL
guint         gcs_broadcast_receiver_get_length    (GcsBroadcastReceiver  *self);
GCS_AVAILABLE_IN_ALL
guint64       gcs_broadcast_receiver_get_lagged    (GcsBroadcastReceiver  *self);

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsBroadcastReceiver *gcs_broadcast_receiver_resubscribe (GcsBroadcastReceiver *self);

G_END_DECLS
