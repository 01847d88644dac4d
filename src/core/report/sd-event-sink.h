/* sd-event-sink.h: where a conversation's transcript lines go as they happen
 *
 * The client session and the built-in server both record their side of a conversation
 * the same way: stamp the line, keep it in the record, tell whoever listens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-event.h"

G_BEGIN_DECLS

/* Gets each event as it is recorded, in the recording thread (transfer none: copy it to
 * keep it). */
typedef void (*SdEventFunc) (const SdEvent *event, gpointer user_data);

typedef struct {
  GPtrArray   *events;      /* (element-type SdEvent) the record; not owned */
  gint64       t0;          /* monotonic start: events carry the time since then */
  SdEventFunc  func;        /* nullable */
  gpointer     user_data;
} SdEventSink;

void sd_event_sink_init  (SdEventSink *sink,
                          GPtrArray   *events,
                          gint64       t0,
                          SdEventFunc  func,
                          gpointer     user_data);
/* Records one line, stamped now. */
void sd_event_sink_emit  (SdEventSink *sink,
                          SdStage      stage,
                          gboolean     encrypted,
                          SdDirection  direction,
                          gboolean     redacted,
                          const char  *text);
void sd_event_sink_emitv (SdEventSink *sink,
                          SdStage      stage,
                          gboolean     encrypted,
                          SdDirection  direction,
                          const char  *format,
                          va_list      args) G_GNUC_PRINTF (5, 0);

G_END_DECLS
