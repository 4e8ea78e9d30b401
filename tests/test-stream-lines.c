/* test-stream-lines.c: from_input_stream_lines
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gcs-stream-lines.c: the lines of a GInputStream (memory, a file read
 * in several chunks, a process's stdout, a pipe written bit by bit, a
 * socket), \n and \r\n endings, invalid UTF-8 and NUL as errors, and a
 * release mid-read cancelling the read. Run with the event tests'
 * fixture on the real clock (stream-clock-util.h).
 */

#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "stream-clock-util.h"

static Collector *
lines_of_bytes (const char *data,
                gssize      len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len < 0 ? strlen (data) : (gsize) len);
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_bytes (bytes);

  return collector_new (gcs_stream_from_input_stream_lines (input));
}

static void
test_lines_memory (Fixture       *f,
                   gconstpointer  data)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "", "[]" },
    { "a", "[\"a\"]" },
    { "a\n", "[\"a\"]" },
    { "a\r\n", "[\"a\"]" },
    { "\n", "[\"\"]" },
    { "\n\n", "[\"\", \"\"]" },
    { "a\nb\r\nc", "[\"a\", \"b\", \"c\"]" },
    { "a\rb\n", "[\"a\rb\"]" },
    { "é\nü\r\n€", "[\"é\", \"ü\", \"€\"]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Collector) c = lines_of_bytes (cases[i].in, -1);

      ITERATE_UNTIL (c->done);
      assert_ended_ok (c);
      assert_items (c, cases[i].out);
    }
}

static void
test_lines_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(Collector) c = NULL;
  GString *content = g_string_new ("first\r\nsecond\n\r\n");
  int fd;

  /* Long enough for several reads, with lines across read boundaries. */
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (content, "line %u%s", i, i % 2 ? "\r\n" : "\n");
  g_string_append (content, "last, no newline");
  fd = g_file_open_tmp ("gcs-lines-XXXXXX", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, content->str, content->len, &error));
  g_assert_no_error (error);
  g_string_free (content, TRUE);

  file = g_file_new_for_path (path);
  input = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  c = collector_new (gcs_stream_from_input_stream_lines (G_INPUT_STREAM (input)));
  ITERATE_UNTIL (c->done);
  assert_ended_ok (c);
  g_assert_cmpuint (c->items->len, ==, 3 + 20000 + 1);
  g_assert_cmpstr (g_ptr_array_index (c->items, 0), ==, "\"first\"");
  g_assert_cmpstr (g_ptr_array_index (c->items, 1), ==, "\"second\"");
  g_assert_cmpstr (g_ptr_array_index (c->items, 2), ==, "\"\"");
  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *expected = g_strdup_printf ("\"line %u\"", i);

      g_assert_cmpstr (g_ptr_array_index (c->items, 3 + i), ==, expected);
    }
  g_assert_cmpstr (g_ptr_array_index (c->items, 20003), ==, "\"last, no newline\"");
  g_unlink (path);
}

static void
test_lines_invalid (Fixture       *f,
                    gconstpointer  data)
{
  {
    g_autoptr(Collector) c = lines_of_bytes ("ok\r\n\xff\xfe bad\nnever\n", -1);

    ITERATE_UNTIL (c->done);
    assert_items (c, "[\"ok\"]");
    g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (c->error->message, "Line 2"));
    g_assert_nonnull (strstr (c->error->message, "UTF-8"));
  }
  {
    /* A NUL can't be in a string either. */
    g_autoptr(Collector) c = lines_of_bytes ("a\nb\0c\n", 6);

    ITERATE_UNTIL (c->done);
    assert_items (c, "[\"a\"]");
    g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
  {
    /* A truncated sequence at the very end. */
    g_autoptr(Collector) c = lines_of_bytes ("a\n\xc3", -1);

    ITERATE_UNTIL (c->done);
    assert_items (c, "[\"a\"]");
    g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

static void
test_lines_subprocess (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process =
    g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "printf", "a\\nb\\r\\nc", NULL);
  g_autoptr(Collector) c = NULL;

  g_assert_no_error (error);
  c = collector_new (gcs_stream_from_input_stream_lines (g_subprocess_get_stdout_pipe (process)));
  ITERATE_UNTIL (c->done);
  assert_ended_ok (c);
  assert_items (c, "[\"a\", \"b\", \"c\"]");
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
}

/* Lines come as they are written; releasing the stream mid-read cancels
 * the read. */
static void
test_lines_pipe (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process =
    g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "cat", NULL);
  GOutputStream *to_cat;
  g_autoptr(Collector) c = NULL;

  g_assert_no_error (error);
  to_cat = g_subprocess_get_stdin_pipe (process);
  c = collector_new (gcs_stream_from_input_stream_lines (g_subprocess_get_stdout_pipe (process)));
  g_assert_true (g_output_stream_write_all (to_cat, "one\ntw", 6, NULL, NULL, &error));
  g_assert_no_error (error);
  ITERATE_UNTIL (c->items->len == 1);
  assert_items (c, "[\"one\"]");
  g_assert_true (g_output_stream_write_all (to_cat, "o\r\nthr", 6, NULL, NULL, &error));
  ITERATE_UNTIL (c->items->len == 2);
  assert_items (c, "[\"one\", \"two\"]");
  /* A read is in flight for "thr...": cancel. */
  g_cancellable_cancel (c->cancellable);
  ITERATE_UNTIL (c->done);
  g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The cancelled read reports back on the context, freeing the reader. */
  drain ();
  g_output_stream_close (to_cat, NULL, NULL);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
}

/* A socket: one end of a socketpair, the other written and shut down. */
static void
test_lines_socket (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) ours = NULL;
  g_autoptr(GSocket) theirs = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(Collector) c = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  ours = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  theirs = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (ours);
  c = collector_new (gcs_stream_from_input_stream_lines (g_io_stream_get_input_stream (G_IO_STREAM (connection))));

  g_assert_cmpint (g_socket_send (theirs, "x\r\ny", 4, NULL, &error), ==, 4);
  ITERATE_UNTIL (c->items->len == 1);
  g_assert_cmpint (g_socket_send (theirs, "z\n", 2, NULL, &error), ==, 2);
  g_assert_true (g_socket_shutdown (theirs, FALSE, TRUE, &error));
  ITERATE_UNTIL (c->done);
  assert_ended_ok (c);
  assert_items (c, "[\"x\", \"yz\"]");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_REAL ("/events/lines/memory", test_lines_memory);
  ADD_REAL ("/events/lines/file", test_lines_file);
  ADD_REAL ("/events/lines/invalid-utf8", test_lines_invalid);
  ADD_REAL ("/events/lines/process-stdout", test_lines_subprocess);
  ADD_REAL ("/events/lines/pipe", test_lines_pipe);
  ADD_REAL ("/events/lines/socket", test_lines_socket);

  return g_test_run ();
}
