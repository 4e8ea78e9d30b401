/* gcs-binding.c: value-producing callbacks without an out GValue
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * PyGObject 3.42 leaks the GValue it allocates for a callback's
 * (out caller-allocates) GValue argument (32-40 bytes per call of a map,
 * filter_map, map_while, scan or fold callback). These entry points take callbacks
 * with no out argument: the callback calls gcs_binding_set_result() with
 * its value (a plain in-argument, which PyGObject frees), and a C
 * trampoline, itself an ordinary #GcsMapFunc / #GcsFoldFunc, moves that
 * value into the combinator's result. A per-thread stack of result slots
 * tells gcs_binding_set_result() which call it answers: every callback of
 * a pipeline runs on its context's thread, and nested pipelines (a
 * callback that iterates a main loop) push their own slot.
 */

#include "config.h"

#include "gcs-binding.h"
#include "gcs-stream-operators.h"

/**
 * SECTION:gcs-binding
 * @title: Entry points for bindings
 * @short_description: value callbacks without an out GValue, releasing a stream
 *
 * Language bindings call these instead of the C entry points they mirror.
 * gcs_stream_binding_map(), gcs_stream_binding_filter_map(),
 * gcs_stream_binding_map_while(), gcs_stream_binding_scan() and
 * gcs_stream_binding_fold_async() take
 * callbacks that hand their value over with gcs_binding_set_result()
 * rather than through an `(out caller-allocates)` #GValue, which
 * PyGObject 3.42 leaks on every call. The Python override uses them, so
 * Python code just returns a value:
 *
 * |[<!-- language="Python" -->
 * doubled = stream.map(lambda x: x * 2)      # gcs_stream_binding_map()
 * async for item in doubled:                 # next_async(), then release()
 *     print(item)
 * ]|
 *
 * gcs_stream_release() is what leaving a `for await` loop early does in
 * GJS (through gchanstream.js):
 *
 * |[<!-- language="JavaScript" -->
 * for await (const line of Gcs.ReceiverStream.new(rx)) {
 *     if (line === 'quit')
 *         break;   // releases the stream: the senders see CLOSED
 * }
 * ]|
 */

typedef struct _ResultSlot ResultSlot;
struct _ResultSlot
{
  GValue     *result;   /* the combinator's caller-allocated value */
  ResultSlot *outer;
};

static GPrivate current_slot;

typedef struct
{
  union {
    GcsBindingMapFunc  map;
    GcsBindingFoldFunc fold;
  } func;
  gpointer       user_data;
  GDestroyNotify destroy;
} Closure;

