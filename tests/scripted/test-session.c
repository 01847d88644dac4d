/* test-session.c: the client engine against the scripted server, normal and hostile
 *
 * Each scenario checks both sides: what the session reports (ok, stage, error code, exit
 * code) and the exact bytes the server received, so "no credentials before TLS" is
 * checked on the wire rather than taken from the client's word.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "sd-session.h"
#include "sd-test-certs.h"
#include "sd-test-scenario.h"
#include "sd-test-server.h"

/* alice / secret as SASL PLAIN: "\0alice\0secret" */
#define PLAIN_ALICE "AGFsaWNlAHNlY3JldA=="

typedef SdTestScenario Scenario;

static const char * const caps_no_starttls[] = {
  "PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME", NULL
};

static const char * const caps_plain_auth[] = {
  "PIPELINING", "SIZE 10240000", "STARTTLS", "AUTH PLAIN LOGIN CRAM-MD5", "8BITMIME", NULL
};

/* Starts the server as configured and fills settings that would succeed against it. */
static SdSettings *
scenario_start (Scenario   *s,
                SdSecurity  security)
{
  SdSettings *settings = sd_test_scenario_start (s, security);

  g_free (settings->auth);
  settings->auth = g_strdup ("auto");
  settings->user = g_strdup ("alice");
  settings->password = g_strdup ("secret");
  settings->from = g_strdup ("alice@example.org");
  settings->to = g_new0 (char *, 2);
  settings->to[0] = g_strdup ("bob@example.org");
  return settings;
}

static void
scenario_no_auth (Scenario *s)
{
  g_clear_pointer (&s->settings->user, g_free);
  g_clear_pointer (&s->settings->password, g_free);
}

static void
assert_ok (Scenario *s)
{
  if (!s->report->ok)
    g_error ("session failed: %s", s->report->error ? s->report->error->message : "?");
  g_assert_null (s->report->error);
  g_assert_cmpint (sd_session_error_exit_code (s->report->error), ==, 0);
  g_assert_cmpint (s->report->stage, ==, SD_STAGE_QUIT);
}

static void
assert_failed (Scenario       *s,
               SdSessionError  code,
               int             exit_code,
               SdStage         stage)
{
  g_assert_false (s->report->ok);
  g_assert_error (s->report->error, SD_SESSION_ERROR, (int) code);
  g_assert_cmpint (sd_session_error_exit_code (s->report->error), ==, exit_code);
  if ((int) stage >= 0)
    g_assert_cmpstr (sd_stage_to_string (s->report->stage), ==, sd_stage_to_string (stage));
}

static void
assert_error_mentions (Scenario   *s,
                       const char *part)
{
  if (strstr (s->report->error->message, part) == NULL)
    g_error ("“%s” not in the error “%s”", part, s->report->error->message);
}

/* No credentials and no mail on the wire, in either phase. */
static void
assert_nothing_sensitive (Scenario *s)
{
  g_assert_false (sd_test_record_received_contains (s->record, SD_TEST_ANY, "AUTH"));
  g_assert_false (sd_test_record_received_contains (s->record, SD_TEST_ANY, PLAIN_ALICE));
  g_assert_false (sd_test_record_received_contains (s->record, SD_TEST_ANY, "MAIL FROM"));
  g_assert_false (sd_test_record_received_contains (s->record, SD_TEST_ANY, "RCPT TO"));
  g_assert_false (s->record->authenticated);
  g_assert_cmpuint (s->record->messages->len, ==, 0);
}

static void
assert_plain (Scenario   *s,
              const char *expected)
{
  g_assert_cmpmem (s->record->received_plain->data, s->record->received_plain->len,
                   expected, strlen (expected));
}

/* The transcript never holds the password or its encodings. */
static void
assert_redacted (Scenario *s)
{
  for (guint i = 0; i < s->report->events->len; i++)
    {
      const SdEvent *event = g_ptr_array_index (s->report->events, i);
      g_assert_null (strstr (event->text, PLAIN_ALICE));
      g_assert_null (strstr (event->text, "secret"));
      g_assert_null (strstr (event->text, "c2VjcmV0"));   /* "secret" in base64 */
    }
}

static void
assert_message_received (Scenario *s)
{
  GBytes *message;
  gsize len;
  const char *data;

  g_assert_cmpuint (s->record->messages->len, ==, 1);
  message = g_ptr_array_index (s->record->messages, 0);
  data = g_bytes_get_data (message, &len);
  g_assert_nonnull (g_strstr_len (data, len, "Subject: SMTP Doctor test message\r\n"));
  g_assert_nonnull (g_strstr_len (data, len, "This is a test message sent by SMTP Doctor."));
}

/* --- happy paths --------------------------------------------------------------------- */

static void
test_happy_none (Scenario      *s,
                 gconstpointer  data)
{
  scenario_start (s, SD_SECURITY_NONE);
  scenario_no_auth (s);
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_message_received (s);
  g_assert_null (s->report->tls);
  g_assert_null (s->report->auth_mechanism);
  g_assert_nonnull (s->report->caps_before_tls);
  g_assert_null (s->report->caps_after_tls);
  g_assert_cmpuint (s->record->received_tls->len, ==, 0);
  g_assert_false (sd_test_record_has_command (s->record, "STARTTLS", SD_TEST_ANY));
  g_assert_false (sd_test_record_has_command (s->record, "AUTH", SD_TEST_ANY));
  g_assert_true (g_str_has_prefix (sd_test_record_find_command (s->record, "MAIL", SD_TEST_PLAIN),
                                   "MAIL FROM:<alice@example.org> SIZE="));
  g_assert_cmpstr (sd_test_record_find_command (s->record, "RCPT", SD_TEST_PLAIN), ==,
                   "RCPT TO:<bob@example.org>");
  g_assert_true (s->report->pipelining_used);
  g_assert_true (s->record->client_closed || sd_test_record_has_command (s->record, "QUIT", SD_TEST_ANY));
  g_assert_false (s->record->bare_lf);
}

