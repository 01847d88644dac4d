/* test-l10n.c: smtp-doctor-cli speaks German under LANGUAGE=de
 *
 * Runs the built CLI with the build tree's catalogs (po/de.po compiled by the build,
 * passed through SMTP_DOCTOR_LOCALEDIR) and looks for strings that po/de.po translates:
 * an option's description, an error of the CLI and an error of the core library. The
 * same runs in the C locale must stay English, so a test that sees German sees a
 * translation and not a fluke.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
  char *out;
  char *err;
} Output;

static void
output_clear (Output *output)
{
  g_free (output->out);
  g_free (output->err);
}

/* Both output streams of smtp-doctor-cli @args, run with messages in @language (NULL:
 * the C locale). glibc ignores LANGUAGE under LC_ALL=C but not under C.UTF-8, which
 * every system has: no German locale needs to be installed. */
static Output
run_cli (const char        *language,
         const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("SD_CLI");
  const char *localedir = g_getenv ("SD_LOCALEDIR");
  Output output = { 0 };

  g_assert_nonnull (cli);
  g_assert_nonnull (localedir);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "LANG");
  g_subprocess_launcher_unsetenv (launcher, "LC_MESSAGES");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", language ? "C.UTF-8" : "C", TRUE);
  if (language != NULL)
    g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_setenv (launcher, "SMTP_DOCTOR_LOCALEDIR", localedir, TRUE);

  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &output.out, &output.err, &error);
  g_assert_no_error (error);
  return output;
}

typedef struct {
  const char *path;
  const char *args[12];
  gboolean    on_stderr;
  const char *german;    /* from po/de.po */
  const char *english;
} L10nCase;

static const L10nCase cases[] = {
  /* GOption descriptions go through our translation domain. */
  { "/l10n/cli/help", { "send", "--help" }, FALSE,
    "Host-Name oder Adresse des SMTP-Servers", "SMTP server host name or address" },
  /* An error the CLI makes itself. */
  { "/l10n/cli/error", { "send", "--server", "127.0.0.1", "--port", "99999" }, TRUE,
    "--port muss zwischen 1 und 65535 liegen", "--port must be 1-65535" },
  /* An error of the core library (its own g_dgettext lookups), in the transcript and the
   * summary; refused before anything goes on the network. */
  { "/l10n/core/error", { "send", "--server", "127.0.0.1", "--from", "a@example.com", "--to",
                          "b@example.com", "--ehlo", "bad name" }, FALSE,
    "Der EHLO-Name „bad name“ ist weder ein Domänenname",
    "The EHLO name “bad name” is not a domain name" },
};

static void
test_case (gconstpointer data)
{
  const L10nCase *c = data;
  Output german = run_cli ("de", c->args);
  Output english = run_cli (NULL, c->args);
  const char *in_german = c->on_stderr ? german.err : german.out;
  const char *in_english = c->on_stderr ? english.err : english.out;

  if (strstr (in_german, c->german) == NULL || strstr (in_german, c->english) != NULL)
    g_error ("German expected (“%s”):\n%s", c->german, in_german);
  if (strstr (in_english, c->english) == NULL)
    g_error ("English expected (“%s”):\n%s", c->english, in_english);
  output_clear (&german);
  output_clear (&english);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], test_case);
  return g_test_run ();
}
