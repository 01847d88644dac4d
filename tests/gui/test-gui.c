/* test-gui.c: the window under Xvfb against the scripted server
 *
 * Fills the form through the accessible names (as assistive tools and users see it),
 * sends, and checks the transcript, the stage strip, the summary and the hints panel.
 * Saves a screenshot of each case under the build directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "sd-application.h"
#include "sd-presets.h"
#include "sd-session.h"
#include "sd-test-certs.h"
#include "sd-test-server.h"
#include "sd-window.h"

#define PASSWORD "S3cr3t-pa55word"

static SdApplication *app;

typedef struct {
  SdWindow     *window;
  SdTestServer *server;
} Fixture;

/* --- finding and filling widgets by accessible name -------------------------------- */

static GtkWidget *
find_by_name (GtkWidget  *widget,
              const char *name)
{
  const char *have = atk_object_get_name (gtk_widget_get_accessible (widget));

  if (have != NULL && g_str_equal (have, name))
    return widget;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *found = find_by_name (l->data, name);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

static GtkWidget *
need (Fixture    *f,
      const char *name)
{
  GtkWidget *widget = find_by_name (GTK_WIDGET (f->window), name);

  if (widget == NULL)
    g_error ("no widget with the accessible name \"%s\"", name);
  return widget;
}

static void
fill (Fixture    *f,
      const char *name,
      const char *text)
{
  GtkWidget *widget = need (f, name);

  if (GTK_IS_ENTRY (widget))
    gtk_entry_set_text (GTK_ENTRY (widget), text);
  else if (GTK_IS_COMBO_BOX (widget))
    g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (widget), text));
  else if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
  else
    g_error ("cannot fill \"%s\"", name);
}

static void
iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
wait_for_session (Fixture *f)
{
  SdTranscriptView *view = sd_window_get_transcript_view (f->window);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (sd_window_is_running (f->window) || sd_transcript_view_get_n_queued (view) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  iterate (200);   /* let layout and drawing settle for the screenshot */
}

static void
screenshot (Fixture    *f,
            const char *name)
{
  GtkWidget *widget = GTK_WIDGET (f->window);
  int width = gtk_widget_get_allocated_width (widget);
  int height = gtk_widget_get_allocated_height (widget);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);

  gtk_widget_draw (widget, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("screenshot: %s", path);
}

static void
click (Fixture    *f,
       const char *name)
{
  GtkWidget *button = need (f, name);

  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_button_clicked (GTK_BUTTON (button));
}

static char *
transcript (Fixture *f)
{
  return sd_transcript_view_dup_text (sd_window_get_transcript_view (f->window));
}

/* --- fixture ----------------------------------------------------------------------- */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = g_object_ref_sink (sd_window_new (app));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1360, 860);
  gtk_widget_show (GTK_WIDGET (f->window));
  iterate (100);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_widget_destroy (GTK_WIDGET (f->window));
  g_object_unref (f->window);
  g_clear_pointer (&f->server, sd_test_server_free);
  iterate (50);
}

static void
start_server (Fixture            *f,
              SdTestServerConfig *config)
{
  g_autoptr(GError) error = NULL;

  config->auth_password = PASSWORD;
  f->server = sd_test_server_new (config, &error);
  g_assert_no_error (error);
}

/* The form as a user fills it for the scripted server. */
static void
fill_form (Fixture    *f,
           const char *security,
           const char *password)
{
  g_autofree char *port = g_strdup_printf ("%u", sd_test_server_get_port (f->server));

  fill (f, "Server", "127.0.0.1");
  fill (f, "Security", security);
  fill (f, "Port", port);
  fill (f, "Certificate check", "pin");
  fill (f, "Pinned certificate SHA-256", sd_test_certs_get ()->valid.sha256);
  fill (f, "Authentication", "auto");
  fill (f, "User", "alice");
  fill (f, "Password", password);
  fill (f, "From", "scanner@example.test");
  fill (f, "To", "alice@example.test, bob@example.test");
  fill (f, "Subject", "Scan to e-mail test");
  fill (f, "Body", "Hello from the copier.");
}

