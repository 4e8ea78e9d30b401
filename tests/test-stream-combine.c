/* test-stream-combine.c: chain, merge, zip
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The combinators of gcs-stream-combine.c: the order of items, when each
 * ends (one input ended, both, either), the second input polled only
 * when needed, errors, and the checks every combinator gets
 * (stream-test-combinators.c).
 */

#include "stream-test-util.h"

/* === chain === */

static void
test_chain_basic (Fixture *f, gconstpointer data)
{
  g_autofree char *both = NULL, *first_empty = NULL, *second_empty = NULL;

  {
    g_autoptr(GcsStream) a = INTS (1, 2);
    g_autoptr(GcsStream) b = INTS (3, 4, 5);
    g_autoptr(GcsStream) stream = gcs_stream_chain (a, b);

    both = collect_ok (stream);
  }
  {
    g_autoptr(GcsStream) a = NO_INTS ();
    g_autoptr(GcsStream) b = INTS (3);
    g_autoptr(GcsStream) stream = gcs_stream_chain (a, b);

    first_empty = collect_ok (stream);
  }
  {
    g_autoptr(GcsStream) a = INTS (1);
    g_autoptr(GcsStream) b = NO_INTS ();
    g_autoptr(GcsStream) stream = gcs_stream_chain (a, b);

    second_empty = collect_ok (stream);
  }
  g_assert_cmpstr (both, ==, "[1, 2, 3, 4, 5]");
  g_assert_cmpstr (first_empty, ==, "[3]");
  g_assert_cmpstr (second_empty, ==, "[1]");
}

/* The second stream is not polled before the first ended. */
static void
test_chain_lazy_other (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsStream) a = test_source_range (1, 3, END_PENDING);
  g_autoptr(GcsStream) b = test_source_range (10, 12, END_DONE);
  g_autoptr(GcsStream) stream = gcs_stream_chain (a, b);
  g_autofree char *first = next_ok (stream);
  g_autofree char *second = next_ok (stream);

  g_assert_cmpstr (first, ==, "1");
  g_assert_cmpstr (second, ==, "2");
  g_assert_cmpuint (TEST_SOURCE (b)->polls, ==, 0);
}

static void
test_chain_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) a = INTS (1, 2);
    g_autoptr(GcsStream) b = test_source_range (10, 12, END_ERROR);
    g_autoptr(GcsStream) stream = gcs_stream_chain (a, b);

    got = for_each_str (stream, NULL, &error);
  }
  g_assert_cmpstr (got, ==, "[1, 2, 10, 11]");
  g_assert_error (error, TEST_ERROR, TEST_ERROR_UPSTREAM);
}

/* === merge === */

static void
test_merge_basic (Fixture *f, gconstpointer data)
{
  g_autofree char *got = NULL, *sorted = NULL;
  g_autofree char *one_empty = NULL;

  {
    g_autoptr(GcsStream) a = INTS (1, 2, 3, 4);
    g_autoptr(GcsStream) b = INTS (10, 20);
    g_autoptr(GcsStream) stream = gcs_stream_merge (a, b);

    got = collect_ok (stream);
  }
  sorted = sorted_ints (got);
  g_assert_cmpstr (sorted, ==, "[1, 2, 3, 4, 10, 20]");
  g_assert_true (has_subsequence (got, "[1, 2, 3, 4]"));
  g_assert_true (has_subsequence (got, "[10, 20]"));
  /* Taking turns while both have items: the first four hold two of each. */
  g_assert_true (g_str_has_prefix (got, "[1, 10, 2, 20") || g_str_has_prefix (got, "[10, 1, 20, 2"));

  {
    g_autoptr(GcsStream) a = NO_INTS ();
    g_autoptr(GcsStream) b = INTS (10, 20);
    g_autoptr(GcsStream) stream = gcs_stream_merge (a, b);

    one_empty = collect_ok (stream);
  }
  g_assert_cmpstr (one_empty, ==, "[10, 20]");
}

static void
test_merge_ends_when_both_end (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsSender) txa = NULL, txb = NULL;
  g_autoptr(GcsReceiver) rxa = NULL, rxb = NULL;
  Running r = { { NULL } };
  g_autofree char *seen1 = NULL, *seen2 = NULL, *final = NULL;
  g_autoptr(GError) error = NULL;

  gcs_channel_new (G_TYPE_INT64, 8, &txa, &rxa);
  gcs_channel_new (G_TYPE_INT64, 8, &txb, &rxb);
  {
    g_autoptr(GcsStream) a = gcs_receiver_stream_new (rxa);
    g_autoptr(GcsStream) b = gcs_receiver_stream_new (rxb);
    g_autoptr(GcsStream) stream = gcs_stream_merge (a, b);

    running_start (&r, stream, NULL);
  }
  send_int (txa, 1);
  drain ();
  seen1 = running_seen (&r);
  g_assert_cmpstr (seen1, ==, "[1]");

  /* The first input ends: the merge goes on with the second. */
  gcs_sender_close (txa);
  drain ();
  g_assert_false (running_done (&r));
  send_int (txb, 10);
  drain ();
  seen2 = running_seen (&r);
  g_assert_cmpstr (seen2, ==, "[1, 10]");
  g_assert_false (running_done (&r));

  send_int (txb, 20);
  gcs_sender_close (txb);
  final = running_finish (&r, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (final, ==, "[1, 10, 20]");
}

