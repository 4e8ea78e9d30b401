/* test-broadcast.c: the broadcast channel and GcsBroadcastStream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "channel-test-util.h"

#include <string.h>

static guint
send_int (GcsBroadcastSender  *tx,
          gint64               v,
          GError             **error)
{
  g_auto(GValue) value = G_VALUE_INIT;

  set_int64 (&value, v);
  return gcs_broadcast_sender_send (tx, &value, error);
}

static gint64
recv_int (GcsBroadcastReceiver *rx)
{
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_broadcast_receiver_try_recv (rx, &error);

  g_assert_no_error (error);
  return get_int64 (value);
}

static void
assert_recv_error (GcsBroadcastReceiver *rx,
                   gint                  code)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (gcs_broadcast_receiver_try_recv (rx, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, code);
}

/* try_recv expecting LAGGED with @missed in the message. */
static void
assert_lagged (GcsBroadcastReceiver *rx,
               guint64               missed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("missed %" G_GUINT64_FORMAT " values", missed);

  g_assert_null (gcs_broadcast_receiver_try_recv (rx, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED);
  g_assert_nonnull (strstr (error->message, expected));
}

/* recv_async, waited for: the item as text, or NULL with @error. */
static char *
recv_async_wait (GcsBroadcastReceiver  *rx,
                 GCancellable          *cancellable,
                 GError               **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  const GValue *value;

  gcs_broadcast_receiver_recv_async (rx, cancellable, wait_cb, &wait);
  result = wait_for (&wait);
  value = gcs_broadcast_receiver_recv_finish (rx, result, error);
  return value ? format_value (value) : NULL;
}

static void
test_basic (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx2 = NULL;
  g_autoptr(GError) error = NULL;
  GType type = G_TYPE_INVALID;
  guint capacity = 0, count = 0, length = 99;
  guint64 lagged = 99;

  gcs_broadcast_new (G_TYPE_INT64, 4, &tx, &rx);
  g_object_get (tx, "item-type", &type, "capacity", &capacity, "receiver-count", &count, NULL);
  g_assert_true (type == G_TYPE_INT64);
  g_assert_cmpuint (capacity, ==, 4);
  g_assert_cmpuint (count, ==, 1);
  g_object_get (rx, "item-type", &type, "capacity", &capacity, "length", &length, "lagged", &lagged, NULL);
  g_assert_true (type == G_TYPE_INT64);
  g_assert_cmpuint (capacity, ==, 4);
  g_assert_cmpuint (length, ==, 0);
  g_assert_cmpuint (lagged, ==, 0);
  g_assert_true (gcs_broadcast_sender_get_item_type (tx) == G_TYPE_INT64);
  g_assert_true (gcs_broadcast_receiver_get_item_type (rx) == G_TYPE_INT64);
  g_assert_cmpuint (gcs_broadcast_sender_get_capacity (tx), ==, 4);
  g_assert_cmpuint (gcs_broadcast_receiver_get_capacity (rx), ==, 4);

  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  g_assert_cmpuint (send_int (tx, 1, &error), ==, 1);
  g_assert_no_error (error);

  /* A subscriber sees only what is sent after it. */
  rx2 = gcs_broadcast_sender_subscribe (tx);
  g_assert_cmpuint (gcs_broadcast_sender_get_receiver_count (tx), ==, 2);
  g_assert_cmpuint (gcs_broadcast_receiver_get_length (rx2), ==, 0);
  g_assert_cmpuint (send_int (tx, 2, NULL), ==, 2);
  g_assert_cmpuint (send_int (tx, 3, NULL), ==, 2);
  g_assert_cmpuint (gcs_broadcast_receiver_get_length (rx), ==, 3);
  g_assert_cmpuint (gcs_broadcast_receiver_get_length (rx2), ==, 2);

  g_assert_cmpint (recv_int (rx), ==, 1);
  g_assert_cmpint (recv_int (rx2), ==, 2);
  g_assert_cmpint (recv_int (rx), ==, 2);
  g_assert_cmpint (recv_int (rx), ==, 3);
  g_assert_cmpint (recv_int (rx2), ==, 3);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  assert_recv_error (rx2, GCS_CHANNEL_ERROR_EMPTY);
  g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (rx), ==, 0);
}

