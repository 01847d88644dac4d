/* test-monitor.c: check results from hand-made reports: states, thresholds, the exact
 * perfdata, certificate days, sanitized output, C-locale numbers, Prometheus escaping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "sd-monitor.h"
#include "sd-session.h"

#define NOW G_GINT64_CONSTANT (1800000000)

static char *
iso (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* A session that reached TLS: connect 1.5 s, ehlo 0.5 s; the leaf ends at @not_after
 * (0: no TLS). */
static SdReport *
report_new (gint64 not_after)
{
  SdReport *report = sd_report_new ();

  report->ok = TRUE;
  report->stage = SD_STAGE_QUIT;
  report->host = g_strdup ("mail.example.test");
  report->port = 587;
  report->security = g_strdup ("starttls");
  report->timings_us[SD_STAGE_CONNECT] = 1500000;
  report->timings_us[SD_STAGE_EHLO] = 500000;
  if (not_after != 0)
    {
      SdCertInfo *leaf = g_new0 (SdCertInfo, 1);

      leaf->not_after = iso (not_after);
      report->tls = g_new0 (SdTlsInfo, 1);
      report->tls->version = g_strdup ("TLS1.2");
      report->tls->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_cert_info_free);
      g_ptr_array_add (report->tls->chain, leaf);
    }
  return report;
}

static SdMonitorResult *
evaluate (const SdReport *report,
          double          warning_s,
          double          critical_s)
{
  SdMonitorThresholds t;

  sd_monitor_thresholds_init (&t);
  t.warning_s = warning_s;
  t.critical_s = critical_s;
  return sd_monitor_evaluate (report, NULL, &t, NULL, NOW);
}

static void
test_states (void)
{
  g_assert_cmpint (sd_monitor_state_worst (SD_MONITOR_OK, SD_MONITOR_WARNING), ==, SD_MONITOR_WARNING);
  g_assert_cmpint (sd_monitor_state_worst (SD_MONITOR_UNKNOWN, SD_MONITOR_CRITICAL), ==, SD_MONITOR_CRITICAL);
  g_assert_cmpint (sd_monitor_state_worst (SD_MONITOR_UNKNOWN, SD_MONITOR_WARNING), ==, SD_MONITOR_UNKNOWN);
  g_assert_cmpstr (sd_monitor_state_to_string (SD_MONITOR_CRITICAL), ==, "CRITICAL");
  g_assert_cmpint (sd_monitor_parse_tls_version ("TLS1.2"), ==, 12);
  g_assert_cmpint (sd_monitor_parse_tls_version ("tlsv1.3"), ==, 13);
  g_assert_cmpint (sd_monitor_parse_tls_version ("1.0"), ==, 10);
  g_assert_cmpint (sd_monitor_parse_tls_version ("1.4"), ==, -1);
  g_assert_cmpint (sd_monitor_parse_tls_version ("SSL3.0"), ==, -1);
  g_assert_cmpint (sd_monitor_parse_tls_version (NULL), ==, -1);
}

