/* sd-strings-private.h: small string helpers shared inside the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deep copy of a GPtrArray of strings; the copy frees its strings (transfer full). */
GPtrArray *_sd_string_array_copy (const GPtrArray *array);
/* Lower-case hex of @len bytes (transfer full). */
char      *_sd_hex_encode        (const guint8    *data,
                                  gsize            len);

G_END_DECLS
