/* sd-secret-service-module.h: what the core asks of the libsecret module
 *
 * The module (sd-secret-service.so) holds libsecret and nothing of the core: it is
 * loaded when a profile's password or a sign-in is first saved or read, so a session
 * with its password on the command line never loads libsecret and D-Bus client code.
 * Errors come back as libsecret gave them; the core words them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <gmodule.h>

#include "sd-secret-store.h"

G_BEGIN_DECLS

#define SD_SECRET_SERVICE_MODULE  "sd-secret-service"
#define SD_SECRET_SERVICE_SYMBOL  "sd_secret_service_module_get"
/* Raise it when the table or a signature changes. */
#define SD_SECRET_SERVICE_ABI     1

typedef struct {
  guint abi;                 /* SD_SECRET_SERVICE_ABI */
  gboolean  (*store)  (SdSecretKind kind, const char *label, const char *key,
                       const char *secret, GError **error);
  /* (transfer full): a g_malloc'd copy, NULL without an error when nothing is stored */
  char     *(*lookup) (SdSecretKind kind, const char *key, GError **error);
  gboolean  (*clear)  (SdSecretKind kind, const char *key, GError **error);
} SdSecretServiceModule;

/* The module's one export. */
G_MODULE_EXPORT const SdSecretServiceModule *sd_secret_service_module_get (void);

G_END_DECLS
