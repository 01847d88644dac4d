/* sd-burst-dialog.c: a burst under way, its lines and its chart
 *
 * The burst runs on a GTask thread; each finished message is copied to the main
 * context; the chart is redrawn from those copies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-burst-dialog.h"

#define CHART_BINS 24

struct _SdBurstDialog
{
  GtkWindow       parent_instance;

  GtkLabel       *summary_label;
  GtkDrawingArea *chart;
  GtkTextView    *lines_view;
  GtkButton      *stop_button;

  GCancellable   *cancellable;
  SdBurstSpec     spec;
  GPtrArray      *results;     /* (element-type SdBurstResult) copies, in finishing order */
  SdBurstReport  *report;
};

G_DEFINE_FINAL_TYPE (SdBurstDialog, sd_burst_dialog, GTK_TYPE_WINDOW)

typedef struct {
  SdBurstDialog *dialog;
  SdBurstResult  result;
} SdBurstLine;

static void
sd_burst_line_free (SdBurstLine *line)
{
  g_object_unref (line->dialog);
  g_free (line->result.reply);
  g_free (line);
}

static void
sd_burst_dialog_append (SdBurstDialog       *self,
                        const SdBurstResult *result)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->lines_view);
  GtkTextIter end;
  g_autofree char *text = NULL;
  SdBurstResult *copy = g_memdup2 (result, sizeof *result);

  copy->reply = g_strdup (result->reply);
  g_ptr_array_add (self->results, copy);
  text = sd_burst_result_to_line (result);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, text, -1);
  gtk_text_buffer_insert (buffer, &end, "\n", 1);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static gboolean
sd_burst_dialog_on_line (gpointer data)
{
  SdBurstLine *line = data;

  if (!gtk_widget_in_destruction (GTK_WIDGET (line->dialog)))
    sd_burst_dialog_append (line->dialog, &line->result);
  return G_SOURCE_REMOVE;
}

/* On a worker thread: a copy goes to the main context. */
static void
sd_burst_dialog_on_result (const SdBurstResult *result,
                           gpointer             user_data)
{
  SdBurstLine *line = g_new0 (SdBurstLine, 1);

  line->dialog = g_object_ref (user_data);
  line->result = *result;
  line->result.reply = g_strdup (result->reply);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, sd_burst_dialog_on_line, line,
                              (GDestroyNotify) sd_burst_line_free);
}

static void
sd_burst_dialog_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SdBurstDialog *self = source;
  SdBurstReport *report = sd_burst_run (task_data, &self->spec, cancellable,
                                        sd_burst_dialog_on_result, self);

  g_task_return_pointer (task, report, (GDestroyNotify) sd_burst_report_free);
}

static void
sd_burst_dialog_show_summary (SdBurstDialog *self)
{
  const SdBurstReport *report = self->report;
  g_autofree char *counts = NULL;
  g_autofree char *text = NULL;

  /* Translators: seconds, then the four counts. */
  counts = g_strdup_printf (_("%.2f s: %u accepted, %u deferred, %u refused, %u failed."),
                            report->elapsed_us / (double) G_USEC_PER_SEC, report->accepted,
                            report->deferred, report->refused, report->failed);
  if (report->first_refusal >= 0)
    /* Translators: the counts, the message number, then messages per second. */
    text = g_strdup_printf (_("%s The server began to defer or refuse at message %d, after "
                              "%.1f messages/s."), counts, report->first_refusal + 1,
                            report->rate);
  else
    /* Translators: the counts, then messages per second. */
    text = g_strdup_printf (_("%s No deferral: %.1f messages/s."), counts, report->rate);
  gtk_label_set_text (self->summary_label, text);
}

static void
sd_burst_dialog_on_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  SdBurstDialog *self = SD_BURST_DIALOG (source);

  self->report = g_task_propagate_pointer (G_TASK (result), NULL);
  g_clear_object (&self->cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), FALSE);
  if (self->report != NULL)
    sd_burst_dialog_show_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

void
sd_burst_dialog_run (SdBurstDialog     *self,
                     SdSettings        *settings,
                     const SdBurstSpec *spec)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (self->cancellable == NULL);

  self->spec = *spec;
  self->cancellable = g_cancellable_new ();
  /* Translators: messages, then sessions at once. */
  text = g_strdup_printf (_("Sending %u messages, %u at once…"), spec->count, spec->connections);
  gtk_label_set_text (self->summary_label, text);
  task = g_task_new (self, self->cancellable, sd_burst_dialog_on_done, NULL);
  g_task_set_task_data (task, settings, (GDestroyNotify) sd_settings_free);
  g_task_run_in_thread (task, sd_burst_dialog_thread);
}

gboolean
sd_burst_dialog_is_running (SdBurstDialog *self)
{
  return self->cancellable != NULL;
}

