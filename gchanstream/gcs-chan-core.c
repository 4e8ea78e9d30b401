/* gcs-chan-core.c: what every channel kind shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-chan-core-private.h"

void
gcs_chan_core_init (GcsChanCore    *self,
                    GType           item_type,
                    GDestroyNotify  free_func)
{
  gcs_ref_init (&self->ref_count);
  self->free_func = free_func;
  self->item_type = item_type;
  gcs_mutex_init (&self->lock);
  gcs_cond_init (&self->cond);
  self->n_senders = 1;
  g_queue_init (&self->receivers);
  g_queue_init (&self->closed_waits);
}

void
gcs_chan_core_ref (GcsChanCore *self)
{
  gcs_ref_inc (&self->ref_count);
}

/* The last reference frees the whole channel with its free_func. */
void
gcs_chan_core_unref (GcsChanCore *self)
{
  if (!gcs_ref_dec (&self->ref_count))
    return;
  /* Receivers and waiting senders hold references. */
  g_assert (self->receivers.length == 0);
  g_assert (self->closed_waits.length == 0);
  gcs_cond_clear (&self->cond);
  gcs_mutex_clear (&self->lock);
  self->free_func (self);
}

/* A new sender handle; FALSE once every sender is gone (the receivers may
 * have seen the end). */
gboolean
gcs_chan_core_add_sender (GcsChanCore *self)
{
  gboolean added;

  gcs_mutex_lock (&self->lock);
  added = self->n_senders > 0;
  if (added)
    self->n_senders++;
  gcs_mutex_unlock (&self->lock);
  return added;
}

/* A sender handle is closed; the last one wakes every receiver to see the
 * end. Returns whether it was the last. */
gboolean
gcs_chan_core_remove_sender (GcsChanCore *self)
{
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;
  gboolean last;

  gcs_mutex_lock (&self->lock);
  g_assert (self->n_senders > 0);
  last = --self->n_senders == 0;
  if (last)
    gcs_chan_core_wake_all_locked (self, &wakers);
  gcs_mutex_unlock (&self->lock);
  gcs_wake_list_wake (&wakers);
  return last;
}

gboolean
gcs_chan_core_has_receivers (GcsChanCore *self)
{
  gboolean any;

  gcs_mutex_lock (&self->lock);
  any = self->receivers.length > 0;
  gcs_mutex_unlock (&self->lock);
  return any;
}

guint
gcs_chan_core_get_receiver_count (GcsChanCore *self)
{
  guint n;

  gcs_mutex_lock (&self->lock);
  n = self->receivers.length;
  gcs_mutex_unlock (&self->lock);
  return n;
}

static void
wait_queue_set_length (GcsWaitQueue *q)
{
  __atomic_store_n (&q->n_parked, (gint) q->wakers->len, __ATOMIC_RELEASE);
}

/* Waiters whose driver is gone (a consumer that never took its waker
 * back) would hold the others' turn for ever: they leave. Their references
 * go with @wakers, once the lock is released. */
static void
wait_queue_prune_locked (GcsWaitQueue *q,
                         GcsWakeList  *wakers)
{
  GcsWaker *head = q->wakers->len > 0 ? q->wakers->pdata[0] : NULL;
  guint kept = 0;

  for (guint i = 0; i < q->wakers->len; i++)
    {
      GcsWaker *waker = q->wakers->pdata[i];

      if (G_UNLIKELY (g_atomic_int_get (&waker->dead)))
        gcs_wake_list_add (wakers, waker);
      else
        q->wakers->pdata[kept++] = waker;
    }
  if (kept == q->wakers->len)
    return;
  g_ptr_array_set_size (q->wakers, kept);
  wait_queue_set_length (q);
  /* A new first waiter has not been woken. */
  if (kept == 0 || q->wakers->pdata[0] != head)
    q->head_woken = FALSE;
}

void
gcs_chan_core_wake_head_slow (GcsChanCore *self,
                              GcsCoreRx   *rx,
                              GcsWakeList *wakers)
{
  wait_queue_prune_locked (&rx->waiters, wakers);
  if (rx->waiters.n_parked == 0)
    return;
  gcs_wake_list_add (wakers, gcs_waker_ref (rx->waiters.wakers->pdata[0]));
  rx->waiters.head_woken = TRUE;
}

