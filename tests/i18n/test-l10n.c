/* test-l10n.c: smtp-doctor-cli speaks German under LANGUAGE=de, French under LANGUAGE=fr
 *
 * Runs the built CLI with the build tree's catalogs (po/LANG.po compiled by the build,
 * passed through SMTP_DOCTOR_LOCALEDIR) and looks for strings the catalogs translate:
 * options' descriptions, errors of the CLI and an error of the core library. The
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
  const char *english;
  const char *german;    /* from po/de.po */
  const char *french;    /* from po/fr.po */
} L10nCase;

static const L10nCase cases[] = {
  /* GOption descriptions go through our translation domain. */
  { "/l10n/cli/help", { "send", "--help" }, FALSE,
    "SMTP server host name or address",
    "Host-Name oder Adresse des SMTP-Servers",
    "Nom d'hôte ou adresse du serveur SMTP" },
  /* An error the CLI makes itself, and where to find help. */
  { "/l10n/cli/error", { "send", "--server", "127.0.0.1", "--port", "99999" }, TRUE,
    "--port must be 1-65535 (leave it out for the security mode's port)\n"
    "(see smtp-doctor-cli send --help)",
    "--port muss zwischen 1 und 65535 liegen (weglassen für den Port des Sicherheitsmodus)\n"
    "(siehe smtp-doctor-cli send --help)",
    "--port doit être compris entre 1 et 65535 (omettez-le pour le port du mode de sécurité)\n"
    "(voir smtp-doctor-cli send --help)" },
  /* An error of the core library (its own g_dgettext lookups), a usage error on stderr;
   * refused before anything goes on the network. */
  { "/l10n/core/error", { "send", "--server", "127.0.0.1", "--from", "a@example.com", "--to",
                          "b@example.com", "--ehlo", "bad name" }, TRUE,
    "The EHLO name “bad name” is not a domain name",
    "Der EHLO-Name „bad name“ ist weder ein Domänenname",
    "Le nom EHLO « bad name » n'est ni un nom de domaine" },
  /* The oauth command's own errors, checked before any identity provider is asked. */
  { "/l10n/cli/oauth-error", { "oauth", "login", "--provider", "example" }, TRUE,
    "--oauth-provider (or --provider) must be microsoft or google\n"
    "(see smtp-doctor-cli oauth --help)",
    "--oauth-provider (oder --provider) muss microsoft oder google sein\n"
    "(siehe smtp-doctor-cli oauth --help)",
    "--oauth-provider (ou --provider) doit valoir microsoft ou google\n"
    "(voir smtp-doctor-cli oauth --help)" },
  { "/l10n/cli/oauth-help", { "oauth", "--help" }, FALSE,
    "Client ID of your own app registration or OAuth client",
    "Client-ID Ihrer eigenen App-Registrierung oder Ihres OAuth-Clients",
    "ID client de votre propre inscription d'application ou de votre client OAuth" },
};

static void
expect_text (const char *output,
             const char *language,
             const char *wanted,
             const char *english)
{
  if (strstr (output, wanted) == NULL)
    g_error ("%s expected (“%s”):\n%s", language, wanted, output);
  if (english != NULL && strstr (output, english) != NULL)
    g_error ("%s expected, English found (“%s”):\n%s", language, english, output);
}

static void
test_case (gconstpointer data)
{
  const L10nCase *c = data;
  Output german = run_cli ("de", c->args);
  Output french = run_cli ("fr", c->args);
  Output english = run_cli (NULL, c->args);

  expect_text (c->on_stderr ? german.err : german.out, "German", c->german, c->english);
  expect_text (c->on_stderr ? french.err : french.out, "French", c->french, c->english);
  expect_text (c->on_stderr ? english.err : english.out, "English", c->english, NULL);
  output_clear (&german);
  output_clear (&french);
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
