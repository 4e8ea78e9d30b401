/* test-stream-map.c: map, filter, filter_map, inspect, take_while, skip_while
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The combinators of gcs-stream-map.c: what each one gives, its callback
 * failing (the stream ends with that error, nothing runs after it), and
 * the checks every combinator gets (stream-test-combinators.c).
 */

#include "stream-test-util.h"

/* === callbacks of these tests only === */

/* map that leaves the result unset: not allowed */
static void
map_nothing (const GValue  *item,
             GValue        *result,
             gpointer       data,
             GError       **error)
{
  probe_enter (data, error);
}

/* a predicate that fails and says TRUE anyway */
static gboolean
pred_fail_true (const GValue  *item,
                gpointer       data,
                GError       **error)
{
  probe_enter (data, error);
  return TRUE;
}

/* === map, filter, filter_map, inspect === */

static void
test_map_basic (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 10, .b = 1 };
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) in = INTS (1, 2, 3, -4);
    g_autoptr(GcsStream) stream = gcs_stream_map (in, map_affine, &p, probe_destroy);

    got = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[11, 21, 31, -39]");
  g_assert_cmpuint (p.calls, ==, 4);
  g_assert_cmpuint (p.destroyed, ==, 1);
}

static void
test_map_chain_of_maps (Fixture *f, gconstpointer data)
{
  Probe p1 = { .a = 2 }, p2 = { .a = 1, .b = 1 }, p3 = { .a = -1 };
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) in = range_stream (0, 5);
    g_autoptr(GcsStream) s1 = gcs_stream_map (in, map_affine, &p1, probe_destroy);
    g_autoptr(GcsStream) s2 = gcs_stream_map (s1, map_affine, &p2, probe_destroy);
    g_autoptr(GcsStream) s3 = gcs_stream_map (s2, map_affine, &p3, NULL);

    got = collect_ok (s3);
  }
  g_assert_cmpstr (got, ==, "[-1, -3, -5, -7, -9]");
  g_assert_cmpuint (p1.destroyed, ==, 1);
  g_assert_cmpuint (p2.destroyed, ==, 1);
  g_assert_cmpuint (p3.destroyed, ==, 0);
}

static void
test_map_error (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 10, .fail_at = 3 };
  Probe downstream = { 0 };

  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) mapped = gcs_stream_map (in, map_affine, &p, probe_destroy);
    g_autoptr(GcsStream) seen = gcs_stream_inspect (mapped, visit_probe, &downstream, probe_destroy);

    check_callback_failure (seen, &p, "[10, 20]");
  }
  g_assert_cmpuint (downstream.calls, ==, 2);
  g_assert_cmpuint (p.destroyed, ==, 1);
  g_assert_cmpuint (downstream.destroyed, ==, 1);
}

static void
test_map_no_value (Fixture *f, gconstpointer data)
{
  Probe p = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) in = INTS (1, 2);
    g_autoptr(GcsStream) stream = gcs_stream_map (in, map_nothing, &p, probe_destroy);

    got = for_each_str (stream, NULL, &error);
  }
  /* A map callback must produce a value. */
  g_assert_cmpstr (got, ==, "[]");
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_assert_cmpuint (p.calls, ==, 1);
  g_assert_cmpuint (p.destroyed, ==, 1);
}

static void
test_filter_basic (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 0 };
  Probe odd = { 0 };
  g_autofree char *got = NULL;
  g_autofree char *got_odd = NULL;

  {
    g_autoptr(GcsStream) in = INTS (-3, 1, 5, -7, 0, 2);
    g_autoptr(GcsStream) stream = gcs_stream_filter (in, pred_less, &p, probe_destroy);

    got = collect_ok (stream);
  }
  {
    g_autoptr(GcsStream) in = range_stream (0, 10);
    g_autoptr(GcsStream) stream = gcs_stream_filter (in, pred_odd, &odd, probe_destroy);

    got_odd = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[-3, -7]");
  g_assert_cmpuint (p.calls, ==, 6);
  g_assert_cmpuint (p.destroyed, ==, 1);
  g_assert_cmpstr (got_odd, ==, "[1, 3, 5, 7, 9]");
  g_assert_cmpuint (odd.destroyed, ==, 1);
}

static void
test_filter_error (Fixture *f, gconstpointer data)
{
  Probe p = { .fail_at = 4 };

  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) stream = gcs_stream_filter (in, pred_odd, &p, probe_destroy);

    check_callback_failure (stream, &p, "[1, 3]");
  }
  g_assert_cmpuint (p.destroyed, ==, 1);
}

/* The failing call's boolean does not matter: the item is not delivered. */
static void
test_filter_error_true (Fixture *f, gconstpointer data)
{
  Probe p = { .fail_at = 2 };

  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) stream = gcs_stream_filter (in, pred_fail_true, &p, probe_destroy);

    check_callback_failure (stream, &p, "[1]");
  }
  g_assert_cmpuint (p.destroyed, ==, 1);
}

static void
test_filter_map_basic (Fixture *f, gconstpointer data)
{
  Probe p = { 0 };
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) in = INTS (1, 2, 3, 4, 6, 7);
    g_autoptr(GcsStream) stream = gcs_stream_filter_map (in, filter_map_odd, &p, probe_destroy);

    got = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[10, 30, 70]");
  g_assert_cmpuint (p.calls, ==, 6);
  g_assert_cmpuint (p.destroyed, ==, 1);
}

static void
test_filter_map_error (Fixture *f, gconstpointer data)
{
  Probe p = { .fail_at = 5 };

  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) stream = gcs_stream_filter_map (in, filter_map_odd, &p, probe_destroy);

    check_callback_failure (stream, &p, "[10, 30]");
  }
  g_assert_cmpuint (p.destroyed, ==, 1);
}

