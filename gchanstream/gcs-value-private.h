/* gcs-value-private.h: exact conversion of items to a channel's item type
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* GLib's g_value_init() and g_value_unset() look the type's value table
 * up under a lock, ~10 ns each on this machine: more than a whole
 * combinator stage should cost. Values of the plain fundamental types
 * (numbers, booleans, pointers) own nothing, so they are set, copied and
 * cleared as plain structs here; everything else goes through GLib. */
static inline gboolean
gcs_type_is_plain (GType type)
{
  return (type >= G_TYPE_CHAR && type <= G_TYPE_DOUBLE) || type == G_TYPE_POINTER;
}

/* Whether one of our values (zeroed when unset) holds something. Cheaper
 * than G_IS_VALUE(), which checks the type under GLib's type lock. */
static inline gboolean
gcs_value_is_set (const GValue *value)
{
  return G_VALUE_TYPE (value) != G_TYPE_INVALID;
}

/* For g_return_if_fail() on a value passed in. */
#define GCS_IS_VALUE(value) \
  ((value) != NULL && (gcs_type_is_plain (G_VALUE_TYPE (value)) || G_IS_VALUE (value)))

static inline void
gcs_value_clear (GValue *value)
{
  if (G_LIKELY (gcs_type_is_plain (G_VALUE_TYPE (value))))
    *value = (GValue) G_VALUE_INIT;
  else
    g_value_unset (value);
}

/* Copies @src into the uninitialized @dest. */
static inline void
gcs_value_copy_new (const GValue *src,
                    GValue       *dest)
{
  if (G_LIKELY (gcs_type_is_plain (G_VALUE_TYPE (src))))
    *dest = *src;
  else
    {
      g_value_init (dest, G_VALUE_TYPE (src));
      g_value_copy (src, dest);
    }
}

gboolean gcs_value_coerce_slow (GType         item_type,
                                const GValue *src,
                                GValue       *dest,
                                GError      **error);

/* Copies @src into the uninitialized @dest as a value of @item_type, when
 * the conversion is exact; a TYPE error otherwise. Inline for the case of
 * every send of a typed channel: the item type itself. */
static inline gboolean
gcs_value_coerce (GType         item_type,
                  const GValue *src,
                  GValue       *dest,
                  GError      **error)
{
  if (G_LIKELY (G_VALUE_TYPE (src) == item_type || item_type == G_TYPE_NONE))
    {
      gcs_value_copy_new (src, dest);
      return TRUE;
    }
  return gcs_value_coerce_slow (item_type, src, dest, error);
}

gboolean gcs_value_equal         (const GValue *a,
                                  const GValue *b);
void     gcs_value_take_sequence (GValue       *dest,
                                  GValue       *items,
                                  guint         n_items);
gboolean gcs_value_set_no_result_error (const char *what,
                                        GError    **error);

/* Moves @src into @dest (uninitialized); @src is left uninitialized.
 * Inline, as the next two: they run once per item per stage. */
static inline void
gcs_value_move (GValue *dest,
                GValue *src)
{
  *dest = *src;
  *src = (GValue) G_VALUE_INIT;
}

/* A callback that produces a value may leave @result unset: PyGObject does
 * so for None and for a swallowed exception. */
static inline gboolean
gcs_value_check_result (const GValue  *result,
                        const char    *what,
                        GError       **error)
{
  if (G_LIKELY (gcs_value_is_set (result)))
    return TRUE;
  return gcs_value_set_no_result_error (what, error);
}

G_END_DECLS
