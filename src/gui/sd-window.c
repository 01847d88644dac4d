/* sd-window.c: the main window: form, toolbar, transcript, stages, summary, hints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-auth.h"
#include "sd-gui-private.h"
#include "sd-hints.h"
#include "sd-jwt.h"
#include "sd-oauth-dialog.h"
#include "sd-oauth-store.h"
#include "sd-presets.h"
#include "sd-profile.h"
#include "sd-report-html.h"
#include "sd-secret.h"
#include "sd-secret-store.h"
#include "sd-session.h"
#include "sd-window.h"

struct _SdWindow
{
  GtkApplicationWindow  parent_instance;

  /* Template children */
  GtkComboBoxText      *profile_combo;
  GtkLabel             *modified_label;
  GtkMenuButton        *profile_menu_button;
  GtkCheckButton       *remember_check;
  GtkButton            *send_button;
  GtkButton            *test_button;
  GtkButton            *stop_button;
  GtkButton            *export_button;
  GtkButton            *copy_button;
  GtkSpinner           *spinner;
  GtkMenuButton        *menu_button;
  GtkPaned             *form_paned;
  GtkPaned             *transcript_paned;
  GtkEntry             *server_entry;
  GtkEntry             *port_entry;
  GtkComboBoxText      *security_combo;
  GtkLabel             *security_hint;
  GtkComboBoxText      *verify_combo;
  GtkEntry             *pin_entry;
  GtkLabel             *verify_hint;
  GtkComboBoxText      *auth_combo;
  GtkEntry             *user_entry;
  GtkWidget            *password_label;
  GtkWidget            *password_box;
  GtkEntry             *password_entry;
  GtkWidget            *provider_label;
  GtkComboBoxText      *provider_combo;
  GtkWidget            *tenant_label;
  GtkEntry             *tenant_entry;
  GtkWidget            *client_id_label;
  GtkEntry             *client_id_entry;
  GtkWidget            *client_secret_label;
  GtkEntry             *client_secret_entry;
  GtkWidget            *oauth_box;
  GtkLabel             *oauth_status;
  GtkToggleButton      *reveal_button;
  GtkCheckButton       *plaintext_check;
  GtkLabel             *plaintext_warning;
  GtkEntry             *from_entry;
  GtkEntry             *to_entry;
  GtkEntry             *subject_entry;
  GtkTextView          *body_view;
  GtkComboBoxText      *quit_after_combo;
  GtkLabel             *form_status;
  SdStageStrip         *stage_strip;
  SdTranscriptView     *transcript_view;
  SdSummaryCard        *summary_card;
  SdHintsPanel         *hints_panel;
  GtkLabel             *status_label;

  GSettings            *settings;       /* NULL without an installed schema */
  SdSession            *session;        /* the one under way */
  GCancellable         *cancellable;
  SdReport             *report;         /* the last finished one */
  GtkFileChooserNative *chooser;
  SdProfileStore       *profiles;
  char                 *current_profile; /* the saved profile the form came from, or NULL */
  SdSettings           *clean;           /* the form as that profile holds it */
  gboolean              clean_remember;
  gboolean              modified;
  gboolean              title_set;
  gboolean              switching;       /* the picker is being set from code */
  char                 *previous_id;     /* to go back to when a switch is cancelled */
  char                 *pending_id;      /* the switch waiting for "discard changes?" */
  GtkWidget            *name_dialog;
  GtkWidget            *confirm_dialog;
  GtkWidget            *oauth_dialog;
  guint                 oauth_status_id;     /* the status lookup waiting for typing to pause */
  GCancellable         *oauth_status_cancellable;
  GtkFileChooserNative *profile_chooser;
  GApplication         *held_app;       /* held while a worker runs, even past dispose */
  gboolean              port_edited;    /* the user typed a port: stop following the mode */
  gboolean              setting_port;
  gboolean              form_valid;
  gboolean              connect_valid;
  gboolean              state_saved;
};

G_DEFINE_FINAL_TYPE (SdWindow, sd_window, GTK_TYPE_APPLICATION_WINDOW)

static void sd_window_update_modified (SdWindow       *self);
static void sd_window_schedule_oauth_status (SdWindow *self);
static void sd_window_add_filter      (GtkFileChooser *chooser,
                                       const char     *name,
                                       const char     *pattern);

static void
sd_window_set_status (SdWindow   *self,
                      const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

/* ---- form ------------------------------------------------------------------------ */

static SdSecurity
sd_window_get_security (SdWindow *self)
{
  SdSecurity security = SD_SECURITY_STARTTLS;
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->security_combo));

  if (id != NULL)
    sd_security_from_string (id, &security);
  return security;
}

static const char *
sd_window_combo_id (GtkComboBoxText *combo,
                    const char      *fallback)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (combo));
  return id ? id : fallback;
}

static char *
sd_window_dup_body (SdWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
sd_window_set_port_text (SdWindow *self,
                         guint     port)
{
  g_autofree char *text = port ? g_strdup_printf ("%u", port) : g_strdup ("");

  self->setting_port = TRUE;
  gtk_entry_set_text (self->port_entry, text);
  self->setting_port = FALSE;
}

/* Recipients may be separated by commas, semicolons or spaces, as users paste them. */
static char **
sd_split_addresses (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ",; \t", -1);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; parts[i]; i++)
    if (*parts[i])
      g_ptr_array_add (out, g_strdup (parts[i]));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static gboolean
sd_address_is_plausible (const char *address)
{
  const char *at = strrchr (address, '@');

  if (at == NULL || at == address || at[1] == '\0')
    return FALSE;
  for (const char *p = address; *p; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '<' || *p == '>' || *p == ',')
      return FALSE;
  return TRUE;
}

/* A pin may be pasted with colons (as browsers show it) and in either case. */
static char *
sd_normalize_pin (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (*p != ':' && !g_ascii_isspace (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static gboolean
sd_pin_is_valid (const char *pin)
{
  if (strlen (pin) != 64)
    return FALSE;
  for (const char *p = pin; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static void
sd_window_mark (GtkEntry   *entry,
                const char *problem)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (entry));
  AtkObject *accessible = gtk_widget_get_accessible (GTK_WIDGET (entry));

  gtk_entry_set_icon_from_icon_name (entry, GTK_ENTRY_ICON_SECONDARY,
                                     problem ? "dialog-warning-symbolic" : NULL);
  gtk_entry_set_icon_tooltip_text (entry, GTK_ENTRY_ICON_SECONDARY, problem);
  gtk_widget_set_tooltip_text (GTK_WIDGET (entry), problem);
  atk_object_set_description (accessible, problem ? problem : "");
  if (problem)
    gtk_style_context_add_class (context, "error");
  else
    gtk_style_context_remove_class (context, "error");
}

static const char *
sd_window_check_server (SdWindow *self)
{
  const char *host = gtk_entry_get_text (self->server_entry);

  if (*host == '\0')
    return _("Enter the server's name or address");
  for (const char *p = host; *p; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return _("A server name has no spaces or control characters");
  return NULL;
}

static const char *
sd_window_check_port (SdWindow *self)
{
  const char *text = gtk_entry_get_text (self->port_entry);
  guint64 port = 0;

  if (*text == '\0')
    return NULL;   /* follows the security mode */
  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &port, NULL))
    return _("A port is a number from 1 to 65535");
  return NULL;
}

static const char *
sd_window_check_pin (SdWindow *self)
{
  g_autofree char *pin = NULL;

  if (!g_str_equal (sd_window_combo_id (self->verify_combo, "verify"), "pin"))
    return NULL;
  pin = sd_normalize_pin (gtk_entry_get_text (self->pin_entry));
  if (!sd_pin_is_valid (pin))
    return _("Paste the certificate's SHA-256 fingerprint: 64 hexadecimal digits");
  return NULL;
}

static const char *
sd_window_check_user (SdWindow *self)
{
  const char *auth = sd_window_combo_id (self->auth_combo, "auto");
  const char *user = gtk_entry_get_text (self->user_entry);
  const char *password = gtk_entry_get_text (self->password_entry);

  if (*user != '\0' || g_str_equal (auth, "none"))
    return NULL;
  if (!g_str_equal (auth, "auto"))
    return _("This mechanism needs a user name");
  if (*password != '\0')
    return _("Enter the user name that goes with the password");
  return NULL;
}

/* XOAUTH2 or OAUTHBEARER: a token from a sign-in instead of a password. */
static gboolean
sd_window_is_oauth (SdWindow *self)
{
  const char *auth = sd_window_combo_id (self->auth_combo, "auto");

  return !g_str_equal (auth, "auto") && !g_str_equal (auth, "none") &&
         sd_auth_mechanism_get_credential (auth) == SD_AUTH_CREDENTIAL_TOKEN;
}

static gboolean
sd_window_is_google (SdWindow *self)
{
  return g_str_equal (sd_window_combo_id (self->provider_combo, "microsoft"), "google");
}

static const char *
sd_window_check_tenant (SdWindow *self)
{
  if (!sd_window_is_oauth (self) || sd_window_is_google (self) ||
      *gtk_entry_get_text (self->tenant_entry) != '\0')
    return NULL;
  return _("Enter the tenant: the directory ID or domain, or “organizations”");
}

static const char *
sd_window_check_client_id (SdWindow *self)
{
  if (!sd_window_is_oauth (self) || *gtk_entry_get_text (self->client_id_entry) != '\0')
    return NULL;
  return _("Enter the client ID of your app registration");
}

static gboolean
sd_window_needs_envelope (SdWindow *self)
{
  const char *quit = sd_window_combo_id (self->quit_after_combo, "full");
  SdStage stage;

  return g_str_equal (quit, "full") || !sd_stage_from_string (quit, &stage) || stage >= SD_STAGE_MAIL;
}

static const char *
sd_window_check_from (SdWindow *self)
{
  const char *from = gtk_entry_get_text (self->from_entry);

  if (*from == '\0')
    return sd_window_needs_envelope (self) ? _("Enter the sender's address") : NULL;
  if (!sd_address_is_plausible (from))
    return _("Not an e-mail address (name@domain)");
  return NULL;
}

static const char *
sd_window_check_to (SdWindow *self)
{
  g_auto(GStrv) to = sd_split_addresses (gtk_entry_get_text (self->to_entry));

  if (to[0] == NULL)
    return sd_window_needs_envelope (self) ? _("Enter at least one recipient") : NULL;
  for (guint i = 0; to[i]; i++)
    if (!sd_address_is_plausible (to[i]))
      return _("One of the recipients is not an e-mail address (name@domain)");
  return NULL;
}

static void
sd_window_update_actions (SdWindow *self)
{
  /* A cancellable without a session: the stored token is being fetched. */
  gboolean running = self->session != NULL || self->cancellable != NULL;
  const struct { const char *name; gboolean enabled; } states[] = {
    { "send", !running && self->form_valid },
    { "test", !running && self->connect_valid },
    { "stop", running },
    { "export", !running && self->report != NULL },
    { "copy-report", !running && self->report != NULL },
    { "profile-rename", self->current_profile != NULL },
    { "profile-duplicate", self->current_profile != NULL },
    { "profile-delete", self->current_profile != NULL },
    { "profile-export", self->profiles != NULL && sd_profile_store_list (self->profiles)->len > 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), states[i].name);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), states[i].enabled);
    }
}

