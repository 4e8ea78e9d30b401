/* test-stream-group.c: GcsStreamGroup against tokio-stream's StreamMap tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tokio-stream/tests/stream_stream_map.rs polls the map by hand and checks
 * Ready/Pending and whether the task was woken; these tests do the same
 * with a bare waker (the poll protocol of gcs-waker-private.h), then run
 * the group under a real driver. Each test names the tokio case it
 * translates. One difference is by design (API.md): an empty group that
 * is not closed is pending (it waits for inserts), where an empty
 * StreamMap is Ready(None); after gcs_stream_group_close() it ends.
 */

#include "operators-test-util.h"

/* A waker polled by hand: its flag says whether it was woken. */
static GcsWaker *
test_waker_new (void)
{
  GcsWaker *waker = gcs_waker_new ();

  g_atomic_int_set (&waker->woken, 0);
  return waker;
}

static gboolean
is_woken (GcsWaker *waker)
{
  return g_atomic_int_get (&waker->woken);
}

/* Polls once; on READY, @text is the item as text. */
static GcsPoll
poll_once (GcsStream  *stream,
           GcsWaker   *waker,
           char      **text)
{
  GValue item = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  GcsPoll result;

  g_atomic_int_set (&waker->woken, 0);
  waker->budget = GCS_DRIVER_BUDGET_ITEMS;
  waker->deadline = G_MAXINT64;
  result = gcs_stream_poll_next (stream, waker, &item, &error);
  if (text != NULL)
    *text = NULL;
  if (result == GCS_POLL_READY)
    {
      GString *s = g_string_new (NULL);

      append_value (s, &item);
      g_value_unset (&item);
      if (text != NULL)
        *text = g_string_free (s, FALSE);
      else
        g_string_free (s, TRUE);
    }
  return result;
}

#define assert_pending(s, w) g_assert_cmpint (poll_once ((s), (w), NULL), ==, GCS_POLL_PENDING)
#define assert_done(s, w) g_assert_cmpint (poll_once ((s), (w), NULL), ==, GCS_POLL_DONE)
#define assert_ready(s, w, expected)                                    \
  G_STMT_START {                                                        \
    g_autofree char *_text = NULL;                                      \
    g_assert_cmpint (poll_once ((s), (w), &_text), ==, GCS_POLL_READY); \
    g_assert_cmpstr (_text, ==, (expected));                            \
  } G_STMT_END

static void
test_empty (Fixture *f, gconstpointer data)
{
  /* tokio: empty (len 0, remove of a missing key is None); an open empty
   * group is pending, a closed one ends. */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  g_autoptr(GcsWaker) waker = test_waker_new ();
  g_auto(GStrv) keys = gcs_stream_group_get_keys (group);

  g_assert_cmpuint (gcs_stream_group_get_size (group), ==, 0);
  g_assert_cmpuint (g_strv_length (keys), ==, 0);
  g_assert_false (gcs_stream_group_remove (group, "foo"));
  assert_pending (GCS_STREAM (group), waker);
  gcs_stream_group_close (group);
  g_assert_true (is_woken (waker));
  assert_done (GCS_STREAM (group), waker);
  assert_done (GCS_STREAM (group), waker);
}

