/* gcs-gtk-demo-events.c: the event log, a broadcast channel and its two
 * widgets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The search and the analysis post events from their threads to a
 * broadcast channel; two subscribers, each a BroadcastStream, feed a
 * scrolling log and a per-kind counter.
 */

#include <string.h>

#include "gcs-gtk-demo.h"

/* Events: (wall-clock µs, kind, message) variants. Any thread may post. */
void
post_event (GcsBroadcastSender *events,
            const char         *kind,
            const char         *format,
            ...)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_value_init (&value, G_TYPE_VARIANT);
  g_value_set_variant (&value, g_variant_new ("(xss)", g_get_real_time (), kind, message));
  /* CLOSED only means nobody listens (the window is gone): nothing to do. */
  gcs_broadcast_sender_send (events, &value, NULL);
}

static gboolean
is_marker (DemoWindow *self,
           const char *kind,
           const char *message)
{
  return self->marker != NULL && strcmp (kind, "test") == 0 && strcmp (message, self->marker) == 0;
}

/* Subscriber 1: the log. Its pipeline (demo_window_start_events):
 *
 *   BroadcastStream -> take_until_disposed (window)
 *     -> merge (the flood's mpsc channel)
 *     -> inspect (log_event_cb: the self-test's marker)
 *     -> map (log_row_cb: a GtkStringObject per event)
 *     -> bind_to_list_store (APPEND, at most LOG_MAX_ROWS rows)
 *
 * bind_to_list_store appends the rows of one dispatch in one splice and
 * keeps each dispatch short, so 100,000 rows at once leave the frame
 * clock its rhythm. */
static void
log_event_cb (const GValue  *item,
              gpointer       user_data,
              GError       **error)
{
  DemoWindow *self = user_data;
  const char *kind, *message;

  g_variant_get (g_value_get_variant (item), "(x&s&s)", NULL, &kind, &message);
  if (is_marker (self, kind, message))
    self->log_saw_marker = TRUE;
}

static void
log_row_cb (const GValue  *item,
            GValue        *result,
            gpointer       user_data,
            GError       **error)
{
  g_autoptr(GDateTime) second = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *row = NULL;
  const char *kind, *message;
  gint64 when;

  g_variant_get (g_value_get_variant (item), "(x&s&s)", &when, &kind, &message);
  second = g_date_time_new_from_unix_local (when / G_USEC_PER_SEC);
  time = g_date_time_add (second, when % G_USEC_PER_SEC);
  clock = g_date_time_format (time, "%H:%M:%S.%f");
  clock[12] = '\0';  /* milliseconds */
  row = g_strdup_printf ("%s  %-6s  %s", clock, kind, message);
  g_value_init (result, GTK_TYPE_STRING_OBJECT);
  g_value_take_object (result, gtk_string_object_new (row));
}

/* Rows were appended (one splice per dispatch): count them, and keep the
 * newest row in view unless the user scrolled up to read older ones. */
static void
log_items_changed_cb (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    user_data)
{
  DemoWindow *self = user_data;
  GtkAdjustment *adjustment;
  guint n;

  self->log_rows_added += added;
  if (added == 0 || self->log_view == NULL)
    return;
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->log_view));
  if (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) + 1 <
      gtk_adjustment_get_upper (adjustment) && gtk_adjustment_get_upper (adjustment) > 0 &&
      position + added < g_list_model_get_n_items (model))
    return;
  n = g_list_model_get_n_items (model);
  if (n > 0)
    gtk_widget_activate_action (self->log_view, "list.scroll-to-item", "u", n - 1);
}

/* Subscriber 2: a counter per kind. */
static void
counter_event_cb (const GValue  *item,
                  gpointer       user_data,
                  GError       **error)
{
  DemoWindow *self = user_data;
  const char *kind, *message;
  g_autofree char *text = NULL;
  GtkWidget *label;
  guint count;

  g_variant_get (g_value_get_variant (item), "(x&s&s)", NULL, &kind, &message);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, kind)) + 1;
  g_hash_table_insert (self->counts, g_strdup (kind), GUINT_TO_POINTER (count));

  label = g_hash_table_lookup (self->counter_labels, kind);
  if (label == NULL)
    {
      label = gtk_label_new (NULL);
      gtk_widget_add_css_class (label, "counter");
      gtk_box_append (GTK_BOX (self->counters_box), label);
      g_hash_table_insert (self->counter_labels, g_strdup (kind), label);
    }
  text = g_markup_printf_escaped ("<b>%u</b> %s", count, kind);
  gtk_label_set_markup (GTK_LABEL (label), text);
  if (is_marker (self, kind, message))
    self->counter_saw_marker = TRUE;
}

