/* test-cancel-stress.c: terminal operations cancelled from another thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each round starts a few hundred pipelines (values -> map -> for_each,
 * collect or count, some fed by a channel) on a consumer thread's
 * GMainContext, each with its own GCancellable, while another thread
 * cancels them at random moments: before they start, while they run, as
 * they end. Checked: every operation completes exactly once, either with
 * its whole result or with G_IO_ERROR_CANCELLED (never anything else, never
 * twice, never not at all), and every stream is finalized by the end of
 * the round. Under ASan this is what shows a leaked cancel source.
 *
 * GCS_TEST_SEED picks another seed; GCS_STRESS_ROUNDS or
 * GCS_STRESS_SECONDS make a long run (the default is a short one).
 */

#include "stress-util.h"

#define N_VALUES 16

typedef enum { OP_FOR_EACH, OP_COLLECT, OP_COUNT, N_OPS } Op;

typedef struct
{
  Op            op;
  gboolean      from_channel;
  guint         delay_ms;
  GCancellable *cancellable;
  guint         visited;
  gint          completions;
  gboolean      cancelled;
} Pipeline;

typedef struct
{
  Pipeline     *pipelines;
  guint         n;
  guint         n_done;
  GMainContext *context;
  gint          started;   /* atomic: pipelines started so far */
} Round;

static guint64 total_ops, total_items, total_cancelled;

static void
add_one (const GValue *item, GValue *result, gpointer data, GError **error)
{
  g_value_init (result, G_TYPE_INT64);
  g_value_set_int64 (result, g_value_get_int64 (item) + 1);
}

static void
visit_cb (const GValue *item, gpointer data, GError **error)
{
  ((Pipeline *) data)->visited++;
}

typedef struct { Round *r; Pipeline *p; } Call;

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;
  Pipeline *p = call->p;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  switch (p->op)
    {
    case OP_FOR_EACH:
      ok = gcs_stream_for_each_finish (GCS_STREAM (source), result, &error);
      if (ok)
        g_assert_cmpuint (p->visited, ==, N_VALUES);
      break;
    case OP_COLLECT:
      {
        const GValue *items = gcs_stream_collect_finish (GCS_STREAM (source), result, &error);

        ok = items != NULL;
      }
      break;
    case OP_COUNT:
    default:
      {
        guint64 count = gcs_stream_count_finish (GCS_STREAM (source), result, &error);

        ok = error == NULL;
        if (ok)
          g_assert_cmpuint (count, ==, N_VALUES);
      }
      break;
    }
  if (!ok)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      p->cancelled = TRUE;
    }
  p->completions++;
  g_assert_cmpint (p->completions, ==, 1);
  call->r->n_done++;
  g_free (call);
}

static gboolean
start_cb (gpointer data)
{
  Call *call = data;
  Pipeline *p = call->p;
  GcsStream *source, *mapped;

  if (p->from_channel)
    {
      g_autoptr(GcsSender) tx = NULL;
      g_autoptr(GcsReceiver) rx = NULL;
      g_auto(GValue) value = G_VALUE_INIT;

      gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
      g_value_init (&value, G_TYPE_INT64);
      for (gint64 i = 0; i < N_VALUES; i++)
        {
          g_value_set_int64 (&value, i);
          g_assert_true (gcs_sender_try_send (tx, &value, NULL));
        }
      source = gcs_receiver_stream_new (rx);
    }
  else
    {
      GValue values[N_VALUES] = { G_VALUE_INIT };

      for (gint64 i = 0; i < N_VALUES; i++)
        {
          g_value_init (&values[i], G_TYPE_INT64);
          g_value_set_int64 (&values[i], i);
        }
      source = gcs_stream_from_values (values, N_VALUES);
      for (guint i = 0; i < N_VALUES; i++)
        g_value_unset (&values[i]);
    }
  mapped = gcs_stream_map (source, add_one, NULL, NULL);
  stress_watch_object (source);
  stress_watch_object (mapped);
  g_object_unref (source);
  switch (p->op)
    {
    case OP_FOR_EACH:
      gcs_stream_for_each_async (mapped, visit_cb, p, NULL, p->cancellable, done_cb, call);
      break;
    case OP_COLLECT:
      gcs_stream_collect_async (mapped, p->cancellable, done_cb, call);
      break;
    case OP_COUNT:
    default:
      gcs_stream_count_async (mapped, p->cancellable, done_cb, call);
      break;
    }
  g_object_unref (mapped);
  g_atomic_int_inc (&call->r->started);
  return G_SOURCE_REMOVE;
}

static gboolean
round_done (gpointer data)
{
  Round *r = data;

  return r->n_done == r->n;
}

static char *
round_describe (gpointer data)
{
  Round *r = data;

  return g_strdup_printf ("cancel stress hangs: %u of %u done", r->n_done, r->n);
}

/* Each pipeline starts after its own delay, on the consumer's thread. */
static GThread *
consumer_start (Round *r)
{
  for (guint i = 0; i < r->n; i++)
    {
      Call *call = g_new (Call, 1);

      *call = (Call) { r, &r->pipelines[i] };
      stress_timeout_attach (r->context, r->pipelines[i].delay_ms, start_cb, call, NULL);
    }
  return stress_context_thread_new (r->context, 50, round_done, round_describe, r);
}

static void
run_round (GRand *rand)
{
  Round r = { 0 };
  GThread *consumer;
  StressMark mark = stress_mark ();

  r.n = g_rand_int_range (rand, 50, 300);
  r.pipelines = g_new0 (Pipeline, r.n);
  r.context = g_main_context_new ();
  for (guint i = 0; i < r.n; i++)
    {
      r.pipelines[i].op = g_rand_int_range (rand, 0, N_OPS);
      r.pipelines[i].from_channel = g_rand_boolean (rand);
      r.pipelines[i].delay_ms = g_rand_int_range (rand, 0, 6);
      r.pipelines[i].cancellable = g_cancellable_new ();
    }

  consumer = consumer_start (&r);
  /* Cancel about half of them, at random moments, from this thread. */
  for (guint i = 0; i < r.n; i++)
    {
      if (g_rand_boolean (rand))
        continue;
      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0: g_usleep (g_rand_int_range (rand, 1, 100)); break;
        case 1: g_thread_yield (); break;
        default: break;
        }
      g_cancellable_cancel (r.pipelines[i].cancellable);
      total_ops++;
    }
  g_thread_join (consumer);

  for (guint i = 0; i < r.n; i++)
    {
      Pipeline *p = &r.pipelines[i];

      g_assert_cmpint (p->completions, ==, 1);
      if (p->cancelled)
        total_cancelled++;
      else
        total_items += N_VALUES;
      g_object_unref (p->cancellable);
    }
  total_ops += 2 * r.n;
  /* Every stream of the round is gone. */
  g_assert_cmpint (stress_finalized_since (&mark), ==, 2 * (gint) r.n);
  g_main_context_unref (r.context);
  g_free (r.pipelines);
}

static void
test_stress_cancel (void)
{
  StressRun run = stress_run (20, run_round);

  stress_print_summary (&run, "cancel", total_ops,
                        "%" G_GUINT64_FORMAT " items moved, %" G_GUINT64_FORMAT " operations ended CANCELLED",
                        total_items, total_cancelled);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stress/cancel-terminal", test_stress_cancel);

  return g_test_run ();
}
