/* gcs-time-private.h: the clock and timers of the time combinators
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Time combinators decide on their polls, by reading the clock: an item
 * is due, a batch is old enough, a timeout has passed. A GcsTimer only
 * wakes the driver when the next such moment comes; it is a GSource on the
 * driver's context (the waker's), never a thread or a sleep, and waking
 * early or twice does no harm. A combinator clears its timer when it is
 * released, so no source outlives its stream.
 *
 * The clock is g_get_monotonic_time(), or, for tests, a manual clock that
 * only moves when told to: then timers are ready when the manual time
 * passed their deadline, which a test sees by iterating the context.
 */

#pragma once

#include "gcs-waker-private.h"

G_BEGIN_DECLS

/* Microseconds, on the monotonic clock or the manual one. */
gint64 gcs_time_now (void);

/* Tests only. Switches the manual clock on (at @now_usec) or off. */
void   gcs_time_set_manual (gboolean enabled,
                            gint64   now_usec);
/* Tests only. Moves the manual clock on and wakes @context (may be NULL:
 * the default context) so that timers that became due are seen. */
void   gcs_time_advance    (GMainContext *context,
                            gint64        usec);
/* Tests only. How many timer sources exist now, in any context. */
guint  gcs_time_count_timers (void);

typedef struct _GcsTimerSource GcsTimerSource;

typedef struct
{
  GcsTimerSource *source;
} GcsTimer;

/* Wakes @waker at @deadline (or soon after), on @waker's context. */
void gcs_timer_arm    (GcsTimer *self,
                       GcsWaker *waker,
                       gint64    deadline);
/* No wake needed for now. */
void gcs_timer_disarm (GcsTimer *self);
/* Removes the source. */
void gcs_timer_clear  (GcsTimer *self);

G_END_DECLS
