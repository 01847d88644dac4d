/* sd-settings-form.c: the server, security, login and message fields, checked as typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-auth.h"
#include "sd-gui-private.h"
#include "sd-secret.h"
#include "sd-settings-form-private.h"

G_DEFINE_FINAL_TYPE (SdSettingsForm, sd_settings_form, GTK_TYPE_GRID)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- reading the fields ---------------------------------------------------------- */

SdSecurity
sd_settings_form_get_security (SdSettingsForm *self)
{
  SdSecurity security = SD_SECURITY_STARTTLS;
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->security_combo));

  if (id != NULL)
    sd_security_from_string (id, &security);
  return security;
}

const char *
sd_settings_form_combo_id (GtkComboBoxText *combo,
                           const char      *fallback)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (combo));
  return id ? id : fallback;
}

static char *
sd_settings_form_dup_body (SdSettingsForm *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
sd_settings_form_set_port_text (SdSettingsForm *self,
                                guint           port)
{
  g_autofree char *text = port ? g_strdup_printf ("%u", port) : g_strdup ("");

  self->setting_port = TRUE;
  gtk_entry_set_text (self->port_entry, text);
  self->setting_port = FALSE;
}

gboolean
sd_settings_form_is_oauth (SdSettingsForm *self)
{
  const char *auth = sd_settings_form_combo_id (self->auth_combo, "auto");

  return !g_str_equal (auth, "auto") && !g_str_equal (auth, "none") &&
         sd_auth_mechanism_get_credential (auth) == SD_AUTH_CREDENTIAL_TOKEN;
}

gboolean
sd_settings_form_is_google (SdSettingsForm *self)
{
  return g_str_equal (sd_settings_form_combo_id (self->provider_combo, "microsoft"), "google");
}

/* ---- reacting to edits ----------------------------------------------------------- */

static void
sd_settings_form_validate (SdSettingsForm *self)
{
  sd_settings_form_check (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
sd_settings_form_on_changed (SdSettingsForm *self)
{
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  sd_settings_form_validate (self);
  if (sd_settings_form_is_oauth (self))
    sd_settings_form_schedule_oauth_status (self);
}

static void
sd_settings_form_on_port_changed (SdSettingsForm *self)
{
  if (!self->setting_port)
    self->port_edited = *gtk_entry_get_text (self->port_entry) != '\0';
}

static void
sd_settings_form_on_security_changed (SdSettingsForm *self)
{
  static const char * const hints[] = {
    [SD_SECURITY_NONE] = N_("Everything, a password too, travels unencrypted. Usually port 25."),
    [SD_SECURITY_STARTTLS] = N_("Starts plain, then switches to TLS; stops before any password or mail if it can't. Usually port 587."),
    [SD_SECURITY_STARTTLS_OPTIONAL] = N_("Uses STARTTLS when the server offers it, otherwise goes on unencrypted."),
    [SD_SECURITY_TLS] = N_("TLS from the first byte (SMTPS). Usually port 465."),
  };
  SdSecurity security = sd_settings_form_get_security (self);

  gtk_label_set_text (self->security_hint, _(hints[security]));
  /* Without TLS there is no certificate to check. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->verify_combo), security != SD_SECURITY_NONE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_entry), security != SD_SECURITY_NONE);
  if (!self->port_edited)
    {
      g_autoptr(SdSettings) settings = sd_settings_new ();
      settings->security = security;
      sd_settings_form_set_port_text (self, sd_settings_get_port (settings));
    }
  sd_settings_form_on_changed (self);
}

static void
sd_settings_form_on_verify_changed (SdSettingsForm *self)
{
  const char *id = sd_settings_form_combo_id (self->verify_combo, "verify");

  if (g_str_equal (id, "accept-any"))
    gtk_label_set_text (self->verify_hint, _("Encrypts, but does not check who answers: "
                                             "anyone in between could read the password."));
  else if (g_str_equal (id, "pin"))
    gtk_label_set_text (self->verify_hint, _("Only the certificate with this SHA-256 fingerprint is accepted."));
  else
    gtk_label_set_text (self->verify_hint, _("The certificate must be trusted by this computer "
                                             "and name the server."));
  gtk_widget_set_visible (GTK_WIDGET (self->pin_entry), g_str_equal (id, "pin"));
  sd_settings_form_on_changed (self);
}

static void
sd_settings_form_on_auth_changed (SdSettingsForm *self)
{
  gboolean none = g_str_equal (sd_settings_form_combo_id (self->auth_combo, "auto"), "none");

  gtk_widget_set_sensitive (GTK_WIDGET (self->user_entry), !none);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_entry), !none);
  sd_settings_form_update_auth_rows (self);
  sd_settings_form_on_changed (self);
}

static void
sd_settings_form_on_oauth_changed (SdSettingsForm *self)
{
  sd_settings_form_update_auth_rows (self);
  sd_settings_form_on_changed (self);
}

static void
sd_settings_form_on_quit_after_changed (SdSettingsForm *self)
{
  sd_settings_form_on_changed (self);
}

static void
sd_settings_form_on_reveal_toggled (SdSettingsForm *self)
{
  gboolean reveal = gtk_toggle_button_get_active (self->reveal_button);

  gtk_entry_set_visibility (self->password_entry, reveal);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_button),
                               reveal ? _("Hide the password") : _("Show the password"));
}

/* ---- the form as settings -------------------------------------------------------- */

static void
sd_settings_form_read_oauth (SdSettingsForm *self,
                             SdSettings     *settings)
{
  const char *tenant = gtk_entry_get_text (self->tenant_entry);
  const char *client_id = gtk_entry_get_text (self->client_id_entry);

  settings->oauth_provider = g_strdup (sd_settings_form_combo_id (self->provider_combo, "microsoft"));
  if (!sd_settings_form_is_google (self) && *tenant != '\0')
    settings->oauth_tenant = g_strdup (tenant);
  if (*client_id != '\0')
    settings->oauth_client_id = g_strdup (client_id);
}

/* "auto" stays "auto" without a user for a profile, and a port that only follows the
 * security mode is stored as 0 so it keeps following it. */
SdSettings *
sd_settings_form_read (SdSettingsForm *self,
                       gboolean        for_profile)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  const char *port = gtk_entry_get_text (self->port_entry);
  const char *verify = sd_settings_form_combo_id (self->verify_combo, "verify");
  const char *quit = sd_settings_form_combo_id (self->quit_after_combo, "full");
  const char *user = gtk_entry_get_text (self->user_entry);
  const char *password = gtk_entry_get_text (self->password_entry);

  settings->host = g_strdup (gtk_entry_get_text (self->server_entry));
  settings->port = *port && (!for_profile || self->port_edited)
                   ? (guint16) g_ascii_strtoull (port, NULL, 10) : 0;
  settings->security = sd_settings_form_get_security (self);
  if (g_str_equal (verify, "pin"))
    {
      settings->tls_verify = SD_TLS_PIN;
      settings->tls_pin = sd_normalize_pin (gtk_entry_get_text (self->pin_entry));
    }
  else
    settings->tls_verify = g_str_equal (verify, "accept-any") ? SD_TLS_ACCEPT_ANY : SD_TLS_VERIFY;
  sd_take_str (&settings->auth, g_strdup (sd_settings_form_combo_id (self->auth_combo, "auto")));
  /* "auto" without a user means: don't log in. */
  if (!for_profile && g_str_equal (settings->auth, "auto") && *user == '\0')
    sd_take_str (&settings->auth, g_strdup ("none"));
  settings->user = *user ? g_strdup (user) : NULL;
  settings->password = *password ? g_strdup (password) : NULL;
  if (sd_settings_form_is_oauth (self))
    sd_settings_form_read_oauth (self, settings);
  settings->allow_plaintext_auth = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->plaintext_check));
  settings->from = g_strdup (gtk_entry_get_text (self->from_entry));
  settings->to = sd_split_addresses (gtk_entry_get_text (self->to_entry));
  sd_take_str (&settings->subject, g_strdup (gtk_entry_get_text (self->subject_entry)));
  sd_take_str (&settings->body, sd_settings_form_dup_body (self));
  if (!g_str_equal (quit, "full"))
    settings->has_quit_after = sd_stage_from_string (quit, &settings->quit_after);
  return g_steal_pointer (&settings);
}

SdSettings *
sd_settings_form_read_session (SdSettingsForm *self,
                               gboolean        connection_only)
{
  SdSettings *settings = sd_settings_form_read (self, FALSE);

  /* Test connection: as far as the credentials, never to MAIL. */
  if (connection_only)
    {
      settings->has_quit_after = TRUE;
      settings->quit_after = !g_str_equal (settings->auth, "none") ? SD_STAGE_AUTH
                             : settings->security != SD_SECURITY_NONE ? SD_STAGE_TLS : SD_STAGE_EHLO;
    }
  return settings;
}

static void
sd_settings_form_fill_oauth (SdSettingsForm   *self,
                             const SdSettings *settings)
{
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->provider_combo),
                               settings->oauth_provider && *settings->oauth_provider
                               ? settings->oauth_provider : "microsoft");
  gtk_entry_set_text (self->tenant_entry, settings->oauth_tenant ? settings->oauth_tenant : "");
  gtk_entry_set_text (self->client_id_entry,
                      settings->oauth_client_id ? settings->oauth_client_id : "");
  /* The secret belongs to the sign-in it was typed for, not to the next profile. */
  gtk_entry_set_text (self->client_secret_entry, "");
}

