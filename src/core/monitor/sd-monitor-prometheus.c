/* sd-monitor-prometheus.c: check results in the Prometheus text exposition format
 *
 * For node_exporter's textfile collector: the file holds each metric family once, with
 * its HELP and TYPE, and one sample per profile. Label values are escaped as the format
 * says (backslash, double quote, line feed); numbers are C-locale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-monitor.h"

static void
sd_prom_escape (GString    *out,
                const char *value)
{
  for (const char *p = value ? value : ""; *p; p++)
    if (*p == '\\')
      g_string_append (out, "\\\\");
    else if (*p == '"')
      g_string_append (out, "\\\"");
    else if (*p == '\n')
      g_string_append (out, "\\n");
    else
      g_string_append_c (out, *p);
}

/* {profile="...",server="...",security="..."[,name="value"]} */
static void
sd_prom_labels (GString               *out,
                const SdMonitorResult *r,
                const char            *name,
                const char            *value)
{
  g_string_append (out, "{");
  if (r->profile != NULL)
    {
      g_string_append (out, "profile=\"");
      sd_prom_escape (out, r->profile);
      g_string_append (out, "\",");
    }
  g_string_append (out, "server=\"");
  sd_prom_escape (out, r->server);
  g_string_append (out, "\",security=\"");
  sd_prom_escape (out, r->security);
  g_string_append (out, "\"");
  if (name != NULL)
    {
      g_string_append_printf (out, ",%s=\"", name);
      sd_prom_escape (out, value);
      g_string_append (out, "\"");
    }
  g_string_append (out, "}");
}

static void
sd_prom_family (GString    *out,
                const char *metric,
                const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s gauge\n", metric, help, metric);
}

static void
sd_prom_sample (GString               *out,
                const char            *metric,
                const SdMonitorResult *r,
                const char            *label,
                const char            *label_value,
                double                 value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, metric);
  sd_prom_labels (out, r, label, label_value);
  /* Seconds to the microsecond; counts and timestamps whole. */
  g_ascii_formatd (number, sizeof number, value == (gint64) value ? "%.0f" : "%.6f", value);
  g_string_append_printf (out, " %s\n", number);
}

/* One sample per result, without extra labels; FALSE from @get skips a result. */
typedef gboolean (*SdPromGet) (const SdMonitorResult *r, double *value);

static void
sd_prom_simple (GString    *out,
                GPtrArray  *results,
                const char *metric,
                const char *help,
                SdPromGet   get)
{
  sd_prom_family (out, metric, help);
  for (guint i = 0; i < results->len; i++)
    {
      const SdMonitorResult *r = results->pdata[i];
      double value;
      /* Results without a server never ran (wrong usage): nothing to expose. */
      if (r->server != NULL && get (r, &value))
        sd_prom_sample (out, metric, r, NULL, NULL, value);
    }
}

static gboolean
sd_prom_get_up (const SdMonitorResult *r, double *value)
{
  *value = r->up ? 1 : 0;
  return TRUE;
}

static gboolean
sd_prom_get_state (const SdMonitorResult *r, double *value)
{
  *value = r->state;
  return TRUE;
}

static gboolean
sd_prom_get_duration (const SdMonitorResult *r, double *value)
{
  *value = r->total_s;
  return TRUE;
}

static gboolean
sd_prom_get_expiry (const SdMonitorResult *r, double *value)
{
  *value = (double) r->cert_not_after;
  return r->cert_not_after != 0;
}

char *
sd_monitor_results_to_prometheus (GPtrArray *results)
{
  GString *out = g_string_new (NULL);

  sd_prom_simple (out, results, "smtp_doctor_up",
                  "Whether the SMTP session reached its stage (1) or failed (0).", sd_prom_get_up);
  sd_prom_simple (out, results, "smtp_doctor_state",
                  "The check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.", sd_prom_get_state);
  sd_prom_simple (out, results, "smtp_doctor_duration_seconds",
                  "Time the whole SMTP session took, in seconds.", sd_prom_get_duration);
  sd_prom_simple (out, results, "smtp_doctor_cert_expiry_timestamp_seconds",
                  "When the server certificate expires, in Unix seconds.", sd_prom_get_expiry);

  sd_prom_family (out, "smtp_doctor_stage_seconds",
                  "Time each stage of the SMTP session took, in seconds.");
  for (guint i = 0; i < results->len; i++)
    {
      const SdMonitorResult *r = results->pdata[i];
      for (guint s = SD_STAGE_CONNECT; r->server != NULL && s < SD_N_STAGES; s++)
        if (r->stage_s[s] >= 0)
          sd_prom_sample (out, "smtp_doctor_stage_seconds", r, "stage", sd_stage_to_string (s),
                          r->stage_s[s]);
    }
  sd_prom_family (out, "smtp_doctor_tls_version_info", "The negotiated TLS version, as a label.");
  for (guint i = 0; i < results->len; i++)
    {
      const SdMonitorResult *r = results->pdata[i];
      if (r->server != NULL && r->tls_version != NULL)
        sd_prom_sample (out, "smtp_doctor_tls_version_info", r, "version", r->tls_version, 1);
    }
  return g_string_free (out, FALSE);
}
