/* gcs-stream-values.c: gcs_stream_from_values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-stream-private.h"

typedef struct
{
  GValue *values;
  guint   n_values;
  guint   next;
} Values;

static GcsPoll
values_poll (GcsAdapter  *self,
             GcsWaker    *waker,
             GValue      *item,
             GError     **error)
{
  Values *v = self->state;

  if (v->next == v->n_values)
    return GCS_POLL_DONE;
  if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
    return gcs_waker_yield (waker);
  gcs_value_move (item, &v->values[v->next++]);
  return GCS_POLL_READY;
}

static void
values_clear (GcsAdapter *self)
{
  Values *v = self->state;

  for (guint i = v->next; i < v->n_values; i++)
    gcs_value_clear (&v->values[i]);
  g_clear_pointer (&v->values, g_free);
}

static const GcsAdapterOps values_ops = { "from_values", values_poll, values_clear };

/**
 * gcs_stream_from_values:
 * @values: (array length=n_values): the items
 * @n_values: how many
 *
 * A stream of copies of @values, in order.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_from_values (const GValue *values,
                        guint         n_values)
{
  GcsAdapter *self;
  Values *v;

  g_return_val_if_fail (values != NULL || n_values == 0, NULL);

  self = gcs_adapter_new (&values_ops, NULL, sizeof (Values));
  v = self->state;
  v->values = g_new0 (GValue, MAX (n_values, 1));
  v->n_values = n_values;
  for (guint i = 0; i < n_values; i++)
    {
      gcs_value_copy_new (&values[i], &v->values[i]);
    }
  return GCS_STREAM (self);
}
