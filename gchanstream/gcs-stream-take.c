/* gcs-stream-take.c: take, skip, distinct_until_changed, scan, chunks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-stream-private.h"

/* take and skip */

typedef struct
{
  guint n;      /* how many left to take, or to skip */
} Count;

static GcsPoll
take_poll (GcsAdapter  *self,
           GcsWaker    *waker,
           GValue      *item,
           GError     **error)
{
  Count *count = self->state;
  GcsPoll result;

  /* Never poll upstream for an item that would not be used. */
  if (count->n == 0)
    return GCS_POLL_DONE;
  result = gcs_upstream_poll (&self->up, waker, item, error);
  /* Let upstream go with the n-th item: a channel behind it closes now,
   * not when the consumer polls again. */
  if (result == GCS_POLL_READY && --count->n == 0)
    gcs_upstream_clear (&self->up);
  return result;
}

static const GcsAdapterOps take_ops = { "take", take_poll, NULL };

static GcsStream *
count_adapter_new (const GcsAdapterOps *ops,
                   GcsStream           *upstream,
                   guint                n)
{
  GcsAdapter *adapter = gcs_adapter_new (ops, upstream, sizeof (Count));

  if (adapter == NULL)
    return NULL;
  ((Count *) adapter->state)->n = n;
  return GCS_STREAM (adapter);
}

/**
 * gcs_stream_take:
 * @self: a #GcsStream
 * @n: how many items to take
 *
 * The first @n items. The stream ends right after the @n-th and lets @self
 * go: an endless channel behind it sees its receiver closed.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_take (GcsStream *self,
                 guint      n)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  return count_adapter_new (&take_ops, self, n);
}

static GcsPoll
skip_poll (GcsAdapter  *self,
           GcsWaker    *waker,
           GValue      *item,
           GError     **error)
{
  Count *count = self->state;

  for (;;)
    {
      GcsPoll result = gcs_upstream_poll (&self->up, waker, item, error);

      if (result != GCS_POLL_READY || count->n == 0)
        return result;
      count->n--;
      gcs_value_clear (item);
    }
}

static const GcsAdapterOps skip_ops = { "skip", skip_poll, NULL };

/**
 * gcs_stream_skip:
 * @self: a #GcsStream
 * @n: how many items to skip
 *
 * The items after the first @n.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_skip (GcsStream *self,
                 guint      n)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  return count_adapter_new (&skip_ops, self, n);
}

/* distinct_until_changed */

typedef struct
{
  GValue last;
} Last;

static GcsPoll
distinct_poll (GcsAdapter  *self,
               GcsWaker    *waker,
               GValue      *item,
               GError     **error)
{
  Last *last = self->state;

  for (;;)
    {
      GcsPoll result = gcs_upstream_poll (&self->up, waker, item, error);

      if (result != GCS_POLL_READY)
        return result;
      if (!gcs_value_is_set (&last->last) || !gcs_value_equal (&last->last, item))
        {
          if (gcs_value_is_set (&last->last))
            gcs_value_clear (&last->last);
          gcs_value_copy_new (item, &last->last);
          return GCS_POLL_READY;
        }
      gcs_value_clear (item);
    }
}

static void
last_clear (GcsAdapter *self)
{
  Last *last = self->state;

  if (gcs_value_is_set (&last->last))
    gcs_value_clear (&last->last);
}

static const GcsAdapterOps distinct_ops = { "distinct_until_changed", distinct_poll, last_clear };

/**
 * gcs_stream_distinct_until_changed:
 * @self: a #GcsStream
 *
 * The items that differ from the one before: numbers, strings and
 * variants by value, objects and other boxed types by identity.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_distinct_until_changed (GcsStream *self)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  return (GcsStream *) gcs_adapter_new (&distinct_ops, self, sizeof (Last));
}

/* scan */

