/* gcs-oneshot-sender.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-chan-closed-private.h"
#include "gcs-error.h"
#include "gcs-oneshot-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-oneshot-sender
 * @title: GcsOneshotSender
 * @short_description: the sending end of a oneshot channel
 *
 * A #GcsOneshotSender sends one item (gcs_oneshot_sender_send()) or one
 * failure (gcs_oneshot_sender_send_error()), from any thread. After that,
 * or after gcs_oneshot_sender_close(), its sends fail with
 * %GCS_CHANNEL_ERROR_CLOSED. Finalizing it unsent closes it: the receiver
 * learns that nothing will come.
 */

/**
 * GcsOneshotSender:
 *
 * The sending end of a oneshot channel.
 */
struct _GcsOneshotSender
{
  GObject         parent_instance;
  GcsOneshotChan *chan;
  gint            used;  /* atomic: sent or closed */
};

G_DEFINE_FINAL_TYPE (GcsOneshotSender, gcs_oneshot_sender, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GcsOneshotSender *
gcs_oneshot_sender_new_for_chan (GcsOneshotChan *chan)
{
  GcsOneshotSender *self = g_object_new (GCS_TYPE_ONESHOT_SENDER, NULL);

  self->chan = gcs_oneshot_chan_ref (chan);
  return self;
}

static void
gcs_oneshot_sender_finalize (GObject *object)
{
  GcsOneshotSender *self = GCS_ONESHOT_SENDER (object);

  if (self->chan != NULL)
    {
      gcs_oneshot_sender_close (self);
      gcs_oneshot_chan_unref (self->chan);
    }

  G_OBJECT_CLASS (gcs_oneshot_sender_parent_class)->finalize (object);
}

static void
gcs_oneshot_sender_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GcsOneshotSender *self = GCS_ONESHOT_SENDER (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, gcs_oneshot_sender_get_item_type (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_oneshot_sender_class_init (GcsOneshotSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_oneshot_sender_finalize;
  object_class->get_property = gcs_oneshot_sender_get_property;

  /**
   * GcsOneshotSender:item-type:
   *
   * The #GType of the item; %G_TYPE_NONE when it takes any.
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", "Item type",
                        "The GType of the item (G_TYPE_NONE: any)",
                        G_TYPE_NONE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_oneshot_sender_init (GcsOneshotSender *self)
{
}

static void
set_used_error (GError **error)
{
  g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                       "This oneshot sender has already sent, or is closed");
}

static void
set_receiver_gone_error (GError **error)
{
  g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                       "The oneshot receiver is closed or gone");
}

/* Claims the handle's one send. */
static gboolean
gcs_oneshot_sender_claim (GcsOneshotSender  *self,
                          GError           **error)
{
  if (g_atomic_int_compare_and_exchange (&self->used, FALSE, TRUE))
    return TRUE;
  set_used_error (error);
  return FALSE;
}

/**
 * gcs_oneshot_sender_send:
 * @self: a #GcsOneshotSender
 * @value: the item; converted to the item type when that is exact
 * @error: return location for a #GError
 *
 * Sends a copy of @value, once. Thread-safe.
 *
 * Returns: %TRUE if the item was sent; %FALSE with
 *   %GCS_CHANNEL_ERROR_CLOSED (this handle already sent or is closed, or
 *   the receiver is closed or gone) or %GCS_CHANNEL_ERROR_TYPE (the handle
 *   can still send), and nothing sent
 */
gboolean
gcs_oneshot_sender_send (GcsOneshotSender  *self,
                         const GValue      *value,
                         GError           **error)
{
  GValue item = G_VALUE_INIT;

  g_return_val_if_fail (GCS_IS_ONESHOT_SENDER (self), FALSE);
  g_return_val_if_fail (GCS_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_atomic_int_get (&self->used))
    {
      set_used_error (error);
      return FALSE;
    }
  if (!gcs_value_coerce (gcs_oneshot_chan_get_item_type (self->chan), value, &item, error))
    return FALSE;
  if (!gcs_oneshot_sender_claim (self, error))
    {
      gcs_value_clear (&item);
      return FALSE;
    }
  if (!gcs_oneshot_chan_send (self->chan, &item, NULL))
    {
      gcs_value_clear (&item);
      set_receiver_gone_error (error);
      return FALSE;
    }
  return TRUE;
}

/**
 * gcs_oneshot_sender_send_error:
 * @self: a #GcsOneshotSender
 * @failure: the error to deliver
 * @error: return location for a #GError
 *
 * Sends a copy of @failure instead of an item, once: the receiver's
 * gcs_oneshot_receiver_recv_finish() and gcs_oneshot_receiver_try_recv()
 * fail with it, and a #GcsOneshotStream ends with it. Thread-safe.
 *
 * Returns: %TRUE if the error was sent; %FALSE with
 *   %GCS_CHANNEL_ERROR_CLOSED when this handle already sent or is closed,
 *   or the receiver is closed or gone
 */
gboolean
gcs_oneshot_sender_send_error (GcsOneshotSender  *self,
                               const GError      *failure,
                               GError           **error)
{
  GError *copy;

  g_return_val_if_fail (GCS_IS_ONESHOT_SENDER (self), FALSE);
  g_return_val_if_fail (failure != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!gcs_oneshot_sender_claim (self, error))
    return FALSE;
  copy = g_error_copy (failure);
  if (!gcs_oneshot_chan_send (self->chan, NULL, copy))
    {
      g_error_free (copy);
      set_receiver_gone_error (error);
      return FALSE;
    }
  return TRUE;
}

/**
 * gcs_oneshot_sender_close:
 * @self: a #GcsOneshotSender
 *
 * Gives up sending: the receiver learns that nothing will come, and later
 * sends on this handle fail with %GCS_CHANNEL_ERROR_CLOSED. Closing after
 * a send, or twice, does nothing; finalizing the sender closes it.
 */
void
gcs_oneshot_sender_close (GcsOneshotSender *self)
{
  g_return_if_fail (GCS_IS_ONESHOT_SENDER (self));

  if (g_atomic_int_compare_and_exchange (&self->used, FALSE, TRUE))
    gcs_oneshot_chan_close_sender (self->chan);
}

/**
 * gcs_oneshot_sender_is_closed:
 * @self: a #GcsOneshotSender
 *
 * Whether the receiver is closed or gone, so that a send can only fail:
 * the work that would produce the item may stop early.
 *
 * Returns: %TRUE if the receiver is closed or gone
 */
gboolean
gcs_oneshot_sender_is_closed (GcsOneshotSender *self)
{
  g_return_val_if_fail (GCS_IS_ONESHOT_SENDER (self), TRUE);

  return gcs_oneshot_chan_is_closed_for_send (self->chan);
}

/**
 * gcs_oneshot_sender_get_item_type:
 * @self: a #GcsOneshotSender
 *
 * Gets the #GcsOneshotSender:item-type property.
 *
 * Returns: the #GcsOneshotSender:item-type
 */
GType
gcs_oneshot_sender_get_item_type (GcsOneshotSender *self)
{
  g_return_val_if_fail (GCS_IS_ONESHOT_SENDER (self), G_TYPE_INVALID);

  return gcs_oneshot_chan_get_item_type (self->chan);
}

/* Additions of 2026-12: closed_async */

/**
 * gcs_oneshot_sender_closed_async:
 * @self: a #GcsOneshotSender
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called once no receiver
 *   is left
 * @user_data: data for @callback
 *
 * Waits, on the thread-default context, until no receiver of the channel
 * is left: the receiver is closed (gcs_oneshot_receiver_close()) or finalized. It completes at once if none is. A producer uses it to
 * stop its work when its consumer goes (a window closed, say), rather
 * than at its next send, which would fail with %GCS_CHANNEL_ERROR_CLOSED.
 */
void
gcs_oneshot_sender_closed_async (GcsOneshotSender    *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (GCS_IS_ONESHOT_SENDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  gcs_chan_closed_async (gcs_oneshot_chan_get_core (self->chan), self, gcs_oneshot_sender_closed_async,
                         cancellable, callback, user_data);
}

/**
 * gcs_oneshot_sender_closed_finish:
 * @self: a #GcsOneshotSender
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_oneshot_sender_closed_async().
 *
 * Returns: %TRUE once no receiver is left; %FALSE with
 *   %G_IO_ERROR_CANCELLED when cancelled first
 */
gboolean
gcs_oneshot_sender_closed_finish (GcsOneshotSender *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (GCS_IS_ONESHOT_SENDER (self), FALSE);

  return gcs_chan_closed_finish (self, result, gcs_oneshot_sender_closed_async, error);
}
