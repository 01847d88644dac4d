/* sd-profile-bar-private.h: the profile bar's insides, shared with its actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-profile.h"
#include "sd-profile-bar.h"

G_BEGIN_DECLS

struct _SdProfileBar
{
  GtkBox                parent_instance;

  /* Template children */
  GtkComboBoxText      *profile_combo;
  GtkLabel             *modified_label;
  GtkMenuButton        *profile_menu_button;

  SdSettingsForm       *form;
  const SdSettings     *builtin;         /* the application's */
  SdProfileStore       *profiles;
  char                 *current_profile; /* the saved profile the form came from, or NULL */
  SdSettings           *clean;           /* the form as that profile holds it */
  gboolean              clean_remember;
  gboolean              modified;
  gboolean              title_set;
  gboolean              switching;       /* the picker is being set from code */
  char                 *previous_id;     /* to go back to when a switch is cancelled */
  char                 *pending_id;      /* the switch waiting for "discard changes?" */
  char                 *title;
  GtkWidget            *name_dialog;
  GtkWidget            *confirm_dialog;
  GtkFileChooserNative *profile_chooser;
};

/* The status line says @text. */
void       sd_profile_bar_say            (SdProfileBar *self,
                                          const char   *text);
/* The window the bar is in, for dialogs. */
GtkWindow *sd_profile_bar_get_window     (SdProfileBar *self);
/* A question whose Accept destroys something: Enter cancels. */
void       sd_profile_bar_confirm        (SdProfileBar *self,
                                          const char   *primary,
                                          const char   *secondary,
                                          const char   *accept_label,
                                          GCallback     on_response);
/* The built-in server, the saved profiles, then the presets; selects @active_id. */
void       sd_profile_bar_rebuild_picker (SdProfileBar *self,
                                          const char   *active_id);
/* What the form shows now is what the profile holds. */
void       sd_profile_bar_mark_clean     (SdProfileBar *self);

G_END_DECLS
