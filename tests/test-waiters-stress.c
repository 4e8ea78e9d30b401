/* test-waiters-stress.c: random mixed consumers of one receiver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each round, producer threads send numbered items into one channel while
 * the test's context runs a random, changing mix of consumers of its one
 * receiver: attached sources that remove themselves after a random number
 * of items (returning G_SOURCE_REMOVE or destroying their own source),
 * streams consumed by for_each and cancelled at random, recv_async calls
 * cancelled at random, and sometimes a close of the receiver. One chain of
 * recv_async calls is never cancelled, so that everything gets drained.
 * Invariants: every item sent is received exactly once (0 lost, 0
 * duplicated), every consumer that was not stopped sees the end exactly
 * once, and the round ends (0 stuck). The broadcast part does the same with
 * several pending receives and streams per receiver, on several receivers.
 */

#include "channel-test-util.h"
#include "stress-util.h"

#define MAX_PRODUCERS 3
#define ITEM(producer, seq) ((gint64) (producer) * 1000000 + (seq))

typedef struct Round Round;

struct Round
{
  GRand        *rand;
  GcsReceiver  *rx;
  guint8       *seen[MAX_PRODUCERS];
  guint         per_producer;
  guint         received;
  gint          sent;          /* atomic: successful sends */
  gint          producers_left; /* atomic */
  guint         consumers;     /* live consumers expecting the end */
  guint         ends;          /* ends seen by them */
  gboolean      drained;       /* the main chain saw the end */
  guint64       n_ops;
};

static void
round_take (Round        *r,
            const GValue *value)
{
  gint64 v = get_int64 (value);
  guint producer = v / 1000000, seq = v % 1000000;

  g_assert_cmpuint (producer, <, MAX_PRODUCERS);
  g_assert_cmpuint (seq, <, r->per_producer);
  if (r->seen[producer][seq] != 0)
    g_error ("item %" G_GINT64_FORMAT " received twice", v);
  r->seen[producer][seq] = 1;
  r->received++;
}

/* Producers */

typedef struct
{
  Round     *round;
  GcsSender *tx;
  guint      index;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;

  for (guint i = 0; i < p->round->per_producer; i++)
    {
      GValue value = G_VALUE_INIT;

      set_int64 (&value, ITEM (p->index, i));
      if (!gcs_sender_send_blocking (p->tx, &value, NULL, NULL))
        {
          g_value_unset (&value);
          break;   /* the receiver was closed */
        }
      g_atomic_int_inc (&p->round->sent);
    }
  g_clear_object (&p->tx);
  g_atomic_int_dec_and_test (&p->round->producers_left);
  g_free (p);
  return NULL;
}

/* Attached sources */

typedef struct
{
  Round *round;
  guint  id;
  guint  life;      /* items before it stops; 0: never */
  guint  how;       /* 0: return REMOVE, 1: destroy its own source */
  guint  items;
} Attach;

static gboolean
attach_cb (GcsReceiver  *rx,
           const GValue *value,
           gpointer      data)
{
  Attach *a = data;

  if (value == NULL)
    {
      a->round->ends++;
      return G_SOURCE_REMOVE;
    }
  round_take (a->round, value);
  if (a->life == 0 || ++a->items < a->life)
    return G_SOURCE_CONTINUE;
  a->round->consumers--;
  if (a->how == 0)
    return G_SOURCE_REMOVE;
  g_source_destroy (g_main_context_find_source_by_id (g_main_context_get_thread_default (), a->id));
  return G_SOURCE_CONTINUE;
}

static void
add_attach (Round *r)
{
  Attach *a = g_new0 (Attach, 1);

  a->round = r;
  a->life = g_rand_int_range (r->rand, 0, 3) == 0 ? 0 : g_rand_int_range (r->rand, 1, 200);
  a->how = g_rand_int_range (r->rand, 0, 2);
  a->id = gcs_receiver_attach (r->rx, NULL, attach_cb, a, g_free);
  g_assert_cmpuint (a->id, >, 0);
  r->consumers++;
}

/* Streams */

typedef struct
{
  Round        *round;
  GCancellable *cancellable;
  GcsStream    *stream;
  gboolean      counted;   /* never cancelled: expects the end */
} Stream;

static void
stream_item_cb (const GValue  *value,
                gpointer       data,
                GError       **error)
{
  round_take (data, value);
}

static void
stream_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Stream *s = data;
  g_autoptr(GError) error = NULL;

  if (gcs_stream_for_each_finish (GCS_STREAM (source), result, &error))
    s->round->ends += s->counted;
  else
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (s->cancellable);
  g_object_unref (s->stream);
  g_free (s);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* A cancellable cancelled after a random delay, or never. Returns whether
 * it will be. */
