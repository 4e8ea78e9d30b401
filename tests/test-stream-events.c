/* test-stream-events.c: time combinators, switch_map, GObject and GIO sources
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Linked with the library's objects rather than the shared library, for
 * the private manual clock (gcs-time-private.h): the time tests under
 * /events/time/ move time by hand and check what comes at each step, so
 * they are exact and cannot be flaky. The few tests under /events/real/
 * run on the real clock and assert orderings, counts and lower bounds
 * only (time never runs backwards), never an upper bound.
 *
 * Every test runs on its own GMainContext, pushed as the thread-default
 * one. Items are compared as text: "[1, 2]" for int64 items, "\"a\"" for
 * strings, "(1, \"x\", 2.5)" for a sequence item.
 */

#define GLIB_DISABLE_DEPRECATION_WARNINGS

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gchanstream/gchanstream.h>

#include "gcs-time-private.h"

#define TEST_ERROR (test_error_quark ())
GQuark test_error_quark (void);
G_DEFINE_QUARK (test-error-quark, test_error)

/* Fixture */

typedef struct
{
  GMainContext *context;
  gboolean      manual;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->manual = GPOINTER_TO_INT (data);
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  if (f->manual)
    gcs_time_set_manual (TRUE, 1000 * G_USEC_PER_SEC);
}

/* Runs what is ready, without blocking. */
static void
drain (void)
{
  GMainContext *context = g_main_context_get_thread_default ();

  for (guint i = 0; i < 100000 && g_main_context_iteration (context, FALSE); i++)
    ;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  drain ();
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
  if (f->manual)
    gcs_time_set_manual (FALSE, 0);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* Manual clock: moves it on by @ms and runs what became ready. */
static void
advance (guint ms)
{
  gcs_time_advance (g_main_context_get_thread_default (), (gint64) ms * 1000);
  drain ();
}

#define TEST_DEADLINE_USEC (30 * G_USEC_PER_SEC)

/* Real clock: iterates, blocking, until @cond. */
#define ITERATE_UNTIL(cond)                                                     \
  G_STMT_START {                                                                \
    gint64 _deadline = g_get_monotonic_time () + TEST_DEADLINE_USEC;            \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > _deadline)                                \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        g_main_context_iteration (g_main_context_get_thread_default (), TRUE);   \
      }                                                                         \
  } G_STMT_END

/* Combinators take their upstream transfer none; for an upstream made on
 * the spot: calls @call on it and drops it. */
#define OWNED(call, upstream, ...)                                  \
  ({                                                                \
    GcsStream *_up = (upstream);                                    \
    GcsStream *_made = call (_up, __VA_ARGS__);                     \
    g_object_unref (_up);                                           \
    _made;                                                          \
  })

/* Values as text */

static void
append_value (GString      *s,
              const GValue *value)
{
  if (G_VALUE_HOLDS_INT64 (value))
    g_string_append_printf (s, "%" G_GINT64_FORMAT, g_value_get_int64 (value));
  else if (G_VALUE_HOLDS_UINT64 (value))
    g_string_append_printf (s, "%" G_GUINT64_FORMAT, g_value_get_uint64 (value));
  else if (G_VALUE_HOLDS_INT (value))
    g_string_append_printf (s, "%d", g_value_get_int (value));
  else if (G_VALUE_HOLDS_DOUBLE (value))
    g_string_append_printf (s, "%g", g_value_get_double (value));
  else if (G_VALUE_HOLDS_STRING (value))
    g_string_append_printf (s, "\"%s\"", g_value_get_string (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_VALUE_ARRAY))
    {
      GValueArray *array = g_value_get_boxed (value);

      g_string_append_c (s, '(');
      for (guint i = 0; i < array->n_values; i++)
        {
          if (i > 0)
            g_string_append (s, ", ");
          append_value (s, g_value_array_get_nth (array, i));
        }
      g_string_append_c (s, ')');
    }
  else if (G_VALUE_HOLDS_OBJECT (value))
    g_string_append_printf (s, "<%s>", G_VALUE_TYPE_NAME (value));
  else
    g_string_append_printf (s, "<%s?>", G_VALUE_TYPE_NAME (value));
}

/* Collector: for_each_async into a list of texts */

typedef struct
{
  GPtrArray    *items;
  GCancellable *cancellable;
  gboolean      done;
  GError       *error;
} Collector;

static void
collector_item (const GValue  *item,
                gpointer       data,
                GError       **error)
{
  Collector *c = data;
  GString *s = g_string_new (NULL);

  g_assert_false (c->done);
  append_value (s, item);
  g_ptr_array_add (c->items, g_string_free (s, FALSE));
}

static void
collector_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Collector *c = data;

  g_assert_false (c->done);
  gcs_stream_for_each_finish (GCS_STREAM (source), result, &c->error);
  c->done = TRUE;
}