/* Every waiter of @rx (the end, a change every one of them sees). They
 * stay parked until they are served or stop. */
void
gcs_chan_core_wake_rx_locked (GcsChanCore *self,
                              GcsCoreRx   *rx,
                              GcsWakeList *wakers)
{
  if (self->n_blocked > 0)
    gcs_cond_broadcast (&self->cond);
  if (rx->waiters.n_parked == 0)
    return;
  for (guint i = 0; i < rx->waiters.wakers->len; i++)
    gcs_wake_list_add (wakers, gcs_waker_ref (rx->waiters.wakers->pdata[i]));
  rx->waiters.head_woken = TRUE;
}

void
gcs_chan_core_wake_all_locked (GcsChanCore *self,
                               GcsWakeList *wakers)
{
  for (GList *l = self->receivers.head; l != NULL; l = l->next)
    gcs_chan_core_wake_rx_locked (self, l->data, wakers);
  if (self->n_blocked > 0)
    gcs_cond_broadcast (&self->cond);
}

/* @waker waits on @rx: it joins the queue (once). */
void
gcs_chan_core_park_locked (GcsChanCore *self,
                           GcsCoreRx   *rx,
                           GcsWaker    *waker)
{
  GPtrArray *parked = rx->waiters.wakers;

  if (waker == NULL)
    return;
  if (parked == NULL)
    parked = rx->waiters.wakers = g_ptr_array_new ();
  for (guint i = 0; i < parked->len; i++)
    if (parked->pdata[i] == waker)
      {
        /* The first one looked and found nothing: wake it next time. */
        if (i == 0)
          rx->waiters.head_woken = FALSE;
        return;
      }
  g_ptr_array_add (parked, gcs_waker_ref (waker));
  if (parked->len == 1)
    rx->waiters.head_woken = FALSE;
  wait_queue_set_length (&rx->waiters);
}

/* @waker is served, or stops: it leaves the queue; when it was first, the
 * next one is woken to take its turn. */
void
gcs_chan_core_leave_locked (GcsChanCore *self,
                            GcsCoreRx   *rx,
                            GcsWaker    *waker,
                            GcsWakeList *wakers)
{
  GPtrArray *parked = rx->waiters.wakers;
  guint index;

  if (waker == NULL || parked == NULL || !g_ptr_array_find (parked, waker, &index))
    return;
  g_ptr_array_remove_index (parked, index);
  wait_queue_set_length (&rx->waiters);
  /* Never the last reference: the caller polls or forgets with its own. */
  gcs_waker_unref (waker);
  if (index == 0 && parked->len > 0)
    gcs_chan_core_wake_head_slow (self, rx, wakers);
}

/* Whether @waker may take what @rx has now: the waiters that parked
 * before it go first, in order, each served once. When it may not, it
 * joins the queue, and the first one is woken if it was not: the item is
 * there for it. A poll without a waker (try_recv) always may. */
gboolean
gcs_chan_core_turn_locked (GcsChanCore *self,
                           GcsCoreRx   *rx,
                           GcsWaker    *waker,
                           GcsWakeList *wakers)
{
  GPtrArray *parked = rx->waiters.wakers;

  if (waker == NULL || rx->waiters.n_parked == 0)
    return TRUE;
  if (parked->pdata[0] != waker)
    {
      wait_queue_prune_locked (&rx->waiters, wakers);
      if (rx->waiters.n_parked == 0)
        return TRUE;
    }
  if (parked->pdata[0] == waker)
    {
      gcs_chan_core_leave_locked (self, rx, waker, wakers);
      return TRUE;
    }
  gcs_chan_core_park_locked (self, rx, waker);
  if (!rx->waiters.head_woken)
    gcs_chan_core_wake_head_slow (self, rx, wakers);
  return FALSE;
}

/* A consumer that stops polling takes its waker back, so that the channel
 * does not keep its context alive, and lets the next one take its turn.
 * With @items_left, what it leaves (an mpsc batch) wakes the first one. */
