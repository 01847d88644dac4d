/* sd-session.c: the SMTP client state machine
 *
 * One blocking run per session, on a worker thread. Every network wait is bounded by the
 * socket's timeout and the GCancellable. Every line sent or received becomes an SdEvent;
 * secrets are replaced before an event is made, so no rendering can leak them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-auth.h"
#include "sd-connection.h"
#include "sd-message.h"
#include "sd-reply.h"
#include "sd-secret.h"
#include "sd-session.h"
#include "sd-jwt.h"

#define SD_DEFAULT_TIMEOUT_S   30
#define SD_MAX_AUTH_STEPS      8
#define SD_MAX_IR_LINE         500   /* longer AUTH lines go without initial response */
#define SD_MAX_SHOWN_BODY      200   /* message lines shown in the transcript */

struct _SdSession {
  GObject     parent_instance;
  SdSettings *settings;

  /* Events on their way from the worker to the caller's main context. */
  GMutex      lock;
  GPtrArray  *pending;
  GSource    *flush_source;
  GMainContext *context;
};

G_DEFINE_FINAL_TYPE (SdSession, sd_session, G_TYPE_OBJECT)

enum { SIGNAL_EVENTS, N_SIGNALS };
static guint signals[N_SIGNALS];

/* State of one run; lives on the worker's stack. */
typedef struct {
  const SdSettings *settings;
  GCancellable     *cancellable;
  SdReport         *report;
  SdConnection     *conn;
  SdReplyParser    *parser;
  SdEventSink       sink;       /* into report->events, and to the caller's func */
  gint64            stage_t0;
  gboolean          encrypted;
  const SdCapabilities *caps;   /* in force now; owned by the report */
} SdRun;

/* --- events --------------------------------------------------------------------- */

static void
sd_run_emit (SdRun       *run,
             SdDirection  direction,
             gboolean     redacted,
             const char  *text)
{
  sd_event_sink_emit (&run->sink, run->report->stage, run->encrypted, direction, redacted, text);
}

G_GNUC_PRINTF (3, 4)
static void
sd_run_emitf (SdRun       *run,
              SdDirection  direction,
              const char  *format,
              ...)
{
  va_list args;

  va_start (args, format);
  sd_event_sink_emitv (&run->sink, run->report->stage, run->encrypted, direction, format, args);
  va_end (args);
}

/* A stage can run twice (EHLO before and after TLS): its time adds up. */
static void
sd_run_enter (SdRun   *run,
              SdStage  stage)
{
  gint64 now = g_get_monotonic_time ();
  gint64 *timing = &run->report->timings_us[run->report->stage];

  *timing = MAX (*timing, 0) + (now - run->stage_t0);
  run->report->stage = stage;
  run->stage_t0 = now;
  run->report->timings_us[stage] = MAX (run->report->timings_us[stage], 0);
}

static void
sd_run_close_timing (SdRun *run)
{
  sd_run_enter (run, run->report->stage);
}

static guint
sd_run_timeout_s (SdRun *run)
{
  return run->settings->timeout_s ? run->settings->timeout_s : SD_DEFAULT_TIMEOUT_S;
}

/* --- errors ---------------------------------------------------------------------- */

/* Maps what the network layers say onto our codes, keeping their words. */
static void
sd_run_set_io_error (GError     **error,
                     GError      *cause,
                     const char  *doing)
{
  SdSessionError code = SD_SESSION_ERROR_PROTOCOL;

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = SD_SESSION_ERROR_TIMEOUT;
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    code = SD_SESSION_ERROR_CANCELLED;
  else if (cause->domain == SD_TLS_ERROR &&
           (cause->code == SD_TLS_ERROR_HANDSHAKE || cause->code == SD_TLS_ERROR_CERTIFICATE ||
            cause->code == SD_TLS_ERROR_SETUP))
    code = SD_SESSION_ERROR_TLS;
  else if (cause->domain == SD_REPLY_ERROR)
    code = SD_SESSION_ERROR_PROTOCOL;

  /* Translators: in these three messages the last %s says what the program was doing,
   * e.g. “sending” or “waiting for the reply to EHLO”. */
  if (code == SD_SESSION_ERROR_TIMEOUT)
    g_set_error (error, SD_SESSION_ERROR, code,
                 _("No answer within the time limit while %s"), doing);
  else if (code == SD_SESSION_ERROR_CANCELLED)
    g_set_error (error, SD_SESSION_ERROR, code, _("Cancelled while %s"), doing);
  else
    /* Translators: the first %s is the network error, the second what was going on
     * (e.g. “sending”). */
    g_set_error (error, SD_SESSION_ERROR, code, _("%s (while %s)"), cause->message, doing);
  g_error_free (cause);
}

static void
sd_run_set_reply_error (SdRun          *run,
                        GError        **error,
                        SdSessionError  code,
                        const SdReply  *reply,
                        const char     *what)
{
  g_autofree char *text = sd_reply_dup_text (reply);

  g_clear_pointer (&run->report->reply, sd_reply_free);
  run->report->reply = sd_reply_copy (reply);
  /* Translators: “The server refused EHLO: 550 go away”: what failed, the reply code,
   * then the server's text (as the server sent it). */
  g_set_error (error, SD_SESSION_ERROR, code, _("%s: %u %s"), what, reply->code, text);
}

/* --- sending and receiving ------------------------------------------------------- */

/* Sends @lines as one write (one TCP segment or TLS record), each shown as its own event;
 * @shown, when not NULL, replaces the text of the line at the same index. */
static gboolean
sd_run_send_group (SdRun        *run,
                   const char  **lines,
                   const char  **shown,
                   GError      **error)
{
  g_autoptr(GString) wire = g_string_new (NULL);
  GError *local = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean secret = shown != NULL && shown[i] != NULL;
      sd_run_emit (run, SD_DIRECTION_SENT, secret, secret ? shown[i] : lines[i]);
      g_string_append (wire, lines[i]);
      g_string_append (wire, "\r\n");
    }

  if (!sd_connection_write_all (run->conn, wire->str, wire->len, run->cancellable, &local))
    {
      /* The password may still sit in @wire: wipe it before the string is freed. */
      memset (wire->str, 0, wire->len);
      sd_run_set_io_error (error, local, _("sending"));
      return FALSE;
    }
  memset (wire->str, 0, wire->len);
  return TRUE;
}

static gboolean
sd_run_send (SdRun       *run,
             const char  *line,
             GError     **error)
{
  const char *lines[] = { line, NULL };
  return sd_run_send_group (run, lines, NULL, error);
}

/* The limit is for the whole reply: a server dripping one byte at a time must not
 * hold the session forever by resetting a per-read timer. */
