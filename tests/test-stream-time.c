/* test-stream-time.c: interval, debounce, throttle, timeout, chunks_timeout
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The time combinators of gcs-stream-time.c. Linked with the library's
 * objects for the manual clock (stream-clock-util.h): the tests under
 * /events/time/ move time by hand and check what comes at each step;
 * the few under /events/real/ run on the real clock and assert
 * orderings, counts and lower bounds only. Every timer is let go when
 * the stream is cancelled, dropped or ended.
 */

#include "stream-clock-util.h"

/* === helpers === */

/* A map that fails on the item 99: a stream that fails when told. */
static void
fail_on_99 (const GValue  *item,
            GValue        *result,
            gpointer       data,
            GError       **error)
{
  if (g_value_get_int64 (item) == 99)
    {
      g_set_error_literal (error, TEST_ERROR, 99, "item 99");
      return;
    }
  g_value_init (result, G_TYPE_INT64);
  g_value_copy (item, result);
}

/* Whether @context has a timeout pending: g_main_context_query() gives
 * the poll timeout, -1 when no source has a ready time or a timeout. */
static gboolean
context_has_timeout (GMainContext *context)
{
  GPollFD fds[16];
  gint priority;
  gint timeout = -1;

  g_assert_true (g_main_context_acquire (context));
  g_main_context_prepare (context, &priority);
  g_main_context_query (context, G_MAXINT, &timeout, fds, G_N_ELEMENTS (fds));
  g_main_context_release (context);
  return timeout >= 0;
}

/* === /events/time: the manual clock === */

static void
test_debounce_burst (Fixture       *f,
                     gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_debounce (chan.stream, 100));

  g_object_unref (chan.stream);
  drain ();
  /* A burst: only its last item, 100 ms after it. */
  send_int (chan.tx, 1);
  send_int (chan.tx, 2);
  send_int (chan.tx, 3);
  drain ();
  assert_items (c, "[]");
  g_assert_cmpuint (gcs_time_count_timers (), ==, 1);
  advance (99);
  assert_items (c, "[]");
  /* A newer item 99 ms later: the wait starts again. */
  send_int (chan.tx, 4);
  drain ();
  advance (99);
  assert_items (c, "[]");
  advance (1);
  assert_items (c, "[4]");
  /* A lone item comes 100 ms after it. */
  send_int (chan.tx, 5);
  drain ();
  advance (60);
  assert_items (c, "[4]");
  advance (40);
  assert_items (c, "[4, 5]");
  /* The end brings the pending item at once. */
  send_int (chan.tx, 6);
  gcs_sender_close (chan.tx);
  drain ();
  assert_items (c, "[4, 5, 6]");
  assert_ended_ok (c);
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
  g_object_unref (chan.tx);
}

static void
test_debounce_end (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_debounce, INTS (1, 2, 3), 10000));

  drain ();
  assert_items (c, "[3]");
  assert_ended_ok (c);

  {
    g_autoptr(Collector) empty = collector_new (OWNED (gcs_stream_debounce, INTS (), 10000));

    drain ();
    assert_items (empty, "[]");
    assert_ended_ok (empty);
  }
}

static void
test_debounce_zero (Fixture       *f,
                    gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_debounce (chan.stream, 0));

  g_object_unref (chan.stream);
  send_int (chan.tx, 1);
  send_int (chan.tx, 2);
  drain ();
  assert_items (c, "[2]");
  send_int (chan.tx, 3);
  drain ();
  assert_items (c, "[2, 3]");
  gcs_sender_close (chan.tx);
  drain ();
  assert_ended_ok (c);
  g_object_unref (chan.tx);
}

static void
test_debounce_error (Fixture       *f,
                     gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  GcsStream *failing = gcs_stream_map (chan.stream, fail_on_99, NULL, NULL);
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_debounce, failing, 100));

  g_object_unref (chan.stream);
  send_int (chan.tx, 1);
  drain ();
  advance (50);
  /* The pending item, then the error, at once. */
  send_int (chan.tx, 99);
  drain ();
  assert_items (c, "[1]");
  g_assert_true (c->done);
  g_assert_error (c->error, TEST_ERROR, 99);
  g_assert_true (send_is_refused (chan.tx));
  g_object_unref (chan.tx);
}

