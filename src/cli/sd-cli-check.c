/* sd-cli-check.c: smtp-doctor-cli check: a mail domain or server from this machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sd-check.h"
#include "sd-cli.h"

static const char check_help[] = N_(
  "TARGET is a mail domain (its MX hosts are checked; without MX, its own address), a host\n"
  "name or an address. Each server address is tried on each port at once: 465 with\n"
  "implicit TLS, the others with STARTTLS when offered (“2525/tls” or “587/starttls”\n"
  "say it explicitly). Only EHLO, STARTTLS and QUIT are sent. The TLS versions each TLS\n"
  "endpoint accepts are tried one handshake each.\n"
  "\n"
  "Exit status: 0 when every mail server has a working port; otherwise as in send:\n"
  "2 connect, 3 TLS, 5 rejected, 6 timeout, 7 protocol; 1 bad usage.\n");

typedef struct {
  GMainLoop     *loop;
  GCancellable  *cancellable;
  SdCheckReport *report;
  GError        *error;
} SdCliCheck;

static gboolean
sd_cli_check_interrupt (gpointer user_data)
{
  SdCliCheck *state = user_data;
  g_cancellable_cancel (state->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
sd_cli_check_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SdCliCheck *state = user_data;
  state->report = sd_check_run_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

/* "alice@example.com" or "example.com" -> "example.com". */
static const char *
sd_cli_check_domain (const char *from)
{
  const char *at = from ? strrchr (from, '@') : NULL;
  return at != NULL ? at + 1 : from;
}

int
sd_cli_check (int    argc,
              char **argv)
{
  g_autoptr(SdCheckOptions) options = sd_check_options_new ();
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL, *ports = NULL, *ehlo = NULL, *ca = NULL, *lists = NULL;
  gboolean json = FALSE, no_blocklists = FALSE, blocklist_servers = FALSE, no_versions = FALSE;
  int timeout = 10;
  SdCliCheck state = { NULL };
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Sender address or domain: check its SPF, DMARC, MTA-STS and TLS-RPT"), N_("ADDR") },
    { "ports", 0, 0, G_OPTION_ARG_STRING, &ports, N_("Ports to try (default 25,465,587,2525)"), N_("LIST") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Seconds for each DNS answer and each network wait (default 10)"), N_("S") },
    { "no-blocklists", 0, 0, G_OPTION_ARG_NONE, &no_blocklists, N_("Do not ask DNS blocklists about this machine's public address"), NULL },
    { "blocklist-servers", 0, 0, G_OPTION_ARG_NONE, &blocklist_servers, N_("Also ask them about each server address"), NULL },
    { "blocklists-file", 0, 0, G_OPTION_ARG_FILENAME, &lists, N_("Blocklists to ask instead of the built-in list (JSON)"), N_("FILE") },
    { "no-tls-versions", 0, 0, G_OPTION_ARG_NONE, &no_versions, N_("Do not try TLS 1.0-1.3 one by one"), NULL },
    { "ehlo", 0, 0, G_OPTION_ARG_STRING, &ehlo, N_("Name to send with EHLO"), N_("NAME") },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &ca, N_("Trust the CA certificates in FILE (PEM) instead of the system's"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("TARGET"));
  g_option_context_set_summary (context, _("Check a mail domain or server from this machine: "
                                           "DNS, blocklists, ports, TLS, middleboxes."));
  g_option_context_set_description (context, _(check_help));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      sd_cli_option_error_clean (error);
      fprintf (stderr, "smtp-doctor-cli check: %s\n", error->message);
      return SD_CLI_EXIT_USAGE;
    }
  if (argc != 2)
    {
      fprintf (stderr, "smtp-doctor-cli check: %s\n", _("give one domain, host or address"));
      return SD_CLI_EXIT_USAGE;
    }
  options->target = g_strdup (argv[1]);
  options->from_domain = g_strdup (sd_cli_check_domain (from));
  options->timeout_s = CLAMP (timeout, 1, 600);
  options->blocklists = !no_blocklists;
  options->blocklist_servers = blocklist_servers;
  options->tls_versions = !no_versions;
  options->ehlo_name = g_steal_pointer (&ehlo);
  options->tls_ca_file = g_steal_pointer (&ca);
  options->dnsbl_file = g_steal_pointer (&lists);
  if (ports != NULL && !sd_check_options_set_ports (options, ports, &error))
    {
      fprintf (stderr, "smtp-doctor-cli check: %s\n", error->message);
      return SD_CLI_EXIT_USAGE;
    }

  state.loop = g_main_loop_new (NULL, FALSE);
  state.cancellable = g_cancellable_new ();
  sd_cli_on_interrupt (sd_cli_check_interrupt, &state);
  sd_check_run_async (options, state.cancellable, sd_cli_check_done, &state);
  g_main_loop_run (state.loop);
  g_main_loop_unref (state.loop);
  g_object_unref (state.cancellable);

  if (state.report == NULL)
    {
      int code = g_error_matches (state.error, SD_CHECK_ERROR, SD_CHECK_ERROR_INVALID_INPUT)
                 ? SD_CLI_EXIT_USAGE : 8;
      fprintf (stderr, "smtp-doctor-cli check: %s\n", state.error->message);
      g_error_free (state.error);
      return code;
    }
  {
    g_autoptr(SdCheckReport) report = state.report;
    g_autofree char *text = json ? sd_check_report_to_json (report)
                                 : sd_check_report_to_text (report);
    fputs (text, stdout);
    if (json)
      fputc ('\n', stdout);
    return sd_check_report_exit_code (report);
  }
}