static SdReply *
sd_run_read_reply_within (SdRun       *run,
                          const char  *waiting_for,
                          guint        timeout_s,
                          GError     **error)
{
  SdReply *reply;
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while ((reply = sd_reply_parser_pop (run->parser)) == NULL)
    {
      char buffer[4096];
      GError *local = NULL;
      /* Translators: %s is an SMTP command (EHLO, MAIL FROM…) or a phrase such as “the
       * message”; the result fills “while %s” in other messages. */
      g_autofree char *doing = g_strdup_printf (_("waiting for the reply to %s"), waiting_for);
      gint64 remaining = deadline - g_get_monotonic_time ();
      gssize n;

      if (remaining <= 0)
        {
          g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_TIMEOUT,
                       /* Translators: %u is seconds; %s says what was going on, e.g.
                        * “waiting for the reply to EHLO”. */
                       _("No complete answer within the time limit (%u s) while %s; the "
                         "server is sending too slowly"), timeout_s, doing);
          return NULL;
        }
      g_socket_set_timeout (sd_connection_get_socket (run->conn),
                            (remaining + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      n = sd_connection_read (run->conn, buffer, sizeof buffer, run->cancellable, &local);

      if (n < 0)
        {
          sd_run_set_io_error (error, local, doing);
          return NULL;
        }
      if (n == 0)
        {
          gsize partial = sd_reply_parser_get_pending (run->parser);
          run->report->closed_by_server = TRUE;
          if (partial > 0)
            g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_PROTOCOL,
                         /* Translators: %s says what was going on, e.g. “waiting for the
                          * reply to EHLO”. */
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The server closed the connection in the middle of a "
                                      "reply (%u byte of an unfinished reply) while %s",
                                      "The server closed the connection in the middle of a "
                                      "reply (%u bytes of an unfinished reply) while %s",
                                      (guint) partial),
                         (guint) partial, doing);
          else
            g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_PROTOCOL,
                         /* Translators: %s says what was going on, e.g. “waiting for the
                          * reply to EHLO”. */
                         _("The server closed the connection while %s"), doing);
          return NULL;
        }
      if (!sd_reply_parser_feed (run->parser, buffer, n, &local))
        {
          sd_run_set_io_error (error, local, doing);
          return NULL;
        }
    }

  for (guint i = 0; i < reply->lines->len; i++)
    sd_run_emit (run, SD_DIRECTION_RECEIVED, FALSE, reply->lines->pdata[i]);
  g_clear_pointer (&run->report->reply, sd_reply_free);
  run->report->reply = sd_reply_copy (reply);
  return reply;
}

static SdReply *
sd_run_read_reply (SdRun       *run,
                   const char  *waiting_for,
                   GError     **error)
{
  return sd_run_read_reply_within (run, waiting_for, sd_run_timeout_s (run), error);
}

/* After a refusal the server should still hear QUIT; whatever happens is only shown. */
static void
sd_run_quit_quietly (SdRun *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdReply) reply = NULL;
  SdReply *failing = g_steal_pointer (&run->report->reply);

  if (run->conn != NULL && !g_cancellable_is_cancelled (run->cancellable))
    {
      if (sd_run_send (run, "QUIT", &error))
        reply = sd_run_read_reply_within (run, "QUIT", 2, &error);
    }
  /* The report keeps the reply that failed the session, not QUIT's 221. */
  g_clear_pointer (&run->report->reply, sd_reply_free);
  run->report->reply = failing;
}

/* --- stages ---------------------------------------------------------------------- */

typedef struct {
  GList  *addresses;
  GError *error;
  gboolean done;
} SdLookup;

static void
sd_lookup_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SdLookup *lookup = user_data;
  lookup->addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result,
                                                        &lookup->error);
  lookup->done = TRUE;
}

