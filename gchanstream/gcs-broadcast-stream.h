/* gcs-broadcast-stream.h: a broadcast receiver as a stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include "gcs-broadcast-receiver.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_BROADCAST_STREAM:
 *
 * The #GType of #GcsBroadcastStream.
 */
#define GCS_TYPE_BROADCAST_STREAM (gcs_broadcast_stream_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsBroadcastStream, gcs_broadcast_stream, GCS, BROADCAST_STREAM, GObject)

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream            *gcs_broadcast_stream_new          (GcsBroadcastReceiver *receiver);
GCS_AVAILABLE_IN_ALL
GcsBroadcastReceiver *gcs_broadcast_stream_get_receiver (GcsBroadcastStream   *self);
GCS_AVAILABLE_IN_ALL
guint64               gcs_broadcast_stream_get_lagged   (GcsBroadcastStream   *self);

G_END_DECLS
