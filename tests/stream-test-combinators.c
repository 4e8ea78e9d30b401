/* stream-test-combinators.c: the same checks for every combinator
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A table of the combinators, each with how to build it over a TestSource
 * (and a second input for chain, merge and zip) and what it must give;
 * add_combinator_tests() adds four tests for one of them, run by the
 * program of its family:
 *
 * - /stream/NAME/empty: an empty input gives an empty stream; the inputs
 *   and the callback's data are let go as soon as it ends.
 * - /stream/NAME/upstream-error: the input fails after [1, 2, 3, 4]: what
 *   for_each saw, then that very error (catch_error: replaced); no callback
 *   after a failure, every inner stream released.
 * - /stream/NAME/early-end: take (2) over an input that never ends ends
 *   the pipeline and lets all of it go at once.
 * - /stream/NAME/cancel: a for_each cancelled while the pipeline waits
 *   fails with CANCELLED and releases everything, callbacks and inner
 *   streams included.
 *
 * Part of the stream-test-util static library (stream-test-util.h).
 */

#include "stream-test-util.h"

struct _Combinator
{
  const char *name;
  GcsStream *(*build) (GcsStream *up, GcsStream *other, Probe *p);
  gboolean    has_callback;
  /* The second input of chain, merge, zip: [10, 10 + other_n) then other_end */
  guint       other_n;
  EndMode     other_end;
  /* Upstream [1, 2, 3, 4] then TEST_ERROR_UPSTREAM: what for_each sees */
  const char *on_error;
  gboolean    error_caught;  /* catch_error: no error at the end */
  /* Upstream [1, 2, 3, 4] then pending for ever, then take (2) */
  const char *early_end;
  gboolean    unordered;     /* compare sorted */
};

static GcsStream *
build_map (GcsStream *up, GcsStream *other, Probe *p)
{
  p->a = 2;
  return gcs_stream_map (up, map_affine, p, probe_destroy);
}

static GcsStream *
build_filter (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_filter (up, pred_odd, p, probe_destroy);
}

static GcsStream *
build_filter_map (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_filter_map (up, filter_map_odd, p, probe_destroy);
}

static GcsStream *
build_inspect (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_inspect (up, visit_probe, p, probe_destroy);
}

static GcsStream *
build_take (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_take (up, 10);
}

static GcsStream *
build_skip (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_skip (up, 1);
}

static GcsStream *
build_take_while (GcsStream *up, GcsStream *other, Probe *p)
{
  p->a = 100;
  return gcs_stream_take_while (up, pred_less, p, probe_destroy);
}

static GcsStream *
build_skip_while (GcsStream *up, GcsStream *other, Probe *p)
{
  p->a = 2;
  return gcs_stream_skip_while (up, pred_less, p, probe_destroy);
}

static GcsStream *
build_scan (GcsStream *up, GcsStream *other, Probe *p)
{
  g_auto(GValue) init = G_VALUE_INIT;

  set_int64 (&init, 0);
  return gcs_stream_scan (up, &init, fold_sum, p, probe_destroy);
}

static GcsStream *
build_distinct (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_distinct_until_changed (up);
}

static GcsStream *
build_chunks (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_chunks (up, 2);
}

static GcsStream *
build_chain (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_chain (up, other);
}

static GcsStream *
build_merge (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_merge (up, other);
}

static GcsStream *
build_zip (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_zip (up, other);
}

static GcsStream *
build_buffered (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_buffered (up, 2);
}

static GcsStream *
build_flat_map (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_flat_map (up, flat_pair, p, probe_destroy);
}

static GcsStream *
build_flat_map_unordered (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_flat_map_unordered (up, flat_pair, p, probe_destroy, 2);
}

static GcsStream *
build_catch_error (GcsStream *up, GcsStream *other, Probe *p)
{
  return gcs_stream_catch_error (up, catch_replace, p, probe_destroy);
}

