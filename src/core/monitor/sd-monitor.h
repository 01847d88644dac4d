/* sd-monitor.h: a finished session as a monitoring check result
 *
 * The Monitoring Plugins conventions (one status line "SMTP OK - ...", perfdata after
 * "|" in the C locale, long output, exit 0/1/2/3) and the Prometheus text exposition
 * format, from an SdReport and thresholds. GTK-free; no scheduling: the monitoring
 * engines (Icinga 2, Nagios, Checkmk, Zabbix, Prometheus) run the check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-report.h"
#include "sd-settings.h"

G_BEGIN_DECLS

/* The values are the plugin exit codes. */
typedef enum {
  SD_MONITOR_OK       = 0,
  SD_MONITOR_WARNING  = 1,
  SD_MONITOR_CRITICAL = 2,
  SD_MONITOR_UNKNOWN  = 3,
} SdMonitorState;

typedef struct {
  double  warning_s;          /* on the total time; <= 0: none */
  double  critical_s;
  int     cert_warning_days;  /* the leaf certificate's remaining days; < 0: none */
  int     cert_critical_days;
  char   *expect_tls_version; /* "TLS1.2" (or "1.2", "TLSv1.2"): at least this; NULL: none */
  char   *expect_auth;        /* a mechanism the server must offer ("PLAIN"); NULL: none */
} SdMonitorThresholds;

/* What a check found: self-contained, so results of several profiles can be rendered
 * together after their reports are gone. */
typedef struct {
  SdMonitorState  state;
  char           *summary;      /* after "SMTP STATE - ", one line (transfer full) */
  char           *perfdata;     /* "'connect'=0.001234s;;;0 ..." in the C locale */
  char           *long_output;  /* the failing part of the transcript and the first hint,
                                 * or NULL */
  /* For the Prometheus text and the table of --all-profiles. */
  char           *profile;      /* NULL when run from flags */
  char           *server;       /* "host:port" */
  char           *security;
  gboolean        up;           /* the session reached its stage */
  double          total_s;
  double          stage_s[SD_N_STAGES];   /* < 0: not run */
  char           *tls_version;  /* NULL without TLS */
  gint64          cert_not_after;         /* unix seconds; 0: no certificate */
  int             cert_days;    /* whole days left (negative: expired); valid if not_after */
} SdMonitorResult;

/* Parses "TLS1.2", "TLSv1.2", "1.2" (and 1.0, 1.1, 1.3) into 10, 11, 12, 13; -1 if not. */
int              sd_monitor_parse_tls_version (const char *text);
/* "OK", "WARNING", "CRITICAL", "UNKNOWN": never translated (engines parse them). */
const char      *sd_monitor_state_to_string   (SdMonitorState state);
/* The worse of two states in monitoring's order: OK < WARNING < UNKNOWN < CRITICAL. */
SdMonitorState   sd_monitor_state_worst       (SdMonitorState a,
                                               SdMonitorState b);

void             sd_monitor_thresholds_init   (SdMonitorThresholds *thresholds);
void             sd_monitor_thresholds_clear  (SdMonitorThresholds *thresholds);

/* Judges @report against @thresholds at @now (unix seconds, for the certificate's days).
 * @hints: the diagnosis of @report (element-type SdHint), or NULL; its first hint goes
 * into the long output of a failed check. @profile may be NULL. (transfer full) */
SdMonitorResult *sd_monitor_evaluate          (const SdReport            *report,
                                               GPtrArray                 *hints,
                                               const SdMonitorThresholds *thresholds,
                                               const char                *profile,
                                               gint64                     now);
/* A result that never ran a session: wrong usage, the plugin's own timeout. */
SdMonitorResult *sd_monitor_result_new_state  (SdMonitorState  state,
                                               const char     *summary,
                                               const char     *profile);
void             sd_monitor_result_free       (SdMonitorResult *result);

/* "SMTP OK - summary|perfdata\nlong output\n" (transfer full). */
char            *sd_monitor_result_to_plugin_output (const SdMonitorResult *result);
/* The Prometheus text exposition format (version 0.0.4) for one or more results
 * (element-type SdMonitorResult), each metric family once (transfer full). */
char            *sd_monitor_results_to_prometheus   (GPtrArray *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdMonitorResult, sd_monitor_result_free)

/* The `smtp-doctor-cli monitor` command line that checks what @settings describe, for
 * an Icinga 2 / Nagios / Checkmk command definition, quoted for sh; the password, if
 * one is needed, comes from @password_file (transfer full). */
char            *sd_monitor_command_line      (const SdSettings *settings,
                                               const char       *password_file);

G_END_DECLS
