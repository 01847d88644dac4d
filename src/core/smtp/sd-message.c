/* sd-message.c: the test message: headers, body encoding, dot-stuffing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-message-private.h"

/* RFC 5322 2.1.1: lines SHOULD stay within 78 characters; RFC 2047 2: an encoded-word
 * is at most 75 characters. */
#define FOLD_WIDTH        78
#define ENCODED_WORD_MAX  75
/* 75 - strlen ("=?UTF-8?B?" "?=") leaves 63 base64 characters, so 60, i.e. 45 bytes. */
#define ENCODED_WORD_BYTES 45
/* RFC 2045 6.7 (5) */
#define QP_LINE_MAX       76
/* An ASCII word this long could not be folded under SD_MESSAGE_MAX_LINE with its header
 * name in front, so such a value is B-encoded instead, which can be split anywhere. */
#define ASCII_WORD_MAX    900

static const char * const day_names[] = {
  "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

static const char * const month_names[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun",
  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* ---- header values ---------------------------------------------------------------- */

static gboolean
is_plain_ascii (const char *value)
{
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p > 0x7e)
        return FALSE;
    }

  /* Left as is, "=?" could be read back as the start of an encoded-word. */
  return strstr (value, "=?") == NULL;
}

static gsize
longest_word (const char *value)
{
  gsize longest = 0;
  gsize run = 0;

  for (const char *p = value; *p != '\0'; p++)
    {
      run = (*p == ' ') ? 0 : run + 1;
      longest = MAX (longest, run);
    }

  return longest;
}

/* Folds before a space when the line would grow past the fold width. A break is only
 * taken where both sides keep some text, so no line is whitespace only (RFC 5322 3.2.2). */
static char *
fold_ascii (const char *value,
            gsize       width)
{
  gsize len = strlen (value);
  gsize first_text = strspn (value, " ");
  gsize line_start = 0;
  gsize last = 0;
  GString *out;

  if (len <= width)
    return g_strdup (value);

  out = g_string_sized_new (len + len / width * 2 + 2);

  for (gsize i = first_text + 1; i <= len; i++)
    {
      gboolean candidate = i < len && value[i] == ' ' &&
                           value[i + 1] != ' ' && value[i + 1] != '\0';

      if (!candidate && i < len)
        continue;

      if (i - line_start > width && last > line_start)
        {
          g_string_append_len (out, value + line_start, last - line_start);
          g_string_append (out, "\r\n");
          line_start = last;
        }
      last = i;
    }

  g_string_append (out, value + line_start);

  return g_string_free (out, FALSE);
}

static char *
encode_words (const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value, -1);
  GString *out = g_string_new (NULL);
  const char *p = valid;

  while (*p != '\0')
    {
      const char *start = p;
      g_autofree char *base64 = NULL;

      /* Whole characters only: a word must decode to valid UTF-8 on its own
       * (RFC 2047 5, rule 3). One character is at most 4 bytes, so p always moves. */
      while (*p != '\0')
        {
          const char *next = g_utf8_next_char (p);

          if (next - start > ENCODED_WORD_BYTES)
            break;
          p = next;
        }

      base64 = g_base64_encode ((const guchar *) start, p - start);
      if (out->len > 0)
        g_string_append (out, "\r\n ");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", base64);
    }

  return g_string_free (out, FALSE);
}

/* Printable ASCII comes back as is, only folded at spaces when it is longer than a line
 * should be; anything else becomes RFC 2047 B-encoded words, one per folded line. Control
 * characters (CR, LF) are encoded too, so a value can never start a new header. */
char *
sd_message_encode_header (const char *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  if (is_plain_ascii (value) && longest_word (value) <= ASCII_WORD_MAX)
    return fold_ascii (value, FOLD_WIDTH - 2);

  return encode_words (value);
}

/* ---- body --------------------------------------------------------------------------- */

static gboolean
ends_with_crlf (const GString *str)
{
  return str->len >= 2 && str->str[str->len - 2] == '\r' && str->str[str->len - 1] == '\n';
}

/* An empty message becomes a single CRLF: every line, even an empty one, ends in CRLF. */
GBytes *
sd_message_normalize_crlf (GBytes *message)
{
  gsize len;
  const char *data;
  GString *out;
  gsize i = 0;

  g_return_val_if_fail (message != NULL, NULL);

  data = g_bytes_get_data (message, &len);
  out = g_string_sized_new (len + len / 32 + 2);

  while (i < len)
    {
      gsize run = 0;

      while (i + run < len && data[i + run] != '\r' && data[i + run] != '\n')
        run++;
      g_string_append_len (out, data + i, run);
      i += run;
      if (i == len)
        break;

      g_string_append (out, "\r\n");
      if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
        i++;
      i++;
    }

  if (!ends_with_crlf (out))
    g_string_append (out, "\r\n");

  return g_string_free_to_bytes (out);
}

