/* test-message.c: message building, header and body encodings, dot-stuffing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-message.h"

static GBytes *
bytes_from_string (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
assert_bytes_str (GBytes     *bytes,
                  const char *expected)
{
  gsize len;
  const char *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (data, len, expected, strlen (expected));
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

/* ---- dot-stuffing ---- */

static void
assert_dot_stuff (const char *input,
                  const char *expected)
{
  g_autoptr(GBytes) in = bytes_from_string (input);
  g_autoptr(GBytes) out = sd_message_dot_stuff (in);

  assert_bytes_str (out, expected);
}

static void
test_dot_stuff (void)
{
  assert_dot_stuff (".\r\n", "..\r\n.\r\n");
  assert_dot_stuff ("..x\r\n", "...x\r\n.\r\n");
  assert_dot_stuff ("a\r\n.b\r\n", "a\r\n..b\r\n.\r\n");
  assert_dot_stuff (".first\r\nsecond\r\n", "..first\r\nsecond\r\n.\r\n");
  assert_dot_stuff ("a.b\r\n.\r\n", "a.b\r\n..\r\n.\r\n");
  assert_dot_stuff ("", ".\r\n");
  /* Not normalised: the terminator must still sit on a line of its own. */
  assert_dot_stuff ("abc", "abc\r\n.\r\n");
  assert_dot_stuff ("a\n.b", "a\n..b\r\n.\r\n");
}

/* ---- CRLF normalisation ---- */

static void
assert_normalized (const char *input,
                   const char *expected)
{
  g_autoptr(GBytes) in = bytes_from_string (input);
  g_autoptr(GBytes) out = sd_message_normalize_crlf (in);

  assert_bytes_str (out, expected);
}

static void
test_normalize_crlf (void)
{
  assert_normalized ("a\nb\n", "a\r\nb\r\n");
  assert_normalized ("a\nb", "a\r\nb\r\n");
  assert_normalized ("a\rb\r", "a\r\nb\r\n");
  assert_normalized ("a\r\nb\nc\rd\r\n\r\n", "a\r\nb\r\nc\r\nd\r\n\r\n");
  assert_normalized ("\n\r", "\r\n\r\n");
  assert_normalized ("\r\r\n", "\r\n\r\n");
  assert_normalized ("a\r\n", "a\r\n");
  assert_normalized ("", "\r\n");
}

/* ---- quoted-printable ---- */

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

/* Just enough of a decoder to check round trips. */
static char *
qp_decode (const char *qp)
{
  GString *out = g_string_new (NULL);

  for (const char *p = qp; *p != '\0'; p++)
    {
      if (p[0] == '=' && p[1] == '\r' && p[2] == '\n')
        p += 2;
      else if (p[0] == '=')
        {
          g_assert_true (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]));
          g_string_append_c (out, (char) (hex_value (p[1]) * 16 + hex_value (p[2])));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static void
assert_lines_at_most (const char *text,
                      gsize       max)
{
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_null (strchr (lines[i], '\n'));
      g_assert_null (strchr (lines[i], '\r'));
      g_assert_cmpuint (strlen (lines[i]), <=, max);
    }
}

static void
assert_qp (const char *input,
           const char *expected)
{
  g_autofree char *out = sd_message_encode_qp (input);

  g_assert_cmpstr (out, ==, expected);
}

static void
test_qp_basic (void)
{
  assert_qp ("a=b\n", "a=3Db\r\n");
  assert_qp ("trailing \nx\t", "trailing=20\r\nx=09");
  assert_qp ("inner space\r\n", "inner space\r\n");
  assert_qp ("Grüße\r\n", "Gr=C3=BC=C3=9Fe\r\n");
  assert_qp ("a\rb\r\nc\n", "a\r\nb\r\nc\r\n");
  assert_qp ("bell\a", "bell=07");
  assert_qp ("", "");
}

