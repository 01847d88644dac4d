/* sd-server.c: the built-in SMTP server
 *
 * Threads: the GSocketService accepts in the server's own thread and main context; each
 * session runs on a pool thread with blocking reads bounded by the idle timeout and the
 * server's GCancellable. Events, messages and finished sessions are queued under a lock
 * and emitted in batches on the main context of whoever started the server.
 *
 * Bounds: command lines (max_line), commands per session, message size (data beyond it
 * is read and dropped), sessions at once (421 beyond), idle time, session length.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-certgen.h"
#include "sd-connection.h"
#include "sd-secret.h"
#include "sd-server.h"

#define SD_SERVER_DEFAULT_HOSTNAME  "smtp-doctor.localhost"
#define SD_SERVER_DEFAULT_MAX_SIZE  (10 * 1024 * 1024)
#define SD_SERVER_READ_SIZE         (16 * 1024)
#define SD_SERVER_MAX_RCPT          100
#define SD_SERVER_MAX_AUTH_FAILURES 3
#define SD_SERVER_MAX_SESSION_S     3600     /* a trickling client cannot hold a slot longer */
#define SD_SERVER_SHOWN_DATA_LINES  200      /* message lines shown in the transcript */
#define SD_SERVER_SHOWN_LINE_MAX    1000
#define SD_SERVER_GREYLIST_MAX      10000
#define SD_SERVER_STOP_WAIT_S       10

G_DEFINE_QUARK (sd-server-error-quark, sd_server_error)

/* --- config ---------------------------------------------------------------------- */

static void
sd_server_account_free (SdServerAccount *account)
{
  g_free (account->user);
  sd_secret_free (account->password);
  g_free (account);
}

SdServerConfig *
sd_server_config_new (void)
{
  SdServerConfig *config = g_new0 (SdServerConfig, 1);

  config->starttls = TRUE;
  config->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_server_account_free);
  config->relay_domains = g_ptr_array_new_with_free_func (g_free);
  return config;
}

void
sd_server_config_free (SdServerConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->listen_address);
  g_free (config->hostname);
  g_free (config->cert_pem);
  sd_secret_free (config->key_pem);
  g_free (config->cert_dir);
  g_clear_pointer (&config->accounts, g_ptr_array_unref);
  g_clear_pointer (&config->relay_domains, g_ptr_array_unref);
  g_free (config->maildir);
  g_free (config);
}

void
sd_server_config_add_account (SdServerConfig *config,
                              const char     *user,
                              const char     *password)
{
  SdServerAccount *account = g_new0 (SdServerAccount, 1);

  account->user = g_strdup (user);
  account->password = g_strdup (password != NULL ? password : "");
  g_ptr_array_add (config->accounts, account);
}

void
sd_server_config_add_relay_domain (SdServerConfig *config,
                                   const char     *domain)
{
  g_ptr_array_add (config->relay_domains, g_ascii_strdown (domain, -1));
}

SdServerConfig *
sd_server_config_copy (const SdServerConfig *config)
{
  SdServerConfig *copy = sd_server_config_new ();
  GPtrArray *accounts = copy->accounts;
  GPtrArray *domains = copy->relay_domains;

  *copy = *config;
  copy->accounts = accounts;
  copy->relay_domains = domains;
  copy->listen_address = g_strdup (config->listen_address);
  copy->hostname = g_strdup (config->hostname);
  copy->cert_pem = g_strdup (config->cert_pem);
  copy->key_pem = g_strdup (config->key_pem);
  copy->cert_dir = g_strdup (config->cert_dir);
  copy->maildir = g_strdup (config->maildir);
  for (guint i = 0; config->accounts != NULL && i < config->accounts->len; i++)
    {
      const SdServerAccount *account = config->accounts->pdata[i];
      sd_server_config_add_account (copy, account->user, account->password);
    }
  for (guint i = 0; config->relay_domains != NULL && i < config->relay_domains->len; i++)
    sd_server_config_add_relay_domain (copy, config->relay_domains->pdata[i]);
  return copy;
}

/* Fills in the defaults so the rest of the code never looks at a 0. */
static void
sd_server_config_settle (SdServerConfig *config)
{
  if (config->hostname == NULL)
    config->hostname = g_strdup (SD_SERVER_DEFAULT_HOSTNAME);
  if (config->max_size == 0)
    config->max_size = SD_SERVER_DEFAULT_MAX_SIZE;
  if (config->max_messages == 0)
    config->max_messages = 100;
  if (config->max_line == 0)
    config->max_line = 4096;
  config->max_line = MAX (config->max_line, 1000);   /* RFC 5321 4.5.3.1.4/6 */
  if (config->max_commands == 0)
    config->max_commands = 1000;
  if (config->max_sessions == 0)
    config->max_sessions = 50;
  if (config->idle_timeout_s == 0)
    config->idle_timeout_s = 300;
}

/* --- messages and session records ------------------------------------------------ */

SdServerMessage *
sd_server_message_copy (const SdServerMessage *message)
{
  SdServerMessage *copy = g_new0 (SdServerMessage, 1);

  copy->session_id = message->session_id;
  copy->mail_from = g_strdup (message->mail_from);
  copy->rcpt_to = g_strdupv (message->rcpt_to);
  copy->auth_user = g_strdup (message->auth_user);
  copy->tls = message->tls;
  copy->received = message->received;
  copy->data = g_bytes_ref (message->data);
  copy->path = g_strdup (message->path);
  return copy;
}

void
sd_server_message_free (SdServerMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->mail_from);
  g_strfreev (message->rcpt_to);
  g_free (message->auth_user);
  g_clear_pointer (&message->data, g_bytes_unref);
  g_free (message->path);
  g_free (message);
}

void
sd_server_session_free (SdServerSession *session)
{
  if (session == NULL)
    return;
  g_free (session->peer);
  g_free (session->ehlo_name);
  g_free (session->tls_version);
  g_free (session->auth_mechanism);
  g_free (session->auth_user);
  g_clear_pointer (&session->mail_from, g_ptr_array_unref);
  g_free (session->end_reason);
  g_clear_pointer (&session->events, g_ptr_array_unref);
  g_clear_pointer (&session->hints, g_ptr_array_unref);
  g_free (session);
}

/* --- the object ------------------------------------------------------------------ */

typedef enum {
  ITEM_STARTED,
  ITEM_EVENTS,
  ITEM_MESSAGE,
  ITEM_FINISHED,
} ItemKind;

/* One thing on its way to the caller's main context. */
typedef struct {
  ItemKind         kind;
  guint            id;
  char            *peer;
  GPtrArray       *events;
  SdServerMessage *message;
  SdServerSession *session;
} Item;

static void
item_free (Item *item)
{
  g_free (item->peer);
  g_clear_pointer (&item->events, g_ptr_array_unref);
  g_clear_pointer (&item->message, sd_server_message_free);
  g_clear_pointer (&item->session, sd_server_session_free);
  g_free (item);
}

struct _SdServer {
  GObject          parent_instance;
  SdServerConfig  *config;
  char            *cert_pem;
  char            *key_pem;
  char            *cert_path;
  char            *cert_sha256;

  GSocketService  *service;
  guint16          port;
  guint16          tls_port;
  GThread         *thread;
  GMainContext    *server_context;
  GMainLoop       *loop;
  GThreadPool     *pool;
  GCancellable    *cancellable;
  GMainContext    *caller_context;
  gboolean         started;

  GMutex           lock;          /* guards everything below */
  GQueue           items;         /* (element-type Item) */
  GSource         *flush_source;
  GQueue           messages;      /* (element-type SdServerMessage) */
  GHashTable      *greylist;      /* "ip\nfrom\nto" seen once */
  guint            n_active;
  guint            n_sessions;
  guint            n_files;
};