GBytes *
sd_message_dot_stuff (GBytes *message)
{
  gsize len;
  const char *data;
  GString *out;
  gboolean line_start = TRUE;

  g_return_val_if_fail (message != NULL, NULL);

  data = g_bytes_get_data (message, &len);
  out = g_string_sized_new (len + len / 64 + 8);

  for (gsize i = 0; i < len; i++)
    {
      if (line_start && data[i] == '.')
        g_string_append_c (out, '.');
      g_string_append_c (out, data[i]);
      /* Any LF counts, not only CRLF: some servers end lines at a bare LF, and a dot
       * there must not end the data early (SMTP smuggling). */
      line_start = data[i] == '\n';
    }

  /* Without a CRLF before it, the final dot would not be on a line of its own and the
   * server would keep waiting. */
  if (out->len > 0 && !ends_with_crlf (out))
    g_string_append (out, "\r\n");
  g_string_append (out, ".\r\n");

  return g_string_free_to_bytes (out);
}

static gboolean
qp_literal (guchar   c,
            gboolean at_line_end)
{
  if (c == ' ' || c == '\t')
    return !at_line_end;   /* trailing whitespace may be stripped in transit */

  return c >= 33 && c <= 126 && c != '=';
}

char *
sd_message_encode_qp (const char *text)
{
  const guchar *p = (const guchar *) text;
  GString *out;
  gsize col = 0;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + strlen (text) / 8 + 8);

  while (*p != '\0')
    {
      gboolean at_line_end;
      char token[4];
      gsize token_len;

      if (*p == '\r' || *p == '\n')
        {
          if (p[0] == '\r' && p[1] == '\n')
            p++;
          p++;
          g_string_append (out, "\r\n");
          col = 0;
          continue;
        }

      at_line_end = p[1] == '\0' || p[1] == '\r' || p[1] == '\n';
      if (qp_literal (*p, at_line_end))
        {
          token[0] = *p;
          token_len = 1;
        }
      else
        {
          g_snprintf (token, sizeof token, "=%02X", *p);
          token_len = 3;
        }

      /* The last token of a line may use all 76 columns; any other must leave one for
       * the "=" of a soft line break. */
      if (col + token_len > (at_line_end ? QP_LINE_MAX : QP_LINE_MAX - 1))
        {
          g_string_append (out, "=\r\n");
          col = 0;
        }
      g_string_append_len (out, token, token_len);
      col += token_len;
      p++;
    }

  return g_string_free (out, FALSE);
}

gboolean
sd_message_has_8bit (GBytes *message)
{
  gsize len;
  const guchar *data;

  g_return_val_if_fail (message != NULL, FALSE);

  data = g_bytes_get_data (message, &len);
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] >= 0x80)
        return TRUE;
    }

  return FALSE;
}

/* Lines end at LF; a CR right before it is not counted. */
gsize
sd_message_longest_line (GBytes *message)
{
  gsize len;
  const char *data;
  gsize longest = 0;
  gsize start = 0;

  g_return_val_if_fail (message != NULL, 0);

  data = g_bytes_get_data (message, &len);
  for (gsize i = 0; i <= len; i++)
    {
      gsize line_len;

      if (i < len && data[i] != '\n')
        continue;

      line_len = i - start;
      if (i < len && line_len > 0 && data[i - 1] == '\r')
        line_len--;
      longest = MAX (longest, line_len);
      start = i + 1;
    }

  return longest;
}

/* ---- the whole message ---------------------------------------------------------------- */

/* Addresses come from the user; a CR or LF in one must not start a header of its own. */
static char *
header_safe (const char *value)
{
  char *copy = g_strdup (value != NULL ? value : "");

  for (char *p = copy; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n')
        *p = ' ';
    }

  return copy;
}

/* RFC 5322 3.3, with English names whatever the locale. */
static char *
format_date (GDateTime *date)
{
  gint64 minutes = g_date_time_get_utc_offset (date) / G_TIME_SPAN_MINUTE;
  char sign = minutes < 0 ? '-' : '+';

  minutes = ABS (minutes);

  return g_strdup_printf ("%s, %d %s %04d %02d:%02d:%02d %c%02d%02d",
                          day_names[g_date_time_get_day_of_week (date) - 1],
                          g_date_time_get_day_of_month (date),
                          month_names[g_date_time_get_month (date) - 1],
                          g_date_time_get_year (date),
                          g_date_time_get_hour (date),
                          g_date_time_get_minute (date),
                          g_date_time_get_second (date),
                          sign, (int) (minutes / 60), (int) (minutes % 60));
}

