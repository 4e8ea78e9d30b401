/* gcs-channel.c: the mpsc channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One mutex guards a FIFO of GValues. The consumer takes a whole batch per
 * lock acquisition; a sender wakes it only when it had parked (registered
 * its waker on an empty queue), and always after releasing the lock.
 * Senders that wait for room queue up in order; whatever frees room admits
 * them, in order, before anything else can take it.
 */

#include "config.h"

#include "gcs-chan-core-private.h"
#include "gcs-channel-private.h"
#include "gcs-error.h"
#include "gcs-queue-private.h"
#include "gcs-receiver-private.h"
#include "gcs-ring-private.h"
#include "gcs-sender-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-channel
 * @title: Channels
 * @short_description: many senders, one receiver, delivered on a main context
 *
 * An mpsc channel moves #GValue items from any number of #GcsSender handles,
 * on any threads, to one #GcsReceiver consumed on one #GMainContext.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GcsSender) tx = NULL;
 * g_autoptr(GcsReceiver) rx = NULL;
 *
 * gcs_channel_new (G_TYPE_INT64, 1024, &tx, &rx);
 * gcs_receiver_attach (rx, NULL, on_item, self, NULL);
 * // worker threads: gcs_sender_send_blocking (tx, &value, NULL, &error);
 * ]|
 *
 * A bounded channel holds at most its capacity of queued items. A consumer
 * on a main context takes all the queued items at once, in one lock
 * acquisition, and a batch in its hands no longer counts against the
 * capacity: a channel's memory is bounded by twice its capacity.
 */

typedef enum
{
  WAITER_WAITING,
  WAITER_ADMITTED,
  WAITER_CLOSED,
  WAITER_CANCELLED,
} WaiterState;

/* A sender waiting for room: on the stack of send_blocking, or the task
 * data of a send_async. */
typedef struct
{
  GList        link;
  GValue       value;
  WaiterState  state;
  GTask       *task;           /* async only, a reference while queued */
  /* async only: a handler, not a GCancellableSource (GLib 2.74 leaks one
   * that is destroyed while another thread cancels its cancellable) */
  GCancellable *cancellable;
  gulong       cancel_handler;
} SendWaiter;

/* A bounded channel that blocks (the default policy) keeps its items in a
 * lock-free ring: a send that finds room takes no lock (gcs-ring-private.h).
 * The lock guards what waits: the parked consumer, blocked senders (who
 * are let in, in order, before any send takes the fast path again), and
 * the unbounded and dropping channels' queue. */
struct _GcsChan
{
  GcsChanCore     core;          /* its cond: blocked senders and receiver */
  guint           capacity;      /* 0: unbounded */
  GcsOverflow     overflow;
  gboolean        use_ring;

  GcsCoreRx       rx;            /* the one receiver; closed once not open */
  GcsQueue        queue;         /* unbounded and dropping channels */
  GQueue          waiters;       /* SendWaiter, oldest first */
  gint            n_send_waiters; /* atomic: waiters.length, for the fast path */
  guint64         dropped;
  GMainContext   *rx_context;    /* the consuming context, once known */
  GError         *end_error;     /* the end is a failure (see close_with_error) */
  GcsRing         ring;          /* bounded, blocking channels */

  /* The consumer's own: written for every batch or item, so kept off the
   * cache lines senders read. */
  char            padding[64];
  gint            consuming;     /* atomic: a consumer pops the ring */
  gboolean        flowing;       /* the consumer's last take found several */
  gint            in_hand;       /* atomic: taken, not yet delivered (length) */
};

#define GCS_QUEUE_BLOCK_SIZE 128

/* How long a consumer in the middle of a flow waits for the next item
 * before it parks. */
#ifndef GCS_CHAN_SEND_YIELDS
#define GCS_CHAN_SEND_YIELDS 8
#endif

#ifndef GCS_CHAN_SPIN_USEC
#define GCS_CHAN_SPIN_USEC 3
#endif

static void
gcs_chan_free (gpointer data)
{
  GcsChan *self = data;

  g_assert (self->waiters.length == 0);
  gcs_queue_clear (&self->queue);
  if (self->use_ring)
    gcs_ring_clear (&self->ring);
  gcs_core_rx_clear (&self->rx);
  g_clear_pointer (&self->rx_context, g_main_context_unref);
  g_clear_error (&self->end_error);
  g_free (self);
}

