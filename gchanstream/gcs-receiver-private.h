/* gcs-receiver-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gcs-channel-private.h"
#include "gcs-receiver.h"
#include "gcs-waker-private.h"

G_BEGIN_DECLS

GcsReceiver *gcs_receiver_new_for_chan (GcsChan      *chan);
GcsPoll      gcs_receiver_poll         (GcsReceiver  *self,
                                        GcsWaker     *waker,
                                        GValue       *value,
                                        GError      **error);
void         gcs_receiver_forget_waker (GcsReceiver  *self,
                                        GcsWaker     *waker);
gboolean     gcs_receiver_claim_context (GcsReceiver  *self,
                                         GMainContext *context,
                                         GError      **error);

G_END_DECLS
