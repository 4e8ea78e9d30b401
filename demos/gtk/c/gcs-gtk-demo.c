/* gcs-gtk-demo.c: a GTK 4 word finder on gchanstream channels and streams
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One window, three panes, each fed by gchanstream:
 *
 *  - Search as you type. The entry's "text" is a stream:
 *
 *      from_property (entry, "text") -> debounce (150 ms)
 *        -> distinct_until_changed
 *        -> switch_map (a search on a worker thread, its result back
 *                       through a oneshot channel)
 *        -> take_until_disposed (window) -> for_each (fill the list)
 *
 *    A new query cancels the previous search's GCancellable and releases
 *    its oneshot stream, so the worker stops early and its result, should
 *    it finish anyway, can no longer reach the list.
 *
 *  - A progress bar: a worker analyses the word list in steps and sends
 *    (fraction, stage) into a watch channel; two WatchStreams on it feed
 *    the bar's "fraction" and a label's "label" with
 *    gcs_stream_bind_to_property().
 *
 *  - An event log: the search and the analysis post events from their
 *    threads to a broadcast channel; two subscribers, each a
 *    BroadcastStream, feed a scrolling log and a per-kind counter.
 *
 * `--self-test` types queries into the entry, waits for the results and
 * checks the widgets against the word list read independently; see
 * self_test_* below. `--screenshot FILE` saves a PNG of the window once
 * the self-test has passed.
 */

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gtk/gtk.h>
#include <gchanstream/gchanstream.h>

#define MAX_SHOWN          200  /* rows in the result list; the label has the full count */
#define DEBOUNCE_MS        150
#define EVENT_CAPACITY     256  /* the broadcast channel's ring */
#define LOG_MAX_ROWS       1000
#define CANCEL_CHECK_EVERY 512  /* words scanned between two looks at the cancellable */

/* ------------------------------------------------------------------ */
/* The word list: read once on the main thread, then shared read-only by
 * every worker thread (atomically reference counted). */

typedef struct
{
  char  *contents;  /* the file; the words point into it */
  char **words;     /* NULL-terminated, file order, ASCII-lowercased */
  guint  n_words;
} WordList;

static void
word_list_clear (gpointer data)
{
  WordList *self = data;

  g_free (self->words);
  g_free (self->contents);
}

