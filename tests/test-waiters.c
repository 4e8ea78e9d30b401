/* test-waiters.c: many waits on one receiver, competing consumers, a second
 * context refused, sources removed from their own callbacks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each case was a hang, a lost item or a use-after-free before the channels
 * shared one waiter core (issue 11): two recv_async on one receiver, an
 * attach plus a recv_async, two streams of one receiver, one receiver
 * attached twice, g_source_remove() inside an attach callback.
 */

#include "channel-test-util.h"

/* Async results collected in order of completion. */
typedef struct
{
  GPtrArray *results;   /* GAsyncResult, in completion order */
  GArray    *order;     /* the index of each completed call */
} Completions;

typedef struct
{
  Completions *completions;
  guint        index;
} Call;

static void
completions_init (Completions *c)
{
  c->results = g_ptr_array_new_with_free_func (g_object_unref);
  c->order = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
completions_clear (Completions *c)
{
  g_ptr_array_unref (c->results);
  g_array_unref (c->order);
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Call *call = data;

  g_ptr_array_add (call->completions->results, g_object_ref (result));
  g_array_append_val (call->completions->order, call->index);
  g_free (call);
}

static gpointer
call_new (Completions *c,
          guint        index)
{
  Call *call = g_new (Call, 1);

  call->completions = c;
  call->index = index;
  return call;
}

static void
send_int64 (GcsSender *tx,
            gint64     v)
{
  g_auto(GValue) value = G_VALUE_INIT;

  set_int64 (&value, v);
  g_assert_true (gcs_sender_try_send (tx, &value, NULL));
}

/* A thread that sends 0..n-1, each as its own push. */
typedef struct
{
  GcsSender *tx;
  guint      n;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;

  for (guint i = 0; i < p->n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      set_int64 (&value, i);
      g_assert_true (gcs_sender_send_blocking (p->tx, &value, NULL, NULL));
      if (i % 7 == 0)
        g_usleep (50);
    }
  g_clear_object (&p->tx);
  return NULL;
}

/* mpsc: n pending receives, then n items from a thread: each call gets a
 * different item, in the order the calls were made; at the end every
 * pending call completes with NULL. */
static void
test_mpsc_many_waits (Fixture       *f,
                      gconstpointer  data)
{
  for (guint n = 2; n <= 5; n++)
    {
      g_autoptr(GcsSender) tx = NULL;
      g_autoptr(GcsReceiver) rx = NULL;
      Producer producer;
      Completions c;
      GThread *thread;

      completions_init (&c);
      gcs_channel_new (G_TYPE_INT64, 2, &tx, &rx);
      /* n waits for items, then n more that see the end. */
      for (guint i = 0; i < 2 * n; i++)
        gcs_receiver_recv_async (rx, NULL, call_done_cb, call_new (&c, i));
      iterate_for (5);
      g_assert_cmpuint (c.results->len, ==, 0);

      producer.tx = g_steal_pointer (&tx);
      producer.n = n;
      thread = g_thread_new ("producer", producer_thread, &producer);
      ITERATE_UNTIL (c.results->len == 2 * n);
      g_thread_join (thread);

      for (guint i = 0; i < 2 * n; i++)
        {
          g_autoptr(GError) error = NULL;
          const GValue *value;

          g_assert_cmpuint (g_array_index (c.order, guint, i), ==, i);
          value = gcs_receiver_recv_finish (rx, c.results->pdata[i], &error);
          g_assert_no_error (error);
          if (i < n)
            g_assert_cmpint (get_int64 (value), ==, i);
          else
            g_assert_null (value);
        }
      completions_clear (&c);
    }
}

/* Items already queued: every pending call completes in the same turn. */
static void
test_mpsc_waits_queued (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Completions c;

  completions_init (&c);
  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  for (guint i = 0; i < 4; i++)
    gcs_receiver_recv_async (rx, NULL, call_done_cb, call_new (&c, i));
  for (guint i = 0; i < 4; i++)
    send_int64 (tx, i);
  ITERATE_UNTIL (c.results->len == 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (get_int64 (gcs_receiver_recv_finish (rx, c.results->pdata[i], NULL)),
                     ==, g_array_index (c.order, guint, i));
  completions_clear (&c);
}

/* oneshot: the value goes to the first call, the others see the end (NULL,
 * as a receive after the item was taken); with the sender gone unsent,
 * every call gets CLOSED. */
static void
test_oneshot_many_waits (Fixture       *f,
                         gconstpointer  data)
{
  for (guint sent = 0; sent <= 1; sent++)
    {
      g_autoptr(GcsOneshotSender) tx = NULL;
      g_autoptr(GcsOneshotReceiver) rx = NULL;
      Completions c;

      completions_init (&c);
      gcs_oneshot_new (G_TYPE_INT64, &tx, &rx);
      for (guint i = 0; i < 3; i++)
        gcs_oneshot_receiver_recv_async (rx, NULL, call_done_cb, call_new (&c, i));
      iterate_for (5);
      if (sent)
        {
          g_auto(GValue) value = G_VALUE_INIT;

          set_int64 (&value, 42);
          g_assert_true (gcs_oneshot_sender_send (tx, &value, NULL));
        }
      else
        g_clear_object (&tx);
      ITERATE_UNTIL (c.results->len == 3);
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(GError) error = NULL;
          const GValue *value = gcs_oneshot_receiver_recv_finish (rx, c.results->pdata[i], &error);

          g_assert_cmpuint (g_array_index (c.order, guint, i), ==, i);
          if (sent && i == 0)
            {
              g_assert_no_error (error);
              g_assert_cmpint (get_int64 (value), ==, 42);
            }
          else if (sent)
            {
              /* The end, as recv_finish reports it once the item was
               * received: NULL without an error. */
              g_assert_no_error (error);
              g_assert_null (value);
            }
          else
            {
              g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
              g_assert_null (value);
            }
        }
      completions_clear (&c);
    }
}

/* watch: one change completes every pending changed_async; then, with the
 * sender gone and the latest value seen, every pending call gets CLOSED. */
static void
test_watch_many_waits (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_auto(GValue) initial = G_VALUE_INIT;
  g_auto(GValue) next = G_VALUE_INIT;
  Completions c;

  completions_init (&c);
  set_int64 (&initial, 0);
  gcs_watch_new (&initial, &tx, &rx);
  for (guint i = 0; i < 4; i++)
    gcs_watch_receiver_changed_async (rx, NULL, call_done_cb, call_new (&c, i));
  iterate_for (5);
  g_assert_cmpuint (c.results->len, ==, 0);

  set_int64 (&next, 1);
  gcs_watch_sender_send (tx, &next, NULL);
  ITERATE_UNTIL (c.results->len == 4);
  for (guint i = 0; i < 4; i++)
    g_assert_true (gcs_watch_receiver_changed_finish (rx, c.results->pdata[i], NULL));
  g_assert_cmpint (get_int64 (gcs_watch_receiver_get_value (rx)), ==, 1);
  g_ptr_array_set_size (c.results, 0);

  for (guint i = 0; i < 3; i++)
    gcs_watch_receiver_changed_async (rx, NULL, call_done_cb, call_new (&c, i));
  iterate_for (5);
  g_clear_object (&tx);
  ITERATE_UNTIL (c.results->len == 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (gcs_watch_receiver_changed_finish (rx, c.results->pdata[i], &error));
      g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
    }
  completions_clear (&c);
}

/* broadcast: pending receives on one receiver take the values in order,
 * each a different one; at the end all of them get NULL. */
static void
test_broadcast_many_waits (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GcsBroadcastSender) tx = NULL;
  g_autoptr(GcsBroadcastReceiver) rx = NULL;
  Completions c;

  completions_init (&c);
  gcs_broadcast_new (G_TYPE_INT64, 16, &tx, &rx);
  for (guint i = 0; i < 5; i++)
    gcs_broadcast_receiver_recv_async (rx, NULL, call_done_cb, call_new (&c, i));
  iterate_for (5);
  for (guint i = 0; i < 3; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      set_int64 (&value, 10 + i);
      g_assert_cmpuint (gcs_broadcast_sender_send (tx, &value, NULL), ==, 1);
    }
  ITERATE_UNTIL (c.results->len == 3);
  g_clear_object (&tx);
  ITERATE_UNTIL (c.results->len == 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      const GValue *value = gcs_broadcast_receiver_recv_finish (rx, c.results->pdata[i], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_array_index (c.order, guint, i), ==, i);
      if (i < 3)
        g_assert_cmpint (get_int64 (value), ==, 10 + i);
      else
        g_assert_null (value);
    }
  completions_clear (&c);
}

