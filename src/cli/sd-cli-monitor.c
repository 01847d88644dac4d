/* sd-cli-monitor.c: smtp-doctor-cli monitor, a check for Icinga 2, Nagios, Checkmk,
 * Zabbix and Prometheus
 *
 * Follows the Monitoring Plugins development guidelines: one status line on stdout
 * ("SMTP OK - ...|perfdata"), optional long output, exit 0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN (wrong usage too). Sessions of --all-profiles run in parallel on the session's
 * worker threads; the plugin's own timeout (-t) bounds them all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "sd-cli.h"
#include "sd-cli-options.h"
#include "sd-hints.h"
#include "sd-monitor.h"
#include "sd-profile.h"
#include "sd-secret.h"
#include "sd-secret-store.h"
#include "sd-session.h"

/* After the plugin's timeout cancels the sessions, how long they get to wind down. */
#define SD_MONITOR_GRACE_S 2

typedef enum {
  SD_FORMAT_PLUGIN,
  SD_FORMAT_PROMETHEUS,
  SD_FORMAT_JSON,
} SdMonitorFormat;

typedef struct {
  char            *profile;
  SdSettings      *settings;
  SdMonitorResult *result;   /* set when it could not even start */
  SdReport        *report;
} SdMonitorJob;

typedef struct {
  GMainLoop    *loop;
  GCancellable *cancellable;
  GPtrArray    *jobs;        /* (element-type SdMonitorJob) */
  guint         pending;
  gboolean      timed_out;
} SdMonitorRun;

typedef struct {
  SdCliOptions        session;
  SdMonitorThresholds thresholds;
  char               *profile, *warning, *critical, *format, *timeout;
  gboolean            all_profiles;
  SdMonitorFormat     output;
  guint               timeout_s;
  SdMonitorState      timeout_state;
} SdMonitorOptions;

/* Translators: keep the option names, the status words and the stage names. */
static const char monitor_help[] = N_(
  "Prints one status line, e.g. “SMTP OK - … | 'connect'=0.001s;;;0 … 'total'=0.045s;2;5;0”,\n"
  "then the failing part of the transcript and the first hint, and exits 0 (OK),\n"
  "1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN). A refused connection, a failed TLS\n"
  "handshake or certificate, a refused AUTH are CRITICAL; a slow answer is WARNING or\n"
  "CRITICAL by -w/-c; wrong usage and the plugin's own timeout are UNKNOWN\n"
  "(-t SECONDS:critical makes the timeout CRITICAL).\n"
  "\n"
  "The session stops after AUTH when credentials are given, else after TLS (after EHLO\n"
  "with --security none): no mail is sent unless --quit-after asks for it. Give the\n"
  "password with --password-file or from a profile's secret store, never on the\n"
  "command line. -t is the plugin's timeout here; --to has no short form.\n");

static void
sd_monitor_job_free (SdMonitorJob *job)
{
  g_free (job->profile);
  g_clear_pointer (&job->settings, sd_settings_free);
  g_clear_pointer (&job->result, sd_monitor_result_free);
  g_clear_pointer (&job->report, sd_report_free);
  g_free (job);
}

static SdMonitorJob *
sd_monitor_job_new (const char *profile,
                    SdSettings *settings)
{
  SdMonitorJob *job = g_new0 (SdMonitorJob, 1);

  job->profile = g_strdup (profile);
  job->settings = settings;
  return job;
}

/* Wrong usage: UNKNOWN on stdout, where the engine reads it. */
static int
sd_monitor_usage_error (const char *message)
{
  printf ("SMTP UNKNOWN - %s\n", message);
  return SD_MONITOR_UNKNOWN;
}

/* A positive number of seconds, C-locale ("0.5"), or FALSE. */
static gboolean
sd_monitor_parse_seconds (const char *text,
                          double     *value)
{
  char *end = NULL;

  if (text == NULL)
    return TRUE;
  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && *value > 0 && *value < 86400;
}

