/* gcs-watch-private.h: the state shared by a watch channel's handles
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gcs-chan-core-private.h"
#include "gcs-value-box-private.h"
#include "gcs-watch.h"
#include "gcs-waker-private.h"

G_BEGIN_DECLS

typedef struct _GcsWatchChan GcsWatchChan;

/* A receiver's place in the channel: embedded in the receiver. */
typedef GcsCoreRx GcsWatchRx;

GcsWatchChan     *gcs_watch_chan_new             (const GValue  *initial);
GcsWatchChan     *gcs_watch_chan_ref             (GcsWatchChan  *self);
void              gcs_watch_chan_unref           (GcsWatchChan  *self);
GType             gcs_watch_chan_get_item_type   (GcsWatchChan  *self);
GcsChanCore      *gcs_watch_chan_get_core        (GcsWatchChan  *self);

/* Sending side */
gboolean          gcs_watch_chan_add_sender      (GcsWatchChan  *self);
void              gcs_watch_chan_remove_sender   (GcsWatchChan  *self);
void              gcs_watch_chan_send            (GcsWatchChan  *self,
                                                  GValue        *value);
GcsValueBox      *gcs_watch_chan_get             (GcsWatchChan  *self,
                                                  guint64       *version);

/* Receiving side */
void              gcs_watch_chan_add_receiver    (GcsWatchChan  *self,
                                                  GcsWatchRx    *rx);
void              gcs_watch_chan_remove_receiver (GcsWatchChan  *self,
                                                  GcsWatchRx    *rx);
gboolean          gcs_watch_chan_has_changed     (GcsWatchChan  *self,
                                                  guint64        seen);
GcsPoll           gcs_watch_chan_poll            (GcsWatchChan  *self,
                                                  GcsWatchRx    *rx,
                                                  guint64        seen,
                                                  gboolean       force,
                                                  GcsWaker      *waker,
                                                  GcsValueBox  **box,
                                                  guint64       *version);
void              gcs_watch_chan_forget_waker    (GcsWatchChan  *self,
                                                  GcsWatchRx    *rx,
                                                  GcsWaker      *waker);

GcsWatchSender   *gcs_watch_sender_new_for_chan   (GcsWatchChan  *chan);
GcsWatchReceiver *gcs_watch_receiver_new_for_chan (GcsWatchChan  *chan,
                                                   guint64        seen);

/* For GcsWatchStream: with @force the current value, else the latest once
 * it changed (READY, a copy in @value, marked seen); DONE once every
 * sender is gone and the latest was seen. */
GcsPoll           gcs_watch_receiver_poll         (GcsWatchReceiver *self,
                                                   GcsWaker         *waker,
                                                   gboolean          force,
                                                   GValue           *value,
                                                   GError          **error);
void              gcs_watch_receiver_forget_waker (GcsWatchReceiver *self,
                                                   GcsWaker         *waker);

/* Additions of 2026-12 */
gboolean          gcs_watch_chan_send_if_changed (GcsWatchChan  *self,
                                                  GValue        *value);

G_END_DECLS