/* --- tests ------------------------------------------------------------------------- */

static void
test_names (Fixture       *f,
            gconstpointer  data)
{
  const char *names[] = {
    "Server", "Port", "Security", "Certificate check", "Authentication", "User",
    "Password", "From", "To", "Subject", "Body", "Send test mail", "Test connection",
    "Stop", "Export", "Transcript", "Hints", "Server summary",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    need (f, names[i]);
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *send = need (f, "Send test mail");
  GtkWidget *port = need (f, "Port");

  fill (f, "Server", "");
  g_assert_false (gtk_widget_is_sensitive (send));
  {
    g_autofree char *tooltip = gtk_widget_get_tooltip_text (need (f, "Server"));
    g_assert_nonnull (tooltip);
  }
  fill (f, "Server", "mail.example.test");
  fill (f, "From", "not an address");
  g_assert_false (gtk_widget_is_sensitive (send));
  g_assert_cmpstr (atk_object_get_description (gtk_widget_get_accessible (need (f, "From"))), !=, "");
  fill (f, "From", "a@example.test");
  fill (f, "To", "b@example.test");
  fill (f, "Authentication", "none");
  g_assert_true (gtk_widget_is_sensitive (send));

  /* The port follows the security mode until the user types one. */
  fill (f, "Port", "");
  fill (f, "Security", "tls");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (port)), ==, "465");
  fill (f, "Security", "none");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (port)), ==, "25");
  fill (f, "Port", "2525");
  fill (f, "Security", "starttls");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (port)), ==, "2525");
  fill (f, "Port", "70000");
  g_assert_false (gtk_widget_is_sensitive (send));
}

/* Tab walks the form in reading order. */
static void
test_tab_order (Fixture       *f,
                gconstpointer  data)
{
  const char *expected[] = {
    "Server", "Port", "Security", "Certificate check", "Pinned certificate SHA-256",
    "Authentication", "User", "Password", "Show password", "Allow plaintext authentication",
    "From", "To", "Subject", "Body", "Stop after",
  };
  guint next = 0;

  gtk_widget_grab_focus (need (f, "Server"));
  for (guint step = 0; step < 60 && next < G_N_ELEMENTS (expected); step++)
    {
      GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (f->window));

      /* A combo box takes the focus with an inner button: name the outer control. */
      for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
        {
          const char *name = atk_object_get_name (gtk_widget_get_accessible (w));
          if (name != NULL && g_str_equal (name, expected[next]))
            {
              next++;
              break;
            }
          if (name != NULL && *name && w == focus)
            for (guint j = next + 1; j < G_N_ELEMENTS (expected); j++)
              if (g_str_equal (name, expected[j]))
                g_error ("Tab reached \"%s\" before \"%s\"", name, expected[next]);
        }
      gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_FORWARD);
    }
  g_assert_cmpuint (next, ==, G_N_ELEMENTS (expected));
}

