/* sd-hints-evidence.c: loading and checking data/hints/evidence.json
 *
 * Who answered (host names, banners, tags), who sent (exception types, library names),
 * the language of the words around the codes and where a reply is quoted are data, so a
 * rule writer adds a signature without C. Like the rules, the file is checked at build
 * time by this same code (sd-hints-validate --evidence).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <jansson.h>

#include "sd-hints.h"
#include "sd-hints-private.h"

/* The reply codes servers send (RFC 5321, 3207, 4954, 7504, and the 571 some send): a
 * number after a cue must be one of them to count as a reply. */
#define SD_REPLY_CODES "(?:2(?:11|14|20|21|35|50|51|52)|3(?:34|54)|4(?:21|32|5[0-5]|71)|" \
                       "5(?:0[0-4]|2[013]|3[0-8]|5[0-7]|71))"

static void
sd_signature_free (SdHintSignature *signature)
{
  g_free (signature->id);
  g_free (signature->fact);
  g_clear_pointer (&signature->regex, g_regex_unref);
  g_free (signature);
}

void
_sd_hint_evidence_free (SdHintEvidence *evidence)
{
  if (evidence == NULL)
    return;
  g_clear_pointer (&evidence->servers, g_ptr_array_unref);
  g_clear_pointer (&evidence->clients, g_ptr_array_unref);
  g_clear_pointer (&evidence->appliances, g_ptr_array_unref);
  g_clear_pointer (&evidence->languages, g_ptr_array_unref);
  g_clear_pointer (&evidence->facts, g_ptr_array_unref);
  g_clear_pointer (&evidence->phrases, g_ptr_array_unref);
  g_clear_pointer (&evidence->versions, g_regex_unref);
  g_clear_pointer (&evidence->cued, g_regex_unref);
  g_free (evidence);
}

static gboolean
sd_in_list (const char * const *list,
            const char         *name)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_str_equal (list[i], name))
      return TRUE;
  return FALSE;
}

/* The patterns of @array as one case-insensitive alternation, @prefix and @suffix
 * around it; each pattern is compiled alone first so a problem names it. */
static GRegex *
sd_evidence_regex (GString    *problems,
                   const char *where,
                   json_t     *array,
                   const char *prefix,
                   const char *suffix)
{
  g_autoptr(GString) joined = g_string_new (prefix);
  g_autoptr(GError) error = NULL;
  size_t i;
  json_t *item;
  GRegex *regex;

  if (!json_is_array (array) || json_array_size (array) == 0)
    {
      g_string_append_printf (problems, "\n  %s: must be a non-empty array of regexes", where);
      return NULL;
    }
  g_string_append (joined, "(?:");
  json_array_foreach (array, i, item)
    {
      const char *pattern = json_string_value (item);
      g_autoptr(GRegex) alone = NULL;

      if (pattern == NULL || *pattern == '\0')
        {
          g_string_append_printf (problems, "\n  %s: entry %zu is not a string", where, i);
          continue;
        }
      alone = g_regex_new (pattern, G_REGEX_CASELESS, 0, &error);
      if (alone == NULL)
        {
          g_string_append_printf (problems, "\n  %s: regex “%s” does not compile: %s",
                                  where, pattern, error->message);
          g_clear_error (&error);
          continue;
        }
      g_string_append_printf (joined, "%s(?:%s)", i ? "|" : "", pattern);
    }
  g_string_append_printf (joined, ")%s", suffix);
  regex = g_regex_new (joined->str, G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, &error);
  if (regex == NULL)
    g_string_append_printf (problems, "\n  %s: the patterns together do not compile: %s",
                            where, error->message);
  return regex;
}

/* {"id": [regex, ...], ...}; @fact_prefix NULL: no fact per id ("phrases"), "": the
 * one fact @fixed_fact for all ("appliances"). */
