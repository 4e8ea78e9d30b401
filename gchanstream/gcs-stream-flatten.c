/* gcs-stream-flatten.c: flat_map, flat_map_unordered, buffered, catch_error
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Inner streams are polled with the driver's waker, like the outer one: a
 * wake from any of them makes the driver poll the combinator again.
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-stream-private.h"

/* Calls a flat_map function and takes over the stream it returns. */
static gboolean
open_inner (GcsAdapter   *self,
            GValue       *item,
            GcsUpstream  *inner,
            GError      **error)
{
  GError *local_error = NULL;
  GcsStream *stream = ((GcsFlatMapFunc) self->cb.func) (item, self->cb.data, &local_error);
  gboolean ok;

  gcs_value_clear (item);
  if (stream == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                                           "The flat_map callback returned no stream");
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (local_error != NULL)
    {
      g_object_unref (stream);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  ok = gcs_upstream_init (inner, stream);
  g_object_unref (stream);
  if (!ok)
    g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                         "The flat_map callback returned a stream that is already consumed");
  return ok;
}

/* flat_map */

typedef struct
{
  GcsUpstream inner;
  gboolean    outer_done;
} FlatMap;

static GcsPoll
flat_map_poll (GcsAdapter  *self,
               GcsWaker    *waker,
               GValue      *item,
               GError     **error)
{
  FlatMap *fm = self->state;

  for (;;)
    {
      GcsPoll result;

      if (fm->inner.stream != NULL)
        {
          result = gcs_upstream_poll (&fm->inner, waker, item, error);
          if (result != GCS_POLL_DONE)
            return result;
          gcs_upstream_clear (&fm->inner);
        }
      if (fm->outer_done)
        return GCS_POLL_DONE;

      result = gcs_upstream_poll (&self->up, waker, item, error);
      if (result == GCS_POLL_DONE)
        {
          fm->outer_done = TRUE;
          gcs_upstream_clear (&self->up);
          return GCS_POLL_DONE;
        }
      if (result != GCS_POLL_READY)
        return result;
      if (!open_inner (self, item, &fm->inner, error))
        return GCS_POLL_ERROR;
    }
}

static void
flat_map_clear (GcsAdapter *self)
{
  gcs_upstream_clear (&((FlatMap *) self->state)->inner);
}

static const GcsAdapterOps flat_map_ops = { "flat_map", flat_map_poll, flat_map_clear };

/**
 * gcs_stream_flat_map:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): makes a
 *   stream of each item
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * The items of the streams @func makes, one stream after the other: the
 * next item of @self is taken only once the current inner stream ended.
 * A #GcsOneshotStream makes any GIO async call an inner stream.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_flat_map (GcsStream      *self,
                     GcsFlatMapFunc  func,
                     gpointer        user_data,
                     GDestroyNotify  destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return (GcsStream *) gcs_adapter_new_with_callback (&flat_map_ops, self, sizeof (FlatMap),
                                                      func, user_data, destroy);
}

/* flat_map_unordered */

typedef struct
{
  GArray   *inners;   /* GcsUpstream */
  guint     limit;
  guint     next;     /* the inner polled first, in turn */
  gboolean  outer_done;
} Unordered;

/* Drops the inner streams that ended (cleared slots). */
static void
unordered_compact (Unordered *u)
{
  for (guint i = u->inners->len; i > 0; i--)
    if (g_array_index (u->inners, GcsUpstream, i - 1).stream == NULL)
      {
        g_array_remove_index (u->inners, i - 1);
        if (u->next >= i)
          u->next--;
      }
}

static GcsPoll
unordered_poll (GcsAdapter  *self,
                GcsWaker    *waker,
                GValue      *item,
                GError     **error)
{
  Unordered *u = self->state;

  for (;;)
    {
      gboolean room_made = FALSE;

      /* Start inner streams while there is room: the backpressure. */
      while (!u->outer_done && u->inners->len < u->limit)
        {
          GcsUpstream inner = { 0 };
          GcsPoll result = gcs_upstream_poll (&self->up, waker, item, error);

          if (result == GCS_POLL_PENDING)
            break;
          if (result == GCS_POLL_DONE)
            {
              u->outer_done = TRUE;
              gcs_upstream_clear (&self->up);
              break;
            }
          if (result == GCS_POLL_ERROR || !open_inner (self, item, &inner, error))
            return GCS_POLL_ERROR;
          g_array_append_val (u->inners, inner);
        }

      /* Poll every inner stream once, starting after the one that gave
       * the last item. Each must be polled: one that is pending keeps
       * the waker only if this poll registered it. */
      for (guint i = 0, len = u->inners->len; i < len; i++)
        {
          guint k = (u->next + i) % len;
          GcsUpstream *inner = &g_array_index (u->inners, GcsUpstream, k);
          GcsPoll result;

          if (inner->stream == NULL)
            continue;
          result = gcs_upstream_poll (inner, waker, item, error);
          if (result == GCS_POLL_READY)
            {
              u->next = k + 1;
              unordered_compact (u);
              return GCS_POLL_READY;
            }
          if (result == GCS_POLL_ERROR)
            return GCS_POLL_ERROR;
          if (result == GCS_POLL_DONE)
            {
              gcs_upstream_clear (inner);
              room_made = TRUE;
            }
        }
      unordered_compact (u);

      if (u->inners->len == 0 && u->outer_done)
        return GCS_POLL_DONE;
      if (!room_made || u->outer_done)
        return GCS_POLL_PENDING;
    }
}

