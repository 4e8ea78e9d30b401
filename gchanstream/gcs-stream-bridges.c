/* gcs-stream-bridges.c: from_property, from_signal, take_until_disposed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The object side and the stream side share a Watch, reference counted:
 * the stream holds one reference, the object's weak-reference list one
 * (dropped when the object is disposed or the stream lets go), a signal
 * handler one (dropped when it is disconnected or the object's handlers
 * are destroyed). Notifications and emissions come on the object's
 * thread: they queue items under the Watch's lock and wake the consumer's
 * waker. The stream never holds a strong reference to the object except
 * for the moment it disconnects, taken through a GWeakRef: an object at
 * its last unref on another thread is then left to its disposal, which
 * drops the handler and the weak reference by itself.
 */

#include "config.h"

#include "gcs-lock-private.h"
#include "gcs-stream-events.h"
#include "gcs-stream-private.h"

typedef struct _Watch Watch;

struct _Watch
{
  gint        ref_count;   /* gcs_ref_*() */
  GcsMutex    lock;
  GWeakRef    object;
  gulong      handler_id;  /* set once, before anything can run */

  /* Under the lock */
  GQueue      items;       /* GValue * */
  GcsWaker   *waker;
  gboolean    disposed;
  gboolean    released;    /* the stream let go */

  /* take_until_disposed: releasing its upstream at once, when that is
   * safe (see take_until_disposed_weak_notify()) */
  GWeakRef    adapter;
  GThread    *poll_thread; /* atomic */
  gboolean    in_poll;     /* written and read on poll_thread */

  /* from_property */
  GParamSpec *pspec;
};

static void
value_free (gpointer data)
{
  GValue *value = data;

  gcs_value_clear (value);
  g_free (value);
}

static Watch *
watch_new (GObject *object)
{
  Watch *self = g_new0 (Watch, 1);

  gcs_ref_init (&self->ref_count);
  gcs_mutex_init (&self->lock);
  g_weak_ref_init (&self->object, object);
  g_weak_ref_init (&self->adapter, NULL);
  g_queue_init (&self->items);
  return self;
}

static Watch *
watch_ref (Watch *self)
{
  gcs_ref_inc (&self->ref_count);
  return self;
}

static void
watch_unref (gpointer data)
{
  Watch *self = data;

  if (!gcs_ref_dec (&self->ref_count))
    return;
  g_queue_clear_full (&self->items, value_free);
  g_clear_pointer (&self->waker, gcs_waker_unref);
  g_weak_ref_clear (&self->object);
  g_weak_ref_clear (&self->adapter);
  g_clear_pointer (&self->pspec, g_param_spec_unref);
  gcs_mutex_clear (&self->lock);
  g_free (self);
}

/* Wakes the consumer, outside of the lock. */
static void
watch_wake_unlock (Watch *self)
{
  GcsWaker *waker = self->waker ? gcs_waker_ref (self->waker) : NULL;

  gcs_mutex_unlock (&self->lock);
  if (waker != NULL)
    {
      gcs_waker_wake (waker);
      gcs_waker_unref (waker);
    }
}

/* On the object's thread, with a value to hand over (taken). */
static void
watch_push (Watch  *self,
            GValue *value)
{
  gcs_mutex_lock (&self->lock);
  if (self->released || self->disposed)
    {
      gcs_mutex_unlock (&self->lock);
      value_free (value);
      return;
    }
  g_queue_push_tail (&self->items, value);
  watch_wake_unlock (self);
}

static void
watch_weak_notify (gpointer  data,
                   GObject  *where_the_object_was)
{
  Watch *self = data;

  gcs_mutex_lock (&self->lock);
  self->disposed = TRUE;
  watch_wake_unlock (self);
  watch_unref (self);
}

/* Starts watching @object's disposal. */
static void
watch_weak_ref (Watch   *self,
                GObject *object,
                GWeakNotify notify)
{
  g_object_weak_ref (object, notify, watch_ref (self));
}

