/* sd-session.c: the SMTP client state machine
 *
 * One blocking run per session, on a worker thread. Every network wait is bounded by the
 * socket's timeout and the GCancellable. Every line sent or received becomes an SdEvent;
 * secrets are replaced before an event is made, so no rendering can leak them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-auth.h"
#include "sd-session-private.h"

struct _SdSession {
  GObject     parent_instance;
  SdSettings *settings;
  SdSessionRepeatFunc repeat;
  gpointer    repeat_data;

  /* Events on their way from the worker to the caller's main context. */
  GMutex      lock;
  GPtrArray  *pending;
  GSource    *flush_source;
  GMainContext *context;
};

G_DEFINE_FINAL_TYPE (SdSession, sd_session, G_TYPE_OBJECT)

enum { SIGNAL_EVENTS, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
sd_run_quit (SdRun    *run,
             gboolean  quit_sent,
             GError  **error)
{
  g_autoptr(SdReply) reply = NULL;
  g_autoptr(GError) local = NULL;
  SdReply *last = g_steal_pointer (&run->report->reply);

  _sd_run_enter (run, SD_STAGE_QUIT);
  if (!quit_sent && !_sd_run_send (run, "QUIT", &local))
    _sd_run_emitf (run, SD_DIRECTION_WARNING, _("Could not send QUIT: %s"), local->message);
  else if ((reply = _sd_run_read_reply (run, "QUIT", &local)) == NULL)
    _sd_run_emitf (run, SD_DIRECTION_WARNING, _("No reply to QUIT: %s"), local->message);
  /* The report keeps the last reply that mattered (the message's 250), not QUIT's. */
  g_clear_pointer (&run->report->reply, sd_reply_free);
  run->report->reply = last;
  return TRUE;
}

static gboolean
sd_run_stops_after (SdRun   *run,
                    SdStage  stage)
{
  return run->settings->has_quit_after && run->settings->quit_after == stage;
}

static gboolean
sd_run_steps (SdRun   *run,
              GError **error)
{
  const SdSettings *settings = run->settings;
  g_autolist(GInetAddress) addresses = NULL;
  gboolean quit_sent = FALSE;

  addresses = _sd_run_resolve (run, error);
  if (addresses == NULL)
    return FALSE;
  if (!_sd_run_connect (run, addresses, error))
    return FALSE;
  if (sd_run_stops_after (run, SD_STAGE_CONNECT))
    return TRUE;

  run->parser = sd_reply_parser_new ();
  if (settings->security == SD_SECURITY_TLS && !_sd_run_tls (run, error))
    return FALSE;
  if (!_sd_run_greeting (run, error))
    return FALSE;
  if (sd_run_stops_after (run, SD_STAGE_GREETING))
    return sd_run_quit (run, FALSE, error);

  if (!_sd_run_ehlo (run, error))
    return FALSE;
  if (sd_run_stops_after (run, SD_STAGE_EHLO))
    return sd_run_quit (run, FALSE, error);

  if (settings->security == SD_SECURITY_STARTTLS ||
      settings->security == SD_SECURITY_STARTTLS_OPTIONAL)
    {
      if (!_sd_run_starttls (run, error))
        return FALSE;
      if (run->encrypted && !_sd_run_ehlo (run, error))
        return FALSE;
    }
  if (sd_run_stops_after (run, SD_STAGE_TLS) || sd_run_stops_after (run, SD_STAGE_STARTTLS))
    return sd_run_quit (run, FALSE, error);

  if (!_sd_run_auth (run, error))
    return FALSE;
  if (sd_run_stops_after (run, SD_STAGE_AUTH))
    return sd_run_quit (run, FALSE, error);

  if (!_sd_run_transactions (run, &quit_sent, error))
    return FALSE;
  if (settings->has_quit_after && settings->quit_after == SD_STAGE_DATA)
    return sd_run_quit (run, quit_sent, error);
  return sd_run_quit (run, quit_sent, error);
}

SdReport *
sd_session_run (SdSession    *self,
                GCancellable *cancellable,
                SdEventFunc   func,
                gpointer      user_data)
{
  SdRun run = { 0 };
  GError *error = NULL;

  g_return_val_if_fail (SD_IS_SESSION (self), NULL);

  run.settings = self->settings;
  run.cancellable = cancellable;
  run.repeat = self->repeat;
  run.repeat_data = self->repeat_data;
  run.report = sd_report_new ();
  run.stage_t0 = g_get_monotonic_time ();
  sd_event_sink_init (&run.sink, run.report->events, run.stage_t0, func, user_data);
  run.report->host = g_strdup (self->settings->host);
  run.report->port = sd_settings_get_port (self->settings);
  run.report->security = g_strdup (sd_security_to_string (self->settings->security));
  /* GSSAPI asked for needs no user name: the system's sign-in is the credential. */
  run.report->credentials_given = ((self->settings->user != NULL && *self->settings->user != '\0') ||
                                   (g_strcmp0 (self->settings->auth, "auto") != 0 &&
                                    sd_auth_mechanism_get_credential (self->settings->auth) ==
                                    SD_AUTH_CREDENTIAL_SYSTEM)) &&
                                  g_strcmp0 (self->settings->auth, "none") != 0;

  if (!sd_settings_validate (self->settings, &error))
    {
      run.report->error = error;
      _sd_run_emit (&run, SD_DIRECTION_ERROR, FALSE, error->message);
      return run.report;
    }

  run.report->ok = sd_run_steps (&run, &error);
  _sd_run_close_timing (&run);
  if (!run.report->ok)
    {
      run.report->error = error;
      _sd_run_emit (&run, SD_DIRECTION_ERROR, FALSE, error->message);
    }
  else
    {
      g_autofree char *outcome = NULL;

      /* Stopping after DATA still sends the message; before it, none went. */
      run.report->stopped_early = self->settings->has_quit_after &&
                                  self->settings->quit_after < SD_STAGE_DATA;
      run.report->stopped_after = self->settings->quit_after;
      outcome = sd_report_describe_outcome (run.report);
      /* Translators: %s says how the session ended (“The server accepted the
       * message”, “Stopped after AUTH as asked…”). */
      _sd_run_emitf (&run, SD_DIRECTION_INFO, _("Done: %s"), outcome);
    }

  if (run.conn != NULL)
    sd_connection_close (run.conn);
  g_clear_pointer (&run.conn, sd_connection_free);
  g_clear_pointer (&run.parser, sd_reply_parser_free);
  return run.report;
}

/* --- running on a worker thread -------------------------------------------------- */

static gboolean
sd_session_flush (gpointer user_data)
{
  SdSession *self = user_data;
  g_autoptr(GPtrArray) batch = NULL;

  g_mutex_lock (&self->lock);
  batch = g_steal_pointer (&self->pending);
  g_clear_pointer (&self->flush_source, g_source_unref);
  g_mutex_unlock (&self->lock);

  if (batch != NULL && batch->len > 0)
    g_signal_emit (self, signals[SIGNAL_EVENTS], 0, batch);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker: queue a copy; at most one flush is scheduled at a time, so the
 * main context gets the events in batches rather than one wake-up per line. */
static void
sd_session_queue_event (const SdEvent *event,
                        gpointer       user_data)
{
  SdSession *self = user_data;

  g_mutex_lock (&self->lock);
  if (self->pending == NULL)
    self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_event_free);
  g_ptr_array_add (self->pending, sd_event_copy (event));
  if (self->flush_source == NULL)
    {
      self->flush_source = g_idle_source_new ();
      g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->flush_source, sd_session_flush,
                             g_object_ref (self), g_object_unref);
      g_source_attach (self->flush_source, self->context);
    }
  g_mutex_unlock (&self->lock);
}