static void
test_no_receiver (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  GcsBroadcastReceiver *rx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) obj = g_object_new (G_TYPE_OBJECT, NULL);
  g_auto(GValue) value = G_VALUE_INIT;

  gcs_broadcast_new (G_TYPE_OBJECT, 4, &tx, &rx);
  g_object_unref (rx);
  g_assert_cmpuint (gcs_broadcast_sender_get_receiver_count (tx), ==, 0);
  g_value_init (&value, G_TYPE_OBJECT);
  g_value_set_object (&value, obj);
  g_assert_cmpuint (gcs_broadcast_sender_send (tx, &value, &error), ==, 0);
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  /* The caller keeps its value; nothing was stored. */
  g_assert_cmpint (obj->ref_count, ==, 2);

  /* A new subscriber: sends work again, and it sees nothing older. */
  rx2 = gcs_broadcast_sender_subscribe (tx);
  g_assert_cmpuint (gcs_broadcast_sender_send (tx, &value, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_true (g_value_get_object (gcs_broadcast_receiver_try_recv (rx2, NULL)) == obj);
  assert_recv_error (rx2, GCS_CHANNEL_ERROR_EMPTY);
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    data)
{
  (*(guint *) data)++;
}

static void
test_lagged (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsBroadcastReceiver) fast = NULL;
  g_autoptr(GError) error = NULL;
  guint64 lagged = 0;
  guint notified = 0;
  g_autofree char *got = NULL;

  gcs_broadcast_new (G_TYPE_INT64, 4, &tx, &rx);
  fast = gcs_broadcast_sender_subscribe (tx);
  g_signal_connect (rx, "notify::lagged", G_CALLBACK (notify_count_cb), &notified);
  for (gint64 i = 0; i < 10; i++)
    {
      g_assert_cmpuint (send_int (tx, i, NULL), ==, 2);
      g_assert_cmpint (recv_int (fast), ==, i);   /* a fast receiver never lags */
    }
  g_assert_cmpuint (gcs_broadcast_receiver_get_length (rx), ==, 4);

  /* More than capacity behind: LAGGED once, with the count, then the
   * oldest value still held. */
  assert_lagged (rx, 6);
  g_object_get (rx, "lagged", &lagged, NULL);
  g_assert_cmpuint (lagged, ==, 6);
  g_assert_cmpuint (notified, ==, 1);
  for (gint64 i = 6; i < 10; i++)
    g_assert_cmpint (recv_int (rx), ==, i);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (fast), ==, 0);

  /* Again, through recv_async: the error, then the values; the total grows. */
  for (gint64 i = 10; i < 17; i++)
    g_assert_cmpuint (send_int (tx, i, NULL), ==, 2);
  g_assert_null (recv_async_wait (rx, NULL, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED);
  g_assert_nonnull (strstr (error->message, "missed 3 values"));
  g_clear_error (&error);
  g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (rx), ==, 9);
  g_assert_cmpuint (notified, ==, 2);
  got = recv_async_wait (rx, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "13");

  /* Exactly capacity behind is not a lag. */
  g_assert_cmpint (recv_int (rx), ==, 14);
  g_assert_cmpint (recv_int (rx), ==, 15);
  g_assert_cmpint (recv_int (rx), ==, 16);
  for (gint64 i = 17; i < 21; i++)
    send_int (tx, i, NULL);
  for (gint64 i = 17; i < 21; i++)
    g_assert_cmpint (recv_int (rx), ==, i);
  g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (rx), ==, 9);
}

