/* gcs-sink.h: the GcsSink interface, where streams are forwarded to
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_SINK:
 *
 * The #GType of the #GcsSink interface.
 */
#define GCS_TYPE_SINK (gcs_sink_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (GcsSink, gcs_sink, GCS, SINK, GObject)

/**
 * GcsSinkInterface:
 * @g_iface: the parent interface
 * @send_async: queues a copy of an item, completing once the sink accepted
 *   it: a slow sink completes late, which is its backpressure
 * @send_finish: finishes @send_async
 * @close_async: no more items will come
 * @close_finish: finishes @close_async
 *
 * Something that takes items, asynchronously: the dual of #GcsStream.
 */
struct _GcsSinkInterface
{
  GTypeInterface g_iface;

  void     (*send_async)   (GcsSink              *self,
                            const GValue         *value,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data);
  gboolean (*send_finish)  (GcsSink              *self,
                            GAsyncResult         *result,
                            GError              **error);
  void     (*close_async)  (GcsSink              *self,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data);
  gboolean (*close_finish) (GcsSink              *self,
                            GAsyncResult         *result,
                            GError              **error);
};

GCS_AVAILABLE_IN_ALL
void     gcs_sink_send_async   (GcsSink              *self,
                                const GValue         *value,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
GCS_AVAILABLE_IN_ALL
gboolean gcs_sink_send_finish  (GcsSink              *self,
                                GAsyncResult         *result,
                                GError              **error);
GCS_AVAILABLE_IN_ALL
void     gcs_sink_close_async  (GcsSink              *self,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
GCS_AVAILABLE_IN_ALL
gboolean gcs_sink_close_finish (GcsSink              *self,
                                GAsyncResult         *result,
                                GError              **error);

G_END_DECLS
