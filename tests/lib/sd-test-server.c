/* sd-test-server.c: a scripted SMTP server on loopback that can misbehave on purpose
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-connection.h"
#include "sd-ntlm.h"
#include "sd-report.h"
#include "sd-test-certs.h"
#include "sd-test-server.h"
#include "sd-tls.h"

#define MAX_LINE        (64 * 1024)
#define MAX_MESSAGE     (32 * 1024 * 1024)
#define READ_SIZE       4096
#define MAX_STALL_S     120

static const char * const default_caps[] = {
  "PIPELINING",
  "SIZE 10240000",
  "STARTTLS",
  "ENHANCEDSTATUSCODES",
  "8BITMIME",
  NULL
};

static const char * const default_caps_tls[] = {
  "PIPELINING",
  "SIZE 10240000",
  "ENHANCEDSTATUSCODES",
  "8BITMIME",
  "AUTH PLAIN LOGIN CRAM-MD5",
  NULL
};

struct _SdTestServer {
  SdTestServerConfig  config;    /* points into the copies below */
  GPtrArray          *strings;
  GPtrArray          *strvs;
  SdTestOverride     *overrides;

  GSocket            *listener;
  guint16             port;
  GCancellable       *cancellable;
  GThread            *thread;

  GMutex              lock;
  GCond               cond;
  gboolean            done;

  /* Written by the server thread only; read by the test after the thread ended. */
  SdTestRecord        record;
};

typedef enum {
  STEP_CONTINUE,
  STEP_QUIT,     /* orderly: 221 sent, close_notify, close */
  STEP_CLOSE,    /* scripted: close without close_notify */
  STEP_STALL,    /* scripted: answer nothing, stay open */
  STEP_FAILED,   /* the connection is gone or broken */
} Step;

typedef struct {
  SdTestServer *server;
  SdConnection *conn;
  GByteArray   *in;            /* received, not yet consumed */
  guint         index;
  gboolean      tls;
  gboolean      greeted;       /* EHLO or HELO in the current phase */
  gboolean      authenticated;
  gboolean      in_transaction;
  guint         n_rcpt;
  GByteArray   *chunks;        /* BDAT data so far */
} Conn;

/* --- configuration --------------------------------------------------------------- */

void
sd_test_server_config_init (SdTestServerConfig *config)
{
  memset (config, 0, sizeof *config);
  config->greeting = "220 test.invalid ESMTP SMTP Doctor test server";
  config->ehlo_domain = "test.invalid";
  config->ehlo_caps = default_caps;
  config->ehlo_caps_tls = default_caps_tls;
  config->starttls_reply = "220 2.0.0 Ready to start TLS";
  config->auth_user = "alice";
  config->auth_password = "secret";
  config->byte_delay_us = 1000;
  config->n_connections = 1;
  config->timeout_s = 10;
}

static const char *
keep (SdTestServer *self,
      const char   *s)
{
  char *copy;

  if (s == NULL)
    return NULL;
  copy = g_strdup (s);
  g_ptr_array_add (self->strings, copy);
  return copy;
}

static const char * const *
keep_strv (SdTestServer       *self,
           const char * const *v)
{
  char **copy;

  if (v == NULL)
    return NULL;
  copy = g_strdupv ((char **) v);
  g_ptr_array_add (self->strvs, copy);
  return (const char * const *) copy;
}

/* The caller's config may live on its stack; the thread outlives that. */
static void
copy_config (SdTestServer             *self,
             const SdTestServerConfig *config)
{
  SdTestServerConfig *c = &self->config;
  guint n = 0;

  *c = *config;
  c->greeting = keep (self, config->greeting);
  c->ehlo_domain = keep (self, config->ehlo_domain ? config->ehlo_domain : "test.invalid");
  c->ehlo_caps = keep_strv (self, config->ehlo_caps);
  c->ehlo_caps_tls = keep_strv (self, config->ehlo_caps_tls);
  c->starttls_reply = keep (self, config->starttls_reply);
  c->inject_after_starttls = keep (self, config->inject_after_starttls);
  c->cert_pem = keep (self, config->cert_pem);
  c->key_pem = keep (self, config->key_pem);
  c->priority = keep (self, config->priority);
  c->auth_user = keep (self, config->auth_user ? config->auth_user : "");
  c->auth_password = keep (self, config->auth_password ? config->auth_password : "");
  c->auth_token = keep (self, config->auth_token ? config->auth_token : "test-token-123");
  c->oauth_error_json = keep (self, config->oauth_error_json
                                    ? config->oauth_error_json
                                    : "{\"status\":\"401\",\"schemes\":\"bearer\","
                                      "\"scope\":\"https://mail.google.com/\"}");
  c->ntlm_domain = keep (self, config->ntlm_domain);
  c->ntlm_challenge_b64 = keep (self, config->ntlm_challenge_b64);
  c->mail_reply = keep (self, config->mail_reply);
  c->rcpt_reply = keep (self, config->rcpt_reply);
  c->rcpt_reject = keep_strv (self, config->rcpt_reject);
  c->data_reply = keep (self, config->data_reply);
  c->data_end_reply = keep (self, config->data_end_reply);
  c->close_after = keep (self, config->close_after);
  c->close_partial = keep (self, config->close_partial);
  c->stall_on = keep (self, config->stall_on);
  if (c->n_connections == 0)
    c->n_connections = 1;
  if (c->timeout_s == 0)
    c->timeout_s = 10;

  while (config->overrides != NULL && config->overrides[n].verb != NULL)
    n++;
  self->overrides = g_new0 (SdTestOverride, n + 1);
  for (guint i = 0; i < n; i++)
    {
      self->overrides[i].verb = keep (self, config->overrides[i].verb);
      self->overrides[i].raw = keep (self, config->overrides[i].raw ? config->overrides[i].raw : "");
      self->overrides[i].where = config->overrides[i].where;
    }
  c->overrides = self->overrides;
}

/* --- recording -------------------------------------------------------------------- */

static void
sd_test_command_free (SdTestCommand *command)
{
  g_free (command->line);
  g_free (command);
}

static void
record_init (SdTestRecord *record)
{
  record->received_plain = g_byte_array_new ();
  record->received_tls = g_byte_array_new ();
  record->transcript = g_string_new (NULL);
  record->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_test_command_free);
  record->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
record_clear (SdTestRecord *record)
{
  g_clear_pointer (&record->received_plain, g_byte_array_unref);
  g_clear_pointer (&record->received_tls, g_byte_array_unref);
  if (record->transcript != NULL)
    g_string_free (g_steal_pointer (&record->transcript), TRUE);
  g_clear_pointer (&record->commands, g_ptr_array_unref);
  g_clear_pointer (&record->messages, g_ptr_array_unref);
  g_clear_pointer (&record->tls_error, g_free);
  g_clear_pointer (&record->auth_mechanism, g_free);
  g_clear_pointer (&record->ntlm_user, g_free);
  g_clear_pointer (&record->ntlm_domain, g_free);
  g_clear_pointer (&record->oauth_error_answer, g_free);
  g_clear_pointer (&record->error, g_free);
}

