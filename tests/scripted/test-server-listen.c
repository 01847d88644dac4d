/* test-server-listen.c: the built-in server as the listen view uses it: connectors,
 * injected faults, the client's TLS offer, and limits against hostile clients
 *
 * Everything talks to 127.0.0.1 only, on ephemeral ports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-server.h"
#include "sd-server-connector.h"
#include "sd-server-fault.h"
#include "sd-session.h"
#include "sd-test-certs.h"
#include "sd-test-raw.h"

#define PASSWORD "s3cret-Pa55"

/* --- a server and the JSON lines of its finished sessions ----------------------------- */

typedef struct {
  SdServer  *server;
  GPtrArray *finished;   /* (element-type utf8) sd_server_session_to_json() lines */
} Fixture;

static void
on_finished (SdServer        *server,
             guint            id,
             SdServerSession *session,
             Fixture         *fx)
{
  g_ptr_array_add (fx->finished, sd_server_session_to_json (session));
}

static SdServerConfig *
base_config (const char *connector)
{
  SdServerConfig *config = sd_server_config_new ();
  const SdTestCerts *certs = sd_test_certs_get ();
  g_autoptr(GError) error = NULL;

  config->cert_pem = g_strdup (certs->valid.cert_pem);
  config->key_pem = g_strdup (certs->valid.key_pem);
  config->idle_timeout_s = 10;
  sd_server_config_add_account (config, "alice", PASSWORD);
  if (connector != NULL)
    {
      g_assert_true (sd_server_config_apply_connector (config, connector, &error));
      g_assert_no_error (error);
    }
  return config;
}

static void
fixture_start (Fixture        *fx,
               SdServerConfig *config)
{
  g_autoptr(GError) error = NULL;

  fx->finished = g_ptr_array_new_with_free_func (g_free);
  fx->server = sd_server_new (config);
  g_signal_connect (fx->server, "session-finished", G_CALLBACK (on_finished), fx);
  g_assert_true (sd_server_start (fx->server, &error));
  g_assert_no_error (error);
}

static void
fixture_wait (Fixture *fx,
              guint    n)
{
  sd_test_wait_len (fx->finished, n);
}

static void
fixture_stop (Fixture *fx)
{
  sd_server_stop (fx->server);
  g_clear_object (&fx->server);
  g_clear_pointer (&fx->finished, g_ptr_array_unref);
}

static const char *
last_json (Fixture *fx)
{
  g_assert_cmpuint (fx->finished->len, >, 0);
  return fx->finished->pdata[fx->finished->len - 1];
}

static Raw *
raw_greeted (Fixture    *fx,
             const char *greeting)
{
  Raw *raw = raw_connect (sd_server_get_port (fx->server));
  raw_expect (raw, greeting);
  return raw;
}

/* Our own client through STARTTLS with AUTH LOGIN and @password: the failing reply. */
static SdReport *
client_login (Fixture    *fx,
              const char *password)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  g_autoptr(SdSession) session = NULL;
  const char *to[] = { "bob@example.test", NULL };

  settings->host = g_strdup ("127.0.0.1");
  settings->port = sd_server_get_port (fx->server);
  settings->security = SD_SECURITY_STARTTLS;
  settings->tls_verify = SD_TLS_PIN;
  settings->tls_pin = g_strdup (sd_server_get_cert_sha256 (fx->server));
  g_free (settings->auth);
  settings->auth = g_strdup ("login");
  settings->user = g_strdup ("alice");
  settings->password = g_strdup (password);
  settings->from = g_strdup ("alice@example.test");
  settings->to = g_strdupv ((char **) to);
  settings->timeout_s = 10;
  session = sd_session_new (settings);
  return sd_session_run (session, NULL, NULL, NULL);
}

static void
assert_reply (const SdReport *report,
              const char     *text)
{
  g_autofree char *got = NULL;
  g_autofree char *text_only = NULL;

  g_assert_nonnull (report->reply);
  text_only = sd_reply_dup_text (report->reply);
  got = g_strdup_printf ("%u %s", report->reply->code, text_only);
  if (!g_str_has_prefix (got, text))
    g_error ("expected \"%s\", got \"%s\"", text, got);
}

/* --- connectors ------------------------------------------------------------------------ */

