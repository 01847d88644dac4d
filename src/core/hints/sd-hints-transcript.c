/* sd-hints-transcript.c: an SMTP conversation in pasted text (our export, swaks,
 * openssl s_client, Exchange protocol logs)
 *
 * Commands tell the stage a failing reply belongs to; the EHLO keywords before and after
 * STARTTLS give the same capability facts a session report has; a 221 nobody asked for
 * says the server hung up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "sd-hints.h"
#include "sd-hints-private.h"

typedef struct {
  GRegex *command;     /* "EHLO host", "AUTH LOGIN", ... */
  GRegex *reply;       /* "250-AUTH LOGIN" */
  GRegex *tls_line;    /* our export marks lines inside TLS */
} SdTranscriptRegexes;

static const SdTranscriptRegexes *
sd_transcript_regexes (void)
{
  static gsize once = 0;
  static SdTranscriptRegexes r;

  if (g_once_init_enter (&once))
    {
      r.command = g_regex_new ("^(EHLO|HELO|STARTTLS|AUTH|MAIL FROM|RCPT TO|DATA|QUIT|BDAT)\\b",
                               G_REGEX_CASELESS, 0, NULL);
      r.reply = g_regex_new ("^([2-5][0-5]\\d)(?:([ -])(.*))?$", 0, 0, NULL);
      r.tls_line = g_regex_new ("^[\\d.]+ ms TLS ", 0, 0, NULL);
      g_once_init_leave (&once, 1);
    }
  return &r;
}

void
_sd_hint_transcript_init (SdHintTranscript *t,
                          SdHintInput      *input)
{
  memset (t, 0, sizeof *t);
  t->input = input;
  t->before = g_ptr_array_new_with_free_func (g_free);
  t->after = g_ptr_array_new_with_free_func (g_free);
  t->last_stage = SD_STAGE_GREETING;
}

/* swaks marks TLS traffic with "~", our export with "TLS". */
void
_sd_hint_transcript_mark_tls (SdHintTranscript *t,
                              const char       *line)
{
  if (g_str_has_prefix (line, "<~") || g_str_has_prefix (line, "~>") ||
      g_regex_match (sd_transcript_regexes ()->tls_line, line, 0, NULL))
    t->in_tls = TRUE;
}

/* --- the transcript ---------------------------------------------------------------- */

static SdStage
sd_stage_for_command (const char *verb)
{
  if (g_ascii_strncasecmp (verb, "EHLO", 4) == 0 || g_ascii_strncasecmp (verb, "HELO", 4) == 0)
    return SD_STAGE_EHLO;
  if (g_ascii_strncasecmp (verb, "STARTTLS", 8) == 0)
    return SD_STAGE_STARTTLS;
  if (g_ascii_strncasecmp (verb, "AUTH", 4) == 0)
    return SD_STAGE_AUTH;
  if (g_ascii_strncasecmp (verb, "MAIL", 4) == 0)
    return SD_STAGE_MAIL;
  if (g_ascii_strncasecmp (verb, "RCPT", 4) == 0)
    return SD_STAGE_RCPT;
  if (g_ascii_strncasecmp (verb, "QUIT", 4) == 0)
    return SD_STAGE_QUIT;
  return SD_STAGE_DATA;
}

static gboolean
sd_is_ehlo_keyword (const char *text)
{
  static const char * const keywords[] = {
    "AUTH", "STARTTLS", "SIZE", "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "CHUNKING",
    "DSN", "SMTPUTF8", "BINARYMIME", "X-EXPS", "X-ANONYMOUSTLS", "XEXCH50", "X-LINK2STATE",
    "XRDST", "ETRN", "TURN", "ATRN", "VRFY", "HELP", "DELIVERBY", NULL
  };
  for (guint i = 0; keywords[i] != NULL; i++)
    {
      gsize len = strlen (keywords[i]);
      if (g_ascii_strncasecmp (text, keywords[i], len) == 0 &&
          (text[len] == '\0' || text[len] == ' ' || text[len] == '='))
        return TRUE;
    }
  return FALSE;
}

/* EHLO keyword lines collected into a reply the capability parser understands. */
static SdCapabilities *
sd_caps_from_keywords (GPtrArray *keywords)
{
  g_autoptr(SdReply) reply = NULL;

  if (keywords->len == 0)
    return NULL;
  reply = sd_reply_new (250, NULL);
  g_ptr_array_add (reply->lines, g_strdup ("250-pasted.invalid"));
  for (guint i = 0; i < keywords->len; i++)
    g_ptr_array_add (reply->lines, g_strdup_printf ("250%c%s",
                                                    i + 1 < keywords->len ? '-' : ' ',
                                                    (char *) keywords->pdata[i]));
  return sd_capabilities_new_from_reply (reply);
}

