/* gcs-watch-stream.h: a watch receiver as a stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include "gcs-watch-receiver.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_WATCH_STREAM:
 *
 * The #GType of #GcsWatchStream.
 */
#define GCS_TYPE_WATCH_STREAM (gcs_watch_stream_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsWatchStream, gcs_watch_stream, GCS, WATCH_STREAM, GObject)

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream        *gcs_watch_stream_new          (GcsWatchReceiver *receiver);
GCS_AVAILABLE_IN_ALL
GcsWatchReceiver *gcs_watch_stream_get_receiver (GcsWatchStream   *self);

G_END_DECLS