GcsChan *
gcs_chan_new (GType       item_type,
              guint       capacity,
              GcsOverflow overflow)
{
  GcsChan *self = g_new0 (GcsChan, 1);
  guint block_size = capacity ? MIN (capacity, GCS_QUEUE_BLOCK_SIZE) : GCS_QUEUE_BLOCK_SIZE;
  /* A bounded channel keeps the blocks it needs at full capacity, so a
   * steady flow allocates nothing; an unbounded one keeps a spare. */
  guint max_free = capacity ? capacity / block_size + 2 : 1;

  gcs_chan_core_init (&self->core, item_type, gcs_chan_free);
  self->capacity = capacity;
  self->overflow = overflow;
  self->use_ring = capacity > 0 && overflow == GCS_OVERFLOW_BLOCK;
  if (self->use_ring)
    gcs_ring_init (&self->ring, capacity);
  gcs_queue_init (&self->queue, block_size, max_free);
  g_queue_init (&self->waiters);
  gcs_chan_core_add_receiver (&self->core, &self->rx);
  return self;
}

GcsChan *
gcs_chan_ref (GcsChan *self)
{
  gcs_chan_core_ref (&self->core);
  return self;
}

void
gcs_chan_unref (GcsChan *self)
{
  gcs_chan_core_unref (&self->core);
}

GcsChanCore *
gcs_chan_get_core (GcsChan *self)
{
  return &self->core;
}

GType
gcs_chan_get_item_type (GcsChan *self)
{
  return self->core.item_type;
}

guint
gcs_chan_get_capacity (GcsChan *self)
{
  return self->capacity;
}

guint
gcs_chan_get_length (GcsChan *self)
{
  guint length;

  gcs_mutex_lock (&self->core.lock);
  length = self->use_ring ? gcs_ring_length (&self->ring) : self->queue.length;
  gcs_mutex_unlock (&self->core.lock);
  return length + (guint) __atomic_load_n (&self->in_hand, __ATOMIC_RELAXED);
}

void
gcs_chan_set_in_hand (GcsChan *self,
                      guint    n)
{
  __atomic_store_n (&self->in_hand, (gint) n, __ATOMIC_RELAXED);
}

guint64
gcs_chan_get_dropped (GcsChan *self)
{
  guint64 dropped;

  gcs_mutex_lock (&self->core.lock);
  dropped = self->dropped;
  gcs_mutex_unlock (&self->core.lock);
  return dropped;
}

static inline gboolean
gcs_chan_has_room_locked (GcsChan *self)
{
  return self->capacity == 0 || self->queue.length < self->capacity;
}

/* Nothing queued, nor claimed by a send in flight. */
static inline gboolean
gcs_chan_is_empty (GcsChan *self)
{
  return self->use_ring ? gcs_ring_is_drained (&self->ring) : self->queue.length == 0;
}

static inline gboolean
gcs_chan_ended_locked (GcsChan *self)
{
  return (self->core.n_senders == 0 || !self->rx.open) && gcs_chan_is_empty (self);
}

/* After an item went in without the lock: wake the consumer if it parked,
 * or a thread blocked in recv_blocking. A send reads whether anyone sleeps
 * after it claimed its place in the ring, and a consumer looks at the
 * claimed places after it parked: one of the two always sees the other
 * (a consumer that finds a place claimed but not yet written waits for
 * it rather than sleep). */
static void
gcs_chan_wake_consumer (GcsChan *self)
{
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;

  gcs_mutex_lock (&self->core.lock);
  gcs_chan_core_wake_head_locked (&self->core, &self->rx, &wakers);
  gcs_mutex_unlock (&self->core.lock);
  gcs_wake_list_wake (&wakers);
}

/* The lock-free send: a bounded channel, nobody waiting for room before
 * this sender (FIFO admission), the receiver open. FALSE: take the lock. */
static inline gboolean
gcs_chan_push_fast (GcsChan *self,
                    GValue  *value)
{
  gboolean sleepers = FALSE;

  if (!self->use_ring ||
      __atomic_load_n (&self->n_send_waiters, __ATOMIC_SEQ_CST) > 0 ||
      gcs_ring_push (&self->ring, value, &self->rx.waiters.n_parked, &self->core.n_blocked,
                     &sleepers) != GCS_RING_PUSHED)
    return FALSE;
  if (G_UNLIKELY (sleepers))
    gcs_chan_wake_consumer (self);
  return TRUE;
}

gboolean
gcs_chan_add_sender (GcsChan *self)
{
  return gcs_chan_core_add_sender (&self->core);
}

void
gcs_chan_remove_sender (GcsChan *self)
{
  gcs_chan_core_remove_sender (&self->core);
}

/* The receiver will report @error, once, instead of the end (the first
 * such error wins). */
void
gcs_chan_set_end_error (GcsChan      *self,
                        const GError *error)
{
  gcs_mutex_lock (&self->core.lock);
  if (self->end_error == NULL)
    self->end_error = g_error_copy (error);
  gcs_mutex_unlock (&self->core.lock);
}

GError *
gcs_chan_steal_end_error (GcsChan *self)
{
  GError *error;

  gcs_mutex_lock (&self->core.lock);
  error = g_steal_pointer (&self->end_error);
  gcs_mutex_unlock (&self->core.lock);
  return error;
}

