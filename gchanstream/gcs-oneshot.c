/* gcs-oneshot.c: the oneshot channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One mutex guards one slot: empty, a value, an error, or the news that
 * the sender went without sending. The sender wakes a parked receiver
 * after releasing the lock.
 */

#include "config.h"

#include "gcs-lock-private.h"
#include "gcs-oneshot-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-oneshot
 * @title: Oneshot channels
 * @short_description: one value, or one error, from any thread to a main context
 *
 * A oneshot channel carries at most one item: a #GValue sent with
 * gcs_oneshot_sender_send(), or a failure sent with
 * gcs_oneshot_sender_send_error(). It is the way to bring the result of
 * any GIO-style async call, or of a worker thread, into a stream:
 *
 * |[<!-- language="C" -->
 * static void
 * loaded_cb (GObject *file, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GcsOneshotSender) tx = user_data;
 *   g_autoptr(GError) error = NULL;
 *   g_autofree char *contents = NULL;
 *
 *   if (!g_file_load_contents_finish (G_FILE (file), result, &contents, NULL, NULL, &error))
 *     gcs_oneshot_sender_send_error (tx, error, NULL);
 *   else
 *     {
 *       g_auto(GValue) value = G_VALUE_INIT;
 *
 *       g_value_init (&value, G_TYPE_STRING);
 *       g_value_take_string (&value, g_steal_pointer (&contents));
 *       gcs_oneshot_sender_send (tx, &value, NULL);
 *     }
 * }
 *
 * static GcsStream *
 * load (const GValue *path, gpointer user_data, GError **error)
 * {
 *   g_autoptr(GFile) file = g_file_new_for_path (g_value_get_string (path));
 *   GcsOneshotSender *tx;
 *   g_autoptr(GcsOneshotReceiver) rx = NULL;
 *
 *   gcs_oneshot_new (G_TYPE_STRING, &tx, &rx);
 *   g_file_load_contents_async (file, NULL, loaded_cb, tx);
 *   return gcs_oneshot_stream_new (rx);
 * }
 *
 * // paths: a stream of file names; contents: a stream of their contents
 * contents = gcs_stream_flat_map (paths, load, NULL, NULL);
 * ]|
 *
 * A sender finalized (or closed) without sending tells the receiver so:
 * gcs_oneshot_receiver_recv_finish() fails with %GCS_CHANNEL_ERROR_CLOSED,
 * and a #GcsOneshotStream ends without an item.
 */

typedef enum
{
  STATE_EMPTY,
  STATE_VALUE,
  STATE_FAILED,
  STATE_UNSENT,
  STATE_TAKEN,
} State;

struct _GcsOneshotChan
{
  gint       ref_count;
  GType      item_type;
  GcsMutex   lock;
  State      state;
  GValue     value;
  GError    *failure;
  gboolean   rx_closed;
  GcsWaker  *rx_waker;    /* set while the receiver is parked */
};

GcsOneshotChan *
gcs_oneshot_chan_new (GType item_type)
{
  GcsOneshotChan *self = g_new0 (GcsOneshotChan, 1);

  gcs_ref_init (&self->ref_count);
  self->item_type = item_type;
  gcs_mutex_init (&self->lock);
  return self;
}

GcsOneshotChan *
gcs_oneshot_chan_ref (GcsOneshotChan *self)
{
  gcs_ref_inc (&self->ref_count);
  return self;
}

void
gcs_oneshot_chan_unref (GcsOneshotChan *self)
{
  if (!gcs_ref_dec (&self->ref_count))
    return;
  if (gcs_value_is_set (&self->value))
    gcs_value_clear (&self->value);
  g_clear_error (&self->failure);
  g_clear_pointer (&self->rx_waker, gcs_waker_unref);
  gcs_mutex_clear (&self->lock);
  g_free (self);
}

GType
gcs_oneshot_chan_get_item_type (GcsOneshotChan *self)
{
  return self->item_type;
}

static void
wake_and_unref (GcsWaker *waker)
{
  if (waker != NULL)
    {
      gcs_waker_wake (waker);
      gcs_waker_unref (waker);
    }
}

/* Stores *@value (moved) or @failure (taken), one of them; FALSE when the
 * receiver is closed or gone, and then nothing was taken. The caller's
 * handle guarantees a single call. */
gboolean
gcs_oneshot_chan_send (GcsOneshotChan *self,
                       GValue         *value,
                       GError         *failure)
{
  GcsWaker *waker = NULL;
  gboolean sent;

  gcs_mutex_lock (&self->lock);
  sent = !self->rx_closed && self->state == STATE_EMPTY;
  if (sent)
    {
      if (failure != NULL)
        {
          self->failure = failure;
          self->state = STATE_FAILED;
        }
      else
        {
          self->value = *value;
          *value = (GValue) G_VALUE_INIT;
          self->state = STATE_VALUE;
        }
      waker = g_steal_pointer (&self->rx_waker);
    }
  gcs_mutex_unlock (&self->lock);

  wake_and_unref (waker);
  return sent;
}

