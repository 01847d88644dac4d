/* sd-listen-controller.c: the built-in server behind the Listen view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-listen-controller.h"

/* A long listen keeps the newest sessions only: memory stays bounded. */
#define SD_LISTEN_MAX_SESSIONS 500

struct _SdListenController
{
  GObject     parent_instance;
  SdServer   *server;
  GHashTable *sessions;   /* id -> SdListenSession */
  GQueue      order;      /* ids, oldest first */
};

G_DEFINE_FINAL_TYPE (SdListenController, sd_listen_controller, G_TYPE_OBJECT)

enum { SIGNAL_ADDED, SIGNAL_CHANGED, SIGNAL_RUNNING, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
sd_listen_session_free (SdListenSession *session)
{
  g_clear_pointer (&session->started, g_date_time_unref);
  g_free (session->peer);
  g_clear_pointer (&session->events, g_ptr_array_unref);
  g_clear_pointer (&session->session, sd_server_session_free);
  g_clear_pointer (&session->messages, g_ptr_array_unref);
  g_free (session);
}

char *
sd_listen_session_describe_result (const SdListenSession *session)
{
  if (session->session == NULL)
    return g_strdup (_("running"));
  if (session->session->messages > 0)
    /* Translators: how a session ended, then the number of messages it delivered. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u message", "%s, %u messages",
                                         session->session->messages),
                            session->session->end_reason, session->session->messages);
  return g_strdup (session->session->end_reason);
}

static void
on_started (SdServer           *server,
            guint               id,
            const char         *peer,
            SdListenController *self)
{
  SdListenSession *session = g_new0 (SdListenSession, 1);

  session->id = id;
  session->started = g_date_time_new_now_local ();
  session->peer = g_strdup (peer);
  session->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_event_free);
  session->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_server_message_free);
  g_hash_table_insert (self->sessions, GUINT_TO_POINTER (id), session);
  g_queue_push_tail (&self->order, GUINT_TO_POINTER (id));
  while (self->order.length > SD_LISTEN_MAX_SESSIONS)
    g_hash_table_remove (self->sessions, g_queue_pop_head (&self->order));
  g_signal_emit (self, signals[SIGNAL_ADDED], 0, id);
}

static void
on_events (SdServer           *server,
           guint               id,
           GPtrArray          *events,
           SdListenController *self)
{
  SdListenSession *session = g_hash_table_lookup (self->sessions, GUINT_TO_POINTER (id));

  if (session == NULL)
    return;
  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (session->events, sd_event_copy (events->pdata[i]));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, id);
}

static void
on_message (SdServer           *server,
            guint               id,
            SdServerMessage    *message,
            SdListenController *self)
{
  SdListenSession *session = g_hash_table_lookup (self->sessions, GUINT_TO_POINTER (id));

  if (session != NULL)
    g_ptr_array_add (session->messages, sd_server_message_copy (message));
}

/* The finished record has the whole transcript: it replaces the streamed copy. */
static void
on_finished (SdServer           *server,
             guint               id,
             SdServerSession    *record,
             SdListenController *self)
{
  SdListenSession *session = g_hash_table_lookup (self->sessions, GUINT_TO_POINTER (id));

  if (session == NULL)
    return;
  session->session = sd_server_session_copy (record);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, id);
}

gboolean
sd_listen_controller_start (SdListenController   *self,
                            const SdServerConfig *config,
                            GError              **error)
{
  g_autoptr(SdServer) server = NULL;

  g_return_val_if_fail (self->server == NULL, FALSE);
  server = sd_server_new (config);
  g_signal_connect (server, "session-started", G_CALLBACK (on_started), self);
  g_signal_connect (server, "session-events", G_CALLBACK (on_events), self);
  g_signal_connect (server, "message-received", G_CALLBACK (on_message), self);
  g_signal_connect (server, "session-finished", G_CALLBACK (on_finished), self);
  if (!sd_server_start (server, error))
    return FALSE;
  self->server = g_steal_pointer (&server);
  g_signal_emit (self, signals[SIGNAL_RUNNING], 0);
  return TRUE;
}

void
sd_listen_controller_stop (SdListenController *self)
{
  if (self->server == NULL)
    return;
  sd_server_stop (self->server);
  g_signal_handlers_disconnect_by_data (self->server, self);
  g_clear_object (&self->server);
  g_signal_emit (self, signals[SIGNAL_RUNNING], 0);
}

gboolean
sd_listen_controller_is_running (SdListenController *self)
{
  return self->server != NULL;
}

guint16
sd_listen_controller_get_port (SdListenController *self)
{
  return self->server != NULL ? sd_server_get_port (self->server) : 0;
}

const SdListenSession *
sd_listen_controller_get_session (SdListenController *self,
                                  guint               id)
{
  return g_hash_table_lookup (self->sessions, GUINT_TO_POINTER (id));
}

static void
sd_listen_controller_dispose (GObject *object)
{
  SdListenController *self = SD_LISTEN_CONTROLLER (object);

  if (self->server != NULL)
    {
      sd_server_stop (self->server);
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_clear_object (&self->server);
    }
  G_OBJECT_CLASS (sd_listen_controller_parent_class)->dispose (object);
}

static void
sd_listen_controller_finalize (GObject *object)
{
  SdListenController *self = SD_LISTEN_CONTROLLER (object);

  g_hash_table_unref (self->sessions);
  g_queue_clear (&self->order);
  G_OBJECT_CLASS (sd_listen_controller_parent_class)->finalize (object);
}

static void
sd_listen_controller_class_init (SdListenControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sd_listen_controller_dispose;
  object_class->finalize = sd_listen_controller_finalize;
  signals[SIGNAL_ADDED] = g_signal_new ("session-added", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_CHANGED] = g_signal_new ("session-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_RUNNING] = g_signal_new ("running-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
sd_listen_controller_init (SdListenController *self)
{
  self->sessions = g_hash_table_new_full (NULL, NULL, NULL,
                                          (GDestroyNotify) sd_listen_session_free);
  g_queue_init (&self->order);
}

SdListenController *
sd_listen_controller_new (void)
{
  return g_object_new (SD_TYPE_LISTEN_CONTROLLER, NULL);
}
