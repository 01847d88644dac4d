/* sd-report-html.c: the report as a ticket attachment (text, self-contained HTML, JSON)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "sd-report-html.h"

typedef struct {
  const char *version;
  char       *os;
  char       *date;
} SdExportFacts;

static void
sd_export_facts_init (SdExportFacts      *facts,
                      const SdExportInfo *info)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDateTime *date = info && info->date ? info->date : now;
  g_autofree char *os = info && info->os ? g_strdup (info->os)
                                         : g_get_os_info (G_OS_INFO_KEY_PRETTY_NAME);

  facts->version = info && info->app_version ? info->app_version : PACKAGE_VERSION;
  facts->os = g_steal_pointer (&os);
  if (facts->os == NULL)
    facts->os = g_strdup (_("unknown OS"));
  facts->date = g_date_time_format (date, "%Y-%m-%d %H:%M:%S %z");
}

static void
sd_export_facts_clear (SdExportFacts *facts)
{
  g_free (facts->os);
  g_free (facts->date);
}

char *
sd_hint_to_text (const SdHint *hint)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "[%s] %s\n", sd_hint_severity_to_string (hint->severity),
                          hint->title ? hint->title : "");
  if (hint->detail != NULL)
    g_string_append_printf (out, "%s\n", hint->detail);
  for (guint i = 0; hint->evidence && i < hint->evidence->len; i++)
    {
      g_autofree char *line = sd_text_escape (hint->evidence->pdata[i]);
      g_string_append_printf (out, "  > %s\n", line);
    }
  for (guint i = 0; hint->fixes && i < hint->fixes->len; i++)
    {
      const SdHintFix *fix = hint->fixes->pdata[i];
      /* Translators: %s is a product, e.g. “Exchange Online” or “Any server”. */
      g_string_append_printf (out, _("Fix (%s):\n"), fix->label ? fix->label : fix->product);
      for (guint j = 0; fix->steps && j < fix->steps->len; j++)
        g_string_append_printf (out, "  %u. %s\n", j + 1, (const char *) fix->steps->pdata[j]);
    }
  return g_string_free (out, FALSE);
}

char *
sd_report_export_text (const SdReport     *report,
                       const SdExportInfo *info)
{
  SdExportFacts facts;
  g_autofree char *body = sd_report_to_text (report, report->hints);
  GString *out = g_string_new (NULL);

  sd_export_facts_init (&facts, info);
  /* Translators: the version, the operating system, then the date and time. */
  g_string_append_printf (out, _("SMTP Doctor %s on %s, %s\n"), facts.version, facts.os,
                          facts.date);
  /* sd_report_to_text() ends with the hints. */
  g_string_append (out, body);
  sd_export_facts_clear (&facts);
  return g_string_free (out, FALSE);
}

/* Server text may carry controls and bidi overrides: escape those first, then markup. */
static void
sd_html_text (GString    *out,
              const char *text)
{
  g_autofree char *safe = sd_text_escape (text ? text : "");
  g_autofree char *markup = g_markup_escape_text (safe, -1);

  g_string_append (out, markup);
}

/* A fact the session never learned (no banner after a failed connect) has no row. */
static void
sd_html_row (GString    *out,
             const char *key,
             const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append (out, "<tr><th>");
  sd_html_text (out, key);
  g_string_append (out, "</th><td>");
  sd_html_text (out, value);
  g_string_append (out, "</td></tr>\n");
}

static const char sd_html_css[] =
  "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}"
  "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}"
  "table.facts th{text-align:left;padding-right:1em;vertical-align:top;color:#555}"
  "pre.transcript{font-family:monospace;background:#fafafa;border:1px solid #ddd;"
  "padding:.5em;white-space:pre-wrap;word-break:break-all}"
  ".t{color:#888}.sent{color:#1c58a8}.received{color:#1d6b2c}.info{color:#666}"
  ".warning{color:#9a6700}.error{color:#b3261e;font-weight:bold}.tls{color:#7b3fa0}"
  ".ok{color:#1d6b2c;font-weight:bold}.failed{color:#b3261e;font-weight:bold}"
  ".hint{border:1px solid #ddd;border-left:4px solid #888;padding:.5em 1em;margin:.5em 0}"
  ".hint.error{border-left-color:#b3261e;font-weight:normal;color:#222}"
  ".hint.warning{border-left-color:#9a6700;color:#222}.hint.info{border-left-color:#1c58a8;color:#222}"
  ".severity{color:#555;font-weight:normal}ul.evidence code{white-space:pre-wrap;word-break:break-all}";

