/* operators-test-util.h: what the operator tests share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Header-only (each test program includes it once). The programs are
 * linked with the library's objects for the manual clock
 * (gcs-time-private.h): time moves only when a test says so, so the time
 * tests are exact and cannot be flaky.
 *
 * Marbles: RxJS's tests are written as marble diagrams, one character per
 * frame ('-' nothing, a letter or digit an item, '|' the end, '#' an
 * error). marble_new() turns one into a stream fed by a channel, and
 * marble_run() plays it on the manual clock, a frame being FRAME_MS: at
 * each frame the clock moves on first (timers due then fire), then the
 * frame's item is sent and the context drained. The collector records
 * each item with its frame, as "a@1 y@5 |@22", so a translated case reads
 * like RxJS's expected marble.
 */

#pragma once

#define GLIB_DISABLE_DEPRECATION_WARNINGS

#include <stdlib.h>
#include <string.h>

#include <gchanstream/gchanstream.h>

#include "gcs-time-private.h"

#define TEST_ERROR (test_error_quark ())
GQuark test_error_quark (void);
G_DEFINE_QUARK (test-error-quark, test_error)

#define FRAME_MS 10
#define T0_USEC (1000 * G_USEC_PER_SEC)

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
    gcs_time_set_manual (TRUE, T0_USEC);
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

#define ADD_MANUAL(path, func) g_test_add (path, Fixture, GINT_TO_POINTER (TRUE), fixture_setup, func, fixture_teardown)
#define ADD_REAL(path, func) g_test_add (path, Fixture, GINT_TO_POINTER (FALSE), fixture_setup, func, fixture_teardown)

/* Manual clock: moves it on by @ms and runs what became ready. */
static G_GNUC_UNUSED void
advance (guint ms)
{
  gcs_time_advance (g_main_context_get_thread_default (), (gint64) ms * 1000);
  drain ();
}

static G_GNUC_UNUSED guint
current_frame (void)
{
  return (guint) ((gcs_time_now () - T0_USEC) / (FRAME_MS * 1000));
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
  else if (G_VALUE_HOLDS_STRING (value))
    g_string_append (s, g_value_get_string (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_VALUE_ARRAY))
    {
      GValueArray *array = g_value_get_boxed (value);

      g_string_append_c (s, '(');
      for (guint i = 0; i < array->n_values; i++)
        {
          if (i > 0)
            g_string_append (s, ",");
          append_value (s, g_value_array_get_nth (array, i));
        }
      g_string_append_c (s, ')');
    }
  else if (G_VALUE_HOLDS_OBJECT (value))
    g_string_append_printf (s, "<%s>", G_VALUE_TYPE_NAME (value));
  else
    g_string_append_printf (s, "<%s?>", G_VALUE_TYPE_NAME (value));
}

/* Collector: for_each_async into a text "a@1 b@3 |@5" (with the manual
 * clock; "a b |" with @timed FALSE). */

typedef struct
{
  GString      *text;
  GCancellable *cancellable;
  gboolean      timed;
  gboolean      done;
  guint         n_items;
  GError       *error;
} Collector;

static void
collector_mark (Collector  *c,
                const char *what)
{
  if (c->text->len > 0)
    g_string_append_c (c->text, ' ');
  g_string_append (c->text, what);
  if (c->timed)
    g_string_append_printf (c->text, "@%u", current_frame ());
}

