/* test-bridges.c: from_property and from_signal are lazy and bounded
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * API.md, "Bridges are lazy and bounded": the bridges connect at their
 * first poll, a property's changes coalesce to the latest value, and a
 * bounded signal stream drops and counts. The memory tests change a
 * property (or emit a signal) 1,000,000 times and bound the heap growth
 * with mallinfo2() (glibc); the eager bridges cost about 65 MiB there.
 * Under a sanitizer mallinfo2() does not see the sanitizer's heap, and the
 * bound holds trivially: the handler checks still prove nothing queued.
 */

#include "channel-test-util.h"

#include <malloc.h>

#define MILLION 1000000
/* Generous: a queued notification costs ~64 bytes, so a million queued
 * ones would be ~64 MiB; the lazy or coalescing bridge holds one value. */
#define HEAP_BOUND (256 * 1024)

/* A small object with an int property and two signals. */

#define TEST_TYPE_OBJ (test_obj_get_type ())
G_DECLARE_FINAL_TYPE (TestObj, test_obj, TEST, OBJ, GObject)

struct _TestObj
{
  GObject parent_instance;
  gint    count;
};

enum { PROP_0, PROP_COUNT, N_PROPS };
enum { SIG_PING, SIG_ONE, N_SIGNALS };

static GParamSpec *obj_props[N_PROPS];
static guint obj_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TestObj, test_obj, G_TYPE_OBJECT)

static void
test_obj_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  g_value_set_int (value, TEST_OBJ (object)->count);
}

static void
test_obj_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  TEST_OBJ (object)->count = g_value_get_int (value);
}

