/* gcs-watch.c: the watch channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One mutex guards the latest value, in an immutable refcounted box, and
 * its version. Handles that return the value keep a reference to the box
 * they returned, so reading copies nothing under the lock and a send never
 * waits for a reader. A send wakes the parked receivers after releasing the lock.
 */

#include "config.h"

#include "gcs-value-private.h"
#include "gcs-watch-private.h"

/**
 * SECTION:gcs-watch
 * @title: Watch channels
 * @short_description: the latest value, watched from main contexts
 *
 * A watch channel holds one value, replaced by each
 * gcs_watch_sender_send() from any thread, and tells its receivers when
 * it changed. A receiver that is slow sees only the latest value: a watch
 * channel carries state (a progress, a setting, a connection status), not
 * a sequence of events.
 *
 * |[<!-- language="C" -->
 * g_auto(GValue) initial = G_VALUE_INIT;
 * g_autoptr(GcsWatchSender) tx = NULL;
 * g_autoptr(GcsWatchReceiver) rx = NULL;
 * g_autoptr(GcsStream) fractions = NULL;
 *
 * g_value_init (&initial, G_TYPE_DOUBLE);
 * gcs_watch_new (&initial, &tx, &rx);
 * // on the GTK side, a progress bar follows the value
 * fractions = gcs_watch_stream_new (rx);
 * gcs_stream_bind_to_property (fractions, G_OBJECT (progress_bar), "fraction");
 * // a worker thread: gcs_watch_sender_send (tx, &fraction, NULL);
 * ]|
 *
 * Each receiver remembers the last version it has seen; the initial value
 * counts as seen. gcs_watch_receiver_changed_async() completes at once if
 * an unseen version exists, even after every sender is gone, and fails
 * with %GCS_CHANNEL_ERROR_CLOSED once every sender handle is closed or
 * finalized and the latest value was seen. A send stores the value even
 * when no receiver exists: receivers subscribed later see it.
 */

struct _GcsWatchChan
{
  GcsChanCore   core;        /* its receivers are GcsWatchRx */
  GcsValueBox  *current;
  guint64       version;
};

static void
gcs_watch_chan_free (gpointer data)
{
  GcsWatchChan *self = data;

  gcs_value_box_unref (self->current);
  g_free (self);
}

GcsWatchChan *
gcs_watch_chan_new (const GValue *initial)
{
  GcsWatchChan *self = g_new0 (GcsWatchChan, 1);
  GValue value = G_VALUE_INIT;

  gcs_chan_core_init (&self->core, G_VALUE_TYPE (initial), gcs_watch_chan_free);
  gcs_value_copy_new (initial, &value);
  self->current = gcs_value_box_new (&value);
  return self;
}

GcsWatchChan *
gcs_watch_chan_ref (GcsWatchChan *self)
{
  gcs_chan_core_ref (&self->core);
  return self;
}

void
gcs_watch_chan_unref (GcsWatchChan *self)
{
  gcs_chan_core_unref (&self->core);
}

GcsChanCore *
gcs_watch_chan_get_core (GcsWatchChan *self)
{
  return &self->core;
}

GType
gcs_watch_chan_get_item_type (GcsWatchChan *self)
{
  return self->core.item_type;
}

gboolean
gcs_watch_chan_add_sender (GcsWatchChan *self)
{
  return gcs_chan_core_add_sender (&self->core);
}

void
gcs_watch_chan_remove_sender (GcsWatchChan *self)
{
  gcs_chan_core_remove_sender (&self->core);
}

/* Stores *@value (moved) as the latest version, and wakes the receivers.
 * With @if_changed, not when it equals the current value
 * (gcs_value_equal(), as distinct_until_changed): then nothing changes,
 * no receiver wakes, *@value is left to the caller and the result is
 * FALSE. Compared under the lock, so two senders cannot both see
 * "different". */
