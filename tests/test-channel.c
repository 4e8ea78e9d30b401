/* test-channel.c: the mpsc channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gchanstream/gchanstream.h>

/* Helpers */

static gboolean
send_int (GcsSender  *tx,
          gint64      v,
          GError    **error)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, v);
  return gcs_sender_try_send (tx, &value, error);
}

static gint64
recv_int (GcsReceiver *rx)
{
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_receiver_try_recv (rx, &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  g_assert_true (G_VALUE_HOLDS_INT64 (value));
  return g_value_get_int64 (value);
}

static void
assert_recv_error (GcsReceiver *rx,
                   gint         code)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (gcs_receiver_try_recv (rx, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, code);
}

static void
iterate_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

/* Basics */

static void
test_capacity_one (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;

  gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  g_assert_cmpuint (gcs_sender_get_capacity (tx), ==, 1);
  g_assert_cmpuint (gcs_receiver_get_capacity (rx), ==, 1);
  g_assert_true (gcs_sender_get_item_type (tx) == G_TYPE_INT64);
  g_assert_true (gcs_receiver_get_item_type (rx) == G_TYPE_INT64);

  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  g_assert_true (send_int (tx, 1, NULL));
  g_assert_false (send_int (tx, 2, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 1);
  g_assert_cmpint (recv_int (rx), ==, 1);
  g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 0);
  g_assert_true (send_int (tx, 2, NULL));
  g_assert_cmpint (recv_int (rx), ==, 2);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
}

static void
test_full_channel (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;
  guint length;

  gcs_channel_new (G_TYPE_INT64, 200, &tx, &rx);
  for (int i = 0; i < 200; i++)
    g_assert_true (send_int (tx, i, NULL));
  g_assert_false (send_int (tx, 200, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL);
  g_object_get (tx, "length", &length, NULL);
  g_assert_cmpuint (length, ==, 200);
  for (int i = 0; i < 200; i++)
    g_assert_cmpint (recv_int (rx), ==, i);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
}

static void
test_unbounded_growth (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  guint capacity = 99;
  const int n = 100000;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  g_object_get (rx, "capacity", &capacity, NULL);
  g_assert_cmpuint (capacity, ==, 0);
  for (int i = 0; i < n; i++)
    g_assert_true (send_int (tx, i, NULL));
  g_assert_cmpuint (gcs_receiver_get_length (rx), ==, n);
  /* Interleave receives and sends across block boundaries. */
  for (int i = 0; i < n / 2; i++)
    g_assert_cmpint (recv_int (rx), ==, i);
  for (int i = n; i < n + 1000; i++)
    g_assert_true (send_int (tx, i, NULL));
  for (int i = n / 2; i < n + 1000; i++)
    g_assert_cmpint (recv_int (rx), ==, i);
  gcs_sender_close (tx);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_CLOSED);
}

static void
test_end_of_stream (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsSender) tx2 = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;

  gcs_channel_new (G_TYPE_INT64, 8, &tx, &rx);
  tx2 = gcs_sender_clone (tx);
  g_assert_true (send_int (tx, 1, NULL));
  gcs_sender_close (tx);
  gcs_sender_close (tx);  /* twice is harmless */
  g_assert_false (send_int (tx, 2, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_true (send_int (tx2, 3, NULL));
  g_assert_cmpint (recv_int (rx), ==, 1);
  g_assert_cmpint (recv_int (rx), ==, 3);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  /* Finalizing the last handle closes it. */
  g_clear_object (&tx2);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_CLOSED);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_CLOSED);

  /* A clone of a channel with no open handle is closed. */
  {
    g_autoptr(GcsSender) late = gcs_sender_clone (tx);

    g_assert_false (send_int (late, 4, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  }
}

static void
test_receiver_close (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;

  gcs_channel_new (G_TYPE_INT64, 8, &tx, &rx);
  g_assert_true (send_int (tx, 1, NULL));
  g_assert_true (send_int (tx, 2, NULL));
  g_assert_false (gcs_sender_is_closed (tx));
  gcs_receiver_close (rx);
  g_assert_true (gcs_sender_is_closed (tx));
  g_assert_false (send_int (tx, 3, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  /* Queued items are still delivered, then the end. */
  g_assert_cmpint (recv_int (rx), ==, 1);
  g_assert_cmpint (recv_int (rx), ==, 2);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_CLOSED);
}

static gint n_finalized;

static void
count_finalize_cb (gpointer  data,
                   GObject  *where)
{
  n_finalized++;
}

static void
test_receiver_finalize_releases_items (void)
{
  g_autoptr(GcsSender) tx = NULL;
  GcsReceiver *rx = NULL;
  g_autoptr(GError) error = NULL;

  n_finalized = 0;
  gcs_channel_new_unbounded (G_TYPE_OBJECT, &tx, &rx);
  for (int i = 0; i < 300; i++)
    {
      g_autoptr(GObject) obj = g_object_new (G_TYPE_OBJECT, NULL);
      g_auto(GValue) value = G_VALUE_INIT;

      g_object_weak_ref (obj, count_finalize_cb, NULL);
      g_value_init (&value, G_TYPE_OBJECT);
      g_value_set_object (&value, obj);
      g_assert_true (gcs_sender_try_send (tx, &value, NULL));
    }
  g_assert_cmpint (n_finalized, ==, 0);
  g_object_unref (rx);
  g_assert_cmpint (n_finalized, ==, 300);
  g_assert_true (gcs_sender_is_closed (tx));

  {
    g_autoptr(GObject) obj = g_object_new (G_TYPE_OBJECT, NULL);
    g_auto(GValue) value = G_VALUE_INIT;

    g_value_init (&value, G_TYPE_OBJECT);
    g_value_set_object (&value, obj);
    g_assert_false (gcs_sender_try_send (tx, &value, &error));
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    /* The caller keeps its value. */
    g_assert_true (g_value_get_object (&value) == obj);
    g_assert_cmpint (obj->ref_count, ==, 2);
  }
}

/* Type conversion */

static void
assert_type_error (GcsSender    *tx,
                   const GValue *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (gcs_sender_try_send (tx, value, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_assert_cmpuint (gcs_sender_get_length (tx), ==, 0);
}

static void
test_type_conversion (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_auto(GValue) v = G_VALUE_INIT;
  const GValue *got;

  gcs_channel_new (G_TYPE_INT, 16, &tx, &rx);

  g_value_init (&v, G_TYPE_DOUBLE);
  g_value_set_double (&v, 2.0);
  g_assert_true (gcs_sender_try_send (tx, &v, NULL));
  got = gcs_receiver_try_recv (rx, NULL);
  g_assert_true (G_VALUE_HOLDS_INT (got));
  g_assert_cmpint (g_value_get_int (got), ==, 2);

  g_value_set_double (&v, 1.9);
  assert_type_error (tx, &v);
  g_value_set_double (&v, 1e12);
  assert_type_error (tx, &v);
  g_value_unset (&v);

  g_value_init (&v, G_TYPE_INT64);
  g_value_set_int64 (&v, G_GINT64_CONSTANT (1) << 40);
  assert_type_error (tx, &v);
  g_value_set_int64 (&v, -7);
  g_assert_true (gcs_sender_try_send (tx, &v, NULL));
  g_assert_cmpint (g_value_get_int (gcs_receiver_try_recv (rx, NULL)), ==, -7);
  g_value_unset (&v);

  g_value_init (&v, G_TYPE_BOOLEAN);
  g_value_set_boolean (&v, TRUE);
  assert_type_error (tx, &v);
  g_value_unset (&v);

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, "5");
  assert_type_error (tx, &v);
  g_value_unset (&v);

  g_value_init (&v, G_TYPE_UINT);
  g_value_set_uint (&v, G_MAXUINT);
  assert_type_error (tx, &v);
  g_value_unset (&v);
}

static void
test_type_conversion_wide (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsSender) dtx = NULL;
  g_autoptr(GcsReceiver) drx = NULL;
  g_auto(GValue) v = G_VALUE_INIT;

  /* A gint into a gint64 channel, and a JS-style double. */
  gcs_channel_new (G_TYPE_INT64, 16, &tx, &rx);
  g_value_init (&v, G_TYPE_INT);
  g_value_set_int (&v, G_MININT);
  g_assert_true (gcs_sender_try_send (tx, &v, NULL));
  g_value_unset (&v);
  g_value_init (&v, G_TYPE_DOUBLE);
  g_value_set_double (&v, 1099511627776.0);
  g_assert_true (gcs_sender_try_send (tx, &v, NULL));
  g_assert_cmpint (recv_int (rx), ==, G_MININT);
  g_assert_cmpint (recv_int (rx), ==, G_GINT64_CONSTANT (1099511627776));
  g_value_unset (&v);

  /* 2^53 + 1 is not a double. */
  gcs_channel_new (G_TYPE_DOUBLE, 16, &dtx, &drx);
  g_value_init (&v, G_TYPE_INT64);
  g_value_set_int64 (&v, (G_GINT64_CONSTANT (1) << 53) + 1);
  assert_type_error (dtx, &v);
  g_value_set_int64 (&v, 12345);
  g_assert_true (gcs_sender_try_send (dtx, &v, NULL));
  g_assert_cmpfloat (g_value_get_double (gcs_receiver_try_recv (drx, NULL)), ==, 12345.0);
}

static void
test_type_objects (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsSender) atx = NULL;
  g_autoptr(GcsReceiver) arx = NULL;
  g_autoptr(GFile) file = g_file_new_for_path ("/tmp");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(GValue) v = G_VALUE_INIT;
  const GValue *got;

  gcs_channel_new (G_TYPE_FILE, 4, &tx, &rx);
  g_value_init (&v, G_TYPE_OBJECT);
  g_value_set_object (&v, cancellable);
  assert_type_error (tx, &v);
  /* A GFile held in a GObject-typed value converts. */
  g_value_set_object (&v, file);
  g_assert_true (gcs_sender_try_send (tx, &v, NULL));
  got = gcs_receiver_try_recv (rx, NULL);
  g_assert_true (G_VALUE_HOLDS (got, G_TYPE_FILE));
  g_assert_true (g_value_get_object (got) == file);
  g_value_unset (&v);

  /* G_TYPE_NONE takes anything, as it is. */
  gcs_channel_new (G_TYPE_NONE, 4, &atx, &arx);
  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, "hello");
  g_assert_true (gcs_sender_try_send (atx, &v, NULL));
  g_value_unset (&v);
  g_value_init (&v, G_TYPE_BOOLEAN);
  g_value_set_boolean (&v, TRUE);
  g_assert_true (gcs_sender_try_send (atx, &v, NULL));
  got = gcs_receiver_try_recv (arx, NULL);
  g_assert_cmpstr (g_value_get_string (got), ==, "hello");
  got = gcs_receiver_try_recv (arx, NULL);
  g_assert_true (G_VALUE_HOLDS_BOOLEAN (got) && g_value_get_boolean (got));
}

/* Overflow policies */

static void
test_overflow_drop (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsSender) ntx = NULL;
  g_autoptr(GcsReceiver) nrx = NULL;
  guint64 dropped;

  gcs_channel_new_full (G_TYPE_INT64, 3, GCS_OVERFLOW_DROP_OLDEST, &tx, &rx);
  for (int i = 0; i < 10; i++)
    g_assert_true (send_int (tx, i, NULL));
  g_object_get (rx, "dropped", &dropped, NULL);
  g_assert_cmpuint (dropped, ==, 7);
  g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 3);
  g_assert_cmpint (recv_int (rx), ==, 7);
  g_assert_cmpint (recv_int (rx), ==, 8);
  g_assert_cmpint (recv_int (rx), ==, 9);

  gcs_channel_new_full (G_TYPE_INT64, 3, GCS_OVERFLOW_DROP_NEWEST, &ntx, &nrx);
  for (int i = 0; i < 10; i++)
    g_assert_true (send_int (ntx, i, NULL));
  g_assert_cmpuint (gcs_receiver_get_dropped (nrx), ==, 7);
  g_assert_cmpint (recv_int (nrx), ==, 0);
  g_assert_cmpint (recv_int (nrx), ==, 1);
  g_assert_cmpint (recv_int (nrx), ==, 2);
  assert_recv_error (nrx, GCS_CHANNEL_ERROR_EMPTY);
}

