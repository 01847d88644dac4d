/* test-auth.c: SASL client mechanisms and the auto pick
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-auth.h"
#include "sd-secret.h"

#define RFC_USER     "tim"
#define RFC_PASSWORD "tanstaaftanstaaf"

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       expected_len)
{
  gsize len;
  const guint8 *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (data, len, expected, expected_len);
}

static char *
base64_of (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return g_base64_encode (data, len);
}

static GBytes *
bytes_from_string (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static SdCapabilities *
caps_with_auth (const char * const *mechanisms)
{
  SdCapabilities *caps = g_new0 (SdCapabilities, 1);

  caps->keywords = g_ptr_array_new_with_free_func (g_free);
  caps->auth = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; mechanisms[i] != NULL; i++)
    g_ptr_array_add (caps->auth, g_strdup (mechanisms[i]));

  return caps;
}

/* sd_capabilities_free() belongs to another module; free the hand-made struct here. */
static void
caps_free (SdCapabilities *caps)
{
  g_ptr_array_unref (caps->keywords);
  g_ptr_array_unref (caps->auth);
  g_free (caps);
}

static void
test_new_unsupported (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAuth) auth = sd_auth_new ("DIGEST-MD5", "bob", "secret", &error);

  g_assert_null (auth);
  g_assert_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "DIGEST-MD5"));
}

static void
test_new_case_insensitive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAuth) auth = sd_auth_new ("cram-md5", "bob", "secret", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (sd_auth_get_mechanism (auth), ==, "CRAM-MD5");
}

static void
test_plain_rfc4616 (void)
{
  static const char expected[] = "\0" RFC_USER "\0" RFC_PASSWORD;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAuth) auth = sd_auth_new ("PLAIN", RFC_USER, RFC_PASSWORD, &error);
  g_autoptr(GBytes) ir = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *encoded = NULL;

  g_assert_no_error (error);
  ir = sd_auth_initial_response (auth, &shown);
  assert_bytes (ir, expected, sizeof expected - 1);

  encoded = base64_of (ir);
  g_assert_cmpstr (encoded, ==, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");

  g_assert_cmpstr (shown, ==, "user \"tim\", password hidden");
  g_assert_null (strstr (shown, RFC_PASSWORD));
  g_assert_null (strstr (shown, encoded));
}

static void
test_plain_empty_challenge (void)
{
  static const char expected[] = "\0bob\0s3cret";
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAuth) auth = sd_auth_new ("PLAIN", "bob", "s3cret", &error);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree char *shown = NULL;

  g_assert_no_error (error);

  /* AUTH PLAIN without an initial response: the server asks with an empty 334. */
  response = sd_auth_step (auth, empty, &shown, &error);
  g_assert_no_error (error);
  assert_bytes (response, expected, sizeof expected - 1);
  g_assert_cmpstr (shown, ==, "user \"bob\", password hidden");

  again = sd_auth_step (auth, empty, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE);
}

static void
test_login_steps (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAuth) auth = sd_auth_new ("login", "bob", "s3cret", &error);
  g_autoptr(GBytes) user_prompt = bytes_from_string ("Username:");
  /* Not "Password:": only the step counts, not the prompt's wording. */
  g_autoptr(GBytes) password_prompt = bytes_from_string ("Kennwort");
  g_autoptr(GBytes) ir = NULL;
  g_autoptr(GBytes) user = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(GBytes) third = NULL;
  g_autofree char *ir_shown = NULL;
  g_autofree char *user_shown = NULL;
  g_autofree char *password_shown = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (sd_auth_get_mechanism (auth), ==, "LOGIN");

  ir = sd_auth_initial_response (auth, &ir_shown);
  g_assert_null (ir);
  g_assert_null (ir_shown);

  user = sd_auth_step (auth, user_prompt, &user_shown, &error);
  g_assert_no_error (error);
  assert_bytes (user, "bob", 3);
  g_assert_cmpstr (user_shown, ==, "user name \"bob\"");

  password = sd_auth_step (auth, password_prompt, &password_shown, &error);
  g_assert_no_error (error);
  assert_bytes (password, "s3cret", 6);
  g_assert_cmpstr (password_shown, ==, "password hidden");

  third = sd_auth_step (auth, password_prompt, NULL, &error);
  g_assert_null (third);
  g_assert_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE);
}

