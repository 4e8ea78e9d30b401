/* gcs-oneshot-receiver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-oneshot-private.h"
#include "gcs-poll-task-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-oneshot-receiver
 * @title: GcsOneshotReceiver
 * @short_description: the receiving end of a oneshot channel
 *
 * A #GcsOneshotReceiver receives the one item of a oneshot channel, or the
 * error its sender sent instead, on one #GMainContext: with
 * gcs_oneshot_receiver_recv_async(), gcs_oneshot_receiver_try_recv(), or
 * wrapped in a #GcsOneshotStream.
 *
 * When the sender is closed or finalized without sending, the receive
 * fails with %GCS_CHANNEL_ERROR_CLOSED. Once the item was received, the
 * channel is at its end: gcs_oneshot_receiver_try_recv() fails with
 * %GCS_CHANNEL_ERROR_CLOSED and gcs_oneshot_receiver_recv_finish()
 * returns %NULL without an error. Finalizing the receiver releases an item
 * it did not take, and the sender's send fails.
 */

/**
 * GcsOneshotReceiver:
 *
 * The receiving end of a oneshot channel.
 */
struct _GcsOneshotReceiver
{
  GObject         parent_instance;
  GcsOneshotChan *chan;
  GValue          current;  /* what try_recv returned */
  GMainContext   *context;  /* the consuming context, once claimed */
};

