/* sd-window-actions.c: the window's actions: the session, the report, the profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-burst-dialog.h"
#include "sd-gui-private.h"
#include "sd-monitor.h"
#include "sd-report-html.h"
#include "sd-window-private.h"

void
sd_window_actions_update (SdWindow *self)
{
  gboolean running = sd_session_controller_is_running (self->controller);
  gboolean has_report = sd_session_controller_get_report (self->controller) != NULL;
  gboolean has_profile = sd_profile_bar_get_current (self->profile_bar) != NULL;
  const struct { const char *name; gboolean enabled; } states[] = {
    { "send", !running && sd_settings_form_is_valid (self->settings_form) },
    { "test", !running && sd_settings_form_is_connect_valid (self->settings_form) },
    { "stop", running },
    { "export", !running && has_report },
    { "copy-report", !running && has_report },
    { "profile-rename", has_profile },
    { "profile-duplicate", has_profile },
    { "profile-delete", has_profile },
    { "profile-export", sd_profile_bar_get_n_profiles (self->profile_bar) > 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), states[i].name);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), states[i].enabled);
    }
}

/* ---- the session ----------------------------------------------------------------- */

/* Many messages: in a window of their own, with a chart. */
static void
sd_window_start_burst (SdWindow          *self,
                       SdSettings        *settings,
                       const SdBurstSpec *spec)
{
  g_autoptr(SdSettings) owned = settings;
  g_autoptr(GError) error = NULL;

  if (self->burst_dialog != NULL && sd_burst_dialog_is_running (SD_BURST_DIALOG (self->burst_dialog)))
    return;
  if (!sd_settings_validate (owned, &error) || !sd_burst_spec_validate (spec, &error))
    {
      sd_window_set_status (self, error->message);
      return;
    }
  if (self->burst_dialog != NULL)
    gtk_widget_destroy (self->burst_dialog);
  self->burst_dialog = sd_burst_dialog_new (GTK_WINDOW (self));
  g_object_add_weak_pointer (G_OBJECT (self->burst_dialog), (gpointer *) &self->burst_dialog);
  gtk_window_present (GTK_WINDOW (self->burst_dialog));
  sd_burst_dialog_run (SD_BURST_DIALOG (self->burst_dialog), g_steal_pointer (&owned), spec);
}

static void
sd_window_start (SdWindow *self,
                 gboolean  connection_only)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  SdSettings *settings;
  SdBurstSpec burst;

  if (sd_session_controller_is_running (self->controller))
    return;
  settings = sd_settings_form_read_session (self->settings_form, connection_only);
  if (!connection_only)
    {
      sd_message_options_apply (self->message_options, settings);
      if (sd_message_options_get_burst (self->message_options, &burst))
        {
          sd_window_start_burst (self, settings, &burst);
          return;
        }
    }
  sd_session_controller_set_application (self->controller, app ? G_APPLICATION (app) : NULL);
  sd_session_controller_start (self->controller, settings, connection_only);
}

static void
sd_window_action_send (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  sd_window_start (SD_WINDOW (user_data), FALSE);
}

static void
sd_window_action_test (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  sd_window_start (SD_WINDOW (user_data), TRUE);
}

static void
sd_window_action_stop (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  sd_session_controller_stop (SD_WINDOW (user_data)->controller);
}

static void
sd_window_action_find (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);

  sd_transcript_view_start_find (sd_session_view_get_transcript_view (self->session_view));
}

/* ---- the report ------------------------------------------------------------------ */

/* The export formats, in the chooser's order; the extension names the format. */
static const struct {
  const char *extension;
  const char *filter_name;   /* marked with N_() */
} sd_export_formats[] = {
  { ".txt", N_("Text for a ticket (*.txt)") },
  { ".html", N_("Web page (HTML, *.html)") },
  { ".json", N_("JSON (*.json)") },
};

gboolean
sd_window_export_to_file (SdWindow  *self,
                          GFile     *file,
                          GError   **error)
{
  const SdReport *report = sd_session_controller_get_report (self->controller);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autofree char *data = NULL;

  g_return_val_if_fail (report != NULL, FALSE);
  if (g_str_has_suffix (lower, ".html") || g_str_has_suffix (lower, ".htm"))
    data = sd_report_export_html (report, NULL);
  else if (g_str_has_suffix (lower, ".json"))
    data = sd_report_export_json (report, NULL);
  else
    data = sd_report_export_text (report, NULL);
  return g_file_replace_contents (file, data, strlen (data), NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, NULL, error);
}

/* @file with the extension of the type chosen in @chooser: the suggested name ends in
 * .txt, and a user who picks "Web page" and keeps it means a web page. */
static GFile *
sd_window_file_for_filter (GtkFileChooser *chooser,
                           GFile          *file)
{
  GtkFileFilter *filter = gtk_file_chooser_get_filter (chooser);
  const char *extension = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  char *dot = strrchr (name, '.');

  for (guint i = 0; filter != NULL && i < G_N_ELEMENTS (sd_export_formats); i++)
    if (g_strcmp0 (gtk_file_filter_get_name (filter), _(sd_export_formats[i].filter_name)) == 0)
      extension = sd_export_formats[i].extension;
  if (extension == NULL || g_str_has_suffix (lower, extension)
      || (g_str_equal (extension, ".html") && g_str_has_suffix (lower, ".htm")))
    return g_object_ref (file);
  /* Another format's extension is replaced; any other name keeps its dots. */
  for (guint i = 0; dot != NULL && i < G_N_ELEMENTS (sd_export_formats); i++)
    if (g_ascii_strcasecmp (dot, sd_export_formats[i].extension) == 0)
      *dot = '\0';
  {
    g_autofree char *fixed = g_strconcat (name, extension, NULL);
    return g_file_get_child (parent, fixed);
  }
}

