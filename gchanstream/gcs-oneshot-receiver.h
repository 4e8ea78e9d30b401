/* gcs-oneshot-receiver.h: the receiving end of a oneshot channel
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
 * GCS_TYPE_ONESHOT_RECEIVER:
 *
 * The #GType of #GcsOneshotReceiver.
 */
#define GCS_TYPE_ONESHOT_RECEIVER (gcs_oneshot_receiver_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsOneshotReceiver, gcs_oneshot_receiver, GCS, ONESHOT_RECEIVER, GObject)

GCS_AVAILABLE_IN_ALL
const GValue *gcs_oneshot_receiver_try_recv      (GcsOneshotReceiver   *self,
                                                  GError              **error);
GCS_AVAILABLE_IN_ALL
void          gcs_oneshot_receiver_recv_async    (GcsOneshotReceiver   *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_oneshot_receiver_recv_finish   (GcsOneshotReceiver   *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
GCS_AVAILABLE_IN_ALL
void          gcs_oneshot_receiver_close         (GcsOneshotReceiver   *self);
GCS_AVAILABLE_IN_ALL
GType         gcs_oneshot_receiver_get_item_type (GcsOneshotReceiver   *self);

G_END_DECLS
