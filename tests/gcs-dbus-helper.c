/* gcs-dbus-helper.c: the producer process of the D-Bus channel tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   gcs-dbus-helper --address ADDR [--p2p] [--name BUS_NAME] --path PATH
 *                   --count N --mode forward|stall|hang
 *
 * Connects to ADDR (a message bus, or with --p2p a GDBusServer), makes a
 * GcsDBusSink into the inbox at PATH (owned by BUS_NAME on a bus) and
 * sends the gint64 items 0 .. N-1:
 * - forward: gcs_stream_forward_async() of the items; exits 0 once the
 *   sink is closed, 1 with the error on stderr.
 * - stall: one send at a time; each time a send has to wait, prints
 *   "WAITING <items accepted> <in flight> <capacity>"; at the end closes
 *   the sink and prints "MAX <largest in-flight count seen>".
 * - hang: sends the items, prints "SENT <N>" once every one is queued at
 *   the receiver (nothing in flight), then waits forever without closing,
 *   to be killed.
 * Lines on stdout are flushed at once: the test reads them as they come.
 */

#include <stdio.h>
#include <stdlib.h>

#include <gchanstream/gchanstream.h>

typedef struct
{
  GMainLoop *loop;
  GcsSink   *sink;
  GError    *error;
  gint64     next;
  gint64     count;
  guint      max_in_flight;
  gboolean   done;
} Helper;

static void
forwarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Helper *h = data;

  gcs_stream_forward_finish (GCS_STREAM (source), result, &h->error);
  h->done = TRUE;
  g_main_loop_quit (h->loop);
}

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Helper *h = data;

  gcs_sink_close_finish (GCS_SINK (source), result, &h->error);
  h->done = TRUE;
  g_main_loop_quit (h->loop);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Helper *h = data;

  if (!gcs_sink_send_finish (GCS_SINK (source), result, &h->error))
    h->done = TRUE;
  g_main_loop_quit (h->loop);
}

static void
note_in_flight (Helper *h)
{
  guint in_flight = gcs_dbus_sink_get_in_flight (GCS_DBUS_SINK (h->sink));

  h->max_in_flight = MAX (h->max_in_flight, in_flight);
}

/* stall and hang: one item at a time, without waiting while there is room. */
static gboolean
send_all (Helper   *h,
          gboolean  report_waits)
{
  while (h->next < h->count && h->error == NULL)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autoptr(GError) error = NULL;

      g_value_init (&value, G_TYPE_INT64);
      g_value_set_int64 (&value, h->next);
      if (gcs_dbus_sink_try_send (GCS_DBUS_SINK (h->sink), &value, &error))
        {
          h->next++;
          note_in_flight (h);
          continue;
        }
      if (!g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL))
        {
          h->error = g_steal_pointer (&error);
          return FALSE;
        }
      if (report_waits && gcs_dbus_sink_get_capacity (GCS_DBUS_SINK (h->sink)) > 0)
        {
          printf ("WAITING %" G_GINT64_FORMAT " %u %u\n", h->next,
                  gcs_dbus_sink_get_in_flight (GCS_DBUS_SINK (h->sink)),
                  gcs_dbus_sink_get_capacity (GCS_DBUS_SINK (h->sink)));
          fflush (stdout);
        }
      gcs_sink_send_async (h->sink, &value, NULL, sent_cb, h);
      g_main_loop_run (h->loop);
      if (h->error == NULL)
        {
          h->next++;
          note_in_flight (h);
        }
    }
  return h->error == NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *address = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *mode = NULL;
  gboolean p2p = FALSE;
  gint64 count = 0;
  GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, "D-Bus address", "ADDR" },
    { "p2p", 0, 0, G_OPTION_ARG_NONE, &p2p, "a peer-to-peer connection", NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "the receiver's bus name", "NAME" },
    { "path", 0, 0, G_OPTION_ARG_STRING, &path, "the inbox's path", "PATH" },
    { "count", 0, 0, G_OPTION_ARG_INT64, &count, "how many items", "N" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "forward, stall or hang", "MODE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- D-Bus channel test producer");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Helper h = { loop, NULL, NULL, 0, 0, 0, FALSE };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || address == NULL || path == NULL || mode == NULL)
    {
      g_printerr ("gcs-dbus-helper: %s\n", error != NULL ? error->message : "missing options");
      return 2;
    }
  h.count = count;

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       (p2p ? 0 : G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
                                                       NULL, NULL, &error);
  if (connection == NULL)
    {
      g_printerr ("gcs-dbus-helper: %s\n", error->message);
      return 1;
    }
  h.sink = gcs_dbus_sink_new (connection, p2p ? NULL : name, path);

  if (g_str_equal (mode, "forward"))
    {
      g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
      g_autoptr(GcsStream) stream = NULL;

      g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
      g_array_set_size (values, count);
      for (gint64 i = 0; i < count; i++)
        {
          g_value_init (&g_array_index (values, GValue, i), G_TYPE_INT64);
          g_value_set_int64 (&g_array_index (values, GValue, i), i);
        }
      stream = gcs_stream_from_values ((GValue *) values->data, values->len);
      gcs_stream_forward_async (stream, h.sink, NULL, forwarded_cb, &h);
      g_main_loop_run (loop);
    }
  else if (g_str_equal (mode, "stall"))
    {
      if (send_all (&h, TRUE))
        {
          gcs_sink_close_async (h.sink, NULL, closed_cb, &h);
          g_main_loop_run (loop);
          printf ("MAX %u\n", h.max_in_flight);
          fflush (stdout);
        }
    }
  else if (g_str_equal (mode, "hang"))
    {
      if (send_all (&h, FALSE))
        {
          while (gcs_dbus_sink_get_in_flight (GCS_DBUS_SINK (h.sink)) > 0)
            g_main_context_iteration (NULL, TRUE);
          printf ("SENT %" G_GINT64_FORMAT "\n", h.count);
          fflush (stdout);
          g_main_loop_run (loop);   /* until killed */
        }
    }
  else
    {
      g_printerr ("gcs-dbus-helper: unknown mode %s\n", mode);
      return 2;
    }

  g_clear_object (&h.sink);
  if (h.error != NULL)
    {
      g_printerr ("gcs-dbus-helper: %s\n", h.error->message);
      g_error_free (h.error);
      return 1;
    }
  /* Let the last messages go out before the connection is dropped. */
  g_dbus_connection_flush_sync (connection, NULL, NULL);
  return 0;
}
