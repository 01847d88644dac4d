/* main.c: smtp-doctor, the GTK application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sd-application.h"
#include "sd-i18n.h"

#ifdef G_OS_WIN32
/* Installed (or unpacked) as bin\smtp-doctor.exe with share\ beside bin\: find the
 * schemas from where the program is, so that a per-user install or a moved folder works
 * (sd_i18n_bind() does the same for the translations). */
static void
sd_gui_win32_setup_datadir (void)
{
  g_autofree char *top = g_win32_get_package_installation_directory_of_module (NULL);
  g_autofree char *schemas = g_build_filename (top, "share", "glib-2.0", "schemas", NULL);

  /* GLib finds share\ next to its own DLL too; this also covers a GLib elsewhere. */
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL &&
      g_file_test (schemas, G_FILE_TEST_IS_DIR))
    g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, FALSE);
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SdApplication) app = NULL;

#ifdef G_OS_WIN32
  sd_gui_win32_setup_datadir ();
#endif
  setlocale (LC_ALL, "");
  sd_i18n_bind ();
  textdomain (GETTEXT_PACKAGE);

  app = sd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
