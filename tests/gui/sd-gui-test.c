/* sd-gui-test.c: what the GUI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-gui-test.h"
#include "sd-transcript-view.h"

#ifdef G_OS_WIN32
/* Under g_test every warning and critical aborts the test. Two come from what wine
 * lacks, not from us, each before the first test case (and they cannot be avoided
 * from here); they stay in the log, only not fatal:
 *   - wine has neither the keyboard layout keys (HKLM's Keyboard Layouts\LAYOUT, HKCU's
 *     Keyboard Layout\Substitutes) nor the layout DLLs (KBDUS.DLL) that GDK reads
 *     the keymap from: GDK says so three times and keeps the keymap wine gives it;
 *   - wine's monitors have no device node properties (the monitor's name): GDK says
 *     so and names the monitor from its GDI device;
 *   - Pango 1.50's win32 font map, for each font that GDI lists but DirectWrite
 *     cannot open (wine's DirectWrite sees only fonts registered under HKLM\...\Fonts,
 *     its GDI also the host's), asks the family of the NULL description it got back
 *     before skipping the font (pango_win32_insert_font checks the family, not the
 *     description). */
static gboolean
sd_gui_test_is_wine_only (const char     *log_domain,
                          GLogLevelFlags  log_level,
                          const char     *message)
{
  static const struct { const char *domain; GLogLevelFlags level; const char *start; } wine_only[] = {
    { "Gdk", G_LOG_LEVEL_WARNING,
      "Could not open registry key 'SYSTEM\\CurrentControlSet\\Control\\Keyboard Layouts\\" },
    { "Gdk", G_LOG_LEVEL_WARNING,
      "Could not open registry key 'Keyboard Layout\\Substitutes'" },
    { "Gdk", G_LOG_LEVEL_WARNING, "Failed to load keyboard layout DLL for layout " },
    { "Gdk", G_LOG_LEVEL_WARNING, "Failed to get device node property " },
    { "Pango", G_LOG_LEVEL_CRITICAL,
      "pango_font_description_get_family: assertion 'desc != NULL' failed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (wine_only); i++)
    if (g_strcmp0 (log_domain, wine_only[i].domain) == 0
        && (log_level & wine_only[i].level) != 0
        && message != NULL && g_str_has_prefix (message, wine_only[i].start))
      return TRUE;
  return FALSE;
}

/* g_log() (Pango's g_return_if_fail): g_test's own default handler marks every fatal
 * message "Bail out!" (the whole test fails), and g_log() aborts unless the fatal
 * handler says otherwise. */
static GLogFunc sd_gui_test_default_handler;
static gpointer sd_gui_test_default_handler_data;

static void
sd_gui_test_log_handler (const char     *log_domain,
                         GLogLevelFlags  log_level,
                         const char     *message,
                         gpointer        user_data)
{
  if (sd_gui_test_is_wine_only (log_domain, log_level, message))
    g_log_default_handler (log_domain, log_level & ~G_LOG_FLAG_FATAL, message, NULL);
  else
    sd_gui_test_default_handler (log_domain, log_level, message, sd_gui_test_default_handler_data);
}

static gboolean
sd_gui_test_is_fatal (const char     *log_domain,
                      GLogLevelFlags  log_level,
                      const char     *message,
                      gpointer        user_data)
{
  return !sd_gui_test_is_wine_only (log_domain, log_level, message);
}

/* GTK logs structured, where the default writer aborts by itself: the wine-only
 * messages go to the standard streams instead, which never abort. */
static GLogWriterOutput
sd_gui_test_log_writer (GLogLevelFlags   log_level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         user_data)
{
  g_autofree char *domain = NULL;
  g_autofree char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      char **value = g_str_equal (fields[i].key, "GLIB_DOMAIN") ? &domain
                   : g_str_equal (fields[i].key, "MESSAGE") ? &message : NULL;
      if (value != NULL && *value == NULL)
        *value = fields[i].length < 0 ? g_strdup (fields[i].value)
                                      : g_strndup (fields[i].value, fields[i].length);
    }
  if (sd_gui_test_is_wine_only (domain, log_level, message))
    return g_log_writer_standard_streams (log_level & ~G_LOG_FLAG_FATAL, fields, n_fields, user_data);
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}
#endif

void
sd_gui_test_init_gtk_check (int    *argc,
                            char ***argv)
{
  g_test_init (argc, argv, NULL);
#ifdef G_OS_WIN32
  sd_gui_test_default_handler = g_log_set_default_handler (sd_gui_test_log_handler, NULL);
  sd_gui_test_default_handler_data = NULL;   /* g_test's handler takes none */
  g_log_set_writer_func (sd_gui_test_log_writer, NULL, NULL);
  /* g_test drops the fatal handler when each test case starts: GTK and the font map
   * are set up here, before the first. */
  g_test_log_set_fatal_handler (sd_gui_test_is_fatal, NULL);
#endif
  if (!gtk_init_check (argc, argv))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      exit (77);
    }
#ifdef G_OS_WIN32
  {
    PangoContext *context = gdk_pango_context_get ();
    PangoLayout *layout = pango_layout_new (context);
    int width;

    pango_layout_set_text (layout, "SMTP", -1);
    pango_layout_get_pixel_size (layout, &width, NULL);
    g_object_unref (layout);
    g_object_unref (context);
  }
#endif
}

