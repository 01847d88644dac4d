/* sd-profile-bar-actions.c: save, save as, rename, duplicate, delete, import, export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-private.h"
#include "sd-presets.h"
#include "sd-profile-bar-private.h"
#include "sd-secret.h"
#include "sd-secret-store.h"

typedef enum {
  SD_NAME_SAVE_AS,
  SD_NAME_RENAME,
} SdNameMode;

/* The newer-format file is never written: refuse before changing anything. */
static gboolean
sd_profile_bar_check_writable (SdProfileBar  *self,
                               GError       **error)
{
  if (!sd_profile_store_is_read_only (self->profiles))
    return TRUE;
  return sd_profile_store_save (self->profiles, error);
}

/* The password goes to the secret store when asked, never to the file; when there is
 * no store the profile is saved without it and @note says why. */
static void
sd_profile_bar_store_password (SdProfileBar     *self,
                               const char       *name,
                               const SdSettings *settings,
                               gboolean          remember,
                               char            **note)
{
  SdSecretStore *secrets = sd_secret_store_get_default ();
  g_autoptr(GError) secret_error = NULL;

  /* Short blocking calls: the secret store is local. */
  if (remember && settings->password != NULL)
    {
      if (!sd_secret_store_save (secrets, name, settings->password, &secret_error))
        {
          SdProfile *stored = sd_profile_store_lookup (self->profiles, name);
          stored->remember_password = FALSE;
          *note = g_strdup_printf (_("The password was not saved: %s"), secret_error->message);
          sd_settings_form_set_remember (self->form, FALSE);
        }
    }
  else if (!sd_secret_store_delete (secrets, name, &secret_error))
    *note = g_strdup_printf (_("The remembered password could not be removed: %s"), secret_error->message);
}

/* Stores the form as the profile @name (replacing one of that name) and selects it. */
static gboolean
sd_profile_bar_store_form (SdProfileBar  *self,
                           const char    *name,
                           char         **note,
                           GError       **error)
{
  g_autoptr(SdSettings) settings = sd_settings_form_read (self->form, TRUE);
  g_autoptr(SdProfile) profile = NULL;
  gboolean remember = sd_settings_form_get_remember (self->form);
  g_autofree char *id = g_strconcat ("profile:", name, NULL);

  if (!sd_profile_bar_check_writable (self, error))
    return FALSE;
  profile = sd_profile_new (name, settings);
  profile->remember_password = remember;
  if (!sd_profile_store_put (self->profiles, profile, error))
    return FALSE;
  sd_profile_bar_store_password (self, name, settings, remember, note);
  sd_profile_store_set_last_used (self->profiles, name);
  if (!sd_profile_store_save (self->profiles, error))
    return FALSE;
  g_free (self->current_profile);
  self->current_profile = g_strdup (name);
  sd_profile_bar_rebuild_picker (self, id);
  sd_profile_bar_mark_clean (self);
  return TRUE;
}

static void
sd_profile_bar_report_saved (SdProfileBar *self,
                             const char   *name,
                             const char   *note)
{
  g_autofree char *status = note
    ? g_strdup_printf (_("Saved the profile “%s”. %s"), name, note)
    : g_strdup_printf (_("Saved the profile “%s”."), name);

  sd_profile_bar_say (self, status);
}

/* Saves the form as @name and says how it went. */
static void
sd_profile_bar_save_named (SdProfileBar *self,
                           const char   *name)
{
  g_autofree char *note = NULL;
  g_autoptr(GError) error = NULL;

  if (!sd_profile_bar_store_form (self, name, &note, &error))
    sd_profile_bar_say (self, error->message);
  else
    sd_profile_bar_report_saved (self, name, note);
}

