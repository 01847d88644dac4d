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
  SD_AUTH_ERROR_GSS,           /* Kerberos (GSS-API or SSPI) said no */
} SdAuthError;

typedef struct _SdAuth SdAuth;

/* What a mechanism authenticates with. */
typedef enum {
  SD_AUTH_CREDENTIAL_PASSWORD,
  SD_AUTH_CREDENTIAL_TOKEN,      /* an OAuth 2 access token */
  SD_AUTH_CREDENTIAL_SYSTEM,     /* GSSAPI: the sign-in the system holds (a Kerberos
                                  * ticket cache, the Windows logon), or a password to
                                  * get a ticket with; user and secret may be NULL */
} SdAuthCredential;

/* Which secrets the user gave, for sd_auth_pick_full(). */
typedef enum {
  SD_AUTH_HAVE_PASSWORD = 1 << 0,
  SD_AUTH_HAVE_TOKEN    = 1 << 1,
} SdAuthHave;

/* @mechanism: "PLAIN", "LOGIN", "CRAM-MD5", "NTLM", "XOAUTH2", "OAUTHBEARER" or, when
 * built with Kerberos, "GSSAPI" (case-insensitive). @secret is the password, or the
 * access token for the OAuth mechanisms (sd_auth_mechanism_get_credential()). For NTLM
 * @user may be "DOMAIN\user" or "user@domain". For GSSAPI both may be NULL (the ticket
 * cache). Copies the credentials and wipes its copies in sd_auth_free(). */
SdAuth     *sd_auth_new                 (const char  *mechanism,
                                         const char  *user,
                                         const char  *secret,
                                         GError     **error);
void        sd_auth_free                (SdAuth      *self);
/* Work before AUTH is sent, against @host as the user typed it (GSSAPI: find or get a
 * ticket, then a service ticket for smtp@host). FALSE: do not send AUTH;
 * sd_auth_get_fact() may say why for the hints. Mechanisms without such work: TRUE. */
gboolean    sd_auth_start               (SdAuth      *self,
                                         const char  *host,
                                         GError     **error);
/* Lines for the transcript gathered since the last call (who the ticket is for, its
 * lifetime), never secrets; NULL when none (transfer full). */
GPtrArray  *sd_auth_take_notes          (SdAuth      *self);
/* A hints fact for the last failure ("gssapi-spn-unknown", …), or NULL. */
const char *sd_auth_get_fact            (SdAuth      *self);
/* The user name given, or for GSSAPI without one the ticket's client name once
 * sd_auth_start() found it; NULL before. */
const char *sd_auth_get_user            (SdAuth      *self);
/* Upper case: "CRAM-MD5". */
const char *sd_auth_get_mechanism       (SdAuth      *self);
/* The raw initial response (not base64) for "AUTH PLAIN <ir>", or NULL when the mechanism
 * has none (LOGIN, CRAM-MD5). @shown receives what a transcript may show instead, e.g.
 * "user \"bob\", password hidden" (transfer full). The GBytes wipes itself when freed. */
GBytes     *sd_auth_initial_response    (SdAuth      *self,
                                         char       **shown);
/* Call when the initial response did not go with AUTH after all (the line would have
 * been too long): the mechanism then sends it on the first empty 334. */
void        sd_auth_initial_response_dropped (SdAuth *self);
/* What a decoded 334 challenge means, for the transcript: the NTLM type 2 facts, or the
 * OAuth error; NULL when it is plain text to show as is (transfer full). */
char       *sd_auth_describe_challenge  (SdAuth      *self,
                                         GBytes      *challenge);
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
/* The secret @mechanism needs (PASSWORD for unknown names). */
SdAuthCredential sd_auth_mechanism_get_credential (const char *mechanism);

/* The fields of an OAuth error challenge ({"status":..,"scope":..,"schemes":..}, RFC
 * 7628 3.2.2); FALSE when @challenge is not such a JSON object. */
gboolean    sd_auth_oauth_error_parse   (GBytes      *challenge,
                                         char       **status,
                                         char       **scope,
                                         char       **schemes);
/* "OAuth error from the server: status "401" (what it means), ..." (transfer full). */
char       *sd_auth_oauth_error_describe (const char *status,
                                          const char *scope,
                                          const char *schemes);

/* For --auth auto: the best mechanism in @caps that we implement, or NULL. @reason gets
 * one sentence for the transcript saying why (transfer full). With @tls_active, PLAIN is
 * preferred (one round trip, everything is encrypted); without, CRAM-MD5 (the password
 * never crosses the wire). */
const char *sd_auth_pick                (const SdCapabilities *caps,
                                         gboolean              tls_active,
                                         char                **reason);
/* The same, knowing which secrets were given: with a token, XOAUTH2 then OAUTHBEARER
 * come first; with a password, NTLM is the last resort (Exchange offering only
 * NTLM/GSSAPI) but for GSSAPI with a ticket from that password; mechanisms whose secret
 * is missing are skipped. The system's own sign-in is never picked: only asked for. */
const char *sd_auth_pick_full           (const SdCapabilities *caps,
                                         gboolean              tls_active,
                                         SdAuthHave            have,
                                         char                **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdAuth, sd_auth_free)

G_END_DECLS