static void
sd_window_validate (SdWindow *self)
{
  struct { GtkEntry *entry; const char *problem; gboolean for_connect; } checks[] = {
    { self->server_entry, sd_window_check_server (self), TRUE },
    { self->port_entry, sd_window_check_port (self), TRUE },
    { self->pin_entry, sd_window_check_pin (self), TRUE },
    { self->user_entry, sd_window_check_user (self), TRUE },
    { self->tenant_entry, sd_window_check_tenant (self), TRUE },
    { self->client_id_entry, sd_window_check_client_id (self), TRUE },
    { self->from_entry, sd_window_check_from (self), FALSE },
    { self->to_entry, sd_window_check_to (self), FALSE },
  };
  const char *first = NULL;
  SdSecurity security = sd_window_get_security (self);
  gboolean plaintext = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->plaintext_check));

  self->form_valid = TRUE;
  self->connect_valid = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      sd_window_mark (checks[i].entry, checks[i].problem);
      if (checks[i].problem == NULL)
        continue;
      if (first == NULL)
        first = checks[i].problem;
      self->form_valid = FALSE;
      if (checks[i].for_connect)
        self->connect_valid = FALSE;
    }

  if (first != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("To send, fix the marked field: %s."), first);
      gtk_label_set_text (self->form_status, text);
    }
  else
    gtk_label_set_text (self->form_status, "");

  gtk_label_set_text (self->plaintext_warning,
                      plaintext && security != SD_SECURITY_STARTTLS && security != SD_SECURITY_TLS
                      ? _("The password may travel unencrypted: anyone on the way can read it.")
                      : "");
  gtk_widget_set_visible (GTK_WIDGET (self->plaintext_warning),
                          *gtk_label_get_text (self->plaintext_warning) != '\0');
  sd_window_update_actions (self);
}

static void
sd_window_on_form_changed (SdWindow *self)
{
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  sd_window_validate (self);
  sd_window_update_modified (self);
  if (sd_window_is_oauth (self))
    sd_window_schedule_oauth_status (self);
}

static void
sd_window_on_port_changed (SdWindow *self)
{
  if (!self->setting_port)
    self->port_edited = *gtk_entry_get_text (self->port_entry) != '\0';
}

static void
sd_window_on_security_combo_changed (SdWindow *self)
{
  static const char * const hints[] = {
    [SD_SECURITY_NONE] = N_("Everything, a password too, travels unencrypted. Usually port 25."),
    [SD_SECURITY_STARTTLS] = N_("Starts plain, then switches to TLS; stops before any password or mail if it can't. Usually port 587."),
    [SD_SECURITY_STARTTLS_OPTIONAL] = N_("Uses STARTTLS when the server offers it, otherwise goes on unencrypted."),
    [SD_SECURITY_TLS] = N_("TLS from the first byte (SMTPS). Usually port 465."),
  };
  SdSecurity security = sd_window_get_security (self);

  gtk_label_set_text (self->security_hint, _(hints[security]));
  /* Without TLS there is no certificate to check. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->verify_combo), security != SD_SECURITY_NONE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_entry), security != SD_SECURITY_NONE);
  if (!self->port_edited)
    {
      g_autoptr(SdSettings) settings = sd_settings_new ();
      settings->security = security;
      sd_window_set_port_text (self, sd_settings_get_port (settings));
    }
  sd_window_on_form_changed (self);
}

static void
sd_window_on_verify_combo_changed (SdWindow *self)
{
  const char *id = sd_window_combo_id (self->verify_combo, "verify");

  if (g_str_equal (id, "accept-any"))
    gtk_label_set_text (self->verify_hint, _("Encrypts, but does not check who answers: "
                                             "anyone in between could read the password."));
  else if (g_str_equal (id, "pin"))
    gtk_label_set_text (self->verify_hint, _("Only the certificate with this SHA-256 fingerprint is accepted."));
  else
    gtk_label_set_text (self->verify_hint, _("The certificate must be trusted by this computer "
                                             "and name the server."));
  gtk_widget_set_visible (GTK_WIDGET (self->pin_entry), g_str_equal (id, "pin"));
  sd_window_on_form_changed (self);
}

/* A sign-in replaces the password: provider, tenant (Microsoft), client ID, secret
 * (Google) and the sign-in button. */
static void
sd_window_update_auth_rows (SdWindow *self)
{
  gboolean oauth = sd_window_is_oauth (self);
  gboolean google = sd_window_is_google (self);
  const struct { GtkWidget *widget; gboolean visible; } rows[] = {
    { self->password_label, !oauth },
    { self->password_box, !oauth },
    { GTK_WIDGET (self->remember_check), !oauth },
    { self->provider_label, oauth },
    { GTK_WIDGET (self->provider_combo), oauth },
    { self->tenant_label, oauth && !google },
    { GTK_WIDGET (self->tenant_entry), oauth && !google },
    { self->client_id_label, oauth },
    { GTK_WIDGET (self->client_id_entry), oauth },
    { self->client_secret_label, oauth && google },
    { GTK_WIDGET (self->client_secret_entry), oauth && google },
    { self->oauth_box, oauth },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_visible (rows[i].widget, rows[i].visible);
}

static void
sd_window_on_auth_combo_changed (SdWindow *self)
{
  gboolean none = g_str_equal (sd_window_combo_id (self->auth_combo, "auto"), "none");

  gtk_widget_set_sensitive (GTK_WIDGET (self->user_entry), !none);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_entry), !none);
  sd_window_update_auth_rows (self);
  sd_window_on_form_changed (self);
}

static void
sd_window_on_oauth_changed (SdWindow *self)
{
  sd_window_update_auth_rows (self);
  sd_window_on_form_changed (self);
}

static void
sd_window_on_quit_after_combo_changed (SdWindow *self)
{
  sd_window_on_form_changed (self);
}

static void
sd_window_on_reveal_toggled (SdWindow *self)
{
  gboolean reveal = gtk_toggle_button_get_active (self->reveal_button);

  gtk_entry_set_visibility (self->password_entry, reveal);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_button),
                               reveal ? _("Hide the password") : _("Show the password"));
}

