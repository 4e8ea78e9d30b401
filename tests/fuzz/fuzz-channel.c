/* fuzz-channel.c: libFuzzer target driving an mpsc channel from fuzz input
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is a channel configuration, then a list of operations on up to
 * 8 sender handles and the receiver. Every result is checked against a
 * model: a FIFO, a capacity, an overflow policy, open/closed flags. Any
 * difference aborts, as does any sanitizer report.
 */

#include <string.h>

#include <gchanstream/gchanstream.h>

#define MAX_HANDLES 8
#define MODEL_MAX 4096

typedef struct
{
  gint64   items[MODEL_MAX];
  guint    head, len;
  guint    capacity;           /* 0: unbounded */
  GcsOverflow overflow;
  gboolean handle_open[MAX_HANDLES];
  gboolean handle_exists[MAX_HANDLES];
  guint    n_open;
  gboolean rx_closed;
  guint64  dropped;
} Model;

static void
model_push (Model *m, gint64 v)
{
  m->items[(m->head + m->len++) % MODEL_MAX] = v;
}

static gint64
model_pop (Model *m)
{
  gint64 v = m->items[m->head];

  m->head = (m->head + 1) % MODEL_MAX;
  m->len--;
  return v;
}

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    g_error ("model mismatch: %s", what);
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  GcsSender *handles[MAX_HANDLES] = { NULL };
  GcsReceiver *rx = NULL;
  Model *m;
  gint64 next_value = 0;

  if (size < 2)
    return 0;

  m = g_new0 (Model, 1);
  m->capacity = data[0] % 17;               /* 0 = unbounded */
  m->overflow = m->capacity ? data[1] % 3 : GCS_OVERFLOW_BLOCK;
  if (m->capacity == 0)
    gcs_channel_new_unbounded (G_TYPE_INT64, &handles[0], &rx);
  else
    gcs_channel_new_full (G_TYPE_INT64, m->capacity, m->overflow, &handles[0], &rx);
  m->handle_exists[0] = m->handle_open[0] = TRUE;
  m->n_open = 1;

  for (size_t i = 2; i < size; i++)
    {
      guint op = data[i] & 7;
      guint k = (data[i] >> 3) % MAX_HANDLES;
      g_autoptr(GError) error = NULL;

      switch (op)
        {
        case 0:   /* try_send on handle k */
        case 1:
          if (!m->handle_exists[k])
            break;
          {
            g_auto(GValue) value = G_VALUE_INIT;
            gboolean ok;
            gint64 v = next_value++;

            g_value_init (&value, G_TYPE_INT64);
            g_value_set_int64 (&value, v);
            ok = gcs_sender_try_send (handles[k], &value, &error);
            if (!m->handle_open[k] || m->rx_closed)
              check (!ok && g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED), "send: CLOSED");
            else if (m->capacity && m->len >= m->capacity && m->overflow == GCS_OVERFLOW_BLOCK)
              check (!ok && g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL), "send: FULL");
            else
              {
                check (ok, "send: queued");
                if (m->capacity && m->len >= m->capacity)
                  {
                    m->dropped++;
                    if (m->overflow == GCS_OVERFLOW_DROP_OLDEST)
                      {
                        model_pop (m);
                        model_push (m, v);
                      }
                  }
                else if (m->len < MODEL_MAX)
                  model_push (m, v);
                else
                  goto out;   /* the model is full: stop here */
              }
            /* The caller keeps its value whatever happened. */
            check (g_value_get_int64 (&value) == v, "send: value kept");
          }
          break;
        case 2:   /* try_recv */
          {
            const GValue *got = gcs_receiver_try_recv (rx, &error);

            if (m->len > 0)
              check (got != NULL && g_value_get_int64 (got) == model_pop (m), "recv: value");
            else if (m->n_open == 0 || m->rx_closed)
              check (got == NULL && g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED), "recv: CLOSED");
            else
              check (got == NULL && g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_EMPTY), "recv: EMPTY");
          }
          break;
        case 3:   /* clone handle 0..7 into the first free slot */
          for (guint j = 0; j < MAX_HANDLES; j++)
            if (m->handle_exists[k] && !m->handle_exists[j])
              {
                handles[j] = gcs_sender_clone (handles[k]);
                m->handle_exists[j] = TRUE;
                m->handle_open[j] = m->handle_open[k] && m->n_open > 0;
                m->n_open += m->handle_open[j];
                break;
              }
          break;
        case 4:   /* close handle k */
          if (m->handle_exists[k])
            {
              gcs_sender_close (handles[k]);
              m->n_open -= m->handle_open[k];
              m->handle_open[k] = FALSE;
            }
          break;
        case 5:   /* drop handle k: finalizing closes it */
          if (m->handle_exists[k])
            {
              g_clear_object (&handles[k]);
              m->n_open -= m->handle_open[k];
              m->handle_open[k] = m->handle_exists[k] = FALSE;
            }
          break;
        case 6:   /* receiver close, rarely */
          if ((data[i] >> 3) == 31)
            {
              gcs_receiver_close (rx);
              m->rx_closed = TRUE;
            }
          else
            {
              check (gcs_receiver_get_length (rx) == m->len, "length");
              check (gcs_receiver_get_dropped (rx) == m->dropped, "dropped");
            }
          break;
        case 7:   /* a value of the wrong type: TYPE, nothing queued */
          if (m->handle_exists[k] && m->handle_open[k] && !m->rx_closed)
            {
              g_auto(GValue) value = G_VALUE_INIT;

              g_value_init (&value, G_TYPE_STRING);
              g_value_set_static_string (&value, "not a number");
              check (!gcs_sender_try_send (handles[k], &value, &error) &&
                     g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE), "send: TYPE");
              check (gcs_receiver_get_length (rx) == m->len, "TYPE queued nothing");
            }
          break;
        }
      for (guint j = 0; j < MAX_HANDLES; j++)
        if (m->handle_exists[j])
          check (gcs_sender_is_closed (handles[j]) == m->rx_closed, "is_closed");
    }

out:
  for (guint j = 0; j < MAX_HANDLES; j++)
    g_clear_object (&handles[j]);
  g_clear_object (&rx);
  g_free (m);
  return 0;
}
