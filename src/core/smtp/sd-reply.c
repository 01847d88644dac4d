/* sd-reply.c: SMTP replies and their incremental, bounded parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sd-reply.h"
#include "sd-strings-private.h"

G_DEFINE_QUARK (sd-reply-error-quark, sd_reply_error)

/* How much of an offending line goes into an error message. */
#define PREVIEW_BYTES 80

/* A complete reply waiting for sd_reply_parser_pop(), with the raw bytes
 * (CRLFs included) it was made from, for sd_reply_parser_get_pending(). */
typedef struct {
  SdReply *reply;
  gsize    n_bytes;
} QueuedReply;

struct _SdReplyParser {
  /* The partial line: never holds a newline, a NUL, or more than
   * SD_REPLY_MAX_LINE_LENGTH bytes plus a trailing CR. Since it never holds
   * a newline, each fed byte is searched only once. */
  GByteArray *partial;

  SdReply    *current;        /* reply being assembled, or NULL */
  gsize       current_bytes;  /* raw bytes of its complete lines */

  GQueue      queue;          /* of QueuedReply */
  gsize       queued_bytes;

  GError     *error;          /* set once a line was malformed */
};

static GPtrArray *
string_array_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

SdReply *
sd_reply_new (guint       code,
              const char *enhanced)
{
  SdReply *reply = g_new0 (SdReply, 1);

  reply->code = code;
  reply->enhanced = g_strdup (enhanced);
  reply->lines = string_array_new ();

  return reply;
}

SdReply *
sd_reply_copy (const SdReply *reply)
{
  SdReply *copy;

  g_return_val_if_fail (reply != NULL, NULL);

  copy = g_new0 (SdReply, 1);
  copy->code = reply->code;
  copy->enhanced = g_strdup (reply->enhanced);
  copy->lines = _sd_string_array_copy (reply->lines);

  return copy;
}

void
sd_reply_free (SdReply *reply)
{
  if (reply == NULL)
    return;

  g_free (reply->enhanced);
  g_clear_pointer (&reply->lines, g_ptr_array_unref);
  g_free (reply);
}

const char *
sd_reply_get_text (const SdReply *reply,
                   guint          i)
{
  const char *line;

  g_return_val_if_fail (reply != NULL, NULL);
  g_return_val_if_fail (i < reply->lines->len, NULL);

  line = g_ptr_array_index (reply->lines, i);

  /* A bare "250" has no separator and no text. */
  return line + MIN (strlen (line), 4);
}

char *
sd_reply_dup_text (const SdReply *reply)
{
  GString *text;

  g_return_val_if_fail (reply != NULL, NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < reply->lines->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, sd_reply_get_text (reply, i));
    }

  return g_string_free (text, FALSE);
}

guint
sd_reply_get_n_lines (const SdReply *reply)
{
  g_return_val_if_fail (reply != NULL, 0);

  return reply->lines->len;
}

gboolean
sd_reply_is_positive (const SdReply *reply)
{
  g_return_val_if_fail (reply != NULL, FALSE);

  return reply->code >= 200 && reply->code < 400;
}

/* Parser */

/* The start of a line as an admin can read it: whatever the server sent,
 * even NULs, control characters or broken UTF-8. */