static void
test_connector_exchange_frontend (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ("exchange-frontend");
  g_autoptr(Raw) raw = NULL;
  g_autofree char *ehlo = NULL;
  g_autoptr(SdReport) report = NULL;

  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 smtp-doctor.localhost Microsoft ESMTP MAIL Service ready at ");
  raw_send_str (raw, "EHLO app.test\r\n");
  ehlo = raw_reply (raw);
  g_assert_true (g_str_has_prefix (ehlo, "250-smtp-doctor.localhost Hello [127.0.0.1]\r\n"));
  g_assert_nonnull (strstr (ehlo, "250-STARTTLS\r\n250-AUTH GSSAPI NTLM\r\n"));
  raw_send_str (raw, "AUTH LOGIN\r\n");
  raw_expect (raw, "504 5.7.4 Unrecognized authentication type");
  raw_send_str (raw, "MAIL FROM:<a@example.test>\r\n");
  raw_expect (raw, "530 5.7.1 Client was not authenticated");
  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "\"client-auth-before-starttls\""));

  /* Inside TLS LOGIN is offered; a wrong password gets Exchange's words. */
  report = client_login (&fx, "wrong");
  assert_reply (report, "535 5.7.3 Authentication unsuccessful");
  fixture_stop (&fx);
}

static void
test_connector_m365 (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ("m365");
  g_autoptr(Raw) raw = NULL;
  g_autofree char *ehlo = NULL;
  g_autoptr(SdReport) bad = NULL;
  g_autoptr(SdReport) good = NULL;

  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 smtp-doctor.localhost Microsoft ESMTP MAIL Service ready at ");
  raw_send_str (raw, "EHLO app.test\r\n");
  ehlo = raw_reply (raw);
  g_assert_null (strstr (ehlo, "AUTH"));    /* nothing before STARTTLS */
  g_assert_nonnull (strstr (ehlo, "250 SMTPUTF8\r\n"));
  raw_send_str (raw, "MAIL FROM:<a@example.test>\r\n");
  raw_expect (raw, "530 5.7.0 Must issue a STARTTLS command first");
  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");

  bad = client_login (&fx, "wrong");
  assert_reply (bad, "535 5.7.139 Authentication unsuccessful");
  good = client_login (&fx, PASSWORD);
  g_assert_true (good->ok);
  fixture_stop (&fx);
}

static void
test_connector_postfix (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ("postfix-submission");
  g_autoptr(Raw) raw = NULL;

  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 smtp-doctor.localhost ESMTP Postfix\r\n");
  raw_send_str (raw, "EHLO app.test\r\n");
  raw_expect (raw, "250-smtp-doctor.localhost\r\n250-PIPELINING\r\n");
  raw_send_str (raw, "AUTH PLAIN AGFsaWNlAHg=\r\n");
  raw_expect (raw, "503 5.5.1 Error: authentication not enabled");
  raw_send_str (raw, "MAIL FROM:<a@example.test>\r\n");
  raw_expect (raw, "530 5.7.0 Must issue a STARTTLS command first");
  fixture_stop (&fx);
}

static void
test_connector_open (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ("open");
  g_autoptr(Raw) raw = NULL;

  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 ");
  raw_send_str (raw, "EHLO app.test\r\n");
  raw_expect (raw, "250-");
  /* Any user; DSN parameters are taken because DSN is announced. */
  raw_send_str (raw, "AUTH PLAIN AG5vYm9keQB4\r\n");
  raw_expect (raw, "235 ");
  raw_send_str (raw, "MAIL FROM:<a@example.test> RET=HDRS\r\n");
  raw_expect (raw, "250 ");
  raw_send_str (raw, "RCPT TO:<x@elsewhere.test> NOTIFY=NEVER\r\n");
  raw_expect (raw, "250 ");
  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "\"auth_user\":\"nobody\""));
  fixture_stop (&fx);
}

static void
test_connector_unknown (void)
{
  g_autoptr(SdServerConfig) config = sd_server_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sd_server_config_apply_connector (config, "exchange-2003", &error));
  g_assert_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "exchange-frontend"));
  /* Every connector has its texts. */
  for (const SdServerConnector * const *c = sd_server_connectors (); *c != NULL; c++)
    g_assert_true ((*c)->title && (*c)->description && (*c)->reply_auth_failed &&
                   (*c)->reply_auth_no_tls && (*c)->reply_relay_denied);
}

