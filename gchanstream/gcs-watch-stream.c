/* gcs-watch-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-watch-private.h"
#include "gcs-watch-stream.h"

/**
 * SECTION:gcs-watch-stream
 * @title: GcsWatchStream
 * @short_description: a watch receiver as a stream of its values
 *
 * The values of a watch channel as a #GcsStream: the current value first,
 * then the latest value each time the stream finds it changed. A consumer
 * slower than the sender skips the values in between. The stream ends once
 * every sender handle is gone and the latest value was delivered. Feed a
 * property with it: gcs_stream_bind_to_property().
 */

/**
 * GcsWatchStream:
 *
 * A #GcsStream of the values of a #GcsWatchReceiver.
 */
struct _GcsWatchStream
{
  GObject           parent_instance;
  GcsWatchReceiver *receiver;
  GcsWaker         *waker;    /* the last driver that polled, to take back */
  gboolean          started;  /* the current value was delivered */
  gboolean          ended;
};

enum {
  PROP_0,
  PROP_RECEIVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void gcs_watch_stream_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsWatchStream, gcs_watch_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_watch_stream_stream_init))

/* The consumer is done with the stream, or it is finalized. */
static void
gcs_watch_stream_release (GcsStream *stream)
{
  GcsWatchStream *self = (GcsWatchStream *) stream;

  if (self->receiver != NULL && self->waker != NULL)
    gcs_watch_receiver_forget_waker (self->receiver, self->waker);
  g_clear_object (&self->receiver);
  g_clear_pointer (&self->waker, gcs_waker_unref);
}

static void
gcs_watch_stream_finalize (GObject *object)
{
  gcs_watch_stream_release (GCS_STREAM (object));

  G_OBJECT_CLASS (gcs_watch_stream_parent_class)->finalize (object);
}

static void
gcs_watch_stream_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GcsWatchStream *self = GCS_WATCH_STREAM (object);

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
gcs_watch_stream_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  GcsWatchStream *self = GCS_WATCH_STREAM (object);

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
gcs_watch_stream_class_init (GcsWatchStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_watch_stream_finalize;
  object_class->get_property = gcs_watch_stream_get_property;
  object_class->set_property = gcs_watch_stream_set_property;

  /**
   * GcsWatchStream:receiver:
   *
   * The receiver the stream takes its values from.
   */
  properties[PROP_RECEIVER] =
    g_param_spec_object ("receiver", "Receiver",
                         "The receiver the stream takes its values from",
                         GCS_TYPE_WATCH_RECEIVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_watch_stream_init (GcsWatchStream *self)
{
}

static GcsPoll
gcs_watch_stream_poll_next (GcsStream  *stream,
                            GcsWaker   *waker,
                            GValue     *item,
                            GError    **error)
{
  GcsWatchStream *self = (GcsWatchStream *) stream;
  GcsPoll result;

  if (G_UNLIKELY (self->receiver == NULL))
    return GCS_POLL_DONE;
  if (self->ended)
    return GCS_POLL_DONE;
  if (G_UNLIKELY (self->waker != waker))
    {
      /* The last driver leaves the receiver's queue of waiters. */
      if (self->waker != NULL)
        gcs_watch_receiver_forget_waker (self->receiver, self->waker);
      g_clear_pointer (&self->waker, gcs_waker_unref);
      self->waker = gcs_waker_ref (waker);
    }
  if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
    return gcs_waker_yield (waker);
  result = gcs_watch_receiver_poll (self->receiver, waker, !self->started, item, error);
  if (result == GCS_POLL_READY)
    self->started = TRUE;
  else if (result != GCS_POLL_PENDING)
    self->ended = TRUE;
  return result;
}

static void
gcs_watch_stream_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_watch_stream_poll_next;
  iface->release = gcs_watch_stream_release;
}

/**
 * gcs_watch_stream_new: (constructor)
 * @receiver: a #GcsWatchReceiver
 *
 * Wraps @receiver in a stream of its values: the current one, then each
 * change. The stream then owns the receiver: consume it through the
 * stream only (make another receiver with gcs_watch_receiver_clone()).
 *
 * Returns: (transfer full) (type Gcs.WatchStream): a new #GcsStream
 */
GcsStream *
gcs_watch_stream_new (GcsWatchReceiver *receiver)
{
  g_return_val_if_fail (GCS_IS_WATCH_RECEIVER (receiver), NULL);

  return g_object_new (GCS_TYPE_WATCH_STREAM, "receiver", receiver, NULL);
}

/**
 * gcs_watch_stream_get_receiver:
 * @self: a #GcsWatchStream
 *
 * Gets the #GcsWatchStream:receiver property.
 *
 * Returns: (transfer none): the #GcsWatchStream:receiver
 */
GcsWatchReceiver *
gcs_watch_stream_get_receiver (GcsWatchStream *self)
{
  g_return_val_if_fail (GCS_IS_WATCH_STREAM (self), NULL);

  return self->receiver;
}
