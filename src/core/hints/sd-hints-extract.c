/* sd-hints-extract.c: what the rules match against, from text an admin pasted
 *
 * Pasted text is mostly noise around a few words that matter: the reply the server
 * really sent, the exception the client threw. So each line is first cleaned (version
 * numbers after product names, masked passwords, key=value log fields such as
 * Postfix's relay=, host names and addresses) and only then read for codes; a reply is
 * what starts at a code where a reply is quoted (start of a transcript line, after
 * "said:", "The server response was:", "Remoteserver hat '", inside b'...'), and its
 * words are kept apart so that scoring can tell them from the admin's own words.
 * Who answered, who sent and in which language come from data/hints/evidence.json.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "sd-hints.h"
#include "sd-hints-private.h"

#define SD_MAX_REPLIES 64
#define SD_MAX_SEARCHED (16 * 1024)   /* bytes of text searched for signatures */

/* Products whose servers speak current TLS only: a handshake they break off means the
 * client is the old end. */
static const char * const modern_servers[] = {
  "exchange-online", "gmail", "amazon-ses", "sendgrid", "mailgun", "postmark", NULL
};

typedef struct {
  GRegex *prefix;      /* transcript decorations before a reply or command */
  GRegex *reply;       /* "250-AUTH LOGIN" at the start of what is left */
  GRegex *coded;       /* "550 5.7.1" anywhere */
  GRegex *enhanced;    /* "5.7.1" anywhere */
  GRegex *dsn;         /* Postfix's dsn=5.1.1 carries the code */
  GRegex *quoted_fields; /* logfmt's error="535 ...": the words stay, as "error: 535 ..." */
  GRegex *fields;      /* key=value log fields: relay=, status=, delay= */
  GRegex *password;    /* a masked password after its label */
  GRegex *address;     /* e-mail addresses */
  GRegex *host;        /* host names */
  GRegex *port;        /* "port 587", "host:587" */
  GRegex *mode_tls;    /* the client set up for implicit TLS */
  GRegex *mode_starttls;
  GRegex *mode_none;      /* "Encryption: None", smtplib.SMTP( */
  GRegex *error;       /* an exception or a socket error */
  GRegex *handshake;   /* a TLS handshake broken off, no side named */
  GRegex *host_named;  /* the server's name as a program quotes it: {host} */
} SdExtractor;

static GRegex *
sd_regex (const char         *pattern,
          GRegexCompileFlags  flags)
{
  g_autoptr(GError) error = NULL;
  GRegex *regex = g_regex_new (pattern, flags, 0, &error);

  if (regex == NULL)
    g_error ("sd-hints-extract: %s: %s", pattern, error->message);
  return regex;
}

