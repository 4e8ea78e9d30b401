/* gcs-watch-sender.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-chan-closed-private.h"
#include "gcs-error.h"
#include "gcs-sink-private.h"
#include "gcs-value-private.h"
#include "gcs-watch-private.h"

/**
 * SECTION:gcs-watch-sender
 * @title: GcsWatchSender
 * @short_description: the sending end of a watch channel
 *
 * A #GcsWatchSender replaces the value of a watch channel. Sending, cloning,
 * subscribing and closing are thread-safe. gcs_watch_sender_get_value()
 * hands out a value owned by the handle, so each thread should read through
 * its own handle (see gcs_watch_sender_clone()); in C,
 * gcs_watch_sender_copy_value() may be called from any thread.
 *
 * Receivers see the end once every sender handle is closed or finalized
 * and they have seen the latest value.
 */

/**
 * GcsWatchSender:
 *
 * A sending handle of a watch channel.
 */
struct _GcsWatchSender
{
  GObject           parent_instance;
  GcsWatchChan     *chan;
  GcsValueBox      *current;  /* what get_value returned */
  gint              closed;   /* atomic */
};

static void gcs_watch_sender_sink_init (GcsSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsWatchSender, gcs_watch_sender, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_SINK, gcs_watch_sender_sink_init))

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_RECEIVER_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GcsWatchSender *
gcs_watch_sender_new_for_chan (GcsWatchChan *chan)
{
  GcsWatchSender *self = g_object_new (GCS_TYPE_WATCH_SENDER, NULL);

  self->chan = gcs_watch_chan_ref (chan);
  return self;
}

static void
gcs_watch_sender_finalize (GObject *object)
{
  GcsWatchSender *self = GCS_WATCH_SENDER (object);

  if (self->chan != NULL)
    {
      gcs_watch_sender_close (self);
      gcs_watch_chan_unref (self->chan);
    }
  g_clear_pointer (&self->current, gcs_value_box_unref);

  G_OBJECT_CLASS (gcs_watch_sender_parent_class)->finalize (object);
}

static void
gcs_watch_sender_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GcsWatchSender *self = GCS_WATCH_SENDER (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, gcs_watch_sender_get_item_type (self));
      break;
    case PROP_RECEIVER_COUNT:
      g_value_set_uint (value, gcs_watch_sender_get_receiver_count (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_watch_sender_class_init (GcsWatchSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_watch_sender_finalize;
  object_class->get_property = gcs_watch_sender_get_property;

  /**
   * GcsWatchSender:item-type:
   *
   * The #GType of the value: the type of the initial value.
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", "Item type",
                        "The GType of the value, that of the initial value",
                        G_TYPE_NONE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsWatchSender:receiver-count:
   *
   * How many receivers the channel has now. It is read without
   * notification: a snapshot of a value other threads change.
   */
  properties[PROP_RECEIVER_COUNT] =
    g_param_spec_uint ("receiver-count", "Receiver count",
                       "How many receivers the channel has now",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_watch_sender_init (GcsWatchSender *self)
{
}

/* send and send_if_changed: checks, converts, stores. */
static gboolean
gcs_watch_sender_store (GcsWatchSender  *self,
                        const GValue    *value,
                        gboolean         if_changed,
                        GError         **error)
{
  GValue item = G_VALUE_INIT;

  if (g_atomic_int_get (&self->closed))
    {
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                           "This sender handle is closed");
      return FALSE;
    }
  if (!gcs_value_coerce (gcs_watch_chan_get_item_type (self->chan), value, &item, error))
    return FALSE;
  if (!if_changed)
    {
      gcs_watch_chan_send (self->chan, &item);
      return TRUE;
    }
  if (gcs_watch_chan_send_if_changed (self->chan, &item))
    return TRUE;
  gcs_value_clear (&item);
  return FALSE;
}

/**
 * gcs_watch_sender_send:
 * @self: a #GcsWatchSender
 * @value: the new value; converted to the item type when that is exact
 * @error: return location for a #GError
 *
 * Replaces the channel's value with a copy of @value and wakes the
 * receivers waiting for a change. The value is stored even when no
 * receiver exists: receivers subscribed later see it.
 *
 * Returns: %TRUE if the value was stored; %FALSE with
 *   %GCS_CHANNEL_ERROR_CLOSED after gcs_watch_sender_close() on this
 *   handle, or %GCS_CHANNEL_ERROR_TYPE, and nothing stored
 */
gboolean
gcs_watch_sender_send (GcsWatchSender  *self,
                       const GValue    *value,
                       GError         **error)
{
  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), FALSE);
  g_return_val_if_fail (GCS_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return gcs_watch_sender_store (self, value, FALSE, error);
}

/**
 * gcs_watch_sender_get_value:
 * @self: a #GcsWatchSender
 *
 * The channel's latest value. It is owned by @self and stays valid until
 * the next call on @self, so one thread at a time may call it on a given
 * handle: give each thread its own gcs_watch_sender_clone(). It does not
 * change what the receivers have seen.
 *
 * Returns: (transfer none): the latest value
 */
const GValue *
gcs_watch_sender_get_value (GcsWatchSender *self)
{
  GcsValueBox *old;
  guint64 version;

  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), NULL);

  old = self->current;
  self->current = gcs_watch_chan_get (self->chan, &version);
  if (old != NULL)
    gcs_value_box_unref (old);
  return &self->current->value;
}

