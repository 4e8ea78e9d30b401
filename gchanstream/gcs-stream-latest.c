/* gcs-stream-latest.c: combine_latest, with_latest_from, merge_all
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Operators over several inputs. Each poll goes round the inputs from a
 * rotating start, so a busy input cannot starve the others, and polls
 * every input that has not ended before it says PENDING: each then keeps
 * the driver's waker.
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-stream-operators.h"
#include "gcs-stream-private.h"

typedef struct
{
  GcsUpstream *inputs;
  GValue      *latest;     /* combine_latest: the latest item of each */
  guint        n;
  guint        n_done;
  guint        n_have;     /* combine_latest: inputs with a latest item */
  guint        start;      /* the input polled first, in turn */
} Many;

static void
many_clear (GcsAdapter *self)
{
  Many *m = self->state;

  for (guint i = 0; i < m->n; i++)
    {
      gcs_upstream_clear (&m->inputs[i]);
      if (m->latest != NULL && gcs_value_is_set (&m->latest[i]))
        gcs_value_clear (&m->latest[i]);
    }
  g_clear_pointer (&m->inputs, g_free);
  g_clear_pointer (&m->latest, g_free);
}

static GcsStream *
many_new (const GcsAdapterOps  *ops,
          GcsStream           **streams,
          guint                 n,
          gboolean              with_latest)
{
  GcsAdapter *adapter;
  Many *m;

  g_return_val_if_fail (streams != NULL || n == 0, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_return_val_if_fail (GCS_IS_STREAM (streams[i]), NULL);
      for (guint j = 0; j < i; j++)
        g_return_val_if_fail (streams[i] != streams[j], NULL);
    }

  adapter = gcs_adapter_new (ops, NULL, sizeof (Many));
  m = adapter->state;
  m->n = n;
  m->inputs = g_new0 (GcsUpstream, MAX (n, 1));
  if (with_latest)
    m->latest = g_new0 (GValue, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    if (!gcs_upstream_init (&m->inputs[i], streams[i]))
      {
        g_object_unref (adapter);
        return NULL;
      }
  return GCS_STREAM (adapter);
}

/* combine_latest */

static GcsPoll
combine_latest_poll (GcsAdapter  *self,
                     GcsWaker    *waker,
                     GValue      *item,
                     GError     **error)
{
  Many *m = self->state;
  gboolean progress = TRUE;

  /* Rounds until every live input is pending: an input whose item does
   * not complete the set yet (not every input has one) is polled again. */
  while (progress)
    {
      progress = FALSE;
      for (guint r = 0; r < m->n; r++)
        {
          guint i = (m->start + r) % m->n;
          GValue next = G_VALUE_INIT;
          GcsPoll result;

          if (m->inputs[i].stream == NULL)
            continue;
          result = gcs_upstream_poll (&m->inputs[i], waker, &next, error);
          if (result == GCS_POLL_PENDING)
            continue;
          if (result == GCS_POLL_ERROR)
            return GCS_POLL_ERROR;
          if (result == GCS_POLL_DONE)
            {
              gcs_upstream_clear (&m->inputs[i]);
              m->n_done++;
              /* An input that ended without an item: no set can ever be
               * complete (RxJS completes here too). */
              if (!gcs_value_is_set (&m->latest[i]) || m->n_done == m->n)
                return GCS_POLL_DONE;
              continue;
            }
          if (gcs_value_is_set (&m->latest[i]))
            gcs_value_clear (&m->latest[i]);
          else
            m->n_have++;
          gcs_value_move (&m->latest[i], &next);
          if (m->n_have == m->n)
            {
              GValue *copies = g_new0 (GValue, m->n);

              for (guint k = 0; k < m->n; k++)
                gcs_value_copy_new (&m->latest[k], &copies[k]);
              gcs_value_take_sequence (item, copies, m->n);
              g_free (copies);
              m->start = (i + 1) % m->n;
              return GCS_POLL_READY;
            }
          progress = TRUE;
          if (!gcs_waker_charge_inline (waker))
            return gcs_waker_yield (waker);
        }
    }
  return m->n_done == m->n ? GCS_POLL_DONE : GCS_POLL_PENDING;
}

static const GcsAdapterOps combine_latest_ops = { "combine_latest", combine_latest_poll, many_clear };

/**
 * gcs_stream_combine_latest:
 * @streams: (array length=n_streams): the streams to combine
 * @n_streams: the length of @streams
 *
 * Derived state: once each of @streams has emitted an item, an
 * @n_streams-sequence (a #GValueArray in C, a list in Python, an array in
 * JavaScript) of the latest item of each, and another on every new item
 * of any (RxJS's `combineLatest`). "The form is valid when these three
 * properties are": combine the gcs_stream_from_property() streams and map
 * the sequence to a boolean.
 *
 * The stream ends when every input has ended, or at once when an input
 * ends before its first item (no set can be complete then); it fails
 * with the first error of any input. The inputs are polled in turn, so a
 * busy one cannot starve the others. Each stream of @streams is consumed
 * (taken over, as by a combinator); the array itself is not kept.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_combine_latest (GcsStream **streams,
                           guint       n_streams)
{
  return many_new (&combine_latest_ops, streams, n_streams, TRUE);
}

/* merge_all */

static GcsPoll
merge_all_poll (GcsAdapter  *self,
                GcsWaker    *waker,
                GValue      *item,
                GError     **error)
{
  Many *m = self->state;

  for (guint r = 0; r < m->n; r++)
    {
      guint i = (m->start + r) % m->n;
      GcsPoll result;

      if (m->inputs[i].stream == NULL)
        continue;
      result = gcs_upstream_poll (&m->inputs[i], waker, item, error);
      if (result == GCS_POLL_READY)
        {
          m->start = (i + 1) % m->n;
          return GCS_POLL_READY;
        }
      if (result == GCS_POLL_ERROR)
        return GCS_POLL_ERROR;
      if (result == GCS_POLL_DONE)
        {
          gcs_upstream_clear (&m->inputs[i]);
          m->n_done++;
        }
    }
  return m->n_done == m->n ? GCS_POLL_DONE : GCS_POLL_PENDING;
}

static const GcsAdapterOps merge_all_ops = { "merge_all", merge_all_poll, many_clear };

/**
 * gcs_stream_merge_all:
 * @streams: (array length=n_streams): the streams to merge
 * @n_streams: the length of @streams
 *
 * The items of all @streams as they come, as gcs_stream_merge() for any
 * number of streams: the inputs are polled in turn, starting after the
 * one that gave the last item, so each busy input gets its share. The
 * stream ends when every input has ended (at once for none); an error of
 * any ends it with that error and releases the others. Each stream of
 * @streams is consumed; the array itself is not kept.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_merge_all (GcsStream **streams,
                      guint       n_streams)
{
  return many_new (&merge_all_ops, streams, n_streams, FALSE);
}

/* with_latest_from */

typedef struct
{
  GcsUpstream other;
  GValue      latest;
} WithLatest;

static GcsPoll
with_latest_from_poll (GcsAdapter  *self,
                       GcsWaker    *waker,
                       GValue      *item,
                       GError     **error)
{
  WithLatest *w = self->state;

  for (;;)
    {
      GValue input = G_VALUE_INIT;
      GValue pair[2] = { G_VALUE_INIT, G_VALUE_INIT };
      GcsPoll result;

      /* @other first: what it has now is older than @self's next item. */
      while (w->other.stream != NULL)
        {
          GValue next = G_VALUE_INIT;

          result = gcs_upstream_poll (&w->other, waker, &next, error);
          if (result == GCS_POLL_PENDING)
            break;
          if (result == GCS_POLL_ERROR)
            return GCS_POLL_ERROR;
          if (result == GCS_POLL_DONE)
            {
              /* Its latest item stays the latest. */
              gcs_upstream_clear (&w->other);
              break;
            }
          if (gcs_value_is_set (&w->latest))
            gcs_value_clear (&w->latest);
          gcs_value_move (&w->latest, &next);
          if (!gcs_waker_charge_inline (waker))
            return gcs_waker_yield (waker);
        }

      result = gcs_upstream_poll (&self->up, waker, &input, error);
      if (result != GCS_POLL_READY)
        return result;
      if (!gcs_value_is_set (&w->latest))
        {
          /* Before @other's first item: dropped. */
          gcs_value_clear (&input);
          if (!gcs_waker_charge_inline (waker))
            return gcs_waker_yield (waker);
          continue;
        }
      gcs_value_move (&pair[0], &input);
      gcs_value_copy_new (&w->latest, &pair[1]);
      gcs_value_take_sequence (item, pair, 2);
      return GCS_POLL_READY;
    }
}

static void
with_latest_from_clear (GcsAdapter *self)
{
  WithLatest *w = self->state;

  gcs_upstream_clear (&w->other);
  if (gcs_value_is_set (&w->latest))
    gcs_value_clear (&w->latest);
}

static const GcsAdapterOps with_latest_from_ops = { "with_latest_from", with_latest_from_poll, with_latest_from_clear };

/**
 * gcs_stream_with_latest_from:
 * @self: a #GcsStream
 * @other: the stream whose latest item goes with each item of @self
 *
 * For each item of @self, a 2-sequence `[item, latest item of @other]`
 * (RxJS's `withLatestFrom`): a Save click with the current form content.
 * Items of @self that come before @other's first item are dropped; items
 * of @other alone emit nothing. The stream ends with @self (the end of
 * @other only freezes its latest item) and fails with the first error of
 * either.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_with_latest_from (GcsStream *self,
                             GcsStream *other)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (GCS_IS_STREAM (other), NULL);
  g_return_val_if_fail (self != other, NULL);

  adapter = gcs_adapter_new (&with_latest_from_ops, self, sizeof (WithLatest));
  if (adapter == NULL)
    return NULL;
  if (!gcs_upstream_init (&((WithLatest *) adapter->state)->other, other))
    {
      g_object_unref (adapter);
      return NULL;
    }
  return GCS_STREAM (adapter);
}
