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

/* === types === */

static void
send_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;

  g_assert_false (gcs_sender_send_finish (GCS_SENDER (source), result, error));
  g_assert_nonnull (*error);
}

static void
test_type_nothing_queued (Fixture *f, gconstpointer data)
{
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
      g_autoptr(GError) empty = NULL;

      if (bounded)
        gcs_channel_new (G_TYPE_INT, 1, &tx, &rx);
      else
        gcs_channel_new_unbounded (G_TYPE_INT, &tx, &rx);
      for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
        {
          g_autoptr(GError) e1 = NULL;
          g_autoptr(GError) e2 = NULL;
          GError *e3 = NULL;

          g_assert_false (gcs_sender_try_send (tx, wrong[i], &e1));
          g_assert_error (e1, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
          g_assert_false (gcs_sender_send_blocking (tx, wrong[i], NULL, &e2));
          g_assert_error (e2, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
          gcs_sender_send_async (tx, wrong[i], NULL, send_done_cb, &e3);
          ITERATE_UNTIL (e3 != NULL);
          g_assert_error (e3, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
          g_clear_error (&e3);
        }
      g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 0);
      g_assert_null (gcs_receiver_try_recv (rx, &empty));
      g_assert_error (empty, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY);
      /* The caller kept its values. */
      g_assert_cmpstr (g_value_get_string (&text), ==, "7");
    }

  /* broadcast */
  {
    g_autoptr(GcsBroadcastSender) tx = NULL;
    g_autoptr(GcsBroadcastReceiver) rx = NULL;
    g_autoptr(GError) empty = NULL;

    gcs_broadcast_new (G_TYPE_INT, 4, &tx, &rx);
    for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
      {
        g_autoptr(GError) error = NULL;

        g_assert_cmpuint (gcs_broadcast_sender_send (tx, wrong[i], &error), ==, 0);
        g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
      }
    g_assert_cmpuint (gcs_broadcast_receiver_get_length (rx), ==, 0);
    g_assert_null (gcs_broadcast_receiver_try_recv (rx, &empty));
    g_assert_error (empty, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY);
  }

  /* watch: nothing stored, no new version */
  {
    g_autoptr(GcsWatchSender) tx = NULL;
    g_autoptr(GcsWatchReceiver) rx = NULL;
    g_auto(GValue) initial = G_VALUE_INIT;

    g_value_init (&initial, G_TYPE_INT);
    g_value_set_int (&initial, 5);
    gcs_watch_new (&initial, &tx, &rx);
    for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
      {
        g_autoptr(GError) error = NULL;

        g_assert_false (gcs_watch_sender_send (tx, wrong[i], &error));
        g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
      }
    g_assert_false (gcs_watch_receiver_has_changed (rx));
    g_assert_cmpint (g_value_get_int (gcs_watch_receiver_get_value (rx)), ==, 5);
  }

  /* oneshot: nothing sent, and the sender can still send */
  {
    g_autoptr(GcsOneshotSender) tx = NULL;
    g_autoptr(GcsOneshotReceiver) rx = NULL;
    g_autoptr(GError) empty = NULL;
    g_auto(GValue) right = G_VALUE_INIT;

    gcs_oneshot_new (G_TYPE_INT, &tx, &rx);
    for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
      {
        g_autoptr(GError) error = NULL;

        g_assert_false (gcs_oneshot_sender_send (tx, wrong[i], &error));
        g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
      }
    g_assert_null (gcs_oneshot_receiver_try_recv (rx, &empty));
    g_assert_error (empty, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY);
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
    g_autoptr(GError) error = NULL;

    gcs_channel_new (G_TYPE_INT64, 4, &tx, &rx);
    clone = gcs_sender_clone (tx);
    gcs_sender_close (clone);
    gcs_sender_close (clone);
    g_assert_null (gcs_receiver_try_recv (rx, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY);   /* tx is open */
    g_clear_error (&error);
    g_assert_true (gcs_sender_try_send (tx, &one, NULL));
    gcs_receiver_close (rx);
    gcs_receiver_close (rx);
    gcs_sender_close (tx);
    gcs_sender_close (tx);
    g_assert_cmpint (get_int64 (gcs_receiver_try_recv (rx, NULL)), ==, 1);
    g_assert_null (gcs_receiver_try_recv (rx, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }

  /* broadcast */
  {
    g_autoptr(GcsBroadcastSender) tx = NULL;
    g_autoptr(GcsBroadcastReceiver) rx = NULL;
    g_autoptr(GcsBroadcastSender) clone = NULL;
    g_autoptr(GError) error = NULL;

    gcs_broadcast_new (G_TYPE_INT64, 4, &tx, &rx);
    clone = gcs_broadcast_sender_clone (tx);
    gcs_broadcast_sender_close (clone);
    gcs_broadcast_sender_close (clone);
    g_assert_cmpuint (gcs_broadcast_sender_send (tx, &one, NULL), ==, 1);
    gcs_broadcast_sender_close (tx);
    gcs_broadcast_sender_close (tx);
    g_assert_cmpint (get_int64 (gcs_broadcast_receiver_try_recv (rx, NULL)), ==, 1);
    g_assert_null (gcs_broadcast_receiver_try_recv (rx, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
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
    gcs_watch_sender_close (clone);
    gcs_watch_sender_close (clone);
    g_assert_true (gcs_watch_sender_send (tx, &one, NULL));   /* tx still open */
    gcs_watch_sender_close (tx);
    gcs_watch_sender_close (tx);
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
    gcs_oneshot_sender_close (tx);
    gcs_oneshot_sender_close (tx);
    gcs_oneshot_receiver_close (rx);
    gcs_oneshot_receiver_close (rx);
    g_assert_cmpint (get_int64 (gcs_oneshot_receiver_try_recv (rx, NULL)), ==, 1);
  }
}

/* === send after close === */

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
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autoptr(GError) e3 = NULL;
    GError *e4 = NULL;

    gcs_channel_new (G_TYPE_STRING, 2, &tx, &rx);
    clone = gcs_sender_clone (tx);
    gcs_sender_close (clone);
    g_assert_false (gcs_sender_try_send (clone, &text, &e1));
    g_assert_error (e1, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    clone_of_closed = gcs_sender_clone (clone);
    g_assert_false (gcs_sender_send_blocking (clone_of_closed, &text, NULL, &e2));
    g_assert_error (e2, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    gcs_receiver_close (rx);
    g_assert_true (gcs_sender_is_closed (tx));
    g_assert_false (gcs_sender_send_blocking (tx, &text, NULL, &e3));
    g_assert_error (e3, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    gcs_sender_send_async (tx, &text, NULL, send_done_cb, &e4);
    ITERATE_UNTIL (e4 != NULL);
    g_assert_error (e4, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    g_clear_error (&e4);
    g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 0);
    g_assert_cmpstr (g_value_get_string (&text), ==, "kept");
  }

  /* broadcast: own handle closed, then every receiver gone */
  {
    g_autoptr(GcsBroadcastSender) tx = NULL;
    GcsBroadcastReceiver *rx = NULL;
    g_autoptr(GcsBroadcastSender) clone = NULL;
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;

    gcs_broadcast_new (G_TYPE_STRING, 2, &tx, &rx);
    clone = gcs_broadcast_sender_clone (tx);
    gcs_broadcast_sender_close (clone);
    g_assert_cmpuint (gcs_broadcast_sender_send (clone, &text, &e1), ==, 0);
    g_assert_error (e1, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    g_object_unref (rx);
    g_assert_cmpuint (gcs_broadcast_sender_send (tx, &text, &e2), ==, 0);
    g_assert_error (e2, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }

  /* watch: own handle closed; the value stays readable */
  {
    g_autoptr(GcsWatchSender) tx = NULL;
    g_autoptr(GcsWatchReceiver) rx = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GValue) other = G_VALUE_INIT;

    gcs_watch_new (&text, &tx, &rx);
    gcs_watch_sender_close (tx);
    set_string (&other, "later");
    g_assert_false (gcs_watch_sender_send (tx, &other, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    g_assert_cmpstr (g_value_get_string (gcs_watch_receiver_get_value (rx)), ==, "kept");
    g_assert_cmpstr (g_value_get_string (gcs_watch_sender_get_value (tx)), ==, "kept");
  }

  /* oneshot: own handle closed; receiver closed; receiver gone */
  for (guint how = 0; how < 3; how++)
    {
      g_autoptr(GcsOneshotSender) tx = NULL;
      GcsOneshotReceiver *rx = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

      gcs_oneshot_new (G_TYPE_STRING, &tx, &rx);
      if (how == 0)
        gcs_oneshot_sender_close (tx);
      else if (how == 1)
        gcs_oneshot_receiver_close (rx);
      else
        g_clear_object (&rx);
      g_assert_false (gcs_oneshot_sender_send (tx, &text, &error));
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
      g_clear_error (&error);
      g_assert_false (gcs_oneshot_sender_send_error (tx, failure, &error));
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
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
