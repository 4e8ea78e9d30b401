/* test-dbus.c: D-Bus signal and property streams, signals from a stream,
 * and the channel across processes, on a private bus and peer to peer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One private dbus-daemon (GTestDBus) serves the whole program. In-process
 * tests use two connections to it: "consumer" and "producer". The
 * cross-process tests (/dbus/channel/process/...) run tests/gcs-dbus-helper
 * as the producer through GSubprocess, on the bus and peer to peer through
 * a GDBusServer of this process. Nothing waits for time: each test runs
 * the main loop until what it expects happened (with a generous deadline
 * that only turns a hang into a failure), and the helper tells on stdout
 * where it stands.
 */

#include <stdio.h>
#include <string.h>

#include <gchanstream/gchanstream.h>

#define PATH "/org/gchanstream/Test"
#define IFACE "org.gchanstream.Test"
#define INBOX "/org/gchanstream/Test/Inbox"
#define DEADLINE_S 120

static GTestDBus *bus;

/* Main loop helpers */

static gboolean
deadline_cb (gpointer data)
{
  g_error ("The test did not finish within %d s", DEADLINE_S);
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until *flag is set. */
static void
iterate_until (gboolean *flag)
{
  guint deadline = g_timeout_add_seconds (DEADLINE_S, deadline_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (deadline);
}

/* Runs what is ready, without blocking. */
static void
drain (void)
{
  for (guint i = 0; i < 100000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static GDBusConnection *
bus_connection (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection =
    g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* A round trip through the bus: whatever @connection sent before (a match
 * rule, say) is processed by the bus when this returns. */
static void
round_trip (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* Terminal operations */

typedef struct
{
  gboolean  done;
  GError   *error;
  GPtrArray *items;   /* GVariant * or boxed GValue * */
  guint64   count;
  gint64    expected; /* for_each on int64 items: the next one */
  gboolean  in_order;
  char     *text;     /* item_text() */
} Result;

static void
result_clear (Result *r)
{
  g_clear_error (&r->error);
  g_clear_pointer (&r->items, g_ptr_array_unref);
  g_clear_pointer (&r->text, g_free);
}

static void
value_free (gpointer data)
{
  g_value_unset (data);
  g_free (data);
}

static void
collect_item (const GValue  *item,
              gpointer       data,
              GError       **error)
{
  Result *r = data;
  GValue *copy = g_new0 (GValue, 1);

  g_value_init (copy, G_VALUE_TYPE (item));
  g_value_copy (item, copy);
  g_ptr_array_add (r->items, copy);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Result *r = data;

  gcs_stream_for_each_finish (GCS_STREAM (source), result, &r->error);
  r->done = TRUE;
}

/* for_each into r->items */
static void
start_collect (GcsStream *stream,
               Result    *r)
{
  r->items = g_ptr_array_new_with_free_func (value_free);
  gcs_stream_for_each_async (stream, collect_item, r, NULL, NULL, done_cb, r);
}

static void
check_item (const GValue  *item,
            gpointer       data,
            GError       **error)
{
  Result *r = data;

  if (g_value_get_int64 (item) != r->expected)
    r->in_order = FALSE;
  r->expected++;
  r->count++;
}

/* for_each checking that int64 items come as 0, 1, 2, ... */
static void
start_check_order (GcsStream *stream,
                   Result    *r)
{
  r->in_order = TRUE;
  gcs_stream_for_each_async (stream, check_item, r, NULL, NULL, done_cb, r);
}

static void
forward_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Result *r = data;

  gcs_stream_forward_finish (GCS_STREAM (source), result, &r->error);
  r->done = TRUE;
}

static void
emit_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Result *r = data;

  gcs_stream_emit_dbus_signal_finish (GCS_STREAM (source), result, &r->error);
  r->done = TRUE;
}

static GcsStream *
int64_range (gint64 n)
{
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
  g_array_set_size (values, n);
  for (gint64 i = 0; i < n; i++)
    {
      g_value_init (&g_array_index (values, GValue, i), G_TYPE_INT64);
      g_value_set_int64 (&g_array_index (values, GValue, i), i);
    }
  return gcs_stream_from_values ((GValue *) values->data, values->len);
}

/* Item @i as text, valid until the next call or result_clear(). */
static const char *
item_text (Result *r,
           guint   i)
{
  const GValue *v = g_ptr_array_index (r->items, i);

  g_free (r->text);
  if (G_VALUE_HOLDS_VARIANT (v))
    r->text = g_variant_print (g_value_get_variant (v), TRUE);
  else
    {
      g_autofree char *contents = g_strdup_value_contents (v);

      r->text = g_strdup_printf ("%s:%s", G_VALUE_TYPE_NAME (v), contents);
    }
  return r->text;
}

/* /dbus/signal */

static void
emit (GDBusConnection *connection,
      const char      *member,
      GVariant        *parameters)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (connection, NULL, PATH, IFACE, member, parameters, &error);
  g_assert_no_error (error);
}

static void
test_signal_stream (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsStream) signals = NULL;
  g_autoptr(GcsStream) three = NULL;
  Result r = { 0 };

  signals = gcs_stream_from_dbus_signal (consumer, g_dbus_connection_get_unique_name (producer),
                                         PATH, IFACE, "Tick");
  /* Lazy: nothing is subscribed before the first poll. */
  emit (producer, "Tick", g_variant_new ("(i)", -1));
  g_dbus_connection_flush_sync (producer, NULL, NULL);
  round_trip (consumer);
  drain ();

  three = gcs_stream_take (signals, 3);
  start_collect (three, &r);
  drain ();               /* the first poll subscribes */
  round_trip (consumer);  /* the match rule is in place */
  emit (producer, "Other", g_variant_new ("(i)", 100));
  emit (producer, "Tick", g_variant_new ("(i)", 1));
  emit (producer, "Tick", g_variant_new ("(si)", "two", 2));
  emit (producer, "Tick", NULL);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.items->len, ==, 3);
  g_assert_cmpstr (item_text (&r, 0), ==, "(1,)");
  g_assert_cmpstr (item_text (&r, 1), ==, "('two', 2)");
  g_assert_cmpstr (item_text (&r, 2), ==, "()");
  result_clear (&r);
}

static void
test_signal_stream_connection_closed (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsStream) signals = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  signals = gcs_stream_from_dbus_signal (consumer, NULL, PATH, IFACE, NULL);
  start_collect (signals, &r);
  drain ();
  round_trip (consumer);
  emit (producer, "Tick", g_variant_new ("(i)", 7));
  /* The signal arrives, then the connection closes: the stream ends
   * after it. */
  while (r.items->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_dbus_connection_close_sync (consumer, NULL, &error);
  g_assert_no_error (error);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.items->len, ==, 1);
  g_assert_cmpstr (item_text (&r, 0), ==, "(7,)");
  result_clear (&r);
}

