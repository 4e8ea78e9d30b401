/* check-screenshot.c: runs a GTK demo's self-test with --screenshot and
 * checks the PNG it saved
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: check-screenshot PNG -- COMMAND [ARGS...]
 *
 * Runs COMMAND ARGS... --screenshot PNG.PID.tmp, a file of this run's own
 * (meson runs tests in parallel, and --repeat runs one test alongside
 * itself), then checks it with GdkPixbuf (no display needed) and renames it
 * to PNG if it is a real picture of a window: a PNG of at least 200x150,
 * nearly opaque, with more than a handful of colours and some "ink" (pixels
 * that stand out from the background, the most common colour), but not too
 * much. Exits like COMMAND if it failed or skipped (77: no display), else 0
 * if the picture is good, 1 if not.
 */

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

static gboolean
check_png (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  GdkPixbufFormat *format = gdk_pixbuf_get_file_info (path, NULL, NULL);
  int width, height, stride, channels;
  const guint8 *pixels;
  guint64 area, ink = 0, transparent = 0;
  guint background = 0, background_count = 0;
  GHashTableIter iter;
  gpointer rgb, count;

  if (format == NULL || g_strcmp0 (gdk_pixbuf_format_get_name (format), "png") != 0)
    {
      fprintf (stderr, "check-screenshot: %s is missing or not a PNG file\n", path);
      return FALSE;
    }
  pixbuf = gdk_pixbuf_new_from_file (path, &error);
  if (pixbuf == NULL)
    {
      fprintf (stderr, "check-screenshot: %s: %s\n", path, error->message);
      return FALSE;
    }
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  area = (guint64) width * height;
  if (width < 200 || height < 150 || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || channels < 3)
    {
      fprintf (stderr, "check-screenshot: %s is %dx%d, %d channels: not a window\n",
               path, width, height, channels);
      return FALSE;
    }

  /* A histogram of the colours; the most common one is the background. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;

        rgb = GUINT_TO_POINTER ((guint) p[0] << 16 | (guint) p[1] << 8 | p[2]);
        count = g_hash_table_lookup (colours, rgb);
        g_hash_table_insert (colours, rgb, GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
        if (channels == 4 && p[3] < 255)
          transparent++;
      }
  g_hash_table_iter_init (&iter, colours);
  while (g_hash_table_iter_next (&iter, &rgb, &count))
    if (GPOINTER_TO_UINT (count) > background_count)
      {
        background = GPOINTER_TO_UINT (rgb);
        background_count = GPOINTER_TO_UINT (count);
      }

  /* Ink: colours far from the background (text, borders, icons), not the
   * slightly different shades of other surfaces, on light or dark themes. */
  g_hash_table_iter_init (&iter, colours);
  while (g_hash_table_iter_next (&iter, &rgb, &count))
    {
      guint c = GPOINTER_TO_UINT (rgb);
      int distance = 0;

      for (int shift = 0; shift <= 16; shift += 8)
        distance += ABS ((int) (c >> shift & 0xff) - (int) (background >> shift & 0xff));
      if (distance > 96)
        ink += GPOINTER_TO_UINT (count);
    }

  printf ("check-screenshot: %s: %dx%d, %u colours, background #%06x, %.1f%% ink, "
          "%.1f%% transparent\n", path, width, height, g_hash_table_size (colours),
          background, 100.0 * ink / area, 100.0 * transparent / area);
  /* The demos show 4-16% ink and hundreds of shades from antialiasing. A
   * blank, noisy or see-through picture fails. */
  if (g_hash_table_size (colours) < 16 || ink < area / 200 || ink > area / 2
      || transparent > area / 10)
    {
      fprintf (stderr, "check-screenshot: %s does not look like a window\n", path);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *shot = NULL;
  int wait_status, status;

  if (argc < 4 || g_strcmp0 (argv[2], "--") != 0)
    {
      fprintf (stderr, "usage: check-screenshot PNG -- COMMAND [ARGS...]\n");
      return 2;
    }
  shot = g_strdup_printf ("%s.%d.tmp", argv[1], (int) getpid ());

  for (int i = 3; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, (char *) "--screenshot");
  g_ptr_array_add (args, shot);
  g_ptr_array_add (args, NULL);

  /* The command's output goes straight to ours, for the test log. */
  if (!g_spawn_sync (NULL, (char **) args->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, NULL, NULL, &wait_status, &error))
    {
      fprintf (stderr, "check-screenshot: %s\n", error->message);
      return 1;
    }
  if (!WIFEXITED (wait_status))
    {
      fprintf (stderr, "check-screenshot: %s was killed\n", argv[3]);
      status = 1;
    }
  else if ((status = WEXITSTATUS (wait_status)) != 0)
    {
      if (status != 77)
        fprintf (stderr, "check-screenshot: %s exited with %d\n", argv[3], status);
    }
  else if (!check_png (shot))
    status = 1;
  else if (g_rename (shot, argv[1]) != 0)
    {
      fprintf (stderr, "check-screenshot: %s: %s\n", argv[1], g_strerror (errno));
      status = 1;
    }
  else
    printf ("check-screenshot: good, saved as %s\n", argv[1]);

  g_unlink (shot);
  return status;
}
