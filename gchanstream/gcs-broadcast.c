/* gcs-broadcast.c: the broadcast channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One mutex guards a ring of capacity values and the position of every
 * receiver. Each value counts the receivers that still have to read it:
 * the last one takes the ring's share instead of copying, and a receiver
 * that goes gives up its share, so a value lives only as long as some
 * receiver still wants it, and never longer than capacity sends. Plain
 * values (numbers) are copied as structs under the lock; any other value
 * sits in a refcounted box, so a reader only takes a reference under the
 * lock and copies after releasing it. A send wakes the parked receivers
 * after releasing the lock.
 */

#include "config.h"

#include "gcs-broadcast-private.h"
#include "gcs-value-box-private.h"

/**
 * SECTION:gcs-broadcast
 * @title: Broadcast channels
 * @short_description: every value to every receiver, from any thread
 *
 * A broadcast channel delivers each value sent to every receiver that
 * existed when it was sent. It keeps the last capacity values: a receiver
 * that falls more than capacity values behind misses the oldest ones. Its
 * next receive then fails once with %GCS_CHANNEL_ERROR_LAGGED, whose
 * message says how many it missed (#GcsBroadcastReceiver:lagged totals
 * them), and it goes on from the oldest value still held. A
 * #GcsBroadcastStream skips and counts them instead.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GcsBroadcastSender) tx = NULL;
 * g_autoptr(GcsBroadcastReceiver) rx = NULL;
 * g_autoptr(GcsBroadcastReceiver) rx2 = NULL;
 *
 * gcs_broadcast_new (G_TYPE_STRING, 64, &tx, &rx);
 * rx2 = gcs_broadcast_sender_subscribe (tx);
 * // any thread: n = gcs_broadcast_sender_send (tx, &value, &error);
 * ]|
 *
 * A send fails with %GCS_CHANNEL_ERROR_CLOSED when no receiver exists; the
 * value is not stored. When every sender handle is closed or finalized,
 * each receiver gets the values it has not read, then the end. Memory is
 * bounded by the capacity whatever the receivers do: a receiver that is
 * finalized keeps nothing alive.
 */

/* The value at position p is in slots[p % capacity]. */
typedef struct
{
  GValue       plain;      /* a plain value, or unset */
  GcsValueBox *box;        /* any other value, or NULL */
  guint        remaining;  /* receivers that have yet to read it */
} Slot;

struct _GcsBroadcastChan
{
  GcsChanCore  core;         /* its receivers are GcsBroadcastRx */
  guint        capacity;
  Slot        *slots;
  guint64      tail;         /* the position of the next value sent */
};

/* What a slot held, to release after unlocking. */
static inline void
slot_release (Slot *slot)
{
  if (slot->box != NULL)
    gcs_value_box_unref (slot->box);
  slot->box = NULL;
  slot->plain = (GValue) G_VALUE_INIT;
}

static void
gcs_broadcast_chan_free (gpointer data)
{
  GcsBroadcastChan *self = data;

  for (guint i = 0; i < self->capacity; i++)
    slot_release (&self->slots[i]);
  g_free (self->slots);
  g_free (self);
}

GcsBroadcastChan *
gcs_broadcast_chan_new (GType item_type,
                        guint capacity)
{
  GcsBroadcastChan *self = g_new0 (GcsBroadcastChan, 1);

  gcs_chan_core_init (&self->core, item_type, gcs_broadcast_chan_free);
  self->capacity = capacity;
  self->slots = g_new0 (Slot, capacity);
  return self;
}

GcsBroadcastChan *
gcs_broadcast_chan_ref (GcsBroadcastChan *self)
{
  gcs_chan_core_ref (&self->core);
  return self;
}

void
gcs_broadcast_chan_unref (GcsBroadcastChan *self)
{
  gcs_chan_core_unref (&self->core);
}

GcsChanCore *
gcs_broadcast_chan_get_core (GcsBroadcastChan *self)
{
  return &self->core;
}

