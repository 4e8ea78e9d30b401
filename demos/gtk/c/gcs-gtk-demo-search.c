/* gcs-gtk-demo-search.c: the search pane
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The entry's "text" is a stream:
 *
 *   from_property (entry, "text") -> debounce (150 ms)
 *     -> distinct_until_changed
 *     -> switch_map (a search on a worker thread, its result back
 *                    through a oneshot channel)
 *     -> take_until_disposed (window)
 *     -> inspect (the status labels) -> map (the result's rows)
 *     -> bind_to_list_store (REPLACE: each result replaces the rows of
 *        the GListStore under the GtkListView, in one splice)
 *
 * A new query cancels the previous search's GCancellable and releases its
 * oneshot stream, so the worker stops early and its result, should it
 * finish anyway, can no longer reach the list.
 */

#include <string.h>

#include "gcs-gtk-demo.h"

#define DEBOUNCE_MS        150
#define CANCEL_CHECK_EVERY 512  /* words scanned between two looks at the cancellable */
#define EMPTY_QUERY_HINT   "Type the start of a word"

/* A search result, the oneshot channel's item: immutable once sent, so
 * reference counting stands in for copying. */

typedef struct
{
  char   *query;
  guint   total;       /* every match */
  char  **shown;       /* the first MAX_SHOWN, NULL-terminated */
  gint64  elapsed_us;  /* the scan */
} DemoSearchResult;

static void
demo_search_result_clear (gpointer data)
{
  DemoSearchResult *self = data;

  g_free (self->query);
  g_strfreev (self->shown);
}

static DemoSearchResult *
demo_search_result_ref (DemoSearchResult *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
demo_search_result_unref (DemoSearchResult *self)
{
  g_atomic_rc_box_release_full (self, demo_search_result_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoSearchResult, demo_search_result_unref)

GType demo_search_result_get_type (void);
G_DEFINE_BOXED_TYPE (DemoSearchResult, demo_search_result, demo_search_result_ref, demo_search_result_unref)
#define DEMO_TYPE_SEARCH_RESULT (demo_search_result_get_type ())

static DemoSearchResult *
demo_search_result_new (const char *query)
{
  DemoSearchResult *self = g_atomic_rc_box_new0 (DemoSearchResult);

  self->query = g_strdup (query);
  return self;
}

typedef struct
{
  WordList           *words;
  char               *query;
  GcsOneshotSender   *reply;
  GcsBroadcastSender *events;
  Activity           *activity;
  gulong              pause_us;  /* after every CANCEL_CHECK_EVERY words */
} SearchJob;

static void
search_job_free (gpointer data)
{
  SearchJob *job = data;

  word_list_unref (job->words);
  g_free (job->query);
  g_object_unref (job->reply);
  g_object_unref (job->events);
  activity_unref (job->activity);
  g_free (job);
}

/* Whether the search's query was replaced by a newer one: switch_map
 * cancels the cancellable and releases the oneshot stream, which closes
 * its receiver. */
static gboolean
search_superseded (SearchJob    *job,
                   GCancellable *cancellable)
{
  return g_cancellable_is_cancelled (cancellable) || gcs_oneshot_sender_is_closed (job->reply);
}

/* --search-delay: naps of at most 10 ms, cut short once superseded. */
static void
search_pause (SearchJob    *job,
              GCancellable *cancellable)
{
  for (gulong left = job->pause_us; left > 0 && !search_superseded (job, cancellable);)
    {
      gulong nap = MIN (left, 10000);

      g_usleep (nap);
      left -= nap;
    }
}

/* On a worker thread: the case-insensitive prefix matches of the query, in
 * file order. Stops as soon as the query is superseded. */
static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchJob *job = task_data;
  g_autofree char *needle = g_utf8_strdown (job->query, -1);
  gsize needle_len = strlen (needle);
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DemoSearchResult) result = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  gint64 start = g_get_monotonic_time ();
  guint total = 0;

  for (guint i = 0; i < job->words->n_words; i++)
    {
      const char *word = job->words->words[i];

      if (i % CANCEL_CHECK_EVERY == 0 && search_superseded (job, cancellable))
        {
          g_atomic_int_inc (&job->activity->stopped_early);
          g_autofree char *of = format_count (job->words->n_words);

          post_event (job->events, "cancel", "“%s” superseded after %u of %s words", job->query, i, of);
          goto out;
        }
      if (i % CANCEL_CHECK_EVERY == 0 && job->pause_us != 0)
        search_pause (job, cancellable);
      if (strncmp (word, needle, needle_len) == 0)
        {
          if (total < MAX_SHOWN)
            g_ptr_array_add (shown, g_strdup (word));
          total++;
        }
    }

  result = demo_search_result_new (job->query);
  result->total = total;
  result->elapsed_us = g_get_monotonic_time () - start;
  g_ptr_array_add (shown, NULL);
  result->shown = (char **) g_ptr_array_steal (shown, NULL);

  g_value_init (&value, DEMO_TYPE_SEARCH_RESULT);
  g_value_set_boxed (&value, result);
  /* Fails with CLOSED if the query was superseded after the scan. */
  if (gcs_oneshot_sender_send (job->reply, &value, NULL))
    {
      g_autofree char *status = format_status (job->query, total, job->words->n_words);

      post_event (job->events, "search", "%s in %.1f ms", status, result->elapsed_us / 1000.0);
    }
  else
    post_event (job->events, "cancel", "“%s” superseded after its scan; result dropped",
                job->query);

out:
  g_atomic_int_add (&job->activity->searches, -1);
  g_task_return_boolean (task, TRUE);
}

