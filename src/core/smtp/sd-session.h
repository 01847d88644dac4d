/* sd-session.h: one SMTP conversation, run on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-event-sink.h"
#include "sd-report.h"
#include "sd-session-error.h"
#include "sd-settings.h"

G_BEGIN_DECLS

#define SD_TYPE_SESSION (sd_session_get_type ())
G_DECLARE_FINAL_TYPE (SdSession, sd_session, SD, SESSION, GObject)

/* Takes a copy of @settings. */
SdSession *sd_session_new          (const SdSettings    *settings);
/* Runs the whole session in a worker thread. Events arrive through the "events" signal
 * (a GPtrArray of SdEvent, in order) on the thread-default main context of the caller,
 * at most one emission per main-loop iteration. The callback gets the SdReport through
 * sd_session_run_finish(), after the last "events". */
void       sd_session_run_async    (SdSession           *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* Always returns a report (transfer full); report->ok says how it went. The session
 * does not diagnose: sd_diagnose_report() (sd-hints.h) is the caller's next step. */
SdReport  *sd_session_run_finish   (SdSession           *self,
                                    GAsyncResult        *result);

/* Called after each mail transaction, in the session's thread: @ok, the deciding reply
 * (report->reply) and @error (NULL when ok) say how that message went. Return TRUE to
 * send another message over the same connection (after RSET), FALSE to QUIT. */
typedef gboolean (*SdSessionRepeatFunc) (gboolean        ok,
                                         const SdReport *report,
                                         const GError   *error,
                                         gpointer        user_data);

/* With @func, one session sends message after message over one connection, as long as
 * @func asks for more and the server keeps it open (sd-session-repeat.c). */
void       sd_session_set_repeat   (SdSession           *self,
                                    SdSessionRepeatFunc  func,
                                    gpointer             user_data);

/* Blocking, in the calling thread; events are delivered to @func in that thread as they
 * happen. For tests and tools that run their own threads. */
SdReport  *sd_session_run          (SdSession           *self,
                                    GCancellable        *cancellable,
                                    SdEventFunc          func,
                                    gpointer             user_data);

G_END_DECLS
