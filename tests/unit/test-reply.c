/* test-reply.c: the SMTP reply parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-reply.h"

/* A greeting, an EHLO answer and an AUTH failure, as one stream. */
static const char stream[] =
  "220 mx.example.com ESMTP Postfix\r\n"
  "250-mx.example.com\r\n"
  "250-PIPELINING\r\n"
  "250-SIZE 10240000\r\n"
  "250 8BITMIME\r\n"
  "535 5.7.8 Error: authentication failed\r\n";

/* One reply as a string that is easy to compare and to read in a failure:
 * "code|enhanced|line\nline". */
static char *
describe_reply (const SdReply *reply)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, "%u|%s|", reply->code,
                          reply->enhanced != NULL ? reply->enhanced : "-");
  for (guint i = 0; i < reply->lines->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, g_ptr_array_index (reply->lines, i));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Pops everything and describes it, one reply per element. */
static GPtrArray *
pop_all (SdReplyParser *parser)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  SdReply *reply;

  while ((reply = sd_reply_parser_pop (parser)) != NULL)
    {
      g_ptr_array_add (out, describe_reply (reply));
      sd_reply_free (reply);
    }

  return out;
}

static void
assert_descriptions_equal (GPtrArray *a,
                           GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* Feeds @data in one go, expecting success, and returns the one reply. */
static SdReply *
parse_one (const char *data)
{
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GError) error = NULL;
  SdReply *reply;

  g_assert_true (sd_reply_parser_feed (parser, data, strlen (data), &error));
  g_assert_no_error (error);
  reply = sd_reply_parser_pop (parser);
  g_assert_nonnull (reply);
  g_assert_null (sd_reply_parser_pop (parser));
  g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, 0);

  return reply;
}

static void
assert_expected_stream (GPtrArray *described)
{
  g_assert_cmpuint (described->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (described, 0), ==,
                   "220|-|220 mx.example.com ESMTP Postfix");
  g_assert_cmpstr (g_ptr_array_index (described, 1), ==,
                   "250|-|250-mx.example.com\n250-PIPELINING\n250-SIZE 10240000\n250 8BITMIME");
  g_assert_cmpstr (g_ptr_array_index (described, 2), ==,
                   "535|5.7.8|535 5.7.8 Error: authentication failed");
}

static void
test_single_line (void)
{
  g_autoptr(SdReply) reply = parse_one ("220 mx.example.com ESMTP ready\r\n");
  g_autofree char *text = NULL;

  g_assert_cmpuint (reply->code, ==, 220);
  g_assert_null (reply->enhanced);
  g_assert_cmpuint (sd_reply_get_n_lines (reply), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 0), ==, "220 mx.example.com ESMTP ready");
  g_assert_cmpstr (sd_reply_get_text (reply, 0), ==, "mx.example.com ESMTP ready");
  text = sd_reply_dup_text (reply);
  g_assert_cmpstr (text, ==, "mx.example.com ESMTP ready");
  g_assert_true (sd_reply_is_positive (reply));
}

static void
test_multiline (void)
{
  g_autoptr(SdReply) reply = parse_one ("250-mx.example.com Hello [192.0.2.1]\r\n"
                                        "250-PIPELINING\r\n"
                                        "250-AUTH PLAIN LOGIN\r\n"
                                        "250 SMTPUTF8\r\n");
  g_autofree char *text = NULL;

  g_assert_cmpuint (reply->code, ==, 250);
  g_assert_null (reply->enhanced);
  g_assert_cmpuint (sd_reply_get_n_lines (reply), ==, 4);
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 2), ==, "250-AUTH PLAIN LOGIN");
  g_assert_cmpstr (sd_reply_get_text (reply, 0), ==, "mx.example.com Hello [192.0.2.1]");
  g_assert_cmpstr (sd_reply_get_text (reply, 1), ==, "PIPELINING");
  g_assert_cmpstr (sd_reply_get_text (reply, 3), ==, "SMTPUTF8");
  text = sd_reply_dup_text (reply);
  g_assert_cmpstr (text, ==,
                   "mx.example.com Hello [192.0.2.1]\nPIPELINING\nAUTH PLAIN LOGIN\nSMTPUTF8");
}

/* Every way of cutting the stream in two or three pieces gives the same
 * replies as feeding it whole. */
