/* gcs-value.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GLib's g_value_transform() truncates 1.9 to 1, wraps 2^40 into a gint and
 * turns an object of the wrong class into NULL. A channel converts a value
 * only when nothing is lost: numbers that fit, objects of the item type or
 * a subtype. Bindings hand us small Python ints as gint and JS numbers as
 * gdouble, so numeric conversion has to be exact in every direction.
 */

#include "config.h"

#include <math.h>

#include "gcs-error.h"
#include "gcs-value-private.h"

typedef enum { NUM_NONE, NUM_SIGNED, NUM_UNSIGNED, NUM_FLOAT } NumKind;

typedef struct
{
  NumKind kind;
  gint64  i;
  guint64 u;
  double  d;
} Number;

static gboolean
read_number (const GValue *value,
             Number       *n)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_CHAR:   n->kind = NUM_SIGNED; n->i = g_value_get_schar (value); return TRUE;
    case G_TYPE_INT:    n->kind = NUM_SIGNED; n->i = g_value_get_int (value); return TRUE;
    case G_TYPE_LONG:   n->kind = NUM_SIGNED; n->i = g_value_get_long (value); return TRUE;
    case G_TYPE_INT64:  n->kind = NUM_SIGNED; n->i = g_value_get_int64 (value); return TRUE;
    case G_TYPE_ENUM:   n->kind = NUM_SIGNED; n->i = g_value_get_enum (value); return TRUE;
    case G_TYPE_UCHAR:  n->kind = NUM_UNSIGNED; n->u = g_value_get_uchar (value); return TRUE;
    case G_TYPE_UINT:   n->kind = NUM_UNSIGNED; n->u = g_value_get_uint (value); return TRUE;
    case G_TYPE_ULONG:  n->kind = NUM_UNSIGNED; n->u = g_value_get_ulong (value); return TRUE;
    case G_TYPE_UINT64: n->kind = NUM_UNSIGNED; n->u = g_value_get_uint64 (value); return TRUE;
    case G_TYPE_FLAGS:  n->kind = NUM_UNSIGNED; n->u = g_value_get_flags (value); return TRUE;
    case G_TYPE_FLOAT:  n->kind = NUM_FLOAT; n->d = g_value_get_float (value); return TRUE;
    case G_TYPE_DOUBLE: n->kind = NUM_FLOAT; n->d = g_value_get_double (value); return TRUE;
    default:            n->kind = NUM_NONE; return FALSE;
    }
}

/* The number as an integer in [min, max], if it is exactly one. */
static gboolean
number_to_signed (const Number *n,
                  gint64        min,
                  gint64        max,
                  gint64       *out)
{
  switch (n->kind)
    {
    case NUM_SIGNED:
      *out = n->i;
      return n->i >= min && n->i <= max;
    case NUM_UNSIGNED:
      *out = (gint64) n->u;
      return n->u <= (guint64) max;
    case NUM_FLOAT:
      /* 2^63 is exactly representable; anything below it converts safely. */
      if (!(n->d == floor (n->d)) || n->d < -9223372036854775808.0 || n->d >= 9223372036854775808.0)
        return FALSE;
      *out = (gint64) n->d;
      return *out >= min && *out <= max;
    case NUM_NONE:
    default:
      return FALSE;
    }
}

static gboolean
number_to_unsigned (const Number *n,
                    guint64       max,
                    guint64      *out)
{
  switch (n->kind)
    {
    case NUM_SIGNED:
      *out = (guint64) n->i;
      return n->i >= 0 && (guint64) n->i <= max;
    case NUM_UNSIGNED:
      *out = n->u;
      return n->u <= max;
    case NUM_FLOAT:
      if (!(n->d == floor (n->d)) || n->d < 0 || n->d >= 18446744073709551616.0)
        return FALSE;
      *out = (guint64) n->d;
      return *out <= max;
    case NUM_NONE:
    default:
      return FALSE;
    }
}

