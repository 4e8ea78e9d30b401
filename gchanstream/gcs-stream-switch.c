/* gcs-stream-switch.c: switch_map
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One inner stream at a time, like flat_map, but the outer stream is
 * polled first and always: a new item cancels the current inner stream's
 * GCancellable and releases it before the next one is made.
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-stream-events.h"
#include "gcs-stream-private.h"

typedef struct
{
  GcsUpstream   inner;
  GCancellable *cancellable;   /* the inner stream's */
  gboolean      outer_done;
} SwitchMap;

/* Cancels and releases the current inner stream, if any. */
static void
switch_map_drop_inner (SwitchMap *s)
{
  if (s->cancellable != NULL)
    g_cancellable_cancel (s->cancellable);
  gcs_upstream_clear (&s->inner);
  g_clear_object (&s->cancellable);
}

static gboolean
switch_map_open_inner (GcsAdapter  *self,
                       GValue      *item,
                       GError     **error)
{
  SwitchMap *s = self->state;
  GError *local_error = NULL;
  GcsStream *stream;
  gboolean ok;

  switch_map_drop_inner (s);
  s->cancellable = g_cancellable_new ();
  stream = ((GcsSwitchMapFunc) self->cb.func) (item, s->cancellable, self->cb.data, &local_error);
  gcs_value_clear (item);
  if (stream == NULL || local_error != NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                                           "The switch_map callback returned no stream");
      g_clear_object (&stream);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  ok = gcs_upstream_init (&s->inner, stream);
  g_object_unref (stream);
  if (!ok)
    g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                         "The switch_map callback returned a stream that is already consumed");
  return ok;
}

static GcsPoll
switch_map_poll (GcsAdapter  *self,
                 GcsWaker    *waker,
                 GValue      *item,
                 GError     **error)
{
  SwitchMap *s = self->state;

  while (!s->outer_done)
    {
      GcsPoll result;

      /* Draining the outer stream counts against the dispatch's budget. */
      if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
        return gcs_waker_yield (waker);
      result = gcs_upstream_poll (&self->up, waker, item, error);
      if (result == GCS_POLL_PENDING)
        break;
      if (result == GCS_POLL_ERROR)
        return GCS_POLL_ERROR;
      if (result == GCS_POLL_DONE)
        {
          s->outer_done = TRUE;
          gcs_upstream_clear (&self->up);
          break;
        }
      if (!switch_map_open_inner (self, item, error))
        return GCS_POLL_ERROR;
    }

  /* The outer stream is pending (it keeps the waker) or done. */
  while (s->inner.stream != NULL)
    {
      GcsPoll result = gcs_upstream_poll (&s->inner, waker, item, error);

      if (result != GCS_POLL_DONE)
        return result;
      /* Finished by itself: nothing to cancel. */
      gcs_upstream_clear (&s->inner);
      g_clear_object (&s->cancellable);
    }
  return s->outer_done ? GCS_POLL_DONE : GCS_POLL_PENDING;
}

static void
switch_map_clear (GcsAdapter *self)
{
  /* Released before the inner stream ended (cancelled, dropped, failed):
   * the work behind it is no longer wanted. */
  switch_map_drop_inner (self->state);
}

static const GcsAdapterOps switch_map_ops = { "switch_map", switch_map_poll, switch_map_clear };

/**
 * gcs_stream_switch_map:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): makes a
 *   stream of each item, given a #GCancellable for the work behind it
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * The items of the stream @func makes of the latest item of @self: each
 * new item of @self triggers the previous item's #GCancellable and
 * releases its stream (a #GcsReceiverStream closes its receiver, so a
 * worker sending results sees %GCS_CHANNEL_ERROR_CLOSED), then calls
 * @func for the new one. Search as you type: a query per text, only the
 * latest one's results shown, the others stopped.
 *
 * The stream ends when @self and the last inner stream ended; an error of
 * either ends it with that error. Releasing the stream cancels the
 * current inner stream's #GCancellable too.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_switch_map (GcsStream        *self,
                       GcsSwitchMapFunc  func,
                       gpointer          user_data,
                       GDestroyNotify    destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return (GcsStream *) gcs_adapter_new_with_callback (&switch_map_ops, self, sizeof (SwitchMap),
                                                      func, user_data, destroy);
}
