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

typedef enum { K_ASYNC, K_STREAM, K_POLL, N_KINDS } Kind;

typedef struct _Consumer Consumer;

typedef struct
{
  Consumer         *c;
  guint             id;
  Kind              kind;
  GcsWatchReceiver *rx;
  GcsStream        *stream;
  GCancellable     *cancellable;
  gint64            last;                  /* ordered rounds */
  gint64            last_of[MAX_PRODUCERS + 1];   /* free rounds */
  gboolean          has_last;
  guint             drop_after;            /* values before a drop, 0: never */
  guint             n_values;
  gboolean          pending;               /* a changed_async or for_each in flight */
  gboolean          ended, dropped;
  GSource          *poll_source;
} Rx;

struct _Consumer
{
  GMainContext *context;
  gboolean      ordered;
  GPtrArray    *receivers;    /* Rx*, owned */
  GRand        *rand;         /* consumer thread only */
  gint          n_handed;     /* atomic: receivers handed over */
  guint         n_adopted;    /* of them, adopted */
  gint          all_handed;   /* atomic: the test's thread subscribes no more */
  gint          sender_gone;  /* atomic */
  gint64        final;        /* set before sender_gone */
  guint64       n_values, n_ops;
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

/* A GRecMutex: TSan sees it (Debian's GMutex is invisible to it). */
static GRecMutex order_lock;
static gint64 order_counter;
static gint n_finalized;   /* atomic */
static guint64 total_rounds, total_ops, total_items, total_dropped, total_receivers;

static void
finalized_cb (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_inc (&n_finalized);
}

static void
watch_object (gpointer object, gint *n_watched)
{
  g_object_weak_ref (object, finalized_cb, NULL);
  g_atomic_int_inc (n_watched);
}

static gint n_watched;

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
          g_rec_mutex_lock (&order_lock);
          g_value_set_int64 (&value, order_counter + 1);
          ok = gcs_watch_sender_send (p->tx, &value, &error);
          if (ok)
            order_counter++;
          g_rec_mutex_unlock (&order_lock);
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

