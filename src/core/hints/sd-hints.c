/* sd-hints.c: scoring the knowledge base's rules against a report or pasted text
 *
 * A rule fires when none of its filters is violated (stage, reply code, enhanced code,
 * facts) and at least one trigger hits (a fact, a text fragment or regex, a code). Its
 * score adds up how specific the hits were, so "535 5.7.139 ... SmtpClientAuthentication
 * is disabled" beats the generic 535 rule. Unknown inputs (no stage in pasted text)
 * neither reject nor score.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "sd-hints.h"
#include "sd-hints-private.h"
#include "sd-hints-resources.h"
#include "sd-json-private.h"
#include "sd-session-error.h"

#define SD_HINTS_RESOURCE_BASE  "/org/smtpdoctor/hints/kb.json"
#define SD_HINTS_RESOURCE_RULES "/org/smtpdoctor/hints/rules/"
#define SD_HINTS_RESOURCE_EVIDENCE "/org/smtpdoctor/hints/evidence.json"
#define SD_HINTS_MAX      8     /* more than this is noise */

static gint
sd_strcmp (gconstpointer a,
           gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* kb.json and every file under rules/, in name order (the build validated them all, so
 * failing here is a packaging bug). */
static SdHintKb *
sd_hints_load_resources (void)
{
  GResource *resource = sd_hints_get_resource ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) base = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) children = NULL;
  SdHintKb *kb;

  base = g_resource_lookup_data (resource, SD_HINTS_RESOURCE_BASE, 0, &error);
  children = g_resource_enumerate_children (resource, SD_HINTS_RESOURCE_RULES, 0,
                                            error == NULL ? &error : NULL);
  if (base == NULL || children == NULL)
    g_error ("Cannot load the hints knowledge base: %s", error->message);
  qsort (children, g_strv_length (children), sizeof (char *), sd_strcmp);

  g_ptr_array_add (names, g_strdup (SD_HINTS_RESOURCE_BASE));
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (SD_HINTS_RESOURCE_RULES, children[i], NULL);
      GBytes *bytes = g_resource_lookup_data (resource, path, 0, &error);
      if (bytes == NULL)
        g_error ("Cannot load the hints knowledge base: %s", error->message);
      g_ptr_array_add (files, bytes);
      g_ptr_array_add (names, g_steal_pointer (&path));
    }
  g_ptr_array_add (names, NULL);

  kb = _sd_hint_kb_load (base, files, (const char *const *) names->pdata, TRUE, &error);
  if (kb == NULL)
    g_error ("Cannot load the hints knowledge base: %s", error->message);
  return kb;
}

const SdHintKb *
_sd_hints_get_kb (void)
{
  static gsize once = 0;
  static SdHintKb *kb = NULL;

  if (g_once_init_enter (&once))
    {
      kb = sd_hints_load_resources ();
      g_once_init_leave (&once, 1);
    }
  return kb;
}

const SdHintEvidence *
_sd_hints_get_evidence (void)
{
  static gsize once = 0;
  static SdHintEvidence *evidence = NULL;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_resource_lookup_data (sd_hints_get_resource (),
                                                        SD_HINTS_RESOURCE_EVIDENCE, 0, &error);
      if (bytes != NULL)
        evidence = _sd_hint_evidence_load (bytes, SD_HINTS_RESOURCE_EVIDENCE, &error);
      if (evidence == NULL)
        g_error ("Cannot load the hints evidence signatures: %s", error->message);
      g_once_init_leave (&once, 1);
    }
  return evidence;
}

guint
sd_hints_get_n_rules (void)
{
  return _sd_hints_get_kb ()->rules->len;
}

/* --- matching -------------------------------------------------------------------- */

