/* sd-secret-store-libsecret.c: passwords in the Secret Service (GNOME Keyring, KWallet)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "sd-secret-store-private.h"

static const SecretSchema *
sd_schema (void)
{
  static const SecretSchema schema = {
    "io.github.smtpdoctor.ProfilePassword", SECRET_SCHEMA_NONE,
    { { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  return &schema;
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
libsecret_save (SdSecretStore *self, const char *profile, const char *password, GError **error)
{
  g_autofree char *label = g_strdup_printf ("SMTP Doctor: %s", profile);
  GError *local = NULL;

  if (!secret_password_store_sync (sd_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                   NULL, &local, "profile", profile, NULL))
    {
      sd_wrap_error (error, local, _("The keyring could not save the password"));
      return FALSE;
    }
  return TRUE;
}

static char *
libsecret_lookup (SdSecretStore *self, const char *profile, GError **error)
{
  GError *local = NULL;
  char *secret = secret_password_lookup_sync (sd_schema (), NULL, &local, "profile", profile, NULL);
  char *copy;

  if (local != NULL)
    {
      sd_wrap_error (error, local, _("The keyring could not read the password"));
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
libsecret_remove (SdSecretStore *self, const char *profile, GError **error)
{
  GError *local = NULL;

  secret_password_clear_sync (sd_schema (), NULL, &local, "profile", profile, NULL);
  if (local != NULL)
    {
      sd_wrap_error (error, local, _("The keyring could not delete the password"));
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
