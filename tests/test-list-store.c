/* test-list-store.c: gcs_stream_bind_to_list_store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The store is watched through its items-changed signal: each emission is
 * one g_list_store_splice(), so the tests see how items were batched.
 * No peer has this call; the cases follow API.md ("GTK 4 lists") and the
 * source-removal rule every driver of the library keeps.
 */

#include "operators-test-util.h"

/* Row: a GObject with a number */

#define TEST_TYPE_ROW (test_row_get_type ())
G_DECLARE_FINAL_TYPE (TestRow, test_row, TEST, ROW, GObject)

struct _TestRow
{
  GObject parent_instance;
  gint64  n;
};

G_DEFINE_FINAL_TYPE (TestRow, test_row, G_TYPE_OBJECT)

static void test_row_class_init (TestRowClass *klass) {}
static void test_row_init (TestRow *self) {}

static TestRow *
row_new (gint64 n)
{
  TestRow *row = g_object_new (TEST_TYPE_ROW, NULL);

  row->n = n;
  return row;
}

static void
send_row (GcsSender *tx,
          gint64     n)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_value_init (&value, TEST_TYPE_ROW);
  g_value_take_object (&value, row_new (n));
  g_assert_true (gcs_sender_try_send (tx, &value, &error));
  g_assert_no_error (error);
}

/* "1 2 3": the rows of @store. */
static char *
store_text (GListStore *store)
{
  GString *s = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TestRow) row = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_string_append_printf (s, i > 0 ? " %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, row->n);
    }
  return g_string_free (s, FALSE);
}

#define assert_store(store, expected)                   \
  G_STMT_START {                                        \
    g_autofree char *_t = store_text (store);           \
    g_assert_cmpstr (_t, ==, (expected));               \
  } G_STMT_END

typedef struct
{
  guint splices;
  guint source_to_remove;   /* removed from the next items-changed */
  guint removed_added;      /* the last splice: "removed/added" */
  guint last_removed;
  guint last_added;
} Watch;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  Watch *w = data;

  w->splices++;
  w->last_removed = removed;
  w->last_added = added;
  if (w->source_to_remove != 0)
    {
      /* g_source_remove() on the test's own context. */
      g_source_destroy (g_main_context_find_source_by_id (g_main_context_get_thread_default (),
                                                         w->source_to_remove));
      w->source_to_remove = 0;
    }
}

static GListStore *
watched_store (Watch *w)
{
  GListStore *store = g_list_store_new (TEST_TYPE_ROW);

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), w);
  return store;
}

static gboolean
send_is_refused (GcsSender *tx)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_value_init (&value, TEST_TYPE_ROW);
  g_value_take_object (&value, row_new (0));
  if (gcs_sender_try_send (tx, &value, &error))
    return FALSE;
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  return TRUE;
}

static void
test_append_batched (Fixture *f, gconstpointer data)
{
  Watch w = { 0 };
  g_autoptr(GListStore) store = watched_store (&w);
  Chan chan = chan_new (TEST_TYPE_ROW);
  guint id = gcs_stream_bind_to_list_store (chan.stream, store, GCS_LIST_STORE_APPEND, 0);

  g_assert_cmpuint (id, !=, 0);
  g_object_unref (chan.stream);
  /* Items ready at one dispatch: one splice. */
  for (gint64 i = 1; i <= 100; i++)
    send_row (chan.tx, i);
  drain ();
  g_assert_cmpuint (w.splices, ==, 1);
  g_assert_cmpuint (w.last_added, ==, 100);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 100);
  send_row (chan.tx, 101);
  drain ();
  g_assert_cmpuint (w.splices, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 101);
  g_clear_object (&chan.tx);
  drain ();
  /* Ended: the source is gone. */
  g_assert_null (g_main_context_find_source_by_id (f->context, id));
}

static void
test_append_max_items (Fixture *f, gconstpointer data)
{
  Watch w = { 0 };
  g_autoptr(GListStore) store = watched_store (&w);
  Chan chan = chan_new (TEST_TYPE_ROW);

  gcs_stream_bind_to_list_store (chan.stream, store, GCS_LIST_STORE_APPEND, 3);
  g_object_unref (chan.stream);
  send_row (chan.tx, 1);
  send_row (chan.tx, 2);
  drain ();
  assert_store (store, "1 2");
  send_row (chan.tx, 3);
  send_row (chan.tx, 4);
  drain ();
  /* The oldest row goes: at most 3 remain. */
  assert_store (store, "2 3 4");
  for (gint64 i = 5; i <= 10; i++)
    send_row (chan.tx, i);
  w.splices = 0;
  drain ();
  /* More than the maximum in one dispatch: only the newest 3, and the old
   * rows all go, in one splice. */
  assert_store (store, "8 9 10");
  g_assert_cmpuint (w.splices, ==, 1);
  g_object_unref (chan.tx);
  drain ();
}