G_DEFINE_FINAL_TYPE (SdServer, sd_server, G_TYPE_OBJECT)

enum {
  SIGNAL_SESSION_STARTED,
  SIGNAL_SESSION_EVENTS,
  SIGNAL_MESSAGE_RECEIVED,
  SIGNAL_SESSION_FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static gboolean
sd_server_flush (gpointer user_data)
{
  SdServer *self = user_data;
  GQueue batch = G_QUEUE_INIT;
  Item *item;

  g_mutex_lock (&self->lock);
  batch = self->items;
  g_queue_init (&self->items);
  if (self->flush_source != NULL)
    g_source_destroy (self->flush_source);
  g_clear_pointer (&self->flush_source, g_source_unref);
  g_mutex_unlock (&self->lock);

  while ((item = g_queue_pop_head (&batch)) != NULL)
    {
      switch (item->kind)
        {
        case ITEM_STARTED:
          g_signal_emit (self, signals[SIGNAL_SESSION_STARTED], 0, item->id, item->peer);
          break;
        case ITEM_EVENTS:
          g_signal_emit (self, signals[SIGNAL_SESSION_EVENTS], 0, item->id, item->events);
          break;
        case ITEM_MESSAGE:
          g_signal_emit (self, signals[SIGNAL_MESSAGE_RECEIVED], 0, item->id, item->message);
          break;
        case ITEM_FINISHED:
          g_signal_emit (self, signals[SIGNAL_SESSION_FINISHED], 0, item->id, item->session);
          break;
        default:
          g_assert_not_reached ();
        }
      item_free (item);
    }
  return G_SOURCE_REMOVE;
}

/* Called with the lock held: at most one flush is scheduled at a time. */
static void
sd_server_schedule_flush_locked (SdServer *self)
{
  if (self->flush_source != NULL || self->caller_context == NULL)
    return;
  self->flush_source = g_idle_source_new ();
  g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->flush_source, sd_server_flush, g_object_ref (self), g_object_unref);
  g_source_attach (self->flush_source, self->caller_context);
}

static void
sd_server_queue (SdServer *self,
                 Item     *item)
{
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->items, item);
  sd_server_schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);
}

/* Events of one session join the last batch if it is that session's. */
static void
sd_server_queue_event (SdServer      *self,
                       guint          id,
                       const SdEvent *event)
{
  Item *last;

  g_mutex_lock (&self->lock);
  last = g_queue_peek_tail (&self->items);
  if (last == NULL || last->kind != ITEM_EVENTS || last->id != id)
    {
      last = g_new0 (Item, 1);
      last->kind = ITEM_EVENTS;
      last->id = id;
      last->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_event_free);
      g_queue_push_tail (&self->items, last);
    }
  g_ptr_array_add (last->events, sd_event_copy (event));
  sd_server_schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);
}

/* --- one session ----------------------------------------------------------------- */

typedef enum {
  STEP_CONTINUE,
  STEP_CLOSE,     /* we said goodbye (221 or 421) */
  STEP_FAILED,    /* the connection is gone or broken */
} Step;

typedef struct {
  SdServer             *server;
  const SdServerConfig *cfg;
  GSocketConnection    *gconn;
  SdConnection         *conn;
  SdServerSession      *info;
  char                 *peer_ip;
  GByteArray           *in;
  GString              *out;
  gint64                t0;
  gint64                deadline;
  SdStage               stage;
  gboolean              tls;
  gboolean              greeted;
  gboolean              authenticated;
  char                 *auth_user;
  guint                 n_commands;
  /* the mail transaction */
  gboolean              in_transaction;
  char                 *mail_from;
  GPtrArray            *rcpt;
  gboolean              body_8bit;
  guint                 n_messages;
} Session;

static void
session_emit (Session     *s,
              SdDirection  direction,
              gboolean     redacted,
              const char  *text)
{
  SdEvent *event = sd_event_new (g_get_monotonic_time () - s->t0, s->stage, direction,
                                 s->tls, text);

  event->redacted = redacted;
  sd_server_queue_event (s->server, s->info->id, event);
  g_ptr_array_add (s->info->events, event);
}

G_GNUC_PRINTF (3, 4)
static void
session_emitf (Session     *s,
               SdDirection  direction,
               const char  *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  session_emit (s, direction, FALSE, text);
}

static void
session_set_end (Session    *s,
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
static gboolean
session_flush (Session *s)
{
  g_autoptr(GError) error = NULL;

  if (s->out->len == 0)
    return TRUE;
  if (!sd_connection_write_all (s->conn, s->out->str, s->out->len, s->server->cancellable, &error))
    {
      g_string_truncate (s->out, 0);
      if (!is_eof_error (error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        session_emitf (s, SD_DIRECTION_ERROR, _("Sending failed: %s"), error->message);
      session_set_end (s, "write failed");
      return FALSE;
    }
  g_string_truncate (s->out, 0);
  return TRUE;
}

/* Queues one reply; "\n" separates the lines of a multi-line reply. */
static Step
session_reply (Session    *s,
               const char *lines)
{
  g_auto(GStrv) split = g_strsplit (lines, "\n", -1);

  for (guint i = 0; split[i] != NULL; i++)
    {
      g_string_append (s->out, split[i]);
      g_string_append (s->out, "\r\n");
      session_emit (s, SD_DIRECTION_SENT, FALSE, split[i]);
    }
  return STEP_CONTINUE;
}

G_GNUC_PRINTF (2, 3)
static Step
session_replyf (Session    *s,
                const char *format,
                ...)
{
  g_autofree char *lines = NULL;
  va_list args;

  va_start (args, format);
  lines = g_strdup_vprintf (format, args);
  va_end (args);
  return session_reply (s, lines);
}

/* A goodbye: the reply goes out now and the session ends. */
static Step
session_close_with (Session    *s,
                    const char *lines,
                    const char *reason)
{
  session_reply (s, lines);
  session_flush (s);
  session_set_end (s, reason);
  return STEP_CLOSE;
}

/* Blocks for more input (after sending what is queued). FALSE when the session must end;
 * the reason is recorded and, for a timeout, the client is told. */
static gboolean
session_fill (Session *s)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[SD_SERVER_READ_SIZE];
  gssize n;

  if (!session_flush (s))
    return FALSE;
  if (g_get_monotonic_time () > s->deadline)
    {
      session_close_with (s, "421 4.4.2 Session too long, closing connection", "session too long");
      return FALSE;
    }

  n = sd_connection_read (s->conn, (char *) buffer, sizeof buffer, s->server->cancellable, &error);
  if (n > 0)
    {
      g_byte_array_append (s->in, buffer, n);
      return TRUE;
    }
  if (n == 0 || is_eof_error (error))
    {
      session_emit (s, SD_DIRECTION_INFO, FALSE, _("The client closed the connection"));
      session_set_end (s, "closed");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* Translators: %u is a number of seconds. */
      session_emitf (s, SD_DIRECTION_WARNING, _("Nothing from the client for %u s"),
                     s->cfg->idle_timeout_s);
      session_close_with (s, "421 4.4.2 Idle timeout, closing connection", "idle timeout");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The server is stopping: a courtesy goodbye, which may well fail. */
      g_autoptr(GError) ignored = NULL;
      static const char bye[] = "421 4.3.2 Server shutting down\r\n";
      session_emit (s, SD_DIRECTION_SENT, FALSE, "421 4.3.2 Server shutting down");
      g_socket_set_timeout (sd_connection_get_socket (s->conn), 1);
      sd_connection_write_all (s->conn, bye, strlen (bye), NULL, &ignored);
      session_set_end (s, "server stopped");
    }
  else
    {
      session_emitf (s, SD_DIRECTION_ERROR, _("Receiving failed: %s"), error->message);
      session_set_end (s, "read failed");
    }
  return FALSE;
}

typedef enum {
  LINE_OK,
  LINE_TOO_LONG,   /* consumed and dropped */
  LINE_END,        /* the session must end */
} LineResult;

/* The next line without CRLF. Memory stays within max_line + one read: a longer line is
 * dropped as it arrives, up to its end. */
static LineResult
session_read_line (Session  *s,
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
      if (!session_fill (s))
        return LINE_END;
    }
}

static void
session_reset_transaction (Session *s)
{
  s->in_transaction = FALSE;
  g_clear_pointer (&s->mail_from, g_free);
  g_ptr_array_set_size (s->rcpt, 0);
  s->body_8bit = FALSE;
}

static gboolean
session_auth_available (Session *s)
{
  return s->cfg->accept_any_auth || s->cfg->accounts->len > 0;
}

static gboolean
session_starttls_available (Session *s)
{
  return s->cfg->starttls && !s->tls && s->server->cert_pem != NULL;
}

/* --- EHLO, HELO, STARTTLS --------------------------------------------------------- */

static Step
do_ehlo (Session    *s,
         const char *verb,
         const char *args)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean helo = g_str_equal (verb, "HELO");

  s->stage = SD_STAGE_EHLO;
  if (args == NULL || *args == '\0')
    return session_replyf (s, "501 5.5.4 Syntax: %s hostname", verb);

  g_free (s->info->ehlo_name);
  s->info->ehlo_name = g_strdup (args);
  s->info->used_helo = helo;
  s->greeted = TRUE;
  session_reset_transaction (s);
  if (helo)
    return session_replyf (s, "250 %s", s->cfg->hostname);

  g_string_append_printf (text, "250-%s Hello %s\n", s->cfg->hostname, args);
  g_string_append_printf (text, "250-SIZE %" G_GUINT64_FORMAT "\n", s->cfg->max_size);
  g_string_append (text, "250-PIPELINING\n250-8BITMIME\n250-ENHANCEDSTATUSCODES\n");
  if (session_starttls_available (s))
    {
      g_string_append (text, "250-STARTTLS\n");
      s->info->starttls_offered = TRUE;
    }
  if (session_auth_available (s) && (s->tls || !s->cfg->require_tls_for_auth))
    g_string_append (text, "250-AUTH PLAIN LOGIN CRAM-MD5\n");
  g_string_append (text, "250 HELP");
  return session_reply (s, text->str);
}

