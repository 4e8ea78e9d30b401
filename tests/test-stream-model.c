/* test-stream-model.c: random pipelines against a reference model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Builds random pipelines of 1-6 stages over random gint64 inputs (from
 * values, or from a channel fed by a producer thread), runs them with
 * gcs_stream_collect_async() and compares the result with a plain C model
 * computed on arrays.
 *
 * The model: a stream is a list of items followed by an end, normal or an
 * error. Each stage maps (items, end) to (items, end); laziness matters
 * only where a stage stops pulling (take, take_while): what comes after
 * in its input, an error included, is never reached. A stage whose
 * callback fails at its k-th call ends its output after k-1 items with
 * that error, if its input has k items.
 *
 * The seed is 1234, and also $GCS_TEST_SEED when set.
 */

#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#define N_PIPELINES 300

#define MODEL_ERROR (model_error_quark ())
GQuark model_error_quark (void);
G_DEFINE_QUARK (model-error-quark, model_error)

/* Arithmetic that wraps instead of overflowing, in the model and the
 * callbacks alike */
static inline gint64
wrap_add (gint64 a, gint64 b)
{
  return (gint64) ((guint64) a + (guint64) b);
}

static inline gint64
wrap_mul (gint64 a, gint64 b)
{
  return (gint64) ((guint64) a * (guint64) b);
}

/* Stages */

typedef enum
{
  STAGE_MAP,          /* x * a + b */
  STAGE_FILTER,       /* x % a == b */
  STAGE_TAKE,         /* n */
  STAGE_SKIP,         /* n */
  STAGE_TAKE_WHILE,   /* x < a */
  STAGE_SKIP_WHILE,   /* x < a */
  STAGE_SCAN,         /* running sum from a */
  STAGE_DISTINCT,
  STAGE_CHUNKS,       /* n, then each chunk mapped to its sum */
  STAGE_CHAIN,        /* then other */
  STAGE_BUFFERED,     /* n */
  STAGE_FLAT_MAP,     /* x -> [x, x + 1], the first n of them */
  N_STAGE_KINDS,
  STAGE_FAIL,         /* identity whose callback fails at its n-th call */
} StageKind;

typedef enum
{
  FAIL_MAP,
  FAIL_FILTER,
  FAIL_FILTER_MAP,
  FAIL_INSPECT,
  FAIL_TAKE_WHILE,
  FAIL_FLAT_MAP,
  N_FAIL_KINDS,
} FailKind;

typedef struct _Pipeline Pipeline;

typedef struct
{
  StageKind  kind;
  FailKind   fail_kind;
  gint64     a, b;
  guint      n;
  GArray    *other;      /* gint64, for chain */
  guint      calls;
  Pipeline  *pipeline;
} Stage;

struct _Pipeline
{
  guint      index;
  GArray    *input;      /* gint64 */
  gboolean   through_channel;
  guint      capacity;
  GPtrArray *stages;     /* Stage */
  guint      callbacks;  /* user_data given with a destroy notify */
  guint      destroyed;
  guint      fail_stage; /* the index of the failing stage + 1, or 0 */
};

static void
stage_free (gpointer data)
{
  Stage *st = data;

  g_clear_pointer (&st->other, g_array_unref);
  g_free (st);
}

static void
pipeline_free (Pipeline *pl)
{
  g_array_unref (pl->input);
  g_ptr_array_unref (pl->stages);
  g_free (pl);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pipeline, pipeline_free)

