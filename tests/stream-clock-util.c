/* stream-clock-util.c: the fixture of the event tests, on the manual clock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See stream-clock-util.h.
 */

#include "stream-clock-util.h"

void
clock_fixture_setup (Fixture       *f,
                     gconstpointer  data)
{
  f->manual = GPOINTER_TO_INT (data);
  f->heartbeat = NULL;
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  if (f->manual)
    gcs_time_set_manual (TRUE, 1000 * G_USEC_PER_SEC);
}

void
clock_fixture_teardown (Fixture       *f,
                        gconstpointer  data)
{
  drain ();
  g_assert_cmpuint (gcs_time_count_timers (), ==, 0);
  if (f->manual)
    gcs_time_set_manual (FALSE, 0);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* Manual clock: moves it on by @ms and runs what became ready. */
void
advance (guint ms)
{
  gcs_time_advance (g_main_context_get_thread_default (), (gint64) ms * 1000);
  drain ();
}