static gboolean
maybe_cancel_later (Round        *r,
                    GCancellable *cancellable)
{
  g_autoptr(GSource) timeout = NULL;

  if (g_rand_int_range (r->rand, 0, 2) == 0)
    return FALSE;
  timeout = g_timeout_source_new (g_rand_int_range (r->rand, 0, 4));
  g_source_set_callback (timeout, cancel_cb, g_object_ref (cancellable), g_object_unref);
  g_source_attach (timeout, g_main_context_get_thread_default ());
  return TRUE;
}

static void
add_stream (Round *r)
{
  Stream *s = g_new0 (Stream, 1);

  s->round = r;
  s->cancellable = g_cancellable_new ();
  s->stream = gcs_receiver_stream_new (r->rx);
  s->counted = !maybe_cancel_later (r, s->cancellable);
  r->consumers += s->counted;
  gcs_stream_for_each_async (s->stream, stream_item_cb, r, NULL, s->cancellable, stream_done_cb, s);
}

/* recv_async: single calls cancelled at random, and the main chain */

typedef struct
{
  Round        *round;
  GCancellable *cancellable;
  gboolean      chain;
} Recv;

static void recv_start (Round *r, gboolean chain);

static void
recv_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Recv *recv = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_receiver_recv_finish (GCS_RECEIVER (source), result, &error);

  if (error != NULL)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  else if (value != NULL)
    round_take (recv->round, value);
  else if (recv->chain)
    recv->round->drained = TRUE;
  if (recv->chain && value != NULL)
    recv_start (recv->round, TRUE);
  g_clear_object (&recv->cancellable);
  g_free (recv);
}

static void
recv_start (Round    *r,
            gboolean  chain)
{
  Recv *recv = g_new0 (Recv, 1);

  recv->round = r;
  recv->chain = chain;
  if (!chain)
    {
      recv->cancellable = g_cancellable_new ();
      maybe_cancel_later (r, recv->cancellable);
    }
  gcs_receiver_recv_async (r->rx, recv->cancellable, recv_done_cb, recv);
}

static guint64 mpsc_ops, mpsc_items;

static void
mpsc_round (GRand *rand)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Round r = { 0 };
  guint n_producers = g_rand_int_range (rand, 1, MAX_PRODUCERS + 1);
  guint capacity = g_rand_int_range (rand, 0, 3) == 0 ? 0 : g_rand_int_range (rand, 1, 64);
  gboolean close_early = g_rand_int_range (rand, 0, 5) == 0;
  GThread *threads[MAX_PRODUCERS];
  gint64 deadline = g_get_monotonic_time () + STRESS_DEADLINE_USEC;
  guint n_seen = 0;

  g_main_context_push_thread_default (context);
  r.rand = rand;
  r.per_producer = g_rand_int_range (rand, 0, 1500);
  for (guint p = 0; p < MAX_PRODUCERS; p++)
    r.seen[p] = g_new0 (guint8, MAX (r.per_producer, 1));
  if (capacity == 0)
    gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  else
    gcs_channel_new (G_TYPE_INT64, capacity, &tx, &rx);
  r.rx = rx;

  recv_start (&r, TRUE);
  g_atomic_int_set (&r.producers_left, n_producers);
  for (guint p = 0; p < n_producers; p++)
    {
      Producer *producer = g_new0 (Producer, 1);

      producer->round = &r;
      producer->tx = gcs_sender_clone (tx);
      producer->index = p;
      threads[p] = g_thread_new ("producer", producer_thread, producer);
    }
  g_clear_object (&tx);

  while (!r.drained)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("stuck: %u of %d received, %u consumers waiting for the end",
                 r.received, g_atomic_int_get (&r.sent), r.consumers);
      switch (g_rand_int_range (rand, 0, 12))
        {
        case 0: add_attach (&r); r.n_ops++; break;
        case 1: add_stream (&r); r.n_ops++; break;
        case 2: recv_start (&r, FALSE); r.n_ops++; break;
        case 3:
          if (close_early)
            {
              gcs_receiver_close (rx);
              close_early = FALSE;
              r.n_ops++;
            }
          break;
        default:
          g_main_context_iteration (context, FALSE);
          break;
        }
      if (r.n_ops > 60)
        g_main_context_iteration (context, TRUE);
    }
  for (guint p = 0; p < n_producers; p++)
    g_thread_join (threads[p]);

  /* Every consumer that was not stopped sees the end once, soon. */
  while (r.ends < r.consumers)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("stuck: %u of %u consumers saw the end", r.ends, r.consumers);
      g_main_context_iteration (context, TRUE);
    }
  for (guint i = 0; i < 100 && g_main_context_iteration (context, FALSE); i++)
    ;
  g_assert_cmpuint (r.ends, ==, r.consumers);

  for (guint p = 0; p < MAX_PRODUCERS; p++)
    {
      for (guint i = 0; i < r.per_producer; i++)
        n_seen += r.seen[p][i];
      g_free (r.seen[p]);
    }
  g_assert_cmpuint (r.received, ==, (guint) g_atomic_int_get (&r.sent));
  g_assert_cmpuint (n_seen, ==, r.received);
  mpsc_ops += r.n_ops;
  mpsc_items += r.received;

  g_clear_object (&rx);
  for (guint i = 0; i < 1000 && g_main_context_iteration (context, FALSE); i++)
    ;
  g_main_context_pop_thread_default (context);
}