/* -t SECONDS[:STATE], as the Monitoring Plugins take it. */
static gboolean
sd_monitor_parse_timeout (SdMonitorOptions *o)
{
  g_auto(GStrv) parts = NULL;
  guint64 seconds;

  o->timeout_s = 30;
  o->timeout_state = SD_MONITOR_UNKNOWN;
  if (o->timeout == NULL)
    return TRUE;
  parts = g_strsplit (o->timeout, ":", 2);
  if (!g_ascii_string_to_unsigned (parts[0], 10, 1, 3600, &seconds, NULL))
    return FALSE;
  o->timeout_s = (guint) seconds;
  if (parts[1] == NULL || g_ascii_strcasecmp (parts[1], "unknown") == 0)
    return TRUE;
  for (SdMonitorState s = SD_MONITOR_OK; s <= SD_MONITOR_CRITICAL; s++)
    if (g_ascii_strcasecmp (parts[1], sd_monitor_state_to_string (s)) == 0)
      {
        o->timeout_state = s;
        return TRUE;
      }
  return FALSE;
}

static gboolean
sd_monitor_check_options (SdMonitorOptions  *o,
                          GError           **error)
{
  const char *bad = NULL;

  if (!sd_monitor_parse_seconds (o->warning, &o->thresholds.warning_s))
    bad = _("-w/--warning must be a number of seconds, e.g. 2 or 0.5");
  else if (!sd_monitor_parse_seconds (o->critical, &o->thresholds.critical_s))
    bad = _("-c/--critical must be a number of seconds, e.g. 5");
  else if (!sd_monitor_parse_timeout (o))
    bad = _("-t/--plugin-timeout must be SECONDS (1-3600), optionally :critical, :warning or :unknown");
  else if (o->thresholds.expect_tls_version != NULL &&
           sd_monitor_parse_tls_version (o->thresholds.expect_tls_version) < 0)
    bad = _("--expect-tls-version must be TLS1.0, TLS1.1, TLS1.2 or TLS1.3");
  else if (o->format == NULL || g_str_equal (o->format, "plugin"))
    o->output = SD_FORMAT_PLUGIN;
  else if (g_str_equal (o->format, "prometheus"))
    o->output = SD_FORMAT_PROMETHEUS;
  else if (g_str_equal (o->format, "json"))
    o->output = SD_FORMAT_JSON;
  else
    bad = _("--format must be plugin, prometheus or json");
  if (bad == NULL && o->all_profiles && o->profile != NULL)
    bad = _("Give --profile NAME or --all-profiles, not both");
  if (bad != NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, bad);
  return bad == NULL;
}

/* "-t" is the plugin timeout in the guidelines but --to's short form in `send`. */
static char **
sd_monitor_rewrite_args (int    argc,
                         char **argv)
{
  GPtrArray *args = g_ptr_array_new ();

  for (int i = 0; i < argc; i++)
    if (g_str_equal (argv[i], "-t"))
      g_ptr_array_add (args, g_strdup ("--plugin-timeout"));
    else if (g_str_has_prefix (argv[i], "-t"))
      g_ptr_array_add (args, g_strconcat ("--plugin-timeout=", argv[i] + 2, NULL));
    else
      g_ptr_array_add (args, g_strdup (argv[i]));
  g_ptr_array_add (args, NULL);
  return (char **) g_ptr_array_free (args, FALSE);
}

