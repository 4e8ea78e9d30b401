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
 * waker.
 *
 * from_property and from_signal are lazy and bounded (API.md, "Bridges
 * are lazy and bounded"): until their first poll they hold only a
 * GWeakRef, no handler and no weak notification, so an object changed or
 * emitting a million times before anyone consumes the stream queues
 * nothing. The first poll connects (on the consumer's thread). A property
 * is state: its changes coalesce into one slot holding the latest value.
 * A signal's emissions queue, at most capacity of them with a GcsOverflow
 * policy that drops and counts (GcsSignalStream:dropped). The stream never holds a strong reference to the object except
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

  /* from_property: the latest value not yet delivered (coalesced), and
   * how many notifications stored one (for the first read's race) */
  GParamSpec *pspec;
  GValue      latest;      /* under the lock; unset when none */
  guint64     stores;      /* under the lock */

  /* from_signal */
  guint       signal_id;
  GQuark      detail;
  guint       capacity;    /* 0: unbounded */
  GcsOverflow overflow;
  guint64     dropped;     /* under the lock */

  /* Lazy bridges: connected at the first poll (consumer's thread only). */
  gboolean    connected;
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
  if (gcs_value_is_set (&self->latest))
    gcs_value_clear (&self->latest);
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

/* On the object's thread, with a value to hand over (taken). At most
 * capacity values wait: the overflow policy drops the oldest or this one,
 * counted. */
static void
watch_push (Watch  *self,
            GValue *value)
{
  GValue *dropped = NULL;

  gcs_mutex_lock (&self->lock);
  if (self->released || self->disposed)
    {
      gcs_mutex_unlock (&self->lock);
      value_free (value);
      return;
    }
  if (self->capacity > 0 && self->items.length >= self->capacity)
    {
      self->dropped++;
      if (self->overflow == GCS_OVERFLOW_DROP_NEWEST)
        {
          gcs_mutex_unlock (&self->lock);
          value_free (value);
          return;
        }
      dropped = g_queue_pop_head (&self->items);
    }
  g_queue_push_tail (&self->items, value);
  watch_wake_unlock (self);
  /* Freed outside the lock: it may hold the object's last reference. */
  if (dropped != NULL)
    value_free (dropped);
}

/* from_property: replaces the latest value not yet delivered with @value
 * (moved); with @if_first, only if no notification stored one since
 * *@if_first was read (a newer value than ours). */
static void
watch_store_latest (Watch   *self,
                    GValue  *value,
                    guint64 *if_first)
{
  GValue old = G_VALUE_INIT;

  gcs_mutex_lock (&self->lock);
  if (self->released || self->disposed || (if_first != NULL && self->stores != *if_first))
    {
      gcs_mutex_unlock (&self->lock);
      gcs_value_clear (value);
      return;
    }
  self->stores++;
  if (gcs_value_is_set (&self->latest))
    gcs_value_move (&old, &self->latest);
  gcs_value_move (&self->latest, value);
  watch_wake_unlock (self);
  if (gcs_value_is_set (&old))
    gcs_value_clear (&old);
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
  if (gcs_value_is_set (&self->latest))
    {
      gcs_value_move (item, &self->latest);
      gcs_mutex_unlock (&self->lock);
      return GCS_POLL_READY;
    }
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
  GValue latest = G_VALUE_INIT;
  gboolean disposed;
  GObject *object;

  gcs_mutex_lock (&self->lock);
  self->released = TRUE;
  /* Never connected (a lazy bridge released before its first poll):
   * nothing to disconnect, no weak notification to take back. */
  disposed = self->disposed || !self->connected;
  if (gcs_value_is_set (&self->latest))
    gcs_value_move (&latest, &self->latest);
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
  if (gcs_value_is_set (&latest))
    gcs_value_clear (&latest);
  watch_unref (self);
}

/* A handler's data goes with its closure. */
static void
signal_closure_finalize (gpointer  data,
                         GClosure *closure)
{
  watch_unref (data);
}

/* from_property */

static void
property_read (Watch   *self,
               GObject *object,
               GValue  *value)
{
  g_value_init (value, G_PARAM_SPEC_VALUE_TYPE (self->pspec));
  g_object_get_property (object, self->pspec->name, value);
}

/* On the thread that changed the property: the latest value replaces the
 * one not yet delivered. */
static void
property_notify_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    data)
{
  GValue value = G_VALUE_INIT;

  property_read (data, object, &value);
  watch_store_latest (data, &value, NULL);
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

/* The first poll of a lazy bridge, on the consumer's thread: connects to
 * the object if it is still there (else the stream just ends), and for a
 * property reads the value current now. */
static void
watch_connect (Watch *self)
{
  GObject *object = g_weak_ref_get (&self->object);
  gulong handler_id;

  if (object == NULL)
    {
      gcs_mutex_lock (&self->lock);
      self->connected = TRUE;
      self->disposed = TRUE;
      gcs_mutex_unlock (&self->lock);
      return;
    }

  /* Connected before the value is read, so no change falls in between. */
  if (self->pspec != NULL)
    {
      g_autofree char *detailed = g_strconcat ("notify::", self->pspec->name, NULL);

      handler_id = g_signal_connect_data (object, detailed, G_CALLBACK (property_notify_cb),
                                          watch_ref (self), signal_closure_finalize, 0);
    }
  else
    {
      GClosure *closure = g_closure_new_simple (sizeof (GClosure), watch_ref (self));

      g_closure_add_finalize_notifier (closure, self, signal_closure_finalize);
      g_closure_set_marshal (closure, signal_marshal);
      handler_id = g_signal_connect_closure_by_id (object, self->signal_id, self->detail, closure, FALSE);
    }
  self->handler_id = handler_id;
  watch_weak_ref (self, object, watch_weak_notify);
  gcs_mutex_lock (&self->lock);
  self->connected = TRUE;
  gcs_mutex_unlock (&self->lock);

  if (self->pspec != NULL)
    {
      GValue value = G_VALUE_INIT;
      guint64 stores;

      /* A notification that stored a value meanwhile stored a newer one
       * than this read may see. */
      gcs_mutex_lock (&self->lock);
      stores = self->stores;
      gcs_mutex_unlock (&self->lock);
      property_read (self, object, &value);
      watch_store_latest (self, &value, &stores);
    }
  /* May be the last reference (another thread let go meanwhile): the
   * disposal then ends the stream through the weak notification. */
  g_object_unref (object);
}

static GcsPoll
watch_source_poll_watch (Watch     *watch,
                         GcsWaker  *waker,
                         GValue    *item)
{
  if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
    return gcs_waker_yield (waker);
  if (G_UNLIKELY (!watch->connected))
    watch_connect (watch);
  return watch_poll (watch, waker, item);
}

/* from_property: an adapter over a Watch */

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
  return watch_source_poll_watch (((WatchState *) self->state)->watch, waker, item);
}

static void
watch_source_clear (GcsAdapter *self)
{
  WatchState *state = self->state;

  if (state->watch != NULL)
    watch_release (g_steal_pointer (&state->watch), watch_weak_notify);
}

static const GcsAdapterOps from_property_ops = { "from_property", watch_source_poll, watch_source_clear };

/**
 * gcs_stream_from_property:
 * @object: a #GObject
 * @name: the name of one of its readable properties
 *
 * The value of a property, then its value at each change. The stream is
 * lazy: it connects to @object's #GObject::notify at its first poll, not
 * before, and its first item is the value current then. Changes that
 * come faster than the consumer polls coalesce to the latest value (each
 * read on the thread that changed it): a property is state, as in a watch
 * channel, so a stream nobody consumes, or a slow consumer, costs one
 * value, whatever the number of changes.
 *
 * The stream holds only a weak reference to @object: if the object is
 * disposed before the first poll the stream just ends; disposed later,
 * it ends once the latest value it saw is delivered. The notify handler
 * is disconnected when the stream ends, is cancelled or released.
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
  GcsAdapter *adapter;
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
  adapter = gcs_adapter_new (&from_property_ops, NULL, sizeof (WatchState));
  ((WatchState *) adapter->state)->watch = watch;
  return GCS_STREAM (adapter);
}

/* from_signal: GcsSignalStream */

/**
 * GcsSignalStream:
 *
 * The stream of a signal's emissions, from gcs_stream_from_signal() and
 * gcs_stream_from_signal_full(): a #GcsStream with a
 * #GcsSignalStream:dropped count.
 */
struct _GcsSignalStream
{
  GObject  parent_instance;
  Watch   *watch;
  guint64  dropped;   /* once released, what the watch counted */
};

enum {
  SIGNAL_STREAM_PROP_0,
  SIGNAL_STREAM_PROP_DROPPED,
  SIGNAL_STREAM_N_PROPS
};

static GParamSpec *signal_stream_properties[SIGNAL_STREAM_N_PROPS];

static void gcs_signal_stream_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsSignalStream, gcs_signal_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_signal_stream_stream_init))

