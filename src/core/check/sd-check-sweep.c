/* sd-check-sweep.c: every port of every server address at once
 *
 * Each probe and each TLS version handshake is a job on a thread pool as wide as the
 * work, so the sweep takes about as long as its slowest probe rather than their sum;
 * every job is bounded by the timeout and stops with the cancellable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-check-private.h"

/* Enough for 4 ports on 8 addresses at once, with their TLS version handshakes after. */
#define SD_SWEEP_MAX_THREADS 48

typedef struct {
  const SdCheckOptions *options;
  GCancellable         *cancellable;
  GThreadPool          *pool;
  GMutex                lock;
  GCond                 done;
  guint                 pending;
} SdSweep;

typedef struct {
  SdCheckProbe *probe;
  gint          tls_version;   /* -1: the probe itself */
} SdSweepJob;

static void
sd_sweep_push (SdSweep      *sweep,
               SdCheckProbe *probe,
               gint          tls_version)
{
  SdSweepJob *job = g_new0 (SdSweepJob, 1);

  job->probe = probe;
  job->tls_version = tls_version;
  g_mutex_lock (&sweep->lock);
  sweep->pending++;
  g_mutex_unlock (&sweep->lock);
  g_thread_pool_push (sweep->pool, job, NULL);
}

static void
sd_sweep_job (gpointer data,
              gpointer user_data)
{
  g_autofree SdSweepJob *job = data;
  SdSweep *sweep = user_data;
  SdCheckProbe *probe = job->probe;

  if (job->tls_version < 0)
    {
      _sd_check_probe_run (probe, sweep->options, sweep->cancellable);
      /* Each version has a slot of its own: no lock needed for the verdicts. */
      if (sweep->options->tls_versions && _sd_check_probe_has_tls (probe) &&
          !g_cancellable_is_cancelled (sweep->cancellable))
        for (guint i = 0; i < SD_CHECK_N_TLS_VERSIONS; i++)
          sd_sweep_push (sweep, probe, i);
    }
  else
    probe->tls_versions[job->tls_version] =
      _sd_check_tls_version_run (probe, job->tls_version, sweep->options, sweep->cancellable);

  g_mutex_lock (&sweep->lock);
  if (--sweep->pending == 0)
    g_cond_signal (&sweep->done);
  g_mutex_unlock (&sweep->lock);
}

static void
sd_sweep_add_probes (SdCheckReport        *report,
                     const SdCheckOptions *options)
{
  for (guint h = 0; h < report->hosts->len; h++)
    {
      SdCheckHost *host = report->hosts->pdata[h];
      for (guint a = 0; a < host->addresses->len; a++)
        for (guint p = 0; p < options->ports->len; p++)
          g_ptr_array_add (report->probes,
                           _sd_check_probe_new (host->name, host->addresses->pdata[a],
                                                &g_array_index (options->ports, SdCheckPort, p)));
    }
}

void
_sd_check_sweep (const SdCheckOptions *options,
                 SdCheckReport        *report,
                 GCancellable         *cancellable)
{
  SdSweep sweep = { options, cancellable, NULL };
  gint64 t0 = g_get_monotonic_time ();

  sd_sweep_add_probes (report, options);
  if (report->probes->len == 0)
    return;
  g_mutex_init (&sweep.lock);
  g_cond_init (&sweep.done);
  sweep.pool = g_thread_pool_new (sd_sweep_job, &sweep,
                                  MIN (SD_SWEEP_MAX_THREADS,
                                       report->probes->len * (1 + SD_CHECK_N_TLS_VERSIONS)),
                                  FALSE, NULL);
  for (guint i = 0; i < report->probes->len; i++)
    sd_sweep_push (&sweep, report->probes->pdata[i], -1);

  g_mutex_lock (&sweep.lock);
  while (sweep.pending > 0)
    g_cond_wait (&sweep.done, &sweep.lock);
  g_mutex_unlock (&sweep.lock);

  g_thread_pool_free (sweep.pool, FALSE, TRUE);
  g_mutex_clear (&sweep.lock);
  g_cond_clear (&sweep.done);
  report->sweep_us = g_get_monotonic_time () - t0;
}