/* Compiled once per process: a session diagnoses many texts. */
static const SdExtractor *
sd_extractor_get (void)
{
  static gsize once = 0;
  static SdExtractor x;

  if (g_once_init_enter (&once))
    {
      /* Our export ("  12.3 ms TLS <- "), swaks ("<~ ", "-> "), S:/C:, Exchange protocol
       * logs (CSV with "<" / ">" fields and quoted data), timestamps and brackets. */
      x.prefix = sd_regex ("^(?:[\\s\\d.:,TZ/+-]*ms\\s+(?:TLS)?\\s*(?:<-|->|\\*\\*|!!)\\s*"
                           "|\\s*(?:<~\\*?|~>|<-|->|<<<|>>>|<\\*\\*|\\*\\*\\*|[SC]:|<|>)\\s*"
                           "|.*,[<>],\"?)", 0);
      x.reply = sd_regex ("^([2-5][0-5]\\d)(?:([ -])(.*))?$", 0);
      x.coded = sd_regex ("(?<![\\w.])#?([2-5][0-5]\\d)[ -]#?([245]\\.\\d{1,3}\\.\\d{1,3})"
                          "(?![\\w]|\\.\\d)", 0);
      x.enhanced = sd_regex ("(?<![\\w.])#?([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\w]|\\.\\d)", 0);
      x.dsn = sd_regex ("(?<![^\\s,(])dsn=([245]\\.\\d{1,3}\\.\\d{1,3})", 0);
      x.quoted_fields = sd_regex ("(?<![^\\s,(])([a-z][a-z0-9_]*)=\"([^\"]*)\"", 0);
      x.fields = sd_regex ("(?<![^\\s,(])(?!(?:name|type)=)[a-z][a-z0-9_]*=[^\\s,\"]*,?(?=[\\s,]|$)", 0);
      x.password = sd_regex ("\\b(pass(?:word)?|passwd|pwd|kennwort|mot de passe|secret)"
                             "(\\s*[:=]\\s*)\\S*\\*{3,}\\S*", G_REGEX_CASELESS);
      x.address = sd_regex ("[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+", 0);
      x.host = sd_regex ("(?<![\\w.@-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+"
                         "(?:com|net|org|edu|gov|info|biz|io|local|lan|corp|internal|intern|"
                         "home|example|invalid|test|localdomain|cloud|email|online|lokal|[a-z]{2})"
                         "(?![\\w-]|\\.[a-z0-9])", G_REGEX_CASELESS);
      x.port = sd_regex ("(?:(?:\\b|_)port\\b\\s*[:=]?\\s*[\"']?|-Port\\s+|[\\w\\]]:|"
                         "\\bSMTP(?:_SSL)?\\(\\s*[\"'][^\"']+[\"']\\s*,\\s*)(25|465|587|2525)\\b(?!\\.\\d)",
                         G_REGEX_CASELESS);
      /* A settings page's "Encryption: SSL" and a program's options. "SSL" and
       * "SSL/TLS" name implicit TLS there; a bare "TLS" means STARTTLS (Outlook,
       * PHPMailer, most devices). */
#define SD_SECURITY_LABEL "(?:encryption|encrypted connection|connection security|security|" \
                          "s[ée]curit[ée]|connexion s[ée]curis[ée]e|chiffrement|" \
                          "verschl[üu]sselung|sicherheit|sichere verbindung)\\b[^:=\\n]{0,20}[:=]\\s*[\"']?"
      x.mode_tls = sd_regex ("\\bSMTP_SSL\\b|\\bSslOnConnect\\b|\\bsmtps://|\\bssl://|\\bsecure:\\s*true\\b|"
                             "\\bssl\\.enable\\s*=\\s*true\\b|\\bimplicit TLS\\b|ENCRYPTION_SMTPS\\b|"
                             "\\bSMTPSecure\\s*=\\s*[\"']ssl\\b|"
                             SD_SECURITY_LABEL "(?:SSL|SSL/TLS|TLS/SSL)\\b(?!\\s*/?\\s*STARTTLS)",
                             G_REGEX_CASELESS);
      x.mode_starttls = sd_regex ("\\.starttls\\(|\\bSecureSocketOptions\\.StartTls\\b|-UseSsl\\b|"
                                  "\\bEnableSsl\\s*=\\s*[\"']?true\\b|\\bstarttls\\.enable\\s*=\\s*true\\b|"
                                  "\\brequireTLS\\b|ENCRYPTION_STARTTLS\\b|\\bSMTPSecure\\s*=\\s*[\"']tls\\b|"
                                  SD_SECURITY_LABEL "(?:STARTTLS|TLS)\\b",
                                  G_REGEX_CASELESS);
      x.mode_none = sd_regex (SD_SECURITY_LABEL "(?:none|aucune?|keine|off|no)\\b|"
                              "\\bsmtplib\\.SMTP\\(", G_REGEX_CASELESS);
#undef SD_SECURITY_LABEL
      x.error = sd_regex ("\\w(?:Exception|Error)\\b|\\berrno\\b|\\bsocket\\b|"
                          "\\bE(?:CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND|HOSTUNREACH|NETUNREACH|"
                          "AUTH|SOCKET|PIPE|AI_AGAIN|ENVELOPE|CONNECTION|DNS)\\b", 0);
      x.handshake = sd_regex ("remote party has closed the transport stream|"
                              "do not possess a common algorithm|handshake failure|"
                              "SSL routines|handshake_failure|SEC_E_ALGORITHM_MISMATCH|"
                              "0x80090331|Received fatal alert", G_REGEX_CASELESS);
      x.host_named = sd_regex ("(?:could not be resolved: '|resolved: '|r.solu\\s*: '|aufgel.st werden: '|"
                               "\\bENOTFOUND |\\bEAI_AGAIN |SMTP host: |hostname: '|\\bconnect to |"
                               "Connecting to |-SmtpServer |Cannot find the server .)"
                               "(?<host>[a-z0-9][a-z0-9.-]*\\.[a-z]{2,})\\b", G_REGEX_CASELESS);
      g_once_init_leave (&once, 1);
    }
  return &x;
}

/* --- cleaning a line --------------------------------------------------------------- */