static WordList *
word_list_ref (WordList *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
word_list_unref (WordList *self)
{
  g_atomic_rc_box_release_full (self, word_list_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WordList, word_list_unref)

static WordList *
word_list_load (const char  *path,
                GError     **error)
{
  g_autoptr(WordList) self = g_atomic_rc_box_new0 (WordList);
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  gsize length;
  char *line;

  if (!g_file_get_contents (path, &self->contents, &length, error))
    return NULL;
  if (!g_utf8_validate_len (self->contents, length, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s is not UTF-8", path);
      return NULL;
    }

  /* One word a line, LF or CRLF; blank lines are not words. Lowercasing
   * here (ASCII only: the list is ASCII) lets the search compare bytes. */
  line = self->contents;
  while (line != NULL && *line != '\0')
    {
      char *end = strchr (line, '\n');
      char *next = NULL;

      if (end != NULL)
        {
          next = end + 1;
          if (end > line && end[-1] == '\r')
            end--;
          *end = '\0';
        }
      if (*line != '\0')
        {
          for (char *p = line; *p != '\0'; p++)
            *p = g_ascii_tolower (*p);
          g_ptr_array_add (words, line);
        }
      line = next;
    }
  self->n_words = words->len;
  g_ptr_array_add (words, NULL);
  self->words = (char **) g_ptr_array_steal (words, NULL);
  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------------ */
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

/* ------------------------------------------------------------------ */
/* Text shown for a result; the Python and GJS demos say the same. */

/* 60540 -> "60,540", whatever the locale. */
static char *
format_count (guint n)
{
  g_autofree char *digits = g_strdup_printf ("%u", n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* "Type to search 60,540 words", "1 match for “q”", "7,399 matches for “s”". */
static char *
format_status (const char *query,
               guint       total,
               guint       n_words)
{
  g_autofree char *count = format_count (*query == '\0' ? n_words : total);

  if (*query == '\0')
    return g_strdup_printf ("Type to search %s words", count);
  return g_strdup_printf ("%s %s for “%s”", count, total == 1 ? "match" : "matches", query);
}

/* ------------------------------------------------------------------ */
/* Events: (wall-clock µs, kind, message) variants on a broadcast channel.
 * Any thread may post. */

static void G_GNUC_PRINTF (3, 4)
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

/* ------------------------------------------------------------------ */
/* What runs on worker threads, for the self-test to wait on. Shared with
 * the jobs, so that a job finishing after its window is gone still has
 * it. */

typedef struct
{
  int searches;        /* atomic: running */
  int analyses;        /* atomic: running */
  int stopped_early;   /* atomic: searches that saw their cancellation mid-scan */
} Activity;

static Activity *
activity_ref (Activity *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
activity_unref (Activity *self)
{
  g_atomic_rc_box_release (self);
}

/* ------------------------------------------------------------------ */
/* The window */

#define DEMO_TYPE_WINDOW (demo_window_get_type ())
G_DECLARE_FINAL_TYPE (DemoWindow, demo_window, DEMO, WINDOW, GtkApplicationWindow)

struct _DemoWindow
{
  GtkApplicationWindow  parent_instance;

  WordList             *words;
  GcsBroadcastSender   *events;
  GCancellable         *analysis_cancellable;

  /* Search */
  GtkWidget            *entry;
  GtkWidget            *results_label;
  GtkWidget            *spinner;
  GtkWidget            *more_label;         /* "first 200 shown" */
  GtkWidget            *results_stack;      /* the list, or a placeholder */
  GtkWidget            *placeholder;
  GtkWidget            *results_view;
  GtkStringList        *results;
  char                 *shown_query;        /* of the rows shown, for the highlight */
  char                 *requested_query;    /* the latest switch_map handed to a search */
  char                 *last_result_query;  /* of the latest result delivered */
  guint                 n_queries;          /* searches switch_map asked for */
  guint                 n_results;          /* results delivered to the list */
  guint                 n_stale;            /* results delivered for a superseded query: must stay 0 */
  guint                 search_delay_ms;    /* --search-delay: slows each scan down */

  /* Analysis */
  GtkWidget            *progress;
  GtkWidget            *stage_label;

  /* Event log: two subscribers, two widgets */
  GtkWidget            *log_view;
  GtkStringList        *log;
  GcsStream            *log_stream;         /* kept to read its lagged count */
  gboolean              log_saw_marker;
  GtkWidget            *counters_box;
  GHashTable           *counter_labels;     /* kind -> GtkLabel */
  GHashTable           *counts;             /* kind -> count */
  GcsStream            *counter_stream;
  gboolean              counter_saw_marker;
  char                 *marker;             /* the self-test's last event */

  Activity             *activity;
};

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
  g_clear_object (&self->log_stream);
  g_clear_object (&self->counter_stream);
  g_clear_pointer (&self->counter_labels, g_hash_table_unref);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_free (self->shown_query);
  g_free (self->requested_query);
  g_free (self->last_result_query);
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
  self->results = gtk_string_list_new (NULL);
  self->log = gtk_string_list_new (NULL);
  self->counter_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Completion of a pipeline's for_each: it ends when the window goes, or
 * fails, which a demo should say loudly. */
static void
pipeline_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gcs_stream_for_each_finish (GCS_STREAM (source), result, &error))
    g_warning ("The %s pipeline failed: %s", (const char *) user_data, error->message);
}

/* ---- Search ---- */

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

/* On the main thread, from for_each: show a result. */
static void
search_result_cb (const GValue  *item,
                  gpointer       user_data,
                  GError       **error)
{
  DemoWindow *self = user_data;
  DemoSearchResult *result = g_value_get_boxed (item);
  g_autofree char *text = NULL;

  /* switch_map drops a superseded query's stream before asking for the
   * next one, so a result is always for the latest query. Counted, not
   * assumed: the self-test checks it. */
  if (g_strcmp0 (result->query, self->requested_query) != 0)
    self->n_stale++;
  self->n_results++;
  g_free (self->last_result_query);
  self->last_result_query = g_strdup (result->query);
  g_free (self->shown_query);
  self->shown_query = g_strdup (result->query);

  gtk_string_list_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                          (const char * const *) result->shown);

  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, FALSE);
  text = format_status (result->query, result->total, self->words->n_words);
  gtk_label_set_text (GTK_LABEL (self->results_label), text);
  g_clear_pointer (&text, g_free);
  if (result->total > g_strv_length (result->shown))
    text = g_strdup_printf ("first %u shown", g_strv_length (result->shown));
  gtk_label_set_text (GTK_LABEL (self->more_label), text ? text : "");

  if (result->shown[0] != NULL)
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->results_stack), "list");
      return;
    }
  g_clear_pointer (&text, g_free);
  if (*result->query == '\0')
    text = g_strdup ("Type the start of a word");
  else
    text = g_strdup_printf ("No word starts with “%s”", result->query);
  gtk_label_set_text (GTK_LABEL (self->placeholder), text);
  gtk_stack_set_visible_child_name (GTK_STACK (self->results_stack), "placeholder");
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

static void
plain_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (list_item)));
}

static void
demo_window_start_search (DemoWindow *self)
{
  g_autoptr(GcsStream) texts = gcs_stream_from_property (G_OBJECT (self->entry), "text");
  g_autoptr(GcsStream) settled = gcs_stream_debounce (texts, DEBOUNCE_MS);
  g_autoptr(GcsStream) queries = gcs_stream_distinct_until_changed (settled);
  g_autoptr(GcsStream) results = gcs_stream_switch_map (queries, search_switch_cb, self, NULL);
  g_autoptr(GcsStream) shown = gcs_stream_take_until_disposed (results, G_OBJECT (self));

  /* The callbacks use the window unreferenced: take_until_disposed
   * releases them when it is disposed. */
  gcs_stream_for_each_async (shown, search_result_cb, self, NULL, NULL,
                             pipeline_done_cb, (gpointer) "search");
}

