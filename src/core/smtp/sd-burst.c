/* sd-burst.c: many messages in a row, to find where a server starts to throttle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-burst.h"
#include "sd-json-private.h"
#include "sd-report.h"
#include "sd-session.h"
#include "sd-session-error.h"

#define WAIT_STEP_US (20 * 1000)   /* how soon a paced wait notices cancellation */

typedef struct {
  const SdSettings  *settings;
  const SdBurstSpec *spec;
  GCancellable      *cancellable;
  SdBurstFunc        func;
  gpointer           user_data;
  gint64             t0;
  GMutex             lock;          /* guards next and report */
  guint              next;
  SdBurstReport     *report;
} SdBurst;

typedef struct {
  SdBurst  *burst;
  guint     worker;
  guint     index;      /* the message it is on */
  gboolean  claimed;    /* ... and that message has no result yet */
  gint64    start_us;
} SdBurstWorker;

static void
sd_burst_result_free (SdBurstResult *result)
{
  g_free (result->reply);
  g_free (result);
}

void
sd_burst_report_free (SdBurstReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->results, g_ptr_array_unref);
  g_free (report);
}

const char *
sd_burst_outcome_to_string (SdBurstOutcome outcome)
{
  static const char * const names[] = { "accepted", "deferred", "refused", "failed" };

  g_return_val_if_fail (outcome < G_N_ELEMENTS (names), "failed");
  return names[outcome];
}

gboolean
sd_burst_spec_validate (const SdBurstSpec  *spec,
                        GError            **error)
{
  if (spec->count < 1 || spec->count > SD_BURST_MAX_COUNT ||
      spec->connections < 1 || spec->connections > SD_BURST_MAX_CONNECTIONS ||
      spec->interval_ms > 3600 * 1000)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                   /* Translators: the limits of a burst: messages, then sessions at once. */
                   _("A burst is 1 to %u messages over 1 to %u connections, at most an "
                     "hour apart"), SD_BURST_MAX_COUNT, SD_BURST_MAX_CONNECTIONS);
      return FALSE;
    }
  return TRUE;
}

/* Throttling, as providers say it: 421 (too many connections or messages, Exchange
 * Online's 4.7.x), 432 4.3.2 and 451 4.7.x (Postfix anvil, greylisting, rate limits),
 * 452 (too many recipients or messages for now). */
static gboolean
sd_burst_is_deferral (const SdReply *reply)
{
  if (reply->code == 421 || reply->code == 432 || reply->code == 451 || reply->code == 452)
    return TRUE;
  return reply->enhanced != NULL && (g_str_has_prefix (reply->enhanced, "4.7.") ||
                                     g_str_equal (reply->enhanced, "4.3.2"));
}

static void
sd_burst_judge (SdBurstResult *result,
                gboolean       ok,
                const SdReply *reply,
                const GError  *error)
{
  result->exit_code = ok ? 0 : sd_session_error_exit_code (error);
  if (ok)
    result->outcome = SD_BURST_ACCEPTED;
  else if (reply != NULL && reply->code >= 400 &&
           g_error_matches (error, SD_SESSION_ERROR, SD_SESSION_ERROR_REJECTED))
    result->outcome = sd_burst_is_deferral (reply) ? SD_BURST_DEFERRED : SD_BURST_REFUSED;
  else
    result->outcome = SD_BURST_FAILED;

  if (reply != NULL && result->outcome != SD_BURST_FAILED)
    {
      g_autofree char *text = sd_reply_dup_text (reply);
      result->code = reply->code;
      result->reply = g_strdup_printf ("%u %s", reply->code, text);
    }
  else
    result->reply = g_strdup (error != NULL ? error->message : "");
}

