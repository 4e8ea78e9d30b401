/* gcs-demo.c: worker threads produce log records into a bounded channel,
 * the main loop consumes and aggregates them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each worker thread owns a clone of the sender and pushes synthetic log
 * records with gcs_sender_send_blocking(): when the main loop falls behind,
 * the bounded channel makes the workers wait. The main loop consumes the
 * receiver as a stream:
 *
 *   ReceiverStream -> inspect (statistics of every record)
 *                  -> filter (warnings and errors)
 *                  -> chunks_timeout (256 records or 100 ms)
 *                  -> for_each (alert batches)
 *
 * shows progress from a timeout source on the same context, and prints a
 * report when the stream ends (every clone closed). `--consumer attach`
 * takes the records with gcs_receiver_attach() instead, no stream.
 *
 * The demo checks itself: every worker numbers its records, and the main
 * loop verifies that it saw all of them, in order per worker, and that the
 * alert batches hold exactly the warnings and errors. It exits 1 if
 * not, 2 on bad options, 130 when interrupted with Ctrl-C (which closes the
 * receiver: queued records are still delivered, the workers' next sends
 * fail with GCS_CHANNEL_ERROR_CLOSED and they stop).
 *
 * `--dbus bus|p2p` moves the workers to a second process: the demo starts a
 * private dbus-daemon (bus) or a GDBusServer (p2p), exports a D-Bus channel
 * there (gcs_dbus_receiver_new()) and starts itself again as the producer
 * (the hidden --dbus-produce options). The producer's worker threads send
 * into a local channel whose stream is mapped to GVariant tuples and
 * forwarded into a GcsDBusSink; the consumer maps the tuples back to
 * records and runs the same pipeline, checks and report.
 */

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <gchanstream/gchanstream.h>

/* A log record, the channel's item type. A boxed type: a send copies the
 * 24 bytes once into the channel; the service name is a static string. */
typedef struct
{
  guint32     worker;      /* who produced it */
  guint32     seq;         /* the worker's running number */
  guint32     latency_us;
  guint8      level;       /* a Level */
  const char *service;     /* static */
} DemoRecord;

static DemoRecord *
demo_record_copy (const DemoRecord *record)
{
  return g_memdup2 (record, sizeof *record);
}

GType demo_record_get_type (void);
G_DEFINE_BOXED_TYPE (DemoRecord, demo_record, demo_record_copy, g_free)
#define DEMO_TYPE_RECORD (demo_record_get_type ())

#define DEFAULT_WORKERS  4
#define DEFAULT_ITEMS    2000000
#define DEFAULT_CAPACITY 1024
#define ALERT_BATCH      256   /* chunks_timeout: records ... */
#define ALERT_BATCH_MS   100   /* ... or milliseconds, whichever first */
#define MAX_WORKERS      1024

#define EXIT_USAGE       2
#define EXIT_INTERRUPTED 130

typedef enum
{
  LEVEL_DEBUG,
  LEVEL_INFO,
  LEVEL_WARN,
  LEVEL_ERROR,
  N_LEVELS
} Level;

static const char *const level_names[N_LEVELS] = { "DEBUG", "INFO", "WARN", "ERROR" };
/* Cumulative per-mille: 55% DEBUG, 33% INFO, 9% WARN, 3% ERROR. */
static const guint level_cdf[N_LEVELS] = { 550, 880, 970, 1000 };

typedef struct
{
  const char *name;
  guint       weight;      /* share of the traffic, per mille */
  double      median_us;   /* typical latency of a healthy request */
} Service;

static const Service services[] = {
  { "gateway",    300,   350.0 },
  { "auth",       200,   900.0 },
  { "search",     180,  4000.0 },
  { "catalog",    140,  1500.0 },
  { "checkout",   100,  6000.0 },
  { "billing",     50, 12000.0 },
  { "recommend",   30,  2500.0 },
};
#define N_SERVICES G_N_ELEMENTS (services)

/* Latency histogram with log-linear buckets: exact below 64 µs, then 64
 * buckets per power of two, so a percentile is within 1.6%. */
#define HIST_SUB_BITS 6
#define HIST_SUB      (1u << HIST_SUB_BITS)
#define HIST_BUCKETS  ((32 - HIST_SUB_BITS + 1) * HIST_SUB)

typedef struct
{
  guint64 count;
  guint64 sum;
  guint32 max;
  guint64 buckets[HIST_BUCKETS];
} Histogram;