/* The form as it stands. @for_profile keeps what the user chose rather than what a
 * session would do with it: "auto" stays "auto" without a user, and a port that only
 * follows the security mode is stored as 0 so it keeps following it. */
static SdSettings *
sd_window_read_form (SdWindow *self,
                     gboolean  for_profile)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  const char *port = gtk_entry_get_text (self->port_entry);
  const char *verify = sd_window_combo_id (self->verify_combo, "verify");
  const char *quit = sd_window_combo_id (self->quit_after_combo, "full");
  const char *user = gtk_entry_get_text (self->user_entry);
  const char *password = gtk_entry_get_text (self->password_entry);

  settings->host = g_strdup (gtk_entry_get_text (self->server_entry));
  settings->port = *port && (!for_profile || self->port_edited)
                   ? (guint16) g_ascii_strtoull (port, NULL, 10) : 0;
  settings->security = sd_window_get_security (self);
  if (g_str_equal (verify, "pin"))
    {
      settings->tls_verify = SD_TLS_PIN;
      settings->tls_pin = sd_normalize_pin (gtk_entry_get_text (self->pin_entry));
    }
  else
    settings->tls_verify = g_str_equal (verify, "accept-any") ? SD_TLS_ACCEPT_ANY : SD_TLS_VERIFY;
  sd_take_str (&settings->auth, g_strdup (sd_window_combo_id (self->auth_combo, "auto")));
  /* "auto" without a user means: don't log in. */
  if (!for_profile && g_str_equal (settings->auth, "auto") && *user == '\0')
    sd_take_str (&settings->auth, g_strdup ("none"));
  settings->user = *user ? g_strdup (user) : NULL;
  settings->password = *password ? g_strdup (password) : NULL;
  if (sd_window_is_oauth (self))
    {
      const char *tenant = gtk_entry_get_text (self->tenant_entry);
      const char *client_id = gtk_entry_get_text (self->client_id_entry);

      settings->oauth_provider = g_strdup (sd_window_combo_id (self->provider_combo, "microsoft"));
      if (!sd_window_is_google (self) && *tenant != '\0')
        settings->oauth_tenant = g_strdup (tenant);
      if (*client_id != '\0')
        settings->oauth_client_id = g_strdup (client_id);
    }
  settings->allow_plaintext_auth = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->plaintext_check));
  settings->from = g_strdup (gtk_entry_get_text (self->from_entry));
  settings->to = sd_split_addresses (gtk_entry_get_text (self->to_entry));
  sd_take_str (&settings->subject, g_strdup (gtk_entry_get_text (self->subject_entry)));
  sd_take_str (&settings->body, sd_window_dup_body (self));
  if (!g_str_equal (quit, "full"))
    settings->has_quit_after = sd_stage_from_string (quit, &settings->quit_after);
  return g_steal_pointer (&settings);
}

/* Test connection: as far as the credentials, never to MAIL. */
static void
sd_window_limit_to_connection (SdSettings *settings)
{
  settings->has_quit_after = TRUE;
  settings->quit_after = !g_str_equal (settings->auth, "none") ? SD_STAGE_AUTH
                         : settings->security != SD_SECURITY_NONE ? SD_STAGE_TLS : SD_STAGE_EHLO;
}

static SdSettings *
sd_window_build_settings (SdWindow  *self,
                          gboolean   connection_only,
                          GError   **error)
{
  g_autoptr(SdSettings) settings = sd_window_read_form (self, FALSE);

  if (connection_only)
    sd_window_limit_to_connection (settings);
  if (!sd_settings_validate (settings, error))
    return NULL;
  return g_steal_pointer (&settings);
}

SdSettings *
sd_window_get_form_settings (SdWindow  *self,
                             GError   **error)
{
  return sd_window_build_settings (self, FALSE, error);
}

static void
sd_window_fill_form (SdWindow         *self,
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
  sd_window_on_security_combo_changed (self);
  if (settings->port != 0)
    {
      sd_window_set_port_text (self, settings->port);
      self->port_edited = TRUE;
    }
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->verify_combo), verify);
  gtk_entry_set_text (self->pin_entry, settings->tls_pin ? settings->tls_pin : "");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->auth_combo), settings->auth ? settings->auth : "auto");
  gtk_entry_set_text (self->user_entry, settings->user ? settings->user : "");
  gtk_entry_set_text (self->password_entry, settings->password ? settings->password : "");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->provider_combo),
                               settings->oauth_provider && *settings->oauth_provider
                               ? settings->oauth_provider : "microsoft");
  gtk_entry_set_text (self->tenant_entry, settings->oauth_tenant ? settings->oauth_tenant : "");
  gtk_entry_set_text (self->client_id_entry,
                      settings->oauth_client_id ? settings->oauth_client_id : "");
  /* The secret belongs to the sign-in it was typed for, not to the next profile. */
  gtk_entry_set_text (self->client_secret_entry, "");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->plaintext_check), settings->allow_plaintext_auth);
  gtk_entry_set_text (self->from_entry, settings->from ? settings->from : "");
  gtk_entry_set_text (self->to_entry, to);
  gtk_entry_set_text (self->subject_entry, settings->subject ? settings->subject : "");
  gtk_text_buffer_set_text (body, settings->body ? settings->body : "", -1);
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->quit_after_combo),
                               settings->has_quit_after ? sd_stage_to_string (settings->quit_after) : "full");
  sd_window_validate (self);
}

void
sd_window_apply_builtin (SdWindow *self)
{
  SdApplication *app = SD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app != NULL && sd_application_get_builtin (app) != NULL)
    sd_window_fill_form (self, sd_application_get_builtin (app));
}

/* A profile or preset says where and how; what to send stays as the user typed it. */
static void
sd_window_apply_profile (SdWindow         *self,
                         const SdSettings *profile,
                         const char       *password)
{
  g_autoptr(SdSettings) settings = sd_settings_copy (profile);
  g_autoptr(GError) error = NULL;
  g_autofree char *body = sd_window_dup_body (self);

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
  sd_window_fill_form (self, settings);
}

/* ---- OAuth sign-in --------------------------------------------------------------- */

/* The account the form names, with the typed client secret; NULL and a reason when
 * something is missing. (transfer full) */
static SdOAuthAccount *
sd_window_dup_oauth_account (SdWindow  *self,
                             GError   **error)
{
  g_autoptr(SdSettings) settings = sd_window_read_form (self, TRUE);
  g_autoptr(SdOAuthAccount) account = sd_oauth_account_for_settings (settings, error);
  const char *secret = gtk_entry_get_text (self->client_secret_entry);

  if (account == NULL)
    return NULL;
  if (account->user == NULL)
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT,
                           _("Enter the user first: the sign-in is kept for that user."));
      return NULL;
    }
  if (account->provider == SD_OAUTH_PROVIDER_GOOGLE && *secret != '\0')
    account->client_secret = g_strdup (secret);
  if (!sd_oauth_account_validate (account, error))
    return NULL;
  return g_steal_pointer (&account);
}

static char *
sd_format_time (gint64 unix_s)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_s);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* "Signed in as …, token valid until …", or why it will not do. (transfer full) */
static char *
sd_window_describe_token (const SdOAuthAccount *account,
                          const SdOAuthToken   *token)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(SdJwtInfo) info = sd_jwt_inspect (token->access_token, SD_JWT_FOR_ANY, NULL, now);
  const char *who = info->user != NULL ? info->user : account->user;
  g_autofree char *until = sd_format_time (token->expires_at);

  if (token->expires_at == 0)
    return g_strdup_printf (_("Signed in as %s."), who);
  if (!sd_oauth_token_expires_by (token, now, 0))
    /* Translators: a user, then a date and time. */
    return g_strdup_printf (_("Signed in as %s, token valid until %s."), who, until);
  if (token->refresh_token != NULL)
    return g_strdup_printf (_("Signed in as %s; the token expired at %s and is renewed when "
                              "sending."), who, until);
  return g_strdup_printf (_("Signed in as %s, but the token expired at %s: sign in again."),
                          who, until);
}

static void
sd_window_load_token_thread (GTask        *task,
                             gpointer      source,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  GError *error = NULL;
  SdOAuthToken *token = sd_oauth_store_load (sd_secret_store_get_default (), task_data, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) sd_oauth_token_free);
}

