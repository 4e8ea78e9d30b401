/* test-oneshot-stress.c: randomized, seeded stress of oneshot channels
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each round makes a few hundred oneshot pairs. Producer threads own the
 * senders and, in a random order with random pauses, send a string, send an
 * error, send twice, close unsent or drop unsent. A consumer thread owns the
 * receivers on its own GMainContext and, after a random delay, receives
 * with recv_async (some with a shared cancellable that the test's thread
 * cancels at random, then replaces), polls try_recv from a timeout, closes
 * and then receives, reads through a GcsOneshotStream, or drops the
 * receiver, some with a receive in flight that it cancels at that moment.
 *
 * Invariants checked for every pair:
 * - a receiver that was not dropped ends with exactly one of {the value,
 *   the sent error, CLOSED}; the value and the error message are exact;
 * - value received <=> the send succeeded; the error received <=>
 *   send_error succeeded; CLOSED <=> the sender closed or dropped unsent,
 *   or its send failed with CLOSED because the receiver was closed first;
 * - a send fails with CLOSED only if the receiver was closed or dropped,
 *   and the failing sender then sees gcs_oneshot_sender_is_closed();
 * - a second send on a handle fails with CLOSED; after the value, try_recv
 *   says CLOSED;
 * - every recv_async started completes (CANCELLED takes nothing: it is
 *   retried), and every sender and receiver object is finalized by the end
 *   of the round: no task hangs, nothing is kept.
 *
 * GCS_TEST_SEED picks another seed; GCS_STRESS_ROUNDS or
 * GCS_STRESS_SECONDS make a long run (the default is a short one).
 */

#include "stress-util.h"

#define MAX_PRODUCERS 4

typedef enum { S_SEND, S_SEND_TWICE, S_SEND_ERROR, S_CLOSE, S_DROP, N_SPLANS } SenderPlan;
typedef enum { S_OK, S_ERROR_OK, S_FAILED_CLOSED, S_UNSENT } SenderOutcome;
typedef enum { R_ASYNC, R_ASYNC_CANCELLABLE, R_TRY, R_CLOSE_FIRST, R_STREAM, R_DROP,
               R_DROP_IN_FLIGHT, N_RPLANS } ReceiverPlan;
typedef enum { R_NONE, R_VALUE, R_FAILED, R_CLOSED, R_DROPPED } ReceiverOutcome;

typedef struct
{
  guint               index;
  guint32             token;
  GcsOneshotSender   *tx;
  GcsOneshotReceiver *rx;
  GcsStream          *stream;
  GCancellable       *own_cancellable;
  SenderPlan          splan;
  ReceiverPlan        rplan;
  guint               delay_ms;
  /* written by the producer */
  SenderOutcome       sout;
  gboolean            sender_saw_closed;
  /* written by the consumer */
  ReceiverOutcome     rout;
  gboolean            rx_closed;      /* closed or dropped by the consumer */
  char               *got;            /* the value or the error message */
} Pair;

typedef struct
{
  Pair      **pairs;
  guint       n_pairs;
  guint32     seed;
} Producer;

typedef struct
{
  Pair         *pairs;
  guint         n_pairs;
  guint         n_done;
  guint         n_async_started, n_async_done, n_cancelled;
  GRecMutex     cancel_lock;   /* TSan sees it, unlike Debian's GMutex */
  GCancellable *shared_cancellable;   /* under cancel_lock; replaced, never reset */
  GMainContext *context;
} Consumer;

static guint64 total_ops, total_items, total_errors, total_closed, total_dropped;

static char *
expected_value (Pair *p)
{
  return g_strdup_printf ("pair %u token %08x", p->index, p->token);
}

static char *
expected_error (Pair *p)
{
  return g_strdup_printf ("failure of pair %u token %08x", p->index, p->token);
}

/* Producer side */

