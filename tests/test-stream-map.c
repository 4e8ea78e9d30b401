/* test-stream-map.c: map, filter, filter_map, inspect, take_while, skip_while
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The combinators of gcs-stream-map.c (map chains fused, map callbacks
 * written with gcs-value.h): what each one gives, its callback
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

/* Consecutive maps are fused (the top stage polls the bottom one's
 * upstream and calls the callbacks in a loop): the results, the calls and
 * the releases are those of separate stages, also past the fusion limit. */
static void
test_map_long_chain (Fixture *f, gconstpointer data)
{
  enum { N_MAPS = 70 };
  Probe p[N_MAPS] = { { 0 } };
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) stream = range_stream (0, 4);

    for (guint i = 0; i < N_MAPS; i++)
      {
        GcsStream *next;

        p[i].a = 1;
        p[i].b = i % 2 ? 1 : 2;
        next = gcs_stream_map (stream, map_affine, &p[i], probe_destroy);
        g_object_unref (stream);
        stream = next;
      }
    got = collect_ok (stream);
  }
  /* + 35 x 2 + 35 x 1 */
  g_assert_cmpstr (got, ==, "[105, 106, 107, 108]");
  for (guint i = 0; i < N_MAPS; i++)
    {
      g_assert_cmpuint (p[i].calls, ==, 4);
      g_assert_cmpuint (p[i].destroyed, ==, 1);
    }
}

/* map: the string with "+" appended */
static void
map_append_plus (const GValue  *item,
                 GValue        *result,
                 gpointer       data,
                 GError       **error)
{
  g_value_init (result, G_TYPE_STRING);
  g_value_take_string (result, g_strconcat (g_value_get_string (item), "+", NULL));
}

/* Values that own memory go through a fused chain without a leak (the
 * sanitizer and valgrind runs check that) or a double free. */
static void
test_map_chain_strings (Fixture *f, gconstpointer data)
{
  static const char * const words[] = { "a", "bc", NULL };
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) in = strings_stream (words);
    g_autoptr(GcsStream) s1 = gcs_stream_map (in, map_append_plus, NULL, NULL);
    g_autoptr(GcsStream) s2 = gcs_stream_map (s1, map_append_plus, NULL, NULL);
    g_autoptr(GcsStream) s3 = gcs_stream_map (s2, map_append_plus, NULL, NULL);

    got = collect_ok (s3);
  }
  g_assert_cmpstr (got, ==, "[\"a+++\", \"bc+++\"]");
}

/* A stage in the middle of a fused chain fails: the stages above it never
 * see that item, and every stage is released once. */
static void
test_map_chain_error (Fixture *f, gconstpointer data)
{
  Probe low = { .a = 1, .b = 1 }, mid = { .a = 10, .fail_at = 3 }, high = { .a = 1, .b = 0 };
  Probe downstream = { 0 };

  {
    g_autoptr(GcsStream) in = range_stream (1, 10);
    g_autoptr(GcsStream) s1 = gcs_stream_map (in, map_affine, &low, probe_destroy);
    g_autoptr(GcsStream) s2 = gcs_stream_map (s1, map_affine, &mid, probe_destroy);
    g_autoptr(GcsStream) s3 = gcs_stream_map (s2, map_affine, &high, probe_destroy);
    g_autoptr(GcsStream) seen = gcs_stream_inspect (s3, visit_probe, &downstream, probe_destroy);

    check_callback_failure (seen, &mid, "[20, 30]");
  }
  g_assert_cmpuint (low.calls, ==, 3);
  g_assert_cmpuint (high.calls, ==, 2);
  g_assert_cmpuint (downstream.calls, ==, 2);
  g_assert_cmpuint (low.destroyed, ==, 1);
  g_assert_cmpuint (mid.destroyed, ==, 1);
  g_assert_cmpuint (high.destroyed, ==, 1);
  g_assert_cmpuint (downstream.destroyed, ==, 1);
}

/* A map stage already polled through next_async (or already at its end)
 * can be consumed by another map: it continues where it was (or ends). */
static void
test_map_over_polled_map (Fixture *f, gconstpointer data)
{
  Probe p1 = { .a = 2 }, p2 = { .a = 1, .b = 100 };
  Probe q1 = { .a = 1 }, q2 = { .a = 1 };
  g_autofree char *first = NULL, *rest = NULL, *last = NULL, *end = NULL, *none = NULL;

  {
    g_autoptr(GcsStream) in = range_stream (0, 4);
    g_autoptr(GcsStream) s1 = gcs_stream_map (in, map_affine, &p1, probe_destroy);
    g_autoptr(GcsStream) s2 = NULL;

    first = next_ok (s1);
    s2 = gcs_stream_map (s1, map_affine, &p2, probe_destroy);
    rest = collect_ok (s2);
  }
  g_assert_cmpstr (first, ==, "0");
  g_assert_cmpstr (rest, ==, "[102, 104, 106]");
  g_assert_cmpuint (p1.calls, ==, 4);
  g_assert_cmpuint (p2.calls, ==, 3);
  g_assert_cmpuint (p1.destroyed, ==, 1);
  g_assert_cmpuint (p2.destroyed, ==, 1);

  {
    g_autoptr(GcsStream) in = range_stream (0, 1);
    g_autoptr(GcsStream) s1 = gcs_stream_map (in, map_affine, &q1, probe_destroy);
    g_autoptr(GcsStream) s2 = NULL;

    last = next_ok (s1);
    end = next_ok (s1);
    s2 = gcs_stream_map (s1, map_affine, &q2, probe_destroy);
    none = collect_ok (s2);
  }
  g_assert_cmpstr (last, ==, "0");
  g_assert_cmpstr (end, ==, "NULL");
  g_assert_cmpstr (none, ==, "[]");
  g_assert_cmpuint (q2.calls, ==, 0);
  g_assert_cmpuint (q1.destroyed, ==, 1);
  g_assert_cmpuint (q2.destroyed, ==, 1);
}

