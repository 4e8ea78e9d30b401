/* test-stream-bridges.c: from_property, from_signal, take_until_disposed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gcs-stream-bridges.c: GObject properties and signals as streams (lazy:
 * connected at the first poll; a property's changes coalesce to the
 * latest, no emission lost; handlers gone with the stream, only a weak
 * reference held, set or emitted from a thread; tests/test-bridges.c
 * bounds their memory), and a stream that ends when an object is
 * disposed (on the consuming thread, from another thread, from a callback
 * while polled). Linked with the library's objects for the manual clock
 * (stream-clock-util.h).
 */

#include <stdlib.h>

#include "stream-clock-util.h"

/* === TestObj: a property of each kind and three signals === */

#define TEST_TYPE_OBJ (test_obj_get_type ())
G_DECLARE_FINAL_TYPE (TestObj, test_obj, TEST, OBJ, GObject)

struct _TestObj
{
  GObject  parent_instance;
  gint     count;
  char    *text;
};

enum { PROP_0, PROP_COUNT, PROP_TEXT, PROP_SECRET, N_PROPS };
enum { SIG_PING, SIG_ONE, SIG_THREE, N_SIGNALS };

static GParamSpec *obj_props[N_PROPS];
static guint obj_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TestObj, test_obj, G_TYPE_OBJECT)

static void
test_obj_finalize (GObject *object)
{
  g_free (TEST_OBJ (object)->text);
  G_OBJECT_CLASS (test_obj_parent_class)->finalize (object);
}

static void
test_obj_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TestObj *self = TEST_OBJ (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      g_value_set_int (value, self->count);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_obj_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  TestObj *self = TEST_OBJ (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      self->count = g_value_get_int (value);
      break;
    case PROP_TEXT:
      g_free (self->text);
      self->text = g_value_dup_string (value);
      break;
    case PROP_SECRET:
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_obj_class_init (TestObjClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = test_obj_finalize;
  object_class->get_property = test_obj_get_property;
  object_class->set_property = test_obj_set_property;

  obj_props[PROP_COUNT] = g_param_spec_int ("count", NULL, NULL, G_MININT, G_MAXINT, 0,
                                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  obj_props[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, "",
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  obj_props[PROP_SECRET] = g_param_spec_int ("secret", NULL, NULL, 0, 10, 0,
                                             G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, obj_props);

  obj_signals[SIG_PING] = g_signal_new ("ping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  obj_signals[SIG_ONE] = g_signal_new ("one", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  obj_signals[SIG_THREE] = g_signal_new ("three", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                         G_TYPE_INT, G_TYPE_STRING, G_TYPE_DOUBLE);
}

static void
test_obj_init (TestObj *self)
{
  self->text = g_strdup ("");
}

static gboolean
has_notify_handler (gpointer    obj,
                    const char *property)
{
  return g_signal_has_handler_pending (obj, g_signal_lookup ("notify", G_TYPE_OBJECT),
                                       g_quark_from_string (property), TRUE);
}

static void
set_count (TestObj *obj,
           gint     count)
{
  g_object_set (obj, "count", count, NULL);
}

/* The object tests call it count_finalized. */
#define count_finalized count_weak_notify

/* === from_property, from_signal === */

static void
test_from_property (Fixture       *f,
                    gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(Collector) c = NULL;
  GcsStream *stream;
  guint finalized = 0;

  /* Lazy (API.md, "Bridges are lazy and bounded"; this test asserted the
   * old eager connection): connected at the first poll, whose value is
   * the first item. */
  set_count (obj, -1);
  c = collector_new (gcs_stream_from_property (G_OBJECT (obj), "count"));
  g_assert_false (has_notify_handler (obj, "count"));
  set_count (obj, 0);
  drain ();
  g_assert_true (has_notify_handler (obj, "count"));
  assert_items (c, "[0]");
  set_count (obj, 1);
  drain ();
  assert_items (c, "[0, 1]");
  /* Changed faster than consumed: coalesced to the latest (it used to
   * queue every change). */
  for (gint i = 2; i <= 5; i++)
    set_count (obj, i);
  drain ();
  assert_items (c, "[0, 1, 5]");
  set_count (obj, 6);
  set_count (obj, 7);
  drain ();
  assert_items (c, "[0, 1, 5, 7]");
  g_assert_false (c->done);

  /* Released: the handler is gone. */
  g_cancellable_cancel (c->cancellable);
  drain ();
  g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (has_notify_handler (obj, "count"));
  set_count (obj, 8);

  /* Dropped unconsumed: never connected, nothing to disconnect. */
  stream = gcs_stream_from_property (G_OBJECT (obj), "text");
  g_assert_false (has_notify_handler (obj, "text"));
  g_object_unref (stream);
  g_assert_false (has_notify_handler (obj, "text"));

  /* Only a weak reference is held: the object goes with its last
   * reference; disposed before the first poll, the stream just ends (it
   * used to give the value read at its creation). */
  stream = gcs_stream_from_property (G_OBJECT (obj), "count");
  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);
  {
    g_autoptr(Collector) late = collector_new (stream);

    drain ();
    assert_items (late, "[]");
    assert_ended_ok (late);
  }
}

static void
test_from_property_disposed (Fixture       *f,
                             gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, "text", "a", NULL);
  g_autoptr(Collector) c = NULL;
  guint finalized = 0;

  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  c = collector_new (gcs_stream_from_property (G_OBJECT (obj), "text"));
  drain ();
  g_object_set (obj, "text", "ab", NULL);
  g_object_set (obj, "text", "abc", NULL);
  /* Disposed mid-stream, with changes not yet delivered: the latest
   * comes (coalesced), then the end. */
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);
  drain ();
  assert_items (c, "[\"a\", \"abc\"]");
  assert_ended_ok (c);
}

static gpointer
set_count_thread (gpointer data)
{
  for (gint i = 1; i <= 1000; i++)
    set_count (data, i);
  return NULL;
}

static void
test_from_property_thread (Fixture       *f,
                           gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsStream *stream = gcs_stream_from_property (G_OBJECT (obj), "count");
  g_autoptr(Collector) c = collector_new (stream);
  GThread *thread;

  drain ();
  assert_items (c, "[0]");
  thread = g_thread_new ("setter", set_count_thread, obj);
  /* Changes on another thread coalesce: the values come in increasing
   * order, some skipped, the last one (1000) never lost. */
  ITERATE_UNTIL (g_str_equal (g_ptr_array_index (c->items, c->items->len - 1), "1000"));
  g_thread_join (thread);
  for (guint i = 1; i < c->items->len; i++)
    g_assert_cmpint (atoi (g_ptr_array_index (c->items, i - 1)), <, atoi (g_ptr_array_index (c->items, i)));
  g_assert_cmpuint (c->items->len, <=, 1001);
  g_cancellable_cancel (c->cancellable);
  drain ();
  g_assert_true (c->done);
  g_assert_false (has_notify_handler (obj, "count"));
  g_object_unref (obj);
}

static void
test_from_property_bad (Fixture       *f,
                        gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsStream *s;

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*no readable property \"nope\"*");
  s = gcs_stream_from_property (G_OBJECT (obj), "nope");
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*no readable property \"secret\"*");
  s = gcs_stream_from_property (G_OBJECT (obj), "secret");
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*no signal \"nope\"*");
  s = gcs_stream_from_signal (G_OBJECT (obj), "nope");
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*G_IS_OBJECT*");
  s = gcs_stream_from_property (NULL, "count");
  g_test_assert_expected_messages ();
  g_assert_null (s);

  g_assert_false (has_notify_handler (obj, "count"));
  g_object_unref (obj);
}

