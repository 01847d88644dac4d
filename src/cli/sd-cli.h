/* sd-cli.h: smtp-doctor-cli subcommands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit code 1: bad usage or input. */
#define SD_CLI_EXIT_USAGE 1

int sd_cli_send     (int    argc,
                     char **argv);
int sd_cli_diagnose (int    argc,
                     char **argv);
int sd_cli_profiles (int    argc,
                     char **argv);
int sd_cli_serve    (int    argc,
                     char **argv);
int sd_cli_oauth    (int    argc,
                     char **argv);
int sd_cli_monitor  (int    argc,
                     char **argv);
int sd_cli_check    (int    argc,
                     char **argv);

/* Makes a GOption parse error safe and useful to print: an unknown option's value is
 * dropped ("--pass=secret" must not echo the secret), and an attempt to give a
 * password on the command line points to the ways that are taken. */
void sd_cli_option_error_clean (GError *error);

/* Asks for a secret on the terminal behind stdin, echo off; the prompt goes to stderr.
 * NULL when stdin is no terminal or the answer is empty (transfer full: free with
 * sd_secret_free). */
char *sd_cli_prompt_secret (const char *prompt);

/* Calls func (data) in the main context on Ctrl+C (and SIGTERM on Unix, Ctrl+Break and
 * closing the console window on Windows); func returns G_SOURCE_CONTINUE. */
void sd_cli_on_interrupt (GSourceFunc func,
                          gpointer    data);

G_END_DECLS