/* On the main thread, from switch_map: start the search for a query and
 * return the stream of its one result. */
static GcsStream *
search_switch_cb (const GValue  *item,
                  GCancellable  *cancellable,
                  gpointer       user_data,
                  GError       **error)
{
  DemoWindow *self = user_data;
  const char *query = g_value_get_string (item);
  g_autoptr(GcsOneshotSender) reply = NULL;
  g_autoptr(GcsOneshotReceiver) rx = NULL;
  g_autoptr(GTask) task = NULL;
  SearchJob *job;

  if (query == NULL)
    query = "";
  g_free (self->requested_query);
  self->requested_query = g_strdup (query);
  self->n_queries++;

  gcs_oneshot_new (DEMO_TYPE_SEARCH_RESULT, &reply, &rx);

  if (*query == '\0')
    {
      /* Nothing to search: an empty result clears the list at once. */
      g_autoptr(DemoSearchResult) empty = demo_search_result_new ("");
      g_auto(GValue) value = G_VALUE_INIT;

      empty->shown = g_new0 (char *, 1);
      g_value_init (&value, DEMO_TYPE_SEARCH_RESULT);
      g_value_set_boxed (&value, empty);
      gcs_oneshot_sender_send (reply, &value, NULL);
      post_event (self->events, "query", "cleared");
      return gcs_oneshot_stream_new (rx);
    }

  post_event (self->events, "query", "“%s”", query);
  {
    g_autofree char *status = g_strdup_printf ("Searching for “%s”…", query);

    gtk_label_set_text (GTK_LABEL (self->results_label), status);
    gtk_widget_set_visible (self->spinner, TRUE);
    gtk_spinner_start (GTK_SPINNER (self->spinner));
  }
  job = g_new0 (SearchJob, 1);
  job->words = word_list_ref (self->words);
  job->query = g_strdup (query);
  job->reply = g_steal_pointer (&reply);
  job->events = g_object_ref (self->events);
  job->activity = activity_ref (self->activity);
  if (self->words->n_words > 0)
    job->pause_us = (guint64) self->search_delay_ms * 1000 * CANCEL_CHECK_EVERY / self->words->n_words;
  g_atomic_int_inc (&self->activity->searches);

  task = g_task_new (NULL, cancellable, NULL, NULL);
  g_task_set_name (task, "gcs-gtk-demo search");
  g_task_set_task_data (task, job, search_job_free);
  g_task_run_in_thread (task, search_thread);
  return gcs_oneshot_stream_new (rx);
}

/* On the main thread, from inspect: show a result's status; its rows go
 * into the list through result_rows_cb and bind_to_list_store. */
static void
search_result_cb (const GValue  *item,
                  gpointer       user_data,
                  GError       **error)
{
  DemoWindow *self = user_data;
  DemoSearchResult *result = g_value_get_boxed (item);
  guint n_shown = g_strv_length (result->shown);
  g_autofree char *text = NULL;

  /* switch_map drops a superseded query's stream before asking for the
   * next one, so a result is always for the latest query. Counted, not
   * assumed: the self-test checks it. */
  if (g_strcmp0 (result->query, self->requested_query) != 0)
    self->n_stale++;
  self->n_results++;
  g_free (self->shown_query);
  self->shown_query = g_strdup (result->query);

  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, FALSE);
  text = format_status (result->query, result->total, self->words->n_words);
  gtk_label_set_text (GTK_LABEL (self->results_label), text);
  g_clear_pointer (&text, g_free);
  if (result->total > n_shown)
    text = g_strdup_printf ("first %u shown", n_shown);
  gtk_label_set_text (GTK_LABEL (self->more_label), text ? text : "");

  if (n_shown > 0)
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->results_stack), "list");
      return;
    }
  g_clear_pointer (&text, g_free);
  if (*result->query == '\0')
    text = g_strdup (EMPTY_QUERY_HINT);
  else
    text = g_strdup_printf ("No word starts with “%s”", result->query);
  gtk_label_set_text (GTK_LABEL (self->placeholder), text);
  gtk_stack_set_visible_child_name (GTK_STACK (self->results_stack), "placeholder");
}