/* Competing consumers: attached sources, a stream and a chain of
 * recv_async calls on one receiver. */
typedef struct
{
  guint8  *seen;       /* per item: how many consumers got it */
  guint    n_items;
  guint    received;
  guint    ends;       /* ends seen, every consumer counted */
  guint    attach_items[2];
  guint    attach_ends[2];
  guint    recv_items;
  guint    recv_ends;
  guint    stream_items;
  gboolean stream_done;
  GcsReceiver *rx;
} Race;

static void
race_take (Race         *race,
           const GValue *value)
{
  gint64 v = get_int64 (value);

  g_assert_cmpint (v, >=, 0);
  g_assert_cmpint (v, <, race->n_items);
  race->seen[v]++;
  race->received++;
}

static gboolean
race_attach_cb (GcsReceiver  *rx,
                const GValue *value,
                gpointer      data)
{
  Race *race = g_object_get_data (G_OBJECT (rx), "race");
  guint which = GPOINTER_TO_UINT (data);

  if (value == NULL)
    {
      race->attach_ends[which]++;
      race->ends++;
      return G_SOURCE_REMOVE;
    }
  race->attach_items[which]++;
  race_take (race, value);
  return G_SOURCE_CONTINUE;
}

static void
race_recv_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Race *race = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_receiver_recv_finish (GCS_RECEIVER (source), result, &error);

  g_assert_no_error (error);
  if (value == NULL)
    {
      race->recv_ends++;
      race->ends++;
      return;
    }
  race->recv_items++;
  race_take (race, value);
  gcs_receiver_recv_async (race->rx, NULL, race_recv_cb, race);
}

