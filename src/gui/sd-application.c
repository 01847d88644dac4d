/* sd-application.c: the GtkApplication: accelerators, CSS, settings, the built-in server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gi18n.h>

#include "sd-application.h"
#include "sd-gui-private.h"
#include "sd-secret.h"
#include "sd-server.h"
#include "sd-window.h"

struct _SdApplication
{
  GtkApplication  parent_instance;
  GSettings      *settings;
  SdSettings     *builtin;
  SdServer       *server;     /* the built-in test server, NULL if it could not start */
};

G_DEFINE_FINAL_TYPE (SdApplication, sd_application, GTK_TYPE_APPLICATION)

static const struct {
  const char *action;
  const char *accels[3];
} sd_accels[] = {
  { "win.send",        { "<Primary>Return", "<Primary>KP_Enter", NULL } },
  { "win.test",        { "<Primary><Shift>Return", NULL } },
  { "win.stop",        { "Escape", NULL } },
  { "win.export",      { "<Primary>s", NULL } },
  { "win.copy-report", { "<Primary><Shift>c", NULL } },
  { "win.find",        { "<Primary>f", NULL } },
  { "win.profile-save", { "<Primary><Shift>s", NULL } },
  { "win.profile-rename", { "F2", NULL } },
  { "app.quit",        { "<Primary>q", NULL } },
};

static void
sd_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  const char *authors[] = { "The SMTP Doctor developers", NULL };

  gtk_show_about_dialog (window,
                         "program-name", _("SMTP Doctor"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Find out why mail does not get through an SMTP server"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

static void
sd_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Destroying the windows cancels their sessions; the app ends when they are done. */
  for (GList *l = windows; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_list_free (windows);
}

static const GActionEntry sd_app_actions[] = {
  { "about", sd_application_about },
  { "quit", sd_application_quit },
};

static void
sd_application_init_builtin (SdApplication *self)
{
  /* Until the built-in server runs, the profile points at loopback and leaves the port
   * to the user (smtp-doctor-cli serve, for instance). */
  self->builtin = sd_settings_new ();
  self->builtin->host = g_strdup ("127.0.0.1");
  self->builtin->security = SD_SECURITY_STARTTLS;
  self->builtin->tls_verify = SD_TLS_VERIFY;
  sd_take_str (&self->builtin->auth, g_strdup ("auto"));
  self->builtin->from = g_strdup ("doctor@example.test");
  self->builtin->to = g_strsplit ("postmaster@example.test", ",", -1);
  sd_take_str (&self->builtin->subject, g_strdup (_("SMTP Doctor test message")));
  sd_take_str (&self->builtin->body, g_strdup (_("This is a test message sent by SMTP Doctor.")));
}

/* The built-in server on an ephemeral loopback port, so that Send works out of the box.
 * Its demo password is new each run: nothing fixed listens on the machine. Like
 * Exchange, it offers AUTH only after STARTTLS. */
static void
sd_application_start_server (SdApplication *self)
{
  g_autoptr(SdServerConfig) config = sd_server_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *password = g_uuid_string_random ();

  config->listen_address = g_strdup ("127.0.0.1");
  config->starttls = TRUE;
  config->require_tls_for_auth = TRUE;
  sd_server_config_add_account (config, "demo", password);
  self->server = sd_server_new (config);
  if (!sd_server_start (self->server, &error))
    {
      g_warning ("The built-in test server did not start: %s", error->message);
      g_clear_object (&self->server);
      return;
    }

  self->builtin->port = sd_server_get_port (self->server);
  self->builtin->tls_verify = SD_TLS_PIN;
  g_free (self->builtin->tls_pin);
  self->builtin->tls_pin = g_strdup (sd_server_get_cert_sha256 (self->server));
  g_free (self->builtin->user);
  self->builtin->user = g_strdup ("demo");
  sd_secret_free (self->builtin->password);
  self->builtin->password = g_steal_pointer (&password);
}

/* dconf saves through the session bus; without one it prints a warning at every write
 * and keeps nothing. Then the settings live in memory for this run, quietly. */
static GSettings *
sd_application_new_settings (void)
{
#ifdef G_OS_UNIX
  g_autoptr(GSettingsBackend) backend = g_settings_backend_get_default ();

  if (g_str_equal (G_OBJECT_TYPE_NAME (backend), "DConfSettingsBackend"))
    {
      g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
      if (bus == NULL)
        {
          g_autoptr(GSettingsBackend) memory = g_memory_settings_backend_new ();
          g_debug ("no session bus: settings are kept in memory for this run");
          return g_settings_new_with_backend (APP_ID, memory);
        }
    }
#endif
  return g_settings_new (APP_ID);
}

static void
sd_application_startup (GApplication *app)
{
  SdApplication *self = SD_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (sd_application_parent_class)->startup (app);

  g_set_application_name (_("SMTP Doctor"));
  gtk_window_set_default_icon_name (APP_ID);
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    self->settings = sd_application_new_settings ();

  gtk_css_provider_load_from_resource (css, "/io/github/smtpdoctor/SmtpDoctor/ui/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  sd_application_start_server (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), sd_app_actions,
                                   G_N_ELEMENTS (sd_app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (sd_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), sd_accels[i].action,
                                           sd_accels[i].accels);
}

static void
sd_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (sd_window_new (SD_APPLICATION (app)));
  gtk_window_present (window);
}

static void
sd_application_shutdown (GApplication *app)
{
  SdApplication *self = SD_APPLICATION (app);

  if (self->server != NULL)
    sd_server_stop (self->server);
  g_clear_object (&self->server);
  G_APPLICATION_CLASS (sd_application_parent_class)->shutdown (app);
}

static void
sd_application_finalize (GObject *object)
{
  SdApplication *self = SD_APPLICATION (object);

  if (self->server != NULL)
    sd_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->builtin, sd_settings_free);
  G_OBJECT_CLASS (sd_application_parent_class)->finalize (object);
}

static void
sd_application_class_init (SdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sd_application_finalize;
  app_class->startup = sd_application_startup;
  app_class->activate = sd_application_activate;
  app_class->shutdown = sd_application_shutdown;
}

static void
sd_application_init (SdApplication *self)
{
  sd_application_init_builtin (self);
}

SdApplication *
sd_application_new (void)
{
  return g_object_new (SD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/smtpdoctor/SmtpDoctor",
                       NULL);
}

GSettings *
sd_application_get_settings (SdApplication *self)
{
  g_return_val_if_fail (SD_IS_APPLICATION (self), NULL);
  return self->settings;
}

const SdSettings *
sd_application_get_builtin (SdApplication *self)
{
  g_return_val_if_fail (SD_IS_APPLICATION (self), NULL);
  return self->builtin;
}

void
sd_application_set_builtin (SdApplication    *self,
                            const SdSettings *settings)
{
  g_return_if_fail (SD_IS_APPLICATION (self));
  g_clear_pointer (&self->builtin, sd_settings_free);
  self->builtin = sd_settings_copy (settings);
}
