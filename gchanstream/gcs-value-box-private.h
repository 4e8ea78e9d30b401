/* gcs-value-box-private.h: an immutable GValue shared by reference
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A watch channel's latest value and a broadcast channel's non-plain items
 * are read by many receivers. Under the channel's lock a reader only takes
 * a reference to the box; it copies the value after unlocking, so no GLib
 * copy function (a boxed type's, an object's toggle-ref notification in a
 * binding) ever runs under the lock. The box's last owner moves the value
 * out instead of copying it.
 */

#pragma once

#include "gcs-lock-private.h"
#include "gcs-value-private.h"

G_BEGIN_DECLS

typedef struct
{
  gint   ref_count;   /* gcs_ref_*() */
  GValue value;
} GcsValueBox;

/* Boxes *@value (moved). */
static inline GcsValueBox *
gcs_value_box_new (GValue *value)
{
  GcsValueBox *self = g_new (GcsValueBox, 1);

  gcs_ref_init (&self->ref_count);
  self->value = *value;
  *value = (GValue) G_VALUE_INIT;
  return self;
}

static inline GcsValueBox *
gcs_value_box_ref (GcsValueBox *self)
{
  gcs_ref_inc (&self->ref_count);
  return self;
}

static inline void
gcs_value_box_unref (GcsValueBox *self)
{
  if (!gcs_ref_dec (&self->ref_count))
    return;
  gcs_value_clear (&self->value);
  g_free (self);
}

/* Sets the uninitialized @dest to the value and drops the caller's
 * reference: a move when it was the last one, a copy otherwise. Call it
 * without the lock of whatever handed out the box. */
static inline void
gcs_value_box_take (GcsValueBox *self,
                    GValue      *dest)
{
  /* The last reference: nobody else can see the box any more. */
  if (__atomic_load_n (&self->ref_count, __ATOMIC_ACQUIRE) == 1)
    {
      *dest = self->value;
      g_free (self);
      return;
    }
  gcs_value_copy_new (&self->value, dest);
  gcs_value_box_unref (self);
}

G_END_DECLS
