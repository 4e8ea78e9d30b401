/* stream-test-util.c: what the stream test programs share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See stream-test-util.h. Compiled once, as a static library, without
 * the library itself: the programs link either the shared library or its
 * objects.
 */

#include "stream-test-util.h"

G_DEFINE_QUARK (test-error-quark, test_error)

/* === the fixture === */

guint source_polls_after_end;

static gboolean
heartbeat_cb (gpointer data)
{
  /* Only there so that a blocking iteration returns now and then. */
  return G_SOURCE_CONTINUE;
}

void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->heartbeat = g_timeout_source_new (50);
  g_source_set_callback (f->heartbeat, heartbeat_cb, NULL, NULL);
  g_source_attach (f->heartbeat, f->context);
  source_polls_after_end = 0;
}

void
drain (void)
{
  GMainContext *context = g_main_context_get_thread_default ();

  for (guint i = 0; i < 100000 && g_main_context_iteration (context, FALSE); i++)
    ;
}

void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  drain ();
  g_assert_cmpuint (source_polls_after_end, ==, 0);
  g_source_destroy (f->heartbeat);
  g_source_unref (f->heartbeat);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* === values === */

/* [from, to) */
GcsStream *
range_stream (gint64 from,
              gint64 to)
{
  g_autofree gint64 *v = g_new (gint64, MAX (to - from, 1));

  for (gint64 i = from; i < to; i++)
    v[i - from] = i;
  return ints_stream (v, (guint) (to - from));
}

GcsStream *
strings_stream (const char * const *strings)
{
  return values_stream (G_TYPE_STRING, strings, g_strv_length ((char **) strings));
}

void
send_int (GcsSender *tx,
          gint64     v)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  set_int64 (&value, v);
  g_assert_true (gcs_sender_try_send (tx, &value, &error));
  g_assert_no_error (error);
}

/* Whether a send fails because the receiving stream was released. */
gboolean
send_is_refused (GcsSender *tx)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  gboolean sent;

  g_value_init (&value, G_TYPE_INT64);
  sent = gcs_sender_try_send (tx, &value, &error);
  if (!sent)
    g_assert_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED);
  return !sent;
}

/* === TestSource === */

static void test_source_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSource, test_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, test_source_stream_init))

static void
test_source_finalize (GObject *object)
{
  TestSource *self = TEST_SOURCE (object);

  g_array_unref (self->values);
  g_clear_pointer (&self->waker, gcs_waker_unref);
  G_OBJECT_CLASS (test_source_parent_class)->finalize (object);
}

static void
test_source_class_init (TestSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_source_finalize;
}

static void
test_source_init (TestSource *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static GcsPoll
test_source_poll_next (GcsStream  *stream,
                       GcsWaker   *waker,
                       GValue     *item,
                       GError    **error)
{
  TestSource *self = TEST_SOURCE (stream);

  g_assert_false (G_IS_VALUE (item));
  self->polls++;
  if (self->ended)
    {
      source_polls_after_end++;
      return GCS_POLL_DONE;
    }
  if (self->next < self->values->len)
    {
      set_int64 (item, g_array_index (self->values, gint64, self->next++));
      return GCS_POLL_READY;
    }
  switch (self->end)
    {
    case END_DONE:
      self->ended = TRUE;
      return GCS_POLL_DONE;
    case END_ERROR:
      self->ended = TRUE;
      g_set_error_literal (error, TEST_ERROR, TEST_ERROR_UPSTREAM, "upstream failed");
      return GCS_POLL_ERROR;
    case END_PENDING:
    default:
      if (self->waker != waker)
        {
          g_clear_pointer (&self->waker, gcs_waker_unref);
          self->waker = gcs_waker_ref (waker);
        }
      return GCS_POLL_PENDING;
    }
}

static void
test_source_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = test_source_poll_next;
}

GcsStream *
test_source_new (const gint64 *values,
                 guint         n,
                 EndMode       end)
{
  TestSource *self = g_object_new (TEST_TYPE_SOURCE, NULL);

  g_array_append_vals (self->values, values, n);
  self->end = end;
  return GCS_STREAM (self);
}

