/* sd-session-controller.c: runs one session at a time off the main thread, and says so
 *
 * No widgets here: the worker threads (the session's, the token fetch) hand their
 * results back through GTask callbacks and the session's "events" signal, both on
 * the main context; the signals below are all emitted from there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-hints.h"
#include "sd-oauth-store.h"
#include "sd-secret.h"
#include "sd-secret-store.h"
#include "sd-session.h"
#include "sd-session-controller.h"

struct _SdSessionController
{
  GObject       parent_instance;

  SdSession    *session;        /* the one under way */
  GCancellable *cancellable;    /* without a session: the stored token is being fetched */
  SdReport     *report;         /* the last finished one */
  GApplication *application;   /* weak */
  GApplication *held_app;       /* held while a worker runs, even past the window */
};

G_DEFINE_FINAL_TYPE (SdSessionController, sd_session_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum {
  STARTED,
  EVENTS,
  FINISHED,
  MESSAGE,
  SIGN_IN_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
sd_session_controller_say (SdSessionController *self,
                           const char          *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
sd_session_controller_notify_running (SdSessionController *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* The session batches its events, at most one emission per main-loop iteration. */
static void
sd_session_controller_on_events (SdSession           *session,
                                 GPtrArray           *events,
                                 SdSessionController *self)
{
  g_signal_emit (self, signals[EVENTS], 0, events);
}

static void
sd_session_controller_on_done (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(SdSessionController) self = user_data;
  g_autoptr(SdReport) report = sd_session_run_finish (SD_SESSION (source), result);
  g_autoptr(GApplication) app = g_steal_pointer (&self->held_app);

  if (app != NULL)
    g_application_release (app);
  g_signal_handlers_disconnect_by_data (source, self);
  if (self->session != SD_SESSION (source))
    return;   /* abandoned meanwhile */

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->report, sd_report_free);
  /* The session only reports; diagnosing it is our next step. */
  g_ptr_array_extend_and_steal (report->hints, sd_diagnose_report (report));
  self->report = g_steal_pointer (&report);
  g_signal_emit (self, signals[FINISHED], 0, self->report);
  sd_session_controller_notify_running (self);
}

static void
sd_session_controller_run (SdSessionController *self,
                           SdSettings          *settings,
                           gboolean             connection_only)
{
  g_autoptr(GError) error = NULL;

  if (!sd_settings_validate (settings, &error))
    {
      g_clear_object (&self->cancellable);
      sd_session_controller_say (self, error->message);
      sd_session_controller_notify_running (self);
      return;
    }
  g_signal_emit (self, signals[STARTED], 0);
  g_clear_pointer (&self->report, sd_report_free);

  self->session = sd_session_new (settings);
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  g_signal_connect (self->session, "events", G_CALLBACK (sd_session_controller_on_events), self);
  /* Keeps the process alive until the worker has let go, even if the window closes. */
  self->held_app = self->application;
  if (self->held_app != NULL)
    {
      g_object_ref (self->held_app);
      g_application_hold (self->held_app);
    }
  sd_session_run_async (self->session, self->cancellable, sd_session_controller_on_done,
                        g_object_ref (self));

  sd_session_controller_say (self, connection_only ? _("Testing the connection…")
                                                   : _("Sending a test message…"));
  sd_session_controller_notify_running (self);
}

/* The stored token, renewed when due: blocking (secret store, identity provider). */
static void
sd_session_controller_fetch_token_thread (GTask        *task,
                                          gpointer      source,
                                          gpointer      task_data,
                                          GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean refreshed = FALSE;
  char *token = sd_oauth_store_get_access_token (sd_secret_store_get_default (), task_data,
                                                 &refreshed, cancellable, &error);

  if (token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) sd_secret_free);
}

static void
sd_session_controller_on_token_fetched (GObject      *source,
                                        GAsyncResult *result,
                                        gpointer      user_data)
{
  SdSessionController *self = SD_SESSION_CONTROLLER (source);
  GTask *task = G_TASK (result);
  g_autoptr(GError) error = NULL;
  char *token = g_task_propagate_pointer (task, &error);
  SdSettings *settings = g_task_get_task_data (task);

  if (g_task_get_cancellable (task) != self->cancellable || self->session != NULL)
    {
      sd_secret_free (token);   /* stopped, or abandoned */
      return;
    }
  if (token == NULL)
    {
      g_clear_object (&self->cancellable);
      sd_session_controller_say (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                       ? _("Stopped.") : error->message);
      sd_session_controller_notify_running (self);
      g_signal_emit (self, signals[SIGN_IN_FAILED], 0);
      return;
    }
  sd_secret_free (settings->oauth_token);
  settings->oauth_token = token;
  sd_session_controller_run (self, settings, GPOINTER_TO_INT (user_data));
}

void
sd_session_controller_start (SdSessionController *self,
                             SdSettings          *settings,
                             gboolean             connection_only)
{
  g_autoptr(SdSettings) owned = settings;
  g_autoptr(GTask) task = NULL;

  if (sd_session_controller_is_running (self))
    return;
  if (owned->oauth_provider == NULL)
    {
      sd_session_controller_run (self, owned, connection_only);
      return;
    }

  /* The token first, off the main thread; Stop cancels this too. A renewal there needs
   * HTTP, set up here on the main thread (the first time: the module loads). */
  sd_oauth_init ();
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, sd_session_controller_on_token_fetched,
                     GINT_TO_POINTER (connection_only));
  g_task_set_task_data (task, g_steal_pointer (&owned), (GDestroyNotify) sd_settings_free);
  g_task_run_in_thread (task, sd_session_controller_fetch_token_thread);
  sd_session_controller_say (self, _("Getting the stored sign-in…"));
  sd_session_controller_notify_running (self);
}

void
sd_session_controller_stop (SdSessionController *self)
{
  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  sd_session_controller_say (self, _("Stopping…"));
}

void
sd_session_controller_abandon (SdSessionController *self)
{
  if (self->session != NULL)
    {
      /* sd_session_controller_on_done() lets go of it. */
      g_cancellable_cancel (self->cancellable);
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
      g_clear_object (&self->cancellable);
    }
  if (self->cancellable != NULL)
    {
      /* Fetching the token: sd_session_controller_on_token_fetched() sees it was stopped. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

gboolean
sd_session_controller_is_running (SdSessionController *self)
{
  return self->session != NULL || self->cancellable != NULL;
}

const SdReport *
sd_session_controller_get_report (SdSessionController *self)
{
  return self->report;
}

void
sd_session_controller_set_application (SdSessionController *self,
                                       GApplication        *application)
{
  g_set_weak_pointer (&self->application, application);
}

static void
sd_session_controller_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  SdSessionController *self = SD_SESSION_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, sd_session_controller_is_running (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_session_controller_dispose (GObject *object)
{
  SdSessionController *self = SD_SESSION_CONTROLLER (object);

  sd_session_controller_abandon (self);
  g_clear_weak_pointer (&self->application);
  G_OBJECT_CLASS (sd_session_controller_parent_class)->dispose (object);
}

static void
sd_session_controller_finalize (GObject *object)
{
  SdSessionController *self = SD_SESSION_CONTROLLER (object);

  g_clear_pointer (&self->report, sd_report_free);
  G_OBJECT_CLASS (sd_session_controller_parent_class)->finalize (object);
}

static void
sd_session_controller_class_init (SdSessionControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->get_property = sd_session_controller_get_property;
  object_class->dispose = sd_session_controller_dispose;
  object_class->finalize = sd_session_controller_finalize;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STARTED] = g_signal_new ("started", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
  signals[EVENTS] = g_signal_new ("events", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  signals[FINISHED] = g_signal_new ("finished", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[MESSAGE] = g_signal_new ("message", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGN_IN_FAILED] = g_signal_new ("sign-in-failed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 0);
}

static void
sd_session_controller_init (SdSessionController *self)
{
}

SdSessionController *
sd_session_controller_new (void)
{
  return g_object_new (SD_TYPE_SESSION_CONTROLLER, NULL);
}
