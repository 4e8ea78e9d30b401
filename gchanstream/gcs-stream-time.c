/* gcs-stream-time.c: interval, debounce, throttle, timeout, chunks_timeout
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each reads the clock on its polls and decides there; a GcsTimer on the
 * driver's context only makes the driver poll again when the next moment
 * of interest comes. Nothing sleeps and no thread is started.
 */

#include "config.h"

/**
 * SECTION:gcs-stream-events
 * @title: Streams of events
 * @short_description: time, switch_map, GObject properties and signals,
 *   lines of a GInputStream
 *
 * Streams for event-driven code, a GTK application's above all.
 *
 * Time combinators (gcs_stream_debounce(), gcs_stream_throttle(),
 * gcs_stream_timeout(), gcs_stream_chunks_timeout()) and the
 * gcs_stream_interval() source measure time on the monotonic clock and
 * wait with timeout sources on the consuming #GMainContext, never with a
 * thread or a sleep; a stream removes its sources when it ends, is
 * cancelled or released.
 *
 * gcs_stream_from_property() and gcs_stream_from_signal() turn a
 * #GObject's notifications and signals into streams, holding only a weak
 * reference to it; gcs_stream_take_until_disposed() ends a pipeline with
 * the object it serves. gcs_stream_from_input_stream_lines() reads lines.
 *
 * Search as you type:
 * |[<!-- language="C" -->
 * g_autoptr(GcsStream) text = gcs_stream_from_property (G_OBJECT (entry), "text");
 * g_autoptr(GcsStream) settled = gcs_stream_debounce (text, 250);
 * g_autoptr(GcsStream) changed = gcs_stream_distinct_until_changed (settled);
 * g_autoptr(GcsStream) results = gcs_stream_switch_map (changed, start_query, self, NULL);
 * g_autoptr(GcsStream) shown = gcs_stream_take_until_disposed (results, G_OBJECT (list));
 * gcs_stream_for_each_async (shown, show_result, list, NULL, NULL, NULL, NULL);
 * ]|
 * where `start_query`, the application's #GcsSwitchMapFunc, starts the
 * query for the text on a worker thread, which sends its results into a
 * channel and stops when the given #GCancellable is triggered, and returns
 * gcs_receiver_stream_new() of the channel's receiver.
 */

#include "gcs-error.h"
#include "gcs-stream-events.h"
#include "gcs-stream-private.h"
#include "gcs-time-private.h"

/* The clock. The manual one is a test hook: one flag read on the real
 * path, and the only global state of the library. */

static gint   manual_clock;   /* atomic: the manual clock is in use */
static gint64 manual_now;     /* __atomic */
static gint   n_timers;       /* atomic: timer sources alive */

static inline gboolean
manual_clock_enabled (void)
{
  return G_UNLIKELY (g_atomic_int_get (&manual_clock));
}

gint64
gcs_time_now (void)
{
  if (manual_clock_enabled ())
    return __atomic_load_n (&manual_now, __ATOMIC_SEQ_CST);
  return g_get_monotonic_time ();
}

void
gcs_time_set_manual (gboolean enabled,
                     gint64   now_usec)
{
  __atomic_store_n (&manual_now, now_usec, __ATOMIC_SEQ_CST);
  g_atomic_int_set (&manual_clock, enabled ? 1 : 0);
}

void
gcs_time_advance (GMainContext *context,
                  gint64        usec)
{
  g_return_if_fail (manual_clock_enabled ());
  g_return_if_fail (usec >= 0);

  __atomic_add_fetch (&manual_now, usec, __ATOMIC_SEQ_CST);
  g_main_context_wakeup (context != NULL ? context : g_main_context_default ());
}

guint
gcs_time_count_timers (void)
{
  return (guint) g_atomic_int_get (&n_timers);
}

/* Timers: a GSource that wakes a waker when due. With the real clock it
 * rides on the source's ready time, as GLib's own timeouts do; with the
 * manual clock, prepare and check compare the manual time. All fields are
 * used on the context's thread: by the polls of the stream (which run in
 * the driver's dispatch) and by the source's own callbacks. */

