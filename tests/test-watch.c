/* test-watch.c: the watch channel and GcsWatchStream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "channel-test-util.h"

static void
new_int_watch (gint               initial,
               GcsWatchSender   **tx,
               GcsWatchReceiver **rx)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, initial);
  gcs_watch_new (&value, tx, rx);
}

static gboolean
send_int (GcsWatchSender  *tx,
          gint             v,
          GError         **error)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, v);
  return gcs_watch_sender_send (tx, &value, error);
}

static gint
get_int (const GValue *value)
{
  g_assert_nonnull (value);
  g_assert_true (G_VALUE_HOLDS_INT (value));
  return g_value_get_int (value);
}

/* changed_async, waited for. */
static gboolean
changed_wait (GcsWatchReceiver  *rx,
              GCancellable      *cancellable,
              GError           **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;

  gcs_watch_receiver_changed_async (rx, cancellable, wait_cb, &wait);
  result = wait_for (&wait);
  return gcs_watch_receiver_changed_finish (rx, result, error);
}

static void
test_basic (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) v = G_VALUE_INIT;
  GType tx_type = G_TYPE_INVALID, rx_type = G_TYPE_INVALID;

  new_int_watch (5, &tx, &rx);
  g_object_get (tx, "item-type", &tx_type, NULL);
  g_object_get (rx, "item-type", &rx_type, NULL);
  g_assert_true (tx_type == G_TYPE_INT);
  g_assert_true (rx_type == G_TYPE_INT);
  g_assert_true (gcs_watch_sender_get_item_type (tx) == G_TYPE_INT);
  g_assert_true (gcs_watch_receiver_get_item_type (rx) == G_TYPE_INT);

  /* The initial value counts as seen. */
  g_assert_false (gcs_watch_receiver_has_changed (rx));
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 5);
  g_assert_cmpint (get_int (gcs_watch_sender_get_value (tx)), ==, 5);

  g_assert_true (send_int (tx, 6, &error));
  g_assert_no_error (error);
  g_assert_true (gcs_watch_receiver_has_changed (rx));
  g_assert_true (gcs_watch_receiver_has_changed (rx));   /* not marked seen */
  g_assert_cmpint (get_int (gcs_watch_sender_get_value (tx)), ==, 6);
  g_assert_true (gcs_watch_receiver_has_changed (rx));   /* the sender's read neither */
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 6);
  g_assert_false (gcs_watch_receiver_has_changed (rx));

  /* Exact conversions only; a refused value changes nothing. */
  g_value_init (&v, G_TYPE_DOUBLE);
  g_value_set_double (&v, 7.0);
  g_assert_true (gcs_watch_sender_send (tx, &v, NULL));
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 7);
  g_value_set_double (&v, 7.5);
  g_assert_false (gcs_watch_sender_send (tx, &v, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_clear_error (&error);
  g_value_unset (&v);
  g_value_init (&v, G_TYPE_BOOLEAN);
  g_value_set_boolean (&v, TRUE);
  g_assert_false (gcs_watch_sender_send (tx, &v, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_clear_error (&error);
  g_assert_false (gcs_watch_receiver_has_changed (rx));
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 7);
}

static void
test_strings_and_copy_value (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_auto(GValue) v = G_VALUE_INIT;
  g_auto(GValue) copy = G_VALUE_INIT;
  const GValue *held;

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, "idle");
  gcs_watch_new (&v, &tx, &rx);
  /* The channel holds a copy: changing ours changes nothing. */
  g_value_set_string (&v, "mine");
  held = gcs_watch_receiver_get_value (rx);
  g_assert_cmpstr (g_value_get_string (held), ==, "idle");

  g_value_set_string (&v, "busy");
  g_assert_true (gcs_watch_sender_send (tx, &v, NULL));
  /* What get_value returned stays valid until the next get_value. */
  g_assert_cmpstr (g_value_get_string (held), ==, "idle");
  g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_get_value (rx)), ==, "busy");

  gcs_watch_sender_copy_value (tx, &copy);
  g_assert_true (G_VALUE_HOLDS_STRING (&copy));
  g_assert_cmpstr (g_value_get_string (&copy), ==, "busy");
}

