/* sd-cli-message-options.h: `send`'s flags for what the message carries: attachments, an
 * HTML alternative, delivery notifications (DSN)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-settings.h"

G_BEGIN_DECLS

typedef struct {
  char   **attach;        /* files */
  int      attach_size;   /* MB of generated filler; -1: none */
  char    *html, *html_file;
  char    *dsn_notify, *dsn_ret, *dsn_envid;
} SdCliMessageOptions;

void     sd_cli_message_options_init      (SdCliMessageOptions *options);
void     sd_cli_message_options_clear     (SdCliMessageOptions *options);
/* Adds the flags to @context's main group. */
void     sd_cli_message_options_add_entries (SdCliMessageOptions *options,
                                             GOptionContext      *context);
/* Reads the files now, so a missing one is a usage error before any connection. Call
 * after sd_cli_options_apply(): they do not go with --eml. */
gboolean sd_cli_message_options_apply     (SdCliMessageOptions *options,
                                           SdSettings          *settings,
                                           GError             **error);

G_END_DECLS
