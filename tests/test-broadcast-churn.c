/* test-broadcast-churn.c: randomized, seeded broadcast stress with churn
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-broadcast-stress.c has fixed senders and receivers. Here, each
 * round picks a small capacity and producer threads that send through
 * their own sender clones, clone again mid-way (closing or dropping the
 * old handle) and end by closing (a send after that fails with CLOSED) or
 * dropping their handle. The test's thread subscribes receivers while the
 * values flow and hands them to a consumer thread, which consumes each on
 * its own GMainContext with recv_async, a GcsBroadcastStream (for_each and
 * its "lagged" signal) or try_recv polled from a timeout, and drops some
 * mid-flight with a receive in flight.
 *
 * The producers number the values from one counter under a test lock held
 * across the send, so the channel's order is 0, 1, 2... and a receiver
 * subscribed when the counter was s must see exactly s, s+1, ... with
 * every gap announced by a LAGGED of exactly that many values (the
 * receiver's "lagged" property totalling them). Unless dropped, it ends
 * (CLOSED / end of stream) once every sender handle is gone, having
 * accounted for every value up to the last one sent. Every receive
 * completes, and every sender and receiver is finalized by the end of the
 * round.
 *
 * GCS_TEST_SEED picks another seed; GCS_STRESS_ROUNDS or
 * GCS_STRESS_SECONDS make a long run (the default is a short one).
 */

#include "stress-util.h"

#define MAX_PRODUCERS 4

typedef enum { K_ASYNC, K_STREAM, K_TRY, N_KINDS } Kind;

typedef struct _Consumer Consumer;

typedef struct
{
  StressRx  base;          /* base.rx: a GcsBroadcastReceiver */
  Consumer *c;
  guint     id;
  Kind      kind;
  gint64    next;          /* the value expected next */
  guint64   missed, received;
  guint     drop_after;    /* values before a drop; 0: never */
} Rx;

struct _Consumer
{
  GMainContext    *context;
  GPtrArray       *receivers;   /* Rx*, owned */
  GRand           *rand;        /* consumer thread only */
  StressHandovers  handovers;   /* of the receivers, to the consumer */
  guint64          n_ops;
};

typedef struct
{
  GcsBroadcastSender *tx;
  guint               n_items;
  guint32             seed;
  guint64             n_sends, n_sent, n_no_receiver;
} Producer;

/* The producers number the values in the channel's order. */
static StressOrder order;
static guint64 total_ops, total_items, total_missed, total_receivers, total_dropped;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (p->seed);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  for (guint i = 0; i < p->n_items; i++)
    {
      g_autoptr(GError) error = NULL;
      guint reached;

      g_value_set_int64 (&value, stress_order_lock (&order));
      reached = gcs_broadcast_sender_send (p->tx, &value, &error);
      stress_order_unlock (&order, reached > 0);
      p->n_sends++;
      if (reached > 0)
        {
          g_assert_no_error (error);
          p->n_sent++;
        }
      else
        {
          /* No receiver: CLOSED, nothing kept. */
          g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
          p->n_no_receiver++;
        }

      switch (g_rand_int_range (rand, 0, 64))
        {
        case 0:
          {
            GcsBroadcastSender *clone = gcs_broadcast_sender_clone (p->tx);

            stress_watch_object (clone);
            if (g_rand_boolean (rand))
              gcs_broadcast_sender_close (p->tx);
            g_object_unref (p->tx);
            p->tx = clone;
          }
          break;
        case 1: case 2: case 3: case 4:
          g_usleep (g_rand_int_range (rand, 1, 400));
          break;
        case 5: case 6:
          g_thread_yield ();
          break;
        default:
          break;
        }
    }
  if (g_rand_boolean (rand))
    {
      g_autoptr(GError) error = NULL;

      gcs_broadcast_sender_close (p->tx);
      g_assert_cmpuint (gcs_broadcast_sender_send (p->tx, &value, &error), ==, 0);
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    }
  g_clear_object (&p->tx);
  return NULL;
}

/* Receivers, on the consumer's context */

static void
rx_value (Rx *r, gint64 v)
{
  if (v != r->next)
    g_error ("broadcast receiver %u: got %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT
             " (missed %" G_GUINT64_FORMAT " so far)", r->id, v, r->next, r->missed);
  r->next++;
  r->received++;
  r->c->n_ops++;
}

static void
rx_lag (Rx *r, guint64 missed)
{
  g_assert_cmpuint (missed, >, 0);
  r->next += missed;
  r->missed += missed;
}

