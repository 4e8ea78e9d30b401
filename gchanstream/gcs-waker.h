/* gcs-waker.h: how a pending stream wakes its driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <glib-object.h>

#include "gcs-version.h"

G_BEGIN_DECLS

#define GCS_TYPE_WAKER (gcs_waker_get_type ())

/**
 * GcsWaker:
 *
 * The handle a driver passes down a pipeline with each poll. A stream that
 * has nothing now keeps a reference and calls gcs_waker_wake() once it may
 * have something. Waking is thread-safe, cheap and idempotent.
 */
typedef struct _GcsWaker GcsWaker;

/**
 * GcsPoll:
 * @GCS_POLL_READY: an item was handed over
 * @GCS_POLL_PENDING: nothing now; the stream keeps the waker and wakes it
 *   once it may have something
 * @GCS_POLL_DONE: the end of the stream
 * @GCS_POLL_ERROR: the end of the stream, with an error
 *
 * The answer of #GcsStreamInterface.poll_next.
 */
typedef enum
{
  GCS_POLL_READY,
  GCS_POLL_PENDING,
  GCS_POLL_DONE,
  GCS_POLL_ERROR,
} GcsPoll;

GCS_AVAILABLE_IN_ALL
GType         gcs_waker_get_type    (void) G_GNUC_CONST;
GCS_AVAILABLE_IN_ALL
GcsWaker     *gcs_waker_ref         (GcsWaker *self);
GCS_AVAILABLE_IN_ALL
void          gcs_waker_unref       (GcsWaker *self);
GCS_AVAILABLE_IN_ALL
void          gcs_waker_wake        (GcsWaker *self);
GCS_AVAILABLE_IN_ALL
GMainContext *gcs_waker_get_context (GcsWaker *self);
GCS_AVAILABLE_IN_ALL
gboolean      gcs_waker_charge      (GcsWaker *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GcsWaker, gcs_waker_unref)

G_END_DECLS
