/* gcs-oneshot-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-oneshot-private.h"
#include "gcs-oneshot-stream.h"

/**
 * SECTION:gcs-oneshot-stream
 * @title: GcsOneshotStream
 * @short_description: a oneshot receiver as a stream of zero or one item
 *
 * The item of a oneshot channel as a #GcsStream: one item, then the end;
 * no item when the sender was closed or finalized without sending; the
 * failure the sender sent with gcs_oneshot_sender_send_error(). With
 * gcs_stream_flat_map() it turns any GIO-style async call into a step of
 * a pipeline (see the example in the oneshot section).
 *
 * The stream owns its receiver: when the stream is released, it closes
 * the receiver, so gcs_oneshot_sender_is_closed() tells the producer its
 * work is no longer wanted.
 */

/**
 * GcsOneshotStream:
 *
 * A #GcsStream of the item of a #GcsOneshotReceiver.
 */
struct _GcsOneshotStream
{
  GObject             parent_instance;
  GcsOneshotReceiver *receiver;
  GcsWaker           *waker;    /* the last driver that polled, to take back */
  gboolean            ended;
};

enum {
  PROP_0,
  PROP_RECEIVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void gcs_oneshot_stream_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsOneshotStream, gcs_oneshot_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_oneshot_stream_stream_init))

/* The consumer is done with the stream, or it is finalized. */
static void
gcs_oneshot_stream_release (GcsStream *stream)
{
  GcsOneshotStream *self = (GcsOneshotStream *) stream;

  if (self->receiver != NULL)
    {
      if (self->waker != NULL)
        gcs_oneshot_receiver_forget_waker (self->receiver, self->waker);
      gcs_oneshot_receiver_close (self->receiver);
      g_clear_object (&self->receiver);
    }
  g_clear_pointer (&self->waker, gcs_waker_unref);
}

static void
gcs_oneshot_stream_finalize (GObject *object)
{
  gcs_oneshot_stream_release (GCS_STREAM (object));

  G_OBJECT_CLASS (gcs_oneshot_stream_parent_class)->finalize (object);
}

static void
gcs_oneshot_stream_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GcsOneshotStream *self = GCS_ONESHOT_STREAM (object);

  switch (prop_id)
    {
    case PROP_RECEIVER:
      g_value_set_object (value, self->receiver);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_oneshot_stream_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  GcsOneshotStream *self = GCS_ONESHOT_STREAM (object);

  switch (prop_id)
    {
    case PROP_RECEIVER:
      self->receiver = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_oneshot_stream_class_init (GcsOneshotStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_oneshot_stream_finalize;
  object_class->get_property = gcs_oneshot_stream_get_property;
  object_class->set_property = gcs_oneshot_stream_set_property;

  /**
   * GcsOneshotStream:receiver:
   *
   * The receiver the stream takes its item from.
   */
  properties[PROP_RECEIVER] =
    g_param_spec_object ("receiver", "Receiver",
                         "The receiver the stream takes its item from",
                         GCS_TYPE_ONESHOT_RECEIVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_oneshot_stream_init (GcsOneshotStream *self)
{
}

static GcsPoll
gcs_oneshot_stream_poll_next (GcsStream  *stream,
                              GcsWaker   *waker,
                              GValue     *item,
                              GError    **error)
{
  GcsOneshotStream *self = (GcsOneshotStream *) stream;
  GcsPoll result;

  if (G_UNLIKELY (self->receiver == NULL))
    return GCS_POLL_DONE;
  if (self->ended)
    return GCS_POLL_DONE;
  if (G_UNLIKELY (self->waker != waker))
    {
      /* The last driver leaves the receiver's queue of waiters. */
      if (self->waker != NULL)
        gcs_oneshot_receiver_forget_waker (self->receiver, self->waker);
      g_clear_pointer (&self->waker, gcs_waker_unref);
      self->waker = gcs_waker_ref (waker);
    }
  result = gcs_oneshot_receiver_poll (self->receiver, waker, item, error);
  /* Zero or one item: after it, or the error, the stream is over. */
  self->ended = result != GCS_POLL_PENDING;
  return result;
}

static void
gcs_oneshot_stream_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_oneshot_stream_poll_next;
  iface->release = gcs_oneshot_stream_release;
}

/**
 * gcs_oneshot_stream_new: (constructor)
 * @receiver: a #GcsOneshotReceiver
 *
 * Wraps @receiver in a stream, which then owns it: consume the receiver
 * through the stream only.
 *
 * Returns: (transfer full) (type Gcs.OneshotStream): a new #GcsStream
 */
GcsStream *
gcs_oneshot_stream_new (GcsOneshotReceiver *receiver)
{
  g_return_val_if_fail (GCS_IS_ONESHOT_RECEIVER (receiver), NULL);

  return g_object_new (GCS_TYPE_ONESHOT_STREAM, "receiver", receiver, NULL);
}

/**
 * gcs_oneshot_stream_get_receiver:
 * @self: a #GcsOneshotStream
 *
 * Gets the #GcsOneshotStream:receiver property.
 *
 * Returns: (transfer none): the #GcsOneshotStream:receiver
 */
GcsOneshotReceiver *
gcs_oneshot_stream_get_receiver (GcsOneshotStream *self)
{
  g_return_val_if_fail (GCS_IS_ONESHOT_STREAM (self), NULL);

  return self->receiver;
}