static void
note (Conn       *c,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
note (Conn       *c,
      const char *format,
      ...)
{
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* A client may send anything (a TLS hello to a plain port): keep the log printable,
   * or the TAP output it ends up in stops being valid. */
  escaped = sd_text_escape (text);
  g_string_append (c->server->record.transcript, escaped);
  g_string_append_c (c->server->record.transcript, '\n');
}

static void
record_error (Conn       *c,
              const char *what,
              GError     *error)
{
  SdTestRecord *record = &c->server->record;

  g_free (record->error);
  record->error = g_strdup_printf ("%s: %s", what, error ? error->message : "failed");
  note (c, "-- %s --", record->error);
}

static void
record_command (Conn       *c,
                const char *line,
                gboolean    auth_data)
{
  SdTestCommand *command = g_new0 (SdTestCommand, 1);

  command->line = g_strdup (line);
  command->tls = c->tls;
  command->auth_data = auth_data;
  command->connection = c->index;
  g_ptr_array_add (c->server->record.commands, command);
  note (c, "C:%s %s", c->tls ? " [TLS]" : "", line);
}

/* --- bytes in and out ------------------------------------------------------------- */

static gboolean
is_eof_error (const GError *error)
{
  /* A TLS peer that just closes the socket is gone all the same. */
  return g_error_matches (error, SD_TLS_ERROR, SD_TLS_ERROR_EOF) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
}

/* Reads whatever arrives into c->in and the record. FALSE at EOF (error unset) or on
 * an error (set). */
static gboolean
conn_fill (Conn    *c,
           GError **error)
{
  SdTestRecord *record = &c->server->record;
  char buffer[READ_SIZE];
  g_autoptr(GError) local_error = NULL;
  gssize n;

  n = sd_connection_read (c->conn, buffer, sizeof buffer, c->server->cancellable, &local_error);
  if (n < 0 && is_eof_error (local_error))
    n = 0;
  else if (n < 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (n == 0)
    {
      record->client_closed = TRUE;
      note (c, "-- client closed --");
      return FALSE;
    }

  g_byte_array_append (c->tls ? record->received_tls : record->received_plain,
                       (const guint8 *) buffer, n);
  g_byte_array_append (c->in, (const guint8 *) buffer, n);
  return TRUE;
}

/* The next line without its line end (NULs kept as bytes), or NULL when the connection
 * ended. @crlf tells whether it ended in CRLF rather than a bare LF. */
static char *
conn_read_line (Conn     *c,
                gboolean *crlf)
{
  for (;;)
    {
      guint8 *lf = c->in->len > 0 ? memchr (c->in->data, '\n', c->in->len) : NULL;

      if (lf != NULL)
        {
          gsize len = lf - c->in->data;
          gboolean cr = len > 0 && c->in->data[len - 1] == '\r';
          gsize text_len = cr ? len - 1 : len;
          char *line = g_malloc (text_len + 1);

          memcpy (line, c->in->data, text_len);
          line[text_len] = '\0';
          g_byte_array_remove_range (c->in, 0, len + 1);
          *crlf = cr;
          return line;
        }

      if (c->in->len > MAX_LINE)
        {
          record_error (c, "read", NULL);
          note (c, "-- line longer than %d bytes --", MAX_LINE);
          return NULL;
        }

      {
        g_autoptr(GError) error = NULL;
        if (!conn_fill (c, &error))
          {
            if (error != NULL)
              record_error (c, "read", error);
            return NULL;
          }
      }
    }
}

static GBytes *
conn_read_exact (Conn  *c,
                 gsize  size)
{
  GBytes *bytes;

  while (c->in->len < size)
    {
      g_autoptr(GError) error = NULL;
      if (!conn_fill (c, &error))
        {
          if (error != NULL)
            record_error (c, "read", error);
          return NULL;
        }
    }

  bytes = g_bytes_new (c->in->data, size);
  g_byte_array_remove_range (c->in, 0, size);
  return bytes;
}

static void
note_sent (Conn       *c,
           const char *data,
           gsize       len)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = g_strndup (data, len);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize n = strlen (lines[i]);
      gboolean last = lines[i + 1] == NULL;

      if (last && n == 0)
        break;
      if (n > 0 && lines[i][n - 1] == '\r')
        lines[i][n - 1] = '\0';
      note (c, "S:%s %s%s", c->tls ? " [TLS]" : "", lines[i], last ? " [no CRLF]" : "");
    }
}

static gboolean
conn_send_raw (Conn       *c,
               const char *data,
               gsize       len)
{
  SdTestServer *s = c->server;
  g_autoptr(GError) error = NULL;

  note_sent (c, data, len);

  if (!s->config.byte_by_byte)
    {
      if (sd_connection_write_all (c->conn, data, len, s->cancellable, &error))
        return TRUE;
      record_error (c, "write", error);
      return FALSE;
    }

  /* One send per byte (TCP_NODELAY is on), so the client's reader sees every split. */
  for (gsize i = 0; i < len; i++)
    {
      if (!sd_connection_write_all (c->conn, data + i, 1, s->cancellable, &error))
        {
          record_error (c, "write", error);
          return FALSE;
        }
      if (s->config.byte_delay_us > 0)
        g_usleep (s->config.byte_delay_us);
    }
  return TRUE;
}

static Step
reply (Conn       *c,
       const char *lines)
{
  g_autofree char *raw = g_strconcat (lines, "\r\n", NULL);

  return conn_send_raw (c, raw, strlen (raw)) ? STEP_CONTINUE : STEP_FAILED;
}