static void
test_single_entry (Fixture *f, gconstpointer data)
{
  /* tokio: single_entry. */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  g_autoptr(GcsWaker) waker = test_waker_new ();
  Chan chan = chan_new (G_TYPE_INT64);

  assert_pending (GCS_STREAM (group), waker);
  gcs_stream_group_insert (group, "foo", chan.stream);
  g_object_unref (chan.stream);
  /* The insert wakes the consumer of the empty group. */
  g_assert_true (is_woken (waker));
  g_assert_true (gcs_stream_group_contains (group, "foo"));
  g_assert_false (gcs_stream_group_contains (group, "bar"));
  g_assert_cmpuint (gcs_stream_group_get_size (group), ==, 1);

  assert_pending (GCS_STREAM (group), waker);
  send_int (chan.tx, 1);
  g_assert_true (is_woken (waker));
  assert_ready (GCS_STREAM (group), waker, "(foo,1)");
  assert_pending (GCS_STREAM (group), waker);
  send_int (chan.tx, 2);
  g_assert_true (is_woken (waker));
  assert_ready (GCS_STREAM (group), waker, "(foo,2)");
  assert_pending (GCS_STREAM (group), waker);
  g_clear_object (&chan.tx);
  g_assert_true (is_woken (waker));
  /* The entry's end removes it silently; the group stays open. */
  assert_pending (GCS_STREAM (group), waker);
  g_assert_false (gcs_stream_group_contains (group, "foo"));
  gcs_stream_group_close (group);
  assert_done (GCS_STREAM (group), waker);
}

static void
test_multiple_entries (Fixture *f, gconstpointer data)
{
  /* tokio: multiple_entries; the order of simultaneous items is fixed
   * here (polled in turn), so it is checked too. */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  g_autoptr(GcsWaker) waker = test_waker_new ();
  Chan c1 = chan_new (G_TYPE_INT64);
  Chan c2 = chan_new (G_TYPE_INT64);

  gcs_stream_group_insert (group, "foo", c1.stream);
  gcs_stream_group_insert (group, "bar", c2.stream);
  g_object_unref (c1.stream);
  g_object_unref (c2.stream);
  gcs_stream_group_close (group);

  assert_pending (GCS_STREAM (group), waker);
  send_int (c1.tx, 1);
  g_assert_true (is_woken (waker));
  assert_ready (GCS_STREAM (group), waker, "(foo,1)");
  assert_pending (GCS_STREAM (group), waker);
  send_int (c2.tx, 2);
  g_assert_true (is_woken (waker));
  assert_ready (GCS_STREAM (group), waker, "(bar,2)");
  assert_pending (GCS_STREAM (group), waker);
  send_int (c1.tx, 3);
  send_int (c2.tx, 4);
  g_assert_true (is_woken (waker));
  assert_ready (GCS_STREAM (group), waker, "(foo,3)");
  assert_ready (GCS_STREAM (group), waker, "(bar,4)");
  assert_pending (GCS_STREAM (group), waker);
  g_clear_object (&c1.tx);
  g_assert_true (is_woken (waker));
  assert_pending (GCS_STREAM (group), waker);
  g_clear_object (&c2.tx);
  assert_done (GCS_STREAM (group), waker);
}

