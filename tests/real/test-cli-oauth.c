/* test-cli-oauth.c: `oauth login|show|logout` against the scripted identity provider,
 * then `send --auth xoauth2` with the stored token; run in a private keyring
 * (tests/oauth/keyring-run.sh) so the CLI processes share the secret store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>
#ifdef G_OS_UNIX
#include <signal.h>
#endif

#include "sd-test-certs.h"
#include "sd-test-idp.h"
#include "sd-test-server.h"

#define TENANT "11111111-2222-3333-4444-555555555555"
#define CLIENT "cli-test-client"
#define USER "alice@example.test"
#define ACCOUNT "--provider", "microsoft", "--tenant", TENANT, "--client-id", CLIENT, "--user", USER
#define DEVICE \
  "{\"device_code\":\"dev-1\",\"user_code\":\"WXYZ-1234\"," \
  "\"verification_uri\":\"https://microsoft.com/devicelogin\",\"expires_in\":900,\"interval\":1}"
#define PENDING "{\"error\":\"authorization_pending\"}"

static const char * const caps_tls[] = { "AUTH XOAUTH2 OAUTHBEARER", "ENHANCEDSTATUSCODES", NULL };

typedef struct {
  int   status;
  char *out;
  char *err;
} CliResult;

static void
cli_result_clear (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
}

/* Runs the CLI with @args, the identity provider at @idp_base (NULL: none). */
static CliResult
run_cli (const char         *idp_base,
         const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  CliResult result = { 0 };

  if (idp_base != NULL)
    g_subprocess_launcher_setenv (launcher, "SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE", idp_base, TRUE);
  g_subprocess_launcher_setenv (launcher, "SMTP_DOCTOR_OAUTH_TEST_SECOND_MS", "50", TRUE);
  g_subprocess_launcher_setenv (launcher, "SD_TEST_SECRET", "g-secret", TRUE);
  g_ptr_array_add (argv, (char *) g_getenv ("SD_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &result.out, &result.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  result.status = g_subprocess_get_exit_status (proc);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", result.status, result.out, result.err);
  return result;
}

static void
logout (void)
{
  const char *args[] = { "oauth", "logout", ACCOUNT, NULL };
  CliResult r = run_cli (NULL, args);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "deleted"));
  cli_result_clear (&r);
}

static char *
good_jwt (gint64 expires_in)
{
  g_autofree char *payload = g_strdup_printf (
    "{\"aud\":\"https://outlook.office.com\",\"iss\":\"https://sts.windows.net/" TENANT "/\","
    "\"tid\":\"" TENANT "\",\"scp\":\"SMTP.Send\",\"upn\":\"" USER "\",\"exp\":%" G_GINT64_FORMAT "}",
    g_get_real_time () / G_USEC_PER_SEC + expires_in);
  return sd_test_idp_make_jwt (payload);
}

static char *
token_answer (const char *access,
              const char *refresh,
              int         expires_in)
{
  return g_strdup_printf ("{\"token_type\":\"Bearer\",\"access_token\":\"%s\","
                          "\"refresh_token\":\"%s\",\"expires_in\":%d}", access, refresh, expires_in);
}

