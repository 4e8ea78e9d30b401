/* test-share.c: GcsShare against RxJS's share and shareReplay specs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Marbles on the manual clock as in test-operators-time.c; a subscriber
 * that joins at frame n is a collector made at that frame. Each test names
 * the RxJS case (spec/operators/share-spec.ts, shareReplay-spec.ts) it
 * translates. RxJS's share restarts the source for a subscriber after an
 * end (refCount reset); a GcsShare consumes its stream once, so a late
 * subscriber gets the replayed items and the end, as with shareReplay.
 */

#include "operators-test-util.h"

typedef struct
{
  guint       frame;
  Collector **collector;
} Join;

/* Plays @m and makes a subscriber of @share at each join's frame. */
static void
play_with_joins (GcsShare *share,
                 Marble   *m,
                 Join     *joins,
                 guint     n_joins,
                 guint     n_frames)
{
  drain ();
  gcs_time_set_manual (TRUE, T0_USEC);
  for (guint frame = 0; frame < n_frames; frame++)
    {
      if (frame > 0)
        advance (FRAME_MS);
      for (guint i = 0; i < n_joins; i++)
        if (joins[i].frame == frame)
          *joins[i].collector = collector_new (gcs_share_subscribe (share));
      drain ();
      marble_frame (m, frame);
      drain ();
    }
}

static void
test_share_replay_1 (Fixture *f, gconstpointer data)
{
  /* shareReplay: "should multicast the same values to multiple observers,
   * bufferSize=1". */
  g_autoptr(Marble) m = marble_new ("-1-2-3----4-|");
  g_autoptr(GcsShare) share = gcs_stream_share (m->stream, 16, 1);
  g_autoptr(Collector) c1 = NULL;
  g_autoptr(Collector) c2 = NULL;
  g_autoptr(Collector) c3 = NULL;
  Join joins[] = { { 0, &c1 }, { 4, &c2 }, { 8, &c3 } };

  play_with_joins (share, m, joins, 3, 14);
  /* RxJS: '-1-2-3----4-|', '----23----4-|', '--------3-4-|' */
  assert_text (c1, "1@1 2@3 3@5 4@10 |@12");
  assert_text (c2, "2@4 3@5 4@10 |@12");
  assert_text (c3, "3@8 4@10 |@12");
}

static void
test_share_replay_2 (Fixture *f, gconstpointer data)
{
  /* shareReplay: "should multicast the same values to multiple observers,
   * bufferSize=2". */
  g_autoptr(Marble) m = marble_new ("-1-2-----3------4-|");
  g_autoptr(GcsShare) share = gcs_stream_share (m->stream, 16, 2);
  g_autoptr(Collector) c1 = NULL;
  g_autoptr(Collector) c2 = NULL;
  g_autoptr(Collector) c3 = NULL;
  Join joins[] = { { 0, &c1 }, { 4, &c2 }, { 11, &c3 } };

  play_with_joins (share, m, joins, 3, 20);
  /* RxJS: '-1-2-----3------4-|', '----(12)-3------4-|', '-----------(23)-4-|' */
  assert_text (c1, "1@1 2@3 3@9 4@16 |@18");
  assert_text (c2, "1@4 2@4 3@9 4@16 |@18");
  assert_text (c3, "2@11 3@11 4@16 |@18");
}

static void
test_share_error (Fixture *f, gconstpointer data)
{
  /* shareReplay: "should multicast an error from the source to multiple
   * observers". */
  g_autoptr(Marble) m = marble_new ("-1-2-3----4-#");
  g_autoptr(GcsShare) share = gcs_stream_share (m->stream, 16, 1);
  g_autoptr(Collector) c1 = NULL;
  g_autoptr(Collector) c2 = NULL;
  g_autoptr(Collector) c3 = NULL;
  Join joins[] = { { 0, &c1 }, { 4, &c2 }, { 8, &c3 } };

  play_with_joins (share, m, joins, 3, 14);
  assert_text (c1, "1@1 2@3 3@5 4@10 #@12");
  assert_text (c2, "2@4 3@5 4@10 #@12");
  assert_text (c3, "3@8 4@10 #@12");
  g_assert_error (c1->error, TEST_ERROR, 1);
  g_assert_error (c3->error, TEST_ERROR, 1);
}

static void
test_share_replay_after_end (Fixture *f, gconstpointer data)
{
  /* shareReplay: "should replay results to subsequent subscriptions if
   * source completes, bufferSize=2"; and "should multicast an empty
   * source". */
  g_autoptr(Marble) m = marble_new ("-1-2-----3-|");
  g_autoptr(GcsShare) share = gcs_stream_share (m->stream, 16, 2);
  g_autoptr(Collector) c1 = NULL;
  g_autoptr(Collector) c2 = NULL;
  g_autoptr(Collector) c3 = NULL;
  Join joins[] = { { 0, &c1 }, { 4, &c2 }, { 15, &c3 } };

  play_with_joins (share, m, joins, 3, 17);
  assert_text (c1, "1@1 2@3 3@9 |@11");
  assert_text (c2, "1@4 2@4 3@9 |@11");
  /* RxJS: '---------------(23|)' */
  assert_text (c3, "2@15 3@15 |@15");

  {
    g_autoptr(GcsStream) empty = NO_INTS ();
    g_autoptr(GcsShare) empty_share = gcs_stream_share (empty, 4, 1);
    g_autoptr(Collector) c = collector_new_untimed (gcs_share_subscribe (empty_share));

    drain ();
    assert_text (c, "|");
  }
}