static void
plain_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (list_item)));
}

/* The pane's widgets, appended to the window's right box. */
void
demo_window_add_events (DemoWindow *self,
                        GtkBox     *box)
{
  GtkWidget *scroller;

  gtk_box_append (box, heading_new ("Events"));
  self->counters_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->counters_box);
  gtk_box_append (box, scroller);
  gtk_box_append (box, list_pane_new (G_LIST_MODEL (self->log), G_CALLBACK (plain_bind_cb),
                                      NULL, &self->log_view));
  gtk_widget_add_css_class (self->log_view, "log");
}

/* Subscriber 2 runs to its end with for_each; the log ends with its
 * source (bind_to_list_store). */
static GcsStream *
demo_window_subscribe (DemoWindow *self,
                       GcsStream **until_out)
{
  g_autoptr(GcsBroadcastReceiver) rx = gcs_broadcast_sender_subscribe (self->events);
  GcsStream *stream = gcs_broadcast_stream_new (rx);

  *until_out = gcs_stream_take_until_disposed (stream, G_OBJECT (self));
  return stream;
}

/* The flood: a worker sends rows into a bounded channel, waiting while it
 * is full (the list's pace sets the worker's). */
typedef struct
{
  GcsSender *tx;
  guint      n_rows;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;

  for (guint i = 1; i <= flood->n_rows; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *message = g_strdup_printf ("row %u of %u", i, flood->n_rows);

      g_value_init (&value, G_TYPE_VARIANT);
      g_value_set_variant (&value, g_variant_new ("(xss)", g_get_real_time (), "flood", message));
      if (!gcs_sender_send_blocking (flood->tx, &value, NULL, NULL))
        break;   /* the window is gone */
    }
  g_object_unref (flood->tx);
  g_free (flood);
  return NULL;
}

/* Pours @n_rows rows into the log from a worker thread. */
void
demo_window_flood_log (DemoWindow *self,
                       guint       n_rows)
{
  Flood *flood = g_new0 (Flood, 1);

  flood->tx = gcs_sender_clone (self->flood_tx);
  flood->n_rows = n_rows;
  g_thread_unref (g_thread_new ("log flood", flood_thread, flood));
}

/* Two subscribers, one per widget, each its own BroadcastStream. */
void
demo_window_start_events (DemoWindow *self)
{
  g_autoptr(GcsStream) log_until = NULL;
  g_autoptr(GcsStream) counter_until = NULL;
  g_autoptr(GcsReceiver) flood_rx = NULL;
  g_autoptr(GcsStream) flood = NULL;
  g_autoptr(GcsStream) flood_until = NULL;
  g_autoptr(GcsStream) merged = NULL;
  g_autoptr(GcsStream) watched = NULL;
  g_autoptr(GcsStream) rows = NULL;

  gcs_channel_new (G_TYPE_VARIANT, 1024, &self->flood_tx, &flood_rx);
  flood = gcs_receiver_stream_new (flood_rx);
  flood_until = gcs_stream_take_until_disposed (flood, G_OBJECT (self));

  self->log_stream = demo_window_subscribe (self, &log_until);
  merged = gcs_stream_merge (log_until, flood_until);
  watched = gcs_stream_inspect (merged, log_event_cb, self, NULL);
  rows = gcs_stream_map (watched, log_row_cb, NULL, NULL);
  g_signal_connect_object (self->log, "items-changed", G_CALLBACK (log_items_changed_cb), self, 0);
  gcs_stream_bind_to_list_store (rows, self->log, GCS_LIST_STORE_APPEND, LOG_MAX_ROWS);

  self->counter_stream = demo_window_subscribe (self, &counter_until);
  gcs_stream_for_each_async (counter_until, counter_event_cb, self, NULL, NULL,
                             pipeline_done_cb, (gpointer) "event counter");
}
