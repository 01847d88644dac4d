/* sd-i18n.h: where the programs find their translations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The directory holding LANG/LC_MESSAGES/smtp-doctor.mo (transfer full):
 * $SMTP_DOCTOR_LOCALEDIR when set (the tests use the build tree's), share\locale next
 * to bin\ on Windows (so an unpacked or moved folder works), else LOCALEDIR. */
char *sd_i18n_dup_localedir (void);
/* Binds GETTEXT_PACKAGE to that directory, in UTF-8 whatever the locale's charset.
 * Programs call it after setlocale(), then textdomain(); the library never sets the
 * locale. */
void  sd_i18n_bind          (void);

G_END_DECLS
