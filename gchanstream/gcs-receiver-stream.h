/* gcs-receiver-stream.h: an mpsc receiver as a stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include "gcs-receiver.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_RECEIVER_STREAM:
 *
 * The #GType of #GcsReceiverStream.
 */
#define GCS_TYPE_RECEIVER_STREAM (gcs_receiver_stream_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsReceiverStream, gcs_receiver_stream, GCS, RECEIVER_STREAM, GObject)

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream   *gcs_receiver_stream_new          (GcsReceiver       *receiver);
GCS_AVAILABLE_IN_ALL
GcsReceiver *gcs_receiver_stream_get_receiver (GcsReceiverStream *self);

G_END_DECLS
