/* test-hints-corpus.c: how often the first hint is right on texts as admins paste them
 *
 * tests/corpus/dev is what the rules were written and tuned against; heldout is written
 * and labelled apart and never tuned on; clients is what real client libraries printed
 * against the built-in server (tests/real/clients). Each part must reach its floor,
 * and no dev or clients text may end without a hint. SD_CORPUS_VERBOSE=1 lists every
 * miss, except the held-out part's: looking at those would be tuning on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-hints.h"
#include "sd-test-corpus.h"

typedef struct {
  guint cases;
  guint first;
  guint listed;
} Tally;

static void
tally_add (GHashTable *table,
           const char *key,
           gboolean    first,
           gboolean    listed)
{
  Tally *t = g_hash_table_lookup (table, key);

  if (t == NULL)
    {
      t = g_new0 (Tally, 1);
      g_hash_table_insert (table, g_strdup (key), t);
    }
  t->cases++;
  t->first += first;
  t->listed += listed;
}

static void
tally_print (GHashTable *table,
             const char *what)
{
  g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (table, NULL);
  guint n = g_hash_table_size (table);

  qsort (keys, n, sizeof (char *), (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < n; i++)
    {
      Tally *t = g_hash_table_lookup (table, keys[i]);
      g_test_message ("  %s %-20s %3u of %3u first (%5.1f%%), %3u listed",
                      what, keys[i], t->first, t->cases, 100.0 * t->first / t->cases, t->listed);
    }
}

static gboolean
expected (const SdCorpusCase *c,
          const SdHint       *hint)
{
  return g_strv_contains ((const char * const *) c->expect, hint->id);
}

static char *
describe_miss (const SdCorpusCase *c,
               GPtrArray          *hints)
{
  g_autoptr(GString) got = g_string_new (NULL);
  g_autofree char *want = g_strjoinv (" ", c->expect);

  for (guint j = 0; j < hints->len && j < 3; j++)
    g_string_append_printf (got, " %s (%.0f)", ((SdHint *) hints->pdata[j])->id,
                            ((SdHint *) hints->pdata[j])->score);
  return g_strdup_printf ("miss %s: want %s, got%s", c->path, want,
                          got->len ? got->str : " nothing");
}

static void
test_part (gconstpointer data)
{
  const char *part = data;
  gboolean heldout = g_str_equal (part, "heldout");
  /* The held-out floor guards against regressions at what was measured when the
   * set was labelled (71.6 %, 2026-12); the goal is 90 %. Raising it must come
   * from general changes, never from reading these texts' misses. */
  double floor = heldout ? 70.0 : 95.0;
  g_autoptr(GPtrArray) cases = sd_corpus_load (part);
  g_autoptr(GHashTable) families = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) langs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean verbose = g_strcmp0 (g_getenv ("SD_CORPUS_VERBOSE"), "1") == 0;
  guint labelled = 0, first = 0, silent = 0;

  if (cases->len == 0)
    {
      g_test_skip ("no cases in this part yet");
      return;
    }
  for (guint i = 0; i < cases->len; i++)
    {
      const SdCorpusCase *c = cases->pdata[i];
      g_autoptr(GPtrArray) hints = sd_hints_diagnose_text (c->text);
      gboolean is_first = hints->len > 0 && expected (c, hints->pdata[0]);
      gboolean listed = FALSE;

      if (hints->len == 0)
        {
          silent++;
          if (!heldout)
            g_test_message ("no hint at all for %s", c->path);
        }
      if (c->expect[0] == NULL || *c->expect[0] == '\0')
        continue;
      labelled++;
      for (guint j = 0; j < hints->len; j++)
        listed = listed || expected (c, hints->pdata[j]);
      first += is_first;
      tally_add (families, c->family, is_first, listed);
      tally_add (langs, c->lang, is_first, listed);
      if (!is_first && verbose && !heldout)
        {
          g_autofree char *miss = describe_miss (c, hints);
          g_test_message ("%s", miss);
        }
    }
  g_test_message ("%s: first hint right in %u of %u labelled cases (%.1f%%); %u of %u with no hint",
                  part, first, labelled, labelled ? 100.0 * first / labelled : 0.0,
                  silent, cases->len);
  tally_print (families, "family");
  tally_print (langs, "lang");
  /* Every text worth pasting gets a hint; on the held-out part that is measured and
   * reported above, not tuned. */
  if (!heldout)
    g_assert_cmpuint (silent, ==, 0);
  g_assert_cmpuint (labelled, >, 0);
  g_assert_cmpfloat (100.0 * first / labelled, >=, floor);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/hints/corpus/dev", "dev", test_part);
  g_test_add_data_func ("/hints/corpus/clients", "clients", test_part);
  g_test_add_data_func ("/hints/corpus/heldout", "heldout", test_part);
  return g_test_run ();
}
