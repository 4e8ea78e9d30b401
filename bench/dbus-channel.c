/* dbus-channel.c: items/s between two processes over D-Bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   dbus-channel gcs N [CAPACITY]   the D-Bus channel: a GcsDBusSink fed by
 *                                   gcs_stream_forward_async() in a
 *                                   producer process, the receiver's stream
 *                                   consumed here
 *   dbus-channel gcs-p2p N [CAP]    the same on a peer-to-peer connection
 *   dbus-channel signal N           plain GDBus: one signal per item,
 *                                   g_dbus_connection_emit_signal() in the
 *                                   producer, a signal subscription here
 *
 * Starts a private dbus-daemon (GTestDBus), then itself as the producer
 * (argv[0] produce ...). The producer prints the monotonic time (a system
 * clock, the same in both processes) when it starts sending; the consumer
 * takes the time of the last item. Prints "items/s ns/item".
 */

#include <stdio.h>
#include <stdlib.h>

#include <gchanstream/gchanstream.h>

#define INBOX "/org/gchanstream/Bench/Inbox"
#define PATH "/org/gchanstream/Bench"
#define IFACE "org.gchanstream.Bench"

/* Producer */

static void
forwarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      loop)
{
  g_autoptr(GError) error = NULL;

  if (!gcs_stream_forward_finish (GCS_STREAM (source), result, &error))
    g_error ("producer: %s", error->message);
  g_main_loop_quit (loop);
}

static int
produce (const char *mode,
         const char *address,
         const char *name,
         gint64      n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  gboolean p2p = g_str_equal (mode, "gcs-p2p");
  g_autoptr(GDBusConnection) connection =
    g_dbus_connection_new_for_address_sync (address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            (p2p ? 0 : G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
                                            NULL, NULL, &error);

  if (connection == NULL)
    g_error ("producer: %s", error->message);

  if (g_str_equal (mode, "signal"))
    {
      printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
      fflush (stdout);
      for (gint64 i = 0; i < n; i++)
        if (!g_dbus_connection_emit_signal (connection, name, PATH, IFACE, "Item",
                                            g_variant_new ("(x)", i), &error))
          g_error ("producer: %s", error->message);
      g_dbus_connection_flush_sync (connection, NULL, NULL);
    }
  else
    {
      g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
      g_autoptr(GcsStream) stream = NULL;
      g_autoptr(GcsSink) sink = gcs_dbus_sink_new (connection, p2p ? NULL : name, INBOX);

      g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
      g_array_set_size (values, n);
      for (gint64 i = 0; i < n; i++)
        {
          g_value_init (&g_array_index (values, GValue, i), G_TYPE_INT64);
          g_value_set_int64 (&g_array_index (values, GValue, i), i);
        }
      stream = gcs_stream_from_values ((GValue *) values->data, values->len);
      printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
      fflush (stdout);
      gcs_stream_forward_async (stream, sink, NULL, forwarded_cb, loop);
      g_main_loop_run (loop);
    }
  return 0;
}

/* Consumer */

typedef struct
{
  gint64     n;
  gint64     received;
  gint64     end_time;
  gboolean   in_order;
  GMainLoop *loop;
} Consumer;

static void
count_item (const GValue  *item,
            gpointer       data,
            GError       **error)
{
  Consumer *c = data;

  if (g_value_get_int64 (item) != c->received)
    c->in_order = FALSE;
  c->received++;
}

static void
consumed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Consumer *c = data;

  c->end_time = g_get_monotonic_time ();
  gcs_stream_for_each_finish (GCS_STREAM (source), result, NULL);
  g_main_loop_quit (c->loop);
}

static void
signal_cb (GDBusConnection *connection,
           const char      *sender_name,
           const char      *object_path,
           const char      *interface_name,
           const char      *signal_name,
           GVariant        *parameters,
           gpointer         data)
{
  Consumer *c = data;
  gint64 i;

  g_variant_get (parameters, "(x)", &i);
  if (i != c->received)
    c->in_order = FALSE;
  if (++c->received == c->n)
    {
      c->end_time = g_get_monotonic_time ();
      g_main_loop_quit (c->loop);
    }
}

