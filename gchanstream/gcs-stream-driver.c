/* gcs-stream-driver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A terminal operation is a GSource on the consuming context that polls
 * the pipeline until it is pending, spent its budget, or ended. It is the
 * only place user callbacks of a pipeline run from, so they all run on that
 * context's thread. Cancellation is a child GCancellableSource: it makes
 * the driver dispatch, and the driver finishes with G_IO_ERROR_CANCELLED
 * and lets the whole pipeline go.
 */

#include "config.h"

#include "gcs-lock-private.h"
#include "gcs-stream-driver-private.h"

static void
gcs_stream_driver_finish (GcsStreamDriver *self,
                          GError          *error)
{
  self->finished = TRUE;
  gcs_driver_stop (&self->driver);
  /* Release the pipeline first: when the operation completes, channels
   * upstream have already seen their receiver go. */
  gcs_upstream_clear (&self->up);
  self->ops->finish (self, error);
}

static gboolean
gcs_stream_driver_finish_if_cancelled (GcsStreamDriver *self,
                                       GCancellable    *cancellable)
{
  GError *error = NULL;

  if (cancellable == NULL || !g_cancellable_set_error_if_cancelled (cancellable, &error))
    return FALSE;
  gcs_stream_driver_finish (self, error);
  return TRUE;
}

static gboolean
gcs_stream_driver_dispatch (GSource     *source,
                            GSourceFunc  callback,
                            gpointer     user_data)
{
  GcsStreamDriver *self = (GcsStreamDriver *) source;
  GcsWaker *waker = gcs_driver_begin_dispatch (&self->driver);
  GCancellable *cancellable = self->task ? g_task_get_cancellable (self->task) : NULL;
  gint64 deadline = g_get_monotonic_time () + GCS_DRIVER_BUDGET_USEC;

  if (self->finished)
    return G_SOURCE_REMOVE;
  if (gcs_stream_driver_finish_if_cancelled (self, cancellable))
    return G_SOURCE_REMOVE;
  if (self->paused)
    return G_SOURCE_CONTINUE;

  for (guint n = 0; ; n++)
    {
      GValue item = G_VALUE_INIT;
      GError *error = NULL;

      if (G_UNLIKELY (n % 64 == 0 && n > 0) &&
          (n >= GCS_DRIVER_BUDGET_ITEMS || g_get_monotonic_time () >= deadline))
        {
          gcs_driver_stay_ready (&self->driver);
          return G_SOURCE_CONTINUE;
        }
      /* A callback may have cancelled the operation: stop at once. */
      if (G_UNLIKELY (n > 0 && gcs_stream_driver_finish_if_cancelled (self, cancellable)))
        return G_SOURCE_REMOVE;

      switch (gcs_upstream_poll (&self->up, waker, &item, &error))
        {
        case GCS_POLL_READY:
          switch (self->ops->item (self, &item, &error))
            {
            case GCS_STEP_CONTINUE:
              /* Removed by the callback (g_source_remove()): call
               * nothing more. */
              if (G_UNLIKELY (g_source_is_destroyed (source)))
                return G_SOURCE_REMOVE;
              break;
            case GCS_STEP_PAUSE:
              self->paused = TRUE;
              return G_SOURCE_CONTINUE;
            case GCS_STEP_STOP:
            default:
              if (gcs_value_is_set (&item))
                gcs_value_clear (&item);
              gcs_stream_driver_finish (self, error);
              return G_SOURCE_REMOVE;
            }
          break;
        case GCS_POLL_PENDING:
          return G_SOURCE_CONTINUE;
        case GCS_POLL_DONE:
          gcs_stream_driver_finish (self, NULL);
          return G_SOURCE_REMOVE;
        case GCS_POLL_ERROR:
        default:
          if (error == NULL)
            error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                         "A stream failed without saying why");
          gcs_stream_driver_finish (self, error);
          return G_SOURCE_REMOVE;
        }
    }
}

