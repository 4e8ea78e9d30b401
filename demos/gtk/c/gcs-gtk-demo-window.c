/* gcs-gtk-demo-window.c: the window, its panes put together
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gcs-gtk-demo.h"

#define EVENT_CAPACITY 256  /* the broadcast channel's ring */

Activity *
activity_ref (Activity *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
activity_unref (Activity *self)
{
  g_atomic_rc_box_release (self);
}

G_DEFINE_FINAL_TYPE (DemoWindow, demo_window, GTK_TYPE_APPLICATION_WINDOW)

static void
demo_window_dispose (GObject *object)
{
  DemoWindow *self = DEMO_WINDOW (object);

  /* The pipelines end by themselves (take_until_disposed); the analysis
   * thread is told here, since nothing will show its progress. */
  g_cancellable_cancel (self->analysis_cancellable);

  G_OBJECT_CLASS (demo_window_parent_class)->dispose (object);
}

static void
demo_window_finalize (GObject *object)
{
  DemoWindow *self = DEMO_WINDOW (object);

  g_clear_pointer (&self->words, word_list_unref);
  g_clear_pointer (&self->activity, activity_unref);
  g_clear_object (&self->events);
  g_clear_object (&self->analysis_cancellable);
  g_clear_object (&self->results);
  g_clear_object (&self->log);
  g_clear_object (&self->flood_tx);
  g_clear_object (&self->log_stream);
  g_clear_object (&self->counter_stream);
  g_clear_pointer (&self->counter_labels, g_hash_table_unref);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_free (self->shown_query);
  g_free (self->requested_query);
  g_free (self->marker);

  G_OBJECT_CLASS (demo_window_parent_class)->finalize (object);
}

static void
demo_window_class_init (DemoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = demo_window_dispose;
  object_class->finalize = demo_window_finalize;
}

static void
demo_window_init (DemoWindow *self)
{
  self->analysis_cancellable = g_cancellable_new ();
  self->activity = g_atomic_rc_box_new0 (Activity);
  self->results = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->log = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->counter_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Completion of a pipeline's for_each: it ends when the window goes, or
 * fails, which a demo should say loudly. */
void
pipeline_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gcs_stream_for_each_finish (GCS_STREAM (source), result, &error))
    g_warning ("The %s pipeline failed: %s", (const char *) user_data, error->message);
}

/* ---- Layout helpers for the panes ---- */

GtkWidget *
heading_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
label_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_item_set_child (list_item, label);
}

GtkWidget *
list_pane_new (GListModel   *model,
               GCallback     bind,
               gpointer      data,
               GtkWidget   **view_out)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *view, *scrolled, *frame;

  g_signal_connect (factory, "setup", G_CALLBACK (label_setup_cb), NULL);
  g_signal_connect (factory, "bind", bind, data);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (model))), factory);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), scrolled);
  *view_out = view;
  return frame;
}

/* A column of the window, its widgets stacked. */
static GtkWidget *
column_new (int margin_start,
            int margin_end)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  gtk_widget_set_margin_start (box, margin_start);
  gtk_widget_set_margin_end (box, margin_end);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  return box;
}

DemoWindow *
demo_window_new (GtkApplication *app,
                 WordList       *words)
{
  DemoWindow *self = g_object_new (DEMO_TYPE_WINDOW, "application", app,
                                   "title", "Words — gchanstream", NULL);
  GcsBroadcastReceiver *unused = NULL;
  GtkWidget *paned, *left, *right;

  self->words = word_list_ref (words);
  /* The receiver the constructor returns is not needed: each widget
   * subscribes its own, and a broadcast send reaches whoever exists. */
  gcs_broadcast_new (G_TYPE_VARIANT, EVENT_CAPACITY, &self->events, &unused);
  g_object_unref (unused);

  gtk_window_set_default_size (GTK_WINDOW (self), 920, 580);
  gtk_window_set_titlebar (GTK_WINDOW (self), gtk_header_bar_new ());

  left = column_new (14, 10);
  demo_window_add_search (self, GTK_BOX (left));
  right = column_new (10, 14);
  demo_window_add_analysis (self, GTK_BOX (right));
  demo_window_add_events (self, GTK_BOX (right));

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (paned), left);
  gtk_paned_set_end_child (GTK_PANED (paned), right);
  gtk_paned_set_position (GTK_PANED (paned), 340);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_window_set_child (GTK_WINDOW (self), paned);

  /* Subscribe before anything posts: a subscriber sees only later events. */
  demo_window_start_events (self);
  demo_window_start_search (self);
  demo_window_start_analysis (self);
  gtk_widget_grab_focus (self->entry);
  return self;
}
