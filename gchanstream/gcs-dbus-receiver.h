/* gcs-dbus-receiver.h: the receiving end of a channel across processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcs-version.h"
#include "gcs-receiver.h"

G_BEGIN_DECLS

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsReceiver *gcs_dbus_receiver_new             (GDBusConnection  *connection,
                                                const char       *object_path,
                                                GType             item_type,
                                                guint             capacity,
                                                GError          **error);
GCS_AVAILABLE_IN_ALL
gboolean     gcs_dbus_receiver_propagate_error (GcsReceiver      *receiver,
                                                GError          **error);

G_END_DECLS
