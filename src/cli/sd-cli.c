/* sd-cli.c: smtp-doctor-cli entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "sd-cli.h"

static void
sd_cli_usage (FILE *out)
{
  fprintf (out,
           "Usage: smtp-doctor-cli COMMAND [OPTION…]\n"
           "\n"
           "Commands:\n"
           "  send      Run an SMTP session and send a test message (see send --help)\n"
           "  diagnose  Explain a pasted transcript, log line or bounce (see diagnose --help)\n"
           "  profiles  Saved server profiles: list, show, save, delete, export, import\n"
           "  serve     Run the built-in SMTP server (see serve --help)\n"
           "  version   Print the version\n");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

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
  if (g_str_equal (argv[1], "send"))
    return sd_cli_send (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "diagnose"))
    return sd_cli_diagnose (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "profiles"))
    return sd_cli_profiles (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "serve"))
    return sd_cli_serve (argc - 1, argv + 1);

  fprintf (stderr, "smtp-doctor-cli: unknown command “%s”\n\n", argv[1]);
  sd_cli_usage (stderr);
  return SD_CLI_EXIT_USAGE;
}
