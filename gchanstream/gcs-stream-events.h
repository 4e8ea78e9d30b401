/* gcs-stream-events.h: streams of events: time combinators, switch_map,
 * GObject properties and signals, lines of a GInputStream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"
#include "gcs-channel.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GcsSwitchMapFunc:
 * @item: the item
 * @cancellable: triggered when a newer item replaces this one, or when the
 *   stream is released before the returned stream ended: stop the work
 *   behind the returned stream then
 * @user_data: the data given with the function
 * @error: set it to fail: the stream ends with this error
 *
 * Makes the stream of an item for gcs_stream_switch_map(), typically the
 * results of a query started for it.
 *
 * Returns: (transfer full) (nullable): a stream for the item; %NULL with
 *   @error set to fail
 */
typedef GcsStream *(*GcsSwitchMapFunc) (const GValue  *item,
                                        GCancellable  *cancellable,
                                        gpointer       user_data,
                                        GError       **error);

/* Time */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_interval               (guint             ms);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_debounce               (GcsStream        *self,
                                              guint             ms);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_throttle               (GcsStream        *self,
                                              guint             ms);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_timeout                (GcsStream        *self,
                                              guint             ms);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_chunks_timeout         (GcsStream        *self,
                                              guint             n,
                                              guint             ms);

/* Switching */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_switch_map             (GcsStream        *self,
                                              GcsSwitchMapFunc  func,
                                              gpointer          user_data,
                                              GDestroyNotify    destroy);

/* GObject and GIO */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_from_property          (GObject          *object,
                                              const char       *name);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_from_signal            (GObject          *object,
                                              const char       *signal_name);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_from_signal_full       (GObject          *object,
                                              const char       *signal_name,
                                              guint             capacity,
                                              GcsOverflow       overflow);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_take_until_disposed    (GcsStream        *self,
                                              GObject          *object);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_from_input_stream_lines (GInputStream    *stream);

/**
 * GCS_TYPE_SIGNAL_STREAM:
 *
 * The #GType of #GcsSignalStream.
 */
#define GCS_TYPE_SIGNAL_STREAM (gcs_signal_stream_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsSignalStream, gcs_signal_stream, GCS, SIGNAL_STREAM, GObject)

GCS_AVAILABLE_IN_ALL
guint64    gcs_signal_stream_get_dropped     (GcsSignalStream  *self);

G_END_DECLS
