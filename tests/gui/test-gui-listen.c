/* test-gui-listen.c: the Listen page: start listening, real clients connect, their
 * sessions appear with transcript and client hints; screenshots listen-*.png
 *
 * Three clients, as the admin meets them: swaks through STARTTLS with AUTH LOGIN (a
 * modern client), swaks logging in before STARTTLS, and a device that offers only
 * TLS 1.0 (a crafted ClientHello: no client on this machine still can).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "sd-gui-test.h"
#include "sd-hints-panel.h"
#include "sd-listen-view.h"
#include "sd-test-raw.h"
#include "sd-transcript-view.h"

static SdApplication *app;

typedef struct {
  GtkTreeModel *model;
  guint         n;
} Rows;

/* @n rows, each finished. */
static gboolean
rows_finished (gpointer data)
{
  Rows *rows = data;
  GtkTreeIter iter;
  guint n = 0;

  for (gboolean ok = gtk_tree_model_get_iter_first (rows->model, &iter); ok;
       ok = gtk_tree_model_iter_next (rows->model, &iter))
    {
      g_autofree char *result = NULL;
      gtk_tree_model_get (rows->model, &iter, 6, &result, -1);
      if (g_strcmp0 (result, "running") == 0)
        return FALSE;
      n++;
    }
  return n >= rows->n;
}

