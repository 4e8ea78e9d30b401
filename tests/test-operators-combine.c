/* test-operators-combine.c: combine_latest, with_latest_from, merge_all,
 * start_with, pairwise, enumerate, map_while, exhaust_map, take_until,
 * take_until_cancelled, on_end, defer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As test-operators-time.c: each case names the RxJS spec it translates
 * (spec/operators/<operator>-spec.ts, or spec/observables/ for defer),
 * its marbles played on the manual clock, a frame being 10 ms. Rust's
 * enumerate and map_while are checked against what Iterator/StreamExt
 * document.
 */

#include "operators-test-util.h"

#define MS(frames) ((frames) * FRAME_MS)

static Collector *
play_all (GcsStream  *stream,   /* transfer full */
          Marble    **marbles,
          guint       n_frames)
{
  Collector *c;

  drain ();
  gcs_time_set_manual (TRUE, T0_USEC);
  c = collector_new (stream);
  marbles_run (marbles, n_frames);
  return c;
}

static Collector *
play (GcsStream *stream,
      Marble    *m,
      guint      n_frames)
{
  Marble *marbles[] = { m, NULL };

  return play_all (stream, marbles, n_frames);
}

/* === combine_latest === */

static void
test_combine_latest_array (Fixture *f, gconstpointer data)
{
  /* combineLatest: "should accept array of observables". */
  g_autoptr(Marble) e1 = marble_new ("---b--c--|");
  g_autoptr(Marble) e2 = marble_new ("----f--g--|");
  g_autoptr(Marble) e3 = marble_new ("-----i--j-|");
  GcsStream *streams[] = { e1->stream, e2->stream, e3->stream };
  Marble *marbles[] = { e1, e2, e3, NULL };
  g_autoptr(Collector) c = play_all (gcs_stream_combine_latest (streams, 3), marbles, 12);

  /* RxJS: '-----wxyz-|' with w bfi, x cfi, y cgi, z cgj */
  assert_text (c, "(b,f,i)@5 (c,f,i)@6 (c,g,i)@7 (c,g,j)@8 |@10");
}

static void
test_combine_latest_two (Fixture *f, gconstpointer data)
{
  /* combineLatest: "should combine events from two cold observables". */
  g_autoptr(Marble) e1 = marble_new ("-a--b-----c-d-e-|");
  g_autoptr(Marble) e2 = marble_new ("--1--2-3-4---|");
  GcsStream *streams[] = { e1->stream, e2->stream };
  Marble *marbles[] = { e1, e2, NULL };
  g_autoptr(Collector) c = play_all (gcs_stream_combine_latest (streams, 2), marbles, 18);

  /* RxJS: '--A-BC-D-EF-G-H-|' */
  assert_text (c, "(a,1)@2 (b,1)@4 (b,2)@5 (b,3)@7 (b,4)@9 (c,4)@10 (d,4)@12 (e,4)@14 |@16");
}

static void
test_combine_latest_end_without_item (Fixture *f, gconstpointer data)
{
  /* combineLatest: "should complete if a source completes without
   * emitting" (the set can never be complete), and "should work with
   * empty and error". */
  {
    g_autoptr(Marble) e1 = marble_new ("-a-----");
    g_autoptr(Marble) e2 = marble_new ("---|");
    GcsStream *streams[] = { e1->stream, e2->stream };
    Marble *marbles[] = { e1, e2, NULL };
    g_autoptr(Collector) c = play_all (gcs_stream_combine_latest (streams, 2), marbles, 6);

    assert_text (c, "|@3");
  }
  {
    g_autoptr(Marble) e1 = marble_new ("-a-----");
    g_autoptr(Marble) e2 = marble_new ("--b-#");
    GcsStream *streams[] = { e1->stream, e2->stream };
    Marble *marbles[] = { e1, e2, NULL };
    g_autoptr(Collector) c = play_all (gcs_stream_combine_latest (streams, 2), marbles, 6);

    assert_text (c, "(a,b)@2 #@4");
    g_assert_error (c->error, TEST_ERROR, 1);
  }
  {
    /* No streams: empty at once (RxJS: combineLatest([]) completes). */
    g_autoptr(Collector) c = collector_new_untimed (gcs_stream_combine_latest (NULL, 0));

    drain ();
    assert_text (c, "|");
  }
}

