/* sd-transcript-view.c: the live transcript, colored by direction, batched per frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-report.h"
#include "sd-transcript-view.h"

/* Inserting is cheap but not free (a few µs a line, more with long lines): a time
 * budget per frame keeps the window responsive however fast a server floods us, and
 * still moves thousands of lines a second. */
#define SD_FRAME_BUDGET_US 5000
#define SD_MAX_LINES_PER_FRAME 4000

struct _SdTranscriptView
{
  GtkBox          parent_instance;

  GtkSearchBar   *search_bar;
  GtkSearchEntry *search_entry;
  GtkLabel       *search_status;
  GtkScrolledWindow *scroller;
  GtkTextView    *text_view;

  GtkTextBuffer  *buffer;
  GtkTextMark    *end_mark;
  GtkTextTag     *line_tag;       /* wrapped lines continue under the text, not the time */
  GQueue          queue;          /* (element-type SdEvent) not yet in the buffer */
  guint           tick_id;
  guint           idle_id;
  guint           n_lines;
  gboolean        follow;         /* stick to the end until the user scrolls up */
};

G_DEFINE_FINAL_TYPE (SdTranscriptView, sd_transcript_view, GTK_TYPE_BOX)

static const char *
sd_direction_tag (SdDirection direction)
{
  switch (direction)
    {
    case SD_DIRECTION_SENT:     return "sent";
    case SD_DIRECTION_RECEIVED: return "received";
    case SD_DIRECTION_INFO:     return "info";
    case SD_DIRECTION_WARNING:  return "warning";
    case SD_DIRECTION_ERROR:    return "error";
    default:                    return "info";
    }
}

static void
sd_transcript_view_insert (SdTranscriptView *self,
                           const SdEvent    *event)
{
  GtkTextIter end;
  char prefix[32];
  g_autofree char *text = sd_text_escape (event->text);
  g_autofree char *line = g_strdup_printf ("%s %s\n", sd_direction_to_arrow (event->direction), text);

  g_snprintf (prefix, sizeof prefix, "%9.1f ms ", event->t_us / 1000.0);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  /* The paragraph's tags come from its first character: "line" sets the hanging indent. */
  gtk_text_buffer_insert_with_tags_by_name (self->buffer, &end, prefix, -1, "time", "line", NULL);
  gtk_text_buffer_insert_with_tags_by_name (self->buffer, &end, event->encrypted ? "TLS " : "    ",
                                            -1, "tls", NULL);
  gtk_text_buffer_insert_with_tags_by_name (self->buffer, &end, line, -1,
                                            sd_direction_tag (event->direction), NULL);
  self->n_lines++;
}

/* Moves at most one frame's worth of lines into the buffer. TRUE if more are waiting. */
static gboolean
sd_transcript_view_flush_some (SdTranscriptView *self,
                               guint             max)
{
  gint64 deadline = g_get_monotonic_time () + SD_FRAME_BUDGET_US;
  guint n = 0;

  while (n < max && !g_queue_is_empty (&self->queue))
    {
      g_autoptr(SdEvent) event = g_queue_pop_head (&self->queue);
      sd_transcript_view_insert (self, event);
      n++;
      if (max != G_MAXUINT && n % 64 == 0 && g_get_monotonic_time () > deadline)
        break;
    }
  if (n > 0 && self->follow)
    gtk_text_view_scroll_mark_onscreen (self->text_view, self->end_mark);
  return !g_queue_is_empty (&self->queue);
}

static gboolean
sd_transcript_view_tick (GtkWidget     *widget,
                         GdkFrameClock *clock,
                         gpointer       user_data)
{
  SdTranscriptView *self = SD_TRANSCRIPT_VIEW (widget);

  if (sd_transcript_view_flush_some (self, SD_MAX_LINES_PER_FRAME))
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* Without a frame clock (not mapped yet) an idle does the same job. */
static gboolean
sd_transcript_view_idle (gpointer user_data)
{
  SdTranscriptView *self = user_data;

  if (sd_transcript_view_flush_some (self, SD_MAX_LINES_PER_FRAME))
    return G_SOURCE_CONTINUE;
  self->idle_id = 0;
  return G_SOURCE_REMOVE;
}

static void
sd_transcript_view_schedule (SdTranscriptView *self)
{
  if (self->tick_id != 0 || self->idle_id != 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), sd_transcript_view_tick,
                                                  NULL, NULL);
  else
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, sd_transcript_view_idle, self, NULL);
}