/* [from, to) then @end */
GcsStream *
test_source_range (gint64  from,
                   gint64  to,
                   EndMode end)
{
  g_autofree gint64 *v = g_new (gint64, MAX (to - from, 1));

  for (gint64 i = from; i < to; i++)
    v[i - from] = i;
  return test_source_new (v, (guint) (to - from), end);
}

/* === Probe === */

void
probe_destroy (gpointer data)
{
  ((Probe *) data)->destroyed++;
}

void
probe_clear (Probe *p)
{
  g_clear_error (&p->caught);
}

/* Counts the call; FALSE with @error set when this call is to fail. */
gboolean
probe_enter (Probe   *p,
             GError **error)
{
  if (p->failed)
    p->calls_after_fail++;
  p->calls++;
  if (p->fail_at != 0 && p->calls == p->fail_at)
    {
      p->failed = TRUE;
      g_set_error (error, TEST_ERROR, TEST_ERROR_CALLBACK, "callback failed at call %u", p->calls);
      return FALSE;
    }
  return TRUE;
}

void
assert_callback_error (const GError *error,
                       guint         call)
{
  g_autofree char *message = g_strdup_printf ("callback failed at call %u", call);

  g_assert_error (error, TEST_ERROR, TEST_ERROR_CALLBACK);
  g_assert_cmpstr (error->message, ==, message);
}

/* map: x * a + b */
void
map_affine (const GValue  *item,
            GValue        *result,
            gpointer       data,
            GError       **error)
{
  Probe *p = data;

  if (!probe_enter (p, error))
    return;
  set_int64 (result, get_int64 (item) * p->a + p->b);
}

/* filter: odd */
gboolean
pred_odd (const GValue  *item,
          gpointer       data,
          GError       **error)
{
  if (!probe_enter (data, error))
    return FALSE;
  return get_int64 (item) % 2 != 0;
}

/* filter / take_while / skip_while: x < a */
gboolean
pred_less (const GValue  *item,
           gpointer       data,
           GError       **error)
{
  Probe *p = data;

  if (!probe_enter (p, error))
    return FALSE;
  return get_int64 (item) < p->a;
}

/* filter_map: odd x -> x * 10, even x -> nothing */
void
filter_map_odd (const GValue  *item,
                GValue        *result,
                gpointer       data,
                GError       **error)
{
  gint64 x = get_int64 (item);

  if (!probe_enter (data, error))
    return;
  if (x % 2 != 0)
    set_int64 (result, x * 10);
}

/* inspect */
void
visit_probe (const GValue  *item,
             gpointer       data,
             GError       **error)
{
  probe_enter (data, error);
}

/* scan / fold: the sum */
void
fold_sum (const GValue  *acc,
          const GValue  *item,
          GValue        *result,
          gpointer       data,
          GError       **error)
{
  if (!probe_enter (data, error))
    return;
  set_int64 (result, get_int64 (acc) + get_int64 (item));
}

void
probe_track_inner (Probe     *p,
                   GcsStream *inner)
{
  p->inner_made++;
  g_object_weak_ref (G_OBJECT (inner), count_weak_notify, &p->inner_freed);
}

/* flat_map: x -> [x * 10, x * 10 + 1] */
GcsStream *
flat_pair (const GValue  *item,
           gpointer       data,
           GError       **error)
{
  Probe *p = data;
  gint64 x = get_int64 (item);
  GcsStream *inner;

  if (!probe_enter (p, error))
    return NULL;
  inner = INTS (x * 10, x * 10 + 1);
  probe_track_inner (p, inner);
  return inner;
}

/* flat_map: x -> [x] then pending for ever */
GcsStream *
flat_pending (const GValue  *item,
              gpointer       data,
              GError       **error)
{
  Probe *p = data;
  gint64 x = get_int64 (item);
  GcsStream *inner;

  if (!probe_enter (p, error))
    return NULL;
  inner = test_source_new (&x, 1, END_PENDING);
  probe_track_inner (p, inner);
  return inner;
}

/* catch_error: the error -> [100, 101] */
GcsStream *
catch_replace (const GError  *error,
               gpointer       data,
               GError       **new_error)
{
  Probe *p = data;
  GcsStream *replacement;

  g_assert_nonnull (error);
  g_assert_null (p->caught);
  p->caught = g_error_copy (error);
  if (!probe_enter (p, new_error))
    return NULL;
  replacement = INTS (100, 101);
  probe_track_inner (p, replacement);
  return replacement;
}