/* The stream side: the next queued item, the end, or pending. */
static GcsPoll
watch_poll (Watch    *self,
            GcsWaker *waker,
            GValue   *item)
{
  GValue *value;

  gcs_mutex_lock (&self->lock);
  value = g_queue_pop_head (&self->items);
  if (value != NULL)
    {
      gcs_mutex_unlock (&self->lock);
      gcs_value_move (item, value);
      g_free (value);
      return GCS_POLL_READY;
    }
  if (self->disposed)
    {
      gcs_mutex_unlock (&self->lock);
      return GCS_POLL_DONE;
    }
  if (self->waker != waker)
    {
      g_clear_pointer (&self->waker, gcs_waker_unref);
      self->waker = gcs_waker_ref (waker);
    }
  gcs_mutex_unlock (&self->lock);
  return GCS_POLL_PENDING;
}

/* The stream lets go (its end, a cancelled consumer, its finalization):
 * disconnect, stop watching, drop what is queued. */
static void
watch_release (Watch       *self,
               GWeakNotify  notify)
{
  GQueue items = G_QUEUE_INIT;
  gboolean disposed;
  GObject *object;

  gcs_mutex_lock (&self->lock);
  self->released = TRUE;
  disposed = self->disposed;
  /* Freed outside the lock: an item may hold the object's last reference
   * (a signal's instance), whose disposal calls our weak notify. */
  items = self->items;
  g_queue_init (&self->items);
  g_clear_pointer (&self->waker, gcs_waker_unref);
  gcs_mutex_unlock (&self->lock);

  /* NULL: the object is at its last unref, maybe on another thread; its
   * disposal destroys the handler and calls the weak notify, which drops
   * their references. */
  object = disposed ? NULL : g_weak_ref_get (&self->object);
  if (object != NULL)
    {
      if (self->handler_id != 0 && g_signal_handler_is_connected (object, self->handler_id))
        g_signal_handler_disconnect (object, self->handler_id);
      g_object_weak_unref (object, notify, self);
      watch_unref (self);
      g_object_unref (object);
    }
  g_queue_clear_full (&items, value_free);
  watch_unref (self);
}

/* A handler's data goes with its closure. */
static void
signal_closure_finalize (gpointer  data,
                         GClosure *closure)
{
  watch_unref (data);
}

/* A source stream over a Watch: from_property and from_signal */

typedef struct
{
  Watch *watch;
} WatchState;

static GcsPoll
watch_source_poll (GcsAdapter  *self,
                   GcsWaker    *waker,
                   GValue      *item,
                   GError     **error)
{
  if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
    return gcs_waker_yield (waker);
  return watch_poll (((WatchState *) self->state)->watch, waker, item);
}

static void
watch_source_clear (GcsAdapter *self)
{
  WatchState *state = self->state;

  if (state->watch != NULL)
    watch_release (g_steal_pointer (&state->watch), watch_weak_notify);
}

static const GcsAdapterOps from_property_ops = { "from_property", watch_source_poll, watch_source_clear };
static const GcsAdapterOps from_signal_ops = { "from_signal", watch_source_poll, watch_source_clear };

static GcsStream *
watch_source_new (const GcsAdapterOps *ops,
                  Watch               *watch)
{
  GcsAdapter *adapter = gcs_adapter_new (ops, NULL, sizeof (WatchState));

  ((WatchState *) adapter->state)->watch = watch;
  return GCS_STREAM (adapter);
}

/* from_property */

static void
property_push (Watch   *self,
               GObject *object)
{
  GValue *value = g_new0 (GValue, 1);

  g_value_init (value, G_PARAM_SPEC_VALUE_TYPE (self->pspec));
  g_object_get_property (object, self->pspec->name, value);
  watch_push (self, value);
}

static void
property_notify_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    data)
{
  property_push (data, object);
}

