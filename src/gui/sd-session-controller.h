/* sd-session-controller.h: runs one session at a time off the main thread, and says so
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-report.h"
#include "sd-settings.h"

G_BEGIN_DECLS

#define SD_TYPE_SESSION_CONTROLLER (sd_session_controller_get_type ())
G_DECLARE_FINAL_TYPE (SdSessionController, sd_session_controller, SD, SESSION_CONTROLLER, GObject)

/* Signals, all on the main context the session was started from:
 *   "started"        a session begins (after a token, if one was needed)
 *   "events"         (GPtrArray of SdEvent) what it did since the last emission
 *   "finished"       (const SdReport *) it ended; the report stays until the next one
 *   "message"        (const char *) a line for the status bar, until the report
 *   "sign-in-failed" the stored token could not be had
 * and "running" (a property) while a session or its token fetch is under way. */
SdSessionController *sd_session_controller_new             (void);
/* Held while a worker runs: the process outlives a closed window until it lets go. */
void                 sd_session_controller_set_application (SdSessionController *self,
                                                            GApplication        *application);
/* Runs @settings (taken), first fetching the stored token when they name an OAuth
 * provider. Does nothing while one is running. */
void                 sd_session_controller_start           (SdSessionController *self,
                                                            SdSettings          *settings,
                                                            gboolean             connection_only);
void                 sd_session_controller_stop            (SdSessionController *self);
/* The window is going: cancels what runs and drops whatever comes back of it. */
void                 sd_session_controller_abandon         (SdSessionController *self);
gboolean             sd_session_controller_is_running      (SdSessionController *self);
/* The last finished session's report, or NULL (transfer none). */
const SdReport      *sd_session_controller_get_report      (SdSessionController *self);

G_END_DECLS
