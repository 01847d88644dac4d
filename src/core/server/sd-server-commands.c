/* sd-server-commands.c: the built-in server's answers to EHLO, STARTTLS, MAIL, RCPT
 * and DATA, with its policies (relay domains, greylisting, size) and the message store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-server-private.h"

/* --- EHLO, HELO, STARTTLS --------------------------------------------------------- */

/* The mechanisms to offer now; NULL for none. */
const char *
_sd_server_auth_offered (Session *s)
{
  const SdServerConnector *connector = s->server->connector;

  /* With a keytab alone (no accounts, not accept-any) only GSSAPI is offered. */
  if (!_sd_server_auth_available (s) ||
      !(s->cfg->accept_any_auth || s->cfg->accounts->len > 0))
    return NULL;
  if (s->tls || !s->cfg->require_tls_for_auth)
    return connector->auth;
  return connector->auth_no_tls;
}

/* The EHLO reply in the connector's order; STARTTLS and AUTH only when they apply. */
static void
ehlo_keywords (Session *s,
               GString *text)
{
  const SdServerConnector *connector = s->server->connector;
  g_auto(GStrv) keywords = g_strsplit (connector->keywords, "\n", -1);
  g_autofree char *hello = _sd_server_expand (s, connector->ehlo_hello, NULL);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *auth = _sd_server_auth_offered (s);

  g_ptr_array_add (lines, g_steal_pointer (&hello));
  for (guint i = 0; keywords[i] != NULL; i++)
    {
      const char *k = keywords[i];
      if (g_str_equal (k, "SIZE"))
        g_ptr_array_add (lines, g_strdup_printf ("SIZE %" G_GUINT64_FORMAT, s->cfg->max_size));
      else if (g_str_equal (k, "STARTTLS"))
        {
          if (_sd_server_starttls_available (s))
            {
              g_ptr_array_add (lines, g_strdup (k));
              s->info->starttls_offered = TRUE;
            }
        }
      else if (g_str_equal (k, "AUTH"))
        {
          /* A keytab (serve --gssapi-keytab) adds GSSAPI to whatever the connector offers. */
          gboolean gssapi = _sd_server_gssapi_offered (s) &&
                            (auth == NULL || strstr (auth, "GSSAPI") == NULL);
          if (auth != NULL || gssapi)
            g_ptr_array_add (lines, g_strdup_printf ("AUTH%s%s%s", auth ? " " : "",
                                                     auth ? auth : "", gssapi ? " GSSAPI" : ""));
        }
      else
        g_ptr_array_add (lines, g_strdup (k));
    }
  /* serve --dsn / --smtputf8 offer them with any connector. */
  if (s->cfg->dsn && !sd_server_connector_offers (connector, "DSN"))
    g_ptr_array_insert (lines, 1, g_strdup ("DSN"));
  if (s->cfg->smtputf8 && !sd_server_connector_offers (connector, "SMTPUTF8"))
    g_ptr_array_insert (lines, 1, g_strdup ("SMTPUTF8"));
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "250%c%s%s", i + 1 < lines->len ? '-' : ' ',
                            (char *) lines->pdata[i], i + 1 < lines->len ? "\n" : "");
  g_ptr_array_unref (lines);
}

Step
_sd_server_do_ehlo (Session    *s,
                    const char *verb,
                    const char *args)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean helo = g_str_equal (verb, "HELO");

  s->stage = SD_STAGE_EHLO;
  if (args == NULL || *args == '\0')
    return _sd_server_replyf (s, "501 5.5.4 Syntax: %s hostname", verb);

  g_free (s->info->ehlo_name);
  s->info->ehlo_name = g_strdup (args);
  s->info->used_helo = helo;
  s->greeted = TRUE;
  _sd_server_reset_transaction (s);
  if (helo)
    return _sd_server_replyf (s, "250 %s", s->cfg->hostname);
  ehlo_keywords (s, text);
  return _sd_server_reply (s, text->str);
}