static void
test_split_every_point (void)
{
  gsize len = strlen (stream);
  g_autoptr(GPtrArray) whole = NULL;

  {
    g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();

    g_assert_true (sd_reply_parser_feed (parser, stream, len, NULL));
    g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, len);
    whole = pop_all (parser);
    g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, 0);
    assert_expected_stream (whole);
  }

  for (gsize i = 0; i <= len; i++)
    {
      for (gsize j = i; j <= len; j++)
        {
          g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
          g_autoptr(GPtrArray) split = NULL;
          g_autoptr(GError) error = NULL;

          g_assert_true (sd_reply_parser_feed (parser, stream, i, &error));
          g_assert_true (sd_reply_parser_feed (parser, stream + i, j - i, &error));
          g_assert_true (sd_reply_parser_feed (parser, stream + j, len - j, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, len);
          split = pop_all (parser);
          assert_descriptions_equal (whole, split);
        }
    }
}

static void
test_byte_by_byte (void)
{
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GPtrArray) described = NULL;
  gsize len = strlen (stream);

  for (gsize i = 0; i < len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (sd_reply_parser_feed (parser, stream + i, 1, &error));
      g_assert_no_error (error);
      /* Nothing is lost or counted twice on the way. */
      g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, i + 1);
    }

  described = pop_all (parser);
  assert_expected_stream (described);
  g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, 0);
}

static void
test_two_in_one_chunk (void)
{
  static const char first[] = "220 ready\r\n";
  static const char second[] = "250-mx\r\n250 DSN\r\n";
  static const char partial[] = "250-mx\r\n250 ST";
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autofree char *chunk = g_strconcat (first, second, partial, NULL);
  g_autoptr(SdReply) a = NULL;
  g_autoptr(SdReply) b = NULL;

  g_assert_true (sd_reply_parser_feed (parser, chunk, strlen (chunk), NULL));
  g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, strlen (chunk));

  a = sd_reply_parser_pop (parser);
  g_assert_nonnull (a);
  g_assert_cmpuint (a->code, ==, 220);
  g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==,
                    strlen (second) + strlen (partial));

  b = sd_reply_parser_pop (parser);
  g_assert_nonnull (b);
  g_assert_cmpuint (b->code, ==, 250);
  g_assert_cmpuint (sd_reply_get_n_lines (b), ==, 2);
  /* The unfinished reply (one whole line and a partial one) is still pending. */
  g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, strlen (partial));
  g_assert_null (sd_reply_parser_pop (parser));
}

static void
assert_enhanced (const char *line,
                 const char *expected)
{
  g_autofree char *escaped = g_strescape (line, NULL);
  g_autoptr(SdReply) reply = NULL;

  g_test_message ("input: \"%s\"", escaped);
  reply = parse_one (line);
  g_assert_cmpstr (reply->enhanced, ==, expected);
}

static void
test_enhanced (void)
{
  g_autoptr(SdReply) reply = parse_one ("535 5.7.8 Bad\r\n");

  g_assert_cmpstr (reply->enhanced, ==, "5.7.8");
  /* The text keeps the enhanced code. */
  g_assert_cmpstr (sd_reply_get_text (reply, 0), ==, "5.7.8 Bad");
  g_assert_false (sd_reply_is_positive (reply));

  assert_enhanced ("550 5.7.1 Relaying denied\r\n", "5.7.1");
  assert_enhanced ("250 2.0.0 Ok: queued as 4XyZ\r\n", "2.0.0");
  assert_enhanced ("451 4.123.999 Try later\r\n", "4.123.999");
  assert_enhanced ("550 5.1.1\r\n", "5.1.1");
  assert_enhanced ("250-2.1.0 Sender ok\r\n250 2.1.0 more\r\n", "2.1.0");
  /* Absent or not quite one. */
  assert_enhanced ("250 Ok\r\n", NULL);
  assert_enhanced ("250 5.0.0 class does not match\r\n", NULL);
  assert_enhanced ("354 3.0.0 no class 3\r\n", NULL);
  assert_enhanced ("550 5.7 short\r\n", NULL);
  assert_enhanced ("550 5.7.1234 too long\r\n", NULL);
  assert_enhanced ("550 5.1000.1 too long\r\n", NULL);
  assert_enhanced ("550 5.7.1x glued\r\n", NULL);
  assert_enhanced ("550  5.7.1 two spaces\r\n", NULL);
  assert_enhanced ("550 5..1 empty\r\n", NULL);
  assert_enhanced ("550\r\n", NULL);
  /* Only the first line counts. */
  assert_enhanced ("550-Denied\r\n550 5.7.1 later\r\n", NULL);
}

