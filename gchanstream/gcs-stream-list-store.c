/* gcs-stream-list-store.c: gcs_stream_bind_to_list_store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A driver of its own rather than a GcsStreamDriver: it gathers the items
 * of one dispatch and hands them to the store in one splice at its end,
 * so a flood of rows costs a GtkListView one items-changed per dispatch,
 * and a dispatch stays within the budget every driver keeps.
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-list-store.h"
#include "gcs-stream-private.h"

/**
 * SECTION:gcs-list-store
 * @title: Streams into list stores
 * @short_description: feeding a GTK 4 list view
 *
 * A GTK 4 `GtkListView` (or `GtkColumnView`, `GtkGridView`) shows a
 * #GListModel; gcs_stream_bind_to_list_store() keeps a #GListStore, the
 * #GListModel of GIO, fed from a stream of #GObject items, so a list view
 * over it shows the stream. The library does not depend on GTK.
 *
 * - %GCS_LIST_STORE_APPEND: a live log. Each item is appended, each
 *   sequence of items (from gcs_stream_chunks(), say) appended as a
 *   whole; with a maximum, the oldest rows go so that at most that many
 *   remain.
 * - %GCS_LIST_STORE_REPLACE: search results. Each item, or each sequence
 *   of items, replaces the whole content.
 *
 * The items of one dispatch go into the store in one
 * g_list_store_splice() (two when old rows are trimmed), and a dispatch
 * takes a bounded batch at a priority just below GTK's redraw, so a list
 * view fed 100,000 rows at once stays responsive: the frame clock keeps
 * its rhythm between the batches.
 *
 * |[<!-- language="C" -->
 * GListStore *rows = g_list_store_new (MY_TYPE_LOG_ROW);
 * GtkSelectionModel *selection = GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (rows)));
 * GtkWidget *view = gtk_list_view_new (selection, factory);
 *
 * gcs_stream_bind_to_list_store (log_rows, rows, GCS_LIST_STORE_APPEND, 10000);
 * ]|
 */

/* Just below GTK's redraw (GDK_PRIORITY_REDRAW is G_PRIORITY_HIGH_IDLE +
 * 20): a dispatch that spent its budget stays ready, and at a higher
 * priority it would keep the frame clock from painting for as long as
 * rows keep coming. Measured with the GTK demo's flood of 100,000 rows:
 * at G_PRIORITY_DEFAULT the clock ticked once in 2 s. */
#define LIST_STORE_PRIORITY (G_PRIORITY_HIGH_IDLE + 30)

/* Objects in one dispatch, at most: beyond it the rest waits for the next
 * dispatch (a sequence item is taken whole). */
#define MAX_OBJECTS_PER_DISPATCH (4 * GCS_DRIVER_BUDGET_ITEMS)

typedef struct
{
  GcsDriver        driver;
  GcsUpstream      up;
  GWeakRef         store;
  GType            item_type;
  GcsListStoreMode mode;
  guint            max_items;
  gboolean         finished;
} ListStoreSource;

static void
list_store_source_finish (ListStoreSource *self,
                          GError          *error)
{
  self->finished = TRUE;
  gcs_upstream_clear (&self->up);
  if (error != NULL)
    {
      g_warning ("Stream bound to a list store failed: %s", error->message);
      g_error_free (error);
    }
}

/* Adds the objects of @item to @batch; FALSE with @error set if it is not
 * an object of the store's item type, or a sequence of them. */
static gboolean
gather_objects (ListStoreSource  *self,
                const GValue     *item,
                GPtrArray        *batch,
                GError          **error)
{
  gboolean is_sequence;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  is_sequence = G_VALUE_HOLDS (item, g_value_array_get_type ());
G_GNUC_END_IGNORE_DEPRECATIONS
  if (is_sequence)
    {
      GValueArray *array = g_value_get_boxed (item);
      guint n = array != NULL ? array->n_values : 0;

      for (guint i = 0; i < n; i++)
        {
          const GValue *element = &array->values[i];

          if (G_VALUE_HOLDS_BOXED (element) ||
              !gather_objects (self, element, batch, error))
            {
              if (error != NULL && *error == NULL)
                g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                             "A sequence item for a list store of %s holds a sequence",
                             g_type_name (self->item_type));
              return FALSE;
            }
        }
      return TRUE;
    }
  if (G_VALUE_HOLDS_OBJECT (item) && g_value_get_object (item) != NULL &&
      g_type_is_a (G_OBJECT_TYPE (g_value_get_object (item)), self->item_type))
    {
      g_ptr_array_add (batch, g_value_dup_object (item));
      return TRUE;
    }
  g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
               "An item of type %s cannot go into a list store of %s",
               G_VALUE_HOLDS_OBJECT (item) && g_value_get_object (item) != NULL
                 ? G_OBJECT_TYPE_NAME (g_value_get_object (item))
                 : G_VALUE_TYPE_NAME (item),
               g_type_name (self->item_type));
  return FALSE;
}

