/* gcs-stream-exhaust.c: exhaust_map
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One inner stream at a time, like flat_map, but the outer stream is
 * polled first and always: what it gives while an inner stream runs is
 * dropped (RxJS's exhaustMap: a Save button pressed twice saves once).
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-stream-operators.h"
#include "gcs-stream-private.h"

typedef struct
{
  GcsUpstream inner;
  gboolean    outer_done;
} ExhaustMap;

static gboolean
exhaust_map_open_inner (GcsAdapter  *self,
                        GValue      *item,
                        GError     **error)
{
  ExhaustMap *e = self->state;
  GError *local_error = NULL;
  GcsStream *stream = ((GcsFlatMapFunc) self->cb.func) (item, self->cb.data, &local_error);
  gboolean ok;

  gcs_value_clear (item);
  if (stream == NULL || local_error != NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                                           "The exhaust_map callback returned no stream");
      g_clear_object (&stream);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  ok = gcs_upstream_init (&e->inner, stream);
  g_object_unref (stream);
  if (!ok)
    g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                         "The exhaust_map callback returned a stream that is already consumed");
  return ok;
}

static GcsPoll
exhaust_map_poll (GcsAdapter  *self,
                  GcsWaker    *waker,
                  GValue      *item,
                  GError     **error)
{
  ExhaustMap *e = self->state;

  for (;;)
    {
      gboolean opened = FALSE;
      GcsPoll result;

      /* The inner stream first: one that has its items at once (or ends
       * at once) is done before the outer stream's next item is seen, as
       * with RxJS's synchronous inner observables. */
      if (e->inner.stream != NULL)
        {
          result = gcs_upstream_poll (&e->inner, waker, item, error);
          if (result == GCS_POLL_READY || result == GCS_POLL_ERROR)
            return result;
          if (result == GCS_POLL_DONE)
            gcs_upstream_clear (&e->inner);
        }

      /* The outer stream: while an inner one runs, its items are dropped
       * as they come; otherwise its next item opens an inner stream. */
      while (!e->outer_done && !opened)
        {
          GValue next = G_VALUE_INIT;

          result = gcs_upstream_poll (&self->up, waker, &next, error);
          if (result == GCS_POLL_PENDING)
            break;
          if (result == GCS_POLL_ERROR)
            return GCS_POLL_ERROR;
          if (result == GCS_POLL_DONE)
            {
              e->outer_done = TRUE;
              gcs_upstream_clear (&self->up);
              break;
            }
          if (e->inner.stream == NULL)
            {
              if (!exhaust_map_open_inner (self, &next, error))
                return GCS_POLL_ERROR;
              opened = TRUE;
              break;
            }
          gcs_value_clear (&next);
          if (!gcs_waker_charge_inline (waker))
            return gcs_waker_yield (waker);
        }
      if (opened)
        continue;

      if (e->inner.stream != NULL)
        return GCS_POLL_PENDING;
      return e->outer_done ? GCS_POLL_DONE : GCS_POLL_PENDING;
    }
}

static void
exhaust_map_clear (GcsAdapter *self)
{
  gcs_upstream_clear (&((ExhaustMap *) self->state)->inner);
}

static const GcsAdapterOps exhaust_map_ops = { "exhaust_map", exhaust_map_poll, exhaust_map_clear };

/**
 * gcs_stream_exhaust_map:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): makes a
 *   stream of each item it accepts
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * Like gcs_stream_flat_map(), but the items of @self that arrive while an
 * inner stream runs are dropped, not queued (RxJS's `exhaustMap`): a
 * Save button pressed twice while the first save runs saves once. @self
 * is polled all the time, so what it gives during an inner stream is
 * dropped as it comes, and only an item that arrives after the inner
 * stream ended starts the next one.
 *
 * The stream ends when @self and the running inner stream have ended;
 * an error of either ends it with that error.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_exhaust_map (GcsStream      *self,
                        GcsFlatMapFunc  func,
                        gpointer        user_data,
                        GDestroyNotify  destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return (GcsStream *) gcs_adapter_new_with_callback (&exhaust_map_ops, self, sizeof (ExhaustMap),
                                                      func, user_data, destroy);
}