static guint
hist_bucket (guint32 v)
{
  guint exp;

  if (v < HIST_SUB)
    return v;
  exp = g_bit_nth_msf (v, -1);                       /* >= HIST_SUB_BITS */
  return (exp - HIST_SUB_BITS + 1) * HIST_SUB + ((v >> (exp - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

/* The middle of a bucket's range. */
static double
hist_bucket_value (guint bucket)
{
  guint exp, sub;
  double lo, width;

  if (bucket < HIST_SUB)
    return bucket;
  exp = bucket / HIST_SUB + HIST_SUB_BITS - 1;
  sub = bucket % HIST_SUB;
  width = ldexp (1.0, (int) exp - HIST_SUB_BITS);
  lo = ldexp (1.0, (int) exp) + sub * width;
  return lo + (width - 1) / 2;
}

static void
hist_add (Histogram *h,
          guint32    v)
{
  h->count++;
  h->sum += v;
  h->max = MAX (h->max, v);
  h->buckets[hist_bucket (v)]++;
}

static double
hist_percentile (const Histogram *h,
                 double           p)
{
  guint64 rank, seen = 0;

  if (h->count == 0)
    return 0;
  rank = (guint64) ceil (p / 100.0 * h->count);
  rank = CLAMP (rank, 1, h->count);
  for (guint i = 0; i < HIST_BUCKETS; i++)
    {
      seen += h->buckets[i];
      if (seen >= rank)
        return MIN (hist_bucket_value (i), (double) h->max);
    }
  return h->max;
}

/* ------------------------------------------------------------------ */
/* Producers: worker threads                                            */

typedef struct
{
  guint      id;
  guint64    n_items;
  guint32    seed;
  GcsSender *tx;          /* this worker's own clone */
  GThread   *thread;
  GError    *error;       /* why it stopped early, if it did */
} Worker;

/* A standard normal deviate (Box-Muller). */
static double
rand_normal (GRand *rand)
{
  double u1 = g_rand_double (rand), u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (1.0 - u1)) * cos (2.0 * G_PI * u2);
}

static guint
rand_pick (GRand *rand, const guint *cdf, guint n)
{
  guint r = (guint) g_rand_int_range (rand, 0, 1000);

  for (guint i = 0; i < n; i++)
    if (r < cdf[i])
      return i;
  return n - 1;
}

static gpointer
worker_run (gpointer data)
{
  Worker *self = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (self->seed);
  guint service_cdf[N_SERVICES];
  guint acc = 0;

  for (guint i = 0; i < N_SERVICES; i++)
    service_cdf[i] = acc += services[i].weight;

  for (guint64 seq = 0; seq < self->n_items; seq++)
    {
      GValue value = G_VALUE_INIT;
      DemoRecord record;
      Level level = rand_pick (rand, level_cdf, N_LEVELS);
      const Service *service = &services[rand_pick (rand, service_cdf, N_SERVICES)];
      /* Log-normal around the service's median; warnings are slow
       * requests, errors often timeouts; now and then a GC pause. */
      double latency = service->median_us * exp (0.5 * rand_normal (rand));
      gboolean ok;

      if (level == LEVEL_WARN)
        latency *= 2.5;
      else if (level == LEVEL_ERROR)
        latency *= g_rand_int_range (rand, 0, 4) == 0 ? 20.0 : 3.0;
      if (g_rand_int_range (rand, 0, 1000) < 5)
        latency += 50000.0;

      record = (DemoRecord) {
        .worker = self->id,
        .seq = (guint32) seq,
        .latency_us = (guint32) MIN (latency, (double) G_MAXUINT32),
        .level = level,
        .service = service->name,
      };
      /* The channel copies the record; ours stays on the stack. */
      g_value_init (&value, DEMO_TYPE_RECORD);
      g_value_set_static_boxed (&value, &record);
      ok = gcs_sender_send_blocking (self->tx, &value, NULL, &self->error);
      g_value_unset (&value);
      if (!ok)
        break;  /* CLOSED: the receiver was closed (Ctrl-C) */
    }

  /* The receiver sees the end once every clone is closed. */
  gcs_sender_close (self->tx);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* The consumer: the main loop                                         */

typedef struct
{
  GMainLoop   *loop;
  GcsReceiver *rx;
  guint64      n_expected;
  guint        n_workers;
  guint        capacity;
  gboolean     tty;
  gboolean     interrupted;
  gboolean     progress_shown;

  gint64       start_us;
  gint64       end_us;
  guint64      n_items;
  guint64      n_out_of_order;
  guint32     *next_seq;      /* per worker */
  guint64      per_service[N_SERVICES][N_LEVELS];
  Histogram    all;
  Histogram    per_level[N_LEVELS];
  guint        max_queued;

  gboolean     use_stream;
  const char  *dbus;           /* "bus" or "p2p": the workers in another process */
  GError      *stream_error;
  guint64      n_alerts;       /* warnings and errors, in batches */
  guint64      n_batches;
  guint        largest_batch;
  guint        full_batches;   /* of ALERT_BATCH records; the others timed out */
} Demo;

/* 1234567 -> "1,234,567" in one of a few rotating buffers. */
static const char *
grouped (guint64 n)
{
  static char bufs[8][32];
  static guint next;
  char digits[24], *out = bufs[next++ % G_N_ELEMENTS (bufs)];
  int len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, n);
  int o = 0;

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        out[o++] = ',';
      out[o++] = digits[i];
    }
  out[o] = '\0';
  return out;
}

static double
rate_per_s (guint64 n, gint64 usec)
{
  return usec > 0 ? n * (double) G_USEC_PER_SEC / usec : 0;
}

static guint
service_index (const char *name)
{
  /* The names are the static strings of the table: compare pointers. */
  for (guint i = 0; i < N_SERVICES; i++)
    if (services[i].name == name)
      return i;
  for (guint i = 0; i < N_SERVICES; i++)
    if (g_strcmp0 (services[i].name, name) == 0)
      return i;
  return 0;
}

static void
print_report (Demo *self)
{
  gint64 elapsed = self->end_us - self->start_us;
  guint64 errors[N_SERVICES];
  guint worst = 0;

  printf ("\n%s %s items in %.2f s: %.2f M items/s\n",
          self->interrupted ? "Interrupted after" : "Done:",
          grouped (self->n_items), elapsed / 1e6, rate_per_s (self->n_items, elapsed) / 1e6);
  if (self->dbus != NULL)
    printf ("  channel   D-Bus (%s), capacity %s; %u workers in the producer process\n",
            g_str_equal (self->dbus, "bus") ? "private dbus-daemon" : "peer to peer",
            grouped (self->capacity), self->n_workers);
  else
    printf ("  channel   bounded, capacity %s; %u workers, each with its own sender clone\n",
            grouped (self->capacity), self->n_workers);
  printf ("  length    peaked at %s (queued, plus the batch in the consumer's hands)\n",
          grouped (self->max_queued));
  if (self->use_stream)
    printf ("  alerts    %s warnings and errors in %s batches (%d or %d ms); largest %u, %s full\n",
            grouped (self->n_alerts), grouped (self->n_batches), ALERT_BATCH, ALERT_BATCH_MS,
            self->largest_batch, grouped (self->full_batches));
  if (self->n_out_of_order == 0)
    printf ("  order     every worker's records arrived complete and in order\n");
  else
    printf ("  order     %s records out of order or missing\n", grouped (self->n_out_of_order));

  printf ("\n  level        count  share     mean      p50      p99      max  (latency, µs)\n");
  for (guint l = 0; l < N_LEVELS; l++)
    {
      const Histogram *h = &self->per_level[l];

      printf ("  %-5s %12s %5.1f%% %8.0f %8.0f %8.0f %8u\n",
              level_names[l], grouped (h->count),
              self->n_items ? 100.0 * h->count / self->n_items : 0.0,
              h->count ? (double) h->sum / h->count : 0.0,
              hist_percentile (h, 50), hist_percentile (h, 99), h->max);
    }
  printf ("  all   %12s %5.1f%% %8.0f %8.0f %8.0f %8u   p90 %.0f, p99.9 %.0f\n",
          grouped (self->all.count), self->n_items ? 100.0 : 0.0,
          self->all.count ? (double) self->all.sum / self->all.count : 0.0,
          hist_percentile (&self->all, 50), hist_percentile (&self->all, 99), self->all.max,
          hist_percentile (&self->all, 90), hist_percentile (&self->all, 99.9));

  printf ("\n  service      records   errors  error rate\n");
  for (guint s = 0; s < N_SERVICES; s++)
    {
      guint64 total = 0;

      for (guint l = 0; l < N_LEVELS; l++)
        total += self->per_service[s][l];
      errors[s] = self->per_service[s][LEVEL_ERROR];
      if (errors[s] > errors[worst])
        worst = s;
      printf ("  %-10s %10s %8s  %9.2f%%\n", services[s].name, grouped (total), grouped (errors[s]),
              total ? 100.0 * errors[s] / total : 0.0);
    }
  if (errors[worst] > 0)
    printf ("  most errors: %s\n", services[worst].name);
}

static void
show_progress (Demo *self)
{
  gint64 elapsed = g_get_monotonic_time () - self->start_us;
  double rate = rate_per_s (self->n_items, elapsed);
  guint queued = gcs_receiver_get_length (self->rx);
  double pct = self->n_expected ? 100.0 * self->n_items / self->n_expected : 100.0;

  if (self->tty)
    {
      /* One line, rewritten in place; \033[K clears what a longer line left. */
      printf ("\r%6.1f s %11s / %s items %5.1f%%  %.2f M/s  queued %5u/%u  errors %s\033[K",
              elapsed / 1e6, grouped (self->n_items), grouped (self->n_expected), pct,
              rate / 1e6, queued, self->capacity, grouped (self->per_level[LEVEL_ERROR].count));
      self->progress_shown = TRUE;
    }
  else
    printf ("progress: %.1f s, %s of %s items (%.1f%%), %.2f M items/s, queued %u/%u\n",
            elapsed / 1e6, grouped (self->n_items), grouped (self->n_expected), pct,
            rate / 1e6, queued, self->capacity);
  fflush (stdout);
}

static gboolean
progress_cb (gpointer data)
{
  show_progress (data);
  return G_SOURCE_CONTINUE;
}

/* Every record, whichever way it arrives. */
static void
count_record (Demo             *self,
              const DemoRecord *record)
{
  guint level;

  self->n_items++;
  if (record->worker >= self->n_workers || record->seq != self->next_seq[record->worker])
    self->n_out_of_order++;
  else
    self->next_seq[record->worker]++;
  level = MIN (record->level, N_LEVELS - 1);
  self->per_service[service_index (record->service)][level]++;
  hist_add (&self->all, record->latency_us);
  hist_add (&self->per_level[level], record->latency_us);

  /* Cheap enough once per batch of records. */
  if (G_UNLIKELY ((self->n_items & 1023) == 0))
    self->max_queued = MAX (self->max_queued, gcs_receiver_get_length (self->rx));
}

static void
stream_ended (Demo *self)
{
  self->end_us = g_get_monotonic_time ();
  g_main_loop_quit (self->loop);
}

static void variant_to_record_cb (const GValue *value, GValue *result, gpointer data, GError **error);

/* --consumer attach: the receiver's own GSource. */
static gboolean
record_cb (GcsReceiver  *rx,
           const GValue *value,
           gpointer      data)
{
  Demo *self = data;

  if (value == NULL)
    {
      /* The end of the stream: every worker closed its sender (or we
       * closed the receiver), and everything queued was delivered. */
      stream_ended (self);
      return G_SOURCE_REMOVE;
    }
  if (G_VALUE_HOLDS_VARIANT (value))
    {
      g_auto(GValue) record = G_VALUE_INIT;

      variant_to_record_cb (value, &record, NULL, NULL);
      count_record (self, g_value_get_boxed (&record));
      return G_SOURCE_CONTINUE;
    }
  count_record (self, g_value_get_boxed (value));
  return G_SOURCE_CONTINUE;
}

/* --consumer stream: the pipeline's stages. */
static void
inspect_record_cb (const GValue  *value,
                   gpointer       data,
                   GError       **error)
{
  count_record (data, g_value_get_boxed (value));
}

static gboolean
is_alert_cb (const GValue  *value,
             gpointer       data,
             GError       **error)
{
  const DemoRecord *record = g_value_get_boxed (value);

  return record->level >= LEVEL_WARN;
}

static void
alert_batch_cb (const GValue  *value,
                gpointer       data,
                GError       **error)
{
  Demo *self = data;
  guint n;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  n = ((GValueArray *) g_value_get_boxed (value))->n_values;
G_GNUC_END_IGNORE_DEPRECATIONS
  self->n_alerts += n;
  self->n_batches++;
  self->largest_batch = MAX (self->largest_batch, n);
  if (n == ALERT_BATCH)
    self->full_batches++;
}

static void
pipeline_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Demo *self = data;

  gcs_stream_for_each_finish (GCS_STREAM (source), result, &self->stream_error);
  stream_ended (self);
}

static void
start_pipeline (Demo *self)
{
  g_autoptr(GcsStream) received = gcs_receiver_stream_new (self->rx);
  /* --dbus: the records crossed as GVariant tuples. */
  g_autoptr(GcsStream) records = self->dbus != NULL
    ? gcs_stream_map (received, variant_to_record_cb, NULL, NULL)
    : g_object_ref (received);
  g_autoptr(GcsStream) counted = gcs_stream_inspect (records, inspect_record_cb, self, NULL);
  g_autoptr(GcsStream) alerts = gcs_stream_filter (counted, is_alert_cb, NULL, NULL);
  g_autoptr(GcsStream) batches = gcs_stream_chunks_timeout (alerts, ALERT_BATCH, ALERT_BATCH_MS);

  gcs_stream_for_each_async (batches, alert_batch_cb, self, NULL, NULL, pipeline_done_cb, self);
}

static gboolean
sigint_cb (gpointer data)
{
  Demo *self = data;

  /* Stop the producers the clean way: no new sends, drain the rest. */
  self->interrupted = TRUE;
  gcs_receiver_close (self->rx);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ */
/* --dbus: the workers in another process                               */

#define DBUS_INBOX "/org/gchanstream/Demo/Records"

/* A record as it crosses D-Bus: (worker, seq, latency, level, service). */
static void
record_to_variant_cb (const GValue  *value,
                      GValue        *result,
                      gpointer       data,
                      GError       **error)
{
  const DemoRecord *r = g_value_get_boxed (value);

  g_value_init (result, G_TYPE_VARIANT);
  g_value_set_variant (result, g_variant_new ("(uuuys)", r->worker, r->seq, r->latency_us,
                                              r->level, r->service));
}

static void
variant_to_record_cb (const GValue  *value,
                      GValue        *result,
                      gpointer       data,
                      GError       **error)
{
  DemoRecord record;
  const char *service;
  guint8 level;

  g_variant_get (g_value_get_variant (value), "(uuuy&s)", &record.worker, &record.seq,
                 &record.latency_us, &level, &service);
  record.level = level;
  /* Back to the static name, which the report compares by address. */
  record.service = services[service_index (service)].name;
  g_value_init (result, DEMO_TYPE_RECORD);
  g_value_set_boxed (result, &record);
}

typedef struct
{
  GMainLoop *loop;
  GError    *error;
} Forward;

static void
forwarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Forward *f = data;

  gcs_stream_forward_finish (GCS_STREAM (source), result, &f->error);
  g_main_loop_quit (f->loop);
}

/* The producer process: workers -> local channel -> map to GVariant ->
 * forward into the consumer's D-Bus channel. */
static int
run_dbus_producer (const char *address,
                   const char *bus_name,   /* NULL: peer to peer */
                   guint       n_workers,
                   guint64     n_items,
                   guint       capacity,
                   guint32     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autoptr(GcsStream) records = NULL;
  g_autoptr(GcsStream) variants = NULL;
  g_autoptr(GcsSink) sink = NULL;
  g_autofree Worker *workers = g_new0 (Worker, n_workers);
  Forward f = { g_main_loop_new (NULL, FALSE), NULL };
  int status = 0;

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       (bus_name != NULL ? G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION : 0),
                                                       NULL, NULL, &error);
  if (connection == NULL)
    {
      fprintf (stderr, "gcs-demo producer: %s\n", error->message);
      return 1;
    }
  gcs_channel_new (DEMO_TYPE_RECORD, capacity, &tx, &rx);
  for (guint i = 0; i < n_workers; i++)
    {
      Worker *w = &workers[i];

      w->id = i;
      w->n_items = n_items / n_workers + (i < n_items % n_workers);
      w->seed = seed * 7919u + i;
      w->tx = gcs_sender_clone (tx);
      w->thread = g_thread_new ("gcs-demo-worker", worker_run, w);
    }
  gcs_sender_close (tx);

  records = gcs_receiver_stream_new (rx);
  variants = gcs_stream_map (records, record_to_variant_cb, NULL, NULL);
  sink = gcs_dbus_sink_new (connection, bus_name, DBUS_INBOX);
  gcs_stream_forward_async (variants, sink, NULL, forwarded_cb, &f);
  g_main_loop_run (f.loop);
  if (f.error != NULL)
    {
      /* The consumer closed (Ctrl-C) or vanished: stop the workers. */
      gcs_receiver_close (rx);
      if (!g_error_matches (f.error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED))
        {
          fprintf (stderr, "gcs-demo producer: %s\n", f.error->message);
          status = 1;
        }
      g_clear_error (&f.error);
    }
  for (guint i = 0; i < n_workers; i++)
    {
      g_thread_join (workers[i].thread);
      g_clear_error (&workers[i].error);
      g_clear_object (&workers[i].tx);
    }
  g_clear_object (&sink);
  g_dbus_connection_flush_sync (connection, NULL, NULL);
  g_main_loop_unref (f.loop);
  return status;
}

