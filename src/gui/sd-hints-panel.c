/* sd-hints-panel.c: why it failed and how to fix it, one card per hint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-private.h"
#include "sd-hints-panel.h"
#include "sd-report-html.h"

struct _SdHintsPanel
{
  GtkBox   parent_instance;
  GtkBox  *cards;
  GString *text;
};

G_DEFINE_FINAL_TYPE (SdHintsPanel, sd_hints_panel, GTK_TYPE_BOX)

const char *
sd_stage_describe (SdStage stage)
{
  switch (stage)
    {
    case SD_STAGE_RESOLVE:  return _("while looking up the server's address");
    case SD_STAGE_CONNECT:  return _("while connecting to the server");
    case SD_STAGE_GREETING: return _("when the server greeted us");
    case SD_STAGE_EHLO:     return _("when introducing ourselves (EHLO)");
    case SD_STAGE_STARTTLS: return _("when asking to switch to TLS (STARTTLS)");
    case SD_STAGE_TLS:      return _("during the TLS handshake and certificate check");
    case SD_STAGE_AUTH:     return _("when logging in (AUTH)");
    case SD_STAGE_MAIL:     return _("when giving the sender (MAIL FROM)");
    case SD_STAGE_RCPT:     return _("when giving the recipients (RCPT TO)");
    case SD_STAGE_DATA:     return _("when sending the message (DATA)");
    case SD_STAGE_QUIT:     return _("when saying goodbye (QUIT)");
    case SD_N_STAGES:
    default:                return "";
    }
}

static GtkWidget *
sd_wrapped_label (const char *text,
                  const char *style_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  sd_label_wrap_as_data (GTK_LABEL (label));
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_can_focus (label, FALSE);
  if (style_class != NULL)
    gtk_style_context_add_class (gtk_widget_get_style_context (label), style_class);
  return label;
}

static void
sd_on_copy_hint (GtkButton  *button,
                 const char *text)
{
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button), GDK_SELECTION_CLIPBOARD),
                          text, -1);
}

static const char *
sd_severity_label (SdHintSeverity severity)
{
  switch (severity)
    {
    case SD_HINT_ERROR:   return _("Problem");
    case SD_HINT_WARNING: return _("Warning");
    case SD_HINT_INFO:    return _("Note");
    default:              return "";
    }
}

static void
sd_hints_panel_add_card (SdHintsPanel *self,
                         const SdHint *hint)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *severity = gtk_label_new (sd_severity_label (hint->severity));
  GtkWidget *title = sd_wrapped_label (hint->title, "hint-title");
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic", GTK_ICON_SIZE_BUTTON);
  g_autofree char *text = sd_hint_to_text (hint);
  g_autofree char *copy_name = g_strdup_printf (_("Copy hint: %s"), hint->title);

  gtk_style_context_add_class (gtk_widget_get_style_context (card), "hint-card");
  gtk_style_context_add_class (gtk_widget_get_style_context (card),
                               sd_hint_severity_to_string (hint->severity));
  gtk_style_context_add_class (gtk_widget_get_style_context (severity), "hint-severity");
  gtk_widget_set_valign (severity, GTK_ALIGN_START);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_set_valign (copy, GTK_ALIGN_START);
  gtk_button_set_relief (GTK_BUTTON (copy), GTK_RELIEF_NONE);
  gtk_widget_set_tooltip_text (copy, _("Copy this hint"));
  atk_object_set_name (gtk_widget_get_accessible (copy), copy_name);
  g_signal_connect_data (copy, "clicked", G_CALLBACK (sd_on_copy_hint),
                         g_strdup (text), (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_container_add (GTK_CONTAINER (header), severity);
  gtk_container_add (GTK_CONTAINER (header), title);
  gtk_container_add (GTK_CONTAINER (header), copy);
  gtk_container_add (GTK_CONTAINER (card), header);

  if (hint->detail != NULL)
    gtk_container_add (GTK_CONTAINER (card), sd_wrapped_label (hint->detail, NULL));
  for (guint i = 0; hint->evidence && i < hint->evidence->len; i++)
    {
      g_autofree char *line = sd_text_escape (hint->evidence->pdata[i]);
      gtk_container_add (GTK_CONTAINER (card), sd_wrapped_label (line, "hint-evidence"));
    }
  for (guint i = 0; hint->fixes && i < hint->fixes->len; i++)
    {
      const SdHintFix *fix = hint->fixes->pdata[i];
      GtkWidget *expander = gtk_expander_new (NULL);
      GtkWidget *label = gtk_label_new (fix->label ? fix->label : fix->product);
      GString *steps = g_string_new (NULL);

      /* Translated product names run long: wrap them rather than widen the column. */
      sd_label_wrap_as_data (GTK_LABEL (label));
      gtk_label_set_line_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_expander_set_label_widget (GTK_EXPANDER (expander), label);

      for (guint j = 0; fix->steps && j < fix->steps->len; j++)
        g_string_append_printf (steps, "%s%u. %s", j ? "\n" : "", j + 1,
                                (const char *) fix->steps->pdata[j]);
      gtk_container_add (GTK_CONTAINER (expander), sd_wrapped_label (steps->str, "hint-steps"));
      gtk_expander_set_expanded (GTK_EXPANDER (expander), i == 0 && hint->fixes->len == 1);
      gtk_container_add (GTK_CONTAINER (card), expander);
      g_string_free (steps, TRUE);
    }
  gtk_widget_show_all (card);
  gtk_container_add (GTK_CONTAINER (self->cards), card);
  g_string_append_printf (self->text, "%s\n", text);
}