/* The picker offers the presets; one fills where and how, and keeps what to send. */
static void
test_profiles (Fixture       *f,
               gconstpointer  data)
{
  guint n = 0;
  const SdPreset *presets = sd_presets_get (&n);
  const SdPreset *preset = NULL;
  g_autofree char *id = NULL;

  for (guint i = 0; i < n && preset == NULL; i++)
    if (presets[i].host != NULL)
      preset = &presets[i];
  g_assert_nonnull (preset);
  fill (f, "To", "kept@example.test");
  id = g_strconcat ("preset:", preset->id, NULL);
  fill (f, "Profile", id);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (need (f, "Server"))), ==, preset->host);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (need (f, "To"))), ==, "kept@example.test");
  fill (f, "Profile", "builtin");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (need (f, "Server"))), ==, "127.0.0.1");
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  SdTestServerConfig config;
  g_autofree char *text = NULL, *summary = NULL, *hints = NULL;
  SdStageStrip *strip = sd_window_get_stage_strip (f->window);
  const SdReport *report;

  sd_test_server_config_init (&config);
  start_server (f, &config);
  fill_form (f, "starttls", PASSWORD);
  click (f, "Send test mail");
  g_assert_true (sd_window_is_running (f->window));
  wait_for_session (f);

  report = sd_window_get_report (f->window);
  g_assert_nonnull (report);
  g_assert_true (report->ok);
  text = transcript (f);
  g_assert_nonnull (strstr (text, "-> EHLO"));
  g_assert_nonnull (strstr (text, "-> STARTTLS"));
  g_assert_nonnull (strstr (text, "TLS -> MAIL FROM:<scanner@example.test>"));
  g_assert_nonnull (strstr (text, "TLS <- 250"));
  g_assert_null (strstr (text, PASSWORD));
  for (SdStage s = SD_STAGE_CONNECT; s <= SD_STAGE_DATA; s++)
    if (s != SD_STAGE_STARTTLS)
      g_assert_cmpstr (sd_stage_state_to_string (sd_stage_strip_get_state (strip, s)), ==, "ok");

  summary = sd_summary_card_dup_text (sd_window_get_summary_card (f->window));
  g_test_message ("summary: %s", summary);
  g_assert_nonnull (strstr (summary, "Address: 127.0.0.1:"));
  g_assert_nonnull (strstr (summary, "Banner: test.invalid ESMTP"));
  g_assert_nonnull (strstr (summary, "TLS version: TLS1."));
  g_assert_nonnull (strstr (summary, "Verification: pinned SHA-256 matches"));
  g_assert_nonnull (strstr (summary, "AUTH before TLS: (none offered)"));
  g_assert_nonnull (strstr (summary, "AUTH after TLS: PLAIN* LOGIN*"));
  g_assert_nonnull (strstr (summary, "PIPELINING: yes"));
  hints = sd_hints_panel_dup_text (sd_window_get_hints_panel (f->window));
  g_test_message ("hints: %s", hints);
  g_assert_nonnull (strstr (hints, "The server accepted the message"));

  screenshot (f, "screenshot-success.png");

  /* Find (Ctrl+F) selects the first match in the transcript. */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (need (f, "Transcript")));
    GtkTextIter start, end;
    g_autofree char *selected = NULL;

    g_action_group_activate_action (G_ACTION_GROUP (f->window), "find", NULL);
    gtk_entry_set_text (GTK_ENTRY (need (f, "Find in transcript")), "auth plain");
    iterate (200);   /* GtkSearchEntry waits a moment before "search-changed" */
    g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &start, &end));
    selected = gtk_text_iter_get_text (&start, &end);
    g_assert_cmpstr (selected, ==, "AUTH PLAIN");
  }

  g_assert_true (gtk_widget_is_sensitive (need (f, "Export")));
  g_assert_true (gtk_widget_is_sensitive (need (f, "Send test mail")));
  g_assert_false (gtk_widget_is_sensitive (need (f, "Stop")));
}