static void
test_bare_code (void)
{
  g_autoptr(SdReply) reply = parse_one ("250\r\n");
  g_autofree char *text = NULL;

  g_assert_cmpuint (reply->code, ==, 250);
  g_assert_cmpuint (sd_reply_get_n_lines (reply), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 0), ==, "250");
  g_assert_cmpstr (sd_reply_get_text (reply, 0), ==, "");
  text = sd_reply_dup_text (reply);
  g_assert_cmpstr (text, ==, "");

  /* "250 " with an empty text is a final line too. */
  g_clear_pointer (&reply, sd_reply_free);
  reply = parse_one ("250-a\r\n250 \r\n");
  g_assert_cmpuint (sd_reply_get_n_lines (reply), ==, 2);
  g_assert_cmpstr (sd_reply_get_text (reply, 1), ==, "");
}

static void
test_bare_lf (void)
{
  g_autoptr(SdReply) reply = parse_one ("250-mx.example.com\n250-SIZE\r\n250 DSN\n");

  g_assert_cmpuint (sd_reply_get_n_lines (reply), ==, 3);
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 0), ==, "250-mx.example.com");
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 1), ==, "250-SIZE");
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 2), ==, "250 DSN");

  /* Only a trailing CR is a line ending; others are data. */
  g_clear_pointer (&reply, sd_reply_free);
  reply = parse_one ("250 a\rb\r\r\n");
  g_assert_cmpstr (g_ptr_array_index (reply->lines, 0), ==, "250 a\rb\r");
}

/* Feeds @data whole and then byte by byte; both must fail with @code. */
static void
assert_fails (const char   *data,
              gsize         len,
              SdReplyError  code)
{
  g_autofree char *head = g_strndup (data, MIN (len, 40));
  g_autofree char *escaped = g_strescape (head, NULL);

  g_test_message ("input: \"%s\"", escaped);

  {
    g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (sd_reply_parser_feed (parser, data, len, &error));
    g_assert_error (error, SD_REPLY_ERROR, (gint) code);
  }

  {
    g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
    g_autoptr(GError) error = NULL;
    gsize i;

    for (i = 0; i < len; i++)
      {
        if (!sd_reply_parser_feed (parser, data + i, 1, &error))
          break;
      }
    g_assert_cmpuint (i, <, len);
    g_assert_error (error, SD_REPLY_ERROR, (gint) code);
  }
}

#define assert_fails_str(s, code) assert_fails ((s), strlen (s), (code))

static void
test_bad_code (void)
{
  static const char *bad[] = {
    "25\r\n",
    "2500 x\r\n",
    "abc\r\n",
    "250\tx\r\n",
    "250x\r\n",
    "150 one\r\n",
    "199 one\r\n",
    "600 six\r\n",
    "099 zero\r\n",
    "\r\n",
    "\n",
    " 250 x\r\n",
    "2a0 x\r\n",
    "25a x\r\n",
    "250_x\r\n",
    "220 ok\r\n250-\xff\r\n2\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_fails_str (bad[i], SD_REPLY_ERROR_BAD_CODE);

  /* The lowest and highest codes are fine. */
  sd_reply_free (parse_one ("200 x\r\n"));
  sd_reply_free (parse_one ("599 x\r\n"));
}

static void
test_code_changed (void)
{
  assert_fails_str ("250-a\r\n550 b\r\n", SD_REPLY_ERROR_CODE_CHANGED);
  assert_fails_str ("250-a\r\n251-b\r\n251 c\r\n", SD_REPLY_ERROR_CODE_CHANGED);
  /* A new reply may of course have a new code. */
  {
    g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
    g_autoptr(GPtrArray) described = NULL;
    const char *data = "250-a\r\n250 b\r\n550 c\r\n";

    g_assert_true (sd_reply_parser_feed (parser, data, strlen (data), NULL));
    described = pop_all (parser);
    g_assert_cmpuint (described->len, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (described, 0), ==, "250|-|250-a\n250 b");
    g_assert_cmpstr (g_ptr_array_index (described, 1), ==, "550|-|550 c");
  }
}

static void
test_nul (void)
{
  static const char with_nul[] = "250-mx\r\n250 a\0b\r\n";
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GError) error = NULL;

  assert_fails (with_nul, sizeof with_nul - 1, SD_REPLY_ERROR_NUL);
  assert_fails ("\0", 1, SD_REPLY_ERROR_NUL);

  /* The message shows the line so an admin can see it, NUL escaped. */
  g_assert_false (sd_reply_parser_feed (parser, with_nul, sizeof with_nul - 1, &error));
  g_assert_error (error, SD_REPLY_ERROR, SD_REPLY_ERROR_NUL);
  g_assert_nonnull (strstr (error->message, "250 a\\x00b"));
}

