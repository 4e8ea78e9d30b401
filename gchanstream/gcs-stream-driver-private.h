/* gcs-stream-driver-private.h: the GSource behind every terminal operation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gcs-stream-private.h"

G_BEGIN_DECLS

typedef struct _GcsStreamDriver GcsStreamDriver;

typedef enum
{
  GCS_STEP_CONTINUE,  /* poll the next item */
  GCS_STEP_PAUSE,     /* wait until gcs_stream_driver_resume() */
  GCS_STEP_STOP,      /* finish now; with the error, if one was set */
} GcsStep;

typedef struct
{
  /* Takes @item (unset it or keep it). */
  GcsStep (*item)   (GcsStreamDriver  *self,
                     GValue           *item,
                     GError          **error);
  /* The end, normal (@error NULL) or not (@error is yours). Completes the
   * task, now or later (hold a task reference for later). */
  void    (*finish) (GcsStreamDriver  *self,
                     GError           *error);
  /* Frees @data. */
  void    (*clear)  (GcsStreamDriver  *self);
} GcsStreamDriverOps;

struct _GcsStreamDriver
{
  GcsDriver                 driver;
  const GcsStreamDriverOps *ops;
  GcsUpstream               up;
  GTask                    *task;       /* NULL for bind_to_property */
  gpointer                  data;
  gulong                    cancel_handler;  /* on the task's cancellable */
  guint                     borrowed : 1;
  guint                     finished : 1;
  guint                     paused : 1;
};

GcsStreamDriver *gcs_stream_driver_new    (GcsStream                *stream,
                                           gboolean                  borrow,
                                           const GcsStreamDriverOps *ops,
                                           GTask                    *task,
                                           gsize                     data_size);
guint            gcs_stream_driver_start  (GcsStreamDriver          *self,
                                           GMainContext             *context);
void             gcs_stream_driver_resume (GcsStreamDriver          *self);
void             gcs_stream_driver_abort  (GcsStreamDriver          *self,
                                           GError                   *error);

G_END_DECLS
