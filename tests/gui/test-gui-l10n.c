/* test-gui-l10n.c: the window speaks German under LANGUAGE=de, French under LANGUAGE=fr
 *
 * Started like smtp-doctor itself (setlocale, the text domain bound by sd_i18n_bind(),
 * here to the build tree's catalogs through SMTP_DOCTOR_LOCALEDIR), with LANGUAGE from
 * tests/gui/meson.build. Widgets are found by their ids in the .ui templates, which no
 * translation changes, and their text is compared with what po/LANG.po says. The
 * buttons' labels come from the templates (GtkBuilder translating in our domain); the
 * transcript and the hints come from the core and the knowledge base. Each case leaves
 * a screenshot, l10n-LANG-*.png, beside the test for a person to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>
#include <string.h>

#include "sd-application.h"
#include "sd-gui-test.h"
#include "sd-hints-panel.h"
#include "sd-i18n.h"
#include "sd-oauth-dialog.h"
#include "sd-test-idp.h"
#include "sd-transcript-view.h"
#include "sd-window.h"

/* The window must fit a 1100 pixel wide screen (1366 px at 125 %) in every language. */
#define MAX_MIN_WIDTH 1100

/* What po/LANG.po says for the strings this test looks at. */
typedef struct {
  const char *language;
  const char *send_button;     /* _Send test mail */
  const char *test_button;     /* _Test connection */
  const char *tenant_label;    /* _Tenant */
  const char *done_line;       /* Done: The server accepted the message */
  const char *accepted_hint;   /* The server accepted the message */
  const char *dialog_title;    /* Sign In to Microsoft 365 */
  const char *waiting;         /* Waiting for you to sign in… */
  const char *open_button;     /* Open _browser */
} Expected;

static const Expected expected_by_language[] = {
  { "de", "Test-Mail _senden", "Verbindung _testen", "_Mandant",
    "Fertig: Der Server hat die Nachricht angenommen", "Der Server hat die Nachricht angenommen",
    "Bei Microsoft 365 anmelden", "Warten auf Ihre Anmeldung…", "_Browser öffnen" },
  { "fr", "_Envoyer un message de test", "_Tester la connexion", "_Locataire",
    "Terminé : Le serveur a accepté le message", "Le serveur a accepté le message",
    "Se connecter à Microsoft 365", "En attente de votre connexion…", "Ouvrir le _navigateur" },
};

static SdApplication *app;
static const Expected *expected;

typedef struct {
  SdWindow *window;
} Fixture;

/* The widget whose id in its template is @id, anywhere under @widget. */
static GtkWidget *
find_by_id (GtkWidget  *widget,
            const char *id)
{
  if (g_strcmp0 (gtk_buildable_get_name (GTK_BUILDABLE (widget)), id) == 0)
    return widget;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *found = find_by_id (l->data, id);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

static GtkWidget *
need (GtkWidget  *parent,
      const char *id)
{
  GtkWidget *widget = find_by_id (parent, id);

  if (widget == NULL)
    g_error ("no widget with the id \"%s\"", id);
  return widget;
}

static const char *
button_label (GtkWidget  *parent,
              const char *id)
{
  return gtk_button_get_label (GTK_BUTTON (need (parent, id)));
}

static void
screenshot (GtkWidget  *widget,
            const char *what)
{
  g_autofree char *name = g_strdup_printf ("l10n-%s-%s.png", expected->language, what);

  sd_gui_test_screenshot (widget, name);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = sd_gui_test_window_new (app, 1100, 720);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  sd_gui_test_window_destroy (f->window);
}

static void
test_buttons (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (f->window);

  g_assert_cmpstr (button_label (window, "send_button"), ==, expected->send_button);
  g_assert_cmpstr (button_label (window, "test_button"), ==, expected->test_button);
}

/* The longer words must not push the window past a small laptop's screen. */
static void
test_width (Fixture       *f,
            gconstpointer  data)
{
  int minimum = 0, natural = 0;

  gtk_widget_get_preferred_width (GTK_WIDGET (f->window), &minimum, &natural);
  g_test_message ("%s: minimum width %d px, natural %d px", expected->language, minimum, natural);
  g_assert_cmpint (minimum, <=, MAX_MIN_WIDTH);
}

/* A whole session against the built-in server: our transcript lines and the hint
 * (from the knowledge base) in the language, the server's lines as sent. */
static void
test_session (Fixture       *f,
              gconstpointer  data)
{
  SdTranscriptView *view = sd_window_get_transcript_view (f->window);
  g_autofree char *transcript = NULL;
  g_autofree char *hints = NULL;

  gtk_button_clicked (GTK_BUTTON (need (GTK_WIDGET (f->window), "send_button")));
  sd_gui_test_iterate (50);
  sd_gui_test_wait_for_session (f->window);
  screenshot (GTK_WIDGET (f->window), "session");
  g_test_message ("%s: the transcript is %d px wide in a 1100 px window", expected->language,
                  gtk_widget_get_allocated_width (GTK_WIDGET (view)));

  g_assert_nonnull (sd_window_get_report (f->window));
  g_assert_true (sd_window_get_report (f->window)->ok);
  transcript = sd_transcript_view_dup_text (view);
  g_assert_nonnull (strstr (transcript, "250"));
  if (strstr (transcript, expected->done_line) == NULL)
    g_error ("no “%s” in the transcript:\n%s", expected->done_line, transcript);
  g_assert_null (strstr (transcript, "Done: The server accepted the message"));
  hints = sd_hints_panel_dup_text (sd_window_get_hints_panel (f->window));
  if (strstr (hints, expected->accepted_hint) == NULL)
    g_error ("no “%s” in the hints:\n%s", expected->accepted_hint, hints);
}

/* XOAUTH2 replaces the password with the sign-in rows, labelled in the language. */
static void
test_oauth_rows (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *tenant = need (window, "tenant_label");

  g_assert_false (gtk_widget_is_visible (tenant));
  g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (need (window, "auth_combo")), "xoauth2"));
  sd_gui_test_iterate (100);
  g_assert_true (gtk_widget_is_visible (tenant));
  g_assert_false (gtk_widget_is_visible (need (window, "password_entry")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (tenant)), ==, expected->tenant_label);
  screenshot (window, "oauth-rows");
}