/* A GnuTLS priority string for the oldest TLS version allowed; NULL: the default. */
static const char *
tls_min_version_priority (guint version)
{
  switch (version)
    {
    case 12: return "NORMAL:-VERS-TLS1.1:-VERS-TLS1.0";
    case 13: return "NORMAL:-VERS-TLS1.2:-VERS-TLS1.1:-VERS-TLS1.0";
    default: return NULL;
    }
}

static Step
session_start_tls (Session *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTls) tls = NULL;
  SdTlsInfo *info;

  s->stage = SD_STAGE_TLS;
  session_emit (s, SD_DIRECTION_INFO, FALSE, _("Starting the TLS handshake"));
  tls = sd_tls_new_server (sd_connection_get_socket (s->conn), s->server->cert_pem,
                           s->server->key_pem,
                           tls_min_version_priority (s->server->config->tls_min_version),
                           &error);
  if (tls == NULL || !sd_tls_handshake (tls, s->server->cancellable, &error))
    {
      session_emitf (s, SD_DIRECTION_ERROR, _("TLS handshake failed: %s"), error->message);
      session_set_end (s, "TLS handshake failed");
      return STEP_FAILED;
    }
  info = sd_tls_get_info (tls);
  sd_connection_set_tls (s->conn, g_steal_pointer (&tls));
  s->tls = TRUE;
  s->info->tls = TRUE;
  g_free (s->info->tls_version);
  s->info->tls_version = g_strdup (info != NULL ? info->version : NULL);
  session_emitf (s, SD_DIRECTION_INFO, "TLS established: %s, %s",
                 info && info->version ? info->version : "?",
                 info && info->cipher ? info->cipher : "?");

  /* RFC 3207 4.2: everything learnt before TLS is forgotten. */
  s->greeted = FALSE;
  s->authenticated = FALSE;
  g_clear_pointer (&s->auth_user, g_free);
  session_reset_transaction (s);
  return STEP_CONTINUE;
}

static Step
do_starttls (Session    *s,
             const char *args)
{
  s->stage = SD_STAGE_STARTTLS;
  if (s->tls)
    return session_reply (s, "503 5.5.1 Error: TLS already active");
  if (!session_starttls_available (s))
    return session_reply (s, "502 5.5.1 Error: STARTTLS not offered");
  if (args != NULL)
    return session_reply (s, "501 5.5.4 Syntax: STARTTLS");

  session_reply (s, "220 2.0.0 Ready to start TLS");
  if (!session_flush (s))
    return STEP_FAILED;
  /* Bytes pipelined after STARTTLS would be taken as sent inside TLS: drop them
   * (CVE-2011-0411) and say so. */
  if (s->in->len > 0)
    {
      session_emitf (s, SD_DIRECTION_WARNING,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The client sent %u byte after STARTTLS before the "
                                  "handshake; discarded",
                                  "The client sent %u bytes after STARTTLS before the "
                                  "handshake; discarded", s->in->len), s->in->len);
      g_byte_array_set_size (s->in, 0);
    }
  if (session_start_tls (s) != STEP_CONTINUE)
    return STEP_FAILED;
  s->info->starttls_used = TRUE;
  return STEP_CONTINUE;
}

/* --- AUTH -------------------------------------------------------------------------- */

typedef enum {
  AUTH_OK,
  AUTH_BAD,        /* 535 */
  AUTH_ANSWERED,   /* cancelled or malformed: a 501 went out already */
  AUTH_ENDED,      /* the connection went */
} AuthOutcome;

static gboolean
is_base64 (const char *text)
{
  gsize len = strlen (text), pad = 0;

  if (len % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '=')
        pad++;
      else if (pad > 0 || !(g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '/'))
        return FALSE;
    }
  return pad <= 2;
}

/* NULL when @text isn't base64; "=" is an empty initial response (RFC 4954). */
static GBytes *
decode_b64 (const char *text,
            gboolean    initial)
{
  guchar *data;
  gsize len = 0;

  if ((initial && g_str_equal (text, "=")) || *text == '\0')
    return g_bytes_new (NULL, 0);
  if (!is_base64 (text))
    return NULL;
  data = g_base64_decode (text, &len);
  return sd_secret_bytes_take (data, len);
}

/* Printable, bounded copy of a user name for the transcript. */
static char *
shown_user (const char *data,
            gsize       len)
{
  g_autofree char *raw = g_strndup (data, MIN (len, 256));
  return g_utf8_make_valid (raw, -1);
}

/* Sends 334 with @challenge and reads the answer without showing it. NULL answer with
 * AUTH_ANSWERED when the client cancelled or sent no base64. */
