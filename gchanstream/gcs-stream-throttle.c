/* gcs-stream-throttle.c: throttle_full, audit, sample, delay
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Time operators in the manner of gcs-stream-time.c: each reads the clock
 * on its polls and decides there; a GcsTimer on the driver's context only
 * makes the driver poll again when the next moment of interest comes.
 * Items taken from upstream and held or dropped are charged to the
 * dispatch's budget, so an upstream that always has more cannot keep a
 * poll looping.
 */

#include "config.h"

/**
 * SECTION:gcs-stream-operators
 * @title: Operators for GUI code
 * @short_description: last values, derived state, dynamic sets of
 *   streams, retries, endings
 *
 * The operators user interfaces reach for, in the manner of RxJS and
 * tokio-stream (the guide chapter "Operators for GTK apps" shows them at
 * work):
 *
 * - time: gcs_stream_throttle_full() (leading and trailing edges),
 *   gcs_stream_audit(), gcs_stream_sample(), gcs_stream_delay();
 * - several inputs: gcs_stream_combine_latest(),
 *   gcs_stream_with_latest_from(), gcs_stream_merge_all(); see also
 *   #GcsStreamGroup and #GcsShare;
 * - sequences: gcs_stream_start_with(), gcs_stream_pairwise(),
 *   gcs_stream_enumerate(), gcs_stream_map_while();
 * - inner streams: gcs_stream_exhaust_map();
 * - endings: gcs_stream_take_until(), gcs_stream_take_until_cancelled(),
 *   gcs_stream_on_end();
 * - streams made on demand: gcs_stream_defer(), gcs_stream_retry().
 *
 * Like every combinator, each consumes the stream it is called on (the
 * caller may drop its reference), runs its callbacks on the consuming
 * context, and releases its inputs and callbacks when it ends or is
 * released. The time operators wait with timeout sources on the consuming
 * context, removed when the stream is released.
 *
 * |[<!-- language="C" -->
 * // The final position of a slider is never lost:
 * g_autoptr(GcsStream) values = gcs_stream_from_property (G_OBJECT (adjustment), "value");
 * g_autoptr(GcsStream) limited = gcs_stream_throttle_full (values, 100,
 *                                                          GCS_THROTTLE_LEADING | GCS_THROTTLE_TRAILING);
 * gcs_stream_bind_to_property (limited, G_OBJECT (preview), "zoom");
 * ]|
 */

#include "gcs-error.h"
#include "gcs-stream-operators.h"
#include "gcs-stream-events.h"
#include "gcs-stream-private.h"
#include "gcs-time-private.h"

/* What upstream said last, for the operators that hold an item back:
 * the end or the error is delivered after the held item. */
typedef struct
{
  gboolean done;
  GError  *error;
} UpstreamEnd;

static void
upstream_end (GcsAdapter  *self,
              UpstreamEnd *end)
{
  end->done = TRUE;
  gcs_upstream_clear (&self->up);
}

static GcsPoll
upstream_end_result (UpstreamEnd  *end,
                     GError      **error)
{
  if (end->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&end->error));
      return GCS_POLL_ERROR;
    }
  return GCS_POLL_DONE;
}

static void
replace_value (GValue *dest,
               GValue *src)
{
  if (gcs_value_is_set (dest))
    gcs_value_clear (dest);
  gcs_value_move (dest, src);
}

/* throttle_full */

typedef struct
{
  gint64           period;
  GcsThrottleFlags flags;
  gboolean         in_window;
  gint64           window_end;
  GValue           pending;     /* TRAILING: the latest item of the window */
  UpstreamEnd      end;
  GcsTimer         timer;
} ThrottleFull;

