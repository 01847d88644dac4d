/* sd-text.c: server text made safe to show
 *
 * A hostile server can send ANSI escapes, a fake "235 Authentication successful" after
 * a CR, or bidi overrides that reorder a line. Everything that is not plain printable
 * text is shown as an escape instead of being interpreted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-report.h"

static gboolean
sd_unichar_is_dangerous (gunichar c)
{
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
         (c >= 0x200b && c <= 0x200f) ||   /* zero-width, LRM/RLM */
         (c >= 0x202a && c <= 0x202e) ||   /* bidi embeddings and overrides */
         (c >= 0x2066 && c <= 0x2069) ||   /* bidi isolates */
         c == 0xfeff;
}

char *
sd_text_escape (const char *text)
{
  GString *out;
  const char *p, *end;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));
  end = text + strlen (text);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *p);
          p++;
          continue;
        }
      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c < 0x80 && sd_unichar_is_dangerous (c))
        g_string_append_printf (out, "\\x%02X", c);
      else if (sd_unichar_is_dangerous (c))
        g_string_append_printf (out, "\\u{%04X}", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}