static void
test_insert_remove (Fixture *f, gconstpointer data)
{
  /* tokio: insert_remove. Removing releases the stream here (its
   * receiver closes), where StreamMap hands it back: so the item sent
   * afterwards is refused. */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  g_autoptr(GcsWaker) waker = test_waker_new ();
  Chan chan = chan_new (G_TYPE_INT64);
  Chan other = chan_new (G_TYPE_INT64);

  gcs_stream_group_insert (group, "foo", chan.stream);
  g_object_unref (chan.stream);
  g_assert_true (gcs_stream_group_remove (group, "foo"));
  g_assert_false (gcs_stream_group_contains (group, "foo"));
  {
    g_auto(GValue) v = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;

    g_value_init (&v, G_TYPE_INT64);
    g_assert_false (gcs_sender_try_send (chan.tx, &v, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }
  g_assert_false (is_woken (waker));
  assert_pending (GCS_STREAM (group), waker);

  send_int (other.tx, 1);
  gcs_stream_group_insert (group, "bar", other.stream);
  g_object_unref (other.stream);
  assert_ready (GCS_STREAM (group), waker, "(bar,1)");
  g_assert_true (gcs_stream_group_remove (group, "bar"));
  assert_pending (GCS_STREAM (group), waker);
  g_assert_cmpuint (gcs_stream_group_get_size (group), ==, 0);
  g_object_unref (chan.tx);
  g_object_unref (other.tx);
}

static void
test_replace (Fixture *f, gconstpointer data)
{
  /* tokio: replace: inserting under an existing key replaces (and here
   * releases) the old stream. */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  g_autoptr(GcsWaker) waker = test_waker_new ();
  Chan c1 = chan_new (G_TYPE_INT64);
  Chan c2 = chan_new (G_TYPE_INT64);

  gcs_stream_group_insert (group, "foo", c1.stream);
  assert_pending (GCS_STREAM (group), waker);
  gcs_stream_group_insert (group, "foo", c2.stream);
  g_object_unref (c1.stream);
  g_object_unref (c2.stream);
  assert_pending (GCS_STREAM (group), waker);
  {
    g_auto(GValue) v = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;

    g_value_init (&v, G_TYPE_INT64);
    g_assert_false (gcs_sender_try_send (c1.tx, &v, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }
  assert_pending (GCS_STREAM (group), waker);
  send_int (c2.tx, 2);
  g_assert_true (is_woken (waker));
  assert_ready (GCS_STREAM (group), waker, "(foo,2)");
  g_assert_cmpuint (gcs_stream_group_get_size (group), ==, 1);
  g_object_unref (c1.tx);
  g_object_unref (c2.tx);
}

static void
test_keys_and_contains (Fixture *f, gconstpointer data)
{
  /* tokio: iter_keys, contains_key_borrow (keys in insertion order). */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  const char *names[] = { "a", "b", "c" };

  for (guint i = 0; i < 3; i++)
    {
      Chan chan = chan_new (G_TYPE_INT64);

      gcs_stream_group_insert (group, names[i], chan.stream);
      g_object_unref (chan.stream);
      g_object_unref (chan.tx);
    }
  {
    g_auto(GStrv) keys = gcs_stream_group_get_keys (group);
    g_autofree char *joined = g_strjoinv (",", keys);

    g_assert_cmpstr (joined, ==, "a,b,c");
  }
  g_assert_true (gcs_stream_group_contains (group, "b"));
}

static void
test_clear (Fixture *f, gconstpointer data)
{
  /* tokio: clear (every key removed; closed, the group ends). */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  g_autoptr(GcsWaker) waker = test_waker_new ();
  g_autoptr(GcsStream) a = INTS (1);
  g_autoptr(GcsStream) b = INTS (1, 2);
  g_autoptr(GcsStream) c = INTS (1, 2, 3);

  gcs_stream_group_insert (group, "a", a);
  gcs_stream_group_insert (group, "b", b);
  gcs_stream_group_insert (group, "c", c);
  assert_ready (GCS_STREAM (group), waker, "(a,1)");
  gcs_stream_group_remove (group, "a");
  gcs_stream_group_remove (group, "b");
  gcs_stream_group_remove (group, "c");
  gcs_stream_group_close (group);
  assert_done (GCS_STREAM (group), waker);
  g_assert_cmpuint (gcs_stream_group_get_size (group), ==, 0);
}

static void
test_one_ready_many_none (Fixture *f, gconstpointer data)
{
  /* tokio: one_ready_many_none: two empty streams, one with an item, one
   * pending: the item comes, the empty ones leave silently. */
  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
      g_autoptr(GcsWaker) waker = test_waker_new ();
      g_autoptr(GcsStream) e0 = NO_INTS ();
      g_autoptr(GcsStream) e1 = NO_INTS ();
      g_autoptr(GcsStream) once = INTS (7);
      Chan pending = chan_new (G_TYPE_INT64);

      gcs_stream_group_insert (group, "0", e0);
      gcs_stream_group_insert (group, "1", e1);
      gcs_stream_group_insert (group, "2", once);
      gcs_stream_group_insert (group, "3", pending.stream);
      assert_ready (GCS_STREAM (group), waker, "(2,7)");
      assert_pending (GCS_STREAM (group), waker);
      {
        g_auto(GStrv) keys = gcs_stream_group_get_keys (group);
        g_autofree char *joined = g_strjoinv (",", keys);

        g_assert_cmpstr (joined, ==, "3");
      }
      g_object_unref (pending.stream);
      g_object_unref (pending.tx);
    }
}

static void
test_fair (Fixture *f, gconstpointer data)
{
  /* tokio: poll_next_many_correctly_loops_around: busy streams take turns,
   * the rotation going on from the last one served. */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  g_autoptr(GcsStream) s0 = INTS (0);
  g_autoptr(GcsStream) s1 = INTS (0, 1);
  g_autoptr(GcsStream) s2 = INTS (0, 1, 2);
  g_autoptr(Collector) c = NULL;

  gcs_stream_group_insert (group, "0", s0);
  gcs_stream_group_insert (group, "1", s1);
  gcs_stream_group_insert (group, "2", s2);
  gcs_stream_group_close (group);
  c = collector_new_untimed (g_object_ref (GCS_STREAM (group)));
  drain ();
  assert_text (c, "(0,0) (1,0) (2,0) (1,1) (2,1) (2,2) |");
}

static void
test_error (Fixture *f, gconstpointer data)
{
  /* An inner error fails the group (StreamMap has no errors: futures'
   * select_all passes a Result item on; here the stream fails). The
   * other streams are released. */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(GcsStream) failing = failing_stream (3);
  g_autoptr(Collector) c = NULL;

  gcs_stream_group_insert (group, "ok", chan.stream);
  g_object_unref (chan.stream);
  send_int (chan.tx, 1);
  c = collector_new_untimed (g_object_ref (GCS_STREAM (group)));
  drain ();
  assert_text (c, "(ok,1)");
  gcs_stream_group_insert (group, "bad", failing);
  drain ();
  assert_text (c, "(ok,1) #");
  g_assert_error (c->error, TEST_ERROR, 3);
  g_assert_cmpuint (gcs_stream_group_get_size (group), ==, 0);
  {
    g_auto(GValue) v = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;

    g_value_init (&v, G_TYPE_INT64);
    g_assert_false (gcs_sender_try_send (chan.tx, &v, &error));
  }
  g_object_unref (chan.tx);
}

static void
test_driven (Fixture *f, gconstpointer data)
{
  /* Under a real driver: inserts while it waits on an empty group wake
   * it; removal from a callback of the consumer. */
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  g_autoptr(Collector) c = collector_new_untimed (g_object_ref (GCS_STREAM (group)));
  Chan a = chan_new (G_TYPE_INT64);
  Chan b = chan_new (G_TYPE_INT64);

  drain ();
  assert_text (c, "");
  gcs_stream_group_insert (group, "a", a.stream);
  send_int (a.tx, 1);
  drain ();
  assert_text (c, "(a,1)");
  gcs_stream_group_insert (group, "b", b.stream);
  send_int (b.tx, 2);
  drain ();
  assert_text (c, "(a,1) (b,2)");
  gcs_stream_group_remove (group, "a");
  gcs_stream_group_close (group);
  drain ();
  g_assert_false (c->done);
  g_clear_object (&b.tx);
  drain ();
  assert_text (c, "(a,1) (b,2) |");
  g_object_unref (a.stream);
  g_object_unref (b.stream);
  g_object_unref (a.tx);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_REAL ("/group/empty", test_empty);
  ADD_REAL ("/group/single-entry", test_single_entry);
  ADD_REAL ("/group/multiple-entries", test_multiple_entries);
  ADD_REAL ("/group/insert-remove", test_insert_remove);
  ADD_REAL ("/group/replace", test_replace);
  ADD_REAL ("/group/keys-and-contains", test_keys_and_contains);
  ADD_REAL ("/group/clear", test_clear);
  ADD_REAL ("/group/one-ready-many-none", test_one_ready_many_none);
  ADD_REAL ("/group/fair", test_fair);
  ADD_REAL ("/group/error", test_error);
  ADD_REAL ("/group/driven", test_driven);

  return g_test_run ();
}