static void
test_from_signal (Fixture       *f,
                  gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(Collector) ping = collector_new (gcs_stream_from_signal (G_OBJECT (obj), "ping"));
  g_autoptr(Collector) one = collector_new (gcs_stream_from_signal (G_OBJECT (obj), "one"));
  g_autoptr(Collector) three = collector_new (gcs_stream_from_signal (G_OBJECT (obj), "three"));
  g_autoptr(Collector) detailed = collector_new (gcs_stream_from_signal (G_OBJECT (obj), "three::x"));

  /* Lazy: connected at the first poll (this test asserted the eager
   * connection before API.md's "Bridges are lazy and bounded"). */
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_PING], 0, TRUE));
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 6);   /* before: not seen */
  drain ();
  g_assert_true (g_signal_has_handler_pending (obj, obj_signals[SIG_PING], 0, TRUE));
  g_assert_true (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  assert_items (ping, "[]");
  g_signal_emit (obj, obj_signals[SIG_PING], 0);
  g_signal_emit (obj, obj_signals[SIG_PING], 0);
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 7);
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 8);
  g_signal_emit (obj, obj_signals[SIG_THREE], 0, 1, "x", 2.5);
  g_signal_emit (obj, obj_signals[SIG_THREE], g_quark_from_string ("x"), 2, "y", 0.5);
  g_signal_emit (obj, obj_signals[SIG_THREE], g_quark_from_string ("z"), 3, "z", 1.0);
  drain ();
  /* No parameters: the instance. One: the parameter. Several: a sequence. */
  assert_items (ping, "[<TestObj>, <TestObj>]");
  assert_items (one, "[7, 8]");
  assert_items (three, "[(1, \"x\", 2.5), (2, \"y\", 0.5), (3, \"z\", 1)]");
  assert_items (detailed, "[(2, \"y\", 0.5)]");

  /* Ended (released) one by one: their handlers go with them. */
  g_cancellable_cancel (one->cancellable);
  drain ();
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  g_assert_true (g_signal_has_handler_pending (obj, obj_signals[SIG_PING], 0, TRUE));
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 9);
  drain ();
  assert_items (one, "[7, 8]");

  /* Disposed mid-stream: what was emitted before comes, then the end. */
  g_signal_emit (obj, obj_signals[SIG_PING], 0);
  g_signal_emit (obj, obj_signals[SIG_THREE], 0, 4, "w", 0.25);
  g_object_run_dispose (G_OBJECT (obj));
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_PING], 0, TRUE));
  drain ();
  assert_items (ping, "[<TestObj>, <TestObj>, <TestObj>]");
  assert_items (three, "[(1, \"x\", 2.5), (2, \"y\", 0.5), (3, \"z\", 1), (4, \"w\", 0.25)]");
  assert_ended_ok (ping);
  assert_ended_ok (three);
  assert_ended_ok (detailed);
  g_object_unref (obj);
}

