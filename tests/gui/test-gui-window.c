/* test-gui-window.c: the window as a new user meets it, on the screen Xvfb was given
 *
 * tests/gui/meson.build runs this at 1024x600, 1366x768 and 1920x1080: the window must
 * open inside the monitor's work area with its status line and Send button on screen.
 * The export, picker and wrapping checks do not depend on the screen: they run once.
 * Against the built-in server; screenshots fit-WxH-session.png and fit-WxH-failure.png.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "sd-application.h"
#include "sd-gui-test.h"
#include "sd-hint.h"
#include "sd-report.h"
#include "sd-session.h"
#include "sd-stage-strip.h"
#include "sd-window.h"

static SdApplication *app;

static GtkWidget *
need (SdWindow   *window,
      const char *name)
{
  GtkWidget *widget = sd_gui_test_find (GTK_WIDGET (window), name);

  if (widget == NULL)
    g_error ("no widget with the accessible name \"%s\"", name);
  return widget;
}

static void
send_and_wait (SdWindow *window)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "send", NULL);
  sd_gui_test_wait_for_session (window);
}

static void
get_workarea (GtkWidget    *widget,
              GdkRectangle *area)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  GdkMonitor *monitor = gdk_display_get_primary_monitor (display);

  if (monitor == NULL)
    monitor = gdk_display_get_monitor (display, 0);
  gdk_monitor_get_workarea (monitor, area);
}

/* @widget is drawn whole inside the window, and the window inside the work area. */
static void
assert_on_screen (SdWindow   *window,
                  const char *name)
{
  GtkWidget *widget = need (window, name);
  GdkRectangle area;
  int wx, wy, x, y;

  get_workarea (GTK_WIDGET (window), &area);
  gtk_window_get_position (GTK_WINDOW (window), &wx, &wy);
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (window), 0, 0, &x, &y));
  g_test_message ("%s at %d,%d %d×%d in a window at %d,%d", name, x, y,
                  gtk_widget_get_allocated_width (widget), gtk_widget_get_allocated_height (widget),
                  wx, wy);
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (wx + x + gtk_widget_get_allocated_width (widget), <=, area.x + area.width);
  g_assert_cmpint (wy + y + gtk_widget_get_allocated_height (widget), <=, area.y + area.height);
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_line_wrap (GTK_LABEL (widget)))
    g_ptr_array_add (labels, widget);
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l; l = l->next)
        collect_labels (l->data, labels);
    }
}

/* The window as it opens with the default settings, a session, then a failure. */
static void
test_fit (void)
{
  SdWindow *window = g_object_ref_sink (sd_window_new (app));
  GdkRectangle area;
  g_autofree char *session_png = NULL, *failure_png = NULL;
  int width, height;

  gtk_widget_show (GTK_WIDGET (window));
  sd_gui_test_iterate (300);
  get_workarea (GTK_WIDGET (window), &area);
  width = gtk_widget_get_allocated_width (GTK_WIDGET (window));
  height = gtk_widget_get_allocated_height (GTK_WIDGET (window));
  g_test_message ("work area %d×%d, window %d×%d", area.width, area.height, width, height);
  g_assert_cmpint (width, <=, area.width);
  g_assert_cmpint (height, <=, area.height);
  assert_on_screen (window, "Status");
  assert_on_screen (window, "Send test mail");

  send_and_wait (window);
  g_assert_true (sd_window_get_report (window)->ok);
  assert_on_screen (window, "Status");
  /* The built-in server offers PIPELINING: one time for MAIL, RCPT and DATA together,
   * not all of it under MAIL. */
  g_assert_true (sd_window_get_report (window)->pipelining_used);
  {
    g_autofree char *group = g_strdup_printf ("%.1f ms",
                                              sd_report_get_pipelined_us (sd_window_get_report (window)) / 1000.0);
    g_assert_cmpstr (sd_stage_strip_get_time_text (sd_window_get_stage_strip (window), SD_STAGE_MAIL),
                     ==, group);
  }
  g_assert_cmpstr (sd_stage_strip_get_time_text (sd_window_get_stage_strip (window), SD_STAGE_RCPT),
                   ==, "pipelined");
  g_assert_cmpstr (sd_stage_strip_get_time_text (sd_window_get_stage_strip (window), SD_STAGE_DATA),
                   ==, "pipelined");
  session_png = g_strdup_printf ("fit-%dx%d-session.png", area.width, area.height);
  sd_gui_test_screenshot (GTK_WIDGET (window), session_png);
  if (area.width >= 1600)
    {
      /* Room enough: the side column is wide enough for the summary's short lines. */
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      collect_labels (GTK_WIDGET (sd_window_get_summary_card (window)), labels);
      g_assert_cmpuint (labels->len, >, 5);
      for (guint i = 0; i < labels->len; i++)
        {
          GtkLabel *label = labels->pdata[i];
          int lines = pango_layout_get_line_count (gtk_label_get_layout (label));

          if (g_utf8_strlen (gtk_label_get_text (label), -1) <= 48 && lines > 1)
            g_error ("the summary wraps \"%s\" on %d lines", gtk_label_get_text (label), lines);
        }
    }

  gtk_entry_set_text (GTK_ENTRY (need (window, "Password")), "not-the-password");
  send_and_wait (window);
  g_assert_false (sd_window_get_report (window)->ok);
  assert_on_screen (window, "Status");
  assert_on_screen (window, "Send test mail");
  failure_png = g_strdup_printf ("fit-%dx%d-failure.png", area.width, area.height);
  sd_gui_test_screenshot (GTK_WIDGET (window), failure_png);
  sd_gui_test_window_destroy (window);
}

