/* test-stream-switch.c: switch_map
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gcs-stream-switch.c: each new item cancels and releases the inner
 * stream before it, the end waits for the current inner stream,
 * releasing the stream cancels the current one, a failing callback.
 * Run with the event tests' fixture (stream-clock-util.h): no time
 * source may be left.
 */

#include "stream-clock-util.h"

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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_MANUAL ("/events/switch-map/cancels-previous", test_switch_map);
  ADD_MANUAL ("/events/switch-map/cancel-on-release", test_switch_map_cancel);
  ADD_MANUAL ("/events/switch-map/error", test_switch_map_error);

  return g_test_run ();
}
