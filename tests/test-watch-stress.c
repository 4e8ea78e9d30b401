/* test-watch-stress.c: randomized, seeded stress of the watch channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each round: producer threads send numbered int64 values through their
 * own sender clones, with random pauses; some clone their handle mid-way
 * and close or drop the old one, and each ends by closing (then checking
 * that a send on the closed handle fails with CLOSED) or dropping its
 * handle. In "ordered" rounds the producers number their values from one
 * counter under a test lock held across the send, so the channel's
 * versions are the numbers 1, 2, 3...; in "free" rounds each producer
 * numbers its own values and sends without any lock.
 *
 * A consumer thread runs its own GMainContext with receivers of three
 * kinds: changed_async + get_value, a GcsWatchStream driven by for_each,
 * and has_changed polled from a timeout. The test's thread subscribes new
 * receivers mid-flight and hands them over; the consumer clones receivers
 * and drops some, cancelling a changed_async in flight.
 *
 * Invariants, per receiver: the values it sees increase (ordered: the
 * global number; free: each producer's number), so none is seen twice;
 * unless dropped, it ends (changed_async CLOSED, the stream's end) and the
 * last value it saw is the final value of the channel; every
 * changed_async completes; every receiver and sender is finalized by the
 * end of the round.
 *
 * GCS_TEST_SEED picks another seed; GCS_STRESS_ROUNDS or
 * GCS_STRESS_SECONDS make a long run (the default is a short one).
 */

#include "stress-util.h"

#define MAX_PRODUCERS 4

typedef enum { K_ASYNC, K_STREAM, K_POLL, N_KINDS } Kind;

typedef struct _Consumer Consumer;

typedef struct
{
  StressRx  base;                          /* base.rx: a GcsWatchReceiver */
  Consumer *c;
  guint     id;
  Kind      kind;
  gint64    last;                          /* ordered rounds */
  gint64    last_of[MAX_PRODUCERS + 1];    /* free rounds */
  gboolean  has_last;
  guint     drop_after;                    /* values before a drop, 0: never */
  guint     n_values;
} Rx;

struct _Consumer
{
  GMainContext    *context;
  gboolean         ordered;
  GPtrArray       *receivers;     /* Rx*, owned */
  GRand           *rand;          /* consumer thread only */
  StressHandovers  handovers;     /* of the receivers, to the consumer */
  gint             sender_gone;   /* atomic */
  gint64           final;         /* set before sender_gone */
  guint64          n_values, n_ops;
};

typedef struct
{
  GcsWatchSender *tx;
  guint           id;
  guint           n_items;
  guint32         seed;
  gboolean        ordered;
  guint64         n_sends;
} Producer;

/* Ordered rounds number the values in the channel's order. */
static StressOrder order;
static guint64 total_ops, total_items, total_dropped, total_receivers;

/* Producers */

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (p->seed);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  for (guint i = 1; i <= p->n_items; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (p->ordered)
        {
          g_value_set_int64 (&value, stress_order_lock (&order) + 1);
          ok = gcs_watch_sender_send (p->tx, &value, &error);
          stress_order_unlock (&order, ok);
        }
      else
        {
          g_value_set_int64 (&value, ((gint64) (p->id + 1) << 32) | i);
          ok = gcs_watch_sender_send (p->tx, &value, &error);
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      p->n_sends++;

      switch (g_rand_int_range (rand, 0, 64))
        {
        case 0:   /* a new handle; the old one closed or dropped */
          {
            GcsWatchSender *clone = gcs_watch_sender_clone (p->tx);

            stress_watch_object (clone);
            if (g_rand_boolean (rand))
              gcs_watch_sender_close (p->tx);
            g_object_unref (p->tx);
            p->tx = clone;
          }
          break;
        case 1: case 2: case 3:
          g_usleep (g_rand_int_range (rand, 1, 500));
          break;
        case 4: case 5:
          g_thread_yield ();
          break;
        default:
          break;
        }
    }
  if (g_rand_boolean (rand))
    {
      g_autoptr(GError) error = NULL;

      gcs_watch_sender_close (p->tx);
      g_assert_false (gcs_watch_sender_send (p->tx, &value, &error));
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    }
  g_clear_object (&p->tx);
  return NULL;
}

/* Receivers, on the consumer's context */

static void rx_seen (Rx *r, gint64 v);
static void rx_async_start (Rx *r);

static void
rx_end (Rx *r)
{
  Consumer *c = r->c;

  if (!g_atomic_int_get (&c->sender_gone))
    g_error ("watch receiver %u (kind %d) ended while a sender is open", r->id, r->kind);
  r->base.ended = TRUE;
  if (!r->has_last || r->last != c->final)
    g_error ("watch receiver %u (kind %d) ended on %" G_GINT64_FORMAT ", not the final %" G_GINT64_FORMAT,
             r->id, r->kind, r->has_last ? r->last : -1, c->final);
  stress_rx_release (&r->base);
}

