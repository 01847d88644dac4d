/* sd-session-transaction.c: MAIL, RCPT, DATA or BDAT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-message.h"
#include "sd-session-private.h"

/* The headers carry the addresses as the envelope does (A-labels without SMTPUTF8). */
static GBytes *
sd_run_build_message (SdRun             *run,
                      const char        *from,
                      const char * const *to)
{
  const SdSettings *settings = run->settings;
  SdMessageSpec spec = { 0 };

  if (settings->eml != NULL)
    return sd_message_normalize_crlf (settings->eml);

  spec.from = from;
  spec.to = to;
  spec.subject = settings->subject ? settings->subject : "";
  spec.body = settings->body ? settings->body : "";
  spec.eightbit = run->caps->eightbitmime;
  spec.html = settings->html;
  spec.attachments = settings->attachments;
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
          _sd_run_emit (run, SD_DIRECTION_SENT, FALSE, line);
          shown++;
        }
      total++;
      p = next;
    }
  if (total > shown)
    _sd_run_emitf (run, SD_DIRECTION_INFO,
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
  char      *from;            /* the envelope as sent (A-labels without SMTPUTF8) */
  GStrv      to;
  gboolean   smtputf8;
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
  g_clear_pointer (&t->from, g_free);
  g_clear_pointer (&t->to, g_strfreev);
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
  _sd_run_set_reply_error (run, error, SD_SESSION_ERROR_REJECTED, reply, message);
  if (!*t->quit_sent && !run->keep_open)
    _sd_run_quit_quietly (run);
  return FALSE;
}

static gboolean
sd_run_mail_refused (SdRun         *run,
                     SdTransaction *t,
                     GError       **error)
{
  _sd_run_enter (run, SD_STAGE_MAIL);
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
sd_run_mail_command (SdRun         *run,
                     SdTransaction *t)
{
  const SdCapabilities *caps = run->caps;
  GBytes *message = t->message;
  GString *mail = g_string_new (NULL);
  gboolean eightbit = sd_message_has_8bit (message);
  g_autofree char *dsn = _sd_run_dsn_mail_params (run);

  if (eightbit && !caps->eightbitmime)
    _sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                  _("The message has 8-bit bytes but the server does not offer 8BITMIME"));
  if (sd_message_longest_line (message) > SD_MESSAGE_MAX_LINE)
    _sd_run_emitf (run, SD_DIRECTION_WARNING,
                   /* Translators: %d is the limit, 998. */
                   _("The message has a line longer than %d octets; servers may reject it"),
                   SD_MESSAGE_MAX_LINE);

  g_string_printf (mail, "MAIL FROM:<%s>", t->from);
  if (caps->has_size)
    g_string_append_printf (mail, " SIZE=%" G_GSIZE_FORMAT, g_bytes_get_size (message));
  if (eightbit && caps->eightbitmime)
    g_string_append (mail, " BODY=8BITMIME");
  if (t->smtputf8)
    g_string_append (mail, " SMTPUTF8");
  g_string_append (mail, dsn);
  return g_string_free (mail, FALSE);
}

/* Sends the group's commands and empties it. */
static gboolean
sd_run_send_queued (SdRun      *run,
                    GPtrArray  *group,
                    GError    **error)
{
  g_ptr_array_add (group, NULL);
  if (!_sd_run_send_group (run, (const char **) group->pdata, NULL, error))
    return FALSE;
  g_ptr_array_set_size (group, 0);
  return TRUE;
}

static SdRecipientResult *
sd_run_add_recipient (SdRun         *run,
                      SdTransaction *t,
                      guint          i)
{
  SdRecipientResult *result = sd_recipient_result_new (run->settings->to[i]);
  g_autofree char *dsn = _sd_run_dsn_rcpt_params (run, t->to[i]);

  g_ptr_array_add (run->report->recipients, result);
  g_ptr_array_add (t->group, g_strdup_printf ("RCPT TO:<%s>%s", t->to[i], dsn));
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
  t->mail_reply = _sd_run_read_reply (run, "MAIL FROM", error);
  if (t->mail_reply == NULL)
    return FALSE;
  if (t->mail_reply->code != 250)
    return sd_run_mail_refused (run, t, error);

  for (guint i = 0; i < t->n_to; i++)
    {
      SdRecipientResult *result = sd_run_add_recipient (run, t, i);

      if (i == 0)
        _sd_run_enter (run, SD_STAGE_RCPT);
      if (!sd_run_send_queued (run, t->group, error))
        return FALSE;
      result->reply = _sd_run_read_reply (run, "RCPT TO", error);
      if (result->reply == NULL)
        return FALSE;
      sd_transaction_count (t, i, result->reply);
    }
  return TRUE;
}

/* One write for lines the transcript has shown already. */
static gboolean
sd_run_write (SdRun       *run,
              GString     *wire,
              const char  *doing,
              GError     **error)
{
  GError *local = NULL;

  if (sd_connection_write_all (run->conn, wire->str, wire->len, run->cancellable, &local))
    return TRUE;
  _sd_run_set_io_error (error, local, doing);
  return FALSE;
}