static gpointer
emit_thread (gpointer data)
{
  for (gint i = 0; i < 1000; i++)
    g_signal_emit (data, obj_signals[SIG_ONE], 0, i);
  return NULL;
}

static void
test_from_signal_thread (Fixture       *f,
                         gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take, gcs_stream_from_signal (G_OBJECT (obj), "one"), 1000));
  GThread *thread;

  /* Connected at the first poll: the emissions start after it. */
  drain ();
  g_assert_true (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  thread = g_thread_new ("emitter", emit_thread, obj);

  ITERATE_UNTIL (c->done);
  g_thread_join (thread);
  assert_ended_ok (c);
  for (guint i = 0; i < c->items->len; i++)
    {
      g_autofree char *expected = g_strdup_printf ("%u", i);

      g_assert_cmpstr (g_ptr_array_index (c->items, i), ==, expected);
    }
  g_assert_cmpuint (c->items->len, ==, 1000);
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  g_object_unref (obj);
}

static void
test_from_signal_unconsumed (Fixture       *f,
                             gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  guint finalized = 0;
  GcsStream *stream = gcs_stream_from_signal (G_OBJECT (obj), "one");

  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  g_signal_emit (obj, obj_signals[SIG_ONE], 0, 1);
  /* Dropped without a consumer: never connected, nothing queued. */
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  g_object_unref (stream);
  g_assert_false (g_signal_has_handler_pending (obj, obj_signals[SIG_ONE], 0, TRUE));
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);

  /* Emitted before the first poll: nothing queued, so no item holds the
   * instance (a signal without parameters): the object goes at once (it
   * used to stay until the unconsumed stream was dropped). */
  obj = g_object_new (TEST_TYPE_OBJ, NULL);
  finalized = 0;
  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  stream = gcs_stream_from_signal (G_OBJECT (obj), "ping");
  g_signal_emit (obj, obj_signals[SIG_PING], 0);
  g_object_unref (obj);
  g_assert_cmpuint (finalized, ==, 1);
  g_object_unref (stream);

  /* The same, consumed and cancelled with the item queued. */
  obj = g_object_new (TEST_TYPE_OBJ, NULL);
  finalized = 0;
  g_object_weak_ref (G_OBJECT (obj), count_finalized, &finalized);
  stream = gcs_stream_from_signal (G_OBJECT (obj), "ping");
  {
    g_autoptr(Collector) c = collector_new (g_object_ref (stream));

    drain ();   /* the first poll connects */
    g_signal_emit (obj, obj_signals[SIG_PING], 0);
    g_object_unref (obj);
    g_cancellable_cancel (c->cancellable);
    drain ();
    g_assert_true (c->done);
    g_object_unref (stream);
    g_assert_cmpuint (finalized, ==, 1);
  }

  /* The object goes first: the stream is simply ended. */
  obj = g_object_new (TEST_TYPE_OBJ, NULL);
  stream = gcs_stream_from_signal (G_OBJECT (obj), "ping");
  g_object_unref (obj);
  {
    g_autoptr(Collector) c = collector_new (stream);

    drain ();
    assert_items (c, "[]");
    assert_ended_ok (c);
  }
}

/* === take_until_disposed === */

