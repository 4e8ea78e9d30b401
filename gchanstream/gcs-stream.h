/* gcs-stream.h: the GcsStream interface, its combinators and terminal operations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"
#include "gcs-sink.h"
#include "gcs-waker.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_STREAM:
 *
 * The #GType of the #GcsStream interface.
 */
#define GCS_TYPE_STREAM (gcs_stream_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (GcsStream, gcs_stream, GCS, STREAM, GObject)

/**
 * GcsStreamInterface:
 * @g_iface: the parent interface
 * @poll_next: hands over the next item if there is one now. @item is an
 *   uninitialized #GValue the stream initializes and fills on
 *   %GCS_POLL_READY (the caller then owns it); @error is set on
 *   %GCS_POLL_ERROR. On %GCS_POLL_PENDING the stream must arrange for
 *   @waker to be woken, from any thread, once it may have an item. After
 *   %GCS_POLL_DONE or %GCS_POLL_ERROR it is never polled again.
 * @release: optional: the stream's consumer is done with it (it ended, or
 *   the pipeline was cancelled or let go): release what it holds now (its
 *   upstream, callbacks, a channel's receiver), even though a binding may
 *   still hold a reference to the object. It is not polled afterwards.
 *
 * The poll protocol, as in Rust's `futures::Stream`. Streams are consumed
 * by drivers: GSources on the consuming #GMainContext that poll until
 * %GCS_POLL_PENDING and sleep until woken.
 */
struct _GcsStreamInterface
{
  GTypeInterface g_iface;

  GcsPoll (*poll_next) (GcsStream  *self,
                        GcsWaker   *waker,
                        GValue     *item,
                        GError    **error);
  void    (*release)   (GcsStream  *self);
};

/**
 * GcsMapFunc:
 * @item: the item
 * @result: (out caller-allocates): an uninitialized #GValue to initialize
 *   and set
 * @user_data: the data given with the function
 * @error: set it to fail: the stream ends with this error
 *
 * Turns an item into another. In C, initialize @result with
 * g_value_init(); from Python and JavaScript, return the value.
 */
typedef void (*GcsMapFunc) (const GValue  *item,
                            GValue        *result,
                            gpointer       user_data,
                            GError       **error);

/**
 * GcsUpdateFunc:
 * @item: the item, to change in place
 * @user_data: the data given with the function
 * @error: set it to fail: the stream ends with this error
 *
 * Changes an item in place, keeping its type, for gcs_stream_map_in_place().
 */
typedef void (*GcsUpdateFunc) (GValue        *item,
                               gpointer       user_data,
                               GError       **error);

/**
 * GcsPredicateFunc:
 * @item: the item
 * @user_data: the data given with the function
 * @error: set it to fail: the stream ends with this error
 *
 * Decides about an item: for gcs_stream_filter(), gcs_stream_take_while() and gcs_stream_skip_while().
 *
 * Returns: whether @item passes
 */
typedef gboolean (*GcsPredicateFunc) (const GValue  *item,
                                      gpointer       user_data,
                                      GError       **error);

/**
 * GcsVisitFunc:
 * @item: the item
 * @user_data: the data given with the function
 * @error: set it to fail: the stream ends with this error
 *
 * Looks at an item.
 */
typedef void (*GcsVisitFunc) (const GValue  *item,
                              gpointer       user_data,
                              GError       **error);

/**
 * GcsFoldFunc:
 * @accumulator: the value so far
 * @item: the item
 * @result: (out caller-allocates): an uninitialized #GValue to set to the
 *   new accumulator
 * @user_data: the data given with the function
 * @error: set it to fail: the stream ends with this error
 *
 * Combines the accumulator with an item.
 */
typedef void (*GcsFoldFunc) (const GValue  *accumulator,
                             const GValue  *item,
                             GValue        *result,
                             gpointer       user_data,
                             GError       **error);

/**
 * GcsFlatMapFunc:
 * @item: the item
 * @user_data: the data given with the function
 * @error: set it to fail: the stream ends with this error
 *
 * Makes a stream of an item, for gcs_stream_flat_map() and gcs_stream_flat_map_unordered().
 *
 * Returns: (transfer full) (nullable): a stream for the item; %NULL with
 *   @error set to fail
 */
typedef GcsStream *(*GcsFlatMapFunc) (const GValue  *item,
                                      gpointer       user_data,
                                      GError       **error);