struct _GcsTimerSource
{
  GSource   source;
  GcsWaker *waker;
  gint64    deadline;
  gboolean  armed;
};

static gboolean
timer_source_due (GcsTimerSource *self)
{
  return manual_clock_enabled () && self->armed && gcs_time_now () >= self->deadline;
}

static gboolean
timer_source_prepare (GSource *source,
                      gint    *timeout)
{
  *timeout = -1;
  return timer_source_due ((GcsTimerSource *) source);
}

static gboolean
timer_source_check (GSource *source)
{
  return timer_source_due ((GcsTimerSource *) source);
}

static gboolean
timer_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  GcsTimerSource *self = (GcsTimerSource *) source;

  /* The stream re-arms it on its next poll if it still needs a wake. */
  self->armed = FALSE;
  g_source_set_ready_time (source, -1);
  if (self->waker != NULL)
    gcs_waker_wake (self->waker);
  return G_SOURCE_CONTINUE;
}

static void
timer_source_finalize (GSource *source)
{
  GcsTimerSource *self = (GcsTimerSource *) source;

  g_clear_pointer (&self->waker, gcs_waker_unref);
  g_atomic_int_add (&n_timers, -1);
}

static GSourceFuncs timer_source_funcs = {
  .prepare = timer_source_prepare,
  .check = timer_source_check,
  .dispatch = timer_source_dispatch,
  .finalize = timer_source_finalize,
};

static GMainContext *
waker_context (GcsWaker *waker)
{
  GMainContext *context = gcs_waker_get_context (waker);

  /* A driver sets its context before it first polls; a stream polled by
   * hand with a bare waker falls back to the thread's. */
  if (context == NULL)
    context = g_main_context_get_thread_default ();
  return context != NULL ? context : g_main_context_default ();
}

void
gcs_timer_arm (GcsTimer *self,
               GcsWaker *waker,
               gint64    deadline)
{
  GMainContext *context = waker_context (waker);
  GcsTimerSource *s = self->source;

  /* Destroyed with its context, or another driver on another context
   * polls now (one next_async after another): a new source there. */
  if (s != NULL && (g_source_is_destroyed (&s->source) ||
                    g_source_get_context (&s->source) != context))
    {
      gcs_timer_clear (self);
      s = NULL;
    }
  if (s == NULL)
    {
      s = (GcsTimerSource *) g_source_new (&timer_source_funcs, sizeof (GcsTimerSource));
      g_atomic_int_inc (&n_timers);
      g_source_set_static_name (&s->source, "[gchanstream] timer");
      g_source_set_priority (&s->source, G_PRIORITY_DEFAULT);
      g_source_attach (&s->source, context);
      self->source = s;
    }
  if (s->waker != waker)
    {
      g_clear_pointer (&s->waker, gcs_waker_unref);
      s->waker = gcs_waker_ref (waker);
    }
  /* Armed for earlier: let it fire then, the poll it causes arms it again.
   * A debounce or timeout fed many items thus moves no source per item. */
  if (s->armed && s->deadline <= deadline)
    return;
  s->armed = TRUE;
  s->deadline = deadline;
  if (!manual_clock_enabled ())
    g_source_set_ready_time (&s->source, deadline);
}

void
gcs_timer_disarm (GcsTimer *self)
{
  GcsTimerSource *s = self->source;

  if (s == NULL || !s->armed)
    return;
  s->armed = FALSE;
  if (!g_source_is_destroyed (&s->source))
    g_source_set_ready_time (&s->source, -1);
}

void
gcs_timer_clear (GcsTimer *self)
{
  GcsTimerSource *s = g_steal_pointer (&self->source);

  if (s == NULL)
    return;
  g_source_destroy (&s->source);
  g_source_unref (&s->source);
}

/* interval */

typedef struct
{
  gint64   period;
  gint64   deadline;   /* of the next tick */
  guint64  count;
  gboolean started;
  GcsTimer timer;
} Interval;