static void
sd_hints_panel_remove_all (SdHintsPanel *self)
{
  GList *children = gtk_container_get_children (GTK_CONTAINER (self->cards));

  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_list_free (children);
  g_string_truncate (self->text, 0);
}

void
sd_hints_panel_clear (SdHintsPanel *self)
{
  SdHint placeholder = {
    .severity = SD_HINT_INFO,
    .title = _("No session yet"),
    .detail = _("Press Send test mail (Ctrl+Return) or Test connection. If something goes "
                "wrong, the reason and how to fix it appear here."),
  };

  sd_hints_panel_remove_all (self);
  sd_hints_panel_add_card (self, &placeholder);
}

/* Until the hints engine has something to say: the outcome and the failing reply. */
static SdHint *
sd_hint_from_report (const SdReport *report)
{
  SdHint *hint = g_new0 (SdHint, 1);

  hint->id = g_strdup ("outcome");
  hint->evidence = g_ptr_array_new_with_free_func (g_free);
  hint->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  if (report->ok)
    {
      hint->severity = SD_HINT_INFO;
      hint->title = sd_report_describe_outcome (report);
      hint->detail = g_strdup_printf (_("Everything worked up to the end (last step: %s). "
                                        "If your application still fails, compare its "
                                        "settings with these."), sd_stage_to_string (report->stage));
      return hint;
    }

  hint->severity = SD_HINT_ERROR;
  hint->title = g_strdup_printf (_("It failed %s"), sd_stage_describe (report->stage));
  if (report->error != NULL)
    {
      g_autofree char *message = sd_text_escape (report->error->message);
      hint->detail = g_strdup (message);
    }
  if (report->reply != NULL && !sd_reply_is_positive (report->reply))
    {
      g_ptr_array_add (hint->evidence, g_strdup (_("The server replied:")));
      for (guint i = 0; i < report->reply->lines->len; i++)
        g_ptr_array_add (hint->evidence, g_strdup (report->reply->lines->pdata[i]));
    }
  return hint;
}

void
sd_hints_panel_set_report (SdHintsPanel   *self,
                           const SdReport *report)
{
  sd_hints_panel_remove_all (self);

  /* Success is said first, with any warnings after it; a failure is explained by the
   * engine's hints, or in plain words when it has none. */
  if (report->ok || report->hints->len == 0)
    {
      g_autoptr(SdHint) hint = sd_hint_from_report (report);
      sd_hints_panel_add_card (self, hint);
    }
  for (guint i = 0; i < report->hints->len; i++)
    sd_hints_panel_add_card (self, report->hints->pdata[i]);
}

void
sd_hints_panel_set_hints (SdHintsPanel *self,
                          GPtrArray    *hints)
{
  sd_hints_panel_remove_all (self);
  for (guint i = 0; hints != NULL && i < hints->len; i++)
    sd_hints_panel_add_card (self, hints->pdata[i]);
}

char *
sd_hints_panel_dup_text (SdHintsPanel *self)
{
  return g_strdup (self->text->str);
}

static void
sd_hints_panel_finalize (GObject *object)
{
  SdHintsPanel *self = SD_HINTS_PANEL (object);

  g_string_free (self->text, TRUE);
  G_OBJECT_CLASS (sd_hints_panel_parent_class)->finalize (object);
}

static void
sd_hints_panel_class_init (SdHintsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sd_hints_panel_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-hints-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, SdHintsPanel, cards);
}

static void
sd_hints_panel_init (SdHintsPanel *self)
{
  self->text = g_string_new (NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), _("Hints"));
  sd_hints_panel_clear (self);
}

GtkWidget *
sd_hints_panel_new (void)
{
  return g_object_new (SD_TYPE_HINTS_PANEL, NULL);
}