static void
test_happy_starttls (Scenario      *s,
                     gconstpointer  data)
{
  const SdCertInfo *leaf;

  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_message_received (s);
  assert_redacted (s);
  /* Before TLS: EHLO and STARTTLS, nothing else; nothing pipelined behind STARTTLS. */
  assert_plain (s, "EHLO localhost\r\nSTARTTLS\r\n");
  g_assert_cmpuint (s->record->bytes_before_handshake, ==, 0);
  g_assert_true (s->record->tls_established);
  g_assert_cmpstr (sd_test_record_find_command (s->record, "AUTH", SD_TEST_TLS), ==,
                   "AUTH PLAIN " PLAIN_ALICE);
  g_assert_cmpuint (sd_test_record_count_commands (s->record, "EHLO", SD_TEST_TLS), ==, 1);
  g_assert_cmpuint (sd_test_record_count_commands (s->record, "STARTTLS", SD_TEST_ANY), ==, 1);
  g_assert_true (s->record->authenticated);

  g_assert_cmpstr (s->report->auth_mechanism, ==, "PLAIN");
  g_assert_nonnull (s->report->tls);
  g_assert_true (s->report->tls->verified);
  g_assert_null (s->report->tls->verify_error);
  g_assert_cmpstr (s->report->tls->policy, ==, "verify");
  leaf = g_ptr_array_index (s->report->tls->chain, 0);
  g_assert_cmpstr (leaf->sha256, ==, sd_test_certs_get ()->valid.sha256);
  g_assert_false (s->report->caps_before_tls->auth->len > 0);
  g_assert_true (s->report->caps_before_tls->starttls);
  g_assert_false (s->report->caps_after_tls->starttls);
  g_assert_cmpuint (s->report->caps_after_tls->auth->len, ==, 3);
}

/* The certificate's DNS name, through the resolver (localhost may try ::1 first). */
static void
test_happy_starttls_hostname (Scenario      *s,
                              gconstpointer  data)
{
  scenario_start (s, SD_SECURITY_STARTTLS);
  g_free (s->settings->host);
  s->settings->host = g_strdup ("localhost");
  sd_test_scenario_run (s);

  assert_ok (s);
  g_assert_true (s->report->tls->verified);
}

static void
test_happy_starttls_optional (Scenario      *s,
                              gconstpointer  data)
{
  scenario_start (s, SD_SECURITY_STARTTLS_OPTIONAL);
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_message_received (s);
  assert_plain (s, "EHLO localhost\r\nSTARTTLS\r\n");
  g_assert_true (s->record->tls_established);
  g_assert_true (s->record->authenticated);
}

/* Optional and not offered: plain text, and the credentials stay home. */
static void
test_starttls_optional_not_offered (Scenario      *s,
                                    gconstpointer  data)
{
  const char * const caps[] = { "PIPELINING", "8BITMIME", NULL };

  s->config.ehlo_caps = caps;
  scenario_start (s, SD_SECURITY_STARTTLS_OPTIONAL);
  scenario_no_auth (s);
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_message_received (s);
  g_assert_false (s->record->tls_established);
  g_assert_false (sd_test_record_has_command (s->record, "STARTTLS", SD_TEST_ANY));
}

static void
test_happy_tls (Scenario      *s,
                gconstpointer  data)
{
  s->config.implicit_tls = TRUE;
  scenario_start (s, SD_SECURITY_TLS);
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_message_received (s);
  assert_redacted (s);
  g_assert_cmpuint (s->record->received_plain->len, ==, 0);
  g_assert_true (s->record->tls_established);
  g_assert_true (s->record->authenticated);
  g_assert_true (s->report->tls->verified);
  g_assert_cmpstr (sd_test_record_find_command (s->record, "AUTH", SD_TEST_TLS), ==,
                   "AUTH PLAIN " PLAIN_ALICE);
}

static void
test_happy_chunking (Scenario      *s,
                     gconstpointer  data)
{
  s->config.chunking = TRUE;
  s->config.implicit_tls = TRUE;
  scenario_start (s, SD_SECURITY_TLS);
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_message_received (s);
  g_assert_true (s->report->chunking_used);
  g_assert_true (sd_test_record_has_command (s->record, "BDAT", SD_TEST_TLS));
  g_assert_false (sd_test_record_has_command (s->record, "DATA", SD_TEST_ANY));
}

static void
test_happy_no_pipelining (Scenario      *s,
                          gconstpointer  data)
{
  s->config.implicit_tls = TRUE;
  /* CHUNKING offered too: without pipelining, plain DATA must still be used. */
  s->config.chunking = GPOINTER_TO_INT (data);
  scenario_start (s, SD_SECURITY_TLS);
  s->settings->pipelining = SD_PIPELINING_OFF;
  g_free (s->settings->body);
  s->settings->body = g_strdup ("line one\n.hidden dot\n.\nlast\n");
  sd_test_scenario_run (s);

  assert_ok (s);
  g_assert_false (s->report->pipelining_used);
  g_assert_false (s->report->chunking_used);
  g_assert_true (sd_test_record_has_command (s->record, "DATA", SD_TEST_TLS));
  g_assert_false (sd_test_record_has_command (s->record, "BDAT", SD_TEST_ANY));
  /* Dot-stuffed on the wire, restored by the server. */
  g_assert_true (sd_test_record_received_contains (s->record, SD_TEST_TLS, "\r\n..hidden dot\r\n"));
  {
    GBytes *message = g_ptr_array_index (s->record->messages, 0);
    gsize len;
    const char *bytes = g_bytes_get_data (message, &len);
    g_assert_nonnull (g_strstr_len (bytes, len, "\r\n.hidden dot\r\n.\r\nlast\r\n"));
  }
}

static void
test_auth_mechanisms (Scenario      *s,
                      gconstpointer  data)
{
  const char *mechanism = data;

  s->config.implicit_tls = TRUE;
  scenario_start (s, SD_SECURITY_TLS);
  g_free (s->settings->auth);
  s->settings->auth = g_strdup (mechanism);
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_redacted (s);
  g_assert_true (s->record->authenticated);
  g_assert_cmpstr (s->record->auth_mechanism, ==, s->report->auth_mechanism);
  g_assert_cmpint (g_ascii_strcasecmp (s->record->auth_mechanism, mechanism), ==, 0);
}

