/* gcs-value.h: sequence items without deprecated API; inline helpers for numbers
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

/* Inline helpers for numbers, for C callbacks: see the section's text. */

/**
 * gcs_value_init_boolean: (skip)
 * @value: an uninitialized #GValue
 * @v_boolean: the value
 *
 * Initializes @value to hold a #gboolean, set to @v_boolean: the same as
 * g_value_init() with %G_TYPE_BOOLEAN followed by g_value_set_boolean(),
 * inline.
 */
static inline void
gcs_value_init_boolean (GValue   *value,
                        gboolean  v_boolean)
{
  value->g_type = G_TYPE_BOOLEAN;
  value->data[0].v_uint64 = 0;
  value->data[0].v_int = v_boolean != FALSE;
  value->data[1].v_uint64 = 0;
}

/**
 * gcs_value_init_int: (skip)
 * @value: an uninitialized #GValue
 * @v_int: the value
 *
 * Initializes @value to hold a #gint, set to @v_int: the same as
 * g_value_init() with %G_TYPE_INT followed by g_value_set_int(), inline.
 */
static inline void
gcs_value_init_int (GValue *value,
                    gint    v_int)
{
  value->g_type = G_TYPE_INT;
  value->data[0].v_uint64 = 0;
  value->data[0].v_int = v_int;
  value->data[1].v_uint64 = 0;
}

/**
 * gcs_value_init_uint: (skip)
 * @value: an uninitialized #GValue
 * @v_uint: the value
 *
 * Initializes @value to hold a #guint, set to @v_uint: the same as
 * g_value_init() with %G_TYPE_UINT followed by g_value_set_uint(), inline.
 */
static inline void
gcs_value_init_uint (GValue *value,
                     guint   v_uint)
{
  value->g_type = G_TYPE_UINT;
  value->data[0].v_uint64 = 0;
  value->data[0].v_uint = v_uint;
  value->data[1].v_uint64 = 0;
}

/**
 * gcs_value_init_int64: (skip)
 * @value: an uninitialized #GValue
 * @v_int64: the value
 *
 * Initializes @value to hold a #gint64, set to @v_int64: the same as
 * g_value_init() with %G_TYPE_INT64 followed by g_value_set_int64(),
 * inline.
 */
static inline void
gcs_value_init_int64 (GValue *value,
                      gint64  v_int64)
{
  value->g_type = G_TYPE_INT64;
  value->data[0].v_int64 = v_int64;
  value->data[1].v_uint64 = 0;
}

/**
 * gcs_value_init_uint64: (skip)
 * @value: an uninitialized #GValue
 * @v_uint64: the value
 *
 * Initializes @value to hold a #guint64, set to @v_uint64: the same as
 * g_value_init() with %G_TYPE_UINT64 followed by g_value_set_uint64(),
 * inline.
 */
static inline void
gcs_value_init_uint64 (GValue  *value,
                       guint64  v_uint64)
{
  value->g_type = G_TYPE_UINT64;
  value->data[0].v_uint64 = v_uint64;
  value->data[1].v_uint64 = 0;
}

/**
 * gcs_value_init_double: (skip)
 * @value: an uninitialized #GValue
 * @v_double: the value
 *
 * Initializes @value to hold a #gdouble, set to @v_double: the same as
 * g_value_init() with %G_TYPE_DOUBLE followed by g_value_set_double(),
 * inline.
 */
static inline void
gcs_value_init_double (GValue  *value,
                       gdouble  v_double)
{
  value->g_type = G_TYPE_DOUBLE;
  value->data[0].v_double = v_double;
  value->data[1].v_uint64 = 0;
}

/**
 * gcs_value_get_boolean: (skip)
 * @value: a #GValue holding a #gboolean
 *
 * g_value_get_boolean(), inline when @value holds a #gboolean.
 *
 * Returns: the value
 */
static inline gboolean
gcs_value_get_boolean (const GValue *value)
{
  if (G_LIKELY (G_VALUE_TYPE (value) == G_TYPE_BOOLEAN))
    return value->data[0].v_int;
  return g_value_get_boolean (value);
}

/**
 * gcs_value_get_int: (skip)
 * @value: a #GValue holding a #gint
 *
 * g_value_get_int(), inline when @value holds a #gint.
 *
 * Returns: the value
 */
static inline gint
gcs_value_get_int (const GValue *value)
{
  if (G_LIKELY (G_VALUE_TYPE (value) == G_TYPE_INT))
    return value->data[0].v_int;
  return g_value_get_int (value);
}

/**
 * gcs_value_get_uint: (skip)
 * @value: a #GValue holding a #guint
 *
 * g_value_get_uint(), inline when @value holds a #guint.
 *
 * Returns: the value
 */
static inline guint
gcs_value_get_uint (const GValue *value)
{
  if (G_LIKELY (G_VALUE_TYPE (value) == G_TYPE_UINT))
    return value->data[0].v_uint;
  return g_value_get_uint (value);
}

/**
 * gcs_value_get_int64: (skip)
 * @value: a #GValue holding a #gint64
 *
 * g_value_get_int64(), inline when @value holds a #gint64.
 *
 * Returns: the value
 */
static inline gint64
gcs_value_get_int64 (const GValue *value)
{
  if (G_LIKELY (G_VALUE_TYPE (value) == G_TYPE_INT64))
    return value->data[0].v_int64;
  return g_value_get_int64 (value);
}

/**
 * gcs_value_get_uint64: (skip)
 * @value: a #GValue holding a #guint64
 *
 * g_value_get_uint64(), inline when @value holds a #guint64.
 *
 * Returns: the value
 */
static inline guint64
gcs_value_get_uint64 (const GValue *value)
{
  if (G_LIKELY (G_VALUE_TYPE (value) == G_TYPE_UINT64))
    return value->data[0].v_uint64;
  return g_value_get_uint64 (value);
}

/**
 * gcs_value_get_double: (skip)
 * @value: a #GValue holding a #gdouble
 *
 * g_value_get_double(), inline when @value holds a #gdouble.
 *
 * Returns: the value
 */
static inline gdouble
gcs_value_get_double (const GValue *value)
{
  if (G_LIKELY (G_VALUE_TYPE (value) == G_TYPE_DOUBLE))
    return value->data[0].v_double;
  return g_value_get_double (value);
}

G_END_DECLS
