/* test-bad-input.c: misuse ends in a clear error, never a crash, hang or leak
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The cases of the reliability issue's "bad input" list that the other test
 * files did not cover, for every channel kind (tests/README.md maps each
 * case to its test):
 * - a wrong item type fails with TYPE and queues nothing, whatever the send
 *   function (try_send, send_blocking, send_async; broadcast, watch,
 *   oneshot);
 * - NULL arguments and sizes of 0 are criticals that return at once;
 * - closing twice (senders, receivers, every kind) does nothing more;
 * - a send after close fails with CLOSED and the caller keeps its value;
 * - send_blocking on the thread that consumes the channel while it is full
 *   fails with FULL ("deadlock") instead of hanging, also when the consumer
 *   is a pipeline or a recv_async rather than an attached source;
 * - a GMainContext released while a pipeline waits on it: the pipeline
 *   keeps the context alive, a producer's sends fail with CLOSED once the
 *   pipeline is cancelled and the context runs again, and everything is
 *   finalized.
 */

#include "channel-test-util.h"

#include <string.h>

static void
set_string (GValue *value, const char *s)
{
  g_value_init (value, G_TYPE_STRING);
  g_value_set_string (value, s);
}

/* === every kind's send and receive behind one signature ===
 *
 * The cases below try each send function of each kind the same way: a
 * send that must fail, with a given error. These wrappers let one helper
 * do that for all of them (a broadcast "fails" when it reaches no
 * receiver). */

typedef gboolean (*SendFunc) (gpointer tx, const GValue *value, GError **error);
typedef const GValue *(*TryRecvFunc) (gpointer rx, GError **error);

static gboolean
mpsc_try_send (gpointer tx, const GValue *value, GError **error)
{
  return gcs_sender_try_send (tx, value, error);
}

static gboolean
mpsc_send_blocking (gpointer tx, const GValue *value, GError **error)
{
  return gcs_sender_send_blocking (tx, value, NULL, error);
}

static void
send_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;

  g_assert_false (gcs_sender_send_finish (GCS_SENDER (source), result, error));
  g_assert_nonnull (*error);
}

/* send_async, run on the thread-default context until it completes; only
 * for sends that fail. */
static gboolean
mpsc_send_async (gpointer tx, const GValue *value, GError **error)
{
  GError *async_error = NULL;

  gcs_sender_send_async (tx, value, NULL, send_done_cb, &async_error);
  ITERATE_UNTIL (async_error != NULL);
  g_propagate_error (error, async_error);
  return FALSE;
}

static gboolean
broadcast_send (gpointer tx, const GValue *value, GError **error)
{
  return gcs_broadcast_sender_send (tx, value, error) > 0;
}

static gboolean
watch_send (gpointer tx, const GValue *value, GError **error)
{
  return gcs_watch_sender_send (tx, value, error);
}

static gboolean
oneshot_send (gpointer tx, const GValue *value, GError **error)
{
  return gcs_oneshot_sender_send (tx, value, error);
}

static const GValue *
mpsc_try_recv (gpointer rx, GError **error)
{
  return gcs_receiver_try_recv (rx, error);
}

static const GValue *
broadcast_try_recv (gpointer rx, GError **error)
{
  return gcs_broadcast_receiver_try_recv (rx, error);
}

static const GValue *
oneshot_try_recv (gpointer rx, GError **error)
{
  return gcs_oneshot_receiver_try_recv (rx, error);
}

