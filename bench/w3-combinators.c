/* w3-combinators.c: W3 of DESIGN.md
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One thread: a stream over N ints -> 5 x map (x + 1) -> fold (sum),
 * against a plain C loop doing the same arithmetic and a chain of plain
 * C function-pointer stages, each the fastest of 3 interleaved runs.
 * Prints ns/item and ns/item per stage;
 * --raw prints the figures for bench/run, --allocs the heap allocations
 * per item of the 5-map pipeline.
 */

#include <stdio.h>
#include <stdlib.h>

#include "bench-allocs.h"
#include "bench-range.h"

#define N_STAGES 5
#define REPEATS 3


typedef enum
{
  STAGE_MAP,          /* g_value_init() + g_value_set_int64() */
  STAGE_MAP_FAST,     /* inline helpers */
  STAGE_MAP_IN_PLACE,
} StageKind;

static gint64 n_items = 4000000;

static void
add_one (const GValue  *item,
         GValue        *result,
         gpointer       user_data,
         GError       **error)
{
  g_value_init (result, G_TYPE_INT64);
  g_value_set_int64 (result, g_value_get_int64 (item) + 1);
}

/* The same callback with gchanstream's inline value helpers (gcs-value.h):
 * the same contract (result is uninitialized, the callback initializes
 * it), without GLib's value-table lookup under its type lock. */
static void
add_one_fast (const GValue  *item,
              GValue        *result,
              gpointer       user_data,
              GError       **error)
{
  gcs_value_init_int64 (result, gcs_value_get_int64 (item) + 1);
}

static void
add_one_in_place (GValue   *item,
                  gpointer  user_data,
                  GError  **error)
{
  g_value_set_int64 (item, g_value_get_int64 (item) + 1);
}

static void
sum (const GValue  *acc,
     const GValue  *item,
     GValue        *result,
     gpointer       user_data,
     GError       **error)
{
  g_value_init (result, G_TYPE_INT64);
  g_value_set_int64 (result, g_value_get_int64 (acc) + g_value_get_int64 (item));
}

static void
fold_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  gint64 *out = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gcs_stream_fold_finish (GCS_STREAM (source), result, &error);

  g_assert_no_error (error);
  *out = g_value_get_int64 (value);
}

static double
run_stream (int        n_stages,
            StageKind  kind,
            gint64    *total)
{
  g_autoptr(GcsStream) stream = bench_range_new (n_items);
  g_auto(GValue) init = G_VALUE_INIT;
  gint64 start;

  *total = -1;
  for (int i = 0; i < n_stages; i++)
    {
      GcsStream *next = kind == STAGE_MAP_IN_PLACE ? gcs_stream_map_in_place (stream, add_one_in_place, NULL, NULL)
                      : gcs_stream_map (stream, kind == STAGE_MAP_FAST ? add_one_fast : add_one, NULL, NULL);

      g_object_unref (stream);
      stream = next;
    }
  g_value_init (&init, G_TYPE_INT64);
  start = g_get_monotonic_time ();
  gcs_stream_fold_async (stream, &init, sum, NULL, NULL, NULL, fold_done_cb, total);
  while (*total < 0)
    g_main_context_iteration (NULL, TRUE);
  return (g_get_monotonic_time () - start) * 1000.0 / n_items;
}

/* The same arithmetic with function pointers in a loop, as a compiler
 * can't see through them. */
typedef gint64 (*Stage) (gint64 x);

static __attribute__ ((noinline)) gint64
plus_one (gint64 x)
{
  return x + 1;
}

static double
run_plain (int     n_stages,
           gint64 *total)
{
  volatile Stage stages[N_STAGES] = { plus_one, plus_one, plus_one, plus_one, plus_one };
  gint64 start = g_get_monotonic_time ();
  gint64 acc = 0;

  for (gint64 i = 0; i < n_items; i++)
    {
      gint64 x = i;

      for (int s = 0; s < n_stages; s++)
        x = stages[s] (x);
      acc += x;
    }
  *total = acc;
  return (g_get_monotonic_time () - start) * 1000.0 / n_items;
}

static const char *
kind_name (StageKind kind)
{
  return kind == STAGE_MAP ? "map" : kind == STAGE_MAP_FAST ? "fast" : "in-place";
}