/* A fresh install: the built-in server is up, the form is filled for it, Send works. */
static void
test_builtin_server (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *text = NULL, *summary = NULL;
  SdStageStrip *strip = sd_window_get_stage_strip (f->window);
  const SdReport *report;

  g_assert_cmpstr (gtk_combo_box_get_active_id (GTK_COMBO_BOX (need (f, "Profile"))), ==, "builtin");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (need (f, "Server"))), ==, "127.0.0.1");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (need (f, "User"))), ==, "demo");
  click (f, "Send test mail");
  wait_for_session (f);

  report = sd_window_get_report (f->window);
  if (!report->ok)
    g_test_message ("built-in server session failed: %s", report->error->message);
  g_assert_true (report->ok);
  text = transcript (f);
  g_assert_nonnull (strstr (text, "-> STARTTLS"));
  g_assert_nonnull (strstr (text, "TLS -> AUTH"));
  g_assert_nonnull (strstr (text, "TLS -> QUIT"));
  for (SdStage s = SD_STAGE_CONNECT; s <= SD_STAGE_DATA; s++)
    g_assert_cmpint (sd_stage_strip_get_state (strip, s), ==, SD_STAGE_STATE_OK);
  summary = sd_summary_card_dup_text (sd_window_get_summary_card (f->window));
  g_test_message ("summary: %s", summary);
  g_assert_nonnull (strstr (summary, "Verification: pinned SHA-256 matches"));
  screenshot (f, "screenshot-builtin.png");
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  SdTestServerConfig config;
  g_autofree char *text = NULL, *hints = NULL;
  SdStageStrip *strip = sd_window_get_stage_strip (f->window);

  sd_test_server_config_init (&config);
  start_server (f, &config);
  fill_form (f, "starttls", "wrong-password");
  click (f, "Send test mail");
  wait_for_session (f);

  g_assert_false (sd_window_get_report (f->window)->ok);
  text = transcript (f);
  g_assert_nonnull (strstr (text, "<- 535"));
  g_assert_null (strstr (text, "wrong-password"));
  g_assert_cmpstr (sd_stage_state_to_string (sd_stage_strip_get_state (strip, SD_STAGE_TLS)), ==, "ok");
  g_assert_cmpstr (sd_stage_state_to_string (sd_stage_strip_get_state (strip, SD_STAGE_AUTH)), ==, "failed");
  g_assert_cmpstr (sd_stage_state_to_string (sd_stage_strip_get_state (strip, SD_STAGE_MAIL)), ==, "skipped");
  hints = sd_hints_panel_dup_text (sd_window_get_hints_panel (f->window));
  g_test_message ("hints: %s", hints);
  g_assert_nonnull (strstr (hints, "rejected the user name or password"));
  screenshot (f, "screenshot-failure-password.png");
}

/* The server offers AUTH only inside TLS; the user picked no encryption. */
static void
test_auth_only_after_starttls (Fixture       *f,
                               gconstpointer  data)
{
  SdTestServerConfig config;
  g_autofree char *summary = NULL, *hints = NULL;
  SdStageStrip *strip = sd_window_get_stage_strip (f->window);

  sd_test_server_config_init (&config);
  start_server (f, &config);
  fill_form (f, "none", PASSWORD);
  fill (f, "Certificate check", "verify");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (need (f, "Allow plaintext authentication")), TRUE);
  click (f, "Send test mail");
  wait_for_session (f);

  g_assert_false (sd_window_get_report (f->window)->ok);
  g_assert_cmpstr (sd_stage_state_to_string (sd_stage_strip_get_state (strip, SD_STAGE_EHLO)), ==, "ok");
  g_assert_cmpstr (sd_stage_state_to_string (sd_stage_strip_get_state (strip, SD_STAGE_TLS)), ==, "skipped");
  g_assert_cmpstr (sd_stage_state_to_string (sd_stage_strip_get_state (strip, SD_STAGE_AUTH)), ==, "failed");
  summary = sd_summary_card_dup_text (sd_window_get_summary_card (f->window));
  g_assert_nonnull (strstr (summary, "AUTH: (none offered)"));
  g_assert_nonnull (strstr (summary, "STARTTLS"));
  hints = sd_hints_panel_dup_text (sd_window_get_hints_panel (f->window));
  g_test_message ("hints: %s", hints);
  g_assert_nonnull (strstr (hints, "No AUTH before STARTTLS"));
  screenshot (f, "screenshot-failure-auth-before-tls.png");
}

