/* gcs-receiver.h: the receiving end of an mpsc channel
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
 * GCS_TYPE_RECEIVER:
 *
 * The #GType of #GcsReceiver.
 */
#define GCS_TYPE_RECEIVER (gcs_receiver_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsReceiver, gcs_receiver, GCS, RECEIVER, GObject)

/**
 * GcsReceiverFunc:
 * @receiver: the receiver
 * @value: (nullable): the item, or %NULL once at the end of the stream
 * @user_data: the data passed to gcs_receiver_attach()
 *
 * Called by a receiver's source for each item on the consuming context.
 * @value is owned by the receiver and valid during the call only; copy it
 * to keep it.
 *
 * Returns: %G_SOURCE_CONTINUE to go on, %G_SOURCE_REMOVE to stop; items not
 *   yet delivered then stay queued. The return value of the end-of-stream
 *   call is ignored.
 */
typedef gboolean (*GcsReceiverFunc) (GcsReceiver  *receiver,
                                     const GValue *value,
                                     gpointer      user_data);

GCS_AVAILABLE_IN_ALL
const GValue *gcs_receiver_try_recv      (GcsReceiver          *self,
                                          GError              **error);
GCS_AVAILABLE_IN_ALL
void          gcs_receiver_recv_async    (GcsReceiver          *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_receiver_recv_finish   (GcsReceiver          *self,
                                          GAsyncResult         *result,
                                          GError              **error);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_receiver_recv_blocking (GcsReceiver          *self,
                                          GCancellable         *cancellable,
                                          GError              **error);
GCS_AVAILABLE_IN_ALL
gboolean      gcs_receiver_try_recv_into (GcsReceiver          *self,
                                          GValue               *value,
                                          GError              **error);
GCS_AVAILABLE_IN_ALL
void          gcs_receiver_close         (GcsReceiver          *self);
GCS_AVAILABLE_IN_ALL
guint         gcs_receiver_attach        (GcsReceiver          *self,
                                          GMainContext         *context,
                                          GcsReceiverFunc       func,
                                          gpointer              user_data,
                                          GDestroyNotify        destroy);
GCS_AVAILABLE_IN_ALL
guint         gcs_receiver_attach_full   (GcsReceiver          *self,
                                          GMainContext         *context,
                                          int                   priority,
                                          GcsReceiverFunc       func,
                                          gpointer              user_data,
                                          GDestroyNotify        destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GSource      *gcs_receiver_create_source (GcsReceiver          *self);
GCS_AVAILABLE_IN_ALL
GType         gcs_receiver_get_item_type (GcsReceiver          *self);
GCS_AVAILABLE_IN_ALL
guint         gcs_receiver_get_capacity  (GcsReceiver          *self);
GCS_AVAILABLE_IN_ALL
guint         gcs_receiver_get_length    (GcsReceiver          *self);
GCS_AVAILABLE_IN_ALL
guint64       gcs_receiver_get_dropped   (GcsReceiver          *self);

GCS_AVAILABLE_IN_ALL
void          gcs_receiver_recv_many_async  (GcsReceiver          *self,
                                             guint                 max,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_receiver_recv_many_finish (GcsReceiver          *self,
                                             GAsyncResult         *result,
                                             GError              **error);
GCS_AVAILABLE_IN_ALL
gboolean      gcs_receiver_is_closed        (GcsReceiver          *self);

G_END_DECLS