static void
sd_window_on_token_loaded (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  SdWindow *self = SD_WINDOW (source);
  GTask *task = G_TASK (result);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdOAuthToken) token = g_task_propagate_pointer (task, &error);
  g_autofree char *text = NULL;

  /* A newer lookup started meanwhile, or the window is going. */
  if (g_task_get_cancellable (task) != self->oauth_status_cancellable ||
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;
  g_clear_object (&self->oauth_status_cancellable);
  if (error != NULL)
    text = g_strdup_printf (_("The sign-in could not be read: %s"), error->message);
  else if (token == NULL)
    text = g_strdup (_("Not signed in."));
  else
    text = sd_window_describe_token (g_task_get_task_data (task), token);
  gtk_label_set_text (self->oauth_status, text);
}

/* The secret store may block: it is read in a worker, the newest lookup wins. */
static void
sd_window_update_oauth_status (SdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdOAuthAccount) account = NULL;
  g_autoptr(GTask) task = NULL;

  g_clear_handle_id (&self->oauth_status_id, g_source_remove);
  g_cancellable_cancel (self->oauth_status_cancellable);
  g_clear_object (&self->oauth_status_cancellable);
  account = sd_window_dup_oauth_account (self, &error);
  if (account == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not signed in. %s"), error->message);
      gtk_label_set_text (self->oauth_status, text);
      return;
    }
  self->oauth_status_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->oauth_status_cancellable, sd_window_on_token_loaded, NULL);
  g_task_set_task_data (task, g_steal_pointer (&account), (GDestroyNotify) sd_oauth_account_free);
  g_task_run_in_thread (task, sd_window_load_token_thread);
}

static gboolean
sd_window_on_oauth_status_due (gpointer user_data)
{
  SdWindow *self = user_data;

  self->oauth_status_id = 0;
  sd_window_update_oauth_status (self);
  return G_SOURCE_REMOVE;
}

static void
sd_window_schedule_oauth_status (SdWindow *self)
{
  g_clear_handle_id (&self->oauth_status_id, g_source_remove);
  self->oauth_status_id = g_timeout_add (250, sd_window_on_oauth_status_due, self);
}

static void
sd_window_on_oauth_dialog_response (GtkDialog *dialog,
                                    int        response,
                                    SdWindow  *self)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
  self->oauth_dialog = NULL;
  sd_window_update_oauth_status (self);
}

static void
sd_window_on_sign_in_clicked (SdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdOAuthAccount) account = sd_window_dup_oauth_account (self, &error);

  if (account == NULL)
    {
      gtk_label_set_text (self->oauth_status, error->message);
      return;
    }
  self->oauth_dialog = sd_oauth_dialog_new (GTK_WINDOW (self), account);
  g_signal_connect (self->oauth_dialog, "response",
                    G_CALLBACK (sd_window_on_oauth_dialog_response), self);
  gtk_widget_show (self->oauth_dialog);
}

/* ---- saved profiles -------------------------------------------------------------- */

static gboolean
sd_str_same (const char *a,
             const char *b)
{
  /* An empty field and an unset one look the same in the form. */
  return g_strcmp0 (a ? a : "", b ? b : "") == 0;
}

static gboolean
sd_settings_same (const SdSettings *a,
                  const SdSettings *b,
                  gboolean          with_password)
{
  const char * const empty[] = { NULL };

  return sd_str_same (a->host, b->host)
         && a->port == b->port
         && a->security == b->security
         && a->tls_verify == b->tls_verify
         && sd_str_same (a->tls_pin, b->tls_pin)
         && sd_str_same (a->tls_ca_file, b->tls_ca_file)
         && sd_str_same (a->auth, b->auth)
         && sd_str_same (a->user, b->user)
         && (!with_password || sd_str_same (a->password, b->password))
         && sd_str_same (a->oauth_provider, b->oauth_provider)
         && sd_str_same (a->oauth_tenant, b->oauth_tenant)
         && sd_str_same (a->oauth_client_id, b->oauth_client_id)
         && a->allow_plaintext_auth == b->allow_plaintext_auth
         && sd_str_same (a->ehlo_name, b->ehlo_name)
         && sd_str_same (a->from, b->from)
         && g_strv_equal (a->to ? (const char * const *) a->to : empty,
                          b->to ? (const char * const *) b->to : empty)
         && sd_str_same (a->subject, b->subject)
         && sd_str_same (a->body, b->body)
         && a->has_quit_after == b->has_quit_after
         && (!a->has_quit_after || a->quit_after == b->quit_after)
         && a->timeout_s == b->timeout_s
         && a->pipelining == b->pipelining;
}

static void
sd_window_update_title (SdWindow *self)
{
  g_autofree char *title = NULL;

  if (self->current_profile == NULL)
    title = g_strdup (_("SMTP Doctor"));
  else if (self->modified)
    /* Translators: the window title while a saved profile has unsaved changes */
    title = g_strdup_printf (_("• %s (modified) — SMTP Doctor"), self->current_profile);
  else
    title = g_strdup_printf (_("%s — SMTP Doctor"), self->current_profile);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* The form differs from the saved profile it was loaded from (or last saved as). */
static void
sd_window_update_modified (SdWindow *self)
{
  gboolean remember = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->remember_check));
  gboolean modified = FALSE;

  if (self->current_profile != NULL && self->clean != NULL)
    {
      g_autoptr(SdSettings) now = sd_window_read_form (self, TRUE);

      /* The password only counts when it is one the profile keeps. */
      modified = remember != self->clean_remember || !sd_settings_same (now, self->clean, remember);
    }
  if (modified == self->modified && self->title_set)
    return;
  self->modified = modified;
  self->title_set = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->modified_label), modified);
  atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (self->profile_combo)),
                              modified ? _("Modified: the form has unsaved changes") : "");
  sd_window_update_title (self);
}

/* What the form shows now is what the profile holds. */
static void
sd_window_mark_clean (SdWindow *self)
{
  g_clear_pointer (&self->clean, sd_settings_free);
  self->clean = sd_window_read_form (self, TRUE);
  self->clean_remember = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->remember_check));
  self->title_set = FALSE;
  sd_window_update_modified (self);
  sd_window_update_actions (self);
}

/* Remembers the last used profile in the file, quietly: a read-only file just forgets. */
static void
sd_window_set_last_used (SdWindow   *self,
                         const char *name)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (sd_profile_store_get_last_used (self->profiles), name) == 0)
    return;
  sd_profile_store_set_last_used (self->profiles, name);
  if (!sd_profile_store_is_read_only (self->profiles) && !sd_profile_store_save (self->profiles, &error))
    g_debug ("profiles: %s", error->message);
}

/* Sets the picker from code, without loading what it selects. */
static void
sd_window_set_picker (SdWindow   *self,
                      const char *id)
{
  g_autofree char *copy = g_strdup (id);   /* @id may be self->previous_id itself */

  self->switching = TRUE;
  if (copy == NULL || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->profile_combo), copy))
    gtk_combo_box_set_active (GTK_COMBO_BOX (self->profile_combo), -1);
  self->switching = FALSE;
  g_free (self->previous_id);
  self->previous_id = g_steal_pointer (&copy);
}

/* Loads what the picker's @id names into the form. */
static void
sd_window_select (SdWindow   *self,
                  const char *id)
{
  g_clear_pointer (&self->current_profile, g_free);
  g_free (self->previous_id);
  self->previous_id = g_strdup (id);

  if (g_str_equal (id, "builtin"))
    {
      sd_window_apply_builtin (self);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->remember_check), FALSE);
      sd_window_set_last_used (self, NULL);
    }
  else if (g_str_has_prefix (id, "profile:"))
    {
      SdProfile *profile = sd_profile_store_lookup (self->profiles, id + strlen ("profile:"));
      g_autoptr(GError) error = NULL;
      char *password = NULL;

      if (profile == NULL)
        return;
      /* A short blocking call: the store answers from memory or a local service. */
      if (profile->remember_password)
        password = sd_secret_store_lookup (sd_secret_store_get_default (), profile->name, &error);
      sd_window_apply_profile (self, profile->settings, password);
      sd_secret_free (password);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->remember_check), profile->remember_password);
      self->current_profile = g_strdup (profile->name);
      sd_window_set_last_used (self, profile->name);
      if (error != NULL)
        sd_window_set_status (self, error->message);
      else if (profile->note != NULL)
        sd_window_set_status (self, profile->note);
    }
  else if (g_str_has_prefix (id, "preset:"))
    {
      const SdPreset *preset = sd_presets_lookup (id + strlen ("preset:"));
      g_autoptr(SdProfile) profile = preset ? sd_preset_to_profile (preset) : NULL;

      if (profile == NULL)
        return;
      sd_window_apply_profile (self, profile->settings, NULL);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->remember_check), FALSE);
      if (profile->note != NULL)
        sd_window_set_status (self, profile->note);
    }
  sd_window_mark_clean (self);
}

