/* gcs-watch-receiver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-poll-task-private.h"
#include "gcs-value-private.h"
#include "gcs-watch-private.h"

/**
 * SECTION:gcs-watch-receiver
 * @title: GcsWatchReceiver
 * @short_description: a receiving end of a watch channel
 *
 * A #GcsWatchReceiver reads the latest value of a watch channel
 * (gcs_watch_receiver_get_value()) and waits for changes
 * (gcs_watch_receiver_changed_async()) on one #GMainContext. It remembers
 * the last version it has seen: a receiver that is slow sees only the
 * latest value. For several consumers, use gcs_watch_receiver_clone() or
 * gcs_watch_sender_subscribe(): each receiver has its own seen version.
 */

/**
 * GcsWatchReceiver:
 *
 * A receiving end of a watch channel.
 */
struct _GcsWatchReceiver
{
  GObject           parent_instance;
  GcsWatchChan     *chan;
  GcsWatchRx        rx;
  guint64           seen;      /* the version last seen */
  GcsValueBox      *current;   /* what get_value returned */
  GMainContext     *context;   /* the consuming context, once claimed */
};

G_DEFINE_FINAL_TYPE (GcsWatchReceiver, gcs_watch_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GcsWatchReceiver *
gcs_watch_receiver_new_for_chan (GcsWatchChan *chan,
                                 guint64       seen)
{
  GcsWatchReceiver *self = g_object_new (GCS_TYPE_WATCH_RECEIVER, NULL);

  self->chan = gcs_watch_chan_ref (chan);
  self->seen = seen;
  gcs_watch_chan_add_receiver (chan, &self->rx);
  return self;
}

static void
gcs_watch_receiver_finalize (GObject *object)
{
  GcsWatchReceiver *self = GCS_WATCH_RECEIVER (object);

  if (self->chan != NULL)
    {
      gcs_watch_chan_remove_receiver (self->chan, &self->rx);
      gcs_watch_chan_unref (self->chan);
      gcs_consumer_release_context (&self->context);
    }
  g_clear_pointer (&self->current, gcs_value_box_unref);

  G_OBJECT_CLASS (gcs_watch_receiver_parent_class)->finalize (object);
}

static void
gcs_watch_receiver_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GcsWatchReceiver *self = GCS_WATCH_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, gcs_watch_receiver_get_item_type (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_watch_receiver_class_init (GcsWatchReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_watch_receiver_finalize;
  object_class->get_property = gcs_watch_receiver_get_property;

  /**
   * GcsWatchReceiver:item-type:
   *
   * The #GType of the value: the type of the initial value.
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", "Item type",
                        "The GType of the value, that of the initial value",
                        G_TYPE_NONE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_watch_receiver_init (GcsWatchReceiver *self)
{
}

/* With @seen, waits for a version other than *@seen (a changed_async
 * call's snapshot), else for one the receiver has not seen. */
static GcsPoll
gcs_watch_receiver_poll_since (GcsWatchReceiver  *self,
                               const guint64     *seen,
                               GcsWaker          *waker,
                               gboolean           force,
                               GValue            *value,
                               GError           **error)
{
  GcsValueBox *box = NULL;
  guint64 version;
  GcsPoll result;

  if (waker != NULL &&
      !gcs_consumer_claim_context (&self->context, gcs_waker_get_context (waker), self, error))
    return GCS_POLL_ERROR;
  result = gcs_watch_chan_poll (self->chan, &self->rx, seen ? *seen : self->seen, force, waker,
                                value ? &box : NULL, &version);
  if (result == GCS_POLL_READY)
    {
      self->seen = version;
      if (box != NULL)
        gcs_value_box_take (box, value);
    }
  return result;
}

GcsPoll
gcs_watch_receiver_poll (GcsWatchReceiver  *self,
                         GcsWaker          *waker,
                         gboolean           force,
                         GValue            *value,
                         GError           **error)
{
  return gcs_watch_receiver_poll_since (self, NULL, waker, force, value, error);
}

void
gcs_watch_receiver_forget_waker (GcsWatchReceiver *self,
                                 GcsWaker         *waker)
{
  gcs_watch_chan_forget_waker (self->chan, &self->rx, waker);
}

/**
 * gcs_watch_receiver_get_value:
 * @self: a #GcsWatchReceiver
 *
 * The latest value, which @self has now seen.
 *
 * Returns: (transfer none): the latest value, owned by @self and valid
 *   until the next gcs_watch_receiver_get_value() on it
 */
const GValue *
gcs_watch_receiver_get_value (GcsWatchReceiver *self)
{
  GcsValueBox *old;

  g_return_val_if_fail (GCS_IS_WATCH_RECEIVER (self), NULL);

  old = self->current;
  self->current = gcs_watch_chan_get (self->chan, &self->seen);
  if (old != NULL)
    gcs_value_box_unref (old);
  return &self->current->value;
}

/**
 * gcs_watch_receiver_has_changed:
 * @self: a #GcsWatchReceiver
 *
 * Whether a value was sent that @self has not seen. It does not mark it
 * seen.
 *
 * Returns: %TRUE if an unseen version exists
 */
gboolean
gcs_watch_receiver_has_changed (GcsWatchReceiver *self)
{
  g_return_val_if_fail (GCS_IS_WATCH_RECEIVER (self), FALSE);

  return gcs_watch_chan_has_changed (self->chan, self->seen);
}

static GcsPoll
changed_poll (gpointer   owner,
              gpointer   data,
              GcsWaker  *waker,
              GValue    *value,
              GError   **error)
{
  GcsPoll result = gcs_watch_receiver_poll_since (owner, data, waker, FALSE, NULL, error);

  if (result == GCS_POLL_DONE)
    {
      g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                           "Every sender of the watch channel is closed");
      return GCS_POLL_ERROR;
    }
  return result;
}

static void
changed_forget_waker (gpointer  owner,
                      GcsWaker *waker)
{
  gcs_watch_receiver_forget_waker (owner, waker);
}

/**
 * gcs_watch_receiver_changed_async:
 * @self: a #GcsWatchReceiver
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called once the value
 *   changed
 * @user_data: data for @callback
 *
 * Waits, on the thread-default context, until a version @self has not seen
 * exists; at once if one does, even when every sender is gone. On success
 * the latest version counts as seen: read it with
 * gcs_watch_receiver_get_value(). A wait that completes with
 * %G_IO_ERROR_CANCELLED has marked nothing seen.
 */
void
gcs_watch_receiver_changed_async (GcsWatchReceiver    *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_WATCH_RECEIVER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcs_watch_receiver_changed_async);
  g_task_set_name (task, "[gchanstream] watch changed");
  /* Every pending call completes on a change: each waits for a version
   * other than the one seen when it was made. */
  gcs_poll_task_run_full (task, changed_poll, changed_forget_waker,
                          g_memdup2 (&self->seen, sizeof self->seen), g_free);
}

/**
 * gcs_watch_receiver_changed_finish:
 * @self: a #GcsWatchReceiver
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_watch_receiver_changed_async().
 *
 * Returns: %TRUE if the value changed; %FALSE with
 *   %GCS_CHANNEL_ERROR_CLOSED when every sender handle is gone and @self
 *   has seen the latest value, or with %G_IO_ERROR_CANCELLED
 */
gboolean
gcs_watch_receiver_changed_finish (GcsWatchReceiver  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (GCS_IS_WATCH_RECEIVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcs_watch_receiver_changed_async, FALSE);

  gcs_poll_task_propagate (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/**
 * gcs_watch_receiver_clone:
 * @self: a #GcsWatchReceiver
 *
 * Makes another receiver on the same channel, which has seen what @self
 * has seen.
 *
 * Returns: (transfer full): a new #GcsWatchReceiver
 */
GcsWatchReceiver *
gcs_watch_receiver_clone (GcsWatchReceiver *self)
{
  g_return_val_if_fail (GCS_IS_WATCH_RECEIVER (self), NULL);

  return gcs_watch_receiver_new_for_chan (self->chan, self->seen);
}

/**
 * gcs_watch_receiver_get_item_type:
 * @self: a #GcsWatchReceiver
 *
 * Gets the #GcsWatchReceiver:item-type property.
 *
 * Returns: the #GcsWatchReceiver:item-type
 */
GType
gcs_watch_receiver_get_item_type (GcsWatchReceiver *self)
{
  g_return_val_if_fail (GCS_IS_WATCH_RECEIVER (self), G_TYPE_INVALID);

  return gcs_watch_chan_get_item_type (self->chan);
}

/* Additions of 2026-12: peek_value, wait_for */

/**
 * gcs_watch_receiver_peek_value:
 * @self: a #GcsWatchReceiver
 *
 * The latest value, without marking it seen: gcs_watch_receiver_has_changed()
 * and gcs_watch_receiver_changed_async() answer as before (tokio's
 * `borrow`, where gcs_watch_receiver_get_value() is `borrow_and_update`).
 *
 * Returns: (transfer none): the latest value, owned by @self and valid
 *   until the next gcs_watch_receiver_get_value() or
 *   gcs_watch_receiver_peek_value() on it
 */
const GValue *
gcs_watch_receiver_peek_value (GcsWatchReceiver *self)
{
  GcsValueBox *old;
  guint64 version;

  g_return_val_if_fail (GCS_IS_WATCH_RECEIVER (self), NULL);

  old = self->current;
  self->current = gcs_watch_chan_get (self->chan, &version);
  if (old != NULL)
    gcs_value_box_unref (old);
  return &self->current->value;
}

/* One wait_for call. */
typedef struct
{
  GcsPredicateFunc func;
  gpointer         user_data;
  GDestroyNotify   destroy;
  guint64          checked;     /* the version the predicate refused */
  gboolean         any_checked;
} WaitFor;

static void
wait_for_free (gpointer data)
{
  WaitFor *wait = data;

  if (wait->destroy != NULL)
    wait->destroy (wait->user_data);
  g_free (wait);
}

/* The current value first, whatever was seen (tokio's wait_for), then
 * each version other than the last one refused. The predicate runs
 * outside the channel's lock on a reference to the value; the version it
 * refused is what the next poll waits to change, under the lock, so a
 * send between the two is never missed. */
static GcsPoll
wait_for_poll (gpointer   owner,
               gpointer   data,
               GcsWaker  *waker,
               GValue    *value,
               GError   **error)
{
  GcsWatchReceiver *self = owner;
  WaitFor *wait = data;

  if (!gcs_consumer_claim_context (&self->context, gcs_waker_get_context (waker), self, error))
    return GCS_POLL_ERROR;

  for (;;)
    {
      GcsValueBox *box = NULL;
      guint64 version;
      GError *local_error = NULL;
      GcsPoll result;
      gboolean holds;

      result = gcs_watch_chan_poll (self->chan, &self->rx, wait->checked, !wait->any_checked,
                                    waker, &box, &version);
      if (result == GCS_POLL_DONE)
        {
          g_set_error_literal (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                               "Every sender of the watch channel is closed, "
                               "and its last value does not satisfy the predicate");
          return GCS_POLL_ERROR;
        }
      if (result != GCS_POLL_READY)
        return result;

      holds = wait->func (&box->value, wait->user_data, &local_error);
      if (local_error != NULL)
        {
          gcs_value_box_unref (box);
          g_propagate_error (error, local_error);
          return GCS_POLL_ERROR;
        }
      if (holds)
        {
          self->seen = version;
          gcs_value_box_take (box, value);
          return GCS_POLL_READY;
        }
      gcs_value_box_unref (box);
      wait->checked = version;
      wait->any_checked = TRUE;
      /* A sender that keeps changing the value cannot hold the context. */
      if (!gcs_waker_charge_inline (waker))
        return gcs_waker_yield (waker);
    }
}

/**
 * gcs_watch_receiver_wait_for_async:
 * @self: a #GcsWatchReceiver
 * @predicate: (scope notified) (closure predicate_data) (destroy predicate_destroy):
 *   decides whether a value is the one to wait for
 * @predicate_data: data for @predicate
 * @predicate_destroy: (nullable): frees @predicate_data once the wait is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the value
 * @user_data: data for @callback
 *
 * Waits, on the thread-default context, for the first value, current or
 * later, for which @predicate returns %TRUE, and marks it seen (tokio's
 * wait_for). The current value is checked first, even if it was seen
 * already; then each new version, the latest one only when several
 * arrive between two checks. There is no race: a value sent while the
 * predicate runs is checked next. @predicate runs on the waiting context's
 * thread.
 *
 * It fails with %GCS_CHANNEL_ERROR_CLOSED once every sender handle is
 * closed and the last value did not satisfy @predicate, with the error
 * @predicate sets, or with %G_IO_ERROR_CANCELLED.
 */
void
gcs_watch_receiver_wait_for_async (GcsWatchReceiver    *self,
                                   GcsPredicateFunc     predicate,
                                   gpointer             predicate_data,
                                   GDestroyNotify       predicate_destroy,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WaitFor *wait;

  g_return_if_fail (GCS_IS_WATCH_RECEIVER (self));
  g_return_if_fail (predicate != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  wait = g_new0 (WaitFor, 1);
  wait->func = predicate;
  wait->user_data = predicate_data;
  wait->destroy = predicate_destroy;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcs_watch_receiver_wait_for_async);
  g_task_set_name (task, "[gchanstream] watch wait_for");
  gcs_poll_task_run_full (task, wait_for_poll, changed_forget_waker, wait, wait_for_free);
}

/**
 * gcs_watch_receiver_wait_for_finish:
 * @self: a #GcsWatchReceiver
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_watch_receiver_wait_for_async().
 *
 * Returns: (transfer none) (nullable): the value that satisfied the
 *   predicate, owned by @result; %NULL with an error otherwise
 */
const GValue *
gcs_watch_receiver_wait_for_finish (GcsWatchReceiver  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (GCS_IS_WATCH_RECEIVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcs_watch_receiver_wait_for_async, NULL);

  return gcs_poll_task_propagate (G_TASK (result), error);
}
