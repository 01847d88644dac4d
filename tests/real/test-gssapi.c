/* test-gssapi.c: AUTH GSSAPI against a real MIT KDC
 *
 * tests/real/krb5/kdc-ctl.sh makes a realm in a temp dir (its own krb5.conf, database,
 * keytab) with a KDC on a loopback port; the built-in server accepts AUTH GSSAPI with
 * the smtp/localhost keytab. KRB5_CONFIG and KRB5CCNAME point into the temp dir before
 * anything reads them. The cases run in the order added: the empty ticket cache first,
 * then kinit fills it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "sd-auth.h"
#include "sd-hints.h"
#include "sd-server.h"
#include "sd-session.h"
#include "sd-test-certs.h"
#include "sd-test-daemon.h"

#define CTL_SCRIPT "krb5/kdc-ctl.sh"
#define REALM      "SMTPDOCTOR.TEST"

static char     *state_dir;
static SdServer *server;

static gboolean
kdc_start (GError **error)
{
  char port[8];

  g_snprintf (port, sizeof port, "%u", sd_test_free_port ());
  return sd_test_daemon_ctl (CTL_SCRIPT, error, "start", state_dir, port, NULL);
}

static gboolean
server_start (GError **error)
{
  g_autoptr(SdServerConfig) config = sd_server_config_new ();
  const SdTestCerts *certs = sd_test_certs_get ();

  config->cert_pem = g_strdup (certs->valid.cert_pem);
  config->key_pem = g_strdup (certs->valid.key_pem);
  config->idle_timeout_s = 10;
  config->require_tls_for_auth = TRUE;
  /* GSSAPI only, as an Exchange connector with only Integrated Windows authentication. */
  config->gssapi_keytab = g_build_filename (state_dir, "smtp.keytab", NULL);
  server = sd_server_new (config);
  return sd_server_start (server, error);
}

static SdSettings *
settings_for (const char *host,
              const char *auth,
              const char *user,
              const char *password)
{
  SdSettings *settings = sd_settings_new ();

  settings->host = g_strdup (host);
  settings->port = sd_server_get_port (server);
  settings->security = SD_SECURITY_STARTTLS;
  settings->tls_verify = SD_TLS_PIN;
  settings->tls_pin = g_strdup (sd_server_get_cert_sha256 (server));
  g_free (settings->auth);
  settings->auth = g_strdup (auth);
  settings->user = g_strdup (user);
  settings->password = g_strdup (password);
  settings->from = g_strdup ("alice@example.test");
  settings->to = g_strsplit ("bob@example.test", ",", -1);
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

/* The transcript as one string, to look for lines and for secrets. */
static char *
transcript (const SdReport *report)
{
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < report->events->len; i++)
    g_string_append_printf (all, "%s\n", ((SdEvent *) report->events->pdata[i])->text);
  return g_string_free (all, FALSE);
}

static void
assert_failed_before_auth (const SdReport *report,
                           const char     *fact,
                           const char     *hint)
{
  g_autofree char *all = transcript (report);

  g_assert_false (report->ok);
  g_assert_cmpstr (sd_stage_to_string (report->stage), ==, "auth");
  g_assert_cmpstr (report->auth_fact, ==, fact);
  g_assert_cmpuint (report->hints->len, >, 0);
  g_assert_cmpstr (((SdHint *) report->hints->pdata[0])->id, ==, hint);
  /* Nothing went to the server: the failure was ours (or the KDC's). */
  for (guint i = 0; i < report->events->len; i++)
    {
      const SdEvent *event = report->events->pdata[i];
      g_assert_false (event->direction == SD_DIRECTION_SENT &&
                      g_str_has_prefix (event->text, "AUTH"));
    }
  g_assert_null (strstr (all, "alice-password"));
}

/* No ticket cache yet: said so, and the hint says kinit. */
static void
test_no_ticket (void)
{
  g_autoptr(SdSettings) settings = settings_for ("localhost", "gssapi", NULL, NULL);
  g_autoptr(SdReport) report = run (settings);

  assert_failed_before_auth (report, "gssapi-no-credentials", "gssapi-no-ticket");
}

/* A ticket from the password, kinit-like; auto picks GSSAPI since nothing else is
 * offered, and says the password is what gets the ticket. */
static void
test_password (void)
{
  g_autoptr(SdSettings) settings = settings_for ("localhost", "auto", "alice", "alice-password");
  g_autoptr(SdReport) report = run (settings);
  g_autofree char *all = transcript (report);
  g_autoptr(GPtrArray) messages = NULL;

  g_assert_true (report->ok);
  g_assert_cmpstr (report->auth_mechanism, ==, "GSSAPI");
  g_assert_cmpstr (report->auth_user, ==, "alice");
  g_assert_nonnull (strstr (all, "obtained with the password given"));
  g_assert_nonnull (strstr (all, "service principal asked for: smtp@localhost"));
  g_assert_nonnull (strstr (all, "alice@" REALM " (realm " REALM "), valid for"));
  g_assert_nonnull (strstr (all, "service ticket for smtp/localhost@" REALM));
  g_assert_nonnull (strstr (all, "security layer: none"));
  g_assert_null (strstr (all, "alice-password"));
  messages = sd_server_get_messages (server);
  g_assert_cmpuint (messages->len, >, 0);
  g_assert_cmpstr (((SdServerMessage *) messages->pdata[messages->len - 1])->auth_user, ==,
                   "alice@" REALM);
}

static void
test_wrong_password (void)
{
  g_autoptr(SdSettings) settings = settings_for ("localhost", "gssapi", "alice", "not-her-password");
  g_autoptr(SdReport) report = run (settings);

  assert_failed_before_auth (report, "gssapi-bad-password", "gssapi-wrong-password");
}

