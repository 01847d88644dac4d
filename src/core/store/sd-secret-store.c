/* sd-secret-store.c: the interface, and the memory and "none" stores
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-secret.h"
#include "sd-secret-store-private.h"

G_DEFINE_QUARK (sd-secret-store-error-quark, sd_secret_store_error)

/* --- memory: for tests; gone with the process -------------------------------------- */

static GMutex      memory_lock;
static GHashTable *memory_table;

/* Kinds share the table under distinct prefixes. */
static char *
memory_key (SdSecretKind kind, const char *key)
{
  return g_strdup_printf ("%d/%s", (int) kind, key);
}

static gboolean
memory_save (SdSecretStore *self, SdSecretKind kind, const char *key, const char *secret,
             GError **error)
{
  g_mutex_lock (&memory_lock);
  if (memory_table == NULL)
    memory_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) sd_secret_free);
  g_hash_table_replace (memory_table, memory_key (kind, key), g_strdup (secret));
  g_mutex_unlock (&memory_lock);
  return TRUE;
}

static char *
memory_lookup (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  g_autofree char *full = memory_key (kind, key);
  char *secret = NULL;

  g_mutex_lock (&memory_lock);
  if (memory_table != NULL)
    secret = g_strdup (g_hash_table_lookup (memory_table, full));
  g_mutex_unlock (&memory_lock);
  return secret;
}

static gboolean
memory_remove (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  g_autofree char *full = memory_key (kind, key);

  g_mutex_lock (&memory_lock);
  if (memory_table != NULL)
    g_hash_table_remove (memory_table, full);
  g_mutex_unlock (&memory_lock);
  return TRUE;
}

static SdSecretStore memory_store = { "memory", memory_save, memory_lookup, memory_remove };

/* --- none ------------------------------------------------------------------------ */

static gboolean
none_save (SdSecretStore *self, SdSecretKind kind, const char *key, const char *secret,
           GError **error)
{
  if (kind == SD_SECRET_KIND_OAUTH_TOKEN)
    g_set_error (error, SD_SECRET_STORE_ERROR, SD_SECRET_STORE_ERROR_UNAVAILABLE,
                 _("The sign-in was not saved: this system has no secret store SMTP Doctor "
                   "can use (on Linux it needs a running keyring such as GNOME Keyring)"));
  else
    g_set_error (error, SD_SECRET_STORE_ERROR, SD_SECRET_STORE_ERROR_UNAVAILABLE,
                 _("The password was not saved: this system has no secret store SMTP Doctor "
                   "can use (on Linux it needs a running keyring such as GNOME Keyring). It "
                   "will be asked for each time"));
  return FALSE;
}

static char *
none_lookup (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  return NULL;
}

static gboolean
none_remove (SdSecretStore *self, SdSecretKind kind, const char *key, GError **error)
{
  return TRUE;
}

static SdSecretStore none_store = { "none", none_save, none_lookup, none_remove };

/* --- the interface --------------------------------------------------------------- */

SdSecretStore *
sd_secret_store_get_default (void)
{
  static SdSecretStore *store;

  if (g_once_init_enter (&store))
    {
      const char *wanted = g_getenv ("SD_SECRET_STORE");
      SdSecretStore *chosen = NULL;

      if (g_strcmp0 (wanted, "memory") == 0)
        chosen = &memory_store;
      else if (g_strcmp0 (wanted, "none") == 0)
        chosen = &none_store;
      if (chosen == NULL)
        chosen = _sd_secret_store_wincred_get ();
      if (chosen == NULL)
        chosen = _sd_secret_store_libsecret_get ();
      if (chosen == NULL)
        chosen = &none_store;
      g_once_init_leave (&store, chosen);
    }
  return store;
}

const char *
sd_secret_store_get_name (SdSecretStore *self)
{
  return self->name;
}

gboolean
sd_secret_store_save_kind (SdSecretStore  *self,
                           SdSecretKind    kind,
                           const char     *key,
                           const char     *secret,
                           GError        **error)
{
  g_return_val_if_fail (key != NULL && secret != NULL, FALSE);
  return self->save (self, kind, key, secret, error);
}

char *
sd_secret_store_lookup_kind (SdSecretStore  *self,
                             SdSecretKind    kind,
                             const char     *key,
                             GError        **error)
{
  return self->lookup (self, kind, key, error);
}

gboolean
sd_secret_store_delete_kind (SdSecretStore  *self,
                             SdSecretKind    kind,
                             const char     *key,
                             GError        **error)
{
  return self->remove (self, kind, key, error);
}

gboolean
sd_secret_store_save (SdSecretStore  *self,
                      const char     *profile,
                      const char     *password,
                      GError        **error)
{
  return sd_secret_store_save_kind (self, SD_SECRET_KIND_PASSWORD, profile, password, error);
}

char *
sd_secret_store_lookup (SdSecretStore  *self,
                        const char     *profile,
                        GError        **error)
{
  return sd_secret_store_lookup_kind (self, SD_SECRET_KIND_PASSWORD, profile, error);
}

gboolean
sd_secret_store_delete (SdSecretStore  *self,
                        const char     *profile,
                        GError        **error)
{
  return sd_secret_store_delete_kind (self, SD_SECRET_KIND_PASSWORD, profile, error);
}

#if !defined(HAVE_LIBSECRET)
SdSecretStore *
_sd_secret_store_libsecret_get (void)
{
  return NULL;
}
#endif

#if !defined(G_OS_WIN32)
SdSecretStore *
_sd_secret_store_wincred_get (void)
{
  return NULL;
}
#endif
