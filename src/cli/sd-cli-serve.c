/* sd-cli-serve.c: smtp-doctor-cli serve, the built-in server from a terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "sd-cli.h"
#include "sd-report.h"
#include "sd-secret.h"
#include "sd-server.h"
#include "sd-server-connector.h"
#include "sd-server-fault.h"

typedef struct {
  GMainLoop *loop;
  gboolean   json;
  gboolean   list_connectors;
} SdServeRun;

/* Translators: keep the options, the reply codes and Exchange's setting as Exchange
 * shows it in your language. */
static const char serve_help[] = N_(
  "Listens on 127.0.0.1 unless --listen names another address. The first line says\n"
  "where (\"Listening on 127.0.0.1 port N ...\"); the second where the certificate is\n"
  "and its SHA-256, for `send --tls-ca FILE` or `--tls-verify pin:SHA256`. Then every\n"
  "session's transcript streams live, seen from the server: <- what the client sent,\n"
  "-> our replies. Ctrl+C stops.\n"
  "\n"
  "Policies: --require-tls-for-auth offers AUTH only after STARTTLS and answers 504 5.7.4\n"
  "before it (Exchange's \"Offer basic authentication only after starting TLS\");\n"
  "--require-auth answers MAIL before AUTH with 530 5.7.0; --relay-domain limits\n"
  "unauthenticated recipients to those domains (550 5.7.54); --max-size refuses bigger\n"
  "messages (552 5.3.4); --greylist answers the first try of each client/sender/recipient\n"
  "with 451 4.7.1; --rate-limit N/SECONDS answers MAIL with 451 4.7.0 once N messages\n"
  "came in the last SECONDS (default 60), from all clients together.\n"
  "\n"
  "Passwords come from --password-env or --password-file, never the command line.\n");

/* "N" or "N/SECONDS" */
static gboolean
sd_serve_parse_rate (const char      *text,
                     SdServerConfig  *config,
                     GError         **error)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", 2);
  guint64 n = 0, seconds = 60;

  if (!g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXINT, &n, NULL) ||
      (parts[1] != NULL &&
       !g_ascii_string_to_unsigned (parts[1], 10, 1, 24 * 3600, &seconds, NULL)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: keep --rate-limit; N and SECONDS are placeholders. */
                   _("--rate-limit is N or N/SECONDS (e.g. 30/60), not “%s”"), text);
      return FALSE;
    }
  config->rate_limit = n;
  config->rate_window_s = seconds;
  return TRUE;
}

static char *
sd_serve_read_password (const char  *env,
                        const char  *file,
                        GError     **error)
{
  char *password = NULL;

  if (env != NULL && file != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("Give the password one way only: --password-env or "
                             "--password-file"));
      return NULL;
    }
  if (env != NULL)
    {
      const char *value = g_getenv (env);
      if (value == NULL)
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("The environment variable %s is not set"), env);
      return g_strdup (value);
    }
  if (file != NULL)
    {
      if (!g_file_get_contents (file, &password, NULL, error))
        return NULL;
      password[strcspn (password, "\r\n")] = '\0';
      return password;
    }
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--user needs --password-env VAR or --password-file FILE"));
  return NULL;
}

static void
sd_serve_on_started (SdServer   *server,
                     guint       id,
                     const char *peer,
                     SdServeRun *run)
{
  if (!run->json)
    /* Translators: a session number, then the client's address and port. */
    printf (_("[%u] New session from %s\n"), id, peer);
}

static void
sd_serve_on_events (SdServer   *server,
                    guint       id,
                    GPtrArray  *events,
                    SdServeRun *run)
{
  if (run->json)
    return;
  for (guint i = 0; i < events->len; i++)
    {
      g_autofree char *line = sd_event_format_line (events->pdata[i]);
      printf ("[%u] %s\n", id, line);
    }
  fflush (stdout);
}

static void
sd_serve_on_message (SdServer        *server,
                     guint            id,
                     SdServerMessage *message,
                     SdServeRun      *run)
{
  g_autofree char *to = NULL;
  g_autofree char *from = NULL;

  if (run->json)
    return;
  to = g_strjoinv (", ", message->rcpt_to);
  from = sd_text_escape (message->mail_from);
  {
    gsize size = g_bytes_get_size (message->data);
    g_autofree char *bytes = g_strdup_printf ("%" G_GSIZE_FORMAT, size);
    gulong n = size > G_MAXULONG ? G_MAXULONG : (gulong) size;
    if (message->path != NULL)
      /* Translators: a session number, a number of bytes, the sender, the recipients,
       * then a file name. */
      printf (ngettext ("[%u] ** Message accepted: %s byte from <%s> to %s, saved as %s\n",
                        "[%u] ** Message accepted: %s bytes from <%s> to %s, saved as %s\n", n),
              id, bytes, from, to, message->path);
    else
      /* Translators: a session number, a number of bytes, the sender, then the
       * recipients. */
      printf (ngettext ("[%u] ** Message accepted: %s byte from <%s> to %s\n",
                        "[%u] ** Message accepted: %s bytes from <%s> to %s\n", n),
              id, bytes, from, to);
  }
}