/* Paced: message @index starts no earlier than t0 + index * interval. FALSE: cancelled. */
static gboolean
sd_burst_wait_turn (SdBurst *burst,
                    guint    index)
{
  gint64 due = burst->t0 + (gint64) index * burst->spec->interval_ms * 1000;

  for (gint64 now = g_get_monotonic_time (); now < due; now = g_get_monotonic_time ())
    {
      if (g_cancellable_is_cancelled (burst->cancellable))
        return FALSE;
      g_usleep (MIN (due - now, WAIT_STEP_US));
    }
  return !g_cancellable_is_cancelled (burst->cancellable);
}

/* The next message for @worker, when its turn has come; FALSE when none is left. */
static gboolean
sd_burst_claim (SdBurstWorker *worker)
{
  SdBurst *burst = worker->burst;

  g_mutex_lock (&burst->lock);
  worker->index = burst->next++;
  g_mutex_unlock (&burst->lock);
  worker->claimed = worker->index < burst->spec->count && sd_burst_wait_turn (burst, worker->index);
  worker->start_us = g_get_monotonic_time () - burst->t0;
  return worker->claimed;
}

static void
sd_burst_record (SdBurstWorker *worker,
                 gboolean       ok,
                 const SdReply *reply,
                 const GError  *error)
{
  SdBurst *burst = worker->burst;
  SdBurstResult *result = g_new0 (SdBurstResult, 1);

  result->index = worker->index;
  result->worker = worker->worker;
  result->start_us = worker->start_us;
  result->duration_us = g_get_monotonic_time () - burst->t0 - worker->start_us;
  sd_burst_judge (result, ok, reply, error);
  worker->claimed = FALSE;

  g_mutex_lock (&burst->lock);
  g_ptr_array_index (burst->report->results, result->index) = result;
  if (burst->func != NULL)
    burst->func (result, burst->user_data);
  g_mutex_unlock (&burst->lock);
}

/* After each message of a reused connection: record it, then the next one, if any. */
static gboolean
sd_burst_on_message (gboolean        ok,
                     const SdReport *report,
                     const GError   *error,
                     gpointer        user_data)
{
  SdBurstWorker *worker = user_data;

  sd_burst_record (worker, ok, report->reply, error);
  return !worker->burst->spec->reconnect && sd_burst_claim (worker);
}

static gpointer
sd_burst_worker (gpointer data)
{
  SdBurstWorker *worker = data;
  SdBurst *burst = worker->burst;

  while (worker->claimed || sd_burst_claim (worker))
    {
      g_autoptr(SdSession) session = sd_session_new (burst->settings);
      g_autoptr(SdReport) report = NULL;

      sd_session_set_repeat (session, sd_burst_on_message, worker);
      report = sd_session_run (session, burst->cancellable, NULL, NULL);
      /* The session ended before the claimed message went (connect, TLS, RSET, a
       * closed connection): that message gets the session's error. */
      if (worker->claimed)
        {
          sd_burst_record (worker, FALSE, report->reply, report->error);
          if (g_cancellable_is_cancelled (burst->cancellable))
            break;
        }
    }
  return NULL;
}

static void
sd_burst_sum_up (SdBurstReport *report)
{
  gint64 until = report->elapsed_us;
  guint accepted_before = 0;

  report->first_refusal = -1;
  for (guint i = 0; i < report->results->len; i++)
    {
      const SdBurstResult *result = report->results->pdata[i];

      if (result == NULL)   /* cancelled before its turn */
        continue;
      report->accepted += result->outcome == SD_BURST_ACCEPTED;
      report->deferred += result->outcome == SD_BURST_DEFERRED;
      report->refused += result->outcome == SD_BURST_REFUSED;
      report->failed += result->outcome == SD_BURST_FAILED;
      if (report->first_refusal < 0 &&
          (result->outcome == SD_BURST_DEFERRED || result->outcome == SD_BURST_REFUSED))
        {
          report->first_refusal = i;
          until = result->start_us;
        }
      if (report->first_refusal < 0 && result->outcome == SD_BURST_ACCEPTED)
        accepted_before++;
    }
  /* The rate the server let through before it pushed back. */
  report->rate = until > 0 ? accepted_before / (until / (double) G_USEC_PER_SEC) : 0.0;
}