static void
test_share_mirror (Fixture *f, gconstpointer data)
{
  /* share: "should mirror a simple source Observable", and late
   * subscribers see only later items (replay 0, RxJS's share()). */
  g_autoptr(Marble) m = marble_new ("--1-2---3-4--5-|");
  g_autoptr(GcsShare) share = gcs_stream_share (m->stream, 16, 0);
  g_autoptr(Collector) c1 = NULL;
  g_autoptr(Collector) c2 = NULL;
  Join joins[] = { { 0, &c1 }, { 6, &c2 } };

  play_with_joins (share, m, joins, 2, 17);
  assert_text (c1, "1@2 2@4 3@8 4@10 5@13 |@15");
  assert_text (c2, "3@8 4@10 5@13 |@15");
}

static GcsStream *
counting_factory (gpointer   data,
                  GError   **error)
{
  guint *calls = data;

  (*calls)++;
  return INTS (1, 2, 3);
}

static void
test_share_lazy_and_once (Fixture *f, gconstpointer data)
{
  /* share: "should share a single subscription": the source is made and
   * consumed once for all subscribers; and nothing is polled while no
   * subscriber is consumed. */
  guint calls = 0;
  g_autoptr(GcsStream) deferred = gcs_stream_defer (counting_factory, &calls, NULL);
  g_autoptr(GcsShare) share = gcs_stream_share (deferred, 16, 0);
  GcsStream *s1 = gcs_share_subscribe (share);
  GcsStream *s2 = gcs_share_subscribe (share);

  drain ();
  g_assert_cmpuint (calls, ==, 0);
  {
    g_autoptr(Collector) c1 = collector_new_untimed (s1);
    g_autoptr(Collector) c2 = collector_new_untimed (s2);

    drain ();
    g_assert_cmpuint (calls, ==, 1);
    assert_text (c1, "1 2 3 |");
    assert_text (c2, "1 2 3 |");
  }
}

static void
lagged_cb (GcsShareStream *stream,
           guint64         count,
           gpointer        data)
{
  *(guint64 *) data += count;
}

static void
test_share_lag (Fixture *f, gconstpointer data)
{
  guint64 signalled = 0;
  /* Like a BroadcastStream: a subscriber more than capacity behind skips
   * the oldest items and counts them in "lagged". */
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(GcsShare) share = gcs_stream_share (chan.stream, 2, 0);
  GcsStream *slow = gcs_share_subscribe (share);
  g_autoptr(Collector) fast = collector_new_untimed (gcs_share_subscribe (share));

  g_object_unref (chan.stream);
  g_signal_connect (slow, "lagged", G_CALLBACK (lagged_cb), &signalled);
  for (gint64 i = 1; i <= 5; i++)
    send_int (chan.tx, i);
  drain ();
  assert_text (fast, "1 2 3 4 5");
  g_assert_cmpuint (gcs_share_stream_get_lagged (GCS_SHARE_STREAM (slow)), ==, 0);
  {
    g_autoptr(Collector) late = collector_new_untimed (g_object_ref (slow));
    guint64 lagged = 0;

    drain ();
    assert_text (late, "4 5");
    g_object_get (slow, "lagged", &lagged, NULL);
    g_assert_cmpuint (lagged, ==, 3);
    g_assert_cmpuint (signalled, ==, 3);
    g_clear_object (&chan.tx);
    drain ();
    assert_text (late, "4 5 |");
    assert_text (fast, "1 2 3 4 5 |");
  }
  g_object_unref (slow);
}

static void
test_share_release_one (Fixture *f, gconstpointer data)
{
  /* share: "should not break unsubscription chains": a subscriber that
   * goes (its operation cancelled) leaves the others running, even when
   * it was the one whose waker the upstream kept. */
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(GcsShare) share = gcs_stream_share (chan.stream, 8, 0);
  g_autoptr(Collector) a = collector_new_untimed (gcs_share_subscribe (share));
  g_autoptr(Collector) b = collector_new_untimed (gcs_share_subscribe (share));

  g_object_unref (chan.stream);
  drain ();
  send_int (chan.tx, 1);
  drain ();
  assert_text (a, "1");
  assert_text (b, "1");
  g_cancellable_cancel (b->cancellable);
  g_cancellable_cancel (b->cancellable);
  drain ();
  send_int (chan.tx, 2);
  drain ();
  assert_text (a, "1 2");
  assert_text (b, "1 !");
  g_clear_object (&chan.tx);
  drain ();
  assert_text (a, "1 2 |");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_MANUAL ("/share/replay-1", test_share_replay_1);
  ADD_MANUAL ("/share/replay-2", test_share_replay_2);
  ADD_MANUAL ("/share/error", test_share_error);
  ADD_MANUAL ("/share/replay-after-end", test_share_replay_after_end);
  ADD_MANUAL ("/share/mirror", test_share_mirror);
  ADD_MANUAL ("/share/lazy-and-once", test_share_lazy_and_once);
  ADD_MANUAL ("/share/lag", test_share_lag);
  ADD_MANUAL ("/share/release-one", test_share_release_one);

  return g_test_run ();
}