static gboolean
sd_monitor_parse (SdMonitorOptions  *o,
                  int                argc,
                  char             **argv,
                  GError           **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(GStrv) args = sd_monitor_rewrite_args (argc, argv);
  const GOptionEntry extra[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &o->profile, N_("Check the saved profile NAME (flags override it)"), N_("NAME") },
    { "all-profiles", 0, 0, G_OPTION_ARG_NONE, &o->all_profiles, N_("Check every saved profile in parallel, one line each"), NULL },
    { "warning", 'w', 0, G_OPTION_ARG_STRING, &o->warning, N_("WARNING when the whole session takes longer"), N_("SECONDS") },
    { "critical", 'c', 0, G_OPTION_ARG_STRING, &o->critical, N_("CRITICAL when the whole session takes longer"), N_("SECONDS") },
    { "cert-warning", 0, 0, G_OPTION_ARG_INT, &o->thresholds.cert_warning_days, N_("WARNING when the certificate expires in fewer days"), N_("DAYS") },
    { "cert-critical", 0, 0, G_OPTION_ARG_INT, &o->thresholds.cert_critical_days, N_("CRITICAL when the certificate expires in fewer days"), N_("DAYS") },
    { "expect-tls-version", 0, 0, G_OPTION_ARG_STRING, &o->thresholds.expect_tls_version, N_("CRITICAL below this TLS version (e.g. TLS1.2)"), N_("VERSION") },
    { "expect-auth", 0, 0, G_OPTION_ARG_STRING, &o->thresholds.expect_auth, N_("CRITICAL when the server does not offer this AUTH mechanism"), N_("MECH") },
    { "plugin-timeout", 0, 0, G_OPTION_ARG_STRING, &o->timeout, N_("-t: give up after SECONDS in all (default 30), then UNKNOWN or STATE"), N_("SECONDS[:STATE]") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o->format, N_("plugin (default), prometheus or json"), N_("FORMAT") },
    { NULL }
  };

  /* Translators: the summary in `smtp-doctor-cli monitor --help`. */
  context = g_option_context_new (_("- check an SMTP server for a monitoring system"));
  sd_cli_options_add_entries (&o->session, context);
  g_option_context_add_main_entries (context, extra, GETTEXT_PACKAGE);
  g_option_context_set_description (context, _(monitor_help));
  if (!g_option_context_parse_strv (context, &args, error))
    return FALSE;
  if (args[0] != NULL && args[1] != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("Unexpected argument “%s”"),
                   args[1]);
      return FALSE;
    }
  return sd_monitor_check_options (o, error);
}

/* Stop where the issue says: after AUTH with credentials; else after TLS (so the
 * certificate is checked over STARTTLS too) or EHLO without TLS. Never a mail unasked. */
static void
sd_monitor_default_quit_after (SdSettings *settings)
{
  if (settings->has_quit_after)
    return;
  settings->has_quit_after = TRUE;
  if (settings->user != NULL && g_strcmp0 (settings->auth, "none") != 0)
    settings->quit_after = SD_STAGE_AUTH;
  else if (settings->security == SD_SECURITY_NONE)
    settings->quit_after = SD_STAGE_EHLO;
  else
    settings->quit_after = SD_STAGE_TLS;
}

/* A profile's settings with its remembered password; NULL and @error when that fails. */
static SdSettings *
sd_monitor_profile_settings (const SdProfile *profile,
                             gboolean         password_given,
                             GError         **error)
{
  g_autoptr(SdSettings) settings = sd_settings_copy (profile->settings);

  if (profile->remember_password && !password_given)
    {
      SdSecretStore *secrets = sd_secret_store_get_default ();
      GError *local = NULL;

      settings->password = sd_secret_store_lookup (secrets, profile->name, &local);
      if (settings->password == NULL && local == NULL)
        /* Translators: a profile name, then the store (“libsecret”, “Windows Credential
         * Manager”). */
        local = g_error_new (SD_PROFILE_ERROR, SD_PROFILE_ERROR_NOT_FOUND,
                             _("No password for profile “%s” in %s (use --password-file)"),
                             profile->name, sd_secret_store_get_name (secrets));
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return NULL;
        }
    }
  return g_steal_pointer (&settings);
}

static SdProfileStore *
sd_monitor_open_store (GError **error)
{
  g_autoptr(SdProfileStore) store = sd_profile_store_new (NULL);

  return sd_profile_store_load (store, error) ? g_steal_pointer (&store) : NULL;
}

