/* test-operators-time.c: throttle_full, audit, sample, delay, retry
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each case translates one of RxJS's own specs (named in a comment, from
 * spec/operators/<operator>-spec.ts, "it(...)"), its marble diagrams
 * played on the manual clock (operators-test-util.h): one character per
 * frame of 10 ms; expected "a@1 y@5 |@22" reads as RxJS's expected marble
 * '-a---y----...(x|)'. Where RxJS's schedule puts a source item and a
 * timer in the same frame, our clock fires the timer first; and this
 * library emits an item held back at the end or the error of the input
 * at once (as its debounce does, and as API.md asks of audit and sample),
 * where RxJS waits for the timer (throttle, audit) or drops it (sample,
 * and every operator on error). Cases where that changes the result say
 * so.
 */

#include "operators-test-util.h"

#define MS(frames) ((frames) * FRAME_MS)

static Collector *
play (GcsStream  *stream,   /* transfer full */
      Marble     *m,
      guint       n_frames)
{
  Collector *c;

  /* Each marble starts at frame 0. */
  drain ();
  gcs_time_set_manual (TRUE, T0_USEC);
  c = collector_new (stream);
  marble_run (m, n_frames);
  return c;
}

/* === throttle_full === */

static void
test_throttle_leading_mirror (Fixture *f, gconstpointer data)
{
  /* throttleTime: "should immediately emit the first value in each time
   * window" (throttle(ms) is throttle_full(ms, LEADING)). */
  g_autoptr(Marble) m = marble_new ("-a-x-y----b---x-cx---|");
  g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (5), GCS_THROTTLE_LEADING), m, 23);

  assert_text (c, "a@1 b@10 c@16 |@21");
}

static void
test_throttle_leading_trailing (Fixture *f, gconstpointer data)
{
  /* throttleTime: "should immediately emit the first and last values in
   * each time window" ({ leading: true, trailing: true }). */
  g_autoptr(Marble) m = marble_new ("-a-xy-----b--x--cxxx--|");
  g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (4),
                                                           GCS_THROTTLE_LEADING | GCS_THROTTLE_TRAILING), m, 24);

  /* RxJS: '-a---y----b---x---x---(x|)' */
  assert_text (c, "a@1 y@5 b@10 x@14 x@18 x@22 |@22");
}

static void
test_throttle_trailing_only (Fixture *f, gconstpointer data)
{
  /* throttleTime: "should immediately emit the last value in each time
   * window" ({ leading: false, trailing: true }). */
  g_autoptr(Marble) m = marble_new ("-a-xy-----b--x--cxxx--|");
  g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (4), GCS_THROTTLE_TRAILING), m, 24);

  /* RxJS: '-----y--------x---x---(x|)' */
  assert_text (c, "y@5 x@14 x@18 x@22 |@22");
}

static void
test_throttle_trailing_at_end (Fixture *f, gconstpointer data)
{
  /* throttleTime: "should emit the last throttled value when complete".
   * RxJS: '-----y--------x---x-|': there the x of frame 18 goes out with
   * the window ending in the same frame; here the window ends first, the
   * x of frame 18 opens the next one and comes at the end (frame 20). */
  g_autoptr(Marble) m = marble_new ("-a-xy-----b--x--cxx-|");
  g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (4), GCS_THROTTLE_TRAILING), m, 22);

  assert_text (c, "y@5 x@14 x@18 x@20 |@20");
}

static void
test_throttle_single_value (Fixture *f, gconstpointer data)
{
  /* throttleTime: "should emit the value if only a single one is given",
   * both configurations. */
  {
    g_autoptr(Marble) m = marble_new ("-a--------------------|");
    g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (4),
                                                             GCS_THROTTLE_LEADING | GCS_THROTTLE_TRAILING), m, 23);

    assert_text (c, "a@1 |@22");
  }
  {
    g_autoptr(Marble) m = marble_new ("-a--------------------|");
    g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (4), GCS_THROTTLE_TRAILING), m, 23);

    assert_text (c, "a@5 |@22");
  }
}

static void
test_throttle_empty_and_error (Fixture *f, gconstpointer data)
{
  /* throttleTime: "should complete when source does not emit", "should
   * raise error when source does not emit and raises error". */
  {
    g_autoptr(Marble) m = marble_new ("-----|");
    g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (4), GCS_THROTTLE_TRAILING), m, 6);

    assert_text (c, "|@5");
  }
  {
    g_autoptr(Marble) m = marble_new ("-----#");
    g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (4), GCS_THROTTLE_TRAILING), m, 6);

    assert_text (c, "#@5");
    g_assert_error (c->error, TEST_ERROR, 1);
  }
  {
    /* "should throttle values until source raises error": the held
     * trailing item comes before the error here (RxJS drops it). */
    g_autoptr(Marble) m = marble_new ("-a-b-#");
    g_autoptr(Collector) c = play (gcs_stream_throttle_full (m->stream, MS (10),
                                                             GCS_THROTTLE_LEADING | GCS_THROTTLE_TRAILING), m, 6);

    assert_text (c, "a@1 b@5 #@5");
  }
}