static void
describe_list (GString      *s,
               const GArray *v)
{
  g_string_append_c (s, '[');
  for (guint i = 0; i < v->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", g_array_index (v, gint64, i));
  g_string_append_c (s, ']');
}

static char *
describe (const Pipeline *pl)
{
  static const char *fail_names[] = { "map", "filter", "filter_map", "inspect", "take_while", "flat_map" };
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s ", pl->through_channel ? "channel" : "values");
  if (pl->through_channel)
    g_string_append_printf (s, "(capacity %u) ", pl->capacity);
  describe_list (s, pl->input);
  for (guint i = 0; i < pl->stages->len; i++)
    {
      const Stage *st = pl->stages->pdata[i];

      g_string_append (s, " | ");
      switch (st->kind)
        {
        case STAGE_MAP:
          g_string_append_printf (s, "map (x * %" G_GINT64_FORMAT " + %" G_GINT64_FORMAT ")", st->a, st->b);
          break;
        case STAGE_FILTER:
          g_string_append_printf (s, "filter (x %% %" G_GINT64_FORMAT " == %" G_GINT64_FORMAT ")", st->a, st->b);
          break;
        case STAGE_TAKE:
          g_string_append_printf (s, "take (%u)", st->n);
          break;
        case STAGE_SKIP:
          g_string_append_printf (s, "skip (%u)", st->n);
          break;
        case STAGE_TAKE_WHILE:
          g_string_append_printf (s, "take_while (x < %" G_GINT64_FORMAT ")", st->a);
          break;
        case STAGE_SKIP_WHILE:
          g_string_append_printf (s, "skip_while (x < %" G_GINT64_FORMAT ")", st->a);
          break;
        case STAGE_SCAN:
          g_string_append_printf (s, "scan (%" G_GINT64_FORMAT ", sum)", st->a);
          break;
        case STAGE_DISTINCT:
          g_string_append (s, "distinct_until_changed");
          break;
        case STAGE_CHUNKS:
          g_string_append_printf (s, "chunks (%u) | map (sum)", st->n);
          break;
        case STAGE_CHAIN:
          g_string_append (s, "chain (");
          describe_list (s, st->other);
          g_string_append_c (s, ')');
          break;
        case STAGE_BUFFERED:
          g_string_append_printf (s, "buffered (%u)", st->n);
          break;
        case STAGE_FLAT_MAP:
          g_string_append_printf (s, "flat_map (x -> [x, x + 1][:%u])", st->n);
          break;
        case STAGE_FAIL:
          g_string_append_printf (s, "%s failing at call %u", fail_names[st->fail_kind], st->n);
          break;
        case N_STAGE_KINDS:
        default:
          g_assert_not_reached ();
        }
    }
  return g_string_free (s, FALSE);
}

static GArray *
random_list (GRand *rand,
             guint  max_len)
{
  guint n = g_rand_int_range (rand, 0, max_len + 1);
  GArray *v = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);

  for (guint i = 0; i < n; i++)
    {
      gint64 x = g_rand_int_range (rand, -20, 61);

      g_array_append_val (v, x);
    }
  return v;
}

