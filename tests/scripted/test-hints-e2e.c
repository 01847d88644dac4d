/* test-hints-e2e.c: field cases against the scripted server: the session's report must
 * carry the right hint first, and the CLI must print it (send --json, diagnose)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "sd-hints.h"
#include "sd-session.h"
#include "sd-test-certs.h"
#include "sd-test-server.h"

typedef struct {
  const char          *name;
  const char          *expect;          /* first hint */
  SdSecurity           security;
  gboolean             anonymous;
  gboolean             allow_plaintext;
  gboolean             expect_ok;
  const char * const  *caps;
  const char * const  *caps_tls;
  const char          *mail_reply;
  const char          *rcpt_reply;
  const SdTestOverride *overrides;
} FieldCase;

static const char * const exchange_caps[] = {
  "SIZE 37748736", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS", "X-ANONYMOUSTLS",
  "AUTH GSSAPI NTLM", "X-EXPS GSSAPI NTLM", "8BITMIME", NULL
};
static const char * const exchange_caps_tls[] = {
  "SIZE 37748736", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH GSSAPI NTLM LOGIN",
  "X-EXPS GSSAPI NTLM", "8BITMIME", NULL
};
static const char * const relay_caps[] = {
  "SIZE 37748736", "PIPELINING", "ENHANCEDSTATUSCODES", "STARTTLS", "8BITMIME", NULL
};
static const char * const relay_caps_tls[] = {
  "SIZE 37748736", "PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", NULL
};
static const char * const plain_caps[] = {
  "SIZE 10240000", "STARTTLS", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN", NULL
};
static const char * const plain_caps_tls[] = {
  "SIZE 10240000", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN", NULL
};
static const SdTestOverride auth_refused[] = {
  { "AUTH", "504 5.7.4 Unrecognized authentication type\r\n", SD_TEST_ANY },
  { NULL }
};

static const FieldCase field_cases[] = {
  { "exchange2013-starttls", "auth-basic-only-after-starttls", SD_SECURITY_STARTTLS,
    .expect_ok = TRUE, .caps = exchange_caps, .caps_tls = exchange_caps_tls },
  /* auto now falls back to NTLM, which the scripted server accepts; the hint about
   * LOGIN inside TLS still comes first. */
  { "exchange2013-no-tls", "auth-basic-only-after-starttls", SD_SECURITY_NONE,
    .expect_ok = TRUE, .allow_plaintext = TRUE, .caps = exchange_caps, .caps_tls = exchange_caps_tls },
  { "authless-connector", "auth-not-offered", SD_SECURITY_STARTTLS,
    .caps = relay_caps, .caps_tls = relay_caps_tls },
  { "client-not-authenticated", "exchange-client-not-authenticated", SD_SECURITY_STARTTLS,
    .anonymous = TRUE, .caps = exchange_caps, .caps_tls = exchange_caps_tls,
    .mail_reply = "530 5.7.1 Client was not authenticated" },
  { "relaying-denied", "relay-denied", SD_SECURITY_STARTTLS,
    .anonymous = TRUE, .caps = relay_caps, .caps_tls = relay_caps_tls,
    .rcpt_reply = "550 5.7.1 Relaying denied" },
  { "cannot-connect-441", "remote-cannot-connect", SD_SECURITY_STARTTLS,
    .caps = plain_caps, .caps_tls = plain_caps_tls,
    .rcpt_reply = "451 4.4.1 Cannot connect to remote host" },
  { "temporary-444", "temporary-4-4-4", SD_SECURITY_STARTTLS,
    .caps = plain_caps, .caps_tls = plain_caps_tls,
    .mail_reply = "451 4.4.4 Temporary server error. Please try again later ATTR1" },
  { "auth-negotiation-refused", "auth-mechanism-unrecognized", SD_SECURITY_STARTTLS,
    .caps = plain_caps, .caps_tls = plain_caps_tls, .overrides = auth_refused },
};

static SdTestServer *
start_server (const FieldCase *fc)
{
  SdTestServerConfig config;
  g_autoptr(GError) error = NULL;
  SdTestServer *server;

  sd_test_server_config_init (&config);
  config.ehlo_domain = "ex2013.contoso.local";
  config.ehlo_caps = fc->caps;
  config.ehlo_caps_tls = fc->caps_tls;
  config.mail_reply = fc->mail_reply;
  config.rcpt_reply = fc->rcpt_reply;
  config.overrides = fc->overrides;
  server = sd_test_server_new (&config, &error);
  g_assert_no_error (error);
  return server;
}

static SdSettings *
field_settings (const FieldCase *fc,
                guint16          port)
{
  SdSettings *settings = sd_settings_new ();

  settings->host = g_strdup ("127.0.0.1");
  settings->port = port;
  settings->security = fc->security;
  settings->tls_verify = SD_TLS_VERIFY;
  settings->tls_ca_file = g_strdup (sd_test_certs_get ()->ca_file);
  g_free (settings->auth);
  settings->auth = g_strdup ("auto");
  if (!fc->anonymous)
    {
      settings->user = g_strdup ("alice");
      settings->password = g_strdup ("secret");
    }
  settings->allow_plaintext_auth = fc->allow_plaintext;
  settings->from = g_strdup ("alice@example.org");
  settings->to = g_new0 (char *, 2);
  settings->to[0] = g_strdup ("bob@example.net");
  settings->timeout_s = 5;
  return settings;
}