static Step
replyf (Conn       *c,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static Step
replyf (Conn       *c,
        const char *format,
        ...)
{
  g_autofree char *lines = NULL;
  va_list args;

  va_start (args, format);
  lines = g_strdup_vprintf (format, args);
  va_end (args);
  return reply (c, lines);
}

/* --- helpers ---------------------------------------------------------------------- */

static char *
verb_of (const char *line)
{
  const char *end = line;

  while (*end != '\0' && *end != ' ')
    end++;
  return g_ascii_strup (line, end - line);
}

static gboolean
where_matches (SdTestWhere where,
               gboolean    tls)
{
  return where == SD_TEST_ANY || (where == SD_TEST_TLS) == tls;
}

static const SdTestOverride *
find_override (Conn       *c,
               const char *verb)
{
  for (const SdTestOverride *o = c->server->overrides; o->verb != NULL; o++)
    if (g_ascii_strcasecmp (o->verb, verb) == 0 && where_matches (o->where, c->tls))
      return o;
  return NULL;
}

static const char * const *
current_caps (Conn *c)
{
  return c->tls ? c->server->config.ehlo_caps_tls : c->server->config.ehlo_caps;
}

/* The extension line whose keyword is @keyword ("AUTH PLAIN LOGIN" for "AUTH"). */
static const char *
find_cap (const char * const *caps,
          const char         *keyword)
{
  gsize n = strlen (keyword);

  for (guint i = 0; caps != NULL && caps[i] != NULL; i++)
    if (g_ascii_strncasecmp (caps[i], keyword, n) == 0 &&
        (caps[i][n] == '\0' || caps[i][n] == ' ' || caps[i][n] == '='))
      return caps[i];
  return NULL;
}

static gboolean
mechanism_offered (Conn       *c,
                   const char *mechanism)
{
  const char *line = find_cap (current_caps (c), "AUTH");
  g_auto(GStrv) words = NULL;
  g_autofree char *copy = NULL;

  if (line == NULL)
    return FALSE;
  copy = g_strdup (line + strlen ("AUTH"));
  g_strdelimit (copy, "=", ' ');
  words = g_strsplit (copy, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && g_ascii_strcasecmp (words[i], mechanism) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_base64 (const char *text)
{
  gsize len = strlen (text);
  gsize pad = 0;

  if (len % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char ch = text[i];
      if (ch == '=')
        pad++;
      else if (pad > 0 || !(g_ascii_isalnum (ch) || ch == '+' || ch == '/'))
        return FALSE;
    }
  return pad <= 2;
}

static void
reset_transaction (Conn *c)
{
  c->in_transaction = FALSE;
  c->n_rcpt = 0;
  g_byte_array_set_size (c->chunks, 0);
}

/* Replies with the test's override, or the default line(s). */
static Step
reply_or (Conn       *c,
          const char *configured,
          const char *fallback)
{
  return reply (c, configured != NULL ? configured : fallback);
}

/* --- TLS -------------------------------------------------------------------------- */

static Step
start_tls (Conn *c)
{
  SdTestServer *s = c->server;
  const SdTestCerts *certs = NULL;
  const char *cert = s->config.cert_pem;
  const char *key = s->config.key_pem;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTls) tls = NULL;
  SdTlsInfo *info;

  if (cert == NULL || key == NULL)
    {
      certs = sd_test_certs_get ();
      cert = certs->valid.cert_pem;
      key = certs->valid.key_pem;
    }

  /* What the client sent before the handshake does not belong to TLS; count it and
   * drop it, as Postfix does since CVE-2011-0411. */
  if (c->in->len > 0)
    {
      s->record.bytes_before_handshake += c->in->len;
      note (c, "-- %u bytes arrived before the handshake (dropped) --", c->in->len);
      g_byte_array_set_size (c->in, 0);
    }

  tls = sd_tls_new_server (sd_connection_get_socket (c->conn), cert, key,
                           s->config.priority, &error);
  if (tls == NULL || !sd_tls_handshake (tls, s->cancellable, &error))
    {
      g_free (s->record.tls_error);
      s->record.tls_error = g_strdup (error->message);
      note (c, "-- TLS handshake failed: %s --", error->message);
      return STEP_FAILED;
    }

  info = sd_tls_get_info (tls);
  note (c, "-- TLS established: %s %s --",
        info && info->version ? info->version : "?",
        info && info->cipher ? info->cipher : "?");
  sd_connection_set_tls (c->conn, g_steal_pointer (&tls));
  c->tls = TRUE;
  s->record.tls_established = TRUE;

  /* RFC 3207 4.2: everything learnt before TLS is forgotten. */
  c->greeted = FALSE;
  c->authenticated = FALSE;
  reset_transaction (c);
  return STEP_CONTINUE;
}

static Step
do_starttls (Conn *c)
{
  SdTestServer *s = c->server;
  g_autoptr(GString) raw = g_string_new (NULL);

  if (c->tls)
    return reply (c, "503 5.5.1 Error: TLS already active");
  if (find_cap (current_caps (c), "STARTTLS") == NULL)
    return reply (c, "502 5.5.1 Error: STARTTLS not offered");

  g_string_append (raw, s->config.starttls_reply);
  g_string_append (raw, "\r\n");
  if (s->config.inject_after_starttls != NULL)
    g_string_append (raw, s->config.inject_after_starttls);
  if (!conn_send_raw (c, raw->str, raw->len))
    return STEP_FAILED;

  if (!g_str_has_prefix (s->config.starttls_reply, "220"))
    return STEP_CONTINUE;
  return start_tls (c);
}

/* --- AUTH ------------------------------------------------------------------------- */

typedef enum {
  AUTH_OK,
  AUTH_BAD,       /* wrong credentials: 535 */
  AUTH_ANSWERED,  /* cancelled or undecodable: the 501 went out already */
} AuthOutcome;

/* Decodes a base64 line as RFC 4954 has it ("=" is an empty initial response);
 * NULL if it isn't base64. */
static GBytes *
decode_b64 (const char *text,
            gboolean    initial)
{
  gsize len = 0;
  guchar *data;

  if (initial && strcmp (text, "=") == 0)
    return g_bytes_new (NULL, 0);
  if (!is_base64 (text))
    return NULL;
  if (*text == '\0')
    return g_bytes_new (NULL, 0);
  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

/* Sends "334 <challenge>" and reads the answer. *@answer stays NULL (and *@outcome is
 * AUTH_ANSWERED) when the client cancelled or sent no base64. */
static Step
auth_exchange_b64 (Conn         *c,
                   const char   *b64,
                   GBytes      **answer,
                   AuthOutcome  *outcome)
{
  g_autofree char *line = NULL;
  gboolean crlf = TRUE;
  Step step;

  *answer = NULL;
  step = replyf (c, "334 %s", b64);
  if (step != STEP_CONTINUE)
    return step;

  line = conn_read_line (c, &crlf);
  if (line == NULL)
    return STEP_FAILED;
  record_command (c, line, TRUE);

  *outcome = AUTH_ANSWERED;
  if (strcmp (line, "*") == 0)
    return reply (c, "501 5.7.0 Authentication cancelled");
  *answer = decode_b64 (line, FALSE);
  if (*answer == NULL)
    return reply (c, "501 5.5.2 Cannot decode response");
  return STEP_CONTINUE;
}

static Step
auth_exchange (Conn         *c,
               const char   *challenge,
               GBytes      **answer,
               AuthOutcome  *outcome)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) challenge, strlen (challenge));

  return auth_exchange_b64 (c, b64, answer, outcome);
}

static gboolean
check_plain (Conn   *c,
             GBytes *bytes)
{
  const SdTestServerConfig *cfg = &c->server->config;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *nul1, *nul2, *passwd;
  gsize authzid_len, authcid_len, passwd_len;

  /* authzid NUL authcid NUL passwd */
  nul1 = len > 0 ? memchr (data, '\0', len) : NULL;
  if (nul1 == NULL)
    return FALSE;
  nul2 = memchr (nul1 + 1, '\0', len - (nul1 + 1 - data));
  if (nul2 == NULL)
    return FALSE;
  passwd = nul2 + 1;
  authzid_len = nul1 - data;
  authcid_len = nul2 - (nul1 + 1);
  passwd_len = data + len - passwd;

  /* An authzid other than the user would be a proxy login: refused. */
  if (authzid_len > 0 &&
      (authzid_len != strlen (cfg->auth_user) || memcmp (data, cfg->auth_user, authzid_len) != 0))
    return FALSE;
  return authcid_len == strlen (cfg->auth_user) &&
         memcmp (nul1 + 1, cfg->auth_user, authcid_len) == 0 &&
         passwd_len == strlen (cfg->auth_password) &&
         memcmp (passwd, cfg->auth_password, passwd_len) == 0;
}