typedef struct
{
  GcsReceiver *rx;
  guint        capacity;
} Server;

static gboolean
new_connection_cb (GDBusServer     *server,
                   GDBusConnection *connection,
                   gpointer         data)
{
  Server *s = data;
  g_autoptr(GError) error = NULL;

  if (s->rx == NULL)
    s->rx = gcs_dbus_receiver_new (connection, INBOX, G_TYPE_INT64, s->capacity, &error);
  g_assert_no_error (error);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GDBusServer) server = NULL;
  g_autoptr(GSubprocess) producer = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *n_text = NULL;
  g_autofree char *start_line = NULL;
  Consumer c = { 0 };
  Server s = { NULL, 1024 };
  const char *mode, *address;
  gint64 start;
  double seconds;

  if (argc == 6 && g_str_equal (argv[1], "produce"))
    return produce (argv[2], argv[3], argv[4], g_ascii_strtoll (argv[5], NULL, 10));
  if (argc < 3)
    {
      g_printerr ("usage: dbus-channel gcs|gcs-p2p|signal N [CAPACITY]\n");
      return 2;
    }
  mode = argv[1];
  c.n = g_ascii_strtoll (argv[2], NULL, 10);
  c.in_order = TRUE;
  c.loop = g_main_loop_new (NULL, FALSE);
  if (argc > 3)
    s.capacity = atoi (argv[3]);
  n_text = g_strdup_printf ("%" G_GINT64_FORMAT, c.n);

  if (g_str_equal (mode, "gcs-p2p"))
    {
      g_autofree char *guid = g_dbus_generate_guid ();

      server = g_dbus_server_new_sync ("unix:tmpdir=/tmp", G_DBUS_SERVER_FLAGS_NONE, guid, NULL, NULL, &error);
      g_assert_no_error (error);
      g_signal_connect (server, "new-connection", G_CALLBACK (new_connection_cb), &s);
      g_dbus_server_start (server);
      address = g_dbus_server_get_client_address (server);
      producer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, argv[0], "produce", mode,
                                   address, "-", n_text, NULL);
      g_assert_no_error (error);
      while (s.rx == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  else
    {
      bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (bus);
      address = g_test_dbus_get_bus_address (bus);
      connection = g_dbus_connection_new_for_address_sync (address,
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                           G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
      g_assert_no_error (error);
      if (g_str_equal (mode, "signal"))
        g_dbus_connection_signal_subscribe (connection, NULL, IFACE, "Item", PATH, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE, signal_cb, &c, NULL);
      else
        {
          s.rx = gcs_dbus_receiver_new (connection, INBOX, G_TYPE_INT64, s.capacity, &error);
          g_assert_no_error (error);
        }
      producer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, argv[0], "produce", mode,
                                   address, g_dbus_connection_get_unique_name (connection), n_text, NULL);
      g_assert_no_error (error);
    }

  if (s.rx != NULL)
    {
      g_autoptr(GcsStream) stream = gcs_receiver_stream_new (s.rx);

      gcs_stream_for_each_async (stream, count_item, &c, NULL, NULL, consumed_cb, &c);
    }
  g_main_loop_run (c.loop);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (producer));
  start_line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  g_subprocess_wait_check (producer, NULL, &error);
  g_assert_no_error (error);
  if (c.received != c.n || !c.in_order || start_line == NULL)
    g_error ("received %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " items%s",
             c.received, c.n, c.in_order ? "" : ", out of order");
  start = g_ascii_strtoll (start_line, NULL, 10);
  seconds = (c.end_time - start) / 1e6;
  printf ("%.0f %.1f\n", c.n / seconds, seconds * 1e9 / c.n);

  g_clear_object (&s.rx);
  if (server != NULL)
    g_dbus_server_stop (server);
  if (bus != NULL)
    g_test_dbus_down (bus);
  g_main_loop_unref (c.loop);
  return 0;
}
