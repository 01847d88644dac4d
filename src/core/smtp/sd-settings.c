/* sd-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-auth.h"
#include "sd-dsn.h"
#include "sd-secret.h"
#include "sd-session-error.h"
#include "sd-settings.h"

SdSettings *
sd_settings_new (void)
{
  SdSettings *settings = g_new0 (SdSettings, 1);

  settings->security = SD_SECURITY_STARTTLS;
  settings->tls_verify = SD_TLS_VERIFY;
  settings->auth = g_strdup ("auto");
  settings->subject = g_strdup (_("SMTP Doctor test message"));
  settings->body = g_strdup_printf ("%s\n", _("This is a test message sent by SMTP Doctor."));
  settings->pipelining = SD_PIPELINING_AUTO;
  return settings;
}

void
sd_settings_free (SdSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->host);
  g_free (settings->tls_pin);
  g_free (settings->tls_ca_file);
  g_free (settings->tls_priority);
  g_free (settings->connect_address);
  g_free (settings->auth);
  g_free (settings->user);
  sd_secret_free (settings->password);
  sd_secret_free (settings->oauth_token);
  g_free (settings->oauth_provider);
  g_free (settings->oauth_tenant);
  g_free (settings->oauth_client_id);
  g_free (settings->ehlo_name);
  g_free (settings->from);
  g_strfreev (settings->to);
  g_free (settings->subject);
  g_free (settings->body);
  g_clear_pointer (&settings->eml, g_bytes_unref);
  g_free (settings->html);
  g_clear_pointer (&settings->attachments, g_ptr_array_unref);
  g_free (settings->dsn_notify);
  g_free (settings->dsn_ret);
  g_free (settings->dsn_envid);
  g_free (settings);
}

SdSettings *
sd_settings_copy (const SdSettings *settings)
{
  SdSettings *copy = g_memdup2 (settings, sizeof *settings);

  copy->host = g_strdup (settings->host);
  copy->tls_pin = g_strdup (settings->tls_pin);
  copy->tls_ca_file = g_strdup (settings->tls_ca_file);
  copy->tls_priority = g_strdup (settings->tls_priority);
  copy->connect_address = g_strdup (settings->connect_address);
  copy->auth = g_strdup (settings->auth);
  copy->user = g_strdup (settings->user);
  copy->password = g_strdup (settings->password);
  copy->oauth_token = g_strdup (settings->oauth_token);
  copy->oauth_provider = g_strdup (settings->oauth_provider);
  copy->oauth_tenant = g_strdup (settings->oauth_tenant);
  copy->oauth_client_id = g_strdup (settings->oauth_client_id);
  copy->ehlo_name = g_strdup (settings->ehlo_name);
  copy->from = g_strdup (settings->from);
  copy->to = g_strdupv (settings->to);
  copy->subject = g_strdup (settings->subject);
  copy->body = g_strdup (settings->body);
  copy->eml = settings->eml ? g_bytes_ref (settings->eml) : NULL;
  copy->html = g_strdup (settings->html);
  copy->attachments = NULL;
  for (guint i = 0; settings->attachments != NULL && i < settings->attachments->len; i++)
    sd_settings_add_attachment (copy, settings->attachments->pdata[i]);
  copy->dsn_notify = g_strdup (settings->dsn_notify);
  copy->dsn_ret = g_strdup (settings->dsn_ret);
  copy->dsn_envid = g_strdup (settings->dsn_envid);
  return copy;
}

void
sd_settings_add_attachment (SdSettings         *settings,
                            const SdAttachment *attachment)
{
  if (settings->attachments == NULL)
    settings->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_attachment_free);
  g_ptr_array_add (settings->attachments, sd_attachment_copy (attachment));
}

guint16
sd_settings_get_port (const SdSettings *settings)
{
  if (settings->port != 0)
    return settings->port;
  switch (settings->security)
    {
    case SD_SECURITY_NONE:              return 25;
    case SD_SECURITY_STARTTLS:          return 587;
    case SD_SECURITY_STARTTLS_OPTIONAL: return 587;
    case SD_SECURITY_TLS:               return 465;
    default:                            g_return_val_if_reached (25);
    }
}

static const char * const security_names[] = {
  [SD_SECURITY_NONE] = "none",
  [SD_SECURITY_STARTTLS] = "starttls",
  [SD_SECURITY_STARTTLS_OPTIONAL] = "starttls-optional",
  [SD_SECURITY_TLS] = "tls",
};

const char *
sd_security_to_string (SdSecurity security)
{
  g_return_val_if_fail (security < G_N_ELEMENTS (security_names), "none");
  return security_names[security];
}

gboolean
sd_security_from_string (const char *name,
                         SdSecurity *security)
{
  for (guint i = 0; i < G_N_ELEMENTS (security_names); i++)
    if (g_ascii_strcasecmp (name, security_names[i]) == 0)
      {
        *security = i;
        return TRUE;
      }
  return FALSE;
}

/* CR or LF would let a field smuggle its own SMTP command or header (CRLF injection). */
static gboolean
sd_check_line (const char  *what,
               const char  *value,
               GError     **error)
{
  if (value == NULL)
    return TRUE;
  for (const char *p = value; *p; p++)
    if (*p == '\r' || *p == '\n')
      {
        g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                     /* Translators: %s names the field, e.g. “The subject”. */
                     _("%s contains a line break (CR or LF); it would inject a command "
                       "into the SMTP session. Nothing was sent."), what);
        return FALSE;
      }
  return TRUE;
}