/* @send of @value through @tx fails with @code. */
static void
assert_send_fails (SendFunc send, gpointer tx, const GValue *value, gint code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (send (tx, value, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, code);
}

/* @try_recv on @rx gives nothing, with @code. */
static void
assert_recv_fails (TryRecvFunc try_recv, gpointer rx, gint code)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (try_recv (rx, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, code);
}

/* The one int64 item still queued is @expected, and then the end comes. */
static void
assert_last_then_closed (TryRecvFunc try_recv, gpointer rx, gint64 expected)
{
  g_assert_cmpint (get_int64 (try_recv (rx, NULL)), ==, expected);
  assert_recv_fails (try_recv, rx, GCS_CHANNEL_ERROR_CLOSED);
}

/* A second close does nothing more than the first. */
#define CLOSE_TWICE(close, handle) G_STMT_START { close (handle); close (handle); } G_STMT_END

/* === types === */

/* Each send function of a kind, with each wrong value: TYPE. */
static void
assert_all_refused (const SendFunc *sends, guint n_sends, gpointer tx,
                    const GValue *const *wrong, guint n_wrong)
{
  for (guint i = 0; i < n_wrong; i++)
    for (guint j = 0; j < n_sends; j++)
      assert_send_fails (sends[j], tx, wrong[i], GCS_CHANNEL_ERROR_TYPE);
}

static void
test_type_nothing_queued (Fixture *f, gconstpointer data)
{
  static const SendFunc mpsc_sends[] = { mpsc_try_send, mpsc_send_blocking, mpsc_send_async };
  static const SendFunc broadcast_sends[] = { broadcast_send };
  static const SendFunc watch_sends[] = { watch_send };
  static const SendFunc oneshot_sends[] = { oneshot_send };
  g_auto(GValue) text = G_VALUE_INIT;
  g_auto(GValue) big = G_VALUE_INIT;
  g_auto(GValue) fraction = G_VALUE_INIT;
  const GValue *wrong[3];

  set_string (&text, "7");
  g_value_init (&big, G_TYPE_INT64);
  g_value_set_int64 (&big, G_GINT64_CONSTANT (1) << 40);
  g_value_init (&fraction, G_TYPE_DOUBLE);
  g_value_set_double (&fraction, 1.9);
  wrong[0] = &text;
  wrong[1] = &big;
  wrong[2] = &fraction;

  /* mpsc, every send function, bounded and unbounded */
  for (guint bounded = 0; bounded < 2; bounded++)
    {
      g_autoptr(GcsSender) tx = NULL;
      g_autoptr(GcsReceiver) rx = NULL;

      if (bounded)
        gcs_channel_new (G_TYPE_INT, 1, &tx, &rx);
      else
        gcs_channel_new_unbounded (G_TYPE_INT, &tx, &rx);
      assert_all_refused (mpsc_sends, G_N_ELEMENTS (mpsc_sends), tx, wrong, G_N_ELEMENTS (wrong));
      g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 0);
      assert_recv_fails (mpsc_try_recv, rx, GCS_CHANNEL_ERROR_EMPTY);
      /* The caller kept its values. */
      g_assert_cmpstr (g_value_get_string (&text), ==, "7");
    }

  /* broadcast */
  {
    g_autoptr(GcsBroadcastSender) tx = NULL;
    g_autoptr(GcsBroadcastReceiver) rx = NULL;

    gcs_broadcast_new (G_TYPE_INT, 4, &tx, &rx);
    assert_all_refused (broadcast_sends, 1, tx, wrong, G_N_ELEMENTS (wrong));
    g_assert_cmpuint (gcs_broadcast_receiver_get_length (rx), ==, 0);
    assert_recv_fails (broadcast_try_recv, rx, GCS_CHANNEL_ERROR_EMPTY);
  }

  /* watch: nothing stored, no new version */
  {
    g_autoptr(GcsWatchSender) tx = NULL;
    g_autoptr(GcsWatchReceiver) rx = NULL;
    g_auto(GValue) initial = G_VALUE_INIT;

    g_value_init (&initial, G_TYPE_INT);
    g_value_set_int (&initial, 5);
    gcs_watch_new (&initial, &tx, &rx);
    assert_all_refused (watch_sends, 1, tx, wrong, G_N_ELEMENTS (wrong));
    g_assert_false (gcs_watch_receiver_has_changed (rx));
    g_assert_cmpint (g_value_get_int (gcs_watch_receiver_get_value (rx)), ==, 5);
  }

  /* oneshot: nothing sent, and the sender can still send */
  {
    g_autoptr(GcsOneshotSender) tx = NULL;
    g_autoptr(GcsOneshotReceiver) rx = NULL;
    g_auto(GValue) right = G_VALUE_INIT;

    gcs_oneshot_new (G_TYPE_INT, &tx, &rx);
    assert_all_refused (oneshot_sends, 1, tx, wrong, G_N_ELEMENTS (wrong));
    assert_recv_fails (oneshot_try_recv, rx, GCS_CHANNEL_ERROR_EMPTY);
    g_assert_false (gcs_oneshot_sender_is_closed (tx));
    g_value_init (&right, G_TYPE_INT);
    g_value_set_int (&right, 3);
    g_assert_true (gcs_oneshot_sender_send (tx, &right, NULL));
    g_assert_cmpint (g_value_get_int (gcs_oneshot_receiver_try_recv (rx, NULL)), ==, 3);
  }
}

