/* gcs-stream-group.c: GcsStreamGroup, tokio-stream's StreamMap
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Entries live in an array polled from a rotating start. Removing or
 * replacing an entry while the group polls it (from a callback upstream
 * of that entry) only marks it: the poll frees it when its call returns.
 */

#include "config.h"

#include "gcs-stream-group.h"
#include "gcs-stream-private.h"

/**
 * SECTION:gcs-stream-group
 * @title: GcsStreamGroup
 * @short_description: streams added and removed at run time, by key
 *
 * A #GcsStreamGroup holds streams under string keys, and is itself a
 * #GcsStream of their items: each item is a 2-sequence `[key, item]` (a
 * #GValueArray in C, a list in Python, an array in JavaScript). It is
 * tokio-stream's `StreamMap`: one stream per row, per download, per
 * device, added and removed while the group is consumed.
 *
 * - gcs_stream_group_insert() adds a stream (consuming it) under a key;
 *   an existing stream under that key is released and replaced.
 * - gcs_stream_group_remove() releases a stream before its end.
 * - A stream that ends leaves the group silently (no item says so); a
 *   stream that fails fails the group with its error.
 * - The streams are polled in turn, starting after the one that gave the
 *   last item, so a busy stream cannot starve the others.
 * - Before gcs_stream_group_close(), an empty group waits for inserts
 *   (it is pending, not ended); after it, the group ends once empty.
 *
 * The group and its streams are used on the consuming context's thread
 * (insert and remove from callbacks there, or anywhere before the group
 * is consumed).
 *
 * |[<!-- language="C" -->
 * g_autoptr(GcsStreamGroup) downloads = gcs_stream_group_new ();
 * gcs_stream_group_insert (downloads, "a.iso", progress_of (a));
 * gcs_stream_group_insert (downloads, "b.iso", progress_of (b));
 * gcs_stream_for_each_async (GCS_STREAM (downloads), show_progress, self, NULL,
 *                            cancellable, NULL, NULL);
 * ]|
 */

typedef struct
{
  char        *key;
  GcsUpstream  up;
  gboolean     removed;   /* while polled: free after the poll */
} Entry;

/**
 * GcsStreamGroup:
 *
 * Streams under string keys, itself a #GcsStream of `[key, item]`
 * sequences.
 */
struct _GcsStreamGroup
{
  GObject    parent_instance;
  GPtrArray *entries;     /* of Entry */
  guint      start;
  GcsWaker  *waker;       /* kept while pending, woken by an insert or close */
  Entry     *polling;     /* the entry being polled, if any */
  gboolean   closed;
  gboolean   released;
};

static void gcs_stream_group_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsStreamGroup, gcs_stream_group, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_stream_group_stream_init))

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  gcs_upstream_clear (&entry->up);
  g_free (entry->key);
  g_free (entry);
}

static gint
find_entry (GcsStreamGroup *self,
            const char     *key)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (!entry->removed && g_str_equal (entry->key, key))
        return (gint) i;
    }
  return -1;
}

/* Takes the entry at @i out of the array; frees it unless it is being
 * polled. */
static void
drop_entry (GcsStreamGroup *self,
            guint           i)
{
  Entry *entry = g_ptr_array_steal_index (self->entries, i);

  if (self->start > i)
    self->start--;
  if (entry == self->polling)
    entry->removed = TRUE;
  else
    entry_free (entry);
}

static void
wake_consumer (GcsStreamGroup *self)
{
  GcsWaker *waker = g_steal_pointer (&self->waker);

  if (waker != NULL)
    {
      gcs_waker_wake (waker);
      gcs_waker_unref (waker);
    }
}

static void
gcs_stream_group_release_all (GcsStreamGroup *self)
{
  while (self->entries->len > 0)
    drop_entry (self, self->entries->len - 1);
  g_clear_pointer (&self->waker, gcs_waker_unref);
}

static GcsPoll
gcs_stream_group_poll_next (GcsStream  *stream,
                            GcsWaker   *waker,
                            GValue     *item,
                            GError    **error)
{
  GcsStreamGroup *self = GCS_STREAM_GROUP (stream);
  guint r = 0;

  if (self->released)
    return GCS_POLL_DONE;

  while (r < self->entries->len)
    {
      guint i = (self->start + r) % self->entries->len;
      Entry *entry = g_ptr_array_index (self->entries, i);
      GValue pair[2] = { G_VALUE_INIT, G_VALUE_INIT };
      GcsPoll result;

      self->polling = entry;
      result = gcs_upstream_poll (&entry->up, waker, &pair[1], error);
      self->polling = NULL;
      if (entry->removed)
        {
          /* Removed or replaced by a callback during its own poll. */
          if (result == GCS_POLL_READY)
            gcs_value_clear (&pair[1]);
          else if (result == GCS_POLL_ERROR)
            g_clear_error (error);
          entry_free (entry);
          continue;
        }
      switch (result)
        {
        case GCS_POLL_READY:
          g_value_init (&pair[0], G_TYPE_STRING);
          g_value_set_string (&pair[0], entry->key);
          gcs_value_take_sequence (item, pair, 2);
          self->start = (i + 1) % self->entries->len;
          return GCS_POLL_READY;
        case GCS_POLL_PENDING:
          r++;
          break;
        case GCS_POLL_DONE:
          /* Ends silently: the entry goes, the others move up. Charged:
           * many streams that end at once must not keep a poll looping. */
          drop_entry (self, i);
          if (!gcs_waker_charge_inline (waker))
            return gcs_waker_yield (waker);
          break;
        case GCS_POLL_ERROR:
        default:
          gcs_stream_group_release_all (self);
          self->released = TRUE;
          return GCS_POLL_ERROR;
        }
    }

  if (self->entries->len == 0 && self->closed)
    {
      gcs_stream_group_release_all (self);
      self->released = TRUE;
      return GCS_POLL_DONE;
    }
  /* Pending: the streams polled keep the waker; an insert or a close
   * wakes it too. */
  if (self->waker != waker)
    {
      g_clear_pointer (&self->waker, gcs_waker_unref);
      self->waker = gcs_waker_ref (waker);
    }
  return GCS_POLL_PENDING;
}

