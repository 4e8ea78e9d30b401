/* gcs-gtk-demo-screenshot.c: a PNG of a window as it is painted
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gcs-gtk-demo.h"

/* The window's current snapshot, rendered by its own renderer: the
 * picture is what it shows on screen. */
gboolean
save_screenshot (GtkWindow   *window,
                 const char  *path,
                 GError     **error)
{
  GtkWidget *widget = GTK_WIDGET (window);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "nothing to save: the window is %dx%d", width, height);
      return FALSE;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not save %s", path);
      return FALSE;
    }
  return TRUE;
}
