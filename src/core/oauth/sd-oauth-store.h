/* sd-oauth-store.h: signed-in tokens in the secret store, renewed before use
 *
 * Access token, refresh token and expiry live only in the secret store (never in files
 * or logs), keyed by provider, tenant, client ID and user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-oauth.h"
#include "sd-secret-store.h"
#include "sd-settings.h"

G_BEGIN_DECLS

/* A token this close to its expiry is renewed before use. */
#define SD_OAUTH_REFRESH_MARGIN_S 300

/* "microsoft:TENANT:CLIENT-ID:USER", lower-case. (transfer full) */
char         *sd_oauth_store_dup_key   (const SdOAuthAccount  *account);
gboolean      sd_oauth_store_save      (SdSecretStore         *store,
                                        const SdOAuthAccount  *account,
                                        const SdOAuthToken    *token,
                                        GError               **error);
/* NULL without an error when nothing is stored. (transfer full) */
SdOAuthToken *sd_oauth_store_load      (SdSecretStore         *store,
                                        const SdOAuthAccount  *account,
                                        GError               **error);
gboolean      sd_oauth_store_delete    (SdSecretStore         *store,
                                        const SdOAuthAccount  *account,
                                        GError               **error);
/* Blocking: the stored token, renewed with its refresh token (and stored again) when it
 * has expired or is about to; *refreshed says whether that happened. An error
 * SD_OAUTH_ERROR_NOT_SIGNED_IN when there is none or it cannot be renewed. */
SdOAuthToken *sd_oauth_store_get_fresh (SdSecretStore         *store,
                                        const SdOAuthAccount  *account,
                                        gboolean              *refreshed,
                                        GCancellable          *cancellable,
                                        GError               **error);

/* The sign-in @settings name: oauth_provider, oauth_tenant, oauth_client_id and user. The
 * client secret is not in the settings: the store keeps it with the token. (transfer full) */
SdOAuthAccount *sd_oauth_account_for_settings   (const SdSettings  *settings,
                                                 GError           **error);
/* Blocking: sd_oauth_store_get_fresh() for that account; only the access token.
 * (transfer full; wipe it with sd_secret_free) */
char           *sd_oauth_store_get_access_token (SdSecretStore     *store,
                                                 const SdSettings  *settings,
                                                 gboolean          *refreshed,
                                                 GCancellable      *cancellable,
                                                 GError           **error);

G_END_DECLS