/**
 * gcs_watch_sender_copy_value: (skip)
 * @self: a #GcsWatchSender
 * @value: an uninitialized #GValue
 *
 * Copies the channel's latest value into @value, which the caller then
 * owns and unsets. Unlike gcs_watch_sender_get_value(), any thread may call
 * it on the same handle.
 */
void
gcs_watch_sender_copy_value (GcsWatchSender *self,
                             GValue         *value)
{
  GcsValueBox *box;
  guint64 version;

  g_return_if_fail (GCS_IS_WATCH_SENDER (self));
  g_return_if_fail (value != NULL && !gcs_value_is_set (value));

  box = gcs_watch_chan_get (self->chan, &version);
  gcs_value_box_take (box, value);
}

/**
 * gcs_watch_sender_subscribe:
 * @self: a #GcsWatchSender
 *
 * Makes a new receiver. It has seen the current value: its
 * gcs_watch_receiver_changed_async() waits for the next send.
 *
 * Returns: (transfer full): a new #GcsWatchReceiver
 */
GcsWatchReceiver *
gcs_watch_sender_subscribe (GcsWatchSender *self)
{
  GcsValueBox *box;
  guint64 version;

  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), NULL);

  box = gcs_watch_chan_get (self->chan, &version);
  gcs_value_box_unref (box);
  return gcs_watch_receiver_new_for_chan (self->chan, version);
}

/**
 * gcs_watch_sender_clone:
 * @self: a #GcsWatchSender
 *
 * Makes another handle on the same channel. Receivers see the end once
 * every handle is closed. Cloning a closed handle, or a handle of a
 * channel whose handles are all closed, gives a closed handle.
 *
 * Returns: (transfer full): a new #GcsWatchSender
 */
GcsWatchSender *
gcs_watch_sender_clone (GcsWatchSender *self)
{
  GcsWatchSender *clone;

  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), NULL);

  clone = gcs_watch_sender_new_for_chan (self->chan);
  if (g_atomic_int_get (&self->closed) || !gcs_watch_chan_add_sender (self->chan))
    clone->closed = TRUE;
  return clone;
}

/**
 * gcs_watch_sender_close:
 * @self: a #GcsWatchSender
 *
 * Closes this handle: its later sends fail with %GCS_CHANNEL_ERROR_CLOSED.
 * When it was the last open handle, receivers that have seen the latest
 * value see the end. The value stays readable. Closing twice does nothing
 * more; finalizing a handle closes it.
 */
void
gcs_watch_sender_close (GcsWatchSender *self)
{
  g_return_if_fail (GCS_IS_WATCH_SENDER (self));

  if (g_atomic_int_compare_and_exchange (&self->closed, FALSE, TRUE))
    gcs_watch_chan_remove_sender (self->chan);
}

/**
 * gcs_watch_sender_get_item_type:
 * @self: a #GcsWatchSender
 *
 * Gets the #GcsWatchSender:item-type property.
 *
 * Returns: the #GcsWatchSender:item-type
 */
GType
gcs_watch_sender_get_item_type (GcsWatchSender *self)
{
  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), G_TYPE_INVALID);

  return gcs_watch_chan_get_item_type (self->chan);
}

/* Additions of 2026-12: closed_async */