/* Consumes @stream (transfer full). */
static Collector *
collector_new (GcsStream *stream)
{
  Collector *c = g_new0 (Collector, 1);

  g_assert_nonnull (stream);
  c->items = g_ptr_array_new_with_free_func (g_free);
  c->cancellable = g_cancellable_new ();
  gcs_stream_for_each_async (stream, collector_item, c, NULL, c->cancellable, collector_done, c);
  g_object_unref (stream);
  return c;
}

static void
collector_free (Collector *c)
{
  g_assert_true (c->done);
  g_ptr_array_unref (c->items);
  g_object_unref (c->cancellable);
  g_clear_error (&c->error);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collector, collector_free)

/* "[a, b]" */
static char *
collector_text (Collector *c)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < c->items->len; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, g_ptr_array_index (c->items, i));
    }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

#define assert_items(c, expected)                        \
  G_STMT_START {                                         \
    g_autofree char *_text = collector_text (c);         \
    g_assert_cmpstr (_text, ==, (expected));             \
  } G_STMT_END

#define assert_ended_ok(c)                               \
  G_STMT_START {                                         \
    g_assert_true ((c)->done);                           \
    g_assert_no_error ((c)->error);                      \
  } G_STMT_END

/* Channels of int64 and streams over them */

typedef struct
{
  GcsSender *tx;
  GcsStream *stream;   /* a ReceiverStream */
} Chan;

static Chan
chan_new (GType type)
{
  Chan chan;
  GcsReceiver *rx = NULL;

  gcs_channel_new_unbounded (type, &chan.tx, &rx);
  chan.stream = gcs_receiver_stream_new (rx);
  g_object_unref (rx);
  return chan;
}

static void
send_int (GcsSender *tx,
          gint64     v)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, v);
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

/* Whether a send fails because the receiving stream was released. */
static gboolean
send_is_refused (GcsSender *tx)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  gboolean sent;

  g_value_init (&value, G_TYPE_INT64);
  sent = gcs_sender_try_send (tx, &value, &error);
  if (!sent)
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  return !sent;
}

static GcsStream *
ints_stream (const gint64 *v,
             guint         n)
{
  GValue *values = g_new0 (GValue, MAX (n, 1));
  GcsStream *stream;

  for (guint i = 0; i < n; i++)
    {
      g_value_init (&values[i], G_TYPE_INT64);
      g_value_set_int64 (&values[i], v[i]);
    }
  stream = gcs_stream_from_values (values, n);
  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);
  g_free (values);
  return stream;
}

#define INTS(...) ints_stream ((gint64[]) { __VA_ARGS__ }, G_N_ELEMENTS (((gint64[]) { __VA_ARGS__ })))

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

/* === /events/switch-map === */

typedef struct
{
  GPtrArray *texts;          /* the items func was called for */
  GPtrArray *cancellables;   /* their cancellables */
  GPtrArray *senders;        /* the inner channels' senders */
  guint      fail_at;        /* 1-based call that fails; 0: never */
  guint      destroyed;
} Switch;

static GcsStream *
switch_func (const GValue  *item,
             GCancellable  *cancellable,
             gpointer       data,
             GError       **error)
{
  Switch *s = data;
  GcsReceiver *rx = NULL;
  GcsSender *tx = NULL;
  GcsStream *stream;

  g_assert_true (G_IS_CANCELLABLE (cancellable));
  g_assert_false (g_cancellable_is_cancelled (cancellable));
  g_ptr_array_add (s->texts, g_value_dup_string (item));
  g_ptr_array_add (s->cancellables, g_object_ref (cancellable));
  if (s->fail_at == s->texts->len)
    {
      g_set_error (error, TEST_ERROR, 5, "no stream for %s", g_value_get_string (item));
      g_ptr_array_add (s->senders, NULL);
      return NULL;
    }
  gcs_channel_new_unbounded (G_TYPE_STRING, &tx, &rx);
  stream = gcs_receiver_stream_new (rx);
  g_object_unref (rx);
  g_ptr_array_add (s->senders, tx);
  return stream;
}

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
switch_destroy (gpointer data)
{
  ((Switch *) data)->destroyed++;
}

static void
switch_init (Switch *s)
{
  memset (s, 0, sizeof *s);
  s->texts = g_ptr_array_new_with_free_func (g_free);
  s->cancellables = g_ptr_array_new_with_free_func (g_object_unref);
  s->senders = g_ptr_array_new_with_free_func (unref_if_set);
}

static void
switch_clear (Switch *s)
{
  g_ptr_array_unref (s->texts);
  g_ptr_array_unref (s->cancellables);
  g_ptr_array_unref (s->senders);
}

