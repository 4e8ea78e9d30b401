/* gcs-chan-closed.c: the senders' closed_async, written once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-chan-closed-private.h"

/* A GTask on @sender, completed by the channel's core once no receiver is
 * left (at once if none is), or with G_IO_ERROR_CANCELLED. */
void
gcs_chan_closed_async (GcsChanCore         *core,
                       gpointer             sender,
                       gpointer             source_tag,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (sender, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[gchanstream] closed");
  gcs_chan_core_closed_async (core, task);
}

gboolean
gcs_chan_closed_finish (gpointer       sender,
                        GAsyncResult  *result,
                        gpointer       source_tag,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sender), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