static void
test_qp_soft_breaks (void)
{
  g_autofree char *a76 = g_strnfill (76, 'a');
  g_autofree char *a75 = g_strnfill (75, 'a');
  g_autofree char *a74 = g_strnfill (74, 'a');
  g_autofree char *a25 = g_strnfill (25, 'a');
  g_autofree char *in = NULL;
  g_autofree char *expected = NULL;

  /* Exactly 76 fits: the last character needs no room for a soft break. */
  assert_qp (a76, a76);

  in = g_strconcat (a75, a25, "\n", NULL);
  expected = g_strconcat (a75, "=\r\n", a25, "\r\n", NULL);
  assert_qp (in, expected);
  g_clear_pointer (&in, g_free);
  g_clear_pointer (&expected, g_free);

  /* An escape is never split by a soft break. */
  in = g_strconcat (a74, "=x", NULL);
  expected = g_strconcat (a74, "=\r\n=3Dx", NULL);
  assert_qp (in, expected);
}

static void
test_qp_round_trip (void)
{
  GString *text = g_string_new (NULL);
  g_autofree char *input = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) parts = NULL;

  for (guint i = 0; i < 40; i++)
    g_string_append (text, "Grüße = ");
  g_string_append (text, "\nx \n");
  input = g_string_free (text, FALSE);

  encoded = sd_message_encode_qp (input);
  assert_lines_at_most (encoded, 76);
  for (const guchar *p = (const guchar *) encoded; *p != '\0'; p++)
    g_assert_cmpuint (*p, <, 0x80);

  decoded = qp_decode (encoded);
  parts = g_strsplit (input, "\n", -1);
  expected = g_strjoinv ("\r\n", parts);
  g_assert_cmpstr (decoded, ==, expected);
}

/* ---- header encoding ---- */

static void
test_header_ascii (void)
{
  g_autofree char *plain = sd_message_encode_header ("Test message from SMTP Doctor");
  g_autofree char *empty = sd_message_encode_header ("");
  g_autofree char *marker = sd_message_encode_header ("a =?b");
  g_autofree char *newline = sd_message_encode_header ("line\nbreak");

  g_assert_cmpstr (plain, ==, "Test message from SMTP Doctor");
  g_assert_cmpstr (empty, ==, "");
  /* Would otherwise be taken for the start of an encoded-word. */
  g_assert_cmpstr (marker, ==, "=?UTF-8?B?YSA9P2I=?=");
  /* A line break must never reach the header block. */
  g_assert_cmpstr (newline, ==, "=?UTF-8?B?bGluZQpicmVhaw==?=");
}

static void
test_header_ascii_long (void)
{
  GString *text = g_string_new (NULL);
  g_autofree char *value = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *unfolded = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < 30; i++)
    g_string_append (text, "several words ");
  g_string_append (text, "end");
  value = g_string_free (text, FALSE);

  encoded = sd_message_encode_header (value);
  assert_lines_at_most (encoded, 78);
  g_assert_nonnull (strstr (encoded, "\r\n "));

  /* Unfolding (RFC 5322 3.2.2) gives the value back. */
  lines = g_strsplit (encoded, "\r\n", -1);
  unfolded = g_strjoinv ("", lines);
  g_assert_cmpstr (unfolded, ==, value);
}

static void
test_header_utf8 (void)
{
  g_autofree char *encoded = sd_message_encode_header ("Grüße");

  g_assert_cmpstr (encoded, ==, "=?UTF-8?B?R3LDvMOfZQ==?=");
}

/* Checks the folded encoded-words and returns what they decode to. */
static char *
decode_words (const char *encoded)
{
  g_auto(GStrv) lines = g_strsplit (encoded, "\r\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *word = lines[i];
      gsize word_len;
      g_autofree char *base64 = NULL;
      g_autofree guchar *raw = NULL;
      gsize raw_len;

      g_assert_cmpuint (strlen (word), <=, 78);
      if (i > 0)
        {
          g_assert_true (word[0] == ' ');
          word++;
        }
      word_len = strlen (word);
      g_assert_cmpuint (word_len, <=, 75);
      g_assert_true (g_str_has_prefix (word, "=?UTF-8?B?"));
      g_assert_true (g_str_has_suffix (word, "?="));

      base64 = g_strndup (word + 10, word_len - 12);
      raw = g_base64_decode (base64, &raw_len);
      /* Each word is whole characters on its own. */
      g_assert_true (g_utf8_validate ((const char *) raw, raw_len, NULL));
      g_string_append_len (out, (const char *) raw, raw_len);
    }

  return g_string_free (out, FALSE);
}