static void
test_signal_stream_released (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsStream) signals = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result r = { 0 };
  guint counted = 0;

  /* A second subscription of ours counts the signals that reach the
   * consumer; the released stream must not hold any more. */
  signals = gcs_stream_from_dbus_signal (consumer, NULL, PATH, IFACE, "Tick");
  r.items = g_ptr_array_new_with_free_func (value_free);
  gcs_stream_for_each_async (signals, collect_item, &r, NULL, cancellable, done_cb, &r);
  drain ();
  round_trip (consumer);
  emit (producer, "Tick", g_variant_new ("(i)", 1));
  while (r.items->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&signals);
  (void) counted;
  result_clear (&r);
}

/* /dbus/emit */

static void
test_emit (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsStream) signals = NULL;
  g_autoptr(GcsStream) four = NULL;
  g_autoptr(GcsStream) items = NULL;
  GValue values[4] = { G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT };
  Result got = { 0 }, emitted = { 0 };

  signals = gcs_stream_from_dbus_signal (consumer, g_dbus_connection_get_unique_name (producer),
                                         PATH, IFACE, "Item");
  four = gcs_stream_take (signals, 4);
  start_collect (four, &got);
  drain ();
  round_trip (consumer);

  g_value_init (&values[0], G_TYPE_VARIANT);
  g_value_set_variant (&values[0], g_variant_new ("(su)", "tuple", 3));
  g_value_init (&values[1], G_TYPE_INT);
  g_value_set_int (&values[1], 42);
  g_value_init (&values[2], G_TYPE_STRING);
  g_value_set_string (&values[2], "text");
  g_value_init (&values[3], G_TYPE_VARIANT);
  g_value_set_variant (&values[3], g_variant_new_double (0.5));
  items = gcs_stream_from_values (values, 4);
  gcs_stream_emit_dbus_signal_async (items, producer, NULL, PATH, IFACE, "Item", NULL,
                                     emit_done_cb, &emitted);
  iterate_until (&emitted.done);
  g_assert_no_error (emitted.error);
  iterate_until (&got.done);
  g_assert_no_error (got.error);
  g_assert_cmpuint (got.items->len, ==, 4);
  g_assert_cmpstr (item_text (&got, 0), ==, "('tuple', uint32 3)");
  g_assert_cmpstr (item_text (&got, 1), ==, "(42,)");
  g_assert_cmpstr (item_text (&got, 2), ==, "('text',)");
  g_assert_cmpstr (item_text (&got, 3), ==, "(0.5,)");
  for (guint i = 0; i < 4; i++)
    g_value_unset (&values[i]);
  result_clear (&got);
  result_clear (&emitted);
}

static void
test_emit_bad_item (void)
{
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsStream) items = NULL;
  g_autoptr(GCancellable) object = g_cancellable_new ();
  GValue value = G_VALUE_INIT;
  Result emitted = { 0 };

  g_value_init (&value, G_TYPE_CANCELLABLE);
  g_value_set_object (&value, object);
  items = gcs_stream_from_values (&value, 1);
  gcs_stream_emit_dbus_signal_async (items, producer, NULL, PATH, IFACE, "Item", NULL,
                                     emit_done_cb, &emitted);
  iterate_until (&emitted.done);
  g_assert_error (emitted.error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
  g_value_unset (&value);
  result_clear (&emitted);
}

/* /dbus/property: an object on the producer connection with an int
 * property "Level" that the test sets by hand. */

typedef struct
{
  GDBusConnection *connection;
  gint             level;
  gboolean         readable;
} Exported;

static GVariant *
get_property_cb (GDBusConnection  *connection,
                 const char       *sender,
                 const char       *object_path,
                 const char       *interface_name,
                 const char       *property_name,
                 GError          **error,
                 gpointer          data)
{
  Exported *e = data;

  if (!e->readable)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED, "Level is secret now");
      return NULL;
    }
  return g_variant_new_int32 (e->level);
}

static const char exported_xml[] =
  "<node><interface name='" IFACE "'>"
  "<property name='Level' type='i' access='read'/>"
  "</interface></node>";

static guint
export_object (Exported *e)
{
  static const GDBusInterfaceVTable vtable = { NULL, get_property_cb, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (exported_xml, NULL);
  g_autoptr(GError) error = NULL;
  guint id;

  id = g_dbus_connection_register_object (e->connection, PATH, node->interfaces[0], &vtable,
                                          e, NULL, &error);
  g_assert_no_error (error);
  return id;
}

/* Sets the level and announces it: its value, or only its invalidation. */
static void
set_level (Exported *e,
           gint      level,
           gboolean  invalidate_only)
{
  GVariantBuilder changed;
  const char *invalidated[] = { "Level", NULL };

  e->level = level;
  g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
  if (!invalidate_only)
    g_variant_builder_add (&changed, "{sv}", "Level", g_variant_new_int32 (level));
  g_dbus_connection_emit_signal (e->connection, NULL, PATH, "org.freedesktop.DBus.Properties",
                                 "PropertiesChanged",
                                 g_variant_new ("(sa{sv}^as)", IFACE, &changed,
                                                invalidate_only ? invalidated : invalidated + 1),
                                 NULL);
}

typedef struct
{
  gboolean      done;
  GError       *error;
  char         *text;   /* the item printed, NULL at the end */
} Next;

static void
next_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Next *n = data;
  const GValue *item = gcs_stream_next_finish (GCS_STREAM (source), result, &n->error);

  n->text = item != NULL ? g_variant_print (g_value_get_variant (item), FALSE) : NULL;
  n->done = TRUE;
}