static gboolean
sd_profile_bar_rename_profile (SdProfileBar  *self,
                               const char    *old_name,
                               const char    *new_name,
                               GError       **error)
{
  SdSecretStore *secrets = sd_secret_store_get_default ();
  g_autofree char *id = g_strconcat ("profile:", new_name, NULL);
  g_autoptr(GError) secret_error = NULL;
  SdProfile *profile;
  char *password = NULL;

  if (!sd_profile_bar_check_writable (self, error)
      || !sd_profile_store_rename (self->profiles, old_name, new_name, error))
    return FALSE;
  if (!sd_profile_store_save (self->profiles, error))
    {
      sd_profile_store_rename (self->profiles, new_name, old_name, NULL);
      return FALSE;
    }
  /* The secret is filed under the name: move it along. */
  profile = sd_profile_store_lookup (self->profiles, new_name);
  if (profile->remember_password)
    {
      password = sd_secret_store_lookup (secrets, old_name, &secret_error);
      if (password != NULL && sd_secret_store_save (secrets, new_name, password, &secret_error))
        sd_secret_store_delete (secrets, old_name, NULL);
      sd_secret_free (password);
      if (secret_error != NULL)
        sd_profile_bar_say (self, secret_error->message);
    }
  g_free (self->current_profile);
  self->current_profile = g_strdup (new_name);
  sd_profile_bar_rebuild_picker (self, id);
  self->title_set = FALSE;
  sd_profile_bar_update_modified (self);
  return TRUE;
}

/* ---- the name dialog, for Save As and Rename --------------------------------------- */

static void
sd_profile_bar_show_name_error (GtkDialog    *dialog,
                                const GError *error)
{
  GtkEntry *entry = g_object_get_data (G_OBJECT (dialog), "sd-entry");
  GtkLabel *error_label = g_object_get_data (G_OBJECT (dialog), "sd-error");

  /* Stay open with the reason, so the user can fix the name. */
  gtk_label_set_text (error_label, error->message);
  gtk_widget_show (GTK_WIDGET (error_label));
  atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (entry)), error->message);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
}

static void
sd_profile_bar_on_name_response (GtkDialog    *dialog,
                                 int           response,
                                 SdProfileBar *self)
{
  SdNameMode mode = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "sd-mode"));
  GtkEntry *entry = g_object_get_data (G_OBJECT (dialog), "sd-entry");
  g_autofree char *name = NULL;
  g_autofree char *old_name = g_strdup (self->current_profile);
  g_autofree char *note = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  if (response != GTK_RESPONSE_OK)
    {
      gtk_widget_destroy (GTK_WIDGET (dialog));
      return;
    }
  name = g_strstrip (g_strdup (gtk_entry_get_text (entry)));
  if (mode == SD_NAME_RENAME && g_strcmp0 (name, old_name) == 0)
    done = TRUE;
  else if (*name != '\0' && sd_profile_store_lookup (self->profiles, name) != NULL)
    g_set_error (&error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_EXISTS,
                 _("A profile named “%s” exists already: choose another name."), name);
  else if (mode == SD_NAME_RENAME)
    done = sd_profile_bar_rename_profile (self, old_name, name, &error);
  else
    done = sd_profile_bar_store_form (self, name, &note, &error);

  if (!done)
    {
      sd_profile_bar_show_name_error (dialog, error);
      return;
    }
  if (mode == SD_NAME_RENAME)
    {
      g_autofree char *status = g_strdup_printf (_("Renamed “%s” to “%s”."), old_name, name);
      sd_profile_bar_say (self, status);
    }
  else
    sd_profile_bar_report_saved (self, name, note);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
sd_profile_bar_on_name_changed (GtkEntry  *entry,
                                GtkDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_entry_get_text (entry)));

  gtk_dialog_set_response_sensitive (dialog, GTK_RESPONSE_OK, *name != '\0');
}