static void
gcs_signal_stream_release (GcsStream *stream)
{
  GcsSignalStream *self = GCS_SIGNAL_STREAM (stream);

  if (self->watch != NULL)
    {
      self->dropped = gcs_signal_stream_get_dropped (self);
      watch_release (g_steal_pointer (&self->watch), watch_weak_notify);
    }
}

static void
gcs_signal_stream_finalize (GObject *object)
{
  gcs_signal_stream_release (GCS_STREAM (object));

  G_OBJECT_CLASS (gcs_signal_stream_parent_class)->finalize (object);
}

static void
gcs_signal_stream_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GcsSignalStream *self = GCS_SIGNAL_STREAM (object);

  switch (prop_id)
    {
    case SIGNAL_STREAM_PROP_DROPPED:
      g_value_set_uint64 (value, gcs_signal_stream_get_dropped (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_signal_stream_class_init (GcsSignalStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_signal_stream_finalize;
  object_class->get_property = gcs_signal_stream_get_property;

  /**
   * GcsSignalStream:dropped:
   *
   * How many emissions the overflow policy of
   * gcs_stream_from_signal_full() dropped: with
   * %GCS_OVERFLOW_DROP_OLDEST the oldest waiting one, with
   * %GCS_OVERFLOW_DROP_NEWEST the new one. Always 0 for an unbounded
   * stream. It is read without notification: a snapshot of a value the
   * emitting threads change.
   */
  signal_stream_properties[SIGNAL_STREAM_PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", "Dropped",
                         "How many emissions the overflow policy dropped",
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, SIGNAL_STREAM_N_PROPS, signal_stream_properties);
}

static void
gcs_signal_stream_init (GcsSignalStream *self)
{
}

static GcsPoll
gcs_signal_stream_poll_next (GcsStream  *stream,
                             GcsWaker   *waker,
                             GValue     *item,
                             GError    **error)
{
  GcsSignalStream *self = GCS_SIGNAL_STREAM (stream);
  GcsPoll result;

  if (self->watch == NULL)
    return GCS_POLL_DONE;
  result = watch_source_poll_watch (self->watch, waker, item);
  /* Ended: the handler goes at once, as an adapter's would. */
  if (result == GCS_POLL_DONE)
    gcs_signal_stream_release (stream);
  return result;
}

static void
gcs_signal_stream_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_signal_stream_poll_next;
  iface->release = gcs_signal_stream_release;
}

/**
 * gcs_signal_stream_get_dropped:
 * @self: a #GcsSignalStream
 *
 * Gets the #GcsSignalStream:dropped property.
 *
 * Returns: how many emissions the overflow policy dropped
 */
guint64
gcs_signal_stream_get_dropped (GcsSignalStream *self)
{
  guint64 dropped;

  g_return_val_if_fail (GCS_IS_SIGNAL_STREAM (self), 0);

  if (self->watch == NULL)
    return self->dropped;
  gcs_mutex_lock (&self->watch->lock);
  dropped = self->watch->dropped;
  gcs_mutex_unlock (&self->watch->lock);
  return dropped;
}

/**
 * gcs_stream_from_signal_full:
 * @object: a #GObject
 * @signal_name: a signal of @object, as "name" or "name::detail"
 * @capacity: how many emissions may wait for the consumer; 0 for no limit
 * @overflow: what an emission does when @capacity wait already:
 *   %GCS_OVERFLOW_DROP_OLDEST or %GCS_OVERFLOW_DROP_NEWEST (a signal
 *   cannot wait, so %GCS_OVERFLOW_BLOCK is refused with a critical)
 *
 * An item per emission of the signal, in order: @object itself for a
 * signal without parameters, the parameter for a signal with one, a
 * sequence of the parameters (a #GValueArray in C, a list in Python, an
 * array in JavaScript) for a signal with several. Emissions on any thread
 * are delivered on the consuming context.
 *
 * The stream is lazy: it connects to the signal at its first poll, not
 * before, so emissions before it are not seen and nothing is queued for a
 * stream nobody consumes. Once it runs, at most @capacity emissions wait
 * for the consumer; past that @overflow drops one, counted in the
 * returned stream's #GcsSignalStream:dropped property.
 *
 * The stream holds only a weak reference to @object: if the object is
 * disposed before the first poll the stream just ends; disposed later, it
 * ends once the emissions before the disposal are delivered. The handler
 * is disconnected when the stream ends, is cancelled or released. For a
 * signal with a return value the handler returns nothing of its own (the
 * type's default): prefer signals without one.
 *
 * Returns: (transfer full) (nullable): a new #GcsSignalStream (a
 *   #GcsStream: in C cast it to a #GcsSignalStream, in Vala with
 *   `as Gcs.SignalStream`, to read #GcsSignalStream:dropped; Python and
 *   JavaScript see its type), or %NULL after a critical if @object has no
 *   signal @signal_name or @overflow is %GCS_OVERFLOW_BLOCK with a
 *   capacity
 */
GcsStream *
gcs_stream_from_signal_full (GObject     *object,
                             const char  *signal_name,
                             guint        capacity,
                             GcsOverflow  overflow)
{
  GcsSignalStream *self;
  guint signal_id;
  GQuark detail;
  Watch *watch;

  g_return_val_if_fail (G_IS_OBJECT (object), NULL);
  g_return_val_if_fail (signal_name != NULL, NULL);
  g_return_val_if_fail (capacity == 0 || overflow == GCS_OVERFLOW_DROP_OLDEST ||
                        overflow == GCS_OVERFLOW_DROP_NEWEST, NULL);

  if (!g_signal_parse_name (signal_name, G_OBJECT_TYPE (object), &signal_id, &detail, TRUE))
    {
      g_critical ("%s: %s has no signal \"%s\"",
                  G_STRFUNC, G_OBJECT_TYPE_NAME (object), signal_name);
      return NULL;
    }

  watch = watch_new (object);
  watch->signal_id = signal_id;
  watch->detail = detail;
  watch->capacity = capacity;
  watch->overflow = overflow;
  self = g_object_new (GCS_TYPE_SIGNAL_STREAM, NULL);
  self->watch = watch;
  return GCS_STREAM (self);
}

/**
 * gcs_stream_from_signal:
 * @object: a #GObject
 * @signal_name: a signal of @object, as "name" or "name::detail"
 *
 * gcs_stream_from_signal_full() without a limit: every emission from the
 * first poll on waits for the consumer, none lost. Prefer the bounded
 * form for a signal that may be emitted faster than it is consumed.
 *
 * Returns: (transfer full) (nullable): a new #GcsSignalStream (see
 *   gcs_stream_from_signal_full()), or %NULL after a critical if @object
 *   has no signal @signal_name
 */
GcsStream *
gcs_stream_from_signal (GObject    *object,
                        const char *signal_name)
{
  g_return_val_if_fail (G_IS_OBJECT (object), NULL);
  g_return_val_if_fail (signal_name != NULL, NULL);

  return gcs_stream_from_signal_full (object, signal_name, 0, GCS_OVERFLOW_DROP_OLDEST);
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
  watch->connected = TRUE;
  ((WatchState *) adapter->state)->watch = watch;
  return GCS_STREAM (adapter);
}
