/* sd-cli.c: smtp-doctor-cli entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#ifdef G_OS_UNIX
#include <glib-unix.h>
#endif
#ifdef G_OS_WIN32
#include <windows.h>
#endif

#include "sd-cli.h"
#include "sd-i18n.h"

void
sd_cli_option_error_clean (GError *error)
{
  char *option, *value;
  gboolean password;

  if (error == NULL || !g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION))
    return;
  option = strstr (error->message, "-");
  if (option == NULL)
    return;
  while (option[1] == '-')
    option++;
  value = strchr (option, '=');
  if (value != NULL)
    *value = '\0';
  password = g_str_has_prefix (option, "-pass") || g_str_has_prefix (option, "-pw");
  if (password)
    {
      char *message = g_strdup_printf ("%s: %s", error->message,
                                       _("a password is never taken on the command line: use "
                                         "--password-env, --password-file or --password-stdin"));
      g_free (error->message);
      error->message = message;
    }
}

#ifdef G_OS_WIN32
static GSourceFunc sd_cli_interrupt_func;
static gpointer    sd_cli_interrupt_data;

static gboolean
sd_cli_interrupt_idle (gpointer user_data)
{
  sd_cli_interrupt_func (sd_cli_interrupt_data);
  return G_SOURCE_REMOVE;
}

/* Windows calls this on a thread of its own: hand the work to the main context. */
static BOOL WINAPI
sd_cli_console_ctrl (DWORD type)
{
  switch (type)
    {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
      g_idle_add (sd_cli_interrupt_idle, NULL);
      return TRUE;
    default:
      return FALSE;
    }
}
#endif

void
sd_cli_on_interrupt (GSourceFunc func,
                     gpointer    data)
{
#ifdef G_OS_UNIX
  g_unix_signal_add (SIGINT, func, data);
  g_unix_signal_add (SIGTERM, func, data);
#elif defined(G_OS_WIN32)
  sd_cli_interrupt_func = func;
  sd_cli_interrupt_data = data;
  SetConsoleCtrlHandler (sd_cli_console_ctrl, TRUE);
#endif
}

static void
sd_cli_usage (FILE *out)
{
  /* Translators: keep the command names; align the descriptions as you see fit. */
  fputs (_("Usage: smtp-doctor-cli COMMAND [OPTION…]\n"
           "\n"
           "Commands:\n"
           "  send      Run an SMTP session and send a test message (see send --help)\n"
           "  diagnose  Explain a pasted transcript, log line or bounce (see diagnose --help)\n"
           "  profiles  Saved server profiles: list, show, save, delete, export, import\n"
           "  serve     Run the built-in SMTP server (see serve --help)\n"
           "  oauth     OAuth 2.0 sign-in for XOAUTH2/OAUTHBEARER: login, show, logout\n"
           "  version   Print the version\n"), out);
  /* Translators: one more line of the command list above; keep the command name. */
  fputs (_("  monitor   A check for Icinga 2, Nagios, Prometheus… (see monitor --help)\n"), out);
  /* Translators: one more line of the command list above; keep the command name. */
  fputs (_("  check     A mail domain or server from here: DNS, blocklists, ports, TLS\n"), out);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  sd_i18n_bind ();
  textdomain (GETTEXT_PACKAGE);
#ifdef G_OS_WIN32
  /* Our text is UTF-8 (server replies, umlauts in hints and names): have the console
   * show it as such rather than in the OEM code page. */
  SetConsoleOutputCP (CP_UTF8);
#endif

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      sd_cli_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? SD_CLI_EXIT_USAGE : 0;
    }
  if (g_str_equal (argv[1], "version") || g_str_equal (argv[1], "--version"))
    {
      printf ("smtp-doctor-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  /* GOption's usage line starts with the program name: "smtp-doctor-cli send [OPTION…]". */
  {
    g_autofree char *prgname = g_strdup_printf ("smtp-doctor-cli %s", argv[1]);
    g_set_prgname (prgname);
  }
  if (g_str_equal (argv[1], "send"))
    return sd_cli_send (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "diagnose"))
    return sd_cli_diagnose (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "profiles"))
    return sd_cli_profiles (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "serve"))
    return sd_cli_serve (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "monitor"))
    return sd_cli_monitor (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "check"))
    return sd_cli_check (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "oauth"))
    return sd_cli_oauth (argc - 1, argv + 1);

  fprintf (stderr, "smtp-doctor-cli: ");
  fprintf (stderr, _("unknown command “%s”"), argv[1]);
  fprintf (stderr, "\n\n");
  sd_cli_usage (stderr);
  return SD_CLI_EXIT_USAGE;
}
