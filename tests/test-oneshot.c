/* test-oneshot.c: the oneshot channel and GcsOneshotStream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "channel-test-util.h"

#include <glib/gstdio.h>

#define TEST_ERROR (test_error_quark ())
GQuark test_error_quark (void);
G_DEFINE_QUARK (test-error-quark, test_error)

static gboolean
send_int (GcsOneshotSender  *tx,
          gint64             v,
          GError           **error)
{
  g_auto(GValue) value = G_VALUE_INIT;

  set_int64 (&value, v);
  return gcs_oneshot_sender_send (tx, &value, error);
}

static void
assert_try_recv_error (GcsOneshotReceiver *rx,
                       GQuark              domain,
                       gint                code)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (gcs_oneshot_receiver_try_recv (rx, &error));
  g_assert_error (error, domain, code);
}

/* recv_async, waited for: the item as text, or NULL with @error. */
static char *
recv_async_wait (GcsOneshotReceiver  *rx,
                 GCancellable        *cancellable,
                 GError             **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  const GValue *value;

  gcs_oneshot_receiver_recv_async (rx, cancellable, wait_cb, &wait);
  result = wait_for (&wait);
  value = gcs_oneshot_receiver_recv_finish (rx, result, error);
  return value ? format_value (value) : NULL;
}