static char *
message_id (const SdMessageSpec *spec)
{
  const char *domain = spec->domain;
  g_autofree char *safe = NULL;

  if ((domain == NULL || domain[0] == '\0') && spec->from != NULL)
    {
      domain = strrchr (spec->from, '@');
      if (domain != NULL)
        domain++;
    }
  if (domain == NULL || domain[0] == '\0')
    domain = "smtp-doctor.invalid";

  safe = header_safe (domain);

  return g_strdup_printf ("<%08x%08x%08x%08x@%s>",
                          g_random_int (), g_random_int (),
                          g_random_int (), g_random_int (), safe);
}

static void
append_to (GString            *msg,
           const char * const *to)
{
  gsize col = strlen ("To: ");

  g_string_append (msg, "To: ");

  if (to == NULL || to[0] == NULL)
    {
      /* An empty group: the recipients are only in the envelope. */
      g_string_append (msg, "undisclosed-recipients:;\r\n");
      return;
    }

  for (guint i = 0; to[i] != NULL; i++)
    {
      g_autofree char *addr = header_safe (to[i]);
      gsize addr_len = strlen (addr);

      if (i > 0 && col + 2 + addr_len > FOLD_WIDTH)
        {
          g_string_append (msg, ",\r\n ");
          col = 1;
        }
      else if (i > 0)
        {
          g_string_append (msg, ", ");
          col += 2;
        }
      g_string_append (msg, addr);
      col += addr_len;
    }

  g_string_append (msg, "\r\n");
}

static void
append_subject (GString    *msg,
                const char *subject)
{
  g_autofree char *encoded = NULL;
  gsize first_line;

  if (subject == NULL || subject[0] == '\0')
    {
      g_string_append (msg, "Subject:\r\n");
      return;
    }

  encoded = sd_message_encode_header (subject);
  first_line = strcspn (encoded, "\r");

  /* Fold right after the colon when the first word would not fit beside the name. */
  if (strlen ("Subject: ") + first_line > FOLD_WIDTH)
    g_string_append_printf (msg, "Subject:\r\n %s\r\n", encoded);
  else
    g_string_append_printf (msg, "Subject: %s\r\n", encoded);
}

void
_sd_message_append_text_part (GString    *msg,
                              const char *subtype,
                              const char *text,
                              gboolean    eightbit)
{
  g_autoptr(GBytes) raw_body = g_bytes_new (text, text != NULL ? strlen (text) : 0);
  g_autoptr(GBytes) body = sd_message_normalize_crlf (raw_body);
  gboolean eight_bit = sd_message_has_8bit (body);
  gsize longest = sd_message_longest_line (body);
  const char *transfer_encoding;
  gsize body_len;
  const char *body_data;

  if (!eight_bit && longest <= SD_MESSAGE_MAX_LINE)
    transfer_encoding = "7bit";
  else if (eight_bit && eightbit && longest <= SD_MESSAGE_MAX_LINE)
    transfer_encoding = "8bit";
  else
    transfer_encoding = "quoted-printable";

  g_string_append_printf (msg, "Content-Type: text/%s; charset=utf-8\r\n", subtype);
  g_string_append_printf (msg, "Content-Transfer-Encoding: %s\r\n", transfer_encoding);
  g_string_append (msg, "\r\n");

  body_data = g_bytes_get_data (body, &body_len);
  if (g_str_equal (transfer_encoding, "quoted-printable"))
    {
      g_autofree char *plain = g_strndup (body_data, body_len);
      g_autofree char *encoded_body = sd_message_encode_qp (plain);

      g_string_append (msg, encoded_body);
    }
  else
    g_string_append_len (msg, body_data, body_len);
}

GBytes *
sd_message_build (const SdMessageSpec *spec)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *from = NULL;
  g_autofree char *date = NULL;
  g_autofree char *msgid = NULL;
  GString *msg;

  g_return_val_if_fail (spec != NULL, NULL);

  if (spec->date == NULL)
    now = g_date_time_new_now_local ();

  from = header_safe (spec->from);
  date = format_date (spec->date != NULL ? spec->date : now);
  msgid = message_id (spec);

  msg = g_string_new (NULL);
  g_string_append_printf (msg, "From: %s\r\n", from);
  append_to (msg, spec->to);
  append_subject (msg, spec->subject);
  g_string_append_printf (msg, "Date: %s\r\n", date);
  g_string_append_printf (msg, "Message-ID: %s\r\n", msgid);
  g_string_append (msg, "X-Mailer: SMTP Doctor\r\n");
  g_string_append (msg, "MIME-Version: 1.0\r\n");
  if (spec->html != NULL || (spec->attachments != NULL && spec->attachments->len > 0))
    _sd_message_append_multipart (msg, spec);
  else
    _sd_message_append_text_part (msg, "plain", spec->body, spec->eightbit);

  return g_string_free_to_bytes (msg);
}
