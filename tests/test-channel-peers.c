/* test-channel-peers.c: what tokio's channels have, translated from tokio's
 * own tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each test names the tokio test (tokio/tests/sync_*.rs, or the doc test
 * of the method in tokio/src/sync/) it translates. Where gchanstream
 * differs on purpose the comment says so: a limit of 0 is a critical, not
 * an empty answer; a watch send stores its value even without receivers.
 */

#include "channel-test-util.h"

/* Helpers */

static void
send_int (GcsSender *tx,
          gint64     v)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  set_int64 (&value, v);
  g_assert_true (gcs_sender_try_send (tx, &value, &error));
  g_assert_no_error (error);
}

static void
send_string (GcsSender  *tx,
             const char *s)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, s);
  g_assert_true (gcs_sender_try_send (tx, &value, &error));
  g_assert_no_error (error);
}

/* One recv_many call, run to completion: the sequence as text, "NULL" at
 * the end. */
static char *
recv_many (GcsReceiver *rx,
           guint        max)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const GValue *items;

  gcs_receiver_recv_many_async (rx, max, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  items = gcs_receiver_recv_many_finish (rx, result, &error);
  g_assert_no_error (error);
  return format_value (items);
}

static guint
sequence_length (const char *text)
{
  guint n = 1;

  if (g_str_equal (text, "[]"))
    return 0;
  for (const char *p = text; *p != '\0'; p++)
    n += *p == ',';
  return n;
}

