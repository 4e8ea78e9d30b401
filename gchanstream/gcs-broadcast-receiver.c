/* gcs-broadcast-receiver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-broadcast-private.h"
#include "gcs-error.h"
#include "gcs-poll-task-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-broadcast-receiver
 * @title: GcsBroadcastReceiver
 * @short_description: a receiving end of a broadcast channel
 *
 * A #GcsBroadcastReceiver gets every value sent on its broadcast channel
 * after it was made, in order, on one #GMainContext: with
 * gcs_broadcast_receiver_recv_async(), gcs_broadcast_receiver_try_recv(),
 * or wrapped in a #GcsBroadcastStream. Make more receivers with
 * gcs_broadcast_sender_subscribe().
 *
 * A receiver that falls more than the channel's capacity behind misses
 * the oldest values: its next receive fails once with
 * %GCS_CHANNEL_ERROR_LAGGED, saying how many it missed, and the following
 * ones go on from the oldest value still held. #GcsBroadcastReceiver:lagged
 * totals what it missed. The receiver is not closed by lagging: keep
 * receiving.
 *
 * Once every sender handle is closed or finalized, the receiver gets the
 * values it has not read, then the end: gcs_broadcast_receiver_try_recv()
 * fails with %GCS_CHANNEL_ERROR_CLOSED and
 * gcs_broadcast_receiver_recv_finish() returns %NULL without an error.
 * Finalizing a receiver releases its place: the channel keeps nothing for
 * it.
 */

/**
 * GcsBroadcastReceiver:
 *
 * A receiving end of a broadcast channel.
 */
struct _GcsBroadcastReceiver
{
  GObject           parent_instance;
  GcsBroadcastChan *chan;
  GcsBroadcastRx    rx;
  GValue            current;  /* what try_recv returned */
  guint64           lagged;   /* atomic: read by any thread */
  GMainContext     *context;  /* the consuming context, once claimed */
};

