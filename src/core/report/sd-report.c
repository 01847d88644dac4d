/* sd-report.c: the report and its text rendering
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-report.h"

static void
sd_recipient_result_free (SdRecipientResult *result)
{
  g_free (result->address);
  g_clear_pointer (&result->reply, sd_reply_free);
  g_free (result);
}

SdReport *
sd_report_new (void)
{
  SdReport *report = g_new0 (SdReport, 1);

  for (guint i = 0; i < SD_N_STAGES; i++)
    report->timings_us[i] = -1;
  report->connect_error = -1;
  report->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_recipient_result_free);
  report->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_event_free);
  report->hints = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_free);
  return report;
}

void
sd_report_free (SdReport *report)
{
  if (report == NULL)
    return;
  g_clear_error (&report->error);
  g_clear_pointer (&report->reply, sd_reply_free);
  g_free (report->host);
  g_free (report->address);
  g_free (report->security);
  g_free (report->banner);
  g_free (report->auth_user);
  g_clear_pointer (&report->caps_before_tls, sd_capabilities_free);
  g_clear_pointer (&report->caps_after_tls, sd_capabilities_free);
  g_clear_pointer (&report->tls, sd_tls_info_free);
  g_free (report->auth_mechanism);
  g_free (report->auth_oauth_status);
  g_free (report->auth_oauth_scope);
  g_free (report->auth_oauth_schemes);
  g_strfreev (report->auth_token_facts);
  g_free (report->auth_fact);
  g_clear_pointer (&report->recipients, g_ptr_array_unref);
  g_clear_pointer (&report->events, g_ptr_array_unref);
  g_clear_pointer (&report->hints, g_ptr_array_unref);
  g_free (report);
}

char *
sd_report_describe_outcome (const SdReport *report)
{
  g_autofree char *stage = NULL;

  if (!report->ok)
    return NULL;
  if (!report->stopped_early)
    return g_strdup (_("The server accepted the message"));
  stage = g_ascii_strup (sd_stage_to_string (report->stopped_after), -1);
  if (report->auth_user != NULL)
    /* Translators: a stage name (AUTH, EHLO, RCPT…), then the user name. */
    return g_strdup_printf (_("Stopped after %s as asked: logged in as %s; no message sent"),
                            stage, report->auth_user);
  /* Translators: a stage name (AUTH, EHLO, RCPT…). */
  return g_strdup_printf (_("Stopped after %s as asked; no message sent"), stage);
}

const SdCapabilities *
sd_report_get_capabilities (const SdReport *report)
{
  return report->caps_after_tls != NULL ? report->caps_after_tls : report->caps_before_tls;
}

char *
sd_event_format_line (const SdEvent *event)
{
  g_autofree char *text = sd_text_escape (event->text);

  return g_strdup_printf ("%9.1f ms %s %s %s",
                          event->t_us / 1000.0,
                          event->encrypted ? "TLS" : "   ",
                          sd_direction_to_arrow (event->direction),
                          text);
}

static void
sd_append_caps (GString              *out,
                const char           *label,
                const SdCapabilities *caps)
{
  g_autofree char *auth = NULL;
  g_autofree char *keywords = NULL;

  if (caps == NULL)
    return;
  auth = sd_capabilities_dup_auth_string (caps);
  g_ptr_array_add (caps->keywords, NULL);
  keywords = g_strjoinv (", ", (char **) caps->keywords->pdata);
  g_ptr_array_remove_index (caps->keywords, caps->keywords->len - 1);
  /* Translators: “Capabilities before TLS: PIPELINING, SIZE 36700160, …”. */
  g_string_append_printf (out, _("%s: %s\n"), label, *keywords ? keywords : _("(none)"));
  /* Translators: %s lists mechanisms such as “LOGIN PLAIN”. */
  g_string_append_printf (out, _("  AUTH mechanisms: %s\n"),
                          *auth ? auth : _("(none offered)"));
}

static void
sd_append_tls (GString         *out,
               const SdTlsInfo *tls)
{
  g_autofree char *verdict = sd_tls_info_describe_verdict (tls);
  /* Translators: TLS version, cipher suite, then the verdict (“verified”, “NOT
   * verified: …”). */
  g_string_append_printf (out, _("TLS: %s, %s; certificate %s\n"),
                          tls->version, tls->cipher, verdict);
  for (guint i = 0; i < tls->chain->len; i++)
    {
      SdCertInfo *cert = tls->chain->pdata[i];
      /* Translators: chain position, subject, issuer, validity start and end (ISO
       * 8601), key type (RSA), key size, fingerprint. Keep the line breaks and the
       * indentation. */
      g_string_append_printf (out, _("  [%u] %s\n      issuer %s\n      valid %s to %s, "
                                     "%s %u bits\n      SHA-256 %s\n"),
                              i, cert->subject, cert->issuer, cert->not_before,
                              cert->not_after, cert->key_type, cert->key_bits,
                              cert->sha256);
    }
}