static char *
long_utf8_subject (void)
{
  GString *text = g_string_new (NULL);

  while (g_utf8_strlen (text->str, -1) < 200)
    g_string_append (text, "Grüße aus Köln – ");
  g_string_truncate (text, g_utf8_offset_to_pointer (text->str, 200) - text->str);

  return g_string_free (text, FALSE);
}

static void
test_header_utf8_long (void)
{
  g_autofree char *subject = long_utf8_subject ();
  g_autofree char *encoded = NULL;
  g_autofree char *decoded = NULL;

  g_assert_cmpint (g_utf8_strlen (subject, -1), ==, 200);
  encoded = sd_message_encode_header (subject);
  g_assert_nonnull (strstr (encoded, "\r\n "));
  decoded = decode_words (encoded);
  g_assert_cmpstr (decoded, ==, subject);
}

/* ---- 8bit and line length ---- */

static void
test_has_8bit_longest_line (void)
{
  g_autoptr(GBytes) ascii = bytes_from_string ("abc\r\nde\r\n");
  g_autoptr(GBytes) utf8 = bytes_from_string ("Grüße\r\n");
  g_autoptr(GBytes) last_open = bytes_from_string ("ab\r\nabcdef");
  g_autoptr(GBytes) empty = bytes_from_string ("");

  g_assert_false (sd_message_has_8bit (ascii));
  g_assert_true (sd_message_has_8bit (utf8));
  g_assert_cmpuint (sd_message_longest_line (ascii), ==, 3);
  g_assert_cmpuint (sd_message_longest_line (utf8), ==, 7);
  g_assert_cmpuint (sd_message_longest_line (last_open), ==, 6);
  g_assert_cmpuint (sd_message_longest_line (empty), ==, 0);
}

/* ---- the whole message ---- */

typedef struct {
  char *headers;   /* up to and without the blank line */
  char *body;
} Parsed;

static void
parse_message (GBytes *message,
               Parsed *parsed)
{
  g_autofree char *text = bytes_to_string (message);
  const char *blank = strstr (text, "\r\n\r\n");

  g_assert_nonnull (blank);
  parsed->headers = g_strndup (text, blank - text);
  parsed->body = g_strdup (blank + 4);
}

static void
parsed_clear (Parsed *parsed)
{
  g_free (parsed->headers);
  g_free (parsed->body);
}

/* The whole header field (with its folded continuation lines) named @name. */
static char *
find_header (const Parsed *parsed,
             const char   *name)
{
  g_auto(GStrv) lines = g_strsplit (parsed->headers, "\r\n", -1);
  g_autofree char *prefix = g_strconcat (name, ":", NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix))
        {
          GString *field = g_string_new (lines[i]);

          for (guint j = i + 1; lines[j] != NULL && lines[j][0] == ' '; j++)
            g_string_append_printf (field, "\r\n%s", lines[j]);
          return g_string_free (field, FALSE);
        }
    }

  return NULL;
}

static void
assert_header (const Parsed *parsed,
               const char   *name,
               const char   *expected_field)
{
  g_autofree char *field = find_header (parsed, name);

  g_assert_cmpstr (field, ==, expected_field);
}

static GBytes *
build_simple (const char *body,
              gboolean    eightbit)
{
  static const char * const to[] = { "bob@example.net", NULL };
  g_autoptr(GDateTime) date = g_date_time_new_utc (2026, 11, 23, 19, 18, 41);
  SdMessageSpec spec = {
    .from = "alice@example.com",
    .to = to,
    .subject = "Test",
    .body = body,
    .date = date,
    .eightbit = eightbit,
  };

  return sd_message_build (&spec);
}