void
sd_settings_form_fill (SdSettingsForm   *self,
                       const SdSettings *settings)
{
  GtkTextBuffer *body = gtk_text_view_get_buffer (self->body_view);
  const char *verify = settings->tls_verify == SD_TLS_PIN ? "pin"
                       : settings->tls_verify == SD_TLS_ACCEPT_ANY ? "accept-any" : "verify";
  g_autofree char *to = settings->to ? g_strjoinv (", ", settings->to) : g_strdup ("");

  gtk_entry_set_text (self->server_entry, settings->host ? settings->host : "");
  self->port_edited = FALSE;
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->security_combo),
                               sd_security_to_string (settings->security));
  sd_settings_form_on_security_changed (self);
  if (settings->port != 0)
    {
      sd_settings_form_set_port_text (self, settings->port);
      self->port_edited = TRUE;
    }
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->verify_combo), verify);
  gtk_entry_set_text (self->pin_entry, settings->tls_pin ? settings->tls_pin : "");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->auth_combo), settings->auth ? settings->auth : "auto");
  gtk_entry_set_text (self->user_entry, settings->user ? settings->user : "");
  gtk_entry_set_text (self->password_entry, settings->password ? settings->password : "");
  sd_settings_form_fill_oauth (self, settings);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->plaintext_check), settings->allow_plaintext_auth);
  gtk_entry_set_text (self->from_entry, settings->from ? settings->from : "");
  gtk_entry_set_text (self->to_entry, to);
  gtk_entry_set_text (self->subject_entry, settings->subject ? settings->subject : "");
  gtk_text_buffer_set_text (body, settings->body ? settings->body : "", -1);
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->quit_after_combo),
                               settings->has_quit_after ? sd_stage_to_string (settings->quit_after) : "full");
  sd_settings_form_validate (self);
}