static char *
sd_replace (GRegex     *regex,
            char       *text,
            const char *replacement)
{
  char *result = g_regex_replace (regex, text, -1, 0, replacement, 0, NULL);

  if (result == NULL)
    return text;
  g_free (text);
  return result;
}

/* @line without what looks like a code or a phrase but is not one; the codes in
 * Postfix's dsn= field are kept in @input (transfer full). */
static char *
sd_clean_line (const SdExtractor    *x,
               const SdHintEvidence *evidence,
               SdHintInput          *input,
               const char           *line)
{
  g_autoptr(GMatchInfo) match = NULL;
  char *clean = g_strdup (line);

  if (g_regex_match (x->dsn, clean, 0, &match))
    {
      g_autofree char *code = g_match_info_fetch (match, 1);
      _sd_hint_input_add_enhanced (input, code);
    }
  clean = sd_replace (evidence->versions, clean, "\\g<name>");
  clean = sd_replace (x->password, clean, "\\1\\2_masked_");
  clean = sd_replace (x->quoted_fields, clean, "\\1: \\2");
  clean = sd_replace (x->fields, clean, "");
  clean = sd_replace (x->address, clean, "_addr_");
  clean = sd_replace (x->host, clean, "_host_");
  return clean;
}

/* German and French wording gets the English words the rules know, after the line
 * (and so outside any reply it quotes: they are the client's words). */
static char *
sd_add_phrases (const SdHintEvidence *evidence,
                char                 *clean)
{
  for (guint i = 0; i < evidence->phrases->len; i++)
    {
      const SdHintSignature *phrase = evidence->phrases->pdata[i];
      if (g_regex_match (phrase->regex, clean, 0, NULL))
        {
          char *more = g_strconcat (clean, " | ", phrase->id, NULL);
          g_free (clean);
          clean = more;
        }
    }
  return clean;
}

/* --- replies quoted anywhere ------------------------------------------------------- */

/* Every code @regex's @group finds in @rest: failure codes and enhanced codes are
 * recorded, and the earliest one moves @start (with its basic code, 0 for an enhanced
 * code alone). */
static void
sd_scan_codes (GRegex      *regex,
               int          group,
               SdHintInput *input,
               const char  *rest,
               gssize      *start,
               guint       *code)
{
  g_autoptr(GMatchInfo) match = NULL;

  g_regex_match (regex, rest, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *found = g_match_info_fetch (match, group);
      gboolean enhanced = strchr (found, '.') != NULL;
      gint pos;

      if (enhanced && found[0] == '2')
        continue;
      g_match_info_fetch_pos (match, group, &pos, NULL);
      if (enhanced)
        _sd_hint_input_add_enhanced (input, found);
      else if (atoi (found) >= 400)
        _sd_hint_input_add_code (input, atoi (found));
      if (*start < 0 || pos < *start)
        {
          *start = pos;
          *code = enhanced ? 0 : (guint) atoi (found);
        }
    }
}

/* Where a failing reply starts in @rest (-1: none), and its basic code (0: only an
 * enhanced code is quoted): at the start of the line, after a cue, at "550 5.7.1", or
 * at an enhanced code alone ("SmtpCommandException: 5.7.60 ..."). Also records every
 * code on the line. */
static gssize
sd_find_reply (const SdExtractor    *x,
               const SdHintEvidence *evidence,
               SdHintInput          *input,
               const char           *rest,
               guint                *code)
{
  gssize start = -1;

  *code = 0;
  if (g_regex_match (x->reply, rest, 0, NULL))
    {
      start = 0;
      *code = atoi (rest);
    }
  sd_scan_codes (evidence->cued, g_regex_get_string_number (evidence->cued, "code"), input,
                 rest, &start, code);
  sd_scan_codes (x->coded, 1, input, rest, &start, code);
  sd_scan_codes (x->enhanced, 1, input, rest, &start, code);
  return start;
}

static void
sd_add_reply (const SdExtractor *x,
              SdHintInput       *input,
              const char        *segment,
              guint              code)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *enhanced = NULL;
  g_autofree char *folded = NULL;
  SdHintReply *reply;

  if (g_regex_match (x->enhanced, segment, 0, &match))
    enhanced = g_match_info_fetch (match, 1);
  if (code < 400 && (enhanced == NULL || enhanced[0] == '2'))
    return;
  /* A log repeats the same reply: once is enough, and a few dozen are plenty. */
  if (input->replies->len >= SD_MAX_REPLIES)
    return;
  folded = g_utf8_casefold (segment, -1);
  for (guint i = 0; i < input->replies->len; i++)
    if (g_str_equal (((SdHintReply *) input->replies->pdata[i])->folded, folded))
      return;
  reply = g_new0 (SdHintReply, 1);
  reply->code = code;
  reply->enhanced = g_steal_pointer (&enhanced);
  reply->folded = g_steal_pointer (&folded);
  reply->line = input->lines->len - 1;
  g_ptr_array_add (input->replies, reply);
}

