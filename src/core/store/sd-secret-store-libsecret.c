/* sd-secret-store-libsecret.c: secrets in the Secret Service (GNOME Keyring, KWallet)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
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
sd_wrap_error (GError     **error,
               GError      *cause,
               const char  *what)
{
  /* Translators: “The keyring could not save the password: <the keyring's error>”. */
  g_set_error (error, SD_SECRET_STORE_ERROR, SD_SECRET_STORE_ERROR_UNAVAILABLE,
               _("%s: %s"), what, cause->message);
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
      sd_wrap_error (error, local, kind == SD_SECRET_KIND_OAUTH_TOKEN
        ? _("The keyring could not save the sign-in")
        : _("The keyring could not save the password"));
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
      sd_wrap_error (error, local, kind == SD_SECRET_KIND_OAUTH_TOKEN
        ? _("The keyring could not read the sign-in")
        : _("The keyring could not read the password"));
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
      sd_wrap_error (error, local, kind == SD_SECRET_KIND_OAUTH_TOKEN
        ? _("The keyring could not delete the sign-in")
        : _("The keyring could not delete the password"));
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
