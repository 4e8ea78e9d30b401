/* gcs-oneshot-sender.h: the sending end of a oneshot channel
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
 * GCS_TYPE_ONESHOT_SENDER:
 *
 * The #GType of #GcsOneshotSender.
 */
#define GCS_TYPE_ONESHOT_SENDER (gcs_oneshot_sender_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsOneshotSender, gcs_oneshot_sender, GCS, ONESHOT_SENDER, GObject)

GCS_AVAILABLE_IN_ALL
gboolean gcs_oneshot_sender_send          (GcsOneshotSender  *self,
                                           const GValue      *value,
                                           GError           **error);
GCS_AVAILABLE_IN_ALL
gboolean gcs_oneshot_sender_send_error    (GcsOneshotSender  *self,
                                           const GError      *failure,
                                           GError           **error);
GCS_AVAILABLE_IN_ALL
void     gcs_oneshot_sender_close         (GcsOneshotSender  *self);
GCS_AVAILABLE_IN_ALL
gboolean gcs_oneshot_sender_is_closed     (GcsOneshotSender  *self);
GCS_AVAILABLE_IN_ALL
GType    gcs_oneshot_sender_get_item_type (GcsOneshotSender  *self);

GCS_AVAILABLE_IN_ALL
void gcs_oneshot_sender_closed_async (GcsOneshotSender *self,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
GCS_AVAILABLE_IN_ALL
gboolean gcs_oneshot_sender_closed_finish (GcsOneshotSender *self,
                                           GAsyncResult *result,
                                           GError **error);

G_END_DECLS