/* === audit === */

static void
test_audit_last_in_window (Fixture *f, gconstpointer data)
{
  /* auditTime: "should emit the last value in each time window". */
  g_autoptr(Marble) m = marble_new ("-a-x-y----b---x-cx---|");
  g_autoptr(Collector) c = play (gcs_stream_audit (m->stream, MS (5)), m, 23);

  /* RxJS: '------y--------x-----(x|)' */
  assert_text (c, "y@6 x@15 x@21 |@21");
}

static void
test_audit_multiple (Fixture *f, gconstpointer data)
{
  /* auditTime: "should auditTime events multiple times". */
  g_autoptr(Marble) m = marble_new ("-012-----01234---|");
  g_autoptr(Collector) c = play (gcs_stream_audit (m->stream, MS (5)), m, 19);

  /* RxJS: '------2-------4--|' */
  assert_text (c, "2@6 4@14 |@17");
}

static void
test_audit_sparse (Fixture *f, gconstpointer data)
{
  /* auditTime: "should delay the source if values are not emitted often
   * enough". */
  g_autoptr(Marble) m = marble_new ("-a--------b-----c----|");
  g_autoptr(Collector) c = play (gcs_stream_audit (m->stream, MS (5)), m, 23);

  /* RxJS: '------a--------b-----(c|)' */
  assert_text (c, "a@6 b@15 c@21 |@21");
}

static void
test_audit_end_and_error (Fixture *f, gconstpointer data)
{
  /* auditTime: "should complete when source does not emit", "should raise
   * error when source does not emit and raises error"; and the held item
   * at the end comes at once (API.md), where RxJS waits for the timer. */
  {
    g_autoptr(Marble) m = marble_new ("-----|");
    g_autoptr(Collector) c = play (gcs_stream_audit (m->stream, MS (5)), m, 6);

    assert_text (c, "|@5");
  }
  {
    g_autoptr(Marble) m = marble_new ("-----#");
    g_autoptr(Collector) c = play (gcs_stream_audit (m->stream, MS (5)), m, 6);

    assert_text (c, "#@5");
  }
  {
    g_autoptr(Marble) m = marble_new ("-a-|");
    g_autoptr(Collector) c = play (gcs_stream_audit (m->stream, MS (5)), m, 4);

    assert_text (c, "a@3 |@3");
    g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
  }
}

/* === sample === */

static void
test_sample_delay (Fixture *f, gconstpointer data)
{
  /* sampleTime: "should get samples on a delay". */
  g_autoptr(Marble) m = marble_new ("a---b-c---------d--e---f-g-h--|");
  g_autoptr(Collector) c = play (gcs_stream_sample (m->stream, MS (7)), m, 32);

  /* RxJS: '-------c-------------e------h-|' */
  assert_text (c, "c@7 e@21 h@28 |@30");
}

static void
test_sample_nothing_new (Fixture *f, gconstpointer data)
{
  /* sampleTime: "should sample nothing if new value has not arrived" and
   * "should sample if new value has arrived, even if it is the same
   * value". RxJS drops the item not sampled at the end (f); API.md has it
   * come with the end. */
  {
    g_autoptr(Marble) m = marble_new ("---b----c--------------f----|");
    g_autoptr(Collector) c = play (gcs_stream_sample (m->stream, MS (11)), m, 30);

    /* RxJS: '-----------c----------------|' */
    assert_text (c, "c@11 f@28 |@28");
  }
  {
    g_autoptr(Marble) m = marble_new ("---b----c----------c---f----|");
    g_autoptr(Collector) c = play (gcs_stream_sample (m->stream, MS (11)), m, 30);

    /* RxJS: '-----------c----------c-----|' */
    assert_text (c, "c@11 c@22 f@28 |@28");
  }
}

static void
test_sample_error (Fixture *f, gconstpointer data)
{
  /* sampleTime: "should raise error if source raises error" (the item not
   * sampled yet comes first here). */
  g_autoptr(Marble) m = marble_new ("---b----c----d----#");
  g_autoptr(Collector) c = play (gcs_stream_sample (m->stream, MS (11)), m, 20);

  /* RxJS: '-----------c------#' */
  assert_text (c, "c@11 d@18 #@18");
}

