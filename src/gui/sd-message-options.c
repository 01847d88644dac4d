/* sd-message-options.c: attachments, HTML, DSN and the burst, folded under the form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-private.h"
#include "sd-message-options.h"

struct _SdMessageOptions
{
  GtkBox           parent_instance;

  GtkExpander     *expander;
  GtkListBox      *attachment_list;
  GtkSpinButton   *generated_spin;
  GtkLabel        *total_label;
  GtkCheckButton  *html_check;
  GtkComboBoxText *dsn_combo;
  GtkComboBoxText *dsn_ret_combo;
  GtkEntry        *dsn_envid_entry;
  GtkSpinButton   *count_spin;
  GtkSpinButton   *connections_spin;
  GtkSpinButton   *interval_spin;

  GPtrArray       *attachments;   /* (element-type SdAttachment) as listed */
};

G_DEFINE_FINAL_TYPE (SdMessageOptions, sd_message_options, GTK_TYPE_BOX)

static void sd_message_options_refresh (SdMessageOptions *self);

/* base64 grows 4/3, plus a line end per 76 characters. */
static guint64
encoded_size (guint64 size)
{
  return (size + 2) / 3 * 4 * 78 / 76;
}

static void
sd_message_options_update_total (SdMessageOptions *self)
{
  guint64 total = 0;
  g_autofree char *files = NULL;
  g_autofree char *encoded = NULL;

  for (guint i = 0; i < self->attachments->len; i++)
    total += g_bytes_get_size (((SdAttachment *) self->attachments->pdata[i])->data);
  total += (guint64) gtk_spin_button_get_value_as_int (self->generated_spin) * 1024 * 1024;
  if (total == 0)
    {
      gtk_label_set_text (self->total_label, _("No attachments"));
      return;
    }
  files = g_format_size (total);
  encoded = g_format_size (encoded_size (total));
  {
    /* Translators: the files' size, then the size once base64-encoded (both “3.2 MB”). */
    g_autofree char *text = g_strdup_printf (_("Attachments: %s (about %s in the message, "
                                               "compared with the server's SIZE)"),
                                             files, encoded);
    gtk_label_set_text (self->total_label, text);
  }
}

static void
sd_message_options_on_remove (GtkButton        *button,
                              SdMessageOptions *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (index < self->attachments->len)
    g_ptr_array_remove_index (self->attachments, index);
  sd_message_options_refresh (self);
}

static GtkWidget *
sd_message_options_row (SdMessageOptions   *self,
                        const SdAttachment *attachment,
                        guint               index)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *size = g_format_size (g_bytes_get_size (attachment->data));
  GtkWidget *name = gtk_label_new (attachment->filename);
  GtkWidget *details = gtk_label_new (NULL);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic", GTK_ICON_SIZE_BUTTON);
  g_autofree char *text = g_strdup_printf ("%s, %s", size, attachment->content_type);

  gtk_label_set_text (GTK_LABEL (details), text);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_style_context_add_class (gtk_widget_get_style_context (details), "dim-label");
  gtk_widget_set_tooltip_text (remove, _("Remove this attachment"));
  atk_object_set_name (gtk_widget_get_accessible (remove), _("Remove this attachment"));
  g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (index));
  g_signal_connect (remove, "clicked", G_CALLBACK (sd_message_options_on_remove), self);
  gtk_container_add (GTK_CONTAINER (box), name);
  gtk_container_add (GTK_CONTAINER (box), details);
  gtk_container_add (GTK_CONTAINER (box), remove);
  gtk_widget_show_all (box);
  return box;
}

static void
sd_message_options_refresh (SdMessageOptions *self)
{
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (self->attachment_list));

  for (GList *l = rows; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint i = 0; i < self->attachments->len; i++)
    gtk_list_box_insert (self->attachment_list,
                         sd_message_options_row (self, self->attachments->pdata[i], i), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->attachment_list), self->attachments->len > 0);
  sd_message_options_update_total (self);
}

gboolean
sd_message_options_add_file (SdMessageOptions  *self,
                             const char        *path,
                             GError           **error)
{
  SdAttachment *attachment = sd_attachment_new_from_file (path, error);

  if (attachment == NULL)
    return FALSE;
  g_ptr_array_add (self->attachments, attachment);
  sd_message_options_refresh (self);
  return TRUE;
}

guint
sd_message_options_get_n_attachments (SdMessageOptions *self)
{
  return self->attachments->len;
}

static void
sd_message_options_on_chooser_response (GtkNativeDialog  *chooser,
                                        int               response,
                                        SdMessageOptions *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GSList) files = gtk_file_chooser_get_filenames (GTK_FILE_CHOOSER (chooser));

      for (GSList *l = files; l != NULL; l = l->next)
        {
          g_autoptr(GError) error = NULL;
          if (!sd_message_options_add_file (self, l->data, &error))
            gtk_label_set_text (self->total_label, error->message);
        }
      g_slist_free_full (g_steal_pointer (&files), g_free);
    }
  g_object_unref (chooser);
}

