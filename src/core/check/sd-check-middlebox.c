/* sd-check-middlebox.c: what sits between this machine and the server, by product
 *
 * Cisco PIX/ASA SMTP inspection ("fixup smtp", "inspect esmtp") masks the banner with
 * asterisks, answers EHLO 500 or hides keywords as "XXXXXXXA" (STARTTLS, so TLS never
 * starts). An antivirus or proxy that intercepts SMTP offers STARTTLS and refuses it,
 * or presents a certificate of its own CA.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-check-private.h"

/* "220 ****************2**0*0***" (the ASA keeps some digits): mostly asterisks. */
static gboolean
sd_banner_is_masked (const char *banner)
{
  guint stars = 0, other = 0;

  if (banner == NULL)
    return FALSE;
  for (const char *p = banner; *p != '\0'; p++)
    {
      if (*p == '*')
        stars++;
      else if (!g_ascii_isspace (*p) && !g_ascii_isdigit (*p))
        other++;
    }
  return stars >= 8 && other <= stars / 8;
}

static gboolean
sd_caps_masked (const SdCapabilities *caps)
{
  if (caps == NULL)
    return FALSE;
  for (guint i = 0; i < caps->keywords->len; i++)
    {
      const char *word = caps->keywords->pdata[i];
      /* The ASA overwrites a keyword with X's, keeping its length and last letter. */
      if (strlen (word) >= 4 && strspn (word, "X") >= strlen (word) - 1)
        return TRUE;
    }
  return FALSE;
}

static void
sd_find_asa (const SdCheckReport *report,
             GPtrArray           *findings)
{
  g_autoptr(SdHint) hint = NULL;

  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      const SdReport *r = probe->report;
      gboolean masked_banner, masked_caps, ehlo_500;

      if (r == NULL)
        continue;
      masked_banner = sd_banner_is_masked (r->banner);
      masked_caps = sd_caps_masked (r->caps_before_tls);
      ehlo_500 = probe->outcome == SD_CHECK_OUTCOME_EHLO_REFUSED && r->reply != NULL &&
                 r->reply->code == 500;
      if (!masked_banner && !masked_caps)
        continue;
      if (hint == NULL)
        hint = sd_hint_new ("cisco-asa-smtp-inspection", SD_HINT_WARNING, 80,
          _("A Cisco ASA/PIX firewall inspects SMTP on the way (banner masked with asterisks)"),
          _("Something between this machine and the server rewrites the SMTP conversation "
            "the way Cisco's SMTP inspection (“inspect esmtp”, formerly “fixup smtp”) does: it "
            "masks the greeting with asterisks and hides EHLO keywords it does not allow as "
            "“XXXXXXXA”, so STARTTLS never starts and clients fall back to plain text or "
            "fail."));
      /* Translators: a host, an address and a port. */
      _sd_check_finding_add_evidence (hint, _("%s (%s) port %u:"), probe->host, probe->address,
                                      probe->port);
      if (masked_banner)
        _sd_check_finding_add_evidence (hint, "220 %s", r->banner);
      if (masked_caps)
        _sd_check_finding_add_evidence (hint, "%s", _("EHLO keyword masked: XXXXXXXA"));
      if (ehlo_500)
        _sd_check_finding_add_evidence (hint, "%s", _("EHLO answered 500"));
    }
  if (hint == NULL)
    return;
  sd_hint_add_fix (hint, "network", _("Network / firewall"),
    _("On the ASA in front of the mail server: policy-map global_policy, class "
      "inspection_default, “no inspect esmtp” (or allow STARTTLS in an ESMTP inspection "
      "policy-map with “match cmd verb STARTTLS” removed from the drop list)."),
    _("Check again: the banner shows the server's own name and EHLO lists STARTTLS."), NULL);
  g_ptr_array_add (findings, g_steal_pointer (&hint));
}

static const char *const av_vendors[] = {
  "Avast", "AVG", "ESET", "Kaspersky", "Bitdefender", "Norton", "Symantec", "McAfee",
  "Sophos", "Trend Micro", "F-Secure", "G DATA", "Fortinet", "Zscaler",
};

static const char *
sd_av_vendor (const char *issuer)
{
  for (gsize i = 0; issuer != NULL && i < G_N_ELEMENTS (av_vendors); i++)
    if (strstr (issuer, av_vendors[i]) != NULL)
      return av_vendors[i];
  return NULL;
}

static void
sd_find_interception (const SdCheckReport *report,
                      GPtrArray           *findings)
{
  g_autoptr(SdHint) hint = NULL;

  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      const SdReport *r = probe->report;
      const SdCertInfo *leaf = r && r->tls && r->tls->chain->len > 0 ? r->tls->chain->pdata[0]
                                                                      : NULL;
      const char *vendor = leaf ? sd_av_vendor (leaf->issuer) : NULL;
      gboolean refused = probe->outcome == SD_CHECK_OUTCOME_STARTTLS_REFUSED &&
                         r->caps_before_tls != NULL && r->caps_before_tls->starttls;

      if (vendor == NULL && !refused)
        continue;
      if (hint == NULL)
        hint = sd_hint_new ("smtp-interception", SD_HINT_ERROR, 85,
          _("An antivirus or proxy on this side intercepts SMTP"),
          _("The connection is answered or encrypted by something other than the mail "
            "server: a certificate issued by an antivirus's own CA, or STARTTLS offered "
            "and then refused. Mail scanning in antivirus suites (and some proxies) does "
            "this; applications that verify certificates then fail."));
      _sd_check_finding_add_evidence (hint, _("%s (%s) port %u:"), probe->host, probe->address,
                                      probe->port);
      if (vendor != NULL)
        /* Translators: a certificate's issuer, then a product name such as Avast. */
        _sd_check_finding_add_evidence (hint, _("certificate issued by “%s” (%s)"),
                                        leaf->issuer, vendor);
      if (refused)
        _sd_check_finding_add_evidence (hint, "%s", _("STARTTLS advertised, then refused"));
    }
  if (hint == NULL)
    return;
  sd_hint_add_fix (hint, "generic", _("Any server / the sending application"),
    _("Turn off the antivirus's mail (SMTP) scanning or its “scan encrypted connections” "
      "option on this machine, or exclude the mail server's address."),
    _("Check again: the certificate is issued by the server's own CA."), NULL);
  g_ptr_array_add (findings, g_steal_pointer (&hint));
}

void
_sd_check_middlebox_find (const SdCheckReport *report,
                          GPtrArray           *findings)
{
  sd_find_asa (report, findings);
  sd_find_interception (report, findings);
}