/* Pipelined, QUIT goes out in the same write as the message. */
static void
sd_run_append_quit (SdRun         *run,
                    SdTransaction *t,
                    GString       *wire)
{
  if (run->keep_open)
    return;   /* RSET and the next message follow instead */
  _sd_run_emit (run, SD_DIRECTION_SENT, FALSE, "QUIT");
  g_string_append (wire, "QUIT\r\n");
  *t->quit_sent = TRUE;
}

/* BDAT's payload rides in the same write as the envelope, then QUIT: one round trip. */
static gboolean
sd_run_send_chunked (SdRun         *run,
                     SdTransaction *t,
                     GError       **error)
{
  g_autoptr(GString) bdat = g_string_new (NULL);
  gsize len;
  const char *data = g_bytes_get_data (t->message, &len);

  for (guint i = 0; t->group->pdata[i] != NULL; i++)
    {
      _sd_run_emit (run, SD_DIRECTION_SENT, FALSE, t->group->pdata[i]);
      g_string_append_printf (bdat, "%s\r\n", (char *) t->group->pdata[i]);
    }
  sd_run_show_message (run, t->message);
  g_string_append_len (bdat, data, len);
  sd_run_append_quit (run, t, bdat);
  return sd_run_write (run, bdat, _("sending"), error);
}

/* With PIPELINING: MAIL, every RCPT and DATA (or BDAT) in one group, then the replies. */
static gboolean
sd_run_envelope_pipelined (SdRun         *run,
                           SdTransaction *t,
                           GError       **error)
{
  for (guint i = 0; i < t->n_to; i++)
    sd_run_add_recipient (run, t, i);
  if (t->with_data && t->chunking)
    g_ptr_array_add (t->group, g_strdup_printf ("BDAT %" G_GSIZE_FORMAT " LAST",
                                                g_bytes_get_size (t->message)));
  else if (t->with_data)
    g_ptr_array_add (t->group, g_strdup ("DATA"));
  g_ptr_array_add (t->group, NULL);

  if (t->chunking ? !sd_run_send_chunked (run, t, error)
                  : !_sd_run_send_group (run, (const char **) t->group->pdata, NULL, error))
    return FALSE;

  t->mail_reply = _sd_run_read_reply (run, "MAIL FROM", error);
  if (t->mail_reply == NULL)
    return FALSE;
  _sd_run_enter (run, SD_STAGE_RCPT);
  for (guint i = 0; i < t->n_to; i++)
    {
      SdRecipientResult *result = run->report->recipients->pdata[i];
      result->reply = _sd_run_read_reply (run, "RCPT TO", error);
      if (result->reply == NULL)
        return FALSE;
      sd_transaction_count (t, i, result->reply);
    }
  if (t->with_data)
    {
      _sd_run_enter (run, SD_STAGE_DATA);
      t->data_reply = _sd_run_read_reply (run, t->chunking ? "BDAT" : "DATA", error);
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
          _sd_run_emitf (run, SD_DIRECTION_WARNING, _("Recipient %s refused: %u %s"),
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
      if (_sd_run_send (run, ".", NULL))
        /* Translators: fills “waiting for the reply to %s”. */
        end_reply = _sd_run_read_reply (run, _("end of data"), NULL);
    }
  _sd_run_enter (run, SD_STAGE_RCPT);
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

  sd_run_show_message (run, t->message);
  _sd_run_emit (run, SD_DIRECTION_SENT, FALSE, ".");
  if (t->pipelining)
    sd_run_append_quit (run, t, wire);
  return sd_run_write (run, wire, _("sending the message"), error);
}

static gboolean
sd_run_data (SdRun         *run,
             SdTransaction *t,
             GError       **error)
{
  if (!t->pipelining)
    {
      _sd_run_enter (run, SD_STAGE_DATA);
      if (!_sd_run_send (run, "DATA", error))
        return FALSE;
      t->data_reply = _sd_run_read_reply (run, "DATA", error);
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
  t->data_reply = _sd_run_read_reply (run, _("the message"), error);
  if (t->data_reply == NULL)
    return FALSE;
  if (t->data_reply->code != 250)
    return sd_run_data_refused (run, t, error);
  return TRUE;
}

/* MAIL, RCPT, DATA or BDAT: with PIPELINING one group and one round trip, with CHUNKING
 * the message and QUIT travel in that same group. */
gboolean
_sd_run_transaction (SdRun    *run,
                     gboolean *quit_sent,
                     GError  **error)
{
  g_auto(SdTransaction) t = { 0 };

  sd_transaction_init (&t, run, quit_sent);
  /* Building a large message takes time: it counts in MAIL's, not EHLO's. */
  _sd_run_enter (run, SD_STAGE_MAIL);
  if (!_sd_run_envelope_addresses (run, &t.from, &t.to, &t.smtputf8, error))
    {
      _sd_run_quit_quietly (run);
      return FALSE;
    }
  t.message = sd_run_build_message (run, t.from, (const char * const *) t.to);
  _sd_run_check_message_size (run, t.message);
  g_ptr_array_add (t.group, sd_run_mail_command (run, &t));

  run->report->pipelining_used = t.pipelining;
  run->report->chunking_used = t.chunking;

  if (t.pipelining ? !sd_run_envelope_pipelined (run, &t, error)
                   : !sd_run_envelope_lockstep (run, &t, error))
    return FALSE;
  if (!sd_run_check_recipients (run, &t, error))
    return FALSE;
  if (!t.with_data)
    return TRUE;
  return sd_run_data (run, &t, error);
}
