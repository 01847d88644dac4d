/* sd-monitor-command.c: a saved setting as the command a monitoring engine runs
 *
 * The window offers it for a profile ("Copy as monitoring command"): the same check
 * Icinga 2 or Nagios runs on another machine, where the desktop's secret store is not,
 * so the password always comes from a file and never stands on the command line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-auth.h"
#include "sd-monitor.h"

static void
sd_arg (GString    *line,
        const char *arg)
{
  static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "0123456789-_.:/@=,+";

  g_string_append_c (line, ' ');
  /* Plain words stay readable; anything else is quoted for sh. */
  if (*arg != '\0' && strspn (arg, plain) == strlen (arg))
    g_string_append (line, arg);
  else
    {
      g_autofree char *quoted = g_shell_quote (arg);
      g_string_append (line, quoted);
    }
}

static void
sd_option (GString    *line,
           const char *option,
           const char *value)
{
  sd_arg (line, option);
  sd_arg (line, value);
}

char *
sd_monitor_command_line (const SdSettings *settings,
                         const char       *password_file)
{
  GString *line = g_string_new ("smtp-doctor-cli monitor");
  gboolean token = settings->auth != NULL && sd_auth_mechanism_is_supported (settings->auth) &&
                   sd_auth_mechanism_get_credential (settings->auth) == SD_AUTH_CREDENTIAL_TOKEN;

  sd_option (line, "--server", settings->host != NULL ? settings->host : "");
  if (settings->port != 0)
    {
      g_autofree char *port = g_strdup_printf ("%u", settings->port);
      sd_option (line, "--port", port);
    }
  sd_option (line, "--security", sd_security_to_string (settings->security));
  if (settings->tls_verify == SD_TLS_ACCEPT_ANY)
    sd_option (line, "--tls-verify", "accept-any");
  else if (settings->tls_verify == SD_TLS_PIN && settings->tls_pin != NULL)
    {
      g_autofree char *pin = g_strconcat ("pin:", settings->tls_pin, NULL);
      sd_option (line, "--tls-verify", pin);
    }
  if (settings->tls_ca_file != NULL)
    sd_option (line, "--tls-ca", settings->tls_ca_file);
  if (settings->auth != NULL && g_strcmp0 (settings->auth, "auto") != 0)
    sd_option (line, "--auth", settings->auth);
  if (settings->user != NULL && *settings->user != '\0' && !token)
    {
      sd_option (line, "--user", settings->user);
      sd_option (line, "--password-file", password_file);
    }
  if (settings->allow_plaintext_auth)
    sd_arg (line, "--allow-plaintext-auth");
  if (settings->ehlo_name != NULL)
    sd_option (line, "--ehlo", settings->ehlo_name);
  return g_string_free (line, FALSE);
}
