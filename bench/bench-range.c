/* bench-range.c: a GcsStream implemented outside the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-range.h"

struct _BenchRange
{
  GObject parent_instance;
  gint64  next;
  gint64  n;
};

static void bench_range_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchRange, bench_range, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, bench_range_stream_init))

static void
bench_range_class_init (BenchRangeClass *klass)
{
}

static void
bench_range_init (BenchRange *self)
{
}

static GcsPoll
bench_range_poll_next (GcsStream  *stream,
                       GcsWaker   *waker,
                       GValue     *item,
                       GError    **error)
{
  BenchRange *self = (BenchRange *) stream;

  if (self->next == self->n)
    return GCS_POLL_DONE;
  g_value_init (item, G_TYPE_INT64);
  g_value_set_int64 (item, self->next++);
  return GCS_POLL_READY;
}

static void
bench_range_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = bench_range_poll_next;
}

GcsStream *
bench_range_new (gint64 n)
{
  BenchRange *self = g_object_new (BENCH_TYPE_RANGE, NULL);

  self->n = n;
  return GCS_STREAM (self);
}
