/* gcs-gtk-demo-analysis.c: the analysis pane, a progress bar on a watch
 * channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A worker analyses the word list in steps and sends (fraction, stage)
 * into a watch channel; two WatchStreams on it feed the bar's "fraction"
 * and a label's "label" with gcs_stream_bind_to_property().
 */

#include <string.h>

#include "gcs-gtk-demo.h"

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

/* The pane's widgets, appended to the window's right box. */
void
demo_window_add_analysis (DemoWindow *self,
                          GtkBox     *box)
{
  gtk_box_append (box, heading_new ("Word list analysis"));
  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_box_append (box, self->progress);
  self->stage_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->stage_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (self->stage_label), TRUE);
  gtk_widget_add_css_class (self->stage_label, "dim-label");
  gtk_box_append (box, self->stage_label);
}

void
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