/* A GnuTLS priority string for the oldest TLS version allowed; NULL: the default. */
static const char *
sd_server_tls_min_version_priority (guint version)
{
  switch (version)
    {
    case 10: return "NORMAL:+VERS-TLS1.1:+VERS-TLS1.0";
    case 12: return "NORMAL:-VERS-TLS1.1:-VERS-TLS1.0";
    case 13: return "NORMAL:-VERS-TLS1.2:-VERS-TLS1.1:-VERS-TLS1.0";
    default: return NULL;
    }
}

/* What the client offered, into the record and the transcript (first TLS only). */
static void
record_client_hello (Session *s,
                     SdTls   *tls)
{
  g_autoptr(SdTlsClientHello) hello = NULL;
  g_autofree char *versions = NULL;

  if (s->info->client_hello != NULL || (hello = sd_tls_get_client_hello (tls)) == NULL)
    return;
  g_ptr_array_add (hello->versions, NULL);
  versions = g_strjoinv (", ", (char **) hello->versions->pdata);
  g_ptr_array_set_size (hello->versions, hello->versions->len - 1);
  _sd_server_emitf (s, SD_DIRECTION_INFO,
                    /* Translators: TLS versions ("TLS1.3, TLS1.2"), a number of cipher
                     * suites, then the server name the client asked for. */
                    g_dngettext (GETTEXT_PACKAGE,
                                 "The client offers %s with %u cipher suite; server name: %s",
                                 "The client offers %s with %u cipher suites; server name: %s",
                                 hello->ciphers->len),
                    versions, hello->ciphers->len, hello->sni ? hello->sni : _("none"));
  s->info->client_hello = g_steal_pointer (&hello);
}

Step
_sd_server_start_tls (Session *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTls) tls = NULL;
  SdTlsInfo *info;

  s->stage = SD_STAGE_TLS;
  _sd_server_emit (s, SD_DIRECTION_INFO, FALSE, _("Starting the TLS handshake"));
  tls = sd_tls_new_server (sd_connection_get_socket (s->conn), s->server->cert_pem,
                           s->server->key_pem,
                           sd_server_tls_min_version_priority (s->server->config->tls_min_version),
                           &error);
  if (tls != NULL)
    {
      sd_tls_set_handshake_timeout (tls, s->cfg->command_timeout_s);
      sd_tls_handshake (tls, s->server->cancellable, &error);
      record_client_hello (s, tls);
    }
  if (error != NULL)
    {
      /* The TLS layer's handshake errors already begin with “TLS handshake failed”. */
      if (g_str_has_prefix (error->message, _("TLS handshake failed")))
        _sd_server_emit (s, SD_DIRECTION_ERROR, FALSE, error->message);
      else
        _sd_server_emitf (s, SD_DIRECTION_ERROR, _("TLS handshake failed: %s"), error->message);
      _sd_server_set_end (s, "TLS handshake failed");
      return STEP_FAILED;
    }
  info = sd_tls_get_info (tls);
  sd_connection_set_tls (s->conn, g_steal_pointer (&tls));
  s->tls = TRUE;
  s->info->tls = TRUE;
  g_free (s->info->tls_version);
  s->info->tls_version = g_strdup (info != NULL ? info->version : NULL);
  _sd_server_emitf (s, SD_DIRECTION_INFO, "TLS established: %s, %s",
                    info && info->version ? info->version : "?",
                    info && info->cipher ? info->cipher : "?");

  /* RFC 3207 4.2: everything learnt before TLS is forgotten. */
  s->greeted = FALSE;
  s->greeting_deadline = g_get_monotonic_time () +
                         (gint64) s->cfg->greeting_timeout_s * G_USEC_PER_SEC;
  s->authenticated = FALSE;
  g_clear_pointer (&s->auth_user, g_free);
  _sd_server_reset_transaction (s);
  return STEP_CONTINUE;
}

