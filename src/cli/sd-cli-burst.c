/* sd-cli-burst.c: `send --count N [--connections C] [--interval MS] [--reconnect]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "sd-cli.h"
#include "sd-cli-burst.h"
#include "sd-hints.h"
#include "sd-report.h"
#include "sd-session-error.h"

typedef struct {
  const SdSettings  *settings;
  const SdBurstSpec *spec;
  gboolean           json;
  GCancellable      *cancellable;
  GMainLoop         *loop;
  SdBurstReport     *report;
} SdCliBurst;

void
sd_cli_burst_options_init (SdCliBurstOptions *options)
{
  *options = (SdCliBurstOptions) { -1, -1, -1, FALSE };
}

void
sd_cli_burst_options_add_entries (SdCliBurstOptions *o,
                                  GOptionContext    *context)
{
  const GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &o->count, N_("Send N messages (a burst: one line per message and where the server began to defer)"), N_("N") },
    { "connections", 0, 0, G_OPTION_ARG_INT, &o->connections, N_("With --count: C sessions at once (default 1)"), N_("C") },
    { "interval", 0, 0, G_OPTION_ARG_INT, &o->interval_ms, N_("With --count: start a message every MS milliseconds (default 0: at once)"), N_("MS") },
    { "reconnect", 0, 0, G_OPTION_ARG_NONE, &o->reconnect, N_("With --count: a new connection for every message (default: each connection sends message after message, RSET between)"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

gboolean
sd_cli_burst_options_get_spec (const SdCliBurstOptions *o,
                               SdBurstSpec             *spec,
                               GError                 **error)
{
  if (o->count < 0 && (o->connections >= 0 || o->interval_ms >= 0 || o->reconnect))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--connections, --interval and --reconnect go with --count"));
      return FALSE;
    }
  if (o->count < 0)
    return FALSE;
  spec->count = o->count;
  spec->connections = o->connections >= 0 ? (guint) o->connections : 1;
  spec->interval_ms = o->interval_ms >= 0 ? (guint) o->interval_ms : 0;
  spec->reconnect = o->reconnect;
  return sd_burst_spec_validate (spec, error);
}

/* On a worker, under the burst's lock: lines come out whole and one at a time. */
static void
sd_cli_burst_on_result (const SdBurstResult *result,
                        gpointer             user_data)
{
  SdCliBurst *run = user_data;
  g_autofree char *line = NULL;

  if (run->json)
    return;
  line = sd_burst_result_to_line (result);
  printf ("%s\n", line);
  fflush (stdout);
}

static void
sd_cli_burst_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  SdCliBurst *run = task_data;

  run->report = sd_burst_run (run->settings, run->spec, cancellable,
                              sd_cli_burst_on_result, run);
  g_task_return_boolean (task, TRUE);
}

static void
sd_cli_burst_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_main_loop_quit (((SdCliBurst *) user_data)->loop);
}

static gboolean
sd_cli_burst_interrupt (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

/* What the first refusal says about the server's limits (the provider's figures are in
 * the knowledge base). */
static void
sd_cli_burst_print_hints (const char *reply)
{
  g_autoptr(GPtrArray) hints = sd_hints_diagnose_text (reply);
  g_autofree char *text = NULL;

  if (hints->len == 0)
    return;
  text = sd_hints_to_text (hints);
  printf ("\n%s\n\n%s", sd_hints_text_header (), text);
}

static void
sd_cli_burst_print_summary (const SdBurstReport *report,
                            const SdBurstSpec   *spec)
{
  printf ("\n");
  /* Translators: messages, sessions at once, seconds, then the four counts. */
  printf (_("Burst: %u messages, %u at once, in %.2f s: %u accepted, %u deferred, "
            "%u refused, %u failed\n"), spec->count, spec->connections,
          report->elapsed_us / (double) G_USEC_PER_SEC, report->accepted, report->deferred,
          report->refused, report->failed);
  if (report->first_refusal >= 0)
    {
      const SdBurstResult *first = report->results->pdata[report->first_refusal];
      g_autofree char *reply = sd_text_escape (first->reply);
      /* Translators: the message number, its start in seconds, the server's reply,
       * then messages per second. */
      printf (_("First deferral or refusal: message %d at %.2f s: %s\n"
                "Rate reached before it: %.1f messages/s\n"),
              report->first_refusal + 1, first->start_us / (double) G_USEC_PER_SEC, reply,
              report->rate);
      sd_cli_burst_print_hints (first->reply);
    }
  else
    /* Translators: messages per second. */
    printf (_("No deferral or refusal: %.1f messages/s accepted\n"), report->rate);
}

int
sd_cli_burst_run (const SdSettings  *settings,
                  const SdBurstSpec *spec,
                  gboolean           json)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GTask) task = NULL;
  g_autoptr(SdBurstReport) report = NULL;
  SdCliBurst run = { settings, spec, json, cancellable, loop, NULL };

  task = g_task_new (NULL, cancellable, sd_cli_burst_done, &run);
  g_task_set_task_data (task, &run, NULL);
  sd_cli_on_interrupt (sd_cli_burst_interrupt, cancellable);
  g_task_run_in_thread (task, sd_cli_burst_thread);
  g_main_loop_run (loop);
  report = g_steal_pointer (&run.report);

  if (json)
    {
      g_autofree char *text = sd_burst_report_to_json (report, spec);
      printf ("%s\n", text);
    }
  else
    sd_cli_burst_print_summary (report, spec);

  if (g_cancellable_is_cancelled (cancellable))
    return 8;
  for (guint i = 0; i < report->results->len; i++)
    {
      const SdBurstResult *result = report->results->pdata[i];
      if (result != NULL && result->exit_code != 0)
        return result->exit_code;
    }
  return 0;
}
