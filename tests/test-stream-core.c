/* test-stream-core.c: the stream interface, its wrappers, laziness, one consumer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What every stream shares (gcs-stream.c) and the wrappers that make
 * streams (gcs-stream-values.c, gcs-receiver-stream.c): nothing runs
 * before a terminal operation and an unconsumed pipeline is released, a
 * stream consumed twice is a critical (destroy notifies still run), a
 * type without poll_next is refused, bad arguments are criticals,
 * from_values copies, a ReceiverStream fed by threads, take over an
 * endless producer.
 */

#include "stream-test-util.h"

/* === laziness, one consumer, bad input === */

static void
test_laziness (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 1 }, q = { 0 };
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;

  gcs_channel_new (G_TYPE_INT64, 8, &tx, &rx);
  send_int (tx, 1);
  send_int (tx, 2);
  {
    g_autoptr(GcsStream) in = gcs_receiver_stream_new (rx);
    g_autoptr(GcsStream) mapped = gcs_stream_map (in, map_affine, &p, probe_destroy);
    g_autoptr(GcsStream) filtered = gcs_stream_filter (mapped, pred_odd, &q, probe_destroy);
    g_autoptr(GcsStream) buffered = gcs_stream_buffered (filtered, 4);
    g_autoptr(GcsStream) flat = gcs_stream_flat_map (buffered, flat_pair, &q, NULL);
    g_autoptr(GcsStream) taken = gcs_stream_take (flat, 1);

    for (guint i = 0; i < 10; i++)
      g_main_context_iteration (g_main_context_get_thread_default (), FALSE);
    drain ();
    g_assert_cmpuint (p.calls, ==, 0);
    g_assert_cmpuint (q.calls, ==, 0);
    /* Nothing was taken from the channel */
    g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 2);
  }
  /* Never consumed, released all the same */
  g_assert_cmpuint (p.calls, ==, 0);
  g_assert_cmpuint (p.destroyed, ==, 1);
  g_assert_cmpuint (q.destroyed, ==, 1);
  g_assert_true (gcs_sender_is_closed (tx));
}

static void
test_consumed_twice_combinator (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 1 };
  g_autoptr(GcsStream) in = INTS (1, 2);
  g_autoptr(GcsStream) first = gcs_stream_map (in, map_affine, &p, NULL);
  g_autoptr(GcsStream) second = NULL;
  g_autoptr(GcsStream) third = NULL;
  g_autoptr(GcsStream) fourth = NULL;
  g_autoptr(GcsStream) five = INTS (5);
  g_autofree char *got = NULL;

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*already consumed*");
  second = gcs_stream_take (in, 1);
  g_test_assert_expected_messages ();
  g_assert_null (second);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*already consumed*");
  third = gcs_stream_chain (five, in);
  g_test_assert_expected_messages ();
  g_assert_null (third);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*already consumed*");
  fourth = gcs_stream_map (in, map_affine, &p, NULL);
  g_test_assert_expected_messages ();
  g_assert_null (fourth);

  /* The first consumer is unaffected */
  got = collect_ok (first);
  g_assert_cmpstr (got, ==, "[1, 2]");
}

static void
test_consumed_twice_terminal (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsStream) in = INTS (1, 2);
  g_autoptr(GcsStream) taken = gcs_stream_take (in, 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GError) error3 = NULL;
  g_autofree char *got = NULL, *again = NULL, *next = NULL, *first = NULL;

  /* A terminal operation on a stream a combinator took */
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*already consumed*");
  got = collect_str (in, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_null (got);
  g_assert_nonnull (error);

  first = collect_ok (taken);
  g_assert_cmpstr (first, ==, "[1, 2]");

  /* A second terminal operation */
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*already consumed*");
  again = collect_str (taken, NULL, &error2);
  g_test_assert_expected_messages ();
  g_assert_null (again);
  g_assert_nonnull (error2);

  /* next on a consumed stream */
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*already consumed*");
  next = next_str (taken, NULL, &error3);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (next, ==, "NULL");
  g_assert_nonnull (error3);
}

/* A type that implements GcsStream with release() only, as a Vala class
 * can (poll_next is hidden from bindings): consuming it is refused with a
 * critical, never a call through a NULL pointer. */
typedef struct { GObject parent_instance; } NoPollStream;
typedef GObjectClass NoPollStreamClass;
static GType no_poll_stream_get_type (void);
static void no_poll_stream_iface_init (GcsStreamInterface *iface) { }
G_DEFINE_TYPE_WITH_CODE (NoPollStream, no_poll_stream, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, no_poll_stream_iface_init))
static void no_poll_stream_class_init (NoPollStreamClass *klass) { }
static void no_poll_stream_init (NoPollStream *self) { }

