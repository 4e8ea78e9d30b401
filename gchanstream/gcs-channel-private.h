/* gcs-channel-private.h: the state shared by an mpsc channel's handles
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gcs-chan-core-private.h"
#include "gcs-channel.h"
#include "gcs-queue-private.h"
#include "gcs-waker-private.h"

G_BEGIN_DECLS

typedef struct _GcsChan GcsChan;

GcsChan  *gcs_chan_new                  (GType          item_type,
                                         guint          capacity,
                                         GcsOverflow    overflow);
GcsChan  *gcs_chan_ref                  (GcsChan       *self);
void      gcs_chan_unref                (GcsChan       *self);
GcsChanCore *gcs_chan_get_core          (GcsChan       *self);

GType     gcs_chan_get_item_type        (GcsChan       *self);
guint     gcs_chan_get_capacity         (GcsChan       *self);
guint     gcs_chan_get_length           (GcsChan       *self);
guint64   gcs_chan_get_dropped          (GcsChan       *self);
void      gcs_chan_set_in_hand          (GcsChan       *self,
                                         guint          n);

/* Sending side */
gboolean  gcs_chan_add_sender           (GcsChan       *self);
void      gcs_chan_remove_sender        (GcsChan       *self);
gboolean  gcs_chan_is_closed_for_send   (GcsChan       *self);
void      gcs_chan_set_end_error        (GcsChan       *self,
                                         const GError  *error);
GError   *gcs_chan_steal_end_error      (GcsChan       *self);
gboolean  gcs_chan_send                 (GcsChan       *self,
                                         const GValue  *value,
                                         gboolean       blocking,
                                         GCancellable  *cancellable,
                                         GError       **error);
void      gcs_chan_send_async           (GcsChan       *self,
                                         const GValue  *value,
                                         GTask         *task);

/* Receiving side: moves the queued items (@all) or the oldest one into
 * the empty @batch and returns how many. 0 means nothing now (and @waker,
 * if any, was registered) or the end, when *@ended is set. */
void      gcs_chan_init_batch           (GcsChan       *self,
                                         GcsQueue      *batch);
guint     gcs_chan_take                 (GcsChan       *self,
                                         GcsQueue      *batch,
                                         gboolean       all,
                                         GcsWaker      *waker,
                                         gboolean      *ended);
guint     gcs_chan_take_blocking        (GcsChan       *self,
                                         GcsQueue      *batch,
                                         GCancellable  *cancellable,
                                         gboolean      *ended,
                                         GError       **error);
void      gcs_chan_forget_waker         (GcsChan       *self,
                                         GcsWaker      *waker,
                                         gboolean       items_left);
gboolean  gcs_chan_take_turn            (GcsChan       *self,
                                         GcsWaker      *waker);
GcsCoreRx *gcs_chan_get_rx              (GcsChan       *self);
void      gcs_chan_set_consumer_context (GcsChan       *self,
                                         GMainContext  *context);
void      gcs_chan_close_receiver       (GcsChan       *self,
                                         gboolean       discard);

/* Additions of 2026-12 */
gboolean  gcs_chan_is_closed_for_recv   (GcsChan       *self);

G_END_DECLS