/* A4: an initial response that would make the AUTH line too long goes after a 334. */
static void
test_auth_long_credentials (Scenario      *s,
                            gconstpointer  data)
{
  g_autofree char *user = g_strnfill (400, 'u');

  s->config.implicit_tls = TRUE;
  s->config.auth_user = user;
  scenario_start (s, SD_SECURITY_TLS);
  g_free (s->settings->user);
  s->settings->user = g_strdup (user);
  g_free (s->settings->auth);
  s->settings->auth = g_strdup ("plain");
  sd_test_scenario_run (s);

  assert_ok (s);
  g_assert_true (s->record->authenticated);
  g_assert_cmpstr (sd_test_record_find_command (s->record, "AUTH", SD_TEST_TLS), ==, "AUTH PLAIN");
}

/* --- authentication failures -------------------------------------------------------- */

/* A3: a challenge that is not base64 is answered with "*" (cancel), nothing else: bad
 * characters, a length that is not a multiple of 4, padding in the middle. */
static void
test_auth_bad_challenge (Scenario      *s,
                         gconstpointer  data)
{
  const SdTestOverride overrides[] = { { "AUTH", data }, { NULL } };

  s->config.implicit_tls = TRUE;
  s->config.overrides = overrides;
  scenario_start (s, SD_SECURITY_TLS);
  g_free (s->settings->auth);
  s->settings->auth = g_strdup ("login");
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_AUTH, 4, SD_STAGE_AUTH);
  assert_error_mentions (s, "not valid base64");
  g_assert_true (sd_test_record_received_contains (s->record, SD_TEST_TLS, "AUTH LOGIN\r\n*\r\n"));
  g_assert_false (sd_test_record_received_contains (s->record, SD_TEST_ANY, "YWxpY2U="));
}

static void
test_wrong_password (Scenario      *s,
                     gconstpointer  data)
{
  scenario_start (s, SD_SECURITY_STARTTLS);
  g_free (s->settings->password);
  s->settings->password = g_strdup ("wrong");
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_AUTH, 4, SD_STAGE_AUTH);
  g_assert_nonnull (s->report->reply);
  g_assert_cmpuint (s->report->reply->code, ==, 535);
  g_assert_cmpstr (s->report->reply->enhanced, ==, "5.7.8");
  g_assert_cmpuint (s->record->auth_failures, ==, 1);
  g_assert_false (sd_test_record_has_command (s->record, "MAIL", SD_TEST_ANY));
  g_assert_false (sd_test_record_received_contains (s->record, SD_TEST_ANY, "wrong"));
}

static void
test_wrong_password_then_close (Scenario      *s,
                                gconstpointer  data)
{
  s->config.auth_close_after_fail = TRUE;
  scenario_start (s, SD_SECURITY_STARTTLS);
  g_free (s->settings->password);
  s->settings->password = g_strdup ("wrong");
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_AUTH, 4, SD_STAGE_AUTH);
  g_assert_cmpuint (s->report->reply->code, ==, 535);
}

/* Exchange's "offer basic authentication only after starting TLS". */
static void
test_auth_only_after_starttls (Scenario      *s,
                               gconstpointer  data)
{
  scenario_start (s, SD_SECURITY_NONE);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_AUTH, 4, SD_STAGE_AUTH);
  assert_error_mentions (s, "STARTTLS");
  assert_nothing_sensitive (s);
  g_assert_false (sd_test_record_has_command (s->record, "STARTTLS", SD_TEST_ANY));
}

/* A1: cleartext mechanisms without TLS only when allowed explicitly. */
static void
test_plaintext_auth_refused (Scenario      *s,
                             gconstpointer  data)
{
  s->config.ehlo_caps = caps_plain_auth;
  scenario_start (s, SD_SECURITY_NONE);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_AUTH, 4, SD_STAGE_AUTH);
  assert_nothing_sensitive (s);
}

static void
test_plaintext_auth_allowed (Scenario      *s,
                             gconstpointer  data)
{
  s->config.ehlo_caps = caps_plain_auth;
  scenario_start (s, SD_SECURITY_NONE);
  s->settings->allow_plaintext_auth = TRUE;
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_redacted (s);
  g_assert_true (s->record->authenticated);
  /* Without TLS, auto prefers the mechanism that keeps the password off the wire. */
  g_assert_cmpstr (s->record->auth_mechanism, ==, "CRAM-MD5");
  g_assert_false (sd_test_record_received_contains (s->record, SD_TEST_PLAIN, "secret"));
  g_assert_false (sd_test_record_received_contains (s->record, SD_TEST_PLAIN, "c2VjcmV0"));
}

static void
test_plaintext_auth_allowed_plain (Scenario      *s,
                                   gconstpointer  data)
{
  s->config.ehlo_caps = caps_plain_auth;
  scenario_start (s, SD_SECURITY_NONE);
  s->settings->allow_plaintext_auth = TRUE;
  g_free (s->settings->auth);
  s->settings->auth = g_strdup ("plain");
  sd_test_scenario_run (s);

  assert_ok (s);
  g_assert_cmpstr (sd_test_record_find_command (s->record, "AUTH", SD_TEST_PLAIN), ==,
                   "AUTH PLAIN " PLAIN_ALICE);
}

/* N5: the security mode holds whether or not credentials are set. */
static void
test_starttls_required_without_auth (Scenario      *s,
                                     gconstpointer  data)
{
  s->config.ehlo_caps = caps_no_starttls;
  scenario_start (s, SD_SECURITY_STARTTLS);
  scenario_no_auth (s);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TLS, 3, -1);
  assert_nothing_sensitive (s);
}

/* --- STARTTLS stripping and injection ------------------------------------------------- */

