/* sd-secret-service-module.c: the libsecret module, secrets in the Secret Service
 * (GNOME Keyring, KWallet); sd-secret-store-libsecret.c loads it on first use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gmodule.h>
#include <libsecret/secret.h>

#include "sd-secret-service-module.h"

/* One schema per kind, so a profile named like a token key can never collide. */
static const SecretSchema *
sd_schema (SdSecretKind kind)
{
  static const SecretSchema password_schema = {
    "io.github.smtpdoctor.ProfilePassword", SECRET_SCHEMA_NONE,
    { { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  static const SecretSchema token_schema = {
    "io.github.smtpdoctor.OAuthToken", SECRET_SCHEMA_NONE,
    { { "account", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  return kind == SD_SECRET_KIND_OAUTH_TOKEN ? &token_schema : &password_schema;
}

static const char *
sd_attribute (SdSecretKind kind)
{
  return sd_schema (kind)->attributes[0].name;
}

static gboolean
sd_service_store (SdSecretKind kind, const char *label, const char *key, const char *secret,
                  GError **error)
{
  return secret_password_store_sync (sd_schema (kind), SECRET_COLLECTION_DEFAULT, label, secret,
                                     NULL, error, sd_attribute (kind), key, NULL);
}

static char *
sd_service_lookup (SdSecretKind kind, const char *key, GError **error)
{
  char *secret = secret_password_lookup_sync (sd_schema (kind), NULL, error,
                                              sd_attribute (kind), key, NULL);
  char *copy;

  if (secret == NULL)
    return NULL;
  /* libsecret's string must go back through secret_password_free (non-pageable memory). */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

static gboolean
sd_service_clear (SdSecretKind kind, const char *key, GError **error)
{
  GError *local = NULL;

  /* FALSE also means "nothing was stored", which is not a failure. */
  secret_password_clear_sync (sd_schema (kind), NULL, &local, sd_attribute (kind), key, NULL);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static const SdSecretServiceModule sd_service_module = {
  SD_SECRET_SERVICE_ABI, sd_service_store, sd_service_lookup, sd_service_clear,
};

G_MODULE_EXPORT const SdSecretServiceModule *
sd_secret_service_module_get (void)
{
  return &sd_service_module;
}