static void
sd_session_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SdSession *self = source_object;
  SdReport *report = sd_session_run (self, cancellable, sd_session_queue_event, self);

  g_task_return_pointer (task, report, (GDestroyNotify) sd_report_free);
}

void
sd_session_run_async (SdSession           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SD_IS_SESSION (self));

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_session_run_async);
  /* A cancelled session still has a report (CANCELLED, and the transcript so far). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, sd_session_thread);
}

SdReport *
sd_session_run_finish (SdSession    *self,
                       GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  /* Whatever the worker queued last is delivered before the report. */
  g_mutex_lock (&self->lock);
  if (self->flush_source != NULL)
    g_source_destroy (self->flush_source);
  g_mutex_unlock (&self->lock);
  sd_session_flush (self);

  return g_task_propagate_pointer (G_TASK (result), NULL);
}

/* --- GObject --------------------------------------------------------------------- */

void
sd_session_set_repeat (SdSession           *self,
                       SdSessionRepeatFunc  func,
                       gpointer             user_data)
{
  g_return_if_fail (SD_IS_SESSION (self));

  self->repeat = func;
  self->repeat_data = user_data;
}

SdSession *
sd_session_new (const SdSettings *settings)
{
  SdSession *self = g_object_new (SD_TYPE_SESSION, NULL);
  self->settings = sd_settings_copy (settings);
  return self;
}

static void
sd_session_finalize (GObject *object)
{
  SdSession *self = SD_SESSION (object);

  g_clear_pointer (&self->settings, sd_settings_free);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  if (self->flush_source != NULL)
    g_source_destroy (self->flush_source);
  g_clear_pointer (&self->flush_source, g_source_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sd_session_parent_class)->finalize (object);
}

static void
sd_session_class_init (SdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_session_finalize;

  /**
   * SdSession::events:
   * @events: (element-type SdEvent): new transcript lines, in order
   */
  signals[SIGNAL_EVENTS] =
    g_signal_new ("events", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
sd_session_init (SdSession *self)
{
  g_mutex_init (&self->lock);
}