#define SWITCH_CANCELLED(s, i) g_cancellable_is_cancelled (g_ptr_array_index ((s)->cancellables, (i)))
#define SWITCH_TX(s, i) ((GcsSender *) g_ptr_array_index ((s)->senders, (i)))

static void
test_switch_map (Fixture       *f,
                 gconstpointer  data)
{
  Switch s;
  Chan outer = chan_new (G_TYPE_STRING);
  g_autoptr(Collector) c = NULL;

  switch_init (&s);
  c = collector_new (gcs_stream_switch_map (outer.stream, switch_func, &s, switch_destroy));
  g_object_unref (outer.stream);

  send_string (outer.tx, "a");
  drain ();
  g_assert_cmpuint (s.texts->len, ==, 1);
  send_string (SWITCH_TX (&s, 0), "a1");
  drain ();
  assert_items (c, "[\"a1\"]");

  /* A new item: the previous inner stream is cancelled and released. */
  send_string (outer.tx, "b");
  drain ();
  g_assert_cmpuint (s.texts->len, ==, 2);
  g_assert_true (SWITCH_CANCELLED (&s, 0));
  g_assert_false (SWITCH_CANCELLED (&s, 1));
  g_assert_true (gcs_sender_is_closed (SWITCH_TX (&s, 0)));
  send_string (SWITCH_TX (&s, 1), "b1");
  drain ();
  assert_items (c, "[\"a1\", \"b1\"]");

  /* Several at once: each replaces the one before. */
  send_string (outer.tx, "c");
  send_string (outer.tx, "d");
  drain ();
  g_assert_cmpuint (s.texts->len, ==, 4);
  g_assert_true (SWITCH_CANCELLED (&s, 1));
  g_assert_true (SWITCH_CANCELLED (&s, 2));
  g_assert_false (SWITCH_CANCELLED (&s, 3));
  send_string (SWITCH_TX (&s, 3), "d1");
  drain ();

  /* The outer end waits for the current inner stream. */
  gcs_sender_close (outer.tx);
  drain ();
  g_assert_false (c->done);
  send_string (SWITCH_TX (&s, 3), "d2");
  gcs_sender_close (SWITCH_TX (&s, 3));
  drain ();
  assert_items (c, "[\"a1\", \"b1\", \"d1\", \"d2\"]");
  assert_ended_ok (c);
  /* Ended by itself: its cancellable is left alone. */
  g_assert_false (SWITCH_CANCELLED (&s, 3));
  g_assert_cmpstr (g_ptr_array_index (s.texts, 2), ==, "c");
  g_assert_cmpuint (s.destroyed, ==, 1);
  g_object_unref (outer.tx);
  switch_clear (&s);
}

static void
test_switch_map_cancel (Fixture       *f,
                        gconstpointer  data)
{
  Switch s;
  Chan outer = chan_new (G_TYPE_STRING);
  g_autoptr(Collector) c = NULL;

  switch_init (&s);
  c = collector_new (gcs_stream_switch_map (outer.stream, switch_func, &s, switch_destroy));
  g_object_unref (outer.stream);
  send_string (outer.tx, "a");
  drain ();
  g_assert_false (SWITCH_CANCELLED (&s, 0));
  /* Releasing the stream cancels the work of the current inner one. */
  g_cancellable_cancel (c->cancellable);
  drain ();
  g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (SWITCH_CANCELLED (&s, 0));
  g_assert_true (gcs_sender_is_closed (SWITCH_TX (&s, 0)));
  g_assert_true (gcs_sender_is_closed (outer.tx));
  g_assert_cmpuint (s.destroyed, ==, 1);
  g_object_unref (outer.tx);
  switch_clear (&s);
}

static void
test_switch_map_error (Fixture       *f,
                       gconstpointer  data)
{
  Switch s;
  Chan outer = chan_new (G_TYPE_STRING);
  g_autoptr(Collector) c = NULL;

  switch_init (&s);
  s.fail_at = 2;
  c = collector_new (gcs_stream_switch_map (outer.stream, switch_func, &s, switch_destroy));
  g_object_unref (outer.stream);
  send_string (outer.tx, "a");
  drain ();
  send_string (outer.tx, "b");
  drain ();
  g_assert_error (c->error, TEST_ERROR, 5);
  g_assert_true (SWITCH_CANCELLED (&s, 0));
  g_assert_cmpuint (s.destroyed, ==, 1);
  g_object_unref (outer.tx);
  switch_clear (&s);
}

/* === /events/object: from_property, from_signal, take_until_disposed === */

#define TEST_TYPE_OBJ (test_obj_get_type ())
G_DECLARE_FINAL_TYPE (TestObj, test_obj, TEST, OBJ, GObject)

struct _TestObj
{
  GObject  parent_instance;
  gint     count;
  char    *text;
};

enum { PROP_0, PROP_COUNT, PROP_TEXT, PROP_SECRET, N_PROPS };
enum { SIG_PING, SIG_ONE, SIG_THREE, N_SIGNALS };

