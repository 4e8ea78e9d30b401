/* gcs-watch-sender.h: the sending end of a watch channel
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
#include "gcs-watch-receiver.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_WATCH_SENDER:
 *
 * The #GType of #GcsWatchSender.
 */
#define GCS_TYPE_WATCH_SENDER (gcs_watch_sender_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsWatchSender, gcs_watch_sender, GCS, WATCH_SENDER, GObject)

GCS_AVAILABLE_IN_ALL
gboolean          gcs_watch_sender_send          (GcsWatchSender  *self,
                                                  const GValue    *value,
                                                  GError         **error);
GCS_AVAILABLE_IN_ALL
const GValue     *gcs_watch_sender_get_value     (GcsWatchSender  *self);
GCS_AVAILABLE_IN_ALL
void              gcs_watch_sender_copy_value    (GcsWatchSender  *self,
                                                  GValue          *value);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsWatchReceiver *gcs_watch_sender_subscribe     (GcsWatchSender  *self);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsWatchSender   *gcs_watch_sender_clone         (GcsWatchSender  *self);
GCS_AVAILABLE_IN_ALL
void              gcs_watch_sender_close         (GcsWatchSender  *self);
GCS_AVAILABLE_IN_ALL
GType             gcs_watch_sender_get_item_type (GcsWatchSender  *self);

GCS_AVAILABLE_IN_ALL
gboolean          gcs_watch_sender_send_if_changed    (GcsWatchSender  *self,
                                                       const GValue    *value,
                                                       GError         **error);
GCS_AVAILABLE_IN_ALL
guint             gcs_watch_sender_get_receiver_count (GcsWatchSender  *self);
GCS_AVAILABLE_IN_ALL
void gcs_watch_sender_closed_async (GcsWatchSender *self,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
GCS_AVAILABLE_IN_ALL
gboolean gcs_watch_sender_closed_finish (GcsWatchSender *self,
                                         GAsyncResult *result,
                                         GError **error);

G_END_DECLS
