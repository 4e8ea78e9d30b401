/* gcs-watch-sender.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-error.h"
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

G_DEFINE_FINAL_TYPE (GcsWatchSender, gcs_watch_sender, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM_TYPE,
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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_watch_sender_init (GcsWatchSender *self)
{
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
  GValue item = G_VALUE_INIT;

  g_return_val_if_fail (GCS_IS_WATCH_SENDER (self), FALSE);
  g_return_val_if_fail (GCS_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_atomic_int_get (&self->closed))
    {
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                           "This sender handle is closed");
      return FALSE;
    }
  if (!gcs_value_coerce (gcs_watch_chan_get_item_type (self->chan), value, &item, error))
    return FALSE;
  gcs_watch_chan_send (self->chan, &item);
  return TRUE;
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
