/* sd-cli-prompt.c: asking for a password on the terminal without showing it
 *
 * GLib has no portable way to turn echo off: termios on Unix, the console mode on
 * Windows. Everything else about the password (wiping, the first line) is as for
 * --password-stdin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#ifdef G_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif
#ifdef G_OS_WIN32
#include <windows.h>
#endif

#include "sd-cli.h"
#include "sd-secret.h"

#define SD_PROMPT_MAX 4096

/* Echo off on the terminal behind stdin; FALSE when stdin is no terminal. */
#ifdef G_OS_UNIX
typedef struct termios SdEchoState;

static gboolean
sd_echo_off (SdEchoState *saved)
{
  struct termios quiet;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, saved) != 0)
    return FALSE;
  quiet = *saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  return tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
}

static void
sd_echo_restore (const SdEchoState *saved)
{
  tcsetattr (STDIN_FILENO, TCSAFLUSH, saved);
}
#elif defined (G_OS_WIN32)
typedef DWORD SdEchoState;

static gboolean
sd_echo_off (SdEchoState *saved)
{
  HANDLE input = GetStdHandle (STD_INPUT_HANDLE);

  /* GetConsoleMode fails on a pipe or a file: no console, no prompt. */
  if (input == INVALID_HANDLE_VALUE || !GetConsoleMode (input, saved))
    return FALSE;
  return SetConsoleMode (input, *saved & ~(DWORD) ENABLE_ECHO_INPUT) != 0;
}

static void
sd_echo_restore (const SdEchoState *saved)
{
  SetConsoleMode (GetStdHandle (STD_INPUT_HANDLE), *saved);
}
#else
typedef int SdEchoState;

static gboolean
sd_echo_off (SdEchoState *saved)
{
  return FALSE;
}

static void
sd_echo_restore (const SdEchoState *saved)
{
}
#endif

char *
sd_cli_prompt_secret (const char *prompt)
{
  SdEchoState saved;
  char *secret;

  if (!sd_echo_off (&saved))
    return NULL;
  /* stderr: stdout may be the JSON document. */
  fputs (prompt, stderr);
  fflush (stderr);
  secret = g_malloc0 (SD_PROMPT_MAX + 1);
  if (fgets (secret, SD_PROMPT_MAX, stdin) == NULL)
    secret[0] = '\0';
  sd_echo_restore (&saved);
#ifndef G_OS_UNIX
  fputs ("\n", stderr);   /* the Enter the console did not show (ECHONL does it on Unix) */
#endif
  secret[strcspn (secret, "\r\n")] = '\0';
  if (secret[0] == '\0')
    {
      sd_secret_free (secret);
      return NULL;
    }
  return secret;
}