/* The next item of @stream, printed; NULL at the end. */
static char *
next_item (GcsStream *stream,
           GError   **error)
{
  Next n = { 0 };

  gcs_stream_next_async (stream, NULL, next_cb, &n);
  iterate_until (&n.done);
  if (n.error != NULL)
    g_propagate_error (error, n.error);
  return n.text;
}

/* PropertiesChanged seen by the consumer, counted by a subscription of
 * the test's own: once it counted, the stream's handler ran too. */
static void
count_signal_cb (GDBusConnection *connection,
                 const char      *sender_name,
                 const char      *object_path,
                 const char      *interface_name,
                 const char      *signal_name,
                 GVariant        *parameters,
                 gpointer         data)
{
  (*(guint *) data)++;
}

static void
test_property_stream (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsStream) levels = NULL;
  g_autoptr(GError) error = NULL;
  Exported e = { producer, 1, TRUE };
  guint registration = export_object (&e);
  guint seen = 0, subscription;
  char *text;

  levels = gcs_stream_from_dbus_property (consumer, g_dbus_connection_get_unique_name (producer),
                                          PATH, IFACE, "Level");
  text = next_item (levels, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "1");
  g_free (text);

  subscription = g_dbus_connection_signal_subscribe (consumer, NULL, "org.freedesktop.DBus.Properties",
                                                     "PropertiesChanged", PATH, NULL,
                                                     G_DBUS_SIGNAL_FLAGS_NONE, count_signal_cb,
                                                     &seen, NULL);
  round_trip (consumer);

  /* A change */
  g_test_message ("change");
  set_level (&e, 2, FALSE);
  text = next_item (levels, &error);
  g_assert_cmpstr (text, ==, "2");
  g_free (text);

  /* An invalidation: read again */
  g_test_message ("invalidation");
  set_level (&e, 3, TRUE);
  text = next_item (levels, &error);
  g_assert_cmpstr (text, ==, "3");
  g_free (text);

  /* Changes nobody polled coalesce to the latest. */
  g_test_message ("coalesce");
  seen = 0;
  set_level (&e, 4, FALSE);
  set_level (&e, 5, FALSE);
  set_level (&e, 6, FALSE);
  while (seen < 3)
    g_main_context_iteration (NULL, TRUE);
  text = next_item (levels, &error);
  g_assert_cmpstr (text, ==, "6");
  g_free (text);

  /* Unreadable after an invalidation: the stream fails with the error. */
  g_test_message ("unreadable");
  e.readable = FALSE;
  set_level (&e, 7, TRUE);
  text = next_item (levels, &error);
  g_assert_null (text);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED);

  g_dbus_connection_signal_unsubscribe (consumer, subscription);
  g_dbus_connection_unregister_object (producer, registration);
}

static void
test_property_stream_unreadable (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsStream) missing = NULL;
  g_autoptr(GcsStream) nobody = NULL;
  g_autoptr(GError) error = NULL;
  Exported e = { producer, 1, TRUE };
  guint registration = export_object (&e);
  char *text;

  missing = gcs_stream_from_dbus_property (consumer, g_dbus_connection_get_unique_name (producer),
                                           PATH, IFACE, "NoSuchProperty");
  text = next_item (missing, &error);
  g_assert_null (text);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  nobody = gcs_stream_from_dbus_property (consumer, "org.gchanstream.Nobody", PATH, IFACE, "Level");
  text = next_item (nobody, &error);
  g_assert_null (text);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN);

  g_dbus_connection_unregister_object (producer, registration);
}

static void
test_property_stream_connection_closed (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsStream) levels = NULL;
  g_autoptr(GError) error = NULL;
  Exported e = { producer, 4, TRUE };
  guint registration = export_object (&e);
  char *text;

  levels = gcs_stream_from_dbus_property (consumer, g_dbus_connection_get_unique_name (producer),
                                          PATH, IFACE, "Level");
  text = next_item (levels, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "4");
  g_free (text);
  g_dbus_connection_close_sync (consumer, NULL, &error);
  g_assert_no_error (error);
  text = next_item (levels, &error);   /* the end */
  g_assert_no_error (error);
  g_assert_null (text);
  g_dbus_connection_unregister_object (producer, registration);
}

/* /dbus/channel, in one process */

static void
test_channel_in_process (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsSink) sink = NULL;
  g_autoptr(GcsStream) items = NULL;
  g_autoptr(GcsStream) received = NULL;
  g_autoptr(GError) error = NULL;
  Result sent = { 0 }, got = { 0 };

  rx = gcs_dbus_receiver_new (consumer, INBOX, G_TYPE_INT64, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gcs_receiver_get_capacity (rx), ==, 8);
  g_assert_true (gcs_receiver_get_item_type (rx) == G_TYPE_INT64);

  /* The same path twice is refused. */
  g_assert_null (gcs_dbus_receiver_new (consumer, INBOX, G_TYPE_INT64, 8, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  sink = gcs_dbus_sink_new (producer, g_dbus_connection_get_unique_name (consumer), INBOX);
  g_assert_true (GCS_IS_DBUS_SINK (sink));
  items = int64_range (1000);
  gcs_stream_forward_async (items, sink, NULL, forward_done_cb, &sent);
  received = gcs_receiver_stream_new (rx);
  start_check_order (received, &got);
  iterate_until (&sent.done);
  g_assert_no_error (sent.error);
  iterate_until (&got.done);
  g_assert_no_error (got.error);
  g_assert_cmpuint (got.count, ==, 1000);
  g_assert_true (got.in_order);
  g_assert_true (gcs_dbus_receiver_propagate_error (rx, &error));
  g_assert_cmpuint (gcs_dbus_sink_get_capacity (GCS_DBUS_SINK (sink)), ==, 8);
  g_assert_cmpuint (gcs_dbus_sink_get_in_flight (GCS_DBUS_SINK (sink)), ==, 0);
}

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Result *r = data;

  gcs_sink_send_finish (GCS_SINK (source), result, &r->error);
  r->done = TRUE;
}

