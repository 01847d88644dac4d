/* sd-application.h: the GtkApplication: accelerators, CSS, settings, the built-in server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-settings.h"

G_BEGIN_DECLS

#define SD_TYPE_APPLICATION (sd_application_get_type ())
G_DECLARE_FINAL_TYPE (SdApplication, sd_application, SD, APPLICATION, GtkApplication)

SdApplication    *sd_application_new          (void);
/* NULL when the schema is not installed (running from a build tree without
 * GSETTINGS_SCHEMA_DIR): the window then simply does not remember anything. */
GSettings        *sd_application_get_settings (SdApplication *self);
/* What the "Built-in test server" profile fills in (transfer none). */
const SdSettings *sd_application_get_builtin  (SdApplication *self);
/* Replaces it, e.g. a test pointing it at its scripted server. Takes a copy. */
void              sd_application_set_builtin  (SdApplication    *self,
                                               const SdSettings *settings);

G_END_DECLS
