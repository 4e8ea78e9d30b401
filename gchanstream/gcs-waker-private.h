/* gcs-waker-private.h: wakers and drivers, the heart of the poll protocol
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A driver is a GSource on the consuming GMainContext that polls something
 * (a receiver, a stream pipeline) until it has nothing more to give. When
 * the polled thing has nothing, it keeps a reference to the driver's waker
 * and wakes it, from any thread, once it might have something. Waking sets
 * an atomic flag the driver's prepare and check read, then calls
 * g_main_context_wakeup() outside of any lock of ours.
 */

#pragma once

#include <glib.h>

#include "gcs-waker.h"

G_BEGIN_DECLS

struct _GcsWaker
{
  gint             ref_count;   /* gcs_ref_*() */
  gint             woken;     /* atomic */
  gint             dead;      /* atomic: its driver is gone */
  GMainContext    *context;   /* set before the waker is first handed out */
  /* The dispatch's budget (tokio's cooperative budget): only the driver's
   * thread touches these, during a dispatch. */
  gint             budget;
  gint64           deadline;
};

gboolean gcs_waker_charge_slow (GcsWaker *self);

/* Charges one item (handed over or discarded) to the dispatch's budget;
 * FALSE once it is spent: the caller wakes @self and returns PENDING, so
 * the dispatch yields. Every source of items charges, so no combinator
 * can loop unboundedly inside a poll, whatever it discards. */
static inline gboolean
gcs_waker_charge_inline (GcsWaker *self)
{
  if (self == NULL)
    return TRUE;
  if (G_LIKELY (--self->budget > 0 && (self->budget & 63) != 0))
    return TRUE;
  return gcs_waker_charge_slow (self);
}

/* What a source of items does when gcs_waker_charge_inline() says no. */
static inline GcsPoll
gcs_waker_yield (GcsWaker *self)
{
  gcs_waker_wake (self);
  return GCS_POLL_PENDING;
}

GcsWaker     *gcs_waker_new         (void);

/* A GSource subtype: embed GcsDriver first in the source struct, use
 * gcs_driver_prepare/check in its GSourceFuncs and call
 * gcs_driver_finalize from its finalize. */
typedef struct
{
  GSource   source;
  GcsWaker *waker;
} GcsDriver;

GSource  *gcs_driver_new            (GSourceFuncs *funcs,
                                     guint         struct_size);
gboolean  gcs_driver_prepare        (GSource      *source,
                                     gint         *timeout);
gboolean  gcs_driver_check          (GSource      *source);
void      gcs_driver_finalize       (GSource      *source);
GcsWaker *gcs_driver_begin_dispatch (GcsDriver    *self);
void      gcs_driver_stay_ready     (GcsDriver    *self);
void      gcs_driver_stop           (GcsDriver    *self);

/* How much one dispatch may do before it yields to the rest of the loop. */
#define GCS_DRIVER_BUDGET_ITEMS 1024
#define GCS_DRIVER_BUDGET_USEC  4000

G_END_DECLS

