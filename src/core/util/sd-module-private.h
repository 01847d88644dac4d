/* sd-module-private.h: the parts only some commands need, loaded when they need them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every module exports one function of this type, named by its caller: it gives a
 * const table of functions whose first member is the ABI version it was built with. */
typedef gconstpointer (*SdModuleGetFunc) (void);

/* Loads the module @name ("sd-oauth-curl" -> sd-oauth-curl.so / .dll) once per process
 * and returns what its @symbol gives, or NULL with @error when the module is missing,
 * lacks @symbol or was built for another @abi (the table's first guint). Looked for in
 * $SD_MODULE_DIR, then beside the program (the Windows bundle), then in the installed
 * module folder. The module stays loaded for the life of the process. Thread-safe. */
gconstpointer _sd_module_get (const char  *name,
                              const char  *symbol,
                              guint        abi,
                              GError     **error);

G_END_DECLS
