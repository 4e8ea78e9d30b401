/* gcs-ring-private.h: the lock-free fast path of a bounded channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A ring of GValue slots, each with a sequence number, after Dmitry
 * Vyukov's bounded MPMC queue: a sender claims the position at the tail
 * with a compare-and-swap when its slot's sequence says it is free, writes
 * the value, and publishes it by setting the sequence. No lock, no system
 * call: a send that finds room is a few dozen instructions.
 *
 * The ring has a power-of-two number of slots, but holds at most
 * `capacity` items: the consumer, when it takes position p, frees the
 * slot of position p + capacity (whose previous occupant it took long
 * ago), not the slot of p + size. So a send fails exactly when `capacity`
 * items wait, as with the locked queue.
 *
 * One consumer at a time pops (the channel serializes them); what waits
 * (a parked consumer, blocked senders) stays under the channel's lock.
 */

#pragma once

#include <glib-object.h>

#include "gcs-queue-private.h"

G_BEGIN_DECLS

typedef struct
{
  GValue  value;
  guint64 seq;   /* atomic: p (free for position p) or p + 1 (holds p) */
} GcsRingSlot;

/* Set in the tail once the ring is closed: no position can be claimed. */
#define GCS_RING_CLOSED (G_GUINT64_CONSTANT (1) << 63)

typedef enum
{
  GCS_RING_PUSHED,
  GCS_RING_FULL,
  GCS_RING_CLOSED_FOR_PUSH,
} GcsRingPush;

/* Three cache lines: what senders write (the tail), what every side
 * only reads, what the consumer writes (the head). */
typedef struct
{
  guint64      tail;        /* atomic: the next position to claim, and
                             * GCS_RING_CLOSED */
  char         padding1[56];
  guint        capacity;
  guint        mask;
  GcsRingSlot *slots;
  char         padding2[48];
  guint64      head;        /* atomic for readers; written by the consumer */
  char         padding3[56];
} GcsRing;

void  gcs_ring_init  (GcsRing *self,
                      guint    capacity);
void  gcs_ring_clear (GcsRing *self);

static inline GcsRingSlot *
gcs_ring_slot (GcsRing *self,
               guint64  pos)
{
  return &self->slots[pos & self->mask];
}

/* Moves *@value into the ring, unless it is full or closed (@value is
 * then untouched). Any thread. A closed ring refuses every claim: a send
 * that got a place was made before the close, and the consumer waits for
 * it.
 *
 * Once it has claimed its place (a full barrier), and before it writes its
 * item, it reads @watch_a and @watch_b (may be NULL): *@watched says
 * whether either was non-zero. A consumer that marks one of them and then
 * looks at the claimed places sees this send's place, or this send sees
 * the mark (see gcs-channel.c). */
static inline GcsRingPush
gcs_ring_push (GcsRing    *self,
               GValue     *value,
               const gint *watch_a,
               const gint *watch_b,
               gboolean   *watched)
{
  guint64 pos = __atomic_load_n (&self->tail, __ATOMIC_RELAXED);

  for (;;)
    {
      GcsRingSlot *slot;
      guint64 seq;
      gint64 diff;

      if (G_UNLIKELY (pos & GCS_RING_CLOSED))
        return GCS_RING_CLOSED_FOR_PUSH;
      slot = gcs_ring_slot (self, pos);
      seq = __atomic_load_n (&slot->seq, __ATOMIC_ACQUIRE);
      diff = (gint64) (seq - pos);
      if (diff == 0)
        {
          if (__atomic_compare_exchange_n (&self->tail, &pos, pos + 1, TRUE,
                                           __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            {
              if (watch_a != NULL)
                *watched = __atomic_load_n (watch_a, __ATOMIC_SEQ_CST) > 0 ||
                           __atomic_load_n (watch_b, __ATOMIC_SEQ_CST) > 0;
              slot->value = *value;
              *value = (GValue) G_VALUE_INIT;
              __atomic_store_n (&slot->seq, pos + 1, __ATOMIC_RELEASE);
              return GCS_RING_PUSHED;
            }
        }
      else if (diff < 0)
        return GCS_RING_FULL;
      else
        pos = __atomic_load_n (&self->tail, __ATOMIC_RELAXED);
    }
}

/* No claim succeeds from now on. */
static inline void
gcs_ring_close (GcsRing *self)
{
  __atomic_fetch_or (&self->tail, GCS_RING_CLOSED, __ATOMIC_SEQ_CST);
}

/* Every claimed position was taken: nothing is published or about to be. */
static inline gboolean
gcs_ring_is_drained (GcsRing *self)
{
  guint64 tail = __atomic_load_n (&self->tail, __ATOMIC_SEQ_CST) & ~GCS_RING_CLOSED;

  return __atomic_load_n (&self->head, __ATOMIC_RELAXED) == tail;
}

/* Whether the next item is published. The consumer's side. */
static inline gboolean
gcs_ring_has_item (GcsRing *self)
{
  guint64 head = self->head;

  return __atomic_load_n (&gcs_ring_slot (self, head)->seq, __ATOMIC_SEQ_CST) == head + 1;
}

/* Moves the published items, up to @max, to the end of @batch and frees
 * their places. The one consumer only. Ends with a full barrier: the
 * consumer then reads whether senders wait for room (see gcs-channel.c). */
static inline guint
gcs_ring_pop (GcsRing  *self,
              GcsQueue *batch,
              guint     max)
{
  guint64 pos = self->head;
  guint n;

  for (n = 0; n < max; n++, pos++)
    {
      GcsRingSlot *slot = gcs_ring_slot (self, pos);
      guint64 next_free = pos + self->capacity;

      if (__atomic_load_n (&slot->seq, __ATOMIC_ACQUIRE) != pos + 1)
        break;
      gcs_queue_push (batch, &slot->value);
      __atomic_store_n (&gcs_ring_slot (self, next_free)->seq, next_free, __ATOMIC_RELEASE);
    }
  __atomic_store_n (&self->head, pos, __ATOMIC_RELAXED);
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  return n;
}

/* How many items wait (a snapshot). */
static inline guint
gcs_ring_length (GcsRing *self)
{
  guint64 tail = __atomic_load_n (&self->tail, __ATOMIC_RELAXED) & ~GCS_RING_CLOSED;
  guint64 head = __atomic_load_n (&self->head, __ATOMIC_RELAXED);

  return tail > head ? (guint) (tail - head) : 0;
}

G_END_DECLS
