/* sd-window.c: the main window: the profile bar and toolbar, the form, the session view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-private.h"
#include "sd-listen-view.h"
#include "sd-window-private.h"

G_DEFINE_FINAL_TYPE (SdWindow, sd_window, GTK_TYPE_APPLICATION_WINDOW)

void
sd_window_set_status (SdWindow   *self,
                      const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

/* ---- what the parts say ---------------------------------------------------------- */

static void
sd_window_on_form_changed (SdWindow *self)
{
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  sd_window_actions_update (self);
  sd_profile_bar_update_modified (self->profile_bar);
}

/* How the session ended, in the status line. */
static void
sd_window_on_session_finished (SdWindow       *self,
                               const SdReport *report)
{
  g_autofree char *status = NULL;

  if (report->ok)
    {
      g_autofree char *outcome = sd_report_describe_outcome (report);
      /* Translators: %s says how the session ended (“The server accepted the
       * message”, “Stopped after AUTH as asked…”). */
      status = g_strdup_printf (_("Done: %s."), outcome);
    }
  else
    {
      g_autofree char *message = sd_text_escape (report->error ? report->error->message : "");
      status = g_strdup_printf (_("Failed %s: %s"), sd_stage_describe (report->stage), message);
    }
  sd_window_set_status (self, status);
}

static void
sd_window_on_running_changed (SdWindow *self)
{
  if (sd_session_controller_is_running (self->controller))
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  sd_window_actions_update (self);
}

/* The form as it was sent is the one to find again at the next start. */
static void
sd_window_save_form (SdWindow *self)
{
  const char *active = sd_profile_bar_get_active_id (self->profile_bar);

  if (self->settings == NULL)
    return;
  sd_settings_form_save_state (self->settings_form, self->settings);
  g_settings_set_string (self->settings, "profile",
                         g_strcmp0 (active, "builtin") == 0 ? "builtin" : "");
}

static void
sd_window_on_sign_in_failed (SdWindow *self)
{
  sd_settings_form_update_oauth_status (self->settings_form);
}

static void
sd_window_connect_parts (SdWindow *self)
{
  sd_profile_bar_set_form (self->profile_bar, self->settings_form);
  sd_session_view_set_controller (self->session_view, self->controller);
  g_object_bind_property (self->profile_bar, "title", self, "title", G_BINDING_DEFAULT);
  g_signal_connect_swapped (self->settings_form, "changed", G_CALLBACK (sd_window_on_form_changed), self);
  g_signal_connect_swapped (self->profile_bar, "changed", G_CALLBACK (sd_window_actions_update), self);
  g_signal_connect_swapped (self->profile_bar, "message", G_CALLBACK (sd_window_set_status), self);
  g_signal_connect_swapped (self->controller, "message", G_CALLBACK (sd_window_set_status), self);
  g_signal_connect_swapped (self->controller, "notify::running",
                            G_CALLBACK (sd_window_on_running_changed), self);
  g_signal_connect_swapped (self->controller, "started", G_CALLBACK (sd_window_save_form), self);
  g_signal_connect_swapped (self->controller, "finished",
                            G_CALLBACK (sd_window_on_session_finished), self);
  g_signal_connect_swapped (self->controller, "sign-in-failed",
                            G_CALLBACK (sd_window_on_sign_in_failed), self);
}

/* ---- window state ---------------------------------------------------------------- */

static void
sd_window_save_state (SdWindow *self)
{
  int width, height;

  if (self->settings == NULL || self->state_saved)
    return;
  self->state_saved = TRUE;
  gtk_window_get_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_int (self->settings, "form-pane-position", gtk_paned_get_position (self->form_paned));
  g_settings_set_int (self->settings, "transcript-pane-position",
                      gtk_paned_get_position (sd_session_view_get_paned (self->session_view)));
}