static void
test_field_case (gconstpointer data)
{
  const FieldCase *fc = data;
  g_autoptr(SdTestServer) server = start_server (fc);
  g_autoptr(SdSettings) settings = field_settings (fc, sd_test_server_get_port (server));
  g_autoptr(SdSession) session = sd_session_new (settings);
  g_autoptr(SdReport) report = sd_session_run (session, NULL, NULL, NULL);
  g_autofree char *text = NULL;
  g_autofree char *hints = NULL;

  g_ptr_array_extend_and_steal (report->hints, sd_diagnose_report (report));
  text = sd_report_to_text (report, report->hints);
  hints = sd_hints_to_text (report->hints);

  g_test_message ("report:\n%s\nhints:\n%s", text, hints);
  g_assert_cmpint (report->ok, ==, fc->expect_ok);
  g_assert_cmpuint (report->hints->len, >, 0);
  g_assert_cmpstr (((SdHint *) report->hints->pdata[0])->id, ==, fc->expect);
}

static char *
run_cli (const char  *input,
         int         *status,
         const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("SD_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (proc);
  return out;
}

/* send --json puts the hints in the document; the text output prints them last. */
static void
test_cli_send (void)
{
  const FieldCase *fc = &field_cases[4];   /* relaying denied */
  g_autoptr(SdTestServer) server = start_server (fc);
  g_autoptr(SdTestServer) server2 = start_server (fc);
  g_autofree char *port = g_strdup_printf ("%u", sd_test_server_get_port (server));
  g_autofree char *port2 = g_strdup_printf ("%u", sd_test_server_get_port (server2));
  const char *json_args[] = { "send", "--json", "--server", "127.0.0.1", "--port", port,
                              "--security", "none", "--from", "a@example.org",
                              "--to", "b@example.net", NULL };
  const char *text_args[] = { "send", "--server", "127.0.0.1", "--port", port2,
                              "--security", "none", "--from", "a@example.org",
                              "--to", "b@example.net", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  int status;

  json = run_cli (NULL, &status, json_args);
  g_assert_cmpint (status, ==, 5);
  g_assert_nonnull (strstr (json, "\"hints\": ["));
  g_assert_nonnull (strstr (json, "\"id\": \"relay-denied\""));

  text = run_cli (NULL, &status, text_args);
  g_assert_nonnull (strstr (text, "Hints (most likely first):"));
  g_assert_nonnull (strstr (text, "(relay-denied)"));
}

static void
test_cli_diagnose (void)
{
  static const struct { const char *input; const char *expect; } cases[] = {
    /* Exchange 2003 queue viewer */
    { "Queue: contoso.com\nThe remote SMTP service rejected AUTH negotiation.\n",
      "exchange2003-auth-negotiation-rejected" },
    /* an Exchange receive protocol log excerpt */
    { "2026-11-23T09:12:01.123Z,EX01\\Default Frontend EX01,08DBE,0,10.0.0.1:25,10.0.0.50:51234,+,,\n"
      "2026-11-23T09:12:01.124Z,EX01\\Default Frontend EX01,08DBE,1,10.0.0.1:25,10.0.0.50:51234,>,\"220 EX01.contoso.local Microsoft ESMTP MAIL Service ready\",\n"
      "2026-11-23T09:12:01.130Z,EX01\\Default Frontend EX01,08DBE,2,10.0.0.1:25,10.0.0.50:51234,<,EHLO scanner,\n"
      "2026-11-23T09:12:01.131Z,EX01\\Default Frontend EX01,08DBE,3,10.0.0.1:25,10.0.0.50:51234,>,250-EX01.contoso.local Hello [10.0.0.50],\n"
      "2026-11-23T09:12:01.131Z,EX01\\Default Frontend EX01,08DBE,4,10.0.0.1:25,10.0.0.50:51234,>,250-STARTTLS,\n"
      "2026-11-23T09:12:01.131Z,EX01\\Default Frontend EX01,08DBE,5,10.0.0.1:25,10.0.0.50:51234,>,250-AUTH GSSAPI NTLM,\n"
      "2026-11-23T09:12:01.131Z,EX01\\Default Frontend EX01,08DBE,6,10.0.0.1:25,10.0.0.50:51234,>,250 8BITMIME,\n"
      "2026-11-23T09:12:01.140Z,EX01\\Default Frontend EX01,08DBE,7,10.0.0.1:25,10.0.0.50:51234,>,221 2.0.0 Service closing transmission channel,\n",
      "auth-basic-only-after-starttls" },
    /* a .NET application log */
    { "System.Net.Mail.SmtpException: Mailbox unavailable. The server response was: 5.7.1 Unable to relay\n",
      "exchange-unable-to-relay" },
    /* a bounce */
    { "Diagnostic information for administrators:\nRemote Server returned '550 5.7.1 Relaying denied'\n",
      "relay-denied" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { "diagnose", "--json", "-", NULL };
      const char *text_args[] = { "diagnose", "-", NULL };
      g_autofree char *json = NULL;
      g_autofree char *text = NULL;
      g_autofree char *needle = g_strdup_printf ("\"hints\": [\n    {\n      \"id\": \"%s\"", cases[i].expect);
      int status;

      json = run_cli (cases[i].input, &status, args);
      g_test_message ("%s", json);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (json, needle));
      text = run_cli (cases[i].input, &status, text_args);
      g_assert_cmpint (status, ==, 0);
      g_assert_true (g_str_has_prefix (text, "[")); /* the first hint's severity */
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (field_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hints-e2e/field/%s", field_cases[i].name);
      g_test_add_data_func (path, &field_cases[i], test_field_case);
    }
  g_test_add_func ("/hints-e2e/cli/send", test_cli_send);
  g_test_add_func ("/hints-e2e/cli/diagnose", test_cli_diagnose);
  return g_test_run ();
}
