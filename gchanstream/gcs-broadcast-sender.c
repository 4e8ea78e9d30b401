/* gcs-broadcast-sender.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-chan-closed-private.h"
#include "gcs-broadcast-private.h"
#include "gcs-error.h"
#include "gcs-sink-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-broadcast-sender
 * @title: GcsBroadcastSender
 * @short_description: a sending end of a broadcast channel
 *
 * A #GcsBroadcastSender sends each value to every receiver of a broadcast
 * channel. It is thread-safe: any thread may send, subscribe, clone or
 * close. A send never waits: when a receiver is too slow, the oldest value
 * is overwritten and that receiver lags. Receivers see the end when every
 * sender handle is closed or finalized.
 */

/**
 * GcsBroadcastSender:
 *
 * A sending handle of a broadcast channel.
 */
struct _GcsBroadcastSender
{
  GObject           parent_instance;
  GcsBroadcastChan *chan;
  gint              closed;  /* atomic */
};

static void gcs_broadcast_sender_sink_init (GcsSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsBroadcastSender, gcs_broadcast_sender, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_SINK, gcs_broadcast_sender_sink_init))

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_CAPACITY,
  PROP_RECEIVER_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GcsBroadcastSender *
gcs_broadcast_sender_new_for_chan (GcsBroadcastChan *chan)
{
  GcsBroadcastSender *self = g_object_new (GCS_TYPE_BROADCAST_SENDER, NULL);

  self->chan = gcs_broadcast_chan_ref (chan);
  return self;
}

static void
gcs_broadcast_sender_finalize (GObject *object)
{
  GcsBroadcastSender *self = GCS_BROADCAST_SENDER (object);

  if (self->chan != NULL)
    {
      gcs_broadcast_sender_close (self);
      gcs_broadcast_chan_unref (self->chan);
    }

  G_OBJECT_CLASS (gcs_broadcast_sender_parent_class)->finalize (object);
}

static void
gcs_broadcast_sender_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  GcsBroadcastSender *self = GCS_BROADCAST_SENDER (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, gcs_broadcast_sender_get_item_type (self));
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, gcs_broadcast_sender_get_capacity (self));
      break;
    case PROP_RECEIVER_COUNT:
      g_value_set_uint (value, gcs_broadcast_sender_get_receiver_count (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_broadcast_sender_class_init (GcsBroadcastSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_broadcast_sender_finalize;
  object_class->get_property = gcs_broadcast_sender_get_property;

  /**
   * GcsBroadcastSender:item-type:
   *
   * The #GType of the channel's items; %G_TYPE_NONE when it takes any.
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", "Item type",
                        "The GType of the channel's items (G_TYPE_NONE: any)",
                        G_TYPE_NONE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsBroadcastSender:capacity:
   *
   * How many values the channel keeps for slow receivers.
   */
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", "Capacity",
                       "How many values the channel keeps for slow receivers",
                       1, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsBroadcastSender:receiver-count:
   *
   * How many receivers the channel has now: what a send would reach. It
   * is read without notification: a snapshot of a value other threads
   * change.
   */
  properties[PROP_RECEIVER_COUNT] =
    g_param_spec_uint ("receiver-count", "Receiver count",
                       "How many receivers the channel has now",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_broadcast_sender_init (GcsBroadcastSender *self)
{
}

/**
 * gcs_broadcast_sender_send:
 * @self: a #GcsBroadcastSender
 * @value: the item; converted to the channel's item type when that is exact
 * @error: return location for a #GError
 *
 * Sends a copy of @value to every receiver the channel has now. It never
 * waits: when the channel holds capacity values already, the oldest is
 * overwritten, and the receivers that had not read it lag.
 *
 * Returns: the number of receivers the value was sent to; 0 with
 *   %GCS_CHANNEL_ERROR_CLOSED when there is none or this handle is closed,
 *   or with %GCS_CHANNEL_ERROR_TYPE, and nothing sent
 */
guint
gcs_broadcast_sender_send (GcsBroadcastSender  *self,
                           const GValue        *value,
                           GError             **error)
{
  GValue item = G_VALUE_INIT;
  guint n_receivers;

  g_return_val_if_fail (GCS_IS_BROADCAST_SENDER (self), 0);
  g_return_val_if_fail (GCS_IS_VALUE (value), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (g_atomic_int_get (&self->closed))
    {
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                           "This sender handle is closed");
      return 0;
    }
  if (!gcs_value_coerce (gcs_broadcast_chan_get_item_type (self->chan), value, &item, error))
    return 0;
  n_receivers = gcs_broadcast_chan_send (self->chan, &item);
  if (n_receivers == 0)
    {
      gcs_value_clear (&item);
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                           "The broadcast channel has no receiver");
    }
  return n_receivers;
}

/**
 * gcs_broadcast_sender_subscribe:
 * @self: a #GcsBroadcastSender
 *
 * Makes a new receiver, which gets the values sent from now on.
 *
 * Returns: (transfer full): a new #GcsBroadcastReceiver
 */
GcsBroadcastReceiver *
gcs_broadcast_sender_subscribe (GcsBroadcastSender *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_SENDER (self), NULL);

  return gcs_broadcast_receiver_new_for_chan (self->chan);
}

/**
 * gcs_broadcast_sender_clone:
 * @self: a #GcsBroadcastSender
 *
 * Makes another handle on the same channel. Receivers see the end once
 * every handle is closed. Cloning a closed handle, or a handle of a
 * channel whose handles are all closed, gives a closed handle.
 *
 * Returns: (transfer full): a new #GcsBroadcastSender
 */
GcsBroadcastSender *
gcs_broadcast_sender_clone (GcsBroadcastSender *self)
{
  GcsBroadcastSender *clone;

  g_return_val_if_fail (GCS_IS_BROADCAST_SENDER (self), NULL);

  clone = gcs_broadcast_sender_new_for_chan (self->chan);
  if (g_atomic_int_get (&self->closed) || !gcs_broadcast_chan_add_sender (self->chan))
    clone->closed = TRUE;
  return clone;
}

/**
 * gcs_broadcast_sender_close:
 * @self: a #GcsBroadcastSender
 *
 * Closes this handle: its later sends fail with %GCS_CHANNEL_ERROR_CLOSED.
 * When it was the last open handle, each receiver gets the values it has
 * not read, then the end. Closing twice does nothing more; finalizing a
 * handle closes it.
 */
void
gcs_broadcast_sender_close (GcsBroadcastSender *self)
{
  g_return_if_fail (GCS_IS_BROADCAST_SENDER (self));

  if (g_atomic_int_compare_and_exchange (&self->closed, FALSE, TRUE))
    gcs_broadcast_chan_remove_sender (self->chan);
}

/**
 * gcs_broadcast_sender_get_item_type:
 * @self: a #GcsBroadcastSender
 *
 * Gets the #GcsBroadcastSender:item-type property.
 *
 * Returns: the #GcsBroadcastSender:item-type
 */
GType
gcs_broadcast_sender_get_item_type (GcsBroadcastSender *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_SENDER (self), G_TYPE_INVALID);

  return gcs_broadcast_chan_get_item_type (self->chan);
}

/**
 * gcs_broadcast_sender_get_capacity:
 * @self: a #GcsBroadcastSender
 *
 * Gets the #GcsBroadcastSender:capacity property.
 *
 * Returns: the #GcsBroadcastSender:capacity
 */
guint
gcs_broadcast_sender_get_capacity (GcsBroadcastSender *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_SENDER (self), 0);

  return gcs_broadcast_chan_get_capacity (self->chan);
}