typedef struct {
  double     score;
  GPtrArray *evidence;   /* (element-type utf8) */
} SdMatch;

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
                       SdMatch           *match)
{
  int side;
  gboolean specific = FALSE, generic = FALSE, detected = FALSE, mine = FALSE;

  if (rule->servers->len > 0)
    {
      side = sd_side_match (rule->servers, "server-", input);
      if (side < 0)
        return FALSE;
      match->score += side > 0 ? 4 : 0;
    }
  if (rule->clients->len > 0)
    {
      side = sd_side_match (rule->clients, "client-", input);
      if (side < 0)
        return FALSE;
      match->score += side > 0 ? 4 : 0;
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
      specific = TRUE;
      mine |= g_hash_table_contains (input->facts, fact);
    }
  for (guint i = 0; i < input->products->len; i++)
    detected |= !g_strv_contains (sd_side_products, input->products->pdata[i]);
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
                  SdMatch           *match)
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
              SdMatch           *match)
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
      for (guint i = 0; regexes != NULL && i < regexes->len; i++)
        if (g_regex_match (regexes->pdata[i], input->clean->pdata[l], 0, NULL))
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
                 SdMatch           *match)
{
  if (rule->when == SD_HINT_WHEN_FAILURE && !input->failed &&
      !(input->from_text && (rule->text->len > 0 || rule->regex_src->len > 0)))
    return FALSE;
  if (rule->when == SD_HINT_WHEN_SUCCESS && !input->succeeded)
    return FALSE;
  if (rule->stages != 0 && input->stage_known && !(rule->stages & (1u << input->stage)))
    return FALSE;
  if (rule->stages != 0 && input->stage_known)
    match->score += 2;
  /* A rule that needs the stage to make sense of a bare code says nothing without it. */
  if (rule->stages != 0 && !input->stage_known && rule->text->len == 0 &&
      rule->regex_src->len == 0 && rule->facts->len == 0 && rule->in_reply->len == 0)
    return FALSE;
  for (guint i = 0; i < rule->not_facts->len; i++)
    if (g_hash_table_contains (input->facts, rule->not_facts->pdata[i]))
      return FALSE;
  return sd_rule_product_score (rule, input, match);
}

static gboolean
sd_rule_match (const SdHintRule  *rule,
               const SdHintInput *input,
               SdMatch           *match)
{
  gboolean triggered = FALSE;
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
  /* Text is what makes most rules specific: without it they do not fire. */
  if (rule->text->len > 0 || rule->regex_src->len > 0)
    {
      if (!sd_rule_text (rule, input, match))
        return FALSE;
      triggered = TRUE;
    }

  if (!triggered)
    return FALSE;
  match->score += rule->weight;
  return TRUE;
}

