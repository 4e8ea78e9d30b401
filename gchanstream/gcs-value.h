/* gcs-value.h: reading and making sequence items without deprecated API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GCHANSTREAM_INSIDE) && !defined(GCHANSTREAM_COMPILATION)
# error "Only <gchanstream/gchanstream.h> can be included directly."
#endif

#include <glib-object.h>

#include "gcs-version.h"

G_BEGIN_DECLS

/**
 * GCS_TYPE_SEQUENCE:
 *
 * The #GType of sequence items (the items of chunks, zip, collect, ...),
 * for a channel that carries them: `gcs_channel_new (GCS_TYPE_SEQUENCE,
 * ...)`. Read such items with gcs_value_get_sequence_length() and
 * gcs_value_get_sequence_item(), make them with gcs_value_init_sequence().
 */
#define GCS_TYPE_SEQUENCE (gcs_sequence_type ())

GCS_AVAILABLE_IN_ALL
GType         gcs_sequence_type                (void);
GCS_AVAILABLE_IN_ALL
gboolean      gcs_value_holds_sequence         (const GValue *value);
GCS_AVAILABLE_IN_ALL
guint         gcs_value_get_sequence_length    (const GValue *value);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_value_get_sequence_item      (const GValue *value,
                                                guint         index);
GCS_AVAILABLE_IN_ALL
const GValue *gcs_value_get_sequence           (const GValue *value,
                                                guint        *n_items);
GCS_AVAILABLE_IN_ALL
void          gcs_value_init_sequence          (GValue       *value,
                                                const GValue *items,
                                                guint         n_items);

G_END_DECLS