static gboolean
sd_lookup_timed_out (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* GResolver's blocking call has no time limit, so the async one runs on a private main
 * context here, with a timer that cancels it. */
static GList *
sd_run_resolve (SdRun   *run,
                GError **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timer = NULL;
  SdLookup lookup = { NULL, NULL, FALSE };
  gulong handler = 0;
  guint timeout_s = sd_run_timeout_s (run);

  sd_run_enter (run, SD_STAGE_RESOLVE);
  {
    g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (run->settings->host);
    if (literal != NULL)
      return g_list_append (NULL, g_steal_pointer (&literal));
  }

  /* Translators: %s is the server's host name. */
  sd_run_emitf (run, SD_DIRECTION_INFO, _("Looking up %s"), run->settings->host);
  if (run->cancellable != NULL)
    handler = g_cancellable_connect (run->cancellable, G_CALLBACK (g_cancellable_cancel),
                                     cancellable, NULL);
  g_main_context_push_thread_default (context);
  timer = g_timeout_source_new_seconds (timeout_s);
  g_source_set_callback (timer, sd_lookup_timed_out, cancellable, NULL);
  g_source_attach (timer, context);
  g_resolver_lookup_by_name_async (resolver, run->settings->host, cancellable,
                                   sd_lookup_done, &lookup);
  while (!lookup.done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  g_main_context_pop_thread_default (context);
  if (handler != 0)
    g_cancellable_disconnect (run->cancellable, handler);

  if (lookup.error != NULL)
    {
      if (g_cancellable_is_cancelled (run->cancellable))
        g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_CANCELLED,
                     _("Cancelled while looking up %s"), run->settings->host);
      else if (g_error_matches (lookup.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_TIMEOUT,
                     /* Translators: %s is a host name, %u a number of seconds. */
                     _("Looking up %s took longer than %u s"), run->settings->host, timeout_s);
      else
        g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_RESOLVE,
                     /* Translators: the host name, then the resolver's error. */
                     _("Cannot find the server “%s”: %s"), run->settings->host,
                     lookup.error->message);
      g_error_free (lookup.error);
      return NULL;
    }
  return lookup.addresses;
}

static gboolean
sd_run_connect (SdRun   *run,
                GList   *addresses,
                GError **error)
{
  guint16 port = sd_settings_get_port (run->settings);
  guint timeout_s = sd_run_timeout_s (run);
  g_autoptr(GError) last = NULL;

  sd_run_enter (run, SD_STAGE_CONNECT);
  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (l->data, port);
      g_autofree char *text = g_inet_address_to_string (l->data);
      g_autoptr(GSocket) socket = NULL;

      g_clear_error (&last);
      /* Translators: an IP address and a port number. */
      sd_run_emitf (run, SD_DIRECTION_INFO, _("Connecting to %s port %u"), text, port);
      socket = g_socket_new (g_inet_address_get_family (l->data), G_SOCKET_TYPE_STREAM,
                             G_SOCKET_PROTOCOL_TCP, &last);
      if (socket == NULL)
        continue;
      g_socket_set_timeout (socket, timeout_s);
      if (!g_socket_connect (socket, address, run->cancellable, &last))
        {
          /* Translators: an IP address, a port number, then the system's error. */
          sd_run_emitf (run, SD_DIRECTION_WARNING, _("%s port %u: %s"), text, port,
                        last->message);
          if (last->domain == G_IO_ERROR)
            run->report->connect_error = last->code;
          if (g_error_matches (last, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            break;
          continue;
        }

      run->conn = sd_connection_new (socket, timeout_s);
      run->report->address = g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV6
                             ? g_strdup_printf ("[%s]:%u", text, port)
                             : g_strdup_printf ("%s:%u", text, port);
      /* Translators: an address and port such as 192.0.2.1:587. */
      sd_run_emitf (run, SD_DIRECTION_INFO, _("Connected to %s"), run->report->address);
      return TRUE;
    }

  if (g_error_matches (last, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_TIMEOUT,
                 /* Translators: a host name, a port number and a number of seconds. */
                 _("No answer from %s port %u within %u s (a firewall may drop the packets)"),
                 run->settings->host, port, timeout_s);
  else if (g_error_matches (last, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_CANCELLED,
                 _("Cancelled while connecting"));
  else
    g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_CONNECT,
                 /* Translators: a host name, a port number, then the system's error. */
                 _("Cannot connect to %s port %u: %s"), run->settings->host, port,
                 last ? last->message : _("no address"));
  return FALSE;
}

static gboolean
sd_run_tls (SdRun   *run,
            GError **error)
{
  GError *local = NULL;
  g_autoptr(SdTls) tls = NULL;
  SdTlsInfo *info;
  SdCertInfo *leaf;

  sd_run_enter (run, SD_STAGE_TLS);
  tls = sd_tls_new_client (sd_connection_get_socket (run->conn), run->settings->host,
                           run->settings->tls_ca_file, &local);
  if (tls == NULL)
    {
      sd_run_set_io_error (error, local, _("setting up TLS"));
      return FALSE;
    }

  sd_run_emit (run, SD_DIRECTION_INFO, FALSE, _("Starting the TLS handshake"));
  sd_tls_set_handshake_timeout (tls, sd_run_timeout_s (run));
  if (!sd_tls_handshake (tls, run->cancellable, &local))
    {
      sd_run_set_io_error (error, local, _("negotiating TLS"));
      return FALSE;
    }

  info = sd_tls_get_info (tls);
  run->encrypted = TRUE;
  /* Translators: the TLS version (TLS1.3), then the cipher suite. */
  sd_run_emitf (run, SD_DIRECTION_INFO, _("TLS established: %s, %s"), info->version,
                info->cipher);
  leaf = info->chain->len > 0 ? info->chain->pdata[0] : NULL;
  if (leaf != NULL)
    /* Translators: the certificate's subject, its issuer, its expiry date (ISO 8601) and
     * its SHA-256 fingerprint. */
    sd_run_emitf (run, SD_DIRECTION_INFO,
                  _("Certificate: %s, issued by %s, valid until %s, SHA-256 %s"),
                  leaf->subject, leaf->issuer, leaf->not_after, leaf->sha256);

  if (!sd_tls_check_peer (tls, run->settings->tls_verify, run->settings->tls_pin, &local))
    {
      run->report->tls = sd_tls_info_copy (info);
      sd_run_set_io_error (error, local, _("checking the certificate"));
      sd_tls_close (tls, NULL);
      return FALSE;
    }

  switch (run->settings->tls_verify)
    {
    case SD_TLS_VERIFY:
      sd_run_emit (run, SD_DIRECTION_INFO, FALSE,
                   _("Certificate verified: trusted, and valid for this server name"));
      break;
    case SD_TLS_ACCEPT_ANY:
      sd_run_emitf (run, SD_DIRECTION_WARNING,
                    /* Translators: %s is why the certificate is not trusted. “accept-any”
                     * is a setting's value: keep it. */
                    _("Certificate NOT verified (accept-any): %s. The connection is "
                      "encrypted but the server is not authenticated"),
                    info->verify_error ? info->verify_error : _("it passed the checks made"));
      break;
    case SD_TLS_PIN:
      sd_run_emit (run, SD_DIRECTION_INFO, FALSE,
                   _("Certificate matches the pinned SHA-256 fingerprint"));
      break;
    default:
      g_assert_not_reached ();
    }

  run->report->tls = sd_tls_info_copy (info);
  sd_connection_set_tls (run->conn, g_steal_pointer (&tls));
  /* Nothing from before the handshake may be trusted (RFC 3207 4.2). */
  g_clear_pointer (&run->parser, sd_reply_parser_free);
  run->parser = sd_reply_parser_new ();
  run->caps = NULL;
  return TRUE;
}

static gboolean
sd_run_greeting (SdRun   *run,
                 GError **error)
{
  g_autoptr(SdReply) reply = NULL;

  sd_run_enter (run, SD_STAGE_GREETING);
  /* Translators: fills “waiting for the reply to %s”. */
  reply = sd_run_read_reply (run, _("the connection (greeting)"), error);
  if (reply == NULL)
    return FALSE;
  run->report->banner = sd_reply_dup_text (reply);
  if (reply->code != 220)
    {
      sd_run_set_reply_error (run, error, SD_SESSION_ERROR_REJECTED, reply,
                              _("The server refused the connection"));
      sd_run_quit_quietly (run);
      return FALSE;
    }
  return TRUE;
}

static const char *
sd_run_ehlo_name (SdRun *run)
{
  return run->settings->ehlo_name != NULL ? run->settings->ehlo_name : "localhost";
}

static gboolean
sd_run_ehlo (SdRun   *run,
             GError **error)
{
  g_autofree char *command = g_strdup_printf ("EHLO %s", sd_run_ehlo_name (run));
  g_autoptr(SdReply) reply = NULL;
  SdCapabilities **slot = run->encrypted ? &run->report->caps_after_tls
                                         : &run->report->caps_before_tls;

  sd_run_enter (run, SD_STAGE_EHLO);
  if (!sd_run_send (run, command, error))
    return FALSE;
  reply = sd_run_read_reply (run, "EHLO", error);
  if (reply == NULL)
    return FALSE;

  if (reply->code != 250)
    {
      gboolean no_credentials = g_strcmp0 (run->settings->auth, "none") == 0 ||
                                run->settings->user == NULL || *run->settings->user == '\0';
      gboolean may_helo = run->settings->security == SD_SECURITY_NONE && no_credentials &&
                          reply->code >= 500 && reply->code != 554;
      if (!may_helo)
        {
          sd_run_set_reply_error (run, error,
                                  reply->code == 421 || reply->code == 554
                                    ? SD_SESSION_ERROR_REJECTED : SD_SESSION_ERROR_PROTOCOL,
                                  reply, _("The server refused EHLO"));
          sd_run_quit_quietly (run);
          return FALSE;
        }

      /* An old server: plain HELO has no extensions, so no TLS and no AUTH. */
      g_clear_pointer (&reply, sd_reply_free);
      g_free (command);
      command = g_strdup_printf ("HELO %s", sd_run_ehlo_name (run));
      sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                   _("EHLO refused; trying HELO (no extensions)"));
      if (!sd_run_send (run, command, error))
        return FALSE;
      reply = sd_run_read_reply (run, "HELO", error);
      if (reply == NULL)
        return FALSE;
      if (reply->code != 250)
        {
          sd_run_set_reply_error (run, error, SD_SESSION_ERROR_REJECTED, reply,
                                  _("The server refused HELO"));
          sd_run_quit_quietly (run);
          return FALSE;
        }
      g_clear_pointer (&reply->lines, g_ptr_array_unref);
      reply->lines = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (reply->lines, g_strdup ("250 HELO"));
    }

  g_clear_pointer (slot, sd_capabilities_free);
  *slot = sd_capabilities_new_from_reply (reply);
  run->caps = *slot;
  return TRUE;
}

static gboolean
sd_run_starttls (SdRun   *run,
                 GError **error)
{
  g_autoptr(SdReply) reply = NULL;
  gsize injected;

  if (!run->caps->starttls)
    {
      if (run->settings->security == SD_SECURITY_STARTTLS_OPTIONAL)
        {
          sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                       /* Translators: “starttls-optional” is a setting's value: keep it. */
                       _("The server does not offer STARTTLS: continuing WITHOUT encryption "
                         "(starttls-optional)"));
          return TRUE;
        }
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_TLS,
                   _("The server does not offer STARTTLS, and the security mode requires "
                     "it. Nothing else was sent (no credentials, no mail)"));
      sd_run_quit_quietly (run);
      return FALSE;
    }

  sd_run_enter (run, SD_STAGE_STARTTLS);
  if (!sd_run_send (run, "STARTTLS", error))
    return FALSE;
  reply = sd_run_read_reply (run, "STARTTLS", error);
  if (reply == NULL)
    return FALSE;
  injected = sd_reply_parser_get_pending (run->parser);
  if (reply->code != 220 && injected > 0)
    {
      /* Replies to commands we never sent (curl's CVE-2021-22947 case). */
      sd_run_set_reply_error (run, error, SD_SESSION_ERROR_PROTOCOL, reply,
                              _("The server refused STARTTLS and sent replies to commands "
                                "that were never sent (response injection); aborted"));
      return FALSE;
    }
  if (reply->code != 220)
    {
      sd_run_set_reply_error (run, error, SD_SESSION_ERROR_TLS, reply,
                              _("The server refused STARTTLS"));
      sd_run_quit_quietly (run);
      return FALSE;
    }

  /* Anything after the 220 was written by someone before TLS protects it: a reply to a
   * command we haven't sent (response injection, CVE-2011-0411 and kin). */
  if (injected > 0 || sd_connection_has_pending (run->conn))
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_PROTOCOL,
                   _("The server sent more data right after its 220 reply to STARTTLS "
                     "(before TLS started). This is a response-injection attack or a broken "
                     "server; the session was aborted before the TLS handshake"));
      return FALSE;
    }

  return sd_run_tls (run, error);
}