static void
test_build_headers (void)
{
  static const char * const to[] = { "bob@example.net", "carol@example.org", NULL };
  g_autoptr(GDateTime) date = g_date_time_new_utc (2026, 11, 23, 19, 18, 41);
  SdMessageSpec spec = {
    .from = "alice@example.com",
    .to = to,
    .subject = "Hello",
    .body = "Hi\nthere",
    .date = date,
  };
  g_autoptr(GBytes) message = sd_message_build (&spec);
  g_autofree char *msgid = NULL;
  Parsed parsed;

  parse_message (message, &parsed);
  assert_header (&parsed, "From", "From: alice@example.com");
  assert_header (&parsed, "To", "To: bob@example.net, carol@example.org");
  assert_header (&parsed, "Subject", "Subject: Hello");
  assert_header (&parsed, "Date", "Date: Mon, 23 Nov 2026 19:18:41 +0000");
  assert_header (&parsed, "MIME-Version", "MIME-Version: 1.0");
  assert_header (&parsed, "Content-Type", "Content-Type: text/plain; charset=utf-8");
  assert_header (&parsed, "Content-Transfer-Encoding", "Content-Transfer-Encoding: 7bit");
  assert_header (&parsed, "X-Mailer", "X-Mailer: SMTP Doctor");

  msgid = find_header (&parsed, "Message-ID");
  g_assert_true (g_regex_match_simple ("^Message-ID: <[0-9a-f]{32}@example\\.com>$",
                                       msgid, 0, 0));

  g_assert_cmpstr (parsed.body, ==, "Hi\r\nthere\r\n");
  parsed_clear (&parsed);
}

static void
test_build_date_offset (void)
{
  static const char * const to[] = { "bob@example.net", NULL };
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (-(3 * 3600 + 30 * 60));
  g_autoptr(GDateTime) date = g_date_time_new (tz, 2024, 2, 5, 7, 3, 9);
  SdMessageSpec spec = {
    .from = "alice@example.com",
    .to = to,
    .subject = "Hello",
    .body = "x",
    .date = date,
  };
  g_autoptr(GBytes) message = sd_message_build (&spec);
  Parsed parsed;

  parse_message (message, &parsed);
  assert_header (&parsed, "Date", "Date: Mon, 5 Feb 2024 07:03:09 -0330");
  parsed_clear (&parsed);
}

static void
test_build_message_id (void)
{
  static const char * const to[] = { "bob@example.net", NULL };
  SdMessageSpec spec = {
    .from = "alice@example.com",
    .to = to,
    .subject = "Hello",
    .body = "x",
    .domain = "mx.test",
  };
  g_autoptr(GBytes) with_domain = sd_message_build (&spec);
  g_autoptr(GBytes) without_at = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  Parsed parsed;

  parse_message (with_domain, &parsed);
  first = find_header (&parsed, "Message-ID");
  g_assert_true (g_regex_match_simple ("^Message-ID: <[0-9a-f]{32}@mx\\.test>$",
                                       first, 0, 0));
  parsed_clear (&parsed);

  spec.domain = NULL;
  spec.from = "postmaster";
  without_at = sd_message_build (&spec);
  parse_message (without_at, &parsed);
  second = find_header (&parsed, "Message-ID");
  g_assert_true (g_regex_match_simple ("^Message-ID: <[0-9a-f]{32}@smtp-doctor\\.invalid>$",
                                       second, 0, 0));
  /* Random part differs between messages. */
  g_assert_cmpstr (first + strlen ("Message-ID: <"), !=, second + strlen ("Message-ID: <"));
  parsed_clear (&parsed);
}