static void
test_consumed_without_poll_next (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 1 };
  g_autoptr(GcsStream) in = g_object_new (no_poll_stream_get_type (), NULL);
  g_autoptr(GcsStream) mapped = NULL;
  g_autoptr(GError) error = NULL, error2 = NULL;
  g_autofree char *got = NULL, *next = NULL;

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*without poll_next*");
  mapped = gcs_stream_map (in, map_affine, &p, probe_destroy);
  g_test_assert_expected_messages ();
  g_assert_null (mapped);
  g_assert_cmpuint (p.destroyed, ==, 1);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*without poll_next*");
  got = collect_str (in, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_null (got);
  g_assert_nonnull (error);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*without poll_next*");
  next = next_str (in, NULL, &error2);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (next, ==, "NULL");
  g_assert_nonnull (error2);
}

/* A call refused because the stream has a consumer still frees the data
 * it was given: destroy notifies run exactly once, whatever happens. */
static void
test_consumed_twice_destroy_notify (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 1 };
  Visit v = { g_string_new ("["), 0, 0, FALSE, 0, 0 };
  Wait wait = { NULL };
  g_autoptr(GcsStream) in = INTS (1, 2);
  g_autoptr(GcsStream) first = gcs_stream_take (in, 5);
  g_autoptr(GcsStream) second = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*already consumed*");
  second = gcs_stream_map (in, map_affine, &p, probe_destroy);
  g_test_assert_expected_messages ();
  g_assert_null (second);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*already consumed*");
  gcs_stream_for_each_async (in, visit_record, &v, visit_destroy, NULL, wait_cb, &wait);
  g_test_assert_expected_messages ();
  result = wait_for (&wait);
  g_assert_false (gcs_stream_for_each_finish (in, result, &error));
  g_assert_nonnull (error);
  g_clear_object (&result);
  drain ();
  g_string_free (v.items, TRUE);
  if (p.destroyed != 1 || v.destroyed != 1)
    {
      g_test_incomplete_printf ("bug: a combinator or terminal operation refused because the "
                                "stream is already consumed never calls the destroy notify of "
                                "its user_data (map: %u time(s), for_each: %u time(s))",
                                p.destroyed, v.destroyed);
      return;
    }
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsStream) in = INTS (1, 2, 3);
  g_autoptr(GcsStream) other = INTS (4);
  g_auto(GValue) init = G_VALUE_INIT;
  g_autofree char *got = NULL;
  Probe p = { 0 };

#define EXPECT_NULL(expr)                                                   \
  G_STMT_START {                                                            \
    GcsStream *_s;                                                          \
    g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*assertion*failed*"); \
    _s = (expr);                                                            \
    g_test_assert_expected_messages ();                                     \
    g_assert_null (_s);                                                     \
  } G_STMT_END

  EXPECT_NULL (gcs_stream_chunks (in, 0));
  EXPECT_NULL (gcs_stream_buffered (in, 0));
  EXPECT_NULL (gcs_stream_flat_map_unordered (in, flat_pair, &p, probe_destroy, 0));
  EXPECT_NULL (gcs_stream_map (in, NULL, NULL, NULL));
  EXPECT_NULL (gcs_stream_filter (in, NULL, NULL, NULL));
  EXPECT_NULL (gcs_stream_filter_map (in, NULL, NULL, NULL));
  EXPECT_NULL (gcs_stream_inspect (in, NULL, NULL, NULL));
  EXPECT_NULL (gcs_stream_take_while (in, NULL, NULL, NULL));
  EXPECT_NULL (gcs_stream_skip_while (in, NULL, NULL, NULL));
  EXPECT_NULL (gcs_stream_flat_map (in, NULL, NULL, NULL));
  EXPECT_NULL (gcs_stream_flat_map_unordered (in, NULL, NULL, NULL, 2));
  EXPECT_NULL (gcs_stream_catch_error (in, NULL, NULL, NULL));
  set_int64 (&init, 0);
  EXPECT_NULL (gcs_stream_scan (in, &init, NULL, NULL, NULL));
  EXPECT_NULL (gcs_stream_map (NULL, map_affine, &p, NULL));
  EXPECT_NULL (gcs_stream_take (NULL, 1));
  EXPECT_NULL (gcs_stream_chain (in, NULL));
  EXPECT_NULL (gcs_stream_merge (NULL, other));
  EXPECT_NULL (gcs_stream_zip (in, in));

#undef EXPECT_NULL

  /* None of these took the stream */
  got = collect_ok (in);
  g_assert_cmpstr (got, ==, "[1, 2, 3]");
  g_assert_cmpuint (p.calls, ==, 0);
}

