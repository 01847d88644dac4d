/* test-auth-session.c: NTLM, XOAUTH2 and OAUTHBEARER sessions against the scripted
 * server, which checks the NTProofStr and the tokens itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-event.h"
#include "sd-report.h"
#include "sd-session.h"
#include "sd-settings.h"
#include "sd-test-certs.h"
#include "sd-test-scenario.h"
#include "sd-test-server.h"

#define TOKEN "ya29.a0-good_token~123"

static const char * const caps_plain[] = { "STARTTLS", "AUTH GSSAPI NTLM", NULL };
static const char * const caps_tls[] = {
  "AUTH NTLM XOAUTH2 OAUTHBEARER", "ENHANCEDSTATUSCODES", NULL
};
static const char * const caps_tls_integrated[] = { "AUTH GSSAPI NTLM", NULL };
static const char * const caps_tls_all[] = {
  "AUTH PLAIN LOGIN NTLM XOAUTH2 OAUTHBEARER", NULL
};

typedef SdTestScenario Scenario;

static void
setup (Scenario      *s,
       gconstpointer  data)
{
  sd_test_server_config_init (&s->config);
  s->config.ehlo_caps = caps_plain;
  s->config.ehlo_caps_tls = caps_tls;
  s->config.auth_token = TOKEN;
}

static SdSettings *
start (Scenario   *s,
       const char *auth,
       const char *user)
{
  SdSettings *settings = sd_test_scenario_start (s, SD_SECURITY_STARTTLS);

  g_free (settings->auth);
  settings->auth = g_strdup (auth);
  settings->user = g_strdup (user);
  settings->has_quit_after = TRUE;
  settings->quit_after = SD_STAGE_AUTH;
  return settings;
}

static gboolean
transcript_has (Scenario   *s,
                const char *needle)
{
  for (guint i = 0; i < s->report->events->len; i++)
    {
      const SdEvent *event = s->report->events->pdata[i];
      if (strstr (event->text, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
assert_no_secret (Scenario *s)
{
  g_autofree char *json = sd_report_to_json (s->report, s->report->hints);

  g_assert_false (transcript_has (s, "secret"));
  g_assert_false (transcript_has (s, TOKEN));
  g_assert_null (strstr (json, TOKEN));
}

static void
test_ntlm_domain_user (Scenario      *s,
                       gconstpointer  data)
{
  s->config.ntlm_domain = "TESTDOM";
  start (s, "ntlm", "TESTDOM\\alice")->password = g_strdup ("secret");
  sd_test_scenario_run (s);

  g_assert_true (s->report->ok);
  g_assert_true (s->record->authenticated);
  g_assert_cmpstr (s->record->auth_mechanism, ==, "NTLM");
  g_assert_cmpstr (s->record->ntlm_user, ==, "alice");
  g_assert_cmpstr (s->record->ntlm_domain, ==, "TESTDOM");
  /* The server sent MsvAvTimestamp, so LMv2 must be zero. */
  g_assert_true (s->record->ntlm_lm_zero);
  g_assert_true (transcript_has (s, "NTLM challenge (type 2): target \"TESTDOM\""));
  g_assert_true (transcript_has (s, "DNS computer \"srv.test.invalid\""));
  g_assert_true (transcript_has (s, "server time "));
  g_assert_true (transcript_has (s, "flags: Unicode"));
  g_assert_true (transcript_has (s, "[NTLM response for TESTDOM\\alice, hidden]"));
  assert_no_secret (s);
}

static void
test_ntlm_upn (Scenario      *s,
               gconstpointer  data)
{
  s->config.auth_user = "alice@example.com";
  start (s, "ntlm", "alice@example.com")->password = g_strdup ("secret");
  sd_test_scenario_run (s);

  g_assert_true (s->report->ok);
  g_assert_cmpstr (s->record->ntlm_user, ==, "alice@example.com");
  g_assert_cmpstr (s->record->ntlm_domain, ==, "");
}

static void
test_ntlm_plain_user (Scenario      *s,
                      gconstpointer  data)
{
  start (s, "ntlm", "alice")->password = g_strdup ("secret");
  sd_test_scenario_run (s);

  g_assert_true (s->report->ok);
  g_assert_cmpstr (s->record->ntlm_user, ==, "alice");
}

static void
test_ntlm_wrong_password (Scenario      *s,
                          gconstpointer  data)
{
  start (s, "ntlm", "alice")->password = g_strdup ("wrong");
  sd_test_scenario_run (s);

  g_assert_false (s->report->ok);
  g_assert_cmpuint (s->record->auth_failures, ==, 1);
  g_assert_cmpuint (s->report->reply->code, ==, 535);
  g_assert_cmpstr (s->report->auth_mechanism, ==, "NTLM");
}

