/* gcs-stream-until.c: take_until, take_until_cancelled, on_end
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-stream-operators.h"
#include "gcs-stream-private.h"

/* take_until */

typedef struct
{
  GcsUpstream notifier;
} TakeUntil;

static GcsPoll
take_until_poll (GcsAdapter  *self,
                 GcsWaker    *waker,
                 GValue      *item,
                 GError     **error)
{
  TakeUntil *t = self->state;
  GValue signal = G_VALUE_INIT;

  /* The notifier first: once it has spoken, no item of @self passes. */
  switch (gcs_upstream_poll (&t->notifier, waker, &signal, error))
    {
    case GCS_POLL_PENDING:
      break;
    case GCS_POLL_READY:
      gcs_value_clear (&signal);
      return GCS_POLL_DONE;
    case GCS_POLL_DONE:
      return GCS_POLL_DONE;
    case GCS_POLL_ERROR:
    default:
      return GCS_POLL_ERROR;
    }
  return gcs_upstream_poll (&self->up, waker, item, error);
}

static void
take_until_clear (GcsAdapter *self)
{
  gcs_upstream_clear (&((TakeUntil *) self->state)->notifier);
}

static const GcsAdapterOps take_until_ops = { "take_until", take_until_poll, take_until_clear };

/**
 * gcs_stream_take_until:
 * @self: a #GcsStream
 * @notifier: the stream that ends it
 *
 * The items of @self until @notifier emits its first item or ends (RxJS's
 * `takeUntil`, which also ends on the notifier's completion here): a
 * pipeline that stops with a "Stop" button's clicks, or with another
 * pipeline. Both streams are released then. An error of @notifier ends
 * the stream with that error. @notifier is polled before each item of
 * @self, so an item of @self that is ready when @notifier speaks does not
 * pass.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_take_until (GcsStream *self,
                       GcsStream *notifier)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (GCS_IS_STREAM (notifier), NULL);
  g_return_val_if_fail (self != notifier, NULL);

  adapter = gcs_adapter_new (&take_until_ops, self, sizeof (TakeUntil));
  if (adapter == NULL)
    return NULL;
  if (!gcs_upstream_init (&((TakeUntil *) adapter->state)->notifier, notifier))
    {
      g_object_unref (adapter);
      return NULL;
    }
  return GCS_STREAM (adapter);
}

/* take_until_cancelled */

/* Shared with the cancellable's handler, which may run on any thread, and
 * even after the stream let go of it: refcounted, the waker under a lock. */
typedef struct
{
  gint      ref_count;
  GMutex    lock;
  GcsWaker *waker;
} CancelWatch;

static CancelWatch *
cancel_watch_ref (CancelWatch *w)
{
  g_atomic_int_inc (&w->ref_count);
  return w;
}

static void
cancel_watch_unref (gpointer data)
{
  CancelWatch *w = data;

  if (!g_atomic_int_dec_and_test (&w->ref_count))
    return;
  g_clear_pointer (&w->waker, gcs_waker_unref);
  g_mutex_clear (&w->lock);
  g_free (w);
}

static void
cancel_watch_cancelled_cb (GCancellable *cancellable,
                           gpointer      data)
{
  CancelWatch *w = data;
  GcsWaker *waker;

  g_mutex_lock (&w->lock);
  waker = w->waker ? gcs_waker_ref (w->waker) : NULL;
  g_mutex_unlock (&w->lock);
  /* Outside the lock, as every wake. */
  if (waker != NULL)
    {
      gcs_waker_wake (waker);
      gcs_waker_unref (waker);
    }
}

typedef struct
{
  GCancellable *cancellable;
  CancelWatch  *watch;
  gulong        handler;
} TakeUntilCancelled;

static GcsPoll
take_until_cancelled_poll (GcsAdapter  *self,
                           GcsWaker    *waker,
                           GValue      *item,
                           GError     **error)
{
  TakeUntilCancelled *t = self->state;
  GcsPoll result;

  if (G_UNLIKELY (t->handler == 0))
    {
      /* Connected at the first poll: nothing for a stream nobody consumes. */
      t->watch = g_new0 (CancelWatch, 1);
      t->watch->ref_count = 1;
      g_mutex_init (&t->watch->lock);
      t->handler = g_cancellable_connect (t->cancellable, G_CALLBACK (cancel_watch_cancelled_cb),
                                          cancel_watch_ref (t->watch), cancel_watch_unref);
      /* Already cancelled: the handler ran (g_cancellable_connect() calls
       * it at once), and returned 0; the check below ends the stream. */
      if (t->handler == 0)
        t->handler = G_MAXULONG;
    }
  if (g_cancellable_is_cancelled (t->cancellable))
    return GCS_POLL_DONE;

  /* Keep the driver's waker for the handler. */
  g_mutex_lock (&t->watch->lock);
  if (t->watch->waker != waker)
    {
      g_clear_pointer (&t->watch->waker, gcs_waker_unref);
      t->watch->waker = gcs_waker_ref (waker);
    }
  g_mutex_unlock (&t->watch->lock);
  /* Cancelled meanwhile, before the waker was kept: not lost. */
  if (g_cancellable_is_cancelled (t->cancellable))
    return GCS_POLL_DONE;

  result = gcs_upstream_poll (&self->up, waker, item, error);
  if (result == GCS_POLL_READY && g_cancellable_is_cancelled (t->cancellable))
    {
      /* Cancelled by a callback upstream while it made this item. */
      gcs_value_clear (item);
      return GCS_POLL_DONE;
    }
  return result;
}