/* ---- Analysis: the progress bar ---- */

#define ANALYSIS_STEP 500  /* words per progress update */

typedef struct
{
  WordList           *words;
  GcsWatchSender     *progress;
  GcsBroadcastSender *events;
  Activity           *activity;
} AnalysisJob;

static void
analysis_job_free (gpointer data)
{
  AnalysisJob *job = data;

  word_list_unref (job->words);
  g_object_unref (job->progress);  /* its last handle: the watch streams end */
  g_object_unref (job->events);
  activity_unref (job->activity);
  g_free (job);
}

static void
send_progress (AnalysisJob *job,
               double       fraction,
               const char  *stage)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_VARIANT);
  g_value_set_variant (&value, g_variant_new ("(ds)", fraction, stage));
  gcs_watch_sender_send (job->progress, &value, NULL);
}

/* On a worker thread: three passes over the words (initial letters, word
 * lengths, two-letter prefixes), each reported in steps into the watch
 * channel. A short pause per step stands in for real indexing work and
 * makes the bar's motion visible; the watch channel drops the values a
 * busy main loop has no time to show. */
static void
analysis_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AnalysisJob *job = task_data;
  static const char *const stages[] = {
    "Counting initial letters…",
    "Measuring word lengths…",
    "Counting two-letter prefixes…",
  };
  const guint n_stages = G_N_ELEMENTS (stages);
  guint initials[26] = { 0, };
  guint64 total_length = 0;
  const char *longest = "";
  g_autoptr(GHashTable) prefixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = job->words->n_words;
  guint top_letter = 0;
  g_autofree char *summary = NULL;
  g_autofree char *n_text = format_count (n);
  g_autofree char *top_text = NULL;

  post_event (job->events, "index", "analysis of %s words started", n_text);
  for (guint stage = 0; stage < n_stages; stage++)
    {
      post_event (job->events, "index", "%s", stages[stage]);
      for (guint i = 0; i < n; i++)
        {
          const char *word = job->words->words[i];

          if (i % ANALYSIS_STEP == 0)
            {
              if (g_cancellable_is_cancelled (cancellable))
                {
                  post_event (job->events, "index", "analysis cancelled");
                  goto out;
                }
              send_progress (job, (stage + (double) i / n) / n_stages, stages[stage]);
              g_usleep (5000);
            }
          if (stage == 0 && g_ascii_islower (word[0]))
            initials[word[0] - 'a']++;
          else if (stage == 1)
            {
              gsize len = strlen (word);

              total_length += len;
              if (len > strlen (longest))
                longest = word;
            }
          else if (stage == 2 && word[0] != '\0' && word[1] != '\0')
            {
              char key[3] = { word[0], word[1], '\0' };

              if (!g_hash_table_contains (prefixes, key))
                g_hash_table_add (prefixes, g_strdup (key));
            }
        }
    }

  for (guint i = 1; i < G_N_ELEMENTS (initials); i++)
    if (initials[i] > initials[top_letter])
      top_letter = i;
  top_text = format_count (initials[top_letter]);
  summary = g_strdup_printf ("%s words · mean length %.1f · longest “%s” · "
                             "most start with “%c” (%s) · %u two-letter prefixes",
                             n_text, n ? (double) total_length / n : 0.0, longest,
                             'a' + top_letter, top_text, g_hash_table_size (prefixes));
  send_progress (job, 1.0, summary);
  post_event (job->events, "index", "done: %s", summary);

out:
  g_atomic_int_add (&job->activity->analyses, -1);
  g_task_return_boolean (task, TRUE);
}

static void
progress_fraction_cb (const GValue  *item,
                      GValue        *result,
                      gpointer       user_data,
                      GError       **error)
{
  double fraction;

  g_variant_get (g_value_get_variant (item), "(d&s)", &fraction, NULL);
  g_value_init (result, G_TYPE_DOUBLE);
  g_value_set_double (result, fraction);
}

static void
progress_stage_cb (const GValue  *item,
                   GValue        *result,
                   gpointer       user_data,
                   GError       **error)
{
  const char *stage;

  g_variant_get (g_value_get_variant (item), "(d&s)", NULL, &stage);
  g_value_init (result, G_TYPE_STRING);
  g_value_set_string (result, stage);
}

