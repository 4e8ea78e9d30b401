/* stream-test-util.h: what the stream test programs share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The test-stream-*.c programs, one per family of the library's stream
 * files (gcs-stream-map.c, -take.c, -combine.c, ...), link this static
 * library (and test-util, which it builds on: waiting, values as text,
 * streams of ints): the fixture, TestSource (a stream the tests control), the
 * Probe callbacks of the combinators, the terminal operations run to
 * completion, the checks every combinator gets (/stream/NAME/empty,
 * upstream-error, early-end, cancel) and the Collector of the event tests.
 * The manual clock, which only programs linked with the library's objects
 * can use, is in stream-clock-util.h.
 *
 * Every test runs on its own GMainContext, pushed as the thread-default
 * one, so that what a test leaves attached is destroyed with it. Results
 * are compared as text: a list of int64 items reads "[1, 2, 3]", a
 * sequence item (chunks, zip) "[1, 2]", a string "\"a\""; the Collector
 * writes a sequence item as a tuple, "(1, \"x\", 2.5)".
 */

#pragma once

#include <string.h>

#include "test-util.h"

G_BEGIN_DECLS

/* === errors the tests make === */

#define TEST_ERROR (test_error_quark ())
GQuark test_error_quark (void);

enum
{
  TEST_ERROR_CALLBACK = 42,   /* a callback failed */
  TEST_ERROR_UPSTREAM = 7,    /* a TestSource failed */
};

/* === the fixture: a fresh thread-default context per test === */

typedef struct
{
  GMainContext *context;
  GSource      *heartbeat;   /* fixture_setup: a 50 ms timeout, so that blocking iterations return */
  gboolean      manual;      /* clock_fixture_setup: the manual clock is on */
} Fixture;

/* Polls after the end, by any TestSource: the poll protocol forbids them.
 * fixture_teardown() asserts there were none. */
extern guint source_polls_after_end;

void fixture_setup    (Fixture       *f,
                       gconstpointer  data);
void fixture_teardown (Fixture       *f,
                       gconstpointer  data);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

/* Runs what is ready on the thread-default context, without blocking. */
void drain (void);

/* Combinators take their upstream transfer none; for an upstream made on
 * the spot: calls @call on it and drops it. */
#define OWNED(call, upstream, ...)                                  \
  ({                                                                \
    GcsStream *_up = (upstream);                                    \
    GcsStream *_made = call (_up, __VA_ARGS__);                     \
    g_object_unref (_up);                                           \
    _made;                                                          \
  })

/* === values and channels === */

/* [from, to) */
GcsStream *range_stream   (gint64               from,
                           gint64               to);
GcsStream *strings_stream (const char * const  *strings);

void     send_int        (GcsSender  *tx,
                          gint64      v);
/* Whether a send fails because the receiving stream was released. */
gboolean send_is_refused (GcsSender  *tx);

/* === TestSource: a stream the tests control ===
 *
 * Hands out its int64 values, then ends as told: DONE, ERROR (TEST_ERROR,
 * TEST_ERROR_UPSTREAM), or PENDING for ever (until the test drops it).
 * A poll after the end is counted in source_polls_after_end. */

typedef enum
{
  END_DONE,
  END_ERROR,
  END_PENDING,
} EndMode;

#define TEST_TYPE_SOURCE (test_source_get_type ())
G_DECLARE_FINAL_TYPE (TestSource, test_source, TEST, SOURCE, GObject)

struct _TestSource
{
  GObject   parent_instance;
  GArray   *values;
  guint     next;
  EndMode   end;
  gboolean  ended;
  guint     polls;
  GcsWaker *waker;
};

GcsStream *test_source_new   (const gint64 *values,
                              guint         n,
                              EndMode       end);
/* [from, to) then @end */
GcsStream *test_source_range (gint64        from,
                              gint64        to,
                              EndMode       end);

/* === Probe: the user_data of the combinators' callbacks ===
 *
 * Counts calls, fails at the fail_at-th call, counts calls after a
 * failure (there must be none) and destroy notifications. */

typedef struct
{
  guint    calls;
  guint    fail_at;        /* 1-based; 0: never */
  gboolean failed;
  guint    calls_after_fail;
  guint    destroyed;
  gint64   a, b;           /* parameters of the callback */
  guint    inner_made;     /* flat_map: inner streams made, */
  guint    inner_freed;    /* and finalized */
  GError  *caught;         /* catch_error: the error it was given */
} Probe;

void     probe_destroy         (gpointer      data);
void     probe_clear           (Probe        *p);
/* Counts the call; FALSE with @error set when this call is to fail. */
gboolean probe_enter           (Probe        *p,
                                GError      **error);
/* Counts @inner as made, and as freed when it is finalized. */
void     probe_track_inner     (Probe        *p,
                                GcsStream    *inner);
void     assert_callback_error (const GError *error,
                                guint         call);

