/* sd-message-options.h: what the message carries beyond the text (attachments, an HTML
 * version, delivery notifications) and the burst, folded under the form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-burst.h"
#include "sd-settings.h"

G_BEGIN_DECLS

#define SD_TYPE_MESSAGE_OPTIONS (sd_message_options_get_type ())
G_DECLARE_FINAL_TYPE (SdMessageOptions, sd_message_options, SD, MESSAGE_OPTIONS, GtkBox)

GtkWidget *sd_message_options_new             (void);
/* Attachments, the HTML version of settings->body, DSN, onto @settings. */
void       sd_message_options_apply           (SdMessageOptions   *self,
                                               SdSettings         *settings);
/* Adds a file now (read whole); FALSE with @error when it cannot be read. */
gboolean   sd_message_options_add_file        (SdMessageOptions   *self,
                                               const char         *path,
                                               GError            **error);
guint      sd_message_options_get_n_attachments (SdMessageOptions *self);
/* TRUE when more than one message is asked for; @spec filled either way. */
gboolean   sd_message_options_get_burst       (SdMessageOptions   *self,
                                               SdBurstSpec        *spec);
void       sd_message_options_set_burst       (SdMessageOptions   *self,
                                               const SdBurstSpec  *spec);

G_END_DECLS
