/* w1-pipeline.c: W1 of DESIGN.md
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * P producer threads send N int64 (0..N-1, split evenly, each range in
 * order) to a consumer on a GMainContext, which computes
 * fold (sum, filter (x % 3 == 0, map (x * 2, items))), checked against the
 * closed form.
 *
 *   w1-pipeline gcs|invoke|asyncqueue|queue-source P [N]
 *   w1-pipeline --allocs P [N]
 *
 * gcs:        a bounded gchanstream channel (capacity 1024) ->
 *             ReceiverStream -> map -> filter -> fold
 * invoke:     g_main_context_invoke() per item, the same arithmetic in the
 *             callback (what GTK apps do today)
 * asyncqueue: a GAsyncQueue, bounded by the producers to 1024 items, and an
 *             idle callback draining it, scheduled on each empty -> non-empty
 *             transition
 * queue-source: the same queue drained by a persistent GSource woken with
 *             g_main_context_wakeup() on each empty -> non-empty transition
 *
 * Prints "items/s" on one line; with --allocs, the heap allocations per
 * item of the gcs pipeline instead (all threads, setup included).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gchanstream/gchanstream.h>

#include "bench-allocs.h"

#define CAPACITY 1024

static gint64 n_items = 4000000;
static guint n_producers = 1;

static gint64
expected_sum (void)
{
  gint64 k = (n_items + 2) / 3;   /* multiples of 3 below N */

  return 6 * (k * (k - 1) / 2);
}

typedef struct
{
  gint64   from;
  gint64   to;
  gpointer target;
} Range;

static void
split_ranges (Range *ranges, gpointer target)
{
  for (guint p = 0; p < n_producers; p++)
    {
      ranges[p].from = n_items * p / n_producers;
      ranges[p].to = n_items * (p + 1) / n_producers;
      ranges[p].target = target;
    }
}

/* gchanstream */

static gpointer
gcs_producer (gpointer data)
{
  Range *r = data;
  GcsSender *tx = r->target;
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  for (gint64 i = r->from; i < r->to; i++)
    {
      g_value_set_int64 (&value, i);
      if (!gcs_sender_send_blocking (tx, &value, NULL, NULL))
        g_error ("send failed");
    }
  g_object_unref (tx);
  return NULL;
}

/* The callbacks use gchanstream's inline value helpers (gcs-value.h), as
 * C code on numbers should: g_value_init() alone would cost more than the
 * rest of a stage. */
static void
times_two (const GValue *item, GValue *result, gpointer data, GError **error)
{
  gcs_value_init_int64 (result, gcs_value_get_int64 (item) * 2);
}

static gboolean
multiple_of_three (const GValue *item, gpointer data, GError **error)
{
  return gcs_value_get_int64 (item) % 3 == 0;
}

static void
add (const GValue *acc, const GValue *item, GValue *result, gpointer data, GError **error)
{
  gcs_value_init_int64 (result, gcs_value_get_int64 (acc) + gcs_value_get_int64 (item));
}

static void
fold_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  gint64 *sum = data;
  const GValue *value = gcs_stream_fold_finish (GCS_STREAM (source), result, NULL);

  *sum = g_value_get_int64 (value);
}

static gint64
run_gcs (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsStream) items = NULL, doubled = NULL, filtered = NULL;
  g_auto(GValue) zero = G_VALUE_INIT;
  Range ranges[64];
  GThread *threads[64];
  gint64 sum = -1;

  gcs_channel_new (G_TYPE_INT64, CAPACITY, &tx, &rx);
  items = gcs_receiver_stream_new (rx);
  doubled = gcs_stream_map (items, times_two, NULL, NULL);
  filtered = gcs_stream_filter (doubled, multiple_of_three, NULL, NULL);
  g_value_init (&zero, G_TYPE_INT64);
  gcs_stream_fold_async (filtered, &zero, add, NULL, NULL, NULL, fold_done_cb, &sum);

  split_ranges (ranges, NULL);
  for (guint p = 0; p < n_producers; p++)
    {
      ranges[p].target = gcs_sender_clone (tx);
      threads[p] = g_thread_new ("producer", gcs_producer, &ranges[p]);
    }
  g_clear_object (&tx);
  while (sum < 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint p = 0; p < n_producers; p++)
    g_thread_join (threads[p]);
  return sum;
}

/* g_main_context_invoke per item */