/* --- export: the chosen type decides ----------------------------------------------- */

static GtkFileChooser *
find_chooser (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (GTK_IS_FILE_CHOOSER (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
chooser_gone (gpointer data)
{
  return find_chooser () == NULL;
}

/* "Web page" picked in the chooser, the suggested name kept: HTML in a .html file. */
static void
test_export_chosen_type (void)
{
  SdWindow *window = sd_gui_test_window_new (app, 1200, 700);
  g_autofree char *dir = g_dir_make_tmp ("sd-export-XXXXXX", NULL);
  g_autoptr(GDir) listing = NULL;
  g_autofree char *path = NULL, *contents = NULL;
  GtkFileChooser *chooser;
  const char *name;

#ifdef G_OS_WIN32
  g_test_skip (SD_GUI_TEST_NATIVE_CHOOSER);
  sd_gui_test_window_destroy (window);
  return;
#endif
  send_and_wait (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "export", NULL);
  sd_gui_test_iterate (300);
  chooser = find_chooser ();
  g_assert_nonnull (chooser);
  {
    g_autofree char *suggested = gtk_file_chooser_get_current_name (chooser);
    g_assert_true (g_str_has_suffix (suggested, ".txt"));
  }
  gtk_file_chooser_set_current_folder (chooser, dir);
  sd_gui_test_iterate (200);
  {
    g_autoptr(GSList) filters = gtk_file_chooser_list_filters (chooser);
    GtkFileFilter *html = NULL;

    for (GSList *l = filters; l; l = l->next)
      {
        g_autofree char *lower = g_ascii_strdown (gtk_file_filter_get_name (l->data), -1);
        if (strstr (lower, "html") != NULL)
          html = l->data;
      }
    g_assert_nonnull (html);
    gtk_file_chooser_set_filter (chooser, html);
  }
  sd_gui_test_iterate (100);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  sd_gui_test_wait_until (chooser_gone, NULL);
  sd_gui_test_iterate (100);

  listing = g_dir_open (dir, 0, NULL);
  name = g_dir_read_name (listing);
  g_assert_nonnull (name);
  g_test_message ("saved as %s", name);
  g_assert_true (g_str_has_suffix (name, ".html"));
  g_assert_null (g_dir_read_name (listing));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "<!DOCTYPE html>"));
  g_unlink (path);
  g_rmdir (dir);
  sd_gui_test_window_destroy (window);
}

/* A failed connect has no banner and no address: no blank rows; hints say how bad and why. */
static void
test_export_html_failed_connect (void)
{
  SdWindow *window = sd_gui_test_window_new (app, 1200, 700);
  g_autofree char *dir = g_dir_make_tmp ("sd-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "failed.html", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;
  const SdReport *report;

  gtk_entry_set_text (GTK_ENTRY (need (window, "Port")), "1");
  send_and_wait (window);
  report = sd_window_get_report (window);
  g_assert_false (report->ok);
  g_assert_cmpint (report->stage, ==, SD_STAGE_CONNECT);
  g_assert_true (sd_window_export_to_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &html, NULL, NULL));
  g_assert_null (strstr (html, "<td></td>"));
  g_assert_cmpuint (report->hints->len, >, 0);
  g_assert_nonnull (strstr (html, "<span class=\"severity\">"));
  for (guint i = 0; i < report->hints->len; i++)
    {
      const SdHint *hint = report->hints->pdata[i];
      g_autofree char *escaped = NULL;

      if (hint->evidence == NULL || hint->evidence->len == 0)
        continue;
      escaped = g_markup_escape_text (hint->evidence->pdata[0], -1);
      g_assert_nonnull (strstr (html, escaped));
    }
  g_assert_nonnull (strstr (html, "class=\"evidence\""));
  g_unlink (path);
  g_rmdir (dir);
  sd_gui_test_window_destroy (window);
}

/* --- the profile picker ------------------------------------------------------------ */

/* Every entry distinct, none cut in the open list; an edit to any entry is marked. */
static void
test_picker (void)
{
  SdWindow *window = sd_gui_test_window_new (app, 1200, 700);
  GtkComboBox *combo = GTK_COMBO_BOX (need (window, "Profile"));
  GtkTreeModel *model = gtk_combo_box_get_model (combo);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkWidget *modified = need (window, "Profile modified");
  int text_column = gtk_combo_box_get_entry_text_column (combo);
  GtkTreeIter iter;
  guint n_checked = 0;

  for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok;
       ok = gtk_tree_model_iter_next (model, &iter))
    {
      char *text = NULL;

      gtk_tree_model_get (model, &iter, text_column, &text, -1);
      g_test_message ("picker: %s", text);
      g_assert_false (g_hash_table_contains (seen, text));
      g_hash_table_add (seen, text);
    }

  /* The open list shows each entry whole. */
  {
    /* GTK warns that no click opened the list: the test opens it from code. */
    GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);

    gtk_combo_box_popup (combo);
    g_log_set_always_fatal (fatal);
  }
  sd_gui_test_iterate (300);
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l; l = l->next)
      {
        GtkWidget *menu = gtk_bin_get_child (GTK_BIN (l->data));
        g_autoptr(GList) items = NULL;

        if (!GTK_IS_MENU (menu) || !gtk_widget_get_visible (l->data))
          continue;
        items = gtk_container_get_children (GTK_CONTAINER (menu));
        for (GList *i = items; i; i = i->next)
          {
            GtkWidget *view = gtk_bin_get_child (GTK_BIN (i->data));
            g_autofree char *text = NULL;
            g_autoptr(PangoLayout) layout = NULL;
            int text_width;

            if (!GTK_IS_CELL_VIEW (view))
              continue;
            {
              GtkTreePath *tree_path = gtk_cell_view_get_displayed_row (GTK_CELL_VIEW (view));
              GtkTreeIter row;

              g_assert_true (gtk_tree_model_get_iter (model, &row, tree_path));
              gtk_tree_model_get (model, &row, text_column, &text, -1);
              gtk_tree_path_free (tree_path);
            }
            layout = gtk_widget_create_pango_layout (view, text);
            pango_layout_get_pixel_size (layout, &text_width, NULL);
            g_test_message ("%s: %d px of text in %d px", text, text_width,
                            gtk_widget_get_allocated_width (view));
            g_assert_cmpint (text_width, <=, gtk_widget_get_allocated_width (view));
            n_checked++;
          }
      }
  }
  gtk_combo_box_popdown (combo);
  sd_gui_test_iterate (100);
  g_assert_cmpuint (n_checked, ==, g_hash_table_size (seen));

  /* The built-in server's form, edited. */
  g_assert_cmpstr (gtk_combo_box_get_active_id (combo), ==, "builtin");
  g_assert_false (gtk_widget_get_visible (modified));
  gtk_entry_set_text (GTK_ENTRY (need (window, "Server")), "mail.example.test");
  sd_gui_test_iterate (50);
  g_assert_true (gtk_widget_get_visible (modified));
  /* A preset, edited. */
  g_assert_true (gtk_combo_box_set_active_id (combo, "preset:gmail"));
  sd_gui_test_iterate (50);
  g_assert_false (gtk_widget_get_visible (modified));
  gtk_entry_set_text (GTK_ENTRY (need (window, "Port")), "2587");
  sd_gui_test_iterate (50);
  g_assert_true (gtk_widget_get_visible (modified));
  sd_gui_test_window_destroy (window);
}