static void
test_throttle_burst (Fixture       *f,
                     gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_throttle (chan.stream, 100));

  g_object_unref (chan.stream);
  /* A burst: its first item, at once. */
  send_int (chan.tx, 1);
  send_int (chan.tx, 2);
  send_int (chan.tx, 3);
  drain ();
  assert_items (c, "[1]");
  /* Throttle needs no timer: it drops as items come. */
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
  advance (99);
  send_int (chan.tx, 4);
  drain ();
  assert_items (c, "[1]");
  advance (1);
  /* Nothing dropped comes later (no trailing edge). */
  assert_items (c, "[1]");
  send_int (chan.tx, 5);
  send_int (chan.tx, 6);
  drain ();
  assert_items (c, "[1, 5]");
  advance (150);
  send_int (chan.tx, 7);
  drain ();
  assert_items (c, "[1, 5, 7]");
  gcs_sender_close (chan.tx);
  drain ();
  assert_ended_ok (c);
  g_object_unref (chan.tx);

  {
    /* 0 ms: everything passes. */
    g_autoptr(Collector) all = collector_new (OWNED (gcs_stream_throttle, INTS (1, 2, 3), 0));

    drain ();
    assert_items (all, "[1, 2, 3]");
    assert_ended_ok (all);
  }
}

static void
test_timeout_fires (Fixture       *f,
                    gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_timeout (chan.stream, 100));

  g_object_unref (chan.stream);
  drain ();
  advance (99);
  g_assert_false (c->done);
  /* An item 99 ms after the start: the next is due 100 ms after it. */
  send_int (chan.tx, 1);
  drain ();
  assert_items (c, "[1]");
  advance (99);
  g_assert_false (c->done);
  advance (1);
  g_assert_true (c->done);
  g_assert_error (c->error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TIMEOUT);
  assert_items (c, "[1]");
  /* The failure released the channel and the timer. */
  g_assert_true (send_is_refused (chan.tx));
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
  g_object_unref (chan.tx);
}

static void
test_timeout_start (Fixture       *f,
                    gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  GcsStream *stream = gcs_stream_timeout (chan.stream, 100);
  g_autoptr(Collector) c = NULL;

  g_object_unref (chan.stream);
  /* The time runs from the first poll, not from the call. */
  advance (500);
  c = collector_new (stream);
  drain ();
  advance (99);
  g_assert_false (c->done);
  advance (1);
  g_assert_error (c->error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TIMEOUT);
  assert_items (c, "[]");
  g_object_unref (chan.tx);
}

static void
test_timeout_quiet (Fixture       *f,
                    gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_timeout (chan.stream, 100));

  g_object_unref (chan.stream);
  drain ();
  for (gint64 i = 0; i < 10; i++)
    {
      advance (99);
      send_int (chan.tx, i);
      drain ();
    }
  gcs_sender_close (chan.tx);
  drain ();
  assert_items (c, "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
  assert_ended_ok (c);
  g_object_unref (chan.tx);

  {
    /* An item that is there is never late, whatever the time. */
    GcsStream *ready = OWNED (gcs_stream_timeout, INTS (1, 2), 0);
    g_autoptr(Collector) c2 = collector_new (ready);

    drain ();
    assert_items (c2, "[1, 2]");
    assert_ended_ok (c2);
  }
}

static void
test_chunks_timeout (Fixture       *f,
                     gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_chunks_timeout (chan.stream, 3, 100));

  g_object_unref (chan.stream);
  /* By size */
  for (gint64 i = 1; i <= 7; i++)
    send_int (chan.tx, i);
  drain ();
  assert_items (c, "[(1, 2, 3), (4, 5, 6)]");
  /* By time, from the batch's first item */
  advance (99);
  assert_items (c, "[(1, 2, 3), (4, 5, 6)]");
  advance (1);
  assert_items (c, "[(1, 2, 3), (4, 5, 6), (7)]");
  send_int (chan.tx, 8);
  drain ();
  advance (60);
  send_int (chan.tx, 9);
  drain ();
  advance (39);
  assert_items (c, "[(1, 2, 3), (4, 5, 6), (7)]");
  advance (1);
  assert_items (c, "[(1, 2, 3), (4, 5, 6), (7), (8, 9)]");
  /* Never an empty batch: time passes without items. */
  advance (1000);
  assert_items (c, "[(1, 2, 3), (4, 5, 6), (7), (8, 9)]");
  /* The end brings the batch being filled at once. */
  send_int (chan.tx, 10);
  gcs_sender_close (chan.tx);
  drain ();
  assert_items (c, "[(1, 2, 3), (4, 5, 6), (7), (8, 9), (10)]");
  assert_ended_ok (c);
  g_object_unref (chan.tx);
}

