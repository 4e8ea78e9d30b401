/* test-channel-stress.c: many producers, one consumer on a main loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 4 producer threads send 250,000 items each into a channel of capacity 64
 * consumed by a GSource on the main context. Every item must arrive exactly
 * once and each producer's items in the order it sent them.
 */

#include <gchanstream/gchanstream.h>

#define N_PRODUCERS 4
#define N_ITEMS     250000
#define CAPACITY    64

typedef struct
{
  GcsSender *tx;
  guint      producer;
  gboolean   use_async_clone;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  for (gint64 i = 0; i < N_ITEMS; i++)
    {
      g_autoptr(GError) error = NULL;

      g_value_set_int64 (&value, ((gint64) p->producer << 32) | i);
      if (!gcs_sender_send_blocking (p->tx, &value, NULL, &error))
        g_error ("send failed: %s", error->message);
    }
  /* Dropping the handle closes it. */
  g_clear_object (&p->tx);
  return NULL;
}

typedef struct
{
  gint64   next[N_PRODUCERS];
  guint64  total;
  gboolean ended;
} Consumer;

static gboolean
consume_cb (GcsReceiver  *rx,
            const GValue *value,
            gpointer      data)
{
  Consumer *c = data;
  gint64 v, producer, seq;

  if (value == NULL)
    {
      c->ended = TRUE;
      return G_SOURCE_REMOVE;
    }
  v = g_value_get_int64 (value);
  producer = v >> 32;
  seq = v & 0xffffffff;
  g_assert_cmpint (producer, >=, 0);
  g_assert_cmpint (producer, <, N_PRODUCERS);
  /* Exactly once, in order: each producer's next sequence number. */
  if (seq != c->next[producer])
    g_error ("producer %" G_GINT64_FORMAT ": got %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
             producer, seq, c->next[producer]);
  c->next[producer]++;
  c->total++;
  return G_SOURCE_CONTINUE;
}

static void
run_stress (GMainContext *context)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Producer producers[N_PRODUCERS];
  GThread *threads[N_PRODUCERS];
  Consumer c = { 0 };
  gint64 start;

  gcs_channel_new (G_TYPE_INT64, CAPACITY, &tx, &rx);
  gcs_receiver_attach (rx, context, consume_cb, &c, NULL);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      producers[i] = (Producer) { .tx = gcs_sender_clone (tx), .producer = i };
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }
  g_clear_object (&tx);

  while (!c.ended)
    g_main_context_iteration (context, TRUE);
  for (guint i = 0; i < N_PRODUCERS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (c.total, ==, (guint64) N_PRODUCERS * N_ITEMS);
  for (guint i = 0; i < N_PRODUCERS; i++)
    g_assert_cmpint (c.next[i], ==, N_ITEMS);
  g_test_message ("%u items in %.2f s", (guint) c.total,
                  (g_get_monotonic_time () - start) / 1e6);
  /* Every send_blocking succeeded: operations tried = items moved. */
  g_print ("# mpsc channel-stress: %u send_blocking tried, %" G_GUINT64_FORMAT " items moved, %.2f s\n",
           N_PRODUCERS * N_ITEMS, c.total, (g_get_monotonic_time () - start) / 1e6);
}

static void
test_stress_default_context (void)
{
  run_stress (NULL);
}

static void
test_stress_thread_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  run_stress (context);
  g_main_context_pop_thread_default (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/channel/mpsc/stress/default-context", test_stress_default_context);
  g_test_add_func ("/channel/mpsc/stress/thread-default-context", test_stress_thread_context);

  return g_test_run ();
}
