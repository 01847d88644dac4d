/* sd-cli-send.c: smtp-doctor-cli send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#ifdef G_OS_UNIX
#include <glib-unix.h>
#endif

#include "sd-cli.h"
#include "sd-hints.h"
#include "sd-secret.h"
#include "sd-session.h"

#define SD_MAX_PASSWORD 4096

typedef struct {
  GMainLoop *loop;
  SdReport  *report;
  gboolean   json;
} SdSendRun;

static const char exit_codes_help[] =
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
  "never printed: AUTH payloads are redacted in every output.\n";

/* The first line of @text, without its line end. */
static char *
sd_first_line (char *text)
{
  text[strcspn (text, "\r\n")] = '\0';
  return text;
}

static char *
sd_read_password (const char  *env,
                  const char  *file,
                  gboolean     from_stdin,
                  GError     **error)
{
  guint sources = (env != NULL) + (file != NULL) + (from_stdin != FALSE);
  char *password = NULL;
  gsize len = 0;

  if (sources > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Give the password one way only: --password-env, --password-file "
                   "or --password-stdin");
      return NULL;
    }

  if (env != NULL)
    {
      const char *value = g_getenv (env);
      if (value == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "The environment variable %s is not set", env);
          return NULL;
        }
      return g_strdup (value);
    }

  if (file != NULL)
    {
      if (!g_file_get_contents (file, &password, &len, error))
        return NULL;
    }
  else if (from_stdin)
    {
      password = g_malloc0 (SD_MAX_PASSWORD + 1);
      if (fgets (password, SD_MAX_PASSWORD, stdin) == NULL)
        password[0] = '\0';
      len = strlen (password);
    }
  else
    return NULL;

  if (memchr (password, '\0', len) != NULL && strlen (password) < len - 1)
    {
      sd_secret_wipe (password, len);
      g_free (password);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "The password contains a NUL byte");
      return NULL;
    }
  return sd_first_line (password);
}

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

#ifdef G_OS_UNIX
static gboolean
sd_send_on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}
#endif

static void
sd_send_print_summary (const SdReport *report)
{
  const SdCapabilities *caps = sd_report_get_capabilities (report);

  printf ("\n");
  if (report->ok)
    printf ("Result: OK%s\n", report->stage < SD_STAGE_QUIT ? " (stopped where asked)" : ": message accepted");
  else
    {
      g_autofree char *message = sd_text_escape (report->error->message);
      printf ("Result: FAILED at %s: %s\n", sd_stage_to_string (report->stage), message);
    }
  if (report->tls != NULL)
    printf ("TLS: %s %s, certificate %s%s%s\n", report->tls->version, report->tls->cipher,
            report->tls->verified ? "verified" : "NOT verified",
            report->tls->verify_error ? ": " : "",
            report->tls->verify_error ? report->tls->verify_error : "");
  if (caps != NULL)
    {
      g_autofree char *auth = sd_capabilities_dup_auth_string (caps);
      printf ("AUTH offered%s: %s\n", report->caps_after_tls ? " after TLS" : "",
              *auth ? auth : "(none)");
    }
  if (report->caps_after_tls != NULL && report->caps_before_tls != NULL)
    {
      g_autofree char *auth = sd_capabilities_dup_auth_string (report->caps_before_tls);
      printf ("AUTH offered before TLS: %s\n", *auth ? auth : "(none)");
    }
  printf ("Time:");
  for (guint i = 0; i < SD_N_STAGES; i++)
    if (report->timings_us[i] >= 0)
      printf (" %s %.1f ms", sd_stage_to_string (i), report->timings_us[i] / 1000.0);
  printf ("\n");
  if (report->hints->len > 0)
    {
      g_autofree char *hints = sd_hints_to_text (report->hints);
      printf ("\n%s\n\n%s", SD_HINTS_TEXT_HEADER, hints);
    }
}

