/* gcs-stream-lines.c: gcs_stream_from_input_stream_lines
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reads with g_input_stream_read_bytes_async() on the driver's context,
 * one read at a time, and splits lines itself: GDataInputStream's newline
 * types either keep the CR of a CRLF or also break at a lone CR. The read
 * in flight holds a reference to the Reader, not to the stream: a stream
 * released mid-read cancels it, and the Reader goes when the cancelled
 * read reports back.
 */

#include "config.h"

#include <string.h>

#include "gcs-lock-private.h"
#include "gcs-stream-events.h"
#include "gcs-stream-private.h"

#define READ_SIZE 16384

typedef struct
{
  gint          ref_count;   /* gcs_ref_*() */
  GInputStream *input;
  GCancellable *cancellable;
  GByteArray   *buffer;
  gsize         start;       /* of the unread part of buffer */
  gsize         scanned;     /* from start: bytes known to hold no LF */
  guint64       line_number; /* of the next line, from 1 */
  GcsWaker     *waker;       /* to wake when the read completes */
  gboolean      reading;
  gboolean      eof;
  GError       *error;       /* of the last read */
} Reader;

static Reader *
reader_ref (Reader *self)
{
  gcs_ref_inc (&self->ref_count);
  return self;
}

static void
reader_unref (Reader *self)
{
  if (!gcs_ref_dec (&self->ref_count))
    return;
  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_byte_array_unref (self->buffer);
  g_clear_pointer (&self->waker, gcs_waker_unref);
  g_clear_error (&self->error);
  g_free (self);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Reader *self = data;
  GError *error = NULL;
  GBytes *bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  self->reading = FALSE;
  if (bytes == NULL)
    self->error = error;
  else if (g_bytes_get_size (bytes) == 0)
    self->eof = TRUE;
  else
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (bytes, &size);

      /* Drop what was handed out before adding more. */
      if (self->start > 0)
        {
          g_byte_array_remove_range (self->buffer, 0, self->start);
          self->start = 0;
        }
      g_byte_array_append (self->buffer, data, size);
    }
  g_clear_pointer (&bytes, g_bytes_unref);
  if (self->waker != NULL)
    gcs_waker_wake (self->waker);
  reader_unref (self);
}

static void
reader_start_read (Reader   *self,
                   GcsWaker *waker)
{
  GMainContext *context = gcs_waker_get_context (waker);

  self->reading = TRUE;
  /* The callback runs on the thread-default context of the caller: make
   * it the driver's (it is already, unless the driver runs on a context
   * that is not this thread's default). */
  if (context != NULL)
    g_main_context_push_thread_default (context);
  g_input_stream_read_bytes_async (self->input, READ_SIZE, G_PRIORITY_DEFAULT,
                                   self->cancellable, read_cb, reader_ref (self));
  if (context != NULL)
    g_main_context_pop_thread_default (context);
}

/* Sets @item to the line in [from, from+len), or fails on invalid UTF-8. */
static gboolean
reader_take_line (Reader   *self,
                  gsize     from,
                  gsize     len,
                  GValue   *item,
                  GError  **error)
{
  const char *line = (const char *) self->buffer->data + from;
  guint64 number = self->line_number++;

  /* g_utf8_validate_len() also refuses NUL, which no string can hold. */
  if (!g_utf8_validate_len (line, len, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Line %" G_GUINT64_FORMAT " of the input stream is not valid UTF-8", number);
      return FALSE;
    }
  g_value_init (item, G_TYPE_STRING);
  g_value_take_string (item, g_strndup (line, len));
  return TRUE;
}

typedef struct
{
  Reader *reader;
} Lines;

static GcsPoll
lines_poll (GcsAdapter  *self,
            GcsWaker    *waker,
            GValue      *item,
            GError     **error)
{
  Reader *r = ((Lines *) self->state)->reader;
  gsize available = r->buffer->len - r->start;
  gsize from = r->start;
  gsize len;

  if (r->waker != waker)
    {
      g_clear_pointer (&r->waker, gcs_waker_unref);
      r->waker = gcs_waker_ref (waker);
    }

  if (G_UNLIKELY (!gcs_waker_charge_inline (waker)))
    return gcs_waker_yield (waker);
  if (available > r->scanned)
    {
      const guint8 *data = r->buffer->data + r->start;
      const guint8 *newline = memchr (data + r->scanned, '\n', available - r->scanned);

      if (newline != NULL)
        {
          len = newline - data;
          r->start += len + 1;
          r->scanned = 0;
          if (len > 0 && data[len - 1] == '\r')
            len--;
          return reader_take_line (r, from, len, item, error) ? GCS_POLL_READY : GCS_POLL_ERROR;
        }
      r->scanned = available;
    }

  if (r->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&r->error));
      return GCS_POLL_ERROR;
    }
  if (!r->eof)
    {
      if (!r->reading)
        reader_start_read (r, waker);
      /* It completes on a later iteration, never within the call. */
      return GCS_POLL_PENDING;
    }

  /* The end: a last line without a newline, then done. (A lone CR is
   * part of a line, at the end as anywhere else.) */
  if (available == 0)
    return GCS_POLL_DONE;
  r->start += available;
  r->scanned = 0;
  return reader_take_line (r, from, available, item, error) ? GCS_POLL_READY : GCS_POLL_ERROR;
}

static void
lines_clear (GcsAdapter *self)
{
  Lines *lines = self->state;
  Reader *r = g_steal_pointer (&lines->reader);

  if (r == NULL)
    return;
  /* A read in flight holds its own reference and reports back, cancelled,
   * on the driver's context; the Reader goes then. (Cancelling is
   * thread-safe; the stream may be finalized on any thread.) */
  g_cancellable_cancel (r->cancellable);
  reader_unref (r);
}

static const GcsAdapterOps lines_ops = { "from_input_stream_lines", lines_poll, lines_clear };

/**
 * gcs_stream_from_input_stream_lines:
 * @stream: a #GInputStream: a file's, a socket's, a #GSubprocess's stdout
 *
 * The lines of @stream as UTF-8 strings, read asynchronously on the
 * consuming context: each without its line ending (LF, or CRLF), the last
 * one included even without a newline. Nothing is read before the stream
 * is consumed, and no more than the consumer asks for (a read of 16 KiB at
 * a time). A line that is not valid UTF-8 ends the stream with
 * %G_IO_ERROR_INVALID_DATA, whose message gives its line number; a read
 * error ends it with that error.
 *
 * @stream is read, not closed; its own pending flag is set during each
 * read, so use it for nothing else meanwhile. Releasing the stream
 * cancels a read in flight.
 *
 * Returns: (transfer full): a new #GcsStream
 */
GcsStream *
gcs_stream_from_input_stream_lines (GInputStream *stream)
{
  GcsAdapter *adapter;
  Reader *r;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  adapter = gcs_adapter_new (&lines_ops, NULL, sizeof (Lines));
  r = g_new0 (Reader, 1);
  gcs_ref_init (&r->ref_count);
  r->input = g_object_ref (stream);
  r->cancellable = g_cancellable_new ();
  r->buffer = g_byte_array_new ();
  r->line_number = 1;
  ((Lines *) adapter->state)->reader = r;
  return GCS_STREAM (adapter);
}
