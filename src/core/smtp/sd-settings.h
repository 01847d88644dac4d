/* sd-settings.h: everything one session needs, settled before it starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "sd-attachment.h"
#include "sd-stage.h"

G_BEGIN_DECLS

typedef enum {
  SD_SECURITY_NONE,               /* never TLS */
  SD_SECURITY_STARTTLS,           /* STARTTLS required */
  SD_SECURITY_STARTTLS_OPTIONAL,  /* STARTTLS when offered */
  SD_SECURITY_TLS,                /* implicit TLS (port 465) */
} SdSecurity;

typedef enum {
  SD_TLS_VERIFY,       /* system trust (or the CA file) and host name */
  SD_TLS_ACCEPT_ANY,   /* encrypt, don't authenticate: warned */
  SD_TLS_PIN,          /* the leaf's SHA-256 must match */
} SdTlsVerifyMode;

typedef enum {
  SD_PIPELINING_AUTO,
  SD_PIPELINING_OFF,
} SdPipelining;

typedef struct {
  char            *host;
  guint16          port;              /* 0: from the security mode */
  SdSecurity       security;
  SdTlsVerifyMode  tls_verify;
  char            *tls_pin;           /* lower-case hex SHA-256, no colons */
  char            *tls_ca_file;       /* NULL: system trust store */
  char            *tls_priority;      /* GnuTLS priority string for the handshake, NULL: the
                                       * system's policy without TLS 1.0/1.1 (the check's
                                       * TLS version probe sets one version) */
  char            *connect_address;   /* an address literal to connect to instead of
                                       * resolving host (the check probes each MX address);
                                       * host still names the server for SNI and the
                                       * certificate. NULL: resolve host */
  char            *auth;              /* "auto", "none", "plain", "login", "cram-md5",
                                       * "ntlm", "xoauth2", "oauthbearer", "gssapi"
                                       * (user and password optional: the ticket cache) */
  char            *user;              /* for NTLM also "DOMAIN\\user" or "user@domain" */
  char            *password;          /* wiped by sd_settings_free() */
  char            *oauth_token;       /* an OAuth 2 access token (XOAUTH2, OAUTHBEARER);
                                       * wiped by sd_settings_free(), never saved */
  char            *oauth_provider;    /* whose sign-in gives the token: "microsoft", */
  char            *oauth_tenant;      /* "google" or NULL; with tenant and client ID */
  char            *oauth_client_id;   /* the stored token's key (sd-oauth-store.h) */
  gboolean         allow_plaintext_auth;
  char            *ehlo_name;         /* NULL: "smtp-doctor.localdomain"-like default */
  char            *from;
  char           **to;
  char            *subject;
  char            *body;
  GBytes          *eml;               /* a prepared message, sent as is; overrides the above */
  char            *html;              /* non-NULL: a text/html alternative to the body */
  GPtrArray       *attachments;       /* (element-type SdAttachment) NULL: none */
  char            *dsn_notify;        /* RFC 3461 NOTIFY: "never" or a list of success,
                                       * failure, delay; NULL: no DSN asked for */
  char            *dsn_ret;           /* "full", "hdrs" or NULL */
  char            *dsn_envid;         /* ENVID or NULL */
  gboolean         has_quit_after;
  SdStage          quit_after;
  guint            timeout_s;         /* each network wait; 0: default 30 */
  SdPipelining     pipelining;
} SdSettings;

SdSettings *sd_settings_new               (void);
void        sd_settings_free              (SdSettings       *settings);
SdSettings *sd_settings_copy              (const SdSettings *settings);
guint16     sd_settings_get_port          (const SdSettings *settings);
/* Appends a copy (the data is shared, not copied). */
void        sd_settings_add_attachment    (SdSettings         *settings,
                                           const SdAttachment *attachment);
/* Refuses what must never reach the wire: CR, LF or NUL in any field that goes into a
 * command or header; a missing host, From or To (unless quitting before MAIL); bad auth
 * names; a malformed pin. Error domain SD_SESSION_ERROR, code INVALID_INPUT. */
gboolean    sd_settings_validate          (const SdSettings *settings,
                                           GError          **error);

const char *sd_security_to_string         (SdSecurity  security);
gboolean    sd_security_from_string       (const char *name,
                                           SdSecurity *security);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSettings, sd_settings_free)

G_END_DECLS
