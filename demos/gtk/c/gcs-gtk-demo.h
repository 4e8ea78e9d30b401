/* gcs-gtk-demo.h: what the files of the GTK 4 demo share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <gchanstream/gchanstream.h>

G_BEGIN_DECLS

#define MAX_SHOWN    200   /* rows in the result list; the label has the full count */
#define LOG_MAX_ROWS 100000 /* the live log keeps this many rows (bind_to_list_store trims) */

/* ---- gcs-gtk-demo-words.c ---- */

/* The word list: read once on the main thread, then shared read-only by
 * every worker thread (atomically reference counted). */
typedef struct
{
  char  *contents;  /* the file; the words point into it */
  char **words;     /* NULL-terminated, file order, ASCII-lowercased */
  guint  n_words;
} WordList;

WordList *word_list_load  (const char  *path,
                           GError     **error);
WordList *word_list_ref   (WordList    *self);
void      word_list_unref (WordList    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WordList, word_list_unref)

char *format_count  (guint       n);
char *format_status (const char *query,
                     guint       total,
                     guint       n_words);

/* ---- gcs-gtk-demo-window.c ---- */

/* What runs on worker threads, for the self-test to wait on. Shared with
 * the jobs, so that a job finishing after its window is gone still has
 * it. */
typedef struct
{
  int searches;        /* atomic: running */
  int analyses;        /* atomic: running */
  int stopped_early;   /* atomic: searches that saw their cancellation mid-scan */
} Activity;

Activity *activity_ref   (Activity *self);
void      activity_unref (Activity *self);

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
  GListStore           *results;            /* of GtkStringObject, fed by bind_to_list_store (REPLACE) */
  char                 *shown_query;        /* of the latest result, whose rows are shown */
  char                 *requested_query;    /* the latest switch_map handed to a search */
  guint                 n_queries;          /* searches switch_map asked for */
  guint                 n_results;          /* results delivered to the list */
  guint                 n_stale;            /* results delivered for a superseded query: must stay 0 */
  guint                 search_delay_ms;    /* --search-delay: slows each scan down */

  /* Analysis */
  GtkWidget            *progress;
  GtkWidget            *stage_label;

  /* Event log: two subscribers, two widgets */
  GtkWidget            *log_view;
  GListStore           *log;                /* of GtkStringObject, fed by bind_to_list_store (APPEND) */
  GcsSender            *flood_tx;           /* bulk rows merged into the log (the flood) */
  guint64               log_rows_added;     /* rows the log store received */
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

DemoWindow *demo_window_new  (GtkApplication *app,
                              WordList       *words);

GtkWidget  *heading_new      (const char     *text);
GtkWidget  *list_pane_new    (GListModel     *model,
                              GCallback       bind,
                              gpointer        data,
                              GtkWidget     **view_out);
void        pipeline_done_cb (GObject        *source,
                              GAsyncResult   *result,
                              gpointer        user_data);

/* ---- gcs-gtk-demo-search.c ---- */

void demo_window_add_search   (DemoWindow *self,
                               GtkBox     *box);
void demo_window_start_search (DemoWindow *self);

/* ---- gcs-gtk-demo-analysis.c ---- */

void demo_window_add_analysis   (DemoWindow *self,
                                 GtkBox     *box);
void demo_window_start_analysis (DemoWindow *self);

/* ---- gcs-gtk-demo-events.c ---- */

void demo_window_add_events   (DemoWindow *self,
                               GtkBox     *box);
void demo_window_start_events (DemoWindow *self);

void demo_window_flood_log (DemoWindow *self,
                            guint       n_rows);

void post_event (GcsBroadcastSender *events,
                 const char         *kind,
                 const char         *format,
                 ...) G_GNUC_PRINTF (3, 4);

/* ---- gcs-gtk-demo-self-test.c ---- */

typedef struct _SelfTest SelfTest;

SelfTest *self_test_start (GtkApplication *app,
                           DemoWindow     *window,
                           const char     *words_path,
                           const char     *screenshot,
                           int            *exit_status);
void      self_test_free  (SelfTest       *t);

/* ---- gcs-gtk-demo-screenshot.c ---- */

gboolean save_screenshot (GtkWindow   *window,
                          const char  *path,
                          GError     **error);

G_END_DECLS
