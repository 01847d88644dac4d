/* sd-stage.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-stage.h"

static const char * const stage_names[SD_N_STAGES] = {
  [SD_STAGE_RESOLVE]  = "resolve",
  [SD_STAGE_CONNECT]  = "connect",
  [SD_STAGE_GREETING] = "greeting",
  [SD_STAGE_EHLO]     = "ehlo",
  [SD_STAGE_STARTTLS] = "starttls",
  [SD_STAGE_TLS]      = "tls",
  [SD_STAGE_AUTH]     = "auth",
  [SD_STAGE_MAIL]     = "mail",
  [SD_STAGE_RCPT]     = "rcpt",
  [SD_STAGE_DATA]     = "data",
  [SD_STAGE_QUIT]     = "quit",
};

const char *
sd_stage_to_string (SdStage stage)
{
  g_return_val_if_fail (stage < SD_N_STAGES, "unknown");
  return stage_names[stage];
}

gboolean
sd_stage_from_string (const char *name,
                      SdStage    *stage)
{
  for (guint i = 0; i < SD_N_STAGES; i++)
    if (g_ascii_strcasecmp (name, stage_names[i]) == 0)
      {
        *stage = i;
        return TRUE;
      }
  return FALSE;
}