static gboolean
sd_check_address (const char  *what,
                  const char  *value,
                  GError     **error)
{
  if (value == NULL)
    return TRUE;
  if (!sd_check_line (what, value, error))
    return FALSE;
  for (const char *p = value; *p; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '<' || *p == '>')
      {
        g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                     /* Translators: the field (e.g. “The sender address”), then its
                      * value. */
                     _("%s “%s” is not a plain address (no spaces, controls or angle "
                       "brackets: give it as user@example.com)"), what, value);
        return FALSE;
      }
  return TRUE;
}

static gboolean
sd_check_ehlo_name (const char  *name,
                    GError     **error)
{
  gsize len;

  if (!sd_check_line (_("The EHLO name"), name, error))
    return FALSE;
  len = strlen (name);
  if (len > 2 && name[0] == '[' && name[len - 1] == ']')
    return TRUE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      {
        g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                     _("The EHLO name “%s” is not a domain name or an address literal "
                       "such as [192.0.2.1]"), name);
        return FALSE;
      }
  if (len == 0)
    {
      g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                           _("The EHLO name is empty"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sd_check_pin (const char  *pin,
              GError     **error)
{
  guint digits = 0;

  for (const char *p = pin ? pin : ""; *p; p++)
    {
      if (g_ascii_isxdigit (*p))
        digits++;
      else if (*p != ':')
        digits = 1000;
    }
  if (digits != 64)
    {
      g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                           _("The pinned fingerprint must be the certificate's SHA-256 as "
                             "64 hex digits (colons allowed)"));
      return FALSE;
    }
  return TRUE;
}

/* RFC 6750 b64token characters: anything else (a CR, a ^A, a space) would break the
 * XOAUTH2 or OAUTHBEARER message it goes into. */
static gboolean
sd_check_token (const char  *token,
                GError     **error)
{
  if (token == NULL)
    return TRUE;
  if (*token == '\0')
    {
      g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                           _("The access token is empty"));
      return FALSE;
    }
  for (const char *p = token; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~+/=", *p) == NULL)
      {
        g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                     /* Translators: %u is the byte's value (0-255). */
                     _("The access token contains a character a bearer token cannot have "
                       "(byte %u)"), (guint) (guchar) *p);
        return FALSE;
      }
  return TRUE;
}