/* --- one line ---------------------------------------------------------------------- */

static void
sd_read_line (SdHintTranscript     *t,
              const SdExtractor    *x,
              const SdHintEvidence *evidence,
              const char           *line,
              gboolean              localized)
{
  SdHintInput *input = t->input;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *clean = sd_clean_line (x, evidence, input, line);
  g_autofree char *worded = localized ? sd_add_phrases (evidence, g_strdup (clean)) : NULL;
  g_autofree char *rest_copy = NULL;
  const char *rest = clean;
  gssize start;
  guint code;

  _sd_hint_input_add_line (input, line, worded != NULL ? worded : clean);
  /* swaks marks TLS traffic with "~", our export with "TLS" */
  _sd_hint_transcript_mark_tls (t, line);
  if (g_regex_match (x->error, line, 0, NULL))
    input->error_seen = TRUE;

  if (g_regex_match (x->prefix, clean, 0, &match))
    {
      gint end;
      g_match_info_fetch_pos (match, 0, NULL, &end);
      /* Exchange protocol logs are CSV: drop the field's closing quote and comma. */
      rest_copy = g_strdup (clean + end);
      for (gsize n = strlen (rest_copy); n > 0 && strchr (",\"", rest_copy[n - 1]); n--)
        rest_copy[n - 1] = '\0';
      rest = rest_copy;
    }
  if (_sd_hint_transcript_read (t, rest))
    return;
  start = sd_find_reply (x, evidence, input, rest, &code);
  if (start >= 0)
    sd_add_reply (x, input, rest + start, code);
}

/* --- facts from the whole text ----------------------------------------------------- */

/* The line around @start..@end in @text, at most 200 characters (transfer full). */
static char *
sd_line_around (const char *text,
                gint        start,
                gint        end)
{
  const char *from = text + start;
  const char *to = text + end;
  g_autofree char *line = NULL;

  while (from > text && from[-1] != '\n')
    from--;
  while (*to != '\0' && *to != '\n')
    to++;
  line = g_strstrip (g_strndup (from, to - from));
  if (g_utf8_strlen (line, -1) > 200)
    {
      char *cut = g_utf8_offset_to_pointer (line, 200);
      *cut = '\0';
      return g_strconcat (line, "…", NULL);
    }
  return g_steal_pointer (&line);
}

/* The signatures of @group found in @text (@all; else the first): each one's fact, with
 * the line it was seen in. @products: servers, whose ids are products to put first. */
static void
sd_derive_group (SdHintInput *input,
                 GPtrArray   *group,
                 const char  *text,
                 gboolean     products,
                 gboolean     all)
{
  const SdHintKb *kb = _sd_hints_get_kb ();

  for (guint i = 0; i < group->len; i++)
    {
      const SdHintSignature *signature = group->pdata[i];
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *line = NULL;
      gint start, end;

      if (!g_regex_match (signature->regex, text, 0, &match))
        continue;
      g_match_info_fetch_pos (match, 0, &start, &end);
      line = sd_line_around (text, start, end);
      if (products)
        {
          const char *label = g_hash_table_lookup (kb->products, signature->id);
          /* Translators: %s is a product (“Exchange Online”), then a line of the text. */
          g_hash_table_replace (input->facts, g_strdup (signature->fact),
                                g_strdup_printf (_("Answered by %s: “%s”"), label, line));
          g_ptr_array_add (input->products, g_strdup (signature->id));
        }
      else if (!g_hash_table_contains (input->facts, signature->fact))
        _sd_hint_input_add_fact (input, signature->fact, line);
      if (!all)
        return;
    }
}

static gboolean
sd_has_any_fact (SdHintInput *input,
                 const char  *prefix)
{
  GHashTableIter iter;
  const char *fact;

  g_hash_table_iter_init (&iter, input->facts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &fact, NULL))
    if (g_str_has_prefix (fact, prefix))
      return TRUE;
  return FALSE;
}