static char *
escape_preview (const char *data,
                gsize       len)
{
  GString *out = g_string_sized_new (PREVIEW_BYTES + 8);
  gsize n = MIN (len, PREVIEW_BYTES);

  for (gsize i = 0; i < n; i++)
    {
      guchar c = (guchar) data[i];

      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\x%02X", c);
    }

  if (len > n)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static void
set_error (SdReplyParser *self,
           GError       **error,
           GError        *new_error)
{
  self->error = new_error;
  if (error != NULL)
    *error = g_error_copy (new_error);
}

/* Checks the code and separator of @line; on success returns the code and
 * whether this is the last line of its reply. */
static gboolean
parse_code (const char *line,
            gsize       len,
            guint      *code,
            gboolean   *is_last)
{
  if (len < 3)
    return FALSE;

  if (line[0] < '2' || line[0] > '5' ||
      !g_ascii_isdigit (line[1]) ||
      !g_ascii_isdigit (line[2]))
    return FALSE;

  if (len == 3 || line[3] == ' ')
    *is_last = TRUE;
  else if (line[3] == '-')
    *is_last = FALSE;
  else
    return FALSE;

  *code = (guint) ((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
  return TRUE;
}

/* Reads 1-3 digits; returns the position after them, or NULL. */
static const char *
skip_digits (const char *p)
{
  guint n = 0;

  while (g_ascii_isdigit (p[n]) && n < 4)
    n++;

  return (n >= 1 && n <= 3) ? p + n : NULL;
}

/* RFC 3463 / 2034: "X.Y.Z" at the start of the first line's text, where X
 * must match the reply's class; otherwise it is just text that looks alike. */
static char *
parse_enhanced (const char *line,
                guint       code)
{
  const char *start;
  const char *p;

  if (strlen (line) < 4)
    return NULL;

  start = line + 4;
  if (start[0] != '2' && start[0] != '4' && start[0] != '5')
    return NULL;
  if ((guint) (start[0] - '0') != code / 100)
    return NULL;
  if (start[1] != '.')
    return NULL;

  p = skip_digits (start + 2);
  if (p == NULL || *p != '.')
    return NULL;

  p = skip_digits (p + 1);
  if (p == NULL || (*p != ' ' && *p != '\0'))
    return NULL;

  return g_strndup (start, (gsize) (p - start));
}

/* Takes one complete line (without its line ending) into the current
 * reply; @raw_len counts the line ending too. */
static gboolean
take_line (SdReplyParser *self,
           const char    *line,
           gsize          len,
           gsize          raw_len,
           GError       **error)
{
  g_autofree char *preview = NULL;
  guint code = 0;
  gboolean is_last = FALSE;

  /* check_segment() already refused longer lines. */
  g_assert (len <= SD_REPLY_MAX_LINE_LENGTH);

  if (!parse_code (line, len, &code, &is_last))
    {
      preview = escape_preview (line, len);
      set_error (self, error,
                 g_error_new (SD_REPLY_ERROR, SD_REPLY_ERROR_BAD_CODE,
                              _("The server sent a line that is not a valid SMTP reply "
                                "(a code from 200 to 599, then a space, a hyphen or "
                                "the end of the line): “%s”"),
                              preview));
      return FALSE;
    }

  if (self->current != NULL && self->current->code != code)
    {
      preview = escape_preview (line, len);
      set_error (self, error,
                 g_error_new (SD_REPLY_ERROR, SD_REPLY_ERROR_CODE_CHANGED,
                              _("The server changed the reply code from %u to %u "
                                "within one multi-line reply: “%s”"),
                              self->current->code, code, preview));
      return FALSE;
    }

  if (self->current == NULL)
    {
      self->current = sd_reply_new (code, NULL);
      self->current_bytes = 0;
    }
  else if (self->current->lines->len >= SD_REPLY_MAX_LINES)
    {
      preview = escape_preview (line, len);
      set_error (self, error,
                 g_error_new (SD_REPLY_ERROR, SD_REPLY_ERROR_TOO_MANY_LINES,
                              _("The server sent a reply of more than %d lines; "
                                "line %d was “%s”"),
                              SD_REPLY_MAX_LINES, SD_REPLY_MAX_LINES + 1, preview));
      return FALSE;
    }

  g_ptr_array_add (self->current->lines, g_strndup (line, len));
  self->current_bytes += raw_len;

  if (self->current->lines->len == 1)
    self->current->enhanced = parse_enhanced (g_ptr_array_index (self->current->lines, 0),
                                              code);

  if (is_last)
    {
      QueuedReply *queued = g_new0 (QueuedReply, 1);

      queued->reply = g_steal_pointer (&self->current);
      queued->n_bytes = self->current_bytes;
      self->queued_bytes += self->current_bytes;
      self->current_bytes = 0;
      g_queue_push_tail (&self->queue, queued);
    }

  return TRUE;
}

/* The start of the current line, for an error about it: the partial line
 * and the first bytes of @seg. */
static char *
preview_segment (SdReplyParser *self,
                 const char    *seg,
                 gsize          seg_len)
{
  g_autoptr(GByteArray) head = g_byte_array_new ();

  g_byte_array_append (head, self->partial->data, self->partial->len);
  g_byte_array_append (head, (const guint8 *) seg, (guint) MIN (seg_len, PREVIEW_BYTES + 1));

  return escape_preview ((const char *) head->data, head->len);
}

/* Checks @seg, the next bytes of the current line (without its LF), for a
 * NUL and for the length limit before anything is buffered: a server can't
 * make us keep an endless line. The first offending byte decides the error,
 * so it doesn't depend on how the input was split into reads. */
static gboolean
check_segment (SdReplyParser *self,
               const char    *seg,
               gsize          seg_len,
               GError       **error)
{
  const gsize max = SD_REPLY_MAX_LINE_LENGTH;
  gsize offset = self->partial->len;
  gsize too_long_at = G_MAXSIZE;  /* index in the line of the first byte too many */
  gsize scan = seg_len;

  if (offset + seg_len > max)
    {
      /* One byte past the limit may be the CR of the CRLF. */
      char c = max >= offset ? seg[max - offset] : (char) self->partial->data[max];

      too_long_at = c == '\r' ? max + 1 : max;
      if (offset + seg_len <= too_long_at)
        too_long_at = G_MAXSIZE;
      else
        scan = too_long_at - offset + 1;
    }

  if (memchr (seg, '\0', scan) != NULL)
    {
      g_autofree char *preview = preview_segment (self, seg, seg_len);

      set_error (self, error,
                 g_error_new (SD_REPLY_ERROR, SD_REPLY_ERROR_NUL,
                              _("The server sent a NUL byte in a reply line: “%s”"),
                              preview));
      return FALSE;
    }

  if (too_long_at != G_MAXSIZE)
    {
      g_autofree char *preview = preview_segment (self, seg, seg_len);

      set_error (self, error,
                 g_error_new (SD_REPLY_ERROR, SD_REPLY_ERROR_LINE_TOO_LONG,
                              _("The server sent a line longer than %d bytes: “%s”"),
                              (int) max, preview));
      return FALSE;
    }

  return TRUE;
}

SdReplyParser *
sd_reply_parser_new (void)
{
  SdReplyParser *self = g_new0 (SdReplyParser, 1);

  self->partial = g_byte_array_sized_new (256);
  g_queue_init (&self->queue);

  return self;
}

static void
queued_reply_free (gpointer data)
{
  QueuedReply *queued = data;

  sd_reply_free (queued->reply);
  g_free (queued);
}

void
sd_reply_parser_free (SdReplyParser *self)
{
  if (self == NULL)
    return;

  g_byte_array_unref (self->partial);
  sd_reply_free (self->current);
  g_queue_clear_full (&self->queue, queued_reply_free);
  g_clear_error (&self->error);
  g_free (self);
}

gboolean
sd_reply_parser_feed (SdReplyParser *self,
                      const char    *data,
                      gsize          len,
                      GError       **error)
{
  const char *p = data;
  const char *end = data + len;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* After a malformed line the stream can't be resynchronised. */
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      const char *seg_end = nl != NULL ? nl : end;
      const char *line;
      gsize line_len;
      gsize raw_len;

      if (!check_segment (self, p, (gsize) (seg_end - p), error))
        return FALSE;

      if (nl == NULL)
        {
          g_byte_array_append (self->partial, (const guint8 *) p, (guint) (end - p));
          return TRUE;
        }

      /* Avoid copying when the whole line is in this chunk. */
      if (self->partial->len == 0)
        {
          line = p;
          line_len = (gsize) (nl - p);
        }
      else
        {
          g_byte_array_append (self->partial, (const guint8 *) p, (guint) (nl - p));
          line = (const char *) self->partial->data;
          line_len = self->partial->len;
        }

      raw_len = line_len + 1;
      if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;

      if (!take_line (self, line, line_len, raw_len, error))
        return FALSE;

      g_byte_array_set_size (self->partial, 0);
      p = nl + 1;
    }

  return TRUE;
}

SdReply *
sd_reply_parser_pop (SdReplyParser *self)
{
  QueuedReply *queued;
  SdReply *reply;

  g_return_val_if_fail (self != NULL, NULL);

  queued = g_queue_pop_head (&self->queue);
  if (queued == NULL)
    return NULL;

  self->queued_bytes -= queued->n_bytes;
  reply = g_steal_pointer (&queued->reply);
  g_free (queued);

  return reply;
}

gsize
sd_reply_parser_get_pending (SdReplyParser *self)
{
  g_return_val_if_fail (self != NULL, 0);

  /* Lines of an unfinished multi-line reply count too: they are not part
   * of any popped reply yet. */
  return self->queued_bytes + self->current_bytes + self->partial->len;
}