/* One job from the flags, or from --profile with the flags on top. */
static SdMonitorJob *
sd_monitor_single_job (SdMonitorOptions  *o,
                       GError           **error)
{
  g_autoptr(SdSettings) settings = NULL;

  if (o->profile != NULL)
    {
      g_autoptr(SdProfileStore) store = sd_monitor_open_store (error);
      SdProfile *profile = store ? sd_profile_store_lookup (store, o->profile) : NULL;

      if (store != NULL && profile == NULL)
        g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_NOT_FOUND,
                     _("No profile named “%s” (see smtp-doctor-cli profiles list)"),
                     o->profile);
      if (profile == NULL)
        return NULL;
      settings = sd_monitor_profile_settings (profile, sd_cli_options_has_password (&o->session),
                                              error);
      if (settings == NULL)
        return NULL;
    }
  else
    settings = sd_settings_new ();
  if (!sd_cli_options_apply (&o->session, settings, error))
    return NULL;
  if (settings->host == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--server is required (or --profile, or --all-profiles)"));
      return NULL;
    }
  sd_monitor_default_quit_after (settings);
  return sd_monitor_job_new (o->profile, g_steal_pointer (&settings));
}

/* Every saved profile. Only the flags that make sense for all of them apply: --timeout,
 * --quit-after, --tls-ca. */
static GPtrArray *
sd_monitor_profile_jobs (SdMonitorOptions  *o,
                         GError           **error)
{
  g_autoptr(SdProfileStore) store = sd_monitor_open_store (error);
  g_autoptr(SdSettings) flags = sd_settings_new ();
  GPtrArray *jobs, *profiles;

  if (store == NULL || !sd_cli_options_apply (&o->session, flags, error))
    return NULL;
  if (flags->host != NULL || flags->user != NULL || flags->password != NULL || flags->port != 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--all-profiles takes the servers and credentials from the profiles"));
      return NULL;
    }
  profiles = sd_profile_store_list (store);
  jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_monitor_job_free);
  for (guint i = 0; i < profiles->len; i++)
    {
      const SdProfile *profile = profiles->pdata[i];
      g_autoptr(GError) local = NULL;
      SdSettings *settings = sd_monitor_profile_settings (profile, FALSE, &local);
      SdMonitorJob *job = sd_monitor_job_new (profile->name, settings);

      if (settings == NULL)
        job->result = sd_monitor_result_new_state (SD_MONITOR_UNKNOWN, local->message,
                                                   profile->name);
      else
        {
          if (flags->timeout_s != 0)
            settings->timeout_s = flags->timeout_s;
          if (flags->has_quit_after)
            settings->has_quit_after = TRUE, settings->quit_after = flags->quit_after;
          if (flags->tls_ca_file != NULL)
            g_free (settings->tls_ca_file), settings->tls_ca_file = g_strdup (flags->tls_ca_file);
          sd_monitor_default_quit_after (settings);
        }
      g_ptr_array_add (jobs, job);
    }
  return jobs;
}

static void
sd_monitor_on_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SdMonitorJob *job = user_data;
  SdMonitorRun *run = g_object_get_data (source, "sd-monitor-run");

  job->report = sd_session_run_finish (SD_SESSION (source), result);
  g_object_unref (source);
  if (--run->pending == 0)
    g_main_loop_quit (run->loop);
}