/* Port, security mode and server name, where the text names the client's settings. */
static void
sd_derive_setting_facts (SdHintInput       *input,
                         const SdExtractor *x,
                         const char        *text)
{
  g_autoptr(GMatchInfo) match = NULL;

  if (g_regex_match (x->host_named, text, 0, &match))
    g_hash_table_replace (input->vars, g_strdup ("host"),
                          g_match_info_fetch_named (match, "host"));
  g_clear_pointer (&match, g_match_info_free);

  if (g_regex_match (x->port, text, 0, &match))
    {
      g_autofree char *port = g_match_info_fetch (match, 1);
      g_autofree char *fact = g_strconcat ("port-", port, NULL);
      /* Translators: %u is a TCP port. */
      g_hash_table_replace (input->facts, g_steal_pointer (&fact),
                            g_strdup_printf (_("Port %u"), (guint) atoi (port)));
      g_hash_table_replace (input->vars, g_strdup ("port"), g_steal_pointer (&port));
    }
  if (g_regex_match (x->mode_tls, text, 0, NULL))
    /* Translators: %s is a security mode (none, starttls…): keep it. */
    g_hash_table_replace (input->facts, g_strdup ("mode-tls"),
                          g_strdup_printf (_("Security: %s"), "tls"));
  else if (g_regex_match (x->mode_starttls, text, 0, NULL))
    g_hash_table_replace (input->facts, g_strdup ("mode-starttls"),
                          g_strdup_printf (_("Security: %s"), "starttls"));
  else if (g_regex_match (x->mode_none, text, 0, NULL))
    g_hash_table_replace (input->facts, g_strdup ("mode-none"),
                          g_strdup_printf (_("Security: %s"), "none"));
}

/* Which end of a TLS handshake is too old: the words say it, or the server is one that
 * speaks only current TLS. */
static void
sd_derive_tls_side (SdHintInput       *input,
                    const SdExtractor *x,
                    const char        *text)
{
  gboolean modern = FALSE;
  g_autoptr(GMatchInfo) match = NULL;

  for (guint i = 0; i < input->products->len; i++)
    modern |= g_strv_contains (modern_servers, input->products->pdata[i]);
  if (modern && !g_hash_table_contains (input->facts, "tls-client-too-old") &&
      g_regex_match (x->handshake, text, 0, &match))
    {
      gint start, end;
      g_match_info_fetch_pos (match, 0, &start, &end);
      g_hash_table_replace (input->facts, g_strdup ("tls-client-too-old"),
                            sd_line_around (text, start, end));
    }
  if (g_hash_table_contains (input->facts, "tls-server-too-old") &&
      !g_hash_table_contains (input->facts, "tls-client-too-old"))
    {
      /* The old-version rules speak of the version the server offers. */
      _sd_hint_input_add_fact (input, "tls-old-version",
                               g_hash_table_lookup (input->facts, "tls-server-too-old"));
      g_hash_table_replace (input->vars, g_strdup ("tls-version"), g_strdup ("TLS 1.0/1.1"));
    }
}

void
_sd_hint_input_detect_servers (SdHintInput *input,
                               const char  *text)
{
  sd_derive_group (input, _sd_hints_get_evidence ()->servers, text, TRUE, TRUE);
}

static void
sd_derive_text_facts (SdHintInput       *input,
                      const SdExtractor *x,
                      const char        *text)
{
  const SdHintEvidence *evidence = _sd_hints_get_evidence ();

  sd_derive_group (input, evidence->servers, text, TRUE, TRUE);
  sd_derive_group (input, evidence->clients, text, FALSE, FALSE);
  sd_derive_group (input, evidence->appliances, text, FALSE, FALSE);
  sd_derive_group (input, evidence->languages, text, FALSE, FALSE);
  sd_derive_group (input, evidence->facts, text, FALSE, TRUE);
  sd_derive_setting_facts (input, x, text);
  sd_derive_tls_side (input, x, text);

  /* The sending side's own settings come after the server's. */
  if (g_hash_table_contains (input->facts, "sender-appliance"))
    g_ptr_array_add (input->products, g_strdup ("appliance"));
  if (sd_has_any_fact (input, "client-"))
    {
      g_ptr_array_add (input->products, g_strdup ("client-code"));
      input->error_seen = TRUE;
    }
}

/* Does @regex match in the reply itself (from its code on, as written)? */
static gboolean
sd_names_in_reply (GRegex            *regex,
                   const SdHintInput *input,
                   const SdHintReply *reply)
{
  const char *raw = input->lines->pdata[reply->line];
  const char *raw_folded = input->raw_folded->pdata[reply->line];
  g_autofree char *head = g_utf8_substring (reply->folded, 0, 12);
  const char *at = strstr (raw_folded, head);
  gssize offset = at != NULL ? at - raw_folded : 0;

  /* Case-folding keeps ASCII offsets; elsewhere the whole line will do. */
  if (offset > (gssize) strlen (raw))
    offset = 0;
  return g_regex_match_full (regex, raw, -1, offset, 0, NULL, NULL);
}