static void
sd_window_on_discard_response (GtkDialog *dialog,
                               int        response,
                               SdWindow  *self)
{
  g_autofree char *id = g_steal_pointer (&self->pending_id);

  gtk_widget_destroy (GTK_WIDGET (dialog));
  self->confirm_dialog = NULL;
  if (response == GTK_RESPONSE_ACCEPT && id != NULL)
    {
      sd_window_set_picker (self, id);
      sd_window_select (self, id);
    }
  else
    sd_window_set_picker (self, self->previous_id);
}

static GtkWidget *
sd_window_confirm (SdWindow   *self,
                   const char *primary,
                   const char *secondary,
                   const char *accept_label,
                   GCallback   on_response)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", primary);
  GtkWidget *accept;

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  accept = gtk_dialog_add_button (GTK_DIALOG (dialog), accept_label, GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (accept), "destructive-action");
  /* A stray Enter must not destroy anything. */
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect (dialog, "response", on_response, self);
  gtk_widget_show (dialog);
  self->confirm_dialog = dialog;
  return dialog;
}

static void
sd_window_on_profile_changed (SdWindow *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
  g_autofree char *primary = NULL;

  if (id == NULL || self->switching || self->profiles == NULL)
    return;
  if (!self->modified || self->confirm_dialog != NULL)
    {
      sd_window_select (self, id);
      return;
    }
  /* Switching would silently throw the edits away: ask first. */
  g_free (self->pending_id);
  self->pending_id = g_strdup (id);
  primary = g_strdup_printf (_("Discard the changes to “%s”?"), self->current_profile);
  sd_window_confirm (self, primary,
                     _("The form has changes that are not saved in the profile. "
                       "Cancel and use Save (Ctrl+Shift+S) to keep them."),
                     _("_Discard Changes"), G_CALLBACK (sd_window_on_discard_response));
}

/* The built-in server, the saved profiles, then the presets for common services. */
static void
sd_window_rebuild_picker (SdWindow   *self,
                          const char *active_id)
{
  GPtrArray *list = sd_profile_store_list (self->profiles);
  const SdPreset *presets;
  guint n_presets = 0;

  self->switching = TRUE;
  gtk_combo_box_text_remove_all (self->profile_combo);
  gtk_combo_box_text_append (self->profile_combo, "builtin", _("Built-in test server"));
  for (guint i = 0; i < list->len; i++)
    {
      const SdProfile *profile = list->pdata[i];
      g_autofree char *id = g_strconcat ("profile:", profile->name, NULL);
      gtk_combo_box_text_append (self->profile_combo, id, profile->name);
    }
  presets = sd_presets_get (&n_presets);
  for (guint i = 0; i < n_presets; i++)
    {
      g_autofree char *id = g_strconcat ("preset:", presets[i].id, NULL);
      /* Translators: a preset for a mail service in the profile picker */
      g_autofree char *label = g_strdup_printf (_("Preset: %s"), _(presets[i].name));
      gtk_combo_box_text_append (self->profile_combo, id, label);
    }
  self->switching = FALSE;
  sd_window_set_picker (self, active_id);
  sd_window_update_actions (self);
}

static void
sd_window_fill_profiles (SdWindow *self)
{
  g_autoptr(GError) error = NULL;

  self->profiles = sd_profile_store_new (NULL);
  /* A corrupt file was renamed aside: say so once, where it went. */
  if (!sd_profile_store_load (self->profiles, &error))
    sd_window_set_status (self, error->message);
  else if (sd_profile_store_is_read_only (self->profiles))
    sd_window_set_status (self, _("The saved profiles come from a newer SMTP Doctor: "
                                  "they can be used, but changes to them are not saved."));
  /* Long preset names must not widen the toolbar. */
  {
    g_autoptr(GList) cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (self->profile_combo));
    if (cells != NULL)
      {
        g_object_set (cells->data, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
        gtk_cell_renderer_set_fixed_size (cells->data, 190, -1);
      }
  }
  sd_window_rebuild_picker (self, NULL);
}

/* The newer-format file is never written: refuse before changing anything. */
static gboolean
sd_window_check_writable (SdWindow  *self,
                          GError   **error)
{
  if (!sd_profile_store_is_read_only (self->profiles))
    return TRUE;
  return sd_profile_store_save (self->profiles, error);
}

/* Stores the form as the profile @name (replacing one of that name) and selects it. The
 * password goes to the secret store when asked, never to the file; when there is no
 * store the profile is saved without it and @note says why. */
static gboolean
sd_window_store_form (SdWindow    *self,
                      const char  *name,
                      char       **note,
                      GError     **error)
{
  g_autoptr(SdSettings) settings = sd_window_read_form (self, TRUE);
  g_autoptr(SdProfile) profile = NULL;
  g_autoptr(GError) secret_error = NULL;
  SdSecretStore *secrets = sd_secret_store_get_default ();
  gboolean remember = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->remember_check));
  g_autofree char *id = g_strconcat ("profile:", name, NULL);

  if (!sd_window_check_writable (self, error))
    return FALSE;
  profile = sd_profile_new (name, settings);
  profile->remember_password = remember;
  if (!sd_profile_store_put (self->profiles, profile, error))
    return FALSE;

  /* Short blocking calls: the secret store is local. */
  if (remember && settings->password != NULL)
    {
      if (!sd_secret_store_save (secrets, name, settings->password, &secret_error))
        {
          SdProfile *stored = sd_profile_store_lookup (self->profiles, name);
          stored->remember_password = FALSE;
          *note = g_strdup_printf (_("The password was not saved: %s"), secret_error->message);
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->remember_check), FALSE);
        }
    }
  else if (!sd_secret_store_delete (secrets, name, &secret_error))
    *note = g_strdup_printf (_("The remembered password could not be removed: %s"), secret_error->message);

  sd_profile_store_set_last_used (self->profiles, name);
  if (!sd_profile_store_save (self->profiles, error))
    return FALSE;
  g_free (self->current_profile);
  self->current_profile = g_strdup (name);
  sd_window_rebuild_picker (self, id);
  sd_window_mark_clean (self);
  return TRUE;
}

static void
sd_window_report_saved (SdWindow   *self,
                        const char *name,
                        const char *note)
{
  g_autofree char *status = note
    ? g_strdup_printf (_("Saved the profile “%s”. %s"), name, note)
    : g_strdup_printf (_("Saved the profile “%s”."), name);

  sd_window_set_status (self, status);
}

/* The name dialog, for Save As and Rename. */

typedef enum {
  SD_NAME_SAVE_AS,
  SD_NAME_RENAME,
} SdNameMode;

static gboolean
sd_window_rename_profile (SdWindow    *self,
                          const char  *old_name,
                          const char  *new_name,
                          GError     **error)
{
  SdSecretStore *secrets = sd_secret_store_get_default ();
  g_autofree char *id = g_strconcat ("profile:", new_name, NULL);
  g_autoptr(GError) secret_error = NULL;
  SdProfile *profile;
  char *password = NULL;

  if (!sd_window_check_writable (self, error)
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
        sd_window_set_status (self, secret_error->message);
    }
  g_free (self->current_profile);
  self->current_profile = g_strdup (new_name);
  sd_window_rebuild_picker (self, id);
  self->title_set = FALSE;
  sd_window_update_modified (self);
  return TRUE;
}

static void
sd_window_on_name_response (GtkDialog *dialog,
                            int        response,
                            SdWindow  *self)
{
  SdNameMode mode = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "sd-mode"));
  GtkEntry *entry = g_object_get_data (G_OBJECT (dialog), "sd-entry");
  GtkLabel *error_label = g_object_get_data (G_OBJECT (dialog), "sd-error");
  g_autofree char *name = NULL;
  g_autofree char *old_name = g_strdup (self->current_profile);
  g_autofree char *note = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  if (response != GTK_RESPONSE_OK)
    {
      gtk_widget_destroy (GTK_WIDGET (dialog));
      self->name_dialog = NULL;
      return;
    }
  name = g_strstrip (g_strdup (gtk_entry_get_text (entry)));
  if (mode == SD_NAME_RENAME && g_strcmp0 (name, old_name) == 0)
    done = TRUE;
  else if (*name != '\0' && sd_profile_store_lookup (self->profiles, name) != NULL)
    g_set_error (&error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_EXISTS,
                 _("A profile named “%s” exists already: choose another name."), name);
  else if (mode == SD_NAME_RENAME)
    done = sd_window_rename_profile (self, old_name, name, &error);
  else
    done = sd_window_store_form (self, name, &note, &error);

  if (!done)
    {
      /* Stay open with the reason, so the user can fix the name. */
      gtk_label_set_text (error_label, error->message);
      gtk_widget_show (GTK_WIDGET (error_label));
      atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (entry)), error->message);
      gtk_widget_grab_focus (GTK_WIDGET (entry));
      return;
    }
  if (mode == SD_NAME_RENAME)
    {
      g_autofree char *status = g_strdup_printf (_("Renamed “%s” to “%s”."), old_name, name);
      sd_window_set_status (self, status);
    }
  else
    sd_window_report_saved (self, name, note);
  gtk_widget_destroy (GTK_WIDGET (dialog));
  self->name_dialog = NULL;
}