static void
test_chunks_timeout_error (Fixture       *f,
                           gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  GcsStream *failing = gcs_stream_map (chan.stream, fail_on_99, NULL, NULL);
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_chunks_timeout, failing, 5, 100));

  g_object_unref (chan.stream);
  send_int (chan.tx, 1);
  send_int (chan.tx, 2);
  send_int (chan.tx, 99);
  drain ();
  /* The batch so far, then the error. */
  assert_items (c, "[(1, 2)]");
  g_assert_error (c->error, TEST_ERROR, 99);
  g_object_unref (chan.tx);
}

static void
test_interval (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take, gcs_stream_interval (100), 3));

  drain ();
  advance (99);
  assert_items (c, "[]");
  advance (1);
  assert_items (c, "[0]");
  advance (100);
  assert_items (c, "[0, 1]");
  advance (250);
  assert_items (c, "[0, 1, 2]");
  assert_ended_ok (c);
  /* take let the interval go with its third tick, timer included. */
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
}

static void
test_interval_late (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Collector) c = collector_new (gcs_stream_interval (100));

  drain ();
  /* A stall of 3.5 periods: one tick, not a burst, then the rhythm
   * starts again from it. */
  advance (350);
  assert_items (c, "[0]");
  advance (99);
  assert_items (c, "[0]");
  advance (1);
  assert_items (c, "[0, 1]");
  advance (100);
  assert_items (c, "[0, 1, 2]");
  g_assert_cmpuint (gcs_time_count_timers (), ==, 1);
  g_cancellable_cancel (c->cancellable);
  drain ();
  g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
}

/* next_async, one item at a time, with a new driver for each. */

typedef struct
{
  gboolean  done;
  GValue    item;
  gboolean  end;
  GError   *error;
} Next;

static void
next_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Next *n = data;
  const GValue *item = gcs_stream_next_finish (GCS_STREAM (source), result, &n->error);

  n->done = TRUE;
  if (item != NULL)
    {
      g_value_init (&n->item, G_VALUE_TYPE (item));
      g_value_copy (item, &n->item);
    }
  else
    n->end = TRUE;
}

static void
test_interval_next (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GcsStream) ticks = gcs_stream_interval (100);

  for (guint64 i = 0; i < 3; i++)
    {
      Next n = { 0 };

      gcs_stream_next_async (ticks, NULL, next_cb, &n);
      drain ();
      g_assert_false (n.done);
      advance (100);
      g_assert_true (n.done);
      g_assert_no_error (n.error);
      g_assert_cmpuint (g_value_get_uint64 (&n.item), ==, i);
      g_value_unset (&n.item);
    }
  g_assert_cmpuint (gcs_time_count_timers (), ==, 1);
  g_clear_object (&ticks);
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
}

static void
test_bad_arguments (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GcsStream) values = INTS (1);
  GcsStream *s;

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*ms >= 1*");
  s = gcs_stream_interval (0);
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*n >= 1*");
  s = gcs_stream_chunks_timeout (values, 0, 100);
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*GCS_IS_STREAM*");
  s = gcs_stream_debounce (NULL, 100);
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*func != NULL*");
  s = gcs_stream_switch_map (values, NULL, NULL, NULL);
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*G_IS_INPUT_STREAM*");
  s = gcs_stream_from_input_stream_lines (NULL);
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*G_IS_OBJECT*");
  s = gcs_stream_take_until_disposed (values, NULL);
  g_test_assert_expected_messages ();
  g_assert_null (s);

  /* A stream already consumed is refused, as by every combinator. */
  {
    g_autoptr(GcsStream) first = gcs_stream_debounce (values, 10);

    g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*already consumed*");
    s = gcs_stream_throttle (values, 10);
    g_test_assert_expected_messages ();
    g_assert_null (s);
  }
}