static Pipeline *
random_pipeline (GRand *rand,
                 guint  index)
{
  Pipeline *pl = g_new0 (Pipeline, 1);
  guint n_stages = g_rand_int_range (rand, 1, 7);

  pl->index = index;
  pl->input = random_list (rand, 50);
  pl->through_channel = g_rand_int_range (rand, 0, 4) == 0;
  pl->capacity = g_rand_int_range (rand, 1, 9);
  pl->stages = g_ptr_array_new_with_free_func (stage_free);
  if (g_rand_int_range (rand, 0, 3) == 0)
    pl->fail_stage = g_rand_int_range (rand, 0, n_stages) + 1;

  for (guint i = 0; i < n_stages; i++)
    {
      Stage *st = g_new0 (Stage, 1);

      st->pipeline = pl;
      st->kind = g_rand_int_range (rand, 0, N_STAGE_KINDS);
      if (pl->fail_stage == i + 1)
        {
          st->kind = STAGE_FAIL;
          st->fail_kind = g_rand_int_range (rand, 0, N_FAIL_KINDS);
          st->n = g_rand_int_range (rand, 1, 31);
        }
      switch (st->kind)
        {
        case STAGE_MAP:
          st->a = g_rand_int_range (rand, -3, 4);
          st->b = g_rand_int_range (rand, -10, 11);
          break;
        case STAGE_FILTER:
          st->a = g_rand_int_range (rand, 1, 5);
          st->b = g_rand_int_range (rand, 0, st->a);
          break;
        case STAGE_TAKE:
        case STAGE_SKIP:
          st->n = g_rand_int_range (rand, 0, 21);
          break;
        case STAGE_TAKE_WHILE:
        case STAGE_SKIP_WHILE:
          st->a = g_rand_int_range (rand, -10, 61);
          break;
        case STAGE_SCAN:
          st->a = g_rand_int_range (rand, -5, 6);
          break;
        case STAGE_CHUNKS:
          st->n = g_rand_int_range (rand, 1, 6);
          break;
        case STAGE_CHAIN:
          st->other = random_list (rand, 10);
          break;
        case STAGE_BUFFERED:
          st->n = g_rand_int_range (rand, 1, 9);
          break;
        case STAGE_FLAT_MAP:
          st->n = g_rand_int_range (rand, 0, 3);
          break;
        case STAGE_DISTINCT:
        case STAGE_FAIL:
          break;
        case N_STAGE_KINDS:
        default:
          g_assert_not_reached ();
        }
      g_ptr_array_add (pl->stages, st);
    }
  return pl;
}

/* The model */

typedef struct
{
  GArray  *items;
  gboolean error;   /* the end is the failure of the failing stage */
} Outcome;

static void
model_stage (const Stage *st,
             Outcome     *o)
{
  GArray *in = o->items;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean error = o->error;
  guint len = in->len;

#define IN(i) g_array_index (in, gint64, (i))
#define PUSH(x) G_STMT_START { gint64 _x = (x); g_array_append_val (out, _x); } G_STMT_END

  switch (st->kind)
    {
    case STAGE_MAP:
      for (guint i = 0; i < len; i++)
        PUSH (wrap_add (wrap_mul (IN (i), st->a), st->b));
      break;
    case STAGE_FILTER:
      for (guint i = 0; i < len; i++)
        if (IN (i) % st->a == st->b)
          PUSH (IN (i));
      break;
    case STAGE_TAKE:
      for (guint i = 0; i < MIN (len, st->n); i++)
        PUSH (IN (i));
      /* The n-th item ends it: what follows is never pulled. */
      if (len >= st->n)
        error = FALSE;
      break;
    case STAGE_SKIP:
      for (guint i = st->n; i < len; i++)
        PUSH (IN (i));
      break;
    case STAGE_TAKE_WHILE:
      {
        guint i;

        for (i = 0; i < len && IN (i) < st->a; i++)
          PUSH (IN (i));
        if (i < len)
          error = FALSE;
      }
      break;
    case STAGE_SKIP_WHILE:
      {
        guint i = 0;

        while (i < len && IN (i) < st->a)
          i++;
        for (; i < len; i++)
          PUSH (IN (i));
      }
      break;
    case STAGE_SCAN:
      {
        gint64 acc = st->a;

        for (guint i = 0; i < len; i++)
          {
            acc = wrap_add (acc, IN (i));
            PUSH (acc);
          }
      }
      break;
    case STAGE_DISTINCT:
      for (guint i = 0; i < len; i++)
        if (i == 0 || IN (i) != IN (i - 1))
          PUSH (IN (i));
      break;
    case STAGE_CHUNKS:
      {
        /* Full chunks; the last, partial one only at a normal end. The
         * library drops a partial chunk when its input fails. */
        guint full = len - len % st->n;
        guint upto = error ? full : len;

        for (guint i = 0; i < upto; i += st->n)
          {
            gint64 sum = 0;

            for (guint j = i; j < MIN (i + st->n, upto); j++)
              sum = wrap_add (sum, IN (j));
            PUSH (sum);
          }
      }
      break;
    case STAGE_CHAIN:
      for (guint i = 0; i < len; i++)
        PUSH (IN (i));
      if (!error)
        g_array_append_vals (out, st->other->data, st->other->len);
      break;
    case STAGE_BUFFERED:
      for (guint i = 0; i < len; i++)
        PUSH (IN (i));
      break;
    case STAGE_FLAT_MAP:
      for (guint i = 0; i < len; i++)
        for (guint j = 0; j < st->n; j++)
          PUSH (wrap_add (IN (i), j));
      break;
    case STAGE_FAIL:
      for (guint i = 0; i < MIN (len, st->n - 1); i++)
        PUSH (IN (i));
      if (len >= st->n)
        error = TRUE;
      break;
    case N_STAGE_KINDS:
    default:
      g_assert_not_reached ();
    }

#undef IN
#undef PUSH

  g_array_unref (in);
  o->items = out;
  o->error = error;
}