static void
sd_message_options_on_attach_clicked (SdMessageOptions *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Attach Files"),
                                 GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"), _("_Cancel"));

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (sd_message_options_on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
sd_message_options_on_generated_changed (SdMessageOptions *self)
{
  sd_message_options_update_total (self);
}

/* The body as HTML: escaped, one paragraph, line breaks kept. */
static char *
body_to_html (const char *body)
{
  g_autofree char *escaped = g_markup_escape_text (body != NULL ? body : "", -1);
  g_auto(GStrv) lines = g_strsplit (escaped, "\n", -1);
  g_autofree char *joined = g_strjoinv ("<br>\n", lines);

  return g_strdup_printf ("<!DOCTYPE html>\n<html><body><p>%s</p></body></html>\n", joined);
}

void
sd_message_options_apply (SdMessageOptions *self,
                          SdSettings       *settings)
{
  const char *notify = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->dsn_combo));
  const char *ret = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->dsn_ret_combo));
  const char *envid = gtk_entry_get_text (self->dsn_envid_entry);
  int generated = gtk_spin_button_get_value_as_int (self->generated_spin);

  for (guint i = 0; i < self->attachments->len; i++)
    sd_settings_add_attachment (settings, self->attachments->pdata[i]);
  if (generated > 0)
    {
      g_autoptr(SdAttachment) filler = sd_attachment_new_generated ((guint64) generated * 1024 * 1024);
      sd_settings_add_attachment (settings, filler);
    }
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->html_check)))
    settings->html = body_to_html (settings->body);
  if (notify != NULL && !g_str_equal (notify, "off"))
    {
      settings->dsn_notify = g_strdup (notify);
      if (ret != NULL && !g_str_equal (ret, "default"))
        settings->dsn_ret = g_strdup (ret);
      if (*envid != '\0')
        settings->dsn_envid = g_strdup (envid);
    }
}

gboolean
sd_message_options_get_burst (SdMessageOptions *self,
                              SdBurstSpec      *spec)
{
  spec->count = gtk_spin_button_get_value_as_int (self->count_spin);
  spec->connections = gtk_spin_button_get_value_as_int (self->connections_spin);
  spec->interval_ms = gtk_spin_button_get_value_as_int (self->interval_spin);
  return spec->count > 1;
}

void
sd_message_options_set_burst (SdMessageOptions  *self,
                              const SdBurstSpec *spec)
{
  gtk_spin_button_set_value (self->count_spin, spec->count);
  gtk_spin_button_set_value (self->connections_spin, spec->connections);
  gtk_spin_button_set_value (self->interval_spin, spec->interval_ms);
  gtk_expander_set_expanded (self->expander, TRUE);
}

static void
sd_message_options_set_names (SdMessageOptions *self)
{
  const SdAccessibleName names[] = {
    { self->attachment_list, N_("Attachments") },
    { self->generated_spin, N_("Generated attachment in MB") },
    { self->html_check, N_("Also send as HTML") },
    { self->dsn_combo, N_("Delivery notifications (DSN)") },
    { self->dsn_ret_combo, N_("DSN return") },
    { self->dsn_envid_entry, N_("DSN envelope ID") },
    { self->count_spin, N_("Burst messages") },
    { self->connections_spin, N_("Burst connections") },
    { self->interval_spin, N_("Burst interval in milliseconds") },
  };

  sd_set_accessible_names (names, G_N_ELEMENTS (names));
}

static void
sd_message_options_finalize (GObject *object)
{
  SdMessageOptions *self = SD_MESSAGE_OPTIONS (object);

  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  G_OBJECT_CLASS (sd_message_options_parent_class)->finalize (object);
}

static void
sd_message_options_class_init (SdMessageOptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sd_message_options_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-message-options.ui");
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, expander);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, attachment_list);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, generated_spin);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, total_label);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, html_check);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, dsn_combo);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, dsn_ret_combo);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, dsn_envid_entry);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, count_spin);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, connections_spin);
  gtk_widget_class_bind_template_child (widget_class, SdMessageOptions, interval_spin);
  gtk_widget_class_bind_template_callback (widget_class, sd_message_options_on_attach_clicked);
  gtk_widget_class_bind_template_callback (widget_class, sd_message_options_on_generated_changed);
}

static void
sd_message_options_init (SdMessageOptions *self)
{
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_attachment_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  sd_message_options_set_names (self);
  sd_message_options_update_total (self);
}

GtkWidget *
sd_message_options_new (void)
{
  return g_object_new (SD_TYPE_MESSAGE_OPTIONS, NULL);
}
