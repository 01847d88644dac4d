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

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-certgen.h"
#include "sd-server-connector.h"
#include "sd-secret.h"
#include "sd-server-private.h"

G_DEFINE_QUARK (sd-server-error-quark, sd_server_error)

/* --- the object ------------------------------------------------------------------ */

static void
item_free (Item *item)
{
  g_free (item->peer);
  g_clear_pointer (&item->events, g_ptr_array_unref);
  g_clear_pointer (&item->message, sd_server_message_free);
  g_clear_pointer (&item->session, sd_server_session_free);
  g_free (item);
}

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
void
_sd_server_schedule_flush_locked (SdServer *self)
{
  if (self->flush_source != NULL || self->caller_context == NULL)
    return;
  self->flush_source = g_idle_source_new ();
  g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->flush_source, sd_server_flush, g_object_ref (self), g_object_unref);
  g_source_attach (self->flush_source, self->caller_context);
}

void
_sd_server_queue (SdServer *self,
                  Item     *item)
{
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->items, item);
  _sd_server_schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);
}

/* Events of one session join the last batch if it is that session's. */
void
_sd_server_queue_event (SdServer      *self,
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
  _sd_server_schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);
}

/* --- accepting --------------------------------------------------------------------- */

static char *
connection_peer_ip (GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return g_strdup ("?");
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
}

/* Takes a slot, or says why not (with the lock held). Like Postfix's anvil: one address
 * cannot hold every slot. */
static const char *
sd_server_take_slot_locked (SdServer   *self,
                            const char *ip)
{
  guint from_ip = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_client, ip));

  if (self->n_active >= self->config->max_sessions)
    return "421 4.3.2 Too many connections, try again later\r\n";
  if (from_ip >= self->config->max_sessions_per_client)
    return "421 4.7.0 Error: too many connections from your address\r\n";
  g_hash_table_insert (self->per_client, g_strdup (ip), GUINT_TO_POINTER (from_ip + 1));
  self->n_active++;
  self->n_sessions++;
  return NULL;
}

/* Gives the slot back (with the lock held). */
void
_sd_server_release_slot_locked (SdServer   *self,
                                const char *ip)
{
  guint from_ip = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_client, ip));

  self->n_active--;
  if (from_ip <= 1)
    g_hash_table_remove (self->per_client, ip);
  else
    g_hash_table_insert (self->per_client, g_strdup (ip), GUINT_TO_POINTER (from_ip - 1));
}

static gboolean
sd_server_on_incoming (GSocketService    *service,
                       GSocketConnection *connection,
                       GObject           *source_object,
                       gpointer           user_data)
{
  SdServer *self = user_data;
  g_autofree char *ip = connection_peer_ip (connection);
  const char *refusal;
  Job *job;

  g_mutex_lock (&self->lock);
  refusal = sd_server_take_slot_locked (self, ip);
  job = refusal != NULL ? NULL : g_new0 (Job, 1);
  if (job != NULL)
    job->id = self->n_sessions;
  g_mutex_unlock (&self->lock);

  if (refusal != NULL)
    {
      /* A fresh socket's send buffer is empty: this small write cannot block. */
      GSocket *socket = g_socket_connection_get_socket (connection);
      g_socket_set_blocking (socket, FALSE);
      g_socket_send (socket, refusal, strlen (refusal), NULL, NULL);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  job->connection = g_object_ref (connection);
  job->ip = g_steal_pointer (&ip);
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
  _sd_server_config_settle (self->config);
  self->connector = sd_server_connector_lookup (self->config->connector);
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
  if (self->connector == NULL)
    {
      /* Unknown: the error names the known ones. */
      sd_server_config_apply_connector (cfg, cfg->connector, error);
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

  self->pool = g_thread_pool_new (_sd_server_run_session, self, cfg->max_sessions, FALSE, NULL);
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
  g_queue_clear_full (&self->rate_times, g_free);
  g_clear_pointer (&self->per_client, g_hash_table_unref);
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
  g_queue_init (&self->rate_times);
  self->greylist = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->per_client = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
