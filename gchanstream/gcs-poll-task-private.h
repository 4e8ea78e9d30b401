/* gcs-poll-task-private.h: an async receive as a driver completing a GTask
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What gcs_receiver_recv_async() does for the mpsc receiver, for any
 * receiver with a poll function: a driver on the task's context polls
 * until the answer is not PENDING and completes the task with it, while a
 * cancellable source races it on the same context. The driver checks the
 * cancellable before each poll, so a receive that completes with
 * G_IO_ERROR_CANCELLED has taken nothing.
 */

#pragma once

#include <gio/gio.h>

#include "gcs-waker-private.h"
#include "gcs-waker.h"

G_BEGIN_DECLS

/* Polls @owner (the task's source object) once, with the @data given to
 * gcs_poll_task_run_full(). On GCS_POLL_READY @value may be left unset (a
 * notification without an item). */
typedef GcsPoll (*GcsPollTaskFunc)   (gpointer   owner,
                                      gpointer   data,
                                      GcsWaker  *waker,
                                      GValue    *value,
                                      GError   **error);
/* Takes back a waker registered by a poll, when the driver goes. */
typedef void    (*GcsForgetWakerFunc) (gpointer  owner,
                                       GcsWaker *waker);

void          gcs_poll_task_run       (GTask              *task,
                                       GcsPollTaskFunc     poll,
                                       GcsForgetWakerFunc  forget);
void          gcs_poll_task_run_full  (GTask              *task,
                                       GcsPollTaskFunc     poll,
                                       GcsForgetWakerFunc  forget,
                                       gpointer            data,
                                       GDestroyNotify      destroy);
const GValue *gcs_poll_task_propagate (GTask              *task,
                                       GError            **error);

G_END_DECLS
