/* sd-oauth.h: OAuth 2.0 sign-in for SMTP (device authorization grant and refresh)
 *
 * The device authorization grant (RFC 8628) lets an admin sign in on any browser while
 * SMTP Doctor polls for the token; the refresh grant renews it later. Microsoft identity
 * platform (tenant + client ID of the admin's own app registration) and Google (client
 * ID + secret of the admin's own OAuth client). Calls go through libcurl, in a module.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SD_OAUTH_ERROR (sd_oauth_error_quark ())
GQuark sd_oauth_error_quark (void);

typedef enum {
  SD_OAUTH_ERROR_INVALID_INPUT,  /* bad tenant, client ID, provider or test endpoint */
  SD_OAUTH_ERROR_NETWORK,        /* the identity provider could not be reached */
  SD_OAUTH_ERROR_MALFORMED,      /* an answer that is not the JSON it should be */
  SD_OAUTH_ERROR_DENIED,         /* the user declined (access_denied) */
  SD_OAUTH_ERROR_EXPIRED,        /* the code expired before the sign-in finished */
  SD_OAUTH_ERROR_REFUSED,        /* any other error from the provider (invalid_client, …) */
  SD_OAUTH_ERROR_NOT_SIGNED_IN,  /* no token stored, or it expired with no way to renew */
} SdOAuthError;

typedef enum {
  SD_OAUTH_PROVIDER_MICROSOFT,
  SD_OAUTH_PROVIDER_GOOGLE,
} SdOAuthProvider;

const char *sd_oauth_provider_to_string   (SdOAuthProvider  provider);
gboolean    sd_oauth_provider_from_string (const char      *name,
                                           SdOAuthProvider *provider);

/* Whose sign-in: also the key of the stored token. */
typedef struct {
  SdOAuthProvider  provider;
  char            *tenant;         /* Microsoft: directory ID, domain, "organizations"… */
  char            *client_id;
  char            *client_secret;  /* Google; wiped by sd_oauth_account_free() */
  char            *user;           /* may be NULL */
} SdOAuthAccount;

SdOAuthAccount *sd_oauth_account_new      (SdOAuthProvider       provider);
void            sd_oauth_account_free     (SdOAuthAccount       *account);
SdOAuthAccount *sd_oauth_account_copy     (const SdOAuthAccount *account);
/* Tenant and client ID present and made of URL-safe characters; Google has a secret. */
gboolean        sd_oauth_account_validate (const SdOAuthAccount *account,
                                           GError              **error);

typedef struct {
  char   *access_token;   /* wiped by sd_oauth_token_free() */
  char   *refresh_token;  /* likewise; NULL when the provider gave none */
  gint64  expires_at;     /* Unix time in seconds; 0: unknown */
  char   *scope;          /* what the provider says it granted; may be NULL */
} SdOAuthToken;

SdOAuthToken *sd_oauth_token_new        (void);
void          sd_oauth_token_free       (SdOAuthToken       *token);
/* Whether it expires within @margin_s seconds of @now (Unix seconds). */
gboolean      sd_oauth_token_expires_by (const SdOAuthToken *token,
                                         gint64              now,
                                         gint64              margin_s);

/* What the user must do to sign in. */
typedef struct {
  const char *user_code;
  const char *verification_uri;
  const char *verification_uri_complete;  /* with the code filled in; may be NULL */
  guint       interval_s;                 /* polling interval now */
  guint       expires_in_s;               /* how long the code is valid */
} SdOAuthDeviceCode;

/* Called on the caller's main context once the code is known, and again each time the
 * provider asks to poll more slowly (with the longer interval). */
typedef void (*SdOAuthCodeFunc) (const SdOAuthDeviceCode *code,
                                 gpointer                 user_data);

/* Loads the HTTP module (libcurl) and sets it up, once; call it from the main thread
 * before any sign-in or refresh runs in a worker (not at start-up: a session without
 * OAuth should not load libcurl). libcurl's global set-up must not race with other
 * threads, and the TLS libraries under it keep state in the thread that does it, which
 * a worker thread leaves behind when it ends. sd_oauth_sign_in_async() calls it itself. */
void          sd_oauth_init             (void);

/* Runs the device authorization grant in a worker thread until the user signs in, the
 * code expires, the user declines or @cancellable fires. @code_data lives until the
 * task does: @code_data_free is called then. */
void          sd_oauth_sign_in_async    (const SdOAuthAccount *account,
                                         SdOAuthCodeFunc       code_func,
                                         gpointer              code_data,
                                         GDestroyNotify        code_data_free,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
/* (transfer full) */
SdOAuthToken *sd_oauth_sign_in_finish   (GAsyncResult         *result,
                                         GError              **error);

/* Blocking: a new token from @refresh_token; keeps @refresh_token when the provider
 * sends no new one. (transfer full) */
SdOAuthToken *sd_oauth_refresh          (const SdOAuthAccount *account,
                                         const char           *refresh_token,
                                         GCancellable         *cancellable,
                                         GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdOAuthAccount, sd_oauth_account_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdOAuthToken, sd_oauth_token_free)

G_END_DECLS