static void
sd_serve_on_finished (SdServer        *server,
                      guint            id,
                      SdServerSession *session,
                      SdServeRun      *run)
{
  if (run->json)
    {
      g_autofree char *line = sd_server_session_to_json (session);
      printf ("%s\n", line);
    }
  else
    {
      for (guint i = 0; i < session->hints->len; i++)
        {
          const SdHint *hint = session->hints->pdata[i];
          /* Translators: a session number, the severity (error, warning, info: in
           * English), then the hint's title. */
          printf (_("[%u] Hint (%s): %s\n"), id, sd_hint_severity_to_string (hint->severity),
                  hint->title);
        }
      /* Translators: a session number, then a short reason in English (quit, closed,
       * idle timeout…). */
      printf (_("[%u] Session finished: %s\n"), id, session->end_reason);
    }
  fflush (stdout);
}

static gboolean
sd_serve_on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
sd_serve_is_loopback (const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

static gboolean
sd_serve_parse (int              argc,
                char           **argv,
                SdServerConfig  *config,
                SdServeRun      *run,
                GError         **error)
{
  g_autofree char *listen = NULL, *user = NULL, *password_env = NULL, *password_file = NULL;
  g_autofree char *maildir = NULL, *cert = NULL, *key = NULL, *hostname = NULL;
  g_autofree char *tls_min = NULL, *keytab = NULL, *rate_limit = NULL;
  g_auto(GStrv) relay = NULL;
  g_auto(GStrv) faults = NULL;
  g_autofree char *connector = NULL;
  int per_client = 0, greeting_timeout = 0, command_timeout = 0;
  gint64 max_size = 0;
  int port = 2525, tls_port = -1, max_sessions = 0, idle_timeout = 0;
  gboolean accept_any = FALSE, tls_for_auth = FALSE, require_auth = FALSE, greylist = FALSE;
  gboolean no_starttls = FALSE, dsn = FALSE, smtputf8 = FALSE;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Listen on ADDR (default 127.0.0.1)"), N_("ADDR") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("SMTP port with STARTTLS (default 2525; 0: any free port)"), N_("N") },
    { "tls-port", 0, 0, G_OPTION_ARG_INT, &tls_port, N_("Also listen for implicit TLS on port N (0: any free port)"), N_("N") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("Accept AUTH for user NAME"), N_("NAME") },
    { "password-env", 0, 0, G_OPTION_ARG_STRING, &password_env, N_("Its password, from environment variable VAR"), N_("VAR") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, N_("Its password, from the first line of FILE"), N_("FILE") },
    { "accept-any-auth", 0, 0, G_OPTION_ARG_NONE, &accept_any, N_("Accept any credentials (the user name tried is shown; passwords never are)"), NULL },
    { "require-tls-for-auth", 0, 0, G_OPTION_ARG_NONE, &tls_for_auth, N_("Offer AUTH only after STARTTLS"), NULL },
    { "gssapi-keytab", 0, 0, G_OPTION_ARG_FILENAME, &keytab, N_("Also offer AUTH GSSAPI, accepting Kerberos tickets for the keys in FILE"), N_("FILE") },
    { "require-auth", 0, 0, G_OPTION_ARG_NONE, &require_auth, N_("Refuse MAIL before AUTH (530 5.7.0)"), NULL },
    { "relay-domain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &relay, N_("Accept unauthenticated mail only for domain D (repeatable)"), N_("D") },
    { "greylist", 0, 0, G_OPTION_ARG_NONE, &greylist, N_("Answer each first try with 451 4.7.1"), NULL },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size, N_("Largest message (default 10485760)"), N_("BYTES") },
    { "rate-limit", 0, 0, G_OPTION_ARG_STRING, &rate_limit, N_("At most N messages per SECONDS (default 60), then 451 4.7.0"), N_("N[/SECONDS]") },
    { "dsn", 0, 0, G_OPTION_ARG_NONE, &dsn, N_("Offer DSN (delivery notifications, RFC 3461)"), NULL },
    { "smtputf8", 0, 0, G_OPTION_ARG_NONE, &smtputf8, N_("Offer SMTPUTF8 (international addresses, RFC 6531)"), NULL },
    { "maildir", 0, 0, G_OPTION_ARG_FILENAME, &maildir, N_("Also save each message in DIR as a .eml file"), N_("DIR") },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, N_("Server certificate (PEM); default: one made on first start"), N_("FILE") },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_("Its private key (PEM)"), N_("FILE") },
    { "no-starttls", 0, 0, G_OPTION_ARG_NONE, &no_starttls, N_("Do not offer STARTTLS"), NULL },
    { "tls-min-version", 0, 0, G_OPTION_ARG_STRING, &tls_min, N_("Refuse TLS older than VERSION (1.2 or 1.3; 1.0 lets old devices in, for testing only)"), N_("VERSION") },
    { "hostname", 0, 0, G_OPTION_ARG_STRING, &hostname, N_("Name in the greeting and EHLO reply"), N_("NAME") },
    { "max-sessions", 0, 0, G_OPTION_ARG_INT, &max_sessions, N_("Sessions at once (default 50)"), N_("N") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, N_("Close a silent session after SECONDS (default 300)"), N_("SECONDS") },
    { "connector", 0, 0, G_OPTION_ARG_STRING, &connector, N_("Behave like NAME (see --list-connectors)"), N_("NAME") },
    { "fail", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults, N_("Inject a fault: STAGE=REPLY, STAGE=close, STAGE=delay:N or STAGE=greylist (repeatable)"), N_("STAGE=ACTION") },
    { "max-sessions-per-client", 0, 0, G_OPTION_ARG_INT, &per_client, N_("Sessions at once from one address (default 10)"), N_("N") },
    { "greeting-timeout", 0, 0, G_OPTION_ARG_INT, &greeting_timeout, N_("Close a session without EHLO after SECONDS (default 60)"), N_("SECONDS") },
    { "command-timeout", 0, 0, G_OPTION_ARG_INT, &command_timeout, N_("Close a session whose command line takes longer than SECONDS (default 60)"), N_("SECONDS") },
    { "list-connectors", 0, 0, G_OPTION_ARG_NONE, &run->list_connectors, N_("List the connectors and exit"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &run->json, N_("One JSON object per line: where it listens, then each finished session"), NULL },
    { NULL }
  };
  /* Translators: the summary in `smtp-doctor-cli serve --help`. */
  g_autoptr(GOptionContext) context = g_option_context_new (_("- run the built-in SMTP server"));

  g_option_context_set_description (context, _(serve_help));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, error))
    {
      sd_cli_option_error_clean (*error);
      return FALSE;
    }
  if (argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("Unexpected argument “%s”"),
                   argv[1]);
      return FALSE;
    }
  if (port < 0 || port > 65535 || tls_port < -1 || tls_port > 65535 || max_size < 0 ||
      max_sessions < 0 || idle_timeout < 0 || per_client < 0 || greeting_timeout < 0 ||
      command_timeout < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("A port, size or limit is out of range"));
      return FALSE;
    }
  if (tls_min != NULL && g_strcmp0 (tls_min, "1.2") != 0 && g_strcmp0 (tls_min, "1.3") != 0 &&
      g_strcmp0 (tls_min, "1.0") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--tls-min-version is 1.0, 1.2 or 1.3, not “%s”"), tls_min);
      return FALSE;
    }
  if (rate_limit != NULL && !sd_serve_parse_rate (rate_limit, config, error))
    return FALSE;
  if ((cert == NULL) != (key == NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--cert and --key go together"));
      return FALSE;
    }

  /* The connector first: the flags below can still tighten what it sets. */
  if (connector != NULL && !sd_server_config_apply_connector (config, connector, error))
    return FALSE;
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    {
      g_autoptr(SdServerFault) fault = sd_server_fault_parse (faults[i], error);
      if (fault == NULL)
        return FALSE;
      sd_server_config_add_fault (config, fault);
    }
  config->max_sessions_per_client = per_client;
  config->greeting_timeout_s = greeting_timeout;
  config->command_timeout_s = command_timeout;
  config->listen_address = g_steal_pointer (&listen);
  config->port = port;
  config->implicit_tls = tls_port >= 0;
  config->tls_port = tls_port >= 0 ? tls_port : 0;
  config->starttls = config->starttls && !no_starttls;
  if (tls_min != NULL)
    config->tls_min_version = tls_min[2] == '3' ? 13 : tls_min[2] == '2' ? 12 : 10;
  config->accept_any_auth = config->accept_any_auth || accept_any;
  config->require_tls_for_auth = config->require_tls_for_auth || tls_for_auth;
  if (keytab != NULL && !sd_server_gssapi_available ())
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("This build has no Kerberos (GSSAPI) support: --gssapi-keytab "
                             "cannot be used"));
      return FALSE;
    }
  config->gssapi_keytab = g_steal_pointer (&keytab);
  config->require_auth = config->require_auth || require_auth;
  config->greylist = greylist;
  config->dsn = dsn;
  config->smtputf8 = smtputf8;
  config->max_size = max_size;
  config->maildir = g_steal_pointer (&maildir);
  config->hostname = g_steal_pointer (&hostname);
  config->max_sessions = max_sessions;
  config->idle_timeout_s = idle_timeout;
  for (guint i = 0; relay != NULL && relay[i] != NULL; i++)
    sd_server_config_add_relay_domain (config, relay[i]);
  if (cert != NULL &&
      (!g_file_get_contents (cert, &config->cert_pem, NULL, error) ||
       !g_file_get_contents (key, &config->key_pem, NULL, error)))
    return FALSE;
  if (user != NULL)
    {
      char *password = sd_serve_read_password (password_env, password_file, error);
      if (password == NULL)
        return FALSE;
      sd_server_config_add_account (config, user, password);
      sd_secret_free (password);
    }
  else if (password_env != NULL || password_file != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("A password needs --user"));
      return FALSE;
    }
  return TRUE;
}