/* N1: no STARTTLS, AUTH offered in the clear. */
static void
test_starttls_not_offered (Scenario      *s,
                           gconstpointer  data)
{
  s->config.ehlo_caps = caps_no_starttls;
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TLS, 3, -1);
  assert_nothing_sensitive (s);
  g_assert_false (sd_test_record_has_command (s->record, "STARTTLS", SD_TEST_ANY));
  /* Only EHLO and the parting QUIT. */
  g_assert_cmpuint (s->record->commands->len, <=, 2);
  assert_plain (s, s->record->commands->len == 2 ? "EHLO localhost\r\nQUIT\r\n"
                                                 : "EHLO localhost\r\n");
}

/* N2, N3: anything but 220 to STARTTLS ends the session. */
static void
test_starttls_refused (Scenario      *s,
                       gconstpointer  data)
{
  const char *reply = data;

  s->config.starttls_reply = reply;
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TLS, 3, SD_STAGE_STARTTLS);
  assert_nothing_sensitive (s);
  g_assert_false (s->record->tls_established);
  g_assert_cmpuint (s->report->reply->code, ==, g_ascii_strtoull (reply, NULL, 10));
  /* After the refusal at most a QUIT. */
  for (guint i = 0; i < s->record->commands->len; i++)
    {
      const SdTestCommand *command = g_ptr_array_index (s->record->commands, i);
      g_assert_true (g_str_equal (command->line, "EHLO localhost") ||
                     g_str_equal (command->line, "STARTTLS") ||
                     g_str_equal (command->line, "QUIT"));
    }
}

/* B2: a refusal followed by replies to commands not yet sent. */
static void
test_starttls_refused_with_injection (Scenario      *s,
                                      gconstpointer  data)
{
  s->config.starttls_reply = "454 4.7.0 TLS not available";
  s->config.inject_after_starttls = "235 2.7.0 Authenticated\r\n250 2.1.0 Ok\r\n354 go ahead\r\n";
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_PROTOCOL, 7, SD_STAGE_STARTTLS);
  assert_error_mentions (s, "injection");
  assert_nothing_sensitive (s);
  /* Not even QUIT: the conversation can no longer be trusted. */
  g_assert_cmpuint (sd_test_record_count_commands (s->record, "QUIT", SD_TEST_ANY), ==, 0);
}

/* B1, B3: bytes after the 220 in the same segment, before TLS. */
static void
test_injection (Scenario      *s,
                gconstpointer  data)
{
  s->config.inject_after_starttls = data;
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_PROTOCOL, 7, SD_STAGE_STARTTLS);
  assert_error_mentions (s, "injection");
  assert_nothing_sensitive (s);
  g_assert_false (s->record->tls_established);
  g_assert_cmpuint (s->record->received_tls->len, ==, 0);
  /* Nothing at all after STARTTLS: not even a plaintext QUIT into a tampered stream. */
  assert_plain (s, "EHLO localhost\r\nSTARTTLS\r\n");
}

/* N6: the handshake fails after 220; no plaintext retry. */
static void
test_handshake_fails (Scenario      *s,
                      gconstpointer  data)
{
  /* TLS 1.0 only: our client allows 1.2 and 1.3 (RFC 8996). */
  s->config.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.0";
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TLS, 3, SD_STAGE_TLS);
  assert_nothing_sensitive (s);
  g_assert_false (s->record->tls_established);
  assert_plain (s, "EHLO localhost\r\nSTARTTLS\r\n");
}

/* N7: implicit TLS against a plain-text server; no fallback. */
static void
test_implicit_tls_to_plain_server (Scenario      *s,
                                   gconstpointer  data)
{
  scenario_start (s, SD_SECURITY_TLS);
  s->settings->timeout_s = 2;
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TLS, 3, SD_STAGE_TLS);
  assert_nothing_sensitive (s);
  g_assert_false (sd_test_record_has_command (s->record, "EHLO", SD_TEST_ANY));
}

/* T1: after TLS the server offers STARTTLS again; it must not be used twice. */
static void
test_starttls_offered_again (Scenario      *s,
                             gconstpointer  data)
{
  const char * const caps_tls[] = { "PIPELINING", "STARTTLS", "AUTH PLAIN LOGIN", NULL };

  s->config.ehlo_caps_tls = caps_tls;
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_ok (s);
  g_assert_cmpuint (sd_test_record_count_commands (s->record, "STARTTLS", SD_TEST_ANY), ==, 1);
}

/* T2: the post-TLS EHLO is never answered: a timeout, not the old capabilities. */
static void
test_ehlo_after_tls_ignored (Scenario      *s,
                             gconstpointer  data)
{
  const SdTestOverride overrides[] = { { "EHLO", "", SD_TEST_TLS }, { NULL } };

  s->config.overrides = overrides;
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->timeout_s = 1;
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TIMEOUT, 6, SD_STAGE_EHLO);
  assert_nothing_sensitive (s);
  g_assert_cmpint (s->elapsed_us, <, 4 * G_USEC_PER_SEC);
}

/* --- certificates ------------------------------------------------------------------------ */

typedef struct {
  const char      *cert;       /* "valid", "wrong_name", ... */
  SdTlsVerifyMode  mode;
  gboolean         right_pin;
  const char      *error_part; /* NULL: accepted */
} CertCase;

static const SdTestCert *
cert_by_name (const char *name)
{
  const SdTestCerts *certs = sd_test_certs_get ();

  if (g_str_equal (name, "valid"))
    return &certs->valid;
  if (g_str_equal (name, "wrong_name"))
    return &certs->wrong_name;
  if (g_str_equal (name, "expired"))
    return &certs->expired;
  if (g_str_equal (name, "not_yet_valid"))
    return &certs->not_yet_valid;
  if (g_str_equal (name, "self_signed"))
    return &certs->self_signed;
  g_assert_not_reached ();
}