/* === NULL and 0 === */

#define EXPECT_CRITICAL(pattern, stmt)                                     \
  G_STMT_START {                                                           \
    g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, pattern);          \
    stmt;                                                                  \
    g_test_assert_expected_messages ();                                    \
  } G_STMT_END

static void
visit_nothing (const GValue *item, gpointer data, GError **error)
{
}

static GcsStream *
flat_nothing (const GValue *item, gpointer data, GError **error)
{
  return gcs_stream_from_values (NULL, 0);
}

static void
test_null_and_zero (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  GcsBroadcastSender *btx = NULL;
  GcsBroadcastReceiver *brx = NULL;
  GcsWatchSender *wtx = NULL;
  GcsWatchReceiver *wrx = NULL;
  GcsOneshotSender *otx = NULL;
  GcsOneshotReceiver *orx = NULL;
  g_autoptr(GcsStream) s = NULL;
  g_autofree char *items = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT);
  gcs_channel_new (G_TYPE_INT, 2, &tx, &rx);

  /* Constructors: nothing made. */
  EXPECT_CRITICAL ("*capacity*", gcs_broadcast_new (G_TYPE_INT, 0, &btx, &brx));
  g_assert_null (btx);
  g_assert_null (brx);
  EXPECT_CRITICAL ("*", gcs_broadcast_new (G_TYPE_INT, 4, NULL, &brx));
  g_assert_null (brx);
  EXPECT_CRITICAL ("*", gcs_watch_new (NULL, &wtx, &wrx));
  g_assert_null (wtx);
  g_assert_null (wrx);
  EXPECT_CRITICAL ("*", gcs_oneshot_new (G_TYPE_INVALID, &otx, &orx));
  g_assert_null (otx);
  g_assert_null (orx);
  EXPECT_CRITICAL ("*capacity*", gcs_channel_new_full (G_TYPE_INT, 0, GCS_OVERFLOW_DROP_OLDEST, &tx, &rx));

  /* Senders and receivers: NULL self or value. */
  EXPECT_CRITICAL ("*", g_assert_false (gcs_sender_send_blocking (NULL, &value, NULL, NULL)));
  EXPECT_CRITICAL ("*", g_assert_false (gcs_sender_send_blocking (tx, NULL, NULL, NULL)));
  EXPECT_CRITICAL ("*", gcs_sender_send_async (NULL, &value, NULL, NULL, NULL));
  EXPECT_CRITICAL ("*", gcs_sender_close (NULL));
  EXPECT_CRITICAL ("*", gcs_receiver_close (NULL));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_sender_clone (NULL)));
  EXPECT_CRITICAL ("*", gcs_receiver_recv_async (NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("*", g_assert_cmpuint (gcs_broadcast_sender_send (NULL, &value, NULL), ==, 0));
  EXPECT_CRITICAL ("*", g_assert_false (gcs_watch_sender_send (NULL, &value, NULL)));
  EXPECT_CRITICAL ("*", g_assert_false (gcs_oneshot_sender_send (NULL, &value, NULL)));
  EXPECT_CRITICAL ("*", g_assert_false (gcs_oneshot_sender_send_error (NULL, NULL, NULL)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_watch_receiver_get_value (NULL)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_broadcast_receiver_try_recv (NULL, NULL)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_oneshot_receiver_try_recv (NULL, NULL)));

  /* Streams: NULL input or callback, sizes of 0. */
  EXPECT_CRITICAL ("*", g_assert_null (gcs_receiver_stream_new (NULL)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_broadcast_stream_new (NULL)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_watch_stream_new (NULL)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_oneshot_stream_new (NULL)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_stream_map (NULL, NULL, NULL, NULL)));
  s = gcs_stream_from_values (NULL, 0);
  EXPECT_CRITICAL ("*", g_assert_null (gcs_stream_map (s, NULL, NULL, NULL)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_stream_chunks (s, 0)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_stream_buffered (s, 0)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_stream_flat_map_unordered (s, flat_nothing, NULL, NULL, 0)));
  EXPECT_CRITICAL ("*", g_assert_null (gcs_stream_chain (s, NULL)));
  EXPECT_CRITICAL ("*", gcs_stream_for_each_async (NULL, visit_nothing, NULL, NULL, NULL, NULL, NULL));
  EXPECT_CRITICAL ("*", gcs_stream_for_each_async (s, NULL, NULL, NULL, NULL, NULL, NULL));

  /* The stream refused by every call above is still usable. */
  items = collect_stream (s, NULL);
  g_assert_cmpstr (items, ==, "[]");
}

/* === closing twice === */

static void
test_double_close (Fixture *f, gconstpointer data)
{
  g_auto(GValue) one = G_VALUE_INIT;

  set_int64 (&one, 1);

  /* mpsc: a clone closed twice still counts once; the end comes once the
   * other handle closes too, after what is queued. */
  {
    g_autoptr(GcsSender) tx = NULL;
    g_autoptr(GcsReceiver) rx = NULL;
    g_autoptr(GcsSender) clone = NULL;

    gcs_channel_new (G_TYPE_INT64, 4, &tx, &rx);
    clone = gcs_sender_clone (tx);
    CLOSE_TWICE (gcs_sender_close, clone);
    assert_recv_fails (mpsc_try_recv, rx, GCS_CHANNEL_ERROR_EMPTY);   /* tx is open */
    g_assert_true (gcs_sender_try_send (tx, &one, NULL));
    CLOSE_TWICE (gcs_receiver_close, rx);
    CLOSE_TWICE (gcs_sender_close, tx);
    assert_last_then_closed (mpsc_try_recv, rx, 1);
  }

  /* broadcast */
  {
    g_autoptr(GcsBroadcastSender) tx = NULL;
    g_autoptr(GcsBroadcastReceiver) rx = NULL;
    g_autoptr(GcsBroadcastSender) clone = NULL;

    gcs_broadcast_new (G_TYPE_INT64, 4, &tx, &rx);
    clone = gcs_broadcast_sender_clone (tx);
    CLOSE_TWICE (gcs_broadcast_sender_close, clone);
    g_assert_cmpuint (gcs_broadcast_sender_send (tx, &one, NULL), ==, 1);
    CLOSE_TWICE (gcs_broadcast_sender_close, tx);
    assert_last_then_closed (broadcast_try_recv, rx, 1);
  }

  /* watch */
  {
    g_autoptr(GcsWatchSender) tx = NULL;
    g_autoptr(GcsWatchReceiver) rx = NULL;
    g_autoptr(GcsWatchSender) clone = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    Wait wait = { NULL };

    gcs_watch_new (&one, &tx, &rx);
    clone = gcs_watch_sender_clone (tx);
    CLOSE_TWICE (gcs_watch_sender_close, clone);
    g_assert_true (gcs_watch_sender_send (tx, &one, NULL));   /* tx still open */
    CLOSE_TWICE (gcs_watch_sender_close, tx);
    g_assert_true (gcs_watch_receiver_has_changed (rx));
    gcs_watch_receiver_get_value (rx);
    gcs_watch_receiver_changed_async (rx, NULL, wait_cb, &wait);
    result = wait_for (&wait);
    g_assert_false (gcs_watch_receiver_changed_finish (rx, result, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }

  /* oneshot: closing after a send does not take the value back */
  {
    g_autoptr(GcsOneshotSender) tx = NULL;
    g_autoptr(GcsOneshotReceiver) rx = NULL;

    gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
    g_assert_true (gcs_oneshot_sender_send (tx, &one, NULL));
    CLOSE_TWICE (gcs_oneshot_sender_close, tx);
    CLOSE_TWICE (gcs_oneshot_receiver_close, rx);
    g_assert_cmpint (get_int64 (gcs_oneshot_receiver_try_recv (rx, NULL)), ==, 1);
  }
}

/* === send after close === */

/* send_error, as a send: @value is not used. */
static gboolean
oneshot_send_error (gpointer tx, const GValue *value, GError **error)
{
  g_autoptr(GError) failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  return gcs_oneshot_sender_send_error (tx, failure, error);
}

static void
test_send_after_close (Fixture *f, gconstpointer data)
{
  g_auto(GValue) text = G_VALUE_INIT;

  set_string (&text, "kept");

  /* mpsc: own handle closed, then the receiver closed */
  {
    g_autoptr(GcsSender) tx = NULL;
    g_autoptr(GcsReceiver) rx = NULL;
    g_autoptr(GcsSender) clone = NULL;
    g_autoptr(GcsSender) clone_of_closed = NULL;

    gcs_channel_new (G_TYPE_STRING, 2, &tx, &rx);
    clone = gcs_sender_clone (tx);
    gcs_sender_close (clone);
    assert_send_fails (mpsc_try_send, clone, &text, GCS_CHANNEL_ERROR_CLOSED);
    clone_of_closed = gcs_sender_clone (clone);
    assert_send_fails (mpsc_send_blocking, clone_of_closed, &text, GCS_CHANNEL_ERROR_CLOSED);
    gcs_receiver_close (rx);
    g_assert_true (gcs_sender_is_closed (tx));
    assert_send_fails (mpsc_send_blocking, tx, &text, GCS_CHANNEL_ERROR_CLOSED);
    assert_send_fails (mpsc_send_async, tx, &text, GCS_CHANNEL_ERROR_CLOSED);
    g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 0);
    g_assert_cmpstr (g_value_get_string (&text), ==, "kept");
  }

  /* broadcast: own handle closed, then every receiver gone */
  {
    g_autoptr(GcsBroadcastSender) tx = NULL;
    GcsBroadcastReceiver *rx = NULL;
    g_autoptr(GcsBroadcastSender) clone = NULL;

    gcs_broadcast_new (G_TYPE_STRING, 2, &tx, &rx);
    clone = gcs_broadcast_sender_clone (tx);
    gcs_broadcast_sender_close (clone);
    assert_send_fails (broadcast_send, clone, &text, GCS_CHANNEL_ERROR_CLOSED);
    g_object_unref (rx);
    assert_send_fails (broadcast_send, tx, &text, GCS_CHANNEL_ERROR_CLOSED);
  }

  /* watch: own handle closed; the value stays readable */
  {
    g_autoptr(GcsWatchSender) tx = NULL;
    g_autoptr(GcsWatchReceiver) rx = NULL;
    g_auto(GValue) other = G_VALUE_INIT;

    gcs_watch_new (&text, &tx, &rx);
    gcs_watch_sender_close (tx);
    set_string (&other, "later");
    assert_send_fails (watch_send, tx, &other, GCS_CHANNEL_ERROR_CLOSED);
    g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_get_value (rx)), ==, "kept");
    g_assert_cmpstr (g_value_get_string (gcs_watch_sender_get_value (tx)), ==, "kept");
  }

  /* oneshot: own handle closed; receiver closed; receiver gone */
  for (guint how = 0; how < 3; how++)
    {
      g_autoptr(GcsOneshotSender) tx = NULL;
      GcsOneshotReceiver *rx = NULL;

      gcs_oneshot_new (G_TYPE_STRING, &tx, &rx);
      if (how == 0)
        gcs_oneshot_sender_close (tx);
      else if (how == 1)
        gcs_oneshot_receiver_close (rx);
      else
        g_clear_object (&rx);
      assert_send_fails (oneshot_send, tx, &text, GCS_CHANNEL_ERROR_CLOSED);
      assert_send_fails (oneshot_send_error, tx, NULL, GCS_CHANNEL_ERROR_CLOSED);
      g_clear_object (&rx);
    }
  g_assert_cmpstr (g_value_get_string (&text), ==, "kept");
}