void
sd_settings_form_apply_profile (SdSettingsForm   *self,
                                const SdSettings *profile,
                                const char       *password)
{
  g_autoptr(SdSettings) settings = sd_settings_copy (profile);
  g_autofree char *body = sd_settings_form_dup_body (self);

  if (settings->from == NULL || *settings->from == '\0')
    {
      g_free (settings->from);
      settings->from = g_strdup (gtk_entry_get_text (self->from_entry));
    }
  if (settings->to == NULL || settings->to[0] == NULL)
    {
      g_strfreev (settings->to);
      settings->to = sd_split_addresses (gtk_entry_get_text (self->to_entry));
    }
  if (settings->subject == NULL)
    sd_take_str (&settings->subject, g_strdup (gtk_entry_get_text (self->subject_entry)));
  if (settings->body == NULL)
    settings->body = g_steal_pointer (&body);
  sd_secret_free (settings->password);
  settings->password = g_strdup (password);
  sd_settings_form_fill (self, settings);
}

gboolean
sd_settings_form_is_valid (SdSettingsForm *self)
{
  return self->valid;
}

gboolean
sd_settings_form_is_connect_valid (SdSettingsForm *self)
{
  return self->connect_valid;
}

gboolean
sd_settings_form_get_remember (SdSettingsForm *self)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->remember_check));
}

