/* sd-test-corpus.c: reading the diagnosis corpus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "sd-test-corpus.h"

void
sd_corpus_case_free (SdCorpusCase *c)
{
  g_free (c->path);
  g_free (c->part);
  g_strfreev (c->expect);
  g_free (c->cause);
  g_free (c->family);
  g_free (c->lang);
  g_free (c->source);
  g_free (c->text);
  g_free (c);
}

static char *
sd_corpus_field (GHashTable *fields,
                 const char *path,
                 const char *name)
{
  const char *value = g_hash_table_lookup (fields, name);

  if (value == NULL)
    g_error ("%s: no “%s:” line before “---”", path, name);
  return g_strdup (value);
}

static SdCorpusCase *
sd_corpus_parse (const char *path,
                 const char *part,
                 const char *data)
{
  g_autoptr(GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SdCorpusCase *c = g_new0 (SdCorpusCase, 1);
  const char *body = strstr (data, "\n---\n");
  g_autofree char *head = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *expect = NULL;

  if (body == NULL)
    g_error ("%s: no “---” line after the header", path);
  head = g_strndup (data, body - data);
  lines = g_strsplit (head, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      if (colon == NULL)
        g_error ("%s: header line “%s” is not “name: value”", path, lines[i]);
      *colon = '\0';
      g_hash_table_insert (fields, g_strdup (g_strstrip (lines[i])),
                           g_strdup (g_strstrip (colon + 1)));
    }
  c->path = g_strdup (path);
  c->part = g_strdup (part);
  expect = sd_corpus_field (fields, path, "expect");
  c->expect = g_strsplit_set (g_strstrip (expect), " ,", -1);
  c->cause = sd_corpus_field (fields, path, "cause");
  c->family = sd_corpus_field (fields, path, "family");
  c->lang = sd_corpus_field (fields, path, "lang");
  c->source = sd_corpus_field (fields, path, "source");
  c->text = g_strdup (body + strlen ("\n---\n"));
  if (*c->family == '\0' || *c->source == '\0' || *c->text == '\0' ||
      !g_strv_contains ((const char * const[]) { "en", "de", "fr", NULL }, c->lang))
    g_error ("%s: family, source and text must be given, lang one of en, de, fr", path);
  return c;
}

static void
sd_corpus_walk (GFile      *dir,
                const char *relative,
                const char *part,
                GPtrArray  *cases)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  GFileInfo *info;

  g_assert_no_error (error);
  while ((info = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      const char *name = g_file_info_get_name (info);
      g_autoptr(GFile) child = g_file_get_child (dir, name);
      g_autofree char *path = g_build_filename (relative, name, NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        sd_corpus_walk (child, path, part, cases);
      else if (g_str_has_suffix (name, ".txt"))
        {
          g_autofree char *data = NULL;
          g_file_load_contents (child, NULL, &data, NULL, NULL, &error);
          g_assert_no_error (error);
          g_ptr_array_add (cases, sd_corpus_parse (path, part, data));
        }
    }
  g_assert_no_error (error);
}

static gint
sd_corpus_compare (gconstpointer a,
                   gconstpointer b)
{
  const SdCorpusCase *x = *(SdCorpusCase **) a, *y = *(SdCorpusCase **) b;
  return strcmp (x->path, y->path);
}

GPtrArray *
sd_corpus_load (const char *part)
{
  GPtrArray *cases = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_corpus_case_free);
  g_autofree char *root = g_test_build_filename (G_TEST_DIST, "..", "corpus", part, NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (root);

  if (g_file_query_exists (dir, NULL))
    sd_corpus_walk (dir, part, part, cases);
  g_ptr_array_sort (cases, sd_corpus_compare);
  return cases;
}
