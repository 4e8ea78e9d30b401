/* gcs-sender-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gcs-channel-private.h"
#include "gcs-sender.h"

G_BEGIN_DECLS

GcsSender *gcs_sender_new_for_chan     (GcsChan      *chan);
void       gcs_sender_close_with_error (GcsSender    *self,
                                        const GError *error);

G_END_DECLS