typedef struct
{
  gint64 sum;
  gint64 received;
} Totals;

static Totals invoke_totals;

static gboolean
invoke_item_cb (gpointer data)
{
  gint64 x = GPOINTER_TO_SIZE (data) * 2;

  if (x % 3 == 0)
    invoke_totals.sum += x;
  invoke_totals.received++;
  return G_SOURCE_REMOVE;
}

static gpointer
invoke_producer (gpointer data)
{
  Range *r = data;

  for (gint64 i = r->from; i < r->to; i++)
    g_main_context_invoke (r->target, invoke_item_cb, GSIZE_TO_POINTER (i));
  return NULL;
}

static gint64
run_invoke (void)
{
  Range ranges[64];
  GThread *threads[64];

  /* The main thread owns the context for the whole run, so invoke never
   * runs the callback on a producer thread. */
  g_main_context_acquire (NULL);
  invoke_totals = (Totals) { 0 };
  split_ranges (ranges, g_main_context_default ());
  for (guint p = 0; p < n_producers; p++)
    threads[p] = g_thread_new ("producer", invoke_producer, &ranges[p]);
  while (invoke_totals.received < n_items)
    g_main_context_iteration (NULL, TRUE);
  for (guint p = 0; p < n_producers; p++)
    g_thread_join (threads[p]);
  g_main_context_release (NULL);
  return invoke_totals.sum;
}

/* GAsyncQueue + an idle source draining it */

typedef struct
{
  GAsyncQueue *queue;
  GMutex       lock;       /* bounds the queue: producers wait on room */
  GCond        room;
  gint         length;
  gint         scheduled;  /* atomic: a drain is pending on the context */
  gint64       sum;
  gint64       received;
} QueueState;