/* The consumer's end: a private bus or a server, the D-Bus channel on it,
 * and the producer process. */
typedef struct
{
  GTestDBus       *bus;
  GDBusServer     *server;
  GDBusConnection *connection;
  GcsReceiver     *rx;
  guint            capacity;
  GSubprocess     *producer;
} DBusSide;

static gboolean
dbus_new_connection_cb (GDBusServer     *server,
                        GDBusConnection *connection,
                        gpointer         data)
{
  DBusSide *side = data;
  g_autoptr(GError) error = NULL;

  if (side->rx != NULL)
    return FALSE;   /* one producer */
  /* Exported before the connection reads its first message. */
  side->rx = gcs_dbus_receiver_new (connection, DBUS_INBOX, G_TYPE_VARIANT, side->capacity, &error);
  if (side->rx == NULL)
    {
      fprintf (stderr, "gcs-demo: %s\n", error->message);
      return FALSE;
    }
  side->connection = g_object_ref (connection);
  return TRUE;
}

static gboolean
dbus_side_start (DBusSide   *side,
                 const char *self_path,
                 gboolean    p2p,
                 guint       n_workers,
                 guint64     n_items,
                 guint       capacity,
                 guint32     seed,
                 GError    **error)
{
  g_autofree char *workers = g_strdup_printf ("--workers=%u", n_workers);
  g_autofree char *items = g_strdup_printf ("--items=%" G_GUINT64_FORMAT, n_items);
  g_autofree char *cap = g_strdup_printf ("--capacity=%u", capacity);
  g_autofree char *seed_arg = g_strdup_printf ("--seed=%u", seed);
  g_autofree char *address_arg = NULL;
  g_autofree char *name_arg = NULL;

  side->capacity = capacity;
  if (p2p)
    {
      g_autofree char *guid = g_dbus_generate_guid ();

      side->server = g_dbus_server_new_sync ("unix:tmpdir=/tmp", G_DBUS_SERVER_FLAGS_NONE, guid,
                                             NULL, NULL, error);
      if (side->server == NULL)
        return FALSE;
      g_signal_connect (side->server, "new-connection", G_CALLBACK (dbus_new_connection_cb), side);
      g_dbus_server_start (side->server);
      address_arg = g_strdup_printf ("--dbus-produce=%s", g_dbus_server_get_client_address (side->server));
      name_arg = g_strdup ("--dbus-name=-");
    }
  else
    {
      side->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (side->bus);
      side->connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (side->bus),
                                                                 G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                                 NULL, NULL, error);
      if (side->connection == NULL)
        return FALSE;
      side->rx = gcs_dbus_receiver_new (side->connection, DBUS_INBOX, G_TYPE_VARIANT, capacity, error);
      if (side->rx == NULL)
        return FALSE;
      address_arg = g_strdup_printf ("--dbus-produce=%s", g_test_dbus_get_bus_address (side->bus));
      name_arg = g_strdup_printf ("--dbus-name=%s", g_dbus_connection_get_unique_name (side->connection));
    }
  side->producer = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, error, self_path, address_arg, name_arg,
                                     workers, items, cap, seed_arg, NULL);
  if (side->producer == NULL)
    return FALSE;
  while (side->rx == NULL)
    g_main_context_iteration (NULL, TRUE);
  return TRUE;
}