static void
demo_window_start_analysis (DemoWindow *self)
{
  g_auto(GValue) initial = G_VALUE_INIT;
  g_autoptr(GcsWatchSender) tx = NULL;
  g_autoptr(GcsWatchReceiver) rx = NULL;
  g_autoptr(GcsWatchReceiver) rx2 = NULL;
  g_autoptr(GcsStream) values = NULL;
  g_autoptr(GcsStream) values2 = NULL;
  g_autoptr(GcsStream) fractions = NULL;
  g_autoptr(GcsStream) stages = NULL;
  g_autoptr(GTask) task = NULL;
  AnalysisJob *job;

  g_value_init (&initial, G_TYPE_VARIANT);
  g_value_set_variant (&initial, g_variant_new ("(ds)", 0.0, "Waiting for the analysis…"));
  gcs_watch_new (&initial, &tx, &rx);
  rx2 = gcs_watch_receiver_clone (rx);

  /* A watch stream has one consumer: one per widget property. Both end
   * when the job drops its sender, after their last value. */
  values = gcs_watch_stream_new (rx);
  fractions = gcs_stream_map (values, progress_fraction_cb, NULL, NULL);
  gcs_stream_bind_to_property (fractions, G_OBJECT (self->progress), "fraction");
  values2 = gcs_watch_stream_new (rx2);
  stages = gcs_stream_map (values2, progress_stage_cb, NULL, NULL);
  gcs_stream_bind_to_property (stages, G_OBJECT (self->stage_label), "label");

  job = g_new0 (AnalysisJob, 1);
  job->words = word_list_ref (self->words);
  job->progress = g_steal_pointer (&tx);
  job->events = g_object_ref (self->events);
  job->activity = activity_ref (self->activity);
  g_atomic_int_inc (&self->activity->analyses);

  task = g_task_new (NULL, self->analysis_cancellable, NULL, NULL);
  g_task_set_name (task, "gcs-gtk-demo analysis");
  g_task_set_task_data (task, job, analysis_job_free);
  g_task_run_in_thread (task, analysis_thread);
}

/* ---- Event log ---- */

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

/* ---- Layout ---- */

static const char css[] =
  ".counter { padding: 2px 8px; border-radius: 9px; background: alpha(#3584e4, 0.15); }\n"
  ".log { font-family: monospace; }\n"
  ".placeholder { font-size: 1.3em; }\n";

static GtkWidget *
heading_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
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

static DemoWindow *
demo_window_new (GtkApplication *app,
                 WordList       *words)
{
  DemoWindow *self = g_object_new (DEMO_TYPE_WINDOW, "application", app,
                                   "title", "Words — gchanstream", NULL);
  g_autoptr(GcsBroadcastReceiver) unused = NULL;
  GtkWidget *header, *paned, *left, *right, *scroller, *status;

  self->words = word_list_ref (words);
  /* The receiver the constructor returns is not needed: each widget
   * subscribes its own, and a broadcast send reaches whoever exists. */
  gcs_broadcast_new (G_TYPE_VARIANT, EVENT_CAPACITY, &self->events, &unused);
  g_clear_object (&unused);

  gtk_window_set_default_size (GTK_WINDOW (self), 920, 580);
  header = gtk_header_bar_new ();
  gtk_window_set_titlebar (GTK_WINDOW (self), header);

  /* Left: search */
  left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (left, 14);
  gtk_widget_set_margin_end (left, 10);
  gtk_widget_set_margin_top (left, 12);
  gtk_widget_set_margin_bottom (left, 12);
  gtk_box_append (GTK_BOX (left), heading_new ("Search as you type"));
  self->entry = gtk_search_entry_new ();
  g_object_set (self->entry, "placeholder-text", "Find words starting with…", NULL);
  gtk_box_append (GTK_BOX (left), self->entry);
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
  gtk_box_append (GTK_BOX (left), status);

  self->results_stack = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (self->results_stack),
                       list_pane_new (G_LIST_MODEL (self->results), G_CALLBACK (result_bind_cb),
                                      self, &self->results_view),
                       "list");
  self->placeholder = gtk_label_new ("Type the start of a word");
  gtk_widget_add_css_class (self->placeholder, "placeholder");
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (self->placeholder), TRUE);
  gtk_stack_add_named (GTK_STACK (self->results_stack), self->placeholder, "placeholder");
  gtk_stack_set_visible_child_name (GTK_STACK (self->results_stack), "placeholder");
  gtk_widget_set_vexpand (self->results_stack, TRUE);
  gtk_box_append (GTK_BOX (left), self->results_stack);

  /* Right: analysis and events */
  right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (right, 10);
  gtk_widget_set_margin_end (right, 14);
  gtk_widget_set_margin_top (right, 12);
  gtk_widget_set_margin_bottom (right, 12);
  gtk_box_append (GTK_BOX (right), heading_new ("Word list analysis"));
  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_box_append (GTK_BOX (right), self->progress);
  self->stage_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->stage_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (self->stage_label), TRUE);
  gtk_widget_add_css_class (self->stage_label, "dim-label");
  gtk_box_append (GTK_BOX (right), self->stage_label);

  gtk_box_append (GTK_BOX (right), heading_new ("Events"));
  self->counters_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->counters_box);
  gtk_box_append (GTK_BOX (right), scroller);
  gtk_box_append (GTK_BOX (right), list_pane_new (G_LIST_MODEL (self->log), G_CALLBACK (plain_bind_cb),
                                                  NULL, &self->log_view));
  gtk_widget_add_css_class (self->log_view, "log");

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (paned), left);
  gtk_paned_set_end_child (GTK_PANED (paned), right);
  gtk_paned_set_position (GTK_PANED (paned), 340);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_window_set_child (GTK_WINDOW (self), paned);

  /* Subscribe before anything posts: a subscriber sees only later events. */
  self->log_stream = demo_window_subscribe (self, log_event_cb, "event log");
  self->counter_stream = demo_window_subscribe (self, counter_event_cb, "event counter");
  demo_window_start_search (self);
  demo_window_start_analysis (self);
  gtk_widget_grab_focus (self->entry);
  return self;
}

