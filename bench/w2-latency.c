/* w2-latency.c: W2 of DESIGN.md
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One producer thread sends 20,000 items, sleeping 50 us (nanosleep)
 * between two sends, each item carrying its monotonic send time in ns; the
 * consumer's callback on the main context records now - then. Prints
 * "p50 p99" in microseconds. The producer sleeps rather than busy-waits,
 * as a real producer would (and as the Go and tokio peers do): the
 * consumer then shares its vCPU with nobody, and each item finds it idle,
 * which is what W2 measures: the wake-up path.
 *
 *   w2-latency gcs|asyncqueue|queue-source|invoke [N]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gchanstream/gchanstream.h>

#define GAP_NS 50000

static guint n_items = 20000;
static gint64 *latencies;
static guint n_received;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
record (gint64 sent)
{
  latencies[n_received++] = now_ns () - sent;
}

/* The gap between two sends: a plain 50 us nanosleep (the kernel's timer
 * slack makes it ~100 us on Linux, the same for every implementation). */
static void
pause_between_sends (void)
{
  struct timespec gap = { 0, GAP_NS };

  nanosleep (&gap, NULL);
}

/* gchanstream: a bounded channel, delivered by gcs_receiver_attach() */

static gboolean
gcs_item_cb (GcsReceiver *rx, const GValue *value, gpointer data)
{
  if (value != NULL)
    record (g_value_get_int64 (value));
  return G_SOURCE_CONTINUE;
}

static gpointer
gcs_producer (gpointer data)
{
  GcsSender *tx = data;
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  for (guint i = 0; i < n_items; i++)
    {
      g_value_set_int64 (&value, now_ns ());
      gcs_sender_send_blocking (tx, &value, NULL, NULL);
      pause_between_sends ();
    }
  g_object_unref (tx);
  return NULL;
}

static void
run_gcs (void)
{
  GcsSender *tx;
  g_autoptr(GcsReceiver) rx = NULL;
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 1024, &tx, &rx);
  gcs_receiver_attach (rx, NULL, gcs_item_cb, NULL, NULL);
  thread = g_thread_new ("producer", gcs_producer, tx);
  while (n_received < n_items)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
}

/* GAsyncQueue + an idle drain per empty -> non-empty transition */

static GAsyncQueue *queue;
static gint scheduled;

static gboolean
queue_drain_cb (gpointer data)
{
  gpointer item;

  for (;;)
    {
      while ((item = g_async_queue_try_pop (queue)) != NULL)
        {
          record (*(gint64 *) item);
          g_free (item);
        }
      g_atomic_int_set (&scheduled, 0);
      if (g_async_queue_length (queue) <= 0 || !g_atomic_int_compare_and_exchange (&scheduled, 0, 1))
        return G_SOURCE_REMOVE;
    }
}

static gpointer
queue_producer (gpointer data)
{
  for (guint i = 0; i < n_items; i++)
    {
      g_async_queue_push (queue, g_memdup2 (&(gint64) { now_ns () }, sizeof (gint64)));
      if (g_atomic_int_compare_and_exchange (&scheduled, 0, 1))
        g_main_context_invoke (NULL, queue_drain_cb, NULL);
      pause_between_sends ();
    }
  return NULL;
}

static void
run_asyncqueue (void)
{
  GThread *thread;

  queue = g_async_queue_new ();
  g_main_context_acquire (NULL);
  thread = g_thread_new ("producer", queue_producer, NULL);
  while (n_received < n_items)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_main_context_release (NULL);
  g_async_queue_unref (queue);
}

/* GAsyncQueue + a persistent GSource: the producer pushes and, on the
 * idle -> pending transition, wakes the context (g_main_context_wakeup,
 * no lock held); prepare/check read the flag, dispatch drains the queue.
 * What a GLib programmer would write by hand for this job. */

typedef struct
{
  GSource      source;
  GAsyncQueue *queue;
  gint         pending;   /* atomic */
} QueueSource;

static gboolean
queue_source_prepare (GSource *source,
                      gint    *timeout)
{
  *timeout = -1;
  return g_atomic_int_get (&((QueueSource *) source)->pending);
}

static gboolean
queue_source_check (GSource *source)
{
  return g_atomic_int_get (&((QueueSource *) source)->pending);
}

static gboolean
queue_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     data)
{
  QueueSource *self = (QueueSource *) source;
  gpointer item;

  /* Clear first: an item pushed after this sets the flag again. */
  g_atomic_int_set (&self->pending, 0);
  while ((item = g_async_queue_try_pop (self->queue)) != NULL)
    {
      record (*(gint64 *) item);
      g_free (item);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs queue_source_funcs = {
  queue_source_prepare, queue_source_check, queue_source_dispatch, NULL, NULL, NULL
};

static gpointer
queue_source_producer (gpointer data)
{
  QueueSource *self = data;

  for (guint i = 0; i < n_items; i++)
    {
      g_async_queue_push (self->queue, g_memdup2 (&(gint64) { now_ns () }, sizeof (gint64)));
      if (g_atomic_int_compare_and_exchange (&self->pending, 0, 1))
        g_main_context_wakeup (g_source_get_context (&self->source));
      pause_between_sends ();
    }
  return NULL;
}

static void
run_queue_source (void)
{
  QueueSource *self = (QueueSource *) g_source_new (&queue_source_funcs, sizeof (QueueSource));
  GThread *thread;

  self->queue = g_async_queue_new ();
  g_source_attach (&self->source, NULL);
  thread = g_thread_new ("producer", queue_source_producer, self);
  while (n_received < n_items)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_source_destroy (&self->source);
  g_async_queue_unref (self->queue);
  g_source_unref (&self->source);
}

/* g_main_context_invoke per item */

static gboolean
invoke_item_cb (gpointer data)
{
  record (*(gint64 *) data);
  g_free (data);
  return G_SOURCE_REMOVE;
}

static gpointer
invoke_producer (gpointer data)
{
  for (guint i = 0; i < n_items; i++)
    {
      g_main_context_invoke (NULL, invoke_item_cb, g_memdup2 (&(gint64) { now_ns () }, sizeof (gint64)));
      pause_between_sends ();
    }
  return NULL;
}

static void
run_invoke (void)
{
  GThread *thread;

  g_main_context_acquire (NULL);
  thread = g_thread_new ("producer", invoke_producer, NULL);
  while (n_received < n_items)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_main_context_release (NULL);
}

static int
compare_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  const char *impl = argc > 1 ? argv[1] : "gcs";

  if (argc > 2)
    n_items = MAX (atoi (argv[2]), 100);
  latencies = g_new0 (gint64, n_items);

  if (strcmp (impl, "gcs") == 0)
    run_gcs ();
  else if (strcmp (impl, "asyncqueue") == 0)
    run_asyncqueue ();
  else if (strcmp (impl, "invoke") == 0)
    run_invoke ();
  else if (strcmp (impl, "queue-source") == 0)
    run_queue_source ();
  else
    {
      fprintf (stderr, "usage: %s gcs|asyncqueue|queue-source|invoke [N]\n", argv[0]);
      return 2;
    }

  qsort (latencies, n_items, sizeof (gint64), compare_gint64);
  printf ("%.2f %.2f\n", latencies[n_items / 2] / 1000.0, latencies[n_items * 99 / 100] / 1000.0);
  g_free (latencies);
  return 0;
}
