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

#include <string.h>

#include <gchanstream/gchanstream.h>


/* Hand-offs through g_main_context_invoke() are invisible to TSan with
 * Debian's GLib (tests/README.md, notes/race-detection.md). */
#if defined(__SANITIZE_THREAD__)
# define TEST_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define TEST_TSAN 1
# endif
#endif
#ifdef TEST_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
# define HANDOFF_RELEASE(p) __tsan_release (p)
# define HANDOFF_ACQUIRE(p) __tsan_acquire (p)
#else
# define HANDOFF_RELEASE(p) ((void) 0)
# define HANDOFF_ACQUIRE(p) ((void) 0)
#endif

#define MAX_PRODUCERS 4
#define DEADLINE_USEC (60 * G_USEC_PER_SEC)

typedef enum { K_ASYNC, K_STREAM, K_TRY, N_KINDS } Kind;

typedef struct _Consumer Consumer;

typedef struct
{
  Consumer             *c;
  guint                 id;
  Kind                  kind;
  GcsBroadcastReceiver *rx;
  GcsStream            *stream;
  GCancellable         *cancellable;
  GSource              *poll_source;
  gint64                next;        /* the value expected next */
  guint64               missed, received;
  guint                 drop_after;  /* values before a drop; 0: never */
  gboolean              pending, ended, dropped;
} Rx;

struct _Consumer
{
  GMainContext *context;
  GPtrArray    *receivers;   /* Rx*, owned */
  GRand        *rand;        /* consumer thread only */
  gint          n_handed;     /* atomic: receivers handed over */
  guint         n_adopted;    /* of them, adopted */
  gint          all_handed;  /* atomic */
  guint64       n_ops;
};

typedef struct
{
  GcsBroadcastSender *tx;
  guint               n_items;
  guint32             seed;
  guint64             n_sends, n_sent, n_no_receiver;
} Producer;

/* A GRecMutex: TSan sees it (Debian's GMutex is invisible to it). */
static GRecMutex order_lock;
static gint64 order_counter;   /* under order_lock */
static gint n_finalized, n_watched;   /* atomic */
static guint64 total_rounds, total_ops, total_items, total_missed, total_receivers, total_dropped;

static void
finalized_cb (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_inc (&n_finalized);
}

static void
watch_object (gpointer object)
{
  g_object_weak_ref (object, finalized_cb, NULL);
  g_atomic_int_inc (&n_watched);
}

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

      g_rec_mutex_lock (&order_lock);
      g_value_set_int64 (&value, order_counter);
      reached = gcs_broadcast_sender_send (p->tx, &value, &error);
      if (reached > 0)
        order_counter++;
      g_rec_mutex_unlock (&order_lock);
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

            watch_object (clone);
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

static guint64
missed_from_error (const GError *error)
{
  const char *p = strstr (error->message, "missed ");

  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen ("missed "), NULL, 10);
}

static void
rx_release (Rx *r)
{
  if (r->poll_source != NULL)
    {
      g_source_destroy (r->poll_source);
      g_clear_pointer (&r->poll_source, g_source_unref);
    }
  g_clear_object (&r->rx);
  g_clear_object (&r->stream);
}

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
  r->dropped = TRUE;
  if (r->cancellable != NULL)
    g_cancellable_cancel (r->cancellable);
  r->c->n_ops++;
  rx_release (r);
  return TRUE;
}

static void
rx_end (Rx *r)
{
  g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (r->rx), ==, r->missed);
  if (r->stream != NULL)
    g_assert_cmpuint (gcs_broadcast_stream_get_lagged (GCS_BROADCAST_STREAM (r->stream)), ==, r->missed);
  r->ended = TRUE;
  rx_release (r);
}

static void recv_start (Rx *r);

static void
recv_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Rx *r = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_broadcast_receiver_recv_finish (GCS_BROADCAST_RECEIVER (source), result, &error);

  r->pending = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_assert_true (r->dropped);
      return;
    }
  if (r->dropped)
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
      rx_lag (r, missed_from_error (error));
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
  r->pending = TRUE;
  gcs_broadcast_receiver_recv_async (r->rx, r->cancellable, recv_cb, r);
}