static void
test_send_without_receiver (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  GcsWatchReceiver *rx = NULL;
  g_autoptr(GcsWatchReceiver) late = NULL;
  g_autoptr(GError) error = NULL;

  new_int_watch (0, &tx, &rx);
  g_object_unref (rx);
  /* Stored all the same (tokio#7228): later subscribers see it. */
  g_assert_true (send_int (tx, 10, &error));
  g_assert_no_error (error);
  g_assert_cmpint (get_int (gcs_watch_sender_get_value (tx)), ==, 10);
  late = gcs_watch_sender_subscribe (tx);
  g_assert_false (gcs_watch_receiver_has_changed (late));   /* subscribed: seen */
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (late)), ==, 10);
  g_assert_true (send_int (tx, 11, NULL));
  g_assert_true (gcs_watch_receiver_has_changed (late));
  g_assert_true (changed_wait (late, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (late)), ==, 11);
}

static void
test_close (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  GcsWatchSender *tx2;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;

  new_int_watch (0, &tx, &rx);
  tx2 = gcs_watch_sender_clone (tx);
  gcs_watch_sender_close (tx);
  gcs_watch_sender_close (tx);   /* twice is harmless */
  g_assert_false (send_int (tx, 1, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  /* A clone of a closed handle is closed. */
  {
    g_autoptr(GcsWatchSender) clone = gcs_watch_sender_clone (tx);

    g_assert_false (send_int (clone, 1, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    g_clear_error (&error);
  }

  /* Another handle is open: its sends work and wake the receiver. */
  g_assert_true (send_int (tx2, 2, NULL));
  g_assert_true (changed_wait (rx, NULL, &error));
  g_assert_no_error (error);
  /* changed marked the latest seen. */
  g_assert_false (gcs_watch_receiver_has_changed (rx));
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 2);

  /* The last handle goes with an unseen value: changed completes at once,
   * then the end. */
  g_assert_true (send_int (tx2, 3, NULL));
  g_object_unref (tx2);
  g_assert_true (gcs_watch_receiver_has_changed (rx));
  g_assert_true (changed_wait (rx, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (changed_wait (rx, NULL, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  /* The value stays readable. */
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 3);
  g_assert_cmpint (get_int (gcs_watch_sender_get_value (tx)), ==, 3);

  /* Every handle is closed: a new receiver sees the end at once. */
  {
    g_autoptr(GcsWatchReceiver) late = gcs_watch_sender_subscribe (tx);

    g_assert_false (changed_wait (late, NULL, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    g_clear_error (&error);
  }
}

static void
test_close_wakes_waiting (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GcsWatchReceiver) rx2 = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL }, wait2 = { NULL };

  new_int_watch (0, &tx, &rx);
  rx2 = gcs_watch_receiver_clone (rx);
  gcs_watch_receiver_changed_async (rx, NULL, wait_cb, &wait);
  gcs_watch_receiver_changed_async (rx2, NULL, wait_cb, &wait2);
  iterate_for (10);
  g_assert_null (wait.result);
  g_assert_null (wait2.result);
  g_clear_object (&tx);
  result = wait_for (&wait);
  result2 = wait_for (&wait2);
  g_assert_false (gcs_watch_receiver_changed_finish (rx, result, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (gcs_watch_receiver_changed_finish (rx2, result2, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

typedef struct
{
  GcsWatchSender *tx;
  gint            from, to;
  guint           delay_ms;
} SendRange;

static gpointer
send_range_thread (gpointer data)
{
  SendRange *r = data;

  g_usleep (r->delay_ms * 1000);
  for (gint i = r->from; i <= r->to; i++)
    g_assert_true (send_int (r->tx, i, NULL));
  return NULL;
}

static void
test_changed_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  SendRange r;
  GThread *thread;

  new_int_watch (0, &tx, &rx);

  /* Waits, and a send from another thread wakes it. */
  r = (SendRange) { .tx = tx, .from = 1, .to = 1, .delay_ms = 20 };
  thread = g_thread_new ("sender", send_range_thread, &r);
  g_assert_true (changed_wait (rx, NULL, &error));
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 1);

  /* A slow receiver sees only the latest: 100 sends, one change. */
  r = (SendRange) { .tx = tx, .from = 2, .to = 101 };
  send_range_thread (&r);
  g_assert_true (changed_wait (rx, NULL, &error));
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 101);
  g_assert_false (gcs_watch_receiver_has_changed (rx));

  /* Cancelled while waiting: nothing marked seen. */
  {
    Wait wait = { NULL };
    g_autoptr(GAsyncResult) result = NULL;

    gcs_watch_receiver_changed_async (rx, cancellable, wait_cb, &wait);
    iterate_for (10);
    g_cancellable_cancel (cancellable);
    g_assert_true (send_int (tx, 102, NULL));
    result = wait_for (&wait);
    g_assert_false (gcs_watch_receiver_changed_finish (rx, result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  g_assert_true (gcs_watch_receiver_has_changed (rx));

  /* Already cancelled: at once, even with a change waiting; still unseen. */
  g_assert_false (changed_wait (rx, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (gcs_watch_receiver_has_changed (rx));
  g_assert_true (changed_wait (rx, NULL, &error));
  g_assert_false (gcs_watch_receiver_has_changed (rx));
}

static void
test_receiver_clone (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GcsWatchReceiver) same = NULL;
  g_autoptr(GcsWatchReceiver) seen = NULL;

  new_int_watch (0, &tx, &rx);
  g_assert_true (send_int (tx, 1, NULL));
  /* A clone has seen what its original has seen. */
  same = gcs_watch_receiver_clone (rx);
  g_assert_true (gcs_watch_receiver_has_changed (same));
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (rx)), ==, 1);
  seen = gcs_watch_receiver_clone (rx);
  g_assert_false (gcs_watch_receiver_has_changed (seen));
  /* Each keeps its own version. */
  g_assert_true (gcs_watch_receiver_has_changed (same));
  g_assert_cmpint (get_int (gcs_watch_receiver_get_value (same)), ==, 1);
  g_assert_false (gcs_watch_receiver_has_changed (same));
  g_assert_true (send_int (tx, 2, NULL));
  g_assert_true (gcs_watch_receiver_has_changed (rx));
  g_assert_true (gcs_watch_receiver_has_changed (same));
  g_assert_true (gcs_watch_receiver_has_changed (seen));
}

static void
test_objects_released (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_auto(GValue) v = G_VALUE_INIT;
  guint finalized = 0;
  GObject *a = g_object_new (G_TYPE_OBJECT, NULL);
  GObject *b = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_weak_ref (a, count_weak_notify, &finalized);
  g_object_weak_ref (b, count_weak_notify, &finalized);
  g_value_init (&v, G_TYPE_OBJECT);
  g_value_take_object (&v, a);
  gcs_watch_new (&v, &tx, &rx);
  g_value_unset (&v);
  /* The receiver reads a: it holds it until its next read. */
  g_assert_true (g_value_get_object (gcs_watch_receiver_get_value (rx)) == a);
  g_value_init (&v, G_TYPE_OBJECT);
  g_value_take_object (&v, b);
  g_assert_true (gcs_watch_sender_send (tx, &v, NULL));
  g_value_unset (&v);
  g_assert_cmpuint (finalized, ==, 0);
  g_assert_true (g_value_get_object (gcs_watch_receiver_get_value (rx)) == b);
  g_assert_cmpuint (finalized, ==, 1);
  g_clear_object (&rx);
  g_clear_object (&tx);
  g_assert_cmpuint (finalized, ==, 2);
}

/* Producers on threads, receivers on their own threads and contexts: each
 * value a receiver sees is newer than the last it saw from that producer,
 * and every receiver ends on the very last value. */

#define WATCH_PRODUCERS 4
#define WATCH_SENDS     20000
#define WATCH_RECEIVERS 3

typedef struct
{
  GcsWatchSender *tx;
  gint            producer;
} WatchProducer;

static gpointer
watch_producer_thread (gpointer data)
{
  WatchProducer *p = data;
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  for (gint64 i = 1; i <= WATCH_SENDS; i++)
    {
      g_value_set_int64 (&value, ((gint64) p->producer << 32) | i);
      g_assert_true (gcs_watch_sender_send (p->tx, &value, NULL));
      if (i % 1000 == 0)
        {
          /* Reading through the thread's own handle, and copying. */
          g_auto(GValue) copy = G_VALUE_INIT;

          g_assert_true (G_VALUE_HOLDS_INT64 (gcs_watch_sender_get_value (p->tx)));
          gcs_watch_sender_copy_value (p->tx, &copy);
          g_assert_true (G_VALUE_HOLDS_INT64 (&copy));
        }
    }
  g_clear_object (&p->tx);
  return NULL;
}

typedef struct
{
  GcsWatchReceiver *rx;
  gint64            last[WATCH_PRODUCERS];
  guint             changes;
  gint64            final_value;
} WatchConsumer;

static void
watch_consumer_changed_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      data)
{
  WatchConsumer *c = data;
  g_autoptr(GError) error = NULL;
  gint64 v, producer, seq;

  if (!gcs_watch_receiver_changed_finish (c->rx, result, &error))
    {
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
      c->final_value = get_int64 (gcs_watch_receiver_get_value (c->rx));
      return;
    }
  c->changes++;
  v = get_int64 (gcs_watch_receiver_get_value (c->rx));
  producer = v >> 32;
  seq = v & 0xffffffff;
  g_assert_cmpint (producer, >=, 0);
  g_assert_cmpint (producer, <, WATCH_PRODUCERS);
  if (seq <= c->last[producer])
    g_error ("producer %" G_GINT64_FORMAT ": saw %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT,
             producer, seq, c->last[producer]);
  c->last[producer] = seq;
  gcs_watch_receiver_changed_async (c->rx, NULL, watch_consumer_changed_cb, c);
}

static gpointer
watch_consumer_thread (gpointer data)
{
  WatchConsumer *c = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  c->final_value = -1;
  gcs_watch_receiver_changed_async (c->rx, NULL, watch_consumer_changed_cb, c);
  while (c->final_value < 0)
    g_main_context_iteration (context, TRUE);
  g_clear_object (&c->rx);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  GcsWatchSender *tx = NULL;
  GcsWatchReceiver *rx = NULL;
  g_auto(GValue) initial = G_VALUE_INIT;
  WatchProducer producers[WATCH_PRODUCERS];
  WatchConsumer consumers[WATCH_RECEIVERS] = { 0 };
  GThread *pthreads[WATCH_PRODUCERS], *cthreads[WATCH_RECEIVERS];
  g_autoptr(GcsWatchReceiver) check = NULL;
  gint64 last_value;

  set_int64 (&initial, 0);
  gcs_watch_new (&initial, &tx, &rx);
  check = gcs_watch_receiver_clone (rx);
  for (guint i = 0; i < WATCH_RECEIVERS; i++)
    {
      consumers[i].rx = i == 0 ? g_steal_pointer (&rx) : gcs_watch_sender_subscribe (tx);
      cthreads[i] = g_thread_new ("consumer", watch_consumer_thread, &consumers[i]);
    }
  for (guint i = 0; i < WATCH_PRODUCERS; i++)
    {
      producers[i] = (WatchProducer) { .tx = gcs_watch_sender_clone (tx), .producer = i };
      pthreads[i] = g_thread_new ("producer", watch_producer_thread, &producers[i]);
    }
  g_object_unref (tx);
  for (guint i = 0; i < WATCH_PRODUCERS; i++)
    g_thread_join (pthreads[i]);
  for (guint i = 0; i < WATCH_RECEIVERS; i++)
    g_thread_join (cthreads[i]);

  last_value = get_int64 (gcs_watch_receiver_get_value (check));
  g_assert_cmpint (last_value & 0xffffffff, ==, WATCH_SENDS);
  for (guint i = 0; i < WATCH_RECEIVERS; i++)
    {
      g_assert_cmpint (consumers[i].final_value, ==, last_value);
      g_assert_cmpuint (consumers[i].changes, >=, 1);
      g_assert_cmpuint (consumers[i].changes, <=, WATCH_PRODUCERS * WATCH_SENDS);
      g_test_message ("receiver %u saw %u changes", i, consumers[i].changes);
    }
}

/* GcsWatchStream */

/* next_async, waited for: the item as text, or NULL at the end. */
static char *
next_wait (GcsStream  *stream,
           GError    **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  const GValue *item;

  gcs_stream_next_async (stream, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  item = gcs_stream_next_finish (stream, result, error);
  return item ? format_value (item) : NULL;
}

#define assert_next(stream, expected)                         \
  G_STMT_START {                                              \
    g_autoptr(GError) _error = NULL;                          \
    g_autofree char *_got = next_wait ((stream), &_error);    \
    g_assert_no_error (_error);                               \
    g_assert_cmpstr (_got, ==, (expected));                   \
  } G_STMT_END

static void
test_stream (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  GcsWatchReceiver *prop_rx = NULL;
  SendRange r;
  GThread *thread;

  new_int_watch (1, &tx, &rx);
  stream = gcs_watch_stream_new (rx);
  g_assert_true (GCS_IS_WATCH_STREAM (stream));
  g_assert_true (gcs_watch_stream_get_receiver (GCS_WATCH_STREAM (stream)) == rx);
  g_object_get (stream, "receiver", &prop_rx, NULL);
  g_assert_true (prop_rx == rx);
  g_object_unref (prop_rx);

  /* The current value first, although it counts as seen. */
  assert_next (stream, "1");
  /* Then each change: a waiting next is woken by a send from a thread. */
  r = (SendRange) { .tx = tx, .from = 2, .to = 2, .delay_ms = 20 };
  thread = g_thread_new ("sender", send_range_thread, &r);
  assert_next (stream, "2");
  g_thread_join (thread);
  /* A slow consumer sees only the latest. */
  g_assert_true (send_int (tx, 3, NULL));
  g_assert_true (send_int (tx, 4, NULL));
  assert_next (stream, "4");
  /* An unseen value when the sender goes is delivered, then the end. */
  g_assert_true (send_int (tx, 5, NULL));
  g_clear_object (&tx);
  assert_next (stream, "5");
  assert_next (stream, NULL);
  assert_next (stream, NULL);   /* stays ended */
}

static void
test_stream_collect (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *items = NULL;

  /* The sender is gone before the stream starts: the current value, then
   * the end. */
  new_int_watch (1, &tx, &rx);
  g_assert_true (send_int (tx, 9, NULL));
  g_clear_object (&tx);
  stream = gcs_watch_stream_new (rx);
  items = collect_stream (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (items, ==, "[9]");
}

/* bind_to_property: a watch stream drives a plain GObject int property. */

#define TEST_TYPE_GAUGE (test_gauge_get_type ())
G_DECLARE_FINAL_TYPE (TestGauge, test_gauge, TEST, GAUGE, GObject)

struct _TestGauge
{
  GObject parent_instance;
  gint    level;
  guint   n_sets;
};

G_DEFINE_FINAL_TYPE (TestGauge, test_gauge, G_TYPE_OBJECT)

static void
test_gauge_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  g_value_set_int (value, TEST_GAUGE (object)->level);
}

static void
test_gauge_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TEST_GAUGE (object)->level = g_value_get_int (value);
  TEST_GAUGE (object)->n_sets++;
}

static void
test_gauge_class_init (TestGaugeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_gauge_get_property;
  object_class->set_property = test_gauge_set_property;
  g_object_class_install_property (object_class, 1,
    g_param_spec_int ("level", NULL, NULL, -1, 1000000, -1, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
test_gauge_init (TestGauge *self)
{
  self->level = -1;
}

static void
test_bind_to_property (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  g_autoptr(TestGauge) gauge = g_object_new (TEST_TYPE_GAUGE, NULL);
  SendRange r;
  GThread *thread;
  guint id;

  new_int_watch (0, &tx, &rx);
  stream = gcs_watch_stream_new (rx);
  id = gcs_stream_bind_to_property (stream, G_OBJECT (gauge), "level");
  g_assert_cmpuint (id, >, 0);
  /* Lazy until the loop runs, then the current value. */
  g_assert_cmpint (gauge->level, ==, -1);
  ITERATE_UNTIL (gauge->level == 0);

  /* A worker thread sends 1..5000: the property ends on 5000, set at most
   * once per send (fewer when the loop is slower than the worker). */
  r = (SendRange) { .tx = tx, .from = 1, .to = 5000 };
  thread = g_thread_new ("worker", send_range_thread, &r);
  ITERATE_UNTIL (gauge->level == 5000);
  g_thread_join (thread);
  g_assert_cmpuint (gauge->n_sets, >=, 2);
  g_assert_cmpuint (gauge->n_sets, <=, 5001);
  g_test_message ("5000 sends, %u property sets", gauge->n_sets);

  /* The sender goes: the binding's source ends. */
  g_clear_object (&tx);
  ITERATE_UNTIL (g_main_context_find_source_by_id (f->context, id) == NULL);
  g_assert_cmpint (gauge->level, ==, 5000);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  GcsWatchSender *tx = NULL;
  GcsWatchReceiver *rx = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*IS_VALUE*");
  gcs_watch_new (NULL, &tx, &rx);
  g_test_assert_expected_messages ();
  g_assert_null (tx);
  g_assert_null (rx);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*IS_VALUE*");
  gcs_watch_new (&value, &tx, &rx);   /* uninitialized */
  g_test_assert_expected_messages ();

  g_value_init (&value, G_TYPE_INT);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*tx != NULL*");
  gcs_watch_new (&value, NULL, &rx);
  g_test_assert_expected_messages ();

  gcs_watch_new (&value, &tx, &rx);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*IS_VALUE*");
  g_assert_false (gcs_watch_sender_send (tx, NULL, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_WATCH_SENDER*");
  g_assert_null (gcs_watch_sender_get_value (NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*!gcs_value_is_set (value)*");
  gcs_watch_sender_copy_value (tx, &value);   /* already set */
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_WATCH_RECEIVER*");
  g_assert_false (gcs_watch_receiver_has_changed (NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_WATCH_RECEIVER*");
  g_assert_null (gcs_watch_stream_new (NULL));
  g_test_assert_expected_messages ();

  g_object_unref (tx);
  g_object_unref (rx);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/channel/watch/basic", test_basic);
  ADD ("/channel/watch/strings-and-copy-value", test_strings_and_copy_value);
  ADD ("/channel/watch/send-without-receiver", test_send_without_receiver);
  ADD ("/channel/watch/close", test_close);
  ADD ("/channel/watch/close-wakes-waiting", test_close_wakes_waiting);
  ADD ("/channel/watch/changed-async", test_changed_async);
  ADD ("/channel/watch/receiver-clone", test_receiver_clone);
  ADD ("/channel/watch/objects-released", test_objects_released);
  ADD ("/channel/watch/threads", test_threads);
  ADD ("/channel/watch/stream/values", test_stream);
  ADD ("/channel/watch/stream/collect", test_stream_collect);
  ADD ("/channel/watch/stream/bind-to-property", test_bind_to_property);
  ADD ("/channel/watch/bad-input", test_bad_input);

  return g_test_run ();
}
