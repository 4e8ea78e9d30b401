/* gcs-error.h: the GCS_CHANNEL_ERROR domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <glib.h>

#include "gcs-version.h"

G_BEGIN_DECLS

/**
 * GCS_CHANNEL_ERROR:
 *
 * The error domain of channel and stream failures. Errors in this domain
 * are from the #GcsChannelError enumeration.
 */
#define GCS_CHANNEL_ERROR (gcs_channel_error_quark ())

/**
 * GcsChannelError:
 * @GCS_CHANNEL_ERROR_CLOSED: the other end is closed or gone; on receive,
 *   the channel is closed and drained
 * @GCS_CHANNEL_ERROR_FULL: a bounded channel has no room (try_send), or a
 *   blocking send would deadlock the consuming thread
 * @GCS_CHANNEL_ERROR_EMPTY: nothing is queued, but the channel is still open
 * @GCS_CHANNEL_ERROR_LAGGED: a broadcast receiver fell behind and missed
 *   values
 * @GCS_CHANNEL_ERROR_TYPE: a value does not convert exactly to the
 *   channel's item type; nothing was queued
 * @GCS_CHANNEL_ERROR_TIMEOUT: no item arrived in time
 *
 * Error codes of the %GCS_CHANNEL_ERROR domain.
 */
typedef enum
{
  GCS_CHANNEL_ERROR_CLOSED,
  GCS_CHANNEL_ERROR_FULL,
  GCS_CHANNEL_ERROR_EMPTY,
  GCS_CHANNEL_ERROR_LAGGED,
  GCS_CHANNEL_ERROR_TYPE,
  GCS_CHANNEL_ERROR_TIMEOUT,
} GcsChannelError;

GCS_AVAILABLE_IN_ALL
GQuark gcs_channel_error_quark (void);

G_END_DECLS
