/* gcs-stream.c: the GcsStream interface and the adapter all combinators use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-error.h"
#include "gcs-stream-private.h"

/**
 * SECTION:gcs-stream
 * @title: GcsStream
 * @short_description: sequences of items, combinators and terminal operations
 *
 * A #GcsStream is a sequence of #GValue items that ends, or fails with a
 * #GError. Streams are lazy: nothing is polled and no callback runs before
 * a terminal operation (gcs_stream_for_each_async(), gcs_stream_collect_async(),
 * ...) consumes the stream. A stream has one consumer: a combinator or a
 * terminal operation takes it over, and using it a second time is a
 * critical. To fan out, use a broadcast channel.
 *
 * Combinators return a new stream (transfer full) that keeps what it needs
 * of the stream it is called on; the caller may drop its own reference.
 * Every callback runs on the #GMainContext of the terminal operation that
 * consumes the pipeline: the thread-default context of the thread that
 * started it.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GcsStream) items = gcs_receiver_stream_new (rx);
 * g_autoptr(GcsStream) doubled = gcs_stream_map (items, double_it, NULL, NULL);
 * g_autoptr(GcsStream) big = gcs_stream_filter (doubled, is_big, NULL, NULL);
 * gcs_stream_for_each_async (big, show_item, self, NULL, cancellable, done_cb, self);
 * ]|
 *
 * A callback that fails (sets its #GError) ends the stream with that error
 * at the consumer.
 */

/**
 * GcsStream:
 *
 * A sequence of items consumed by polling: see #GcsStreamInterface.
 */

G_DEFINE_INTERFACE (GcsStream, gcs_stream, G_TYPE_OBJECT)

static GQuark consumed_quark;

static void
gcs_stream_default_init (GcsStreamInterface *iface)
{
  consumed_quark = g_quark_from_static_string ("gcs-stream-consumed");
}

/**
 * gcs_stream_poll_next: (skip)
 * @self: a #GcsStream
 * @waker: the waker of the driver polling
 * @item: an uninitialized #GValue, set on %GCS_POLL_READY
 * @error: set on %GCS_POLL_ERROR
 *
 * Polls a stream once; see #GcsStreamInterface. For implementations of
 * streams and drivers: applications consume streams with the terminal
 * operations.
 *
 * Returns: the #GcsPoll outcome
 */
GcsPoll
gcs_stream_poll_next (GcsStream  *self,
                      GcsWaker   *waker,
                      GValue     *item,
                      GError    **error)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), GCS_POLL_DONE);
  g_return_val_if_fail (waker != NULL, GCS_POLL_DONE);
  g_return_val_if_fail (item != NULL && !gcs_value_is_set (item), GCS_POLL_DONE);

  return GCS_STREAM_GET_IFACE (self)->poll_next (self, waker, item, error);
}

static GcsPollFunc gcs_upstream_poll_func (GcsStream *stream);

/* A type can implement the interface without poll_next: a Vala class that
 * only overrides release(), since poll_next is hidden from bindings. */
static gboolean
gcs_upstream_check_pollable (GcsStream *stream)
{
  if (G_LIKELY (GCS_STREAM_GET_IFACE (stream)->poll_next != NULL))
    return TRUE;
  g_critical ("Stream %s %p cannot be consumed: its type implements GcsStream "
              "without poll_next", G_OBJECT_TYPE_NAME (stream), stream);
  return FALSE;
}

/* Takes over @stream as its one consumer. */
gboolean
gcs_upstream_init (GcsUpstream *self,
                   GcsStream   *stream)
{
  if (!gcs_upstream_check_pollable (stream))
    return FALSE;
  if (g_object_get_qdata (G_OBJECT (stream), consumed_quark) != NULL)
    {
      g_critical ("Stream %s %p is already consumed: a stream has one consumer "
                  "(use a broadcast channel to fan out)",
                  G_OBJECT_TYPE_NAME (stream), stream);
      return FALSE;
    }
  g_object_set_qdata (G_OBJECT (stream), consumed_quark, GINT_TO_POINTER (TRUE));
  self->stream = g_object_ref (stream);
  self->poll = gcs_upstream_poll_func (stream);
  self->borrowed = FALSE;
  return TRUE;
}

/* Polls @stream without becoming its consumer: what gcs_stream_next_async()
 * does, one item at a time. */
gboolean
gcs_upstream_borrow (GcsUpstream *self,
                     GcsStream   *stream)
{
  if (!gcs_upstream_check_pollable (stream))
    return FALSE;
  if (g_object_get_qdata (G_OBJECT (stream), consumed_quark) != NULL)
    {
      g_critical ("Stream %s %p is already consumed by a combinator or a terminal operation",
                  G_OBJECT_TYPE_NAME (stream), stream);
      return FALSE;
    }
  self->stream = g_object_ref (stream);
  /* Through the fused poll_next: next may be called again after the end. */
  self->poll = GCS_STREAM_GET_IFACE (stream)->poll_next;
  self->borrowed = TRUE;
  return TRUE;
}