static void
sd_serve_print_listening (SdServer             *server,
                          const SdServerConfig *config,
                          gboolean              json)
{
  const char *address = config->listen_address ? config->listen_address : "127.0.0.1";
  g_autoptr(GString) modes = g_string_new (NULL);

  if (json)
    {
      g_autofree char *line = sd_server_listening_to_json (server, address);
      printf ("%s\n", line);
      fflush (stdout);
      return;
    }

  if (config->starttls)
    g_string_append (modes, "STARTTLS");
  if (config->accounts->len > 0 || config->accept_any_auth)
    g_string_append_printf (modes, "%sAUTH PLAIN LOGIN CRAM-MD5%s", modes->len ? ", " : "",
                            config->require_tls_for_auth ? " after TLS" : "");
  if (config->gssapi_keytab != NULL)
    g_string_append_printf (modes, "%sAUTH GSSAPI", modes->len ? ", " : "");
  /* Not translated: scripts (and --help) read the port from this first line. */
  printf ("Listening on %s port %u (%s)\n", address, sd_server_get_port (server),
          modes->len > 0 ? modes->str : "plain");
  if (sd_server_get_cert_sha256 (server) != NULL)
    /* Translators: a file name, then the certificate's fingerprint. */
    printf (_("Certificate: %s SHA-256 %s\n"),
            sd_server_get_cert_path (server) ? sd_server_get_cert_path (server) : _("(given)"),
            sd_server_get_cert_sha256 (server));
  if (sd_server_get_tls_port (server) != 0)
    /* Translators: an IP address and a port number. */
    printf (_("Implicit TLS on %s port %u\n"), address, sd_server_get_tls_port (server));
  printf ("%s\n", _("Press Ctrl+C to stop."));
  fflush (stdout);
}