gboolean
gcs_chan_is_closed_for_send (GcsChan *self)
{
  return !gcs_chan_core_has_receivers (&self->core);
}

static void
set_closed_error (GError **error)
{
  g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                       "The channel's receiver is closed");
}

typedef enum
{
  PUSH_QUEUED,
  PUSH_CLOSED,
  PUSH_FULL,
} PushResult;

/* Queues *value (moved) unless the channel is closed or, with the BLOCK
 * policy, full. *dropped receives a value to unset after unlocking. */
static PushResult
gcs_chan_push_locked (GcsChan     *self,
                      GValue      *value,
                      GValue      *dropped,
                      GcsWakeList *wakers)
{
  if (G_UNLIKELY (!self->rx.open))
    return PUSH_CLOSED;

  if (self->use_ring)
    {
      /* Under the lock, behind the senders that wait already. */
      if (self->waiters.head != NULL || gcs_ring_push (&self->ring, value, NULL, NULL, NULL) != GCS_RING_PUSHED)
        return PUSH_FULL;
      gcs_chan_core_wake_head_locked (&self->core, &self->rx, wakers);
      return PUSH_QUEUED;
    }

  if (G_UNLIKELY (!gcs_chan_has_room_locked (self)))
    {
      switch (self->overflow)
        {
        case GCS_OVERFLOW_DROP_NEWEST:
          self->dropped++;
          *dropped = *value;
          *value = (GValue) G_VALUE_INIT;
          return PUSH_QUEUED;
        case GCS_OVERFLOW_DROP_OLDEST:
          self->dropped++;
          gcs_queue_pop (&self->queue, dropped);
          break;
        case GCS_OVERFLOW_BLOCK:
        default:
          return PUSH_FULL;
        }
    }

  gcs_queue_push (&self->queue, value);
  gcs_chan_core_wake_head_locked (&self->core, &self->rx, wakers);
  return PUSH_QUEUED;
}

static void
gcs_chan_unqueue_waiter_locked (GcsChan *self,
                                GList   *link)
{
  g_queue_unlink (&self->waiters, link);
  __atomic_store_n (&self->n_send_waiters, (gint) self->waiters.length, __ATOMIC_SEQ_CST);
}

/* Queues a sender that found no room. Sends no longer take the fast path,
 * so that waiting senders go in first, in order; the consumer lets them in
 * as it frees room, if it sees them. The first one tries once more once it
 * is visible: room freed before that would be missed. */
static void
gcs_chan_queue_waiter_locked (GcsChan     *self,
                              GList       *link,
                              GcsWakeList *wakers)
{
  SendWaiter *waiter = link->data;

  g_queue_push_tail_link (&self->waiters, link);
  __atomic_store_n (&self->n_send_waiters, (gint) self->waiters.length, __ATOMIC_SEQ_CST);
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  if (self->use_ring && self->waiters.length == 1 &&
      gcs_ring_push (&self->ring, &waiter->value, NULL, NULL, NULL) == GCS_RING_PUSHED)
    {
      gcs_chan_unqueue_waiter_locked (self, link);
      waiter->state = WAITER_ADMITTED;
      gcs_chan_core_wake_head_locked (&self->core, &self->rx, wakers);
    }
}

/* The calling thread runs the consumer's context: waiting for room here
 * would wait forever. */
static gboolean
gcs_chan_is_consumer_thread_locked (GcsChan *self)
{
  return self->rx_context != NULL &&
         (g_main_context_is_owner (self->rx_context) ||
          g_main_context_get_thread_default () == self->rx_context);
}

static void
gcs_chan_cancelled_cb (GCancellable *cancellable,
                       GcsChan      *self)
{
  gcs_mutex_lock (&self->core.lock);
  gcs_cond_broadcast (&self->core.cond);
  gcs_mutex_unlock (&self->core.lock);
}

