/* gcs-stream-terminal.c: next, for_each, collect, fold, count, forward, bind_to_property
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each is a GTask for the call and a driver for the items: no per-item
 * task or main loop iteration.
 */

#include "config.h"

#include "gcs-dbus-sink.h"
#include "gcs-error.h"
#include "gcs-sender.h"
#include "gcs-sink.h"
#include "gcs-stream-driver-private.h"

static GTask *
terminal_task_new (GcsStream           *self,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data,
                   gpointer             source_tag,
                   const char          *name)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  return task;
}

/* @init_data starts with the user's GcsCallback when @has_callback: it is
 * freed if the stream refuses a second consumer. */
static void
terminal_start (GcsStream                *self,
                gboolean                  borrow,
                const GcsStreamDriverOps *ops,
                GTask                    *task,
                gsize                     data_size,
                void                    (*init) (GcsStreamDriver *driver, gpointer init_data),
                gpointer                  init_data,
                gboolean                  has_callback)
{
  GcsStreamDriver *driver = gcs_stream_driver_new (self, borrow, ops, task, data_size);

  if (driver == NULL)
    {
      if (has_callback)
        gcs_callback_clear (init_data);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "The stream is already consumed");
      return;
    }
  if (init != NULL)
    init (driver, init_data);
  gcs_stream_driver_start (driver, g_task_get_context (task));
}

/* Finishing helpers: a value owned by the task, or nothing. */

static void
value_free (gpointer value)
{
  gcs_value_clear (value);
  g_free (value);
}

static void
return_value (GTask  *task,
              GValue *value)
{
  GValue *owned = g_new0 (GValue, 1);

  gcs_value_move (owned, value);
  /* The task owns the value; finish hands it out transfer none. */
  g_object_set_data_full (G_OBJECT (task), "gcs-value", owned, value_free);
  g_task_return_pointer (task, owned, NULL);
}

static const GValue *
propagate_value (GcsStream    *self,
                 GAsyncResult *result,
                 gpointer      source_tag,
                 GError      **error)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
propagate_boolean (GcsStream    *self,
                   GAsyncResult *result,
                   gpointer      source_tag,
                   GError      **error)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* next */

typedef struct
{
  GValue item;
} NextData;

static GcsStep
next_item (GcsStreamDriver  *driver,
           GValue           *item,
           GError          **error)
{
  NextData *d = driver->data;

  gcs_value_move (&d->item, item);
  return GCS_STEP_STOP;
}

static void
next_finish (GcsStreamDriver *driver,
             GError          *error)
{
  NextData *d = driver->data;

  g_object_set_data (g_task_get_source_object (driver->task), "gcs-next-pending", NULL);
  if (error != NULL)
    g_task_return_error (driver->task, error);
  else if (gcs_value_is_set (&d->item))
    return_value (driver->task, &d->item);
  else
    g_task_return_pointer (driver->task, NULL, NULL);
}

static void
next_clear (GcsStreamDriver *driver)
{
  NextData *d = driver->data;

  if (gcs_value_is_set (&d->item))
    gcs_value_clear (&d->item);
}

static const GcsStreamDriverOps next_ops = { next_item, next_finish, next_clear };

/**
 * gcs_stream_next_async:
 * @self: a #GcsStream
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the item
 * @user_data: data for @callback
 *
 * Takes the next item. Calls may follow one another, but one at a time;
 * a stream taken over by a combinator or another terminal operation can't
 * be used with next.
 */
void
gcs_stream_next_async (GcsStream           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_STREAM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (g_object_get_data (G_OBJECT (self), "gcs-next-pending") != NULL)
    {
      g_critical ("gcs_stream_next_async() on stream %p while a next is pending: "
                  "a stream has one consumer", self);
      return;
    }
  task = terminal_task_new (self, cancellable, callback, user_data,
                            gcs_stream_next_async, "[gchanstream] next");
  g_object_set_data (G_OBJECT (self), "gcs-next-pending", GINT_TO_POINTER (TRUE));
  terminal_start (self, TRUE, &next_ops, task, sizeof (NextData), NULL, NULL, FALSE);
}

