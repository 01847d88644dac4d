/* sd-stage-strip.c: the steps of the session with their state and time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-stage-strip.h"

#define SD_N_STEPS 8

typedef struct {
  GtkWidget    *box;
  GtkLabel     *state_label;
  GtkLabel     *time_label;
  SdStageState  state;
} SdStep;

struct _SdStageStrip
{
  GtkBox  parent_instance;
  SdStep  steps[SD_N_STEPS];
};

G_DEFINE_FINAL_TYPE (SdStageStrip, sd_stage_strip, GTK_TYPE_BOX)

static const char * const step_names[SD_N_STEPS] = {
  N_("Connect"), N_("Greeting"), N_("EHLO"), N_("TLS"),
  N_("Auth"), N_("MAIL"), N_("RCPT"), N_("DATA"),
};

/* Resolving is part of connecting; STARTTLS and the handshake are one step to a user. */
static int
sd_step_for_stage (SdStage stage)
{
  switch (stage)
    {
    case SD_STAGE_RESOLVE:
    case SD_STAGE_CONNECT:  return 0;
    case SD_STAGE_GREETING: return 1;
    case SD_STAGE_EHLO:     return 2;
    case SD_STAGE_STARTTLS:
    case SD_STAGE_TLS:      return 3;
    case SD_STAGE_AUTH:     return 4;
    case SD_STAGE_MAIL:     return 5;
    case SD_STAGE_RCPT:     return 6;
    case SD_STAGE_DATA:     return 7;
    case SD_STAGE_QUIT:
    case SD_N_STAGES:
    default:                return -1;
    }
}

const char *
sd_stage_state_to_string (SdStageState state)
{
  switch (state)
    {
    case SD_STAGE_STATE_PENDING: return "pending";
    case SD_STAGE_STATE_RUNNING: return "running";
    case SD_STAGE_STATE_OK:      return "ok";
    case SD_STAGE_STATE_FAILED:  return "failed";
    case SD_STAGE_STATE_SKIPPED: return "skipped";
    default:                     return "pending";
    }
}

static const char *
sd_stage_state_to_label (SdStageState state)
{
  switch (state)
    {
    case SD_STAGE_STATE_PENDING: return _("pending");
    case SD_STAGE_STATE_RUNNING: return _("running…");
    case SD_STAGE_STATE_OK:      return _("✔ ok");
    case SD_STAGE_STATE_FAILED:  return _("✘ failed");
    case SD_STAGE_STATE_SKIPPED: return _("skipped");
    default:                     return "";
    }
}

static void
sd_stage_strip_set (SdStageStrip *self,
                    guint         i,
                    SdStageState  state,
                    gint64        time_us)
{
  SdStep *step = &self->steps[i];
  GtkStyleContext *context = gtk_widget_get_style_context (step->box);
  g_autofree char *time = NULL;
  g_autofree char *a11y = NULL;

  gtk_style_context_remove_class (context, sd_stage_state_to_string (step->state));
  step->state = state;
  gtk_style_context_add_class (context, sd_stage_state_to_string (state));
  gtk_label_set_text (step->state_label, sd_stage_state_to_label (state));
  if (time_us >= 0)
    time = g_strdup_printf (_("%.1f ms"), time_us / 1000.0);
  gtk_label_set_text (step->time_label, time ? time : " ");
  a11y = g_strdup_printf (_("Stage %s: %s%s%s"), _(step_names[i]), sd_stage_state_to_label (state),
                          time ? ", " : "", time ? time : "");
  atk_object_set_name (gtk_widget_get_accessible (step->box), a11y);
}

void
sd_stage_strip_reset (SdStageStrip *self)
{
  for (guint i = 0; i < SD_N_STEPS; i++)
    {
      sd_stage_strip_set (self, i, SD_STAGE_STATE_PENDING, -1);
      gtk_widget_set_tooltip_text (self->steps[i].box, NULL);
    }
}

void
sd_stage_strip_enter (SdStageStrip *self,
                      SdStage       stage)
{
  int step = sd_step_for_stage (stage);

  if (step < 0 || self->steps[step].state == SD_STAGE_STATE_RUNNING)
    return;
  for (int i = 0; i < step; i++)
    if (self->steps[i].state == SD_STAGE_STATE_RUNNING)
      sd_stage_strip_set (self, i, SD_STAGE_STATE_OK, -1);
  sd_stage_strip_set (self, step, SD_STAGE_STATE_RUNNING, -1);
}

/* Pipelined, MAIL, RCPT and DATA share one round trip: the group's time on its first
 * step, "pipelined" on the others (both fit a narrow step; the tooltip says it whole),
 * rather than most of it on MAIL and nothing on the others. */