static void
test_sample_empty (Fixture *f, gconstpointer data)
{
  /* sampleTime: "should completes if source does not emits", "should raise
   * error if source throws immediately", "should not complete if source
   * does not complete" (and no timer runs for nothing). */
  {
    g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_sample, NO_INTS (), MS (11)));

    drain ();
    assert_text (c, "|@0");
  }
  {
    g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_sample, failing_stream (7), MS (11)));

    drain ();
    assert_text (c, "#@0");
  }
  {
    g_autoptr(Marble) m = marble_new ("--------");
    g_autoptr(Collector) c = play (gcs_stream_sample (m->stream, MS (3)), m, 8);

    assert_text (c, "");
    g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
  }
}

/* === delay === */

static void
test_delay_timeframe (Fixture *f, gconstpointer data)
{
  /* delay: "should delay by specified timeframe". */
  g_autoptr(Marble) m = marble_new ("---a--b--|");
  g_autoptr(Collector) c = play (gcs_stream_delay (m->stream, MS (2)), m, 12);

  /* RxJS: '-----a--b|' */
  assert_text (c, "a@5 b@8 |@9");
}

static void
test_delay_error (Fixture *f, gconstpointer data)
{
  /* delay: "should raise error when source raises error". */
  g_autoptr(Marble) m = marble_new ("---a---b---#");
  g_autoptr(Collector) c = play (gcs_stream_delay (m->stream, MS (3)), m, 13);

  /* RxJS: '------a---b#' */
  assert_text (c, "a@6 b@10 #@11");
}

static void
test_delay_error_drops (Fixture *f, gconstpointer data)
{
  /* delay: "should raise error when source raises error before absolute
   * delay fires": what is still delayed is dropped. */
  g_autoptr(Marble) m = marble_new ("--a--a---a-----#");
  g_autoptr(Collector) c = play (gcs_stream_delay (m->stream, MS (20)), m, 17);

  /* RxJS: '---------------#' */
  assert_text (c, "#@15");
}

static void
test_delay_empty (Fixture *f, gconstpointer data)
{
  /* delay: "should delay when source does not emit" (the end is not
   * delayed when nothing is), and the items after the end. */
  {
    g_autoptr(Marble) m = marble_new ("----|");
    g_autoptr(Collector) c = play (gcs_stream_delay (m->stream, MS (3)), m, 6);

    /* RxJS: '----|' */
    assert_text (c, "|@4");
  }
  {
    /* "should delay by absolute time period after source ends", with a
     * relative delay: the end waits for the last item. */
    g_autoptr(Marble) m = marble_new ("-a-a|");
    g_autoptr(Collector) c = play (gcs_stream_delay (m->stream, MS (10)), m, 15);

    assert_text (c, "a@11 a@13 |@13");
  }
}

/* === retry === */

typedef struct
{
  guint calls;
  guint succeed_at;   /* the attempt that ends normally; 0: never */
} Attempts;

/* Attempt k: items k1, k2, then the error k (or the end). */
static GcsStream *
attempt_factory (gpointer   data,
                 GError   **error)
{
  Attempts *a = data;
  gint64 k = ++a->calls;
  g_autoptr(GcsStream) items = INTS (k * 10 + 1, k * 10 + 2);

  if (a->succeed_at != 0 && k >= a->succeed_at)
    return g_object_ref (items);
  {
    g_autoptr(GcsStream) failing = failing_stream ((int) k);

    return gcs_stream_chain (items, failing);
  }
}

static void
test_retry_then_complete (Fixture *f, gconstpointer data)
{
  /* retry: "should retry a number of times, without error, then complete"
   * (count 2 there: 3 attempts here); the waits double: 100 ms, then
   * 200 ms. Items already emitted are not replayed: each attempt's own. */
  Attempts a = { 0, 3 };
  g_autoptr(Collector) c = collector_new (gcs_stream_retry (attempt_factory, &a, NULL, 3, 100));

  drain ();
  assert_text (c, "11@0 12@0");
  advance (99);
  g_assert_cmpuint (a.calls, ==, 1);
  advance (1);
  assert_text (c, "11@0 12@0 21@10 22@10");
  advance (199);
  g_assert_cmpuint (a.calls, ==, 2);
  advance (1);
  assert_text (c, "11@0 12@0 21@10 22@10 31@30 32@30 |@30");
  g_assert_cmpuint (a.calls, ==, 3);
}

