/* gcs-receiver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-poll-task-private.h"
#include "gcs-receiver-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-receiver
 * @title: GcsReceiver
 * @short_description: the receiving end of an mpsc channel
 *
 * A #GcsReceiver is consumed on one #GMainContext: the thread-default
 * context of the thread that first attaches or polls it. Receive with
 * gcs_receiver_recv_async(), with a source (gcs_receiver_attach()), or wrap
 * it in a stream. gcs_receiver_try_recv() and gcs_receiver_recv_blocking()
 * serve scripts, tests and worker threads.
 *
 * Values returned by the receive functions are owned by the receiver (or
 * by the #GAsyncResult for gcs_receiver_recv_finish()) and stay valid until
 * the next receive: copy them to keep them.
 *
 * The end of the stream comes when every sender handle is closed or
 * finalized, or after gcs_receiver_close(), once the queued items are
 * delivered. Finalizing the receiver closes the channel and releases the
 * queued items at once.
 *
 * Any number of consumers may wait on one receiver at once: several
 * gcs_receiver_recv_async() calls, attached sources, streams. Each item goes
 * to exactly one of them, and they take turns: consumers that wait are
 * served in the order they started waiting, whatever order their sources
 * happen to dispatch in, so pending receives complete in the order they
 * were made, and a busy attached source shares the items with a receive
 * made meanwhile. At the end every one of them sees the end. A consumer on
 * a second #GMainContext is refused with a critical: gcs_receiver_attach()
 * returns 0, a receive or a stream fails with %G_IO_ERROR_BUSY.
 *
 * A source removed with g_source_remove() or g_source_destroy(), from its
 * own callback too, calls nothing more; the items it did not deliver stay
 * queued for the next consumer.
 */

/**
 * GcsReceiver:
 *
 * The receiving end of an mpsc channel.
 */

struct _GcsReceiver
{
  GObject   parent_instance;
  GcsChan  *chan;
  GcsCoreRx *rx;            /* the channel's receiving side, its waiters */
  GValue    current;        /* what try_recv and recv_blocking returned */
  GcsQueue  batch;          /* taken from the channel, not yet delivered */
  GMainContext *context;    /* the consuming context, once claimed */
  GError   *end_error;      /* how the channel ended, not yet reported */
  guint     ended : 1;
};

