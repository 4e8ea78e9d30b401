/* gcs-channel.h: the mpsc channel constructors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <glib-object.h>

#include "gcs-version.h"
#include "gcs-sender.h"
#include "gcs-receiver.h"

G_BEGIN_DECLS

/**
 * GcsOverflow:
 * @GCS_OVERFLOW_BLOCK: senders wait for room (try_send fails with
 *   %GCS_CHANNEL_ERROR_FULL)
 * @GCS_OVERFLOW_DROP_OLDEST: a send on a full channel succeeds and the
 *   oldest queued item is dropped
 * @GCS_OVERFLOW_DROP_NEWEST: a send on a full channel succeeds and the sent
 *   item is dropped
 *
 * What a bounded channel does when a send finds it full. Dropped items are
 * counted in the receiver's #GcsReceiver:dropped property.
 */
typedef enum
{
  GCS_OVERFLOW_BLOCK,
  GCS_OVERFLOW_DROP_OLDEST,
  GCS_OVERFLOW_DROP_NEWEST,
} GcsOverflow;

GCS_AVAILABLE_IN_ALL
void gcs_channel_new           (GType         item_type,
                                guint         capacity,
                                GcsSender   **tx,
                                GcsReceiver **rx);
GCS_AVAILABLE_IN_ALL
void gcs_channel_new_unbounded (GType         item_type,
                                GcsSender   **tx,
                                GcsReceiver **rx);
GCS_AVAILABLE_IN_ALL
void gcs_channel_new_full      (GType         item_type,
                                guint         capacity,
                                GcsOverflow   overflow,
                                GcsSender   **tx,
                                GcsReceiver **rx);

G_END_DECLS
