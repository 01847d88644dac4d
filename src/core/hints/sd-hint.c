/* sd-hint.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

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