static gboolean
bytes_equal_str (GBytes     *bytes,
                 const char *text)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return len == strlen (text) && (len == 0 || memcmp (data, text, len) == 0);
}

static Step
auth_plain (Conn        *c,
            const char  *initial,
            AuthOutcome *outcome)
{
  g_autoptr(GBytes) answer = NULL;

  if (initial != NULL)
    {
      answer = decode_b64 (initial, TRUE);
      if (answer == NULL)
        {
          *outcome = AUTH_ANSWERED;
          return reply (c, "501 5.5.2 Cannot decode response");
        }
    }
  else
    {
      Step step = auth_exchange (c, "", &answer, outcome);
      if (step != STEP_CONTINUE || answer == NULL)
        return step;
    }

  *outcome = check_plain (c, answer) ? AUTH_OK : AUTH_BAD;
  return STEP_CONTINUE;
}

static Step
auth_login (Conn        *c,
            const char  *initial,
            AuthOutcome *outcome)
{
  const SdTestServerConfig *cfg = &c->server->config;
  g_autoptr(GBytes) user = NULL;
  g_autoptr(GBytes) password = NULL;
  Step step;

  if (initial != NULL)
    {
      user = decode_b64 (initial, TRUE);
      if (user == NULL)
        {
          *outcome = AUTH_ANSWERED;
          return reply (c, "501 5.5.2 Cannot decode response");
        }
    }
  else
    {
      step = auth_exchange (c, "Username:", &user, outcome);
      if (step != STEP_CONTINUE || user == NULL)
        return step;
    }

  step = auth_exchange (c, "Password:", &password, outcome);
  if (step != STEP_CONTINUE || password == NULL)
    return step;

  *outcome = bytes_equal_str (user, cfg->auth_user) &&
             bytes_equal_str (password, cfg->auth_password) ? AUTH_OK : AUTH_BAD;
  return STEP_CONTINUE;
}

static Step
auth_cram_md5 (Conn        *c,
               AuthOutcome *outcome)
{
  const SdTestServerConfig *cfg = &c->server->config;
  g_autofree char *challenge = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *digest = NULL;
  g_autoptr(GBytes) answer = NULL;
  Step step;

  challenge = g_strdup_printf ("<%u.%" G_GINT64_FORMAT "@%s>", g_random_int (),
                               g_get_real_time () / G_USEC_PER_SEC, cfg->ehlo_domain);
  step = auth_exchange (c, challenge, &answer, outcome);
  if (step != STEP_CONTINUE || answer == NULL)
    return step;

  digest = g_compute_hmac_for_string (G_CHECKSUM_MD5,
                                      (const guchar *) cfg->auth_password,
                                      strlen (cfg->auth_password), challenge, -1);
  expected = g_strdup_printf ("%s %s", cfg->auth_user, digest);
  *outcome = bytes_equal_str (answer, expected) ? AUTH_OK : AUTH_BAD;
  return STEP_CONTINUE;
}

/* --- NTLM, XOAUTH2, OAUTHBEARER ------------------------------------------------------ */

