/* check-screenshot.c: runs the demo's self-test with --screenshot and
 * checks the PNG it saved
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: check-screenshot DEMO PNG [DEMO-ARGS...]
 *
 * One test program rather than two meson tests, because meson runs tests
 * in parallel: the check must follow the run that writes the file. The
 * PNG is read with GdkPixbuf (no display needed) and must be a real
 * picture of a window: not tiny, opaque, with some "ink" (pixels darker
 * than the background) and more than a handful of colours. Exits like the
 * demo when it failed or skipped (77: no display), else 0 or 1.
 */

#include <stdio.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

static int
check_png (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_autoptr(GHashTable) colours = NULL;
  int width, height, stride, channels;
  const guint8 *pixels;
  guint64 ink = 0, transparent = 0;

  if (pixbuf == NULL)
    {
      fprintf (stderr, "check-screenshot: %s: %s\n", path, error->message);
      return 1;
    }
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  if (width < 200 || height < 150 || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || channels < 3)
    {
      fprintf (stderr, "check-screenshot: %s is %dx%d, %d channels: not a window\n",
               path, width, height, channels);
      return 1;
    }

  colours = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        guint rgb = (p[0] << 16) | (p[1] << 8) | p[2];

        if (channels == 4 && p[3] < 255)
          transparent++;
        if (p[0] + p[1] + p[2] < 3 * 160)
          ink++;
        if (g_hash_table_size (colours) < 100000)
          g_hash_table_add (colours, GUINT_TO_POINTER (rgb + 1));
      }

  printf ("check-screenshot: %s: %dx%d, %u colours, %.1f%% ink, %.1f%% transparent\n", path, width,
          height, g_hash_table_size (colours), 100.0 * ink / ((guint64) width * height),
          100.0 * transparent / ((guint64) width * height));
  /* Text on a light theme: a few percent of dark pixels, many shades from
   * antialiasing. A blank or black window fails one or the other. */
  if (g_hash_table_size (colours) < 16 || ink == 0 || ink > (guint64) width * height / 2 ||
      transparent > (guint64) width * height / 10)
    {
      fprintf (stderr, "check-screenshot: %s does not look like the demo window\n", path);
      return 1;
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *png;
  int wait_status;

  if (argc < 3)
    {
      fprintf (stderr, "usage: check-screenshot DEMO PNG [DEMO-ARGS...]\n");
      return 2;
    }
  png = argv[2];
  g_unlink (png);  /* a PNG left over from an earlier run proves nothing */

  g_ptr_array_add (args, argv[1]);
  g_ptr_array_add (args, (char *) "--self-test");
  g_ptr_array_add (args, (char *) "--screenshot");
  g_ptr_array_add (args, (char *) png);
  for (int i = 3; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);

  /* The demo's output goes straight to ours, for the test log. */
  if (!g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, NULL, NULL, &wait_status, &error))
    {
      fprintf (stderr, "check-screenshot: %s\n", error->message);
      return 1;
    }
  if (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 77)
    return 77;
  if (!g_spawn_check_wait_status (wait_status, &error))
    {
      fprintf (stderr, "check-screenshot: the demo failed: %s\n", error->message);
      return 1;
    }
  if (!g_file_test (png, G_FILE_TEST_IS_REGULAR))
    {
      fprintf (stderr, "check-screenshot: the demo exited 0 but saved no %s\n", png);
      return 1;
    }
  return check_png (png);
}
