/* stream-clock-util.h: the fixture of the event tests, on the manual clock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For the programs linked with the library's objects ('objects': true in
 * tests/meson.build), which can use its private manual clock
 * (gcs-time-private.h): tests added with ADD_MANUAL move time by hand with
 * advance() and check what comes at each step, so they are exact and
 * cannot be flaky. Tests added with ADD_REAL run on the real clock and
 * assert orderings, counts and lower bounds only (time never runs
 * backwards), never an upper bound. Either way the teardown asserts that
 * no time source of the library is left.
 */

#pragma once

#include "stream-test-util.h"

#include "gcs-time-private.h"

G_BEGIN_DECLS

/* data: GINT_TO_POINTER (TRUE) for the manual clock */
void clock_fixture_setup    (Fixture       *f,
                             gconstpointer  data);
void clock_fixture_teardown (Fixture       *f,
                             gconstpointer  data);

#define ADD_MANUAL(path, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (TRUE), clock_fixture_setup, func, clock_fixture_teardown)
#define ADD_REAL(path, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (FALSE), clock_fixture_setup, func, clock_fixture_teardown)

/* Manual clock: moves it on by @ms and runs what became ready. */
void advance (guint ms);

G_END_DECLS