/* attach and create_source */

typedef struct
{
  GArray   *items;
  gboolean  ended;
  guint     stop_after;   /* return G_SOURCE_REMOVE after this many, 0: never */
  guint     n_calls;
  guint     n_destroyed;
} Collect;

static gboolean
collect_cb (GcsReceiver  *rx,
            const GValue *value,
            gpointer      data)
{
  Collect *c = data;

  c->n_calls++;
  if (value == NULL)
    {
      g_assert_false (c->ended);
      c->ended = TRUE;
      return G_SOURCE_REMOVE;
    }
  g_array_append_val (c->items, ((gint64) { g_value_get_int64 (value) }));
  if (c->stop_after && c->items->len == c->stop_after)
    return G_SOURCE_REMOVE;
  return G_SOURCE_CONTINUE;
}

static void
collect_destroy (gpointer data)
{
  ((Collect *) data)->n_destroyed++;
}

static void
test_attach (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Collect c = { .items = g_array_new (FALSE, FALSE, sizeof (gint64)) };
  guint id;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  id = gcs_receiver_attach (rx, NULL, collect_cb, &c, collect_destroy);
  g_assert_cmpuint (id, >, 0);
  /* Nothing runs before the loop does. */
  for (int i = 0; i < 5000; i++)
    send_int (tx, i, NULL);
  g_assert_cmpuint (c.n_calls, ==, 0);

  /* A dispatch hands over a bounded batch and yields. */
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (c.items->len, >, 0);
  g_assert_cmpuint (c.items->len, <=, 1024);

  gcs_sender_close (tx);
  iterate_until (&c.ended);
  g_assert_cmpuint (c.items->len, ==, 5000);
  for (guint i = 0; i < c.items->len; i++)
    g_assert_cmpint (g_array_index (c.items, gint64, i), ==, i);
  g_assert_cmpuint (c.n_calls, ==, 5001);
  g_assert_cmpuint (c.n_destroyed, ==, 1);
  g_assert_null (g_main_context_find_source_by_id (NULL, id));
  g_array_unref (c.items);
}

