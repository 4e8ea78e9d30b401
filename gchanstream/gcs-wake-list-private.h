/* gcs-wake-list-private.h: wakers collected under a lock, woken after it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A send on a watch or broadcast channel may wake many parked receivers.
 * Their wakers are stolen while the channel's lock is held and woken once
 * it is released, never under it.
 */

#pragma once

#include "gcs-waker-private.h"

G_BEGIN_DECLS

#define GCS_WAKE_LIST_INLINE 8

typedef struct
{
  GcsWaker  *inline_wakers[GCS_WAKE_LIST_INLINE];
  GPtrArray *more;
  guint      n;
} GcsWakeList;

#define GCS_WAKE_LIST_INIT { { NULL }, NULL, 0 }

/* As GCS_WAKE_LIST_INIT, without clearing the inline slots: for the
 * per-item path of a send. */
static inline void
gcs_wake_list_init (GcsWakeList *self)
{
  self->more = NULL;
  self->n = 0;
}

/* Takes over the reference of @waker (may be NULL). */
static inline void
gcs_wake_list_add (GcsWakeList *self,
                   GcsWaker    *waker)
{
  if (waker == NULL)
    return;
  if (self->n < GCS_WAKE_LIST_INLINE)
    self->inline_wakers[self->n++] = waker;
  else
    {
      if (self->more == NULL)
        self->more = g_ptr_array_new ();
      g_ptr_array_add (self->more, waker);
    }
}

/* Wakes and releases every waker. Call it with no lock held. */
static inline void
gcs_wake_list_wake (GcsWakeList *self)
{
  for (guint i = 0; i < self->n; i++)
    {
      gcs_waker_wake (self->inline_wakers[i]);
      gcs_waker_unref (self->inline_wakers[i]);
    }
  if (self->more != NULL)
    {
      for (guint i = 0; i < self->more->len; i++)
        {
          gcs_waker_wake (self->more->pdata[i]);
          gcs_waker_unref (self->more->pdata[i]);
        }
      g_ptr_array_free (self->more, TRUE);
    }
  self->more = NULL;
  self->n = 0;
}

G_END_DECLS