static void
test_end (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  GcsBroadcastSender *tx2;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsBroadcastReceiver) lagging = NULL;
  g_autoptr(GError) error = NULL;

  gcs_broadcast_new (G_TYPE_INT64, 2, &tx, &rx);
  lagging = gcs_broadcast_sender_subscribe (tx);
  tx2 = gcs_broadcast_sender_clone (tx);
  g_assert_cmpuint (send_int (tx, 1, NULL), ==, 2);
  g_assert_cmpint (recv_int (rx), ==, 1);
  gcs_broadcast_sender_close (tx);
  gcs_broadcast_sender_close (tx);   /* twice is harmless */
  g_assert_cmpuint (send_int (tx, 2, &error), ==, 0);
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  {
    g_autoptr(GcsBroadcastSender) clone = gcs_broadcast_sender_clone (tx);

    g_assert_cmpuint (send_int (clone, 2, &error), ==, 0);
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    g_clear_error (&error);
  }
  g_assert_cmpuint (send_int (tx2, 3, NULL), ==, 2);
  g_assert_cmpuint (send_int (tx2, 4, NULL), ==, 2);
  g_assert_cmpint (recv_int (rx), ==, 3);
  /* Finalizing the last handle closes it: drain, then the end. */
  g_object_unref (tx2);
  g_assert_cmpint (recv_int (rx), ==, 4);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_CLOSED);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_CLOSED);
  g_assert_null (recv_async_wait (rx, NULL, &error));
  g_assert_no_error (error);

  /* A receiver that lagged gets its lag, then the values held, then the end. */
  assert_lagged (lagging, 1);
  g_assert_cmpint (recv_int (lagging), ==, 3);
  g_assert_cmpint (recv_int (lagging), ==, 4);
  assert_recv_error (lagging, GCS_CHANNEL_ERROR_CLOSED);

  /* Every handle is closed: a new subscriber sees the end at once. */
  {
    g_autoptr(GcsBroadcastReceiver) late = gcs_broadcast_sender_subscribe (tx);

    assert_recv_error (late, GCS_CHANNEL_ERROR_CLOSED);
  }
}

static void
test_close_wakes_waiting (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx2 = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL }, wait2 = { NULL };

  gcs_broadcast_new (G_TYPE_INT64, 2, &tx, &rx);
  rx2 = gcs_broadcast_sender_subscribe (tx);
  gcs_broadcast_receiver_recv_async (rx, NULL, wait_cb, &wait);
  gcs_broadcast_receiver_recv_async (rx2, NULL, wait_cb, &wait2);
  iterate_for (10);
  g_assert_null (wait.result);
  g_clear_object (&tx);
  result = wait_for (&wait);
  result2 = wait_for (&wait2);
  g_assert_null (gcs_broadcast_receiver_recv_finish (rx, result, &error));
  g_assert_no_error (error);
  g_assert_null (gcs_broadcast_receiver_recv_finish (rx2, result2, &error));
  g_assert_no_error (error);
}

static void
test_type_conversion (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) v = G_VALUE_INIT;
  const GValue *got;

  gcs_broadcast_new (G_TYPE_INT, 4, &tx, &rx);
  g_value_init (&v, G_TYPE_DOUBLE);
  g_value_set_double (&v, 2.0);
  g_assert_cmpuint (gcs_broadcast_sender_send (tx, &v, NULL), ==, 1);
  got = gcs_broadcast_receiver_try_recv (rx, NULL);
  g_assert_true (G_VALUE_HOLDS_INT (got));
  g_assert_cmpint (g_value_get_int (got), ==, 2);
  g_value_set_double (&v, 1.9);
  g_assert_cmpuint (gcs_broadcast_sender_send (tx, &v, &error), ==, 0);
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_clear_error (&error);
  g_value_unset (&v);
  g_value_init (&v, G_TYPE_INT64);
  g_value_set_int64 (&v, G_GINT64_CONSTANT (1) << 40);
  g_assert_cmpuint (gcs_broadcast_sender_send (tx, &v, &error), ==, 0);
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_clear_error (&error);
  g_value_unset (&v);
  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, "5");
  g_assert_cmpuint (gcs_broadcast_sender_send (tx, &v, &error), ==, 0);
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  /* Nothing was sent. */
  g_assert_cmpuint (gcs_broadcast_receiver_get_length (rx), ==, 0);
}

static gpointer
delayed_send_thread (gpointer data)
{
  GcsBroadcastSender *tx = data;

  g_usleep (20000);
  g_assert_cmpuint (send_int (tx, 42, NULL), ==, 1);
  return NULL;
}

