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

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "sd-hints.h"
#include "sd-hints-private.h"
#include "sd-hints-resources.h"
#include "sd-json-private.h"
#include "sd-session-error.h"

#define SD_HINTS_RESOURCE "/org/smtpdoctor/hints/rules.json"
#define SD_HINTS_MAX      8     /* more than this is noise */

const SdHintKb *
_sd_hints_get_kb (void)
{
  static gsize once = 0;
  static SdHintKb *kb = NULL;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_resource_lookup_data (sd_hints_get_resource (),
                                                        SD_HINTS_RESOURCE, 0, &error);
      /* The build validated this very file, so failing here is a packaging bug. */
      if (bytes == NULL || (kb = _sd_hint_kb_load (bytes, TRUE, &error)) == NULL)
        g_error ("Cannot load the hints knowledge base: %s", error->message);
      g_once_init_leave (&once, 1);
    }
  return kb;
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

static gboolean
sd_rule_match (const SdHintRule  *rule,
               const SdHintInput *input,
               SdMatch           *match)
{
  gboolean triggered = FALSE;
  int best;

  if (rule->when == SD_HINT_WHEN_FAILURE && !input->failed &&
      !(input->from_text && (rule->text->len > 0 || rule->regex->len > 0)))
    return FALSE;
  if (rule->when == SD_HINT_WHEN_SUCCESS && !input->succeeded)
    return FALSE;
  if (rule->stages != 0 && input->stage_known && !(rule->stages & (1u << input->stage)))
    return FALSE;
  if (rule->stages != 0 && input->stage_known)
    match->score += 2;
  /* A rule that needs the stage to make sense of a bare code says nothing without it. */
  if (rule->stages != 0 && !input->stage_known && rule->text->len == 0 &&
      rule->regex->len == 0 && rule->facts->len == 0)
    return FALSE;

  for (guint i = 0; i < rule->not_facts->len; i++)
    if (g_hash_table_contains (input->facts, rule->not_facts->pdata[i]))
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
      best = 0;
      for (guint i = 0; i < rule->codes->len; i++)
        for (guint j = 0; j < input->codes->len; j++)
          best = MAX (best, sd_code_match (rule->codes->pdata[i],
                                           g_array_index (input->codes, guint, j)));
      if (best == 0)
        return FALSE;
      match->score += best;
      triggered = TRUE;
    }
  if (rule->enhanced->len > 0 && input->enhanced->len > 0)
    {
      best = 0;
      for (guint i = 0; i < rule->enhanced->len; i++)
        for (guint j = 0; j < input->enhanced->len; j++)
          best = MAX (best, sd_enhanced_match (rule->enhanced->pdata[i],
                                               input->enhanced->pdata[j]));
      if (best == 0)
        return FALSE;
      match->score += best;
      triggered = TRUE;
    }

  if (rule->text->len > 0 || rule->regex->len > 0)
    {
      gboolean hit = FALSE;
      best = 0;
      for (guint l = 0; l < input->folded->len; l++)
        {
          const char *folded = input->folded->pdata[l];
          gboolean line_hit = FALSE;
          for (guint i = 0; i < rule->text->len; i++)
            if (strstr (folded, rule->text->pdata[i]) != NULL)
              {
                /* Longer fragments say more. */
                best = MAX (best, 5 + MIN ((int) strlen (rule->text->pdata[i]) / 6, 6));
                line_hit = TRUE;
              }
          for (guint i = 0; i < rule->regex->len; i++)
            if (g_regex_match (rule->regex->pdata[i], input->lines->pdata[l], 0, NULL))
              {
                best = MAX (best, 9);
                line_hit = TRUE;
              }
          if (line_hit)
            sd_evidence_add (match->evidence, input->lines->pdata[l]);
          hit |= line_hit;
        }
      /* Text is what makes most rules specific: without it they do not fire. */
      if (!hit)
        return FALSE;
      match->score += best;
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
