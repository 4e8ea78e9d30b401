/* gcs-oneshot.c: the oneshot channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One mutex guards one slot: empty, a value, an error, or the news that
 * the sender went without sending. The sender wakes a parked receiver
 * after releasing the lock.
 */

#include "config.h"

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
  STATE_TAKEN,
} State;

/* The sender gone without sending is EMPTY with no sender left. */
struct _GcsOneshotChan
{
  GcsChanCore  core;
  GcsCoreRx    rx;        /* the receiver; closed once not open */
  State        state;
  GValue       value;
  GError      *failure;
};

static void
gcs_oneshot_chan_free (gpointer data)
{
  GcsOneshotChan *self = data;

  if (gcs_value_is_set (&self->value))
    gcs_value_clear (&self->value);
  g_clear_error (&self->failure);
  gcs_core_rx_clear (&self->rx);
  g_free (self);
}

GcsOneshotChan *
gcs_oneshot_chan_new (GType item_type)
{
  GcsOneshotChan *self = g_new0 (GcsOneshotChan, 1);

  gcs_chan_core_init (&self->core, item_type, gcs_oneshot_chan_free);
  gcs_chan_core_add_receiver (&self->core, &self->rx);
  return self;
}

GcsOneshotChan *
gcs_oneshot_chan_ref (GcsOneshotChan *self)
{
  gcs_chan_core_ref (&self->core);
  return self;
}

void
gcs_oneshot_chan_unref (GcsOneshotChan *self)
{
  gcs_chan_core_unref (&self->core);
}

GcsChanCore *
gcs_oneshot_chan_get_core (GcsOneshotChan *self)
{
  return &self->core;
}

GType
gcs_oneshot_chan_get_item_type (GcsOneshotChan *self)
{
  return self->core.item_type;
}

/* Stores *@value (moved) or @failure (taken), one of them; FALSE when the
 * receiver is closed or gone, and then nothing was taken. The caller's
 * handle guarantees a single call. */
gboolean
gcs_oneshot_chan_send (GcsOneshotChan *self,
                       GValue         *value,
                       GError         *failure)
{
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;
  gboolean sent;

  gcs_mutex_lock (&self->core.lock);
  sent = self->rx.open && self->state == STATE_EMPTY;
  if (sent)
    {
      if (failure != NULL)
        {
          self->failure = failure;
          self->state = STATE_FAILED;
        }
      else
        {
          gcs_value_move (&self->value, value);
          self->state = STATE_VALUE;
        }
      gcs_chan_core_wake_rx_locked (&self->core, &self->rx, &wakers);
    }
  gcs_mutex_unlock (&self->core.lock);

  gcs_wake_list_wake (&wakers);
  return sent;
}

/* The sender goes, sent or not. */
void
gcs_oneshot_chan_close_sender (GcsOneshotChan *self)
{
  gcs_chan_core_remove_sender (&self->core);
}

gboolean
gcs_oneshot_chan_is_closed_for_send (GcsOneshotChan *self)
{
  return !gcs_chan_core_has_receivers (&self->core);
}

/* Takes what was sent into @value (uninitialized) or @error. With a
 * @waker, a PENDING answer parks it. */
GcsOneshotTake
gcs_oneshot_chan_take (GcsOneshotChan  *self,
                       GcsWaker        *waker,
                       GValue          *value,
                       GError         **error)
{
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;
  GError *failure = NULL;
  GcsOneshotTake result;

  gcs_mutex_lock (&self->core.lock);
  /* What was sent goes to the first wait in line; the end to every one. */
  if ((self->state == STATE_VALUE || self->state == STATE_FAILED) &&
      !gcs_chan_core_turn_locked (&self->core, &self->rx, waker, &wakers))
    {
      gcs_mutex_unlock (&self->core.lock);
      gcs_wake_list_wake (&wakers);
      return GCS_ONESHOT_PENDING;
    }
  switch (self->state)
    {
    case STATE_VALUE:
      gcs_value_move (value, &self->value);
      self->state = STATE_TAKEN;
      result = GCS_ONESHOT_VALUE;
      break;
    case STATE_FAILED:
      failure = g_steal_pointer (&self->failure);
      self->state = STATE_TAKEN;
      result = GCS_ONESHOT_FAILED;
      break;
    case STATE_TAKEN:
      result = GCS_ONESHOT_TAKEN;
      break;
    case STATE_EMPTY:
    default:
      /* No sender left, or a closed receiver: nothing will come. */
      if (self->core.n_senders == 0 || !self->rx.open)
        {
          result = GCS_ONESHOT_UNSENT;
          break;
        }
      result = GCS_ONESHOT_PENDING;
      gcs_chan_core_park_locked (&self->core, &self->rx, waker);
      break;
    }
  gcs_mutex_unlock (&self->core.lock);

  gcs_wake_list_wake (&wakers);
  if (failure != NULL)
    g_propagate_error (error, failure);
  return result;
}

void
gcs_oneshot_chan_forget_waker (GcsOneshotChan *self,
                               GcsWaker       *waker)
{
  gcs_chan_core_forget_waker (&self->core, &self->rx, waker, FALSE);
}

/* No send from now on. With @discard (the receiver is gone) what was sent
 * is released too. */
void
gcs_oneshot_chan_close_receiver (GcsOneshotChan *self,
                                 gboolean        discard)
{
  GValue value = G_VALUE_INIT;
  GError *failure = NULL;

  gcs_chan_core_remove_receiver (&self->core, &self->rx);
  if (!discard)
    return;
  gcs_mutex_lock (&self->core.lock);
  if (self->state == STATE_VALUE || self->state == STATE_FAILED)
    {
      gcs_value_move (&value, &self->value);
      failure = g_steal_pointer (&self->failure);
      self->state = STATE_TAKEN;
    }
  gcs_mutex_unlock (&self->core.lock);

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
