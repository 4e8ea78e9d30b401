/* gcs-broadcast-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-broadcast-private.h"
#include "gcs-broadcast-stream.h"

/**
 * SECTION:gcs-broadcast-stream
 * @title: GcsBroadcastStream
 * @short_description: a broadcast receiver as a stream
 *
 * The values of a broadcast channel as a #GcsStream. When the receiver
 * lags, the stream skips the values it missed: it counts them in
 * #GcsBroadcastStream:lagged, emits #GcsBroadcastStream::lagged, and goes
 * on. Lagging never ends the stream; it ends when every sender handle is
 * gone and the values held for it were delivered.
 */

/**
 * GcsBroadcastStream:
 *
 * A #GcsStream of the values of a #GcsBroadcastReceiver.
 */
struct _GcsBroadcastStream
{
  GObject               parent_instance;
  GcsBroadcastReceiver *receiver;
  GcsWaker             *waker;    /* the last driver that polled, to take back */
  guint64               lagged;   /* atomic: read by any thread */
  gboolean              ended;
};

enum {
  PROP_0,
  PROP_RECEIVER,
  PROP_LAGGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_LAGGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void gcs_broadcast_stream_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsBroadcastStream, gcs_broadcast_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_broadcast_stream_stream_init))

/* The consumer is done with the stream, or it is finalized. */
static void
gcs_broadcast_stream_release (GcsStream *stream)
{
  GcsBroadcastStream *self = (GcsBroadcastStream *) stream;

  if (self->receiver != NULL && self->waker != NULL)
    gcs_broadcast_receiver_forget_waker (self->receiver, self->waker);
  g_clear_object (&self->receiver);
  g_clear_pointer (&self->waker, gcs_waker_unref);
}

static void
gcs_broadcast_stream_finalize (GObject *object)
{
  gcs_broadcast_stream_release (GCS_STREAM (object));

  G_OBJECT_CLASS (gcs_broadcast_stream_parent_class)->finalize (object);
}

static void
gcs_broadcast_stream_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  GcsBroadcastStream *self = GCS_BROADCAST_STREAM (object);

  switch (prop_id)
    {
    case PROP_RECEIVER:
      g_value_set_object (value, self->receiver);
      break;
    case PROP_LAGGED:
      g_value_set_uint64 (value, gcs_broadcast_stream_get_lagged (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_broadcast_stream_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  GcsBroadcastStream *self = GCS_BROADCAST_STREAM (object);

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
gcs_broadcast_stream_class_init (GcsBroadcastStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_broadcast_stream_finalize;
  object_class->get_property = gcs_broadcast_stream_get_property;
  object_class->set_property = gcs_broadcast_stream_set_property;

  /**
   * GcsBroadcastStream:receiver:
   *
   * The receiver the stream takes its values from.
   */
  properties[PROP_RECEIVER] =
    g_param_spec_object ("receiver", "Receiver",
                         "The receiver the stream takes its values from",
                         GCS_TYPE_BROADCAST_RECEIVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GcsBroadcastStream:lagged:
   *
   * How many values the stream skipped in all because its receiver lagged.
   * It is notified on the consuming context when it grows.
   */
  properties[PROP_LAGGED] =
    g_param_spec_uint64 ("lagged", "Lagged",
                         "How many values the stream skipped because its receiver lagged",
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GcsBroadcastStream::lagged:
   * @self: the #GcsBroadcastStream
   * @count: how many values were skipped this time
   *
   * Emitted on the consuming context each time the stream skips values
   * because its receiver lagged, before it delivers the next value.
   */
  signals[SIGNAL_LAGGED] =
    g_signal_new ("lagged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
gcs_broadcast_stream_init (GcsBroadcastStream *self)
{
}

static GcsPoll
gcs_broadcast_stream_poll_next (GcsStream  *stream,
                                GcsWaker   *waker,
                                GValue     *item,
                                GError    **error)
{
  GcsBroadcastStream *self = (GcsBroadcastStream *) stream;
  guint64 missed = 0;
  GcsPoll result;

  if (G_UNLIKELY (self->receiver == NULL))
    return GCS_POLL_DONE;
  if (self->ended)
    return GCS_POLL_DONE;
  if (G_UNLIKELY (self->waker != waker))
    {
      /* The last driver leaves the receiver's queue of waiters. */
      if (self->waker != NULL)
        gcs_broadcast_receiver_forget_waker (self->receiver, self->waker);
      g_clear_pointer (&self->waker, gcs_waker_unref);
      self->waker = gcs_waker_ref (waker);
    }

  /* A lag is counted and skipped: the next poll goes on from the oldest
   * value held. */
  if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
    return gcs_waker_yield (waker);
  while ((result = gcs_broadcast_receiver_poll (self->receiver, waker, item, &missed, error)) == GCS_POLL_ERROR &&
         missed > 0)
    {
      __atomic_fetch_add (&self->lagged, missed, __ATOMIC_RELAXED);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAGGED]);
      g_signal_emit (self, signals[SIGNAL_LAGGED], 0, missed);
    }
  if (result == GCS_POLL_DONE || result == GCS_POLL_ERROR)
    self->ended = TRUE;
  return result;
}

static void
gcs_broadcast_stream_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_broadcast_stream_poll_next;
  iface->release = gcs_broadcast_stream_release;
}

/**
 * gcs_broadcast_stream_new: (constructor)
 * @receiver: a #GcsBroadcastReceiver
 *
 * Wraps @receiver in a stream, which then owns it: consume the receiver
 * through the stream only.
 *
 * Returns: (transfer full) (type Gcs.BroadcastStream): a new #GcsStream
 */
GcsStream *
gcs_broadcast_stream_new (GcsBroadcastReceiver *receiver)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_RECEIVER (receiver), NULL);

  return g_object_new (GCS_TYPE_BROADCAST_STREAM, "receiver", receiver, NULL);
}

/**
 * gcs_broadcast_stream_get_receiver:
 * @self: a #GcsBroadcastStream
 *
 * Gets the #GcsBroadcastStream:receiver property.
 *
 * Returns: (transfer none): the #GcsBroadcastStream:receiver
 */
GcsBroadcastReceiver *
gcs_broadcast_stream_get_receiver (GcsBroadcastStream *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_STREAM (self), NULL);

  return self->receiver;
}

/**
 * gcs_broadcast_stream_get_lagged:
 * @self: a #GcsBroadcastStream
 *
 * Gets the #GcsBroadcastStream:lagged property.
 *
 * Returns: the #GcsBroadcastStream:lagged total
 */
guint64
gcs_broadcast_stream_get_lagged (GcsBroadcastStream *self)
{
  g_return_val_if_fail (GCS_IS_BROADCAST_STREAM (self), 0);

  return __atomic_load_n (&self->lagged, __ATOMIC_RELAXED);
}