static gboolean
sd_is_placeholder (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_islower (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* {host}, {auth-before}, ... from the input; unknown ones become a neutral word. */
static char *
sd_expand (const char        *text,
           const SdHintInput *input)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      const char *open = strchr (p, '{');
      const char *close = open ? strchr (open, '}') : NULL;
      g_autofree char *name = NULL;
      const char *value;

      if (open == NULL || close == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);
      name = g_strndup (open + 1, close - open - 1);
      value = g_hash_table_lookup (input->vars, name);
      if (value == NULL && !sd_is_placeholder (name))
        g_string_append_len (out, open, close - open + 1);   /* not ours: {0} in a regex */
      else if (value == NULL)
        g_string_append_printf (out, "<%s>", name);
      else
        {
          g_autofree char *escaped = sd_text_escape (value);
          g_string_append (out, escaped);
        }
      p = close + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The detected products first (in the order detected), then "generic", then the rest
 * as the rule lists them (a stable sort: the original index breaks ties). */
static int
sd_fix_rank (const SdHintFix *fix,
             GPtrArray       *products)
{
  for (guint i = 0; i < products->len; i++)
    if (g_str_equal (fix->product, products->pdata[i]))
      return (int) i;
  return g_str_equal (fix->product, "generic") ? (int) products->len : (int) products->len + 1;
}

static int
sd_fix_compare (gconstpointer a,
                gconstpointer b,
                gpointer      products)
{
  const SdHintFix *x = *(const SdHintFix **) a;
  const SdHintFix *y = *(const SdHintFix **) b;

  return sd_fix_rank (x, products) - sd_fix_rank (y, products);
}

static SdHint *
sd_hint_from_rule (const SdHintRule  *rule,
                   const SdHintInput *input,
                   SdMatch           *match)
{
  SdHint *hint = g_new0 (SdHint, 1);

  hint->id = g_strdup (rule->id);
  hint->severity = rule->severity;
  hint->title = sd_expand (rule->title, input);
  hint->detail = sd_expand (rule->detail, input);
  hint->evidence = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < match->evidence->len; i++)
    {
      g_autofree char *escaped = sd_text_escape (match->evidence->pdata[i]);
      g_ptr_array_add (hint->evidence, g_steal_pointer (&escaped));
    }
  hint->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  for (guint i = 0; i < rule->fixes->len; i++)
    {
      const SdHintFix *fix = rule->fixes->pdata[i];
      SdHintFix *copy = g_new0 (SdHintFix, 1);
      copy->product = g_strdup (fix->product);
      copy->label = g_strdup (fix->label);
      copy->steps = g_ptr_array_new_with_free_func (g_free);
      for (guint j = 0; j < fix->steps->len; j++)
        g_ptr_array_add (copy->steps, sd_expand (fix->steps->pdata[j], input));
      g_ptr_array_add (hint->fixes, copy);
    }
  if (input->products->len > 0)
    g_ptr_array_sort_with_data (hint->fixes, sd_fix_compare, input->products);
  hint->score = match->score;
  return hint;
}

/* --- the fallback: what the codes themselves mean -------------------------------- */

static SdHint *
sd_hint_fallback (const SdHintKb    *kb,
                  const SdHintInput *input,
                  const GError      *error)
{
  SdHint *hint = g_new0 (SdHint, 1);
  g_autoptr(GString) detail = g_string_new (NULL);
  const char *enhanced = input->enhanced->len > 0 ? input->enhanced->pdata[0] : NULL;
  guint code = 0;
  SdHintFix *fix;

  for (guint i = 0; i < input->codes->len && code == 0; i++)
    if (g_array_index (input->codes, guint, i) >= 400)
      code = g_array_index (input->codes, guint, i);

  hint->evidence = g_ptr_array_new_with_free_func (g_free);
  if (code != 0)
    {
      g_autofree char *key = g_strdup_printf ("%u", code);
      g_autofree char *class_key = g_strdup_printf ("%cxx", key[0]);
      const char *meaning = g_hash_table_lookup (kb->basic, key);
      if (meaning == NULL)
        meaning = g_hash_table_lookup (kb->basic, class_key);
      if (meaning != NULL)
        g_string_append_printf (detail, "%u: %s ", code, meaning);
    }
  if (enhanced != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (enhanced, ".", 3);
      g_autofree char *detail_key = g_strdup_printf ("%s.%s", parts[1], parts[2]);
      const char *klass = g_hash_table_lookup (kb->classes, parts[0]);
      const char *subject = g_hash_table_lookup (kb->subjects, parts[1]);
      const char *meaning = g_hash_table_lookup (kb->details, detail_key);
      g_string_append_printf (detail, "%s: ", enhanced);
      if (meaning != NULL)
        g_string_append_printf (detail, "%s. ", meaning);
      if (subject != NULL)
        g_string_append_printf (detail, "%s. ", subject);
      if (klass != NULL)
        g_string_append (detail, klass);
    }
  if (code == 0 && enhanced == NULL)
    {
      g_string_append (detail, _("No reply code to explain; the error above is what the "
                                 "connection itself reported."));
      hint->id = g_strdup_printf ("fallback-%s", error != NULL && error->domain == SD_SESSION_ERROR
                                                 ? sd_session_error_name (error) : "unknown");
    }
  else
    hint->id = g_strdup_printf ("fallback-%s", enhanced != NULL ? enhanced : "code");

  for (guint i = 0; i < input->lines->len && hint->evidence->len < 3; i++)
    {
      g_autofree char *escaped = sd_text_escape (input->lines->pdata[i]);
      g_ptr_array_add (hint->evidence, g_steal_pointer (&escaped));
    }
  hint->severity = code >= 400 && code < 500 ? SD_HINT_WARNING : SD_HINT_ERROR;
  hint->title = g_strdup (_("What the server's reply means"));
  hint->detail = g_strstrip (g_string_free (g_steal_pointer (&detail), FALSE));
  hint->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  fix = g_new0 (SdHintFix, 1);
  fix->product = g_strdup ("generic");
  fix->label = g_strdup (g_hash_table_lookup (kb->products, "generic"));
  fix->steps = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fix->steps, g_strdup (_(
    "Read the whole reply text: servers put the specific reason after the code.")));
  g_ptr_array_add (fix->steps, g_strdup (_(
    "4xx replies are temporary: retry after a few minutes. 5xx replies are permanent: "
    "change the setting, address or message they name, then try again.")));
  g_ptr_array_add (fix->steps, g_strdup (_(
    "Look the same time up in the server's own log (Exchange protocol log, Postfix "
    "mail.log, Kerio debug log) for the reason it did not send.")));
  g_ptr_array_add (hint->fixes, fix);
  hint->score = 0;
  return hint;
}

