/* test-broadcast-stress.c: 4 threads broadcasting to 3 receivers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 4 producer threads send N values each into a broadcast channel of small
 * capacity. Three receivers, each consumed on its own context, take them:
 * one with recv_async on a thread, one as a GcsBroadcastStream on another
 * thread, one with try_recv on the test's thread, slowly, so that it lags.
 *
 * Each receiver gives every value a position in the channel's order: the
 * values it received and the values a lag said it missed. Checked: nothing
 * is received twice; each producer's values come in the order sent; every
 * receiver accounts for every value sent (received + missed = total); and a
 * value received by two receivers has the same position for both, so the
 * three saw one order and every LAGGED count was exact.
 */

#include "channel-test-util.h"
#include "stress-util.h"

#define N_PRODUCERS 4
#define N_VALUES    50000
#define CAPACITY    64
#define N_TOTAL     (N_PRODUCERS * N_VALUES)

typedef struct
{
  GcsBroadcastSender *tx;
  gint64              producer;
  guint               n_short;   /* sends that reached fewer than 3 */
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  for (gint64 i = 0; i < N_VALUES; i++)
    {
      g_autoptr(GError) error = NULL;

      g_value_set_int64 (&value, p->producer * N_VALUES + i);
      if (gcs_broadcast_sender_send (p->tx, &value, &error) != 3)
        p->n_short++;
      g_assert_no_error (error);
      /* Paced, so that the receivers keep up most of the time. */
      if (i % 32 == 31)
        g_usleep (100);
    }
  g_clear_object (&p->tx);
  return NULL;
}

typedef struct
{
  const char           *name;
  GcsBroadcastReceiver *rx;
  gint64               *position_of;   /* [N_TOTAL], -1: not received */
  gint64                position;      /* the next value's position */
  gint64                last[N_PRODUCERS];
  guint64               received;
  guint64               missed;
  guint                 n_lags;
  gboolean              ended;
} Consumer;

static void
consumer_init (Consumer             *c,
               const char           *name,
               GcsBroadcastReceiver *rx)
{
  c->name = name;
  c->rx = rx;
  c->position_of = g_new (gint64, N_TOTAL);
  for (guint i = 0; i < N_TOTAL; i++)
    c->position_of[i] = -1;
  for (guint i = 0; i < N_PRODUCERS; i++)
    c->last[i] = -1;
}

static void
consumer_value (Consumer *c,
                gint64    v)
{
  gint64 producer = v / N_VALUES;
  gint64 seq = v % N_VALUES;

  g_assert_cmpint (v, >=, 0);
  g_assert_cmpint (v, <, N_TOTAL);
  if (c->position_of[v] >= 0)
    g_error ("%s: value %" G_GINT64_FORMAT " received twice", c->name, v);
  if (seq <= c->last[producer])
    g_error ("%s: producer %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT,
             c->name, producer, seq, c->last[producer]);
  c->last[producer] = seq;
  c->position_of[v] = c->position++;
  c->received++;
}

static void
consumer_lag (Consumer *c,
              guint64   missed)
{
  g_assert_cmpuint (missed, >, 0);
  c->position += missed;
  c->missed += missed;
  c->n_lags++;
}

/* A: recv_async on its own thread and context */

static void
recv_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Consumer *c = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_broadcast_receiver_recv_finish (c->rx, result, &error);

  if (value != NULL)
    consumer_value (c, get_int64 (value));
  else if (error != NULL)
    {
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED);
      consumer_lag (c, stress_missed_from_error (error));
    }
  else
    {
      c->ended = TRUE;
      return;
    }
  gcs_broadcast_receiver_recv_async (c->rx, NULL, recv_cb, c);
}

static gpointer
recv_async_thread (gpointer data)
{
  Consumer *c = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  gcs_broadcast_receiver_recv_async (c->rx, NULL, recv_cb, c);
  while (!c->ended)
    g_main_context_iteration (context, TRUE);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

/* B: a GcsBroadcastStream driven by for_each on its own thread and context */

static void
stream_lagged_cb (GcsBroadcastStream *stream,
                  guint64             count,
                  gpointer            data)
{
  consumer_lag (data, count);
}

static void
stream_item_cb (const GValue  *item,
                gpointer       data,
                GError       **error)
{
  consumer_value (data, get_int64 (item));
}

static void
stream_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Consumer *c = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (gcs_stream_for_each_finish (GCS_STREAM (source), result, &error));
  g_assert_no_error (error);
  c->ended = TRUE;
}

