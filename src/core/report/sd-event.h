/* sd-event.h: one line of the transcript
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "sd-stage.h"

G_BEGIN_DECLS

typedef enum {
  SD_DIRECTION_SENT,
  SD_DIRECTION_RECEIVED,
  SD_DIRECTION_INFO,
  SD_DIRECTION_WARNING,
  SD_DIRECTION_ERROR,
} SdDirection;

typedef struct {
  gint64       t_us;       /* since the session started (monotonic clock) */
  SdStage      stage;
  SdDirection  direction;
  gboolean     encrypted;  /* travelled inside TLS */
  gboolean     redacted;   /* text stands in for a secret that was never stored */
  char        *text;       /* one line, no CRLF; server text as received (escape to show) */
} SdEvent;

SdEvent    *sd_event_new             (gint64       t_us,
                                      SdStage      stage,
                                      SdDirection  direction,
                                      gboolean     encrypted,
                                      const char  *text);
SdEvent    *sd_event_copy            (const SdEvent *event);
void        sd_event_free            (SdEvent     *event);
/* "sent", "received", "info", "warning", "error" */
const char *sd_direction_to_string   (SdDirection  direction);
/* "->", "<-", "**", "!!" ("!!" for warnings too) */
const char *sd_direction_to_arrow    (SdDirection  direction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdEvent, sd_event_free)

G_END_DECLS