/* ------------------------------------------------------------------ */
/* The self-test: drives the window from timeouts on its main loop and
 * checks widget state. Never waits for a fixed time to have passed: it
 * polls conditions, with one overall guard. */

#define TICK_MS          25   /* between keystrokes, and between polls */
#define GUARD_S          90
#define QUIESCENT_TICKS  4    /* polls with nothing new before checking */

typedef struct
{
  const char *final;  /* typed one character at a time */
  gboolean    slow;   /* the first character's search is slowed down and superseded */
} Phase;

/* "Zo" with a capital letter (case-insensitive); clearing; "qz", which
 * nothing matches; "ba" where
 * the search for "b" is made slow and still running when "ba" replaces
 * it, so that it must be cancelled and its result never shown; "S" for
 * the 200-row cap; "appl" last so the screenshot has rows. */
static const Phase phases[] = {
  { "Zo", FALSE },
  { "", FALSE },
  { "qz", FALSE },
  { "ba", TRUE },
  { "S", FALSE },
  { "appl", FALSE },
};

/* Longer than the guard: the slowed search can only end by cancellation. */
#define SLOW_SEARCH_MS (2 * GUARD_S * 1000)

typedef enum
{
  STEP_TYPE,
  STEP_WAIT_SLOW_SEARCH,
  STEP_WAIT_RESULT,
  STEP_WAIT_ANALYSIS,
  STEP_WAIT_MARKER,
  STEP_SCREENSHOT,
  STEP_DONE,
} Step;

static const char *const step_names[] = {
  "typing", "waiting for the slowed search to start", "waiting for the search result", "waiting for the analysis to finish",
  "waiting for both event widgets to see the marker", "taking the screenshot", "done",
};

typedef struct
{
  GtkApplication *app;
  DemoWindow     *window;
  char          **words;       /* read independently of the app's WordList */
  const char     *screenshot;  /* nullable */
  int            *exit_status;
  Step            step;
  guint           phase;
  guint           typed;       /* characters of the phase's query typed */
  guint           quiet_ticks;
  guint           results_at_phase_end;
  guint           results_at_phase_start;
  int             stopped_at_phase_start;
  guint           tick_id;
  guint           guard_id;
  gulong          paint_id;
} SelfTest;

static void
self_test_finish (SelfTest *t,
                  int       status)
{
  *t->exit_status = status;
  g_clear_handle_id (&t->tick_id, g_source_remove);
  g_clear_handle_id (&t->guard_id, g_source_remove);
  gtk_window_destroy (GTK_WINDOW (t->window));
  g_application_quit (G_APPLICATION (t->app));
}

static void G_GNUC_PRINTF (2, 3)
self_test_fail (SelfTest   *t,
                const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "gcs-gtk-demo self-test: FAIL (phase %u “%s”, %s): %s\n",
           t->phase, t->phase < G_N_ELEMENTS (phases) ? phases[t->phase].final : "-",
           step_names[t->step], message);
  self_test_finish (t, 1);
}

static gboolean
self_test_guard_cb (gpointer data)
{
  SelfTest *t = data;

  t->guard_id = 0;
  self_test_fail (t, "timed out after %d s", GUARD_S);
  return G_SOURCE_REMOVE;
}

/* The expected rows, computed here from the file with the same rules as
 * the app (case-insensitive prefix, file order) but separate code. */
static GPtrArray *
self_test_expected (SelfTest   *t,
                    const char *query,
                    guint      *total)
{
  GPtrArray *expected = g_ptr_array_new ();
  gsize len = strlen (query);

  *total = 0;
  if (len == 0)
    return expected;
  for (char **w = t->words; *w != NULL; w++)
    if (**w != '\0' && strlen (*w) >= len && g_ascii_strncasecmp (*w, query, len) == 0)
      {
        if (expected->len < MAX_SHOWN)
          g_ptr_array_add (expected, *w);
        (*total)++;
      }
  return expected;
}