static Outcome
model_run (const Pipeline *pl)
{
  Outcome o = { g_array_copy (pl->input), FALSE };

  for (guint i = 0; i < pl->stages->len; i++)
    model_stage (pl->stages->pdata[i], &o);
  return o;
}

/* The real thing: callbacks */

static void
stage_destroy (gpointer data)
{
  ((Stage *) data)->pipeline->destroyed++;
}

/* The failing stage's check: FALSE with @error set at the n-th call. */
static gboolean
fail_check (Stage   *st,
            GError **error)
{
  g_assert_cmpuint (st->calls, <, st->n);
  if (++st->calls == st->n)
    {
      g_set_error (error, MODEL_ERROR, 1, "stage failed at call %u", st->calls);
      return FALSE;
    }
  return TRUE;
}

static void
map_affine (const GValue *item, GValue *result, gpointer data, GError **error)
{
  Stage *st = data;

  set_int64 (result, wrap_add (wrap_mul (get_int64 (item), st->a), st->b));
}

static gboolean
pred_mod (const GValue *item, gpointer data, GError **error)
{
  Stage *st = data;

  return get_int64 (item) % st->a == st->b;
}

static gboolean
pred_less (const GValue *item, gpointer data, GError **error)
{
  Stage *st = data;

  return get_int64 (item) < st->a;
}

static void
fold_sum (const GValue *acc, const GValue *item, GValue *result, gpointer data, GError **error)
{
  set_int64 (result, wrap_add (get_int64 (acc), get_int64 (item)));
}

static void
map_chunk_sum (const GValue *item, GValue *result, gpointer data, GError **error)
{
  GValueArray *chunk;
  gint64 sum = 0;

  g_assert_true (G_VALUE_HOLDS (item, G_TYPE_VALUE_ARRAY));
  chunk = g_value_get_boxed (item);
  g_assert_cmpuint (chunk->n_values, >=, 1);
  g_assert_cmpuint (chunk->n_values, <=, ((Stage *) data)->n);
  for (guint i = 0; i < chunk->n_values; i++)
    sum = wrap_add (sum, get_int64 (g_value_array_get_nth (chunk, i)));
  set_int64 (result, sum);
}

static GcsStream *
flat_pair (const GValue *item, gpointer data, GError **error)
{
  Stage *st = data;
  gint64 x = get_int64 (item);
  gint64 v[2] = { x, wrap_add (x, 1) };

  return ints_stream (v, st->n);
}

/* The failing stage, in each of its forms: identity until it fails */

static void
fail_map (const GValue *item, GValue *result, gpointer data, GError **error)
{
  if (fail_check (data, error))
    set_int64 (result, get_int64 (item));
}

static gboolean
fail_pred (const GValue *item, gpointer data, GError **error)
{
  return fail_check (data, error);
}

static gboolean
fail_pred_true (const GValue *item, gpointer data, GError **error)
{
  /* TRUE even when failing: the failure wins. */
  fail_check (data, error);
  return TRUE;
}

