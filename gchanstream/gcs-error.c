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
GQuark
gcs_channel_error_quark (void)
{
  /* Not G_DEFINE_QUARK: its unlocked static is a benign race, but a race
   * ThreadSanitizer reports when threads fail their first sends at once. */
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("gcs-channel-error-quark"));
  return (GQuark) quark;
}