/* === send_blocking on the consuming thread while full === */

static void
assert_deadlock_refused (GcsSender *tx)
{
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  set_int64 (&value, 2);
  g_assert_false (gcs_sender_send_blocking (tx, &value, NULL, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "deadlock"));
}

static void
count_cb (const GValue *item, gpointer data, GError **error)
{
  (*(guint *) data)++;
}

static void
recv_one_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  gcs_receiver_recv_finish (GCS_RECEIVER (source), result, &error);
  (*(guint *) data)++;
}

static void
test_send_blocking_consumer_thread (Fixture *f, gconstpointer data)
{
  g_auto(GValue) one = G_VALUE_INIT;

  set_int64 (&one, 1);

  /* The consumer is a pipeline on this thread's context. */
  {
    g_autoptr(GcsSender) tx = NULL;
    GcsReceiver *rx = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    GcsStream *stream, *inner;
    guint n = 0;
    Wait wait = { NULL };
    g_autoptr(GAsyncResult) result = NULL;

    gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
    inner = gcs_receiver_stream_new (rx);
    stream = gcs_stream_take (inner, 5);
    g_object_unref (inner);
    g_object_unref (rx);
    gcs_stream_for_each_async (stream, count_cb, &n, NULL, cancellable, wait_cb, &wait);
    iterate_for (5);   /* it polled the receiver: this thread consumes it */
    g_assert_true (gcs_sender_send_blocking (tx, &one, NULL, NULL));
    assert_deadlock_refused (tx);
    /* Not wedged: the item flows, then the pipeline is cancelled. */
    ITERATE_UNTIL (n == 1);
    g_cancellable_cancel (cancellable);
    result = wait_for (&wait);
    g_assert_false (gcs_stream_for_each_finish (stream, result, NULL));
    g_object_unref (stream);
  }

  /* The consumer is a recv_async started on this thread. */
  {
    g_autoptr(GcsSender) tx = NULL;
    g_autoptr(GcsReceiver) rx = NULL;
    guint n = 0;

    gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
    gcs_receiver_recv_async (rx, NULL, recv_one_cb, &n);
    iterate_for (5);   /* it polled the receiver */
    g_assert_true (gcs_sender_send_blocking (tx, &one, NULL, NULL));
    ITERATE_UNTIL (n == 1);
    g_assert_true (gcs_sender_send_blocking (tx, &one, NULL, NULL));
    assert_deadlock_refused (tx);
    g_assert_cmpint (get_int64 (gcs_receiver_try_recv (rx, NULL)), ==, 1);
  }
}