static GcsPoll
scan_poll (GcsAdapter  *self,
           GcsWaker    *waker,
           GValue      *item,
           GError     **error)
{
  Last *acc = self->state;
  GValue input = G_VALUE_INIT;
  GValue next = G_VALUE_INIT;
  GError *local_error = NULL;
  GcsPoll result = gcs_upstream_poll (&self->up, waker, &input, error);

  if (result != GCS_POLL_READY)
    return result;

  ((GcsFoldFunc) self->cb.func) (&acc->last, &input, &next, self->cb.data, &local_error);
  gcs_value_clear (&input);
  if (local_error != NULL || !gcs_value_check_result (&next, "scan", &local_error))
    {
      if (gcs_value_is_set (&next))
        gcs_value_clear (&next);
      g_propagate_error (error, local_error);
      return GCS_POLL_ERROR;
    }
  gcs_value_clear (&acc->last);
  gcs_value_move (&acc->last, &next);
  gcs_value_copy_new (&acc->last, item);
  return GCS_POLL_READY;
}

static const GcsAdapterOps scan_ops = { "scan", scan_poll, last_clear };

/**
 * gcs_stream_scan:
 * @self: a #GcsStream
 * @init: the first accumulator (not emitted)
 * @func: (scope notified) (closure user_data) (destroy destroy): combines
 *   the accumulator with each item
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * A running fold: emits each new accumulator.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_scan (GcsStream      *self,
                 const GValue   *init,
                 GcsFoldFunc     func,
                 gpointer        user_data,
                 GDestroyNotify  destroy)
{
  GcsAdapter *adapter;
  Last *acc;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (GCS_IS_VALUE (init), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  adapter = gcs_adapter_new_with_callback (&scan_ops, self, sizeof (Last), func, user_data, destroy);
  if (adapter == NULL)
    return NULL;
  acc = adapter->state;
  gcs_value_copy_new (init, &acc->last);
  return GCS_STREAM (adapter);
}

/* chunks */

typedef struct
{
  guint    size;
  guint    n;
  GValue  *items;
  gboolean upstream_done;
} Chunk;

static GcsPoll
chunks_poll (GcsAdapter  *self,
             GcsWaker    *waker,
             GValue      *item,
             GError     **error)
{
  Chunk *chunk = self->state;

  while (!chunk->upstream_done)
    {
      GcsPoll result = gcs_upstream_poll (&self->up, waker, &chunk->items[chunk->n], error);

      if (result == GCS_POLL_READY)
        {
          if (++chunk->n < chunk->size)
            continue;
          break;
        }
      if (result != GCS_POLL_DONE)
        return result;
      /* Never poll an ended upstream again; the last chunk may be short. */
      chunk->upstream_done = TRUE;
      gcs_upstream_clear (&self->up);
    }

  if (chunk->n == 0)
    return GCS_POLL_DONE;
  gcs_value_take_sequence (item, chunk->items, chunk->n);
  chunk->n = 0;
  return GCS_POLL_READY;
}

static void
chunks_clear (GcsAdapter *self)
{
  Chunk *chunk = self->state;

  for (guint i = 0; i < chunk->n; i++)
    gcs_value_clear (&chunk->items[i]);
  g_clear_pointer (&chunk->items, g_free);
}

static const GcsAdapterOps chunks_ops = { "chunks", chunks_poll, chunks_clear };

/**
 * gcs_stream_chunks:
 * @self: a #GcsStream
 * @n: the chunk size, at least 1
 *
 * Groups items in sequences of @n (a #GValueArray in C, a list in Python,
 * an array in JavaScript); the last one may be shorter, never empty.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_chunks (GcsStream *self,
                   guint      n)
{
  GcsAdapter *adapter;
  Chunk *chunk;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (n >= 1, NULL);

  adapter = gcs_adapter_new (&chunks_ops, self, sizeof (Chunk));
  if (adapter == NULL)
    return NULL;
  chunk = adapter->state;
  chunk->size = n;
  chunk->items = g_new0 (GValue, n);
  return GCS_STREAM (adapter);
}