static void
producer_run_pair (Pair *p, GRand *rand, guint64 *ops)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  switch (p->splan)
    {
    case S_SEND:
    case S_SEND_TWICE:
      {
        g_auto(GValue) value = G_VALUE_INIT;

        g_value_init (&value, G_TYPE_STRING);
        g_value_take_string (&value, expected_value (p));
        ok = gcs_oneshot_sender_send (p->tx, &value, &error);
        (*ops)++;
        /* The caller keeps its value either way. */
        g_assert_true (G_VALUE_HOLDS_STRING (&value));
        if (ok && p->splan == S_SEND_TWICE)
          {
            g_autoptr(GError) again = NULL;

            g_assert_false (gcs_oneshot_sender_send (p->tx, &value, &again));
            g_assert_error (again, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
            (*ops)++;
          }
        p->sout = ok ? S_OK : S_FAILED_CLOSED;
      }
      break;
    case S_SEND_ERROR:
      {
        g_autofree char *message = expected_error (p);
        g_autoptr(GError) failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, message);

        ok = gcs_oneshot_sender_send_error (p->tx, failure, &error);
        (*ops)++;
        p->sout = ok ? S_ERROR_OK : S_FAILED_CLOSED;
      }
      break;
    case S_CLOSE:
      gcs_oneshot_sender_close (p->tx);
      if (g_rand_boolean (rand))
        gcs_oneshot_sender_close (p->tx);   /* twice: nothing more */
      (*ops)++;
      p->sout = S_UNSENT;
      break;
    case S_DROP:
    default:
      (*ops)++;
      p->sout = S_UNSENT;
      break;
    }
  if (!ok && p->sout == S_FAILED_CLOSED)
    {
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
      p->sender_saw_closed = gcs_oneshot_sender_is_closed (p->tx);
    }
  g_clear_object (&p->tx);
}

static gpointer
producer_thread (gpointer data)
{
  Producer *pr = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (pr->seed);
  guint64 ops = 0;

  /* A random order, random pauses. */
  for (guint i = pr->n_pairs; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      Pair *t = pr->pairs[i - 1];

      pr->pairs[i - 1] = pr->pairs[j];
      pr->pairs[j] = t;
    }
  for (guint i = 0; i < pr->n_pairs; i++)
    {
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0: g_usleep (g_rand_int_range (rand, 1, 300)); break;
        case 1: g_thread_yield (); break;
        default: break;
        }
      producer_run_pair (pr->pairs[i], rand, &ops);
    }
  return GSIZE_TO_POINTER (ops);
}

/* Consumer side */

static void
pair_done (Consumer *c, Pair *p, ReceiverOutcome out, const char *got)
{
  g_assert_cmpint (p->rout, ==, R_NONE);
  p->rout = out;
  p->got = g_strdup (got);
  c->n_done++;
}

/* After the value or the error, the channel is at its end. */
static void
check_end (GcsOneshotReceiver *rx)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (gcs_oneshot_receiver_try_recv (rx, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

static void recv_start (Consumer *c, Pair *p, GCancellable *cancellable);

typedef struct { Consumer *c; Pair *p; } Call;

static void
recv_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  Consumer *c = call->c;
  Pair *p = call->p;
  GcsOneshotReceiver *rx = GCS_ONESHOT_RECEIVER (source);   /* p->rx may be dropped */
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_oneshot_receiver_recv_finish (rx, result, &error);

  g_free (call);
  c->n_async_done++;
  if (value != NULL)
    {
      pair_done (c, p, R_VALUE, g_value_get_string (value));
      check_end (rx);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      c->n_cancelled++;
      if (p->rplan == R_DROP_IN_FLIGHT)
        pair_done (c, p, R_DROPPED, NULL);
      else
        recv_start (c, p, NULL);   /* took nothing: try again */
      return;
    }
  else if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED))
    pair_done (c, p, R_CLOSED, NULL);
  else if (error != NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      pair_done (c, p, R_FAILED, error->message);
      check_end (rx);
    }
  else
    g_error ("pair %u: recv_finish gave the end before anything was received", p->index);
  if (p->rplan == R_DROP_IN_FLIGHT)
    p->rx_closed = FALSE;   /* it got its answer before the drop: not dropped */
  g_clear_object (&p->rx);
}

static void
recv_start (Consumer *c, Pair *p, GCancellable *cancellable)
{
  Call *call = g_new (Call, 1);

  *call = (Call) { c, p };
  c->n_async_started++;
  gcs_oneshot_receiver_recv_async (p->rx, cancellable, recv_cb, call);
}

static gboolean
try_recv_cb (gpointer data)
{
  Call *call = data;
  Pair *p = call->p;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_oneshot_receiver_try_recv (p->rx, &error);

  if (value != NULL)
    {
      pair_done (call->c, p, R_VALUE, g_value_get_string (value));
      check_end (p->rx);
    }
  else if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY))
    return G_SOURCE_CONTINUE;
  else if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED))
    pair_done (call->c, p, R_CLOSED, NULL);
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      pair_done (call->c, p, R_FAILED, error->message);
      check_end (p->rx);
    }
  g_clear_object (&p->rx);
  return G_SOURCE_REMOVE;
}

