/* sd-hints-panel.h: why it failed and how to fix it, one card per hint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-report.h"

G_BEGIN_DECLS

#define SD_TYPE_HINTS_PANEL (sd_hints_panel_get_type ())
G_DECLARE_FINAL_TYPE (SdHintsPanel, sd_hints_panel, SD, HINTS_PANEL, GtkBox)

GtkWidget *sd_hints_panel_new        (void);
void       sd_hints_panel_clear      (SdHintsPanel   *self);
/* The report's hints; without any, the outcome and the failing reply in plain words. */
/* Just these hints (element-type SdHint), e.g. the client hints of a listen session. */
void       sd_hints_panel_set_hints  (SdHintsPanel   *self,
                                      GPtrArray      *hints);
void       sd_hints_panel_set_report (SdHintsPanel   *self,
                                      const SdReport *report);
/* Every card as text (transfer full), for tests. */
char      *sd_hints_panel_dup_text   (SdHintsPanel   *self);

/* The stage in plain words: "when logging in (AUTH)". */
const char *sd_stage_describe        (SdStage         stage);

G_END_DECLS