gboolean
gcs_chan_send (GcsChan       *self,
               const GValue  *value,
               gboolean       blocking,
               GCancellable  *cancellable,
               GError       **error)
{
  SendWaiter waiter = { .state = WAITER_WAITING };
  GValue dropped = G_VALUE_INIT;
  GcsWakeList wakers;
  gulong handler = 0;
  PushResult result;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!gcs_value_coerce (self->core.item_type, value, &waiter.value, error))
    return FALSE;
  if (G_LIKELY (gcs_chan_push_fast (self, &waiter.value)))
    return TRUE;
  /* Full: let the consumer run a little before sleeping (a futex wait
   * and wake cost more than a few yields when it is about to make room). */
  if (blocking && self->use_ring)
    for (guint i = 0; i < GCS_CHAN_SEND_YIELDS; i++)
      {
        g_thread_yield ();
        if (gcs_chan_push_fast (self, &waiter.value))
          return TRUE;
      }

  gcs_wake_list_init (&wakers);
  gcs_mutex_lock (&self->core.lock);
  result = gcs_chan_push_locked (self, &waiter.value, &dropped, &wakers);
  if (result == PUSH_FULL && blocking && gcs_chan_is_consumer_thread_locked (self))
    {
      gcs_mutex_unlock (&self->core.lock);
      gcs_value_clear (&waiter.value);
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL,
                           "gcs_sender_send_blocking() would deadlock: the channel is full "
                           "and this thread runs the context that consumes it");
      return FALSE;
    }
  if (result == PUSH_FULL && blocking)
    {
      /* Connecting may run the handler at once, which takes the lock. */
      gcs_mutex_unlock (&self->core.lock);
      if (cancellable != NULL)
        handler = g_cancellable_connect (cancellable, G_CALLBACK (gcs_chan_cancelled_cb), self, NULL);
      gcs_mutex_lock (&self->core.lock);

      result = gcs_chan_push_locked (self, &waiter.value, &dropped, &wakers);
      if (result == PUSH_FULL)
        {
          waiter.link.data = &waiter;
          gcs_chan_queue_waiter_locked (self, &waiter.link, &wakers);
          while (waiter.state == WAITER_WAITING && !g_cancellable_is_cancelled (cancellable))
            gcs_cond_wait (&self->core.cond, &self->core.lock);
          if (waiter.state == WAITER_WAITING)
            {
              gcs_chan_unqueue_waiter_locked (self, &waiter.link);
              waiter.state = WAITER_CANCELLED;
            }
        }
    }
  gcs_mutex_unlock (&self->core.lock);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  gcs_wake_list_wake (&wakers);
  if (gcs_value_is_set (&dropped))
    gcs_value_clear (&dropped);

  if (result == PUSH_QUEUED || waiter.state == WAITER_ADMITTED)
    return TRUE;

  gcs_value_clear (&waiter.value);
  if (result == PUSH_CLOSED || waiter.state == WAITER_CLOSED)
    set_closed_error (error);
  else if (waiter.state == WAITER_CANCELLED)
    g_cancellable_set_error_if_cancelled (cancellable, error);
  else
    g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL,
                 "The channel is full (capacity %u)", self->capacity);
  return FALSE;
}

static void
send_waiter_free (gpointer data)
{
  SendWaiter *waiter = data;

  /* Completed on the consumer's thread, freed on the task's. */
  gcs_tsan_acquire (waiter);

  if (gcs_value_is_set (&waiter->value))
    gcs_value_clear (&waiter->value);
  g_clear_object (&waiter->cancellable);
  g_free (waiter);
}

/* Not g_cancellable_disconnect(): it would deadlock if called from inside
 * the cancellable's emission on this thread. A handler still running
 * elsewhere only queues an idle that finds the waiter no longer waiting. */
static void
send_waiter_disconnect (SendWaiter *waiter)
{
  if (waiter->cancel_handler != 0)
    g_signal_handler_disconnect (waiter->cancellable, waiter->cancel_handler);
  waiter->cancel_handler = 0;
}

static gboolean
gcs_chan_send_cancelled_cb (gpointer data)
{
  GTask *task = data;
  SendWaiter *waiter = g_task_get_task_data (task);
  GcsChan *self = g_object_get_data (G_OBJECT (task), "gcs-chan");
  gboolean was_waiting;

  gcs_mutex_lock (&self->core.lock);
  was_waiting = waiter->state == WAITER_WAITING;
  if (was_waiting)
    {
      gcs_chan_unqueue_waiter_locked (self, &waiter->link);
      waiter->state = WAITER_CANCELLED;
    }
  gcs_mutex_unlock (&self->core.lock);

  if (was_waiting)
    {
      send_waiter_disconnect (waiter);
      /* Even if the cancellable was reset meanwhile: the waiter is out. */
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 "Operation was cancelled");
      g_object_unref (task);   /* the queue's reference */
    }
  return G_SOURCE_REMOVE;
}

/* Any thread: the task's context takes the waiter out. */
static void
gcs_chan_send_cancelled_handler (GCancellable *cancellable,
                                 gpointer      data)
{
  GTask *task = data;
  GSource *idle = g_idle_source_new ();

  gcs_tsan_acquire (task);
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_static_name (idle, "[gchanstream] send cancelled");
  g_source_set_callback (idle, gcs_chan_send_cancelled_cb, g_object_ref (task), g_object_unref);
  g_source_attach (idle, g_task_get_context (task));
  g_source_unref (idle);
}

static void
complete_waiter (GTask *task)
{
  SendWaiter *waiter = g_task_get_task_data (task);
  gboolean admitted = waiter->state == WAITER_ADMITTED;

  send_waiter_disconnect (waiter);
  /* Past this point the task's thread may free the waiter. */
  gcs_tsan_release (waiter);
  if (admitted)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                             "The channel's receiver is closed");
}