static gboolean
sd_parse_tls_verify (const char  *value,
                     SdSettings  *settings,
                     GError     **error)
{
  if (g_str_equal (value, "verify"))
    settings->tls_verify = SD_TLS_VERIFY;
  else if (g_str_equal (value, "accept-any"))
    settings->tls_verify = SD_TLS_ACCEPT_ANY;
  else if (g_str_has_prefix (value, "pin:"))
    {
      settings->tls_verify = SD_TLS_PIN;
      settings->tls_pin = g_strdup (value + 4);
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--tls-verify must be verify, accept-any or pin:SHA256HEX");
      return FALSE;
    }
  return TRUE;
}

static gboolean
sd_parse_options (int          argc,
                  char       **argv,
                  SdSettings  *settings,
                  gboolean    *json,
                  GError     **error)
{
  g_autofree char *server = NULL, *security = NULL, *tls_verify = NULL, *tls_ca = NULL;
  g_autofree char *auth = NULL, *user = NULL, *password_env = NULL, *password_file = NULL;
  g_autofree char *ehlo = NULL, *from = NULL, *subject = NULL, *body = NULL;
  g_autofree char *body_file = NULL, *eml = NULL, *quit_after = NULL, *pipelining = NULL;
  g_auto(GStrv) to = NULL;
  int port = 0, timeout = 30;
  gboolean password_stdin = FALSE, allow_plaintext = FALSE;
  GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server, "SMTP server host name or address", "HOST" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port (default from --security)", "N" },
    { "security", 0, 0, G_OPTION_ARG_STRING, &security, "none, starttls (default), starttls-optional or tls", "MODE" },
    { "tls-verify", 0, 0, G_OPTION_ARG_STRING, &tls_verify, "verify (default), accept-any or pin:SHA256", "POLICY" },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &tls_ca, "Trust the CA certificates in FILE instead of the system's", "FILE" },
    { "auth", 'a', 0, G_OPTION_ARG_STRING, &auth, "auto (default), none, plain, login or cram-md5", "MECH" },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, "User name for AUTH", "NAME" },
    { "password-env", 0, 0, G_OPTION_ARG_STRING, &password_env, "Read the password from environment variable VAR", "VAR" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, "Read the password from the first line of FILE", "FILE" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, "Read the password from the first line of standard input", NULL },
    { "allow-plaintext-auth", 0, 0, G_OPTION_ARG_NONE, &allow_plaintext, "Allow credentials on an unencrypted connection", NULL },
    { "ehlo", 0, 0, G_OPTION_ARG_STRING, &ehlo, "Name to give in EHLO (default: localhost)", "NAME" },
    { "from", 'f', 0, G_OPTION_ARG_STRING, &from, "Envelope sender and From header", "ADDR" },
    { "to", 't', 0, G_OPTION_ARG_STRING_ARRAY, &to, "Recipient (repeat for several)", "ADDR" },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, "Subject", "TEXT" },
    { "body", 0, 0, G_OPTION_ARG_STRING, &body, "Message body", "TEXT" },
    { "body-file", 0, 0, G_OPTION_ARG_FILENAME, &body_file, "Message body from FILE (UTF-8)", "FILE" },
    { "eml", 0, 0, G_OPTION_ARG_FILENAME, &eml, "Send the prepared message in FILE as is", "FILE" },
    { "quit-after", 0, 0, G_OPTION_ARG_STRING, &quit_after, "Stop after connect, greeting, ehlo, tls, auth, mail, rcpt or data", "STAGE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait for each network step (default 30)", "SECONDS" },
    { "pipelining", 0, 0, G_OPTION_ARG_STRING, &pipelining, "auto (default: when offered) or off", "MODE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, json, "Print one JSON document at the end instead of the transcript", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- send a test message through an SMTP server");

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, exit_codes_help);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "Unexpected argument “%s”", argv[1]);
      return FALSE;
    }

  if (server == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--server is required");
      return FALSE;
    }
  settings->host = g_steal_pointer (&server);
  if (port < 0 || port > 65535)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--port must be 1-65535");
      return FALSE;
    }
  settings->port = port;
  if (security != NULL && !sd_security_from_string (security, &settings->security))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--security must be none, starttls, starttls-optional or tls");
      return FALSE;
    }
  if (tls_verify != NULL && !sd_parse_tls_verify (tls_verify, settings, error))
    return FALSE;
  settings->tls_ca_file = g_steal_pointer (&tls_ca);
  if (auth != NULL)
    {
      g_free (settings->auth);
      settings->auth = g_ascii_strdown (auth, -1);
    }
  settings->user = g_steal_pointer (&user);
  settings->password = sd_read_password (password_env, password_file, password_stdin, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  settings->allow_plaintext_auth = allow_plaintext;
  settings->ehlo_name = g_steal_pointer (&ehlo);
  settings->from = g_steal_pointer (&from);
  settings->to = g_steal_pointer (&to);
  if (subject != NULL)
    {
      g_free (settings->subject);
      settings->subject = g_steal_pointer (&subject);
    }
  if ((body != NULL) + (body_file != NULL) + (eml != NULL) > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "Give only one of --body, --body-file and --eml");
      return FALSE;
    }
  if (body != NULL)
    {
      g_free (settings->body);
      settings->body = g_steal_pointer (&body);
    }
  if (body_file != NULL)
    {
      g_free (settings->body);
      settings->body = NULL;
      if (!g_file_get_contents (body_file, &settings->body, NULL, error))
        return FALSE;
      if (!g_utf8_validate (settings->body, -1, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s is not UTF-8 text (use --eml to send a prepared message)", body_file);
          return FALSE;
        }
    }
  if (eml != NULL)
    {
      char *data = NULL;
      gsize len = 0;
      if (!g_file_get_contents (eml, &data, &len, error))
        return FALSE;
      settings->eml = g_bytes_new_take (data, len);
    }
  if (quit_after != NULL)
    {
      if (!sd_stage_from_string (quit_after, &settings->quit_after) ||
          settings->quit_after == SD_STAGE_RESOLVE || settings->quit_after == SD_STAGE_QUIT ||
          settings->quit_after == SD_STAGE_STARTTLS)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--quit-after must be connect, greeting, ehlo, tls, auth, mail, rcpt or data");
          return FALSE;
        }
      settings->has_quit_after = TRUE;
    }
  if (timeout <= 0 || timeout > 3600)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--timeout must be 1-3600 seconds");
      return FALSE;
    }
  settings->timeout_s = timeout;
  if (pipelining != NULL)
    {
      if (g_str_equal (pipelining, "auto"))
        settings->pipelining = SD_PIPELINING_AUTO;
      else if (g_str_equal (pipelining, "off"))
        settings->pipelining = SD_PIPELINING_OFF;
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--pipelining must be auto or off");
          return FALSE;
        }
    }
  return TRUE;
}

int
sd_cli_send (int    argc,
             char **argv)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSession) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(SdReport) report = NULL;
  SdSendRun run = { 0 };
  int status;

  if (!sd_parse_options (argc, argv, settings, &run.json, &error))
    {
      fprintf (stderr, "smtp-doctor-cli send: %s\n(see smtp-doctor-cli send --help)\n",
               error->message);
      return SD_CLI_EXIT_USAGE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  session = sd_session_new (settings);
  g_signal_connect (session, "events", G_CALLBACK (sd_send_on_events), &run);
#ifdef G_OS_UNIX
  g_unix_signal_add (SIGINT, sd_send_on_interrupt, cancellable);
  g_unix_signal_add (SIGTERM, sd_send_on_interrupt, cancellable);
#endif
  sd_session_run_async (session, cancellable, sd_send_on_done, &run);
  g_main_loop_run (loop);
  report = g_steal_pointer (&run.report);

  if (run.json)
    {
      g_autofree char *json = sd_report_to_json (report);
      printf ("%s\n", json);
    }
  else
    sd_send_print_summary (report);

  status = sd_session_error_exit_code (report->error);
  return status;
}
