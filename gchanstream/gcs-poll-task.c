/* gcs-poll-task.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-lock-private.h"
#include "gcs-poll-task-private.h"
#include "gcs-stream-private.h"
#include "gcs-waker-private.h"

typedef struct
{
  GcsDriver           driver;
  gpointer            owner;        /* a reference */
  GcsPollTaskFunc     poll;
  GcsForgetWakerFunc  forget;
  GCancellable       *cancellable;  /* once cancelled, take nothing */
  gpointer            data;         /* for poll */
  GDestroyNotify      destroy;
} PollSource;

/* The task's data. The poll source holds the task as its callback data,
 * so destroying it lets the task go. A cancellation wakes the poll source
 * through its waker (not a GCancellableSource: GLib 2.74 leaks one that is
 * destroyed while another thread cancels its cancellable). */
typedef struct
{
  GValue        value;
  GSource      *poll_source;
  GCancellable *cancellable;
  gulong        cancel_handler;
} PollTaskData;

static void
poll_task_data_stop (PollTaskData *data)
{
  PollSource *source = (PollSource *) data->poll_source;

  /* Out of the receiver's queue of waiters now, not when the task goes
   * (a binding may keep it for long). */
  gcs_driver_stop (&source->driver);
  if (source->owner != NULL && source->forget != NULL)
    source->forget (source->owner, source->driver.waker);
  source->forget = NULL;   /* done: finalize need not again */
  g_source_destroy (data->poll_source);
  /* Not g_cancellable_disconnect(): it would deadlock if called from
   * inside the cancellable's emission on this thread. A handler still
   * running elsewhere only wakes a waker it holds a reference to. */
  if (data->cancel_handler != 0)
    g_signal_handler_disconnect (data->cancellable, data->cancel_handler);
  data->cancel_handler = 0;
}

static void
poll_task_data_free (gpointer p)
{
  PollTaskData *data = p;

  if (gcs_value_is_set (&data->value))
    gcs_value_clear (&data->value);
  if (data->poll_source != NULL)
    poll_task_data_stop (data);
  g_clear_pointer (&data->poll_source, g_source_unref);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static gboolean
poll_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  PollSource *self = (PollSource *) source;
  GTask *task = user_data;
  PollTaskData *data = g_task_get_task_data (task);
  GcsWaker *waker = gcs_driver_begin_dispatch (&self->driver);
  GValue value = G_VALUE_INIT;
  GError *error = NULL;
  GcsPoll poll;

  /* Cancelled: take nothing. (Not g_task_return_error_if_cancelled: the
   * cancellable may have been reset meanwhile, and the task must end.) */
  if (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable))
    {
      poll_task_data_stop (data);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "Operation was cancelled");
      return G_SOURCE_REMOVE;
    }

  poll = self->poll (self->owner, self->data, waker, &value, &error);
  if (poll == GCS_POLL_PENDING)
    return G_SOURCE_CONTINUE;

  poll_task_data_stop (data);
  switch (poll)
    {
    case GCS_POLL_READY:
      gcs_value_move (&data->value, &value);
      g_task_return_pointer (task, &data->value, NULL);
      break;
    case GCS_POLL_DONE:
      g_task_return_pointer (task, NULL, NULL);
      break;
    case GCS_POLL_ERROR:
    case GCS_POLL_PENDING:
    default:
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "The receive failed");
      g_task_return_error (task, error);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
poll_source_finalize (GSource *source)
{
  PollSource *self = (PollSource *) source;

  if (self->owner != NULL)
    {
      if (self->forget != NULL)
        self->forget (self->owner, self->driver.waker);
      g_clear_object (&self->owner);
    }
  g_clear_object (&self->cancellable);
  if (self->destroy != NULL)
    g_clear_pointer (&self->data, self->destroy);
  gcs_driver_finalize (source);
}

static GSourceFuncs poll_source_funcs = {
  .prepare = gcs_driver_prepare,
  .check = gcs_driver_check,
  .dispatch = poll_source_dispatch,
  .finalize = poll_source_finalize,
};

/* Any thread: the poll source's dispatch completes the task. */
static void
poll_task_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  /* The waker comes through GLib's own (uninstrumented) locks, and its
   * reference goes after this handler returns: tell TSan. */
  gcs_tsan_acquire (user_data);
  gcs_waker_wake (user_data);
  gcs_tsan_release (user_data);
}

static void
poll_task_cancelled_data_free (gpointer waker)
{
  gcs_tsan_acquire (waker);
  gcs_waker_unref (waker);
}

/* Never called: the poll source's dispatch uses only the callback data. */
static gboolean
unused_source_func (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/* Completes @task, whose source object is the receiver to poll, with the
 * first answer of @poll that is not PENDING: a value owned by the task, NULL
 * for DONE, or the error. */
void
gcs_poll_task_run (GTask              *task,
                   GcsPollTaskFunc     poll,
                   GcsForgetWakerFunc  forget)
{
  gcs_poll_task_run_full (task, poll, forget, NULL, NULL);
}

/* The same, with @data for @poll, freed with @destroy. */
void
gcs_poll_task_run_full (GTask              *task,
                        GcsPollTaskFunc     poll,
                        GcsForgetWakerFunc  forget,
                        gpointer            poll_data,
                        GDestroyNotify      destroy)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  GMainContext *context = g_task_get_context (task);
  PollTaskData *data;
  PollSource *source;

  if (g_task_return_error_if_cancelled (task))
    {
      if (destroy != NULL)
        destroy (poll_data);
      return;
    }
  /* What the poll took is delivered even if the cancellable fires
   * meanwhile: a cancelled receive has taken nothing. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (PollTaskData, 1);
  g_task_set_task_data (task, data, poll_task_data_free);

  data->poll_source = gcs_driver_new (&poll_source_funcs, sizeof (PollSource));
  source = (PollSource *) data->poll_source;
  source->owner = g_object_ref (g_task_get_source_object (task));
  source->poll = poll;
  source->forget = forget;
  source->data = poll_data;
  source->destroy = destroy;
  source->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_source_set_static_name (data->poll_source, "[gchanstream] receive");
  g_source_set_callback (data->poll_source, unused_source_func, g_object_ref (task), g_object_unref);
  g_source_attach (data->poll_source, context);

  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      gcs_tsan_release (source->driver.waker);
      data->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (poll_task_cancelled_cb),
                                                    gcs_waker_ref (source->driver.waker),
                                                    poll_task_cancelled_data_free);
    }
}

/* The value of a task run by gcs_poll_task_run(), owned by the task. */
const GValue *
gcs_poll_task_propagate (GTask   *task,
                         GError **error)
{
  return g_task_propagate_pointer (task, error);
}