Step
_sd_server_do_starttls (Session    *s,
                        const char *args)
{
  s->stage = SD_STAGE_STARTTLS;
  if (s->tls)
    return _sd_server_reply (s, "503 5.5.1 Error: TLS already active");
  if (!_sd_server_starttls_available (s))
    return _sd_server_reply (s, "502 5.5.1 Error: STARTTLS not offered");
  if (args != NULL)
    return _sd_server_reply (s, "501 5.5.4 Syntax: STARTTLS");

  _sd_server_reply (s, "220 2.0.0 Ready to start TLS");
  if (!_sd_server_flush_replies (s))
    return STEP_FAILED;
  /* Bytes pipelined after STARTTLS would be taken as sent inside TLS: drop them
   * (CVE-2011-0411) and say so. */
  if (s->in->len > 0)
    {
      _sd_server_emitf (s, SD_DIRECTION_WARNING,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "The client sent %u byte after STARTTLS before the "
                                     "handshake; discarded",
                                     "The client sent %u bytes after STARTTLS before the "
                                     "handshake; discarded", s->in->len), s->in->len);
      g_byte_array_set_size (s->in, 0);
    }
  if (_sd_server_start_tls (s) != STEP_CONTINUE)
    return STEP_FAILED;
  s->info->starttls_used = TRUE;
  return STEP_CONTINUE;
}

/* --- the mail transaction ---------------------------------------------------------- */

/* The address inside "<...>" after @prefix, and where the parameters start. NULL if the
 * syntax is wrong. */
static char *
parse_path (const char  *line,
            const char  *prefix,
            const char **params)
{
  gsize n = strlen (prefix);
  const char *p = line, *gt;

  if (g_ascii_strncasecmp (p, prefix, n) != 0)
    return NULL;
  p += n;
  while (*p == ' ')   /* "MAIL FROM: <x>" is common enough to accept */
    p++;
  if (*p != '<' || (gt = strchr (p, '>')) == NULL)
    return NULL;
  *params = gt + 1;
  while (**params == ' ')
    (*params)++;
  return g_strndup (p + 1, gt - p - 1);
}

static const char *
domain_of (const char *address)
{
  const char *at = strrchr (address, '@');
  return at != NULL ? at + 1 : "";
}

/* RFC 3461 and 6531 parameters, only when we offer them (serve --dsn/--smtputf8 or
 * the connector). NULL: fine; else the reply. */
static const char *
check_extension_param (Session    *s,
                       const char *p,
                       gboolean    rcpt,
                       gboolean   *smtputf8)
{
  gboolean dsn = s->cfg->dsn || sd_server_connector_offers (s->server->connector, "DSN");
  gboolean utf8 = s->cfg->smtputf8 ||
                  sd_server_connector_offers (s->server->connector, "SMTPUTF8");

  if (dsn && !rcpt &&
      (g_ascii_strcasecmp (p, "RET=FULL") == 0 || g_ascii_strcasecmp (p, "RET=HDRS") == 0 ||
       g_ascii_strncasecmp (p, "ENVID=", 6) == 0))
    return NULL;
  if (dsn && rcpt &&
      (g_ascii_strncasecmp (p, "NOTIFY=", 7) == 0 || g_ascii_strncasecmp (p, "ORCPT=", 6) == 0))
    return NULL;
  if (utf8 && !rcpt && g_ascii_strcasecmp (p, "SMTPUTF8") == 0)
    {
      *smtputf8 = TRUE;
      return NULL;
    }
  return "";
}

/* TRUE when the message would go over the rate limit; otherwise it counts. */
static gboolean
rate_limited (Session *s)
{
  SdServer *server = s->server;
  gint64 now = g_get_monotonic_time ();
  gint64 window = (gint64) s->cfg->rate_window_s * G_USEC_PER_SEC;
  gboolean limited;

  if (s->cfg->rate_limit == 0)
    return FALSE;
  g_mutex_lock (&server->lock);
  /* Times as gint64 on the heap: a pointer cannot hold one on 32-bit Windows. */
  while (!g_queue_is_empty (&server->rate_times) &&
         now - *(gint64 *) g_queue_peek_head (&server->rate_times) >= window)
    g_free (g_queue_pop_head (&server->rate_times));
  limited = g_queue_get_length (&server->rate_times) >= s->cfg->rate_limit;
  if (!limited)
    g_queue_push_tail (&server->rate_times, g_memdup2 (&now, sizeof now));
  g_mutex_unlock (&server->lock);
  return limited;
}