/* map: x * a + b */
void       map_affine     (const GValue *item, GValue *result, gpointer data, GError **error);
/* filter: odd */
gboolean   pred_odd       (const GValue *item, gpointer data, GError **error);
/* filter / take_while / skip_while: x < a */
gboolean   pred_less      (const GValue *item, gpointer data, GError **error);
/* filter_map: odd x -> x * 10, even x -> nothing */
void       filter_map_odd (const GValue *item, GValue *result, gpointer data, GError **error);
/* inspect */
void       visit_probe    (const GValue *item, gpointer data, GError **error);
/* scan / fold: the sum */
void       fold_sum       (const GValue *acc, const GValue *item, GValue *result,
                           gpointer data, GError **error);
/* flat_map: x -> [x * 10, x * 10 + 1] */
GcsStream *flat_pair      (const GValue *item, gpointer data, GError **error);
/* flat_map: x -> [x] then pending for ever */
GcsStream *flat_pending   (const GValue *item, gpointer data, GError **error);
/* catch_error: the error -> [100, 101] */
GcsStream *catch_replace  (const GError *error, gpointer data, GError **new_error);

/* A callback failing at its @fail_at-th call: for_each saw @expect, the
 * stream failed with that very error, and nothing ran after it. */
void check_callback_failure (GcsStream  *stream,
                             Probe      *p,
                             const char *expect);

/* === terminal operations, run to completion === */

typedef struct
{
  GString *items;
  guint    n;
  guint    fail_at;
  gboolean failed;
  guint    calls_after_fail;
  guint    destroyed;
} Visit;

/* for_each: records the item in the Visit at @data; fails at fail_at. */
void  visit_record  (const GValue  *item,
                     gpointer       data,
                     GError       **error);
void  visit_destroy (gpointer       data);

/* The items for_each saw, as text, whether it failed or not. */
char *for_each_str (GcsStream     *stream,
                    GCancellable  *cancellable,
                    GError       **error);
/* The collected list as text, NULL on error. */
char *collect_str  (GcsStream     *stream,
                    GCancellable  *cancellable,
                    GError       **error);
/* Collects a stream that must end normally. */
char *collect_ok   (GcsStream     *stream);
/* The next item as text, "NULL" at the end; with @error on failure. */
char *next_str     (GcsStream     *stream,
                    GCancellable  *cancellable,
                    GError       **error);
char *next_ok      (GcsStream     *stream);

/* fold with fold_sum from @init: the sum in @out, unless it failed. */
void  run_fold     (GcsStream     *stream,
                    gint64         init,
                    Probe         *p,
                    gint64        *out,
                    GError       **error);

/* Sorts a "[a, b, c]" list of integers: for unordered outputs. */
char     *sorted_ints     (const char *list);
/* The items of @sub appear in @list in that order. */
gboolean  has_subsequence (const char *list,
                           const char *sub);

/* A for_each that the test watches while it runs */
typedef struct
{
  Visit         visit;
  Wait          wait;
  GcsStream    *stream;
} Running;

void      running_start  (Running       *r,
                          GcsStream     *stream,
                          GCancellable  *cancellable);
/* What was seen so far, as a list */
char     *running_seen   (Running       *r);
gboolean  running_done   (Running       *r);
char     *running_finish (Running       *r,
                          GError       **error);

/* === the same checks for every combinator ===
 *
 * Adds /stream/@name/empty, /upstream-error, /early-end and /cancel for
 * the combinator @name of the table in stream-test-combinators.c. */
typedef struct _Combinator Combinator;

void              add_combinator_tests (const char *name);
const Combinator *find_combinator      (const char *name);
/* A callback that cancels mid-stream: no item after the cancellation
 * (data: a Combinator). */
void              test_combinator_cancel_in_callback (Fixture       *f,
                                                      gconstpointer  data);

/* === the event tests: for_each into a list of texts === */

typedef struct
{
  GPtrArray    *items;
  GCancellable *cancellable;
  gboolean      done;
  GError       *error;
} Collector;

/* Consumes @stream (transfer full). */
Collector *collector_new  (GcsStream *stream);
void       collector_free (Collector *c);
/* "[a, b]", sequence items as tuples */
char      *collector_text (Collector *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collector, collector_free)

#define assert_items(c, expected)                        \
  G_STMT_START {                                         \
    g_autofree char *_text = collector_text (c);         \
    g_assert_cmpstr (_text, ==, (expected));             \
  } G_STMT_END

#define assert_ended_ok(c)                               \
  G_STMT_START {                                         \
    g_assert_true ((c)->done);                           \
    g_assert_no_error ((c)->error);                      \
  } G_STMT_END

/* A channel and a ReceiverStream over it */
typedef struct
{
  GcsSender *tx;
  GcsStream *stream;   /* a ReceiverStream */
} Chan;

Chan chan_new (GType type);

G_END_DECLS
