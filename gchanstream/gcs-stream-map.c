/* gcs-stream-map.c: map, filter, filter_map, inspect
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gcs-stream-private.h"

#define CHECK_COMBINATOR(self, func)                          \
  G_STMT_START {                                              \
    g_return_val_if_fail (GCS_IS_STREAM (self), NULL);        \
    g_return_val_if_fail ((func) != NULL, NULL);              \
  } G_STMT_END

/* A stream with a callback: the adapter, or NULL after a critical. */
static GcsStream *
callback_adapter_new (const GcsAdapterOps *ops,
                      GcsStream           *upstream,
                      gpointer             func,
                      gpointer             user_data,
                      GDestroyNotify       destroy)
{
  return (GcsStream *) gcs_adapter_new_with_callback (ops, upstream, 0, func, user_data, destroy);
}

/* map */

/* The failure path of map_poll(), out of line: it keeps the hot path's
 * frame small (map is the stage a chain has most of). */
static G_GNUC_NO_INLINE GcsPoll
map_fail (GValue  *item,
          GError  *local_error,
          GError **error)
{
  if (local_error == NULL)
    gcs_value_set_no_result_error ("map", &local_error);
  if (gcs_value_is_set (item))
    gcs_value_clear (item);
  g_propagate_error (error, local_error);
  return GCS_POLL_ERROR;
}

/* Runs one map callback: @in is released (and left uninitialized, to be
 * the next stage's result), @out initialized. @local_error is NULL on
 * entry, and stays NULL while callbacks succeed: a chain sets it once. */
static inline gboolean
map_call (GcsMapFunc   func,
          gpointer     data,
          GValue      *in,
          GValue      *out,
          GError     **local_error,
          GError     **error)
{
  func (in, out, data, local_error);
  /* For the next stage's result @in needs only to hold no type
   * (g_value_init() and the gcs-value.h helpers write the rest): a plain
   * value owns nothing, so clearing its type is enough. */
  if (G_LIKELY (gcs_type_is_plain (G_VALUE_TYPE (in))))
    in->g_type = G_TYPE_INVALID;
  else
    g_value_unset (in);
  if (G_LIKELY (*local_error == NULL && gcs_value_is_set (out)))
    return TRUE;
  map_fail (out, g_steal_pointer (local_error), error);
  return FALSE;
}

static GcsPoll
map_poll (GcsAdapter  *self,
          GcsWaker    *waker,
          GValue      *item,
          GError     **error)
{
  GValue input = G_VALUE_INIT;
  GError *local_error = NULL;
  GcsPoll result = gcs_upstream_poll (&self->up, waker, &input, error);

  if (result != GCS_POLL_READY)
    return result;
  return map_call ((GcsMapFunc) self->cb.func, self->cb.data, &input, item, &local_error, error) ?
         GCS_POLL_READY : GCS_POLL_ERROR;
}

static const GcsAdapterOps map_ops = { "map", map_poll, NULL };

/* Consecutive maps fused: map (map (map (s, f), g), h) polls s once per
 * item and calls f, g, h in a loop, instead of each stage polling the one
 * below through its own call and frame (54 -> 46 instructions per stage
 * with a callback using gcs_value_init_int64(), callgrind on W3). Nothing
 * else changes: every stage stays its own
 * stream owning its upstream and its callback, released in the same
 * order; only the top stage's poll reaches down the chain, which is safe
 * because a stage consumed by the next is polled by nobody else. */

#define MAP_CHAIN_MAX 32

typedef struct
{
  GcsMapFunc func;
  gpointer   data;
} MapStage;

/* Copies of the callbacks (they never change while the stages live),
 * which saves a load per stage. */
typedef struct
{
  GcsAdapter *bottom;     /* the deepest stage: its upstream is polled */
  guint       n_stages;   /* this one included */
  MapStage    stages[];   /* the deepest first, this one's last */
} MapChain;

static GcsPoll
map_chain_poll (GcsAdapter  *self,
                GcsWaker    *waker,
                GValue      *item,
                GError     **error)
{
  MapChain *chain = self->state;
  GValue values[2] = { G_VALUE_INIT, G_VALUE_INIT };
  GValue *in = &values[0], *out = &values[1];
  const MapStage *stage = chain->stages;
  const MapStage *last = stage + chain->n_stages - 1;
  GError *local_error = NULL;
  GcsPoll result = gcs_upstream_poll (&chain->bottom->up, waker, in, error);

  if (result != GCS_POLL_READY)
    return result;
  for (; stage < last; stage++)
    {
      GValue *next = in;

      if (!map_call (stage->func, stage->data, in, out, &local_error, error))
        return GCS_POLL_ERROR;
      in = out;
      out = next;
    }
  return map_call (last->func, last->data, in, item, &local_error, error) ?
         GCS_POLL_READY : GCS_POLL_ERROR;
}