static GPtrArray *
sd_evidence_group (GString    *problems,
                   json_t     *root,
                   const char *key,
                   const char *fact_prefix,
                   const char *fixed_fact)
{
  GPtrArray *group = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_signature_free);
  json_t *object = json_object_get (root, key), *patterns;
  const char *id;

  if (!json_is_object (object))
    {
      g_string_append_printf (problems, "\n  missing object “%s”", key);
      return group;
    }
  json_object_foreach (object, id, patterns)
    {
      g_autofree char *where = g_strdup_printf ("%s / %s", key, id);
      SdHintSignature *signature;

      if (g_str_has_prefix (id, "_"))
        continue;   /* "_comment" */
      signature = g_new0 (SdHintSignature, 1);
      signature->id = g_strdup (id);
      if (fixed_fact != NULL)
        signature->fact = g_strdup (fixed_fact);
      else if (fact_prefix != NULL)
        signature->fact = g_strconcat (fact_prefix, id, NULL);
      if (signature->fact != NULL && !sd_in_list (_sd_hint_known_facts, signature->fact))
        g_string_append_printf (problems, "\n  %s: unknown fact “%s”", where, signature->fact);
      if (g_str_equal (key, "servers") && !sd_in_list (_sd_hint_known_products, id))
        g_string_append_printf (problems, "\n  %s: a server id must be a product id", where);
      signature->regex = sd_evidence_regex (problems, where, patterns, "", "");
      g_ptr_array_add (group, signature);
    }
  return group;
}

SdHintEvidence *
_sd_hint_evidence_load (GBytes      *bytes,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(SdHintEvidence) evidence = g_new0 (SdHintEvidence, 1);
  g_autoptr(GString) problems = g_string_new (NULL);
  json_error_t json_error;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  json_t *root = json_loadb (data, len, JSON_REJECT_DUPLICATES, &json_error);

  if (root == NULL)
    {
      g_set_error (error, SD_HINTS_ERROR, SD_HINTS_ERROR_INVALID, "%s: line %d: %s",
                   name, json_error.line, json_error.text);
      return NULL;
    }
  evidence->servers = sd_evidence_group (problems, root, "servers", "server-", NULL);
  evidence->clients = sd_evidence_group (problems, root, "clients", "client-", NULL);
  evidence->appliances = sd_evidence_group (problems, root, "appliances", NULL,
                                            "sender-appliance");
  evidence->languages = sd_evidence_group (problems, root, "languages", "text-", NULL);
  evidence->facts = sd_evidence_group (problems, root, "facts", "", NULL);
  evidence->phrases = sd_evidence_group (problems, root, "phrases", NULL, NULL);
  /* "Postfix 3.7.5", "MailKit/4.3.0", "firmware v5.2.2": the number goes. */
  evidence->versions = sd_evidence_regex (problems, "versions",
                                          json_object_get (root, "versions"),
                                          "\\b(?<name>", ")[\\s/:(-]*v?\\.?\\s*\\d+(?:\\.\\d+)+\\b");
  /* A cue, then the code: "said: 550", "Die Serverantwort war: 5.7.57", "(535, b'". */
  evidence->cued = sd_evidence_regex (problems, "reply_cues",
                                      json_object_get (root, "reply_cues"), "",
                                      "[\\s:;'\"(\\[]*(?:b['\"])?#?"
                                      "(?<code>" SD_REPLY_CODES "(?=[ \\-:,']|$)(?!\\s*(?:ms|s|sec|seconds|kb|mb|bytes)\\b)"
                                      "|[245]\\.\\d{1,3}\\.\\d{1,3}(?![\\w]|\\.\\d))");
  json_decref (root);

  if (problems->len > 0)
    {
      g_set_error (error, SD_HINTS_ERROR, SD_HINTS_ERROR_INVALID,
                   "%s is invalid:%s", name, problems->str);
      return NULL;
    }
  return g_steal_pointer (&evidence);
}