/**
 * gcs_watch_sender_closed_async:
 * @self: a #GcsWatchSender
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called once no receiver
 *   is left
 * @user_data: data for @callback
 *
 * Waits, on the thread-default context, until no receiver of the channel
 * is left: the last receiver (from gcs_watch_new(), gcs_watch_sender_subscribe() or gcs_watch_receiver_clone()) is finalized. It completes at once if none is. A producer uses it to
 * stop its work when its consumer goes (a window closed, say), rather
 * than at its next send, which would fail with %GCS_CHANNEL_ERROR_CLOSED.
 */
void
gcs_watch_sender_closed_async (GcsWatchSender      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (GCS_IS_WATCH_SENDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  gcs_chan_closed_async (gcs_watch_chan_get_core (self->chan), self, gcs_watch_sender_closed_async,
                         cancellable, callback, user_data);
}

/**
 * gcs_watch_sender_closed_finish:
 * @self: a #GcsWatchSender
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_watch_sender_closed_async().
 *
 * Returns: %TRUE once no receiver is left; %FALSE with
 *   %G_IO_ERROR_CANCELLED when cancelled first
 */
gboolean
gcs_watch_sender_closed_finish (GcsWatchSender *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), FALSE);

  return gcs_chan_closed_finish (self, result, gcs_watch_sender_closed_async, error);
}

/**
 * gcs_watch_sender_send_if_changed:
 * @self: a #GcsWatchSender
 * @value: the new value; converted to the item type when that is exact
 * @error: return location for a #GError
 *
 * Like gcs_watch_sender_send(), but only when @value differs from the
 * current value, with the equality of gcs_stream_distinct_until_changed():
 * contents for numbers, booleans, strings and variants, identity for
 * objects and other boxed types. An equal value stores nothing and wakes
 * no receiver (tokio's send_if_modified). The comparison and the store are
 * one step: concurrent senders never both store the same value.
 *
 * Returns: %TRUE if the value was stored; %FALSE if it equals the current
 *   value (without an error), or with %GCS_CHANNEL_ERROR_CLOSED or
 *   %GCS_CHANNEL_ERROR_TYPE as gcs_watch_sender_send()
 */
gboolean
gcs_watch_sender_send_if_changed (GcsWatchSender  *self,
                                  const GValue    *value,
                                  GError         **error)
{
  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), FALSE);
  g_return_val_if_fail (GCS_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return gcs_watch_sender_store (self, value, TRUE, error);
}

/**
 * gcs_watch_sender_get_receiver_count:
 * @self: a #GcsWatchSender
 *
 * Gets the #GcsWatchSender:receiver-count property: how many receivers
 * the channel has now.
 *
 * Returns: the #GcsWatchSender:receiver-count
 */
guint
gcs_watch_sender_get_receiver_count (GcsWatchSender *self)
{
  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), 0);

  return gcs_chan_core_get_receiver_count (gcs_watch_chan_get_core (self->chan));
}

/* GcsSink: a send stores the value at once; closing closes this handle. */

static void
gcs_watch_sender_sink_send_async (GcsSink             *sink,
                                  const GValue        *value,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (cancellable, &error))
    gcs_watch_sender_send (GCS_WATCH_SENDER (sink), value, &error);
  gcs_sink_return_now (sink, gcs_watch_sender_sink_send_async, cancellable, callback, user_data, error);
}

static gboolean
gcs_watch_sender_sink_send_finish (GcsSink       *sink,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return gcs_sink_finish_now (sink, result, gcs_watch_sender_sink_send_async, error);
}

static void
gcs_watch_sender_sink_close_async (GcsSink             *sink,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  gcs_watch_sender_close (GCS_WATCH_SENDER (sink));
  gcs_sink_return_now (sink, gcs_watch_sender_sink_close_async, cancellable, callback, user_data, NULL);
}

static gboolean
gcs_watch_sender_sink_close_finish (GcsSink       *sink,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return gcs_sink_finish_now (sink, result, gcs_watch_sender_sink_close_async, error);
}

static void
gcs_watch_sender_sink_init (GcsSinkInterface *iface)
{
  iface->send_async = gcs_watch_sender_sink_send_async;
  iface->send_finish = gcs_watch_sender_sink_send_finish;
  iface->close_async = gcs_watch_sender_sink_close_async;
  iface->close_finish = gcs_watch_sender_sink_close_finish;
}
