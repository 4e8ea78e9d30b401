/* test-util.h: what every C test program may share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Linked into every program of tests/meson.build's c_tests (a static
 * library, so a program gets only what it uses): waiting on the
 * thread-default context, int64 values, values as text, a weak-reference
 * counter. channel-test-util.h (the channel tests) and stream-test-util.h
 * (the stream tests) build on it.
 */

#pragma once

#define GLIB_DISABLE_DEPRECATION_WARNINGS

#include <gchanstream/gchanstream.h>

G_BEGIN_DECLS

/* === waiting on the thread-default context === */

#define TEST_DEADLINE_USEC (30 * G_USEC_PER_SEC)

/* Iterates the thread-default context, blocking, until @cond; fails the
 * test after TEST_DEADLINE_USEC rather than hanging. */
#define ITERATE_UNTIL(cond)                                                     \
  G_STMT_START {                                                                \
    gint64 _deadline = g_get_monotonic_time () + TEST_DEADLINE_USEC;            \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > _deadline)                                \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        g_main_context_iteration (g_main_context_get_thread_default (), TRUE);   \
      }                                                                         \
  } G_STMT_END

/* Waiting for an async operation */

typedef struct
{
  GAsyncResult *result;
} Wait;

void          wait_cb  (GObject      *source,
                        GAsyncResult *result,
                        gpointer      data);
/* Runs the thread-default context until the operation's callback fired. */
GAsyncResult *wait_for (Wait         *wait);

/* === values === */

/* A sequence item (GValueArray) as a list, "[1, 2]"; NULL as "NULL". */
void   append_value       (GString      *s,
                           const GValue *value);
/* The same, a sequence item as a tuple, "(1, \"x\")". */
void   append_value_tuple (GString      *s,
                           const GValue *value);
char  *format_value       (const GValue *value);

void   set_int64 (GValue       *value,
                  gint64        v);
gint64 get_int64 (const GValue *value);

/* A stream of the @n values of @v, an array of gint64 (G_TYPE_INT64),
 * int (G_TYPE_INT) or const char * (G_TYPE_STRING). */
GcsStream *values_stream (GType          type,
                          gconstpointer  v,
                          guint          n);
GcsStream *ints_stream   (const gint64  *v,
                          guint          n);

#define INTS(...) ints_stream ((gint64[]) { __VA_ARGS__ }, G_N_ELEMENTS (((gint64[]) { __VA_ARGS__ })))
#define NO_INTS() ints_stream (NULL, 0)

/* A GWeakNotify counting into the guint at @data. */
void count_weak_notify (gpointer  data,
                        GObject  *where_the_object_was);

G_END_DECLS
