/* sd-secret-store-libsecret.c: secrets in the Secret Service (GNOME Keyring, KWallet)
 * through the libsecret module, loaded when a secret is first needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-module-private.h"
#include "sd-secret-service-module.h"
#include "sd-secret-store-private.h"

static const SdSecretServiceModule *service;

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

  if (!service->store (kind, label, key, secret, &local))
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
  char *secret = service->lookup (kind, key, &local);

  if (local != NULL)
    {
      sd_wrap_error (error, local, kind == SD_SECRET_KIND_OAUTH_TOKEN
        ? _("The keyring could not read the sign-in")
        : _("The keyring could not read the password"));
      return NULL;
    }
  return secret;
}

static gboolean
libsecret_remove (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  GError *local = NULL;

  if (!service->clear (kind, key, &local))
    {
      sd_wrap_error (error, local, kind == SD_SECRET_KIND_OAUTH_TOKEN
        ? _("The keyring could not delete the sign-in")
        : _("The keyring could not delete the password"));
      return FALSE;
    }
  return TRUE;
}

static SdSecretStore libsecret_store = { "libsecret", libsecret_save, libsecret_lookup, libsecret_remove };

/* Called once, by sd_secret_store_get_default(): the module loads here or never. */
SdSecretStore *
_sd_secret_store_libsecret_get (void)
{
  g_autoptr(GError) error = NULL;

  service = _sd_module_get (SD_SECRET_SERVICE_MODULE, SD_SECRET_SERVICE_SYMBOL,
                            SD_SECRET_SERVICE_ABI, &error);
  if (service == NULL)
    {
      /* libsecret missing on this system: no store, as if built without it. */
      g_debug ("No Secret Service: %s", error->message);
      return NULL;
    }
  return &libsecret_store;
}