static GError *
send_value (GcsSink      *sink,
            const GValue *value)
{
  Result r = { 0 };

  gcs_sink_send_async (sink, value, NULL, send_done_cb, &r);
  iterate_until (&r.done);
  return r.error;
}

static void
close_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Result *r = data;

  gcs_sink_close_finish (GCS_SINK (source), result, &r->error);
  r->done = TRUE;
}

static GError *
close_sink (GcsSink *sink)
{
  Result r = { 0 };

  gcs_sink_close_async (sink, NULL, close_done_cb, &r);
  iterate_until (&r.done);
  return r.error;
}

static void
test_channel_types (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  struct { GType item_type; const char *path; } receivers[] = {
    { G_TYPE_INT, INBOX "/int" },
    { G_TYPE_NONE, INBOX "/any" },
    { G_TYPE_VARIANT, INBOX "/variant" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (receivers); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GcsReceiver) rx = gcs_dbus_receiver_new (consumer, receivers[k].path,
                                                          receivers[k].item_type, 8, &error);
      g_autoptr(GcsSink) sink = gcs_dbus_sink_new (producer, g_dbus_connection_get_unique_name (consumer),
                                                   receivers[k].path);
      g_autoptr(GcsStream) received = NULL;
      g_autoptr(GCancellable) object = g_cancellable_new ();
      GValue v = G_VALUE_INIT;
      Result got = { 0 };
      GError *e;

      g_assert_no_error (error);

      /* Good items */
      g_test_message ("receiver %s", g_type_name (receivers[k].item_type));
      g_value_init (&v, G_TYPE_INT64);
      g_value_set_int64 (&v, 5);
      g_assert_no_error (send_value (sink, &v));
      g_value_unset (&v);
      g_value_init (&v, G_TYPE_DOUBLE);
      g_value_set_double (&v, 2.0);
      g_assert_no_error (send_value (sink, &v));
      g_value_unset (&v);

      /* An object never crosses: TYPE, whatever the receiver. */
      g_value_init (&v, G_TYPE_CANCELLABLE);
      g_value_set_object (&v, object);
      e = send_value (sink, &v);
      g_assert_error (e, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
      g_clear_error (&e);
      g_value_unset (&v);

      /* Into an int channel: 2^40, 1.5 and a string do not fit. */
      if (receivers[k].item_type == G_TYPE_INT)
        {
          g_value_init (&v, G_TYPE_INT64);
          g_value_set_int64 (&v, G_GINT64_CONSTANT (1) << 40);
          e = send_value (sink, &v);
          g_assert_error (e, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
          g_clear_error (&e);
          g_value_unset (&v);
          g_value_init (&v, G_TYPE_DOUBLE);
          g_value_set_double (&v, 1.5);
          e = send_value (sink, &v);
          g_assert_error (e, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
          g_clear_error (&e);
          g_value_unset (&v);
          g_value_init (&v, G_TYPE_STRING);
          g_value_set_string (&v, "seven");
          e = send_value (sink, &v);
          g_assert_error (e, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
          g_clear_error (&e);
          g_value_unset (&v);
        }
      else
        {
          g_value_init (&v, G_TYPE_STRING);
          g_value_set_string (&v, "text");
          g_assert_no_error (send_value (sink, &v));
          g_value_unset (&v);
          g_value_init (&v, G_TYPE_BOOLEAN);
          g_value_set_boolean (&v, TRUE);
          g_assert_no_error (send_value (sink, &v));
          g_value_unset (&v);
          g_value_init (&v, G_TYPE_VARIANT);
          g_value_set_variant (&v, g_variant_new ("(sx)", "pair", G_GINT64_CONSTANT (1) << 40));
          g_assert_no_error (send_value (sink, &v));
          g_value_unset (&v);
        }
      g_test_message ("close");
      g_assert_no_error (close_sink (sink));
      g_test_message ("collect");

      received = gcs_receiver_stream_new (rx);
      start_collect (received, &got);
      iterate_until (&got.done);
      g_assert_no_error (got.error);
      if (receivers[k].item_type == G_TYPE_INT)
        {
          g_assert_cmpuint (got.items->len, ==, 2);
          g_assert_cmpstr (item_text (&got, 0), ==, "gint:5");
          g_assert_cmpstr (item_text (&got, 1), ==, "gint:2");
        }
      else if (receivers[k].item_type == G_TYPE_NONE)
        {
          g_assert_cmpuint (got.items->len, ==, 5);
          g_assert_cmpstr (item_text (&got, 0), ==, "gint64:5");
          g_assert_cmpstr (item_text (&got, 1), ==, "gdouble:2.000000");
          g_assert_cmpstr (item_text (&got, 2), ==, "gchararray:\"text\"");
          g_assert_cmpstr (item_text (&got, 3), ==, "gboolean:TRUE");
          g_assert_cmpstr (item_text (&got, 4), ==, "('pair', int64 1099511627776)");
        }
      else
        {
          g_assert_cmpuint (got.items->len, ==, 5);
          g_assert_cmpstr (item_text (&got, 0), ==, "int64 5");
          g_assert_cmpstr (item_text (&got, 1), ==, "2.0");
          g_assert_cmpstr (item_text (&got, 2), ==, "'text'");
          g_assert_cmpstr (item_text (&got, 3), ==, "true");
          g_assert_cmpstr (item_text (&got, 4), ==, "('pair', int64 1099511627776)");
        }
      result_clear (&got);
    }
}

static void
test_channel_receiver_closed (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GcsReceiver) rx = gcs_dbus_receiver_new (consumer, INBOX, G_TYPE_INT, 4, &error);
  g_autoptr(GcsSink) sink = gcs_dbus_sink_new (producer, g_dbus_connection_get_unique_name (consumer), INBOX);
  GValue v = G_VALUE_INIT;
  GError *e = NULL;

  g_assert_no_error (error);
  g_value_init (&v, G_TYPE_INT);
  g_value_set_int (&v, 1);
  g_assert_no_error (send_value (sink, &v));
  gcs_receiver_close (rx);
  /* The sink learns it at its next exchange with the inbox. */
  for (guint i = 0; i < 100 && e == NULL; i++)
    e = send_value (sink, &v);
  if (e == NULL)
    e = close_sink (sink);
  g_assert_error (e, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  g_clear_error (&e);
  g_value_unset (&v);

  /* A sink of an inbox that is not there fails with the D-Bus error. */
  {
    g_autoptr(GcsSink) lost = gcs_dbus_sink_new (producer, g_dbus_connection_get_unique_name (consumer),
                                                 "/org/gchanstream/Nowhere");

    g_value_init (&v, G_TYPE_INT);
    e = send_value (lost, &v);
    g_assert_error (e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
    g_clear_error (&e);
    g_value_unset (&v);
  }
}

static void
test_channel_cancelled_send (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GcsReceiver) rx = gcs_dbus_receiver_new (consumer, INBOX, G_TYPE_INT, 1, &error);
  g_autoptr(GcsSink) sink = gcs_dbus_sink_new (producer, g_dbus_connection_get_unique_name (consumer), INBOX);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GcsStream) received = NULL;
  GValue v = G_VALUE_INIT;
  Result r = { 0 }, got = { 0 };

  g_assert_no_error (error);
  g_value_init (&v, G_TYPE_INT);
  g_value_set_int (&v, 1);
  g_assert_no_error (send_value (sink, &v));   /* queued in the channel */
  g_value_set_int (&v, 2);
  g_assert_no_error (send_value (sink, &v));   /* in flight: the channel is full */
  g_value_set_int (&v, 3);
  gcs_sink_send_async (sink, &v, cancellable, send_done_cb, &r);
  drain ();
  g_assert_false (r.done);                      /* waits: the window is full */
  g_assert_cmpuint (gcs_dbus_sink_get_in_flight (GCS_DBUS_SINK (sink)), ==, 1);
  g_cancellable_cancel (cancellable);
  iterate_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_value_unset (&v);

  received = gcs_receiver_stream_new (rx);
  start_collect (received, &got);
  g_assert_no_error (close_sink (sink));
  iterate_until (&got.done);
  g_assert_no_error (got.error);
  g_assert_cmpuint (got.items->len, ==, 2);
  g_assert_cmpstr (item_text (&got, 0), ==, "gint:1");
  g_assert_cmpstr (item_text (&got, 1), ==, "gint:2");
  result_clear (&got);
  result_clear (&r);
}

/* Items of two sinks: per sink in order; "a" items are 0..n-1, "b" ones
 * 1000000..1000000+n-1. */
typedef struct
{
  gint64   next_a, next_b;
  gboolean in_order;
  gboolean done;
  GError  *error;
} TwoSinks;

static void
two_sinks_item (const GValue  *item,
                gpointer       data,
                GError       **error)
{
  TwoSinks *t = data;
  gint64 v = g_value_get_int64 (item);

  if (v >= 1000000)
    t->in_order &= v - 1000000 == t->next_b++;
  else
    t->in_order &= v == t->next_a++;
}

static void
two_sinks_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  TwoSinks *t = data;

  gcs_stream_for_each_finish (GCS_STREAM (source), result, &t->error);
  t->done = TRUE;
}

static void
add_million_map (const GValue  *item,
                 GValue        *result,
                 gpointer       data,
                 GError       **error)
{
  g_value_init (result, G_TYPE_INT64);
  g_value_set_int64 (result, g_value_get_int64 (item) + 1000000);
}

static void
test_channel_two_sinks (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer_a = bus_connection ();
  g_autoptr(GDBusConnection) producer_b = bus_connection ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GcsReceiver) rx = gcs_dbus_receiver_new (consumer, INBOX, G_TYPE_INT64, 16, &error);
  const char *name = g_dbus_connection_get_unique_name (consumer);
  g_autoptr(GcsSink) sink_a = gcs_dbus_sink_new (producer_a, name, INBOX);
  g_autoptr(GcsSink) sink_b = gcs_dbus_sink_new (producer_b, name, INBOX);
  g_autoptr(GcsStream) items_a = int64_range (3000);
  g_autoptr(GcsStream) range_b = int64_range (2000);
  g_autoptr(GcsStream) items_b = gcs_stream_map (range_b, add_million_map, NULL, NULL);
  g_autoptr(GcsStream) received = NULL;
  Result sent_a = { 0 }, sent_b = { 0 };
  TwoSinks t = { 0, 0, TRUE, FALSE, NULL };

  g_assert_no_error (error);
  received = gcs_receiver_stream_new (rx);
  gcs_stream_for_each_async (received, two_sinks_item, &t, NULL, NULL, two_sinks_done, &t);
  /* Both opened (the inbox answered) before either closes. */
  while (gcs_dbus_sink_get_capacity (GCS_DBUS_SINK (sink_a)) == 0 ||
         gcs_dbus_sink_get_capacity (GCS_DBUS_SINK (sink_b)) == 0)
    g_main_context_iteration (NULL, TRUE);
  gcs_stream_forward_async (items_a, sink_a, NULL, forward_done_cb, &sent_a);
  iterate_until (&sent_a.done);
  g_assert_no_error (sent_a.error);
  /* One sink closed, the other still open: no end yet. */
  drain ();
  g_assert_false (t.done);
  gcs_stream_forward_async (items_b, sink_b, NULL, forward_done_cb, &sent_b);
  iterate_until (&sent_b.done);
  g_assert_no_error (sent_b.error);
  iterate_until (&t.done);
  g_assert_no_error (t.error);
  g_assert_true (t.in_order);
  g_assert_cmpint (t.next_a, ==, 3000);
  g_assert_cmpint (t.next_b, ==, 2000);
}

/* The inbox's protocol by hand, as a peer of the other byte order or a
 * broken one would speak it. The inbox answers on this thread: calls are
 * made asynchronously and the loop runs until the answer. */
typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} Call;

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Call *c = data;

  c->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &c->error);
  c->done = TRUE;
}