/* A callback failing at its @fail_at-th call: for_each saw @expect, the
 * stream failed with that very error, and nothing ran after it. */
void
check_callback_failure (GcsStream  *stream,
                        Probe      *p,
                        const char *expect)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = for_each_str (stream, NULL, &error);

  g_assert_cmpstr (got, ==, expect);
  assert_callback_error (error, p->fail_at);
  g_assert_cmpuint (p->calls, ==, p->fail_at);
  g_assert_cmpuint (p->calls_after_fail, ==, 0);
}

/* === terminal operations, run to completion === */

void
visit_record (const GValue  *item,
              gpointer       data,
              GError       **error)
{
  Visit *v = data;

  if (v->failed)
    v->calls_after_fail++;
  if (v->n++ > 0)
    g_string_append (v->items, ", ");
  append_value (v->items, item);
  if (v->fail_at != 0 && v->n == v->fail_at)
    {
      v->failed = TRUE;
      g_set_error (error, TEST_ERROR, TEST_ERROR_CALLBACK, "for_each failed at %u", v->n);
    }
}

void
visit_destroy (gpointer data)
{
  ((Visit *) data)->destroyed++;
}

/* The items for_each saw, as text, whether it failed or not. */
char *
for_each_str (GcsStream     *stream,
              GCancellable  *cancellable,
              GError       **error)
{
  Visit v = { g_string_new ("["), 0, 0, FALSE, 0, 0 };
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  gcs_stream_for_each_async (stream, visit_record, &v, visit_destroy, cancellable, wait_cb, &wait);
  result = wait_for (&wait);
  ok = gcs_stream_for_each_finish (stream, result, &local_error);
  g_assert_true (ok == (local_error == NULL));
  g_clear_object (&result);
  drain ();
  g_assert_cmpuint (v.destroyed, ==, 1);
  g_assert_cmpuint (v.calls_after_fail, ==, 0);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  g_string_append_c (v.items, ']');
  return g_string_free (v.items, FALSE);
}

/* The collected list as text, NULL on error. */
char *
collect_str (GcsStream     *stream,
             GCancellable  *cancellable,
             GError       **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  const GValue *list;

  gcs_stream_collect_async (stream, cancellable, wait_cb, &wait);
  result = wait_for (&wait);
  list = gcs_stream_collect_finish (stream, result, error);
  if (list == NULL)
    return NULL;
  g_assert_true (G_VALUE_HOLDS (list, G_TYPE_VALUE_ARRAY));
  return format_value (list);
}

