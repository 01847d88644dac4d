/* sd-listen-view.h: the Listen page: the built-in server, its options, the incoming
 * sessions, and the selected one's transcript and client hints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-listen-controller.h"

G_BEGIN_DECLS

#define SD_TYPE_LISTEN_VIEW (sd_listen_view_get_type ())
G_DECLARE_FINAL_TYPE (SdListenView, sd_listen_view, SD, LISTEN_VIEW, GtkBox)

GtkWidget          *sd_listen_view_new            (void);
/* (transfer none) */
SdListenController *sd_listen_view_get_controller (SdListenView *self);

G_END_DECLS