static GVariant *
inbox_call (GDBusConnection  *connection,
            const char       *name,
            const char       *method,
            GVariant         *parameters,
            GError          **error)
{
  Call c = { 0 };

  g_dbus_connection_call (connection, name, INBOX, "org.gchanstream.Inbox1", method, parameters,
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, call_done_cb, &c);
  iterate_until (&c.done);
  if (c.error != NULL)
    g_propagate_error (error, c.error);
  return c.reply;
}

static GVariant *
push_parameters (guint64     sink_id,
                 const char *type,
                 guchar      order,
                 GVariant   *batch)
{
  g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (batch);

  return g_variant_new ("(tsy@ay)", sink_id, type, order,
                        g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE));
}

static void
test_channel_protocol (void)
{
  g_autoptr(GDBusConnection) consumer = bus_connection ();
  g_autoptr(GDBusConnection) producer = bus_connection ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GcsReceiver) rx = gcs_dbus_receiver_new (consumer, INBOX, G_TYPE_INT64, 16, &error);
  const char *name = g_dbus_connection_get_unique_name (consumer);
  gint64 numbers[3] = { 1, -2, G_GINT64_CONSTANT (1) << 40 };
  g_autoptr(GVariant) batch = NULL;
  g_autoptr(GVariant) swapped = NULL;
  g_autoptr(GVariant) opened = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GcsStream) received = NULL;
  const char *item_type;
  guint capacity;
  guint64 sink_id;
  Result got = { 0 };
  guchar order = G_BYTE_ORDER == G_LITTLE_ENDIAN ? 'l' : 'B';
  guchar other_order = order == 'l' ? 'B' : 'l';

  g_assert_no_error (error);
  received = gcs_receiver_stream_new (rx);
  start_collect (received, &got);

  opened = inbox_call (producer, name, "Open", NULL, &error);
  g_assert_no_error (error);
  g_variant_get (opened, "(&sut)", &item_type, &capacity, &sink_id);
  g_assert_cmpstr (item_type, ==, "gint64");
  g_assert_cmpuint (capacity, ==, 16);

  /* A batch from a peer of the other byte order */
  batch = g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, numbers, 3, sizeof (gint64)));
  swapped = g_variant_byteswap (batch);
  reply = inbox_call (producer, name, "Push", push_parameters (sink_id, "ax", other_order, swapped), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  /* Not an array, a bad byte order, a sink that is not there: refused. */
  reply = inbox_call (producer, name, "Push", push_parameters (sink_id, "x", order, batch), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  reply = inbox_call (producer, name, "Push", push_parameters (sink_id, "ax", 'z', batch), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  reply = inbox_call (producer, name, "Push", push_parameters (sink_id + 1, "ax", order, batch), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  /* Strings into a gint64 channel: TYPE, the channel's own error. */
  {
    const char *words[] = { "one", "two", NULL };
    g_autoptr(GVariant) strings = g_variant_ref_sink (g_variant_new_strv (words, -1));

    reply = inbox_call (producer, name, "Push", push_parameters (sink_id, "as", order, strings), &error);
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE);
    g_clear_error (&error);
  }

  reply = inbox_call (producer, name, "Close", g_variant_new ("(t)", sink_id), &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  iterate_until (&got.done);
  g_assert_no_error (got.error);
  g_assert_cmpuint (got.items->len, ==, 3);
  g_assert_cmpstr (item_text (&got, 0), ==, "gint64:1");
  g_assert_cmpstr (item_text (&got, 1), ==, "gint64:-2");
  g_assert_cmpstr (item_text (&got, 2), ==, "gint64:1099511627776");
  result_clear (&got);

  /* Ended: a new Open is refused with CLOSED. */
  reply = inbox_call (producer, name, "Open", NULL, &error);
  g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
}

/* Peer to peer: a GDBusServer of this process */

typedef struct
{
  GDBusServer     *server;
  GDBusConnection *connection;   /* the last one accepted */
  GcsReceiver     *rx;           /* made on it, when item_type is set */
  GType            item_type;
  guint            capacity;
} Server;

static gboolean
new_connection_cb (GDBusServer     *server,
                   GDBusConnection *connection,
                   gpointer         data)
{
  Server *s = data;
  g_autoptr(GError) error = NULL;

  g_set_object (&s->connection, connection);
  /* Exported before the connection processes its first message. */
  if (s->item_type != G_TYPE_INVALID)
    {
      g_clear_object (&s->rx);
      s->rx = gcs_dbus_receiver_new (connection, INBOX, s->item_type, s->capacity, &error);
      g_assert_no_error (error);
    }
  return TRUE;
}

static void
server_start (Server *s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *guid = g_dbus_generate_guid ();

  s->server = g_dbus_server_new_sync ("unix:tmpdir=/tmp", G_DBUS_SERVER_FLAGS_NONE, guid,
                                      NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (s->server, "new-connection", G_CALLBACK (new_connection_cb), s);
  g_dbus_server_start (s->server);
}

static void
server_stop (Server *s)
{
  g_dbus_server_stop (s->server);
  g_clear_object (&s->rx);
  g_clear_object (&s->connection);
  g_clear_object (&s->server);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  GDBusConnection **connection = data;
  g_autoptr(GError) error = NULL;

  *connection = g_dbus_connection_new_for_address_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_channel_p2p_in_process (void)
{
  Server s = { 0 };
  g_autoptr(GDBusConnection) client = NULL;
  g_autoptr(GcsSink) sink = NULL;
  g_autoptr(GcsStream) items = NULL;
  g_autoptr(GcsStream) received = NULL;
  g_autoptr(GError) error = NULL;
  Result sent = { 0 }, got = { 0 };

  s.item_type = G_TYPE_INT64;
  s.capacity = 16;
  server_start (&s);
  g_dbus_connection_new_for_address (g_dbus_server_get_client_address (s.server),
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL,
                                     connected_cb, &client);
  while (client == NULL || s.rx == NULL)
    g_main_context_iteration (NULL, TRUE);

  sink = gcs_dbus_sink_new (client, NULL, INBOX);
  items = int64_range (5000);
  gcs_stream_forward_async (items, sink, NULL, forward_done_cb, &sent);
  received = gcs_receiver_stream_new (s.rx);
  start_check_order (received, &got);
  iterate_until (&sent.done);
  g_assert_no_error (sent.error);
  iterate_until (&got.done);
  g_assert_no_error (got.error);
  g_assert_cmpuint (got.count, ==, 5000);
  g_assert_true (got.in_order);
  g_assert_true (gcs_dbus_receiver_propagate_error (s.rx, &error));

  /* A connection that closes fails a receiver still waiting for sinks. */
  {
    g_autoptr(GcsStream) second = NULL;
    g_autoptr(GDBusConnection) client2 = NULL;
    Result r2 = { 0 };

    g_clear_object (&s.rx);
    g_dbus_connection_new_for_address (g_dbus_server_get_client_address (s.server),
                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL,
                                       connected_cb, &client2);
    while (client2 == NULL || s.rx == NULL)
      g_main_context_iteration (NULL, TRUE);
    second = gcs_receiver_stream_new (s.rx);
    start_check_order (second, &r2);
    g_dbus_connection_close_sync (client2, NULL, &error);
    g_assert_no_error (error);
    iterate_until (&r2.done);
    g_assert_error (r2.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
    g_assert_cmpuint (r2.count, ==, 0);
    g_assert_false (gcs_dbus_receiver_propagate_error (s.rx, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
    result_clear (&r2);
  }
  server_stop (&s);
}

/* /dbus/channel/process: the producer is tests/gcs-dbus-helper */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
} Helper;

static void
helper_spawn (Helper     *h,
              const char *address,
              const char *name,      /* NULL: peer to peer */
              const char *mode,
              gint64      count)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "gcs-dbus-helper", NULL);
  g_autofree char *count_s = g_strdup_printf ("%" G_GINT64_FORMAT, count);
  g_autoptr(GError) error = NULL;
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, "--address");
  g_ptr_array_add (argv, (char *) address);
  if (name != NULL)
    {
      g_ptr_array_add (argv, "--name");
      g_ptr_array_add (argv, (char *) name);
    }
  else
    g_ptr_array_add (argv, "--p2p");
  g_ptr_array_add (argv, "--path");
  g_ptr_array_add (argv, INBOX);
  g_ptr_array_add (argv, "--mode");
  g_ptr_array_add (argv, (char *) mode);
  g_ptr_array_add (argv, "--count");
  g_ptr_array_add (argv, count_s);
  g_ptr_array_add (argv, NULL);
  h->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                  G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  h->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (h->process));
  g_ptr_array_free (argv, TRUE);
}

typedef struct
{
  gboolean done;
  char    *line;
} Line;

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Line *l = data;

  l->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  l->done = TRUE;
}

/* The helper's next line, while the main loop runs; NULL at its end. */
static char *
helper_read_line (Helper *h)
{
  Line l = { 0 };

  g_data_input_stream_read_line_async (h->out, G_PRIORITY_DEFAULT, NULL, line_cb, &l);
  iterate_until (&l.done);
  return l.line;
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Result *r = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &r->error);
  r->done = TRUE;
}

/* Waits for the helper's exit; returns whether it exited with 0. */
static gboolean
helper_wait (Helper *h)
{
  Result r = { 0 };
  gboolean ok;

  g_subprocess_wait_async (h->process, NULL, waited_cb, &r);
  iterate_until (&r.done);
  g_assert_no_error (r.error);
  ok = g_subprocess_get_if_exited (h->process) && g_subprocess_get_exit_status (h->process) == 0;
  g_clear_object (&h->out);
  g_clear_object (&h->process);
  return ok;
}

/* A receiver on the bus or, with @p2p, on a connection to our server. */
typedef struct
{
  gboolean         p2p;
  GDBusConnection *connection;   /* bus */
  Server           server;       /* p2p */
  GcsReceiver     *rx;
  Helper           helper;
} Channel;

static void
channel_start (Channel    *c,
               gboolean    p2p,
               GType       item_type,
               guint       capacity,
               const char *mode,
               gint64      count)
{
  g_autoptr(GError) error = NULL;

  c->p2p = p2p;
  if (!p2p)
    {
      c->connection = bus_connection ();
      c->rx = gcs_dbus_receiver_new (c->connection, INBOX, item_type, capacity, &error);
      g_assert_no_error (error);
      helper_spawn (&c->helper, g_test_dbus_get_bus_address (bus),
                    g_dbus_connection_get_unique_name (c->connection), mode, count);
    }
  else
    {
      c->server.item_type = item_type;
      c->server.capacity = capacity;
      server_start (&c->server);
      helper_spawn (&c->helper, g_dbus_server_get_client_address (c->server.server), NULL, mode, count);
      while (c->server.rx == NULL)
        g_main_context_iteration (NULL, TRUE);
      c->rx = g_object_ref (c->server.rx);
    }
}

static void
channel_stop (Channel *c)
{
  g_clear_object (&c->rx);
  if (c->p2p)
    server_stop (&c->server);
  g_clear_object (&c->connection);
}

static void
test_process_100k (gconstpointer data)
{
  gboolean p2p = GPOINTER_TO_INT (data);
  g_autoptr(GcsStream) received = NULL;
  g_autoptr(GError) error = NULL;
  Channel c = { 0 };
  Result got = { 0 };

  channel_start (&c, p2p, G_TYPE_INT64, 1024, "forward", 100000);
  received = gcs_receiver_stream_new (c.rx);
  start_check_order (received, &got);
  iterate_until (&got.done);
  g_assert_no_error (got.error);
  g_assert_cmpuint (got.count, ==, 100000);
  g_assert_true (got.in_order);
  g_assert_true (gcs_dbus_receiver_propagate_error (c.rx, &error));
  g_assert_true (helper_wait (&c.helper));
  channel_stop (&c);
}

static void
test_process_stalled_consumer (gconstpointer data)
{
  gboolean p2p = GPOINTER_TO_INT (data);
  const guint capacity = 16;
  g_autoptr(GcsStream) received = NULL;
  Channel c = { 0 };
  Result got = { 0 };
  gint64 accepted = 0;
  guint in_flight = 0, cap = 0, max = 0;
  char *line;

  channel_start (&c, p2p, G_TYPE_INT64, capacity, "stall", 2000);
  /* Nobody consumes: the producer fills the channel (capacity items) and
   * its window (capacity more in flight), then waits. Every wait it
   * reports stays within the window. */
  while (accepted < 2 * capacity)
    {
      line = helper_read_line (&c.helper);
      g_assert_nonnull (line);
      g_assert_cmpint (sscanf (line, "WAITING %" G_GINT64_FORMAT " %u %u", &accepted, &in_flight, &cap), ==, 3);
      g_assert_cmpuint (cap, ==, capacity);
      g_assert_cmpuint (in_flight, <=, capacity);
      g_free (line);
    }
  g_assert_cmpint (accepted, ==, 2 * capacity);
  g_assert_cmpuint (in_flight, ==, capacity);
  g_assert_cmpuint (gcs_receiver_get_length (c.rx), ==, capacity);

  /* Now consume: everything arrives, once and in order. */
  received = gcs_receiver_stream_new (c.rx);
  start_check_order (received, &got);
  while ((line = helper_read_line (&c.helper)) != NULL)
    {
      if (g_str_has_prefix (line, "WAITING"))
        {
          g_assert_cmpint (sscanf (line, "WAITING %" G_GINT64_FORMAT " %u %u", &accepted, &in_flight, &cap), ==, 3);
          g_assert_cmpuint (in_flight, <=, capacity);
        }
      else
        g_assert_cmpint (sscanf (line, "MAX %u", &max), ==, 1);
      g_free (line);
    }
  g_assert_cmpuint (max, <=, capacity);
  g_assert_cmpuint (max, >, 0);
  iterate_until (&got.done);
  g_assert_no_error (got.error);
  g_assert_cmpuint (got.count, ==, 2000);
  g_assert_true (got.in_order);
  g_assert_true (helper_wait (&c.helper));
  channel_stop (&c);
}

static void
test_process_killed (gconstpointer data)
{
  gboolean p2p = GPOINTER_TO_INT (data);
  g_autoptr(GcsStream) received = NULL;
  g_autoptr(GError) error = NULL;
  Channel c = { 0 };
  Result got = { 0 };
  char *line;

  channel_start (&c, p2p, G_TYPE_INT64, 256, "hang", 100);
  received = gcs_receiver_stream_new (c.rx);
  start_check_order (received, &got);
  line = helper_read_line (&c.helper);
  g_assert_cmpstr (line, ==, "SENT 100");
  g_free (line);
  g_subprocess_force_exit (c.helper.process);   /* SIGKILL */
  g_assert_false (helper_wait (&c.helper));
  iterate_until (&got.done);
  /* What arrived is delivered, then the failure. */
  g_assert_error (got.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpuint (got.count, ==, 100);
  g_assert_true (got.in_order);
  g_assert_false (gcs_dbus_receiver_propagate_error (c.rx, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  result_clear (&got);
  channel_stop (&c);
}

static void
test_bad_arguments (void)
{
  g_autoptr(GDBusConnection) connection = bus_connection ();

  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*capacity >= 1*");
  g_assert_null (gcs_dbus_receiver_new (connection, INBOX, G_TYPE_INT, 0, NULL));
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*g_variant_is_object_path*");
  g_assert_null (gcs_dbus_receiver_new (connection, "not a path", G_TYPE_INT, 1, NULL));
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*G_IS_DBUS_CONNECTION*");
  g_assert_null (gcs_dbus_sink_new (NULL, NULL, INBOX));
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*g_dbus_is_member_name*");
  g_assert_null (gcs_stream_from_dbus_signal (connection, NULL, NULL, NULL, "not-a-member"));
  g_test_expect_message ("Gcs", G_LOG_LEVEL_CRITICAL, "*object_path != NULL*");
  g_assert_null (gcs_stream_from_dbus_property (connection, NULL, NULL, IFACE, "Level"));
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  g_test_add_func ("/dbus/signal/stream", test_signal_stream);
  g_test_add_func ("/dbus/signal/connection-closed", test_signal_stream_connection_closed);
  g_test_add_func ("/dbus/signal/released", test_signal_stream_released);
  g_test_add_func ("/dbus/emit/items", test_emit);
  g_test_add_func ("/dbus/emit/bad-item", test_emit_bad_item);
  g_test_add_func ("/dbus/property/changes", test_property_stream);
  g_test_add_func ("/dbus/property/unreadable", test_property_stream_unreadable);
  g_test_add_func ("/dbus/property/connection-closed", test_property_stream_connection_closed);
  g_test_add_func ("/dbus/channel/in-process", test_channel_in_process);
  g_test_add_func ("/dbus/channel/types", test_channel_types);
  g_test_add_func ("/dbus/channel/receiver-closed", test_channel_receiver_closed);
  g_test_add_func ("/dbus/channel/cancelled-send", test_channel_cancelled_send);
  g_test_add_func ("/dbus/channel/two-sinks", test_channel_two_sinks);
  g_test_add_func ("/dbus/channel/protocol", test_channel_protocol);
  g_test_add_func ("/dbus/channel/p2p-in-process", test_channel_p2p_in_process);
  g_test_add_data_func ("/dbus/channel/process/bus/100k", GINT_TO_POINTER (FALSE), test_process_100k);
  g_test_add_data_func ("/dbus/channel/process/p2p/100k", GINT_TO_POINTER (TRUE), test_process_100k);
  g_test_add_data_func ("/dbus/channel/process/bus/stalled-consumer", GINT_TO_POINTER (FALSE), test_process_stalled_consumer);
  g_test_add_data_func ("/dbus/channel/process/p2p/stalled-consumer", GINT_TO_POINTER (TRUE), test_process_stalled_consumer);
  g_test_add_data_func ("/dbus/channel/process/bus/killed-producer", GINT_TO_POINTER (FALSE), test_process_killed);
  g_test_add_data_func ("/dbus/channel/process/p2p/killed-producer", GINT_TO_POINTER (TRUE), test_process_killed);

  g_test_add_func ("/dbus/bad-arguments", test_bad_arguments);

  status = g_test_run ();
  g_test_dbus_down (bus);
  g_clear_object (&bus);
  return status;
}
