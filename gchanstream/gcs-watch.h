/* gcs-watch.h: the watch channel constructor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <glib-object.h>

#include "gcs-version.h"
#include "gcs-watch-sender.h"
#include "gcs-watch-receiver.h"

G_BEGIN_DECLS

GCS_AVAILABLE_IN_ALL
void gcs_watch_new (const GValue      *initial,
                    GcsWatchSender   **tx,
                    GcsWatchReceiver **rx);

G_END_DECLS
