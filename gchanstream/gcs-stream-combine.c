/* gcs-stream-combine.c: chain, merge, zip
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-stream-private.h"

typedef struct
{
  GcsUpstream other;
  guint       first_done : 1;
  guint       other_done : 1;
  guint       other_first : 1;  /* merge: whose turn it is to be polled first */
  GValue      pair[2];          /* zip: the items waiting for their partner */
} Two;

static void
two_clear (GcsAdapter *self)
{
  Two *two = self->state;

  gcs_upstream_clear (&two->other);
  for (guint i = 0; i < 2; i++)
    if (gcs_value_is_set (&two->pair[i]))
      gcs_value_clear (&two->pair[i]);
}

static GcsStream *
two_adapter_new (const GcsAdapterOps *ops,
                 GcsStream           *self,
                 GcsStream           *other)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (GCS_IS_STREAM (other), NULL);
  g_return_val_if_fail (self != other, NULL);

  adapter = gcs_adapter_new (ops, self, sizeof (Two));
  if (adapter == NULL)
    return NULL;
  if (!gcs_upstream_init (&((Two *) adapter->state)->other, other))
    {
      g_object_unref (adapter);
      return NULL;
    }
  return GCS_STREAM (adapter);
}

/* chain */

static GcsPoll
chain_poll (GcsAdapter  *self,
            GcsWaker    *waker,
            GValue      *item,
            GError     **error)
{
  Two *two = self->state;

  if (!two->first_done)
    {
      GcsPoll result = gcs_upstream_poll (&self->up, waker, item, error);

      if (result != GCS_POLL_DONE)
        return result;
      two->first_done = TRUE;
      gcs_upstream_clear (&self->up);
    }
  return gcs_upstream_poll (&two->other, waker, item, error);
}

static const GcsAdapterOps chain_ops = { "chain", chain_poll, two_clear };

/**
 * gcs_stream_chain:
 * @self: a #GcsStream
 * @other: the stream to go on with
 *
 * The items of @self, then those of @other. @other is not polled before
 * @self ended.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_chain (GcsStream *self,
                  GcsStream *other)
{
  return two_adapter_new (&chain_ops, self, other);
}

/* merge */

static GcsPoll
merge_poll (GcsAdapter  *self,
            GcsWaker    *waker,
            GValue      *item,
            GError     **error)
{
  Two *two = self->state;

  /* Alternate who goes first, so a busy input cannot starve the other. */
  two->other_first = !two->other_first;
  for (guint i = 0; i < 2; i++)
    {
      gboolean use_other = (i == 0) == two->other_first;
      GcsPoll result;

      if (use_other ? two->other_done : two->first_done)
        continue;
      result = gcs_upstream_poll (use_other ? &two->other : &self->up, waker, item, error);
      if (result == GCS_POLL_DONE)
        {
          if (use_other)
            {
              two->other_done = TRUE;
              gcs_upstream_clear (&two->other);
            }
          else
            {
              two->first_done = TRUE;
              gcs_upstream_clear (&self->up);
            }
          continue;
        }
      if (result != GCS_POLL_PENDING)
        return result;
    }
  return two->first_done && two->other_done ? GCS_POLL_DONE : GCS_POLL_PENDING;
}

static const GcsAdapterOps merge_ops = { "merge", merge_poll, two_clear };

/**
 * gcs_stream_merge:
 * @self: a #GcsStream
 * @other: another #GcsStream
 *
 * The items of both streams as they come, taking turns when both have
 * some. It ends when both have ended; an error from either ends it with
 * that error.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_merge (GcsStream *self,
                  GcsStream *other)
{
  return two_adapter_new (&merge_ops, self, other);
}

/* zip */

static GcsPoll
zip_poll (GcsAdapter  *self,
          GcsWaker    *waker,
          GValue      *item,
          GError     **error)
{
  Two *two = self->state;
  GcsUpstream *inputs[2] = { &self->up, &two->other };
  gboolean pending = FALSE;

  for (guint i = 0; i < 2; i++)
    {
      GcsPoll result;

      if (gcs_value_is_set (&two->pair[i]))
        continue;
      result = gcs_upstream_poll (inputs[i], waker, &two->pair[i], error);
      if (result == GCS_POLL_PENDING)
        pending = TRUE;
      else if (result != GCS_POLL_READY)
        return result;
    }
  if (pending)
    return GCS_POLL_PENDING;
  gcs_value_take_sequence (item, two->pair, 2);
  return GCS_POLL_READY;
}

static const GcsAdapterOps zip_ops = { "zip", zip_poll, two_clear };

/**
 * gcs_stream_zip:
 * @self: a #GcsStream
 * @other: another #GcsStream
 *
 * Pairs of items, one from each stream, as 2-sequences (a #GValueArray in
 * C, a list in Python, an array in JavaScript). It ends when either
 * stream ends.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_zip (GcsStream *self,
                GcsStream *other)
{
  return two_adapter_new (&zip_ops, self, other);
}
