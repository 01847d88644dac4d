/* sd-burst-dialog.h: a burst under way: one line per message and a chart of the
 * messages accepted per second, the first deferral marked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-burst.h"

G_BEGIN_DECLS

#define SD_TYPE_BURST_DIALOG (sd_burst_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SdBurstDialog, sd_burst_dialog, SD, BURST_DIALOG, GtkWindow)

GtkWidget           *sd_burst_dialog_new        (GtkWindow         *parent);
/* Starts the burst off the main thread (@settings taken). Closing the window stops it. */
void                 sd_burst_dialog_run        (SdBurstDialog     *self,
                                                 SdSettings        *settings,
                                                 const SdBurstSpec *spec);
gboolean             sd_burst_dialog_is_running (SdBurstDialog     *self);
/* The finished burst, or NULL while it runs (transfer none). */
const SdBurstReport *sd_burst_dialog_get_report (SdBurstDialog     *self);

G_END_DECLS