static void
test_line_too_long (void)
{
  gsize len = 10 * 1024;
  g_autofree char *as = g_malloc (len);
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize i;

  memset (as, 'a', len);

  /* No newline at all: found without waiting for one. */
  assert_fails (as, len, SD_REPLY_ERROR_LINE_TOO_LONG);

  /* Byte by byte it is found as soon as the limit is passed, so the
   * partial line never grows beyond it. */
  for (i = 0; i < len; i++)
    {
      if (!sd_reply_parser_feed (parser, as + i, 1, &error))
        break;
      g_assert_cmpuint (sd_reply_parser_get_pending (parser), <=, SD_REPLY_MAX_LINE_LENGTH + 1);
    }
  g_assert_error (error, SD_REPLY_ERROR, SD_REPLY_ERROR_LINE_TOO_LONG);
  g_assert_cmpuint (i, ==, SD_REPLY_MAX_LINE_LENGTH);

  /* The message quotes only the start of the line. */
  g_assert_nonnull (strstr (error->message, "aaaa"));
  g_assert_cmpuint (strlen (error->message), <, 400);
}

static char *
make_line (gsize length)
{
  GString *line = g_string_new ("250 ");

  while (line->len < length)
    g_string_append_c (line, 'x');

  return g_string_free (line, FALSE);
}

static void
test_line_length_limit (void)
{
  g_autofree char *longest = make_line (SD_REPLY_MAX_LINE_LENGTH);
  g_autofree char *too_long = make_line (SD_REPLY_MAX_LINE_LENGTH + 1);
  g_autofree char *ok_crlf = g_strconcat (longest, "\r\n", NULL);
  g_autofree char *ok_lf = g_strconcat (longest, "\n", NULL);
  g_autofree char *bad_crlf = g_strconcat (too_long, "\r\n", NULL);
  g_autofree char *bad_lf = g_strconcat (too_long, "\n", NULL);
  g_autofree char *bad_two = g_strconcat (longest, "\r\r\n", NULL);
  g_autoptr(SdReply) reply = NULL;

  reply = parse_one (ok_crlf);
  g_assert_cmpuint (strlen (g_ptr_array_index (reply->lines, 0)), ==, SD_REPLY_MAX_LINE_LENGTH);
  g_clear_pointer (&reply, sd_reply_free);
  reply = parse_one (ok_lf);
  g_assert_cmpuint (strlen (g_ptr_array_index (reply->lines, 0)), ==, SD_REPLY_MAX_LINE_LENGTH);

  /* The longest line still works when it arrives byte by byte. */
  {
    g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();

    for (gsize i = 0; ok_crlf[i] != '\0'; i++)
      g_assert_true (sd_reply_parser_feed (parser, ok_crlf + i, 1, NULL));
    g_clear_pointer (&reply, sd_reply_free);
    reply = sd_reply_parser_pop (parser);
    g_assert_nonnull (reply);
  }

  /* The longest line and its CR may wait for the LF, but not one byte more. */
  {
    g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
    g_autoptr(GError) error = NULL;

    g_assert_true (sd_reply_parser_feed (parser, longest, strlen (longest), NULL));
    g_assert_true (sd_reply_parser_feed (parser, "\r", 1, NULL));
    g_assert_cmpuint (sd_reply_parser_get_pending (parser), ==, SD_REPLY_MAX_LINE_LENGTH + 1);
    g_assert_false (sd_reply_parser_feed (parser, "\r", 1, &error));
    g_assert_error (error, SD_REPLY_ERROR, SD_REPLY_ERROR_LINE_TOO_LONG);
  }

  assert_fails_str (bad_crlf, SD_REPLY_ERROR_LINE_TOO_LONG);
  assert_fails_str (bad_lf, SD_REPLY_ERROR_LINE_TOO_LONG);
  assert_fails_str (bad_two, SD_REPLY_ERROR_LINE_TOO_LONG);
}

static char *
make_reply (guint n_lines)
{
  GString *out = g_string_new (NULL);

  for (guint i = 1; i < n_lines; i++)
    g_string_append_printf (out, "250-line %u\r\n", i);
  g_string_append (out, "250 last\r\n");

  return g_string_free (out, FALSE);
}

static void
test_too_many_lines (void)
{
  g_autofree char *most = make_reply (SD_REPLY_MAX_LINES);
  g_autofree char *too_many = make_reply (SD_REPLY_MAX_LINES + 1);
  g_autofree char *endless = make_reply (10 * SD_REPLY_MAX_LINES);
  g_autoptr(SdReply) reply = parse_one (most);

  g_assert_cmpuint (sd_reply_get_n_lines (reply), ==, SD_REPLY_MAX_LINES);
  assert_fails_str (too_many, SD_REPLY_ERROR_TOO_MANY_LINES);
  /* The final line never comes: stop anyway. */
  endless[strlen (endless) - strlen ("250 last\r\n")] = '\0';
  assert_fails_str (endless, SD_REPLY_ERROR_TOO_MANY_LINES);
}

