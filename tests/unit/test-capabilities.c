/* test-capabilities.c: reading EHLO replies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-capabilities.h"

/* Parses @data, which must be exactly one reply, into capabilities. */
static SdCapabilities *
caps_from_text (const char *data)
{
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdReply) reply = NULL;

  g_assert_true (sd_reply_parser_feed (parser, data, strlen (data), &error));
  g_assert_no_error (error);
  reply = sd_reply_parser_pop (parser);
  g_assert_nonnull (reply);
  g_assert_null (sd_reply_parser_pop (parser));

  return sd_capabilities_new_from_reply (reply);
}

static void
assert_auth (const SdCapabilities *caps,
             const char           *expected)
{
  g_autofree char *auth = sd_capabilities_dup_auth_string (caps);

  g_assert_cmpstr (auth, ==, expected);
}

static void
assert_keywords (const SdCapabilities *caps,
                 const char * const   *expected)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (caps->keywords->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (caps->keywords, i), ==, expected[i]);
}

static void
test_postfix (void)
{
  static const char * const keywords[] = {
    "PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS",
    "AUTH PLAIN LOGIN", "AUTH=PLAIN LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME",
    "DSN", "SMTPUTF8", "CHUNKING", NULL
  };
  g_autoptr(SdCapabilities) caps =
    caps_from_text ("250-mail.example.org\r\n"
                    "250-PIPELINING\r\n"
                    "250-SIZE 10240000\r\n"
                    "250-VRFY\r\n"
                    "250-ETRN\r\n"
                    "250-STARTTLS\r\n"
                    "250-AUTH PLAIN LOGIN\r\n"
                    "250-AUTH=PLAIN LOGIN\r\n"
                    "250-ENHANCEDSTATUSCODES\r\n"
                    "250-8BITMIME\r\n"
                    "250-DSN\r\n"
                    "250-SMTPUTF8\r\n"
                    "250 CHUNKING\r\n");

  g_assert_cmpstr (caps->domain, ==, "mail.example.org");
  assert_keywords (caps, keywords);
  assert_auth (caps, "PLAIN LOGIN");
  g_assert_true (caps->has_size);
  g_assert_cmpuint (caps->size, ==, 10240000);
  g_assert_true (caps->starttls);
  g_assert_true (caps->pipelining);
  g_assert_true (caps->chunking);
  g_assert_true (caps->eightbitmime);
  g_assert_true (caps->smtputf8);
  g_assert_true (caps->dsn);
  g_assert_true (caps->enhancedstatuscodes);
  g_assert_true (sd_capabilities_has_auth (caps, "PLAIN"));
  g_assert_true (sd_capabilities_has_auth (caps, "login"));
  g_assert_false (sd_capabilities_has_auth (caps, "CRAM-MD5"));
}

static void
test_exchange (void)
{
  static const char * const keywords[] = {
    "SIZE 37748736", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS",
    "X-ANONYMOUSTLS", "AUTH GSSAPI NTLM", "X-EXPS GSSAPI NTLM", "8BITMIME",
    "BINARYMIME", "CHUNKING", "XRDST", NULL
  };
  g_autoptr(SdCapabilities) caps =
    caps_from_text ("250-EXCH01.corp.example.com Hello [10.0.0.5]\r\n"
                    "250-SIZE 37748736\r\n"
                    "250-PIPELINING\r\n"
                    "250-DSN\r\n"
                    "250-ENHANCEDSTATUSCODES\r\n"
                    "250-STARTTLS\r\n"
                    "250-X-ANONYMOUSTLS\r\n"
                    "250-AUTH GSSAPI NTLM\r\n"
                    "250-X-EXPS GSSAPI NTLM\r\n"
                    "250-8BITMIME\r\n"
                    "250-BINARYMIME\r\n"
                    "250-CHUNKING\r\n"
                    "250 XRDST\r\n");

  g_assert_cmpstr (caps->domain, ==, "EXCH01.corp.example.com");
  assert_keywords (caps, keywords);
  /* X-EXPS lists mechanisms too, but it is not AUTH. */
  assert_auth (caps, "GSSAPI NTLM");
  g_assert_true (caps->has_size);
  g_assert_cmpuint (caps->size, ==, 37748736);
  g_assert_true (caps->starttls);
  g_assert_true (caps->pipelining);
  g_assert_true (caps->chunking);
  g_assert_true (caps->eightbitmime);
  g_assert_true (caps->dsn);
  g_assert_true (caps->enhancedstatuscodes);
  g_assert_false (caps->smtputf8);
  g_assert_false (sd_capabilities_has_auth (caps, "PLAIN"));
}

