/* gcs-sender.h: the sending end of an mpsc channel
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
 * GCS_TYPE_SENDER:
 *
 * The #GType of #GcsSender.
 */
#define GCS_TYPE_SENDER (gcs_sender_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsSender, gcs_sender, GCS, SENDER, GObject)

GCS_AVAILABLE_IN_ALL
gboolean   gcs_sender_try_send      (GcsSender            *self,
                                     const GValue         *value,
                                     GError              **error);
GCS_AVAILABLE_IN_ALL
void       gcs_sender_send_async    (GcsSender            *self,
                                     const GValue         *value,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
GCS_AVAILABLE_IN_ALL
gboolean   gcs_sender_send_finish   (GcsSender            *self,
                                     GAsyncResult         *result,
                                     GError              **error);
GCS_AVAILABLE_IN_ALL
gboolean   gcs_sender_send_blocking (GcsSender            *self,
                                     const GValue         *value,
                                     GCancellable         *cancellable,
                                     GError              **error);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsSender *gcs_sender_clone         (GcsSender            *self);
GCS_AVAILABLE_IN_ALL
void       gcs_sender_close         (GcsSender            *self);
GCS_AVAILABLE_IN_ALL
gboolean   gcs_sender_is_closed     (GcsSender            *self);
GCS_AVAILABLE_IN_ALL
GType      gcs_sender_get_item_type (GcsSender            *self);
GCS_AVAILABLE_IN_ALL
guint      gcs_sender_get_capacity  (GcsSender            *self);
GCS_AVAILABLE_IN_ALL
guint      gcs_sender_get_length    (GcsSender            *self);

GCS_AVAILABLE_IN_ALL
void gcs_sender_closed_async (GcsSender *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
GCS_AVAILABLE_IN_ALL
gboolean gcs_sender_closed_finish (GcsSender *self,
                                   GAsyncResult *result,
                                   GError **error);

G_END_DECLS
