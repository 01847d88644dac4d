/* sd-listen-controller.h: the built-in server behind the Listen view
 *
 * Owns the SdServer (it accepts and runs sessions on its own threads and hands their
 * events to this main context in batches) and keeps, per incoming session, what the
 * view lists and shows. No widgets here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-server.h"

G_BEGIN_DECLS

/* One incoming session as far as it got. */
typedef struct {
  guint            id;
  GDateTime       *started;
  char            *peer;
  GPtrArray       *events;     /* (element-type SdEvent) so far */
  SdServerSession *session;    /* NULL while it runs */
  GPtrArray       *messages;   /* (element-type SdServerMessage) */
} SdListenSession;

#define SD_TYPE_LISTEN_CONTROLLER (sd_listen_controller_get_type ())
G_DECLARE_FINAL_TYPE (SdListenController, sd_listen_controller, SD, LISTEN_CONTROLLER, GObject)

SdListenController    *sd_listen_controller_new         (void);
/* Starts listening with a copy of @config. Signals, on this thread's main context:
 *   "session-added"   (guint id)     a client connected
 *   "session-changed" (guint id)     more transcript, a message, or its end
 *   "running-changed" ()             */
gboolean               sd_listen_controller_start       (SdListenController   *self,
                                                         const SdServerConfig *config,
                                                         GError              **error);
void                   sd_listen_controller_stop        (SdListenController   *self);
gboolean               sd_listen_controller_is_running  (SdListenController   *self);
guint16                sd_listen_controller_get_port    (SdListenController   *self);
/* (transfer none) NULL when unknown. */
const SdListenSession *sd_listen_controller_get_session (SdListenController   *self,
                                                         guint                 id);
/* The list's "result" column: "quit", "closed", … or "running" (transfer full). */
char                  *sd_listen_session_describe_result (const SdListenSession *session);

G_END_DECLS
