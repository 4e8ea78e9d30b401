/* stress-util.c: what the randomized stress programs share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "stress-util.h"

#include <string.h>

/* Hand-offs through g_main_context_invoke() are invisible to TSan with
 * Debian's GLib (tests/README.md, notes/race-detection.md): the test's
 * thread releases the hand-off's address, the adopting callback acquires
 * it. */
#if defined(__SANITIZE_THREAD__)
# define STRESS_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define STRESS_TSAN 1
# endif
#endif
#ifdef STRESS_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
# define HANDOFF_RELEASE(p) __tsan_release (p)
# define HANDOFF_ACQUIRE(p) __tsan_acquire (p)
#else
# define HANDOFF_RELEASE(p) ((void) 0)
# define HANDOFF_ACQUIRE(p) ((void) 0)
#endif

guint
stress_env_uint (const char *name,
                 guint       fallback)
{
  const char *value = g_getenv (name);

  return value ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

guint32
stress_seed (guint32 fallback)
{
  const char *value = g_getenv ("GCS_TEST_SEED");

  return value ? (guint32) g_ascii_strtoull (value, NULL, 10) : fallback;
}

StressRun
stress_run (guint           default_rounds,
            StressRoundFunc round)
{
  StressRun run = { 0 };
  guint rounds = stress_env_uint ("GCS_STRESS_ROUNDS", default_rounds);
  guint seconds = stress_env_uint ("GCS_STRESS_SECONDS", 0);
  g_autoptr(GRand) rand = NULL;

  run.seed = stress_seed (STRESS_DEFAULT_SEED);
  rand = g_rand_new_with_seed (run.seed);
  run.start = g_get_monotonic_time ();
  g_test_message ("seed %u, %u rounds or %u s (GCS_TEST_SEED, GCS_STRESS_ROUNDS, GCS_STRESS_SECONDS)",
                  run.seed, rounds, seconds);
  while (seconds ? g_get_monotonic_time () - run.start < seconds * G_USEC_PER_SEC
                 : run.n_rounds < rounds)
    {
      round (rand);
      run.n_rounds++;
    }
  return run;
}

void
stress_print_summary (const StressRun *run,
                      const char      *name,
                      guint64          n_ops,
                      const char      *details_format,
                      ...)
{
  va_list args;
  g_autofree char *details = NULL;

  va_start (args, details_format);
  details = g_strdup_vprintf (details_format, args);
  va_end (args);
  g_print ("# %s: seed %u, %" G_GUINT64_FORMAT " rounds, %" G_GUINT64_FORMAT " operations tried, "
           "%s, %.1f s\n", name, run->seed, run->n_rounds, n_ops, details,
           (g_get_monotonic_time () - run->start) / 1e6);
}

/* === the consumer thread === */

typedef struct
{
  GMainContext       *context;
  guint               tick_ms;
  StressDoneFunc      done;
  StressDescribeFunc  describe;
  gpointer            data;
} ContextThread;

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;   /* wakes the loop to check the deadline */
}

static gpointer
context_thread (gpointer data)
{
  ContextThread *t = data;
  gint64 deadline = g_get_monotonic_time () + STRESS_DEADLINE_USEC;
  GSource *tick = g_timeout_source_new (t->tick_ms);

  g_main_context_push_thread_default (t->context);
  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, t->context);
  while (!t->done (t->data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *why = t->describe (t->data);

          g_error ("%s", why);
        }
      g_main_context_iteration (t->context, TRUE);
    }
  g_source_destroy (tick);
  g_source_unref (tick);
  while (g_main_context_iteration (t->context, FALSE))
    ;
  g_main_context_pop_thread_default (t->context);
  g_free (t);
  return NULL;
}

GThread *
stress_context_thread_new (GMainContext       *context,
                           guint               tick_ms,
                           StressDoneFunc      done,
                           StressDescribeFunc  describe,
                           gpointer            data)
{
  ContextThread *t = g_new (ContextThread, 1);

  *t = (ContextThread) { context, tick_ms, done, describe, data };
  return g_thread_new ("consumer", context_thread, t);
}

void
stress_timeout_attach (GMainContext   *context,
                       guint           ms,
                       GSourceFunc     func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, notify);
  g_source_attach (source, context);
  g_source_unref (source);
}