static void
rx_seen (Rx *r, gint64 v)
{
  Consumer *c = r->c;

  if (c->ordered)
    {
      if (r->has_last && v <= r->last)
        g_error ("watch receiver %u: %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT, r->id, v, r->last);
    }
  else if (v != 0)
    {
      guint producer = v >> 32;
      gint64 seq = v & 0xffffffff;

      g_assert_cmpuint (producer, >=, 1);
      g_assert_cmpuint (producer, <=, MAX_PRODUCERS);
      if (seq <= r->last_of[producer])
        g_error ("watch receiver %u: producer %u: %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT,
                 r->id, producer, seq, r->last_of[producer]);
      r->last_of[producer] = seq;
    }
  else if (r->has_last)
    g_error ("watch receiver %u: the initial value after %" G_GINT64_FORMAT, r->id, r->last);
  r->last = v;
  r->has_last = TRUE;
  r->n_values++;
  c->n_values++;
}

static Rx *rx_adopt (Consumer *c, GcsWatchReceiver *rx, Kind kind);

/* Now and then, a clone of a live receiver joins. */
static void
maybe_clone (Rx *r)
{
  Consumer *c = r->c;

  if (r->base.rx != NULL && c->receivers->len < 24 && g_rand_int_range (c->rand, 0, 200) == 0)
    {
      c->n_ops++;
      rx_adopt (c, gcs_watch_receiver_clone (r->base.rx), g_rand_int_range (c->rand, 0, N_KINDS));
    }
}

static gboolean
maybe_drop (Rx *r)
{
  if (r->drop_after != 0 && r->n_values >= r->drop_after)
    {
      r->c->n_ops++;
      stress_rx_drop (&r->base);
      return TRUE;
    }
  return FALSE;
}

static void
changed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Rx *r = data;
  g_autoptr(GError) error = NULL;
  gboolean changed = gcs_watch_receiver_changed_finish (GCS_WATCH_RECEIVER (source), result, &error);

  if (!stress_rx_receive_done (&r->base, error))
    return;
  if (!changed)
    {
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
      rx_end (r);
      return;
    }
  g_assert_no_error (error);
  rx_seen (r, g_value_get_int64 (gcs_watch_receiver_get_value (r->base.rx)));
  r->c->n_ops += 2;
  maybe_clone (r);
  if (!maybe_drop (r))
    rx_async_start (r);
}

static void
rx_async_start (Rx *r)
{
  r->base.pending = TRUE;
  gcs_watch_receiver_changed_async (r->base.rx, r->base.cancellable, changed_cb, r);
}