static char *
row_text (GtkTreeModel *model,
          guint         index)
{
  GtkTreeIter iter;
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_true (gtk_tree_model_iter_nth_child (model, &iter, NULL, index));
  for (int column = 1; column <= 6; column++)
    {
      g_autofree char *cell = NULL;
      gtk_tree_model_get (model, &iter, column, &cell, -1);
      g_string_append_printf (text, "%s|", cell ? cell : "");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
run_swaks (const char *swaks,
           guint16     port,
           gboolean    tls)
{
  g_autofree char *server = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *out = NULL;
  const char *argv[] = { swaks, "--server", server, "--ehlo", tls ? "modern.example.test"
                                                                  : "cleartext.example.test",
                         "--auth", "LOGIN", "--auth-user", "demo", "--auth-password", "secret",
                         "--from", "demo@example.test", "--to", "bob@example.test",
                         "--timeout", "20", tls ? "--tls" : NULL, NULL };
  int status = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_test_message ("swaks:\n%s", out);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
send_tls10_hello (guint16 port)
{
  static const guint16 suites[] = { 0x002f, 0x000a };
  g_autoptr(GBytes) hello = sd_test_client_hello (0x0301, suites, G_N_ELEMENTS (suites),
                                                  "mail.example.test", TRUE);
  g_autoptr(Raw) raw = raw_connect (port);

  raw_expect (raw, "220 ");
  raw_send_str (raw, "EHLO copier.example.test\r\n");
  raw_expect (raw, "250-");
  raw_send_str (raw, "STARTTLS\r\n");
  raw_expect (raw, "220 ");
  raw_send (raw, g_bytes_get_data (hello, NULL), g_bytes_get_size (hello));
}

static void
select_row (GtkTreeView *view,
            guint        index)
{
  GtkTreePath *path = gtk_tree_path_new_from_indices (index, -1);

  gtk_tree_selection_select_path (gtk_tree_view_get_selection (view), path);
  gtk_tree_path_free (path);
  sd_gui_test_iterate (300);
}

static void
test_listen (void)
{
  g_autofree char *swaks = g_find_program_in_path ("swaks");
  SdWindow *window;
  GtkWidget *address, *sessions;
  SdListenView *view;
  SdListenController *controller;
  GtkNotebook *pages;
  Rows rows;
  guint16 port;

  if (swaks == NULL)
    {
      g_test_skip ("swaks is not installed (apt-get install swaks libnet-ssleay-perl)");
      return;
    }
  window = sd_gui_test_window_new (app, 1400, 900);
  address = sd_gui_test_need (GTK_WIDGET (window), "Listen address");
  view = SD_LISTEN_VIEW (gtk_widget_get_ancestor (address, SD_TYPE_LISTEN_VIEW));
  pages = GTK_NOTEBOOK (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_NOTEBOOK));
  gtk_notebook_set_current_page (pages, gtk_notebook_page_num (pages, GTK_WIDGET (view)));
  sd_gui_test_need (GTK_WIDGET (view), "Listen port");
  sd_gui_test_need (GTK_WIDGET (view), "Connector");
  sd_gui_test_need (GTK_WIDGET (view), "Stop listening");
  sessions = sd_gui_test_need (GTK_WIDGET (view), "Incoming sessions");
  sd_gui_test_iterate (200);

  /* Any free port, so parallel runs never collide. */
  gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (sd_gui_test_need (GTK_WIDGET (view), "Listen port")))), "0");
  gtk_button_clicked (GTK_BUTTON (sd_gui_test_need (GTK_WIDGET (view), "Start listening")));
  controller = sd_listen_view_get_controller (view);
  g_assert_true (sd_listen_controller_is_running (controller));
  g_assert_false (gtk_widget_get_sensitive (sd_gui_test_need (GTK_WIDGET (view), "Start listening")));
  port = sd_listen_controller_get_port (controller);

  run_swaks (swaks, port, TRUE);
  run_swaks (swaks, port, FALSE);
  send_tls10_hello (port);

  rows.model = gtk_tree_view_get_model (GTK_TREE_VIEW (sessions));
  rows.n = 3;
  sd_gui_test_wait_until (rows_finished, &rows);
  {
    g_autofree char *modern = row_text (rows.model, 0);
    g_autofree char *clear = row_text (rows.model, 1);
    g_autofree char *old = row_text (rows.model, 2);
    g_test_message ("%s\n%s\n%s", modern, clear, old);
    g_assert_nonnull (strstr (modern, "|modern.example.test|TLS1.3|LOGIN demo|quit, 1 message|"));
    g_assert_nonnull (strstr (clear, "|cleartext.example.test|not used|LOGIN demo|quit, 1 message|"));
    g_assert_nonnull (strstr (old, "|copier.example.test|TLS1.0 offered, failed||TLS handshake failed|"));
  }

  /* The first session is shown; then each in turn, with its transcript and hints. */
  select_row (GTK_TREE_VIEW (sessions), 0);
  {
    SdTranscriptView *transcript = SD_TRANSCRIPT_VIEW (gtk_widget_get_ancestor (sd_gui_test_need (GTK_WIDGET (view), "Transcript"), SD_TYPE_TRANSCRIPT_VIEW));
    g_autofree char *text = NULL;
    sd_transcript_view_flush (transcript);
    text = sd_transcript_view_dup_text (transcript);
    g_assert_nonnull (strstr (text, "The client offers TLS1.3"));
    g_assert_nonnull (strstr (text, "[password hidden]"));
    g_assert_null (strstr (text, "secret"));
  }
  sd_gui_test_screenshot (GTK_WIDGET (window), "listen-modern.png");
  select_row (GTK_TREE_VIEW (sessions), 1);
  {
    SdHintsPanel *hints = SD_HINTS_PANEL (sd_gui_test_need (GTK_WIDGET (view), "Hints"));
    g_autofree char *text = sd_hints_panel_dup_text (hints);
    g_assert_nonnull (strstr (text, "The client sent AUTH before STARTTLS"));
  }
  sd_gui_test_screenshot (GTK_WIDGET (window), "listen-auth-before-starttls.png");
  select_row (GTK_TREE_VIEW (sessions), 2);
  {
    SdHintsPanel *hints = SD_HINTS_PANEL (sd_gui_test_need (GTK_WIDGET (view), "Hints"));
    g_autofree char *text = sd_hints_panel_dup_text (hints);
    g_assert_nonnull (strstr (text, "The client offers only TLS 1.0/1.1"));
  }
  sd_gui_test_screenshot (GTK_WIDGET (window), "listen-tls10-only.png");

  gtk_button_clicked (GTK_BUTTON (sd_gui_test_need (GTK_WIDGET (view), "Stop listening")));
  g_assert_false (sd_listen_controller_is_running (controller));
  sd_gui_test_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;
  g_autofree char *config = NULL;

  app = sd_gui_test_init (&argc, &argv, &config);
  g_test_add_func ("/gui/listen/three-clients", test_listen);
  status = g_test_run ();
  g_object_unref (app);
  g_rmdir (config);
  return status;
}