static gboolean
self_test_check_phase (SelfTest *t)
{
  const char *query = phases[t->phase].final;
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (t->window->results_view)));
  g_autoptr(GPtrArray) expected = NULL;
  g_autofree char *label = NULL;
  guint total, n;

  expected = self_test_expected (t, query, &total);
  n = g_list_model_get_n_items (model);
  if (n != expected->len)
    {
      self_test_fail (t, "the list shows %u rows, expected %u", n, expected->len);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkStringObject) row = g_list_model_get_item (model, i);

      if (strcmp (gtk_string_object_get_string (row), g_ptr_array_index (expected, i)) != 0)
        {
          self_test_fail (t, "row %u is “%s”, expected “%s”", i,
                          gtk_string_object_get_string (row), (char *) g_ptr_array_index (expected, i));
          return FALSE;
        }
    }

  label = format_status (query, total, g_strv_length (t->words));
  if (strcmp (gtk_stack_get_visible_child_name (GTK_STACK (t->window->results_stack)),
              n > 0 ? "list" : "placeholder") != 0)
    {
      self_test_fail (t, "the %s is shown", gtk_stack_get_visible_child_name (GTK_STACK (t->window->results_stack)));
      return FALSE;
    }
  if ((total > n) != (*gtk_label_get_text (GTK_LABEL (t->window->more_label)) != '\0'))
    {
      self_test_fail (t, "the truncation note says “%s”", gtk_label_get_text (GTK_LABEL (t->window->more_label)));
      return FALSE;
    }
  if (strcmp (gtk_label_get_text (GTK_LABEL (t->window->results_label)), label) != 0)
    {
      self_test_fail (t, "the label says “%s”, expected “%s”",
                      gtk_label_get_text (GTK_LABEL (t->window->results_label)), label);
      return FALSE;
    }
  if (t->window->n_stale != 0)
    {
      self_test_fail (t, "%u results of superseded queries reached the list", t->window->n_stale);
      return FALSE;
    }
  if (g_strcmp0 (t->window->last_result_query, query) != 0)
    {
      self_test_fail (t, "the last result is for “%s”", t->window->last_result_query);
      return FALSE;
    }
  if (phases[t->phase].slow)
    {
      /* Only "ba"'s result reached the list, and the search for "b" ended
       * by seeing its cancellable (it had a longer run ahead than the
       * guard allows). */
      if (t->window->n_results != t->results_at_phase_start + 1)
        {
          self_test_fail (t, "%u results arrived, expected only the final query's",
                          t->window->n_results - t->results_at_phase_start);
          return FALSE;
        }
      if (g_atomic_int_get (&t->window->activity->stopped_early) <= t->stopped_at_phase_start)
        {
          self_test_fail (t, "the superseded search did not stop early");
          return FALSE;
        }
      printf ("self-test: the search for “%.1s” was superseded and stopped early, its result never shown\n",
              query);
    }
  printf ("self-test: “%s”: %u rows, label “%s” OK\n", query, n, label);
  return TRUE;
}

static gboolean
self_test_check_events (SelfTest *t)
{
  DemoWindow *w = t->window;
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (w->log_view)));
  g_autoptr(GHashTable) row_kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (model);
  guint counted = 0;
  GHashTableIter iter;
  gpointer key, value;

  if (gcs_broadcast_stream_get_lagged (GCS_BROADCAST_STREAM (w->log_stream)) != 0 ||
      gcs_broadcast_stream_get_lagged (GCS_BROADCAST_STREAM (w->counter_stream)) != 0)
    {
      self_test_fail (t, "an event subscriber lagged");
      return FALSE;
    }
  if (n >= LOG_MAX_ROWS)
    {
      self_test_fail (t, "too many events for the check (%u)", n);
      return FALSE;
    }

  /* The kinds as the log widget shows them, one per row. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkStringObject) row = g_list_model_get_item (model, i);
      g_auto(GStrv) fields = g_strsplit_set (gtk_string_object_get_string (row), " ", -1);
      const char *kind = NULL;

      /* "HH:MM:SS.mmm  kind  message": the second non-empty field. */
      for (guint f = 0, seen = 0; fields[f] != NULL; f++)
        if (*fields[f] != '\0' && ++seen == 2)
          {
            kind = fields[f];
            break;
          }
      if (kind == NULL)
        {
          self_test_fail (t, "log row %u has no kind", i);
          return FALSE;
        }
      g_hash_table_insert (row_kinds, g_strdup (kind),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (row_kinds, kind)) + 1));
    }

  /* The counter widget's counts, as it shows them. */
  g_hash_table_iter_init (&iter, w->counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GtkLabel *label = g_hash_table_lookup (w->counter_labels, key);
      g_autofree char *shown = g_strdup_printf ("%u %s", GPOINTER_TO_UINT (value), (char *) key);

      if (label == NULL || strcmp (gtk_label_get_text (label), shown) != 0)
        {
          self_test_fail (t, "the counter for “%s” shows “%s”, expected “%s”", (char *) key,
                          label ? gtk_label_get_text (label) : "nothing", shown);
          return FALSE;
        }
      if (GPOINTER_TO_UINT (g_hash_table_lookup (row_kinds, key)) != GPOINTER_TO_UINT (value))
        {
          self_test_fail (t, "kind “%s”: %u log rows, counter %u", (char *) key,
                          GPOINTER_TO_UINT (g_hash_table_lookup (row_kinds, key)), GPOINTER_TO_UINT (value));
          return FALSE;
        }
      counted += GPOINTER_TO_UINT (value);
    }
  if (counted != n || g_hash_table_size (row_kinds) != g_hash_table_size (w->counts))
    {
      self_test_fail (t, "the log has %u rows of %u kinds, the counters %u events of %u kinds",
                      n, g_hash_table_size (row_kinds), counted, g_hash_table_size (w->counts));
      return FALSE;
    }
  if (!g_hash_table_contains (w->counts, "search") || !g_hash_table_contains (w->counts, "index") ||
      !g_hash_table_contains (w->counts, "query"))
    {
      self_test_fail (t, "search, query or index events are missing");
      return FALSE;
    }
  printf ("self-test: both event widgets saw the same %u events (%u kinds), none lagged\n",
          n, g_hash_table_size (w->counts));
  return TRUE;
}