static void
test_send_recv (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;
  GType tx_type = G_TYPE_INVALID, rx_type = G_TYPE_INVALID;
  const GValue *value;

  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  g_assert_true (GCS_IS_ONESHOT_SENDER (tx));
  g_assert_true (GCS_IS_ONESHOT_RECEIVER (rx));
  g_object_get (tx, "item-type", &tx_type, NULL);
  g_object_get (rx, "item-type", &rx_type, NULL);
  g_assert_true (tx_type == G_TYPE_INT64);
  g_assert_true (rx_type == G_TYPE_INT64);
  g_assert_true (gcs_oneshot_sender_get_item_type (tx) == G_TYPE_INT64);
  g_assert_true (gcs_oneshot_receiver_get_item_type (rx) == G_TYPE_INT64);
  g_assert_false (gcs_oneshot_sender_is_closed (tx));

  assert_try_recv_error (rx, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY);
  g_assert_true (send_int (tx, 42, &error));
  g_assert_no_error (error);

  /* A second send on the same handle: CLOSED. */
  g_assert_false (send_int (tx, 43, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);

  value = gcs_oneshot_receiver_try_recv (rx, &error);
  g_assert_no_error (error);
  g_assert_cmpint (get_int64 (value), ==, 42);
  /* The value once, then CLOSED. */
  assert_try_recv_error (rx, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  assert_try_recv_error (rx, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);

  /* recv_async after the item was taken: the end, NULL without error. */
  g_assert_null (recv_async_wait (rx, NULL, &error));
  g_assert_no_error (error);

  /* Closing after the send changes nothing. */
  gcs_oneshot_sender_close (tx);
  g_assert_false (send_int (tx, 44, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

static void
test_type_conversion (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GcsOneshotSender) atx = NULL;
  g_autoptr(GcsOneshotReceiver) arx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) v = G_VALUE_INIT;
  const GValue *got;

  gcs_oneshot_new (G_TYPE_INT, &tx, &rx);
  g_value_init (&v, G_TYPE_DOUBLE);
  g_value_set_double (&v, 1.9);
  g_assert_false (gcs_oneshot_sender_send (tx, &v, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_clear_error (&error);
  g_value_unset (&v);
  g_value_init (&v, G_TYPE_INT64);
  g_value_set_int64 (&v, G_GINT64_CONSTANT (1) << 40);
  g_assert_false (gcs_oneshot_sender_send (tx, &v, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_clear_error (&error);
  assert_try_recv_error (rx, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY);

  /* A failed conversion did not use the handle: an exact value goes. */
  g_value_set_int64 (&v, -5);
  g_assert_true (gcs_oneshot_sender_send (tx, &v, &error));
  g_assert_no_error (error);
  got = gcs_oneshot_receiver_try_recv (rx, &error);
  g_assert_true (G_VALUE_HOLDS_INT (got));
  g_assert_cmpint (g_value_get_int (got), ==, -5);
  g_value_unset (&v);

  /* G_TYPE_NONE takes anything as it is. */
  gcs_oneshot_new (G_TYPE_NONE, &atx, &arx);
  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, "hello");
  g_assert_true (gcs_oneshot_sender_send (atx, &v, NULL));
  got = gcs_oneshot_receiver_try_recv (arx, NULL);
  g_assert_cmpstr (g_value_get_string (got), ==, "hello");
}

static void
test_sender_close (Fixture *f, gconstpointer data)
{
  GcsOneshotSender *tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) failure = g_error_new_literal (TEST_ERROR, 1, "x");

  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  gcs_oneshot_sender_close (tx);
  gcs_oneshot_sender_close (tx);   /* twice is harmless */
  g_assert_false (send_int (tx, 1, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (gcs_oneshot_sender_send_error (tx, failure, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  assert_try_recv_error (rx, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  /* recv_async: the sender went unsent, a CLOSED failure. */
  g_assert_null (recv_async_wait (rx, NULL, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  g_object_unref (tx);
  g_clear_object (&rx);

  /* Finalizing the sender unsent closes it, waking a waiting receive. */
  {
    Wait wait = { NULL };
    g_autoptr(GAsyncResult) result = NULL;

    gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
    gcs_oneshot_receiver_recv_async (rx, NULL, wait_cb, &wait);
    iterate_for (10);
    g_assert_null (wait.result);
    g_object_unref (tx);
    result = wait_for (&wait);
    g_assert_null (gcs_oneshot_receiver_recv_finish (rx, result, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }
}

static void
test_receiver_gone (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  GcsOneshotReceiver *rx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) obj = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GError) failure = g_error_new_literal (TEST_ERROR, 1, "x");
  g_auto(GValue) value = G_VALUE_INIT;

  gcs_oneshot_new (G_TYPE_OBJECT, &tx, &rx);
  g_object_unref (rx);
  g_assert_true (gcs_oneshot_sender_is_closed (tx));

  g_value_init (&value, G_TYPE_OBJECT);
  g_value_set_object (&value, obj);
  g_assert_false (gcs_oneshot_sender_send (tx, &value, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  /* The caller keeps its value; the channel kept no reference. */
  g_assert_true (g_value_get_object (&value) == obj);
  g_assert_cmpint (obj->ref_count, ==, 2);

  /* send_error fails the same way on a fresh channel. */
  g_clear_object (&tx);
  gcs_oneshot_new (G_TYPE_OBJECT, &tx, &rx);
  g_object_unref (rx);
  g_assert_false (gcs_oneshot_sender_send_error (tx, failure, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

static void
test_receiver_close (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;

  /* A value sent before the close is still delivered. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  g_assert_true (send_int (tx, 7, NULL));
  gcs_oneshot_receiver_close (rx);
  g_assert_true (gcs_oneshot_sender_is_closed (tx));
  g_assert_cmpint (get_int64 (gcs_oneshot_receiver_try_recv (rx, NULL)), ==, 7);
  assert_try_recv_error (rx, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_object (&tx);
  g_clear_object (&rx);

  /* Closed first: the send fails, the receiver sees CLOSED at once. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  gcs_oneshot_receiver_close (rx);
  g_assert_false (send_int (tx, 8, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  assert_try_recv_error (rx, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_assert_null (recv_async_wait (rx, NULL, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

static void
test_receiver_finalize_releases (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  GcsOneshotReceiver *rx = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  GObject *obj = g_object_new (G_TYPE_OBJECT, NULL);
  guint finalized = 0;

  g_object_weak_ref (obj, count_weak_notify, &finalized);
  gcs_oneshot_new (G_TYPE_OBJECT, &tx, &rx);
  g_value_init (&value, G_TYPE_OBJECT);
  g_value_take_object (&value, obj);
  g_assert_true (gcs_oneshot_sender_send (tx, &value, NULL));
  g_value_unset (&value);
  g_assert_cmpuint (finalized, ==, 0);
  g_object_unref (rx);
  g_assert_cmpuint (finalized, ==, 1);
}

static void
test_send_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such thing");

  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  g_assert_true (gcs_oneshot_sender_send_error (tx, failure, &error));
  g_assert_no_error (error);
  /* The caller keeps its error: a copy was sent. */
  g_assert_cmpstr (failure->message, ==, "no such thing");
  g_assert_false (send_int (tx, 1, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (gcs_oneshot_sender_send_error (tx, failure, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);

  g_assert_null (gcs_oneshot_receiver_try_recv (rx, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "no such thing");
  g_clear_error (&error);
  assert_try_recv_error (rx, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_object (&tx);
  g_clear_object (&rx);

  /* recv_finish raises it. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  g_assert_true (gcs_oneshot_sender_send_error (tx, failure, NULL));
  g_assert_null (recv_async_wait (rx, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (recv_async_wait (rx, NULL, &error));
  g_assert_no_error (error);
}

static gpointer
delayed_send_thread (gpointer data)
{
  GcsOneshotSender *tx = data;

  g_usleep (20000);
  g_assert_true (send_int (tx, 99, NULL));
  g_object_unref (tx);
  return NULL;
}

static void
test_recv_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  GThread *thread;

  /* Waiting, woken by a send from another thread. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  thread = g_thread_new ("sender", delayed_send_thread, g_steal_pointer (&tx));
  got = recv_async_wait (rx, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "99");
  g_thread_join (thread);
  g_clear_object (&rx);
  g_clear_pointer (&got, g_free);

  /* Cancelled while waiting: it took nothing; the value sent afterwards is
   * there for the next receive. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  {
    Wait wait = { NULL };
    g_autoptr(GAsyncResult) result = NULL;

    gcs_oneshot_receiver_recv_async (rx, cancellable, wait_cb, &wait);
    iterate_for (10);
    g_cancellable_cancel (cancellable);
    g_assert_true (send_int (tx, 5, NULL));
    result = wait_for (&wait);
    g_assert_null (gcs_oneshot_receiver_recv_finish (rx, result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  got = recv_async_wait (rx, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "5");
  g_clear_pointer (&got, g_free);
  g_clear_object (&tx);
  g_clear_object (&rx);

  /* Already cancelled: fails at once, takes nothing. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  g_assert_true (send_int (tx, 6, NULL));
  g_assert_null (recv_async_wait (rx, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (get_int64 (gcs_oneshot_receiver_try_recv (rx, NULL)), ==, 6);
}

/* GcsOneshotStream */

static void
test_stream (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *items = NULL;
  GcsOneshotReceiver *prop_rx = NULL;

  /* One item, then the end. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  stream = gcs_oneshot_stream_new (rx);
  g_assert_true (GCS_IS_ONESHOT_STREAM (stream));
  g_assert_true (gcs_oneshot_stream_get_receiver (GCS_ONESHOT_STREAM (stream)) == rx);
  g_object_get (stream, "receiver", &prop_rx, NULL);
  g_assert_true (prop_rx == rx);
  g_object_unref (prop_rx);
  g_assert_true (send_int (tx, 3, NULL));
  items = collect_stream (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (items, ==, "[3]");
  g_clear_pointer (&items, g_free);
  g_clear_object (&stream);
  g_clear_object (&tx);
  g_clear_object (&rx);

  /* Sent while the stream waits. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  stream = gcs_oneshot_stream_new (rx);
  {
    GThread *thread = g_thread_new ("sender", delayed_send_thread, g_steal_pointer (&tx));

    items = collect_stream (stream, &error);
    g_thread_join (thread);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (items, ==, "[99]");
  g_clear_pointer (&items, g_free);
  g_clear_object (&stream);
  g_clear_object (&rx);

  /* Dropped unsent: the stream ends, empty, without an error. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  stream = gcs_oneshot_stream_new (rx);
  g_clear_object (&tx);
  items = collect_stream (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (items, ==, "[]");
  g_clear_pointer (&items, g_free);
  g_clear_object (&stream);
  g_clear_object (&rx);

  /* send_error: the stream fails with it. */
  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  stream = gcs_oneshot_stream_new (rx);
  {
    g_autoptr(GError) failure = g_error_new_literal (TEST_ERROR, 3, "it failed");

    g_assert_true (gcs_oneshot_sender_send_error (tx, failure, NULL));
  }
  g_assert_null (collect_stream (stream, &error));
  g_assert_error (error, TEST_ERROR, 3);
  g_assert_cmpstr (error->message, ==, "it failed");
}

static void
test_stream_next_after_end (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;

  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  stream = gcs_oneshot_stream_new (rx);
  g_assert_true (send_int (tx, 11, NULL));
  for (guint i = 0; i < 3; i++)
    {
      Wait wait = { NULL };
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      const GValue *item;

      gcs_stream_next_async (stream, NULL, wait_cb, &wait);
      result = wait_for (&wait);
      item = gcs_stream_next_finish (stream, result, &error);
      g_assert_no_error (error);
      if (i == 0)
        g_assert_cmpint (get_int64 (item), ==, 11);
      else
        g_assert_null (item);   /* stays ended */
    }
}

static void
test_stream_release_closes (Fixture *f, gconstpointer data)
{
  g_autoptr(GcsOneshotSender) tx = NULL;
  GcsOneshotReceiver *rx = NULL;
  GcsStream *stream;
  g_autoptr(GError) error = NULL;

  gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
  stream = gcs_oneshot_stream_new (rx);
  g_object_unref (rx);   /* the stream owns it */
  g_assert_false (gcs_oneshot_sender_is_closed (tx));
  g_object_unref (stream);
  /* The producer learns its work is not wanted any more. */
  g_assert_true (gcs_oneshot_sender_is_closed (tx));
  g_assert_false (send_int (tx, 1, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

/* Any GIO async call into a stream: g_file_load_contents_async through a
 * oneshot, inside flat_map. */

static void
contents_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GcsOneshotSender) tx = user_data;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    g_assert_true (gcs_oneshot_sender_send_error (tx, error, NULL));
  else
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_STRING);
      g_value_take_string (&value, contents);
      g_assert_true (gcs_oneshot_sender_send (tx, &value, NULL));
    }
}

static guint n_loads;

static GcsStream *
load_contents (const GValue  *path,
               gpointer       user_data,
               GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_value_get_string (path));
  GcsOneshotSender *tx = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;

  n_loads++;
  gcs_oneshot_new (G_TYPE_STRING, &tx, &rx);
  g_file_load_contents_async (file, NULL, contents_loaded_cb, tx);
  return gcs_oneshot_stream_new (rx);
}

static GcsStream *
paths_stream (const char * const *paths,
              guint               n)
{
  GValue values[8] = { G_VALUE_INIT };
  GcsStream *stream;

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (values));
  for (guint i = 0; i < n; i++)
    {
      g_value_init (&values[i], G_TYPE_STRING);
      g_value_set_string (&values[i], paths[i]);
    }
  stream = gcs_stream_from_values (values, n);
  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);
  return stream;
}

static void
test_flat_map_file_load (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("gcs-oneshot-XXXXXX", &error);
  g_autofree char *a = g_build_filename (dir, "a.txt", NULL);
  g_autofree char *b = g_build_filename (dir, "b.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.txt", NULL);
  g_autoptr(GcsStream) paths = NULL;
  g_autoptr(GcsStream) contents = NULL;
  g_autofree char *items = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (a, "alpha", -1, NULL));
  g_assert_true (g_file_set_contents (b, "beta\nand more", -1, NULL));

  /* Each path becomes its file's contents, in order. */
  n_loads = 0;
  paths = paths_stream ((const char *[]) { a, b, a }, 3);
  contents = gcs_stream_flat_map (paths, load_contents, NULL, NULL);
  items = collect_stream (contents, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (items, ==, "[\"alpha\", \"beta\nand more\", \"alpha\"]");
  g_assert_cmpuint (n_loads, ==, 3);
  g_clear_pointer (&items, g_free);
  g_clear_object (&paths);
  g_clear_object (&contents);

  /* A failed load ends the stream with its error: later paths are not
   * loaded. */
  n_loads = 0;
  paths = paths_stream ((const char *[]) { a, missing, b }, 3);
  contents = gcs_stream_flat_map (paths, load_contents, NULL, NULL);
  g_assert_null (collect_stream (contents, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (n_loads, ==, 2);

  g_unlink (a);
  g_unlink (b);
  g_rmdir (dir);
}

/* Many oneshots answered from worker threads at once: values, errors, and
 * senders closed unsent. */

#define N_JOBS    200
#define N_WORKERS 4

typedef struct
{
  GcsOneshotSender *tx;
  gint64            v;
} Job;

typedef struct
{
  Job   *jobs;
  guint  worker;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  for (guint i = w->worker; i < N_JOBS; i += N_WORKERS)
    {
      Job *job = &w->jobs[i];

      if (job->v % 5 == 0)
        {
          g_autoptr(GError) failure = g_error_new (TEST_ERROR, (gint) job->v, "job %d", (gint) job->v);

          g_assert_true (gcs_oneshot_sender_send_error (job->tx, failure, NULL));
        }
      else if (job->v % 7 == 0)
        gcs_oneshot_sender_close (job->tx);
      else
        g_assert_true (send_int (job->tx, job->v * 10, NULL));
      g_clear_object (&job->tx);
    }
  return NULL;
}

typedef struct
{
  guint values, failures, unsent;
} Tally;

static void
tally_recv_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Tally *t = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_oneshot_receiver_recv_finish (GCS_ONESHOT_RECEIVER (source), result, &error);

  if (value != NULL)
    {
      g_assert_cmpint (get_int64 (value) % 10, ==, 0);
      t->values++;
    }
  else if (error->domain == TEST_ERROR)
    {
      g_assert_cmpint (error->code % 5, ==, 0);
      t->failures++;
    }
  else
    {
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
      t->unsent++;
    }
}

static void
test_worker_threads (Fixture *f, gconstpointer data)
{
  Job jobs[N_JOBS];
  GcsOneshotReceiver *receivers[N_JOBS];
  Worker workers[N_WORKERS];
  GThread *threads[N_WORKERS];
  Tally t = { 0 };
  guint want_failures = 0, want_unsent = 0;

  for (guint i = 0; i < N_JOBS; i++)
    {
      jobs[i].v = i + 1;
      gcs_oneshot_new (G_TYPE_INT64, &jobs[i].tx, &receivers[i]);
      gcs_oneshot_receiver_recv_async (receivers[i], NULL, tally_recv_cb, &t);
      if (jobs[i].v % 5 == 0)
        want_failures++;
      else if (jobs[i].v % 7 == 0)
        want_unsent++;
    }
  for (guint k = 0; k < N_WORKERS; k++)
    {
      workers[k] = (Worker) { .jobs = jobs, .worker = k };
      threads[k] = g_thread_new ("worker", worker_thread, &workers[k]);
    }
  ITERATE_UNTIL (t.values + t.failures + t.unsent == N_JOBS);
  for (guint k = 0; k < N_WORKERS; k++)
    g_thread_join (threads[k]);
  g_assert_cmpuint (t.failures, ==, want_failures);
  g_assert_cmpuint (t.unsent, ==, want_unsent);
  g_assert_cmpuint (t.values, ==, N_JOBS - want_failures - want_unsent);
  for (guint i = 0; i < N_JOBS; i++)
    g_object_unref (receivers[i]);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  GcsOneshotSender *tx = NULL;
  GcsOneshotReceiver *rx = NULL;

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*item_type != G_TYPE_INVALID*");
  gcs_oneshot_new (G_TYPE_INVALID, &tx, &rx);
  g_test_assert_expected_messages ();
  g_assert_null (tx);
  g_assert_null (rx);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*tx != NULL*");
  gcs_oneshot_new (G_TYPE_INT, NULL, &rx);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*rx != NULL*");
  gcs_oneshot_new (G_TYPE_INT, &tx, NULL);
  g_test_assert_expected_messages ();

  gcs_oneshot_new (G_TYPE_INT, &tx, &rx);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*IS_VALUE*");
  g_assert_false (gcs_oneshot_sender_send (tx, NULL, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*failure != NULL*");
  g_assert_false (gcs_oneshot_sender_send_error (tx, NULL, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_ONESHOT_SENDER*");
  gcs_oneshot_sender_close (NULL);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_ONESHOT_RECEIVER*");
  g_assert_null (gcs_oneshot_receiver_try_recv (NULL, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_ONESHOT_RECEIVER*");
  g_assert_null (gcs_oneshot_stream_new (NULL));
  g_test_assert_expected_messages ();

  /* The handle is still usable after the refused calls. */
  {
    g_auto(GValue) value = G_VALUE_INIT;

    g_value_init (&value, G_TYPE_INT);
    g_value_set_int (&value, 1);
    g_assert_true (gcs_oneshot_sender_send (tx, &value, NULL));
    g_assert_cmpint (g_value_get_int (gcs_oneshot_receiver_try_recv (rx, NULL)), ==, 1);
  }
  g_object_unref (tx);
  g_object_unref (rx);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/channel/oneshot/send-recv", test_send_recv);
  ADD ("/channel/oneshot/type", test_type_conversion);
  ADD ("/channel/oneshot/sender-close", test_sender_close);
  ADD ("/channel/oneshot/receiver-gone", test_receiver_gone);
  ADD ("/channel/oneshot/receiver-close", test_receiver_close);
  ADD ("/channel/oneshot/receiver-finalize-releases", test_receiver_finalize_releases);
  ADD ("/channel/oneshot/send-error", test_send_error);
  ADD ("/channel/oneshot/recv-async", test_recv_async);
  ADD ("/channel/oneshot/worker-threads", test_worker_threads);
  ADD ("/channel/oneshot/stream/items", test_stream);
  ADD ("/channel/oneshot/stream/next-after-end", test_stream_next_after_end);
  ADD ("/channel/oneshot/stream/release-closes", test_stream_release_closes);
  ADD ("/channel/oneshot/stream/flat-map-file-load", test_flat_map_file_load);
  ADD ("/channel/oneshot/bad-input", test_bad_input);

  return g_test_run ();
}