static void
test_build_transfer_encoding (void)
{
  g_autoptr(GBytes) seven = build_simple ("plain ascii\n", FALSE);
  g_autoptr(GBytes) eight = build_simple ("Grüße\n", TRUE);
  g_autoptr(GBytes) qp = build_simple ("Grüße\n", FALSE);
  Parsed parsed;

  parse_message (seven, &parsed);
  assert_header (&parsed, "Content-Transfer-Encoding", "Content-Transfer-Encoding: 7bit");
  g_assert_cmpstr (parsed.body, ==, "plain ascii\r\n");
  parsed_clear (&parsed);

  parse_message (eight, &parsed);
  assert_header (&parsed, "Content-Transfer-Encoding", "Content-Transfer-Encoding: 8bit");
  g_assert_cmpstr (parsed.body, ==, "Grüße\r\n");
  parsed_clear (&parsed);

  parse_message (qp, &parsed);
  assert_header (&parsed, "Content-Transfer-Encoding",
                 "Content-Transfer-Encoding: quoted-printable");
  g_assert_cmpstr (parsed.body, ==, "Gr=C3=BC=C3=9Fe\r\n");
  parsed_clear (&parsed);
}

static void
test_build_long_line (void)
{
  g_autofree char *long_line = g_strnfill (5000, 'x');
  g_autofree char *body = g_strconcat ("short\n", long_line, "\n", NULL);
  /* Even with 8BITMIME: the limit is on line length, not on octets. */
  g_autoptr(GBytes) message = build_simple (body, TRUE);
  g_autofree char *decoded = NULL;
  g_autofree char *expected = NULL;
  Parsed parsed;

  g_assert_cmpuint (sd_message_longest_line (message), <=, SD_MESSAGE_MAX_LINE);

  parse_message (message, &parsed);
  assert_header (&parsed, "Content-Transfer-Encoding",
                 "Content-Transfer-Encoding: quoted-printable");
  assert_lines_at_most (parsed.body, 76);
  decoded = qp_decode (parsed.body);
  expected = g_strconcat ("short\r\n", long_line, "\r\n", NULL);
  g_assert_cmpstr (decoded, ==, expected);
  parsed_clear (&parsed);
}

static void
test_build_long_subject (void)
{
  static const char * const to[] = { "bob@example.net", NULL };
  g_autofree char *subject = long_utf8_subject ();
  SdMessageSpec spec = {
    .from = "alice@example.com",
    .to = to,
    .subject = subject,
    .body = "x",
  };
  g_autoptr(GBytes) message = sd_message_build (&spec);
  g_autofree char *text = bytes_to_string (message);
  g_autofree char *field = NULL;
  g_autofree char *decoded = NULL;
  Parsed parsed;

  assert_lines_at_most (text, 78);

  parse_message (message, &parsed);
  field = find_header (&parsed, "Subject");
  g_assert_true (g_str_has_prefix (field, "Subject:\r\n "));
  decoded = decode_words (field + strlen ("Subject:\r\n "));
  g_assert_cmpstr (decoded, ==, subject);
  parsed_clear (&parsed);
}

static void
test_build_recipients (void)
{
  static const char * const many[] = {
    "first.recipient@example.net", "second.recipient@example.net",
    "third.recipient@example.net", "fourth.recipient@example.net", NULL,
  };
  static const char * const none[] = { NULL };
  SdMessageSpec spec = {
    .from = "alice@example.com",
    .to = many,
    .subject = "Hello",
    .body = "x",
  };
  g_autoptr(GBytes) folded = sd_message_build (&spec);
  g_autoptr(GBytes) empty = NULL;
  Parsed parsed;

  parse_message (folded, &parsed);
  assert_header (&parsed, "To",
                 "To: first.recipient@example.net, second.recipient@example.net,\r\n"
                 " third.recipient@example.net, fourth.recipient@example.net");
  parsed_clear (&parsed);

  spec.to = none;
  empty = sd_message_build (&spec);
  parse_message (empty, &parsed);
  assert_header (&parsed, "To", "To: undisclosed-recipients:;");
  parsed_clear (&parsed);
}

/* ---- multipart: parsed back with a small MIME reader ---- */

typedef struct {
  char   *headers;   /* unfolded, "\r\n"-separated */
  char   *body;      /* between the blank line and the next boundary */
} Part;

static void
part_free (Part *part)
{
  g_free (part->headers);
  g_free (part->body);
  g_free (part);
}

