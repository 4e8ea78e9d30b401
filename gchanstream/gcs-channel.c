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

struct _GcsChan
{
  GcsChanCore     core;          /* its cond: blocked senders and receiver */
  guint           capacity;      /* 0: unbounded */
  GcsOverflow     overflow;

  GcsCoreRx       rx;            /* the one receiver; closed once not open */
  GcsQueue        queue;
  GQueue          waiters;       /* SendWaiter, oldest first */
  guint64         dropped;
  GMainContext   *rx_context;    /* the consuming context, once known */

  gint            filled;        /* atomic hint: a push since the last take */

  /* Items taken by the consumer and not yet delivered, for the length
   * property only; kept off the cache line the senders write. */
  char            padding[64];
  gint            in_hand;       /* atomic, written by the consumer */
};

/* How long a consumer in the middle of a flow waits for the next item
 * before it parks: parking costs a wakeup write and a poll() round trip,
 * some microseconds, and a busy producer refills the queue sooner. */
#ifndef GCS_CHAN_SPIN_USEC
#define GCS_CHAN_SPIN_USEC 5
#endif

#define GCS_QUEUE_BLOCK_SIZE 128

static void
gcs_chan_free (gpointer data)
{
  GcsChan *self = data;

  g_assert (self->waiters.length == 0);
  gcs_queue_clear (&self->queue);
  gcs_core_rx_clear (&self->rx);
  g_clear_pointer (&self->rx_context, g_main_context_unref);
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
  length = self->queue.length;
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

static inline gboolean
gcs_chan_ended_locked (GcsChan *self)
{
  return self->queue.length == 0 && (self->core.n_senders == 0 || !self->rx.open);
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
  /* Written once per take, not per push: the consumer may be spinning
   * on this line, and every store would pull it away from it. */
  if (!__atomic_load_n (&self->filled, __ATOMIC_RELAXED))
    __atomic_store_n (&self->filled, 1, __ATOMIC_RELAXED);
  gcs_chan_core_wake_head_locked (&self->core, &self->rx, wakers);
  return PUSH_QUEUED;
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
          g_queue_push_tail_link (&self->waiters, &waiter.link);
          while (waiter.state == WAITER_WAITING && !g_cancellable_is_cancelled (cancellable))
            gcs_cond_wait (&self->core.cond, &self->core.lock);
          if (waiter.state == WAITER_WAITING)
            {
              g_queue_unlink (&self->waiters, &waiter.link);
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
      g_queue_unlink (&self->waiters, &waiter->link);
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
      g_queue_push_tail_link (&self->waiters, &waiter->link);
    }
  else
    /* Never queued: a cancel idle finds nothing to take out. */
    waiter->state = result == PUSH_QUEUED ? WAITER_ADMITTED : WAITER_CLOSED;
  gcs_mutex_unlock (&self->core.lock);

  gcs_wake_list_wake (&wakers);
  if (gcs_value_is_set (&dropped))
    gcs_value_clear (&dropped);
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

  while (self->waiters.head != NULL && gcs_chan_has_room_locked (self))
    {
      GList *link = self->waiters.head;
      SendWaiter *waiter = link->data;

      g_queue_unlink (&self->waiters, link);
      gcs_queue_push (&self->queue, &waiter->value);
      __atomic_store_n (&self->filled, 1, __ATOMIC_RELAXED);
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

/* Waits up to GCS_CHAN_SPIN_USEC for a push, without the lock. */
static void
gcs_chan_spin_for_push (GcsChan *self)
{
  gint64 deadline = 0;

  while (!__atomic_load_n (&self->filled, __ATOMIC_RELAXED))
    {
      for (guint i = 0; i < 64; i++)
        {
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause ();
#endif
        }
      if (deadline == 0)
        deadline = g_get_monotonic_time () + GCS_CHAN_SPIN_USEC;
      else if (g_get_monotonic_time () >= deadline)
        break;
    }
}

/* @spin: the consumer is in the middle of a flow; wait a little for more
 * before parking. */
guint
gcs_chan_take (GcsChan   *self,
               GcsQueue  *batch,
               gboolean   all,
               gboolean   spin,
               GcsWaker  *waker,
               gboolean  *ended)
{
  GSList *tasks = NULL;
  gboolean wake_blocked = FALSE;
  GcsWakeList wakers;
  guint n;

  g_assert (batch->length == 0);
  gcs_wake_list_init (&wakers);
  *ended = FALSE;
  /* Nothing pushed since the last take: wait for a push before taking
   * the lock, once, so that the senders find it free more often. */
  if (spin && !__atomic_load_n (&self->filled, __ATOMIC_RELAXED))
    gcs_chan_spin_for_push (self);
  gcs_mutex_lock (&self->core.lock);
  __atomic_store_n (&self->filled, 0, __ATOMIC_RELAXED);
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

  /* The admitted senders' state changed under the lock, so a broadcast
   * after it is released is never lost. */
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

  n = gcs_chan_take (self, batch, TRUE, FALSE, NULL, ended);
  if (n > 0 || *ended)
    return n;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (gcs_chan_cancelled_cb), self, NULL);

  gcs_mutex_lock (&self->core.lock);
  while (self->queue.length == 0 && !gcs_chan_ended_locked (self) &&
         !g_cancellable_is_cancelled (cancellable))
    gcs_chan_core_wait_locked (&self->core);
  gcs_mutex_unlock (&self->core.lock);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return 0;
  return gcs_chan_take (self, batch, TRUE, FALSE, NULL, ended);
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

/* For items already in the receiver's batch: whether @waker may take the
 * next one now (see gcs_chan_core_turn_locked()). */
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
  if (wake_blocked)
    gcs_cond_broadcast (&self->core.cond);
  if (discard)
    gcs_queue_steal (&self->queue, &discarded);
  gcs_mutex_unlock (&self->core.lock);

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