static void
test_inspect_basic (Fixture *f, gconstpointer data)
{
  Probe p = { 0 };
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) in = INTS (5, 6, 7);
    g_autoptr(GcsStream) stream = gcs_stream_inspect (in, visit_probe, &p, probe_destroy);

    got = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[5, 6, 7]");
  g_assert_cmpuint (p.calls, ==, 3);
  g_assert_cmpuint (p.destroyed, ==, 1);
}

static void
test_inspect_error (Fixture *f, gconstpointer data)
{
  Probe p = { .fail_at = 1 };

  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) stream = gcs_stream_inspect (in, visit_probe, &p, probe_destroy);

    check_callback_failure (stream, &p, "[]");
  }
  g_assert_cmpuint (p.destroyed, ==, 1);
}

/* === take_while, skip_while === */

static void
test_take_while_basic (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 3 };
  Probe all = { .a = 100 };
  guint in_freed = 0;
  g_autofree char *got = NULL, *got_all = NULL;

  {
    g_autoptr(GcsStream) in = test_source_new ((gint64[]) { 1, 2, 3, 1, 2 }, 5, END_PENDING);
    g_autoptr(GcsStream) stream = NULL;

    g_object_weak_ref (G_OBJECT (in), count_weak_notify, &in_freed);
    stream = gcs_stream_take_while (in, pred_less, &p, probe_destroy);
    g_clear_object (&in);
    got = collect_ok (stream);
    /* Ended at the first rejected item: the input is let go at once. */
    g_assert_cmpuint (in_freed, ==, 1);
    g_assert_cmpuint (p.destroyed, ==, 1);
  }
  {
    g_autoptr(GcsStream) in = range_stream (1, 4);
    g_autoptr(GcsStream) stream = gcs_stream_take_while (in, pred_less, &all, probe_destroy);

    got_all = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[1, 2]");
  g_assert_cmpuint (p.calls, ==, 3);
  g_assert_cmpstr (got_all, ==, "[1, 2, 3]");
  g_assert_cmpuint (all.destroyed, ==, 1);
}

static void
test_take_while_error (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 100, .fail_at = 3 };
  Probe q = { .fail_at = 2 };

  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) stream = gcs_stream_take_while (in, pred_less, &p, probe_destroy);

    check_callback_failure (stream, &p, "[1, 2]");
  }
  /* A failing call that returns TRUE does not let the item through. */
  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) stream = gcs_stream_take_while (in, pred_fail_true, &q, probe_destroy);

    check_callback_failure (stream, &q, "[1]");
  }
  g_assert_cmpuint (p.destroyed, ==, 1);
  g_assert_cmpuint (q.destroyed, ==, 1);
}

static void
test_skip_while_basic (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 3 };
  Probe none = { .a = -100 };
  Probe all = { .a = 100 };
  g_autofree char *got = NULL, *got_none = NULL, *got_all = NULL;

  {
    g_autoptr(GcsStream) in = INTS (1, 2, 3, 1, 2, 5);
    g_autoptr(GcsStream) stream = gcs_stream_skip_while (in, pred_less, &p, probe_destroy);

    got = collect_ok (stream);
  }
  {
    g_autoptr(GcsStream) in = INTS (1, 2);
    g_autoptr(GcsStream) stream = gcs_stream_skip_while (in, pred_less, &none, probe_destroy);

    got_none = collect_ok (stream);
  }
  {
    g_autoptr(GcsStream) in = INTS (1, 2);
    g_autoptr(GcsStream) stream = gcs_stream_skip_while (in, pred_less, &all, probe_destroy);

    got_all = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[3, 1, 2, 5]");
  /* The predicate is not asked again once it said no. */
  g_assert_cmpuint (p.calls, ==, 3);
  g_assert_cmpuint (p.destroyed, ==, 1);
  g_assert_cmpstr (got_none, ==, "[1, 2]");
  g_assert_cmpuint (none.calls, ==, 1);
  g_assert_cmpuint (none.destroyed, ==, 1);
  g_assert_cmpstr (got_all, ==, "[]");
  g_assert_cmpuint (all.calls, ==, 2);
  g_assert_cmpuint (all.destroyed, ==, 1);
}

static void
test_skip_while_error (Fixture *f, gconstpointer data)
{
  Probe p = { .a = 100, .fail_at = 2 };

  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) stream = gcs_stream_skip_while (in, pred_less, &p, probe_destroy);

    check_callback_failure (stream, &p, "[]");
  }
  g_assert_cmpuint (p.destroyed, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_combinator_tests ("map");
  add_combinator_tests ("filter");
  add_combinator_tests ("filter_map");
  add_combinator_tests ("inspect");
  add_combinator_tests ("take_while");
  add_combinator_tests ("skip_while");

  ADD ("/stream/map/basic", test_map_basic);
  ADD ("/stream/map/three-maps", test_map_chain_of_maps);
  ADD ("/stream/map/error", test_map_error);
  ADD ("/stream/map/no-value", test_map_no_value);
  ADD ("/stream/filter/basic", test_filter_basic);
  ADD ("/stream/filter/error", test_filter_error);
  ADD ("/stream/filter/error-returning-true", test_filter_error_true);
  ADD ("/stream/filter_map/basic", test_filter_map_basic);
  ADD ("/stream/filter_map/error", test_filter_map_error);
  ADD ("/stream/inspect/basic", test_inspect_basic);
  ADD ("/stream/inspect/error", test_inspect_error);
  ADD ("/stream/take_while/basic", test_take_while_basic);
  ADD ("/stream/take_while/error", test_take_while_error);
  ADD ("/stream/skip_while/basic", test_skip_while_basic);
  ADD ("/stream/skip_while/error", test_skip_while_error);

  return g_test_run ();
}
