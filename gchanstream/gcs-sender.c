/* gcs-sender.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-chan-closed-private.h"
#include "gcs-error.h"
#include "gcs-sender-private.h"
#include "gcs-sink-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-sender
 * @title: GcsSender
 * @short_description: the sending end of an mpsc channel
 *
 * A #GcsSender is one handle on the sending side of a channel made by
 * gcs_channel_new(). It is thread-safe: any thread may send, clone or
 * close. The channel ends for its receiver when every handle is closed or
 * finalized. A failed send never takes the value: the caller still owns
 * it.
 */

/**
 * GcsSender:
 *
 * A sending handle of an mpsc channel.
 */
struct _GcsSender
{
  GObject  parent_instance;
  GcsChan *chan;
  gint     closed;  /* atomic */
};

static void gcs_sender_sink_init (GcsSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsSender, gcs_sender, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_SINK, gcs_sender_sink_init))

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_CAPACITY,
  PROP_LENGTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GcsSender *
gcs_sender_new_for_chan (GcsChan *chan)
{
  GcsSender *self = g_object_new (GCS_TYPE_SENDER, NULL);

  self->chan = gcs_chan_ref (chan);
  return self;
}

static void
gcs_sender_finalize (GObject *object)
{
  GcsSender *self = GCS_SENDER (object);

  if (self->chan != NULL)
    {
      gcs_sender_close (self);
      gcs_chan_unref (self->chan);
    }

  G_OBJECT_CLASS (gcs_sender_parent_class)->finalize (object);
}

