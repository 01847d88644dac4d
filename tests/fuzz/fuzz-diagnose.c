/* fuzz-diagnose.c: libFuzzer harness for `diagnose`: hints from pasted free text
 *
 * Anything may be pasted (logs, bounces, binary junk). The extractor and the rules must
 * give a ranked list whose every hint is complete, and render it as text and JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "sd-hints.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GPtrArray) hints = sd_hints_diagnose_text (text);
  g_autofree char *rendered = NULL;
  g_autofree char *json = NULL;

  if (hints == NULL)
    abort ();
  for (guint i = 0; i < hints->len; i++)
    {
      const SdHint *hint = hints->pdata[i];
      if (hint->id == NULL || hint->title == NULL || hint->detail == NULL ||
          (i > 0 && ((const SdHint *) hints->pdata[i - 1])->score < hint->score))
        abort ();
    }
  rendered = sd_hints_to_text (hints);
  json = sd_hints_to_json (hints);
  if (rendered == NULL || json == NULL)
    abort ();
  return 0;
}