static gboolean
sd_settings_validate_server (const SdSettings  *settings,
                             GError           **error)
{
  if (settings->host == NULL || *settings->host == '\0')
    {
      g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                           _("No server given"));
      return FALSE;
    }
  if (!sd_check_address (_("The server name"), settings->host, error))
    return FALSE;
  if (settings->ehlo_name != NULL && !sd_check_ehlo_name (settings->ehlo_name, error))
    return FALSE;
  if (settings->tls_verify == SD_TLS_PIN && !sd_check_pin (settings->tls_pin, error))
    return FALSE;
  return TRUE;
}

/* The mechanism is known, and it has the credentials it needs. */
static gboolean
sd_settings_validate_auth (const SdSettings  *settings,
                           GError           **error)
{
  gboolean wants_auth = g_strcmp0 (settings->auth, "none") != 0;

  if (settings->auth == NULL ||
      !(g_str_equal (settings->auth, "auto") || g_str_equal (settings->auth, "none") ||
        sd_auth_mechanism_is_supported (settings->auth)))
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                   /* Translators: the values in brackets are settings' values: keep
                    * them. */
                   _("Unknown authentication “%s” (use auto, none, plain, login, cram-md5, "
                     "ntlm, xoauth2 or oauthbearer)"),
                   settings->auth ? settings->auth : "");
      return FALSE;
    }
  if (!sd_check_line (_("The user name"), settings->user, error))
    return FALSE;
  if (wants_auth && g_strcmp0 (settings->auth, "auto") != 0 &&
      sd_auth_mechanism_get_credential (settings->auth) != SD_AUTH_CREDENTIAL_SYSTEM &&
      (settings->user == NULL || *settings->user == '\0'))
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                   /* Translators: %s is an AUTH mechanism (login, ntlm…). */
                   _("Authentication %s needs a user name"), settings->auth);
      return FALSE;
    }
  if (!sd_check_token (settings->oauth_token, error))
    return FALSE;
  if (wants_auth && g_strcmp0 (settings->auth, "auto") != 0 &&
      sd_auth_mechanism_get_credential (settings->auth) == SD_AUTH_CREDENTIAL_TOKEN)
    {
      if (settings->oauth_token == NULL)
        {
          g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                       /* Translators: %s is an AUTH mechanism (xoauth2…). */
                       _("Authentication %s needs an access token"), settings->auth);
          return FALSE;
        }
    }
  else if (settings->user != NULL && *settings->user != '\0' && settings->password == NULL &&
           settings->oauth_token == NULL &&
           /* GSSAPI asked for: the system's Kerberos sign-in stands in. auto stays strict:
            * a forgotten password is an input error, not a reason to sign in otherwise. */
           sd_auth_mechanism_get_credential (settings->auth) != SD_AUTH_CREDENTIAL_SYSTEM)
    {
      g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                           _("A user name was given but no password"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sd_settings_validate_envelope (const SdSettings  *settings,
                               GError           **error)
{
  gboolean needs_envelope = !settings->has_quit_after || settings->quit_after >= SD_STAGE_MAIL;

  if (needs_envelope)
    {
      if (settings->from == NULL)
        {
          g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                               _("No sender (From) given"));
          return FALSE;
        }
      if (settings->to == NULL || settings->to[0] == NULL)
        {
          g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                               _("No recipient (To) given"));
          return FALSE;
        }
    }
  if (!sd_check_address (_("The sender address"), settings->from, error))
    return FALSE;
  for (guint i = 0; settings->to != NULL && settings->to[i] != NULL; i++)
    {
      if (*settings->to[i] == '\0')
        {
          g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                               _("A recipient address is empty"));
          return FALSE;
        }
      if (!sd_check_address (_("The recipient address"), settings->to[i], error))
        return FALSE;
    }
  if (!sd_check_line (_("The subject"), settings->subject, error))
    return FALSE;
  return sd_dsn_validate (settings->dsn_notify, settings->dsn_ret, settings->dsn_envid, error);
}

gboolean
sd_settings_validate (const SdSettings  *settings,
                      GError           **error)
{
  return sd_settings_validate_server (settings, error) &&
         sd_settings_validate_auth (settings, error) &&
         sd_settings_validate_envelope (settings, error);
}