/* === a GMainContext released while a pipeline waits on it === */

static void
map_double (const GValue *item, GValue *result, gpointer data, GError **error)
{
  g_value_init (result, G_TYPE_INT64);
  g_value_set_int64 (result, 2 * g_value_get_int64 (item));
}

typedef struct
{
  gboolean  done;
  GError   *error;
} Done;

static void
for_each_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Done *done = data;

  gcs_stream_for_each_finish (GCS_STREAM (source), result, &done->error);
  done->done = TRUE;
}

static gpointer
late_sender_thread (gpointer data)
{
  GcsSender *tx = data;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  set_int64 (&value, 3);
  /* Blocks while full: room comes only when the context runs again. */
  while ((ok = gcs_sender_send_blocking (tx, &value, NULL, &error)))
    ;
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_object_unref (tx);
  return NULL;
}

static void
atomic_count_notify (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_inc ((gint *) data);   /* the sender goes on its thread */
}

static void
test_context_released (Fixture *f, gconstpointer data)
{
  GMainContext *context = g_main_context_new ();
  GcsSender *tx = NULL;
  GcsReceiver *rx = NULL;
  GcsStream *stream, *inner;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Done done = { FALSE, NULL };
  guint n_items = 0;
  gint finalized = 0;
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 2, &tx, &rx);
  g_object_weak_ref (G_OBJECT (rx), atomic_count_notify, &finalized);
  g_object_weak_ref (G_OBJECT (tx), atomic_count_notify, &finalized);

  /* A pipeline on a context of its own, waiting for items. */
  g_main_context_push_thread_default (context);
  inner = gcs_receiver_stream_new (rx);
  stream = gcs_stream_map (inner, map_double, NULL, NULL);
  g_object_unref (inner);
  g_object_weak_ref (G_OBJECT (stream), atomic_count_notify, &finalized);
  g_object_unref (rx);
  gcs_stream_for_each_async (stream, count_cb, &n_items, NULL, cancellable, for_each_done_cb, &done);
  g_object_unref (stream);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  /* The context's owner lets it go while the pipeline waits; a producer
   * fills the channel and blocks. Nothing runs, nothing crashes. */
  thread = g_thread_new ("late-sender", late_sender_thread, tx);
  g_main_context_ref (context);   /* the test's own way back in */
  g_main_context_unref (context);
  g_usleep (20000);
  g_assert_false (done.done);
  g_assert_cmpuint (n_items, ==, 0);

  /* Cancelling the pipeline and running the context once more ends it:
   * its items are released, the producer's send fails with CLOSED. */
  g_cancellable_cancel (cancellable);
  g_main_context_push_thread_default (context);
  ITERATE_UNTIL (done.done);
  g_main_context_pop_thread_default (context);
  g_assert_error (done.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&done.error);
  g_thread_join (thread);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_unref (context);
  g_assert_cmpint (g_atomic_int_get (&finalized), ==, 3);   /* the pipeline too */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/bad-input/type/nothing-queued", test_type_nothing_queued);
  ADD ("/bad-input/null-and-zero", test_null_and_zero);
  ADD ("/bad-input/double-close", test_double_close);
  ADD ("/bad-input/send-after-close", test_send_after_close);
  ADD ("/bad-input/send-blocking-on-consumer-thread", test_send_blocking_consumer_thread);
  ADD ("/bad-input/context-released-while-waiting", test_context_released);

  return g_test_run ();
}