static void
sd_window_on_name_changed (GtkEntry  *entry,
                           GtkDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_entry_get_text (entry)));

  gtk_dialog_set_response_sensitive (dialog, GTK_RESPONSE_OK, *name != '\0');
}

static void
sd_window_ask_name (SdWindow   *self,
                    SdNameMode  mode,
                    const char *suggested)
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
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_title (GTK_WINDOW (dialog), mode == SD_NAME_RENAME ? _("Rename Profile") : _("Save Profile As"));
  if (mode == SD_NAME_RENAME)
    gtk_button_set_label (GTK_BUTTON (gtk_builder_get_object (builder, "ok_button")), _("_Rename"));
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (entry)), _("Profile name"));
  g_object_set_data (G_OBJECT (dialog), "sd-mode", GINT_TO_POINTER (mode));
  g_object_set_data (G_OBJECT (dialog), "sd-entry", entry);
  g_object_set_data (G_OBJECT (dialog), "sd-error", gtk_builder_get_object (builder, "error_label"));
  g_signal_connect (entry, "changed", G_CALLBACK (sd_window_on_name_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (sd_window_on_name_response), self);
  gtk_entry_set_text (entry, suggested ? suggested : "");
  sd_window_on_name_changed (entry, GTK_DIALOG (dialog));
  self->name_dialog = dialog;
  gtk_widget_show (dialog);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
}

static void
sd_window_action_profile_save_as (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
  const SdPreset *preset = id && g_str_has_prefix (id, "preset:") ? sd_presets_lookup (id + strlen ("preset:")) : NULL;
  const char *suggested = self->current_profile ? self->current_profile
                          : preset ? _(preset->name)
                          : gtk_entry_get_text (self->server_entry);

  sd_window_ask_name (self, SD_NAME_SAVE_AS, suggested);
}

static void
sd_window_action_profile_save (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  g_autofree char *name = g_strdup (self->current_profile);
  g_autofree char *note = NULL;
  g_autoptr(GError) error = NULL;

  /* The built-in server and the presets become profiles only under a name of their own. */
  if (name == NULL)
    {
      sd_window_action_profile_save_as (action, parameter, user_data);
      return;
    }
  if (!sd_window_store_form (self, name, &note, &error))
    sd_window_set_status (self, error->message);
  else
    sd_window_report_saved (self, name, note);
}

static void
sd_window_action_profile_rename (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);

  if (self->current_profile != NULL)
    sd_window_ask_name (self, SD_NAME_RENAME, self->current_profile);
}

/* A copy of what the form shows, under a free name, so edits go with it. */
static void
sd_window_action_profile_duplicate (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  g_autofree char *name = NULL;
  g_autofree char *note = NULL;
  g_autoptr(GError) error = NULL;

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
  if (!sd_window_store_form (self, name, &note, &error))
    sd_window_set_status (self, error->message);
  else
    sd_window_report_saved (self, name, note);
}

static void
sd_window_on_delete_response (GtkDialog *dialog,
                              int        response,
                              SdWindow  *self)
{
  g_autofree char *name = g_strdup (self->current_profile);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  gtk_widget_destroy (GTK_WIDGET (dialog));
  self->confirm_dialog = NULL;
  if (response != GTK_RESPONSE_ACCEPT || name == NULL)
    return;
  if (!sd_window_check_writable (self, &error)
      || !sd_profile_store_remove (self->profiles, name, &error)
      || !sd_profile_store_save (self->profiles, &error))
    {
      sd_window_set_status (self, error->message);
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
  sd_window_rebuild_picker (self, NULL);
  sd_window_mark_clean (self);
  sd_window_set_status (self, status);
}

static void
sd_window_action_profile_delete (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  g_autofree char *primary = NULL;

  if (self->current_profile == NULL || self->confirm_dialog != NULL)
    return;
  primary = g_strdup_printf (_("Delete the profile “%s”?"), self->current_profile);
  sd_window_confirm (self, primary,
                     _("Its settings and its remembered password are removed. "
                       "The form keeps what it shows."),
                     _("_Delete"), G_CALLBACK (sd_window_on_delete_response));
}

gboolean
sd_window_import_profiles (SdWindow  *self,
                           GFile     *file,
                           guint     *n_imported,
                           GError   **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *active = g_strdup (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo)));
  gint n;

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be imported"));
      return FALSE;
    }
  if (!sd_window_check_writable (self, error))
    return FALSE;
  n = sd_profile_store_import (self->profiles, path, error);
  if (n < 0 || !sd_profile_store_save (self->profiles, error))
    {
      sd_profile_store_load (self->profiles, NULL);
      return FALSE;
    }
  sd_window_rebuild_picker (self, active);
  if (n_imported != NULL)
    *n_imported = n;
  return TRUE;
}

gboolean
sd_window_export_profiles (SdWindow  *self,
                           GFile     *file,
                           GError   **error)
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
sd_window_on_profiles_file_response (GtkNativeDialog *dialog,
                                     int              response,
                                     SdWindow        *self)
{
  gboolean import = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_OPEN;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *name = g_file_get_parse_name (file);
      g_autoptr(GError) error = NULL;
      g_autofree char *status = NULL;
      guint n = 0;

      if (import && sd_window_import_profiles (self, file, &n, &error))
        status = g_strdup_printf (ngettext ("Imported %u profile from %s.",
                                            "Imported %u profiles from %s.", n), n, name);
      else if (!import && sd_window_export_profiles (self, file, &error))
        status = g_strdup_printf (_("Exported the profiles to %s (no passwords)."), name);
      else
        status = g_strdup_printf (import ? _("Could not import %s: %s") : _("Could not export to %s: %s"),
                                  name, error->message);
      sd_window_set_status (self, status);
    }
  g_clear_object (&self->profile_chooser);
}

static void
sd_window_open_profiles_chooser (SdWindow *self,
                                 gboolean  import)
{
  GtkFileChooser *chooser;

  if (self->profile_chooser != NULL)
    return;
  self->profile_chooser = gtk_file_chooser_native_new (import ? _("Import Profiles") : _("Export Profiles"),
                                                       GTK_WINDOW (self),
                                                       import ? GTK_FILE_CHOOSER_ACTION_OPEN
                                                              : GTK_FILE_CHOOSER_ACTION_SAVE,
                                                       import ? _("_Import") : _("_Export"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->profile_chooser);
  if (!import)
    {
      gtk_file_chooser_set_do_overwrite_confirmation (chooser, TRUE);
      gtk_file_chooser_set_current_name (chooser, "smtp-doctor-profiles.ini");
    }
  sd_window_add_filter (chooser, _("SMTP Doctor profiles (*.ini)"), "*.ini");
  sd_window_add_filter (chooser, _("All files"), "*");
  g_signal_connect (self->profile_chooser, "response", G_CALLBACK (sd_window_on_profiles_file_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->profile_chooser));
}

static void
sd_window_action_profile_import (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  sd_window_open_profiles_chooser (SD_WINDOW (user_data), TRUE);
}

static void
sd_window_action_profile_export (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  sd_window_open_profiles_chooser (SD_WINDOW (user_data), FALSE);
}

/* ---- settings persistence -------------------------------------------------------- */

static void
sd_window_save_form (SdWindow *self)
{
  g_autofree char *body = NULL;
  const char *verify;

  if (self->settings == NULL)
    return;
  body = sd_window_dup_body (self);
  verify = sd_window_combo_id (self->verify_combo, "verify");
  /* Never the password: that belongs in the OS secret store (the profiles issue). */
  g_settings_set_string (self->settings, "server", gtk_entry_get_text (self->server_entry));
  g_settings_set_int (self->settings, "port",
                      self->port_edited ? atoi (gtk_entry_get_text (self->port_entry)) : 0);
  g_settings_set_string (self->settings, "security", sd_window_combo_id (self->security_combo, "starttls"));
  g_settings_set_string (self->settings, "tls-verify", verify);
  g_settings_set_string (self->settings, "tls-pin", gtk_entry_get_text (self->pin_entry));
  g_settings_set_string (self->settings, "auth", sd_window_combo_id (self->auth_combo, "auto"));
  g_settings_set_string (self->settings, "user", gtk_entry_get_text (self->user_entry));
  g_settings_set_string (self->settings, "oauth-provider",
                         sd_window_is_oauth (self) ? sd_window_combo_id (self->provider_combo, "microsoft") : "");
  g_settings_set_string (self->settings, "oauth-tenant", gtk_entry_get_text (self->tenant_entry));
  g_settings_set_string (self->settings, "oauth-client-id", gtk_entry_get_text (self->client_id_entry));
  g_settings_set_boolean (self->settings, "allow-plaintext-auth",
                          gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->plaintext_check)));
  g_settings_set_string (self->settings, "from", gtk_entry_get_text (self->from_entry));
  g_settings_set_string (self->settings, "to", gtk_entry_get_text (self->to_entry));
  g_settings_set_string (self->settings, "subject", gtk_entry_get_text (self->subject_entry));
  g_settings_set_string (self->settings, "body", body);
  g_settings_set_string (self->settings, "profile",
                         g_strcmp0 (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo)), "builtin") == 0
                         ? "builtin" : "");
}