static void
put_le16 (GByteArray *a,
          guint16     v)
{
  guint8 b[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (a, b, 2);
}

static void
put_le32 (GByteArray *a,
          guint32     v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (a, b, 4);
}

static void
put_av (GByteArray *a,
        guint16     id,
        const char *ascii)
{
  put_le16 (a, id);
  put_le16 (a, 2 * strlen (ascii));
  for (const char *p = ascii; *p; p++)
    put_le16 (a, (guchar) *p);
}

/* A type 2 like Exchange's: target "TESTDOM", names, a timestamp. */
static GBytes *
ntlm_type2 (const guint8 server_challenge[8])
{
  g_autoptr(GByteArray) info = g_byte_array_new ();
  GByteArray *msg = g_byte_array_new ();
  static const char target[] = "TESTDOM";
  guint64 now = sd_ntlm_filetime_from_unix_us (g_get_real_time ());
  guint32 flags = SD_NTLM_NEGOTIATE_UNICODE | SD_NTLM_REQUEST_TARGET | SD_NTLM_NEGOTIATE_NTLM |
                  SD_NTLM_NEGOTIATE_ALWAYS_SIGN | SD_NTLM_TARGET_TYPE_DOMAIN |
                  SD_NTLM_NEGOTIATE_EXTENDED_SECURITY | SD_NTLM_NEGOTIATE_TARGET_INFO |
                  SD_NTLM_NEGOTIATE_128 | SD_NTLM_NEGOTIATE_56;

  put_av (info, 2, "TESTDOM");
  put_av (info, 1, "TESTSRV");
  put_av (info, 4, "test.invalid");
  put_av (info, 3, "srv.test.invalid");
  put_le16 (info, 7);
  put_le16 (info, 8);
  put_le32 (info, now & 0xffffffffu);
  put_le32 (info, now >> 32);
  put_le32 (info, 0);

  g_byte_array_append (msg, (const guint8 *) "NTLMSSP", 8);
  put_le32 (msg, 2);
  put_le16 (msg, 2 * strlen (target));
  put_le16 (msg, 2 * strlen (target));
  put_le32 (msg, 48);
  put_le32 (msg, flags);
  g_byte_array_append (msg, server_challenge, 8);
  put_le32 (msg, 0);
  put_le32 (msg, 0);
  put_le16 (msg, info->len);
  put_le16 (msg, info->len);
  put_le32 (msg, 48 + 2 * strlen (target));
  for (const char *p = target; *p; p++)
    put_le16 (msg, (guchar) *p);
  g_byte_array_append (msg, info->data, info->len);

  return g_byte_array_free_to_bytes (msg);
}

/* A type 3 field as UTF-8 (NULL if outside the message). */
static gboolean
ntlm_field (const guint8  *data,
            gsize          len,
            gsize          at,
            const guint8 **field,
            gsize         *field_len)
{
  guint16 flen;
  guint32 offset;

  if (at + 8 > len)
    return FALSE;
  flen = data[at] | (data[at + 1] << 8);
  offset = data[at + 4] | (data[at + 5] << 8) | (data[at + 6] << 16) | ((guint32) data[at + 7] << 24);
  if ((guint64) offset + flen > len)
    return FALSE;
  *field = data + offset;
  *field_len = flen;
  return TRUE;
}

static char *
ntlm_utf16 (const guint8 *data,
            gsize         len)
{
  g_autofree gunichar2 *units = g_new0 (gunichar2, len / 2 + 1);

  for (gsize i = 0; i < len / 2; i++)
    units[i] = data[2 * i] | (data[2 * i + 1] << 8);
  return g_utf16_to_utf8 (units, len / 2, NULL, NULL, NULL);
}

/* Checks the NTProofStr the way a server does: from the NT hash of the password. */
static gboolean
check_ntlm_type3 (Conn         *c,
                  const guint8  server_challenge[8],
                  GBytes       *type3)
{
  const SdTestServerConfig *cfg = &c->server->config;
  SdTestRecord *record = &c->server->record;
  gsize len, lm_len, nt_len, dom_len, user_len;
  const guint8 *data = g_bytes_get_data (type3, &len);
  const guint8 *lm, *nt, *dom, *user;
  g_autofree char *user8 = NULL;
  g_autofree char *dom8 = NULL;
  guint8 nt_hash[16], ntowf[16], proof[16];
  gsize proof_len = sizeof proof;
  g_autoptr(GHmac) hmac = NULL;

  if (len < 64 || memcmp (data, "NTLMSSP", 8) != 0 || data[8] != 3 ||
      !ntlm_field (data, len, 12, &lm, &lm_len) || !ntlm_field (data, len, 20, &nt, &nt_len) ||
      !ntlm_field (data, len, 28, &dom, &dom_len) || !ntlm_field (data, len, 36, &user, &user_len) ||
      nt_len <= 24)
    return FALSE;

  user8 = ntlm_utf16 (user, user_len);
  dom8 = ntlm_utf16 (dom, dom_len);
  g_free (record->ntlm_user);
  record->ntlm_user = g_strdup (user8);
  g_free (record->ntlm_domain);
  record->ntlm_domain = g_strdup (dom8);
  record->ntlm_lm_zero = lm_len == 24;
  for (gsize i = 0; i < lm_len; i++)
    if (lm[i] != 0)
      record->ntlm_lm_zero = FALSE;

  if (user8 == NULL || dom8 == NULL || g_ascii_strcasecmp (user8, cfg->auth_user) != 0)
    return FALSE;
  if (cfg->ntlm_domain != NULL && g_ascii_strcasecmp (dom8, cfg->ntlm_domain) != 0)
    return FALSE;

  sd_ntlm_nt_hash (cfg->auth_password, nt_hash);
  sd_ntlm_ntowfv2 (nt_hash, user8, dom8, ntowf);
  hmac = g_hmac_new (G_CHECKSUM_MD5, ntowf, sizeof ntowf);
  g_hmac_update (hmac, server_challenge, 8);
  g_hmac_update (hmac, nt + 16, nt_len - 16);
  g_hmac_get_digest (hmac, proof, &proof_len);
  return memcmp (proof, nt, 16) == 0;
}

static Step
auth_ntlm (Conn        *c,
           const char  *initial,
           AuthOutcome *outcome)
{
  const SdTestServerConfig *cfg = &c->server->config;
  g_autoptr(GBytes) type1 = NULL;
  g_autoptr(GBytes) type2 = NULL;
  g_autoptr(GBytes) type3 = NULL;
  g_autofree char *b64 = NULL;
  guint8 server_challenge[8];
  Step step;

  if (initial != NULL)
    type1 = decode_b64 (initial, TRUE);
  else
    {
      step = auth_exchange (c, "", &type1, outcome);
      if (step != STEP_CONTINUE || type1 == NULL)
        return step;
    }
  if (type1 == NULL || g_bytes_get_size (type1) < 12 ||
      memcmp (g_bytes_get_data (type1, NULL), "NTLMSSP\0\1", 9) != 0)
    {
      *outcome = AUTH_ANSWERED;
      return reply (c, "501 5.5.2 Not an NTLM type 1 message");
    }

  for (guint i = 0; i < 8; i++)
    server_challenge[i] = g_random_int_range (0, 256);
  type2 = ntlm_type2 (server_challenge);
  b64 = cfg->ntlm_challenge_b64 != NULL
        ? g_strdup (cfg->ntlm_challenge_b64)
        : g_base64_encode (g_bytes_get_data (type2, NULL), g_bytes_get_size (type2));
  step = auth_exchange_b64 (c, b64, &type3, outcome);
  if (step != STEP_CONTINUE || type3 == NULL)
    return step;

  *outcome = check_ntlm_type3 (c, server_challenge, type3) ? AUTH_OK : AUTH_BAD;
  return STEP_CONTINUE;
}

/* The bearer token in "...\1auth=Bearer <token>\1..."; NULL if there is none. */
static char *
oauth_token_of (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "\001", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_has_prefix (parts[i], "auth=Bearer "))
      return g_strdup (parts[i] + strlen ("auth=Bearer "));
  return NULL;
}

static gboolean
check_oauth (Conn       *c,
             gboolean    bearer,
             GBytes     *answer)
{
  const SdTestServerConfig *cfg = &c->server->config;
  gsize len;
  const char *data = g_bytes_get_data (answer, &len);
  g_autofree char *text = len > 0 ? g_strndup (data, len) : g_strdup ("");
  g_autofree char *token = NULL;
  g_autofree char *user = NULL;

  if (!g_str_has_suffix (text, "\001\001"))
    return FALSE;
  if (bearer)
    {
      /* "n,a=<authzid>,\1...": =2C and =3D decoded. */
      const char *end = strchr (text, '\001');
      g_autofree char *gs2 = g_strndup (text, end - text);
      g_autofree char *a = NULL;
      GString *decoded = g_string_new (NULL);

      if (!g_str_has_prefix (gs2, "n,a=") || !g_str_has_suffix (gs2, ","))
        return g_string_free (decoded, TRUE), FALSE;
      a = g_strndup (gs2 + 4, strlen (gs2) - 5);
      for (const char *p = a; *p; p++)
        {
          if (g_str_has_prefix (p, "=2C"))
            g_string_append_c (decoded, ','), p += 2;
          else if (g_str_has_prefix (p, "=3D"))
            g_string_append_c (decoded, '='), p += 2;
          else
            g_string_append_c (decoded, *p);
        }
      user = g_string_free (decoded, FALSE);
    }
  else
    {
      if (!g_str_has_prefix (text, "user="))
        return FALSE;
      user = g_strndup (text + 5, strcspn (text + 5, "\001"));
    }
  token = oauth_token_of (text);
  return token != NULL && g_str_equal (user, cfg->auth_user) &&
         g_str_equal (token, cfg->auth_token);
}

