/* check-png FILE: exits 0 if FILE is a PNG of at least 100x100 pixels that
 * holds a picture (many colours, some ink on a background), 1 otherwise.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gdk-pixbuf/gdk-pixbuf.h>

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GHashTable) colours = NULL;
  GdkPixbufFormat *format;
  const guint8 *pixels;
  int width, height, stride, channels;
  guint32 background = 0;
  guint background_count = 0;
  guint64 ink;
  GHashTableIter iter;
  gpointer key, value;

  if (argc != 2)
    {
      g_printerr ("usage: %s FILE.png\n", argv[0]);
      return 2;
    }
  format = gdk_pixbuf_get_file_info (argv[1], &width, &height);
  if (format == NULL || g_strcmp0 (gdk_pixbuf_format_get_name (format), "png") != 0)
    {
      g_printerr ("check-png: %s is not a PNG file\n", argv[1]);
      return 1;
    }
  pixbuf = gdk_pixbuf_new_from_file (argv[1], &error);
  if (pixbuf == NULL)
    {
      g_printerr ("check-png: %s: %s\n", argv[1], error->message);
      return 1;
    }
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  if (width < 100 || height < 100 || channels < 3)
    {
      g_printerr ("check-png: %s is %dx%d with %d channels\n", argv[1], width, height, channels);
      return 1;
    }

  /* A histogram of the colours; the most common one is the background,
   * and "ink" is every other pixel. */
  colours = g_hash_table_new (NULL, NULL);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + y * stride + x * channels;
        gpointer rgb = GUINT_TO_POINTER ((guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2]);

        g_hash_table_insert (colours, rgb, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (colours, rgb)) + 1));
      }
  g_hash_table_iter_init (&iter, colours);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > background_count)
      {
        background = GPOINTER_TO_UINT (key);
        background_count = GPOINTER_TO_UINT (value);
      }
  ink = (guint64) width * height - background_count;

  g_print ("check-png: %s: %dx%d, %u colours, background #%06x, %.1f%% ink\n", argv[1], width, height,
           g_hash_table_size (colours), background, 100.0 * ink / ((guint64) width * height));
  /* A blank or noise-like picture is not a window. */
  if (g_hash_table_size (colours) < 16 || ink < (guint64) width * height / 100 || ink > (guint64) width * height / 2)
    {
      g_printerr ("check-png: %s does not look like a window\n", argv[1]);
      return 1;
    }
  return 0;
}
