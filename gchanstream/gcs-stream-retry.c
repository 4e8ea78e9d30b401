/* gcs-stream-retry.c: retry, defer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Sources that make their stream with the user's factory when polled:
 * defer once, at the first poll; retry again after each failure, after a
 * wait on a GcsTimer that doubles.
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-stream-operators.h"
#include "gcs-stream-private.h"
#include "gcs-time-private.h"

/* Calls the factory and takes over the stream it returns. */
static gboolean
call_factory (GcsAdapter   *self,
              const char   *what,
              GcsUpstream  *inner,
              GError      **error)
{
  GError *local_error = NULL;
  GcsStream *stream = ((GcsStreamFactory) self->cb.func) (self->cb.data, &local_error);
  gboolean ok;

  if (stream == NULL || local_error != NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new (GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                                   "The %s factory returned no stream", what);
      g_clear_object (&stream);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  ok = gcs_upstream_init (inner, stream);
  g_object_unref (stream);
  if (!ok)
    g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                 "The %s factory returned a stream that is already consumed", what);
  return ok;
}

/* defer */

static GcsPoll
defer_poll (GcsAdapter  *self,
            GcsWaker    *waker,
            GValue      *item,
            GError     **error)
{
  if (G_UNLIKELY (self->up.stream == NULL))
    {
      if (!call_factory (self, "defer", &self->up, error))
        return GCS_POLL_ERROR;
      /* Made once: the factory and its data can go. */
      gcs_callback_clear (&self->cb);
    }
  return gcs_upstream_poll (&self->up, waker, item, error);
}

static const GcsAdapterOps defer_ops = { "defer", defer_poll, NULL };

/**
 * gcs_stream_defer:
 * @factory: (scope notified) (closure user_data) (destroy destroy): makes
 *   the stream
 * @user_data: data for @factory
 * @destroy: (nullable): frees @user_data once @factory was called or the
 *   stream released
 *
 * A stream made by @factory when it is first polled, not before (RxJS's
 * `defer`): the work behind it (a query, a connection) starts only when
 * a consumer wants its items, on the consuming context, and a stream
 * built but never consumed costs nothing. If @factory fails, the stream
 * fails with its error.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_defer (GcsStreamFactory factory,
                  gpointer         user_data,
                  GDestroyNotify   destroy)
{
  g_return_val_if_fail (factory != NULL, NULL);

  return (GcsStream *) gcs_adapter_new_with_callback (&defer_ops, NULL, 0, factory, user_data, destroy);
}

/* retry */

typedef struct
{
  guint    max_attempts;
  guint    attempts;       /* made so far */
  gint64   backoff;        /* the next wait, in µs */
  gboolean waiting;
  gint64   wait_until;
  GcsTimer timer;
} Retry;

static GcsPoll
retry_poll (GcsAdapter  *self,
            GcsWaker    *waker,
            GValue      *item,
            GError     **error)
{
  Retry *r = self->state;

  for (;;)
    {
      GError *local_error = NULL;
      GcsPoll result;

      if (r->waiting)
        {
          if (gcs_time_now () < r->wait_until)
            {
              gcs_timer_arm (&r->timer, waker, r->wait_until);
              return GCS_POLL_PENDING;
            }
          r->waiting = FALSE;
        }

      if (self->up.stream == NULL)
        {
          r->attempts++;
          if (call_factory (self, "retry", &self->up, &local_error))
            continue;
          /* A factory that fails is a failed attempt too. */
        }
      else
        {
          result = gcs_upstream_poll (&self->up, waker, item, &local_error);
          if (result != GCS_POLL_ERROR)
            return result;
          gcs_upstream_clear (&self->up);
        }

      if (r->attempts >= r->max_attempts)
        {
          g_propagate_error (error, local_error);
          return GCS_POLL_ERROR;
        }
      g_error_free (local_error);
      r->waiting = TRUE;
      r->wait_until = gcs_time_now () + r->backoff;
      r->backoff *= 2;
    }
}

static void
retry_clear (GcsAdapter *self)
{
  gcs_timer_clear (&((Retry *) self->state)->timer);
}

static const GcsAdapterOps retry_ops = { "retry", retry_poll, retry_clear };

/**
 * gcs_stream_retry:
 * @factory: (scope notified) (closure user_data) (destroy destroy): makes
 *   the stream, once per attempt
 * @user_data: data for @factory
 * @destroy: (nullable): frees @user_data once the stream is done with it
 * @max_attempts: how many streams @factory may make in all, at least 1
 * @initial_backoff_ms: the wait before the second attempt, in
 *   milliseconds; each later wait is twice the one before
 *
 * A feed that reconnects: calls @factory for a stream (at the first poll,
 * as gcs_stream_defer()) and passes its items on; when that stream fails,
 * waits, calls @factory again and goes on with the new stream. The waits
 * double from @initial_backoff_ms (100 ms, 200 ms, 400 ms, ...). Items
 * already emitted are not replayed: the new stream's items follow them.
 * A @factory that fails counts as a failed attempt. After @max_attempts
 * attempts the stream fails with the last error; it ends when a stream of
 * @factory ends. The count and the waits are not reset by a stream that
 * emitted items before it failed.
 *
 * The waits are timeout sources on the consuming context, removed when
 * the stream is released.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_retry (GcsStreamFactory factory,
                  gpointer         user_data,
                  GDestroyNotify   destroy,
                  guint            max_attempts,
                  guint            initial_backoff_ms)
{
  GcsAdapter *adapter;
  Retry *r;

  g_return_val_if_fail (factory != NULL, NULL);
  g_return_val_if_fail (max_attempts >= 1, NULL);

  adapter = gcs_adapter_new_with_callback (&retry_ops, NULL, sizeof (Retry), factory, user_data, destroy);
  r = adapter->state;
  r->max_attempts = max_attempts;
  r->backoff = (gint64) initial_backoff_ms * 1000;
  return GCS_STREAM (adapter);
}
