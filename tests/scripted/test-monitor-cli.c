/* test-monitor-cli.c: smtp-doctor-cli monitor as Icinga 2, Nagios and Prometheus run it:
 * every state and threshold against the scripted server, the perfdata grammar parsed
 * back, the C locale for numbers under a German locale, certificate days from
 * certificates made with a chosen expiry, --all-profiles, promtool.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <jansson.h>
#include <locale.h>

#include "sd-certgen.h"
#include "sd-test-certs.h"
#include "sd-test-server.h"

/* The Monitoring Plugins perfdata grammar, strictly: 'label'=value[UOM];[warn];[crit];
 * [min];[max], UOM one of the guidelines', thresholds as ranges ([@][start:][end]). */
#define RANGE "(@?(~|-?[0-9]+(\\.[0-9]+)?)?:?(-?[0-9]+(\\.[0-9]+)?)?)"
#define PERF_ITEM "'[^'=]+'=-?[0-9]+(\\.[0-9]+)?(s|ms|us|%|B|KB|MB|TB|c)?" \
                  "(;" RANGE "?(;" RANGE "?(;(-?[0-9]+(\\.[0-9]+)?)?(;(-?[0-9]+(\\.[0-9]+)?)?)?)?)?)?"
#define STATUS_LINE "^SMTP (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+(\\|(" PERF_ITEM ")( " PERF_ITEM ")*)?$"

typedef struct {
  int        status;
  char      *out;
  char      *first_line;
  char      *perfdata;   /* after "|", or NULL */
} Check;

static char *config_home;

static void
check_clear (Check *c)
{
  g_free (c->out);
  g_free (c->first_line);
  g_free (c->perfdata);
}