static GcsPoll
interval_poll (GcsAdapter  *self,
               GcsWaker    *waker,
               GValue      *item,
               GError     **error)
{
  Interval *iv = self->state;
  gint64 now = gcs_time_now ();

  if (!iv->started)
    {
      iv->started = TRUE;
      iv->deadline = now + iv->period;
    }
  if (now < iv->deadline)
    {
      gcs_timer_arm (&iv->timer, waker, iv->deadline);
      return GCS_POLL_PENDING;
    }

  g_value_init (item, G_TYPE_UINT64);
  g_value_set_uint64 (item, iv->count++);
  /* Keep the rhythm; after a stall (a busy loop, a consumer that did not
   * poll) start it again from now rather than make up a burst of ticks. */
  iv->deadline += iv->period;
  if (iv->deadline <= now)
    iv->deadline = now + iv->period;
  return GCS_POLL_READY;
}

static void
interval_clear (GcsAdapter *self)
{
  gcs_timer_clear (&((Interval *) self->state)->timer);
}

static const GcsAdapterOps interval_ops = { "interval", interval_poll, interval_clear };

/**
 * gcs_stream_interval:
 * @ms: the period in milliseconds, at least 1
 *
 * An endless stream of ticks: the #guint64 items 0, 1, 2, ..., the first
 * @ms after the stream is first polled, then one every @ms. A consumer
 * that falls behind (a busy main loop, a paused forward) misses ticks
 * rather than getting a burst of them: the counts stay consecutive and
 * the rhythm starts again from the late tick.
 *
 * The ticks come from a timeout source on the consuming context, removed
 * when the stream is released; nothing runs while the stream is not
 * consumed.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_interval (guint ms)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (ms >= 1, NULL);

  adapter = gcs_adapter_new (&interval_ops, NULL, sizeof (Interval));
  ((Interval *) adapter->state)->period = (gint64) ms * 1000;
  return GCS_STREAM (adapter);
}

/* debounce */

typedef struct
{
  gint64   period;
  GValue   pending;         /* the latest item, not emitted yet */
  gint64   deadline;        /* when it is due */
  gboolean upstream_done;
  GError  *error;           /* upstream's, delivered after the pending item */
  GcsTimer timer;
} Debounce;

static GcsPoll
debounce_poll (GcsAdapter  *self,
               GcsWaker    *waker,
               GValue      *item,
               GError     **error)
{
  Debounce *d = self->state;

  while (!d->upstream_done)
    {
      GValue next = G_VALUE_INIT;
      GcsPoll result;

      /* Items it replaces count against the dispatch's budget. */
      if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
        return gcs_waker_yield (waker);
      result = gcs_upstream_poll (&self->up, waker, &next, &d->error);
      if (result == GCS_POLL_READY)
        {
          if (gcs_value_is_set (&d->pending))
            gcs_value_clear (&d->pending);
          gcs_value_move (&d->pending, &next);
          d->deadline = gcs_time_now () + d->period;
          continue;
        }
      if (result == GCS_POLL_PENDING)
        break;
      /* The end, or an error kept for after the pending item. */
      d->upstream_done = TRUE;
      gcs_upstream_clear (&self->up);
    }

  if (gcs_value_is_set (&d->pending))
    {
      if (d->upstream_done || gcs_time_now () >= d->deadline)
        {
          gcs_timer_disarm (&d->timer);
          gcs_value_move (item, &d->pending);
          return GCS_POLL_READY;
        }
      gcs_timer_arm (&d->timer, waker, d->deadline);
      return GCS_POLL_PENDING;
    }
  if (d->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&d->error));
      return GCS_POLL_ERROR;
    }
  return d->upstream_done ? GCS_POLL_DONE : GCS_POLL_PENDING;
}

static void
debounce_clear (GcsAdapter *self)
{
  Debounce *d = self->state;

  gcs_timer_clear (&d->timer);
  if (gcs_value_is_set (&d->pending))
    gcs_value_clear (&d->pending);
  g_clear_error (&d->error);
}

static const GcsAdapterOps debounce_ops = { "debounce", debounce_poll, debounce_clear };

