/* gcs-dbus.h: streams of D-Bus signals and properties, and signals from a stream
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

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_from_dbus_signal         (GDBusConnection      *connection,
                                                const char           *sender,
                                                const char           *object_path,
                                                const char           *interface_name,
                                                const char           *member);
GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsStream *gcs_stream_from_dbus_property       (GDBusConnection      *connection,
                                                const char           *bus_name,
                                                const char           *object_path,
                                                const char           *interface_name,
                                                const char           *property_name);
GCS_AVAILABLE_IN_ALL
void       gcs_stream_emit_dbus_signal_async   (GcsStream            *self,
                                                GDBusConnection      *connection,
                                                const char           *destination,
                                                const char           *object_path,
                                                const char           *interface_name,
                                                const char           *signal_name,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GCS_AVAILABLE_IN_ALL
gboolean   gcs_stream_emit_dbus_signal_finish  (GcsStream            *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