/* --- faults ---------------------------------------------------------------------------- */

static void
test_fault_parse (void)
{
  static const char * const good[] = {
    "rcpt=550 5.1.1 User unknown", "data=close", "greeting=delay:10", "MAIL=greylist",
    "dot=452 4.3.1 Insufficient system storage", "helo=421",
  };
  static const char * const bad[] = {
    "rcpt", "nowhere=close", "rcpt=", "rcpt=650 x", "rcpt=55 short", "rcpt=delay:601",
    "rcpt=delay:x", "rcpt=550 a\r\nRSET", "=close",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdServerFault) fault = sd_server_fault_parse (good[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (fault);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdServerFault) fault = sd_server_fault_parse (bad[i], &error);
      if (fault != NULL)
        g_error ("\"%s\" was taken", bad[i]);
      g_assert_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_INVALID_CONFIG);
    }
}

static void
start_with_fault (Fixture    *fx,
                  const char *spec)
{
  g_autoptr(SdServerConfig) config = base_config (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdServerFault) fault = sd_server_fault_parse (spec, &error);

  g_assert_no_error (error);
  sd_server_config_add_fault (config, fault);
  fixture_start (fx, config);
}

static void
raw_to_rcpt (Raw *raw)
{
  raw_send_str (raw, "EHLO app.test\r\n");
  raw_expect (raw, "250-");
  raw_send_str (raw, "MAIL FROM:<a@example.test>\r\n");
  raw_expect (raw, "250 ");
  raw_send_str (raw, "RCPT TO:<b@example.test>\r\n");
}

static void
test_fault_rcpt_reply (void)
{
  Fixture fx = { 0 };
  g_autoptr(Raw) raw = NULL;

  start_with_fault (&fx, "rcpt=550 5.1.1 User unknown");
  raw = raw_greeted (&fx, "220 ");

  raw_to_rcpt (raw);
  raw_expect (raw, "550 5.1.1 User unknown\r\n");
  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "Injected fault: rcpt=550 5.1.1 User unknown"));
  fixture_stop (&fx);
}

static void
test_fault_data_close (void)
{
  Fixture fx = { 0 };
  g_autoptr(Raw) raw = NULL;

  start_with_fault (&fx, "data=close");
  raw = raw_greeted (&fx, "220 ");

  raw_to_rcpt (raw);
  raw_expect (raw, "250 ");
  raw_send_str (raw, "DATA\r\n");
  g_assert_null (raw_reply (raw));     /* closed without a word */
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "\"end\":\"fault: close\""));
  fixture_stop (&fx);
}

static void
test_fault_connect_reply (void)
{
  Fixture fx = { 0 };
  g_autoptr(Raw) raw = NULL;

  start_with_fault (&fx, "connect=554 5.7.1 No SMTP service here");
  raw = raw_greeted (&fx, "554 5.7.1 No SMTP service here\r\n");

  g_assert_null (raw_reply (raw));
  fixture_stop (&fx);
}

static void
test_fault_greeting_delay (void)
{
  Fixture fx = { 0 };
  g_autoptr(Raw) raw = NULL;

  start_with_fault (&fx, "greeting=delay:1");
  raw = raw_greeted (&fx, "220 ");

  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "Injected fault: greeting=delay:1"));
  fixture_stop (&fx);
}

static void
test_fault_mail_greylist (void)
{
  Fixture fx = { 0 };
  g_autoptr(Raw) raw = NULL;

  start_with_fault (&fx, "mail=greylist");
  raw = raw_greeted (&fx, "220 ");

  raw_send_str (raw, "EHLO app.test\r\n");
  raw_expect (raw, "250-");
  raw_send_str (raw, "MAIL FROM:<a@example.test>\r\n");
  raw_expect (raw, "451 4.7.1 Greylisted");
  raw_send_str (raw, "MAIL FROM:<a@example.test>\r\n");
  raw_expect (raw, "250 ");
  fixture_stop (&fx);
}