static void
take_until_cancelled_clear (GcsAdapter *self)
{
  TakeUntilCancelled *t = self->state;

  /* Not g_cancellable_disconnect(), which waits for a handler running on
   * another thread and deadlocks when called from inside the emission on
   * this one: the handler only touches the refcounted watch. */
  if (t->handler != 0 && t->handler != G_MAXULONG)
    g_signal_handler_disconnect (t->cancellable, t->handler);
  t->handler = 0;
  if (t->watch != NULL)
    {
      g_mutex_lock (&t->watch->lock);
      g_clear_pointer (&t->watch->waker, gcs_waker_unref);
      g_mutex_unlock (&t->watch->lock);
      g_clear_pointer (&t->watch, cancel_watch_unref);
    }
  g_clear_object (&t->cancellable);
}

static const GcsAdapterOps take_until_cancelled_ops = { "take_until_cancelled", take_until_cancelled_poll,
                                                        take_until_cancelled_clear };

/**
 * gcs_stream_take_until_cancelled:
 * @self: a #GcsStream
 * @cancellable: the #GCancellable that ends it
 *
 * The items of @self until @cancellable is cancelled, from any thread:
 * then the stream ends (normally, not with %G_IO_ERROR_CANCELLED) and
 * releases @self. Unlike the cancellable of a terminal operation, which
 * fails the whole operation, this ends one branch of a pipeline, say the
 * per-page stream of a view whose page closes.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_take_until_cancelled (GcsStream    *self,
                                 GCancellable *cancellable)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), NULL);

  adapter = gcs_adapter_new (&take_until_cancelled_ops, self, sizeof (TakeUntilCancelled));
  if (adapter == NULL)
    return NULL;
  ((TakeUntilCancelled *) adapter->state)->cancellable = g_object_ref (cancellable);
  return GCS_STREAM (adapter);
}

/* on_end */

typedef struct
{
  gboolean called;
} OnEnd;

static void
on_end_call (GcsAdapter   *self,
             const GError *error)
{
  OnEnd *o = self->state;

  if (o->called || self->cb.func == NULL)
    return;
  o->called = TRUE;
  ((GcsEndFunc) self->cb.func) (error, self->cb.data);
}

static GcsPoll
on_end_poll (GcsAdapter  *self,
             GcsWaker    *waker,
             GValue      *item,
             GError     **error)
{
  GError *local_error = NULL;
  GcsPoll result = gcs_upstream_poll (&self->up, waker, item, &local_error);

  switch (result)
    {
    case GCS_POLL_DONE:
      /* The upstream first, as RxJS's finalize runs after the source's
       * teardown. */
      gcs_upstream_clear (&self->up);
      on_end_call (self, NULL);
      break;
    case GCS_POLL_ERROR:
      gcs_upstream_clear (&self->up);
      on_end_call (self, local_error);
      g_propagate_error (error, local_error);
      break;
    case GCS_POLL_READY:
    case GCS_POLL_PENDING:
    default:
      break;
    }
  return result;
}

static void
on_end_clear (GcsAdapter *self)
{
  OnEnd *o = self->state;

  if (!o->called)
    {
      g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                         "The stream was released before its end");

      gcs_upstream_clear (&self->up);
      on_end_call (self, cancelled);
    }
}

static const GcsAdapterOps on_end_ops = { "on_end", on_end_poll, on_end_clear };

/**
 * gcs_stream_on_end:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): called
 *   once, when the stream is over
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * The items of @self, with @func called exactly once when the stream is
 * over, however that happens (RxJS's `finalize`): with %NULL when @self
 * ended, with its error when it failed, and with a %G_IO_ERROR_CANCELLED
 * error when the pipeline was cancelled, its source removed, or the
 * stream released before its end (a take() downstream that had enough,
 * the last reference dropped). @self is released before @func runs.
 * Hiding a spinner or re-enabling a button, whatever the outcome.
 *
 * @func runs on the consuming context when the stream ends or fails
 * there; on release, where the pipeline is released (the consuming
 * context for a cancelled operation or a removed source).
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_on_end (GcsStream      *self,
                   GcsEndFunc      func,
                   gpointer        user_data,
                   GDestroyNotify  destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return (GcsStream *) gcs_adapter_new_with_callback (&on_end_ops, self, sizeof (OnEnd),
                                                      func, user_data, destroy);
}
