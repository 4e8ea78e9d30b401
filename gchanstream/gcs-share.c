/* gcs-share.c: GcsShare and its subscribers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A ring of the last max(capacity, replay) items, numbered. A subscriber
 * is a position in that numbering: it reads from the ring what it has
 * not seen, and when it has seen everything it polls the upstream itself,
 * with its own driver's waker; an item it gets goes into the ring and
 * wakes the other subscribers that wait. No thread, no lock: the share
 * and its subscribers live on the consuming context, like any pipeline.
 */

#include "config.h"

#include "gcs-share.h"
#include "gcs-stream-private.h"

/**
 * SECTION:gcs-share
 * @title: GcsShare
 * @short_description: one stream, many consumers, with replay
 *
 * A stream has one consumer. gcs_stream_share() makes a #GcsShare of
 * one, and gcs_share_subscribe() gives as many consumers as needed: each
 * subscriber is a #GcsShareStream that sees the items from its
 * subscription on, preceded by up to `replay` of the most recent ones
 * (RxJS's `share` with `replay` 0, `shareReplay (n)` otherwise: with 1,
 * a late subscriber gets the current state first, as from a
 * `BehaviorSubject`).
 *
 * - The upstream is polled only by subscribers that are consumed, when
 *   they have seen every item: nothing runs while no subscriber is
 *   consumed, and the fastest consumer sets the pace.
 * - A subscriber that falls more than `capacity` items behind the fastest
 *   skips the oldest ones and counts them in #GcsShareStream:lagged, like
 *   a #GcsBroadcastStream (and its #GcsShareStream::lagged signal says
 *   so); it never ends because of lag.
 * - Every subscriber sees the end or the error of the upstream, after the
 *   items it has not seen; one that subscribes later gets the replayed
 *   items, then the end or the error.
 *
 * The share and its subscribers are used on one context, the one that
 * consumes them. The upstream wakes the subscriber that polled it last,
 * which passes each item on to the others as it takes it; a subscriber
 * whose consumer pauses (a gcs_stream_forward_async() waiting on its sink)
 * may thus hold the others back until it resumes, or until it is
 * released.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GcsShare) share = gcs_stream_share (status_updates, 16, 1);
 * g_autoptr(GcsStream) for_label = gcs_share_subscribe (share);
 * g_autoptr(GcsStream) for_icon = gcs_share_subscribe (share);
 * gcs_stream_bind_to_property (for_label, G_OBJECT (label), "label");
 * gcs_stream_bind_to_property (for_icon, G_OBJECT (icon), "icon-name");
 * ]|
 */

/**
 * GcsShare:
 *
 * One stream made consumable by many: see gcs_share_subscribe().
 */
struct _GcsShare
{
  GObject      parent_instance;
  GcsUpstream  up;
  guint        capacity;
  guint        replay;
  guint        size;          /* of the ring: MAX (capacity, replay) */
  GValue      *ring;
  guint64      next_seq;      /* the number of the next item */
  gboolean     ended;
  GError      *error;         /* the upstream's, for every subscriber */
  GPtrArray   *subscribers;   /* of GcsShareStream, unowned */
  gboolean     polling;
};

/**
 * GcsShareStream:
 *
 * A subscriber of a #GcsShare: a #GcsStream of the shared items.
 */
struct _GcsShareStream
{
  GObject    parent_instance;
  GcsShare  *share;           /* NULL once released */
  guint64    next_seq;
  GcsWaker  *waker;           /* while waiting for the upstream */
  guint64    lagged;          /* atomic: read by any thread */
};

enum
{
  SHARE_PROP_0,
  SHARE_PROP_CAPACITY,
  SHARE_PROP_REPLAY,
  SHARE_N_PROPS
};

static GParamSpec *share_properties[SHARE_N_PROPS];

enum
{
  STREAM_PROP_0,
  STREAM_PROP_LAGGED,
  STREAM_N_PROPS
};

static GParamSpec *stream_properties[STREAM_N_PROPS];

enum
{
  STREAM_SIGNAL_LAGGED,
  STREAM_N_SIGNALS
};

static guint stream_signals[STREAM_N_SIGNALS];

G_DEFINE_FINAL_TYPE (GcsShare, gcs_share, G_TYPE_OBJECT)

static void gcs_share_stream_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsShareStream, gcs_share_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_share_stream_stream_init))

/* GcsShare */

static void
gcs_share_finalize (GObject *object)
{
  GcsShare *self = GCS_SHARE (object);

  gcs_upstream_clear (&self->up);
  for (guint i = 0; i < self->size; i++)
    if (gcs_value_is_set (&self->ring[i]))
      gcs_value_clear (&self->ring[i]);
  g_free (self->ring);
  g_clear_error (&self->error);
  g_ptr_array_unref (self->subscribers);

  G_OBJECT_CLASS (gcs_share_parent_class)->finalize (object);
}