/* After the stream's end: the producer's exit, and why the channel ended. */
static gboolean
dbus_side_stop (DBusSide  *side,
                GError   **error)
{
  gboolean ok = gcs_dbus_receiver_propagate_error (side->rx, error);

  if (ok && !g_subprocess_wait_check (side->producer, NULL, error))
    ok = FALSE;
  g_clear_object (&side->producer);
  g_clear_object (&side->rx);
  g_clear_object (&side->connection);
  if (side->server != NULL)
    g_dbus_server_stop (side->server);
  g_clear_object (&side->server);
  if (side->bus != NULL)
    g_test_dbus_down (side->bus);
  g_clear_object (&side->bus);
  return ok;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

static gboolean
parse_count (const char  *option,
             const char  *text,
             gint64       min,
             gint64       max,
             gint64      *out,
             GError     **error)
{
  guint64 n;

  /* g_ascii_string_to_unsigned() rejects signs, spaces and trailing junk;
   * a leading '-' gets its own message. */
  if (text[0] == '-' && g_ascii_isdigit (text[1]))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be at least %" G_GINT64_FORMAT ", not %s", option, min, text);
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &n, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s needs a whole number, not “%s”", option, text);
      return FALSE;
    }
  if (n < (guint64) min || n > (guint64) max)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT ", not %s",
                   option, min, max, text);
      return FALSE;
    }
  *out = (gint64) n;
  return TRUE;
}