SdBurstReport *
sd_burst_run (const SdSettings  *settings,
              const SdBurstSpec *spec,
              GCancellable      *cancellable,
              SdBurstFunc        func,
              gpointer           user_data)
{
  SdBurst burst = { settings, spec, cancellable, func, user_data };
  g_autofree GThread **threads = NULL;
  g_autofree SdBurstWorker *workers = NULL;
  SdBurstReport *report;
  guint n;

  g_return_val_if_fail (sd_burst_spec_validate (spec, NULL), NULL);

  report = g_new0 (SdBurstReport, 1);
  report->results = g_ptr_array_new_full (spec->count, (GDestroyNotify) sd_burst_result_free);
  g_ptr_array_set_size (report->results, spec->count);
  burst.report = report;
  g_mutex_init (&burst.lock);
  burst.t0 = g_get_monotonic_time ();

  n = MIN (spec->connections, spec->count);
  threads = g_new0 (GThread *, n);
  workers = g_new0 (SdBurstWorker, n);
  for (guint i = 0; i < n; i++)
    {
      workers[i] = (SdBurstWorker) { &burst, i, 0, FALSE, 0 };
      threads[i] = g_thread_new ("sd-burst", sd_burst_worker, &workers[i]);
    }
  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&burst.lock);

  report->elapsed_us = g_get_monotonic_time () - burst.t0;
  sd_burst_sum_up (report);
  return report;
}

char *
sd_burst_result_to_line (const SdBurstResult *result)
{
  g_autofree char *reply = sd_text_escape (result->reply);

  /* Translators: message number, connection number, start and duration in ms, the
   * outcome (accepted, deferred…), then the server's reply. */
  return g_strdup_printf (_("#%-5u conn %-2u at %8.1f ms %7.1f ms  %-8s %s"), result->index + 1,
                          result->worker + 1, result->start_us / 1000.0,
                          result->duration_us / 1000.0,
                          sd_burst_outcome_to_string (result->outcome), reply);
}

char *
sd_burst_report_to_json (const SdBurstReport *report,
                         const SdBurstSpec   *spec)
{
  json_t *root = json_object ();
  json_t *results = json_array ();

  json_object_set_new (root, "count", json_integer (spec->count));
  json_object_set_new (root, "connections", json_integer (spec->connections));
  json_object_set_new (root, "interval_ms", json_integer (spec->interval_ms));
  json_object_set_new (root, "accepted", json_integer (report->accepted));
  json_object_set_new (root, "deferred", json_integer (report->deferred));
  json_object_set_new (root, "refused", json_integer (report->refused));
  json_object_set_new (root, "failed", json_integer (report->failed));
  json_object_set_new (root, "first_refusal", report->first_refusal < 0 ? json_null ()
                       : json_integer (report->first_refusal + 1));
  json_object_set_new (root, "rate_per_s", json_real (report->rate));
  json_object_set_new (root, "elapsed_ms", json_real (report->elapsed_us / 1000.0));
  for (guint i = 0; i < report->results->len; i++)
    {
      const SdBurstResult *result = report->results->pdata[i];
      json_t *item;

      if (result == NULL)
        continue;
      item = json_object ();
      json_object_set_new (item, "message", json_integer (result->index + 1));
      json_object_set_new (item, "connection", json_integer (result->worker + 1));
      json_object_set_new (item, "outcome",
                           json_string (sd_burst_outcome_to_string (result->outcome)));
      json_object_set_new (item, "code", result->code ? json_integer (result->code) : json_null ());
      json_object_set_new (item, "reply", _sd_json_text (result->reply));
      json_object_set_new (item, "start_ms", json_real (result->start_us / 1000.0));
      json_object_set_new (item, "time_ms", json_real (result->duration_us / 1000.0));
      json_array_append_new (results, item);
    }
  json_object_set_new (root, "messages", results);
  return _sd_json_dump (root, FALSE);
}