/* === with_latest_from === */

static void
test_with_latest_from (Fixture *f, gconstpointer data)
{
  /* withLatestFrom: "should combine events from cold observables". */
  g_autoptr(Marble) e2 = marble_new ("--1--2-3-4---|");
  g_autoptr(Marble) e1 = marble_new ("-a--b-----c-d-e-|");
  Marble *marbles[] = { e1, e2, NULL };
  g_autoptr(Collector) c = play_all (gcs_stream_with_latest_from (e1->stream, e2->stream), marbles, 18);

  /* RxJS: '----B-----C-D-E-|' */
  assert_text (c, "(b,1)@4 (c,4)@10 (d,4)@12 (e,4)@14 |@16");
}

static void
test_with_latest_from_error (Fixture *f, gconstpointer data)
{
  /* withLatestFrom: "should raise error when other raises error" and
   * "should handle source throw". */
  {
    g_autoptr(Marble) e2 = marble_new ("-1---#");
    g_autoptr(Marble) e1 = marble_new ("--a------|");
    Marble *marbles[] = { e1, e2, NULL };
    g_autoptr(Collector) c = play_all (gcs_stream_with_latest_from (e1->stream, e2->stream), marbles, 10);

    assert_text (c, "(a,1)@2 #@5");
  }
  {
    g_autoptr(Marble) e2 = marble_new ("-1-------");
    g_autoptr(Marble) e1 = marble_new ("--#");
    Marble *marbles[] = { e1, e2, NULL };
    g_autoptr(Collector) c = play_all (gcs_stream_with_latest_from (e1->stream, e2->stream), marbles, 4);

    assert_text (c, "#@2");
  }
}

/* === merge_all === */

static void
test_merge_all (Fixture *f, gconstpointer data)
{
  /* merge: "should merge cold and cold" / "should merge hot and hot", for
   * three streams; ends when all ended. */
  g_autoptr(Marble) e1 = marble_new ("-a-----b-----c----|");
  g_autoptr(Marble) e2 = marble_new ("--d-----e-----f--|");
  g_autoptr(Marble) e3 = marble_new ("---g------|");
  GcsStream *streams[] = { e1->stream, e2->stream, e3->stream };
  Marble *marbles[] = { e1, e2, e3, NULL };
  g_autoptr(Collector) c = play_all (gcs_stream_merge_all (streams, 3), marbles, 20);

  assert_text (c, "a@1 d@2 g@3 b@7 e@8 c@13 f@14 |@18");
}

static void
test_merge_all_fair (Fixture *f, gconstpointer data)
{
  /* Fairness (futures' select_all): busy inputs take turns. */
  g_autoptr(GcsStream) a = INTS (1, 2, 3);
  g_autoptr(GcsStream) b = INTS (10, 20, 30);
  g_autoptr(GcsStream) c3 = INTS (100);
  GcsStream *streams[] = { a, b, c3 };
  g_autoptr(Collector) c = collector_new_untimed (gcs_stream_merge_all (streams, 3));

  drain ();
  assert_text (c, "1 10 100 2 20 3 30 |");

  {
    g_autoptr(GcsStream) e = INTS (1);
    g_autoptr(GcsStream) failing = failing_stream (5);
    GcsStream *two[] = { e, failing };
    g_autoptr(Collector) c2 = collector_new_untimed (gcs_stream_merge_all (two, 2));

    drain ();
    assert_text (c2, "1 #");
    g_assert_error (c2->error, TEST_ERROR, 5);
  }
  {
    g_autoptr(Collector) c0 = collector_new_untimed (gcs_stream_merge_all (NULL, 0));

    drain ();
    assert_text (c0, "|");
  }
}

/* === start_with, pairwise, enumerate, map_while === */