static const GcsAdapterOps map_chain_ops = { "map", map_chain_poll, NULL };

/* The number of map stages @stream is the top of, or 0 when it is not a
 * live map stage. */
static guint
map_stage_depth (GcsStream *stream)
{
  GcsAdapter *adapter = (GcsAdapter *) stream;

  if (G_OBJECT_TYPE (stream) != gcs_adapter_get_type () || adapter->ended)
    return 0;
  if (adapter->ops == &map_ops)
    return 1;
  if (adapter->ops == &map_chain_ops)
    return ((MapChain *) adapter->state)->n_stages;
  return 0;
}

static GcsStream *
map_new (GcsStream      *upstream,
         GcsMapFunc      func,
         gpointer        user_data,
         GDestroyNotify  destroy)
{
  GcsAdapter *under = (GcsAdapter *) upstream;
  guint n_under = map_stage_depth (upstream);
  GcsAdapter *self;
  MapChain *chain;

  if (n_under == 0 || n_under >= MAP_CHAIN_MAX)
    return (GcsStream *) gcs_adapter_new_with_callback (&map_ops, upstream, 0, func, user_data, destroy);

  self = gcs_adapter_new_with_callback (&map_chain_ops, upstream,
                                        sizeof (MapChain) + (n_under + 1) * sizeof (MapStage),
                                        func, user_data, destroy);
  if (self == NULL)
    return NULL;
  chain = self->state;
  chain->n_stages = n_under + 1;
  if (under->ops == &map_chain_ops)
    {
      MapChain *below = under->state;

      chain->bottom = below->bottom;
      memcpy (chain->stages, below->stages, n_under * sizeof (MapStage));
    }
  else
    {
      chain->bottom = under;
      chain->stages[0] = (MapStage) { (GcsMapFunc) under->cb.func, under->cb.data };
    }
  chain->stages[n_under] = (MapStage) { func, user_data };
  return (GcsStream *) self;
}

/**
 * gcs_stream_map:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): turns each
 *   item into another
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * A stream of @func applied to each item.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_map (GcsStream      *self,
                GcsMapFunc      func,
                gpointer        user_data,
                GDestroyNotify  destroy)
{
  CHECK_COMBINATOR (self, func);
  return map_new (self, func, user_data, destroy);
}

/* map_in_place and inspect: the callback gets the item itself, to change
 * it in place (GcsUpdateFunc) or to look at it (GcsVisitFunc): the same
 * call. */

static GcsPoll
call_on_item_poll (GcsAdapter  *self,
                   GcsWaker    *waker,
                   GValue      *item,
                   GError     **error)
{
  GError *local_error = NULL;
  GcsPoll result = gcs_upstream_poll (&self->up, waker, item, error);

  if (result != GCS_POLL_READY)
    return result;

  ((GcsUpdateFunc) self->cb.func) (item, self->cb.data, &local_error);
  if (G_LIKELY (local_error == NULL))
    return GCS_POLL_READY;
  gcs_value_clear (item);
  g_propagate_error (error, local_error);
  return GCS_POLL_ERROR;
}

static const GcsAdapterOps map_in_place_ops = { "map_in_place", call_on_item_poll, NULL };

/**
 * gcs_stream_map_in_place: (skip)
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): changes
 *   each item in place
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * Like gcs_stream_map() for a function that keeps the item's type: @func
 * gets the item itself to change, e.g. with g_value_set_int64(). It saves
 * the g_value_init() and g_value_unset() of every item, which cost more
 * than the rest of a stage for numbers. C only.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_map_in_place (GcsStream      *self,
                         GcsUpdateFunc   func,
                         gpointer        user_data,
                         GDestroyNotify  destroy)
{
  CHECK_COMBINATOR (self, func);
  return callback_adapter_new (&map_in_place_ops, self, func, user_data, destroy);
}

/* filter */

static GcsPoll
filter_poll (GcsAdapter  *self,
             GcsWaker    *waker,
             GValue      *item,
             GError     **error)
{
  for (;;)
    {
      GError *local_error = NULL;
      GcsPoll result = gcs_upstream_poll (&self->up, waker, item, error);
      gboolean keep;

      if (result != GCS_POLL_READY)
        return result;

      keep = ((GcsPredicateFunc) self->cb.func) (item, self->cb.data, &local_error);
      if (local_error != NULL)
        {
          gcs_value_clear (item);
          g_propagate_error (error, local_error);
          return GCS_POLL_ERROR;
        }
      if (keep)
        return GCS_POLL_READY;
      gcs_value_clear (item);
    }
}

static const GcsAdapterOps filter_ops = { "filter", filter_poll, NULL };

