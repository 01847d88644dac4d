/* sd-check-text.c: the check for a terminal or a ticket: matrix, DNS, lists, findings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-check-private.h"

#define SD_COLUMN_WIDTH 18

/* "OK STARTTLS", "OK TLS", "OK plain", or the outcome's word. */
static char *
sd_cell (const SdCheckProbe *probe)
{
  const SdReport *r = probe->report;

  if (probe->outcome == SD_CHECK_OUTCOME_OK && r != NULL)
    {
      if (r->tls != NULL)
        /* Translators: a matrix cell: “OK”, then STARTTLS or TLS, then e.g. TLS1.3. */
        return g_strdup_printf ("%s %s", sd_check_outcome_to_label (probe->outcome),
                                probe->security == SD_SECURITY_TLS ? "TLS" : "STARTTLS");
      return g_strdup_printf ("%s %s", sd_check_outcome_to_label (probe->outcome),
                              /* Translators: a matrix cell: OK without encryption. */
                              _("plain"));
    }
  return g_strdup (sd_check_outcome_to_label (probe->outcome));
}

static void
sd_text_matrix (GString             *out,
                const SdCheckReport *report)
{
  guint n_ports = 0;
  guint first_width = 24;

  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      g_autofree char *row = g_strdup_printf ("%s %s", probe->host, probe->address);
      first_width = MAX (first_width, g_utf8_strlen (row, -1) + 2);
    }
  /* Probes come address by address, each with every port. */
  while (n_ports < report->probes->len &&
         g_str_equal (((SdCheckProbe *) report->probes->pdata[n_ports])->address,
                      ((SdCheckProbe *) report->probes->pdata[0])->address) &&
         g_str_equal (((SdCheckProbe *) report->probes->pdata[n_ports])->host,
                      ((SdCheckProbe *) report->probes->pdata[0])->host))
    n_ports++;

  g_string_append_printf (out, "%-*s", first_width, "");
  for (guint p = 0; p < n_ports; p++)
    g_string_append_printf (out, "%-*u", SD_COLUMN_WIDTH,
                            ((SdCheckProbe *) report->probes->pdata[p])->port);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      g_autofree char *cell = sd_cell (probe);
      if (i % n_ports == 0)
        {
          g_autofree char *row = g_strdup_printf ("%s %s", probe->host, probe->address);
          g_string_append_printf (out, "%s%*s", row, (int) (first_width - g_utf8_strlen (row, -1)), "");
        }
      g_string_append (out, cell);
      g_string_append_printf (out, "%*s", (int) MAX (1, SD_COLUMN_WIDTH - (int) g_utf8_strlen (cell, -1)), "");
      if (i % n_ports == n_ports - 1)
        g_string_append_c (out, '\n');
    }
}

static void
sd_text_probes (GString             *out,
                const SdCheckReport *report)
{
  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      const SdReport *r = probe->report;
      g_autofree char *banner = r && r->banner ? sd_text_escape (r->banner) : NULL;

      g_string_append_printf (out, "  %s %s:%u (%s): %s", probe->host, probe->address,
                              probe->port, sd_security_to_string (probe->security),
                              sd_check_outcome_to_string (probe->outcome));
      if (banner != NULL)
        g_string_append_printf (out, " — 220 %s", banner);
      if (probe->greeting_us >= 0)
        /* Translators: the time until the greeting, in milliseconds. */
        g_string_append_printf (out, _(" (greeting after %.0f ms)"), probe->greeting_us / 1000.0);
      g_string_append_c (out, '\n');
      if (r != NULL && r->tls != NULL)
        {
          g_autofree char *verdict = sd_tls_info_describe_verdict (r->tls);
          g_string_append_printf (out, "      %s %s, %s\n", r->tls->version, r->tls->cipher,
                                  verdict);
        }
      if (_sd_check_probe_has_tls (probe))
        {
          static const char *const marks[] = { "?", "yes", "no", "n/a" };
          g_string_append (out, "      ");
          for (guint v = 0; v < SD_CHECK_N_TLS_VERSIONS; v++)
            g_string_append_printf (out, "%s %s  ", sd_check_tls_version_name (v),
                                    marks[probe->tls_versions[v]]);
          g_string_append_c (out, '\n');
        }
      if (probe->detail != NULL && probe->outcome != SD_CHECK_OUTCOME_OK)
        g_string_append_printf (out, "      %s\n", probe->detail);
    }
}

static void
sd_text_dns (GString             *out,
             const SdCheckReport *report)
{
  if (report->null_mx)
    g_string_append_printf (out, "%s\n", _("MX: null MX (the domain accepts no mail)"));
  for (guint i = 0; i < report->hosts->len; i++)
    {
      const SdCheckHost *host = report->hosts->pdata[i];
      g_autofree char *addresses = NULL;
      g_ptr_array_add (host->addresses, NULL);
      addresses = g_strjoinv (", ", (char **) host->addresses->pdata);
      g_ptr_array_set_size (host->addresses, host->addresses->len - 1);
      g_string_append_printf (out, "MX %u %s: %s\n", host->preference, host->name,
                              *addresses ? addresses : (host->error ? host->error : "-"));
    }
  for (guint i = 0; i < report->ptrs->len; i++)
    {
      const SdCheckPtr *ptr = report->ptrs->pdata[i];
      g_string_append_printf (out, "PTR %s: %s%s\n", ptr->address, ptr->name ? ptr->name : "-",
                              ptr->name && !ptr->forward_match ? _(" (does not resolve back)") : "");
    }
  if (report->from_domain != NULL)
    {
      g_string_append_printf (out, "SPF %s: %s", report->from_domain,
                              report->spf_record ? report->spf_record : "-");
      if (report->spf != NULL)
        /* Translators: a number of DNS lookups of an SPF record (the limit is 10). */
        g_string_append_printf (out, _(" (%u lookups)"), sd_spf_count_lookups (report->spf));
      g_string_append_c (out, '\n');
      g_string_append_printf (out, "DMARC: %s\nMTA-STS: %s\nTLS-RPT: %s\n",
                              report->dmarc_record ? report->dmarc_record : "-",
                              report->mta_sts ? report->mta_sts : "-",
                              report->tls_rpt ? report->tls_rpt : "-");
    }
  if (report->public_address != NULL)
    {
      /* Translators: this machine's address as a mail server saw it. */
      g_string_append_printf (out, _("This machine's public address: %s"), report->public_address);
      if (report->spf_verdict != NULL)
        g_string_append_printf (out, " (SPF %s)", report->spf_verdict);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < report->blocklists->len; i++)
    {
      const SdCheckBlocklist *entry = report->blocklists->pdata[i];
      g_string_append_printf (out, "DNSBL %s %s: %s\n", entry->zone, entry->address,
                              sd_check_listing_to_string (entry->listing));
    }
}

char *
sd_check_report_to_text (const SdCheckReport *report)
{
  GString *out = g_string_new (NULL);

  /* Translators: a domain or host, then a duration in seconds. */
  g_string_append_printf (out, _("Check of %s (%.1f s)\n\n"), report->target,
                          report->elapsed_us / (double) G_USEC_PER_SEC);
  if (report->probes->len > 0)
    {
      sd_text_matrix (out, report);
      g_string_append_c (out, '\n');
      sd_text_probes (out, report);
      g_string_append_c (out, '\n');
    }
  sd_text_dns (out, report);
  if (report->findings->len > 0)
    {
      g_autofree char *findings = sd_hints_to_text (report->findings);
      g_string_append_printf (out, "\n%s\n%s", _("Findings:"), findings);
    }
  return g_string_free (out, FALSE);
}