static Step
auth_oauth (Conn        *c,
            gboolean     bearer,
            const char  *initial,
            AuthOutcome *outcome)
{
  const SdTestServerConfig *cfg = &c->server->config;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) ack = NULL;
  Step step;

  if (initial != NULL)
    answer = decode_b64 (initial, TRUE);
  else
    {
      step = auth_exchange (c, "", &answer, outcome);
      if (step != STEP_CONTINUE || answer == NULL)
        return step;
    }
  if (answer == NULL)
    {
      *outcome = AUTH_ANSWERED;
      return reply (c, "501 5.5.2 Cannot decode response");
    }
  if (check_oauth (c, bearer, answer))
    {
      *outcome = AUTH_OK;
      return STEP_CONTINUE;
    }

  /* Google's way: the error as base64 JSON, then 535 once the client answered. */
  step = auth_exchange (c, cfg->oauth_error_json, &ack, outcome);
  if (step != STEP_CONTINUE || ack == NULL)
    return step;
  {
    gsize len;
    const char *data = g_bytes_get_data (ack, &len);
    g_autofree char *text = len > 0 ? g_strndup (data, len) : g_strdup ("");
    g_free (c->server->record.oauth_error_answer);
    c->server->record.oauth_error_answer = g_strescape (text, NULL);
  }
  *outcome = AUTH_BAD;
  return STEP_CONTINUE;
}

static Step
do_auth (Conn       *c,
         const char *args)
{
  SdTestServer *s = c->server;
  g_auto(GStrv) words = NULL;
  g_autofree char *mechanism = NULL;
  const char *initial = NULL;
  AuthOutcome outcome = AUTH_BAD;
  Step step;

  if (find_cap (current_caps (c), "AUTH") == NULL)
    return reply (c, "503 5.5.1 Error: authentication not enabled");
  if (!c->greeted)
    return reply (c, "503 5.5.1 Error: send HELO/EHLO first");
  if (c->authenticated)
    return reply (c, "503 5.5.1 Error: already authenticated");

  words = g_strsplit (args != NULL ? args : "", " ", 3);
  if (words[0] == NULL || *words[0] == '\0' || (words[1] != NULL && words[2] != NULL))
    return reply (c, "501 5.5.4 Syntax: AUTH mechanism [initial-response]");
  mechanism = g_ascii_strup (words[0], -1);
  initial = words[1];
  if (!mechanism_offered (c, mechanism))
    return reply (c, "504 5.5.4 Unsupported authentication mechanism");

  g_free (s->record.auth_mechanism);
  s->record.auth_mechanism = g_strdup (mechanism);

  if (strcmp (mechanism, "PLAIN") == 0)
    step = auth_plain (c, initial, &outcome);
  else if (strcmp (mechanism, "LOGIN") == 0)
    step = auth_login (c, initial, &outcome);
  else if (strcmp (mechanism, "CRAM-MD5") == 0 && initial == NULL)
    step = auth_cram_md5 (c, &outcome);
  else if (strcmp (mechanism, "CRAM-MD5") == 0)
    return reply (c, "501 5.5.4 CRAM-MD5 takes no initial response");
  else if (strcmp (mechanism, "NTLM") == 0)
    step = auth_ntlm (c, initial, &outcome);
  else if (strcmp (mechanism, "XOAUTH2") == 0 || strcmp (mechanism, "OAUTHBEARER") == 0)
    step = auth_oauth (c, strcmp (mechanism, "OAUTHBEARER") == 0, initial, &outcome);
  else
    return reply (c, "504 5.5.4 Mechanism offered but not implemented by the test server");

  if (step != STEP_CONTINUE || outcome == AUTH_ANSWERED)
    return step;
  if (outcome == AUTH_OK)
    {
      c->authenticated = TRUE;
      s->record.authenticated = TRUE;
      return reply (c, "235 2.7.0 Authentication successful");
    }

  s->record.auth_failures++;
  step = reply (c, "535 5.7.8 Authentication credentials invalid");
  if (step != STEP_CONTINUE || !s->config.auth_close_after_fail)
    return step;
  step = reply (c, "221 2.7.0 Error: too many authentication failures");
  return step == STEP_CONTINUE ? STEP_QUIT : step;
}

/* --- the mail transaction ---------------------------------------------------------- */

static char *
path_of (const char *arg)
{
  const char *lt = strchr (arg, '<');
  const char *gt = lt ? strchr (lt, '>') : NULL;

  if (lt == NULL || gt == NULL)
    return g_strstrip (g_strdup (arg));
  return g_strndup (lt + 1, gt - lt - 1);
}

static Step
do_mail (Conn       *c,
         const char *line)
{
  const SdTestServerConfig *cfg = &c->server->config;
  const char *text = cfg->mail_reply ? cfg->mail_reply : "250 2.1.0 Ok";

  if (!c->greeted)
    return reply (c, "503 5.5.1 Error: send HELO/EHLO first");
  if (cfg->require_auth && !c->authenticated)
    return reply (c, "530 5.7.0 Authentication required");
  if (c->in_transaction)
    return reply (c, "503 5.5.1 Error: nested MAIL command");
  if (g_ascii_strncasecmp (line, "MAIL FROM:", strlen ("MAIL FROM:")) != 0)
    return reply (c, "501 5.5.4 Syntax: MAIL FROM:<address>");

  if (text[0] == '2')
    c->in_transaction = TRUE;
  return reply (c, text);
}

static gboolean
is_rejected (Conn       *c,
             const char *address)
{
  const char * const *reject = c->server->config.rcpt_reject;

  for (guint i = 0; reject != NULL && reject[i] != NULL; i++)
    if (g_ascii_strcasecmp (reject[i], address) == 0)
      return TRUE;
  return FALSE;
}

static Step
do_rcpt (Conn       *c,
         const char *line)
{
  const SdTestServerConfig *cfg = &c->server->config;
  const char *text = cfg->rcpt_reply ? cfg->rcpt_reply : "250 2.1.5 Ok";
  g_autofree char *address = NULL;

  if (!c->in_transaction)
    return reply (c, "503 5.5.1 Error: need MAIL command");
  if (g_ascii_strncasecmp (line, "RCPT TO:", strlen ("RCPT TO:")) != 0)
    return reply (c, "501 5.5.4 Syntax: RCPT TO:<address>");

  address = path_of (line + strlen ("RCPT TO:"));
  if (is_rejected (c, address))
    return reply (c, "550 5.1.1 User unknown");
  if (text[0] == '2')
    c->n_rcpt++;
  return reply (c, text);
}

static gboolean run_script (Conn       *c,
                            const char *verb,
                            Step       *step);

/* @verb: "." after DATA, so a script can close or stall before the final reply. */
static Step
finish_message (Conn       *c,
                GBytes     *message,
                const char *verb)
{
  const SdTestServerConfig *cfg = &c->server->config;
  SdTestRecord *record = &c->server->record;
  Step step;

  g_ptr_array_add (record->messages, g_bytes_ref (message));
  note (c, "-- message %u: %" G_GSIZE_FORMAT " bytes --",
        record->messages->len, g_bytes_get_size (message));
  reset_transaction (c);
  if (verb != NULL && run_script (c, verb, &step))
    return step;
  return replyf (c, "%s", cfg->data_end_reply ? cfg->data_end_reply
                                              : "250 2.0.0 Ok: queued as TEST0001");
}