/* --- wrapping ---------------------------------------------------------------------- */

/* Host names, ciphers and fingerprints are data: a wrapped line never gains a hyphen. */
static void
test_no_hyphens (void)
{
  SdWindow *window = sd_gui_test_window_new (app, 1200, 700);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *transcript = need (window, "Transcript");

  gtk_entry_set_text (GTK_ENTRY (need (window, "Password")), "not-the-password");
  send_and_wait (window);
  collect_labels (GTK_WIDGET (sd_window_get_summary_card (window)), labels);
  collect_labels (GTK_WIDGET (sd_window_get_hints_panel (window)), labels);
  g_assert_cmpuint (labels->len, >, 5);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = labels->pdata[i];

      /* Narrow enough that every long word must be broken. */
      if (sd_gui_test_layout_inserts_hyphen (gtk_label_get_layout (label), 40))
        g_error ("a hyphen is inserted when \"%s\" wraps", gtk_label_get_text (label));
    }
  /* GTK 3's text view cannot switch Pango's hyphens off: the transcript does not wrap
   * (it scrolls sideways), so it cannot break inside a word. */
  g_assert_cmpint (gtk_text_view_get_wrap_mode (GTK_TEXT_VIEW (transcript)), ==, GTK_WRAP_NONE);
  sd_gui_test_window_destroy (window);
}

