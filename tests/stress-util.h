/* stress-util.h: what the randomized stress programs share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The seeded round loop with its environment (GCS_TEST_SEED,
 * GCS_STRESS_ROUNDS, GCS_STRESS_SECONDS) and its "# ..." summary line, a
 * consumer thread that runs a GMainContext until the round is done, the
 * hand-over of receivers to it, the lock that numbers values in a
 * channel's order, and the count of objects finalized. Each program keeps
 * its own invariants; only the scaffolding is here.
 */

#pragma once

#include <gchanstream/gchanstream.h>

/* The seed the programs use unless GCS_TEST_SEED says otherwise. */
#define STRESS_DEFAULT_SEED 20261202

/* How long a consumer thread may take for one round before the test fails
 * as hung, rather than waiting for meson's timeout. */
#define STRESS_DEADLINE_USEC (60 * G_USEC_PER_SEC)

/* === environment and the round loop === */

/* @name's value as a decimal number, or @fallback if it is not set. */
guint stress_env_uint (const char *name,
                       guint       fallback);

/* GCS_TEST_SEED, or @fallback. */
guint32 stress_seed (guint32 fallback);

typedef struct
{
  guint32 seed;
  guint64 n_rounds;   /* rounds run */
  gint64  start;      /* monotonic time of the first round */
} StressRun;

typedef void (*StressRoundFunc) (GRand *rand);

/* Runs @round with one GRand seeded from GCS_TEST_SEED (default
 * STRESS_DEFAULT_SEED): GCS_STRESS_ROUNDS times (default @default_rounds),
 * or, if GCS_STRESS_SECONDS is set, until that many seconds have passed.
 * The seed and the limits go to the test log, so that a failure can be
 * replayed. */
StressRun stress_run (guint           default_rounds,
                      StressRoundFunc round);

/* Prints the summary line that tests/README.md quotes:
 * "# NAME: seed S, R rounds, N operations tried, DETAILS, T s". */
void stress_print_summary (const StressRun *run,
                           const char      *name,
                           guint64          n_ops,
                           const char      *details_format,
                           ...) G_GNUC_PRINTF (4, 5);

/* === the consumer thread === */

typedef gboolean (*StressDoneFunc) (gpointer data);
/* Why the consumer is not done, for the failure message (newly allocated). */
typedef char *(*StressDescribeFunc) (gpointer data);

/* A thread that makes @context its thread-default one and iterates it until
 * @done (called on that thread, between iterations) returns TRUE, then
 * dispatches what is left and lets go of it. A timeout every @tick_ms
 * wakes it to check the deadline: past STRESS_DEADLINE_USEC the program
 * fails with what @describe says. Join it with g_thread_join(). */
GThread *stress_context_thread_new (GMainContext       *context,
                                    guint               tick_ms,
                                    StressDoneFunc      done,
                                    StressDescribeFunc  describe,
                                    gpointer            data);

/* Calls @func on @context after @ms milliseconds (again while it returns
 * G_SOURCE_CONTINUE); @notify frees @data when the source goes. How the
 * programs start work at a random moment on the consumer's thread. */
void stress_timeout_attach (GMainContext   *context,
                            guint           ms,
                            GSourceFunc     func,
                            gpointer        data,
                            GDestroyNotify  notify);

/* === receivers handed to the consumer thread ===
 *
 * The test's thread subscribes receivers while the values flow and hands
 * each to the consumer's context; the consumer is done only once it has
 * adopted every one, and the test's thread has said there are no more. */

typedef struct
{
  gint  n_handed;     /* atomic */
  guint n_adopted;    /* consumer thread only */
  gint  all_handed;   /* atomic: no more to come */
} StressHandovers;

typedef void (*StressAdoptFunc) (gpointer data);

/* On the test's thread: @adopt (@data) runs once on @context, and counts
 * as adopted when it returns. What this thread wrote to @data before is
 * visible to @adopt (to TSan too). */
void stress_hand_over (StressHandovers *handovers,
                       GMainContext    *context,
                       StressAdoptFunc  adopt,
                       gpointer         data);

/* On the test's thread: there are no more to come. */
void stress_handovers_close (StressHandovers *handovers);

/* On the consumer's thread: closed, and every one handed over adopted. */
gboolean stress_handovers_done (StressHandovers *handovers);

/* === receivers churned on the consumer's context ===
 *
 * test-broadcast-churn and test-watch-stress consume receivers of their
 * kind in one of three ways and drop some mid-flight. What does not depend
 * on the kind is here: the handles, the receive in flight, how a receiver
 * is dropped, and what the end of the round checks. Each program's
 * receiver struct starts with one of these, "base". */

typedef struct
{
  gpointer      rx;            /* the program's kind of receiver; NULL once released */
  GcsStream    *stream;        /* the stream kind's stream over it */
  GCancellable *cancellable;   /* cancelled when it is dropped */
  GSource      *poll_source;   /* the polling kind's timeout */
  gboolean      pending;       /* a receive or for_each in flight */
  gboolean      ended;         /* it saw the end of the channel */
  gboolean      dropped;       /* let go of mid-flight */
} StressRx;

/* Stops the polling and lets go of the receiver and its stream. */
void stress_rx_release (StressRx *r);

/* Lets go of it mid-flight, cancelling what is in flight. */
void stress_rx_drop (StressRx *r);

/* It has ended or was dropped, and nothing is in flight. */
gboolean stress_rx_settled (const StressRx *r);

/* A receive of @r completed with @error (NULL if none): FALSE if the result
 * is to be ignored because @r was dropped meanwhile. Only a drop cancels,
 * so a CANCELLED of a receiver not dropped fails the test; any other error
 * is the program's to check. */
gboolean stress_rx_receive_done (StressRx     *r,
                                 const GError *error);

/* The for_each over @r's stream completed: TRUE if the stream ended
 * cleanly (the program then checks the end), FALSE if @r had been dropped
 * (the for_each then completed normally or CANCELLED). */
gboolean stress_rx_for_each_done (StressRx     *r,
                                  GObject      *stream,
                                  GAsyncResult *result);

/* At the end of the round: @r settled and let go of everything; its
 * cancellable is freed. */
void stress_rx_check_released (StressRx *r);

/* === numbering values in a channel's order === */

/* Producers that take the next number and send it under one lock put the
 * numbers into the channel in the order of the numbers. A GRecMutex: TSan
 * sees it (Debian's GMutex is invisible to it). */
typedef struct
{
  GRecMutex lock;
  gint64    counter;   /* numbers taken so far; under lock */
} StressOrder;

/* Takes the lock and returns the counter. */
gint64 stress_order_lock (StressOrder *order);

/* Counts a number as taken if @taken, and lets go of the lock. */
void stress_order_unlock (StressOrder *order,
                          gboolean     taken);

/* === objects finalized === */

/* Counts @object as watched now and as finalized when it goes. */
void stress_watch_object (gpointer object);

typedef struct
{
  gint finalized, watched;
} StressMark;

/* The counts now, to compare with at the end of a round. */
StressMark stress_mark (void);

/* Objects finalized / watched since @mark. */
gint stress_finalized_since (const StressMark *mark);
gint stress_watched_since (const StressMark *mark);

/* === broadcast === */

/* The count of values a LAGGED error says were missed. */
guint64 stress_missed_from_error (const GError *error);