static gboolean
sd_monitor_on_grace_over (gpointer user_data)
{
  SdMonitorRun *run = user_data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
sd_monitor_on_timeout (gpointer user_data)
{
  SdMonitorRun *run = user_data;

  run->timed_out = TRUE;
  g_cancellable_cancel (run->cancellable);
  g_timeout_add_seconds (SD_MONITOR_GRACE_S, sd_monitor_on_grace_over, run);
  return G_SOURCE_REMOVE;
}

static gboolean
sd_monitor_on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

/* Runs every job that has settings, in parallel, within @timeout_s. */
static gboolean
sd_monitor_run_jobs (GPtrArray *jobs,
                     guint      timeout_s)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SdMonitorRun run = { loop, cancellable, jobs, 0, FALSE };
  guint timer;

  for (guint i = 0; i < jobs->len; i++)
    {
      SdMonitorJob *job = jobs->pdata[i];
      SdSession *session;

      if (job->result != NULL)
        continue;
      session = sd_session_new (job->settings);
      g_object_set_data (G_OBJECT (session), "sd-monitor-run", &run);
      run.pending++;
      sd_session_run_async (session, cancellable, sd_monitor_on_done, job);
    }
  if (run.pending == 0)
    return FALSE;
  timer = g_timeout_add_seconds (timeout_s, sd_monitor_on_timeout, &run);
  sd_cli_on_interrupt (sd_monitor_on_interrupt, cancellable);
  g_main_loop_run (loop);
  if (!run.timed_out)
    g_source_remove (timer);
  return run.timed_out;
}

/* The one place that runs the diagnosis (its home may move; keep it one call). */
static GPtrArray *
sd_monitor_diagnose (const SdReport *report)
{
  return report->ok ? NULL : sd_diagnose_report (report);
}

static void
sd_monitor_judge (SdMonitorJob     *job,
                  SdMonitorOptions *o,
                  gboolean          timed_out)
{
  g_autoptr(GPtrArray) hints = NULL;

  if (job->result != NULL)
    return;
  if (job->report == NULL ||
      (timed_out && g_error_matches (job->report->error, SD_SESSION_ERROR,
                                     SD_SESSION_ERROR_CANCELLED)))
    {
      /* Translators: %u is a number of seconds (the -t option). */
      g_autofree char *summary = g_strdup_printf (_("plugin timed out after %u s"), o->timeout_s);
      job->result = sd_monitor_result_new_state (o->timeout_state, summary, job->profile);
      return;
    }
  hints = sd_monitor_diagnose (job->report);
  job->result = sd_monitor_evaluate (job->report, hints, &o->thresholds, job->profile,
                                     g_get_real_time () / G_USEC_PER_SEC);
}

static void
sd_monitor_print_table (GPtrArray *jobs)
{
  SdMonitorState worst = SD_MONITOR_OK;
  guint counts[4] = { 0 };
  GString *perf = g_string_new (NULL);

  for (guint i = 0; i < jobs->len; i++)
    {
      const SdMonitorResult *r = ((SdMonitorJob *) jobs->pdata[i])->result;
      g_autofree char *label = g_strdup (r->profile);
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      worst = sd_monitor_state_worst (worst, r->state);
      counts[r->state]++;
      g_strdelimit (label, "'=|", '_');
      if (r->server != NULL)
        g_string_append_printf (perf, "%s'%s'=%ss;;;0", perf->len ? " " : "", label,
                                g_ascii_formatd (number, sizeof number, "%.6f", r->total_s));
    }
  /* Translators: the numbers of profiles in each state; the state words stay. */
  printf ("SMTP %s - ", sd_monitor_state_to_string (worst));
  printf (_("%u profiles: %u OK, %u WARNING, %u CRITICAL, %u UNKNOWN"), jobs->len,
          counts[SD_MONITOR_OK], counts[SD_MONITOR_WARNING], counts[SD_MONITOR_CRITICAL],
          counts[SD_MONITOR_UNKNOWN]);
  printf ("%s%s\n", perf->len ? "|" : "", perf->str);
  for (guint i = 0; i < jobs->len; i++)
    {
      const SdMonitorResult *r = ((SdMonitorJob *) jobs->pdata[i])->result;
      printf ("%s: %s - %s\n", r->profile, sd_monitor_state_to_string (r->state), r->summary);
    }
  g_string_free (perf, TRUE);
}