static Closure *
closure_new (gpointer       func,
             gpointer       user_data,
             GDestroyNotify destroy)
{
  Closure *self = g_new0 (Closure, 1);

  self->func.map = (GcsBindingMapFunc) func;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

static void
closure_free (gpointer data)
{
  Closure *self = data;

  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_free (self);
}

static void
slot_push (ResultSlot *slot,
           GValue     *result)
{
  slot->result = result;
  slot->outer = g_private_get (&current_slot);
  g_private_set (&current_slot, slot);
}

static void
slot_pop (ResultSlot *slot,
          GError    **error)
{
  g_private_set (&current_slot, slot->outer);
  /* A failed call produces nothing, whatever it set before failing. */
  if (error != NULL && *error != NULL && G_IS_VALUE (slot->result))
    g_value_unset (slot->result);
}

static void
map_trampoline (const GValue  *item,
                GValue        *result,
                gpointer       data,
                GError       **error)
{
  Closure *closure = data;
  ResultSlot slot;

  slot_push (&slot, result);
  closure->func.map (item, closure->user_data, error);
  slot_pop (&slot, error);
}

static void
fold_trampoline (const GValue  *accumulator,
                 const GValue  *item,
                 GValue        *result,
                 gpointer       data,
                 GError       **error)
{
  Closure *closure = data;
  ResultSlot slot;

  slot_push (&slot, result);
  closure->func.fold (accumulator, item, closure->user_data, error);
  slot_pop (&slot, error);
}

/**
 * gcs_binding_set_result:
 * @value: (nullable): the value the running callback produces, or %NULL
 *   for none
 *
 * Called by a #GcsBindingMapFunc or #GcsBindingFoldFunc to hand over its
 * value; @value is copied. %NULL, or not calling it at all, produces no
 * value (filter_map then drops the item, map fails with
 * %GCS_CHANNEL_ERROR_TYPE). Calling it again replaces the value. Calling
 * it outside such a callback is a critical.
 *
 * Language bindings use it (the Python override does); C code uses
 * gcs_stream_map() and its out #GValue.
 */
void
gcs_binding_set_result (const GValue *value)
{
  ResultSlot *slot = g_private_get (&current_slot);

  g_return_if_fail (slot != NULL);
  g_return_if_fail (value == NULL || G_IS_VALUE (value));

  if (G_IS_VALUE (slot->result))
    g_value_unset (slot->result);
  if (value == NULL)
    return;
  g_value_init (slot->result, G_VALUE_TYPE (value));
  g_value_copy (value, slot->result);
}

/**
 * gcs_stream_binding_map:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): produces
 *   each item's value with gcs_binding_set_result()
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * gcs_stream_map() for language bindings, whose callbacks return their
 * value through gcs_binding_set_result() (see #GcsBindingMapFunc).
 *
 * Returns: (transfer full): the mapped stream
 */
GcsStream *
gcs_stream_binding_map (GcsStream         *self,
                        GcsBindingMapFunc  func,
                        gpointer           user_data,
                        GDestroyNotify     destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return gcs_stream_map (self, map_trampoline,
                         closure_new (func, user_data, destroy), closure_free);
}

/**
 * gcs_stream_binding_filter_map:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): produces
 *   each item's value with gcs_binding_set_result(), or nothing to drop it
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * gcs_stream_filter_map() for language bindings (see #GcsBindingMapFunc).
 *
 * Returns: (transfer full): the filtered and mapped stream
 */
GcsStream *
gcs_stream_binding_filter_map (GcsStream         *self,
                               GcsBindingMapFunc  func,
                               gpointer           user_data,
                               GDestroyNotify     destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return gcs_stream_filter_map (self, map_trampoline,
                                closure_new (func, user_data, destroy), closure_free);
}

/**
 * gcs_stream_binding_map_while:
 * @self: a #GcsStream
 * @func: (scope notified) (closure user_data) (destroy destroy): produces
 *   each item's value with gcs_binding_set_result(), or nothing to end the
 *   stream
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * gcs_stream_map_while() for language bindings (see #GcsBindingMapFunc).
 *
 * Returns: (transfer full): the mapped stream, ending at the first item
 *   @func produces nothing for
 */
GcsStream *
gcs_stream_binding_map_while (GcsStream         *self,
                              GcsBindingMapFunc  func,
                              gpointer           user_data,
                              GDestroyNotify     destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return gcs_stream_map_while (self, map_trampoline,
                               closure_new (func, user_data, destroy), closure_free);
}

/**
 * gcs_stream_binding_scan:
 * @self: a #GcsStream
 * @init: the seed accumulator
 * @func: (scope notified) (closure user_data) (destroy destroy): produces
 *   each new accumulator with gcs_binding_set_result()
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * gcs_stream_scan() for language bindings (see #GcsBindingFoldFunc).
 *
 * Returns: (transfer full): the stream of accumulators
 */
GcsStream *
gcs_stream_binding_scan (GcsStream          *self,
                         const GValue       *init,
                         GcsBindingFoldFunc  func,
                         gpointer            user_data,
                         GDestroyNotify      destroy)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (init != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  return gcs_stream_scan (self, init, fold_trampoline,
                          closure_new (func, user_data, destroy), closure_free);
}

/**
 * gcs_stream_binding_fold_async:
 * @self: a #GcsStream
 * @init: the seed accumulator
 * @func: (scope notified) (closure func_data) (destroy func_destroy):
 *   produces each new accumulator with gcs_binding_set_result()
 * @func_data: data for @func
 * @func_destroy: (nullable): frees @func_data
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data) (nullable): called when done
 * @user_data: data for @callback
 *
 * gcs_stream_fold_async() for language bindings (see
 * #GcsBindingFoldFunc); finish it with gcs_stream_binding_fold_finish().
 */
void
gcs_stream_binding_fold_async (GcsStream           *self,
                               const GValue        *init,
                               GcsBindingFoldFunc   func,
                               gpointer             func_data,
                               GDestroyNotify       func_destroy,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (GCS_IS_STREAM (self));
  g_return_if_fail (init != NULL);
  g_return_if_fail (func != NULL);

  gcs_stream_fold_async (self, init, fold_trampoline,
                         closure_new (func, func_data, func_destroy), closure_free,
                         cancellable, callback, user_data);
}

/**
 * gcs_stream_binding_fold_finish:
 * @self: a #GcsStream
 * @result: the #GAsyncResult
 * @error: return location for the stream's or a callback's error
 *
 * Finishes gcs_stream_binding_fold_async(), as gcs_stream_fold_finish().
 *
 * Returns: (transfer none) (nullable): the final accumulator, owned by
 *   @result
 */
const GValue *
gcs_stream_binding_fold_finish (GcsStream     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return gcs_stream_fold_finish (self, result, error);
}

/**
 * gcs_stream_release:
 * @self: a #GcsStream
 *
 * Tells @self that its consumer is done with it: it releases what it holds
 * now (its upstream, the callbacks of the pipeline behind it, a
 * #GcsReceiverStream's receiver, which the senders then see closed), even
 * though a binding may still hold a reference to the object. It is not
 * polled afterwards. This is what `break` out of `for await` (GJS,
 * through gchanstream.js) or `async for` (Python) calls; in C, dropping
 * the last reference does the same. Do not call it while an operation
 * consumes @self.
 */
void
gcs_stream_release (GcsStream *self)
{
  GcsStreamInterface *iface;

  g_return_if_fail (GCS_IS_STREAM (self));

  iface = GCS_STREAM_GET_IFACE (self);
  if (iface->release != NULL)
    iface->release (self);
}