/* Every time combinator lets its timer go when cancelled mid-wait, when
 * dropped after being polled, and when it ends. */

typedef struct
{
  GcsStream *(*make) (GcsStream *upstream);   /* upstream: transfer none */
  gboolean    waits_for_item;                 /* its timer runs only once an item came */
} Timed;

static GcsStream *make_debounce (GcsStream *up) { return gcs_stream_debounce (up, 100); }
static GcsStream *make_timeout (GcsStream *up) { return gcs_stream_timeout (up, 100); }
static GcsStream *make_chunks_timeout (GcsStream *up) { return gcs_stream_chunks_timeout (up, 10, 100); }
static GcsStream *make_interval (GcsStream *up) { return gcs_stream_interval (100); }

static const Timed timed[] = {
  { make_debounce, TRUE },
  { make_timeout, FALSE },
  { make_chunks_timeout, TRUE },
  { make_interval, FALSE },
};

static void
test_timers_released (Fixture       *f,
                      gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (timed); i++)
    {
      /* Cancelled while waiting */
      {
        Chan chan = chan_new (G_TYPE_INT64);
        g_autoptr(Collector) c = collector_new (timed[i].make (chan.stream));

        send_int (chan.tx, 1);
        drain ();
        g_assert_cmpuint (gcs_time_count_timers (), ==, 1);
        g_cancellable_cancel (c->cancellable);
        drain ();
        g_assert_true (c->done);
        g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
        g_object_unref (chan.stream);
        g_object_unref (chan.tx);
      }
      /* Dropped while a next is pending... */
      {
        Chan chan = chan_new (G_TYPE_INT64);
        GcsStream *stream = timed[i].make (chan.stream);
        GCancellable *cancellable = g_cancellable_new ();
        Next n = { 0 };

        g_object_unref (chan.stream);
        if (timed[i].waits_for_item)
          send_int (chan.tx, 1);
        gcs_stream_next_async (stream, cancellable, next_cb, &n);
        drain ();
        g_assert_false (n.done);
        g_assert_cmpuint (gcs_time_count_timers (), ==, 1);
        g_object_unref (stream);
        /* ...which holds it until cancelled: then nothing is left. */
        g_cancellable_cancel (cancellable);
        drain ();
        g_assert_true (n.done);
        g_assert_error (n.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_clear_error (&n.error);
        g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
        g_object_unref (cancellable);
        g_object_unref (chan.tx);
      }
      /* Ended normally */
      {
        Chan chan = chan_new (G_TYPE_INT64);
        g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take, timed[i].make (chan.stream), 1));

        send_int (chan.tx, 1);
        g_object_unref (chan.stream);
        drain ();
        advance (100);
        g_assert_true (c->done);
        g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
        g_object_unref (chan.tx);
      }
    }
}

/* === /events/real: the real clock, lower bounds only === */

static void
test_real_debounce (Fixture       *f,
                    gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_debounce (chan.stream, 30));
  gint64 start = g_get_monotonic_time ();

  g_object_unref (chan.stream);
  send_int (chan.tx, 1);
  send_int (chan.tx, 2);
  send_int (chan.tx, 3);
  ITERATE_UNTIL (c->items->len > 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 30 * 1000);
  assert_items (c, "[3]");
  gcs_sender_close (chan.tx);
  ITERATE_UNTIL (c->done);
  assert_ended_ok (c);
  g_object_unref (chan.tx);
}

static void
test_real_interval (Fixture       *f,
                    gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take, gcs_stream_interval (10), 5));

  ITERATE_UNTIL (c->done);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50 * 1000);
  assert_items (c, "[0, 1, 2, 3, 4]");
  assert_ended_ok (c);
}

