/* sd-hints.c: the knowledge base's rules against a report or pasted text, ranked
 *
 * Loads the built-in knowledge base and evidence signatures, scores every rule
 * (sd-hints-score.c), turns the ones that fire into hints with the detected product's
 * fixes first, and adds a fallback so that no failure ends without a hint.
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
#include "sd-json-variant-private.h"
#include "sd-session-error.h"

#define SD_HINTS_RESOURCE_COMPILED "/org/smtpdoctor/hints/kb.gvariant"
#define SD_HINTS_RESOURCE_EVIDENCE "/org/smtpdoctor/hints/evidence.json"
#define SD_HINTS_MAX      8     /* more than this is noise */

/* kb.json and every rule file, compiled by the build into GVariant data (sd-hints-validate
 * --compile, which validated them all: failing here is a packaging bug). */
static SdHintKb *
sd_hints_load_resources (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = g_resource_lookup_data (sd_hints_get_resource (),
                                                   SD_HINTS_RESOURCE_COMPILED, 0, &error);
  g_autoptr(GVariant) files = NULL;
  SdHintKb *kb;

  if (data == NULL)
    g_error ("Cannot load the hints knowledge base: %s", error->message);
  files = g_variant_ref_sink (g_variant_new_from_bytes (SD_JSON_VARIANT_TYPE, data, TRUE));
  /* Written little-endian by the build (sd-hints-validate.c). */
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (files);
      g_variant_unref (files);
      files = swapped;
    }
  kb = _sd_hint_kb_load_compiled (files, TRUE, &error);
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
                   SdHintMatch       *match)
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

/* The fallbacks' one fix, for any server: three steps (already translated). */
static GPtrArray *
sd_generic_fixes (const SdHintKb *kb,
                  const char     *step1,
                  const char     *step2,
                  const char     *step3)
{
  GPtrArray *fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  SdHintFix *fix = g_new0 (SdHintFix, 1);

  fix->product = g_strdup ("generic");
  fix->label = g_strdup (g_hash_table_lookup (kb->products, "generic"));
  fix->steps = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fix->steps, g_strdup (step1));
  g_ptr_array_add (fix->steps, g_strdup (step2));
  g_ptr_array_add (fix->steps, g_strdup (step3));
  g_ptr_array_add (fixes, fix);
  return fixes;
}

/* --- the fallback: what the codes themselves mean -------------------------------- */

/* The first enhanced code of a failure (4.X.X, 5.X.X): a "220 2.0.0 Ready to start
 * TLS" before a certificate failure is not what failed. */
static const char *
sd_failure_enhanced (const SdHintInput *input)
{
  for (guint i = 0; i < input->enhanced->len; i++)
    {
      const char *code = input->enhanced->pdata[i];
      if (code[0] == '4' || code[0] == '5')
        return code;
    }
  return NULL;
}

static SdHint *
sd_hint_fallback (const SdHintKb    *kb,
                  const SdHintInput *input,
                  const GError      *error)
{
  SdHint *hint = g_new0 (SdHint, 1);
  g_autoptr(GString) detail = g_string_new (NULL);
  const char *enhanced = sd_failure_enhanced (input);
  guint code = 0;

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
  /* A temporary failure (4xx, or 4.X.X without a code) is a warning, as its rules are. */
  hint->severity = (code >= 400 && code < 500) || (code == 0 && enhanced != NULL &&
                                                   enhanced[0] == '4')
                   ? SD_HINT_WARNING : SD_HINT_ERROR;
  hint->title = g_strdup (_("What the server's reply means"));
  hint->detail = g_strstrip (g_string_free (g_steal_pointer (&detail), FALSE));
  hint->fixes = sd_generic_fixes (kb,
    _("Read the whole reply text: servers put the specific reason after the code."),
    _("4xx replies are temporary: retry after a few minutes. 5xx replies are permanent: "
      "change the setting, address or message they name, then try again."),
    _("Look the same time up in the server's own log (Exchange protocol log, Postfix "
      "mail.log, Kerio debug log) for the reason it did not send."));
  hint->score = 0;
  return hint;
}