G_DEFINE_FINAL_TYPE (GcsBroadcastReceiver, gcs_broadcast_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_CAPACITY,
  PROP_LENGTH,
  PROP_LAGGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GcsBroadcastReceiver *
gcs_broadcast_receiver_new_for_chan (GcsBroadcastChan *chan)
{
  GcsBroadcastReceiver *self = g_object_new (GCS_TYPE_BROADCAST_RECEIVER, NULL);

  self->chan = gcs_broadcast_chan_ref (chan);
  gcs_broadcast_chan_add_receiver (chan, &self->rx);
  return self;
}

static void
gcs_broadcast_receiver_clear_current (GcsBroadcastReceiver *self)
{
  if (gcs_value_is_set (&self->current))
    gcs_value_clear (&self->current);
}

static void
gcs_broadcast_receiver_finalize (GObject *object)
{
  GcsBroadcastReceiver *self = GCS_BROADCAST_RECEIVER (object);

  if (self->chan != NULL)
    {
      gcs_broadcast_chan_remove_receiver (self->chan, &self->rx);
      gcs_broadcast_chan_unref (self->chan);
      gcs_consumer_release_context (&self->context);
    }
  gcs_broadcast_receiver_clear_current (self);

  G_OBJECT_CLASS (gcs_broadcast_receiver_parent_class)->finalize (object);
}

static void
gcs_broadcast_receiver_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  GcsBroadcastReceiver *self = GCS_BROADCAST_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, gcs_broadcast_receiver_get_item_type (self));
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, gcs_broadcast_receiver_get_capacity (self));
      break;
    case PROP_LENGTH:
      g_value_set_uint (value, gcs_broadcast_receiver_get_length (self));
      break;
    case PROP_LAGGED:
      g_value_set_uint64 (value, gcs_broadcast_receiver_get_lagged (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_broadcast_receiver_class_init (GcsBroadcastReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_broadcast_receiver_finalize;
  object_class->get_property = gcs_broadcast_receiver_get_property;

  /**
   * GcsBroadcastReceiver:item-type:
   *
   * The #GType of the channel's items; %G_TYPE_NONE when it takes any.
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", "Item type",
                        "The GType of the channel's items (G_TYPE_NONE: any)",
                        G_TYPE_NONE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsBroadcastReceiver:capacity:
   *
   * How many values the channel keeps for slow receivers.
   */
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", "Capacity",
                       "How many values the channel keeps for slow receivers",
                       1, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsBroadcastReceiver:length:
   *
   * How many values the receiver can read now, at most the capacity. It
   * is read without notification: a snapshot of a value other threads
   * change.
   */
  properties[PROP_LENGTH] =
    g_param_spec_uint ("length", "Length",
                       "How many values the receiver can read now",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsBroadcastReceiver:lagged:
   *
   * How many values the receiver missed in all because it lagged. It is
   * notified on the consuming context when it grows.
   */
  properties[PROP_LAGGED] =
    g_param_spec_uint64 ("lagged", "Lagged",
                         "How many values the receiver missed because it lagged",
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_broadcast_receiver_init (GcsBroadcastReceiver *self)
{
}

GcsPoll
gcs_broadcast_receiver_poll (GcsBroadcastReceiver  *self,
                             GcsWaker              *waker,
                             GValue                *value,
                             guint64               *missed,
                             GError               **error)
{
  GcsPoll result;

  *missed = 0;
  if (waker != NULL &&
      !gcs_consumer_claim_context (&self->context, gcs_waker_get_context (waker), self, error))
    return GCS_POLL_ERROR;
  result = gcs_broadcast_chan_recv (self->chan, &self->rx, waker, value, missed);
  if (G_UNLIKELY (result == GCS_POLL_ERROR))
    {
      __atomic_fetch_add (&self->lagged, *missed, __ATOMIC_RELAXED);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAGGED]);
    }
  return result;
}

void
gcs_broadcast_receiver_forget_waker (GcsBroadcastReceiver *self,
                                     GcsWaker             *waker)
{
  gcs_broadcast_chan_forget_waker (self->chan, &self->rx, waker);
}

static void
set_lagged_error (guint64   missed,
                  GError  **error)
{
  g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED,
               "The receiver lagged behind and missed %" G_GUINT64_FORMAT " values",
               missed);
}

/**
 * gcs_broadcast_receiver_try_recv:
 * @self: a #GcsBroadcastReceiver
 * @error: return location for a #GError
 *
 * Takes the next value without waiting.
 *
 * Returns: (transfer none) (nullable): the value, owned by @self and valid
 *   until the next receive; %NULL with %GCS_CHANNEL_ERROR_LAGGED (once per
 *   lag; the message says how many values were missed) when the receiver
 *   fell behind, %GCS_CHANNEL_ERROR_EMPTY when nothing is waiting and a
 *   sender is open, or %GCS_CHANNEL_ERROR_CLOSED at the end
 */
const GValue *
gcs_broadcast_receiver_try_recv (GcsBroadcastReceiver  *self,
                                 GError               **error)
{
  guint64 missed = 0;

  g_return_val_if_fail (GCS_IS_BROADCAST_RECEIVER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gcs_broadcast_receiver_clear_current (self);
  switch (gcs_broadcast_receiver_poll (self, NULL, &self->current, &missed, NULL))
    {
    case GCS_POLL_READY:
      return &self->current;
    case GCS_POLL_ERROR:
      set_lagged_error (missed, error);
      return NULL;
    case GCS_POLL_PENDING:
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY,
                           "No value is waiting");
      return NULL;
    case GCS_POLL_DONE:
    default:
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                           "The broadcast channel is closed and drained");
      return NULL;
    }
}

static GcsPoll
recv_poll (gpointer   owner,
           gpointer   data,
           GcsWaker  *waker,
           GValue    *value,
           GError   **error)
{
  guint64 missed = 0;
  GcsPoll result = gcs_broadcast_receiver_poll (owner, waker, value, &missed, error);

  if (result == GCS_POLL_ERROR && missed > 0)
    set_lagged_error (missed, error);
  return result;
}

static void
recv_forget_waker (gpointer  owner,
                   GcsWaker *waker)
{
  gcs_broadcast_receiver_forget_waker (owner, waker);
}

/**
 * gcs_broadcast_receiver_recv_async:
 * @self: a #GcsBroadcastReceiver
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the value
 * @user_data: data for @callback
 *
 * Waits for the next value on the thread-default context. A receive that
 * completes with %G_IO_ERROR_CANCELLED has taken nothing.
 */
void
gcs_broadcast_receiver_recv_async (GcsBroadcastReceiver *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_BROADCAST_RECEIVER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcs_broadcast_receiver_recv_async);
  g_task_set_name (task, "[gchanstream] broadcast recv");
  gcs_poll_task_run (task, recv_poll, recv_forget_waker);
}

