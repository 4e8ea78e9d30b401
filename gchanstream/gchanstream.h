/* gchanstream.h: the umbrella header
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>
#include <gio/gio.h>

#define GCHANSTREAM_INSIDE
# include "gcs-version.h"
# include "gcs-enum-types.h"
# include "gcs-error.h"
# include "gcs-channel.h"
# include "gcs-sender.h"
# include "gcs-receiver.h"
# include "gcs-receiver-stream.h"
# include "gcs-oneshot.h"
# include "gcs-oneshot-sender.h"
# include "gcs-oneshot-receiver.h"
# include "gcs-oneshot-stream.h"
# include "gcs-watch.h"
# include "gcs-watch-sender.h"
# include "gcs-watch-receiver.h"
# include "gcs-watch-stream.h"
# include "gcs-broadcast.h"
# include "gcs-broadcast-sender.h"
# include "gcs-broadcast-receiver.h"
# include "gcs-broadcast-stream.h"
# include "gcs-sink.h"
# include "gcs-stream.h"
# include "gcs-stream-events.h"
# include "gcs-value.h"
# include "gcs-waker.h"
# include "gcs-stream-operators.h"
# include "gcs-stream-group.h"
# include "gcs-share.h"
# include "gcs-list-store.h"
# include "gcs-dbus.h"
# include "gcs-dbus-receiver.h"
# include "gcs-dbus-sink.h"
# include "gcs-value.h"
# include "gcs-binding.h"
#undef GCHANSTREAM_INSIDE
