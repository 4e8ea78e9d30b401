/* gcs-oneshot-private.h: the state shared by a oneshot channel's two ends
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gcs-oneshot.h"
#include "gcs-chan-core-private.h"

G_BEGIN_DECLS

typedef struct _GcsOneshotChan GcsOneshotChan;

/* What a receiver finds. */
typedef enum
{
  GCS_ONESHOT_PENDING,  /* nothing yet (the waker, if any, is registered) */
  GCS_ONESHOT_VALUE,    /* the value, now the caller's */
  GCS_ONESHOT_FAILED,   /* the error the sender sent, now the caller's */
  GCS_ONESHOT_UNSENT,   /* the sender closed or went without sending */
  GCS_ONESHOT_TAKEN,    /* what was sent is already taken */
} GcsOneshotTake;

GcsOneshotChan *gcs_oneshot_chan_new             (GType           item_type);
GcsOneshotChan *gcs_oneshot_chan_ref             (GcsOneshotChan *self);
void            gcs_oneshot_chan_unref           (GcsOneshotChan *self);
GType           gcs_oneshot_chan_get_item_type   (GcsOneshotChan *self);
GcsChanCore    *gcs_oneshot_chan_get_core        (GcsOneshotChan *self);

/* Sending side */
gboolean        gcs_oneshot_chan_send            (GcsOneshotChan *self,
                                                  GValue         *value,
                                                  GError         *failure);
void            gcs_oneshot_chan_close_sender    (GcsOneshotChan *self);
gboolean        gcs_oneshot_chan_is_closed_for_send (GcsOneshotChan *self);

/* Receiving side */
GcsOneshotTake  gcs_oneshot_chan_take            (GcsOneshotChan *self,
                                                  GcsWaker       *waker,
                                                  GValue         *value,
                                                  GError        **error);
void            gcs_oneshot_chan_forget_waker    (GcsOneshotChan *self,
                                                  GcsWaker       *waker);
void            gcs_oneshot_chan_close_receiver  (GcsOneshotChan *self,
                                                  gboolean        discard);

GcsOneshotSender   *gcs_oneshot_sender_new_for_chan   (GcsOneshotChan     *chan);
GcsOneshotReceiver *gcs_oneshot_receiver_new_for_chan (GcsOneshotChan     *chan);

/* For GcsOneshotStream: the value (READY), the sent error (ERROR), or the
 * end (DONE) once there is nothing, or nothing more, to receive. */
GcsPoll             gcs_oneshot_receiver_poll         (GcsOneshotReceiver *self,
                                                       GcsWaker           *waker,
                                                       GValue             *value,
                                                       GError            **error);
void                gcs_oneshot_receiver_forget_waker (GcsOneshotReceiver *self,
                                                       GcsWaker           *waker);

G_END_DECLS