static void
fail_visit (const GValue *item, gpointer data, GError **error)
{
  fail_check (data, error);
}

static GcsStream *
fail_flat (const GValue *item, gpointer data, GError **error)
{
  gint64 x = get_int64 (item);

  if (!fail_check (data, error))
    return NULL;
  return ints_stream (&x, 1);
}

/* Builds @st over @up (transfer none); returns a new stream. */
static GcsStream *
build_stage (GcsStream *up,
             Stage     *st)
{
  Pipeline *pl = st->pipeline;
  GcsStream *stream = NULL;

  switch (st->kind)
    {
    case STAGE_MAP:
      pl->callbacks++;
      stream = gcs_stream_map (up, map_affine, st, stage_destroy);
      break;
    case STAGE_FILTER:
      pl->callbacks++;
      stream = gcs_stream_filter (up, pred_mod, st, stage_destroy);
      break;
    case STAGE_TAKE:
      stream = gcs_stream_take (up, st->n);
      break;
    case STAGE_SKIP:
      stream = gcs_stream_skip (up, st->n);
      break;
    case STAGE_TAKE_WHILE:
      pl->callbacks++;
      stream = gcs_stream_take_while (up, pred_less, st, stage_destroy);
      break;
    case STAGE_SKIP_WHILE:
      pl->callbacks++;
      stream = gcs_stream_skip_while (up, pred_less, st, stage_destroy);
      break;
    case STAGE_SCAN:
      {
        g_auto(GValue) init = G_VALUE_INIT;

        set_int64 (&init, st->a);
        pl->callbacks++;
        stream = gcs_stream_scan (up, &init, fold_sum, st, stage_destroy);
      }
      break;
    case STAGE_DISTINCT:
      stream = gcs_stream_distinct_until_changed (up);
      break;
    case STAGE_CHUNKS:
      {
        g_autoptr(GcsStream) chunks = gcs_stream_chunks (up, st->n);

        pl->callbacks++;
        stream = gcs_stream_map (chunks, map_chunk_sum, st, stage_destroy);
      }
      break;
    case STAGE_CHAIN:
      {
        g_autoptr(GcsStream) other = ints_stream ((gint64 *) (void *) st->other->data, st->other->len);

        stream = gcs_stream_chain (up, other);
      }
      break;
    case STAGE_BUFFERED:
      stream = gcs_stream_buffered (up, st->n);
      break;
    case STAGE_FLAT_MAP:
      pl->callbacks++;
      stream = gcs_stream_flat_map (up, flat_pair, st, stage_destroy);
      break;
    case STAGE_FAIL:
      pl->callbacks++;
      switch (st->fail_kind)
        {
        case FAIL_MAP:
          stream = gcs_stream_map (up, fail_map, st, stage_destroy);
          break;
        case FAIL_FILTER:
          stream = gcs_stream_filter (up, fail_pred, st, stage_destroy);
          break;
        case FAIL_FILTER_MAP:
          stream = gcs_stream_filter_map (up, fail_map, st, stage_destroy);
          break;
        case FAIL_INSPECT:
          stream = gcs_stream_inspect (up, fail_visit, st, stage_destroy);
          break;
        case FAIL_TAKE_WHILE:
          stream = gcs_stream_take_while (up, fail_pred_true, st, stage_destroy);
          break;
        case FAIL_FLAT_MAP:
          stream = gcs_stream_flat_map (up, fail_flat, st, stage_destroy);
          break;
        case N_FAIL_KINDS:
        default:
          g_assert_not_reached ();
        }
      break;
    case N_STAGE_KINDS:
    default:
      g_assert_not_reached ();
    }
  g_assert_nonnull (stream);
  return stream;
}

/* The producer thread of a channel source */

typedef struct
{
  GcsSender *tx;
  GArray    *values;
  guint      sent;
} Producer;

