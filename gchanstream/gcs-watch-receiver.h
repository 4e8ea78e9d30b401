/* gcs-watch-receiver.h: a receiving end of a watch channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_WATCH_RECEIVER:
 *
 * The #GType of #GcsWatchReceiver.
 */
#define GCS_TYPE_WATCH_RECEIVER (gcs_watch_receiver_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsWatchReceiver, gcs_watch_receiver, GCS, WATCH_RECEIVER, GObject)

GCS_AVAILABLE_IN_ALL
const GValue     *gcs_watch_receiver_get_value     (GcsWatchReceiver     *self);
GCS_AVAILABLE_IN_ALL
gboolean          gcs_watch_receiver_has_changed   (GcsWatchReceiver     *self);
GCS_AVAILABLE_IN_ALL
void              gcs_watch_receiver_changed_async (GcsWatchReceiver     *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GCS_AVAILABLE_IN_ALL
gboolean          gcs_watch_receiver_changed_finish (GcsWatchReceiver    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsWatchReceiver *gcs_watch_receiver_clone         (GcsWatchReceiver     *self);
GCS_AVAILABLE_IN_ALL
GType             gcs_watch_receiver_get_item_type (GcsWatchReceiver     *self);

GCS_AVAILABLE_IN_ALL
const GValue     *gcs_watch_receiver_peek_value    (GcsWatchReceiver     *self);
GCS_AVAILABLE_IN_ALL
void              gcs_watch_receiver_wait_for_async (GcsWatchReceiver    *self,
                                                     GcsPredicateFunc     predicate,
                                                     gpointer             predicate_data,
                                                     GDestroyNotify       predicate_destroy,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GCS_AVAILABLE_IN_ALL
const GValue     *gcs_watch_receiver_wait_for_finish (GcsWatchReceiver   *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);

G_END_DECLS