/* "name*0*=..; name*1*=.." or name="..": the decoded parameter @attr of a header. */
static char *
header_param (const char *field,
              const char *attr)
{
  g_autoptr(GRegex) fold = g_regex_new ("\r\n[ \t]", 0, 0, NULL);
  g_autofree char *unfolded = g_regex_replace_literal (fold, field, -1, 0, " ", 0, NULL);
  g_autofree char *quoted_re = g_strdup_printf ("[; ]%s=\"([^\"]*)\"", attr);
  g_autofree char *ext_re = g_strdup_printf ("[; ]%s\\*[0-9]+\\*=([^; ]*)", attr);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autoptr(GRegex) quoted = g_regex_new (quoted_re, 0, 0, NULL);
  g_autoptr(GRegex) ext = g_regex_new (ext_re, 0, 0, NULL);

  if (g_regex_match (quoted, unfolded, 0, &match))
    return g_match_info_fetch (match, 1);
  g_clear_pointer (&match, g_match_info_unref);
  for (g_regex_match (ext, unfolded, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      g_autofree char *piece = g_match_info_fetch (match, 1);
      g_string_append (joined, piece);
    }
  if (joined->len == 0)
    return NULL;
  g_assert_true (g_str_has_prefix (joined->str, "utf-8''"));
  return g_uri_unescape_string (joined->str + strlen ("utf-8''"), NULL);
}

static char *
part_header (const Part *part,
             const char *name)
{
  g_auto(GStrv) lines = g_regex_split_simple ("\r\n(?![ \t])", part->headers, 0, 0);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, strlen (name)) == 0 && lines[i][strlen (name)] == ':')
      return g_strdup (lines[i]);
  return NULL;
}

/* Splits a multipart body at its boundary; checks the closing delimiter is there. */
static GPtrArray *
split_parts (const char *body,
             const char *boundary)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
  g_autofree char *delimiter = g_strdup_printf ("\r\n--%s", boundary);
  g_autofree char *padded = g_strconcat ("\r\n", body, NULL);
  const char *p = strstr (padded, delimiter);

  g_assert_nonnull (p);
  while (p != NULL)
    {
      const char *start = p + strlen (delimiter);
      const char *end, *blank;
      Part *part;

      if (g_str_has_prefix (start, "--"))
        return parts;
      g_assert_true (g_str_has_prefix (start, "\r\n"));
      start += 2;
      end = strstr (start, delimiter);
      g_assert_nonnull (end);
      blank = g_strstr_len (start, end - start, "\r\n\r\n");
      g_assert_nonnull (blank);
      part = g_new0 (Part, 1);
      part->headers = g_strndup (start, blank - start);
      part->body = g_strndup (blank + 4, end - blank - 4);
      g_ptr_array_add (parts, part);
      p = end;
    }
  g_assert_not_reached ();
}

static GPtrArray *
split_message (const Parsed *parsed,
               const char   *field)
{
  g_autofree char *boundary = header_param (field, "boundary");

  g_assert_nonnull (boundary);
  return split_parts (parsed->body, boundary);
}