static gpointer
producer_thread (gpointer data)
{
  Producer *p = data;
  GError *error = NULL;

  for (guint i = 0; i < p->values->len; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      set_int64 (&value, g_array_index (p->values, gint64, i));
      if (!gcs_sender_send_blocking (p->tx, &value, NULL, &error))
        break;
      p->sent++;
    }
  /* The end of the input, or the receiver went away early. */
  g_clear_object (&p->tx);
  return error;
}

/* Running a pipeline */

typedef struct
{
  GArray *items;
} Seen;

static void
record_item (const GValue *item, gpointer data, GError **error)
{
  Seen *seen = data;
  gint64 x = get_int64 (item);

  g_array_append_val (seen->items, x);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  GAsyncResult **out = data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
lists_equal (const GArray *a,
             const GArray *b)
{
  return a->len == b->len &&
         (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (gint64)) == 0);
}

typedef struct
{
  guint pipelines;
  guint items;        /* items compared */
  guint failed;       /* pipelines that ended with the error */
  guint channels;
  guint stages[N_STAGE_KINDS + 2];
  guint mismatches;
} Totals;

/* A pipeline that disagrees with the model: reported, and the run goes on
 * so that one bug does not hide another. */
static void
mismatch (Totals *totals,
          char   *message)
{
  if (totals->mismatches++ < 10)
    g_test_message ("MISMATCH %s", message);
  g_free (message);
}

static void
check_pipeline (Pipeline *pl,
                guint32   seed,
                Totals   *totals)
{
  GMainContext *context = g_main_context_get_thread_default ();
  Outcome expect = model_run (pl);
  Seen seen = { g_array_new (FALSE, FALSE, sizeof (gint64)) };
  g_autoptr(GArray) collected = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *what = describe (pl);
  GThread *thread = NULL;
  Producer producer = { NULL, pl->input, 0 };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  {
    g_autoptr(GcsStream) stream = NULL;
    g_autoptr(GcsStream) last = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    const GValue *list;

    if (pl->through_channel)
      {
        g_autoptr(GcsReceiver) rx = NULL;

        gcs_channel_new (G_TYPE_INT64, pl->capacity, &producer.tx, &rx);
        stream = gcs_receiver_stream_new (rx);
        thread = g_thread_new ("model-producer", producer_thread, &producer);
      }
    else
      stream = ints_stream ((gint64 *) (void *) pl->input->data, pl->input->len);

    for (guint i = 0; i < pl->stages->len; i++)
      {
        GcsStream *next = build_stage (stream, pl->stages->pdata[i]);

        g_object_unref (stream);
        stream = next;
      }
    /* What reaches the end, error or not */
    last = gcs_stream_inspect (stream, record_item, &seen, NULL);
    g_clear_object (&stream);

    gcs_stream_collect_async (last, NULL, result_cb, &result);
    while (result == NULL)
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("pipeline %u (seed %u) never completed: %s", pl->index, seed, what);
        g_main_context_iteration (context, TRUE);
      }
    list = gcs_stream_collect_finish (last, result, &error);
    if (list != NULL)
      {
        GValueArray *array = g_value_get_boxed (list);

        g_assert_no_error (error);
        for (guint i = 0; i < array->n_values; i++)
          {
            gint64 x = get_int64 (g_value_array_get_nth (array, i));

            g_array_append_val (collected, x);
          }
      }
  }
  /* Everything let go: the producer, if any, sees the end. */
  while (g_main_context_iteration (context, FALSE))
    ;
  if (thread != NULL)
    {
      GError *thread_error = g_thread_join (thread);

      /* A pipeline that stopped early closed the channel under it. */
      if (thread_error != NULL)
        g_assert_error (thread_error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
      g_clear_error (&thread_error);
    }

  if (!lists_equal (seen.items, expect.items) || expect.error != (error != NULL) ||
      (error == NULL && !lists_equal (collected, expect.items)))
    {
      GString *s = g_string_new (NULL);

      g_string_append (s, "expected ");
      describe_list (s, expect.items);
      g_string_append (s, expect.error ? " then the error" : " then the end");
      g_string_append (s, "; got ");
      describe_list (s, seen.items);
      g_string_append_printf (s, " then %s", error ? error->message : "the end");
      if (error == NULL)
        {
          g_string_append (s, ", collected ");
          describe_list (s, collected);
        }
      mismatch (totals, g_strdup_printf ("pipeline %u (seed %u): %s\n  %s", pl->index, seed, what, s->str));
      g_string_free (s, TRUE);
    }
  else if (error != NULL)
    {
      g_autofree char *message = NULL;
      const Stage *st = pl->stages->pdata[pl->fail_stage - 1];

      /* Exactly the callback's error */
      message = g_strdup_printf ("stage failed at call %u", st->n);
      if (!g_error_matches (error, MODEL_ERROR, 1) || g_strcmp0 (error->message, message) != 0)
        mismatch (totals, g_strdup_printf ("pipeline %u (seed %u): %s\n  failed with %s, expected %s",
                                           pl->index, seed, what, error->message, message));
    }
  /* Every callback's data freed exactly once */
  if (pl->destroyed != pl->callbacks)
    mismatch (totals, g_strdup_printf ("pipeline %u (seed %u): %u destroy notifies for %u callbacks: %s",
                                       pl->index, seed, pl->destroyed, pl->callbacks, what));

  totals->pipelines++;
  totals->items += expect.items->len;
  totals->failed += error != NULL;
  totals->channels += pl->through_channel;
  for (guint i = 0; i < pl->stages->len; i++)
    totals->stages[((Stage *) pl->stages->pdata[i])->kind]++;
  g_array_unref (expect.items);
  g_array_unref (seen.items);
}

