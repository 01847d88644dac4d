/* sd-reply.h: SMTP replies and their incremental, bounded parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Limits: a hostile server can't make us keep more than this. */
#define SD_REPLY_MAX_LINE_LENGTH  4096   /* bytes per line, without CRLF */
#define SD_REPLY_MAX_LINES        200    /* lines in one multi-line reply */

#define SD_REPLY_ERROR (sd_reply_error_quark ())
GQuark sd_reply_error_quark (void);

typedef enum {
  SD_REPLY_ERROR_LINE_TOO_LONG,   /* no CRLF within SD_REPLY_MAX_LINE_LENGTH */
  SD_REPLY_ERROR_TOO_MANY_LINES,  /* more than SD_REPLY_MAX_LINES continuation lines */
  SD_REPLY_ERROR_BAD_CODE,        /* not three digits 2xx..5xx, or bad separator */
  SD_REPLY_ERROR_CODE_CHANGED,    /* code differs between lines of one reply */
  SD_REPLY_ERROR_NUL,             /* NUL byte in a reply line */
} SdReplyError;

typedef struct {
  guint      code;      /* 200..599 */
  char      *enhanced;  /* "5.7.8" when the first line carries one, else NULL */
  GPtrArray *lines;     /* (element-type utf8) each whole line as received, without CRLF,
                         * e.g. "250-PIPELINING"; invalid UTF-8 is kept as bytes */
} SdReply;

SdReply    *sd_reply_new          (guint          code,
                                   const char    *enhanced);
SdReply    *sd_reply_copy         (const SdReply *reply);
void        sd_reply_free         (SdReply       *reply);
/* Text of line @i after the code and separator ("PIPELINING"). */
const char *sd_reply_get_text     (const SdReply *reply,
                                   guint          i);
/* All text lines joined with "\n", without codes (transfer full). */
char       *sd_reply_dup_text     (const SdReply *reply);
guint       sd_reply_get_n_lines  (const SdReply *reply);
gboolean    sd_reply_is_positive  (const SdReply *reply); /* 2xx or 3xx */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdReply, sd_reply_free)

typedef struct _SdReplyParser SdReplyParser;

SdReplyParser *sd_reply_parser_new          (void);
void           sd_reply_parser_free         (SdReplyParser *self);
/* Appends @len bytes. Complete replies are queued for sd_reply_parser_pop().
 * Stops at the first malformed line and returns FALSE with SD_REPLY_ERROR;
 * the parser is then unusable (the session aborts). Lines may end in CRLF or bare LF. */
gboolean       sd_reply_parser_feed         (SdReplyParser *self,
                                             const char    *data,
                                             gsize          len,
                                             GError       **error);
/* Next complete reply (transfer full), or NULL. */
SdReply       *sd_reply_parser_pop          (SdReplyParser *self);
/* Bytes fed but not yet part of a popped reply: queued replies plus any partial
 * line. After STARTTLS's 220 this must be 0, or the server injected data. */
gsize          sd_reply_parser_get_pending  (SdReplyParser *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdReplyParser, sd_reply_parser_free)

G_END_DECLS