static void
stream_item_cb (const GValue *item, gpointer data, GError **error)
{
  Rx *r = data;

  if (r->base.dropped)
    return;
  rx_seen (r, g_value_get_int64 (item));
  maybe_clone (r);
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
poll_cb (gpointer data)
{
  Rx *r = data;
  gboolean gone = g_atomic_int_get (&r->c->sender_gone);

  r->c->n_ops++;
  if (gcs_watch_receiver_has_changed (r->base.rx))
    {
      rx_seen (r, g_value_get_int64 (gcs_watch_receiver_get_value (r->base.rx)));
      maybe_clone (r);
      if (maybe_drop (r))
        return G_SOURCE_REMOVE;   /* the drop destroyed the source */
    }
  if (gone && !gcs_watch_receiver_has_changed (r->base.rx))
    {
      rx_end (r);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static Rx *
rx_adopt (Consumer *c, GcsWatchReceiver *rx, Kind kind)
{
  Rx *r = g_new0 (Rx, 1);

  stress_watch_object (rx);
  r->c = c;
  r->id = c->receivers->len;
  r->kind = kind;
  r->base.rx = rx;
  r->drop_after = g_rand_int_range (c->rand, 0, 4) == 0 ? g_rand_int_range (c->rand, 1, 200) : 0;
  g_ptr_array_add (c->receivers, r);
  switch (kind)
    {
    case K_ASYNC:
      /* The value it has now counts as seen. */
      r->base.cancellable = g_cancellable_new ();
      rx_seen (r, g_value_get_int64 (gcs_watch_receiver_get_value (rx)));
      rx_async_start (r);
      break;
    case K_STREAM:
      r->base.cancellable = g_cancellable_new ();
      r->base.stream = gcs_watch_stream_new (rx);
      g_clear_object (&r->base.rx);
      r->base.pending = TRUE;
      gcs_stream_for_each_async (r->base.stream, stream_item_cb, r, NULL, r->base.cancellable, stream_done_cb, r);
      break;
    case K_POLL:
    default:
      rx_seen (r, g_value_get_int64 (gcs_watch_receiver_get_value (rx)));
      r->base.poll_source = g_timeout_source_new (1);
      g_source_set_callback (r->base.poll_source, poll_cb, r, NULL);
      g_source_attach (r->base.poll_source, c->context);
      break;
    }
  return r;
}

typedef struct { Consumer *c; GcsWatchReceiver *rx; Kind kind; } Handover;

static void
adopt_cb (gpointer data)
{
  Handover *h = data;

  rx_adopt (h->c, h->rx, h->kind);
  g_free (h);
}

static void
hand_over (Consumer *c, GcsWatchReceiver *rx, Kind kind)
{
  Handover *h = g_new (Handover, 1);

  *h = (Handover) { c, rx, kind };
  stress_hand_over (&c->handovers, c->context, adopt_cb, h);
}

static gboolean
consumer_done (gpointer data)
{
  Consumer *c = data;

  if (!stress_handovers_done (&c->handovers) || !g_atomic_int_get (&c->sender_gone))
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
  return g_strdup ("watch stress hangs");
}

static void
run_round (GRand *rand)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  GcsWatchReceiver *rx = NULL;
  g_auto(GValue) initial = G_VALUE_INIT;
  guint n_producers = g_rand_int_range (rand, 1, MAX_PRODUCERS + 1);
  Producer producers[MAX_PRODUCERS] = { { 0 } };
  GThread *threads[MAX_PRODUCERS], *consumer;
  Consumer c = { 0 };
  guint n_initial = g_rand_int_range (rand, 1, 4);
  guint n_late = g_rand_int_range (rand, 0, 4);
  StressMark mark = stress_mark ();

  c.context = g_main_context_new ();
  c.ordered = g_rand_boolean (rand);
  c.receivers = g_ptr_array_new_with_free_func (g_free);
  c.rand = g_rand_new_with_seed (g_rand_int (rand));
  order.counter = 0;

  g_value_init (&initial, G_TYPE_INT64);
  g_value_set_int64 (&initial, 0);
  gcs_watch_new (&initial, &tx, &rx);
  stress_watch_object (tx);
  hand_over (&c, rx, g_rand_int_range (rand, 0, N_KINDS));
  for (guint i = 1; i < n_initial; i++)
    hand_over (&c, gcs_watch_sender_subscribe (tx), g_rand_int_range (rand, 0, N_KINDS));

  consumer = stress_context_thread_new (c.context, 50, consumer_done, consumer_describe, &c);
  for (guint i = 0; i < n_producers; i++)
    {
      producers[i] = (Producer) {
        .tx = gcs_watch_sender_clone (tx), .id = i,
        .n_items = g_rand_int_range (rand, 0, 1500),
        .seed = g_rand_int (rand), .ordered = c.ordered,
      };
      stress_watch_object (producers[i].tx);
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }
  /* Late subscribers, mid-flight. */
  for (guint i = 0; i < n_late; i++)
    {
      g_usleep (g_rand_int_range (rand, 100, 3000));
      hand_over (&c, gcs_watch_sender_subscribe (tx), g_rand_int_range (rand, 0, N_KINDS));
    }
  stress_handovers_close (&c.handovers);
  for (guint i = 0; i < n_producers; i++)
    {
      g_thread_join (threads[i]);
      total_ops += producers[i].n_sends;
    }

  /* The final value, then the last sender goes. */
  c.final = g_value_get_int64 (gcs_watch_sender_get_value (tx));
  if (c.ordered)
    g_assert_cmpint (c.final, ==, order.counter);
  g_atomic_int_set (&c.sender_gone, 1);   /* before: the end may come at once */
  if (g_rand_boolean (rand))
    gcs_watch_sender_close (tx);
  g_clear_object (&tx);
  g_main_context_wakeup (c.context);
  g_thread_join (consumer);

  for (guint i = 0; i < c.receivers->len; i++)
    {
      Rx *r = g_ptr_array_index (c.receivers, i);

      stress_rx_check_released (&r->base);
      total_dropped += r->base.dropped;
    }
  total_receivers += c.receivers->len;
  total_items += c.n_values;
  total_ops += c.n_ops + c.receivers->len;
  g_assert_cmpint (stress_finalized_since (&mark), ==, stress_watched_since (&mark));

  g_ptr_array_unref (c.receivers);
  g_rand_free (c.rand);
  g_main_context_unref (c.context);
}

static void
test_stress_watch (void)
{
  StressRun run = stress_run (12, run_round);

  stress_print_summary (&run, "watch", total_ops,
                        "%" G_GUINT64_FORMAT " values seen (%" G_GUINT64_FORMAT " receivers, %"
                        G_GUINT64_FORMAT " dropped mid-flight)",
                        total_items, total_receivers, total_dropped);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stress/watch", test_stress_watch);

  return g_test_run ();
}