static gboolean
number_to_double (const Number *n,
                  double       *out)
{
  switch (n->kind)
    {
    case NUM_SIGNED:
      *out = (double) n->i;
      return (*out >= -9223372036854775808.0 && *out < 9223372036854775808.0 && (gint64) *out == n->i);
    case NUM_UNSIGNED:
      *out = (double) n->u;
      return *out < 18446744073709551616.0 && (guint64) *out == n->u;
    case NUM_FLOAT:
      *out = n->d;
      return TRUE;
    case NUM_NONE:
    default:
      return FALSE;
    }
}

/* Writes @n into @dest (initialized to @type) when it fits exactly. */
static gboolean
write_number (GType         type,
              const Number *n,
              GValue       *dest)
{
  gint64 i;
  guint64 u;
  double d;

  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_CHAR:
      if (!number_to_signed (n, G_MININT8, G_MAXINT8, &i)) return FALSE;
      g_value_set_schar (dest, (gint8) i); return TRUE;
    case G_TYPE_INT:
      if (!number_to_signed (n, G_MININT, G_MAXINT, &i)) return FALSE;
      g_value_set_int (dest, (gint) i); return TRUE;
    case G_TYPE_LONG:
      if (!number_to_signed (n, G_MINLONG, G_MAXLONG, &i)) return FALSE;
      g_value_set_long (dest, (glong) i); return TRUE;
    case G_TYPE_INT64:
      if (!number_to_signed (n, G_MININT64, G_MAXINT64, &i)) return FALSE;
      g_value_set_int64 (dest, i); return TRUE;
    case G_TYPE_UCHAR:
      if (!number_to_unsigned (n, G_MAXUINT8, &u)) return FALSE;
      g_value_set_uchar (dest, (guchar) u); return TRUE;
    case G_TYPE_UINT:
      if (!number_to_unsigned (n, G_MAXUINT, &u)) return FALSE;
      g_value_set_uint (dest, (guint) u); return TRUE;
    case G_TYPE_ULONG:
      if (!number_to_unsigned (n, G_MAXULONG, &u)) return FALSE;
      g_value_set_ulong (dest, (gulong) u); return TRUE;
    case G_TYPE_UINT64:
      if (!number_to_unsigned (n, G_MAXUINT64, &u)) return FALSE;
      g_value_set_uint64 (dest, u); return TRUE;
    case G_TYPE_FLOAT:
      if (!number_to_double (n, &d) || (!isnan (d) && (double) (float) d != d)) return FALSE;
      g_value_set_float (dest, (float) d); return TRUE;
    case G_TYPE_DOUBLE:
      if (!number_to_double (n, &d)) return FALSE;
      g_value_set_double (dest, d); return TRUE;
    case G_TYPE_ENUM:
      {
        g_autoptr(GEnumClass) klass = g_type_class_ref (type);

        if (!number_to_signed (n, G_MININT, G_MAXINT, &i) || g_enum_get_value (klass, (gint) i) == NULL)
          return FALSE;
        g_value_set_enum (dest, (gint) i); return TRUE;
      }
    case G_TYPE_FLAGS:
      {
        g_autoptr(GFlagsClass) klass = g_type_class_ref (type);

        if (!number_to_unsigned (n, G_MAXUINT, &u) || (u & ~(guint64) klass->mask) != 0)
          return FALSE;
        g_value_set_flags (dest, (guint) u); return TRUE;
      }
    default:
      return FALSE;
    }
}

static gboolean
is_null_pointer (const GValue *value)
{
  return G_VALUE_HOLDS_POINTER (value) && g_value_get_pointer (value) == NULL;
}

static gboolean
accepts_null (GType type)
{
  GType fundamental = G_TYPE_FUNDAMENTAL (type);

  return (fundamental == G_TYPE_OBJECT || fundamental == G_TYPE_BOXED ||
          fundamental == G_TYPE_STRING || fundamental == G_TYPE_VARIANT ||
          fundamental == G_TYPE_INTERFACE || fundamental == G_TYPE_POINTER ||
          fundamental == G_TYPE_PARAM);
}