static GParamSpec *obj_props[N_PROPS];
static guint obj_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TestObj, test_obj, G_TYPE_OBJECT)

static void
test_obj_finalize (GObject *object)
{
  g_free (TEST_OBJ (object)->text);
  G_OBJECT_CLASS (test_obj_parent_class)->finalize (object);
}

static void
test_obj_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TestObj *self = TEST_OBJ (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      g_value_set_int (value, self->count);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_obj_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  TestObj *self = TEST_OBJ (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      self->count = g_value_get_int (value);
      break;
    case PROP_TEXT:
      g_free (self->text);
      self->text = g_value_dup_string (value);
      break;
    case PROP_SECRET:
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_obj_class_init (TestObjClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = test_obj_finalize;
  object_class->get_property = test_obj_get_property;
  object_class->set_property = test_obj_set_property;

  obj_props[PROP_COUNT] = g_param_spec_int ("count", NULL, NULL, G_MININT, G_MAXINT, 0,
                                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  obj_props[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, "",
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  obj_props[PROP_SECRET] = g_param_spec_int ("secret", NULL, NULL, 0, 10, 0,
                                             G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, obj_props);

  obj_signals[SIG_PING] = g_signal_new ("ping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  obj_signals[SIG_ONE] = g_signal_new ("one", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  obj_signals[SIG_THREE] = g_signal_new ("three", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                         G_TYPE_INT, G_TYPE_STRING, G_TYPE_DOUBLE);
}

static void
test_obj_init (TestObj *self)
{
  self->text = g_strdup ("");
}

static gboolean
has_notify_handler (gpointer    obj,
                    const char *property)
{
  return g_signal_has_handler_pending (obj, g_signal_lookup ("notify", G_TYPE_OBJECT),
                                       g_quark_from_string (property), TRUE);
}

static void
set_count (TestObj *obj,
           gint     count)
{
  g_object_set (obj, "count", count, NULL);
}

static void
count_finalized (gpointer  data,
                 GObject  *where_the_object_was)
{
  (*(guint *) data)++;
}

static void
test_from_property (Fixture       *f,
                    gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(Collector) c = NULL;
  GcsStream *stream;
  guint finalized = 0;

  /* Lazy (API.md, "Bridges are lazy and bounded"; this test asserted the
   * old eager connection): connected at the first poll, whose value is
   * the first item. */
  set_count (obj, -1);
  c = collector_new (gcs_stream_from_property (G_OBJECT (obj), "count"));
  g_assert_false (has_notify_handler (obj, "count"));
  set_count (obj, 0);
  drain ();
  g_assert_true (has_notify_handler (obj, "count"));
  assert_items (c, "[0]");
  set_count (obj, 1);
  drain ();
  assert_items (c, "[0, 1]");
  /* Changed faster than consumed: coalesced to the latest (it used to
   * queue every change). */
  for (gint i = 2; i <= 5; i++)
    set_count (obj, i);
  drain ();
  assert_items (c, "[0, 1, 5]");
  set_count (obj, 6);
  set_count (obj, 7);
  drain ();
  assert_items (c, "[0, 1, 5, 7]");
  g_assert_false (c->done);

  /* Released: the handler is gone. */
  g_cancellable_cancel (c->cancellable);
  drain ();
  g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (has_notify_handler (obj, "count"));
  set_count (obj, 8);

  /* Dropped unconsumed: never connected, nothing to disconnect. */
  stream = gcs_stream_from_property (G_OBJECT (obj), "text");
  g_assert_false (has_notify_handler (obj, "text"));
  g_object_unref (stream);
  g_assert_false (has_notify_handler (obj, "text"));

  /* Only a weak reference is held: the object goes with its last
   * reference; disposed before the first poll, the stream just ends (it
   * used to give the value read at its creation). */
  stream = gcs_stream_from_property (G_OBJECT (obj), "count");
  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);
  {
    g_autoptr(Collector) late = collector_new (stream);

    drain ();
    assert_items (late, "[]");
    assert_ended_ok (late);
  }
}

static void
test_from_property_disposed (Fixture       *f,
                             gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, "text", "a", NULL);
  g_autoptr(Collector) c = NULL;
  guint finalized = 0;

  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  c = collector_new (gcs_stream_from_property (G_OBJECT (obj), "text"));
  drain ();
  g_object_set (obj, "text", "ab", NULL);
  g_object_set (obj, "text", "abc", NULL);
  /* Disposed mid-stream, with changes not yet delivered: the latest
   * comes (coalesced), then the end. */
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);
  drain ();
  assert_items (c, "[\"a\", \"abc\"]");
  assert_ended_ok (c);
}

static gpointer
set_count_thread (gpointer data)
{
  for (gint i = 1; i <= 1000; i++)
    set_count (data, i);
  return NULL;
}

static void
test_from_property_thread (Fixture       *f,
                           gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsStream *stream = gcs_stream_from_property (G_OBJECT (obj), "count");
  g_autoptr(Collector) c = collector_new (stream);
  GThread *thread;

  drain ();
  assert_items (c, "[0]");
  thread = g_thread_new ("setter", set_count_thread, obj);
  /* Changes on another thread coalesce: the values come in increasing
   * order, some skipped, the last one (1000) never lost. */
  ITERATE_UNTIL (g_str_equal (g_ptr_array_index (c->items, c->items->len - 1), "1000"));
  g_thread_join (thread);
  for (guint i = 1; i < c->items->len; i++)
    g_assert_cmpint (atoi (g_ptr_array_index (c->items, i - 1)), <, atoi (g_ptr_array_index (c->items, i)));
  g_assert_cmpuint (c->items->len, <=, 1001);
  g_cancellable_cancel (c->cancellable);
  drain ();
  g_assert_true (c->done);
  g_assert_false (has_notify_handler (obj, "count"));
  g_object_unref (obj);
}

static void
test_from_property_bad (Fixture       *f,
                        gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsStream *s;

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*no readable property \"nope\"*");
  s = gcs_stream_from_property (G_OBJECT (obj), "nope");
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*no readable property \"secret\"*");
  s = gcs_stream_from_property (G_OBJECT (obj), "secret");
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*no signal \"nope\"*");
  s = gcs_stream_from_signal (G_OBJECT (obj), "nope");
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*G_IS_OBJECT*");
  s = gcs_stream_from_property (NULL, "count");
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_assert_false (has_notify_handler (obj, "count"));
  g_object_unref (obj);
}

