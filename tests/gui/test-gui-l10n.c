/* test-gui-l10n.c: the window speaks German under LANGUAGE=de
 *
 * Started like smtp-doctor itself (setlocale, the text domain bound by sd_i18n_bind(),
 * here to the build tree's catalogs through SMTP_DOCTOR_LOCALEDIR), with LANGUAGE=de
 * from tests/gui/meson.build. The buttons' labels come from the .ui templates, so this
 * sees GtkBuilder translate them in our domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "sd-application.h"
#include "sd-i18n.h"
#include "sd-window.h"

static SdApplication *app;

/* The button whose (mnemonic) label reads @label, anywhere under @widget. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *found = find_button (l->data, label);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

static void
test_buttons (void)
{
  SdWindow *window = sd_window_new (app);
  GtkWidget *widget = GTK_WIDGET (window);

  gtk_widget_show (widget);
  g_assert_nonnull (find_button (widget, "Test-Mail _senden"));
  g_assert_nonnull (find_button (widget, "Verbindung _testen"));
  g_assert_null (find_button (widget, "_Send test mail"));
  gtk_widget_destroy (widget);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  sd_i18n_bind ();
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }
  /* Without the catalog nothing below could pass: say so rather than fail obscurely. */
  if (g_str_equal (_("_Send test mail"), "_Send test mail"))
    g_error ("no German catalog: LANGUAGE=%s LC_ALL=%s SMTP_DOCTOR_LOCALEDIR=%s",
             g_getenv ("LANGUAGE"), g_getenv ("LC_ALL"), g_getenv ("SMTP_DOCTOR_LOCALEDIR"));

  app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/gui/l10n/buttons", test_buttons);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
