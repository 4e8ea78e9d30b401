/* gcs-broadcast.h: the broadcast channel constructor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <glib-object.h>

#include "gcs-version.h"
#include "gcs-broadcast-sender.h"
#include "gcs-broadcast-receiver.h"

G_BEGIN_DECLS

GCS_AVAILABLE_IN_ALL
void gcs_broadcast_new (GType                  item_type,
                        guint                  capacity,
                        GcsBroadcastSender   **tx,
                        GcsBroadcastReceiver **rx);

G_END_DECLS
