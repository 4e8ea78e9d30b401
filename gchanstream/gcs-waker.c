/* gcs-waker.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-lock-private.h"
#include "gcs-waker-private.h"

/**
 * SECTION:gcs-waker
 * @title: GcsWaker
 * @short_description: how a pending stream wakes its driver
 *
 * Only stream implementations deal with wakers: see #GcsStreamInterface.
 */

G_DEFINE_BOXED_TYPE (GcsWaker, gcs_waker, gcs_waker_ref, gcs_waker_unref)

GcsWaker *
gcs_waker_new (void)
{
  GcsWaker *self = g_new0 (GcsWaker, 1);

  gcs_ref_init (&self->ref_count);
  /* A new driver polls once before anything can wake it. */
  self->woken = 1;
  return self;
}

/**
 * gcs_waker_ref:
 * @self: a #GcsWaker
 *
 * Takes a reference, to wake the waker later.
 *
 * Returns: (transfer full): @self
 */
GcsWaker *
gcs_waker_ref (GcsWaker *self)
{
  gcs_ref_inc (&self->ref_count);
  return self;
}

/**
 * gcs_waker_unref:
 * @self: (transfer full): a #GcsWaker
 *
 * Drops a reference.
 */
void
gcs_waker_unref (GcsWaker *self)
{
  if (gcs_ref_dec (&self->ref_count))
    {
      g_clear_pointer (&self->context, g_main_context_unref);
      g_free (self);
    }
}

/**
 * gcs_waker_wake:
 * @self: a #GcsWaker
 *
 * Tells the driver to poll again. Thread-safe; waking a woken waker does
 * nothing more. Call it without holding a lock the driver may take.
 */
void
gcs_waker_wake (GcsWaker *self)
{
  if (g_atomic_int_get (&self->woken))
    return;
  if (g_atomic_int_compare_and_exchange (&self->woken, 0, 1) && self->context)
    g_main_context_wakeup (self->context);
}

/**
 * gcs_waker_get_context:
 * @self: a #GcsWaker
 *
 * The context the driver runs on: time combinators add their timeout
 * sources there.
 *
 * Returns: (transfer none) (nullable): the driver's #GMainContext
 */
GMainContext *
gcs_waker_get_context (GcsWaker *self)
{
  return self->context;
}

/**
 * gcs_waker_charge:
 * @self: a #GcsWaker
 *
 * Charges one item to the budget of the dispatch that polls: every item a
 * stream produces, hands over or discards counts. A dispatch may handle
 * about a thousand items, or a few milliseconds of work, before it yields
 * to the rest of the main loop (a GTK frame clock, input); this is how a
 * stream whose consumer discards everything still yields.
 *
 * A #GcsStreamInterface.poll_next that produces items from its own source
 * (not from an upstream stream, which charges already) calls this before
 * each item; when it returns %FALSE it wakes @self with gcs_waker_wake()
 * and returns %GCS_POLL_PENDING: the driver polls again on the next
 * iteration of the main loop.
 *
 * Returns: %TRUE to go on, %FALSE once the budget is spent
 */
gboolean
gcs_waker_charge (GcsWaker *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return gcs_waker_charge_inline (self);
}

/* Every 64 items, and when the count runs out: is time up? */
gboolean
gcs_waker_charge_slow (GcsWaker *self)
{
  if (self->budget <= 0)
    {
      self->budget = 0;
      return FALSE;
    }
  if (g_get_monotonic_time () >= self->deadline)
    {
      self->budget = 0;
      return FALSE;
    }
  return TRUE;
}

GSource *
gcs_driver_new (GSourceFuncs *funcs,
                guint         struct_size)
{
  GSource *source = g_source_new (funcs, struct_size);

  ((GcsDriver *) source)->waker = gcs_waker_new ();
  return source;
}

gboolean
gcs_driver_prepare (GSource *source,
                    gint    *timeout)
{
  *timeout = -1;
  return g_atomic_int_get (&((GcsDriver *) source)->waker->woken);
}

gboolean
gcs_driver_check (GSource *source)
{
  return g_atomic_int_get (&((GcsDriver *) source)->waker->woken);
}

/* The driver will not poll again: whatever still holds its waker (a
 * channel's queue of waiters) learns that nobody will come for it. */
void
gcs_driver_stop (GcsDriver *self)
{
  g_atomic_int_set (&self->waker->dead, 1);
}

void
gcs_driver_finalize (GSource *source)
{
  gcs_driver_stop ((GcsDriver *) source);
  g_clear_pointer (&((GcsDriver *) source)->waker, gcs_waker_unref);
}

/* Clears the flag before the driver polls, so that a wake that comes while
 * it polls is not lost, and returns the waker to hand to what it polls. */
GcsWaker *
gcs_driver_begin_dispatch (GcsDriver *self)
{
  if (G_UNLIKELY (self->waker->context == NULL))
    self->waker->context = g_main_context_ref (g_source_get_context (&self->source));
  g_atomic_int_set (&self->waker->woken, 0);
  self->waker->budget = GCS_DRIVER_BUDGET_ITEMS;
  self->waker->deadline = g_get_monotonic_time () + GCS_DRIVER_BUDGET_USEC;
  return self->waker;
}

/* The dispatch spent its budget with work left: run again on the next
 * iteration. We are on the context's own thread, so no wakeup is needed. */
void
gcs_driver_stay_ready (GcsDriver *self)
{
  g_atomic_int_set (&self->waker->woken, 1);
}
