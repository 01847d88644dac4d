/* sd-i18n.c: where the programs find their translations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-i18n.h"

char *
sd_i18n_dup_localedir (void)
{
  const char *dir = g_getenv ("SMTP_DOCTOR_LOCALEDIR");

  if (dir != NULL && *dir != '\0')
    return g_strdup (dir);
#ifdef G_OS_WIN32
  {
    /* bin\smtp-doctor.exe: the top is the folder above bin\. */
    g_autofree char *top = g_win32_get_package_installation_directory_of_module (NULL);
    return g_build_filename (top, "share", "locale", NULL);
  }
#else
  return g_strdup (LOCALEDIR);
#endif
}

void
sd_i18n_bind (void)
{
  g_autofree char *dir = sd_i18n_dup_localedir ();
#ifdef G_OS_WIN32
  /* bindtextdomain() reads the ANSI code page: a per-user install under a user name
   * outside it would lose its translations. The path is UTF-8 here. */
  g_autofree gunichar2 *wdir = g_utf8_to_utf16 (dir, -1, NULL, NULL, NULL);

  wbindtextdomain (GETTEXT_PACKAGE, (const wchar_t *) wdir);
#else
  bindtextdomain (GETTEXT_PACKAGE, dir);
#endif
  /* Our strings go into GTK and g_print: UTF-8 even under a legacy code page. */
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}