static void
stream_lagged_cb (GcsBroadcastStream *stream, guint64 count, gpointer data)
{
  Rx *r = data;

  if (!r->dropped)
    rx_lag (r, count);
}

static void
stream_item_cb (const GValue *item, gpointer data, GError **error)
{
  Rx *r = data;

  if (r->dropped)
    return;
  rx_value (r, g_value_get_int64 (item));
  maybe_drop (r);
}

static void
stream_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Rx *r = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = gcs_stream_for_each_finish (GCS_STREAM (source), result, &error);

  r->pending = FALSE;
  if (r->dropped)
    {
      if (!ok)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      return;
    }
  g_assert_no_error (error);
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
      const GValue *value = gcs_broadcast_receiver_try_recv (r->rx, &error);

      if (value != NULL)
        {
          rx_value (r, g_value_get_int64 (value));
          if (maybe_drop (r))
            return G_SOURCE_REMOVE;
        }
      else if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED))
        rx_lag (r, missed_from_error (error));
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

static gboolean
adopt_cb (gpointer data)
{
  Handover *h;
  Consumer *c;
  Rx *r = g_new0 (Rx, 1);

  HANDOFF_ACQUIRE (data);
  h = data;
  c = h->c;
  r->c = c;
  r->id = c->receivers->len;
  r->kind = h->kind;
  r->rx = h->rx;
  r->next = h->start;
  r->drop_after = g_rand_int_range (c->rand, 0, 4) == 0 ? g_rand_int_range (c->rand, 1, 300) : 0;
  g_ptr_array_add (c->receivers, r);
  c->n_adopted++;
  c->n_ops++;
  switch (r->kind)
    {
    case K_ASYNC:
      r->cancellable = g_cancellable_new ();
      recv_start (r);
      break;
    case K_STREAM:
      r->cancellable = g_cancellable_new ();
      /* r->rx is kept only to read its "lagged" at the end. */
      r->stream = gcs_broadcast_stream_new (r->rx);
      g_signal_connect (r->stream, "lagged", G_CALLBACK (stream_lagged_cb), r);
      r->pending = TRUE;
      gcs_stream_for_each_async (r->stream, stream_item_cb, r, NULL, r->cancellable, stream_done_cb, r);
      break;
    case K_TRY:
    default:
      r->poll_source = g_timeout_source_new (1);
      g_source_set_callback (r->poll_source, try_cb, r, NULL);
      g_source_attach (r->poll_source, c->context);
      break;
    }
  g_free (h);
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
consumer_done (Consumer *c)
{
  if (!g_atomic_int_get (&c->all_handed) || c->n_adopted != (guint) g_atomic_int_get (&c->n_handed))
    return FALSE;
  for (guint i = 0; i < c->receivers->len; i++)
    {
      Rx *r = g_ptr_array_index (c->receivers, i);

      if (r->pending || !(r->ended || r->dropped))
        return FALSE;
    }
  return TRUE;
}

static gpointer
consumer_thread (gpointer data)
{
  Consumer *c = data;
  gint64 deadline = g_get_monotonic_time () + DEADLINE_USEC;
  GSource *tick = g_timeout_source_new (50);

  g_main_context_push_thread_default (c->context);
  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, c->context);
  while (!consumer_done (c))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("broadcast churn hangs");
      g_main_context_iteration (c->context, TRUE);
    }
  g_source_destroy (tick);
  g_source_unref (tick);
  while (g_main_context_iteration (c->context, FALSE))
    ;
  g_main_context_pop_thread_default (c->context);
  return NULL;
}