static void
sd_html_caps (GString              *out,
              const char           *label,
              const SdCapabilities *caps)
{
  g_autofree char *auth = NULL;
  GString *keywords;

  if (caps == NULL)
    return;
  auth = sd_capabilities_dup_auth_string (caps);
  keywords = g_string_new (NULL);
  for (guint i = 0; i < caps->keywords->len; i++)
    g_string_append_printf (keywords, "%s%s", i ? ", " : "", (char *) caps->keywords->pdata[i]);
  sd_html_row (out, label, keywords->str);
  g_string_free (keywords, TRUE);
}

static void
sd_html_hints (GString   *out,
               GPtrArray *hints)
{
  if (hints == NULL || hints->len == 0)
    return;
  g_string_append_printf (out, "<h2>%s</h2>\n", _("Hints"));
  for (guint i = 0; i < hints->len; i++)
    {
      const SdHint *hint = hints->pdata[i];

      const char *severity = sd_hint_severity_to_string (hint->severity);

      /* The severity in words as well as in color, as the text export has it. */
      g_string_append_printf (out, "<div class=\"hint %s\"><h3><span class=\"severity\">[%s]</span> ",
                              severity, severity);
      sd_html_text (out, hint->title);
      g_string_append (out, "</h3><p>");
      sd_html_text (out, hint->detail);
      g_string_append (out, "</p>\n");
      if (hint->evidence != NULL && hint->evidence->len > 0)
        {
          g_string_append (out, "<ul class=\"evidence\">");
          for (guint j = 0; j < hint->evidence->len; j++)
            {
              g_string_append (out, "<li><code>");
              sd_html_text (out, hint->evidence->pdata[j]);
              g_string_append (out, "</code></li>");
            }
          g_string_append (out, "</ul>\n");
        }
      for (guint j = 0; hint->fixes && j < hint->fixes->len; j++)
        {
          const SdHintFix *fix = hint->fixes->pdata[j];
          g_string_append (out, "<p><b>");
          sd_html_text (out, fix->label ? fix->label : fix->product);
          g_string_append (out, "</b></p><ol>");
          for (guint k = 0; fix->steps && k < fix->steps->len; k++)
            {
              g_string_append (out, "<li>");
              sd_html_text (out, fix->steps->pdata[k]);
              g_string_append (out, "</li>");
            }
          g_string_append (out, "</ol>\n");
        }
      g_string_append (out, "</div>\n");
    }
}

static void
sd_html_transcript (GString        *out,
                    const SdReport *report)
{
  g_string_append_printf (out, "<h2>%s</h2>\n<pre class=\"transcript\">", _("Transcript"));
  for (guint i = 0; i < report->events->len; i++)
    {
      const SdEvent *event = report->events->pdata[i];

      g_string_append_printf (out, "<span class=\"t\">%9.1f ms</span> %s<span class=\"%s\">%s ",
                              event->t_us / 1000.0,
                              event->encrypted ? "<span class=\"tls\">TLS</span> " : "    ",
                              sd_direction_to_string (event->direction),
                              event->direction == SD_DIRECTION_SENT ? "-&gt;"
                              : event->direction == SD_DIRECTION_RECEIVED ? "&lt;-"
                              : sd_direction_to_arrow (event->direction));
      sd_html_text (out, event->text);
      g_string_append (out, "</span>\n");
    }
  g_string_append (out, "</pre>\n");
}

