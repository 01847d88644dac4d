/* sd-session-io.c: a run's events, errors, and what goes over the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-session-private.h"

/* --- events --------------------------------------------------------------------- */

void
_sd_run_emit (SdRun       *run,
              SdDirection  direction,
              gboolean     redacted,
              const char  *text)
{
  sd_event_sink_emit (&run->sink, run->report->stage, run->encrypted, direction, redacted, text);
}

void
_sd_run_emitf (SdRun       *run,
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
void
_sd_run_enter (SdRun   *run,
               SdStage  stage)
{
  gint64 now = g_get_monotonic_time ();
  gint64 *timing = &run->report->timings_us[run->report->stage];

  *timing = MAX (*timing, 0) + (now - run->stage_t0);
  run->report->stage = stage;
  run->stage_t0 = now;
  run->report->timings_us[stage] = MAX (run->report->timings_us[stage], 0);
}

void
_sd_run_close_timing (SdRun *run)
{
  _sd_run_enter (run, run->report->stage);
}

guint
_sd_run_timeout_s (SdRun *run)
{
  return run->settings->timeout_s ? run->settings->timeout_s : SD_DEFAULT_TIMEOUT_S;
}

/* --- errors ---------------------------------------------------------------------- */

/* Maps what the network layers say onto our codes, keeping their words. */
void
_sd_run_set_io_error (GError     **error,
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

void
_sd_run_set_reply_error (SdRun          *run,
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
gboolean
_sd_run_send_group (SdRun        *run,
                    const char  **lines,
                    const char  **shown,
                    GError      **error)
{
  g_autoptr(GString) wire = g_string_new (NULL);
  GError *local = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean secret = shown != NULL && shown[i] != NULL;
      _sd_run_emit (run, SD_DIRECTION_SENT, secret, secret ? shown[i] : lines[i]);
      g_string_append (wire, lines[i]);
      g_string_append (wire, "\r\n");
    }

  if (!sd_connection_write_all (run->conn, wire->str, wire->len, run->cancellable, &local))
    {
      /* The password may still sit in @wire: wipe it before the string is freed. */
      memset (wire->str, 0, wire->len);
      _sd_run_set_io_error (error, local, _("sending"));
      return FALSE;
    }
  memset (wire->str, 0, wire->len);
  return TRUE;
}

gboolean
_sd_run_send (SdRun       *run,
              const char  *line,
              GError     **error)
{
  const char *lines[] = { line, NULL };
  return _sd_run_send_group (run, lines, NULL, error);
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
          _sd_run_set_io_error (error, local, doing);
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
          _sd_run_set_io_error (error, local, doing);
          return NULL;
        }
    }

  for (guint i = 0; i < reply->lines->len; i++)
    _sd_run_emit (run, SD_DIRECTION_RECEIVED, FALSE, reply->lines->pdata[i]);
  g_clear_pointer (&run->report->reply, sd_reply_free);
  run->report->reply = sd_reply_copy (reply);
  return reply;
}

SdReply *
_sd_run_read_reply (SdRun       *run,
                    const char  *waiting_for,
                    GError     **error)
{
  return sd_run_read_reply_within (run, waiting_for, _sd_run_timeout_s (run), error);
}

/* After a refusal the server should still hear QUIT; whatever happens is only shown. */
void
_sd_run_quit_quietly (SdRun *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdReply) reply = NULL;
  SdReply *failing = g_steal_pointer (&run->report->reply);

  if (run->conn != NULL && !g_cancellable_is_cancelled (run->cancellable))
    {
      if (_sd_run_send (run, "QUIT", &error))
        reply = sd_run_read_reply_within (run, "QUIT", 2, &error);
    }
  /* The report keeps the reply that failed the session, not QUIT's 221. */
  g_clear_pointer (&run->report->reply, sd_reply_free);
  run->report->reply = failing;
}