static void
test_start_with (Fixture *f, gconstpointer data)
{
  /* startWith: "should prepend to a cold Observable", "should start with
   * given value and complete immediately if source is empty". */
  g_auto(GValue) s = G_VALUE_INIT;

  g_value_init (&s, G_TYPE_STRING);
  g_value_set_string (&s, "s");
  {
    g_autoptr(Marble) m = marble_new ("---a--b--c--|");
    g_autoptr(Collector) c = play (gcs_stream_start_with (m->stream, &s), m, 14);

    /* RxJS: 's--a--b--c--|' */
    assert_text (c, "s@0 a@3 b@6 c@9 |@12");
  }
  {
    g_autoptr(Collector) c = collector_new_untimed (OWNED (gcs_stream_start_with, NO_INTS (), &s));

    drain ();
    /* RxJS: '(x|)' */
    assert_text (c, "s |");
  }
  {
    /* "should start with given value and does not completes if source
     * never emits" */
    g_autoptr(Marble) m = marble_new ("------");
    g_autoptr(Collector) c = play (gcs_stream_start_with (m->stream, &s), m, 6);

    assert_text (c, "s@0");
  }
}

static void
test_pairwise (Fixture *f, gconstpointer data)
{
  /* pairwise: "should group consecutive emissions as arrays of two". */
  {
    g_autoptr(Marble) m = marble_new ("--a--b-c----d--e---|");
    g_autoptr(Collector) c = play (gcs_stream_pairwise (m->stream), m, 21);

    /* RxJS: '-----u-v----w--x---|' */
    assert_text (c, "(a,b)@5 (b,c)@7 (c,d)@12 (d,e)@15 |@19");
  }
  {
    /* "should not emit on single-element streams" */
    g_autoptr(Marble) m = marble_new ("---b----|");
    g_autoptr(Collector) c = play (gcs_stream_pairwise (m->stream), m, 10);

    assert_text (c, "|@8");
  }
  {
    /* "should handle mid-stream throw" */
    g_autoptr(Marble) m = marble_new ("---b--c--d--e--#");
    g_autoptr(Collector) c = play (gcs_stream_pairwise (m->stream), m, 17);

    /* RxJS: '------v--w--x--#' */
    assert_text (c, "(b,c)@6 (c,d)@9 (d,e)@12 #@15");
  }
}

static void
test_enumerate (Fixture *f, gconstpointer data)
{
  /* Rust's Iterator::enumerate / StreamExt::enumerate doc examples:
   * ('a', 'b', 'c') -> (0, 'a'), (1, 'b'), (2, 'c'), the index a usize
   * (a guint64 here). */
  g_autoptr(Marble) m = marble_new ("abc|");
  g_autoptr(Collector) c = play (gcs_stream_enumerate (m->stream), m, 5);

  assert_text (c, "(0,a)@0 (1,b)@1 (2,c)@2 |@3");
}

static void
double_while_below_3 (const GValue  *item,
                      GValue        *result,
                      gpointer       data,
                      GError       **error)
{
  gint64 v = g_value_get_int64 (item);

  if (v >= 3)
    return;   /* nothing: ends the stream */
  g_value_init (result, G_TYPE_INT64);
  g_value_set_int64 (result, v * 2);
}

static gboolean map_while_released;

static void
note_released (gpointer data)
{
  map_while_released = TRUE;
}

static void
test_map_while (Fixture *f, gconstpointer data)
{
  /* Rust's Iterator::map_while doc example: [-1, 4, 0, 1] with checked
   * division stops at 0; StreamExt::map_while the same. Here: doubling
   * while below 3, over [1, 2, 3, 1]: 2, 4, and the 1 after the 3 is never
   * seen. The callback is released at the end. */
  g_autoptr(GcsStream) ints = INTS (1, 2, 3, 1);
  g_autoptr(Collector) c = NULL;

  map_while_released = FALSE;
  c = collector_new_untimed (gcs_stream_map_while (ints, double_while_below_3, NULL, note_released));
  drain ();
  assert_text (c, "2 4 |");
  g_assert_true (map_while_released);
}

/* === exhaust_map === */

static void
const_map (const GValue  *item,
           GValue        *result,
           gpointer       data,
           GError       **error)
{
  g_value_init (result, G_TYPE_INT64);
  g_value_set_int64 (result, GPOINTER_TO_INT (data));
}