            watch_object (clone, &n_watched);
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
rx_drop (Rx *r)
{
  r->dropped = TRUE;
  if (r->cancellable != NULL)
    g_cancellable_cancel (r->cancellable);
  r->c->n_ops++;
  rx_release (r);
}

static void
rx_end (Rx *r)
{
  Consumer *c = r->c;

  if (!g_atomic_int_get (&c->sender_gone))
    g_error ("watch receiver %u (kind %d) ended while a sender is open", r->id, r->kind);
  r->ended = TRUE;
  if (!r->has_last || r->last != c->final)
    g_error ("watch receiver %u (kind %d) ended on %" G_GINT64_FORMAT ", not the final %" G_GINT64_FORMAT,
             r->id, r->kind, r->has_last ? r->last : -1, c->final);
  rx_release (r);
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

  if (r->rx != NULL && c->receivers->len < 24 && g_rand_int_range (c->rand, 0, 200) == 0)
    {
      c->n_ops++;
      rx_adopt (c, gcs_watch_receiver_clone (r->rx), g_rand_int_range (c->rand, 0, N_KINDS));
    }
}

static gboolean
maybe_drop (Rx *r)
{
  if (r->drop_after != 0 && r->n_values >= r->drop_after)
    {
      rx_drop (r);
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

  r->pending = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_assert_true (r->dropped);
      return;
    }
  if (r->dropped)
    return;   /* completed before the cancellation took */
  if (!changed)
    {
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
      rx_end (r);
      return;
    }
  g_assert_no_error (error);
  rx_seen (r, g_value_get_int64 (gcs_watch_receiver_get_value (r->rx)));
  r->c->n_ops += 2;
  maybe_clone (r);
  if (!maybe_drop (r))
    rx_async_start (r);
}

static void
rx_async_start (Rx *r)
{
  r->pending = TRUE;
  gcs_watch_receiver_changed_async (r->rx, r->cancellable, changed_cb, r);
}

static void
stream_item_cb (const GValue *item, gpointer data, GError **error)
{
  Rx *r = data;

  if (r->dropped)
    return;
  rx_seen (r, g_value_get_int64 (item));
  maybe_clone (r);
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
  g_assert_true (ok);
  rx_end (r);
}

static gboolean
poll_cb (gpointer data)
{
  Rx *r = data;
  gboolean gone = g_atomic_int_get (&r->c->sender_gone);

  r->c->n_ops++;
  if (gcs_watch_receiver_has_changed (r->rx))
    {
      rx_seen (r, g_value_get_int64 (gcs_watch_receiver_get_value (r->rx)));
      maybe_clone (r);
      if (maybe_drop (r))
        return G_SOURCE_REMOVE;   /* rx_release destroyed the source */
    }
  if (gone && !gcs_watch_receiver_has_changed (r->rx))
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

  watch_object (rx, &n_watched);
  r->c = c;
  r->id = c->receivers->len;
  r->kind = kind;
  r->rx = rx;
  r->drop_after = g_rand_int_range (c->rand, 0, 4) == 0 ? g_rand_int_range (c->rand, 1, 200) : 0;
  g_ptr_array_add (c->receivers, r);
  switch (kind)
    {
    case K_ASYNC:
      /* The value it has now counts as seen. */
      r->cancellable = g_cancellable_new ();
      rx_seen (r, g_value_get_int64 (gcs_watch_receiver_get_value (rx)));
      rx_async_start (r);
      break;
    case K_STREAM:
      r->cancellable = g_cancellable_new ();
      r->stream = gcs_watch_stream_new (rx);
      g_clear_object (&r->rx);
      r->pending = TRUE;
      gcs_stream_for_each_async (r->stream, stream_item_cb, r, NULL, r->cancellable, stream_done_cb, r);
      break;
    case K_POLL:
    default:
      rx_seen (r, g_value_get_int64 (gcs_watch_receiver_get_value (rx)));
      r->poll_source = g_timeout_source_new (1);
      g_source_set_callback (r->poll_source, poll_cb, r, NULL);
      g_source_attach (r->poll_source, c->context);
      break;
    }
  return r;
}

typedef struct { Consumer *c; GcsWatchReceiver *rx; Kind kind; } Handover;

static gboolean
handover_cb (gpointer data)
{
  Handover *h = data;

  HANDOFF_ACQUIRE (h);
  rx_adopt (h->c, h->rx, h->kind);
  h->c->n_adopted++;
  g_free (h);
  return G_SOURCE_REMOVE;
}

static void
hand_over (Consumer *c, GcsWatchReceiver *rx, Kind kind)
{
  Handover *h = g_new (Handover, 1);

  *h = (Handover) { c, rx, kind };
  g_atomic_int_inc (&c->n_handed);
  HANDOFF_RELEASE (h);
  g_main_context_invoke (c->context, handover_cb, h);
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
consumer_done (Consumer *c)
{
  if (!g_atomic_int_get (&c->all_handed) || !g_atomic_int_get (&c->sender_gone) ||
      c->n_adopted != (guint) g_atomic_int_get (&c->n_handed))
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
        g_error ("watch stress hangs");
      g_main_context_iteration (c->context, TRUE);
    }
  g_source_destroy (tick);
  g_source_unref (tick);
  while (g_main_context_iteration (c->context, FALSE))
    ;
  g_main_context_pop_thread_default (c->context);
  return NULL;
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
  gint finalized_before = g_atomic_int_get (&n_finalized);
  gint watched_before = g_atomic_int_get (&n_watched);

  c.context = g_main_context_new ();
  c.ordered = g_rand_boolean (rand);
  c.receivers = g_ptr_array_new_with_free_func (g_free);
  c.rand = g_rand_new_with_seed (g_rand_int (rand));
  order_counter = 0;

  g_value_init (&initial, G_TYPE_INT64);
  g_value_set_int64 (&initial, 0);
  gcs_watch_new (&initial, &tx, &rx);
  watch_object (tx, &n_watched);
  hand_over (&c, rx, g_rand_int_range (rand, 0, N_KINDS));
  for (guint i = 1; i < n_initial; i++)
    hand_over (&c, gcs_watch_sender_subscribe (tx), g_rand_int_range (rand, 0, N_KINDS));

  consumer = g_thread_new ("consumer", consumer_thread, &c);
  for (guint i = 0; i < n_producers; i++)
    {
      producers[i] = (Producer) {
        .tx = gcs_watch_sender_clone (tx), .id = i,
        .n_items = g_rand_int_range (rand, 0, 1500),
        .seed = g_rand_int (rand), .ordered = c.ordered,
      };
      watch_object (producers[i].tx, &n_watched);
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }
  /* Late subscribers, mid-flight. */
  for (guint i = 0; i < n_late; i++)
    {
      g_usleep (g_rand_int_range (rand, 100, 3000));
      hand_over (&c, gcs_watch_sender_subscribe (tx), g_rand_int_range (rand, 0, N_KINDS));
    }
  g_atomic_int_set (&c.all_handed, 1);
  for (guint i = 0; i < n_producers; i++)
    {
      g_thread_join (threads[i]);
      total_ops += producers[i].n_sends;
    }

  /* The final value, then the last sender goes. */
  c.final = g_value_get_int64 (gcs_watch_sender_get_value (tx));
  if (c.ordered)
    g_assert_cmpint (c.final, ==, order_counter);
  g_atomic_int_set (&c.sender_gone, 1);   /* before: the end may come at once */
  if (g_rand_boolean (rand))
    gcs_watch_sender_close (tx);
  g_clear_object (&tx);
  g_main_context_wakeup (c.context);
  g_thread_join (consumer);

  for (guint i = 0; i < c.receivers->len; i++)
    {
      Rx *r = g_ptr_array_index (c.receivers, i);

      g_assert_true (r->ended || r->dropped);
      g_assert_false (r->pending);
      g_assert_null (r->rx);
      g_assert_null (r->stream);
      total_dropped += r->dropped;
      g_clear_object (&r->cancellable);
    }
  total_receivers += c.receivers->len;
  total_items += c.n_values;
  total_ops += c.n_ops + c.receivers->len;
  g_assert_cmpint (g_atomic_int_get (&n_finalized) - finalized_before, ==,
                   g_atomic_int_get (&n_watched) - watched_before);

  g_ptr_array_unref (c.receivers);
  g_rand_free (c.rand);
  g_main_context_unref (c.context);
  total_rounds++;
}

static void
test_stress_watch (void)
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
  g_print ("# watch: seed %u, %" G_GUINT64_FORMAT " rounds, %" G_GUINT64_FORMAT " operations tried, "
           "%" G_GUINT64_FORMAT " values seen (%" G_GUINT64_FORMAT " receivers, %" G_GUINT64_FORMAT
           " dropped mid-flight), %.1f s\n",
           seed, total_rounds, total_ops, total_items, total_receivers, total_dropped,
           (g_get_monotonic_time () - start) / 1e6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stress/watch", test_stress_watch);

  return g_test_run ();
}
