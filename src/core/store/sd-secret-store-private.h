/* sd-secret-store-private.h: one table per backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-secret-store.h"

G_BEGIN_DECLS

struct _SdSecretStore {
  const char *name;
  gboolean  (*save)   (SdSecretStore *self, SdSecretKind kind, const char *key, const char *secret, GError **error);
  char     *(*lookup) (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error);
  gboolean  (*remove) (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error);
};

/* What the OS offers, or NULL. */
SdSecretStore *_sd_secret_store_libsecret_get (void);
SdSecretStore *_sd_secret_store_wincred_get   (void);

G_END_DECLS