static gboolean
complete_waiter_cb (gpointer task)
{
  /* Handed over from the closing thread through GLib. */
  gcs_tsan_acquire (g_task_get_task_data (task));
  complete_waiter (task);
  return G_SOURCE_REMOVE;
}

/* Completes admitted or closed async senders, outside the lock. With
 * @defer, from an idle on each task's context: a receiver closed or
 * finalized (by a garbage collector, say) must not run send callbacks
 * from inside that call. */
static void
complete_waiters (GSList   *tasks,
                  gboolean  defer)
{
  for (GSList *l = tasks; l != NULL; l = l->next)
    {
      GTask *task = l->data;

      if (defer)
        {
          g_autoptr(GSource) idle = g_idle_source_new ();

          gcs_tsan_release (g_task_get_task_data (task));
          g_source_set_static_name (idle, "[gchanstream] send closed");
          g_source_set_callback (idle, complete_waiter_cb, task, g_object_unref);
          g_source_attach (idle, g_task_get_context (task));
        }
      else
        {
          complete_waiter (task);
          g_object_unref (task);
        }
    }
  g_slist_free (tasks);
}

void
gcs_chan_send_async (GcsChan      *self,
                     const GValue *value,
                     GTask        *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  SendWaiter *waiter = g_new0 (SendWaiter, 1);
  GValue dropped = G_VALUE_INIT;
  GcsWakeList wakers;
  GTask *admitted_now = NULL;
  GError *error = NULL;
  PushResult result;

  g_task_set_task_data (task, waiter, send_waiter_free);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!gcs_value_coerce (self->core.item_type, value, &waiter->value, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (gcs_chan_push_fast (self, &waiter->value))
    {
      waiter->state = WAITER_ADMITTED;
      g_task_return_boolean (task, TRUE);
      return;
    }
  gcs_wake_list_init (&wakers);

  gcs_mutex_lock (&self->core.lock);
  result = gcs_chan_push_locked (self, &waiter->value, &dropped, &wakers);
  if (result == PUSH_FULL && cancellable != NULL)
    {
      /* Connect the cancel handler before queueing the waiter, so that
       * whatever completes the waiter can always disconnect it. */
      gcs_mutex_unlock (&self->core.lock);
      g_object_set_data_full (G_OBJECT (task), "gcs-chan", gcs_chan_ref (self),
                              (GDestroyNotify) gcs_chan_unref);
      waiter->cancellable = g_object_ref (cancellable);
      gcs_tsan_release (task);
      waiter->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (gcs_chan_send_cancelled_handler),
                                                      g_object_ref (task), g_object_unref);
      gcs_mutex_lock (&self->core.lock);
      result = gcs_chan_push_locked (self, &waiter->value, &dropped, &wakers);
    }
  if (result == PUSH_FULL)
    {
      waiter->task = g_object_ref (task);
      waiter->link.data = waiter;
      gcs_chan_queue_waiter_locked (self, &waiter->link, &wakers);
      /* Let in at once; otherwise the consumer completes it. */
      if (waiter->state == WAITER_ADMITTED)
        {
          admitted_now = g_steal_pointer (&waiter->task);
          result = PUSH_QUEUED;
        }
    }
  else
    /* Never queued: a cancel idle finds nothing to take out. */
    waiter->state = result == PUSH_QUEUED ? WAITER_ADMITTED : WAITER_CLOSED;
  gcs_mutex_unlock (&self->core.lock);

  gcs_wake_list_wake (&wakers);
  if (gcs_value_is_set (&dropped))
    gcs_value_clear (&dropped);
  g_clear_object (&admitted_now);
  if (result == PUSH_FULL)
    return;

  send_waiter_disconnect (waiter);
  if (result == PUSH_QUEUED)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                             "The channel's receiver is closed");
}

/* Room appeared: let waiting senders in, oldest first. Async ones are
 * returned for completion outside the lock; *@wake_blocked says whether
 * to wake blocked threads, also outside the lock: a futex wake is a
 * system call, and senders would pile up on the lock meanwhile. */
static GSList *
gcs_chan_admit_waiters_locked (GcsChan  *self,
                               gboolean *wake_blocked)
{
  GSList *tasks = NULL;

  while (self->waiters.head != NULL)
    {
      GList *link = self->waiters.head;
      SendWaiter *waiter = link->data;

      if (self->use_ring)
        {
          if (gcs_ring_push (&self->ring, &waiter->value, NULL, NULL, NULL) != GCS_RING_PUSHED)
            break;
        }
      else if (gcs_chan_has_room_locked (self))
        gcs_queue_push (&self->queue, &waiter->value);
      else
        break;
      gcs_chan_unqueue_waiter_locked (self, link);
      waiter->state = WAITER_ADMITTED;
      if (waiter->task != NULL)
        tasks = g_slist_prepend (tasks, g_steal_pointer (&waiter->task));
      else
        *wake_blocked = TRUE;
    }
  return g_slist_reverse (tasks);
}