static gboolean
has_code (gpointer dialog)
{
  return sd_oauth_dialog_get_user_code (dialog) != NULL;
}

/* The sign-in dialog against the scripted identity provider, waiting for the user. */
static void
test_oauth_dialog (Fixture       *f,
                   gconstpointer  data)
{
  SdTestIdp *idp = sd_test_idp_new ();
  g_autoptr(SdOAuthAccount) account = sd_oauth_account_new (SD_OAUTH_PROVIDER_MICROSOFT);
  GtkWidget *dialog;

  g_setenv ("SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE", sd_test_idp_get_base (idp), TRUE);
  g_setenv ("SMTP_DOCTOR_OAUTH_TEST_SECOND_MS", "40", TRUE);
  sd_test_idp_push (idp, "devicecode", 200,
                    "{\"device_code\":\"dev-1\",\"user_code\":\"L10N-CODE\","
                    "\"verification_uri\":\"https://microsoft.com/devicelogin\","
                    "\"expires_in\":600,\"interval\":1}");
  for (guint i = 0; i < 100; i++)
    sd_test_idp_push (idp, "token", 400, "{\"error\":\"authorization_pending\"}");
  account->tenant = g_strdup ("11111111-2222-3333-4444-555555555555");
  account->client_id = g_strdup ("client-app-1");
  account->user = g_strdup ("alice@example.test");

  dialog = sd_oauth_dialog_new (GTK_WINDOW (f->window), account);
  gtk_widget_show (dialog);
  sd_gui_test_wait_until (has_code, dialog);
  sd_gui_test_iterate (200);
  screenshot (dialog, "oauth-dialog");

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, expected->dialog_title);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (need (dialog, "wait_label"))), ==, expected->waiting);
  g_assert_cmpstr (button_label (dialog, "open_button"), ==, expected->open_button);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (need (dialog, "code_label"))), ==, "L10N-CODE");

  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  gtk_widget_destroy (dialog);
  sd_gui_test_iterate (200);   /* a poll already under way ends before the provider goes */
  g_unsetenv ("SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE");
  g_unsetenv ("SMTP_DOCTOR_OAUTH_TEST_SECOND_MS");
  sd_test_idp_free (idp);
}

int
main (int   argc,
      char *argv[])
{
  const char *language = g_getenv ("LANGUAGE");
  int status;

  setlocale (LC_ALL, "");
  sd_i18n_bind ();
  textdomain (GETTEXT_PACKAGE);
  for (guint i = 0; i < G_N_ELEMENTS (expected_by_language); i++)
    if (g_strcmp0 (language, expected_by_language[i].language) == 0)
      expected = &expected_by_language[i];
  if (expected == NULL)
    g_error ("LANGUAGE=%s: this test knows de and fr", language);
  sd_gui_test_init_gtk_check (&argc, &argv);
  /* Without the catalog nothing below could pass: say so rather than fail obscurely. */
  if (g_str_equal (_("_Send test mail"), "_Send test mail"))
    g_error ("no catalog for %s: LC_ALL=%s SMTP_DOCTOR_LOCALEDIR=%s", language,
             g_getenv ("LC_ALL"), g_getenv ("SMTP_DOCTOR_LOCALEDIR"));
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/gui/l10n/buttons", test_buttons);
  ADD ("/gui/l10n/width", test_width);
  ADD ("/gui/l10n/session", test_session);
  ADD ("/gui/l10n/oauth-rows", test_oauth_rows);
  ADD ("/gui/l10n/oauth-dialog", test_oauth_dialog);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