static void
test_certificate (Scenario      *s,
                  gconstpointer  data)
{
  const CertCase *c = data;
  const SdTestCert *cert = cert_by_name (c->cert);

  s->config.cert_pem = cert->cert_pem;
  s->config.key_pem = cert->key_pem;
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->tls_verify = c->mode;
  if (c->mode == SD_TLS_PIN)
    s->settings->tls_pin = g_strdup (c->right_pin ? cert->sha256
                                                  : sd_test_certs_get ()->valid.sha256);
  if (c->mode == SD_TLS_ACCEPT_ANY)
    scenario_no_auth (s);
  sd_test_scenario_run (s);

  g_assert_nonnull (s->report->tls);
  if (c->error_part == NULL)
    {
      assert_ok (s);
      assert_message_received (s);
      g_assert_cmpstr (s->report->tls->policy, ==,
                       c->mode == SD_TLS_PIN ? "pin" :
                       c->mode == SD_TLS_ACCEPT_ANY ? "accept-any" : "verify");
      if (c->mode == SD_TLS_ACCEPT_ANY && !g_str_equal (c->cert, "valid"))
        {
          g_assert_false (s->report->tls->verified);
          g_assert_nonnull (s->report->tls->verify_error);
        }
      if (c->mode == SD_TLS_PIN)
        {
          /* A matching pin is trust in this very certificate: no certificate warnings. */
          g_assert_true (s->report->tls->pin_matched);
          for (guint i = 0; i < s->report->hints->len; i++)
            g_assert_false (g_str_has_prefix (((SdHint *) s->report->hints->pdata[i])->id, "cert-"));
        }
      return;
    }

  assert_failed (s, SD_SESSION_ERROR_TLS, 3, SD_STAGE_TLS);
  assert_error_mentions (s, c->error_part);
  if (c->mode == SD_TLS_VERIFY)
    {
      g_assert_false (s->report->tls->verified);
      g_assert_nonnull (s->report->tls->verify_error);
      g_assert_nonnull (strstr (s->report->tls->verify_error, c->error_part));
    }
  assert_nothing_sensitive (s);
  /* Nothing at all inside the untrusted TLS session. */
  g_assert_cmpuint (s->record->received_tls->len, ==, 0);
}

static const CertCase cert_cases[] = {
  { "wrong_name", SD_TLS_VERIFY, FALSE, "wrong.example" },
  { "expired", SD_TLS_VERIFY, FALSE, "expired" },
  { "not_yet_valid", SD_TLS_VERIFY, FALSE, "not valid before" },
  { "self_signed", SD_TLS_VERIFY, FALSE, "self-signed" },
  { "self_signed", SD_TLS_ACCEPT_ANY, FALSE, NULL },
  { "wrong_name", SD_TLS_ACCEPT_ANY, FALSE, NULL },
  { "expired", SD_TLS_ACCEPT_ANY, FALSE, NULL },
  { "self_signed", SD_TLS_PIN, TRUE, NULL },
  { "expired", SD_TLS_PIN, TRUE, NULL },
  { "self_signed", SD_TLS_PIN, FALSE, "pinned" },
};

/* --- broken servers ------------------------------------------------------------------------ */

static void
test_greeting_421 (Scenario      *s,
                   gconstpointer  data)
{
  s->config.greeting = "421 4.3.2 Service not available, closing channel";
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_REJECTED, 5, SD_STAGE_GREETING);
  g_assert_cmpuint (s->report->reply->code, ==, 421);
  g_assert_false (sd_test_record_has_command (s->record, "EHLO", SD_TEST_ANY));
  assert_nothing_sensitive (s);
}

static void
test_no_greeting (Scenario      *s,
                  gconstpointer  data)
{
  s->config.stall_on = "GREETING";
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->timeout_s = 1;
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TIMEOUT, 6, SD_STAGE_GREETING);
  g_assert_cmpint (s->elapsed_us, <, 4 * G_USEC_PER_SEC);
  /* No SMTP command without a greeting; only, after the time limit, the ClientHello
   * that asks whether the port speaks TLS at once (a TLS handshake record). This
   * server does not answer it. */
  if (s->record->received_plain->len > 0)
    {
      g_assert_cmpuint (s->record->received_plain->len, >=, 2);
      g_assert_cmpuint (s->record->received_plain->data[0], ==, 0x16);
      g_assert_cmpuint (s->record->received_plain->data[1], ==, 0x03);
    }
  g_assert_false (s->report->tls_at_once);
}

static void
test_byte_by_byte (Scenario      *s,
                   gconstpointer  data)
{
  s->config.byte_by_byte = TRUE;
  s->config.byte_delay_us = 200;
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_message_received (s);
  g_assert_true (s->record->authenticated);
}

/* P6: FIN in the middle of a reply. */
static void
test_closed_mid_reply (Scenario      *s,
                       gconstpointer  data)
{
  s->config.close_after = "EHLO";
  s->config.close_partial = "250-test.invalid Hello\r\n250-PIPELI";
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_PROTOCOL, 7, SD_STAGE_EHLO);
  assert_nothing_sensitive (s);
}

/* The same inside TLS, without close_notify. */
static void
test_closed_mid_reply_tls (Scenario      *s,
                           gconstpointer  data)
{
  s->config.implicit_tls = TRUE;
  s->config.close_after = "MAIL";
  s->config.close_partial = "25";
  scenario_start (s, SD_SECURITY_TLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_PROTOCOL, 7, -1);
  g_assert_cmpuint (s->record->messages->len, ==, 0);
}

/* P6: the connection ends before the final reply to the message: no success. */
static void
test_closed_before_final_250 (Scenario      *s,
                              gconstpointer  data)
{
  s->config.implicit_tls = TRUE;
  s->config.close_after = ".";
  s->config.close_partial = data;
  scenario_start (s, SD_SECURITY_TLS);
  s->settings->pipelining = SD_PIPELINING_OFF;
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_PROTOCOL, 7, SD_STAGE_DATA);
  /* The server did get the bytes; the client must still not claim delivery. */
  g_assert_cmpuint (s->record->messages->len, ==, 1);
}