static GBytes *
decode_base64_part (const Part *part)
{
  g_autofree char *joined = g_strdup (part->body);
  gsize len = 0;
  guchar *data;
  g_auto(GStrv) lines = g_strsplit (part->body, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpuint (strlen (lines[i]), <=, 76);
  data = g_base64_decode (g_strdelimit (joined, "\r\n", ' '), &len);
  return g_bytes_new_take (data, len);
}

static void
test_mime_attachments (void)
{
  static const char * const to[] = { "bob@example.net", NULL };
  guchar all_bytes[256];
  g_autoptr(GBytes) binary = NULL;
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_attachment_free);
  g_autofree char *long_name = g_strconcat ("Prüfbericht März 2026 – Abteilung Qualitätssicherung, ",
                                            "Zusammenfassung für die Geschäftsleitung.pdf", NULL);
  SdMessageSpec spec = {
    .from = "alice@example.com",
    .to = to,
    .subject = "Scan",
    .body = "See attached.\n",
    .html = "<p>See <b>attached</b>.</p>\n",
    .attachments = attachments,
  };
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GPtrArray) outer = NULL;
  g_autoptr(GPtrArray) inner = NULL;
  g_autofree char *top = NULL;
  g_autofree char *alt = NULL;
  Parsed parsed;

  for (guint i = 0; i < 256; i++)
    all_bytes[i] = i;
  binary = g_bytes_new (all_bytes, sizeof all_bytes);
  g_ptr_array_add (attachments, sd_attachment_new ("all-bytes.bin", NULL, binary));
  g_ptr_array_add (attachments, sd_attachment_new (long_name, "application/pdf", binary));
  message = sd_message_build (&spec);
  g_assert_cmpuint (sd_message_longest_line (message), <=, 78);
  g_assert_false (sd_message_has_8bit (message));

  parse_message (message, &parsed);
  top = find_header (&parsed, "Content-Type");
  g_assert_true (g_str_has_prefix (top, "Content-Type: multipart/mixed;"));
  outer = split_message (&parsed, top);
  g_assert_cmpuint (outer->len, ==, 3);

  /* The text and its HTML alternative. */
  alt = part_header (outer->pdata[0], "Content-Type");
  g_assert_true (g_str_has_prefix (alt, "Content-Type: multipart/alternative;"));
  {
    g_autofree char *boundary = header_param (alt, "boundary");
    inner = split_parts (((Part *) outer->pdata[0])->body, boundary);
  }
  g_assert_cmpuint (inner->len, ==, 2);
  g_assert_cmpstr (((Part *) inner->pdata[0])->body, ==, "See attached.");
  g_assert_cmpstr (((Part *) inner->pdata[1])->body, ==, "<p>See <b>attached</b>.</p>");
  {
    g_autofree char *type0 = part_header (inner->pdata[0], "Content-Type");
    g_autofree char *type1 = part_header (inner->pdata[1], "Content-Type");
    g_assert_cmpstr (type0, ==, "Content-Type: text/plain; charset=utf-8");
    g_assert_cmpstr (type1, ==, "Content-Type: text/html; charset=utf-8");
  }

  /* The attachments: byte-identical after decoding, names and types as given. */
  for (guint i = 1; i <= 2; i++)
    {
      Part *part = outer->pdata[i];
      g_autofree char *disposition = part_header (part, "Content-Disposition");
      g_autofree char *type = part_header (part, "Content-Type");
      g_autofree char *cte = part_header (part, "Content-Transfer-Encoding");
      g_autofree char *filename = header_param (disposition, "filename");
      g_autofree char *name = header_param (type, "name");
      g_autoptr(GBytes) decoded = decode_base64_part (part);

      g_assert_cmpstr (cte, ==, "Content-Transfer-Encoding: base64");
      g_assert_true (g_str_has_prefix (disposition, "Content-Disposition: attachment;"));
      g_assert_cmpstr (filename, ==, i == 1 ? "all-bytes.bin" : long_name);
      g_assert_cmpstr (name, ==, filename);
      g_assert_true (g_bytes_equal (decoded, binary));
    }
  {
    g_autofree char *type = part_header (outer->pdata[2], "Content-Type");
    g_assert_true (g_str_has_prefix (type, "Content-Type: application/pdf;"));
  }
  parsed_clear (&parsed);
}

static void
test_mime_html_only (void)
{
  static const char * const to[] = { "bob@example.net", NULL };
  SdMessageSpec spec = {
    .from = "alice@example.com",
    .to = to,
    .subject = "Hi",
    .body = "Grüße",
    .html = "<p>Grüße</p>",
  };
  g_autoptr(GBytes) message = sd_message_build (&spec);
  g_autoptr(GPtrArray) parts = NULL;
  g_autofree char *top = NULL;
  Parsed parsed;

  parse_message (message, &parsed);
  top = find_header (&parsed, "Content-Type");
  g_assert_true (g_str_has_prefix (top, "Content-Type: multipart/alternative;"));
  parts = split_message (&parsed, top);
  g_assert_cmpuint (parts->len, ==, 2);
  /* No 8BITMIME: each part quoted-printable on its own. */
  g_assert_cmpstr (((Part *) parts->pdata[0])->body, ==, "Gr=C3=BC=C3=9Fe");
  g_assert_cmpstr (((Part *) parts->pdata[1])->body, ==, "<p>Gr=C3=BC=C3=9Fe</p>");
  parsed_clear (&parsed);
}