char *
sd_report_export_html (const SdReport     *report,
                       const SdExportInfo *info)
{
  SdExportFacts facts;
  GString *out = g_string_new (NULL);
  g_autofree char *port = g_strdup_printf ("%u", report->port);
  g_autofree char *result = NULL;
  g_autofree char *timings = sd_report_format_timings (report, ", ");

  sd_export_facts_init (&facts, info);
  if (report->ok)
    {
      g_autofree char *outcome = sd_report_describe_outcome (report);
      /* Translators: %s says how the session ended (sd_report_describe_outcome). */
      result = g_strdup_printf (_("OK: %s"), outcome);
    }
  else
    /* Translators: a stage name (connect, ehlo, data…), then the error. */
    result = g_strdup_printf (_("FAILED at %s: %s"), sd_stage_to_string (report->stage),
                              report->error ? report->error->message : "");

  g_string_append (out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                        "<title>");
  sd_html_text (out, _("SMTP Doctor report"));
  g_string_append (out, "</title>\n<style>");
  g_string_append (out, sd_html_css);
  g_string_append (out, "</style></head><body>\n<h1>");
  sd_html_text (out, _("SMTP Doctor report"));
  g_string_append (out, "</h1>\n<table class=\"facts\">\n");
  sd_html_row (out, _("App version"), facts.version);
  sd_html_row (out, _("Operating system"), facts.os);
  sd_html_row (out, _("Date"), facts.date);
  sd_html_row (out, _("Server"), report->host);
  sd_html_row (out, _("Port"), port);
  sd_html_row (out, _("Security"), report->security);
  sd_html_row (out, _("Connected to"), report->address);
  /* Translators: the server's greeting line. */
  sd_html_row (out, _("Banner"), report->banner);
  g_string_append (out, "<tr><th>");
  sd_html_text (out, _("Result"));
  g_string_append_printf (out, "</th><td class=\"%s\">", report->ok ? "ok" : "failed");
  sd_html_text (out, result);
  g_string_append (out, "</td></tr>\n");
  if (report->tls != NULL)
    {
      g_autofree char *tls = g_strdup_printf ("%s, %s", report->tls->version, report->tls->cipher);
      g_autofree char *verdict = sd_tls_info_describe_verdict (report->tls);
      sd_html_row (out, "TLS", tls);
      sd_html_row (out, _("Certificate"), verdict);
      if (report->tls->chain->len > 0)
        {
          const SdCertInfo *leaf = report->tls->chain->pdata[0];
          /* Translators: two dates (ISO 8601): the certificate's validity. */
          g_autofree char *validity = g_strdup_printf (_("%s to %s"), leaf->not_before,
                                                       leaf->not_after);
          /* Translators: a certificate's subject (not a mail's). */
          sd_html_row (out, C_("certificate", "Subject"), leaf->subject);
          sd_html_row (out, _("Issuer"), leaf->issuer);
          /* Translators: a certificate's validity period. */
          sd_html_row (out, _("Valid"), validity);
          sd_html_row (out, "SHA-256", leaf->sha256);
        }
    }
  sd_html_caps (out, _("EHLO before TLS"), report->caps_before_tls);
  sd_html_caps (out, _("EHLO after TLS"), report->caps_after_tls);
  sd_html_row (out, _("Timings"), timings);
  /* Translators: the value of the row “Credentials”. */
  sd_html_row (out, _("Credentials"), _("redacted"));
  g_string_append (out, "</table>\n");
  sd_html_hints (out, report->hints);
  sd_html_transcript (out, report);
  g_string_append (out, "</body></html>\n");

  sd_export_facts_clear (&facts);
  return g_string_free (out, FALSE);
}

char *
sd_report_export_json (const SdReport     *report,
                       const SdExportInfo *info)
{
  SdExportFacts facts;
  g_autofree char *json = sd_report_to_json (report, report->hints);
  json_t *root = json_loads (json, 0, NULL);
  char *dump, *copy;

  if (root == NULL || !json_is_object (root))
    {
      json_decref (root);
      return g_steal_pointer (&json);
    }
  sd_export_facts_init (&facts, info);
  json_object_set_new (root, "export", json_pack ("{s:s, s:s, s:s}",
                                                  "app_version", facts.version,
                                                  "os", facts.os,
                                                  "date", facts.date));
  dump = json_dumps (root, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  json_decref (root);
  sd_export_facts_clear (&facts);
  if (dump == NULL)
    return g_steal_pointer (&json);
  copy = g_strdup (dump);   /* so callers can g_free() it */
  free (dump);
  return copy;
}
