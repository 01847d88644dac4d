/* sd-profile-bar.h: the profile picker, its "modified" mark and what to do with profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-settings-form.h"

G_BEGIN_DECLS

#define SD_TYPE_PROFILE_BAR (sd_profile_bar_get_type ())
G_DECLARE_FINAL_TYPE (SdProfileBar, sd_profile_bar, SD, PROFILE_BAR, GtkBox)

/* "message" (a string for the status line) says how an action went; "changed" that the
 * current profile or the list changed; the "title" property is the window's title. */
GtkWidget  *sd_profile_bar_new             (void);
/* The form the profiles fill and are saved from. */
void        sd_profile_bar_set_form        (SdProfileBar     *self,
                                            SdSettingsForm   *form);
/* Reads the saved profiles and selects the last used one, else the built-in server
 * (@builtin, owned by the application: it must outlive the bar). TRUE when a saved
 * profile was selected. */
gboolean    sd_profile_bar_load            (SdProfileBar     *self,
                                            const SdSettings *builtin);
/* The picker shows nothing: the form came from elsewhere. */
void        sd_profile_bar_unselect        (SdProfileBar     *self);
/* "builtin", "profile:NAME", "preset:ID" or NULL */
const char *sd_profile_bar_get_active_id   (SdProfileBar     *self);
/* The saved profile the form came from, or NULL. */
const char *sd_profile_bar_get_current     (SdProfileBar     *self);
guint       sd_profile_bar_get_n_profiles  (SdProfileBar     *self);
const char *sd_profile_bar_get_title       (SdProfileBar     *self);
/* Compares the form with the profile again: the mark and the title follow. */
void        sd_profile_bar_update_modified (SdProfileBar     *self);

/* The profile menu's actions (sd-profile-bar-actions.c). */
void        sd_profile_bar_save            (SdProfileBar     *self);
void        sd_profile_bar_save_as         (SdProfileBar     *self);
void        sd_profile_bar_rename          (SdProfileBar     *self);
void        sd_profile_bar_duplicate       (SdProfileBar     *self);
void        sd_profile_bar_delete          (SdProfileBar     *self);
/* Ask for a file, then import or export. */
void        sd_profile_bar_import          (SdProfileBar     *self);
void        sd_profile_bar_export          (SdProfileBar     *self);
/* Adds the profiles in @file (a profiles export) to the saved ones and writes them. */
gboolean    sd_profile_bar_import_file     (SdProfileBar     *self,
                                            GFile            *file,
                                            guint            *n_imported,
                                            GError          **error);
/* Writes the saved profiles to @file, without passwords. */
gboolean    sd_profile_bar_export_file     (SdProfileBar     *self,
                                            GFile            *file,
                                            GError          **error);

G_END_DECLS
