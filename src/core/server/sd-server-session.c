/* sd-server-session.c: one connection to the built-in server: reading lines, queueing
 * replies, the command loop, and the session's start and end
 *
 * Runs on a pool thread; reads block, bounded by the idle timeout and the server's
 * GCancellable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-server-private.h"

/* --- one session ----------------------------------------------------------------- */

static void
session_on_event (const SdEvent *event,
                  gpointer       user_data)
{
  Session *s = user_data;

  _sd_server_queue_event (s->server, s->info->id, event);
}

void
_sd_server_emit (Session     *s,
                 SdDirection  direction,
                 gboolean     redacted,
                 const char  *text)
{
  sd_event_sink_emit (&s->sink, s->stage, s->tls, direction, redacted, text);
}

void
_sd_server_emitf (Session     *s,
                  SdDirection  direction,
                  const char  *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  sd_event_sink_emitv (&s->sink, s->stage, s->tls, direction, format, args);
  va_end (args);
}

void
_sd_server_set_end (Session    *s,
                    const char *reason)
{
  if (s->info->end_reason == NULL)
    s->info->end_reason = g_strdup (reason);
}

static gboolean
is_eof_error (const GError *error)
{
  return g_error_matches (error, SD_TLS_ERROR, SD_TLS_ERROR_EOF) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
}