/**
 * gcs_broadcast_sender_get_receiver_count:
 * @self: a #GcsBroadcastSender
 *
 * Gets the #GcsBroadcastSender:receiver-count property.
 *
 * Returns: the #GcsBroadcastSender:receiver-count
 */
guint
gcs_broadcast_sender_get_receiver_count (GcsBroadcastSender *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_SENDER (self), 0);

  return gcs_broadcast_chan_get_receiver_count (self->chan);
}

/* Additions of 2026-12: closed_async */

/**
 * gcs_broadcast_sender_closed_async:
 * @self: a #GcsBroadcastSender
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called once no receiver
 *   is left
 * @user_data: data for @callback
 *
 * Waits, on the thread-default context, until no receiver of the channel
 * is left: the last receiver (from gcs_broadcast_new(), gcs_broadcast_sender_subscribe() or gcs_broadcast_receiver_resubscribe()) is finalized. It completes at once if none is. A producer uses it to
 * stop its work when its consumer goes (a window closed, say), rather
 * than at its next send, which would fail with %GCS_CHANNEL_ERROR_CLOSED.
 */
void
gcs_broadcast_sender_closed_async (GcsBroadcastSender  *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (GCS_IS_BROADCAST_SENDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  gcs_chan_closed_async (gcs_broadcast_chan_get_core (self->chan), self, gcs_broadcast_sender_closed_async,
                         cancellable, callback, user_data);
}

/**
 * gcs_broadcast_sender_closed_finish:
 * @self: a #GcsBroadcastSender
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_broadcast_sender_closed_async().
 *
 * Returns: %TRUE once no receiver is left; %FALSE with
 *   %G_IO_ERROR_CANCELLED when cancelled first
 */
gboolean
gcs_broadcast_sender_closed_finish (GcsBroadcastSender *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_SENDER (self), FALSE);

  return gcs_chan_closed_finish (self, result, gcs_broadcast_sender_closed_async, error);
}

/* GcsSink: a send reaches the receivers there are at once (CLOSED with
 * none, as gcs_broadcast_sender_send()); closing closes this handle. */

static void
gcs_broadcast_sender_sink_send_async (GcsSink             *sink,
                                      const GValue        *value,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (cancellable, &error))
    gcs_broadcast_sender_send (GCS_BROADCAST_SENDER (sink), value, &error);
  gcs_sink_return_now (sink, gcs_broadcast_sender_sink_send_async, cancellable, callback, user_data, error);
}

static gboolean
gcs_broadcast_sender_sink_send_finish (GcsSink       *sink,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return gcs_sink_finish_now (sink, result, gcs_broadcast_sender_sink_send_async, error);
}

static void
gcs_broadcast_sender_sink_close_async (GcsSink             *sink,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  gcs_broadcast_sender_close (GCS_BROADCAST_SENDER (sink));
  gcs_sink_return_now (sink, gcs_broadcast_sender_sink_close_async, cancellable, callback, user_data, NULL);
}

static gboolean
gcs_broadcast_sender_sink_close_finish (GcsSink       *sink,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return gcs_sink_finish_now (sink, result, gcs_broadcast_sender_sink_close_async, error);
}

static void
gcs_broadcast_sender_sink_init (GcsSinkInterface *iface)
{
  iface->send_async = gcs_broadcast_sender_sink_send_async;
  iface->send_finish = gcs_broadcast_sender_sink_send_finish;
  iface->close_async = gcs_broadcast_sender_sink_close_async;
  iface->close_finish = gcs_broadcast_sender_sink_close_finish;
}
