/* sd-session-view.c: the stages, the transcript, the hints and the summary of a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-session-view.h"

struct _SdSessionView
{
  GtkBox               parent_instance;

  /* Template children */
  SdStageStrip        *stage_strip;
  GtkPaned            *transcript_paned;
  SdTranscriptView    *transcript_view;
  SdHintsPanel        *hints_panel;
  SdSummaryCard       *summary_card;

  SdSessionController *controller;
};

G_DEFINE_FINAL_TYPE (SdSessionView, sd_session_view, GTK_TYPE_BOX)

void
sd_session_view_clear (SdSessionView *self)
{
  sd_transcript_view_clear (self->transcript_view);
  sd_stage_strip_reset (self->stage_strip);
  sd_summary_card_clear (self->summary_card);
  sd_hints_panel_clear (self->hints_panel);
}

/* The one place the diagnosis (the report's hints) reaches the window. */
void
sd_session_view_show_report (SdSessionView  *self,
                             const SdReport *report)
{
  sd_stage_strip_finish (self->stage_strip, report);
  sd_summary_card_set_report (self->summary_card, report);
  sd_hints_panel_set_report (self->hints_panel, report);
}

static void
sd_session_view_on_events (SdSessionView *self,
                           GPtrArray     *events)
{
  sd_transcript_view_append (self->transcript_view, events);
  for (guint i = 0; i < events->len; i++)
    sd_stage_strip_enter (self->stage_strip, ((SdEvent *) events->pdata[i])->stage);
}

void
sd_session_view_set_controller (SdSessionView       *self,
                                SdSessionController *controller)
{
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_set_object (&self->controller, controller);
  if (controller == NULL)
    return;
  g_signal_connect_swapped (controller, "started", G_CALLBACK (sd_session_view_clear), self);
  g_signal_connect_swapped (controller, "events", G_CALLBACK (sd_session_view_on_events), self);
  g_signal_connect_swapped (controller, "finished", G_CALLBACK (sd_session_view_show_report), self);
}

SdStageStrip *
sd_session_view_get_stage_strip (SdSessionView *self)
{
  return self->stage_strip;
}

SdTranscriptView *
sd_session_view_get_transcript_view (SdSessionView *self)
{
  return self->transcript_view;
}

SdSummaryCard *
sd_session_view_get_summary_card (SdSessionView *self)
{
  return self->summary_card;
}

SdHintsPanel *
sd_session_view_get_hints_panel (SdSessionView *self)
{
  return self->hints_panel;
}

GtkPaned *
sd_session_view_get_paned (SdSessionView *self)
{
  return self->transcript_paned;
}

static void
sd_session_view_dispose (GObject *object)
{
  sd_session_view_set_controller (SD_SESSION_VIEW (object), NULL);
  G_OBJECT_CLASS (sd_session_view_parent_class)->dispose (object);
}

static void
sd_session_view_class_init (SdSessionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_session_view_dispose;

  g_type_ensure (SD_TYPE_STAGE_STRIP);
  g_type_ensure (SD_TYPE_TRANSCRIPT_VIEW);
  g_type_ensure (SD_TYPE_SUMMARY_CARD);
  g_type_ensure (SD_TYPE_HINTS_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-session-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SdSessionView, stage_strip);
  gtk_widget_class_bind_template_child (widget_class, SdSessionView, transcript_paned);
  gtk_widget_class_bind_template_child (widget_class, SdSessionView, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, SdSessionView, hints_panel);
  gtk_widget_class_bind_template_child (widget_class, SdSessionView, summary_card);
}

static void
sd_session_view_init (SdSessionView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->stage_strip)), _("Stages"));
}

GtkWidget *
sd_session_view_new (void)
{
  return g_object_new (SD_TYPE_SESSION_VIEW, NULL);
}
