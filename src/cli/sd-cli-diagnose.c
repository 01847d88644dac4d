/* sd-cli-diagnose.c: smtp-doctor-cli diagnose: hints from pasted text, no session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <glib/gstdio.h>

#include "sd-cli.h"
#include "sd-hints.h"

/* Pasted logs are small; a bigger file is most likely the wrong one. */
#define SD_DIAGNOSE_MAX_INPUT (8 * 1024 * 1024)

static const char diagnose_help[] = N_(
  "Reads our own transcript export, a swaks or openssl s_client transcript, an\n"
  "application's log line (a .NET SmtpException, a Send-MailMessage error, a SharePoint\n"
  "ULS line, an Exchange protocol log excerpt) or a bounce, and explains it: reply codes,\n"
  "enhanced status codes, EHLO lines and key phrases are picked out of the free text.\n"
  "FILE “-” reads standard input.\n");

static char *
sd_diagnose_read (const char  *path,
                  GError     **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  FILE *in = g_str_equal (path, "-") ? stdin : g_fopen (path, "rb");
  guint8 buffer[8192];
  size_t n;

  if (in == NULL)
    {
      int saved = errno;
      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved), g_strerror (saved));
      return NULL;
    }
  while ((n = fread (buffer, 1, sizeof buffer, in)) > 0)
    {
      if (data->len + n > SD_DIAGNOSE_MAX_INPUT)
        break;
      g_byte_array_append (data, buffer, n);
    }
  if (in != stdin)
    fclose (in);
  if (data->len + n > SD_DIAGNOSE_MAX_INPUT)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   _("more than %d MiB: paste the relevant part only"),
                   SD_DIAGNOSE_MAX_INPUT / (1024 * 1024));
      return NULL;
    }
  /* An empty GByteArray has no data at all (NULL), which g_utf8_make_valid refuses. */
  if (data->len == 0)
    return g_strdup ("");
  /* Logs come in any encoding; keep what is text, mark the rest. */
  return g_utf8_make_valid ((const char *) data->data, data->len);
}

int
sd_cli_diagnose (int    argc,
                 char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) files = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) hints = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print {\"hints\": [...]} as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };

  /* Translators: the summary in `smtp-doctor-cli diagnose --help`; keep “FILE|-”. */
  context = g_option_context_new (_("FILE|- — explain an SMTP failure from pasted text"));
  g_option_context_set_description (context, _(diagnose_help));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      sd_cli_option_error_clean (error);
      fprintf (stderr, "smtp-doctor-cli diagnose: %s\n", error->message);
      return SD_CLI_EXIT_USAGE;
    }
  if (files == NULL || g_strv_length (files) != 1)
    {
      fprintf (stderr, "smtp-doctor-cli diagnose: %s\n",
               _("give one FILE, or - for standard input"));
      return SD_CLI_EXIT_USAGE;
    }

  text = sd_diagnose_read (files[0], &error);
  if (text == NULL)
    {
      fprintf (stderr, "smtp-doctor-cli diagnose: %s: %s\n", files[0], error->message);
      return SD_CLI_EXIT_USAGE;
    }

  hints = sd_hints_diagnose_text (text);
  if (json)
    {
      g_autofree char *out = sd_hints_to_json (hints);
      printf ("%s\n", out);
    }
  else if (hints->len == 0)
    printf ("%s\n", _("No failure found in the input: no 4xx or 5xx reply, no enhanced "
                      "status code, no error message the knowledge base knows."));
  else
    {
      g_autofree char *out = sd_hints_to_text (hints);
      printf ("%s", out);
    }
  return 0;
}
