/* sd-hints-score.c: scoring one rule against what a report or pasted text shows
 *
 * A rule fires when none of its filters is violated (stage, reply code, enhanced code,
 * facts, the server or client it is for) and at least one trigger hits (a fact, a text
 * fragment or regex, a code). Its score adds up how specific the hits were, so
 * "535 5.7.139 ... SmtpClientAuthentication is disabled" beats the generic 535 rule; in
 * pasted text the words inside the reply the server sent count more than the words
 * around it. Unknown inputs (no stage in pasted text) neither reject nor score.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-hints.h"
#include "sd-hints-private.h"

static void
sd_evidence_add (GPtrArray  *evidence,
                 const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  for (guint i = 0; i < evidence->len; i++)
    if (g_str_equal (evidence->pdata[i], text))
      return;
  g_ptr_array_add (evidence, g_strdup (text));
}

/* "5xx" and "53x" patterns */
static int
sd_code_match (const char *pattern,
               guint       code)
{
  char digits[4];

  g_snprintf (digits, sizeof digits, "%u", code);
  for (guint i = 0; i < 3; i++)
    if (pattern[i] != 'x' && pattern[i] != digits[i])
      return 0;
  return pattern[2] != 'x' ? 4 : pattern[1] != 'x' ? 2 : 1;
}

/* "5.7.1" exact: 8; "5.7.*": 3; "5.*.*" or "*.7.1": 1 or 5 */
static int
sd_enhanced_match (const char *pattern,
                   const char *code)
{
  g_auto(GStrv) p = g_strsplit (pattern, ".", 3);
  g_auto(GStrv) c = g_strsplit (code, ".", 3);
  int exact = 0;

  if (g_strv_length (c) != 3)
    return 0;
  for (guint i = 0; i < 3; i++)
    {
      if (g_str_equal (p[i], "*"))
        continue;
      if (!g_str_equal (p[i], c[i]))
        return 0;
      exact++;
    }
  return exact == 3 ? 8 : exact == 2 && g_str_equal (p[2], "*") ? 3 : exact == 2 ? 5 : 1;
}

/* Fixes for these are about the sending side or the network, not the server's product. */
static const char * const sd_side_products[] = {
  "generic", "network", "client-code", "appliance", "windows", "azure", NULL
};

/* @ids ("exchange-online") against the facts @prefix + id: 1 one holds, -1 another
 * one of that kind holds, 0 nothing of that kind is known. */
static int
sd_side_match (GPtrArray         *ids,
               const char        *prefix,
               const SdHintInput *input)
{
  GHashTableIter iter;
  const char *fact;
  gboolean other = FALSE;

  g_hash_table_iter_init (&iter, input->facts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &fact, NULL))
    {
      if (!g_str_has_prefix (fact, prefix))
        continue;
      for (guint i = 0; i < ids->len; i++)
        if (g_str_equal (fact + strlen (prefix), ids->pdata[i]))
          return 1;
      other = TRUE;
    }
  return other ? -1 : 0;
}

/* Who answered: a rule written for that product gains, one written only for another
 * product loses. FALSE: the rule names servers or clients and others were seen. */
static gboolean
sd_rule_product_score (const SdHintRule  *rule,
                       const SdHintInput *input,
                       SdHintMatch       *match)
{
  int side;
  gboolean specific = FALSE, generic = FALSE, detected = FALSE, mine = FALSE;

  if (rule->servers->len > 0)
    {
      side = sd_side_match (rule->servers, "server-", input);
      if (side < 0)
        return FALSE;
      match->score += side > 0 ? 4 : 0;
      match->recognised |= side > 0;
    }
  if (rule->clients->len > 0)
    {
      side = sd_side_match (rule->clients, "client-", input);
      if (side < 0)
        return FALSE;
      match->score += side > 0 ? 4 : 0;
      match->recognised |= side > 0;
    }
  if (rule->servers->len > 0 || input->products->len == 0)
    return TRUE;
  for (guint i = 0; i < rule->fixes->len; i++)
    {
      const char *product = ((SdHintFix *) rule->fixes->pdata[i])->product;
      g_autofree char *fact = g_strconcat ("server-", product, NULL);
      if (g_strv_contains (sd_side_products, product))
        {
          generic |= g_str_equal (product, "generic");
          continue;
        }
      /* The server that answered (named in the reply) counts, not the one that logged;
       * a product with no signature to recognise it by is never "another" one. */
      mine |= g_ptr_array_find_with_equal_func (input->products, product, g_str_equal, NULL);
      specific |= g_strv_contains (_sd_hint_known_facts, fact);
    }
  for (guint i = 0; i < input->products->len; i++)
    detected |= !g_strv_contains (sd_side_products, input->products->pdata[i]);
  match->recognised |= mine;
  if (mine)
    match->score += 2;
  else if (detected && specific && !generic)
    match->score -= 3;
  return TRUE;
}