void
sd_transcript_view_append (SdTranscriptView *self,
                           GPtrArray        *events)
{
  g_return_if_fail (SD_IS_TRANSCRIPT_VIEW (self));

  for (guint i = 0; i < events->len; i++)
    g_queue_push_tail (&self->queue, sd_event_copy (events->pdata[i]));
  sd_transcript_view_schedule (self);
}

void
sd_transcript_view_flush (SdTranscriptView *self)
{
  g_return_if_fail (SD_IS_TRANSCRIPT_VIEW (self));
  sd_transcript_view_flush_some (self, G_MAXUINT);
}

void
sd_transcript_view_clear (SdTranscriptView *self)
{
  g_return_if_fail (SD_IS_TRANSCRIPT_VIEW (self));

  g_queue_clear_full (&self->queue, (GDestroyNotify) sd_event_free);
  gtk_text_buffer_set_text (self->buffer, "", 0);
  self->n_lines = 0;
  self->follow = TRUE;
}

guint
sd_transcript_view_get_n_lines (SdTranscriptView *self)
{
  return self->n_lines;
}

guint
sd_transcript_view_get_n_queued (SdTranscriptView *self)
{
  return g_queue_get_length (&self->queue);
}

char *
sd_transcript_view_dup_text (SdTranscriptView *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

GtkTextView *
sd_transcript_view_get_text_view (SdTranscriptView *self)
{
  return self->text_view;
}

void
sd_transcript_view_start_find (SdTranscriptView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static gboolean
sd_transcript_view_find (SdTranscriptView *self,
                         gboolean          forward,
                         gboolean          from_start)
{
  const char *needle = gtk_entry_get_text (GTK_ENTRY (self->search_entry));
  GtkTextSearchFlags flags = GTK_TEXT_SEARCH_CASE_INSENSITIVE | GTK_TEXT_SEARCH_TEXT_ONLY;
  GtkTextIter from, sel_start, sel_end, match_start, match_end;
  gboolean found;

  if (*needle == '\0')
    {
      gtk_label_set_text (self->search_status, "");
      return FALSE;
    }
  gtk_text_buffer_get_selection_bounds (self->buffer, &sel_start, &sel_end);
  if (from_start)
    gtk_text_buffer_get_start_iter (self->buffer, &from);
  else
    from = forward ? sel_end : sel_start;

  if (forward)
    found = gtk_text_iter_forward_search (&from, needle, flags, &match_start, &match_end, NULL);
  else
    found = gtk_text_iter_backward_search (&from, needle, flags, &match_start, &match_end, NULL);
  if (!found)
    {
      /* Wrap around once. */
      if (forward)
        gtk_text_buffer_get_start_iter (self->buffer, &from);
      else
        gtk_text_buffer_get_end_iter (self->buffer, &from);
      found = forward
        ? gtk_text_iter_forward_search (&from, needle, flags, &match_start, &match_end, NULL)
        : gtk_text_iter_backward_search (&from, needle, flags, &match_start, &match_end, NULL);
    }
  if (found)
    {
      gtk_text_buffer_select_range (self->buffer, &match_start, &match_end);
      gtk_text_view_scroll_to_iter (self->text_view, &match_start, 0.1, FALSE, 0, 0);
      self->follow = FALSE;
    }
  gtk_label_set_text (self->search_status, found ? "" : _("Not found"));
  return found;
}

static void
sd_transcript_view_on_search_changed (SdTranscriptView *self)
{
  sd_transcript_view_find (self, TRUE, TRUE);
}

static void
sd_transcript_view_on_search_next (SdTranscriptView *self)
{
  sd_transcript_view_find (self, TRUE, FALSE);
}

static void
sd_transcript_view_on_search_previous (SdTranscriptView *self)
{
  sd_transcript_view_find (self, FALSE, FALSE);
}

static void
sd_transcript_view_on_value_changed (GtkAdjustment    *adjustment,
                                     SdTranscriptView *self)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  /* Only the user moves the view away from the end; our own scrolls land on it. */
  self->follow = gtk_adjustment_get_value (adjustment) >= bottom - 24;
}

static void
sd_transcript_view_dispose (GObject *object)
{
  SdTranscriptView *self = SD_TRANSCRIPT_VIEW (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_queue_clear_full (&self->queue, (GDestroyNotify) sd_event_free);
  G_OBJECT_CLASS (sd_transcript_view_parent_class)->dispose (object);
}

static void
sd_transcript_view_unmap (GtkWidget *widget)
{
  SdTranscriptView *self = SD_TRANSCRIPT_VIEW (widget);

  /* The frame clock stops with the map; keep draining through an idle. */
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  GTK_WIDGET_CLASS (sd_transcript_view_parent_class)->unmap (widget);
  if (!g_queue_is_empty (&self->queue))
    sd_transcript_view_schedule (self);
}

/* The width of the prefix (time, TLS, arrow) in the current monospace font. */
static void
sd_transcript_view_update_indent (SdTranscriptView *self)
{
  g_autofree char *prefix = g_strdup_printf ("%9.1f ms TLS -> ", 0.0);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->text_view), prefix);
  int width = 0;

  pango_layout_get_pixel_size (layout, &width, NULL);
  /* Pango: a negative indent leaves the first line alone and indents the rest. */
  g_object_set (self->line_tag, "indent", -width, NULL);
}

