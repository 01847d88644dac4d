/* sd-message-private.h: what sd-message.c and sd-message-mime.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-message.h"

G_BEGIN_DECLS

/* Content-Type text/@subtype (utf-8), the transfer encoding @text needs (8bit only with
 * @eightbit), a blank line and @text with CRLF line ends. */
void _sd_message_append_text_part (GString    *msg,
                                   const char *subtype,
                                   const char *text,
                                   gboolean    eightbit);
/* The body's headers and content for @spec's html and attachments (multipart). */
void _sd_message_append_multipart (GString             *msg,
                                   const SdMessageSpec *spec);

G_END_DECLS