static void
test_attach_remove_keeps_items (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Collect c = { .items = g_array_new (FALSE, FALSE, sizeof (gint64)), .stop_after = 3 };
  Collect rest = { .items = g_array_new (FALSE, FALSE, sizeof (gint64)) };

  gcs_channel_new (G_TYPE_INT64, 100, &tx, &rx);
  for (int i = 0; i < 10; i++)
    send_int (tx, i, NULL);
  gcs_receiver_attach (rx, NULL, collect_cb, &c, collect_destroy);
  while (c.n_destroyed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (c.items->len, ==, 3);
  g_assert_false (c.ended);
  /* The 7 others are still there, in order. */
  g_assert_cmpuint (gcs_receiver_get_length (rx), ==, 7);
  g_assert_cmpint (recv_int (rx), ==, 3);

  gcs_receiver_attach (rx, NULL, collect_cb, &rest, NULL);
  g_clear_object (&tx);
  iterate_until (&rest.ended);
  g_assert_cmpuint (rest.items->len, ==, 6);
  g_assert_cmpint (g_array_index (rest.items, gint64, 0), ==, 4);
  g_assert_cmpint (g_array_index (rest.items, gint64, 5), ==, 9);
  g_array_unref (c.items);
  g_array_unref (rest.items);
}

static gpointer
produce_range_thread (gpointer data)
{
  GcsSender *tx = data;

  for (int i = 0; i < 20000; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_INT64);
      g_value_set_int64 (&value, i);
      g_assert_true (gcs_sender_send_blocking (tx, &value, NULL, NULL));
    }
  gcs_sender_close (tx);
  g_object_unref (tx);
  return NULL;
}