/**
 * gcs_stream_next_finish:
 * @self: a #GcsStream
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_stream_next_async().
 *
 * Returns: (transfer none) (nullable): the item, owned by @result; %NULL
 *   without error at the end of the stream
 */
const GValue *
gcs_stream_next_finish (GcsStream     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return propagate_value (self, result, gcs_stream_next_async, error);
}

/* for_each */

typedef struct
{
  GcsCallback cb;
} ForEachData;

static GcsStep
for_each_item (GcsStreamDriver  *driver,
               GValue           *item,
               GError          **error)
{
  ForEachData *d = driver->data;
  GError *local_error = NULL;

  ((GcsVisitFunc) d->cb.func) (item, d->cb.data, &local_error);
  gcs_value_clear (item);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return GCS_STEP_STOP;
    }
  return GCS_STEP_CONTINUE;
}

static void
finish_boolean (GcsStreamDriver *driver,
                GError          *error)
{
  if (error != NULL)
    g_task_return_error (driver->task, error);
  else
    g_task_return_boolean (driver->task, TRUE);
}

static void
callback_data_clear (GcsStreamDriver *driver)
{
  /* Every op's data that holds a callback starts with it. */
  gcs_callback_clear (driver->data);
}

static void
set_callback (GcsStreamDriver *driver,
              gpointer         init_data)
{
  *(GcsCallback *) driver->data = *(GcsCallback *) init_data;
}

static const GcsStreamDriverOps for_each_ops = { for_each_item, finish_boolean, callback_data_clear };

/**
 * gcs_stream_for_each_async:
 * @self: a #GcsStream
 * @func: (scope notified) (closure func_data) (destroy func_destroy): called
 *   for each item, on the thread-default context
 * @func_data: data for @func
 * @func_destroy: (nullable): frees @func_data
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called at the end
 * @user_data: data for @callback
 *
 * Calls @func for every item. Completes at the end of the stream, or with
 * the error the stream or @func failed with.
 */