void
gcs_chan_core_forget_waker (GcsChanCore *self,
                            GcsCoreRx   *rx,
                            GcsWaker    *waker,
                            gboolean     items_left)
{
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;

  gcs_mutex_lock (&self->lock);
  gcs_chan_core_leave_locked (self, rx, waker, &wakers);
  if (items_left)
    gcs_chan_core_wake_head_locked (self, rx, &wakers);
  gcs_mutex_unlock (&self->lock);
  gcs_wake_list_wake (&wakers);
}

/* A thread blocks until something changes (*_blocking calls). */
void
gcs_chan_core_wait_locked (GcsChanCore *self)
{
  self->n_blocked++;
  gcs_cond_wait (&self->cond, &self->lock);
  self->n_blocked--;
}

void
gcs_chan_core_add_receiver_locked (GcsChanCore *self,
                                   GcsCoreRx   *rx)
{
  rx->link.data = rx;
  g_queue_push_tail_link (&self->receivers, &rx->link);
  rx->open = TRUE;
}

void
gcs_chan_core_add_receiver (GcsChanCore *self,
                            GcsCoreRx   *rx)
{
  gcs_mutex_lock (&self->lock);
  gcs_chan_core_add_receiver_locked (self, rx);
  gcs_mutex_unlock (&self->lock);
}

/* A sender's closed_async call, the task's data. */
typedef struct
{
  GcsChanCore  *core;
  GCancellable *cancellable;
  gulong        cancel_handler;
} ClosedWait;

static void
closed_wait_free (gpointer data)
{
  ClosedWait *wait = data;

  gcs_tsan_acquire (wait);
  gcs_chan_core_unref (wait->core);
  g_clear_object (&wait->cancellable);
  g_free (wait);
}

/* On the task's context, once: completed or cancelled. */
static void
closed_wait_return (GTask  *task,
                    GError *error)
{
  ClosedWait *wait = g_task_get_task_data (task);

  /* Not g_cancellable_disconnect(): it would deadlock inside the
   * cancellable's emission on this thread. */
  if (wait->cancel_handler != 0)
    g_signal_handler_disconnect (wait->cancellable, wait->cancel_handler);
  wait->cancel_handler = 0;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
closed_wait_complete_cb (gpointer task)
{
  gcs_tsan_acquire (task);
  closed_wait_return (task, NULL);
  return G_SOURCE_REMOVE;
}

/* Completion comes from an idle on the task's context: the last receiver
 * may go inside a finalizer (a garbage collector's), or on another thread. */
static void
closed_wait_defer (GTask       *task,
                   GSourceFunc  func)
{
  g_autoptr(GSource) idle = g_idle_source_new ();

  gcs_tsan_release (task);
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_static_name (idle, "[gchanstream] closed");
  g_source_set_callback (idle, func, task, g_object_unref);
  g_source_attach (idle, g_task_get_context (task));
}

/* The receiver no longer counts as open: sends fail from now on. Its
 * consumers are woken to see the end (@wakers); the last receiver hands
 * the senders' closed_async calls to @closed, for
 * gcs_chan_core_complete_closed() once the lock is released. */
void
gcs_chan_core_remove_receiver_locked (GcsChanCore *self,
                                      GcsCoreRx   *rx,
                                      GcsWakeList *wakers,
                                      GQueue      *closed)
{
  if (rx->open)
    {
      g_queue_unlink (&self->receivers, &rx->link);
      rx->open = FALSE;
      if (self->receivers.length == 0)
        {
          *closed = self->closed_waits;
          g_queue_init (&self->closed_waits);
        }
    }
  gcs_chan_core_wake_rx_locked (self, rx, wakers);
}

void
gcs_chan_core_complete_closed (GQueue *closed)
{
  for (GList *l = closed->head; l != NULL; l = l->next)
    closed_wait_defer (l->data, closed_wait_complete_cb);
  g_list_free (closed->head);
  g_queue_init (closed);
}

void
gcs_chan_core_remove_receiver (GcsChanCore *self,
                               GcsCoreRx   *rx)
{
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;
  GQueue closed = G_QUEUE_INIT;

  gcs_mutex_lock (&self->lock);
  gcs_chan_core_remove_receiver_locked (self, rx, &wakers, &closed);
  gcs_mutex_unlock (&self->lock);

  gcs_wake_list_wake (&wakers);
  gcs_chan_core_complete_closed (&closed);
}

/* Frees what the receiver's place holds; it is removed already. */
void
gcs_core_rx_clear (GcsCoreRx *rx)
{
  if (rx->waiters.wakers != NULL)
    {
      for (guint i = 0; i < rx->waiters.wakers->len; i++)
        gcs_waker_unref (rx->waiters.wakers->pdata[i]);
      g_ptr_array_free (rx->waiters.wakers, TRUE);
      rx->waiters.wakers = NULL;
      rx->waiters.n_parked = 0;
    }
}

static gboolean
closed_wait_cancelled_cb (gpointer data)
{
  GTask *task = data;
  ClosedWait *wait = g_task_get_task_data (task);
  gboolean was_waiting;

  gcs_tsan_acquire (task);
  gcs_mutex_lock (&wait->core->lock);
  was_waiting = g_queue_remove (&wait->core->closed_waits, task);
  gcs_mutex_unlock (&wait->core->lock);
  if (was_waiting)
    {
      closed_wait_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "Operation was cancelled"));
      g_object_unref (task);   /* the queue's reference */
    }
  return G_SOURCE_REMOVE;
}