static void
test_time_thresholds (void)
{
  g_autoptr(SdReport) report = report_new (0);
  struct { double w, c; SdMonitorState want; const char *total; } cases[] = {
    { 0, 0, SD_MONITOR_OK, "'total'=2.000000s;;;0" },
    { 3, 5, SD_MONITOR_OK, "'total'=2.000000s;3;5;0" },
    { 1, 5, SD_MONITOR_WARNING, "'total'=2.000000s;1;5;0" },
    { 1, 1.5, SD_MONITOR_CRITICAL, "'total'=2.000000s;1;1.5;0" },
    { 0, 0.25, SD_MONITOR_CRITICAL, "'total'=2.000000s;;0.25;0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdMonitorResult) r = evaluate (report, cases[i].w, cases[i].c);
      g_autofree char *perf = g_strconcat ("'connect'=1.500000s;;;0 'ehlo'=0.500000s;;;0 ",
                                           cases[i].total, NULL);
      g_assert_cmpint (r->state, ==, cases[i].want);
      g_assert_cmpstr (r->perfdata, ==, perf);
      g_assert_null (r->long_output);
    }
}

static void
test_cert_days (void)
{
  struct { gint64 left; int warn, crit; int days; SdMonitorState want; const char *perf; } cases[] = {
    { 10 * 86400 + 3600, 30, 14, 10, SD_MONITOR_CRITICAL, "'cert_days'=10;30:;14:;0" },
    { 10 * 86400 + 3600, 30, 5, 10, SD_MONITOR_WARNING, "'cert_days'=10;30:;5:;0" },
    { 10 * 86400 + 3600, 10, -1, 10, SD_MONITOR_OK, "'cert_days'=10;10:;;0" },
    { -86400 - 43200, -1, 0, -2, SD_MONITOR_CRITICAL, "'cert_days'=-2;;0:;0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdReport) report = report_new (NOW + cases[i].left);
      g_autoptr(SdMonitorResult) r = NULL;
      SdMonitorThresholds t;

      sd_monitor_thresholds_init (&t);
      t.cert_warning_days = cases[i].warn;
      t.cert_critical_days = cases[i].crit;
      r = sd_monitor_evaluate (report, NULL, &t, NULL, NOW);
      g_assert_cmpint (r->cert_days, ==, cases[i].days);
      g_assert_cmpint (r->state, ==, cases[i].want);
      g_assert_true (g_str_has_suffix (r->perfdata, cases[i].perf));
      g_assert_cmpint (r->cert_not_after, ==, NOW + cases[i].left);
    }
}

static void
test_expectations (void)
{
  g_autoptr(SdReport) report = report_new (NOW + 86400 * 90);
  g_autoptr(SdReport) plain = report_new (0);
  g_autoptr(SdMonitorResult) older = NULL;
  g_autoptr(SdMonitorResult) none = NULL;
  g_autoptr(SdMonitorResult) no_cert = NULL;
  SdMonitorThresholds t;

  sd_monitor_thresholds_init (&t);
  t.expect_tls_version = g_strdup ("TLS1.3");
  older = sd_monitor_evaluate (report, NULL, &t, NULL, NOW);
  g_assert_cmpint (older->state, ==, SD_MONITOR_CRITICAL);
  g_assert_nonnull (strstr (older->summary, "TLS1.2 is older than the expected TLS1.3"));
  none = sd_monitor_evaluate (plain, NULL, &t, NULL, NOW);
  g_assert_cmpint (none->state, ==, SD_MONITOR_CRITICAL);
  g_assert_nonnull (strstr (none->summary, "no TLS (expected TLS1.3 or newer)"));
  sd_monitor_thresholds_clear (&t);
  t.cert_warning_days = 10;
  no_cert = sd_monitor_evaluate (plain, NULL, &t, NULL, NOW);
  g_assert_cmpint (no_cert->state, ==, SD_MONITOR_CRITICAL);
}

static void
test_failure (gconstpointer data)
{
  int code = GPOINTER_TO_INT (data);
  g_autoptr(SdReport) report = report_new (0);
  g_autoptr(GPtrArray) hints = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_free);
  g_autoptr(SdMonitorResult) r = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  SdHint *hint = g_new0 (SdHint, 1);

  hint->title = g_strdup ("The relay refuses you");
  g_ptr_array_add (hints, hint);
  report->ok = FALSE;
  report->stage = SD_STAGE_EHLO;
  report->error = g_error_new (SD_SESSION_ERROR, code, "refused | by; server\nsecond line");
  g_ptr_array_add (report->events, sd_event_new (10, SD_STAGE_CONNECT, SD_DIRECTION_INFO, FALSE, "Connected"));
  g_ptr_array_add (report->events, sd_event_new (20, SD_STAGE_EHLO, SD_DIRECTION_RECEIVED, FALSE, "554 5.7.1 no|pe"));
  r = sd_monitor_evaluate (report, hints, &(SdMonitorThresholds) { .cert_warning_days = -1, .cert_critical_days = -1 },
                           "p", NOW);
  g_assert_cmpint (r->state, ==, code == SD_SESSION_ERROR_INVALID_INPUT ? SD_MONITOR_UNKNOWN
                                                                        : SD_MONITOR_CRITICAL);
  g_assert_false (r->up);
  /* One line, no "|" (the perfdata separator), no ";" (Nagios' field separator). */
  g_assert_null (strpbrk (r->summary, "|;\n"));
  g_assert_true (g_str_has_prefix (r->summary, "failed at ehlo: refused / by, server"));
  g_assert_nonnull (r->long_output);
  g_assert_null (strstr (r->long_output, "Connected"));
  g_assert_nonnull (strstr (r->long_output, "<- 554 5.7.1 no/pe"));
  g_assert_true (g_str_has_suffix (r->long_output, "\nHint: The relay refuses you"));
  out = sd_monitor_result_to_plugin_output (r);
  expected = g_strdup_printf ("SMTP %s - %s|%s\n%s\n", sd_monitor_state_to_string (r->state),
                              r->summary, r->perfdata, r->long_output);
  g_assert_cmpstr (out, ==, expected);
}

/* Perfdata and samples are C-locale even when LC_NUMERIC says otherwise. */
static void
test_c_locale (void)
{
  g_autoptr(SdReport) report = report_new (NOW + 86400);
  g_autoptr(SdMonitorResult) r = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new ();
  g_autofree char *prom = NULL;

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("de_DE.UTF-8 not installed (the CLI test requires it)");
      return;
    }
  r = evaluate (report, 1.25, 2.5);
  g_ptr_array_add (results, r);
  prom = sd_monitor_results_to_prometheus (results);
  setlocale (LC_NUMERIC, "C");
  g_assert_null (strchr (r->perfdata, ','));
  g_assert_nonnull (strstr (r->perfdata, "'total'=2.000000s;1.25;2.5;0"));
  g_assert_false (g_regex_match_simple ("[0-9],[0-9]", prom, 0, 0));
  g_assert_nonnull (strstr (prom, "stage=\"connect\"} 1.500000\n"));
}