static gint64 opt_workers = DEFAULT_WORKERS;
static gint64 opt_items = DEFAULT_ITEMS;
static gint64 opt_capacity = DEFAULT_CAPACITY;
static gint64 opt_seed = 1;
static gboolean opt_attach = FALSE;
static char *opt_dbus = NULL;           /* --dbus bus|p2p */
static char *opt_dbus_produce = NULL;   /* hidden: the producer process, with the address */
static char *opt_dbus_name = NULL;      /* hidden: the consumer's bus name, "-" peer to peer */

static gboolean
parse_option_cb (const char  *name,
                 const char  *value,
                 gpointer     data,
                 GError     **error)
{
  if (g_str_equal (name, "--workers") || g_str_equal (name, "-w"))
    return parse_count ("--workers", value, 1, MAX_WORKERS, &opt_workers, error);
  if (g_str_equal (name, "--items") || g_str_equal (name, "-n"))
    return parse_count ("--items", value, 1, G_MAXUINT32, &opt_items, error);
  if (g_str_equal (name, "--capacity") || g_str_equal (name, "-c"))
    return parse_count ("--capacity", value, 1, G_MAXINT32, &opt_capacity, error);
  if (g_str_equal (name, "--seed"))
    return parse_count ("--seed", value, 0, G_MAXUINT32, &opt_seed, error);
  if (g_str_equal (name, "--consumer"))
    {
      if (g_str_equal (value, "stream") || g_str_equal (value, "attach"))
        {
          opt_attach = g_str_equal (value, "attach");
          return TRUE;
        }
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--consumer is “stream” or “attach”, not “%s”", value);
      return FALSE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, "Unknown option %s", name);
  return FALSE;
}