static GcsPoll
throttle_full_poll (GcsAdapter  *self,
                    GcsWaker    *waker,
                    GValue      *item,
                    GError     **error)
{
  ThrottleFull *t = self->state;

  for (;;)
    {
      GValue next = G_VALUE_INIT;
      gint64 now = gcs_time_now ();
      GcsPoll result;

      /* The window is over: its trailing item comes, and starts the next
       * window (RxJS: send() then startThrottle()). */
      if (t->in_window && now >= t->window_end)
        {
          t->in_window = FALSE;
          if (gcs_value_is_set (&t->pending))
            {
              gcs_timer_disarm (&t->timer);
              gcs_value_move (item, &t->pending);
              t->in_window = TRUE;
              t->window_end = now + t->period;
              return GCS_POLL_READY;
            }
        }
      if (t->end.done)
        break;

      result = gcs_upstream_poll (&self->up, waker, &next, &t->end.error);
      if (result == GCS_POLL_PENDING)
        break;
      if (result != GCS_POLL_READY)
        {
          upstream_end (self, &t->end);
          break;
        }
      if (!t->in_window)
        {
          t->in_window = TRUE;
          t->window_end = now + t->period;
          if (t->flags & GCS_THROTTLE_LEADING)
            {
              gcs_value_move (item, &next);
              return GCS_POLL_READY;
            }
          replace_value (&t->pending, &next);
        }
      else if (t->flags & GCS_THROTTLE_TRAILING)
        replace_value (&t->pending, &next);
      else
        gcs_value_clear (&next);
      /* Held or dropped: charged, as if handed over. */
      if (!gcs_waker_charge_inline (waker))
        return gcs_waker_yield (waker);
    }

  if (t->end.done)
    {
      /* The input ended: the pending trailing item comes at once. */
      if (gcs_value_is_set (&t->pending))
        {
          gcs_timer_disarm (&t->timer);
          gcs_value_move (item, &t->pending);
          return GCS_POLL_READY;
        }
      return upstream_end_result (&t->end, error);
    }
  if (t->in_window && gcs_value_is_set (&t->pending))
    gcs_timer_arm (&t->timer, waker, t->window_end);
  return GCS_POLL_PENDING;
}

static void
throttle_full_clear (GcsAdapter *self)
{
  ThrottleFull *t = self->state;

  gcs_timer_clear (&t->timer);
  if (gcs_value_is_set (&t->pending))
    gcs_value_clear (&t->pending);
  g_clear_error (&t->end.error);
}

static const GcsAdapterOps throttle_full_ops = { "throttle_full", throttle_full_poll, throttle_full_clear };

/**
 * gcs_stream_throttle_full:
 * @self: a #GcsStream
 * @ms: the length of a window, in milliseconds
 * @flags: which edges of a window to emit; at least one
 *
 * Rate limiting with a choice of edges, as RxJS's `throttleTime (ms,
 * scheduler, { leading, trailing })`. An item that arrives when no window
 * is open opens one of @ms milliseconds; with %GCS_THROTTLE_LEADING it
 * comes at once. With %GCS_THROTTLE_TRAILING the last item that arrived
 * during a window (after its leading item) comes when the window ends and
 * opens the next window, so the final position of a slider, a scroll or
 * a resize is never lost; without it those items are dropped.
 *
 * gcs_stream_throttle() is this with %GCS_THROTTLE_LEADING. When @self
 * ends or fails, a pending trailing item comes at once, then the end or
 * the error. The wait is a timeout source on the consuming context,
 * removed when the stream is released.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_throttle_full (GcsStream        *self,
                          guint             ms,
                          GcsThrottleFlags  flags)
{
  GcsAdapter *adapter;
  ThrottleFull *t;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail ((flags & (GCS_THROTTLE_LEADING | GCS_THROTTLE_TRAILING)) != 0, NULL);
  g_return_val_if_fail ((flags & ~(GCS_THROTTLE_LEADING | GCS_THROTTLE_TRAILING)) == 0, NULL);

  if (flags == GCS_THROTTLE_LEADING)
    return gcs_stream_throttle (self, ms);

  adapter = gcs_adapter_new (&throttle_full_ops, self, sizeof (ThrottleFull));
  if (adapter == NULL)
    return NULL;
  t = adapter->state;
  t->period = (gint64) ms * 1000;
  t->flags = flags;
  return GCS_STREAM (adapter);
}

/* audit */

typedef struct
{
  gint64      period;
  GValue      pending;    /* the latest item */
  gint64      deadline;   /* when it comes; set by the first item held */
  UpstreamEnd end;
  GcsTimer    timer;
} Audit;

