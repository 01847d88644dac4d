/* sd-cli-options.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "sd-cli-options.h"
#include "sd-secret.h"

#define SD_MAX_PASSWORD 4096

void
sd_cli_options_init (SdCliOptions *options)
{
  memset (options, 0, sizeof *options);
  /* Not a port anyone can type, so -1 and 0 are refused like any other bad value. */
  options->port = G_MININT;
  options->timeout = -1;
}

void
sd_cli_options_clear (SdCliOptions *options)
{
  char **strings[] = {
    &options->server, &options->security, &options->tls_verify, &options->tls_ca,
    &options->auth, &options->user, &options->password_env, &options->password_file,
    &options->oauth_token_env, &options->oauth_token_file,
    &options->oauth_provider, &options->oauth_tenant, &options->oauth_client_id,
    &options->ehlo, &options->from, &options->subject, &options->body, &options->body_file,
    &options->eml, &options->quit_after, &options->pipelining,
  };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_clear_pointer (strings[i], g_free);
  g_clear_pointer (&options->to, g_strfreev);
}

void
sd_cli_options_add_entries (SdCliOptions   *o,
                            GOptionContext *context)
{
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &o->server, N_("SMTP server host name or address"), N_("HOST") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &o->port, N_("Port (default from --security)"), N_("N") },
    { "security", 0, 0, G_OPTION_ARG_STRING, &o->security, N_("none, starttls (default), starttls-optional or tls"), N_("MODE") },
    { "tls-verify", 0, 0, G_OPTION_ARG_STRING, &o->tls_verify, N_("verify (default), accept-any or pin:SHA256"), N_("POLICY") },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &o->tls_ca, N_("Trust the CA certificates in FILE instead of the system's"), N_("FILE") },
    { "auth", 'a', 0, G_OPTION_ARG_STRING, &o->auth, N_("auto (default), none, plain, login, cram-md5, ntlm, xoauth2, oauthbearer or gssapi (Kerberos: the current ticket, or a new one with the password)"), N_("MECH") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &o->user, N_("User name for AUTH"), N_("NAME") },
    { "password-env", 0, 0, G_OPTION_ARG_STRING, &o->password_env, N_("Read the password from environment variable VAR"), N_("VAR") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->password_file, N_("Read the password from the first line of FILE"), N_("FILE") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &o->password_stdin, N_("Read the password from the first line of standard input"), NULL },
    { "oauth-token-env", 0, 0, G_OPTION_ARG_STRING, &o->oauth_token_env, N_("Read the OAuth 2 access token (XOAUTH2, OAUTHBEARER) from environment variable VAR"), N_("VAR") },
    { "oauth-token-file", 0, 0, G_OPTION_ARG_FILENAME, &o->oauth_token_file, N_("Read the OAuth 2 access token from the first line of FILE"), N_("FILE") },
    { "oauth-provider", 0, 0, G_OPTION_ARG_STRING, &o->oauth_provider, N_("Use the token stored by “oauth login” for microsoft or google"), N_("NAME") },
    { "tenant", 0, 0, G_OPTION_ARG_STRING, &o->oauth_tenant, N_("The Microsoft tenant of that sign-in"), N_("TENANT") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &o->oauth_client_id, N_("The client ID of that sign-in"), N_("ID") },
    { "allow-plaintext-auth", 0, 0, G_OPTION_ARG_NONE, &o->allow_plaintext, N_("Allow credentials on an unencrypted or unverified connection"), NULL },
    { "ehlo", 0, 0, G_OPTION_ARG_STRING, &o->ehlo, N_("Name to give in EHLO (default: localhost)"), N_("NAME") },
    { "from", 'f', 0, G_OPTION_ARG_STRING, &o->from, N_("Envelope sender and From header"), N_("ADDR") },
    { "to", 't', 0, G_OPTION_ARG_STRING_ARRAY, &o->to, N_("Recipient (repeat for several)"), N_("ADDR") },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &o->subject, N_("Subject"), N_("TEXT") },
    { "body", 0, 0, G_OPTION_ARG_STRING, &o->body, N_("Message body"), N_("TEXT") },
    { "body-file", 0, 0, G_OPTION_ARG_FILENAME, &o->body_file, N_("Message body from FILE (UTF-8)"), N_("FILE") },
    { "eml", 0, 0, G_OPTION_ARG_FILENAME, &o->eml, N_("Send the prepared message in FILE as is"), N_("FILE") },
    { "quit-after", 0, 0, G_OPTION_ARG_STRING, &o->quit_after, N_("Stop after connect, greeting, ehlo, tls, auth, mail, rcpt or data"), N_("STAGE") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &o->timeout, N_("Seconds to wait for each reply (default 30)"), N_("SECONDS") },
    { "pipelining", 0, 0, G_OPTION_ARG_STRING, &o->pipelining, N_("auto (default: when offered) or off"), N_("MODE") },
    { NULL }
  };

  /* Descriptions are marked N_(): GOption translates them in our domain. */
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

