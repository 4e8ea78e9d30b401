/* gcs-chan-core-private.h: what every channel kind shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every channel (mpsc, oneshot, watch, broadcast) embeds a GcsChanCore as
 * its first member: the reference count, the item type, the lock, the
 * count of open sender handles, the list of open receivers with the
 * wakers parked on each, and the senders' closed_async waits. The kinds
 * keep only their own storage (a queue, a slot, a version, a ring) and
 * call the core for everything else, so counting, closing and waking are
 * written once.
 *
 * Any number of consumers may wait on one receiver (recv_async calls,
 * attached sources, streams, all on its one context): each parks its
 * waker in the receiver's wait queue, and whatever may interest them
 * (an item, the end) wakes them all. They poll again in the order their
 * sources were attached, each takes what is there for it, the others
 * park again. Wakers are woken after the lock is released, never under it.
 */

#pragma once

#include <gio/gio.h>

#include "gcs-lock-private.h"
#include "gcs-wake-list-private.h"
#include "gcs-waker-private.h"

G_BEGIN_DECLS

/* The wakers parked on one receiver, oldest first, each once. A waker
 * stays until it is served or its consumer stops: the receiver's items go
 * to its waiters in turn (see gcs_chan_core_turn_locked()). */
typedef struct
{
  GPtrArray *wakers;      /* allocated at the first park, then reused */
  gint       n_parked;    /* wakers->len, readable without the lock */
  gboolean   head_woken;  /* the first one was woken since it parked */
} GcsWaitQueue;

/* A receiver's place in its channel; embed it in the receiver's state.
 * Its fields are under the channel's lock. */
typedef struct
{
  GList         link;
  GcsWaitQueue  waiters;
  guint         open : 1;   /* in the channel's list of receivers */
} GcsCoreRx;

typedef struct
{
  gint            ref_count;
  GDestroyNotify  free_func;   /* frees the channel, core included */
  GType      item_type;
  GcsMutex   lock;
  GcsCond    cond;          /* threads blocked in a *_blocking call */
  gint       n_blocked;     /* how many (atomic) */
  guint      n_senders;     /* open sender handles */
  GQueue     receivers;     /* open GcsCoreRx */
  GQueue     closed_waits;  /* GTask: closed_async calls of senders */
} GcsChanCore;

void      gcs_chan_core_init             (GcsChanCore  *self,
                                          GType         item_type,
                                          GDestroyNotify free_func);
void      gcs_chan_core_ref              (GcsChanCore  *self);
void      gcs_chan_core_unref            (GcsChanCore  *self);

/* Senders */
gboolean  gcs_chan_core_add_sender       (GcsChanCore  *self);
gboolean  gcs_chan_core_remove_sender    (GcsChanCore  *self);
gboolean  gcs_chan_core_has_receivers    (GcsChanCore  *self);
void      gcs_chan_core_closed_async     (GcsChanCore  *self,
                                          GTask        *task);

/* Receivers */
void      gcs_chan_core_add_receiver     (GcsChanCore  *self,
                                          GcsCoreRx    *rx);
void      gcs_chan_core_add_receiver_locked (GcsChanCore *self,
                                          GcsCoreRx    *rx);
void      gcs_chan_core_remove_receiver  (GcsChanCore  *self,
                                          GcsCoreRx    *rx);
void      gcs_chan_core_remove_receiver_locked (GcsChanCore *self,
                                          GcsCoreRx    *rx,
                                          GcsWakeList  *wakers,
                                          GQueue       *closed);
void      gcs_chan_core_complete_closed  (GQueue       *closed);
guint     gcs_chan_core_get_receiver_count (GcsChanCore *self);
void      gcs_core_rx_clear              (GcsCoreRx    *rx);
void      gcs_chan_core_park_locked      (GcsChanCore  *self,
                                          GcsCoreRx    *rx,
                                          GcsWaker     *waker);
gboolean  gcs_chan_core_turn_locked      (GcsChanCore  *self,
                                          GcsCoreRx    *rx,
                                          GcsWaker     *waker,
                                          GcsWakeList  *wakers);
void      gcs_chan_core_leave_locked     (GcsChanCore  *self,
                                          GcsCoreRx    *rx,
                                          GcsWaker     *waker,
                                          GcsWakeList  *wakers);
void      gcs_chan_core_forget_waker     (GcsChanCore  *self,
                                          GcsCoreRx    *rx,
                                          GcsWaker     *waker,
                                          gboolean      items_left);
void      gcs_chan_core_wake_rx_locked   (GcsChanCore  *self,
                                          GcsCoreRx    *rx,
                                          GcsWakeList  *wakers);
void      gcs_chan_core_wake_all_locked  (GcsChanCore  *self,
                                          GcsWakeList  *wakers);

void      gcs_chan_core_wake_head_slow   (GcsChanCore  *self,
                                          GcsCoreRx    *rx,
                                          GcsWakeList  *wakers);

/* Something arrived for @rx: the first of its waiters is woken (once the
 * lock is released, from @wakers); it takes its turn and wakes the next.
 * Inline: a send calls it for every item. */
static inline void
gcs_chan_core_wake_head_locked (GcsChanCore *self,
                                GcsCoreRx   *rx,
                                GcsWakeList *wakers)
{
  if (G_UNLIKELY (self->n_blocked > 0))
    gcs_cond_broadcast (&self->cond);
  if (rx->waiters.n_parked == 0)
    return;
  /* Woken already, unless its driver went without taking its turn. */
  if (rx->waiters.head_woken &&
      !g_atomic_int_get (&((GcsWaker *) rx->waiters.wakers->pdata[0])->dead))
    return;
  gcs_chan_core_wake_head_slow (self, rx, wakers);
}

/* Whether another consumer waits for its turn on @rx: read without the
 * lock, by the consumer, to skip gcs_chan_core_turn_locked() when none. */
static inline gboolean
gcs_core_rx_has_waiters (GcsCoreRx *rx)
{
  return __atomic_load_n (&rx->waiters.n_parked, __ATOMIC_ACQUIRE) > 0;
}

/* The context that consumes a receiver: the first one that polls or
 * attaches it. Another one is refused with a critical. */
gboolean  gcs_consumer_claim_context     (GMainContext **slot,
                                          GMainContext  *context,
                                          gpointer       receiver,
                                          GError       **error);
void      gcs_consumer_release_context   (GMainContext **slot);

G_END_DECLS
