/* gcs-binding.h: entry points for language bindings
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"
#include "gcs-stream.h"

G_BEGIN_DECLS

/**
 * GcsBindingMapFunc:
 * @item: the item
 * @user_data: the data given with the function
 * @error: return location for the error that fails the stream
 *
 * A value-producing callback for bindings: it hands its value over with
 * gcs_binding_set_result() instead of an out #GValue (see
 * gcs_stream_binding_map()).
 */
typedef void (*GcsBindingMapFunc) (const GValue  *item,
                                   gpointer       user_data,
                                   GError       **error);

/**
 * GcsBindingFoldFunc:
 * @accumulator: the value so far
 * @item: the item
 * @user_data: the data given with the function
 * @error: return location for the error that fails the stream
 *
 * The #GcsFoldFunc of bindings: it hands the new accumulator over with
 * gcs_binding_set_result().
 */
typedef void (*GcsBindingFoldFunc) (const GValue  *accumulator,
                                    const GValue  *item,
                                    gpointer       user_data,
                                    GError       **error);

GCS_AVAILABLE_IN_ALL
void          gcs_binding_set_result          (const GValue       *value);
GCS_AVAILABLE_IN_ALL
void          gcs_stream_release              (GcsStream          *self);

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream    *gcs_stream_binding_map          (GcsStream          *self,
                                               GcsBindingMapFunc   func,
                                               gpointer            user_data,
                                               GDestroyNotify      destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream    *gcs_stream_binding_filter_map   (GcsStream          *self,
                                               GcsBindingMapFunc   func,
                                               gpointer            user_data,
                                               GDestroyNotify      destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream    *gcs_stream_binding_map_while    (GcsStream          *self,
                                               GcsBindingMapFunc   func,
                                               gpointer            user_data,
                                               GDestroyNotify      destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream    *gcs_stream_binding_scan         (GcsStream          *self,
                                               const GValue       *init,
                                               GcsBindingFoldFunc  func,
                                               gpointer            user_data,
                                               GDestroyNotify      destroy);
GCS_AVAILABLE_IN_ALL
void          gcs_stream_binding_fold_async   (GcsStream           *self,
                                               const GValue        *init,
                                               GcsBindingFoldFunc   func,
                                               gpointer             func_data,
                                               GDestroyNotify       func_destroy,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_stream_binding_fold_finish  (GcsStream           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
