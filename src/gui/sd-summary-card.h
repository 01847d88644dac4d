/* sd-summary-card.h: what the server told us about itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-report.h"

G_BEGIN_DECLS

#define SD_TYPE_SUMMARY_CARD (sd_summary_card_get_type ())
G_DECLARE_FINAL_TYPE (SdSummaryCard, sd_summary_card, SD, SUMMARY_CARD, GtkFrame)

GtkWidget *sd_summary_card_new        (void);
void       sd_summary_card_clear      (SdSummaryCard  *self);
void       sd_summary_card_set_report (SdSummaryCard  *self,
                                       const SdReport *report);
/* "Key: value" lines as shown (transfer full), for tests and the clipboard. */
char      *sd_summary_card_dup_text   (SdSummaryCard  *self);

G_END_DECLS