/* Hands the batch to the store. FALSE if the source must stop: the store
 * is gone, or the source was destroyed by a handler of items-changed. */
static gboolean
flush (ListStoreSource *self,
       GPtrArray       *batch,
       gboolean         replace_pending)
{
  GSource *source = &self->driver.source;
  g_autoptr(GListStore) store = g_weak_ref_get (&self->store);
  guint n_items;

  if (store == NULL)
    return FALSE;
  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (self->mode == GCS_LIST_STORE_REPLACE)
    {
      if (replace_pending)
        g_list_store_splice (store, 0, n_items, batch->pdata, batch->len);
    }
  else if (batch->len > 0)
    {
      guint skip = 0;
      guint removals = 0;

      if (self->max_items > 0)
        {
          if (batch->len > self->max_items)
            skip = batch->len - self->max_items;
          if (n_items + (batch->len - skip) > self->max_items)
            removals = MIN (n_items, n_items + (batch->len - skip) - self->max_items);
        }
      if (removals == n_items && removals > 0)
        /* Everything old goes: one splice. */
        g_list_store_splice (store, 0, n_items, batch->pdata + skip, batch->len - skip);
      else
        {
          if (removals > 0)
            {
              g_list_store_splice (store, 0, removals, NULL, 0);
              if (g_source_is_destroyed (source))
                return FALSE;
            }
          g_list_store_splice (store, n_items - removals, 0, batch->pdata + skip, batch->len - skip);
        }
    }
  g_ptr_array_set_size (batch, 0);
  return !g_source_is_destroyed (source);
}

static gboolean
list_store_source_dispatch (GSource     *source,
                            GSourceFunc  callback,
                            gpointer     user_data)
{
  ListStoreSource *self = (ListStoreSource *) source;
  GcsWaker *waker = gcs_driver_begin_dispatch (&self->driver);
  gint64 deadline = g_get_monotonic_time () + GCS_DRIVER_BUDGET_USEC;
  g_autoptr(GPtrArray) batch = NULL;
  gboolean replace_pending = FALSE;

  if (self->finished)
    return G_SOURCE_REMOVE;

  batch = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint n = 0; ; n++)
    {
      GValue item = G_VALUE_INIT;
      GError *error = NULL;
      GcsPoll result;

      if (n > 0 && (n % 64 == 0 || batch->len >= MAX_OBJECTS_PER_DISPATCH) &&
          (n >= GCS_DRIVER_BUDGET_ITEMS || batch->len >= MAX_OBJECTS_PER_DISPATCH ||
           g_get_monotonic_time () >= deadline))
        {
          if (!flush (self, batch, replace_pending))
            break;
          gcs_driver_stay_ready (&self->driver);
          return G_SOURCE_CONTINUE;
        }

      result = gcs_upstream_poll (&self->up, waker, &item, &error);
      /* Callbacks upstream may have removed this source: nothing more. */
      if (g_source_is_destroyed (source))
        {
          if (result == GCS_POLL_READY)
            gcs_value_clear (&item);
          g_clear_error (&error);
          return G_SOURCE_REMOVE;
        }
      switch (result)
        {
        case GCS_POLL_READY:
          if (self->mode == GCS_LIST_STORE_REPLACE)
            {
              g_ptr_array_set_size (batch, 0);
              replace_pending = TRUE;
            }
          if (!gather_objects (self, &item, batch, &error))
            {
              gcs_value_clear (&item);
              if (self->mode == GCS_LIST_STORE_REPLACE)
                replace_pending = FALSE;
              if (flush (self, batch, replace_pending))
                list_store_source_finish (self, error);
              else
                g_clear_error (&error);
              return G_SOURCE_REMOVE;
            }
          gcs_value_clear (&item);
          break;
        case GCS_POLL_PENDING:
          if (!flush (self, batch, replace_pending))
            goto stop;
          return G_SOURCE_CONTINUE;
        case GCS_POLL_DONE:
          if (flush (self, batch, replace_pending))
            list_store_source_finish (self, NULL);
          return G_SOURCE_REMOVE;
        case GCS_POLL_ERROR:
        default:
          if (error == NULL)
            error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                         "A stream failed without saying why");
          if (flush (self, batch, replace_pending))
            list_store_source_finish (self, error);
          else
            g_clear_error (&error);
          return G_SOURCE_REMOVE;
        }
    }