Step
_sd_server_do_mail (Session    *s,
                    const char *line)
{
  g_autofree char *from = NULL;
  g_auto(GStrv) params = NULL;
  const char *rest = NULL;
  gboolean smtputf8 = FALSE;

  s->stage = SD_STAGE_MAIL;
  if (!s->greeted)
    return _sd_server_reply (s, "503 5.5.1 Error: send HELO/EHLO first");
  if (s->in_transaction)
    return _sd_server_reply (s, "503 5.5.1 Error: nested MAIL command");
  if (s->cfg->require_tls && !s->tls)
    return _sd_server_reply (s, s->server->connector->reply_tls_required);
  if (s->cfg->require_auth && !s->authenticated && !s->server->connector->auth_check_at_rcpt)
    {
      s->info->mail_refused_no_auth = TRUE;
      return _sd_server_reply (s, s->server->connector->reply_auth_required);
    }
  from = parse_path (line, "MAIL FROM:", &rest);
  if (from == NULL)
    return _sd_server_reply (s, "501 5.5.4 Syntax: MAIL FROM:<address>");

  s->body_8bit = FALSE;
  params = g_strsplit (rest, " ", 16);
  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *p = params[i];
      guint64 size = 0;

      if (*p == '\0')
        continue;
      if (g_ascii_strncasecmp (p, "SIZE=", 5) == 0)
        {
          if (!g_ascii_string_to_unsigned (p + 5, 10, 0, G_MAXUINT64, &size, NULL))
            return _sd_server_reply (s, "501 5.5.4 Syntax: SIZE=number");
          if (size > s->cfg->max_size)
            return _sd_server_reply (s,
                                     "552 5.3.4 Message size exceeds fixed maximum message size");
        }
      else if (g_ascii_strcasecmp (p, "BODY=8BITMIME") == 0)
        s->body_8bit = TRUE;
      else if (g_ascii_strcasecmp (p, "BODY=7BIT") != 0 &&
               check_extension_param (s, p, FALSE, &smtputf8) != NULL)
        return _sd_server_replyf (s, "555 5.5.4 Unsupported option: %.64s", p);
    }
  if (!smtputf8 && !g_str_is_ascii (from))
    return _sd_server_reply (s, "553 5.6.7 Non-ASCII address without SMTPUTF8");
  if (rate_limited (s))
    {
      s->info->rate_limited++;
      return _sd_server_replyf (s, "451 4.7.0 Rate limit reached: at most %u messages in %u "
                                "seconds, try again later", s->cfg->rate_limit,
                                s->cfg->rate_window_s);
    }

  s->in_transaction = TRUE;
  s->mail_from = g_strdup (from);
  s->mail_params = g_strdup (rest);
  s->smtputf8 = smtputf8;
  if (s->info->mail_from->len < 100)
    g_ptr_array_add (s->info->mail_from, g_strdup (from));
  return _sd_server_replyf (s, "250 2.1.0 Sender <%s> OK", from);
}

static gboolean
is_local_domain (Session    *s,
                 const char *domain)
{
  GPtrArray *domains = s->cfg->relay_domains;

  if (domains->len == 0)
    return TRUE;
  for (guint i = 0; i < domains->len; i++)
    if (g_ascii_strcasecmp (domains->pdata[i], domain) == 0)
      return TRUE;
  return FALSE;
}

