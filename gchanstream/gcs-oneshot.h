/* gcs-oneshot.h: the oneshot channel constructor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <glib-object.h>

#include "gcs-version.h"
#include "gcs-oneshot-sender.h"
#include "gcs-oneshot-receiver.h"

G_BEGIN_DECLS

GCS_AVAILABLE_IN_ALL
void gcs_oneshot_new (GType                item_type,
                      GcsOneshotSender   **tx,
                      GcsOneshotReceiver **rx);

G_END_DECLS