/* A queue for the consumer's batches, shaped like the channel's own so the
 * two can be swapped. */
void
gcs_chan_init_batch (GcsChan  *self,
                     GcsQueue *batch)
{
  gcs_queue_init (batch, self->queue.block_size, self->queue.max_free_blocks);
}

/* After a take made room: let waiting senders in, in order. */
static void
gcs_chan_admit_after_take (GcsChan *self)
{
  GSList *tasks;
  gboolean wake_blocked = FALSE;
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;

  gcs_mutex_lock (&self->core.lock);
  tasks = gcs_chan_admit_waiters_locked (self, &wake_blocked);
  gcs_mutex_unlock (&self->core.lock);

  /* The admitted senders' state changed under the lock, so a broadcast
   * after it is released is never lost. */
  if (wake_blocked)
    gcs_cond_broadcast (&self->core.cond);
  gcs_wake_list_wake (&wakers);
  if (G_UNLIKELY (tasks != NULL))
    complete_waiters (tasks, FALSE);
}

/* Whether @waker may take now; other consumers of the receiver that wait
 * take their turns first (see gcs_chan_core_turn_locked()). */
gboolean
gcs_chan_take_turn (GcsChan  *self,
                    GcsWaker *waker)
{
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;
  gboolean turn;

  gcs_mutex_lock (&self->core.lock);
  turn = gcs_chan_core_turn_locked (&self->core, &self->rx, waker, &wakers);
  gcs_mutex_unlock (&self->core.lock);
  gcs_wake_list_wake (&wakers);
  return turn;
}

/* The ring's consumer side is for one thread at a time: the receiver's
 * context, or a thread in recv_blocking. */
static inline void
gcs_chan_consume_begin (GcsChan *self)
{
  while (__atomic_exchange_n (&self->consuming, 1, __ATOMIC_ACQUIRE))
    g_thread_yield ();
}

static inline void
gcs_chan_consume_end (GcsChan *self)
{
  __atomic_store_n (&self->consuming, 0, __ATOMIC_RELEASE);
}

/* Waits up to GCS_CHAN_SPIN_USEC for the next item, without the lock. */
static gboolean
gcs_chan_spin_for_item (GcsChan *self)
{
  gint64 deadline = 0;

  self->flowing = FALSE;
  while (!gcs_ring_has_item (&self->ring))
    {
      for (guint i = 0; i < 32; i++)
        {
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause ();
#endif
        }
      if (deadline == 0)
        deadline = g_get_monotonic_time () + GCS_CHAN_SPIN_USEC;
      else if (g_get_monotonic_time () >= deadline)
        return FALSE;
    }
  return TRUE;
}

/* gcs_chan_take() on a ring: no lock unless nothing is there (to park)
 * or others wait (turns, admission of blocked senders). */
static guint
gcs_chan_take_ring (GcsChan   *self,
                    GcsQueue  *batch,
                    gboolean   all,
                    GcsWaker  *waker,
                    gboolean  *ended)
{
  for (;;)
    {
      gboolean again;

      if (gcs_ring_has_item (&self->ring))
        {
          guint n;

          if (G_UNLIKELY (waker != NULL && gcs_core_rx_has_waiters (&self->rx)) &&
              !gcs_chan_take_turn (self, waker))
            return 0;
          gcs_chan_consume_begin (self);
          n = gcs_ring_pop (&self->ring, batch, all ? G_MAXUINT : 1);
          gcs_chan_consume_end (self);
          self->flowing = n > 1;
          /* The pop ends with a full barrier: a sender that queued up
           * meanwhile is seen here, or saw the room itself. */
          if (G_UNLIKELY (__atomic_load_n (&self->n_send_waiters, __ATOMIC_SEQ_CST) > 0))
            gcs_chan_admit_after_take (self);
          if (n > 0)
            return n;
          continue;
        }

      /* In the middle of a flow (the last take found several items) a
       * send usually comes within a few microseconds: wait for it rather
       * than park, which costs the sender a lock and a wakeup and this
       * thread a trip through poll(). A trickle (one item per take, W2's
       * latency case) parks at once. */
      if (self->flowing && gcs_chan_spin_for_item (self))
        continue;

      /* Nothing: park, then look again, as a send that came meanwhile
       * may not have seen the consumer parked. */
      gcs_mutex_lock (&self->core.lock);
      if (gcs_chan_ended_locked (self))
        *ended = TRUE;
      else
        gcs_chan_core_park_locked (&self->core, &self->rx, waker);
      /* Parked first, then look at the claimed places (see
       * gcs_chan_wake_consumer()). */
      again = !*ended && waker != NULL && !gcs_ring_is_drained (&self->ring);
      gcs_mutex_unlock (&self->core.lock);
      if (!again)
        return 0;
      /* Claimed but perhaps not yet written: let the sender finish. */
      if (!gcs_ring_has_item (&self->ring))
        g_thread_yield ();
    }
}

