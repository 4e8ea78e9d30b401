/* gcs-ring.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-ring-private.h"
#include "gcs-value-private.h"

void
gcs_ring_init (GcsRing *self,
               guint    capacity)
{
  /* Two slots at least: with one, "holds p" (p + 1) would read as "free
   * for p + 1". */
  guint size = 2;

  while (size < capacity)
    size <<= 1;
  self->tail = 0;
  self->head = 0;
  self->capacity = capacity;
  self->mask = size - 1;
  self->slots = g_new0 (GcsRingSlot, size);
  /* Position p may be written once position p - capacity was taken: the
   * first @capacity positions at once, the others not yet (a sequence
   * below the position reads as "full"). */
  for (guint i = 0; i < size; i++)
    self->slots[i].seq = i < capacity ? i : (guint64) i - size;
}

/* Unsets the values still in the ring and frees it. No other thread may
 * use it any more. */
void
gcs_ring_clear (GcsRing *self)
{
  for (guint64 pos = self->head; pos < (self->tail & ~GCS_RING_CLOSED); pos++)
    {
      GcsRingSlot *slot = gcs_ring_slot (self, pos);

      if (slot->seq == pos + 1 && gcs_value_is_set (&slot->value))
        gcs_value_clear (&slot->value);
    }
  g_clear_pointer (&self->slots, g_free);
}