static void
sd_window_load_form (SdWindow *self)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  g_autofree char *security = NULL, *verify = NULL, *to = NULL, *server = NULL;

  if (self->settings == NULL)
    return;
  server = g_settings_get_string (self->settings, "server");
  if (*server == '\0')
    return;
  settings->host = g_steal_pointer (&server);
  settings->port = (guint16) g_settings_get_int (self->settings, "port");
  security = g_settings_get_string (self->settings, "security");
  sd_security_from_string (security, &settings->security);
  verify = g_settings_get_string (self->settings, "tls-verify");
  settings->tls_verify = g_str_equal (verify, "pin") ? SD_TLS_PIN
                         : g_str_equal (verify, "accept-any") ? SD_TLS_ACCEPT_ANY : SD_TLS_VERIFY;
  settings->tls_pin = g_settings_get_string (self->settings, "tls-pin");
  sd_take_str (&settings->auth, g_settings_get_string (self->settings, "auth"));
  settings->user = g_settings_get_string (self->settings, "user");
  settings->oauth_provider = g_settings_get_string (self->settings, "oauth-provider");
  settings->oauth_tenant = g_settings_get_string (self->settings, "oauth-tenant");
  settings->oauth_client_id = g_settings_get_string (self->settings, "oauth-client-id");
  settings->allow_plaintext_auth = g_settings_get_boolean (self->settings, "allow-plaintext-auth");
  settings->from = g_settings_get_string (self->settings, "from");
  to = g_settings_get_string (self->settings, "to");
  settings->to = sd_split_addresses (to);
  sd_take_str (&settings->subject, g_settings_get_string (self->settings, "subject"));
  sd_take_str (&settings->body, g_settings_get_string (self->settings, "body"));
  gtk_combo_box_set_active (GTK_COMBO_BOX (self->profile_combo), -1);
  sd_window_fill_form (self, settings);
}

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
                      gtk_paned_get_position (self->transcript_paned));
}

static void
sd_window_load_state (SdWindow *self)
{
  int transcript;

  if (self->settings == NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self), 1280, 800);
      return;
    }
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gtk_paned_set_position (self->form_paned, g_settings_get_int (self->settings, "form-pane-position"));
  transcript = g_settings_get_int (self->settings, "transcript-pane-position");
  if (transcript > 0)
    gtk_paned_set_position (self->transcript_paned, transcript);
}

/* ---- the session ----------------------------------------------------------------- */

static void
sd_window_on_events (SdSession *session,
                     GPtrArray *events,
                     SdWindow  *self)
{
  sd_transcript_view_append (self->transcript_view, events);
  for (guint i = 0; i < events->len; i++)
    sd_stage_strip_enter (self->stage_strip, ((SdEvent *) events->pdata[i])->stage);
}

static void
sd_window_show_report (SdWindow *self)
{
  const SdReport *report = self->report;
  g_autofree char *status = NULL;

  sd_stage_strip_finish (self->stage_strip, report);
  sd_summary_card_set_report (self->summary_card, report);
  sd_hints_panel_set_report (self->hints_panel, report);
  if (report->ok)
    status = report->stage >= SD_STAGE_QUIT
      ? g_strdup (_("Done: the server accepted the message."))
      : g_strdup_printf (_("Done: stopped after %s as asked."), sd_stage_to_string (report->stage));
  else
    {
      g_autofree char *message = sd_text_escape (report->error ? report->error->message : "");
      status = g_strdup_printf (_("Failed %s: %s"), sd_stage_describe (report->stage), message);
    }
  sd_window_set_status (self, status);
}

static void
sd_window_on_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SdWindow) self = user_data;
  g_autoptr(SdReport) report = sd_session_run_finish (SD_SESSION (source), result);
  g_autoptr(GApplication) app = g_steal_pointer (&self->held_app);

  if (app != NULL)
    g_application_release (app);
  g_signal_handlers_disconnect_by_data (source, self);
  if (self->session != SD_SESSION (source))
    return;   /* the window went away meanwhile */

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->report, sd_report_free);
  /* The session only reports; diagnosing is our next step. */
  g_ptr_array_extend_and_steal (report->hints, sd_diagnose_report (report));
  self->report = g_steal_pointer (&report);
  gtk_spinner_stop (self->spinner);
  sd_window_show_report (self);
  sd_window_update_actions (self);
}

static void
sd_window_run_session (SdWindow   *self,
                       SdSettings *settings,
                       gboolean    connection_only)
{
  g_autoptr(GError) error = NULL;

  if (!sd_settings_validate (settings, &error))
    {
      g_clear_object (&self->cancellable);
      sd_window_set_status (self, error->message);
      sd_window_update_actions (self);
      return;
    }
  sd_window_save_form (self);

  sd_transcript_view_clear (self->transcript_view);
  sd_stage_strip_reset (self->stage_strip);
  sd_summary_card_clear (self->summary_card);
  sd_hints_panel_clear (self->hints_panel);
  g_clear_pointer (&self->report, sd_report_free);

  self->session = sd_session_new (settings);
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  g_signal_connect (self->session, "events", G_CALLBACK (sd_window_on_events), self);
  /* Keeps the process alive until the worker has let go, even if the window closes. */
  self->held_app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  if (self->held_app != NULL)
    {
      g_object_ref (self->held_app);
      g_application_hold (self->held_app);
    }
  sd_session_run_async (self->session, self->cancellable, sd_window_on_done, g_object_ref (self));

  gtk_spinner_start (self->spinner);
  sd_window_set_status (self, connection_only ? _("Testing the connection…") : _("Sending a test message…"));
  sd_window_update_actions (self);
}

/* The stored token, renewed when due: blocking (secret store, identity provider). */
static void
sd_window_fetch_token_thread (GTask        *task,
                              gpointer      source,
                              gpointer      task_data,
                              GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean refreshed = FALSE;
  char *token = sd_oauth_store_get_access_token (sd_secret_store_get_default (), task_data,
                                                 &refreshed, cancellable, &error);

  if (token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) sd_secret_free);
}

static void
sd_window_on_token_fetched (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  SdWindow *self = SD_WINDOW (source);
  GTask *task = G_TASK (result);
  g_autoptr(GError) error = NULL;
  char *token = g_task_propagate_pointer (task, &error);
  SdSettings *settings = g_task_get_task_data (task);

  if (g_task_get_cancellable (task) != self->cancellable || self->session != NULL)
    {
      sd_secret_free (token);   /* stopped, or the window went away */
      return;
    }
  if (token == NULL)
    {
      g_clear_object (&self->cancellable);
      gtk_spinner_stop (self->spinner);
      sd_window_set_status (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                  ? _("Stopped.") : error->message);
      sd_window_update_actions (self);
      sd_window_update_oauth_status (self);
      return;
    }
  sd_secret_free (settings->oauth_token);
  settings->oauth_token = token;
  gtk_spinner_stop (self->spinner);
  sd_window_run_session (self, settings, GPOINTER_TO_INT (user_data));
}

static void
sd_window_start (SdWindow *self,
                 gboolean  connection_only)
{
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(GTask) task = NULL;

  if (self->session != NULL || self->cancellable != NULL)
    return;
  settings = sd_window_read_form (self, FALSE);
  if (connection_only)
    sd_window_limit_to_connection (settings);
  if (!sd_window_is_oauth (self) || settings->oauth_provider == NULL)
    {
      sd_window_run_session (self, settings, connection_only);
      return;
    }

  /* The token first, off the main thread; Stop cancels this too. */
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, sd_window_on_token_fetched,
                     GINT_TO_POINTER (connection_only));
  g_task_set_task_data (task, g_steal_pointer (&settings), (GDestroyNotify) sd_settings_free);
  g_task_run_in_thread (task, sd_window_fetch_token_thread);
  gtk_spinner_start (self->spinner);
  sd_window_set_status (self, _("Getting the stored sign-in…"));
  sd_window_update_actions (self);
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
  SdWindow *self = SD_WINDOW (user_data);

  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  sd_window_set_status (self, _("Stopping…"));
}