static void
test_take_until_disposed (Fixture       *f,
                          gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  Chan chan = chan_new (G_TYPE_INT64);
  g_autoptr(Collector) c = collector_new (gcs_stream_take_until_disposed (chan.stream, G_OBJECT (obj)));

  g_object_unref (chan.stream);
  send_int (chan.tx, 1);
  send_int (chan.tx, 2);
  drain ();
  assert_items (c, "[1, 2]");
  /* Items still flowing: some queued, not yet delivered. */
  send_int (chan.tx, 3);
  send_int (chan.tx, 4);
  g_object_unref (obj);
  /* Disposed on the consuming thread: released at once. */
  g_assert_true (send_is_refused (chan.tx));
  drain ();
  assert_items (c, "[1, 2]");
  assert_ended_ok (c);
  g_object_unref (chan.tx);
}

typedef struct
{
  GcsSender *tx;
  gint       stop;   /* atomic */
  guint      sent;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;

  while (!g_atomic_int_get (&p->stop))
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;

      g_value_init (&value, G_TYPE_INT64);
      g_value_set_int64 (&value, p->sent);
      if (!gcs_sender_send_blocking (p->tx, &value, NULL, &error))
        {
          g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
          break;
        }
      p->sent++;
    }
  return NULL;
}

static void
test_take_until_disposed_flowing (Fixture       *f,
                                  gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsReceiver *rx = NULL;
  Producer p = { 0 };
  GcsStream *items;
  g_autoptr(Collector) c = NULL;
  GThread *thread;
  guint seen;

  gcs_channel_new (G_TYPE_INT64, 16, &p.tx, &rx);
  items = gcs_receiver_stream_new (rx);
  g_object_unref (rx);
  c = collector_new (gcs_stream_take_until_disposed (items, G_OBJECT (obj)));
  g_object_unref (items);
  thread = g_thread_new ("producer", producer_thread, &p);
  ITERATE_UNTIL (c->items->len >= 100);
  seen = c->items->len;
  /* Disposed from a callback of the main loop, as a widget is. */
  g_object_unref (obj);
  g_assert_true (c->items->len == seen);
  drain ();
  /* No item after the disposal, and the producer learns it is over. */
  g_assert_cmpuint (c->items->len, ==, seen);
  assert_ended_ok (c);
  g_thread_join (thread);
  g_assert_cmpuint (p.sent, >=, seen);
  g_object_unref (p.tx);
}

/* Disposed from a worker thread: the stream ends at the consumer's next
 * iteration; the time source behind it goes then. */

static gpointer
unref_thread (gpointer data)
{
  g_object_unref (data);
  return NULL;
}

static void
test_take_until_disposed_elsewhere (Fixture       *f,
                                    gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take_until_disposed, gcs_stream_interval (100),
                                                                          G_OBJECT (obj)));

  drain ();
  advance (100);
  advance (100);
  assert_items (c, "[0, 1]");
  g_assert_cmpuint (gcs_time_count_timers (), ==, 1);
  g_thread_join (g_thread_new ("unref", unref_thread, obj));
  drain ();
  assert_ended_ok (c);
  assert_items (c, "[0, 1]");
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
}

/* Disposed by a callback upstream, while the stream is polled. */

static void
dispose_at_2 (const GValue  *item,
              gpointer       data,
              GError       **error)
{
  if (g_value_get_int64 (item) == 2)
    g_object_run_dispose (data);
}

static void
test_take_until_disposed_in_poll (Fixture       *f,
                                  gconstpointer  data)
{
  TestObj *obj = g_object_new (TEST_TYPE_OBJ, NULL);
  GcsStream *watched = OWNED (gcs_stream_inspect, INTS (1, 2, 3, 4), dispose_at_2, obj, NULL);
  g_autoptr(Collector) c = collector_new (OWNED (gcs_stream_take_until_disposed, watched, G_OBJECT (obj)));

  drain ();
  /* Item 2 was on its way out when the object went; 3 never comes. */
  assert_items (c, "[1, 2]");
  assert_ended_ok (c);
  g_object_unref (obj);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_MANUAL ("/events/object/from-property", test_from_property);
  ADD_MANUAL ("/events/object/from-property/disposed", test_from_property_disposed);
  ADD_REAL ("/events/object/from-property/thread", test_from_property_thread);
  ADD_MANUAL ("/events/object/from-property/bad", test_from_property_bad);
  ADD_MANUAL ("/events/object/from-signal", test_from_signal);
  ADD_REAL ("/events/object/from-signal/thread", test_from_signal_thread);
  ADD_MANUAL ("/events/object/from-signal/unconsumed", test_from_signal_unconsumed);
  ADD_MANUAL ("/events/object/take-until-disposed", test_take_until_disposed);
  ADD_REAL ("/events/object/take-until-disposed/flowing", test_take_until_disposed_flowing);
  ADD_MANUAL ("/events/object/take-until-disposed/elsewhere", test_take_until_disposed_elsewhere);
  ADD_MANUAL ("/events/object/take-until-disposed/in-poll", test_take_until_disposed_in_poll);

  return g_test_run ();
}