/* g_base64_decode() skips garbage silently; a challenge that is not clean base64 is
 * refused instead (RFC 4954 4: the client cancels with "*"). */
static GBytes *
sd_base64_decode_strict (const char *text)
{
  gsize len = strlen (text);
  gsize padding = 0;
  guchar *data;

  if (len % 4 != 0)
    return NULL;
  /* Up to two '=' and only at the end: g_base64_decode() would stop at an inner one. */
  while (padding < len && text[len - 1 - padding] == '=')
    padding++;
  if (padding > 2)
    return NULL;
  for (gsize i = 0; i < len - padding; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return NULL;
  if (len == 0)
    return g_bytes_new (NULL, 0);
  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

/* The decoded 334 text, or what the mechanism makes of it: NTLM's type 2 facts, an
 * OAuth error (which the report keeps for the hints). */
static void
sd_run_show_challenge (SdRun  *run,
                       SdAuth *auth,
                       GBytes *challenge)
{
  g_autofree char *described = sd_auth_describe_challenge (auth, challenge);
  g_autofree char *status = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *schemes = NULL;
  gsize len;
  const char *data;

  if (sd_auth_mechanism_get_credential (sd_auth_get_mechanism (auth)) == SD_AUTH_CREDENTIAL_TOKEN &&
      sd_auth_oauth_error_parse (challenge, &status, &scope, &schemes))
    {
      SdReport *report = run->report;
      g_free (report->auth_oauth_status);
      report->auth_oauth_status = g_steal_pointer (&status);
      g_free (report->auth_oauth_scope);
      report->auth_oauth_scope = g_steal_pointer (&scope);
      g_free (report->auth_oauth_schemes);
      report->auth_oauth_schemes = g_steal_pointer (&schemes);
    }

  if (described != NULL)
    {
      sd_run_emit (run, SD_DIRECTION_INFO, FALSE, described);
      return;
    }

  data = g_bytes_get_data (challenge, &len);
  {
    /* An empty challenge has no data at all (PLAIN without initial response). */
    g_autofree char *text = len > 0 ? g_strndup (data, len) : g_strdup ("");
    g_autofree char *escaped = g_strescape (text, NULL);
    /* Translators: %s is the server's text, decoded from base64. */
    sd_run_emitf (run, SD_DIRECTION_INFO, _("Server challenge, decoded: \"%s\""), escaped);
  }
}


/* What the access token says about itself (the common reasons for a bare 535 5.7.3),
 * in the transcript and for the hints; the token itself never goes anywhere. */
static void
sd_run_check_token (SdRun      *run,
                    const char *token)
{
  const SdSettings *settings = run->settings;
  SdJwtFor purpose = g_strcmp0 (settings->oauth_provider, "microsoft") == 0 ? SD_JWT_FOR_EXCHANGE
                     : settings->oauth_provider == NULL ? SD_JWT_FOR_ISSUER : SD_JWT_FOR_ANY;
  g_autoptr(SdJwtInfo) info = sd_jwt_inspect (token, purpose, settings->oauth_tenant,
                                              g_get_real_time () / G_USEC_PER_SEC);

  for (guint i = 0; i < info->warnings->len; i++)
    sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                 ((SdJwtWarning *) info->warnings->pdata[i])->message);
  g_strfreev (run->report->auth_token_facts);
  run->report->auth_token_facts = info->warnings->len > 0 ? sd_jwt_info_dup_facts (info) : NULL;
}

/* Whether credentials may go out on this connection at all; if not, says why and
 * quits. */
static gboolean
sd_run_auth_allowed (SdRun   *run,
                     GError **error)
{
  const SdSettings *settings = run->settings;

  if (run->caps->auth->len == 0)
    {
      const char *where;

      if (run->encrypted)
        where = _("The server offers no authentication (AUTH) after STARTTLS, but "
                  "credentials were given");
      else if (run->report->caps_before_tls && run->settings->security == SD_SECURITY_NONE)
        where = _("The server offers no authentication (AUTH) on this unencrypted "
                  "connection (many servers offer it only after STARTTLS), but credentials "
                  "were given");
      else
        where = _("The server offers no authentication (AUTH) on this connection, but "
                  "credentials were given");
      g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH, where);
      sd_run_quit_quietly (run);
      return FALSE;
    }

  if (run->encrypted && !run->report->tls->verified &&
      settings->tls_verify == SD_TLS_ACCEPT_ANY && !settings->allow_plaintext_auth)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH,
                   _("Refusing to send credentials: the certificate was not verified "
                     "(accept-any), so anyone in the middle could read them. Pin the "
                     "certificate's SHA-256 (shown above) or trust its CA, or allow it "
                     "explicitly with the plaintext-authentication option"));
      sd_run_quit_quietly (run);
      return FALSE;
    }

  if (!run->encrypted && !settings->allow_plaintext_auth)
    {
      g_autofree char *offered = sd_capabilities_dup_auth_string (run->caps);
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH,
                   /* Translators: %s lists mechanisms such as “PLAIN LOGIN”. */
                   _("Refusing to send credentials without TLS (the server offers AUTH %s "
                     "in clear text). Use STARTTLS or implicit TLS, or allow plaintext "
                     "authentication explicitly"), offered);
      sd_run_quit_quietly (run);
      return FALSE;
    }
  return TRUE;
}

/* The mechanism asked for, or with "auto" the best one offered for what we have. */
static const char *
sd_run_auth_pick (SdRun   *run,
                  GError **error)
{
  const SdSettings *settings = run->settings;
  g_autofree char *reason = NULL;
  const char *mechanism;
  SdAuthHave have;

  if (g_strcmp0 (settings->auth, "auto") != 0)
    {
      if (!sd_capabilities_has_auth (run->caps, settings->auth))
        sd_run_emitf (run, SD_DIRECTION_WARNING,
                      /* Translators: %s is an AUTH mechanism such as LOGIN. */
                      _("The server does not offer %s; trying it anyway as asked"),
                      settings->auth);
      return settings->auth;
    }

  have = (settings->password != NULL ? SD_AUTH_HAVE_PASSWORD : 0) |
         (settings->oauth_token != NULL ? SD_AUTH_HAVE_TOKEN : 0);
  mechanism = sd_auth_pick_full (run->caps, run->encrypted, have, &reason);
  if (mechanism == NULL)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH, "%s", reason);
      sd_run_quit_quietly (run);
      return NULL;
    }
  sd_run_emit (run, SD_DIRECTION_INFO, FALSE, reason);
  return mechanism;
}