/* The server named inside a failing reply answered: its fixes lead. One named only
 * elsewhere (the Postfix that logged it, a host in the admin's words) keeps its fact
 * but does not lead, unless no reply names any server. */
static void
sd_rank_servers (SdHintInput          *input,
                 const SdHintEvidence *evidence)
{
  g_autoptr(GPtrArray) ranked = g_ptr_array_new_with_free_func (g_free);

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < evidence->servers->len; i++)
      {
        const SdHintSignature *signature = evidence->servers->pdata[i];
        gboolean on_reply = FALSE;
        guint index;

        if (!g_ptr_array_find_with_equal_func (input->products, signature->id, g_str_equal,
                                               &index))
          continue;
        for (guint r = 0; r < input->replies->len && !on_reply; r++)
          on_reply = sd_names_in_reply (signature->regex, input, input->replies->pdata[r]);
        /* Only when no server is named in a reply do the others lead the fixes. */
        if (on_reply == (pass == 0) && (pass == 0 || ranked->len == 0))
          g_ptr_array_add (ranked, g_strdup (signature->id));
      }
  /* The sending side's products (appliance, client-code) keep their place after. */
  for (guint i = 0; i < input->products->len; i++)
    {
      const char *product = input->products->pdata[i];
      g_autofree char *fact = g_strconcat ("server-", product, NULL);
      if (!g_hash_table_contains (input->facts, fact))
        g_ptr_array_add (ranked, g_strdup (product));
    }
  g_ptr_array_set_size (input->products, 0);
  g_ptr_array_extend_and_steal (input->products, g_steal_pointer (&ranked));
}

SdHintInput *
_sd_hint_input_new_from_text (const char *text)
{
  const SdExtractor *x = sd_extractor_get ();
  const SdHintEvidence *evidence = _sd_hints_get_evidence ();
  SdHintInput *input = _sd_hint_input_new ();
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_auto(GStrv) lines = g_strsplit (valid, "\n", -1);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  SdHintTranscript t;
  gboolean localized, failure_said = FALSE;

  input->from_text = TRUE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      /* Our export's header, in English or in the language of this run. */
      if (g_str_has_prefix (line, SD_HINTS_TEXT_HEADER) ||
          g_str_has_prefix (line, sd_hints_text_header ()))
        break;
      /* Who answered shows early; a long log need not be searched whole. */
      if (body->len < SD_MAX_SEARCHED)
        g_string_append_printf (body, "%s\n", line);
      g_ptr_array_add (kept, line);
    }
  if (kept->len == 0)
    return input;
  sd_derive_text_facts (input, x, body->str);
  /* The evidence "facts" (a TLS end too old, a certificate problem, the resolver down)
   * are failures in their own words, as good as a code for the fact-only rules. */
  for (guint i = 0; i < evidence->facts->len && !failure_said; i++)
    failure_said = g_hash_table_contains (input->facts,
                                            ((SdHintSignature *) evidence->facts->pdata[i])->fact);
  localized = g_hash_table_contains (input->facts, "text-de") ||
              g_hash_table_contains (input->facts, "text-fr");

  _sd_hint_transcript_init (&t, input);
  for (guint i = 0; i < kept->len; i++)
    {
      const char *line = kept->pdata[i];
      /* A log repeats itself; a transcript's repeated lines ("250 OK") say nothing new. */
      if (!g_hash_table_add (seen, (gpointer) line) && !g_regex_match (x->reply, line, 0, NULL))
        continue;
      sd_read_line (&t, x, evidence, line, localized);
    }

  sd_rank_servers (input, evidence);
  _sd_hint_input_derive_whole_text (input);
  failure_said |= g_hash_table_contains (input->facts, "port25-blocked") ||
                  g_hash_table_contains (input->facts, "resolve-all-fail") ||
                  g_hash_table_contains (input->facts, "plain-on-implicit-tls-port") ||
                  g_hash_table_contains (input->facts, "tls-on-plain-port");

  /* A failure shows as a code; known error sentences without one still match rules by
   * their text (see sd_rule_match()). */
  input->failed = input->codes->len > 0 || input->enhanced->len > 0 || failure_said;
  _sd_hint_transcript_finish (&t);
  return input;
}
