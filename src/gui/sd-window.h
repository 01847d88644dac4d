/* sd-window.h: the main window: form, toolbar, transcript, stages, summary, hints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-application.h"
#include "sd-hints-panel.h"
#include "sd-report.h"
#include "sd-stage-strip.h"
#include "sd-summary-card.h"
#include "sd-transcript-view.h"

G_BEGIN_DECLS

#define SD_TYPE_WINDOW (sd_window_get_type ())
G_DECLARE_FINAL_TYPE (SdWindow, sd_window, SD, WINDOW, GtkApplicationWindow)

SdWindow         *sd_window_new                 (SdApplication *application);
/* A session is under way (until its report is shown). */
gboolean          sd_window_is_running          (SdWindow      *self);
/* The last finished session's report, or NULL (transfer none). */
const SdReport   *sd_window_get_report          (SdWindow      *self);
/* The form as settings (transfer full); NULL and @error when it is not valid. */
SdSettings       *sd_window_get_form_settings   (SdWindow      *self,
                                                 GError       **error);
/* Fills the form from the built-in test server profile. */
void              sd_window_apply_builtin       (SdWindow      *self);
/* Writes @path in the format its extension asks for (.txt, .html, .json). */
gboolean          sd_window_export_to_file      (SdWindow      *self,
                                                 GFile         *file,
                                                 GError       **error);
/* Adds the profiles in @file (a profiles export) to the saved ones and writes them. */
gboolean          sd_window_import_profiles     (SdWindow      *self,
                                                 GFile         *file,
                                                 guint         *n_imported,
                                                 GError       **error);
/* Writes the saved profiles to @file, without passwords, for a colleague. */
gboolean          sd_window_export_profiles     (SdWindow      *self,
                                                 GFile         *file,
                                                 GError       **error);

SdTranscriptView *sd_window_get_transcript_view (SdWindow      *self);
SdStageStrip     *sd_window_get_stage_strip     (SdWindow      *self);
SdSummaryCard    *sd_window_get_summary_card    (SdWindow      *self);
SdHintsPanel     *sd_window_get_hints_panel     (SdWindow      *self);

G_END_DECLS