/**
 * gcs_stream_filter:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): whether to
 *   keep an item
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * A stream of the items @func keeps.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_filter (GcsStream        *self,
                   GcsPredicateFunc  func,
                   gpointer          user_data,
                   GDestroyNotify    destroy)
{
  CHECK_COMBINATOR (self, func);
  return callback_adapter_new (&filter_ops, self, func, user_data, destroy);
}

/* filter_map */

static gboolean
is_nothing (const GValue *value)
{
  /* Python's None leaves the result unset; JavaScript's null is a NULL
   * pointer value. */
  return !gcs_value_is_set (value) ||
         (G_VALUE_HOLDS_POINTER (value) && g_value_get_pointer (value) == NULL);
}

static GcsPoll
filter_map_poll (GcsAdapter  *self,
                 GcsWaker    *waker,
                 GValue      *item,
                 GError     **error)
{
  for (;;)
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
    }
}

static const GcsAdapterOps filter_map_ops = { "filter_map", filter_map_poll, NULL };

/**
 * gcs_stream_filter_map:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): turns an
 *   item into another, or into nothing (leave @result unset in C; return
 *   None or null from Python or JavaScript) to drop it
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * Maps and filters in one step.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_filter_map (GcsStream      *self,
                       GcsMapFunc      func,
                       gpointer        user_data,
                       GDestroyNotify  destroy)
{
  CHECK_COMBINATOR (self, func);
  return callback_adapter_new (&filter_map_ops, self, func, user_data, destroy);
}

/* inspect */

static const GcsAdapterOps inspect_ops = { "inspect", call_on_item_poll, NULL };

/**
 * gcs_stream_inspect:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): looks at
 *   each item as it passes
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * The same items, with @func called on each: for logging and debugging.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_inspect (GcsStream      *self,
                    GcsVisitFunc    func,
                    gpointer        user_data,
                    GDestroyNotify  destroy)
{
  CHECK_COMBINATOR (self, func);
  return callback_adapter_new (&inspect_ops, self, func, user_data, destroy);
}

/* take_while and skip_while */

static GcsPoll
take_while_poll (GcsAdapter  *self,
                 GcsWaker    *waker,
                 GValue      *item,
                 GError     **error)
{
  GError *local_error = NULL;
  GcsPoll result = gcs_upstream_poll (&self->up, waker, item, error);
  gboolean keep;

  if (result != GCS_POLL_READY)
    return result;

  keep = ((GcsPredicateFunc) self->cb.func) (item, self->cb.data, &local_error);
  if (keep && local_error == NULL)
    return GCS_POLL_READY;
  gcs_value_clear (item);
  if (local_error == NULL)
    return GCS_POLL_DONE;
  g_propagate_error (error, local_error);
  return GCS_POLL_ERROR;
}

static const GcsAdapterOps take_while_ops = { "take_while", take_while_poll, NULL };

/**
 * gcs_stream_take_while:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): whether to
 *   go on
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once the stream is done with it
 *
 * The items up to the first one @func rejects; the stream ends there and
 * lets @self go.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_take_while (GcsStream        *self,
                       GcsPredicateFunc  func,
                       gpointer          user_data,
                       GDestroyNotify    destroy)
{
  CHECK_COMBINATOR (self, func);
  return callback_adapter_new (&take_while_ops, self, func, user_data, destroy);
}

static GcsPoll
skip_while_poll (GcsAdapter  *self,
                 GcsWaker    *waker,
                 GValue      *item,
                 GError     **error)
{
  for (;;)
    {
      GError *local_error = NULL;
      GcsPoll result = gcs_upstream_poll (&self->up, waker, item, error);
      gboolean skip;

      if (result != GCS_POLL_READY || self->cb.func == NULL)
        return result;

      skip = ((GcsPredicateFunc) self->cb.func) (item, self->cb.data, &local_error);
      if (local_error != NULL)
        {
          gcs_value_clear (item);
          g_propagate_error (error, local_error);
          return GCS_POLL_ERROR;
        }
      if (!skip)
        {
          /* Done skipping: the callback is not needed any more. */
          gcs_callback_clear (&self->cb);
          return GCS_POLL_READY;
        }
      gcs_value_clear (item);
    }
}

static const GcsAdapterOps skip_while_ops = { "skip_while", skip_while_poll, NULL };

/**
 * gcs_stream_skip_while:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): whether to
 *   skip an item
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data once it is no longer needed
 *
 * The items from the first one @func does not skip on.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_skip_while (GcsStream        *self,
                       GcsPredicateFunc  func,
                       gpointer          user_data,
                       GDestroyNotify    destroy)
{
  CHECK_COMBINATOR (self, func);
  return callback_adapter_new (&skip_while_ops, self, func, user_data, destroy);
}
