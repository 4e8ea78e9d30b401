/* bench-range.h: a stream of the integers [0, n) as gint64, for benchmarks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gchanstream/gchanstream.h>

G_BEGIN_DECLS

#define BENCH_TYPE_RANGE (bench_range_get_type ())
G_DECLARE_FINAL_TYPE (BenchRange, bench_range, BENCH, RANGE, GObject)

GcsStream *bench_range_new (gint64 n);

G_END_DECLS
