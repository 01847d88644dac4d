/* sd-cli-send.c: smtp-doctor-cli send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "sd-cli.h"
#include "sd-cli-options.h"
#include "sd-cli-message-options.h"
#include "sd-cli-burst.h"
#include "sd-cli-oauth.h"
#include "sd-auth.h"
#include "sd-hints.h"
#include "sd-profile.h"
#include "sd-secret-store.h"
#include "sd-session.h"

typedef struct {
  GMainLoop *loop;
  SdReport  *report;
  gboolean   json;
} SdSendRun;

/* Translators: keep the option names and the mode names (none, starttls…). */
static const char exit_codes_help[] = N_(
  "Exit codes:\n"
  "  0  sent (or reached --quit-after)\n"
  "  1  bad usage or input (nothing was sent)\n"
  "  2  the server could not be resolved or connected to\n"
  "  3  TLS: STARTTLS missing or refused, handshake failed, certificate refused\n"
  "  4  authentication refused, or no usable mechanism\n"
  "  5  refused by the server (greeting, MAIL, RCPT or DATA)\n"
  "  6  timeout\n"
  "  7  protocol violation by the server (malformed reply, injection, cut connection)\n"
  "  8  cancelled or internal error\n"
  "\n"
  "Security modes: none (never TLS), starttls (required: stop before any credential or\n"
  "mail if it is missing or fails), starttls-optional (use it when offered), tls\n"
  "(implicit TLS). Default port: 25 for none, 587 for starttls, 465 for tls.\n"
  "Credentials are never sent before TLS unless --allow-plaintext-auth is given, and\n"
  "never printed: AUTH payloads are redacted in every output.\n");

static void
sd_send_on_events (SdSession *session,
                   GPtrArray *events,
                   gpointer   user_data)
{
  SdSendRun *run = user_data;

  if (run->json)
    return;
  for (guint i = 0; i < events->len; i++)
    {
      g_autofree char *line = sd_event_format_line (events->pdata[i]);
      printf ("%s\n", line);
    }
  fflush (stdout);
}

static void
sd_send_on_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SdSendRun *run = user_data;

  run->report = sd_session_run_finish (SD_SESSION (source), result);
  g_main_loop_quit (run->loop);
}

static gboolean
sd_send_on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

static void
sd_send_print_summary (const SdReport *report,
                       GPtrArray      *hints)
{
  const SdCapabilities *caps = sd_report_get_capabilities (report);

  printf ("\n");
  if (report->ok)
    {
      g_autofree char *outcome = sd_report_describe_outcome (report);
      /* Translators: %s says how the session ended (sd_report_describe_outcome). */
      printf (_("Result: OK: %s\n"), outcome);
    }
  else
    {
      g_autofree char *message = sd_text_escape (report->error->message);
      /* Translators: a stage name (connect, ehlo, data…), then the error. */
      printf (_("Result: FAILED at %s: %s\n"), sd_stage_to_string (report->stage), message);
    }
  if (report->tls != NULL)
    {
      g_autofree char *verdict = sd_tls_info_describe_verdict (report->tls);
      /* Translators: TLS version, cipher suite, then the verdict (“verified”, “NOT
       * verified: …”). */
      printf (_("TLS: %s %s, certificate %s\n"), report->tls->version, report->tls->cipher,
              verdict);
    }
  if (caps != NULL)
    {
      g_autofree char *auth = sd_capabilities_dup_auth_string (caps);
      /* Translators: %s lists mechanisms such as “LOGIN PLAIN”. */
      printf (report->caps_after_tls ? _("AUTH offered after TLS: %s\n")
                                     : _("AUTH offered: %s\n"),
              *auth ? auth : _("(none)"));
    }
  if (report->caps_after_tls != NULL && report->caps_before_tls != NULL)
    {
      g_autofree char *auth = sd_capabilities_dup_auth_string (report->caps_before_tls);
      /* Translators: %s lists mechanisms such as “LOGIN PLAIN”. */
      printf (_("AUTH offered before TLS: %s\n"), *auth ? auth : _("(none)"));
    }
  /* Translators: followed by “ connect 1.2 ms ehlo 3.4 ms …”. */
  {
    g_autofree char *timings = sd_report_format_timings (report, " ");
    printf ("%s %s\n", _("Time:"), timings);
  }
  if (hints->len > 0)
    {
      g_autofree char *text = sd_hints_to_text (hints);
      printf ("\n%s\n\n%s", sd_hints_text_header (), text);
    }
}

/* Settings from the profile, if one was named, with its remembered password. */
static SdSettings *
sd_send_start_settings (const char  *profile_name,
                        gboolean     password_given,
                        GError     **error)
{
  g_autoptr(SdProfileStore) store = NULL;
  SdProfile *profile;
  SdSettings *settings;

  if (profile_name == NULL)
    return sd_settings_new ();

  store = sd_profile_store_new (NULL);
  if (!sd_profile_store_load (store, error))
    return NULL;
  profile = sd_profile_store_lookup (store, profile_name);
  if (profile == NULL)
    {
      g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_NOT_FOUND,
                   _("No profile named “%s” (see smtp-doctor-cli profiles list)"),
                   profile_name);
      return NULL;
    }
  settings = sd_settings_copy (profile->settings);
  if (profile->remember_password && !password_given)
    {
      g_autoptr(GError) local = NULL;
      settings->password = sd_secret_store_lookup (sd_secret_store_get_default (),
                                                   profile_name, &local);
      if (local != NULL)
        fprintf (stderr, "smtp-doctor-cli send: %s\n", local->message);
    }
  return settings;
}

