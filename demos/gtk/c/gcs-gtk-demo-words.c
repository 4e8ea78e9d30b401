/* gcs-gtk-demo-words.c: the word list, and how counts are written
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "gcs-gtk-demo.h"

static void
word_list_clear (gpointer data)
{
  WordList *self = data;

  g_free (self->words);
  g_free (self->contents);
}

WordList *
word_list_ref (WordList *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
word_list_unref (WordList *self)
{
  g_atomic_rc_box_release_full (self, word_list_clear);
}

WordList *
word_list_load (const char  *path,
                GError     **error)
{
  g_autoptr(WordList) self = g_atomic_rc_box_new0 (WordList);
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  gsize length;
  char *line;

  if (!g_file_get_contents (path, &self->contents, &length, error))
    return NULL;
  if (!g_utf8_validate_len (self->contents, length, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s is not UTF-8", path);
      return NULL;
    }

  /* One word a line, LF or CRLF; blank lines are not words. Lowercasing
   * here (ASCII only: the list is ASCII) lets the search compare bytes. */
  line = self->contents;
  while (line != NULL && *line != '\0')
    {
      char *end = strchr (line, '\n');
      char *next = NULL;

      if (end != NULL)
        {
          next = end + 1;
          if (end > line && end[-1] == '\r')
            end--;
          *end = '\0';
        }
      if (*line != '\0')
        {
          for (char *p = line; *p != '\0'; p++)
            *p = g_ascii_tolower (*p);
          g_ptr_array_add (words, line);
        }
      line = next;
    }
  self->n_words = words->len;
  g_ptr_array_add (words, NULL);
  self->words = (char **) g_ptr_array_steal (words, NULL);
  return g_steal_pointer (&self);
}

/* Text shown for a result; the Python and GJS demos say the same. */

/* 60540 -> "60,540", whatever the locale. */
char *
format_count (guint n)
{
  g_autofree char *digits = g_strdup_printf ("%u", n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* "Type to search 60,540 words", "1 match for “q”", "7,399 matches for “s”". */
char *
format_status (const char *query,
               guint       total,
               guint       n_words)
{
  g_autofree char *count = format_count (*query == '\0' ? n_words : total);

  if (*query == '\0')
    return g_strdup_printf ("Type to search %s words", count);
  return g_strdup_printf ("%s %s for “%s”", count, total == 1 ? "match" : "matches", query);
}