/**
 * GcsCatchFunc:
 * @error: the error the stream failed with
 * @user_data: the data given with the function
 * @new_error: set it to fail with another error
 *
 * Turns a stream's error into a stream to go on with, for gcs_stream_catch_error().
 *
 * Returns: (transfer full) (nullable): a stream to go on with; %NULL with
 *   @new_error set to fail
 */
typedef GcsStream *(*GcsCatchFunc) (const GError  *error,
                                    gpointer       user_data,
                                    GError       **new_error);

GCS_AVAILABLE_IN_ALL
GcsPoll    gcs_stream_poll_next          (GcsStream        *self,
                                          GcsWaker         *waker,
                                          GValue           *item,
                                          GError          **error);

/* Sources */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_from_values        (const GValue     *values,
                                          guint             n_values);

/* Combinators */
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_map                (GcsStream        *self,
                                          GcsMapFunc        func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_map_in_place       (GcsStream        *self,
                                          GcsUpdateFunc     func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_filter             (GcsStream        *self,
                                          GcsPredicateFunc  func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_filter_map         (GcsStream        *self,
                                          GcsMapFunc        func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_inspect            (GcsStream        *self,
                                          GcsVisitFunc      func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_take               (GcsStream        *self,
                                          guint             n);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_skip               (GcsStream        *self,
                                          guint             n);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_take_while         (GcsStream        *self,
                                          GcsPredicateFunc  func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_skip_while         (GcsStream        *self,
                                          GcsPredicateFunc  func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_scan               (GcsStream        *self,
                                          const GValue     *init,
                                          GcsFoldFunc       func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_distinct_until_changed (GcsStream    *self);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_chunks             (GcsStream        *self,
                                          guint             n);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_chain              (GcsStream        *self,
                                          GcsStream        *other);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_merge              (GcsStream        *self,
                                          GcsStream        *other);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_zip                (GcsStream        *self,
                                          GcsStream        *other);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_flat_map           (GcsStream        *self,
                                          GcsFlatMapFunc    func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_flat_map_unordered (GcsStream        *self,
                                          GcsFlatMapFunc    func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy,
                                          guint             limit);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_buffered           (GcsStream        *self,
                                          guint             n);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_catch_error        (GcsStream        *self,
                                          GcsCatchFunc      func,
                                          gpointer          user_data,
                                          GDestroyNotify    destroy);

/* Terminal operations */
GCS_AVAILABLE_IN_ALL
void          gcs_stream_next_async      (GcsStream           *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_stream_next_finish     (GcsStream           *self,
                                          GAsyncResult        *result,
                                          GError             **error);
GCS_AVAILABLE_IN_ALL
void          gcs_stream_for_each_async  (GcsStream           *self,
                                          GcsVisitFunc         func,
                                          gpointer             func_data,
                                          GDestroyNotify       func_destroy,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GCS_AVAILABLE_IN_ALL
gboolean      gcs_stream_for_each_finish (GcsStream           *self,
                                          GAsyncResult        *result,
                                          GError             **error);
GCS_AVAILABLE_IN_ALL
void          gcs_stream_collect_async   (GcsStream           *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_stream_collect_finish  (GcsStream           *self,
                                          GAsyncResult        *result,
                                          GError             **error);
GCS_AVAILABLE_IN_ALL
void          gcs_stream_fold_async      (GcsStream           *self,
                                          const GValue        *init,
                                          GcsFoldFunc          func,
                                          gpointer             func_data,
                                          GDestroyNotify       func_destroy,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_stream_fold_finish     (GcsStream           *self,
                                          GAsyncResult        *result,
                                          GError             **error);
GCS_AVAILABLE_IN_ALL
void          gcs_stream_count_async     (GcsStream           *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GCS_AVAILABLE_IN_ALL
guint64       gcs_stream_count_finish    (GcsStream           *self,
                                          GAsyncResult        *result,
                                          GError             **error);
GCS_AVAILABLE_IN_ALL
void          gcs_stream_forward_async   (GcsStream           *self,
                                          GcsSink             *sink,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GCS_AVAILABLE_IN_ALL
gboolean      gcs_stream_forward_finish  (GcsStream           *self,
                                          GAsyncResult        *result,
                                          GError             **error);
GCS_AVAILABLE_IN_ALL
guint         gcs_stream_bind_to_property (GcsStream          *self,
                                           GObject            *object,
                                           const char         *property);

G_END_DECLS