static void
test_append_sequences (Fixture *f, gconstpointer data)
{
  Watch w = { 0 };
  g_autoptr(GListStore) store = watched_store (&w);
  Chan chan = chan_new (TEST_TYPE_ROW);
  g_autoptr(GcsStream) batches = gcs_stream_chunks (chan.stream, 3);

  gcs_stream_bind_to_list_store (batches, store, GCS_LIST_STORE_APPEND, 0);
  g_object_unref (chan.stream);
  for (gint64 i = 1; i <= 3; i++)
    send_row (chan.tx, i);
  drain ();
  assert_store (store, "1 2 3");
  g_assert_cmpuint (w.splices, ==, 1);
  g_assert_cmpuint (w.last_added, ==, 3);
  send_row (chan.tx, 4);
  g_clear_object (&chan.tx);
  drain ();
  assert_store (store, "1 2 3 4");
}

static void
test_replace (Fixture *f, gconstpointer data)
{
  Watch w = { 0 };
  g_autoptr(GListStore) store = watched_store (&w);
  Chan chan = chan_new (TEST_TYPE_ROW);
  g_autoptr(GcsStream) batches = gcs_stream_chunks (chan.stream, 2);

  gcs_stream_bind_to_list_store (batches, store, GCS_LIST_STORE_REPLACE, 0);
  g_object_unref (chan.stream);
  send_row (chan.tx, 1);
  send_row (chan.tx, 2);
  drain ();
  assert_store (store, "1 2");
  g_assert_cmpuint (w.splices, ==, 1);
  send_row (chan.tx, 3);
  send_row (chan.tx, 4);
  drain ();
  /* Replaced whole, in one splice. */
  assert_store (store, "3 4");
  g_assert_cmpuint (w.splices, ==, 2);
  g_assert_cmpuint (w.last_removed, ==, 2);
  g_assert_cmpuint (w.last_added, ==, 2);
  send_row (chan.tx, 5);
  send_row (chan.tx, 6);
  send_row (chan.tx, 7);
  send_row (chan.tx, 8);
  drain ();
  /* Two results ready at once: only the last is shown (one splice). */
  assert_store (store, "7 8");
  g_assert_cmpuint (w.splices, ==, 3);
  g_object_unref (chan.tx);
  drain ();

  {
    /* Single items replace too. */
    g_autoptr(GListStore) single = g_list_store_new (TEST_TYPE_ROW);
    Chan c2 = chan_new (TEST_TYPE_ROW);

    gcs_stream_bind_to_list_store (c2.stream, single, GCS_LIST_STORE_REPLACE, 0);
    g_object_unref (c2.stream);
    send_row (c2.tx, 1);
    drain ();
    send_row (c2.tx, 2);
    drain ();
    assert_store (single, "2");
    g_object_unref (c2.tx);
    drain ();
  }
}

static void
test_removed_in_items_changed (Fixture *f, gconstpointer data)
{
  /* A source removed from its own dispatch (a handler of items-changed)
   * calls nothing more: no second splice, the stream released. */
  Watch w = { 0 };
  g_autoptr(GListStore) store = watched_store (&w);
  Chan chan = chan_new (TEST_TYPE_ROW);
  g_autoptr(GcsStream) batches = gcs_stream_chunks (chan.stream, 1);

  w.source_to_remove = gcs_stream_bind_to_list_store (batches, store, GCS_LIST_STORE_APPEND, 2);
  g_object_unref (chan.stream);
  send_row (chan.tx, 1);
  send_row (chan.tx, 2);
  send_row (chan.tx, 3);
  drain ();
  /* With max 2 and 3 rows in the dispatch: one splice, then removed. */
  g_assert_cmpuint (w.splices, ==, 1);
  assert_store (store, "2 3");
  g_assert_true (send_is_refused (chan.tx));
  g_object_unref (chan.tx);

  {
    /* Removed by the first splice of two (trimming), the append does not
     * come. */
    Watch w2 = { 0 };
    g_autoptr(GListStore) store2 = watched_store (&w2);
    Chan c2 = chan_new (TEST_TYPE_ROW);
    guint id = gcs_stream_bind_to_list_store (c2.stream, store2, GCS_LIST_STORE_APPEND, 3);

    g_object_unref (c2.stream);
    send_row (c2.tx, 1);
    send_row (c2.tx, 2);
    send_row (c2.tx, 3);
    drain ();
    w2.source_to_remove = id;
    send_row (c2.tx, 4);
    drain ();
    g_assert_cmpuint (w2.splices, ==, 2);
    assert_store (store2, "2 3");
    g_object_unref (c2.tx);
  }
}