static gpointer
send_blocking_thread (gpointer data)
{
  g_autoptr(GcsSender) tx = data;
  const gint64 values[] = { 1, 2, 7, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;

      set_int64 (&value, values[i]);
      g_assert_true (gcs_sender_send_blocking (tx, &value, NULL, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

/* mpsc: recv_many */

/* sync_mpsc.rs: async_send_recv_many_with_buffer. A thread sends 1, 2, 7,
 * 0 into a channel of capacity 2; recv_many (3) until all four came, in
 * order, then the end. */
static void
test_recv_many_with_buffer (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  g_autofree char *end = NULL;
  guint received = 0;
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 2, &tx, &rx);
  thread = g_thread_new ("sender", send_blocking_thread, g_steal_pointer (&tx));
  while (received < 4)
    {
      g_autofree char *batch = recv_many (rx, 3);
      guint n = sequence_length (batch);

      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpuint (n, <=, 3);
      received += n;
      /* "[1, 2]" + "[7, 0]" -> "1, 2, 7, 0" */
      if (all->len > 0)
        g_string_append (all, ", ");
      g_string_append_len (all, batch + 1, strlen (batch) - 2);
    }
  g_thread_join (thread);
  g_assert_cmpstr (all->str, ==, "1, 2, 7, 0");
  end = recv_many (rx, 3);
  g_assert_cmpstr (end, ==, "NULL");
}

/* sync_mpsc.rs: send_recv_many_unbounded. A limit of 1 takes one at a
 * time; a limit of 32 takes the 4 queued; after the senders the end.
 * (tokio's limit of 0 answers 0 at once; ours is a critical: see
 * test_recv_many_zero.) */
static void
test_recv_many_unbounded (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  const gint64 first[] = { 7, 13, 100, 1002 };
  const gint64 second[] = { 5, 6, 7, 2 };
  g_autofree char *all = NULL;
  g_autofree char *end = NULL;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  for (guint i = 0; i < 4; i++)
    send_int (tx, first[i]);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *one = recv_many (rx, 1);
      g_autofree char *expected = g_strdup_printf ("[%" G_GINT64_FORMAT "]", first[i]);

      g_assert_cmpstr (one, ==, expected);
    }

  for (guint i = 0; i < 4; i++)
    send_int (tx, second[i]);
  all = recv_many (rx, 32);
  g_assert_cmpstr (all, ==, "[5, 6, 7, 2]");

  g_clear_object (&tx);
  end = recv_many (rx, 4);
  g_assert_cmpstr (end, ==, "NULL");
  g_assert_null (gcs_receiver_try_recv (rx, NULL));
}

static gpointer
send_final_thread (gpointer data)
{
  g_autoptr(GcsSender) tx = data;

  send_string (tx, "final");
  return NULL;
}

/* sync_mpsc.rs: send_recv_many_bounded_capacity (data: bounded) and
 * send_recv_many_unbounded_capacity (data: NULL). 9 strings and "one
 * more": a limit of 9 takes the first 9, the next call the last; a thread
 * sends "final" and drops its sender: one more, then the end. */
static void
test_recv_many_capacity (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autofree char *nine = NULL, *one_more = NULL, *final = NULL, *end = NULL;
  GThread *thread;

  if (data != NULL)
    gcs_channel_new (G_TYPE_STRING, 100, &tx, &rx);
  else
    gcs_channel_new_unbounded (G_TYPE_STRING, &tx, &rx);
  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *s = g_strdup_printf ("%u", i);

      send_string (tx, s);
    }
  send_string (tx, "one more");

  nine = recv_many (rx, 9);
  g_assert_cmpstr (nine, ==, "[\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\"]");
  one_more = recv_many (rx, 9);
  g_assert_cmpstr (one_more, ==, "[\"one more\"]");

  thread = g_thread_new ("final", send_final_thread, g_steal_pointer (&tx));
  final = recv_many (rx, 9);
  g_assert_cmpstr (final, ==, "[\"final\"]");
  g_thread_join (thread);
  end = recv_many (rx, 9);
  g_assert_cmpstr (end, ==, "NULL");
}

/* sync_mpsc.rs: recv_many_with_non_empty_buffer_bounded_rx_closed_and_idle
 * and its unbounded twin: a closed, empty receiver ends at once. */
static void
test_recv_many_closed_idle (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autofree char *end = NULL;

  if (data != NULL)
    gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  else
    gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  gcs_receiver_close (rx);
  end = recv_many (rx, 1);
  g_assert_cmpstr (end, ==, "NULL");
}

/* Not in tokio (its limit 0 returns 0): a limit of 0 is a critical, and
 * nothing starts. */
static void
test_recv_many_zero (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Wait wait = { NULL };

  gcs_channel_new (G_TYPE_INT64, 4, &tx, &rx);
  send_int (tx, 1);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*max >= 1*");
  gcs_receiver_recv_many_async (rx, 0, NULL, wait_cb, &wait);
  g_test_assert_expected_messages ();
  iterate_for (10);
  g_assert_null (wait.result);
  g_assert_cmpint (get_int64 (gcs_receiver_try_recv (rx, NULL)), ==, 1);
}

/* Not in tokio's tests: a waiting recv_many completes with what a sender
 * then sends; a cancelled one has taken nothing. */
static void
test_recv_many_waits (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *two = NULL;
  Wait wait = { NULL };

  gcs_channel_new (G_TYPE_INT64, 8, &tx, &rx);
  gcs_receiver_recv_many_async (rx, 8, cancellable, wait_cb, &wait);
  iterate_for (10);
  g_assert_null (wait.result);
  g_cancellable_cancel (cancellable);
  result = wait_for (&wait);
  g_assert_null (gcs_receiver_recv_many_finish (rx, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  send_int (tx, 3);
  send_int (tx, 4);
  two = recv_many (rx, 8);
  g_assert_cmpstr (two, ==, "[3, 4]");
}

/* mpsc: is_closed */

/* sync_mpsc.rs: test_rx_is_closed_when_calling_close_with_sender,
 * test_rx_is_closed_when_dropping_all_senders,
 * test_rx_is_not_closed_when_there_are_senders,
 * test_rx_is_not_closed_when_there_are_senders_and_buffer_filled,
 * test_rx_is_closed_when_there_are_no_senders_and_there_are_messages,
 * test_rx_is_closed_when_there_are_messages_and_close_is_called, and the
 * test_rx_unbounded_* twins (data: NULL). */
static void
test_receiver_is_closed (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsSender) another = NULL;
  g_autoptr(GcsReceiver) rx = NULL;

#define NEW_CHANNEL()                                           \
  G_STMT_START {                                                \
    g_clear_object (&tx);                                       \
    g_clear_object (&rx);                                       \
    if (data != NULL)                                           \
      gcs_channel_new (G_TYPE_INT64, 10, &tx, &rx);             \
    else                                                        \
      gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);       \
  } G_STMT_END

  /* close with a sender */
  NEW_CHANNEL ();
  g_assert_false (gcs_receiver_is_closed (rx));
  gcs_receiver_close (rx);
  g_assert_true (gcs_receiver_is_closed (rx));

  /* dropping all senders, one of them on another thread */
  NEW_CHANNEL ();
  another = gcs_sender_clone (tx);
  g_thread_join (g_thread_new ("drop", (GThreadFunc) g_object_unref, g_steal_pointer (&another)));
  g_assert_false (gcs_receiver_is_closed (rx));
  g_clear_object (&tx);
  g_assert_true (gcs_receiver_is_closed (rx));

  /* senders, and the buffer full */
  NEW_CHANNEL ();
  for (gint64 i = 0; i < 10; i++)
    send_int (tx, i);
  g_assert_false (gcs_receiver_is_closed (rx));

  /* no senders, messages queued */
  g_clear_object (&tx);
  g_assert_true (gcs_receiver_is_closed (rx));
  g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 10);

  /* messages queued, close called */
  NEW_CHANNEL ();
  for (gint64 i = 0; i < 10; i++)
    send_int (tx, i);
  gcs_receiver_close (rx);
  g_assert_true (gcs_receiver_is_closed (rx));
  g_assert_cmpint (get_int64 (gcs_receiver_try_recv (rx, NULL)), ==, 0);

#undef NEW_CHANNEL
}

/* closed_async, for every sender kind */

static gboolean
closed_finish (GObject      *sender,
               GAsyncResult *result,
               GError      **error)
{
  if (GCS_IS_SENDER (sender))
    return gcs_sender_closed_finish (GCS_SENDER (sender), result, error);
  if (GCS_IS_ONESHOT_SENDER (sender))
    return gcs_oneshot_sender_closed_finish (GCS_ONESHOT_SENDER (sender), result, error);
  if (GCS_IS_WATCH_SENDER (sender))
    return gcs_watch_sender_closed_finish (GCS_WATCH_SENDER (sender), result, error);
  return gcs_broadcast_sender_closed_finish (GCS_BROADCAST_SENDER (sender), result, error);
}

