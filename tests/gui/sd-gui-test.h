/* sd-gui-test.h: what the GUI tests share: the window, the main loop, screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-application.h"
#include "sd-window.h"

G_BEGIN_DECLS

/* Why a test that drives the file chooser does not run on Windows: GtkFileChooserNative
 * is the Windows dialog there, with no GTK widget to find or to answer. */
#define SD_GUI_TEST_NATIVE_CHOOSER \
  "the file chooser is the native Windows dialog here, not a GTK widget a test can drive"

/* g_test_init() and gtk_init_check(); exits 77 without a display. On Windows, the
 * warnings that only wine causes are not fatal (see sd-gui-test.c). */
void      sd_gui_test_init_gtk_check (int           *argc,
                                      char        ***argv);
/* sd_gui_test_init_gtk_check() under a fresh XDG_CONFIG_HOME (*@config_dir: no profiles or
 * window state from an earlier run); exits 77 without a display. The registered
 * application (transfer full). */
SdApplication *sd_gui_test_init      (int           *argc,
                                      char        ***argv,
                                      char         **config_dir);
/* Runs the default main context for @ms milliseconds (layout, drawing, workers' events). */
void      sd_gui_test_iterate        (guint          ms);
/* Runs the main context until @done (@data) is true; fails the test after 20 s. */
void      sd_gui_test_wait_until     (gboolean     (*done) (gpointer),
                                      gpointer       data);
/* Waits until @window's session has ended and its transcript is all shown, then lets
 * layout and drawing settle; fails the test after 30 s. */
void      sd_gui_test_wait_for_session (SdWindow    *window);
/* Draws @widget into @name, a PNG beside the test in the build tree, and says where. */
void      sd_gui_test_screenshot     (GtkWidget     *widget,
                                      const char    *name);

/* The widget under @root whose accessible name is @name, or NULL. */
GtkWidget *sd_gui_test_find          (GtkWidget     *root,
                                      const char    *name);
/* The same, failing the test when there is none. */
GtkWidget *sd_gui_test_need          (GtkWidget     *root,
                                      const char    *name);
/* Whether @layout, laid out at @width pixels, puts a hyphen Pango inserted at the end
 * of a line (one the text does not have). */
gboolean  sd_gui_test_layout_inserts_hyphen (PangoLayout *layout,
                                             int          width);

/* A new window of @app at @width × @height, shown and drawn; the caller owns it. */
SdWindow *sd_gui_test_window_new     (SdApplication *app,
                                      int            width,
                                      int            height);
/* Destroys @window and lets the main loop finish with it. */
void      sd_gui_test_window_destroy (SdWindow      *window);

G_END_DECLS