/* A final reply that never finishes ("250-" and then silence). */
static void
test_unfinished_final_reply (Scenario      *s,
                             gconstpointer  data)
{
  s->config.implicit_tls = TRUE;
  s->config.data_end_reply = "250-2.0.0 Ok: queued as TEST0001";
  s->config.stall_on = "QUIT";
  scenario_start (s, SD_SECURITY_TLS);
  s->settings->timeout_s = 1;
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TIMEOUT, 6, SD_STAGE_DATA);
  g_assert_cmpint (s->elapsed_us, <, 4 * G_USEC_PER_SEC);
}

static void
test_stalled (Scenario      *s,
              gconstpointer  data)
{
  s->config.stall_on = data;
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->timeout_s = 1;
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_TIMEOUT, 6, -1);
  g_assert_cmpint (s->elapsed_us, <, 4 * G_USEC_PER_SEC);
  g_assert_true (s->record->stalled);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_thread (gpointer data)
{
  g_usleep (300 * 1000);
  cancel_later (data);
  return NULL;
}

static void
test_cancelled (Scenario      *s,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SdSession) session = NULL;
  GThread *thread;
  gint64 start;

  s->config.stall_on = "EHLO";
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->timeout_s = 30;
  session = sd_session_new (s->settings);

  thread = g_thread_new ("canceller", cancel_thread, cancellable);
  start = g_get_monotonic_time ();
  s->report = sd_session_run (session, cancellable, NULL, NULL);
  g_thread_join (thread);

  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  assert_failed (s, SD_SESSION_ERROR_CANCELLED, 8, SD_STAGE_EHLO);
}

/* P1, P2, P3, P4: malformed replies are protocol errors, not crashes or hangs. */
static void
test_malformed_ehlo (Scenario      *s,
                     gconstpointer  data)
{
  SdTestOverride overrides[] = { { "EHLO", data, SD_TEST_ANY }, { NULL } };

  s->config.overrides = overrides;
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->timeout_s = 2;
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_PROTOCOL, 7, SD_STAGE_EHLO);
  assert_nothing_sensitive (s);
}

static char *
endless_continuation (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 500; i++)
    g_string_append (text, "250-x\r\n");
  g_string_append (text, "250 end\r\n");
  return g_string_free (text, FALSE);
}

static char *
huge_line (void)
{
  GString *text = g_string_new ("250 ");

  for (guint i = 0; i < 20000; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, "\r\n");
  return g_string_free (text, FALSE);
}

/* N4: EHLO refused, HELO works: only in mode none without auth. */
static void
test_helo_fallback (Scenario      *s,
                    gconstpointer  data)
{
  const SdTestOverride overrides[] = { { "EHLO", "500 5.5.1 Unknown command\r\n" }, { NULL } };

  s->config.overrides = overrides;
  scenario_start (s, GPOINTER_TO_INT (data));
  if (GPOINTER_TO_INT (data) == SD_SECURITY_NONE)
    {
      g_free (s->settings->auth);
      s->settings->auth = g_strdup ("none");
    }
  sd_test_scenario_run (s);

  if (GPOINTER_TO_INT (data) == SD_SECURITY_NONE)
    {
      assert_ok (s);
      g_assert_true (sd_test_record_has_command (s->record, "HELO", SD_TEST_PLAIN));
      assert_message_received (s);
      return;
    }
  g_assert_false (s->report->ok);
  g_assert_false (sd_test_record_has_command (s->record, "HELO", SD_TEST_ANY));
  assert_nothing_sensitive (s);
}

/* N4 with the default auth: no user name means no credentials, so HELO is fine. */
static void
test_helo_fallback_auto (Scenario      *s,
                         gconstpointer  data)
{
  const SdTestOverride overrides[] = { { "EHLO", "500 5.5.1 Unknown command\r\n" }, { NULL } };

  s->config.overrides = overrides;
  scenario_start (s, SD_SECURITY_NONE);
  scenario_no_auth (s);
  sd_test_scenario_run (s);

  assert_ok (s);
  g_assert_true (sd_test_record_has_command (s->record, "HELO", SD_TEST_PLAIN));
  assert_message_received (s);
}

/* C3: an unverified certificate protects nothing from a man in the middle, so no
 * credentials go over it unless the user says so. */
static void
test_accept_any_credentials (Scenario      *s,
                             gconstpointer  data)
{
  gboolean allowed = GPOINTER_TO_INT (data);

  s->config.cert_pem = sd_test_certs_get ()->self_signed.cert_pem;
  s->config.key_pem = sd_test_certs_get ()->self_signed.key_pem;
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->tls_verify = SD_TLS_ACCEPT_ANY;
  s->settings->allow_plaintext_auth = allowed;
  sd_test_scenario_run (s);

  if (allowed)
    {
      assert_ok (s);
      g_assert_true (s->record->authenticated);
      return;
    }
  assert_failed (s, SD_SESSION_ERROR_AUTH, 4, SD_STAGE_AUTH);
  assert_error_mentions (s, "not verified");
  /* The flag that allows it, by name (issue 18, item 6). */
  assert_error_mentions (s, "--allow-plaintext-auth");
  g_assert_true (s->record->tls_established);
  assert_nothing_sensitive (s);
}

/* --- envelope ------------------------------------------------------------------------------ */

static void
test_rcpt_one_rejected (Scenario      *s,
                        gconstpointer  data)
{
  const char * const reject[] = { "nobody@example.org", NULL };
  SdRecipientResult *first, *second;

  s->config.rcpt_reject = reject;
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->pipelining = GPOINTER_TO_INT (data);
  g_strfreev (s->settings->to);
  s->settings->to = g_new0 (char *, 3);
  s->settings->to[0] = g_strdup ("bob@example.org");
  s->settings->to[1] = g_strdup ("nobody@example.org");
  sd_test_scenario_run (s);

  assert_ok (s);
  assert_message_received (s);
  g_assert_cmpuint (s->report->recipients->len, ==, 2);
  first = g_ptr_array_index (s->report->recipients, 0);
  second = g_ptr_array_index (s->report->recipients, 1);
  g_assert_cmpstr (first->address, ==, "bob@example.org");
  g_assert_cmpuint (first->reply->code, ==, 250);
  g_assert_cmpstr (second->address, ==, "nobody@example.org");
  g_assert_cmpuint (second->reply->code, ==, 550);
  g_assert_cmpstr (second->reply->enhanced, ==, "5.1.1");
  g_assert_cmpuint (sd_test_record_count_commands (s->record, "RCPT", SD_TEST_TLS), ==, 2);
}