void
gcs_callback_clear (GcsCallback *self)
{
  GDestroyNotify destroy = self->destroy;
  gpointer data = self->data;

  self->func = NULL;
  self->data = NULL;
  self->destroy = NULL;
  if (destroy != NULL)
    destroy (data);
}

/* GcsAdapter: the private stream type of every combinator */

typedef GObjectClass GcsAdapterClass;

static void gcs_adapter_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsAdapter, gcs_adapter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_adapter_stream_init))

static void
gcs_adapter_release (GcsAdapter *self)
{
  if (self->ops->clear != NULL && self->state != NULL)
    self->ops->clear (self);
  gcs_upstream_clear (&self->up);
  gcs_callback_clear (&self->cb);
}

static void
gcs_adapter_finalize (GObject *object)
{
  GcsAdapter *self = (GcsAdapter *) object;

  if (!self->ended)
    gcs_adapter_release (self);
  g_free (self->state);

  G_OBJECT_CLASS (gcs_adapter_parent_class)->finalize (object);
}

static void
gcs_adapter_class_init (GcsAdapterClass *klass)
{
  klass->finalize = gcs_adapter_finalize;
}

static void
gcs_adapter_init (GcsAdapter *self)
{
}

static GcsPoll
gcs_adapter_poll_next (GcsStream  *stream,
                       GcsWaker   *waker,
                       GValue     *item,
                       GError    **error)
{
  GcsAdapter *self = (GcsAdapter *) stream;
  GcsPoll result;

  if (G_UNLIKELY (self->ended))
    return GCS_POLL_DONE;

  result = self->ops->poll (self, waker, item, error);
  if (G_UNLIKELY (result >= GCS_POLL_DONE))
    {
      self->ended = TRUE;
      gcs_adapter_release (self);
    }
  return result;
}

static void
gcs_adapter_stream_release (GcsStream *stream)
{
  GcsAdapter *self = (GcsAdapter *) stream;

  if (!self->ended)
    {
      self->ended = TRUE;
      gcs_adapter_release (self);
    }
}

static void
gcs_adapter_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_adapter_poll_next;
  iface->release = gcs_adapter_stream_release;
}

/* Inside the library a combinator polls an adapter upstream through its
 * ops directly, one indirect call per stage. That skips the adapter's
 * fused check, which the library's consumers don't need: each stops
 * polling an upstream at its end and clears it, and gcs_upstream_clear()
 * then releases the adapter, as its own end would have. */
static GcsPollFunc
gcs_upstream_poll_func (GcsStream *stream)
{
  /* An adapter already ended (by next) must stay ended: through the
   * fused poll_next. */
  if (G_OBJECT_TYPE (stream) == gcs_adapter_get_type () && !((GcsAdapter *) stream)->ended)
    return (GcsPollFunc) ((GcsAdapter *) stream)->ops->poll;
  return GCS_STREAM_GET_IFACE (stream)->poll_next;
}

void
gcs_upstream_clear (GcsUpstream *self)
{
  GcsStream *stream = g_steal_pointer (&self->stream);

  self->poll = NULL;
  if (stream == NULL)
    return;
  /* The stream's one consumer is done with it: it lets go of what it holds
   * now, even if a binding keeps the object alive longer. */
  if (!self->borrowed)
    {
      GcsStreamInterface *iface = GCS_STREAM_GET_IFACE (stream);

      if (iface->release != NULL)
        iface->release (stream);
    }
  g_object_unref (stream);
}

/* A new combinator consuming @upstream (NULL for a source), or NULL after
 * a critical when @upstream already has a consumer. */
GcsAdapter *
gcs_adapter_new (const GcsAdapterOps *ops,
                 GcsStream           *upstream,
                 gsize                state_size)
{
  GcsAdapter *self = g_object_new (gcs_adapter_get_type (), NULL);

  self->ops = ops;
  if (upstream != NULL && !gcs_upstream_init (&self->up, upstream))
    {
      self->ended = TRUE;
      g_object_unref (self);
      return NULL;
    }
  if (state_size > 0)
    self->state = g_malloc0 (state_size);
  return self;
}

/* The same with the user's callback. When the adapter is refused, the
 * user's data is freed all the same: the caller handed it over. */
GcsAdapter *
gcs_adapter_new_with_callback (const GcsAdapterOps *ops,
                               GcsStream           *upstream,
                               gsize                state_size,
                               gpointer             func,
                               gpointer             data,
                               GDestroyNotify       destroy)
{
  GcsAdapter *self = gcs_adapter_new (ops, upstream, state_size);

  if (self == NULL)
    {
      if (destroy != NULL)
        destroy (data);
      return NULL;
    }
  self->cb.func = func;
  self->cb.data = data;
  self->cb.destroy = destroy;
  return self;
}
