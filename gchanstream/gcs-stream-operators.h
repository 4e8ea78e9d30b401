/* gcs-stream-operators.h: the operators GUI code needs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GcsThrottleFlags:
 * @GCS_THROTTLE_LEADING: the first item of a window comes at once
 * @GCS_THROTTLE_TRAILING: the last item that arrived during a window comes
 *   at its end (and starts a new window)
 *
 * Which edges of a window gcs_stream_throttle_full() emits, as RxJS's
 * `throttleTime` configuration `{ leading, trailing }`.
 */
typedef enum /*< flags >*/
{
  GCS_THROTTLE_LEADING  = 1 << 0,
  GCS_THROTTLE_TRAILING = 1 << 1,
} GcsThrottleFlags;

/**
 * GcsEndFunc:
 * @error: (nullable): %NULL when the stream ended normally; its error when
 *   it failed; a %G_IO_ERROR_CANCELLED error when it was cancelled or
 *   released before its end
 * @user_data: the data given with the function
 *
 * Called once when a pipeline built with gcs_stream_on_end() is over.
 */
typedef void (*GcsEndFunc) (const GError *error,
                            gpointer      user_data);

/**
 * GcsStreamFactory:
 * @user_data: the data given with the function
 * @error: set it to fail
 *
 * Makes a stream, for gcs_stream_defer() and gcs_stream_retry().
 *
 * Returns: (transfer full) (nullable): a new stream; %NULL with @error set
 *   to fail
 */
typedef GcsStream *(*GcsStreamFactory) (gpointer   user_data,
                                        GError   **error);

/* Time */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_throttle_full        (GcsStream         *self,
                                            guint              ms,
                                            GcsThrottleFlags   flags);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_audit                (GcsStream         *self,
                                            guint              ms);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_sample               (GcsStream         *self,
                                            guint              ms);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_delay                (GcsStream         *self,
                                            guint              ms);

/* Latest values */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_combine_latest       (GcsStream        **streams,
                                            guint              n_streams);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_with_latest_from     (GcsStream         *self,
                                            GcsStream         *other);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_merge_all            (GcsStream        **streams,
                                            guint              n_streams);

/* Sequences */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_start_with           (GcsStream         *self,
                                            const GValue      *value);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_pairwise             (GcsStream         *self);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_enumerate            (GcsStream         *self);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_map_while            (GcsStream         *self,
                                            GcsMapFunc         func,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);

/* Inner streams */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_exhaust_map          (GcsStream         *self,
                                            GcsFlatMapFunc     func,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);

/* Ending */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_take_until           (GcsStream         *self,
                                            GcsStream         *notifier);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_take_until_cancelled (GcsStream         *self,
                                            GCancellable      *cancellable);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_on_end               (GcsStream         *self,
                                            GcsEndFunc         func,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);

/* Made on demand */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_retry                (GcsStreamFactory   factory,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy,
                                            guint              max_attempts,
                                            guint              initial_backoff_ms);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_defer                (GcsStreamFactory   factory,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);

G_END_DECLS