static AuthOutcome
auth_exchange (Session     *s,
               const char  *challenge,
               GBytes     **answer,
               char       **line_out)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) challenge, strlen (challenge));
  char *line = NULL;
  gsize len = 0;
  LineResult result;

  *answer = NULL;
  session_replyf (s, "334 %s", b64);
  result = session_read_line (s, &line, &len);
  if (result == LINE_END)
    return AUTH_ENDED;
  if (result == LINE_TOO_LONG)
    {
      session_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("[over-long response hidden]"));
      session_reply (s, "500 5.5.6 Authentication exchange line too long");
      return AUTH_ANSWERED;
    }
  if (g_str_equal (line, "*"))
    {
      session_emit (s, SD_DIRECTION_RECEIVED, FALSE, "*");
      sd_secret_free (line);
      session_reply (s, "501 5.7.0 Authentication cancelled");
      return AUTH_ANSWERED;
    }
  *answer = decode_b64 (line, FALSE);
  if (*answer == NULL)
    {
      session_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("[undecodable response hidden]"));
      sd_secret_free (line);
      session_reply (s, "501 5.5.2 Cannot decode response");
      return AUTH_ANSWERED;
    }
  if (line_out != NULL)
    *line_out = line;
  else
    sd_secret_free (line);
  return AUTH_OK;
}

static gboolean
secret_equal (const char *a,
              gsize       a_len,
              const char *b)
{
  gsize b_len = strlen (b);
  guint8 diff = a_len != b_len;

  /* Same time for every mismatch position, so a client learns nothing from timing. */
  for (gsize i = 0; i < a_len && i < b_len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

static const SdServerAccount *
find_account (Session    *s,
              const char *user,
              gsize       len)
{
  for (guint i = 0; i < s->cfg->accounts->len; i++)
    {
      const SdServerAccount *account = s->cfg->accounts->pdata[i];
      if (strlen (account->user) == len && memcmp (account->user, user, len) == 0)
        return account;
    }
  return NULL;
}

static AuthOutcome
check_password (Session    *s,
                const char *user,
                gsize       user_len,
                const char *password,
                gsize       password_len)
{
  const SdServerAccount *account;

  g_free (s->info->auth_user);
  s->info->auth_user = shown_user (user, user_len);
  if (s->cfg->accept_any_auth)
    {
      session_emitf (s, SD_DIRECTION_INFO,
                     /* Translators: %s is the user name the client sent. */
                     password_len > 0 ? _("Accept-any mode: user \"%s\" accepted, a password "
                                          "was given (not recorded)")
                                      : _("Accept-any mode: user \"%s\" accepted, the "
                                          "password was empty"),
                     s->info->auth_user);
      return AUTH_OK;
    }
  account = find_account (s, user, user_len);
  if (account == NULL)
    return AUTH_BAD;
  return secret_equal (password, password_len, account->password) ? AUTH_OK : AUTH_BAD;
}

static AuthOutcome
auth_plain_check (Session *s,
                  GBytes  *answer)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (answer, &len);
  const char *nul1 = len > 0 ? memchr (data, '\0', len) : NULL;
  const char *nul2 = nul1 != NULL ? memchr (nul1 + 1, '\0', len - (nul1 + 1 - data)) : NULL;
  gsize authzid_len, authcid_len;

  if (nul2 == NULL)
    return AUTH_BAD;
  authzid_len = nul1 - data;
  authcid_len = nul2 - (nul1 + 1);
  /* An authzid other than the user would be a proxy login: refused. */
  if (authzid_len > 0 && (authzid_len != authcid_len || memcmp (data, nul1 + 1, authcid_len) != 0))
    return AUTH_BAD;
  return check_password (s, nul1 + 1, authcid_len, nul2 + 1, data + len - (nul2 + 1));
}

static char *
plain_shown (GBytes *answer)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (answer, &len);
  const char *nul1 = len > 0 ? memchr (data, '\0', len) : NULL;
  const char *nul2 = nul1 != NULL ? memchr (nul1 + 1, '\0', len - (nul1 + 1 - data)) : NULL;
  g_autofree char *user = NULL;

  if (nul2 == NULL)
    return g_strdup (_("malformed PLAIN response hidden"));
  user = shown_user (nul1 + 1, nul2 - (nul1 + 1));
  /* Translators: %s is the user name the client sent. */
  return g_strdup_printf (_("user \"%s\", password hidden"), user);
}

static AuthOutcome
auth_plain (Session    *s,
            const char *initial)
{
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *line = NULL;

  if (initial != NULL)
    {
      answer = decode_b64 (initial, TRUE);
      if (answer == NULL)
        {
          session_emit (s, SD_DIRECTION_RECEIVED, TRUE,
                        _("AUTH PLAIN [undecodable response hidden]"));
          session_reply (s, "501 5.5.2 Cannot decode response");
          return AUTH_ANSWERED;
        }
      shown = plain_shown (answer);
      line = g_strdup_printf ("AUTH PLAIN [%s]", shown);
      session_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
    }
  else
    {
      AuthOutcome outcome;
      session_emit (s, SD_DIRECTION_RECEIVED, FALSE, "AUTH PLAIN");
      outcome = auth_exchange (s, "", &answer, NULL);
      if (outcome != AUTH_OK)
        return outcome;
      shown = plain_shown (answer);
      line = g_strdup_printf ("[%s]", shown);
      session_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
    }
  return auth_plain_check (s, answer);
}

static AuthOutcome
auth_login (Session    *s,
            const char *initial)
{
  g_autoptr(GBytes) user = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autofree char *name = NULL;
  g_autofree char *line = NULL;
  AuthOutcome outcome;
  gsize user_len = 0, password_len = 0;
  const char *user_data, *password_data;

  if (initial != NULL)
    {
      user = decode_b64 (initial, TRUE);
      if (user == NULL)
        {
          session_emit (s, SD_DIRECTION_RECEIVED, TRUE,
                        _("AUTH LOGIN [undecodable response hidden]"));
          session_reply (s, "501 5.5.2 Cannot decode response");
          return AUTH_ANSWERED;
        }
      user_data = g_bytes_get_data (user, &user_len);
      name = shown_user (user_data, user_len);
      /* Translators: %s is the user name the client sent. */
      line = g_strdup_printf (_("AUTH LOGIN [user name \"%s\"]"), name);
      session_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
    }
  else
    {
      session_emit (s, SD_DIRECTION_RECEIVED, FALSE, "AUTH LOGIN");
      outcome = auth_exchange (s, "Username:", &user, NULL);
      if (outcome != AUTH_OK)
        return outcome;
      user_data = g_bytes_get_data (user, &user_len);
      name = shown_user (user_data, user_len);
      /* Translators: %s is the user name the client sent. */
      line = g_strdup_printf (_("[user name \"%s\"]"), name);
      session_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
    }

  outcome = auth_exchange (s, "Password:", &password, NULL);
  if (outcome != AUTH_OK)
    return outcome;
  session_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("[password hidden]"));
  user_data = g_bytes_get_data (user, &user_len);
  password_data = g_bytes_get_data (password, &password_len);
  return check_password (s, user_data, user_len, password_data, password_len);
}

static AuthOutcome
auth_cram_md5 (Session *s)
{
  g_autofree char *challenge = NULL;
  g_autoptr(GBytes) answer = NULL;
  const SdServerAccount *account;
  const char *data, *space;
  gsize len = 0;
  AuthOutcome outcome;

  session_emit (s, SD_DIRECTION_RECEIVED, FALSE, "AUTH CRAM-MD5");
  challenge = g_strdup_printf ("<%u.%" G_GINT64_FORMAT "@%s>", g_random_int (),
                               g_get_real_time () / G_USEC_PER_SEC, s->cfg->hostname);
  outcome = auth_exchange (s, challenge, &answer, NULL);
  if (outcome != AUTH_OK)
    return outcome;

  /* "user SP 32-hex-digest"; the user may contain spaces, the digest doesn't. */
  data = g_bytes_get_data (answer, &len);
  space = len > 0 ? g_strrstr_len (data, len, " ") : NULL;
  if (space == NULL || data + len - (space + 1) != 32)
    {
      session_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("[malformed CRAM-MD5 response hidden]"));
      return AUTH_BAD;
    }
  g_free (s->info->auth_user);
  s->info->auth_user = shown_user (data, space - data);
  {
    /* Translators: %s is the user name the client sent. */
    g_autofree char *line = g_strdup_printf (_("[user \"%s\", digest hidden]"),
                                             s->info->auth_user);
    session_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
  }
  if (s->cfg->accept_any_auth)
    {
      session_emitf (s, SD_DIRECTION_INFO,
                     /* Translators: %s is the user name the client sent. */
                     _("Accept-any mode: user \"%s\" accepted (digest not checked)"),
                     s->info->auth_user);
      return AUTH_OK;
    }
  account = find_account (s, data, space - data);
  if (account == NULL)
    return AUTH_BAD;
  {
    g_autofree char *digest = g_compute_hmac_for_string (G_CHECKSUM_MD5,
                                                         (const guchar *) account->password,
                                                         strlen (account->password),
                                                         challenge, -1);
    return secret_equal (space + 1, 32, digest) ? AUTH_OK : AUTH_BAD;
  }
}

