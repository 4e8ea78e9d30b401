/* channel-test-util.h: helpers shared by the oneshot, watch and broadcast tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every test runs on its own GMainContext, pushed as the thread-default one,
 * so that what a test leaves attached goes with it. Stream results compare as
 * text: "[1, 2, 3]" for int64 items, "\"a\"" for a string.
 */

#pragma once

#define GLIB_DISABLE_DEPRECATION_WARNINGS

#include <gchanstream/gchanstream.h>

#define TEST_DEADLINE_USEC (30 * G_USEC_PER_SEC)

#define ITERATE_UNTIL(cond)                                                      \
  G_STMT_START {                                                                 \
    gint64 _deadline = g_get_monotonic_time () + TEST_DEADLINE_USEC;             \
    while (!(cond))                                                              \
      {                                                                          \
        if (g_get_monotonic_time () > _deadline)                                 \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        g_main_context_iteration (g_main_context_get_thread_default (), TRUE);   \
      }                                                                          \
  } G_STMT_END

typedef struct
{
  GMainContext *context;
} Fixture;

static inline void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
}

static inline void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < 10000 && g_main_context_iteration (f->context, FALSE); i++)
    ;
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

/* Runs the thread-default context for about @ms milliseconds. */
static inline void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (g_main_context_get_thread_default (), FALSE);
}

/* Waiting for an async operation */

typedef struct
{
  GAsyncResult *result;
} Wait;

static inline void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Wait *wait = data;

  g_assert_null (wait->result);
  wait->result = g_object_ref (result);
}

/* Runs the thread-default context until the operation's callback fired. */
static inline GAsyncResult *
wait_for (Wait *wait)
{
  ITERATE_UNTIL (wait->result != NULL);
  return g_steal_pointer (&wait->result);
}

/* Values */

static inline void
set_int64 (GValue *value,
           gint64  v)
{
  g_value_init (value, G_TYPE_INT64);
  g_value_set_int64 (value, v);
}

static inline gint64
get_int64 (const GValue *value)
{
  g_assert_nonnull (value);
  g_assert_true (G_VALUE_HOLDS_INT64 (value));
  return g_value_get_int64 (value);
}

static inline void
append_value (GString      *s,
              const GValue *value)
{
  if (value == NULL)
    g_string_append (s, "NULL");
  else if (G_VALUE_HOLDS_INT64 (value))
    g_string_append_printf (s, "%" G_GINT64_FORMAT, g_value_get_int64 (value));
  else if (G_VALUE_HOLDS_INT (value))
    g_string_append_printf (s, "%d", g_value_get_int (value));
  else if (G_VALUE_HOLDS_STRING (value))
    g_string_append_printf (s, "\"%s\"", g_value_get_string (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_VALUE_ARRAY))
    {
      GValueArray *array = g_value_get_boxed (value);

      g_string_append_c (s, '[');
      for (guint i = 0; array != NULL && i < array->n_values; i++)
        {
          if (i > 0)
            g_string_append (s, ", ");
          append_value (s, g_value_array_get_nth (array, i));
        }
      g_string_append_c (s, ']');
    }
  else
    {
      g_autofree char *contents = g_strdup_value_contents (value);

      g_string_append_printf (s, "<%s %s>", G_VALUE_TYPE_NAME (value), contents);
    }
}

static inline char *
format_value (const GValue *value)
{
  GString *s = g_string_new (NULL);

  append_value (s, value);
  return g_string_free (s, FALSE);
}

/* Collects @stream (taking it over) on the thread-default context: the
 * items as text, or NULL with @error set. */
static inline char *
collect_stream (GcsStream  *stream,
                GError    **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  const GValue *items;

  gcs_stream_collect_async (stream, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  items = gcs_stream_collect_finish (stream, result, error);
  return items ? format_value (items) : NULL;
}

static inline void
count_weak_notify (gpointer  data,
                   GObject  *where_the_object_was)
{
  (*(guint *) data)++;
}