/* A command line: which stage the conversation is in. */
static gboolean
sd_transcript_command (SdHintTranscript *t,
                       const char       *rest)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *verb = NULL;

  if (!g_regex_match (sd_transcript_regexes ()->command, rest, 0, &match))
    return FALSE;
  verb = g_match_info_fetch (match, 1);
  t->saw_command = TRUE;
  t->last_stage = sd_stage_for_command (verb);
  if (t->last_stage == SD_STAGE_STARTTLS)
    t->starttls_sent = TRUE;
  else if (t->last_stage == SD_STAGE_AUTH)
    t->auth_sent = TRUE;
  else if (t->last_stage == SD_STAGE_QUIT)
    t->quit_sent = TRUE;
  else if (t->last_stage == SD_STAGE_MAIL)
    t->mail_sent = TRUE;
  else if (t->last_stage == SD_STAGE_EHLO)
    g_ptr_array_set_size (t->in_tls ? t->after : t->before, 0);
  return TRUE;
}

/* A reply at the start of the line: capabilities, the stage it failed at, a 221. */
static void
sd_transcript_reply (SdHintTranscript *t,
                     const char       *rest)
{
  SdHintInput *input = t->input;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *code_text = NULL;
  g_autofree char *body = NULL;
  guint code;

  if (!g_regex_match (sd_transcript_regexes ()->reply, rest, 0, &match))
    return;
  code_text = g_match_info_fetch (match, 1);
  body = g_match_info_fetch (match, 3);
  code = atoi (code_text);

  if (code == 250 && body != NULL && sd_is_ehlo_keyword (body))
    g_ptr_array_add (t->in_tls ? t->after : t->before, g_strdup (body));
  if (code == 220 && t->starttls_sent && !t->in_tls)
    t->in_tls = TRUE;
  if (code >= 400 || code == 221)
    _sd_hint_input_add_code (input, code);
  if (code >= 400 && !input->stage_known && t->saw_command)
    {
      input->stage_known = TRUE;
      input->stage = t->last_stage;
    }
  if (code >= 400 && t->last_stage == SD_STAGE_AUTH)
    t->auth_failed = TRUE;
  if (code == 221 && !t->quit_sent)
    {
      /* Translators: in these three, %s is the server's 221 reply. */
      g_hash_table_replace (input->facts, g_strdup ("unsolicited-221"),
                            g_strdup_printf (_("“%s” without a QUIT before it"), rest));
      if (t->auth_failed || (t->auth_sent && !t->mail_sent))
        g_hash_table_replace (input->facts, g_strdup ("closed-after-auth"),
                              g_strdup_printf (_("“%s” right after AUTH"), rest));
      else if (!t->mail_sent)
        g_hash_table_replace (input->facts, g_strdup ("closed-after-ehlo"),
                              g_strdup_printf (_("“%s” right after EHLO"), rest));
    }
}

gboolean
_sd_hint_transcript_read (SdHintTranscript *t,
                          const char       *rest)
{
  if (sd_transcript_command (t, rest))
    return TRUE;
  sd_transcript_reply (t, rest);
  return FALSE;
}

void
_sd_hint_transcript_finish (SdHintTranscript *t)
{
  SdHintInput *input = t->input;
  g_autoptr(SdCapabilities) caps_before = sd_caps_from_keywords (t->before);
  g_autoptr(SdCapabilities) caps_after = sd_caps_from_keywords (t->after);

  if (t->auth_sent)
    _sd_hint_input_add_fact (input, "credentials-given", _("The client sent AUTH"));
  if (t->auth_failed)
    _sd_hint_input_add_fact (input, "auth-failed", _("AUTH was refused"));
  if (caps_after != NULL)
    _sd_hint_input_add_fact (input, "tls-used", _("STARTTLS was accepted"));
  /* STARTTLS offered, and the client went on (AUTH, MAIL, QUIT) without it. */
  if (caps_before != NULL && caps_before->starttls && !t->starttls_sent &&
      (t->auth_sent || t->mail_sent || t->quit_sent))
    _sd_hint_input_add_fact (input, "mode-none", _("The client never tried STARTTLS"));
  _sd_hint_input_derive_capability_facts (input, caps_before, caps_after, FALSE);
  g_clear_pointer (&t->before, g_ptr_array_unref);
  g_clear_pointer (&t->after, g_ptr_array_unref);
}