/* For XOAUTH2/OAUTHBEARER: the stored sign-in when no token was given, and what the
 * token says before the session uses it. */
static gboolean
sd_send_prepare_token (SdSettings *settings,
                       gboolean    quiet)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (settings->auth, "xoauth2") != 0 && g_strcmp0 (settings->auth, "oauthbearer") != 0)
    return TRUE;
  if (settings->oauth_token == NULL && settings->oauth_provider != NULL)
    {
      settings->oauth_token = sd_cli_oauth_stored_token (settings, quiet, &error);
      if (settings->oauth_token == NULL)
        {
          fprintf (stderr, "smtp-doctor-cli send: %s\n", error->message);
          return FALSE;
        }
    }
  if (settings->oauth_token != NULL && !quiet)
    {
      sd_cli_oauth_print_token (settings->oauth_token, settings->oauth_provider,
                                settings->oauth_tenant);
      printf ("\n");
    }
  return TRUE;
}

/* A user name without any password source: on a terminal, ask (echo off). Elsewhere
 * the validation below says what is missing. */
static void
sd_send_prompt_password (SdSettings *settings)
{
  g_autofree char *prompt = NULL;

  if (settings->user == NULL || *settings->user == '\0' || settings->password != NULL ||
      settings->oauth_token != NULL || g_strcmp0 (settings->auth, "none") == 0 ||
      (g_strcmp0 (settings->auth, "auto") != 0 &&
       sd_auth_mechanism_get_credential (settings->auth) == SD_AUTH_CREDENTIAL_TOKEN))
    return;
  /* Translators: %s is the user name; the answer is typed after it, not shown. */
  prompt = g_strdup_printf (_("Password for %s: "), settings->user);
  settings->password = sd_cli_prompt_secret (prompt);
}

int
sd_cli_send (int    argc,
             char **argv)
{
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSession) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GPtrArray) hints = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *profile = NULL;
  SdSendRun run = { 0 };
  SdCliOptions options;
  SdCliMessageOptions message_options;
  SdCliBurstOptions burst_options;
  SdBurstSpec burst = { 0 };
  gboolean bursting = FALSE;
  const GOptionEntry extra[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, N_("Start from the saved profile NAME (flags override it)"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &run.json, N_("Print one JSON document at the end instead of the transcript"), NULL },
    { NULL }
  };

  /* Translators: the summary in `smtp-doctor-cli send --help`. */
  context = g_option_context_new (_("- send a test message through an SMTP server"));
  sd_cli_options_init (&options);
  sd_cli_options_add_entries (&options, context);
  sd_cli_message_options_init (&message_options);
  sd_cli_message_options_add_entries (&message_options, context);
  sd_cli_burst_options_init (&burst_options);
  sd_cli_burst_options_add_entries (&burst_options, context);
  g_option_context_add_main_entries (context, extra, GETTEXT_PACKAGE);
  g_option_context_set_description (context, _(exit_codes_help));

  if (g_option_context_parse (context, &argc, &argv, &error) && argc > 1)
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("Unexpected argument “%s”"),
                 argv[1]);
  sd_cli_option_error_clean (error);
  if (error == NULL)
    settings = sd_send_start_settings (profile, sd_cli_options_has_password (&options), &error);
  if (settings != NULL && sd_cli_options_apply (&options, settings, &error))
    sd_cli_message_options_apply (&message_options, settings, &error);
  sd_cli_message_options_clear (&message_options);
  if (error == NULL)
    bursting = sd_cli_burst_options_get_spec (&burst_options, &burst, &error);
  if (error != NULL)
    {
      fprintf (stderr, "smtp-doctor-cli send: %s\n%s\n", error->message,
               _("(see smtp-doctor-cli send --help)"));
      sd_cli_options_clear (&options);
      return SD_CLI_EXIT_USAGE;
    }
  sd_cli_options_clear (&options);
  if (settings->host == NULL)
    {
      fprintf (stderr, "smtp-doctor-cli send: %s\n", _("--server is required (or --profile)"));
      return SD_CLI_EXIT_USAGE;
    }

  if (!sd_send_prepare_token (settings, run.json))
    return SD_CLI_EXIT_USAGE;
  sd_send_prompt_password (settings);
  /* Bad input is a usage error: one line, no session, no hints. */
  if (!sd_settings_validate (settings, &error))
    {
      fprintf (stderr, "smtp-doctor-cli send: %s\n", error->message);
      return SD_CLI_EXIT_USAGE;
    }

  if (bursting)
    return sd_cli_burst_run (settings, &burst, run.json);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  session = sd_session_new (settings);
  g_signal_connect (session, "events", G_CALLBACK (sd_send_on_events), &run);
  sd_cli_on_interrupt (sd_send_on_interrupt, cancellable);
  sd_session_run_async (session, cancellable, sd_send_on_done, &run);
  g_main_loop_run (loop);
  report = g_steal_pointer (&run.report);
  /* The session only reports; the diagnosis is ours to run. */
  hints = sd_diagnose_report (report);

  if (run.json)
    {
      g_autofree char *json = sd_report_to_json (report, hints);
      printf ("%s\n", json);
    }
  else
    sd_send_print_summary (report, hints);

  return sd_session_error_exit_code (report->error);
}