static void
sd_profile_bar_ask_name (SdProfileBar *self,
                         SdNameMode    mode,
                         const char   *suggested)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWidget *dialog;
  GtkEntry *entry;

  if (self->name_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->name_dialog));
      return;
    }
  builder = gtk_builder_new_from_resource ("/io/github/smtpdoctor/SmtpDoctor/ui/sd-profile-name-dialog.ui");
  dialog = GTK_WIDGET (gtk_builder_get_object (builder, "dialog"));
  entry = GTK_ENTRY (gtk_builder_get_object (builder, "name_entry"));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), sd_profile_bar_get_window (self));
  gtk_window_set_title (GTK_WINDOW (dialog), mode == SD_NAME_RENAME ? _("Rename Profile") : _("Save Profile As"));
  if (mode == SD_NAME_RENAME)
    gtk_button_set_label (GTK_BUTTON (gtk_builder_get_object (builder, "ok_button")), _("_Rename"));
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (entry)), _("Profile name"));
  g_object_set_data (G_OBJECT (dialog), "sd-mode", GINT_TO_POINTER (mode));
  g_object_set_data (G_OBJECT (dialog), "sd-entry", entry);
  g_object_set_data (G_OBJECT (dialog), "sd-error", gtk_builder_get_object (builder, "error_label"));
  g_signal_connect (entry, "changed", G_CALLBACK (sd_profile_bar_on_name_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (sd_profile_bar_on_name_response), self);
  gtk_entry_set_text (entry, suggested ? suggested : "");
  sd_profile_bar_on_name_changed (entry, GTK_DIALOG (dialog));
  sd_dialog_track (dialog, &self->name_dialog);
  gtk_widget_show (dialog);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
}

/* ---- the menu's actions ---------------------------------------------------------- */

void
sd_profile_bar_save_as (SdProfileBar *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
  const SdPreset *preset = id && g_str_has_prefix (id, "preset:") ? sd_presets_lookup (id + strlen ("preset:")) : NULL;
  const char *suggested = self->current_profile ? self->current_profile
                          : preset ? _(preset->name)
                          : sd_settings_form_get_server (self->form);

  sd_profile_bar_ask_name (self, SD_NAME_SAVE_AS, suggested);
}

void
sd_profile_bar_save (SdProfileBar *self)
{
  g_autofree char *name = g_strdup (self->current_profile);

  /* The built-in server and the presets become profiles only under a name of their own. */
  if (name == NULL)
    sd_profile_bar_save_as (self);
  else
    sd_profile_bar_save_named (self, name);
}

void
sd_profile_bar_rename (SdProfileBar *self)
{
  if (self->current_profile != NULL)
    sd_profile_bar_ask_name (self, SD_NAME_RENAME, self->current_profile);
}

/* A copy of what the form shows, under a free name, so edits go with it. */
void
sd_profile_bar_duplicate (SdProfileBar *self)
{
  g_autofree char *name = NULL;

  if (self->current_profile == NULL)
    return;
  /* Translators: the name of a duplicated profile */
  name = g_strdup_printf (_("%s (copy)"), self->current_profile);
  for (guint n = 2; sd_profile_store_lookup (self->profiles, name) != NULL; n++)
    {
      g_free (name);
      /* Translators: the name of a profile's second, third... duplicate */
      name = g_strdup_printf (_("%s (copy %u)"), self->current_profile, n);
    }
  sd_profile_bar_save_named (self, name);
}

static void
sd_profile_bar_on_delete_response (GtkDialog    *dialog,
                                   int           response,
                                   SdProfileBar *self)
{
  g_autofree char *name = g_strdup (self->current_profile);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response != GTK_RESPONSE_ACCEPT || name == NULL)
    return;
  if (!sd_profile_bar_check_writable (self, &error)
      || !sd_profile_store_remove (self->profiles, name, &error)
      || !sd_profile_store_save (self->profiles, &error))
    {
      sd_profile_bar_say (self, error->message);
      sd_profile_store_load (self->profiles, NULL);   /* back to what the file says */
      return;
    }
  /* Short blocking call; a password left behind would outlive its profile. */
  if (!sd_secret_store_delete (sd_secret_store_get_default (), name, &error))
    status = g_strdup_printf (_("Deleted the profile “%s”; its password could not be removed: %s"),
                              name, error->message);
  else
    status = g_strdup_printf (_("Deleted the profile “%s”."), name);
  /* The form keeps what it shows, now unattached to any profile. */
  g_clear_pointer (&self->current_profile, g_free);
  sd_profile_bar_rebuild_picker (self, NULL);
  sd_profile_bar_mark_clean (self);
  sd_profile_bar_say (self, status);
}