static void
test_removed_outside (Fixture *f, gconstpointer data)
{
  Watch w = { 0 };
  g_autoptr(GListStore) store = watched_store (&w);
  Chan chan = chan_new (TEST_TYPE_ROW);
  guint id = gcs_stream_bind_to_list_store (chan.stream, store, GCS_LIST_STORE_APPEND, 0);

  g_object_unref (chan.stream);
  send_row (chan.tx, 1);
  g_source_destroy (g_main_context_find_source_by_id (f->context, id));
  drain ();
  g_assert_cmpuint (w.splices, ==, 0);
  g_assert_true (send_is_refused (chan.tx));
  g_object_unref (chan.tx);
}

static void
test_store_finalized (Fixture *f, gconstpointer data)
{
  GListStore *store = g_list_store_new (TEST_TYPE_ROW);
  Chan chan = chan_new (TEST_TYPE_ROW);
  guint id = gcs_stream_bind_to_list_store (chan.stream, store, GCS_LIST_STORE_APPEND, 0);

  g_object_unref (chan.stream);
  send_row (chan.tx, 1);
  drain ();
  g_object_unref (store);
  send_row (chan.tx, 2);
  drain ();
  g_assert_null (g_main_context_find_source_by_id (f->context, id));
  g_assert_true (send_is_refused (chan.tx));
  g_object_unref (chan.tx);
}

static void
test_wrong_type (Fixture *f, gconstpointer data)
{
  g_autoptr(GListStore) store = g_list_store_new (TEST_TYPE_ROW);
  g_autoptr(GcsStream) ints = INTS (1);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_WARNING, "*list store*gint64*TestRow*");
  gcs_stream_bind_to_list_store (ints, store, GCS_LIST_STORE_APPEND, 0);
  drain ();
  g_test_assert_expected_messages ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

static gboolean
count_idle (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static void
test_flood (Fixture *f, gconstpointer data)
{
  /* 100,000 rows at once: bounded batches, and the context runs other
   * sources between them: a 1 ms timeout at GTK's redraw priority (a
   * frame clock's) fires meanwhile. No timing is asserted: a binding
   * that took the whole flood in one dispatch would let it fire at most
   * once. */
  Watch w = { 0 };
  g_autoptr(GListStore) store = watched_store (&w);
  Chan chan = chan_new (TEST_TYPE_ROW);
  guint ticks = 0;
  guint idle;

  for (gint64 i = 0; i < 100000; i++)
    send_row (chan.tx, i);
  g_clear_object (&chan.tx);
  gcs_stream_bind_to_list_store (chan.stream, store, GCS_LIST_STORE_APPEND, 0);
  g_object_unref (chan.stream);
  {
    GSource *source = g_timeout_source_new (1);

    g_source_set_priority (source, G_PRIORITY_HIGH_IDLE + 20);
    g_source_set_callback (source, count_idle, &ticks, NULL);
    idle = g_source_attach (source, f->context);
    g_source_unref (source);
  }
  while (g_list_model_get_n_items (G_LIST_MODEL (store)) < 100000)
    g_main_context_iteration (f->context, TRUE);
  g_source_destroy (g_main_context_find_source_by_id (f->context, idle));
  g_test_message ("%u splices, %u ticks", w.splices, ticks);
  g_assert_cmpuint (w.splices, >=, 100000 / (4 * 1024));
  g_assert_cmpuint (ticks, >=, 2);
  drain ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_REAL ("/list-store/append/batched", test_append_batched);
  ADD_REAL ("/list-store/append/max-items", test_append_max_items);
  ADD_REAL ("/list-store/append/sequences", test_append_sequences);
  ADD_REAL ("/list-store/replace", test_replace);
  ADD_REAL ("/list-store/removed/in-items-changed", test_removed_in_items_changed);
  ADD_REAL ("/list-store/removed/outside", test_removed_outside);
  ADD_REAL ("/list-store/store-finalized", test_store_finalized);
  ADD_REAL ("/list-store/wrong-type", test_wrong_type);
  ADD_REAL ("/list-store/flood", test_flood);

  return g_test_run ();
}