static void
gcs_stream_group_stream_release (GcsStream *stream)
{
  GcsStreamGroup *self = GCS_STREAM_GROUP (stream);

  self->released = TRUE;
  gcs_stream_group_release_all (self);
}

static void
gcs_stream_group_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_stream_group_poll_next;
  iface->release = gcs_stream_group_stream_release;
}

static void
gcs_stream_group_finalize (GObject *object)
{
  GcsStreamGroup *self = GCS_STREAM_GROUP (object);

  gcs_stream_group_release_all (self);
  g_ptr_array_unref (self->entries);

  G_OBJECT_CLASS (gcs_stream_group_parent_class)->finalize (object);
}

static void
gcs_stream_group_class_init (GcsStreamGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcs_stream_group_finalize;
}

static void
gcs_stream_group_init (GcsStreamGroup *self)
{
  self->entries = g_ptr_array_new ();
}

/**
 * gcs_stream_group_new:
 *
 * An empty, open group.
 *
 * Returns: (transfer full): a new #GcsStreamGroup
 */
GcsStreamGroup *
gcs_stream_group_new (void)
{
  return g_object_new (GCS_TYPE_STREAM_GROUP, NULL);
}

/**
 * gcs_stream_group_insert:
 * @self: a #GcsStreamGroup
 * @key: the key of @stream
 * @stream: the stream to add; the group consumes it
 *
 * Adds @stream under @key; a stream already under @key is released and
 * replaced (tokio's `StreamMap::insert`). Wakes a consumer waiting on an
 * empty group. Inserting into a closed or ended group is a critical.
 */
void
gcs_stream_group_insert (GcsStreamGroup *self,
                         const char     *key,
                         GcsStream      *stream)
{
  Entry *entry;
  gint old;

  g_return_if_fail (GCS_IS_STREAM_GROUP (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (GCS_IS_STREAM (stream));
  g_return_if_fail ((gpointer) stream != (gpointer) self);
  g_return_if_fail (!self->closed && !self->released);

  entry = g_new0 (Entry, 1);
  if (!gcs_upstream_init (&entry->up, stream))
    {
      g_free (entry);
      return;
    }
  entry->key = g_strdup (key);
  old = find_entry (self, key);
  if (old >= 0)
    drop_entry (self, (guint) old);
  g_ptr_array_add (self->entries, entry);
  wake_consumer (self);
}

/**
 * gcs_stream_group_remove:
 * @self: a #GcsStreamGroup
 * @key: a key
 *
 * Releases the stream under @key, if any, before its end; it emits
 * nothing more.
 *
 * Returns: whether a stream was under @key
 */
gboolean
gcs_stream_group_remove (GcsStreamGroup *self,
                         const char     *key)
{
  gint i;

  g_return_val_if_fail (GCS_IS_STREAM_GROUP (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  i = find_entry (self, key);
  if (i < 0)
    return FALSE;
  drop_entry (self, (guint) i);
  return TRUE;
}

/**
 * gcs_stream_group_contains:
 * @self: a #GcsStreamGroup
 * @key: a key
 *
 * Whether a stream is under @key: inserted, and neither removed nor ended
 * (as far as the group has polled it).
 *
 * Returns: %TRUE if @key is in the group
 */
gboolean
gcs_stream_group_contains (GcsStreamGroup *self,
                           const char     *key)
{
  g_return_val_if_fail (GCS_IS_STREAM_GROUP (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return find_entry (self, key) >= 0;
}

/**
 * gcs_stream_group_get_keys:
 * @self: a #GcsStreamGroup
 *
 * The keys of the streams in the group, in insertion order.
 *
 * Returns: (transfer full): a %NULL-terminated array of keys
 */
GStrv
gcs_stream_group_get_keys (GcsStreamGroup *self)
{
  GStrvBuilder *builder;
  GStrv keys;

  g_return_val_if_fail (GCS_IS_STREAM_GROUP (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (!entry->removed)
        g_strv_builder_add (builder, entry->key);
    }
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

/**
 * gcs_stream_group_get_size:
 * @self: a #GcsStreamGroup
 *
 * How many streams are in the group.
 *
 * Returns: the number of keys
 */
guint
gcs_stream_group_get_size (GcsStreamGroup *self)
{
  g_return_val_if_fail (GCS_IS_STREAM_GROUP (self), 0);

  return self->entries->len;
}

/**
 * gcs_stream_group_close:
 * @self: a #GcsStreamGroup
 *
 * No more inserts: the group ends once its streams have ended or were
 * removed (at once if it is empty). Until then an empty group waits for
 * inserts.
 */
void
gcs_stream_group_close (GcsStreamGroup *self)
{
  g_return_if_fail (GCS_IS_STREAM_GROUP (self));

  self->closed = TRUE;
  wake_consumer (self);
}
