/* gcs-queue-private.h: a FIFO of GValues in chained fixed-size blocks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Not thread-safe: the channel guards it. Values are moved in and out as
 * plain structs, so queueing a fundamental value allocates nothing; blocks
 * are recycled through a small free list.
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _GcsQueueBlock GcsQueueBlock;

struct _GcsQueueBlock
{
  GcsQueueBlock *next;
  GValue         slots[];
};

typedef struct
{
  GcsQueueBlock *head;
  GcsQueueBlock *tail;
  GcsQueueBlock *free_blocks;
  guint          head_index;
  guint          tail_index;
  guint          block_size;
  guint          n_free_blocks;
  guint          max_free_blocks;
  gsize          length;
} GcsQueue;

void  gcs_queue_init      (GcsQueue *self,
                           guint     block_size,
                           guint     max_free_blocks);
void  gcs_queue_clear     (GcsQueue *self);
void  gcs_queue_push      (GcsQueue *self,
                           GValue   *value);
void  gcs_queue_pop       (GcsQueue *self,
                           GValue   *value);
guint gcs_queue_pop_many  (GcsQueue *self,
                           GValue   *values,
                           guint     n_values);
void  gcs_queue_steal     (GcsQueue *self,
                           GcsQueue *dest);
void  gcs_queue_swap      (GcsQueue *self,
                           GcsQueue *other);
void  gcs_queue_pop_slow  (GcsQueue *self,
                           GValue   *value);

/* Moves the oldest value into @value (uninitialized); the queue must not
 * be empty. Inline: the consumer's per-item path. */
static inline void
gcs_queue_pop_fast (GcsQueue *self,
                    GValue   *value)
{
  guint end = self->head == self->tail ? self->tail_index : self->block_size;

  if (G_LIKELY (self->head_index + 1 < end))
    {
      *value = self->head->slots[self->head_index++];
      self->length--;
    }
  else
    gcs_queue_pop_slow (self, value);
}

G_END_DECLS