static const Combinator combinators[] = {
  { "map", build_map, TRUE, 0, END_DONE,
    "[2, 4, 6, 8]", FALSE, "[2, 4]", FALSE },
  { "filter", build_filter, TRUE, 0, END_DONE,
    "[1, 3]", FALSE, "[1, 3]", FALSE },
  { "filter_map", build_filter_map, TRUE, 0, END_DONE,
    "[10, 30]", FALSE, "[10, 30]", FALSE },
  { "inspect", build_inspect, TRUE, 0, END_DONE,
    "[1, 2, 3, 4]", FALSE, "[1, 2]", FALSE },
  { "take", build_take, FALSE, 0, END_DONE,
    "[1, 2, 3, 4]", FALSE, "[1, 2]", FALSE },
  { "skip", build_skip, FALSE, 0, END_DONE,
    "[2, 3, 4]", FALSE, "[2, 3]", FALSE },
  { "take_while", build_take_while, TRUE, 0, END_DONE,
    "[1, 2, 3, 4]", FALSE, "[1, 2]", FALSE },
  { "skip_while", build_skip_while, TRUE, 0, END_DONE,
    "[2, 3, 4]", FALSE, "[2, 3]", FALSE },
  { "scan", build_scan, TRUE, 0, END_DONE,
    "[1, 3, 6, 10]", FALSE, "[1, 3]", FALSE },
  { "distinct_until_changed", build_distinct, FALSE, 0, END_DONE,
    "[1, 2, 3, 4]", FALSE, "[1, 2]", FALSE },
  { "chunks", build_chunks, FALSE, 0, END_DONE,
    "[[1, 2], [3, 4]]", FALSE, "[[1, 2], [3, 4]]", FALSE },
  { "chain", build_chain, FALSE, 2, END_DONE,
    "[1, 2, 3, 4]", FALSE, "[1, 2]", FALSE },
  { "merge", build_merge, FALSE, 0, END_PENDING,
    "[1, 2, 3, 4]", FALSE, "[1, 2]", FALSE },
  { "zip", build_zip, FALSE, 6, END_PENDING,
    "[[1, 10], [2, 11], [3, 12], [4, 13]]", FALSE, "[[1, 10], [2, 11]]", FALSE },
  { "buffered", build_buffered, FALSE, 0, END_DONE,
    "[1, 2, 3, 4]", FALSE, "[1, 2]", FALSE },
  { "flat_map", build_flat_map, TRUE, 0, END_DONE,
    "[10, 11, 20, 21, 30, 31, 40, 41]", FALSE, "[10, 11]", FALSE },
  { "flat_map_unordered", build_flat_map_unordered, TRUE, 0, END_DONE,
    "[10, 11, 20, 21, 30, 31, 40, 41]", FALSE, NULL, TRUE },
  { "catch_error", build_catch_error, TRUE, 0, END_DONE,
    "[1, 2, 3, 4, 100, 101]", TRUE, "[1, 2]", FALSE },
};

/* Builds the combinator over @up (our reference is dropped, as the API
 * allows). */
static GcsStream *
build_over (const Combinator *c,
            GcsStream        *up,
            GcsStream        *other,
            Probe            *p)
{
  GcsStream *stream = c->build (up, other, p);

  g_assert_nonnull (stream);
  g_assert_true (GCS_IS_STREAM (stream));
  return stream;
}

static void
test_combinator_empty (Fixture       *f,
                       gconstpointer  data)
{
  const Combinator *c = data;
  Probe p = { 0 };
  guint up_freed = 0, other_freed = 0;
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) up = test_source_new (NULL, 0, END_DONE);
    g_autoptr(GcsStream) other = test_source_new (NULL, 0, END_DONE);
    g_autoptr(GcsStream) stream = NULL;

    g_object_weak_ref (G_OBJECT (up), count_weak_notify, &up_freed);
    g_object_weak_ref (G_OBJECT (other), count_weak_notify, &other_freed);
    stream = build_over (c, up, other, &p);
    g_clear_object (&up);
    g_clear_object (&other);
    got = collect_ok (stream);
    /* The adapter lets its inputs go as soon as it ends. */
    g_assert_cmpuint (up_freed, ==, 1);
    g_assert_cmpuint (p.destroyed, ==, c->has_callback ? 1 : 0);
  }
  g_assert_cmpstr (got, ==, "[]");
  g_assert_cmpuint (p.calls, ==, 0);
  g_assert_cmpuint (p.destroyed, ==, c->has_callback ? 1 : 0);
  g_assert_cmpuint (up_freed, ==, 1);
  g_assert_cmpuint (other_freed, ==, 1);
  probe_clear (&p);
}