static Step
do_auth (Session    *s,
         const char *args)
{
  g_auto(GStrv) words = g_strsplit (args != NULL ? args : "", " ", 3);
  g_autofree char *mechanism = NULL;
  g_autofree char *verb_only = NULL;
  const char *initial;
  AuthOutcome outcome;

  s->stage = SD_STAGE_AUTH;
  mechanism = words[0] != NULL ? g_ascii_strup (words[0], -1) : g_strdup ("");
  initial = words[0] != NULL ? words[1] : NULL;
  /* What the transcript may show of the command line itself. */
  if (*mechanism == '\0')
    verb_only = g_strdup ("AUTH");
  else if (initial != NULL)
    /* Translators: %s is an AUTH mechanism (PLAIN, LOGIN…). */
    verb_only = g_strdup_printf (_("AUTH %s [initial response hidden]"), mechanism);
  else
    verb_only = g_strdup_printf ("AUTH %s", mechanism);

  if (!s->tls && s->info->starttls_offered)
    s->info->auth_before_tls = TRUE;
  if (*mechanism != '\0')
    {
      g_free (s->info->auth_mechanism);
      s->info->auth_mechanism = g_strdup (mechanism);
    }

  if (!session_auth_available (s) || !s->greeted || s->authenticated || s->in_transaction ||
      (s->cfg->require_tls_for_auth && !s->tls) || *mechanism == '\0' ||
      (words[1] != NULL && words[2] != NULL) ||
      !(g_str_equal (mechanism, "PLAIN") || g_str_equal (mechanism, "LOGIN") ||
        g_str_equal (mechanism, "CRAM-MD5")))
    {
      session_emit (s, SD_DIRECTION_RECEIVED, initial != NULL, verb_only);
      if (!session_auth_available (s))
        return session_reply (s, "503 5.5.1 Error: authentication not enabled");
      if (!s->greeted)
        return session_reply (s, "503 5.5.1 Error: send HELO/EHLO first");
      if (s->authenticated)
        return session_reply (s, "503 5.5.1 Error: already authenticated");
      if (s->in_transaction)
        return session_reply (s, "503 5.5.1 Error: MAIL transaction in progress");
      if (s->cfg->require_tls_for_auth && !s->tls)
        {
          /* What Exchange answers with "Offer basic authentication only after starting
           * TLS": the mechanism is unknown until TLS is up. */
          s->info->auth_refused_no_tls = TRUE;
          return session_reply (s, "504 5.7.4 Unrecognized authentication type");
        }
      if (*mechanism == '\0' || (words[1] != NULL && words[2] != NULL))
        return session_reply (s, "501 5.5.4 Syntax: AUTH mechanism [initial-response]");
      return session_reply (s, "504 5.5.4 Unrecognized authentication type");
    }

  if (g_str_equal (mechanism, "PLAIN"))
    outcome = auth_plain (s, initial);
  else if (g_str_equal (mechanism, "LOGIN"))
    outcome = auth_login (s, initial);
  else if (initial != NULL)
    {
      session_emit (s, SD_DIRECTION_RECEIVED, TRUE, verb_only);
      return session_reply (s, "501 5.5.4 CRAM-MD5 takes no initial response");
    }
  else
    outcome = auth_cram_md5 (s);

  if (outcome == AUTH_ENDED)
    return STEP_FAILED;
  if (outcome == AUTH_ANSWERED)
    return STEP_CONTINUE;
  if (outcome == AUTH_OK)
    {
      s->authenticated = TRUE;
      s->info->authenticated = TRUE;
      g_free (s->auth_user);
      s->auth_user = g_strdup (s->info->auth_user);
      return session_reply (s, "235 2.7.0 Authentication successful");
    }

  s->info->auth_failures++;
  if (s->info->auth_failures >= SD_SERVER_MAX_AUTH_FAILURES)
    return session_close_with (s, "421 4.7.0 Too many authentication failures, closing connection",
                               "too many authentication failures");
  return session_reply (s, "535 5.7.8 Authentication credentials invalid");
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

static Step
do_mail (Session    *s,
         const char *line)
{
  g_autofree char *from = NULL;
  g_auto(GStrv) params = NULL;
  const char *rest = NULL;

  s->stage = SD_STAGE_MAIL;
  if (!s->greeted)
    return session_reply (s, "503 5.5.1 Error: send HELO/EHLO first");
  if (s->in_transaction)
    return session_reply (s, "503 5.5.1 Error: nested MAIL command");
  if (s->cfg->require_auth && !s->authenticated)
    {
      s->info->mail_refused_no_auth = TRUE;
      return session_reply (s, "530 5.7.0 Authentication required");
    }
  from = parse_path (line, "MAIL FROM:", &rest);
  if (from == NULL)
    return session_reply (s, "501 5.5.4 Syntax: MAIL FROM:<address>");

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
            return session_reply (s, "501 5.5.4 Syntax: SIZE=number");
          if (size > s->cfg->max_size)
            return session_reply (s, "552 5.3.4 Message size exceeds fixed maximum message size");
        }
      else if (g_ascii_strcasecmp (p, "BODY=8BITMIME") == 0)
        s->body_8bit = TRUE;
      else if (g_ascii_strcasecmp (p, "BODY=7BIT") != 0)
        return session_replyf (s, "555 5.5.4 Unsupported option: %.64s", p);
    }

  s->in_transaction = TRUE;
  s->mail_from = g_strdup (from);
  if (s->info->mail_from->len < 100)
    g_ptr_array_add (s->info->mail_from, g_strdup (from));
  return session_replyf (s, "250 2.1.0 Sender <%s> OK", from);
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

