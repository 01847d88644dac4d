/* sd-event.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-event.h"

SdEvent *
sd_event_new (gint64       t_us,
              SdStage      stage,
              SdDirection  direction,
              gboolean     encrypted,
              const char  *text)
{
  SdEvent *event = g_new0 (SdEvent, 1);

  event->t_us = t_us;
  event->stage = stage;
  event->direction = direction;
  event->encrypted = encrypted;
  event->text = g_strdup (text);
  return event;
}

SdEvent *
sd_event_copy (const SdEvent *event)
{
  SdEvent *copy = sd_event_new (event->t_us, event->stage, event->direction,
                                event->encrypted, event->text);
  copy->redacted = event->redacted;
  return copy;
}

void
sd_event_free (SdEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->text);
  g_free (event);
}

const char *
sd_direction_to_string (SdDirection direction)
{
  switch (direction)
    {
    case SD_DIRECTION_SENT:     return "sent";
    case SD_DIRECTION_RECEIVED: return "received";
    case SD_DIRECTION_INFO:     return "info";
    case SD_DIRECTION_WARNING:  return "warning";
    case SD_DIRECTION_ERROR:    return "error";
    default:                    g_return_val_if_reached ("info");
    }
}

const char *
sd_direction_to_arrow (SdDirection direction)
{
  switch (direction)
    {
    case SD_DIRECTION_SENT:     return "->";
    case SD_DIRECTION_RECEIVED: return "<-";
    case SD_DIRECTION_INFO:     return "**";
    case SD_DIRECTION_WARNING:  return "!!";
    case SD_DIRECTION_ERROR:    return "!!";
    default:                    g_return_val_if_reached ("**");
    }
}