static gboolean
gcs_watch_chan_store (GcsWatchChan *self,
                      GValue       *value,
                      gboolean      if_changed)
{
  GcsValueBox *box = gcs_value_box_new (value);
  GcsValueBox *old;
  GcsWakeList wakers = GCS_WAKE_LIST_INIT;

  gcs_mutex_lock (&self->core.lock);
  if (if_changed && gcs_value_equal (&self->current->value, &box->value))
    {
      gcs_mutex_unlock (&self->core.lock);
      /* The caller's value back: the box was never shared. */
      *value = box->value;
      g_free (box);
      return FALSE;
    }
  old = self->current;
  self->current = box;
  self->version++;
  gcs_chan_core_wake_all_locked (&self->core, &wakers);
  gcs_mutex_unlock (&self->core.lock);

  gcs_value_box_unref (old);
  gcs_wake_list_wake (&wakers);
  return TRUE;
}

void
gcs_watch_chan_send (GcsWatchChan *self,
                     GValue       *value)
{
  gcs_watch_chan_store (self, value, FALSE);
}

/* The latest value (a reference) and its version. */
GcsValueBox *
gcs_watch_chan_get (GcsWatchChan *self,
                    guint64      *version)
{
  GcsValueBox *box;

  gcs_mutex_lock (&self->core.lock);
  box = gcs_value_box_ref (self->current);
  *version = self->version;
  gcs_mutex_unlock (&self->core.lock);
  return box;
}

void
gcs_watch_chan_add_receiver (GcsWatchChan *self,
                             GcsWatchRx   *rx)
{
  gcs_chan_core_add_receiver (&self->core, rx);
}

void
gcs_watch_chan_remove_receiver (GcsWatchChan *self,
                                GcsWatchRx   *rx)
{
  gcs_chan_core_remove_receiver (&self->core, rx);
  gcs_core_rx_clear (rx);
}

gboolean
gcs_watch_chan_has_changed (GcsWatchChan *self,
                            guint64       seen)
{
  gboolean changed;

  gcs_mutex_lock (&self->core.lock);
  changed = self->version != seen;
  gcs_mutex_unlock (&self->core.lock);
  return changed;
}

/* READY when the version is not @seen (or with @force): *@version is the
 * latest, *@box (if @box) a reference to it. DONE once every sender is gone
 * and the latest was seen; PENDING otherwise (@waker, if any, parked). */
GcsPoll
gcs_watch_chan_poll (GcsWatchChan  *self,
                     GcsWatchRx    *rx,
                     guint64        seen,
                     gboolean       force,
                     GcsWaker      *waker,
                     GcsValueBox  **box,
                     guint64       *version)
{
  GcsPoll result;

  gcs_mutex_lock (&self->core.lock);
  if (force || self->version != seen)
    {
      if (box != NULL)
        *box = gcs_value_box_ref (self->current);
      *version = self->version;
      result = GCS_POLL_READY;
    }
  else if (self->core.n_senders == 0)
    result = GCS_POLL_DONE;
  else
    {
      gcs_chan_core_park_locked (&self->core, rx, waker);
      result = GCS_POLL_PENDING;
    }
  gcs_mutex_unlock (&self->core.lock);
  return result;
}

void
gcs_watch_chan_forget_waker (GcsWatchChan *self,
                             GcsWatchRx   *rx,
                             GcsWaker     *waker)
{
  gcs_chan_core_forget_waker (&self->core, rx, waker, FALSE);
}

/**
 * gcs_watch_new:
 * @initial: the initial value; its type is the channel's item type
 * @tx: (out) (transfer full): the sender
 * @rx: (out) (transfer full): a receiver, which has seen @initial
 *
 * Creates a watch channel holding a copy of @initial.
 */
void
gcs_watch_new (const GValue      *initial,
               GcsWatchSender   **tx,
               GcsWatchReceiver **rx)
{
  GcsWatchChan *chan;

  g_return_if_fail (GCS_IS_VALUE (initial));
  g_return_if_fail (tx != NULL);
  g_return_if_fail (rx != NULL);

  chan = gcs_watch_chan_new (initial);
  *tx = gcs_watch_sender_new_for_chan (chan);
  *rx = gcs_watch_receiver_new_for_chan (chan, 0);
  gcs_watch_chan_unref (chan);
}

/* Additions of 2026-12 */

gboolean
gcs_watch_chan_send_if_changed (GcsWatchChan *self,
                                GValue       *value)
{
  return gcs_watch_chan_store (self, value, TRUE);
}