static void
test_fault_end_of_data (void)
{
  Fixture fx = { 0 };
  g_autoptr(Raw) raw = NULL;

  start_with_fault (&fx, "end-of-data=452 4.3.1 Insufficient system storage");
  raw = raw_greeted (&fx, "220 ");

  raw_to_rcpt (raw);
  raw_expect (raw, "250 ");
  raw_send_str (raw, "DATA\r\n");
  raw_expect (raw, "354 ");
  raw_send_str (raw, "Subject: x\r\n\r\nbody\r\n.\r\n");
  raw_expect (raw, "452 4.3.1 Insufficient system storage\r\n");
  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "\"messages\":0"));
  fixture_stop (&fx);
}

/* --- the client's TLS offer ------------------------------------------------------------ */

static void
test_client_hello_modern (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config (NULL);
  g_autoptr(SdReport) report = NULL;
  const char *json;

  fixture_start (&fx, config);
  report = client_login (&fx, PASSWORD);
  g_assert_true (report->ok);
  fixture_wait (&fx, 1);
  json = last_json (&fx);
  g_assert_nonnull (strstr (json, "\"client_hello\":{\"versions\":[\"TLS1.3\""));
  g_assert_nonnull (strstr (json, "The client offers TLS1.3"));
  g_assert_null (strstr (json, "client-tls-legacy-only"));
  fixture_stop (&fx);
}

/* A device that only speaks TLS 1.0: its offer is recorded though the handshake fails
 * (or would go on, if TLS 1.0 were allowed), and the hint says what it means. */
static void
test_client_hello_tls10_only (void)
{
  static const guint16 suites[] = { 0x002f, 0x000a };   /* AES128-SHA, 3DES */
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config (NULL);
  g_autoptr(GBytes) hello = sd_test_client_hello (0x0301, suites, G_N_ELEMENTS (suites),
                                                  "mail.example.test", TRUE);
  g_autoptr(Raw) raw = NULL;
  const char *json;

  config->tls_min_version = 12;
  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 ");
  raw_send_str (raw, "EHLO copier.test\r\n");
  raw_expect (raw, "250-");
  raw_send_str (raw, "STARTTLS\r\n");
  raw_expect (raw, "220 ");
  raw_send (raw, g_bytes_get_data (hello, NULL), g_bytes_get_size (hello));
  g_clear_pointer (&raw, raw_free);
  fixture_wait (&fx, 1);
  json = last_json (&fx);
  g_assert_nonnull (strstr (json, "\"client_hello\":{\"versions\":[\"TLS1.0\"]"));
  g_assert_nonnull (strstr (json, "\"sni\":\"mail.example.test\""));
  g_assert_nonnull (strstr (json, "\"id\":\"client-tls-legacy-only\""));
  g_assert_nonnull (strstr (json, "\"end\":\"TLS handshake failed\""));
  fixture_stop (&fx);
}

/* --- hostile clients ------------------------------------------------------------------- */

static void
test_limit_per_client (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config (NULL);
  g_autoptr(Raw) first = NULL;
  g_autoptr(Raw) second = NULL;
  g_autoptr(Raw) third = NULL;
  g_autoptr(Raw) again = NULL;

  config->max_sessions_per_client = 2;
  fixture_start (&fx, config);
  first = raw_greeted (&fx, "220 ");
  second = raw_greeted (&fx, "220 ");
  third = raw_greeted (&fx, "421 4.7.0 Error: too many connections from your address");
  /* A slot given back can be taken again. */
  raw_send_str (first, "QUIT\r\n");
  raw_expect (first, "221 ");
  fixture_wait (&fx, 1);
  again = raw_greeted (&fx, "220 ");
  fixture_stop (&fx);
}

static void
test_limit_greeting_timeout (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config (NULL);
  g_autoptr(Raw) raw = NULL;

  config->greeting_timeout_s = 1;
  config->idle_timeout_s = 60;   /* longer than the raw client waits (10 s) */
  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 ");
  /* Silent, though the idle timeout would still wait. */
  raw_expect (raw, "421 4.4.2 Timeout waiting for EHLO");
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "\"end\":\"greeting timeout\""));
  fixture_stop (&fx);
}