stop:
  /* The store is gone, or the source was removed during a splice. */
  if (!g_source_is_destroyed (source))
    list_store_source_finish (self, NULL);
  return G_SOURCE_REMOVE;
}

static void
list_store_source_finalize (GSource *source)
{
  ListStoreSource *self = (ListStoreSource *) source;

  self->finished = TRUE;
  gcs_upstream_clear (&self->up);
  g_weak_ref_clear (&self->store);
  gcs_driver_finalize (source);
}

static GSourceFuncs list_store_source_funcs = {
  .prepare = gcs_driver_prepare,
  .check = gcs_driver_check,
  .dispatch = list_store_source_dispatch,
  .finalize = list_store_source_finalize,
};

/**
 * gcs_stream_bind_to_list_store:
 * @self: a #GcsStream of #GObject items of @store's item type, or of
 *   sequences of them
 * @store: the #GListStore to feed
 * @mode: append, or replace the content
 * @max_items: with %GCS_LIST_STORE_APPEND, the most rows to keep (the
 *   oldest go); 0 for no limit. Ignored with %GCS_LIST_STORE_REPLACE.
 *
 * Puts the items of @self into @store, on the thread-default context,
 * until the stream ends or @store is finalized (only a weak reference is
 * held): see the section's description. The items of one dispatch go
 * into the store in one g_list_store_splice() (for
 * %GCS_LIST_STORE_REPLACE only the last item of a dispatch is shown, the
 * earlier ones would be replaced at once). An item that is neither an
 * object of the store's item type nor a sequence of them stops the
 * binding with a warning, as a stream error does.
 *
 * The source runs at %G_PRIORITY_HIGH_IDLE + 30, just after GTK's redraw
 * (`GDK_PRIORITY_REDRAW`, %G_PRIORITY_HIGH_IDLE + 20): rows never hold a
 * frame back, however many keep coming, and they come before ordinary
 * idle callbacks.
 *
 * Removing the source (g_source_remove() with the returned id, from
 * anywhere, a handler of the store's #GListModel::items-changed included)
 * stops it at once: nothing more goes into the store and the stream is
 * released.
 *
 * Returns: the id of the driving source, for g_source_remove(); 0 on error
 */
guint
gcs_stream_bind_to_list_store (GcsStream        *self,
                               GListStore       *store,
                               GcsListStoreMode  mode,
                               guint             max_items)
{
  g_autoptr(GMainContext) context = NULL;
  ListStoreSource *source;
  GcsUpstream up = { 0 };
  GType item_type;
  guint id;

  g_return_val_if_fail (GCS_IS_STREAM (self), 0);
  g_return_val_if_fail (G_IS_LIST_STORE (store), 0);
  g_return_val_if_fail (mode == GCS_LIST_STORE_APPEND || mode == GCS_LIST_STORE_REPLACE, 0);

  item_type = g_list_model_get_item_type (G_LIST_MODEL (store));
  if (!gcs_upstream_init (&up, self))
    return 0;

  source = (ListStoreSource *) gcs_driver_new (&list_store_source_funcs, sizeof (ListStoreSource));
  g_source_set_static_name (&source->driver.source, "[gchanstream] list store binding");
  g_source_set_priority (&source->driver.source, LIST_STORE_PRIORITY);
  source->up = up;
  g_weak_ref_init (&source->store, store);
  source->item_type = item_type;
  source->mode = mode;
  source->max_items = mode == GCS_LIST_STORE_APPEND ? max_items : 0;

  context = g_main_context_ref_thread_default ();
  id = g_source_attach (&source->driver.source, context);
  g_source_unref (&source->driver.source);
  return id;
}