/* Sends through the scripted server, which accepts only @token; returns the result. */
static CliResult
send_with_stored (const char *idp_base,
                  const char *token,
                  gboolean   *authenticated)
{
  SdTestServerConfig config;
  g_autoptr(GError) error = NULL;
  SdTestServer *server;
  g_autofree char *port = NULL;
  CliResult r;

  sd_test_server_config_init (&config);
  config.ehlo_caps = (const char * const[]) { "STARTTLS", NULL };
  config.ehlo_caps_tls = caps_tls;
  config.auth_user = USER;
  config.auth_token = token;
  server = sd_test_server_new (&config, &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", sd_test_server_get_port (server));
  {
    const char *args[] = { "send", "--server", "127.0.0.1", "--port", port,
                           "--tls-ca", sd_test_certs_get ()->ca_file, "--auth", "xoauth2",
                           "--oauth-provider", "microsoft", "--tenant", TENANT,
                           "--client-id", CLIENT, "--user", USER, "--quit-after", "auth", NULL };
    r = run_cli (idp_base, args);
  }
  *authenticated = sd_test_server_get_record (server)->authenticated;
  sd_test_server_free (server);
  return r;
}

static void
test_login_send_logout (void)
{
  g_autoptr(SdTestIdp) idp = sd_test_idp_new ();
  g_autofree char *jwt = good_jwt (3600);
  g_autofree char *answer = token_answer (jwt, "refresh-1", 3600);
  gboolean authenticated = FALSE;
  CliResult r;

  sd_test_idp_push (idp, "devicecode", 200, DEVICE);
  sd_test_idp_push (idp, "token", 400, PENDING);
  sd_test_idp_push (idp, "token", 200, answer);
  {
    const char *args[] = { "oauth", "login", ACCOUNT, NULL };
    r = run_cli (sd_test_idp_get_base (idp), args);
  }
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "open https://microsoft.com/devicelogin and enter the code WXYZ-1234"));
  g_assert_nonnull (strstr (r.out, "Signed in"));
  g_assert_nonnull (strstr (r.out, "libsecret"));
  g_assert_nonnull (strstr (r.out, "signature is not checked"));
  g_assert_nonnull (strstr (r.out, "Audience: https://outlook.office.com"));
  g_assert_null (strstr (r.out, "Warning"));
  /* The token itself is never printed. */
  g_assert_null (strstr (r.out, jwt));
  g_assert_null (strstr (r.out, "refresh-1"));
  cli_result_clear (&r);

  {
    const char *args[] = { "oauth", "show", ACCOUNT, NULL };
    r = run_cli (NULL, args);
  }
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "with a refresh token"));
  g_assert_nonnull (strstr (r.out, "Scopes: SMTP.Send"));
  cli_result_clear (&r);

  /* Valid for an hour: used without asking the identity provider. */
  r = send_with_stored (sd_test_idp_get_base (idp), jwt, &authenticated);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (authenticated);
  g_assert_nonnull (strstr (r.out, "Using the stored sign-in."));
  g_assert_nonnull (strstr (r.out, "Audience: https://outlook.office.com"));
  g_assert_null (strstr (r.out, jwt));
  g_assert_cmpuint (sd_test_idp_count (idp, "token"), ==, 2);
  cli_result_clear (&r);

  logout ();
  {
    const char *args[] = { "oauth", "show", ACCOUNT, NULL };
    r = run_cli (NULL, args);
  }
  g_assert_cmpint (r.status, ==, 4);
  g_assert_nonnull (strstr (r.err, "Not signed in"));
  cli_result_clear (&r);
}

static void
test_refresh_on_send (void)
{
  g_autoptr(SdTestIdp) idp = sd_test_idp_new ();
  g_autofree char *old_jwt = good_jwt (60);
  g_autofree char *new_jwt = good_jwt (3600);
  g_autofree char *first = token_answer (old_jwt, "refresh-1", 60);
  g_autofree char *renewed = token_answer (new_jwt, "refresh-2", 3600);
  gboolean authenticated = FALSE;
  CliResult r;

  sd_test_idp_push (idp, "devicecode", 200, DEVICE);
  sd_test_idp_push (idp, "token", 200, first);
  {
    const char *args[] = { "oauth", "login", ACCOUNT, NULL };
    r = run_cli (sd_test_idp_get_base (idp), args);
  }
  g_assert_cmpint (r.status, ==, 0);
  /* It expires within the minute: the summary says so. */
  g_assert_nonnull (strstr (r.out, "Warning: The token expires in"));
  cli_result_clear (&r);

  /* Expiring within the margin: send renews it first and the server gets the new one. */
  sd_test_idp_push (idp, "token", 200, renewed);
  r = send_with_stored (sd_test_idp_get_base (idp), new_jwt, &authenticated);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (authenticated);
  g_assert_nonnull (strstr (r.out, "renewed just now"));
  g_assert_true (sd_test_idp_form_has (sd_test_idp_get_request (idp, "token", 1)->body,
                                       "refresh_token", "refresh-1"));
  cli_result_clear (&r);

  /* The renewal was stored: the next send needs no request. */
  r = send_with_stored (sd_test_idp_get_base (idp), new_jwt, &authenticated);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (authenticated);
  g_assert_cmpuint (sd_test_idp_count (idp, "token"), ==, 2);
  cli_result_clear (&r);
  logout ();
}

static void
test_login_refused (void)
{
  g_autoptr(SdTestIdp) idp = sd_test_idp_new ();
  CliResult r;

  sd_test_idp_push (idp, "devicecode", 200, DEVICE);
  sd_test_idp_push (idp, "token", 400, "{\"error\":\"access_denied\"}");
  {
    const char *args[] = { "oauth", "login", ACCOUNT, NULL };
    r = run_cli (sd_test_idp_get_base (idp), args);
  }
  g_assert_cmpint (r.status, ==, 4);
  g_assert_nonnull (strstr (r.err, "declined"));
  cli_result_clear (&r);
  {
    const char *args[] = { "oauth", "show", ACCOUNT, NULL };
    r = run_cli (NULL, args);
  }
  g_assert_cmpint (r.status, ==, 4);
  cli_result_clear (&r);
}