/**
 * gcs_stream_from_property:
 * @object: a #GObject
 * @name: the name of one of its readable properties
 *
 * The value of a property now, then its value at each change (each
 * #GObject::notify for it, read on the thread that changed it), in order,
 * none lost. The stream holds only a weak reference to @object: the
 * object's disposal ends the stream, once the values it saw before are
 * delivered. The notify handler is disconnected when the stream ends, is
 * cancelled or released.
 *
 * The items are of the property's value type.
 *
 * Returns: (transfer full) (nullable): a new #GcsStream, or %NULL after a
 *   critical if @object has no readable property @name
 */
GcsStream *
gcs_stream_from_property (GObject    *object,
                          const char *name)
{
  g_autofree char *detailed = NULL;
  GParamSpec *pspec;
  Watch *watch;

  g_return_val_if_fail (G_IS_OBJECT (object), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);
  if (pspec == NULL || !(pspec->flags & G_PARAM_READABLE))
    {
      g_critical ("%s: %s has no readable property \"%s\"",
                  G_STRFUNC, G_OBJECT_TYPE_NAME (object), name);
      return NULL;
    }

  watch = watch_new (object);
  watch->pspec = g_param_spec_ref (pspec);
  /* The value now, then each change: connected before it is read, so no
   * change falls in between (one may then come twice: harmless). */
  detailed = g_strconcat ("notify::", pspec->name, NULL);
  watch->handler_id = g_signal_connect_data (object, detailed, G_CALLBACK (property_notify_cb),
                                             watch_ref (watch), signal_closure_finalize, 0);
  watch_weak_ref (watch, object, watch_weak_notify);
  property_push (watch, object);
  return watch_source_new (&from_property_ops, watch);
}

/* from_signal: a closure with its own marshaller sees every signal's
 * parameters as GValues, whatever their types. */

static void
signal_marshal (GClosure     *closure,
                GValue       *return_value,
                guint         n_param_values,
                const GValue *param_values,
                gpointer      invocation_hint,
                gpointer      marshal_data)
{
  Watch *self = closure->data;
  GValue *value = g_new0 (GValue, 1);

  if (n_param_values <= 1)
    {
      /* No parameters: the instance. */
      gcs_value_copy_new (&param_values[0], value);
    }
  else if (n_param_values == 2)
    {
      gcs_value_copy_new (&param_values[1], value);
    }
  else
    {
      guint n = n_param_values - 1;
      GValue *params = g_new0 (GValue, n);

      for (guint i = 0; i < n; i++)
        gcs_value_copy_new (&param_values[i + 1], &params[i]);
      gcs_value_take_sequence (value, params, n);
      g_free (params);
    }
  watch_push (self, value);
}

/**
 * gcs_stream_from_signal:
 * @object: a #GObject
 * @signal_name: a signal of @object, as "name" or "name::detail"
 *
 * An item per emission of the signal, in order, none lost: @object itself
 * for a signal without parameters, the parameter for a signal with one, a
 * sequence of the parameters (a #GValueArray in C, a list in Python, an
 * array in JavaScript) for a signal with several. Emissions on any thread
 * are delivered on the consuming context.
 *
 * The stream holds only a weak reference to @object: the object's
 * disposal ends the stream, once the emissions before it are delivered.
 * The handler is disconnected when the stream ends, is cancelled or
 * released. For a signal with a return value the handler returns nothing
 * of its own (the type's default): prefer signals without one.
 *
 * Returns: (transfer full) (nullable): a new #GcsStream, or %NULL after a
 *   critical if @object has no signal @signal_name
 */
GcsStream *
gcs_stream_from_signal (GObject    *object,
                        const char *signal_name)
{
  GClosure *closure;
  guint signal_id;
  GQuark detail;
  Watch *watch;

  g_return_val_if_fail (G_IS_OBJECT (object), NULL);
  g_return_val_if_fail (signal_name != NULL, NULL);

  if (!g_signal_parse_name (signal_name, G_OBJECT_TYPE (object), &signal_id, &detail, TRUE))
    {
      g_critical ("%s: %s has no signal \"%s\"",
                  G_STRFUNC, G_OBJECT_TYPE_NAME (object), signal_name);
      return NULL;
    }

  watch = watch_new (object);
  closure = g_closure_new_simple (sizeof (GClosure), watch_ref (watch));
  g_closure_add_finalize_notifier (closure, watch, signal_closure_finalize);
  g_closure_set_marshal (closure, signal_marshal);
  watch->handler_id = g_signal_connect_closure_by_id (object, signal_id, detail, closure, FALSE);
  watch_weak_ref (watch, object, watch_weak_notify);
  return watch_source_new (&from_signal_ops, watch);
}