static void
test_cram_md5_rfc2195 (void)
{
  static const char expected[] = "tim b913a602c7eda7a495b4e6e7334d3890";
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAuth) auth = sd_auth_new ("CRAM-MD5", RFC_USER, RFC_PASSWORD, &error);
  g_autoptr(GBytes) challenge =
    bytes_from_string ("<1896.697170952@postoffice.reston.mci.net>");
  g_autoptr(GBytes) ir = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *encoded = NULL;

  g_assert_no_error (error);
  ir = sd_auth_initial_response (auth, NULL);
  g_assert_null (ir);

  response = sd_auth_step (auth, challenge, &shown, &error);
  g_assert_no_error (error);
  assert_bytes (response, expected, sizeof expected - 1);
  encoded = base64_of (response);
  g_assert_cmpstr (encoded, ==, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  g_assert_cmpstr (shown, ==, "user \"tim\", digest hidden");

  again = sd_auth_step (auth, challenge, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE);
}

static void
test_cram_md5_bad_challenge (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdAuth) auth = sd_auth_new ("CRAM-MD5", "bob", "s3cret", &error);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree guint8 *big = g_malloc (1025);
  g_autoptr(GBytes) too_long = NULL;
  g_autoptr(GBytes) longest = NULL;
  g_autoptr(GBytes) response = NULL;

  g_assert_no_error (error);
  memset (big, 'x', 1025);

  response = sd_auth_step (auth, empty, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE);
  g_clear_error (&error);

  too_long = g_bytes_new (big, 1025);
  response = sd_auth_step (auth, too_long, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE);
  g_clear_error (&error);

  /* The failed steps did not count: 1024 bytes is still a valid first challenge. */
  longest = g_bytes_new (big, 1024);
  response = sd_auth_step (auth, longest, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpuint (g_bytes_get_size (response), ==, strlen ("bob ") + 32);
}

static void
test_mechanism_flags (void)
{
  g_assert_true (sd_auth_mechanism_is_plaintext ("PLAIN"));
  g_assert_true (sd_auth_mechanism_is_plaintext ("login"));
  g_assert_false (sd_auth_mechanism_is_plaintext ("CRAM-MD5"));
  g_assert_false (sd_auth_mechanism_is_plaintext ("GSSAPI"));

  g_assert_true (sd_auth_mechanism_is_supported ("plain"));
  g_assert_true (sd_auth_mechanism_is_supported ("LOGIN"));
  g_assert_true (sd_auth_mechanism_is_supported ("Cram-Md5"));
  g_assert_true (sd_auth_mechanism_is_supported ("NTLM"));
  g_assert_true (sd_auth_mechanism_is_supported ("xoauth2"));
  g_assert_true (sd_auth_mechanism_is_supported ("OAUTHBEARER"));
#if defined(HAVE_GSSAPI) || defined(G_OS_WIN32)
  g_assert_true (sd_auth_mechanism_is_supported ("gssapi"));
  g_assert_cmpint (sd_auth_mechanism_get_credential ("GSSAPI"), ==, SD_AUTH_CREDENTIAL_SYSTEM);
#else
  g_assert_false (sd_auth_mechanism_is_supported ("GSSAPI"));
#endif
  g_assert_false (sd_auth_mechanism_is_supported ("DIGEST-MD5"));
  g_assert_false (sd_auth_mechanism_is_supported ("CRAM-MD"));
}

static void
test_pick_tls (void)
{
  static const char * const all[] = { "LOGIN", "CRAM-MD5", "PLAIN", NULL };
  static const char * const no_plain[] = { "CRAM-MD5", "LOGIN", NULL };
  SdCapabilities *caps = caps_with_auth (all);
  g_autofree char *reason = NULL;
  const char *picked;

  picked = sd_auth_pick (caps, TRUE, &reason);
  g_assert_cmpstr (picked, ==, "PLAIN");
  g_assert_cmpstr (reason, ==, "Picked PLAIN: the session is encrypted and PLAIN needs one "
                               "round trip (server offers: LOGIN CRAM-MD5 PLAIN).");
  caps_free (caps);
  g_clear_pointer (&reason, g_free);

  caps = caps_with_auth (no_plain);
  picked = sd_auth_pick (caps, TRUE, &reason);
  g_assert_cmpstr (picked, ==, "LOGIN");
  g_assert_nonnull (strstr (reason, "Picked LOGIN"));
  caps_free (caps);
}

static void
test_pick_cleartext (void)
{
  static const char * const all[] = { "plain", "login", "cram-md5", NULL };
  static const char * const no_cram[] = { "LOGIN", "PLAIN", NULL };
  SdCapabilities *caps = caps_with_auth (all);
  g_autofree char *reason = NULL;
  const char *picked;

  /* The static upper-case name comes back, whatever case the server used. */
  picked = sd_auth_pick (caps, FALSE, &reason);
  g_assert_cmpstr (picked, ==, "CRAM-MD5");
  g_assert_cmpstr (reason, ==, "Picked CRAM-MD5: the session is not encrypted and CRAM-MD5 "
                               "never sends the password (server offers: plain login "
                               "cram-md5).");
  caps_free (caps);
  g_clear_pointer (&reason, g_free);

  caps = caps_with_auth (no_cram);
  picked = sd_auth_pick (caps, FALSE, &reason);
  g_assert_cmpstr (picked, ==, "PLAIN");
  g_assert_nonnull (strstr (reason, "Picked PLAIN"));
  caps_free (caps);
}