/**
 * gcs_broadcast_receiver_recv_finish:
 * @self: a #GcsBroadcastReceiver
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_broadcast_receiver_recv_async().
 *
 * Returns: (transfer none) (nullable): the value, owned by @result; %NULL
 *   with %GCS_CHANNEL_ERROR_LAGGED when the receiver fell behind (receive
 *   again to go on), or without an error at the end
 */
const GValue *
gcs_broadcast_receiver_recv_finish (GcsBroadcastReceiver  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_RECEIVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcs_broadcast_receiver_recv_async, NULL);

  return gcs_poll_task_propagate (G_TASK (result), error);
}

/**
 * gcs_broadcast_receiver_get_item_type:
 * @self: a #GcsBroadcastReceiver
 *
 * Gets the #GcsBroadcastReceiver:item-type property.
 *
 * Returns: the #GcsBroadcastReceiver:item-type
 */
GType
gcs_broadcast_receiver_get_item_type (GcsBroadcastReceiver *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_RECEIVER (self), G_TYPE_INVALID);

  return gcs_broadcast_chan_get_item_type (self->chan);
}

/**
 * gcs_broadcast_receiver_get_capacity:
 * @self: a #GcsBroadcastReceiver
 *
 * Gets the #GcsBroadcastReceiver:capacity property.
 *
 * Returns: the #GcsBroadcastReceiver:capacity
 */
guint
gcs_broadcast_receiver_get_capacity (GcsBroadcastReceiver *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_RECEIVER (self), 0);

  return gcs_broadcast_chan_get_capacity (self->chan);
}

/**
 * gcs_broadcast_receiver_get_length:
 * @self: a #GcsBroadcastReceiver
 *
 * Gets the #GcsBroadcastReceiver:length property.
 *
 * Returns: the #GcsBroadcastReceiver:length, how many values it can read now
 */
guint
gcs_broadcast_receiver_get_length (GcsBroadcastReceiver *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_RECEIVER (self), 0);

  return gcs_broadcast_chan_get_pending (self->chan, &self->rx);
}

/**
 * gcs_broadcast_receiver_get_lagged:
 * @self: a #GcsBroadcastReceiver
 *
 * Gets the #GcsBroadcastReceiver:lagged property.
 *
 * Returns: the #GcsBroadcastReceiver:lagged total
 */
guint64
gcs_broadcast_receiver_get_lagged (GcsBroadcastReceiver *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_RECEIVER (self), 0);

  return __atomic_load_n (&self->lagged, __ATOMIC_RELAXED);
}

/* Additions of 2026-12: resubscribe */

/**
 * gcs_broadcast_receiver_resubscribe:
 * @self: a #GcsBroadcastReceiver
 *
 * Makes a new receiver on the same channel, which gets the values sent
 * from now on, like gcs_broadcast_sender_subscribe() but without needing
 * a sender (tokio's resubscribe): what @self has not read yet is not
 * copied. On a channel whose senders are all gone, the new receiver is at
 * its end at once.
 *
 * Returns: (transfer full): a new #GcsBroadcastReceiver
 */
GcsBroadcastReceiver *
gcs_broadcast_receiver_resubscribe (GcsBroadcastReceiver *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_RECEIVER (self), NULL);

  return gcs_broadcast_receiver_new_for_chan (self->chan);
}