/* Runs the CLI with @args; @env: "NAME=VALUE" pairs to set, "NAME" to unset. */
static Check
run_env (const char * const *env,
         const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Check c = { 0 };
  const char *nl;

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);
      if (kv[1] != NULL)
        g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, kv[0]);
    }
  g_ptr_array_add (argv, (char *) g_getenv ("SD_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &c.out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  c.status = g_subprocess_get_exit_status (proc);
  nl = strchr (c.out, '\n');
  c.first_line = g_strndup (c.out, nl ? (gsize) (nl - c.out) : strlen (c.out));
  if (strchr (c.first_line, '|') != NULL)
    c.perfdata = g_strdup (strchr (c.first_line, '|') + 1);
  g_test_message ("exit %d: %s", c.status, c.out);
  return c;
}

static Check
run (const char * const *args)
{
  return run_env (NULL, args);
}

/* The status line obeys the grammar, and its state word matches the exit code. */
static void
assert_plugin (const Check *c,
               int          status)
{
  static const char *const words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
  g_autofree char *prefix = g_strdup_printf ("SMTP %s - ", words[status]);

  g_assert_cmpint (c->status, ==, status);
  g_assert_true (g_str_has_prefix (c->first_line, prefix));
  if (!g_regex_match_simple (STATUS_LINE, c->first_line, 0, 0))
    g_error ("not a Monitoring Plugins status line: %s", c->first_line);
}

static SdTestServer *
start (SdTestServerConfig *config,
       char               *port)
{
  g_autoptr(GError) error = NULL;
  SdTestServer *server = sd_test_server_new (config, &error);

  g_assert_no_error (error);
  g_snprintf (port, 8, "%u", sd_test_server_get_port (server));
  return server;
}

#define CHECK_ARGS(port) "monitor", "--server", "127.0.0.1", "--port", port, \
                         "--tls-ca", sd_test_certs_get ()->ca_file

/* `monitor` against 127.0.0.1:@port, trusting the test CA, with more flags (NULL-ended). */
static Check
check_env (const char * const *env,
           const char         *port,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *base[] = { CHECK_ARGS (port) };
  const char *arg;
  va_list ap;

  for (guint i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (args, (char *) base[i]);
  va_start (ap, port);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return run_env (env, (const char * const *) args->pdata);
}

#define check(port, ...) check_env (NULL, port, __VA_ARGS__)

static void
test_ok_no_credentials (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  char port[8];
  Check c;

  sd_test_server_config_init (&config);
  server = start (&config, port);
  c = check (port, "-w", "5", "-c", "10", NULL);
  assert_plugin (&c, 0);
  /* No credentials: the session stops after TLS, so the certificate is still seen. */
  g_assert_nonnull (strstr (c.first_line, "TLS1.3"));
  g_assert_nonnull (strstr (c.perfdata, "'tls'="));
  g_assert_null (strstr (c.perfdata, "'auth'="));
  g_assert_null (strstr (c.perfdata, "'mail'="));
  g_assert_true (g_regex_match_simple ("'total'=[0-9.]+s;5;10;0", c.perfdata, 0, 0));
  g_assert_true (g_regex_match_simple ("'cert_days'=[0-9]+;;;0$", c.perfdata, 0, 0));
  g_assert_cmpuint (sd_test_server_get_record (server)->messages->len, ==, 0);
  check_clear (&c);
}

static void
test_ok_auth (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autofree char *pwfile = g_build_filename (config_home, "pw", NULL);
  char port[8];
  Check c;

  g_assert_true (g_file_set_contents (pwfile, "secret\n", -1, NULL));
  sd_test_server_config_init (&config);
  server = start (&config, port);
  c = check (port, "--user", "alice", "--password-file", pwfile,
             "--expect-tls-version", "TLS1.2", "--expect-auth", "PLAIN", NULL);
  assert_plugin (&c, 0);
  g_assert_nonnull (strstr (c.first_line, "AUTH PLAIN accepted"));
  g_assert_nonnull (strstr (c.perfdata, "'auth'="));
  g_assert_true (sd_test_server_get_record (server)->authenticated);
  g_assert_null (strstr (c.out, "secret"));
  check_clear (&c);
}

static void
test_critical_wrong_password (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  char port[8];
  Check c;

  sd_test_server_config_init (&config);
  server = start (&config, port);
  {
    const char *env[] = { "SD_PW=hunter2", NULL };
    c = check_env (env, port, "--user", "alice", "--password-env", "SD_PW", NULL);
  }
  assert_plugin (&c, 2);
  g_assert_nonnull (strstr (c.first_line, "failed at auth"));
  /* The long output: the failing reply and the first hint. */
  g_assert_nonnull (strstr (c.out, "\n"));
  g_assert_nonnull (strstr (c.out, "535 5.7.8"));
  g_assert_nonnull (strstr (c.out, "\nHint: "));
  g_assert_null (strstr (c.out, "hunter2"));
  check_clear (&c);
}

static void
test_critical_refused (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  char port[8];
  guint16 free_port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  Check c;

  /* A port that was ours a moment ago, now closed. */
  g_socket_listener_close (listener);
  g_snprintf (port, sizeof port, "%u", free_port);
  c = check (port, NULL);
  assert_plugin (&c, 2);
  g_assert_nonnull (strstr (c.first_line, "failed at connect"));
  check_clear (&c);
}

static void
test_critical_tls (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  char port[8];
  Check c;

  sd_test_server_config_init (&config);
  config.cert_pem = sd_test_certs_get ()->self_signed.cert_pem;
  config.key_pem = sd_test_certs_get ()->self_signed.key_pem;
  server = start (&config, port);
  c = check (port, NULL);
  assert_plugin (&c, 2);
  g_assert_nonnull (strstr (c.first_line, "failed at tls"));
  check_clear (&c);
}

/* -w and -c on the total: a threshold below any real time trips. */
static void
test_thresholds (gconstpointer data)
{
  int want = GPOINTER_TO_INT (data);
  const char *flag = want == 2 ? "-c" : "-w";
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  char port[8];
  Check c;

  sd_test_server_config_init (&config);
  server = start (&config, port);
  c = check (port, flag, want ? "0.000001" : "30", NULL);
  assert_plugin (&c, want);
  if (want == 1)
    g_assert_nonnull (strstr (c.first_line, "over the warning threshold of 0.000001 s"));
  if (want == 2)
    g_assert_true (g_regex_match_simple ("'total'=[0-9.]+s;;0.000001;0", c.perfdata, 0, 0));
  check_clear (&c);
}

/* A certificate from the test CA that ends in @days days (and an hour). */
static void
make_cert (int    days,
           char **cert_pem,
           char **key_pem)
{
  const SdTestCerts *certs = sd_test_certs_get ();
  const char *dns[] = { "localhost", NULL };
  const char *ips[] = { "127.0.0.1", NULL };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  SdCertRequest request = {
    .common_name = "localhost", .dns_names = dns, .ip_addresses = ips,
    .not_before = now - 86400, .not_after = now + days * 86400 + 3600,
    .key_type = SD_CERT_KEY_ECDSA_P256,
    .issuer_cert_pem = certs->ca.cert_pem, .issuer_key_pem = certs->ca.key_pem,
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_certificate_generate (&request, cert_pem, key_pem, &error));
  g_assert_no_error (error);
}

typedef struct {
  gboolean    implicit_tls;
  const char *flag;
  const char *days;
  int         want;
} CertCase;

static void
test_cert_days (gconstpointer data)
{
  const CertCase *cc = data;
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *expect = NULL;
  char port[8];
  Check c;

  make_cert (10, &cert, &key);
  sd_test_server_config_init (&config);
  config.cert_pem = cert;
  config.key_pem = key;
  config.implicit_tls = cc->implicit_tls;
  server = start (&config, port);
  c = check (port, "--security", cc->implicit_tls ? "tls" : "starttls",
             cc->flag, cc->days, NULL);
  assert_plugin (&c, cc->want);
  expect = g_strdup_printf ("'cert_days'=10;%s%s;%s%s;0", g_str_equal (cc->flag, "--cert-warning") ? cc->days : "",
                            g_str_equal (cc->flag, "--cert-warning") ? ":" : "",
                            g_str_equal (cc->flag, "--cert-critical") ? cc->days : "",
                            g_str_equal (cc->flag, "--cert-critical") ? ":" : "");
  g_assert_cmpstr (strstr (c.perfdata, "'cert_days'"), ==, expect);
  if (cc->want != 0)
    g_assert_nonnull (strstr (c.first_line, "certificate expires in 10 days"));
  check_clear (&c);
}

static void
test_expect_failures (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  char port[8];
  Check c;

  sd_test_server_config_init (&config);
  config.priority = "NORMAL:-VERS-TLS1.3";
  config.n_connections = 2;
  server = start (&config, port);
  c = check (port, "--expect-tls-version", "TLSv1.3", NULL);
  assert_plugin (&c, 2);
  g_assert_nonnull (strstr (c.first_line, "TLS1.2 is older than the expected TLSv1.3"));
  check_clear (&c);
  c = check (port, "--expect-auth", "NTLM", NULL);
  assert_plugin (&c, 2);
  g_assert_nonnull (strstr (c.first_line, "the server does not offer AUTH NTLM"));
  check_clear (&c);
}

static void
test_usage_unknown (void)
{
  const char *cases[][6] = {
    { "monitor", NULL },
    { "monitor", "--server", "x", "-w", "1,5", NULL },
    { "monitor", "--server", "x", "--format", "xml", NULL },
    { "monitor", "--server", "x", "--no-such-flag", NULL },
    { "monitor", "--server", "x", "-t", "0", NULL },
    { "monitor", "--profile", "nope", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Check c = run (cases[i]);
      assert_plugin (&c, 3);
      check_clear (&c);
    }
}

/* The plugin's own timeout: UNKNOWN by default, or the state after the colon. */
static void
test_plugin_timeout (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  char port[8];
  Check c;

  sd_test_server_config_init (&config);
  config.stall_on = "EHLO";
  config.n_connections = 2;
  server = start (&config, port);
  c = check (port, "-t", "1", NULL);
  assert_plugin (&c, 3);
  g_assert_nonnull (strstr (c.first_line, "plugin timed out after 1 s"));
  check_clear (&c);
  c = check (port, "--plugin-timeout", "1:critical", NULL);
  assert_plugin (&c, 2);
  check_clear (&c);
}

/* Numbers stay C-locale under a German locale, while the words are German. */
static void
test_c_locale_numbers (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  char port[8];
  Check c;

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      /* build-aux/install-deps.sh generates it; without it this test proves nothing. */
      g_test_fail_printf ("the de_DE.UTF-8 locale is not installed (locale-gen de_DE.UTF-8)");
      return;
    }
  setlocale (LC_NUMERIC, "C");
  sd_test_server_config_init (&config);
  server = start (&config, port);
  {
    const char *env[] = { "LC_ALL", "LANG=de_DE.UTF-8", "LC_NUMERIC=de_DE.UTF-8",
                          "LANGUAGE=de", NULL };
    c = check_env (env, port, "-w", "2.5", "-c", "10", NULL);
  }
  assert_plugin (&c, 0);
  g_assert_null (strchr (c.perfdata, ','));
  g_assert_true (g_regex_match_simple ("'total'=[0-9]+\\.[0-9]{6}s;2.5;10;0", c.perfdata, 0, 0));
  /* The words are translated, so the locale really was German. */
  g_assert_nonnull (strstr (c.first_line, "antwortete"));
  check_clear (&c);
}

static void
assert_promtool (const char *text)
{
  g_autofree char *promtool = g_find_program_in_path ("promtool");
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  /* Our own reading of the format: every sample line is NAME{LABELS} NUMBER. */
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && *lines[i] != '#')
      g_assert_true (g_regex_match_simple ("^smtp_doctor_[a-z_]+\\{([a-z]+=\"([^\"\\\\]|\\\\.)*\",?)+\\} -?[0-9]+(\\.[0-9]+)?$",
                                           lines[i], 0, 0));
  if (promtool == NULL)
    {
      g_test_fail_printf ("promtool not found (apt-get install prometheus)");
      return;
    }
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE |
                           G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, promtool, "check", "metrics", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, text, NULL, &err, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("promtool: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_cmpstr (err, ==, "");
}

static void
test_prometheus_and_json (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  char port[8];
  json_t *root;
  Check c;

  sd_test_server_config_init (&config);
  config.n_connections = 2;
  server = start (&config, port);
  c = check (port, "--format", "prometheus", NULL);
  g_assert_cmpint (c.status, ==, 0);
  g_assert_nonnull (strstr (c.out, "\nsmtp_doctor_up{server=\"127.0.0.1:"));
  g_assert_nonnull (strstr (c.out, "smtp_doctor_stage_seconds{server=\"127.0.0.1:"));
  g_assert_nonnull (strstr (c.out, "stage=\"tls\"} 0."));
  g_assert_nonnull (strstr (c.out, "\nsmtp_doctor_cert_expiry_timestamp_seconds{"));
  g_assert_nonnull (strstr (c.out, "version=\"TLS1.3\"} 1\n"));
  assert_promtool (c.out);
  check_clear (&c);
  c = check (port, "--format", "json", NULL);
  g_assert_cmpint (c.status, ==, 0);
  root = json_loads (c.out, 0, NULL);
  g_assert_nonnull (root);
  g_assert_true (json_is_true (json_object_get (root, "ok")));
  /* The send report: TLS was reached, no mail was sent. */
  g_assert_nonnull (json_object_get (json_object_get (root, "timings_ms"), "tls"));
  g_assert_null (json_object_get (json_object_get (root, "timings_ms"), "mail"));
  json_decref (root);
  check_clear (&c);
}

static void
save_profile (const char *name,
              const char *port)
{
  const char *args[] = { "profiles", "save", name, "--server", "127.0.0.1", "--port", port,
                         "--tls-ca", sd_test_certs_get ()->ca_file, NULL };
  Check c = run (args);

  g_assert_cmpint (c.status, ==, 0);
  check_clear (&c);
}

/* Every profile in parallel: a table, the worst state as the exit code. */
static void
test_all_profiles (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) good = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  char good_port[8], dead_port[8];
  Check c;

  sd_test_server_config_init (&config);
  config.n_connections = 2;
  good = start (&config, good_port);
  g_snprintf (dead_port, sizeof dead_port, "%u",
              g_socket_listener_add_any_inet_port (listener, NULL, NULL));
  g_socket_listener_close (listener);
  save_profile ("good relay", good_port);
  save_profile ("dead \"relay\"", dead_port);
  {
    const char *args[] = { "monitor", "--all-profiles", "--timeout", "5", NULL };
    c = run (args);
  }
  assert_plugin (&c, 2);
  g_assert_nonnull (strstr (c.first_line, "2 profiles: 1 OK, 0 WARNING, 1 CRITICAL, 0 UNKNOWN"));
  g_assert_nonnull (strstr (c.out, "\ngood relay: OK - 127.0.0.1:"));
  g_assert_nonnull (strstr (c.out, "\ndead \"relay\": CRITICAL - failed at connect"));
  check_clear (&c);
  {
    const char *args[] = { "monitor", "--all-profiles", "--format", "prometheus", NULL };
    c = run (args);
  }
  g_assert_cmpint (c.status, ==, 2);
  g_assert_nonnull (strstr (c.out, "smtp_doctor_up{profile=\"good relay\","));
  g_assert_nonnull (strstr (c.out, "smtp_doctor_up{profile=\"dead \\\"relay\\\"\","));
  assert_promtool (c.out);
  check_clear (&c);
}

int
main (int    argc,
      char **argv)
{
  static const CertCase cert_cases[] = {
    { FALSE, "--cert-warning", "30", 1 },
    { FALSE, "--cert-critical", "20", 2 },
    { FALSE, "--cert-warning", "5", 0 },
    { TRUE, "--cert-warning", "30", 1 },
    { TRUE, "--cert-critical", "11", 2 },
  };
  int status;

  g_test_init (&argc, &argv, NULL);
  config_home = g_dir_make_tmp ("sd-monitor-XXXXXX", NULL);
  g_test_add_func ("/monitor/cli/ok-no-credentials", test_ok_no_credentials);
  g_test_add_func ("/monitor/cli/ok-auth", test_ok_auth);
  g_test_add_func ("/monitor/cli/critical-wrong-password", test_critical_wrong_password);
  g_test_add_func ("/monitor/cli/critical-refused", test_critical_refused);
  g_test_add_func ("/monitor/cli/critical-tls", test_critical_tls);
  g_test_add_data_func ("/monitor/cli/threshold/none-tripped", GINT_TO_POINTER (0), test_thresholds);
  g_test_add_data_func ("/monitor/cli/threshold/warning", GINT_TO_POINTER (1), test_thresholds);
  g_test_add_data_func ("/monitor/cli/threshold/critical", GINT_TO_POINTER (2), test_thresholds);
  for (guint i = 0; i < G_N_ELEMENTS (cert_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/monitor/cli/cert-days/%s%s-%s",
                                               cert_cases[i].implicit_tls ? "tls" : "starttls",
                                               cert_cases[i].flag + 6, cert_cases[i].days);
      g_test_add_data_func (path, &cert_cases[i], test_cert_days);
    }
  g_test_add_func ("/monitor/cli/expect-failures", test_expect_failures);
  g_test_add_func ("/monitor/cli/usage-unknown", test_usage_unknown);
  g_test_add_func ("/monitor/cli/plugin-timeout", test_plugin_timeout);
  g_test_add_func ("/monitor/cli/c-locale-numbers", test_c_locale_numbers);
  g_test_add_func ("/monitor/cli/prometheus-and-json", test_prometheus_and_json);
  g_test_add_func ("/monitor/cli/all-profiles", test_all_profiles);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", config_home);
    (void) !system (cmd);
  }
  return status;
}
