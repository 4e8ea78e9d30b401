/* gcs-oneshot-stream.h: a oneshot receiver as a stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include "gcs-oneshot-receiver.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_ONESHOT_STREAM:
 *
 * The #GType of #GcsOneshotStream.
 */
#define GCS_TYPE_ONESHOT_STREAM (gcs_oneshot_stream_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsOneshotStream, gcs_oneshot_stream, GCS, ONESHOT_STREAM, GObject)

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream          *gcs_oneshot_stream_new          (GcsOneshotReceiver *receiver);
GCS_AVAILABLE_IN_ALL
GcsOneshotReceiver *gcs_oneshot_stream_get_receiver (GcsOneshotStream   *self);

G_END_DECLS
