/* sd-json-private.h: JSON pieces shared by the report and the hints (Jansson)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

/* The "hints" array, in the one shape `send --json` and `diagnose --json` share. */
json_t *_sd_json_hints (GPtrArray *hints);
/* Pretty-printed, order kept; the result is g_free()able. Takes @root. */
char   *_sd_json_dump  (json_t    *root);

G_END_DECLS