/* A result as the list's rows: a sequence of GtkStringObjects, which
 * bind_to_list_store puts in place of the old rows in one splice. */
static void
result_rows_cb (const GValue  *item,
                GValue        *rows,
                gpointer       user_data,
                GError       **error)
{
  DemoSearchResult *result = g_value_get_boxed (item);
  guint n = g_strv_length (result->shown);
  GValueArray *array;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  array = g_value_array_new (n);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) row = G_VALUE_INIT;

      g_value_init (&row, GTK_TYPE_STRING_OBJECT);
      g_value_take_object (&row, gtk_string_object_new (result->shown[i]));
      g_value_array_append (array, &row);
    }
  g_value_init (rows, g_value_array_get_type ());
G_GNUC_END_IGNORE_DEPRECATIONS
  g_value_take_boxed (rows, array);
}

/* Result rows: the word, the query's prefix in bold. */
static void
result_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  DemoWindow *self = user_data;
  const char *word = gtk_string_object_get_string (gtk_list_item_get_item (list_item));
  gsize prefix = self->shown_query != NULL ? strlen (self->shown_query) : 0;
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *markup = NULL;

  prefix = MIN (prefix, strlen (word));
  head = g_markup_escape_text (word, prefix);
  tail = g_markup_escape_text (word + prefix, -1);
  markup = g_strconcat ("<b>", head, "</b>", tail, NULL);
  gtk_label_set_markup (GTK_LABEL (gtk_list_item_get_child (list_item)), markup);
}

/* The pane's widgets, appended to the window's left box. */
void
demo_window_add_search (DemoWindow *self,
                        GtkBox     *box)
{
  GtkWidget *status;

  gtk_box_append (box, heading_new ("Search as you type"));
  self->entry = gtk_search_entry_new ();
  g_object_set (self->entry, "placeholder-text", "Find words starting with…", NULL);
  gtk_box_append (box, self->entry);
  status = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_box_append (GTK_BOX (status), self->spinner);
  self->results_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->results_label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (self->results_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->results_label, TRUE);
  gtk_widget_add_css_class (self->results_label, "dim-label");
  gtk_box_append (GTK_BOX (status), self->results_label);
  self->more_label = gtk_label_new ("");
  gtk_widget_add_css_class (self->more_label, "dim-label");
  gtk_box_append (GTK_BOX (status), self->more_label);
  gtk_box_append (box, status);

  self->results_stack = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (self->results_stack),
                       list_pane_new (G_LIST_MODEL (self->results), G_CALLBACK (result_bind_cb),
                                      self, &self->results_view),
                       "list");
  self->placeholder = gtk_label_new (EMPTY_QUERY_HINT);
  gtk_widget_add_css_class (self->placeholder, "placeholder");
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (self->placeholder), TRUE);
  gtk_stack_add_named (GTK_STACK (self->results_stack), self->placeholder, "placeholder");
  gtk_stack_set_visible_child_name (GTK_STACK (self->results_stack), "placeholder");
  gtk_widget_set_vexpand (self->results_stack, TRUE);
  gtk_box_append (box, self->results_stack);
}

void
demo_window_start_search (DemoWindow *self)
{
  g_autoptr(GcsStream) texts = gcs_stream_from_property (G_OBJECT (self->entry), "text");
  g_autoptr(GcsStream) settled = gcs_stream_debounce (texts, DEBOUNCE_MS);
  g_autoptr(GcsStream) queries = gcs_stream_distinct_until_changed (settled);
  g_autoptr(GcsStream) results = gcs_stream_switch_map (queries, search_switch_cb, self, NULL);
  g_autoptr(GcsStream) until = gcs_stream_take_until_disposed (results, G_OBJECT (self));
  g_autoptr(GcsStream) shown = gcs_stream_inspect (until, search_result_cb, self, NULL);
  g_autoptr(GcsStream) rows = gcs_stream_map (shown, result_rows_cb, NULL, NULL);

  /* The callbacks use the window unreferenced: take_until_disposed
   * releases them when it is disposed. The store is held weakly. */
  gcs_stream_bind_to_list_store (rows, self->results, GCS_LIST_STORE_REPLACE, 0);
}

