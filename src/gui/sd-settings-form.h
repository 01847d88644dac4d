/* sd-settings-form.h: the server, security, login and message fields, checked as typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-settings.h"

G_BEGIN_DECLS

#define SD_TYPE_SETTINGS_FORM (sd_settings_form_get_type ())
G_DECLARE_FINAL_TYPE (SdSettingsForm, sd_settings_form, SD, SETTINGS_FORM, GtkGrid)

/* Emits "changed" after each edit, once the fields have been checked again. */
GtkWidget  *sd_settings_form_new                  (void);
/* The form as it stands (transfer full). @for_profile keeps what the user chose rather
 * than what a session would do with it. */
SdSettings *sd_settings_form_read                 (SdSettingsForm   *self,
                                                   gboolean          for_profile);
/* What a session would run (transfer full, not validated); @connection_only stops it
 * before MAIL. */
SdSettings *sd_settings_form_read_session         (SdSettingsForm   *self,
                                                   gboolean          connection_only);
void        sd_settings_form_fill                 (SdSettingsForm   *self,
                                                   const SdSettings *settings);
/* Where and how from @profile, with @password; what to send stays as typed. */
void        sd_settings_form_apply_profile        (SdSettingsForm   *self,
                                                   const SdSettings *profile,
                                                   const char       *password);
/* Every field is fine for sending; or only those a connection test needs. */
gboolean    sd_settings_form_is_valid             (SdSettingsForm   *self);
gboolean    sd_settings_form_is_connect_valid     (SdSettingsForm   *self);
gboolean    sd_settings_form_get_remember         (SdSettingsForm   *self);
void        sd_settings_form_set_remember         (SdSettingsForm   *self,
                                                   gboolean          remember);
const char *sd_settings_form_get_server           (SdSettingsForm   *self);
/* Looks the stored sign-in up again and says how it stands. */
void        sd_settings_form_update_oauth_status  (SdSettingsForm   *self);
/* The fields in @settings' keys, never the password. */
void        sd_settings_form_save_state           (SdSettingsForm   *self,
                                                   GSettings        *settings);
/* Fills the form from @settings' keys; FALSE (and nothing filled) when they hold none. */
gboolean    sd_settings_form_restore_state        (SdSettingsForm   *self,
                                                   GSettings        *settings);

G_END_DECLS