static void
test_auth_merged (void)
{
  g_autoptr(SdCapabilities) caps =
    caps_from_text ("250-smtp.example.net\r\n"
                    "250-AUTH=LOGIN cram-md5\r\n"
                    "250-AUTH PLAIN LOGIN CRAM-MD5 plain\r\n"
                    "250 AUTH XOAUTH2\r\n");

  /* Upper case, each once, in order of first appearance. */
  assert_auth (caps, "LOGIN CRAM-MD5 PLAIN XOAUTH2");
  g_assert_cmpuint (caps->auth->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (caps->auth, 1), ==, "CRAM-MD5");
  g_assert_true (sd_capabilities_has_auth (caps, "Cram-Md5"));
  /* Keywords are kept as offered. */
  g_assert_cmpstr (g_ptr_array_index (caps->keywords, 0), ==, "AUTH=LOGIN cram-md5");
}

static void
test_auth_garbage (void)
{
  g_autoptr(SdCapabilities) caps =
    caps_from_text ("250-smtp.example.net\r\n"
                    "250-AUTH  PLAIN\tLOGIN  \r\n"
                    "250-AUTH= SCRAM-SHA-256 A_B-9 ABCDEFGHIJKLMNOPQRSTU <script> L\xc3\xb6GIN x=y\r\n"
                    "250-AUTH\r\n"
                    "250 AUTHX FOO\r\n");

  /* Empty, over-long (21) and odd names are left out; 20 characters is fine. */
  assert_auth (caps, "PLAIN LOGIN SCRAM-SHA-256 A_B-9");
  {
    g_autoptr(SdCapabilities) caps20 =
      caps_from_text ("250-x\r\n250 AUTH ABCDEFGHIJKLMNOPQRST\r\n");

    assert_auth (caps20, "ABCDEFGHIJKLMNOPQRST");
  }
}

static void
test_size (void)
{
  g_autoptr(SdCapabilities) with_number = caps_from_text ("250-mx\r\n250 SIZE 52428800\r\n");
  g_autoptr(SdCapabilities) without = caps_from_text ("250-mx\r\n250 SIZE\r\n");
  g_autoptr(SdCapabilities) bad = caps_from_text ("250-mx\r\n250 SIZE lots\r\n");
  g_autoptr(SdCapabilities) negative = caps_from_text ("250-mx\r\n250 SIZE -1\r\n");
  g_autoptr(SdCapabilities) huge = caps_from_text ("250-mx\r\n250 SIZE 99999999999999999999999\r\n");
  g_autoptr(SdCapabilities) big = caps_from_text ("250-mx\r\n250 SIZE 18446744073709551615\r\n");
  g_autoptr(SdCapabilities) none = caps_from_text ("250-mx\r\n250 PIPELINING\r\n");

  g_assert_true (with_number->has_size);
  g_assert_cmpuint (with_number->size, ==, 52428800);
  g_assert_true (without->has_size);
  g_assert_cmpuint (without->size, ==, 0);
  g_assert_true (bad->has_size);
  g_assert_cmpuint (bad->size, ==, 0);
  g_assert_true (negative->has_size);
  g_assert_cmpuint (negative->size, ==, 0);
  g_assert_true (huge->has_size);
  g_assert_cmpuint (huge->size, ==, 0);
  g_assert_cmpuint (big->size, ==, G_MAXUINT64);
  g_assert_false (none->has_size);
  g_assert_cmpuint (none->size, ==, 0);
}

