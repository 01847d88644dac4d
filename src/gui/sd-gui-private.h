/* sd-gui-private.h: small helpers shared by the window's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

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

G_END_DECLS