int
main (int   argc,
      char *argv[])
{
  gboolean raw = argc > 1 && g_str_equal (argv[1], "--raw");
  gboolean allocs = argc > 1 && g_str_equal (argv[1], "--allocs");
  gboolean one = argc > 1 && g_str_equal (argv[1], "--one");
  int n_arg = 1 + (raw || allocs) + 2 * one;
  gint64 expected, total;
  double base, five, five_fast, five_in_place, plain0, plain5;

  if (argc > n_arg)
    n_items = g_ascii_strtoll (argv[n_arg], NULL, 10);
  expected = n_items * (n_items - 1) / 2 + N_STAGES * n_items;

  if (one)
    {
      /* --one map|fast|in-place|none [N]: one pipeline only, for
       * callgrind (compare the instruction counts of two kinds). */
      StageKind kind = STAGE_MAP;
      int n_stages = N_STAGES;

      if (argc < 3)
        return 2;
      for (StageKind k = STAGE_MAP; k <= STAGE_MAP_IN_PLACE; k++)
        if (g_str_equal (argv[2], kind_name (k)))
          kind = k;
      if (g_str_equal (argv[2], "none"))
        n_stages = 0;
      run_stream (n_stages, kind, &total);
      g_assert_cmpint (total, ==, n_items * (n_items - 1) / 2 + n_stages * n_items);
      return 0;
    }

  if (allocs)
    {
      /* Heap allocations per item of source -> 5 x map -> fold. */
      guint64 n_allocs;

      bench_allocs_start ();
      run_stream (N_STAGES, STAGE_MAP, &total);
      n_allocs = bench_allocs_stop ();
      g_assert_cmpint (total, ==, expected);
      printf ("%.6f\n", (double) n_allocs / n_items);
      return 0;
    }

  /* Each pipeline REPEATS times, interleaved, keeping its fastest run:
   * the per-stage figures are differences of two runs, which a single
   * preemption on a busy machine would otherwise swamp. */
  base = five = five_fast = five_in_place = plain0 = plain5 = G_MAXDOUBLE;
  for (int rep = 0; rep < REPEATS; rep++)
    {
      base = MIN (base, run_stream (0, STAGE_MAP, &total));
      g_assert_cmpint (total, ==, n_items * (n_items - 1) / 2);
      five = MIN (five, run_stream (N_STAGES, STAGE_MAP, &total));
      g_assert_cmpint (total, ==, expected);
      five_fast = MIN (five_fast, run_stream (N_STAGES, STAGE_MAP_FAST, &total));
      g_assert_cmpint (total, ==, expected);
      five_in_place = MIN (five_in_place, run_stream (N_STAGES, STAGE_MAP_IN_PLACE, &total));
      g_assert_cmpint (total, ==, expected);
      plain0 = MIN (plain0, run_plain (0, &total));
      plain5 = MIN (plain5, run_plain (N_STAGES, &total));
      g_assert_cmpint (total, ==, expected);
    }

  if (raw)
    {
      /* For bench/run: ns/item of source->fold, 5 map, 5 map with the
       * inline helpers, 5 map_in_place, and of the plain loops with 0 and
       * 5 stages. */
      printf ("%.3f %.3f %.3f %.3f %.3f %.3f\n", base, five, five_fast, five_in_place, plain0, plain5);
      return 0;
    }
  printf ("W3 %" G_GINT64_FORMAT " items\n", n_items);
  printf ("  gchanstream source -> fold           %6.2f ns/item\n", base);
  printf ("  gchanstream source -> 5 map -> fold  %6.2f ns/item  (%.2f M items/s)\n", five, 1000.0 / five);
  printf ("  per map stage                        %6.2f ns/item\n", (five - base) / N_STAGES);
  printf ("  per map stage, inline helpers        %6.2f ns/item\n", (five_fast - base) / N_STAGES);
  printf ("  source -> 5 map_in_place -> fold     %6.2f ns/item  (%.2f M items/s)\n", five_in_place, 1000.0 / five_in_place);
  printf ("  per map_in_place stage               %6.2f ns/item\n", (five_in_place - base) / N_STAGES);
  printf ("  plain C loop, fn-pointer stages      %6.2f ns/item  (%.2f ns per stage)\n",
          plain5, (plain5 - plain0) / N_STAGES);
  return 0;
}