/* What a window manager's frame and a panel may take beyond the work area's edge. */
#define SD_FRAME_WIDTH  16
#define SD_FRAME_HEIGHT 48
/* The hints and summary beside the transcript: never narrower, and at most this share. */
#define SD_SIDE_MIN 300
#define SD_SIDE_MAX 640

static GdkRectangle
sd_window_get_workarea (SdWindow *self)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  GdkMonitor *monitor = gdk_display_get_primary_monitor (display);
  GdkRectangle area = { 0, 0, 1280, 800 };

  if (monitor == NULL && gdk_display_get_n_monitors (display) > 0)
    monitor = gdk_display_get_monitor (display, 0);
  if (monitor != NULL)
    gdk_monitor_get_workarea (monitor, &area);
  return area;
}

/* The saved size, or for a first start five sixths of the screen (at least 1200×800),
 * always inside the work area: 1024×600 laptops and RDP sessions included. */
static void
sd_window_fit_size (SdWindow *self,
                    int      *width,
                    int      *height)
{
  GdkRectangle area = sd_window_get_workarea (self);
  g_autoptr(GVariant) saved = self->settings != NULL
                              ? g_settings_get_user_value (self->settings, "window-width") : NULL;

  if (saved == NULL)
    {
      *width = MAX (*width, area.width * 5 / 6);
      *height = MAX (*height, area.height * 5 / 6);
    }
  *width = MIN (*width, area.width - SD_FRAME_WIDTH);
  *height = MIN (*height, area.height - SD_FRAME_HEIGHT);
}

/* The side column takes two fifths of what the form leaves: the summary's lines fit on
 * one line each on a wide screen, the transcript keeps the rest on a small one. */
static void
sd_window_place_side_column (SdWindow *self,
                             int       width,
                             int       saved)
{
  int session = width - gtk_paned_get_position (self->form_paned) - 24;
  int side = CLAMP (session * 2 / 5, SD_SIDE_MIN, SD_SIDE_MAX);
  int transcript = session - side;

  if (saved > 0)
    transcript = MIN (saved, session - SD_SIDE_MIN);
  if (transcript > 0)
    gtk_paned_set_position (sd_session_view_get_paned (self->session_view), transcript);
}

static void
sd_window_load_state (SdWindow *self)
{
  int width = 1200, height = 800, transcript = -1;

  if (self->settings != NULL)
    {
      width = g_settings_get_int (self->settings, "window-width");
      height = g_settings_get_int (self->settings, "window-height");
      gtk_paned_set_position (self->form_paned,
                              g_settings_get_int (self->settings, "form-pane-position"));
      transcript = g_settings_get_int (self->settings, "transcript-pane-position");
    }
  sd_window_fit_size (self, &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  sd_window_place_side_column (self, width, transcript);
  if (self->settings != NULL && g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* ---- GObject --------------------------------------------------------------------- */

static void
sd_window_set_names (SdWindow *self)
{
  const SdAccessibleName names[] = {
    { self->send_button, N_("Send test mail") },
    { self->test_button, N_("Test connection") },
    { self->stop_button, N_("Stop") },
    { self->export_button, N_("Export") },
    { self->copy_button, N_("Copy to clipboard") },
    { self->menu_button, N_("Menu") },
    { self->status_label, N_("Status") },
  };

  sd_set_accessible_names (names, G_N_ELEMENTS (names));
}

static gboolean
sd_window_delete_event (GtkWidget   *widget,
                        GdkEventAny *event)
{
  sd_window_save_state (SD_WINDOW (widget));
  return GTK_WIDGET_CLASS (sd_window_parent_class)->delete_event
    ? GTK_WIDGET_CLASS (sd_window_parent_class)->delete_event (widget, event) : FALSE;
}

static void
sd_window_dispose (GObject *object)
{
  SdWindow *self = SD_WINDOW (object);

  if (self->controller != NULL)
    {
      /* Closing during a session: cancel it; what comes back of it is dropped. */
      g_signal_handlers_disconnect_by_data (self->controller, self);
      sd_session_controller_abandon (self->controller);
      if (self->session_view != NULL)
        sd_session_view_set_controller (self->session_view, NULL);
      g_clear_object (&self->controller);
    }
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->form_paned != NULL)
    sd_window_save_state (self);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sd_window_parent_class)->dispose (object);
}

static void
sd_window_class_init (SdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_window_dispose;
  widget_class->delete_event = sd_window_delete_event;

  g_type_ensure (SD_TYPE_PROFILE_BAR);
  g_type_ensure (SD_TYPE_SETTINGS_FORM);
  g_type_ensure (SD_TYPE_MESSAGE_OPTIONS);
  g_type_ensure (SD_TYPE_SESSION_VIEW);
  g_type_ensure (SD_TYPE_LISTEN_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdWindow, profile_bar);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, form_paned);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, settings_form);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, message_options);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, session_view);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, status_label);
}

