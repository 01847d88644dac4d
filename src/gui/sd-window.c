/* sd-window.c: the main window: form, toolbar, transcript, stages, summary, hints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-private.h"
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
  GtkEntry             *password_entry;
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
  GApplication         *held_app;       /* held while a worker runs, even past dispose */
  gboolean              port_edited;    /* the user typed a port: stop following the mode */
  gboolean              setting_port;
  gboolean              form_valid;
  gboolean              connect_valid;
  gboolean              state_saved;
};

G_DEFINE_FINAL_TYPE (SdWindow, sd_window, GTK_TYPE_APPLICATION_WINDOW)

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
  gboolean running = self->session != NULL;
  const struct { const char *name; gboolean enabled; } states[] = {
    { "send", !running && self->form_valid },
    { "test", !running && self->connect_valid },
    { "stop", running },
    { "export", !running && self->report != NULL },
    { "copy-report", !running && self->report != NULL },
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

static void
sd_window_on_auth_combo_changed (SdWindow *self)
{
  gboolean none = g_str_equal (sd_window_combo_id (self->auth_combo, "auto"), "none");

  gtk_widget_set_sensitive (GTK_WIDGET (self->user_entry), !none);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_entry), !none);
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

static SdSettings *
sd_window_build_settings (SdWindow  *self,
                          gboolean   connection_only,
                          GError   **error)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  const char *port = gtk_entry_get_text (self->port_entry);
  const char *verify = sd_window_combo_id (self->verify_combo, "verify");
  const char *quit = sd_window_combo_id (self->quit_after_combo, "full");
  const char *user = gtk_entry_get_text (self->user_entry);
  const char *password = gtk_entry_get_text (self->password_entry);

  settings->host = g_strdup (gtk_entry_get_text (self->server_entry));
  settings->port = *port ? (guint16) g_ascii_strtoull (port, NULL, 10) : 0;
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
  if (g_str_equal (settings->auth, "auto") && *user == '\0')
    sd_take_str (&settings->auth, g_strdup ("none"));
  settings->user = *user ? g_strdup (user) : NULL;
  settings->password = *password ? g_strdup (password) : NULL;
  settings->allow_plaintext_auth = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->plaintext_check));
  settings->from = g_strdup (gtk_entry_get_text (self->from_entry));
  settings->to = sd_split_addresses (gtk_entry_get_text (self->to_entry));
  sd_take_str (&settings->subject, g_strdup (gtk_entry_get_text (self->subject_entry)));
  sd_take_str (&settings->body, sd_window_dup_body (self));
  if (!g_str_equal (quit, "full"))
    settings->has_quit_after = sd_stage_from_string (quit, &settings->quit_after);
  if (connection_only)
    {
      /* As far as the credentials, never to MAIL. */
      settings->has_quit_after = TRUE;
      settings->quit_after = !g_str_equal (settings->auth, "none") ? SD_STAGE_AUTH
                             : settings->security != SD_SECURITY_NONE ? SD_STAGE_TLS : SD_STAGE_EHLO;
    }

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

static void
sd_window_on_profile_changed (SdWindow *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));

  if (id == NULL)
    return;
  if (g_str_equal (id, "builtin"))
    sd_window_apply_builtin (self);
  else if (g_str_has_prefix (id, "profile:") && self->profiles != NULL)
    {
      SdProfile *profile = sd_profile_store_lookup (self->profiles, id + strlen ("profile:"));
      g_autoptr(GError) error = NULL;
      char *password = NULL;

      if (profile == NULL)
        return;
      if (profile->remember_password)
        password = sd_secret_store_lookup (sd_secret_store_get_default (), profile->name, &error);
      sd_window_apply_profile (self, profile->settings, password);
      sd_secret_free (password);
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
      if (profile->note != NULL)
        sd_window_set_status (self, profile->note);
    }
}

/* The saved profiles, then the presets for common services. */
static void
sd_window_fill_profiles (SdWindow *self)
{
  g_autoptr(GError) error = NULL;
  const SdPreset *presets;
  guint n_presets = 0;

  self->profiles = sd_profile_store_new (NULL);
  if (!sd_profile_store_load (self->profiles, &error))
    g_debug ("profiles: %s", error->message);
  else
    {
      GPtrArray *list = sd_profile_store_list (self->profiles);

      for (guint i = 0; i < list->len; i++)
        {
          const SdProfile *profile = list->pdata[i];
          g_autofree char *id = g_strconcat ("profile:", profile->name, NULL);
          gtk_combo_box_text_append (self->profile_combo, id, profile->name);
        }
    }
  /* Long preset names must not widen the toolbar. */
  {
    g_autoptr(GList) cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (self->profile_combo));
    if (cells != NULL)
      {
        g_object_set (cells->data, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
        gtk_cell_renderer_set_fixed_size (cells->data, 190, -1);
      }
  }
  presets = sd_presets_get (&n_presets);
  for (guint i = 0; i < n_presets; i++)
    {
      g_autofree char *id = g_strconcat ("preset:", presets[i].id, NULL);
      /* Translators: a preset for a mail service in the profile picker */
      g_autofree char *label = g_strdup_printf (_("Preset: %s"), presets[i].name);
      gtk_combo_box_text_append (self->profile_combo, id, label);
    }
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
  self->report = g_steal_pointer (&report);
  gtk_spinner_stop (self->spinner);
  sd_window_show_report (self);
  sd_window_update_actions (self);
}

static void
sd_window_start (SdWindow *self,
                 gboolean  connection_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSettings) settings = NULL;

  if (self->session != NULL)
    return;
  settings = sd_window_build_settings (self, connection_only, &error);
  if (settings == NULL)
    {
      sd_window_set_status (self, error->message);
      return;
    }
  sd_window_save_form (self);

  sd_transcript_view_clear (self->transcript_view);
  sd_stage_strip_reset (self->stage_strip);
  sd_summary_card_clear (self->summary_card);
  sd_hints_panel_clear (self->hints_panel);
  g_clear_pointer (&self->report, sd_report_free);

  self->session = sd_session_new (settings);
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
};

/* ---- GObject --------------------------------------------------------------------- */

static void
sd_window_set_names (SdWindow *self)
{
  const struct { gpointer widget; const char *name; } names[] = {
    { self->profile_combo, N_("Profile") },
    { self->server_entry, N_("Server") },
    { self->port_entry, N_("Port") },
    { self->security_combo, N_("Security") },
    { self->verify_combo, N_("Certificate check") },
    { self->pin_entry, N_("Pinned certificate SHA-256") },
    { self->auth_combo, N_("Authentication") },
    { self->user_entry, N_("User") },
    { self->password_entry, N_("Password") },
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
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->form_paned != NULL)
    sd_window_save_state (self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->report, sd_report_free);
  g_clear_pointer (&self->profiles, sd_profile_store_free);
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
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->security_combo), "starttls");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->verify_combo), "verify");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->auth_combo), "auto");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->quit_after_combo), "full");
  sd_window_set_names (self);
  sd_window_set_status (self, _("Ready."));
  sd_window_validate (self);
}

static void
sd_window_constructed (SdWindow *self)
{
  SdApplication *app = SD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GSettings *settings = app ? sd_application_get_settings (app) : NULL;

  self->settings = settings ? g_object_ref (settings) : NULL;
  sd_window_load_state (self);
  sd_window_fill_profiles (self);
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->profile_combo), "builtin");
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
  return self->session != NULL;
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