static void
closed_async (gpointer      sender,
              GCancellable *cancellable,
              Wait         *wait)
{
  if (GCS_IS_SENDER (sender))
    gcs_sender_closed_async (sender, cancellable, wait_cb, wait);
  else if (GCS_IS_ONESHOT_SENDER (sender))
    gcs_oneshot_sender_closed_async (sender, cancellable, wait_cb, wait);
  else if (GCS_IS_WATCH_SENDER (sender))
    gcs_watch_sender_closed_async (sender, cancellable, wait_cb, wait);
  else
    gcs_broadcast_sender_closed_async (sender, cancellable, wait_cb, wait);
}

/* The wait completes (TRUE, no error) within the test's deadline. */
static void
assert_closed_completes (gpointer  sender,
                         Wait     *wait)
{
  g_autoptr(GAsyncResult) result = wait_for (wait);
  g_autoptr(GError) error = NULL;

  g_assert_true (closed_finish (sender, result, &error));
  g_assert_no_error (error);
}

static void
assert_pending (Wait *wait)
{
  iterate_for (20);
  g_assert_null (wait->result);
}

/* sync_oneshot.rs: close_rx (second half, poll_closed: pending, the
 * receiver dropped, ready, and a send fails) and explicit_close_poll (the
 * same with rx.close(); the receiver then sees CLOSED). */
static void
test_oneshot_closed (Fixture       *f,
                     gconstpointer  data)
{
  gboolean explicit_close = data != NULL;
  g_autoptr(GcsOneshotSender) tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_auto(GValue) one = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL };

  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  closed_async (tx, NULL, &wait);
  assert_pending (&wait);

  if (explicit_close)
    gcs_oneshot_receiver_close (rx);
  else
    g_clear_object (&rx);
  assert_closed_completes (tx, &wait);
  g_assert_true (gcs_oneshot_sender_is_closed (tx));

  set_int64 (&one, 1);
  g_assert_false (gcs_oneshot_sender_send (tx, &one, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  if (explicit_close)
    {
      g_clear_error (&error);
      g_assert_null (gcs_oneshot_receiver_try_recv (rx, &error));
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    }

  /* A closed_async after that completes at once (tokio:
   * sender_closed_is_cooperative, for watch). */
  closed_async (tx, NULL, &wait);
  assert_closed_completes (tx, &wait);
}

/* sync_oneshot.rs: async_rx_closed. The receiver is dropped on another
 * thread; the sender's closed_async completes on its own context. */
static void
test_oneshot_closed_from_thread (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  GcsOneshotReceiver *rx = NULL;
  Wait wait = { NULL };
  GThread *thread;

  gcs_oneshot_new (G_TYPE_NONE, &tx, &rx);
  closed_async (tx, NULL, &wait);
  thread = g_thread_new ("drop", (GThreadFunc) g_object_unref, rx);
  assert_closed_completes (tx, &wait);
  g_thread_join (thread);
}

/* tokio's mpsc Sender::closed (doc test of tokio/src/sync/mpsc/bounded.rs:
 * two handles wait, dropping the receiver completes both). Here also a
 * receiver that is closed rather than dropped (data != NULL), and a wait
 * started when the receiver is already gone, which completes at once. */
static void
test_mpsc_closed (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsSender) tx2 = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Wait wait = { NULL }, wait2 = { NULL }, late = { NULL };

  gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  tx2 = gcs_sender_clone (tx);
  closed_async (tx, NULL, &wait);
  closed_async (tx2, NULL, &wait2);
  send_int (tx, 1);
  assert_pending (&wait);
  assert_pending (&wait2);

  if (data != NULL)
    gcs_receiver_close (rx);
  else
    g_clear_object (&rx);
  assert_closed_completes (tx, &wait);
  assert_closed_completes (tx2, &wait2);
  g_assert_true (gcs_sender_is_closed (tx));

  closed_async (tx, NULL, &late);
  assert_closed_completes (tx, &late);
}

/* Cancellable (not in tokio: a future is dropped there). A cancelled wait
 * completes with G_IO_ERROR_CANCELLED; another one on the same sender
 * still completes when the receiver goes; one started cancelled
 * completes at once with CANCELLED. */