/* Test connection goes as far as logging in, never to MAIL. */
static void
test_connection_only (Fixture       *f,
                      gconstpointer  data)
{
  SdTestServerConfig config;
  SdStageStrip *strip = sd_window_get_stage_strip (f->window);
  const SdTestRecord *record;

  sd_test_server_config_init (&config);
  start_server (f, &config);
  fill_form (f, "starttls", PASSWORD);
  fill (f, "From", "");   /* not needed to test the connection */
  g_assert_false (gtk_widget_is_sensitive (need (f, "Send test mail")));
  click (f, "Test connection");
  wait_for_session (f);

  g_assert_true (sd_window_get_report (f->window)->ok);
  g_assert_cmpint (sd_stage_strip_get_state (strip, SD_STAGE_AUTH), ==, SD_STAGE_STATE_OK);
  g_assert_cmpint (sd_stage_strip_get_state (strip, SD_STAGE_MAIL), ==, SD_STAGE_STATE_SKIPPED);
  record = sd_test_server_get_record (f->server);
  g_assert_true (record->authenticated);
  g_assert_false (sd_test_record_has_command (record, "MAIL", SD_TEST_ANY));
}

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  SdTestServerConfig config;
  gint64 start;

  sd_test_server_config_init (&config);
  config.stall_on = "EHLO";
  start_server (f, &config);
  fill_form (f, "starttls", PASSWORD);
  click (f, "Send test mail");
  iterate (300);
  g_assert_true (sd_window_is_running (f->window));
  start = g_get_monotonic_time ();
  click (f, "Stop");
  wait_for_session (f);
  g_test_message ("stopped after %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_error (sd_window_get_report (f->window)->error, SD_SESSION_ERROR, SD_SESSION_ERROR_CANCELLED);
  g_assert_true (gtk_widget_is_sensitive (need (f, "Send test mail")));
}

static void
on_finalized (gpointer  data,
              GObject  *where)
{
  *(gboolean *) data = TRUE;
}

static void
test_close_during_session (void)
{
  SdTestServerConfig config;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSettings) settings = sd_settings_new ();
  SdTestServer *server;
  SdWindow *window;
  gboolean finalized = FALSE;
  gint64 deadline;

  sd_test_server_config_init (&config);
  config.stall_on = "EHLO";
  server = sd_test_server_new (&config, &error);
  g_assert_no_error (error);

  settings->host = g_strdup ("127.0.0.1");
  settings->port = sd_test_server_get_port (server);
  settings->security = SD_SECURITY_STARTTLS;
  settings->from = g_strdup ("a@example.test");
  settings->to = g_strsplit ("b@example.test", ",", -1);
  sd_application_set_builtin (app, settings);

  window = sd_window_new (app);
  g_object_weak_ref (G_OBJECT (window), on_finalized, &finalized);
  gtk_widget_show (GTK_WIDGET (window));
  sd_window_apply_builtin (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "send", NULL);
  iterate (300);
  g_assert_true (sd_window_is_running (window));
  gtk_widget_destroy (GTK_WIDGET (window));

  /* The worker lets go of the window once the cancelled session has returned. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!finalized && g_get_monotonic_time () < deadline)
    iterate (10);
  g_assert_true (finalized);
  sd_test_server_free (server);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  SdTestServerConfig config;
  g_autofree char *dir = g_dir_make_tmp ("sd-export-XXXXXX", NULL);
  const char *names[] = { "report.txt", "report.html", "report.json" };
  const char *needles[] = { "SMTP Doctor " PACKAGE_VERSION, "<!DOCTYPE html>", "\"export\"" };

  sd_test_server_config_init (&config);
  start_server (f, &config);
  fill_form (f, "starttls", PASSWORD);
  click (f, "Send test mail");
  wait_for_session (f);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;

      g_assert_true (sd_window_export_to_file (f->window, file, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_assert_nonnull (strstr (contents, needles[i]));
      g_assert_nonnull (strstr (contents, "127.0.0.1"));
      g_assert_null (strstr (contents, PASSWORD));
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* A key press as the X server would deliver it to the focused toplevel. */
static void
send_key (GtkWidget       *toplevel,
          guint            keyval,
          GdkModifierType  state)
{
  GdkDisplay *display = gtk_widget_get_display (toplevel);
  GdkSeat *seat = gdk_display_get_default_seat (display);
  g_autofree GdkKeymapKey *keys = NULL;
  int n_keys = 0;

  for (int type = GDK_KEY_PRESS; type <= GDK_KEY_RELEASE; type++)
    {
      GdkEvent *event = gdk_event_new (type);

      event->key.window = g_object_ref (gtk_widget_get_window (toplevel));
      event->key.send_event = TRUE;
      event->key.time = GDK_CURRENT_TIME;
      event->key.keyval = keyval;
      event->key.state = state;
      if (keys == NULL
          && gdk_keymap_get_entries_for_keyval (gdk_keymap_get_for_display (display), keyval, &keys, &n_keys)
          && n_keys > 0)
        event->key.hardware_keycode = keys[0].keycode;
      else if (keys != NULL)
        event->key.hardware_keycode = keys[0].keycode;
      gdk_event_set_device (event, gdk_seat_get_keyboard (seat));
      gtk_main_do_event (event);
      gdk_event_free (event);
    }
}