GType
gcs_broadcast_chan_get_item_type (GcsBroadcastChan *self)
{
  return self->core.item_type;
}

guint
gcs_broadcast_chan_get_capacity (GcsBroadcastChan *self)
{
  return self->capacity;
}

guint
gcs_broadcast_chan_get_receiver_count (GcsBroadcastChan *self)
{
  return gcs_chan_core_get_receiver_count (&self->core);
}

/* The position of the oldest value held. */
static inline guint64
gcs_broadcast_chan_oldest_locked (GcsBroadcastChan *self)
{
  return self->tail > self->capacity ? self->tail - self->capacity : 0;
}

gboolean
gcs_broadcast_chan_add_sender (GcsBroadcastChan *self)
{
  return gcs_chan_core_add_sender (&self->core);
}

void
gcs_broadcast_chan_remove_sender (GcsBroadcastChan *self)
{
  gcs_chan_core_remove_sender (&self->core);
}

/* Stores *@value (moved) for every receiver and returns how many there
 * are; with none, 0 and @value is left to the caller. */
guint
gcs_broadcast_chan_send (GcsBroadcastChan *self,
                         GValue           *value)
{
  GcsValueBox *box = NULL;
  Slot overwritten = { G_VALUE_INIT, NULL, 0 };
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;
  guint n_receivers;

  if (!gcs_type_is_plain (G_VALUE_TYPE (value)))
    box = gcs_value_box_new (value);

  gcs_mutex_lock (&self->core.lock);
  n_receivers = self->core.receivers.length;
  if (n_receivers > 0)
    {
      Slot *slot = &self->slots[self->tail % self->capacity];

      overwritten = *slot;
      slot->plain = *value;
      slot->box = g_steal_pointer (&box);
      slot->remaining = n_receivers;
      self->tail++;
      for (GList *l = self->core.receivers.head; l != NULL; l = l->next)
        gcs_chan_core_wake_head_locked (&self->core, l->data, &wakers);
    }
  gcs_mutex_unlock (&self->core.lock);

  slot_release (&overwritten);
  gcs_wake_list_wake (&wakers);
  if (n_receivers == 0)
    {
      /* Give the caller its value back. */
      if (box != NULL)
        gcs_value_box_take (box, value);
      return 0;
    }
  *value = (GValue) G_VALUE_INIT;
  return n_receivers;
}

/* A new receiver sees what is sent from now on. */
void
gcs_broadcast_chan_add_receiver (GcsBroadcastChan *self,
                                 GcsBroadcastRx   *rx)
{
  /* Under the lock: no value is sent between reading the tail and
   * joining the receivers that take a share of it. */
  gcs_mutex_lock (&self->core.lock);
  rx->next = self->tail;
  gcs_chan_core_add_receiver_locked (&self->core, &rx->core);
  gcs_mutex_unlock (&self->core.lock);
}

/* The receiver gives up its share of the values it has not read; those
 * nobody else wants are released, after unlocking. */
void
gcs_broadcast_chan_remove_receiver (GcsBroadcastChan *self,
                                    GcsBroadcastRx   *rx)
{
  GcsValueBox **released = NULL;
  guint n_released = 0;
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;
  GQueue closed = G_QUEUE_INIT;
  guint64 start;

  gcs_mutex_lock (&self->core.lock);
  gcs_chan_core_remove_receiver_locked (&self->core, &rx->core, &wakers, &closed);
  start = MAX (rx->next, gcs_broadcast_chan_oldest_locked (self));
  for (guint64 p = start; p < self->tail; p++)
    {
      Slot *slot = &self->slots[p % self->capacity];

      if (--slot->remaining > 0 || slot->box == NULL)
        continue;
      if (released == NULL)
        released = g_new (GcsValueBox *, self->tail - p);
      released[n_released++] = g_steal_pointer (&slot->box);
    }
  gcs_mutex_unlock (&self->core.lock);

  gcs_wake_list_wake (&wakers);
  gcs_chan_core_complete_closed (&closed);
  gcs_core_rx_clear (&rx->core);
  for (guint i = 0; i < n_released; i++)
    gcs_value_box_unref (released[i]);
  g_free (released);
}