gboolean
sd_report_stage_pipelined (const SdReport *report,
                           SdStage         stage)
{
  return report->pipelining_used && report->timings_us[stage] >= 0 &&
         (stage == SD_STAGE_MAIL || stage == SD_STAGE_RCPT || stage == SD_STAGE_DATA);
}

gint64
sd_report_get_pipelined_us (const SdReport *report)
{
  gint64 total = -1;

  for (guint i = 0; i < SD_N_STAGES; i++)
    if (sd_report_stage_pipelined (report, i))
      total = MAX (total, 0) + report->timings_us[i];
  return total;
}

char *
sd_report_format_timings (const SdReport *report,
                          const char     *separator)
{
  GString *out = g_string_new (NULL);
  gboolean group_shown = FALSE;

  for (guint i = 0; i < SD_N_STAGES; i++)
    {
      if (report->timings_us[i] < 0 || (group_shown && sd_report_stage_pipelined (report, i)))
        continue;
      if (out->len > 0)
        g_string_append (out, separator);
      if (!sd_report_stage_pipelined (report, i))
        {
          g_string_append_printf (out, "%s %.1f ms", sd_stage_to_string (i),
                                  report->timings_us[i] / 1000.0);
          continue;
        }
      for (guint j = i; j < SD_N_STAGES; j++)
        if (sd_report_stage_pipelined (report, j))
          g_string_append_printf (out, "%s%s", j > i ? "+" : "", sd_stage_to_string (j));
      /* Translators: after “mail+rcpt+data”: one time for commands sent together. */
      g_string_append_printf (out, " %.1f ms %s", sd_report_get_pipelined_us (report) / 1000.0,
                              _("(pipelined)"));
      group_shown = TRUE;
    }
  return g_string_free (out, FALSE);
}

char *
sd_report_to_text (const SdReport *report,
                   GPtrArray      *hints)
{
  GString *out = g_string_new (NULL);

  /* Translators: %s is the version number. */
  g_string_append_printf (out, _("SMTP Doctor %s transcript\n"), PACKAGE_VERSION);
  if (report->address != NULL)
    /* Translators: host name, port, security mode (starttls…), then the address and
     * port it connected to (192.0.2.1:587). */
    g_string_append_printf (out, _("Server: %s port %u (%s), connected to %s\n"),
                            report->host ? report->host : "?", report->port,
                            report->security ? report->security : "?", report->address);
  else
    /* Translators: host name, port, then the security mode (starttls…). */
    g_string_append_printf (out, _("Server: %s port %u (%s)\n"),
                            report->host ? report->host : "?", report->port,
                            report->security ? report->security : "?");
  g_string_append (out, _("Credentials and AUTH payloads are redacted."));
  g_string_append (out, "\n\n");

  for (guint i = 0; i < report->events->len; i++)
    {
      g_autofree char *line = sd_event_format_line (report->events->pdata[i]);
      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }

  g_string_append (out, "\n");
  if (report->ok)
    {
      g_autofree char *outcome = sd_report_describe_outcome (report);
      /* Translators: %s says how the session ended (sd_report_describe_outcome). */
      g_string_append_printf (out, _("Result: OK: %s\n"), outcome);
    }
  else
    {
      g_autofree char *message = sd_text_escape (report->error ? report->error->message : "");
      /* Translators: a stage name (connect, ehlo, data…), then the error. */
      g_string_append_printf (out, _("Result: FAILED at %s: %s\n"),
                              sd_stage_to_string (report->stage), message);
    }

  if (report->tls != NULL)
    sd_append_tls (out, report->tls);
  sd_append_caps (out, _("Capabilities before TLS"), report->caps_before_tls);
  sd_append_caps (out, _("Capabilities after TLS"), report->caps_after_tls);

  if (hints != NULL && hints->len > 0)
    {
      g_autofree char *text = sd_hints_to_text (hints);
      /* The same header `diagnose` stops at, so a pasted export is not diagnosed from
       * its own hints. */
      g_string_append_printf (out, "\n%s\n\n%s\n", sd_hints_text_header (), text);
    }

  /* Translators: followed by “ connect 1.2 ms ehlo 3.4 ms …”. */
  g_string_append (out, _("Timings:"));
  {
    g_autofree char *timings = sd_report_format_timings (report, " ");
    g_string_append_printf (out, " %s\n", timings);
  }
  return g_string_free (out, FALSE);
}
