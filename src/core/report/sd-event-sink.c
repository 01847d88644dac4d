/* sd-event-sink.c: recording transcript lines as they happen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-event-sink.h"

void
sd_event_sink_init (SdEventSink *sink,
                    GPtrArray   *events,
                    gint64       t0,
                    SdEventFunc  func,
                    gpointer     user_data)
{
  sink->events = events;
  sink->t0 = t0;
  sink->func = func;
  sink->user_data = user_data;
}

void
sd_event_sink_emit (SdEventSink *sink,
                    SdStage      stage,
                    gboolean     encrypted,
                    SdDirection  direction,
                    gboolean     redacted,
                    const char  *text)
{
  SdEvent *event = sd_event_new (g_get_monotonic_time () - sink->t0, stage, direction,
                                 encrypted, text);

  event->redacted = redacted;
  g_ptr_array_add (sink->events, event);
  if (sink->func != NULL)
    sink->func (event, sink->user_data);
}

void
sd_event_sink_emitv (SdEventSink *sink,
                     SdStage      stage,
                     gboolean     encrypted,
                     SdDirection  direction,
                     const char  *format,
                     va_list      args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);

  sd_event_sink_emit (sink, stage, encrypted, direction, FALSE, text);
}
