/* bench-allocs.h: counts heap allocations, to show a path makes none per item
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

void    bench_allocs_start (void);
guint64 bench_allocs_stop  (void);