static void
test_unusable_after_error (void)
{
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sd_reply_parser_feed (parser, "abc\r\n", 5, &error));
  g_assert_error (error, SD_REPLY_ERROR, SD_REPLY_ERROR_BAD_CODE);
  g_clear_error (&error);

  g_assert_false (sd_reply_parser_feed (parser, "250 ok\r\n", 8, &error));
  g_assert_error (error, SD_REPLY_ERROR, SD_REPLY_ERROR_BAD_CODE);
  g_assert_null (sd_reply_parser_pop (parser));
}

static void
test_error_messages (void)
{
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *data = "220 ok\r\n25\x01\xc3 \\ but this line goes on and on and on and on and "
                     "on and on and on and on and on and on and on and END\r\n";

  g_assert_false (sd_reply_parser_feed (parser, data, strlen (data), &error));
  g_assert_error (error, SD_REPLY_ERROR, SD_REPLY_ERROR_BAD_CODE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“25\\x01\\xC3 \\\\ but this"));
  /* Truncated to the first 80 bytes. */
  g_assert_null (strstr (error->message, "END"));
  g_assert_nonnull (strstr (error->message, "…"));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  g_clear_error (&error);
  g_clear_pointer (&parser, sd_reply_parser_free);
  parser = sd_reply_parser_new ();
  g_assert_false (sd_reply_parser_feed (parser, "250-a\r\n550 b\r\n", 14, &error));
  g_assert_nonnull (strstr (error->message, "250"));
  g_assert_nonnull (strstr (error->message, "“550 b”"));
}

static void
test_invalid_utf8_kept (void)
{
  g_autoptr(SdReply) reply = parse_one ("250 caf\xe9\r\n");

  g_assert_cmpstr (g_ptr_array_index (reply->lines, 0), ==, "250 caf\xe9");
}

static void
test_copy (void)
{
  g_autoptr(SdReply) reply = parse_one ("550-5.7.1 Denied\r\n550 see https://example.com\r\n");
  g_autoptr(SdReply) copy = sd_reply_copy (reply);
  g_autoptr(SdReply) made = sd_reply_new (421, "4.4.2");

  g_clear_pointer (&reply, sd_reply_free);
  g_assert_cmpuint (copy->code, ==, 550);
  g_assert_cmpstr (copy->enhanced, ==, "5.7.1");
  g_assert_cmpuint (sd_reply_get_n_lines (copy), ==, 2);
  g_assert_cmpstr (sd_reply_get_text (copy, 1), ==, "see https://example.com");

  g_assert_cmpuint (made->code, ==, 421);
  g_assert_cmpstr (made->enhanced, ==, "4.4.2");
  g_assert_cmpuint (sd_reply_get_n_lines (made), ==, 0);
  g_assert_false (sd_reply_is_positive (made));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/reply/single-line", test_single_line);
  g_test_add_func ("/core/reply/multiline", test_multiline);
  g_test_add_func ("/core/reply/split-every-point", test_split_every_point);
  g_test_add_func ("/core/reply/byte-by-byte", test_byte_by_byte);
  g_test_add_func ("/core/reply/two-in-one-chunk", test_two_in_one_chunk);
  g_test_add_func ("/core/reply/enhanced", test_enhanced);
  g_test_add_func ("/core/reply/bare-code", test_bare_code);
  g_test_add_func ("/core/reply/bare-lf", test_bare_lf);
  g_test_add_func ("/core/reply/bad-code", test_bad_code);
  g_test_add_func ("/core/reply/code-changed", test_code_changed);
  g_test_add_func ("/core/reply/nul", test_nul);
  g_test_add_func ("/core/reply/line-too-long", test_line_too_long);
  g_test_add_func ("/core/reply/line-length-limit", test_line_length_limit);
  g_test_add_func ("/core/reply/too-many-lines", test_too_many_lines);
  g_test_add_func ("/core/reply/unusable-after-error", test_unusable_after_error);
  g_test_add_func ("/core/reply/error-messages", test_error_messages);
  g_test_add_func ("/core/reply/invalid-utf8-kept", test_invalid_utf8_kept);
  g_test_add_func ("/core/reply/copy", test_copy);

  return g_test_run ();
}