static void
test_pick_none (void)
{
  static const char * const foreign[] = { "DIGEST-MD5", "KERBEROS_V4", NULL };
  static const char * const nothing[] = { NULL };
  SdCapabilities *caps = caps_with_auth (foreign);
  g_autofree char *reason = NULL;

  g_assert_null (sd_auth_pick (caps, TRUE, &reason));
  g_assert_cmpstr (reason, ==, "The server offers DIGEST-MD5 KERBEROS_V4; none of them is "
                               "supported with the credentials given (a password: PLAIN, "
                               "LOGIN, CRAM-MD5, NTLM; a token: XOAUTH2, OAUTHBEARER).");
  g_clear_pointer (&reason, g_free);
  g_assert_null (sd_auth_pick (caps, FALSE, NULL));
  caps_free (caps);

  caps = caps_with_auth (nothing);
  g_assert_null (sd_auth_pick (caps, FALSE, &reason));
  g_assert_cmpstr (reason, ==, "The server offers no AUTH mechanism.");
  caps_free (caps);
}

#if defined(HAVE_GSSAPI) || defined(G_OS_WIN32)
/* GSSAPI comes last with a password (then it gets a ticket with it); auto never picks
 * the system's own sign-in. */
static void
test_pick_gssapi (void)
{
  static const char * const exchange[] = { "GSSAPI", "NTLM", NULL };
  static const char * const kerberos_only[] = { "GSSAPI", NULL };
  SdCapabilities *caps = caps_with_auth (exchange);
  g_autofree char *reason = NULL;

  g_assert_cmpstr (sd_auth_pick_full (caps, TRUE, SD_AUTH_HAVE_PASSWORD, NULL), ==, "NTLM");
  g_assert_null (sd_auth_pick_full (caps, TRUE, SD_AUTH_HAVE_TOKEN, NULL));
  g_assert_null (sd_auth_pick_full (caps, TRUE, 0, NULL));
  caps_free (caps);

  caps = caps_with_auth (kerberos_only);
  g_assert_cmpstr (sd_auth_pick_full (caps, TRUE, SD_AUTH_HAVE_PASSWORD, &reason), ==, "GSSAPI");
  g_assert_nonnull (strstr (reason, "a ticket is obtained with the password given"));
  caps_free (caps);
}
#endif

static void
test_secret_wipe (void)
{
  char buffer[] = "hunter2";
  static const char zeros[sizeof buffer] = { 0 };
  guint8 *data = (guint8 *) g_strdup ("s3cret");
  GBytes *bytes;

  sd_secret_wipe (buffer, sizeof buffer);
  g_assert_cmpmem (buffer, sizeof buffer, zeros, sizeof zeros);

  bytes = sd_secret_bytes_take (data, 6);
  g_assert_true (g_bytes_get_data (bytes, NULL) == data);
  assert_bytes (bytes, "s3cret", 6);
  g_bytes_unref (bytes);

  sd_secret_free (g_strdup ("s3cret"));
  sd_secret_free (NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/auth/new/unsupported", test_new_unsupported);
  g_test_add_func ("/core/auth/new/case-insensitive", test_new_case_insensitive);
  g_test_add_func ("/core/auth/plain/rfc4616", test_plain_rfc4616);
  g_test_add_func ("/core/auth/plain/empty-challenge", test_plain_empty_challenge);
  g_test_add_func ("/core/auth/login/steps", test_login_steps);
  g_test_add_func ("/core/auth/cram-md5/rfc2195", test_cram_md5_rfc2195);
  g_test_add_func ("/core/auth/cram-md5/bad-challenge", test_cram_md5_bad_challenge);
  g_test_add_func ("/core/auth/mechanism-flags", test_mechanism_flags);
  g_test_add_func ("/core/auth/pick/tls", test_pick_tls);
  g_test_add_func ("/core/auth/pick/cleartext", test_pick_cleartext);
  g_test_add_func ("/core/auth/pick/none", test_pick_none);
#if defined(HAVE_GSSAPI) || defined(G_OS_WIN32)
  g_test_add_func ("/core/auth/pick/gssapi", test_pick_gssapi);
#endif
  g_test_add_func ("/core/secret/wipe", test_secret_wipe);

  return g_test_run ();
}
