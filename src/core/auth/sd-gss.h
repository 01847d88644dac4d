/* sd-gss.h: the Kerberos security context under AUTH GSSAPI, one backend per system
 *
 * MIT krb5's GSS-API (sd-gss-krb5.c) on Linux, SSPI (sd-gss-sspi.c) on Windows. The SASL
 * part of RFC 4752 (the security-layer negotiation) is sd-auth-gssapi.c, once for both.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#if defined(HAVE_GSSAPI) || defined(G_OS_WIN32)
#define SD_HAVE_GSS 1
#endif

typedef struct _SdGss SdGss;

/* Hints facts for what went wrong (data/hints/rules/gssapi.json). */
#define SD_GSS_FACT_SPN_UNKNOWN    "gssapi-spn-unknown"
#define SD_GSS_FACT_CLOCK_SKEW     "gssapi-clock-skew"
#define SD_GSS_FACT_NO_CREDENTIALS "gssapi-no-credentials"
#define SD_GSS_FACT_REALM_UNKNOWN  "gssapi-realm-unknown"
#define SD_GSS_FACT_BAD_PASSWORD   "gssapi-bad-password"
#define SD_GSS_FACT_USER_UNKNOWN   "gssapi-user-unknown"
#define SD_GSS_FACT_EXPIRED        "gssapi-ticket-expired"
#define SD_GSS_FACT_OTHER          "gssapi-error"

/* Gets credentials: with @password a new ticket for @user (kinit-like); without, what
 * the system holds (the ticket cache, the Windows sign-in), for @user when given. Says
 * who and until when in @notes (element-type utf8). @fact: a hints fact on failure. */
SdGss   *sd_gss_new    (const char   *user,
                        const char   *password,
                        const char   *host,
                        GPtrArray    *notes,
                        const char  **fact,
                        GError      **error);
/* One step of the security context: @input is the server's token (NULL first). Returns
 * the token to send (maybe empty); *@complete once the context is up (then @notes say
 * what ticket was used). */
GBytes  *sd_gss_step   (SdGss        *self,
                        GBytes       *input,
                        gboolean     *complete,
                        GPtrArray    *notes,
                        const char  **fact,
                        GError      **error);
/* Integrity-protected, not encrypted: the RFC 4752 security-layer messages. */
GBytes  *sd_gss_unwrap (SdGss        *self,
                        GBytes       *message,
                        GError      **error);
GBytes  *sd_gss_wrap   (SdGss        *self,
                        GBytes       *message,
                        GError      **error);
/* The client principal ("alice@EXAMPLE.COM"), once known, else NULL. */
const char *sd_gss_get_client (SdGss *self);
void     sd_gss_free   (SdGss        *self);

#ifdef HAVE_GSSAPI
/* MIT's own words for a GSS major/minor status pair, also for the built-in server
 * (transfer full). */
char    *_sd_gss_status_text (guint32 major,
                              guint32 minor);
#endif

/* For the backends (sd-auth-gssapi.c), so both say the same: "WHAT failed: what
 * @fact means (Kerberos: LIBRARY_TEXT)". */
void     _sd_gss_set_error    (GError     **error,
                               const char  *what,
                               const char  *fact,
                               const char  *library_text);
/* Who the ticket is for and how long it lasts (G_MAXUINT32: no limit). */
void     _sd_gss_note_client  (GPtrArray   *notes,
                               const char  *client,
                               gboolean     from_password,
                               guint32      seconds_left);
/* The service ticket the context was made with. */
void     _sd_gss_note_context (GPtrArray   *notes,
                               const char  *service,
                               guint32      seconds_left,
                               gboolean     mutual);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdGss, sd_gss_free)

G_END_DECLS