SdApplication *
sd_gui_test_init (int    *argc,
                  char ***argv,
                  char  **config_dir)
{
  const char *base = g_getenv ("XDG_CONFIG_HOME") ? g_getenv ("XDG_CONFIG_HOME") : g_get_tmp_dir ();
  g_autofree char *config = g_build_filename (base, "run-XXXXXX", NULL);
  SdApplication *app;

  g_assert_true (g_mkdir_with_parents (base, 0700) == 0);
  g_assert_nonnull (g_mkdtemp (config));
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  sd_gui_test_init_gtk_check (argc, argv);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  *config_dir = g_steal_pointer (&config);
  return app;
}

void
sd_gui_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
sd_gui_test_wait_until (gboolean (*done) (gpointer),
                        gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
sd_gui_test_wait_for_session (SdWindow *window)
{
  SdTranscriptView *view = sd_window_get_transcript_view (window);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (sd_window_is_running (window) || sd_transcript_view_get_n_queued (view) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  sd_gui_test_iterate (200);   /* let layout and drawing settle for the screenshot */
}

static void
sd_gui_test_on_after_paint (GdkFrameClock *clock,
                            gpointer       user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Waits until the toplevel has gone through a whole frame (layout, then paint) after
 * the last change: gtk_widget_draw() on a widget whose size allocation is still
 * pending is a critical ('!widget->priv->alloc_needed'), which a loaded machine hit
 * when a label changed just before the screenshot. */
static void
sd_gui_test_settle (GtkWidget *widget)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (toplevel);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_nonnull (clock);
  for (guint frames = 0; frames < 2; frames++)
    {
      gboolean painted = FALSE;
      gulong id = g_signal_connect (clock, "after-paint",
                                    G_CALLBACK (sd_gui_test_on_after_paint), &painted);
      gtk_widget_queue_draw (toplevel);
      while (!painted)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_main_context_iteration (NULL, FALSE);
          g_usleep (500);
        }
      g_signal_handler_disconnect (clock, id);
    }
}

void
sd_gui_test_screenshot (GtkWidget  *widget,
                        const char *name)
{
  int width, height;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);

  sd_gui_test_settle (widget);
  width = gtk_widget_get_allocated_width (widget);
  height = gtk_widget_get_allocated_height (widget);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);

  gtk_widget_draw (widget, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("screenshot: %s (%d×%d)", path, width, height);
}

GtkWidget *
sd_gui_test_find (GtkWidget  *root,
                  const char *name)
{
  const char *have = atk_object_get_name (gtk_widget_get_accessible (root));

  if (have != NULL && g_str_equal (have, name))
    return root;
  if (GTK_IS_CONTAINER (root))
    {
      g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (root));
      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *found = sd_gui_test_find (l->data, name);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

GtkWidget *
sd_gui_test_need (GtkWidget  *root,
                  const char *name)
{
  GtkWidget *widget = sd_gui_test_find (root, name);

  if (widget == NULL)
    g_error ("no widget with the accessible name \"%s\"", name);
  return widget;
}

gboolean
sd_gui_test_layout_inserts_hyphen (PangoLayout *layout,
                                   int          width)
{
  g_autoptr(PangoLayout) copy = pango_layout_copy (layout);

  pango_layout_set_width (copy, width * PANGO_SCALE);
  for (GSList *l = pango_layout_get_lines_readonly (copy); l; l = l->next)
    for (GSList *r = ((PangoLayoutLine *) l->data)->runs; r; r = r->next)
      if (((PangoGlyphItem *) r->data)->item->analysis.flags & PANGO_ANALYSIS_FLAG_NEED_HYPHEN)
        return TRUE;
  return FALSE;
}

SdWindow *
sd_gui_test_window_new (SdApplication *app,
                        int            width,
                        int            height)
{
  SdWindow *window = g_object_ref_sink (sd_window_new (app));

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_widget_show (GTK_WIDGET (window));
  sd_gui_test_iterate (100);
  return window;
}

void
sd_gui_test_window_destroy (SdWindow *window)
{
  gtk_widget_destroy (GTK_WIDGET (window));
  g_object_unref (window);
  sd_gui_test_iterate (50);
}
