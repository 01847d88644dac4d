/* test-postfix.c: the client against a real Postfix from Debian on loopback
 *
 * tests/postfix/postfix-ctl.sh starts a throwaway instance (temp dir, high ports, its own
 * certificate and SASL db) with four listeners: submission with AUTH only after STARTTLS,
 * implicit TLS, a relay-restricted port and a size-limited one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>

#include "sd-hints.h"
#include "sd-session.h"
#include "sd-test-daemon.h"

#define CTL_SCRIPT "postfix/postfix-ctl.sh"

enum { PORT_SUBMISSION, PORT_TLS, PORT_RELAY, PORT_SIZE, N_PORTS };

static char    *state_dir;
static char    *ca_file;
static guint16  ports[N_PORTS];

static gboolean
postfix_start (GError **error)
{
  char port_text[N_PORTS][8];

  for (guint i = 0; i < N_PORTS; i++)
    {
      ports[i] = sd_test_free_port ();
      g_snprintf (port_text[i], sizeof port_text[i], "%u", ports[i]);
    }
  state_dir = g_dir_make_tmp ("sd-postfix-XXXXXX", error);
  if (state_dir == NULL)
    return FALSE;
  if (!sd_test_daemon_ctl (CTL_SCRIPT, error, "start", state_dir, port_text[0],
                           port_text[1], port_text[2], port_text[3], NULL))
    return FALSE;
  ca_file = g_build_filename (state_dir, "tls", "cert.pem", NULL);
  return TRUE;
}

static void
postfix_stop (void)
{
  if (state_dir != NULL)
    sd_test_daemon_ctl (CTL_SCRIPT, NULL, "stop", state_dir, NULL);
}

static SdSettings *
settings_for (guint       port_index,
              SdSecurity  security)
{
  SdSettings *settings = sd_settings_new ();

  settings->host = g_strdup ("127.0.0.1");
  settings->port = ports[port_index];
  settings->security = security;
  settings->tls_ca_file = g_strdup (ca_file);
  settings->user = g_strdup ("tester");
  settings->password = g_strdup ("tester-password");
  settings->from = g_strdup ("tester@example.test");
  settings->to = g_strsplit ("someone@elsewhere.test", ",", -1);
  settings->timeout_s = 10;
  return settings;
}

static SdReport *
run (const SdSettings *settings)
{
  g_autoptr(SdSession) session = sd_session_new (settings);
  SdReport *report = sd_session_run (session, NULL, NULL, NULL);
  g_autofree char *text = NULL;

  g_ptr_array_extend_and_steal (report->hints, sd_diagnose_report (report));
  text = sd_report_to_text (report, report->hints);

  g_test_message ("%s", text);
  return report;
}

static void
assert_failed (const SdReport *report,
               int             exit_code,
               SdStage         stage)
{
  g_assert_false (report->ok);
  g_assert_cmpint (sd_session_error_exit_code (report->error), ==, exit_code);
  g_assert_cmpstr (sd_stage_to_string (report->stage), ==, sd_stage_to_string (stage));
}

/* The submission port: no AUTH before STARTTLS, PLAIN and LOGIN after. */
static void
test_submission (void)
{
  g_autoptr(SdSettings) settings = settings_for (PORT_SUBMISSION, SD_SECURITY_STARTTLS);
  g_autoptr(SdReport) report = run (settings);

  g_assert_true (report->ok);
  g_assert_cmpuint (report->caps_before_tls->auth->len, ==, 0);
  g_assert_true (report->caps_before_tls->starttls);
  g_assert_true (sd_capabilities_has_auth (report->caps_after_tls, "PLAIN"));
  g_assert_true (sd_capabilities_has_auth (report->caps_after_tls, "LOGIN"));
  g_assert_true (report->tls->verified);
  g_assert_cmpstr (report->auth_mechanism, ==, "PLAIN");
  g_assert_cmpuint (report->reply->code, ==, 250);
}

static void
test_submission_login_no_pipelining (void)
{
  g_autoptr(SdSettings) settings = settings_for (PORT_SUBMISSION, SD_SECURITY_STARTTLS);
  g_autoptr(SdReport) report = NULL;

  g_free (settings->auth);
  settings->auth = g_strdup ("login");
  settings->pipelining = SD_PIPELINING_OFF;
  report = run (settings);
  g_assert_true (report->ok);
  g_assert_cmpstr (report->auth_mechanism, ==, "LOGIN");
  g_assert_false (report->chunking_used);
}

/* The hints engine reads real Postfix replies as it reads the scripted server's. */
static void
assert_first_hint (const SdReport *report,
                   const char     *id)
{
  g_assert_cmpuint (report->hints->len, >, 0);
  g_assert_cmpstr (((SdHint *) report->hints->pdata[0])->id, ==, id);
}

/* Exchange's "basic auth only after TLS" as Postfix does it: mode none finds no AUTH. */
static void
test_submission_without_tls (void)
{
  g_autoptr(SdSettings) settings = settings_for (PORT_SUBMISSION, SD_SECURITY_NONE);
  g_autoptr(SdReport) report = run (settings);

  assert_failed (report, 4, SD_STAGE_AUTH);
  g_assert_nonnull (strstr (report->error->message, "only after STARTTLS"));
  assert_first_hint (report, "auth-none-before-tls-likely");
}