/* Collects a stream that must end normally. */
char *
collect_ok (GcsStream *stream)
{
  g_autoptr(GError) error = NULL;
  char *s = collect_str (stream, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

/* The next item as text, "NULL" at the end; with @error on failure. */
char *
next_str (GcsStream     *stream,
          GCancellable  *cancellable,
          GError       **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  const GValue *item;

  gcs_stream_next_async (stream, cancellable, wait_cb, &wait);
  result = wait_for (&wait);
  item = gcs_stream_next_finish (stream, result, error);
  return format_value (item);
}

char *
next_ok (GcsStream *stream)
{
  g_autoptr(GError) error = NULL;
  char *s = next_str (stream, NULL, &error);

  g_assert_no_error (error);
  return s;
}

/* Sorts a "[a, b, c]" list of integers: for unordered outputs. */
static gint
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

char *
sorted_ints (const char *list)
{
  g_autoptr(GArray) v = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(GStrv) parts = NULL;
  g_autofree char *inner = NULL;
  GString *s = g_string_new ("[");
  gsize len = strlen (list);

  g_assert_true (len >= 2 && list[0] == '[' && list[len - 1] == ']');
  inner = g_strndup (list + 1, len - 2);
  parts = g_strsplit (inner, ", ", -1);
  for (guint i = 0; parts[i] != NULL && parts[i][0] != '\0'; i++)
    {
      gint64 x = g_ascii_strtoll (parts[i], NULL, 10);

      g_array_append_val (v, x);
    }
  g_array_sort (v, compare_int64);
  for (guint i = 0; i < v->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", g_array_index (v, gint64, i));
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

gboolean
has_subsequence (const char *list,
                 const char *sub)
{
  /* The items of @sub appear in @list in that order. */
  g_autofree char *li = g_strndup (list + 1, strlen (list) - 2);
  g_autofree char *si = g_strndup (sub + 1, strlen (sub) - 2);
  g_auto(GStrv) l = g_strsplit (li, ", ", -1);
  g_auto(GStrv) s = g_strsplit (si, ", ", -1);
  guint j = 0;

  for (guint i = 0; l[i] != NULL && s[j] != NULL; i++)
    if (g_str_equal (l[i], s[j]))
      j++;
  return s[j] == NULL;
}

void
running_start (Running      *r,
               GcsStream    *stream,
               GCancellable *cancellable)
{
  r->visit.items = g_string_new ("[");
  r->stream = g_object_ref (stream);
  gcs_stream_for_each_async (stream, visit_record, &r->visit, visit_destroy,
                             cancellable, wait_cb, &r->wait);
}

/* What was seen so far, as a list */
char *
running_seen (Running *r)
{
  return g_strdup_printf ("%s]", r->visit.items->str);
}

gboolean
running_done (Running *r)
{
  return r->wait.result != NULL;
}

char *
running_finish (Running  *r,
                GError  **error)
{
  g_autoptr(GAsyncResult) result = wait_for (&r->wait);
  g_autoptr(GError) local_error = NULL;
  gboolean ok = gcs_stream_for_each_finish (r->stream, result, &local_error);

  g_assert_true (ok == (local_error == NULL));
  g_clear_object (&result);
  g_clear_object (&r->stream);
  drain ();
  g_assert_cmpuint (r->visit.destroyed, ==, 1);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  g_string_append_c (r->visit.items, ']');
  return g_string_free (g_steal_pointer (&r->visit.items), FALSE);
}

void
run_fold (GcsStream     *stream,
          gint64         init,
          Probe         *p,
          gint64        *out,
          GError       **error)
{
  g_auto(GValue) init_value = G_VALUE_INIT;
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { NULL };
  const GValue *value;

  set_int64 (&init_value, init);
  gcs_stream_fold_async (stream, &init_value, fold_sum, p, probe_destroy, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  value = gcs_stream_fold_finish (stream, result, error);
  if (value != NULL)
    *out = get_int64 (value);
  g_clear_object (&result);
  drain ();
  g_assert_cmpuint (p->destroyed, ==, 1);
}

/* === the event tests: for_each into a list of texts === */

static void
collector_item (const GValue  *item,
                gpointer       data,
                GError       **error)
{
  Collector *c = data;
  GString *s = g_string_new (NULL);

  g_assert_false (c->done);
  append_value_tuple (s, item);
  g_ptr_array_add (c->items, g_string_free (s, FALSE));
}

static void
collector_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Collector *c = data;

  g_assert_false (c->done);
  gcs_stream_for_each_finish (GCS_STREAM (source), result, &c->error);
  c->done = TRUE;
}

/* Consumes @stream (transfer full). */
Collector *
collector_new (GcsStream *stream)
{
  Collector *c = g_new0 (Collector, 1);

  g_assert_nonnull (stream);
  c->items = g_ptr_array_new_with_free_func (g_free);
  c->cancellable = g_cancellable_new ();
  gcs_stream_for_each_async (stream, collector_item, c, NULL, c->cancellable, collector_done, c);
  g_object_unref (stream);
  return c;
}

void
collector_free (Collector *c)
{
  g_assert_true (c->done);
  g_ptr_array_unref (c->items);
  g_object_unref (c->cancellable);
  g_clear_error (&c->error);
  g_free (c);
}

char *
collector_text (Collector *c)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < c->items->len; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, g_ptr_array_index (c->items, i));
    }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

Chan
chan_new (GType type)
{
  Chan chan;
  GcsReceiver *rx = NULL;

  gcs_channel_new_unbounded (type, &chan.tx, &rx);
  chan.stream = gcs_receiver_stream_new (rx);
  g_object_unref (rx);
  return chan;
}