static void
test_from_signal (Fixture       *f,
                  gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(Collector) ping = collector_new (gcs_stream_from_signal (G_OBJECT (obj), "ping"));
  g_autoptr(Collector) one = collector_new (gcs_stream_from_signal (G_OBJECT (obj), "one"));
  g_autoptr(Collector) three = collector_new (gcs_stream_from_signal (G_OBJECT (obj), "three"));
  g_autoptr(Collector) detailed = collector_new (gcs_stream_from_signal (G_OBJECT (obj), "three::x"));

  /* Lazy: connected at the first poll (this test asserted the eager
   * connection before API.md's "Bridges are lazy and bounded"). */
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_PING], 0, TRUE));
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 6);   /* before: not seen */
  drain ();
  g_assert_true (g_signal_has_handler_pending (obj, obj_signals[SIG_PING], 0, TRUE));
  g_assert_true (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  assert_items (ping, "[]");
  g_signal_emit (obj, obj_signals[SIG_PING], 0);
  g_signal_emit (obj, obj_signals[SIG_PING], 0);
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 7);
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 8);
  g_signal_emit (obj, obj_signals[SIG_THREE], 0, 1, "x", 2.5);
  g_signal_emit (obj, obj_signals[SIG_THREE], g_quark_from_string ("x"), 2, "y", 0.5);
  g_signal_emit (obj, obj_signals[SIG_THREE], g_quark_from_string ("z"), 3, "z", 1.0);
  drain ();
  /* No parameters: the instance. One: the parameter. Several: a sequence. */
  assert_items (ping, "[<TestObj>, <TestObj>]");
  assert_items (one, "[7, 8]");
  assert_items (three, "[(1, \"x\", 2.5), (2, \"y\", 0.5), (3, \"z\", 1)]");
  assert_items (detailed, "[(2, \"y\", 0.5)]");

  /* Ended (released) one by one: their handlers go with them. */
  g_cancellable_cancel (one->cancellable);
  drain ();
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  g_assert_true (g_signal_has_handler_pending (obj, obj_signals[SIG_PING], 0, TRUE));
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 9);
  drain ();
  assert_items (one, "[7, 8]");

  /* Disposed mid-stream: what was emitted before comes, then the end. */
  g_signal_emit (obj, obj_signals[SIG_PING], 0);
  g_signal_emit (obj, obj_signals[SIG_THREE], 0, 4, "w", 0.25);
  g_object_run_dispose (G_OBJECT (obj));
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_PING], 0, TRUE));
  drain ();
  assert_items (ping, "[<TestObj>, <TestObj>, <TestObj>]");
  assert_items (three, "[(1, \"x\", 2.5), (2, \"y\", 0.5), (3, \"z\", 1), (4, \"w\", 0.25)]");
  assert_ended_ok (ping);
  assert_ended_ok (three);
  assert_ended_ok (detailed);
  g_object_unref (obj);
}

static gpointer
emit_thread (gpointer data)
{
  for (gint i = 0; i < 1000; i++)
    g_signal_emit (data, obj_signals[SIG_ONE], 0, i);
  return NULL;
}