static void
test_rcpt_all_rejected (Scenario      *s,
                        gconstpointer  data)
{
  const char * const reject[] = { "bob@example.org", NULL };

  s->config.rcpt_reject = reject;
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->pipelining = GPOINTER_TO_INT (data);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_REJECTED, 5, SD_STAGE_RCPT);
  g_assert_cmpuint (s->report->reply->code, ==, 550);
  g_assert_cmpuint (s->record->messages->len, ==, 0);
}

static void
test_mail_rejected (Scenario      *s,
                    gconstpointer  data)
{
  s->config.mail_reply = "550 5.7.1 Sender address rejected";
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_REJECTED, 5, SD_STAGE_MAIL);
  g_assert_cmpuint (s->report->reply->code, ==, 550);
  g_assert_cmpuint (s->record->messages->len, ==, 0);
}

static void
test_data_rejected (Scenario      *s,
                    gconstpointer  data)
{
  s->config.data_end_reply = "554 5.7.1 Message rejected as spam";
  scenario_start (s, SD_SECURITY_STARTTLS);
  sd_test_scenario_run (s);

  assert_failed (s, SD_SESSION_ERROR_REJECTED, 5, SD_STAGE_DATA);
  g_assert_cmpuint (s->report->reply->code, ==, 554);
}

static void
test_quit_after_ehlo (Scenario      *s,
                      gconstpointer  data)
{
  scenario_start (s, SD_SECURITY_STARTTLS);
  s->settings->has_quit_after = TRUE;
  s->settings->quit_after = SD_STAGE_EHLO;
  sd_test_scenario_run (s);

  g_assert_true (s->report->ok);
  g_assert_null (s->report->error);
  assert_nothing_sensitive (s);
  g_assert_false (sd_test_record_has_command (s->record, "STARTTLS", SD_TEST_ANY));
}