/* TRUE the first time this (client, from, to) comes; later tries pass. */
static gboolean
greylist_first_try (Session    *s,
                    const char *to)
{
  SdServer *server = s->server;
  char *key = g_strdup_printf ("%s\n%s\n%s", s->peer_ip, s->mail_from, to);
  gboolean first;

  g_mutex_lock (&server->lock);
  first = !g_hash_table_contains (server->greylist, key);
  if (first)
    {
      /* Bounded: a flood of new triples forgets the old ones. */
      if (g_hash_table_size (server->greylist) >= SD_SERVER_GREYLIST_MAX)
        g_hash_table_remove_all (server->greylist);
      g_hash_table_add (server->greylist, key);
    }
  else
    g_free (key);
  g_mutex_unlock (&server->lock);
  return first;
}

Step
_sd_server_do_rcpt (Session    *s,
                    const char *line)
{
  g_autofree char *to = NULL;
  const char *rest = NULL;

  s->stage = SD_STAGE_RCPT;
  if (!s->in_transaction)
    return _sd_server_reply (s, "503 5.5.1 Error: need MAIL command");
  to = parse_path (line, "RCPT TO:", &rest);
  if (to == NULL || (*to == '\0'))
    return _sd_server_reply (s, "501 5.5.4 Syntax: RCPT TO:<address>");
  if (*rest != '\0')
    {
      g_auto(GStrv) params = g_strsplit (rest, " ", 16);
      gboolean unused = FALSE;

      for (guint i = 0; params[i] != NULL; i++)
        if (*params[i] != '\0' && check_extension_param (s, params[i], TRUE, &unused) != NULL)
          return _sd_server_replyf (s, "555 5.5.4 Unsupported option: %.64s", params[i]);
    }
  if (!s->smtputf8 && !g_str_is_ascii (to))
    return _sd_server_reply (s, "553 5.6.7 Non-ASCII address without SMTPUTF8");
  if (s->cfg->require_auth && !s->authenticated && s->server->connector->auth_check_at_rcpt)
    {
      g_autofree char *reply = _sd_server_expand (s, s->server->connector->reply_auth_required, to);
      s->info->mail_refused_no_auth = TRUE;
      return _sd_server_reply (s, reply);
    }
  if (strchr (to, '@') == NULL && g_ascii_strcasecmp (to, "postmaster") != 0)
    return _sd_server_reply (s, "501 5.1.3 Bad recipient address syntax");
  if (s->rcpt->len >= SD_SERVER_MAX_RCPT)
    return _sd_server_reply (s, "452 4.5.3 Too many recipients");
  if (!s->authenticated && !s->server->connector->relay_open && strchr (to, '@') != NULL &&
      !is_local_domain (s, domain_of (to)))
    {
      g_autofree char *reply = _sd_server_expand (s, s->server->connector->reply_relay_denied, to);
      s->info->relay_refused++;
      return _sd_server_reply (s, reply);
    }
  if (s->cfg->greylist && greylist_first_try (s, to))
    {
      s->info->greylisted++;
      return _sd_server_reply (s, "451 4.7.1 Greylisted, please try again later");
    }
  g_ptr_array_add (s->rcpt, g_strdup (to));
  g_ptr_array_add (s->rcpt_params, g_strdup (rest));
  return _sd_server_replyf (s, "250 2.1.5 Recipient <%s> OK", to);
}

/* Shows message lines in the transcript, as the client shows what it sends. */
typedef struct {
  GString *line;
  guint    shown;
  guint    total;
} DataView;

static void
data_view_end_line (Session  *s,
                    DataView *view)
{
  view->total++;
  if (view->shown < SD_SERVER_SHOWN_DATA_LINES)
    {
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, view->line->str);
      view->shown++;
    }
  g_string_truncate (view->line, 0);
}

static void
data_view_add (DataView *view,
               guint8    byte)
{
  if (byte == '\r' || byte == '\n' || view->line->len >= SD_SERVER_SHOWN_LINE_MAX)
    return;
  g_string_append_c (view->line, byte);
}