/* A program's error without any reply code: still worth a hint (never silence). */
static SdHint *
sd_hint_fallback_error (const SdHintKb    *kb,
                        const SdHintInput *input)
{
  SdHint *hint = g_new0 (SdHint, 1);
  SdHintFix *fix = g_new0 (SdHintFix, 1);

  hint->id = g_strdup ("fallback-client-error");
  hint->severity = SD_HINT_ERROR;
  hint->title = g_strdup (_("What the program's error means"));
  hint->detail = g_strdup (_("The text shows an error of the sending program but no reply "
                             "from the server: the name lookup, the connection or TLS failed "
                             "before the server answered, or the program gave up on its own."));
  hint->evidence = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < input->lines->len && hint->evidence->len < 3; i++)
    g_ptr_array_add (hint->evidence, sd_text_escape (input->lines->pdata[i]));
  fix->product = g_strdup ("generic");
  fix->label = g_strdup (g_hash_table_lookup (kb->products, "generic"));
  fix->steps = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fix->steps, g_strdup (_(
    "Read the innermost error (after the last “--->”, “Caused by:” or “nested exception "
    "is:”): it names what really failed.")));
  g_ptr_array_add (fix->steps, g_strdup (_(
    "Compare the program's server name, port and security setting (STARTTLS or TLS from the "
    "first byte) with what the server expects.")));
  g_ptr_array_add (fix->steps, g_strdup (_(
    "Test the same server and port from the same machine with SMTP Doctor: it shows which "
    "step fails.")));
  hint->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  g_ptr_array_add (hint->fixes, fix);
  hint->score = 0;
  return hint;
}

static int
sd_hint_compare (gconstpointer a,
                 gconstpointer b)
{
  const SdHint *x = *(const SdHint **) a;
  const SdHint *y = *(const SdHint **) b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->severity != y->severity)
    return (int) x->severity - (int) y->severity;
  return strcmp (x->id, y->id);   /* qsort is not stable: keep the order reproducible */
}

static GPtrArray *
sd_hints_diagnose (const SdHintInput *input,
                   const GError      *error)
{
  const SdHintKb *kb = _sd_hints_get_kb ();
  GPtrArray *hints = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_free);
  gboolean any_error = FALSE;

  for (guint i = 0; i < kb->rules->len; i++)
    {
      const SdHintRule *rule = kb->rules->pdata[i];
      SdMatch match = { 0, g_ptr_array_new_with_free_func (g_free) };
      if (sd_rule_match (rule, input, &match))
        {
          g_ptr_array_add (hints, sd_hint_from_rule (rule, input, &match));
          any_error |= rule->severity == SD_HINT_ERROR || rule->when != SD_HINT_WHEN_SUCCESS;
        }
      g_ptr_array_unref (match.evidence);
    }
  g_ptr_array_sort (hints, sd_hint_compare);
  if (hints->len > SD_HINTS_MAX)
    g_ptr_array_set_size (hints, SD_HINTS_MAX);

  /* Every failure gets an explanation, and a code worth explaining gets one last. */
  if (input->failed && (hints->len == 0 || input->enhanced->len > 0 || !any_error) &&
      (!input->from_text || input->codes->len > 0 || input->enhanced->len > 0))
    g_ptr_array_add (hints, sd_hint_fallback (kb, input, error));
  else if (hints->len == 0 && input->from_text && input->error_seen)
    g_ptr_array_add (hints, sd_hint_fallback_error (kb, input));
  return hints;
}

GPtrArray *
sd_diagnose_report (const SdReport *report)
{
  g_autoptr(SdHintInput) input = NULL;

  g_return_val_if_fail (report != NULL, NULL);
  input = _sd_hint_input_new_from_report (report);
  return sd_hints_diagnose (input, report->error);
}

GPtrArray *
sd_hints_diagnose_text (const char *text)
{
  g_autoptr(SdHintInput) input = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  input = _sd_hint_input_new_from_text (text);
  if (input->lines->len == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_free);
  return sd_hints_diagnose (input, NULL);
}

char *
sd_hints_to_json (GPtrArray *hints)
{
  return _sd_json_dump (json_pack ("{s:o}", "hints", _sd_json_hints (hints)), FALSE);
}