/* The mechanism's client, with the password or the token it needs. */
static SdAuth *
sd_run_auth_new (SdRun       *run,
                 const char  *mechanism,
                 GError     **error)
{
  const SdSettings *settings = run->settings;
  gboolean token = sd_auth_mechanism_get_credential (mechanism) == SD_AUTH_CREDENTIAL_TOKEN;
  const char *secret = token ? settings->oauth_token : settings->password;
  SdAuth *auth;
  GError *local = NULL;

  if (secret == NULL)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                   /* Translators: %s is an AUTH mechanism such as XOAUTH2; the options
                    * are command-line options: keep them. */
                   token
                   ? _("%s needs an access token (--oauth-token-env or --oauth-token-file)")
                   /* Translators: %s is an AUTH mechanism such as LOGIN. */
                   : _("%s needs a password"), mechanism);
      sd_run_quit_quietly (run);
      return NULL;
    }
  auth = sd_auth_new (mechanism, settings->user, secret, &local);
  if (auth == NULL)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  if (token)
    sd_run_check_token (run, secret);
  return auth;
}

/* "AUTH mechanism", with the initial response when it fits on the line. */
static gboolean
sd_run_auth_send_command (SdRun   *run,
                          SdAuth  *auth,
                          GError **error)
{
  g_autoptr(GBytes) ir = NULL;
  g_autofree char *ir_shown = NULL;
  g_autofree char *command = NULL;
  g_autofree char *command_shown = NULL;
  const char *mechanism = sd_auth_get_mechanism (auth);
  gboolean sent;

  ir = sd_auth_initial_response (auth, &ir_shown);
  if (ir != NULL)
    {
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (ir, NULL), g_bytes_get_size (ir));
      /* An empty initial response is sent as "=" (RFC 4954 4). */
      command = g_strdup_printf ("AUTH %s %s", mechanism, *b64 ? b64 : "=");
      sd_secret_wipe (b64, strlen (b64));
      if (strlen (command) > SD_MAX_IR_LINE)
        {
          sd_secret_free (g_steal_pointer (&command));
          g_clear_pointer (&ir, g_bytes_unref);
          sd_auth_initial_response_dropped (auth);
        }
    }
  if (command == NULL)
    command = g_strdup_printf ("AUTH %s", mechanism);
  command_shown = ir != NULL ? g_strdup_printf ("AUTH %s [%s]", mechanism, ir_shown) : NULL;

  {
    const char *lines[] = { command, NULL };
    const char *shown[] = { command_shown, NULL };
    sent = sd_run_send_group (run, lines, shown, error);
  }
  sd_secret_free (g_steal_pointer (&command));
  return sent;
}

/* Cancels the exchange with "*" (RFC 4954 4) after @error was set; always FALSE. */
static gboolean
sd_run_auth_cancel (SdRun *run)
{
  g_autoptr(SdReply) cancel_reply = NULL;

  if (sd_run_send (run, "*", NULL))
    cancel_reply = sd_run_read_reply (run, "AUTH cancel", NULL);
  return FALSE;
}

/* Answers one 334 challenge. */
static gboolean
sd_run_auth_answer (SdRun          *run,
                    SdAuth         *auth,
                    const SdReply  *reply,
                    guint           step,
                    GError        **error)
{
  g_autofree char *response_shown = NULL;
  g_autofree char *b64 = NULL;
  g_autofree char *shown_line = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) response = NULL;
  GError *local = NULL;
  gboolean sent;

  challenge = sd_base64_decode_strict (sd_reply_get_text (reply, 0));
  if (challenge == NULL || step >= SD_MAX_AUTH_STEPS)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH,
                   challenge != NULL
                   ? _("The server keeps sending AUTH challenges; cancelled")
                   : _("The server's AUTH challenge is not valid base64; cancelled"));
      return sd_run_auth_cancel (run);
    }
  sd_run_show_challenge (run, auth, challenge);

  response = sd_auth_step (auth, challenge, &response_shown, &local);
  if (response == NULL)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH,
                   /* Translators: %s says why, e.g. the server's NTLM challenge is
                    * malformed. */
                   _("Authentication cancelled: %s"), local->message);
      g_error_free (local);
      return sd_run_auth_cancel (run);
    }

  b64 = g_base64_encode (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
  shown_line = g_strdup_printf ("[%s]", response_shown);
  {
    const char *lines[] = { b64, NULL };
    const char *shown[] = { shown_line, NULL };
    sent = sd_run_send_group (run, lines, shown, error);
  }
  sd_secret_wipe (b64, strlen (b64));
  return sent;
}

static gboolean
sd_run_auth (SdRun   *run,
             GError **error)
{
  const SdSettings *settings = run->settings;
  const char *mechanism;
  g_autoptr(SdAuth) auth = NULL;
  g_autoptr(SdReply) reply = NULL;

  if (g_strcmp0 (settings->auth, "none") == 0)
    return TRUE;
  if (settings->user == NULL || *settings->user == '\0')
    {
      sd_run_emit (run, SD_DIRECTION_INFO, FALSE, _("No user name given: not authenticating"));
      return TRUE;
    }

  sd_run_enter (run, SD_STAGE_AUTH);
  if (!sd_run_auth_allowed (run, error))
    return FALSE;
  mechanism = sd_run_auth_pick (run, error);
  if (mechanism == NULL)
    return FALSE;
  auth = sd_run_auth_new (run, mechanism, error);
  if (auth == NULL)
    return FALSE;
  if (!run->encrypted)
    sd_run_emitf (run, SD_DIRECTION_WARNING,
                  /* Translators: %s is an AUTH mechanism such as LOGIN. */
                  _("Sending credentials WITHOUT encryption (%s), as explicitly allowed"),
                  sd_auth_get_mechanism (auth));
  run->report->auth_mechanism = g_strdup (sd_auth_get_mechanism (auth));
  if (!sd_run_auth_send_command (run, auth, error))
    return FALSE;

  for (guint step = 0; ; step++)
    {
      g_clear_pointer (&reply, sd_reply_free);
      reply = sd_run_read_reply (run, "AUTH", error);
      if (reply == NULL)
        return FALSE;
      if (reply->code != 334)
        break;
      if (!sd_run_auth_answer (run, auth, reply, step, error))
        return FALSE;
    }

  if (reply->code != 235)
    {
      sd_run_set_reply_error (run, error, SD_SESSION_ERROR_AUTH, reply,
                              _("Authentication failed"));
      sd_run_quit_quietly (run);
      return FALSE;
    }
  /* Translators: the user name, then the AUTH mechanism (LOGIN, NTLM…). */
  sd_run_emitf (run, SD_DIRECTION_INFO, _("Authenticated as %s with %s"),
                settings->user, sd_auth_get_mechanism (auth));
  return TRUE;
}

static GBytes *
sd_run_build_message (SdRun *run)
{
  const SdSettings *settings = run->settings;
  SdMessageSpec spec = { 0 };

  if (settings->eml != NULL)
    return sd_message_normalize_crlf (settings->eml);

  spec.from = settings->from;
  spec.to = (const char * const *) settings->to;
  spec.subject = settings->subject ? settings->subject : "";
  spec.body = settings->body ? settings->body : "";
  spec.eightbit = run->caps->eightbitmime;
  return sd_message_build (&spec);
}

