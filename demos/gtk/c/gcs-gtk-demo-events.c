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

/* Subscriber 1: the log rows, newest first. */
static void
log_event_cb (const GValue  *item,
              gpointer       user_data,
              GError       **error)
{
  DemoWindow *self = user_data;
  g_autoptr(GDateTime) second = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *row = NULL;
  const char *kind, *message;
  GtkAdjustment *adjustment;
  gboolean at_top;
  gint64 when;
  guint n;

  g_variant_get (g_value_get_variant (item), "(x&s&s)", &when, &kind, &message);
  second = g_date_time_new_from_unix_local (when / G_USEC_PER_SEC);
  time = g_date_time_add (second, when % G_USEC_PER_SEC);
  clock = g_date_time_format (time, "%H:%M:%S.%f");
  clock[12] = '\0';  /* milliseconds */
  row = g_strdup_printf ("%s  %-6s  %s", clock, kind, message);

  /* A list view keeps its first visible row in place when rows are
   * inserted above it: bring the newest row back into view, unless the
   * user scrolled down to read older ones. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->log_view));
  at_top = gtk_adjustment_get_value (adjustment) <= gtk_adjustment_get_lower (adjustment);
  gtk_string_list_splice (self->log, 0, 0, (const char *[]) { row, NULL });
  if (at_top)
    gtk_widget_activate_action (self->log_view, "list.scroll-to-item", "u", 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  if (n > LOG_MAX_ROWS)
    gtk_string_list_remove (self->log, n - 1);
  if (is_marker (self, kind, message))
    self->log_saw_marker = TRUE;
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

static GcsStream *
demo_window_subscribe (DemoWindow   *self,
                       GcsVisitFunc  func,
                       const char   *name)
{
  g_autoptr(GcsBroadcastReceiver) rx = gcs_broadcast_sender_subscribe (self->events);
  GcsStream *stream = gcs_broadcast_stream_new (rx);
  g_autoptr(GcsStream) until = gcs_stream_take_until_disposed (stream, G_OBJECT (self));

  gcs_stream_for_each_async (until, func, self, NULL, NULL, pipeline_done_cb, (gpointer) name);
  return stream;
}

/* Two subscribers, one per widget, each its own BroadcastStream. */
void
demo_window_start_events (DemoWindow *self)
{
  self->log_stream = demo_window_subscribe (self, log_event_cb, "event log");
  self->counter_stream = demo_window_subscribe (self, counter_event_cb, "event counter");
}