/* The cold inner stream 'x-x-x|' of RxJS's spec (x = 10 × the item): x
 * now, then 2 and 4 frames later. */
static GcsStream *
cold_xxx (const GValue  *item,
          gpointer       data,
          GError       **error)
{
  const char *s = g_value_get_string (item);
  int x = 10 * atoi (s);
  g_auto(GValue) first = G_VALUE_INIT;
  g_autoptr(GcsStream) ticks = NULL;
  g_autoptr(GcsStream) two = NULL;
  g_autoptr(GcsStream) mapped = NULL;

  if (g_str_equal (s, "e"))
    {
      g_set_error_literal (error, TEST_ERROR, 2, "project failed");
      return NULL;
    }
  g_value_init (&first, G_TYPE_INT64);
  g_value_set_int64 (&first, x);
  ticks = gcs_stream_interval (MS (2));
  two = gcs_stream_take (ticks, 2);
  mapped = gcs_stream_map (two, const_map, GINT_TO_POINTER (x), NULL);
  return gcs_stream_start_with (mapped, &first);
}

static void
test_exhaust_map (Fixture *f, gconstpointer data)
{
  /* exhaustMap: "should map-and-flatten each item to an Observable": 5
   * arrives while 3's inner stream runs and is dropped. */
  g_autoptr(Marble) m = marble_new ("--1-----3--5-------|");
  g_autoptr(Collector) c = play (gcs_stream_exhaust_map (m->stream, cold_xxx, NULL, NULL), m, 21);

  /* RxJS: '--x-x-x-y-y-y------|' */
  assert_text (c, "10@2 10@4 10@6 30@8 30@10 30@12 |@19");
}

static GcsStream *
ints_of (const GValue  *item,
         gpointer       data,
         GError       **error)
{
  return INTS (g_value_get_int64 (item), g_value_get_int64 (item));
}

static void
test_exhaust_map_edges (Fixture *f, gconstpointer data)
{
  /* exhaustMap: "should handle outer throw", "should handle outer empty",
   * "should raise error if project throws"; inner streams that end at
   * once take every item, as RxJS's synchronous inner observables. */
  {
    g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_exhaust_map, failing_stream (4), ints_of, NULL, NULL));

    drain ();
    assert_text (c, "#@0");
  }
  {
    g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_exhaust_map, NO_INTS (), ints_of, NULL, NULL));

    drain ();
    assert_text (c, "|@0");
  }
  {
    g_autoptr(Marble) m = marble_new ("---e-----");
    g_autoptr(Collector) c = play (gcs_stream_exhaust_map (m->stream, cold_xxx, NULL, NULL), m, 5);

    /* RxJS: '---#' */
    assert_text (c, "#@3");
    g_assert_error (c->error, TEST_ERROR, 2);
  }
  {
    g_autoptr(Collector) c = collector_new_untimed (OWNED (gcs_stream_exhaust_map, INTS (1, 2), ints_of, NULL, NULL));

    drain ();
    assert_text (c, "1 1 2 2 |");
  }
}

/* === take_until === */

static void
test_take_until (Fixture *f, gconstpointer data)
{
  /* takeUntil: "should take values until notifier emits". */
  g_autoptr(Marble) e1 = marble_new ("--a--b--c--d--e--f--g--|");
  g_autoptr(Marble) e2 = marble_new ("-------------z--|");
  Marble *marbles[] = { e1, e2, NULL };
  g_autoptr(Collector) c = play_all (gcs_stream_take_until (e1->stream, e2->stream), marbles, 25);

  /* RxJS: '--a--b--c--d-|' */
  assert_text (c, "a@2 b@5 c@8 d@11 |@13");
}

static void
test_take_until_notifier_error (Fixture *f, gconstpointer data)
{
  /* takeUntil: "should take values and raises error when notifier raises
   * error". */
  g_autoptr(Marble) e1 = marble_new ("--a--b--c--d--e--f--g--|");
  g_autoptr(Marble) e2 = marble_new ("-------------#");
  Marble *marbles[] = { e1, e2, NULL };
  g_autoptr(Collector) c = play_all (gcs_stream_take_until (e1->stream, e2->stream), marbles, 25);

  assert_text (c, "a@2 b@5 c@8 d@11 #@13");
}