/* Undoes dot-stuffing and finds CRLF.CRLF, one byte at a time. */
typedef struct {
  GByteArray *message;
  DataView    view;
  gboolean    bol;
  gboolean    prev_cr;
  gboolean    eight;
  int         dot;        /* 1: "." at a line start; 2: ".\r" */
  guint64     size;
} DataReader;

/* One byte of the message as meant, after dot-unstuffing. */
static void
data_reader_store (Session    *s,
                   DataReader *r,
                   guint8      c)
{
  if (c >= 0x80)
    r->eight = TRUE;
  if (c == '\n')
    {
      if (!r->prev_cr)
        s->info->bare_lf = TRUE;
      r->bol = r->prev_cr;
      data_view_end_line (s, &r->view);
    }
  else
    r->bol = FALSE;
  r->prev_cr = c == '\r';
  data_view_add (&r->view, c);
  r->size++;
  if (r->size <= s->cfg->max_size)
    g_byte_array_append (r->message, &c, 1);
}

/* TRUE when @b ended the data. */
static gboolean
data_reader_feed (Session    *s,
                  DataReader *r,
                  guint8      b)
{
  if (r->dot == 1)
    {
      r->dot = 0;
      if (b == '\r')
        {
          r->dot = 2;
          return FALSE;
        }
    }
  else if (r->dot == 2)
    {
      r->dot = 0;
      if (b == '\n')
        return TRUE;
      data_reader_store (s, r, '\r');
    }
  else if (r->bol && b == '.')
    {
      r->dot = 1;          /* a stuffed dot, or the end */
      r->bol = FALSE;
      return FALSE;
    }
  data_reader_store (s, r, b);
  return FALSE;
}

static void
data_reader_report (Session    *s,
                    DataReader *r)
{
  /* A 64-bit format would hide the string from xgettext: the number goes in as text. */
  g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, r->size);

  if (r->view.total > r->view.shown)
    _sd_server_emitf (s, SD_DIRECTION_INFO,
                      g_dngettext (GETTEXT_PACKAGE, "(%u more line of message data not shown)",
                                   "(%u more lines of message data not shown)",
                                   r->view.total - r->view.shown),
                      r->view.total - r->view.shown);
  /* Translators: %s is a number of bytes. */
  _sd_server_emitf (s, SD_DIRECTION_INFO,
                    g_dngettext (GETTEXT_PACKAGE, "End of data: %s byte", "End of data: %s bytes",
                                 r->size > G_MAXULONG ? G_MAXULONG : (gulong) r->size),
                    bytes);
}

/* Reads message data up to CRLF.CRLF, undoing dot-stuffing. Bytes beyond max_size are
 * read and dropped. NULL when the session ended; *@too_big when data was dropped. */
static GByteArray *
session_read_data (Session  *s,
                   gboolean *too_big)
{
  DataReader r = { g_byte_array_new (), { g_string_new (NULL), 0, 0 }, TRUE, FALSE, FALSE, 0, 0 };
  gboolean done = FALSE;

  *too_big = FALSE;
  while (!done)
    {
      gsize i;

      if (s->in->len == 0 && !_sd_server_fill (s))
        {
          g_string_free (r.view.line, TRUE);
          g_byte_array_unref (r.message);
          return NULL;
        }
      for (i = 0; i < s->in->len && !done; i++)
        done = data_reader_feed (s, &r, s->in->data[i]);
      g_byte_array_remove_range (s->in, 0, i);
    }

  data_reader_report (s, &r);
  g_string_free (r.view.line, TRUE);
  if (r.eight && !s->body_8bit)
    s->info->eightbit_undeclared = TRUE;
  *too_big = r.size > s->cfg->max_size;
  return r.message;
}