static Step
do_rcpt (Session    *s,
         const char *line)
{
  g_autofree char *to = NULL;
  const char *rest = NULL;

  s->stage = SD_STAGE_RCPT;
  if (!s->in_transaction)
    return session_reply (s, "503 5.5.1 Error: need MAIL command");
  to = parse_path (line, "RCPT TO:", &rest);
  if (to == NULL || (*to == '\0'))
    return session_reply (s, "501 5.5.4 Syntax: RCPT TO:<address>");
  if (*rest != '\0')
    return session_replyf (s, "555 5.5.4 Unsupported option: %.64s", rest);
  if (strchr (to, '@') == NULL && g_ascii_strcasecmp (to, "postmaster") != 0)
    return session_reply (s, "501 5.1.3 Bad recipient address syntax");
  if (s->rcpt->len >= SD_SERVER_MAX_RCPT)
    return session_reply (s, "452 4.5.3 Too many recipients");
  if (!s->authenticated && strchr (to, '@') != NULL && !is_local_domain (s, domain_of (to)))
    {
      s->info->relay_refused++;
      return session_reply (s, "550 5.7.54 Unable to relay recipient in non-accepted domain");
    }
  if (s->cfg->greylist && greylist_first_try (s, to))
    {
      s->info->greylisted++;
      return session_reply (s, "451 4.7.1 Greylisted, please try again later");
    }
  g_ptr_array_add (s->rcpt, g_strdup (to));
  return session_replyf (s, "250 2.1.5 Recipient <%s> OK", to);
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
      session_emit (s, SD_DIRECTION_RECEIVED, FALSE, view->line->str);
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

/* Reads message data up to CRLF.CRLF, undoing dot-stuffing. Bytes beyond max_size are
 * read and dropped. NULL when the session ended; *@too_big when data was dropped. */
static GByteArray *
session_read_data (Session  *s,
                   gboolean *too_big)
{
  g_autoptr(GByteArray) message = g_byte_array_new ();
  DataView view = { g_string_new (NULL), 0, 0 };
  gboolean bol = TRUE, prev_cr = FALSE, eight = FALSE;
  int dot = 0;        /* 1: "." at a line start; 2: ".\r" */
  guint64 size = 0;
  gboolean done = FALSE;

  *too_big = FALSE;
  while (!done)
    {
      gsize i;

      if (s->in->len == 0 && !session_fill (s))
        {
          g_string_free (view.line, TRUE);
          return NULL;
        }
      for (i = 0; i < s->in->len && !done; i++)
        {
          guint8 b = s->in->data[i];
          guint8 store[2];
          guint n_store = 0;

          if (dot == 1)
            {
              dot = 0;
              if (b == '\r')
                {
                  dot = 2;
                  continue;
                }
            }
          else if (dot == 2)
            {
              dot = 0;
              if (b == '\n')
                {
                  done = TRUE;
                  continue;
                }
              store[n_store++] = '\r';
              prev_cr = TRUE;
            }
          else if (bol && b == '.')
            {
              dot = 1;          /* a stuffed dot, or the end */
              bol = FALSE;
              continue;
            }

          store[n_store++] = b;
          for (guint k = 0; k < n_store; k++)
            {
              guint8 c = store[k];

              if (c >= 0x80)
                eight = TRUE;
              if (c == '\n')
                {
                  if (!prev_cr)
                    s->info->bare_lf = TRUE;
                  bol = prev_cr;
                  data_view_end_line (s, &view);
                }
              else
                bol = FALSE;
              prev_cr = c == '\r';
              data_view_add (&view, c);
              size++;
              if (size <= s->cfg->max_size)
                g_byte_array_append (message, &c, 1);
            }
        }
      g_byte_array_remove_range (s->in, 0, i);
    }

  if (view.total > view.shown)
    session_emitf (s, SD_DIRECTION_INFO,
                   g_dngettext (GETTEXT_PACKAGE, "(%u more line of message data not shown)",
                                "(%u more lines of message data not shown)",
                                view.total - view.shown),
                   view.total - view.shown);
  {
    /* A 64-bit format would hide the string from xgettext: the number goes in as text. */
    g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, size);
    /* Translators: %s is a number of bytes. */
    session_emitf (s, SD_DIRECTION_INFO,
                   g_dngettext (GETTEXT_PACKAGE, "End of data: %s byte", "End of data: %s bytes",
                                size > G_MAXULONG ? G_MAXULONG : (gulong) size),
                   bytes);
  }
  g_string_free (view.line, TRUE);
  if (eight && !s->body_8bit)
    s->info->eightbit_undeclared = TRUE;
  *too_big = size > s->cfg->max_size;
  return g_steal_pointer (&message);
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
  message->auth_user = g_strdup (s->authenticated ? s->auth_user : NULL);
  message->tls = s->tls;
  message->received = g_get_real_time ();
  message->data = g_bytes_ref (data);

  if (server->config->maildir != NULL)
    {
      g_autoptr(GError) error = NULL;
      message->path = sd_server_write_eml (server, message, &error);
      if (message->path == NULL)
        session_emitf (s, SD_DIRECTION_WARNING, _("Could not write the message file: %s"),
                       error->message);
      else
        /* Translators: %s is a file name. */
        session_emitf (s, SD_DIRECTION_INFO, _("Message written to %s"), message->path);
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
  sd_server_queue (server, item);
}

static Step
do_data (Session    *s,
         const char *args)
{
  g_autoptr(GByteArray) message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean too_big = FALSE;

  s->stage = SD_STAGE_DATA;
  if (args != NULL)
    return session_reply (s, "501 5.5.4 Syntax: DATA");
  if (!s->in_transaction)
    return session_reply (s, "503 5.5.1 Error: need MAIL command");
  if (s->rcpt->len == 0)
    return session_reply (s, "554 5.5.1 Error: no valid recipients");

  session_reply (s, "354 End data with <CR><LF>.<CR><LF>");
  message = session_read_data (s, &too_big);
  if (message == NULL)
    return STEP_FAILED;
  if (too_big)
    {
      s->info->messages_too_big++;
      session_reset_transaction (s);
      return session_reply (s, "552 5.3.4 Message size exceeds fixed maximum message size");
    }

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&message));
  session_store (s, bytes);
  s->n_messages++;
  s->info->messages++;
  session_reset_transaction (s);
  return session_replyf (s, "250 2.0.0 Ok: queued as SD%u.%u", s->info->id, s->n_messages);
}

/* --- dispatch ---------------------------------------------------------------------- */

static Step
session_dispatch (Session    *s,
                  const char *line)
{
  const char *space = strchr (line, ' ');
  g_autofree char *verb = g_ascii_strup (line, space != NULL ? space - line : -1);
  const char *args = space != NULL && space[1] != '\0' ? space + 1 : NULL;

  /* AUTH shows its own line, with the secrets replaced. */
  if (!g_str_equal (verb, "AUTH"))
    session_emit (s, SD_DIRECTION_RECEIVED, FALSE, line);

  if (g_str_equal (verb, "EHLO") || g_str_equal (verb, "HELO"))
    return do_ehlo (s, verb, args);
  if (g_str_equal (verb, "STARTTLS"))
    return do_starttls (s, args);
  if (g_str_equal (verb, "AUTH"))
    return do_auth (s, args);
  if (g_str_equal (verb, "MAIL"))
    return do_mail (s, line);
  if (g_str_equal (verb, "RCPT"))
    return do_rcpt (s, line);
  if (g_str_equal (verb, "DATA"))
    return do_data (s, args);
  if (g_str_equal (verb, "RSET"))
    {
      session_reset_transaction (s);
      return session_reply (s, "250 2.0.0 Ok");
    }
  if (g_str_equal (verb, "NOOP"))
    return session_reply (s, "250 2.0.0 Ok");
  if (g_str_equal (verb, "VRFY"))
    return session_reply (s, "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery");
  if (g_str_equal (verb, "HELP"))
    return session_reply (s, "214-2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA\n"
                             "214 2.0.0 RSET NOOP VRFY HELP QUIT");
  if (g_str_equal (verb, "QUIT"))
    {
      s->stage = SD_STAGE_QUIT;
      s->info->client_quit = TRUE;
      return session_close_with (s, "221 2.0.0 Bye", "quit");
    }
  return session_reply (s, "500 5.5.2 Error: command not recognized");
}