static void
test_from_values_copies (Fixture *f, gconstpointer data)
{
  GValue values[2] = { G_VALUE_INIT, G_VALUE_INIT };
  g_autoptr(GcsStream) stream = NULL;
  g_autofree char *got = NULL;

  g_value_init (&values[0], G_TYPE_STRING);
  g_value_set_string (&values[0], "one");
  set_int64 (&values[1], 2);
  stream = gcs_stream_from_values (values, 2);
  /* The stream holds copies */
  g_value_set_string (&values[0], "changed");
  g_value_unset (&values[0]);
  g_value_unset (&values[1]);
  got = collect_ok (stream);
  g_assert_cmpstr (got, ==, "[\"one\", 2]");
}

/* === ReceiverStream === */

static void
test_receiver_stream_basic (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autofree char *got = NULL;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  for (gint64 i = 0; i < 5; i++)
    send_int (tx, i);
  gcs_sender_close (tx);
  {
    g_autoptr(GcsStream) stream = gcs_receiver_stream_new (rx);

    g_assert_true (gcs_receiver_stream_get_receiver (GCS_RECEIVER_STREAM (stream)) == rx);
    got = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[0, 1, 2, 3, 4]");
}

typedef struct
{
  GcsSender *tx;
  gint64     from;
  gint64     to;      /* [from, to), or for ever when to < 0 */
  guint64    sent;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;
  GError *error = NULL;

  for (gint64 i = p->from; p->to < 0 || i < p->to; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      set_int64 (&value, i);
      if (!gcs_sender_send_blocking (p->tx, &value, NULL, &error))
        break;
      p->sent++;
    }
  g_clear_object (&p->tx);
  return error;
}

static void
test_receiver_stream_threads (Fixture *f, gconstpointer data)
{
  const guint n_producers = 4;
  const gint64 per_producer = 2500;
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Producer producers[4];
  GThread *threads[4];
  Probe p = { .a = 2 };
  gint64 sum = 0, expect = 0;
  g_autoptr(GError) error = NULL;

  gcs_channel_new (G_TYPE_INT64, 64, &tx, &rx);
  for (guint i = 0; i < n_producers; i++)
    {
      producers[i] = (Producer) { gcs_sender_clone (tx), i * per_producer, (i + 1) * per_producer, 0 };
      threads[i] = g_thread_new ("producer", producer_thread, &producers[i]);
    }
  g_clear_object (&tx);
  {
    g_autoptr(GcsStream) in = gcs_receiver_stream_new (rx);
    g_autoptr(GcsStream) mapped = gcs_stream_map (in, map_affine, &p, probe_destroy);
    Probe fp = { 0 };

    g_clear_object (&rx);
    run_fold (mapped, 0, &fp, &sum, &error);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < n_producers; i++)
    {
      GError *thread_error = g_thread_join (threads[i]);

      g_assert_no_error (thread_error);
      g_assert_cmpuint (producers[i].sent, ==, per_producer);
    }
  for (gint64 i = 0; i < n_producers * per_producer; i++)
    expect += 2 * i;
  g_assert_cmpint (sum, ==, expect);
  g_assert_cmpuint (p.calls, ==, n_producers * per_producer);
  g_assert_cmpuint (p.destroyed, ==, 1);
}

/* take (3) over an endless producer: three items, then the producer's
 * send fails with CLOSED and its thread ends. */
static void
test_receiver_stream_take_endless (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GError) thread_error = NULL;
  g_autofree char *got = NULL;
  Producer producer;
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 2, &tx, &rx);
  producer = (Producer) { g_steal_pointer (&tx), 0, -1, 0 };
  thread = g_thread_new ("endless", producer_thread, &producer);
  {
    g_autoptr(GcsStream) in = gcs_receiver_stream_new (rx);
    g_autoptr(GcsStream) stream = gcs_stream_take (in, 3);

    g_clear_object (&rx);
    g_clear_object (&in);
    got = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[0, 1, 2]");
  thread_error = g_thread_join (thread);
  g_assert_error (thread_error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_assert_cmpuint (producer.sent, >=, 3);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/stream/laziness", test_laziness);
  ADD ("/stream/consumed-twice/combinator", test_consumed_twice_combinator);
  ADD ("/stream/consumed-twice/terminal", test_consumed_twice_terminal);
  ADD ("/stream/consumed-twice/destroy-notify", test_consumed_twice_destroy_notify);
  ADD ("/stream/consumed/without-poll-next", test_consumed_without_poll_next);
  ADD ("/stream/bad-input", test_bad_input);
  ADD ("/stream/from_values/copies", test_from_values_copies);
  ADD ("/stream/receiver-stream/basic", test_receiver_stream_basic);
  ADD ("/stream/receiver-stream/threads", test_receiver_stream_threads);
  ADD ("/stream/receiver-stream/take-endless-producer", test_receiver_stream_take_endless);

  return g_test_run ();
}