static void
sd_window_action_find (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  sd_transcript_view_start_find (SD_WINDOW (user_data)->transcript_view);
}

/* ---- export ---------------------------------------------------------------------- */

gboolean
sd_window_export_to_file (SdWindow  *self,
                          GFile     *file,
                          GError   **error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autofree char *data = NULL;

  g_return_val_if_fail (self->report != NULL, FALSE);
  if (g_str_has_suffix (lower, ".html") || g_str_has_suffix (lower, ".htm"))
    data = sd_report_export_html (self->report, NULL);
  else if (g_str_has_suffix (lower, ".json"))
    data = sd_report_export_json (self->report, NULL);
  else
    data = sd_report_export_text (self->report, NULL);
  return g_file_replace_contents (file, data, strlen (data), NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, NULL, error);
}

static void
sd_window_on_export_response (GtkNativeDialog *dialog,
                              int              response,
                              SdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
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
sd_window_add_filter (GtkFileChooser *chooser,
                      const char     *name,
                      const char     *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
sd_window_action_export (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *suggested = NULL;

  if (self->report == NULL || self->chooser != NULL)
    return;
  suggested = g_strdup_printf ("smtp-doctor-%s-%s.txt", self->report->host ? self->report->host : "report", stamp);
  self->chooser = gtk_file_chooser_native_new (_("Export the report"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), suggested);
  sd_window_add_filter (GTK_FILE_CHOOSER (self->chooser), _("Text for a ticket (*.txt)"), "*.txt");
  sd_window_add_filter (GTK_FILE_CHOOSER (self->chooser), _("Web page, colored (*.html)"), "*.html");
  sd_window_add_filter (GTK_FILE_CHOOSER (self->chooser), _("JSON (*.json)"), "*.json");
  g_signal_connect (self->chooser, "response", G_CALLBACK (sd_window_on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
sd_window_action_copy_report (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  SdWindow *self = SD_WINDOW (user_data);
  g_autofree char *text = NULL;

  if (self->report == NULL)
    return;
  text = sd_report_export_text (self->report, NULL);
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD), text, -1);
  sd_window_set_status (self, _("The report is on the clipboard (credentials redacted)."));
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
};

/* ---- GObject --------------------------------------------------------------------- */

static void
sd_window_set_names (SdWindow *self)
{
  const struct { gpointer widget; const char *name; } names[] = {
    { self->profile_combo, N_("Profile") },
    { self->profile_menu_button, N_("Profile menu") },
    { self->modified_label, N_("Profile modified") },
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
    { self->send_button, N_("Send test mail") },
    { self->test_button, N_("Test connection") },
    { self->stop_button, N_("Stop") },
    { self->export_button, N_("Export") },
    { self->copy_button, N_("Copy to clipboard") },
    { self->menu_button, N_("Menu") },
    { self->stage_strip, N_("Stages") },
    { self->status_label, N_("Status") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (names[i].widget)), _(names[i].name));
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

  if (self->session != NULL)
    {
      /* Closing during a session: cancel it; sd_window_on_done() lets go of it. */
      g_cancellable_cancel (self->cancellable);
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
      g_clear_object (&self->cancellable);
    }
  if (self->cancellable != NULL)
    {
      /* Fetching the token: sd_window_on_token_fetched() sees it was stopped. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  g_clear_handle_id (&self->oauth_status_id, g_source_remove);
  g_cancellable_cancel (self->oauth_status_cancellable);
  g_clear_object (&self->oauth_status_cancellable);
  if (self->oauth_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->oauth_dialog, self);
      gtk_widget_destroy (g_steal_pointer (&self->oauth_dialog));
    }
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->profile_chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->profile_chooser));
      g_clear_object (&self->profile_chooser);
    }
  /* Modal children: destroyed with us, but their handlers must not see a dead window. */
  if (self->name_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->name_dialog, self);
      gtk_widget_destroy (g_steal_pointer (&self->name_dialog));
    }
  if (self->confirm_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->confirm_dialog, self);
      gtk_widget_destroy (g_steal_pointer (&self->confirm_dialog));
    }
  if (self->form_paned != NULL)
    sd_window_save_state (self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->report, sd_report_free);
  g_clear_pointer (&self->profiles, sd_profile_store_free);
  g_clear_pointer (&self->current_profile, g_free);
  g_clear_pointer (&self->clean, sd_settings_free);
  g_clear_pointer (&self->previous_id, g_free);
  g_clear_pointer (&self->pending_id, g_free);
  G_OBJECT_CLASS (sd_window_parent_class)->dispose (object);
}

static void
sd_window_class_init (SdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_window_dispose;
  widget_class->delete_event = sd_window_delete_event;

  g_type_ensure (SD_TYPE_STAGE_STRIP);
  g_type_ensure (SD_TYPE_TRANSCRIPT_VIEW);
  g_type_ensure (SD_TYPE_SUMMARY_CARD);
  g_type_ensure (SD_TYPE_HINTS_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdWindow, profile_combo);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, modified_label);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, profile_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, remember_check);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, password_label);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, password_box);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, provider_label);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, provider_combo);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, tenant_label);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, tenant_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, client_id_label);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, client_id_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, client_secret_label);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, client_secret_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, oauth_box);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, oauth_status);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, form_paned);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, transcript_paned);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, server_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, port_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, security_combo);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, security_hint);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, verify_combo);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, verify_hint);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, auth_combo);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, user_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, password_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, plaintext_check);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, plaintext_warning);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, body_view);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, quit_after_combo);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, form_status);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, stage_strip);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, summary_card);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, hints_panel);
  gtk_widget_class_bind_template_child (widget_class, SdWindow, status_label);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_form_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_oauth_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_security_combo_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_verify_combo_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_auth_combo_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_quit_after_combo_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_reveal_toggled);
  gtk_widget_class_bind_template_callback (widget_class, sd_window_on_profile_changed);
}

static void
sd_window_init (SdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), sd_window_actions,
                                   G_N_ELEMENTS (sd_window_actions), self);
  g_signal_connect_swapped (self->port_entry, "changed", G_CALLBACK (sd_window_on_port_changed), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->body_view), "changed",
                            G_CALLBACK (sd_window_on_form_changed), self);
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->security_combo), "starttls");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->verify_combo), "verify");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->auth_combo), "auto");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->quit_after_combo), "full");
  sd_window_set_names (self);
  sd_window_update_auth_rows (self);
  sd_window_set_status (self, _("Ready."));
  sd_window_validate (self);
}

static void
sd_window_constructed (SdWindow *self)
{
  SdApplication *app = SD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GSettings *settings = app ? sd_application_get_settings (app) : NULL;
  const char *last;

  self->settings = settings ? g_object_ref (settings) : NULL;
  sd_window_load_state (self);
  sd_window_fill_profiles (self);
  last = sd_profile_store_get_last_used (self->profiles);
  /* The last used profile if it is still there; otherwise the built-in server. */
  if (last != NULL && sd_profile_store_lookup (self->profiles, last) != NULL)
    {
      g_autofree char *id = g_strconcat ("profile:", last, NULL);
      sd_window_set_picker (self, id);
      sd_window_select (self, id);
      return;
    }
  sd_window_set_picker (self, "builtin");
  sd_window_select (self, "builtin");
  if (self->settings != NULL)
    {
      g_autofree char *profile = g_settings_get_string (self->settings, "profile");
      if (!g_str_equal (profile, "builtin"))
        sd_window_load_form (self);
    }
}

SdWindow *
sd_window_new (SdApplication *application)
{
  SdWindow *self = g_object_new (SD_TYPE_WINDOW, "application", application, NULL);

  sd_window_constructed (self);
  return self;
}

gboolean
sd_window_is_running (SdWindow *self)
{
  return self->session != NULL || self->cancellable != NULL;
}

const SdReport *
sd_window_get_report (SdWindow *self)
{
  return self->report;
}

SdTranscriptView *
sd_window_get_transcript_view (SdWindow *self)
{
  return self->transcript_view;
}

SdStageStrip *
sd_window_get_stage_strip (SdWindow *self)
{
  return self->stage_strip;
}

SdSummaryCard *
sd_window_get_summary_card (SdWindow *self)
{
  return self->summary_card;
}

SdHintsPanel *
sd_window_get_hints_panel (SdWindow *self)
{
  return self->hints_panel;
}