/* The client asks for smtp@127.0.0.1, which the realm does not know. */
static void
test_spn_unknown (void)
{
  g_autoptr(SdSettings) settings = settings_for ("127.0.0.1", "gssapi", "alice", "alice-password");
  g_autoptr(SdReport) report = run (settings);
  g_autofree char *all = transcript (report);

  assert_failed_before_auth (report, "gssapi-spn-unknown", "gssapi-spn-not-registered");
  g_assert_nonnull (strstr (all, "smtp@127.0.0.1"));
}

/* kinit fills the cache; then no user and no password: the cache's ticket. */
static void
test_ticket_cache (void)
{
  /* kinit's prompt goes to stdout: kept out of the TAP stream. */
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *prompt = NULL;
  g_autoptr(GSubprocess) kinit = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autofree char *all = NULL;

  kinit = g_subprocess_launcher_spawn (launcher, &error, "kinit", "alice", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (kinit, "alice-password\n", NULL, &prompt, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (kinit));

  settings = settings_for ("localhost", "gssapi", NULL, NULL);
  report = run (settings);
  all = transcript (report);
  g_assert_true (report->ok);
  g_assert_cmpstr (report->auth_user, ==, "alice@" REALM);
  g_assert_nonnull (strstr (all, "using the ticket in the credentials cache: alice@" REALM));
  g_assert_nonnull (strstr (all, "Authenticated as alice@" REALM " with GSSAPI"));
}

/* auto with nothing given does not sign in with the ticket by itself, but says it could. */
static void
test_auto_suggests (void)
{
  g_autoptr(SdSettings) settings = settings_for ("localhost", "auto", NULL, NULL);
  g_autoptr(SdReport) report = run (settings);
  g_autofree char *all = transcript (report);

  g_assert_true (report->ok);
  g_assert_null (report->auth_mechanism);
  g_assert_nonnull (strstr (all, "The server offers Kerberos (GSSAPI): authentication “gssapi”"));
}

/* The KDC has a new key for smtp/localhost, the server's keytab the old one: the ticket
 * goes out and the server answers 535. Late: the realm stays changed. */
static void
test_stale_keytab (void)
{
  g_autoptr(SdSettings) settings = settings_for ("localhost", "gssapi", "alice", "alice-password");
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_test_daemon_ctl (CTL_SCRIPT, &error, "rekey", state_dir, NULL));
  g_assert_no_error (error);
  report = run (settings);
  g_assert_false (report->ok);
  g_assert_cmpuint (report->reply->code, ==, 535);
  g_assert_cmpstr (((SdHint *) report->hints->pdata[0])->id, ==, "gssapi-ticket-refused");
}

/* The KDC's clock 10 minutes ahead (libfaketime): the KDC refuses the pre-authentication
 * timestamp. Last but one: the KDC stays skewed. */
static void
test_clock_skew (void)
{
  g_autoptr(SdSettings) settings = settings_for ("localhost", "gssapi", "alice", "alice-password");
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", G_FILE_TEST_EXISTS) &&
      !g_file_test ("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("libfaketime is not installed (apt-get install libfaketime)");
      return;
    }
  g_assert_true (sd_test_daemon_ctl (CTL_SCRIPT, &error, "skew", state_dir, "+10m", NULL));
  g_assert_no_error (error);
  report = run (settings);
  assert_failed_before_auth (report, "gssapi-clock-skew", "gssapi-clock-skew");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ccache = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *kdc = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!sd_auth_mechanism_is_supported ("GSSAPI"))
    {
      g_print ("1..0 # SKIP built without Kerberos (libkrb5-dev)\n");
      return 77;
    }
  /* Debian's krb5-kdc puts it in /usr/sbin, which a user's PATH may lack. */
  if (!g_file_test ("/usr/sbin/krb5kdc", G_FILE_TEST_IS_EXECUTABLE) &&
      (kdc = g_find_program_in_path ("krb5kdc")) == NULL)
    {
      g_print ("1..0 # SKIP no MIT KDC (apt-get install krb5-kdc krb5-admin-server krb5-user)\n");
      return 77;
    }
  state_dir = g_dir_make_tmp ("sd-krb5-XXXXXX", &error);
  g_assert_no_error (error);
  /* Before any thread or Kerberos call reads them. */
  conf = g_build_filename (state_dir, "krb5.conf", NULL);
  ccache = g_strdup_printf ("FILE:%s/ccache", state_dir);
  g_setenv ("KRB5_CONFIG", conf, TRUE);
  g_setenv ("KRB5CCNAME", ccache, TRUE);
  g_unsetenv ("KRB5_KTNAME");
  g_unsetenv ("KRB5_CLIENT_KTNAME");
  if (!kdc_start (&error))
    g_error ("KDC: %s", error->message);
  if (!server_start (&error))
    g_error ("server: %s", error->message);

  g_test_add_func ("/gssapi/1-no-ticket", test_no_ticket);
  g_test_add_func ("/gssapi/2-password", test_password);
  g_test_add_func ("/gssapi/3-wrong-password", test_wrong_password);
  g_test_add_func ("/gssapi/4-spn-unknown", test_spn_unknown);
  g_test_add_func ("/gssapi/5-ticket-cache", test_ticket_cache);
  g_test_add_func ("/gssapi/6-auto-suggests", test_auto_suggests);
  g_test_add_func ("/gssapi/7-stale-keytab", test_stale_keytab);
  g_test_add_func ("/gssapi/8-clock-skew", test_clock_skew);
  status = g_test_run ();

  sd_server_stop (server);
  g_clear_object (&server);
  sd_test_daemon_ctl (CTL_SCRIPT, NULL, "stop", state_dir, NULL);
  return status;
}