static void
race_stream_item_cb (const GValue  *value,
                     gpointer       data,
                     GError       **error)
{
  Race *race = data;

  race->stream_items++;
  race_take (race, value);
}

static void
race_stream_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Race *race = data;

  g_assert_true (gcs_stream_for_each_finish (GCS_STREAM (source), result, NULL));
  race->stream_done = TRUE;
  race->ends++;
}

static void
test_competing_consumers (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  Race race = { 0 };
  Producer producer;
  GThread *thread;

  race.n_items = 20000;
  race.seen = g_new0 (guint8, race.n_items);
  gcs_channel_new (G_TYPE_INT64, 64, &tx, &rx);
  race.rx = rx;
  g_object_set_data (G_OBJECT (rx), "race", &race);

  g_assert_cmpuint (gcs_receiver_attach (rx, NULL, race_attach_cb, GUINT_TO_POINTER (0), NULL), >, 0);
  gcs_receiver_recv_async (rx, NULL, race_recv_cb, &race);
  stream = gcs_receiver_stream_new (rx);
  gcs_stream_for_each_async (stream, race_stream_item_cb, &race, NULL, NULL, race_stream_done_cb, &race);
  /* The same receiver attached a second time. */
  g_assert_cmpuint (gcs_receiver_attach (rx, NULL, race_attach_cb, GUINT_TO_POINTER (1), NULL), >, 0);

  producer.tx = g_steal_pointer (&tx);
  producer.n = race.n_items;
  thread = g_thread_new ("producer", producer_thread, &producer);
  ITERATE_UNTIL (race.ends == 4);
  g_thread_join (thread);
  iterate_for (5);

  /* Each item exactly once; each consumer saw the end exactly once. */
  g_assert_cmpuint (race.received, ==, race.n_items);
  for (guint i = 0; i < race.n_items; i++)
    g_assert_cmpuint (race.seen[i], ==, 1);
  g_assert_cmpuint (race.attach_ends[0], ==, 1);
  g_assert_cmpuint (race.attach_ends[1], ==, 1);
  g_assert_cmpuint (race.recv_ends, ==, 1);
  g_assert_true (race.stream_done);
  g_test_message ("attach %u + %u, recv_async %u, stream %u", race.attach_items[0],
                  race.attach_items[1], race.recv_items, race.stream_items);
  g_free (race.seen);
}