static void
sd_stage_strip_show_pipelined (SdStageStrip   *self,
                               const SdReport *report)
{
  gint64 total = sd_report_get_pipelined_us (report);
  g_autofree char *time = NULL;
  g_autofree char *tooltip = NULL;
  gboolean first = TRUE;

  if (total < 0)
    return;
  time = g_strdup_printf (_("%.1f ms"), total / 1000.0);
  /* Translators: a tooltip; %s is a time such as “3.2 ms”. */
  tooltip = g_strdup_printf (_("MAIL, RCPT and DATA went in one write (PIPELINING) and "
                               "were answered in one round trip: %s"), time);
  for (guint s = SD_STAGE_MAIL; s <= SD_STAGE_DATA; s++)
    {
      SdStep *step;
      if (!sd_report_stage_pipelined (report, s))
        continue;
      step = &self->steps[sd_step_for_stage (s)];
      /* Translators: shown under RCPT and DATA when they went with MAIL (pipelined). */
      gtk_label_set_text (step->time_label, first ? time : _("pipelined"));
      gtk_widget_set_tooltip_text (step->box, tooltip);
      first = FALSE;
    }
}

/* The time shown under @stage's step, for tests. */
const char *
sd_stage_strip_get_time_text (SdStageStrip *self,
                              SdStage       stage)
{
  int step = sd_step_for_stage (stage);

  g_return_val_if_fail (step >= 0, NULL);
  return gtk_label_get_text (self->steps[step].time_label);
}

void
sd_stage_strip_finish (SdStageStrip   *self,
                       const SdReport *report)
{
  gint64 times[SD_N_STEPS];
  int failed = report->ok ? -1 : sd_step_for_stage (report->stage);

  for (guint i = 0; i < SD_N_STEPS; i++)
    times[i] = -1;
  for (guint s = 0; s < SD_N_STAGES; s++)
    {
      int step = sd_step_for_stage (s);
      if (step >= 0 && report->timings_us[s] >= 0)
        times[step] = MAX (times[step], 0) + report->timings_us[s];
    }

  for (int i = 0; i < SD_N_STEPS; i++)
    {
      SdStageState state;

      if (i == failed)
        state = SD_STAGE_STATE_FAILED;
      else if (times[i] >= 0)
        state = SD_STAGE_STATE_OK;
      else
        state = SD_STAGE_STATE_SKIPPED;
      sd_stage_strip_set (self, i, state, times[i]);
    }
  sd_stage_strip_show_pipelined (self, report);
}

SdStageState
sd_stage_strip_get_state (SdStageStrip *self,
                          SdStage       stage)
{
  int step = sd_step_for_stage (stage);

  g_return_val_if_fail (step >= 0, SD_STAGE_STATE_PENDING);
  return self->steps[step].state;
}

static void
sd_stage_strip_class_init (SdStageStripClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-stage-strip.ui");
}

static void
sd_stage_strip_init (SdStageStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < SD_N_STEPS; i++)
    {
      SdStep *step = &self->steps[i];
      GtkWidget *name = gtk_label_new (_(step_names[i]));

      step->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      gtk_style_context_add_class (gtk_widget_get_style_context (step->box), "stage");
      gtk_style_context_add_class (gtk_widget_get_style_context (name), "stage-name");
      step->state_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (step->state_label)), "stage-state");
      step->time_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (step->time_label)), "stage-time");
      /* Eight steps side by side must not set the window's minimum width (German names
       * are long; laptops at 125 % scaling are about 1100 pixels wide): they shorten
       * with an ellipsis, and the tooltip keeps the whole name. */
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_label_set_ellipsize (step->state_label, PANGO_ELLIPSIZE_END);
      gtk_label_set_ellipsize (step->time_label, PANGO_ELLIPSIZE_END);
      gtk_widget_set_tooltip_text (name, _(step_names[i]));
      gtk_container_add (GTK_CONTAINER (step->box), name);
      gtk_container_add (GTK_CONTAINER (step->box), GTK_WIDGET (step->state_label));
      gtk_container_add (GTK_CONTAINER (step->box), GTK_WIDGET (step->time_label));
      gtk_box_pack_start (GTK_BOX (self), step->box, TRUE, TRUE, 0);
      gtk_widget_show_all (step->box);
      step->state = SD_STAGE_STATE_PENDING;
    }
  sd_stage_strip_reset (self);
}

GtkWidget *
sd_stage_strip_new (void)
{
  return g_object_new (SD_TYPE_STAGE_STRIP, NULL);
}