static void
test_prometheus (void)
{
  g_autoptr(SdReport) report = report_new (NOW + 86400);
  g_autoptr(SdReport) plain = report_new (0);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_monitor_result_free);
  g_autofree char *text = NULL;
  SdMonitorThresholds t;

  sd_monitor_thresholds_init (&t);
  g_ptr_array_add (results, sd_monitor_evaluate (report, NULL, &t, "a \"b\" \\c\nd", NOW));
  g_ptr_array_add (results, sd_monitor_evaluate (plain, NULL, &t, "plain", NOW));
  g_ptr_array_add (results, sd_monitor_result_new_state (SD_MONITOR_UNKNOWN, "usage", "never ran"));
  text = sd_monitor_results_to_prometheus (results);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "smtp_doctor_up{profile=\"a \\\"b\\\" \\\\c\\nd\",server=\"mail.example.test:587\",security=\"starttls\"} 1\n"));
  g_assert_nonnull (strstr (text, "smtp_doctor_tls_version_info{profile=\"a \\\"b\\\" \\\\c\\nd\",server=\"mail.example.test:587\",security=\"starttls\",version=\"TLS1.2\"} 1\n"));
  g_assert_null (strstr (text, "smtp_doctor_cert_expiry_timestamp_seconds{profile=\"plain\""));
  g_assert_null (strstr (text, "never ran"));
  /* Each family once. */
  g_assert_true (strstr (text, "# TYPE smtp_doctor_up gauge") == g_strrstr (text, "# TYPE smtp_doctor_up gauge"));
  g_assert_nonnull (strstr (text, "smtp_doctor_stage_seconds{profile=\"plain\",server=\"mail.example.test:587\",security=\"starttls\",stage=\"ehlo\"} 0.500000\n"));
  g_assert_nonnull (strstr (text, "smtp_doctor_cert_expiry_timestamp_seconds{profile=\"a"));
}

/* The command a monitoring engine runs: every setting it needs, quoted for sh, the
 * password from a file and never on the line. */
static void
test_command_line (void)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  g_autofree char *line = NULL;
  g_autofree char *token_line = NULL;
  g_auto(GStrv) argv = NULL;

  settings->host = g_strdup ("smtp.example.com");
  settings->port = 587;
  settings->security = SD_SECURITY_STARTTLS;
  settings->tls_verify = SD_TLS_PIN;
  settings->tls_pin = g_strdup ("ab12");
  g_free (settings->auth);
  settings->auth = g_strdup ("login");
  settings->user = g_strdup ("scan user's box");
  settings->password = g_strdup ("hunter2");
  line = sd_monitor_command_line (settings, "/etc/smtp-doctor/scanner.password");

  g_assert_true (g_str_has_prefix (line, "smtp-doctor-cli monitor --server smtp.example.com "
                                         "--port 587 --security starttls"));
  g_assert_null (strstr (line, "hunter2"));
  g_assert_true (g_shell_parse_argv (line, NULL, &argv, NULL));
  g_assert_true (g_strv_contains ((const char * const *) argv, "scan user's box"));
  g_assert_true (g_strv_contains ((const char * const *) argv, "pin:ab12"));
  g_assert_true (g_strv_contains ((const char * const *) argv,
                                  "/etc/smtp-doctor/scanner.password"));
  g_assert_true (g_strv_contains ((const char * const *) argv, "--password-file"));

  /* A token mechanism has no password to read. */
  g_free (settings->auth);
  settings->auth = g_strdup ("xoauth2");
  token_line = sd_monitor_command_line (settings, "/etc/x");
  g_assert_null (strstr (token_line, "--password-file"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/monitor/states", test_states);
  g_test_add_func ("/monitor/time-thresholds", test_time_thresholds);
  g_test_add_func ("/monitor/cert-days", test_cert_days);
  g_test_add_func ("/monitor/expectations", test_expectations);
  g_test_add_data_func ("/monitor/failure/connect", GINT_TO_POINTER (SD_SESSION_ERROR_CONNECT), test_failure);
  g_test_add_data_func ("/monitor/failure/invalid-input", GINT_TO_POINTER (SD_SESSION_ERROR_INVALID_INPUT), test_failure);
  g_test_add_func ("/monitor/c-locale", test_c_locale);
  g_test_add_func ("/monitor/prometheus", test_prometheus);
  g_test_add_func ("/monitor/command-line", test_command_line);
  return g_test_run ();
}
