/* sd-gui-test.h: what the GUI tests share: letting the main loop run, screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Runs the default main context for @ms milliseconds (layout, drawing, workers' events). */
void sd_gui_test_iterate    (guint       ms);
/* Draws @widget into @name, a PNG beside the test in the build tree, and says where. */
void sd_gui_test_screenshot (GtkWidget  *widget,
                             const char *name);

G_END_DECLS