void
sd_settings_form_set_remember (SdSettingsForm *self,
                               gboolean        remember)
{
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->remember_check), remember);
}

const char *
sd_settings_form_get_server (SdSettingsForm *self)
{
  return gtk_entry_get_text (self->server_entry);
}

/* ---- GSettings ------------------------------------------------------------------- */

void
sd_settings_form_save_state (SdSettingsForm *self,
                             GSettings      *settings)
{
  g_autofree char *body = sd_settings_form_dup_body (self);
  const char *verify = sd_settings_form_combo_id (self->verify_combo, "verify");

  /* Never the password: that belongs in the OS secret store (the profiles issue). */
  g_settings_set_string (settings, "server", gtk_entry_get_text (self->server_entry));
  g_settings_set_int (settings, "port",
                      self->port_edited ? atoi (gtk_entry_get_text (self->port_entry)) : 0);
  g_settings_set_string (settings, "security", sd_settings_form_combo_id (self->security_combo, "starttls"));
  g_settings_set_string (settings, "tls-verify", verify);
  g_settings_set_string (settings, "tls-pin", gtk_entry_get_text (self->pin_entry));
  g_settings_set_string (settings, "auth", sd_settings_form_combo_id (self->auth_combo, "auto"));
  g_settings_set_string (settings, "user", gtk_entry_get_text (self->user_entry));
  g_settings_set_string (settings, "oauth-provider",
                         sd_settings_form_is_oauth (self)
                         ? sd_settings_form_combo_id (self->provider_combo, "microsoft") : "");
  g_settings_set_string (settings, "oauth-tenant", gtk_entry_get_text (self->tenant_entry));
  g_settings_set_string (settings, "oauth-client-id", gtk_entry_get_text (self->client_id_entry));
  g_settings_set_boolean (settings, "allow-plaintext-auth",
                          gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->plaintext_check)));
  g_settings_set_string (settings, "from", gtk_entry_get_text (self->from_entry));
  g_settings_set_string (settings, "to", gtk_entry_get_text (self->to_entry));
  g_settings_set_string (settings, "subject", gtk_entry_get_text (self->subject_entry));
  g_settings_set_string (settings, "body", body);
}

gboolean
sd_settings_form_restore_state (SdSettingsForm *self,
                                GSettings      *gsettings)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  g_autofree char *security = NULL, *verify = NULL, *to = NULL;
  g_autofree char *server = g_settings_get_string (gsettings, "server");

  if (*server == '\0')
    return FALSE;
  settings->host = g_steal_pointer (&server);
  settings->port = (guint16) g_settings_get_int (gsettings, "port");
  security = g_settings_get_string (gsettings, "security");
  sd_security_from_string (security, &settings->security);
  verify = g_settings_get_string (gsettings, "tls-verify");
  settings->tls_verify = g_str_equal (verify, "pin") ? SD_TLS_PIN
                         : g_str_equal (verify, "accept-any") ? SD_TLS_ACCEPT_ANY : SD_TLS_VERIFY;
  settings->tls_pin = g_settings_get_string (gsettings, "tls-pin");
  sd_take_str (&settings->auth, g_settings_get_string (gsettings, "auth"));
  settings->user = g_settings_get_string (gsettings, "user");
  settings->oauth_provider = g_settings_get_string (gsettings, "oauth-provider");
  settings->oauth_tenant = g_settings_get_string (gsettings, "oauth-tenant");
  settings->oauth_client_id = g_settings_get_string (gsettings, "oauth-client-id");
  settings->allow_plaintext_auth = g_settings_get_boolean (gsettings, "allow-plaintext-auth");
  settings->from = g_settings_get_string (gsettings, "from");
  to = g_settings_get_string (gsettings, "to");
  settings->to = sd_split_addresses (to);
  sd_take_str (&settings->subject, g_settings_get_string (gsettings, "subject"));
  sd_take_str (&settings->body, g_settings_get_string (gsettings, "body"));
  sd_settings_form_fill (self, settings);
  return TRUE;
}

/* ---- GObject --------------------------------------------------------------------- */