const SdBurstReport *
sd_burst_dialog_get_report (SdBurstDialog *self)
{
  return self->report;
}

/* ---- the chart ---------------------------------------------------------------------- */

static gint64
sd_burst_dialog_span (SdBurstDialog *self)
{
  gint64 span = 1;

  for (guint i = 0; i < self->results->len; i++)
    {
      const SdBurstResult *r = self->results->pdata[i];
      span = MAX (span, r->start_us + r->duration_us);
    }
  return span;
}

/* Accepted (and pushed-back) messages per second in each time bin, by when they ended. */
static gboolean
sd_burst_dialog_on_draw (SdBurstDialog *self,
                         cairo_t       *cr,
                         GtkWidget     *area)
{
  double width = gtk_widget_get_allocated_width (area);
  double height = gtk_widget_get_allocated_height (area) - 16;
  gint64 span = sd_burst_dialog_span (self);
  double bin_s = span / (double) G_USEC_PER_SEC / CHART_BINS;
  double accepted[CHART_BINS] = { 0 }, refused[CHART_BINS] = { 0 };
  double top = 1.0;
  gint64 first_refusal = -1;
  g_autofree char *label = NULL;

  for (guint i = 0; i < self->results->len; i++)
    {
      const SdBurstResult *r = self->results->pdata[i];
      guint bin = MIN (CHART_BINS - 1, (r->start_us + r->duration_us) * CHART_BINS / span);

      if (r->outcome == SD_BURST_ACCEPTED)
        accepted[bin] += 1.0 / bin_s;
      else
        refused[bin] += 1.0 / bin_s;
      if (r->outcome == SD_BURST_DEFERRED || r->outcome == SD_BURST_REFUSED)
        first_refusal = first_refusal < 0 ? r->start_us : MIN (first_refusal, r->start_us);
    }
  for (guint b = 0; b < CHART_BINS; b++)
    top = MAX (top, accepted[b] + refused[b]);

  for (guint b = 0; b < CHART_BINS; b++)
    {
      double x = b * width / CHART_BINS + 1, w = width / CHART_BINS - 2;
      double ha = accepted[b] / top * (height - 4), hr = refused[b] / top * (height - 4);

      cairo_set_source_rgb (cr, 0.20, 0.52, 0.89);
      cairo_rectangle (cr, x, height - ha, w, ha);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.88, 0.27, 0.20);
      cairo_rectangle (cr, x, height - ha - hr, w, hr);
      cairo_fill (cr);
    }
  if (first_refusal >= 0)
    {
      double x = first_refusal * width / span;
      cairo_set_source_rgb (cr, 0.88, 0.27, 0.20);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, x, 0);
      cairo_line_to (cr, x, height);
      cairo_stroke (cr);
    }
  /* Translators: the chart's scale: the highest bar, then the time it spans. */
  label = g_strdup_printf (_("top %.0f messages/s, over %.2f s"), top,
                           span / (double) G_USEC_PER_SEC);
  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  cairo_move_to (cr, 2, height + 13);
  cairo_show_text (cr, label);
  return FALSE;
}

/* ---- the window --------------------------------------------------------------------- */

static void
sd_burst_dialog_on_stop (SdBurstDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
sd_burst_dialog_dispose (GObject *object)
{
  SdBurstDialog *self = SD_BURST_DIALOG (object);

  sd_burst_dialog_on_stop (self);
  G_OBJECT_CLASS (sd_burst_dialog_parent_class)->dispose (object);
}

static void
sd_burst_dialog_finalize (GObject *object)
{
  SdBurstDialog *self = SD_BURST_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->report, sd_burst_report_free);
  G_OBJECT_CLASS (sd_burst_dialog_parent_class)->finalize (object);
}

static void
sd_burst_result_copy_free (SdBurstResult *result)
{
  g_free (result->reply);
  g_free (result);
}

static void
sd_burst_dialog_class_init (SdBurstDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_burst_dialog_dispose;
  object_class->finalize = sd_burst_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-burst-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SdBurstDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SdBurstDialog, chart);
  gtk_widget_class_bind_template_child (widget_class, SdBurstDialog, lines_view);
  gtk_widget_class_bind_template_child (widget_class, SdBurstDialog, stop_button);
  gtk_widget_class_bind_template_callback (widget_class, sd_burst_dialog_on_draw);
  gtk_widget_class_bind_template_callback (widget_class, sd_burst_dialog_on_stop);
}

static void
sd_burst_dialog_init (SdBurstDialog *self)
{
  self->results = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_burst_result_copy_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sd_burst_dialog_new (GtkWindow *parent)
{
  return g_object_new (SD_TYPE_BURST_DIALOG, "transient-for", parent, NULL);
}
