/* sd-secret-store-wincred.c: secrets in the Windows Credential Manager
 *
 * Generic credentials named "SMTP Doctor/<profile>" (passwords) or "SMTP Doctor
 * sign-in/<key>" (OAuth tokens), persisted for the local machine and this user only; the
 * blob is the UTF-8 secret. A blob holds at most 2560 bytes and Microsoft tokens are
 * often longer, so a longer secret continues in "SMTP Doctor part N/…" credentials.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <windows.h>
#include <wincred.h>

#include "sd-secret.h"
#include "sd-secret-store-private.h"

#define SD_MAX_PARTS 16

static gunichar2 *
sd_target (SdSecretKind  kind,
           const char   *key,
           guint         part)
{
  const char *what = kind == SD_SECRET_KIND_OAUTH_TOKEN ? " sign-in" : "";
  g_autofree char *target = part == 0
    ? g_strdup_printf ("SMTP Doctor%s/%s", what, key)
    : g_strdup_printf ("SMTP Doctor%s part %u/%s", what, part + 1, key);
  return g_utf8_to_utf16 (target, -1, NULL, NULL, NULL);
}

static void
sd_set_windows_error (GError     **error,
                      const char  *what)
{
  g_autofree char *message = g_win32_error_message (GetLastError ());
  /* Translators: “The Credential Manager could not save the password: <Windows' error>”. */
  g_set_error (error, SD_SECRET_STORE_ERROR, SD_SECRET_STORE_ERROR_FAILED,
               _("%s: %s"), what, message);
}

static gboolean
wincred_remove (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  for (guint part = 0; part < SD_MAX_PARTS; part++)
    {
      g_autofree gunichar2 *target = sd_target (kind, key, part);

      if (!CredDeleteW ((LPCWSTR) target, CRED_TYPE_GENERIC, 0))
        {
          if (GetLastError () == ERROR_NOT_FOUND)
            break;
          sd_set_windows_error (error, kind == SD_SECRET_KIND_OAUTH_TOKEN
            ? _("The Credential Manager could not delete the sign-in")
            : _("The Credential Manager could not delete the password"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
wincred_save (SdSecretStore *self, SdSecretKind kind, const char *key, const char *secret,
              GError **error)
{
  gsize len = strlen (secret);
  guint parts = MAX (1, (len + CRED_MAX_CREDENTIAL_BLOB_SIZE - 1) / CRED_MAX_CREDENTIAL_BLOB_SIZE);

  if (parts > SD_MAX_PARTS)
    {
      g_set_error (error, SD_SECRET_STORE_ERROR, SD_SECRET_STORE_ERROR_FAILED,
                   _("The secret is too long for the Credential Manager (%d bytes at most)"),
                   SD_MAX_PARTS * CRED_MAX_CREDENTIAL_BLOB_SIZE);
      return FALSE;
    }
  /* A shorter secret must not leave older parts behind. */
  if (!wincred_remove (self, kind, key, error))
    return FALSE;
  for (guint part = 0; part < parts; part++)
    {
      sd_set_windows_error (error, kind == SD_SECRET_KIND_OAUTH_TOKEN
        ? _("The Credential Manager could not save the sign-in")
        : _("The Credential Manager could not save the password"));
    }
  return TRUE;
}

static char *
wincred_lookup (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  GString *secret = NULL;

  for (guint part = 0; part < SD_MAX_PARTS; part++)
    {
      sd_set_windows_error (error, kind == SD_SECRET_KIND_OAUTH_TOKEN
        ? _("The Credential Manager could not read the sign-in")
        : _("The Credential Manager could not read the password"));
    }
  return secret != NULL ? g_string_free (secret, FALSE) : NULL;
}

static SdSecretStore wincred_store = { "Windows Credential Manager", wincred_save, wincred_lookup, wincred_remove };

SdSecretStore *
_sd_secret_store_wincred_get (void)
{
  return &wincred_store;
}
