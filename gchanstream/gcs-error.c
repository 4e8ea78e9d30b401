/* gcs-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-error.h"

/**
 * SECTION:gcs-error
 * @title: Errors
 * @short_description: the error domain of channels and streams
 *
 * Channels and streams fail with errors of the %GCS_CHANNEL_ERROR domain,
 * and with %G_IO_ERROR_CANCELLED when a #GCancellable was cancelled.
 */

/**
 * gcs_channel_error_quark:
 *
 * The quark of the %GCS_CHANNEL_ERROR domain.
 *
 * Returns: the error domain quark
 */
G_DEFINE_QUARK (gcs-channel-error-quark, gcs_channel_error)
