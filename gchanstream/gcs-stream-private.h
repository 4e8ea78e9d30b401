/* gcs-stream-private.h: what combinators are made of
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A combinator is a GcsAdapter: one private GType whose instances carry a
 * table of operations (GcsAdapterOps), the upstream stream with its poll
 * function looked up once, the user's callback and a small state struct.
 * Its poll reads top to bottom as "poll upstream, transform, return". The
 * adapter makes every stream fused (after the end it stays ended) and
 * releases the upstream and the callback as soon as it ends, so that
 * take (3) lets an endless upstream go at once and no callback runs after
 * its stream ended.
 */

#pragma once

#include "gcs-stream.h"
#include "gcs-value-private.h"
#include "gcs-waker-private.h"

G_BEGIN_DECLS

typedef GcsPoll (*GcsPollFunc) (GcsStream  *stream,
                                GcsWaker   *waker,
                                GValue     *item,
                                GError    **error);

/* A stream being consumed, with its poll function cached: a poll through
 * it is one indirect call, no interface lookup. */
typedef struct
{
  GcsStream   *stream;
  GcsPollFunc  poll;
  gboolean     borrowed;
} GcsUpstream;

gboolean gcs_upstream_init  (GcsUpstream *self,
                             GcsStream   *stream);
gboolean gcs_upstream_borrow (GcsUpstream *self,
                              GcsStream   *stream);
void     gcs_upstream_clear (GcsUpstream *self);

static inline GcsPoll
gcs_upstream_poll (GcsUpstream  *self,
                   GcsWaker     *waker,
                   GValue       *item,
                   GError      **error)
{
  return self->poll (self->stream, waker, item, error);
}

/* A user callback and what frees its data. */
typedef struct
{
  gpointer       func;
  gpointer       data;
  GDestroyNotify destroy;
} GcsCallback;

void gcs_callback_clear (GcsCallback *self);

typedef struct _GcsAdapter GcsAdapter;

typedef struct
{
  const char *name;
  GcsPoll   (*poll)  (GcsAdapter  *self,
                      GcsWaker    *waker,
                      GValue      *item,
                      GError     **error);
  /* Releases what the state holds; the state itself is freed after. */
  void      (*clear) (GcsAdapter  *self);
} GcsAdapterOps;

struct _GcsAdapter
{
  GObject              parent_instance;
  const GcsAdapterOps *ops;
  GcsUpstream          up;
  GcsCallback          cb;
  gpointer             state;
  guint                ended : 1;
};

GType       gcs_adapter_get_type (void) G_GNUC_CONST;
GcsAdapter *gcs_adapter_new (const GcsAdapterOps *ops,
                             GcsStream           *upstream,
                             gsize                state_size);
GcsAdapter *gcs_adapter_new_with_callback (const GcsAdapterOps *ops,
                                           GcsStream           *upstream,
                                           gsize                state_size,
                                           gpointer             func,
                                           gpointer             data,
                                           GDestroyNotify       destroy);

G_END_DECLS
