/* gcs-sink.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-sink-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-sink
 * @title: GcsSink
 * @short_description: something that takes items, with backpressure
 *
 * gcs_stream_forward_async() sends every item of a stream into a sink,
 * waiting for each send to complete, then closes it. #GcsSender,
 * #GcsWatchSender and #GcsBroadcastSender are sinks.
 */

/**
 * GcsSink:
 *
 * Something that takes items asynchronously: see #GcsSinkInterface.
 */

G_DEFINE_INTERFACE (GcsSink, gcs_sink, G_TYPE_OBJECT)

static void
gcs_sink_default_init (GcsSinkInterface *iface)
{
}

/**
 * gcs_sink_send_async:
 * @self: a #GcsSink
 * @value: the item
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called once the sink took
 *   the item or failed
 * @user_data: data for @callback
 *
 * Sends a copy of @value into the sink.
 */
void
gcs_sink_send_async (GcsSink             *self,
                     const GValue        *value,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (GCS_IS_SINK (self));
  g_return_if_fail (GCS_IS_VALUE (value));

  GCS_SINK_GET_IFACE (self)->send_async (self, value, cancellable, callback, user_data);
}

/**
 * gcs_sink_send_finish:
 * @self: a #GcsSink
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_sink_send_async().
 *
 * Returns: %TRUE if the sink took the item
 */
gboolean
gcs_sink_send_finish (GcsSink       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (GCS_IS_SINK (self), FALSE);

  return GCS_SINK_GET_IFACE (self)->send_finish (self, result, error);
}

/**
 * gcs_sink_close_async:
 * @self: a #GcsSink
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called once closed
 * @user_data: data for @callback
 *
 * Tells the sink no more items will come.
 */
void
gcs_sink_close_async (GcsSink             *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (GCS_IS_SINK (self));

  GCS_SINK_GET_IFACE (self)->close_async (self, cancellable, callback, user_data);
}

/**
 * gcs_sink_close_finish:
 * @self: a #GcsSink
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_sink_close_async().
 *
 * Returns: %TRUE if the sink closed cleanly
 */
gboolean
gcs_sink_close_finish (GcsSink       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (GCS_IS_SINK (self), FALSE);

  return GCS_SINK_GET_IFACE (self)->close_finish (self, result, error);
}

/* For sinks whose operations complete at once (gcs-sink-private.h). */
void
gcs_sink_return_now (gpointer             sink,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data,
                     GError              *error)
{
  g_autoptr(GTask) task = g_task_new (sink, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
gcs_sink_finish_now (gpointer       sink,
                     GAsyncResult  *result,
                     gpointer       source_tag,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