static void
test_from_signal_thread (Fixture       *f,
                         gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take, gcs_stream_from_signal (G_OBJECT (obj), "one"), 1000));
  GThread *thread;

  /* Connected at the first poll: the emissions start after it. */
  drain ();
  g_assert_true (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  thread = g_thread_new ("emitter", emit_thread, obj);

  ITERATE_UNTIL (c->done);
  g_thread_join (thread);
  assert_ended_ok (c);
  for (guint i = 0; i < c->items->len; i++)
    {
      g_autofree char *expected = g_strdup_printf ("%u", i);

      g_assert_cmpstr (g_ptr_array_index (c->items, i), ==, expected);
    }
  g_assert_cmpuint (c->items->len, ==, 1000);
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  g_object_unref (obj);
}

static void
test_from_signal_unconsumed (Fixture       *f,
                             gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  guint finalized = 0;
  GcsStream *stream = gcs_stream_from_signal (G_OBJECT (obj), "one");

  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 1);
  /* Dropped without a consumer: never connected, nothing queued. */
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  g_object_unref (stream);
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);

  /* Emitted before the first poll: nothing queued, so no item holds the
   * instance (a signal without parameters): the object goes at once (it
   * used to stay until the unconsumed stream was dropped). */
  obj = g_object_new (TEST_TYPE_OBJ, NULL);
  finalized = 0;
  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  stream = gcs_stream_from_signal (G_OBJECT (obj), "ping");
  g_signal_emit (obj, obj_signals[SIG_PING], 0);
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);
  g_object_unref (stream);

  /* The same, consumed and cancelled with the item queued. */
  obj = g_object_new (TEST_TYPE_OBJ, NULL);
  finalized = 0;
  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  stream = gcs_stream_from_signal (G_OBJECT (obj), "ping");
  {
    g_autoptr(Collector) c = collector_new (g_object_ref (stream));

    drain ();   /* the first poll connects */
    g_signal_emit (obj, obj_signals[SIG_PING], 0);
    g_object_unref (obj);
    g_cancellable_cancel (c->cancellable);
    drain ();
    g_assert_true (c->done);
    g_object_unref (stream);
    g_assert_cmpuint (finalized, ==, 1);
  }

  /* The object goes first: the stream is simply ended. */
  obj = g_object_new (TEST_TYPE_OBJ, NULL);
  stream = gcs_stream_from_signal (G_OBJECT (obj), "ping");
  g_object_unref (obj);
  {
    g_autoptr(Collector) c = collector_new (stream);

    drain ();
    assert_items (c, "[]");
    assert_ended_ok (c);
  }
}

static void
test_take_until_disposed (Fixture       *f,
                          gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_take_until_disposed (chan.stream, G_OBJECT (obj)));

  g_object_unref (chan.stream);
  send_int (chan.tx, 1);
  send_int (chan.tx, 2);
  drain ();
  assert_items (c, "[1, 2]");
  /* Items still flowing: some queued, not yet delivered. */
  send_int (chan.tx, 3);
  send_int (chan.tx, 4);
  g_object_unref (obj);
  /* Disposed on the consuming thread: released at once. */
  g_assert_true (send_is_refused (chan.tx));
  drain ();
  assert_items (c, "[1, 2]");
  assert_ended_ok (c);
  g_object_unref (chan.tx);
}

typedef struct
{
  GcsSender *tx;
  gint       stop;   /* atomic */
  guint      sent;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;

  while (!g_atomic_int_get (&p->stop))
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;

      g_value_init (&value, G_TYPE_INT64);
      g_value_set_int64 (&value, p->sent);
      if (!gcs_sender_send_blocking (p->tx, &value, NULL, &error))
        {
          g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
          break;
        }
      p->sent++;
    }
  return NULL;
}

static void
test_take_until_disposed_flowing (Fixture       *f,
                                  gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsReceiver *rx = NULL;
  Producer p = { 0 };
  GcsStream *items;
  g_autoptr(Collector) c = NULL;
  GThread *thread;
  guint seen;

  gcs_channel_new (G_TYPE_INT64, 16, &p.tx, &rx);
  items = gcs_receiver_stream_new (rx);
  g_object_unref (rx);
  c = collector_new (gcs_stream_take_until_disposed (items, G_OBJECT (obj)));
  g_object_unref (items);
  thread = g_thread_new ("producer", producer_thread, &p);
  ITERATE_UNTIL (c->items->len >= 100);
  seen = c->items->len;
  /* Disposed from a callback of the main loop, as a widget is. */
  g_object_unref (obj);
  g_assert_true (c->items->len == seen);
  drain ();
  /* No item after the disposal, and the producer learns it is over. */
  g_assert_cmpuint (c->items->len, ==, seen);
  assert_ended_ok (c);
  g_thread_join (thread);
  g_assert_cmpuint (p.sent, >=, seen);
  g_object_unref (p.tx);
}

