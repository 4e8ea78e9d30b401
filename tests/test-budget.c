/* test-budget.c: no dispatch holds its context, whatever the pipeline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Combinators that discard items (filter, filter_map, skip, skip_while,
 * distinct_until_changed, flat_map and flat_map_unordered over empty inner
 * streams, a flooded channel into a filter that keeps nothing) used to
 * loop inside one poll until they found an item to hand over: a 2 ms timer
 * on the same context starved for hundreds of milliseconds. Every source
 * of items now charges the dispatch's budget (gcs_waker_charge()).
 *
 * The timer runs at GTK's redraw priority, which a driver ready at its own
 * priority would starve (GLib dispatches only the most urgent ready
 * sources): a driver with work left yields below it.
 *
 * The deterministic check: a source whose prepare GLib calls once per turn
 * of the loop sees at most about one budget (1,024 items) pass each time. The timer's largest gap is printed,
 * and checked against 50 ms except under valgrind and sanitizers.
 */

#include <string.h>

#include "channel-test-util.h"

/* 1,000,000 items; a tenth under valgrind, where each is ~50 times slower. */
#define N_ITEMS (under_valgrind () ? 100000 : 1000000)
#define BUDGET_SLACK 1100   /* GCS_DRIVER_BUDGET_ITEMS and a little */

/* Sanitizers and valgrind slow everything down by an unknown factor: the
 * timer's gap is then only printed. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
# define SANITIZED 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#  define SANITIZED 1
# endif
#endif
#ifndef SANITIZED
# define SANITIZED 0
#endif

static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "vgpreload") != NULL;
}

typedef struct
{
  guint64  seen;         /* items the combinator looked at */
  guint64  seen_at_idle; /* at the last turn of the loop */
  guint64  max_between;  /* most items in one turn */
  gint64   last_tick;
  gint64   max_gap;      /* usec, between two timer ticks */
  gboolean done;
} Probe;

static void
probe_turn (Probe *probe)
{
  probe->max_between = MAX (probe->max_between, probe->seen - probe->seen_at_idle);
  probe->seen_at_idle = probe->seen;
}

/* A source that is never ready: GLib calls its prepare once per turn of
 * the loop, before anything else (it is the most urgent). */
typedef struct
{
  GSource  source;
  Probe   *probe;
} TurnSource;

static gboolean
turn_prepare (GSource *source,
              gint    *timeout)
{
  probe_turn (((TurnSource *) source)->probe);
  *timeout = -1;
  return FALSE;
}

static GSourceFuncs turn_funcs = { .prepare = turn_prepare };

static gboolean
probe_timer_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();

  probe->max_gap = MAX (probe->max_gap, now - probe->last_tick);
  probe->last_tick = now;
  return G_SOURCE_CONTINUE;
}


static void
count_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Probe *probe = data;
  g_autoptr(GError) error = NULL;

  gcs_stream_count_finish (GCS_STREAM (source), result, &error);
  g_assert_no_error (error);
  probe->done = TRUE;
}

/* Counts @stream to its end with the probes running. */
static void
run_probed (GcsStream *stream,
            Probe     *probe)
{
  GMainContext *context = g_main_context_get_thread_default ();
  g_autoptr(GSource) turns = g_source_new (&turn_funcs, sizeof (TurnSource));
  g_autoptr(GSource) timer = g_timeout_source_new (2);

  ((TurnSource *) turns)->probe = probe;
  g_source_set_priority (turns, G_PRIORITY_HIGH);
  g_source_attach (turns, context);
  g_source_set_callback (timer, probe_timer_cb, probe, NULL);
  /* GTK's redraw priority: a flooded driver must let it run too. */
  g_source_set_priority (timer, G_PRIORITY_HIGH_IDLE + 20);
  g_source_attach (timer, context);

  probe->last_tick = g_get_monotonic_time ();
  gcs_stream_count_async (stream, NULL, count_done_cb, probe);
  ITERATE_UNTIL (probe->done);
  /* The stretch since the last turn of each counts too. */
  probe_turn (probe);
  probe_timer_cb (probe);
  g_source_destroy (turns);
  g_source_destroy (timer);

  g_test_message ("%" G_GUINT64_FORMAT " items, at most %" G_GUINT64_FORMAT
                  " between two turns of the loop; the 2 ms timer's largest gap %.1f ms",
                  probe->seen, probe->max_between, probe->max_gap / 1000.0);
  g_assert_cmpuint (probe->max_between, <=, BUDGET_SLACK);
  if (!under_valgrind () && !SANITIZED)
    g_assert_cmpint (probe->max_gap, <, 50 * 1000);
}

/* N_ITEMS int64 items 0..N-1, from a pre-filled channel. */
static GcsStream *
counting_source (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  for (gint64 i = 0; i < N_ITEMS; i++)
    {
      GValue value = G_VALUE_INIT;

      set_int64 (&value, i);
      g_assert_true (gcs_sender_try_send (tx, &value, NULL));
    }
  return gcs_receiver_stream_new (rx);
}

static gboolean
keep_nothing (const GValue  *item,
              gpointer       data,
              GError       **error)
{
  ((Probe *) data)->seen++;
  return FALSE;
}

static void
map_to_nothing (const GValue  *item,
                GValue        *result,
                gpointer       data,
                GError       **error)
{
  ((Probe *) data)->seen++;
}

static gboolean
skip_all (const GValue  *item,
          gpointer       data,
          GError       **error)
{
  ((Probe *) data)->seen++;
  return TRUE;
}

