/* gcs-stream-sequence.c: start_with, pairwise, enumerate, map_while
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-stream-operators.h"
#include "gcs-stream-private.h"

/* start_with */

typedef struct
{
  GValue   first;
  gboolean given;
} StartWith;

static GcsPoll
start_with_poll (GcsAdapter  *self,
                 GcsWaker    *waker,
                 GValue      *item,
                 GError     **error)
{
  StartWith *s = self->state;

  if (G_UNLIKELY (!s->given))
    {
      s->given = TRUE;
      /* An item of our own: charged like any source's. */
      if (!gcs_waker_charge_inline (waker))
        {
          s->given = FALSE;
          return gcs_waker_yield (waker);
        }
      gcs_value_move (item, &s->first);
      return GCS_POLL_READY;
    }
  return gcs_upstream_poll (&self->up, waker, item, error);
}

static void
start_with_clear (GcsAdapter *self)
{
  StartWith *s = self->state;

  if (gcs_value_is_set (&s->first))
    gcs_value_clear (&s->first);
}

static const GcsAdapterOps start_with_ops = { "start_with", start_with_poll, start_with_clear };

/**
 * gcs_stream_start_with:
 * @self: a #GcsStream
 * @value: the first item
 *
 * @value, then the items of @self (RxJS's `startWith`): a view shows an
 * initial state before the first event. @self is not polled before
 * @value was taken.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_start_with (GcsStream    *self,
                       const GValue *value)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (GCS_IS_VALUE (value), NULL);

  adapter = gcs_adapter_new (&start_with_ops, self, sizeof (StartWith));
  if (adapter == NULL)
    return NULL;
  gcs_value_copy_new (value, &((StartWith *) adapter->state)->first);
  return GCS_STREAM (adapter);
}

/* pairwise */

typedef struct
{
  GValue previous;
} Pairwise;

static GcsPoll
pairwise_poll (GcsAdapter  *self,
               GcsWaker    *waker,
               GValue      *item,
               GError     **error)
{
  Pairwise *p = self->state;

  for (;;)
    {
      GValue pair[2] = { G_VALUE_INIT, G_VALUE_INIT };
      GcsPoll result = gcs_upstream_poll (&self->up, waker, &pair[1], error);

      if (result != GCS_POLL_READY)
        return result;
      if (G_UNLIKELY (!gcs_value_is_set (&p->previous)))
        {
          /* The first item only becomes a previous one. */
          gcs_value_move (&p->previous, &pair[1]);
          if (!gcs_waker_charge_inline (waker))
            return gcs_waker_yield (waker);
          continue;
        }
      gcs_value_move (&pair[0], &p->previous);
      gcs_value_copy_new (&pair[1], &p->previous);
      gcs_value_take_sequence (item, pair, 2);
      return GCS_POLL_READY;
    }
}

static void
pairwise_clear (GcsAdapter *self)
{
  Pairwise *p = self->state;

  if (gcs_value_is_set (&p->previous))
    gcs_value_clear (&p->previous);
}

static const GcsAdapterOps pairwise_ops = { "pairwise", pairwise_poll, pairwise_clear };

/**
 * gcs_stream_pairwise:
 * @self: a #GcsStream
 *
 * 2-sequences `[previous, current]` of consecutive items of @self (RxJS's
 * `pairwise`): the first item emits nothing, each later one a pair with
 * the one before it. A stream of fewer than two items emits nothing.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_pairwise (GcsStream *self)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  return (GcsStream *) gcs_adapter_new (&pairwise_ops, self, sizeof (Pairwise));
}

/* enumerate */

typedef struct
{
  guint64 index;
} Enumerate;

static GcsPoll
enumerate_poll (GcsAdapter  *self,
                GcsWaker    *waker,
                GValue      *item,
                GError     **error)
{
  Enumerate *e = self->state;
  GValue pair[2] = { G_VALUE_INIT, G_VALUE_INIT };
  GcsPoll result = gcs_upstream_poll (&self->up, waker, &pair[1], error);

  if (result != GCS_POLL_READY)
    return result;
  g_value_init (&pair[0], G_TYPE_UINT64);
  g_value_set_uint64 (&pair[0], e->index++);
  gcs_value_take_sequence (item, pair, 2);
  return GCS_POLL_READY;
}

static const GcsAdapterOps enumerate_ops = { "enumerate", enumerate_poll, NULL };

/**
 * gcs_stream_enumerate:
 * @self: a #GcsStream
 *
 * 2-sequences `[index, item]`, the index a #guint64 counting from 0 (the
 * `enumerate` of Rust's iterators and futures streams).
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_enumerate (GcsStream *self)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  return (GcsStream *) gcs_adapter_new (&enumerate_ops, self, sizeof (Enumerate));
}

/* map_while */

static gboolean
is_nothing (const GValue *value)
{
  /* As in filter_map: Python's None leaves the result unset; JavaScript's
   * null is a NULL pointer value. */
  return !gcs_value_is_set (value) ||
         (G_VALUE_HOLDS_POINTER (value) && g_value_get_pointer (value) == NULL);
}

static GcsPoll
map_while_poll (GcsAdapter  *self,
                GcsWaker    *waker,
                GValue      *item,
                GError     **error)
{
  GValue input = G_VALUE_INIT;
  GError *local_error = NULL;
  GcsPoll result = gcs_upstream_poll (&self->up, waker, &input, error);

  if (result != GCS_POLL_READY)
    return result;

  ((GcsMapFunc) self->cb.func) (&input, item, self->cb.data, &local_error);
  gcs_value_clear (&input);
  if (local_error != NULL)
    {
      if (gcs_value_is_set (item))
        gcs_value_clear (item);
      g_propagate_error (error, local_error);
      return GCS_POLL_ERROR;
    }
  if (!is_nothing (item))
    return GCS_POLL_READY;
  if (gcs_value_is_set (item))
    gcs_value_clear (item);
  return GCS_POLL_DONE;
}

static const GcsAdapterOps map_while_ops = { "map_while", map_while_poll, NULL };

/**
 * gcs_stream_map_while:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): turns an
 *   item into another, or into nothing (leave @result unset in C; return
 *   None or null from Python or JavaScript, a pointer #GValue holding
 *   %NULL from Vala) to end the stream
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * Like gcs_stream_filter_map(), but the first item @func turns into
 * nothing ends the stream, which lets @self go (Rust's `map_while`).
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_map_while (GcsStream      *self,
                      GcsMapFunc      func,
                      gpointer        user_data,
                      GDestroyNotify  destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return (GcsStream *) gcs_adapter_new_with_callback (&map_while_ops, self, 0, func, user_data, destroy);
}
