/* sd-secret-store-libsecret.c: secrets in the Secret Service (GNOME Keyring, KWallet)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsecret/secret.h>

#include "sd-secret-store-private.h"

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

static void
sd_wrap_error (GError       **error,
               GError        *cause,
               SdSecretKind   kind,
               const char    *doing)
{
  g_set_error (error, SD_SECRET_STORE_ERROR, SD_SECRET_STORE_ERROR_UNAVAILABLE,
               "The keyring could not %s the %s: %s", doing,
               kind == SD_SECRET_KIND_OAUTH_TOKEN ? "sign-in" : "password", cause->message);
  g_error_free (cause);
}

static gboolean
libsecret_save (SdSecretStore *self, SdSecretKind kind, const char *key, const char *secret,
                GError **error)
{
  g_autofree char *label = g_strdup_printf (kind == SD_SECRET_KIND_OAUTH_TOKEN
                                            ? "SMTP Doctor sign-in: %s" : "SMTP Doctor: %s", key);
  GError *local = NULL;

  if (!secret_password_store_sync (sd_schema (kind), SECRET_COLLECTION_DEFAULT, label, secret,
                                   NULL, &local, sd_attribute (kind), key, NULL))
    {
      sd_wrap_error (error, local, kind, "save");
      return FALSE;
    }
  return TRUE;
}

static char *
libsecret_lookup (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  GError *local = NULL;
  char *secret = secret_password_lookup_sync (sd_schema (kind), NULL, &local,
                                              sd_attribute (kind), key, NULL);
  char *copy;

  if (local != NULL)
    {
      sd_wrap_error (error, local, kind, "read");
      return NULL;
    }
  if (secret == NULL)
    return NULL;
  /* libsecret's string must go back through secret_password_free (non-pageable memory). */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

static gboolean
libsecret_remove (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  GError *local = NULL;

  secret_password_clear_sync (sd_schema (kind), NULL, &local, sd_attribute (kind), key, NULL);
  if (local != NULL)
    {
      sd_wrap_error (error, local, kind, "delete");
      return FALSE;
    }
  return TRUE;
}

static SdSecretStore libsecret_store = { "libsecret", libsecret_save, libsecret_lookup, libsecret_remove };

SdSecretStore *
_sd_secret_store_libsecret_get (void)
{
  return &libsecret_store;
}
