/* test-transcript-stress.c: 100,000 transcript lines without freezing the window
 *
 * Feeds synthetic events into the transcript view the way a session delivers them
 * (batches, at most one per main-loop iteration) and measures the longest time the
 * main loop went without running: a probe timeout and the frame clock both record
 * their gaps. Reports the figure; asserts only that every line arrived.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>

#include "sd-gui-test.h"
#include "sd-transcript-view.h"

#define N_LINES    100000
#define BATCH      250
#define PROBE_MS   2

typedef struct {
  SdTranscriptView *view;
  guint             sent;
  gint64            last_probe;
  gint64            max_probe_gap;
  gint64            last_frame;
  gint64            max_frame_gap;
  guint             n_frames;
} Stress;

static gboolean
feed (gpointer user_data)
{
  Stress *s = user_data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_event_free);

  for (guint i = 0; i < BATCH && s->sent < N_LINES; i++, s->sent++)
    {
      g_autofree char *text = g_strdup_printf ("250-line %u of a long reply from a chatty server", s->sent);
      g_ptr_array_add (batch, sd_event_new (s->sent * 10, SD_STAGE_DATA,
                                            s->sent % 2 ? SD_DIRECTION_RECEIVED : SD_DIRECTION_SENT,
                                            s->sent % 3 == 0, text));
    }
  sd_transcript_view_append (s->view, batch);
  return s->sent < N_LINES ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
probe (gpointer user_data)
{
  Stress *s = user_data;
  gint64 now = g_get_monotonic_time ();

  if (s->last_probe != 0)
    s->max_probe_gap = MAX (s->max_probe_gap, now - s->last_probe);
  if (s->last_probe != 0 && now - s->last_probe > 30000 && g_getenv ("SD_STRESS_DEBUG"))
    g_printerr ("gap %.1f ms at %u lines, %u queued\n", (now - s->last_probe) / 1000.0,
                sd_transcript_view_get_n_lines (s->view), sd_transcript_view_get_n_queued (s->view));
  s->last_probe = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Stress *s = user_data;
  gint64 now = g_get_monotonic_time ();

  if (s->last_frame != 0)
    s->max_frame_gap = MAX (s->max_frame_gap, now - s->last_frame);
  s->last_frame = now;
  s->n_frames++;
  return G_SOURCE_CONTINUE;
}

static void
test_stream (void)
{
  Stress s = { 0 };
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *view = sd_transcript_view_new ();
  guint probe_id, feed_id, tick_id;
  gint64 start, elapsed, deadline;
  g_autofree char *text = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_container_add (GTK_CONTAINER (window), view);
  gtk_widget_show_all (window);
  s.view = SD_TRANSCRIPT_VIEW (view);
  while (!gtk_widget_get_mapped (view))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  start = g_get_monotonic_time ();
  deadline = start + 120 * G_USEC_PER_SEC;
  probe_id = g_timeout_add (PROBE_MS, probe, &s);
  tick_id = gtk_widget_add_tick_callback (window, on_tick, &s, NULL);
  feed_id = g_idle_add_full (G_PRIORITY_DEFAULT, feed, &s, NULL);
  while ((s.sent < N_LINES || sd_transcript_view_get_n_queued (s.view) > 0)
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;
  if (s.sent < N_LINES)
    g_source_remove (feed_id);
  g_source_remove (probe_id);
  gtk_widget_remove_tick_callback (window, tick_id);

  g_test_message ("100,000 lines in %.0f ms over %u frames; longest main-loop stall %.1f ms "
                  "(probe every %d ms), longest gap between frames %.1f ms (target < 50 ms)",
                  elapsed / 1000.0, s.n_frames, s.max_probe_gap / 1000.0, PROBE_MS,
                  s.max_frame_gap / 1000.0);
  g_printerr ("# longest main-loop stall: %.1f ms, longest frame gap: %.1f ms, total %.0f ms\n",
              s.max_probe_gap / 1000.0, s.max_frame_gap / 1000.0, elapsed / 1000.0);

  g_assert_cmpuint (sd_transcript_view_get_n_lines (s.view), ==, N_LINES);
  text = sd_transcript_view_dup_text (s.view);
  g_assert_nonnull (strstr (text, "line 99999 of a long reply"));
  gtk_widget_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  sd_gui_test_init_gtk_check (&argc, &argv);
  g_test_add_func ("/gui/transcript/stream-100000", test_stream);
  return g_test_run ();
}