/* Host names and dotted identifiers are matched as written; other fragments in the
 * cleaned line (no host names, log fields or version numbers). */
static gboolean
sd_fragment_is_dotted (const char *fragment)
{
  const char *dot = strchr (fragment, '.');

  if (dot == NULL || strchr (fragment, ' ') != NULL)
    return FALSE;
  for (const char *p = fragment; *p; p++)
    if (g_ascii_isalpha (*p))
      return TRUE;
  return FALSE;
}

static gboolean
sd_in_replies (const SdHintInput *input,
               const char        *fragment)
{
  for (guint i = 0; i < input->replies->len; i++)
    if (strstr (((SdHintReply *) input->replies->pdata[i])->folded, fragment) != NULL)
      return TRUE;
  return FALSE;
}

/* "in_reply": at least one fragment inside a quoted failing reply. */
static gboolean
sd_rule_in_reply (const SdHintRule  *rule,
                  const SdHintInput *input,
                  SdHintMatch       *match)
{
  int best = 0;

  for (guint i = 0; i < rule->in_reply->len; i++)
    if (sd_in_replies (input, rule->in_reply->pdata[i]))
      best = MAX (best, 7 + MIN ((int) strlen (rule->in_reply->pdata[i]) / 6, 6));
  if (best == 0)
    return FALSE;
  match->score += best;
  return TRUE;
}

/* Text and regexes: longer fragments say more; in pasted text that quotes a reply, a
 * fragment counts fully inside the reply and much less in the words around it (the
 * admin's own words, Postfix's relay= field, other lines). */
static gboolean
sd_rule_text (const SdHintRule  *rule,
              const SdHintInput *input,
              SdHintMatch       *match)
{
  gboolean weigh_place = input->from_text && input->replies->len > 0;
  gboolean no_reply = input->from_text && input->codes->len == 0 && input->enhanced->len == 0 &&
                      (rule->codes->len > 0 || rule->enhanced->len > 0);
  GPtrArray *regexes = rule->regex_src->len > 0 ? _sd_hint_rule_get_regexes (rule) : NULL;
  g_autofree gint8 *in_reply = g_new0 (gint8, rule->text->len);   /* 0: not asked yet */
  gboolean hit = FALSE;
  double best = 0;

  for (guint l = 0; l < input->folded->len; l++)
    {
      gboolean line_hit = FALSE;
      for (guint i = 0; i < rule->text->len; i++)
        {
          const char *fragment = rule->text->pdata[i];
          gboolean dotted = sd_fragment_is_dotted (fragment);
          const char *haystack = dotted ? input->raw_folded->pdata[l] : input->folded->pdata[l];
          double score = 5 + MIN ((int) strlen (fragment) / 6, 6);

          if (strstr (haystack, fragment) == NULL)
            continue;
          if (weigh_place && in_reply[i] == 0)
            in_reply[i] = sd_in_replies (input, fragment) ? 1 : -1;
          if (weigh_place && !dotted && in_reply[i] < 0)
            score /= 2.5;
          /* A rule about a server's reply, and no reply in the text: a word alone
           * ("relay") says little. */
          else if (no_reply && !dotted)
            score /= 2;
          best = MAX (best, score);
          line_hit = TRUE;
        }
      /* A regex may name a host or an address, which the cleaning replaced: the line
       * as written counts too. */
      for (guint i = 0; regexes != NULL && i < regexes->len; i++)
        if (g_regex_match (regexes->pdata[i], input->clean->pdata[l], 0, NULL) ||
            g_regex_match (regexes->pdata[i], input->lines->pdata[l], 0, NULL))
          {
            best = MAX (best, 9);
            line_hit = TRUE;
          }
      if (line_hit)
        sd_evidence_add (match->evidence, input->lines->pdata[l]);
      hit |= line_hit;
    }
  match->score += best;
  return hit;
}

/* "any_facts": the evidence of the first one that holds, or NULL. */
static const char *
sd_rule_any_fact (const SdHintRule  *rule,
                  const SdHintInput *input)
{
  for (guint i = 0; i < rule->any_facts->len; i++)
    {
      const char *evidence = g_hash_table_lookup (input->facts, rule->any_facts->pdata[i]);
      if (evidence != NULL)
        return evidence;
    }
  return NULL;
}