/* Disposed from a worker thread: the stream ends at the consumer's next
 * iteration; the time source behind it goes then. */

static gpointer
unref_thread (gpointer data)
{
  g_object_unref (data);
  return NULL;
}

static void
test_take_until_disposed_elsewhere (Fixture       *f,
                                    gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take_until_disposed, gcs_stream_interval (100),
                                                                          G_OBJECT (obj)));

  drain ();
  advance (100);
  advance (100);
  assert_items (c, "[0, 1]");
  g_assert_cmpuint (gcs_time_count_timers (), ==, 1);
  g_thread_join (g_thread_new ("unref", unref_thread, obj));
  drain ();
  assert_ended_ok (c);
  assert_items (c, "[0, 1]");
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
}

/* Disposed by a callback upstream, while the stream is polled. */

static void
dispose_at_2 (const GValue  *item,
              gpointer       data,
              GError       **error)
{
  if (g_value_get_int64 (item) == 2)
    g_object_run_dispose (data);
}

static void
test_take_until_disposed_in_poll (Fixture       *f,
                                  gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsStream *watched = OWNED (gcs_stream_inspect, INTS (1, 2, 3, 4), dispose_at_2, obj, NULL);
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take_until_disposed, watched, G_OBJECT (obj)));

  drain ();
  /* Item 2 was on its way out when the object went; 3 never comes. */
  assert_items (c, "[1, 2]");
  assert_ended_ok (c);
  g_object_unref (obj);
}

/* === /events/lines === */

static Collector *
lines_of_bytes (const char *data,
                gssize      len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len < 0 ? strlen (data) : (gsize) len);
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_bytes (bytes);

  return collector_new (gcs_stream_from_input_stream_lines (input));
}

static void
test_lines_memory (Fixture       *f,
                   gconstpointer  data)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "", "[]" },
    { "a", "[\"a\"]" },
    { "a\n", "[\"a\"]" },
    { "a\r\n", "[\"a\"]" },
    { "\n", "[\"\"]" },
    { "\n\n", "[\"\", \"\"]" },
    { "a\nb\r\nc", "[\"a\", \"b\", \"c\"]" },
    { "a\rb\n", "[\"a\rb\"]" },
    { "é\nü\r\n€", "[\"é\", \"ü\", \"€\"]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Collector) c = lines_of_bytes (cases[i].in, -1);

      ITERATE_UNTIL (c->done);
      assert_ended_ok (c);
      assert_items (c, cases[i].out);
    }
}

static void
test_lines_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(Collector) c = NULL;
  GString *content = g_string_new ("first\r\nsecond\n\r\n");
  int fd;

  /* Long enough for several reads, with lines across read boundaries. */
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (content, "line %u%s", i, i % 2 ? "\r\n" : "\n");
  g_string_append (content, "last, no newline");
  fd = g_file_open_tmp ("gcs-lines-XXXXXX", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, content->str, content->len, &error));
  g_assert_no_error (error);
  g_string_free (content, TRUE);

  file = g_file_new_for_path (path);
  input = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  c = collector_new (gcs_stream_from_input_stream_lines (G_INPUT_STREAM (input)));
  ITERATE_UNTIL (c->done);
  assert_ended_ok (c);
  g_assert_cmpuint (c->items->len, ==, 3 + 20000 + 1);
  g_assert_cmpstr (g_ptr_array_index (c->items, 0), ==, "\"first\"");
  g_assert_cmpstr (g_ptr_array_index (c->items, 1), ==, "\"second\"");
  g_assert_cmpstr (g_ptr_array_index (c->items, 2), ==, "\"\"");
  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *expected = g_strdup_printf ("\"line %u\"", i);

      g_assert_cmpstr (g_ptr_array_index (c->items, 3 + i), ==, expected);
    }
  g_assert_cmpstr (g_ptr_array_index (c->items, 20003), ==, "\"last, no newline\"");
  g_unlink (path);
}