/* TRUE if dropped */
static gboolean
maybe_drop (Rx *r)
{
  if (r->drop_after == 0 || r->received < r->drop_after)
    return FALSE;
  r->c->n_ops++;
  stress_rx_drop (&r->base);
  return TRUE;
}

static void
rx_end (Rx *r)
{
  g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (r->base.rx), ==, r->missed);
  if (r->base.stream != NULL)
    g_assert_cmpuint (gcs_broadcast_stream_get_lagged (GCS_BROADCAST_STREAM (r->base.stream)), ==, r->missed);
  r->base.ended = TRUE;
  stress_rx_release (&r->base);
}

static void recv_start (Rx *r);

static void
recv_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Rx *r = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_broadcast_receiver_recv_finish (GCS_BROADCAST_RECEIVER (source), result, &error);

  if (!stress_rx_receive_done (&r->base, error))
    return;
  if (value != NULL)
    {
      rx_value (r, g_value_get_int64 (value));
      if (maybe_drop (r))
        return;
    }
  else if (error != NULL)
    {
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED);
      rx_lag (r, stress_missed_from_error (error));
    }
  else
    {
      rx_end (r);
      return;
    }
  recv_start (r);
}

static void
recv_start (Rx *r)
{
  r->base.pending = TRUE;
  gcs_broadcast_receiver_recv_async (r->base.rx, r->base.cancellable, recv_cb, r);
}

static void
stream_lagged_cb (GcsBroadcastStream *stream, guint64 count, gpointer data)
{
  Rx *r = data;

  if (!r->base.dropped)
    rx_lag (r, count);
}

static void
stream_item_cb (const GValue *item, gpointer data, GError **error)
{
  Rx *r = data;

  if (r->base.dropped)
    return;
  rx_value (r, g_value_get_int64 (item));
  maybe_drop (r);
}

static void
stream_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Rx *r = data;

  if (stress_rx_for_each_done (&r->base, source, result))
    rx_end (r);
}

static gboolean
try_cb (gpointer data)
{
  Rx *r = data;

  /* A few at a time, so that it lags now and then. */
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(GError) error = NULL;
      const GValue *value = gcs_broadcast_receiver_try_recv (r->base.rx, &error);

      if (value != NULL)
        {
          rx_value (r, g_value_get_int64 (value));
          if (maybe_drop (r))
            return G_SOURCE_REMOVE;
        }
      else if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED))
        rx_lag (r, stress_missed_from_error (error));
      else if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY))
        return G_SOURCE_CONTINUE;
      else
        {
          g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
          rx_end (r);
          return G_SOURCE_REMOVE;
        }
    }
  return G_SOURCE_CONTINUE;
}

typedef struct { Consumer *c; GcsBroadcastReceiver *rx; gint64 start; Kind kind; } Handover;

static void
adopt_cb (gpointer data)
{
  Handover *h = data;
  Consumer *c = h->c;
  Rx *r = g_new0 (Rx, 1);

  r->c = c;
  r->id = c->receivers->len;
  r->kind = h->kind;
  r->base.rx = h->rx;
  r->next = h->start;
  r->drop_after = g_rand_int_range (c->rand, 0, 4) == 0 ? g_rand_int_range (c->rand, 1, 300) : 0;
  g_ptr_array_add (c->receivers, r);
  c->n_ops++;
  switch (r->kind)
    {
    case K_ASYNC:
      r->base.cancellable = g_cancellable_new ();
      recv_start (r);
      break;
    case K_STREAM:
      r->base.cancellable = g_cancellable_new ();
      /* r->base.rx is kept only to read its "lagged" at the end. */
      r->base.stream = gcs_broadcast_stream_new (r->base.rx);
      g_signal_connect (r->base.stream, "lagged", G_CALLBACK (stream_lagged_cb), r);
      r->base.pending = TRUE;
      gcs_stream_for_each_async (r->base.stream, stream_item_cb, r, NULL, r->base.cancellable, stream_done_cb, r);
      break;
    case K_TRY:
    default:
      r->base.poll_source = g_timeout_source_new (1);
      g_source_set_callback (r->base.poll_source, try_cb, r, NULL);
      g_source_attach (r->base.poll_source, c->context);
      break;
    }
  g_free (h);
}

static gboolean
consumer_done (gpointer data)
{
  Consumer *c = data;

  if (!stress_handovers_done (&c->handovers))
    return FALSE;
  for (guint i = 0; i < c->receivers->len; i++)
    {
      Rx *r = g_ptr_array_index (c->receivers, i);

      if (!stress_rx_settled (&r->base))
        return FALSE;
    }
  return TRUE;
}

