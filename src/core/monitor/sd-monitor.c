/* sd-monitor.c: a finished session as a monitoring check result
 *
 * Numbers that a monitoring system parses (perfdata, Prometheus samples) are written
 * with g_ascii_formatd: the CLI runs under the user's locale, and a decimal comma would
 * break every engine. Words for people (the summary) are translated; the status words
 * and the labels are not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-monitor.h"
#include "sd-session.h"

/* Lines of the failing stage shown in the long output. */
#define SD_MONITOR_TAIL_LINES 6

static const char *const state_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

const char *
sd_monitor_state_to_string (SdMonitorState state)
{
  return state <= SD_MONITOR_UNKNOWN ? state_names[state] : "UNKNOWN";
}

SdMonitorState
sd_monitor_state_worst (SdMonitorState a,
                        SdMonitorState b)
{
  /* The guidelines' order of severity is not the numeric one: CRITICAL outranks UNKNOWN. */
  static const int rank[] = { 0, 1, 3, 2 };

  return rank[a] >= rank[b] ? a : b;
}

int
sd_monitor_parse_tls_version (const char *text)
{
  const char *p = text;

  if (p == NULL)
    return -1;
  if (g_ascii_strncasecmp (p, "TLS", 3) == 0)
    {
      p += 3;
      if (*p == 'v' || *p == 'V')
        p++;
    }
  if (p[0] == '1' && p[1] == '.' && p[2] >= '0' && p[2] <= '3' && p[3] == '\0')
    return 10 + (p[2] - '0');
  return -1;
}

void
sd_monitor_thresholds_init (SdMonitorThresholds *t)
{
  memset (t, 0, sizeof *t);
  t->cert_warning_days = -1;
  t->cert_critical_days = -1;
}

void
sd_monitor_thresholds_clear (SdMonitorThresholds *t)
{
  g_clear_pointer (&t->expect_tls_version, g_free);
  g_clear_pointer (&t->expect_auth, g_free);
}

void
sd_monitor_result_free (SdMonitorResult *r)
{
  if (r == NULL)
    return;
  g_free (r->summary);
  g_free (r->perfdata);
  g_free (r->long_output);
  g_free (r->profile);
  g_free (r->server);
  g_free (r->security);
  g_free (r->tls_version);
  g_free (r);
}

static SdMonitorResult *
sd_monitor_result_alloc (const char *profile)
{
  SdMonitorResult *r = g_new0 (SdMonitorResult, 1);

  r->profile = g_strdup (profile);
  for (guint i = 0; i < SD_N_STAGES; i++)
    r->stage_s[i] = -1;
  return r;
}

SdMonitorResult *
sd_monitor_result_new_state (SdMonitorState  state,
                             const char     *summary,
                             const char     *profile)
{
  SdMonitorResult *r = sd_monitor_result_alloc (profile);

  r->state = state;
  r->summary = g_strdup (summary);
  r->perfdata = g_strdup ("");
  return r;
}

/* A number for machines: "0.012345", never "0,012345". */
static char *
sd_num (double value,
        const char *format)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, format, value));
}

/* A threshold as given, in plain decimals ("0.5", "2", never "1e-06": perfdata has no
 * exponents). */