static void
session_loop (Session *s)
{
  Step step = STEP_CONTINUE;

  while (step == STEP_CONTINUE)
    {
      g_autofree char *line = NULL;
      gsize len = 0;
      LineResult result = session_read_line (s, &line, &len);

      if (result == LINE_END)
        break;
      if (++s->n_commands > s->cfg->max_commands)
        {
          step = session_close_with (s, "421 4.7.0 Too many commands, closing connection",
                                     "too many commands");
          break;
        }
      if (result == LINE_TOO_LONG)
        {
          session_emitf (s, SD_DIRECTION_RECEIVED,
                         g_dngettext (GETTEXT_PACKAGE, "[a line longer than %u byte, dropped]",
                                      "[a line longer than %u bytes, dropped]",
                                      s->cfg->max_line),
                         s->cfg->max_line);
          step = session_reply (s, "500 5.5.2 Error: line too long");
          continue;
        }
      if (memchr (line, '\0', len) != NULL)
        {
          session_emit (s, SD_DIRECTION_RECEIVED, FALSE, _("[a line with a NUL byte]"));
          step = session_reply (s, "500 5.5.2 Error: NUL byte in command");
          continue;
        }
      step = session_dispatch (s, line);
    }
  session_flush (s);
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

typedef struct {
  GSocketConnection *connection;
  guint              id;
  gboolean           implicit_tls;
} Job;

static void
sd_server_run_session (gpointer data,
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
  s.t0 = g_get_monotonic_time ();
  s.deadline = s.t0 + (gint64) SD_SERVER_MAX_SESSION_S * G_USEC_PER_SEC;
  s.stage = SD_STAGE_CONNECT;
  s.in = g_byte_array_new ();
  s.out = g_string_new (NULL);
  s.rcpt = g_ptr_array_new_with_free_func (g_free);
  s.info = g_new0 (SdServerSession, 1);
  s.info->id = job->id;
  s.info->implicit_tls = job->implicit_tls;
  s.info->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_event_free);
  s.info->mail_from = g_ptr_array_new_with_free_func (g_free);

  remote = g_socket_connection_get_remote_address (job->connection, NULL);
  s.info->peer = remote != NULL ? address_to_string (remote, &s.peer_ip)
                                : (s.peer_ip = g_strdup ("?"), g_strdup ("?"));

  item = g_new0 (Item, 1);
  item->kind = ITEM_STARTED;
  item->id = job->id;
  item->peer = g_strdup (s.info->peer);
  sd_server_queue (self, item);

  s.conn = sd_connection_new (g_socket_connection_get_socket (job->connection),
                              self->config->idle_timeout_s);
  /* Translators: %s is the client's address and port (192.0.2.7:50123). */
  session_emitf (&s, SD_DIRECTION_INFO,
                 job->implicit_tls ? _("Connection from %s (implicit TLS)")
                                   : _("Connection from %s"), s.info->peer);

  if (!job->implicit_tls || session_start_tls (&s) == STEP_CONTINUE)
    {
      s.stage = SD_STAGE_GREETING;
      session_replyf (&s, "220 %s ESMTP SMTP Doctor built-in server", self->config->hostname);
      session_loop (&s);
    }
  session_set_end (&s, "closed");

  if (s.tls && s.info->client_quit)
    sd_tls_close (sd_connection_get_tls (s.conn), NULL);
  g_clear_pointer (&s.conn, sd_connection_free);
  g_io_stream_close (G_IO_STREAM (job->connection), NULL, NULL);
  /* Translators: %s is a short reason in English (quit, closed, idle timeout…), the
   * same word as in the JSON output. */
  session_emitf (&s, SD_DIRECTION_INFO, _("Session ended (%s)"), s.info->end_reason);

  s.info->hints = sd_server_session_hints (s.info, self->config);
  item = g_new0 (Item, 1);
  item->kind = ITEM_FINISHED;
  item->id = job->id;
  item->session = g_steal_pointer (&s.info);

  g_mutex_lock (&self->lock);
  self->n_active--;
  g_queue_push_tail (&self->items, item);
  sd_server_schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);

  session_reset_transaction (&s);
  g_ptr_array_unref (s.rcpt);
  g_byte_array_unref (s.in);
  g_string_free (s.out, TRUE);
  g_free (s.auth_user);
  g_free (s.peer_ip);
  g_object_unref (job->connection);
  g_free (job);
}

/* --- accepting --------------------------------------------------------------------- */

static gboolean
sd_server_on_incoming (GSocketService    *service,
                       GSocketConnection *connection,
                       GObject           *source_object,
                       gpointer           user_data)
{
  SdServer *self = user_data;
  gboolean full;
  Job *job;

  g_mutex_lock (&self->lock);
  full = self->n_active >= self->config->max_sessions;
  if (!full)
    {
      self->n_active++;
      self->n_sessions++;
    }
  job = full ? NULL : g_new0 (Job, 1);
  if (job != NULL)
    job->id = self->n_sessions;
  g_mutex_unlock (&self->lock);

  if (full)
    {
      /* A fresh socket's send buffer is empty: this small write cannot block. */
      static const char busy[] = "421 4.3.2 Too many connections, try again later\r\n";
      GSocket *socket = g_socket_connection_get_socket (connection);
      g_socket_set_blocking (socket, FALSE);
      g_socket_send (socket, busy, strlen (busy), NULL, NULL);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  job->connection = g_object_ref (connection);
  {
    g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
    if (local != NULL && G_IS_INET_SOCKET_ADDRESS (local) && self->tls_port != 0)
      job->implicit_tls = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) == self->tls_port;
  }
  g_thread_pool_push (self->pool, job, NULL);
  return TRUE;
}

static gpointer
sd_server_thread (gpointer data)
{
  SdServer *self = data;

  g_main_context_push_thread_default (self->server_context);
  g_socket_service_start (self->service);
  g_main_loop_run (self->loop);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_main_context_pop_thread_default (self->server_context);
  return NULL;
}

/* --- the certificate --------------------------------------------------------------- */

static char *
pem_sha256 (const char *pem)
{
  const char *begin = strstr (pem, "-----BEGIN CERTIFICATE-----");
  const char *end = begin != NULL ? strstr (begin, "-----END CERTIFICATE-----") : NULL;
  g_autofree char *b64 = NULL;
  g_autofree guchar *der = NULL;
  gsize len = 0;

  if (end == NULL)
    return NULL;
  begin += strlen ("-----BEGIN CERTIFICATE-----");
  b64 = g_strndup (begin, end - begin);
  der = g_base64_decode (g_strstrip (b64), &len);
  if (len == 0)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der, len);
}

gboolean
sd_server_load_or_make_certificate (const char  *dir,
                                    char       **cert_pem,
                                    char       **key_pem,
                                    char       **cert_path,
                                    GError     **error)
{
  g_autofree char *cert_file = g_build_filename (dir, "server-cert.pem", NULL);
  g_autofree char *key_file = g_build_filename (dir, "server-key.pem", NULL);
  g_autofree char *cert = NULL;
  char *key = NULL;
  g_autoptr(GError) local = NULL;
  static const char * const dns[] = { "localhost", NULL };
  static const char * const ips[] = { "127.0.0.1", "::1", NULL };
  SdCertRequest request = { 0 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (g_file_get_contents (cert_file, &cert, NULL, NULL) &&
      g_file_get_contents (key_file, &key, NULL, NULL))
    {
      g_autofree char *sha = pem_sha256 (cert);
      if (sha != NULL)
        {
          *cert_pem = g_steal_pointer (&cert);
          *key_pem = key;
          *cert_path = g_steal_pointer (&cert_file);
          return TRUE;
        }
      sd_secret_free (key);
      key = NULL;
    }
  g_clear_pointer (&cert, g_free);

  request.common_name = "localhost";
  request.dns_names = dns;
  request.ip_addresses = ips;
  request.not_before = now - 24 * 3600;
  request.not_after = now + 10 * 365 * 24 * 3600LL;
  request.key_type = SD_CERT_KEY_ECDSA_P256;
  if (!sd_certificate_generate (&request, &cert, &key, &local))
    {
      g_set_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_CERTIFICATE,
                   _("Cannot make the server certificate: %s"), local->message);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (key_file, key, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local) ||
      !g_file_set_contents_full (cert_file, cert, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_CERTIFICATE,
                   /* Translators: a folder, then the error. */
                   _("Cannot store the server certificate in %s: %s"), dir,
                   local != NULL ? local->message : g_strerror (errno));
      sd_secret_free (key);
      return FALSE;
    }
  *cert_pem = g_steal_pointer (&cert);
  *key_pem = key;
  *cert_path = g_steal_pointer (&cert_file);
  return TRUE;
}