static void
test_lines_invalid (Fixture       *f,
                    gconstpointer  data)
{
  {
    g_autoptr(Collector) c = lines_of_bytes ("ok\r\n\xff\xfe bad\nnever\n", -1);

    ITERATE_UNTIL (c->done);
    assert_items (c, "[\"ok\"]");
    g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (c->error->message, "Line 2"));
    g_assert_nonnull (strstr (c->error->message, "UTF-8"));
  }
  {
    /* A NUL can't be in a string either. */
    g_autoptr(Collector) c = lines_of_bytes ("a\nb\0c\n", 6);

    ITERATE_UNTIL (c->done);
    assert_items (c, "[\"a\"]");
    g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
  {
    /* A truncated sequence at the very end. */
    g_autoptr(Collector) c = lines_of_bytes ("a\n\xc3", -1);

    ITERATE_UNTIL (c->done);
    assert_items (c, "[\"a\"]");
    g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

static void
test_lines_subprocess (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process =
    g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "printf", "a\\nb\\r\\nc", NULL);
  g_autoptr(Collector) c = NULL;

  g_assert_no_error (error);
  c = collector_new (gcs_stream_from_input_stream_lines (g_subprocess_get_stdout_pipe (process)));
  ITERATE_UNTIL (c->done);
  assert_ended_ok (c);
  assert_items (c, "[\"a\", \"b\", \"c\"]");
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
}

/* Lines come as they are written; releasing the stream mid-read cancels
 * the read. */
static void
test_lines_pipe (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process =
    g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "cat", NULL);
  GOutputStream *to_cat;
  g_autoptr(Collector) c = NULL;

  g_assert_no_error (error);
  to_cat = g_subprocess_get_stdin_pipe (process);
  c = collector_new (gcs_stream_from_input_stream_lines (g_subprocess_get_stdout_pipe (process)));
  g_assert_true (g_output_stream_write_all (to_cat, "one\ntw", 6, NULL, NULL, &error));
  g_assert_no_error (error);
  ITERATE_UNTIL (c->items->len == 1);
  assert_items (c, "[\"one\"]");
  g_assert_true (g_output_stream_write_all (to_cat, "o\r\nthr", 6, NULL, NULL, &error));
  ITERATE_UNTIL (c->items->len == 2);
  assert_items (c, "[\"one\", \"two\"]");
  /* A read is in flight for "thr...": cancel. */
  g_cancellable_cancel (c->cancellable);
  ITERATE_UNTIL (c->done);
  g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The cancelled read reports back on the context, freeing the reader. */
  drain ();
  g_output_stream_close (to_cat, NULL, NULL);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
}

/* A socket: one end of a socketpair, the other written and shut down. */
static void
test_lines_socket (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) ours = NULL;
  g_autoptr(GSocket) theirs = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(Collector) c = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  ours = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  theirs = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (ours);
  c = collector_new (gcs_stream_from_input_stream_lines (g_io_stream_get_input_stream (G_IO_STREAM (connection))));

  g_assert_cmpint (g_socket_send (theirs, "x\r\ny", 4, NULL, &error), ==, 4);
  ITERATE_UNTIL (c->items->len == 1);
  g_assert_cmpint (g_socket_send (theirs, "z\n", 2, NULL, &error), ==, 2);
  g_assert_true (g_socket_shutdown (theirs, FALSE, TRUE, &error));
  ITERATE_UNTIL (c->done);
  assert_ended_ok (c);
  assert_items (c, "[\"x\", \"yz\"]");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_MANUAL(path, func) g_test_add (path, Fixture, GINT_TO_POINTER (TRUE), fixture_setup, func, fixture_teardown)
#define ADD_REAL(path, func) g_test_add (path, Fixture, GINT_TO_POINTER (FALSE), fixture_setup, func, fixture_teardown)

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
  ADD_MANUAL ("/events/switch-map/cancels-previous", test_switch_map);
  ADD_MANUAL ("/events/switch-map/cancel-on-release", test_switch_map_cancel);
  ADD_MANUAL ("/events/switch-map/error", test_switch_map_error);
  ADD_MANUAL ("/events/object/from-property", test_from_property);
  ADD_MANUAL ("/events/object/from-property/disposed", test_from_property_disposed);
  ADD_REAL ("/events/object/from-property/thread", test_from_property_thread);
  ADD_MANUAL ("/events/object/from-property/bad", test_from_property_bad);
  ADD_MANUAL ("/events/object/from-signal", test_from_signal);
  ADD_REAL ("/events/object/from-signal/thread", test_from_signal_thread);
  ADD_MANUAL ("/events/object/from-signal/unconsumed", test_from_signal_unconsumed);
  ADD_MANUAL ("/events/object/take-until-disposed", test_take_until_disposed);
  ADD_REAL ("/events/object/take-until-disposed/flowing", test_take_until_disposed_flowing);
  ADD_MANUAL ("/events/object/take-until-disposed/elsewhere", test_take_until_disposed_elsewhere);
  ADD_MANUAL ("/events/object/take-until-disposed/in-poll", test_take_until_disposed_in_poll);
  ADD_REAL ("/events/lines/memory", test_lines_memory);
  ADD_REAL ("/events/lines/file", test_lines_file);
  ADD_REAL ("/events/lines/invalid-utf8", test_lines_invalid);
  ADD_REAL ("/events/lines/process-stdout", test_lines_subprocess);
  ADD_REAL ("/events/lines/pipe", test_lines_pipe);
  ADD_REAL ("/events/lines/socket", test_lines_socket);

  return g_test_run ();
}