/* A program's error without any reply code: still worth a hint (never silence). */
static SdHint *
sd_hint_fallback_error (const SdHintKb    *kb,
                        const SdHintInput *input)
{
  SdHint *hint = g_new0 (SdHint, 1);

  hint->id = g_strdup ("fallback-client-error");
  hint->severity = SD_HINT_ERROR;
  hint->title = g_strdup (_("What the program's error means"));
  hint->detail = g_strdup (_("The text shows an error of the sending program but no reply "
                             "from the server: the name lookup, the connection or TLS failed "
                             "before the server answered, or the program gave up on its own."));
  hint->evidence = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < input->lines->len && hint->evidence->len < 3; i++)
    g_ptr_array_add (hint->evidence, sd_text_escape (input->lines->pdata[i]));
  hint->fixes = sd_generic_fixes (kb,
    _("Read the innermost error (after the last “--->”, “Caused by:” or “nested exception "
      "is:”): it names what really failed."),
    _("Compare the program's server name, port and security setting (STARTTLS or TLS from "
      "the first byte) with what the server expects."),
    _("Test the same server and port from the same machine with SMTP Doctor: it shows which "
      "step fails."));
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

/* A rule that "refines" another (the same cause, for the client or product at hand)
 * ranks just above it when both fire, if its client or product was recognised (or,
 * for a rule not tied to one, its own words scored nearly as well): its fixes are
 * the ones to follow. */
static void
sd_hints_rank_refinements (GPtrArray *hints,
                           GPtrArray *rules,
                           GArray    *recognised)
{
  for (guint i = 0; i < hints->len; i++)
    {
      SdHint *hint = hints->pdata[i];
      const SdHintRule *rule = rules->pdata[i];

      if (rule->refines == NULL)
        continue;
      for (guint j = 0; j < hints->len; j++)
        {
          const SdHint *general = hints->pdata[j];
          if (g_str_equal (general->id, rule->refines) &&
              (g_array_index (recognised, gboolean, i) ||
               (rule->clients->len == 0 && rule->servers->len == 0 &&
                hint->score >= general->score - 2)))
            hint->score = MAX (hint->score, general->score + 1);
        }
    }
}

/* G_MESSAGES_DEBUG=all: what the rules saw and how each one that fired scored. */
static void
sd_hints_debug (const SdHintInput *input,
                GPtrArray         *hints)
{
  GHashTableIter iter;
  const char *fact;

  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      g_hash_table_iter_init (&iter, input->facts);
      while (g_hash_table_iter_next (&iter, (gpointer *) &fact, NULL))
        g_debug ("fact %s", fact);
      for (guint i = 0; i < input->products->len; i++)
        g_debug ("product %s", (const char *) input->products->pdata[i]);
      for (guint i = 0; i < hints->len; i++)
        g_debug ("hint %5.1f %s", ((SdHint *) hints->pdata[i])->score,
                 ((SdHint *) hints->pdata[i])->id);
    }
}

static GPtrArray *
sd_hints_diagnose (const SdHintInput *input,
                   const GError      *error)
{
  const SdHintKb *kb = _sd_hints_get_kb ();
  GPtrArray *hints = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_free);
  g_autoptr(GPtrArray) rules = g_ptr_array_new ();   /* hints[i] is from rules[i] */
  g_autoptr(GArray) recognised = g_array_new (FALSE, FALSE, sizeof (gboolean));
  SdHint *fallback = NULL;
  gboolean any_error = FALSE;

  for (guint i = 0; i < kb->rules->len; i++)
    {
      const SdHintRule *rule = kb->rules->pdata[i];
      SdHintMatch match = { 0, g_ptr_array_new_with_free_func (g_free) };
      if (_sd_hint_rule_match (rule, input, &match))
        {
          g_ptr_array_add (hints, sd_hint_from_rule (rule, input, &match));
          g_ptr_array_add (rules, (gpointer) rule);
          g_array_append_val (recognised, match.recognised);
          any_error |= rule->severity == SD_HINT_ERROR || rule->when != SD_HINT_WHEN_SUCCESS;
        }
      g_ptr_array_unref (match.evidence);
    }
  sd_hints_rank_refinements (hints, rules, recognised);
  g_ptr_array_sort (hints, sd_hint_compare);
  sd_hints_debug (input, hints);
  if (hints->len > SD_HINTS_MAX)
    g_ptr_array_set_size (hints, SD_HINTS_MAX);

  /* Every failure gets an explanation, and a code worth explaining gets one last. */
  if (input->failed && (hints->len == 0 || sd_failure_enhanced (input) != NULL || !any_error) &&
      (!input->from_text || input->codes->len > 0 || input->enhanced->len > 0))
    fallback = sd_hint_fallback (kb, input, error);
  else if (hints->len == 0 && input->from_text && input->error_seen)
    fallback = sd_hint_fallback_error (kb, input);
  if (fallback != NULL)
    {
      /* Last also by score: rules with a negative weight can score below zero. */
      if (hints->len > 0)
        fallback->score = MIN (fallback->score,
                               ((SdHint *) hints->pdata[hints->len - 1])->score);
      g_ptr_array_add (hints, fallback);
    }
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