/* Moves the queued items (@all) or the oldest one into the empty @batch
 * and returns how many; 0 when nothing is there now (@waker, if any, is
 * parked) or at the end (*@ended). */
guint
gcs_chan_take (GcsChan   *self,
               GcsQueue  *batch,
               gboolean   all,
               GcsWaker  *waker,
               gboolean  *ended)
{
  GSList *tasks = NULL;
  gboolean wake_blocked = FALSE;
  GcsWakeList wakers;
  guint n;

  g_assert (batch->length == 0);
  *ended = FALSE;
  if (self->use_ring)
    return gcs_chan_take_ring (self, batch, all, waker, ended);

  gcs_wake_list_init (&wakers);
  gcs_mutex_lock (&self->core.lock);
  n = self->queue.length;
  /* Consumers that waited first take their turn first. */
  if (n > 0 && G_UNLIKELY (!gcs_chan_core_turn_locked (&self->core, &self->rx, waker, &wakers)))
    n = 0;
  else if (n > 0)
    {
      if (all)
        {
          /* The whole queue in one swap: the senders get the consumer's
           * empty blocks back. */
          gcs_queue_swap (&self->queue, batch);
        }
      else
        {
          GValue value;

          gcs_queue_pop (&self->queue, &value);
          gcs_queue_push (batch, &value);
          n = 1;
        }
      if (G_UNLIKELY (self->waiters.head != NULL))
        tasks = gcs_chan_admit_waiters_locked (self, &wake_blocked);
    }
  else if (gcs_chan_ended_locked (self))
    *ended = TRUE;
  else
    gcs_chan_core_park_locked (&self->core, &self->rx, waker);
  gcs_mutex_unlock (&self->core.lock);

  if (wake_blocked)
    gcs_cond_broadcast (&self->core.cond);
  gcs_wake_list_wake (&wakers);
  if (G_UNLIKELY (tasks != NULL))
    complete_waiters (tasks, FALSE);
  return n;
}

guint
gcs_chan_take_blocking (GcsChan       *self,
                        GcsQueue      *batch,
                        GCancellable  *cancellable,
                        gboolean      *ended,
                        GError       **error)
{
  gulong handler = 0;
  guint n;

  n = gcs_chan_take (self, batch, TRUE, NULL, ended);
  if (n > 0 || *ended)
    return n;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (gcs_chan_cancelled_cb), self, NULL);

  do
    {
      gcs_mutex_lock (&self->core.lock);
      /* Counted before looking: a send without the lock reads the count
       * once it has claimed its place. */
      __atomic_add_fetch (&self->core.n_blocked, 1, __ATOMIC_SEQ_CST);
      while (gcs_chan_is_empty (self) && !gcs_chan_ended_locked (self) &&
             !g_cancellable_is_cancelled (cancellable))
        gcs_cond_wait (&self->core.cond, &self->core.lock);
      __atomic_sub_fetch (&self->core.n_blocked, 1, __ATOMIC_SEQ_CST);
      gcs_mutex_unlock (&self->core.lock);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      n = gcs_chan_take (self, batch, TRUE, NULL, ended);
      /* A send that claimed its place but has not written its item yet
       * makes the channel non-empty with nothing to take: let it run. */
      if (n == 0 && !*ended)
        g_thread_yield ();
    }
  while (n == 0 && !*ended);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  return n;
}

/* A consumer that stops polling takes back its waker, so the channel does
 * not keep its context alive. */
/* With @items_left, the consumer leaves items in the receiver's batch:
 * the next consumer in line wakes to take them. */
void
gcs_chan_forget_waker (GcsChan  *self,
                       GcsWaker *waker,
                       gboolean  items_left)
{
  gcs_chan_core_forget_waker (&self->core, &self->rx, waker, items_left);
}

GcsCoreRx *
gcs_chan_get_rx (GcsChan *self)
{
  return &self->rx;
}

void
gcs_chan_set_consumer_context (GcsChan      *self,
                               GMainContext *context)
{
  GMainContext *old;

  gcs_mutex_lock (&self->core.lock);
  old = self->rx_context;
  self->rx_context = context ? g_main_context_ref (context) : NULL;
  gcs_mutex_unlock (&self->core.lock);
  if (old != NULL)
    g_main_context_unref (old);
}

/* No new sends; waiting senders fail with CLOSED. With @discard (the
 * receiver is gone) the queued items are released too. */