static Step
do_data (Conn *c)
{
  const SdTestServerConfig *cfg = &c->server->config;
  g_autoptr(GByteArray) message = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  Step step;

  if (!c->in_transaction)
    return reply (c, "503 5.5.1 Error: need MAIL command");
  if (c->n_rcpt == 0)
    return reply (c, "554 5.5.1 Error: no valid recipients");

  step = reply_or (c, cfg->data_reply, "354 End data with <CR><LF>.<CR><LF>");
  if (step != STEP_CONTINUE || (cfg->data_reply != NULL && !g_str_has_prefix (cfg->data_reply, "354")))
    return step;

  for (;;)
    {
      gboolean crlf = TRUE;
      g_autofree char *line = conn_read_line (c, &crlf);
      const char *text = line;

      if (line == NULL)
        return STEP_FAILED;
      if (strcmp (line, ".") == 0)
        break;
      if (line[0] == '.')
        text++;
      if (message->len + strlen (text) + 2 > MAX_MESSAGE)
        {
          record_error (c, "message too large", NULL);
          return reply (c, "552 5.3.4 Message too big for the test server") == STEP_CONTINUE
                 ? STEP_CLOSE : STEP_FAILED;
        }
      g_byte_array_append (message, (const guint8 *) text, strlen (text));
      g_byte_array_append (message, (const guint8 *) (crlf ? "\r\n" : "\n"), crlf ? 2 : 1);
    }

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&message));
  return finish_message (c, bytes, ".");
}

static Step
do_bdat (Conn       *c,
         const char *args)
{
  g_auto(GStrv) words = g_strsplit (args != NULL ? args : "", " ", -1);
  g_autoptr(GBytes) chunk = NULL;
  guint64 size = 0;
  gboolean last = FALSE;

  if (!c->server->config.chunking)
    return reply (c, "502 5.5.1 Error: command not recognized");
  if (words[0] == NULL ||
      !g_ascii_string_to_unsigned (words[0], 10, 0, MAX_MESSAGE, &size, NULL) ||
      (words[1] != NULL && (g_ascii_strcasecmp (words[1], "LAST") != 0 || words[2] != NULL)))
    return reply (c, "501 5.5.4 Syntax: BDAT size [LAST]");
  last = words[1] != NULL;

  /* RFC 3030: the chunk is consumed even when the command fails. */
  chunk = conn_read_exact (c, size);
  if (chunk == NULL)
    return STEP_FAILED;
  note (c, "C:%s <%" G_GUINT64_FORMAT " bytes of BDAT data>", c->tls ? " [TLS]" : "", size);

  if (!c->in_transaction)
    return reply (c, "503 5.5.1 Error: need MAIL command");
  if (c->n_rcpt == 0)
    return reply (c, "554 5.5.1 Error: no valid recipients");
  if (c->chunks->len + size > MAX_MESSAGE)
    return reply (c, "552 5.3.4 Message too big for the test server");

  g_byte_array_append (c->chunks, g_bytes_get_data (chunk, NULL), size);
  if (!last)
    return replyf (c, "250 2.0.0 %" G_GUINT64_FORMAT " octets received", size);

  {
    g_autoptr(GBytes) message = g_bytes_new (c->chunks->data, c->chunks->len);
    return finish_message (c, message, NULL);
  }
}

/* --- dispatch ------------------------------------------------------------------------ */

static Step
do_ehlo (Conn       *c,
         const char *arg)
{
  const SdTestServerConfig *cfg = &c->server->config;
  const char * const *caps = current_caps (c);
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);

  if (arg == NULL || *arg == '\0')
    return reply (c, "501 5.5.4 Syntax: EHLO hostname");

  for (guint i = 0; caps != NULL && caps[i] != NULL; i++)
    g_ptr_array_add (lines, (gpointer) caps[i]);
  if (cfg->chunking && find_cap (caps, "CHUNKING") == NULL)
    g_ptr_array_add (lines, "CHUNKING");

  g_string_append_printf (text, "250%c%s Hello %s", lines->len > 0 ? '-' : ' ',
                          cfg->ehlo_domain, arg);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "\r\n250%c%s", i + 1 < lines->len ? '-' : ' ',
                            (const char *) lines->pdata[i]);

  c->greeted = TRUE;
  reset_transaction (c);
  return reply (c, text->str);
}

static Step
dispatch (Conn       *c,
          const char *verb,
          const char *line)
{
  const char *space = strchr (line, ' ');
  const char *args = space != NULL ? space + 1 : NULL;

  if (strcmp (verb, "EHLO") == 0)
    return do_ehlo (c, args);
  if (strcmp (verb, "HELO") == 0)
    {
      if (args == NULL || *args == '\0')
        return reply (c, "501 5.5.4 Syntax: HELO hostname");
      c->greeted = TRUE;
      reset_transaction (c);
      return replyf (c, "250 %s", c->server->config.ehlo_domain);
    }
  if (strcmp (verb, "STARTTLS") == 0)
    return do_starttls (c);
  if (strcmp (verb, "AUTH") == 0)
    return do_auth (c, args);
  if (strcmp (verb, "MAIL") == 0)
    return do_mail (c, line);
  if (strcmp (verb, "RCPT") == 0)
    return do_rcpt (c, line);
  if (strcmp (verb, "DATA") == 0)
    return do_data (c);
  if (strcmp (verb, "BDAT") == 0)
    return do_bdat (c, args);
  if (strcmp (verb, "RSET") == 0)
    {
      reset_transaction (c);
      return reply (c, "250 2.0.0 Ok");
    }
  if (strcmp (verb, "NOOP") == 0)
    return reply (c, "250 2.0.0 Ok");
  if (strcmp (verb, "QUIT") == 0)
    return reply (c, "221 2.0.0 Bye") == STEP_CONTINUE ? STEP_QUIT : STEP_FAILED;
  return reply (c, "502 5.5.2 Error: command not recognized");
}

/* The script for @verb, if it has one: close, stall or a raw override. */
static gboolean
run_script (Conn       *c,
            const char *verb,
            Step       *step)
{
  const SdTestServerConfig *cfg = &c->server->config;
  const SdTestOverride *override;

  if (cfg->close_after != NULL && g_ascii_strcasecmp (cfg->close_after, verb) == 0)
    {
      if (cfg->close_partial != NULL &&
          !conn_send_raw (c, cfg->close_partial, strlen (cfg->close_partial)))
        *step = STEP_FAILED;
      else
        *step = STEP_CLOSE;
      return TRUE;
    }
  if (cfg->stall_on != NULL && g_ascii_strcasecmp (cfg->stall_on, verb) == 0)
    {
      *step = STEP_STALL;
      return TRUE;
    }

  override = find_override (c, verb);
  if (override == NULL)
    return FALSE;
  if (*override->raw == '\0')
    {
      note (c, "-- %s ignored --", verb);
      *step = STEP_CONTINUE;
    }
  else
    *step = conn_send_raw (c, override->raw, strlen (override->raw)) ? STEP_CONTINUE
                                                                    : STEP_FAILED;
  return TRUE;
}

/* The script first, then the normal answer. */
static Step
handle (Conn       *c,
        const char *verb,
        const char *line)
{
  Step step;

  if (run_script (c, verb, &step))
    return step;
  if (line == NULL)   /* the greeting */
    return reply (c, c->server->config.greeting);
  return dispatch (c, verb, line);
}

