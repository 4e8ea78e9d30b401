/* test-util.c: what every C test program may share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See test-util.h.
 */

#include "test-util.h"

/* === waiting on the thread-default context === */

void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Wait *wait = data;

  g_assert_null (wait->result);
  wait->result = g_object_ref (result);
}

/* Runs the thread-default context until the operation's callback fired. */
GAsyncResult *
wait_for (Wait *wait)
{
  ITERATE_UNTIL (wait->result != NULL);
  return g_steal_pointer (&wait->result);
}

/* === values === */

/* A sequence item in @open and @close; every type the tests send. */
static void
append_value_in (GString      *s,
                 const GValue *value,
                 char          open,
                 char          close)
{
  if (value == NULL)
    g_string_append (s, "NULL");
  else if (G_VALUE_HOLDS_INT64 (value))
    g_string_append_printf (s, "%" G_GINT64_FORMAT, g_value_get_int64 (value));
  else if (G_VALUE_HOLDS_UINT64 (value))
    g_string_append_printf (s, "%" G_GUINT64_FORMAT, g_value_get_uint64 (value));
  else if (G_VALUE_HOLDS_INT (value))
    g_string_append_printf (s, "%d", g_value_get_int (value));
  else if (G_VALUE_HOLDS_DOUBLE (value))
    g_string_append_printf (s, "%g", g_value_get_double (value));
  else if (G_VALUE_HOLDS_STRING (value))
    g_string_append_printf (s, "\"%s\"", g_value_get_string (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_VALUE_ARRAY))
    {
      GValueArray *array = g_value_get_boxed (value);

      g_string_append_c (s, open);
      for (guint i = 0; array != NULL && i < array->n_values; i++)
        {
          if (i > 0)
            g_string_append (s, ", ");
          append_value_in (s, g_value_array_get_nth (array, i), open, close);
        }
      g_string_append_c (s, close);
    }
  else if (G_VALUE_HOLDS_OBJECT (value))
    g_string_append_printf (s, "<%s>", G_VALUE_TYPE_NAME (value));
  else
    {
      g_autofree char *contents = g_strdup_value_contents (value);

      g_string_append_printf (s, "<%s %s>", G_VALUE_TYPE_NAME (value), contents);
    }
}

void
append_value (GString      *s,
              const GValue *value)
{
  append_value_in (s, value, '[', ']');
}

void
append_value_tuple (GString      *s,
                    const GValue *value)
{
  append_value_in (s, value, '(', ')');
}

char *
format_value (const GValue *value)
{
  GString *s = g_string_new (NULL);

  append_value (s, value);
  return g_string_free (s, FALSE);
}

void
set_int64 (GValue *value,
           gint64  v)
{
  g_value_init (value, G_TYPE_INT64);
  g_value_set_int64 (value, v);
}

gint64
get_int64 (const GValue *value)
{
  g_assert_nonnull (value);
  g_assert_true (G_VALUE_HOLDS_INT64 (value));
  return g_value_get_int64 (value);
}

GcsStream *
values_stream (GType         type,
               gconstpointer v,
               guint         n)
{
  GValue *values = g_new0 (GValue, MAX (n, 1));
  GcsStream *stream;

  for (guint i = 0; i < n; i++)
    {
      g_value_init (&values[i], type);
      if (type == G_TYPE_INT64)
        g_value_set_int64 (&values[i], ((const gint64 *) v)[i]);
      else if (type == G_TYPE_INT)
        g_value_set_int (&values[i], ((const int *) v)[i]);
      else if (type == G_TYPE_STRING)
        g_value_set_string (&values[i], ((const char * const *) v)[i]);
      else
        g_assert_not_reached ();
    }
  stream = gcs_stream_from_values (values, n);
  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);
  g_free (values);
  return stream;
}

GcsStream *
ints_stream (const gint64 *v,
             guint         n)
{
  return values_stream (G_TYPE_INT64, v, n);
}

void
count_weak_notify (gpointer  data,
                   GObject  *where_the_object_was)
{
  (*(guint *) data)++;
}