static void
test_ntlm_malformed (Scenario      *s,
                     gconstpointer  data)
{
  /* "NTLMSSP\0" type 2, cut after the target name field. */
  s->config.ntlm_challenge_b64 = data;
  start (s, "ntlm", "alice")->password = g_strdup ("secret");
  sd_test_scenario_run (s);

  g_assert_false (s->report->ok);
  g_assert_false (s->record->authenticated);
  g_assert_nonnull (strstr (s->report->error->message, "malformed"));
  g_assert_true (sd_test_record_received_contains (s->record, SD_TEST_TLS, "*\r\n"));
}

static void
test_auto_ntlm (Scenario      *s,
                gconstpointer  data)
{
  s->config.ehlo_caps_tls = caps_tls_integrated;
  start (s, "auto", "alice")->password = g_strdup ("secret");
  sd_test_scenario_run (s);

  g_assert_true (s->report->ok);
  g_assert_cmpstr (s->record->auth_mechanism, ==, "NTLM");
  g_assert_true (transcript_has (s, "Picked NTLM: the server offers no password mechanism "
                                    "other than NTLM"));
}

static void
test_auto_token (Scenario      *s,
                 gconstpointer  data)
{
  s->config.ehlo_caps_tls = caps_tls_all;
  start (s, "auto", "alice")->oauth_token = g_strdup (TOKEN);
  s->settings->password = g_strdup ("secret");
  sd_test_scenario_run (s);

  g_assert_true (s->report->ok);
  g_assert_cmpstr (s->record->auth_mechanism, ==, "XOAUTH2");
  g_assert_true (transcript_has (s, "Picked XOAUTH2: an access token was given"));
  assert_no_secret (s);
}

static void
test_oauth_ok (Scenario      *s,
               gconstpointer  data)
{
  const char *mech = data;

  if (g_str_equal (mech, "oauthbearer"))
    s->config.auth_user = "a,b=c@example.com";
  start (s, mech, s->config.auth_user)->oauth_token = g_strdup (TOKEN);
  sd_test_scenario_run (s);

  g_assert_true (s->report->ok);
  g_assert_true (s->record->authenticated);
  g_assert_true (transcript_has (s, "bearer token hidden"));
  assert_no_secret (s);
}

static void
test_oauth_error (Scenario      *s,
                  gconstpointer  data)
{
  const char *mech = data;

  s->config.oauth_error_json = "{\"status\":\"invalid_token\",\"scope\":\"https://outlook.office.com/SMTP.Send\",\"schemes\":\"Bearer\"}";
  start (s, mech, "alice")->oauth_token = g_strdup ("expired.token");
  sd_test_scenario_run (s);

  g_assert_false (s->report->ok);
  g_assert_cmpuint (s->report->reply->code, ==, 535);
  g_assert_cmpstr (s->record->oauth_error_answer, ==,
                   g_str_equal (mech, "oauthbearer") ? "\\001" : "");
  g_assert_cmpstr (s->report->auth_oauth_status, ==, "invalid_token");
  g_assert_cmpstr (s->report->auth_oauth_scope, ==, "https://outlook.office.com/SMTP.Send");
  g_assert_cmpstr (s->report->auth_oauth_schemes, ==, "Bearer");
  g_assert_true (transcript_has (s, "OAuth error from the server: status \"invalid_token\" "
                                    "(the token is invalid or expired"));
}

static void
test_oauth_no_token (Scenario      *s,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  start (s, "xoauth2", "alice")->password = g_strdup ("secret");
  g_assert_false (sd_settings_validate (s->settings, &error));
  g_assert_nonnull (strstr (error->message, "access token"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/auth-session/" path, Scenario, data, setup, func, sd_test_scenario_teardown)
  ADD ("ntlm/domain-user", test_ntlm_domain_user, NULL);
  ADD ("ntlm/upn", test_ntlm_upn, NULL);
  ADD ("ntlm/plain-user", test_ntlm_plain_user, NULL);
  ADD ("ntlm/wrong-password", test_ntlm_wrong_password, NULL);
  /* Truncated after the flags. */
  ADD ("ntlm/truncated", test_ntlm_malformed, "TlRMTVNTUAACAAAADAAMADgAAAAzgori");
  /* Target name at offset 0xff00, far outside. */
  ADD ("ntlm/offset-out-of-range", test_ntlm_malformed,
       "TlRMTVNTUAACAAAADAAMAAD/AAAzgoriASNFZ4mrze8AAAAAAAAAAA==");
  ADD ("auto/ntlm-only", test_auto_ntlm, NULL);
  ADD ("auto/token", test_auto_token, NULL);
  ADD ("xoauth2/ok", test_oauth_ok, "xoauth2");
  ADD ("oauthbearer/ok", test_oauth_ok, "oauthbearer");
  ADD ("xoauth2/error", test_oauth_error, "xoauth2");
  ADD ("oauthbearer/error", test_oauth_error, "oauthbearer");
  ADD ("xoauth2/no-token", test_oauth_no_token, NULL);
#undef ADD

  return g_test_run ();
}
