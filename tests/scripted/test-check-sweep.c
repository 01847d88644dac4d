/* test-check-sweep.c: the check's sweep against scripted servers on 127.0.0.1
 *
 * A Cisco ASA-style masking proxy, STARTTLS advertised then refused, a server that
 * takes TLS 1.2 and 1.3 only, and a silent port (bounded by the timeout).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "sd-check.h"
#include "sd-test-server.h"

static SdCheckReport *
sweep (const char *ports)
{
  g_autoptr(SdCheckOptions) options = sd_check_options_new ();
  g_autoptr(GError) error = NULL;
  SdCheckReport *report;

  /* An address target: no MX lookup; the PTR of 127.0.0.1 comes from /etc/hosts. */
  options->target = g_strdup ("127.0.0.1");
  options->timeout_s = 2;
  options->blocklists = FALSE;
  g_assert_true (sd_check_options_set_ports (options, ports, &error));
  report = sd_check_run (options, NULL, &error);
  g_assert_no_error (error);
  return report;
}

static const SdHint *
finding (const SdCheckReport *report,
         const char          *id)
{
  for (guint i = 0; i < report->findings->len; i++)
    if (g_str_equal (((SdHint *) report->findings->pdata[i])->id, id))
      return report->findings->pdata[i];
  return NULL;
}

static void
test_asa_masking (void)
{
  static const char *const caps[] = { "PIPELINING", "XXXXXXXA", "SIZE 10240000", NULL };
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(SdCheckReport) report = NULL;
  g_autofree char *ports = NULL;
  g_autoptr(GError) error = NULL;
  SdCheckProbe *probe;

  sd_test_server_config_init (&config);
  config.greeting = "220 ********************************2*****0****0*********";
  config.ehlo_caps = caps;
  server = sd_test_server_new (&config, &error);
  g_assert_no_error (error);
  ports = g_strdup_printf ("%u", sd_test_server_get_port (server));
  report = sweep (ports);

  probe = report->probes->pdata[0];
  g_assert_cmpint (probe->outcome, ==, SD_CHECK_OUTCOME_OK);
  g_assert_null (probe->report->tls);
  g_assert_nonnull (finding (report, "cisco-asa-smtp-inspection"));
  g_assert_nonnull (finding (report, "check-starttls-not-offered"));
}

static void
test_starttls_refused (void)
{
  static const SdTestOverride refuse[] = {
    { "STARTTLS", "454 4.7.0 TLS not available due to local problem\r\n", SD_TEST_PLAIN },
    { NULL }
  };
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(SdCheckReport) report = NULL;
  g_autofree char *ports = NULL;
  g_autoptr(GError) error = NULL;

  sd_test_server_config_init (&config);
  config.overrides = refuse;
  server = sd_test_server_new (&config, &error);
  g_assert_no_error (error);
  ports = g_strdup_printf ("%u", sd_test_server_get_port (server));
  report = sweep (ports);

  g_assert_cmpint (((SdCheckProbe *) report->probes->pdata[0])->outcome, ==,
                   SD_CHECK_OUTCOME_STARTTLS_REFUSED);
  g_assert_nonnull (finding (report, "smtp-interception"));
}

static void
test_tls12_only (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(SdCheckReport) report = NULL;
  g_autofree char *ports = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  SdCheckProbe *probe;

  sd_test_server_config_init (&config);
  config.implicit_tls = TRUE;
  config.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3";
  config.n_connections = 1 + SD_CHECK_N_TLS_VERSIONS;
  server = sd_test_server_new (&config, &error);
  g_assert_no_error (error);
  ports = g_strdup_printf ("%u/tls", sd_test_server_get_port (server));
  report = sweep (ports);

  probe = report->probes->pdata[0];
  g_assert_cmpint (probe->outcome, ==, SD_CHECK_OUTCOME_OK);
  g_assert_nonnull (probe->report->tls);
  g_assert_cmpint (probe->tls_versions[2], ==, SD_CHECK_TLS_ACCEPTED);
  g_assert_cmpint (probe->tls_versions[3], ==, SD_CHECK_TLS_ACCEPTED);
  /* TLS 1.0 and 1.1: refused by the server, unless GnuTLS here cannot offer them. */
  for (guint v = 0; v < 2; v++)
    g_assert_true (probe->tls_versions[v] == SD_CHECK_TLS_REFUSED ||
                   probe->tls_versions[v] == SD_CHECK_TLS_CANNOT_TEST);
  json = sd_check_report_to_json (report);
  g_assert_nonnull (strstr (json, "\"tls_versions_accepted\""));
  g_assert_nonnull (strstr (json, "\"TLS1.2\": \"accepted\""));
}

/* A listening socket that never answers: connected, no greeting, no handshake. */
static void
test_silent_port (void)
{
  g_autoptr(GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(SdCheckReport) report = NULL;
  g_autofree char *ports = NULL;
  SdCheckProbe *probe;

  g_assert_true (g_socket_bind (listener, any, TRUE, NULL));
  g_assert_true (g_socket_listen (listener, NULL));
  bound = g_socket_get_local_address (listener, NULL);
  ports = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  report = sweep (ports);

  probe = report->probes->pdata[0];
  g_assert_cmpint (probe->outcome, ==, SD_CHECK_OUTCOME_NO_GREETING);
  g_assert_nonnull (finding (report, "server-unreachable"));
  g_assert_cmpint (sd_check_report_exit_code (report), ==, 6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/check/sweep/asa-masking", test_asa_masking);
  g_test_add_func ("/check/sweep/starttls-refused", test_starttls_refused);
  g_test_add_func ("/check/sweep/tls12-only", test_tls12_only);
  g_test_add_func ("/check/sweep/silent-port", test_silent_port);
  return g_test_run ();
}
