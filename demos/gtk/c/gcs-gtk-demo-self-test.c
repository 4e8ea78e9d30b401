/* gcs-gtk-demo-self-test.c: --self-test, a script typed into the window
 * and the checks of what it shows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Drives the window from timeouts on its main loop and checks widget
 * state. Never waits for a fixed time to have passed: it polls conditions,
 * with one overall guard.
 */

#include <stdio.h>
#include <string.h>

#include "gcs-gtk-demo.h"

#define TICK_MS          25   /* between keystrokes, and between polls */
#define GUARD_S          90
#define QUIESCENT_TICKS  4    /* polls with nothing new before checking */

typedef struct
{
  const char *final;  /* typed one character at a time */
  gboolean    slow;   /* the first character's search is slowed down and superseded */
} Phase;

/* "Zo" with a capital letter (case-insensitive); clearing; "qz", which
 * nothing matches; "ba" where the search for "b" is made slow and still
 * running when "ba" replaces it, so that it must be cancelled and its
 * result never shown; "S" for the 200-row cap; "appl" last so the
 * screenshot has rows. */
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
  STEP_WAIT_FLOOD,
  STEP_SCREENSHOT,
} Step;

/* The flood: rows poured into the log at once, through a bounded channel
 * and bind_to_list_store, while the frame clock must keep ticking. The
 * bound is generous on purpose (no timing is asserted): a dispatch that
 * took the whole flood at once would leave the clock one or two ticks. */
#define FLOOD_ROWS      100000
#define FLOOD_MIN_TICKS 5

static const char *const step_names[] = {
  "typing", "waiting for the slowed search to start", "waiting for the search result",
  "waiting for the analysis to finish", "waiting for both event widgets to see the marker",
  "waiting for the flood of log rows", "taking the screenshot",
};

struct _SelfTest
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
  guint64         flood_rows_before;
  gint64          flood_start_usec;
  guint           frame_ticks;      /* frame clock ticks during the flood */
  guint           frame_tick_id;
};

static void
self_test_finish (SelfTest *t,
                  int       status)
{
  *t->exit_status = status;
  if (t->frame_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (t->window), t->frame_tick_id);
  t->frame_tick_id = 0;
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
    if (g_ascii_strncasecmp (*w, query, len) == 0)
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
  if (g_strcmp0 (t->window->shown_query, query) != 0)
    {
      self_test_fail (t, "the last result is for “%s”", t->window->shown_query);
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

/* The first frame painted after the checks: the window shows their state. */
static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  SelfTest *t = data;
  GtkWidget *window = GTK_WIDGET (t->window);
  g_autoptr(GError) error = NULL;

  g_clear_signal_handler (&t->paint_id, clock);
  if (!save_screenshot (GTK_WINDOW (window), t->screenshot, &error))
    {
      self_test_fail (t, "%s", error->message);
      return;
    }
  printf ("self-test: saved a %dx%d screenshot to %s\n",
          gtk_widget_get_width (window), gtk_widget_get_height (window), t->screenshot);
  self_test_finish (t, 0);
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
  t->paint_id = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (t->window)), "after-paint",
                                  G_CALLBACK (after_paint_cb), t);
  gtk_widget_queue_draw (GTK_WIDGET (t->window));
}

/* Counts the frames the window's clock ticks while rows pour in. */
static gboolean
frame_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       data)
{
  SelfTest *t = data;

  t->frame_ticks++;
  return G_SOURCE_CONTINUE;
}

static void
self_test_start_flood (SelfTest *t)
{
  t->flood_rows_before = t->window->log_rows_added;
  t->flood_start_usec = g_get_monotonic_time ();
  t->frame_ticks = 0;
  t->frame_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (t->window), frame_tick_cb, t, NULL);
  demo_window_flood_log (t->window, FLOOD_ROWS);
  t->step = STEP_WAIT_FLOOD;
}

/* Whether the flood has arrived whole; fails the test if it arrived with
 * the frame clock stalled. */
static gboolean
self_test_check_flood (SelfTest *t,
                       gboolean *failed)
{
  DemoWindow *w = t->window;
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (w->log_view)));
  guint n = g_list_model_get_n_items (model);
  g_autoptr(GtkStringObject) last = NULL;
  g_autofree char *expected_end = g_strdup_printf ("row %u of %u", FLOOD_ROWS, FLOOD_ROWS);
  double seconds;

  *failed = FALSE;
  if (w->log_rows_added - t->flood_rows_before < FLOOD_ROWS || n == 0)
    return FALSE;
  last = g_list_model_get_item (model, n - 1);
  if (!g_str_has_suffix (gtk_string_object_get_string (last), expected_end))
    return FALSE;
  seconds = (g_get_monotonic_time () - t->flood_start_usec) / (double) G_USEC_PER_SEC;
  gtk_widget_remove_tick_callback (GTK_WIDGET (w), t->frame_tick_id);
  t->frame_tick_id = 0;
  if (n != LOG_MAX_ROWS)
    {
      self_test_fail (t, "the log keeps %u rows, expected %u", n, LOG_MAX_ROWS);
      *failed = TRUE;
      return FALSE;
    }
  if (t->frame_ticks < FLOOD_MIN_TICKS)
    {
      self_test_fail (t, "the frame clock ticked %u times while %u rows poured in (%.2f s)",
                      t->frame_ticks, FLOOD_ROWS, seconds);
      *failed = TRUE;
      return FALSE;
    }
  printf ("self-test: %u log rows poured in through bind_to_list_store in %.2f s; "
          "the frame clock ticked %u times meanwhile; the log keeps %u rows\n",
          FLOOD_ROWS, seconds, t->frame_ticks, n);
  return TRUE;
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
      if (g_strcmp0 (w->shown_query, phases[t->phase].final) != 0 ||
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
      self_test_start_flood (t);
      break;

    case STEP_WAIT_FLOOD:
      {
        gboolean failed;

        if (!self_test_check_flood (t, &failed))
          {
            if (failed)
              return G_SOURCE_REMOVE;
            break;
          }
      }
      t->tick_id = 0;
      self_test_pass (t);
      return G_SOURCE_REMOVE;

    case STEP_SCREENSHOT:
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

SelfTest *
self_test_start (GtkApplication *app,
                 DemoWindow     *window,
                 const char     *words_path,
                 const char     *screenshot,
                 int            *exit_status)
{
  SelfTest *t = g_new0 (SelfTest, 1);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  t->app = app;
  t->window = window;
  t->screenshot = screenshot;
  t->exit_status = exit_status;
  /* The guard first, so that nothing below can hang the test. */
  t->guard_id = g_timeout_add_seconds (GUARD_S, self_test_guard_cb, t);
  if (!g_file_get_contents (words_path, &contents, NULL, &error))
    {
      self_test_fail (t, "%s", error->message);
      return t;
    }
  g_strchomp (contents);
  t->words = g_strsplit (contents, "\n", -1);
  t->tick_id = g_timeout_add (TICK_MS, self_test_tick_cb, t);
  return t;
}

/* After the application's main loop returned: nothing refers to it then. */
void
self_test_free (SelfTest *t)
{
  g_strfreev (t->words);
  g_free (t);
}