/* map with the inline helpers of gcs-value.h: the same contract. */
static void
map_triple_inline (const GValue  *item,
                   GValue        *result,
                   gpointer       data,
                   GError       **error)
{
  Probe *p = data;

  if (!probe_enter (p, error))
    return;
  gcs_value_init_int64 (result, gcs_value_get_int64 (item) * 3);
}

static void
test_map_inline_helpers (Fixture *f, gconstpointer data)
{
  Probe p1 = { 0 }, p2 = { 0 };
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) in = INTS (1, -2, 3);
    g_autoptr(GcsStream) s1 = gcs_stream_map (in, map_triple_inline, &p1, probe_destroy);
    g_autoptr(GcsStream) s2 = gcs_stream_map (s1, map_triple_inline, &p2, probe_destroy);

    got = collect_ok (s2);
  }
  g_assert_cmpstr (got, ==, "[9, -18, 27]");
  g_assert_cmpuint (p1.calls, ==, 3);
  g_assert_cmpuint (p2.destroyed, ==, 1);
}

/* Each helper leaves the value exactly as g_value_init() + g_value_set_*()
 * would, and each getter reads what GLib's getter reads. */
static void
test_value_inline_helpers (void)
{
#define CHECK_HELPER(gtype, suffix, x)                                    \
  G_STMT_START {                                                          \
    GValue ours, theirs = G_VALUE_INIT;                                   \
                                                                          \
    memset (&ours, 0xa5, sizeof ours);  /* uninitialized memory */       \
    gcs_value_init_##suffix (&ours, (x));                                 \
    g_value_init (&theirs, (gtype));                                      \
    g_value_set_##suffix (&theirs, (x));                                  \
    g_assert_true (G_IS_VALUE (&ours));                                   \
    g_assert_true (memcmp (&ours, &theirs, sizeof ours) == 0);            \
    g_assert_true (gcs_value_get_##suffix (&ours) == g_value_get_##suffix (&theirs)); \
    g_value_unset (&ours);                                                \
    g_value_unset (&theirs);                                              \
  } G_STMT_END

  CHECK_HELPER (G_TYPE_BOOLEAN, boolean, TRUE);
  CHECK_HELPER (G_TYPE_BOOLEAN, boolean, FALSE);
  CHECK_HELPER (G_TYPE_INT, int, G_MININT);
  CHECK_HELPER (G_TYPE_UINT, uint, G_MAXUINT);
  CHECK_HELPER (G_TYPE_INT64, int64, G_MININT64);
  CHECK_HELPER (G_TYPE_INT64, int64, G_GINT64_CONSTANT (1) << 40);
  CHECK_HELPER (G_TYPE_UINT64, uint64, G_MAXUINT64);
  CHECK_HELPER (G_TYPE_DOUBLE, double, -1.5);
#undef CHECK_HELPER

  {
    /* A boolean set from a non-zero int is TRUE, as with GLib. */
    GValue v;

    gcs_value_init_boolean (&v, 42);
    g_assert_cmpint (v.data[0].v_int, ==, TRUE);
  }

  if (g_test_undefined ())
    {
      /* The wrong type goes to GLib's getter, which says so. */
      GValue v = G_VALUE_INIT;

      g_value_init (&v, G_TYPE_INT);
      g_value_set_int (&v, 7);
      g_test_expect_message ("GLib-GObject", G_LOG_LEVEL_CRITICAL, "*G_VALUE_HOLDS_INT64*");
      g_assert_cmpint (gcs_value_get_int64 (&v), ==, 0);
      g_test_assert_expected_messages ();
    }
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
  ADD ("/stream/map/inline-value-helpers", test_map_inline_helpers);
  ADD ("/stream/map/long-chain", test_map_long_chain);
  ADD ("/stream/map/chain-error", test_map_chain_error);
  ADD ("/stream/map/chain-strings", test_map_chain_strings);
  ADD ("/stream/map/over-polled-map", test_map_over_polled_map);
  g_test_add_func ("/value/inline-helpers", test_value_inline_helpers);
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
