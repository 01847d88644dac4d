/* sd-settings-form-checks.c: what is wrong with the form, field by field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-settings-form-private.h"

/* Recipients may be separated by commas, semicolons or spaces, as users paste them. */
char **
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
char *
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
sd_settings_form_mark (GtkEntry   *entry,
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
sd_settings_form_check_server (SdSettingsForm *self)
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
sd_settings_form_check_port (SdSettingsForm *self)
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
sd_settings_form_check_pin (SdSettingsForm *self)
{
  g_autofree char *pin = NULL;

  if (!g_str_equal (sd_settings_form_combo_id (self->verify_combo, "verify"), "pin"))
    return NULL;
  pin = sd_normalize_pin (gtk_entry_get_text (self->pin_entry));
  if (!sd_pin_is_valid (pin))
    return _("Paste the certificate's SHA-256 fingerprint: 64 hexadecimal digits");
  return NULL;
}

static const char *
sd_settings_form_check_user (SdSettingsForm *self)
{
  const char *auth = sd_settings_form_combo_id (self->auth_combo, "auto");
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

static const char *
sd_settings_form_check_tenant (SdSettingsForm *self)
{
  if (!sd_settings_form_is_oauth (self) || sd_settings_form_is_google (self) ||
      *gtk_entry_get_text (self->tenant_entry) != '\0')
    return NULL;
  return _("Enter the tenant: the directory ID or domain, or “organizations”");
}

static const char *
sd_settings_form_check_client_id (SdSettingsForm *self)
{
  if (!sd_settings_form_is_oauth (self) || *gtk_entry_get_text (self->client_id_entry) != '\0')
    return NULL;
  return _("Enter the client ID of your app registration");
}

static gboolean
sd_settings_form_needs_envelope (SdSettingsForm *self)
{
  const char *quit = sd_settings_form_combo_id (self->quit_after_combo, "full");
  SdStage stage;

  return g_str_equal (quit, "full") || !sd_stage_from_string (quit, &stage) || stage >= SD_STAGE_MAIL;
}

static const char *
sd_settings_form_check_from (SdSettingsForm *self)
{
  const char *from = gtk_entry_get_text (self->from_entry);

  if (*from == '\0')
    return sd_settings_form_needs_envelope (self) ? _("Enter the sender's address") : NULL;
  if (!sd_address_is_plausible (from))
    return _("Not an e-mail address (name@domain)");
  return NULL;
}

static const char *
sd_settings_form_check_to (SdSettingsForm *self)
{
  g_auto(GStrv) to = sd_split_addresses (gtk_entry_get_text (self->to_entry));

  if (to[0] == NULL)
    return sd_settings_form_needs_envelope (self) ? _("Enter at least one recipient") : NULL;
  for (guint i = 0; to[i]; i++)
    if (!sd_address_is_plausible (to[i]))
      return _("One of the recipients is not an e-mail address (name@domain)");
  return NULL;
}

static void
sd_settings_form_show_plaintext_warning (SdSettingsForm *self)
{
  SdSecurity security = sd_settings_form_get_security (self);
  gboolean plaintext = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->plaintext_check));

  gtk_label_set_text (self->plaintext_warning,
                      plaintext && security != SD_SECURITY_STARTTLS && security != SD_SECURITY_TLS
                      ? _("The password may travel unencrypted: anyone on the way can read it.")
                      : "");
  gtk_widget_set_visible (GTK_WIDGET (self->plaintext_warning),
                          *gtk_label_get_text (self->plaintext_warning) != '\0');
}

void
sd_settings_form_check (SdSettingsForm *self)
{
  struct { GtkEntry *entry; const char *problem; gboolean for_connect; } checks[] = {
    { self->server_entry, sd_settings_form_check_server (self), TRUE },
    { self->port_entry, sd_settings_form_check_port (self), TRUE },
    { self->pin_entry, sd_settings_form_check_pin (self), TRUE },
    { self->user_entry, sd_settings_form_check_user (self), TRUE },
    { self->tenant_entry, sd_settings_form_check_tenant (self), TRUE },
    { self->client_id_entry, sd_settings_form_check_client_id (self), TRUE },
    { self->from_entry, sd_settings_form_check_from (self), FALSE },
    { self->to_entry, sd_settings_form_check_to (self), FALSE },
  };
  const char *first = NULL;

  self->valid = TRUE;
  self->connect_valid = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      sd_settings_form_mark (checks[i].entry, checks[i].problem);
      if (checks[i].problem == NULL)
        continue;
      if (first == NULL)
        first = checks[i].problem;
      self->valid = FALSE;
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
  sd_settings_form_show_plaintext_warning (self);
}