static void
stream_next_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  Pair *p = call->p;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_stream_next_finish (GCS_STREAM (source), result, &error);

  if (value != NULL)
    pair_done (call->c, p, R_VALUE, g_value_get_string (value));
  else if (error != NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      pair_done (call->c, p, R_FAILED, error->message);
    }
  else
    pair_done (call->c, p, R_CLOSED, NULL);   /* ended empty */
  g_free (call);
  g_clear_object (&p->stream);
}

static gboolean
drop_cb (gpointer data)
{
  Pair *p = data;

  g_cancellable_cancel (p->own_cancellable);
  g_clear_object (&p->rx);
  return G_SOURCE_REMOVE;
}

static gboolean
start_cb (gpointer data)
{
  Call *call = data;
  Consumer *c = call->c;
  Pair *p = call->p;

  switch (p->rplan)
    {
    case R_ASYNC:
      recv_start (c, p, NULL);
      g_free (call);
      break;
    case R_ASYNC_CANCELLABLE:
      {
        GCancellable *cancellable;

        g_rec_mutex_lock (&c->cancel_lock);
        cancellable = g_object_ref (c->shared_cancellable);
        g_rec_mutex_unlock (&c->cancel_lock);
        recv_start (c, p, cancellable);
        g_object_unref (cancellable);
        g_free (call);
      }
      break;
    case R_TRY:
      stress_timeout_attach (c->context, 1, try_recv_cb, call, g_free);
      break;
    case R_CLOSE_FIRST:
      p->rx_closed = TRUE;
      gcs_oneshot_receiver_close (p->rx);
      gcs_oneshot_receiver_close (p->rx);   /* twice: nothing more */
      recv_start (c, p, NULL);
      g_free (call);
      break;
    case R_STREAM:
      p->stream = gcs_oneshot_stream_new (p->rx);
      g_clear_object (&p->rx);
      gcs_stream_next_async (p->stream, NULL, stream_next_cb, call);
      break;
    case R_DROP:
      p->rx_closed = TRUE;
      g_clear_object (&p->rx);
      pair_done (c, p, R_DROPPED, NULL);
      g_free (call);
      break;
    case R_DROP_IN_FLIGHT:
    default:
      p->rx_closed = TRUE;
      p->own_cancellable = g_cancellable_new ();
      recv_start (c, p, p->own_cancellable);
      stress_timeout_attach (c->context, p->delay_ms / 2, drop_cb, p, NULL);
      g_free (call);
      break;
    }
  return G_SOURCE_REMOVE;
}

static gboolean
consumer_done (gpointer data)
{
  Consumer *c = data;

  return c->n_done == c->n_pairs && c->n_async_done == c->n_async_started;
}

static char *
consumer_describe (gpointer data)
{
  Consumer *c = data;

  return g_strdup_printf ("oneshot stress: hangs: %u of %u pairs done, %u of %u receives completed",
                          c->n_done, c->n_pairs, c->n_async_done, c->n_async_started);
}

/* Each pair's receiver starts after its own delay, on the consumer's
 * thread. */
static GThread *
consumer_start (Consumer *c)
{
  for (guint i = 0; i < c->n_pairs; i++)
    {
      Call *call = g_new (Call, 1);

      *call = (Call) { c, &c->pairs[i] };
      stress_timeout_attach (c->context, c->pairs[i].delay_ms, start_cb, call, NULL);
    }
  return stress_context_thread_new (c->context, 100, consumer_done, consumer_describe, c);
}