/* The next value for @rx into @value (uninitialized): READY; ERROR when
 * @rx lagged (*@missed values lost, @rx moved to the oldest held); DONE at
 * the end; PENDING with @waker, if any, registered. */
GcsPoll
gcs_broadcast_chan_recv (GcsBroadcastChan *self,
                         GcsBroadcastRx   *rx,
                         GcsWaker         *waker,
                         GValue           *value,
                         guint64          *missed)
{
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;
  GcsValueBox *box = NULL;
  guint64 oldest;
  GcsPoll result;

  gcs_mutex_lock (&self->core.lock);
  oldest = gcs_broadcast_chan_oldest_locked (self);
  /* Waits on this receiver made before @waker's take their turn first. */
  if (rx->next < self->tail && !gcs_chan_core_turn_locked (&self->core, &rx->core, waker, &wakers))
    result = GCS_POLL_PENDING;
  else if (G_UNLIKELY (rx->next < oldest))
    {
      *missed = oldest - rx->next;
      rx->next = oldest;
      result = GCS_POLL_ERROR;
    }
  else if (rx->next < self->tail)
    {
      Slot *slot = &self->slots[rx->next % self->capacity];

      slot->remaining--;
      if (slot->box == NULL)
        *value = slot->plain;
      else if (slot->remaining == 0)
        box = g_steal_pointer (&slot->box);   /* the ring's share: the last reader */
      else
        box = gcs_value_box_ref (slot->box);
      rx->next++;
      result = GCS_POLL_READY;
    }
  else if (self->core.n_senders == 0)
    result = GCS_POLL_DONE;
  else
    {
      gcs_chan_core_park_locked (&self->core, &rx->core, waker);
      result = GCS_POLL_PENDING;
    }
  gcs_mutex_unlock (&self->core.lock);

  gcs_wake_list_wake (&wakers);
  /* Copied, or moved by its last owner, outside the lock. */
  if (box != NULL)
    gcs_value_box_take (box, value);
  return result;
}

/* How many values @rx can still read. */
guint
gcs_broadcast_chan_get_pending (GcsBroadcastChan *self,
                                GcsBroadcastRx   *rx)
{
  guint n;

  gcs_mutex_lock (&self->core.lock);
  n = self->tail - MAX (rx->next, gcs_broadcast_chan_oldest_locked (self));
  gcs_mutex_unlock (&self->core.lock);
  return n;
}

void
gcs_broadcast_chan_forget_waker (GcsBroadcastChan *self,
                                 GcsBroadcastRx   *rx,
                                 GcsWaker         *waker)
{
  gcs_chan_core_forget_waker (&self->core, &rx->core, waker, FALSE);
}

/**
 * gcs_broadcast_new:
 * @item_type: the #GType of the items; %G_TYPE_NONE accepts any type
 * @capacity: how many values the channel keeps for slow receivers, at
 *   least 1
 * @tx: (out) (transfer full): the sender
 * @rx: (out) (transfer full): a receiver
 *
 * Creates a broadcast channel. More receivers come from
 * gcs_broadcast_sender_subscribe().
 */
void
gcs_broadcast_new (GType                  item_type,
                   guint                  capacity,
                   GcsBroadcastSender   **tx,
                   GcsBroadcastReceiver **rx)
{
  GcsBroadcastChan *chan;

  g_return_if_fail (item_type != G_TYPE_INVALID);
  g_return_if_fail (capacity >= 1);
  g_return_if_fail (tx != NULL);
  g_return_if_fail (rx != NULL);

  chan = gcs_broadcast_chan_new (item_type, capacity);
  *tx = gcs_broadcast_sender_new_for_chan (chan);
  *rx = gcs_broadcast_receiver_new_for_chan (chan);
  gcs_broadcast_chan_unref (chan);
}