static void
sd_transcript_view_style_updated (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sd_transcript_view_parent_class)->style_updated (widget);
  sd_transcript_view_update_indent (SD_TRANSCRIPT_VIEW (widget));
}

static void
sd_transcript_view_class_init (SdTranscriptViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_transcript_view_dispose;
  widget_class->unmap = sd_transcript_view_unmap;
  widget_class->style_updated = sd_transcript_view_style_updated;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-transcript-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SdTranscriptView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, SdTranscriptView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SdTranscriptView, search_status);
  gtk_widget_class_bind_template_child (widget_class, SdTranscriptView, scroller);
  gtk_widget_class_bind_template_child (widget_class, SdTranscriptView, text_view);
  gtk_widget_class_bind_template_callback (widget_class, sd_transcript_view_on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_transcript_view_on_search_next);
  gtk_widget_class_bind_template_callback (widget_class, sd_transcript_view_on_search_previous);
}

static void
sd_transcript_view_init (SdTranscriptView *self)
{
  GtkTextIter end;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_queue_init (&self->queue);
  self->follow = TRUE;
  self->buffer = gtk_text_view_get_buffer (self->text_view);

  /* Colors readable on light and dark themes alike. */
  gtk_text_buffer_create_tag (self->buffer, "time", "foreground", "#888a85", NULL);
  gtk_text_buffer_create_tag (self->buffer, "tls", "foreground", "#9141ac", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (self->buffer, "sent", "foreground", "#1c71d8", NULL);
  gtk_text_buffer_create_tag (self->buffer, "received", "foreground", "#26a269", NULL);
  gtk_text_buffer_create_tag (self->buffer, "info", "foreground", "#77767b", "style", PANGO_STYLE_ITALIC, NULL);
  gtk_text_buffer_create_tag (self->buffer, "warning", "foreground", "#c64600", NULL);
  gtk_text_buffer_create_tag (self->buffer, "error", "foreground", "#e01b24", "weight", PANGO_WEIGHT_BOLD, NULL);

  self->line_tag = gtk_text_buffer_create_tag (self->buffer, "line", NULL);

  gtk_text_buffer_get_end_iter (self->buffer, &end);
  self->end_mark = gtk_text_buffer_create_mark (self->buffer, "sd-end", &end, FALSE);

  sd_transcript_view_update_indent (self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_ENTRY (self->search_entry));
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (sd_transcript_view_on_value_changed), self, 0);
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->text_view)), _("Transcript"));
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self->search_entry)), _("Find in transcript"));
}

GtkWidget *
sd_transcript_view_new (void)
{
  return g_object_new (SD_TYPE_TRANSCRIPT_VIEW, NULL);
}