static void
test_create_source_other_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GSource) source = NULL;
  Collect c = { .items = g_array_new (FALSE, FALSE, sizeof (gint64)) };
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 16, &tx, &rx);
  source = gcs_receiver_create_source (rx);
  g_assert_cmpint (g_source_get_priority (source), ==, G_PRIORITY_DEFAULT);
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, (GSourceFunc) collect_cb, &c, NULL);
  g_source_attach (source, context);

  thread = g_thread_new ("producer", produce_range_thread, g_steal_pointer (&tx));
  while (!c.ended)
    g_main_context_iteration (context, TRUE);
  g_thread_join (thread);
  g_assert_cmpuint (c.items->len, ==, 20000);
  for (guint i = 0; i < c.items->len; i++)
    g_assert_cmpint (g_array_index (c.items, gint64, i), ==, i);
  g_assert_true (g_source_is_destroyed (source));
  g_array_unref (c.items);
}

/* Blocked senders */

typedef struct
{
  GcsSender    *tx;
  gint64        value;
  GCancellable *cancellable;
  gboolean      ok;
  GError       *error;
} BlockingSend;

static gpointer
blocking_send_thread (gpointer data)
{
  BlockingSend *b = data;
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, b->value);
  b->ok = gcs_sender_send_blocking (b->tx, &value, b->cancellable, &b->error);
  return NULL;
}

