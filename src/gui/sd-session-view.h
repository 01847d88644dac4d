/* sd-session-view.h: the stages, the transcript, the hints and the summary of a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-hints-panel.h"
#include "sd-session-controller.h"
#include "sd-stage-strip.h"
#include "sd-summary-card.h"
#include "sd-transcript-view.h"

G_BEGIN_DECLS

#define SD_TYPE_SESSION_VIEW (sd_session_view_get_type ())
G_DECLARE_FINAL_TYPE (SdSessionView, sd_session_view, SD, SESSION_VIEW, GtkBox)

GtkWidget        *sd_session_view_new                 (void);
/* Shows what @controller's sessions do, from their start to their report. */
void              sd_session_view_set_controller      (SdSessionView       *self,
                                                       SdSessionController *controller);
void              sd_session_view_clear               (SdSessionView       *self);
void              sd_session_view_show_report         (SdSessionView       *self,
                                                       const SdReport      *report);

SdStageStrip     *sd_session_view_get_stage_strip     (SdSessionView       *self);
SdTranscriptView *sd_session_view_get_transcript_view (SdSessionView       *self);
SdSummaryCard    *sd_session_view_get_summary_card    (SdSessionView       *self);
SdHintsPanel     *sd_session_view_get_hints_panel     (SdSessionView       *self);
/* Between the transcript and the hints; its position is part of the window's state. */
GtkPaned         *sd_session_view_get_paned           (SdSessionView       *self);

G_END_DECLS