static gpointer
stream_thread (gpointer data)
{
  Consumer *c = data;
  GMainContext *context = g_main_context_new ();
  GcsStream *stream;

  g_main_context_push_thread_default (context);
  stream = gcs_broadcast_stream_new (c->rx);
  g_signal_connect (stream, "lagged", G_CALLBACK (stream_lagged_cb), c);
  gcs_stream_for_each_async (stream, stream_item_cb, c, NULL, NULL, stream_done_cb, c);
  while (!c->ended)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (gcs_broadcast_stream_get_lagged (GCS_BROADCAST_STREAM (stream)), ==, c->missed);
  g_object_unref (stream);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

/* C: try_recv on the test's thread, with pauses */

static void
try_recv_loop (Consumer *c)
{
  for (guint n = 0; !c->ended; n++)
    {
      g_autoptr(GError) error = NULL;
      const GValue *value = gcs_broadcast_receiver_try_recv (c->rx, &error);

      if (value != NULL)
        consumer_value (c, get_int64 (value));
      else if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED))
        consumer_lag (c, stress_missed_from_error (error));
      else if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY))
        g_usleep (50);
      else
        {
          g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
          c->ended = TRUE;
        }
      if (n % 2000 == 0)
        g_usleep (500);   /* fall behind now and then */
    }
}

static void
test_stress (Fixture *f, gconstpointer data)
{
  GcsBroadcastSender *tx = NULL;
  GcsBroadcastReceiver *rx = NULL;
  Producer producers[N_PRODUCERS];
  Consumer consumers[3] = { { 0 } };
  GThread *threads[N_PRODUCERS], *a, *b;
  gint64 start = g_get_monotonic_time ();
  guint64 compared = 0;

  gcs_broadcast_new (G_TYPE_INT64, CAPACITY, &tx, &rx);
  consumer_init (&consumers[0], "recv_async", rx);
  consumer_init (&consumers[1], "stream", gcs_broadcast_sender_subscribe (tx));
  consumer_init (&consumers[2], "try_recv", gcs_broadcast_sender_subscribe (tx));
  g_assert_cmpuint (gcs_broadcast_sender_get_receiver_count (tx), ==, 3);

  a = g_thread_new ("recv-async", recv_async_thread, &consumers[0]);
  b = g_thread_new ("stream", stream_thread, &consumers[1]);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      producers[i] = (Producer) { .tx = gcs_broadcast_sender_clone (tx), .producer = i };
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }
  g_object_unref (tx);

  try_recv_loop (&consumers[2]);
  for (guint i = 0; i < N_PRODUCERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (producers[i].n_short, ==, 0);
    }
  g_thread_join (a);
  g_thread_join (b);

  for (guint i = 0; i < 3; i++)
    {
      Consumer *c = &consumers[i];

      g_test_message ("%s: received %" G_GUINT64_FORMAT ", missed %" G_GUINT64_FORMAT " in %u lags",
                      c->name, c->received, c->missed, c->n_lags);
      g_assert_true (c->ended);
      g_assert_cmpint (c->position, ==, N_TOTAL);
      g_assert_cmpuint (c->received + c->missed, ==, N_TOTAL);
      g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (c->rx), ==, c->missed);
    }

  /* One order for all: a value received by two has one position. */
  for (guint v = 0; v < N_TOTAL; v++)
    {
      gint64 position = -1;

      for (guint i = 0; i < 3; i++)
        {
          gint64 p = consumers[i].position_of[v];

          if (p < 0)
            continue;
          if (position >= 0 && p != position)
            g_error ("value %u: position %" G_GINT64_FORMAT " for %s, %" G_GINT64_FORMAT " before",
                     v, p, consumers[i].name, position);
          if (position >= 0)
            compared++;
          position = p;
        }
    }
  g_assert_cmpuint (compared, >, 0);
  g_test_message ("%u values in %.2f s; %" G_GUINT64_FORMAT " positions cross-checked",
                  N_TOTAL, (g_get_monotonic_time () - start) / 1e6, compared);
  g_print ("# broadcast-stress: %u sends tried, %" G_GUINT64_FORMAT " items moved (to 3 receivers), "
           "%" G_GUINT64_FORMAT " announced as LAGGED, %.2f s\n", N_TOTAL,
           consumers[0].received + consumers[1].received + consumers[2].received,
           consumers[0].missed + consumers[1].missed + consumers[2].missed,
           (g_get_monotonic_time () - start) / 1e6);

  for (guint i = 0; i < 3; i++)
    {
      g_object_unref (consumers[i].rx);
      g_free (consumers[i].position_of);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/channel/broadcast/stress", test_stress);

  return g_test_run ();
}