static void
gcs_share_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  GcsShare *self = GCS_SHARE (object);

  switch (prop_id)
    {
    case SHARE_PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;
    case SHARE_PROP_REPLAY:
      g_value_set_uint (value, self->replay);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_share_class_init (GcsShareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_share_finalize;
  object_class->get_property = gcs_share_get_property;

  /**
   * GcsShare:capacity:
   *
   * How far a subscriber may fall behind before it skips items.
   */
  share_properties[SHARE_PROP_CAPACITY] =
    g_param_spec_uint ("capacity", "Capacity",
                       "How far a subscriber may fall behind before it skips items",
                       1, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GcsShare:replay:
   *
   * How many of the most recent items a new subscriber sees first.
   */
  share_properties[SHARE_PROP_REPLAY] =
    g_param_spec_uint ("replay", "Replay",
                       "How many of the most recent items a new subscriber sees first",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, SHARE_N_PROPS, share_properties);
}

static void
gcs_share_init (GcsShare *self)
{
  self->subscribers = g_ptr_array_new ();
}

static guint64
share_oldest (GcsShare *self)
{
  return self->next_seq - MIN (self->next_seq, (guint64) self->size);
}

/* Wakes the subscribers waiting for the upstream, but @except. */
static void
share_wake_waiting (GcsShare       *self,
                    GcsShareStream *except)
{
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      GcsShareStream *sub = g_ptr_array_index (self->subscribers, i);
      GcsWaker *waker;

      if (sub == except || sub->waker == NULL)
        continue;
      waker = g_steal_pointer (&sub->waker);
      gcs_waker_wake (waker);
      gcs_waker_unref (waker);
    }
}

/**
 * gcs_stream_share:
 * @self: the #GcsStream to share; the share consumes it
 * @capacity: how many items a subscriber may fall behind the fastest one
 *   before it skips the oldest, at least 1
 * @replay: how many of the most recent items a new subscriber sees first
 *
 * Makes @self consumable by many: see #GcsShare. Nothing is polled before
 * a subscriber is consumed.
 *
 * Returns: (transfer full): a new #GcsShare
 */
GcsShare *
gcs_stream_share (GcsStream *self,
                  guint      capacity,
                  guint      replay)
{
  GcsShare *share;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (capacity >= 1, NULL);

  share = g_object_new (GCS_TYPE_SHARE, NULL);
  if (!gcs_upstream_init (&share->up, self))
    {
      g_object_unref (share);
      return NULL;
    }
  share->capacity = capacity;
  share->replay = replay;
  share->size = MAX (capacity, replay);
  share->ring = g_new0 (GValue, share->size);
  return share;
}

/**
 * gcs_share_subscribe:
 * @self: a #GcsShare
 *
 * A new consumer of the shared stream: the items from now on, preceded by
 * up to #GcsShare:replay of the most recent ones, then the end or the
 * error. Subscribing after the end gives the replayed items and the end.
 *
 * Returns: (transfer full): a new #GcsShareStream
 */
GcsStream *
gcs_share_subscribe (GcsShare *self)
{
  GcsShareStream *sub;

  g_return_val_if_fail (GCS_IS_SHARE (self), NULL);

  sub = g_object_new (GCS_TYPE_SHARE_STREAM, NULL);
  sub->share = g_object_ref (self);
  sub->next_seq = self->next_seq - MIN (self->next_seq, (guint64) self->replay);
  g_ptr_array_add (self->subscribers, sub);
  return GCS_STREAM (sub);
}

/**
 * gcs_share_get_capacity:
 * @self: a #GcsShare
 *
 * Gets #GcsShare:capacity.
 *
 * Returns: the capacity
 */
guint
gcs_share_get_capacity (GcsShare *self)
{
  g_return_val_if_fail (GCS_IS_SHARE (self), 0);

  return self->capacity;
}

/**
 * gcs_share_get_replay:
 * @self: a #GcsShare
 *
 * Gets #GcsShare:replay.
 *
 * Returns: the number of items replayed to a new subscriber
 */
guint
gcs_share_get_replay (GcsShare *self)
{
  g_return_val_if_fail (GCS_IS_SHARE (self), 0);

  return self->replay;
}

/* GcsShareStream */

static void
share_stream_detach (GcsShareStream *self)
{
  GcsShare *share = g_steal_pointer (&self->share);

  g_clear_pointer (&self->waker, gcs_waker_unref);
  if (share == NULL)
    return;
  g_ptr_array_remove_fast (share->subscribers, self);
  /* The upstream may hold this subscriber's waker only: let the others
   * poll it again, so one of them keeps it from now on. */
  share_wake_waiting (share, NULL);
  g_object_unref (share);
}

static GcsPoll
gcs_share_stream_poll_next (GcsStream  *stream,
                            GcsWaker   *waker,
                            GValue     *item,
                            GError    **error)
{
  GcsShareStream *self = GCS_SHARE_STREAM (stream);
  GcsShare *share = self->share;
  guint64 oldest;
  GcsPoll result;
  GValue next = G_VALUE_INIT;

  if (share == NULL)
    return GCS_POLL_DONE;

  oldest = share_oldest (share);
  if (self->next_seq < oldest)
    {
      guint64 missed = oldest - self->next_seq;

      __atomic_fetch_add (&self->lagged, missed, __ATOMIC_RELAXED);
      self->next_seq = oldest;
      g_object_notify_by_pspec (G_OBJECT (self), stream_properties[STREAM_PROP_LAGGED]);
      g_signal_emit (self, stream_signals[STREAM_SIGNAL_LAGGED], 0, missed);
      /* A handler may have released the stream. */
      if (self->share == NULL)
        return GCS_POLL_DONE;
    }
  if (self->next_seq < share->next_seq)
    {
      /* Items from the ring: this stream is their source here. */
      if (!gcs_waker_charge_inline (waker))
        return gcs_waker_yield (waker);
      gcs_value_copy_new (&share->ring[self->next_seq % share->size], item);
      self->next_seq++;
      return GCS_POLL_READY;
    }
  if (share->ended)
    {
      if (share->error != NULL)
        {
          g_propagate_error (error, g_error_copy (share->error));
          return GCS_POLL_ERROR;
        }
      return GCS_POLL_DONE;
    }
  if (share->polling)
    {
      /* A callback of the upstream, run by another subscriber's poll,
       * polls this one: it waits for that poll's outcome. */
      if (self->waker != waker)
        {
          g_clear_pointer (&self->waker, gcs_waker_unref);
          self->waker = gcs_waker_ref (waker);
        }
      return GCS_POLL_PENDING;
    }

  share->polling = TRUE;
  result = gcs_upstream_poll (&share->up, waker, &next, &share->error);
  share->polling = FALSE;
  switch (result)
    {
    case GCS_POLL_READY:
      {
        GValue *slot = &share->ring[share->next_seq % share->size];

        if (gcs_value_is_set (slot))
          gcs_value_clear (slot);
        gcs_value_move (slot, &next);
        share->next_seq++;
        share_wake_waiting (share, self);
        gcs_value_copy_new (slot, item);
        self->next_seq++;
        return GCS_POLL_READY;
      }
    case GCS_POLL_PENDING:
      if (self->waker != waker)
        {
          g_clear_pointer (&self->waker, gcs_waker_unref);
          self->waker = gcs_waker_ref (waker);
        }
      return GCS_POLL_PENDING;
    case GCS_POLL_DONE:
    case GCS_POLL_ERROR:
    default:
      share->ended = TRUE;
      gcs_upstream_clear (&share->up);
      share_wake_waiting (share, self);
      if (share->error != NULL)
        {
          g_propagate_error (error, g_error_copy (share->error));
          return GCS_POLL_ERROR;
        }
      return GCS_POLL_DONE;
    }
}

static void
gcs_share_stream_release (GcsStream *stream)
{
  share_stream_detach (GCS_SHARE_STREAM (stream));
}

static void
gcs_share_stream_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_share_stream_poll_next;
  iface->release = gcs_share_stream_release;
}