static void
test_wrong_password (void)
{
  g_autoptr(SdSettings) settings = settings_for (PORT_SUBMISSION, SD_SECURITY_STARTTLS);
  g_autoptr(SdReport) report = NULL;

  g_free (settings->password);
  settings->password = g_strdup ("not-the-password");
  report = run (settings);
  assert_failed (report, 4, SD_STAGE_AUTH);
  g_assert_cmpuint (report->reply->code, ==, 535);
  g_assert_cmpstr (report->reply->enhanced, ==, "5.7.8");
  assert_first_hint (report, "auth-failed-generic");
}

/* NTLMv2 against Cyrus SASL's ntlm plugin, which checks the NTLMv2 response against the
 * sasldb password: a wrong password must fail, or success would prove nothing. */
static void
test_ntlm (gconstpointer data)
{
  const char *user = data;
  g_autoptr(SdSettings) settings = settings_for (PORT_SUBMISSION, SD_SECURITY_STARTTLS);
  g_autoptr(SdReport) report = NULL;
  g_autoptr(SdReport) refused = NULL;

  g_free (settings->auth);
  settings->auth = g_strdup ("ntlm");
  g_free (settings->user);
  settings->user = g_strdup (user);
  report = run (settings);
  g_assert_true (report->ok);
  g_assert_true (sd_capabilities_has_auth (report->caps_after_tls, "NTLM"));
  g_assert_cmpstr (report->auth_mechanism, ==, "NTLM");

  g_free (settings->password);
  settings->password = g_strdup ("not-the-password");
  refused = run (settings);
  assert_failed (refused, 4, SD_STAGE_AUTH);
  g_assert_cmpuint (refused->reply->code, ==, 535);
}

static void
test_self_signed_without_ca (void)
{
  g_autoptr(SdSettings) settings = settings_for (PORT_SUBMISSION, SD_SECURITY_STARTTLS);
  g_autoptr(SdReport) report = NULL;

  g_clear_pointer (&settings->tls_ca_file, g_free);
  report = run (settings);
  assert_failed (report, 3, SD_STAGE_TLS);
  g_assert_nonnull (strstr (report->tls->verify_error, "self-signed"));
  assert_first_hint (report, "cert-self-signed");
}

static void
test_implicit_tls (void)
{
  g_autoptr(SdSettings) settings = settings_for (PORT_TLS, SD_SECURITY_TLS);
  g_autoptr(SdReport) report = run (settings);

  g_assert_true (report->ok);
  g_assert_nonnull (report->tls);
  /* The only EHLO ran inside TLS: nothing was said in the clear. */
  g_assert_null (report->caps_before_tls);
  g_assert_true (sd_capabilities_has_auth (report->caps_after_tls, "PLAIN"));
}

static void
test_relay_denied (void)
{
  g_autoptr(SdSettings) settings = settings_for (PORT_RELAY, SD_SECURITY_NONE);
  g_autoptr(SdReport) report = NULL;
  SdRecipientResult *result;

  g_clear_pointer (&settings->user, g_free);
  report = run (settings);
  assert_failed (report, 5, SD_STAGE_RCPT);
  result = report->recipients->pdata[0];
  g_assert_cmpuint (result->reply->code, ==, 554);
  g_assert_cmpstr (result->reply->enhanced, ==, "5.7.1");
  g_assert_nonnull (strstr (result->reply->lines->pdata[0], "Relay access denied"));
  assert_first_hint (report, "postfix-relay-access-denied");
}

static void
test_size_limit (void)
{
  g_autoptr(SdSettings) settings = settings_for (PORT_SIZE, SD_SECURITY_STARTTLS);
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GString) body = g_string_new (NULL);

  for (guint i = 0; i < 200; i++)
    g_string_append (body, "A line of text to make the message larger than the limit.\n");
  g_free (settings->body);
  settings->body = g_string_free (g_steal_pointer (&body), FALSE);
  report = run (settings);

  /* Postfix refuses at MAIL, from our SIZE= parameter, before any data is sent. */
  assert_failed (report, 5, SD_STAGE_MAIL);
  g_assert_cmpuint (report->reply->code, ==, 552);
  g_assert_cmpstr (report->reply->enhanced, ==, "5.3.4");
  assert_first_hint (report, "message-too-large");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!postfix_start (&error))
    {
      /* Only when Postfix truly cannot start here; .ci/run installs it and runs as root. */
      printf ("1..0 # SKIP Postfix could not be started: %s\n", error->message);
      postfix_stop ();
      return 77;
    }

  g_test_add_func ("/postfix/submission/starttls-auth", test_submission);
  g_test_add_func ("/postfix/submission/login-no-pipelining", test_submission_login_no_pipelining);
  g_test_add_func ("/postfix/submission/no-tls-no-auth", test_submission_without_tls);
  g_test_add_func ("/postfix/submission/wrong-password", test_wrong_password);
  g_test_add_data_func ("/postfix/submission/ntlm/domain-backslash-user", "EXAMPLE\\tester", test_ntlm);
  g_test_add_data_func ("/postfix/submission/ntlm/user-at-domain", "tester@example.test", test_ntlm);
  g_test_add_data_func ("/postfix/submission/ntlm/plain-user", "tester", test_ntlm);
  g_test_add_func ("/postfix/submission/self-signed-without-ca", test_self_signed_without_ca);
  g_test_add_func ("/postfix/implicit-tls", test_implicit_tls);
  g_test_add_func ("/postfix/relay-denied", test_relay_denied);
  g_test_add_func ("/postfix/size-limit", test_size_limit);
  status = g_test_run ();

  postfix_stop ();
  return status;
}
