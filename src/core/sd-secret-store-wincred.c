/* sd-secret-store-wincred.c: passwords in the Windows Credential Manager
 *
 * Generic credentials named "SMTP Doctor/<profile>", persisted for the local machine
 * and this user only; the blob is the UTF-8 password (at most 2560 bytes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <windows.h>
#include <wincred.h>

#include "sd-secret.h"
#include "sd-secret-store-private.h"

static gunichar2 *
sd_target (const char *profile)
{
  g_autofree char *target = g_strdup_printf ("SMTP Doctor/%s", profile);
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
wincred_save (SdSecretStore *self, const char *profile, const char *password, GError **error)
{
  g_autofree gunichar2 *target = sd_target (profile);
  CREDENTIALW credential = { 0 };
  gsize len = strlen (password);

  if (len > CRED_MAX_CREDENTIAL_BLOB_SIZE)
    {
      g_set_error (error, SD_SECRET_STORE_ERROR, SD_SECRET_STORE_ERROR_FAILED,
                   _("The password is too long for the Credential Manager (%d bytes at most)"),
                   CRED_MAX_CREDENTIAL_BLOB_SIZE);
      return FALSE;
    }
  credential.Type = CRED_TYPE_GENERIC;
  credential.TargetName = (LPWSTR) target;
  credential.CredentialBlobSize = (DWORD) len;
  credential.CredentialBlob = (LPBYTE) password;
  credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
  if (!CredWriteW (&credential, 0))
    {
      sd_set_windows_error (error, _("The Credential Manager could not save the password"));
      return FALSE;
    }
  return TRUE;
}

static char *
wincred_lookup (SdSecretStore *self, const char *profile, GError **error)
{
  g_autofree gunichar2 *target = sd_target (profile);
  PCREDENTIALW credential = NULL;
  char *password;

  if (!CredReadW ((LPCWSTR) target, CRED_TYPE_GENERIC, 0, &credential))
    {
      if (GetLastError () != ERROR_NOT_FOUND)
        sd_set_windows_error (error, _("The Credential Manager could not read the password"));
      return NULL;
    }
  password = g_strndup ((const char *) credential->CredentialBlob, credential->CredentialBlobSize);
  sd_secret_wipe (credential->CredentialBlob, credential->CredentialBlobSize);
  CredFree (credential);
  return password;
}

static gboolean
wincred_remove (SdSecretStore *self, const char *profile, GError **error)
{
  g_autofree gunichar2 *target = sd_target (profile);

  if (!CredDeleteW ((LPCWSTR) target, CRED_TYPE_GENERIC, 0) && GetLastError () != ERROR_NOT_FOUND)
    {
      sd_set_windows_error (error, _("The Credential Manager could not delete the password"));
      return FALSE;
    }
  return TRUE;
}

static SdSecretStore wincred_store = { "Windows Credential Manager", wincred_save, wincred_lookup, wincred_remove };

SdSecretStore *
_sd_secret_store_wincred_get (void)
{
  return &wincred_store;
}