static void
sd_run_show_message (SdRun  *run,
                     GBytes *message)
{
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  const char *end = data + len;
  guint shown = 0, total = 0;

  for (const char *p = data; p < end;)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *next = eol ? eol + 1 : end;
      gsize line_len = (eol ? eol : end) - p;

      if (line_len > 0 && p[line_len - 1] == '\r')
        line_len--;
      if (shown < SD_MAX_SHOWN_BODY)
        {
          g_autofree char *line = g_strndup (p, line_len);
          sd_run_emit (run, SD_DIRECTION_SENT, FALSE, line);
          shown++;
        }
      total++;
      p = next;
    }
  if (total > shown)
    sd_run_emitf (run, SD_DIRECTION_INFO,
                  g_dngettext (GETTEXT_PACKAGE, "(%u more message line not shown)",
                               "(%u more message lines not shown)", total - shown),
                  total - shown);
}

static SdRecipientResult *
sd_recipient_result_new (const char *address)
{
  SdRecipientResult *result = g_new0 (SdRecipientResult, 1);
  result->address = g_strdup (address);
  return result;
}

/* One mail transaction, shared by its steps. */
typedef struct {
  gboolean   pipelining;
  gboolean   chunking;
  gboolean   with_data;
  guint      n_to;
  GBytes    *message;
  GPtrArray *group;           /* commands that go out in one write */
  SdReply   *mail_reply;
  SdReply   *data_reply;
  guint      accepted;
  guint      first_rejected;  /* G_MAXUINT: none yet */
  gboolean  *quit_sent;
} SdTransaction;

static void
sd_transaction_clear (SdTransaction *t)
{
  g_clear_pointer (&t->message, g_bytes_unref);
  g_clear_pointer (&t->group, g_ptr_array_unref);
  g_clear_pointer (&t->mail_reply, sd_reply_free);
  g_clear_pointer (&t->data_reply, sd_reply_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SdTransaction, sd_transaction_clear)

static void
sd_transaction_init (SdTransaction *t,
                     SdRun         *run,
                     gboolean      *quit_sent)
{
  const SdSettings *settings = run->settings;
  gboolean stop_after_mail = settings->has_quit_after && settings->quit_after == SD_STAGE_MAIL;
  gboolean stop_after_rcpt = settings->has_quit_after && settings->quit_after == SD_STAGE_RCPT;

  t->pipelining = run->caps->pipelining && settings->pipelining == SD_PIPELINING_AUTO;
  t->with_data = !stop_after_mail && !stop_after_rcpt;
  /* BDAT pays off only inside a pipelined group; alone, DATA is as quick. */
  t->chunking = run->caps->chunking && t->with_data && t->pipelining;
  t->n_to = g_strv_length (settings->to);
  t->group = g_ptr_array_new_with_free_func (g_free);
  t->first_rejected = G_MAXUINT;
  t->quit_sent = quit_sent;
}

static void
sd_transaction_count (SdTransaction *t,
                      guint          i,
                      const SdReply *reply)
{
  if (t->mail_reply->code == 250 && (reply->code == 250 || reply->code == 251))
    t->accepted++;
  else if (t->first_rejected == G_MAXUINT)
    t->first_rejected = i;
}

/* The server refused the transaction: the error quotes @reply, and QUIT goes out unless
 * it already went. Always FALSE. */
static gboolean
sd_run_refused (SdRun         *run,
                SdTransaction *t,
                const SdReply *reply,
                const char    *message,
                GError       **error)
{
  sd_run_set_reply_error (run, error, SD_SESSION_ERROR_REJECTED, reply, message);
  if (!*t->quit_sent)
    sd_run_quit_quietly (run);
  return FALSE;
}

static gboolean
sd_run_mail_refused (SdRun         *run,
                     SdTransaction *t,
                     GError       **error)
{
  sd_run_enter (run, SD_STAGE_MAIL);
  return sd_run_refused (run, t, t->mail_reply, _("The sender was refused"), error);
}

static gboolean
sd_run_data_refused (SdRun         *run,
                     SdTransaction *t,
                     GError       **error)
{
  return sd_run_refused (run, t, t->data_reply, _("The message was refused"), error);
}

/* "MAIL FROM:<...>" with the parameters the message and the server call for. */
static char *
sd_run_mail_command (SdRun  *run,
                     GBytes *message)
{
  const SdSettings *settings = run->settings;
  const SdCapabilities *caps = run->caps;
  GString *mail = g_string_new (NULL);
  gboolean eightbit = sd_message_has_8bit (message);

  if (eightbit && !caps->eightbitmime)
    sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                 _("The message has 8-bit bytes but the server does not offer 8BITMIME"));
  if (sd_message_longest_line (message) > SD_MESSAGE_MAX_LINE)
    sd_run_emitf (run, SD_DIRECTION_WARNING,
                  /* Translators: %d is the limit, 998. */
                  _("The message has a line longer than %d octets; servers may reject it"),
                  SD_MESSAGE_MAX_LINE);

  g_string_printf (mail, "MAIL FROM:<%s>", settings->from);
  if (caps->has_size)
    g_string_append_printf (mail, " SIZE=%" G_GSIZE_FORMAT, g_bytes_get_size (message));
  if (eightbit && caps->eightbitmime)
    g_string_append (mail, " BODY=8BITMIME");
  if (!g_str_is_ascii (settings->from) && caps->smtputf8)
    g_string_append (mail, " SMTPUTF8");
  return g_string_free (mail, FALSE);
}

/* Sends the group's commands and empties it. */
static gboolean
sd_run_send_queued (SdRun      *run,
                    GPtrArray  *group,
                    GError    **error)
{
  g_ptr_array_add (group, NULL);
  if (!sd_run_send_group (run, (const char **) group->pdata, NULL, error))
    return FALSE;
  g_ptr_array_set_size (group, 0);
  return TRUE;
}

static SdRecipientResult *
sd_run_add_recipient (SdRun         *run,
                      SdTransaction *t,
                      const char    *address)
{
  SdRecipientResult *result = sd_recipient_result_new (address);

  g_ptr_array_add (run->report->recipients, result);
  g_ptr_array_add (t->group, g_strdup_printf ("RCPT TO:<%s>", address));
  return result;
}

/* Without PIPELINING the group holds one command at a time. */
static gboolean
sd_run_envelope_lockstep (SdRun         *run,
                          SdTransaction *t,
                          GError       **error)
{
  if (!sd_run_send_queued (run, t->group, error))
    return FALSE;
  t->mail_reply = sd_run_read_reply (run, "MAIL FROM", error);
  if (t->mail_reply == NULL)
    return FALSE;
  if (t->mail_reply->code != 250)
    return sd_run_mail_refused (run, t, error);

  for (guint i = 0; i < t->n_to; i++)
    {
      SdRecipientResult *result = sd_run_add_recipient (run, t, run->settings->to[i]);

      if (i == 0)
        sd_run_enter (run, SD_STAGE_RCPT);
      if (!sd_run_send_queued (run, t->group, error))
        return FALSE;
      result->reply = sd_run_read_reply (run, "RCPT TO", error);
      if (result->reply == NULL)
        return FALSE;
      sd_transaction_count (t, i, result->reply);
    }
  return TRUE;
}