static void
test_obj_class_init (TestObjClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_obj_get_property;
  object_class->set_property = test_obj_set_property;
  obj_props[PROP_COUNT] = g_param_spec_int ("count", NULL, NULL, G_MININT, G_MAXINT, 0,
                                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, obj_props);
  obj_signals[SIG_PING] = g_signal_new ("ping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  obj_signals[SIG_ONE] = g_signal_new ("one", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
test_obj_init (TestObj *self)
{
}

static gboolean
has_notify_handler (gpointer obj)
{
  return g_signal_has_handler_pending (obj, g_signal_lookup ("notify", G_TYPE_OBJECT),
                                       g_quark_from_static_string ("count"), TRUE);
}

static gboolean
has_one_handler (gpointer obj)
{
  return g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE);
}

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

static void
report_growth (const char *what,
               gsize       before,
               gsize       after)
{
  gssize growth = (gssize) after - (gssize) before;

  g_test_message ("%s: heap grew by %" G_GSSIZE_FORMAT " bytes", what, growth);
  g_assert_cmpint (growth, <, HEAP_BOUND);
}

/* The next item of @stream, as text; "NULL" at its end. */
static char *
next_item (GcsStream *stream)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const GValue *item;

  gcs_stream_next_async (stream, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  item = gcs_stream_next_finish (stream, result, &error);
  g_assert_no_error (error);
  return format_value (item);
}

/* Nothing more comes for a while. */
static void
assert_no_item (GcsStream *stream)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { NULL };

  gcs_stream_next_async (stream, cancellable, wait_cb, &wait);
  iterate_for (20);
  g_assert_null (wait.result);
  g_cancellable_cancel (cancellable);
  result = wait_for (&wait);
  g_assert_null (gcs_stream_next_finish (stream, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
set_count (TestObj *obj,
           gint     count)
{
  g_object_set (obj, "count", count, NULL);
}

/* A million changes before the first poll: no handler, nothing queued,
 * the heap flat; the first item is the value current at the first poll. */
static void
test_property_lazy_million (Fixture       *f,
                            gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(GcsStream) stream = gcs_stream_from_property (G_OBJECT (obj), "count");
  g_autofree char *first = NULL;
  gsize before, after;

  g_assert_false (has_notify_handler (obj));
  before = heap_in_use ();
  for (gint i = 1; i <= MILLION; i++)
    set_count (obj, i);
  after = heap_in_use ();
  g_assert_false (has_notify_handler (obj));
  report_growth ("from_property, 1,000,000 changes before the first poll", before, after);

  first = next_item (stream);
  g_assert_cmpstr (first, ==, "1000000");
  g_assert_true (has_notify_handler (obj));
  assert_no_item (stream);
  g_object_unref (obj);
}

/* Running, a million changes before the next poll coalesce to the latest:
 * one item, the heap flat. */
static void
test_property_coalesce_million (Fixture       *f,
                                gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(GcsStream) stream = gcs_stream_from_property (G_OBJECT (obj), "count");
  g_autofree char *first = NULL, *latest = NULL, *end = NULL;
  gsize before, after;

  first = next_item (stream);
  g_assert_cmpstr (first, ==, "0");
  before = heap_in_use ();
  for (gint i = 1; i <= MILLION; i++)
    set_count (obj, i);
  after = heap_in_use ();
  report_growth ("from_property, 1,000,000 changes between two polls", before, after);

  latest = next_item (stream);
  g_assert_cmpstr (latest, ==, "1000000");
  assert_no_item (stream);

  /* Disposed: the stream ends, and lets the handler go. */
  set_count (obj, 7);
  g_object_unref (obj);
  latest = (g_free (latest), next_item (stream));
  g_assert_cmpstr (latest, ==, "7");
  end = next_item (stream);
  g_assert_cmpstr (end, ==, "NULL");
}

/* Disposed before the first poll: the stream just ends. */
static void
test_disposed_before_first_poll (Fixture       *f,
                                 gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(GcsStream) property = gcs_stream_from_property (G_OBJECT (obj), "count");
  g_autoptr(GcsStream) signal = gcs_stream_from_signal (G_OBJECT (obj), "one");
  g_autofree char *a = NULL, *b = NULL;
  guint finalized = 0;

  g_object_weak_ref (G_OBJECT (obj), count_weak_notify, &finalized);
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);
  a = next_item (property);
  b = next_item (signal);
  g_assert_cmpstr (a, ==, "NULL");
  g_assert_cmpstr (b, ==, "NULL");
}

/* Emissions before the first poll are not seen and cost nothing; from the
 * first poll on, the unbounded form keeps every one. */
static void
test_signal_lazy (Fixture       *f,
                  gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(GcsStream) stream = gcs_stream_from_signal (G_OBJECT (obj), "one");
  g_autoptr(GcsStream) take = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *items = NULL;
  gsize before, after;

  before = heap_in_use ();
  for (gint i = 0; i < MILLION; i++)
    g_signal_emit (obj, obj_signals[SIG_ONE], 0, i);
  after = heap_in_use ();
  g_assert_false (has_one_handler (obj));
  report_growth ("from_signal, 1,000,000 emissions before the first poll", before, after);

  assert_no_item (stream);   /* the first poll connects */
  g_assert_true (has_one_handler (obj));
  for (gint i = 1; i <= 5; i++)
    g_signal_emit (obj, obj_signals[SIG_ONE], 0, i);
  take = gcs_stream_take (stream, 5);
  items = collect_stream (take, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (items, ==, "[1, 2, 3, 4, 5]");
  g_assert_cmpuint (gcs_signal_stream_get_dropped (GCS_SIGNAL_STREAM (stream)), ==, 0);
  g_object_unref (obj);
}

/* from_signal_full: DROP_OLDEST keeps the last capacity emissions,
 * DROP_NEWEST the first ones; either counts what it dropped. */
static void
test_signal_bounded (Fixture       *f,
                     gconstpointer  data)
{
  GcsOverflow overflow = GPOINTER_TO_INT (data);
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(GcsStream) stream = gcs_stream_from_signal_full (G_OBJECT (obj), "one", 3, overflow);
  g_autoptr(GError) error = NULL;
  g_autofree char *items = NULL;
  guint64 dropped = 0;

  g_assert_true (GCS_IS_SIGNAL_STREAM (stream));
  assert_no_item (stream);
  for (gint i = 1; i <= 10; i++)
    g_signal_emit (obj, obj_signals[SIG_ONE], 0, i);
  g_object_get (stream, "dropped", &dropped, NULL);
  g_assert_cmpuint (dropped, ==, 7);
  g_object_run_dispose (G_OBJECT (obj));   /* the end, after what waits */
  items = collect_stream (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (items, ==, overflow == GCS_OVERFLOW_DROP_OLDEST ? "[8, 9, 10]" : "[1, 2, 3]");
  /* Still readable once the stream is released. */
  g_assert_cmpuint (gcs_signal_stream_get_dropped (GCS_SIGNAL_STREAM (stream)), ==, 7);
  g_object_unref (obj);
}

/* A million emissions into a bounded stream that runs but is not polled:
 * capacity items wait, the rest is dropped and counted, the heap flat. */
static void
test_signal_bounded_million (Fixture       *f,
                             gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(GcsStream) stream = gcs_stream_from_signal_full (G_OBJECT (obj), "one", 16,
                                                             GCS_OVERFLOW_DROP_OLDEST);
  g_autofree char *first = NULL;
  gsize before, after;

  assert_no_item (stream);
  before = heap_in_use ();
  for (gint i = 0; i < MILLION; i++)
    g_signal_emit (obj, obj_signals[SIG_ONE], 0, i);
  after = heap_in_use ();
  report_growth ("from_signal_full (16, DROP_OLDEST), 1,000,000 emissions unpolled", before, after);
  g_assert_cmpuint (gcs_signal_stream_get_dropped (GCS_SIGNAL_STREAM (stream)), ==, MILLION - 16);
  first = next_item (stream);
  g_assert_cmpstr (first, ==, "999984");
  g_object_unref (obj);
}

/* BLOCK: a signal cannot wait. A critical, and no stream. */
static void
test_signal_block_refused (Fixture       *f,
                           gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsStream *stream;

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_OVERFLOW_DROP*");
  stream = gcs_stream_from_signal_full (G_OBJECT (obj), "one", 4, GCS_OVERFLOW_BLOCK);
  g_test_assert_expected_messages ();
  g_assert_null (stream);
  g_assert_false (has_one_handler (obj));
  g_object_unref (obj);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/bridges/property/lazy-million", test_property_lazy_million);
  ADD ("/bridges/property/coalesce-million", test_property_coalesce_million);
  ADD ("/bridges/disposed-before-first-poll", test_disposed_before_first_poll);
  ADD ("/bridges/signal/lazy", test_signal_lazy);
  g_test_add ("/bridges/signal/drop-oldest", Fixture, GINT_TO_POINTER (GCS_OVERFLOW_DROP_OLDEST),
              fixture_setup, test_signal_bounded, fixture_teardown);
  g_test_add ("/bridges/signal/drop-newest", Fixture, GINT_TO_POINTER (GCS_OVERFLOW_DROP_NEWEST),
              fixture_setup, test_signal_bounded, fixture_teardown);
  ADD ("/bridges/signal/bounded-million", test_signal_bounded_million);
  ADD ("/bridges/signal/block-refused", test_signal_block_refused);

  return g_test_run ();
}