static const GOptionEntry entries[] = {
  { "workers", 'w', 0, G_OPTION_ARG_CALLBACK, parse_option_cb,
    "Worker threads producing records (default 4)", "N" },
  { "items", 'n', 0, G_OPTION_ARG_CALLBACK, parse_option_cb,
    "Records to produce in total (default 2,000,000)", "N" },
  { "capacity", 'c', 0, G_OPTION_ARG_CALLBACK, parse_option_cb,
    "Capacity of the bounded channel (default 1024)", "N" },
  { "seed", 0, 0, G_OPTION_ARG_CALLBACK, parse_option_cb,
    "Seed of the record generator (default 1)", "N" },
  { "consumer", 0, 0, G_OPTION_ARG_CALLBACK, parse_option_cb,
    "How the main loop consumes: a stream pipeline, or gcs_receiver_attach() (default stream)",
    "stream|attach" },
  { "dbus", 0, 0, G_OPTION_ARG_STRING, &opt_dbus,
    "Run the workers in a second process, sending through a D-Bus channel on a private "
    "dbus-daemon (bus) or peer to peer (p2p)", "bus|p2p" },
  { "dbus-produce", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_dbus_produce, NULL, NULL },
  { "dbus-name", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_dbus_name, NULL, NULL },
  { NULL }
};

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  g_autofree Worker *workers = NULL;
  g_autofree Demo *demo = NULL;
  guint progress_id, sigint_id;
  DBusSide dbus_side = { 0 };
  int status = 0;

  /* The user's charset for --help; numbers stay in the C format. */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");

  options = g_option_context_new ("- log records from worker threads through a gchanstream channel");
  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_summary (options,
    "Worker threads produce synthetic log records (level, service, latency) into a\n"
    "bounded gchanstream channel with gcs_sender_send_blocking(); the main loop\n"
    "consumes them through a stream pipeline (ReceiverStream -> inspect -> filter\n"
    "-> chunks_timeout -> for_each) that aggregates every record and batches the\n"
    "warnings and errors, or with gcs_receiver_attach().");
  g_option_context_set_description (options,
    "Exit status: 0 when every record arrived in order, 1 if not, 2 for bad\n"
    "options, 130 when interrupted (Ctrl-C closes the receiver and drains it).");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      fprintf (stderr, "gcs-demo: %s\nTry “%s --help”.\n", error->message, g_get_prgname ());
      return EXIT_USAGE;
    }
  if (argc > 1)
    {
      fprintf (stderr, "gcs-demo: unexpected argument “%s”\nTry “%s --help”.\n", argv[1], g_get_prgname ());
      return EXIT_USAGE;
    }

  if (opt_dbus != NULL && !g_str_equal (opt_dbus, "bus") && !g_str_equal (opt_dbus, "p2p"))
    {
      fprintf (stderr, "gcs-demo: --dbus is “bus” or “p2p”, not “%s”\nTry “%s --help”.\n",
               opt_dbus, g_get_prgname ());
      return EXIT_USAGE;
    }
  if (opt_dbus_produce != NULL)
    return run_dbus_producer (opt_dbus_produce,
                              opt_dbus_name == NULL || g_str_equal (opt_dbus_name, "-") ? NULL : opt_dbus_name,
                              (guint) opt_workers, (guint64) opt_items, (guint) opt_capacity,
                              (guint32) opt_seed);

  demo = g_new0 (Demo, 1);
  demo->n_expected = (guint64) opt_items;
  demo->n_workers = (guint) opt_workers;
  demo->capacity = (guint) opt_capacity;
  demo->tty = isatty (STDOUT_FILENO);
  demo->loop = g_main_loop_new (NULL, FALSE);
  demo->next_seq = g_new0 (guint32, demo->n_workers);
  demo->use_stream = !opt_attach;

  demo->dbus = opt_dbus;
  if (demo->dbus == NULL)
    {
      gcs_channel_new (DEMO_TYPE_RECORD, demo->capacity, &tx, &rx);
      printf ("gcs-demo: %u workers -> bounded channel (capacity %s) -> %s, %s records\n",
              demo->n_workers, grouped (demo->capacity),
              demo->use_stream ? "inspect -> filter -> chunks_timeout -> for_each" : "attach",
              grouped (demo->n_expected));
    }
  else
    {
      printf ("gcs-demo: %u workers in a producer process -> D-Bus channel (%s, capacity %s) -> %s, %s records\n",
              demo->n_workers, g_str_equal (demo->dbus, "bus") ? "private dbus-daemon" : "peer to peer",
              grouped (demo->capacity),
              demo->use_stream ? "inspect -> filter -> chunks_timeout -> for_each" : "attach",
              grouped (demo->n_expected));
      fflush (stdout);
      demo->start_us = g_get_monotonic_time ();
      if (!dbus_side_start (&dbus_side, argv[0], g_str_equal (demo->dbus, "p2p"), demo->n_workers,
                            demo->n_expected, demo->capacity, (guint32) opt_seed, &error))
        {
          fprintf (stderr, "gcs-demo: %s\n", error->message);
          return 1;
        }
      rx = g_object_ref (dbus_side.rx);
    }
  demo->rx = rx;
  fflush (stdout);

  if (demo->use_stream)
    start_pipeline (demo);
  else
    gcs_receiver_attach (rx, NULL, record_cb, demo, NULL);
  progress_id = g_timeout_add (demo->tty ? 100 : 1000, progress_cb, demo);
  sigint_id = g_unix_signal_add (SIGINT, sigint_cb, demo);

  if (demo->dbus == NULL)
    demo->start_us = g_get_monotonic_time ();
  workers = g_new0 (Worker, demo->n_workers);
  for (guint i = 0; tx != NULL && i < demo->n_workers; i++)
    {
      Worker *w = &workers[i];

      w->id = i;
      w->n_items = demo->n_expected / demo->n_workers + (i < demo->n_expected % demo->n_workers);
      w->seed = (guint32) opt_seed * 7919u + i;
      w->tx = gcs_sender_clone (tx);
      w->thread = g_thread_new ("gcs-demo-worker", worker_run, w);
    }
  /* Only the workers' clones keep the channel open now. */
  if (tx != NULL)
    gcs_sender_close (tx);

  g_main_loop_run (demo->loop);

  g_source_remove (progress_id);
  if (!demo->interrupted)
    g_source_remove (sigint_id);
  if (demo->progress_shown)
    {
      show_progress (demo);
      printf ("\n");
    }

  for (guint i = 0; tx != NULL && i < demo->n_workers; i++)
    {
      g_thread_join (workers[i].thread);
      if (workers[i].error != NULL && !demo->interrupted)
        {
          fprintf (stderr, "gcs-demo: worker %u: %s\n", i, workers[i].error->message);
          status = 1;
        }
      g_clear_error (&workers[i].error);
      g_clear_object (&workers[i].tx);
    }

  if (demo->dbus != NULL)
    {
      g_autoptr(GError) dbus_error = NULL;

      demo->rx = NULL;
      g_clear_object (&rx);
      if (!dbus_side_stop (&dbus_side, &dbus_error) && !demo->interrupted)
        {
          fprintf (stderr, "gcs-demo: the producer process: %s\n", dbus_error->message);
          status = 1;
        }
    }

  print_report (demo);

  if (demo->stream_error != NULL)
    {
      fprintf (stderr, "gcs-demo: the pipeline failed: %s\n", demo->stream_error->message);
      g_clear_error (&demo->stream_error);
      status = 1;
    }
  else if (demo->interrupted)
    status = EXIT_INTERRUPTED;
  else if (demo->n_items != demo->n_expected || demo->n_out_of_order != 0)
    {
      fprintf (stderr, "gcs-demo: expected %s records in order, got %s (%s out of order)\n",
               grouped (demo->n_expected), grouped (demo->n_items), grouped (demo->n_out_of_order));
      status = 1;
    }
  else if (demo->use_stream &&
           demo->n_alerts != demo->per_level[LEVEL_WARN].count + demo->per_level[LEVEL_ERROR].count)
    {
      fprintf (stderr, "gcs-demo: %s alerts in batches, but %s warnings and errors counted\n",
               grouped (demo->n_alerts),
               grouped (demo->per_level[LEVEL_WARN].count + demo->per_level[LEVEL_ERROR].count));
      status = 1;
    }

  g_main_loop_unref (demo->loop);
  g_free (demo->next_seq);
  return status;
}