/* --- no session bus: dconf must not warn at every write --------------------------- */

static const char *self_path;

/* In the child: a session and a closed window write every setting once or more. */
static void
run_without_bus (void)
{
  SdWindow *window = g_object_ref_sink (sd_window_new (app));

  gtk_widget_show (GTK_WIDGET (window));
  sd_gui_test_iterate (200);
  for (guint i = 0; i < 5; i++)
    gtk_entry_set_text (GTK_ENTRY (need (window, "Subject")), i % 2 ? "typed" : "typed again");
  send_and_wait (window);
  sd_gui_test_window_destroy (window);
}

/* The default GSettings backend (dconf) with a session bus address that leads nowhere:
 * the window keeps its settings in memory and prints nothing about dconf (issue 18,
 * item 14). The child is this program with the settings of the real world. */
static void
test_no_session_bus (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  if (g_getenv ("SD_TEST_NO_BUS_CHILD") != NULL)
    {
      run_without_bus ();
      return;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "GSETTINGS_BACKEND");
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sd-bus", TRUE);
  g_subprocess_launcher_setenv (launcher, "SD_TEST_NO_BUS_CHILD", "1", TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, self_path, "-p", "/gui/settings/no-session-bus", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("child stdout:\n%s\nchild stderr:\n%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (out, "ok 1 /gui/settings/no-session-bus"));
  g_assert_null (strstr (err, "dconf-"));
}

int
main (int   argc,
      char *argv[])
{
  int status;
  g_autofree char *config = NULL;

  self_path = argv[0];
  app = sd_gui_test_init (&argc, &argv, &config);

  g_test_add_func ("/gui/fit/session-and-failure", test_fit);
  g_test_add_func ("/gui/export/chosen-type", test_export_chosen_type);
  g_test_add_func ("/gui/export/html-failed-connect", test_export_html_failed_connect);
  g_test_add_func ("/gui/profiles/picker", test_picker);
  g_test_add_func ("/gui/session/no-hyphens", test_no_hyphens);
  g_test_add_func ("/gui/settings/no-session-bus", test_no_session_bus);

  status = g_test_run ();
  g_object_unref (app);
  g_rmdir (config);
  return status;
}