/**
 * gcs_stream_debounce:
 * @self: a #GcsStream
 * @ms: the quiet time in milliseconds
 *
 * The items of @self that are followed by @ms milliseconds without a newer
 * one: of a burst, only the last item comes, @ms after it. For search as
 * you type, a query starts once the user stops typing. When @self ends, the pending
 * item comes at once, then the end; when @self fails, the pending item
 * comes at once, then the error. With @ms 0, of the items @self has ready
 * at one time only the last comes.
 *
 * The wait is a timeout source on the consuming context, removed when the
 * stream is released.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_debounce (GcsStream *self,
                     guint      ms)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  adapter = gcs_adapter_new (&debounce_ops, self, sizeof (Debounce));
  if (adapter == NULL)
    return NULL;
  ((Debounce *) adapter->state)->period = (gint64) ms * 1000;
  return GCS_STREAM (adapter);
}

/* throttle: lossy, and needs no timer: items are dropped as they come */

typedef struct
{
  gint64   period;
  gint64   window_end;   /* items before it are dropped */
  gboolean started;
} Throttle;

static GcsPoll
throttle_poll (GcsAdapter  *self,
               GcsWaker    *waker,
               GValue      *item,
               GError     **error)
{
  Throttle *t = self->state;
  gint64 now = 0;
  gboolean have_now = FALSE;

  for (;;)
    {
      GcsPoll result;

      /* Items it drops count against the dispatch's budget. */
      if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
        return gcs_waker_yield (waker);
      result = gcs_upstream_poll (&self->up, waker, item, error);
      if (result != GCS_POLL_READY)
        return result;
      if (!have_now)
        {
          now = gcs_time_now ();
          have_now = TRUE;
        }
      if (!t->started || now >= t->window_end)
        {
          t->started = TRUE;
          t->window_end = now + t->period;
          return GCS_POLL_READY;
        }
      gcs_value_clear (item);
    }
}

static const GcsAdapterOps throttle_ops = { "throttle", throttle_poll, NULL };

/**
 * gcs_stream_throttle:
 * @self: a #GcsStream
 * @ms: the silence after each item, in milliseconds
 *
 * Lossy rate limiting, on the leading edge: an item of @self comes at once,
 * then the items that arrive in the next @ms milliseconds are dropped; the
 * first one after that comes at once and starts a new silence. Nothing is
 * delayed and nothing dropped is delivered later (this is RxJS's
 * `throttleTime`, not tokio-stream's lossless `throttle`). Errors and the
 * end of @self come at once.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_throttle (GcsStream *self,
                     guint      ms)
{
  GcsAdapter *adapter;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  adapter = gcs_adapter_new (&throttle_ops, self, sizeof (Throttle));
  if (adapter == NULL)
    return NULL;
  ((Throttle *) adapter->state)->period = (gint64) ms * 1000;
  return GCS_STREAM (adapter);
}

/* timeout */

typedef struct
{
  guint    ms;
  gint64   period;
  gint64   deadline;   /* for the next item */
  gboolean started;
  GcsTimer timer;
} Timeout;

static GcsPoll
timeout_poll (GcsAdapter  *self,
              GcsWaker    *waker,
              GValue      *item,
              GError     **error)
{
  Timeout *t = self->state;
  GcsPoll result;
  gint64 now;

  if (G_UNLIKELY (!t->started))
    {
      t->started = TRUE;
      t->deadline = gcs_time_now () + t->period;
    }
  /* Upstream first: an item that is there is never late. */
  result = gcs_upstream_poll (&self->up, waker, item, error);
  if (result == GCS_POLL_READY)
    {
      t->deadline = gcs_time_now () + t->period;
      return GCS_POLL_READY;
    }
  if (result != GCS_POLL_PENDING)
    return result;

  now = gcs_time_now ();
  if (now >= t->deadline)
    {
      g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TIMEOUT,
                   "No item came within %u ms", t->ms);
      return GCS_POLL_ERROR;
    }
  gcs_timer_arm (&t->timer, waker, t->deadline);
  return GCS_POLL_PENDING;
}

static void
timeout_clear (GcsAdapter *self)
{
  gcs_timer_clear (&((Timeout *) self->state)->timer);
}

static const GcsAdapterOps timeout_ops = { "timeout", timeout_poll, timeout_clear };