/* --- public API ------------------------------------------------------------------- */

SdServer *
sd_server_new (const SdServerConfig *config)
{
  SdServer *self = g_object_new (SD_TYPE_SERVER, NULL);

  self->config = sd_server_config_copy (config);
  sd_server_config_settle (self->config);
  return self;
}

static gboolean
sd_server_add_port (SdServer      *self,
                    GInetAddress  *inet,
                    guint16        port,
                    guint16       *bound,
                    GError       **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &local))
    {
      g_autofree char *text = g_inet_address_to_string (inet);
      g_set_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_BIND,
                   /* Translators: an IP address, a port number, then the system's error. */
                   _("Cannot listen on %s port %u: %s"), text, port, local->message);
      return FALSE;
    }
  *bound = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return TRUE;
}

gboolean
sd_server_start (SdServer  *self,
                 GError   **error)
{
  SdServerConfig *cfg = self->config;
  g_autoptr(GInetAddress) inet = NULL;

  g_return_val_if_fail (SD_IS_SERVER (self), FALSE);

  if (self->started)
    {
      g_set_error_literal (error, SD_SERVER_ERROR, SD_SERVER_ERROR_RUNNING,
                           _("The server was started already"));
      return FALSE;
    }
  inet = g_inet_address_new_from_string (cfg->listen_address != NULL ? cfg->listen_address
                                                                     : "127.0.0.1");
  if (inet == NULL)
    {
      g_set_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_INVALID_CONFIG,
                   _("“%s” is not an IP address"), cfg->listen_address);
      return FALSE;
    }

  /* The name goes into every greeting and EHLO reply: no room for a second line. */
  for (const char *p = cfg->hostname; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f)
      {
        g_set_error_literal (error, SD_SERVER_ERROR, SD_SERVER_ERROR_INVALID_CONFIG,
                             _("The host name must be one word without control characters"));
        return FALSE;
      }

  if (cfg->cert_pem != NULL && cfg->key_pem != NULL)
    {
      self->cert_pem = g_strdup (cfg->cert_pem);
      self->key_pem = g_strdup (cfg->key_pem);
    }
  else if (cfg->starttls || cfg->implicit_tls)
    {
      g_autofree char *dir = cfg->cert_dir != NULL
                             ? g_strdup (cfg->cert_dir)
                             : g_build_filename (g_get_user_data_dir (), "smtp-doctor", NULL);
      if (!sd_server_load_or_make_certificate (dir, &self->cert_pem, &self->key_pem,
                                               &self->cert_path, error))
        return FALSE;
    }
  if (self->cert_pem != NULL)
    {
      self->cert_sha256 = pem_sha256 (self->cert_pem);
      if (self->cert_sha256 == NULL)
        {
          g_set_error_literal (error, SD_SERVER_ERROR, SD_SERVER_ERROR_CERTIFICATE,
                               _("The server certificate is not a PEM certificate"));
          return FALSE;
        }
    }

  self->service = g_object_new (G_TYPE_SOCKET_SERVICE, "active", FALSE, NULL);
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), 128);
  if (!sd_server_add_port (self, inet, cfg->port, &self->port, error) ||
      (cfg->implicit_tls && !sd_server_add_port (self, inet, cfg->tls_port, &self->tls_port, error)))
    {
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
      return FALSE;
    }
  g_signal_connect (self->service, "incoming", G_CALLBACK (sd_server_on_incoming), self);

  self->pool = g_thread_pool_new (sd_server_run_session, self, cfg->max_sessions, FALSE, NULL);
  self->cancellable = g_cancellable_new ();
  self->caller_context = g_main_context_ref_thread_default ();
  self->server_context = g_main_context_new ();
  self->loop = g_main_loop_new (self->server_context, FALSE);
  self->started = TRUE;
  self->thread = g_thread_new ("sd-server", sd_server_thread, self);
  return TRUE;
}

static gboolean
sd_server_quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
sd_server_stop (SdServer *self)
{
  g_return_if_fail (SD_IS_SERVER (self));

  if (self->thread != NULL)
    {
      g_main_context_invoke (self->server_context, sd_server_quit_loop, self->loop);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);

  /* What the sessions queued last is delivered now, if we are on that context. */
  if (self->caller_context != NULL && g_main_context_acquire (self->caller_context))
    {
      sd_server_flush (self);
      g_main_context_release (self->caller_context);
    }
}

guint16
sd_server_get_port (SdServer *self)
{
  return self->port;
}

guint16
sd_server_get_tls_port (SdServer *self)
{
  return self->tls_port;
}

const char *
sd_server_get_cert_pem (SdServer *self)
{
  return self->cert_pem;
}

const char *
sd_server_get_cert_path (SdServer *self)
{
  return self->cert_path;
}

const char *
sd_server_get_cert_sha256 (SdServer *self)
{
  return self->cert_sha256;
}

GPtrArray *
sd_server_get_messages (SdServer *self)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_server_message_free);

  g_mutex_lock (&self->lock);
  for (GList *l = self->messages.head; l != NULL; l = l->next)
    g_ptr_array_add (messages, sd_server_message_copy (l->data));
  g_mutex_unlock (&self->lock);
  return messages;
}

guint
sd_server_get_n_active (SdServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_active;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
sd_server_get_n_sessions (SdServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_sessions;
  g_mutex_unlock (&self->lock);
  return n;
}

/* --- GObject ------------------------------------------------------------------------- */

static void
sd_server_dispose (GObject *object)
{
  SdServer *self = SD_SERVER (object);

  if (self->started)
    sd_server_stop (self);
  G_OBJECT_CLASS (sd_server_parent_class)->dispose (object);
}

static void
sd_server_finalize (GObject *object)
{
  SdServer *self = SD_SERVER (object);

  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->server_context, g_main_context_unref);
  if (self->flush_source != NULL)
    g_source_destroy (self->flush_source);
  g_clear_pointer (&self->flush_source, g_source_unref);
  g_clear_pointer (&self->caller_context, g_main_context_unref);
  g_queue_clear_full (&self->items, (GDestroyNotify) item_free);
  g_queue_clear_full (&self->messages, (GDestroyNotify) sd_server_message_free);
  g_clear_pointer (&self->greylist, g_hash_table_unref);
  g_clear_pointer (&self->config, sd_server_config_free);
  g_free (self->cert_pem);
  sd_secret_free (self->key_pem);
  g_free (self->cert_path);
  g_free (self->cert_sha256);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (sd_server_parent_class)->finalize (object);
}

static void
sd_server_class_init (SdServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_server_dispose;
  object_class->finalize = sd_server_finalize;

  signals[SIGNAL_SESSION_STARTED] =
    g_signal_new ("session-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_SESSION_EVENTS] =
    g_signal_new ("session-events", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_PTR_ARRAY);
  signals[SIGNAL_MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_POINTER);
  signals[SIGNAL_SESSION_FINISHED] =
    g_signal_new ("session-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_POINTER);
}

static void
sd_server_init (SdServer *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->items);
  g_queue_init (&self->messages);
  self->greylist = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