static void
test_limit_slow_drip (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config (NULL);
  g_autoptr(Raw) raw = NULL;

  config->command_timeout_s = 1;
  config->idle_timeout_s = 60;   /* longer than the raw client waits (10 s) */
  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 ");
  raw_send_str (raw, "EHLO app.test\r\n");
  raw_expect (raw, "250-");
  /* A byte now and then: each read is within the idle timeout, the line never ends. */
  for (guint i = 0; i < 3; i++)
    {
      raw_send_str (raw, "N");
      g_usleep (G_USEC_PER_SEC / 2);
    }
  raw_expect (raw, "421 4.4.2 Command too slow");
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "\"end\":\"command timeout\""));
  fixture_stop (&fx);
}

/* STARTTLS, then @after (NULL: nothing) instead of a ClientHello: the handshake fails
 * within the command timeout, not the idle one. */
static void
check_broken_handshake (const char *after)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config (NULL);
  g_autoptr(Raw) raw = NULL;

  config->command_timeout_s = 1;
  config->idle_timeout_s = 60;   /* longer than the raw client waits (10 s) */
  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 ");
  raw_send_str (raw, "EHLO app.test\r\n");
  raw_expect (raw, "250-");
  raw_send_str (raw, "STARTTLS\r\n");
  raw_expect (raw, "220 ");
  if (after != NULL)
    raw_send_str (raw, after);
  g_assert_null (raw_reply (raw));
  fixture_wait (&fx, 1);
  g_assert_nonnull (strstr (last_json (&fx), "\"end\":\"TLS handshake failed\""));
  fixture_stop (&fx);
}

static void test_limit_half_open_tls (void) { check_broken_handshake (NULL); }
static void test_limit_garbage_after_starttls (void)
{
  check_broken_handshake ("MAIL FROM:<this is not a ClientHello>\r\n\r\n\r\n\r\n");
}

static void
test_limit_huge_auth (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config (NULL);
  g_autoptr(Raw) raw = NULL;
  g_autoptr(GString) line = g_string_new ("AUTH PLAIN ");

  fixture_start (&fx, config);
  raw = raw_greeted (&fx, "220 ");
  raw_send_str (raw, "EHLO app.test\r\n");
  raw_expect (raw, "250-");
  while (line->len < 200 * 1024)
    g_string_append (line, "QUFBQUFB");
  g_string_append (line, "\r\n");
  raw_send (raw, line->str, line->len);
  raw_expect (raw, "500 5.5.2 Error: line too long");
  raw_send_str (raw, "NOOP\r\n");
  raw_expect (raw, "250 ");
  fixture_stop (&fx);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/listen/connector/exchange-frontend", test_connector_exchange_frontend);
  g_test_add_func ("/listen/connector/m365", test_connector_m365);
  g_test_add_func ("/listen/connector/postfix-submission", test_connector_postfix);
  g_test_add_func ("/listen/connector/open", test_connector_open);
  g_test_add_func ("/listen/connector/unknown", test_connector_unknown);
  g_test_add_func ("/listen/fault/parse", test_fault_parse);
  g_test_add_func ("/listen/fault/rcpt-reply", test_fault_rcpt_reply);
  g_test_add_func ("/listen/fault/data-close", test_fault_data_close);
  g_test_add_func ("/listen/fault/connect-reply", test_fault_connect_reply);
  g_test_add_func ("/listen/fault/greeting-delay", test_fault_greeting_delay);
  g_test_add_func ("/listen/fault/mail-greylist", test_fault_mail_greylist);
  g_test_add_func ("/listen/fault/end-of-data", test_fault_end_of_data);
  g_test_add_func ("/listen/client-hello/modern", test_client_hello_modern);
  g_test_add_func ("/listen/client-hello/tls10-only", test_client_hello_tls10_only);
  g_test_add_func ("/listen/limits/per-client", test_limit_per_client);
  g_test_add_func ("/listen/limits/greeting-timeout", test_limit_greeting_timeout);
  g_test_add_func ("/listen/limits/slow-drip", test_limit_slow_drip);
  g_test_add_func ("/listen/limits/half-open-tls", test_limit_half_open_tls);
  g_test_add_func ("/listen/limits/garbage-after-starttls", test_limit_garbage_after_starttls);
  g_test_add_func ("/listen/limits/huge-auth", test_limit_huge_auth);
  return g_test_run ();
}