int
sd_cli_serve (int    argc,
              char **argv)
{
  g_autoptr(SdServerConfig) config = sd_server_config_new ();
  g_autoptr(SdServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  SdServeRun run = { 0 };

  if (!sd_serve_parse (argc, argv, config, &run, &error))
    {
      fprintf (stderr, "smtp-doctor-cli serve: %s\n", error->message);
      return SD_CLI_EXIT_USAGE;
    }
  if (run.list_connectors)
    {
      const SdServerConnector * const *connectors = sd_server_connectors ();
      for (guint i = 0; connectors[i] != NULL; i++)
        printf ("%-28s %s\n%-28s %s\n", connectors[i]->name, _(connectors[i]->title), "",
                _(connectors[i]->description));
      return 0;
    }
  if (config->listen_address != NULL && !sd_serve_is_loopback (config->listen_address))
    fprintf (stderr,
             /* Translators: %s is an IP address. */
             config->accept_any_auth
             ? _("Warning: listening on %s, not only on this computer: anyone who can reach "
                 "that address can connect to this test server and log in with any "
                 "password.\n")
             : _("Warning: listening on %s, not only on this computer: anyone who can reach "
                 "that address can connect to this test server.\n"),
             config->listen_address);

  server = sd_server_new (config);
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  g_signal_connect (server, "session-started", G_CALLBACK (sd_serve_on_started), &run);
  g_signal_connect (server, "session-events", G_CALLBACK (sd_serve_on_events), &run);
  g_signal_connect (server, "message-received", G_CALLBACK (sd_serve_on_message), &run);
  g_signal_connect (server, "session-finished", G_CALLBACK (sd_serve_on_finished), &run);
  if (!sd_server_start (server, &error))
    {
      fprintf (stderr, "smtp-doctor-cli serve: %s\n", error->message);
      return 2;
    }
  sd_serve_print_listening (server, config, run.json);

  sd_cli_on_interrupt (sd_serve_on_signal, loop);
  g_main_loop_run (loop);

  sd_server_stop (server);
  if (!run.json)
    {
      guint n = sd_server_get_n_sessions (server);
      printf (ngettext ("Stopped after %u session.\n", "Stopped after %u sessions.\n", n), n);
    }
  return 0;
}
