/* sd-spf.c: parsing SPF records and judging an address against them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-spf.h"

#define SD_SPF_MAX_DEPTH 10

static void
sd_spf_term_free (SdSpfTerm *term)
{
  g_free (term->name);
  g_free (term->value);
  g_clear_pointer (&term->target, sd_spf_free);
  g_free (term);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSpfTerm, sd_spf_term_free)

void
sd_spf_free (SdSpf *spf)
{
  if (spf == NULL)
    return;
  g_ptr_array_unref (spf->terms);
  g_ptr_array_unref (spf->problems);
  g_free (spf);
}

static gboolean
sd_spf_costs_lookup (const char *name)
{
  static const char *const costly[] = { "include", "a", "mx", "ptr", "exists", "redirect" };
  for (gsize i = 0; i < G_N_ELEMENTS (costly); i++)
    if (g_str_equal (name, costly[i]))
      return TRUE;
  return FALSE;
}

static gboolean
sd_spf_is_mechanism (const char *name)
{
  static const char *const known[] = { "all", "include", "a", "mx", "ptr", "ip4", "ip6",
                                       "exists" };
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (name, known[i]))
      return TRUE;
  return FALSE;
}

static SdSpfTerm *
sd_spf_parse_term (SdSpf      *spf,
                   const char *word)
{
  g_autoptr(SdSpfTerm) term = g_new0 (SdSpfTerm, 1);
  const char *sep;

  if (*word != '\0' && strchr ("+-~?", *word) != NULL)
    term->qualifier = *word++;
  sep = word + strcspn (word, ":=/");
  term->name = g_ascii_strdown (word, sep - word);
  if (*sep == ':' || *sep == '=')
    term->value = g_strdup (sep + 1);
  else if (*sep == '/')
    term->value = g_strdup (sep);   /* "a/24", "mx/24": the prefix belongs to the domain */

  if (*sep == '=' && term->qualifier == 0)
    return g_steal_pointer (&term);     /* a modifier: redirect=, exp=, unknown ones */
  if (!sd_spf_is_mechanism (term->name))
    {
      /* Translators: %s is a word of an SPF record that is not a known mechanism. */
      g_ptr_array_add (spf->problems, g_strdup_printf (_("unknown mechanism “%s”"), word));
      return NULL;
    }
  if (term->qualifier == 0)
    term->qualifier = '+';
  if ((g_str_equal (term->name, "include") || g_str_equal (term->name, "exists") ||
       g_str_equal (term->name, "ip4") || g_str_equal (term->name, "ip6")) &&
      (term->value == NULL || *term->value == '\0'))
    {
      /* Translators: %s is an SPF mechanism such as include or ip4. */
      g_ptr_array_add (spf->problems, g_strdup_printf (_("“%s” without a value"), term->name));
      return NULL;
    }
  return g_steal_pointer (&term);
}

SdSpf *
sd_spf_parse (const char *record)
{
  g_auto(GStrv) words = NULL;
  SdSpf *spf;

  if (record == NULL || g_ascii_strncasecmp (record, "v=spf1", 6) != 0 ||
      (record[6] != '\0' && record[6] != ' '))
    return NULL;

  spf = g_new0 (SdSpf, 1);
  spf->terms = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_spf_term_free);
  spf->problems = g_ptr_array_new_with_free_func (g_free);
  words = g_strsplit (record + 6, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      SdSpfTerm *term;

      if (*words[i] == '\0')
        continue;
      term = sd_spf_parse_term (spf, words[i]);
      if (term == NULL)
        continue;
      if (sd_spf_costs_lookup (term->name))
        spf->lookups++;
      if (g_str_equal (term->name, "all"))
        spf->all = term->qualifier;
      if (g_str_equal (term->name, "ptr"))
        spf->has_ptr = TRUE;
      g_ptr_array_add (spf->terms, term);
    }
  return spf;
}

static guint
sd_spf_count_lookups_at (const SdSpf *spf,
                         guint        depth)
{
  guint n = spf->lookups;

  if (depth > SD_SPF_MAX_DEPTH)
    return n;
  for (guint i = 0; i < spf->terms->len; i++)
    {
      const SdSpfTerm *term = spf->terms->pdata[i];
      if (term->target != NULL)
        n += sd_spf_count_lookups_at (term->target, depth + 1);
    }
  return n;
}

guint
sd_spf_count_lookups (const SdSpf *spf)
{
  return sd_spf_count_lookups_at (spf, 0);
}

static const char *
sd_spf_result (char qualifier)
{
  switch (qualifier)
    {
    case '-': return "fail";
    case '~': return "softfail";
    case '?': return "neutral";
    default:  return "pass";
    }
}

const char *
sd_spf_qualifier_word (char qualifier)
{
  switch (qualifier)
    {
    case '+': return "+all";
    case '-': return "-all";
    case '~': return "~all";
    case '?': return "?all";
    default:  return "";
    }
}

/* "ip4:192.0.2.0/24" against @address; a network of the other family never matches. */
static gboolean
sd_spf_ip_matches (const SdSpfTerm *term,
                   GInetAddress    *address)
{
  g_autoptr(GInetAddressMask) mask = NULL;
  g_autofree char *text = NULL;
  gboolean v6 = g_str_equal (term->name, "ip6");
  GSocketFamily family = v6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;

  if (g_inet_address_get_family (address) != family)
    return FALSE;
  text = strchr (term->value, '/') != NULL ? g_strdup (term->value)
                                            : g_strdup_printf ("%s/%u", term->value,
                                                               v6 ? 128 : 32);
  mask = g_inet_address_mask_new_from_string (text, NULL);
  return mask != NULL && g_inet_address_mask_matches (mask, address);
}

/* NULL: no mechanism matched (fall through); else the result. */
static const char *
sd_spf_judge_at (const SdSpf  *spf,
                 GInetAddress *address,
                 guint         depth)
{
  const SdSpfTerm *redirect = NULL;

  if (depth > SD_SPF_MAX_DEPTH)
    return "unknown";
  for (guint i = 0; i < spf->terms->len; i++)
    {
      const SdSpfTerm *term = spf->terms->pdata[i];

      if (term->qualifier == 0)
        {
          if (g_str_equal (term->name, "redirect"))
            redirect = term;
          continue;
        }
      if (g_str_equal (term->name, "ip4") || g_str_equal (term->name, "ip6"))
        {
          if (sd_spf_ip_matches (term, address))
            return sd_spf_result (term->qualifier);
        }
      else if (g_str_equal (term->name, "all"))
        return sd_spf_result (term->qualifier);
      else if (g_str_equal (term->name, "include") && term->target != NULL)
        {
          const char *inner = sd_spf_judge_at (term->target, address, depth + 1);
          /* An include matches only when the included record passes (RFC 7208 5.2). */
          if (g_strcmp0 (inner, "pass") == 0)
            return sd_spf_result (term->qualifier);
          if (g_strcmp0 (inner, "unknown") == 0)
            return "unknown";
        }
      else
        return "unknown";
    }
  if (redirect != NULL)
    {
      const char *inner;
      if (redirect->target == NULL)
        return "unknown";
      inner = sd_spf_judge_at (redirect->target, address, depth + 1);
      return inner != NULL ? inner : "neutral";
    }
  return depth == 0 ? "neutral" : NULL;
}

const char *
sd_spf_judge (const SdSpf *spf,
              const char  *address)
{
  g_autoptr(GInetAddress) parsed = g_inet_address_new_from_string (address);
  const char *result;

  if (parsed == NULL)
    return "unknown";
  result = sd_spf_judge_at (spf, parsed, 0);
  return result != NULL ? result : "neutral";
}