/* take_until_disposed */

static GcsPoll
take_until_disposed_poll (GcsAdapter  *self,
                          GcsWaker    *waker,
                          GValue      *item,
                          GError     **error)
{
  Watch *watch = ((WatchState *) self->state)->watch;
  gboolean disposed;
  GcsPoll result;

  gcs_mutex_lock (&watch->lock);
  disposed = watch->disposed;
  if (!disposed && watch->waker != waker)
    {
      g_clear_pointer (&watch->waker, gcs_waker_unref);
      watch->waker = gcs_waker_ref (waker);
    }
  gcs_mutex_unlock (&watch->lock);
  if (disposed || self->up.stream == NULL)
    return GCS_POLL_DONE;

  if (G_UNLIKELY (g_atomic_pointer_get (&watch->poll_thread) != g_thread_self ()))
    g_atomic_pointer_set (&watch->poll_thread, g_thread_self ());
  watch->in_poll = TRUE;
  result = gcs_upstream_poll (&self->up, waker, item, error);
  watch->in_poll = FALSE;
  return result;
}

static void
take_until_disposed_weak_notify (gpointer  data,
                                 GObject  *where_the_object_was)
{
  Watch *self = data;
  GcsAdapter *adapter;
  gboolean released;

  gcs_mutex_lock (&self->lock);
  self->disposed = TRUE;
  released = self->released;
  watch_wake_unlock (self);

  /* Release the pipeline now if this is the thread that polls it (a
   * widget disposed on the main thread) and it is not being polled, which
   * a callback upstream of us disposing the object would mean: the
   * callbacks and what they hold go with the object. Elsewhere the next
   * poll, which the wake above brings, ends the stream and releases it. */
  if (!released && g_atomic_pointer_get (&self->poll_thread) == g_thread_self () && !self->in_poll &&
      (adapter = g_weak_ref_get (&self->adapter)) != NULL)
    {
      gcs_upstream_clear (&adapter->up);
      g_object_unref (adapter);
    }
  watch_unref (self);
}

static void
take_until_disposed_clear (GcsAdapter *self)
{
  WatchState *state = self->state;

  if (state->watch != NULL)
    watch_release (g_steal_pointer (&state->watch), take_until_disposed_weak_notify);
}

static const GcsAdapterOps take_until_disposed_ops = {
  "take_until_disposed", take_until_disposed_poll, take_until_disposed_clear
};

/**
 * gcs_stream_take_until_disposed:
 * @self: a #GcsStream
 * @object: a #GObject, a widget say
 *
 * The items of @self until @object is disposed: then the stream ends, and
 * releases @self and the callbacks of the pipeline behind it, at once if
 * @object is disposed on the thread that consumes the stream, else at the
 * consumer's next iteration. No item of @self is delivered after the
 * disposal. The stream holds only a weak reference to @object.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_take_until_disposed (GcsStream *self,
                                GObject   *object)
{
  GcsAdapter *adapter;
  Watch *watch;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (G_IS_OBJECT (object), NULL);

  adapter = gcs_adapter_new (&take_until_disposed_ops, self, sizeof (WatchState));
  if (adapter == NULL)
    return NULL;
  watch = watch_new (object);
  g_weak_ref_set (&watch->adapter, adapter);
  watch_weak_ref (watch, object, take_until_disposed_weak_notify);
  ((WatchState *) adapter->state)->watch = watch;
  return GCS_STREAM (adapter);
}
