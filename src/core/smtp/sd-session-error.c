/* sd-session-error.c: the session's error domain, its names and exit codes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-session-error.h"

G_DEFINE_QUARK (sd-session-error-quark, sd_session_error)


static const struct {
  const char *name;
  int         exit_code;
} error_codes[] = {
  [SD_SESSION_ERROR_INVALID_INPUT] = { "invalid-input", 1 },
  [SD_SESSION_ERROR_RESOLVE]       = { "resolve", 2 },
  [SD_SESSION_ERROR_CONNECT]       = { "connect", 2 },
  [SD_SESSION_ERROR_TLS]           = { "tls", 3 },
  [SD_SESSION_ERROR_AUTH]          = { "auth", 4 },
  [SD_SESSION_ERROR_REJECTED]      = { "rejected", 5 },
  [SD_SESSION_ERROR_TIMEOUT]       = { "timeout", 6 },
  [SD_SESSION_ERROR_PROTOCOL]      = { "protocol", 7 },
  [SD_SESSION_ERROR_CANCELLED]     = { "cancelled", 8 },
  [SD_SESSION_ERROR_INTERNAL]      = { "internal", 8 },
};

int
sd_session_error_exit_code (const GError *error)
{
  if (error == NULL)
    return 0;
  if (error->domain != SD_SESSION_ERROR || error->code < 0 ||
      (gsize) error->code >= G_N_ELEMENTS (error_codes))
    return 8;
  return error_codes[error->code].exit_code;
}

const char *
sd_session_error_name (const GError *error)
{
  if (error == NULL || error->domain != SD_SESSION_ERROR || error->code < 0 ||
      (gsize) error->code >= G_N_ELEMENTS (error_codes))
    return "internal";
  return error_codes[error->code].name;
}