void
gcs_chan_close_receiver (GcsChan  *self,
                         gboolean  discard)
{
  GcsQueue discarded;
  GSList *tasks = NULL;
  gboolean wake_blocked = FALSE;

  gcs_queue_init (&discarded, self->queue.block_size, 0);
  /* No send from now on; the consumers wake to drain and see the end. */
  if (self->use_ring)
    gcs_ring_close (&self->ring);
  gcs_chan_core_remove_receiver (&self->core, &self->rx);

  gcs_mutex_lock (&self->core.lock);
  while (self->waiters.head != NULL)
    {
      SendWaiter *waiter = g_queue_pop_head_link (&self->waiters)->data;

      waiter->state = WAITER_CLOSED;
      if (waiter->task != NULL)
        tasks = g_slist_prepend (tasks, g_steal_pointer (&waiter->task));
      else
        wake_blocked = TRUE;
    }
  __atomic_store_n (&self->n_send_waiters, 0, __ATOMIC_SEQ_CST);
  if (wake_blocked)
    gcs_cond_broadcast (&self->core.cond);
  if (discard)
    gcs_queue_steal (&self->queue, &discarded);
  gcs_mutex_unlock (&self->core.lock);

  if (discard && self->use_ring)
    {
      gcs_chan_consume_begin (self);
      gcs_ring_pop (&self->ring, &discarded, G_MAXUINT);
      gcs_chan_consume_end (self);
    }

  complete_waiters (g_slist_reverse (tasks), TRUE);
  gcs_queue_clear (&discarded);
}

/**
 * gcs_channel_new_full:
 * @item_type: the #GType of the items; %G_TYPE_NONE accepts any type
 * @capacity: how many items may be queued, at least 1
 * @overflow: what a send on a full channel does
 * @tx: (out) (transfer full): the sender
 * @rx: (out) (transfer full): the receiver
 *
 * Creates a bounded mpsc channel with an overflow policy. With
 * %GCS_OVERFLOW_DROP_OLDEST and %GCS_OVERFLOW_DROP_NEWEST sends never wait
 * and never fail because the channel is full; the items dropped are counted
 * in #GcsReceiver:dropped.
 */
void
gcs_channel_new_full (GType         item_type,
                      guint         capacity,
                      GcsOverflow   overflow,
                      GcsSender   **tx,
                      GcsReceiver **rx)
{
  GcsChan *chan;

  g_return_if_fail (item_type != G_TYPE_INVALID);
  g_return_if_fail (capacity >= 1);
  g_return_if_fail (overflow <= GCS_OVERFLOW_DROP_NEWEST);
  g_return_if_fail (tx != NULL);
  g_return_if_fail (rx != NULL);

  chan = gcs_chan_new (item_type, capacity, overflow);
  *tx = gcs_sender_new_for_chan (chan);
  *rx = gcs_receiver_new_for_chan (chan);
  gcs_chan_unref (chan);
}

/**
 * gcs_channel_new:
 * @item_type: the #GType of the items; %G_TYPE_NONE accepts any type
 * @capacity: how many items may be queued, at least 1
 * @tx: (out) (transfer full): the sender
 * @rx: (out) (transfer full): the receiver
 *
 * Creates a bounded mpsc channel: senders wait (or try_send fails with
 * %GCS_CHANNEL_ERROR_FULL) while @capacity items are queued.
 */
void
gcs_channel_new (GType         item_type,
                 guint         capacity,
                 GcsSender   **tx,
                 GcsReceiver **rx)
{
  gcs_channel_new_full (item_type, capacity, GCS_OVERFLOW_BLOCK, tx, rx);
}

/**
 * gcs_channel_new_unbounded:
 * @item_type: the #GType of the items; %G_TYPE_NONE accepts any type
 * @tx: (out) (transfer full): the sender
 * @rx: (out) (transfer full): the receiver
 *
 * Creates an unbounded mpsc channel: sends never wait. A slow consumer lets
 * the queue grow without limit; prefer a bounded channel unless producers
 * must never wait.
 */
void
gcs_channel_new_unbounded (GType         item_type,
                           GcsSender   **tx,
                           GcsReceiver **rx)
{
  GcsChan *chan;

  g_return_if_fail (item_type != G_TYPE_INVALID);
  g_return_if_fail (tx != NULL);
  g_return_if_fail (rx != NULL);

  chan = gcs_chan_new (item_type, 0, GCS_OVERFLOW_BLOCK);
  *tx = gcs_sender_new_for_chan (chan);
  *rx = gcs_receiver_new_for_chan (chan);
  gcs_chan_unref (chan);
}

/* Additions of 2026-12 */

/* For gcs_receiver_is_closed(): every sender handle is gone, or the
 * receiver was closed (queued items may still wait). */
gboolean
gcs_chan_is_closed_for_recv (GcsChan *self)
{
  gboolean closed;

  gcs_mutex_lock (&self->core.lock);
  closed = self->core.n_senders == 0 || !self->rx.open;
  gcs_mutex_unlock (&self->core.lock);
  return closed;
}
