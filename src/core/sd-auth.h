/* sd-auth.h: client side of the SASL mechanisms, one small module each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-capabilities.h"

G_BEGIN_DECLS

#define SD_AUTH_ERROR (sd_auth_error_quark ())
GQuark sd_auth_error_quark (void);

typedef enum {
  SD_AUTH_ERROR_UNSUPPORTED,   /* we don't implement that mechanism */
  SD_AUTH_ERROR_BAD_CHALLENGE, /* a 334 challenge we can't use (empty, too long, wrong step) */
} SdAuthError;

typedef struct _SdAuth SdAuth;

/* @mechanism: "PLAIN", "LOGIN" or "CRAM-MD5" (case-insensitive). Copies the credentials
 * and wipes its copies in sd_auth_free(). */
SdAuth     *sd_auth_new                 (const char  *mechanism,
                                         const char  *user,
                                         const char  *password,
                                         GError     **error);
void        sd_auth_free                (SdAuth      *self);
/* Upper case: "CRAM-MD5". */
const char *sd_auth_get_mechanism       (SdAuth      *self);
/* The raw initial response (not base64) for "AUTH PLAIN <ir>", or NULL when the mechanism
 * has none (LOGIN, CRAM-MD5). @shown receives what a transcript may show instead, e.g.
 * "user \"bob\", password hidden" (transfer full). The GBytes wipes itself when freed. */
GBytes     *sd_auth_initial_response    (SdAuth      *self,
                                         char       **shown);
/* Answers a 334 challenge, already base64-decoded (may be empty). Returns the raw response
 * (not base64); @shown as above. */
GBytes     *sd_auth_step                (SdAuth      *self,
                                         GBytes      *challenge,
                                         char       **shown,
                                         GError     **error);

/* Whether the mechanism needs the password in a reversible form on the wire. */
gboolean    sd_auth_mechanism_is_plaintext (const char *mechanism);
/* Whether we implement @mechanism. */
gboolean    sd_auth_mechanism_is_supported (const char *mechanism);

/* For --auth auto: the best mechanism in @caps that we implement, or NULL. @reason gets
 * one sentence for the transcript saying why (transfer full). With @tls_active, PLAIN is
 * preferred (one round trip, everything is encrypted); without, CRAM-MD5 (the password
 * never crosses the wire). */
const char *sd_auth_pick                (const SdCapabilities *caps,
                                         gboolean              tls_active,
                                         char                **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdAuth, sd_auth_free)

G_END_DECLS