/* Any thread. */
static void
closed_wait_cancelled_handler (GCancellable *cancellable,
                               gpointer      task)
{
  closed_wait_defer (g_object_ref (task), closed_wait_cancelled_cb);
}

/* Completes @task (a boolean) once no receiver is left, at once if none
 * is, or with G_IO_ERROR_CANCELLED. */
void
gcs_chan_core_closed_async (GcsChanCore *self,
                            GTask       *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  ClosedWait *wait;
  gboolean now;

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_set_check_cancellable (task, FALSE);
  wait = g_new0 (ClosedWait, 1);
  gcs_chan_core_ref (self);
  wait->core = self;
  g_task_set_task_data (task, wait, closed_wait_free);

  gcs_mutex_lock (&self->lock);
  now = self->receivers.length == 0;
  gcs_mutex_unlock (&self->lock);
  if (now)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Connected before the task is queued, so whatever completes it can
   * disconnect the handler. Connecting may run it at once. */
  if (cancellable != NULL)
    {
      wait->cancellable = g_object_ref (cancellable);
      gcs_tsan_release (wait);
      wait->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (closed_wait_cancelled_handler),
                                                    g_object_ref (task), g_object_unref);
    }
  gcs_mutex_lock (&self->lock);
  now = self->receivers.length == 0;
  if (!now)
    g_queue_push_tail (&self->closed_waits, g_object_ref (task));
  gcs_mutex_unlock (&self->lock);
  if (now)
    closed_wait_defer (g_object_ref (task), closed_wait_complete_cb);
}

gboolean
gcs_consumer_claim_context (GMainContext **slot,
                            GMainContext  *context,
                            gpointer       receiver,
                            GError       **error)
{
  GMainContext *current;

  if (context == NULL)
    return TRUE;
  current = g_atomic_pointer_get (slot);
  if (G_LIKELY (current == context))
    return TRUE;
  if (current == NULL)
    {
      g_main_context_ref (context);
      if (g_atomic_pointer_compare_and_exchange (slot, NULL, context))
        return TRUE;
      g_main_context_unref (context);
      current = g_atomic_pointer_get (slot);
      if (current == context)
        return TRUE;
    }
  g_critical ("%s %p is consumed on GMainContext %p and cannot also be "
              "consumed on GMainContext %p: a receiver, and every stream "
              "built on it, has one consuming context",
              G_OBJECT_TYPE_NAME (receiver), receiver, current, context);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               "This %s is consumed on another GMainContext", G_OBJECT_TYPE_NAME (receiver));
  return FALSE;
}

void
gcs_consumer_release_context (GMainContext **slot)
{
  g_clear_pointer (slot, g_main_context_unref);
}