/* Two streams of one receiver both end. */
static void
test_two_streams (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsStream) a = NULL;
  g_autoptr(GcsStream) b = NULL;
  Wait wait_a = { 0 }, wait_b = { 0 };
  g_autoptr(GAsyncResult) result_a = NULL;
  g_autoptr(GAsyncResult) result_b = NULL;
  guint64 count_a, count_b;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  a = gcs_receiver_stream_new (rx);
  b = gcs_receiver_stream_new (rx);
  gcs_stream_count_async (a, NULL, wait_cb, &wait_a);
  gcs_stream_count_async (b, NULL, wait_cb, &wait_b);
  iterate_for (5);
  for (guint i = 0; i < 3000; i++)
    send_int64 (tx, i);
  g_clear_object (&tx);
  result_a = wait_for (&wait_a);
  result_b = wait_for (&wait_b);
  count_a = gcs_stream_count_finish (a, result_a, NULL);
  count_b = gcs_stream_count_finish (b, result_b, NULL);
  g_assert_cmpuint (count_a + count_b, ==, 3000);
}

static gboolean
ignore_cb (GcsReceiver  *rx,
           const GValue *value,
           gpointer      data)
{
  return G_SOURCE_CONTINUE;
}

/* A second context is refused with a critical; nothing hangs. */
static void
test_second_context (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GMainContext) other = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  g_assert_cmpuint (gcs_receiver_attach (rx, NULL, ignore_cb, NULL, NULL), >, 0);

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*cannot also be consumed*");
  g_assert_cmpuint (gcs_receiver_attach (rx, other, ignore_cb, NULL, NULL), ==, 0);
  g_test_assert_expected_messages ();

  /* A receive made on the other context fails there. */
  g_main_context_push_thread_default (other);
  gcs_receiver_recv_async (rx, NULL, wait_cb, &wait);
  g_main_context_pop_thread_default (other);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*cannot also be consumed*");
  while (wait.result == NULL)
    g_main_context_iteration (other, TRUE);
  g_test_assert_expected_messages ();
  g_assert_null (gcs_receiver_recv_finish (rx, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_object (&wait.result);
}

/* The same for a stream of a watch receiver. */
static void
test_second_context_watch (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GMainContext) other = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) initial = G_VALUE_INIT;
  Wait wait = { 0 }, wait_other = { 0 };

  set_int64 (&initial, 1);
  gcs_watch_new (&initial, &tx, &rx);
  gcs_watch_receiver_changed_async (rx, NULL, wait_cb, &wait);
  iterate_for (2);

  g_main_context_push_thread_default (other);
  gcs_watch_receiver_changed_async (rx, NULL, wait_cb, &wait_other);
  g_main_context_pop_thread_default (other);
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*cannot also be consumed*");
  while (wait_other.result == NULL)
    g_main_context_iteration (other, TRUE);
  g_test_assert_expected_messages ();
  g_assert_false (gcs_watch_receiver_changed_finish (rx, wait_other.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_object (&wait_other.result);
  /* The first call, on the test's context, sees the sender go. */
  g_clear_object (&tx);
  g_clear_error (&error);
  result = wait_for (&wait);
  g_assert_false (gcs_watch_receiver_changed_finish (rx, result, &error));
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

/* g_source_remove() from an attach callback, which also frees its data:
 * no call after it (ASan would see a use-after-free), and the items it did
 * not deliver stay queued. */
typedef struct
{
  guint  id;
  guint *calls;
} SelfRemove;

static gboolean
self_remove_cb (GcsReceiver  *rx,
                const GValue *value,
                gpointer      data)
{
  SelfRemove *self = data;

  (*self->calls)++;
  /* g_source_remove(), on the test's own context */
  g_source_destroy (g_main_context_find_source_by_id (g_main_context_get_thread_default (), self->id));
  g_free (self);
  return G_SOURCE_CONTINUE;
}

static void
test_attach_self_remove (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  SelfRemove *self = g_new0 (SelfRemove, 1);
  guint calls = 0;
  Wait wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  for (guint i = 0; i < 5; i++)
    send_int64 (tx, i);
  self->calls = &calls;
  self->id = gcs_receiver_attach (rx, NULL, self_remove_cb, self, NULL);
  /* A receive waiting meanwhile gets the next item. */
  gcs_receiver_recv_async (rx, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  iterate_for (5);
  g_assert_cmpuint (calls, ==, 1);
  g_assert_cmpint (get_int64 (gcs_receiver_recv_finish (rx, result, NULL)), ==, 1);
  for (guint i = 2; i < 5; i++)
    g_assert_cmpint (get_int64 (gcs_receiver_try_recv (rx, NULL)), ==, i);
}

/* The same from the callback of a terminal operation (its driver source
 * destroyed by g_source_destroy (g_main_current_source ())). */
static void
destroy_current_cb (const GValue  *value,
                    gpointer       data,
                    GError       **error)
{
  guint *calls = data;

  (*calls)++;
  g_source_destroy (g_main_current_source ());
}

static void
test_driver_self_remove (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };
  guint calls = 0;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  for (guint i = 0; i < 5; i++)
    send_int64 (tx, i);
  stream = gcs_receiver_stream_new (rx);
  gcs_stream_for_each_async (stream, destroy_current_cb, &calls, NULL, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  g_assert_false (gcs_stream_for_each_finish (stream, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (calls, ==, 1);
  for (guint i = 1; i < 5; i++)
    g_assert_cmpint (get_int64 (gcs_receiver_try_recv (rx, NULL)), ==, i);
}

/* bind_to_property: a notify handler that removes the binding's source. */
typedef struct
{
  guint id;
  guint sets;
} Binding;

static void
notify_remove_cb (GObject    *object,
                  GParamSpec *pspec,
                  gpointer    data)
{
  Binding *binding = data;

  binding->sets++;
  g_source_destroy (g_main_context_find_source_by_id (g_main_context_get_thread_default (), binding->id));
}

static void
test_bind_self_remove (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsStream) stream = NULL;
  g_autoptr(GSimpleAction) target = g_simple_action_new_stateful ("x", NULL, g_variant_new_int32 (0));
  Binding binding = { 0 };

  gcs_channel_new_unbounded (G_TYPE_BOOLEAN, &tx, &rx);
  for (guint i = 0; i < 5; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_BOOLEAN);
      g_value_set_boolean (&value, i % 2 == 0);
      g_assert_true (gcs_sender_try_send (tx, &value, NULL));
    }
  stream = gcs_receiver_stream_new (rx);
  g_simple_action_set_enabled (target, FALSE);
  g_signal_connect (target, "notify::enabled", G_CALLBACK (notify_remove_cb), &binding);
  binding.id = gcs_stream_bind_to_property (stream, G_OBJECT (target), "enabled");
  g_assert_cmpuint (binding.id, >, 0);
  iterate_for (10);
  g_assert_cmpuint (binding.sets, ==, 1);
  g_assert_true (g_action_get_enabled (G_ACTION (target)));
  /* The other four are still queued. */
  for (guint i = 1; i < 5; i++)
    g_assert_cmpint (g_value_get_boolean (gcs_receiver_try_recv (rx, NULL)), ==, i % 2 == 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/waiters/mpsc/many-waits", test_mpsc_many_waits);
  ADD ("/waiters/mpsc/waits-queued", test_mpsc_waits_queued);
  ADD ("/waiters/oneshot/many-waits", test_oneshot_many_waits);
  ADD ("/waiters/watch/many-waits", test_watch_many_waits);
  ADD ("/waiters/broadcast/many-waits", test_broadcast_many_waits);
  ADD ("/waiters/mpsc/competing-consumers", test_competing_consumers);
  ADD ("/waiters/mpsc/two-streams", test_two_streams);
  ADD ("/waiters/context/second-refused", test_second_context);
  ADD ("/waiters/context/second-refused-watch", test_second_context_watch);
  ADD ("/waiters/removed/attach", test_attach_self_remove);
  ADD ("/waiters/removed/driver", test_driver_self_remove);
  ADD ("/waiters/removed/bind-to-property", test_bind_self_remove);

  return g_test_run ();
}