static void
gcs_stream_driver_source_finalize (GSource *source)
{
  GcsStreamDriver *self = (GcsStreamDriver *) source;

  /* Destroyed with its context, or by g_source_remove(), before the end. */
  if (!self->finished)
    {
      self->finished = TRUE;
      gcs_upstream_clear (&self->up);
      if (self->task != NULL && !g_task_get_completed (self->task))
        g_task_return_new_error (self->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 "The stream operation's source was destroyed");
    }
  if (self->ops->clear != NULL)
    self->ops->clear (self);
  g_free (self->data);
  /* Not g_cancellable_disconnect(), which would deadlock if called from
   * inside the cancellable's emission on this thread: a handler still
   * running elsewhere only wakes a waker it holds a reference to. */
  if (self->cancel_handler != 0)
    g_signal_handler_disconnect (g_task_get_cancellable (self->task), self->cancel_handler);
  g_clear_object (&self->task);
  gcs_driver_finalize (source);
}

/* Any thread: the dispatch sees the cancellation. Not a GCancellableSource
 * child: GLib 2.74 leaks one destroyed while another thread cancels. */
static void
driver_cancelled_cb (GCancellable *cancellable,
                     gpointer      waker)
{
  /* The waker comes, and its reference goes, through GLib's own
   * (uninstrumented) locks: tell TSan. */
  gcs_tsan_acquire (waker);
  gcs_waker_wake (waker);
  gcs_tsan_release (waker);
}

static void
driver_cancelled_data_free (gpointer waker)
{
  gcs_tsan_acquire (waker);
  gcs_waker_unref (waker);
}

static GSourceFuncs gcs_stream_driver_funcs = {
  .prepare = gcs_driver_prepare,
  .check = gcs_driver_check,
  .dispatch = gcs_stream_driver_dispatch,
  .finalize = gcs_stream_driver_source_finalize,
};

/* A driver for @stream, or NULL after a critical if the stream already has
 * a consumer. With @borrow, the stream is polled without being claimed. */
GcsStreamDriver *
gcs_stream_driver_new (GcsStream                *stream,
                       gboolean                  borrow,
                       const GcsStreamDriverOps *ops,
                       GTask                    *task,
                       gsize                     data_size)
{
  GcsStreamDriver *self;
  GcsUpstream up = { 0 };

  if (!(borrow ? gcs_upstream_borrow (&up, stream) : gcs_upstream_init (&up, stream)))
    return NULL;

  self = (GcsStreamDriver *) gcs_driver_new (&gcs_stream_driver_funcs, sizeof (GcsStreamDriver));
  self->up = up;
  self->ops = ops;
  self->borrowed = borrow;
  self->task = task ? g_object_ref (task) : NULL;
  self->data = data_size ? g_malloc0 (data_size) : NULL;
  g_source_set_static_name (&self->driver.source, "[gchanstream] stream driver");
  return self;
}

/* Attaches the driver (taking over the caller's reference). */
guint
gcs_stream_driver_start (GcsStreamDriver *self,
                         GMainContext    *context)
{
  GCancellable *cancellable = self->task ? g_task_get_cancellable (self->task) : NULL;
  GSource *source = &self->driver.source;
  guint id;

  if (cancellable != NULL)
    {
      gcs_tsan_release (self->driver.waker);
      self->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (driver_cancelled_cb),
                                                    gcs_waker_ref (self->driver.waker),
                                                    driver_cancelled_data_free);
    }
  id = g_source_attach (source, context);
  g_source_unref (source);
  return id;
}

/* Ends the operation from outside a dispatch (a failed sink send), on the
 * driver's context. */
void
gcs_stream_driver_abort (GcsStreamDriver *self,
                         GError          *error)
{
  if (self->finished)
    {
      g_error_free (error);
      return;
    }
  gcs_stream_driver_finish (self, error);
  g_source_destroy (&self->driver.source);
}

/* After GCS_STEP_PAUSE: poll again. On the driver's context. */
void
gcs_stream_driver_resume (GcsStreamDriver *self)
{
  self->paused = FALSE;
  gcs_waker_wake (self->driver.waker);
}
