/* sd-session-connect.c: from the host name to an EHLO answered, with STARTTLS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-session-private.h"

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
GList *
_sd_run_resolve (SdRun   *run,
                 GError **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timer = NULL;
  SdLookup lookup = { NULL, NULL, FALSE };
  gulong handler = 0;
  guint timeout_s = _sd_run_timeout_s (run);

  _sd_run_enter (run, SD_STAGE_RESOLVE);
  {
    const char *given = run->settings->connect_address != NULL
                        ? run->settings->connect_address : run->settings->host;
    g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (given);
    if (literal != NULL)
      return g_list_append (NULL, g_steal_pointer (&literal));
  }

  /* Translators: %s is the server's host name. */
  _sd_run_emitf (run, SD_DIRECTION_INFO, _("Looking up %s"), run->settings->host);
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

gboolean
_sd_run_connect (SdRun   *run,
                 GList   *addresses,
                 GError **error)
{
  guint16 port = sd_settings_get_port (run->settings);
  guint timeout_s = _sd_run_timeout_s (run);
  g_autoptr(GError) last = NULL;

  _sd_run_enter (run, SD_STAGE_CONNECT);
  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (l->data, port);
      g_autofree char *text = g_inet_address_to_string (l->data);
      g_autoptr(GSocket) socket = NULL;

      g_clear_error (&last);
      /* Translators: an IP address and a port number. */
      _sd_run_emitf (run, SD_DIRECTION_INFO, _("Connecting to %s port %u"), text, port);
      socket = g_socket_new (g_inet_address_get_family (l->data), G_SOCKET_TYPE_STREAM,
                             G_SOCKET_PROTOCOL_TCP, &last);
      if (socket == NULL)
        continue;
      g_socket_set_timeout (socket, timeout_s);
      if (!g_socket_connect (socket, address, run->cancellable, &last))
        {
          /* Translators: an IP address, a port number, then the system's error. */
          _sd_run_emitf (run, SD_DIRECTION_WARNING, _("%s port %u: %s"), text, port,
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
      _sd_run_emitf (run, SD_DIRECTION_INFO, _("Connected to %s"), run->report->address);
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

gboolean
_sd_run_tls (SdRun   *run,
             GError **error)
{
  GError *local = NULL;
  g_autoptr(SdTls) tls = NULL;
  SdTlsInfo *info;
  SdCertInfo *leaf;

  _sd_run_enter (run, SD_STAGE_TLS);
  tls = sd_tls_new_client (sd_connection_get_socket (run->conn), run->settings->host,
                           run->settings->tls_ca_file, &local);
  if (tls == NULL)
    {
      _sd_run_set_io_error (error, local, _("setting up TLS"));
      return FALSE;
    }

  if (run->settings->tls_priority != NULL &&
      !sd_tls_set_priority (tls, run->settings->tls_priority, &local))
    {
      _sd_run_set_io_error (error, local, _("setting up TLS"));
      return FALSE;
    }
  _sd_run_emit (run, SD_DIRECTION_INFO, FALSE, _("Starting the TLS handshake"));
  sd_tls_set_handshake_timeout (tls, _sd_run_timeout_s (run));
  if (!sd_tls_handshake (tls, run->cancellable, &local))
    {
      _sd_run_set_io_error (error, local, _("negotiating TLS"));
      return FALSE;
    }

  info = sd_tls_get_info (tls);
  run->encrypted = TRUE;
  /* Translators: the TLS version (TLS1.3), then the cipher suite. */
  _sd_run_emitf (run, SD_DIRECTION_INFO, _("TLS established: %s, %s"), info->version,
                 info->cipher);
  leaf = info->chain->len > 0 ? info->chain->pdata[0] : NULL;
  if (leaf != NULL)
    /* Translators: the certificate's subject, its issuer, its expiry date (ISO 8601) and
     * its SHA-256 fingerprint. */
    _sd_run_emitf (run, SD_DIRECTION_INFO,
                   _("Certificate: %s, issued by %s, valid until %s, SHA-256 %s"),
                   leaf->subject, leaf->issuer, leaf->not_after, leaf->sha256);

  if (!sd_tls_check_peer (tls, run->settings->tls_verify, run->settings->tls_pin, &local))
    {
      run->report->tls = sd_tls_info_copy (info);
      _sd_run_set_io_error (error, local, _("checking the certificate"));
      sd_tls_close (tls, NULL);
      return FALSE;
    }

  switch (run->settings->tls_verify)
    {
    case SD_TLS_VERIFY:
      _sd_run_emit (run, SD_DIRECTION_INFO, FALSE,
                    _("Certificate verified: trusted, and valid for this server name"));
      break;
    case SD_TLS_ACCEPT_ANY:
      _sd_run_emitf (run, SD_DIRECTION_WARNING,
                     /* Translators: %s is why the certificate is not trusted. “accept-any”
                      * is a setting's value: keep it. */
                     _("Certificate NOT verified (accept-any): %s. The connection is "
                       "encrypted but the server is not authenticated"),
                     info->verify_error ? info->verify_error : _("it passed the checks made"));
      break;
    case SD_TLS_PIN:
      _sd_run_emit (run, SD_DIRECTION_INFO, FALSE,
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

/* Seconds the TLS probe after a missing greeting may take at most. */
#define SD_TLS_PROBE_S 5

/* No greeting in time: an implicit-TLS port (465, or any port set up so) waits for the
 * client's ClientHello and never greets in plain text. Send one on the same connection:
 * a completed handshake means the port speaks TLS at once. Only recorded and shown; the
 * certificate is not checked and nothing is sent inside. */
static void
sd_run_probe_tls (SdRun *run)
{
  g_autoptr(SdTls) tls = NULL;
  g_autoptr(GError) local = NULL;

  tls = sd_tls_new_client (sd_connection_get_socket (run->conn), run->settings->host,
                           NULL, &local);
  if (tls == NULL)
    return;
  _sd_run_emit (run, SD_DIRECTION_INFO, FALSE,
                _("No greeting: trying whether this port answers a TLS handshake instead"));
  sd_tls_set_handshake_timeout (tls, MIN (_sd_run_timeout_s (run), SD_TLS_PROBE_S));
  if (!sd_tls_handshake (tls, run->cancellable, &local))
    {
      /* Translators: %s is the TLS layer's error. */
      _sd_run_emitf (run, SD_DIRECTION_INFO, _("No TLS answer either: %s"), local->message);
      return;
    }
  run->report->tls_at_once = TRUE;
  _sd_run_emitf (run, SD_DIRECTION_WARNING,
                 /* Translators: %u is a port number; “tls” is a setting's value: keep it. */
                 _("Port %u answered a TLS handshake: it speaks TLS at once (implicit TLS) "
                   "and sends no plain greeting. Use security “tls” for it"),
                 sd_settings_get_port (run->settings));
  sd_tls_close (tls, NULL);
}

gboolean
_sd_run_greeting (SdRun   *run,
                  GError **error)
{
  g_autoptr(SdReply) reply = NULL;
  GError *local = NULL;

  _sd_run_enter (run, SD_STAGE_GREETING);
  /* Translators: fills “waiting for the reply to %s”. */
  reply = _sd_run_read_reply (run, _("the connection (greeting)"), &local);
  if (reply == NULL)
    {
      if (!run->encrypted && g_error_matches (local, SD_SESSION_ERROR, SD_SESSION_ERROR_TIMEOUT))
        sd_run_probe_tls (run);
      g_propagate_error (error, local);
      return FALSE;
    }
  run->report->banner = sd_reply_dup_text (reply);
  if (reply->code != 220)
    {
      _sd_run_set_reply_error (run, error, SD_SESSION_ERROR_REJECTED, reply,
                               _("The server refused the connection"));
      _sd_run_quit_quietly (run);
      return FALSE;
    }
  return TRUE;
}

static const char *
sd_run_ehlo_name (SdRun *run)
{
  return run->settings->ehlo_name != NULL ? run->settings->ehlo_name : "localhost";
}

gboolean
_sd_run_ehlo (SdRun   *run,
              GError **error)
{
  g_autofree char *command = g_strdup_printf ("EHLO %s", sd_run_ehlo_name (run));
  g_autoptr(SdReply) reply = NULL;
  SdCapabilities **slot = run->encrypted ? &run->report->caps_after_tls
                                         : &run->report->caps_before_tls;

  _sd_run_enter (run, SD_STAGE_EHLO);
  if (!_sd_run_send (run, command, error))
    return FALSE;
  reply = _sd_run_read_reply (run, "EHLO", error);
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
          _sd_run_set_reply_error (run, error,
                                   reply->code == 421 || reply->code == 554
                                     ? SD_SESSION_ERROR_REJECTED : SD_SESSION_ERROR_PROTOCOL,
                                   reply, _("The server refused EHLO"));
          _sd_run_quit_quietly (run);
          return FALSE;
        }

      /* An old server: plain HELO has no extensions, so no TLS and no AUTH. */
      g_clear_pointer (&reply, sd_reply_free);
      g_free (command);
      command = g_strdup_printf ("HELO %s", sd_run_ehlo_name (run));
      _sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                    _("EHLO refused; trying HELO (no extensions)"));
      if (!_sd_run_send (run, command, error))
        return FALSE;
      reply = _sd_run_read_reply (run, "HELO", error);
      if (reply == NULL)
        return FALSE;
      if (reply->code != 250)
        {
          _sd_run_set_reply_error (run, error, SD_SESSION_ERROR_REJECTED, reply,
                                   _("The server refused HELO"));
          _sd_run_quit_quietly (run);
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

gboolean
_sd_run_starttls (SdRun   *run,
                  GError **error)
{
  g_autoptr(SdReply) reply = NULL;
  gsize injected;

  if (!run->caps->starttls)
    {
      if (run->settings->security == SD_SECURITY_STARTTLS_OPTIONAL)
        {
          _sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                        /* Translators: “starttls-optional” is a setting's value: keep it. */
                        _("The server does not offer STARTTLS: continuing WITHOUT encryption "
                          "(starttls-optional)"));
          return TRUE;
        }
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_TLS,
                   _("The server does not offer STARTTLS, and the security mode requires "
                     "it. Nothing else was sent (no credentials, no mail)"));
      _sd_run_quit_quietly (run);
      return FALSE;
    }

  _sd_run_enter (run, SD_STAGE_STARTTLS);
  if (!_sd_run_send (run, "STARTTLS", error))
    return FALSE;
  reply = _sd_run_read_reply (run, "STARTTLS", error);
  if (reply == NULL)
    return FALSE;
  injected = sd_reply_parser_get_pending (run->parser);
  if (reply->code != 220 && injected > 0)
    {
      /* Replies to commands we never sent (curl's CVE-2021-22947 case). */
      _sd_run_set_reply_error (run, error, SD_SESSION_ERROR_PROTOCOL, reply,
                               _("The server refused STARTTLS and sent replies to commands "
                                 "that were never sent (response injection); aborted"));
      return FALSE;
    }
  if (reply->code != 220)
    {
      _sd_run_set_reply_error (run, error, SD_SESSION_ERROR_TLS, reply,
                               _("The server refused STARTTLS"));
      _sd_run_quit_quietly (run);
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

  return _sd_run_tls (run, error);
}
