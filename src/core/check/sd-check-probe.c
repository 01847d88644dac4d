/* sd-check-probe.c: one port of one server, tried the way a client would
 *
 * A probe is an SdSession that stops after TLS (or EHLO when there is none) and never
 * authenticates or sends mail, so its report carries the banner, EHLO before and after
 * STARTTLS, TLS facts, stage times and the transcript. Its failure is then put in one
 * word; when the word suggests the other kind of port (no greeting where STARTTLS was
 * expected; a failed handshake where implicit TLS was), the other kind is tried.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-check-private.h"
#include "sd-session.h"

SdCheckProbe *
_sd_check_probe_new (const char        *host,
                     const char        *address,
                     const SdCheckPort *port)
{
  SdCheckProbe *probe = g_new0 (SdCheckProbe, 1);

  probe->host = g_strdup (host);
  probe->address = g_strdup (address);
  probe->port = port->port;
  probe->security = port->security;
  probe->outcome = SD_CHECK_OUTCOME_ERROR;
  probe->greeting_us = -1;
  return probe;
}

void
_sd_check_probe_free (SdCheckProbe *probe)
{
  if (probe == NULL)
    return;
  g_free (probe->host);
  g_free (probe->address);
  g_free (probe->detail);
  g_clear_pointer (&probe->report, sd_report_free);
  g_free (probe);
}

SdSettings *
_sd_check_probe_settings (const SdCheckProbe   *probe,
                          const SdCheckOptions *options,
                          SdSecurity            security)
{
  SdSettings *settings = sd_settings_new ();

  settings->host = g_strdup (probe->host);
  settings->connect_address = g_strdup (probe->address);
  settings->port = probe->port;
  settings->security = security;
  /* The verdict is recorded either way; a probe goes on to see what is behind it. */
  settings->tls_verify = SD_TLS_ACCEPT_ANY;
  settings->tls_ca_file = g_strdup (options->tls_ca_file);
  g_free (settings->auth);
  settings->auth = g_strdup ("none");
  settings->ehlo_name = g_strdup (options->ehlo_name);
  settings->has_quit_after = TRUE;
  settings->quit_after = SD_STAGE_TLS;
  settings->timeout_s = options->timeout_s;
  return settings;
}

gboolean
_sd_check_probe_has_tls (const SdCheckProbe *probe)
{
  return probe->report != NULL && probe->report->tls != NULL &&
         (probe->outcome == SD_CHECK_OUTCOME_OK || probe->outcome == SD_CHECK_OUTCOME_TLS_AT_ONCE);
}

static SdCheckOutcome
sd_probe_classify_timeout (const SdReport *report)
{
  if (report->stage == SD_STAGE_CONNECT)
    return SD_CHECK_OUTCOME_TIMEOUT;
  if (report->stage == SD_STAGE_GREETING)
    return SD_CHECK_OUTCOME_NO_GREETING;
  if (report->stage == SD_STAGE_TLS)
    return SD_CHECK_OUTCOME_TLS_FAILED;
  return SD_CHECK_OUTCOME_ERROR;
}

static SdCheckOutcome
sd_probe_classify (const SdReport *report)
{
  const GError *error = report->error;

  if (report->ok)
    return SD_CHECK_OUTCOME_OK;
  if (error == NULL || error->domain != SD_SESSION_ERROR)
    return SD_CHECK_OUTCOME_ERROR;
  if (report->stage == SD_STAGE_EHLO && report->reply != NULL && report->reply->code >= 500)
    return SD_CHECK_OUTCOME_EHLO_REFUSED;

  switch (error->code)
    {
    case SD_SESSION_ERROR_CONNECT:
      if (report->connect_error == G_IO_ERROR_CONNECTION_REFUSED)
        return SD_CHECK_OUTCOME_REFUSED;
      if (report->connect_error == G_IO_ERROR_TIMED_OUT)
        return SD_CHECK_OUTCOME_TIMEOUT;
      return SD_CHECK_OUTCOME_ERROR;
    case SD_SESSION_ERROR_TIMEOUT:
      return sd_probe_classify_timeout (report);
    case SD_SESSION_ERROR_TLS:
      return report->stage == SD_STAGE_STARTTLS ? SD_CHECK_OUTCOME_STARTTLS_REFUSED
                                                : SD_CHECK_OUTCOME_TLS_FAILED;
    case SD_SESSION_ERROR_REJECTED:
      return report->stage == SD_STAGE_GREETING ? SD_CHECK_OUTCOME_REJECTED
                                                : SD_CHECK_OUTCOME_EHLO_REFUSED;
    case SD_SESSION_ERROR_PROTOCOL:
      if (report->stage == SD_STAGE_TLS)
        return SD_CHECK_OUTCOME_TLS_FAILED;
      return report->closed_by_server ? SD_CHECK_OUTCOME_CLOSED : SD_CHECK_OUTCOME_ERROR;
    default:
      return SD_CHECK_OUTCOME_ERROR;
    }
}

static SdReport *
sd_probe_session (const SdCheckProbe   *probe,
                  const SdCheckOptions *options,
                  SdSecurity            security,
                  GCancellable         *cancellable)
{
  g_autoptr(SdSettings) settings = _sd_check_probe_settings (probe, options, security);
  g_autoptr(SdSession) session = sd_session_new (settings);

  return sd_session_run (session, cancellable, NULL, NULL);
}

static void
sd_probe_take (SdCheckProbe *probe,
               SdReport     *report)
{
  g_clear_pointer (&probe->report, sd_report_free);
  probe->report = report;
  probe->outcome = sd_probe_classify (report);
  g_clear_pointer (&probe->detail, g_free);
  if (report->error != NULL)
    probe->detail = g_strdup (report->error->message);
  probe->greeting_us = report->banner != NULL ? report->timings_us[SD_STAGE_GREETING] : -1;
}

void
_sd_check_probe_run (SdCheckProbe         *probe,
                     const SdCheckOptions *options,
                     GCancellable         *cancellable)
{
  SdReport *other;

  sd_probe_take (probe, sd_probe_session (probe, options, probe->security, cancellable));
  if (g_cancellable_is_cancelled (cancellable))
    return;

  /* Silence after connecting, where a greeting was due: a client that starts with a
   * ClientHello may be what this port waits for (implicit TLS on 587, say). */
  if (probe->security != SD_SECURITY_TLS && probe->outcome == SD_CHECK_OUTCOME_NO_GREETING)
    {
      other = sd_probe_session (probe, options, SD_SECURITY_TLS, cancellable);
      if (other->banner != NULL && other->tls != NULL)
        {
          sd_probe_take (probe, other);
          probe->outcome = SD_CHECK_OUTCOME_TLS_AT_ONCE;
          probe->security = SD_SECURITY_TLS;
        }
      else
        sd_report_free (other);
    }
  /* A handshake that failed where implicit TLS was expected: a plain greeting? */
  else if (probe->security == SD_SECURITY_TLS && probe->outcome == SD_CHECK_OUTCOME_TLS_FAILED &&
           probe->report->stage == SD_STAGE_TLS && probe->report->banner == NULL)
    {
      other = sd_probe_session (probe, options, SD_SECURITY_STARTTLS_OPTIONAL, cancellable);
      if (other->banner != NULL)
        {
          sd_probe_take (probe, other);
          probe->outcome = SD_CHECK_OUTCOME_PLAIN_ON_TLS;
          probe->security = SD_SECURITY_STARTTLS_OPTIONAL;
        }
      else
        sd_report_free (other);
    }
}