static char *
consumer_describe (gpointer data)
{
  return g_strdup ("broadcast churn hangs");
}

/* Subscribes under the order lock, so that the start is exact. */
static void
subscribe (Consumer *c, GcsBroadcastSender *tx, GcsBroadcastReceiver *rx, GRand *rand)
{
  Handover *h = g_new (Handover, 1);
  gint64 start = stress_order_lock (&order);

  if (rx == NULL)
    rx = gcs_broadcast_sender_subscribe (tx);
  *h = (Handover) { c, rx, start, g_rand_int_range (rand, 0, N_KINDS) };
  stress_order_unlock (&order, FALSE);
  stress_watch_object (rx);
  stress_hand_over (&c->handovers, c->context, adopt_cb, h);
}

static void
run_round (GRand *rand)
{
  GcsBroadcastSender *tx = NULL;
  GcsBroadcastReceiver *rx = NULL;
  guint capacity = g_rand_int_range (rand, 1, 17);
  guint n_producers = g_rand_int_range (rand, 1, MAX_PRODUCERS + 1);
  Producer producers[MAX_PRODUCERS] = { { 0 } };
  GThread *threads[MAX_PRODUCERS], *consumer;
  Consumer c = { 0 };
  guint n_initial = g_rand_int_range (rand, 1, 4);
  guint n_late = g_rand_int_range (rand, 0, 5);
  StressMark mark = stress_mark ();

  c.context = g_main_context_new ();
  c.receivers = g_ptr_array_new_with_free_func (g_free);
  c.rand = g_rand_new_with_seed (g_rand_int (rand));
  order.counter = 0;

  gcs_broadcast_new (G_TYPE_INT64, capacity, &tx, &rx);
  stress_watch_object (tx);
  subscribe (&c, tx, rx, rand);
  for (guint i = 1; i < n_initial; i++)
    subscribe (&c, tx, NULL, rand);

  consumer = stress_context_thread_new (c.context, 50, consumer_done, consumer_describe, &c);
  for (guint i = 0; i < n_producers; i++)
    {
      producers[i] = (Producer) {
        .tx = gcs_broadcast_sender_clone (tx),
        .n_items = g_rand_int_range (rand, 0, 2000),
        .seed = g_rand_int (rand),
      };
      stress_watch_object (producers[i].tx);
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }
  for (guint i = 0; i < n_late; i++)
    {
      g_usleep (g_rand_int_range (rand, 100, 4000));
      subscribe (&c, tx, NULL, rand);
    }
  stress_handovers_close (&c.handovers);
  g_main_context_wakeup (c.context);
  /* The test's handle goes; the producers' handles end the stream. */
  if (g_rand_boolean (rand))
    gcs_broadcast_sender_close (tx);
  g_clear_object (&tx);

  for (guint i = 0; i < n_producers; i++)
    {
      g_thread_join (threads[i]);
      total_ops += producers[i].n_sends;
    }
  g_thread_join (consumer);

  for (guint i = 0; i < c.receivers->len; i++)
    {
      Rx *r = g_ptr_array_index (c.receivers, i);

      stress_rx_check_released (&r->base);
      /* Everything up to the last value sent, received or counted missed. */
      if (r->base.ended && r->next != order.counter)
        g_error ("broadcast receiver %u ended at %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
                 r->id, r->next, order.counter);
      total_items += r->received;
      total_missed += r->missed;
      total_dropped += r->base.dropped;
    }
  total_receivers += c.receivers->len;
  total_ops += c.n_ops;
  g_assert_cmpint (stress_finalized_since (&mark), ==, stress_watched_since (&mark));

  g_ptr_array_unref (c.receivers);
  g_rand_free (c.rand);
  g_main_context_unref (c.context);
}

static void
test_stress_broadcast_churn (void)
{
  StressRun run = stress_run (12, run_round);

  stress_print_summary (&run, "broadcast churn", total_ops,
                        "%" G_GUINT64_FORMAT " items moved, %" G_GUINT64_FORMAT
                        " announced as LAGGED (%" G_GUINT64_FORMAT " receivers, %" G_GUINT64_FORMAT
                        " dropped mid-flight)",
                        total_items, total_missed, total_receivers, total_dropped);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stress/broadcast-churn", test_stress_broadcast_churn);

  return g_test_run ();
}