static void
test_send_blocking_waits_for_room (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  BlockingSend b;
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  send_int (tx, 1, NULL);
  b = (BlockingSend) { .tx = tx, .value = 2 };
  thread = g_thread_new ("blocked", blocking_send_thread, &b);
  g_usleep (20000);
  g_assert_cmpint (recv_int (rx), ==, 1);
  g_thread_join (thread);
  g_assert_no_error (b.error);
  g_assert_true (b.ok);
  g_assert_cmpint (recv_int (rx), ==, 2);
}

static void
test_close_while_senders_blocked (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  BlockingSend b[3];
  GThread *threads[3];

  gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  send_int (tx, 0, NULL);
  for (int i = 0; i < 3; i++)
    {
      b[i] = (BlockingSend) { .tx = tx, .value = i + 1 };
      threads[i] = g_thread_new ("blocked", blocking_send_thread, &b[i]);
    }
  g_usleep (30000);
  gcs_receiver_close (rx);
  for (int i = 0; i < 3; i++)
    {
      g_thread_join (threads[i]);
      g_assert_false (b[i].ok);
      g_assert_error (b[i].error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
      g_clear_error (&b[i].error);
    }
  /* Only the item queued before the close is delivered. */
  g_assert_cmpint (recv_int (rx), ==, 0);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_CLOSED);
}

static void
test_send_blocking_cancelled (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  BlockingSend b;
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  send_int (tx, 1, NULL);
  b = (BlockingSend) { .tx = tx, .value = 2, .cancellable = cancellable };
  thread = g_thread_new ("blocked", blocking_send_thread, &b);
  g_usleep (20000);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_false (b.ok);
  g_assert_error (b.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&b.error);
  /* Nothing was queued and the channel still works. */
  g_assert_cmpint (recv_int (rx), ==, 1);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  g_assert_true (send_int (tx, 3, NULL));
  g_assert_cmpint (recv_int (rx), ==, 3);

  /* Already cancelled: fails at once, even with room. */
  {
    g_auto(GValue) value = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;

    g_value_init (&value, G_TYPE_INT64);
    g_assert_false (gcs_sender_send_blocking (tx, &value, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  }
}

static gboolean
never_cb (GcsReceiver *rx, const GValue *value, gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
test_send_blocking_deadlock (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  guint id;

  gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  id = gcs_receiver_attach (rx, g_main_context_default (), never_cb, NULL, NULL);
  g_value_init (&value, G_TYPE_INT64);
  g_assert_true (g_main_context_acquire (NULL));
  g_assert_true (gcs_sender_send_blocking (tx, &value, NULL, NULL));
  g_assert_false (gcs_sender_send_blocking (tx, &value, NULL, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "deadlock"));
  g_main_context_release (NULL);
  g_source_remove (id);
}

/* send_async */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} AsyncResult;

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  AsyncResult *r = data;

  r->ok = gcs_sender_send_finish (GCS_SENDER (source), result, &r->error);
  r->done = TRUE;
}

static void
send_async_int (GcsSender    *tx,
                gint64        v,
                GCancellable *cancellable,
                AsyncResult  *r)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, v);
  gcs_sender_send_async (tx, &value, cancellable, send_done_cb, r);
}

