/* gcs-stream-group.h: a keyed set of streams that is itself a stream
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
 * GCS_TYPE_STREAM_GROUP:
 *
 * The #GType of #GcsStreamGroup.
 */
#define GCS_TYPE_STREAM_GROUP (gcs_stream_group_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsStreamGroup, gcs_stream_group, GCS, STREAM_GROUP, GObject)

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStreamGroup *gcs_stream_group_new      (void);
GCS_AVAILABLE_IN_ALL
void            gcs_stream_group_insert   (GcsStreamGroup *self,
                                           const char     *key,
                                           GcsStream      *stream);
GCS_AVAILABLE_IN_ALL
gboolean        gcs_stream_group_remove   (GcsStreamGroup *self,
                                           const char     *key);
GCS_AVAILABLE_IN_ALL
gboolean        gcs_stream_group_contains (GcsStreamGroup *self,
                                           const char     *key);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GStrv           gcs_stream_group_get_keys (GcsStreamGroup *self);
GCS_AVAILABLE_IN_ALL
guint           gcs_stream_group_get_size (GcsStreamGroup *self);
GCS_AVAILABLE_IN_ALL
void            gcs_stream_group_close    (GcsStreamGroup *self);

G_END_DECLS