void
gcs_stream_for_each_async (GcsStream           *self,
                           GcsVisitFunc         func,
                           gpointer             func_data,
                           GDestroyNotify       func_destroy,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GcsCallback cb = { func, func_data, func_destroy };

  g_return_if_fail (GCS_IS_STREAM (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = terminal_task_new (self, cancellable, callback, user_data,
                            gcs_stream_for_each_async, "[gchanstream] for_each");
  terminal_start (self, FALSE, &for_each_ops, task, sizeof (ForEachData), set_callback, &cb, TRUE);
}

/**
 * gcs_stream_for_each_finish:
 * @self: a #GcsStream
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_stream_for_each_async().
 *
 * Returns: %TRUE if the stream ended normally
 */
gboolean
gcs_stream_for_each_finish (GcsStream     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return propagate_boolean (self, result, gcs_stream_for_each_async, error);
}

/* collect */

typedef struct
{
  GArray *items;
} CollectData;

static GcsStep
collect_item (GcsStreamDriver  *driver,
              GValue           *item,
              GError          **error)
{
  CollectData *d = driver->data;

  g_array_append_vals (d->items, item, 1);
  *item = (GValue) G_VALUE_INIT;
  return GCS_STEP_CONTINUE;
}

static void
collect_finish (GcsStreamDriver *driver,
                GError          *error)
{
  CollectData *d = driver->data;
  GValue value = G_VALUE_INIT;

  if (error != NULL)
    {
      g_task_return_error (driver->task, error);
      return;
    }
  gcs_value_take_sequence (&value, (GValue *) (void *) d->items->data, d->items->len);
  g_array_set_size (d->items, 0);
  return_value (driver->task, &value);
}

static void
collect_clear (GcsStreamDriver *driver)
{
  CollectData *d = driver->data;

  for (guint i = 0; i < d->items->len; i++)
    gcs_value_clear (&g_array_index (d->items, GValue, i));
  g_array_unref (d->items);
}

static void
collect_init (GcsStreamDriver *driver,
              gpointer         init_data)
{
  ((CollectData *) driver->data)->items = g_array_new (FALSE, TRUE, sizeof (GValue));
}

static const GcsStreamDriverOps collect_ops = { collect_item, collect_finish, collect_clear };

/**
 * gcs_stream_collect_async:
 * @self: a #GcsStream
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called at the end
 * @user_data: data for @callback
 *
 * Gathers every item into a list.
 */
void
gcs_stream_collect_async (GcsStream           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_STREAM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = terminal_task_new (self, cancellable, callback, user_data,
                            gcs_stream_collect_async, "[gchanstream] collect");
  terminal_start (self, FALSE, &collect_ops, task, sizeof (CollectData), collect_init, NULL, FALSE);
}

/**
 * gcs_stream_collect_finish:
 * @self: a #GcsStream
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_stream_collect_async().
 *
 * Returns: (transfer none) (nullable): a #GValue holding a #GValueArray of
 *   the items (a list in Python, an array in JavaScript), owned by @result;
 *   %NULL on error
 */
const GValue *
gcs_stream_collect_finish (GcsStream     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return propagate_value (self, result, gcs_stream_collect_async, error);
}

/* fold */

typedef struct
{
  GcsCallback cb;
  GValue      acc;
} FoldData;

typedef struct
{
  GcsCallback   cb;
  const GValue *init;
} FoldInit;

static GcsStep
fold_item (GcsStreamDriver  *driver,
           GValue           *item,
           GError          **error)
{
  FoldData *d = driver->data;
  GValue result = G_VALUE_INIT;
  GError *local_error = NULL;

  ((GcsFoldFunc) d->cb.func) (&d->acc, item, &result, d->cb.data, &local_error);
  gcs_value_clear (item);
  if (local_error != NULL || !gcs_value_check_result (&result, "fold", &local_error))
    {
      if (gcs_value_is_set (&result))
        gcs_value_clear (&result);
      g_propagate_error (error, local_error);
      return GCS_STEP_STOP;
    }
  gcs_value_clear (&d->acc);
  gcs_value_move (&d->acc, &result);
  return GCS_STEP_CONTINUE;
}

static void
fold_finish (GcsStreamDriver *driver,
             GError          *error)
{
  FoldData *d = driver->data;

  if (error != NULL)
    g_task_return_error (driver->task, error);
  else
    return_value (driver->task, &d->acc);
}

static void
fold_clear (GcsStreamDriver *driver)
{
  FoldData *d = driver->data;

  gcs_callback_clear (&d->cb);
  if (gcs_value_is_set (&d->acc))
    gcs_value_clear (&d->acc);
}

static void
fold_init (GcsStreamDriver *driver,
           gpointer         init_data)
{
  FoldData *d = driver->data;
  FoldInit *init = init_data;

  d->cb = init->cb;
  gcs_value_copy_new (init->init, &d->acc);
}

static const GcsStreamDriverOps fold_ops = { fold_item, fold_finish, fold_clear };

/**
 * gcs_stream_fold_async:
 * @self: a #GcsStream
 * @init: the first accumulator
 * @func: (scope notified) (closure func_data) (destroy func_destroy): combines
 *   the accumulator with each item
 * @func_data: data for @func
 * @func_destroy: (nullable): frees @func_data
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called at the end
 * @user_data: data for @callback
 *
 * Folds the stream into one value.
 */
void
gcs_stream_fold_async (GcsStream           *self,
                       const GValue        *init,
                       GcsFoldFunc          func,
                       gpointer             func_data,
                       GDestroyNotify       func_destroy,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FoldInit fold = { { func, func_data, func_destroy }, init };

  g_return_if_fail (GCS_IS_STREAM (self));
  g_return_if_fail (GCS_IS_VALUE (init));
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = terminal_task_new (self, cancellable, callback, user_data,
                            gcs_stream_fold_async, "[gchanstream] fold");
  terminal_start (self, FALSE, &fold_ops, task, sizeof (FoldData), fold_init, &fold, TRUE);
}

/**
 * gcs_stream_fold_finish:
 * @self: a #GcsStream
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_stream_fold_async().
 *
 * Returns: (transfer none) (nullable): the last accumulator (@init for an
 *   empty stream), owned by @result; %NULL on error
 */
const GValue *
gcs_stream_fold_finish (GcsStream     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return propagate_value (self, result, gcs_stream_fold_async, error);
}

/* count */

typedef struct
{
  guint64 count;
} CountData;

static GcsStep
count_item (GcsStreamDriver  *driver,
            GValue           *item,
            GError          **error)
{
  ((CountData *) driver->data)->count++;
  gcs_value_clear (item);
  return GCS_STEP_CONTINUE;
}

static void
count_finish (GcsStreamDriver *driver,
              GError          *error)
{
  if (error != NULL)
    {
      g_task_return_error (driver->task, error);
      return;
    }
  g_object_set_data_full (G_OBJECT (driver->task), "gcs-count",
                          g_memdup2 (driver->data, sizeof (CountData)), g_free);
  g_task_return_boolean (driver->task, TRUE);
}

static const GcsStreamDriverOps count_ops = { count_item, count_finish, NULL };

/**
 * gcs_stream_count_async:
 * @self: a #GcsStream
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called at the end
 * @user_data: data for @callback
 *
 * Counts the items.
 */
void
gcs_stream_count_async (GcsStream           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_STREAM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = terminal_task_new (self, cancellable, callback, user_data,
                            gcs_stream_count_async, "[gchanstream] count");
  terminal_start (self, FALSE, &count_ops, task, sizeof (CountData), NULL, NULL, FALSE);
}

/**
 * gcs_stream_count_finish:
 * @self: a #GcsStream
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_stream_count_async().
 *
 * Returns: the number of items; 0 with @error set on failure
 */
guint64
gcs_stream_count_finish (GcsStream     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  CountData *d;

  if (!propagate_boolean (self, result, gcs_stream_count_async, error))
    return 0;
  d = g_object_get_data (G_OBJECT (result), "gcs-count");
  return d->count;
}

/* forward */

typedef struct
{
  GcsSink      *sink;
  GCancellable *cancellable;
} ForwardData;

static void
forward_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  GcsStreamDriver *driver = g_object_get_data (G_OBJECT (task), "gcs-driver");
  GError *error = NULL;

  if (!gcs_sink_send_finish (GCS_SINK (source), result, &error))
    {
      if (driver != NULL)
        gcs_stream_driver_abort (driver, error);
      else
        g_error_free (error);
    }
  else if (driver != NULL)
    gcs_stream_driver_resume (driver);
}

static GcsStep
forward_item (GcsStreamDriver  *driver,
              GValue           *item,
              GError          **error)
{
  ForwardData *d = driver->data;
  GError *local_error = NULL;

  /* A channel sender or a D-Bus sink: try without waiting first; only a
   * full channel (or window) needs a task. */
  if (GCS_IS_SENDER (d->sink) || GCS_IS_DBUS_SINK (d->sink))
    {
      gboolean sent = GCS_IS_SENDER (d->sink)
        ? gcs_sender_try_send (GCS_SENDER (d->sink), item, &local_error)
        : gcs_dbus_sink_try_send (GCS_DBUS_SINK (d->sink), item, &local_error);

      if (sent || !g_error_matches (local_error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL))
        {
          gcs_value_clear (item);
          if (sent)
            return GCS_STEP_CONTINUE;
          g_propagate_error (error, local_error);
          return GCS_STEP_STOP;
        }
      g_clear_error (&local_error);
    }
  gcs_sink_send_async (d->sink, item, d->cancellable, forward_sent_cb, g_object_ref (driver->task));
  gcs_value_clear (item);
  return GCS_STEP_PAUSE;
}

static void
forward_closed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (gcs_sink_close_finish (GCS_SINK (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
forward_finish (GcsStreamDriver *driver,
                GError          *error)
{
  ForwardData *d = driver->data;

  g_object_set_data (G_OBJECT (driver->task), "gcs-driver", NULL);
  if (error != NULL)
    g_task_return_error (driver->task, error);
  else
    gcs_sink_close_async (d->sink, d->cancellable, forward_closed_cb, g_object_ref (driver->task));
}

static void
forward_clear (GcsStreamDriver *driver)
{
  ForwardData *d = driver->data;

  g_object_set_data (G_OBJECT (driver->task), "gcs-driver", NULL);
  g_clear_object (&d->sink);
  g_clear_object (&d->cancellable);
}

static const GcsStreamDriverOps forward_ops = { forward_item, forward_finish, forward_clear };

static void
forward_init (GcsStreamDriver *driver,
              gpointer         init_data)
{
  ForwardData *d = driver->data;

  d->sink = g_object_ref (init_data);
  d->cancellable = g_task_get_cancellable (driver->task);
  if (d->cancellable != NULL)
    g_object_ref (d->cancellable);
  g_object_set_data (G_OBJECT (driver->task), "gcs-driver", driver);
}

/**
 * gcs_stream_forward_async:
 * @self: a #GcsStream
 * @sink: the #GcsSink to send the items into
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called at the end
 * @user_data: data for @callback
 *
 * Sends every item into @sink, waiting for each send to complete, then
 * closes @sink. The stream is polled only while the sink takes items, so
 * a slow sink (a full bounded channel) holds the pipeline back rather than
 * letting items pile up.
 */
void
gcs_stream_forward_async (GcsStream           *self,
                          GcsSink             *sink,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GCS_IS_STREAM (self));
  g_return_if_fail (GCS_IS_SINK (sink));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = terminal_task_new (self, cancellable, callback, user_data,
                            gcs_stream_forward_async, "[gchanstream] forward");
  terminal_start (self, FALSE, &forward_ops, task, sizeof (ForwardData), forward_init, sink, FALSE);
}

/**
 * gcs_stream_forward_finish:
 * @self: a #GcsStream
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_stream_forward_async().
 *
 * Returns: %TRUE if every item was sent and the sink closed
 */
gboolean
gcs_stream_forward_finish (GcsStream     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return propagate_boolean (self, result, gcs_stream_forward_async, error);
}

/* bind_to_property */

typedef struct
{
  GWeakRef    object;
  GParamSpec *pspec;
} BindData;

static GcsStep
bind_item (GcsStreamDriver  *driver,
           GValue           *item,
           GError          **error)
{
  BindData *d = driver->data;
  g_autoptr(GObject) object = g_weak_ref_get (&d->object);

  if (object == NULL)
    {
      gcs_value_clear (item);
      return GCS_STEP_STOP;
    }
  g_object_set_property (object, d->pspec->name, item);
  gcs_value_clear (item);
  return GCS_STEP_CONTINUE;
}

static void
bind_finish (GcsStreamDriver *driver,
             GError          *error)
{
  if (error != NULL)
    {
      g_warning ("Stream bound to a property failed: %s", error->message);
      g_error_free (error);
    }
}

static void
bind_clear (GcsStreamDriver *driver)
{
  BindData *d = driver->data;

  g_weak_ref_clear (&d->object);
  g_param_spec_unref (d->pspec);
}

static const GcsStreamDriverOps bind_ops = { bind_item, bind_finish, bind_clear };

/**
 * gcs_stream_bind_to_property:
 * @self: a #GcsStream
 * @object: (type GObject.Object): the object to update
 * @property: the name of a writable property of @object
 *
 * Sets @property of @object to each item, on the thread-default context,
 * until the stream ends or @object is finalized (only a weak reference is
 * held). A progress bar fed by a watch channel is the classic use.
 *
 * Returns: the id of the driving source, for g_source_remove(); 0 on error
 */
guint
gcs_stream_bind_to_property (GcsStream  *self,
                             GObject    *object,
                             const char *property)
{
  g_autoptr(GMainContext) context = NULL;
  GcsStreamDriver *driver;
  GParamSpec *pspec;
  BindData *d;

  g_return_val_if_fail (GCS_IS_STREAM (self), 0);
  g_return_val_if_fail (G_IS_OBJECT (object), 0);
  g_return_val_if_fail (property != NULL, 0);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  if (pspec == NULL || !(pspec->flags & G_PARAM_WRITABLE) || (pspec->flags & G_PARAM_CONSTRUCT_ONLY))
    {
      g_critical ("%s has no writable property named '%s'", G_OBJECT_TYPE_NAME (object), property);
      return 0;
    }

  driver = gcs_stream_driver_new (self, FALSE, &bind_ops, NULL, sizeof (BindData));
  if (driver == NULL)
    return 0;
  d = driver->data;
  g_weak_ref_init (&d->object, object);
  d->pspec = g_param_spec_ref (pspec);
  context = g_main_context_ref_thread_default ();
  return gcs_stream_driver_start (driver, context);
}