static GcsPoll
audit_poll (GcsAdapter  *self,
            GcsWaker    *waker,
            GValue      *item,
            GError     **error)
{
  Audit *a = self->state;

  for (;;)
    {
      GValue next = G_VALUE_INIT;
      GcsPoll result;

      if (gcs_value_is_set (&a->pending) && gcs_time_now () >= a->deadline)
        {
          gcs_timer_disarm (&a->timer);
          gcs_value_move (item, &a->pending);
          return GCS_POLL_READY;
        }
      if (a->end.done)
        break;
      result = gcs_upstream_poll (&self->up, waker, &next, &a->end.error);
      if (result == GCS_POLL_PENDING)
        break;
      if (result != GCS_POLL_READY)
        {
          upstream_end (self, &a->end);
          break;
        }
      /* The first item after a quiet time starts the wait; later ones
       * only replace it (RxJS: the duration is not restarted). */
      if (!gcs_value_is_set (&a->pending))
        a->deadline = gcs_time_now () + a->period;
      replace_value (&a->pending, &next);
      if (!gcs_waker_charge_inline (waker))
        return gcs_waker_yield (waker);
    }

  if (gcs_value_is_set (&a->pending))
    {
      if (a->end.done)
        {
          gcs_timer_disarm (&a->timer);
          gcs_value_move (item, &a->pending);
          return GCS_POLL_READY;
        }
      gcs_timer_arm (&a->timer, waker, a->deadline);
      return GCS_POLL_PENDING;
    }
  return a->end.done ? upstream_end_result (&a->end, error) : GCS_POLL_PENDING;
}

static void
audit_clear (GcsAdapter *self)
{
  Audit *a = self->state;

  gcs_timer_clear (&a->timer);
  if (gcs_value_is_set (&a->pending))
    gcs_value_clear (&a->pending);
  g_clear_error (&a->end.error);
}

static const GcsAdapterOps audit_ops = { "audit", audit_poll, audit_clear };

/**
 * gcs_stream_audit:
 * @self: a #GcsStream
 * @ms: the wait, in milliseconds
 *
 * After an item of @self, waits @ms milliseconds, then emits the latest
 * item that arrived meanwhile (RxJS's `auditTime`): at most one item per
 * @ms, always the newest, and the last one of a burst is never lost.
 * Unlike gcs_stream_debounce(), newer items do not restart the wait, so
 * a continuous drag still updates every @ms.
 *
 * When @self ends or fails, the pending item comes at once, then the end
 * or the error. The wait is a timeout source on the consuming context,
 * removed when the stream is released.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_audit (GcsStream *self,
                  guint      ms)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  adapter = gcs_adapter_new (&audit_ops, self, sizeof (Audit));
  if (adapter == NULL)
    return NULL;
  ((Audit *) adapter->state)->period = (gint64) ms * 1000;
  return GCS_STREAM (adapter);
}

/* sample */

typedef struct
{
  gint64      period;
  gint64      next_tick;
  gboolean    started;
  GValue      pending;    /* the latest item since the last tick */
  UpstreamEnd end;
  GcsTimer    timer;
} Sample;

static GcsPoll
sample_poll (GcsAdapter  *self,
             GcsWaker    *waker,
             GValue      *item,
             GError     **error)
{
  Sample *s = self->state;

  if (G_UNLIKELY (!s->started))
    {
      s->started = TRUE;
      s->next_tick = gcs_time_now () + s->period;
    }

  for (;;)
    {
      GValue next = G_VALUE_INIT;
      gint64 now = gcs_time_now ();
      GcsPoll result;

      if (now >= s->next_tick)
        {
          /* The ticks keep their phase; ticks missed while nobody polled
           * had nothing new to give but what the next one gives. */
          s->next_tick += s->period * (1 + (now - s->next_tick) / s->period);
          if (gcs_value_is_set (&s->pending))
            {
              gcs_timer_disarm (&s->timer);
              gcs_value_move (item, &s->pending);
              return GCS_POLL_READY;
            }
        }
      if (s->end.done)
        break;
      result = gcs_upstream_poll (&self->up, waker, &next, &s->end.error);
      if (result == GCS_POLL_PENDING)
        break;
      if (result != GCS_POLL_READY)
        {
          upstream_end (self, &s->end);
          break;
        }
      replace_value (&s->pending, &next);
      if (!gcs_waker_charge_inline (waker))
        return gcs_waker_yield (waker);
    }

  if (gcs_value_is_set (&s->pending))
    {
      if (s->end.done)
        {
          gcs_timer_disarm (&s->timer);
          gcs_value_move (item, &s->pending);
          return GCS_POLL_READY;
        }
      /* Only a tick with something to give needs a wake. */
      gcs_timer_arm (&s->timer, waker, s->next_tick);
      return GCS_POLL_PENDING;
    }
  return s->end.done ? upstream_end_result (&s->end, error) : GCS_POLL_PENDING;
}