static void
gcs_share_stream_finalize (GObject *object)
{
  share_stream_detach (GCS_SHARE_STREAM (object));

  G_OBJECT_CLASS (gcs_share_stream_parent_class)->finalize (object);
}

static void
gcs_share_stream_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  switch (prop_id)
    {
    case STREAM_PROP_LAGGED:
      g_value_set_uint64 (value, gcs_share_stream_get_lagged (GCS_SHARE_STREAM (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_share_stream_class_init (GcsShareStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcs_share_stream_finalize;
  object_class->get_property = gcs_share_stream_get_property;

  /**
   * GcsShareStream:lagged:
   *
   * How many items the subscriber skipped in all because it fell more
   * than #GcsShare:capacity items behind.
   */
  stream_properties[STREAM_PROP_LAGGED] =
    g_param_spec_uint64 ("lagged", "Lagged",
                         "How many items the subscriber skipped because it fell behind",
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, STREAM_N_PROPS, stream_properties);

  /**
   * GcsShareStream::lagged:
   * @self: the #GcsShareStream
   * @count: how many items were skipped this time
   *
   * Emitted on the consuming context each time the subscriber skips items
   * because it fell behind, before it delivers the next item (as
   * #GcsBroadcastStream::lagged).
   */
  stream_signals[STREAM_SIGNAL_LAGGED] =
    g_signal_new ("lagged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
gcs_share_stream_init (GcsShareStream *self)
{
}

/**
 * gcs_share_stream_get_lagged:
 * @self: a #GcsShareStream
 *
 * Gets #GcsShareStream:lagged.
 *
 * Returns: how many items the subscriber skipped
 */
guint64
gcs_share_stream_get_lagged (GcsShareStream *self)
{
  g_return_val_if_fail (GCS_IS_SHARE_STREAM (self), 0);

  return __atomic_load_n (&self->lagged, __ATOMIC_RELAXED);
}