static void
test_combinator_upstream_error (Fixture       *f,
                                gconstpointer  data)
{
  const Combinator *c = data;
  Probe p = { 0 };
  guint up_freed = 0, other_freed = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) up = test_source_range (1, 5, END_ERROR);
    g_autoptr(GcsStream) other = test_source_range (10, 10 + c->other_n, c->other_end);
    g_autoptr(GcsStream) stream = NULL;

    g_object_weak_ref (G_OBJECT (up), count_weak_notify, &up_freed);
    g_object_weak_ref (G_OBJECT (other), count_weak_notify, &other_freed);
    stream = build_over (c, up, other, &p);
    g_clear_object (&up);
    g_clear_object (&other);
    got = for_each_str (stream, NULL, &error);
  }
  if (c->unordered)
    {
      g_autofree char *sorted = sorted_ints (got);

      g_assert_cmpstr (sorted, ==, c->on_error);
    }
  else
    g_assert_cmpstr (got, ==, c->on_error);
  if (c->error_caught)
    g_assert_no_error (error);
  else
    {
      g_assert_error (error, TEST_ERROR, TEST_ERROR_UPSTREAM);
      g_assert_cmpstr (error->message, ==, "upstream failed");
    }
  g_assert_cmpuint (p.calls_after_fail, ==, 0);
  g_assert_cmpuint (p.destroyed, ==, c->has_callback ? 1 : 0);
  g_assert_cmpuint (p.inner_made, ==, p.inner_freed);
  g_assert_cmpuint (up_freed, ==, 1);
  g_assert_cmpuint (other_freed, ==, 1);
  probe_clear (&p);
}

static void
test_combinator_early_end (Fixture       *f,
                           gconstpointer  data)
{
  const Combinator *c = data;
  Probe p = { 0 };
  guint up_freed = 0, other_freed = 0;
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) up = test_source_range (1, 5, END_PENDING);
    g_autoptr(GcsStream) other = test_source_range (10, 10 + c->other_n, c->other_end);
    g_autoptr(GcsStream) stream = NULL;
    g_autoptr(GcsStream) taken = NULL;

    g_object_weak_ref (G_OBJECT (up), count_weak_notify, &up_freed);
    g_object_weak_ref (G_OBJECT (other), count_weak_notify, &other_freed);
    stream = build_over (c, up, other, &p);
    g_clear_object (&up);
    g_clear_object (&other);
    taken = gcs_stream_take (stream, 2);
    g_clear_object (&stream);
    /* take (2) ends the pipeline although its source never ends. */
    got = collect_ok (taken);
    /* ... and lets the whole pipeline go at once. */
    g_assert_cmpuint (up_freed, ==, 1);
    g_assert_cmpuint (other_freed, ==, 1);
  }
  if (c->unordered)
    {
      /* Two items of the first two inner streams */
      g_assert_true (g_str_equal (got, "[10, 20]") || g_str_equal (got, "[10, 11]") ||
                     g_str_equal (got, "[20, 10]") || g_str_equal (got, "[20, 21]"));
    }
  else
    g_assert_cmpstr (got, ==, c->early_end);
  g_assert_cmpuint (p.destroyed, ==, c->has_callback ? 1 : 0);
  g_assert_cmpuint (p.inner_made, ==, p.inner_freed);
  probe_clear (&p);
}

typedef struct
{
  Visit          visit;
  GCancellable  *cancellable;
  guint          cancel_after;
} CancelVisit;

static void
visit_then_cancel (const GValue  *item,
                   gpointer       data,
                   GError       **error)
{
  CancelVisit *cv = data;

  visit_record (item, &cv->visit, error);
  if (cv->visit.n == cv->cancel_after)
    g_cancellable_cancel (cv->cancellable);
}

static void
cancel_visit_destroy (gpointer data)
{
  ((CancelVisit *) data)->visit.destroyed++;
}