static void
test_take_until_notifier_ends (Fixture *f, gconstpointer data)
{
  /* takeUntil: "should take all values when notifier is empty": here the
   * notifier's end ends the stream too (API.md: "ends when notifier emits
   * its first item or ends"), where RxJS 7 goes on. "should take all
   * values when notifier does not complete" holds as in RxJS. */
  {
    g_autoptr(Marble) e1 = marble_new ("--a--b--c--d--e--f--g--|");
    g_autoptr(Marble) e2 = marble_new ("-------------|");
    Marble *marbles[] = { e1, e2, NULL };
    g_autoptr(Collector) c = play_all (gcs_stream_take_until (e1->stream, e2->stream), marbles, 25);

    assert_text (c, "a@2 b@5 c@8 d@11 |@13");
  }
  {
    g_autoptr(Marble) e1 = marble_new ("--a--b--c--d--e--f--g--|");
    g_autoptr(Marble) e2 = marble_new ("-");
    Marble *marbles[] = { e1, e2, NULL };
    g_autoptr(Collector) c = play_all (gcs_stream_take_until (e1->stream, e2->stream), marbles, 25);

    assert_text (c, "a@2 b@5 c@8 d@11 e@14 f@17 g@20 |@23");
  }
  {
    /* "should complete without subscribing to the source when notifier
     * synchronously emits" */
    g_autoptr(Marble) e1 = marble_new ("----a--|");
    g_autoptr(GcsStream) at_once = INTS (1);
    g_autoptr(Collector) c = play (gcs_stream_take_until (e1->stream, at_once), e1, 8);

    assert_text (c, "|@0");
  }
}

/* === take_until_cancelled === */