static gboolean
queue_drain_cb (gpointer data)
{
  QueueState *self = data;
  gpointer item;
  guint n = 0;

  for (;;)
    {
      while ((item = g_async_queue_try_pop (self->queue)) != NULL)
        {
          gint64 x = (GPOINTER_TO_SIZE (item) - 1) * 2;

          if (x % 3 == 0)
            self->sum += x;
          self->received++;
          n++;
        }
      /* Unschedule, then look again: an item pushed meanwhile was pushed
       * by a producer that saw the drain scheduled and did not add one. */
      g_atomic_int_set (&self->scheduled, 0);
      if (g_async_queue_length (self->queue) <= 0 ||
          !g_atomic_int_compare_and_exchange (&self->scheduled, 0, 1))
        break;
    }
  g_mutex_lock (&self->lock);
  self->length -= n;
  g_cond_broadcast (&self->room);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

static gpointer
queue_producer (gpointer data)
{
  Range *r = data;
  QueueState *self = r->target;

  for (gint64 i = r->from; i < r->to; i++)
    {
      g_mutex_lock (&self->lock);
      while (self->length >= CAPACITY)
        g_cond_wait (&self->room, &self->lock);
      self->length++;
      g_mutex_unlock (&self->lock);
      /* +1: NULL can't be queued. */
      g_async_queue_push (self->queue, GSIZE_TO_POINTER (i + 1));
      /* One idle drain per empty -> non-empty transition. */
      if (g_atomic_int_compare_and_exchange (&self->scheduled, 0, 1))
        g_main_context_invoke (NULL, queue_drain_cb, self);
    }
  return NULL;
}

static gint64
run_asyncqueue (void)
{
  QueueState self = { 0 };
  Range ranges[64];
  GThread *threads[64];

  self.queue = g_async_queue_new ();
  g_mutex_init (&self.lock);
  g_cond_init (&self.room);
  g_main_context_acquire (NULL);
  split_ranges (ranges, &self);
  for (guint p = 0; p < n_producers; p++)
    threads[p] = g_thread_new ("producer", queue_producer, &ranges[p]);
  while (self.received < n_items)
    g_main_context_iteration (NULL, TRUE);
  for (guint p = 0; p < n_producers; p++)
    g_thread_join (threads[p]);
  g_main_context_release (NULL);
  g_async_queue_unref (self.queue);
  g_mutex_clear (&self.lock);
  g_cond_clear (&self.room);
  return self.sum;
}

/* GAsyncQueue + a persistent GSource: producers push (bounded to 1024 as
 * above) and wake the context on the idle -> pending transition with
 * g_main_context_wakeup(), outside any lock; prepare/check read the flag,
 * dispatch drains the queue. What a GLib programmer writes by hand. */

typedef struct
{
  GSource    source;
  QueueState state;
} QueueSource;

static gboolean
queue_source_prepare (GSource *source,
                      gint    *timeout)
{
  *timeout = -1;
  return g_atomic_int_get (&((QueueSource *) source)->state.scheduled);
}

static gboolean
queue_source_check (GSource *source)
{
  return g_atomic_int_get (&((QueueSource *) source)->state.scheduled);
}

static gboolean
queue_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     data)
{
  QueueState *self = &((QueueSource *) source)->state;
  gpointer item;
  guint n = 0;

  /* Clear first: an item pushed after this sets the flag again. */
  g_atomic_int_set (&self->scheduled, 0);
  while ((item = g_async_queue_try_pop (self->queue)) != NULL)
    {
      gint64 x = (GPOINTER_TO_SIZE (item) - 1) * 2;

      if (x % 3 == 0)
        self->sum += x;
      self->received++;
      n++;
    }
  if (n > 0)
    {
      g_mutex_lock (&self->lock);
      self->length -= n;
      g_cond_broadcast (&self->room);
      g_mutex_unlock (&self->lock);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs queue_source_funcs = {
  queue_source_prepare, queue_source_check, queue_source_dispatch, NULL, NULL, NULL
};

static gpointer
queue_source_producer (gpointer data)
{
  Range *r = data;
  QueueSource *source = r->target;
  QueueState *self = &source->state;

  for (gint64 i = r->from; i < r->to; i++)
    {
      g_mutex_lock (&self->lock);
      while (self->length >= CAPACITY)
        g_cond_wait (&self->room, &self->lock);
      self->length++;
      g_mutex_unlock (&self->lock);
      g_async_queue_push (self->queue, GSIZE_TO_POINTER (i + 1));
      if (g_atomic_int_compare_and_exchange (&self->scheduled, 0, 1))
        g_main_context_wakeup (g_source_get_context (&source->source));
    }
  return NULL;
}

static gint64
run_queue_source (void)
{
  QueueSource *source = (QueueSource *) g_source_new (&queue_source_funcs, sizeof (QueueSource));
  QueueState *self = &source->state;
  Range ranges[64];
  GThread *threads[64];
  gint64 sum;

  self->queue = g_async_queue_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->room);
  g_source_attach (&source->source, NULL);
  split_ranges (ranges, source);
  for (guint p = 0; p < n_producers; p++)
    threads[p] = g_thread_new ("producer", queue_source_producer, &ranges[p]);
  while (self->received < n_items)
    g_main_context_iteration (NULL, TRUE);
  for (guint p = 0; p < n_producers; p++)
    g_thread_join (threads[p]);
  sum = self->sum;
  g_source_destroy (&source->source);
  g_async_queue_unref (self->queue);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->room);
  g_source_unref (&source->source);
  return sum;
}

int
main (int   argc,
      char *argv[])
{
  const char *impl = argc > 1 ? argv[1] : "gcs";
  gint64 start, sum;
  double seconds;

  if (argc > 2)
    n_producers = CLAMP (atoi (argv[2]), 1, 64);
  if (argc > 3)
    n_items = g_ascii_strtoll (argv[3], NULL, 10);

  start = g_get_monotonic_time ();
  if (strcmp (impl, "--allocs") == 0)
    {
      guint64 n_allocs;

      bench_allocs_start ();
      sum = run_gcs ();
      n_allocs = bench_allocs_stop ();
      if (sum != expected_sum ())
        return 1;
      printf ("%.6f\n", (double) n_allocs / n_items);
      return 0;
    }
  if (strcmp (impl, "gcs") == 0)
    sum = run_gcs ();
  else if (strcmp (impl, "invoke") == 0)
    sum = run_invoke ();
  else if (strcmp (impl, "asyncqueue") == 0)
    sum = run_asyncqueue ();
  else if (strcmp (impl, "queue-source") == 0)
    sum = run_queue_source ();
  else
    {
      fprintf (stderr, "usage: %s gcs|invoke|asyncqueue|queue-source|--allocs P [N]\n", argv[0]);
      return 2;
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  if (sum != expected_sum ())
    {
      fprintf (stderr, "wrong sum %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT "\n",
               sum, expected_sum ());
      return 1;
    }
  printf ("%.0f\n", n_items / seconds);
  return 0;
}