/* The sender goes without sending. */
void
gcs_oneshot_chan_close_sender (GcsOneshotChan *self)
{
  GcsWaker *waker = NULL;

  gcs_mutex_lock (&self->lock);
  if (self->state == STATE_EMPTY)
    {
      self->state = STATE_UNSENT;
      waker = g_steal_pointer (&self->rx_waker);
    }
  gcs_mutex_unlock (&self->lock);

  wake_and_unref (waker);
}

gboolean
gcs_oneshot_chan_is_closed_for_send (GcsOneshotChan *self)
{
  gboolean closed;

  gcs_mutex_lock (&self->lock);
  closed = self->rx_closed;
  gcs_mutex_unlock (&self->lock);
  return closed;
}

/* Takes what was sent into @value (uninitialized) or @error. With a
 * @waker, a PENDING answer registers it. */
GcsOneshotTake
gcs_oneshot_chan_take (GcsOneshotChan  *self,
                       GcsWaker        *waker,
                       GValue          *value,
                       GError         **error)
{
  GcsWaker *old_waker = NULL;
  GError *failure = NULL;
  GcsOneshotTake result;

  gcs_mutex_lock (&self->lock);
  switch (self->state)
    {
    case STATE_VALUE:
      *value = self->value;
      self->value = (GValue) G_VALUE_INIT;
      self->state = STATE_TAKEN;
      result = GCS_ONESHOT_VALUE;
      break;
    case STATE_FAILED:
      failure = g_steal_pointer (&self->failure);
      self->state = STATE_TAKEN;
      result = GCS_ONESHOT_FAILED;
      break;
    case STATE_UNSENT:
      result = GCS_ONESHOT_UNSENT;
      break;
    case STATE_TAKEN:
      result = GCS_ONESHOT_TAKEN;
      break;
    case STATE_EMPTY:
    default:
      /* A closed receiver will never get anything. */
      if (self->rx_closed)
        {
          result = GCS_ONESHOT_UNSENT;
          break;
        }
      result = GCS_ONESHOT_PENDING;
      if (waker != NULL && self->rx_waker != waker)
        {
          old_waker = self->rx_waker;
          self->rx_waker = gcs_waker_ref (waker);
        }
      break;
    }
  gcs_mutex_unlock (&self->lock);

  if (old_waker != NULL)
    gcs_waker_unref (old_waker);
  if (failure != NULL)
    g_propagate_error (error, failure);
  return result;
}

void
gcs_oneshot_chan_forget_waker (GcsOneshotChan *self,
                               GcsWaker       *waker)
{
  GcsWaker *old = NULL;

  gcs_mutex_lock (&self->lock);
  if (self->rx_waker == waker)
    old = g_steal_pointer (&self->rx_waker);
  gcs_mutex_unlock (&self->lock);
  if (old != NULL)
    gcs_waker_unref (old);
}

/* No send from now on. With @discard (the receiver is gone) what was sent
 * is released too. */
void
gcs_oneshot_chan_close_receiver (GcsOneshotChan *self,
                                 gboolean        discard)
{
  GValue value = G_VALUE_INIT;
  GError *failure = NULL;
  GcsWaker *waker;

  gcs_mutex_lock (&self->lock);
  self->rx_closed = TRUE;
  if (discard && (self->state == STATE_VALUE || self->state == STATE_FAILED))
    {
      value = self->value;
      self->value = (GValue) G_VALUE_INIT;
      failure = g_steal_pointer (&self->failure);
      self->state = STATE_TAKEN;
    }
  waker = g_steal_pointer (&self->rx_waker);
  gcs_mutex_unlock (&self->lock);

  wake_and_unref (waker);
  if (gcs_value_is_set (&value))
    gcs_value_clear (&value);
  g_clear_error (&failure);
}

/**
 * gcs_oneshot_new:
 * @item_type: the #GType of the item; %G_TYPE_NONE accepts any type
 * @tx: (out) (transfer full): the sender
 * @rx: (out) (transfer full): the receiver
 *
 * Creates a oneshot channel: @tx sends one item, or one error, to @rx.
 */
void
gcs_oneshot_new (GType                item_type,
                 GcsOneshotSender   **tx,
                 GcsOneshotReceiver **rx)
{
  GcsOneshotChan *chan;

  g_return_if_fail (item_type != G_TYPE_INVALID);
  g_return_if_fail (tx != NULL);
  g_return_if_fail (rx != NULL);

  chan = gcs_oneshot_chan_new (item_type);
  *tx = gcs_oneshot_sender_new_for_chan (chan);
  *rx = gcs_oneshot_receiver_new_for_chan (chan);
  gcs_oneshot_chan_unref (chan);
}