static void
gcs_sender_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  GcsSender *self = GCS_SENDER (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, gcs_sender_get_item_type (self));
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, gcs_sender_get_capacity (self));
      break;
    case PROP_LENGTH:
      g_value_set_uint (value, gcs_sender_get_length (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_sender_class_init (GcsSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_sender_finalize;
  object_class->get_property = gcs_sender_get_property;

  /**
   * GcsSender:item-type:
   *
   * The #GType of the channel's items; %G_TYPE_NONE when it takes any.
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", "Item type",
                        "The GType of the channel's items (G_TYPE_NONE: any)",
                        G_TYPE_NONE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsSender:capacity:
   *
   * How many items the channel may queue; 0 when it is unbounded.
   */
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", "Capacity",
                       "How many items the channel holds at most (0: unbounded)",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsSender:length:
   *
   * How many items are queued now. It is read without notification: a
   * snapshot of a value other threads change.
   */
  properties[PROP_LENGTH] =
    g_param_spec_uint ("length", "Length",
                       "How many items are queued now",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_sender_init (GcsSender *self)
{
}

static void
gcs_sender_sink_send_async (GcsSink             *sink,
                            const GValue        *value,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  gcs_sender_send_async (GCS_SENDER (sink), value, cancellable, callback, user_data);
}

static gboolean
gcs_sender_sink_send_finish (GcsSink       *sink,
                             GAsyncResult  *result,
                             GError       **error)
{
  return gcs_sender_send_finish (GCS_SENDER (sink), result, error);
}

static void
gcs_sender_sink_close_async (GcsSink             *sink,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  gcs_sender_close (GCS_SENDER (sink));
  gcs_sink_return_now (sink, gcs_sender_sink_close_async, cancellable, callback, user_data, NULL);
}

static gboolean
gcs_sender_sink_close_finish (GcsSink       *sink,
                              GAsyncResult  *result,
                              GError       **error)
{
  return gcs_sink_finish_now (sink, result, gcs_sender_sink_close_async, error);
}

static void
gcs_sender_sink_init (GcsSinkInterface *iface)
{
  iface->send_async = gcs_sender_sink_send_async;
  iface->send_finish = gcs_sender_sink_send_finish;
  iface->close_async = gcs_sender_sink_close_async;
  iface->close_finish = gcs_sender_sink_close_finish;
}

static gboolean
gcs_sender_check_open (GcsSender  *self,
                       GError    **error)
{
  if (G_LIKELY (!g_atomic_int_get (&self->closed)))
    return TRUE;
  g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                       "This sender handle is closed");
  return FALSE;
}

/**
 * gcs_sender_try_send:
 * @self: a #GcsSender
 * @value: the item; converted to the channel's item type when that is exact
 * @error: return location for a #GError
 *
 * Queues a copy of @value if the channel has room, without waiting.
 *
 * Returns: %TRUE if the item was queued; %FALSE with
 *   %GCS_CHANNEL_ERROR_FULL, %GCS_CHANNEL_ERROR_CLOSED or
 *   %GCS_CHANNEL_ERROR_TYPE otherwise, and nothing queued
 */
gboolean
gcs_sender_try_send (GcsSender     *self,
                     const GValue  *value,
                     GError       **error)
{
  g_return_val_if_fail (GCS_IS_SENDER (self), FALSE);
  g_return_val_if_fail (GCS_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!gcs_sender_check_open (self, error))
    return FALSE;
  return gcs_chan_send (self->chan, value, FALSE, NULL, error);
}

/**
 * gcs_sender_send_blocking:
 * @self: a #GcsSender
 * @value: the item; converted to the channel's item type when that is exact
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Queues a copy of @value, waiting for room on a full bounded channel. For
 * worker threads: on the thread that runs the receiver's context, a full
 * channel fails with %GCS_CHANNEL_ERROR_FULL at once rather than wait
 * forever.
 *
 * Returns: %TRUE if the item was queued; %FALSE with an error otherwise
 *   (%GCS_CHANNEL_ERROR_CLOSED, %GCS_CHANNEL_ERROR_TYPE,
 *   %G_IO_ERROR_CANCELLED), and nothing queued
 */
gboolean
gcs_sender_send_blocking (GcsSender     *self,
                          const GValue  *value,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_return_val_if_fail (GCS_IS_SENDER (self), FALSE);
  g_return_val_if_fail (GCS_IS_VALUE (value), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!gcs_sender_check_open (self, error))
    return FALSE;
  return gcs_chan_send (self->chan, value, TRUE, cancellable, error);
}

/**
 * gcs_sender_send_async:
 * @self: a #GcsSender
 * @value: the item; converted to the channel's item type when that is exact
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called when the item is
 *   queued or the send failed
 * @user_data: data for @callback
 *
 * Queues a copy of @value, waiting for room without blocking the thread.
 * Waiting sends are admitted in the order they started. A cancelled send
 * has queued nothing.
 */
void
gcs_sender_send_async (GcsSender           *self,
                       const GValue        *value,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (GCS_IS_SENDER (self));
  g_return_if_fail (GCS_IS_VALUE (value));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcs_sender_send_async);
  g_task_set_name (task, "[gchanstream] send");
  /* A send admitted into the channel succeeded, even if the cancellable
   * fires before the callback runs: only a send that queued nothing
   * reports G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);

  if (!gcs_sender_check_open (self, &error))
    g_task_return_error (task, error);
  else
    gcs_chan_send_async (self->chan, value, task);
}

/**
 * gcs_sender_send_finish:
 * @self: a #GcsSender
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_sender_send_async().
 *
 * Returns: %TRUE if the item was queued; %FALSE with an error otherwise
 */
gboolean
gcs_sender_send_finish (GcsSender     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (GCS_IS_SENDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcs_sender_send_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * gcs_sender_clone:
 * @self: a #GcsSender
 *
 * Makes another handle on the same channel. The receiver sees the end once
 * every handle is closed. Cloning a handle of a channel whose handles are
 * all closed gives a closed handle.
 *
 * Returns: (transfer full): a new #GcsSender
 */
GcsSender *
gcs_sender_clone (GcsSender *self)
{
  GcsSender *clone;

  g_return_val_if_fail (GCS_IS_SENDER (self), NULL);

  clone = gcs_sender_new_for_chan (self->chan);
  if (g_atomic_int_get (&self->closed) || !gcs_chan_add_sender (self->chan))
    clone->closed = TRUE;
  return clone;
}

/**
 * gcs_sender_close:
 * @self: a #GcsSender
 *
 * Closes this handle: its later sends fail with %GCS_CHANNEL_ERROR_CLOSED.
 * When it was the last open handle the receiver delivers what is queued,
 * then reports the end. Closing twice does nothing more; finalizing a
 * handle closes it.
 */
void
gcs_sender_close (GcsSender *self)
{
  g_return_if_fail (GCS_IS_SENDER (self));

  if (g_atomic_int_compare_and_exchange (&self->closed, FALSE, TRUE))
    gcs_chan_remove_sender (self->chan);
}

/* Closes @self; once every sender is closed and the queued items are
 * delivered, the receiver reports @error once instead of the end (its
 * try_recv, recv_finish, recv_blocking raise it, a ReceiverStream fails
 * with it). For channels whose producer can fail: a D-Bus peer that
 * vanishes. */
void
gcs_sender_close_with_error (GcsSender    *self,
                             const GError *error)
{
  g_return_if_fail (GCS_IS_SENDER (self));
  g_return_if_fail (error != NULL);

  gcs_chan_set_end_error (self->chan, error);
  gcs_sender_close (self);
}

/**
 * gcs_sender_is_closed:
 * @self: a #GcsSender
 *
 * Whether the receiver is closed or gone, so that sends can only fail. A
 * producer can check it to stop work early.
 *
 * Returns: %TRUE if the channel's receiver is closed
 */
gboolean
gcs_sender_is_closed (GcsSender *self)
{
  g_return_val_if_fail (GCS_IS_SENDER (self), TRUE);

  return gcs_chan_is_closed_for_send (self->chan);
}

/**
 * gcs_sender_get_item_type:
 * @self: a #GcsSender
 *
 * Gets the #GcsSender:item-type property.
 *
 * Returns: the #GcsSender:item-type
 */
GType
gcs_sender_get_item_type (GcsSender *self)
{
  g_return_val_if_fail (GCS_IS_SENDER (self), G_TYPE_INVALID);

  return gcs_chan_get_item_type (self->chan);
}

/**
 * gcs_sender_get_capacity:
 * @self: a #GcsSender
 *
 * Gets the #GcsSender:capacity property.
 *
 * Returns: the #GcsSender:capacity, 0 for an unbounded channel
 */
guint
gcs_sender_get_capacity (GcsSender *self)
{
  g_return_val_if_fail (GCS_IS_SENDER (self), 0);

  return gcs_chan_get_capacity (self->chan);
}

/**
 * gcs_sender_get_length:
 * @self: a #GcsSender
 *
 * Gets the #GcsSender:length property.
 *
 * Returns: the #GcsSender:length, how many items are queued now
 */
guint
gcs_sender_get_length (GcsSender *self)
{
  g_return_val_if_fail (GCS_IS_SENDER (self), 0);

  return gcs_chan_get_length (self->chan);
}

/* Additions of 2026-12: closed_async */

/**
 * gcs_sender_closed_async:
 * @self: a #GcsSender
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called once no receiver
 *   is left
 * @user_data: data for @callback
 *
 * Waits, on the thread-default context, until no receiver of the channel
 * is left: the receiver is closed (gcs_receiver_close()) or finalized. It completes at once if none is. A producer uses it to
 * stop its work when its consumer goes (a window closed, say), rather
 * than at its next send, which would fail with %GCS_CHANNEL_ERROR_CLOSED.
 */
void
gcs_sender_closed_async (GcsSender           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (GCS_IS_SENDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  gcs_chan_closed_async (gcs_chan_get_core (self->chan), self, gcs_sender_closed_async,
                         cancellable, callback, user_data);
}

/**
 * gcs_sender_closed_finish:
 * @self: a #GcsSender
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_sender_closed_async().
 *
 * Returns: %TRUE once no receiver is left; %FALSE with
 *   %G_IO_ERROR_CANCELLED when cancelled first
 */
gboolean
gcs_sender_closed_finish (GcsSender     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (GCS_IS_SENDER (self), FALSE);

  return gcs_chan_closed_finish (self, result, gcs_sender_closed_async, error);
}
