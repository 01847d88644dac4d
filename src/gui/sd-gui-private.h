/* sd-gui-private.h: small helpers shared by the window's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gi18n.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/* sd_settings_new() fills in defaults: replace them, don't leak them. Takes @value. */
static inline void
sd_take_str (char **field,
             char  *value)
{
  g_free (*field);
  *field = value;
}

/* A file chooser's filter for @pattern, shown as @name. */
static inline void
sd_file_chooser_add_filter (GtkFileChooser *chooser,
                            const char     *name,
                            const char     *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
}

typedef struct {
  gpointer    widget;
  const char *name;   /* marked with N_() */
} SdAccessibleName;

/* Names for screen readers, which the GUI tests find widgets by too. */
static inline void
sd_set_accessible_names (const SdAccessibleName *names,
                         gsize                   n_names)
{
  for (gsize i = 0; i < n_names; i++)
    atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (names[i].widget)), _(names[i].name));
}

/* Wraps @label at words, or between characters inside a word too long for the line,
 * without the hyphen Pango would add there: host names, ciphers and fingerprints are
 * data, and "examp-le.test" reads as a different name. */
static inline void
sd_label_wrap_as_data (GtkLabel *label)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
  gtk_label_set_line_wrap (label, TRUE);
  gtk_label_set_line_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
}

/* Keeps *@where pointing at @dialog until it is destroyed: by us, or with its parent
 * window, which may come before the dispose of the widget that opened it. */
static inline void
sd_dialog_track (GtkWidget  *dialog,
                 GtkWidget **where)
{
  *where = dialog;
  g_signal_connect (dialog, "destroy", G_CALLBACK (gtk_widget_destroyed), where);
}

/* Destroys *@dialog, if open, without its handlers for @data seeing it go. */
static inline void
sd_dialog_close (GtkWidget **dialog,
                 gpointer    data)
{
  if (*dialog == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*dialog, data);
  gtk_widget_destroy (g_steal_pointer (dialog));
}

G_END_DECLS
