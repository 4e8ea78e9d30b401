/* memory.c: the memory workloads of DESIGN.md
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   memory bounded [N]    a producer thread sends N int64 into a bounded
 *                         channel (capacity 1024) whose consumer is about
 *                         100x slower; prints the RSS growth over the run
 *                         (max RSS - RSS at start), in KiB
 *   memory unbounded [N]  queues N int64 in an unbounded channel; prints
 *                         the heap bytes per queued item
 */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gchanstream/gchanstream.h>

static long
rss_kib (void)
{
  long pages = 0, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f != NULL)
    {
      if (fscanf (f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
      fclose (f);
    }
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static gint64 n_items = 1000000;

static gpointer
producer (gpointer data)
{
  GcsSender *tx = data;
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  for (gint64 i = 0; i < n_items; i++)
    {
      g_value_set_int64 (&value, i);
      gcs_sender_send_blocking (tx, &value, NULL, NULL);
    }
  g_object_unref (tx);
  return NULL;
}

typedef struct
{
  gint64 received;
  long   max_rss;
  gboolean ended;
} Slow;

/* About 100x the producer's cost per item (~30 ns): a few microseconds. */
static gboolean
slow_cb (GcsReceiver *rx, const GValue *value, gpointer data)
{
  Slow *s = data;
  gint64 until;

  if (value == NULL)
    {
      s->ended = TRUE;
      return G_SOURCE_REMOVE;
    }
  until = g_get_monotonic_time () + 3;
  while (g_get_monotonic_time () < until)
    ;
  if (++s->received % 4096 == 0)
    s->max_rss = MAX (s->max_rss, rss_kib ());
  return G_SOURCE_CONTINUE;
}

static int
run_bounded (void)
{
  GcsSender *tx;
  g_autoptr(GcsReceiver) rx = NULL;
  Slow s = { 0 };
  GThread *thread;
  long start;

  gcs_channel_new (G_TYPE_INT64, 1024, &tx, &rx);
  gcs_receiver_attach (rx, NULL, slow_cb, &s, NULL);
  start = rss_kib ();
  s.max_rss = start;
  thread = g_thread_new ("producer", producer, tx);
  while (!s.ended)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  if (s.received != n_items)
    {
      fprintf (stderr, "received %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT "\n", s.received, n_items);
      return 1;
    }
  printf ("%ld\n", s.max_rss - start);
  return 0;
}

static int
run_unbounded (void)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  GValue value = G_VALUE_INIT;
  struct mallinfo2 before, after;

  gcs_channel_new_unbounded (G_TYPE_INT64, &tx, &rx);
  g_value_init (&value, G_TYPE_INT64);
  before = mallinfo2 ();
  for (gint64 i = 0; i < n_items; i++)
    {
      g_value_set_int64 (&value, i);
      gcs_sender_try_send (tx, &value, NULL);
    }
  after = mallinfo2 ();
  printf ("%.1f\n", (double) ((after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd)) / n_items);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  const char *mode = argc > 1 ? argv[1] : "bounded";

  if (argc > 2)
    n_items = g_ascii_strtoll (argv[2], NULL, 10);
  if (strcmp (mode, "bounded") == 0)
    return run_bounded ();
  if (strcmp (mode, "unbounded") == 0)
    return run_unbounded ();
  fprintf (stderr, "usage: %s bounded|unbounded [N]\n", argv[0]);
  return 2;
}
