/* sd-oauth-store.c: signed-in tokens in the secret store, renewed before use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "sd-oauth-private.h"
#include "sd-oauth-store.h"
#include "sd-secret.h"

char *
sd_oauth_store_dup_key (const SdOAuthAccount *account)
{
  g_autofree char *key = g_strdup_printf ("%s:%s:%s:%s",
                                          sd_oauth_provider_to_string (account->provider),
                                          account->provider == SD_OAUTH_PROVIDER_MICROSOFT
                                            ? account->tenant : "",
                                          account->client_id,
                                          account->user != NULL ? account->user : "");
  return g_utf8_strdown (key, -1);
}

gboolean
sd_oauth_store_save (SdSecretStore         *store,
                     const SdOAuthAccount  *account,
                     const SdOAuthToken    *token,
                     GError               **error)
{
  g_autofree char *key = sd_oauth_store_dup_key (account);
  json_t *object = json_object ();
  char *text;
  gboolean ok;

  json_object_set_new (object, "access_token", json_string (token->access_token));
  if (token->refresh_token != NULL)
    json_object_set_new (object, "refresh_token", json_string (token->refresh_token));
  json_object_set_new (object, "expires_at", json_integer (token->expires_at));
  /* Google's refresh needs the client secret too: kept with the token, not in a file. */
  if (account->client_secret != NULL)
    json_object_set_new (object, "client_secret", json_string (account->client_secret));
  if (token->scope != NULL)
    json_object_set_new (object, "scope", json_string (token->scope));
  text = json_dumps (object, JSON_COMPACT);
  _sd_oauth_json_free (object);
  if (text == NULL)
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED,
                           _("The token could not be stored: it is not valid text"));
      return FALSE;
    }
  ok = sd_secret_store_save_kind (store, SD_SECRET_KIND_OAUTH_TOKEN, key, text, error);
  sd_secret_wipe (text, strlen (text));
  free (text);
  return ok;
}

/* The stored token, and the client secret stored with it when @client_secret is given. */
static SdOAuthToken *
sd_load (SdSecretStore         *store,
         const SdOAuthAccount  *account,
         char                 **client_secret,
         GError               **error)
{
  g_autofree char *key = sd_oauth_store_dup_key (account);
  char *text = sd_secret_store_lookup_kind (store, SD_SECRET_KIND_OAUTH_TOKEN, key, error);
  SdOAuthToken *token;
  json_t *object;
  json_t *expires;

  if (text == NULL)
    return NULL;
  object = json_loads (text, 0, NULL);
  sd_secret_free (text);
  if (!json_is_object (object) || !json_is_string (json_object_get (object, "access_token")))
    {
      _sd_oauth_json_free (object);
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED,
                           _("The stored sign-in is damaged: sign in again"));
      return NULL;
    }
  token = sd_oauth_token_new ();
  token->access_token = g_strdup (json_string_value (json_object_get (object, "access_token")));
  token->refresh_token = g_strdup (json_string_value (json_object_get (object, "refresh_token")));
  token->scope = g_strdup (json_string_value (json_object_get (object, "scope")));
  expires = json_object_get (object, "expires_at");
  token->expires_at = json_is_integer (expires) ? json_integer_value (expires) : 0;
  if (client_secret != NULL)
    *client_secret = g_strdup (json_string_value (json_object_get (object, "client_secret")));
  _sd_oauth_json_free (object);
  return token;
}

SdOAuthToken *
sd_oauth_store_load (SdSecretStore         *store,
                     const SdOAuthAccount  *account,
                     GError               **error)
{
  return sd_load (store, account, NULL, error);
}

gboolean
sd_oauth_store_delete (SdSecretStore         *store,
                       const SdOAuthAccount  *account,
                       GError               **error)
{
  g_autofree char *key = sd_oauth_store_dup_key (account);

  return sd_secret_store_delete_kind (store, SD_SECRET_KIND_OAUTH_TOKEN, key, error);
}

SdOAuthToken *
sd_oauth_store_get_fresh (SdSecretStore         *store,
                          const SdOAuthAccount  *account,
                          gboolean              *refreshed,
                          GCancellable          *cancellable,
                          GError               **error)
{
  g_autoptr(SdOAuthToken) token = NULL;
  g_autoptr(SdOAuthAccount) with_secret = sd_oauth_account_copy (account);
  char *stored_secret = NULL;
  g_autoptr(GError) local = NULL;
  SdOAuthToken *renewed;

  *refreshed = FALSE;
  token = sd_load (store, account, &stored_secret, error);
  if (token == NULL)
    {
      sd_secret_free (stored_secret);
      if (error != NULL && *error != NULL)
        return NULL;
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NOT_SIGNED_IN,
                           _("Not signed in for this provider, tenant, client ID and user: sign "
                             "in first (“Sign in…” in the window, or “smtp-doctor-cli oauth "
                             "login”)"));
      return NULL;
    }
  if (!sd_oauth_token_expires_by (token, g_get_real_time () / G_USEC_PER_SEC,
                                  SD_OAUTH_REFRESH_MARGIN_S))
    {
      sd_secret_free (stored_secret);
      return g_steal_pointer (&token);
    }
  if (token->refresh_token == NULL)
    {
      sd_secret_free (stored_secret);
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NOT_SIGNED_IN,
                           _("The stored access token has expired and there is no refresh "
                             "token: sign in again"));
      return NULL;
    }
  if (with_secret->client_secret == NULL)
    with_secret->client_secret = g_steal_pointer (&stored_secret);
  sd_secret_free (stored_secret);
  renewed = sd_oauth_refresh (with_secret, token->refresh_token, cancellable, &local);
  if (renewed == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NOT_SIGNED_IN,
                     _("The stored access token has expired and could not be renewed (%s): "
                       "sign in again"), local->message);
      return NULL;
    }
  *refreshed = TRUE;
  if (!sd_oauth_store_save (store, with_secret, renewed, error))
    {
      sd_oauth_token_free (renewed);
      return NULL;
    }
  return renewed;
}

SdOAuthAccount *
sd_oauth_account_for_settings (const SdSettings  *settings,
                               GError           **error)
{
  g_autoptr(SdOAuthAccount) account = NULL;
  SdOAuthProvider provider;

  if (settings->oauth_provider == NULL ||
      !sd_oauth_provider_from_string (settings->oauth_provider, &provider))
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT,
                           _("The OAuth provider must be microsoft or google"));
      return NULL;
    }
  if (provider == SD_OAUTH_PROVIDER_GOOGLE && settings->oauth_tenant != NULL &&
      *settings->oauth_tenant != '\0')
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT,
                           _("A tenant is for Microsoft only"));
      return NULL;
    }
  account = sd_oauth_account_new (provider);
  account->tenant = g_strdup (settings->oauth_tenant);
  account->client_id = g_strdup (settings->oauth_client_id);
  account->user = g_strdup (settings->user);
  return g_steal_pointer (&account);
}

char *
sd_oauth_store_get_access_token (SdSecretStore     *store,
                                 const SdSettings  *settings,
                                 gboolean          *refreshed,
                                 GCancellable      *cancellable,
                                 GError           **error)
{
  g_autoptr(SdOAuthAccount) account = sd_oauth_account_for_settings (settings, error);
  g_autoptr(SdOAuthToken) token = NULL;

  *refreshed = FALSE;
  if (account == NULL)
    return NULL;
  token = sd_oauth_store_get_fresh (store, account, refreshed, cancellable, error);
  if (token == NULL)
    return NULL;
  return g_steal_pointer (&token->access_token);
}
