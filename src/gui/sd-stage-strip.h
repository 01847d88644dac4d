/* sd-stage-strip.h: the steps of the session with their state and time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-report.h"

G_BEGIN_DECLS

typedef enum {
  SD_STAGE_STATE_PENDING,
  SD_STAGE_STATE_RUNNING,
  SD_STAGE_STATE_OK,
  SD_STAGE_STATE_FAILED,
  SD_STAGE_STATE_SKIPPED,   /* the session ended without it (no TLS, no AUTH, stopped early) */
} SdStageState;

#define SD_TYPE_STAGE_STRIP (sd_stage_strip_get_type ())
G_DECLARE_FINAL_TYPE (SdStageStrip, sd_stage_strip, SD, STAGE_STRIP, GtkBox)

/* "pending", "running", "ok", "failed", "skipped" */
const char   *sd_stage_state_to_string  (SdStageState  state);

GtkWidget    *sd_stage_strip_new        (void);
void          sd_stage_strip_reset      (SdStageStrip *self);
/* The session entered @stage: it runs, the steps before it are done. */
void          sd_stage_strip_enter      (SdStageStrip *self,
                                         SdStage       stage);
/* Final states and times from the report. */
void          sd_stage_strip_finish     (SdStageStrip   *self,
                                         const SdReport *report);
/* The state shown for the step that holds @stage (STARTTLS and TLS share one). */
SdStageState  sd_stage_strip_get_state  (SdStageStrip *self,
                                         SdStage       stage);
/* The time shown under that step ("1.2 ms", "3.4 ms together", "pipelined"). */
const char   *sd_stage_strip_get_time_text (SdStageStrip *self,
                                            SdStage       stage);

G_END_DECLS