/* BDAT's payload rides in the same write as the envelope, then QUIT: one round trip. */
static gboolean
sd_run_send_chunked (SdRun         *run,
                     SdTransaction *t,
                     GError       **error)
{
  g_autoptr(GString) bdat = g_string_new (NULL);
  GError *local = NULL;
  gsize len;
  const char *data = g_bytes_get_data (t->message, &len);

  for (guint i = 0; t->group->pdata[i] != NULL; i++)
    sd_run_emit (run, SD_DIRECTION_SENT, FALSE, t->group->pdata[i]);
  sd_run_show_message (run, t->message);
  sd_run_emit (run, SD_DIRECTION_SENT, FALSE, "QUIT");
  for (guint i = 0; t->group->pdata[i] != NULL; i++)
    g_string_append_printf (bdat, "%s\r\n", (char *) t->group->pdata[i]);
  g_string_append_len (bdat, data, len);
  g_string_append (bdat, "QUIT\r\n");
  if (!sd_connection_write_all (run->conn, bdat->str, bdat->len, run->cancellable, &local))
    {
      sd_run_set_io_error (error, local, _("sending"));
      return FALSE;
    }
  *t->quit_sent = TRUE;
  return TRUE;
}

/* With PIPELINING: MAIL, every RCPT and DATA (or BDAT) in one group, then the replies. */
static gboolean
sd_run_envelope_pipelined (SdRun         *run,
                           SdTransaction *t,
                           GError       **error)
{
  for (guint i = 0; i < t->n_to; i++)
    sd_run_add_recipient (run, t, run->settings->to[i]);
  if (t->with_data && t->chunking)
    g_ptr_array_add (t->group, g_strdup_printf ("BDAT %" G_GSIZE_FORMAT " LAST",
                                                g_bytes_get_size (t->message)));
  else if (t->with_data)
    g_ptr_array_add (t->group, g_strdup ("DATA"));
  g_ptr_array_add (t->group, NULL);

  if (t->chunking ? !sd_run_send_chunked (run, t, error)
                  : !sd_run_send_group (run, (const char **) t->group->pdata, NULL, error))
    return FALSE;

  t->mail_reply = sd_run_read_reply (run, "MAIL FROM", error);
  if (t->mail_reply == NULL)
    return FALSE;
  sd_run_enter (run, SD_STAGE_RCPT);
  for (guint i = 0; i < t->n_to; i++)
    {
      SdRecipientResult *result = run->report->recipients->pdata[i];
      result->reply = sd_run_read_reply (run, "RCPT TO", error);
      if (result->reply == NULL)
        return FALSE;
      sd_transaction_count (t, i, result->reply);
    }
  if (t->with_data)
    {
      sd_run_enter (run, SD_STAGE_DATA);
      t->data_reply = sd_run_read_reply (run, t->chunking ? "BDAT" : "DATA", error);
      if (t->data_reply == NULL)
        return FALSE;
    }
  if (t->mail_reply->code != 250)
    return sd_run_mail_refused (run, t, error);
  return TRUE;
}

/* Warns about each refused recipient; fails when none was accepted. */
static gboolean
sd_run_check_recipients (SdRun         *run,
                         SdTransaction *t,
                         GError       **error)
{
  SdRecipientResult *result;

  for (guint i = 0; i < t->n_to; i++)
    {
      result = run->report->recipients->pdata[i];
      if (result->reply != NULL && result->reply->code != 250 && result->reply->code != 251)
        {
          g_autofree char *text = sd_reply_dup_text (result->reply);
          /* Translators: the address, the reply code, then the server's text. */
          sd_run_emitf (run, SD_DIRECTION_WARNING, _("Recipient %s refused: %u %s"),
                        result->address, result->reply->code, text);
        }
    }
  if (t->accepted > 0)
    return TRUE;

  result = run->report->recipients->pdata[t->first_rejected];
  if (t->data_reply != NULL && t->data_reply->code == 354)
    {
      /* The server waits for a message; end it empty so it can answer QUIT. */
      g_autoptr(SdReply) end_reply = NULL;
      if (sd_run_send (run, ".", NULL))
        /* Translators: fills “waiting for the reply to %s”. */
        end_reply = sd_run_read_reply (run, _("end of data"), NULL);
    }
  sd_run_enter (run, SD_STAGE_RCPT);
  return sd_run_refused (run, t, result->reply,
                         t->n_to == 1 ? _("The recipient was refused")
                                      : _("Every recipient was refused"), error);
}