static void
test_mpsc (void)
{
  StressRun run = stress_run (100, mpsc_round);

  stress_print_summary (&run, "waiters-stress mpsc", mpsc_ops,
                        "%" G_GUINT64_FORMAT " items, 0 lost, 0 duplicated, 0 stuck", mpsc_items);
}

/* Broadcast: on each of 2 receivers, pending receives and a stream
 * compete; each receiver gets every value exactly once (the channel is
 * big enough that nobody lags). */
typedef struct
{
  GcsBroadcastReceiver *rx;
  guint8               *seen;
  guint                 n;
  guint                 received;
  gboolean              ended;
  guint                 pending;
} BroadcastRx;

static void
broadcast_take (BroadcastRx  *b,
                const GValue *value)
{
  gint64 v = get_int64 (value);

  g_assert_cmpint (v, <, b->n);
  if (b->seen[v]++ != 0)
    g_error ("broadcast value %" G_GINT64_FORMAT " received twice", v);
  b->received++;
}

static void
broadcast_recv_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  BroadcastRx *b = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_broadcast_receiver_recv_finish (b->rx, result, &error);

  g_assert_no_error (error);
  b->pending--;
  if (value != NULL)
    {
      broadcast_take (b, value);
      b->pending++;
      gcs_broadcast_receiver_recv_async (b->rx, NULL, broadcast_recv_cb, b);
    }
  else
    b->ended = TRUE;
}

static void
broadcast_round (GRand *rand)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GcsBroadcastSender) tx = NULL;
  BroadcastRx receivers[2] = { { 0 } };
  guint n = g_rand_int_range (rand, 0, 400);
  gint64 deadline = g_get_monotonic_time () + STRESS_DEADLINE_USEC;

  g_main_context_push_thread_default (context);
  gcs_broadcast_new (G_TYPE_INT64, MAX (n, 1), &tx, &receivers[0].rx);
  receivers[1].rx = gcs_broadcast_sender_subscribe (tx);
  for (guint i = 0; i < 2; i++)
    {
      BroadcastRx *b = &receivers[i];
      guint waits = g_rand_int_range (rand, 1, 5);

      b->n = n;
      b->seen = g_new0 (guint8, MAX (n, 1));
      for (guint w = 0; w < waits; w++)
        {
          b->pending++;
          gcs_broadcast_receiver_recv_async (b->rx, NULL, broadcast_recv_cb, b);
        }
    }
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      set_int64 (&value, i);
      g_assert_cmpuint (gcs_broadcast_sender_send (tx, &value, NULL), ==, 2);
      if (g_rand_int_range (rand, 0, 4) == 0)
        g_main_context_iteration (context, FALSE);
    }
  g_clear_object (&tx);
  while (!(receivers[0].pending == 0 && receivers[1].pending == 0))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("broadcast stuck");
      g_main_context_iteration (context, TRUE);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (receivers[i].ended);
      g_assert_cmpuint (receivers[i].received, ==, n);
      g_free (receivers[i].seen);
      g_clear_object (&receivers[i].rx);
    }
  for (guint i = 0; i < 100 && g_main_context_iteration (context, FALSE); i++)
    ;
  g_main_context_pop_thread_default (context);
}

static void
test_broadcast (void)
{
  StressRun run = stress_run (40, broadcast_round);

  stress_print_summary (&run, "waiters-stress broadcast", run.n_rounds, "0 lost, 0 duplicated, 0 stuck");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/waiters-stress/mpsc", test_mpsc);
  g_test_add_func ("/waiters-stress/broadcast", test_broadcast);

  return g_test_run ();
}
