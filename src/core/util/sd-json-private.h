/* sd-json-private.h: JSON pieces shared by the report and the hints (Jansson)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <jansson.h>
#include "sd-capabilities.h"
#include "sd-tls.h"

G_BEGIN_DECLS

/* A JSON string of @text made valid UTF-8 (servers send anything), or null. */
json_t *_sd_json_text    (const char *text);
/* An array of strings (NULL: an empty array). */
json_t *_sd_json_strings (GPtrArray  *strings);
/* EHLO capabilities {domain, keywords[], auth[], starttls, …} and TLS facts {version,
 * cipher, verified, chain[], …}, as in `send --json`; null for NULL. */
json_t *_sd_json_caps    (const SdCapabilities *caps);
json_t *_sd_json_tls     (const SdTlsInfo      *tls);
/* The transcript: [{t_ms, dir, stage, encrypted, redacted, text}], one shape everywhere. */
json_t *_sd_json_events  (GPtrArray  *events);
/* The "hints" array, in the one shape `send --json` and `diagnose --json` share; NULL
 * gives an empty one. */
json_t *_sd_json_hints   (GPtrArray  *hints);
/* Order kept, pretty-printed or on one line; g_free()able. Takes @root. */
char   *_sd_json_dump    (json_t     *root,
                          gboolean    one_line);

G_END_DECLS