static void
save_screenshot (SelfTest *t)
{
  GtkWidget *widget = GTK_WIDGET (t->window);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || width <= 0 || height <= 0)
    {
      self_test_fail (t, "nothing to save: the window is %dx%d", width, height);
      return;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, t->screenshot))
    {
      self_test_fail (t, "could not save %s", t->screenshot);
      return;
    }
  printf ("self-test: saved a %dx%d screenshot to %s\n", width, height, t->screenshot);
  self_test_finish (t, 0);
}

/* The first frame painted after the checks: the window shows their state. */
static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  SelfTest *t = data;

  g_clear_signal_handler (&t->paint_id, clock);
  save_screenshot (t);
}

static void
self_test_pass (SelfTest *t)
{
  printf ("self-test: %u queries searched, %u results shown, 0 stale; PASS\n",
          t->window->n_queries, t->window->n_results);
  if (t->screenshot == NULL)
    {
      self_test_finish (t, 0);
      return;
    }
  t->step = STEP_SCREENSHOT;
  g_clear_handle_id (&t->tick_id, g_source_remove);
  t->paint_id = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (t->window)), "after-paint",
                                  G_CALLBACK (after_paint_cb), t);
  gtk_widget_queue_draw (GTK_WIDGET (t->window));
}

static gboolean
self_test_tick_cb (gpointer data)
{
  SelfTest *t = data;
  DemoWindow *w = t->window;

  switch (t->step)
    {
    case STEP_TYPE:
      {
        const char *final = phases[t->phase].final;
        g_autofree char *prefix = NULL;

        if (t->typed == 0)
          {
            t->results_at_phase_start = w->n_results;
            t->stopped_at_phase_start = g_atomic_int_get (&w->activity->stopped_early);
          }
        if (phases[t->phase].slow && t->typed == 0)
          {
            /* Type the first character alone, slowly searched, and wait
             * until its search runs before typing on. */
            w->search_delay_ms = SLOW_SEARCH_MS;
            t->typed = 1;
            prefix = g_strndup (final, 1);
            gtk_editable_set_text (GTK_EDITABLE (w->entry), prefix);
            t->step = STEP_WAIT_SLOW_SEARCH;
            break;
          }
        /* One character per tick, much less than the debounce: the
         * intermediate prefixes are superseded. The empty phase clears. */
        t->typed = MIN (t->typed + 1, strlen (final));
        prefix = g_strndup (final, t->typed);
        gtk_editable_set_text (GTK_EDITABLE (w->entry), prefix);
        if (t->typed == strlen (final))
          {
            t->step = STEP_WAIT_RESULT;
            t->quiet_ticks = 0;
          }
      }
      break;

    case STEP_WAIT_SLOW_SEARCH:
      {
        g_autofree char *first = g_strndup (phases[t->phase].final, 1);

        if (g_strcmp0 (w->requested_query, first) != 0 || g_atomic_int_get (&w->activity->searches) == 0)
          break;
      }
      w->search_delay_ms = 0;
      t->step = STEP_TYPE;
      break;

    case STEP_WAIT_RESULT:
      /* The final query's result arrived, no search is running, and
       * nothing new came for a few polls: any stale result would have
       * shown up by now. */
      if (g_strcmp0 (w->last_result_query, phases[t->phase].final) != 0 ||
          g_atomic_int_get (&w->activity->searches) != 0 ||
          w->n_results != t->results_at_phase_end)
        {
          t->results_at_phase_end = w->n_results;
          t->quiet_ticks = 0;
          break;
        }
      if (++t->quiet_ticks < QUIESCENT_TICKS)
        break;
      if (!self_test_check_phase (t))
        return G_SOURCE_REMOVE;
      if (++t->phase < G_N_ELEMENTS (phases))
        {
          t->step = STEP_TYPE;
          t->typed = 0;
        }
      else
        t->step = STEP_WAIT_ANALYSIS;
      break;

    case STEP_WAIT_ANALYSIS:
      {
        g_autofree char *count = format_count (g_strv_length (t->words));
        g_autofree char *words = g_strconcat (count, " words · ", NULL);

        if (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (w->progress)) < 1.0 ||
            g_atomic_int_get (&w->activity->analyses) != 0 ||
            g_atomic_int_get (&w->activity->searches) != 0)
          break;
        /* The watch channel's last value reached the label too. */
        if (!g_str_has_prefix (gtk_label_get_text (GTK_LABEL (w->stage_label)), words))
          break;
      }
      printf ("self-test: progress reached %.1f, stage “%s”\n",
              gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (w->progress)),
              gtk_label_get_text (GTK_LABEL (w->stage_label)));
      /* Every worker is done, so the marker is the last event: once both
       * widgets saw it, each saw everything. */
      w->marker = g_strdup_printf ("self-test marker %" G_GINT64_FORMAT, g_get_monotonic_time ());
      post_event (w->events, "test", "%s", w->marker);
      t->step = STEP_WAIT_MARKER;
      break;

    case STEP_WAIT_MARKER:
      if (!w->log_saw_marker || !w->counter_saw_marker)
        break;
      if (!self_test_check_events (t))
        return G_SOURCE_REMOVE;
      t->tick_id = 0;
      self_test_pass (t);
      return G_SOURCE_REMOVE;

    case STEP_SCREENSHOT:
    case STEP_DONE:
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* The application */

