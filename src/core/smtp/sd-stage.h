/* sd-stage.h: the steps of one SMTP session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_STAGE_RESOLVE,
  SD_STAGE_CONNECT,
  SD_STAGE_GREETING,
  SD_STAGE_EHLO,
  SD_STAGE_STARTTLS,
  SD_STAGE_TLS,        /* handshake and certificate check */
  SD_STAGE_AUTH,
  SD_STAGE_MAIL,
  SD_STAGE_RCPT,
  SD_STAGE_DATA,
  SD_STAGE_QUIT,
  SD_N_STAGES
} SdStage;

/* "resolve", "connect", ..., "quit" */
const char *sd_stage_to_string   (SdStage     stage);
/* Accepts the names above; FALSE if unknown. */
gboolean    sd_stage_from_string (const char *name,
                                  SdStage    *stage);

G_END_DECLS