static void
test_lowercase (void)
{
  g_autoptr(SdCapabilities) caps =
    caps_from_text ("250-mx.example.com at your service\r\n"
                    "250-starttls\r\n"
                    "250-Pipelining\r\n"
                    "250-8bitmime\r\n"
                    "250-smtputf8\r\n"
                    "250-dsn\r\n"
                    "250-chunking\r\n"
                    "250-enhancedstatuscodes\r\n"
                    "250-size 1000\r\n"
                    "250 auth login plain\r\n");

  g_assert_cmpstr (caps->domain, ==, "mx.example.com");
  g_assert_true (caps->starttls);
  g_assert_true (caps->pipelining);
  g_assert_true (caps->eightbitmime);
  g_assert_true (caps->smtputf8);
  g_assert_true (caps->dsn);
  g_assert_true (caps->chunking);
  g_assert_true (caps->enhancedstatuscodes);
  g_assert_true (caps->has_size);
  g_assert_cmpuint (caps->size, ==, 1000);
  assert_auth (caps, "LOGIN PLAIN");
  g_assert_cmpstr (g_ptr_array_index (caps->keywords, 0), ==, "starttls");
}

static void
test_lookalikes (void)
{
  g_autoptr(SdCapabilities) caps =
    caps_from_text ("250-mx\r\n"
                    "250-STARTTLSX\r\n"
                    "250-XPIPELINING\r\n"
                    "250-SIZEX 100\r\n"
                    "250-\r\n"
                    "250 8BITMIMEE\r\n");

  g_assert_false (caps->starttls);
  g_assert_false (caps->pipelining);
  g_assert_false (caps->has_size);
  g_assert_false (caps->eightbitmime);
  /* The blank line is not a keyword. */
  g_assert_cmpuint (caps->keywords->len, ==, 4);
}

static void
test_helo (void)
{
  g_autoptr(SdCapabilities) caps = caps_from_text ("250 mx.example.com\r\n");
  g_autoptr(SdCapabilities) bare = caps_from_text ("250\r\n");
  g_autoptr(SdCapabilities) refused = caps_from_text ("502-5.5.1 EHLO not supported\r\n"
                                                     "502 STARTTLS\r\n");

  g_assert_cmpstr (caps->domain, ==, "mx.example.com");
  g_assert_cmpuint (caps->keywords->len, ==, 0);
  g_assert_cmpuint (caps->auth->len, ==, 0);
  g_assert_false (caps->has_size);
  g_assert_false (caps->starttls);
  g_assert_false (caps->pipelining);
  assert_auth (caps, "");

  g_assert_cmpstr (bare->domain, ==, "");
  g_assert_cmpuint (bare->keywords->len, ==, 0);

  /* Only a 250 reply offers extensions. */
  g_assert_cmpuint (refused->keywords->len, ==, 0);
  g_assert_false (refused->starttls);
}

static void
test_copy (void)
{
  g_autoptr(SdCapabilities) caps =
    caps_from_text ("250-mx.example.com\r\n250-SIZE 42\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n");
  g_autoptr(SdCapabilities) copy = sd_capabilities_copy (caps);

  g_clear_pointer (&caps, sd_capabilities_free);
  g_assert_cmpstr (copy->domain, ==, "mx.example.com");
  g_assert_cmpuint (copy->keywords->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (copy->keywords, 2), ==, "AUTH PLAIN");
  g_assert_true (copy->has_size);
  g_assert_cmpuint (copy->size, ==, 42);
  g_assert_true (copy->starttls);
  g_assert_false (copy->pipelining);
  assert_auth (copy, "PLAIN");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/capabilities/postfix", test_postfix);
  g_test_add_func ("/core/capabilities/exchange", test_exchange);
  g_test_add_func ("/core/capabilities/auth-merged", test_auth_merged);
  g_test_add_func ("/core/capabilities/auth-garbage", test_auth_garbage);
  g_test_add_func ("/core/capabilities/size", test_size);
  g_test_add_func ("/core/capabilities/lowercase", test_lowercase);
  g_test_add_func ("/core/capabilities/lookalikes", test_lookalikes);
  g_test_add_func ("/core/capabilities/helo", test_helo);
  g_test_add_func ("/core/capabilities/copy", test_copy);

  return g_test_run ();
}
