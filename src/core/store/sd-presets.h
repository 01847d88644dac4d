/* sd-presets.h: starting points for common services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-profile.h"

G_BEGIN_DECLS

typedef struct {
  const char *id;         /* "microsoft-365" */
  const char *name;       /* "Microsoft 365"; untranslated: show _(name) */
  const char *host;       /* NULL: the user must fill it in */
  guint16     port;
  SdSecurity  security;
  const char *auth;
  const char *user_hint;  /* e.g. "apikey" for SendGrid, NULL otherwise */
  const char *note;       /* untranslated: show _(note) */
} SdPreset;

/* (transfer none) the table, @n_presets entries */
const SdPreset *sd_presets_get        (guint          *n_presets);
const SdPreset *sd_presets_lookup     (const char     *id);
/* A profile named after the preset, carrying its note (transfer full). */
SdProfile      *sd_preset_to_profile  (const SdPreset *preset);

G_END_DECLS