/* Best of the rule's codes against the input's: 0 when none matches. */
static int
sd_rule_codes (const SdHintRule  *rule,
               const SdHintInput *input)
{
  int best = 0;

  for (guint i = 0; i < rule->codes->len; i++)
    for (guint j = 0; j < input->codes->len; j++)
      best = MAX (best, sd_code_match (rule->codes->pdata[i],
                                       g_array_index (input->codes, guint, j)));
  return best;
}

/* An exact enhanced code is what the server said about this very cause: in pasted
 * text it must beat any class match plus a phrase (a report has the session's facts,
 * which weigh more). */
static int
sd_rule_enhanced (const SdHintRule  *rule,
                  const SdHintInput *input)
{
  int best = 0;

  for (guint i = 0; i < rule->enhanced->len; i++)
    for (guint j = 0; j < input->enhanced->len; j++)
      best = MAX (best, sd_enhanced_match (rule->enhanced->pdata[i], input->enhanced->pdata[j]));
  return best == 8 && input->from_text ? 12 : best;
}

static gboolean
sd_rule_filters (const SdHintRule  *rule,
                 const SdHintInput *input,
                 SdHintMatch       *match)
{
  if (rule->when == SD_HINT_WHEN_FAILURE && !input->failed &&
      !(input->from_text && (rule->text->len > 0 || rule->regex_src->len > 0 ||
                             rule->any_facts->len > 0)))
    return FALSE;
  if (rule->when == SD_HINT_WHEN_SUCCESS && !input->succeeded)
    return FALSE;
  if (rule->stages != 0 && input->stage_known && !(rule->stages & (1u << input->stage)))
    return FALSE;
  if (rule->stages != 0 && input->stage_known)
    match->score += 2;
  /* A rule that needs the stage to make sense of a bare code says nothing without it. */
  if (rule->stages != 0 && !input->stage_known && rule->text->len == 0 &&
      rule->regex_src->len == 0 && rule->facts->len == 0 && rule->in_reply->len == 0 &&
      rule->any_facts->len == 0)
    return FALSE;
  for (guint i = 0; i < rule->not_facts->len; i++)
    if (g_hash_table_contains (input->facts, rule->not_facts->pdata[i]))
      return FALSE;
  return sd_rule_product_score (rule, input, match);
}

gboolean
_sd_hint_rule_match (const SdHintRule  *rule,
                     const SdHintInput *input,
                     SdHintMatch       *match)
{
  gboolean triggered = FALSE, text_hit;
  const char *any_fact;
  int best;

  if (!sd_rule_filters (rule, input, match))
    return FALSE;
  for (guint i = 0; i < rule->facts->len; i++)
    {
      const char *evidence = g_hash_table_lookup (input->facts, rule->facts->pdata[i]);
      if (evidence == NULL)
        return FALSE;
      sd_evidence_add (match->evidence, evidence);
      match->score += 6;
      triggered = TRUE;
    }

  /* Codes and enhanced codes filter only when the input has some to compare. */
  if (rule->codes->len > 0 && input->codes->len > 0)
    {
      if ((best = sd_rule_codes (rule, input)) == 0)
        return FALSE;
      match->score += best;
      triggered = TRUE;
    }
  if (rule->enhanced->len > 0 && input->enhanced->len > 0)
    {
      if ((best = sd_rule_enhanced (rule, input)) == 0)
        return FALSE;
      match->score += best;
      triggered = TRUE;
    }
  if (rule->in_reply->len > 0)
    {
      if (!sd_rule_in_reply (rule, input, match))
        return FALSE;
      triggered = TRUE;
    }
  /* Text is what makes most rules specific: without it they do not fire, unless a
   * fact the extractor reasoned out (the same words in any language, a port that does
   * not go with its security mode) says the same thing. */
  any_fact = sd_rule_any_fact (rule, input);
  text_hit = (rule->text->len > 0 || rule->regex_src->len > 0) && sd_rule_text (rule, input, match);
  if (!text_hit && any_fact == NULL && (rule->text->len > 0 || rule->regex_src->len > 0))
    return FALSE;
  if (any_fact != NULL)
    {
      /* Alone it weighs like an exact enhanced code (the extractor reasoned it out from
       * the whole text); beside the rule's own words it only confirms. */
      sd_evidence_add (match->evidence, any_fact);
      match->score += text_hit ? 1 : 12;
    }
  triggered |= text_hit || any_fact != NULL;

  if (!triggered)
    return FALSE;
  match->score += rule->weight;
  return TRUE;
}