static void
test_mime_generated (void)
{
  g_autoptr(SdAttachment) one = sd_attachment_new_generated (1024 * 1024);
  g_autoptr(SdAttachment) again = sd_attachment_new_generated (1024 * 1024);
  g_autoptr(SdAttachment) odd = sd_attachment_new_generated (1000);
  gsize len;
  const guchar *data = g_bytes_get_data (one->data, &len);
  guint seen[256] = { 0 };

  g_assert_cmpuint (len, ==, 1024 * 1024);
  g_assert_cmpstr (one->filename, ==, "smtp-doctor-1-MB.bin");
  g_assert_cmpstr (one->content_type, ==, "application/octet-stream");
  g_assert_true (g_bytes_equal (one->data, again->data));
  g_assert_cmpstr (odd->filename, ==, "smtp-doctor-1000-bytes.bin");
  g_assert_cmpuint (g_bytes_get_size (odd->data), ==, 1000);
  /* Filler that does not compress: every byte value shows up. */
  for (gsize i = 0; i < len; i++)
    seen[data[i]]++;
  for (guint i = 0; i < 256; i++)
    g_assert_cmpuint (seen[i], >, 0);
}

static void
test_mime_content_type (void)
{
  g_autoptr(GBytes) text = g_bytes_new ("hello\n", 6);
  g_autofree char *pdf = sd_attachment_guess_type ("Scan 0001.pdf", NULL);
  g_autofree char *txt = sd_attachment_guess_type ("notes.txt", text);
  g_autofree char *unknown = sd_attachment_guess_type ("blob", NULL);

  g_assert_cmpstr (pdf, ==, "application/pdf");
  g_assert_cmpstr (txt, ==, "text/plain");
  g_assert_cmpstr (unknown, ==, "application/octet-stream");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/message/dot-stuff", test_dot_stuff);
  g_test_add_func ("/core/message/normalize-crlf", test_normalize_crlf);
  g_test_add_func ("/core/message/qp/basic", test_qp_basic);
  g_test_add_func ("/core/message/qp/soft-breaks", test_qp_soft_breaks);
  g_test_add_func ("/core/message/qp/round-trip", test_qp_round_trip);
  g_test_add_func ("/core/message/header/ascii", test_header_ascii);
  g_test_add_func ("/core/message/header/ascii-long", test_header_ascii_long);
  g_test_add_func ("/core/message/header/utf8", test_header_utf8);
  g_test_add_func ("/core/message/header/utf8-long", test_header_utf8_long);
  g_test_add_func ("/core/message/8bit-longest-line", test_has_8bit_longest_line);
  g_test_add_func ("/core/message/build/headers", test_build_headers);
  g_test_add_func ("/core/message/build/date-offset", test_build_date_offset);
  g_test_add_func ("/core/message/build/message-id", test_build_message_id);
  g_test_add_func ("/core/message/build/transfer-encoding", test_build_transfer_encoding);
  g_test_add_func ("/core/message/build/long-line", test_build_long_line);
  g_test_add_func ("/core/message/build/long-subject", test_build_long_subject);
  g_test_add_func ("/core/message/build/recipients", test_build_recipients);
  g_test_add_func ("/core/message/mime/attachments", test_mime_attachments);
  g_test_add_func ("/core/message/mime/html-only", test_mime_html_only);
  g_test_add_func ("/core/message/mime/generated", test_mime_generated);
  g_test_add_func ("/core/message/mime/content-type", test_mime_content_type);

  return g_test_run ();
}