static void
count_seen (GValue   *item,
            gpointer  data,
            GError  **error)
{
  ((Probe *) data)->seen++;
}

static void
to_constant (GValue   *item,
             gpointer  data,
             GError  **error)
{
  ((Probe *) data)->seen++;
  g_value_set_int64 (item, 7);
}

static GcsStream *
empty_stream (const GValue  *item,
              gpointer       data,
              GError       **error)
{
  ((Probe *) data)->seen++;
  return gcs_stream_from_values (NULL, 0);
}

static void
test_filter (Fixture       *f,
             gconstpointer  data)
{
  Probe probe = { 0 };
  g_autoptr(GcsStream) source = counting_source ();
  g_autoptr(GcsStream) stream = gcs_stream_filter (source, keep_nothing, &probe, NULL);

  run_probed (stream, &probe);
  g_assert_cmpuint (probe.seen, ==, N_ITEMS);
}

static void
test_filter_map (Fixture       *f,
                 gconstpointer  data)
{
  Probe probe = { 0 };
  g_autoptr(GcsStream) source = counting_source ();
  g_autoptr(GcsStream) stream = gcs_stream_filter_map (source, map_to_nothing, &probe, NULL);

  run_probed (stream, &probe);
  g_assert_cmpuint (probe.seen, ==, N_ITEMS);
}

static void
test_skip (Fixture       *f,
           gconstpointer  data)
{
  Probe probe = { 0 };
  g_autoptr(GcsStream) source = counting_source ();
  g_autoptr(GcsStream) seen = gcs_stream_map_in_place (source, count_seen, &probe, NULL);
  g_autoptr(GcsStream) stream = gcs_stream_skip (seen, N_ITEMS);

  run_probed (stream, &probe);
  g_assert_cmpuint (probe.seen, ==, N_ITEMS);
}

static void
test_skip_while (Fixture       *f,
                 gconstpointer  data)
{
  Probe probe = { 0 };
  g_autoptr(GcsStream) source = counting_source ();
  g_autoptr(GcsStream) stream = gcs_stream_skip_while (source, skip_all, &probe, NULL);

  run_probed (stream, &probe);
  g_assert_cmpuint (probe.seen, ==, N_ITEMS);
}

static void
test_distinct (Fixture       *f,
               gconstpointer  data)
{
  Probe probe = { 0 };
  g_autoptr(GcsStream) source = counting_source ();
  g_autoptr(GcsStream) same = gcs_stream_map_in_place (source, to_constant, &probe, NULL);
  g_autoptr(GcsStream) stream = gcs_stream_distinct_until_changed (same);

  run_probed (stream, &probe);
  g_assert_cmpuint (probe.seen, ==, N_ITEMS);
}

static void
test_flat_map_empty (Fixture       *f,
                     gconstpointer  data)
{
  Probe probe = { 0 };
  g_autoptr(GcsStream) source = counting_source ();
  g_autoptr(GcsStream) stream = gcs_stream_flat_map (source, empty_stream, &probe, NULL);

  run_probed (stream, &probe);
  g_assert_cmpuint (probe.seen, ==, N_ITEMS);
}

static void
test_flat_map_unordered_empty (Fixture       *f,
                               gconstpointer  data)
{
  Probe probe = { 0 };
  g_autoptr(GcsStream) source = counting_source ();
  g_autoptr(GcsStream) stream = gcs_stream_flat_map_unordered (source, empty_stream, &probe, NULL, 4);

  run_probed (stream, &probe);
  g_assert_cmpuint (probe.seen, ==, N_ITEMS);
}

/* Two threads flood a bounded channel; a filter keeps nothing. */
typedef struct
{
  GcsSender *tx;
  guint      n;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;

  for (guint i = 0; i < flood->n; i++)
    {
      GValue value = G_VALUE_INIT;

      set_int64 (&value, i);
      g_assert_true (gcs_sender_send_blocking (flood->tx, &value, NULL, NULL));
    }
  g_clear_object (&flood->tx);
  return NULL;
}

static void
test_flooded_channel (Fixture       *f,
                      gconstpointer  data)
{
  Probe probe = { 0 };
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsStream) source = NULL;
  g_autoptr(GcsStream) stream = NULL;
  Flood floods[2];
  GThread *threads[2];

  gcs_channel_new (G_TYPE_INT64, 1024, &tx, &rx);
  source = gcs_receiver_stream_new (rx);
  stream = gcs_stream_filter (source, keep_nothing, &probe, NULL);
  for (guint i = 0; i < 2; i++)
    {
      floods[i].tx = gcs_sender_clone (tx);
      floods[i].n = N_ITEMS / 2;
      threads[i] = g_thread_new ("flood", flood_thread, &floods[i]);
    }
  g_clear_object (&tx);
  run_probed (stream, &probe);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (probe.seen, ==, N_ITEMS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/budget/filter", test_filter);
  ADD ("/budget/filter-map", test_filter_map);
  ADD ("/budget/skip", test_skip);
  ADD ("/budget/skip-while", test_skip_while);
  ADD ("/budget/distinct-until-changed", test_distinct);
  ADD ("/budget/flat-map-empty", test_flat_map_empty);
  ADD ("/budget/flat-map-unordered-empty", test_flat_map_unordered_empty);
  ADD ("/budget/flooded-channel-filter", test_flooded_channel);

  return g_test_run ();
}