static void
test_retry_exhausted (Fixture *f, gconstpointer data)
{
  /* retry: "should handle a basic source that emits next then errors,
   * count=3": fails with the last error after max_attempts. */
  Attempts a = { 0, 0 };
  g_autoptr(Collector) c = collector_new (gcs_stream_retry (attempt_factory, &a, NULL, 3, 10));

  drain ();
  advance (10);
  advance (20);
  assert_text (c, "11@0 12@0 21@1 22@1 31@3 32@3 #@3");
  g_assert_error (c->error, TEST_ERROR, 3);
  g_assert_cmpuint (a.calls, ==, 3);
}

static void
test_retry_once (Fixture *f, gconstpointer data)
{
  /* retry: "should not retry when count is 0" (max_attempts 1). */
  Attempts a = { 0, 0 };
  g_autoptr(Collector) c = collector_new (gcs_stream_retry (attempt_factory, &a, NULL, 1, 10));

  drain ();
  assert_text (c, "11@0 12@0 #@0");
  g_assert_cmpuint (a.calls, ==, 1);
}

static void
test_retry_released (Fixture *f, gconstpointer data)
{
  /* retry: "should not break unsubscription chains when unsubscribed
   * explicitly": cancelled during the wait, no timer is left. */
  Attempts a = { 0, 0 };
  g_autoptr(Collector) c = collector_new (gcs_stream_retry (attempt_factory, &a, NULL, 5, 1000));

  drain ();
  g_assert_cmpuint (gcs_time_count_timers (), ==, 1);
  g_cancellable_cancel (c->cancellable);
  drain ();
  assert_text (c, "11@0 12@0 !@0");
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
}

/* === timers are released === */

static void
test_timers_released (Fixture *f, gconstpointer data)
{
  Chan chan = chan_new (G_TYPE_INT64);
  GcsStream *streams[4];

  streams[0] = gcs_stream_throttle_full (chan.stream, 100, GCS_THROTTLE_TRAILING);
  streams[1] = OWNED (gcs_stream_audit, streams[0], 100);
  streams[2] = OWNED (gcs_stream_sample, streams[1], 100);
  streams[3] = OWNED (gcs_stream_delay, streams[2], 100);
  {
    g_autoptr(Collector) c = collector_new (streams[3]);

    send_int (chan.tx, 1);
    drain ();
    g_assert_cmpuint (gcs_time_count_timers (), >=, 1);
  }
  drain ();
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
  g_object_unref (chan.stream);
  g_object_unref (chan.tx);
}

static void
test_bad_arguments (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsStream) s = INTS (1);

  if (g_test_subprocess ())
    return;
  g_test_expect_message ("GLib-GObject", G_LOG_LEVEL_CRITICAL, "*");
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*flags*");
  g_assert_null (gcs_stream_throttle_full (s, 10, 0));
  g_test_assert_expected_messages ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_MANUAL ("/operators/throttle/leading", test_throttle_leading_mirror);
  ADD_MANUAL ("/operators/throttle/leading-trailing", test_throttle_leading_trailing);
  ADD_MANUAL ("/operators/throttle/trailing", test_throttle_trailing_only);
  ADD_MANUAL ("/operators/throttle/trailing-at-end", test_throttle_trailing_at_end);
  ADD_MANUAL ("/operators/throttle/single-value", test_throttle_single_value);
  ADD_MANUAL ("/operators/throttle/empty-and-error", test_throttle_empty_and_error);
  ADD_MANUAL ("/operators/audit/last-in-window", test_audit_last_in_window);
  ADD_MANUAL ("/operators/audit/multiple", test_audit_multiple);
  ADD_MANUAL ("/operators/audit/sparse", test_audit_sparse);
  ADD_MANUAL ("/operators/audit/end-and-error", test_audit_end_and_error);
  ADD_MANUAL ("/operators/sample/delay", test_sample_delay);
  ADD_MANUAL ("/operators/sample/nothing-new", test_sample_nothing_new);
  ADD_MANUAL ("/operators/sample/error", test_sample_error);
  ADD_MANUAL ("/operators/sample/empty", test_sample_empty);
  ADD_MANUAL ("/operators/delay/timeframe", test_delay_timeframe);
  ADD_MANUAL ("/operators/delay/error", test_delay_error);
  ADD_MANUAL ("/operators/delay/error-drops", test_delay_error_drops);
  ADD_MANUAL ("/operators/delay/empty", test_delay_empty);
  ADD_MANUAL ("/operators/retry/then-complete", test_retry_then_complete);
  ADD_MANUAL ("/operators/retry/exhausted", test_retry_exhausted);
  ADD_MANUAL ("/operators/retry/once", test_retry_once);
  ADD_MANUAL ("/operators/retry/released", test_retry_released);
  ADD_MANUAL ("/operators/time/timers-released", test_timers_released);
  (void) test_bad_arguments;

  return g_test_run ();
}