/* Keyboard only: the accelerators reach the actions through key events. */
static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  SdTestServerConfig config;
  const char * const *accels = NULL;
  g_auto(GStrv) send_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.send");
  g_auto(GStrv) stop_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.stop");
  g_auto(GStrv) export_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.export");

  accels = (const char * const *) send_accels;
  g_assert_true (g_strv_contains (accels, "<Primary>Return"));
  g_assert_true (g_strv_contains ((const char * const *) stop_accels, "Escape"));
  g_assert_true (g_strv_contains ((const char * const *) export_accels, "<Primary>s"));

  sd_test_server_config_init (&config);
  config.stall_on = "EHLO";
  start_server (f, &config);
  fill_form (f, "starttls", PASSWORD);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_widget_grab_focus (need (f, "Subject"));
  iterate (100);
  send_key (GTK_WIDGET (f->window), GDK_KEY_Return, GDK_CONTROL_MASK);
  iterate (300);
  g_assert_true (sd_window_is_running (f->window));
  send_key (GTK_WIDGET (f->window), GDK_KEY_Escape, 0);
  wait_for_session (f);
  g_assert_error (sd_window_get_report (f->window)->error, SD_SESSION_ERROR, SD_SESSION_ERROR_CANCELLED);

  /* Ctrl+S opens the save dialog (GTK's own here: no portal under Xvfb). */
  send_key (GTK_WIDGET (f->window), GDK_KEY_s, GDK_CONTROL_MASK);
  iterate (300);
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
    GtkWidget *chooser = NULL;

    for (GList *l = toplevels; l; l = l->next)
      if (GTK_IS_FILE_CHOOSER (l->data) && gtk_widget_get_visible (l->data))
        chooser = l->data;
    g_assert_nonnull (chooser);
    g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==, GTK_FILE_CHOOSER_ACTION_SAVE);
    g_object_add_weak_pointer (G_OBJECT (chooser), (gpointer *) &chooser);
    send_key (chooser, GDK_KEY_Escape, 0);
    iterate (200);
    g_assert_true (chooser == NULL || !gtk_widget_get_visible (chooser));
    if (chooser != NULL)
      g_object_remove_weak_pointer (G_OBJECT (chooser), (gpointer *) &chooser);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/gui/window/names", test_names);
  ADD ("/gui/window/validation", test_validation);
  ADD ("/gui/window/tab-order", test_tab_order);
  ADD ("/gui/window/profiles", test_profiles);
  ADD ("/gui/session/success", test_success);
  ADD ("/gui/session/builtin-server", test_builtin_server);
  ADD ("/gui/session/wrong-password", test_wrong_password);
  ADD ("/gui/session/auth-only-after-starttls", test_auth_only_after_starttls);
  ADD ("/gui/session/connection-only", test_connection_only);
  ADD ("/gui/session/stop", test_stop);
  ADD ("/gui/session/export", test_export);
  ADD ("/gui/session/keyboard", test_keyboard);
#undef ADD
  g_test_add_func ("/gui/session/close-during-session", test_close_during_session);

  status = g_test_run ();
  g_object_unref (app);
  return status;
}
