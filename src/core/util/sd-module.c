/* sd-module.c: loading a plug-in module (libcurl, libsecret) on first use
 *
 * A plain `send` then starts with GLib, GnuTLS and little else: each library that only
 * OAuth or the keyring needs lives in a small module, and its dependencies load only
 * when that module does (on Windows: a DLL beside the exe).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "sd-module-private.h"

/* The folders to try, most specific first (transfer full). */
static GPtrArray *
sd_module_dirs (void)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  const char *env = g_getenv ("SD_MODULE_DIR");

  if (env != NULL && *env != '\0')
    g_ptr_array_add (dirs, g_strdup (env));
#ifdef G_OS_WIN32
  {
    /* bin\smtp-doctor.exe: the top is the folder above bin\ (or the exe's own). */
    g_autofree char *top = g_win32_get_package_installation_directory_of_module (NULL);
    g_ptr_array_add (dirs, g_build_filename (top, "bin", NULL));
    g_ptr_array_add (dirs, g_strdup (top));
  }
#else
  g_ptr_array_add (dirs, g_strdup (SD_MODULEDIR));
#endif
  return dirs;
}

static GModule *
sd_module_open (const char  *name,
                GError     **error)
{
  g_autoptr(GPtrArray) dirs = sd_module_dirs ();
  g_autofree char *file = g_strconcat (name, ".", G_MODULE_SUFFIX, NULL);
  g_autoptr(GString) tried = g_string_new (NULL);

  for (guint i = 0; i < dirs->len; i++)
    {
      g_autofree char *path = g_build_filename (dirs->pdata[i], file, NULL);
      GModule *module;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_string_append_printf (tried, "%s%s", tried->len ? ", " : "", path);
          continue;
        }
      /* LOCAL: its symbols (libcurl's, libsecret's) stay out of everyone else's way. */
      module = g_module_open (path, G_MODULE_BIND_LOCAL);
      if (module != NULL)
        return module;
      /* Present but unloadable (a library of its own missing): say so, not "not found". */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not load %s: %s"), path, g_module_error ());
      return NULL;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("The module %s is not installed (looked for %s)"), name, tried->str);
  return NULL;
}

typedef struct {
  gconstpointer  table;
  GError        *error;   /* why it did not load, given to every later caller too */
} SdModuleSlot;

static SdModuleSlot *
sd_module_load (const char *name,
                const char *symbol,
                guint       abi)
{
  SdModuleSlot *slot = g_new0 (SdModuleSlot, 1);
  GModule *module = sd_module_open (name, &slot->error);
  SdModuleGetFunc get = NULL;

  if (module == NULL)
    return slot;
  if (!g_module_symbol (module, symbol, (gpointer *) &get) || get == NULL)
    g_set_error (&slot->error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 _("The module %s is damaged (no %s)"), name, symbol);
  else if ((slot->table = get ()) == NULL || *(const guint *) slot->table != abi)
    {
      g_set_error (&slot->error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The module %s belongs to another version of SMTP Doctor"), name);
      slot->table = NULL;
    }
  if (slot->table == NULL)
    {
      g_module_close (module);
      return slot;
    }
  /* Its table and the libraries under it are used until the process ends. */
  g_module_make_resident (module);
  return slot;
}

gconstpointer
_sd_module_get (const char  *name,
                const char  *symbol,
                guint        abi,
                GError     **error)
{
  static GMutex lock;
  static GHashTable *loaded;   /* name -> SdModuleSlot; a few entries, never freed */
  SdModuleSlot *slot;

  g_mutex_lock (&lock);
  if (loaded == NULL)
    loaded = g_hash_table_new (g_str_hash, g_str_equal);
  slot = g_hash_table_lookup (loaded, name);
  if (slot == NULL)
    {
      slot = sd_module_load (name, symbol, abi);
      g_hash_table_insert (loaded, g_strdup (name), slot);
    }
  g_mutex_unlock (&lock);

  if (slot->table == NULL)
    g_propagate_error (error, g_error_copy (slot->error));
  return slot->table;
}
