/* gcs-receiver-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-receiver-private.h"
#include "gcs-receiver-stream.h"
#include "gcs-stream-private.h"

/**
 * SECTION:gcs-receiver-stream
 * @title: GcsReceiverStream
 * @short_description: an mpsc receiver as a stream
 *
 * The items of a channel as a #GcsStream, ending when the channel does.
 * The stream owns its receiver: when the stream is released (a pipeline
 * ended early, a terminal operation was cancelled), it closes the
 * receiver, so the channel's senders see %GCS_CHANNEL_ERROR_CLOSED and can
 * stop producing.
 */

/**
 * GcsReceiverStream:
 *
 * A #GcsStream of the items of a #GcsReceiver.
 */
struct _GcsReceiverStream
{
  GObject      parent_instance;
  GcsReceiver *receiver;
  GcsWaker    *waker;    /* the last driver that polled, to take back */
};

enum {
  PROP_0,
  PROP_RECEIVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void gcs_receiver_stream_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsReceiverStream, gcs_receiver_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_receiver_stream_stream_init))

/* The consumer is done with the stream, or it is finalized. */
static void
gcs_receiver_stream_release (GcsStream *stream)
{
  GcsReceiverStream *self = (GcsReceiverStream *) stream;

  if (self->receiver != NULL)
    {
      if (self->waker != NULL)
        gcs_receiver_forget_waker (self->receiver, self->waker);
      gcs_receiver_close (self->receiver);
      g_clear_object (&self->receiver);
    }
  g_clear_pointer (&self->waker, gcs_waker_unref);
}

static void
gcs_receiver_stream_finalize (GObject *object)
{
  gcs_receiver_stream_release (GCS_STREAM (object));

  G_OBJECT_CLASS (gcs_receiver_stream_parent_class)->finalize (object);
}

static void
gcs_receiver_stream_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GcsReceiverStream *self = GCS_RECEIVER_STREAM (object);

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
gcs_receiver_stream_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  GcsReceiverStream *self = GCS_RECEIVER_STREAM (object);

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
gcs_receiver_stream_class_init (GcsReceiverStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_receiver_stream_finalize;
  object_class->get_property = gcs_receiver_stream_get_property;
  object_class->set_property = gcs_receiver_stream_set_property;

  /**
   * GcsReceiverStream:receiver:
   *
   * The receiver the stream takes its items from.
   */
  properties[PROP_RECEIVER] =
    g_param_spec_object ("receiver", "Receiver",
                         "The receiver the stream takes its items from",
                         GCS_TYPE_RECEIVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_receiver_stream_init (GcsReceiverStream *self)
{
}

static GcsPoll
gcs_receiver_stream_poll_next (GcsStream  *stream,
                               GcsWaker   *waker,
                               GValue     *item,
                               GError    **error)
{
  GcsReceiverStream *self = (GcsReceiverStream *) stream;

  if (G_UNLIKELY (self->receiver == NULL))
    return GCS_POLL_DONE;
  if (G_UNLIKELY (self->waker != waker))
    {
      if (!gcs_receiver_claim_context (self->receiver, gcs_waker_get_context (waker), error))
        return GCS_POLL_ERROR;
      /* The last driver leaves the receiver's queue of waiters. */
      if (self->waker != NULL)
        gcs_receiver_forget_waker (self->receiver, self->waker);
      g_clear_pointer (&self->waker, gcs_waker_unref);
      self->waker = gcs_waker_ref (waker);
    }
  return gcs_receiver_poll (self->receiver, waker, item, error);
}

static void
gcs_receiver_stream_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_receiver_stream_poll_next;
  iface->release = gcs_receiver_stream_release;
}

/**
 * gcs_receiver_stream_new: (constructor)
 * @receiver: a #GcsReceiver
 *
 * Wraps @receiver in a stream, which then owns it: consume the receiver
 * through the stream only.
 *
 * Returns: (transfer full) (type Gcs.ReceiverStream): a new #GcsStream
 */
GcsStream *
gcs_receiver_stream_new (GcsReceiver *receiver)
{
  g_return_val_if_fail (GCS_IS_RECEIVER (receiver), NULL);

  return g_object_new (GCS_TYPE_RECEIVER_STREAM, "receiver", receiver, NULL);
}

/**
 * gcs_receiver_stream_get_receiver:
 * @self: a #GcsReceiverStream
 *
 * Gets the receiver the stream takes its items from.
 *
 * Returns: (transfer none): the #GcsReceiverStream:receiver
 */
GcsReceiver *
gcs_receiver_stream_get_receiver (GcsReceiverStream *self)
{
  g_return_val_if_fail (GCS_IS_RECEIVER_STREAM (self), NULL);

  return self->receiver;
}