static void
test_send_async (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult r[4] = { 0 };

  gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  send_async_int (tx, 1, NULL, &r[0]);
  iterate_until (&r[0].done);
  g_assert_true (r[0].ok);

  /* Three waiters, the middle one cancelled: the others are admitted in
   * order, the cancelled one queued nothing. */
  send_async_int (tx, 2, NULL, &r[1]);
  send_async_int (tx, 3, cancellable, &r[2]);
  send_async_int (tx, 4, NULL, &r[3]);
  g_main_context_iteration (NULL, FALSE);
  g_assert_false (r[1].done || r[2].done || r[3].done);
  g_cancellable_cancel (cancellable);
  iterate_until (&r[2].done);
  g_assert_false (r[2].ok);
  g_assert_error (r[2].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpint (recv_int (rx), ==, 1);
  iterate_until (&r[1].done);
  g_assert_true (r[1].ok);
  g_assert_false (r[3].done);
  g_assert_cmpint (recv_int (rx), ==, 2);
  iterate_until (&r[3].done);
  g_assert_true (r[3].ok);
  g_assert_cmpint (recv_int (rx), ==, 4);
  assert_recv_error (rx, GCS_CHANNEL_ERROR_EMPTY);
  g_clear_error (&r[2].error);
}

static void
test_send_async_closed (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  AsyncResult r[2] = { 0 };

  gcs_channel_new (G_TYPE_INT64, 1, &tx, &rx);
  send_int (tx, 1, NULL);
  send_async_int (tx, 2, NULL, &r[0]);
  g_clear_object (&rx);
  iterate_until (&r[0].done);
  g_assert_false (r[0].ok);
  g_assert_error (r[0].error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  send_async_int (tx, 3, NULL, &r[1]);
  iterate_until (&r[1].done);
  g_assert_error (r[1].error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&r[0].error);
  g_clear_error (&r[1].error);
}

/* recv_async and recv_blocking */

typedef struct
{
  gboolean  done;
  gboolean  has_value;
  gint64    value;
  GError   *error;
} RecvResult;

static void
recv_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  RecvResult *r = data;
  const GValue *value = gcs_receiver_recv_finish (GCS_RECEIVER (source), result, &r->error);

  r->has_value = value != NULL;
  if (value != NULL)
    r->value = g_value_get_int64 (value);
  r->done = TRUE;
}

static void
test_recv_async (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RecvResult r = { 0 };

  gcs_channel_new (G_TYPE_INT64, 4, &tx, &rx);
  send_int (tx, 10, NULL);
  gcs_receiver_recv_async (rx, NULL, recv_done_cb, &r);
  iterate_until (&r.done);
  g_assert_true (r.has_value);
  g_assert_cmpint (r.value, ==, 10);

  /* Waiting, then woken by a send. */
  r = (RecvResult) { 0 };
  gcs_receiver_recv_async (rx, NULL, recv_done_cb, &r);
  g_main_context_iteration (NULL, FALSE);
  g_assert_false (r.done);
  send_int (tx, 11, NULL);
  iterate_until (&r.done);
  g_assert_cmpint (r.value, ==, 11);

  /* Cancelled: the item sent afterwards is not lost. */
  r = (RecvResult) { 0 };
  gcs_receiver_recv_async (rx, cancellable, recv_done_cb, &r);
  g_main_context_iteration (NULL, FALSE);
  g_cancellable_cancel (cancellable);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  send_int (tx, 12, NULL);
  g_assert_cmpint (recv_int (rx), ==, 12);

  /* The end: NULL without error. */
  r = (RecvResult) { 0 };
  gcs_receiver_recv_async (rx, NULL, recv_done_cb, &r);
  g_clear_object (&tx);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_false (r.has_value);
}

static gpointer
delayed_send_thread (gpointer data)
{
  GcsSender *tx = data;

  g_usleep (20000);
  send_int (tx, 42, NULL);
  g_usleep (20000);
  g_object_unref (tx);
  return NULL;
}

static void
test_recv_blocking (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  const GValue *value;
  GThread *thread;

  gcs_channel_new (G_TYPE_INT64, 4, &tx, &rx);
  thread = g_thread_new ("sender", delayed_send_thread, g_object_ref (tx));
  g_clear_object (&tx);
  value = gcs_receiver_recv_blocking (rx, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_value_get_int64 (value), ==, 42);
  value = gcs_receiver_recv_blocking (rx, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_thread_join (thread);

  g_clear_object (&rx);
  gcs_channel_new (G_TYPE_INT64, 4, &tx, &rx);
  g_cancellable_cancel (cancellable);
  g_assert_null (gcs_receiver_recv_blocking (rx, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Bad input */

static void
test_bad_input (void)
{
  GcsSender *tx = NULL;
  GcsReceiver *rx = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*capacity >= 1*");
  gcs_channel_new (G_TYPE_INT, 0, &tx, &rx);
  g_test_assert_expected_messages ();
  g_assert_null (tx);
  g_assert_null (rx);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*tx != NULL*");
  gcs_channel_new (G_TYPE_INT, 1, NULL, &rx);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*item_type != G_TYPE_INVALID*");
  gcs_channel_new_unbounded (G_TYPE_INVALID, &tx, &rx);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_SENDER*");
  g_value_init (&value, G_TYPE_INT);
  g_assert_false (gcs_sender_try_send (NULL, &value, NULL));
  g_test_assert_expected_messages ();

  gcs_channel_new (G_TYPE_INT, 1, &tx, &rx);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*IS_VALUE*");
  g_assert_false (gcs_sender_try_send (tx, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*GCS_IS_RECEIVER*");
  g_assert_null (gcs_receiver_try_recv (NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*func != NULL*");
  g_assert_cmpuint (gcs_receiver_attach (rx, NULL, NULL, NULL, NULL), ==, 0);
  g_test_assert_expected_messages ();

  g_object_unref (tx);
  g_object_unref (rx);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/channel/mpsc/capacity-one", test_capacity_one);
  g_test_add_func ("/channel/mpsc/full", test_full_channel);
  g_test_add_func ("/channel/mpsc/unbounded-growth", test_unbounded_growth);
  g_test_add_func ("/channel/mpsc/end-of-stream", test_end_of_stream);
  g_test_add_func ("/channel/mpsc/receiver-close", test_receiver_close);
  g_test_add_func ("/channel/mpsc/receiver-finalize-releases-items", test_receiver_finalize_releases_items);
  g_test_add_func ("/channel/mpsc/type/numbers", test_type_conversion);
  g_test_add_func ("/channel/mpsc/type/wide-numbers", test_type_conversion_wide);
  g_test_add_func ("/channel/mpsc/type/objects", test_type_objects);
  g_test_add_func ("/channel/mpsc/overflow-drop", test_overflow_drop);
  g_test_add_func ("/channel/mpsc/attach", test_attach);
  g_test_add_func ("/channel/mpsc/attach-remove-keeps-items", test_attach_remove_keeps_items);
  g_test_add_func ("/channel/mpsc/create-source-other-context", test_create_source_other_context);
  g_test_add_func ("/channel/mpsc/send-blocking-waits", test_send_blocking_waits_for_room);
  g_test_add_func ("/channel/mpsc/close-while-blocked", test_close_while_senders_blocked);
  g_test_add_func ("/channel/mpsc/send-blocking-cancelled", test_send_blocking_cancelled);
  g_test_add_func ("/channel/mpsc/send-blocking-deadlock", test_send_blocking_deadlock);
  g_test_add_func ("/channel/mpsc/send-async", test_send_async);
  g_test_add_func ("/channel/mpsc/send-async-closed", test_send_async_closed);
  g_test_add_func ("/channel/mpsc/recv-async", test_recv_async);
  g_test_add_func ("/channel/mpsc/recv-blocking", test_recv_blocking);
  g_test_add_func ("/channel/mpsc/bad-input", test_bad_input);

  return g_test_run ();
}