gboolean
sd_cli_options_has_password (const SdCliOptions *o)
{
  return o->password_env != NULL || o->password_file != NULL || o->password_stdin;
}

/* The first line of @text, without its line end. */
static char *
sd_first_line (char *text)
{
  text[strcspn (text, "\r\n")] = '\0';
  return text;
}

static char *
sd_read_password (const SdCliOptions  *o,
                  GError             **error)
{
  guint sources = (o->password_env != NULL) + (o->password_file != NULL) + (o->password_stdin != FALSE);
  char *password = NULL;
  gsize len = 0;

  if (sources > 1)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("Give the password one way only: --password-env, "
                             "--password-file or --password-stdin"));
      return NULL;
    }

  if (o->password_env != NULL)
    {
      const char *value = g_getenv (o->password_env);
      if (value == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The environment variable %s is not set"), o->password_env);
          return NULL;
        }
      return g_strdup (value);
    }

  if (o->password_file != NULL)
    {
      if (!g_file_get_contents (o->password_file, &password, &len, error))
        return NULL;
    }
  else
    {
      password = g_malloc0 (SD_MAX_PASSWORD + 1);
      if (fgets (password, SD_MAX_PASSWORD, stdin) == NULL)
        password[0] = '\0';
      len = strlen (password);
    }

  if (memchr (password, '\0', len) != NULL && strlen (password) < len - 1)
    {
      sd_secret_wipe (password, len);
      g_free (password);
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("The password contains a NUL byte"));
      return NULL;
    }
  return sd_first_line (password);
}

static gboolean
sd_bad_value (GError    **error,
              const char *message)
{
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, message);
  return FALSE;
}

static void
sd_take (char **slot,
         char **value)
{
  if (*value == NULL)
    return;
  g_free (*slot);
  *slot = g_steal_pointer (value);
}

/* The token from --oauth-token-env or --oauth-token-file, without surrounding blanks;
 * NULL with @error unset when neither was given. */
static char *
sd_read_token (const SdCliOptions  *o,
               GError             **error)
{
  char *token = NULL;
  gsize len = 0;

  if (o->oauth_token_env != NULL && o->oauth_token_file != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("Give the access token one way only: --oauth-token-env or "
                             "--oauth-token-file"));
      return NULL;
    }
  if (o->oauth_token_env != NULL)
    {
      const char *value = g_getenv (o->oauth_token_env);
      if (value == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The environment variable %s is not set"), o->oauth_token_env);
          return NULL;
        }
      token = g_strdup (value);
    }
  else if (o->oauth_token_file != NULL)
    {
      if (!g_file_get_contents (o->oauth_token_file, &token, &len, error))
        return NULL;
      sd_first_line (token);
    }
  else
    return NULL;

  /* Token files often end in a blank or come from "echo"; the token itself has none. */
  return g_strstrip (token);
}

static gboolean
sd_apply_tls_verify (const char  *value,
                     SdSettings  *settings,
                     GError     **error)
{
  if (g_str_equal (value, "verify"))
    settings->tls_verify = SD_TLS_VERIFY;
  else if (g_str_equal (value, "accept-any"))
    settings->tls_verify = SD_TLS_ACCEPT_ANY;
  else if (g_str_has_prefix (value, "pin:"))
    {
      settings->tls_verify = SD_TLS_PIN;
      g_free (settings->tls_pin);
      settings->tls_pin = g_strdup (value + 4);
    }
  else
    /* Translators: the option and its values stay as they are. */
    return sd_bad_value (error, _("--tls-verify must be verify, accept-any or pin:SHA256HEX"));
  return TRUE;
}

