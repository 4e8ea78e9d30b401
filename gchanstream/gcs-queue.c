/* gcs-queue.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "gcs-queue-private.h"
#include "gcs-value-private.h"

void
gcs_queue_init (GcsQueue *self,
                guint     block_size,
                guint     max_free_blocks)
{
  memset (self, 0, sizeof *self);
  self->block_size = block_size;
  self->max_free_blocks = max_free_blocks;
}

static GcsQueueBlock *
gcs_queue_block_new (GcsQueue *self)
{
  GcsQueueBlock *block = self->free_blocks;

  if (block != NULL)
    {
      self->free_blocks = block->next;
      self->n_free_blocks--;
    }
  else
    block = g_malloc (sizeof (GcsQueueBlock) + self->block_size * sizeof (GValue));
  block->next = NULL;
  return block;
}

static void
gcs_queue_block_release (GcsQueue      *self,
                         GcsQueueBlock *block)
{
  if (self->n_free_blocks < self->max_free_blocks)
    {
      block->next = self->free_blocks;
      self->free_blocks = block;
      self->n_free_blocks++;
    }
  else
    g_free (block);
}

/* Frees the blocks and unsets the values still queued. */
void
gcs_queue_clear (GcsQueue *self)
{
  GValue value;

  while (self->length > 0)
    {
      gcs_queue_pop (self, &value);
      gcs_value_clear (&value);
    }
  if (self->head != NULL)
    g_free (self->head);
  while (self->free_blocks != NULL)
    {
      GcsQueueBlock *next = self->free_blocks->next;

      g_free (self->free_blocks);
      self->free_blocks = next;
    }
  gcs_queue_init (self, self->block_size, self->max_free_blocks);
}

/* Takes over *value, which is left zeroed (uninitialized). */
void
gcs_queue_push (GcsQueue *self,
                GValue   *value)
{
  if (self->tail == NULL)
    {
      self->head = self->tail = gcs_queue_block_new (self);
      self->head_index = self->tail_index = 0;
    }
  else if (self->tail_index == self->block_size)
    {
      self->tail->next = gcs_queue_block_new (self);
      self->tail = self->tail->next;
      self->tail_index = 0;
    }
  self->tail->slots[self->tail_index++] = *value;
  *value = (GValue) G_VALUE_INIT;
  self->length++;
}

/* Moves up to @n_values values into @values (uninitialized on entry) and
 * returns how many it moved. */
guint
gcs_queue_pop_many (GcsQueue *self,
                    GValue   *values,
                    guint     n_values)
{
  guint done = 0;

  while (done < n_values && self->length > 0)
    {
      guint in_block = (self->head == self->tail ? self->tail_index : self->block_size) - self->head_index;
      guint n = MIN (in_block, n_values - done);

      memcpy (values + done, self->head->slots + self->head_index, n * sizeof (GValue));
      done += n;
      self->head_index += n;
      self->length -= n;

      if (self->length == 0)
        {
          /* Keep the block for the next push. */
          self->head_index = self->tail_index = 0;
        }
      else if (self->head_index == self->block_size)
        {
          GcsQueueBlock *next = self->head->next;

          gcs_queue_block_release (self, self->head);
          self->head = next;
          self->head_index = 0;
        }
    }
  return done;
}

void
gcs_queue_pop (GcsQueue *self,
               GValue   *value)
{
  g_assert (self->length > 0);
  gcs_queue_pop_many (self, value, 1);
}

/* The last value of a block: the block is recycled. */
void
gcs_queue_pop_slow (GcsQueue *self,
                    GValue   *value)
{
  gcs_queue_pop_many (self, value, 1);
}

/* Exchanges the contents of two queues, free blocks included, so blocks
 * circulate between a producer side and a consumer side without being
 * allocated again. */
void
gcs_queue_swap (GcsQueue *self,
                GcsQueue *other)
{
  GcsQueue tmp = *self;

  *self = *other;
  *other = tmp;
}

/* Moves every value into @dest (initialized with gcs_queue_init, empty),
 * so they can be released outside the lock that guards @self. */
void
gcs_queue_steal (GcsQueue *self,
                 GcsQueue *dest)
{
  g_assert (dest->length == 0 && dest->head == NULL);
  *dest = *self;
  dest->free_blocks = NULL;
  dest->n_free_blocks = 0;
  self->head = self->tail = NULL;
  self->head_index = self->tail_index = 0;
  self->length = 0;
}