static void
sample_clear (GcsAdapter *self)
{
  Sample *s = self->state;

  gcs_timer_clear (&s->timer);
  if (gcs_value_is_set (&s->pending))
    gcs_value_clear (&s->pending);
  g_clear_error (&s->end.error);
}

static const GcsAdapterOps sample_ops = { "sample", sample_poll, sample_clear };

/**
 * gcs_stream_sample:
 * @self: a #GcsStream
 * @ms: the period, in milliseconds, at least 1
 *
 * Every @ms milliseconds from the stream's first poll, the latest item of
 * @self if one arrived since the previous sample (RxJS's `sampleTime`):
 * a steady refresh rate for a value that changes often, a progress
 * label say. A period without a new item emits nothing.
 *
 * When @self ends or fails, an item not sampled yet comes at once, then
 * the end or the error. The wait is a timeout source on the consuming
 * context, removed when the stream is released.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_sample (GcsStream *self,
                   guint      ms)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (ms >= 1, NULL);

  adapter = gcs_adapter_new (&sample_ops, self, sizeof (Sample));
  if (adapter == NULL)
    return NULL;
  ((Sample *) adapter->state)->period = (gint64) ms * 1000;
  return GCS_STREAM (adapter);
}

/* delay */

typedef struct
{
  GValue item;
  gint64 due;
} Delayed;

typedef struct
{
  gint64   period;
  GQueue   queue;   /* of Delayed, in arrival order: their due times ascend */
  gboolean upstream_done;
  GcsTimer timer;
} Delay;

static void
delayed_free (gpointer data)
{
  Delayed *d = data;

  if (gcs_value_is_set (&d->item))
    gcs_value_clear (&d->item);
  g_free (d);
}

static GcsPoll
delay_poll (GcsAdapter  *self,
            GcsWaker    *waker,
            GValue      *item,
            GError     **error)
{
  Delay *d = self->state;
  Delayed *head;

  while (!d->upstream_done)
    {
      Delayed *entry = g_new0 (Delayed, 1);
      GcsPoll result = gcs_upstream_poll (&self->up, waker, &entry->item, error);

      if (result == GCS_POLL_READY)
        {
          entry->due = gcs_time_now () + d->period;
          g_queue_push_tail (&d->queue, entry);
          if (!gcs_waker_charge_inline (waker))
            return gcs_waker_yield (waker);
          continue;
        }
      g_free (entry);
      if (result == GCS_POLL_PENDING)
        break;
      /* An error comes at once, as in RxJS: what is still delayed is
       * dropped (released with the stream). */
      if (result == GCS_POLL_ERROR)
        return GCS_POLL_ERROR;
      d->upstream_done = TRUE;
      gcs_upstream_clear (&self->up);
    }

  head = g_queue_peek_head (&d->queue);
  if (head == NULL)
    return d->upstream_done ? GCS_POLL_DONE : GCS_POLL_PENDING;
  if (gcs_time_now () >= head->due)
    {
      g_queue_pop_head (&d->queue);
      gcs_value_move (item, &head->item);
      g_free (head);
      if (g_queue_is_empty (&d->queue))
        gcs_timer_disarm (&d->timer);
      return GCS_POLL_READY;
    }
  gcs_timer_arm (&d->timer, waker, head->due);
  return GCS_POLL_PENDING;
}

static void
delay_clear (GcsAdapter *self)
{
  Delay *d = self->state;

  gcs_timer_clear (&d->timer);
  g_queue_clear_full (&d->queue, delayed_free);
}

static const GcsAdapterOps delay_ops = { "delay", delay_poll, delay_clear };

/**
 * gcs_stream_delay:
 * @self: a #GcsStream
 * @ms: the delay, in milliseconds
 *
 * Each item of @self @ms milliseconds after it arrived, in order (RxJS's
 * `delay`); the end comes after the last item. An error comes at once:
 * the items still delayed are dropped, as in RxJS. @self is polled as
 * its items come, so the items in the delay are not bounded: this is for
 * event streams, not for floods.
 *
 * The wait is a timeout source on the consuming context, removed when the
 * stream is released.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_delay (GcsStream *self,
                  guint      ms)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  adapter = gcs_adapter_new (&delay_ops, self, sizeof (Delay));
  if (adapter == NULL)
    return NULL;
  ((Delay *) adapter->state)->period = (gint64) ms * 1000;
  return GCS_STREAM (adapter);
}
