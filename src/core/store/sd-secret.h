/* sd-secret.h: wiping passwords and AUTH payloads after use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Overwrites @len bytes at @data in a way the compiler may not drop. */
void    sd_secret_wipe       (gpointer    data,
                              gsize       len);
/* Wipes a NUL-terminated string and frees it. NULL is fine. */
void    sd_secret_free       (char       *secret);
/* Takes @data (g_malloc'd); the GBytes wipes it when the last ref goes. */
GBytes *sd_secret_bytes_take (guint8     *data,
                              gsize       len);

G_END_DECLS