G_DEFINE_FINAL_TYPE (GcsReceiver, gcs_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_CAPACITY,
  PROP_LENGTH,
  PROP_DROPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GcsReceiver *
gcs_receiver_new_for_chan (GcsChan *chan)
{
  GcsReceiver *self = g_object_new (GCS_TYPE_RECEIVER, NULL);

  self->chan = gcs_chan_ref (chan);
  self->rx = gcs_chan_get_rx (chan);
  gcs_chan_init_batch (chan, &self->batch);
  return self;
}

static void
gcs_receiver_clear_current (GcsReceiver *self)
{
  if (gcs_value_is_set (&self->current))
    gcs_value_clear (&self->current);
}

static void
gcs_receiver_finalize (GObject *object)
{
  GcsReceiver *self = GCS_RECEIVER (object);

  if (self->chan != NULL)
    {
      gcs_chan_close_receiver (self->chan, TRUE);
      gcs_chan_unref (self->chan);
    }
  gcs_queue_clear (&self->batch);
  gcs_receiver_clear_current (self);
  gcs_consumer_release_context (&self->context);
  g_clear_error (&self->end_error);

  G_OBJECT_CLASS (gcs_receiver_parent_class)->finalize (object);
}

static void
gcs_receiver_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GcsReceiver *self = GCS_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, gcs_receiver_get_item_type (self));
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, gcs_receiver_get_capacity (self));
      break;
    case PROP_LENGTH:
      g_value_set_uint (value, gcs_receiver_get_length (self));
      break;
    case PROP_DROPPED:
      g_value_set_uint64 (value, gcs_receiver_get_dropped (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_receiver_class_init (GcsReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_receiver_finalize;
  object_class->get_property = gcs_receiver_get_property;

  /**
   * GcsReceiver:item-type:
   *
   * The #GType of the channel's items; %G_TYPE_NONE when it takes any.
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", "Item type",
                        "The GType of the channel's items (G_TYPE_NONE: any)",
                        G_TYPE_NONE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsReceiver:capacity:
   *
   * How many items the channel may queue; 0 when it is unbounded.
   */
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", "Capacity",
                       "How many items the channel holds at most (0: unbounded)",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsReceiver:length:
   *
   * How many items are queued now and not yet delivered. It is read
   * without notification: a snapshot of a value other threads change.
   */
  properties[PROP_LENGTH] =
    g_param_spec_uint ("length", "Length",
                       "How many items are queued now and not yet delivered",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsReceiver:dropped:
   *
   * How many items the channel's overflow policy dropped.
   */
  properties[PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", "Dropped",
                         "How many items the channel's overflow policy dropped",
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_receiver_init (GcsReceiver *self)
{
}

static void
gcs_receiver_set_ended (GcsReceiver *self)
{
  self->ended = TRUE;
  self->end_error = gcs_chan_steal_end_error (self->chan);
}

static inline void
gcs_receiver_pop_batch (GcsReceiver *self,
                        GValue      *value)
{
  gcs_queue_pop_fast (&self->batch, value);
  gcs_chan_set_in_hand (self->chan, self->batch.length);
}

/* The end: DONE, or once ERROR when the channel ended with an error (the
 * peer of a D-Bus channel vanished) and the caller takes it (@error). */
static GcsPoll
gcs_receiver_end (GcsReceiver  *self,
                  GError      **error)
{
  if (G_UNLIKELY (self->end_error != NULL) && error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->end_error));
      return GCS_POLL_ERROR;
    }
  return GCS_POLL_DONE;
}

/* Moves the next item into @value (uninitialized). A NULL @waker polls
 * without registering; with @all, the whole queue is taken at once. */
static GcsPoll
gcs_receiver_poll_full (GcsReceiver  *self,
                        GcsWaker     *waker,
                        gboolean      all,
                        GValue       *value,
                        GError      **error)
{
  gboolean ended;

  /* Every item counts against the dispatch's budget, kept or not. */
  if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
    return gcs_waker_yield (waker);
  if (G_LIKELY (self->batch.length > 0))
    {
      /* Other consumers waiting on this receiver take their turns. */
      if (G_UNLIKELY (waker != NULL && gcs_core_rx_has_waiters (self->rx)) &&
          !gcs_chan_take_turn (self->chan, waker))
        return GCS_POLL_PENDING;
      gcs_receiver_pop_batch (self, value);
      return GCS_POLL_READY;
    }
  if (self->ended)
    return gcs_receiver_end (self, error);

  if (gcs_chan_take (self->chan, &self->batch, all, waker, &ended) > 0)
    {
      gcs_receiver_pop_batch (self, value);
      return GCS_POLL_READY;
    }
  if (!ended)
    return GCS_POLL_PENDING;
  gcs_receiver_set_ended (self);
  return gcs_receiver_end (self, error);
}

/* @error NULL: the end is DONE, and an end error stays for a later poll. */
GcsPoll
gcs_receiver_poll (GcsReceiver  *self,
                   GcsWaker     *waker,
                   GValue       *value,
                   GError      **error)
{
  return gcs_receiver_poll_full (self, waker, TRUE, value, error);
}

/* A consumer stops: it takes its waker back, and items it left in the
 * batch go to the others, which the channel will not wake for them. */
void
gcs_receiver_forget_waker (GcsReceiver *self,
                           GcsWaker    *waker)
{
  gcs_chan_forget_waker (self->chan, waker, self->batch.length > 0);
}

/* The first consuming context is the receiver's; another one is refused
 * with a critical. The channel learns it for the send_blocking deadlock
 * check. */
gboolean
gcs_receiver_claim_context (GcsReceiver   *self,
                            GMainContext  *context,
                            GError       **error)
{
  if (G_LIKELY (g_atomic_pointer_get (&self->context) == context))
    return TRUE;
  if (!gcs_consumer_claim_context (&self->context, context, self, error))
    return FALSE;
  gcs_chan_set_consumer_context (self->chan, context);
  return TRUE;
}

static void
set_empty_or_closed_error (GcsPoll   poll,
                           GError  **error)
{
  if (poll == GCS_POLL_PENDING)
    g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY,
                         "The channel is empty");
  else
    g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                         "The channel is closed and drained");
}

/**
 * gcs_receiver_try_recv:
 * @self: a #GcsReceiver
 * @error: return location for a #GError
 *
 * Takes the next item without waiting.
 *
 * Returns: (transfer none) (nullable): the item, owned by @self and valid
 *   until the next receive; %NULL with %GCS_CHANNEL_ERROR_EMPTY when
 *   nothing is queued and the channel is open, or
 *   %GCS_CHANNEL_ERROR_CLOSED when it is closed and drained
 */
const GValue *
gcs_receiver_try_recv (GcsReceiver  *self,
                       GError      **error)
{
  GcsPoll poll;

  g_return_val_if_fail (GCS_IS_RECEIVER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gcs_receiver_clear_current (self);
  /* One item at a time: a loop of try_recv keeps the channel's capacity
   * exact. */
  poll = gcs_receiver_poll_full (self, NULL, FALSE, &self->current, error);
  if (poll == GCS_POLL_READY)
    return &self->current;
  if (poll != GCS_POLL_ERROR)
    set_empty_or_closed_error (poll, error);
  return NULL;
}

/**
 * gcs_receiver_try_recv_into: (skip)
 * @self: a #GcsReceiver
 * @value: an uninitialized #GValue that receives the item
 * @error: return location for a #GError
 *
 * Like gcs_receiver_try_recv(), but moves the item into @value, which the
 * caller then owns and unsets.
 *
 * Returns: %TRUE if @value was set; %FALSE with %GCS_CHANNEL_ERROR_EMPTY or
 *   %GCS_CHANNEL_ERROR_CLOSED otherwise
 */
gboolean
gcs_receiver_try_recv_into (GcsReceiver  *self,
                            GValue       *value,
                            GError      **error)
{
  GcsPoll poll;

  g_return_val_if_fail (GCS_IS_RECEIVER (self), FALSE);
  g_return_val_if_fail (value != NULL && !gcs_value_is_set (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  poll = gcs_receiver_poll_full (self, NULL, FALSE, value, error);
  if (poll == GCS_POLL_READY)
    return TRUE;
  if (poll != GCS_POLL_ERROR)
    set_empty_or_closed_error (poll, error);
  return FALSE;
}

/**
 * gcs_receiver_recv_blocking:
 * @self: a #GcsReceiver
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Waits for the next item, blocking the calling thread. For worker threads
 * and scripts; never call it from a GTK callback.
 *
 * Returns: (transfer none) (nullable): the item, owned by @self and valid
 *   until the next receive; %NULL without error at the end of the stream;
 *   %NULL with %G_IO_ERROR_CANCELLED when cancelled
 */
const GValue *
gcs_receiver_recv_blocking (GcsReceiver   *self,
                            GCancellable  *cancellable,
                            GError       **error)
{
  gboolean ended;

  g_return_val_if_fail (GCS_IS_RECEIVER (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gcs_receiver_clear_current (self);
  switch (gcs_receiver_poll_full (self, NULL, TRUE, &self->current, error))
    {
    case GCS_POLL_READY:
      return &self->current;
    case GCS_POLL_PENDING:
      break;
    case GCS_POLL_DONE:
    case GCS_POLL_ERROR:
    default:
      return NULL;
    }

  if (gcs_chan_take_blocking (self->chan, &self->batch, cancellable, &ended, error) == 0)
    {
      if (ended)
        {
          gcs_receiver_set_ended (self);
          gcs_receiver_end (self, error);
        }
      return NULL;
    }
  gcs_receiver_pop_batch (self, &self->current);
  return &self->current;
}

/* The receiver's GSource: a driver calling a GcsReceiverFunc per item. */
typedef struct
{
  GcsDriver    driver;
  GcsReceiver *receiver;
} GcsReceiverSource;

static gboolean
gcs_receiver_source_dispatch (GSource     *source,
                              GSourceFunc  callback,
                              gpointer     user_data)
{
  GcsReceiverSource *self = (GcsReceiverSource *) source;
  GcsReceiverFunc func = (GcsReceiverFunc) callback;
  GcsWaker *waker = gcs_driver_begin_dispatch (&self->driver);
  gint64 deadline = g_get_monotonic_time () + GCS_DRIVER_BUDGET_USEC;

  if (func == NULL)
    {
      g_critical ("A GcsReceiver source was dispatched without a callback; "
                  "use g_source_set_callback() with a GcsReceiverFunc");
      return G_SOURCE_REMOVE;
    }
  if (!gcs_receiver_claim_context (self->receiver, g_source_get_context (source), NULL))
    return G_SOURCE_REMOVE;

  for (guint n = 0; ; n++)
    {
      GValue value = G_VALUE_INIT;
      gboolean keep;

      /* Hand over a bounded batch and yield, so the rest of the loop (a
       * frame clock, input) keeps its rhythm while the channel is flooded. */
      if (G_UNLIKELY (n % 64 == 0 && n > 0) &&
          (n >= GCS_DRIVER_BUDGET_ITEMS || g_get_monotonic_time () >= deadline))
        {
          gcs_driver_stay_ready (&self->driver);
          return G_SOURCE_CONTINUE;
        }

      g_autoptr(GError) end_error = NULL;

      switch (gcs_receiver_poll (self->receiver, waker, &value, &end_error))
        {
        case GCS_POLL_READY:
          keep = func (self->receiver, &value, user_data);
          gcs_value_clear (&value);
          /* Removed from its own callback (g_source_remove()): call
           * nothing more; what it did not deliver stays queued. */
          if (!keep || g_source_is_destroyed (source))
            return G_SOURCE_REMOVE;
          break;
        case GCS_POLL_PENDING:
          gcs_driver_pending (&self->driver);
          return G_SOURCE_CONTINUE;
        case GCS_POLL_DONE:
        case GCS_POLL_ERROR:
        default:
          func (self->receiver, NULL, user_data);
          return G_SOURCE_REMOVE;
        }
    }
}

static void
gcs_receiver_source_finalize (GSource *source)
{
  GcsReceiverSource *self = (GcsReceiverSource *) source;

  gcs_receiver_forget_waker (self->receiver, self->driver.waker);
  g_clear_object (&self->receiver);
  gcs_driver_finalize (source);
}

static GSourceFuncs gcs_receiver_source_funcs = {
  .prepare = gcs_driver_prepare,
  .check = gcs_driver_check,
  .dispatch = gcs_receiver_source_dispatch,
  .finalize = gcs_receiver_source_finalize,
};

/**
 * gcs_receiver_create_source:
 * @self: a #GcsReceiver
 *
 * Creates the GSource gcs_receiver_attach() attaches, unattached, at
 * %G_PRIORITY_DEFAULT. Set its callback with g_source_set_callback() and a
 * #GcsReceiverFunc cast to #GSourceFunc, as with g_io_create_watch(). Each
 * dispatch delivers a bounded batch of items, then yields.
 *
 * Returns: (transfer full): a new #GSource
 */
GSource *
gcs_receiver_create_source (GcsReceiver *self)
{
  GSource *source;

  g_return_val_if_fail (GCS_IS_RECEIVER (self), NULL);

  source = gcs_driver_new (&gcs_receiver_source_funcs, sizeof (GcsReceiverSource));
  ((GcsReceiverSource *) source)->receiver = g_object_ref (self);
  g_source_set_static_name (source, "[gchanstream] receiver");
  return source;
}

/**
 * gcs_receiver_attach_full:
 * @self: a #GcsReceiver
 * @context: (nullable): the #GMainContext to deliver on; %NULL for the
 *   thread-default context
 * @priority: the priority of the source, %G_PRIORITY_DEFAULT usually
 * @func: (scope notified) (closure user_data) (destroy destroy): called
 *   per item on @context's thread, then once with %NULL at the end
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the source is gone
 *
 * Like gcs_receiver_attach() with a priority.
 *
 * Returns: the source id, for g_source_remove()
 */
guint
gcs_receiver_attach_full (GcsReceiver     *self,
                          GMainContext    *context,
                          int              priority,
                          GcsReceiverFunc  func,
                          gpointer         user_data,
                          GDestroyNotify   destroy)
{
  g_autoptr(GMainContext) thread_default = NULL;
  g_autoptr(GSource) source = NULL;

  g_return_val_if_fail (GCS_IS_RECEIVER (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  if (context == NULL)
    context = thread_default = g_main_context_ref_thread_default ();

  if (!gcs_receiver_claim_context (self, context, NULL))
    return 0;
  source = gcs_receiver_create_source (self);
  g_source_set_priority (source, priority);
  g_source_set_callback (source, (GSourceFunc) func, user_data, destroy);
  return g_source_attach (source, context);
}

/**
 * gcs_receiver_attach:
 * @self: a #GcsReceiver
 * @context: (nullable): the #GMainContext to deliver on; %NULL for the
 *   thread-default context
 * @func: (scope notified) (closure user_data) (destroy destroy): called
 *   per item on @context's thread, then once with %NULL at the end
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the source is gone
 *
 * Delivers the items through a GSource at %G_PRIORITY_DEFAULT on @context:
 * @func runs once per item and returns %G_SOURCE_REMOVE to stop (items not
 * yet delivered then stay queued), and once with %NULL at the end of the
 * stream, after which the source is gone.
 *
 * Returns: the source id, for g_source_remove()
 */
guint
gcs_receiver_attach (GcsReceiver     *self,
                     GMainContext    *context,
                     GcsReceiverFunc  func,
                     gpointer         user_data,
                     GDestroyNotify   destroy)
{
  return gcs_receiver_attach_full (self, context, G_PRIORITY_DEFAULT, func, user_data, destroy);
}

/* recv_async: a driver polling the receiver once per wake, see
 * gcs-poll-task-private.h. */
static GcsPoll
recv_async_poll (gpointer   owner,
                 gpointer   data,
                 GcsWaker  *waker,
                 GValue    *value,
                 GError   **error)
{
  GcsReceiver *self = owner;

  if (!gcs_receiver_claim_context (self, gcs_waker_get_context (waker), error))
    return GCS_POLL_ERROR;
  return gcs_receiver_poll (self, waker, value, error);
}

static void
recv_async_forget_waker (gpointer  owner,
                         GcsWaker *waker)
{
  gcs_receiver_forget_waker (owner, waker);
}

/**
 * gcs_receiver_recv_async:
 * @self: a #GcsReceiver
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the item
 * @user_data: data for @callback
 *
 * Waits for the next item on the thread-default context. A receive that
 * completes with %G_IO_ERROR_CANCELLED has taken nothing from the channel;
 * one cancelled after it took an item still delivers it.
 */
void
gcs_receiver_recv_async (GcsReceiver         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_RECEIVER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcs_receiver_recv_async);
  g_task_set_name (task, "[gchanstream] recv");
  gcs_poll_task_run (task, recv_async_poll, recv_async_forget_waker);
}

/**
 * gcs_receiver_recv_finish:
 * @self: a #GcsReceiver
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_receiver_recv_async().
 *
 * Returns: (transfer none) (nullable): the item, owned by @result; %NULL
 *   without error at the end of the stream
 */
const GValue *
gcs_receiver_recv_finish (GcsReceiver   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (GCS_IS_RECEIVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcs_receiver_recv_async, NULL);

  return gcs_poll_task_propagate (G_TASK (result), error);
}

/**
 * gcs_receiver_close:
 * @self: a #GcsReceiver
 *
 * Stops new sends: they fail with %GCS_CHANNEL_ERROR_CLOSED, and senders
 * waiting for room are released with that error. Items already queued are
 * still delivered, then the stream ends: close, then drain, is the clean
 * way to shut a channel down.
 */
void
gcs_receiver_close (GcsReceiver *self)
{
  g_return_if_fail (GCS_IS_RECEIVER (self));

  gcs_chan_close_receiver (self->chan, FALSE);
}

/**
 * gcs_receiver_get_item_type:
 * @self: a #GcsReceiver
 *
 * Gets the #GcsReceiver:item-type property.
 *
 * Returns: the #GcsReceiver:item-type
 */
GType
gcs_receiver_get_item_type (GcsReceiver *self)
{
  g_return_val_if_fail (GCS_IS_RECEIVER (self), G_TYPE_INVALID);

  return gcs_chan_get_item_type (self->chan);
}

/**
 * gcs_receiver_get_capacity:
 * @self: a #GcsReceiver
 *
 * Gets the #GcsReceiver:capacity property.
 *
 * Returns: the #GcsReceiver:capacity, 0 for an unbounded channel
 */
guint
gcs_receiver_get_capacity (GcsReceiver *self)
{
  g_return_val_if_fail (GCS_IS_RECEIVER (self), 0);

  return gcs_chan_get_capacity (self->chan);
}

/**
 * gcs_receiver_get_length:
 * @self: a #GcsReceiver
 *
 * Gets the #GcsReceiver:length property.
 *
 * Returns: the #GcsReceiver:length, how many items are queued now
 */
guint
gcs_receiver_get_length (GcsReceiver *self)
{
  g_return_val_if_fail (GCS_IS_RECEIVER (self), 0);

  return gcs_chan_get_length (self->chan);
}

/**
 * gcs_receiver_get_dropped:
 * @self: a #GcsReceiver
 *
 * Gets the #GcsReceiver:dropped property.
 *
 * Returns: the #GcsReceiver:dropped count
 */
guint64
gcs_receiver_get_dropped (GcsReceiver *self)
{
  g_return_val_if_fail (GCS_IS_RECEIVER (self), 0);

  return gcs_chan_get_dropped (self->chan);
}

/* Additions of 2026-12: recv_many, is_closed */

/* One recv_many call: the items the receiver holds now, then what the
 * channel has queued, up to max, as one sequence. The first item may be
 * waited for; the others are only what is there. */
static GcsPoll
recv_many_poll (gpointer   owner,
                gpointer   data,
                GcsWaker  *waker,
                GValue    *value,
                GError   **error)
{
  GcsReceiver *self = owner;
  guint max = GPOINTER_TO_UINT (data);
  gboolean taken_again = FALSE;
  GArray *items;
  GValue item = G_VALUE_INIT;
  GcsPoll poll;

  if (!gcs_receiver_claim_context (self, gcs_waker_get_context (waker), error))
    return GCS_POLL_ERROR;
  poll = gcs_receiver_poll (self, waker, &item, error);
  if (poll != GCS_POLL_READY)
    return poll;

  items = g_array_sized_new (FALSE, TRUE, sizeof (GValue), MIN (max, 64));
  g_array_append_val (items, item);
  while (items->len < max)
    {
      /* The batch in hand, and one more take from the channel: "queued
       * now", not whatever producers keep sending meanwhile. */
      if (self->batch.length == 0)
        {
          if (taken_again)
            break;
          taken_again = TRUE;
        }
      item = (GValue) G_VALUE_INIT;
      /* Without @error: an end error stays for the next call. */
      if (gcs_receiver_poll (self, NULL, &item, NULL) != GCS_POLL_READY)
        break;
      g_array_append_val (items, item);
    }
  gcs_value_take_sequence (value, (GValue *) (gpointer) items->data, items->len);
  g_array_free (items, TRUE);
  return GCS_POLL_READY;
}

/**
 * gcs_receiver_recv_many_async:
 * @self: a #GcsReceiver
 * @max: the most items to take, at least 1
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the items
 * @user_data: data for @callback
 *
 * Takes the items queued now, from 1 to @max of them, in one sequence
 * item (a list in Python, an array in JavaScript, a #GValueArray in C, as
 * gcs_stream_chunks() makes): a consumer that handles items in batches
 * (one database transaction, one g_list_store_splice()) takes them in one
 * call. It waits, on the thread-default context, while nothing is queued.
 * At the end of the stream the finish function returns %NULL. A call
 * that completes with %G_IO_ERROR_CANCELLED has taken nothing.
 */
void
gcs_receiver_recv_many_async (GcsReceiver         *self,
                              guint                max,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_RECEIVER (self));
  g_return_if_fail (max >= 1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcs_receiver_recv_many_async);
  g_task_set_name (task, "[gchanstream] recv_many");
  gcs_poll_task_run_full (task, recv_many_poll, recv_async_forget_waker,
                          GUINT_TO_POINTER (max), NULL);
}

/**
 * gcs_receiver_recv_many_finish:
 * @self: a #GcsReceiver
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_receiver_recv_many_async().
 *
 * Returns: (transfer none) (nullable): a sequence of 1 to max items, owned
 *   by @result; %NULL without error at the end of the stream
 */
const GValue *
gcs_receiver_recv_many_finish (GcsReceiver   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (GCS_IS_RECEIVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcs_receiver_recv_many_async, NULL);

  return gcs_poll_task_propagate (G_TASK (result), error);
}

/**
 * gcs_receiver_is_closed:
 * @self: a #GcsReceiver
 *
 * Whether no new item can come: every sender handle is closed or
 * finalized, or gcs_receiver_close() was called. Items queued before may
 * still be waiting to be received.
 *
 * Returns: %TRUE if the channel is closed for new items
 */
gboolean
gcs_receiver_is_closed (GcsReceiver *self)
{
  g_return_val_if_fail (GCS_IS_RECEIVER (self), TRUE);

  return gcs_chan_is_closed_for_recv (self->chan);
}
