/* sd-transcript-view.h: the live transcript, colored by direction, batched per frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "sd-event.h"

G_BEGIN_DECLS

#define SD_TYPE_TRANSCRIPT_VIEW (sd_transcript_view_get_type ())
G_DECLARE_FINAL_TYPE (SdTranscriptView, sd_transcript_view, SD, TRANSCRIPT_VIEW, GtkBox)

GtkWidget *sd_transcript_view_new         (void);
/* Queues copies of @events; they reach the buffer on the next frame. */
void       sd_transcript_view_append      (SdTranscriptView *self,
                                           GPtrArray        *events);
void       sd_transcript_view_clear       (SdTranscriptView *self);
/* Writes everything queued into the buffer now (tests, export). */
void       sd_transcript_view_flush       (SdTranscriptView *self);
/* Lines in the buffer, and the buffer text (transfer full). */
guint      sd_transcript_view_get_n_lines (SdTranscriptView *self);
guint      sd_transcript_view_get_n_queued (SdTranscriptView *self);
char      *sd_transcript_view_dup_text    (SdTranscriptView *self);
/* Shows the find bar and focuses it. */
void       sd_transcript_view_start_find  (SdTranscriptView *self);
GtkTextView *sd_transcript_view_get_text_view (SdTranscriptView *self);

G_END_DECLS