G_DEFINE_FINAL_TYPE (GcsOneshotReceiver, gcs_oneshot_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GcsOneshotReceiver *
gcs_oneshot_receiver_new_for_chan (GcsOneshotChan *chan)
{
  GcsOneshotReceiver *self = g_object_new (GCS_TYPE_ONESHOT_RECEIVER, NULL);

  self->chan = gcs_oneshot_chan_ref (chan);
  return self;
}

static void
gcs_oneshot_receiver_clear_current (GcsOneshotReceiver *self)
{
  if (gcs_value_is_set (&self->current))
    gcs_value_clear (&self->current);
}

static void
gcs_oneshot_receiver_finalize (GObject *object)
{
  GcsOneshotReceiver *self = GCS_ONESHOT_RECEIVER (object);

  if (self->chan != NULL)
    {
      gcs_oneshot_chan_close_receiver (self->chan, TRUE);
      gcs_oneshot_chan_unref (self->chan);
      gcs_consumer_release_context (&self->context);
    }
  gcs_oneshot_receiver_clear_current (self);

  G_OBJECT_CLASS (gcs_oneshot_receiver_parent_class)->finalize (object);
}

static void
gcs_oneshot_receiver_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  GcsOneshotReceiver *self = GCS_ONESHOT_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, gcs_oneshot_receiver_get_item_type (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_oneshot_receiver_class_init (GcsOneshotReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_oneshot_receiver_finalize;
  object_class->get_property = gcs_oneshot_receiver_get_property;

  /**
   * GcsOneshotReceiver:item-type:
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
gcs_oneshot_receiver_init (GcsOneshotReceiver *self)
{
}

static void
set_unsent_error (GError **error)
{
  g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                       "The oneshot channel was closed before anything was sent");
}

/* A stream's view: an unsent channel simply ends. */
static GcsPoll
poll_from_take (GcsOneshotTake take)
{
  switch (take)
    {
    case GCS_ONESHOT_VALUE:
      return GCS_POLL_READY;
    case GCS_ONESHOT_FAILED:
      return GCS_POLL_ERROR;
    case GCS_ONESHOT_PENDING:
      return GCS_POLL_PENDING;
    case GCS_ONESHOT_UNSENT:
    case GCS_ONESHOT_TAKEN:
    default:
      return GCS_POLL_DONE;
    }
}

GcsPoll
gcs_oneshot_receiver_poll (GcsOneshotReceiver  *self,
                           GcsWaker            *waker,
                           GValue              *value,
                           GError             **error)
{
  if (waker != NULL &&
      !gcs_consumer_claim_context (&self->context, gcs_waker_get_context (waker), self, error))
    return GCS_POLL_ERROR;
  return poll_from_take (gcs_oneshot_chan_take (self->chan, waker, value, error));
}

void
gcs_oneshot_receiver_forget_waker (GcsOneshotReceiver *self,
                                   GcsWaker           *waker)
{
  gcs_oneshot_chan_forget_waker (self->chan, waker);
}

/**
 * gcs_oneshot_receiver_try_recv:
 * @self: a #GcsOneshotReceiver
 * @error: return location for a #GError
 *
 * Takes the item without waiting.
 *
 * Returns: (transfer none) (nullable): the item, owned by @self and valid
 *   until the next receive; %NULL with %GCS_CHANNEL_ERROR_EMPTY before the
 *   send, with the error the sender sent (once), or with
 *   %GCS_CHANNEL_ERROR_CLOSED when the sender closed without sending or
 *   what it sent was already received
 */
const GValue *
gcs_oneshot_receiver_try_recv (GcsOneshotReceiver  *self,
                               GError             **error)
{
  g_return_val_if_fail (GCS_IS_ONESHOT_RECEIVER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gcs_oneshot_receiver_clear_current (self);
  switch (gcs_oneshot_chan_take (self->chan, NULL, &self->current, error))
    {
    case GCS_ONESHOT_VALUE:
      return &self->current;
    case GCS_ONESHOT_FAILED:
      return NULL;
    case GCS_ONESHOT_PENDING:
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY,
                           "Nothing was sent yet");
      return NULL;
    case GCS_ONESHOT_UNSENT:
      set_unsent_error (error);
      return NULL;
    case GCS_ONESHOT_TAKEN:
    default:
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                           "The oneshot item was already received");
      return NULL;
    }
}

/* recv_async: an unsent channel is a failure, a taken one the end. */
static GcsPoll
recv_poll (gpointer   owner,
           gpointer   data,
           GcsWaker  *waker,
           GValue    *value,
           GError   **error)
{
  GcsOneshotReceiver *self = owner;
  GcsOneshotTake take;

  if (!gcs_consumer_claim_context (&self->context, gcs_waker_get_context (waker), self, error))
    return GCS_POLL_ERROR;
  take = gcs_oneshot_chan_take (self->chan, waker, value, error);
  if (take == GCS_ONESHOT_UNSENT)
    {
      set_unsent_error (error);
      return GCS_POLL_ERROR;
    }
  return poll_from_take (take);
}

static void
recv_forget_waker (gpointer  owner,
                   GcsWaker *waker)
{
  gcs_oneshot_receiver_forget_waker (owner, waker);
}

/**
 * gcs_oneshot_receiver_recv_async:
 * @self: a #GcsOneshotReceiver
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the item
 * @user_data: data for @callback
 *
 * Waits for the item on the thread-default context. A receive that
 * completes with %G_IO_ERROR_CANCELLED has taken nothing.
 */
void
gcs_oneshot_receiver_recv_async (GcsOneshotReceiver  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_ONESHOT_RECEIVER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcs_oneshot_receiver_recv_async);
  g_task_set_name (task, "[gchanstream] oneshot recv");
  gcs_poll_task_run (task, recv_poll, recv_forget_waker);
}

/**
 * gcs_oneshot_receiver_recv_finish:
 * @self: a #GcsOneshotReceiver
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_oneshot_receiver_recv_async().
 *
 * Returns: (transfer none) (nullable): the item, owned by @result; %NULL
 *   with the error the sender sent, with %GCS_CHANNEL_ERROR_CLOSED when
 *   the sender closed without sending, or without an error when the item
 *   was already received
 */
const GValue *
gcs_oneshot_receiver_recv_finish (GcsOneshotReceiver  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (GCS_IS_ONESHOT_RECEIVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcs_oneshot_receiver_recv_async, NULL);

  return gcs_poll_task_propagate (G_TASK (result), error);
}

/**
 * gcs_oneshot_receiver_close:
 * @self: a #GcsOneshotReceiver
 *
 * Refuses the item: a later send fails with %GCS_CHANNEL_ERROR_CLOSED and
 * gcs_oneshot_sender_is_closed() turns %TRUE. An item sent before can
 * still be received.
 */
void
gcs_oneshot_receiver_close (GcsOneshotReceiver *self)
{
  g_return_if_fail (GCS_IS_ONESHOT_RECEIVER (self));

  gcs_oneshot_chan_close_receiver (self->chan, FALSE);
}

/**
 * gcs_oneshot_receiver_get_item_type:
 * @self: a #GcsOneshotReceiver
 *
 * Gets the #GcsOneshotReceiver:item-type property.
 *
 * Returns: the #GcsOneshotReceiver:item-type
 */
GType
gcs_oneshot_receiver_get_item_type (GcsOneshotReceiver *self)
{
  g_return_val_if_fail (GCS_IS_ONESHOT_RECEIVER (self), G_TYPE_INVALID);

  return gcs_oneshot_chan_get_item_type (self->chan);
}