static void
test_model (gconstpointer data)
{
  guint32 seed = GPOINTER_TO_UINT (data);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Totals totals = { 0 };

  g_test_message ("seed %u (set GCS_TEST_SEED to run another one too)", seed);
  g_main_context_push_thread_default (context);
  for (guint i = 0; i < N_PIPELINES; i++)
    {
      g_autoptr(Pipeline) pl = random_pipeline (rand, i);

      check_pipeline (pl, seed, &totals);
    }
  g_main_context_pop_thread_default (context);

  g_assert_cmpuint (totals.pipelines, ==, N_PIPELINES);
  if (totals.mismatches > 0)
    g_test_fail_printf ("seed %u: %u of %u pipelines disagree with the model (the first ones "
                        "are reported above)", seed, totals.mismatches, totals.pipelines);
  g_test_message ("seed %u: %u pipelines checked, %u items compared, %u ended with "
                  "a callback's error, %u fed through a channel by a thread",
                  seed, totals.pipelines, totals.items, totals.failed, totals.channels);
  /* Every kind of stage was exercised, and errors too. */
  for (guint k = 0; k < N_STAGE_KINDS; k++)
    g_assert_cmpuint (totals.stages[k], >, 0);
  g_assert_cmpuint (totals.failed, >, 0);
  g_assert_cmpuint (totals.channels, >, 0);
}

int
main (int argc, char *argv[])
{
  const char *env = g_getenv ("GCS_TEST_SEED");

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/stream-model/seed-1234", GUINT_TO_POINTER (1234), test_model);
  if (env != NULL && *env != '\0')
    {
      guint64 seed = 0;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;

      if (!g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT32, &seed, &error))
        g_error ("GCS_TEST_SEED=%s: %s", env, error->message);
      if (seed != 1234)
        {
          path = g_strdup_printf ("/stream-model/seed-%" G_GUINT64_FORMAT, seed);
          g_test_add_data_func (path, GUINT_TO_POINTER ((guint) seed), test_model);
        }
    }
  return g_test_run ();
}