/**
 * gcs_stream_timeout:
 * @self: a #GcsStream
 * @ms: the longest wait for an item, in milliseconds
 *
 * The items of @self, failing with %GCS_CHANNEL_ERROR_TIMEOUT when none
 * comes within @ms milliseconds of the start (the stream's first poll) or
 * of the previous item. An item @self has ready is never late, however
 * long the consumer took to ask for it. The failure releases @self.
 *
 * The wait is a timeout source on the consuming context, removed when the
 * stream is released.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_timeout (GcsStream *self,
                    guint      ms)
{
  GcsAdapter *adapter;
  Timeout *t;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);

  adapter = gcs_adapter_new (&timeout_ops, self, sizeof (Timeout));
  if (adapter == NULL)
    return NULL;
  t = adapter->state;
  t->ms = ms;
  t->period = (gint64) ms * 1000;
  return GCS_STREAM (adapter);
}

/* chunks_timeout */

typedef struct
{
  guint    size;
  gint64   period;
  GValue  *items;
  guint    n;
  gint64   deadline;       /* of the batch being filled */
  gboolean upstream_done;
  GError  *error;          /* upstream's, delivered after the last batch */
  GcsTimer timer;
} ChunksTimeout;

static GcsPoll
chunks_timeout_poll (GcsAdapter  *self,
                     GcsWaker    *waker,
                     GValue      *item,
                     GError     **error)
{
  ChunksTimeout *c = self->state;

  while (!c->upstream_done && c->n < c->size)
    {
      GcsPoll result = gcs_upstream_poll (&self->up, waker, &c->items[c->n], &c->error);

      if (result == GCS_POLL_READY)
        {
          /* The batch's time runs from its first item. */
          if (c->n == 0)
            c->deadline = gcs_time_now () + c->period;
          c->n++;
          continue;
        }
      if (result == GCS_POLL_PENDING)
        break;
      c->upstream_done = TRUE;
      gcs_upstream_clear (&self->up);
    }

  if (c->n > 0)
    {
      if (c->n == c->size || c->upstream_done || gcs_time_now () >= c->deadline)
        {
          gcs_timer_disarm (&c->timer);
          gcs_value_take_sequence (item, c->items, c->n);
          c->n = 0;
          return GCS_POLL_READY;
        }
      gcs_timer_arm (&c->timer, waker, c->deadline);
      return GCS_POLL_PENDING;
    }
  if (c->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&c->error));
      return GCS_POLL_ERROR;
    }
  return c->upstream_done ? GCS_POLL_DONE : GCS_POLL_PENDING;
}

static void
chunks_timeout_clear (GcsAdapter *self)
{
  ChunksTimeout *c = self->state;

  gcs_timer_clear (&c->timer);
  for (guint i = 0; i < c->n; i++)
    gcs_value_clear (&c->items[i]);
  c->n = 0;
  g_clear_pointer (&c->items, g_free);
  g_clear_error (&c->error);
}

static const GcsAdapterOps chunks_timeout_ops = { "chunks_timeout", chunks_timeout_poll, chunks_timeout_clear };

/**
 * gcs_stream_chunks_timeout:
 * @self: a #GcsStream
 * @n: the largest batch, at least 1
 * @ms: the longest a batch waits for more items, in milliseconds
 *
 * Groups items in batches (a #GValueArray in C, a list in Python, an array
 * in JavaScript): a batch comes when it has @n items, or @ms milliseconds
 * after its first item came, whichever is first; never an empty batch.
 * When @self ends or fails, the batch being filled comes at once, then the
 * end or the error. Batching log lines for a view is the typical use:
 * few updates under load, no line held back long.
 *
 * The wait is a timeout source on the consuming context, removed when the
 * stream is released.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_chunks_timeout (GcsStream *self,
                           guint      n,
                           guint      ms)
{
  GcsAdapter *adapter;
  ChunksTimeout *c;

  g_return_val_if_fail (GCS_IS_STREAM (self), NULL);
  g_return_val_if_fail (n >= 1, NULL);

  adapter = gcs_adapter_new (&chunks_timeout_ops, self, sizeof (ChunksTimeout));
  if (adapter == NULL)
    return NULL;
  c = adapter->state;
  c->size = n;
  c->period = (gint64) ms * 1000;
  c->items = g_new0 (GValue, n);
  return GCS_STREAM (adapter);
}