static gboolean
sd_apply_message (SdCliOptions  *o,
                  SdSettings    *settings,
                  GError       **error)
{
  if ((o->body != NULL) + (o->body_file != NULL) + (o->eml != NULL) > 1)
    return sd_bad_value (error, _("Give only one of --body, --body-file and --eml"));
  sd_take (&settings->subject, &o->subject);
  sd_take (&settings->body, &o->body);
  if (o->body_file != NULL)
    {
      g_autofree char *body = NULL;
      if (!g_file_get_contents (o->body_file, &body, NULL, error))
        return FALSE;
      if (!g_utf8_validate (body, -1, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       /* Translators: %s is a file name. */
                       _("%s is not UTF-8 text (use --eml to send a prepared message)"),
                       o->body_file);
          return FALSE;
        }
      sd_take (&settings->body, &body);
    }
  if (o->eml != NULL)
    {
      char *data = NULL;
      gsize len = 0;
      if (!g_file_get_contents (o->eml, &data, &len, error))
        return FALSE;
      g_clear_pointer (&settings->eml, g_bytes_unref);
      settings->eml = g_bytes_new_take (data, len);
    }
  return TRUE;
}

gboolean
sd_cli_options_apply (SdCliOptions  *o,
                      SdSettings    *settings,
                      GError       **error)
{
  sd_take (&settings->host, &o->server);
  if (o->port != G_MININT)
    {
      if (o->port < 1 || o->port > 65535)
        return sd_bad_value (error, _("--port must be 1-65535 (leave it out for the security mode's port)"));
      settings->port = o->port;
    }
  if (o->security != NULL && !sd_security_from_string (o->security, &settings->security))
    /* Translators: the option and its values stay as they are. */
    return sd_bad_value (error, _("--security must be none, starttls, starttls-optional or tls"));
  if (o->tls_verify != NULL && !sd_apply_tls_verify (o->tls_verify, settings, error))
    return FALSE;
  sd_take (&settings->tls_ca_file, &o->tls_ca);
  if (o->auth != NULL)
    {
      g_free (settings->auth);
      settings->auth = g_ascii_strdown (o->auth, -1);
    }
  sd_take (&settings->user, &o->user);
  if (sd_cli_options_has_password (o))
    {
      char *password = sd_read_password (o, error);
      if (password == NULL)
        return FALSE;
      sd_secret_free (settings->password);
      settings->password = password;
    }
  if (o->oauth_token_env != NULL || o->oauth_token_file != NULL)
    {
      char *token = sd_read_token (o, error);
      if (token == NULL)
        return FALSE;
      sd_secret_free (settings->oauth_token);
      settings->oauth_token = token;
    }
  if (o->oauth_provider != NULL && !g_str_equal (o->oauth_provider, "microsoft") &&
      !g_str_equal (o->oauth_provider, "google"))
    return sd_bad_value (error, "--oauth-provider must be microsoft or google");
  sd_take (&settings->oauth_provider, &o->oauth_provider);
  sd_take (&settings->oauth_tenant, &o->oauth_tenant);
  sd_take (&settings->oauth_client_id, &o->oauth_client_id);
  if (o->allow_plaintext)
    settings->allow_plaintext_auth = TRUE;
  sd_take (&settings->ehlo_name, &o->ehlo);
  sd_take (&settings->from, &o->from);
  if (o->to != NULL)
    {
      g_strfreev (settings->to);
      settings->to = g_steal_pointer (&o->to);
    }
  if (!sd_apply_message (o, settings, error))
    return FALSE;
  if (o->quit_after != NULL)
    {
      if (!sd_stage_from_string (o->quit_after, &settings->quit_after) ||
          settings->quit_after == SD_STAGE_RESOLVE || settings->quit_after == SD_STAGE_QUIT ||
          settings->quit_after == SD_STAGE_STARTTLS)
        /* Translators: the option and its values stay as they are. */
        return sd_bad_value (error, _("--quit-after must be connect, greeting, ehlo, tls, "
                                      "auth, mail, rcpt or data"));
      settings->has_quit_after = TRUE;
    }
  if (o->timeout != -1)
    {
      if (o->timeout <= 0 || o->timeout > 3600)
        return sd_bad_value (error, _("--timeout must be 1-3600 seconds"));
      settings->timeout_s = o->timeout;
    }
  if (o->pipelining != NULL)
    {
      if (g_str_equal (o->pipelining, "auto"))
        settings->pipelining = SD_PIPELINING_AUTO;
      else if (g_str_equal (o->pipelining, "off"))
        settings->pipelining = SD_PIPELINING_OFF;
      else
        return sd_bad_value (error, _("--pipelining must be auto or off"));
    }
  return TRUE;
}