static void
sd_window_on_export_response (GtkNativeDialog *dialog,
                              int              response,
                              SdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GFile) file = sd_window_file_for_filter (GTK_FILE_CHOOSER (dialog), chosen);
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_file_get_parse_name (file);
      g_autofree char *status = NULL;

      if (sd_window_export_to_file (self, file, &error))
        status = g_strdup_printf (_("Saved %s (credentials redacted)."), name);
      else
        status = g_strdup_printf (_("Could not save %s: %s"), name, error->message);
      sd_window_set_status (self, status);
    }
  g_clear_object (&self->chooser);
}

static void
sd_window_action_export (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  const SdReport *report = sd_session_controller_get_report (self->controller);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *suggested = NULL;
  GtkFileChooser *chooser;

  if (report == NULL || self->chooser != NULL)
    return;
  suggested = g_strdup_printf ("smtp-doctor-%s-%s.txt", report->host ? report->host : "report", stamp);
  self->chooser = gtk_file_chooser_native_new (_("Export the report"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  gtk_file_chooser_set_do_overwrite_confirmation (chooser, TRUE);
  gtk_file_chooser_set_current_name (chooser, suggested);
  for (guint i = 0; i < G_N_ELEMENTS (sd_export_formats); i++)
    {
      g_autofree char *pattern = g_strconcat ("*", sd_export_formats[i].extension, NULL);
      sd_file_chooser_add_filter (chooser, _(sd_export_formats[i].filter_name), pattern);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (sd_window_on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
sd_window_action_copy_report (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  const SdReport *report = sd_session_controller_get_report (self->controller);
  g_autofree char *text = NULL;

  if (report == NULL)
    return;
  text = sd_report_export_text (report, NULL);
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD), text, -1);
  sd_window_set_status (self, _("The report is on the clipboard (credentials redacted)."));
}

/* ---- the profiles: the bar does them --------------------------------------------- */

#define SD_PROFILE_ACTION(verb)                                           \
  static void                                                             \
  sd_window_action_profile_##verb (GSimpleAction *action,                 \
                                   GVariant      *parameter,              \
                                   gpointer       user_data)              \
  {                                                                       \
    sd_profile_bar_##verb (SD_WINDOW (user_data)->profile_bar);           \
  }

SD_PROFILE_ACTION (save)
SD_PROFILE_ACTION (save_as)
SD_PROFILE_ACTION (rename)
SD_PROFILE_ACTION (duplicate)
SD_PROFILE_ACTION (delete)
SD_PROFILE_ACTION (import)
SD_PROFILE_ACTION (export)

/* Where the monitoring host keeps the password: a file named after the profile (or
 * the server), since its secret store is not this desktop's. */
static char *
sd_window_monitor_password_file (SdWindow         *self,
                                 const SdSettings *settings)
{
  const char *name = sd_profile_bar_get_current (self->profile_bar);
  g_autofree char *slug = g_strdup (name != NULL ? name : settings->host);

  g_strcanon (slug, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", '-');
  return g_strdup_printf ("/etc/smtp-doctor/%s.password", slug);
}

static void
sd_window_action_copy_monitor_command (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  g_autoptr(SdSettings) settings = sd_settings_form_read (self->settings_form, TRUE);
  g_autofree char *file = NULL;
  g_autofree char *line = NULL;
  g_autofree char *status = NULL;

  if (settings->host == NULL || *settings->host == '\0')
    return;
  file = sd_window_monitor_password_file (self, settings);
  line = sd_monitor_command_line (settings, file);
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD),
                          line, -1);
  /* Translators: %s is a file path on the monitoring host. */
  status = g_strdup_printf (_("The monitoring command is on the clipboard; on the monitoring "
                              "host, put the password in %s, readable only by the "
                              "monitoring user."), file);
  sd_window_set_status (self, status);
}

static const GActionEntry sd_window_actions[] = {
  { "send", sd_window_action_send },
  { "test", sd_window_action_test },
  { "stop", sd_window_action_stop },
  { "export", sd_window_action_export },
  { "copy-report", sd_window_action_copy_report },
  { "find", sd_window_action_find },
  { "profile-save", sd_window_action_profile_save },
  { "profile-save-as", sd_window_action_profile_save_as },
  { "profile-rename", sd_window_action_profile_rename },
  { "profile-duplicate", sd_window_action_profile_duplicate },
  { "profile-delete", sd_window_action_profile_delete },
  { "profile-import", sd_window_action_profile_import },
  { "profile-export", sd_window_action_profile_export },
  { "copy-monitor-command", sd_window_action_copy_monitor_command },
};

void
sd_window_actions_init (SdWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), sd_window_actions,
                                   G_N_ELEMENTS (sd_window_actions), self);
}