/* I1, I2, I3: line breaks in a field are refused before any connection. */
static void
test_crlf_in_field (Scenario      *s,
                    gconstpointer  data)
{
  const char *field = data;
  const char *evil = "x\r\nMAIL FROM:<evil@example.org>";

  scenario_start (s, SD_SECURITY_STARTTLS);
  if (g_str_equal (field, "user"))
    {
      g_free (s->settings->user);
      s->settings->user = g_strconcat ("alice", evil, NULL);
    }
  else if (g_str_equal (field, "from"))
    {
      g_free (s->settings->from);
      s->settings->from = g_strconcat ("alice@example.org", evil, NULL);
    }
  else if (g_str_equal (field, "to"))
    {
      g_free (s->settings->to[0]);
      s->settings->to[0] = g_strconcat ("bob@example.org>\nRCPT TO:<eve@example.org", NULL);
    }
  else if (g_str_equal (field, "ehlo"))
    s->settings->ehlo_name = g_strconcat ("client", evil, NULL);
  else if (g_str_equal (field, "subject"))
    {
      g_free (s->settings->subject);
      s->settings->subject = g_strdup ("hello\r\nBcc: eve@example.org");
    }
  else
    g_assert_not_reached ();

  /* Stop the server first: it must not have seen a connection at all. */
  {
    g_autoptr(SdSession) session = sd_session_new (s->settings);
    s->report = sd_session_run (session, NULL, NULL, NULL);
  }
  sd_test_server_stop (s->server);
  s->record = sd_test_server_get_record (s->server);

  assert_failed (s, SD_SESSION_ERROR_INVALID_INPUT, 1, -1);
  g_assert_cmpuint (s->record->n_connections, ==, 0);
  g_assert_cmpuint (s->record->received_plain->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Make them now, not inside the first scenario's time limits. */
  sd_test_certs_get ();

#define ADD(path, func, data) \
  g_test_add (path, Scenario, data, sd_test_scenario_setup, func, sd_test_scenario_teardown)

  ADD ("/session/happy/none", test_happy_none, NULL);
  ADD ("/session/happy/starttls", test_happy_starttls, NULL);
  ADD ("/session/happy/starttls-hostname", test_happy_starttls_hostname, NULL);
  ADD ("/session/happy/starttls-optional", test_happy_starttls_optional, NULL);
  ADD ("/session/happy/starttls-optional-not-offered", test_starttls_optional_not_offered, NULL);
  ADD ("/session/happy/tls", test_happy_tls, NULL);
  ADD ("/session/happy/chunking", test_happy_chunking, NULL);
  ADD ("/session/happy/no-pipelining", test_happy_no_pipelining, GINT_TO_POINTER (FALSE));
  ADD ("/session/happy/no-pipelining-chunking-offered", test_happy_no_pipelining,
       GINT_TO_POINTER (TRUE));
  ADD ("/session/happy/byte-by-byte", test_byte_by_byte, NULL);
  ADD ("/session/happy/quit-after-ehlo", test_quit_after_ehlo, NULL);
  ADD ("/session/auth/plain", test_auth_mechanisms, "plain");
  ADD ("/session/auth/long-credentials-no-ir", test_auth_long_credentials, NULL);
  ADD ("/session/auth/bad-challenge/characters", test_auth_bad_challenge, "334 !!not*base64!!\r\n");
  ADD ("/session/auth/bad-challenge/length", test_auth_bad_challenge, "334 VXNlcm5hbWU\r\n");
  ADD ("/session/auth/bad-challenge/inner-padding", test_auth_bad_challenge, "334 VX==cm5hbWU6\r\n");
  ADD ("/session/auth/login", test_auth_mechanisms, "login");
  ADD ("/session/auth/cram-md5", test_auth_mechanisms, "cram-md5");
  ADD ("/session/auth/wrong-password", test_wrong_password, NULL);
  ADD ("/session/auth/wrong-password-then-close", test_wrong_password_then_close, NULL);
  ADD ("/session/auth/only-after-starttls", test_auth_only_after_starttls, NULL);
  ADD ("/session/auth/plaintext-refused", test_plaintext_auth_refused, NULL);
  ADD ("/session/auth/plaintext-allowed", test_plaintext_auth_allowed, NULL);
  ADD ("/session/auth/plaintext-allowed-plain", test_plaintext_auth_allowed_plain, NULL);
  ADD ("/session/starttls/not-offered", test_starttls_not_offered, NULL);
  ADD ("/session/starttls/not-offered-no-auth", test_starttls_required_without_auth, NULL);
  ADD ("/session/starttls/refused-454", test_starttls_refused, "454 4.7.0 TLS not available");
  ADD ("/session/starttls/refused-502", test_starttls_refused, "502 5.5.1 Not implemented");
  ADD ("/session/starttls/refused-221", test_starttls_refused, "221 2.0.0 Bye");
  ADD ("/session/starttls/refused-354", test_starttls_refused, "354 go ahead");
  ADD ("/session/starttls/refused-421", test_starttls_refused, "421 4.3.2 Shutting down");
  ADD ("/session/starttls/refused-530", test_starttls_refused, "530 5.7.0 Must issue STARTTLS");
  ADD ("/session/starttls/refused-with-injection", test_starttls_refused_with_injection, NULL);
  ADD ("/session/starttls/injection", test_injection, "250 fake\r\n");
  ADD ("/session/starttls/injection-multiline",
       test_injection, "250-example.org\r\n250 AUTH LOGIN\r\n");
  ADD ("/session/starttls/injection-fragment", test_injection, "250-frag");
  ADD ("/session/starttls/handshake-fails", test_handshake_fails, NULL);
  ADD ("/session/starttls/offered-again", test_starttls_offered_again, NULL);
  ADD ("/session/starttls/ehlo-after-tls-ignored", test_ehlo_after_tls_ignored, NULL);
  ADD ("/session/tls/to-plain-server", test_implicit_tls_to_plain_server, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cert_cases); i++)
    {
      const CertCase *c = &cert_cases[i];
      g_autofree char *path =
        g_strdup_printf ("/session/certificate/%s/%s%s", c->cert,
                         c->mode == SD_TLS_VERIFY ? "verify" :
                         c->mode == SD_TLS_ACCEPT_ANY ? "accept-any" : "pin",
                         c->mode == SD_TLS_PIN ? (c->right_pin ? "-right" : "-wrong") : "");
      ADD (path, test_certificate, c);
    }
  ADD ("/session/broken/greeting-421", test_greeting_421, NULL);
  ADD ("/session/broken/no-greeting", test_no_greeting, NULL);
  ADD ("/session/broken/closed-mid-reply", test_closed_mid_reply, NULL);
  ADD ("/session/broken/closed-mid-reply-tls", test_closed_mid_reply_tls, NULL);
  ADD ("/session/broken/closed-before-final-250", test_closed_before_final_250, NULL);
  ADD ("/session/broken/closed-in-final-250", test_closed_before_final_250, "250-2.0.0 Ok\r\n250");
  ADD ("/session/broken/unfinished-final-reply", test_unfinished_final_reply, NULL);
  ADD ("/session/broken/stalled-ehlo", test_stalled, "EHLO");
  ADD ("/session/broken/stalled-data", test_stalled, "DATA");
  ADD ("/session/broken/stalled-end-of-data", test_stalled, ".");
  ADD ("/session/broken/cancelled", test_cancelled, NULL);
  ADD ("/session/broken/code-changes", test_malformed_ehlo, "250-a\r\n550 b\r\n");
  ADD ("/session/broken/bad-code", test_malformed_ehlo, "25x ok\r\n");
  {
    static char *endless, *huge;
    endless = endless_continuation ();
    huge = huge_line ();
    ADD ("/session/broken/endless-continuation", test_malformed_ehlo, endless);
    ADD ("/session/broken/huge-line", test_malformed_ehlo, huge);
  }
  ADD ("/session/broken/helo-fallback-none", test_helo_fallback,
       GINT_TO_POINTER (SD_SECURITY_NONE));
  ADD ("/session/broken/helo-fallback-starttls", test_helo_fallback,
       GINT_TO_POINTER (SD_SECURITY_STARTTLS));
  ADD ("/session/broken/helo-fallback-auto-no-user", test_helo_fallback_auto, NULL);
  ADD ("/session/tls/accept-any-refuses-credentials", test_accept_any_credentials,
       GINT_TO_POINTER (FALSE));
  ADD ("/session/tls/accept-any-credentials-allowed", test_accept_any_credentials,
       GINT_TO_POINTER (TRUE));
  ADD ("/session/envelope/rcpt-one-rejected", test_rcpt_one_rejected,
       GINT_TO_POINTER (SD_PIPELINING_AUTO));
  ADD ("/session/envelope/rcpt-one-rejected-no-pipelining", test_rcpt_one_rejected,
       GINT_TO_POINTER (SD_PIPELINING_OFF));
  ADD ("/session/envelope/rcpt-all-rejected", test_rcpt_all_rejected,
       GINT_TO_POINTER (SD_PIPELINING_AUTO));
  ADD ("/session/envelope/rcpt-all-rejected-no-pipelining", test_rcpt_all_rejected,
       GINT_TO_POINTER (SD_PIPELINING_OFF));
  ADD ("/session/envelope/mail-rejected", test_mail_rejected, NULL);
  ADD ("/session/envelope/data-rejected", test_data_rejected, NULL);
  ADD ("/session/input/crlf-user", test_crlf_in_field, "user");
  ADD ("/session/input/crlf-from", test_crlf_in_field, "from");
  ADD ("/session/input/crlf-to", test_crlf_in_field, "to");
  ADD ("/session/input/crlf-ehlo", test_crlf_in_field, "ehlo");
  ADD ("/session/input/crlf-subject", test_crlf_in_field, "subject");

#undef ADD

  return g_test_run ();
}
