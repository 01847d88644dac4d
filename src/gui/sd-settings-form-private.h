/* sd-settings-form-private.h: the form's insides, shared with its OAuth rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-settings-form.h"

G_BEGIN_DECLS

struct _SdSettingsForm
{
  GtkGrid          parent_instance;

  /* Template children */
  GtkEntry        *server_entry;
  GtkEntry        *port_entry;
  GtkComboBoxText *security_combo;
  GtkLabel        *security_hint;
  GtkComboBoxText *verify_combo;
  GtkEntry        *pin_entry;
  GtkLabel        *verify_hint;
  GtkComboBoxText *auth_combo;
  GtkEntry        *user_entry;
  GtkWidget       *password_label;
  GtkWidget       *password_box;
  GtkEntry        *password_entry;
  GtkToggleButton *reveal_button;
  GtkWidget       *provider_label;
  GtkComboBoxText *provider_combo;
  GtkWidget       *tenant_label;
  GtkEntry        *tenant_entry;
  GtkWidget       *client_id_label;
  GtkEntry        *client_id_entry;
  GtkWidget       *client_secret_label;
  GtkEntry        *client_secret_entry;
  GtkWidget       *oauth_box;
  GtkLabel        *oauth_status;
  GtkCheckButton  *remember_check;
  GtkCheckButton  *plaintext_check;
  GtkLabel        *plaintext_warning;
  GtkEntry        *from_entry;
  GtkEntry        *to_entry;
  GtkEntry        *subject_entry;
  GtkTextView     *body_view;
  GtkComboBoxText *quit_after_combo;
  GtkLabel        *form_status;

  guint            oauth_status_id;     /* the status lookup waiting for typing to pause */
  GCancellable    *oauth_status_cancellable;
  GtkWidget       *oauth_dialog;
  gboolean         port_edited;         /* the user typed a port: stop following the mode */
  gboolean         setting_port;
  gboolean         valid;
  gboolean         connect_valid;
};

SdSecurity  sd_settings_form_get_security        (SdSettingsForm  *self);
const char *sd_settings_form_combo_id            (GtkComboBoxText *combo,
                                                  const char      *fallback);
/* XOAUTH2 or OAUTHBEARER: a token from a sign-in instead of a password. */
gboolean    sd_settings_form_is_oauth            (SdSettingsForm  *self);
gboolean    sd_settings_form_is_google           (SdSettingsForm  *self);

/* sd-settings-form-checks.c */
/* Recipients may be separated by commas, semicolons or spaces, as users paste them. */
char      **sd_split_addresses                   (const char      *text);
/* A pin may be pasted with colons (as browsers show it) and in either case. */
char       *sd_normalize_pin                     (const char      *text);
/* Marks every field with its problem and says the first one under the form. */
void        sd_settings_form_check               (SdSettingsForm  *self);

/* sd-settings-form-oauth.c */
void        sd_settings_form_update_auth_rows    (SdSettingsForm  *self);
void        sd_settings_form_schedule_oauth_status (SdSettingsForm *self);
void        sd_settings_form_on_sign_in_clicked  (SdSettingsForm  *self);
/* Stops the status lookup and closes the sign-in dialog. */
void        sd_settings_form_clear_oauth         (SdSettingsForm  *self);

G_END_DECLS