static void
test_merge_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  guint b_freed = 0;

  {
    g_autoptr(GcsStream) a = test_source_range (1, 3, END_ERROR);
    g_autoptr(GcsStream) b = test_source_range (10, 11, END_PENDING);
    g_autoptr(GcsStream) stream = gcs_stream_merge (a, b);

    g_object_weak_ref (G_OBJECT (b), count_weak_notify, &b_freed);
    g_clear_object (&b);
    got = for_each_str (stream, NULL, &error);
  }
  g_assert_error (error, TEST_ERROR, TEST_ERROR_UPSTREAM);
  g_assert_true (has_subsequence (got, "[1, 2]"));
  g_assert_cmpuint (b_freed, ==, 1);
}

/* === zip === */

static void
test_zip_basic (Fixture *f, gconstpointer data)
{
  static const char * const words[] = { "a", "b", NULL };
  g_autofree char *got = NULL, *other_shorter = NULL, *empty = NULL;

  {
    g_autoptr(GcsStream) a = INTS (1, 2, 3);
    g_autoptr(GcsStream) b = strings_stream (words);
    g_autoptr(GcsStream) stream = gcs_stream_zip (a, b);

    got = collect_ok (stream);
  }
  {
    g_autoptr(GcsStream) a = INTS (1, 2);
    g_autoptr(GcsStream) b = INTS (10, 20, 30);
    g_autoptr(GcsStream) stream = gcs_stream_zip (b, a);

    other_shorter = collect_ok (stream);
  }
  {
    g_autoptr(GcsStream) a = INTS (1, 2);
    g_autoptr(GcsStream) b = NO_INTS ();
    g_autoptr(GcsStream) stream = gcs_stream_zip (a, b);

    empty = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[[1, \"a\"], [2, \"b\"]]");
  g_assert_cmpstr (other_shorter, ==, "[[10, 1], [20, 2]]");
  g_assert_cmpstr (empty, ==, "[]");
}

static void
test_zip_ends_when_either_ends (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsSender) txa = NULL, txb = NULL;
  g_autoptr(GcsReceiver) rxa = NULL, rxb = NULL;
  g_autofree char *got = NULL;
  Running r = { { NULL } };
  g_autofree char *seen = NULL, *final = NULL;
  g_autoptr(GError) error = NULL;

  /* The values end while the channel stays open. */
  gcs_channel_new (G_TYPE_INT64, 8, &txa, &rxa);
  for (gint64 i = 10; i < 15; i++)
    send_int (txa, i);
  {
    g_autoptr(GcsStream) a = gcs_receiver_stream_new (rxa);
    g_autoptr(GcsStream) b = INTS (1, 2);
    g_autoptr(GcsStream) stream = gcs_stream_zip (a, b);

    g_clear_object (&rxa);
    got = collect_ok (stream);
  }
  g_assert_cmpstr (got, ==, "[[10, 1], [11, 2]]");
  /* ... and the channel learns its receiver is gone. */
  g_assert_true (gcs_sender_is_closed (txa));

  /* The channel ends while values remain. */
  gcs_channel_new (G_TYPE_INT64, 8, &txb, &rxb);
  {
    g_autoptr(GcsStream) a = INTS (1, 2, 3);
    g_autoptr(GcsStream) b = gcs_receiver_stream_new (rxb);
    g_autoptr(GcsStream) stream = gcs_stream_zip (a, b);

    running_start (&r, stream, NULL);
  }
  send_int (txb, 10);
  drain ();
  seen = running_seen (&r);
  g_assert_cmpstr (seen, ==, "[[1, 10]]");
  g_assert_false (running_done (&r));
  gcs_sender_close (txb);
  final = running_finish (&r, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (final, ==, "[[1, 10]]");
}

static void
test_zip_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  {
    g_autoptr(GcsStream) a = INTS (1, 2, 3, 4);
    g_autoptr(GcsStream) b = test_source_range (10, 12, END_ERROR);
    g_autoptr(GcsStream) stream = gcs_stream_zip (a, b);

    got = for_each_str (stream, NULL, &error);
  }
  g_assert_cmpstr (got, ==, "[[1, 10], [2, 11]]");
  g_assert_error (error, TEST_ERROR, TEST_ERROR_UPSTREAM);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_combinator_tests ("chain");
  add_combinator_tests ("merge");
  add_combinator_tests ("zip");

  ADD ("/stream/chain/basic", test_chain_basic);
  ADD ("/stream/chain/lazy-other", test_chain_lazy_other);
  ADD ("/stream/chain/error", test_chain_error);
  ADD ("/stream/merge/basic", test_merge_basic);
  ADD ("/stream/merge/ends-when-both-end", test_merge_ends_when_both_end);
  ADD ("/stream/merge/error", test_merge_error);
  ADD ("/stream/zip/basic", test_zip_basic);
  ADD ("/stream/zip/ends-when-either-ends", test_zip_ends_when_either_ends);
  ADD ("/stream/zip/error", test_zip_error);

  return g_test_run ();
}