static char *
sd_threshold (double value)
{
  char *text = sd_num (value, "%.6f");
  char *end = text + strlen (text) - 1;

  while (*end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
  return text;
}

/* Plugin output must not hold "|" outside the perfdata separator, nor line ends in the
 * status line, where Nagios also turns ";" into ":" (it separates its log fields):
 * server text ends up in both. */
static void
sd_monitor_sanitize (char     *text,
                     gboolean  one_line)
{
  for (char *p = text; p != NULL && *p; p++)
    if (*p == '|')
      *p = '/';
    else if (one_line && *p == ';')
      *p = ',';
    else if (one_line && (*p == '\n' || *p == '\r'))
      *p = ' ';
}

static void
sd_monitor_raise (SdMonitorResult *r,
                  GPtrArray       *problems,
                  SdMonitorState   state,
                  char            *problem)
{
  r->state = sd_monitor_state_worst (r->state, state);
  g_ptr_array_add (problems, problem);
}

static gint64
sd_monitor_leaf_not_after (const SdReport *report)
{
  const SdCertInfo *leaf;
  g_autoptr(GDateTime) dt = NULL;

  if (report->tls == NULL || report->tls->chain == NULL || report->tls->chain->len == 0)
    return 0;
  leaf = report->tls->chain->pdata[0];
  dt = leaf->not_after ? g_date_time_new_from_iso8601 (leaf->not_after, NULL) : NULL;
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static void
sd_monitor_collect_facts (SdMonitorResult *r,
                          const SdReport  *report,
                          gint64           now)
{
  r->server = g_strdup_printf ("%s:%u", report->host ? report->host : "", report->port);
  r->security = g_strdup (report->security ? report->security : "");
  r->up = report->ok;
  for (guint i = 0; i < SD_N_STAGES; i++)
    if (report->timings_us[i] >= 0)
      {
        r->stage_s[i] = report->timings_us[i] / 1e6;
        r->total_s += r->stage_s[i];
      }
  if (report->tls != NULL)
    r->tls_version = g_strdup (report->tls->version);
  r->cert_not_after = sd_monitor_leaf_not_after (report);
  if (r->cert_not_after != 0)
    {
      gint64 left = r->cert_not_after - now;
      /* Whole days left, rounded down, also below zero (expired 1.5 days ago: -2). */
      r->cert_days = (int) (left >= 0 ? left / 86400 : -((-left + 86399) / 86400));
    }
}

static void
sd_monitor_check_time (SdMonitorResult           *r,
                       const SdMonitorThresholds *t,
                       GPtrArray                 *problems)
{
  g_autofree char *total = sd_num (r->total_s, "%.3f");

  if (t->critical_s > 0 && r->total_s > t->critical_s)
    {
      g_autofree char *limit = sd_threshold (t->critical_s);
      /* Translators: two times in seconds, e.g. “total 2.345 s over the critical
       * threshold of 2 s”. */
      sd_monitor_raise (r, problems, SD_MONITOR_CRITICAL,
                        g_strdup_printf (_("total %s s over the critical threshold of %s s"),
                                         total, limit));
    }
  else if (t->warning_s > 0 && r->total_s > t->warning_s)
    {
      g_autofree char *limit = sd_threshold (t->warning_s);
      /* Translators: two times in seconds. */
      sd_monitor_raise (r, problems, SD_MONITOR_WARNING,
                        g_strdup_printf (_("total %s s over the warning threshold of %s s"),
                                         total, limit));
    }
}

static void
sd_monitor_check_cert (SdMonitorResult           *r,
                       const SdMonitorThresholds *t,
                       GPtrArray                 *problems)
{
  SdMonitorState state = SD_MONITOR_OK;
  int limit = -1;

  if (t->cert_critical_days < 0 && t->cert_warning_days < 0)
    return;
  if (r->cert_not_after == 0)
    {
      if (r->up)
        /* Translators: --cert-warning/--cert-critical were given, but the session had no
         * TLS (security none, or STARTTLS not offered in starttls-optional). */
        sd_monitor_raise (r, problems, SD_MONITOR_CRITICAL,
                          g_strdup (_("no certificate to check (no TLS)")));
      return;
    }
  if (t->cert_critical_days >= 0 && r->cert_days < t->cert_critical_days)
    state = SD_MONITOR_CRITICAL, limit = t->cert_critical_days;
  else if (t->cert_warning_days >= 0 && r->cert_days < t->cert_warning_days)
    state = SD_MONITOR_WARNING, limit = t->cert_warning_days;
  if (state != SD_MONITOR_OK)
    /* Translators: days left until the certificate expires, then the threshold. */
    sd_monitor_raise (r, problems, state,
                      g_strdup_printf (_("certificate expires in %d days (threshold %d)"),
                                       r->cert_days, limit));
}

static void
sd_monitor_check_expectations (SdMonitorResult           *r,
                               const SdReport            *report,
                               const SdMonitorThresholds *t,
                               GPtrArray                 *problems)
{
  if (t->expect_tls_version != NULL)
    {
      int want = sd_monitor_parse_tls_version (t->expect_tls_version);
      int got = sd_monitor_parse_tls_version (r->tls_version);

      if (got < 0)
        /* Translators: %s is a TLS version such as “TLS1.2”. */
        sd_monitor_raise (r, problems, SD_MONITOR_CRITICAL,
                          g_strdup_printf (_("no TLS (expected %s or newer)"),
                                           t->expect_tls_version));
      else if (got < want)
        /* Translators: two TLS versions: what was negotiated, what was expected. */
        sd_monitor_raise (r, problems, SD_MONITOR_CRITICAL,
                          g_strdup_printf (_("%s is older than the expected %s"),
                                           r->tls_version, t->expect_tls_version));
    }
  if (t->expect_auth != NULL)
    {
      const SdCapabilities *caps = sd_report_get_capabilities (report);

      if (caps == NULL || !sd_capabilities_has_auth (caps, t->expect_auth))
        /* Translators: %s is a SASL mechanism such as “PLAIN”. */
        sd_monitor_raise (r, problems, SD_MONITOR_CRITICAL,
                          g_strdup_printf (_("the server does not offer AUTH %s"),
                                           t->expect_auth));
    }
}

/* How the session itself ended: a refused connection, TLS or AUTH is CRITICAL; wrong
 * input or our own cancellation says nothing about the server: UNKNOWN. */
static SdMonitorState
sd_monitor_state_for_error (const GError *error)
{
  if (error == NULL)
    return SD_MONITOR_OK;
  if (error->domain != SD_SESSION_ERROR)
    return SD_MONITOR_CRITICAL;
  switch (error->code)
    {
    case SD_SESSION_ERROR_INVALID_INPUT:
    case SD_SESSION_ERROR_CANCELLED:
    case SD_SESSION_ERROR_INTERNAL:
      return SD_MONITOR_UNKNOWN;
    default:
      return SD_MONITOR_CRITICAL;
    }
}

static char *
sd_monitor_base_summary (const SdMonitorResult *r,
                         const SdReport        *report)
{
  GString *s = g_string_new (NULL);
  g_autofree char *total = sd_num (r->total_s, "%.3f");

  if (report->ok)
    /* Translators: a server (“mail.example.com:587”), then seconds (“0.045”). */
    g_string_append_printf (s, _("%s answered in %s s"), r->server, total);
  else
    /* Translators: a server (“mail.example.com:587”), then seconds (“0.045”). */
    g_string_append_printf (s, _("%s, gave up after %s s"), r->server, total);
  if (r->tls_version != NULL)
    g_string_append_printf (s, ", %s", r->tls_version);
  if (r->cert_not_after != 0)
    /* Translators: followed by a number of days. */
    g_string_append_printf (s, ", %s %d", _("certificate days left:"), r->cert_days);
  if (report->ok && report->auth_mechanism != NULL)
    {
      g_string_append (s, ", ");
      /* Translators: %s is a SASL mechanism such as “PLAIN”. */
      g_string_append_printf (s, _("AUTH %s accepted"), report->auth_mechanism);
    }
  return g_string_free (s, FALSE);
}

static char *
sd_monitor_perfdata (const SdMonitorResult     *r,
                     const SdMonitorThresholds *t)
{
  GString *p = g_string_new (NULL);
  g_autofree char *total = sd_num (r->total_s, "%.6f");
  g_autofree char *warn = t->warning_s > 0 ? sd_threshold (t->warning_s) : g_strdup ("");
  g_autofree char *crit = t->critical_s > 0 ? sd_threshold (t->critical_s) : g_strdup ("");

  for (guint i = SD_STAGE_CONNECT; i < SD_N_STAGES; i++)
    if (r->stage_s[i] >= 0)
      {
        g_autofree char *value = sd_num (r->stage_s[i], "%.6f");
        g_string_append_printf (p, "'%s'=%ss;;;0 ", sd_stage_to_string (i), value);
      }
  g_string_append_printf (p, "'total'=%ss;%s;%s;0", total, warn, crit);
  if (r->cert_not_after != 0)
    {
      /* Days have no unit in the guidelines (s, %, B, c only); alerting below a number
       * of days is the range "N:" (outside N..infinity). */
      g_autofree char *cw = t->cert_warning_days >= 0 ? g_strdup_printf ("%d:", t->cert_warning_days)
                                                      : g_strdup ("");
      g_autofree char *cc = t->cert_critical_days >= 0 ? g_strdup_printf ("%d:", t->cert_critical_days)
                                                       : g_strdup ("");
      g_string_append_printf (p, " 'cert_days'=%d;%s;%s;0", r->cert_days, cw, cc);
    }
  return g_string_free (p, FALSE);
}

/* The last lines of the stage that failed, and the first hint's title. */
static char *
sd_monitor_long_output (const SdReport *report,
                        GPtrArray      *hints)
{
  GString *out = g_string_new (NULL);
  guint first = report->events->len;
  guint n = 0;

  while (first > 0 && n < SD_MONITOR_TAIL_LINES &&
         ((SdEvent *) report->events->pdata[first - 1])->stage >= report->stage)
    first--, n++;
  for (guint i = first; i < report->events->len; i++)
    {
      g_autofree char *line = sd_event_format_line (report->events->pdata[i]);
      g_string_append_printf (out, "%s\n", g_strstrip (line));
    }
  if (hints != NULL && hints->len > 0)
    {
      const SdHint *hint = hints->pdata[0];
      /* Translators: followed by the most likely cause's title. */
      g_string_append_printf (out, "%s %s\n", _("Hint:"), hint->title);
    }
  if (out->len == 0)
    return g_string_free (out, TRUE);
  g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

SdMonitorResult *
sd_monitor_evaluate (const SdReport            *report,
                     GPtrArray                 *hints,
                     const SdMonitorThresholds *t,
                     const char                *profile,
                     gint64                     now)
{
  SdMonitorResult *r = sd_monitor_result_alloc (profile);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = NULL;

  sd_monitor_collect_facts (r, report, now);
  if (!report->ok)
    {
      g_autofree char *message = sd_text_escape (report->error->message);
      r->state = sd_monitor_state_for_error (report->error);
      /* Translators: a stage name (connect, tls, auth…), then the error. */
      g_ptr_array_add (problems, g_strdup_printf (_("failed at %s: %s"),
                                                  sd_stage_to_string (report->stage),
                                                  message));
      r->long_output = sd_monitor_long_output (report, hints);
    }
  else
    sd_monitor_check_expectations (r, report, t, problems);
  sd_monitor_check_cert (r, t, problems);
  sd_monitor_check_time (r, t, problems);

  base = sd_monitor_base_summary (r, report);
  g_ptr_array_add (problems, g_steal_pointer (&base));
  g_ptr_array_add (problems, NULL);
  r->summary = g_strjoinv (", ", (char **) problems->pdata);
  sd_monitor_sanitize (r->summary, TRUE);
  sd_monitor_sanitize (r->long_output, FALSE);
  r->perfdata = sd_monitor_perfdata (r, t);
  return r;
}

char *
sd_monitor_result_to_plugin_output (const SdMonitorResult *r)
{
  GString *out = g_string_new ("SMTP ");

  g_string_append_printf (out, "%s - %s", sd_monitor_state_to_string (r->state), r->summary);
  if (r->perfdata != NULL && *r->perfdata)
    g_string_append_printf (out, "|%s", r->perfdata);
  g_string_append_c (out, '\n');
  if (r->long_output != NULL)
    g_string_append_printf (out, "%s\n", r->long_output);
  return g_string_free (out, FALSE);
}