/* After 354: the dot-stuffed message and its final dot (and, pipelined, QUIT). */
static gboolean
sd_run_send_message (SdRun         *run,
                     SdTransaction *t,
                     GError       **error)
{
  g_autoptr(GBytes) stuffed = sd_message_dot_stuff (t->message);
  g_autoptr(GString) wire = g_string_new_len (g_bytes_get_data (stuffed, NULL),
                                              g_bytes_get_size (stuffed));
  GError *local = NULL;

  sd_run_show_message (run, t->message);
  sd_run_emit (run, SD_DIRECTION_SENT, FALSE, ".");
  /* With PIPELINING, QUIT may follow the final dot in the same write. */
  if (t->pipelining)
    {
      sd_run_emit (run, SD_DIRECTION_SENT, FALSE, "QUIT");
      g_string_append (wire, "QUIT\r\n");
      *t->quit_sent = TRUE;
    }
  if (!sd_connection_write_all (run->conn, wire->str, wire->len, run->cancellable, &local))
    {
      sd_run_set_io_error (error, local, _("sending the message"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sd_run_data (SdRun         *run,
             SdTransaction *t,
             GError       **error)
{
  if (!t->pipelining)
    {
      sd_run_enter (run, SD_STAGE_DATA);
      if (!sd_run_send (run, "DATA", error))
        return FALSE;
      t->data_reply = sd_run_read_reply (run, "DATA", error);
      if (t->data_reply == NULL)
        return FALSE;
    }
  if (t->chunking)
    return t->data_reply->code == 250 || sd_run_data_refused (run, t, error);
  if (t->data_reply->code != 354)
    return sd_run_data_refused (run, t, error);

  if (!sd_run_send_message (run, t, error))
    return FALSE;
  g_clear_pointer (&t->data_reply, sd_reply_free);
  /* Translators: fills “waiting for the reply to %s”. */
  t->data_reply = sd_run_read_reply (run, _("the message"), error);
  if (t->data_reply == NULL)
    return FALSE;
  if (t->data_reply->code != 250)
    return sd_run_data_refused (run, t, error);
  return TRUE;
}

/* MAIL, RCPT, DATA or BDAT: with PIPELINING one group and one round trip, with CHUNKING
 * the message and QUIT travel in that same group. */
static gboolean
sd_run_transaction (SdRun    *run,
                    gboolean *quit_sent,
                    GError  **error)
{
  g_auto(SdTransaction) t = { 0 };

  sd_transaction_init (&t, run, quit_sent);
  t.message = sd_run_build_message (run);
  g_ptr_array_add (t.group, sd_run_mail_command (run, t.message));

  run->report->pipelining_used = t.pipelining;
  run->report->chunking_used = t.chunking;
  sd_run_enter (run, SD_STAGE_MAIL);

  if (t.pipelining ? !sd_run_envelope_pipelined (run, &t, error)
                   : !sd_run_envelope_lockstep (run, &t, error))
    return FALSE;
  if (!sd_run_check_recipients (run, &t, error))
    return FALSE;
  if (!t.with_data)
    return TRUE;
  return sd_run_data (run, &t, error);
}

static gboolean
sd_run_quit (SdRun    *run,
             gboolean  quit_sent,
             GError  **error)
{
  g_autoptr(SdReply) reply = NULL;
  g_autoptr(GError) local = NULL;
  SdReply *last = g_steal_pointer (&run->report->reply);

  sd_run_enter (run, SD_STAGE_QUIT);
  if (!quit_sent && !sd_run_send (run, "QUIT", &local))
    sd_run_emitf (run, SD_DIRECTION_WARNING, _("Could not send QUIT: %s"), local->message);
  else if ((reply = sd_run_read_reply (run, "QUIT", &local)) == NULL)
    sd_run_emitf (run, SD_DIRECTION_WARNING, _("No reply to QUIT: %s"), local->message);
  /* The report keeps the last reply that mattered (the message's 250), not QUIT's. */
  g_clear_pointer (&run->report->reply, sd_reply_free);
  run->report->reply = last;
  return TRUE;
}

static gboolean
sd_run_stops_after (SdRun   *run,
                    SdStage  stage)
{
  return run->settings->has_quit_after && run->settings->quit_after == stage;
}

static gboolean
sd_run_steps (SdRun   *run,
              GError **error)
{
  const SdSettings *settings = run->settings;
  g_autolist(GInetAddress) addresses = NULL;
  gboolean quit_sent = FALSE;

  addresses = sd_run_resolve (run, error);
  if (addresses == NULL)
    return FALSE;
  if (!sd_run_connect (run, addresses, error))
    return FALSE;
  if (sd_run_stops_after (run, SD_STAGE_CONNECT))
    return TRUE;

  run->parser = sd_reply_parser_new ();
  if (settings->security == SD_SECURITY_TLS && !sd_run_tls (run, error))
    return FALSE;
  if (!sd_run_greeting (run, error))
    return FALSE;
  if (sd_run_stops_after (run, SD_STAGE_GREETING))
    return sd_run_quit (run, FALSE, error);

  if (!sd_run_ehlo (run, error))
    return FALSE;
  if (sd_run_stops_after (run, SD_STAGE_EHLO))
    return sd_run_quit (run, FALSE, error);

  if (settings->security == SD_SECURITY_STARTTLS ||
      settings->security == SD_SECURITY_STARTTLS_OPTIONAL)
    {
      if (!sd_run_starttls (run, error))
        return FALSE;
      if (run->encrypted && !sd_run_ehlo (run, error))
        return FALSE;
    }
  if (sd_run_stops_after (run, SD_STAGE_TLS) || sd_run_stops_after (run, SD_STAGE_STARTTLS))
    return sd_run_quit (run, FALSE, error);

  if (!sd_run_auth (run, error))
    return FALSE;
  if (sd_run_stops_after (run, SD_STAGE_AUTH))
    return sd_run_quit (run, FALSE, error);

  if (!sd_run_transaction (run, &quit_sent, error))
    return FALSE;
  if (settings->has_quit_after && settings->quit_after == SD_STAGE_DATA)
    return sd_run_quit (run, quit_sent, error);
  return sd_run_quit (run, quit_sent, error);
}

SdReport *
sd_session_run (SdSession    *self,
                GCancellable *cancellable,
                SdEventFunc   func,
                gpointer      user_data)
{
  SdRun run = { 0 };
  GError *error = NULL;

  g_return_val_if_fail (SD_IS_SESSION (self), NULL);

  run.settings = self->settings;
  run.cancellable = cancellable;
  run.report = sd_report_new ();
  run.stage_t0 = g_get_monotonic_time ();
  sd_event_sink_init (&run.sink, run.report->events, run.stage_t0, func, user_data);
  run.report->host = g_strdup (self->settings->host);
  run.report->port = sd_settings_get_port (self->settings);
  run.report->security = g_strdup (sd_security_to_string (self->settings->security));
  run.report->credentials_given = self->settings->user != NULL && *self->settings->user != '\0' &&
                                  g_strcmp0 (self->settings->auth, "none") != 0;

  if (!sd_settings_validate (self->settings, &error))
    {
      run.report->error = error;
      sd_run_emit (&run, SD_DIRECTION_ERROR, FALSE, error->message);
      return run.report;
    }

  run.report->ok = sd_run_steps (&run, &error);
  sd_run_close_timing (&run);
  if (!run.report->ok)
    {
      run.report->error = error;
      sd_run_emit (&run, SD_DIRECTION_ERROR, FALSE, error->message);
    }
  else
    sd_run_emit (&run, SD_DIRECTION_INFO, FALSE,
                 self->settings->has_quit_after ? _("Done: stopped where asked")
                                                : _("Done: the message was accepted"));

  if (run.conn != NULL)
    sd_connection_close (run.conn);
  g_clear_pointer (&run.conn, sd_connection_free);
  g_clear_pointer (&run.parser, sd_reply_parser_free);
  return run.report;
}

/* --- running on a worker thread -------------------------------------------------- */

static gboolean
sd_session_flush (gpointer user_data)
{
  SdSession *self = user_data;
  g_autoptr(GPtrArray) batch = NULL;

  g_mutex_lock (&self->lock);
  batch = g_steal_pointer (&self->pending);
  g_clear_pointer (&self->flush_source, g_source_unref);
  g_mutex_unlock (&self->lock);

  if (batch != NULL && batch->len > 0)
    g_signal_emit (self, signals[SIGNAL_EVENTS], 0, batch);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker: queue a copy; at most one flush is scheduled at a time, so the
 * main context gets the events in batches rather than one wake-up per line. */
static void
sd_session_queue_event (const SdEvent *event,
                        gpointer       user_data)
{
  SdSession *self = user_data;

  g_mutex_lock (&self->lock);
  if (self->pending == NULL)
    self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_event_free);
  g_ptr_array_add (self->pending, sd_event_copy (event));
  if (self->flush_source == NULL)
    {
      self->flush_source = g_idle_source_new ();
      g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->flush_source, sd_session_flush,
                             g_object_ref (self), g_object_unref);
      g_source_attach (self->flush_source, self->context);
    }
  g_mutex_unlock (&self->lock);
}

static void
sd_session_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SdSession *self = source_object;
  SdReport *report = sd_session_run (self, cancellable, sd_session_queue_event, self);

  g_task_return_pointer (task, report, (GDestroyNotify) sd_report_free);
}

void
sd_session_run_async (SdSession           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_SESSION (self));

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_session_run_async);
  /* A cancelled session still has a report (CANCELLED, and the transcript so far). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, sd_session_thread);
}

SdReport *
sd_session_run_finish (SdSession    *self,
                       GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  /* Whatever the worker queued last is delivered before the report. */
  g_mutex_lock (&self->lock);
  if (self->flush_source != NULL)
    g_source_destroy (self->flush_source);
  g_mutex_unlock (&self->lock);
  sd_session_flush (self);

  return g_task_propagate_pointer (G_TASK (result), NULL);
}

/* --- GObject --------------------------------------------------------------------- */

SdSession *
sd_session_new (const SdSettings *settings)
{
  SdSession *self = g_object_new (SD_TYPE_SESSION, NULL);
  self->settings = sd_settings_copy (settings);
  return self;
}

static void
sd_session_finalize (GObject *object)
{
  SdSession *self = SD_SESSION (object);

  g_clear_pointer (&self->settings, sd_settings_free);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  if (self->flush_source != NULL)
    g_source_destroy (self->flush_source);
  g_clear_pointer (&self->flush_source, g_source_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sd_session_parent_class)->finalize (object);
}

static void
sd_session_class_init (SdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_session_finalize;

  /**
   * SdSession::events:
   * @events: (element-type SdEvent): new transcript lines, in order
   */
  signals[SIGNAL_EVENTS] =
    g_signal_new ("events", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
sd_session_init (SdSession *self)
{
  g_mutex_init (&self->lock);
}