static void
test_wrong_audience_warned (void)
{
  g_autoptr(SdTestIdp) idp = sd_test_idp_new ();
  g_autofree char *jwt = sd_test_idp_make_jwt ("{\"aud\":\"https://graph.microsoft.com\","
                                               "\"scp\":\"Mail.Send\",\"tid\":\"" TENANT "\"}");
  g_autofree char *answer = token_answer (jwt, "r", 3600);
  CliResult r;

  sd_test_idp_push (idp, "devicecode", 200, DEVICE);
  sd_test_idp_push (idp, "token", 200, answer);
  {
    const char *args[] = { "oauth", "login", ACCOUNT, NULL };
    r = run_cli (sd_test_idp_get_base (idp), args);
  }
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Warning: The token is for “https://graph.microsoft.com”"));
  g_assert_nonnull (strstr (r.out, "lack SMTP.Send"));
  cli_result_clear (&r);
  logout ();
}

#ifdef G_OS_UNIX
static void
test_login_interrupted (void)
{
  g_autoptr(SdTestIdp) idp = sd_test_idp_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gint64 start;

  /* A long interval: only Ctrl+C ends this quickly. */
  sd_test_idp_push (idp, "devicecode", 200,
                    "{\"device_code\":\"d\",\"user_code\":\"C\",\"verification_uri\":"
                    "\"https://microsoft.com/devicelogin\",\"expires_in\":900,\"interval\":600}");
  g_subprocess_launcher_setenv (launcher, "SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE",
                                sd_test_idp_get_base (idp), TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SD_CLI"), "oauth", "login",
                                      ACCOUNT, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "enter the code C"));
  start = g_get_monotonic_time ();
  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 8);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (sd_test_idp_count (idp, "token"), ==, 0);
}
#endif

static void
test_flag_errors (void)
{
  static const struct {
    const char *args[16];
    int         status;
    const char *message;
  } cases[] = {
    { { "oauth", NULL }, 1, "say login, show or logout" },
    { { "oauth", "login", "--provider", "yahoo", "--client-id", "x", NULL }, 1, "microsoft or google" },
    { { "oauth", "login", "--provider", "microsoft", "--client-id", "x", NULL }, 1, "needs the tenant" },
    { { "oauth", "login", "--provider", "microsoft", "--tenant", "a/b", "--client-id", "x", NULL }, 1, "needs the tenant" },
    { { "oauth", "login", "--provider", "microsoft", "--tenant", "t", NULL }, 1, "client ID" },
    { { "oauth", "login", "--provider", "google", "--client-id", "x", NULL }, 1, "client secret" },
    { { "oauth", "login", "--provider", "google", "--client-id", "x", "--client-secret-env", "SD_UNSET_VAR", NULL }, 1, "SD_UNSET_VAR is not set" },
    { { "oauth", "login", "--provider", "google", "--tenant", "t", "--client-id", "x", "--client-secret-env", "SD_TEST_SECRET", NULL }, 1, "Microsoft only" },
    { { "send", "--server", "127.0.0.1", "--auth", "xoauth2", "--oauth-provider", "yahoo", NULL }, 1, "--oauth-provider must be" },
    { { "send", "--server", "127.0.0.1", "--auth", "xoauth2", "--user", "nobody@example.test", "--oauth-provider", "microsoft", "--tenant", TENANT, "--client-id", CLIENT, NULL }, 1, "Not signed in" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CliResult r = run_cli (NULL, cases[i].args);
      g_assert_cmpint (r.status, ==, cases[i].status);
      g_assert_nonnull (strstr (r.err, cases[i].message));
      cli_result_clear (&r);
    }
}

static void
test_endpoint_refused (void)
{
  const char *args[] = { "oauth", "login", ACCOUNT, NULL };
  CliResult r = run_cli ("https://login.example.com", args);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "may only point to"));
  cli_result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-oauth/flag-errors", test_flag_errors);
  g_test_add_func ("/cli-oauth/endpoint-refused", test_endpoint_refused);
  g_test_add_func ("/cli-oauth/login-send-logout", test_login_send_logout);
  g_test_add_func ("/cli-oauth/refresh-on-send", test_refresh_on_send);
  g_test_add_func ("/cli-oauth/login-refused", test_login_refused);
  g_test_add_func ("/cli-oauth/wrong-audience-warned", test_wrong_audience_warned);
#ifdef G_OS_UNIX
  g_test_add_func ("/cli-oauth/login-interrupted", test_login_interrupted);
#endif
  return g_test_run ();
}
