/* sd-cli-oauth.h: the OAuth pieces `send` shares with `oauth`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-oauth.h"
#include "sd-settings.h"

G_BEGIN_DECLS

/* The account named by the flags; @client_secret_env may be NULL. (transfer full) */
SdOAuthAccount *sd_cli_oauth_account      (const char        *provider,
                                           const char        *tenant,
                                           const char        *client_id,
                                           const char        *client_secret_env,
                                           const char        *user,
                                           GError           **error);
/* Prints what the token says and the warnings about it for SMTP. */
/* @provider: "microsoft", "google" or NULL (then the token's issuer decides). */
void            sd_cli_oauth_print_token  (const char        *token,
                                           const char        *provider,
                                           const char        *tenant);
/* Blocking: the stored access token for the settings' provider, tenant, client ID and
 * user, renewed first when it is about to expire. (transfer full; wipe it) */
char           *sd_cli_oauth_stored_token (const SdSettings  *settings,
                                           gboolean           quiet,
                                           GError           **error);

G_END_DECLS