static gpointer
cancel_later (gpointer data)
{
  g_usleep (10000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_take_until_cancelled (Fixture *f, gconstpointer data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(Collector) c = collector_new_untimed (gcs_stream_take_until_cancelled (chan.stream, cancellable));
  GThread *thread;

  g_object_unref (chan.stream);
  send_int (chan.tx, 1);
  send_int (chan.tx, 2);
  drain ();
  assert_text (c, "1 2");
  /* Cancelled from another thread while the stream waits: it ends
   * normally and lets its upstream go (the sender sees CLOSED). */
  thread = g_thread_new ("cancel", cancel_later, cancellable);
  ITERATE_UNTIL (c->done);
  g_thread_join (thread);
  assert_text (c, "1 2 |");
  {
    g_auto(GValue) v = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;

    g_value_init (&v, G_TYPE_INT64);
    g_assert_false (gcs_sender_try_send (chan.tx, &v, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }
  g_object_unref (chan.tx);

  {
    /* Cancelled before the first poll: empty. */
    g_autoptr(Collector) c2 = collector_new_untimed (OWNED (gcs_stream_take_until_cancelled, INTS (1, 2), cancellable));

    drain ();
    assert_text (c2, "|");
  }
}

/* === on_end === */

typedef struct
{
  guint   calls;
  GError *error;
  char   *seen_before;   /* the collector's text when it ran */
  Collector *c;
} EndLog;

static void
end_log (const GError *error,
         gpointer      data)
{
  EndLog *log = data;

  log->calls++;
  g_clear_error (&log->error);
  log->error = error ? g_error_copy (error) : NULL;
  g_free (log->seen_before);
  log->seen_before = log->c ? g_strdup (log->c->text->str) : NULL;
}

static void
end_log_clear (EndLog *log)
{
  g_clear_error (&log->error);
  g_clear_pointer (&log->seen_before, g_free);
}

static void
test_on_end_complete (Fixture *f, gconstpointer data)
{
  /* finalize: "should call finalize after complete", "should handle basic
   * hot observable": once, with no error, after the last item. */
  EndLog log = { 0 };
  g_autoptr(Marble) m = marble_new ("--a--b--c--|");
  Collector *c;

  drain ();
  gcs_time_set_manual (TRUE, T0_USEC);
  c = collector_new (gcs_stream_on_end (m->stream, end_log, &log, NULL));
  log.c = c;
  marble_run (m, 13);
  assert_text (c, "a@2 b@5 c@8 |@11");
  g_assert_cmpuint (log.calls, ==, 1);
  g_assert_no_error (log.error);
  g_assert_cmpstr (log.seen_before, ==, "a@2 b@5 c@8");
  collector_free (c);
  g_assert_cmpuint (log.calls, ==, 1);
  end_log_clear (&log);
}

static void
test_on_end_error (Fixture *f, gconstpointer data)
{
  /* finalize: "should call finalize after error", "should handle basic
   * error": with the error. */
  EndLog log = { 0 };
  g_autoptr(Marble) m = marble_new ("--a--b--c--#");
  g_autoptr(Collector) c = play (gcs_stream_on_end (m->stream, end_log, &log, NULL), m, 13);

  assert_text (c, "a@2 b@5 c@8 #@11");
  g_assert_cmpuint (log.calls, ==, 1);
  g_assert_error (log.error, TEST_ERROR, 1);
  end_log_clear (&log);
}

static void
test_on_end_unsubscribed (Fixture *f, gconstpointer data)
{
  /* finalize: "should handle unsubscription" (the operation cancelled),
   * and "should call finalize upon disposal of inner subscription" (a
   * take downstream had enough: the stream is released). */
  {
    EndLog log = { 0 };
    g_autoptr(Marble) m = marble_new ("--a--b--c--|");
    Collector *c = play (gcs_stream_on_end (m->stream, end_log, &log, NULL), m, 7);

    g_assert_cmpuint (log.calls, ==, 0);
    g_cancellable_cancel (c->cancellable);
    drain ();
    assert_text (c, "a@2 b@5 !@6");
    g_assert_cmpuint (log.calls, ==, 1);
    g_assert_error (log.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    collector_free (c);
    g_assert_cmpuint (log.calls, ==, 1);
    end_log_clear (&log);
  }
  {
    EndLog log = { 0 };
    g_autoptr(GcsStream) ints = INTS (1, 2, 3);
    g_autoptr(GcsStream) watched = gcs_stream_on_end (ints, end_log, &log, NULL);
    g_autoptr(Collector) c = collector_new_untimed (gcs_stream_take (watched, 1));

    drain ();
    assert_text (c, "1 |");
    g_assert_cmpuint (log.calls, ==, 1);
    g_assert_error (log.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    end_log_clear (&log);
  }
  {
    /* Never consumed, dropped: once too. */
    EndLog log = { 0 };
    GcsStream *ints = INTS (1);
    GcsStream *watched = gcs_stream_on_end (ints, end_log, &log, NULL);

    g_object_unref (ints);
    g_object_unref (watched);
    g_assert_cmpuint (log.calls, ==, 1);
    end_log_clear (&log);
  }
}

/* === defer === */

static GcsStream *
count_and_make (gpointer   data,
                GError   **error)
{
  guint *calls = data;

  (*calls)++;
  return INTS (1, 2, 3);
}

static GcsStream *
factory_fails (gpointer   data,
               GError   **error)
{
  g_set_error_literal (error, TEST_ERROR, 9, "factory failed");
  return NULL;
}

static void
test_defer (Fixture *f, gconstpointer data)
{
  /* defer: "should defer the creation of a simple Observable" (the
   * factory runs at the first poll, not before), "should create an
   * observable from error thrown by factory". */
  guint calls = 0;
  GcsStream *deferred = gcs_stream_defer (count_and_make, &calls, NULL);

  g_assert_cmpuint (calls, ==, 0);
  {
    g_autoptr(Collector) c = collector_new_untimed (deferred);

    g_assert_cmpuint (calls, ==, 0);
    drain ();
    assert_text (c, "1 2 3 |");
    g_assert_cmpuint (calls, ==, 1);
  }
  {
    g_autoptr(Collector) c = collector_new_untimed (gcs_stream_defer (factory_fails, NULL, NULL));

    drain ();
    assert_text (c, "#");
    g_assert_error (c->error, TEST_ERROR, 9);
  }
}

/* === bad input: criticals, never crashes; the stream refused still works === */

#define EXPECT_CRITICAL(call)                                            \
  G_STMT_START {                                                         \
    g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*");            \
    call;                                                                \
    g_test_assert_expected_messages ();                                  \
  } G_STMT_END

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsStream) s = INTS (1, 2);
  g_autoptr(GcsStreamGroup) group = gcs_stream_group_new ();
  GcsStream *none[] = { NULL };

  EXPECT_CRITICAL (g_assert_null (gcs_stream_throttle_full (s, 10, 0)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_audit (NULL, 10)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_sample (s, 0)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_delay (NULL, 10)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_combine_latest (NULL, 2)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_merge_all (none, 1)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_with_latest_from (s, s)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_start_with (s, NULL)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_map_while (s, NULL, NULL, NULL)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_exhaust_map (s, NULL, NULL, NULL)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_take_until (s, NULL)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_take_until_cancelled (s, NULL)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_on_end (s, NULL, NULL, NULL)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_retry (count_and_make, NULL, NULL, 0, 10)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_defer (NULL, NULL, NULL)));
  EXPECT_CRITICAL (g_assert_null (gcs_stream_share (s, 0, 1)));
  EXPECT_CRITICAL (gcs_stream_group_insert (group, NULL, s));
  EXPECT_CRITICAL (g_assert_cmpuint (gcs_stream_bind_to_list_store (s, NULL, GCS_LIST_STORE_APPEND, 0), ==, 0));
  gcs_stream_group_close (group);
  EXPECT_CRITICAL (gcs_stream_group_insert (group, "late", s));

  {
    /* Still unconsumed, and works. */
    g_autoptr(Collector) c = collector_new_untimed (gcs_stream_pairwise (s));

    drain ();
    assert_text (c, "(1,2) |");
  }
  {
    /* A stream consumed already is refused with a critical. */
    g_autoptr(GcsStream) t = INTS (1);
    g_autoptr(GcsStream) first = gcs_stream_enumerate (t);

    EXPECT_CRITICAL (g_assert_null (gcs_stream_enumerate (t)));
    EXPECT_CRITICAL (g_assert_null (gcs_stream_share (t, 4, 0)));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_MANUAL ("/operators/combine-latest/array", test_combine_latest_array);
  ADD_MANUAL ("/operators/combine-latest/two", test_combine_latest_two);
  ADD_MANUAL ("/operators/combine-latest/end-without-item", test_combine_latest_end_without_item);
  ADD_MANUAL ("/operators/with-latest-from/cold", test_with_latest_from);
  ADD_MANUAL ("/operators/with-latest-from/error", test_with_latest_from_error);
  ADD_MANUAL ("/operators/merge-all/three", test_merge_all);
  ADD_MANUAL ("/operators/merge-all/fair", test_merge_all_fair);
  ADD_MANUAL ("/operators/start-with", test_start_with);
  ADD_MANUAL ("/operators/pairwise", test_pairwise);
  ADD_MANUAL ("/operators/enumerate", test_enumerate);
  ADD_MANUAL ("/operators/map-while", test_map_while);
  ADD_MANUAL ("/operators/exhaust-map/flatten", test_exhaust_map);
  ADD_MANUAL ("/operators/exhaust-map/edges", test_exhaust_map_edges);
  ADD_MANUAL ("/operators/take-until/notifier-emits", test_take_until);
  ADD_MANUAL ("/operators/take-until/notifier-error", test_take_until_notifier_error);
  ADD_MANUAL ("/operators/take-until/notifier-ends", test_take_until_notifier_ends);
  ADD_REAL ("/operators/take-until-cancelled", test_take_until_cancelled);
  ADD_MANUAL ("/operators/on-end/complete", test_on_end_complete);
  ADD_MANUAL ("/operators/on-end/error", test_on_end_error);
  ADD_MANUAL ("/operators/on-end/unsubscribed", test_on_end_unsubscribed);
  ADD_MANUAL ("/operators/defer", test_defer);
  ADD_MANUAL ("/operators/bad-input", test_bad_input);

  return g_test_run ();
}