static void
test_recv_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  GThread *thread;

  gcs_broadcast_new (G_TYPE_INT64, 4, &tx, &rx);
  thread = g_thread_new ("sender", delayed_send_thread, tx);
  got = recv_async_wait (rx, NULL, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "42");

  /* Cancelled while waiting: it took nothing. */
  {
    Wait wait = { NULL };
    g_autoptr(GAsyncResult) result = NULL;

    gcs_broadcast_receiver_recv_async (rx, cancellable, wait_cb, &wait);
    iterate_for (10);
    g_cancellable_cancel (cancellable);
    send_int (tx, 43, NULL);
    result = wait_for (&wait);
    g_assert_null (gcs_broadcast_receiver_recv_finish (rx, result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  g_assert_cmpint (recv_int (rx), ==, 43);

  /* Already cancelled: at once, taking nothing. */
  send_int (tx, 44, NULL);
  g_assert_null (recv_async_wait (rx, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (recv_int (rx), ==, 44);
}

/* Values live as long as some receiver still wants them, never longer
 * than capacity sends. */

static void
send_object (GcsBroadcastSender *tx,
             guint              *finalized)
{
  g_auto(GValue) value = G_VALUE_INIT;
  GObject *obj = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_weak_ref (obj, count_weak_notify, finalized);
  g_value_init (&value, G_TYPE_OBJECT);
  g_value_take_object (&value, obj);
  gcs_broadcast_sender_send (tx, &value, NULL);
}

static void
test_memory (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  GcsBroadcastReceiver *rx2;
  guint finalized = 0;

  /* Nobody reads: only capacity values are alive. */
  gcs_broadcast_new (G_TYPE_OBJECT, 2, &tx, &rx);
  for (guint i = 0; i < 10; i++)
    send_object (tx, &finalized);
  g_assert_cmpuint (finalized, ==, 8);

  /* The last reader releases a value: the one read stays alive only as
   * the receiver's current value, until its next receive. */
  assert_lagged (rx, 8);
  g_assert_nonnull (gcs_broadcast_receiver_try_recv (rx, NULL));
  g_assert_cmpuint (finalized, ==, 8);
  g_assert_nonnull (gcs_broadcast_receiver_try_recv (rx, NULL));
  g_assert_cmpuint (finalized, ==, 9);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  g_assert_cmpuint (finalized, ==, 10);

  /* Two receivers; one reads all; dropping the other releases them. */
  finalized = 0;
  rx2 = gcs_broadcast_sender_subscribe (tx);
  send_object (tx, &finalized);
  send_object (tx, &finalized);
  g_assert_nonnull (gcs_broadcast_receiver_try_recv (rx, NULL));
  g_assert_nonnull (gcs_broadcast_receiver_try_recv (rx, NULL));
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  g_assert_cmpuint (finalized, ==, 0);   /* rx2 still wants both */
  g_object_unref (rx2);
  g_assert_cmpuint (finalized, ==, 2);
}

/* GcsBroadcastStream */

typedef struct
{
  guint   n_signals;
  guint64 total;
} LagCount;

static void
lagged_cb (GcsBroadcastStream *stream,
           guint64             count,
           gpointer            data)
{
  LagCount *lag = data;

  lag->n_signals++;
  lag->total += count;
}

static void
test_stream (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *items = NULL;
  GcsBroadcastReceiver *prop_rx = NULL;
  LagCount lag = { 0 };
  guint64 lagged = 0;
  guint notified = 0;

  gcs_broadcast_new (G_TYPE_INT64, 3, &tx, &rx);
  stream = gcs_broadcast_stream_new (rx);
  g_assert_true (GCS_IS_BROADCAST_STREAM (stream));
  g_assert_true (gcs_broadcast_stream_get_receiver (GCS_BROADCAST_STREAM (stream)) == rx);
  g_object_get (stream, "receiver", &prop_rx, NULL);
  g_assert_true (prop_rx == rx);
  g_object_unref (prop_rx);
  g_signal_connect (stream, "lagged", G_CALLBACK (lagged_cb), &lag);
  g_signal_connect (stream, "notify::lagged", G_CALLBACK (notify_count_cb), &notified);

  /* 8 values into a ring of 3: the stream skips 5, counts them, goes on. */
  for (gint64 i = 0; i < 8; i++)
    g_assert_cmpuint (send_int (tx, i, NULL), ==, 1);
  g_clear_object (&tx);
  items = collect_stream (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (items, ==, "[5, 6, 7]");
  g_assert_cmpuint (lag.n_signals, ==, 1);
  g_assert_cmpuint (lag.total, ==, 5);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (stream, "lagged", &lagged, NULL);
  g_assert_cmpuint (lagged, ==, 5);
  g_assert_cmpuint (gcs_broadcast_stream_get_lagged (GCS_BROADCAST_STREAM (stream)), ==, 5);
  g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (rx), ==, 5);
}

/* The stream never ends because of lag: a worker floods a small ring, the
 * consumer is slow; it ends only when the sender goes, and every value is
 * either delivered, in order, or counted as skipped. */

typedef struct
{
  GcsBroadcastSender *tx;
  gint64              n;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *fl = data;

  for (gint64 i = 0; i < fl->n; i++)
    {
      g_assert_cmpuint (send_int (fl->tx, i, NULL), ==, 1);
      if (i % 500 == 0)
        g_usleep (1000);
    }
  g_clear_object (&fl->tx);
  return NULL;
}

typedef struct
{
  gint64   next;      /* the lowest value not yet accounted for */
  guint64  received;
  LagCount lag;
} Order;

static void
order_lagged_cb (GcsBroadcastStream *stream,
                 guint64             count,
                 gpointer            data)
{
  Order *o = data;

  o->lag.n_signals++;
  o->lag.total += count;
  o->next += count;
}

static void
order_item_cb (const GValue  *item,
               gpointer       data,
               GError       **error)
{
  Order *o = data;
  gint64 v = get_int64 (item);

  if (v != o->next)
    g_error ("expected %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT, o->next, v);
  o->next++;
  o->received++;
  if (o->received % 100 == 0)
    g_usleep (2000);   /* slow */
}

static void
test_stream_never_ends_on_lag (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Flood fl;
  Order o = { 0 };
  Wait wait = { NULL };
  GThread *thread;

  gcs_broadcast_new (G_TYPE_INT64, 8, &tx, &rx);
  stream = gcs_broadcast_stream_new (rx);
  g_signal_connect (stream, "lagged", G_CALLBACK (order_lagged_cb), &o);
  gcs_stream_for_each_async (stream, order_item_cb, &o, NULL, NULL, wait_cb, &wait);
  fl = (Flood) { .tx = g_steal_pointer (&tx), .n = 20000 };
  thread = g_thread_new ("flood", flood_thread, &fl);
  result = wait_for (&wait);
  g_thread_join (thread);
  g_assert_true (gcs_stream_for_each_finish (stream, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (o.next, ==, 20000);
  g_assert_cmpuint (o.received + o.lag.total, ==, 20000);
  g_assert_cmpuint (o.lag.n_signals, >, 0);
  g_assert_cmpuint (gcs_broadcast_stream_get_lagged (GCS_BROADCAST_STREAM (stream)), ==, o.lag.total);
  g_test_message ("received %" G_GUINT64_FORMAT ", skipped %" G_GUINT64_FORMAT " in %u lags",
                  o.received, o.lag.total, o.lag.n_signals);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  GcsBroadcastSender *tx = NULL;
  GcsBroadcastReceiver *rx = NULL;

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*capacity >= 1*");
  gcs_broadcast_new (G_TYPE_INT, 0, &tx, &rx);
  g_test_assert_expected_messages ();
  g_assert_null (tx);
  g_assert_null (rx);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*item_type != G_TYPE_INVALID*");
  gcs_broadcast_new (G_TYPE_INVALID, 1, &tx, &rx);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*rx != NULL*");
  gcs_broadcast_new (G_TYPE_INT, 1, &tx, NULL);
  g_test_assert_expected_messages ();

  gcs_broadcast_new (G_TYPE_INT, 1, &tx, &rx);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*IS_VALUE*");
  g_assert_cmpuint (gcs_broadcast_sender_send (tx, NULL, NULL), ==, 0);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_BROADCAST_SENDER*");
  g_assert_null (gcs_broadcast_sender_subscribe (NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_BROADCAST_RECEIVER*");
  g_assert_null (gcs_broadcast_receiver_try_recv (NULL, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_BROADCAST_RECEIVER*");
  g_assert_null (gcs_broadcast_stream_new (NULL));
  g_test_assert_expected_messages ();
  g_object_unref (tx);
  g_object_unref (rx);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/channel/broadcast/basic", test_basic);
  ADD ("/channel/broadcast/no-receiver", test_no_receiver);
  ADD ("/channel/broadcast/lagged", test_lagged);
  ADD ("/channel/broadcast/end", test_end);
  ADD ("/channel/broadcast/close-wakes-waiting", test_close_wakes_waiting);
  ADD ("/channel/broadcast/type", test_type_conversion);
  ADD ("/channel/broadcast/recv-async", test_recv_async);
  ADD ("/channel/broadcast/memory", test_memory);
  ADD ("/channel/broadcast/stream/lagged", test_stream);
  ADD ("/channel/broadcast/stream/never-ends-on-lag", test_stream_never_ends_on_lag);
  ADD ("/channel/broadcast/bad-input", test_bad_input);

  return g_test_run ();
}
