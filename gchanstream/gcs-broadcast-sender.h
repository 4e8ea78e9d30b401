/* gcs-broadcast-sender.h: a sending end of a broadcast channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"
#include "gcs-sink.h"
#include "gcs-broadcast-receiver.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_BROADCAST_SENDER:
 *
 * The #GType of #GcsBroadcastSender.
 */
#define GCS_TYPE_BROADCAST_SENDER (gcs_broadcast_sender_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsBroadcastSender, gcs_broadcast_sender, GCS, BROADCAST_SENDER, GObject)

GCS_AVAILABLE_IN_ALL
guint                 gcs_broadcast_sender_send               (GcsBroadcastSender  *self,
                                                               const GValue        *value,
                                                               GError             **error);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsBroadcastReceiver *gcs_broadcast_sender_subscribe          (GcsBroadcastSender  *self);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsBroadcastSender   *gcs_broadcast_sender_clone              (GcsBroadcastSender  *self);
GCS_AVAILABLE_IN_ALL
void                  gcs_broadcast_sender_close              (GcsBroadcastSender  *self);
GCS_AVAILABLE_IN_ALL
GType                 gcs_broadcast_sender_get_item_type      (GcsBroadcastSender  *self);
GCS_AVAILABLE_IN_ALL
guint                 gcs_broadcast_sender_get_capacity       (GcsBroadcastSender  *self);
GCS_AVAILABLE_IN_ALL
guint                 gcs_broadcast_sender_get_receiver_count (GcsBroadcastSender  *self);

GCS_AVAILABLE_IN_ALL
void gcs_broadcast_sender_closed_async (GcsBroadcastSender *self,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
GCS_AVAILABLE_IN_ALL
gboolean gcs_broadcast_sender_closed_finish (GcsBroadcastSender *self,
                                             GAsyncResult *result,
                                             GError **error);

G_END_DECLS