static void
test_closed_cancelled (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL }, other = { NULL }, again = { NULL };

  gcs_broadcast_new (G_TYPE_INT64, 4, &tx, &rx);
  closed_async (tx, cancellable, &wait);
  closed_async (tx, NULL, &other);
  assert_pending (&wait);
  g_cancellable_cancel (cancellable);
  result = wait_for (&wait);
  g_assert_false (closed_finish (G_OBJECT (tx), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);

  closed_async (tx, cancellable, &again);
  result = wait_for (&again);
  g_assert_false (closed_finish (G_OBJECT (tx), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  assert_pending (&other);
  g_clear_object (&rx);
  assert_closed_completes (tx, &other);
}

/* sync_watch.rs: poll_close. The receiver dropped completes closed. (tokio
 * then fails the send; ours stores it for later subscribers, API.md.)
 * With a clone, the last receiver counts (tokio's closed() waits for
 * every receiver); sender_closed_is_cooperative: with none, at once. */
static void
test_watch_closed (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GcsWatchReceiver) rx2 = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL }, none = { NULL };

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_static_string (&value, "one");
  gcs_watch_new (&value, &tx, &rx);
  rx2 = gcs_watch_receiver_clone (rx);
  closed_async (tx, NULL, &wait);
  assert_pending (&wait);
  g_clear_object (&rx);
  assert_pending (&wait);
  g_clear_object (&rx2);
  assert_closed_completes (tx, &wait);

  g_value_set_static_string (&value, "two");
  g_assert_true (gcs_watch_sender_send (tx, &value, &error));
  g_assert_no_error (error);

  closed_async (tx, NULL, &none);
  assert_closed_completes (tx, &none);
}

/* sync_broadcast.rs: broadcast_sender_closed (two receivers: the first
 * dropped leaves it pending, the second completes it) and
 * broadcast_sender_closed_with_extra_subscribe (a new subscriber makes a
 * new closed_async wait again; dropping it completes that one). tokio's
 * broadcast_sender_new_must_be_closed: a channel without receivers
 * answers at once. */
static void
test_broadcast_closed (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx2 = NULL;
  g_autoptr(GcsBroadcastReceiver) rx4 = NULL;
  Wait task = { NULL }, task2 = { NULL }, task3 = { NULL };

  gcs_broadcast_new (G_TYPE_NONE, 1, &tx, &rx);
  rx2 = gcs_broadcast_sender_subscribe (tx);
  closed_async (tx, NULL, &task);
  assert_pending (&task);
  g_clear_object (&rx);
  assert_pending (&task);
  g_clear_object (&rx2);
  assert_closed_completes (tx, &task);

  closed_async (tx, NULL, &task2);
  assert_closed_completes (tx, &task2);

  rx4 = gcs_broadcast_sender_subscribe (tx);
  closed_async (tx, NULL, &task3);
  assert_pending (&task3);
  g_clear_object (&rx4);
  assert_closed_completes (tx, &task3);
}

/* A worker that stops when its consumer goes: the guide's pattern. The
 * worker thread sends until the main context tells it the receiver is
 * gone, through closed_async on the main context and a GCancellable. */
typedef struct
{
  GcsSender    *tx;
  GCancellable *stop;
  guint         sent;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  while (!g_cancellable_is_cancelled (w->stop))
    {
      g_auto(GValue) value = G_VALUE_INIT;

      set_int64 (&value, w->sent);
      if (!gcs_sender_send_blocking (w->tx, &value, w->stop, NULL))
        break;
      w->sent++;
    }
  return NULL;
}

static void
worker_closed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Worker *w = data;

  if (gcs_sender_closed_finish (GCS_SENDER (source), result, NULL))
    g_cancellable_cancel (w->stop);
}

static void
test_worker_stops (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  GcsReceiver *rx = NULL;
  Worker w = { NULL };
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 4, &tx, &rx);
  w.tx = tx;
  w.stop = g_cancellable_new ();
  gcs_sender_closed_async (tx, NULL, worker_closed_cb, &w);
  thread = g_thread_new ("worker", worker_thread, &w);
  g_assert_nonnull (gcs_receiver_recv_blocking (rx, NULL, NULL));
  g_object_unref (rx);   /* the window closes */
  ITERATE_UNTIL (g_cancellable_is_cancelled (w.stop));
  g_thread_join (thread);
  g_assert_cmpuint (w.sent, >=, 1);
  g_object_unref (w.stop);
}

/* watch: peek_value, send_if_changed, receiver_count, wait_for */

static void
set_string (GValue     *value,
            const char *s)
{
  if (!G_IS_VALUE (value))
    g_value_init (value, G_TYPE_STRING);
  g_value_set_string (value, s);
}

/* sync_watch.rs: borrow_and_update, with peek_value as borrow() and
 * get_value as borrow_and_update(): peeking never marks the value seen. */
static void
test_watch_peek (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  set_string (&value, "one");
  gcs_watch_new (&value, &tx, &rx);
  g_assert_false (gcs_watch_receiver_has_changed (rx));
  g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_peek_value (rx)), ==, "one");

  set_string (&value, "two");
  g_assert_true (gcs_watch_sender_send (tx, &value, NULL));
  g_assert_true (gcs_watch_receiver_has_changed (rx));
  g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_peek_value (rx)), ==, "two");
  g_assert_true (gcs_watch_receiver_has_changed (rx));
  g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_get_value (rx)), ==, "two");
  g_assert_false (gcs_watch_receiver_has_changed (rx));

  set_string (&value, "three");
  g_assert_true (gcs_watch_sender_send (tx, &value, NULL));
  g_assert_true (gcs_watch_receiver_has_changed (rx));
  g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_peek_value (rx)), ==, "three");
  g_assert_true (gcs_watch_receiver_has_changed (rx));

  /* The sender gone: peek still reads the last value. */
  g_clear_object (&tx);
  g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_peek_value (rx)), ==, "three");
}