static void
run_round (GRand *rand)
{
  guint n_pairs = g_rand_int_range (rand, 50, 400);
  guint n_producers = g_rand_int_range (rand, 1, MAX_PRODUCERS + 1);
  Pair *pairs = g_new0 (Pair, n_pairs);
  Producer producers[MAX_PRODUCERS] = { { 0 } };
  GThread *threads[MAX_PRODUCERS], *consumer;
  Consumer c = { 0 };
  StressMark mark = stress_mark ();
  guint max_delay = g_rand_int_range (rand, 1, 20);

  c.pairs = pairs;
  c.n_pairs = n_pairs;
  c.context = g_main_context_new ();
  g_rec_mutex_init (&c.cancel_lock);
  c.shared_cancellable = g_cancellable_new ();
  for (guint i = 0; i < n_producers; i++)
    {
      producers[i].pairs = g_new (Pair *, n_pairs);
      producers[i].seed = g_rand_int (rand);
    }
  for (guint i = 0; i < n_pairs; i++)
    {
      Pair *p = &pairs[i];
      Producer *pr = &producers[g_rand_int_range (rand, 0, n_producers)];

      p->index = i;
      p->token = g_rand_int (rand);
      p->splan = g_rand_int_range (rand, 0, N_SPLANS);
      p->rplan = g_rand_int_range (rand, 0, N_RPLANS);
      p->delay_ms = g_rand_int_range (rand, 0, max_delay + 1);
      gcs_oneshot_new (G_TYPE_STRING, &p->tx, &p->rx);
      stress_watch_object (p->tx);
      stress_watch_object (p->rx);
      pr->pairs[pr->n_pairs++] = p;
    }

  consumer = consumer_start (&c);
  for (guint i = 0; i < n_producers; i++)
    threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
  /* Cancel the receives that use the shared cancellable now and then. */
  for (guint i = 0; i < 4; i++)
    {
      g_usleep (g_rand_int_range (rand, 100, 3000));
      if (g_rand_boolean (rand))
        {
          GCancellable *old;

          /* GLib: resetting a cancellable in use is undefined; replace it. */
          g_rec_mutex_lock (&c.cancel_lock);
          old = c.shared_cancellable;
          c.shared_cancellable = g_cancellable_new ();
          g_rec_mutex_unlock (&c.cancel_lock);
          g_cancellable_cancel (old);
          g_object_unref (old);
        }
    }
  for (guint i = 0; i < n_producers; i++)
    {
      total_ops += GPOINTER_TO_SIZE (g_thread_join (threads[i]));
      g_free (producers[i].pairs);
    }
  g_thread_join (consumer);

  total_ops += c.n_async_started + n_pairs;
  for (guint i = 0; i < n_pairs; i++)
    {
      Pair *p = &pairs[i];
      g_autofree char *value = expected_value (p);
      g_autofree char *message = expected_error (p);

      g_assert_null (p->tx);
      g_assert_null (p->rx);
      g_assert_null (p->stream);
      /* A send fails only if the receiver refused it first. */
      if (p->sout == S_FAILED_CLOSED)
        {
          g_assert_true (p->rx_closed);
          g_assert_true (p->sender_saw_closed);
        }
      switch (p->rout)
        {
        case R_VALUE:
          g_assert_cmpint (p->sout, ==, S_OK);
          g_assert_cmpstr (p->got, ==, value);
          total_items++;
          break;
        case R_FAILED:
          g_assert_cmpint (p->sout, ==, S_ERROR_OK);
          g_assert_cmpstr (p->got, ==, message);
          total_errors++;
          break;
        case R_CLOSED:
          if (p->sout != S_UNSENT)
            {
              g_assert_cmpint (p->sout, ==, S_FAILED_CLOSED);
              g_assert_true (p->rx_closed);
            }
          total_closed++;
          break;
        case R_DROPPED:
          g_assert_true (p->rx_closed);
          total_dropped++;
          break;
        case R_NONE:
        default:
          g_error ("pair %u: no outcome", p->index);
        }
      g_free (p->got);
      g_clear_object (&p->own_cancellable);
    }
  g_assert_cmpuint (c.n_async_done, ==, c.n_async_started);
  /* Every sender and receiver is gone: nothing kept a reference. */
  g_assert_cmpint (stress_finalized_since (&mark), ==, 2 * n_pairs);

  g_object_unref (c.shared_cancellable);
  g_rec_mutex_clear (&c.cancel_lock);
  g_main_context_unref (c.context);
  g_free (pairs);
}

static void
test_stress_oneshot (void)
{
  StressRun run = stress_run (20, run_round);

  stress_print_summary (&run, "oneshot", total_ops,
                        "%" G_GUINT64_FORMAT " items moved (+ %" G_GUINT64_FORMAT " errors delivered, "
                        "%" G_GUINT64_FORMAT " CLOSED, %" G_GUINT64_FORMAT " receivers dropped)",
                        total_items, total_errors, total_closed, total_dropped);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stress/oneshot", test_stress_oneshot);

  return g_test_run ();
}