/* Reads (and records) until the client goes, the test stops us, or a long while. */
static void
stall (Conn *c)
{
  gint64 deadline = g_get_monotonic_time () + MAX_STALL_S * G_USEC_PER_SEC;

  c->server->record.stalled = TRUE;
  note (c, "-- stalled --");
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GError) error = NULL;

      if (conn_fill (c, &error))
        continue;
      if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        break;
    }
}

/* Half-close, then read what the client still says until it closes too: the client
 * then sees the partial reply and a clean EOF, not a reset. */
static void
close_gently (Conn *c)
{
  GSocket *socket = sd_connection_get_socket (c->conn);

  note (c, "-- server closes --");
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      if (!conn_fill (c, &error))
        break;
    }
}

static void
serve (SdTestServer *s,
       GSocket      *socket,
       guint         index)
{
  Conn c = { 0 };
  Step step = STEP_CONTINUE;

  c.server = s;
  c.index = index;
  c.conn = sd_connection_new (socket, s->config.timeout_s);
  c.in = g_byte_array_new ();
  c.chunks = g_byte_array_new ();
  note (&c, "-- connection %u --", index);

  if (s->config.implicit_tls)
    step = start_tls (&c);
  if (step == STEP_CONTINUE)
    step = handle (&c, "GREETING", NULL);

  while (step == STEP_CONTINUE)
    {
      gboolean crlf = TRUE;
      g_autofree char *line = conn_read_line (&c, &crlf);
      g_autofree char *verb = NULL;

      if (line == NULL)
        {
          step = STEP_FAILED;
          break;
        }
      if (!crlf)
        s->record.bare_lf = TRUE;
      record_command (&c, line, FALSE);
      verb = verb_of (line);
      step = handle (&c, verb, line);
    }

  switch (step)
    {
    case STEP_QUIT:
      sd_connection_close (c.conn);
      break;
    case STEP_STALL:
      stall (&c);
      break;
    case STEP_CLOSE:
      close_gently (&c);
      break;
    case STEP_CONTINUE:
    case STEP_FAILED:
    default:
      break;
    }

  g_clear_pointer (&c.conn, sd_connection_free);
  g_byte_array_unref (c.in);
  g_byte_array_unref (c.chunks);
}

static gpointer
server_thread (gpointer data)
{
  SdTestServer *self = data;

  for (guint i = 0; i < self->config.n_connections; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (self->listener, self->cancellable, &error);

      if (socket == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_free (self->record.error);
              self->record.error = g_strdup_printf ("accept: %s", error->message);
            }
          break;
        }
      self->record.n_connections++;
      serve (self, socket, i);
    }

  g_mutex_lock (&self->lock);
  self->done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* --- public API --------------------------------------------------------------------- */

SdTestServer *
sd_test_server_new (const SdTestServerConfig  *config,
                    GError                   **error)
{
  g_autoptr(SdTestServer) self = g_new0 (SdTestServer, 1);
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  GSocketFamily family;

  self->strings = g_ptr_array_new_with_free_func (g_free);
  self->strvs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  record_init (&self->record);
  copy_config (self, config);
  self->cancellable = g_cancellable_new ();

  /* Loopback only: tests never talk to anything else. */
  family = config->ipv6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;
  loopback = g_inet_address_new_loopback (family);
  address = g_inet_socket_address_new (loopback, 0);
  self->listener = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (self->listener == NULL)
    return NULL;
  g_socket_set_blocking (self->listener, TRUE);
  g_socket_set_timeout (self->listener, self->config.timeout_s);
  g_socket_set_listen_backlog (self->listener, 4);
  if (!g_socket_bind (self->listener, address, FALSE, error) ||
      !g_socket_listen (self->listener, error))
    return NULL;
  bound = g_socket_get_local_address (self->listener, error);
  if (bound == NULL)
    return NULL;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  self->thread = g_thread_new ("sd-test-server", server_thread, self);
  return g_steal_pointer (&self);
}

guint16
sd_test_server_get_port (SdTestServer *self)
{
  return self->port;
}

gboolean
sd_test_server_wait (SdTestServer *self,
                     guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean done;

  g_mutex_lock (&self->lock);
  while (!self->done)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  done = self->done;
  g_mutex_unlock (&self->lock);
  return done;
}

void
sd_test_server_stop (SdTestServer *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
}

const SdTestRecord *
sd_test_server_get_record (SdTestServer *self)
{
  if (self->thread != NULL && !sd_test_server_wait (self, self->config.timeout_s * 1000))
    g_test_message ("test server still busy after %u s; stopping it", self->config.timeout_s);
  sd_test_server_stop (self);
  return &self->record;
}

void
sd_test_server_free (SdTestServer *self)
{
  if (self == NULL)
    return;
  sd_test_server_stop (self);
  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);
  record_clear (&self->record);
  g_clear_pointer (&self->overrides, g_free);
  g_clear_pointer (&self->strings, g_ptr_array_unref);
  g_clear_pointer (&self->strvs, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* --- assertions helpers ---------------------------------------------------------------- */

static gboolean
command_matches (const SdTestCommand *command,
                 const char          *verb,
                 SdTestWhere          where)
{
  gsize n = strlen (verb);

  return !command->auth_data &&
         where_matches (where, command->tls) &&
         g_ascii_strncasecmp (command->line, verb, n) == 0 &&
         (command->line[n] == '\0' || command->line[n] == ' ');
}

const char *
sd_test_record_find_command (const SdTestRecord *record,
                             const char         *verb,
                             SdTestWhere         where)
{
  for (guint i = 0; i < record->commands->len; i++)
    {
      const SdTestCommand *command = g_ptr_array_index (record->commands, i);
      if (command_matches (command, verb, where))
        return command->line;
    }
  return NULL;
}

gboolean
sd_test_record_has_command (const SdTestRecord *record,
                            const char         *verb,
                            SdTestWhere         where)
{
  return sd_test_record_find_command (record, verb, where) != NULL;
}

guint
sd_test_record_count_commands (const SdTestRecord *record,
                               const char         *verb,
                               SdTestWhere         where)
{
  guint n = 0;

  for (guint i = 0; i < record->commands->len; i++)
    if (command_matches (g_ptr_array_index (record->commands, i), verb, where))
      n++;
  return n;
}

static gboolean
bytes_contain (const GByteArray *bytes,
               const char       *needle)
{
  gsize n = strlen (needle);

  if (n == 0)
    return TRUE;
  for (gsize i = 0; i + n <= bytes->len; i++)
    if (g_ascii_strncasecmp ((const char *) bytes->data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

gboolean
sd_test_record_received_contains (const SdTestRecord *record,
                                  SdTestWhere         where,
                                  const char         *needle)
{
  return (where != SD_TEST_TLS && bytes_contain (record->received_plain, needle)) ||
         (where != SD_TEST_PLAIN && bytes_contain (record->received_tls, needle));
}
