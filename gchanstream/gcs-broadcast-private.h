/* gcs-broadcast-private.h: the state shared by a broadcast channel's handles
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gcs-broadcast.h"
#include "gcs-chan-core-private.h"
#include "gcs-waker-private.h"

G_BEGIN_DECLS

typedef struct _GcsBroadcastChan GcsBroadcastChan;

/* A receiver's place in the channel: embedded in the receiver, its fields
 * under the channel's lock. */
typedef struct
{
  GcsCoreRx core;
  guint64   next;    /* the position of the next value to read */
} GcsBroadcastRx;

GcsBroadcastChan *gcs_broadcast_chan_new             (GType             item_type,
                                                      guint             capacity);
GcsBroadcastChan *gcs_broadcast_chan_ref             (GcsBroadcastChan *self);
void              gcs_broadcast_chan_unref           (GcsBroadcastChan *self);
GType             gcs_broadcast_chan_get_item_type   (GcsBroadcastChan *self);
guint             gcs_broadcast_chan_get_capacity    (GcsBroadcastChan *self);
GcsChanCore      *gcs_broadcast_chan_get_core        (GcsBroadcastChan *self);
guint             gcs_broadcast_chan_get_receiver_count (GcsBroadcastChan *self);

/* Sending side */
gboolean          gcs_broadcast_chan_add_sender      (GcsBroadcastChan *self);
void              gcs_broadcast_chan_remove_sender   (GcsBroadcastChan *self);
guint             gcs_broadcast_chan_send            (GcsBroadcastChan *self,
                                                      GValue           *value);

/* Receiving side */
void              gcs_broadcast_chan_add_receiver    (GcsBroadcastChan *self,
                                                      GcsBroadcastRx   *rx);
void              gcs_broadcast_chan_remove_receiver (GcsBroadcastChan *self,
                                                      GcsBroadcastRx   *rx);
GcsPoll           gcs_broadcast_chan_recv            (GcsBroadcastChan *self,
                                                      GcsBroadcastRx   *rx,
                                                      GcsWaker         *waker,
                                                      GValue           *value,
                                                      guint64          *missed);
guint             gcs_broadcast_chan_get_pending     (GcsBroadcastChan *self,
                                                      GcsBroadcastRx   *rx);
void              gcs_broadcast_chan_forget_waker    (GcsBroadcastChan *self,
                                                      GcsBroadcastRx   *rx,
                                                      GcsWaker         *waker);

GcsBroadcastSender   *gcs_broadcast_sender_new_for_chan   (GcsBroadcastChan *chan);
GcsBroadcastReceiver *gcs_broadcast_receiver_new_for_chan (GcsBroadcastChan *chan);

/* For GcsBroadcastStream: READY, PENDING, DONE, or ERROR without a GError
 * when the receiver lagged: *@missed values were lost (already counted in
 * its lagged property) and the next poll goes on from the oldest held. */
GcsPoll gcs_broadcast_receiver_poll         (GcsBroadcastReceiver *self,
                                             GcsWaker             *waker,
                                             GValue               *value,
                                             guint64              *missed,
                                             GError              **error);
void    gcs_broadcast_receiver_forget_waker (GcsBroadcastReceiver *self,
                                             GcsWaker             *waker);

G_END_DECLS
