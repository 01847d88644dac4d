/* sd-session-error.h: how a session failed, as an error domain with names and exit codes
 *
 * Its own header so that whoever reads a report's error (the hints engine, the JSON
 * rendering, settings validation) needs nothing else of the session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SD_SESSION_ERROR (sd_session_error_quark ())
GQuark sd_session_error_quark (void);

/* Each maps to one CLI exit code (see sd_session_error_exit_code()). */
typedef enum {
  SD_SESSION_ERROR_INVALID_INPUT,    /* 1 */
  SD_SESSION_ERROR_RESOLVE,          /* 2 */
  SD_SESSION_ERROR_CONNECT,          /* 2 */
  SD_SESSION_ERROR_TLS,              /* 3: STARTTLS missing or refused, handshake, certificate */
  SD_SESSION_ERROR_AUTH,             /* 4: refused, or no usable mechanism */
  SD_SESSION_ERROR_REJECTED,         /* 5: MAIL, RCPT or DATA refused; greeting refused */
  SD_SESSION_ERROR_TIMEOUT,          /* 6 */
  SD_SESSION_ERROR_PROTOCOL,         /* 7: malformed reply, injection, unexpected close */
  SD_SESSION_ERROR_CANCELLED,        /* 8 */
  SD_SESSION_ERROR_INTERNAL,         /* 8 */
} SdSessionError;

int         sd_session_error_exit_code (const GError *error);
/* "invalid-input", "resolve", ..., for JSON (the error's own code when not ours) */
const char *sd_session_error_name      (const GError *error);

G_END_DECLS
