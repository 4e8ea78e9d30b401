/* gcs-dbus-sink.h: a sink that sends into a channel in another process
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

G_BEGIN_DECLS

/**
 * GCS_TYPE_DBUS_SINK:
 *
 * The #GType of #GcsDBusSink.
 */
#define GCS_TYPE_DBUS_SINK (gcs_dbus_sink_get_type ())

GCS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GcsDBusSink, gcs_dbus_sink, GCS, DBUS_SINK, GObject)

GCS_AVAILABLE_IN_ALL
G_GNUC_WARN_UNUSED_RESULT
GcsSink         *gcs_dbus_sink_new            (GDBusConnection  *connection,
                                               const char       *bus_name,
                                               const char       *object_path);
GCS_AVAILABLE_IN_ALL
gboolean         gcs_dbus_sink_try_send       (GcsDBusSink      *self,
                                               const GValue     *value,
                                               GError          **error);
GCS_AVAILABLE_IN_ALL
GDBusConnection *gcs_dbus_sink_get_connection (GcsDBusSink      *self);
GCS_AVAILABLE_IN_ALL
const char      *gcs_dbus_sink_get_bus_name   (GcsDBusSink      *self);
GCS_AVAILABLE_IN_ALL
const char      *gcs_dbus_sink_get_object_path (GcsDBusSink     *self);
GCS_AVAILABLE_IN_ALL
guint            gcs_dbus_sink_get_capacity   (GcsDBusSink      *self);
GCS_AVAILABLE_IN_ALL
guint            gcs_dbus_sink_get_in_flight  (GcsDBusSink      *self);

G_END_DECLS
