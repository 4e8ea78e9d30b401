/* channel-test-util.h: helpers shared by the oneshot, watch and broadcast tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every test runs on its own GMainContext, pushed as the thread-default one,
 * so that what a test leaves attached goes with it. Stream results compare as
 * text: "[1, 2, 3]" for int64 items, "\"a\"" for a string. The helpers every
 * C test may use (ITERATE_UNTIL, Wait, values as text) are in test-util.h.
 */

#pragma once

#include "test-util.h"

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
