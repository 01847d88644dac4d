/* sd-check-tls-versions.c: which TLS versions an endpoint takes, one handshake each
 *
 * "Will my TLS 1.0-only copier still work with this server?" Each version gets its own
 * connection offering that version alone. A version this machine cannot offer (GnuTLS
 * built without it, or the system policy) is "could not test", never "refused".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-check-private.h"
#include "sd-session.h"

static const char *const tls_versions[SD_CHECK_N_TLS_VERSIONS] = {
  "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3",
};

const char *
sd_check_tls_version_name (guint index)
{
  g_return_val_if_fail (index < SD_CHECK_N_TLS_VERSIONS, NULL);
  return tls_versions[index];
}

SdCheckTlsVerdict
_sd_check_tls_version_run (const SdCheckProbe   *probe,
                           guint                 index,
                           const SdCheckOptions *options,
                           GCancellable         *cancellable)
{
  SdSecurity security = probe->security == SD_SECURITY_TLS ? SD_SECURITY_TLS
                                                           : SD_SECURITY_STARTTLS;
  g_autoptr(SdSettings) settings = _sd_check_probe_settings (probe, options, security);
  g_autoptr(SdSession) session = NULL;
  g_autoptr(SdReport) report = NULL;

  if (!sd_tls_can_offer_version (tls_versions[index], &settings->tls_priority))
    return SD_CHECK_TLS_CANNOT_TEST;
  session = sd_session_new (settings);
  report = sd_session_run (session, cancellable, NULL, NULL);
  if (report->ok && report->tls != NULL)
    return SD_CHECK_TLS_ACCEPTED;
  /* Only a handshake that failed (an alert, or a hang-up instead of the ServerHello)
   * says "refused"; a timeout or a failure before it says nothing. */
  if (report->stage == SD_STAGE_TLS &&
      (g_error_matches (report->error, SD_SESSION_ERROR, SD_SESSION_ERROR_TLS) ||
       g_error_matches (report->error, SD_SESSION_ERROR, SD_SESSION_ERROR_PROTOCOL)))
    return SD_CHECK_TLS_REFUSED;
  return SD_CHECK_TLS_UNTESTED;
}