static void
sd_monitor_print_json (GPtrArray *jobs,
                       gboolean   all)
{
  json_t *list = json_array ();
  char *text;

  for (guint i = 0; i < jobs->len; i++)
    {
      const SdMonitorJob *job = jobs->pdata[i];
      g_autoptr(GPtrArray) hints = job->report ? sd_monitor_diagnose (job->report) : NULL;
      g_autofree char *report = job->report ? sd_report_to_json (job->report, hints) : NULL;
      json_t *item = json_pack ("{s:s?, s:s, s:s, s:o?}", "profile", job->profile,
                                "state", sd_monitor_state_to_string (job->result->state),
                                "summary", job->result->summary,
                                "report", report ? json_loads (report, 0, NULL) : NULL);
      if (!all && report != NULL)
        {
          /* One check: the send report as is, as `send --json` prints it. */
          printf ("%s\n", report);
          json_decref (item);
          json_decref (list);
          return;
        }
      json_array_append_new (list, item);
    }
  text = json_dumps (list, JSON_INDENT (2));
  printf ("%s\n", text);
  free (text);
  json_decref (list);
}

static SdMonitorState
sd_monitor_print (GPtrArray              *jobs,
                  const SdMonitorOptions *o)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new ();
  SdMonitorState worst = SD_MONITOR_OK;

  for (guint i = 0; i < jobs->len; i++)
    {
      SdMonitorResult *r = ((SdMonitorJob *) jobs->pdata[i])->result;
      g_ptr_array_add (results, r);
      worst = sd_monitor_state_worst (worst, r->state);
    }
  if (o->output == SD_FORMAT_PROMETHEUS)
    {
      g_autofree char *text = sd_monitor_results_to_prometheus (results);
      fputs (text, stdout);
    }
  else if (o->output == SD_FORMAT_JSON)
    sd_monitor_print_json (jobs, o->all_profiles);
  else if (o->all_profiles)
    sd_monitor_print_table (jobs);
  else
    {
      g_autofree char *text = sd_monitor_result_to_plugin_output (results->pdata[0]);
      fputs (text, stdout);
    }
  return worst;
}

static void
sd_monitor_options_clear (SdMonitorOptions *o)
{
  sd_cli_options_clear (&o->session);
  sd_monitor_thresholds_clear (&o->thresholds);
  g_free (o->profile);
  g_free (o->warning);
  g_free (o->critical);
  g_free (o->format);
  g_free (o->timeout);
}

int
sd_cli_monitor (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  SdMonitorOptions o = { 0 };
  gboolean timed_out;
  int state;

  sd_cli_options_init (&o.session);
  sd_monitor_thresholds_init (&o.thresholds);
  if (sd_monitor_parse (&o, argc, argv, &error))
    {
      if (o.all_profiles)
        jobs = sd_monitor_profile_jobs (&o, &error);
      else
        {
          SdMonitorJob *job = sd_monitor_single_job (&o, &error);
          if (job != NULL)
            {
              jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_monitor_job_free);
              g_ptr_array_add (jobs, job);
            }
        }
    }
  if (jobs == NULL)
    {
      state = sd_monitor_usage_error (error->message);
      sd_monitor_options_clear (&o);
      return state;
    }
  if (jobs->len == 0)
    {
      sd_monitor_options_clear (&o);
      return sd_monitor_usage_error (_("No saved profiles (see smtp-doctor-cli profiles save)"));
    }

  timed_out = sd_monitor_run_jobs (jobs, o.timeout_s);
  for (guint i = 0; i < jobs->len; i++)
    sd_monitor_judge (jobs->pdata[i], &o, timed_out);
  state = sd_monitor_print (jobs, &o);
  fflush (stdout);
  sd_monitor_options_clear (&o);
  /* Sessions still winding down after the timeout must not hold the exit. */
  if (timed_out)
    _Exit (state);
  return state;
}