static char *
sd_server_write_eml (SdServer        *self,
                     SdServerMessage *message,
                     GError         **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  guint n;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (message->data, &len);

  g_mutex_lock (&self->lock);
  n = ++self->n_files;
  g_mutex_unlock (&self->lock);

  if (g_mkdir_with_parents (self->config->maildir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   /* Translators: a folder, then the system's error. */
                   _("Cannot create %s: %s"), self->config->maildir, g_strerror (errno));
      return NULL;
    }
  /* Unique without a lookup: time, session, a counter, and randomness for restarts. */
  name = g_strdup_printf ("%s-%u-%u-%08x.eml", stamp, message->session_id, n, g_random_int ());
  path = g_build_filename (self->config->maildir, name, NULL);
  if (!g_file_set_contents_full (path, (const char *) data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return NULL;
  return g_steal_pointer (&path);
}

static void
session_store (Session *s,
               GBytes  *data)
{
  SdServer *server = s->server;
  SdServerMessage *message = g_new0 (SdServerMessage, 1);
  Item *item;

  g_ptr_array_add (s->rcpt, NULL);
  message->session_id = s->info->id;
  message->mail_from = g_strdup (s->mail_from);
  message->rcpt_to = g_strdupv ((char **) s->rcpt->pdata);
  g_ptr_array_set_size (s->rcpt, s->rcpt->len - 1);
  message->mail_params = g_strdup (s->mail_params != NULL ? s->mail_params : "");
  g_ptr_array_add (s->rcpt_params, NULL);
  message->rcpt_params = g_strdupv ((char **) s->rcpt_params->pdata);
  g_ptr_array_set_size (s->rcpt_params, s->rcpt_params->len - 1);
  message->auth_user = g_strdup (s->authenticated ? s->auth_user : NULL);
  message->tls = s->tls;
  message->received = g_get_real_time ();
  message->data = g_bytes_ref (data);

  if (server->config->maildir != NULL)
    {
      g_autoptr(GError) error = NULL;
      message->path = sd_server_write_eml (server, message, &error);
      if (message->path == NULL)
        _sd_server_emitf (s, SD_DIRECTION_WARNING, _("Could not write the message file: %s"),
                          error->message);
      else
        /* Translators: %s is a file name. */
        _sd_server_emitf (s, SD_DIRECTION_INFO, _("Message written to %s"), message->path);
    }

  g_mutex_lock (&server->lock);
  g_queue_push_tail (&server->messages, sd_server_message_copy (message));
  while (server->messages.length > server->config->max_messages)
    sd_server_message_free (g_queue_pop_head (&server->messages));
  g_mutex_unlock (&server->lock);

  item = g_new0 (Item, 1);
  item->kind = ITEM_MESSAGE;
  item->id = s->info->id;
  item->message = message;
  _sd_server_queue (server, item);
}

Step
_sd_server_do_data (Session    *s,
                    const char *args)
{
  g_autoptr(GByteArray) message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean too_big = FALSE;

  s->stage = SD_STAGE_DATA;
  if (args != NULL)
    return _sd_server_reply (s, "501 5.5.4 Syntax: DATA");
  if (!s->in_transaction)
    return _sd_server_reply (s, "503 5.5.1 Error: need MAIL command");
  if (s->rcpt->len == 0)
    return _sd_server_reply (s, "554 5.5.1 Error: no valid recipients");

  _sd_server_reply (s, "354 End data with <CR><LF>.<CR><LF>");
  message = session_read_data (s, &too_big);
  if (message == NULL)
    return STEP_FAILED;
  if (too_big)
    {
      s->info->messages_too_big++;
      _sd_server_reset_transaction (s);
      return _sd_server_reply (s, "552 5.3.4 Message size exceeds fixed maximum message size");
    }

  {
    /* A fault here answers in place of the 250; the message is not kept. */
    Step step;
    if (_sd_server_apply_fault (s, SD_FAULT_END_OF_DATA, &step))
      {
        _sd_server_reset_transaction (s);
        return step;
      }
  }
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&message));
  session_store (s, bytes);
  s->n_messages++;
  s->info->messages++;
  _sd_server_reset_transaction (s);
  return _sd_server_replyf (s, "250 2.0.0 Ok: queued as SD%u.%u", s->info->id, s->n_messages);
}