void
sd_profile_bar_delete (SdProfileBar *self)
{
  g_autofree char *primary = NULL;

  if (self->current_profile == NULL || self->confirm_dialog != NULL)
    return;
  primary = g_strdup_printf (_("Delete the profile “%s”?"), self->current_profile);
  sd_profile_bar_confirm (self, primary,
                          _("Its settings and its remembered password are removed. "
                            "The form keeps what it shows."),
                          _("_Delete"), G_CALLBACK (sd_profile_bar_on_delete_response));
}

/* ---- import and export ----------------------------------------------------------- */

gboolean
sd_profile_bar_import_file (SdProfileBar  *self,
                            GFile         *file,
                            guint         *n_imported,
                            GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *active = g_strdup (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo)));
  gint n;

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be imported"));
      return FALSE;
    }
  if (!sd_profile_bar_check_writable (self, error))
    return FALSE;
  n = sd_profile_store_import (self->profiles, path, error);
  if (n < 0 || !sd_profile_store_save (self->profiles, error))
    {
      sd_profile_store_load (self->profiles, NULL);
      return FALSE;
    }
  sd_profile_bar_rebuild_picker (self, active);
  if (n_imported != NULL)
    *n_imported = n;
  return TRUE;
}

gboolean
sd_profile_bar_export_file (SdProfileBar  *self,
                            GFile         *file,
                            GError       **error)
{
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Profiles can only be exported to a local file"));
      return FALSE;
    }
  return sd_profile_store_export (self->profiles, path, error);
}

static void
sd_profile_bar_on_file_response (GtkNativeDialog *dialog,
                                 int              response,
                                 SdProfileBar    *self)
{
  gboolean import = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_OPEN;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *name = g_file_get_parse_name (file);
      g_autoptr(GError) error = NULL;
      g_autofree char *status = NULL;
      guint n = 0;

      if (import && sd_profile_bar_import_file (self, file, &n, &error))
        status = g_strdup_printf (ngettext ("Imported %u profile from %s.",
                                            "Imported %u profiles from %s.", n), n, name);
      else if (!import && sd_profile_bar_export_file (self, file, &error))
        status = g_strdup_printf (_("Exported the profiles to %s (no passwords)."), name);
      else
        status = g_strdup_printf (import ? _("Could not import %s: %s") : _("Could not export to %s: %s"),
                                  name, error->message);
      sd_profile_bar_say (self, status);
    }
  g_clear_object (&self->profile_chooser);
}

static void
sd_profile_bar_open_chooser (SdProfileBar *self,
                             gboolean      import)
{
  GtkFileChooser *chooser;

  if (self->profile_chooser != NULL)
    return;
  self->profile_chooser = gtk_file_chooser_native_new (import ? _("Import Profiles") : _("Export Profiles"),
                                                       sd_profile_bar_get_window (self),
                                                       import ? GTK_FILE_CHOOSER_ACTION_OPEN
                                                              : GTK_FILE_CHOOSER_ACTION_SAVE,
                                                       import ? _("_Import") : _("_Export"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->profile_chooser);
  if (!import)
    {
      gtk_file_chooser_set_do_overwrite_confirmation (chooser, TRUE);
      gtk_file_chooser_set_current_name (chooser, "smtp-doctor-profiles.ini");
    }
  sd_file_chooser_add_filter (chooser, _("SMTP Doctor profiles (*.ini)"), "*.ini");
  sd_file_chooser_add_filter (chooser, _("All files"), "*");
  g_signal_connect (self->profile_chooser, "response", G_CALLBACK (sd_profile_bar_on_file_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->profile_chooser));
}

void
sd_profile_bar_import (SdProfileBar *self)
{
  sd_profile_bar_open_chooser (self, TRUE);
}

void
sd_profile_bar_export (SdProfileBar *self)
{
  sd_profile_bar_open_chooser (self, FALSE);
}
