/* sd-message-mime.c: the multipart test message: an HTML alternative, attachments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-message-private.h"

/* RFC 2045 6.8: base64 lines of at most 76 characters, i.e. 57 bytes. */
#define BASE64_LINE_BYTES  57
/* Encoded characters of a file name per folded parameter line (RFC 2231 3). */
#define PARAM_SEGMENT      60

/* "=_" never appears in base64 or quoted-printable text, and the random part makes a
 * clash with a 7bit or 8bit part vanishingly unlikely (RFC 2046 5.1.1). */
static char *
new_boundary (void)
{
  return g_strdup_printf ("=_sd_%08x%08x%08x", g_random_int (), g_random_int (),
                          g_random_int ());
}

static void
append_base64 (GString *msg,
               GBytes  *data)
{
  gsize len;
  const guchar *p = g_bytes_get_data (data, &len);
  char line[4 * BASE64_LINE_BYTES / 3 + 8];

  for (gsize i = 0; i < len; i += BASE64_LINE_BYTES)
    {
      gint state = 0, save = 0;
      gsize n = g_base64_encode_step (p + i, MIN (BASE64_LINE_BYTES, len - i), FALSE,
                                      line, &state, &save);

      n += g_base64_encode_close (FALSE, line + n, &state, &save);
      g_string_append_len (msg, line, n);
      g_string_append (msg, "\r\n");
    }
}

/* RFC 2231 attr-char: what may stand unencoded in an extended parameter value. */
static gboolean
is_attr_char (guchar c)
{
  return g_ascii_isalnum (c) || strchr ("!#$&+-.^_`|~", c) != NULL;
}

static gboolean
is_simple_name (const char *name)
{
  if (strlen (name) > PARAM_SEGMENT)
    return FALSE;
  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
      return FALSE;
  return TRUE;
}

/* `; attr="name"` for short printable ASCII, else RFC 2231 `attr*0*=utf-8''%C3%BC…`
 * split over folded lines so no line grows long whatever the name. */
static void
append_name_param (GString    *msg,
                   const char *attr,
                   const char *name)
{
  g_autoptr(GString) encoded = g_string_new ("utf-8''");
  guint segment = 0;
  gsize start = 0;

  if (is_simple_name (name))
    {
      g_string_append_printf (msg, ";\r\n %s=\"%s\"", attr, name);
      return;
    }

  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    {
      if (is_attr_char (*p))
        g_string_append_c (encoded, *p);
      else
        g_string_append_printf (encoded, "%%%02X", *p);
    }

  while (start < encoded->len)
    {
      gsize end = MIN (start + PARAM_SEGMENT, encoded->len);

      /* Never split a %XX triplet. */
      if (end < encoded->len && encoded->str[end - 1] == '%')
        end -= 1;
      else if (end < encoded->len && end >= 2 && encoded->str[end - 2] == '%')
        end -= 2;
      g_string_append_printf (msg, ";\r\n %s*%u*=", attr, segment++);
      g_string_append_len (msg, encoded->str + start, end - start);
      start = end;
    }
}

static void
append_attachment (GString            *msg,
                   const SdAttachment *attachment)
{
  g_string_append_printf (msg, "Content-Type: %s", attachment->content_type);
  append_name_param (msg, "name", attachment->filename);
  g_string_append (msg, "\r\nContent-Disposition: attachment");
  append_name_param (msg, "filename", attachment->filename);
  g_string_append (msg, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  append_base64 (msg, attachment->data);
}

static void
append_alternative (GString             *msg,
                    const SdMessageSpec *spec)
{
  g_autofree char *boundary = new_boundary ();

  g_string_append_printf (msg, "Content-Type: multipart/alternative;\r\n"
                               " boundary=\"%s\"\r\n\r\n", boundary);
  g_string_append_printf (msg, "--%s\r\n", boundary);
  _sd_message_append_text_part (msg, "plain", spec->body, spec->eightbit);
  g_string_append_printf (msg, "--%s\r\n", boundary);
  _sd_message_append_text_part (msg, "html", spec->html, spec->eightbit);
  g_string_append_printf (msg, "--%s--\r\n", boundary);
}

static void
append_text_body (GString             *msg,
                  const SdMessageSpec *spec)
{
  if (spec->html != NULL)
    append_alternative (msg, spec);
  else
    _sd_message_append_text_part (msg, "plain", spec->body, spec->eightbit);
}

/* multipart/mixed when there are attachments: the text (or its alternatives) first. */
void
_sd_message_append_multipart (GString             *msg,
                              const SdMessageSpec *spec)
{
  g_autofree char *boundary = NULL;
  gsize reserve = 4096;

  if (spec->attachments == NULL || spec->attachments->len == 0)
    {
      append_alternative (msg, spec);
      return;
    }

  /* base64 grows by 4/3 plus a CRLF per 76 characters: one allocation, not a doubling
   * series over tens of megabytes. */
  for (guint i = 0; i < spec->attachments->len; i++)
    reserve += g_bytes_get_size (((SdAttachment *) spec->attachments->pdata[i])->data) /
               BASE64_LINE_BYTES * 78 + 80;
  g_string_set_size (msg, msg->len + reserve);
  g_string_truncate (msg, msg->len - reserve);

  boundary = new_boundary ();
  g_string_append_printf (msg, "Content-Type: multipart/mixed;\r\n"
                               " boundary=\"%s\"\r\n\r\n", boundary);
  g_string_append (msg, "This is a multi-part message in MIME format.\r\n");
  g_string_append_printf (msg, "--%s\r\n", boundary);
  append_text_body (msg, spec);
  for (guint i = 0; i < spec->attachments->len; i++)
    {
      g_string_append_printf (msg, "--%s\r\n", boundary);
      append_attachment (msg, spec->attachments->pdata[i]);
    }
  g_string_append_printf (msg, "--%s--\r\n", boundary);
}