/**
 * gcs_value_coerce:
 * @item_type: the channel's item type; %G_TYPE_NONE accepts any value
 * @src: the value sent
 * @dest: an uninitialized #GValue, initialized on success
 * @error: the %GCS_CHANNEL_ERROR_TYPE error when nothing fits
 *
 * Copies @src into @dest as @item_type when that loses nothing.
 */
gboolean
gcs_value_coerce_slow (GType         item_type,
                       const GValue *src,
                       GValue       *dest,
                       GError      **error)
{
  GType src_type = G_VALUE_TYPE (src);
  Number n;

  if (G_LIKELY (src_type == item_type || item_type == G_TYPE_NONE))
    {
      gcs_value_copy_new (src, dest);
      return TRUE;
    }

  /* An object of the item type or a subtype; boxed and interface types too.
   * Booleans and strings take only their own type, so only numbers and
   * null pointers are left to convert. */
  if (g_value_type_compatible (src_type, item_type))
    {
      g_value_init (dest, item_type);
      g_value_copy (src, dest);
      return TRUE;
    }

  /* A GObject held in a value declared with a base type. */
  if (G_VALUE_HOLDS_OBJECT (src) && g_value_get_object (src) != NULL &&
      G_TYPE_CHECK_INSTANCE_TYPE (g_value_get_object (src), item_type))
    {
      g_value_init (dest, item_type);
      g_value_set_object (dest, g_value_get_object (src));
      return TRUE;
    }

  if (is_null_pointer (src) && accepts_null (item_type))
    {
      g_value_init (dest, item_type);
      return TRUE;
    }

  if (read_number (src, &n))
    {
      g_value_init (dest, item_type);
      if (write_number (item_type, &n, dest))
        return TRUE;
      g_value_unset (dest);
    }

  {
    g_autofree char *contents = g_strdup_value_contents (src);

    g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
                 "Cannot send %s %s into a channel of %s: it does not convert exactly",
                 g_type_name (src_type), contents, g_type_name (item_type));
  }
  return FALSE;
}

/* Equality for distinct_until_changed: contents for fundamental types,
 * strings and variants, identity for objects and other boxed types. */
gboolean
gcs_value_equal (const GValue *a,
                 const GValue *b)
{
  GType type = G_VALUE_TYPE (a);

  if (type != G_VALUE_TYPE (b))
    return FALSE;

  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_STRING:
      return g_strcmp0 (g_value_get_string (a), g_value_get_string (b)) == 0;
    case G_TYPE_VARIANT:
      {
        GVariant *va = g_value_get_variant (a), *vb = g_value_get_variant (b);

        return va == vb || (va != NULL && vb != NULL && g_variant_equal (va, vb));
      }
    case G_TYPE_FLOAT:
      return g_value_get_float (a) == g_value_get_float (b);
    case G_TYPE_DOUBLE:
      return g_value_get_double (a) == g_value_get_double (b);
    case G_TYPE_BOOLEAN:
      return !g_value_get_boolean (a) == !g_value_get_boolean (b);
    default:
      /* Integers, enums, flags, pointers, objects, boxed: the stored bits. */
      return a->data[0].v_uint64 == b->data[0].v_uint64;
    }
}

/* Sets @dest to a sequence item: a GValueArray, which PyGObject turns into
 * a list and GJS into an array. The @n_items values are moved in. */
void
gcs_value_take_sequence (GValue *dest,
                         GValue *items,
                         guint   n_items)
{
  GValueArray *array;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  array = g_value_array_new (n_items);
  for (guint i = 0; i < n_items; i++)
    {
      g_value_array_append (array, NULL);
      gcs_value_move (g_value_array_get_nth (array, i), &items[i]);
    }
  g_value_init (dest, g_value_array_get_type ());
G_GNUC_END_IGNORE_DEPRECATIONS
  g_value_take_boxed (dest, array);
}

gboolean
gcs_value_set_no_result_error (const char  *what,
                               GError     **error)
{
  g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
               "The %s callback produced no value", what);
  return FALSE;
}
