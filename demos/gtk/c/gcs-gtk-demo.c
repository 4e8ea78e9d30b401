/* gcs-gtk-demo.c: a GTK 4 word finder on gchanstream channels and streams
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One window, three panes, each fed by gchanstream, each in its own file:
 *
 *  - gcs-gtk-demo-search.c: search as you type, a debounced, switch_map'ed
 *    search on worker threads answered through a oneshot channel;
 *  - gcs-gtk-demo-analysis.c: a progress bar fed by a watch channel;
 *  - gcs-gtk-demo-events.c: an event log fed by a broadcast channel, in
 *    two widgets.
 *
 * gcs-gtk-demo-window.c puts them together; gcs-gtk-demo-words.c reads
 * the word list. `--self-test` (gcs-gtk-demo-self-test.c) types queries
 * into the entry, waits for the results and checks the widgets against the
 * word list read independently; `--screenshot FILE`
 * (gcs-gtk-demo-screenshot.c) saves a PNG of the window once the
 * self-test has passed. This file: the options and the application.
 */

#include <locale.h>
#include <stdio.h>

#include "gcs-gtk-demo.h"

/* The style classes the panes' widgets use. */
static const char css[] =
  ".counter { padding: 2px 8px; border-radius: 9px; background: alpha(#3584e4, 0.15); }\n"
  ".log { font-family: monospace; }\n"
  ".placeholder { font-size: 1.3em; }\n";

typedef struct
{
  const char *words_path;
  const char *screenshot;
  gboolean    self_test;
  int         search_delay_ms;
  WordList   *words;
  SelfTest   *test;
  int         exit_status;
} DemoApp;

static void
activate_cb (GtkApplication *app,
             gpointer        data)
{
  DemoApp *demo = data;
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  DemoWindow *window;

  if (gtk_application_get_active_window (app) != NULL)
    {
      gtk_window_present (gtk_application_get_active_window (app));
      return;
    }

  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  window = demo_window_new (app, demo->words);
  window->search_delay_ms = demo->search_delay_ms;
  gtk_window_present (GTK_WINDOW (window));

  if (demo->self_test)
    demo->test = self_test_start (app, window, demo->words_path, demo->screenshot, &demo->exit_status);
}

int
main (int   argc,
      char *argv[])
{
  DemoApp demo = { .words_path = DEMO_WORDS_FILE };
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *words_path = NULL;
  g_autofree char *screenshot = NULL;
  const GOptionEntry entries[] = {
    { "words", 0, 0, G_OPTION_ARG_FILENAME, &words_path, "The word list, one word a line", "FILE" },
    { "self-test", 0, 0, G_OPTION_ARG_NONE, &demo.self_test,
      "Type queries, check the widgets, exit 0 if all is well", NULL },
    { "search-delay", 0, 0, G_OPTION_ARG_INT, &demo.search_delay_ms,
      "Slow every search down by MS milliseconds, to watch superseded searches stop early", "MS" },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &screenshot,
      "With --self-test: save a PNG of the window at the end", "FILE" },
    { NULL }
  };
  int status;

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— search a word list as you type");
  g_option_context_set_summary (context,
                                "A GTK 4 demo of gchanstream: a debounced, switch_map'ed search on worker "
                                "threads,\na progress bar fed by a watch channel, and an event log fed by "
                                "a broadcast channel.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return 2;
    }
  if (argc > 1)
    {
      fprintf (stderr, "%s: unexpected argument “%s”\n", g_get_prgname (), argv[1]);
      return 2;
    }
  if (screenshot != NULL && !demo.self_test)
    {
      fprintf (stderr, "%s: --screenshot needs --self-test\n", g_get_prgname ());
      return 2;
    }
  if (demo.search_delay_ms < 0)
    {
      fprintf (stderr, "%s: --search-delay must not be negative\n", g_get_prgname ());
      return 2;
    }
  if (words_path != NULL)
    demo.words_path = words_path;
  demo.screenshot = screenshot;

  /* No display: a test skips (77) instead of failing on GTK's warning. */
  if (!gtk_init_check ())
    {
      fprintf (stderr, "%s: cannot open a display%s\n", g_get_prgname (),
               demo.self_test ? "; skipping the self-test" : "");
      return demo.self_test ? 77 : 1;
    }

  demo.words = word_list_load (demo.words_path, &error);
  if (demo.words == NULL)
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return 1;
    }

  app = gtk_application_new ("org.gchanstream.GtkDemo.C", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), &demo);
  status = g_application_run (G_APPLICATION (app), 1, argv);

  g_clear_pointer (&demo.test, self_test_free);
  word_list_unref (demo.words);
  return status != 0 ? status : demo.exit_status;
}
