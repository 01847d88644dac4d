/* sd-test-scenario.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-hints.h"
#include "sd-test-certs.h"
#include "sd-test-scenario.h"

void
sd_test_scenario_setup (SdTestScenario *s,
                        gconstpointer   data)
{
  sd_test_server_config_init (&s->config);
}

void
sd_test_scenario_teardown (SdTestScenario *s,
                           gconstpointer   data)
{
  g_clear_pointer (&s->report, sd_report_free);
  g_clear_pointer (&s->settings, sd_settings_free);
  g_clear_pointer (&s->server, sd_test_server_free);
}

SdSettings *
sd_test_scenario_start (SdTestScenario *s,
                        SdSecurity      security)
{
  g_autoptr(GError) error = NULL;
  SdSettings *settings;

  s->server = sd_test_server_new (&s->config, &error);
  g_assert_no_error (error);

  settings = s->settings = sd_settings_new ();
  settings->host = g_strdup ("127.0.0.1");
  settings->port = sd_test_server_get_port (s->server);
  settings->security = security;
  settings->tls_verify = SD_TLS_VERIFY;
  settings->tls_ca_file = g_strdup (sd_test_certs_get ()->ca_file);
  settings->timeout_s = 5;
  return settings;
}

void
sd_test_scenario_run (SdTestScenario *s)
{
  g_autoptr(SdSession) session = sd_session_new (s->settings);
  g_autofree char *text = NULL;
  gint64 start = g_get_monotonic_time ();

  s->report = sd_session_run (session, NULL, NULL, NULL);
  s->elapsed_us = g_get_monotonic_time () - start;
  g_assert_nonnull (s->report);
  /* What the CLI and the window do next: the tests see a diagnosed report. */
  g_ptr_array_extend_and_steal (s->report->hints, sd_diagnose_report (s->report));
  s->record = sd_test_server_get_record (s->server);

  /* Both sides of the conversation, for when an assertion fails. */
  text = sd_report_to_text (s->report, s->report->hints);
  g_test_message ("client report:\n%s", text);
  g_test_message ("server transcript:\n%s", s->record->transcript->str);
}