static void
sd_settings_form_set_names (SdSettingsForm *self)
{
  const SdAccessibleName names[] = {
    { self->remember_check, N_("Remember password") },
    { self->server_entry, N_("Server") },
    { self->port_entry, N_("Port") },
    { self->security_combo, N_("Security") },
    { self->verify_combo, N_("Certificate check") },
    { self->pin_entry, N_("Pinned certificate SHA-256") },
    { self->auth_combo, N_("Authentication") },
    { self->user_entry, N_("User") },
    { self->password_entry, N_("Password") },
    { self->provider_combo, N_("OAuth provider") },
    { self->tenant_entry, N_("Tenant") },
    { self->client_id_entry, N_("Client ID") },
    { self->client_secret_entry, N_("Client secret") },
    { self->oauth_status, N_("Sign-in status") },
    { self->reveal_button, N_("Show password") },
    { self->plaintext_check, N_("Allow plaintext authentication") },
    { self->from_entry, N_("From") },
    { self->to_entry, N_("To") },
    { self->subject_entry, N_("Subject") },
    { self->body_view, N_("Body") },
    { self->quit_after_combo, N_("Stop after") },
  };

  sd_set_accessible_names (names, G_N_ELEMENTS (names));
}

static void
sd_settings_form_dispose (GObject *object)
{
  sd_settings_form_clear_oauth (SD_SETTINGS_FORM (object));
  G_OBJECT_CLASS (sd_settings_form_parent_class)->dispose (object);
}

#define BIND_CHILD(name) gtk_widget_class_bind_template_child (widget_class, SdSettingsForm, name)

static void
sd_settings_form_class_init (SdSettingsFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_settings_form_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-settings-form.ui");
  BIND_CHILD (server_entry);
  BIND_CHILD (port_entry);
  BIND_CHILD (security_combo);
  BIND_CHILD (security_hint);
  BIND_CHILD (verify_combo);
  BIND_CHILD (pin_entry);
  BIND_CHILD (verify_hint);
  BIND_CHILD (auth_combo);
  BIND_CHILD (user_entry);
  BIND_CHILD (password_label);
  BIND_CHILD (password_box);
  BIND_CHILD (password_entry);
  BIND_CHILD (reveal_button);
  BIND_CHILD (provider_label);
  BIND_CHILD (provider_combo);
  BIND_CHILD (tenant_label);
  BIND_CHILD (tenant_entry);
  BIND_CHILD (client_id_label);
  BIND_CHILD (client_id_entry);
  BIND_CHILD (client_secret_label);
  BIND_CHILD (client_secret_entry);
  BIND_CHILD (oauth_box);
  BIND_CHILD (oauth_status);
  BIND_CHILD (remember_check);
  BIND_CHILD (plaintext_check);
  BIND_CHILD (plaintext_warning);
  BIND_CHILD (from_entry);
  BIND_CHILD (to_entry);
  BIND_CHILD (subject_entry);
  BIND_CHILD (body_view);
  BIND_CHILD (quit_after_combo);
  BIND_CHILD (form_status);
  gtk_widget_class_bind_template_callback (widget_class, sd_settings_form_on_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_settings_form_on_oauth_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_settings_form_on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, sd_settings_form_on_security_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_settings_form_on_verify_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_settings_form_on_auth_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_settings_form_on_quit_after_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_settings_form_on_reveal_toggled);
}

static void
sd_settings_form_init (SdSettingsForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->port_entry, "changed", G_CALLBACK (sd_settings_form_on_port_changed), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->body_view), "changed",
                            G_CALLBACK (sd_settings_form_on_changed), self);
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->security_combo), "starttls");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->verify_combo), "verify");
  /* Kerberos only where this build has it (MIT krb5, or SSPI on Windows); without a
   * password it is this computer's sign-in. A name, like the other mechanisms; a longer
   * label would widen the form. */
  if (sd_auth_mechanism_is_supported ("GSSAPI"))
    gtk_combo_box_text_append (self->auth_combo, "gssapi", "Kerberos (GSSAPI)");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->auth_combo), "auto");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->quit_after_combo), "full");
  sd_settings_form_set_names (self);
  sd_settings_form_update_auth_rows (self);
  sd_settings_form_validate (self);
}

GtkWidget *
sd_settings_form_new (void)
{
  return g_object_new (SD_TYPE_SETTINGS_FORM, NULL);
}