/* Subscribes under the order lock, so that the start is exact. */
static void
subscribe (Consumer *c, GcsBroadcastSender *tx, GcsBroadcastReceiver *rx, GRand *rand)
{
  Handover *h = g_new (Handover, 1);

  g_rec_mutex_lock (&order_lock);
  if (rx == NULL)
    rx = gcs_broadcast_sender_subscribe (tx);
  *h = (Handover) { c, rx, order_counter, g_rand_int_range (rand, 0, N_KINDS) };
  g_rec_mutex_unlock (&order_lock);
  watch_object (rx);
  g_atomic_int_inc (&c->n_handed);
  HANDOFF_RELEASE (h);
  g_main_context_invoke (c->context, adopt_cb, h);
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
  gint finalized_before = g_atomic_int_get (&n_finalized);
  gint watched_before = g_atomic_int_get (&n_watched);

  c.context = g_main_context_new ();
  c.receivers = g_ptr_array_new_with_free_func (g_free);
  c.rand = g_rand_new_with_seed (g_rand_int (rand));
  order_counter = 0;

  gcs_broadcast_new (G_TYPE_INT64, capacity, &tx, &rx);
  watch_object (tx);
  subscribe (&c, tx, rx, rand);
  for (guint i = 1; i < n_initial; i++)
    subscribe (&c, tx, NULL, rand);

  consumer = g_thread_new ("consumer", consumer_thread, &c);
  for (guint i = 0; i < n_producers; i++)
    {
      producers[i] = (Producer) {
        .tx = gcs_broadcast_sender_clone (tx),
        .n_items = g_rand_int_range (rand, 0, 2000),
        .seed = g_rand_int (rand),
      };
      watch_object (producers[i].tx);
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }
  for (guint i = 0; i < n_late; i++)
    {
      g_usleep (g_rand_int_range (rand, 100, 4000));
      subscribe (&c, tx, NULL, rand);
    }
  g_atomic_int_set (&c.all_handed, 1);
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

      g_assert_true (r->ended || r->dropped);
      g_assert_false (r->pending);
      g_assert_null (r->rx);
      g_assert_null (r->stream);
      /* Everything up to the last value sent, received or counted missed. */
      if (r->ended && r->next != order_counter)
        g_error ("broadcast receiver %u ended at %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
                 r->id, r->next, order_counter);
      total_items += r->received;
      total_missed += r->missed;
      total_dropped += r->dropped;
      g_clear_object (&r->cancellable);
    }
  total_receivers += c.receivers->len;
  total_ops += c.n_ops;
  g_assert_cmpint (g_atomic_int_get (&n_finalized) - finalized_before, ==,
                   g_atomic_int_get (&n_watched) - watched_before);

  g_ptr_array_unref (c.receivers);
  g_rand_free (c.rand);
  g_main_context_unref (c.context);
  total_rounds++;
}

static void
test_stress_broadcast_churn (void)
{
  const char *env_seed = g_getenv ("GCS_TEST_SEED");
  const char *env_rounds = g_getenv ("GCS_STRESS_ROUNDS");
  const char *env_seconds = g_getenv ("GCS_STRESS_SECONDS");
  guint32 seed = env_seed ? (guint32) g_ascii_strtoull (env_seed, NULL, 10) : 20261202;
  guint rounds = env_rounds ? (guint) g_ascii_strtoull (env_rounds, NULL, 10) : 12;
  guint seconds = env_seconds ? (guint) g_ascii_strtoull (env_seconds, NULL, 10) : 0;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint64 start = g_get_monotonic_time ();

  g_test_message ("seed %u, %u rounds or %u s (GCS_TEST_SEED, GCS_STRESS_ROUNDS, GCS_STRESS_SECONDS)",
                  seed, rounds, seconds);
  for (guint i = 0; seconds ? g_get_monotonic_time () - start < seconds * G_USEC_PER_SEC : i < rounds; i++)
    run_round (rand);
  g_print ("# broadcast churn: seed %u, %" G_GUINT64_FORMAT " rounds, %" G_GUINT64_FORMAT
           " operations tried, %" G_GUINT64_FORMAT " items moved, %" G_GUINT64_FORMAT
           " announced as LAGGED (%" G_GUINT64_FORMAT " receivers, %" G_GUINT64_FORMAT
           " dropped mid-flight), %.1f s\n",
           seed, total_rounds, total_ops, total_items, total_missed, total_receivers, total_dropped,
           (g_get_monotonic_time () - start) / 1e6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stress/broadcast-churn", test_stress_broadcast_churn);

  return g_test_run ();
}
