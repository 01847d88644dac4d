/* sd-message.h: the test message: headers, body encoding, dot-stuffing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "sd-attachment.h"

G_BEGIN_DECLS

#define SD_MESSAGE_MAX_LINE 998   /* octets, RFC 5322 2.1.1 */

typedef struct {
  const char         *from;       /* addr-spec, e.g. "alice@example.com" */
  const char * const *to;         /* NULL-terminated */
  const char         *subject;    /* UTF-8; RFC 2047-encoded when not ASCII */
  const char         *body;       /* UTF-8, any line endings */
  const char         *domain;     /* right side of the Message-ID; NULL: from's domain */
  GDateTime          *date;       /* NULL: now */
  gboolean            eightbit;   /* the server offered 8BITMIME */
  const char         *html;       /* UTF-8; non-NULL: a text/html alternative to body */
  GPtrArray          *attachments; /* (element-type SdAttachment) NULL or empty: none */
} SdMessageSpec;

/* Whole RFC 5322 message with CRLF line ends: From, To, Subject, Date, Message-ID,
 * MIME-Version, Content-Type (text/plain; charset=utf-8), Content-Transfer-Encoding
 * (7bit; 8bit only with @eightbit; else quoted-printable), blank line, body. With html,
 * multipart/alternative; with attachments, multipart/mixed (sd-message-mime.c). No line
 * is longer than SD_MESSAGE_MAX_LINE. Not dot-stuffed. */
GBytes  *sd_message_build              (const SdMessageSpec *spec);
/* Bare CR or LF -> CRLF; a final CRLF added if missing. For --eml files too. */
GBytes  *sd_message_normalize_crlf     (GBytes              *message);
/* For DATA: @message must be CRLF-normalised. Doubles a leading '.' on each line and
 * appends ".\r\n". */
GBytes  *sd_message_dot_stuff          (GBytes              *message);
/* RFC 2047 B-encoding of a header value (UTF-8), folded to keep lines short; ASCII
 * text without specials comes back unchanged (transfer full). */
char    *sd_message_encode_header      (const char          *value);
/* Quoted-printable body (RFC 2045 6.7), CRLF line ends, lines <= 76 (transfer full). */
char    *sd_message_encode_qp          (const char          *text);
/* Whether @message has an octet >= 0x80 (needs 8BITMIME) */
gboolean sd_message_has_8bit           (GBytes              *message);
/* Length of the longest line, without CRLF. */
gsize    sd_message_longest_line       (GBytes              *message);

G_END_DECLS