/* Sends the queued replies: pipelined commands get their replies in one write. */
gboolean
_sd_server_flush_replies (Session *s)
{
  g_autoptr(GError) error = NULL;

  if (s->out->len == 0)
    return TRUE;
  if (!sd_connection_write_all (s->conn, s->out->str, s->out->len, s->server->cancellable, &error))
    {
      g_string_truncate (s->out, 0);
      if (!is_eof_error (error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _sd_server_emitf (s, SD_DIRECTION_ERROR, _("Sending failed: %s"), error->message);
      _sd_server_set_end (s, "write failed");
      return FALSE;
    }
  g_string_truncate (s->out, 0);
  return TRUE;
}

/* Queues one reply; "\n" separates the lines of a multi-line reply. */
Step
_sd_server_reply (Session    *s,
                  const char *lines)
{
  g_auto(GStrv) split = g_strsplit (lines, "\n", -1);

  for (guint i = 0; split[i] != NULL; i++)
    {
      g_string_append (s->out, split[i]);
      g_string_append (s->out, "\r\n");
      _sd_server_emit (s, SD_DIRECTION_SENT, FALSE, split[i]);
    }
  return STEP_CONTINUE;
}

Step
_sd_server_replyf (Session    *s,
                   const char *format,
                   ...)
{
  g_autofree char *lines = NULL;
  va_list args;

  va_start (args, format);
  lines = g_strdup_vprintf (format, args);
  va_end (args);
  return _sd_server_reply (s, lines);
}

/* A goodbye: the reply goes out now and the session ends. */
Step
_sd_server_close_with (Session    *s,
                       const char *lines,
                       const char *reason)
{
  _sd_server_reply (s, lines);
  _sd_server_flush_replies (s);
  _sd_server_set_end (s, reason);
  return STEP_CLOSE;
}

/* The read timeout now: the idle timeout, or less while the client owes us its EHLO or
 * the rest of a command line (a slow drip cannot hold a slot for long). */
static guint
session_read_timeout (Session *s)
{
  gint64 now = g_get_monotonic_time ();
  gint64 until = now + (gint64) s->cfg->idle_timeout_s * G_USEC_PER_SEC;

  if (!s->greeted && s->greeting_deadline < until)
    until = s->greeting_deadline;
  if (s->line_deadline != 0 && s->line_deadline < until)
    until = s->line_deadline;
  return until <= now ? 1 : (guint) ((until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

static void
session_timed_out (Session *s)
{
  gint64 now = g_get_monotonic_time ();

  if (!s->greeted && now >= s->greeting_deadline)
    {
      /* Translators: %u is a number of seconds. */
      _sd_server_emitf (s, SD_DIRECTION_WARNING, _("No EHLO or HELO from the client within %u s"),
                        s->cfg->greeting_timeout_s);
      _sd_server_close_with (s, "421 4.4.2 Timeout waiting for EHLO, closing connection",
                             "greeting timeout");
    }
  else if (s->line_deadline != 0 && now >= s->line_deadline)
    {
      /* Translators: %u is a number of seconds. */
      _sd_server_emitf (s, SD_DIRECTION_WARNING, _("A command line took longer than %u s"),
                        s->cfg->command_timeout_s);
      _sd_server_close_with (s, "421 4.4.2 Command too slow, closing connection",
                             "command timeout");
    }
  else
    {
      /* Translators: %u is a number of seconds. */
      _sd_server_emitf (s, SD_DIRECTION_WARNING, _("Nothing from the client for %u s"),
                        s->cfg->idle_timeout_s);
      _sd_server_close_with (s, "421 4.4.2 Idle timeout, closing connection", "idle timeout");
    }
}

/* Blocks for more input (after sending what is queued). FALSE when the session must end;
 * the reason is recorded and, for a timeout, the client is told. */
gboolean
_sd_server_fill (Session *s)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[SD_SERVER_READ_SIZE];
  gssize n;

  if (!_sd_server_flush_replies (s))
    return FALSE;
  if (g_get_monotonic_time () > s->deadline)
    {
      _sd_server_close_with (s, "421 4.4.2 Session too long, closing connection",
                             "session too long");
      return FALSE;
    }

  g_socket_set_timeout (sd_connection_get_socket (s->conn), session_read_timeout (s));
  n = sd_connection_read (s->conn, (char *) buffer, sizeof buffer, s->server->cancellable, &error);
  if (n > 0)
    {
      g_byte_array_append (s->in, buffer, n);
      return TRUE;
    }
  if (n == 0 || is_eof_error (error))
    {
      _sd_server_emit (s, SD_DIRECTION_INFO, FALSE, _("The client closed the connection"));
      _sd_server_set_end (s, "closed");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    session_timed_out (s);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The server is stopping: a courtesy goodbye, which may well fail. */
      g_autoptr(GError) ignored = NULL;
      static const char bye[] = "421 4.3.2 Server shutting down\r\n";
      _sd_server_emit (s, SD_DIRECTION_SENT, FALSE, "421 4.3.2 Server shutting down");
      g_socket_set_timeout (sd_connection_get_socket (s->conn), 1);
      sd_connection_write_all (s->conn, bye, strlen (bye), NULL, &ignored);
      _sd_server_set_end (s, "server stopped");
    }
  else
    {
      _sd_server_emitf (s, SD_DIRECTION_ERROR, _("Receiving failed: %s"), error->message);
      _sd_server_set_end (s, "read failed");
    }
  return FALSE;
}

/* The next line without CRLF. Memory stays within max_line + one read: a longer line is
 * dropped as it arrives, up to its end. */
LineResult
_sd_server_read_line (Session  *s,
                      char    **line,
                      gsize    *length)
{
  gboolean dropping = FALSE;
  gsize scanned = 0;

  *line = NULL;
  for (;;)
    {
      guint8 *lf = s->in->len > scanned ? memchr (s->in->data + scanned, '\n', s->in->len - scanned)
                                        : NULL;
      if (lf != NULL)
        {
          gsize len = lf - s->in->data;
          gboolean cr = len > 0 && lf[-1] == '\r';

          s->line_deadline = 0;
          if (dropping || len > s->cfg->max_line)
            {
              g_byte_array_remove_range (s->in, 0, len + 1);
              return LINE_TOO_LONG;
            }
          if (!cr)
            s->info->bare_lf = TRUE;
          *length = cr ? len - 1 : len;
          *line = g_strndup ((const char *) s->in->data, *length);
          g_byte_array_remove_range (s->in, 0, len + 1);
          return LINE_OK;
        }
      if (s->in->len > s->cfg->max_line)
        {
          dropping = TRUE;
          g_byte_array_set_size (s->in, 0);
        }
      scanned = s->in->len;
      if ((s->in->len > 0 || dropping) && s->line_deadline == 0)
        s->line_deadline = g_get_monotonic_time () +
                           (gint64) s->cfg->command_timeout_s * G_USEC_PER_SEC;
      if (!_sd_server_fill (s))
        return LINE_END;
    }
}

void
_sd_server_reset_transaction (Session *s)
{
  s->in_transaction = FALSE;
  g_clear_pointer (&s->mail_from, g_free);
  g_clear_pointer (&s->mail_params, g_free);
  g_ptr_array_set_size (s->rcpt, 0);
  g_ptr_array_set_size (s->rcpt_params, 0);
  s->body_8bit = FALSE;
}

gboolean
_sd_server_auth_available (Session *s)
{
  return s->cfg->accept_any_auth || s->cfg->accounts->len > 0 || _sd_server_gssapi_offered (s);
}

gboolean
_sd_server_starttls_available (Session *s)
{
  return s->cfg->starttls && !s->tls && s->server->cert_pem != NULL;
}

char *
_sd_server_expand (Session    *s,
                   const char *template,
                   const char *recipient)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = template; *p != '\0'; p++)
    {
      if (*p != '%' || p[1] == '\0')
        {
          g_string_append_c (out, *p);
          continue;
        }
      switch (*++p)
        {
        case 'h': g_string_append (out, s->cfg->hostname); break;
        case 'c': g_string_append (out, s->info->ehlo_name ? s->info->ehlo_name : ""); break;
        case 'i': g_string_append (out, s->peer_ip); break;
        case 'r': g_string_append (out, recipient ? recipient : ""); break;
        case 'd':
          {
            g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
            /* RFC 5322 date in English whatever the locale: C names by hand. */
            static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
            static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
            g_string_append_printf (out, "%s, %d %s %d %02d:%02d:%02d +0000",
                                    days[g_date_time_get_day_of_week (now) - 1],
                                    g_date_time_get_day_of_month (now),
                                    months[g_date_time_get_month (now) - 1],
                                    g_date_time_get_year (now), g_date_time_get_hour (now),
                                    g_date_time_get_minute (now), g_date_time_get_second (now));
            break;
          }
        default: g_string_append_c (out, '%'); g_string_append_c (out, *p); break;
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The connection's start: connect-stage faults, TLS for implicit TLS, the greeting
 * (or the greeting's fault). FALSE when the session ends here. */
static gboolean
session_greet (Session *s,
               gboolean implicit_tls)
{
  Step step = STEP_CONTINUE;
  g_autofree char *greeting = NULL;

  if (_sd_server_apply_fault (s, SD_FAULT_CONNECT, &step) && step != STEP_CONTINUE)
    return FALSE;
  if (implicit_tls && _sd_server_start_tls (s) != STEP_CONTINUE)
    return FALSE;
  s->stage = SD_STAGE_GREETING;
  s->greeting_deadline = g_get_monotonic_time () +
                         (gint64) s->cfg->greeting_timeout_s * G_USEC_PER_SEC;
  if (_sd_server_apply_fault (s, SD_FAULT_GREETING, &step))
    return step == STEP_CONTINUE;
  greeting = _sd_server_expand (s, s->server->connector->greeting, NULL);
  _sd_server_replyf (s, "220 %s", greeting);
  return TRUE;
}

/* --- dispatch ---------------------------------------------------------------------- */

/* The stage a fault for @verb is set at; SD_FAULT_N_STAGES for none. AUTH applies its
 * own, once its line is shown without secrets. */
static SdFaultStage
verb_fault_stage (const char *verb)
{
  static const struct { const char *verb; SdFaultStage stage; } map[] = {
    { "EHLO", SD_FAULT_EHLO }, { "HELO", SD_FAULT_EHLO }, { "STARTTLS", SD_FAULT_STARTTLS },
    { "MAIL", SD_FAULT_MAIL }, { "RCPT", SD_FAULT_RCPT }, { "DATA", SD_FAULT_DATA },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (verb, map[i].verb))
      return map[i].stage;
  return SD_FAULT_N_STAGES;
}

static Step
session_dispatch (Session    *s,
                  const char *line)
{
  const char *space = strchr (line, ' ');
  g_autofree char *verb = g_ascii_strup (line, space != NULL ? space - line : -1);
  const char *args = space != NULL && space[1] != '\0' ? space + 1 : NULL;
  SdFaultStage fault_stage = verb_fault_stage (verb);
  Step step;

  /* AUTH shows its own line, with the secrets replaced. */
  if (!g_str_equal (verb, "AUTH"))
    _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, line);
  if (fault_stage != SD_FAULT_N_STAGES && _sd_server_apply_fault (s, fault_stage, &step))
    return step;

  if (g_str_equal (verb, "EHLO") || g_str_equal (verb, "HELO"))
    return _sd_server_do_ehlo (s, verb, args);
  if (g_str_equal (verb, "STARTTLS"))
    return _sd_server_do_starttls (s, args);
  if (g_str_equal (verb, "AUTH"))
    return _sd_server_do_auth (s, args);
  if (g_str_equal (verb, "MAIL"))
    return _sd_server_do_mail (s, line);
  if (g_str_equal (verb, "RCPT"))
    return _sd_server_do_rcpt (s, line);
  if (g_str_equal (verb, "DATA"))
    return _sd_server_do_data (s, args);
  if (g_str_equal (verb, "RSET"))
    {
      _sd_server_reset_transaction (s);
      return _sd_server_reply (s, "250 2.0.0 Ok");
    }
  if (g_str_equal (verb, "NOOP"))
    return _sd_server_reply (s, "250 2.0.0 Ok");
  if (g_str_equal (verb, "VRFY"))
    return _sd_server_reply (s, "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery");
  if (g_str_equal (verb, "HELP"))
    return _sd_server_reply (s, "214-2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA\n"
                                "214 2.0.0 RSET NOOP VRFY HELP QUIT");
  if (g_str_equal (verb, "QUIT"))
    {
      s->stage = SD_STAGE_QUIT;
      s->info->client_quit = TRUE;
      return _sd_server_close_with (s, "221 2.0.0 Bye", "quit");
    }
  return _sd_server_reply (s, "500 5.5.2 Error: command not recognized");
}

static void
session_loop (Session *s)
{
  Step step = STEP_CONTINUE;

  while (step == STEP_CONTINUE)
    {
      g_autofree char *line = NULL;
      gsize len = 0;
      LineResult result = _sd_server_read_line (s, &line, &len);

      if (result == LINE_END)
        break;
      if (++s->n_commands > s->cfg->max_commands)
        {
          step = _sd_server_close_with (s, "421 4.7.0 Too many commands, closing connection",
                                        "too many commands");
          break;
        }
      if (result == LINE_TOO_LONG)
        {
          _sd_server_emitf (s, SD_DIRECTION_RECEIVED,
                            g_dngettext (GETTEXT_PACKAGE, "[a line longer than %u byte, dropped]",
                                         "[a line longer than %u bytes, dropped]",
                                         s->cfg->max_line),
                            s->cfg->max_line);
          step = _sd_server_reply (s, "500 5.5.2 Error: line too long");
          continue;
        }
      if (memchr (line, '\0', len) != NULL)
        {
          _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, _("[a line with a NUL byte]"));
          step = _sd_server_reply (s, "500 5.5.2 Error: NUL byte in command");
          continue;
        }
      step = session_dispatch (s, line);
    }
  _sd_server_flush_replies (s);
}

static char *
address_to_string (GSocketAddress *address,
                   char          **ip)
{
  GInetAddress *inet;
  g_autofree char *text = NULL;
  guint16 port;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    {
      *ip = g_strdup ("?");
      return g_strdup ("?");
    }
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  text = g_inet_address_to_string (inet);
  *ip = g_strdup (text);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", text, port);
  return g_strdup_printf ("%s:%u", text, port);
}

void
_sd_server_run_session (gpointer data,
                        gpointer user_data)
{
  Job *job = data;
  SdServer *self = user_data;
  Session s = { 0 };
  g_autoptr(GSocketAddress) remote = NULL;
  Item *item;

  s.server = self;
  s.cfg = self->config;
  s.gconn = job->connection;
  s.deadline = g_get_monotonic_time () + (gint64) SD_SERVER_MAX_SESSION_S * G_USEC_PER_SEC;
  s.stage = SD_STAGE_CONNECT;
  s.in = g_byte_array_new ();
  s.out = g_string_new (NULL);
  s.rcpt = g_ptr_array_new_with_free_func (g_free);
  s.rcpt_params = g_ptr_array_new_with_free_func (g_free);
  s.info = g_new0 (SdServerSession, 1);
  s.info->id = job->id;
  s.info->implicit_tls = job->implicit_tls;
  s.info->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_event_free);
  s.info->mail_from = g_ptr_array_new_with_free_func (g_free);
  sd_event_sink_init (&s.sink, s.info->events, g_get_monotonic_time (), session_on_event, &s);

  remote = g_socket_connection_get_remote_address (job->connection, NULL);
  s.info->peer = remote != NULL ? address_to_string (remote, &s.peer_ip)
                                : (s.peer_ip = g_strdup ("?"), g_strdup ("?"));

  item = g_new0 (Item, 1);
  item->kind = ITEM_STARTED;
  item->id = job->id;
  item->peer = g_strdup (s.info->peer);
  _sd_server_queue (self, item);

  s.conn = sd_connection_new (g_socket_connection_get_socket (job->connection),
                              self->config->idle_timeout_s);
  /* Translators: %s is the client's address and port (192.0.2.7:50123). */
  _sd_server_emitf (&s, SD_DIRECTION_INFO,
                    job->implicit_tls ? _("Connection from %s (implicit TLS)")
                                      : _("Connection from %s"), s.info->peer);

  if (session_greet (&s, job->implicit_tls))
    session_loop (&s);
  _sd_server_set_end (&s, "closed");

  if (s.tls && s.info->client_quit)
    sd_tls_close (sd_connection_get_tls (s.conn), NULL);
  g_clear_pointer (&s.conn, sd_connection_free);
  g_io_stream_close (G_IO_STREAM (job->connection), NULL, NULL);
  /* Translators: %s is a short reason in English (quit, closed, idle timeout…), the
   * same word as in the JSON output. */
  _sd_server_emitf (&s, SD_DIRECTION_INFO, _("Session ended (%s)"), s.info->end_reason);

  s.info->hints = sd_server_session_hints (s.info, self->config);
  item = g_new0 (Item, 1);
  item->kind = ITEM_FINISHED;
  item->id = job->id;
  item->session = g_steal_pointer (&s.info);

  g_mutex_lock (&self->lock);
  _sd_server_release_slot_locked (self, job->ip);
  g_queue_push_tail (&self->items, item);
  _sd_server_schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);

  _sd_server_reset_transaction (&s);
  g_ptr_array_unref (s.rcpt);
  g_ptr_array_unref (s.rcpt_params);
  g_byte_array_unref (s.in);
  g_string_free (s.out, TRUE);
  g_free (s.auth_user);
  g_free (s.peer_ip);
  g_object_unref (job->connection);
  g_free (job->ip);
  g_free (job);
}