static void
unordered_clear (GcsAdapter *self)
{
  Unordered *u = self->state;

  for (guint i = 0; i < u->inners->len; i++)
    gcs_upstream_clear (&g_array_index (u->inners, GcsUpstream, i));
  g_array_unref (u->inners);
}

static const GcsAdapterOps unordered_ops = { "flat_map_unordered", unordered_poll, unordered_clear };

/**
 * gcs_stream_flat_map_unordered:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): makes a
 *   stream of each item
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 * @limit: how many inner streams may run at once, at least 1
 *
 * The items of the streams @func makes, up to @limit of them at once, in
 * the order they come: `buffer_unordered` of Rust's futures. A new item of
 * @self is taken only while fewer than @limit inner streams run.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_flat_map_unordered (GcsStream      *self,
                               GcsFlatMapFunc  func,
                               gpointer        user_data,
                               GDestroyNotify  destroy,
                               guint           limit)
{
  GcsAdapter *adapter;
  Unordered *u;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (limit >= 1, NULL);

  adapter = gcs_adapter_new_with_callback (&unordered_ops, self, sizeof (Unordered),
                                           func, user_data, destroy);
  if (adapter == NULL)
    return NULL;
  u = adapter->state;
  u->inners = g_array_new (FALSE, FALSE, sizeof (GcsUpstream));
  u->limit = limit;
  return GCS_STREAM (adapter);
}

/* buffered */

typedef struct
{
  GValue  *ring;
  guint    size;
  guint    head;
  guint    count;
  gboolean upstream_done;
  GError  *error;      /* delivered after the items before it */
} Buffer;

static GcsPoll
buffered_poll (GcsAdapter  *self,
               GcsWaker    *waker,
               GValue      *item,
               GError     **error)
{
  Buffer *b = self->state;

  /* Prefetch: take what upstream has now, up to the buffer's size. */
  while (!b->upstream_done && b->count < b->size)
    {
      GValue *slot = &b->ring[(b->head + b->count) % b->size];
      GcsPoll result = gcs_upstream_poll (&self->up, waker, slot, &b->error);

      if (result == GCS_POLL_READY)
        b->count++;
      else if (result == GCS_POLL_PENDING)
        break;
      else
        {
          b->upstream_done = TRUE;
          gcs_upstream_clear (&self->up);
        }
    }

  if (b->count > 0)
    {
      gcs_value_move (item, &b->ring[b->head]);
      b->head = (b->head + 1) % b->size;
      b->count--;
      return GCS_POLL_READY;
    }
  if (b->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&b->error));
      return GCS_POLL_ERROR;
    }
  return b->upstream_done ? GCS_POLL_DONE : GCS_POLL_PENDING;
}

static void
buffered_clear (GcsAdapter *self)
{
  Buffer *b = self->state;

  for (guint i = 0; i < b->count; i++)
    gcs_value_clear (&b->ring[(b->head + i) % b->size]);
  g_clear_pointer (&b->ring, g_free);
  g_clear_error (&b->error);
}

static const GcsAdapterOps buffered_ops = { "buffered", buffered_poll, buffered_clear };

/**
 * gcs_stream_buffered:
 * @self: a #GcsStream
 * @n: how many items to prefetch, at least 1
 *
 * The same items, taken from @self ahead of the consumer, up to @n: a
 * consumer that is slow at times does not hold a fast source back. An
 * error of @self comes after the items taken before it.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_buffered (GcsStream *self,
                     guint      n)
{
  GcsAdapter *adapter;
  Buffer *b;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (n >= 1, NULL);

  adapter = gcs_adapter_new (&buffered_ops, self, sizeof (Buffer));
  if (adapter == NULL)
    return NULL;
  b = adapter->state;
  b->ring = g_new0 (GValue, n);
  b->size = n;
  return GCS_STREAM (adapter);
}

/* catch_error */

static GcsPoll
catch_poll (GcsAdapter  *self,
            GcsWaker    *waker,
            GValue      *item,
            GError     **error)
{
  GError *upstream_error = NULL;
  GError *local_error = NULL;
  GcsStream *replacement;
  GcsPoll result = gcs_upstream_poll (&self->up, waker, item, &upstream_error);
  gboolean ok;

  if (result != GCS_POLL_ERROR || self->cb.func == NULL)
    {
      if (upstream_error != NULL)
        g_propagate_error (error, upstream_error);
      return result;
    }

  replacement = ((GcsCatchFunc) self->cb.func) (upstream_error, self->cb.data, &local_error);
  g_error_free (upstream_error);
  /* One error is caught: the replacement's own errors go through. */
  gcs_callback_clear (&self->cb);
  gcs_upstream_clear (&self->up);
  if (replacement == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                                           "The catch_error callback returned no stream");
      g_propagate_error (error, local_error);
      return GCS_POLL_ERROR;
    }
  g_clear_error (&local_error);
  ok = gcs_upstream_init (&self->up, replacement);
  g_object_unref (replacement);
  if (!ok)
    {
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                           "The catch_error callback returned a stream that is already consumed");
      return GCS_POLL_ERROR;
    }
  return gcs_upstream_poll (&self->up, waker, item, error);
}

static const GcsAdapterOps catch_ops = { "catch_error", catch_poll, NULL };

/**
 * gcs_stream_catch_error:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): turns the
 *   error into a stream to go on with
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once it is no longer needed
 *
 * The items of @self; if it fails, those of the stream @func makes of the
 * error. Errors of that stream are not caught again.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_catch_error (GcsStream      *self,
                        GcsCatchFunc    func,
                        gpointer        user_data,
                        GDestroyNotify  destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return (GcsStream *) gcs_adapter_new_with_callback (&catch_ops, self, 0, func, user_data, destroy);
}