typedef struct
{
  const char *words_path;
  const char *screenshot;
  gboolean    self_test;
  int         search_delay_ms;
  WordList   *words;
  SelfTest    test;
  int         exit_status;
} DemoApp;

static void
activate_cb (GtkApplication *app,
             gpointer        data)
{
  DemoApp *demo = data;
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  DemoWindow *window;

  if (gtk_application_get_active_window (app) != NULL)
    {
      gtk_window_present (gtk_application_get_active_window (app));
      return;
    }

  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  window = demo_window_new (app, demo->words);
  window->search_delay_ms = demo->search_delay_ms;
  gtk_window_present (GTK_WINDOW (window));

  if (demo->self_test)
    {
      SelfTest *t = &demo->test;
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;

      t->app = app;
      t->window = window;
      t->screenshot = demo->screenshot;
      t->exit_status = &demo->exit_status;
      /* The guard first, so that nothing below can hang the test. */
      t->guard_id = g_timeout_add_seconds (GUARD_S, self_test_guard_cb, t);
      if (!g_file_get_contents (demo->words_path, &contents, NULL, &error))
        {
          self_test_fail (t, "%s", error->message);
          return;
        }
      g_strchomp (contents);
      t->words = g_strsplit (contents, "\n", -1);
      t->tick_id = g_timeout_add (TICK_MS, self_test_tick_cb, t);
    }
}

int
main (int   argc,
      char *argv[])
{
  DemoApp demo = { .words_path = DEMO_WORDS_FILE };
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *words_path = NULL;
  g_autofree char *screenshot = NULL;
  const GOptionEntry entries[] = {
    { "words", 0, 0, G_OPTION_ARG_FILENAME, &words_path, "The word list, one word a line", "FILE" },
    { "self-test", 0, 0, G_OPTION_ARG_NONE, &demo.self_test,
      "Type queries, check the widgets, exit 0 if all is well", NULL },
    { "search-delay", 0, 0, G_OPTION_ARG_INT, &demo.search_delay_ms,
      "Slow every search down by MS milliseconds, to watch superseded searches stop early", "MS" },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &screenshot,
      "With --self-test: save a PNG of the window at the end", "FILE" },
    { NULL }
  };
  int status;

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— search a word list as you type");
  g_option_context_set_summary (context,
                                "A GTK 4 demo of gchanstream: a debounced, switch_map'ed search on worker "
                                "threads,\na progress bar fed by a watch channel, and an event log fed by "
                                "a broadcast channel.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return 2;
    }
  if (argc > 1)
    {
      fprintf (stderr, "%s: unexpected argument “%s”\n", g_get_prgname (), argv[1]);
      return 2;
    }
  if (screenshot != NULL && !demo.self_test)
    {
      fprintf (stderr, "%s: --screenshot needs --self-test\n", g_get_prgname ());
      return 2;
    }
  if (demo.search_delay_ms < 0)
    {
      fprintf (stderr, "%s: --search-delay must not be negative\n", g_get_prgname ());
      return 2;
    }
  if (words_path != NULL)
    demo.words_path = words_path;
  demo.screenshot = screenshot;

  /* No display: a test skips (77) instead of failing on GTK's warning. */
  if (!gtk_init_check ())
    {
      fprintf (stderr, "%s: cannot open a display%s\n", g_get_prgname (),
               demo.self_test ? "; skipping the self-test" : "");
      return demo.self_test ? 77 : 1;
    }

  demo.words = word_list_load (demo.words_path, &error);
  if (demo.words == NULL)
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return 1;
    }

  app = gtk_application_new ("org.gchanstream.GtkDemo.C", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), &demo);
  status = g_application_run (G_APPLICATION (app), 1, argv);

  g_strfreev (demo.test.words);
  word_list_unref (demo.words);
  return status != 0 ? status : demo.exit_status;
}
