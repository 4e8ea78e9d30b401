/* gcs-value-private.h: exact conversion of items to a channel's item type
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

gboolean gcs_value_coerce (GType         item_type,
                           const GValue *src,
                           GValue       *dest,
                           GError      **error);

G_END_DECLS