/* Doc test of watch::Sender::send_if_modified (tokio/src/sync/watch.rs):
 * a counter bumped only when odd. Here: an equal value stores nothing and
 * wakes nobody, a different one stores and notifies. */
static void
test_watch_send_if_changed (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  Wait changed = { NULL };
  g_autoptr(GAsyncResult) result = NULL;

  g_value_init (&value, G_TYPE_UINT);
  g_value_set_uint (&value, 1);
  gcs_watch_new (&value, &tx, &rx);
  g_assert_cmpuint (g_value_get_uint (gcs_watch_receiver_peek_value (rx)), ==, 1);
  g_assert_false (gcs_watch_receiver_has_changed (rx));

  /* 1 is odd: counter + 1 */
  g_value_set_uint (&value, 2);
  g_assert_true (gcs_watch_sender_send_if_changed (tx, &value, &error));
  g_assert_no_error (error);
  g_assert_true (gcs_watch_receiver_has_changed (rx));
  g_assert_cmpuint (g_value_get_uint (gcs_watch_receiver_get_value (rx)), ==, 2);

  /* 2 is even: the same value again changes nothing */
  g_assert_false (gcs_watch_receiver_has_changed (rx));
  gcs_watch_receiver_changed_async (rx, NULL, wait_cb, &changed);
  g_assert_false (gcs_watch_sender_send_if_changed (tx, &value, &error));
  g_assert_no_error (error);
  g_assert_false (gcs_watch_receiver_has_changed (rx));
  assert_pending (&changed);
  g_assert_cmpuint (g_value_get_uint (gcs_watch_receiver_get_value (rx)), ==, 2);

  /* A different value wakes the pending changed_async. */
  g_value_set_uint (&value, 3);
  g_assert_true (gcs_watch_sender_send_if_changed (tx, &value, &error));
  result = wait_for (&changed);
  g_assert_true (gcs_watch_receiver_changed_finish (rx, result, &error));
  g_assert_no_error (error);

  /* Exact conversion as send: 3 as a gint64 equals the stored 3u. */
  {
    g_auto(GValue) as_int64 = G_VALUE_INIT;
    g_auto(GValue) bad = G_VALUE_INIT;

    set_int64 (&as_int64, 3);
    g_assert_false (gcs_watch_sender_send_if_changed (tx, &as_int64, &error));
    g_assert_no_error (error);
    set_string (&bad, "x");
    g_assert_false (gcs_watch_sender_send_if_changed (tx, &bad, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
    g_clear_error (&error);
  }

  gcs_watch_sender_close (tx);
  g_assert_false (gcs_watch_sender_send_if_changed (tx, &value, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

/* Doc test of watch::Sender::receiver_count: 1, a clone makes 2; here also
 * subscribe and drops. */
static void
test_watch_receiver_count (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx1 = NULL;
  g_autoptr(GcsWatchReceiver) rx2 = NULL;
  g_autoptr(GcsWatchReceiver) rx3 = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  guint count = 0;

  set_string (&value, "hello");
  gcs_watch_new (&value, &tx, &rx1);
  g_assert_cmpuint (gcs_watch_sender_get_receiver_count (tx), ==, 1);
  rx2 = gcs_watch_receiver_clone (rx1);
  g_assert_cmpuint (gcs_watch_sender_get_receiver_count (tx), ==, 2);
  rx3 = gcs_watch_sender_subscribe (tx);
  g_object_get (tx, "receiver-count", &count, NULL);
  g_assert_cmpuint (count, ==, 3);
  g_clear_object (&rx1);
  g_clear_object (&rx3);
  g_assert_cmpuint (gcs_watch_sender_get_receiver_count (tx), ==, 1);
  g_clear_object (&rx2);
  g_assert_cmpuint (gcs_watch_sender_get_receiver_count (tx), ==, 0);
}

static gboolean
equals_string (const GValue *item,
               gpointer      user_data,
               GError      **error)
{
  return g_strcmp0 (g_value_get_string (item), user_data) == 0;
}

static gboolean
always (const GValue *item,
        gpointer      user_data,
        GError      **error)
{
  return TRUE;
}

static gboolean
int_equals_1 (const GValue *item,
              gpointer      user_data,
              GError      **error)
{
  if (user_data != NULL)
    (*(guint *) user_data)++;
  return get_int64 (item) == 1;
}

static gboolean
int_is_1 (const GValue *item,
          gpointer      user_data,
          GError      **error)
{
  return get_int64 (item) == 1;
}

static gboolean
fails (const GValue *item,
       gpointer      user_data,
       GError      **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad value");
  return FALSE;
}

static const GValue *
wait_for_value (GcsWatchReceiver  *rx,
                GcsPredicateFunc   predicate,
                gpointer           predicate_data,
                GError           **error)
{
  Wait wait = { NULL };
  GAsyncResult *result;
  const GValue *value;

  gcs_watch_receiver_wait_for_async (rx, predicate, predicate_data, NULL, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  value = gcs_watch_receiver_wait_for_finish (rx, result, error);
  /* The value is the result's: kept alive for the caller until the next
   * call through the receiver's data. */
  g_object_set_data_full (G_OBJECT (rx), "last-result", result, g_object_unref);
  return value;
}

static gboolean
send_goodbye_cb (gpointer data)
{
  g_auto(GValue) value = G_VALUE_INIT;

  set_string (&value, "goodbye");
  g_assert_true (gcs_watch_sender_send (data, &value, NULL));
  return G_SOURCE_REMOVE;
}

/* Doc test of watch::Receiver::wait_for: a value sent later (after a
 * timeout here, not tokio's paused clock) satisfies the predicate; it is
 * then seen. */
static void
test_watch_wait_for_later (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) timeout = g_timeout_source_new (20);
  const GValue *got;

  set_string (&value, "hello");
  gcs_watch_new (&value, &tx, &rx);
  g_source_set_callback (timeout, send_goodbye_cb, tx, NULL);
  g_source_attach (timeout, f->context);

  got = wait_for_value (rx, equals_string, "goodbye", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_value_get_string (got), ==, "goodbye");
  g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_peek_value (rx)), ==, "goodbye");
  g_assert_false (gcs_watch_receiver_has_changed (rx));
}

/* sync_watch.rs: wait_for_errors_on_closed_channel_true_predicate. "B"
 * sent, the sender dropped: the current value satisfies the predicate,
 * so no CLOSED. And the current value counts even when seen already
 * (tokio's wait_for doc: "the case even if the current value is already
 * considered seen"). */
static void
test_watch_wait_for_current (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  const GValue *got;

  set_string (&value, "A");
  gcs_watch_new (&value, &tx, &rx);
  got = wait_for_value (rx, equals_string, "A", &error);   /* seen, still current */
  g_assert_no_error (error);
  g_assert_cmpstr (g_value_get_string (got), ==, "A");

  set_string (&value, "B");
  g_assert_true (gcs_watch_sender_send (tx, &value, NULL));
  g_clear_object (&tx);
  got = wait_for_value (rx, always, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_value_get_string (got), ==, "B");
  g_assert_false (gcs_watch_receiver_has_changed (rx));
}

/* sync_watch.rs: receiver_wait_for_is_cooperative (the sender dropped,
 * the value 0 never satisfies val == 1: CLOSED, each time) and
 * receiver_wait_for_is_cooperative_ok (send 1, wait_for (val == 1) ok,
 * repeatedly). */
static void
test_watch_wait_for_closed (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  set_int64 (&value, 0);
  gcs_watch_new (&value, &tx, &rx);
  for (guint i = 0; i < 3; i++)
    {
      g_value_set_int64 (&value, 1);
      g_assert_true (gcs_watch_sender_send (tx, &value, NULL));
      {
        g_autoptr(GError) error = NULL;
        const GValue *got = wait_for_value (rx, int_equals_1, NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpint (get_int64 (got), ==, 1);
      }
    }

  g_value_set_int64 (&value, 0);
  g_assert_true (gcs_watch_sender_send (tx, &value, NULL));
  g_clear_object (&tx);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (wait_for_value (rx, int_equals_1, NULL, &error));
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    }
}

/* The race tokio's wait_for fixed: a value sent by another thread while
 * the predicate runs, or between its check and the wait, is never
 * missed. A thread sends 0, 0, ..., then 1; the wait must end with 1,
 * whatever the interleaving, and the predicate sees only values it has
 * not refused already, the latest of each burst. */
static gpointer
send_zeros_then_one (gpointer data)
{
  GcsWatchSender *tx = data;

  for (guint i = 0; i < 2000; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      set_int64 (&value, i == 1999 ? 1 : 0);
      g_assert_true (gcs_watch_sender_send (tx, &value, NULL));
      if (i % 100 == 0)
        g_thread_yield ();
    }
  return NULL;
}

static void
test_watch_wait_for_race (Fixture       *f,
                          gconstpointer  data)
{
  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(GcsWatchSender) tx = NULL;
      g_autoptr(GcsWatchReceiver) rx = NULL;
      g_auto(GValue) value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;
      guint calls = 0;
      const GValue *got;
      GThread *thread;

      set_int64 (&value, 0);
      gcs_watch_new (&value, &tx, &rx);
      thread = g_thread_new ("sender", send_zeros_then_one, tx);
      got = wait_for_value (rx, int_equals_1, &calls, &error);
      g_assert_no_error (error);
      g_assert_cmpint (get_int64 (got), ==, 1);
      g_assert_cmpuint (calls, <=, 2000);
      g_thread_join (thread);
    }
}

/* A predicate's error fails the wait with it; a cancelled wait fails with
 * CANCELLED and marks nothing seen; the predicate's data is freed. */
static void
test_watch_wait_for_errors (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  Wait w1 = { NULL }, w2 = { NULL };
  guint freed = 0;
  GObject *token = g_object_new (G_TYPE_OBJECT, NULL);

  set_int64 (&value, 0);
  gcs_watch_new (&value, &tx, &rx);
  g_assert_null (wait_for_value (rx, fails, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_object_weak_ref (token, count_weak_notify, &freed);
  gcs_watch_receiver_wait_for_async (rx, int_equals_1, NULL, NULL, cancellable, wait_cb, &w1);
  gcs_watch_receiver_wait_for_async (rx, int_is_1, token, g_object_unref,
                                     cancellable, wait_cb, &w2);
  assert_pending (&w1);
  g_value_set_int64 (&value, 2);
  g_assert_true (gcs_watch_sender_send (tx, &value, NULL));
  assert_pending (&w2);
  g_assert_cmpuint (freed, ==, 0);
  g_cancellable_cancel (cancellable);
  result = wait_for (&w1);
  g_assert_null (gcs_watch_receiver_wait_for_finish (rx, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  result = wait_for (&w2);
  g_assert_null (gcs_watch_receiver_wait_for_finish (rx, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&result);
  iterate_for (10);
  g_assert_cmpuint (freed, ==, 1);
  g_assert_true (gcs_watch_receiver_has_changed (rx));
}

/* broadcast: resubscribe */

static gint64
try_recv_int (GcsBroadcastReceiver *rx,
              GError              **error)
{
  const GValue *value = gcs_broadcast_receiver_try_recv (rx, error);

  return value ? get_int64 (value) : -1;
}

static void
assert_empty (GcsBroadcastReceiver *rx)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (try_recv_int (rx, &error), ==, -1);
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY);
}

static void
broadcast_int (GcsBroadcastSender *tx,
               gint64              v)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  set_int64 (&value, v);
  g_assert_cmpuint (gcs_broadcast_sender_send (tx, &value, &error), >, 0);
  g_assert_no_error (error);
}

/* sync_broadcast.rs: resubscribe_points_to_tail */
static void
test_resubscribe_points_to_tail (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx_resub = NULL;

  gcs_broadcast_new (G_TYPE_INT64, 3, &tx, &rx);
  broadcast_int (tx, 1);
  rx_resub = gcs_broadcast_receiver_resubscribe (rx);

  assert_empty (rx_resub);
  g_assert_cmpint (try_recv_int (rx, NULL), ==, 1);

  broadcast_int (tx, 2);
  g_assert_cmpint (try_recv_int (rx_resub, NULL), ==, 2);
  broadcast_int (tx, 3);
  g_assert_cmpint (try_recv_int (rx, NULL), ==, 2);
  g_assert_cmpint (try_recv_int (rx, NULL), ==, 3);
  assert_empty (rx);

  g_assert_cmpint (try_recv_int (rx_resub, NULL), ==, 3);
  assert_empty (rx_resub);
}

/* sync_broadcast.rs: resubscribe_lagged */
static void
test_resubscribe_lagged (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx_resub = NULL;
  g_autoptr(GError) error = NULL;

  gcs_broadcast_new (G_TYPE_INT64, 1, &tx, &rx);
  broadcast_int (tx, 1);
  broadcast_int (tx, 2);

  rx_resub = gcs_broadcast_receiver_resubscribe (rx);
  g_assert_cmpint (try_recv_int (rx, &error), ==, -1);
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_LAGGED);
  g_assert_cmpuint (gcs_broadcast_receiver_get_lagged (rx), ==, 1);
  assert_empty (rx_resub);

  g_assert_cmpint (try_recv_int (rx, NULL), ==, 2);
  assert_empty (rx);
  assert_empty (rx_resub);
}

/* sync_broadcast.rs: resubscribe_to_closed_channel */
static void
test_resubscribe_to_closed_channel (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx_resub = NULL;
  g_autoptr(GError) error = NULL;

  gcs_broadcast_new (G_TYPE_UINT, 2, &tx, &rx);
  g_clear_object (&tx);
  rx_resub = gcs_broadcast_receiver_resubscribe (rx);
  g_assert_null (gcs_broadcast_receiver_try_recv (rx_resub, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

/* Watch and broadcast senders are sinks: forward_async feeds them, then
 * closes them (tokio-util's PollSender has no watch/broadcast twin; this is
 * API.md's). */
static void
test_senders_are_sinks (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GcsWatchSender) wtx = NULL;
  g_autoptr(GcsWatchReceiver) wrx = NULL;
  g_autoptr(GcsBroadcastSender) btx = NULL;
  g_autoptr(GcsBroadcastReceiver) brx = NULL;
  GValue values[3] = { G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT };
  g_auto(GValue) initial = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *collected = NULL;
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  GcsStream *stream;

  for (guint i = 0; i < 3; i++)
    set_int64 (&values[i], i + 1);
  set_int64 (&initial, 0);
  gcs_watch_new (&initial, &wtx, &wrx);
  g_assert_true (GCS_IS_SINK (wtx));
  stream = gcs_stream_from_values (values, 3);
  gcs_stream_forward_async (stream, GCS_SINK (wtx), NULL, wait_cb, &wait);
  result = wait_for (&wait);
  g_assert_true (gcs_stream_forward_finish (stream, result, &error));
  g_assert_no_error (error);
  g_object_unref (stream);
  g_clear_object (&result);
  g_assert_cmpint (get_int64 (gcs_watch_receiver_get_value (wrx)), ==, 3);
  /* forward closed the sender: the receiver sees the end */
  stream = gcs_watch_stream_new (wrx);
  collected = collect_stream (stream, &error);
  g_object_unref (stream);
  g_assert_no_error (error);
  g_assert_cmpstr (collected, ==, "[3]");
  g_clear_pointer (&collected, g_free);

  gcs_broadcast_new (G_TYPE_INT64, 8, &btx, &brx);
  g_assert_true (GCS_IS_SINK (btx));
  stream = gcs_stream_from_values (values, 3);
  gcs_stream_forward_async (stream, GCS_SINK (btx), NULL, wait_cb, &wait);
  result = wait_for (&wait);
  g_assert_true (gcs_stream_forward_finish (stream, result, &error));
  g_assert_no_error (error);
  g_object_unref (stream);
  g_clear_object (&result);
  stream = gcs_broadcast_stream_new (brx);
  collected = collect_stream (stream, &error);
  g_object_unref (stream);
  g_assert_no_error (error);
  g_assert_cmpstr (collected, ==, "[1, 2, 3]");

  /* A broadcast sink without receivers fails like its send: CLOSED. */
  g_clear_object (&brx);
  g_clear_object (&btx);
  gcs_broadcast_new (G_TYPE_INT64, 8, &btx, &brx);
  g_clear_object (&brx);
  gcs_sink_send_async (GCS_SINK (btx), &values[0], NULL, wait_cb, &wait);
  result = wait_for (&wait);
  g_assert_false (gcs_sink_send_finish (GCS_SINK (btx), result, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);

  for (guint i = 0; i < 3; i++)
    g_value_unset (&values[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/peers/mpsc/recv-many/with-buffer", test_recv_many_with_buffer);
  ADD ("/peers/mpsc/recv-many/unbounded", test_recv_many_unbounded);
  g_test_add ("/peers/mpsc/recv-many/bounded-capacity", Fixture, "bounded",
              fixture_setup, test_recv_many_capacity, fixture_teardown);
  g_test_add ("/peers/mpsc/recv-many/unbounded-capacity", Fixture, NULL,
              fixture_setup, test_recv_many_capacity, fixture_teardown);
  g_test_add ("/peers/mpsc/recv-many/closed-idle/bounded", Fixture, "bounded",
              fixture_setup, test_recv_many_closed_idle, fixture_teardown);
  g_test_add ("/peers/mpsc/recv-many/closed-idle/unbounded", Fixture, NULL,
              fixture_setup, test_recv_many_closed_idle, fixture_teardown);
  ADD ("/peers/mpsc/recv-many/zero", test_recv_many_zero);
  ADD ("/peers/mpsc/recv-many/waits", test_recv_many_waits);
  g_test_add ("/peers/mpsc/is-closed/bounded", Fixture, "bounded",
              fixture_setup, test_receiver_is_closed, fixture_teardown);
  g_test_add ("/peers/mpsc/is-closed/unbounded", Fixture, NULL,
              fixture_setup, test_receiver_is_closed, fixture_teardown);
  ADD ("/peers/mpsc/closed/dropped", test_mpsc_closed);
  g_test_add ("/peers/mpsc/closed/receiver-closed", Fixture, "close",
              fixture_setup, test_mpsc_closed, fixture_teardown);
  ADD ("/peers/mpsc/closed/worker-stops", test_worker_stops);
  ADD ("/peers/oneshot/closed/dropped", test_oneshot_closed);
  g_test_add ("/peers/oneshot/closed/explicit-close", Fixture, "close",
              fixture_setup, test_oneshot_closed, fixture_teardown);
  ADD ("/peers/oneshot/closed/from-thread", test_oneshot_closed_from_thread);
  ADD ("/peers/watch/closed", test_watch_closed);
  ADD ("/peers/broadcast/closed", test_broadcast_closed);
  ADD ("/peers/closed/cancelled", test_closed_cancelled);
  ADD ("/peers/watch/peek", test_watch_peek);
  ADD ("/peers/watch/send-if-changed", test_watch_send_if_changed);
  ADD ("/peers/watch/receiver-count", test_watch_receiver_count);
  ADD ("/peers/watch/wait-for/later", test_watch_wait_for_later);
  ADD ("/peers/watch/wait-for/current", test_watch_wait_for_current);
  ADD ("/peers/watch/wait-for/closed", test_watch_wait_for_closed);
  ADD ("/peers/watch/wait-for/race", test_watch_wait_for_race);
  ADD ("/peers/watch/wait-for/errors", test_watch_wait_for_errors);
  ADD ("/peers/broadcast/resubscribe/points-to-tail", test_resubscribe_points_to_tail);
  ADD ("/peers/broadcast/resubscribe/lagged", test_resubscribe_lagged);
  ADD ("/peers/broadcast/resubscribe/closed-channel", test_resubscribe_to_closed_channel);
  ADD ("/peers/sinks", test_senders_are_sinks);

  return g_test_run ();
}
