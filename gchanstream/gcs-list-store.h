/* gcs-list-store.h: streams into GListStores (GTK 4 list views)
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

/**
 * GcsListStoreMode:
 * @GCS_LIST_STORE_APPEND: each item (or each sequence of items) is
 *   appended; with a maximum, the oldest rows go
 * @GCS_LIST_STORE_REPLACE: each item (or each sequence of items) replaces
 *   the whole content
 *
 * How gcs_stream_bind_to_list_store() puts items into the store.
 */
typedef enum
{
  GCS_LIST_STORE_APPEND,
  GCS_LIST_STORE_REPLACE,
} GcsListStoreMode;

GCS_AVAILABLE_IN_ALL
guint gcs_stream_bind_to_list_store (GcsStream        *self,
                                     GListStore       *store,
                                     GcsListStoreMode  mode,
                                     guint             max_items);

G_END_DECLS
