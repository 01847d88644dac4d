/* sd-hint.c: a hint, and hints as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-hint.h"
#include "sd-strings-private.h"

void
sd_hint_fix_free (SdHintFix *fix)
{
  if (fix == NULL)
    return;
  g_free (fix->product);
  g_free (fix->label);
  g_clear_pointer (&fix->steps, g_ptr_array_unref);
  g_free (fix);
}

void
sd_hint_free (SdHint *hint)
{
  if (hint == NULL)
    return;
  g_free (hint->id);
  g_free (hint->title);
  g_free (hint->detail);
  g_clear_pointer (&hint->evidence, g_ptr_array_unref);
  g_clear_pointer (&hint->fixes, g_ptr_array_unref);
  g_free (hint);
}

SdHint *
sd_hint_copy (const SdHint *hint)
{
  SdHint *copy = g_new0 (SdHint, 1);

  copy->id = g_strdup (hint->id);
  copy->severity = hint->severity;
  copy->title = g_strdup (hint->title);
  copy->detail = g_strdup (hint->detail);
  copy->evidence = _sd_string_array_copy (hint->evidence);
  copy->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  for (guint i = 0; i < hint->fixes->len; i++)
    {
      const SdHintFix *fix = hint->fixes->pdata[i];
      SdHintFix *fix_copy = g_new0 (SdHintFix, 1);
      fix_copy->product = g_strdup (fix->product);
      fix_copy->label = g_strdup (fix->label);
      fix_copy->steps = _sd_string_array_copy (fix->steps);
      g_ptr_array_add (copy->fixes, fix_copy);
    }
  copy->score = hint->score;
  return copy;
}

const char *
sd_hint_severity_to_string (SdHintSeverity severity)
{
  switch (severity)
    {
    case SD_HINT_ERROR:   return "error";
    case SD_HINT_WARNING: return "warning";
    case SD_HINT_INFO:    return "info";
    default:              g_return_val_if_reached ("info");
    }
}

const char *
sd_hints_text_header (void)
{
  /* The same words as SD_HINTS_TEXT_HEADER (test-hints checks it): xgettext cannot
   * see through the macro. */
  return _("Hints (most likely first):");
}

char *
sd_hints_to_text (GPtrArray *hints)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < hints->len; i++)
    {
      const SdHint *hint = hints->pdata[i];
      g_string_append_printf (out, "%s[%s] %s  (%s)\n", i ? "\n" : "",
                              sd_hint_severity_to_string (hint->severity), hint->title, hint->id);
      g_string_append_printf (out, "  %s\n", hint->detail);
      for (guint j = 0; j < hint->evidence->len; j++)
        /* Translators: %s is what the program saw, e.g. a reply line. */
        g_string_append_printf (out, _("  Evidence: %s\n"), (char *) hint->evidence->pdata[j]);
      for (guint j = 0; j < hint->fixes->len; j++)
        {
          const SdHintFix *fix = hint->fixes->pdata[j];
          /* Translators: %s is a product, e.g. “Exchange Online” or “Any server”. */
          g_string_append_printf (out, _("  Fix — %s:\n"), fix->label);
          for (guint k = 0; k < fix->steps->len; k++)
            g_string_append_printf (out, "    %u. %s\n", k + 1, (char *) fix->steps->pdata[k]);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

SdHint *
sd_hint_new (const char     *id,
          SdHintSeverity  severity,
          double          score,
          const char     *title,
          const char     *detail)
{
  SdHint *hint = g_new0 (SdHint, 1);

  hint->id = g_strdup (id);
  hint->severity = severity;
  hint->score = score;
  hint->title = g_strdup (title);
  hint->detail = g_strdup (detail);
  hint->evidence = g_ptr_array_new_with_free_func (g_free);
  hint->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  return hint;
}

void
sd_hint_add_fix (SdHint     *hint,
              const char *product,
              const char *label,
              const char *step,
              ...)
{
  SdHintFix *fix = g_new0 (SdHintFix, 1);
  va_list args;

  fix->product = g_strdup (product);
  fix->label = g_strdup (label);
  fix->steps = g_ptr_array_new_with_free_func (g_free);
  va_start (args, step);
  for (const char *s = step; s != NULL; s = va_arg (args, const char *))
    g_ptr_array_add (fix->steps, g_strdup (s));
  va_end (args);
  g_ptr_array_add (hint->fixes, fix);
}
