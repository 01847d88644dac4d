/* sd-secret-store.h: where profile passwords live, never in the profiles file
 *
 * Windows Credential Manager on Windows, libsecret (GNOME Keyring, KWallet) on Linux when
 * built with it, otherwise none: saving then fails with a clear message. Calls block; the
 * GUI makes them off the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SD_SECRET_STORE_ERROR (sd_secret_store_error_quark ())
GQuark sd_secret_store_error_quark (void);

typedef enum {
  SD_SECRET_STORE_ERROR_UNAVAILABLE,  /* no store on this system, or it refused */
  SD_SECRET_STORE_ERROR_FAILED,
} SdSecretStoreError;

typedef struct _SdSecretStore SdSecretStore;

/* What a secret is for: each kind has its own name space in the store. */
typedef enum {
  SD_SECRET_KIND_PASSWORD,     /* a profile's password, keyed by profile name */
  SD_SECRET_KIND_OAUTH_TOKEN,  /* OAuth tokens, keyed by provider, tenant, client and user */
} SdSecretKind;

/* The store for this system; SD_SECRET_STORE=memory in the environment picks a
 * process-local one (tests), SD_SECRET_STORE=none none at all. (transfer none) */
SdSecretStore *sd_secret_store_get_default (void);
/* "Windows Credential Manager", "libsecret", "memory", "none" */
const char    *sd_secret_store_get_name    (SdSecretStore  *self);
gboolean       sd_secret_store_save        (SdSecretStore  *self,
                                            const char     *profile,
                                            const char     *password,
                                            GError        **error);
/* NULL without an error when nothing is stored (transfer full; wipe with sd_secret_free) */
char          *sd_secret_store_lookup      (SdSecretStore  *self,
                                            const char     *profile,
                                            GError        **error);
/* Deleting what isn't there is not an error. */
gboolean       sd_secret_store_delete      (SdSecretStore  *self,
                                            const char     *profile,
                                            GError        **error);

/* The same for any kind of secret. */
gboolean       sd_secret_store_save_kind   (SdSecretStore  *self,
                                            SdSecretKind    kind,
                                            const char     *key,
                                            const char     *secret,
                                            GError        **error);
char          *sd_secret_store_lookup_kind (SdSecretStore  *self,
                                            SdSecretKind    kind,
                                            const char     *key,
                                            GError        **error);
gboolean       sd_secret_store_delete_kind (SdSecretStore  *self,
                                            SdSecretKind    kind,
                                            const char     *key,
                                            GError        **error);

G_END_DECLS
