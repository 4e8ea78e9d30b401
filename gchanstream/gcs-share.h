/* gcs-share.h: one stream, many consumers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include "gcs-version.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_SHARE:
 *
 * The #GType of #GcsShare.
 */
#define GCS_TYPE_SHARE (gcs_share_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsShare, gcs_share, GCS, SHARE, GObject)

/**
 * GCS_TYPE_SHARE_STREAM:
 *
 * The #GType of #GcsShareStream.
 */
#define GCS_TYPE_SHARE_STREAM (gcs_share_stream_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsShareStream, gcs_share_stream, GCS, SHARE_STREAM, GObject)

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsShare  *gcs_stream_share             (GcsStream      *self,
                                         guint           capacity,
                                         guint           replay);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_share_subscribe          (GcsShare       *self);
GCS_AVAILABLE_IN_ALL
guint      gcs_share_get_capacity       (GcsShare       *self);
GCS_AVAILABLE_IN_ALL
guint      gcs_share_get_replay         (GcsShare       *self);
GCS_AVAILABLE_IN_ALL
guint64    gcs_share_stream_get_lagged  (GcsShareStream *self);

G_END_DECLS
