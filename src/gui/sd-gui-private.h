/* sd-gui-private.h: small helpers shared by the window's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* sd_settings_new() fills in defaults: replace them, don't leak them. Takes @value. */
static inline void
sd_take_str (char **field,
             char  *value)
{
  g_free (*field);
  *field = value;
}

G_END_DECLS