static void
collector_item (const GValue  *item,
                gpointer       data,
                GError       **error)
{
  Collector *c = data;
  GString *s = g_string_new (NULL);

  g_assert_false (c->done);
  append_value (s, item);
  collector_mark (c, s->str);
  g_string_free (s, TRUE);
  c->n_items++;
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
  if (c->error == NULL)
    collector_mark (c, "|");
  else if (g_error_matches (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    collector_mark (c, "!");
  else
    collector_mark (c, "#");
}

/* Consumes @stream (transfer full). */
static Collector *
collector_new_full (GcsStream *stream,
                    gboolean   timed)
{
  Collector *c = g_new0 (Collector, 1);

  g_assert_nonnull (stream);
  c->text = g_string_new (NULL);
  c->timed = timed;
  c->cancellable = g_cancellable_new ();
  gcs_stream_for_each_async (stream, collector_item, c, NULL, c->cancellable, collector_done, c);
  g_object_unref (stream);
  return c;
}

static G_GNUC_UNUSED Collector *
collector_new (GcsStream *stream)
{
  return collector_new_full (stream, TRUE);
}

static G_GNUC_UNUSED Collector *
collector_new_untimed (GcsStream *stream)
{
  return collector_new_full (stream, FALSE);
}

static void
collector_free (Collector *c)
{
  if (!c->done)
    {
      g_cancellable_cancel (c->cancellable);
      drain ();
    }
  g_assert_true (c->done);
  g_string_free (c->text, TRUE);
  g_object_unref (c->cancellable);
  g_clear_error (&c->error);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collector, collector_free)

#define assert_text(c, expected)                         \
  G_STMT_START {                                         \
    g_assert_cmpstr ((c)->text->str, ==, (expected));    \
  } G_STMT_END

/* Channels and streams over them */

typedef struct
{
  GcsSender *tx;
  GcsStream *stream;   /* a ReceiverStream */
} Chan;

static G_GNUC_UNUSED Chan
chan_new (GType type)
{
  Chan chan;
  GcsReceiver *rx = NULL;

  gcs_channel_new_unbounded (type, &chan.tx, &rx);
  chan.stream = gcs_receiver_stream_new (rx);
  g_object_unref (rx);
  return chan;
}

static G_GNUC_UNUSED void
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

static G_GNUC_UNUSED void
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

static G_GNUC_UNUSED GcsStream *
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
#define NO_INTS() ints_stream (NULL, 0)

/* A stream that fails at once with TEST_ERROR @code. */
static G_GNUC_UNUSED void
fail_always (const GValue  *item,
             GValue        *result,
             gpointer       data,
             GError       **error)
{
  g_set_error (error, TEST_ERROR, GPOINTER_TO_INT (data), "failed %d", GPOINTER_TO_INT (data));
}

static G_GNUC_UNUSED GcsStream *
failing_stream (int code)
{
  g_autoptr(GcsStream) one = INTS (0);

  return gcs_stream_map (one, fail_always, GINT_TO_POINTER (code), NULL);
}

/* Marbles */

static void
fail_on_hash (const GValue  *item,
              GValue        *result,
              gpointer       data,
              GError       **error)
{
  if (g_str_equal (g_value_get_string (item), "#"))
    {
      g_set_error_literal (error, TEST_ERROR, 1, "marble error");
      return;
    }
  g_value_init (result, G_TYPE_STRING);
  g_value_copy (item, result);
}

typedef struct
{
  char      *spec;
  GcsSender *tx;
  GcsStream *stream;   /* strings; fails at '#' */
} Marble;

/* A hot stream playing @spec; items are one-character strings. */
static G_GNUC_UNUSED Marble *
marble_new (const char *spec)
{
  Marble *m = g_new0 (Marble, 1);
  Chan chan = chan_new (G_TYPE_STRING);

  m->spec = g_strdup (spec);
  m->tx = chan.tx;
  m->stream = gcs_stream_map (chan.stream, fail_on_hash, NULL, NULL);
  g_object_unref (chan.stream);
  return m;
}

static G_GNUC_UNUSED void
marble_free (Marble *m)
{
  g_clear_object (&m->tx);
  g_clear_object (&m->stream);
  g_free (m->spec);
  g_free (m);
}

/* What @m does at @frame. */
static void
marble_frame (Marble *m,
              guint   frame)
{
  char c;

  if (m->tx == NULL || frame >= strlen (m->spec))
    return;
  c = m->spec[frame];
  if (c == '-' || c == ' ')
    return;
  if (c == '|')
    {
      gcs_sender_close (m->tx);
      g_clear_object (&m->tx);
      return;
    }
  {
    char item[2] = { c, 0 };
    g_auto(GValue) value = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;

    /* A hot source: sends into a stream that is gone are lost. */
    g_value_init (&value, G_TYPE_STRING);
    g_value_set_string (&value, item);
    if (!gcs_sender_try_send (m->tx, &value, &error))
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }
}

/* Plays @marbles (NULL-terminated) frame by frame up to @n_frames, from
 * frame 0 at the start of the test's clock: at each frame the clock
 * moves on (timers due fire), then the frame's items are sent. */
static G_GNUC_UNUSED void
marbles_run (Marble **marbles,
             guint    n_frames)
{
  drain ();
  for (guint frame = 0; frame < n_frames; frame++)
    {
      if (frame > 0)
        advance (FRAME_MS);
      for (guint i = 0; marbles[i] != NULL; i++)
        marble_frame (marbles[i], frame);
      drain ();
    }
}

static G_GNUC_UNUSED void
marble_run (Marble *m,
            guint   n_frames)
{
  Marble *marbles[] = { m, NULL };

  marbles_run (marbles, n_frames);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Marble, marble_free)
