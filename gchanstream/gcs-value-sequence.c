/* gcs-value-sequence.c: sequence items for C users
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A sequence item is a GValue holding a GValueArray (that is what
 * PyGObject turns into a list and GJS, through gchanstream.js, into an
 * array). GValueArray is deprecated in GLib, so these accessors keep its
 * API out of users' code: a user's build with
 * -Werror=deprecated-declarations reads sequences through them.
 */

#include "config.h"

#include "gcs-value.h"

/**
 * SECTION:gcs-value
 * @title: Values
 * @short_description: sequence items (chunks, zip, collect, ...), and
 *   inline helpers for numbers in C callbacks
 *
 * Some items are sequences of values: the batches of
 * gcs_stream_chunks(), the pairs of gcs_stream_zip(), the result of
 * gcs_stream_collect_finish(). In C they are #GValue values of type
 * %GCS_TYPE_SEQUENCE, read with these functions (no deprecated GLib call
 * is needed):
 *
 * |[<!-- language="C" -->
 * const GValue *batch = gcs_stream_next_finish (stream, result, &error);
 *
 * for (guint i = 0; i < gcs_value_get_sequence_length (batch); i++)
 *   g_print ("%d\n", g_value_get_int (gcs_value_get_sequence_item (batch, i)));
 * ]|
 *
 * Python gets a list and JavaScript an array instead.
 *
 * ## Numbers in C callbacks
 *
 * A #GcsMapFunc gets an uninitialized @result and initializes it. In C
 * that is usually g_value_init() then g_value_set_int64(), and for a
 * number g_value_init() costs more than the whole stage around it: GLib
 * looks the type's value table up under its type lock on every call.
 * gcs_value_init_int64() and its siblings do the same for the plain
 * fundamental types (booleans, int, uint, int64, uint64, double), whose
 * values own nothing, by writing the #GValue directly, inline:
 *
 * |[<!-- language="C" -->
 * static void
 * add_one (const GValue *item, GValue *result, gpointer user_data, GError **error)
 * {
 *   gcs_value_init_int64 (result, gcs_value_get_int64 (item) + 1);
 * }
 * ]|
 *
 * gcs_value_init_int64() leaves @result exactly as g_value_init()
 * followed by g_value_set_int64() would, so the callback contract is
 * unchanged and the value is released like any other. The getters read
 * the value inline when it holds the type, and otherwise call GLib's
 * getter, which reports the mistake. C only: they are static inline
 * functions, not in the GIR; bindings return values from their callbacks.
 */

/**
 * gcs_sequence_type:
 *
 * The #GType of sequence items, %GCS_TYPE_SEQUENCE.
 *
 * Returns: the type of sequence items
 */
GType
gcs_sequence_type (void)
{
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  return g_value_array_get_type ();
G_GNUC_END_IGNORE_DEPRECATIONS
}

/**
 * gcs_value_holds_sequence:
 * @value: a #GValue
 *
 * Whether @value is a sequence item (of %GCS_TYPE_SEQUENCE).
 *
 * Returns: %TRUE for a sequence item
 */
gboolean
gcs_value_holds_sequence (const GValue *value)
{
  g_return_val_if_fail (value != NULL, FALSE);

  return G_VALUE_HOLDS (value, gcs_sequence_type ());
}

static GValueArray *
get_array (const GValue *value)
{
  return g_value_get_boxed (value);
}

/**
 * gcs_value_get_sequence_length:
 * @value: a sequence item
 *
 * The number of values in the sequence @value.
 *
 * Returns: the length of the sequence (0 for an empty or %NULL one)
 */
guint
gcs_value_get_sequence_length (const GValue *value)
{
  GValueArray *array;

  g_return_val_if_fail (value != NULL && gcs_value_holds_sequence (value), 0);

  array = get_array (value);
  return array != NULL ? array->n_values : 0;
}

/**
 * gcs_value_get_sequence_item:
 * @value: a sequence item
 * @index: a position, less than gcs_value_get_sequence_length()
 *
 * The value at @index in the sequence @value.
 *
 * Returns: (transfer none): the value, owned by @value
 */
const GValue *
gcs_value_get_sequence_item (const GValue *value,
                             guint         index)
{
  GValueArray *array;

  g_return_val_if_fail (value != NULL && gcs_value_holds_sequence (value), NULL);

  array = get_array (value);
  g_return_val_if_fail (array != NULL && index < array->n_values, NULL);
  return &array->values[index];
}

/**
 * gcs_value_get_sequence: (skip)
 * @value: a sequence item
 * @n_items: (out) (optional): where to store the number of values
 *
 * The values of the sequence @value as a C array, owned by @value. (Python
 * and JavaScript get sequences as lists and arrays already.)
 *
 * Returns: (transfer none) (array length=n_items) (nullable): the values,
 *   or %NULL for an empty sequence
 */
const GValue *
gcs_value_get_sequence (const GValue *value,
                        guint        *n_items)
{
  GValueArray *array;

  if (n_items != NULL)
    *n_items = 0;
  g_return_val_if_fail (value != NULL && gcs_value_holds_sequence (value), NULL);

  array = get_array (value);
  if (array == NULL || array->n_values == 0)
    return NULL;
  if (n_items != NULL)
    *n_items = array->n_values;
  return array->values;
}

/**
 * gcs_value_init_sequence:
 * @value: an uninitialized #GValue (%G_VALUE_INIT)
 * @items: (array length=n_items) (nullable): the values
 * @n_items: how many
 *
 * Makes @value a sequence item holding copies of @items, e.g. to send a
 * pair into a channel of %GCS_TYPE_SEQUENCE. Unset it with g_value_unset().
 */
void
gcs_value_init_sequence (GValue       *value,
                         const GValue *items,
                         guint         n_items)
{
  GValueArray *array;

  g_return_if_fail (value != NULL && G_VALUE_TYPE (value) == G_TYPE_INVALID);
  g_return_if_fail (items != NULL || n_items == 0);

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  array = g_value_array_new (n_items);
  for (guint i = 0; i < n_items; i++)
    g_value_array_append (array, &items[i]);
G_GNUC_END_IGNORE_DEPRECATIONS
  g_value_init (value, gcs_sequence_type ());
  g_value_take_boxed (value, array);
}