static void
sd_window_init (SdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->controller = sd_session_controller_new ();
  sd_window_actions_init (self);
  sd_window_connect_parts (self);
  sd_window_set_names (self);
  sd_window_set_status (self, _("Ready."));
  sd_window_actions_update (self);
}

static void
sd_window_constructed (SdWindow *self)
{
  SdApplication *app = SD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GSettings *settings = app ? sd_application_get_settings (app) : NULL;
  g_autofree char *profile = NULL;

  self->settings = settings ? g_object_ref (settings) : NULL;
  sd_window_load_state (self);
  if (sd_profile_bar_load (self->profile_bar, app ? sd_application_get_builtin (app) : NULL)
      || self->settings == NULL)
    return;
  /* On the built-in server: the form as it was last sent, unless that was the server. */
  profile = g_settings_get_string (self->settings, "profile");
  if (!g_str_equal (profile, "builtin")
      && sd_settings_form_restore_state (self->settings_form, self->settings))
    sd_profile_bar_unselect (self->profile_bar);
}

SdWindow *
sd_window_new (SdApplication *application)
{
  SdWindow *self = g_object_new (SD_TYPE_WINDOW, "application", application, NULL);

  sd_window_constructed (self);
  return self;
}

/* ---- for the application and the tests ------------------------------------------- */

gboolean
sd_window_is_running (SdWindow *self)
{
  return sd_session_controller_is_running (self->controller);
}

const SdReport *
sd_window_get_report (SdWindow *self)
{
  return sd_session_controller_get_report (self->controller);
}

SdSettings *
sd_window_get_form_settings (SdWindow  *self,
                             GError   **error)
{
  g_autoptr(SdSettings) settings = sd_settings_form_read_session (self->settings_form, FALSE);

  if (!sd_settings_validate (settings, error))
    return NULL;
  return g_steal_pointer (&settings);
}

void
sd_window_apply_builtin (SdWindow *self)
{
  SdApplication *app = SD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app != NULL && sd_application_get_builtin (app) != NULL)
    sd_settings_form_fill (self->settings_form, sd_application_get_builtin (app));
}

gboolean
sd_window_import_profiles (SdWindow  *self,
                           GFile     *file,
                           guint     *n_imported,
                           GError   **error)
{
  return sd_profile_bar_import_file (self->profile_bar, file, n_imported, error);
}

gboolean
sd_window_export_profiles (SdWindow  *self,
                           GFile     *file,
                           GError   **error)
{
  return sd_profile_bar_export_file (self->profile_bar, file, error);
}

SdTranscriptView *
sd_window_get_transcript_view (SdWindow *self)
{
  return sd_session_view_get_transcript_view (self->session_view);
}

SdStageStrip *
sd_window_get_stage_strip (SdWindow *self)
{
  return sd_session_view_get_stage_strip (self->session_view);
}

SdSummaryCard *
sd_window_get_summary_card (SdWindow *self)
{
  return sd_session_view_get_summary_card (self->session_view);
}

SdHintsPanel *
sd_window_get_hints_panel (SdWindow *self)
{
  return sd_session_view_get_hints_panel (self->session_view);
}