static void
test_real_timeout (Fixture       *f,
                   gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(Collector) c = collector_new (gcs_stream_timeout (chan.stream, 20));

  g_object_unref (chan.stream);
  ITERATE_UNTIL (c->done);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 20 * 1000);
  g_assert_error (c->error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TIMEOUT);
  g_object_unref (chan.tx);

  {
    /* A wide margin: 10 items 1 ms apart against 10 s. */
    Chan chan2 = chan_new (G_TYPE_INT64);
    g_autoptr(Collector) c2 = collector_new (gcs_stream_timeout (chan2.stream, 10000));

    g_object_unref (chan2.stream);
    for (gint64 i = 0; i < 10; i++)
      {
        send_int (chan2.tx, i);
        ITERATE_UNTIL (c2->items->len == (guint) i + 1);
        g_usleep (1000);
      }
    gcs_sender_close (chan2.tx);
    ITERATE_UNTIL (c2->done);
    assert_ended_ok (c2);
    g_assert_cmpuint (c2->items->len, ==, 10);
    g_object_unref (chan2.tx);
  }
}

static void
test_real_chunks_timeout (Fixture       *f,
                          gconstpointer  data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_chunks_timeout (chan.stream, 3, 20));
  gint64 start;

  g_object_unref (chan.stream);
  for (gint64 i = 1; i <= 4; i++)
    send_int (chan.tx, i);
  start = g_get_monotonic_time ();
  ITERATE_UNTIL (c->items->len == 2);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 20 * 1000);
  assert_items (c, "[(1, 2, 3), (4)]");
  gcs_sender_close (chan.tx);
  ITERATE_UNTIL (c->done);
  assert_ended_ok (c);
  g_object_unref (chan.tx);
}

/* The context itself has no timeout left once the streams are gone. */
static void
test_real_no_source_left (Fixture       *f,
                          gconstpointer  data)
{
  g_assert_false (context_has_timeout (f->context));
  for (guint i = 0; i < G_N_ELEMENTS (timed); i++)
    {
      Chan chan = chan_new (G_TYPE_INT64);
      g_autoptr(Collector) c = collector_new (timed[i].make (chan.stream));

      send_int (chan.tx, 1);
      drain ();
      g_assert_true (context_has_timeout (f->context));
      g_cancellable_cancel (c->cancellable);
      ITERATE_UNTIL (c->done);
      drain ();
      g_assert_false (context_has_timeout (f->context));
      g_object_unref (chan.stream);
      g_object_unref (chan.tx);
    }
  /* And after a normal end. */
  {
    g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take, gcs_stream_interval (5), 2));

    ITERATE_UNTIL (c->done);
    drain ();
    g_assert_false (context_has_timeout (f->context));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_MANUAL ("/events/time/debounce/burst", test_debounce_burst);
  ADD_MANUAL ("/events/time/debounce/end", test_debounce_end);
  ADD_MANUAL ("/events/time/debounce/zero", test_debounce_zero);
  ADD_MANUAL ("/events/time/debounce/error", test_debounce_error);
  ADD_MANUAL ("/events/time/throttle/burst", test_throttle_burst);
  ADD_MANUAL ("/events/time/timeout/fires", test_timeout_fires);
  ADD_MANUAL ("/events/time/timeout/from-first-poll", test_timeout_start);
  ADD_MANUAL ("/events/time/timeout/does-not-fire", test_timeout_quiet);
  ADD_MANUAL ("/events/time/chunks-timeout/size-and-time", test_chunks_timeout);
  ADD_MANUAL ("/events/time/chunks-timeout/error", test_chunks_timeout_error);
  ADD_MANUAL ("/events/time/interval/ticks", test_interval);
  ADD_MANUAL ("/events/time/interval/late", test_interval_late);
  ADD_MANUAL ("/events/time/interval/next", test_interval_next);
  ADD_MANUAL ("/events/time/bad-arguments", test_bad_arguments);
  ADD_MANUAL ("/events/time/timers-released", test_timers_released);
  ADD_REAL ("/events/real/debounce", test_real_debounce);
  ADD_REAL ("/events/real/interval", test_real_interval);
  ADD_REAL ("/events/real/timeout", test_real_timeout);
  ADD_REAL ("/events/real/chunks-timeout", test_real_chunks_timeout);
  ADD_REAL ("/events/real/no-source-left", test_real_no_source_left);

  return g_test_run ();
}
