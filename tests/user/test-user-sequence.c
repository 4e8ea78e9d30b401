/* test-user-sequence.c: a user's program reading sequence items, compiled
 * as users compile (the public header only, no GCHANSTREAM_COMPILATION)
 * with -Werror=deprecated-declarations: gchanstream.h triggers no
 * deprecation warning and no deprecated GLib call is needed to read the
 * items of chunks, zip or collect (issue 13).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gchanstream/gchanstream.h>

static GcsStream *
ints (int n)
{
  g_autofree GValue *values = g_new0 (GValue, n);
  GcsStream *stream;

  for (int i = 0; i < n; i++)
    {
      g_value_init (&values[i], G_TYPE_INT);
      g_value_set_int (&values[i], i + 1);
    }
  stream = gcs_stream_from_values (values, n);
  for (int i = 0; i < n; i++)
    g_value_unset (&values[i]);
  return stream;
}

static void
next_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The next item of @stream, copied into @item (FALSE at the end). */
static gboolean
next (GcsStream *stream,
      GValue    *item)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  const GValue *value;

  gcs_stream_next_async (stream, NULL, next_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  value = gcs_stream_next_finish (stream, result, &error);
  g_assert_no_error (error);
  if (value == NULL)
    return FALSE;
  g_value_init (item, G_VALUE_TYPE (value));
  g_value_copy (value, item);
  return TRUE;
}

static void
test_chunks (void)
{
  g_autoptr (GcsStream) numbers = ints (5);
  g_autoptr (GcsStream) stream = gcs_stream_chunks (numbers, 2);
  g_auto (GValue) batch = G_VALUE_INIT;
  guint sizes[3] = { 2, 2, 1 };
  int expected = 1;

  for (guint b = 0; b < 3; b++)
    {
      const GValue *array;
      guint n = 99;

      g_assert_true (next (stream, &batch));
      g_assert_true (gcs_value_holds_sequence (&batch));
      g_assert_true (G_VALUE_HOLDS (&batch, GCS_TYPE_SEQUENCE));
      g_assert_cmpuint (gcs_value_get_sequence_length (&batch), ==, sizes[b]);
      array = gcs_value_get_sequence (&batch, &n);
      g_assert_cmpuint (n, ==, sizes[b]);
      for (guint i = 0; i < sizes[b]; i++, expected++)
        {
          g_assert_cmpint (g_value_get_int (gcs_value_get_sequence_item (&batch, i)), ==, expected);
          g_assert_true (&array[i] == gcs_value_get_sequence_item (&batch, i));
        }
      g_value_unset (&batch);
    }
  g_assert_false (next (stream, &batch));
}

static void
test_make_and_send (void)
{
  g_autoptr (GcsSender) tx = NULL;
  g_autoptr (GcsReceiver) rx = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GValue) pair = G_VALUE_INIT;
  GValue items[2] = { G_VALUE_INIT, G_VALUE_INIT };
  const GValue *got;

  g_value_init (&items[0], G_TYPE_STRING);
  g_value_set_string (&items[0], "key");
  g_value_init (&items[1], G_TYPE_INT);
  g_value_set_int (&items[1], 7);
  gcs_value_init_sequence (&pair, items, 2);
  g_value_unset (&items[0]);
  g_value_unset (&items[1]);

  gcs_channel_new (GCS_TYPE_SEQUENCE, 2, &tx, &rx);
  g_assert_true (gcs_sender_try_send (tx, &pair, &error));
  g_assert_no_error (error);
  got = gcs_receiver_try_recv (rx, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gcs_value_get_sequence_length (got), ==, 2);
  g_assert_cmpstr (g_value_get_string (gcs_value_get_sequence_item (got, 0)), ==, "key");
  g_assert_cmpint (g_value_get_int (gcs_value_get_sequence_item (got, 1)), ==, 7);

  {
    g_auto (GValue) empty = G_VALUE_INIT;
    guint n = 99;

    gcs_value_init_sequence (&empty, NULL, 0);
    g_assert_cmpuint (gcs_value_get_sequence_length (&empty), ==, 0);
    g_assert_null (gcs_value_get_sequence (&empty, &n));
    g_assert_cmpuint (n, ==, 0);
  }
}

static void
test_not_a_sequence (void)
{
  g_auto (GValue) v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_INT);
  g_assert_false (gcs_value_holds_sequence (&v));
  if (g_test_undefined ())
    {
      g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*gcs_value_holds_sequence*");
      g_assert_cmpuint (gcs_value_get_sequence_length (&v), ==, 0);
      g_test_assert_expected_messages ();
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/user/sequence/chunks", test_chunks);
  g_test_add_func ("/user/sequence/make-and-send", test_make_and_send);
  g_test_add_func ("/user/sequence/not-a-sequence", test_not_a_sequence);
  return g_test_run ();
}