/* === receivers handed to the consumer thread === */

typedef struct
{
  StressHandovers *handovers;
  StressAdoptFunc  adopt;
  gpointer         data;
} Handover;

static gboolean
handover_cb (gpointer data)
{
  Handover *h = data;

  HANDOFF_ACQUIRE (h);   /* before anything the test's thread wrote is read */
  h->adopt (h->data);
  h->handovers->n_adopted++;
  g_free (h);
  return G_SOURCE_REMOVE;
}

void
stress_hand_over (StressHandovers *handovers,
                  GMainContext    *context,
                  StressAdoptFunc  adopt,
                  gpointer         data)
{
  Handover *h = g_new (Handover, 1);

  *h = (Handover) { handovers, adopt, data };
  g_atomic_int_inc (&handovers->n_handed);
  HANDOFF_RELEASE (h);
  g_main_context_invoke (context, handover_cb, h);
}

void
stress_handovers_close (StressHandovers *handovers)
{
  g_atomic_int_set (&handovers->all_handed, 1);
}

gboolean
stress_handovers_done (StressHandovers *handovers)
{
  return g_atomic_int_get (&handovers->all_handed) &&
         handovers->n_adopted == (guint) g_atomic_int_get (&handovers->n_handed);
}

/* === receivers churned on the consumer's context === */

void
stress_rx_release (StressRx *r)
{
  if (r->poll_source != NULL)
    {
      g_source_destroy (r->poll_source);
      g_clear_pointer (&r->poll_source, g_source_unref);
    }
  g_clear_object (&r->rx);
  g_clear_object (&r->stream);
}

void
stress_rx_drop (StressRx *r)
{
  r->dropped = TRUE;
  if (r->cancellable != NULL)
    g_cancellable_cancel (r->cancellable);
  stress_rx_release (r);
}

gboolean
stress_rx_settled (const StressRx *r)
{
  return !r->pending && (r->ended || r->dropped);
}

gboolean
stress_rx_receive_done (StressRx     *r,
                        const GError *error)
{
  r->pending = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Only a drop cancels. */
      g_assert_true (r->dropped);
      return FALSE;
    }
  /* Dropped, but it completed before the cancellation took. */
  return !r->dropped;
}

gboolean
stress_rx_for_each_done (StressRx     *r,
                         GObject      *stream,
                         GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = gcs_stream_for_each_finish (GCS_STREAM (stream), result, &error);

  r->pending = FALSE;
  if (r->dropped)
    {
      if (!ok)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      return FALSE;
    }
  g_assert_no_error (error);
  g_assert_true (ok);
  return TRUE;
}

void
stress_rx_check_released (StressRx *r)
{
  g_assert_true (r->ended || r->dropped);
  g_assert_false (r->pending);
  g_assert_null (r->rx);
  g_assert_null (r->stream);
  g_clear_object (&r->cancellable);
}

/* === numbering values in a channel's order === */

gint64
stress_order_lock (StressOrder *order)
{
  g_rec_mutex_lock (&order->lock);
  return order->counter;
}

void
stress_order_unlock (StressOrder *order,
                     gboolean     taken)
{
  if (taken)
    order->counter++;
  g_rec_mutex_unlock (&order->lock);
}

/* === objects finalized === */

static gint n_finalized, n_watched;   /* atomic: objects go on any thread */

static void
finalized_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  g_atomic_int_inc (&n_finalized);
}

void
stress_watch_object (gpointer object)
{
  g_object_weak_ref (object, finalized_cb, NULL);
  g_atomic_int_inc (&n_watched);
}

StressMark
stress_mark (void)
{
  return (StressMark) { g_atomic_int_get (&n_finalized), g_atomic_int_get (&n_watched) };
}

gint
stress_finalized_since (const StressMark *mark)
{
  return g_atomic_int_get (&n_finalized) - mark->finalized;
}

gint
stress_watched_since (const StressMark *mark)
{
  return g_atomic_int_get (&n_watched) - mark->watched;
}

/* === broadcast === */

guint64
stress_missed_from_error (const GError *error)
{
  const char *p = strstr (error->message, "missed ");

  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen ("missed "), NULL, 10);
}