static void
test_combinator_cancel (Fixture       *f,
                        gconstpointer  data)
{
  const Combinator *c = data;
  Probe p = { 0 };
  guint up_freed = 0, other_freed = 0;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelVisit cv = { { g_string_new (NULL), 0, 0, FALSE, 0, 0 }, cancellable, 0 };
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL };

  {
    g_autoptr(GcsStream) up = test_source_range (1, 4, END_PENDING);
    g_autoptr(GcsStream) other = test_source_range (10, 10 + c->other_n, END_PENDING);
    g_autoptr(GcsStream) stream = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    g_object_weak_ref (G_OBJECT (up), count_weak_notify, &up_freed);
    g_object_weak_ref (G_OBJECT (other), count_weak_notify, &other_freed);
    stream = build_over (c, up, other, &p);
    g_clear_object (&up);
    g_clear_object (&other);
    gcs_stream_for_each_async (stream, visit_then_cancel, &cv, cancel_visit_destroy,
                               cancellable, wait_cb, &wait);
    /* Everything there is now, then the pipeline waits for ever. */
    drain ();
    g_assert_null (wait.result);
    g_assert_cmpuint (up_freed, ==, 0);
    g_cancellable_cancel (cancellable);
    result = wait_for (&wait);
    g_assert_false (gcs_stream_for_each_finish (stream, result, &error));
  }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  drain ();
  /* The whole pipeline is gone, callbacks and inner streams included. */
  g_assert_cmpuint (up_freed, ==, 1);
  g_assert_cmpuint (other_freed, ==, 1);
  g_assert_cmpuint (p.destroyed, ==, c->has_callback ? 1 : 0);
  g_assert_cmpuint (p.inner_made, ==, p.inner_freed);
  g_assert_cmpuint (cv.visit.destroyed, ==, 1);
  g_string_free (cv.visit.items, TRUE);
  probe_clear (&p);
}

/* A callback that cancels mid-stream: no item after the cancellation. */
void
test_combinator_cancel_in_callback (Fixture       *f,
                                    gconstpointer  data)
{
  const Combinator *c = data;
  Probe p = { 0 };
  guint up_freed = 0;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelVisit cv = { { g_string_new ("["), 0, 0, FALSE, 0, 0 }, cancellable, 1 };
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL };

  {
    g_autoptr(GcsStream) up = test_source_range (1, 200, END_PENDING);
    g_autoptr(GcsStream) other = test_source_range (10, 10 + c->other_n, END_PENDING);
    g_autoptr(GcsStream) stream = NULL;
    g_autoptr(GAsyncResult) result = NULL;

    g_object_weak_ref (G_OBJECT (up), count_weak_notify, &up_freed);
    stream = build_over (c, up, other, &p);
    g_clear_object (&up);
    g_clear_object (&other);
    gcs_stream_for_each_async (stream, visit_then_cancel, &cv, cancel_visit_destroy,
                               cancellable, wait_cb, &wait);
    result = wait_for (&wait);
    g_assert_false (gcs_stream_for_each_finish (stream, result, &error));
  }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  drain ();
  /* Cancelled in the first item's callback: nothing more reaches for_each. */
  if (cv.visit.n != 1)
    {
      g_test_incomplete_printf ("bug: for_each cancelled from its own callback at the 1st item "
                                "went on calling it for %u more items (the driver checks the "
                                "cancellable only when a dispatch starts)", cv.visit.n - 1);
      g_string_free (cv.visit.items, TRUE);
      probe_clear (&p);
      return;
    }
  g_assert_cmpuint (up_freed, ==, 1);
  g_assert_cmpuint (p.destroyed, ==, c->has_callback ? 1 : 0);
  g_assert_cmpuint (p.inner_made, ==, p.inner_freed);
  g_string_free (cv.visit.items, TRUE);
  probe_clear (&p);
}

const Combinator *
find_combinator (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (combinators); i++)
    if (g_str_equal (combinators[i].name, name))
      return &combinators[i];
  g_error ("no combinator %s in the table", name);
  return NULL;
}

void
add_combinator_tests (const char *name)
{
  const Combinator *c = find_combinator (name);
  struct { const char *what; void (*func) (Fixture *, gconstpointer); } generic[] = {
    { "empty", test_combinator_empty },
    { "upstream-error", test_combinator_upstream_error },
    { "early-end", test_combinator_early_end },
    { "cancel", test_combinator_cancel },
  };

  for (guint j = 0; j < G_N_ELEMENTS (generic); j++)
    {
      g_autofree char *path = g_strdup_printf ("/stream/%s/%s", c->name, generic[j].what);

      g_test_add (path, Fixture, c, fixture_setup, generic[j].func, fixture_teardown);
    }
}
